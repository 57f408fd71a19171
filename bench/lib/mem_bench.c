/*
 * Heap per connection, measured with the counting allocator (mem_count.c)
 * on the library-layer loop: the peak while the connection is made and
 * handshakes, and what an idle established connection keeps, per side,
 * split into engine (libpetls) and mbedTLS (libmbed*) when those are
 * separate shared objects.
 *
 * usage: mem_<impl> --certs DIR [--scenario NAME,...] [--build LABEL]
 */
#define _GNU_SOURCE
#include "bench_lib.h"
#include "mem_count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct bench_impl *impl;

static int hs(void *c, void *s)
{
    int cd = 0, sd = 0;
    for (int i = 0; i < 1000 && !(cd && sd); i++) {
        int r;
        if (!cd) {
            mem_set_side(MEM_CLIENT);
            r = impl->handshake(c);
            if (r == BS_ERR)
                return -1;
            cd = r == BS_DONE;
        }
        if (!sd) {
            mem_set_side(MEM_SERVER);
            r = impl->handshake(s);
            if (r == BS_ERR)
                return -1;
            sd = r == BS_DONE;
        }
    }
    mem_set_side(MEM_OTHER);
    return cd && sd ? 0 : -1;
}

static int xfer(void *w, enum mem_side ws, void *r, enum mem_side rs)
{
    uint8_t b[4];
    mem_set_side(ws);
    if (impl->write(w, "x", 1) != BS_DONE)
        return -1;
    for (int i = 0; i < 1000; i++) {
        mem_set_side(rs);
        ssize_t n = impl->read(r, b, sizeof(b));
        mem_set_side(MEM_OTHER);
        if (n == 1)
            return 0;
        if (n != BENCH_READ_AGAIN)
            return -1;
    }
    return -1;
}

/* One connection pair; with stats, the measurements of it. */
static int pair(int resume, struct mem_stats *during, struct mem_stats *idle,
                struct mem_stats *after, int measure)
{
    struct bench_pipe p;
    void *c, *s;
    int ret = -1;

    memset(&p, 0, sizeof(p));
    /* The pipe's buffers are the harness's, not the connection's: made
     * here, uncharged, big enough never to grow. */
    mem_set_side(MEM_OTHER);
    p.c2s.cap = p.s2c.cap = 1u << 18;
    p.c2s.buf = malloc(p.c2s.cap);
    p.s2c.buf = malloc(p.s2c.cap);
    if (p.c2s.buf == NULL || p.s2c.buf == NULL)
        return -1;
    if (measure)
        mem_reset_peaks();
    mem_set_side(MEM_CLIENT);
    c = impl->client_new(&p);
    mem_set_side(MEM_SERVER);
    s = impl->server_new(&p);
    mem_set_side(MEM_OTHER);
    if (c == NULL || s == NULL)
        goto out;
    if (hs(c, s) != 0 || xfer(c, MEM_CLIENT, s, MEM_SERVER) != 0 ||
        xfer(s, MEM_SERVER, c, MEM_CLIENT) != 0)
        goto out;
    if (measure) {
        mem_get(during);
        mem_get(idle);
    }
    if (resume) {
        mem_set_side(MEM_OTHER);
        if (impl->save_session(c) != 0)
            goto out;
    }
    ret = 0;
out:
    if (ret != 0)
        fprintf(stderr, "mem: connection failed: %s\n",
                c ? impl->error(c) : "cannot create");
    mem_set_side(MEM_CLIENT);
    if (c)
        impl->conn_free(c);
    mem_set_side(MEM_SERVER);
    if (s)
        impl->conn_free(s);
    mem_set_side(MEM_OTHER);
    free(p.c2s.buf);
    free(p.s2c.buf);
    if (measure && ret == 0)
        mem_get(after);
    return ret;
}

static void side_json(const char *name, const struct mem_stats *d,
                      const struct mem_stats *i, const struct mem_stats *a,
                      enum mem_side sd, int split)
{
    printf(",\"%s\":{\"peak\":%zu,\"idle\":%zu,\"after_free\":%zu,"
           "\"allocs\":%zu",
           name, d->peak[sd], mem_side_total(i, sd), mem_side_total(a, sd),
           d->allocs[sd]);
    if (split)
        printf(",\"idle_engine\":%zu,\"idle_mbedtls\":%zu,\"idle_other\":%zu",
               i->live[sd][MEM_ENGINE], i->live[sd][MEM_MBEDTLS],
               i->live[sd][MEM_REST]);
    printf("}");
}

int main(int argc, char **argv)
{
    const char *certs = getenv("PETLS_TEST_CERTS");
    const char *list = "full-tls13-ecdsa,full-tls12-ecdsa,"
                       "resume-tls13-psk_dhe_ke";
    const char *build = "default";
    int failed = 0;

    impl = bench_impl();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--certs") == 0)
            certs = argv[i + 1];
        else if (strcmp(argv[i], "--scenario") == 0)
            list = argv[i + 1];
        else if (strcmp(argv[i], "--build") == 0)
            build = argv[i + 1];
    }
    if (certs == NULL) {
        fprintf(stderr, "mem: --certs DIR needed\n");
        return 2;
    }
    for (size_t j = 0; j < bench_n_scenarios; j++) {
        const struct bench_scenario *sc = &bench_scenarios[j];
        char err[512] = "";
        const char *hit = strstr(list, sc->name);
        size_t nl = strlen(sc->name);
        if (hit == NULL || (hit[nl] != 0 && hit[nl] != ','))
            continue;
        printf("{\"layer\":\"mem\",\"impl\":\"%s\",\"build\":\"%s\","
               "\"scenario\":\"%s\"",
               impl->name, build, sc->name);
        int r = impl->setup(sc, certs, err, sizeof(err));
        if (r != 0) {
            printf(",\"%s\":\"%s\"}\n", r == -2 ? "na" : "error", err);
            impl->teardown();
            failed |= r != -2;
            continue;
        }
        struct mem_stats d, i, a;
        int resume = sc->kind == BK_RESUME;
        mem_start();
        /* The first pair makes one-time state (and, when resuming, the
         * session); the second is measured. */
        if (pair(resume, &d, &i, &a, 0) != 0 ||
            pair(resume, &d, &i, &a, 1) != 0) {
            printf(",\"error\":\"handshake failed\"}\n");
            failed = 1;
        } else {
            side_json("client", &d, &i, &a, MEM_CLIENT, mem_split_known());
            side_json("server", &d, &i, &a, MEM_SERVER, mem_split_known());
            printf(",\"split\":%d}\n", mem_split_known());
        }
        impl->teardown();
    }
    return failed;
}
