/*
 * The NSS key log (Node's 'keylog' event, what SSLKEYLOGFILE files hold):
 * one line per secret, handed to the application's callback. The line is
 * built on the stack and wiped once the callback returns.
 */
#include <string.h>

#include "nego.h"
#include "petls_internal.h"
#include "util.h"

#define LABEL_MAX 40
#define SECRET_MAX 64

static size_t put_hex(char *out, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 0x0F];
    }
    return 2 * len;
}

int petls_keylog_format(char *out, size_t cap, const char *label,
                        const uint8_t client_random[32], const uint8_t *secret,
                        size_t secret_len)
{
    size_t ll = strlen(label), n = 0;

    if (ll == 0 || ll > LABEL_MAX || secret_len == 0 ||
        secret_len > SECRET_MAX || cap < ll + 1 + 64 + 1 + 2 * secret_len + 1)
        return -1;
    memcpy(out, label, ll);
    n = ll;
    out[n++] = ' ';
    n += put_hex(out + n, client_random, 32);
    out[n++] = ' ';
    n += put_hex(out + n, secret, secret_len);
    out[n] = '\0';
    return (int)n;
}

int petls_config_set_keylog_cb(struct petls_config *config, petls_keylog_cb cb,
                               void *arg)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    config->nego.keylog_cb = cb;
    config->nego.keylog_cb_arg = arg;
    return 0;
}

/* The backend's keylog hook (owner is the context). */
void petls_nego_keylog(void *owner, const char *label,
                       const uint8_t *client_random, const uint8_t *secret,
                       size_t secret_len)
{
    struct petls *ctx = owner;
    struct petls_nego_config *nc = &ctx->config->nego;
    char line[PETLS_KEYLOG_LINE_MAX];

    if (nc->keylog_cb == NULL)
        return;
    if (petls_keylog_format(line, sizeof(line), label, client_random, secret,
                            secret_len) < 0)
        return;
    nc->keylog_cb(ctx, line, nc->keylog_cb_arg);
    petls_explicit_bzero(line, sizeof(line));
}
