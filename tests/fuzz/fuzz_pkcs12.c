/* libFuzzer target: the PKCS#12 reader (src/feature/pkcs12/pkcs12_parse.c):
 * the DER walk, bags, attributes, algorithm parameters and the PEM writer.
 * Input: one PFX. The cryptography is a stand-in (derivations give zeros,
 * "decryption" copies the ciphertext, the MAC never matches), so that the
 * fuzzer reaches the bags inside encrypted parts and shrouded keys; files
 * without a MAC (-nomac) go all the way. Seeds are made by run-fuzz.sh with
 * openssl pkcs12 -export. */
#include "fuzz_util.h"

#include "feature/pkcs12/pkcs12_parse.h"
#include "petls_port.h"

static size_t md_size(int md)
{
    static const size_t sizes[] = {0, 20, 28, 32, 48, 64};

    return md >= 1 && md <= 5 ? sizes[md] : 0;
}

static int kdf(int md, const uint8_t *pwd, size_t pwd_len, const uint8_t *salt,
               size_t salt_len, uint32_t iterations, int id, uint8_t *out,
               size_t out_len)
{
    FUZZ_CHECK(md_size(md) != 0 && iterations >= 1 &&
               iterations <= P12_MAX_ITERATIONS && id >= 1 && id <= 3);
    FUZZ_CHECK(pwd_len == 0 || pwd[pwd_len - 1] == 0);
    (void)salt, (void)salt_len;
    memset(out, 0, out_len);
    return 0;
}

static int pbkdf2(int md, const uint8_t *pwd, size_t pwd_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  uint8_t *out, size_t out_len)
{
    FUZZ_CHECK(md_size(md) != 0 && iterations >= 1 && out_len <= 32);
    (void)pwd, (void)pwd_len, (void)salt, (void)salt_len;
    memset(out, 0, out_len);
    return 0;
}

static int hmac(int md, const uint8_t *key, size_t key_len, const uint8_t *data,
                size_t len, uint8_t *out)
{
    (void)key, (void)key_len, (void)data, (void)len;
    memset(out, 0xa5, md_size(md));
    return 0;
}

static int cbc_key_len(int cipher, size_t *key_len, size_t *iv_len)
{
    static const size_t keys[] = {0, 16, 24, 32, 24, 16, 5, 16};

    if (cipher < 1 || cipher > 7)
        return -8;
    *key_len = keys[cipher];
    *iv_len = cipher <= 3 ? 16 : 8;
    return 0;
}

static int cbc_decrypt(int cipher, const uint8_t *key, size_t key_len,
                       const uint8_t *iv, size_t iv_len, const uint8_t *in,
                       size_t in_len, uint8_t *out, size_t *out_len)
{
    size_t k, i;

    FUZZ_CHECK(cbc_key_len(cipher, &k, &i) == 0 && k == key_len &&
               i == iv_len && in_len > 0);
    (void)key, (void)iv;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return 0;
}

static const struct p12_crypto fake = {md_size, kdf,         pbkdf2,
                                       hmac,    cbc_key_len, cbc_decrypt};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct p12_result r;
    char err[256];
    int rc, leaf;
    size_t i, pem_len;
    uint8_t *pem;

    rc = p12_parse(data, size, "petls-test", &fake, &r, err, sizeof(err));
    FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
    FUZZ_CHECK(rc <= 0 && rc >= P12_ERR_MEMORY);
    FUZZ_CHECK(rc != 0 || err[0] == '\0');
    FUZZ_CHECK(rc == 0 || err[0] != '\0');
    FUZZ_CHECK(strstr(err, "petls-test") == NULL); /* never the password */
    if (rc == 0) {
        FUZZ_CHECK(r.key != NULL && r.key_len > 0 && r.n_certs > 0);
        FUZZ_CHECK(r.n_certs <= P12_MAX_CERTS);
        for (i = 0; i < r.n_certs; i++)
            FUZZ_CHECK(r.certs[i].der.p != NULL && r.certs[i].der.n > 0);
        leaf = p12_leaf(&r);
        FUZZ_CHECK(leaf >= -1 && leaf < (int)r.n_certs);
        pem = p12_certs_pem(&r, leaf, &pem_len);
        FUZZ_CHECK(pem != NULL && strlen((const char *)pem) == pem_len);
        FUZZ_CHECK(memcmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
        petls_port_free(pem);
    }
    p12_result_free(&r);
    return 0;
}
