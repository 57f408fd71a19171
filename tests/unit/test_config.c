/* petls_config through the public API: parsing errors with their exact
 * messages, reference counting, freezing, keypair loading. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mempipe.h"
#include "petls.h"
#include "testcerts.h"

static struct petls_config *cfg;

static void setup(void)
{
    cfg = petls_config_new();
    cr_assert_not_null(cfg);
}

static void teardown(void)
{
    petls_config_free(cfg);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, no_error_initially)
{
    cr_assert_null(petls_config_error(cfg));
    cr_assert_null(petls_config_error(NULL));
}

Test(config, unknown_cipher)
{
    cr_assert_eq(petls_config_set_ciphers(cfg, "FOO"), -1);
    cr_assert_str_eq(petls_config_error(cfg), "unknown cipher 'FOO'");
}

Test(config, unknown_cipher_in_list)
{
    cr_assert_eq(petls_config_set_ciphers(
                     cfg, "ECDHE-ECDSA-AES128-GCM-SHA256:BAR-CIPHER"),
                 -1);
    cr_assert_str_eq(petls_config_error(cfg), "unknown cipher 'BAR-CIPHER'");
}

Test(config, valid_ciphers)
{
    cr_assert_eq(petls_config_set_ciphers(cfg, "secure"), 0);
    cr_assert_eq(petls_config_set_ciphers(
                     cfg, "TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384"),
                 0, "%s", petls_config_error(cfg));
}

Test(config, unknown_group)
{
    cr_assert_eq(petls_config_set_groups(cfg, "X25519:P-999"), -1);
    cr_assert_str_eq(petls_config_error(cfg), "unknown group 'P-999'");
    cr_assert_eq(petls_config_set_ecdhecurves(cfg, "nope"), -1);
    cr_assert_str_eq(petls_config_error(cfg), "unknown group 'nope'");
    cr_assert_eq(petls_config_set_groups(cfg, "X25519:P-256"), 0);
    cr_assert_eq(petls_config_set_groups(cfg, "auto"), 0);
}

Test(config, parse_protocols)
{
    uint32_t p = 0;

    cr_assert_eq(petls_config_parse_protocols(&p, "tlsv1.2,tlsv1.3"), 0);
    cr_assert_eq(p, PETLS_PROTOCOL_TLSv1_2 | PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(petls_config_parse_protocols(&p, "tlsv1.3"), 0);
    cr_assert_eq(p, PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(petls_config_parse_protocols(&p, "all:!tlsv1.3"), 0);
    cr_assert_eq(p, PETLS_PROTOCOL_TLSv1_2);
    cr_assert_eq(petls_config_parse_protocols(&p, "tlsv9"), -1);
}

Test(config, set_protocols_unsupported)
{
    cr_assert_eq(petls_config_set_protocols(cfg, 1u << 1), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "no supported protocol version in 0x2 (petls supports "
                     "TLSv1.2 and TLSv1.3)");
}

Test(config, versions)
{
    cr_assert_eq(petls_config_set_min_version(cfg, "TLSv1.4"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "invalid protocol version 'TLSv1.4'");
    cr_assert_eq(petls_config_set_min_version(cfg, "TLSv1.1"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "unsupported protocol version 'TLSv1.1'");
    cr_assert_eq(petls_config_set_min_version(cfg, "TLSv1.3"), 0);
    cr_assert_eq(petls_config_set_max_version(cfg, "tlsv1.2"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "maxVersion TLSv1.2 is below minVersion TLSv1.3");
    cr_assert_eq(petls_config_set_max_version(cfg, "1.3"), 0);
}

Test(config, versions_exclude_protocols_fail_configure)
{
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_config_set_protocols(cfg, PETLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(petls_config_set_min_version(cfg, "TLSv1.3"), 0);
    cr_assert_eq(petls_configure(ctx, cfg), -1);
    cr_assert_str_eq(petls_error(ctx),
                     "no protocol version left: the protocols set and the "
                     "min/max versions exclude each other");
    petls_free(ctx);
}

Test(config, verify_client_mode)
{
    cr_assert_eq(petls_config_set_verify_client(cfg, 7), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "invalid client verification mode 7");
    cr_assert_eq(
        petls_config_set_verify_client(cfg, PETLS_VERIFY_CLIENT_OPTIONAL), 0);
}

Test(config, verify_depth)
{
    cr_assert_eq(petls_config_set_verify_depth(cfg, -5), -1);
    cr_assert_str_eq(petls_config_error(cfg), "invalid verify depth -5");
    cr_assert_eq(petls_config_set_verify_depth(cfg, 3), 0);
}

Test(config, ca_file_missing)
{
    cr_assert_eq(petls_config_set_ca_file(cfg, "/nonexistent/ca.pem"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "ca file /nonexistent/ca.pem: No such file or directory");
}

Test(config, ca_file_not_certificates)
{
    const char *key = cert_path("server-ecdsa.key");
    char want[1200];

    cr_assert_eq(petls_config_set_ca_file(cfg, key), -1);
    snprintf(want, sizeof(want), "ca file %s: ", key);
    cr_assert(strncmp(petls_config_error(cfg), want, strlen(want)) == 0, "%s",
              petls_config_error(cfg));
}

Test(config, ca_mem_garbage)
{
    static const uint8_t junk[] = "not a certificate";

    cr_assert_eq(petls_config_set_ca_mem(cfg, junk, sizeof(junk)), -1);
    cr_assert(strncmp(petls_config_error(cfg), "ca: ", 4) == 0, "%s",
              petls_config_error(cfg));
    cr_assert_eq(petls_config_set_crl_mem(cfg, junk, sizeof(junk)), -1);
    cr_assert(strncmp(petls_config_error(cfg), "crl: ", 5) == 0, "%s",
              petls_config_error(cfg));
    cr_assert_eq(petls_config_set_ca_mem(cfg, junk, 0), -1);
    cr_assert_str_eq(petls_config_error(cfg), "ca: empty buffer");
}

Test(config, ca_file_and_mem)
{
    size_t len;
    unsigned char *pem = cert_read("ca.pem", &len);

    cr_assert_eq(petls_config_set_ca_file(cfg, cert_path("ca.pem")), 0, "%s",
                 petls_config_error(cfg));
    cr_assert_eq(petls_config_set_ca_mem(cfg, pem, len), 0, "%s",
                 petls_config_error(cfg));
    free(pem);
}

Test(config, ca_path)
{
    char dir[] = "/tmp/petls-capath-XXXXXX";
    char path[256];
    size_t len;
    unsigned char *pem = cert_read("ca.pem", &len);
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    /* An empty directory has no certificates. */
    cr_assert_eq(petls_config_set_ca_path(cfg, dir), -1);
    snprintf(path, sizeof(path), "ca path %s: no certificates found", dir);
    cr_assert_str_eq(petls_config_error(cfg), path);
    /* A non-certificate file is skipped, a certificate loaded. */
    snprintf(path, sizeof(path), "%s/README", dir);
    f = fopen(path, "w");
    fputs("not a certificate\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/root.pem", dir);
    f = fopen(path, "w");
    fwrite(pem, 1, len, f);
    fclose(f);
    cr_assert_eq(petls_config_set_ca_path(cfg, dir), 0, "%s",
                 petls_config_error(cfg));
    unlink(path);
    snprintf(path, sizeof(path), "%s/README", dir);
    unlink(path);
    rmdir(dir);
    free(pem);
}

Test(config, ca_path_missing)
{
    cr_assert_eq(petls_config_set_ca_path(cfg, "/nonexistent-dir"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "ca path /nonexistent-dir: No such file or directory");
}

Test(config, crl_file)
{
    cr_assert_eq(petls_config_set_crl_file(cfg, "/nonexistent/crl.pem"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "crl file /nonexistent/crl.pem: No such file or "
                     "directory");
    cr_assert_eq(petls_config_set_crl_file(cfg, cert_path("crl.pem")), 0, "%s",
                 petls_config_error(cfg));
}

/* ---- Keypairs ---- */

Test(config, keypair_pem)
{
    cr_assert_eq(petls_config_set_keypair_file(cfg,
                                               cert_path("server-ecdsa.pem"),
                                               cert_path("server-ecdsa.key")),
                 0, "%s", petls_config_error(cfg));
    cr_assert_eq(petls_config_add_keypair_file(cfg, cert_path("server-rsa.pem"),
                                               cert_path("server-rsa.key")),
                 0, "%s", petls_config_error(cfg));
}

Test(config, keypair_der)
{
    cr_assert_eq(
        petls_config_set_keypair_file(cfg, cert_path("server-ecdsa-leaf.der"),
                                      cert_path("server-ecdsa-key.der")),
        0, "%s", petls_config_error(cfg));
}

Test(config, keypair_mem)
{
    size_t clen, klen;
    unsigned char *cert = cert_read("server-rsa.pem", &clen);
    unsigned char *key = cert_read("server-rsa.key", &klen);

    cr_assert_eq(petls_config_set_keypair_mem(cfg, cert, clen, key, klen), 0,
                 "%s", petls_config_error(cfg));
    free(cert);
    free(key);
}

Test(config, cert_then_key_files)
{
    struct petls *srv = petls_server();

    cr_assert_eq(petls_config_set_cert_file(cfg, cert_path("server-ecdsa.pem")),
                 0);
    cr_assert_eq(petls_config_set_key_file(cfg, cert_path("server-ecdsa.key")),
                 0, "%s", petls_config_error(cfg));
    cr_assert_eq(petls_configure(srv, cfg), 0, "%s", petls_error(srv));
    petls_free(srv);
}

Test(config, key_then_cert_mem)
{
    size_t clen, klen;
    unsigned char *cert = cert_read("server-ecdsa.pem", &clen);
    unsigned char *key = cert_read("server-ecdsa.key", &klen);

    cr_assert_eq(petls_config_set_key_mem(cfg, key, klen), 0);
    cr_assert_eq(petls_config_set_cert_mem(cfg, cert, clen), 0, "%s",
                 petls_config_error(cfg));
    free(cert);
    free(key);
}

Test(config, cert_without_key_fails_configure)
{
    struct petls *srv = petls_server();
    char want[1200];

    cr_assert_eq(petls_config_set_cert_file(cfg, cert_path("server-ecdsa.pem")),
                 0);
    cr_assert_eq(petls_configure(srv, cfg), -1);
    snprintf(want, sizeof(want),
             "cert file %s has no private key (set a key file)",
             cert_path("server-ecdsa.pem"));
    cr_assert_str_eq(petls_error(srv), want);
    petls_free(srv);
}

Test(config, server_without_keypair)
{
    struct petls *srv = petls_server();

    cr_assert_eq(petls_configure(srv, cfg), -1);
    cr_assert_str_eq(petls_error(srv),
                     "server config has no certificate and key");
    petls_free(srv);
}

Test(config, key_file_missing)
{
    cr_assert_eq(petls_config_set_keypair_file(
                     cfg, cert_path("server-ecdsa.pem"), "/nonexistent.key"),
                 -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "key file /nonexistent.key: No such file or directory");
}

static void expect_keypair_error(const char *certname, const char *keyname)
{
    char prefix[2400];
    const char *cert = cert_path(certname), *key = cert_path(keyname);
    const char *e;

    cr_assert_eq(petls_config_set_keypair_file(cfg, cert, key), -1);
    e = petls_config_error(cfg);
    cr_assert_not_null(e);
    snprintf(prefix, sizeof(prefix), "cert file %s, key file %s: ", cert, key);
    cr_assert(strncmp(e, prefix, strlen(prefix)) == 0, "%s", e);
    cr_assert(strlen(e) > strlen(prefix), "no reason in '%s'", e);
}

Test(config, keypair_mismatched)
{
    expect_keypair_error("server-ecdsa.pem", "server-rsa.key");
}

Test(config, encrypted_key_without_passphrase)
{
    expect_keypair_error("server-ecdsa.pem", "server-ecdsa-enc.key");
}

Test(config, encrypted_key_wrong_passphrase)
{
    cr_assert_eq(petls_config_set_key_passphrase(cfg, "wrong"), 0);
    expect_keypair_error("server-ecdsa.pem", "server-ecdsa-enc.key");
}

Test(config, encrypted_key_right_passphrase)
{
    cr_assert_eq(petls_config_set_key_passphrase(cfg, "petls-test-pass"), 0);
    cr_assert_eq(
        petls_config_set_keypair_file(cfg, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa-enc.key")),
        0, "%s", petls_config_error(cfg));
    cr_assert_eq(petls_config_set_key_passphrase(cfg, NULL), 0);
}

Test(config, load_file_decrypts)
{
    size_t len = 0;
    uint8_t *buf = petls_load_file(cert_path("server-ecdsa-enc.key"), &len,
                                   (char *)"petls-test-pass");

    cr_assert_not_null(buf);
    cr_assert(strstr((const char *)buf, "PRIVATE KEY-----") != NULL);
    cr_assert_null(strstr((const char *)buf, "ENCRYPTED"));
    petls_unload_file(buf, len);
    errno = 0;
    cr_assert_null(petls_load_file("/nonexistent", &len, NULL));
    cr_assert_eq(errno, ENOENT);
    cr_assert_null(petls_load_file(cert_path("server-ecdsa-enc.key"), &len,
                                   (char *)"wrong"));
}

/* ---- References and freezing ---- */

Test(config, frozen_after_configure)
{
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_configure(ctx, cfg), 0, "%s", petls_error(ctx));
    cr_assert_eq(petls_config_set_ciphers(cfg, "secure"), -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "config is in use and can no longer be changed");
    cr_assert_eq(petls_config_set_ca_file(cfg, cert_path("ca.pem")), -1);
    cr_assert_eq(petls_config_set_protocols(cfg, PETLS_PROTOCOL_TLSv1_3), -1);
    cr_assert_eq(petls_config_set_handshake_timeout(cfg, 5), -1);
    cr_assert_eq(petls_config_set_keypair_file(cfg,
                                               cert_path("server-ecdsa.pem"),
                                               cert_path("server-ecdsa.key")),
                 -1);
    cr_assert_str_eq(petls_config_error(cfg),
                     "config is in use and can no longer be changed");
    petls_free(ctx);
}

Test(config, frozen_config_shared_by_contexts)
{
    struct petls *a = petls_client(), *b = petls_client();

    cr_assert_eq(petls_configure(a, cfg), 0);
    cr_assert_eq(petls_configure(b, cfg), 0);
    petls_free(a);
    petls_free(b);
}

Test(config_ref, refcount_outlives_free)
{
    struct petls *ctx = petls_client();
    struct petls_config *own = petls_config_new();
    struct mempipe pipe;

    cr_assert_eq(petls_configure(ctx, own), 0);
    /* The context keeps the config alive after the user's free. */
    petls_config_free(own);
    mempipe_init(&pipe);
    cr_assert_eq(petls_connect_cbs(ctx, mempipe_read, mempipe_write,
                                   &pipe.client, "localhost"),
                 0, "%s", petls_error(ctx));
    cr_assert_eq(petls_handshake(ctx), PETLS_WANT_POLLIN, "%s",
                 petls_error(ctx));
    cr_assert(pipe.client.bytes_written > 0, "no ClientHello sent");
    petls_free(ctx); /* drops the last reference; valgrind checks */
    mempipe_free(&pipe);
}

Test(config_ref, reconfigure_swaps_reference)
{
    struct petls *ctx = petls_client();
    struct petls_config *own = petls_config_new();
    struct petls_config *other = petls_config_new();

    cr_assert_eq(petls_configure(ctx, own), 0);
    cr_assert_eq(petls_configure(ctx, other), 0);
    petls_config_free(own);
    petls_config_free(other);
    petls_reset(ctx);
    cr_assert_null(petls_error(ctx));
    petls_free(ctx);
}

Test(config, configure_null_uses_defaults)
{
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_configure(ctx, NULL), 0, "%s", petls_error(ctx));
    petls_free(ctx);
}

Test(library, version_string)
{
    const char *v = petls_version_string();

    cr_assert(strncmp(v, "petls 0.1.0 (mbed TLS 3.6.", 26) == 0, "%s", v);
    cr_assert_eq(petls_init(), 0);
}
