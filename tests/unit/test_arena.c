/* The bounded heap of the no-malloc mode (port/common/petls_arena.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "common/petls_arena.h"

static _Alignas(8) uint8_t buf[4096 + 3];

static void fill(void *p, size_t len)
{
    memset(p, 0xA5, len);
}

Test(arena, rejects_a_buffer_too_small_for_one_block)
{
    struct petls_arena a;
    cr_assert_eq(petls_arena_init(&a, buf, 8), -1);
    cr_assert_eq(petls_arena_init(&a, NULL, 4096), -1);
    cr_assert_null(petls_arena_calloc(&a, 1, 1));
    cr_assert_eq(petls_arena_init(&a, buf, 16), 0);
    cr_assert_not_null(petls_arena_calloc(&a, 1, 8));
    cr_assert_null(petls_arena_calloc(&a, 1, 1));
}

Test(arena, aligns_the_buffer_and_every_block_to_8)
{
    struct petls_arena a;
    struct petls_arena_stats st;
    void *p[5];
    size_t i;

    cr_assert_eq(petls_arena_init(&a, buf + 3, 4096), 0);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.size, 4096 - 8, "unaligned head and tail dropped");
    for (i = 0; i < 5; i++) {
        p[i] = petls_arena_calloc(&a, 1, 1 + 5 * i);
        cr_assert_not_null(p[i]);
        cr_assert_eq((uintptr_t)p[i] % 8, 0, "block %zu at %p", i, p[i]);
    }
    /* 1 byte costs an 8-byte header plus 8 bytes of payload. */
    cr_assert_eq((uint8_t *)p[1] - (uint8_t *)p[0], 16);
}

Test(arena, calloc_returns_zeroed_memory_even_after_reuse)
{
    struct petls_arena a;
    uint8_t *p, *q;
    size_t i;

    cr_assert_eq(petls_arena_init(&a, buf, sizeof(buf)), 0);
    p = petls_arena_calloc(&a, 10, 10);
    cr_assert_not_null(p);
    fill(p, 100);
    petls_arena_free(&a, p);
    q = petls_arena_calloc(&a, 100, 1);
    cr_assert_eq(q, p, "first fit reuses the freed block");
    for (i = 0; i < 100; i++)
        cr_assert_eq(q[i], 0, "byte %zu", i);
}

Test(arena, free_zeroizes_the_payload)
{
    struct petls_arena a;
    uint8_t *p;
    size_t i;

    cr_assert_eq(petls_arena_init(&a, buf, sizeof(buf)), 0);
    p = petls_arena_calloc(&a, 1, 64);
    cr_assert_not_null(
        petls_arena_calloc(&a, 1, 64)); /* no merge with the tail */
    fill(p, 64);
    petls_arena_free(&a, p);
    for (i = 0; i < 64; i++)
        cr_assert_eq(p[i], 0, "secret byte %zu left in freed memory", i);
}

Test(arena, counts_failures_and_refuses_overflowing_requests)
{
    struct petls_arena a;
    struct petls_arena_stats st;

    cr_assert_eq(petls_arena_init(&a, buf, 1024), 0);
    cr_assert_null(petls_arena_calloc(&a, SIZE_MAX / 2, 4));
    cr_assert_null(petls_arena_calloc(&a, 0, 4));
    cr_assert_null(petls_arena_calloc(&a, 1, 2048));
    cr_assert_null(petls_arena_calloc(&a, 1, 1024 - 7), "header must fit");
    cr_assert_not_null(petls_arena_calloc(&a, 1, 1024 - 8));
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.failures, 2, "only real out-of-room refusals count");
    cr_assert_eq(st.allocs, 1);
    cr_assert_eq(st.in_use, 1024);
}

Test(arena, coalesces_neighbours_in_any_free_order)
{
    struct petls_arena a;
    struct petls_arena_stats st;
    void *p[8];
    static const int order[8] = {3, 0, 7, 5, 1, 6, 2, 4};
    size_t i;

    cr_assert_eq(petls_arena_init(&a, buf, 1024), 0);
    for (i = 0; i < 8; i++) {
        p[i] = petls_arena_calloc(&a, 1, 120);
        cr_assert_not_null(p[i], "allocation %zu", i);
    }
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.in_use, 1024, "8 blocks of 128 fill the arena");
    cr_assert_null(petls_arena_calloc(&a, 1, 1));
    for (i = 0; i < 8; i++)
        petls_arena_free(&a, p[order[i]]);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.in_use, 0);
    cr_assert_eq(st.blocks, 0);
    cr_assert_eq(st.peak, 1024);
    /* Only a fully merged free list has room for this. */
    cr_assert_not_null(petls_arena_calloc(&a, 1, 1024 - 8));
}

Test(arena, peak_follows_use_and_resets_to_current)
{
    struct petls_arena a;
    struct petls_arena_stats st;
    void *x, *y;

    cr_assert_eq(petls_arena_init(&a, buf, sizeof(buf)), 0);
    x = petls_arena_calloc(&a, 1, 100); /* 112 */
    y = petls_arena_calloc(&a, 1, 200); /* 208 */
    petls_arena_free(&a, y);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.in_use, 112);
    cr_assert_eq(st.peak, 320);
    petls_arena_reset_peak(&a);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.peak, 112);
    petls_arena_free(&a, x);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.peak, 112);
    cr_assert_eq(st.in_use, 0);
}

Test(arena, ignores_foreign_pointers_and_double_frees)
{
    struct petls_arena a;
    struct petls_arena_stats st;
    int outside;
    void *p, *q;

    cr_assert_eq(petls_arena_init(&a, buf, sizeof(buf)), 0);
    p = petls_arena_calloc(&a, 1, 32);
    q = petls_arena_calloc(&a, 1, 32);
    cr_assert(petls_arena_owns(&a, p));
    cr_assert_not(petls_arena_owns(&a, &outside));
    petls_arena_free(&a, &outside);
    petls_arena_free(&a, NULL);
    petls_arena_free(&a, p);
    petls_arena_free(&a, p);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.blocks, 1);
    cr_assert_eq(st.in_use, 40);
    petls_arena_free(&a, q);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.in_use, 0);
}

/* Many mixed sizes, freed and reallocated: the block chain stays consistent
 * (every byte is accounted for when all is freed). */
Test(arena, survives_a_mixed_workload)
{
    struct petls_arena a;
    struct petls_arena_stats st;
    void *p[64] = {0};
    uint32_t x = 12345;
    size_t i, round;

    cr_assert_eq(petls_arena_init(&a, buf, 4096), 0);
    for (round = 0; round < 2000; round++) {
        x = x * 1103515245u + 12345u;
        i = (x >> 8) % 64;
        if (p[i] != NULL) {
            petls_arena_free(&a, p[i]);
            p[i] = NULL;
        } else {
            size_t n = 1 + (x >> 16) % 200;
            p[i] = petls_arena_calloc(&a, 1, n);
            if (p[i] != NULL)
                fill(p[i], n);
        }
    }
    for (i = 0; i < 64; i++)
        petls_arena_free(&a, p[i]);
    petls_arena_stats(&a, &st);
    cr_assert_eq(st.in_use, 0);
    cr_assert_not_null(petls_arena_calloc(&a, 1, 4096 - 8));
}
