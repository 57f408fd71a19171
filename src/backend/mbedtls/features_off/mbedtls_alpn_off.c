/*
 * PETLS_WITH_ALPN=OFF (cmake/PetlsFeatures.cmake): the engine never hands
 * the backend a protocol list or a choice, so no ALPN extension is sent or
 * answered. Replaces mbedtls_alpn.c.
 */
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"

int pb_mbedtls_alpn_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                         const struct pb_nego_settings *n, char *err,
                         size_t errlen)
{
    (void)cfg;
    (void)conf;
    (void)n;
    (void)err;
    (void)errlen;
    return 0;
}

int pb_mbedtls_alpn_conn(struct pb_conn *c, const mbedtls_ssl_config *conf,
                         const struct pb_nego_params *np, char *err,
                         size_t errlen)
{
    (void)c;
    (void)conf;
    (void)np;
    (void)err;
    (void)errlen;
    return 0;
}

const char *pb_conn_alpn(const struct pb_conn *c)
{
    (void)c;
    return NULL;
}
