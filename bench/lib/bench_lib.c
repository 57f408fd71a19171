/*
 * The library-layer driver: runs each scenario on one implementation (the
 * vtable from lib_<impl>.c) and prints one JSON line per scenario.
 *
 * usage: lib_<impl> --certs DIR [--scenario NAME[,NAME...]|all]
 *                   [--iters N] [--seconds S] [--mb N] [--crypto S] [--list]
 *
 * Handshake scenarios run max(--iters, as many as fit in --seconds); each
 * iteration is: both connections made, handshake, one byte each way (so
 * TLS 1.3 tickets arrive), the client's session kept when resuming, both
 * freed. Bulk scenarios move --mb MiB client to server in 16 KiB writes.
 */
#define _GNU_SOURCE
#include "bench_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct bench_scenario bench_scenarios[] = {
    {"full-tls12-ecdsa", BK_FULL, 0, 0, BR_NONE, BC_AES128GCM},
    {"full-tls13-ecdsa", BK_FULL, 1, 0, BR_NONE, BC_AES128GCM},
    {"full-tls12-rsa", BK_FULL, 0, 1, BR_NONE, BC_AES128GCM},
    {"full-tls13-rsa", BK_FULL, 1, 1, BR_NONE, BC_AES128GCM},
    {"resume-tls12-id", BK_RESUME, 0, 0, BR_TLS12_ID, BC_AES128GCM},
    {"resume-tls12-ticket", BK_RESUME, 0, 0, BR_TLS12_TICKET, BC_AES128GCM},
    {"resume-tls13-psk_dhe_ke", BK_RESUME, 1, 0, BR_TLS13_PSK_DHE,
     BC_AES128GCM},
    {"resume-tls13-psk_ke", BK_RESUME, 1, 0, BR_TLS13_PSK, BC_AES128GCM},
    {"psk-tls13-external", BK_PSK, 1, 0, BR_NONE, BC_AES128GCM},
    {"bulk-tls13-aes128gcm", BK_BULK, 1, 0, BR_NONE, BC_AES128GCM},
    {"bulk-tls13-aes256gcm", BK_BULK, 1, 0, BR_NONE, BC_AES256GCM},
    {"bulk-tls13-chacha20", BK_BULK, 1, 0, BR_NONE, BC_CHACHA20},
};
const size_t bench_n_scenarios =
    sizeof(bench_scenarios) / sizeof(bench_scenarios[0]);
#define N_SCENARIOS bench_n_scenarios
#define scenarios bench_scenarios

uint64_t bench_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

size_t bench_queue_read(struct bench_queue *q, void *buf, size_t len)
{
    size_t n = q->tail - q->head;
    if (n > len)
        n = len;
    if (n == 0)
        return 0;
    memcpy(buf, q->buf + q->head, n);
    q->head += n;
    if (q->head == q->tail)
        q->head = q->tail = 0;
    return n;
}

int bench_queue_write(struct bench_queue *q, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (q->tail + len > q->cap && q->head > 0) {
        memmove(q->buf, q->buf + q->head, q->tail - q->head);
        q->tail -= q->head;
        q->head = 0;
    }
    if (q->tail + len > q->cap) {
        size_t cap = q->cap ? q->cap : 65536;
        while (cap < q->tail + len)
            cap *= 2;
        uint8_t *b = realloc(q->buf, cap);
        if (b == NULL)
            return -1;
        q->buf = b;
        q->cap = cap;
    }
    memcpy(q->buf + q->tail, buf, len);
    q->tail += len;
    return 0;
}

#ifndef BENCH_MEM_MAIN
static const struct bench_impl *impl;

/* ---- Per-side entry points (callgrind attributes by these names) ---- */

#if defined(__clang__)
#define NOINL __attribute__((noinline, used))
#else
#define NOINL __attribute__((noinline, noclone, used))
#endif
#define SIDE_FNS(pfx)                                                          \
    NOINL void *pfx##_new_client(struct bench_pipe *p);                        \
    NOINL void *pfx##_new_client(struct bench_pipe *p)                         \
    {                                                                          \
        return impl->client_new(p);                                            \
    }                                                                          \
    NOINL void *pfx##_new_server(struct bench_pipe *p);                        \
    NOINL void *pfx##_new_server(struct bench_pipe *p)                         \
    {                                                                          \
        return impl->server_new(p);                                            \
    }                                                                          \
    NOINL int pfx##_handshake(void *c);                                        \
    NOINL int pfx##_handshake(void *c)                                         \
    {                                                                          \
        return impl->handshake(c);                                             \
    }                                                                          \
    NOINL int pfx##_write(void *c, const void *b, size_t n);                   \
    NOINL int pfx##_write(void *c, const void *b, size_t n)                    \
    {                                                                          \
        return impl->write(c, b, n);                                           \
    }                                                                          \
    NOINL ssize_t pfx##_read(void *c, void *b, size_t n);                      \
    NOINL ssize_t pfx##_read(void *c, void *b, size_t n)                       \
    {                                                                          \
        return impl->read(c, b, n);                                            \
    }                                                                          \
    NOINL int pfx##_save(void *c);                                             \
    NOINL int pfx##_save(void *c)                                              \
    {                                                                          \
        return impl->save_session(c);                                          \
    }                                                                          \
    NOINL void pfx##_free(void *c);                                            \
    NOINL void pfx##_free(void *c)                                             \
    {                                                                          \
        impl->conn_free(c);                                                    \
    }

SIDE_FNS(cgc)  /* measured, client */
SIDE_FNS(cgs)  /* measured, server */
SIDE_FNS(warm) /* not measured */

struct side {
    void *(*new_client)(struct bench_pipe *);
    void *(*new_server)(struct bench_pipe *);
    int (*handshake)(void *);
    int (*write)(void *, const void *, size_t);
    ssize_t (*read)(void *, void *, size_t);
    int (*save)(void *);
    void (*free)(void *);
};
static const struct side side_c = {
    cgc_new_client, cgc_new_server, cgc_handshake, cgc_write,
    cgc_read,       cgc_save,       cgc_free};
static const struct side side_s = {
    cgs_new_client, cgs_new_server, cgs_handshake, cgs_write,
    cgs_read,       cgs_save,       cgs_free};
static const struct side side_w = {
    warm_new_client, warm_new_server, warm_handshake, warm_write,
    warm_read,       warm_save,       warm_free};

struct clocks {
    uint64_t c, s; /* CPU ns per side */
};

/* Runs fn for one side and charges its CPU time to *acc. */
#define TIMED(acc, expr)                                                       \
    do {                                                                       \
        uint64_t t0_ = bench_cpu_ns();                                         \
        expr;                                                                  \
        *(acc) += bench_cpu_ns() - t0_;                                        \
    } while (0)

static char last_err[512];

static int drive_handshake(const struct side *cs, const struct side *ss,
                           void *c, void *s, struct clocks *k)
{
    int cd = 0, sd = 0;
    for (int rounds = 0; rounds < 1000; rounds++) {
        int r;
        if (!cd) {
            TIMED(&k->c, r = cs->handshake(c));
            if (r == BS_ERR) {
                snprintf(last_err, sizeof(last_err), "client handshake: %s",
                         impl->error(c));
                return -1;
            }
            cd = r == BS_DONE;
        }
        if (!sd) {
            TIMED(&k->s, r = ss->handshake(s));
            if (r == BS_ERR) {
                snprintf(last_err, sizeof(last_err), "server handshake: %s",
                         impl->error(s));
                return -1;
            }
            sd = r == BS_DONE;
        }
        if (cd && sd)
            return 0;
    }
    snprintf(last_err, sizeof(last_err), "handshake stalled");
    return -1;
}

/* Moves len bytes from one connection to the other (the receiver may have
 * to process post-handshake messages first). */
static int transfer(const struct side *ws, void *w, const struct side *rs,
                    void *r, const void *buf, size_t len, uint8_t *rbuf,
                    uint64_t *wt, uint64_t *rt)
{
    int rc;
    TIMED(wt, rc = ws->write(w, buf, len));
    if (rc != BS_DONE) {
        snprintf(last_err, sizeof(last_err), "write: %s", impl->error(w));
        return -1;
    }
    size_t got = 0;
    for (int spins = 0; got < len && spins < 100000; spins++) {
        ssize_t n;
        TIMED(rt, n = rs->read(r, rbuf, len - got));
        if (n > 0) {
            got += (size_t)n;
            continue;
        }
        if (n == BENCH_READ_AGAIN) {
            /* The writer may owe us more (e.g. a TLS 1.3 server still
             * sending tickets): nothing to do in one thread but retry. */
            continue;
        }
        snprintf(last_err, sizeof(last_err), "read: %s",
                 n == 0 ? "unexpected close" : impl->error(r));
        return -1;
    }
    if (got < len) {
        snprintf(last_err, sizeof(last_err), "read stalled at %zu/%zu", got,
                 len);
        return -1;
    }
    return 0;
}

static void pipe_free(struct bench_pipe *p)
{
    free(p->c2s.buf);
    free(p->s2c.buf);
    memset(p, 0, sizeof(*p));
}

/* One connection's life: returns 1 resumed, 0 full, -1 error. */
static int one_connection(const struct side *cs, const struct side *ss,
                          int save, struct clocks *k)
{
    struct bench_pipe p;
    uint8_t rbuf[16];
    void *c = NULL, *s = NULL;
    int ret = -1;

    memset(&p, 0, sizeof(p));
    TIMED(&k->c, c = cs->new_client(&p));
    TIMED(&k->s, s = ss->new_server(&p));
    if (c == NULL || s == NULL) {
        snprintf(last_err, sizeof(last_err), "cannot create connections");
        goto out;
    }
    if (drive_handshake(cs, ss, c, s, k) != 0)
        goto out;
    if (transfer(cs, c, ss, s, "x", 1, rbuf, &k->c, &k->s) != 0 ||
        transfer(ss, s, cs, c, "y", 1, rbuf, &k->s, &k->c) != 0)
        goto out;
    ret = impl->resumed(c) ? 1 : 0;
    if (impl->resumed(s) != ret) {
        snprintf(last_err, sizeof(last_err),
                 "client and server disagree on resumption");
        ret = -1;
        goto out;
    }
    if (save) {
        int r;
        TIMED(&k->c, r = cs->save(c));
        if (r != 0) {
            snprintf(last_err, sizeof(last_err), "no session to save: %s",
                     impl->error(c));
            ret = -1;
        }
    }
out:
    if (c != NULL)
        TIMED(&k->c, cs->free(c));
    if (s != NULL)
        TIMED(&k->s, ss->free(s));
    pipe_free(&p);
    return ret;
}

static void print_json_head(const struct bench_scenario *sc)
{
    printf("{\"layer\":\"lib\",\"impl\":\"%s\",\"scenario\":\"%s\"", impl->name,
           sc->name);
}

static int run_handshakes(const struct bench_scenario *sc, long iters,
                          double seconds)
{
    struct clocks warmk = {0, 0}, k = {0, 0};
    int resume = sc->kind == BK_RESUME;
    long n = 0, resumed = 0;

    /* Warm-up (and, when resuming, the full handshake that makes the first
     * session): not measured. */
    if (one_connection(&side_w, &side_w, resume, &warmk) < 0)
        goto fail;
    uint64_t w0 = bench_wall_ns();
    uint64_t limit = (uint64_t)(seconds * 1e9);
    while (n < iters || (bench_wall_ns() - w0) < limit) {
        int r = one_connection(&side_c, &side_s, resume, &k);
        if (r < 0)
            goto fail;
        resumed += r;
        n++;
    }
    uint64_t wall = bench_wall_ns() - w0;
    if ((resume || sc->kind == BK_PSK) && resumed != n) {
        snprintf(last_err, sizeof(last_err), "only %ld of %ld handshakes %s",
                 resumed, n, resume ? "resumed" : "used the PSK");
        goto fail;
    }
    if (sc->kind == BK_FULL && resumed != 0) {
        snprintf(last_err, sizeof(last_err), "a full handshake resumed");
        goto fail;
    }
    print_json_head(sc);
    printf(",\"unit\":\"handshake\",\"iters\":%ld,\"resumed\":%ld,"
           "\"client_us\":%.2f,\"server_us\":%.2f,\"wall_us\":%.2f,"
           "\"server_per_s\":%.1f,\"client_per_s\":%.1f}\n",
           n, resumed, k.c / 1e3 / n, k.s / 1e3 / n, wall / 1e3 / n,
           k.s ? n / (k.s / 1e9) : 0.0, k.c ? n / (k.c / 1e9) : 0.0);
    return 0;
fail:
    print_json_head(sc);
    printf(",\"error\":\"%s\"}\n", last_err);
    return -1;
}

static int run_bulk(const struct bench_scenario *sc, long mb)
{
    struct clocks k = {0, 0};
    struct bench_pipe p;
    static uint8_t chunk[16384], rbuf[16384];
    void *c = NULL, *s = NULL;
    int ret = -1;

    memset(&p, 0, sizeof(p));
    memset(chunk, 'b', sizeof(chunk));
    c = side_w.new_client(&p);
    s = side_w.new_server(&p);
    if (c == NULL || s == NULL) {
        snprintf(last_err, sizeof(last_err), "cannot create connections");
        goto out;
    }
    if (drive_handshake(&side_w, &side_w, c, s, &k) != 0 ||
        transfer(&side_w, c, &side_w, s, "x", 1, rbuf, &k.c, &k.s) != 0 ||
        transfer(&side_w, s, &side_w, c, "y", 1, rbuf, &k.s, &k.c) != 0)
        goto out;
    k.c = k.s = 0;
    uint64_t w0 = bench_wall_ns();
    for (long i = 0; i < mb * 64; i++) {
        if (transfer(&side_c, c, &side_s, s, chunk, sizeof(chunk), rbuf, &k.c,
                     &k.s) != 0)
            goto out;
    }
    uint64_t wall = bench_wall_ns() - w0;
    print_json_head(sc);
    printf(",\"unit\":\"MiB\",\"iters\":%ld,\"client_us\":%.2f,"
           "\"server_us\":%.2f,\"wall_us\":%.2f,\"encrypt_MBps\":%.1f,"
           "\"decrypt_MBps\":%.1f,\"pipe_MBps\":%.1f}\n",
           mb, k.c / 1e3 / mb, k.s / 1e3 / mb, wall / 1e3 / mb,
           mb / (k.c / 1e9) * 1.048576, mb / (k.s / 1e9) * 1.048576,
           mb / ((k.c + k.s) / 1e9) * 1.048576);
    ret = 0;
out:
    if (ret != 0) {
        print_json_head(sc);
        printf(",\"error\":\"%s\"}\n", last_err);
    }
    if (c != NULL)
        side_w.free(c);
    if (s != NULL)
        side_w.free(s);
    pipe_free(&p);
    return ret;
}

static int wanted(const char *list, const char *name)
{
    size_t n = strlen(name);
    if (strcmp(list, "all") == 0)
        return 1;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncmp(p, name, n) == 0)
            return 1;
        /* a prefix ending in '-' selects a family: "full-", "resume-" */
        if (l > 0 && p[l - 1] == '-' && strncmp(p, name, l) == 0)
            return 1;
        p += l + (e ? 1 : 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *certs = getenv("PETLS_TEST_CERTS");
    const char *list = "all";
    long iters = 20, mb = 16;
    double seconds = 0, crypto = 0;

    impl = bench_impl();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t j = 0; j < N_SCENARIOS; j++)
            printf("%s\n", scenarios[j].name);
        return 0;
    }
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            fprintf(stderr, "%s: %s needs a value\n", argv[0], a);
            return 2;
        } else if (strcmp(a, "--certs") == 0) {
            certs = v;
        } else if (strcmp(a, "--scenario") == 0) {
            list = v;
        } else if (strcmp(a, "--iters") == 0) {
            iters = strtol(v, NULL, 10);
        } else if (strcmp(a, "--seconds") == 0) {
            seconds = strtod(v, NULL);
        } else if (strcmp(a, "--mb") == 0) {
            mb = strtol(v, NULL, 10);
        } else if (strcmp(a, "--crypto") == 0) {
            crypto = strtod(v, NULL);
        } else {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], a);
            return 2;
        }
    }
    if (certs == NULL) {
        fprintf(stderr, "%s: --certs DIR (or PETLS_TEST_CERTS) is needed\n",
                argv[0]);
        return 2;
    }
    if (iters < 1)
        iters = 1;
    if (mb < 1)
        mb = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);

    int failed = 0;
    if (crypto > 0) {
        if (impl->crypto == NULL || impl->crypto(certs, crypto) != 0)
            failed = 1;
        if (strcmp(list, "none") == 0)
            return failed;
    }
    for (size_t j = 0; j < N_SCENARIOS; j++) {
        const struct bench_scenario *sc = &scenarios[j];
        char err[512] = "";
        if (!wanted(list, sc->name))
            continue;
        int r = impl->setup(sc, certs, err, sizeof(err));
        if (r == -2) {
            print_json_head(sc);
            printf(",\"na\":\"%s\"}\n", err);
            impl->teardown();
            continue;
        }
        if (r != 0) {
            print_json_head(sc);
            printf(",\"error\":\"setup: %s\"}\n", err);
            impl->teardown();
            failed = 1;
            continue;
        }
        if (sc->kind == BK_BULK)
            r = run_bulk(sc, mb);
        else
            r = run_handshakes(sc, iters, seconds);
        if (r != 0)
            failed = 1;
        impl->teardown();
    }
    return failed;
}
#endif /* BENCH_MEM_MAIN */
