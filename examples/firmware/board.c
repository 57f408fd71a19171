/*
 * Board layer of the example firmware (see board.h).
 */
#include "board.h"

#include "lan9118_netif.h"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include <petls.h>
#include <petls_port_none.h>

#include <stdio.h>

/* The arena petls and mbedTLS allocate from. The server's contexts (its
 * keys, the SNI context, httpd's, the ticket keys and the session cache)
 * take ~20 KiB at start; four handshakes at once peaked at ~230 KiB in
 * tests/lwip/firmware_server.sh (each connection: a 16 KiB input record
 * buffer, a 4 KiB output one, the handshake's transient state). */
#ifndef BOARD_HEAP_SIZE
#define BOARD_HEAP_SIZE (384 * 1024)
#endif

extern volatile uint64_t fw_ticks_ms; /* tests/firmware/startup.c */

static _Alignas(8) uint8_t heap[BOARD_HEAP_SIZE];
static struct netif netif;

/* ---- TEST-ONLY entropy: NOT FOR PRODUCTION -------------------------------
 * QEMU's mps2 boards have no TRNG. This mixes a fixed seed with the
 * LAN9118's free-running counter (QEMU's virtual clock) through SplitMix64:
 * good enough for handshakes in a test, worthless as a secret. A real board
 * registers its TRNG instead (docs/porting.md, "Entropy"). */
#define LAN9118_FREE_RUN (*(volatile uint32_t *)(LAN9118_BASE + 0x9Cu))
static uint64_t test_entropy_state = 0x5EED0F9E71500002ull;

static uint64_t splitmix(void)
{
    uint64_t z = (test_entropy_state += 0x9E3779B97F4A7C15ull);

    z ^= (uint64_t)LAN9118_FREE_RUN << 17;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int test_entropy_not_for_production(void *arg, void *buf, size_t len)
{
    uint8_t *p = buf;

    (void)arg;
    while (len > 0) {
        uint64_t z = splitmix();
        size_t i;
        for (i = 0; i < 8 && len > 0; i++, len--)
            *p++ = (uint8_t)(z >> (8 * i));
    }
    return 0;
}

uint32_t petls_lwip_rand(void)
{
    return (uint32_t)splitmix();
}

/* ---- Clock -----------------------------------------------------------------
 */
uint64_t board_ms(void)
{
    return fw_ticks_ms;
}

static uint64_t clock_ms(void *arg)
{
    (void)arg;
    return fw_ticks_ms;
}

static int64_t clock_unix(void *arg)
{
    (void)arg;
    /* No RTC: the build time plus the uptime. A real board sets its RTC
     * (SNTP, GNSS, a battery-backed clock) for certificate validity. */
    return fw_build_time + (int64_t)(fw_ticks_ms / 1000u);
}

uint32_t sys_now(void);
uint32_t sys_now(void)
{
    return (uint32_t)fw_ticks_ms;
}

void petls_lwip_assert(const char *msg, const char *file, int line)
{
    printf("PETLS-FIRMWARE: FAIL lwIP assertion \"%s\" at %s:%d\n", msg, file,
           line);
    for (;;) {
    }
}

/* ---- Arena ------------------------------------------------------------------
 */
size_t board_heap_in_use(void)
{
    struct petls_port_none_heap_stats st;
    return petls_port_none_heap_stats(&st) == 0 ? st.in_use : 0;
}

size_t board_heap_peak(void)
{
    struct petls_port_none_heap_stats st;
    return petls_port_none_heap_stats(&st) == 0 ? st.peak : 0;
}

void board_heap_reset_peak(void)
{
    petls_port_none_heap_reset_peak();
}

/* ---- Network ----------------------------------------------------------------
 */
int board_init(void)
{
    ip4_addr_t ip, mask, gw;

    petls_port_none_set_clock(clock_ms, clock_unix, NULL);
    petls_port_none_set_entropy(test_entropy_not_for_production, NULL);
    if (petls_port_none_set_heap(heap, sizeof(heap)) != 0 ||
        petls_init() != 0) {
        printf("PETLS-FIRMWARE: FAIL petls_init\n");
        return -1;
    }
    lwip_init();
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    if (netif_add(&netif, &ip, &mask, &gw, NULL, lan9118_netif_init,
                  ethernet_input) == NULL) {
        printf("PETLS-FIRMWARE: FAIL no LAN9118 at 0x%08x\n",
               (unsigned)LAN9118_BASE);
        return -1;
    }
    netif_set_default(&netif);
    netif_set_up(&netif);
    printf("net: LAN9118 %02x:%02x:%02x:%02x:%02x:%02x, 10.0.2.15/24\n",
           netif.hwaddr[0], netif.hwaddr[1], netif.hwaddr[2], netif.hwaddr[3],
           netif.hwaddr[4], netif.hwaddr[5]);
    return 0;
}

/* ---- Busy time ----------------------------------------------------------
 * Core clock ticks from SysTick (1 ms periods of CORE_HZ / 1000 ticks) minus
 * those spent asleep in WFI: what the CPU worked. Under QEMU's -icount
 * shift=0 (one instruction per ns of virtual time) busy nanoseconds are
 * executed instructions (examples/firmware/qemu.sh, QEMU_ICOUNT=1). */
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define BOARD_CORE_HZ 25000000u /* QEMU's mps2-an386 */
static uint64_t idle_ticks;

static uint64_t core_ticks(void)
{
    uint64_t ms;
    uint32_t cvr;

    do { /* a SysTick between the two reads moves ms: read again */
        ms = fw_ticks_ms;
        cvr = SYST_CVR;
    } while (ms != fw_ticks_ms);
    return ms * (BOARD_CORE_HZ / 1000u) + (SYST_RVR - cvr);
}

uint64_t board_busy_ns(void)
{
    return (core_ticks() - idle_ticks) * (1000000000u / BOARD_CORE_HZ);
}

void board_step(void)
{
    uint64_t t0;

    if (lan9118_netif_poll(&netif) == 0) {
        sys_check_timeouts();
        t0 = core_ticks();
        __asm volatile("wfi"); /* until the next SysTick (1 ms) */
        idle_ticks += core_ticks() - t0;
    } else {
        sys_check_timeouts();
    }
}
