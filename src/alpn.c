/*
 * ALPN in the engine: the protocol-list parsers (the user's comma list and
 * the client's wire ProtocolNameList), the config calls, the selection
 * callback (Node's ALPNCallback) run on the ClientHello the engine read
 * first, and the selected protocol.
 */
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "nego.h"
#include "petls_internal.h"

void petls_alpn_list_free(struct petls_alpn_list *l)
{
    petls_port_free(l->names);
    l->names = NULL;
    l->n = 0;
}

/* One allocation: n + 1 pointers, then the names. */
static int list_alloc(struct petls_alpn_list *l, size_t n, size_t bytes)
{
    l->names = petls_port_calloc(1, (n + 1) * sizeof(char *) + bytes);
    l->n = 0;
    return l->names == NULL ? -1 : 0;
}

static char *list_text(const struct petls_alpn_list *l, size_t n)
{
    return (char *)(l->names + n + 1);
}

int petls_alpn_parse(const char *s, struct petls_alpn_list *out, char *err,
                     size_t errlen)
{
    struct petls_alpn_list l = {NULL, 0};
    size_t n = 1, i, len, start, wire;
    char *p;

    if (s == NULL || s[0] == '\0') {
        petls_alpn_list_free(out);
        return 0;
    }
    len = strlen(s);
    for (i = 0; i < len; i++)
        if (s[i] == ',')
            n++;
    /* Each name costs its length plus one byte on the wire. */
    wire = len + 1;
    if (wire > PETLS_ALPN_LIST_MAX) {
        snprintf(err, errlen, "ALPN list too long (at most %u bytes)",
                 (unsigned)PETLS_ALPN_LIST_MAX);
        return -1;
    }
    if (list_alloc(&l, n, len + 1) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p = list_text(&l, n);
    memcpy(p, s, len + 1);
    start = 0;
    for (i = 0; i <= len; i++) {
        if (p[i] != ',' && p[i] != '\0')
            continue;
        if (i == start) {
            snprintf(err, errlen, "empty protocol name in ALPN list");
            petls_alpn_list_free(&l);
            return -1;
        }
        if (i - start > PETLS_ALPN_NAME_MAX) {
            snprintf(err, errlen, "ALPN protocol name longer than %u bytes",
                     (unsigned)PETLS_ALPN_NAME_MAX);
            petls_alpn_list_free(&l);
            return -1;
        }
        p[i] = '\0';
        l.names[l.n++] = p + start;
        start = i + 1;
    }
    l.names[l.n] = NULL;
    petls_alpn_list_free(out);
    *out = l;
    return 0;
}

int petls_alpn_split_wire(const uint8_t *wire, size_t len,
                          struct petls_alpn_list *out, char *err, size_t errlen)
{
    struct petls_alpn_list l = {NULL, 0};
    size_t i = 0, n = 0;
    char *p;

    if (len == 0) {
        snprintf(err, errlen, "empty ALPN protocol list");
        return -1;
    }
    while (i < len) {
        size_t nl = wire[i++];
        if (nl == 0) {
            snprintf(err, errlen, "empty protocol name in ALPN offer");
            return -1;
        }
        if (nl > len - i) {
            snprintf(err, errlen, "truncated ALPN protocol list");
            return -1;
        }
        i += nl;
        n++;
    }
    /* Names with their NULs take exactly len bytes. */
    if (list_alloc(&l, n, len) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p = list_text(&l, n);
    for (i = 0; i < len;) {
        size_t nl = wire[i++];
        memcpy(p, wire + i, nl);
        p[nl] = '\0';
        l.names[l.n++] = p;
        p += nl + 1;
        i += nl;
    }
    l.names[l.n] = NULL;
    petls_alpn_list_free(out);
    *out = l;
    return 0;
}

/* ---- Public API ---- */

int petls_config_set_alpn(struct petls_config *config, const char *alpn)
{
    char err[128];

    if (config == NULL || petls_nego_config_frozen(config))
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
    if (config == NULL || petls_nego_config_frozen(config))
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
        size_t l = strlen(offered.names[idx]);
        memcpy(ctx->nego.alpn_choice, offered.names[idx], l + 1);
        ctx->nego.alpn_decided = 1;
    } else {
        alpn_refuse(ctx, ch);
    }
    petls_alpn_list_free(&offered);
}
