/* Host-name checks per RFC 6125 / RFC 9525 (backend-neutral). */
#include "hostname.h"

#include <stdio.h>
#include <string.h>

#define MAX_NAME_LEN 253
#define MAX_LABEL_LEN 63

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* ---- IP literals -------------------------------------------------------- */

/* Strict dotted quad: four decimal parts 0..255, no leading zeros (so that
 * "010" cannot mean 8 to one parser and 10 to another), nothing else. */
static int parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
    size_t i = 0;
    int part;

    for (part = 0; part < 4; part++) {
        unsigned value = 0;
        size_t digits = 0;

        if (part > 0) {
            if (i >= len || s[i] != '.')
                return 0;
            i++;
        }
        while (i < len && is_digit((unsigned char)s[i]) && digits < 4) {
            value = value * 10 + (unsigned)(s[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || digits > 3 || value > 255)
            return 0;
        if (digits > 1 && s[i - digits] == '0')
            return 0;
        out[part] = (uint8_t)value;
    }
    return i == len;
}

/* RFC 4291 text forms: eight groups, or fewer with one "::" that stands for
 * at least one zero group, the last 32 bits optionally as a dotted quad. No
 * zone ids. */
static int parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t words[8];
    size_t i = 0, n = 0, k;
    long gap = -1;

    if (len < 2)
        return 0;
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        gap = 0;
        i = 2;
    }
    while (i < len) {
        size_t j = i;
        unsigned value = 0;
        int dotted = 0;

        /* Does this group turn out to be the embedded IPv4 address? */
        while (j < len && s[j] != ':') {
            if (s[j] == '.')
                dotted = 1;
            j++;
        }
        if (dotted) {
            uint8_t v4[4];

            if (j != len || n > 6 || !parse_ipv4(s + i, len - i, v4))
                return 0;
            words[n++] = (uint16_t)((v4[0] << 8) | v4[1]);
            words[n++] = (uint16_t)((v4[2] << 8) | v4[3]);
            break; /* the IPv4 tail ends the address */
        }
        if (j == i || j - i > 4 || n >= 8)
            return 0;
        for (k = i; k < j; k++) {
            int h = hex_value((unsigned char)s[k]);

            if (h < 0)
                return 0;
            value = (value << 4) | (unsigned)h;
        }
        words[n++] = (uint16_t)value;
        i = j;
        if (i == len)
            break;
        i++; /* the ':' */
        if (i < len && s[i] == ':') {
            if (gap >= 0)
                return 0;
            gap = (long)n;
            i++;
        } else if (i == len) {
            return 0; /* a single trailing ':' */
        }
    }

    if (gap < 0) {
        if (n != 8)
            return 0;
    } else {
        size_t zeros, tail;

        if (n > 7)
            return 0;
        zeros = 8 - n;
        tail = n - (size_t)gap;
        memmove(&words[(size_t)gap + zeros], &words[gap],
                tail * sizeof(words[0]));
        for (k = 0; k < zeros; k++)
            words[(size_t)gap + k] = 0;
    }
    for (k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(words[k] >> 8);
        out[2 * k + 1] = (uint8_t)(words[k] & 0xff);
    }
    return 1;
}

static int parse_ip_len(const char *name, size_t len, uint8_t out[16],
                        size_t *outlen)
{
    uint8_t tmp[16];

    if (len >= 2 && name[0] == '[') {
        if (name[len - 1] != ']' || !parse_ipv6(name + 1, len - 2, tmp))
            return 0;
        memcpy(out, tmp, 16);
        *outlen = 16;
        return 1;
    }
    if (parse_ipv4(name, len, tmp)) {
        memcpy(out, tmp, 4);
        *outlen = 4;
        return 1;
    }
    if (parse_ipv6(name, len, tmp)) {
        memcpy(out, tmp, 16);
        *outlen = 16;
        return 1;
    }
    return 0;
}

int petls_hostname_parse_ip(const char *name, uint8_t out[16], size_t *len)
{
    uint8_t tmp[16];
    size_t n;

    if (name == NULL || !parse_ip_len(name, strlen(name), tmp, &n))
        return 0;
    if (out != NULL)
        memcpy(out, tmp, n);
    if (len != NULL)
        *len = n;
    return 1;
}

/* ---- DNS names ---------------------------------------------------------- */

/* Length of name without one trailing dot (the root label). */
static size_t strip_root_dot(const char *name, size_t len)
{
    return (len > 0 && name[len - 1] == '.') ? len - 1 : len;
}

int petls_hostname_valid(const char *name)
{
    uint8_t ip[16];
    size_t len, i, label = 0, iplen;

    if (name == NULL)
        return 0;
    len = strip_root_dot(name, strlen(name));
    if (len == 0 || len > MAX_NAME_LEN)
        return 0;
    if (parse_ip_len(name, len, ip, &iplen))
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (c == '-') {
            if (label == 0)
                return 0;
        } else if (!is_digit(c) &&
                   !(ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z')) {
            return 0;
        }
        if (++label > MAX_LABEL_LEN)
            return 0;
    }
    return label != 0 && name[len - 1] != '-';
}

/* A name we are willing to compare: printable ASCII without spaces (as
 * Node), no empty label. */
static int comparable(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x21 || c > 0x7e)
            return 0;
        if (c == '.' && i + 1 < len && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

static int equal_nocase(const char *a, const char *b, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (ascii_lower((unsigned char)a[i]) !=
            ascii_lower((unsigned char)b[i]))
            return 0;
    }
    return 1;
}

int petls_hostname_match_pattern(const char *pattern, size_t pattern_len,
                                 const char *host)
{
    uint8_t ip[16];
    size_t hlen, iplen, first, dots = 0, i;
    const char *rest;
    size_t rest_len;

    if (pattern == NULL || host == NULL)
        return 0;
    /* An embedded NUL is the classic trick to make "good.com\0.evil.com"
     * look like "good.com" to C code. */
    if (memchr(pattern, '\0', pattern_len) != NULL)
        return 0;
    pattern_len = strip_root_dot(pattern, pattern_len);
    hlen = strip_root_dot(host, strlen(host));
    if (!comparable(pattern, pattern_len) || !comparable(host, hlen))
        return 0;
    /* IP addresses are matched only against iPAddress SANs, and a host
     * name is never itself a pattern. */
    if (parse_ip_len(host, hlen, ip, &iplen) || memchr(host, '*', hlen) != NULL)
        return 0;

    if (pattern_len < 2 || pattern[0] != '*' || pattern[1] != '.') {
        if (memchr(pattern, '*', pattern_len) != NULL)
            return 0;
        return pattern_len == hlen && equal_nocase(pattern, host, hlen);
    }

    /* "*.rest": the wildcard is exactly the left-most label, and rest has at
     * least two labels so that "*.com" matches nothing. */
    rest = pattern + 2;
    rest_len = pattern_len - 2;
    if (memchr(rest, '*', rest_len) != NULL)
        return 0;
    for (i = 0; i < rest_len; i++)
        dots += rest[i] == '.';
    if (dots < 1)
        return 0;
    for (first = 0; first < hlen && host[first] != '.'; first++)
        ;
    if (first == 0 || first == hlen)
        return 0;
    return hlen - first - 1 == rest_len &&
           equal_nocase(host + first + 1, rest, rest_len);
}

int petls_hostname_verify(const struct petls_cert_names *names,
                          const char *host)
{
    uint8_t ip[16];
    size_t iplen, i;

    if (names == NULL || host == NULL)
        return 0;
    if (parse_ip_len(host, strlen(host), ip, &iplen)) {
        if (names->n_ip > 0 && (names->ip == NULL || names->ip_len == NULL))
            return 0;
        for (i = 0; i < names->n_ip; i++) {
            if (names->ip[i] != NULL && names->ip_len[i] == iplen &&
                memcmp(names->ip[i], ip, iplen) == 0)
                return 1;
        }
        return 0;
    }
    if (names->n_dns > 0) {
        if (names->dns == NULL || names->dns_len == NULL)
            return 0;
        for (i = 0; i < names->n_dns; i++) {
            if (names->dns[i] != NULL &&
                petls_hostname_match_pattern(names->dns[i], names->dns_len[i],
                                             host))
                return 1;
        }
        return 0;
    }
    /* RFC 6125 6.4.4: the CN only when there is no dNSName at all. */
    if (names->cn != NULL)
        return petls_hostname_match_pattern(names->cn, names->cn_len, host);
    return 0;
}

/* ---- Node's texts ------------------------------------------------------- */

/* A bounded string builder that always leaves buf NUL-terminated and
 * silently truncates. */
struct out {
    char *buf;
    size_t cap, len;
};

static void out_bytes(struct out *o, const char *s, size_t n)
{
    size_t room;

    if (o->cap == 0)
        return;
    room = o->cap - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

static void out_char(struct out *o, char c)
{
    out_bytes(o, &c, 1);
}

/* Node's (libuv's) canonical text form of an address: RFC 5952 for IPv6,
 * with the mapped / compatible IPv4 tail written as a dotted quad. */
static void format_ip(struct out *o, const uint8_t *ip, size_t len)
{
    char tmp[16];
    uint16_t w[8];
    int i, best = -1, best_len = 0, cur = -1, cur_len = 0;

    if (len == 4) {
        snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
        out_str(o, tmp);
        return;
    }
    for (i = 0; i < 8; i++)
        w[i] = (uint16_t)((ip[2 * i] << 8) | ip[2 * i + 1]);
    for (i = 0; i < 8; i++) {
        if (w[i] == 0) {
            if (cur < 0) {
                cur = i;
                cur_len = 0;
            }
            cur_len++;
            if (cur_len > best_len) {
                best = cur;
                best_len = cur_len;
            }
        } else {
            cur = -1;
        }
    }
    if (best_len < 2)
        best = -1;
    for (i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                out_char(o, ':');
            continue;
        }
        if (i != 0)
            out_char(o, ':');
        if (i == 6 && best == 0 &&
            (best_len == 6 || (best_len == 7 && w[7] != 1) ||
             (best_len == 5 && w[5] == 0xffff))) {
            format_ip(o, ip + 12, 4);
            return;
        }
        snprintf(tmp, sizeof(tmp), "%x", w[i]);
        out_str(o, tmp);
    }
    if (best >= 0 && best + best_len == 8)
        out_char(o, ':');
}

size_t petls_ip_to_string(const uint8_t *ip, size_t len, char *buf,
                          size_t buflen)
{
    struct out o = {buf, buflen, 0};

    if (buf == NULL || buflen == 0)
        return 0;
    buf[0] = '\0';
    if (ip == NULL || (len != 4 && len != 16))
        return 0;
    format_ip(&o, ip, len);
    return o.len;
}

/* Node escapes a DNS name that could confuse a reader of the comma
 * separated list, JSON style, quoting "DNS:" with it. */
static void format_dns(struct out *o, const char *name, size_t len)
{
    size_t i;
    int safe = 1;

    for (i = 0; i < len && safe; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '"' || c == '\\' || c == ',' || c == '\'' || c < ' ' ||
            c > '~')
            safe = 0;
    }
    if (safe) {
        out_str(o, "DNS:");
        out_bytes(o, name, len);
        return;
    }
    out_str(o, "\"DNS:");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '"' || c == '\\') {
            out_char(o, '\\');
            out_char(o, (char)c);
        } else if (c >= ' ' && c != ',' && c <= '~') {
            out_char(o, (char)c);
        } else {
            char tmp[8];

            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            out_str(o, tmp);
        }
    }
    out_char(o, '"');
}

/* OpenSSL's "IP Address:" form, which Node's subjectaltname keeps: IPv6 as
 * eight upper-case groups without compression. */
static void format_ip_altname(struct out *o, const uint8_t *ip, size_t len)
{
    char tmp[8];
    size_t i;

    out_str(o, "IP Address:");
    if (len == 4) {
        format_ip(o, ip, 4);
    } else if (len == 16) {
        for (i = 0; i < 8; i++) {
            snprintf(tmp, sizeof(tmp), "%s%X", i ? ":" : "",
                     (unsigned)((ip[2 * i] << 8) | ip[2 * i + 1]));
            out_str(o, tmp);
        }
    } else {
        out_str(o, "<invalid>");
    }
}

static void format_altnames(struct out *o, const struct petls_cert_names *n)
{
    size_t i, written = 0;

    if (n->dns != NULL && n->dns_len != NULL) {
        for (i = 0; i < n->n_dns; i++) {
            if (n->dns[i] == NULL)
                continue;
            if (written++)
                out_str(o, ", ");
            format_dns(o, n->dns[i], n->dns_len[i]);
        }
    }
    if (n->ip != NULL && n->ip_len != NULL) {
        for (i = 0; i < n->n_ip; i++) {
            if (n->ip[i] == NULL)
                continue;
            if (written++)
                out_str(o, ", ");
            format_ip_altname(o, n->ip[i], n->ip_len[i]);
        }
    }
}

void petls_cert_names_altnames(const struct petls_cert_names *names, char *buf,
                               size_t buflen)
{
    struct out o = {buf, buflen, 0};

    if (buf == NULL || buflen == 0)
        return;
    buf[0] = '\0';
    if (names != NULL)
        format_altnames(&o, names);
}

/* The CN as Node prints it, minus control characters that would make the
 * message misleading. */
static void format_cn(struct out *o, const char *cn, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)cn[i];

        out_char(o, (c < ' ' || c == 0x7f) ? '?' : (char)c);
    }
}

void petls_hostname_mismatch_reason(const struct petls_cert_names *names,
                                    const char *host, char *buf, size_t buflen)
{
    struct out o = {buf, buflen, 0};
    uint8_t ip[16];
    size_t iplen, hlen, i, written = 0;

    if (buf == NULL || buflen == 0)
        return;
    buf[0] = '\0';
    if (names == NULL || host == NULL) {
        out_str(&o, "Cert does not contain a DNS name");
        return;
    }
    hlen = strlen(host);
    if (parse_ip_len(host, hlen, ip, &iplen)) {
        out_str(&o, "IP: ");
        out_str(&o, host);
        out_str(&o, " is not in the cert's list: ");
        if (names->ip == NULL || names->ip_len == NULL)
            return;
        for (i = 0; i < names->n_ip; i++) {
            if (names->ip[i] == NULL ||
                (names->ip_len[i] != 4 && names->ip_len[i] != 16))
                continue;
            if (written++)
                out_str(&o, ", ");
            format_ip(&o, names->ip[i], names->ip_len[i]);
        }
        return;
    }
    /* Node drops one trailing dot, then ends the name with its own. */
    hlen = strip_root_dot(host, hlen);
    if (names->n_dns > 0) {
        out_str(&o, "Host: ");
        out_bytes(&o, host, hlen);
        out_str(&o, ". is not in the cert's altnames: ");
        format_altnames(&o, names);
    } else if (names->cn != NULL) {
        out_str(&o, "Host: ");
        out_bytes(&o, host, hlen);
        out_str(&o, ". is not cert's CN: ");
        format_cn(&o, names->cn, names->cn_len);
    } else {
        out_str(&o, "Cert does not contain a DNS name");
    }
}

/* ---- Node's tls.checkServerIdentity() ---------------------------------- */

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The IP of an "IP Address:..." entry matches ip/iplen. */
static int san_ip_matches(const char *san, const uint8_t *ip, size_t iplen)
{
    uint8_t b[16];
    size_t blen;

    return petls_hostname_parse_ip(san + 11, b, &blen) && blen == iplen &&
           memcmp(b, ip, iplen) == 0;
}

int petls_hostname_check_identity(const char *host, const char *const *sans,
                                  size_t n_sans, const char *const *subject,
                                  size_t n_subject, char *reason,
                                  size_t reasonlen)
{
    /* no buffer: nothing written */
    struct out o = {reason, reason != NULL ? reasonlen : 0, 0};
    uint8_t ip[16];
    size_t iplen, hlen, i, n_dns = 0, n_cn = 0, written = 0;

    if (reason != NULL && reasonlen > 0)
        reason[0] = '\0';
    if (host == NULL)
        host = "";
    if (sans == NULL)
        n_sans = 0;
    if (subject == NULL)
        n_subject = 0;
    hlen = strlen(host);
    if (parse_ip_len(host, hlen, ip, &iplen)) {
        for (i = 0; i < n_sans; i++) {
            if (sans[i] != NULL && starts_with(sans[i], "IP Address:") &&
                san_ip_matches(sans[i], ip, iplen))
                return 1;
        }
        /* "IP: <host> is not in the cert's list: " and each address in
         * its canonical form (Node's canonicalizeIP). */
        out_str(&o, "IP: ");
        out_str(&o, host);
        out_str(&o, " is not in the cert's list: ");
        for (i = 0; i < n_sans; i++) {
            uint8_t b[16];
            size_t blen;

            if (sans[i] == NULL || !starts_with(sans[i], "IP Address:") ||
                !petls_hostname_parse_ip(sans[i] + 11, b, &blen))
                continue;
            if (written++)
                out_str(&o, ", ");
            format_ip(&o, b, blen);
        }
        return 0;
    }
    for (i = 0; i < n_sans; i++) {
        if (sans[i] == NULL || !starts_with(sans[i], "DNS:"))
            continue;
        n_dns++;
        if (petls_hostname_match_pattern(sans[i] + 4, strlen(sans[i] + 4),
                                         host))
            return 1;
    }
    /* Node drops one trailing dot, then ends the name with its own. */
    hlen = strip_root_dot(host, hlen);
    if (n_dns > 0) {
        /* The whole subjectaltname, as Node quotes it. */
        out_str(&o, "Host: ");
        out_bytes(&o, host, hlen);
        out_str(&o, ". is not in the cert's altnames: ");
        for (i = 0; i < n_sans; i++) {
            if (sans[i] == NULL)
                continue;
            if (written++)
                out_str(&o, ", ");
            out_str(&o, sans[i]);
        }
        return 0;
    }
    /* The subject's CN only when there is no DNS name; any of several CNs
     * (Node's array). */
    for (i = 0; i < n_subject; i++) {
        if (subject[i] == NULL || !starts_with(subject[i], "CN="))
            continue;
        n_cn++;
        if (petls_hostname_match_pattern(subject[i] + 3, strlen(subject[i] + 3),
                                         host))
            return 1;
    }
    if (n_cn == 0) {
        out_str(&o, "Cert does not contain a DNS name");
        return 0;
    }
    /* A JavaScript array prints its items joined with ",". */
    out_str(&o, "Host: ");
    out_bytes(&o, host, hlen);
    out_str(&o, ". is not cert's CN: ");
    for (i = 0; i < n_subject; i++) {
        if (subject[i] == NULL || !starts_with(subject[i], "CN="))
            continue;
        if (written++)
            out_char(&o, ',');
        format_cn(&o, subject[i] + 3, strlen(subject[i] + 3));
    }
    return 0;
}
