/*
 * PETLS_WITH_SNI=OFF: no virtual hosts. The SNI calls fail; a server
 * connection always uses its own config, and the name a client sent is
 * still reported by petls_conn_servername(). Replaces sni.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define SNI_OFF PETLS_FEATURE_OFF_MSG("SNI", "PETLS_WITH_SNI")

int petls_config_add_sni_context(struct petls_config *config, const char *name,
                                 struct petls_config *host_config)
{
    (void)name;
    (void)host_config;
    return petls_config_feature_off(config, SNI_OFF);
}

int petls_config_set_strict_sni(struct petls_config *config, int strict)
{
    (void)strict;
    return petls_config_feature_off(config, SNI_OFF);
}

int petls_config_set_sni_cb(struct petls_config *config, petls_sni_cb cb,
                            void *arg)
{
    (void)cb;
    (void)arg;
    return petls_config_feature_off(config, SNI_OFF);
}

int petls_sni_answer(struct petls *conn, int result,
                     struct petls_config *host_config)
{
    (void)result;
    (void)host_config;
    if (conn != NULL)
        petls_set_error(conn, SNI_OFF);
    return -1;
}
