/*
 * PETLS_WITH_ALPN=OFF: no ALPN extension is sent or answered (the feature
 * is absent from the feature table, core/features.c). The ALPN calls fail
 * and no protocol is ever selected. Replaces alpn.c and alpn_list.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define ALPN_OFF PETLS_FEATURE_OFF_MSG("ALPN", "PETLS_WITH_ALPN")

int petls_config_set_alpn(struct petls_config *config, const char *alpn)
{
    (void)alpn;
    if (config != NULL)
        petls_config_set_error(config, ALPN_OFF);
    return -1;
}

int petls_config_set_alpn_cb(struct petls_config *config, petls_alpn_cb cb,
                             void *arg)
{
    (void)cb;
    (void)arg;
    if (config != NULL)
        petls_config_set_error(config, ALPN_OFF);
    return -1;
}

/* No protocol is ever negotiated: NULL, as for a peer without ALPN. */
const char *petls_conn_alpn_selected(struct petls *ctx)
{
    (void)ctx;
    return NULL;
}
