/* Backend primitives: SHA-256, HMAC-SHA256, AES-256-GCM, random, version. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "backend/backend.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

Test(backend_primitives, sha256_abc)
{
    uint8_t h[32];
    char s[65];

    cr_assert_eq(pb_sha256("abc", 3, h), 0);
    hex(h, 32, s);
    cr_assert_str_eq(
        s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(backend_primitives, hmac_rfc4231_case2)
{
    static const char data[] = "what do ya want for nothing?";
    uint8_t h[32];
    char s[65];

    cr_assert_eq(
        pb_hmac_sha256((const uint8_t *)"Jefe", 4, data, sizeof(data) - 1, h),
        0);
    hex(h, 32, s);
    cr_assert_str_eq(
        s, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Test(backend_primitives, hmac_rfc4231_case6_long_key)
{
    static const char data[] =
        "Test Using Larger Than Block-Size Key - Hash Key First";
    uint8_t key[131];
    uint8_t h[32];
    char s[65];

    memset(key, 0xaa, sizeof(key));
    cr_assert_eq(pb_hmac_sha256(key, sizeof(key), data, sizeof(data) - 1, h),
                 0);
    hex(h, 32, s);
    cr_assert_str_eq(
        s, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

Test(backend_primitives, aead_round_trip_and_tamper)
{
    uint8_t key[32], iv[12], aad[5] = {1, 2, 3, 4, 5};
    static const char msg[] = "attack at dawn, bring snacks";
    uint8_t ct[sizeof(msg) - 1 + 16], pt[sizeof(msg) - 1], bad[sizeof(ct)];
    size_t n = sizeof(msg) - 1, i;
    int all_zero = 1;

    cr_assert_eq(pb_random(key, sizeof(key)), 0);
    cr_assert_eq(pb_random(iv, sizeof(iv)), 0);
    cr_assert_eq(pb_aead_seal(key, iv, sizeof(iv), aad, sizeof(aad),
                              (const uint8_t *)msg, n, ct),
                 0);
    cr_assert_neq(memcmp(ct, msg, n), 0, "ciphertext equals plaintext");
    cr_assert_eq(
        pb_aead_open(key, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct), pt),
        0);
    cr_assert_eq(memcmp(pt, msg, n), 0);

    /* A flipped ciphertext bit, a flipped tag bit, other AAD, a short
     * input: all rejected, output wiped. */
    memcpy(bad, ct, sizeof(ct));
    bad[3] ^= 0x01;
    memset(pt, 0x55, sizeof(pt));
    cr_assert_eq(pb_aead_open(key, iv, sizeof(iv), aad, sizeof(aad), bad,
                              sizeof(bad), pt),
                 -1);
    for (i = 0; i < n; i++) {
        if (pt[i] != 0) {
            all_zero = 0;
        }
    }
    cr_assert(all_zero, "output not zeroed after a failed open");
    memcpy(bad, ct, sizeof(ct));
    bad[sizeof(bad) - 1] ^= 0x80;
    cr_assert_eq(pb_aead_open(key, iv, sizeof(iv), aad, sizeof(aad), bad,
                              sizeof(bad), pt),
                 -1);
    aad[0] ^= 1;
    cr_assert_eq(
        pb_aead_open(key, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct), pt),
        -1);
    cr_assert_eq(
        pb_aead_open(key, iv, sizeof(iv), aad, sizeof(aad), ct, 15, pt), -1);
}

Test(backend_primitives, random_large_and_distinct)
{
    static uint8_t a[5000], b[5000];

    cr_assert_eq(pb_random(a, sizeof(a)), 0);
    cr_assert_eq(pb_random(b, sizeof(b)), 0);
    cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
    /* The tail (past the DRBG's per-call limit) is filled too. */
    memset(b, 0, sizeof(b));
    cr_assert_eq(pb_random(b, sizeof(b)), 0);
    cr_assert_neq(memcmp(b + 4000, a + 4000, 1000), 0);
}

Test(backend_primitives, version_and_zeroize)
{
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t zero[8];

    cr_assert_eq(strncmp(pb_version(), "mbed TLS 3.6.", 13), 0, "%s",
                 pb_version());
    pb_zeroize(buf, sizeof(buf));
    cr_assert_eq(memcmp(buf, zero, sizeof(buf)), 0);
}
