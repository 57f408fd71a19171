/*
 * The primitives behind the engine's PKCS#12 reader (src/feature/pkcs12/):
 * the PKCS#12 key derivation (RFC 7292 appendix B), PBKDF2, HMAC and CBC
 * decryption with PKCS#7 padding. The container itself (the DER walk, the
 * bags, which algorithm a blob names) is parsed by the engine's pure
 * pkcs12_parse.c; this file only computes. It calls mbedTLS alone (the
 * bottom of the backend's call tree, beside mbedtls_init.c).
 */
#include <string.h>

#include <mbedtls/cipher.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs12.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>

#include "backend/backend.h"

static mbedtls_md_type_t md_type(int md)
{
    switch (md) {
    case PB_MD_SHA1:
        return MBEDTLS_MD_SHA1;
    case PB_MD_SHA224:
        return MBEDTLS_MD_SHA224;
    case PB_MD_SHA256:
        return MBEDTLS_MD_SHA256;
    case PB_MD_SHA384:
        return MBEDTLS_MD_SHA384;
    case PB_MD_SHA512:
        return MBEDTLS_MD_SHA512;
    default:
        return MBEDTLS_MD_NONE;
    }
}

size_t pb_md_size(int md)
{
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md_type(md));

    return info == NULL ? 0 : mbedtls_md_get_size(info);
}

int pb_pkcs12_kdf(int md, const uint8_t *bmp_pwd, size_t pwd_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  int id, uint8_t *out, size_t out_len)
{
#if defined(MBEDTLS_PKCS12_C)
    if (pb_md_size(md) == 0 || iterations == 0 || iterations > INT32_MAX)
        return PB_ERR_UNSUPPORTED;
    return mbedtls_pkcs12_derivation(out, out_len, bmp_pwd, pwd_len, salt,
                                     salt_len, md_type(md), id,
                                     (int)iterations) == 0
               ? 0
               : PB_ERR;
#else
    (void)md, (void)bmp_pwd, (void)pwd_len, (void)salt, (void)salt_len;
    (void)iterations, (void)id, (void)out, (void)out_len;
    return PB_ERR_UNSUPPORTED;
#endif
}

int pb_pbkdf2(int md, const uint8_t *pwd, size_t pwd_len, const uint8_t *salt,
              size_t salt_len, uint32_t iterations, uint8_t *out,
              size_t out_len)
{
#if defined(MBEDTLS_PKCS5_C)
    if (pb_md_size(md) == 0 || iterations == 0 || out_len > UINT32_MAX)
        return PB_ERR_UNSUPPORTED;
    return mbedtls_pkcs5_pbkdf2_hmac_ext(md_type(md), pwd, pwd_len, salt,
                                         salt_len, iterations,
                                         (uint32_t)out_len, out) == 0
               ? 0
               : PB_ERR;
#else
    (void)md, (void)pwd, (void)pwd_len, (void)salt, (void)salt_len;
    (void)iterations, (void)out, (void)out_len;
    return PB_ERR_UNSUPPORTED;
#endif
}

int pb_hmac(int md, const uint8_t *key, size_t key_len, const uint8_t *data,
            size_t len, uint8_t *out)
{
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md_type(md));

    if (info == NULL)
        return PB_ERR_UNSUPPORTED;
    return mbedtls_md_hmac(info, key, key_len, data, len, out) == 0 ? 0
                                                                    : PB_ERR;
}

static mbedtls_cipher_type_t cipher_type(int cipher)
{
    switch (cipher) {
    case PB_CBC_AES_128:
        return MBEDTLS_CIPHER_AES_128_CBC;
    case PB_CBC_AES_192:
        return MBEDTLS_CIPHER_AES_192_CBC;
    case PB_CBC_AES_256:
        return MBEDTLS_CIPHER_AES_256_CBC;
    case PB_CBC_DES_EDE3:
        return MBEDTLS_CIPHER_DES_EDE3_CBC;
    case PB_CBC_DES_EDE:
        return MBEDTLS_CIPHER_DES_EDE_CBC;
    default:
        return MBEDTLS_CIPHER_NONE;
    }
}

int pb_cbc_key_len(int cipher, size_t *key_len, size_t *iv_len)
{
    const mbedtls_cipher_info_t *info =
        mbedtls_cipher_info_from_type(cipher_type(cipher));

    if (info == NULL)
        return PB_ERR_UNSUPPORTED;
    *key_len = mbedtls_cipher_info_get_key_bitlen(info) / 8;
    *iv_len = mbedtls_cipher_info_get_iv_size(info);
    return 0;
}

int pb_cbc_decrypt(int cipher, const uint8_t *key, size_t key_len,
                   const uint8_t *iv, size_t iv_len, const uint8_t *in,
                   size_t in_len, uint8_t *out, size_t *out_len)
{
#if defined(MBEDTLS_CIPHER_MODE_CBC) && defined(MBEDTLS_CIPHER_PADDING_PKCS7)
    const mbedtls_cipher_info_t *info =
        mbedtls_cipher_info_from_type(cipher_type(cipher));
    mbedtls_cipher_context_t ctx;
    size_t n = 0, fin = 0;
    int rc = PB_ERR;

    *out_len = 0;
    if (info == NULL)
        return PB_ERR_UNSUPPORTED;
    if (key_len * 8 != mbedtls_cipher_info_get_key_bitlen(info) ||
        iv_len != mbedtls_cipher_info_get_iv_size(info) || in_len == 0 ||
        in_len % mbedtls_cipher_info_get_block_size(info) != 0)
        return PB_ERR;
    mbedtls_cipher_init(&ctx);
    if (mbedtls_cipher_setup(&ctx, info) == 0 &&
        mbedtls_cipher_setkey(&ctx, key, (int)(key_len * 8), MBEDTLS_DECRYPT) ==
            0 &&
        mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_PKCS7) == 0 &&
        mbedtls_cipher_set_iv(&ctx, iv, iv_len) == 0 &&
        mbedtls_cipher_reset(&ctx) == 0 &&
        mbedtls_cipher_update(&ctx, in, in_len, out, &n) == 0 &&
        mbedtls_cipher_finish(&ctx, out + n, &fin) == 0) {
        *out_len = n + fin;
        rc = 0;
    } else {
        mbedtls_platform_zeroize(out, in_len);
    }
    mbedtls_cipher_free(&ctx);
    return rc;
#else
    (void)cipher, (void)key, (void)key_len, (void)iv, (void)iv_len, (void)in;
    (void)in_len, (void)out;
    *out_len = 0;
    return PB_ERR_UNSUPPORTED;
#endif
}
