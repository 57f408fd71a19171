/* tls_config_verify(3): tls_config_insecure_noverifycert,
 * tls_config_insecure_noverifyname, tls_config_insecure_noverifytime,
 * tls_config_verify; and tls_config_verify_client(_optional) of
 * tls_config_set_protocols(3)'s neighbours. */
#include <criterion/criterion.h>
#include <string.h>

#include "lt_support.h"

static struct tls_config *scfg, *ccfg;
static struct lt_pair p;

static void configs(void)
{
    scfg = tls_config_new();
    ccfg = lt_client_config();
}

static void done(void)
{
    lt_pair_close(&p);
    tls_config_free(scfg);
    tls_config_free(ccfg);
}

TestSuite(tls_config_verify, .init = configs, .fini = done);

static int handshake_with(const char *cert, const char *key, int *crc)
{
    cr_assert_eq(tls_config_set_keypair_file(scfg, lt_cert(cert), lt_cert(key)),
                 0, "%s", tls_config_error(scfg));
    cr_assert_eq(lt_pair_open(&p, scfg, ccfg, "localhost"), 0);
    return lt_pair_handshake(&p, crc, NULL);
}

/* Verification is on by default: an unknown issuer fails. */
Test(tls_config_verify, default_verifies)
{
    int crc;

    cr_assert_eq(handshake_with("other-chain.pem", "other-leaf.key", &crc), -1);
    cr_assert_eq(crc, -1);
    cr_assert_not_null(tls_error(p.client));
}

/* "tls_config_insecure_noverifycert() disables certificate verification". */
Test(tls_config_verify, noverifycert_accepts_unknown_issuer)
{
    tls_config_insecure_noverifycert(ccfg);
    cr_assert_eq(handshake_with("other-chain.pem", "other-leaf.key", NULL), 0,
                 "%s", tls_error(p.client));
}

/* "tls_config_insecure_noverifyname() disables server name verification". */
Test(tls_config_verify, noverifyname_accepts_wrong_name)
{
    tls_config_insecure_noverifyname(ccfg);
    cr_assert_eq(handshake_with("wrongname.pem", "wrongname.key", NULL), 0,
                 "%s", tls_error(p.client));
}

Test(tls_config_verify, wrong_name_fails_by_default)
{
    cr_assert_eq(handshake_with("wrongname.pem", "wrongname.key", NULL), -1);
}

/* "tls_config_insecure_noverifytime() disables validity checking of
 * certificates". */
Test(tls_config_verify, noverifytime_accepts_expired)
{
    tls_config_insecure_noverifytime(ccfg);
    cr_assert_eq(handshake_with("expired.pem", "expired.key", NULL), 0, "%s",
                 tls_error(p.client));
}

Test(tls_config_verify, expired_fails_by_default)
{
    cr_assert_eq(handshake_with("expired.pem", "expired.key", NULL), -1);
}

/* "tls_config_verify() reenables server name and certificate
 * verification". */
Test(tls_config_verify, verify_reenables)
{
    tls_config_insecure_noverifycert(ccfg);
    tls_config_insecure_noverifyname(ccfg);
    tls_config_verify(ccfg);
    cr_assert_eq(handshake_with("other-chain.pem", "other-leaf.key", NULL), -1);
}

/* "tls_config_verify_client() enables client certificate verification,
 * requiring the client to send a certificate": a client without one fails. */
Test(tls_config_verify, verify_client_requires_a_certificate)
{
    int crc = 1, src = 1;

    cr_assert_eq(tls_config_set_ca_file(scfg, lt_cert("ca.pem")), 0);
    tls_config_verify_client(scfg);
    cr_assert_eq(tls_config_set_keypair_file(scfg, lt_cert("server-ecdsa.pem"),
                                             lt_cert("server-ecdsa.key")),
                 0);
    cr_assert_eq(lt_pair_open(&p, scfg, ccfg, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, &crc, &src), -1);
    cr_assert_eq(src, -1, "the server refuses");
    cr_assert_not_null(tls_error(p.sconn));
}

/* "tls_config_verify_client_optional() enables client certificate
 * verification, without requiring the client to send a certificate". */
Test(tls_config_verify, verify_client_optional)
{
    cr_assert_eq(tls_config_set_ca_file(scfg, lt_cert("ca.pem")), 0);
    tls_config_verify_client_optional(scfg);
    cr_assert_eq(handshake_with("server-ecdsa.pem", "server-ecdsa.key", NULL),
                 0, "%s", tls_error(p.sconn));
    cr_assert_eq(tls_peer_cert_provided(p.sconn), 0);
}

/* A client certificate from an unknown issuer fails even when optional. */
Test(tls_config_verify, verify_client_optional_still_verifies)
{
    cr_assert_eq(tls_config_set_ca_file(scfg, lt_cert("other-ca.pem")), 0);
    tls_config_verify_client_optional(scfg);
    cr_assert_eq(tls_config_set_keypair_file(ccfg, lt_cert("client.pem"),
                                             lt_cert("client.key")),
                 0);
    cr_assert_eq(handshake_with("server-ecdsa.pem", "server-ecdsa.key", NULL),
                 -1);
}
