/*
 * Helpers for the backend-level tests (tests/unit/test_backend_*.c): an
 * in-memory transport of two byte rings driving pb_* connections directly,
 * and config builders. Header-only (static) so that each test file stays
 * self-contained.
 */
#ifndef PETLS_TEST_BACKEND_UTIL_H
#define PETLS_TEST_BACKEND_UTIL_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "hostname.h"
#include "petls.h"
#include "petls_port.h"
#include "testcerts.h"

/* One direction: a bounded ring (small on purpose, so that records are
 * split and WANT_* paths run). */
#define TB_RING_CAP 4096

struct tb_ring {
    uint8_t data[TB_RING_CAP];
    size_t head, len;
    int closed;
};

/* One side's hooks: reads from in, writes to out. */
struct tb_end {
    struct tb_ring *in;
    struct tb_ring *out;
    int fail_with; /* non-zero: every hook call returns this */
};

static inline size_t tb_ring_put(struct tb_ring *r, const uint8_t *p, size_t n)
{
    size_t i, room = TB_RING_CAP - r->len;

    if (n > room) {
        n = room;
    }
    for (i = 0; i < n; i++) {
        r->data[(r->head + r->len + i) % TB_RING_CAP] = p[i];
    }
    r->len += n;
    return n;
}

static inline size_t tb_ring_get(struct tb_ring *r, uint8_t *p, size_t n)
{
    size_t i;

    if (n > r->len) {
        n = r->len;
    }
    for (i = 0; i < n; i++) {
        p[i] = r->data[(r->head + i) % TB_RING_CAP];
    }
    r->head = (r->head + n) % TB_RING_CAP;
    r->len -= n;
    return n;
}

static inline int tb_send(void *io, const unsigned char *buf, size_t len)
{
    struct tb_end *e = io;
    size_t n;

    if (e->fail_with != 0) {
        return e->fail_with;
    }
    n = tb_ring_put(e->out, buf, len);
    return n == 0 ? PB_WANT_WRITE : (int)n;
}

static inline int tb_recv(void *io, unsigned char *buf, size_t len)
{
    struct tb_end *e = io;
    size_t n;

    if (e->fail_with != 0) {
        return e->fail_with;
    }
    n = tb_ring_get(e->in, buf, len);
    if (n == 0) {
        return e->in->closed ? 0 : PB_WANT_READ;
    }
    return (int)n;
}

/* Client and server settings, defaulting to the secure defaults with
 * verification on. */
static inline struct pb_settings tb_settings(uint32_t protocols)
{
    struct pb_settings s;

    memset(&s, 0, sizeof(s));
    s.protocols = protocols;
    s.prefer_server_ciphers = 1;
    s.verify_cert = 1;
    s.verify_time = 1;
    s.verify_client = PETLS_VERIFY_CLIENT_NONE;
    s.verify_depth = -1;
    s.name_match = petls_hostname_verify; /* as the engine's freeze sets it */
    return s;
}

static inline void tb_add_keypair(struct pb_config *cfg, const char *cert,
                                  const char *key)
{
    char err[256] = "";
    size_t cl, kl;
    unsigned char *c = cert_read(cert, &cl);
    unsigned char *k = cert_read(key, &kl);

    cr_assert_eq(
        pb_config_add_keypair(cfg, c, cl, k, kl, NULL, err, sizeof(err)), 0,
        "keypair %s: %s", cert, err);
    free(c);
    free(k);
}

static inline void tb_add_ca(struct pb_config *cfg, const char *name)
{
    char err[256] = "";
    size_t l;
    unsigned char *c = cert_read(name, &l);

    cr_assert_eq(pb_config_add_ca(cfg, c, l, err, sizeof(err)), 0, "ca %s: %s",
                 name, err);
    free(c);
}

static inline struct pb_config *tb_config(void)
{
    char err[256] = "";
    struct pb_config *cfg;

    cr_assert_eq(pb_init(err, sizeof(err)), 0, "%s", err);
    cfg = pb_config_new(err, sizeof(err));
    cr_assert_not_null(cfg, "%s", err);
    return cfg;
}

static inline void tb_freeze(struct pb_config *cfg, const struct pb_settings *s)
{
    char err[256] = "";

    cr_assert_eq(pb_config_freeze(cfg, s, err, sizeof(err)), 0, "%s", err);
}

/* A client and a server connected through two rings. */
struct tb_pair {
    struct tb_ring c2s, s2c;
    struct tb_end cend, send;
    struct pb_conn *client, *server;
    int crc, src; /* last handshake results */
    char cerr[512], serr[512];
};

static inline void tb_pair_new(struct tb_pair *p, struct pb_config *ccfg,
                               struct pb_config *scfg, const char *sni,
                               const char *verify_name)
{
    struct pb_conn_params cp, sp;
    char err[256] = "";

    memset(p, 0, sizeof(*p));
    p->cend.in = &p->s2c;
    p->cend.out = &p->c2s;
    p->send.in = &p->c2s;
    p->send.out = &p->s2c;
    memset(&cp, 0, sizeof(cp));
    cp.is_server = 0;
    cp.sni = sni;
    cp.verify_name = verify_name;
    cp.send = tb_send;
    cp.recv = tb_recv;
    cp.io = &p->cend;
    sp = cp;
    sp.is_server = 1;
    sp.sni = NULL;
    sp.verify_name = NULL;
    sp.io = &p->send;
    if (ccfg != NULL) {
        p->client = pb_conn_new(ccfg, &cp, err, sizeof(err));
        cr_assert_not_null(p->client, "%s", err);
    }
    if (scfg != NULL) {
        p->server = pb_conn_new(scfg, &sp, err, sizeof(err));
        cr_assert_not_null(p->server, "%s", err);
    }
}

static inline int tb_pending(int rc)
{
    return rc == PB_WANT_READ || rc == PB_WANT_WRITE;
}

/* Steps both handshakes until neither can progress. Returns 0 when both
 * completed. */
static inline int tb_handshake(struct tb_pair *p)
{
    int i;

    p->crc = PB_WANT_READ;
    p->src = PB_WANT_READ;
    for (i = 0; i < 200; i++) {
        if (tb_pending(p->crc)) {
            p->crc = pb_conn_handshake(p->client, p->cerr, sizeof(p->cerr));
        }
        if (tb_pending(p->src)) {
            p->src = pb_conn_handshake(p->server, p->serr, sizeof(p->serr));
        }
        if (!tb_pending(p->crc) && !tb_pending(p->src)) {
            break;
        }
        /* One side failed: let the other see the alert, then stop. */
        if ((!tb_pending(p->crc) && p->crc != 0) ||
            (!tb_pending(p->src) && p->src != 0)) {
            if (tb_pending(p->crc)) {
                p->crc = pb_conn_handshake(p->client, p->cerr, sizeof(p->cerr));
            }
            if (tb_pending(p->src)) {
                p->src = pb_conn_handshake(p->server, p->serr, sizeof(p->serr));
            }
            break;
        }
    }
    return p->crc == 0 && p->src == 0 ? 0 : -1;
}

static inline void tb_pair_free(struct tb_pair *p)
{
    pb_conn_free(p->client);
    pb_conn_free(p->server);
}

#endif
