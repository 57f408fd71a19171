/* Error messages and codes: formatted into fixed buffers inside the objects,
 * so that reporting a failure never needs memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "petls_internal.h"

void petls_err_clear(struct petls_err *e)
{
    e->set = 0;
    e->code = PETLS_ERROR_NONE;
    e->msg[0] = '\0';
}

/* Messages whose wording fixes their kind, wherever they are set. */
static const struct {
    const char *text;
    unsigned char anywhere; /* 0: a prefix of the message */
    unsigned char code;
} err_kinds[] = {
    {"out of memory", 0, PETLS_ERROR_OUT_OF_MEMORY},
    {"compiled out (PETLS_WITH_", 1, PETLS_ERROR_NOT_BUILT_IN},
    {"config is in use and can no longer be changed", 0,
     PETLS_ERROR_CONFIG_FROZEN},
    {"certificate verification failed", 0, PETLS_ERROR_VERIFY},
    {"handshake timed out", 0, PETLS_ERROR_TIMEOUT},
};

static int err_kind(const char *msg, int code)
{
    size_t i;

    for (i = 0; i < sizeof(err_kinds) / sizeof(err_kinds[0]); i++) {
        const char *t = err_kinds[i].text;

        if (err_kinds[i].anywhere ? strstr(msg, t) != NULL
                                  : strncmp(msg, t, strlen(t)) == 0)
            return err_kinds[i].code;
    }
    return code;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static void
err_vset(struct petls_err *e, int code, const char *fmt, va_list ap)
{
    /* clang-analyzer 14 reports any va_list parameter as uninitialised
     * (a known false positive). */
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap); /* NOLINT */
    e->set = 1;
    e->code = err_kind(e->msg, code);
}

void petls_err_set(struct petls_err *e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(e, PETLS_ERROR_UNKNOWN, fmt, ap);
    va_end(ap);
}

void petls_err_copy(struct petls_err *dst, const struct petls_err *src)
{
    if (dst == src)
        return;
    if (!src->set) {
        petls_err_clear(dst);
        return;
    }
    memcpy(dst->msg, src->msg, sizeof(dst->msg));
    dst->set = 1;
    dst->code = src->code;
}

void petls_set_error(struct petls *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&ctx->err, PETLS_ERROR_UNKNOWN, fmt, ap);
    va_end(ap);
}

void petls_set_error_code(struct petls *ctx, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&ctx->err, code, fmt, ap);
    va_end(ap);
}

void petls_config_set_error(struct petls_config *config, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&config->err, PETLS_ERROR_INVALID_ARGUMENT, fmt, ap);
    va_end(ap);
}

int petls_config_feature_off(struct petls_config *config, const char *msg)
{
    if (config != NULL)
        petls_config_set_error(config, "%s", msg);
    return -1;
}

void petls_config_set_error_code(struct petls_config *config, int code,
                                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&config->err, code, fmt, ap);
    va_end(ap);
}

const char *petls_error(struct petls *ctx)
{
    if (ctx == NULL || !ctx->err.set)
        return NULL;
    return ctx->err.msg;
}

int petls_error_code(struct petls *ctx)
{
    if (ctx == NULL)
        return PETLS_ERROR_INVALID_CONTEXT;
    return ctx->err.set ? ctx->err.code : PETLS_ERROR_NONE;
}

const char *petls_config_error(struct petls_config *config)
{
    if (config == NULL || !config->err.set)
        return NULL;
    return config->err.msg;
}

int petls_config_error_code(struct petls_config *config)
{
    if (config == NULL)
        return PETLS_ERROR_INVALID_CONTEXT;
    return config->err.set ? config->err.code : PETLS_ERROR_NONE;
}
