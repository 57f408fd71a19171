/* mbedTLS user-config overlay for the heap benchmark (bench/run.sh --full):
 * 4 KiB records both ways. Only safe with peers that send at most 4 KiB
 * per record (max_fragment_length / record_size_limit negotiated, or a
 * peer known to do so); the benchmark's peer is the same build. */
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
