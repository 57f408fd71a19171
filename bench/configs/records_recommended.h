/* mbedTLS user-config overlay for the heap benchmark (bench/run.sh --full):
 * the record buffers petls's port/mbedtls/petls_mbedtls_cortex_m.h chooses,
 * 16 KiB in (any peer may send full-size records) and 4 KiB out (petls
 * fragments what it sends). Appended to port/mbedtls/petls_mbedtls_full.h. */
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
