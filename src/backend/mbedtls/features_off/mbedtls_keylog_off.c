/*
 * PETLS_WITH_KEYLOG=OFF (cmake/PetlsFeatures.cmake): mbedTLS's export-keys
 * callback only counts TLS 1.2 key derivations (renegotiations,
 * mbedtls_reneg.c); no secret goes anywhere. Replaces mbedtls_keylog.c.
 */
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"

void pb_mbedtls_export_keys_cb(void *p, mbedtls_ssl_key_export_type type,
                               const unsigned char *secret, size_t secret_len,
                               const unsigned char client_random[32],
                               const unsigned char server_random[32],
                               mbedtls_tls_prf_types tls_prf_type)
{
    struct pb_conn *c = p;

    (void)secret;
    (void)secret_len;
    (void)client_random;
    (void)server_random;
    (void)tls_prf_type;
    if (type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET) {
        c->nego.tls12_keys++;
    }
}
