/*
 * PETLS_WITH_KEYLOG=OFF: no key log. petls_config_set_keylog_cb() fails;
 * the backend gets no key-log hook (features.c). Replaces keylog.c.
 */
#include "petls_features.h"
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
