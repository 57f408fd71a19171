/* The server session cache: hash lookups, LRU order, both bounds, expiry,
 * counters, zeroization-safe replacement and thread safety. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "session_cache.h"

uint64_t petls_session_cache_siphash(const uint8_t key[16], const uint8_t *in,
                                     size_t len);

#define NOW 1700000000

static void key_of(int i, uint8_t k[32])
{
    memset(k, 0, 32);
    snprintf((char *)k, 32, "session-%d", i);
}

static int put_i(struct petls_session_cache *c, int i, size_t val_len,
                 int64_t expires, int64_t now)
{
    uint8_t k[32], v[512];

    cr_assert(val_len <= sizeof(v));
    key_of(i, k);
    memset(v, (uint8_t)i, val_len);
    return petls_session_cache_put(c, k, 32, v, val_len, expires, now);
}

static int get_i(struct petls_session_cache *c, int i, int64_t now)
{
    uint8_t k[32], out[512];
    size_t n = 0;
    int r;

    key_of(i, k);
    r = petls_session_cache_get(c, k, 32, out, sizeof(out), &n, now);
    if (r == 1 && n > 0)
        cr_assert_eq(out[0], (uint8_t)i, "value of %d came back wrong", i);
    return r;
}

static struct petls_session_cache_stats stats(struct petls_session_cache *c)
{
    struct petls_session_cache_stats s;

    memset(&s, 0xee, sizeof(s));
    petls_session_cache_stats(c, &s);
    return s;
}

Test(session_cache, siphash_reference_vector)
{
    /* The SipHash paper's Appendix A: key 00..0f, message 00..0e. */
    uint8_t key[16], msg[15];
    int i;

    for (i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    cr_assert_eq(petls_session_cache_siphash(key, msg, 15),
                 0xa129ca6149be45e5ULL);
    /* The reference implementation's vectors.h, empty and 8-byte input. */
    cr_assert_eq(petls_session_cache_siphash(key, msg, 0),
                 0x726fdb47dd0e0e31ULL);
    cr_assert_eq(petls_session_cache_siphash(key, msg, 8),
                 0x93f5f5799a932462ULL);
}

Test(session_cache, new_rejects_zero_entries)
{
    cr_assert_null(petls_session_cache_new(0, 0));
}

Test(session_cache, put_get_round_trip_and_stats)
{
    struct petls_session_cache *c = petls_session_cache_new(10, 0);
    struct petls_session_cache_stats s;
    uint8_t out[64];
    size_t n = 0;

    cr_assert_not_null(c);
    s = stats(c);
    cr_assert_eq(s.entries, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.hits + s.misses + s.stored + s.expired + s.evicted, 0);

    cr_assert_eq(petls_session_cache_put(c, (const uint8_t *)"abc", 3,
                                         (const uint8_t *)"secret!", 7,
                                         NOW + 10, NOW),
                 0);
    s = stats(c);
    cr_assert_eq(s.entries, 1);
    cr_assert_eq(s.bytes, 10); /* key + value */
    cr_assert_eq(s.stored, 1);

    cr_assert_eq(petls_session_cache_get(c, (const uint8_t *)"abc", 3, out,
                                         sizeof(out), &n, NOW + 1),
                 1);
    cr_assert_eq(n, 7);
    cr_assert_eq(memcmp(out, "secret!", 7), 0);
    s = stats(c);
    cr_assert_eq(s.hits, 1);
    cr_assert_eq(s.misses, 0);

    /* Same bytes, different length: another key. */
    cr_assert_eq(petls_session_cache_get(c, (const uint8_t *)"abcd", 4, out,
                                         sizeof(out), &n, NOW + 1),
                 0);
    cr_assert_eq(petls_session_cache_get(c, (const uint8_t *)"ab", 2, out,
                                         sizeof(out), &n, NOW + 1),
                 0);
    s = stats(c);
    cr_assert_eq(s.hits, 1);
    cr_assert_eq(s.misses, 2);

    /* Too small an output buffer: -1, nothing counted, entry kept. */
    cr_assert_eq(petls_session_cache_get(c, (const uint8_t *)"abc", 3, out, 6,
                                         &n, NOW + 1),
                 -1);
    s = stats(c);
    cr_assert_eq(s.hits, 1);
    cr_assert_eq(s.misses, 2);
    cr_assert_eq(s.entries, 1);

    petls_session_cache_remove(c, (const uint8_t *)"abc", 3);
    s = stats(c);
    cr_assert_eq(s.entries, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(petls_session_cache_get(c, (const uint8_t *)"abc", 3, out,
                                         sizeof(out), &n, NOW + 1),
                 0);
    /* Removing what is not there is harmless. */
    petls_session_cache_remove(c, (const uint8_t *)"abc", 3);
    petls_session_cache_free(c);
}

Test(session_cache, put_rejections)
{
    struct petls_session_cache *c = petls_session_cache_new(4, 100);
    uint8_t k[PETLS_CACHE_KEY_MAX + 1], v[128];

    memset(k, 1, sizeof(k));
    memset(v, 2, sizeof(v));
    cr_assert_not_null(c);
    /* Key too long, empty key. */
    cr_assert_eq(petls_session_cache_put(c, k, sizeof(k), v, 1, NOW + 5, NOW),
                 -1);
    cr_assert_eq(petls_session_cache_put(c, k, 0, v, 1, NOW + 5, NOW), -1);
    /* Entry alone over the byte bound: 10 + 91 > 100. */
    cr_assert_eq(petls_session_cache_put(c, k, 10, v, 91, NOW + 5, NOW), -1);
    /* Exactly the byte bound fits. */
    cr_assert_eq(petls_session_cache_put(c, k, 10, v, 90, NOW + 5, NOW), 0);
    /* Already expired. */
    cr_assert_eq(petls_session_cache_put(c, k, 5, v, 1, NOW, NOW), -1);
    /* The longest key is fine. */
    cr_assert_eq(
        petls_session_cache_put(c, k, PETLS_CACHE_KEY_MAX, v, 1, NOW + 5, NOW),
        0);
    cr_assert_eq(stats(c).stored, 2);
    petls_session_cache_free(c);
}

Test(session_cache, replace_updates_value_and_bytes)
{
    struct petls_session_cache *c = petls_session_cache_new(4, 0);
    struct petls_session_cache_stats s;
    uint8_t out[512];
    size_t n;

    cr_assert_eq(put_i(c, 1, 100, NOW + 60, NOW), 0);
    cr_assert_eq(put_i(c, 1, 20, NOW + 60, NOW), 0);
    s = stats(c);
    cr_assert_eq(s.entries, 1);
    cr_assert_eq(s.bytes, 32 + 20);
    cr_assert_eq(s.evicted, 0);
    cr_assert_eq(s.stored, 2);
    {
        uint8_t k[32];
        key_of(1, k);
        cr_assert_eq(
            petls_session_cache_get(c, k, 32, out, sizeof(out), &n, NOW), 1);
        cr_assert_eq(n, 20);
    }
    petls_session_cache_free(c);
}

Test(session_cache, entry_bound_evicts_least_recently_used)
{
    struct petls_session_cache *c = petls_session_cache_new(3, 0);
    struct petls_session_cache_stats s;

    cr_assert_eq(put_i(c, 1, 10, NOW + 60, NOW), 0);
    cr_assert_eq(put_i(c, 2, 10, NOW + 60, NOW), 0);
    cr_assert_eq(put_i(c, 3, 10, NOW + 60, NOW), 0);
    /* Touch 1: now 2 is the least recently used. */
    cr_assert_eq(get_i(c, 1, NOW), 1);
    cr_assert_eq(put_i(c, 4, 10, NOW + 60, NOW), 0);
    s = stats(c);
    cr_assert_eq(s.entries, 3);
    cr_assert_eq(s.evicted, 1);
    cr_assert_eq(s.bytes, 3 * 42);
    cr_assert_eq(get_i(c, 2, NOW), 0);
    cr_assert_eq(get_i(c, 1, NOW), 1);
    cr_assert_eq(get_i(c, 3, NOW), 1);
    cr_assert_eq(get_i(c, 4, NOW), 1);
    /* Order now (old -> new): 1 3 4. Adding 5 drops 1. */
    cr_assert_eq(put_i(c, 5, 10, NOW + 60, NOW), 0);
    cr_assert_eq(get_i(c, 1, NOW), 0);
    cr_assert_eq(get_i(c, 3, NOW), 1);
    s = stats(c);
    cr_assert_eq(s.evicted, 2);
    cr_assert_eq(s.hits, 5);
    cr_assert_eq(s.misses, 2);
    cr_assert_eq(s.stored, 5);
    petls_session_cache_free(c);
}

Test(session_cache, byte_bound_evicts_as_many_as_needed)
{
    /* Entries are 32-byte keys + values. */
    struct petls_session_cache *c = petls_session_cache_new(100, 400);
    struct petls_session_cache_stats s;

    cr_assert_eq(put_i(c, 1, 68, NOW + 60, NOW), 0); /* 100 */
    cr_assert_eq(put_i(c, 2, 68, NOW + 60, NOW), 0); /* 200 */
    cr_assert_eq(put_i(c, 3, 68, NOW + 60, NOW), 0); /* 300 */
    cr_assert_eq(put_i(c, 4, 68, NOW + 60, NOW), 0); /* 400 */
    s = stats(c);
    cr_assert_eq(s.bytes, 400);
    cr_assert_eq(s.evicted, 0);
    /* 250 bytes need 1, 2 and 3 gone (400 - 300 + 250 = 350). */
    cr_assert_eq(put_i(c, 5, 218, NOW + 60, NOW), 0);
    s = stats(c);
    cr_assert_eq(s.evicted, 3);
    cr_assert_eq(s.entries, 2);
    cr_assert_eq(s.bytes, 350);
    cr_assert_eq(get_i(c, 3, NOW), 0);
    cr_assert_eq(get_i(c, 4, NOW), 1);
    cr_assert_eq(get_i(c, 5, NOW), 1);
    petls_session_cache_free(c);
}

Test(session_cache, expiry_on_get_put_and_flush)
{
    struct petls_session_cache *c = petls_session_cache_new(10, 0);
    struct petls_session_cache_stats s;

    cr_assert_eq(put_i(c, 1, 10, NOW + 10, NOW), 0);
    cr_assert_eq(put_i(c, 2, 10, NOW + 20, NOW), 0);
    cr_assert_eq(put_i(c, 3, 10, NOW + 30, NOW), 0);
    /* One second before expiry: alive. At expiry: gone. */
    cr_assert_eq(get_i(c, 1, NOW + 9), 1);
    cr_assert_eq(get_i(c, 1, NOW + 10), 0);
    s = stats(c);
    cr_assert_eq(s.expired, 1);
    cr_assert_eq(s.misses, 1);
    cr_assert_eq(s.hits, 1);
    cr_assert_eq(s.entries, 2);
    /* A second lookup no longer finds it at all: a plain miss. */
    cr_assert_eq(get_i(c, 1, NOW + 10), 0);
    s = stats(c);
    cr_assert_eq(s.expired, 1);
    cr_assert_eq(s.misses, 2);

    /* A put drops expired entries at the old end: 2 (oldest) is dead at
     * NOW + 25, 3 is not. */
    cr_assert_eq(put_i(c, 4, 10, NOW + 100, NOW + 25), 0);
    s = stats(c);
    cr_assert_eq(s.expired, 2);
    cr_assert_eq(s.entries, 2);
    cr_assert_eq(get_i(c, 3, NOW + 25), 1);

    /* Flush sweeps the whole list. */
    cr_assert_eq(put_i(c, 5, 10, NOW + 40, NOW + 25), 0);
    cr_assert_eq(petls_session_cache_flush_expired(c, NOW + 50), 2);
    s = stats(c);
    cr_assert_eq(s.entries, 1);
    cr_assert_eq(s.bytes, 42);
    cr_assert_eq(s.expired, 4);
    cr_assert_eq(get_i(c, 4, NOW + 50), 1);
    petls_session_cache_free(c);
}

Test(session_cache, eviction_of_expired_counts_as_expired)
{
    struct petls_session_cache *c = petls_session_cache_new(2, 0);
    struct petls_session_cache_stats s;

    cr_assert_eq(put_i(c, 1, 10, NOW + 100, NOW), 0);
    cr_assert_eq(put_i(c, 2, 10, NOW + 5, NOW), 0);
    cr_assert_eq(get_i(c, 1, NOW), 1); /* LRU: 2, then 1 */
    /* At NOW + 6 the full cache must drop its oldest (2), which is dead. */
    cr_assert_eq(put_i(c, 3, 10, NOW + 100, NOW + 6), 0);
    s = stats(c);
    cr_assert_eq(s.expired, 1);
    cr_assert_eq(s.evicted, 0);
    cr_assert_eq(s.entries, 2);
    petls_session_cache_free(c);
}

Test(session_cache, many_entries_all_found)
{
    /* More entries than buckets of a small table: chains work. */
    struct petls_session_cache *c = petls_session_cache_new(5000, 0);
    int i;

    for (i = 0; i < 5000; i++)
        cr_assert_eq(put_i(c, i, 8, NOW + 60, NOW), 0);
    for (i = 0; i < 5000; i++)
        cr_assert_eq(get_i(c, i, NOW), 1, "entry %d lost", i);
    cr_assert_eq(stats(c).entries, 5000);
    cr_assert_eq(stats(c).evicted, 0);
    cr_assert_eq(put_i(c, 5000, 8, NOW + 60, NOW), 0);
    cr_assert_eq(stats(c).evicted, 1);
    cr_assert_eq(get_i(c, 0, NOW), 0); /* the LRU one */
    petls_session_cache_free(c);
}

struct hammer_arg {
    struct petls_session_cache *c;
    int id;
    int hits;
    int puts;
    int lookups;
};

static void *hammer(void *p)
{
    struct hammer_arg *a = p;
    int i;

    for (i = 0; i < 4000; i++) {
        int k = (a->id * 7919 + i * 31) % 300;
        if (i % 3 == 0) {
            if (put_i(a->c, k, 40 + (size_t)(k % 50), NOW + 60, NOW) == 0)
                a->puts++;
        } else if (i % 17 == 0) {
            uint8_t key[32];
            key_of(k, key);
            petls_session_cache_remove(a->c, key, 32);
        } else {
            int r = get_i(a->c, k, NOW);
            cr_assert(r == 0 || r == 1);
            a->hits += r;
            a->lookups++;
        }
    }
    return NULL;
}

Test(session_cache, threads_keep_counters_consistent)
{
    struct petls_session_cache *c = petls_session_cache_new(128, 6000);
    struct petls_session_cache_stats s;
    pthread_t th[4];
    struct hammer_arg a[4];
    int i, hits = 0, puts = 0, lookups = 0, live = 0;

    cr_assert_not_null(c);
    for (i = 0; i < 4; i++) {
        memset(&a[i], 0, sizeof(a[i]));
        a[i].c = c;
        a[i].id = i;
        cr_assert_eq(pthread_create(&th[i], NULL, hammer, &a[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        hits += a[i].hits;
        puts += a[i].puts;
        lookups += a[i].lookups;
    }
    s = stats(c);
    cr_assert_eq(s.hits, (uint64_t)hits);
    cr_assert_eq(s.hits + s.misses, (uint64_t)lookups);
    cr_assert_eq(s.stored, (uint64_t)puts);
    cr_assert(s.entries <= 128);
    cr_assert(s.bytes <= 6000);
    /* entries and bytes match what a full scan finds. */
    {
        size_t bytes = 0;
        for (i = 0; i < 300; i++) {
            uint8_t k[32], out[512];
            size_t n;
            key_of(i, k);
            if (petls_session_cache_get(c, k, 32, out, sizeof(out), &n, NOW) ==
                1) {
                live++;
                bytes += 32 + n;
            }
        }
        cr_assert_eq((size_t)live, s.entries);
        cr_assert_eq(bytes, s.bytes);
    }
    petls_session_cache_free(c);
}
