/*
 * mbedTLS 3.6 configuration: a TLS 1.2 PSK-only build for the smallest
 * devices (no certificates, no public-key crypto, no X.509, no PSA):
 * TLS_PSK_WITH_AES_128_CCM_8 and TLS_PSK_WITH_AES_128_CCM (RFC 6655), client
 * and server. Keys come from petls_config_add_psk() (issue 4's PSK API).
 * Bare metal: clock and entropy from the port, allocation through the port
 * (petls_mbedtls_heap.h).
 *
 * Records: 2 KiB in and out. TLS 1.2 has no record_size_limit in mbedTLS
 * 3.6; the client asks for max_fragment_length 2048 (RFC 6066), which a PSK
 * server built with this config honours. Against peers that do not, raise
 * MBEDTLS_SSL_IN_CONTENT_LEN to 16384.
 *
 * Built by scripts/footprint.sh (compiled and sized); its runtime test needs
 * a TLS 1.2 PSK handshake in the firmware image, which is not there yet.
 */
#ifndef PETLS_MBEDTLS_PSK12_MIN_H
#define PETLS_MBEDTLS_PSK12_MIN_H

#include "petls_mbedtls_heap.h"

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_CCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_C

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_CIPHERSUITES                                               \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_128_CCM

#define MBEDTLS_SSL_IN_CONTENT_LEN 2048
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_ERROR_STRERROR_DUMMY

#endif /* PETLS_MBEDTLS_PSK12_MIN_H */
