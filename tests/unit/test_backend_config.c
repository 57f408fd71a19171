/* Backend configuration: cipher/group lists at freeze, keypair loading
 * (PEM, DER, encrypted), CA and CRL parsing, key decryption to PEM. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_backend_util.h"

static int freeze_with(const uint16_t *ciphers, size_t n, uint32_t protocols,
                       char *err, size_t errlen)
{
    struct pb_config *cfg = tb_config();
    struct pb_settings s = tb_settings(protocols);
    int rc;

    s.ciphers = ciphers;
    s.n_ciphers = n;
    rc = pb_config_freeze(cfg, &s, err, errlen);
    pb_config_free(cfg);
    return rc;
}

Test(backend_config, cipher_support_table)
{
    /* Implemented by mbedTLS 3.6 (Debian build). */
    cr_assert(pb_cipher_supported(0x1301));
    cr_assert(pb_cipher_supported(0x1302));
    cr_assert(pb_cipher_supported(0x1303));
    cr_assert(pb_cipher_supported(0xC02B));
    cr_assert(pb_cipher_supported(0xC02F));
    cr_assert(pb_cipher_supported(0xCCA8));
    cr_assert(pb_cipher_supported(0x009E));
    /* RC4, 3DES-less export junk, PSK (no PSK configured), nonsense. */
    cr_assert_not(pb_cipher_supported(0x0005));
    cr_assert_not(pb_cipher_supported(0x00A8));
    cr_assert_not(pb_cipher_supported(0xFFFF));
    cr_assert_not(pb_cipher_supported(0x0000));
}

Test(backend_config, group_support_table)
{
    cr_assert(pb_group_supported(0x001D)); /* X25519 */
    cr_assert(pb_group_supported(0x0017)); /* P-256 */
    cr_assert(pb_group_supported(0x0018)); /* P-384 */
    cr_assert(pb_group_supported(0x0100)); /* ffdhe2048 */
    cr_assert_not(pb_group_supported(0x0000));
    cr_assert_not(pb_group_supported(0x1234));
}

Test(backend_config, freeze_default_lists)
{
    char err[256] = "";

    cr_assert_eq(freeze_with(NULL, 0, PETLS_PROTOCOLS_ALL, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(freeze_with(NULL, 0, PETLS_PROTOCOL_TLSv1_2, err, sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(freeze_with(NULL, 0, PETLS_PROTOCOL_TLSv1_3, err, sizeof(err)),
                 0, "%s", err);
}

Test(backend_config, freeze_rejects_unsupported_ciphers)
{
    static const uint16_t bad[] = {0x0005, 0xFFFF, 0x00A8};
    char err[256] = "";

    cr_assert_eq(freeze_with(bad, 3, PETLS_PROTOCOLS_ALL, err, sizeof(err)),
                 PB_ERR);
    cr_assert_str_eq(err, "none of the configured cipher suites is "
                          "supported by mbed TLS");
}

Test(backend_config, freeze_rejects_tls13_only_list_for_tls12)
{
    static const uint16_t only13[] = {0x1301, 0x1302};
    char err[256] = "";

    cr_assert_eq(
        freeze_with(only13, 2, PETLS_PROTOCOL_TLSv1_2, err, sizeof(err)),
        PB_ERR);
    cr_assert_str_eq(err, "the cipher list has no TLSv1.2 cipher suite, but "
                          "TLSv1.2 is the only enabled protocol");
    /* With TLS 1.3 enabled as well the list is usable (TLS 1.2 off). */
    cr_assert_eq(freeze_with(only13, 2, PETLS_PROTOCOLS_ALL, err, sizeof(err)),
                 0, "%s", err);
}

Test(backend_config, freeze_skips_unsupported_entries)
{
    static const uint16_t mixed[] = {0xFFFF, 0xC02B, 0x0005};
    char err[256] = "";

    cr_assert_eq(
        freeze_with(mixed, 3, PETLS_PROTOCOL_TLSv1_2, err, sizeof(err)), 0,
        "%s", err);
}

Test(backend_config, freeze_rejects_unsupported_groups)
{
    static const uint16_t bad[] = {0x1234, 0x0000 + 1};
    struct pb_config *cfg = tb_config();
    struct pb_settings s = tb_settings(PETLS_PROTOCOLS_ALL);
    char err[256] = "";

    s.groups = bad;
    s.n_groups = 2;
    cr_assert_eq(pb_config_freeze(cfg, &s, err, sizeof(err)), PB_ERR);
    cr_assert_str_eq(err,
                     "none of the configured groups is supported by mbed TLS");
    pb_config_free(cfg);
}

Test(backend_config, freeze_rejects_no_protocol)
{
    char err[256] = "";

    cr_assert_eq(freeze_with(NULL, 0, 0, err, sizeof(err)), PB_ERR);
    cr_assert_str_eq(err, "no supported protocol version enabled");
}

/* ---- Keypairs ---- */

static int add_pair(const char *cert, const char *key, const char *pass,
                    char *err, size_t errlen)
{
    struct pb_config *cfg = tb_config();
    size_t cl, kl;
    unsigned char *c = cert_read(cert, &cl);
    unsigned char *k = cert_read(key, &kl);
    int rc;

    rc = pb_config_add_keypair(cfg, c, cl, k, kl, pass, err, errlen);
    free(c);
    free(k);
    pb_config_free(cfg);
    return rc;
}

Test(backend_keypair, pem_ecdsa_and_rsa)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.pem", "server-ecdsa.key", NULL, err,
                          sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(
        add_pair("server-rsa.pem", "server-rsa.key", NULL, err, sizeof(err)), 0,
        "%s", err);
}

Test(backend_keypair, der_cert_and_key)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa-leaf.der", "server-ecdsa-key.der", NULL,
                          err, sizeof(err)),
                 0, "%s", err);
}

Test(backend_keypair, encrypted_key_right_passphrase)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.pem", "server-ecdsa-enc.key",
                          "petls-test-pass", err, sizeof(err)),
                 0, "%s", err);
}

Test(backend_keypair, encrypted_key_wrong_passphrase)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.pem", "server-ecdsa-enc.key",
                          "not-the-pass", err, sizeof(err)),
                 PB_ERR);
    cr_assert_str_eq(err, "wrong passphrase for the private key");
}

Test(backend_keypair, encrypted_key_missing_passphrase)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.pem", "server-ecdsa-enc.key", NULL, err,
                          sizeof(err)),
                 PB_ERR);
    cr_assert_str_eq(err, "private key is encrypted: a passphrase is needed");
}

Test(backend_keypair, mismatched_pair)
{
    char err[256] = "";

    cr_assert_eq(
        add_pair("server-ecdsa.pem", "client.key", NULL, err, sizeof(err)),
        PB_ERR);
    cr_assert_str_eq(err, "private key does not match the certificate");
    cr_assert_eq(
        add_pair("server-ecdsa.pem", "server-rsa.key", NULL, err, sizeof(err)),
        PB_ERR);
    cr_assert_str_eq(err, "private key does not match the certificate");
}

Test(backend_keypair, not_a_key)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.pem", "server-ecdsa.pem", NULL, err,
                          sizeof(err)),
                 PB_ERR);
    cr_assert(strncmp(err, "not a private key", 17) == 0, "%s", err);
}

Test(backend_keypair, not_a_certificate)
{
    char err[256] = "";

    cr_assert_eq(add_pair("server-ecdsa.key", "server-ecdsa.key", NULL, err,
                          sizeof(err)),
                 PB_ERR);
    cr_assert_str_eq(err, "cannot parse the certificate: the certificate file "
                          "holds a private key and no certificate "
                          "(certificate and key swapped?)");
}

Test(backend_keypair, decrypt_to_pem_and_reuse)
{
    struct pb_config *cfg = tb_config();
    char err[256] = "";
    size_t kl, cl, pl = 0;
    unsigned char *k = cert_read("server-ecdsa-enc.key", &kl);
    unsigned char *c = cert_read("server-ecdsa.pem", &cl);
    uint8_t *pem = NULL;

    cr_assert_eq(
        pb_key_decrypt_to_pem(k, kl, "nope", &pem, &pl, err, sizeof(err)),
        PB_ERR);
    cr_assert_str_eq(err, "wrong passphrase for the private key");
    cr_assert_null(pem);
    cr_assert_eq(pb_key_decrypt_to_pem(k, kl, "petls-test-pass", &pem, &pl, err,
                                       sizeof(err)),
                 0, "%s", err);
    cr_assert_not_null(pem);
    cr_assert_eq(strlen((char *)pem), pl);
    cr_assert(strstr((char *)pem, "-----BEGIN EC PRIVATE KEY-----") != NULL,
              "%s", (char *)pem);
    cr_assert(strstr((char *)pem, "ENCRYPTED") == NULL);
    /* The decrypted key loads without a passphrase and matches. */
    cr_assert_eq(
        pb_config_add_keypair(cfg, c, cl, pem, pl, NULL, err, sizeof(err)), 0,
        "%s", err);
    pb_zeroize(pem, pl);
    petls_port_free(pem);
    free(k);
    free(c);
    pb_config_free(cfg);
}

Test(backend_config, ca_and_crl)
{
    struct pb_config *cfg = tb_config();
    static const uint8_t junk[] = "this is not a certificate";
    char err[256] = "";
    size_t l;
    unsigned char *crl = cert_read("crl.pem", &l);

    cr_assert_eq(
        pb_config_add_ca(cfg, junk, sizeof(junk) - 1, err, sizeof(err)),
        PB_ERR);
    cr_assert(strncmp(err, "cannot parse the CA certificates", 32) == 0, "%s",
              err);
    tb_add_ca(cfg, "ca.pem");
    tb_add_ca(cfg, "other-ca.pem");
    cr_assert_eq(pb_config_add_crl(cfg, crl, l, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(
        pb_config_add_crl(cfg, junk, sizeof(junk) - 1, err, sizeof(err)),
        PB_ERR);
    cr_assert(strncmp(err, "cannot parse the CRL", 20) == 0, "%s", err);
    pb_config_clear_ca(cfg);
    tb_add_ca(cfg, "ca.pem");
    free(crl);
    pb_config_free(cfg);
}

Test(backend_config, frozen_config_refuses_changes)
{
    struct pb_config *cfg = tb_config();
    struct pb_settings s = tb_settings(PETLS_PROTOCOLS_ALL);
    char err[256] = "";
    size_t l;
    unsigned char *ca = cert_read("ca.pem", &l);

    tb_freeze(cfg, &s);
    cr_assert_eq(pb_config_add_ca(cfg, ca, l, err, sizeof(err)), PB_ERR);
    cr_assert_str_eq(err, "the configuration is in use and cannot change");
    free(ca);
    pb_config_free(cfg);
}
