/*
 * PETLS_WITH_SESSION_CACHE=OFF: no server session cache, no external
 * session store (so no stateful mode), no client session cache. Their
 * calls fail, except those asking for what the build does anyway (a cache
 * of 0 entries, no store). The cache and seal functions the engine calls
 * are never reached with a cache (there is none) and answer "missing".
 * Replaces session_cache.c, session_seal.c and session_config.c.
 */
#include "petls_features.h"
#include "petls_internal.h"
#include "session_cache.h"
#include "session_seal.h"

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

/* ---- The cache and the sealed blobs, as the engine calls them ---- */

struct petls_session_cache *petls_session_cache_new(size_t max_entries,
                                                    size_t max_bytes)
{
    (void)max_entries;
    (void)max_bytes;
    return NULL;
}

void petls_session_cache_free(struct petls_session_cache *c)
{
    (void)c;
}

int petls_session_cache_put(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, const uint8_t *val, size_t val_len,
                            int64_t expires, int64_t now)
{
    (void)c;
    (void)key;
    (void)key_len;
    (void)val;
    (void)val_len;
    (void)expires;
    (void)now;
    return -1;
}

int petls_session_cache_get(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, uint8_t *out, size_t cap,
                            size_t *out_len, int64_t now)
{
    (void)c;
    (void)key;
    (void)key_len;
    (void)out;
    (void)cap;
    (void)out_len;
    (void)now;
    return 0;
}

int petls_session_cache_get_dup(struct petls_session_cache *c,
                                const uint8_t *key, size_t key_len,
                                uint8_t **out, size_t *out_len, int64_t now)
{
    (void)c;
    (void)key;
    (void)key_len;
    (void)out_len;
    (void)now;
    *out = NULL;
    return 0;
}

int petls_seal(const uint8_t key[32], const uint8_t *id, size_t id_len,
               const uint8_t *context, size_t context_len, int64_t expires,
               const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
               size_t *out_len)
{
    (void)key;
    (void)id;
    (void)id_len;
    (void)context;
    (void)context_len;
    (void)expires;
    (void)in;
    (void)in_len;
    (void)out;
    (void)cap;
    (void)out_len;
    return -1;
}

int petls_unseal(const uint8_t key[32], const uint8_t *id, size_t id_len,
                 const uint8_t *context, size_t context_len, int64_t now,
                 const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                 size_t *out_len)
{
    (void)key;
    (void)id;
    (void)id_len;
    (void)context;
    (void)context_len;
    (void)now;
    (void)in;
    (void)in_len;
    (void)out;
    (void)cap;
    (void)out_len;
    return -1;
}
