/*
 * The bounded heap of the no-malloc mode (petls_arena.h).
 *
 * Layout: the arena is a sequence of blocks, each starting with a header
 * holding its own size (header included, a multiple of 8) with bit 0 set
 * when in use, and the size of the previous block (0 for the first), so a
 * freed block merges with both neighbours without searching.
 */
#include "petls_arena.h"

#include <string.h>

#define ALIGN 8u
#define HDR sizeof(struct block)
#define USED 1u
/* A block is split only if the remainder can hold a header and 8 bytes. */
#define MIN_BLOCK (HDR + ALIGN)

struct block {
    uint32_t size; /* bytes of this block, header included; bit 0: used */
    uint32_t prev; /* bytes of the previous block, 0 for the first */
};

static size_t bsize(const struct block *b)
{
    return b->size & ~(uint32_t)USED;
}

static int bused(const struct block *b)
{
    return (b->size & USED) != 0;
}

static struct block *next_of(const struct petls_arena *a, struct block *b)
{
    uint8_t *n = (uint8_t *)b + bsize(b);
    return n < a->end ? (struct block *)(void *)n : NULL;
}

static struct block *prev_of(struct block *b)
{
    return b->prev != 0 ? (struct block *)(void *)((uint8_t *)b - b->prev)
                        : NULL;
}

int petls_arena_init(struct petls_arena *a, void *buf, size_t len)
{
    uintptr_t start = (uintptr_t)buf, aligned;
    struct block *b;

    memset(a, 0, sizeof(*a));
    if (buf == NULL)
        return -1;
    aligned = (start + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    if (len < aligned - start + MIN_BLOCK)
        return -1;
    len -= aligned - start;
    len &= ~(size_t)(ALIGN - 1);
    if (len > 0x7ffffff8u) /* sizes are 32-bit */
        len = 0x7ffffff8u;
    /* From buf, not from the integer: keeps the pointer's provenance. */
    a->base = (uint8_t *)buf + (aligned - start);
    a->end = a->base + len;
    b = (struct block *)(void *)a->base;
    b->size = (uint32_t)len;
    b->prev = 0;
    a->st.size = len;
    return 0;
}

int petls_arena_owns(const struct petls_arena *a, const void *p)
{
    const uint8_t *q = p;
    return a->base != NULL && q >= a->base && q < a->end;
}

void *petls_arena_calloc(struct petls_arena *a, size_t n, size_t size)
{
    struct block *b;
    size_t want;

    if (a->base == NULL || n == 0 || size == 0 || n > SIZE_MAX / size)
        return NULL;
    want = n * size;
    if (want > a->st.size)
        goto full;
    want = (want + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    for (b = (struct block *)(void *)a->base; b != NULL; b = next_of(a, b)) {
        size_t have = bsize(b);
        if (bused(b) || have < want)
            continue;
        if (have - want >= MIN_BLOCK) {
            struct block *rest = (struct block *)(void *)((uint8_t *)b + want);
            struct block *after;
            rest->size = (uint32_t)(have - want);
            rest->prev = (uint32_t)want;
            after = next_of(a, rest);
            if (after != NULL)
                after->prev = rest->size;
            have = want;
        }
        b->size = (uint32_t)have | USED;
        a->st.in_use += have;
        if (a->st.in_use > a->st.peak)
            a->st.peak = a->st.in_use;
        a->st.blocks++;
        a->st.allocs++;
        memset(b + 1, 0, have - HDR);
        return b + 1;
    }
full:
    a->st.failures++;
    return NULL;
}

void petls_arena_free(struct petls_arena *a, void *p)
{
    struct block *b, *n, *pr;

    if (p == NULL || !petls_arena_owns(a, p))
        return;
    b = (struct block *)p - 1;
    if (!bused(b))
        return; /* double free: ignore rather than corrupt the lists */
    b->size &= ~(uint32_t)USED;
    a->st.in_use -= bsize(b);
    a->st.blocks--;
    memset(b + 1, 0, bsize(b) - HDR);
    n = next_of(a, b);
    if (n != NULL && !bused(n)) {
        b->size += n->size;
        memset(n, 0, HDR);
    }
    pr = prev_of(b);
    if (pr != NULL && !bused(pr)) {
        pr->size += b->size;
        memset(b, 0, HDR);
        b = pr;
    }
    n = next_of(a, b);
    if (n != NULL)
        n->prev = b->size;
}

void petls_arena_stats(const struct petls_arena *a,
                       struct petls_arena_stats *out)
{
    *out = a->st;
}

void petls_arena_reset_peak(struct petls_arena *a)
{
    a->st.peak = a->st.in_use;
}
