/*
 * Shared-memory session store: one MAP_SHARED|MAP_ANONYMOUS mapping made
 * before fork(), so the parent and every child it forks see the same
 * sessions (as nginx's ssl_session_cache shared:). Everything inside the
 * mapping refers to other parts by slot index, never by pointer, so it
 * means the same in every process whatever address the mapping has.
 *
 * Layout: header | bucket heads (int32) | slots. A slot holds one id and
 * its sealed blob; slots are taken from a high-water mark and then from a
 * free list, so pages of never-used slots are never touched (the mapping
 * can be large without costing memory up front).
 *
 * One process-shared, robust mutex guards it all. A process that dies
 * holding it leaves the table possibly half-updated: the next locker
 * empties the table and carries on (losing the cache costs only full
 * handshakes, never a failed one).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, getrandom */
#define _POSIX_C_SOURCE 200809L

#include "store_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h>
#endif

/* Ids petls hands to stores are 32 bytes (TLS 1.2 session IDs, stateful
 * TLS 1.3 ticket ids); room for more costs little. */
#define SHM_ID_MAX 64
#define SHM_NONE (-1)
/* The mapping never exceeds this (slots are ~8 KiB each). */
#define SHM_MAX_SLOTS (1u << 20)

struct shm_slot {
    int32_t hash_next; /* next slot in the same bucket */
    int32_t lru_prev;  /* towards the most recently used */
    int32_t lru_next;  /* towards the least recently used */
    uint32_t blob_len;
    int64_t expires; /* Unix time */
    uint8_t id_len;
    uint8_t id[SHM_ID_MAX];
    uint8_t blob[PETLS_STORE_BLOB_MAX];
};

struct shm_header {
    pthread_mutex_t lock;
    uint64_t seed; /* per store: bucket positions differ between stores */
    uint32_t nslots;
    uint32_t nbuckets;   /* a power of two */
    uint32_t high_water; /* slots [0, high_water) have been used */
    int32_t free_head;
    int32_t lru_head; /* most recently used */
    int32_t lru_tail; /* least recently used: evicted first */
    uint64_t hits, misses, expired, evicted, stored;
    uint64_t entries, bytes;
};

struct shm_store {
    struct petls_store base; /* first: store.c casts */
    void *map;
    size_t map_len;
    struct shm_header *h;
    int32_t *buckets;
    struct shm_slot *slots;
};

static struct shm_store *shm_of(void *arg)
{
    return (struct shm_store *)arg;
}

/* FNV-1a over the id, started from a per-store seed. Ids that are inserted
 * are made by the server from its random generator, so a client choosing
 * the ids it looks up cannot lengthen any chain: a keyed hash buys
 * nothing here. */
static uint32_t shm_hash(const struct shm_header *h, const uint8_t *id,
                         size_t len)
{
    uint64_t x = 1469598103934665603ull ^ h->seed;
    for (size_t i = 0; i < len; i++) {
        x ^= id[i];
        x *= 1099511628211ull;
    }
    x ^= x >> 29;
    return (uint32_t)x & (h->nbuckets - 1);
}

static void shm_reset(struct shm_store *s)
{
    struct shm_header *h = s->h;
    for (uint32_t i = 0; i < h->nbuckets; i++)
        s->buckets[i] = SHM_NONE;
    h->high_water = 0;
    h->free_head = SHM_NONE;
    h->lru_head = h->lru_tail = SHM_NONE;
    h->entries = h->bytes = 0;
}

static int shm_lock(struct shm_store *s)
{
    int rc = pthread_mutex_lock(&s->h->lock);
    if (rc == EOWNERDEAD) {
        /* Its holder died mid-update: start from an empty table. */
        shm_reset(s);
        pthread_mutex_consistent(&s->h->lock);
        return 0;
    }
    return rc == 0 ? 0 : -1;
}

static void shm_unlock(struct shm_store *s)
{
    pthread_mutex_unlock(&s->h->lock);
}

static void lru_unlink(struct shm_store *s, int32_t i)
{
    struct shm_slot *e = &s->slots[i];
    if (e->lru_prev != SHM_NONE)
        s->slots[e->lru_prev].lru_next = e->lru_next;
    else
        s->h->lru_head = e->lru_next;
    if (e->lru_next != SHM_NONE)
        s->slots[e->lru_next].lru_prev = e->lru_prev;
    else
        s->h->lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = SHM_NONE;
}

static void lru_push_front(struct shm_store *s, int32_t i)
{
    struct shm_slot *e = &s->slots[i];
    e->lru_prev = SHM_NONE;
    e->lru_next = s->h->lru_head;
    if (s->h->lru_head != SHM_NONE)
        s->slots[s->h->lru_head].lru_prev = i;
    s->h->lru_head = i;
    if (s->h->lru_tail == SHM_NONE)
        s->h->lru_tail = i;
}

/* Finds id; *link_out points at the int32 that refers to it (for unlink). */
static int32_t shm_find(struct shm_store *s, const uint8_t *id, size_t len,
                        int32_t **link_out)
{
    int32_t *link = &s->buckets[shm_hash(s->h, id, len)];
    while (*link != SHM_NONE) {
        struct shm_slot *e = &s->slots[*link];
        if (e->id_len == len && memcmp(e->id, id, len) == 0) {
            if (link_out != NULL)
                *link_out = link;
            return *link;
        }
        link = &e->hash_next;
    }
    return SHM_NONE;
}

/* Drops slot i (found through link) and returns it to the free list. */
static void shm_drop(struct shm_store *s, int32_t i, int32_t *link)
{
    struct shm_slot *e = &s->slots[i];
    *link = e->hash_next;
    lru_unlink(s, i);
    s->h->entries--;
    s->h->bytes -= e->id_len + (uint64_t)e->blob_len;
    memset(e->blob, 0, e->blob_len);
    e->blob_len = 0;
    e->id_len = 0;
    e->hash_next = s->h->free_head;
    s->h->free_head = i;
}

static void shm_drop_id(struct shm_store *s, const uint8_t *id, size_t len)
{
    int32_t *link;
    int32_t i = shm_find(s, id, len, &link);
    if (i != SHM_NONE)
        shm_drop(s, i, link);
}

/* A free slot: from the free list, then never-used ones, then by evicting
 * the least recently used entry. */
static int32_t shm_take_slot(struct shm_store *s, int64_t now)
{
    struct shm_header *h = s->h;
    if (h->free_head != SHM_NONE) {
        int32_t i = h->free_head;
        h->free_head = s->slots[i].hash_next;
        return i;
    }
    if (h->high_water < h->nslots)
        return (int32_t)h->high_water++;
    int32_t victim = h->lru_tail;
    struct shm_slot *v = &s->slots[victim];
    if (v->expires <= now)
        h->expired++;
    else
        h->evicted++;
    shm_drop_id(s, v->id, v->id_len);
    int32_t i = h->free_head;
    h->free_head = s->slots[i].hash_next;
    return i;
}

static int shm_put(void *arg, const uint8_t *id, size_t id_len,
                   const uint8_t *blob, size_t blob_len, time_t expires)
{
    struct shm_store *s = shm_of(arg);
    if (id == NULL || id_len == 0 || id_len > SHM_ID_MAX || blob == NULL ||
        blob_len == 0 || blob_len > PETLS_STORE_BLOB_MAX)
        return -1;
    int64_t now = (int64_t)time(NULL);
    if ((int64_t)expires <= now)
        return -1;
    if (shm_lock(s) != 0)
        return -1;
    shm_drop_id(s, id, id_len); /* a put replaces */
    int32_t i = shm_take_slot(s, now);
    struct shm_slot *e = &s->slots[i];
    e->id_len = (uint8_t)id_len;
    memcpy(e->id, id, id_len);
    e->blob_len = (uint32_t)blob_len;
    memcpy(e->blob, blob, blob_len);
    e->expires = (int64_t)expires;
    int32_t *head = &s->buckets[shm_hash(s->h, id, id_len)];
    e->hash_next = *head;
    *head = i;
    lru_push_front(s, i);
    s->h->entries++;
    s->h->bytes += id_len + (uint64_t)blob_len;
    s->h->stored++;
    shm_unlock(s);
    return 0;
}

static int shm_get(void *arg, struct petls *conn, const uint8_t *id,
                   size_t id_len, uint8_t *blob, size_t *blob_len)
{
    struct shm_store *s = shm_of(arg);
    (void)conn;
    if (id == NULL || id_len == 0 || id_len > SHM_ID_MAX || blob == NULL ||
        blob_len == NULL)
        return PETLS_STORE_MISS;
    if (shm_lock(s) != 0)
        return PETLS_STORE_MISS;
    int rc = PETLS_STORE_MISS;
    int32_t *link;
    int32_t i = shm_find(s, id, id_len, &link);
    if (i == SHM_NONE) {
        s->h->misses++;
    } else if (s->slots[i].expires <= (int64_t)time(NULL)) {
        s->h->expired++;
        s->h->misses++;
        shm_drop(s, i, link);
    } else {
        struct shm_slot *e = &s->slots[i];
        memcpy(blob, e->blob, e->blob_len);
        *blob_len = e->blob_len;
        lru_unlink(s, i);
        lru_push_front(s, i);
        s->h->hits++;
        rc = PETLS_STORE_FOUND;
    }
    shm_unlock(s);
    return rc;
}

static void shm_remove(void *arg, const uint8_t *id, size_t id_len)
{
    struct shm_store *s = shm_of(arg);
    if (id == NULL || id_len == 0 || id_len > SHM_ID_MAX)
        return;
    if (shm_lock(s) != 0)
        return;
    shm_drop_id(s, id, id_len);
    shm_unlock(s);
}

static int shm_stats(struct petls_store *store,
                     struct petls_session_cache_stats *st)
{
    struct shm_store *s = (struct shm_store *)store;
    if (shm_lock(s) != 0)
        return -1;
    st->hits = s->h->hits;
    st->misses = s->h->misses;
    st->expired = s->h->expired;
    st->evicted = s->h->evicted;
    st->stored = s->h->stored;
    st->entries = (size_t)s->h->entries;
    st->bytes = (size_t)s->h->bytes;
    shm_unlock(s);
    return 0;
}

static void shm_destroy(struct petls_store *store)
{
    struct shm_store *s = (struct shm_store *)store;
    /* Only the slots ever used hold blobs; the rest were never touched. */
    if (s->h != NULL)
        memset(s->slots, 0, (size_t)s->h->high_water * sizeof(*s->slots));
    munmap(s->map, s->map_len);
    free(s);
}

static uint64_t shm_random_seed(void)
{
    uint64_t seed = 0;
#if defined(__linux__)
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
        return seed;
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
           ((uint64_t)getpid() << 16);
}

static int shm_init_mutex(pthread_mutex_t *m, char *err, size_t errlen)
{
    pthread_mutexattr_t a;
    int rc = pthread_mutexattr_init(&a);
    if (rc == 0)
        rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    if (rc != 0)
        store_set_error(err, errlen,
                        "shared-memory session store: process-shared mutex: "
                        "%s",
                        strerror(rc));
    return rc == 0 ? 0 : -1;
}

struct petls_store *petls_store_shm_new(size_t max_entries, size_t max_bytes,
                                        char *err, size_t errlen)
{
    size_t nslots = max_entries;
    if (max_bytes > 0 && max_bytes / sizeof(struct shm_slot) < nslots)
        nslots = max_bytes / sizeof(struct shm_slot);
    if (nslots == 0) {
        store_set_error(err, errlen,
                        "shared-memory session store: room for no session "
                        "(entries %zu, bytes %zu; a slot takes %zu bytes)",
                        max_entries, max_bytes, sizeof(struct shm_slot));
        return NULL;
    }
    if (nslots > SHM_MAX_SLOTS) {
        store_set_error(err, errlen,
                        "shared-memory session store: at most %u entries",
                        SHM_MAX_SLOTS);
        return NULL;
    }
    uint32_t nbuckets = 1;
    while (nbuckets < nslots)
        nbuckets <<= 1;

    size_t head_len = sizeof(struct shm_header);
    size_t buckets_off = (head_len + 63) & ~(size_t)63;
    size_t slots_off =
        (buckets_off + nbuckets * sizeof(int32_t) + 63) & ~(size_t)63;
    size_t map_len = slots_off + nslots * sizeof(struct shm_slot);

    struct shm_store *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        store_set_error(err, errlen,
                        "shared-memory session store: out of memory");
        return NULL;
    }
    void *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        store_set_error(err, errlen,
                        "shared-memory session store: mmap of %zu bytes: %s",
                        map_len, strerror(errno));
        free(s);
        return NULL;
    }
    s->map = map;
    s->map_len = map_len;
    s->h = (struct shm_header *)map;
    s->buckets = (int32_t *)((char *)map + buckets_off);
    s->slots = (struct shm_slot *)((char *)map + slots_off);
    if (shm_init_mutex(&s->h->lock, err, errlen) != 0) {
        munmap(map, map_len);
        free(s);
        return NULL;
    }
    s->h->seed = shm_random_seed();
    s->h->nslots = (uint32_t)nslots;
    s->h->nbuckets = nbuckets;
    shm_reset(s);

    s->base.hooks.put = shm_put;
    s->base.hooks.get = shm_get;
    s->base.hooks.remove = shm_remove;
    s->base.hooks.arg = s;
    s->base.stats = shm_stats;
    s->base.destroy = shm_destroy;
    return &s->base;
}
