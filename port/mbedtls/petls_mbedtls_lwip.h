/*
 * mbedTLS 3.6 configuration for the lwIP example firmware
 * (examples/firmware/, port/lwip/): the Cortex-M config
 * (petls_mbedtls_cortex_m.h: TLS 1.2 and 1.3, ECDHE-ECDSA on P-256, AES-GCM,
 * tickets) plus TLS 1.2 external PSKs with forward secrecy (ECDHE-PSK, whose
 * suites are AES-CBC-SHA256), so that the example serves `openssl s_client
 * -psk` in both versions. TLS 1.3 PSKs come with the base config
 * (psk_dhe_ke).
 */
#ifndef PETLS_MBEDTLS_LWIP_H
#define PETLS_MBEDTLS_LWIP_H

#include "petls_mbedtls_cortex_m.h"

#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_CIPHER_MODE_CBC /* TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 */

#endif /* PETLS_MBEDTLS_LWIP_H */
