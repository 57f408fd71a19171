/* libFuzzer target: cipher lists (names, aliases, exclusions). */
#include "fuzz_util.h"

#include "cipher_suites.h"

#define OUT_MAX 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    char err[96];
    uint16_t out[OUT_MAX + 1];
    size_t table = petls_cipher_table_size();
    /* Vary max so the "too many" path is reached too. */
    size_t max = size > 0 ? data[0] % (table + 2) : table;
    int rc, i, j;

    if (max > OUT_MAX)
        max = OUT_MAX;
    memset(err, 'X', sizeof(err));
    out[max] = 0xbeef;
    rc = petls_cipher_list_parse(s, out, max, err, sizeof(err));
    FUZZ_CHECK(rc >= -1 && rc <= (int)max);
    FUZZ_CHECK(out[max] == 0xbeef);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0] != '\0');
    } else {
        FUZZ_CHECK(rc > 0);
        for (i = 0; i < rc; i++) {
            const struct petls_cipher_info *c = petls_cipher_by_id(out[i]);

            FUZZ_CHECK(c != NULL);
            FUZZ_CHECK(petls_cipher_by_name(c->openssl) == c);
            for (j = 0; j < i; j++)
                FUZZ_CHECK(out[j] != out[i]);
        }
    }

    /* A whole input as one name: found only if it is exactly a name. */
    {
        const struct petls_cipher_info *c = petls_cipher_by_name(s);

        if (c != NULL)
            FUZZ_CHECK(petls_cipher_by_id(c->id) == c);
    }
    free(s);
    return 0;
}
