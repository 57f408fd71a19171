/*
 * PETLS_WITH_PSK=OFF: no external pre-shared keys. The PSK calls fail,
 * every handshake authenticates with certificates. Replaces psk.c.
 */
#include <string.h>

#include "petls_features.h"
#include "petls_internal.h"
#include "psk.h"
#include "util.h"

#define PSK_OFF PETLS_FEATURE_OFF_MSG("PSK", "PETLS_WITH_PSK")

static int config_off(struct petls_config *config)
{
    if (config != NULL)
        petls_config_set_error(config, PSK_OFF);
    return -1;
}

int petls_config_add_psk(struct petls_config *config, const char *identity,
                         const uint8_t *key, size_t len)
{
    (void)identity;
    (void)key;
    (void)len;
    return config_off(config);
}

int petls_config_set_psk_server_cb(struct petls_config *config,
                                   petls_psk_server_cb cb, void *arg)
{
    (void)cb;
    (void)arg;
    return config_off(config);
}

int petls_config_set_psk_client_cb(struct petls_config *config,
                                   petls_psk_client_cb cb, void *arg)
{
    (void)cb;
    (void)arg;
    return config_off(config);
}

int petls_config_set_psk_identity_hint(struct petls_config *config,
                                       const char *hint)
{
    (void)hint;
    return config_off(config);
}

/* No PSK handshake can happen: there is never an identity to report. */
const char *petls_conn_psk_identity(struct petls *ctx)
{
    (void)ctx;
    return NULL;
}

/* ---- Engine hooks ---- */

void petls_psk_config_free(struct petls_config *config)
{
    (void)config;
}

int petls_psk_enabled(const struct petls_config *config)
{
    (void)config;
    return 0;
}

int petls_psk_server_capable(const struct petls_config *config)
{
    (void)config;
    return 0;
}

void petls_psk_scratch_clear(struct petls_psk_scratch *scratch)
{
    petls_explicit_bzero(scratch, sizeof(*scratch));
}

int petls_psk_conn_params(struct petls *conn, struct pb_conn_params *p,
                          struct petls_psk_scratch *scratch)
{
    (void)scratch;
    /* A server still hands the backend its SNI hook (sni.c). */
    if (p->is_server) {
        p->vhost = &petls_vhost_hooks;
        p->owner = conn;
    }
    return 0;
}

int petls_psk_lookup(void *owner, const uint8_t *identity, size_t id_len,
                     uint8_t *key, size_t cap, size_t *key_len)
{
    (void)owner;
    (void)identity;
    (void)id_len;
    (void)key;
    (void)cap;
    (void)key_len;
    return -1;
}
