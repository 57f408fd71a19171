/*
 * The firmware program (main.c) as a Linux executable on the bare-metal
 * port (tests/run/qemu-user-tests.sh armhf runs it under qemu-arm): there is
 * no SysTick, so the millisecond counter stays at 0 (timeouts never expire,
 * which an in-memory link does not need).
 */
#include "firmware.h"

volatile uint64_t fw_ticks_ms;
