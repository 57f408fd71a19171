/* External PSKs in memory: TLS 1.2 PSK suites and TLS 1.3 pre_shared_key,
 * static identities and callbacks on both sides, PSK-only servers, unknown
 * identities and wrong keys (exact errors on both sides), config errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

static const uint8_t KEY[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t OTHER_KEY[32] = {9, 9, 9};

/* A PSK-only server (no certificate) knowing "alice" and "bob", and a
 * client offering identity with key. */
static void psk_pair(struct tlspair *p, uint32_t proto, const char *identity,
                     const uint8_t *key)
{
    tlspair_init_bare(p);
    cr_assert_eq(petls_config_add_psk(p->scfg, "alice", KEY, sizeof(KEY)), 0,
                 "%s", petls_config_error(p->scfg));
    cr_assert_eq(
        petls_config_add_psk(p->scfg, "bob", OTHER_KEY, sizeof(OTHER_KEY)), 0);
    cr_assert_eq(petls_config_set_psk_identity_hint(p->scfg, "petls hint"), 0);
    cr_assert_eq(petls_config_add_psk(p->ccfg, identity, key, 32), 0, "%s",
                 petls_config_error(p->ccfg));
    cr_assert_eq(petls_config_set_protocols(p->ccfg, proto), 0);
    /* No certificate to verify in a PSK handshake; the name is still
     * sent as SNI. */
    petls_config_insecure_noverifycert(p->ccfg);
}

static void expect_ok(struct tlspair *p)
{
    cr_assert_eq(tlspair_handshake(p), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 p->client_rc, petls_error(p->client), p->server_rc,
                 petls_error(p->sconn));
}

static void psk_only(uint32_t proto, const char *version)
{
    static const char msg[] = "psk data";
    struct tlspair p;

    psk_pair(&p, proto, "alice", KEY);
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert_str_eq(petls_conn_version(p.client), version);
    cr_assert_str_eq(petls_conn_psk_identity(p.sconn), "alice");
    cr_assert_str_eq(petls_conn_psk_identity(p.client), "alice");
    cr_assert_eq(petls_peer_cert_provided(p.client), 0);
    /* As Node: a PSK handshake is authorized without a certificate. */
    cr_assert_eq(petls_conn_authorized(p.client), 1);
    cr_assert_null(petls_conn_authorization_error(p.client));
    cr_assert_eq(petls_conn_session_resumed(p.sconn), 0);
    cr_assert_eq(petls_conn_session_resumed(p.client), 0);
    cr_assert_str_eq(petls_conn_servername(p.sconn), "localhost");
    tlspair_transfer(p.client, p.sconn, msg, sizeof(msg));
    tlspair_transfer(p.sconn, p.client, msg, sizeof(msg));
    if (proto == PETLS_PROTOCOL_TLSv1_2)
        /* The forward-secret ECDHE-PSK suite comes first. */
        cr_assert_str_eq(petls_conn_cipher(p.client),
                         "ECDHE-PSK-CHACHA20-POLY1305");
    else
        /* mbed TLS: external PSKs use SHA-256 suites. */
        cr_assert(strstr(petls_conn_cipher_iana(p.client), "SHA256") != NULL,
                  "%s", petls_conn_cipher_iana(p.client));
    tlspair_free(&p);
}

Test(psk, server_without_cert_tls13)
{
    psk_only(PETLS_PROTOCOL_TLSv1_3, "TLSv1.3");
}

Test(psk, server_without_cert_tls12)
{
    psk_only(PETLS_PROTOCOL_TLSv1_2, "TLSv1.2");
}

Test(psk, tls12_plain_psk_suite)
{
    struct tlspair p;

    psk_pair(&p, PETLS_PROTOCOL_TLSv1_2, "bob", OTHER_KEY);
    cr_assert_eq(petls_config_set_ciphers(p.ccfg, "PSK-AES128-GCM-SHA256"), 0,
                 "%s", petls_config_error(p.ccfg));
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert_str_eq(petls_conn_cipher(p.client), "PSK-AES128-GCM-SHA256");
    cr_assert_str_eq(petls_conn_psk_identity(p.sconn), "bob");
    tlspair_free(&p);
}

static void unknown_identity(uint32_t proto, const char *server_err,
                             const char *client_err)
{
    struct tlspair p;

    psk_pair(&p, proto, "mallory", KEY);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_eq(p.client_rc, -1);
    cr_assert_str_eq(petls_error(p.sconn), server_err);
    cr_assert_str_eq(petls_error(p.client), client_err);
    cr_assert_null(petls_conn_psk_identity(p.sconn));
    tlspair_free(&p);
}

Test(psk, unknown_identity_tls12)
{
    unknown_identity(PETLS_PROTOCOL_TLSv1_2,
                     "handshake: unknown PSK identity 'mallory' (sent alert "
                     "unknown_psk_identity)",
                     "handshake: peer sent fatal alert unknown_psk_identity");
}

Test(psk, unknown_identity_tls13)
{
    /* TLS 1.3 ignores an unknown PSK; without a certificate the server
     * has nothing else to offer (a PSK-only server offers no certificate
     * mode: the client's key_share alone is not enough). */
    unknown_identity(PETLS_PROTOCOL_TLSv1_3,
                     "handshake: unknown PSK identity 'mallory' and no "
                     "certificate to fall back on (sent alert "
                     "handshake_failure)",
                     "handshake: peer sent fatal alert handshake_failure");
}

static void wrong_key(uint32_t proto, const char *server_err,
                      const char *client_err)
{
    struct tlspair p;

    psk_pair(&p, proto, "alice", OTHER_KEY);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_eq(p.client_rc, -1);
    cr_assert_str_eq(petls_error(p.sconn), server_err);
    cr_assert_str_eq(petls_error(p.client), client_err);
    tlspair_free(&p);
}

Test(psk, wrong_key_tls12)
{
    wrong_key(PETLS_PROTOCOL_TLSv1_2,
              "handshake: PSK mismatch: the client's key for identity "
              "'alice' differs from ours (sent alert bad_record_mac)",
              "handshake: peer sent fatal alert bad_record_mac");
}

Test(psk, wrong_key_tls13)
{
    wrong_key(PETLS_PROTOCOL_TLSv1_3,
              "handshake: PSK mismatch: the client's key for identity "
              "'alice' differs from ours (sent alert decrypt_error)",
              "handshake: peer sent fatal alert decrypt_error");
}

/* ---- Callbacks ---- */

struct srv_cb {
    int calls;
    char last[PETLS_PSK_IDENTITY_MAX + 1];
};

static int server_cb(struct petls *conn, const char *identity, uint8_t *key,
                     size_t cap, void *arg)
{
    struct srv_cb *st = arg;

    (void)conn;
    st->calls++;
    snprintf(st->last, sizeof(st->last), "%s", identity);
    if (strcmp(identity, "device-7") != 0)
        return 0;
    cr_assert(cap >= sizeof(KEY));
    memcpy(key, KEY, sizeof(KEY));
    return (int)sizeof(KEY);
}

struct cli_cb {
    int calls;
    int hint_was_null;
    const char *identity;
};

static int client_cb(struct petls *conn, const char *hint, char *identity,
                     size_t identity_cap, uint8_t *key, size_t key_cap,
                     void *arg)
{
    struct cli_cb *st = arg;

    (void)conn;
    st->calls++;
    st->hint_was_null = hint == NULL;
    if (st->identity == NULL)
        return 0;
    cr_assert(identity_cap > strlen(st->identity) && key_cap >= sizeof(KEY));
    snprintf(identity, identity_cap, "%s", st->identity);
    memcpy(key, KEY, sizeof(KEY));
    return (int)sizeof(KEY);
}

static void callbacks(uint32_t proto)
{
    struct srv_cb s;
    struct cli_cb c;
    struct tlspair p;

    memset(&s, 0, sizeof(s));
    memset(&c, 0, sizeof(c));
    c.identity = "device-7";
    tlspair_init_bare(&p);
    cr_assert_eq(petls_config_set_psk_server_cb(p.scfg, server_cb, &s), 0);
    cr_assert_eq(petls_config_set_psk_client_cb(p.ccfg, client_cb, &c), 0);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, proto), 0);
    petls_config_insecure_noverifycert(p.ccfg);
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert_eq(c.calls, 1);
    cr_assert(c.hint_was_null, "mbed TLS cannot deliver the hint");
    cr_assert_geq(s.calls, 1);
    cr_assert_str_eq(s.last, "device-7");
    cr_assert_str_eq(petls_conn_psk_identity(p.sconn), "device-7");
    cr_assert_str_eq(petls_conn_psk_identity(p.client), "device-7");
    tlspair_free(&p);
}

Test(psk, callbacks_tls13)
{
    callbacks(PETLS_PROTOCOL_TLSv1_3);
}

Test(psk, callbacks_tls12)
{
    callbacks(PETLS_PROTOCOL_TLSv1_2);
}

Test(psk, server_cb_unknown_identity)
{
    struct srv_cb s;
    struct tlspair p;

    memset(&s, 0, sizeof(s));
    tlspair_init_bare(&p);
    cr_assert_eq(petls_config_set_psk_server_cb(p.scfg, server_cb, &s), 0);
    cr_assert_eq(petls_config_add_psk(p.ccfg, "device-8", KEY, sizeof(KEY)), 0);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_2), 0);
    petls_config_insecure_noverifycert(p.ccfg);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(s.last, "device-8");
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: unknown PSK identity 'device-8' (sent alert "
                     "unknown_psk_identity)");
    tlspair_free(&p);
}

/* A server with a certificate and PSKs: clients without a PSK get the
 * certificate handshake, clients with one the PSK handshake. */
static void cert_and_psk(uint32_t proto, int client_psk)
{
    struct cli_cb c;
    struct tlspair p;

    memset(&c, 0, sizeof(c));
    c.identity = client_psk ? "alice" : NULL;
    tlspair_init(&p);
    cr_assert_eq(petls_config_add_psk(p.scfg, "alice", KEY, sizeof(KEY)), 0);
    cr_assert_eq(petls_config_set_psk_client_cb(p.ccfg, client_cb, &c), 0);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, proto), 0);
    if (client_psk && proto == PETLS_PROTOCOL_TLSv1_2)
        /* mbed TLS servers pick TLS 1.2 suites in their own order, which
         * puts certificate suites first: a PSK client names PSK suites. */
        cr_assert_eq(
            petls_config_set_ciphers(p.ccfg, "ECDHE-PSK-CHACHA20-POLY1305"), 0);
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert_eq(c.calls, 1);
    if (client_psk) {
        cr_assert_str_eq(petls_conn_psk_identity(p.sconn), "alice");
        cr_assert_str_eq(petls_conn_psk_identity(p.client), "alice");
        cr_assert_eq(petls_peer_cert_provided(p.client), 0);
    } else {
        cr_assert_null(petls_conn_psk_identity(p.sconn));
        cr_assert_null(petls_conn_psk_identity(p.client));
        cr_assert_eq(petls_peer_cert_provided(p.client), 1);
        cr_assert_eq(petls_conn_authorized(p.client), 1);
    }
    tlspair_free(&p);
}

Test(psk, cert_server_client_without_psk_tls13)
{
    cert_and_psk(PETLS_PROTOCOL_TLSv1_3, 0);
}

Test(psk, cert_server_client_without_psk_tls12)
{
    cert_and_psk(PETLS_PROTOCOL_TLSv1_2, 0);
}

Test(psk, cert_server_client_with_psk_tls13)
{
    cert_and_psk(PETLS_PROTOCOL_TLSv1_3, 1);
}

Test(psk, cert_server_client_with_psk_tls12)
{
    cert_and_psk(PETLS_PROTOCOL_TLSv1_2, 1);
}

static int failing_client_cb(struct petls *conn, const char *hint,
                             char *identity, size_t identity_cap, uint8_t *key,
                             size_t key_cap, void *arg)
{
    (void)conn;
    (void)hint;
    (void)identity;
    (void)identity_cap;
    (void)key;
    (void)key_cap;
    (void)arg;
    return -1;
}

Test(psk, client_cb_failure_fails_connect)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(
        petls_config_set_psk_client_cb(p.ccfg, failing_client_cb, NULL), 0);
    p.client = petls_client();
    cr_assert_eq(petls_configure(p.client, p.ccfg), 0);
    cr_assert_eq(petls_connect_cbs(p.client, mempipe_read, mempipe_write,
                                   &p.pipe.client, "localhost"),
                 -1);
    cr_assert_str_eq(petls_error(p.client), "PSK client callback failed");
    tlspair_free(&p);
}

/* ---- Config ---- */

Test(psk, config_errors)
{
    struct petls_config *c = petls_config_new();
    uint8_t big[49];
    char long_id[PETLS_PSK_IDENTITY_MAX + 2];
    struct petls *srv;

    memset(big, 7, sizeof(big));
    memset(long_id, 'a', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    cr_assert_eq(petls_config_add_psk(c, "x", big, sizeof(big)), -1);
    cr_assert_str_eq(petls_config_error(c), "PSK must be 1 to 48 bytes (got "
                                            "49)");
    cr_assert_eq(petls_config_add_psk(c, "x", big, 0), -1);
    cr_assert_eq(petls_config_add_psk(c, "", big, 16), -1);
    cr_assert_str_eq(petls_config_error(c), "PSK: empty identity");
    cr_assert_eq(petls_config_add_psk(c, long_id, big, 16), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "PSK identity is 129 bytes, more than the 128 allowed");
    cr_assert_eq(petls_config_add_psk(c, "x", big, 48), 0);
    cr_assert_eq(petls_config_add_psk(c, "x", big, 16), -1);
    cr_assert_str_eq(petls_config_error(c), "PSK identity 'x' added twice");
    /* A PSK server needs no certificate. */
    srv = petls_server();
    cr_assert_eq(petls_configure(srv, c), 0, "%s", petls_error(srv));
    cr_assert_eq(petls_config_add_psk(c, "y", big, 16), -1);
    cr_assert_eq(petls_config_set_psk_identity_hint(c, "h"), -1);
    petls_free(srv);
    petls_config_free(c);
}

Test(psk, server_without_cert_or_psk_still_refused)
{
    struct petls_config *c = petls_config_new();
    struct petls *srv = petls_server();

    cr_assert_eq(petls_configure(srv, c), -1);
    cr_assert_str_eq(petls_error(srv), "server config has no certificate and "
                                       "key");
    petls_free(srv);
    petls_config_free(c);
}

Test(psk, psk_only_server_client_without_psk)
{
    struct tlspair p;

    tlspair_init_bare(&p);
    cr_assert_eq(petls_config_add_psk(p.scfg, "alice", KEY, sizeof(KEY)), 0);
    cr_assert_eq(petls_config_set_ca_file(p.ccfg, cert_path("ca.pem")), 0);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: the client offered no PSK and this server "
                     "has no certificate (sent alert handshake_failure)");
    tlspair_free(&p);
}
