/*
 * The built-in server session cache: separate chaining on a power-of-two
 * bucket array, keyed by SipHash-2-4 under a random per-cache key (clients
 * choose session IDs, so an unkeyed hash would let them pile every entry
 * into one chain), plus a doubly linked LRU list. One port mutex guards it.
 */
#include "session_cache.h"

#include <string.h>

#include "backend/backend.h"
#include "petls_port.h"

/* Bucket array bounds: a cache of 20480 entries gets 32768 buckets (256 KiB
 * on 64-bit); a tiny one still gets a few. */
#define CACHE_MIN_BUCKETS 16u
#define CACHE_MAX_BUCKETS (1u << 20)

struct cache_entry {
    struct cache_entry *chain; /* next in the same bucket */
    struct cache_entry *newer; /* LRU neighbours */
    struct cache_entry *older;
    uint64_t hash;
    int64_t expires;
    size_t key_len;
    size_t val_len;
    uint8_t key[PETLS_CACHE_KEY_MAX];
    uint8_t val[]; /* val_len bytes, zeroized on drop */
};

struct petls_session_cache {
    petls_port_mutex *lock;
    struct cache_entry **buckets;
    size_t mask; /* buckets - 1 */
    struct cache_entry *newest;
    struct cache_entry *oldest;
    size_t max_entries;
    size_t max_bytes;
    uint8_t sip_key[16];
    struct petls_session_cache_stats st;
};

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ---------------------- */

static uint64_t rotl64(uint64_t x, unsigned int b)
{
    return (x << b) | (x >> (64u - b));
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl64(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl64(v[0], 32);
    v[2] += v[3];
    v[3] = rotl64(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl64(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl64(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl64(v[2], 32);
}

static uint64_t siphash24(const uint8_t key[16], const uint8_t *in, size_t len)
{
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
                     k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
    uint64_t m, b = (uint64_t)len << 56;
    size_t i, tail = len & 7u;

    for (i = 0; i + 8 <= len; i += 8) {
        m = load_le64(in + i);
        v[3] ^= m;
        sip_round(v);
        sip_round(v);
        v[0] ^= m;
    }
    for (m = 0; tail > 0; tail--)
        m |= (uint64_t)in[i + tail - 1] << (8 * (tail - 1));
    b |= m;
    v[3] ^= b;
    sip_round(v);
    sip_round(v);
    v[0] ^= b;
    v[2] ^= 0xff;
    sip_round(v);
    sip_round(v);
    sip_round(v);
    sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Exposed for the unit test's known-answer check (not in the header: not
 * part of the module's contract). */
uint64_t petls_session_cache_siphash(const uint8_t key[16], const uint8_t *in,
                                     size_t len);
uint64_t petls_session_cache_siphash(const uint8_t key[16], const uint8_t *in,
                                     size_t len)
{
    return siphash24(key, in, len);
}

/* ---- Lists ------------------------------------------------------------ */

static void lru_unlink(struct petls_session_cache *c, struct cache_entry *e)
{
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push_newest(struct petls_session_cache *c,
                            struct cache_entry *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest != NULL)
        c->newest->newer = e;
    c->newest = e;
    if (c->oldest == NULL)
        c->oldest = e;
}

static struct cache_entry *find(struct petls_session_cache *c, uint64_t h,
                                const uint8_t *key, size_t key_len)
{
    struct cache_entry *e;

    for (e = c->buckets[h & c->mask]; e != NULL; e = e->chain) {
        if (e->hash == h && e->key_len == key_len &&
            memcmp(e->key, key, key_len) == 0)
            return e;
    }
    return NULL;
}

static void entry_free(struct cache_entry *e)
{
    size_t n = sizeof(*e) + e->val_len;

    pb_zeroize(e, n);
    petls_port_free(e);
}

/* Unlinks e from its chain and the LRU list, updates the totals, frees. */
static void drop(struct petls_session_cache *c, struct cache_entry *e)
{
    struct cache_entry **pp = &c->buckets[e->hash & c->mask];

    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    lru_unlink(c, e);
    c->st.entries--;
    c->st.bytes -= e->key_len + e->val_len;
    entry_free(e);
}

/* ---- API -------------------------------------------------------------- */

struct petls_session_cache *petls_session_cache_new(size_t max_entries,
                                                    size_t max_bytes)
{
    struct petls_session_cache *c;
    size_t n = CACHE_MIN_BUCKETS;

    if (max_entries == 0)
        return NULL;
    while (n < max_entries && n < CACHE_MAX_BUCKETS)
        n <<= 1;
    c = petls_port_calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->buckets = petls_port_calloc(n, sizeof(struct cache_entry *));
    c->lock = petls_port_mutex_new();
    if (c->buckets == NULL || c->lock == NULL ||
        pb_random(c->sip_key, sizeof(c->sip_key)) != 0) {
        if (c->lock != NULL)
            petls_port_mutex_free(c->lock);
        petls_port_free(c->buckets);
        petls_port_free(c);
        return NULL;
    }
    c->mask = n - 1;
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    return c;
}

void petls_session_cache_free(struct petls_session_cache *c)
{
    struct cache_entry *e, *next;

    if (c == NULL)
        return;
    for (e = c->newest; e != NULL; e = next) {
        next = e->older;
        entry_free(e);
    }
    petls_port_free(c->buckets);
    petls_port_mutex_free(c->lock);
    pb_zeroize(c, sizeof(*c));
    petls_port_free(c);
}

int petls_session_cache_put(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, const uint8_t *val, size_t val_len,
                            int64_t expires, int64_t now)
{
    struct cache_entry *e, *old;
    size_t need = key_len + val_len;
    uint64_t h;

    if (c == NULL || key_len == 0 || key_len > PETLS_CACHE_KEY_MAX ||
        expires <= now || (c->max_bytes != 0 && need > c->max_bytes) ||
        val_len > ((size_t)-1) - sizeof(*e))
        return -1;
    /* Allocate outside the lock: the allocator may be slow. */
    e = petls_port_calloc(1, sizeof(*e) + val_len);
    if (e == NULL)
        return -1;
    h = siphash24(c->sip_key, key, key_len);
    e->hash = h;
    e->expires = expires;
    e->key_len = key_len;
    e->val_len = val_len;
    memcpy(e->key, key, key_len);
    if (val_len > 0)
        memcpy(e->val, val, val_len);

    petls_port_mutex_lock(c->lock);
    old = find(c, h, key, key_len);
    if (old != NULL)
        drop(c, old); /* a replacement, not an eviction */
    while (c->oldest != NULL &&
           (c->st.entries + 1 > c->max_entries ||
            (c->max_bytes != 0 && c->st.bytes + need > c->max_bytes))) {
        if (c->oldest->expires <= now)
            c->st.expired++;
        else
            c->st.evicted++;
        drop(c, c->oldest);
    }
    /* Entries past their time at the old end go too, so that a cache that
     * sees only puts does not hold dead sessions until evicted. */
    while (c->oldest != NULL && c->oldest->expires <= now) {
        c->st.expired++;
        drop(c, c->oldest);
    }
    e->chain = c->buckets[h & c->mask];
    c->buckets[h & c->mask] = e;
    lru_push_newest(c, e);
    c->st.entries++;
    c->st.bytes += need;
    c->st.stored++;
    petls_port_mutex_unlock(c->lock);
    return 0;
}

/* The lookup both getters share: copies a live entry into out (cap bytes)
 * or, with dup set, into a buffer of its exact size from petls_port_calloc.
 * 1 found, 0 missing or expired, -1 cap too small or out of memory. */
static int cache_get(struct petls_session_cache *c, const uint8_t *key,
                     size_t key_len, uint8_t *out, size_t cap, uint8_t **dup,
                     size_t *out_len, int64_t now)
{
    struct cache_entry *e;
    uint64_t h;
    int ret;

    if (c == NULL || key_len == 0 || key_len > PETLS_CACHE_KEY_MAX) {
        if (c != NULL) {
            petls_port_mutex_lock(c->lock);
            c->st.misses++;
            petls_port_mutex_unlock(c->lock);
        }
        return 0;
    }
    h = siphash24(c->sip_key, key, key_len);
    petls_port_mutex_lock(c->lock);
    e = find(c, h, key, key_len);
    if (e == NULL) {
        c->st.misses++;
        ret = 0;
    } else if (e->expires <= now) {
        c->st.expired++;
        c->st.misses++;
        drop(c, e);
        ret = 0;
    } else if (dup == NULL && e->val_len > cap) {
        ret = -1;
    } else {
        if (dup != NULL) {
            out = petls_port_calloc(1, e->val_len > 0 ? e->val_len : 1);
            *dup = out;
        }
        if (out == NULL) {
            ret = -1;
        } else {
            if (e->val_len > 0)
                memcpy(out, e->val, e->val_len);
            *out_len = e->val_len;
            lru_unlink(c, e);
            lru_push_newest(c, e);
            c->st.hits++;
            ret = 1;
        }
    }
    petls_port_mutex_unlock(c->lock);
    return ret;
}

int petls_session_cache_get(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, uint8_t *out, size_t cap,
                            size_t *out_len, int64_t now)
{
    return cache_get(c, key, key_len, out, cap, NULL, out_len, now);
}

int petls_session_cache_get_dup(struct petls_session_cache *c,
                                const uint8_t *key, size_t key_len,
                                uint8_t **out, size_t *out_len, int64_t now)
{
    *out = NULL;
    return cache_get(c, key, key_len, NULL, 0, out, out_len, now);
}

void petls_session_cache_remove(struct petls_session_cache *c,
                                const uint8_t *key, size_t key_len)
{
    struct cache_entry *e;
    uint64_t h;

    if (c == NULL || key_len == 0 || key_len > PETLS_CACHE_KEY_MAX)
        return;
    h = siphash24(c->sip_key, key, key_len);
    petls_port_mutex_lock(c->lock);
    e = find(c, h, key, key_len);
    if (e != NULL)
        drop(c, e);
    petls_port_mutex_unlock(c->lock);
}

size_t petls_session_cache_flush_expired(struct petls_session_cache *c,
                                         int64_t now)
{
    struct cache_entry *e, *newer;
    size_t n = 0;

    if (c == NULL)
        return 0;
    petls_port_mutex_lock(c->lock);
    for (e = c->oldest; e != NULL; e = newer) {
        newer = e->newer;
        if (e->expires <= now) {
            c->st.expired++;
            drop(c, e);
            n++;
        }
    }
    petls_port_mutex_unlock(c->lock);
    return n;
}

void petls_session_cache_stats(struct petls_session_cache *c,
                               struct petls_session_cache_stats *out)
{
    if (c == NULL) {
        memset(out, 0, sizeof(*out));
        return;
    }
    petls_port_mutex_lock(c->lock);
    *out = c->st;
    petls_port_mutex_unlock(c->lock);
}
