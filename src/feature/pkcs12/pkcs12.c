/*
 * Node's pfx / passphrase: petls_config_set_pfx_file() and
 * petls_config_set_pfx_mem() read a PKCS#12 file (pkcs12_parse.c, pure)
 * with the backend's primitives and add its certificate chain and private
 * key as one more keypair, as petls_config_add_keypair_mem() does.
 */
#include <stdio.h>
#include <string.h>

#include "feature/pkcs12/pkcs12_parse.h"
#include "petls_internal.h"
#include "petls_port.h"
#include "util.h"

/* pkcs12_parse.c repeats these values to stay free of backend.h. */
_Static_assert(PB_ERR == -1 && PB_ERR_UNSUPPORTED == -8, "PB_* codes");
_Static_assert(PB_MD_SHA1 == 1 && PB_MD_SHA224 == 2 && PB_MD_SHA256 == 3 &&
                   PB_MD_SHA384 == 4 && PB_MD_SHA512 == 5,
               "PB_MD_* values");
_Static_assert(PB_CBC_AES_128 == 1 && PB_CBC_AES_192 == 2 &&
                   PB_CBC_AES_256 == 3 && PB_CBC_DES_EDE3 == 4 &&
                   PB_CBC_DES_EDE == 5 && PB_CBC_RC2_40 == 6 &&
                   PB_CBC_RC2_128 == 7,
               "PB_CBC_* values");

static const struct p12_crypto backend_crypto = {
    pb_md_size, pb_pkcs12_kdf,  pb_pbkdf2,
    pb_hmac,    pb_cbc_key_len, pb_cbc_decrypt,
};

/* Adds the keypair: the leaf is the certificate whose localKeyId is the
 * key's; without one, the first certificate the key matches. */
static int pfx_add(struct petls_config *c, const char *name, const uint8_t *buf,
                   size_t len, const char *password)
{
    struct p12_result r;
    char err[512], perr[256];
    uint8_t *pem;
    size_t pem_len = 0, i;
    size_t n_certs;
    int leaf, rc, code;

    if (password == NULL)
        password = c->passphrase;
    rc = p12_parse(buf, len, password, &backend_crypto, &r, perr, sizeof(perr));
    if (rc != 0) {
        code = rc == P12_ERR_MEMORY ? PETLS_ERROR_OUT_OF_MEMORY
                                    : PETLS_ERROR_INVALID_ARGUMENT;
        petls_config_set_error_code(c, code, "%s: %s", name, perr);
        p12_result_free(&r);
        return -1;
    }
    leaf = p12_leaf(&r);
    rc = -1;
    err[0] = '\0';
    /* With a localKeyId match, one try; else each certificate in turn. */
    for (i = 0; i < r.n_certs && rc != 0; i++) {
        int try_leaf = leaf >= 0 ? leaf : (int)i;

        pem = p12_certs_pem(&r, try_leaf, &pem_len);
        if (pem == NULL) {
            p12_result_free(&r);
            petls_config_set_error(c, "out of memory");
            return -1;
        }
        err[0] = '\0';
        rc = pb_config_add_keypair(c->pb, pem, pem_len, r.key, r.key_len, NULL,
                                   err, sizeof(err));
        petls_port_free(pem);
        if (leaf >= 0)
            break;
    }
    n_certs = r.n_certs;
    p12_result_free(&r);
    if (rc != 0) {
        if (leaf < 0 && n_certs > 1)
            petls_config_set_error(
                c,
                "%s: no certificate in the file matches its private key "
                "(%s)",
                name, err[0] ? err : "cannot load keypair");
        else
            petls_config_set_error(c, "%s: %s", name,
                                   err[0] ? err : "cannot load keypair");
        return -1;
    }
    c->n_keypairs++;
    return 0;
}

int petls_config_set_pfx_file(struct petls_config *c, const char *path,
                              const char *password)
{
    char err[512], name[512];
    uint8_t *buf;
    size_t len;
    int rc;

    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (path == NULL) {
        petls_config_set_error(c, "pfx file: no file name given");
        return -1;
    }
    err[0] = '\0';
    if (petls_port_read_file(path, &buf, &len, err, sizeof(err)) != 0) {
        petls_config_set_error(c, "pfx file %s: %s", path, err);
        return -1;
    }
    snprintf(name, sizeof(name), "pfx file %s", path);
    rc = pfx_add(c, name, buf, len, password);
    petls_free_secret(buf, len);
    return rc;
}

int petls_config_set_pfx_mem(struct petls_config *c, const uint8_t *pfx,
                             size_t len, const char *password)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (pfx == NULL || len == 0) {
        petls_config_set_error(c, "pfx: empty buffer");
        return -1;
    }
    return pfx_add(c, "pfx", pfx, len, password);
}
