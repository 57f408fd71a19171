/*
 * Client sessions: the opaque bytes petls_conn_session() hands out and
 * petls_set_session() takes back, the session callback, libtls's session
 * fd, and the client session cache keyed by host, port and server name.
 *
 * The bytes are the backend's serialisation behind a small engine header,
 * so that a blob from elsewhere (another library version, a truncated
 * file) is refused with a clear message instead of reaching the backend:
 *   magic "PSES" (4) | format version (1, = 1) | reserved (1, = 0) |
 *   length of the backend bytes (2, big endian) | backend bytes.
 */
#include <string.h>

#include "petls_features.h"
#include "petls_internal.h"
#include "session_cache.h"
#include "util.h"

#define SESS_MAGIC "PSES"
#define SESS_VERSION 1
#define SESS_HDR_LEN 8
#define SESS_MAX (SESS_HDR_LEN + PB_SESSION_MAX)
/* Client cache key: host NUL port NUL servername, cut to the cache's key
 * size after hashing when longer. */

static void wrap(uint8_t *out, const uint8_t *sess, size_t len)
{
    memcpy(out, SESS_MAGIC, 4);
    out[4] = SESS_VERSION;
    out[5] = 0;
    out[6] = (uint8_t)(len >> 8);
    out[7] = (uint8_t)len;
    memcpy(out + SESS_HDR_LEN, sess, len);
}

/* Checks the engine header. 0, or -1 with why. */
static int check(const uint8_t *s, size_t len, const char **why)
{
    size_t blen;

    if (len < SESS_HDR_LEN || memcmp(s, SESS_MAGIC, 4) != 0) {
        *why = "not a petls session";
        return -1;
    }
    if (s[4] != SESS_VERSION || s[5] != 0) {
        *why = "unsupported session format version";
        return -1;
    }
    blen = ((size_t)s[6] << 8) | s[7];
    if (blen == 0 || blen > PB_SESSION_MAX || len != SESS_HDR_LEN + blen) {
        *why = "truncated or corrupt session";
        return -1;
    }
    return 0;
}

/* ---- Offering a session ---- */

int petls_set_session(struct petls *ctx, const uint8_t *session, size_t len)
{
    const char *why = NULL;
    uint8_t *copy;

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (!(ctx->flags & PETLS_CTX_CLIENT)) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "petls_set_session: not a client context");
        return -1;
    }
    if (session == NULL || len == 0) {
        petls_session_offer_free(ctx);
        return 0;
    }
    if (check(session, len, &why) != 0) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "petls_set_session: %s (%zu bytes)", why, len);
        return -1;
    }
    copy = petls_port_calloc(1, len);
    if (copy == NULL) {
        petls_set_error(ctx, "out of memory");
        return -1;
    }
    memcpy(copy, session, len);
    petls_session_offer_free(ctx);
    ctx->offer = copy;
    ctx->offer_len = len;
    return 0;
}

void petls_session_offer_free(struct petls *ctx)
{
    petls_free_secret(ctx->offer, ctx->offer_len);
    ctx->offer = NULL;
    ctx->offer_len = 0;
}

#if PETLS_WITH_SESSION_CACHE
/* The client cache of the config, made on first use. */
static struct petls_session_cache *client_cache(struct petls_config *c)
{
    struct petls_session_cache *cache;

    if (c->client_cache_entries == 0)
        return NULL;
    petls_port_mutex_lock(c->mutex);
    if (c->client_cache == NULL)
        c->client_cache = petls_session_cache_new(c->client_cache_entries, 0);
    cache = c->client_cache;
    petls_port_mutex_unlock(c->mutex);
    return cache;
}

/* host NUL port NUL servername; hashed when it does not fit a cache key. */
static size_t client_key(const struct petls *ctx,
                         uint8_t out[PETLS_CACHE_KEY_MAX])
{
    const char *parts[3];
    uint8_t buf[768];
    size_t len = 0, i, n;

    parts[0] = ctx->peer_host ? ctx->peer_host : "";
    parts[1] = ctx->peer_port ? ctx->peer_port : "";
    parts[2] = ctx->servername ? ctx->servername
                               : (ctx->verify_name ? ctx->verify_name : "");
    for (i = 0; i < 3; i++) {
        n = strlen(parts[i]);
        if (len + n + 1 > sizeof(buf))
            return 0;
        memcpy(buf + len, parts[i], n);
        len += n;
        buf[len++] = 0;
    }
    if (len <= PETLS_CACHE_KEY_MAX) {
        memcpy(out, buf, len);
        return len;
    }
    if (pb_sha256(buf, len, out) != 0)
        return 0;
    return 32;
}
#endif /* PETLS_WITH_SESSION_CACHE */

/* Takes a wrapped session found elsewhere (len bytes in a buffer of cap)
 * as this connection's offer (buf then belongs to ctx); 0, or -1 when it
 * is not a petls session. */
static int offer_tmp(struct petls *ctx, uint8_t *buf, size_t len, size_t cap,
                     struct pb_conn_params *p)
{
    const char *why;

    if (check(buf, len, &why) != 0)
        return -1;
    ctx->offer_tmp = buf;
    ctx->offer_tmp_len = cap;
    p->session = buf + SESS_HDR_LEN;
    p->session_len = len - SESS_HDR_LEN;
    return 0;
}

void petls_session_client_offer(struct petls *ctx, struct pb_conn_params *p)
{
    struct petls_config *c = ctx->config;
    uint8_t *buf;

    if (ctx->offer != NULL) {
        p->session = ctx->offer + SESS_HDR_LEN;
        p->session_len = ctx->offer_len - SESS_HDR_LEN;
        return;
    }
    if (c->session_fd >= 0) {
        char err[128];
        ssize_t n;

        buf = petls_port_calloc(1, SESS_MAX);
        if (buf == NULL)
            return; /* a full handshake costs more, but works */
        n = petls_port_fd_pread_all(c->session_fd, buf, SESS_MAX, err,
                                    sizeof(err));
        /* An empty, unreadable or foreign file means no session yet. */
        if (n > 0 && offer_tmp(ctx, buf, (size_t)n, SESS_MAX, p) == 0)
            return;
        petls_free_secret(buf, SESS_MAX);
    }
#if PETLS_WITH_SESSION_CACHE
    {
        struct petls_session_cache *cache = client_cache(c);
        uint8_t key[PETLS_CACHE_KEY_MAX];
        size_t key_len, len = 0;

        if (cache == NULL)
            return;
        key_len = client_key(ctx, key);
        /* The cache hands out a buffer of the session's own size. */
        if (key_len > 0 &&
            petls_session_cache_get_dup(cache, key, key_len, &buf, &len,
                                        petls_session_now()) == 1) {
            if (offer_tmp(ctx, buf, len, len, p) == 0)
                return;
            petls_free_secret(buf, len);
        }
    }
#endif
}

/* ---- New sessions ---- */

void petls_session_client_received(struct petls *ctx, const uint8_t *sess,
                                   size_t len)
{
    struct petls_config *c = ctx->config;
    size_t wlen = SESS_HDR_LEN + len;
    uint8_t *w;

    if (sess == NULL || len == 0 || len > PB_SESSION_MAX)
        return;
    w = petls_port_calloc(1, wlen);
    if (w == NULL)
        return;
    wrap(w, sess, len);
    petls_free_secret(ctx->session, ctx->session_len);
    ctx->session = w;
    ctx->session_len = wlen;

    if (c->session_fd >= 0) {
        char err[128];
        /* A session that cannot be written only costs a later full
         * handshake. */
        (void)petls_port_fd_replace(c->session_fd, w, wlen, err, sizeof(err));
    }
#if PETLS_WITH_SESSION_CACHE
    struct petls_session_cache *cache = client_cache(c);
    if (cache != NULL) {
        int64_t now = petls_session_now();
        int64_t life = c->session_lifetime > 0 ? c->session_lifetime
                                               : PETLS_SESSION_LIFETIME_DEFAULT;
        uint8_t key[PETLS_CACHE_KEY_MAX];
        size_t key_len = client_key(ctx, key);

        if (key_len > 0)
            (void)petls_session_cache_put(cache, key, key_len, w, wlen,
                                          now + life, now);
    }
#endif
    if (c->session_cb != NULL)
        c->session_cb(ctx, w, wlen, c->session_cb_arg);
}

ssize_t petls_conn_session(struct petls *ctx, uint8_t *buf, size_t len)
{
    if (ctx == NULL)
        return -1;
    if (ctx->session == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "no session received on this connection yet");
        return -1;
    }
    if (buf != NULL)
        memcpy(buf, ctx->session,
               len < ctx->session_len ? len : ctx->session_len);
    return (ssize_t)ctx->session_len;
}

void petls_session_client_free(struct petls *ctx)
{
    petls_free_secret(ctx->offer_tmp, ctx->offer_tmp_len);
    ctx->offer_tmp = NULL;
    ctx->offer_tmp_len = 0;
    petls_free_secret(ctx->session, ctx->session_len);
    ctx->session = NULL;
    ctx->session_len = 0;
    petls_port_free(ctx->peer_host);
    petls_port_free(ctx->peer_port);
    ctx->peer_host = NULL;
    ctx->peer_port = NULL;
}
