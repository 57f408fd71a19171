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

/* A server's virtual-host and PSK callbacks (pb_conn_params.vhost). */
const struct pb_vhost_hooks petls_vhost_hooks = {
#if PETLS_WITH_SNI
    .sni_select = petls_sni_select,
#endif
#if PETLS_WITH_PSK
    .psk_lookup = petls_psk_lookup,
#endif
};

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
