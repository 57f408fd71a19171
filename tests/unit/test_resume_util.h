/* Shared fixture of the resumption tests: one server config and context
 * and one client config kept across connections, each connection over a
 * fresh in-memory pipe; and a counting in-memory session store. */
#ifndef PETLS_TEST_RESUME_UTIL_H
#define PETLS_TEST_RESUME_UTIL_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

#define RFX_SESS_MAX 8192

struct rfx {
    struct petls_config *scfg;
    struct petls_config *ccfg;
    struct petls *server;
    uint8_t sess[RFX_SESS_MAX]; /* the client's newest session */
    size_t sess_len;
    int sessions_cb;        /* session callback calls, all connections */
    int last_conn_sessions; /* callback calls during the last connection */
};

static inline void rfx_session_cb(struct petls *ctx, const uint8_t *session,
                                  size_t len, void *arg)
{
    struct rfx *f = arg;

    cr_assert_not_null(ctx);
    cr_assert(len > 0 && len <= RFX_SESS_MAX);
    cr_assert_not_null(session);
    f->sessions_cb++;
    f->last_conn_sessions++;
}

/* protocols: PETLS_PROTOCOL_* for both sides. */
static inline void rfx_init(struct rfx *f, uint32_t protocols)
{
    memset(f, 0, sizeof(*f));
    f->scfg = petls_config_new();
    f->ccfg = petls_config_new();
    cr_assert(f->scfg != NULL && f->ccfg != NULL);
    cr_assert(petls_config_set_keypair_file(f->scfg,
                                            cert_path("server-ecdsa.pem"),
                                            cert_path("server-ecdsa.key")) == 0,
              "%s", petls_config_error(f->scfg));
    cr_assert(petls_config_set_ca_file(f->ccfg, cert_path("ca.pem")) == 0, "%s",
              petls_config_error(f->ccfg));
    cr_assert(petls_config_set_protocols(f->scfg, protocols) == 0);
    cr_assert(petls_config_set_protocols(f->ccfg, protocols) == 0);
    cr_assert(petls_config_set_session_cb(f->ccfg, rfx_session_cb, f) == 0);
}

/* Call after changing scfg: freezes it on a listening context. */
static inline void rfx_server(struct rfx *f)
{
    f->server = petls_server();
    cr_assert_not_null(f->server);
    cr_assert(petls_configure(f->server, f->scfg) == 0, "%s",
              petls_error(f->server));
}

/* One connection, offering session (NULL: none) and keeping the client's
 * newest session in f->sess. Asserts the handshake and that both sides
 * agree on whether it resumed, which it returns. */
static inline int rfx_conn_offer(struct rfx *f, const uint8_t *session,
                                 size_t len, struct tlsconn *keep)
{
    struct tlsconn c, *cp = keep != NULL ? keep : &c;
    void (*cb)(struct tlsconn *, void *) =
        keep != NULL ? keep->on_want_store : NULL;
    void *cbarg = keep != NULL ? keep->want_store_arg : NULL;
    int cres, sres;
    ssize_t n;

    if (f->server == NULL)
        rfx_server(f);
    f->last_conn_sessions = 0;
    tlsconn_start(cp, f->server, f->ccfg, session, len, "localhost");
    cp->on_want_store = cb;
    cp->want_store_arg = cbarg;
    cr_assert_eq(tlsconn_handshake(cp), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 cp->client_rc, petls_error(cp->client), cp->server_rc,
                 petls_error(cp->sconn));
    tlsconn_pingpong(cp);
    cres = petls_conn_session_resumed(cp->client);
    sres = petls_conn_session_resumed(cp->sconn);
    cr_assert_eq(cres, sres, "client says resumed=%d, server says %d", cres,
                 sres);
    n = petls_conn_session(cp->client, NULL, 0);
    if (n > 0) {
        cr_assert(n <= RFX_SESS_MAX);
        cr_assert_eq(petls_conn_session(cp->client, f->sess, sizeof(f->sess)),
                     n);
        f->sess_len = (size_t)n;
    }
    if (keep == NULL)
        tlsconn_free(&c);
    return cres;
}

/* One connection offering the newest session (none the first time). */
static inline int rfx_conn(struct rfx *f)
{
    return rfx_conn_offer(f, f->sess_len ? f->sess : NULL, f->sess_len, NULL);
}

static inline void rfx_free(struct rfx *f)
{
    petls_free(f->server);
    petls_config_free(f->scfg);
    petls_config_free(f->ccfg);
    memset(f, 0, sizeof(*f));
}

/* ---- A counting in-memory store ---- */

#define TSTORE_SLOTS 64

struct tstore_entry {
    uint8_t id[64];
    size_t id_len;
    uint8_t blob[PETLS_STORE_BLOB_MAX];
    size_t blob_len;
    time_t expires;
};

struct tstore {
    struct tstore_entry e[TSTORE_SLOTS];
    size_t n;
    int puts, gets, removes, get_hits;
    int async; /* get answers PETLS_STORE_PENDING */
    struct petls *pending_conn;
    const uint8_t *pending_blob; /* what the late answer will be */
    size_t pending_len;
    int tamper;   /* flip a byte of each blob handed out */
    int truncate; /* hand out blobs cut short */
};

static inline struct tstore_entry *tstore_find(struct tstore *s,
                                               const uint8_t *id, size_t id_len)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (s->e[i].id_len == id_len && memcmp(s->e[i].id, id, id_len) == 0)
            return &s->e[i];
    return NULL;
}

static inline int tstore_put(void *arg, const uint8_t *id, size_t id_len,
                             const uint8_t *blob, size_t blob_len,
                             time_t expires)
{
    struct tstore *s = arg;
    struct tstore_entry *e = tstore_find(s, id, id_len);

    s->puts++;
    cr_assert(id_len > 0 && id_len <= sizeof(e->id));
    cr_assert(blob_len > 0 && blob_len <= PETLS_STORE_BLOB_MAX);
    cr_assert(expires > 0);
    if (e == NULL) {
        cr_assert(s->n < TSTORE_SLOTS);
        e = &s->e[s->n++];
    }
    memcpy(e->id, id, id_len);
    e->id_len = id_len;
    memcpy(e->blob, blob, blob_len);
    e->blob_len = blob_len;
    e->expires = expires;
    return 0;
}

static inline int tstore_get(void *arg, struct petls *conn, const uint8_t *id,
                             size_t id_len, uint8_t *blob, size_t *blob_len)
{
    struct tstore *s = arg;
    struct tstore_entry *e = tstore_find(s, id, id_len);
    size_t len;

    s->gets++;
    cr_assert_not_null(conn);
    cr_assert_eq(*blob_len, PETLS_STORE_BLOB_MAX);
    if (e == NULL)
        return s->async ? (s->pending_conn = conn, s->pending_blob = NULL,
                           s->pending_len = 0, PETLS_STORE_PENDING)
                        : PETLS_STORE_MISS;
    s->get_hits++;
    len = s->truncate ? e->blob_len / 2 : e->blob_len;
    if (s->tamper)
        e->blob[e->blob_len / 2] ^= 0x01;
    if (s->async) {
        s->pending_conn = conn;
        s->pending_blob = e->blob;
        s->pending_len = len;
        return PETLS_STORE_PENDING;
    }
    memcpy(blob, e->blob, len);
    *blob_len = len;
    return PETLS_STORE_FOUND;
}

static inline void tstore_remove(void *arg, const uint8_t *id, size_t id_len)
{
    struct tstore *s = arg;
    struct tstore_entry *e = tstore_find(s, id, id_len);

    s->removes++;
    if (e != NULL)
        *e = s->e[--s->n];
}

static inline void tstore_attach(struct tstore *s, struct petls_config *cfg)
{
    struct petls_session_store hooks;

    hooks.put = tstore_put;
    hooks.get = tstore_get;
    hooks.remove = tstore_remove;
    hooks.arg = s;
    cr_assert(petls_config_set_session_store(cfg, &hooks) == 0, "%s",
              petls_config_error(cfg));
}

static inline struct tstore *tstore_new(void)
{
    struct tstore *s = calloc(1, sizeof(*s));

    cr_assert_not_null(s);
    return s;
}

#endif
