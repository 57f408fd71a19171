/*
 * Glue between the negotiation features and the rest of the engine: what
 * the config hands the backend at freeze, what each connection passes to
 * pb_conn_new, the backend's callbacks, and cleanup.
 */
#include <string.h>

#include "petls_features.h"
#include "nego.h"
#include "petls_internal.h"

/* Backend callbacks (keylog.c, renegotiation.c). */
static const struct pb_nego_hooks nego_hooks = {
    petls_nego_keylog,
    petls_nego_client_reneg,
    petls_nego_renegotiated,
};

const struct pb_nego_settings *petls_nego_settings(struct petls_config *c)
{
    struct petls_nego_config *n = &c->nego;

    memset(&n->pb, 0, sizeof(n->pb));
    n->pb.alpn = (const char *const *)n->alpn.names;
    /* Without the limiter (PETLS_WITH_RENEG_LIMITS=OFF) a client's
     * renegotiation is never accepted. Clients follow a server's
     * HelloRequest unless turned off; servers renegotiate only when turned
     * on (set_renegotiation(c, 1) or a reneg limit), as libtls and nginx:
     * client-initiated renegotiation costs the server a handshake each. */
    n->pb.renegotiation = PETLS_WITH_RENEG_LIMITS && n->reneg_mode >= 0;
    n->pb.renegotiation_server = PETLS_WITH_RENEG_LIMITS && n->reneg_mode > 0;
    n->pb.max_frag_len = n->max_frag_len;
    return &n->pb;
}

int petls_nego_needs_preparse(const struct petls_config *c)
{
    return c->nego.alpn_cb != NULL;
}

void petls_nego_config_free(struct petls_config *c)
{
    petls_alpn_list_free(&c->nego.alpn);
}

void petls_nego_conn_params(struct petls *ctx, struct pb_conn_params *p)
{
    struct petls_nego_conn *n = &ctx->nego;
    struct pb_nego_params *np = &n->pb;

    memset(np, 0, sizeof(*np));
    np->hooks = &nego_hooks;
    np->renegotiation_off = n->reneg_off;
    np->max_send_fragment = n->max_send_fragment != 0
                                ? n->max_send_fragment
                                : ctx->config->nego.max_send_fragment;
    if (n->alpn_decided > 0) {
        np->alpn_select = n->alpn_choice;
    } else if (n->alpn_decided < 0) {
        np->alpn_refuse = 1;
        np->alpn_offered = n->alpn_offered;
        np->alpn_offered_len = n->alpn_offered_len;
    }
    p->nego = np;
}

void petls_nego_conn_free(struct petls *ctx)
{
    struct petls_nego_conn *n = &ctx->nego;

    petls_port_free(n->alpn_offered);
    n->alpn_offered = NULL;
    petls_port_free(n->alpn_choice);
    n->alpn_choice = NULL;
    n->alpn_offered_len = 0;
    n->alpn_decided = 0;
    n->reneg_off = 0;
    memset(&n->limiter, 0, sizeof(n->limiter));
}
