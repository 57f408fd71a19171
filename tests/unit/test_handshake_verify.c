/* Client-side certificate verification over in-memory handshakes: every
 * failure with its exact Node.js code and message, the insecure opt-outs,
 * host names and IP literals. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

/* The host-mismatch message: Node's, with the certificate's names, or the
 * compact one of PETLS_COMPACT_MESSAGES builds (cmake/PetlsTables.cmake,
 * on in tests/run/features-off.sh); the code is the same. */
#if PETLS_COMPACT_MESSAGES
#define ALTNAME_MSG(host, node_reason)                                         \
    "Hostname/IP does not match certificate's altnames: " host " is not in "   \
    "them"
#else
#define ALTNAME_MSG(host, node_reason)                                         \
    "Hostname/IP does not match certificate's altnames: " node_reason
#endif

/* A pair whose server presents name.pem/name.key. */
static void pair_with_server_cert(struct tlspair *p, const char *name)
{
    char pem[64], key[64];

    tlspair_init(p);
    snprintf(pem, sizeof(pem), "%s.pem", name);
    snprintf(key, sizeof(key), "%s.key", name);
    cr_assert_eq(
        petls_config_set_keypair_file(p->scfg, cert_path(pem), cert_path(key)),
        0, "%s: %s", name, petls_config_error(p->scfg));
}

/* The handshake fails on the client with code and message. */
static void expect_failure(struct tlspair *p, const char *servername,
                           const char *code, const char *message)
{
    char want[1024];

    tlspair_start(p, servername);
    cr_assert_eq(tlspair_handshake(p), -1, "handshake succeeded");
    cr_assert_eq(p->client_rc, -1);
    snprintf(want, sizeof(want), "certificate verification failed: %s: %s",
             code, message);
    cr_assert_str_eq(petls_error(p->client), want);
    cr_assert_str_eq(petls_conn_authorization_error(p->client), code);
    cr_assert_str_eq(petls_conn_authorization_message(p->client), message);
    cr_assert_eq(petls_conn_authorized(p->client), 0);
    /* The failure sticks: I/O reports it again. */
    cr_assert_eq(petls_handshake(p->client), -1);
    cr_assert_str_eq(petls_error(p->client), want);
}

static void failure_case(const char *server_cert, const char *code,
                         const char *message)
{
    struct tlspair p;

    pair_with_server_cert(&p, server_cert);
    expect_failure(&p, "localhost", code, message);
    tlspair_free(&p);
}

/* The handshake completes; authorized and its code as given. */
static void expect_success(struct tlspair *p, const char *servername,
                           int authorized, const char *code)
{
    tlspair_start(p, servername);
    cr_assert_eq(tlspair_handshake(p), 0, "client %d '%s', server %d '%s'",
                 p->client_rc, petls_error(p->client), p->server_rc,
                 petls_error(p->sconn));
    cr_assert_eq(petls_conn_authorized(p->client), authorized);
    if (code == NULL)
        cr_assert_null(petls_conn_authorization_error(p->client));
    else
        cr_assert_str_eq(petls_conn_authorization_error(p->client), code);
}

Test(verify, depth_zero_self_signed)
{
    failure_case("selfsigned", "DEPTH_ZERO_SELF_SIGNED_CERT",
                 "self-signed certificate");
}

/* other-chain.pem (other-leaf then its root) pairs with other-leaf.key. */
Test(verify, self_signed_cert_in_chain)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_keypair_file(p.scfg,
                                               cert_path("other-chain.pem"),
                                               cert_path("other-leaf.key")),
                 0, "%s", petls_config_error(p.scfg));
    expect_failure(&p, "localhost", "SELF_SIGNED_CERT_IN_CHAIN",
                   "self-signed certificate in certificate chain");
    tlspair_free(&p);
}

Test(verify, unable_to_verify_leaf_signature)
{
    failure_case("other-leaf", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
                 "unable to verify the first certificate");
}

Test(verify, cert_has_expired)
{
    failure_case("expired", "CERT_HAS_EXPIRED", "certificate has expired");
}

Test(verify, cert_not_yet_valid)
{
    failure_case("notyet", "CERT_NOT_YET_VALID",
                 "certificate is not yet valid");
}

Test(verify, cert_revoked)
{
    struct tlspair p;

    pair_with_server_cert(&p, "revoked");
    cr_assert_eq(petls_config_set_crl_file(p.ccfg, cert_path("crl.pem")), 0,
                 "%s", petls_config_error(p.ccfg));
    expect_failure(&p, "localhost", "CERT_REVOKED", "certificate revoked");
    tlspair_free(&p);
}

Test(verify, crl_does_not_reject_good_cert)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_crl_file(p.ccfg, cert_path("crl.pem")), 0);
    expect_success(&p, "localhost", 1, NULL);
    tlspair_free(&p);
}

Test(verify, revoked_passes_without_crl)
{
    struct tlspair p;

    pair_with_server_cert(&p, "revoked");
    expect_success(&p, "localhost", 1, NULL);
    tlspair_free(&p);
}

Test(verify, altname_wrongname)
{
    failure_case("wrongname", "ERR_TLS_CERT_ALTNAME_INVALID",
                 ALTNAME_MSG("localhost",
                             "Host: localhost. is not in the cert's altnames: "
                             "DNS:wrong.example"));
}

Test(verify, altname_wrong_servername)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_failure(
        &p, "foo.example", "ERR_TLS_CERT_ALTNAME_INVALID",
        ALTNAME_MSG("foo.example",
                    "Host: foo.example. is not in the cert's altnames: "
                    "DNS:localhost, DNS:*.petls.test, IP Address:127.0.0.1, "
                    "IP Address:0:0:0:0:0:0:0:1"));
    tlspair_free(&p);
}

Test(verify, wildcard_servername)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_success(&p, "api.petls.test", 1, NULL);
    cr_assert_str_eq(petls_conn_servername(p.sconn), "api.petls.test");
    tlspair_free(&p);
}

Test(verify, servername_trailing_dot)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_success(&p, "localhost.", 1, NULL);
    cr_assert_str_eq(petls_conn_servername(p.sconn), "localhost");
    tlspair_free(&p);
}

Test(verify, ip_literal_matches)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_success(&p, "127.0.0.1", 1, NULL);
    /* IP literals are never sent as SNI. */
    cr_assert_null(petls_conn_servername(p.sconn));
    cr_assert_null(petls_conn_servername(p.client));
    tlspair_free(&p);
}

Test(verify, ipv6_literal_in_brackets)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_success(&p, "[::1]", 1, NULL);
    cr_assert_null(petls_conn_servername(p.sconn));
    tlspair_free(&p);
}

Test(verify, ip_literal_mismatch)
{
    struct tlspair p;

    tlspair_init(&p);
    expect_failure(&p, "127.0.0.2", "ERR_TLS_CERT_ALTNAME_INVALID",
                   ALTNAME_MSG("127.0.0.2", "IP: 127.0.0.2 is not in the "
                                            "cert's list: 127.0.0.1, ::1"));
    tlspair_free(&p);
}

Test(verify, cn_only_matches_localhost)
{
    struct tlspair p;

    pair_with_server_cert(&p, "cn-only");
    expect_success(&p, "localhost", 1, NULL);
    tlspair_free(&p);
}

Test(verify, cn_only_other_name)
{
    struct tlspair p;

    pair_with_server_cert(&p, "cn-only");
    expect_failure(&p, "foo.petls.test", "ERR_TLS_CERT_ALTNAME_INVALID",
                   ALTNAME_MSG("foo.petls.test", "Host: foo.petls.test. is "
                                                 "not cert's CN: localhost"));
    tlspair_free(&p);
}

/* ---- Insecure opt-outs ---- */

static void noverifycert_case(const char *server_cert, const char *code)
{
    struct tlspair p;

    if (strcmp(server_cert, "other-chain") == 0) {
        tlspair_init(&p);
        cr_assert_eq(petls_config_set_keypair_file(p.scfg,
                                                   cert_path("other-chain.pem"),
                                                   cert_path("other-leaf.key")),
                     0);
    } else {
        pair_with_server_cert(&p, server_cert);
    }
    petls_config_insecure_noverifycert(p.ccfg);
    /* Node's rejectUnauthorized: false: connected, not authorized. */
    expect_success(&p, "localhost", 0, code);
    tlspair_free(&p);
}

Test(insecure, noverifycert_self_signed)
{
    noverifycert_case("selfsigned", "DEPTH_ZERO_SELF_SIGNED_CERT");
}

Test(insecure, noverifycert_other_chain)
{
    noverifycert_case("other-chain", "SELF_SIGNED_CERT_IN_CHAIN");
}

Test(insecure, noverifycert_other_leaf)
{
    noverifycert_case("other-leaf", "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
}

Test(insecure, noverifycert_expired)
{
    noverifycert_case("expired", "CERT_HAS_EXPIRED");
}

Test(insecure, noverifycert_revoked)
{
    struct tlspair p;

    pair_with_server_cert(&p, "revoked");
    cr_assert_eq(petls_config_set_crl_file(p.ccfg, cert_path("crl.pem")), 0);
    petls_config_insecure_noverifycert(p.ccfg);
    expect_success(&p, "localhost", 0, "CERT_REVOKED");
    tlspair_free(&p);
}

Test(insecure, noverifytime_expired)
{
    struct tlspair p;

    pair_with_server_cert(&p, "expired");
    petls_config_insecure_noverifytime(p.ccfg);
    expect_success(&p, "localhost", 1, NULL);
    tlspair_free(&p);
}

Test(insecure, noverifytime_notyet)
{
    struct tlspair p;

    pair_with_server_cert(&p, "notyet");
    petls_config_insecure_noverifytime(p.ccfg);
    expect_success(&p, "localhost", 1, NULL);
    tlspair_free(&p);
}

Test(insecure, noverifyname_wrongname)
{
    struct tlspair p;

    pair_with_server_cert(&p, "wrongname");
    petls_config_insecure_noverifyname(p.ccfg);
    expect_success(&p, "localhost", 1, NULL);
    /* The name is still sent as SNI. */
    cr_assert_str_eq(petls_conn_servername(p.sconn), "localhost");
    tlspair_free(&p);
}

Test(insecure, noverifyname_without_servername)
{
    struct tlspair p;

    tlspair_init(&p);
    petls_config_insecure_noverifyname(p.ccfg);
    expect_success(&p, NULL, 1, NULL);
    cr_assert_null(petls_conn_servername(p.sconn));
    tlspair_free(&p);
}

Test(insecure, verify_restores_checks)
{
    struct tlspair p;

    pair_with_server_cert(&p, "selfsigned");
    petls_config_insecure_noverifycert(p.ccfg);
    petls_config_verify(p.ccfg);
    expect_failure(&p, "localhost", "DEPTH_ZERO_SELF_SIGNED_CERT",
                   "self-signed certificate");
    tlspair_free(&p);
}

/* ---- Server names rejected before any I/O ---- */

Test(servername, required_when_verifying)
{
    struct petls *c = petls_client();
    struct mempipe pipe;

    mempipe_init(&pipe);
    cr_assert_eq(
        petls_connect_cbs(c, mempipe_read, mempipe_write, &pipe.client, NULL),
        -1);
    cr_assert_str_eq(petls_error(c),
                     "no server name to verify the certificate against "
                     "(give a servername, or call "
                     "petls_config_insecure_noverifyname)");
    cr_assert_eq(pipe.client.bytes_written, 0);
    petls_free(c);
    mempipe_free(&pipe);
}

Test(servername, invalid_name)
{
    struct petls *c = petls_client();
    struct mempipe pipe;

    mempipe_init(&pipe);
    cr_assert_eq(petls_connect_cbs(c, mempipe_read, mempipe_write, &pipe.client,
                                   "bad_name!.example"),
                 -1);
    cr_assert_str_eq(petls_error(c), "invalid server name 'bad_name!.example'");
    /* The context stays usable. */
    cr_assert_eq(petls_connect_cbs(c, mempipe_read, mempipe_write, &pipe.client,
                                   "localhost"),
                 0, "%s", petls_error(c));
    petls_free(c);
    mempipe_free(&pipe);
}

Test(servername, server_context_cannot_connect)
{
    struct petls *s = petls_server();
    struct mempipe pipe;

    mempipe_init(&pipe);
    cr_assert_eq(petls_connect_cbs(s, mempipe_read, mempipe_write, &pipe.client,
                                   "localhost"),
                 -1);
    cr_assert_str_eq(petls_error(s), "not a client context");
    petls_free(s);
    mempipe_free(&pipe);
}
