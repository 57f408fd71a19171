/* tls_config_set_protocols(3): tls_config_set_protocols,
 * tls_config_parse_protocols, tls_config_set_alpn, tls_config_set_ciphers,
 * tls_config_set_dheparams, tls_config_set_ecdhecurves,
 * tls_config_set_ecdhecurve, tls_config_prefer_ciphers_client/server. */
#include <criterion/criterion.h>
#include <string.h>

#include "lt_support.h"

/* "Valid keywords are tlsv1.0, tlsv1.1, tlsv1.2, tlsv1.3, all (all
 * supported protocols), default (an alias for secure), legacy (an alias for
 * all) and secure (currently TLSv1.2 and TLSv1.3) ... multiple keywords may
 * be separated by commas or colons ... prefixed with an exclamation mark
 * (!) to remove". */
Test(tls_config_set_protocols, parse_keywords)
{
    uint32_t v = 0;

    cr_assert_eq(tls_config_parse_protocols(&v, "secure"), 0);
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(tls_config_parse_protocols(&v, "default"), 0);
    cr_assert_eq(v, TLS_PROTOCOLS_DEFAULT);
    cr_assert_eq(tls_config_parse_protocols(&v, "all"), 0);
    cr_assert_eq(v, TLS_PROTOCOLS_ALL);
    cr_assert_eq(tls_config_parse_protocols(&v, "legacy"), 0);
    cr_assert_eq(v, TLS_PROTOCOLS_ALL);
    cr_assert_eq(tls_config_parse_protocols(&v, "tlsv1.0"), 0);
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_0);
    cr_assert_eq(tls_config_parse_protocols(&v, "tlsv1.2,tlsv1.3"), 0);
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(tls_config_parse_protocols(&v, "tlsv1.2:tlsv1.3"), 0);
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(tls_config_parse_protocols(&v, "all:!tlsv1.0:!tlsv1.1"), 0);
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(tls_config_parse_protocols(&v, "TLSv1.3"), 0,
                 "keywords are case-insensitive");
    cr_assert_eq(v, TLS_PROTOCOL_TLSv1_3);
}

Test(tls_config_set_protocols, parse_rejects_unknown)
{
    uint32_t v = 12345;

    cr_assert_eq(tls_config_parse_protocols(&v, "tlsv9"), -1);
    cr_assert_eq(tls_config_parse_protocols(&v, "secure,bogus"), -1);
    cr_assert_eq(tls_config_parse_protocols(&v, NULL), 0,
                 "NULL is the default set");
    cr_assert_eq(v, TLS_PROTOCOLS_DEFAULT);
}

/* mbedTLS 3.6 has neither TLS 1.0 nor 1.1: a set with neither 1.2 nor 1.3
 * is refused with a message saying so (docs/libtls.md). */
Test(tls_config_set_protocols, only_unsupported_versions_is_refused)
{
    struct tls_config *c = tls_config_new();

    cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_0 |
                                                 TLS_PROTOCOL_TLSv1_1),
                 -1);
    cr_assert_not_null(tls_config_error(c));
    cr_assert(strstr(tls_config_error(c), "TLS") != NULL, "%s",
              tls_config_error(c));
    cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOLS_ALL), 0);
    tls_config_free(c);
}

/* The protocols set are the ones negotiated: a TLS 1.3-only server and a
 * TLS 1.2-only client have nothing in common. */
Test(tls_config_set_protocols, negotiation_follows_the_set)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_set_protocols(s, TLS_PROTOCOL_TLSv1_3), 0);
    cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), -1);
    lt_pair_close(&p);
    cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOLS_DEFAULT), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_str_eq(tls_conn_version(p.client), "TLSv1.3");
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

#if PETLS_WITH_ALPN
/* "tls_config_set_alpn() sets the ALPN protocols that are supported. The
 * alpn string is a comma separated list of protocols, in order of
 * preference." */
Test(tls_config_set_protocols, alpn_list)
{
    struct tls_config *c = tls_config_new();

    cr_assert_eq(tls_config_set_alpn(c, "h2,http/1.1"), 0);
    cr_assert_eq(tls_config_set_alpn(c, "h2,,http/1.1"), -1,
                 "an empty protocol name");
    cr_assert_not_null(tls_config_error(c));
    tls_config_free(c);
}
#endif

/* "tls_config_set_ciphers() sets the list of ciphers that may be used.
 * Lists of ciphers are specified by name, and the permitted names are:
 * secure (or alias default), compat, legacy, insecure (or alias all)". */
Test(tls_config_set_protocols, cipher_keywords)
{
    struct tls_config *c = tls_config_new();
    const char *ok[] = {"secure", "default",  "compat",
                        "legacy", "insecure", "all"};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        cr_assert_eq(tls_config_set_ciphers(c, ok[i]), 0, "%s: %s", ok[i],
                     tls_config_error(c));
    cr_assert_eq(tls_config_set_ciphers(c, "no-such-cipher"), -1);
    cr_assert_not_null(tls_config_error(c));
    tls_config_free(c);
}

/* "tls_config_set_dheparams() specifies the parameters that will be used
 * during Diffie-Hellman Ephemeral (DHE) key exchange. Possible values are
 * none, auto and legacy." */
Test(tls_config_set_protocols, dheparams_keywords)
{
    struct tls_config *c = tls_config_new();

    cr_assert_eq(tls_config_set_dheparams(c, "none"), 0);
    cr_assert_eq(tls_config_set_dheparams(c, "auto"), 0);
    cr_assert_eq(tls_config_set_dheparams(c, "legacy"), 0);
    cr_assert_eq(tls_config_set_dheparams(c, "bogus"), -1);
    tls_config_free(c);
}

/* What the keywords do (libtls: "none", the default, negotiates no DHE;
 * petls gives "auto" and "legacy" the RFC 7919 ffdhe2048 group): a TLS
 * 1.2 client offering only DHE-RSA against an RSA server. */
Test(tls_config_set_protocols, dheparams_negotiated)
{
    static const char *modes[] = {NULL, "none", "auto", "legacy"};
    static const int want[] = {-1, -1, 0, 0};
    size_t i;

    for (i = 0; i < 4; i++) {
        struct tls_config *s = lt_server_config(), *c = lt_client_config();
        struct lt_pair p;

        cr_assert_eq(tls_config_set_keypair_file(s, lt_cert("server-rsa.pem"),
                                                 lt_cert("server-rsa.key")),
                     0);
        if (modes[i] != NULL)
            cr_assert_eq(tls_config_set_dheparams(s, modes[i]), 0);
        cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_2), 0);
        cr_assert_eq(tls_config_set_ciphers(c, "DHE-RSA-AES128-GCM-SHA256"), 0);
        cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
        cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), want[i], "%s",
                     modes[i] != NULL ? modes[i] : "(default)");
        lt_pair_close(&p);
        tls_config_free(s);
        tls_config_free(c);
    }
}

/* "tls_config_set_ecdhecurves() specifies the names of the elliptic curves
 * that may be used during Elliptic Curve Diffie-Hellman Ephemeral (ECDHE)
 * key exchange. This is a comma separated list, given in order of
 * preference. The special value of "default" will use the default curves
 * (currently X25519, P-256 and P-384)." The list is what is negotiated. */
Test(tls_config_set_protocols, ecdhecurves)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_set_ecdhecurves(c, "default"), 0);
    cr_assert_eq(tls_config_set_ecdhecurves(c, "X25519,P-256"), 0);
    cr_assert_eq(tls_config_set_ecdhecurves(c, "P-256,bogus"), -1);
    cr_assert_eq(tls_config_set_ecdhecurve(c, "P-384"), 0,
                 "the older single-curve call");
    cr_assert_eq(tls_config_set_ecdhecurves(s, "X25519"), 0);
    cr_assert_eq(tls_config_set_ecdhecurves(c, "P-256"), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), -1, "no curve in common");
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* "tls_config_prefer_ciphers_server() prefers ciphers in the server's
 * cipher list when selecting a cipher suite (server only). This is
 * considered to be more secure." (the default). TLS 1.2: the client lists
 * AES-256 first, the server AES-128 first; the server's order wins.
 * (tls_config_prefer_ciphers_client() cannot change that for TLS 1.2 on a
 * stock mbedTLS 3.6, docs/libtls.md.) */
Test(tls_config_set_protocols, server_cipher_preference)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(tls_config_set_ciphers(s, "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                           "ECDHE-ECDSA-AES256-GCM-SHA384"),
                 0, "%s", tls_config_error(s));
    cr_assert_eq(tls_config_set_ciphers(c, "ECDHE-ECDSA-AES256-GCM-SHA384:"
                                           "ECDHE-ECDSA-AES128-GCM-SHA256"),
                 0, "%s", tls_config_error(c));
    tls_config_prefer_ciphers_server(s);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_str_eq(tls_conn_cipher(p.client),
                     "ECDHE-ECDSA-AES128-GCM-SHA256");
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

#if !PETLS_WITH_ALPN
/* A build without ALPN (PETLS_WITH_ALPN=OFF) says so instead of ignoring
 * the list. */
Test(tls_config_set_protocols, alpn_compiled_out_fails_honestly)
{
    struct tls_config *c = tls_config_new();

    cr_assert_eq(tls_config_set_alpn(c, "h2,http/1.1"), -1);
    cr_assert(strstr(tls_config_error(c), "compiled out") != NULL, "%s",
              tls_config_error(c));
    tls_config_free(c);
}
#endif
