/* Shared between the firmware image's startup code and its program. */
#ifndef PETLS_FIRMWARE_H
#define PETLS_FIRMWARE_H

#include <stdint.h>

/* Milliseconds since reset, counted by SysTick. */
extern volatile uint64_t fw_ticks_ms;

/* Test credentials, generated at build time by tests/certs/gen-certs.sh and
 * embedded by scripts/firmware.sh (fw_creds.c, never committed). */
extern const uint8_t fw_ca_pem[];
extern const uint32_t fw_ca_pem_len;
extern const uint8_t fw_server_pem[];
extern const uint32_t fw_server_pem_len;
extern const uint8_t fw_server_key[];
extern const uint32_t fw_server_key_len;
/* Unix time at build time: the certificates are valid then. */
extern const int64_t fw_build_time;

#endif /* PETLS_FIRMWARE_H */
