/*
 * Connection facts: version, cipher, server name, Node-style authorization
 * results, and the peer certificate.
 */
#include <stdio.h>
#include <string.h>

#include "cipher_suites.h"
#include "feature.h"
#include "hostname.h"
#include "identity.h"
#include "petls_internal.h"
#include "protocols.h"
#include "util.h"
#include "verify_result.h"

/* ---- Peer certificate ---- */

int petls_conn_fetch_cert(struct petls *ctx)
{
    if (ctx->cert_state == 0 && ctx->conn != NULL) {
        if (pb_conn_peer_cert(ctx->conn, &ctx->cert) == 0)
            ctx->cert_state = 1;
        else
            ctx->cert_state = -1;
    }
    return ctx->cert_state == 1;
}

/* The certificate's names in the shape the host-name checks want, built
 * from the backend's "DNS:x" / "IP Address:y" strings and the subject. */
struct cert_names_buf {
    struct petls_cert_names names;
    const char **dns;
    size_t *dns_len;
    const uint8_t **ip;
    size_t *ip_len;
    uint8_t (*ip_bytes)[16];
};

/* The value of the first CN= attribute in a "CN=x, O=y" subject. */
static const char *subject_cn(const char *subject, size_t *len)
{
    const char *p = subject, *end;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, "CN=", 3) == 0) {
            p += 3;
            end = p;
            /* mbedTLS escapes a ',' inside a value with a backslash */
            while (*end != '\0' && !(*end == ',' && end[-1] != '\\'))
                end++;
            *len = (size_t)(end - p);
            return p;
        }
        p = strstr(p, ", ");
        if (p != NULL)
            p += 2;
    }
    return NULL;
}

static void names_free(struct cert_names_buf *b)
{
    petls_port_free(b->dns);
    petls_port_free(b->dns_len);
    petls_port_free(b->ip);
    petls_port_free(b->ip_len);
    petls_port_free(b->ip_bytes);
}

static int names_build(const struct pb_cert_info *ci, struct cert_names_buf *b)
{
    size_t i, n = ci->n_sans ? ci->n_sans : 1;

    memset(b, 0, sizeof(*b));
    b->dns = petls_port_calloc(n, sizeof(*b->dns));
    b->dns_len = petls_port_calloc(n, sizeof(*b->dns_len));
    b->ip = petls_port_calloc(n, sizeof(*b->ip));
    b->ip_len = petls_port_calloc(n, sizeof(*b->ip_len));
    b->ip_bytes = petls_port_calloc(n, sizeof(*b->ip_bytes));
    if (b->dns == NULL || b->dns_len == NULL || b->ip == NULL ||
        b->ip_len == NULL || b->ip_bytes == NULL) {
        names_free(b);
        return -1;
    }
    for (i = 0; i < ci->n_sans; i++) {
        const char *san = ci->sans[i];
        if (strncmp(san, "DNS:", 4) == 0) {
            b->dns[b->names.n_dns] = san + 4;
            b->dns_len[b->names.n_dns] = strlen(san + 4);
            b->names.n_dns++;
        } else if (strncmp(san, "IP Address:", 11) == 0) {
            size_t l;
            if (petls_hostname_parse_ip(san + 11, b->ip_bytes[b->names.n_ip],
                                        &l)) {
                b->ip[b->names.n_ip] = b->ip_bytes[b->names.n_ip];
                b->ip_len[b->names.n_ip] = l;
                b->names.n_ip++;
            }
        }
    }
    b->names.dns = b->dns;
    b->names.dns_len = b->dns_len;
    b->names.ip = b->ip;
    b->names.ip_len = b->ip_len;
    b->names.cn =
        ci->subject ? subject_cn(ci->subject, &b->names.cn_len) : NULL;
    return 0;
}

/* ---- Authorization (Node's authorized / authorizationError) ---- */

static const char ALTNAME_CODE[] = "ERR_TLS_CERT_ALTNAME_INVALID";

#if PETLS_COMPACT_MESSAGES
/* Small builds (PETLS_COMPACT_MESSAGES, cmake/PetlsTables.cmake): Node's
 * prefix and the name checked, without the certificate's names, so that
 * their decoding and Node-style formatting (hostname.c) are not linked. The
 * code stays ERR_TLS_CERT_ALTNAME_INVALID. */
static void altname_message(struct petls *ctx)
{
    snprintf(ctx->auth_msg, sizeof(ctx->auth_msg),
             "Hostname/IP does not match certificate's altnames: %s is not "
             "in them",
             ctx->verify_name != NULL ? ctx->verify_name : "");
}
#else
static void altname_message(struct petls *ctx)
{
    char reason[PETLS_ERRBUF_SIZE - 64];
    char cn_attr[256];
    const char *subject[1];
    const char *cn;
    size_t cn_len = 0;

    if (ctx->verify_name == NULL || !petls_conn_fetch_cert(ctx)) {
        snprintf(ctx->auth_msg, sizeof(ctx->auth_msg), "%s",
                 petls_verify_message(ctx->auth_code));
        return;
    }
    /* Node's tls.checkServerIdentity() text, from the subjectaltname
     * entries as Node lists them (email and URI ones too) and the CN. */
    cn = ctx->cert.subject ? subject_cn(ctx->cert.subject, &cn_len) : NULL;
    if (cn != NULL)
        snprintf(cn_attr, sizeof(cn_attr), "CN=%.*s", (int)cn_len, cn);
    subject[0] = cn_attr;
    petls_hostname_check_identity(ctx->verify_name, ctx->cert.sans,
                                  ctx->cert.n_sans, subject, cn ? 1 : 0, reason,
                                  sizeof(reason));
    snprintf(ctx->auth_msg, sizeof(ctx->auth_msg),
             "Hostname/IP does not match certificate's altnames: %s", reason);
}
#endif

void petls_conn_compute_auth(struct petls *ctx)
{
    memset(&ctx->facts, 0, sizeof(ctx->facts));
    pb_conn_verify_facts(ctx->conn, &ctx->facts);
    ctx->verified = 1;
    ctx->auth_msg[0] = '\0';
    /* Node: a server that did not ask for a certificate reports neither
     * authorized nor an error. */
    if ((ctx->flags & PETLS_CTX_SERVER_CONN) &&
        petls_features_verify_client(ctx) == PETLS_VERIFY_CLIENT_NONE) {
        ctx->auth_code = NULL;
        return;
    }
    /* Node: a handshake authenticated by an external PSK (no certificate)
     * is authorized. */
    if (pb_conn_psk_identity(ctx->conn) != NULL) {
        ctx->auth_code = NULL;
        return;
    }
    ctx->auth_code = petls_verify_code(&ctx->facts);
    if (ctx->auth_code == NULL) {
        /* Node runs checkServerIdentity once the chain is accepted. */
        petls_identity_run(ctx);
        return;
    }
    if (strcmp(ctx->auth_code, ALTNAME_CODE) == 0)
        altname_message(ctx);
    else
        snprintf(ctx->auth_msg, sizeof(ctx->auth_msg), "%s",
                 petls_verify_message(ctx->auth_code));
}

int petls_conn_authorized(struct petls *ctx)
{
    if (ctx == NULL || !ctx->hs_done || !ctx->verified)
        return 0;
    if ((ctx->flags & PETLS_CTX_SERVER_CONN) &&
        petls_features_verify_client(ctx) == PETLS_VERIFY_CLIENT_NONE)
        return 0;
    return ctx->auth_code == NULL;
}

const char *petls_conn_authorization_error(struct petls *ctx)
{
    if (ctx == NULL || !ctx->verified)
        return NULL;
    return ctx->auth_code;
}

const char *petls_conn_authorization_message(struct petls *ctx)
{
    if (ctx == NULL || !ctx->verified || ctx->auth_code == NULL)
        return NULL;
    return ctx->auth_msg;
}

/* ---- Version, cipher, name ---- */

const char *petls_conn_version(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return NULL;
    return petls_version_name(pb_conn_version(ctx->conn));
}

static const struct petls_cipher_info *conn_cipher(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return NULL;
    return petls_cipher_by_id(pb_conn_ciphersuite(ctx->conn));
}

const char *petls_conn_cipher(struct petls *ctx)
{
    const struct petls_cipher_info *ci = conn_cipher(ctx);

    return ci != NULL ? ci->openssl : NULL;
}

const char *petls_conn_cipher_iana(struct petls *ctx)
{
    const struct petls_cipher_info *ci = conn_cipher(ctx);

    return ci != NULL ? ci->iana : NULL;
}

int petls_conn_cipher_strength(struct petls *ctx)
{
    const struct petls_cipher_info *ci = conn_cipher(ctx);

    return ci != NULL ? ci->strength_bits : -1;
}

int petls_conn_session_resumed(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return 0;
    return pb_conn_resumed(ctx->conn) ? 1 : 0;
}

ssize_t petls_conn_tls_ticket(struct petls *ctx, uint8_t *buf, size_t len)
{
    const uint8_t *t = NULL;
    size_t n = 0;
    char err[128];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (ctx->conn == NULL || !ctx->hs_done) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "no session ticket: the handshake is not "
                             "complete");
        return -1;
    }
    if (pb_conn_tls_ticket(ctx->conn, &t, &n, err, sizeof(err)) != 0) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT, "%s", err);
        return -1;
    }
    if (buf != NULL)
        memcpy(buf, t, len < n ? len : n);
    return (ssize_t)n;
}

int petls_conn_session_psk_ke(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return 0;
    return pb_conn_resumed_psk_ke(ctx->conn) ? 1 : 0;
}

const char *petls_conn_servername(struct petls *ctx)
{
    if (ctx == NULL)
        return NULL;
    if (ctx->flags & PETLS_CTX_SERVER_CONN)
        return ctx->conn != NULL ? pb_conn_sni(ctx->conn) : NULL;
    return ctx->servername;
}

/* ---- Peer certificate accessors ---- */

static const struct pb_cert_info *peer(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return NULL;
    return petls_conn_fetch_cert(ctx) ? &ctx->cert : NULL;
}

int petls_peer_cert_provided(struct petls *ctx)
{
    return peer(ctx) != NULL;
}

int petls_peer_cert_contains_name(struct petls *ctx, const char *name)
{
    const struct pb_cert_info *ci = peer(ctx);
    struct cert_names_buf b;
    char host[256];
    size_t len;
    int match;

    if (ci == NULL || name == NULL)
        return 0;
    len = strlen(name);
    if (name[0] == '[' && len >= 2 && name[len - 1] == ']') {
        name++;
        len -= 2;
    }
    if (len >= sizeof(host))
        return 0;
    memcpy(host, name, len);
    host[len] = '\0';
    if (names_build(ci, &b) != 0)
        return 0;
    match = petls_hostname_verify(&b.names, host);
    names_free(&b);
    return match;
}

const char *petls_peer_cert_hash(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? ci->fingerprint : NULL;
}

const char *petls_peer_cert_issuer(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? ci->issuer : NULL;
}

const char *petls_peer_cert_subject(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? ci->subject : NULL;
}

const char *petls_peer_cert_serial(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? ci->serial : NULL;
}

time_t petls_peer_cert_notbefore(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? petls_time_from_i64(ci->not_before) : (time_t)-1;
}

time_t petls_peer_cert_notafter(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? petls_time_from_i64(ci->not_after) : (time_t)-1;
}

size_t petls_peer_cert_san_count(struct petls *ctx)
{
    const struct pb_cert_info *ci = peer(ctx);

    return ci != NULL ? ci->n_sans : 0;
}

const char *petls_peer_cert_san(struct petls *ctx, size_t idx)
{
    const struct pb_cert_info *ci = peer(ctx);

    if (ci == NULL || idx >= ci->n_sans)
        return NULL;
    return ci->sans[idx];
}

const uint8_t *petls_peer_cert_chain_pem(struct petls *ctx, size_t *len)
{
    const struct pb_cert_info *ci = peer(ctx);

    if (len != NULL)
        *len = ci != NULL ? ci->chain_pem_len : 0;
    return ci != NULL ? ci->chain_pem : NULL;
}

const uint8_t *petls_peer_cert_der(struct petls *ctx, size_t *len)
{
    const struct pb_cert_info *ci = peer(ctx);

    if (len != NULL)
        *len = ci != NULL ? ci->der_len : 0;
    return ci != NULL ? ci->der : NULL;
}
