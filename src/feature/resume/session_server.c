/*
 * The server's session hooks: what the backend calls to turn session bytes
 * into tickets and back, and to keep TLS 1.2 sessions under their session
 * ID. Stateless mode seals tickets under the config's key ring; stateful
 * mode (and every session ID) keeps sessions in the built-in cache or the
 * external store, the latter sealed under the store key.
 */
#include <string.h>

#include "client_hello.h"
#include "feature.h"
#include "petls_features.h"
#include "session_server.h"
#include "feature.h"
#include "petls_internal.h"
#include "session_cache.h"
#include "session_seal.h"
#include "ticket_keys.h"
#include "util.h"

/* Stateful TLS 1.3 tickets are random ids of this size. */
#define STATEFUL_TICKET_LEN 32

/* Creates the server cache of a frozen config on its first server use
 * (the server_prepare hook). 0 or -1 (out of memory) with err. */
static int server_prepare(struct petls_config *c, char *err, size_t errlen)
{
    int rc = 0;

#if PETLS_WITH_SESSION_CACHE
    petls_port_mutex_lock(c->mutex);
    if (c->cache == NULL && !c->have_store && c->session_lifetime > 0 &&
        c->cache_max_entries > 0) {
        c->cache =
            petls_session_cache_new(c->cache_max_entries, c->cache_max_bytes);
        if (c->cache == NULL)
            rc = -1;
    }
    petls_port_mutex_unlock(c->mutex);
    if (rc != 0)
        petls_session_errmsg(err, errlen,
                             "cannot create the session cache "
                             "(out of memory)");
#else
    (void)c;
    (void)err;
    (void)errlen;
#endif
    return rc;
}

/* Longest server name a session is bound to (a DNS name has at most 253
 * characters); a longer one gets no session at all. */
#define BIND_NAME_MAX 255
#define BIND_LEN 32

/* What every session and ticket is bound to (RFC 6066 section 3: a server
 * must not resume a session under another server name): a digest of the
 * session id context (with the SNI context chosen, sni.c) and the name the
 * client sent in this handshake, in lower case without one trailing dot,
 * or its absence (no SNI is a name too). Stateless tickets carry it in
 * their authenticated data, store blobs in their sealed plaintext (compared
 * in constant time), cache keys in the key, so a session offered under
 * another name fails to open or is not found: a full handshake, never an
 * error. 32 bytes, or 0 when the name is too long to bind. */
static size_t bind_context(const struct petls *ctx, const uint8_t *base,
                           size_t base_len, uint8_t out[BIND_LEN])
{
    uint8_t buf[10 + 1 + PETLS_SESSION_ID_CONTEXT_MAX + 1 + BIND_NAME_MAX];
    const char *name = ctx->conn != NULL ? pb_conn_sni(ctx->conn) : NULL;
    size_t n = 10, sl, nl = name != NULL ? strlen(name) : 0, i;
    int rc;

    if (nl > 0 && name[nl - 1] == '.')
        nl--;
    if (nl > BIND_NAME_MAX)
        return 0;
    memcpy(buf, "petls-name", 10);
    sl = petls_features_session_context(ctx, base, base_len, buf + n + 1,
                                        PETLS_SESSION_ID_CONTEXT_MAX);
    buf[n] = (uint8_t)sl;
    n += 1 + sl;
    buf[n++] = name != NULL ? 1 : 0;
    for (i = 0; i < nl; i++) {
        char ch = name[i];
        buf[n++] = (uint8_t)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    rc = pb_sha256(buf, n, out);
    pb_zeroize(buf, sizeof(buf));
    return rc == 0 ? BIND_LEN : 0;
}

#if PETLS_WITH_SESSION_CACHE /* the store and cache helpers below */
/* The additional context sealed into a store blob: the kind (session ID or
 * stateful ticket, so one can never be replayed as the other) and the
 * session id context (with the SNI context chosen, sni.c). The server
 * name binding is inside the sealed plaintext instead (store_blob_open). */
static size_t seal_context(const struct petls *ctx, int kind,
                           uint8_t out[1 + PETLS_SESSION_ID_CONTEXT_MAX])
{
    const struct petls_config *c = ctx->config;

    out[0] = (uint8_t)kind;
    return 1 + petls_features_session_context(ctx, c->session_id_ctx,
                                              c->session_id_ctx_len, out + 1,
                                              PETLS_SESSION_ID_CONTEXT_MAX);
}

/* 1 when the n bytes at a and b are equal; the time taken does not depend
 * on where they differ. */
static int equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
    volatile uint8_t d = 0;
    size_t i;

    for (i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

/* Cache key: kind | hash of the session id context | id. */
static size_t cache_key(const struct petls *ctx, int kind, const uint8_t *id,
                        size_t id_len, uint8_t out[PETLS_CACHE_KEY_MAX])
{
    uint8_t h[BIND_LEN];

    if (id_len == 0 || 1 + PETLS_CTX_HASH_LEN + id_len > PETLS_CACHE_KEY_MAX)
        return 0;
    /* The binding (bind_context) of the context hash. */
    if (bind_context(ctx, ctx->config->ctx_hash, PETLS_CTX_HASH_LEN, h) == 0)
        return 0;
    out[0] = (uint8_t)kind;
    memcpy(out + 1, h, PETLS_CTX_HASH_LEN);
    memcpy(out + 1 + PETLS_CTX_HASH_LEN, id, id_len);
    return 1 + PETLS_CTX_HASH_LEN + id_len;
}
#endif /* PETLS_WITH_SESSION_CACHE */

/* Keeps session bytes under id in the store (sealed) or the cache. */
#if PETLS_WITH_SESSION_CACHE
static int session_save(struct petls *ctx, int kind, const uint8_t *id,
                        size_t id_len, const uint8_t *sess, size_t sess_len)
{
    struct petls_config *c = ctx->config;
    int64_t now = petls_session_now();
    int64_t expires = now + c->session_lifetime;
    uint8_t key[PETLS_CACHE_KEY_MAX];
    size_t key_len;

    if (c->have_store) {
        uint8_t sctx[1 + PETLS_SESSION_ID_CONTEXT_MAX];
        size_t sctx_len = seal_context(ctx, kind, sctx);
        size_t pt_len = BIND_LEN + sess_len, blob_len = 0;
        size_t cap = pt_len + PETLS_SEAL_OVERHEAD;
        uint8_t *blob, *pt;
        int rc = -1;

        if (cap > PETLS_STORE_BLOB_MAX)
            return -1;
        blob = petls_port_calloc(1, cap);
        pt = petls_port_calloc(1, pt_len);
        /* plaintext = server name binding | session */
        if (blob != NULL && pt != NULL &&
            bind_context(ctx, c->session_id_ctx, c->session_id_ctx_len, pt) ==
                BIND_LEN) {
            memcpy(pt + BIND_LEN, sess, sess_len);
            if (petls_seal(c->store_key, id, id_len, sctx, sctx_len, expires,
                           pt, pt_len, blob, cap, &blob_len) == 0)
                rc = c->store.put(c->store.arg, id, id_len, blob, blob_len,
                                  petls_time_from_i64(expires)) == 0
                         ? 0
                         : -1;
        }
        if (pt != NULL)
            petls_free_secret(pt, pt_len);
        if (blob != NULL)
            petls_free_secret(blob, cap);
        return rc;
    }
    if (c->cache == NULL)
        return -1;
    key_len = cache_key(ctx, kind, id, id_len, key);
    if (key_len == 0)
        return -1;
    return petls_session_cache_put(c->cache, key, key_len, sess, sess_len,
                                   expires, now);
}

/* Opens a sealed store blob; a blob that fails to open is forgotten. One
 * that opens but was made under another server name is a miss and stays:
 * it still resumes under its own name. The session comes back in *out,
 * from petls_port_calloc (the caller wipes *out_len bytes and frees it). */
static int store_blob_open(struct petls *ctx, int kind, const uint8_t *id,
                           size_t id_len, const uint8_t *blob, size_t blob_len,
                           uint8_t **out, size_t *out_len)
{
    struct petls_config *c = ctx->config;
    uint8_t sctx[1 + PETLS_SESSION_ID_CONTEXT_MAX], bind[BIND_LEN];
    size_t sctx_len = seal_context(ctx, kind, sctx), pt_len = 0;
    uint8_t *pt;

    if (blob_len < PETLS_SEAL_OVERHEAD)
        goto forget;
    pt = petls_port_calloc(1, blob_len);
    if (pt == NULL)
        return -1;
    if (petls_unseal(c->store_key, id, id_len, sctx, sctx_len,
                     petls_session_now(), blob, blob_len, pt, blob_len,
                     &pt_len) != 0 ||
        pt_len < BIND_LEN) {
        petls_free_secret(pt, blob_len);
        goto forget;
    }
    if (bind_context(ctx, c->session_id_ctx, c->session_id_ctx_len, bind) ==
            BIND_LEN &&
        equal_ct(pt, bind, BIND_LEN)) {
        /* The session moves to the front; its old tail is wiped. */
        memmove(pt, pt + BIND_LEN, pt_len - BIND_LEN);
        petls_explicit_bzero(pt + pt_len - BIND_LEN, BIND_LEN);
        *out = pt;
        *out_len = pt_len - BIND_LEN;
        return 0;
    }
    petls_free_secret(pt, blob_len);
    return -1;

forget:
    if (c->store.remove != NULL)
        c->store.remove(c->store.arg, id, id_len);
    return -1;
}

/* Finds the session kept under id: the prefetched store answer first,
 * then the store (synchronously: a late answer is a miss here), or the
 * cache. 0 with the session in *out (as for store_blob_open), or -1. */
static int session_load(struct petls *ctx, int kind, const uint8_t *id,
                        size_t id_len, uint8_t **out, size_t *out_len)
{
    struct petls_config *c = ctx->config;
    uint8_t key[PETLS_CACHE_KEY_MAX];
    size_t key_len;

    if (c->have_store) {
        const uint8_t *pblob;
        size_t pblob_len, blob_len = PETLS_STORE_BLOB_MAX;
        uint8_t *blob;
        int rc;

        rc = petls_preparse_answer(ctx, kind, id, id_len, &pblob, &pblob_len);
        if (rc == 0)
            return -1;
        if (rc == 1)
            return store_blob_open(ctx, kind, id, id_len, pblob, pblob_len, out,
                                   out_len);
        blob = petls_port_calloc(1, PETLS_STORE_BLOB_MAX);
        if (blob == NULL)
            return -1;
        rc = c->store.get(c->store.arg, ctx, id, id_len, blob, &blob_len);
        if (rc == PETLS_STORE_FOUND && blob_len <= PETLS_STORE_BLOB_MAX)
            rc = store_blob_open(ctx, kind, id, id_len, blob, blob_len, out,
                                 out_len);
        else
            rc = -1;
        petls_free_secret(blob, PETLS_STORE_BLOB_MAX);
        return rc;
    }
    if (c->cache == NULL)
        return -1;
    key_len = cache_key(ctx, kind, id, id_len, key);
    if (key_len == 0)
        return -1;
    if (petls_session_cache_get_dup(c->cache, key, key_len, out, out_len,
                                    petls_session_now()) == 1)
        return 0;
    petls_free_secret(*out, *out_len);
    *out = NULL;
    return -1;
}
#else
/* Without the cache and the store (PETLS_WITH_SESSION_CACHE=OFF) the
 * config never is in stateful mode and has no session IDs to keep. */
static int session_save(struct petls *ctx, int kind, const uint8_t *id,
                        size_t id_len, const uint8_t *sess, size_t sess_len)
{
    (void)ctx;
    (void)kind;
    (void)id;
    (void)id_len;
    (void)sess;
    (void)sess_len;
    return -1;
}

static int session_load(struct petls *ctx, int kind, const uint8_t *id,
                        size_t id_len, uint8_t **out, size_t *out_len)
{
    (void)ctx;
    (void)kind;
    (void)id;
    (void)id_len;
    (void)out;
    (void)out_len;
    return -1;
}
#endif

/* ---- The hooks ---- */

int petls_server_ticket_make(void *owner, uint16_t version, const uint8_t *sess,
                             size_t sess_len, uint8_t *out, size_t cap,
                             size_t *out_len, uint32_t *lifetime_s)
{
    struct petls *ctx = owner;
    struct petls_config *c = ctx->config;
    uint8_t id[STATEFUL_TICKET_LEN];

    (void)version;
    if (c->session_lifetime <= 0)
        return -1;
    *lifetime_s = (uint32_t)c->session_lifetime;
#if PETLS_WITH_TICKETS
    if (c->tickets) {
        uint8_t sctx[BIND_LEN];
        size_t n =
            bind_context(ctx, c->session_id_ctx, c->session_id_ctx_len, sctx);
        if (n == 0)
            return -1;
        return petls_ticket_seal(c->ticket_keys, petls_session_now(),
                                 (uint32_t)c->session_lifetime, sctx, n, sess,
                                 sess_len, out, cap, out_len);
    }
#endif
    /* Stateful: the ticket is only an id into the cache or store. */
    if (cap < sizeof(id) || pb_random(id, sizeof(id)) != 0)
        return -1;
    if (session_save(ctx, PETLS_SESSION_KIND_TICKET, id, sizeof(id), sess,
                     sess_len) != 0)
        return -1;
    memcpy(out, id, sizeof(id));
    *out_len = sizeof(id);
    return 0;
}

int petls_server_ticket_open(void *owner, const uint8_t *ticket,
                             size_t ticket_len, uint8_t **sess,
                             size_t *sess_len)
{
    struct petls *ctx = owner;
    struct petls_config *c = ctx->config;

    *sess = NULL;
    if (c->session_lifetime <= 0)
        return -1;
#if PETLS_WITH_TICKETS
    if (c->tickets) {
        int renew = 0;
        uint8_t sctx[BIND_LEN];
        size_t cap, n = bind_context(ctx, c->session_id_ctx,
                                     c->session_id_ctx_len, sctx);

        if (n == 0 || ticket_len <= PETLS_TICKET_OVERHEAD ||
            ticket_len > PETLS_TICKET_MAX)
            return -1;
        /* The plaintext is exactly as long as the ticket's ciphertext. */
        cap = ticket_len - PETLS_TICKET_OVERHEAD;
        *sess = petls_port_calloc(1, cap);
        if (*sess == NULL)
            return -1;
        /* A ticket under a decrypt-only key still resumes; the backend
         * issues fresh tickets under the current key after every
         * handshake, so renew needs no action here. */
        if (petls_ticket_open(c->ticket_keys, petls_session_now(), sctx, n,
                              ticket, ticket_len, *sess, cap, sess_len,
                              &renew) == 0)
            return 0;
        petls_free_secret(*sess, cap);
        *sess = NULL;
        return -1;
    }
#endif
    if (ticket_len != STATEFUL_TICKET_LEN)
        return -1;
    return session_load(ctx, PETLS_SESSION_KIND_TICKET, ticket, ticket_len,
                        sess, sess_len);
}

int petls_server_cache_put(void *owner, const uint8_t *id, size_t id_len,
                           const uint8_t *sess, size_t sess_len)
{
    struct petls *ctx = owner;

    if (ctx->config->session_lifetime <= 0)
        return -1;
    return session_save(ctx, PETLS_SESSION_KIND_ID, id, id_len, sess, sess_len);
}

int petls_server_cache_get(void *owner, const uint8_t *id, size_t id_len,
                           uint8_t **sess, size_t *sess_len)
{
    struct petls *ctx = owner;

    *sess = NULL;
    if (ctx->config->session_lifetime <= 0)
        return -1;
    return session_load(ctx, PETLS_SESSION_KIND_ID, id, id_len, sess, sess_len);
}

/* The backend asks while mbedTLS weighs a TLS 1.3 ticket it just opened
 * (mbedtls_psk_ke.c): does the ClientHello offer psk_ke, and what age did
 * it give this ticket? Parsed again rather than kept from a pre-parse:
 * most configs have none, and this runs only with psk_ke allowed. */
int petls_server_psk_ke_offered(const uint8_t *hello, size_t hello_len,
                                const uint8_t *ticket, size_t ticket_len,
                                uint32_t *obfuscated_age)
{
    struct petls_client_hello ch;
    char err[96];
    size_t i;

    if (petls_client_hello_parse(hello, hello_len, &ch, err, sizeof(err)) !=
            0 ||
        (ch.psk_modes & PETLS_CH_PSK_KE) == 0)
        return 0;
    for (i = 0; i < ch.n_psk_identities; i++) {
        if (ch.psk_identity_len[i] == ticket_len &&
            memcmp(ch.psk_identity[i], ticket, ticket_len) == 0) {
            *obfuscated_age = ch.psk_obfuscated_age[i];
            return 1;
        }
    }
    return 0;
}

int petls_server_hello_sni(const uint8_t *hello, size_t hello_len,
                           const uint8_t **name, size_t *name_len)
{
    struct petls_client_hello ch;
    char err[96];

    if (petls_client_hello_parse(hello, hello_len, &ch, err, sizeof(err)) != 0)
        return -1;
    if (ch.sni == NULL || ch.sni_len == 0)
        return 0;
    *name = ch.sni;
    *name_len = ch.sni_len;
    return 1;
}

/* The backend's callbacks above are gathered in core/features.c
 * (petls_session_hooks). */
const struct petls_feature petls_feature_server_sessions = {
    .name = "server_sessions",
    .server_prepare = server_prepare,
};
