/*
 * Included by the bare-metal port/mbedtls/ configs: mbedTLS allocates
 * through petls_port_calloc()/petls_port_free(), so that with the port's
 * no-malloc mode (petls_port_none_set_heap()) the engine and mbedTLS share
 * one caller-supplied, bounded heap whose peak use can be read back.
 */
#ifndef PETLS_MBEDTLS_HEAP_H
#define PETLS_MBEDTLS_HEAP_H

#include <stddef.h>

void *petls_port_calloc(size_t n, size_t size);
void petls_port_free(void *p);

#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO petls_port_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO petls_port_free

#endif /* PETLS_MBEDTLS_HEAP_H */
