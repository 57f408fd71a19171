/*
 * A bounded heap over a caller-supplied buffer: the no-malloc mode of the
 * bare-metal port (petls_port_none_set_heap()) puts every allocation of the
 * engine and of mbedTLS here, so the firmware knows the bound at link time
 * and can read the peak use.
 *
 * First fit over an address-ordered list of blocks with boundary tags
 * (neighbours coalesce on free in O(1)); 8-byte alignment; 8 bytes of
 * header per block. Not thread-safe: the port serialises, or the firmware
 * uses petls from one thread.
 */
#ifndef PETLS_ARENA_H
#define PETLS_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct petls_arena_stats {
    size_t size;     /* usable bytes in the arena */
    size_t in_use;   /* bytes taken now, headers included */
    size_t peak;     /* highest in_use since init or the last reset */
    size_t blocks;   /* live allocations */
    size_t allocs;   /* successful allocations since init */
    size_t failures; /* allocations refused (no block large enough) */
};

struct petls_arena {
    uint8_t *base; /* first block header, 8-aligned */
    uint8_t *end;  /* one past the last block */
    struct petls_arena_stats st;
};

/* Takes [buf, buf+len) (any alignment). Returns 0, or -1 if it is too small
 * for one block. */
int petls_arena_init(struct petls_arena *a, void *buf, size_t len);
/* Zeroed memory for n * size bytes, or NULL (overflow, n*size == 0, or no
 * room; the latter counts as a failure). */
void *petls_arena_calloc(struct petls_arena *a, size_t n, size_t size);
/* Frees p (NULL is ignored). Freed memory is zeroized: it may have held
 * keys. */
void petls_arena_free(struct petls_arena *a, void *p);
/* Whether p lies inside the arena (so a port may fall back to the C
 * library for memory it did not hand out). */
int petls_arena_owns(const struct petls_arena *a, const void *p);
void petls_arena_stats(const struct petls_arena *a,
                       struct petls_arena_stats *out);
void petls_arena_reset_peak(struct petls_arena *a);

#endif /* PETLS_ARENA_H */
