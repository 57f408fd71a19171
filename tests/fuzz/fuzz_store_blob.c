/* libFuzzer target: sealed store blobs. The first input byte picks what
 * the rest is:
 *   even: a blob a store returned, opened under a fixed key, id and
 *         context: only genuine blobs (the seeds) ever open;
 *   odd:  session bytes sealed, opened back, then a bit flipped in each byte, a
 *         truncation and another id must fail. */
#include "fuzz_util.h"

#include "session_seal.h"

#define NOW 1700000000
#define BLOB_MAX 8192

/* The seeds in corpus/fuzz_store_blob/ were sealed under this key, the id
 * "fuzz-id" and the context "fuzz-ctx". */
static const uint8_t key[32] = {0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
                                0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
                                0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
                                0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5};
static const uint8_t id[] = "fuzz-id";
static const uint8_t ctx[] = "fuzz-ctx";

static uint8_t blob[BLOB_MAX + PETLS_SEAL_OVERHEAD], out[BLOB_MAX];

static void open_blob(const uint8_t *b, size_t n)
{
    size_t m = 0;
    int r = petls_unseal(key, id, 7, ctx, 8, NOW, b, n, out, sizeof(out), &m);

    FUZZ_CHECK(r == 0 || r == -1);
    if (r == 0)
        FUZZ_CHECK(m + PETLS_SEAL_OVERHEAD == n && b[0] == 1);
    /* Never under another id. */
    FUZZ_CHECK(petls_unseal(key, id, 6, ctx, 8, NOW, b, n, out, sizeof(out),
                            &m) == -1);
}

static void round_trip(const uint8_t *s, size_t n)
{
    size_t bn = 0, m = 0, i;

    if (n > BLOB_MAX)
        n = BLOB_MAX;
    FUZZ_CHECK(petls_seal(key, id, 7, ctx, 8, NOW + 60, s, n, blob,
                          sizeof(blob), &bn) == 0);
    FUZZ_CHECK(bn == n + PETLS_SEAL_OVERHEAD);
    FUZZ_CHECK(petls_unseal(key, id, 7, ctx, 8, NOW, blob, bn, out, sizeof(out),
                            &m) == 0);
    FUZZ_CHECK(m == n && (n == 0 || memcmp(out, s, n) == 0));
    FUZZ_CHECK(petls_unseal(key, id, 7, ctx, 8, NOW + 60, blob, bn, out,
                            sizeof(out), &m) == -1);
    FUZZ_CHECK(petls_unseal(key, id, 7, ctx, 8, NOW, blob, bn - 1, out,
                            sizeof(out), &m) == -1);
    FUZZ_CHECK(petls_unseal(key, id, 7, ctx, 7, NOW, blob, bn, out, sizeof(out),
                            &m) == -1);
    if (bn > 256)
        return;
    /* One bit of every byte (a different bit position from byte to byte):
     * every byte is covered at a fraction of the cost of all bits. */
    for (i = 0; i < bn; i++) {
        blob[i] ^= (uint8_t)(1u << (i % 8));
        FUZZ_CHECK(petls_unseal(key, id, 7, ctx, 8, NOW, blob, bn, out,
                                sizeof(out), &m) == -1);
        blob[i] ^= (uint8_t)(1u << (i % 8));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] % 2 == 0)
        open_blob(data + 1, size - 1);
    else
        round_trip(data + 1, size - 1);
    return 0;
}
