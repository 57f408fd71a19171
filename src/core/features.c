/*
 * The feature table and the backend callbacks of the features compiled in:
 * the one place that reads PETLS_WITH_* to decide which features exist
 * (feature.h says what each hook is for). To add a feature: its struct
 * petls_feature in its folder, one line below (and its backend callbacks,
 * if it has some, in the hook structs).
 */
#include <string.h>

#include "feature.h"
#include "nego.h"
#include "petls_features.h"
#include "petls_internal.h"
#include "session_server.h"
#include "sni.h"

/* In the order the hooks run: SNI first, so that the host context it
 * chooses is known to the hooks after it (the client verification mode,
 * the session context). */
static const struct petls_feature *const table[] = {
#if PETLS_WITH_SNI
    &petls_feature_sni,
#endif
#if PETLS_WITH_PSK
    &petls_feature_psk,
#endif
#if PETLS_WITH_ALPN
    &petls_feature_alpn,
#endif
#if PETLS_WITH_RENEG_LIMITS
    &petls_feature_reneg,
#endif
#if PETLS_WITH_TICKETS
    &petls_feature_tickets,
#endif
#if PETLS_WITH_SESSION_CACHE
    &petls_feature_session_cache,
#endif
#if PETLS_WITH_SERVER_SESSIONS
    &petls_feature_server_sessions,
#endif
#if PETLS_WITH_PREPARSE
    &petls_feature_accept,
#endif
    NULL, /* the end (and what keeps the array non-empty) */
};

/* The backend's negotiation callbacks (pb_conn_params.nego->hooks). */
const struct pb_nego_hooks petls_nego_hooks = {
#if PETLS_WITH_KEYLOG
    .keylog = petls_nego_keylog,
#endif
#if PETLS_WITH_RENEG_LIMITS
    .client_reneg = petls_nego_client_reneg,
    .renegotiated = petls_nego_renegotiated,
#endif
};

static void client_session(void *owner, const uint8_t *sess, size_t len)
{
    petls_session_client_received(owner, sess, len);
}

/* The backend's session callbacks (pb_settings.session_hooks): a server
 * without resumption compiled in answers none of them. */
const struct pb_session_hooks petls_session_hooks = {
#if PETLS_WITH_SERVER_SESSIONS
    .ticket_make = petls_server_ticket_make,
    .ticket_open = petls_server_ticket_open,
    .cache_put = petls_server_cache_put,
    .cache_get = petls_server_cache_get,
    .psk_ke_offered = petls_server_psk_ke_offered,
    .hello_sni = petls_server_hello_sni,
#endif
    .client_session = client_session,
};

/* A server's virtual-host and PSK callbacks (pb_conn_params.vhost). */
const struct pb_vhost_hooks petls_vhost_hooks = {
#if PETLS_WITH_SNI
    .sni_select = petls_sni_select,
#endif
#if PETLS_WITH_PSK
    .psk_lookup = petls_psk_lookup,
#endif
};

int petls_features_config_init(struct petls_config *c)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->config_init != NULL && (*f)->config_init(c) != 0)
            return -1;
    }
    return 0;
}

int petls_features_server_prepare(struct petls_config *c, char *err,
                                  size_t errlen)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->server_prepare != NULL &&
            (*f)->server_prepare(c, err, errlen) != 0)
            return -1;
    }
    return 0;
}

int petls_features_accept(struct petls *conn)
{
    const struct petls_feature *const *f;
    int rc;

    for (f = table; *f != NULL; f++) {
        if ((*f)->accept != NULL && (rc = (*f)->accept(conn)) != 0)
            return rc;
    }
    return 0;
}

int petls_features_pre_handshake(struct petls *ctx, char *err, size_t errlen)
{
    const struct petls_feature *const *f;
    int rc;

    for (f = table; *f != NULL; f++) {
        if ((*f)->pre_handshake != NULL &&
            (rc = (*f)->pre_handshake(ctx, err, errlen)) != 0)
            return rc;
    }
    if (ctx->conn == NULL && petls_conn_start(ctx) != 0) {
        petls_session_errmsg(err, errlen, ctx->err.msg);
        return PB_ERR;
    }
    return 0;
}

size_t petls_features_read_ahead(struct petls *ctx, unsigned char *buf,
                                 size_t len)
{
    const struct petls_feature *const *f;
    size_t n;

    for (f = table; *f != NULL; f++) {
        if ((*f)->read_ahead != NULL &&
            (n = (*f)->read_ahead(ctx, buf, len)) > 0)
            return n;
    }
    return 0;
}

void petls_features_handshake_done(struct petls *ctx)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->handshake_done != NULL)
            (*f)->handshake_done(ctx);
    }
}

void petls_features_config_free(struct petls_config *c)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->config_free != NULL)
            (*f)->config_free(c);
    }
}

void petls_features_freeze(struct petls_config *c, struct pb_settings *s)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->freeze != NULL)
            (*f)->freeze(c, s);
    }
}

int petls_features_wants_preparse(const struct petls_config *c)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->wants_preparse != NULL && (*f)->wants_preparse(c))
            return 1;
    }
    return 0;
}

unsigned int petls_features_serve(const struct petls_config *c)
{
    const struct petls_feature *const *f;
    unsigned int how = 0;

    for (f = table; *f != NULL; f++) {
        if ((*f)->serves != NULL)
            how |= (*f)->serves(c);
    }
    return how;
}

int petls_features_conn_params(struct petls *ctx, struct pb_conn_params *p,
                               struct petls_conn_scratch *scratch)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->conn_params != NULL &&
            (*f)->conn_params(ctx, p, scratch) != 0)
            return -1;
    }
    return 0;
}

int petls_features_client_hello(struct petls *ctx,
                                const struct petls_client_hello *ch)
{
    const struct petls_feature *const *f;
    int want = 0, rc;

    for (f = table; *f != NULL; f++) {
        if ((*f)->client_hello == NULL)
            continue;
        rc = (*f)->client_hello(ctx, ch);
        if (want == 0 && rc != 0 && rc != -1)
            want = rc;
    }
    return want;
}

size_t petls_features_session_context(const struct petls *ctx,
                                      const uint8_t *base, size_t base_len,
                                      uint8_t *out, size_t cap)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->session_context != NULL)
            return (*f)->session_context(ctx, base, base_len, out, cap);
    }
    if (base_len > cap)
        base_len = cap;
    if (base_len > 0)
        memcpy(out, base, base_len);
    return base_len;
}

int petls_features_verify_client(const struct petls *ctx)
{
    const struct petls_feature *const *f;
    int mode = ctx->config->verify_client;

    for (f = table; *f != NULL; f++) {
        if ((*f)->verify_client != NULL)
            mode = (*f)->verify_client(ctx, mode);
    }
    return mode;
}

void petls_features_conn_free(struct petls *ctx)
{
    const struct petls_feature *const *f;

    for (f = table; *f != NULL; f++) {
        if ((*f)->conn_free != NULL)
            (*f)->conn_free(ctx);
    }
}
