/* Record buffers released while idle (src/backend/mbedtls/mbedtls_buffers.c):
 * when they are released, that data of every size crosses intact through
 * the small in-memory rings (records split across reads, WANT_* loops), that
 * close_notify and alerts arrive while released, and that keep_buffers
 * keeps them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend_nego.h"
#include "test_backend_util.h"
#include "test_resume_util.h"
#include "petls_internal.h"

struct bw {
    struct pb_config *ccfg, *scfg;
    struct tb_pair p;
};

static void bw_new(struct bw *w, uint32_t protocols, int keep)
{
    struct pb_settings s = tb_settings(protocols);

    s.keep_buffers = keep;
    w->ccfg = tb_config();
    w->scfg = tb_config();
    tb_add_ca(w->ccfg, "ca.pem");
    tb_add_keypair(w->scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w->ccfg, &s);
    tb_freeze(w->scfg, &s);
    tb_pair_new(&w->p, w->ccfg, w->scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w->p), 0, "client: %s / server: %s", w->p.cerr,
                 w->p.serr);
}

static void bw_free(struct bw *w)
{
    tb_pair_free(&w->p);
    pb_config_free(w->ccfg);
    pb_config_free(w->scfg);
}

/* A small deterministic generator (xorshift32) for sizes and bytes. */
static uint32_t rnd(uint32_t *st)
{
    uint32_t x = *st;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *st = x;
    return x;
}

/* Sends len bytes of a seeded pattern from a to b through the 4 KiB rings,
 * writing and reading in turns with random write and read sizes; checks
 * every byte, that a writer with output pending keeps its buffers, and
 * that both sides are released (or not, with keep_buffers) once idle. */
static void move(struct pb_conn *a, struct pb_conn *b, size_t len,
                 uint32_t seed, int expect_released)
{
    uint8_t *src = malloc(len), *dst = malloc(len);
    uint32_t st = seed | 1u;
    size_t sent = 0, got = 0, chunk = 0;
    char err[256] = "";
    int i;

    cr_assert(src != NULL && dst != NULL);
    for (size_t k = 0; k < len; k++) {
        src[k] = (uint8_t)rnd(&st);
    }
    for (i = 0; i < 100000 && got < len; i++) {
        if (sent < len) {
            ssize_t n;
            /* After WANT_*, the same data again (pb_conn_write's rule). */
            if (chunk == 0) {
                chunk = 1 + rnd(&st) % 20000;
                if (chunk > len - sent) {
                    chunk = len - sent;
                }
            }
            n = pb_conn_write(a, src + sent, chunk, err, sizeof(err));
            if (n > 0) {
                cr_assert_eq((size_t)n, chunk);
                sent += chunk;
                chunk = 0;
                /* All written and flushed: nothing pending. */
                cr_assert_eq(pb_conn_buffers_released(a), expect_released);
            } else {
                cr_assert(tb_pending((int)n), "write %zd: %s", n, err);
                /* Output still pending: buffers kept. */
                cr_assert_eq(pb_conn_buffers_released(a), 0);
            }
        }
        {
            size_t want = 1 + rnd(&st) % 6000;
            ssize_t n;
            if (want > len - got) {
                want = len - got;
            }
            n = pb_conn_read(b, dst + got, want, err, sizeof(err));
            if (n > 0) {
                got += (size_t)n;
            } else {
                cr_assert_eq(n, PB_WANT_READ, "read %zd: %s", n, err);
            }
        }
    }
    cr_assert_eq(got, len, "moved %zu of %zu", got, len);
    cr_assert_eq(memcmp(src, dst, len), 0, "data differs");
    /* Everything read: the reader is idle again. */
    cr_assert_eq(pb_conn_read(b, dst, 1, err, sizeof(err)), PB_WANT_READ);
    cr_assert_eq(pb_conn_buffers_released(b), expect_released);
    free(src);
    free(dst);
}

static void released_both_ways(uint32_t protocols)
{
    struct bw w;

    bw_new(&w, protocols, 0);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 1,
                 "server keeps its buffers after the handshake");
    cr_assert_eq(pb_conn_buffers_released(w.p.client), 1,
                 "client keeps its buffers after the handshake");
    move(w.p.client, w.p.server, 1, 1, 1);
    move(w.p.server, w.p.client, 1, 2, 1);
    move(w.p.client, w.p.server, 100000, 3, 1);
    move(w.p.server, w.p.client, 100000, 4, 1);
    move(w.p.client, w.p.server, 16384, 5, 1);
    move(w.p.server, w.p.client, 16385, 6, 1);
    bw_free(&w);
}

Test(buffers, tls13_released_and_data_exact)
{
    released_both_ways(PETLS_PROTOCOL_TLSv1_3);
}

Test(buffers, tls12_released_and_data_exact)
{
    released_both_ways(PETLS_PROTOCOL_TLSv1_2);
}

Test(buffers, keep_buffers_keeps_them)
{
    struct bw w;

    bw_new(&w, PETLS_PROTOCOL_TLSv1_3 | PETLS_PROTOCOL_TLSv1_2, 1);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 0);
    cr_assert_eq(pb_conn_buffers_released(w.p.client), 0);
    move(w.p.client, w.p.server, 50000, 7, 0);
    move(w.p.server, w.p.client, 50000, 8, 0);
    bw_free(&w);
}

/* A record split across reads: the reader holds a partial record, so its
 * buffers stay until the record is complete, then go. */
Test(buffers, split_record_keeps_buffers_until_complete)
{
    struct bw w;
    char err[256] = "";
    uint8_t big[12000], got[12000];
    size_t have = 0;
    ssize_t n;
    int i, saw_partial = 0, written = 0;

    memset(big, 0x5a, sizeof(big));
    bw_new(&w, PETLS_PROTOCOL_TLSv1_3, 0);
    /* One 12000-byte record does not fit the 4 KiB ring: the writer keeps
     * its output (WANT_WRITE) and the reader sees pieces. */
    n = pb_conn_write(w.p.server, big, sizeof(big), err, sizeof(err));
    cr_assert_eq(n, PB_WANT_WRITE, "%zd: %s", n, err);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 0);
    for (i = 0; i < 100 && have < sizeof(big); i++) {
        n = pb_conn_read(w.p.client, got + have, sizeof(got) - have, err,
                         sizeof(err));
        if (n > 0) {
            have += (size_t)n;
        } else {
            cr_assert_eq(n, PB_WANT_READ, "%zd: %s", n, err);
            if (have == 0) {
                saw_partial |= !pb_conn_buffers_released(w.p.client);
            }
        }
        if (!written) {
            n = pb_conn_write(w.p.server, big, sizeof(big), err, sizeof(err));
            cr_assert(n == (ssize_t)sizeof(big) || n == PB_WANT_WRITE,
                      "%zd: %s", n, err);
            written = n > 0;
        }
    }
    cr_assert(written);
    cr_assert_eq(have, sizeof(big));
    cr_assert_eq(memcmp(big, got, sizeof(big)), 0);
    cr_assert(saw_partial, "the partial record did not keep the buffers");
    cr_assert_eq(pb_conn_buffers_released(w.p.client), 1);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 1);
    bw_free(&w);
}

/* close_notify sent and received while both sides are released. */
Test(buffers, close_notify_while_released)
{
    struct bw w;
    char err[256] = "";
    uint8_t b[16];

    bw_new(&w, PETLS_PROTOCOL_TLSv1_3, 0);
    cr_assert_eq(pb_conn_buffers_released(w.p.client), 1);
    cr_assert_eq(pb_conn_close_notify(w.p.client, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 1);
    cr_assert_eq(pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err)), 0,
                 "%s", err);
    bw_free(&w);
}

/* A TLS 1.2 connection whose peer sends garbage while released: the
 * failure is reported as a record error (the re-allocated buffers hold the
 * counter: a counter lost would fail every later record instead). */
Test(buffers, bad_record_while_released_fails_cleanly)
{
    struct bw w;
    char err[256] = "";
    uint8_t b[16];
    static const uint8_t junk[] = {
        0x17, 0x03, 0x03, 0x00, 0x20, 1,  2,  3,  4,  5,  6,  7,  8,
        9,    10,   11,   12,   13,   14, 15, 16, 17, 18, 19, 20, 21,
        22,   23,   24,   25,   26,   27, 28, 29, 30, 31, 32};
    ssize_t n;

    bw_new(&w, PETLS_PROTOCOL_TLSv1_2, 0);
    move(w.p.client, w.p.server, 3000, 9, 1);
    cr_assert_eq(tb_ring_put(&w.p.c2s, junk, sizeof(junk)), sizeof(junk));
    n = pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err));
    cr_assert_eq(n, PB_ERR, "%zd: %s", n, err);
    cr_assert(strstr(err, "authentication") != NULL, "%s", err);
    /* The failed connection stays failed; the other side still reads the
     * server's alert. */
    cr_assert_eq(pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err)),
                 PB_ERR);
    bw_free(&w);
}

/* The incoming record counter survives the release: many records, each
 * read on its own with the buffers released in between (a wrong counter
 * fails decryption of the next record). */
Test(buffers, counters_survive_many_cycles)
{
    struct bw w;
    char err[256] = "";
    uint8_t b[8];
    int i;

    bw_new(&w, PETLS_PROTOCOL_TLSv1_3 | PETLS_PROTOCOL_TLSv1_2, 0);
    for (i = 0; i < 300; i++) {
        uint8_t v = (uint8_t)i;
        cr_assert_eq(pb_conn_write(w.p.client, &v, 1, err, sizeof(err)), 1,
                     "%s", err);
        cr_assert_eq(pb_conn_buffers_released(w.p.client), 1);
        cr_assert_eq(pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err)),
                     1, "record %d: %s", i, err);
        cr_assert_eq(b[0], v);
        cr_assert_eq(pb_conn_buffers_released(w.p.server), 1);
        cr_assert_eq(pb_conn_write(w.p.server, &v, 1, err, sizeof(err)), 1,
                     "%s", err);
        cr_assert_eq(pb_conn_read(w.p.client, b, sizeof(b), err, sizeof(err)),
                     1, "record %d: %s", i, err);
    }
    bw_free(&w);
}

/* Out of memory when the released buffers are needed again: that read
 * fails with -1 and a message, the connection stays failed, it frees
 * cleanly, and another connection is untouched. */
Test(buffers, oom_on_reacquire_fails_that_connection_only)
{
    struct bw w, w2;
    char err[256] = "";
    uint8_t b[16];
    ssize_t n;

    bw_new(&w, PETLS_PROTOCOL_TLSv1_3, 0);
    bw_new(&w2, PETLS_PROTOCOL_TLSv1_3, 0);
    cr_assert_eq(pb_conn_write(w.p.client, "hello", 5, err, sizeof(err)), 5,
                 "%s", err);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 1);
    pb_conn_buffers_fail_next(1);
    n = pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err));
    cr_assert_eq(n, PB_ERR, "%zd: %s", n, err);
    cr_assert(strstr(err, "read: out of memory (record buffers, ") == err, "%s",
              err);
    cr_assert_eq(pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err)),
                 PB_ERR);
    cr_assert_eq(pb_conn_write(w.p.server, "x", 1, err, sizeof(err)), PB_ERR);
    /* The same for a write. */
    pb_conn_buffers_fail_next(1);
    n = pb_conn_write(w.p.client, "x", 1, err, sizeof(err));
    cr_assert_eq(n, PB_ERR, "%zd: %s", n, err);
    cr_assert(strstr(err, "write: out of memory (record buffers, ") == err,
              "%s", err);
    /* The other connection is fine both ways. */
    move(w2.p.client, w2.p.server, 20000, 11, 1);
    move(w2.p.server, w2.p.client, 20000, 12, 1);
    bw_free(&w);
    bw_free(&w2);
}

/* TLS 1.2 renegotiation on a connection whose buffers are released: the
 * client starts it while released, data flows during and after it, and
 * both sides are released again once it is over. */
Test(buffers, tls12_renegotiation_while_released)
{
    struct pb_settings s = tb_settings(PETLS_PROTOCOL_TLSv1_2);
    struct pb_nego_settings n;
    struct bw w;
    char err[256] = "";
    uint8_t b[64];
    int i, rc = PB_WANT_READ;

    memset(&n, 0, sizeof(n));
    n.renegotiation = 1;
    n.renegotiation_server = 1;
    s.nego = &n;
    w.ccfg = tb_config();
    w.scfg = tb_config();
    tb_add_ca(w.ccfg, "ca.pem");
    tb_add_keypair(w.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w.ccfg, &s);
    tb_freeze(w.scfg, &s);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "%s / %s", w.p.cerr, w.p.serr);
    cr_assert_eq(pb_conn_buffers_released(w.p.server), 1);
    cr_assert_eq(pb_conn_buffers_released(w.p.client), 1);
    for (i = 0; i < 200 && tb_pending(rc); i++) {
        rc = pb_conn_renegotiate(w.p.client, 0, err, sizeof(err));
        cr_assert(rc == 0 || tb_pending(rc), "renegotiate %d: %s", rc, err);
        {
            ssize_t r =
                pb_conn_read(w.p.server, b, sizeof(b), err, sizeof(err));
            cr_assert(tb_pending((int)r), "server read %zd: %s", r, err);
        }
    }
    cr_assert_eq(rc, 0, "renegotiation did not finish: %s", err);
    cr_assert_eq(pb_conn_renegotiations(w.p.client), 1);
    move(w.p.client, w.p.server, 30000, 21, 1);
    move(w.p.server, w.p.client, 30000, 22, 1);
    bw_free(&w);
}

#if PETLS_WITH_TICKETS /* resumption by ticket (tests/features.cmake) */
/* TLS 1.3 NewSessionTickets arrive after the client's handshake is over,
 * when its buffers (and its handshake state) are already freed: the client
 * still takes them and resumes with them, with buffers released (the
 * default) or kept. */
static void tickets_after_release(int release)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(petls_config_set_release_buffers(f.ccfg, release), 0);
    cr_assert_eq(petls_config_set_release_buffers(f.scfg, release), 0);
    cr_assert_eq(rfx_conn(&f), 0, "first connection resumed");
    cr_assert(f.last_conn_sessions >= 1, "no ticket taken");
    cr_assert(f.sess_len > 0);
    cr_assert_eq(rfx_conn(&f), 1, "ticket not resumed");
    cr_assert_eq(rfx_conn(&f), 1, "second ticket not resumed");
    rfx_free(&f);
}

Test(buffers, tls13_tickets_after_release)
{
    tickets_after_release(1);
}

Test(buffers, tls13_tickets_with_buffers_kept)
{
    tickets_after_release(0);
}
#endif

#if PETLS_WITH_TICKETS
/* A client write interrupted by WANT_POLLOUT (its record queued in the
 * output buffer), then a read that meets the server's TLS 1.3
 * NewSessionTicket: mbedTLS's handshake step for the ticket flushes the
 * queued record, and the repeated write used to write the chunk a second
 * time (the server read it twice; found by fuzz_release_buffers). Both
 * orders: the read's flush blocked, then the write again; and the read's
 * flush passing, then the write again. */
struct gq {
    uint8_t buf[65536];
    size_t len, off;
};

struct gend {
    struct gq *in, *out;
    int blocked; /* the write callback would block */
};

static ssize_t g_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct gend *e = arg;
    size_t n = e->in->len - e->in->off;

    (void)ctx;
    if (n == 0)
        return PETLS_WANT_POLLIN;
    n = n < len ? n : len;
    memcpy(buf, e->in->buf + e->in->off, n);
    e->in->off += n;
    return (ssize_t)n;
}

static ssize_t g_write(struct petls *ctx, const void *buf, size_t len,
                       void *arg)
{
    struct gend *e = arg;

    (void)ctx;
    if (e->blocked)
        return PETLS_WANT_POLLOUT;
    cr_assert(len <= sizeof(e->out->buf) - e->out->len);
    memcpy(e->out->buf + e->out->len, buf, len);
    e->out->len += len;
    return (ssize_t)len;
}

static void write_pending_then_ticket(int flush_in_read)
{
    static struct gq c2s, s2c;
    struct gend ce = {&s2c, &c2s, 0}, se = {&c2s, &s2c, 0};
    struct rfx f;
    struct petls *cli, *srv = NULL;
    uint8_t data[3000], got[8192];
    ssize_t n, total = 0;
    int i, rc = -1, rs = -1;

    memset(&c2s, 0, sizeof(c2s));
    memset(&s2c, 0, sizeof(s2c));
    for (size_t k = 0; k < sizeof(data); k++)
        data[k] = (uint8_t)(k * 7 + 1);
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    rfx_server(&f);
    cli = petls_client();
    cr_assert(cli != NULL && petls_configure(cli, f.ccfg) == 0);
    cr_assert_eq(petls_accept_cbs(f.server, &srv, g_read, g_write, &se), 0);
    cr_assert_eq(petls_connect_cbs(cli, g_read, g_write, &ce, "localhost"), 0);
    for (i = 0; i < 50 && (rc != 0 || rs != 0); i++) {
        rc = petls_handshake(cli);
        rs = petls_handshake(srv);
        cr_assert(rc == 0 || rc == PETLS_WANT_POLLIN, "%s", petls_error(cli));
        cr_assert(rs == 0 || rs == PETLS_WANT_POLLIN, "%s", petls_error(srv));
    }
    cr_assert(rc == 0 && rs == 0);
    cr_assert(s2c.len > s2c.off, "no NewSessionTicket waiting");
    /* The write's record is queued. */
    ce.blocked = 1;
    cr_assert_eq(petls_write(cli, data, sizeof(data)), PETLS_WANT_POLLOUT);
    /* A read meets the ticket; its handshake step flushes first. */
    ce.blocked = !flush_in_read;
    n = petls_read(cli, got, sizeof(got));
    cr_assert(n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT, "%zd: %s", n,
              petls_error(cli));
    ce.blocked = 0;
    n = petls_write(cli, data, sizeof(data));
    cr_assert_eq(n, (ssize_t)sizeof(data), "%zd: %s", n, petls_error(cli));
    /* The server reads the data once. */
    for (i = 0; i < 20; i++) {
        n = petls_read(srv, got + total, sizeof(got) - (size_t)total);
        if (n == PETLS_WANT_POLLIN)
            break;
        cr_assert(n > 0, "%zd: %s", n, petls_error(srv));
        total += n;
    }
    cr_assert_eq(total, (ssize_t)sizeof(data), "the server read %zd bytes",
                 total);
    cr_assert_eq(memcmp(got, data, sizeof(data)), 0);
    /* The client took the ticket. */
    n = petls_read(cli, got, sizeof(got));
    cr_assert_eq(n, PETLS_WANT_POLLIN);
    cr_assert(f.last_conn_sessions >= 1 || f.sess_len > 0, "no ticket taken");
    cr_assert_eq(pb_conn_buffers_released(cli->conn), 1);
    cr_assert_eq(pb_conn_buffers_released(srv->conn), 1);
    petls_free(cli);
    petls_free(srv);
    rfx_free(&f);
}

Test(buffers, tls13_ticket_read_while_write_pending_blocked)
{
    write_pending_then_ticket(0);
}

Test(buffers, tls13_ticket_read_while_write_pending_flushed)
{
    write_pending_then_ticket(1);
}
#endif
