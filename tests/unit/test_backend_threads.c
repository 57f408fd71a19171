/* A frozen backend config is shared read-only by connections on many
 * threads; the global DRBG and pb_init are thread-safe. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "test_backend_util.h"

struct shared {
    struct pb_config *ccfg, *scfg;
    int ok[4];
};

struct job {
    struct shared *sh;
    int idx;
};

static void *run_handshakes(void *arg)
{
    struct job *j = arg;
    int i, good = 0;
    char err[64];
    uint8_t rnd[64];

    for (i = 0; i < 5; i++) {
        struct tb_pair p;
        struct pb_conn_params cp, sp;

        if (pb_init(err, sizeof(err)) != 0 || pb_random(rnd, sizeof(rnd))) {
            break;
        }
        /* tb_pair_new asserts, which must not run off the main thread:
         * build the pair by hand. */
        memset(&p, 0, sizeof(p));
        p.cend.in = &p.s2c;
        p.cend.out = &p.c2s;
        p.send.in = &p.c2s;
        p.send.out = &p.s2c;
        memset(&cp, 0, sizeof(cp));
        cp.sni = "localhost";
        cp.verify_name = "localhost";
        cp.send = tb_send;
        cp.recv = tb_recv;
        cp.io = &p.cend;
        sp = cp;
        sp.is_server = 1;
        sp.sni = NULL;
        sp.verify_name = NULL;
        sp.io = &p.send;
        p.client = pb_conn_new(j->sh->ccfg, &cp, err, sizeof(err));
        p.server = pb_conn_new(j->sh->scfg, &sp, err, sizeof(err));
        if (p.client != NULL && p.server != NULL && tb_handshake(&p) == 0 &&
            pb_conn_version(p.client) == 0x0304) {
            good++;
        }
        tb_pair_free(&p);
    }
    j->sh->ok[j->idx] = good;
    return NULL;
}

Test(backend_threads, shared_config_across_threads)
{
    struct shared sh;
    struct job jobs[4];
    pthread_t th[4];
    struct pb_settings s = tb_settings(PETLS_PROTOCOLS_ALL);
    int i;

    memset(&sh, 0, sizeof(sh));
    sh.ccfg = tb_config();
    sh.scfg = tb_config();
    tb_add_ca(sh.ccfg, "ca.pem");
    tb_add_keypair(sh.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(sh.ccfg, &s);
    tb_freeze(sh.scfg, &s);
    for (i = 0; i < 4; i++) {
        jobs[i].sh = &sh;
        jobs[i].idx = i;
        cr_assert_eq(pthread_create(&th[i], NULL, run_handshakes, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    for (i = 0; i < 4; i++) {
        cr_assert_eq(sh.ok[i], 5, "thread %d: %d of 5 handshakes", i, sh.ok[i]);
    }
    pb_config_free(sh.ccfg);
    pb_config_free(sh.scfg);
}
