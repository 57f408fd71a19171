/*
 * mbedTLS 3.6 configuration for petls on bare-metal Cortex-M4
 * (PETLS_PORT=none): TLS 1.2 and 1.3 with ECDHE-ECDSA on P-256 and AES-GCM,
 * session tickets, X.509 certificates in PEM or DER. Small, but interoperable
 * with any current TLS peer that offers P-256.
 *
 * The platform has no file system, no sockets, no threads and no OS clock or
 * entropy; the application registers them with the port (port/none/
 * petls_port_none.h) and the mbedTLS backend plugs them in:
 *   - MBEDTLS_ENTROPY_HARDWARE_ALT: mbedtls_hardware_poll() (defined by the
 *     backend on top of petls_port_entropy()) is the entropy source of both
 *     the legacy entropy module and PSA.
 *   - MBEDTLS_PLATFORM_TIME_ALT: the backend calls mbedtls_platform_set_time()
 *     with a function over petls_port_unix_time().
 *   - MBEDTLS_PLATFORM_MS_TIME_ALT: mbedtls_ms_time() (defined by the
 *     backend on top of petls_port_monotonic_ms()) ages TLS 1.3 tickets.
 */
#ifndef PETLS_MBEDTLS_CORTEX_M_H
#define PETLS_MBEDTLS_CORTEX_M_H

/* ---- System support: nothing from an OS ---- */
#define MBEDTLS_HAVE_ASM /* Thumb-2 bignum multiply */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE /* certificate validity (newlib gmtime) */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
/* Not here on purpose: MBEDTLS_FS_IO, MBEDTLS_NET_C, MBEDTLS_TIMING_C,
 * MBEDTLS_THREADING_C. */

/* ---- Crypto: AES-GCM, SHA-256/384, ECDSA and ECDH on P-256 ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* tables in flash, not RAM */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA224_C /* required alongside SHA-256 by the PSA glue */
#define MBEDTLS_SHA384_C /* TLS_AES_256_GCM_SHA384, SHA-384 signatures */
#define MBEDTLS_SHA512_C
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
#define MBEDTLS_PK_WRITE_C /* PSA key import of the private key */

/* ---- Encodings and X.509 ---- */
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

/* ---- TLS 1.2 + 1.3, ECDHE-ECDSA only ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* required by TLS 1.3 */
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH

/* ---- Footprint ---- */
/* 16 KiB records in and out would need 2 x 16 KiB per connection; peers
 * that negotiate max_fragment_length or record_size_limit can go lower, but
 * inbound must still accept full records from peers that do not. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#define MBEDTLS_MPI_MAX_SIZE 48 /* P-256/P-384 only, no RSA */
#define MBEDTLS_MPI_WINDOW_SIZE 2
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_PSA_KEY_SLOT_COUNT 16

/* No MBEDTLS_ERROR_C: mbedtls_strerror() would pull in every message string.
 * The dummy keeps mbedtls_strerror() linkable; it prints the numeric code. */
#define MBEDTLS_ERROR_STRERROR_DUMMY

#endif /* PETLS_MBEDTLS_CORTEX_M_H */
