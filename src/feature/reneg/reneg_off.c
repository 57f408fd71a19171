/*
 * PETLS_WITH_RENEG_LIMITS=OFF: TLS 1.2 renegotiation is refused in both
 * directions (nego.c tells the backend so), which needs no limiter. The
 * renegotiation calls fail, except petls_config_set_renegotiation(c, 0),
 * which asks for what the build does anyway. Replaces renegotiation.c.
 */
#include <stdio.h>

#include "petls_features.h"
#include "nego.h"
#include "petls_internal.h"

#define RENEG_OFF                                                              \
    PETLS_FEATURE_OFF_MSG("renegotiation", "PETLS_WITH_RENEG_LIMITS")

static int config_off(struct petls_config *config)
{
    if (config != NULL)
        petls_config_set_error(config, RENEG_OFF);
    return -1;
}

int petls_config_set_renegotiation(struct petls_config *config, int enable)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (enable)
        return config_off(config);
    return 0;
}

int petls_config_set_reneg_limit(struct petls_config *config,
                                 unsigned int limit, unsigned int window_s)
{
    (void)limit;
    (void)window_s;
    return config_off(config);
}

int petls_config_set_reneg_cb(struct petls_config *config, petls_reneg_cb cb,
                              void *arg)
{
    (void)cb;
    (void)arg;
    return config_off(config);
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

/* ---- Engine hooks ---- */

/* The backend refuses renegotiation already; this answers the same if it
 * asks anyway. */
int petls_nego_client_reneg(void *owner, char *err, size_t errlen)
{
    (void)owner;
    snprintf(err, errlen, "%s", RENEG_OFF);
    return -1;
}

void petls_nego_renegotiated(void *owner)
{
    (void)owner;
}

int petls_nego_verify_client(const struct petls *ctx, int configured)
{
    (void)ctx;
    return configured;
}
