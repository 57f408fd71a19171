/*
 * PETLS_WITH_ALPN=OFF: no ALPN extension is sent or answered. The ALPN
 * calls fail and no protocol is ever selected. Replaces alpn.c and
 * alpn_list.c.
 */
#include "petls_features.h"
#include "nego.h"
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

/* ---- Engine hooks: the list stays empty, there is no callback ---- */

void petls_alpn_list_free(struct petls_alpn_list *l)
{
    (void)l;
}

void petls_nego_client_hello(struct petls *ctx,
                             const struct petls_client_hello *ch)
{
    (void)ctx;
    (void)ch;
}
