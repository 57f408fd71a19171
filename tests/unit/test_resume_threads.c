/* Resumption with configs shared by threads: the server cache, the client
 * cache and the ticket key ring are used (and the keys changed) from
 * several threads at once. No Criterion assertion runs off the main
 * thread: workers record what went wrong. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "mempipe.h"
#include "petls.h"
#include "testcerts.h"

#define NTHREADS 3
#define ROUNDS 4

struct shared {
    struct petls_config *scfg;
    struct petls_config *ccfg;
    atomic_int stop_keys;
};

struct worker {
    struct shared *sh;
    int resumed; /* connections that resumed (both sides agreeing) */
    int done;
    char error[256];
};

static int pending(int rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT;
}

/* One connection; returns 1 resumed, 0 full, -1 failed (w->error). */
static int one_connection(struct worker *w)
{
    struct mempipe pipe;
    struct petls *srv = petls_server(), *conn = NULL, *cli = petls_client();
    int crc = PETLS_WANT_POLLOUT, src = PETLS_WANT_POLLIN, i, ret = -1;
    char buf[8];
    ssize_t n = PETLS_WANT_POLLIN;

    mempipe_init(&pipe);
    if (petls_configure(srv, w->sh->scfg) != 0 ||
        petls_configure(cli, w->sh->ccfg) != 0 ||
        petls_accept_cbs(srv, &conn, mempipe_read, mempipe_write,
                         &pipe.server) != 0 ||
        petls_connect_cbs(cli, mempipe_read, mempipe_write, &pipe.client,
                          "localhost") != 0) {
        snprintf(w->error, sizeof(w->error), "start failed");
        goto out;
    }
    for (i = 0; i < 200 && (pending(crc) || pending(src)); i++) {
        if (pending(crc))
            crc = petls_handshake(cli);
        if (pending(src))
            src = petls_handshake(conn);
    }
    if (crc != 0 || src != 0) {
        snprintf(w->error, sizeof(w->error), "handshake: %s / %s",
                 petls_error(cli) ? petls_error(cli) : "",
                 petls_error(conn) ? petls_error(conn) : "");
        goto out;
    }
    /* The server speaks; the client reads (and so takes its tickets). */
    if (petls_write(conn, "hi", 2) != 2) {
        snprintf(w->error, sizeof(w->error), "write failed");
        goto out;
    }
    for (i = 0; i < 50 && n == PETLS_WANT_POLLIN; i++)
        n = petls_read(cli, buf, sizeof(buf));
    if (n != 2) {
        snprintf(w->error, sizeof(w->error), "read returned %zd", n);
        goto out;
    }
    if (petls_conn_session_resumed(cli) != petls_conn_session_resumed(conn)) {
        snprintf(w->error, sizeof(w->error), "sides disagree on resumption");
        goto out;
    }
    ret = petls_conn_session_resumed(cli);
out:
    petls_free(cli);
    petls_free(conn);
    petls_free(srv);
    mempipe_free(&pipe);
    return ret;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int i, r;

    for (i = 0; i < ROUNDS; i++) {
        r = one_connection(w);
        if (r < 0)
            return NULL;
        w->resumed += r;
        w->done++;
    }
    return NULL;
}

/* Keeps setting the same two keys: the ring's lock against the handshakes
 * that seal and open tickets. */
static void *keys_main(void *arg)
{
    struct shared *sh = arg;
    uint8_t keys[2 * PETLS_TICKET_KEY_SIZE];

    memset(keys, 0x61, PETLS_TICKET_KEY_SIZE);
    memset(keys + PETLS_TICKET_KEY_SIZE, 0x62, PETLS_TICKET_KEY_SIZE);
    while (!atomic_load(&sh->stop_keys))
        (void)petls_config_set_ticket_keys(sh->scfg, keys, sizeof(keys));
    return NULL;
}

static void run(uint32_t protocols, int tickets)
{
    struct shared sh;
    struct worker w[NTHREADS];
    pthread_t t[NTHREADS], kt;
    uint8_t keys[2 * PETLS_TICKET_KEY_SIZE];
    int i, resumed = 0;

    memset(&sh, 0, sizeof(sh));
    atomic_init(&sh.stop_keys, 0);
    sh.scfg = petls_config_new();
    sh.ccfg = petls_config_new();
    cr_assert(
        petls_config_set_keypair_file(sh.scfg, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_ca_file(sh.ccfg, cert_path("ca.pem")) == 0);
    cr_assert(petls_config_set_protocols(sh.scfg, protocols) == 0);
    cr_assert(petls_config_set_protocols(sh.ccfg, protocols) == 0);
    cr_assert(petls_config_set_session_tickets(sh.scfg, tickets) == 0);
    cr_assert(petls_config_set_client_session_cache(sh.ccfg, 16) == 0);
    memset(keys, 0x61, PETLS_TICKET_KEY_SIZE);
    memset(keys + PETLS_TICKET_KEY_SIZE, 0x62, PETLS_TICKET_KEY_SIZE);
    cr_assert(petls_config_set_ticket_keys(sh.scfg, keys, sizeof(keys)) == 0);
    cr_assert(pthread_create(&kt, NULL, keys_main, &sh) == 0);
    for (i = 0; i < NTHREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].sh = &sh;
        cr_assert(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    atomic_store(&sh.stop_keys, 1);
    pthread_join(kt, NULL);
    for (i = 0; i < NTHREADS; i++) {
        cr_assert_eq(w[i].done, ROUNDS, "thread %d: %s", i, w[i].error);
        /* Every connection after a thread's first finds a session in the
         * shared client cache (its own or another thread's). */
        cr_assert(w[i].resumed >= ROUNDS - 1, "thread %d resumed %d of %d", i,
                  w[i].resumed, ROUNDS);
        resumed += w[i].resumed;
    }
    cr_assert(resumed >= NTHREADS * (ROUNDS - 1));
    petls_config_free(sh.scfg);
    petls_config_free(sh.ccfg);
}

Test(resume_threads, tls13_stateless_keys_changing)
{
    run(PETLS_PROTOCOL_TLSv1_3, 1);
}

Test(resume_threads, tls12_stateful_shared_cache)
{
    run(PETLS_PROTOCOL_TLSv1_2, 0);
}

Test(resume_threads, tls13_stateful_shared_cache)
{
    run(PETLS_PROTOCOL_TLSv1_3, 0);
}
