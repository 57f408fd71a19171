/*
 * The engine's trace hook (Node's enableTrace()) on mbedTLS's debug
 * output: mbedtls_ssl_conf_dbg on each role's config, the global debug
 * threshold raised to the highest level asked for, each message handed
 * over without its newline, with the connection it belongs to when one is
 * current on this thread (mbedTLS passes only the config).
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/ssl.h>
#if defined(MBEDTLS_DEBUG_C)
#include <mbedtls/debug.h>
#endif

#include "backend/mbedtls/mbedtls_internal.h"

int pb_supports_trace(void)
{
#if defined(MBEDTLS_DEBUG_C)
    return 1;
#else
    return 0;
#endif
}

#if defined(MBEDTLS_DEBUG_C)
/* mbedTLS's threshold is one global: the highest level any config asked
 * for. Configs without a hook have no debug callback, so mbedTLS skips
 * their messages before formatting them. */
static atomic_int g_threshold;

/* With MBEDTLS_THREADING_C mbedTLS starts each line with "%p: ", the
 * address of the ssl context: only contexts set up with this config (or a
 * copy of it) reach its callback, and each is the ssl of a pb_conn, so the
 * address names the connection also where none is entered (the handshake
 * leftovers, a renegotiation). The prefix is dropped from the text. */
static const struct pb_conn *line_conn(const char **str)
{
    void *ssl = NULL;
    int used = 0;

    if (sscanf(*str, "%p: %n", &ssl, &used) == 1 && used > 0 && ssl != NULL) {
        *str += used;
        return (const struct pb_conn *)(const void *)((const char *)ssl -
                                                      offsetof(struct pb_conn,
                                                               ssl));
    }
    return pb_mbedtls_current();
}

static void trace_dbg(void *p, int level, const char *file, int line,
                      const char *str)
{
    const struct pb_config *cfg = p;
    const struct pb_conn *c;
    char text[512];
    size_t n;

    (void)file;
    (void)line;
    if (cfg == NULL || cfg->trace == NULL || level > cfg->trace_level ||
        str == NULL) {
        return;
    }
    c = line_conn(&str);
    n = strlen(str);
    while (n > 0 && (str[n - 1] == '\n' || str[n - 1] == '\r')) {
        n--;
    }
    if (n >= sizeof(text)) {
        n = sizeof(text) - 1;
    }
    memcpy(text, str, n);
    text[n] = '\0';
    cfg->trace(cfg->trace_arg, c != NULL ? c->owner : NULL, level, text);
}
#endif

void pb_mbedtls_trace_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                           const struct pb_settings *s)
{
    cfg->trace = s->trace;
    cfg->trace_arg = s->trace_arg;
    cfg->trace_level = s->trace_level;
#if defined(MBEDTLS_DEBUG_C)
    if (s->trace == NULL) {
        return;
    }
    mbedtls_ssl_conf_dbg(conf, trace_dbg, cfg);
    int cur = atomic_load(&g_threshold);
    while (cur < s->trace_level &&
           !atomic_compare_exchange_weak(&g_threshold, &cur, s->trace_level)) {
    }
    mbedtls_debug_set_threshold(atomic_load(&g_threshold));
#else
    (void)conf;
#endif
}
