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
/* mbedTLS allocates from petls's arena (petls_port_none_set_heap()), not
 * newlib's small sbrk heap: one bounded heap whose use the firmware reads
 * back (board_heap_in_use/peak). */
#include "petls_mbedtls_heap.h"

#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_CIPHER_MODE_CBC /* TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 */

/* PSA key slots: the server keys (echo, its SNI context, httpd), the ticket
 * keys, and per connection its ECDHE key and traffic keys (4 in TLS 1.3):
 * with the base config's 16 the fourth concurrent handshake runs out
 * ("out of memory"); 32 fit FW_MAX_CONNS = 4 (tests/lwip/firmware_server.sh).
 * A slot costs ~40 bytes of RAM. */
#undef MBEDTLS_PSA_KEY_SLOT_COUNT
#define MBEDTLS_PSA_KEY_SLOT_COUNT 32

#endif /* PETLS_MBEDTLS_LWIP_H */
