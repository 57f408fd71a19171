/* libFuzzer target: the DH parameters of petls_config_set_dheparams_mem
 * (pb_config_set_dhe in src/backend/mbedtls/mbedtls_config.c: PEM or DER
 * PKCS#3 parsed by mbed TLS, the size rule, the generator check, p and g
 * kept). Input: the parameter bytes; seeds are made by run-fuzz.sh with
 * openssl genpkey. */
#include "fuzz_util.h"

#include "backend/backend.h"

static struct pb_config *cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    size_t bits = 0;
    int rc;

    if (cfg == NULL) {
        FUZZ_CHECK(pb_init(err, sizeof(err)) == 0);
        cfg = pb_config_new(err, sizeof(err));
        FUZZ_CHECK(cfg != NULL);
    }
    memset(err, 'X', sizeof(err));
    rc = pb_config_set_dhe(cfg, PB_DHE_CUSTOM, data, size, 2048, &bits, err,
                           sizeof(err));
    FUZZ_CHECK(rc == 0 || rc == PB_ERR);
    if (rc == 0)
        FUZZ_CHECK(bits >= 2048 && bits <= 8192);
    else
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0] != '\0');
    /* Back to the default, which frees what was kept. */
    FUZZ_CHECK(pb_config_set_dhe(cfg, PB_DHE_AUTO, NULL, 0, 2048, NULL, err,
                                 sizeof(err)) == 0);
    return 0;
}
