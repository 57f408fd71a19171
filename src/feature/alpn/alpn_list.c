/*
 * ALPN protocol lists: the user's comma-separated form and the client's
 * wire ProtocolNameList (RFC 7301), both into one allocation of
 * NUL-terminated names. Pure functions (memory through the port).
 */
#include <stdio.h>
#include <string.h>

#include "nego.h"
#include "petls_port.h"

void petls_alpn_list_free(struct petls_alpn_list *l)
{
    petls_port_free(l->names);
    l->names = NULL;
    l->n = 0;
}

/* One allocation: n + 1 pointers, then the names. */
static int list_alloc(struct petls_alpn_list *l, size_t n, size_t bytes)
{
    l->names = petls_port_calloc(1, (n + 1) * sizeof(char *) + bytes);
    l->n = 0;
    return l->names == NULL ? -1 : 0;
}

static char *list_text(const struct petls_alpn_list *l, size_t n)
{
    return (char *)(l->names + n + 1);
}

int petls_alpn_parse(const char *s, struct petls_alpn_list *out, char *err,
                     size_t errlen)
{
    struct petls_alpn_list l = {NULL, 0};
    size_t n = 1, i, len, start, wire;
    char *p;

    if (s == NULL || s[0] == '\0') {
        petls_alpn_list_free(out);
        return 0;
    }
    len = strlen(s);
    for (i = 0; i < len; i++)
        if (s[i] == ',')
            n++;
    /* Each name costs its length plus one byte on the wire. */
    wire = len + 1;
    if (wire > PETLS_ALPN_LIST_MAX) {
        snprintf(err, errlen, "ALPN list too long (at most %u bytes)",
                 (unsigned)PETLS_ALPN_LIST_MAX);
        return -1;
    }
    if (list_alloc(&l, n, len + 1) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p = list_text(&l, n);
    memcpy(p, s, len + 1);
    start = 0;
    for (i = 0; i <= len; i++) {
        if (p[i] != ',' && p[i] != '\0')
            continue;
        if (i == start) {
            snprintf(err, errlen, "empty protocol name in ALPN list");
            petls_alpn_list_free(&l);
            return -1;
        }
        if (i - start > PETLS_ALPN_NAME_MAX) {
            snprintf(err, errlen, "ALPN protocol name longer than %u bytes",
                     (unsigned)PETLS_ALPN_NAME_MAX);
            petls_alpn_list_free(&l);
            return -1;
        }
        p[i] = '\0';
        l.names[l.n++] = p + start;
        start = i + 1;
    }
    l.names[l.n] = NULL;
    petls_alpn_list_free(out);
    *out = l;
    return 0;
}

int petls_alpn_split_wire(const uint8_t *wire, size_t len,
                          struct petls_alpn_list *out, char *err, size_t errlen)
{
    struct petls_alpn_list l = {NULL, 0};
    size_t i = 0, n = 0;
    char *p;

    if (len == 0) {
        snprintf(err, errlen, "empty ALPN protocol list");
        return -1;
    }
    while (i < len) {
        size_t nl = wire[i++];
        if (nl == 0) {
            snprintf(err, errlen, "empty protocol name in ALPN offer");
            return -1;
        }
        if (nl > len - i) {
            snprintf(err, errlen, "truncated ALPN protocol list");
            return -1;
        }
        i += nl;
        n++;
    }
    /* Names with their NULs take exactly len bytes. */
    if (list_alloc(&l, n, len) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p = list_text(&l, n);
    for (i = 0; i < len;) {
        size_t nl = wire[i++];
        memcpy(p, wire + i, nl);
        p[nl] = '\0';
        l.names[l.n++] = p;
        p += nl + 1;
        i += nl;
    }
    l.names[l.n] = NULL;
    petls_alpn_list_free(out);
    *out = l;
    return 0;
}
