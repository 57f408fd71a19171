/*
 * The stack-layer load generator: a petls client over loopback TCP with N
 * concurrent non-blocking connections in one poll() loop. One JSON line on
 * stdout at the end.
 *
 * usage: loadgen --port P [--host H] --ca FILE --mode MODE [--conns N]
 *                [--seconds S] [--size BYTES] [--tls12|--tls13] [--resume]
 *                [--max-inflight N]
 *   handshake   each connection: TCP connect, handshake, one request of
 *               --size bytes and its reply, close; then again. Rate of
 *               such connections per second, and their latency.
 *   latency     N connections kept open, each sending a request of --size
 *               bytes (a line ending in '\n') and waiting for a reply of the
 *               same size; requests/s and latency p50/p99.
 *   throughput  as latency with 16 KiB requests: echoed MB/s.
 *   idle        opens N connections (handshake plus one request each),
 *               prints {"ready":N} and holds them until stdin closes.
 * Servers answer a request with as many bytes (echo, or openssl s_server
 * -rev's reversed line).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "petls.h"

#pragma weak petls_set_session
#pragma weak petls_conn_session
#pragma weak petls_conn_session_resumed

enum mode { M_HANDSHAKE, M_LATENCY, M_THROUGHPUT, M_IDLE };
enum state { S_FREE, S_CONNECTING, S_HANDSHAKE, S_SEND, S_RECV, S_HELD };

struct conn {
    int fd;
    struct petls *ctx;
    enum state st;
    short want; /* POLLIN / POLLOUT */
    size_t done;
    uint64_t t0; /* start of the connection or request */
};

/* With --resume every new connection offers the newest session any
 * connection received (as a client's session cache would). */
static uint8_t *sess;
static size_t sess_len;

static struct {
    const char *host, *port, *ca;
    enum mode mode;
    int conns, inflight_max, resume;
    double seconds;
    size_t size;
    uint32_t protocols;
} o = {"127.0.0.1", NULL, NULL, M_HANDSHAKE, 1,
       64,          0,    5.0,  64,          PETLS_PROTOCOL_TLSv1_3};

static struct petls_config *cfg;
static struct sockaddr_storage addr;
static socklen_t addrlen;
static uint8_t *reqbuf, *rspbuf;
static uint64_t *lat;
static size_t nlat, caplat;
static long completed, resumed, failures;
static uint64_t bytes;
static char first_error[256];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void note_error(const char *what, const char *msg)
{
    failures++;
    if (first_error[0] == 0)
        snprintf(first_error, sizeof(first_error), "%s: %s", what,
                 msg ? msg : strerror(errno));
}

static void record(uint64_t ns)
{
    if (nlat == caplat) {
        size_t cap = caplat ? caplat * 2 : 65536;
        uint64_t *l = realloc(lat, cap * sizeof(*l));
        if (l == NULL)
            return;
        lat = l;
        caplat = cap;
    }
    lat[nlat++] = ns;
}

static void conn_close(struct conn *c)
{
    if (c->ctx != NULL) {
        petls_free(c->ctx);
        c->ctx = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->st = S_FREE;
}

static int conn_start(struct conn *c)
{
    c->fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        note_error("socket", NULL);
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->t0 = now_ns();
    c->done = 0;
    if (connect(c->fd, (struct sockaddr *)&addr, addrlen) != 0 &&
        errno != EINPROGRESS) {
        note_error("connect", NULL);
        conn_close(c);
        return -1;
    }
    c->st = S_CONNECTING;
    c->want = POLLOUT;
    return 0;
}

static int tls_start(struct conn *c)
{
    int err = 0;
    socklen_t l = sizeof(err);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) != 0 || err != 0) {
        errno = err;
        note_error("connect", NULL);
        return -1;
    }
    c->ctx = petls_client();
    if (c->ctx == NULL || petls_configure(c->ctx, cfg) != 0) {
        note_error("context", c->ctx ? petls_error(c->ctx) : "no memory");
        return -1;
    }
    if (o.resume && sess_len > 0 &&
        petls_set_session(c->ctx, sess, sess_len) != 0) {
        note_error("set_session", petls_error(c->ctx));
        return -1;
    }
    if (petls_connect_socket(c->ctx, c->fd, "localhost") != 0) {
        note_error("connect_socket", petls_error(c->ctx));
        return -1;
    }
    c->st = S_HANDSHAKE;
    c->want = POLLOUT;
    return 0;
}

/* Advances one connection as far as it goes without blocking. Returns -1
 * when it failed (the caller closes it). */
static int step(struct conn *c, int *finished_request)
{
    *finished_request = 0;
    for (;;) {
        ssize_t n;
        switch (c->st) {
        case S_CONNECTING:
            if (tls_start(c) != 0)
                return -1;
            continue;
        case S_HANDSHAKE:
            n = petls_handshake(c->ctx);
            if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
                c->want = n == PETLS_WANT_POLLIN ? POLLIN : POLLOUT;
                return 0;
            }
            if (n != 0) {
                note_error("handshake", petls_error(c->ctx));
                return -1;
            }
            c->st = S_SEND;
            c->done = 0;
            if (o.mode != M_HANDSHAKE)
                c->t0 = now_ns();
            continue;
        case S_SEND:
            n = petls_write(c->ctx, reqbuf + c->done, o.size - c->done);
            if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
                c->want = n == PETLS_WANT_POLLIN ? POLLIN : POLLOUT;
                return 0;
            }
            if (n < 0) {
                note_error("write", petls_error(c->ctx));
                return -1;
            }
            c->done += (size_t)n;
            if (c->done == o.size) {
                c->st = S_RECV;
                c->done = 0;
            }
            continue;
        case S_RECV:
            n = petls_read(c->ctx, rspbuf, o.size - c->done);
            if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
                c->want = n == PETLS_WANT_POLLIN ? POLLIN : POLLOUT;
                return 0;
            }
            if (n <= 0) {
                note_error("read",
                           n == 0 ? "server closed" : petls_error(c->ctx));
                return -1;
            }
            c->done += (size_t)n;
            bytes += (size_t)n;
            if (c->done < o.size)
                continue;
            *finished_request = 1;
            return 0;
        case S_HELD:
            c->want = POLLIN;
            return 0;
        default:
            return -1;
        }
    }
}

static void save_session(struct conn *c)
{
    if (!o.resume)
        return;
    ssize_t n = petls_conn_session(c->ctx, NULL, 0);
    if (n <= 0)
        return;
    uint8_t *b = realloc(sess, (size_t)n);
    if (b == NULL)
        return;
    sess = b;
    sess_len = petls_conn_session(c->ctx, b, (size_t)n) == n ? (size_t)n : 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(double p)
{
    if (nlat == 0)
        return 0;
    size_t i = (size_t)(p * (double)(nlat - 1) + 0.5);
    return lat[i] / 1e3;
}

static int parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(a, "--tls12") == 0) {
            o.protocols = PETLS_PROTOCOL_TLSv1_2;
            continue;
        } else if (strcmp(a, "--tls13") == 0) {
            o.protocols = PETLS_PROTOCOL_TLSv1_3;
            continue;
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = 1;
            continue;
        }
        i++;
        if (strcmp(a, "--host") == 0)
            o.host = v;
        else if (strcmp(a, "--port") == 0)
            o.port = v;
        else if (strcmp(a, "--ca") == 0)
            o.ca = v;
        else if (strcmp(a, "--conns") == 0)
            o.conns = atoi(v);
        else if (strcmp(a, "--max-inflight") == 0)
            o.inflight_max = atoi(v);
        else if (strcmp(a, "--seconds") == 0)
            o.seconds = strtod(v, NULL);
        else if (strcmp(a, "--size") == 0)
            o.size = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--mode") == 0) {
            if (strcmp(v, "handshake") == 0)
                o.mode = M_HANDSHAKE;
            else if (strcmp(v, "latency") == 0)
                o.mode = M_LATENCY;
            else if (strcmp(v, "throughput") == 0)
                o.mode = M_THROUGHPUT;
            else if (strcmp(v, "idle") == 0)
                o.mode = M_IDLE;
            else
                return -1;
        } else
            return -1;
    }
    if (o.port == NULL || o.ca == NULL || o.conns < 1 || o.size < 1)
        return -1;
    if (o.mode == M_THROUGHPUT && o.size < 16384)
        o.size = 16384;
    return 0;
}

int main(int argc, char **argv)
{
    if (parse_args(argc, argv) != 0) {
        fprintf(stderr, "usage: loadgen --port P --ca FILE --mode "
                        "handshake|latency|throughput|idle [--conns N] "
                        "[--seconds S] [--size B] [--tls12|--tls13] "
                        "[--resume]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *mname[] = {"handshake", "latency", "throughput", "idle"};
    printf("{\"layer\":\"stack\",\"mode\":\"%s\",\"conns\":%d,"
           "\"version\":\"%s\",\"resume\":%d,\"size\":%zu",
           mname[o.mode], o.conns,
           o.protocols == PETLS_PROTOCOL_TLSv1_2 ? "TLSv1.2" : "TLSv1.3",
           o.resume, o.size);
    if (o.resume && (petls_set_session == NULL || petls_conn_session == NULL ||
                     petls_conn_session_resumed == NULL)) {
        printf(",\"na\":\"n/a: petls resumption API not implemented in this "
               "build yet (issue 3)\"}\n");
        return 0;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(o.host, o.port, &hints, &ai) != 0) {
        printf(",\"error\":\"cannot resolve %s\"}\n", o.host);
        return 1;
    }
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    addrlen = ai->ai_addrlen;
    freeaddrinfo(ai);

    cfg = petls_config_new();
    if (cfg == NULL || petls_config_set_ca_file(cfg, o.ca) != 0 ||
        petls_config_set_protocols(cfg, o.protocols) != 0 ||
        petls_config_set_groups(cfg, "X25519:P-256") != 0) {
        printf(",\"error\":\"config: %s\"}\n",
               cfg ? petls_config_error(cfg) : "no memory");
        return 1;
    }
    reqbuf = malloc(o.size);
    rspbuf = malloc(o.size);
    struct conn *cs = calloc((size_t)o.conns, sizeof(*cs));
    struct pollfd *pf = calloc((size_t)o.conns, sizeof(*pf));
    int *idx = calloc((size_t)o.conns, sizeof(*idx));
    if (!reqbuf || !rspbuf || !cs || !pf || !idx) {
        printf(",\"error\":\"no memory\"}\n");
        return 1;
    }
    memset(reqbuf, 'q', o.size);
    reqbuf[o.size - 1] = '\n';
    for (int i = 0; i < o.conns; i++)
        cs[i].fd = -1;

    uint64_t t_start = now_ns(), t_measure = t_start;
    uint64_t limit = (uint64_t)(o.seconds * 1e9);
    int opened = 0, held = 0, inflight = 0;
    int measuring = o.mode == M_HANDSHAKE && !o.resume;
    for (;;) {
        uint64_t t = now_ns();
        if (measuring && t - t_measure >= limit && o.mode != M_IDLE)
            break;
        if (!measuring && o.mode != M_IDLE && t - t_start > 120000000000ull)
            break; /* could not open every connection in 2 minutes */
        /* Open connections: all of them once (latency, throughput, idle),
         * or keep every slot busy (handshake), at most inflight_max
         * handshakes at a time. */
        for (int i = 0; i < o.conns && inflight < o.inflight_max; i++) {
            if (cs[i].st != S_FREE)
                continue;
            if (o.mode != M_HANDSHAKE && opened >= o.conns)
                break;
            /* Resuming: one connection until there is a session to offer,
             * so that every measured connection can resume. */
            if (o.resume && sess_len == 0 && inflight > 0)
                break;
            if (conn_start(&cs[i]) == 0) {
                inflight++;
                opened++;
            } else if (failures > 100) {
                break;
            }
        }
        if (failures > 100)
            break;
        int np = 0;
        for (int i = 0; i < o.conns; i++) {
            if (cs[i].st == S_FREE || cs[i].st == S_HELD)
                continue;
            pf[np].fd = cs[i].fd;
            pf[np].events = cs[i].want;
            pf[np].revents = 0;
            idx[np++] = i;
        }
        if (np == 0 && o.mode == M_IDLE && held == o.conns)
            break;
        if (np == 0 && o.mode != M_IDLE && opened >= o.conns &&
            o.mode != M_HANDSHAKE)
            break;
        int r = poll(pf, (nfds_t)np, 100);
        if (r < 0 && errno != EINTR) {
            note_error("poll", NULL);
            break;
        }
        for (int k = 0; k < np; k++) {
            if (pf[k].revents == 0)
                continue;
            struct conn *c = &cs[idx[k]];
            int was_hs = c->st == S_CONNECTING || c->st == S_HANDSHAKE;
            int fin;
            if (step(c, &fin) != 0) {
                if (was_hs)
                    inflight--;
                conn_close(c);
                continue;
            }
            if (was_hs && c->st != S_CONNECTING && c->st != S_HANDSHAKE)
                inflight--;
            if (!fin)
                continue;
            uint64_t tn = now_ns();
            if (o.mode == M_HANDSHAKE) {
                if (measuring) {
                    completed++;
                    record(tn - c->t0);
                    resumed += petls_conn_session_resumed != NULL &&
                               petls_conn_session_resumed(c->ctx) == 1;
                }
                save_session(c);
                if (!measuring && sess_len > 0) {
                    measuring = 1; /* resuming: from the first session on */
                    t_measure = now_ns();
                }
                petls_close(c->ctx); /* one try: close_notify if it fits */
                conn_close(c);
                continue;
            }
            if (o.mode == M_IDLE) {
                save_session(c);
                c->st = S_HELD;
                held++;
                continue;
            }
            if (measuring) {
                completed++;
                record(tn - c->t0);
            }
            c->st = S_SEND;
            c->done = 0;
            c->t0 = tn;
            c->want = POLLOUT; /* writable at once: the next request */
            if (!measuring) {
                held++;
                if (held == o.conns) {
                    /* every connection made its first request: measure */
                    measuring = 1;
                    t_measure = now_ns();
                    bytes = 0;
                }
            }
        }
    }
    if (o.mode == M_IDLE) {
        int open_now = 0;
        for (int i = 0; i < o.conns; i++)
            open_now += cs[i].st == S_HELD;
        printf(",\"ready\":%d,\"failures\":%ld", open_now, failures);
        if (first_error[0])
            printf(",\"first_error\":\"%s\"", first_error);
        printf("}\n");
        fflush(stdout);
        char b[64];
        while (read(0, b, sizeof(b)) > 0)
            ;
        return open_now == o.conns ? 0 : 1;
    }
    double secs = (now_ns() - t_measure) / 1e9;
    qsort(lat, nlat, sizeof(*lat), cmp_u64);
    printf(",\"seconds\":%.2f,\"completed\":%ld,\"per_s\":%.1f,"
           "\"p50_us\":%.1f,\"p99_us\":%.1f,\"MBps\":%.2f,\"resumed\":%ld,"
           "\"failures\":%ld",
           secs, completed, completed / secs, pct(0.50), pct(0.99),
           bytes / secs / 1e6, resumed, failures);
    if (first_error[0])
        printf(",\"first_error\":\"%s\"", first_error);
    printf("}\n");
    for (int i = 0; i < o.conns; i++)
        conn_close(&cs[i]);
    free(sess);
    petls_config_free(cfg);
    return completed > 0 ? 0 : 1;
}
