/*
 * PETLS_WITH_SESSION_CACHE=OFF: no server session cache, no external
 * session store (so no stateful mode), no client session cache. Their
 * calls fail, except those asking for what the build does anyway (a cache
 * of 0 entries, no store). The feature is absent from the table
 * (core/features.c); session_server.c and session_client.c leave the
 * cache and the seal out. Replaces session_cache.c, session_seal.c and
 * session_config.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define CACHE_OFF                                                              \
    PETLS_FEATURE_OFF_MSG("session cache", "PETLS_WITH_SESSION_CACHE")
#define STORE_OFF                                                              \
    PETLS_FEATURE_OFF_MSG("session store", "PETLS_WITH_SESSION_CACHE")

int petls_config_set_session_cache(struct petls_config *config,
                                   size_t max_entries, size_t max_bytes)
{
    (void)max_bytes;
    if (config == NULL || petls_config_frozen(config))
        return -1;
    return max_entries == 0 ? 0 : petls_config_feature_off(config, CACHE_OFF);
}

int petls_config_session_cache_stats(struct petls_config *config,
                                     struct petls_session_cache_stats *stats)
{
    (void)stats;
    return petls_config_feature_off(config, CACHE_OFF);
}

int petls_config_set_session_store(struct petls_config *config,
                                   const struct petls_session_store *store)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    return store == NULL ? 0 : petls_config_feature_off(config, STORE_OFF);
}

int petls_config_set_session_store_key(struct petls_config *config,
                                       const uint8_t *key, size_t len)
{
    (void)key;
    (void)len;
    return petls_config_feature_off(config, STORE_OFF);
}

int petls_config_set_client_session_cache(struct petls_config *config,
                                          size_t max_entries)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    return max_entries == 0 ? 0 : petls_config_feature_off(config, CACHE_OFF);
}
