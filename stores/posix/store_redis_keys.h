/*
 * What the Redis stores share: the library's blocking one
 * (store_redis.c, petls_store_redis_new) and petls server's asynchronous
 * one (tools/petls/server_redis.c). Both write the same keys, so servers of
 * either kind can share one Redis: prefix + hex(id).
 */
#ifndef PETLS_STORE_REDIS_KEYS_H
#define PETLS_STORE_REDIS_KEYS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REDIS_PREFIX_MAX 128
#define REDIS_ID_MAX 64
#define REDIS_KEY_MAX (REDIS_PREFIX_MAX + 2 * REDIS_ID_MAX)
/* Per command and for connecting. */
#define REDIS_TIMEOUT_MS 250
/* After a failure, no new connection attempt for this long. */
#define REDIS_RETRY_MS 1000

/* prefix + hex(id) into key (REDIS_KEY_MAX bytes); returns its length.
 * id_len is at most REDIS_ID_MAX, prefix at most REDIS_PREFIX_MAX. */
static inline size_t redis_store_key(const char *prefix, const uint8_t *id,
                                     size_t id_len, char *key)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(prefix);
    memcpy(key, prefix, n);
    for (size_t i = 0; i < id_len; i++) {
        key[n++] = hex[id[i] >> 4];
        key[n++] = hex[id[i] & 15];
    }
    return n;
}

/* Checks a store's host, port and prefix (NULL: the default "petls:").
 * Returns the prefix to use, or NULL with the reason in err. */
static inline const char *redis_store_check(const char *host, int port,
                                            const char *prefix, char *err,
                                            size_t errlen)
{
    if (err == NULL)
        errlen = 0; /* snprintf(NULL, 0, ...) writes nothing */
    if (host == NULL || host[0] == '\0' || strlen(host) >= 256) {
        snprintf(err, errlen, "Redis session store: no host");
        return NULL;
    }
    if (port <= 0 || port > 65535) {
        snprintf(err, errlen, "Redis session store: port %d is not in 1..65535",
                 port);
        return NULL;
    }
    if (prefix == NULL)
        prefix = "petls:";
    if (strlen(prefix) > REDIS_PREFIX_MAX) {
        snprintf(err, errlen,
                 "Redis session store: key prefix longer than %d bytes",
                 REDIS_PREFIX_MAX);
        return NULL;
    }
    return prefix;
}

#endif
