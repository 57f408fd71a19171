/*
 * The primitives behind the engine's PKCS#12 reader (src/feature/pkcs12/):
 * the PKCS#12 key derivation (RFC 7292 appendix B), PBKDF2, HMAC and CBC
 * decryption with PKCS#7 padding (and RC2-CBC, which mbedTLS lacks,
 * written here from RFC 2268). The container itself (the DER walk, the
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

/* ---- RC2 (RFC 2268), decryption only ----
 * mbedTLS 3.6 has no RC2, and openssl pkcs12 -legacy (OpenSSL 1.1's
 * default, most Windows exports) encrypts the certificates with
 * pbeWithSHAAnd40BitRC2-CBC. Written from the RFC's description; checked
 * against its test vectors (tests/unit/test_backend_primitives.c) and on
 * -legacy files. It only ever decrypts certificates, which are public:
 * 40-bit RC2 protects nothing here and petls never encrypts with it. */

/* PITABLE, RFC 2268 section 2: a permutation of 0..255 from pi's digits. */
static const uint8_t rc2_pitable[256] = {
    0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79,
    0x4a, 0xa0, 0xd8, 0x9d, 0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e,
    0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2, 0x17, 0x9a, 0x59, 0xf5,
    0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32,
    0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22,
    0x5c, 0x6b, 0x4e, 0x82, 0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c,
    0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc, 0x12, 0x75, 0xca, 0x1f,
    0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
    0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b,
    0xbc, 0x94, 0x43, 0x03, 0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7,
    0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7, 0x08, 0xe8, 0xea, 0xde,
    0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a,
    0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e,
    0x04, 0x18, 0xa4, 0xec, 0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc,
    0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39, 0x99, 0x7c, 0x3a, 0x85,
    0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
    0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10,
    0x67, 0x6c, 0xba, 0xc9, 0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c,
    0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9, 0x0d, 0x38, 0x34, 0x1b,
    0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e,
    0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68,
    0xfe, 0x7f, 0xc1, 0xad,
};

struct rc2 {
    uint16_t k[64];
};

static void rc2_setkey(struct rc2 *c, const uint8_t *key, size_t t,
                       unsigned bits)
{
    uint8_t l[128];
    size_t i, t8 = (bits + 7) / 8;
    uint8_t tm = (uint8_t)(0xffu >> (8 * t8 - bits));

    memcpy(l, key, t);
    for (i = t; i < 128; i++)
        l[i] = rc2_pitable[(uint8_t)(l[i - 1] + l[i - t])];
    l[128 - t8] = rc2_pitable[l[128 - t8] & tm];
    for (i = 128 - t8; i-- > 0;)
        l[i] = rc2_pitable[l[i + 1] ^ l[i + t8]];
    for (i = 0; i < 64; i++)
        c->k[i] = (uint16_t)(l[2 * i] | (l[2 * i + 1] << 8));
    mbedtls_platform_zeroize(l, sizeof(l));
}

static uint16_t ror16(uint16_t x, unsigned s)
{
    return (uint16_t)((x >> s) | (x << (16 - s)));
}

static void rc2_decrypt_block(const struct rc2 *c, const uint8_t in[8],
                              uint8_t out[8])
{
    static const unsigned s[4] = {1, 2, 3, 5};
    uint16_t r[4];
    int j = 63, round, i;

    for (i = 0; i < 4; i++)
        r[i] = (uint16_t)(in[2 * i] | (in[2 * i + 1] << 8));
    /* The encryption's 16 mixing rounds and 2 mashings, undone in
     * reverse: 5 mixing, a mashing, 6 mixing, a mashing, 5 mixing. */
    for (round = 15; round >= 0; round--) {
        for (i = 3; i >= 0; i--) {
            r[i] = ror16(r[i], s[i]);
            r[i] =
                (uint16_t)(r[i] - c->k[j] - (r[(i + 3) & 3] & r[(i + 2) & 3]) -
                           ((uint16_t)~r[(i + 3) & 3] & r[(i + 1) & 3]));
            j--;
        }
        if (round == 11 || round == 5)
            for (i = 3; i >= 0; i--)
                r[i] = (uint16_t)(r[i] - c->k[r[(i + 3) & 3] & 63]);
    }
    for (i = 0; i < 4; i++) {
        out[2 * i] = (uint8_t)r[i];
        out[2 * i + 1] = (uint8_t)(r[i] >> 8);
    }
}

/* RC2-CBC with PKCS#7 padding; key_len bytes, effective bits = 8 *
 * key_len (what PKCS#12's RC2 modes use). */
static int rc2_cbc_decrypt(const uint8_t *key, size_t key_len,
                           const uint8_t iv[8], const uint8_t *in,
                           size_t in_len, uint8_t *out, size_t *out_len)
{
    struct rc2 c;
    uint8_t prev[8], blk[8];
    size_t off, i, pad;
    int bad = 0;

    if (key_len == 0 || key_len > 128 || in_len == 0 || in_len % 8 != 0)
        return PB_ERR;
    rc2_setkey(&c, key, key_len, (unsigned)(8 * key_len));
    memcpy(prev, iv, 8);
    for (off = 0; off < in_len; off += 8) {
        rc2_decrypt_block(&c, in + off, blk);
        for (i = 0; i < 8; i++)
            out[off + i] = (uint8_t)(blk[i] ^ prev[i]);
        memcpy(prev, in + off, 8);
    }
    mbedtls_platform_zeroize(&c, sizeof(c));
    mbedtls_platform_zeroize(blk, sizeof(blk));
    pad = out[in_len - 1];
    if (pad == 0 || pad > 8)
        bad = 1;
    for (i = 0; !bad && i < pad; i++)
        if (out[in_len - 1 - i] != pad)
            bad = 1;
    if (bad) {
        mbedtls_platform_zeroize(out, in_len);
        return PB_ERR;
    }
    *out_len = in_len - pad;
    return 0;
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
    const mbedtls_cipher_info_t *info;

    if (cipher == PB_CBC_RC2_40 || cipher == PB_CBC_RC2_128) {
        *key_len = cipher == PB_CBC_RC2_40 ? 5 : 16;
        *iv_len = 8;
        return 0;
    }
    info = mbedtls_cipher_info_from_type(cipher_type(cipher));
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
    *out_len = 0;
    /* RC2 is petls's own (mbedTLS has none), so it needs no mbedTLS CBC. */
    if (cipher == PB_CBC_RC2_40 || cipher == PB_CBC_RC2_128) {
        if (key_len != (cipher == PB_CBC_RC2_40 ? 5u : 16u) || iv_len != 8)
            return PB_ERR;
        return rc2_cbc_decrypt(key, key_len, iv, in, in_len, out, out_len);
    }
    {
#if defined(MBEDTLS_CIPHER_MODE_CBC) && defined(MBEDTLS_CIPHER_PADDING_PKCS7)
        const mbedtls_cipher_info_t *info;
        mbedtls_cipher_context_t ctx;
        size_t n = 0, fin = 0;
        int rc = PB_ERR;

        info = mbedtls_cipher_info_from_type(cipher_type(cipher));
        if (info == NULL)
            return PB_ERR_UNSUPPORTED;
        if (key_len * 8 != mbedtls_cipher_info_get_key_bitlen(info) ||
            iv_len != mbedtls_cipher_info_get_iv_size(info) || in_len == 0 ||
            in_len % mbedtls_cipher_info_get_block_size(info) != 0)
            return PB_ERR;
        mbedtls_cipher_init(&ctx);
        if (mbedtls_cipher_setup(&ctx, info) == 0 &&
            mbedtls_cipher_setkey(&ctx, key, (int)(key_len * 8),
                                  MBEDTLS_DECRYPT) == 0 &&
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
        (void)cipher, (void)key, (void)key_len, (void)iv, (void)iv_len,
            (void)in;
        (void)in_len, (void)out;
        return PB_ERR_UNSUPPORTED;
#endif
    }
}
