/*
 * mbedTLS 3.6 configuration: a TLS 1.2 PSK-only build for the smallest
 * devices (no certificates, no public-key crypto, no X.509, no PSA, no
 * (EC)DH): TLS_PSK_WITH_AES_128_CCM and TLS_PSK_WITH_AES_128_CCM_8 (RFC
 * 6655), client and server. Keys come from petls_config_add_psk() or the
 * PSK callbacks (issue 4's PSK API). Bare metal: clock and entropy from
 * the port, allocation through the port (petls_mbedtls_heap.h).
 *
 * What petls does on it (docs/porting.md, "psk12_min: PSK only"):
 *   - every config needs a PSK: petls_configure() fails with "this mbed TLS
 *     build has no X.509 support: a connection needs a PSK ...";
 *   - certificate functions fail with "this mbed TLS build has no X.509
 *     support: ..." (keypairs, CA, CRL), and so does a server asking for
 *     client certificates (petls_config_verify_client*), at configure time;
 *   - the default cipher list gives PSK-AES128-CCM; CCM_8 (64-bit tag)
 *     only when a cipher list names it (on both sides: the server picks
 *     from its own list);
 *   - resumption by session ID (the server's session cache; no tickets:
 *     MBEDTLS_SSL_SESSION_TICKETS is off);
 *   - no SNI (mbedTLS has no server_name extension without X.509): the
 *     identity selects the key. The client still takes a server name
 *     (default verification), which is neither sent nor checked.
 *
 * Records: 2 KiB in and out. TLS 1.2 has no record_size_limit in mbedTLS
 * 3.6: a client on this config should ask for max_fragment_length 2048
 * (petls_config_set_max_fragment_length, RFC 6066), which a server built
 * with this config honours. Against peers that ignore it, raise
 * MBEDTLS_SSL_IN_CONTENT_LEN to 16384.
 *
 * MBEDTLS_SSL_ALL_ALERT_MESSAGES is off (flash): petls sends the
 * bad_record_mac alert itself when a handshake record does not decrypt
 * (a wrong PSK), so the peer fails at once instead of timing out.
 *
 * Tested by tests/run/firmware.sh with PETLS_FW_CONFIG=psk12_min (the
 * firmware image under QEMU runs tests/firmware/psk12.c; test.sh's
 * firmware step) and sized by scripts/footprint.sh.
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
