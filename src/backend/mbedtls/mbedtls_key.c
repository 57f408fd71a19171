/*
 * Private keys on mbedTLS, one owner for parsing them: the passphrase
 * re-probe shared by the config's keypairs (mbedtls_config.c) and
 * pb_key_decrypt_to_pem().
 */
#include <string.h>

#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

#if defined(MBEDTLS_PK_PARSE_C)
/* mbedtls_pk_parse_key, except that a wrong passphrase always reads as
 * one: mbedTLS reports PASSWORD_MISMATCH only when the decrypted padding is
 * wrong, and about 1 time in 256 a wrong key leaves valid padding and the
 * garbage fails as ASN.1 instead. A key that asks for a passphrase when
 * parsed without one is encrypted, so any other failure with the
 * passphrase is the passphrase's. */
int pb_mbedtls_parse_key(mbedtls_pk_context *pk, const unsigned char *in,
                         size_t in_len, const unsigned char *pwd,
                         size_t pwd_len)
{
    int ret =
        mbedtls_pk_parse_key(pk, in, in_len, pwd_len > 0 ? pwd : NULL, pwd_len,
                             pb_mbedtls_rng, pb_mbedtls_rng_ctx());

    if (ret != 0 && pwd_len > 0 && ret != MBEDTLS_ERR_PK_PASSWORD_MISMATCH &&
        ret != MBEDTLS_ERR_PK_ALLOC_FAILED) {
        mbedtls_pk_context probe;

        mbedtls_pk_init(&probe);
        if (mbedtls_pk_parse_key(&probe, in, in_len, NULL, 0, pb_mbedtls_rng,
                                 pb_mbedtls_rng_ctx()) ==
            MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
            ret = MBEDTLS_ERR_PK_PASSWORD_MISMATCH;
        }
        mbedtls_pk_free(&probe);
    }
    return ret;
}
#endif /* MBEDTLS_PK_PARSE_C */

/* ---- Private keys to PEM ---- */

#if defined(MBEDTLS_PK_PARSE_C)
int pb_key_decrypt_to_pem(const uint8_t *key, size_t key_len,
                          const char *passphrase, uint8_t **pem,
                          size_t *pem_len, char *err, size_t errlen)
{
    /* Large enough for an RSA-8192 key in PEM. */
    const size_t cap = 16384;
    mbedtls_pk_context pk;
    const uint8_t *in;
    size_t in_len, n;
    uint8_t *buf, *res;
    int owned, ret;
    const unsigned char *pwd = (const unsigned char *)passphrase;
    size_t pwd_len = passphrase != NULL ? strlen(passphrase) : 0;

    *pem = NULL;
    *pem_len = 0;
    if (pb_mbedtls_ensure_init(err, errlen) != 0) {
        return PB_ERR;
    }
    in = pb_mbedtls_pem_input(key, key_len, &in_len, &owned);
    if (in == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    mbedtls_pk_init(&pk);
    ret = pb_mbedtls_parse_key(&pk, in, in_len, pwd, pwd_len);
    pb_mbedtls_free_input(in, in_len, owned);
    if (ret != 0) {
        mbedtls_pk_free(&pk);
        if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
            pb_mbedtls_msg(err, errlen,
                           "private key is encrypted: a passphrase is "
                           "needed");
        } else if (ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
            pb_mbedtls_msg(err, errlen, "wrong passphrase for the private key");
        } else {
            pb_mbedtls_err(err, errlen, ret, "not a private key");
        }
        return PB_ERR;
    }
#if !defined(MBEDTLS_PEM_WRITE_C)
    mbedtls_pk_free(&pk);
    (void)cap;
    (void)buf;
    (void)res;
    (void)n;
    pb_mbedtls_msg(err, errlen,
                   "this mbed TLS build cannot write PEM (no "
                   "MBEDTLS_PEM_WRITE_C)");
    return PB_ERR;
#else
    buf = petls_port_calloc(1, cap);
    if (buf == NULL) {
        mbedtls_pk_free(&pk);
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    ret = mbedtls_pk_write_key_pem(&pk, buf, cap);
    mbedtls_pk_free(&pk);
    if (ret != 0) {
        mbedtls_platform_zeroize(buf, cap);
        petls_port_free(buf);
        pb_mbedtls_err(err, errlen, ret, "cannot write the key as PEM");
        return PB_ERR;
    }
    n = strlen((const char *)buf);
    res = petls_port_calloc(1, n + 1);
    if (res == NULL) {
        mbedtls_platform_zeroize(buf, cap);
        petls_port_free(buf);
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    memcpy(res, buf, n);
    mbedtls_platform_zeroize(buf, cap);
    petls_port_free(buf);
    *pem = res;
    *pem_len = n;
    return 0;
#endif
}

#else  /* !MBEDTLS_PK_PARSE_C */
int pb_key_decrypt_to_pem(const uint8_t *key, size_t key_len,
                          const char *passphrase, uint8_t **pem,
                          size_t *pem_len, char *err, size_t errlen)
{
    (void)key;
    (void)key_len;
    (void)passphrase;
    *pem = NULL;
    *pem_len = 0;
    pb_mbedtls_msg(err, errlen,
                   "this mbed TLS build cannot parse private keys (no "
                   "MBEDTLS_PK_PARSE_C)");
    return PB_ERR;
}
#endif /* MBEDTLS_PK_PARSE_C */