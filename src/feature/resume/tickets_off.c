/*
 * PETLS_WITH_TICKETS=OFF: no stateless session tickets, no ticket key
 * ring. A server resumes statefully (PETLS_WITH_SESSION_CACHE: its TLS 1.3
 * tickets are ids into the cache or store) or not at all. The ticket-key
 * calls fail; the ring the engine holds is always NULL (the feature is
 * absent from the table, core/features.c). Replaces ticket_keys.c and
 * ticket_config.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

#define TICKETS_OFF                                                            \
    PETLS_FEATURE_OFF_MSG("session ticket", "PETLS_WITH_TICKETS")

int petls_config_add_ticket_key(struct petls_config *config, uint32_t keyrev,
                                unsigned char *key, size_t keylen)
{
    (void)keyrev;
    (void)key;
    (void)keylen;
    return petls_config_feature_off(config, TICKETS_OFF);
}

int petls_config_set_ticket_keys(struct petls_config *config,
                                 const uint8_t *keys, size_t len)
{
    (void)keys;
    (void)len;
    return petls_config_feature_off(config, TICKETS_OFF);
}

ssize_t petls_config_get_ticket_keys(struct petls_config *config, uint8_t *keys,
                                     size_t cap)
{
    (void)keys;
    (void)cap;
    return petls_config_feature_off(config, TICKETS_OFF);
}

int petls_config_set_ticket_keys_file(struct petls_config *config,
                                      const char *path)
{
    (void)path;
    return petls_config_feature_off(config, TICKETS_OFF);
}

int petls_config_reload_ticket_keys(struct petls_config *config)
{
    return petls_config_feature_off(config, TICKETS_OFF);
}

int petls_config_set_ticket_rotation(struct petls_config *config,
                                     uint32_t rotate_s, uint32_t grace_s)
{
    (void)rotate_s;
    (void)grace_s;
    return petls_config_feature_off(config, TICKETS_OFF);
}
