#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include "report.h"

#include "json_out.h"

void conn_facts_get(struct petls *ctx, struct conn_facts *f)
{
    f->version = petls_conn_version(ctx);
    f->cipher = petls_conn_cipher(ctx);
    f->resumed = petls_conn_session_resumed(ctx) == 1;
    f->psk_ke = petls_conn_session_psk_ke(ctx) == 1;
    f->worker = -1;
    f->servername = petls_conn_servername(ctx);
    f->alpn = petls_conn_alpn_selected(ctx);
    f->renegotiations = petls_conn_renegotiations(ctx);
    f->authorized = petls_conn_authorized(ctx) == 1;
    f->authorization_error =
        f->authorized ? NULL : petls_conn_authorization_error(ctx);
    f->authorization_message =
        f->authorized ? NULL : petls_conn_authorization_message(ctx);
    int have_cert = petls_peer_cert_provided(ctx) == 1;
    f->peer_subject = have_cert ? petls_peer_cert_subject(ctx) : NULL;
    f->peer_issuer = have_cert ? petls_peer_cert_issuer(ctx) : NULL;
    f->peer_notafter = have_cert ? petls_peer_cert_notafter(ctx) : -1;
    f->psk_identity = petls_conn_psk_identity(ctx);
    f->ephemeral = -1;
    f->ephemeral_type = NULL;
    f->ephemeral_name = NULL;
    f->ephemeral_size = 0;
    f->n_shared_sigalgs =
        petls_conn_shared_sigalgs(ctx, f->shared_sigalgs, NULL, 16);
    if (f->n_shared_sigalgs > 16)
        f->n_shared_sigalgs = 16;
}

void conn_facts_ephemeral(struct petls *ctx, struct conn_facts *f)
{
    f->ephemeral = petls_conn_ephemeral_key(
        ctx, &f->ephemeral_type, &f->ephemeral_name, &f->ephemeral_size);
}

static const char *or_dash(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "-";
}

void report_handshake_json(FILE *out, const char *peer,
                           const struct conn_facts *f)
{
    struct json_line j;
    json_begin(&j);
    json_str(&j, "event", "handshake");
    json_str(&j, "peer", peer);
    json_str(&j, "version", f->version);
    json_str(&j, "cipher", f->cipher);
    json_bool(&j, "resumed", f->resumed);
    json_bool(&j, "psk_ke", f->psk_ke);
    json_str(&j, "servername", f->servername);
    json_str(&j, "alpn", f->alpn);
    json_int(&j, "renegotiations", f->renegotiations);
    json_bool(&j, "authorized", f->authorized);
    json_str(&j, "authorizationError", f->authorization_error);
    json_str(&j, "peer_subject", f->peer_subject);
    json_str(&j, "psk_identity", f->psk_identity);
    if (f->worker >= 0)
        json_int(&j, "worker", f->worker);
    if (f->n_shared_sigalgs >= 0) {
        /* Node's getSharedSigalgs(): an array of names (static ASCII
         * strings of the library, nothing to escape) */
        char arr[16 * 20 + 3];
        size_t used = 0;
        int i;

        arr[used++] = '[';
        for (i = 0; i < f->n_shared_sigalgs; i++) {
            int w = snprintf(arr + used, sizeof(arr) - used, "%s\"%s\"",
                             i ? "," : "", f->shared_sigalgs[i]);
            if (w < 0 || (size_t)w >= sizeof(arr) - used - 1)
                break;
            used += (size_t)w;
        }
        arr[used++] = ']';
        arr[used] = '\0';
        json_raw(&j, "shared_sigalgs", arr);
    }
    if (f->ephemeral >= 0) {
        /* Node's getEphemeralKeyInfo(): type, name, size (null: {}) */
        json_str(&j, "ephemeral_type", f->ephemeral_type);
        json_str(&j, "ephemeral_name", f->ephemeral_name);
        if (f->ephemeral == 1)
            json_int(&j, "ephemeral_size", f->ephemeral_size);
        else
            json_str(&j, "ephemeral_size", NULL);
    }
    json_end(&j, out);
}

void report_failure_json(FILE *out, const char *peer, const char *error)
{
    struct json_line j;
    json_begin(&j);
    json_str(&j, "event", "handshake_failed");
    json_str(&j, "error", error);
    json_str(&j, "peer", peer);
    json_end(&j, out);
}

void report_server_line(FILE *out, const char *peer, const struct conn_facts *f)
{
    fprintf(out, "ACCEPT %s %s %s servername=%s authorized=%s", peer,
            or_dash(f->version), or_dash(f->cipher), or_dash(f->servername),
            f->authorized ? "yes" : "no");
    fprintf(out, " resumed=%s", f->resumed ? "yes" : "no");
    if (f->n_shared_sigalgs >= 0) {
        int i;
        fprintf(out, " shared_sigalgs=");
        for (i = 0; i < f->n_shared_sigalgs; i++)
            fprintf(out, "%s%s", i ? ":" : "", f->shared_sigalgs[i]);
        if (f->n_shared_sigalgs == 0)
            fputc('-', out);
    }
    if (f->worker >= 0)
        fprintf(out, " worker=%d", f->worker);
    if (f->authorization_error != NULL)
        fprintf(out, " authorizationError=%s", f->authorization_error);
    if (f->psk_identity != NULL)
        fprintf(out, " psk_identity=%s", f->psk_identity);
    if (f->peer_subject != NULL)
        fprintf(out, " peer_subject=%s", f->peer_subject);
    fputc('\n', out);
    fflush(out);
}

void report_server_error(FILE *out, const char *peer, const char *error)
{
    fprintf(out, "ERROR %s %s\n", peer, error);
    fflush(out);
}

void report_client_lines(FILE *out, const struct conn_facts *f)
{
    fprintf(out, "%s, %s, Cipher is %s\n", f->resumed ? "Reused" : "New",
            or_dash(f->version), or_dash(f->cipher));
    if (f->authorized)
        fprintf(out, "Verification: OK\n");
    else
        fprintf(out, "Verification error: %s: %s\n",
                or_dash(f->authorization_error),
                or_dash(f->authorization_message));
    fprintf(out, "Server name: %s\n",
            f->servername != NULL ? f->servername : "(none)");
    fprintf(out, "ALPN protocol: %s\n", f->alpn != NULL ? f->alpn : "(none)");
    fprintf(out, "Peer subject: %s\n",
            f->peer_subject != NULL ? f->peer_subject : "(none)");
    if (f->peer_issuer != NULL)
        fprintf(out, "Peer issuer: %s\n", f->peer_issuer);
    if (f->peer_notafter != -1) {
        struct tm tm;
        char when[32];
        if (gmtime_r(&f->peer_notafter, &tm) != NULL &&
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
            fprintf(out, "Peer expires: %s\n", when);
    }
    if (f->ephemeral == 1 && f->ephemeral_name != NULL)
        fprintf(out, "Server Temp Key: %s, %s, %d bits\n", f->ephemeral_type,
                f->ephemeral_name, f->ephemeral_size);
    else if (f->ephemeral == 1)
        fprintf(out, "Server Temp Key: %s, %d bits\n", f->ephemeral_type,
                f->ephemeral_size);
    else if (f->ephemeral == 0)
        fprintf(out, "Server Temp Key: none\n");
    fflush(out);
}
