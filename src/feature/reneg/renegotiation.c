/*
 * TLS 1.2 renegotiation in the engine: Node's client-renegotiation limiter
 * (N per window, then ERR_TLS_SESSION_ATTACK), the config calls, and
 * petls_renegotiate().
 */
#include <stdio.h>
#include <string.h>

#include "feature.h"
#include "nego.h"
#include "petls_internal.h"

int petls_reneg_note(struct petls_reneg_limiter *l, uint64_t now_ms,
                     unsigned int limit, unsigned int window_s)
{
    /* As Node's onhandshakestart: a quiet gap longer than the window
     * starts counting afresh. last_ms is the initial handshake's start for
     * the first renegotiation (the engine sets it when the limiter is made)
     * or the previous renegotiation's. */
    if (now_ms - l->last_ms > (uint64_t)window_s * 1000u)
        l->count = 0;
    l->last_ms = now_ms;
    l->total++;
    if (++l->count > limit)
        return -1;
    return 0;
}

int petls_config_set_renegotiation(struct petls_config *config, int enable)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    config->nego.reneg_mode = enable ? 1 : -1;
    return 0;
}

int petls_config_set_reneg_limit(struct petls_config *config,
                                 unsigned int limit, unsigned int window_s)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (window_s == 0) {
        petls_config_set_error(config,
                               "renegotiation window must be at least 1 s");
        return -1;
    }
    config->nego.reneg_limit_set = 1;
    if (config->nego.reneg_mode == 0)
        config->nego.reneg_mode = 1;
    config->nego.reneg_limit = limit;
    config->nego.reneg_window_s = window_s;
    return 0;
}

int petls_config_set_reneg_cb(struct petls_config *config, petls_reneg_cb cb,
                              void *arg)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    config->nego.reneg_cb = cb;
    config->nego.reneg_cb_arg = arg;
    return 0;
}

/* The backend's client_reneg hook (owner is the context). */
int petls_nego_client_reneg(void *owner, char *err, size_t errlen)
{
    struct petls *ctx = owner;
    struct petls_nego_config *nc = &ctx->config->nego;
    unsigned int limit =
        nc->reneg_limit_set ? nc->reneg_limit : PETLS_RENEG_LIMIT_DEFAULT;
    unsigned int window =
        nc->reneg_limit_set ? nc->reneg_window_s : PETLS_RENEG_WINDOW_DEFAULT;
    struct petls_reneg_limiter *l = &ctx->nego.limiter;
    int refused;

    if (l->last_ms == 0)
        l->last_ms = ctx->hs_start_ms;
    refused = petls_reneg_note(l, petls_port_monotonic_ms(), limit, window);
    if (nc->reneg_cb != NULL)
        nc->reneg_cb(ctx, l->count, refused != 0, nc->reneg_cb_arg);
    if (refused == 0)
        return 0;
    snprintf(err, errlen,
             PETLS_ERR_TLS_SESSION_ATTACK ": TLS session renegotiation "
                                          "attack detected (more than %u "
                                          "renegotiations in %u s)",
             limit, window);
    return -1;
}

/* The backend's renegotiated hook: the peer's certificate and its
 * verification may be new (e.g. a client certificate asked for late). */
void petls_nego_renegotiated(void *owner)
{
    struct petls *ctx = owner;

    if (ctx->nego.reneg_verify_plus1 > 0)
        ctx->nego.reneg_verify_done_plus1 = ctx->nego.reneg_verify_plus1;
    ctx->cert_state = 0;
    memset(&ctx->cert, 0, sizeof(ctx->cert));
    petls_conn_compute_auth(ctx);
}

int petls_renegotiate(struct petls *ctx, int verify_client)
{
    char err[256];
    int rc;

    if (ctx == NULL || ctx->fatal)
        return -1;
    petls_err_clear(&ctx->err);
    if (ctx->conn == NULL || !ctx->hs_done) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "renegotiate: the handshake is not complete");
        return -1;
    }
    if (verify_client < -1 || verify_client > PETLS_VERIFY_CLIENT_REQUIRE) {
        petls_set_error(ctx,
                        "renegotiate: invalid client verification mode "
                        "%d",
                        verify_client);
        return -1;
    }
    err[0] = '\0';
    rc = pb_conn_renegotiate(ctx->conn, verify_client, err, sizeof(err));
    switch (rc) {
    case PB_OK:
        if ((ctx->flags & PETLS_CTX_SERVER_CONN) && verify_client >= 0)
            ctx->nego.reneg_verify_plus1 = verify_client + 1;
        return 0;
    case PB_WANT_READ:
        return PETLS_WANT_POLLIN;
    case PB_WANT_WRITE:
        return PETLS_WANT_POLLOUT;
    default:
        /* A refusal before anything was sent leaves the connection
         * usable; a failed handshake does not (the backend knows). */
        petls_set_error(ctx, "%s", err[0] ? err : "renegotiate failed");
        return -1;
    }
}

/* ---- Hooks (the feature table, core/features.c) ---- */

/* Clients follow a server's HelloRequest unless turned off; servers
 * renegotiate only when turned on (set_renegotiation(c, 1) or a reneg
 * limit), as libtls and nginx: client-initiated renegotiation costs the
 * server a handshake each. Without this feature both stay 0: a
 * renegotiation is never accepted. */
static void reneg_freeze(struct petls_config *c, struct pb_settings *s)
{
    (void)s;
    c->nego.pb.renegotiation = c->nego.reneg_mode >= 0;
    c->nego.pb.renegotiation_server = c->nego.reneg_mode > 0;
}

/* The mode that applies to the peer facts: the one a server's
 * petls_renegotiate() asked for once that renegotiation completed. */
static int reneg_verify_client(const struct petls *ctx, int mode)
{
    if (ctx->nego.reneg_verify_done_plus1 > 0)
        return ctx->nego.reneg_verify_done_plus1 - 1;
    return mode;
}

/* petls_conn_disable_renegotiation() before the connection started. */
static int reneg_conn_params(struct petls *ctx, struct pb_conn_params *p,
                             struct petls_conn_scratch *scratch)
{
    (void)p; /* p->nego is ctx->nego.pb (nego.c) */
    (void)scratch;
    ctx->nego.pb.renegotiation_off = ctx->nego.reneg_off;
    return 0;
}

static void reneg_conn_free(struct petls *ctx)
{
    ctx->nego.reneg_off = 0;
    memset(&ctx->nego.limiter, 0, sizeof(ctx->nego.limiter));
}

const struct petls_feature petls_feature_reneg = {
    .name = "reneg",
    .freeze = reneg_freeze,
    .conn_params = reneg_conn_params,
    .verify_client = reneg_verify_client,
    .conn_free = reneg_conn_free,
};

int petls_conn_renegotiations(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL)
        return 0;
    return (int)pb_conn_renegotiations(ctx->conn);
}

int petls_conn_disable_renegotiation(struct petls *ctx)
{
    char err[128];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    ctx->nego.reneg_off = 1;
    if (ctx->conn != NULL &&
        pb_conn_disable_renegotiation(ctx->conn, err, sizeof(err)) != 0) {
        petls_set_error(ctx, "%s", err);
        return -1;
    }
    return 0;
}
