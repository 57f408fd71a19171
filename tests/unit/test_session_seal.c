/* Sealed session blobs: layout, round trip, and every way a blob must fail
 * to open (each byte flipped, truncation, another id/context/key, expiry). */
#include <criterion/criterion.h>
#include <string.h>

#include "session_seal.h"

#define NOW 1700000000

static const uint8_t key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t id[] = "session-id-0001";
static const uint8_t ctx[] = "service-a";
static const uint8_t secret[] = "master secret and session state";

static int contains(const uint8_t *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;

    for (i = 0; i + k <= n; i++) {
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    }
    return 0;
}

static size_t seal_default(uint8_t *blob, size_t cap)
{
    size_t n = 0;

    cr_assert_eq(petls_seal(key, id, sizeof(id) - 1, ctx, sizeof(ctx) - 1,
                            NOW + 300, secret, sizeof(secret), blob, cap, &n),
                 0);
    return n;
}

static int open_default(const uint8_t *blob, size_t n, int64_t now,
                        uint8_t *out, size_t cap, size_t *out_len)
{
    return petls_unseal(key, id, sizeof(id) - 1, ctx, sizeof(ctx) - 1, now,
                        blob, n, out, cap, out_len);
}

Test(session_seal, layout_and_round_trip)
{
    uint8_t blob[256], out[256];
    size_t n, m = 0;

    n = seal_default(blob, sizeof(blob));
    cr_assert_eq(n, sizeof(secret) + PETLS_SEAL_OVERHEAD);
    cr_assert_eq(blob[0], 1); /* version */
    /* expires, big endian */
    {
        uint64_t e = 0;
        int i;
        for (i = 0; i < 8; i++)
            e = (e << 8) | blob[1 + i];
        cr_assert_eq(e, (uint64_t)(NOW + 300));
    }
    /* The plaintext does not appear in the blob. */
    cr_assert_not(contains(blob, n, "master secret"));

    cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), 0);
    cr_assert_eq(m, sizeof(secret));
    cr_assert_eq(memcmp(out, secret, m), 0);
}

Test(session_seal, random_iv_each_time)
{
    uint8_t a[256], b[256];
    size_t na = seal_default(a, sizeof(a)), nb = seal_default(b, sizeof(b));

    cr_assert_eq(na, nb);
    cr_assert_neq(memcmp(a + 9, b + 9, 12), 0);
    cr_assert_neq(memcmp(a + 21, b + 21, na - 21), 0);
}

Test(session_seal, every_flipped_byte_fails)
{
    uint8_t blob[256], out[256];
    size_t n = seal_default(blob, sizeof(blob)), m, i;
    int bit;

    for (i = 0; i < n; i++) {
        for (bit = 0; bit < 8; bit += 7) {
            blob[i] ^= (uint8_t)(1u << bit);
            memset(out, 0x5a, sizeof(out));
            cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), -1,
                         "byte %zu bit %d flipped still opened", i, bit);
            blob[i] ^= (uint8_t)(1u << bit);
        }
    }
    cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), 0);
}

Test(session_seal, failed_open_leaves_no_plaintext)
{
    uint8_t blob[256], out[256];
    size_t n = seal_default(blob, sizeof(blob)), m;

    blob[n - 1] ^= 1; /* tag */
    memset(out, 0x5a, sizeof(out));
    cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), -1);
    cr_assert_not(contains(out, sizeof(out), "master"));
}

Test(session_seal, truncated_and_extended_fail)
{
    uint8_t blob[300], out[300];
    size_t n = seal_default(blob, sizeof(blob)), m, len;

    for (len = 0; len < n; len++)
        cr_assert_eq(open_default(blob, len, NOW, out, sizeof(out), &m), -1,
                     "truncated to %zu opened", len);
    blob[n] = 0;
    cr_assert_eq(open_default(blob, n + 1, NOW, out, sizeof(out), &m), -1);
    cr_assert_eq(open_default(NULL, 0, NOW, out, sizeof(out), &m), -1);
}

Test(session_seal, bound_to_id_context_key_and_expiry)
{
    uint8_t blob[256], out[256], other_key[32];
    size_t n = seal_default(blob, sizeof(blob)), m;

    /* Another id (also a prefix of it, and one byte longer). */
    cr_assert_eq(petls_unseal(key, (const uint8_t *)"session-id-0002", 15, ctx,
                              sizeof(ctx) - 1, NOW, blob, n, out, sizeof(out),
                              &m),
                 -1);
    cr_assert_eq(petls_unseal(key, id, sizeof(id) - 2, ctx, sizeof(ctx) - 1,
                              NOW, blob, n, out, sizeof(out), &m),
                 -1);
    /* id and context are not one concatenated string: moving a byte from
     * one to the other must fail too. */
    cr_assert_eq(petls_unseal(key, id, sizeof(id) - 2,
                              (const uint8_t *)"1service-a", 10, NOW, blob, n,
                              out, sizeof(out), &m),
                 -1);
    /* Another context, the empty context. */
    cr_assert_eq(petls_unseal(key, id, sizeof(id) - 1,
                              (const uint8_t *)"service-b", 9, NOW, blob, n,
                              out, sizeof(out), &m),
                 -1);
    cr_assert_eq(petls_unseal(key, id, sizeof(id) - 1, NULL, 0, NOW, blob, n,
                              out, sizeof(out), &m),
                 -1);
    /* Another key. */
    memcpy(other_key, key, 32);
    other_key[31] ^= 0x80;
    cr_assert_eq(petls_unseal(other_key, id, sizeof(id) - 1, ctx,
                              sizeof(ctx) - 1, NOW, blob, n, out, sizeof(out),
                              &m),
                 -1);
    /* Expiry: one second before is fine, at expires it is dead. */
    cr_assert_eq(open_default(blob, n, NOW + 299, out, sizeof(out), &m), 0);
    cr_assert_eq(open_default(blob, n, NOW + 300, out, sizeof(out), &m), -1);
    /* Pushing the expiry forward in the blob breaks the tag. */
    blob[8] += 100;
    cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), -1);
}

Test(session_seal, capacities)
{
    uint8_t blob[256], out[256];
    size_t n, m;

    /* Seal: the output must hold plaintext + overhead exactly. */
    cr_assert_eq(petls_seal(key, id, 3, NULL, 0, NOW + 5, secret,
                            sizeof(secret), blob,
                            sizeof(secret) + PETLS_SEAL_OVERHEAD - 1, &n),
                 -1);
    cr_assert_eq(petls_seal(key, id, 3, NULL, 0, NOW + 5, secret,
                            sizeof(secret), blob,
                            sizeof(secret) + PETLS_SEAL_OVERHEAD, &n),
                 0);
    /* Open: out must hold the plaintext. */
    cr_assert_eq(petls_unseal(key, id, 3, NULL, 0, NOW, blob, n, out,
                              sizeof(secret) - 1, &m),
                 -1);
    cr_assert_eq(petls_unseal(key, id, 3, NULL, 0, NOW, blob, n, out,
                              sizeof(secret), &m),
                 0);
    cr_assert_eq(m, sizeof(secret));
    /* An empty session seals and opens too. */
    cr_assert_eq(petls_seal(key, id, 3, NULL, 0, NOW + 5, NULL, 0, blob,
                            sizeof(blob), &n),
                 0);
    cr_assert_eq(n, PETLS_SEAL_OVERHEAD);
    cr_assert_eq(
        petls_unseal(key, id, 3, NULL, 0, NOW, blob, n, out, sizeof(out), &m),
        0);
    cr_assert_eq(m, 0);
}

Test(session_seal, unknown_version_fails)
{
    uint8_t blob[256], out[256];
    size_t n = seal_default(blob, sizeof(blob)), m;

    blob[0] = 2;
    cr_assert_eq(open_default(blob, n, NOW, out, sizeof(out), &m), -1);
}
