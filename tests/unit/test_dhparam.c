/* petls_config_set_dheparams() / _mem(): the rule (2048 to 8192 bits), the
 * messages, and the group a server's DHE suites use over an in-memory
 * handshake. Real groups (openssl genpkey) are in
 * tests/interop/dhparam_peers.sh. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "petls.h"
#include "testcerts.h"
#include "tlspair.h"

#define DHE_SUITE "DHE-RSA-AES128-GCM-SHA256"

/* DER DHParameter { p, g = 2 } with p = 2^bits - 1 (odd, all ones: not a
 * prime, which mbed TLS does not test; enough for the size rule and the
 * plumbing). Returns a malloc'ed buffer. */
static uint8_t *dh_der(size_t bits, size_t *len)
{
    size_t pl = bits / 8 + 1; /* leading 0x00: a positive INTEGER */
    size_t inner = 4 + pl + 3, n = 0;
    uint8_t *d = malloc(4 + inner);

    cr_assert_not_null(d);
    d[n++] = 0x30;
    d[n++] = 0x82;
    d[n++] = (uint8_t)(inner >> 8);
    d[n++] = (uint8_t)inner;
    d[n++] = 0x02;
    d[n++] = 0x82;
    d[n++] = (uint8_t)(pl >> 8);
    d[n++] = (uint8_t)pl;
    d[n++] = 0x00;
    memset(d + n, 0xff, pl - 1);
    n += pl - 1;
    d[n++] = 0x02;
    d[n++] = 0x01;
    d[n++] = 0x02;
    *len = n;
    return d;
}

Test(dhparam, rule_and_messages)
{
    struct petls_config *c = petls_config_new();
    size_t len;
    uint8_t *d;

    cr_assert_eq(petls_config_set_dheparams(c, "auto"), 0);
    cr_assert_eq(petls_config_set_dheparams(c, "NONE"), 0);
    cr_assert_eq(petls_config_set_dheparams(c, NULL), 0);
    d = dh_der(1536, &len);
    cr_assert_eq(petls_config_set_dheparams_mem(c, d, len), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "dhparam: DH parameters of 1536 bits: at least 2048 are "
                     "required");
    cr_assert_eq(petls_config_error_code(c), PETLS_ERROR_INVALID_ARGUMENT);
    free(d);
    d = dh_der(2048, &len);
    cr_assert_eq(petls_config_set_dheparams_mem(c, d, len), 0, "%s",
                 petls_config_error(c));
    /* g = 1 is refused. */
    d[len - 1] = 1;
    cr_assert_eq(petls_config_set_dheparams_mem(c, d, len), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "dhparam: the DH parameters' generator is not in "
                     "[2, p-2]");
    free(d);
    cr_assert_eq(petls_config_set_dheparams_mem(c, (const uint8_t *)"x", 1),
                 -1);
    cr_assert(strncmp(petls_config_error(c),
                      "dhparam: cannot parse the DH parameters (PKCS#3 \"DH "
                      "PARAMETERS\", PEM or DER, expected)",
                      strlen("dhparam: cannot parse the DH parameters")) == 0,
              "%s", petls_config_error(c));
    cr_assert_eq(petls_config_set_dheparams_mem(c, NULL, 0), -1);
    cr_assert_str_eq(petls_config_error(c), "dhparam: no DH parameters given");
    cr_assert_eq(petls_config_set_dheparams(c, "/nonexistent/dh.pem"), -1);
    cr_assert(strncmp(petls_config_error(c),
                      "dhparam /nonexistent/dh.pem: ", 29) == 0,
              "%s", petls_config_error(c));
    cr_assert_eq(petls_config_set_dheparams(NULL, "auto"), -1);
    petls_config_free(c);
}

/* A TLS 1.2 DHE-only client against a server with the given setting. */
static int dhe_pair(struct tlspair *p, const char *mode, const uint8_t *der,
                    size_t der_len)
{
    tlspair_init_bare(p);
    cr_assert_eq(petls_config_set_keypair_file(p->scfg,
                                               cert_path("server-rsa.pem"),
                                               cert_path("server-rsa.key")),
                 0);
    cr_assert_eq(petls_config_set_ca_file(p->ccfg, cert_path("ca.pem")), 0);
    if (mode != NULL)
        cr_assert_eq(petls_config_set_dheparams(p->scfg, mode), 0);
    if (der != NULL)
        cr_assert_eq(petls_config_set_dheparams_mem(p->scfg, der, der_len), 0);
    cr_assert_eq(petls_config_set_ciphers(p->ccfg, DHE_SUITE), 0);
    cr_assert_eq(petls_config_set_max_version(p->ccfg, "TLSv1.2"), 0);
    tlspair_start(p, "localhost");
    return tlspair_handshake(p);
}

Test(dhparam, over_a_handshake)
{
    struct tlspair p;
    const char *type, *name;
    int size;
    size_t len;
    uint8_t *d;

    /* The default: ffdhe2048. */
    cr_assert_eq(dhe_pair(&p, NULL, NULL, 0), 0, "%s", petls_error(p.client));
    cr_assert_str_eq(petls_conn_cipher(p.client), DHE_SUITE);
    cr_assert_eq(petls_conn_ephemeral_key(p.client, &type, &name, &size), 1);
    cr_assert_str_eq(type, "DH");
    cr_assert_eq(size, 2048);
    tlspair_free(&p);
    /* A 3072-bit group of the user's. */
    d = dh_der(3072, &len);
    cr_assert_eq(dhe_pair(&p, NULL, d, len), 0, "%s", petls_error(p.client));
    cr_assert_eq(petls_conn_ephemeral_key(p.client, &type, &name, &size), 1);
    cr_assert_eq(size, 3072);
    tlspair_free(&p);
    free(d);
    /* none: the server has no DHE suite for this client. */
    cr_assert_neq(dhe_pair(&p, "none", NULL, 0), 0);
    cr_assert(strstr(petls_error(p.client), "handshake_failure") != NULL, "%s",
              petls_error(p.client));
    tlspair_free(&p);
}
