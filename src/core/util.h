/* Small helpers over the port allocator: string and buffer copies, and
 * freeing secrets with zeroization. */
#ifndef PETLS_UTIL_H
#define PETLS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Copies a string with petls_port_calloc; NULL on allocation failure. */
char *petls_strdup(const char *s);
/* Copies len bytes plus a trailing NUL (PEM parsers want one). */
uint8_t *petls_memdup(const void *p, size_t len);
/* Zeroizes then frees. */
void petls_free_secret(void *p, size_t len);
void petls_free_secret_str(char *s);
/* Zeroization the compiler may not remove. */
void petls_explicit_bzero(void *p, size_t len);
/* ASCII case-insensitive comparison of NUL-terminated strings. */
int petls_strcasecmp(const char *a, const char *b);
/* An int64_t Unix time as time_t, saturated where time_t is 32 bits (a
 * certificate valid until 2040 reads as 2038-01-19, not as 1904). */
time_t petls_time_from_i64(int64_t t);

#endif
