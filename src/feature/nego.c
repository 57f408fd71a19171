/*
 * What the config hands the backend's negotiation part at freeze and what
 * each connection passes to pb_conn_new (record sizes, the backend
 * callbacks of features.c). The optional features (ALPN, renegotiation,
 * key log) add theirs through the feature table.
 */
#include <string.h>

#include "feature.h"
#include "nego.h"
#include "petls_internal.h"

const struct pb_nego_settings *petls_nego_settings(struct petls_config *c)
{
    struct petls_nego_config *n = &c->nego;

    /* ALPN and renegotiation (their freeze hooks) fill the rest; without
     * them no list is offered and renegotiation is refused. */
    memset(&n->pb, 0, sizeof(n->pb));
    n->pb.max_frag_len = n->max_frag_len;
    return &n->pb;
}

void petls_nego_conn_params(struct petls *ctx, struct pb_conn_params *p)
{
    struct petls_nego_conn *n = &ctx->nego;
    struct pb_nego_params *np = &n->pb;

    memset(np, 0, sizeof(*np));
    np->hooks = &petls_nego_hooks; /* features.c */
    np->max_send_fragment = n->max_send_fragment != 0
                                ? n->max_send_fragment
                                : ctx->config->nego.max_send_fragment;
    p->nego = np;
}
