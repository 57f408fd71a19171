/*
 * Keying-material exporter on mbedTLS: RFC 5705 for TLS 1.2, RFC 8446 7.5
 * for TLS 1.3 (Node's exportKeyingMaterial).
 */
#include <string.h>

#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"

int pb_conn_export_keying_material(struct pb_conn *c, uint8_t *out, size_t len,
                                   const char *label, size_t label_len,
                                   const uint8_t *context, size_t context_len,
                                   char *err, size_t errlen)
{
#if defined(MBEDTLS_SSL_KEYING_MATERIAL_EXPORT)
    int ret;

    if (!c->handshake_done || c->failed != 0 ||
        !mbedtls_ssl_is_handshake_over(&c->ssl)) {
        pb_mbedtls_msg(err, errlen,
                       "export keying material: no completed handshake");
        return PB_ERR;
    }
    if (len == 0 || len > PB_EXPORT_MAX_LEN) {
        pb_mbedtls_msg(err, errlen,
                       "export keying material: length must be 1 to %u bytes",
                       (unsigned)PB_EXPORT_MAX_LEN);
        return PB_ERR;
    }
    ret = mbedtls_ssl_export_keying_material(
        &c->ssl, out, len, label, label_len, context,
        context != NULL ? context_len : 0, context != NULL);
    if (ret != 0) {
        memset(out, 0, len);
        pb_mbedtls_err(err, errlen, ret, "export keying material failed");
        return PB_ERR;
    }
    return 0;
#else
    (void)c;
    (void)out;
    (void)len;
    (void)label;
    (void)label_len;
    (void)context;
    (void)context_len;
    pb_mbedtls_msg(err, errlen,
                   "export keying material: not supported by this mbed TLS "
                   "build (MBEDTLS_SSL_KEYING_MATERIAL_EXPORT)");
    return PB_ERR;
#endif
}
