/* One config shared by connections on several threads: the first
 * petls_configure() calls race to freeze it, then handshakes run in
 * parallel on the shared, read-only settings. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mempipe.h"
#include "petls.h"
#include "testcerts.h"

#define NTHREADS 4
#define ROUNDS 3

struct worker {
    struct petls_config *scfg;
    struct petls_config *ccfg;
    int done; /* handshakes completed with data checked */
    char error[256];
};

static int pending(int rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT;
}

static int one_connection(struct worker *w)
{
    struct mempipe pipe;
    struct petls *srv = petls_server(), *conn = NULL, *cli = petls_client();
    int crc = PETLS_WANT_POLLOUT, src = PETLS_WANT_POLLIN, i, ok = 0;
    char buf[8];
    ssize_t n = PETLS_WANT_POLLIN;

    mempipe_init(&pipe);
    if (petls_configure(srv, w->scfg) != 0 ||
        petls_configure(cli, w->ccfg) != 0) {
        snprintf(w->error, sizeof(w->error), "configure: %s / %s",
                 petls_error(srv) ? petls_error(srv) : "",
                 petls_error(cli) ? petls_error(cli) : "");
        goto out;
    }
    if (petls_accept_cbs(srv, &conn, mempipe_read, mempipe_write,
                         &pipe.server) != 0 ||
        petls_connect_cbs(cli, mempipe_read, mempipe_write, &pipe.client,
                          "localhost") != 0) {
        snprintf(w->error, sizeof(w->error), "start failed");
        goto out;
    }
    for (i = 0; i < 100 && (pending(crc) || pending(src)); i++) {
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
    if (petls_write(cli, "thread", 6) != 6)
        goto out;
    for (i = 0; i < 10 && n == PETLS_WANT_POLLIN; i++)
        n = petls_read(conn, buf, sizeof(buf));
    ok = n == 6 && memcmp(buf, "thread", 6) == 0 &&
         petls_conn_authorized(cli) == 1;
    if (!ok)
        snprintf(w->error, sizeof(w->error), "data: %zd", n);
out:
    petls_free(cli);
    petls_free(conn);
    petls_free(srv);
    mempipe_free(&pipe);
    return ok;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int r;

    for (r = 0; r < ROUNDS; r++) {
        if (!one_connection(w))
            break;
        w->done++;
    }
    return NULL;
}

Test(threads, shared_config_parallel_handshakes)
{
    struct petls_config *scfg = petls_config_new(), *ccfg = petls_config_new();
    struct worker w[NTHREADS];
    pthread_t th[NTHREADS];
    int i;

    cr_assert_eq(petls_config_set_keypair_file(scfg,
                                               cert_path("server-ecdsa.pem"),
                                               cert_path("server-ecdsa.key")),
                 0);
    cr_assert_eq(petls_config_set_ca_file(ccfg, cert_path("ca.pem")), 0);
    memset(w, 0, sizeof(w));
    for (i = 0; i < NTHREADS; i++) {
        w[i].scfg = scfg;
        w[i].ccfg = ccfg;
        cr_assert_eq(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < NTHREADS; i++)
        cr_assert_eq(w[i].done, ROUNDS, "thread %d: %s", i, w[i].error);
    /* Frozen by the workers. */
    cr_assert_eq(petls_config_set_ciphers(scfg, "secure"), -1);
    petls_config_free(scfg);
    petls_config_free(ccfg);
}
