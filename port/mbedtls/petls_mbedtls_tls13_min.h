/*
 * mbedTLS 3.6 configuration: the smallest petls build that still talks to
 * current TLS peers. TLS 1.3 only, client and server, ECDHE on P-256
 * (secp256r1), ECDSA P-256 certificates, TLS_AES_128_GCM_SHA256, session
 * tickets (psk_dhe_ke resumption), SNI and ALPN. Bare metal: clock and
 * entropy from the port (see petls_mbedtls_cortex_m.h for the hooks),
 * allocation through the port (petls_mbedtls_heap.h, the no-malloc mode).
 *
 * Records: 4 KiB in and out (MBEDTLS_SSL_IN/OUT_CONTENT_LEN). A TLS 1.3
 * peer may still send 16 KiB records unless it honours record_size_limit
 * (RFC 8449; mbedTLS 3.6 sends it only with
 * MBEDTLS_SSL_RECORD_SIZE_LIMIT, which it supports for TLS 1.3 only, and
 * a peer that ignores it will have its large records rejected with
 * record_overflow). max_fragment_length (RFC 6066) is the TLS 1.2-era
 * equivalent that the client asks for; many servers ignore it. So 4 KiB
 * inbound is safe between petls peers (the firmware image) and peers
 * known to honour the limit; docs/footprint.md has the trade-off.
 *
 * Used by tests/firmware (QEMU mps2-an386 image) and scripts/footprint.sh.
 */
#ifndef PETLS_MBEDTLS_TLS13_MIN_H
#define PETLS_MBEDTLS_TLS13_MIN_H

#include "petls_mbedtls_heap.h"

/* ---- System support: nothing from an OS ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

/* ---- Crypto: AES-128-GCM, SHA-256, ECDSA/ECDH P-256 ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
/* Not MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH: petls seals tickets and cached
 * sessions with AES-256-GCM. */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C /* the SHA-256 module is shared with SHA-224 */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_HKDF_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C /* deterministic ECDSA */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C /* PSA import of the private key */

/* ---- Encodings and X.509 (PEM for convenience; DER-only builds can drop
 * PEM and BASE64) ---- */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* ---- PSA (TLS 1.3 runs on it) ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO

/* ---- TLS 1.3 only ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_RECORD_SIZE_LIMIT

/* ---- Footprint ---- */
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#define MBEDTLS_SSL_MAX_EARLY_DATA_SIZE 0
#define MBEDTLS_MPI_MAX_SIZE 32 /* P-256 only */
#define MBEDTLS_MPI_WINDOW_SIZE 1
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_PSA_KEY_SLOT_COUNT 16 /* two connections in one image */
#define MBEDTLS_SSL_CID_IN_LEN_MAX 0
#define MBEDTLS_SSL_CID_OUT_LEN_MAX 0
#define MBEDTLS_ERROR_STRERROR_DUMMY

#endif /* PETLS_MBEDTLS_TLS13_MIN_H */
