/* Test certificate paths from PETLS_TEST_CERTS. */
#include "testcerts.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cert_path(const char *name)
{
    static char bufs[8][1024];
    static unsigned next;
    const char *dir = getenv("PETLS_TEST_CERTS");
    char *b;

    cr_assert(dir != NULL && dir[0] != '\0',
              "PETLS_TEST_CERTS is not set (run through ctest, or point it "
              "at a directory made by tests/certs/gen-certs.sh)");
    b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
    return b;
}

unsigned char *cert_read(const char *name, size_t *len)
{
    const char *path = cert_path(name);
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long size;

    cr_assert(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    cr_assert(size >= 0);
    buf = malloc((size_t)size + 1);
    cr_assert(buf != NULL);
    cr_assert(fread(buf, 1, (size_t)size, f) == (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return buf;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

unsigned char *cert_first_der(const char *name, size_t *len)
{
    size_t flen, n = 0;
    unsigned char *pem = cert_read(name, &flen), *der;
    const char *begin, *end, *p;
    unsigned acc = 0;
    int bits = 0;

    begin = strstr((const char *)pem, "-----BEGIN CERTIFICATE-----");
    cr_assert(begin != NULL, "%s holds no certificate", name);
    begin += strlen("-----BEGIN CERTIFICATE-----");
    end = strstr(begin, "-----END CERTIFICATE-----");
    cr_assert(end != NULL);
    der = malloc((size_t)(end - begin));
    cr_assert(der != NULL);
    for (p = begin; p < end; p++) {
        int v = b64val((unsigned char)*p);
        if (v < 0)
            continue; /* newlines, padding */
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            der[n++] = (unsigned char)(acc >> bits);
        }
    }
    free(pem);
    *len = n;
    return der;
}
