/*
 * A TLS echo server on libuv's event loop. libuv owns the sockets; petls
 * only sees bytes, through the callback I/O (petls_accept_cbs()):
 *   - libuv's read callback appends the ciphertext it got to the
 *     connection's input buffer, then the connection is pumped;
 *   - petls's read callback takes from that buffer (PETLS_WANT_POLLIN when
 *     it is empty, 0 after the peer's EOF);
 *   - petls's write callback hands ciphertext to uv_write(); when libuv's
 *     queue for the connection is over WRITE_QUEUE_MAX, it says
 *     PETLS_WANT_POLLOUT, reading stops (uv_read_stop) and resumes from the
 *     write-completion callback: back-pressure on a slow reader.
 *
 *   server_uv CERT KEY [PORT]      (PORT 0 or none: any free port)
 *
 * Listens on 127.0.0.1, prints "listening on 127.0.0.1:PORT" and one line
 * per connection. Stops on SIGINT/SIGTERM.
 */
/* uv.h needs pthread_rwlock_t, which -std=c11 hides. */
#define _POSIX_C_SOURCE 200809L

#include <petls.h>

#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RX_MAX 65536
#define WRITE_QUEUE_MAX (256 * 1024)

struct conn {
    uv_tcp_t tcp;
    struct petls *tls;
    int id;
    unsigned char rx[RX_MAX]; /* ciphertext from libuv, not yet read */
    size_t rx_len;
    int rx_eof, handshaken, reading, closing;
    unsigned char plain[16384]; /* read but not yet echoed */
    size_t plain_len, plain_off;
};

struct wreq {
    uv_write_t req;
    uv_buf_t buf;
};

static struct petls *server;
static uv_tcp_t listener;
static uv_signal_t sigint, sigterm;
static int next_id;

/* "0".."65535", or -1. */
static int parse_port(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return *s != '\0' && *end == '\0' && v >= 0 && v <= 65535 ? (int)v : -1;
}

static ssize_t io_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct conn *c = arg;

    (void)ctx;
    if (c->rx_len == 0)
        return c->rx_eof ? 0 : PETLS_WANT_POLLIN;
    if (len > c->rx_len)
        len = c->rx_len;
    memcpy(buf, c->rx, len);
    memmove(c->rx, c->rx + len, c->rx_len - len);
    c->rx_len -= len;
    return (ssize_t)len;
}

static void pump(struct conn *c);

static void on_written(uv_write_t *req, int status)
{
    struct wreq *w = (struct wreq *)req;
    struct conn *c = req->handle->data;

    free(w->buf.base);
    free(w);
    if (status == 0 && c != NULL && !c->closing)
        pump(c); /* room again: finish the echo, read again */
}

static ssize_t io_write(struct petls *ctx, const void *buf, size_t len,
                        void *arg)
{
    struct conn *c = arg;
    struct wreq *w;

    (void)ctx;
    if (c->closing)
        return -1;
    if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) >
        WRITE_QUEUE_MAX)
        return PETLS_WANT_POLLOUT;
    w = malloc(sizeof(*w));
    if (w == NULL || (w->buf.base = malloc(len)) == NULL) {
        free(w);
        return -1;
    }
    memcpy(w->buf.base, buf, len);
    w->buf.len = len;
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_written) !=
        0) {
        free(w->buf.base);
        free(w);
        return -1;
    }
    return (ssize_t)len;
}

static void on_closed(uv_handle_t *h)
{
    struct conn *c = h->data;

    petls_free(c->tls);
    free(c);
}

static void finish(struct conn *c, const char *why)
{
    if (c->closing)
        return;
    printf("conn %d: %s\n", c->id, why);
    fflush(stdout);
    c->closing = 1;
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct conn *c = h->data;

    (void)hint;
    buf->base = (char *)c->rx + c->rx_len;
    buf->len = RX_MAX - c->rx_len;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = s->data;

    (void)buf;
    if (n > 0)
        c->rx_len += (size_t)n;
    else if (n == UV_EOF)
        c->rx_eof = 1;
    else if (n < 0) {
        finish(c, uv_strerror((int)n));
        return;
    }
    pump(c);
}

static void set_reading(struct conn *c, int on)
{
    if (on && !c->reading && c->rx_len < RX_MAX)
        c->reading =
            uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
    else if (!on && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = 0;
    }
}

/* Handshake, then echo: whatever can move until petls waits. */
static void pump(struct conn *c)
{
    ssize_t n;

    if (!c->handshaken) {
        n = petls_handshake(c->tls);
        if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
            set_reading(c, n == PETLS_WANT_POLLIN);
            return;
        }
        if (n != 0) {
            finish(c, petls_error(c->tls));
            return;
        }
        c->handshaken = 1;
        printf("conn %d: %s %s resumed=%d\n", c->id, petls_conn_version(c->tls),
               petls_conn_cipher(c->tls), petls_conn_session_resumed(c->tls));
        fflush(stdout);
    }
    for (;;) {
        if (c->plain_off < c->plain_len) {
            n = petls_write(c->tls, c->plain + c->plain_off,
                            c->plain_len - c->plain_off);
            if (n > 0) {
                c->plain_off += (size_t)n;
                continue;
            }
        } else {
            c->plain_off = c->plain_len = 0;
            n = petls_read(c->tls, c->plain, sizeof(c->plain));
            if (n > 0) {
                c->plain_len = (size_t)n;
                continue;
            }
            if (n == 0) {
                (void)petls_close(c->tls); /* close_notify, best effort */
                finish(c, "closed");
                return;
            }
        }
        if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
            /* Waiting for room: stop reading, on_written() resumes. */
            set_reading(c, n == PETLS_WANT_POLLIN);
            return;
        }
        finish(c, petls_error(c->tls));
        return;
    }
}

static void on_connection(uv_stream_t *l, int status)
{
    struct conn *c;

    if (status != 0 || (c = calloc(1, sizeof(*c))) == NULL)
        return;
    c->id = ++next_id;
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0 ||
        petls_accept_cbs(server, &c->tls, io_read, io_write, c) != 0) {
        c->closing = 1;
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        return;
    }
    pump(c); /* starts reading the ClientHello */
}

static void close_any(uv_handle_t *h, void *arg)
{
    struct conn *c = h->data;

    (void)arg;
    if (uv_is_closing(h))
        return;
    if (h->type == UV_TCP && c != NULL) {
        finish(c, "server stopping");
        return;
    }
    uv_close(h, NULL);
}

static void on_signal(uv_signal_t *s, int sig)
{
    sigset_t stopping;

    (void)sig;
    /* We are stopping: a second SIGTERM (timeout(1) sends one to the
     * process group too) stays pending instead of killing us once the
     * signal handles are closed and the default action is back. */
    sigemptyset(&stopping);
    sigaddset(&stopping, SIGINT);
    sigaddset(&stopping, SIGTERM);
    sigprocmask(SIG_BLOCK, &stopping, NULL);
    uv_walk(s->loop, close_any, NULL);
}

int main(int argc, char **argv)
{
    struct petls_config *cfg;
    struct sockaddr_in sa;
    int namelen = sizeof(sa), rc = 1, port;
    uv_loop_t *loop = uv_default_loop();

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: server_uv CERT KEY [PORT]\n");
        return 2;
    }
    if (petls_init() != 0 || (cfg = petls_config_new()) == NULL)
        return 1;
    server = petls_server();
    if (server == NULL ||
        petls_config_set_keypair_file(cfg, argv[1], argv[2]) != 0 ||
        petls_configure(server, cfg) != 0) {
        fprintf(stderr, "server_uv: %s\n",
                server != NULL ? petls_error(server) : petls_config_error(cfg));
        goto out;
    }
    port = argc > 3 ? parse_port(argv[3]) : 0;
    if (port < 0) {
        fprintf(stderr, "server_uv: bad port '%s'\n", argv[3]);
        goto out;
    }
    uv_tcp_init(loop, &listener);
    uv_ip4_addr("127.0.0.1", port, &sa);
    if (uv_tcp_bind(&listener, (const struct sockaddr *)&sa, 0) != 0 ||
        uv_listen((uv_stream_t *)&listener, 16, on_connection) != 0 ||
        uv_tcp_getsockname(&listener, (struct sockaddr *)&sa, &namelen) != 0) {
        fprintf(stderr, "server_uv: cannot listen\n");
        goto out;
    }
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    uv_signal_init(loop, &sigint);
    uv_signal_init(loop, &sigterm);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    rc = 0;
out:
    petls_free(server);
    petls_config_free(cfg);
    return rc;
}
