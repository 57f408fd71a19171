/* Signature algorithm lists (Node's `sigalgs`), the shared list of
 * getSharedSigalgs(), the ClientHello's signature_algorithms, and both
 * over an in-memory handshake. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "petls.h"
#include "sigalgs.h"
#include "tlspair.h"

struct sigalgs_ok {
    const char *in;
    uint16_t want[8];
    int n;
};

Test(sigalgs, accepted_lists)
{
    static const struct sigalgs_ok cases[] = {
        {"ecdsa_secp256r1_sha256", {0x0403}, 1},
        {"ECDSA_SECP256R1_SHA256", {0x0403}, 1},
        {"ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256",
         {0x0403, 0x0804, 0x0401},
         3},
        {"ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256", {0x0403, 0x0804, 0x0401}, 3},
        {"ecdsa+sha384,rsa-pss+sha512 , RSA+SHA512",
         {0x0503, 0x0806, 0x0601},
         3},
        {"PSS+SHA384", {0x0805}, 1},
        {"ed25519:ed448:rsa_pss_pss_sha256", {0x0807, 0x0808, 0x0809}, 3},
        {"rsa_pkcs1_sha1:ecdsa_sha1:RSA+SHA1", {0x0201, 0x0203}, 2},
        /* The same scheme twice (by any name) counts once, first place. */
        {"RSA-PSS+SHA256:ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256",
         {0x0804, 0x0403},
         2},
        {"::ecdsa_secp521r1_sha512::", {0x0603}, 1},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[PETLS_MAX_SIGALGS];
        char err[128] = "";
        int n = petls_sigalgs_parse(cases[i].in, out, PETLS_MAX_SIGALGS, err,
                                    sizeof(err));
        cr_assert_eq(n, cases[i].n, "'%s': %d (%s)", cases[i].in, n, err);
        cr_assert(memcmp(out, cases[i].want, (size_t)n * 2) == 0, "'%s'",
                  cases[i].in);
    }
}

Test(sigalgs, refused_lists)
{
    static const struct {
        const char *in;
        const char *err;
    } cases[] = {
        {"ecdsa_secp256r1_sha256:rsa_pss_sha256",
         "unknown signature algorithm 'rsa_pss_sha256'"},
        {"RSA+MD5", "unknown signature algorithm 'RSA+MD5'"},
        {"ECDSA+", "unknown signature algorithm 'ECDSA+'"},
        {"PSS+", "unknown signature algorithm 'PSS+'"},
        {"DSA+SHA256", "unknown signature algorithm 'DSA+SHA256'"},
        {"", "empty signature algorithm list"},
        {" : , ", "empty signature algorithm list"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[PETLS_MAX_SIGALGS];
        char err[128] = "";
        cr_assert_eq(petls_sigalgs_parse(cases[i].in, out, PETLS_MAX_SIGALGS,
                                         err, sizeof(err)),
                     -1, "'%s'", cases[i].in);
        cr_assert_str_eq(err, cases[i].err, "'%s'", cases[i].in);
    }
    {
        uint16_t out[2];
        char err[128] = "";
        cr_assert_eq(petls_sigalgs_parse("ed25519:ed448:ecdsa_sha1", out, 2,
                                         err, sizeof(err)),
                     -1);
        cr_assert_str_eq(
            err, "too many signature algorithms in 'ed25519:ed448:ecdsa_sha1'");
        cr_assert_eq(petls_sigalgs_parse(NULL, out, 2, err, sizeof(err)), -1);
    }
}

Test(sigalgs, names)
{
    cr_assert_str_eq(petls_sigalg_name(0x0403), "ecdsa_secp256r1_sha256");
    cr_assert_str_eq(petls_sigalg_name(0x0804), "rsa_pss_rsae_sha256");
    cr_assert_str_eq(petls_sigalg_node_name(0x0403), "ECDSA+SHA256");
    cr_assert_str_eq(petls_sigalg_node_name(0x0804), "RSA-PSS+SHA256");
    cr_assert_str_eq(petls_sigalg_node_name(0x0809), "RSA-PSS+SHA256");
    cr_assert_str_eq(petls_sigalg_node_name(0x0401), "RSA+SHA256");
    cr_assert_str_eq(petls_sigalg_node_name(0x0807), "Ed25519+UNDEF");
    cr_assert_null(petls_sigalg_name(0x0302));
    cr_assert_null(petls_sigalg_node_name(0xfefe));
}

Test(sigalgs, shared_order)
{
    static const uint16_t offer[] = {0x0201, 0x0804, 0xfefe,
                                     0x0401, 0x0804, 0x0403};
    static const uint16_t ours[] = {0x0403, 0x0401, 0x0503};
    uint16_t out[8];
    size_t n;

    /* The client's order (Node's honorCipherOrder: false). */
    n = petls_sigalgs_shared(offer, 6, ours, 3, 0, out, 8);
    cr_assert_eq(n, 2);
    cr_assert(out[0] == 0x0401 && out[1] == 0x0403);
    /* The server's order (Node's server default). */
    n = petls_sigalgs_shared(offer, 6, ours, 3, 1, out, 8);
    cr_assert_eq(n, 2);
    cr_assert(out[0] == 0x0403 && out[1] == 0x0401);
    /* Counted beyond max; nothing written without out. */
    cr_assert_eq(petls_sigalgs_shared(offer, 6, ours, 3, 1, out, 1), 2);
    cr_assert_eq(petls_sigalgs_shared(offer, 6, ours, 3, 1, NULL, 0), 2);
    cr_assert_eq(petls_sigalgs_shared(offer, 6, ours + 2, 1, 0, out, 8), 0);
}

/* A ClientHello body with the given extensions block. */
static size_t hello_body(uint8_t *b, const uint8_t *ext, size_t ext_len)
{
    size_t n = 0;

    b[n++] = 3;
    b[n++] = 3;
    memset(b + n, 0x11, 32);
    n += 32;
    b[n++] = 0; /* session_id */
    b[n++] = 0; /* cipher_suites */
    b[n++] = 2;
    b[n++] = 0x13; /* TLS_AES_128_GCM_SHA256 */
    b[n++] = 0x01;
    b[n++] = 1; /* compression */
    b[n++] = 0;
    b[n++] = (uint8_t)(ext_len >> 8);
    b[n++] = (uint8_t)ext_len;
    if (ext_len > 0)
        memcpy(b + n, ext, ext_len);
    return n + ext_len;
}

Test(sigalgs, client_hello_extension)
{
    static const uint8_t good[] = {0, 13, 0, 6, 0, 4, 0x04, 0x03, 0x08, 0x04};
    static const uint8_t odd[] = {0, 13, 0, 5, 0, 3, 0x04, 0x03, 0x08};
    static const uint8_t empty[] = {0, 13, 0, 2, 0, 0};
    static const uint8_t trailing[] = {0, 13, 0, 5, 0, 2, 0x04, 0x03, 0x00};
    struct petls_client_hello ch;
    uint8_t body[128];
    char err[96];
    size_t n;

    n = hello_body(body, good, sizeof(good));
    cr_assert_eq(petls_client_hello_parse(body, n, &ch, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(ch.sig_algs_len, 4);
    cr_assert(memcmp(ch.sig_algs, "\x04\x03\x08\x04", 4) == 0);
    n = hello_body(body, NULL, 0);
    cr_assert_eq(petls_client_hello_parse(body, n, &ch, err, sizeof(err)), 0);
    cr_assert_null(ch.sig_algs);
    {
        const uint8_t *bad[] = {odd, empty, trailing};
        size_t lens[] = {sizeof(odd), sizeof(empty), sizeof(trailing)};
        size_t i;
        for (i = 0; i < 3; i++) {
            n = hello_body(body, bad[i], lens[i]);
            cr_assert_eq(
                petls_client_hello_parse(body, n, &ch, err, sizeof(err)), -1);
            cr_assert_str_eq(err,
                             "ClientHello: malformed signature_algorithms");
        }
    }
}

Test(sigalgs, config_setter)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_set_sigalgs(c, "ecdsa_secp256r1_sha256:foo"), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "unknown signature algorithm 'foo'");
    cr_assert_eq(petls_config_error_code(c), PETLS_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(petls_config_set_sigalgs(c, "ECDSA+SHA256"), 0);
    cr_assert_eq(petls_config_set_sigalgs(c, NULL), 0);
    cr_assert_eq(petls_config_set_sigalgs(NULL, "ECDSA+SHA256"), -1);
    petls_config_free(c);
}

static void pair_with(struct tlspair *p, const char *server, const char *client,
                      const char *version)
{
    tlspair_init(p);
    if (server != NULL)
        cr_assert_eq(petls_config_set_sigalgs(p->scfg, server), 0, "%s",
                     petls_config_error(p->scfg));
    if (client != NULL)
        cr_assert_eq(petls_config_set_sigalgs(p->ccfg, client), 0, "%s",
                     petls_config_error(p->ccfg));
    cr_assert_eq(petls_config_set_min_version(p->ccfg, version), 0);
    cr_assert_eq(petls_config_set_max_version(p->ccfg, version), 0);
    tlspair_start(p, "localhost");
}

Test(sigalgs, shared_over_a_handshake)
{
    static const char *versions[] = {"TLSv1.2", "TLSv1.3"};
    size_t v;

    for (v = 0; v < 2; v++) {
        struct tlspair p;
        const char *names[8];
        uint16_t ids[8];
        int n;

        pair_with(&p, "rsa_pkcs1_sha256:ecdsa_secp256r1_sha256:ed25519",
                  "ed25519:rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:"
                  "rsa_pkcs1_sha256",
                  versions[v]);
        cr_assert_eq(tlspair_handshake(&p), 0, "%s: %s / %s", versions[v],
                     petls_error(p.sconn), petls_error(p.client));
        /* The server's order (the default); ed25519 is left out of ours
         * (mbed TLS has no EdDSA in TLS). */
        n = petls_conn_shared_sigalgs(p.sconn, names, ids, 8);
        cr_assert_eq(n, 2, "%s: %d", versions[v], n);
        cr_assert_str_eq(names[0], "RSA+SHA256");
        cr_assert_str_eq(names[1], "ECDSA+SHA256");
        cr_assert(ids[0] == 0x0401 && ids[1] == 0x0403);
        /* A client cannot know it. */
        cr_assert_eq(petls_conn_shared_sigalgs(p.client, names, ids, 8), -1);
        cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_INVALID_CONTEXT);
        tlspair_free(&p);
    }
}

Test(sigalgs, client_order)
{
    struct tlspair p;
    const char *names[8];
    int n;

    tlspair_init(&p);
    petls_config_prefer_ciphers_client(p.scfg);
    cr_assert_eq(petls_config_set_sigalgs(
                     p.scfg, "rsa_pkcs1_sha256:ecdsa_secp256r1_sha256"),
                 0);
    cr_assert_eq(petls_config_set_sigalgs(
                     p.ccfg, "ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256"),
                 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.sconn));
    n = petls_conn_shared_sigalgs(p.sconn, names, NULL, 1);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(names[0], "ECDSA+SHA256");
    tlspair_free(&p);
}

Test(sigalgs, none_shared)
{
    static const char *versions[] = {"TLSv1.2", "TLSv1.3"};
    /* No RSA-PSS in TLS 1.2 with mbed TLS 3.6. */
    static const char *allows[] = {
        "ecdsa_secp384r1_sha384",
        "ecdsa_secp384r1_sha384, rsa_pss_rsae_sha256"};
    size_t v;

    for (v = 0; v < 2; v++) {
        struct tlspair p;

        pair_with(&p, "ecdsa_secp384r1_sha384:rsa_pss_rsae_sha256",
                  "ecdsa_secp256r1_sha256:ed25519", versions[v]);
        char want[256];

        cr_assert_neq(tlspair_handshake(&p), 0);
        snprintf(want, sizeof(want),
                 "handshake: no shared signature algorithm (the client "
                 "offers ecdsa_secp256r1_sha256; this server allows %s; sent "
                 "alert handshake_failure)",
                 allows[v]);
        cr_assert_str_eq(petls_error(p.sconn), want, "%s", versions[v]);
        /* The client hears handshake_failure. */
        cr_assert(strstr(petls_error(p.client), "handshake_failure") != NULL,
                  "%s", petls_error(p.client));
        cr_assert_eq(petls_error_code(p.sconn), PETLS_ERROR_PROTOCOL);
        tlspair_free(&p);
    }
}

Test(sigalgs, tls12_leaves_pss_out)
{
    struct tlspair p;
    const char *names[8];

    pair_with(&p, "rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256",
              "rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256", "TLSv1.2");
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.sconn));
    cr_assert_eq(petls_conn_shared_sigalgs(p.sconn, names, NULL, 8), 1);
    cr_assert_str_eq(names[0], "ECDSA+SHA256");
    tlspair_free(&p);
    /* Only TLS 1.2 and only RSA-PSS: refused when the config is used. */
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_sigalgs(p.scfg, "RSA-PSS+SHA256"), 0);
    cr_assert_eq(petls_config_set_max_version(p.scfg, "TLSv1.2"), 0);
    p.server = petls_server();
    cr_assert_eq(petls_configure(p.server, p.scfg), -1);
    cr_assert(strstr(petls_error(p.server), "works in TLS 1.2") != NULL, "%s",
              petls_error(p.server));
    tlspair_free(&p);
}

Test(sigalgs, nothing_usable)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_sigalgs(p.scfg, "ed25519:rsa_pss_pss_sha256"),
                 0);
    p.server = petls_server();
    cr_assert_eq(petls_configure(p.server, p.scfg), -1);
    cr_assert(strstr(petls_error(p.server),
                     "none of the configured signature algorithms is "
                     "supported by mbed TLS") != NULL,
              "%s", petls_error(p.server));
    tlspair_free(&p);
}
