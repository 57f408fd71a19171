/*
 * The ready-made session stores need processes, shared memory or sockets:
 * none of that exists on bare metal, so each constructor fails saying so.
 * Firmware passes its own struct petls_session_store instead.
 */
#include <stdio.h>

#include <petls.h>

#define NOT_SUPPORTED "not supported on this port"

static void not_supported(char *err, size_t errlen, const char *what)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: " NOT_SUPPORTED, what);
}

struct petls_store *petls_store_shm_new(size_t max_entries, size_t max_bytes,
                                        char *err, size_t errlen)
{
    (void)max_entries;
    (void)max_bytes;
    not_supported(err, errlen, "shared-memory session store");
    return NULL;
}

struct petls_store *petls_store_redis_new(const char *host, int port,
                                          const char *prefix, char *err,
                                          size_t errlen)
{
    (void)host;
    (void)port;
    (void)prefix;
    not_supported(err, errlen, "Redis session store");
    return NULL;
}

const struct petls_session_store *petls_store_hooks(struct petls_store *store)
{
    (void)store;
    return NULL;
}

int petls_store_stats(struct petls_store *store,
                      struct petls_session_cache_stats *stats)
{
    (void)store;
    (void)stats;
    return -1;
}

void petls_store_free(struct petls_store *store)
{
    (void)store;
}
