/* The default trust store: petls_default_ca_cert_file() and the store a
 * config without a CA loads when it is frozen (SSL_CERT_FILE, SSL_CERT_DIR),
 * over in-memory handshakes. Criterion runs each test in its own process,
 * so the environment changes stay local. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

static void clear_env(void)
{
    unsetenv("SSL_CERT_FILE");
    unsetenv("SSL_CERT_DIR");
}

/* The server has its keypair; the client config has no CA at all. */
static void pair_without_client_ca(struct tlspair *p)
{
    tlspair_init_bare(p);
    cr_assert_eq(petls_config_set_keypair_file(p->scfg,
                                               cert_path("server-ecdsa.pem"),
                                               cert_path("server-ecdsa.key")),
                 0);
}

Test(ca_default, file_follows_ssl_cert_file)
{
    clear_env();
    setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem", 1);
    cr_assert_str_eq(petls_default_ca_cert_file(), "/nonexistent/bundle.pem");
    /* A directory alone: no file. */
    clear_env();
    setenv("SSL_CERT_DIR", "/nonexistent", 1);
    cr_assert_null(petls_default_ca_cert_file());
}

Test(ca_default, platform_bundle_exists_or_null)
{
    const char *f;

    clear_env();
    f = petls_default_ca_cert_file();
    if (f != NULL) {
        FILE *fp = fopen(f, "r");
        cr_assert_not_null(fp, "%s does not open", f);
        fclose(fp);
    }
}

/* A client config without a CA takes the one SSL_CERT_FILE names. */
Test(ca_default, client_verifies_with_ssl_cert_file)
{
    struct tlspair p;

    clear_env();
    setenv("SSL_CERT_FILE", cert_path("ca.pem"), 1);
    pair_without_client_ca(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    cr_assert_eq(petls_conn_authorized(p.client), 1);
    tlspair_free(&p);
}

/* Without one: the error says so and how to fix it. */
Test(ca_default, no_ca_message)
{
    struct tlspair p;

    clear_env();
    setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem", 1);
    pair_without_client_ca(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_str_eq(
        petls_error(p.client),
        "certificate verification failed: UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "
        "unable to get local issuer certificate (no CA certificates: "
        "SSL_CERT_FILE /nonexistent/bundle.pem: No such file or directory; "
        "set SSL_CERT_FILE or SSL_CERT_DIR, or give the CA with "
        "petls_config_set_ca_file())");
    tlspair_free(&p);
}

/* set_ca_* replaces the default: the default store is not even read. */
Test(ca_default, set_ca_replaces_default)
{
    struct tlspair p;

    clear_env();
    setenv("SSL_CERT_FILE", cert_path("ca.pem"), 1);
    tlspair_init(&p); /* client: ca.pem; */
    cr_assert_eq(petls_config_set_ca_file(p.ccfg, cert_path("other-ca.pem")),
                 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "certificate verification failed: "
                     "UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local "
                     "issuer certificate");
    tlspair_free(&p);
}

/* A server config that verifies clients loads the default store too; one
 * that does not never reads it (a missing file leaves no trace). */
Test(ca_default, server_verifying_clients)
{
    struct tlspair p;

    clear_env();
    setenv("SSL_CERT_FILE", cert_path("ca.pem"), 1);
    tlspair_init(&p);
    petls_config_verify_client(p.scfg);
    cr_assert_eq(petls_config_set_keypair_file(p.ccfg, cert_path("client.pem"),
                                               cert_path("client.key")),
                 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0, "server: %s",
                 petls_error(p.sconn != NULL ? p.sconn : p.server));
    cr_assert_eq(petls_conn_authorized(p.sconn), 1);
    tlspair_free(&p);
}
