/*
 * Redis session store (hiredis): sessions shared between machines. Keys are
 * prefix + hex(id), values the sealed blobs, with Redis expiring them at
 * the session's own expiry (SET ... EXAT). Calls block, but only for a
 * short timeout: a Redis that is slow or down is a miss (and a lost put),
 * never a failed handshake. After a failure the store waits a moment
 * before trying to reconnect, so a dead Redis does not add a connect
 * timeout to every handshake.
 *
 * The connection is made on first use and belongs to the process that made
 * it: a child forked after that (petls server --workers) makes its own
 * instead of sharing the parent's socket.
 */
#define _POSIX_C_SOURCE 200809L

#include "store_internal.h"
#include "store_redis_keys.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

struct redis_store {
    struct petls_store base; /* first: store.c casts */
    pthread_mutex_t lock;    /* hiredis contexts are not thread-safe */
    redisContext *rc;
    pid_t owner; /* process that opened rc */
    uint64_t retry_after_ms;
    char host[256];
    int port;
    char prefix[REDIS_PREFIX_MAX + 1];
    uint64_t hits, misses, stored, errors;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void redis_drop(struct redis_store *r)
{
    if (r->rc != NULL)
        redisFree(r->rc);
    r->rc = NULL;
}

/* A failure: forget the connection and hold off reconnecting. */
static void redis_failed(struct redis_store *r)
{
    r->errors++;
    redis_drop(r);
    r->retry_after_ms = now_ms() + REDIS_RETRY_MS;
}

/* The connection for this process, or NULL (Redis unreachable). */
static redisContext *redis_conn(struct redis_store *r)
{
    if (r->rc != NULL && r->owner != getpid()) {
        /* Inherited across fork(): closing our copy of the descriptor
         * leaves the parent's connection alone. */
        redis_drop(r);
        r->retry_after_ms = 0;
    }
    if (r->rc != NULL)
        return r->rc;
    if (r->retry_after_ms != 0 && now_ms() < r->retry_after_ms)
        return NULL;
    struct timeval tv = {REDIS_TIMEOUT_MS / 1000,
                         (REDIS_TIMEOUT_MS % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
    if (c == NULL || c->err != 0 || redisSetTimeout(c, tv) != REDIS_OK) {
        if (c != NULL)
            redisFree(c);
        redis_failed(r);
        return NULL;
    }
    r->rc = c;
    r->owner = getpid();
    r->retry_after_ms = 0;
    return c;
}

static int redis_put(void *arg, const uint8_t *id, size_t id_len,
                     const uint8_t *blob, size_t blob_len, time_t expires)
{
    struct redis_store *r = arg;
    char key[REDIS_KEY_MAX];
    if (id == NULL || id_len == 0 || id_len > REDIS_ID_MAX || blob == NULL ||
        blob_len == 0 || blob_len > PETLS_STORE_BLOB_MAX ||
        expires <= time(NULL))
        return -1;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    int rc = -1;
    pthread_mutex_lock(&r->lock);
    redisContext *c = redis_conn(r);
    if (c != NULL) {
        redisReply *rep = redisCommand(c, "SET %b %b EXAT %lld", key, klen,
                                       blob, blob_len, (long long)expires);
        if (rep == NULL) {
            redis_failed(r);
        } else {
            if (rep->type == REDIS_REPLY_STATUS) {
                r->stored++;
                rc = 0;
            } else {
                r->errors++;
            }
            freeReplyObject(rep);
        }
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static int redis_get(void *arg, struct petls *conn, const uint8_t *id,
                     size_t id_len, uint8_t *blob, size_t *blob_len)
{
    struct redis_store *r = arg;
    char key[REDIS_KEY_MAX];
    (void)conn;
    if (id == NULL || id_len == 0 || id_len > REDIS_ID_MAX || blob == NULL ||
        blob_len == NULL)
        return PETLS_STORE_MISS;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    int rc = PETLS_STORE_MISS;
    pthread_mutex_lock(&r->lock);
    redisContext *c = redis_conn(r);
    if (c != NULL) {
        redisReply *rep = redisCommand(c, "GET %b", key, klen);
        if (rep == NULL) {
            redis_failed(r);
        } else {
            if (rep->type == REDIS_REPLY_STRING && rep->len > 0 &&
                rep->len <= PETLS_STORE_BLOB_MAX) {
                memcpy(blob, rep->str, rep->len);
                *blob_len = rep->len;
                rc = PETLS_STORE_FOUND;
            } else if (rep->type == REDIS_REPLY_ERROR) {
                r->errors++;
            }
            freeReplyObject(rep);
        }
    }
    if (rc == PETLS_STORE_FOUND)
        r->hits++;
    else
        r->misses++;
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static void redis_remove(void *arg, const uint8_t *id, size_t id_len)
{
    struct redis_store *r = arg;
    char key[REDIS_KEY_MAX];
    if (id == NULL || id_len == 0 || id_len > REDIS_ID_MAX)
        return;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    pthread_mutex_lock(&r->lock);
    redisContext *c = redis_conn(r);
    if (c != NULL) {
        redisReply *rep = redisCommand(c, "DEL %b", key, klen);
        if (rep == NULL)
            redis_failed(r);
        else
            freeReplyObject(rep);
    }
    pthread_mutex_unlock(&r->lock);
}

static int redis_stats(struct petls_store *store,
                       struct petls_session_cache_stats *st)
{
    struct redis_store *r = (struct redis_store *)store;
    pthread_mutex_lock(&r->lock);
    memset(st, 0, sizeof(*st));
    st->hits = r->hits;
    st->misses = r->misses;
    st->stored = r->stored;
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static void redis_destroy(struct petls_store *store)
{
    struct redis_store *r = (struct redis_store *)store;
    /* A connection inherited from a parent is closed, not shut down, by
     * redisFree: the parent's stays usable. */
    redis_drop(r);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

struct petls_store *petls_store_redis_new(const char *host, int port,
                                          const char *prefix, char *err,
                                          size_t errlen)
{
    prefix = redis_store_check(host, port, prefix, err, errlen);
    if (prefix == NULL)
        return NULL;
    struct redis_store *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        store_set_error(err, errlen, "Redis session store: out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        store_set_error(err, errlen, "Redis session store: mutex init");
        return NULL;
    }
    strcpy(r->host, host);
    r->port = port;
    strcpy(r->prefix, prefix);
    r->base.hooks.put = redis_put;
    r->base.hooks.get = redis_get;
    r->base.hooks.remove = redis_remove;
    r->base.hooks.arg = r;
    r->base.stats = redis_stats;
    r->base.destroy = redis_destroy;
    return &r->base;
}
