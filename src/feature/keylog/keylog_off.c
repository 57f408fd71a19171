/*
 * PETLS_WITH_KEYLOG=OFF: no key log. petls_config_set_keylog_cb() fails and
 * the backend's key hook does nothing. Replaces keylog.c.
 */
#include "petls_features.h"
#include "nego.h"
#include "petls_internal.h"

int petls_config_set_keylog_cb(struct petls_config *config, petls_keylog_cb cb,
                               void *arg)
{
    (void)cb;
    (void)arg;
    if (config != NULL)
        petls_config_set_error(
            config, PETLS_FEATURE_OFF_MSG("key log", "PETLS_WITH_KEYLOG"));
    return -1;
}

void petls_nego_keylog(void *owner, const char *label,
                       const uint8_t *client_random, const uint8_t *secret,
                       size_t secret_len)
{
    (void)owner;
    (void)label;
    (void)client_random;
    (void)secret;
    (void)secret_len;
}
