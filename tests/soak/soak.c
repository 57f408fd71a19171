/*
 * Soak test of record buffers released while idle (issue 11 item 8): many
 * petls client/server pairs over loopback TCP in one thread, cycling
 * between idle and busy. Every pair's handshake, then waves of echo jobs
 * (random sizes, random write and read sizes, either side first), then
 * close_notify from either side; every byte is checked end to end (the
 * initiator regenerates its stream, the echoer's FNV-1a checksum of what it
 * received must equal the initiator's of what it sent). After every job
 * both ends must be released again, and between waves every idle pair; the
 * heap held by all idle pairs is measured and bounded (with kept buffers
 * each pair would hold four record buffers, about 67 KiB).
 *
 * Most clients resume with a session an earlier client received (TLS 1.3
 * tickets arrive after the handshake, while the client's buffers are
 * released); one in five speaks TLS 1.2 (session tickets).
 *
 *   petls_soak CERTDIR [PAIRS [CYCLES [SECONDS]]]
 *
 * Defaults: 2000 pairs, 2 cycles, 100 s deadline (ctest: 2000 2 280). Prints a
 * summary line; exits 1 with a message on the first failure.
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "petls.h"
#include "petls_features.h"
#include "petls_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#if defined(SOAK_ASAN)
/* sanitizer/allocator_interface.h (not installed with every compiler). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/* Resumption needs tickets (a build with PETLS_WITH_TICKETS OFF makes full
 * handshakes only). */
#if PETLS_WITH_TICKETS
#define SOAK_RESUME 1
#else
#define SOAK_RESUME 0
#endif

#define WAVE 250          /* pairs busy at once */
#define BATCH 100         /* pairs connected at once */
#define CHUNK 20000       /* largest write */
#define READ_MAX 17000    /* largest read */
#define POOL 64           /* sessions kept for resumption */
#define IDLE_BOUND 40960L /* bytes of heap per idle pair, at most */

enum { ST_HS, ST_IDLE, ST_BUSY, ST_CLOSE, ST_DONE };

struct job {
    int init_server; /* the server sends first */
    size_t total;
    /* initiator */
    uint32_t gen, check; /* stream generator, and its copy to verify */
    size_t sent, back;
    uint64_t sum_sent;
    uint8_t wbuf[CHUNK];
    size_t wlen; /* pending chunk (the same data again after WANT) */
    /* echoer */
    size_t got, echoed;
    uint64_t sum_got;
    uint8_t ebuf[READ_MAX];
    size_t elen;
};

struct pair {
    struct petls *cli, *srv;
    int cfd, sfd;
    int state;
    int tls12, offered;
    short cwant, swant; /* poll events the last call waits for */
    int closer_server, cclosed, sclosed, ceof, seof;
    struct job *job;
};

static struct {
    struct pair *p;
    size_t n;
    struct petls *server;
    struct petls_config *scfg, *ccfg13, *ccfg12;
    uint8_t *pool[2][POOL]; /* [tls12] */
    size_t pool_len[2][POOL], pool_n[2];
    uint32_t rng;
    double deadline;
    /* totals */
    unsigned long jobs, offers, resumed, full, tls12;
    unsigned long long bytes;
    long idle_per_pair_max;
} S;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "soak: FAILED: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint32_t xs(uint32_t *st)
{
    uint32_t x = *st;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *st = x;
    return x;
}

static uint32_t rnd(uint32_t n)
{
    return xs(&S.rng) % n;
}

static uint64_t fnv(uint64_t h, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#define FNV0 0xcbf29ce484222325ull

static long heap_now(void)
{
#if defined(SOAK_ASAN)
    return (long)__sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return (long)mi.uordblks;
#endif
}

static int released(struct petls *ctx)
{
    return ctx->conn != NULL && pb_conn_buffers_released(ctx->conn);
}

/* A job's size: single bytes, small messages, a record or two, several. */
static size_t job_size(void)
{
    switch (rnd(6)) {
    case 0:
        return 1;
    case 1:
        return 1 + rnd(200);
    case 2:
        return 16384 + rnd(3) - 1;
    case 3:
        return 1 + rnd(70000);
    default:
        return 1 + rnd(8000);
    }
}

static void job_start(struct pair *p, size_t total)
{
    struct job *j = calloc(1, sizeof(*j));

    if (j == NULL)
        die("out of memory");
    j->init_server = (int)rnd(2);
    j->total = total;
    j->gen = j->check = xs(&S.rng) | 1u;
    j->sum_sent = j->sum_got = FNV0;
    p->job = j;
    p->state = ST_BUSY;
}

/* One call's result: progress (1), waiting (0, *want set). */
static int waits(struct petls *ctx, ssize_t n, short *want, const char *what,
                 size_t idx)
{
    if (n == PETLS_WANT_POLLIN) {
        *want |= POLLIN;
        return 0;
    }
    if (n == PETLS_WANT_POLLOUT) {
        *want |= POLLOUT;
        return 0;
    }
    die("pair %zu: %s: %zd: %s (code %d)", idx, what, n, petls_error(ctx),
        petls_error_code(ctx));
    return 0;
}

static int step_hs(struct pair *p, size_t idx)
{
    int prog = 0, rc;

    if (p->cwant != -2) {
        p->cwant = 0;
        rc = petls_handshake(p->cli);
        if (rc == 0)
            p->cwant = -2; /* done */
        else
            prog |= waits(p->cli, rc, &p->cwant, "client handshake", idx);
        prog |= rc == 0;
    }
    if (p->swant != -2) {
        p->swant = 0;
        rc = petls_handshake(p->srv);
        if (rc == 0)
            p->swant = -2;
        else
            prog |= waits(p->srv, rc, &p->swant, "server handshake", idx);
        prog |= rc == 0;
    }
    if (p->cwant == -2 && p->swant == -2) {
        if (!released(p->cli) || !released(p->srv))
            die("pair %zu: buffers kept after the handshake (client %d, "
                "server %d)",
                idx, released(p->cli), released(p->srv));
        if (p->offered) {
            S.offers++;
            S.resumed += petls_conn_session_resumed(p->cli) == 1;
        } else {
            S.full++;
        }
        if (petls_conn_session_resumed(p->cli) !=
            petls_conn_session_resumed(p->srv))
            die("pair %zu: client and server disagree on resumption", idx);
        p->cwant = p->swant = 0;
        /* A first message: the client reads the server's tickets. */
        job_start(p, 1 + rnd(200));
        p->job->init_server = 0;
        prog = 1;
    }
    return prog;
}

static int step_busy(struct pair *p, size_t idx)
{
    struct job *j = p->job;
    struct petls *a = j->init_server ? p->srv : p->cli;
    struct petls *b = j->init_server ? p->cli : p->srv;
    short *aw = j->init_server ? &p->swant : &p->cwant;
    short *bw = j->init_server ? &p->cwant : &p->swant;
    uint8_t rbuf[READ_MAX];
    int prog = 0;
    ssize_t n;

    *aw = *bw = 0;
    /* Initiator: its next chunk. */
    if (j->sent < j->total) {
        if (j->wlen == 0) {
            j->wlen = 1 + rnd(CHUNK);
            if (j->wlen > j->total - j->sent)
                j->wlen = j->total - j->sent;
            for (size_t k = 0; k < j->wlen; k++)
                j->wbuf[k] = (uint8_t)xs(&j->gen);
        }
        n = petls_write(a, j->wbuf, j->wlen);
        if (n > 0) {
            if ((size_t)n != j->wlen)
                die("pair %zu: write of %zu returned %zd", idx, j->wlen, n);
            j->sum_sent = fnv(j->sum_sent, j->wbuf, j->wlen);
            j->sent += j->wlen;
            j->wlen = 0;
            prog = 1;
        } else {
            prog |= waits(a, n, aw, "write", idx);
        }
    }
    /* Echoer: write back what it read, then read more. */
    if (j->elen > 0) {
        n = petls_write(b, j->ebuf, j->elen);
        if (n > 0) {
            j->echoed += j->elen;
            j->elen = 0;
            prog = 1;
        } else {
            prog |= waits(b, n, bw, "echo write", idx);
        }
    }
    if (j->elen == 0 && j->got < j->total) {
        size_t want = 1 + rnd(READ_MAX);
        if (want > j->total - j->got)
            want = j->total - j->got;
        n = petls_read(b, j->ebuf, want);
        if (n > 0) {
            j->sum_got = fnv(j->sum_got, j->ebuf, (size_t)n);
            j->got += (size_t)n;
            j->elen = (size_t)n;
            prog = 1;
        } else if (n == 0) {
            die("pair %zu: EOF in the middle of a job", idx);
        } else {
            prog |= waits(b, n, bw, "echo read", idx);
        }
    }
    /* Initiator: read the echo and compare it with its stream. */
    if (j->back < j->total) {
        size_t want = 1 + rnd(READ_MAX);
        if (want > j->total - j->back)
            want = j->total - j->back;
        n = petls_read(a, rbuf, want);
        if (n > 0) {
            for (ssize_t k = 0; k < n; k++) {
                if (rbuf[k] != (uint8_t)xs(&j->check))
                    die("pair %zu: byte %zu of the echo differs", idx,
                        j->back + (size_t)k);
            }
            j->back += (size_t)n;
            prog = 1;
        } else if (n == 0) {
            die("pair %zu: EOF in the middle of a job", idx);
        } else {
            prog |= waits(a, n, aw, "read", idx);
        }
    }
    if (j->back == j->total && j->echoed == j->total) {
        if (j->sum_got != j->sum_sent)
            die("pair %zu: checksums differ (sent %016llx, received "
                "%016llx)",
                idx, (unsigned long long)j->sum_sent,
                (unsigned long long)j->sum_got);
        if (!released(p->cli) || !released(p->srv))
            die("pair %zu: buffers kept after a job of %zu bytes (client "
                "%d, server %d)",
                idx, j->total, released(p->cli), released(p->srv));
        S.jobs++;
        S.bytes += 2ull * j->total;
        free(j);
        p->job = NULL;
        p->state = ST_IDLE;
        p->cwant = p->swant = 0;
        prog = 1;
    }
    return prog;
}

/* close_notify from one side, the other reads EOF (while released) and
 * closes too. */
static int step_close(struct pair *p, size_t idx)
{
    struct petls *a = p->closer_server ? p->srv : p->cli;
    struct petls *b = p->closer_server ? p->cli : p->srv;
    short *aw = p->closer_server ? &p->swant : &p->cwant;
    short *bw = p->closer_server ? &p->cwant : &p->swant;
    int *adone = p->closer_server ? &p->sclosed : &p->cclosed;
    int *bdone = p->closer_server ? &p->cclosed : &p->sclosed;
    int *beof = p->closer_server ? &p->ceof : &p->seof;
    uint8_t buf[64];
    int prog = 0, rc;
    ssize_t n;

    *aw = *bw = 0;
    if (!*adone) {
        rc = petls_close(a);
        if (rc == 0) {
            *adone = 1;
            prog = 1;
        } else {
            prog |= waits(a, rc, aw, "close", idx);
        }
    }
    if (*adone && !*beof) {
        n = petls_read(b, buf, sizeof(buf));
        if (n == 0) {
            *beof = 1;
            prog = 1;
        } else if (n > 0) {
            die("pair %zu: data instead of close_notify", idx);
        } else {
            prog |= waits(b, n, bw, "read close_notify", idx);
        }
    }
    if (*beof && !*bdone) {
        rc = petls_close(b);
        if (rc == 0) {
            *bdone = 1;
            prog = 1;
        } else {
            prog |= waits(b, rc, bw, "close after close_notify", idx);
        }
    }
    if (*adone && *bdone) {
        /* The socket fds are ours (petls_*_socket do not own them). */
        close(p->cfd);
        close(p->sfd);
        petls_free(p->cli);
        petls_free(p->srv);
        p->cli = p->srv = NULL;
        p->state = ST_DONE;
        prog = 1;
    }
    return prog;
}

static int step(struct pair *p, size_t idx)
{
    switch (p->state) {
    case ST_HS:
        return step_hs(p, idx);
    case ST_BUSY:
        return step_busy(p, idx);
    case ST_CLOSE:
        return step_close(p, idx);
    default:
        return 0;
    }
}

static int active(const struct pair *p)
{
    return p->state == ST_HS || p->state == ST_BUSY || p->state == ST_CLOSE;
}

/* Drives the pairs idx[0..n) until none is active. */
static void run(const size_t *idx, size_t n, const char *what)
{
    struct pollfd *pf = calloc(2 * n + 1, sizeof(*pf));

    if (pf == NULL)
        die("out of memory");
    for (;;) {
        int prog = 0, any = 0;
        size_t np = 0;

        if (now_s() > S.deadline)
            die("%s: over the time limit", what);
        for (size_t k = 0; k < n; k++) {
            struct pair *p = &S.p[idx[k]];
            if (active(p)) {
                prog |= step(p, idx[k]);
                any |= active(p);
            }
        }
        if (!any)
            break;
        if (prog)
            continue;
        for (size_t k = 0; k < n; k++) {
            struct pair *p = &S.p[idx[k]];
            if (!active(p))
                continue;
            if (p->cwant > 0) {
                pf[np].fd = p->cfd;
                pf[np++].events = p->cwant;
            }
            if (p->swant > 0) {
                pf[np].fd = p->sfd;
                pf[np++].events = p->swant;
            }
        }
        if (np == 0)
            die("%s: no progress and nothing to wait for", what);
        if (poll(pf, (nfds_t)np, 5000) == 0)
            die("%s: stalled for 5 s (%zu sockets waiting)", what, np);
    }
    free(pf);
}

/* Non-blocking, and no Nagle delay: handshake flights are several small
 * writes. */
static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL), one = 1;

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        die("fcntl: %s", strerror(errno));
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
        die("TCP_NODELAY: %s", strerror(errno));
}

static void check_all_idle(const char *when)
{
    for (size_t i = 0; i < S.n; i++) {
        struct pair *p = &S.p[i];
        if (p->state != ST_IDLE)
            die("%s: pair %zu is not idle", when, i);
        if (!released(p->cli) || !released(p->srv))
            die("%s: idle pair %zu holds its buffers (client %d, server %d)",
                when, i, released(p->cli), released(p->srv));
    }
}

static struct petls_config *client_config(const char *certs, int tls12)
{
    struct petls_config *c = petls_config_new();
    char path[512];

    if (c == NULL)
        die("petls_config_new");
    snprintf(path, sizeof(path), "%s/ca.pem", certs);
    if (petls_config_set_ca_file(c, path) != 0 ||
        petls_config_set_protocols(c, tls12 ? PETLS_PROTOCOL_TLSv1_2
                                            : PETLS_PROTOCOL_TLSv1_3) != 0)
        die("client config: %s", petls_config_error(c));
    return c;
}

static void connect_batch(size_t from, size_t to, int lfd)
{
    size_t idx[BATCH];

    for (size_t i = from; i < to; i++) {
        struct pair *p = &S.p[i];
        struct sockaddr_in a;
        socklen_t al = sizeof(a);

        memset(p, 0, sizeof(*p));
        p->tls12 = i % 5 == 4;
        S.tls12 += (unsigned long)p->tls12;
        if (getsockname(lfd, (struct sockaddr *)&a, &al) != 0)
            die("getsockname: %s", strerror(errno));
        p->cfd = socket(AF_INET, SOCK_STREAM, 0);
        if (p->cfd < 0 || connect(p->cfd, (struct sockaddr *)&a, al) != 0)
            die("connect: %s", strerror(errno));
        p->sfd = accept(lfd, NULL, NULL);
        if (p->sfd < 0)
            die("accept: %s", strerror(errno));
        set_nonblock(p->cfd);
        set_nonblock(p->sfd);
        p->cli = petls_client();
        if (p->cli == NULL ||
            petls_configure(p->cli, p->tls12 ? S.ccfg12 : S.ccfg13) != 0)
            die("client configure");
        /* Three clients in four offer a session an earlier one of the
         * same version got (each used once). */
        if (SOAK_RESUME && i % 4 != 0 && S.pool_n[p->tls12] > 0) {
            size_t k = --S.pool_n[p->tls12];
            if (petls_set_session(p->cli, S.pool[p->tls12][k],
                                  S.pool_len[p->tls12][k]) != 0)
                die("petls_set_session: %s", petls_error(p->cli));
            p->offered = 1;
            free(S.pool[p->tls12][k]);
            S.pool[p->tls12][k] = NULL;
        }
        if (petls_connect_socket(p->cli, p->cfd, "localhost") != 0)
            die("petls_connect_socket: %s", petls_error(p->cli));
        if (petls_accept_socket(S.server, &p->srv, p->sfd) != 0)
            die("petls_accept_socket: %s", petls_error(S.server));
        p->state = ST_HS;
        idx[i - from] = i;
    }
    run(idx, to - from, "handshakes");
    /* Sessions for later clients: the tickets came with the first job. */
    for (size_t i = from; i < to; i++) {
        struct pair *p = &S.p[i];
        ssize_t len;
        size_t k;

        if (!SOAK_RESUME || S.pool_n[p->tls12] == POOL)
            continue;
        len = petls_conn_session(p->cli, NULL, 0);
        if (len <= 0)
            die("pair %zu: no session after the first message", i);
        k = S.pool_n[p->tls12]++;
        S.pool[p->tls12][k] = malloc((size_t)len);
        if (S.pool[p->tls12][k] == NULL ||
            petls_conn_session(p->cli, S.pool[p->tls12][k], (size_t)len) != len)
            die("petls_conn_session");
        S.pool_len[p->tls12][k] = (size_t)len;
    }
}

int main(int argc, char **argv)
{
    const char *certs;
    size_t cycles = 2;
    double limit = 100, t0 = now_s(), t_setup, t_cycles;
    size_t *order;
    struct sockaddr_in a;
    struct rlimit rl;
    char c1[512], c2[512];
    int lfd, one = 1;
    long heap0, heap_idle;

    if (argc < 2) {
        fprintf(stderr,
                "usage: petls_soak CERTDIR [PAIRS [CYCLES [SECONDS]]]\n");
        return 2;
    }
    certs = argv[1];
    S.n = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 2000;
    if (argc > 3)
        cycles = (size_t)strtoul(argv[3], NULL, 10);
    if (argc > 4)
        limit = strtod(argv[4], NULL);
    if (S.n == 0)
        die("no pairs");
    S.deadline = t0 + limit;
    S.rng = 0x50a4u;
    /* Two descriptors per pair. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2 * S.n + 64) {
        rl.rlim_cur = rl.rlim_max < 2 * S.n + 64 ? rl.rlim_max : 2 * S.n + 64;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < 2 * S.n + 64)
            die("need %zu descriptors, the hard limit is %llu", 2 * S.n + 64,
                (unsigned long long)rl.rlim_max);
    }
    if (petls_init() != 0)
        die("petls_init");
    S.p = calloc(S.n, sizeof(*S.p));
    order = calloc(S.n, sizeof(*order));
    if (S.p == NULL || order == NULL)
        die("out of memory");

    S.scfg = petls_config_new();
    snprintf(c1, sizeof(c1), "%s/server-ecdsa.pem", certs);
    snprintf(c2, sizeof(c2), "%s/server-ecdsa.key", certs);
    if (S.scfg == NULL || petls_config_set_keypair_file(S.scfg, c1, c2) != 0 ||
        petls_config_set_protocols(S.scfg, PETLS_PROTOCOL_TLSv1_2 |
                                               PETLS_PROTOCOL_TLSv1_3) != 0)
        die("server config: %s", petls_config_error(S.scfg));
    S.ccfg13 = client_config(certs, 0);
    S.ccfg12 = client_config(certs, 1);
    S.server = petls_server();
    if (S.server == NULL || petls_configure(S.server, S.scfg) != 0)
        die("server configure: %s", petls_error(S.server));

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(lfd, BATCH * 2) != 0)
        die("listen: %s", strerror(errno));

    heap0 = heap_now();
    for (size_t i = 0; i < S.n; i += BATCH)
        connect_batch(i, i + BATCH < S.n ? i + BATCH : S.n, lfd);
    t_setup = now_s() - t0;
    check_all_idle("after the handshakes");
    heap_idle = heap_now() - heap0;

    /* Cycles: every pair busy once per cycle, WAVE at a time in a random
     * order; between waves every idle pair must be released. */
    for (size_t c = 0; c < cycles; c++) {
        for (size_t i = 0; i < S.n; i++)
            order[i] = i;
        for (size_t i = S.n - 1; i > 0; i--) {
            size_t k = rnd((uint32_t)(i + 1)), t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        for (size_t w = 0; w < S.n; w += WAVE) {
            size_t m = w + WAVE < S.n ? WAVE : S.n - w;
            for (size_t k = 0; k < m; k++)
                job_start(&S.p[order[w + k]], job_size());
            run(order + w, m, "jobs");
            check_all_idle("between waves");
        }
        {
            long h = heap_now() - heap0;
            if (h > heap_idle)
                heap_idle = h;
        }
    }
    t_cycles = now_s() - t0 - t_setup;
    S.idle_per_pair_max = heap_idle / (long)S.n;
    if (S.idle_per_pair_max > IDLE_BOUND)
        die("%ld bytes of heap per idle pair (more than %ld: buffers kept?)",
            S.idle_per_pair_max, IDLE_BOUND);
    if (S.offers > 0 && S.resumed * 2 < S.offers)
        die("%lu of %lu offered sessions resumed", S.resumed, S.offers);
    if (SOAK_RESUME && S.offers == 0 && S.n > BATCH)
        die("no session offered");

    /* close_notify from either side. */
    for (size_t i = 0; i < S.n; i++) {
        S.p[i].state = ST_CLOSE;
        S.p[i].closer_server = (int)rnd(2);
        S.p[i].cwant = S.p[i].swant = 0;
        order[i] = i;
    }
    for (size_t w = 0; w < S.n; w += WAVE)
        run(order + w, w + WAVE < S.n ? WAVE : S.n - w, "close");

    printf("soak: %zu pairs (%lu TLS 1.2), %lu full handshakes, %lu of %lu "
           "offered sessions resumed, %lu jobs, %llu bytes checked, heap per "
           "idle pair %ld bytes (%s), setup %.1f s, cycles %.1f s, total "
           "%.1f s\n",
           S.n, S.tls12, S.full, S.resumed, S.offers, S.jobs, S.bytes,
           S.idle_per_pair_max,
#if defined(SOAK_ASAN)
           "ASan allocator",
#else
           "mallinfo2",
#endif
           t_setup, t_cycles, now_s() - t0);
    for (size_t k = 0; k < POOL; k++) {
        free(S.pool[0][k]);
        free(S.pool[1][k]);
    }
    close(lfd);
    petls_free(S.server);
    petls_config_free(S.scfg);
    petls_config_free(S.ccfg13);
    petls_config_free(S.ccfg12);
    free(S.p);
    free(order);
    return 0;
}
