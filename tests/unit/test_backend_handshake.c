/* In-memory client/server handshakes through pb_* directly: versions,
 * suites, verification facts, client certificates, peer certificate info,
 * data, close_notify and error mapping. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_backend_util.h"

struct tb_world {
    struct pb_config *ccfg, *scfg;
    struct tb_pair p;
};

/* A server with the given keypair, a client trusting ca.pem. */
static void world_new(struct tb_world *w, uint32_t protocols, const char *cert,
                      const char *key, struct pb_settings *cs_in,
                      struct pb_settings *ss_in)
{
    struct pb_settings cs = cs_in ? *cs_in : tb_settings(protocols);
    struct pb_settings ss = ss_in ? *ss_in : tb_settings(protocols);

    w->ccfg = tb_config();
    w->scfg = tb_config();
    tb_add_ca(w->ccfg, "ca.pem");
    tb_add_ca(w->scfg, "ca.pem");
    if (cert != NULL) {
        tb_add_keypair(w->scfg, cert, key);
    }
    tb_freeze(w->ccfg, &cs);
    tb_freeze(w->scfg, &ss);
}

static void world_free(struct tb_world *w)
{
    tb_pair_free(&w->p);
    pb_config_free(w->ccfg);
    pb_config_free(w->scfg);
}

static void exchange_data(struct tb_pair *p)
{
    char err[256] = "";
    char buf[64];
    ssize_t n;

    cr_assert_eq(pb_conn_write(p->client, "ping", 4, err, sizeof(err)), 4, "%s",
                 err);
    n = pb_conn_read(p->server, buf, sizeof(buf), err, sizeof(err));
    cr_assert_eq(n, 4, "read %zd: %s", n, err);
    cr_assert_eq(memcmp(buf, "ping", 4), 0);
    cr_assert_eq(pb_conn_write(p->server, "pong!", 5, err, sizeof(err)), 5,
                 "%s", err);
    n = pb_conn_read(p->client, buf, sizeof(buf), err, sizeof(err));
    cr_assert_eq(n, 5, "read %zd: %s", n, err);
    cr_assert_eq(memcmp(buf, "pong!", 5), 0);
    /* Nothing more: WANT_READ, not EOF. */
    cr_assert_eq(pb_conn_read(p->client, buf, sizeof(buf), err, sizeof(err)),
                 PB_WANT_READ);
}

Test(backend_handshake, tls12_ecdsa)
{
    struct tb_world w;
    struct petls_verify_facts f;

    world_new(&w, PETLS_PROTOCOL_TLSv1_2, "server-ecdsa.pem",
              "server-ecdsa.key", NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    cr_assert_eq(pb_conn_version(w.p.client), 0x0303);
    cr_assert_eq(pb_conn_version(w.p.server), 0x0303);
    /* The default list's first ECDSA suite. */
    cr_assert_eq(pb_conn_ciphersuite(w.p.client), 0xC02C);
    cr_assert_eq(pb_conn_ciphersuite(w.p.server), 0xC02C);
    cr_assert_str_eq(pb_conn_sni(w.p.server), "localhost");
    cr_assert_null(pb_conn_sni(w.p.client));
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, 0, "flags %#x", f.flags);
    cr_assert_eq(f.chain_len, 2);
    cr_assert_eq(f.leaf_self_signed, 0);
    cr_assert_eq(f.top_self_signed, 0);
    cr_assert_eq(f.depth_exceeded, 0);
    /* The server asked for no client certificate. */
    pb_conn_verify_facts(w.p.server, &f);
    cr_assert_eq(f.flags, PETLS_VF_NO_CERT);
    exchange_data(&w.p);
    world_free(&w);
}

Test(backend_handshake, tls13_rsa_and_close_notify)
{
    struct tb_world w;
    struct petls_verify_facts f;
    char err[256] = "";
    char buf[16];

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-rsa.pem", "server-rsa.key", NULL,
              NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    cr_assert_eq(pb_conn_version(w.p.client), 0x0304);
    cr_assert_eq(pb_conn_ciphersuite(w.p.client), 0x1302);
    cr_assert_eq(pb_conn_ciphersuite(w.p.server), 0x1302);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, 0, "flags %#x", f.flags);
    exchange_data(&w.p);
    cr_assert_eq(pb_conn_close_notify(w.p.client, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(pb_conn_read(w.p.server, buf, sizeof(buf), err, sizeof(err)),
                 0, "%s", err);
    world_free(&w);
}

Test(backend_handshake, two_keypairs_pick_by_suite)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOL_TLSv1_2);
    static const uint16_t rsa_only[] = {0xC030};

    cs.ciphers = rsa_only;
    cs.n_ciphers = 1;
    world_new(&w, PETLS_PROTOCOL_TLSv1_2, "server-ecdsa.pem",
              "server-ecdsa.key", &cs, NULL);
    pb_config_free(w.scfg);
    w.scfg = tb_config();
    tb_add_keypair(w.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_add_keypair(w.scfg, "server-rsa.pem", "server-rsa.key");
    {
        struct pb_settings ss = tb_settings(PETLS_PROTOCOL_TLSv1_2);
        tb_freeze(w.scfg, &ss);
    }
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    cr_assert_eq(pb_conn_ciphersuite(w.p.client), 0xC030);
    world_free(&w);
}

Test(backend_handshake, ip_literal_without_sni)
{
    struct tb_world w;
    struct petls_verify_facts f;

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, NULL, "127.0.0.1");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    cr_assert_null(pb_conn_sni(w.p.server));
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, 0, "flags %#x", f.flags);
    world_free(&w);
}

Test(backend_handshake, ipv6_and_wildcard_names)
{
    struct tb_world w;

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, NULL, "::1");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    tb_pair_free(&w.p);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "a.petls.test", "a.petls.test");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    cr_assert_str_eq(pb_conn_sni(w.p.server), "a.petls.test");
    world_free(&w);
}

/* A handshake the client must reject; returns the client's facts. */
static struct petls_verify_facts reject(uint32_t protocols, const char *cert,
                                        const char *key, const char *sni,
                                        const char *name)
{
    struct tb_world w;
    struct petls_verify_facts f;

    world_new(&w, protocols, cert, key, NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, sni, name);
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.crc, PB_ERR_VERIFY, "client %d '%s'", w.p.crc, w.p.cerr);
    /* Followed by the alert the client sent, which the server names. */
    cr_assert(strncmp(w.p.cerr,
                      "handshake: peer certificate verification failed "
                      "(sent alert ",
                      60) == 0,
              "client: %s", w.p.cerr);
    /* The server saw our alert. */
    cr_assert_eq(w.p.src, PB_ERR, "server %d '%s'", w.p.src, w.p.serr);
    cr_assert(strstr(w.p.serr, "peer rejected our certificate (alert ") != NULL,
              "%s", w.p.serr);
    pb_conn_verify_facts(w.p.client, &f);
    world_free(&w);
    return f;
}

Test(backend_verify, name_mismatch_tls12_and_tls13)
{
    struct petls_verify_facts f;

    f = reject(PETLS_PROTOCOL_TLSv1_2, "server-ecdsa.pem", "server-ecdsa.key",
               "other.example", "other.example");
    cr_assert_eq(f.flags, PETLS_VF_NAME_MISMATCH, "flags %#x", f.flags);
    f = reject(PETLS_PROTOCOL_TLSv1_3, "wrongname.pem", "wrongname.key",
               "localhost", "localhost");
    cr_assert_eq(f.flags, PETLS_VF_NAME_MISMATCH, "flags %#x", f.flags);
    /* An IP that is not in the IP SANs. */
    f = reject(PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
               NULL, "127.0.0.2");
    cr_assert_eq(f.flags, PETLS_VF_NAME_MISMATCH, "flags %#x", f.flags);
}

Test(backend_verify, expired_notyet_revoked_untrusted)
{
    struct petls_verify_facts f;

    f = reject(PETLS_PROTOCOLS_ALL, "expired.pem", "expired.key", "localhost",
               "localhost");
    cr_assert_eq(f.flags, PETLS_VF_EXPIRED, "flags %#x", f.flags);
    f = reject(PETLS_PROTOCOLS_ALL, "notyet.pem", "notyet.key", "localhost",
               "localhost");
    cr_assert_eq(f.flags, PETLS_VF_FUTURE, "flags %#x", f.flags);
    f = reject(PETLS_PROTOCOLS_ALL, "selfsigned.pem", "selfsigned.key",
               "localhost", "localhost");
    cr_assert_eq(f.flags, PETLS_VF_NOT_TRUSTED, "flags %#x", f.flags);
    cr_assert_eq(f.leaf_self_signed, 1);
    cr_assert_eq(f.top_self_signed, 1);
    cr_assert_eq(f.chain_len, 1);
    f = reject(PETLS_PROTOCOLS_ALL, "other-leaf.pem", "other-leaf.key",
               "localhost", "localhost");
    cr_assert(f.flags & PETLS_VF_NOT_TRUSTED, "flags %#x", f.flags);
    cr_assert_eq(f.leaf_self_signed, 0);
    cr_assert_eq(f.top_self_signed, 0);
    cr_assert_eq(f.chain_len, 1);
    f = reject(PETLS_PROTOCOLS_ALL, "other-chain.pem", "other-leaf.key",
               "localhost", "localhost");
    cr_assert(f.flags & PETLS_VF_NOT_TRUSTED, "flags %#x", f.flags);
    cr_assert_eq(f.top_self_signed, 1);
    cr_assert_eq(f.chain_len, 2);
}

Test(backend_verify, crl_revokes)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;
    char err[256] = "";
    size_t l;
    unsigned char *crl = cert_read("crl.pem", &l);

    w.ccfg = tb_config();
    w.scfg = tb_config();
    tb_add_ca(w.ccfg, "ca.pem");
    cr_assert_eq(pb_config_add_crl(w.ccfg, crl, l, err, sizeof(err)), 0, "%s",
                 err);
    free(crl);
    tb_add_keypair(w.scfg, "revoked.pem", "revoked.key");
    tb_freeze(w.ccfg, &cs);
    tb_freeze(w.scfg, &cs);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.crc, PB_ERR_VERIFY, "%s", w.p.cerr);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, PETLS_VF_REVOKED, "flags %#x", f.flags);
    world_free(&w);
}

Test(backend_verify, verify_time_off_accepts_expired)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;

    cs.verify_time = 0;
    world_new(&w, PETLS_PROTOCOLS_ALL, "expired.pem", "expired.key", &cs, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, 0, "flags %#x", f.flags);
    world_free(&w);
}

Test(backend_verify, insecure_client_records_facts)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;

    cs.verify_cert = 0;
    world_new(&w, PETLS_PROTOCOLS_ALL, "selfsigned.pem", "selfsigned.key", &cs,
              NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "nomatch.example", "nomatch.example");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                 w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, PETLS_VF_NOT_TRUSTED | PETLS_VF_NAME_MISMATCH,
                 "flags %#x", f.flags);
    cr_assert_eq(f.leaf_self_signed, 1);
    world_free(&w);
}

Test(backend_verify, depth_limit)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;

    /* leaf <- intermediate <- root: one intermediate. */
    cs.verify_depth = 1;
    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              &cs, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s'", w.p.crc, w.p.cerr);
    world_free(&w);

    cs.verify_depth = 0;
    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              &cs, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.crc, PB_ERR_VERIFY, "%s", w.p.cerr);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.depth_exceeded, 1);
    cr_assert_eq(f.flags, PETLS_VF_OTHER, "flags %#x", f.flags);
    world_free(&w);
}

/* ---- Client certificates ---- */

static void client_auth(int mode, int send_cert, uint32_t protocols,
                        int expect_ok, uint32_t expect_flags)
{
    struct tb_world w;
    struct pb_settings ss = tb_settings(protocols);
    struct pb_settings cs = tb_settings(protocols);
    struct petls_verify_facts f;
    struct pb_cert_info ci;

    ss.verify_client = mode;
    w.ccfg = tb_config();
    w.scfg = tb_config();
    tb_add_ca(w.ccfg, "ca.pem");
    tb_add_ca(w.scfg, "ca.pem");
    if (send_cert) {
        tb_add_keypair(w.ccfg, "client.pem", "client.key");
    }
    tb_add_keypair(w.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w.ccfg, &cs);
    tb_freeze(w.scfg, &ss);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    if (expect_ok) {
        cr_assert_eq(tb_handshake(&w.p), 0, "client %d '%s' server %d '%s'",
                     w.p.crc, w.p.cerr, w.p.src, w.p.serr);
    } else {
        /* Only the no-certificate case fails: one alert, named. */
        cr_assert_neq(tb_handshake(&w.p), 0);
        cr_assert_eq(w.p.src, PB_ERR, "server %d '%s'", w.p.src, w.p.serr);
        cr_assert_str_eq(w.p.serr,
                         protocols == PETLS_PROTOCOL_TLSv1_3
                             ? "handshake: the client sent no certificate "
                               "(one is required; sent alert "
                               "certificate_required)"
                             : "handshake: the client sent no certificate "
                               "(one is required; sent alert "
                               "handshake_failure)");
    }
    pb_conn_verify_facts(w.p.server, &f);
    cr_assert_eq(f.flags, expect_flags, "flags %#x", f.flags);
    if (send_cert && expect_ok) {
        cr_assert_eq(pb_conn_peer_cert(w.p.server, &ci), 0);
        cr_assert(strstr(ci.subject, "CN=petls-client") != NULL, "%s",
                  ci.subject);
    } else if (!send_cert) {
        cr_assert_eq(pb_conn_peer_cert(w.p.server, &ci), -1);
    }
    world_free(&w);
}

Test(backend_client_auth, require_with_cert)
{
    client_auth(PETLS_VERIFY_CLIENT_REQUIRE, 1, PETLS_PROTOCOL_TLSv1_2, 1, 0);
    client_auth(PETLS_VERIFY_CLIENT_REQUIRE, 1, PETLS_PROTOCOL_TLSv1_3, 1, 0);
}

Test(backend_client_auth, require_without_cert)
{
    client_auth(PETLS_VERIFY_CLIENT_REQUIRE, 0, PETLS_PROTOCOL_TLSv1_2, 0,
                PETLS_VF_NO_CERT);
    client_auth(PETLS_VERIFY_CLIENT_REQUIRE, 0, PETLS_PROTOCOL_TLSv1_3, 0,
                PETLS_VF_NO_CERT);
}

Test(backend_client_auth, optional_without_cert)
{
    client_auth(PETLS_VERIFY_CLIENT_OPTIONAL, 0, PETLS_PROTOCOL_TLSv1_2, 1,
                PETLS_VF_NO_CERT);
    client_auth(PETLS_VERIFY_CLIENT_OPTIONAL, 0, PETLS_PROTOCOL_TLSv1_3, 1,
                PETLS_VF_NO_CERT);
}

Test(backend_client_auth, optional_with_cert)
{
    client_auth(PETLS_VERIFY_CLIENT_OPTIONAL, 1, PETLS_PROTOCOLS_ALL, 1, 0);
}

/* ---- Peer certificate info ---- */

Test(backend_cert_info, server_leaf)
{
    struct tb_world w;
    struct pb_cert_info ci, again;
    uint8_t h[32];
    char fp[7 + 65];
    size_t i, n_begin = 0;
    const char *p;

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0);
    cr_assert_eq(pb_conn_peer_cert(w.p.client, &ci), 0);
    cr_assert(strstr(ci.subject, "CN=localhost") != NULL, "%s", ci.subject);
    cr_assert(strlen(ci.issuer) > 0);
    cr_assert_str_neq(ci.issuer, ci.subject);
    cr_assert(strlen(ci.serial) > 0);
    cr_assert(ci.not_before < ci.not_after);
    /* Issued around now (the generator runs at test time). */
    cr_assert(ci.not_before > 1600000000 && ci.not_before < 4102444800);
    cr_assert_eq(ci.n_sans, 4);
    cr_assert_str_eq(ci.sans[0], "DNS:localhost");
    cr_assert_str_eq(ci.sans[1], "DNS:*.petls.test");
    cr_assert_str_eq(ci.sans[2], "IP Address:127.0.0.1");
    cr_assert_str_eq(ci.sans[3], "IP Address:0:0:0:0:0:0:0:1");
    cr_assert_not_null(ci.der);
    cr_assert_eq(pb_sha256(ci.der, ci.der_len, h), 0);
    strcpy(fp, "SHA256:");
    for (i = 0; i < 32; i++) {
        snprintf(fp + 7 + 2 * i, 3, "%02x", h[i]);
    }
    cr_assert_str_eq(ci.fingerprint, fp);
    cr_assert_not_null(ci.chain_pem);
    cr_assert_eq(strlen((const char *)ci.chain_pem), ci.chain_pem_len);
    for (p = (const char *)ci.chain_pem;
         (p = strstr(p, "-----BEGIN CERTIFICATE-----")) != NULL; p++) {
        n_begin++;
    }
    cr_assert_eq(n_begin, 2, "leaf and intermediate");
    /* Cached: the same pointers. */
    cr_assert_eq(pb_conn_peer_cert(w.p.client, &again), 0);
    cr_assert_eq(again.subject, ci.subject);
    world_free(&w);
}

/* ---- Error mapping ---- */

Test(backend_errors, garbage_instead_of_tls)
{
    struct tb_world w;
    static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, NULL, w.scfg, NULL, NULL);
    tb_ring_put(&w.p.c2s, (const uint8_t *)http, sizeof(http) - 1);
    w.p.src = pb_conn_handshake(w.p.server, w.p.serr, sizeof(w.p.serr));
    cr_assert_eq(w.p.src, PB_ERR);
    cr_assert_str_eq(w.p.serr,
                     "handshake: not a TLS handshake: the client sent a "
                     "record of unknown content type 71 (RFC 8446 5; sent "
                     "alert unexpected_message)");
    /* Sticky. */
    cr_assert_eq(pb_conn_handshake(w.p.server, w.p.serr, sizeof(w.p.serr)),
                 PB_ERR);
    world_free(&w);
}

Test(backend_errors, no_shared_cipher)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOL_TLSv1_2);
    static const uint16_t rsa_only[] = {0xC02F, 0xC030};

    /* The server has only an ECDSA key; the client offers only RSA suites. */
    cs.ciphers = rsa_only;
    cs.n_ciphers = 2;
    world_new(&w, PETLS_PROTOCOL_TLSv1_2, "server-ecdsa.pem",
              "server-ecdsa.key", &cs, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.src, PB_ERR);
    cr_assert(strstr(w.p.serr, "no shared cipher suite or protocol version") !=
                  NULL,
              "server: %s", w.p.serr);
    cr_assert_eq(w.p.crc, PB_ERR);
    cr_assert_str_eq(w.p.cerr,
                     "handshake: peer sent fatal alert handshake_failure");
    world_free(&w);
}

Test(backend_errors, version_mismatch)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOL_TLSv1_2);
    struct pb_settings ss = tb_settings(PETLS_PROTOCOL_TLSv1_3);

    world_new(&w, 0, "server-ecdsa.pem", "server-ecdsa.key", &cs, &ss);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.src, PB_ERR);
    cr_assert(strstr(w.p.serr, "no shared cipher suite or protocol version") !=
                  NULL,
              "server: %s", w.p.serr);
    world_free(&w);
}

Test(backend_errors, eof_timeout_and_transport_error)
{
    struct tb_world w;

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    /* EOF before any byte. */
    tb_pair_new(&w.p, w.ccfg, NULL, "localhost", "localhost");
    w.p.s2c.closed = 1;
    cr_assert_eq(pb_conn_handshake(w.p.client, w.p.cerr, sizeof(w.p.cerr)),
                 PB_EOF, "%s", w.p.cerr);
    cr_assert_str_eq(w.p.cerr, "handshake: connection closed by the peer "
                               "without close_notify");
    tb_pair_free(&w.p);
    /* A timing-out transport. */
    tb_pair_new(&w.p, w.ccfg, NULL, "localhost", "localhost");
    w.p.cend.fail_with = PB_ERR_TIMEOUT;
    cr_assert_eq(pb_conn_handshake(w.p.client, w.p.cerr, sizeof(w.p.cerr)),
                 PB_ERR_TIMEOUT, "%s", w.p.cerr);
    cr_assert_str_eq(w.p.cerr, "handshake: transport timed out");
    tb_pair_free(&w.p);
    tb_pair_new(&w.p, w.ccfg, NULL, "localhost", "localhost");
    w.p.cend.fail_with = PB_ERR;
    cr_assert_eq(pb_conn_handshake(w.p.client, w.p.cerr, sizeof(w.p.cerr)),
                 PB_ERR);
    cr_assert_str_eq(w.p.cerr, "handshake: transport error");
    world_free(&w);
}

Test(backend_errors, truncation_is_eof)
{
    struct tb_world w;
    char err[256] = "";
    char buf[16];

    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0);
    w.p.c2s.closed = 1;
    cr_assert_eq(pb_conn_read(w.p.server, buf, sizeof(buf), err, sizeof(err)),
                 PB_EOF, "%s", err);
    world_free(&w);
}

/* ---- Large writes through a small transport ---- */

Test(backend_io, large_write_resumes_after_want_write)
{
    struct tb_world w;
    static uint8_t out[100000], in[100000];
    char err[256] = "";
    size_t got = 0;
    ssize_t r;
    int rounds = 0, wants = 0;
    size_t i;

    for (i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(i * 7 + 3);
    }
    world_new(&w, PETLS_PROTOCOLS_ALL, "server-ecdsa.pem", "server-ecdsa.key",
              NULL, NULL);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0);
    for (;;) {
        r = pb_conn_write(w.p.client, out, sizeof(out), err, sizeof(err));
        if (r == (ssize_t)sizeof(out)) {
            break;
        }
        cr_assert_eq(r, PB_WANT_WRITE, "%zd %s", r, err);
        wants++;
        /* Drain what the server can read. */
        while ((r = pb_conn_read(w.p.server, in + got, sizeof(in) - got, err,
                                 sizeof(err))) > 0) {
            got += (size_t)r;
        }
        cr_assert_eq(r, PB_WANT_READ, "%zd %s", r, err);
        cr_assert(++rounds < 10000);
    }
    while (got < sizeof(in)) {
        r = pb_conn_read(w.p.server, in + got, sizeof(in) - got, err,
                         sizeof(err));
        cr_assert_gt(r, 0, "%zd %s", r, err);
        got += (size_t)r;
    }
    cr_assert_gt(wants, 0, "the small ring never filled up");
    cr_assert_eq(memcmp(in, out, sizeof(out)), 0);
    world_free(&w);
}

/* ---- Groups ---- */

static int group_handshake(const uint16_t *cg, size_t ncg, const uint16_t *sg,
                           size_t nsg, uint32_t protocols, struct tb_world *w)
{
    struct pb_settings cs = tb_settings(protocols);
    struct pb_settings ss = tb_settings(protocols);

    cs.groups = cg;
    cs.n_groups = ncg;
    ss.groups = sg;
    ss.n_groups = nsg;
    world_new(w, protocols, "server-ecdsa.pem", "server-ecdsa.key", &cs, &ss);
    tb_pair_new(&w->p, w->ccfg, w->scfg, "localhost", "localhost");
    return tb_handshake(&w->p);
}

Test(backend_groups, hello_retry_and_tls12_curve)
{
    static const uint16_t client[] = {0x001D, 0x0018}; /* X25519, P-384 */
    static const uint16_t server[] = {0x0018};         /* P-384 */
    static const uint16_t client12[] = {0x0018, 0x0017};
    struct tb_world w;

    /* TLS 1.3: the client's key share is X25519, the server wants P-384:
     * HelloRetryRequest, then success. */
    cr_assert_eq(
        group_handshake(client, 2, server, 1, PETLS_PROTOCOL_TLSv1_3, &w), 0,
        "client '%s' server '%s'", w.p.cerr, w.p.serr);
    world_free(&w);
    /* TLS 1.2: ECDHE on P-384; the server's P-256 certificate must be on
     * the client's list too (RFC 8422). */
    cr_assert_eq(
        group_handshake(client12, 2, server, 1, PETLS_PROTOCOL_TLSv1_2, &w), 0,
        "client '%s' server '%s'", w.p.cerr, w.p.serr);
    world_free(&w);
}

Test(backend_groups, no_common_group_fails)
{
    static const uint16_t client[] = {0x001D};
    static const uint16_t server[] = {0x0017};
    struct tb_world w;

    cr_assert_neq(
        group_handshake(client, 1, server, 1, PETLS_PROTOCOL_TLSv1_3, &w), 0);
    cr_assert_eq(w.p.src, PB_ERR);
    cr_assert(strstr(w.p.serr, "no shared cipher suite or protocol version") !=
                  NULL,
              "server: %s", w.p.serr);
    /* mbedTLS 3.6 aborts there without an alert; the backend sends one so
     * that the client does not wait for its timeout. */
    cr_assert_eq(w.p.crc, PB_ERR, "client %d: %s", w.p.crc, w.p.cerr);
    cr_assert_str_eq(w.p.cerr,
                     "handshake: peer sent fatal alert handshake_failure");
    world_free(&w);
}

/* ---- A client certificate that does not verify, OPTIONAL mode ---- */

Test(backend_client_auth, optional_untrusted_cert_recorded)
{
    struct tb_world w;
    struct pb_settings ss = tb_settings(PETLS_PROTOCOLS_ALL);
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;
    struct pb_cert_info ci;

    ss.verify_client = PETLS_VERIFY_CLIENT_OPTIONAL;
    w.ccfg = tb_config();
    w.scfg = tb_config();
    tb_add_ca(w.ccfg, "ca.pem");
    tb_add_ca(w.scfg, "ca.pem");
    tb_add_keypair(w.ccfg, "selfsigned.pem", "selfsigned.key");
    tb_add_keypair(w.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w.ccfg, &cs);
    tb_freeze(w.scfg, &ss);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&w.p), 0, "client '%s' server '%s'", w.p.cerr,
                 w.p.serr);
    pb_conn_verify_facts(w.p.server, &f);
    cr_assert(f.flags & PETLS_VF_NOT_TRUSTED, "flags %#x", f.flags);
    cr_assert_eq(f.leaf_self_signed, 1);
    cr_assert_eq(f.chain_len, 1);
    cr_assert_eq(pb_conn_peer_cert(w.p.server, &ci), 0);
    cr_assert(strstr(ci.subject, "CN=localhost") != NULL, "%s", ci.subject);
    world_free(&w);
}

Test(backend_verify, no_trust_anchors_configured)
{
    struct tb_world w;
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct pb_settings ss = tb_settings(PETLS_PROTOCOLS_ALL);
    struct petls_verify_facts f;

    w.ccfg = tb_config(); /* no CA at all */
    w.scfg = tb_config();
    tb_add_keypair(w.scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w.ccfg, &cs);
    tb_freeze(w.scfg, &ss);
    tb_pair_new(&w.p, w.ccfg, w.scfg, "localhost", "localhost");
    cr_assert_neq(tb_handshake(&w.p), 0);
    cr_assert_eq(w.p.crc, PB_ERR_VERIFY, "client %d '%s'", w.p.crc, w.p.cerr);
    pb_conn_verify_facts(w.p.client, &f);
    cr_assert_eq(f.flags, PETLS_VF_NOT_TRUSTED, "flags %#x", f.flags);
    cr_assert_eq(f.chain_len, 2);
    world_free(&w);
}
