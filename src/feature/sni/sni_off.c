/*
 * PETLS_WITH_SNI=OFF: no virtual hosts. The SNI calls fail; a server
 * connection always uses its own config, and the name a client sent is
 * still reported by petls_conn_servername(). Replaces sni.c.
 */
#include <string.h>

#include "petls_features.h"
#include "petls_internal.h"
#include "psk.h"

#define SNI_OFF PETLS_FEATURE_OFF_MSG("SNI", "PETLS_WITH_SNI")

static int config_off(struct petls_config *config)
{
    if (config != NULL)
        petls_config_set_error(config, SNI_OFF);
    return -1;
}

int petls_config_add_sni_context(struct petls_config *config, const char *name,
                                 struct petls_config *host_config)
{
    (void)name;
    (void)host_config;
    return config_off(config);
}

int petls_config_set_strict_sni(struct petls_config *config, int strict)
{
    (void)strict;
    return config_off(config);
}

int petls_config_set_sni_cb(struct petls_config *config, petls_sni_cb cb,
                            void *arg)
{
    (void)cb;
    (void)arg;
    return config_off(config);
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

/* ---- Engine hooks: no host is ever chosen ---- */

void petls_sni_config_free(struct petls_config *config)
{
    (void)config;
}

void petls_sni_conn_clear(struct petls *conn)
{
    memset(&conn->sni, 0, sizeof(conn->sni));
}

int petls_sni_client_hello(struct petls *conn, const uint8_t *sni,
                           size_t sni_len)
{
    (void)conn;
    (void)sni;
    (void)sni_len;
    return 0;
}

size_t petls_sni_session_context(const struct petls *conn, const uint8_t *base,
                                 size_t base_len, uint8_t *out, size_t cap)
{
    (void)conn;
    if (base_len > cap)
        base_len = cap;
    if (base_len > 0)
        memcpy(out, base, base_len);
    return base_len;
}

int petls_sni_wants_preparse(const struct petls_config *config)
{
    (void)config;
    return 0;
}

int petls_sni_serves(const struct petls_config *config)
{
    (void)config;
    return 0;
}

int petls_sni_verify_client(const struct petls *conn)
{
    return conn->config->verify_client;
}

/* The backend asks only for the PSK lookup (psk.c or psk_off.c). */
const struct pb_vhost_hooks petls_vhost_hooks = {
    NULL,
    petls_psk_lookup,
};
