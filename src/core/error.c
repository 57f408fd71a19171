/* Error messages and codes. Each object's message buffer is allocated with
 * its first message and kept; when that allocation fails the message is a
 * static text naming the kind, and the code is the one the full message
 * would have had, so that reporting a failure never fails. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "petls_internal.h"

void petls_err_clear(struct petls_err *e)
{
    e->set = 0;
    e->code = PETLS_ERROR_NONE;
    if (e->buf != NULL)
        e->buf[0] = '\0';
    e->text = NULL;
}

void petls_err_free(struct petls_err *e)
{
    petls_port_free(e->buf);
    e->buf = NULL;
    petls_err_clear(e);
}

const char *petls_err_text(const struct petls_err *e)
{
    return e->set && e->text != NULL ? e->text : "";
}

char *petls_err_buf(struct petls_err *e)
{
    if (e->buf == NULL)
        e->buf = petls_port_calloc(1, PETLS_ERRBUF_SIZE);
    return e->buf;
}

/* The message of a failure whose own text could not be kept. */
static const char *static_text(int code)
{
    switch (code) {
    case PETLS_ERROR_OUT_OF_MEMORY:
        return "out of memory";
    case PETLS_ERROR_INVALID_CONTEXT:
        return "wrong kind or state of context (out of memory for the "
               "message)";
    case PETLS_ERROR_INVALID_ARGUMENT:
        return "invalid argument (out of memory for the message)";
    case PETLS_ERROR_NOT_BUILT_IN:
        return "feature compiled out (out of memory for the message)";
    case PETLS_ERROR_CONFIG_FROZEN:
        return "config is in use and can no longer be changed";
    case PETLS_ERROR_IO:
        return "I/O failure (out of memory for the message)";
    case PETLS_ERROR_TIMEOUT:
        return "handshake timed out";
    case PETLS_ERROR_PROTOCOL:
        return "TLS failure (out of memory for the message)";
    case PETLS_ERROR_VERIFY:
        return "certificate verification failed (out of memory for the "
               "message)";
    default:
        return "failure (out of memory for the message)";
    }
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

/* No buffer for the message: it is formatted on the stack only to find
 * its kind (a function of its own, so that the common path does not carry
 * the array), and a static text stands for it. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 0), noinline))
#endif
static void
err_vset_static(struct petls_err *e, int code, const char *fmt, va_list ap)
{
    char tmp[PETLS_ERRBUF_SIZE];

    vsnprintf(tmp, sizeof(tmp), fmt, ap); /* NOLINT (as err_vset) */
    e->set = 1;
    e->code = err_kind(tmp, code);
    e->text = static_text(e->code);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static void
err_vset(struct petls_err *e, int code, const char *fmt, va_list ap)
{
    if (petls_err_buf(e) == NULL) {
        err_vset_static(e, code, fmt, ap);
        return;
    }
    /* clang-analyzer 14 reports any va_list parameter as uninitialised
     * (a known false positive). */
    vsnprintf(e->buf, PETLS_ERRBUF_SIZE, fmt, ap); /* NOLINT */
    e->set = 1;
    e->code = err_kind(e->buf, code);
    e->text = e->buf;
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
    const char *t;

    if (dst == src)
        return;
    if (!src->set) {
        petls_err_clear(dst);
        return;
    }
    t = petls_err_text(src);
    dst->set = 1;
    dst->code = src->code;
    if (t != src->buf || petls_err_buf(dst) == NULL) {
        /* A static text (src's own, or for want of a buffer). */
        dst->text = t == src->buf ? static_text(src->code) : t;
        return;
    }
    snprintf(dst->buf, PETLS_ERRBUF_SIZE, "%s", t);
    dst->text = dst->buf;
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
    return petls_err_text(&ctx->err);
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
    return petls_err_text(&config->err);
}

int petls_config_error_code(struct petls_config *config)
{
    if (config == NULL)
        return PETLS_ERROR_INVALID_CONTEXT;
    return config->err.set ? config->err.code : PETLS_ERROR_NONE;
}
