/* In-memory handshakes: protocol versions, key types, keypair selection,
 * connection facts. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

static const char MSG[] = "hello over petls";

static void assert_peer_is(struct petls *ctx, const char *pemfile)
{
    size_t want_len, got_len;
    unsigned char *want = cert_first_der(pemfile, &want_len);
    const uint8_t *got = petls_peer_cert_der(ctx, &got_len);

    cr_assert_not_null(got, "no peer certificate");
    cr_assert_eq(got_len, want_len, "peer cert is not the one in %s", pemfile);
    cr_assert(memcmp(got, want, want_len) == 0,
              "peer cert is not the one in %s", pemfile);
    free(want);
}

static void run_and_check(struct tlspair *p, const char *version)
{
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 p->client_rc, petls_error(p->client), p->server_rc,
                 petls_error(p->sconn));
    cr_assert_str_eq(petls_conn_version(p->client), version);
    cr_assert_str_eq(petls_conn_version(p->sconn), version);
    cr_assert_str_eq(petls_conn_cipher(p->client), petls_conn_cipher(p->sconn));
    cr_assert(petls_conn_cipher_strength(p->client) >= 128);
    cr_assert_eq(petls_conn_authorized(p->client), 1, "%s",
                 petls_conn_authorization_error(p->client));
    cr_assert_null(petls_conn_authorization_error(p->client));
    cr_assert_null(petls_conn_authorization_message(p->client));
    cr_assert_str_eq(petls_conn_servername(p->sconn), "localhost");
    cr_assert_str_eq(petls_conn_servername(p->client), "localhost");
    tlspair_transfer(p->client, p->sconn, MSG, sizeof(MSG));
    tlspair_transfer(p->sconn, p->client, MSG, sizeof(MSG));
}

Test(handshake, tls13_ecdsa)
{
    struct tlspair p;

    tlspair_init(&p);
    run_and_check(&p, "TLSv1.3");
    cr_assert(
        strncmp(petls_conn_cipher_iana(p.client), "TLS_AES_", 8) == 0 ||
            strncmp(petls_conn_cipher_iana(p.client), "TLS_CHACHA20", 12) == 0,
        "%s", petls_conn_cipher_iana(p.client));
    assert_peer_is(p.client, "server-ecdsa.pem");
    tlspair_free(&p);
}

Test(handshake, tls12_ecdsa)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_2), 0);
    run_and_check(&p, "TLSv1.2");
    cr_assert(strstr(petls_conn_cipher(p.client), "ECDHE-ECDSA") ==
                  petls_conn_cipher(p.client),
              "%s", petls_conn_cipher(p.client));
    assert_peer_is(p.client, "server-ecdsa.pem");
    tlspair_free(&p);
}

static void use_rsa(struct tlspair *p)
{
    cr_assert_eq(petls_config_set_keypair_file(p->scfg,
                                               cert_path("server-rsa.pem"),
                                               cert_path("server-rsa.key")),
                 0, "%s", petls_config_error(p->scfg));
}

Test(handshake, tls13_rsa)
{
    struct tlspair p;

    tlspair_init(&p);
    use_rsa(&p);
    run_and_check(&p, "TLSv1.3");
    assert_peer_is(p.client, "server-rsa.pem");
    tlspair_free(&p);
}

Test(handshake, tls12_rsa)
{
    struct tlspair p;

    tlspair_init(&p);
    use_rsa(&p);
    cr_assert_eq(petls_config_set_max_version(p.ccfg, "TLSv1.2"), 0);
    run_and_check(&p, "TLSv1.2");
    cr_assert(strstr(petls_conn_cipher(p.client), "ECDHE-RSA") ==
                  petls_conn_cipher(p.client),
              "%s", petls_conn_cipher(p.client));
    assert_peer_is(p.client, "server-rsa.pem");
    tlspair_free(&p);
}

Test(handshake, server_min_version_tls13_refuses_tls12_client)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_min_version(p.scfg, "TLSv1.3"), 0);
    cr_assert_eq(petls_config_set_max_version(p.ccfg, "1.2"), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_not_null(petls_error(p.sconn));
    tlspair_free(&p);
}

/* A server with both an ECDSA and an RSA keypair answers with the one the
 * client's suites can use. */
static void dual_keypair(const char *client_ciphers, const char *want_pem)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_add_keypair_file(p.scfg,
                                               cert_path("server-rsa.pem"),
                                               cert_path("server-rsa.key")),
                 0, "%s", petls_config_error(p.scfg));
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(petls_config_set_ciphers(p.ccfg, client_ciphers), 0, "%s",
                 petls_config_error(p.ccfg));
    run_and_check(&p, "TLSv1.2");
    cr_assert_str_eq(petls_conn_cipher(p.client), client_ciphers);
    assert_peer_is(p.client, want_pem);
    tlspair_free(&p);
}

Test(handshake, dual_keypair_ecdsa_suite)
{
    dual_keypair("ECDHE-ECDSA-AES128-GCM-SHA256", "server-ecdsa.pem");
}

Test(handshake, dual_keypair_rsa_suite)
{
    dual_keypair("ECDHE-RSA-AES256-GCM-SHA384", "server-rsa.pem");
}

Test(handshake, peer_cert_facts)
{
    struct tlspair p;
    size_t i, n, len;
    int dns = 0, ip = 0;
    const uint8_t *pem;

    tlspair_init(&p);
    run_and_check(&p, "TLSv1.3");
    cr_assert_eq(petls_peer_cert_provided(p.client), 1);
    cr_assert(strstr(petls_peer_cert_subject(p.client), "CN=localhost") != NULL,
              "%s", petls_peer_cert_subject(p.client));
    cr_assert(strncmp(petls_peer_cert_hash(p.client), "SHA256:", 7) == 0);
    cr_assert_eq(strlen(petls_peer_cert_hash(p.client)), 7 + 64);
    cr_assert(petls_peer_cert_notbefore(p.client) <
              petls_peer_cert_notafter(p.client));
    n = petls_peer_cert_san_count(p.client);
    cr_assert_eq(n, 4);
    for (i = 0; i < n; i++) {
        const char *san = petls_peer_cert_san(p.client, i);
        if (strcmp(san, "DNS:localhost") == 0)
            dns++;
        if (strcmp(san, "IP Address:127.0.0.1") == 0)
            ip++;
    }
    cr_assert_eq(dns, 1);
    cr_assert_eq(ip, 1);
    cr_assert_null(petls_peer_cert_san(p.client, n));
    pem = petls_peer_cert_chain_pem(p.client, &len);
    cr_assert_not_null(pem);
    cr_assert(len > 0);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "localhost"), 1);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "a.petls.test"), 1);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "a.b.petls.test"), 0);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "127.0.0.1"), 1);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "[::1]"), 1);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "127.0.0.2"), 0);
    cr_assert_eq(petls_peer_cert_contains_name(p.client, "example.com"), 0);
    /* The server asked for no client certificate. */
    cr_assert_eq(petls_peer_cert_provided(p.sconn), 0);
    cr_assert_eq(petls_conn_authorized(p.sconn), 0);
    cr_assert_null(petls_conn_authorization_error(p.sconn));
    tlspair_free(&p);
}

Test(handshake, facts_null_before_handshake)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_null(petls_conn_version(p.client));
    cr_assert_null(petls_conn_cipher(p.client));
    cr_assert_eq(petls_conn_authorized(p.client), 0);
    cr_assert_eq(petls_peer_cert_provided(p.client), 0);
    tlspair_free(&p);
}

/* ---- Client certificates ---- */

static void client_cert_case(int mode, int send_cert, int want_ok,
                             int want_authorized, const char *want_code)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_verify_client(p.scfg, mode), 0);
    cr_assert_eq(petls_config_set_ca_file(p.scfg, cert_path("ca.pem")), 0);
    if (send_cert)
        cr_assert_eq(petls_config_set_keypair_file(p.ccfg,
                                                   cert_path("client.pem"),
                                                   cert_path("client.key")),
                     0, "%s", petls_config_error(p.ccfg));
    tlspair_start(&p, "localhost");
    tlspair_handshake(&p);
    if (want_ok) {
        cr_assert_eq(p.server_rc, 0, "server: %s", petls_error(p.sconn));
        cr_assert_eq(petls_conn_authorized(p.sconn), want_authorized);
        if (want_code == NULL) {
            cr_assert_null(petls_conn_authorization_error(p.sconn));
        } else {
            cr_assert_str_eq(petls_conn_authorization_error(p.sconn),
                             want_code);
            cr_assert_not_null(petls_conn_authorization_message(p.sconn));
        }
        /* A client sends its certificate only when asked. */
        send_cert = send_cert && mode != PETLS_VERIFY_CLIENT_NONE;
        cr_assert_eq(petls_peer_cert_provided(p.sconn), send_cert);
        if (send_cert)
            cr_assert(strstr(petls_peer_cert_subject(p.sconn),
                             "CN=petls-client") != NULL);
    } else {
        cr_assert_eq(p.server_rc, -1);
        cr_assert_not_null(petls_error(p.sconn));
    }
    tlspair_free(&p);
}

Test(client_cert, none_requested)
{
    client_cert_case(PETLS_VERIFY_CLIENT_NONE, 1, 1, 0, NULL);
}

Test(client_cert, optional_without_cert)
{
    client_cert_case(PETLS_VERIFY_CLIENT_OPTIONAL, 0, 1, 0,
                     "UNABLE_TO_GET_ISSUER_CERT");
}

Test(client_cert, optional_with_cert)
{
    client_cert_case(PETLS_VERIFY_CLIENT_OPTIONAL, 1, 1, 1, NULL);
}

Test(client_cert, required_with_cert)
{
    client_cert_case(PETLS_VERIFY_CLIENT_REQUIRE, 1, 1, 1, NULL);
}

Test(client_cert, required_without_cert)
{
    client_cert_case(PETLS_VERIFY_CLIENT_REQUIRE, 0, 0, 0, NULL);
}

Test(client_cert, optional_untrusted_cert)
{
    struct tlspair p;

    tlspair_init(&p);
    petls_config_verify_client_optional(p.scfg);
    /* The server trusts only the unrelated root. */
    cr_assert_eq(petls_config_set_ca_file(p.scfg, cert_path("other-ca.pem")),
                 0);
    cr_assert_eq(petls_config_set_keypair_file(p.ccfg, cert_path("client.pem"),
                                               cert_path("client.key")),
                 0);
    tlspair_start(&p, "localhost");
    tlspair_handshake(&p);
    cr_assert_eq(p.server_rc, 0, "server: %s", petls_error(p.sconn));
    cr_assert_eq(petls_conn_authorized(p.sconn), 0);
    cr_assert_str_eq(petls_conn_authorization_error(p.sconn),
                     "UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
    tlspair_free(&p);
}

/* ---- Suites, groups and depth reach the backend ---- */

Test(handshake, tls13_suite_choice)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_ciphers(p.ccfg, "TLS_AES_256_GCM_SHA384"), 0,
                 "%s", petls_config_error(p.ccfg));
    run_and_check(&p, "TLSv1.3");
    cr_assert_str_eq(petls_conn_cipher_iana(p.client),
                     "TLS_AES_256_GCM_SHA384");
    cr_assert_str_eq(petls_conn_cipher(p.sconn), "TLS_AES_256_GCM_SHA384");
    cr_assert_eq(petls_conn_cipher_strength(p.client), 256);
    tlspair_free(&p);
}

Test(handshake, groups_agree)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_groups(p.ccfg, "P-384"), 0);
    cr_assert_eq(petls_config_set_groups(p.scfg, "X25519:P-384"), 0);
    run_and_check(&p, "TLSv1.3");
    tlspair_free(&p);
}

Test(handshake, groups_disjoint_fail)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_groups(p.ccfg, "X25519"), 0);
    cr_assert_eq(petls_config_set_ecdhecurves(p.scfg, "P-256"), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_not_null(petls_error(p.sconn));
    tlspair_free(&p);
}

Test(handshake, verify_depth_exceeded)
{
    struct tlspair p;

    /* server-ecdsa.pem has one intermediate; depth 0 allows none. */
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_verify_depth(p.ccfg, 0), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "certificate verification failed: CERT_CHAIN_TOO_LONG: "
                     "certificate chain too long");
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "CERT_CHAIN_TOO_LONG");
    tlspair_free(&p);
}

Test(handshake, verify_depth_enough)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_verify_depth(p.ccfg, 1), 0);
    run_and_check(&p, "TLSv1.3");
    tlspair_free(&p);
}
