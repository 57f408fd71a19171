/*
 * Node's checkServerIdentity: a client's callback that replaces the
 * host-name check, and Node's default check as a call.
 *
 * Layering: the backend never calls up, and Node runs the check on the
 * finished handshake's certificate (getPeerCertificate(true)), so the
 * engine runs it after pb_conn_handshake() returned, from
 * petls_conn_compute_auth(). A config with a callback gives the backend
 * no name to verify (petls_conn_start), so only the chain is checked
 * there; a refusal fails the handshake here, with verification on, as
 * Node's destroy(verifyError) does: the connection is dead (no
 * close_notify, no alert), the error says why.
 */
#include <string.h>

#include "hostname.h"
#include "identity.h"
#include "petls_internal.h"

static const char ALTNAME_CODE[] = "ERR_TLS_CERT_ALTNAME_INVALID";
static const char ALTNAME_PREFIX[] =
    "Hostname/IP does not match certificate's altnames: ";

/* Bounded copy of a and b joined: dst always NUL-terminated. */
static void copy2(char *dst, size_t cap, const char *a, const char *b)
{
    size_t n = 0;

    for (; *a != '\0' && n + 1 < cap; a++)
        dst[n++] = *a;
    for (; *b != '\0' && n + 1 < cap; b++)
        dst[n++] = *b;
    dst[n] = '\0';
}

int petls_config_set_check_server_identity(struct petls_config *config,
                                           petls_check_server_identity_cb cb,
                                           void *arg)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    config->identity_cb = cb;
    config->identity_cb_arg = cb != NULL ? arg : NULL;
    return 0;
}

int petls_check_server_identity(const char *hostname,
                                const struct petls_cert_details *cert,
                                struct petls_identity_error *error)
{
    char reason[PETLS_IDENTITY_TEXT_SIZE];

    if (error != NULL)
        memset(error, 0, sizeof(*error));
    if (cert == NULL) {
        copy2(reason, sizeof(reason), "Cert does not contain a DNS name", "");
    } else if (petls_hostname_check_identity(hostname, cert->sans, cert->n_sans,
                                             cert->subject, cert->n_subject,
                                             reason, sizeof(reason)) == 1) {
        return 0;
    }
    if (error != NULL) {
        copy2(error->code, sizeof(error->code), ALTNAME_CODE, "");
        copy2(error->reason, sizeof(error->reason), reason, "");
        copy2(error->message, sizeof(error->message), ALTNAME_PREFIX, reason);
    }
    return -1;
}

int petls_identity_replaces_name_check(const struct petls *ctx)
{
    return ctx->config != NULL && ctx->config->identity_cb != NULL &&
           !(ctx->flags & PETLS_CTX_SERVER_CONN);
}

static void refuse(struct petls *ctx, const char *code, const char *message)
{
    ctx->identity_refused = 1;
    ctx->identity_has_code = code[0] != '\0';
    /* Node: authorizationError = verifyError.code || verifyError.message */
    copy2(ctx->identity_code, sizeof(ctx->identity_code),
          code[0] != '\0' ? code : message, "");
    ctx->auth_code = ctx->identity_code;
    copy2(ctx->auth_msg, sizeof(ctx->auth_msg), message, "");
}

void petls_identity_run(struct petls *ctx)
{
    struct petls_config *c = ctx->config;
    struct petls_cert_details cert;
    struct petls_identity_error e;
    const char *host;

    ctx->identity_refused = 0;
    if (!petls_identity_replaces_name_check(ctx) || ctx->auth_code != NULL ||
        !ctx->hs_done)
        return;
    if (petls_peer_cert_details(ctx, 0, &cert) != 0) {
        /* A verified chain has a leaf: only memory can be missing. */
        refuse(ctx, "",
               "server identity: cannot read the server's "
               "certificate (out of memory)");
        return;
    }
    host = ctx->verify_name != NULL  ? ctx->verify_name
           : ctx->servername != NULL ? ctx->servername
                                     : "";
    memset(&e, 0, sizeof(e));
    if (c->identity_cb(ctx, host, &cert, &e, c->identity_cb_arg) == 0)
        return;
    e.code[sizeof(e.code) - 1] = '\0';
    e.message[sizeof(e.message) - 1] = '\0';
    if (e.code[0] == '\0' && e.message[0] == '\0')
        copy2(e.message, sizeof(e.message),
              "the server identity check refused the certificate", "");
    refuse(ctx, e.code, e.message[0] != '\0' ? e.message : e.code);
}

int petls_identity_fails_handshake(struct petls *ctx)
{
    if (!ctx->identity_refused || !ctx->config->verify_cert)
        return 0;
    ctx->fatal = 1;
    if (ctx->identity_has_code)
        petls_set_error(ctx, "certificate verification failed: %s: %s",
                        ctx->auth_code, ctx->auth_msg);
    else
        petls_set_error(ctx, "certificate verification failed: %s",
                        ctx->auth_msg);
    return 1;
}
