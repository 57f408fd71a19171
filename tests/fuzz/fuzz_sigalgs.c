/* libFuzzer target: signature algorithm lists (Node's `sigalgs`) and the
 * shared-list computation of getSharedSigalgs(). */
#include "fuzz_util.h"

#include "sigalgs.h"

#define OUT_MAX PETLS_MAX_SIGALGS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    char err[96];
    uint16_t out[OUT_MAX + 1], offer[32], shared[OUT_MAX + 1];
    size_t max = size > 0 ? data[0] % (OUT_MAX + 1) : OUT_MAX;
    size_t n_offer = 0, n_shared, i;
    int rc, j, k;

    memset(err, 'X', sizeof(err));
    out[max] = 0xbeef;
    rc = petls_sigalgs_parse(s, out, max, err, sizeof(err));
    FUZZ_CHECK(rc >= -1 && rc <= (int)max);
    FUZZ_CHECK(out[max] == 0xbeef);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0] != '\0');
        rc = 0;
    } else {
        FUZZ_CHECK(rc > 0);
        for (j = 0; j < rc; j++) {
            const char *name = petls_sigalg_name(out[j]);
            uint16_t back[2];
            char err2[96];

            /* Every result has both names and parses back from its own. */
            FUZZ_CHECK(name != NULL && petls_sigalg_node_name(out[j]) != NULL);
            FUZZ_CHECK(petls_sigalgs_parse(name, back, 2, err2, sizeof(err2)) ==
                       1);
            FUZZ_CHECK(back[0] == out[j]);
            for (k = 0; k < j; k++)
                FUZZ_CHECK(out[k] != out[j]);
        }
    }
    /* The input's bytes as a peer's offer against the parsed list. */
    for (i = 0; i + 1 < size && n_offer < 32; i += 2)
        offer[n_offer++] = (uint16_t)(data[i] << 8 | data[i + 1]);
    for (k = 0; k < 2; k++) {
        shared[max] = 0xbeef;
        n_shared = petls_sigalgs_shared(offer, n_offer, out, (size_t)rc, k,
                                        shared, max);
        FUZZ_CHECK(n_shared <= (size_t)rc && n_shared <= n_offer);
        FUZZ_CHECK(shared[max] == 0xbeef);
        for (i = 0; i < n_shared && i < max; i++) {
            int in_offer = 0, in_ours = 0;
            for (j = 0; j < (int)n_offer; j++)
                in_offer |= offer[j] == shared[i];
            for (j = 0; j < rc; j++)
                in_ours |= out[j] == shared[i];
            FUZZ_CHECK(in_offer && in_ours);
        }
    }
    free(s);
    return 0;
}
