/*
 * mbedTLS 3.6 configuration for petls on hosted systems (Linux, embedded
 * Linux): everything petls's API can reach, nothing it cannot.
 *
 * Used with -DPETLS_MBEDTLS_SOURCE_DIR=<mbedtls-3.6 tree> (the default
 * PETLS_MBEDTLS_CONFIG=full). It replaces mbedTLS's own mbedtls_config.h
 * through MBEDTLS_CONFIG_FILE, so every option is listed here explicitly.
 * PSA's PSA_WANT_* set is derived from these legacy options
 * (MBEDTLS_PSA_CRYPTO_CONFIG stays off).
 *
 * Left out on purpose: DTLS (petls is stream TLS only), DES/3DES, ARIA,
 * Camellia, MD5-only and RIPEMD uses, ECJPAKE, LMS, PKCS#7, X.509 writing
 * and the self tests.
 */
#ifndef PETLS_MBEDTLS_FULL_H
#define PETLS_MBEDTLS_FULL_H

/* ---- System support ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE /* certificate validity */
#define MBEDTLS_FS_IO          /* mbedtls_x509_crt_parse_path etc. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_NET_C /* unused by petls (the port owns sockets); cheap */
#define MBEDTLS_TIMING_C
/* A server shares one config and one session cache between threads. Bare
 * metal toolchains have no pthreads. */
#if defined(__unix__) || defined(__APPLE__)
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#endif

/* ---- Symmetric ciphers and modes ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_AESCE_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC /* TLS 1.2 CBC suites, encrypted PEM/PKCS#8 */
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_CIPHER_PADDING_PKCS7
#define MBEDTLS_CMAC_C

/* ---- Hashes, MACs, KDFs, DRBGs ---- */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C  /* legacy encrypted PEM keys (DEK-Info) */
#define MBEDTLS_SHA1_C /* certificate fingerprints, old signatures */
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_ENTROPY_C

/* ---- Public key ---- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_DHM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_DP_CURVE448_ENABLED
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_PK_PARSE_EC_EXTENDED
#define MBEDTLS_PK_PARSE_EC_COMPRESSED

/* ---- Encodings, key containers ---- */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_PKCS5_C  /* encrypted PKCS#8 (PBES2) */
#define MBEDTLS_PKCS12_C /* encrypted PKCS#8 (PKCS#12 PBE) */

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C
#define MBEDTLS_X509_CSR_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

/* ---- PSA (TLS 1.3 runs on it) ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- TLS ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_RENEGOTIATION
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* peer cert after handshake */
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_CACHE_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_CONTEXT_SERIALIZATION

/* ---- Diagnostics ---- */
#define MBEDTLS_ERROR_C /* mbedtls_strerror for readable messages */
#define MBEDTLS_DEBUG_C
#define MBEDTLS_VERSION_C
#define MBEDTLS_VERSION_FEATURES

#endif /* PETLS_MBEDTLS_FULL_H */
