/*
 * The board layer of the example firmware (QEMU mps2-an386, Cortex-M4F):
 * clock (SysTick, tests/firmware/startup.c), the TEST-ONLY entropy source,
 * the petls arena, the LAN9118 netif with a static address on QEMU's user
 * network (10.0.2.15/24, gateway 10.0.2.2), and the main-loop step.
 * On a real board this is the file to replace (docs/porting.md).
 */
#ifndef EXAMPLE_BOARD_H
#define EXAMPLE_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Generated at build time (build.sh): test credentials. */
extern const uint8_t fw_ca_pem[], fw_server_pem[], fw_server_key[];
extern const uint8_t fw_alt_pem[], fw_alt_key[];
extern const uint32_t fw_ca_pem_len, fw_server_pem_len, fw_server_key_len;
extern const uint32_t fw_alt_pem_len, fw_alt_key_len;
extern const int64_t fw_build_time;

/* Clock, entropy and arena for petls, then lwIP and the netif. 0 or -1. */
int board_init(void);
/* One main-loop step: received frames into lwIP, lwIP's timers, then
 * sleep until the next tick when nothing arrived. */
void board_step(void);
uint64_t board_ms(void);
/* Nanoseconds the core was busy (not in WFI) since boot; under QEMU's
 * -icount shift=0, the instructions it executed. */
uint64_t board_busy_ns(void);
/* The petls arena's use: now and peak (bytes). */
size_t board_heap_in_use(void);
size_t board_heap_peak(void);
void board_heap_reset_peak(void);

#endif
