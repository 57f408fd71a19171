/*
 * Reset and exception vectors for the Cortex-M4 firmware image (QEMU
 * mps2-an386). Copies .data, clears .bss, enables the FPU (the image is
 * built hard-float), starts a 1 kHz SysTick for the port's monotonic clock,
 * opens semihosting, runs main() and exits through semihosting with its
 * status.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "firmware.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top[];

extern void initialise_monitor_handles(void);
int main(void);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
/* QEMU's mps2-an386 runs the core at 25 MHz. */
#define CORE_HZ 25000000u

volatile uint64_t fw_ticks_ms;

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void fault_report(const uint32_t *frame, uint32_t exc);

void SysTick_Handler(void)
{
    fw_ticks_ms++;
}

/* Semihosting straight through BKPT 0xAB: a fault handler must not touch
 * newlib's stdio, whose state may be what broke. */
static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void put_hex(char *p, uint32_t v)
{
    int i;
    for (i = 7; i >= 0; i--, v >>= 4)
        p[i] = "0123456789abcdef"[v & 0xFu];
}

/* frame: the registers the core stacked (r0-r3, r12, lr, pc, xpsr). */
void fault_report(const uint32_t *frame, uint32_t exc)
{
    static char msg[] = "PETLS-FIRMWARE: FAIL exception xxxxxxxx at pc "
                        "xxxxxxxx lr xxxxxxxx\n";
    put_hex(msg + 31, exc & 0x1FFu);
    put_hex(msg + 46, frame[6]);
    put_hex(msg + 58, frame[5]);
    semihost(0x04u, msg);              /* SYS_WRITE0 */
    semihost(0x18u, (void *)0x20023u); /* SYS_EXIT, ADP_Stopped_RunTimeError */
    for (;;) {
    }
}

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mrs r1, ipsr\n\t"
                   "b fault_report\n");
}

__attribute__((naked)) void Default_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mrs r1, ipsr\n\t"
                   "b fault_report\n");
}

void Reset_Handler(void)
{
    uint32_t *src = __data_load, *dst = __data_start;

    /* CP10 and CP11 full access, before any floating-point instruction. */
    SCB_CPACR |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start__; dst < __bss_end__; dst++)
        *dst = 0;
    SYST_RVR = CORE_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
    initialise_monitor_handles();
    /* Unbuffered: every line is out even if the program dies after it. */
    setvbuf(stdout, NULL, _IONBF, 0);
    exit(main());
}

__attribute__((section(".vectors"),
               used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Default_Handler,   /* NMI */
    HardFault_Handler, /* HardFault */
    Default_Handler,   /* MemManage */
    Default_Handler,   /* BusFault */
    Default_Handler,   /* UsageFault */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMon */
    0,
    Default_Handler, /* PendSV */
    SysTick_Handler,
};
