/* libtls protocol strings and Node's version strings. */
#include <criterion/criterion.h>
#include <string.h>

#include "petls.h"
#include "protocols.h"

#define V12 PETLS_PROTOCOL_TLSv1_2
#define V13 PETLS_PROTOCOL_TLSv1_3

struct proto_ok {
    const char *in;
    uint32_t want;
};

Test(protocols, accepted_strings)
{
    static const struct proto_ok cases[] = {
        {"tlsv1.2", V12},
        {"tlsv1.3", V13},
        {"TLSv1.2", V12},
        {"TLSV1.3", V13},
        {"tlsv1.2,tlsv1.3", V12 | V13},
        {"tlsv1", V12 | V13},
        {"tlsv1.2:tlsv1.3", V12 | V13},
        {"tlsv1.3, tlsv1.2", V12 | V13},
        {" tlsv1.3 : tlsv1.2 ", V12 | V13},
        {"\ttlsv1.3", V13},
        {"all", V12 | V13},
        {"ALL", V12 | V13},
        {"legacy", V12 | V13},
        {"secure", V12 | V13},
        {"default", V12 | V13},
        {"Default", V12 | V13},
        /* TLS 1.0/1.1 are accepted and ignored. */
        {"tlsv1.0,tlsv1.2", V12},
        {"tlsv1.1:tlsv1.3", V13},
        {"tlsv1,tlsv1.3", V12 | V13},
        /* A leading negation starts from everything, as libtls. */
        {"!tlsv1.2", V13},
        {"!tlsv1.3", V12},
        {"! tlsv1.3", V12},
        {"!tlsv1.0", V12 | V13},
        {"all,!tlsv1.2", V13},
        {"all:!tlsv1.3", V12},
        {"tlsv1.2,!tlsv1.2,tlsv1.3", V13},
        {"secure,!tlsv1.1", V12 | V13},
        {"!tlsv1.2,tlsv1.2", V12 | V13},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t got = 0xdeadbeef;
        char err[128] = "";
        int rc = petls_protocols_parse(cases[i].in, &got, err, sizeof(err));

        cr_assert_eq(rc, 0, "'%s': rc %d err '%s'", cases[i].in, rc, err);
        cr_assert_eq(got, cases[i].want, "'%s': got %#x want %#x", cases[i].in,
                     got, cases[i].want);
    }
}

struct proto_bad {
    const char *in;
    const char *err;
};

Test(protocols, rejected_strings)
{
    static const struct proto_bad cases[] = {
        {"tlsv1.4", "unknown protocol 'tlsv1.4'"},
        {"tlsv1.2,foo", "unknown protocol 'foo'"},
        {"tlsv1.2, foo bar ", "unknown protocol 'foo bar'"},
        {"sslv3", "unknown protocol 'sslv3'"},
        {"", "unknown protocol ''"},
        {"tlsv1.2,", "unknown protocol ''"},
        {"tlsv1.2,,tlsv1.3", "unknown protocol ''"},
        {"!", "unknown protocol ''"},
        {"!!tlsv1.2", "unknown protocol '!tlsv1.2'"},
        {"tlsv1.2;tlsv1.3", "unknown protocol 'tlsv1.2;tlsv1.3'"},
        {"tlsv1.0", "no supported protocol version in 'tlsv1.0'"},
        {"tlsv1.0,tlsv1.1", "no supported protocol version in "
                            "'tlsv1.0,tlsv1.1'"},
        {"!tlsv1", "no supported protocol version in '!tlsv1'"},
        {"tlsv1,!tlsv1.2,!tlsv1.3",
         "no supported protocol version in 'tlsv1,!tlsv1.2,!tlsv1.3'"},
        {"!tlsv1.2,!tlsv1.3",
         "no supported protocol version in '!tlsv1.2,!tlsv1.3'"},
        {"all,!all", "no supported protocol version in 'all,!all'"},
        {"tlsv1.2,!secure", "no supported protocol version in "
                            "'tlsv1.2,!secure'"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t got = 0x5a5a;
        char err[128] = "";
        int rc = petls_protocols_parse(cases[i].in, &got, err, sizeof(err));

        cr_assert_eq(rc, -1, "'%s' accepted", cases[i].in);
        cr_assert_str_eq(err, cases[i].err, "'%s'", cases[i].in);
        cr_assert_eq(got, 0x5a5a, "'%s': output written on error", cases[i].in);
    }
}

Test(protocols, null_means_default_and_long_token_is_cut)
{
    uint32_t got = 0;
    char err[256];
    char big[300];

    cr_assert_eq(petls_protocols_parse(NULL, &got, err, sizeof(err)), 0);
    cr_assert_eq(got, PETLS_PROTOCOLS_DEFAULT);

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert_eq(petls_protocols_parse(big, &got, err, sizeof(err)), -1);
    /* The message quotes at most 64 bytes of the token. */
    cr_assert_eq(strlen(err), strlen("unknown protocol ''") + 64);

    /* A short or missing error buffer is fine. */
    cr_assert_eq(petls_protocols_parse("bogus", &got, err, 8), -1);
    cr_assert_str_eq(err, "unknown");
    cr_assert_eq(petls_protocols_parse("bogus", &got, NULL, 0), -1);
    cr_assert_eq(petls_protocols_parse("tlsv1.2", NULL, err, sizeof(err)), -1);
}

Test(protocols, node_version_strings)
{
    static const struct {
        const char *in;
        uint32_t want;
    } ok[] = {
        {"TLSv1.2", V12}, {"TLSv1.3", V13}, {"tlsv1.2", V12},
        {"tlsv1.3", V13}, {"1.2", V12},     {"1.3", V13},
        {"TLS1.2", V12},  {"tls1.3", V13},  {"TLSV1.3", V13},
    };
    static const struct {
        const char *in;
        const char *err;
    } bad[] = {
        {"TLSv1.1", "unsupported protocol version 'TLSv1.1'"},
        {"TLSv1", "unsupported protocol version 'TLSv1'"},
        {"1.0", "unsupported protocol version '1.0'"},
        {"SSLv3", "unsupported protocol version 'SSLv3'"},
        {"TLSv1.4", "invalid protocol version 'TLSv1.4'"},
        {"TLSv1.2 ", "invalid protocol version 'TLSv1.2 '"},
        {"", "invalid protocol version ''"},
        {"1.2.3", "invalid protocol version '1.2.3'"},
        {"TLSv1.2,TLSv1.3", "invalid protocol version 'TLSv1.2,TLSv1.3'"},
    };
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint32_t bit = 0;
        char err[128] = "";

        cr_assert_eq(petls_version_parse(ok[i].in, &bit, err, sizeof(err)), 0,
                     "'%s': %s", ok[i].in, err);
        cr_assert_eq(bit, ok[i].want, "'%s'", ok[i].in);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t bit = 77;
        char err[128] = "";

        cr_assert_eq(petls_version_parse(bad[i].in, &bit, err, sizeof(err)), -1,
                     "'%s' accepted", bad[i].in);
        cr_assert_str_eq(err, bad[i].err);
        cr_assert_eq(bit, 77);
    }
}

Test(protocols, range)
{
    cr_assert_eq(petls_protocols_range(V12, V13), V12 | V13);
    cr_assert_eq(petls_protocols_range(V12, V12), V12);
    cr_assert_eq(petls_protocols_range(V13, V13), V13);
    cr_assert_eq(petls_protocols_range(V13, V12), 0u);
    cr_assert_eq(petls_protocols_range(0, V13), 0u);
    cr_assert_eq(petls_protocols_range(V12, 0), 0u);
    cr_assert_eq(petls_protocols_range(V12 | V13, V13), 0u);
    /* Unsupported bits below 1.2 widen nothing. */
    cr_assert_eq(petls_protocols_range(1u << 1, V12), V12);
    cr_assert_eq(petls_protocols_range(1u << 1, 1u << 2), 0u);
}

Test(protocols, wire_names)
{
    cr_assert_str_eq(petls_version_name(0x0303), "TLSv1.2");
    cr_assert_str_eq(petls_version_name(0x0304), "TLSv1.3");
    cr_assert_str_eq(petls_version_name(0x0302), "unknown");
    cr_assert_str_eq(petls_version_name(0x0000), "unknown");
    cr_assert_str_eq(petls_version_name(0x7f1c), "unknown");
}
