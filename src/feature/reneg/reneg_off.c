/*
 * PETLS_WITH_RENEG_LIMITS=OFF: TLS 1.2 renegotiation is refused in both
 * directions (the feature is absent from the table, core/features.c, so
 * the backend settings keep it off), which needs no limiter. The
 * renegotiation calls fail, except petls_config_set_renegotiation(c, 0),
 * which asks for what the build does anyway. Replaces renegotiation.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define RENEG_OFF                                                              \
    PETLS_FEATURE_OFF_MSG("renegotiation", "PETLS_WITH_RENEG_LIMITS")

int petls_config_set_renegotiation(struct petls_config *config, int enable)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (enable)
        return petls_config_feature_off(config, RENEG_OFF);
    return 0;
}

int petls_config_set_reneg_limit(struct petls_config *config,
                                 unsigned int limit, unsigned int window_s)
{
    (void)limit;
    (void)window_s;
    return petls_config_feature_off(config, RENEG_OFF);
}

int petls_config_set_reneg_cb(struct petls_config *config, petls_reneg_cb cb,
                              void *arg)
{
    (void)cb;
    (void)arg;
    return petls_config_feature_off(config, RENEG_OFF);
}

int petls_renegotiate(struct petls *ctx, int verify_client)
{
    (void)verify_client;
    if (ctx == NULL)
        return -1;
    petls_set_error(ctx, RENEG_OFF);
    return -1;
}

/* No renegotiation is ever accepted. */
int petls_conn_renegotiations(struct petls *ctx)
{
    (void)ctx;
    return 0;
}

/* Renegotiation is refused on every connection already: nothing to do,
 * as set_renegotiation(c, 0) above. */
int petls_conn_disable_renegotiation(struct petls *ctx)
{
    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    return 0;
}
