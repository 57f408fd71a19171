/*
 * A counting allocator for the heap measurements: malloc, calloc, realloc
 * and free are interposed (defined in the executable, which links with
 * -rdynamic, so libpetls and libmbed* calls land here too) and forward to
 * glibc's __libc_* functions. Every live block is charged to the side set
 * by mem_set_side() when it was allocated and to the object that called
 * malloc: libpetls*, libmbed* or anything else.
 */
#ifndef MEM_COUNT_H
#define MEM_COUNT_H

#include <stddef.h>

enum mem_side { MEM_CLIENT, MEM_SERVER, MEM_OTHER, MEM_NSIDES };
enum mem_cat { MEM_ENGINE, MEM_MBEDTLS, MEM_REST, MEM_NCATS };

struct mem_stats {
    size_t live[MEM_NSIDES][MEM_NCATS]; /* bytes requested, still live */
    size_t peak[MEM_NSIDES];            /* highest total live per side */
    size_t allocs[MEM_NSIDES];          /* calls since the last reset */
};

void mem_set_side(enum mem_side s);
/* Starts counting (blocks allocated before are ignored, also when freed). */
void mem_start(void);
/* Resets the peaks to the current live bytes and the call counts to 0. */
void mem_reset_peaks(void);
void mem_get(struct mem_stats *out);
size_t mem_side_total(const struct mem_stats *s, enum mem_side side);
/* 1 when libpetls and libmbed* are separate objects (a shared mbedTLS):
 * the engine/mbedTLS split is then meaningful. */
int mem_split_known(void);

#endif /* MEM_COUNT_H */
