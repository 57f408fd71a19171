/* tls_conn_version(3): tls_conn_*, tls_peer_cert_*. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lt_support.h"

static struct tls_config *scfg, *ccfg;
static struct lt_pair p;

static void configs(void)
{
    scfg = lt_server_config();
    ccfg = lt_client_config();
}

static void done(void)
{
    lt_pair_close(&p);
    tls_config_free(scfg);
    tls_config_free(ccfg);
}

TestSuite(tls_conn_version, .init = configs, .fini = done);

static void handshake(void)
{
    cr_assert_eq(lt_pair_open(&p, scfg, ccfg, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
}

/* "tls_conn_version() returns a string corresponding to a TLS version
 * negotiated with the peer"; "tls_conn_cipher() returns a string
 * corresponding to the cipher suite negotiated"; "tls_conn_cipher_strength()
 * returns the strength in bits". Names as OpenSSL (libtls) spells them. */
Test(tls_conn_version, tls13_version_cipher_strength)
{
    handshake();
    cr_assert_str_eq(tls_conn_version(p.client), "TLSv1.3");
    cr_assert_str_eq(tls_conn_version(p.sconn), "TLSv1.3");
    cr_assert_str_eq(tls_conn_cipher(p.client), "TLS_AES_256_GCM_SHA384");
    cr_assert_eq(tls_conn_cipher_strength(p.client), 256);
}

Test(tls_conn_version, tls12_version_cipher_strength)
{
    cr_assert_eq(tls_config_set_protocols(ccfg, TLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(tls_config_set_ciphers(ccfg, "ECDHE-ECDSA-AES128-GCM-SHA256"),
                 0, "%s", tls_config_error(ccfg));
    handshake();
    cr_assert_str_eq(tls_conn_version(p.client), "TLSv1.2");
    cr_assert_str_eq(tls_conn_cipher(p.sconn), "ECDHE-ECDSA-AES128-GCM-SHA256");
    cr_assert_eq(tls_conn_cipher_strength(p.sconn), 128);
}

/* Before the handshake there is nothing to report: NULL / -1 / 0. */
Test(tls_conn_version, nothing_before_the_handshake)
{
    cr_assert_eq(lt_pair_open(&p, scfg, ccfg, "localhost"), 0);
    cr_assert_null(tls_conn_version(p.client));
    cr_assert_null(tls_conn_cipher(p.client));
    cr_assert_eq(tls_peer_cert_provided(p.client), 0);
    cr_assert_null(tls_peer_cert_hash(p.client));
}

#if PETLS_WITH_ALPN
/* "tls_conn_servername() returns a string corresponding to the servername
 * that the client connected to ctx requested by sending a TLS Server Name
 * Indication extension (server only)"; "tls_conn_alpn_selected() returns a
 * string that specifies the ALPN protocol selected for use with the peer
 * ... If no protocol was selected then NULL is returned." */
Test(tls_conn_version, servername_and_alpn)
{
    cr_assert_eq(tls_config_set_alpn(scfg, "h2,http/1.1"), 0);
    cr_assert_eq(tls_config_set_alpn(ccfg, "http/1.1"), 0);
    handshake();
    cr_assert_str_eq(tls_conn_servername(p.sconn), "localhost");
    cr_assert_str_eq(tls_conn_alpn_selected(p.client), "http/1.1");
    cr_assert_str_eq(tls_conn_alpn_selected(p.sconn), "http/1.1");
}
#endif

Test(tls_conn_version, no_alpn_selected_is_null)
{
    handshake();
    cr_assert_null(tls_conn_alpn_selected(p.client));
    cr_assert_eq(tls_conn_session_resumed(p.client), 0,
                 "a first handshake is not resumed");
}

static void openssl_sha256(const char *der, char *hex, size_t hexlen)
{
    char cmd[1024], out[256], *eq;
    size_t i, j = 0;

    snprintf(cmd, sizeof(cmd),
             "openssl x509 -inform DER -in '%s' -noout -fingerprint -sha256",
             der);
    cr_assert_eq(lt_command(cmd, out, sizeof(out)), 0);
    eq = strchr(out, '=');
    cr_assert_not_null(eq, "%s", out);
    for (i = 1; eq[i] != '\0' && j + 1 < hexlen; i++)
        if (eq[i] != ':')
            hex[j++] = (char)tolower((unsigned char)eq[i]);
    hex[j] = '\0';
}

/* "tls_peer_cert_provided() checks if the peer of ctx has provided a
 * certificate"; "tls_peer_cert_contains_name() checks if the peer of a TLS
 * ctx has provided a certificate that contains a SAN or CN that matches
 * name"; "tls_peer_cert_hash() returns a string corresponding to a hash of
 * the raw peer certificate ... "SHA256:" followed by a hex string";
 * subject and issuer; notbefore/notafter in seconds since the epoch;
 * tls_peer_cert_chain_pem() the PEM-encoded chain. */
Test(tls_conn_version, peer_certificate_facts)
{
    char hex[80], want[90];
    const uint8_t *pem;
    size_t pemlen = 0;
    time_t now = time(NULL);
    const char *c;
    int n = 0;

    handshake();
    cr_assert_eq(tls_peer_cert_provided(p.client), 1);
    cr_assert_eq(tls_peer_cert_provided(p.sconn), 0,
                 "the client sent no certificate");
    cr_assert_eq(tls_peer_cert_contains_name(p.client, "localhost"), 1);
    cr_assert_eq(tls_peer_cert_contains_name(p.client, "a.petls.test"), 1,
                 "wildcard SAN");
    cr_assert_eq(tls_peer_cert_contains_name(p.client, "other.example"), 0);
    openssl_sha256(lt_cert("server-ecdsa-leaf.der"), hex, sizeof(hex));
    snprintf(want, sizeof(want), "SHA256:%s", hex);
    cr_assert_str_eq(tls_peer_cert_hash(p.client), want);
    cr_assert_str_eq(tls_peer_cert_subject(p.client), "/CN=localhost");
    cr_assert_str_eq(tls_peer_cert_issuer(p.client),
                     "/CN=petls Test Intermediate CA");
    cr_assert_str_eq(tls_peer_cert_common_name(p.client), "localhost");
    cr_assert(tls_peer_cert_notbefore(p.client) < now);
    cr_assert(tls_peer_cert_notafter(p.client) > now + 3000L * 86400);
    pem = tls_peer_cert_chain_pem(p.client, &pemlen);
    cr_assert_not_null(pem);
    cr_assert_gt(pemlen, 0);
    for (c = (const char *)pem; (c = strstr(c, "-----BEGIN CERTIFICATE-----"));
         c++)
        n++;
    cr_assert_eq(n, 2, "leaf and intermediate");
}

/* A client certificate is seen by the server when it asks for one. */
Test(tls_conn_version, client_certificate_seen_by_server)
{
    cr_assert_eq(tls_config_set_ca_file(scfg, lt_cert("ca.pem")), 0);
    tls_config_verify_client(scfg);
    cr_assert_eq(tls_config_set_keypair_file(ccfg, lt_cert("client.pem"),
                                             lt_cert("client.key")),
                 0);
    handshake();
    cr_assert_eq(tls_peer_cert_provided(p.sconn), 1);
    cr_assert_str_eq(tls_peer_cert_subject(p.sconn), "/CN=petls-client");
    cr_assert_str_eq(tls_peer_cert_common_name(p.sconn), "petls-client");
}
