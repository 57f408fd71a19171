/*
 * ALPN in the engine: the config calls, the selection callback (Node's
 * ALPNCallback) run on the ClientHello the engine read first, and the
 * selected protocol. The list parsers are in alpn_list.c.
 */
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "nego.h"
#include "petls_internal.h"
#include "util.h"

/* ---- Public API ---- */

int petls_config_set_alpn(struct petls_config *config, const char *alpn)
{
    char err[128];

    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (petls_alpn_parse(alpn, &config->nego.alpn, err, sizeof(err)) != 0) {
        petls_config_set_error(config, "%s", err);
        return -1;
    }
    return 0;
}

int petls_config_set_alpn_cb(struct petls_config *config, petls_alpn_cb cb,
                             void *arg)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    config->nego.alpn_cb = cb;
    config->nego.alpn_cb_arg = arg;
    return 0;
}

const char *petls_conn_alpn_selected(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return NULL;
    return pb_conn_alpn(ctx->conn);
}

/* ---- The callback, on the pre-read ClientHello ---- */

static void alpn_refuse(struct petls *ctx, const struct petls_client_hello *ch)
{
    struct petls_nego_conn *n = &ctx->nego;

    n->alpn_offered = petls_port_calloc(1, ch->alpn_len);
    if (n->alpn_offered == NULL) {
        /* Without the list no absent name can be picked: the backend
         * refuses to start the connection instead (still no handshake). */
        n->alpn_decided = -1;
        return;
    }
    memcpy(n->alpn_offered, ch->alpn, ch->alpn_len);
    n->alpn_offered_len = ch->alpn_len;
    n->alpn_decided = -1;
}

void petls_nego_client_hello(struct petls *ctx,
                             const struct petls_client_hello *ch)
{
    struct petls_nego_config *nc = &ctx->config->nego;
    struct petls_alpn_list offered = {NULL, 0};
    char sni[256];
    char err[128];
    int idx;

    if (nc->alpn_cb == NULL || ch->alpn == NULL || ch->alpn_len == 0)
        return;
    if (petls_alpn_split_wire(ch->alpn, ch->alpn_len, &offered, err,
                              sizeof(err)) != 0) {
        /* A malformed offer: mbedTLS rejects it with the right alert. */
        return;
    }
    sni[0] = '\0';
    if (ch->sni != NULL && ch->sni_len > 0 && ch->sni_len < sizeof(sni) &&
        memchr(ch->sni, '\0', ch->sni_len) == NULL) {
        memcpy(sni, ch->sni, ch->sni_len);
        sni[ch->sni_len] = '\0';
    }
    idx = nc->alpn_cb(ctx, sni[0] != '\0' ? sni : NULL,
                      (const char *const *)offered.names, offered.n,
                      nc->alpn_cb_arg);
    if (idx >= 0 && (size_t)idx < offered.n) {
        petls_port_free(ctx->nego.alpn_choice);
        ctx->nego.alpn_choice = petls_strdup(offered.names[idx]);
        /* Out of memory: as a refusal without the list, the backend then
         * refuses to start the connection. */
        ctx->nego.alpn_decided = ctx->nego.alpn_choice != NULL ? 1 : -1;
    } else {
        alpn_refuse(ctx, ch);
    }
    petls_alpn_list_free(&offered);
}
