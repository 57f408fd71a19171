/* libFuzzer target: key-exchange group lists. */
#include "fuzz_util.h"

#include "groups.h"

#define OUT_MAX 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    char err[96];
    uint16_t out[OUT_MAX + 1];
    size_t max = size > 0 ? data[0] % (OUT_MAX + 1) : OUT_MAX;
    int rc, i, j;

    memset(err, 'X', sizeof(err));
    out[max] = 0xbeef;
    rc = petls_groups_parse(s, out, max, err, sizeof(err));
    FUZZ_CHECK(rc >= -1 && rc <= (int)max);
    FUZZ_CHECK(out[max] == 0xbeef);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0] != '\0');
    } else {
        for (i = 0; i < rc; i++) {
            const char *name = petls_group_name(out[i]);
            uint16_t back[2];
            char err2[96];

            /* Every result has a name that parses back to it. */
            FUZZ_CHECK(name != NULL);
            FUZZ_CHECK(petls_groups_parse(name, back, 2, err2, sizeof(err2)) ==
                       1);
            FUZZ_CHECK(back[0] == out[i]);
            for (j = 0; j < i; j++)
                FUZZ_CHECK(out[j] != out[i]);
        }
    }
    if (size >= 2)
        (void)petls_group_name((uint16_t)(data[0] << 8 | data[1]));
    free(s);
    return 0;
}
