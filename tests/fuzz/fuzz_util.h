/* Shared bits of the parser fuzz targets. */
#ifndef PETLS_FUZZ_UTIL_H
#define PETLS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the parser promises does not hold: make libFuzzer report it
 * as a crash with this input. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            __builtin_trap();                                                  \
    } while (0)

/* The input as a C string (parsers take NUL-terminated text; anything after
 * an embedded NUL is simply not seen). Free with free(). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* An error message must be a terminated string inside its buffer. */
static inline int fuzz_terminated(const char *buf, size_t len)
{
    return memchr(buf, '\0', len) != NULL;
}

#endif
