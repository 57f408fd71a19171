/*
 * Secrets for the NSS key log (PETLS_WITH_KEYLOG), from mbedTLS's
 * per-context export-keys callback (mbedtls_nego.c, which also counts
 * TLS 1.2 key derivations for renegotiation).
 */
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"

static const char *label_of(mbedtls_ssl_key_export_type type)
{
    switch (type) {
    case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
        return "CLIENT_RANDOM";
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET:
        return "CLIENT_EARLY_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
        return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
        return "CLIENT_TRAFFIC_SECRET_0";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
        return "SERVER_TRAFFIC_SECRET_0";
#endif
    default:
        return NULL; /* e.g. the early exporter secret: not an NSS label */
    }
}

void pb_mbedtls_keylog(const struct pb_conn *c,
                       mbedtls_ssl_key_export_type type,
                       const unsigned char *secret, size_t secret_len,
                       const unsigned char client_random[32])
{
    const char *label;

    if (c->nego.hooks == NULL || c->nego.hooks->keylog == NULL) {
        return;
    }
    label = label_of(type);
    if (label == NULL) {
        return;
    }
    c->nego.hooks->keylog(c->nego.owner, label, client_random, secret,
                          secret_len);
}
