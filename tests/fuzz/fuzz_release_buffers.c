/* libFuzzer target: the record buffers released while idle and allocated
 * again (src/backend/mbedtls/mbedtls_buffers.c), driven through the public
 * API over in-memory I/O callbacks. A petls client and server finish a PSK
 * handshake (TLS 1.3 or 1.2, no certificate: fast), then the input is a
 * program of operations:
 *
 *   byte op % 9, then an argument byte (sizes are 1 + arg * 97):
 *   0/1  client/server writes n bytes (after PETLS_WANT_POLLOUT: the same
 *        bytes again, as the API asks)
 *   2/3  client/server reads up to n bytes
 *   4/5  k bytes of the client's/server's output become readable by the
 *        peer (records split anywhere)
 *   6    the next write callback of one side takes at most arg bytes (0: it
 *        would block, so that side keeps output pending)
 *   7    close_notify from one side (when it has nothing pending)
 *   8    the next re-allocation of record buffers fails (out of memory)
 *
 * The first byte picks the variant: TLS 1.2 or 1.3, release or keep
 * buffers, server tickets, a small send fragment. Checked: every byte read
 * is the next byte the peer wrote; a side with output pending holds its
 * buffers; reads give 0 only after the peer's close_notify, -1 only after
 * an injected out-of-memory (with the message saying so), and then only on
 * that connection; at the end, with everything delivered and read, both
 * sides are released again (unless keeping them). */
#include "fuzz_util.h"

#include <stdio.h>

#include "petls.h"
#include "petls_internal.h"

#define QCAP (1u << 20)

struct q {
    uint8_t *buf;
    size_t len;     /* bytes written */
    size_t visible; /* of those, readable by the peer */
    size_t off;     /* read so far */
};

struct side {
    struct petls *ctx;
    struct q *in, *out;
    long wcap;           /* bytes the next write callback takes, -1: any */
    size_t wpos, rpos;   /* stream positions written and read */
    size_t pending;      /* length of a write that returned WANT, 0: none */
    int closing, closed; /* petls_close called / finished */
    int peer_eof;        /* read returned 0 */
};

static struct q c2s, s2c;
static struct side cli, srv;
static int oom_armed, oom_hit, dead;

static uint8_t pat(size_t pos, int dir)
{
    return (uint8_t)(pos * 131u + (pos >> 9) + (unsigned)dir * 77u);
}

static ssize_t cb_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct side *s = arg;
    size_t n = s->in->visible - s->in->off;

    (void)ctx;
    if (n == 0)
        return PETLS_WANT_POLLIN;
    if (n > len)
        n = len;
    memcpy(buf, s->in->buf + s->in->off, n);
    s->in->off += n;
    return (ssize_t)n;
}

static ssize_t cb_write(struct petls *ctx, const void *buf, size_t len,
                        void *arg)
{
    struct side *s = arg;
    size_t n = len;

    (void)ctx;
    if (s->wcap == 0)
        return PETLS_WANT_POLLOUT;
    if (s->wcap > 0 && n > (size_t)s->wcap)
        n = (size_t)s->wcap;
    if (n > QCAP - s->out->len)
        n = QCAP - s->out->len;
    if (n == 0)
        return PETLS_WANT_POLLOUT;
    memcpy(s->out->buf + s->out->len, buf, n);
    s->out->len += n;
    if (s->wcap > 0)
        s->wcap = -1; /* one short write, then normal again */
    return (ssize_t)n;
}

static int released(const struct side *s)
{
    return s->ctx->conn != NULL && pb_conn_buffers_released(s->ctx->conn);
}

/* A -1: only allowed once an out-of-memory was injected, and it must say
 * so; the pair is then done. */
static void failed(struct side *s)
{
    const char *e = petls_error(s->ctx);

    FUZZ_CHECK(oom_armed || oom_hit);
    FUZZ_CHECK(e != NULL && strstr(e, "out of memory (record buffers") != NULL);
    oom_hit = 1;
    dead = 1;
}

static int dir_of(const struct side *s)
{
    return s == &cli ? 0 : 1;
}

static void do_write(struct side *s, const struct side *peer, size_t n)
{
    uint8_t buf[QCAP / 32];
    ssize_t r;

    /* Nothing to a peer that closed (it reads no more). */
    if (s->closing || s->closed || s->peer_eof || peer->closing || dead)
        return;
    if (s->pending)
        n = s->pending; /* the same data again */
    if (n > sizeof(buf))
        n = sizeof(buf);
    if (s->wpos + n > QCAP / 2)
        return; /* enough for one input */
    for (size_t k = 0; k < n; k++)
        buf[k] = pat(s->wpos + k, dir_of(s));
    r = petls_write(s->ctx, buf, n);
    if (r == PETLS_WANT_POLLOUT || r == PETLS_WANT_POLLIN) {
        s->pending = n;
        /* Output pending: the buffers stay. */
        FUZZ_CHECK(!released(s));
        return;
    }
    if (r < 0) {
        failed(s);
        return;
    }
    FUZZ_CHECK((size_t)r == n);
    s->wpos += n;
    s->pending = 0;
}

/* Returns 1 when it read something. */
static int do_read(struct side *s, struct side *peer, size_t n)
{
    uint8_t buf[QCAP / 32];
    ssize_t r;

    if (s->closing || s->closed || s->peer_eof || dead)
        return 0;
    if (n > sizeof(buf))
        n = sizeof(buf);
    r = petls_read(s->ctx, buf, n);
    if (r > 0) {
        FUZZ_CHECK((size_t)r <= n);
        /* Records of a write that returned WANT may already be out. */
        if (s->rpos + (size_t)r > peer->wpos + peer->pending)
            fprintf(stderr, "rpos %zu r %zd wpos %zu pending %zu\n", s->rpos, r,
                    peer->wpos, peer->pending);
        FUZZ_CHECK(s->rpos + (size_t)r <= peer->wpos + peer->pending);
        for (ssize_t k = 0; k < r; k++)
            FUZZ_CHECK(buf[k] == pat(s->rpos + (size_t)k, dir_of(peer)));
        s->rpos += (size_t)r;
        return 1;
    }
    if (r == 0) {
        /* close_notify: only after the peer sent it, after all its data. */
        FUZZ_CHECK(peer->closed || peer->closing);
        FUZZ_CHECK(s->rpos == peer->wpos);
        s->peer_eof = 1;
        return 1;
    }
    if (r == PETLS_WANT_POLLIN || r == PETLS_WANT_POLLOUT)
        return 0;
    failed(s);
    return 0;
}

static void do_close(struct side *s)
{
    int r;

    if (s->closed || s->pending || dead)
        return;
    s->closing = 1;
    r = petls_close(s->ctx);
    if (r == 0) {
        s->closed = 1;
        return;
    }
    if (r == PETLS_WANT_POLLOUT || r == PETLS_WANT_POLLIN)
        return;
    failed(s);
}

static struct petls_config *configs[2][16];

static struct petls_config *config(int server, unsigned v)
{
    static const uint8_t psk[32] = "petls fuzz release buffers psk!";
    struct petls_config *c = configs[server][v];

    if (c != NULL)
        return c;
    c = petls_config_new();
    if (c == NULL)
        abort();
    if (petls_config_add_psk(c, "fuzz", psk, sizeof(psk)) != 0 ||
        petls_config_set_protocols(c, (v & 1) ? PETLS_PROTOCOL_TLSv1_2
                                              : PETLS_PROTOCOL_TLSv1_3) != 0 ||
        petls_config_set_release_buffers(c, (v & 2) ? 0 : 1) != 0 ||
        petls_config_set_session_tickets(c, (v & 4) ? 0 : 1) != 0 ||
        ((v & 8) && petls_config_set_max_send_fragment(c, 512) != 0))
        abort();
    configs[server][v] = c;
    return c;
}

static void q_reset(struct q *q)
{
    static uint8_t mem[2][QCAP];

    q->buf = mem[q == &s2c];
    q->len = q->visible = q->off = 0;
}

static void deliver_all(void)
{
    c2s.visible = c2s.len;
    s2c.visible = s2c.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct petls *server = NULL;
    unsigned v;
    int i, keep;

    if (size < 1)
        return 0;
    v = data[0] & 15u;
    keep = (v & 2) != 0;
    data++;
    size--;
    q_reset(&c2s);
    q_reset(&s2c);
    memset(&cli, 0, sizeof(cli));
    memset(&srv, 0, sizeof(srv));
    cli.in = &s2c;
    cli.out = &c2s;
    srv.in = &c2s;
    srv.out = &s2c;
    cli.wcap = srv.wcap = -1;
    oom_armed = oom_hit = dead = 0;
    pb_conn_buffers_fail_next(0);

    server = petls_server();
    cli.ctx = petls_client();
    FUZZ_CHECK(server != NULL && cli.ctx != NULL);
    FUZZ_CHECK(petls_configure(server, config(1, v)) == 0);
    FUZZ_CHECK(petls_configure(cli.ctx, config(0, v)) == 0);
    FUZZ_CHECK(petls_accept_cbs(server, &srv.ctx, cb_read, cb_write, &srv) ==
               0);
    if (petls_connect_cbs(cli.ctx, cb_read, cb_write, &cli, "fuzz.test") != 0) {
        fprintf(stderr, "connect: %s\n", petls_error(cli.ctx));
        __builtin_trap();
    }
    /* The handshake, everything delivered at once. */
    for (i = 0; i < 50; i++) {
        int rc = petls_handshake(cli.ctx), rs = petls_handshake(srv.ctx);
        deliver_all();
        FUZZ_CHECK(rc == 0 || rc == PETLS_WANT_POLLIN ||
                   rc == PETLS_WANT_POLLOUT);
        FUZZ_CHECK(rs == 0 || rs == PETLS_WANT_POLLIN ||
                   rs == PETLS_WANT_POLLOUT);
        if (rc == 0 && rs == 0)
            break;
    }
    FUZZ_CHECK(i < 50);
    FUZZ_CHECK(released(&cli) == !keep && released(&srv) == !keep);

    /* The program. */
    for (size_t k = 0; k + 1 < size && !dead; k += 2) {
        unsigned op = data[k] % 9u, arg = data[k + 1];
        size_t n = 1 + (size_t)arg * 97u;
        struct side *s = (data[k] / 9u) & 1 ? &srv : &cli;

        switch (op) {
        case 0:
            do_write(&cli, &srv, n);
            break;
        case 1:
            do_write(&srv, &cli, n);
            break;
        case 2:
            (void)do_read(&cli, &srv, n);
            break;
        case 3:
            (void)do_read(&srv, &cli, n);
            break;
        case 4:
        case 5: {
            struct q *q = op == 4 ? &c2s : &s2c;
            size_t m = 1 + (size_t)arg * 7u;
            q->visible = q->visible + m < q->len ? q->visible + m : q->len;
            break;
        }
        case 6:
            s->wcap = arg;
            break;
        case 7:
            do_close(s);
            break;
        default:
            pb_conn_buffers_fail_next(1);
            oom_armed = 1;
            break;
        }
    }
    /* Drain: writes complete, everything delivered and read, closes
     * finished. Bounded: each round moves data or the loop ends. A write
     * to a peer that closed is abandoned. */
    if (srv.closing)
        cli.pending = 0;
    if (cli.closing)
        srv.pending = 0;
    pb_conn_buffers_fail_next(0);
    oom_armed = 0;
    cli.wcap = srv.wcap = -1;
    for (i = 0; i < 1000 && !dead; i++) {
        int prog = 0;
        if (cli.pending)
            do_write(&cli, &srv, 0);
        if (srv.pending)
            do_write(&srv, &cli, 0);
        if (cli.closing && !cli.closed)
            do_close(&cli);
        if (srv.closing && !srv.closed)
            do_close(&srv);
        deliver_all();
        while (do_read(&cli, &srv, 16384))
            prog = 1;
        while (do_read(&srv, &cli, 16384))
            prog = 1;
        if (!prog && !cli.pending && !srv.pending &&
            !(cli.closing && !cli.closed) && !(srv.closing && !srv.closed))
            break;
    }
    FUZZ_CHECK(i < 1000);
    if (!dead) {
        /* What a side that did not close was sent, it read. */
        if (!srv.closing)
            FUZZ_CHECK(c2s.off == c2s.len && srv.rpos == cli.wpos);
        if (!cli.closing)
            FUZZ_CHECK(s2c.off == s2c.len && cli.rpos == srv.wpos);
        /* Idle again: released unless kept. */
        if (!cli.closing && !srv.closing)
            FUZZ_CHECK(released(&cli) == !keep && released(&srv) == !keep);
    }
    petls_free(cli.ctx);
    petls_free(srv.ctx);
    petls_free(server);
    return 0;
}
