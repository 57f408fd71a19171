/*
 * Node's enableTrace(): the backend's debug output (mbedTLS's debug
 * messages) passed line by line to the application's callback, for the
 * connections of a config. Off unless a callback is set; the default level
 * shows the handshake's steps and messages but not the dumps that carry
 * secrets (docs/API.md, petls_config_set_trace_cb).
 */
#include "petls_internal.h"

int petls_config_set_trace_cb(struct petls_config *config, petls_trace_cb cb,
                              void *arg)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (cb != NULL && !pb_supports_trace()) {
        petls_config_set_error_code(config, PETLS_ERROR_NOT_BUILT_IN,
                                    "trace: this mbed TLS build has no debug "
                                    "output (MBEDTLS_DEBUG_C is off)");
        return -1;
    }
    config->trace_cb = cb;
    config->trace_cb_arg = arg;
    return 0;
}

int petls_config_set_trace_level(struct petls_config *config, int level)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (level < 1 || level > PETLS_TRACE_LEVEL_MAX) {
        petls_config_set_error_code(config, PETLS_ERROR_INVALID_ARGUMENT,
                                    "trace level must be 1 to %d (got %d)",
                                    PETLS_TRACE_LEVEL_MAX, level);
        return -1;
    }
    config->trace_level = level;
    return 0;
}

/* The backend's trace hook: arg is the config, owner the connection (or
 * NULL when the backend cannot tell). */
static void trace_hook(void *arg, void *owner, int level, const char *text)
{
    struct petls_config *c = arg;

    if (c->trace_cb != NULL)
        c->trace_cb(owner, level, text, c->trace_cb_arg);
}

void petls_trace_settings(struct petls_config *c, struct pb_settings *s)
{
    if (c->trace_cb == NULL)
        return;
    s->trace = trace_hook;
    s->trace_arg = c;
    s->trace_level =
        c->trace_level != 0 ? c->trace_level : PETLS_TRACE_LEVEL_DEFAULT;
}
