/* Error messages: formatted into fixed buffers inside the objects, so that
 * reporting a failure never needs memory. */
#include <stdarg.h>
#include <stdio.h>

#include "petls_internal.h"

void petls_err_clear(struct petls_err *e)
{
    e->set = 0;
    e->msg[0] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void
err_vset(struct petls_err *e, const char *fmt, va_list ap)
{
    /* clang-analyzer 14 reports any va_list parameter as uninitialised
     * (a known false positive). */
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap); /* NOLINT */
    e->set = 1;
}

void petls_err_set(struct petls_err *e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(e, fmt, ap);
    va_end(ap);
}

void petls_set_error(struct petls *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&ctx->err, fmt, ap);
    va_end(ap);
}

void petls_config_set_error(struct petls_config *config, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(&config->err, fmt, ap);
    va_end(ap);
}

const char *petls_error(struct petls *ctx)
{
    if (ctx == NULL || !ctx->err.set)
        return NULL;
    return ctx->err.msg;
}

const char *petls_config_error(struct petls_config *config)
{
    if (config == NULL || !config->err.set)
        return NULL;
    return config->err.msg;
}
