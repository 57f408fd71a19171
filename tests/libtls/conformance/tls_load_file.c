/* tls_load_file(3): tls_load_file, tls_unload_file, the CA, certificate,
 * key, keypair and CRL setters, tls_config_set_verify_depth,
 * tls_config_clear_keys, tls_default_ca_cert_file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lt_support.h"

/* "tls_load_file() loads a certificate or key from disk into memory to be
 * used with tls_config_set_ca_mem(), tls_config_set_cert_mem(),
 * tls_config_set_crl_mem() or tls_config_set_key_mem(). A private key will
 * be decrypted if the optional password argument is specified." */
Test(tls_load_file, encrypted_key_with_password_serves)
{
    struct tls_config *s = tls_config_new(), *c = lt_client_config();
    size_t certlen = 0, keylen = 0;
    char pass[] = "petls-test-pass";
    uint8_t *cert = tls_load_file(lt_cert("server-ecdsa.pem"), &certlen, NULL);
    uint8_t *key =
        tls_load_file(lt_cert("server-ecdsa-enc.key"), &keylen, pass);
    struct lt_pair p;

    cr_assert_not_null(cert);
    cr_assert_not_null(key);
    cr_assert_gt(certlen, 0);
    cr_assert_eq(tls_config_set_cert_mem(s, cert, certlen), 0);
    cr_assert_eq(tls_config_set_key_mem(s, key, keylen), 0, "%s",
                 tls_config_error(s));
    tls_unload_file(cert, certlen);
    tls_unload_file(key, keylen);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* A wrong password or a missing file: NULL (libtls: "NULL is returned on
 * failure"), with errno set for the missing file. */
Test(tls_load_file, failures_return_null)
{
    size_t len = 99;
    char wrong[] = "not-the-password";

    cr_assert_null(tls_load_file(lt_cert("server-ecdsa-enc.key"), &len, wrong));
    errno = 0;
    cr_assert_null(tls_load_file("/nonexistent/file.pem", &len, NULL));
    cr_assert_eq(errno, ENOENT);
}

/* "tls_config_set_keypair_file() ... a certificate and private key";
 * a key that does not match the certificate is refused (at configure time
 * at the latest). */
Test(tls_load_file, keypair_mismatch_is_refused)
{
    struct tls_config *s = tls_config_new();
    struct tls *ctx = tls_server();
    int rc = tls_config_set_keypair_file(s, lt_cert("server-ecdsa.pem"),
                                         lt_cert("client.key"));

    if (rc == 0)
        rc = tls_configure(ctx, s);
    cr_assert_eq(rc, -1);
    tls_free(ctx);
    tls_config_free(s);
}

/* "tls_config_add_keypair_file() adds an additional public certificate and
 * private key ... used as an alternative certificate for Server Name
 * Indication (server only)". */
Test(tls_load_file, additional_keypair_by_sni)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_add_keypair_file(s, lt_cert("wrongname.pem"),
                                             lt_cert("wrongname.key")),
                 0, "%s", tls_config_error(s));
    cr_assert_eq(lt_pair_open(&p, s, c, "wrong.example"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
    cr_assert_str_eq(tls_peer_cert_subject(p.client), "/CN=wrong.example");
    lt_pair_close(&p);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_str_eq(tls_peer_cert_subject(p.client), "/CN=localhost");
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_set_ca_mem() sets the root certificates directly from
 * memory"; "tls_config_set_ca_path() sets the path (directory) which
 * should be searched for root certificates". */
Test(tls_load_file, ca_mem)
{
    struct tls_config *s = lt_server_config(), *c = tls_config_new();
    size_t len = 0;
    uint8_t *ca = tls_load_file(lt_cert("ca.pem"), &len, NULL);
    struct lt_pair p;

    cr_assert_not_null(ca);
    cr_assert_eq(tls_config_set_ca_mem(c, ca, len), 0);
    tls_unload_file(ca, len);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_set_ca_path() sets the path (directory) which should be
 * searched for root certificates": a directory of hashed names (openssl
 * rehash) holding the root verifies. One without any certificate fails
 * tls_configure(), naming it (libtls fails later, at verification:
 * docs/libtls.md). */
Test(tls_load_file, ca_path)
{
    struct tls_config *s = lt_server_config(), *c = tls_config_new();
    char dir[] = "/tmp/petls-libtls-capath.XXXXXX", cmd[1024], hash[64];
    char link[1200];
    struct lt_pair p;

    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(tls_config_set_ca_path(c, dir), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), -1);
    cr_assert(strstr(tls_error(p.client), dir) != NULL, "%s",
              tls_error(p.client));
    lt_pair_close(&p);
    snprintf(cmd, sizeof(cmd), "openssl x509 -hash -noout -in '%s'",
             lt_cert("ca.pem"));
    cr_assert_eq(lt_command(cmd, hash, sizeof(hash)), 0);
    snprintf(link, sizeof(link), "%s/%s.0", dir, hash);
    cr_assert_eq(symlink(lt_cert("ca.pem"), link), 0);
    cr_assert_eq(tls_config_set_ca_path(c, dir), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.client));
    lt_pair_close(&p);
    unlink(link);
    rmdir(dir);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_set_crl_file() sets the filename used to load a file
 * containing the Certificate Revocation List (CRL)": a revoked server
 * certificate fails; a good one passes. */
Test(tls_load_file, crl_revokes)
{
    struct tls_config *s = tls_config_new(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_set_crl_file(c, lt_cert("crl.pem")), 0, "%s",
                 tls_config_error(c));
    cr_assert_eq(tls_config_set_keypair_file(s, lt_cert("revoked.pem"),
                                             lt_cert("revoked.key")),
                 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), -1);
    cr_assert_not_null(tls_error(p.client));
    lt_pair_close(&p);
    cr_assert_eq(tls_config_set_keypair_file(s, lt_cert("server-ecdsa.pem"),
                                             lt_cert("server-ecdsa.key")),
                 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_set_verify_depth() limits the number of intermediate
 * certificates that will be followed during certificate validation": the
 * test chain has one intermediate, so depth 0 fails it and 6 passes. */
Test(tls_load_file, verify_depth)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_set_verify_depth(c, 0), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), -1);
    lt_pair_close(&p);
    cr_assert_eq(tls_config_set_verify_depth(c, 6), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_clear_keys() clears any secret keys from memory": a server
 * config without its key can no longer configure a context; contexts
 * configured before keep serving. */
Test(tls_load_file, clear_keys)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct tls *later = tls_server();
    struct lt_pair p;

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    tls_config_clear_keys(s);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.sconn));
    cr_assert_eq(tls_configure(later, s), -1);
    lt_pair_close(&p);
    tls_free(later);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_default_ca_cert_file() returns the path of the file that contains
 * the default root certificates." */
Test(tls_load_file, default_ca_cert_file)
{
    const char *f = tls_default_ca_cert_file();

    cr_assert_not_null(f);
    cr_assert_eq(f[0], '/', "an absolute path: %s", f);
}
