/*
 * ALPN in the engine: the config calls, the selection callback (Node's
 * ALPNCallback) run on the ClientHello the engine read first, and the
 * selected protocol. The list parsers are in alpn_list.c.
 */
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "feature.h"
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

static int alpn_client_hello(struct petls *ctx,
                             const struct petls_client_hello *ch)
{
    struct petls_nego_config *nc = &ctx->config->nego;
    struct petls_alpn_list offered = {NULL, 0};
    char sni[256];
    char err[128];
    int idx;

    if (ch == NULL || nc->alpn_cb == NULL || ch->alpn == NULL ||
        ch->alpn_len == 0)
        return 0;
    if (petls_alpn_split_wire(ch->alpn, ch->alpn_len, &offered, err,
                              sizeof(err)) != 0) {
        /* A malformed offer: mbedTLS rejects it with the right alert. */
        return 0;
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
    return 0;
}

/* ---- Hooks (the feature table, core/features.c) ---- */

static void alpn_config_free(struct petls_config *c)
{
    petls_alpn_list_free(&c->nego.alpn);
}

static void alpn_freeze(struct petls_config *c, struct pb_settings *s)
{
    (void)s;
    c->nego.pb.alpn = (const char *const *)c->nego.alpn.names;
}

/* The callback runs on the ClientHello read before the backend. */
static int alpn_wants_preparse(const struct petls_config *c)
{
    return c->nego.alpn_cb != NULL;
}

static int alpn_conn_params(struct petls *ctx, struct pb_conn_params *p,
                            struct petls_conn_scratch *scratch)
{
    struct petls_nego_conn *n = &ctx->nego;

    (void)p; /* p->nego is n->pb (nego.c) */
    (void)scratch;
    if (n->alpn_decided > 0) {
        n->pb.alpn_select = n->alpn_choice;
    } else if (n->alpn_decided < 0) {
        n->pb.alpn_refuse = 1;
        n->pb.alpn_offered = n->alpn_offered;
        n->pb.alpn_offered_len = n->alpn_offered_len;
    }
    return 0;
}

static void alpn_conn_free(struct petls *ctx)
{
    struct petls_nego_conn *n = &ctx->nego;

    petls_port_free(n->alpn_offered);
    n->alpn_offered = NULL;
    petls_port_free(n->alpn_choice);
    n->alpn_choice = NULL;
    n->alpn_offered_len = 0;
    n->alpn_decided = 0;
}

const struct petls_feature petls_feature_alpn = {
    .name = "alpn",
    .config_free = alpn_config_free,
    .freeze = alpn_freeze,
    .wants_preparse = alpn_wants_preparse,
    .conn_params = alpn_conn_params,
    .client_hello = alpn_client_hello,
    .conn_free = alpn_conn_free,
};
