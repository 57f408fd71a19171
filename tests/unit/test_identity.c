/* Node's checkServerIdentity: petls_check_server_identity() on certificate
 * fields (policy: petls_hostname_check_identity) and the client callback of
 * petls_config_set_check_server_identity() over in-memory handshakes.
 * tests/interop/identity_node.sh compares the results with Node's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hostname.h"
#include "testcerts.h"
#include "tlspair.h"

#define ALT "Hostname/IP does not match certificate's altnames: "
/* tests/certs/gen-certs.sh: server-ecdsa */
#define SERVER_SANS                                                            \
    "DNS:localhost, DNS:*.petls.test, IP Address:127.0.0.1, IP "               \
    "Address:0:0:0:0:0:0:0:1"

/* ---- The default check on certificate fields ---- */

static const char *const sans[] = {"DNS:localhost", "email:a@petls.test",
                                   "DNS:*.petls.test", "IP Address:127.0.0.1",
                                   "IP Address:0:0:0:0:0:0:0:1"};
static const char *const subject[] = {"O=petls", "CN=localhost"};

static int check(const char *host, const char *const *s, size_t ns,
                 const char *const *subj, size_t nsubj, char *reason,
                 size_t len)
{
    return petls_hostname_check_identity(host, s, ns, subj, nsubj, reason, len);
}

Test(identity, matches_as_node)
{
    char r[256];

    cr_assert_eq(check("localhost", sans, 5, subject, 2, r, sizeof(r)), 1);
    cr_assert_eq(check("LOCALHOST.", sans, 5, subject, 2, r, sizeof(r)), 1);
    cr_assert_eq(check("a.petls.test", sans, 5, subject, 2, r, sizeof(r)), 1);
    cr_assert_eq(check("127.0.0.1", sans, 5, subject, 2, r, sizeof(r)), 1);
    cr_assert_eq(check("::1", sans, 5, subject, 2, r, sizeof(r)), 1);
    /* the CN only without a DNS entry */
    cr_assert_eq(check("localhost", sans + 3, 2, subject, 2, r, sizeof(r)), 1);
}

Test(identity, node_reasons)
{
    static const char *const two_cns[] = {"CN=a.test", "CN=b.test"};
    char r[256];

    cr_assert_eq(check("x.test.", sans, 5, subject, 2, r, sizeof(r)), 0);
    /* the whole subjectaltname, email too, in the certificate's order */
    cr_assert_str_eq(r, "Host: x.test. is not in the cert's altnames: "
                        "DNS:localhost, email:a@petls.test, "
                        "DNS:*.petls.test, IP Address:127.0.0.1, "
                        "IP Address:0:0:0:0:0:0:0:1");
    cr_assert_eq(check("10.0.0.1", sans, 5, subject, 2, r, sizeof(r)), 0);
    cr_assert_str_eq(r, "IP: 10.0.0.1 is not in the cert's list: "
                        "127.0.0.1, ::1");
    cr_assert_eq(check("10.0.0.1", NULL, 0, subject, 2, r, sizeof(r)), 0);
    cr_assert_str_eq(r, "IP: 10.0.0.1 is not in the cert's list: ");
    cr_assert_eq(check("x.test", sans + 3, 2, subject, 2, r, sizeof(r)), 0);
    cr_assert_str_eq(r, "Host: x.test. is not cert's CN: localhost");
    cr_assert_eq(check("b.test", NULL, 0, two_cns, 2, r, sizeof(r)), 1);
    cr_assert_eq(check("c.test", NULL, 0, two_cns, 2, r, sizeof(r)), 0);
    cr_assert_str_eq(r, "Host: c.test. is not cert's CN: a.test,b.test");
    cr_assert_eq(check("x.test", NULL, 0, subject, 1, r, sizeof(r)), 0);
    cr_assert_str_eq(r, "Cert does not contain a DNS name");
    /* truncated, still terminated */
    cr_assert_eq(check("x.test", sans, 5, subject, 2, r, 10), 0);
    cr_assert_str_eq(r, "Host: x.t");
}

Test(identity, default_check_fills_node_error)
{
    struct petls_cert_details d;
    struct petls_identity_error e;

    memset(&d, 0, sizeof(d));
    d.sans = sans;
    d.n_sans = 1;
    d.subject = subject;
    d.n_subject = 2;
    memset(&e, 'x', sizeof(e));
    cr_assert_eq(petls_check_server_identity("localhost", &d, &e), 0);
    cr_assert_eq(petls_check_server_identity("other.test", &d, &e), -1);
    cr_assert_str_eq(e.code, "ERR_TLS_CERT_ALTNAME_INVALID");
    cr_assert_str_eq(e.reason,
                     "Host: other.test. is not in the cert's altnames: "
                     "DNS:localhost");
    cr_assert_str_eq(e.message, ALT "Host: other.test. is not in the cert's "
                                    "altnames: DNS:localhost");
    cr_assert_eq(petls_check_server_identity("other.test", &d, NULL), -1);
    cr_assert_eq(petls_check_server_identity("other.test", NULL, &e), -1);
    cr_assert_str_eq(e.reason, "Cert does not contain a DNS name");
}

/* ---- The callback over handshakes ---- */

struct seen {
    int calls;
    char host[64];
    char fp[128];
    const char *mode; /* "accept", "default", "pin", "nocode", "empty" */
};

static int cb(struct petls *ctx, const char *hostname,
              const struct petls_cert_details *cert,
              struct petls_identity_error *error, void *arg)
{
    struct seen *s = arg;
    struct petls_cert_details issuer;

    s->calls++;
    snprintf(s->host, sizeof(s->host), "%s", hostname);
    snprintf(s->fp, sizeof(s->fp), "%s",
             cert->fingerprint256 ? cert->fingerprint256 : "");
    cr_assert_str_empty(error->code);
    cr_assert_str_empty(error->message);
    /* the rest of the chain is there too */
    cr_assert_eq(petls_peer_cert_details(ctx, 1, &issuer), 0);
    if (strcmp(s->mode, "accept") == 0)
        return 0;
    if (strcmp(s->mode, "empty") == 0)
        return -1;
    if (strcmp(s->mode, "nocode") == 0) {
        snprintf(error->message, sizeof(error->message), "pin mismatch");
        return -1;
    }
    if (strcmp(s->mode, "code") == 0) {
        snprintf(error->code, sizeof(error->code), "MY_CODE");
        snprintf(error->message, sizeof(error->message), "my message");
        return -1;
    }
    return petls_check_server_identity(hostname, cert, error);
}

static void run(struct tlspair *p, struct seen *s, const char *mode,
                const char *name, int verify)
{
    memset(s, 0, sizeof(*s));
    s->mode = mode;
    tlspair_init(p);
    cr_assert_eq(petls_config_set_check_server_identity(p->ccfg, cb, s), 0);
    if (!verify)
        petls_config_insecure_noverifycert(p->ccfg);
    tlspair_start(p, name);
}

Test(identity, accept_replaces_the_name_check)
{
    struct tlspair p;
    struct seen s;

    run(&p, &s, "accept", "wrong.test", 1);
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    cr_assert_eq(s.calls, 1);
    cr_assert_str_eq(s.host, "wrong.test");
    cr_assert_eq(strlen(s.fp), 32 * 3 - 1);
    cr_assert_eq(petls_conn_authorized(p.client), 1);
    cr_assert_null(petls_conn_authorization_error(p.client));
    tlspair_free(&p);
}

Test(identity, default_refuses_with_node_message)
{
    struct tlspair p;
    struct seen s;

    run(&p, &s, "default", "wrong.test", 1);
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(petls_conn_authorized(p.client), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "ERR_TLS_CERT_ALTNAME_INVALID");
    cr_assert_str_eq(
        petls_conn_authorization_message(p.client),
        ALT "Host: wrong.test. is not in the cert's altnames: " SERVER_SANS);
    cr_assert_str_eq(
        petls_error(p.client),
        "certificate verification failed: "
        "ERR_TLS_CERT_ALTNAME_INVALID: " ALT
        "Host: wrong.test. is not in the cert's altnames: " SERVER_SANS);
    cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_VERIFY);
    /* the connection is dead */
    cr_assert_eq(petls_write(p.client, "x", 1), -1);
    tlspair_free(&p);
}

Test(identity, refusal_without_code_reports_the_message)
{
    struct tlspair p;
    struct seen s;

    run(&p, &s, "nocode", "localhost", 1);
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client), "pin mismatch");
    cr_assert_str_eq(petls_conn_authorization_message(p.client),
                     "pin mismatch");
    cr_assert_str_eq(petls_error(p.client),
                     "certificate verification failed: pin mismatch");
    tlspair_free(&p);

    run(&p, &s, "code", "localhost", 1);
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client), "MY_CODE");
    cr_assert_str_eq(petls_error(p.client),
                     "certificate verification failed: MY_CODE: my message");
    tlspair_free(&p);

    run(&p, &s, "empty", "localhost", 1);
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "the server identity check refused the certificate");
    tlspair_free(&p);
}

Test(identity, verification_off_only_reports)
{
    struct tlspair p;
    struct seen s;

    run(&p, &s, "default", "wrong.test", 0);
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(petls_conn_authorized(p.client), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "ERR_TLS_CERT_ALTNAME_INVALID");
    tlspair_transfer(p.client, p.sconn, "ping", 4);
    tlspair_free(&p);

    run(&p, &s, "default", "localhost", 0);
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    cr_assert_eq(petls_conn_authorized(p.client), 1);
    tlspair_free(&p);
}

Test(identity, not_called_when_the_chain_fails)
{
    struct tlspair p;
    struct seen s;

    memset(&s, 0, sizeof(s));
    s.mode = "accept";
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_keypair_file(p.scfg,
                                               cert_path("selfsigned.pem"),
                                               cert_path("selfsigned.key")),
                 0, "%s", petls_config_error(p.scfg));
    cr_assert_eq(petls_config_set_check_server_identity(p.ccfg, cb, &s), 0);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(s.calls, 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "DEPTH_ZERO_SELF_SIGNED_CERT");
    tlspair_free(&p);
}

Test(identity, frozen_config_and_null)
{
    struct tlspair p;
    struct seen s;

    cr_assert_eq(petls_config_set_check_server_identity(NULL, cb, &s), -1);
    run(&p, &s, "accept", "localhost", 1);
    cr_assert_eq(petls_config_set_check_server_identity(p.ccfg, NULL, NULL),
                 -1);
    tlspair_free(&p);
    /* NULL restores the built-in check */
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_check_server_identity(p.ccfg, cb, &s), 0);
    cr_assert_eq(petls_config_set_check_server_identity(p.ccfg, NULL, NULL), 0);
    tlspair_start(&p, "wrong.test");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "ERR_TLS_CERT_ALTNAME_INVALID");
    tlspair_free(&p);
}
