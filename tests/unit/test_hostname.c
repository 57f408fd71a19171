/* RFC 6125 / RFC 9525 host-name checks and Node's mismatch texts. */
#include <criterion/criterion.h>
#include <string.h>

#include "hostname.h"

struct ip_case {
    const char *in;
    int is_ip;
    size_t len;
    uint8_t bytes[16];
};

Test(hostname, ip_literals)
{
    static const struct ip_case cases[] = {
        {"1.2.3.4", 1, 4, {1, 2, 3, 4}},
        {"0.0.0.0", 1, 4, {0, 0, 0, 0}},
        {"255.255.255.255", 1, 4, {255, 255, 255, 255}},
        {"127.0.0.1", 1, 4, {127, 0, 0, 1}},
        {"10.0.100.0", 1, 4, {10, 0, 100, 0}},
        {"256.1.1.1", 0, 0, {0}},
        {"1.2.3.256", 0, 0, {0}},
        {"1.2.3", 0, 0, {0}},
        {"1.2.3.4.5", 0, 0, {0}},
        {"1.2.3.4.", 0, 0, {0}},
        {".1.2.3.4", 0, 0, {0}},
        {"1..2.3", 0, 0, {0}},
        {"01.2.3.4", 0, 0, {0}},
        {"1.2.3.04", 0, 0, {0}},
        {"1.2.3.00", 0, 0, {0}},
        {"0x1.2.3.4", 0, 0, {0}},
        {"1.2.3.0x4", 0, 0, {0}},
        {"1.2.3.-4", 0, 0, {0}},
        {"+1.2.3.4", 0, 0, {0}},
        {"1.2.3.4 ", 0, 0, {0}},
        {" 1.2.3.4", 0, 0, {0}},
        {"1.2.3.1000", 0, 0, {0}},
        {"16909060", 0, 0, {0}},
        {"", 0, 0, {0}},
        {"::", 1, 16, {0}},
        {"::1", 1, 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"1::", 1, 16, {0, 1}},
        {"[::1]", 1, 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"2001:db8::8:800:200c:417a",
         1,
         16,
         {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x08, 0x08, 0, 0x20, 0x0c,
          0x41, 0x7a}},
        {"2001:DB8:0:0:8:800:200C:417A",
         1,
         16,
         {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x08, 0x08, 0, 0x20, 0x0c,
          0x41, 0x7a}},
        {"0001:0002:0003:0004:0005:0006:0007:0008",
         1,
         16,
         {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
        {"1:2:3:4:5:6:7::", 1, 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7}},
        {"::2:3:4:5:6:7:8",
         1,
         16,
         {0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
        {"::ffff:1.2.3.4",
         1,
         16,
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}},
        {"::1.2.3.4", 1, 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}},
        {"1:2:3:4:5:6:1.2.3.4",
         1,
         16,
         {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
        {"[1:2:3:4:5:6:1.2.3.4]",
         1,
         16,
         {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
        {"1:2:3:4:5:6:7:8:9", 0, 0, {0}},
        {"1:2:3:4:5:6:7", 0, 0, {0}},
        {"1:2:3:4:5:6:7:8::", 0, 0, {0}},
        {"::1:2:3:4:5:6:7:8", 0, 0, {0}},
        {"1:2:3:4:5:6:7:1.2.3.4", 0, 0, {0}},
        {"::ffff:01.2.3.4", 0, 0, {0}},
        {"::ffff:1.2.3", 0, 0, {0}},
        {"1.2.3.4::", 0, 0, {0}},
        {"1.2.3.4:5::", 0, 0, {0}},
        {":::", 0, 0, {0}},
        {"1:::2", 0, 0, {0}},
        {"1::2::3", 0, 0, {0}},
        {":1::", 0, 0, {0}},
        {"1::2:", 0, 0, {0}},
        {":", 0, 0, {0}},
        {"12345::", 0, 0, {0}},
        {"g::1", 0, 0, {0}},
        {"fe80::1%eth0", 0, 0, {0}},
        {"fe80::1%1", 0, 0, {0}},
        {"[::1", 0, 0, {0}},
        {"::1]", 0, 0, {0}},
        {"[1.2.3.4]", 0, 0, {0}},
        {"[]", 0, 0, {0}},
        {"[[::1]]", 0, 0, {0}},
        {"localhost", 0, 0, {0}},
        {"example.com", 0, 0, {0}},
        {"a:b", 0, 0, {0}},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t out[16];
        size_t len = 99;
        int rc;

        memset(out, 0xee, sizeof(out));
        rc = petls_hostname_parse_ip(cases[i].in, out, &len);
        cr_assert_eq(rc, cases[i].is_ip, "'%s': %d", cases[i].in, rc);
        if (!rc) {
            cr_assert_eq(len, 99u, "'%s': len written", cases[i].in);
            cr_assert_eq(out[0], 0xee, "'%s': out written", cases[i].in);
            continue;
        }
        cr_assert_eq(len, cases[i].len, "'%s'", cases[i].in);
        cr_assert_arr_eq(out, cases[i].bytes, len, "'%s' bytes", cases[i].in);
    }
    cr_assert_eq(petls_hostname_parse_ip(NULL, NULL, NULL), 0);
}

Test(hostname, canonical_ip_text)
{
    /* Expected texts are what Node 20 prints (net/tls canonicalizeIP). */
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"127.0.0.1", "127.0.0.1"},
        {"0.0.0.0", "0.0.0.0"},
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
        {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
        {"1:0:0:0:2:0:0:3", "1::2:0:0:3"},
        {"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
        {"0:1:0:0:0:0:0:0", "0:1::"},
        {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
        {"0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"},
        {"::fffe:102:304", "::fffe:102:304"},
        {"::1.2.3.4", "::1.2.3.4"},
        {"::0.0.0.2", "::2"},
        {"::0.1.0.0", "::0.1.0.0"},
        {"::1:0:0", "::1:0:0"},
        {"ABCD:EF01::", "abcd:ef01::"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t ip[16];
        size_t len;
        char buf[64];

        cr_assert(petls_hostname_parse_ip(cases[i].in, ip, &len), "%s",
                  cases[i].in);
        cr_assert_eq(petls_ip_to_string(ip, len, buf, sizeof(buf)),
                     strlen(cases[i].out));
        cr_assert_str_eq(buf, cases[i].out, "%s", cases[i].in);
    }
    {
        static const uint8_t longest[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff, 0xff, 0xff, 0xff};
        char buf[46];

        cr_assert_eq(petls_ip_to_string(longest, 16, buf, sizeof(buf)), 39u);
        cr_assert_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        cr_assert_eq(petls_ip_to_string(longest, 5, buf, sizeof(buf)), 0u);
        cr_assert_str_eq(buf, "");
        cr_assert_eq(petls_ip_to_string(longest, 16, buf, 5), 4u);
        cr_assert_str_eq(buf, "ffff");
    }
}

Test(hostname, valid_names)
{
    static const struct {
        const char *in;
        int ok;
    } cases[] = {
        {"localhost", 1},
        {"example.com", 1},
        {"example.com.", 1},
        {"EXAMPLE.Com", 1},
        {"a-b.example", 1},
        {"a1.b2.c3", 1},
        {"xn--bcher-kva.example", 1},
        {"1.2.3", 1},
        {"123.example", 1},
        {"a", 1},
        {"", 0},
        {".", 0},
        {"example.com..", 0},
        {".example.com", 0},
        {"a..b", 0},
        {"-a.example", 0},
        {"a-.example", 0},
        {"a.example-", 0},
        {"a_b.example", 0},
        {"a b.example", 0},
        {"*.example.com", 0},
        {"ex!ample.com", 0},
        {"exa\xc3\xa9mple.com", 0},
        {"1.2.3.4", 0},
        {"::1", 0},
        {"[::1]", 0},
        {"1.2.3.4.", 0},
        {"example.com:443", 0},
    };
    char buf[300];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_eq(petls_hostname_valid(cases[i].in), cases[i].ok, "'%s'",
                     cases[i].in);
    cr_assert_eq(petls_hostname_valid(NULL), 0);

    /* Label and name lengths: 63 and 253 octets. */
    memset(buf, 'a', 63);
    strcpy(buf + 63, ".example");
    cr_assert_eq(petls_hostname_valid(buf), 1);
    memset(buf, 'a', 64);
    strcpy(buf + 64, ".example");
    cr_assert_eq(petls_hostname_valid(buf), 0);
    /* 4 labels of 63 + 3 dots = 255; trim to exactly 253. */
    for (i = 0; i < 4; i++) {
        memset(buf + i * 64, 'b', 63);
        buf[i * 64 + 63] = '.';
    }
    buf[253] = '\0';
    cr_assert_eq(buf[252], 'b');
    cr_assert_eq(petls_hostname_valid(buf), 1);
    buf[253] = '.';
    buf[254] = '\0';
    cr_assert_eq(petls_hostname_valid(buf), 1, "trailing dot not counted");
    buf[254] = 'b';
    buf[255] = '\0';
    cr_assert_eq(petls_hostname_valid(buf), 0);
}

struct match_case {
    const char *pattern;
    const char *host;
    int match;
};

Test(hostname, pattern_matching)
{
    static const struct match_case cases[] = {
        {"example.com", "example.com", 1},
        {"Example.COM", "eXample.com", 1},
        {"example.com.", "example.com", 1},
        {"example.com", "example.com.", 1},
        {"example.com.", "example.com.", 1},
        {"example.com", "example.com..", 0},
        {"example.com", "www.example.com", 0},
        {"www.example.com", "example.com", 0},
        {"example.com", "example.co", 0},
        {"example.co", "example.com", 0},
        {"localhost", "localhost", 1},
        /* Wildcards: the whole left-most label, one label exactly. */
        {"*.example.com", "www.example.com", 1},
        {"*.example.com", "WWW.Example.Com", 1},
        {"*.EXAMPLE.com", "a.example.com", 1},
        {"*.example.com", "www.example.com.", 1},
        {"*.example.com.", "www.example.com", 1},
        {"*.example.com", "xn--bcher-kva.example.com", 1},
        {"*.example.com", "example.com", 0},
        {"*.example.com", "a.b.example.com", 0},
        {"*.example.com", ".example.com", 0},
        {"*.example.com", "www.example.org", 0},
        {"*.example.com", "wwwexample.com", 0},
        {"*.example.com", "www.example.com.evil", 0},
        {"*.a.example.com", "x.a.example.com", 1},
        {"*.a.example.com", "x.b.example.com", 0},
        {"*.com", "example.com", 0},
        {"*.com", "com", 0},
        {"*", "example", 0},
        {"*.", "example.", 0},
        {"*.*.example.com", "a.b.example.com", 0},
        {"a.*.example.com", "a.b.example.com", 0},
        {"f*.example.com", "foo.example.com", 0},
        {"*o.example.com", "foo.example.com", 0},
        {"f*o.example.com", "foo.example.com", 0},
        {"**.example.com", "foo.example.com", 0},
        {"*.example.com", "*.example.com", 0},
        {"www.example.com", "*.example.com", 0},
        {"*.example.*", "a.example.com", 0},
        /* Never against an IP literal, even spelled as a name. */
        {"1.2.3.4", "1.2.3.4", 0},
        {"*.2.3.4", "1.2.3.4", 0},
        {"::1", "::1", 0},
        /* Empty labels, empty names, junk bytes. */
        {"", "example.com", 0},
        {"example.com", "", 0},
        {".", ".", 0},
        {"a..example.com", "a..example.com", 0},
        {"*..example.com", "a..example.com", 0},
        {".example.com", ".example.com", 0},
        {"exa mple.com", "exa mple.com", 0},
        {"exa\x01mple.com", "exa\x01mple.com", 0},
        {"ex\xc3\xa9.com", "ex\xc3\xa9.com", 0},
        {"under_score.example", "under_score.example", 1},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = petls_hostname_match_pattern(
            cases[i].pattern, strlen(cases[i].pattern), cases[i].host);

        cr_assert_eq(got, cases[i].match, "'%s' vs '%s': %d", cases[i].pattern,
                     cases[i].host, got);
    }
    cr_assert_eq(petls_hostname_match_pattern(NULL, 0, "a.example"), 0);
    cr_assert_eq(petls_hostname_match_pattern("a.example", 9, NULL), 0);
}

Test(hostname, pattern_length_and_embedded_nul)
{
    static const char evil[] = "good.example\0.evil.example";
    static const char wild[] = "*.good.example\0.evil";

    /* The NUL is inside pattern_len: never a match, whatever the host. */
    cr_assert_eq(
        petls_hostname_match_pattern(evil, sizeof(evil) - 1, "good.example"),
        0);
    cr_assert_eq(
        petls_hostname_match_pattern(wild, sizeof(wild) - 1, "a.good.example"),
        0);
    cr_assert_eq(petls_hostname_match_pattern("\0", 1, ""), 0);
    /* pattern_len, not the NUL, bounds the pattern. */
    cr_assert_eq(
        petls_hostname_match_pattern("good.example.evil", 12, "good.example"),
        1);
    cr_assert_eq(petls_hostname_match_pattern("good.example", 4, "good"), 1);
    cr_assert_eq(
        petls_hostname_match_pattern("good.example", 4, "good.example"), 0);
    cr_assert_eq(petls_hostname_match_pattern("good.example", 0, ""), 0);
}

/* A certificate's names for the verify and reason tests. */
struct names_fixture {
    const char *dns[4];
    size_t dns_len[4];
    const uint8_t *ip[4];
    size_t ip_len[4];
    struct petls_cert_names n;
};

static const uint8_t IP_LOOPBACK4[4] = {127, 0, 0, 1};
static const uint8_t IP_LOOPBACK6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t IP_MAPPED[16] = {0, 0, 0,    0,    0, 0, 0, 0,
                                      0, 0, 0xff, 0xff, 1, 2, 3, 4};
static const uint8_t IP_DOC[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                   0,    0,    0,    0,    0, 0, 0, 1};

/* The names of tests/certs' server certificates plus two more addresses. */
static void server_names(struct names_fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->dns[0] = "localhost";
    f->dns[1] = "*.petls.test";
    f->dns_len[0] = strlen(f->dns[0]);
    f->dns_len[1] = strlen(f->dns[1]);
    f->ip[0] = IP_LOOPBACK4;
    f->ip[1] = IP_LOOPBACK6;
    f->ip[2] = IP_MAPPED;
    f->ip[3] = IP_DOC;
    f->ip_len[0] = 4;
    f->ip_len[1] = f->ip_len[2] = f->ip_len[3] = 16;
    f->n.dns = f->dns;
    f->n.dns_len = f->dns_len;
    f->n.n_dns = 2;
    f->n.ip = f->ip;
    f->n.ip_len = f->ip_len;
    f->n.n_ip = 4;
    f->n.cn = "localhost";
    f->n.cn_len = 9;
}

Test(hostname, verify_against_certificate_names)
{
    static const struct {
        const char *host;
        int ok;
    } cases[] = {
        {"localhost", 1},
        {"LOCALHOST", 1},
        {"localhost.", 1},
        {"a.petls.test", 1},
        {"A.PETLS.TEST", 1},
        {"petls.test", 0},
        {"a.b.petls.test", 0},
        {"example.com", 0},
        {"127.0.0.1", 1},
        {"::1", 1},
        {"[::1]", 1},
        {"0:0:0:0:0:0:0:1", 1},
        {"::ffff:1.2.3.4", 1},
        {"::ffff:102:304", 1},
        {"2001:db8::1", 1},
        {"2001:DB8:0::1", 1},
        {"1.2.3.4", 0},
        {"127.0.0.2", 0},
        {"::2", 0},
        {"127.1", 0},
        {"", 0},
    };
    struct names_fixture f;
    size_t i;

    server_names(&f);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_eq(petls_hostname_verify(&f.n, cases[i].host), cases[i].ok,
                     "'%s'", cases[i].host);
    cr_assert_eq(petls_hostname_verify(NULL, "localhost"), 0);
    cr_assert_eq(petls_hostname_verify(&f.n, NULL), 0);
}

Test(hostname, verify_cn_only_when_no_dns_sans)
{
    struct names_fixture f;

    server_names(&f);
    f.n.cn = "other.test";
    f.n.cn_len = strlen(f.n.cn);
    /* With dNSName SANs the CN is ignored. */
    cr_assert_eq(petls_hostname_verify(&f.n, "other.test"), 0);
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 1);

    /* Only IP SANs: the CN counts for DNS names, never for IPs. */
    f.n.n_dns = 0;
    cr_assert_eq(petls_hostname_verify(&f.n, "other.test"), 1);
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 0);
    cr_assert_eq(petls_hostname_verify(&f.n, "127.0.0.1"), 1);
    f.n.cn = "127.0.0.1";
    f.n.cn_len = 9;
    f.n.n_ip = 0;
    cr_assert_eq(petls_hostname_verify(&f.n, "127.0.0.1"), 0);

    /* A wildcard CN follows the same rules. */
    f.n.cn = "*.cn.test";
    f.n.cn_len = strlen(f.n.cn);
    cr_assert_eq(petls_hostname_verify(&f.n, "a.cn.test"), 1);
    cr_assert_eq(petls_hostname_verify(&f.n, "cn.test"), 0);

    /* A CN with a NUL inside cn_len never matches. */
    f.n.cn = "localhost\0.evil";
    f.n.cn_len = 15;
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 0);

    /* No names at all. */
    f.n.cn = NULL;
    f.n.cn_len = 0;
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 0);
}

Test(hostname, verify_embedded_nul_in_san)
{
    struct names_fixture f;

    server_names(&f);
    f.dns[0] = "localhost\0.evil.test";
    f.dns_len[0] = 20;
    f.n.n_dns = 1;
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 0);
    f.dns_len[0] = 9; /* the backend's length is what counts */
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 1);
    /* Missing length arrays fail closed. */
    f.n.dns_len = NULL;
    cr_assert_eq(petls_hostname_verify(&f.n, "localhost"), 0);
    f.n.ip_len = NULL;
    cr_assert_eq(petls_hostname_verify(&f.n, "127.0.0.1"), 0);
    /* A bad-length IP SAN matches nothing. */
    server_names(&f);
    f.ip_len[0] = 3;
    cr_assert_eq(petls_hostname_verify(&f.n, "127.0.0.1"), 0);
}

/* Expected texts: Node 20's tls.checkServerIdentity() with the same names
 * (subjectaltname as OpenSSL prints it). */
#define SERVER_ALTNAMES                                                        \
    "DNS:localhost, DNS:*.petls.test, IP Address:127.0.0.1, IP "               \
    "Address:0:0:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:102:304, IP "          \
    "Address:2001:DB8:0:0:0:0:0:1"

Test(hostname, node_mismatch_reasons)
{
    struct names_fixture f;
    char buf[512];

    server_names(&f);
    petls_hostname_mismatch_reason(&f.n, "foo.test", buf, sizeof(buf));
    cr_assert_str_eq(
        buf, "Host: foo.test. is not in the cert's altnames: " SERVER_ALTNAMES);
    petls_hostname_mismatch_reason(&f.n, "foo.test.", buf, sizeof(buf));
    cr_assert_str_eq(
        buf, "Host: foo.test. is not in the cert's altnames: " SERVER_ALTNAMES);
    petls_hostname_mismatch_reason(&f.n, "1.2.3.4", buf, sizeof(buf));
    cr_assert_str_eq(buf, "IP: 1.2.3.4 is not in the cert's list: 127.0.0.1, "
                          "::1, ::ffff:1.2.3.4, 2001:db8::1");
    petls_hostname_mismatch_reason(&f.n, "::2", buf, sizeof(buf));
    cr_assert_str_eq(buf, "IP: ::2 is not in the cert's list: 127.0.0.1, "
                          "::1, ::ffff:1.2.3.4, 2001:db8::1");

    petls_cert_names_altnames(&f.n, buf, sizeof(buf));
    cr_assert_str_eq(buf, SERVER_ALTNAMES);

    /* No IP SANs: Node leaves the list empty after the colon and space. */
    f.n.n_ip = 0;
    petls_hostname_mismatch_reason(&f.n, "1.2.3.4", buf, sizeof(buf));
    cr_assert_str_eq(buf, "IP: 1.2.3.4 is not in the cert's list: ");
    petls_hostname_mismatch_reason(&f.n, "x.test", buf, sizeof(buf));
    cr_assert_str_eq(buf, "Host: x.test. is not in the cert's altnames: "
                          "DNS:localhost, DNS:*.petls.test");

    /* CN only. */
    f.n.n_dns = 0;
    petls_hostname_mismatch_reason(&f.n, "x.test", buf, sizeof(buf));
    cr_assert_str_eq(buf, "Host: x.test. is not cert's CN: localhost");
    /* Nothing. */
    f.n.cn = NULL;
    petls_hostname_mismatch_reason(&f.n, "x.test", buf, sizeof(buf));
    cr_assert_str_eq(buf, "Cert does not contain a DNS name");
}

Test(hostname, altnames_escaping_and_truncation)
{
    struct names_fixture f;
    char buf[256];
    char small[12];

    server_names(&f);
    f.dns[0] = "a,b\"c\\d'e";
    f.dns_len[0] = strlen(f.dns[0]);
    f.dns[1] = "x\0y\x7f\xc3\xa9";
    f.dns_len[1] = 6;
    f.n.n_ip = 1;
    petls_cert_names_altnames(&f.n, buf, sizeof(buf));
    /* Node's JSON-style escaping of unsafe names. */
    cr_assert_str_eq(buf, "\"DNS:a\\u002cb\\\"c\\\\d'e\", "
                          "\"DNS:x\\u0000y\\u007f\\u00c3\\u00a9\", "
                          "IP Address:127.0.0.1");

    f.ip_len[0] = 5;
    petls_cert_names_altnames(&f.n, buf, sizeof(buf));
    cr_assert(strstr(buf, "IP Address:<invalid>") != NULL, "%s", buf);

    /* Truncated, never overrun, always terminated. */
    server_names(&f);
    memset(small, 'Z', sizeof(small));
    petls_hostname_mismatch_reason(&f.n, "foo.test", small, sizeof(small));
    cr_assert_str_eq(small, "Host: foo.t");
    petls_cert_names_altnames(&f.n, small, 1);
    cr_assert_str_eq(small, "");
    petls_hostname_mismatch_reason(&f.n, "foo.test", NULL, 0);
    petls_cert_names_altnames(NULL, buf, sizeof(buf));
    cr_assert_str_eq(buf, "");
}
