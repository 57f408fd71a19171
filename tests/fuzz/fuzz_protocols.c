/* libFuzzer target: libtls protocol strings and Node version strings. */
#include "fuzz_util.h"

#include "petls.h"
#include "protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    char err[96];
    uint32_t protos = 0xffffffffu, bit = 0xffffffffu;
    int rc;

    memset(err, 'X', sizeof(err));
    rc = petls_protocols_parse(s, &protos, err, sizeof(err));
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        /* Only supported versions, and at least one. */
        FUZZ_CHECK(protos != 0 && (protos & ~PETLS_PROTOCOLS_ALL) == 0);
    } else {
        FUZZ_CHECK(protos == 0xffffffffu);
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0] != '\0');
    }

    memset(err, 'X', sizeof(err));
    rc = petls_version_parse(s, &bit, err, sizeof(err));
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0)
        FUZZ_CHECK(bit == PETLS_PROTOCOL_TLSv1_2 ||
                   bit == PETLS_PROTOCOL_TLSv1_3);
    else
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));

    if (size >= 4) {
        uint32_t a = 1u << (data[0] % 32), b = 1u << (data[1] % 32);
        uint32_t r = petls_protocols_range(a, b);

        FUZZ_CHECK((r & ~PETLS_PROTOCOLS_ALL) == 0);
        if (a > b)
            FUZZ_CHECK(r == 0);
        (void)petls_version_name((uint16_t)(data[2] << 8 | data[3]));
    }
    free(s);
    return 0;
}
