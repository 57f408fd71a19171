/*
 * PETLS_WITH_PSK=OFF: no external pre-shared keys. The PSK calls fail,
 * every handshake authenticates with certificates. Replaces psk.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define PSK_OFF PETLS_FEATURE_OFF_MSG("PSK", "PETLS_WITH_PSK")

int petls_config_add_psk(struct petls_config *config, const char *identity,
                         const uint8_t *key, size_t len)
{
    (void)identity;
    (void)key;
    (void)len;
    return petls_config_feature_off(config, PSK_OFF);
}

int petls_config_set_psk_server_cb(struct petls_config *config,
                                   petls_psk_server_cb cb, void *arg)
{
    (void)cb;
    (void)arg;
    return petls_config_feature_off(config, PSK_OFF);
}

int petls_config_set_psk_client_cb(struct petls_config *config,
                                   petls_psk_client_cb cb, void *arg)
{
    (void)cb;
    (void)arg;
    return petls_config_feature_off(config, PSK_OFF);
}

int petls_config_set_psk_identity_hint(struct petls_config *config,
                                       const char *hint)
{
    (void)hint;
    return petls_config_feature_off(config, PSK_OFF);
}

/* No PSK handshake can happen: there is never an identity to report. */
const char *petls_conn_psk_identity(struct petls *ctx)
{
    (void)ctx;
    return NULL;
}
