/* compat/libtls: errors, blobs, randomness and certificate name formats. */
#define _DEFAULT_SOURCE /* explicit_bzero, getrandom */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "tls_compat.h"

void tls_compat_err_clear(struct tls_err *e)
{
    free(e->msg);
    e->msg = NULL;
    e->code = TLS_ERROR_UNKNOWN;
}

void tls_compat_err_set(struct tls_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    char *m = NULL;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (m = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        (void)vsnprintf(m, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    free(e->msg);
    e->msg = m;
    e->code = m == NULL ? TLS_ERROR_OUT_OF_MEMORY : code;
}

char *tls_compat_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

void tls_compat_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        explicit_bzero(p, n);
}

void tls_compat_blob_free(struct tls_blob *b)
{
    if (b->data != NULL) {
        tls_compat_wipe(b->data, b->len);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
}

int tls_compat_blob_set(struct tls_blob *b, const uint8_t *data, size_t len)
{
    uint8_t *d = NULL;

    if (data != NULL && len > 0) {
        if ((d = malloc(len)) == NULL)
            return -1;
        memcpy(d, data, len);
    }
    tls_compat_blob_free(b);
    b->data = d;
    b->len = d != NULL ? len : 0;
    return 0;
}

int tls_compat_random(void *buf, size_t n)
{
    unsigned char *p = buf;

    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Walks the RDN components of an mbedTLS name ("C=US, O=a\, b, CN=x",
 * multi-valued RDNs joined by " + "), calling fn(type, value, sep) with the
 * unescaped value; sep is '/' before a new RDN, '+' inside one. */
struct dn_out {
    char *buf;
    size_t len, cap;
    int want_cn;
    int found_cn;
};

static int dn_put(struct dn_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->cap + n + 1) * 2;
        char *b = realloc(o->buf, cap);

        if (b == NULL)
            return -1;
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
    return 0;
}

static int dn_walk(const char *dn, struct dn_out *o)
{
    const char *p = dn;
    char sep = '/';

    while (*p != '\0') {
        const char *type = p;
        size_t tlen;
        char val[1024];
        size_t vlen = 0;

        while (*p != '\0' && *p != '=')
            p++;
        tlen = (size_t)(p - type);
        if (*p == '=')
            p++;
        while (*p != '\0') {
            if (*p == '\\' && p[1] != '\0') {
                p++;
            } else if (*p == ',' || (*p == ' ' && p[1] == '+' && p[2] == ' ')) {
                break;
            }
            if (vlen + 1 < sizeof(val))
                val[vlen++] = *p;
            p++;
        }
        val[vlen] = '\0';
        if (o->want_cn) {
            if (!o->found_cn && tlen == 2 && memcmp(type, "CN", 2) == 0) {
                o->found_cn = 1;
                if (dn_put(o, val, vlen) != 0)
                    return -1;
            }
        } else if (dn_put(o, &sep, 1) != 0 || dn_put(o, type, tlen) != 0 ||
                   dn_put(o, "=", 1) != 0 || dn_put(o, val, vlen) != 0) {
            return -1;
        }
        if (*p == ',') {
            p++;
            while (*p == ' ')
                p++;
            sep = '/';
        } else if (*p == ' ') {
            p += 3; /* " + " */
            sep = '+';
        }
    }
    return 0;
}

static char *dn_format(const char *dn, int want_cn)
{
    struct dn_out o = {NULL, 0, 0, want_cn, 0};

    if (dn == NULL)
        return NULL;
    if (dn_put(&o, "", 0) != 0 || dn_walk(dn, &o) != 0) {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}

char *tls_compat_dn_oneline(const char *dn)
{
    return dn_format(dn, 0);
}

char *tls_compat_dn_cn(const char *dn)
{
    return dn_format(dn, 1);
}
