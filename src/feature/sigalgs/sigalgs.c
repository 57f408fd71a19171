/*
 * Node's `sigalgs` option (petls_config_set_sigalgs) and
 * tlsSocket.getSharedSigalgs() (petls_conn_shared_sigalgs): the list is
 * parsed by policy/sigalgs.c and handed to the backend at freeze
 * (pb_settings.sigalgs); a server connection records the client's
 * signature_algorithms from each ClientHello the backend accepted.
 */
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "petls_internal.h"
#include "sigalgs.h"
#include "sigalgs/shared_sigalgs.h"

int petls_config_set_sigalgs(struct petls_config *c, const char *sigalgs)
{
    char err[160];
    uint16_t list[PETLS_MAX_SIGALGS];
    int n;

    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (sigalgs == NULL) {
        c->n_sigalgs = 0;
        return 0;
    }
    err[0] = '\0';
    n = petls_sigalgs_parse(sigalgs, list, PETLS_MAX_SIGALGS, err, sizeof(err));
    if (n < 0) {
        petls_config_set_error_code(c, PETLS_ERROR_INVALID_ARGUMENT, "%s",
                                    err[0] ? err
                                           : "invalid signature algorithm "
                                             "list");
        return -1;
    }
    memcpy(c->sigalgs, list, (size_t)n * sizeof(list[0]));
    c->n_sigalgs = (size_t)n;
    return 0;
}

int petls_sigalgs_hello_check(void *owner, const uint8_t *hello, size_t len,
                              char *why, size_t whylen)
{
    struct petls *ctx = owner;
    struct petls_client_hello ch;

    if (ctx != NULL) {
        struct petls_sigalgs_conn *s = &ctx->sigalgs;
        size_t i;

        s->seen = 0;
        s->n_offer = 0;
        if (petls_client_hello_parse(hello, len, &ch, NULL, 0) == 0 &&
            ch.sig_algs != NULL) {
            s->seen = 1;
            s->version =
                ch.offers_tls13 &&
                        (petls_config_effective_protocols(ctx->config) &
                         PETLS_PROTOCOL_TLSv1_3) != 0
                    ? 0x0304
                    : 0x0303;
            for (i = 0;
                 i + 1 < ch.sig_algs_len && s->n_offer < PETLS_MAX_PEER_SIGALGS;
                 i += 2)
                s->offer[s->n_offer++] =
                    (uint16_t)(ch.sig_algs[i] << 8 | ch.sig_algs[i + 1]);
        }
    }
    return petls_client_hello_judge(hello, len, why, whylen);
}

/* Ours (what the frozen config uses in this connection's version: no
 * RSA-PSS in TLS 1.2 with mbed TLS 3.6) and the shared list. */
static size_t shared(struct petls *ctx, uint16_t *out, size_t max)
{
    uint16_t ours[PETLS_MAX_SIGALGS];
    uint16_t v = pb_conn_version(ctx->conn);
    size_t n_ours =
        pb_config_sigalgs(ctx->config->pb, v != 0 ? v : ctx->sigalgs.version,
                          ours, PETLS_MAX_SIGALGS);

    if (n_ours > PETLS_MAX_SIGALGS)
        n_ours = PETLS_MAX_SIGALGS;
    return petls_sigalgs_shared(ctx->sigalgs.offer, ctx->sigalgs.n_offer, ours,
                                n_ours, ctx->config->prefer_server_ciphers, out,
                                max);
}

int petls_conn_shared_sigalgs(struct petls *ctx, const char **names,
                              uint16_t *ids, size_t max)
{
    uint16_t list[PETLS_MAX_SIGALGS];
    size_t n, i;

    if (ctx == NULL)
        return -1;
    if (!(ctx->flags & PETLS_CTX_SERVER_CONN)) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "the shared signature algorithms are known on a "
                             "server connection only (mbed TLS 3.6 does not "
                             "keep those of the server's CertificateRequest)");
        return -1;
    }
    if (ctx->conn == NULL || !ctx->hs_done) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "handshake not complete");
        return -1;
    }
    if (!ctx->sigalgs.seen)
        return 0; /* no signature_algorithms (TLS 1.2): nothing shared */
    n = shared(ctx, list, PETLS_MAX_SIGALGS);
    for (i = 0; i < n && i < max; i++) {
        if (names != NULL)
            names[i] = petls_sigalg_node_name(list[i]);
        if (ids != NULL)
            ids[i] = list[i];
    }
    return (int)n;
}

/* "a, b, c" of the IANA names (unknown code points as 0x....), ending in
 * ", ..." when they do not all fit. */
static void list_names(char *buf, size_t len, const uint16_t *ids, size_t n)
{
    size_t i, used = 0;

    snprintf(buf, len, "none");
    for (i = 0; i < n; i++) {
        const char *name = petls_sigalg_name(ids[i]);
        char one[32];
        size_t w;

        if (name != NULL)
            snprintf(one, sizeof(one), "%s%s", i ? ", " : "", name);
        else
            snprintf(one, sizeof(one), "%s0x%04x", i ? ", " : "",
                     (unsigned)ids[i]);
        w = strlen(one);
        if (used + w + 6 > len) {
            snprintf(buf + used, len - used, ", ...");
            return;
        }
        memcpy(buf + used, one, w + 1);
        used += w;
    }
}

/* TLS 1.3 signs handshakes with none of rsa_pkcs1_* (RFC 8446 4.2.3: they
 * are there for certificates). */
static int tls13_signs_with(uint16_t id)
{
    return (id & 0xff) != 0x01;
}

int petls_sigalgs_explain(struct petls *ctx, char *msg, size_t msglen)
{
    uint16_t ours[PETLS_MAX_SIGALGS], both[PETLS_MAX_SIGALGS];
    char theirs_s[240], ours_s[200];
    size_t n_ours, n_both, i, n_sign = 0;

    if (!(ctx->flags & PETLS_CTX_SERVER_CONN) || ctx->conn == NULL ||
        !ctx->sigalgs.seen ||
        pb_conn_alert_sent(ctx->conn) != 40 /* handshake_failure */)
        return 0;
    n_both = shared(ctx, both, PETLS_MAX_SIGALGS);
    for (i = 0; i < n_both && i < PETLS_MAX_SIGALGS; i++)
        n_sign += ctx->sigalgs.version != 0x0304 || tls13_signs_with(both[i]);
    if (n_sign != 0)
        return 0;
    n_ours = pb_config_sigalgs(ctx->config->pb, ctx->sigalgs.version, ours,
                               PETLS_MAX_SIGALGS);
    if (n_ours > PETLS_MAX_SIGALGS)
        n_ours = PETLS_MAX_SIGALGS;
    list_names(theirs_s, sizeof(theirs_s), ctx->sigalgs.offer,
               ctx->sigalgs.n_offer);
    list_names(ours_s, sizeof(ours_s), ours, n_ours);
    if (n_both == 0)
        snprintf(msg, msglen,
                 "handshake: no shared signature algorithm (the client "
                 "offers %s; this server allows %s; sent alert "
                 "handshake_failure)",
                 theirs_s, ours_s);
    else
        snprintf(msg, msglen,
                 "handshake: no shared signature algorithm TLS 1.3 signs "
                 "with (the client offers %s; this server allows %s; "
                 "rsa_pkcs1_* are for certificates only in TLS 1.3; sent "
                 "alert handshake_failure)",
                 theirs_s, ours_s);
    return 1;
}
