/* libFuzzer target: IP literals, host names, wildcard matching, RFC 6125
 * verification and Node's mismatch texts. The input is "pattern\nhost": the
 * pattern keeps any embedded NULs (as a certificate's dNSName may), the host
 * is a C string. */
#include "fuzz_util.h"

#include "hostname.h"

static void check_ip_roundtrip(const char *s)
{
    uint8_t ip[16], again[16];
    size_t len = 0, len2 = 0;
    char text[64];

    if (!petls_hostname_parse_ip(s, ip, &len))
        return;
    FUZZ_CHECK(len == 4 || len == 16);
    /* The canonical text parses back to the same address. */
    FUZZ_CHECK(petls_ip_to_string(ip, len, text, sizeof(text)) > 0);
    FUZZ_CHECK(petls_hostname_parse_ip(text, again, &len2));
    FUZZ_CHECK(len2 == len && memcmp(ip, again, len) == 0);
    /* An IP literal is never a DNS name. */
    FUZZ_CHECK(!petls_hostname_valid(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl != NULL ? (size_t)(nl - data) : size;
    char *pattern = fuzz_cstring(data, plen);
    char *host = nl != NULL ? fuzz_cstring(nl + 1, size - plen - 1)
                            : fuzz_cstring(data, size);
    const char *dns[2];
    size_t dns_len[2], iplen = 0;
    uint8_t ipbuf[16];
    const uint8_t *ips[1];
    size_t ips_len[1];
    struct petls_cert_names names;
    char reason[160];
    int m, v;

    check_ip_roundtrip(host);
    check_ip_roundtrip(pattern);

    /* A valid host name always matches itself exactly. */
    if (petls_hostname_valid(host))
        FUZZ_CHECK(petls_hostname_match_pattern(host, strlen(host), host));

    m = petls_hostname_match_pattern(pattern, plen, host);
    FUZZ_CHECK(m == 0 || m == 1);
    if (m) {
        /* Never through a NUL, never for an IP, never an empty host. */
        FUZZ_CHECK(memchr(pattern, '\0', plen) == NULL);
        FUZZ_CHECK(!petls_hostname_parse_ip(host, NULL, NULL));
        FUZZ_CHECK(host[0] != '\0' && host[0] != '.');
    }

    /* The same pattern as a SAN and as a CN. */
    dns[0] = pattern;
    dns_len[0] = plen;
    dns[1] = "fuzz.example";
    dns_len[1] = 12;
    memset(&names, 0, sizeof(names));
    names.dns = dns;
    names.dns_len = dns_len;
    names.n_dns = 2;
    if (petls_hostname_parse_ip(pattern, ipbuf, &iplen)) {
        ips[0] = ipbuf;
        ips_len[0] = iplen;
        names.ip = ips;
        names.ip_len = ips_len;
        names.n_ip = 1;
    }
    names.cn = pattern;
    names.cn_len = plen;
    v = petls_hostname_verify(&names, host);
    FUZZ_CHECK(v == 0 || v == 1);
    if (m && !petls_hostname_parse_ip(host, NULL, NULL))
        FUZZ_CHECK(v == 1);

    memset(reason, 'X', sizeof(reason));
    petls_hostname_mismatch_reason(&names, host, reason, sizeof(reason));
    FUZZ_CHECK(fuzz_terminated(reason, sizeof(reason)));
    petls_cert_names_altnames(&names, reason, sizeof(reason));
    FUZZ_CHECK(fuzz_terminated(reason, sizeof(reason)));

    names.n_dns = 0;
    v = petls_hostname_verify(&names, host);
    FUZZ_CHECK(v == 0 || v == 1);
    petls_hostname_mismatch_reason(&names, host, reason, sizeof(reason));
    FUZZ_CHECK(fuzz_terminated(reason, sizeof(reason)));

    free(pattern);
    free(host);
    return 0;
}
