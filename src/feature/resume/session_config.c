/*
 * Settings of the server's session cache and external store, and of the
 * client's session cache. Compiled out with PETLS_WITH_SESSION_CACHE=OFF
 * (session_cache_off.c).
 */
#include <string.h>

#include "feature.h"
#include "petls_internal.h"
#include "session_cache.h"

int petls_config_set_session_cache(struct petls_config *c, size_t max_entries,
                                   size_t max_bytes)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    c->cache_max_entries = max_entries;
    c->cache_max_bytes = max_bytes;
    return 0;
}

int petls_config_session_cache_stats(struct petls_config *c,
                                     struct petls_session_cache_stats *stats)
{
    struct petls_session_cache *cache;

    if (c == NULL)
        return -1;
    if (stats == NULL) {
        petls_config_set_error(c, "no place for the statistics");
        return -1;
    }
    memset(stats, 0, sizeof(*stats));
    petls_port_mutex_lock(c->mutex);
    cache = c->cache;
    petls_port_mutex_unlock(c->mutex);
    /* A cache not made yet (no server used the config) is empty. */
    if (cache != NULL)
        petls_session_cache_stats(cache, stats);
    return 0;
}

int petls_config_set_session_store(struct petls_config *c,
                                   const struct petls_session_store *store)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (store == NULL) {
        memset(&c->store, 0, sizeof(c->store));
        c->have_store = 0;
        return 0;
    }
    if (store->put == NULL || store->get == NULL) {
        petls_config_set_error(c, "session store needs put and get");
        return -1;
    }
    c->store = *store;
    c->have_store = 1;
    return 0;
}

int petls_config_set_session_store_key(struct petls_config *c,
                                       const uint8_t *key, size_t len)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (key == NULL || len != PETLS_STORE_KEY_SIZE) {
        petls_config_set_error(c, "session store key must be %d bytes",
                               PETLS_STORE_KEY_SIZE);
        return -1;
    }
    memcpy(c->store_key, key, PETLS_STORE_KEY_SIZE);
    return 0;
}

int petls_config_set_client_session_cache(struct petls_config *c,
                                          size_t max_entries)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    c->client_cache_entries = max_entries;
    return 0;
}

/* ---- Hooks (the feature table, core/features.c) ---- */

static void session_cache_config_free(struct petls_config *c)
{
    petls_session_cache_free(c->cache);
    petls_session_cache_free(c->client_cache);
    c->cache = NULL;
    c->client_cache = NULL;
}

const struct petls_feature petls_feature_session_cache = {
    .name = "session_cache",
    .config_free = session_cache_config_free,
};
