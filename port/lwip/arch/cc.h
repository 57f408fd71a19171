/*
 * lwIP's compiler/platform header for petls firmware (bare-metal Cortex-M
 * with newlib). Diagnostics go to the board's stdout; a failed lwIP
 * assertion stops the board in petls_lwip_assert() (the board defines it).
 */
#ifndef PETLS_LWIP_ARCH_CC_H
#define PETLS_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>

void petls_lwip_assert(const char *msg, const char *file, int line);
uint32_t petls_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
        printf x;                                                              \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) petls_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() petls_lwip_rand()

#endif
