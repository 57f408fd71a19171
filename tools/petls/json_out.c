#include "json_out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void append(struct json_line *j, const char *s, size_t n)
{
    if (j->failed)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        while (cap < j->len + n + 1)
            cap *= 2;
        char *nb = realloc(j->buf, cap);
        if (nb == NULL) {
            j->failed = 1;
            return;
        }
        j->buf = nb;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void append_cstr(struct json_line *j, const char *s)
{
    append(j, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *p)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = 0x80, hi = 0xbf;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
        if (p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = 0x80, hi = 0xbf;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
        if (p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 ||
            (p[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

void json_append_string(struct json_line *j, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    append(j, "\"", 1);
    while (*p != '\0') {
        unsigned char c = *p;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            append(j, esc, 2);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            const char *named = NULL;
            switch (c) {
            case '\n':
                named = "\\n";
                break;
            case '\r':
                named = "\\r";
                break;
            case '\t':
                named = "\\t";
                break;
            case '\b':
                named = "\\b";
                break;
            case '\f':
                named = "\\f";
                break;
            default:
                break;
            }
            if (named != NULL) {
                append_cstr(j, named);
            } else {
                snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c);
                append_cstr(j, esc);
            }
            p++;
        } else {
            /* The NUL terminator stops utf8_seq_len from reading past the
             * string: a truncated sequence fails on the NUL byte. */
            size_t n = utf8_seq_len(p);
            if (n == 0) {
                append_cstr(j, "\\ufffd");
                p++;
            } else {
                append(j, (const char *)p, n);
                p += n;
            }
        }
    }
    append(j, "\"", 1);
}

static void key(struct json_line *j, const char *k)
{
    if (j->fields++ > 0)
        append(j, ",", 1);
    json_append_string(j, k);
    append(j, ":", 1);
}

void json_begin(struct json_line *j)
{
    memset(j, 0, sizeof(*j));
    append(j, "{", 1);
}

void json_str(struct json_line *j, const char *k, const char *value)
{
    key(j, k);
    if (value == NULL)
        append_cstr(j, "null");
    else
        json_append_string(j, value);
}

void json_raw(struct json_line *j, const char *k, const char *json)
{
    key(j, k);
    append_cstr(j, json);
}

void json_append_raw(struct json_line *j, const char *s, size_t n)
{
    append(j, s, n);
}

void json_bool(struct json_line *j, const char *k, int value)
{
    key(j, k);
    append_cstr(j, value ? "true" : "false");
}

void json_int(struct json_line *j, const char *k, long long value)
{
    char num[32];
    key(j, k);
    snprintf(num, sizeof(num), "%lld", value);
    append_cstr(j, num);
}

void json_hex(struct json_line *j, const char *k, const unsigned char *bytes,
              size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char pair[2];

    key(j, k);
    append_cstr(j, "\"");
    for (size_t i = 0; i < len; i++) {
        pair[0] = digits[bytes[i] >> 4];
        pair[1] = digits[bytes[i] & 0x0F];
        append(j, pair, 2);
    }
    append_cstr(j, "\"");
}

int json_end(struct json_line *j, FILE *out)
{
    int rc = -1;
    append(j, "}\n", 2);
    if (!j->failed && fwrite(j->buf, 1, j->len, out) == j->len &&
        fflush(out) == 0)
        rc = 0;
    free(j->buf);
    memset(j, 0, sizeof(*j));
    return rc;
}
