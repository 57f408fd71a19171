/* The ServerHello / ServerKeyExchange watch behind
 * petls_conn_ephemeral_key(): hand-built server flights, fed whole, byte by
 * byte and split across records. */
#include <criterion/criterion.h>
#include <string.h>

#include "hello_watch.h"

/* A record of type t around body. */
static size_t record(uint8_t *out, uint8_t t, const uint8_t *body, size_t n)
{
    out[0] = t;
    out[1] = 3;
    out[2] = 3;
    out[3] = (uint8_t)(n >> 8);
    out[4] = (uint8_t)n;
    memcpy(out + 5, body, n);
    return n + 5;
}

/* A handshake message of type t. */
static size_t message(uint8_t *out, uint8_t t, const uint8_t *body, size_t n)
{
    out[0] = t;
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    if (n > 0) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy(out + 4, body, n);
    return n + 4;
}

/* ServerHello body: suite, then the extensions given (already encoded). */
static size_t server_hello(uint8_t *out, uint16_t suite, uint8_t sid_len,
                           const uint8_t *ext, size_t ext_len)
{
    size_t n = 0;

    out[n++] = 3;
    out[n++] = 3;
    memset(out + n, 0xAB, 32);
    n += 32;
    out[n++] = sid_len;
    memset(out + n, 0xCD, sid_len);
    n += sid_len;
    out[n++] = (uint8_t)(suite >> 8);
    out[n++] = (uint8_t)suite;
    out[n++] = 0;
    out[n++] = (uint8_t)(ext_len >> 8);
    out[n++] = (uint8_t)ext_len;
    if (ext_len > 0)
        memcpy(out + n, ext, ext_len);
    return n + ext_len;
}

struct want {
    int rc;
    const char *type;
    const char *name;
    int size;
};

/* Feeds stream whole, byte by byte, and in 7-byte pieces; each gives w. */
static void check(const uint8_t *stream, size_t len, struct want w)
{
    size_t step[] = {0, 1, 7};
    size_t s;

    for (s = 0; s < 3; s++) {
        struct petls_hello_watch h;
        const char *type, *name;
        int size, rc;
        size_t i;

        petls_hello_watch_init(&h);
        if (step[s] == 0) {
            petls_hello_watch_feed(&h, stream, len);
        } else {
            for (i = 0; i < len; i += step[s]) {
                petls_hello_watch_feed(&h, stream + i,
                                       len - i < step[s] ? len - i : step[s]);
            }
        }
        rc = petls_hello_watch_result(&h, &type, &name, &size);
        cr_assert_eq(rc, w.rc, "step %zu: rc %d", step[s], rc);
        if (w.type == NULL) {
            cr_assert_null(type);
        } else {
            cr_assert_str_eq(type, w.type);
        }
        if (w.name == NULL) {
            cr_assert_null(name);
        } else {
            cr_assert_str_eq(name, w.name);
        }
        cr_assert_eq(size, w.size, "step %zu: size %d", step[s], size);
    }
}

static const uint8_t ext13_x25519[] = {
    0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,       /* supported_versions 1.3 */
    0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, /* key_share x25519 ... */
    0x20, 1,    2,    3,    4,    5,    6,    7,  8,  9,  10,
    11,   12,   13,   14,   15,   16,   17,   18, 19, 20, 21,
    22,   23,   24,   25,   26,   27,   28,   29, 30, 31, 32};

Test(hello_watch, tls13_x25519_then_encrypted)
{
    uint8_t sh[256], msg[300], stream[700];
    size_t n = server_hello(sh, 0x1302, 32, ext13_x25519, sizeof(ext13_x25519));
    size_t m = message(msg, 2, sh, n), len = 0;
    static const uint8_t ccs[] = {1};
    static const uint8_t junk[] = {0x16, 3, 3, 0, 4, 2, 0, 0, 0};

    len += record(stream + len, 22, msg, m);
    len += record(stream + len, 20, ccs, 1);
    /* after the stop nothing counts, not even a fake ServerHello */
    memcpy(stream + len, junk, sizeof(junk));
    len += sizeof(junk);
    check(stream, len, (struct want){1, "ECDH", "X25519", 253});
}

/* HelloRetryRequest (key_share = selected_group only), then the
 * ServerHello with the P-384 share. */
Test(hello_watch, tls13_hello_retry)
{
    static const uint8_t hrr_ext[] = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
                                      0x00, 0x33, 0x00, 0x02, 0x00, 0x18};
    static const uint8_t sh_ext[] = {0x00, 0x33, 0x00, 0x05, 0x00,
                                     0x18, 0x00, 0x01, 0x04, 0x00,
                                     0x2b, 0x00, 0x02, 0x03, 0x04};
    uint8_t body[200], msg[260], stream[600];
    size_t len = 0, n, m;
    static const uint8_t ccs[] = {1};

    n = server_hello(body, 0x1301, 0, hrr_ext, sizeof(hrr_ext));
    m = message(msg, 2, body, n);
    len += record(stream + len, 22, msg, m);
    n = server_hello(body, 0x1301, 0, sh_ext, sizeof(sh_ext));
    m = message(msg, 2, body, n);
    len += record(stream + len, 22, msg, m);
    len += record(stream + len, 20, ccs, 1);
    check(stream, len, (struct want){1, "ECDH", "secp384r1", 384});
}

/* A lone ServerHello (cipher suite cs, extensions ext) in one record. */
static void check_hello(uint16_t cs, const uint8_t *ext, size_t ext_len,
                        struct want w)
{
    uint8_t body[200], msg[260], stream[300];
    size_t n = server_hello(body, cs, 0, ext, ext_len);
    size_t m = message(msg, 2, body, n);
    size_t len = record(stream, 22, msg, m);

    check(stream, len, w);
}

/* TLS 1.3 psk_ke: no key_share, not ephemeral (Node: {}). */
Test(hello_watch, tls13_psk_ke)
{
    static const uint8_t ext[] = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
                                  0x00, 0x29, 0x00, 0x02, 0x00, 0x00};
    check_hello(0x1301, ext, sizeof(ext), (struct want){0, NULL, NULL, 0});
}

Test(hello_watch, tls13_ffdhe3072)
{
    static const uint8_t ext[] = {0x00, 0x33, 0x00, 0x05, 0x01,
                                  0x01, 0x00, 0x01, 0x77, 0x00,
                                  0x2b, 0x00, 0x02, 0x03, 0x04};
    check_hello(0x1301, ext, sizeof(ext), (struct want){1, "DH", NULL, 3072});
}

/* TLS 1.2: ServerHello, Certificate, ServerKeyExchange in one record
 * stream split across records mid-message. */
static size_t tls12_flight(uint8_t *stream, uint16_t suite, const uint8_t *ske,
                           size_t ske_len)
{
    static const uint8_t ext[] = {0xff, 0x01, 0x00, 0x01, 0x00};
    uint8_t body[200], hs[2400];
    uint8_t cert[1500];
    size_t n, h = 0, len = 0;

    n = server_hello(body, suite, 32, ext, sizeof(ext));
    h += message(hs + h, 2, body, n);
    memset(cert, 0x30, sizeof(cert));
    h += message(hs + h, 11, cert, sizeof(cert));
    h += message(hs + h, 12, ske, ske_len);
    h += message(hs + h, 14, NULL, 0);
    /* two records, the split inside the Certificate */
    len += record(stream + len, 22, hs, 1000);
    len += record(stream + len, 22, hs + 1000, h - 1000);
    return len;
}

Test(hello_watch, tls12_ecdhe_p256)
{
    static const uint8_t ske[] = {3, 0x00, 0x17, 65, 4, 1, 2, 3};
    uint8_t stream[3000];
    size_t len = tls12_flight(stream, 0xC02B, ske, sizeof(ske));

    check(stream, len, (struct want){1, "ECDH", "prime256v1", 256});
}

/* DHE: a 2048-bit prime is 256 bytes with the top bit set; a prime whose
 * first byte is 0x05 has 5 bits fewer. */
Test(hello_watch, tls12_dhe_bits)
{
    uint8_t ske[300], stream[3200];
    size_t len;

    ske[0] = 0x01;
    ske[1] = 0x00;
    memset(ske + 2, 0xFF, 256);
    len = tls12_flight(stream, 0x009E, ske, 258);
    check(stream, len, (struct want){1, "DH", NULL, 2048});
    ske[2] = 0x05;
    len = tls12_flight(stream, 0x009E, ske, 258);
    check(stream, len, (struct want){1, "DH", NULL, 2043});
}

/* ECDHE-PSK: the parameters follow a psk_identity_hint. */
Test(hello_watch, tls12_ecdhe_psk_hint)
{
    static const uint8_t ske[] = {0, 3, 'a', 'b', 'c', 3, 0x00, 0x1d, 32, 9};
    uint8_t stream[3000];
    size_t len = tls12_flight(stream, 0xCCAC, ske, sizeof(ske));

    check(stream, len, (struct want){1, "ECDH", "X25519", 253});
}

/* RSA key exchange: no ServerKeyExchange, not ephemeral. */
Test(hello_watch, tls12_rsa_kx)
{
    static const uint8_t ext[] = {0xff, 0x01, 0x00, 0x01, 0x00};
    check_hello(0x009C, ext, sizeof(ext), (struct want){0, NULL, NULL, 0});
}

/* An alert or garbage first: nothing seen. */
Test(hello_watch, not_handshake)
{
    static const uint8_t alert[] = {21, 3, 3, 0, 2, 2, 40};
    static const uint8_t garbage[] = {'H', 'T', 'T', 'P', '/', '1'};

    check(alert, sizeof(alert), (struct want){0, NULL, NULL, 0});
    check(garbage, sizeof(garbage), (struct want){0, NULL, NULL, 0});
}
