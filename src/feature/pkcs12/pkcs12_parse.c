/*
 * PKCS#12 reader (RFC 7292), pure: see pkcs12_parse.h. DER only (no BER
 * indefinite lengths, which OpenSSL, Node and most tools never write).
 *
 *   PFX ::= SEQUENCE { version 3, authSafe ContentInfo, macData OPTIONAL }
 *   authSafe: data -> OCTET STRING -> SEQUENCE OF ContentInfo, each
 *     data          -> OCTET STRING -> SafeContents
 *     encryptedData -> EncryptedContentInfo (algorithm, [0] ciphertext)
 *                      -> decrypted SafeContents
 *   SafeContents ::= SEQUENCE OF SafeBag { bagId, [0] bagValue, attrs }
 *   MacData ::= SEQUENCE { DigestInfo, macSalt, iterations DEFAULT 1 }
 */
#include "feature/pkcs12/pkcs12_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "petls_port.h"

#define P12_PB_ERR (-1)
#define P12_PB_UNSUPPORTED (-8)

/* backend.h's identifiers, repeated so that this file needs no backend
 * header (the values are checked in pkcs12.c). */
#define P12_MD_SHA1 1
#define P12_MD_SHA224 2
#define P12_MD_SHA256 3
#define P12_MD_SHA384 4
#define P12_MD_SHA512 5
#define P12_CBC_AES_128 1
#define P12_CBC_AES_192 2
#define P12_CBC_AES_256 3
#define P12_CBC_DES_EDE3 4
#define P12_CBC_DES_EDE 5
#define P12_CBC_RC2_40 6
#define P12_CBC_RC2_128 7

#define MAX_MD 64
#define MAX_KEY 32
#define MAX_IV 16

struct der {
    const uint8_t *p;
    size_t n;
};

struct p12 {
    const struct p12_crypto *ops;
    struct p12_result *out;
    char *err;
    size_t errlen;
    const uint8_t *pwd; /* UTF-8 password (PBES2) */
    size_t pwd_len;
    uint8_t *bmp; /* BMPString password + 00 00 (PKCS#12 KDF) */
    size_t bmp_len;
};

static int fail(struct p12 *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct p12 *s, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->err, s->errlen, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- DER ---- */

/* One TLV with this tag from the front of d: its value in *v. */
static int der_take(struct der *d, uint8_t tag, struct der *v)
{
    size_t len, hdr = 2, i, k;

    if (d->n < 2 || d->p[0] != tag)
        return -1;
    len = d->p[1];
    if (len & 0x80) {
        k = len & 0x7f;
        if (k == 0 || k > 4 || d->n < 2 + k)
            return -1; /* indefinite (BER) or absurd */
        len = 0;
        for (i = 0; i < k; i++)
            len = (len << 8) | d->p[2 + i];
        hdr += k;
    }
    if (len > d->n - hdr)
        return -1;
    v->p = d->p + hdr;
    v->n = len;
    d->p += hdr + len;
    d->n -= hdr + len;
    return 0;
}

/* Like der_take, but *tlv gets the whole element (tag and length too). */
static int der_take_tlv(struct der *d, uint8_t tag, struct der *tlv)
{
    const uint8_t *start = d->p;
    struct der v;

    if (der_take(d, tag, &v) != 0)
        return -1;
    tlv->p = start;
    tlv->n = (size_t)(d->p - start);
    return 0;
}

static int der_peek(const struct der *d, uint8_t tag)
{
    return d->n > 0 && d->p[0] == tag;
}

/* A non-negative INTEGER that fits 32 bits. */
static int der_uint(struct der *d, uint32_t *out)
{
    struct der v;
    uint64_t x = 0;
    size_t i;

    if (der_take(d, 0x02, &v) != 0 || v.n == 0 || (v.p[0] & 0x80))
        return -1;
    while (v.n > 1 && v.p[0] == 0) {
        v.p++;
        v.n--;
    }
    if (v.n > 4)
        return -1;
    for (i = 0; i < v.n; i++)
        x = (x << 8) | v.p[i];
    *out = (uint32_t)x;
    return 0;
}

static int oid_is(const struct der *oid, const char *val, size_t len)
{
    return oid->n == len && memcmp(oid->p, val, len) == 0;
}
#define OID_IS(o, lit) oid_is((o), (lit), sizeof(lit) - 1)

/* Dotted text of an OID, for "unsupported ..." messages. */
static void oid_text(const struct der *oid, char *buf, size_t len)
{
    size_t i, used;
    uint32_t v = 0;
    int first = 1;

    buf[0] = '\0';
    used = 0;
    for (i = 0; i < oid->n && used + 24 < len; i++) {
        if (v > (UINT32_MAX >> 7))
            break;
        v = (v << 7) | (oid->p[i] & 0x7fu);
        if (oid->p[i] & 0x80)
            continue;
        if (first) {
            uint32_t a = v < 80 ? v / 40 : 2;
            used += (size_t)snprintf(buf + used, len - used, "%u.%u",
                                     (unsigned)a, (unsigned)(v - a * 40));
            first = 0;
        } else {
            used +=
                (size_t)snprintf(buf + used, len - used, ".%u", (unsigned)v);
        }
        v = 0;
    }
    if (buf[0] == '\0')
        snprintf(buf, len, "(empty)");
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY } */
static int der_alg(struct der *d, struct der *oid, struct der *params)
{
    struct der seq;

    if (der_take(d, 0x30, &seq) != 0 || der_take(&seq, 0x06, oid) != 0)
        return -1;
    *params = seq;
    return 0;
}

/* ---- OIDs (the DER value bytes) ---- */

#define PKCS "\x2a\x86\x48\x86\xf7\x0d"
#define OID_DATA PKCS "\x01\x07\x01"
#define OID_SIGNED_DATA PKCS "\x01\x07\x02"
#define OID_ENVELOPED_DATA PKCS "\x01\x07\x03"
#define OID_ENCRYPTED_DATA PKCS "\x01\x07\x06"
#define OID_BAG_KEY PKCS "\x01\x0c\x0a\x01\x01"
#define OID_BAG_SHROUDED PKCS "\x01\x0c\x0a\x01\x02"
#define OID_BAG_CERT PKCS "\x01\x0c\x0a\x01\x03"
#define OID_X509_CERT PKCS "\x01\x09\x16\x01"
#define OID_LOCAL_KEY_ID PKCS "\x01\x09\x15"
#define OID_PBES2 PKCS "\x01\x05\x0d"
#define OID_PBKDF2 PKCS "\x01\x05\x0c"
#define OID_PBMAC1 PKCS "\x01\x05\x0e"
#define OID_PKCS5 PKCS "\x01\x05"
#define OID_PKCS12_PBE PKCS "\x01\x0c\x01"
#define OID_HMAC PKCS "\x02"
#define OID_DES_EDE3_CBC PKCS "\x03\x07"
#define OID_RC2_CBC PKCS "\x03\x02"
#define OID_NIST "\x60\x86\x48\x01\x65\x03\x04"
#define OID_AES OID_NIST "\x01"
#define OID_SHA2 OID_NIST "\x02"
#define OID_SHA1 "\x2b\x0e\x03\x02\x1a"
#define OID_DES_CBC "\x2b\x0e\x03\x02\x07"
#define OID_MD5 PKCS "\x02\x05"

/* The last byte of an OID under a given arc, or -1. */
static int oid_under(const struct der *oid, const char *arc, size_t arc_len)
{
    if (oid->n != arc_len + 1 || memcmp(oid->p, arc, arc_len) != 0)
        return -1;
    return oid->p[arc_len];
}
#define OID_UNDER(o, lit) oid_under((o), (lit), sizeof(lit) - 1)

static int unsupported_oid(struct p12 *s, const char *what,
                           const struct der *oid)
{
    char dotted[96], msg[160];

    oid_text(oid, dotted, sizeof(dotted));
    snprintf(msg, sizeof(msg), "%s %s", what, dotted);
    return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s", msg);
}

/* ---- Passwords ---- */

/* UTF-8 to a BMPString (UTF-16BE; code points above U+FFFF as surrogate
 * pairs, as OpenSSL does) plus the two-byte terminator. Bytes that are not
 * UTF-8 are taken one per character (OpenSSL's fallback). */
static int bmp_password(struct p12 *s)
{
    size_t i = 0, o = 0;
    const uint8_t *p = s->pwd;
    uint8_t *b;
    int utf8 = 1;

    b = petls_port_calloc(1, s->pwd_len * 4 + 2);
    if (b == NULL)
        return -1;
    while (i < s->pwd_len) {
        uint32_t cp;
        size_t extra, k;

        if (p[i] < 0x80) {
            cp = p[i];
            extra = 0;
        } else if ((p[i] & 0xe0) == 0xc0) {
            cp = p[i] & 0x1fu;
            extra = 1;
        } else if ((p[i] & 0xf0) == 0xe0) {
            cp = p[i] & 0x0fu;
            extra = 2;
        } else if ((p[i] & 0xf8) == 0xf0) {
            cp = p[i] & 0x07u;
            extra = 3;
        } else {
            utf8 = 0;
            break;
        }
        if (extra > s->pwd_len - i - 1) {
            utf8 = 0;
            break;
        }
        for (k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                utf8 = 0;
            cp = (cp << 6) | (p[i + k] & 0x3fu);
        }
        if (!utf8 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            break;
        if (cp > 0xffff) {
            uint32_t v = cp - 0x10000;
            uint32_t hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);

            b[o++] = (uint8_t)(hi >> 8);
            b[o++] = (uint8_t)hi;
            b[o++] = (uint8_t)(lo >> 8);
            b[o++] = (uint8_t)lo;
        } else {
            b[o++] = (uint8_t)(cp >> 8);
            b[o++] = (uint8_t)cp;
        }
        i += extra + 1;
    }
    if (!utf8 || i != s->pwd_len) {
        for (o = 0, i = 0; i < s->pwd_len; i++) {
            b[o++] = 0;
            b[o++] = p[i];
        }
    }
    b[o++] = 0;
    b[o++] = 0;
    s->bmp = b;
    s->bmp_len = o;
    return 0;
}

static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--)
        *v++ = 0;
}

static void free_secret(void *p, size_t n)
{
    if (p != NULL) {
        wipe(p, n);
        petls_port_free(p);
    }
}

/* ---- MAC ---- */

static int digest_md(const struct der *oid)
{
    int last;

    if (OID_IS(oid, OID_SHA1))
        return P12_MD_SHA1;
    last = OID_UNDER(oid, OID_SHA2);
    switch (last) {
    case 1:
        return P12_MD_SHA256;
    case 2:
        return P12_MD_SHA384;
    case 3:
        return P12_MD_SHA512;
    case 4:
        return P12_MD_SHA224;
    default:
        return 0;
    }
}

static int ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    size_t i;

    for (i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

/* Checks the MAC over the authenticated safe's content octets. On
 * success with an empty password it may switch s->bmp to the zero-length
 * form (no password at all), which then also decrypts (OpenSSL's
 * PKCS12_parse does the same). */
static int verify_mac(struct p12 *s, struct der mac_data,
                      const struct der *content)
{
    struct der digest_info, oid, params, digest, salt;
    uint32_t iterations = 1;
    uint8_t key[MAX_MD], mac[MAX_MD];
    size_t md_len;
    int md, rc, attempt;

    if (der_take(&mac_data, 0x30, &digest_info) != 0 ||
        der_alg(&digest_info, &oid, &params) != 0 ||
        der_take(&digest_info, 0x04, &digest) != 0 ||
        der_take(&mac_data, 0x04, &salt) != 0 ||
        (mac_data.n > 0 && der_uint(&mac_data, &iterations) != 0))
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad MacData");
    if (OID_IS(&oid, OID_PBMAC1))
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "PBMAC1 MAC (openssl pkcs12 -pbmac1_pbkdf2); re-export "
                    "with -macalg sha256");
    md = digest_md(&oid);
    if (md == 0)
        return unsupported_oid(s, OID_IS(&oid, OID_MD5) ? "MD5 MAC" : "MAC",
                               &oid);
    md_len = s->ops->md_size(md);
    if (md_len == 0 || md_len > MAX_MD)
        return unsupported_oid(s, "MAC digest (not in this build)", &oid);
    if (digest.n != md_len)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "MAC length does not match its digest");
    if (iterations == 0 || iterations > P12_MAX_ITERATIONS)
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "MAC iteration count above 10000000");
    for (attempt = 0; attempt < 2; attempt++) {
        /* attempt 1: an empty password as no password (zero length) */
        size_t plen = attempt == 0 ? s->bmp_len : 0;

        if (attempt == 1 && s->pwd_len != 0)
            break;
        rc = s->ops->kdf(md, s->bmp, plen, salt.p, salt.n, iterations, 3, key,
                         md_len);
        if (rc == 0)
            rc = s->ops->hmac(md, key, md_len, content->p, content->n, mac);
        wipe(key, sizeof(key));
        if (rc == P12_PB_UNSUPPORTED)
            return unsupported_oid(s, "MAC (not in this build)", &oid);
        if (rc != 0)
            return fail(s, P12_ERR_FORMAT, "%s", "MAC computation failed");
        if (ct_equal(mac, digest.p, md_len)) {
            s->bmp_len = plen;
            s->out->mac = 1;
            return 0;
        }
    }
    return fail(s, P12_ERR_PASSWORD, "%s",
                "wrong password (MAC verification failed)");
}

/* ---- Decryption ---- */

static int prf_md(const struct der *oid)
{
    switch (OID_UNDER(oid, OID_HMAC)) {
    case 7:
        return P12_MD_SHA1;
    case 8:
        return P12_MD_SHA224;
    case 9:
        return P12_MD_SHA256;
    case 10:
        return P12_MD_SHA384;
    case 11:
        return P12_MD_SHA512;
    default:
        return 0;
    }
}

/* Runs the CBC decryption into a fresh buffer (*plain). */
static int cbc(struct p12 *s, int cipher, const char *name, const uint8_t *key,
               size_t key_len, const uint8_t *iv, size_t iv_len,
               const struct der *ct, uint8_t **plain, size_t *plain_len)
{
    uint8_t *buf;
    int rc;

    if (ct->n == 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "empty ciphertext");
    buf = petls_port_calloc(1, ct->n);
    if (buf == NULL)
        return fail(s, P12_ERR_MEMORY, "%s", "out of memory");
    rc = s->ops->cbc_decrypt(cipher, key, key_len, iv, iv_len, ct->p, ct->n,
                             buf, plain_len);
    if (rc != 0) {
        free_secret(buf, ct->n);
        if (rc == P12_PB_UNSUPPORTED)
            return fail(s, P12_ERR_UNSUPPORTED,
                        "unsupported algorithm: %s (not in this build)", name);
        if (s->out->mac)
            return fail(s, P12_ERR_FORMAT,
                        "corrupt PKCS#12 file (%s decryption failed)", name);
        return fail(s, P12_ERR_PASSWORD,
                    "wrong password (%s decryption failed; the file has no "
                    "MAC)",
                    name);
    }
    *plain = buf;
    return 0;
}

static int pbes2(struct p12 *s, struct der params, const struct der *ct,
                 uint8_t **plain, size_t *plain_len)
{
    struct der seq, kdf_oid, kdf_params, enc_oid, enc_params, salt, iv, prf;
    struct der prf_oid, prf_params;
    uint32_t iterations, key_len_field = 0;
    uint8_t key[MAX_KEY];
    size_t key_len = 0, iv_len = 0;
    int md = P12_MD_SHA1, cipher, rc, aes;
    const char *name;

    if (der_take(&params, 0x30, &seq) != 0 ||
        der_alg(&seq, &kdf_oid, &kdf_params) != 0 ||
        der_alg(&seq, &enc_oid, &enc_params) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad PBES2 parameters");
    if (!OID_IS(&kdf_oid, OID_PBKDF2))
        return unsupported_oid(s, "PBES2 key derivation", &kdf_oid);
    if (der_take(&kdf_params, 0x30, &seq) != 0 ||
        der_take(&seq, 0x04, &salt) != 0 || der_uint(&seq, &iterations) != 0 ||
        (der_peek(&seq, 0x02) && der_uint(&seq, &key_len_field) != 0))
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad PBKDF2 parameters");
    if (der_peek(&seq, 0x30)) {
        prf = seq;
        if (der_alg(&prf, &prf_oid, &prf_params) != 0)
            return fail(s, P12_ERR_FORMAT,
                        "truncated or not a PKCS#12 file (%s)",
                        "bad PBKDF2 parameters");
        md = prf_md(&prf_oid);
        if (md == 0)
            return unsupported_oid(s, "PBKDF2 PRF", &prf_oid);
    }
    aes = OID_UNDER(&enc_oid, OID_AES);
    if (aes == 2) {
        cipher = P12_CBC_AES_128;
        name = "AES-128-CBC";
    } else if (aes == 22) {
        cipher = P12_CBC_AES_192;
        name = "AES-192-CBC";
    } else if (aes == 42) {
        cipher = P12_CBC_AES_256;
        name = "AES-256-CBC";
    } else if (OID_IS(&enc_oid, OID_DES_EDE3_CBC)) {
        cipher = P12_CBC_DES_EDE3;
        name = "DES-EDE3-CBC";
    } else if (OID_IS(&enc_oid, OID_DES_CBC)) {
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "DES-CBC (PBES2); re-export with -certpbe AES-256-CBC "
                    "-keypbe AES-256-CBC");
    } else if (OID_IS(&enc_oid, OID_RC2_CBC)) {
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "RC2-CBC (PBES2); re-export with -certpbe AES-256-CBC");
    } else {
        return unsupported_oid(s, "PBES2 cipher", &enc_oid);
    }
    if (s->ops->cbc_key_len(cipher, &key_len, &iv_len) != 0 ||
        key_len > MAX_KEY || iv_len > MAX_IV)
        return fail(s, P12_ERR_UNSUPPORTED,
                    "unsupported algorithm: %s (not in this build)", name);
    if (der_take(&enc_params, 0x04, &iv) != 0 || iv.n != iv_len)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad PBES2 IV");
    if (key_len_field != 0 && key_len_field != key_len)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "PBKDF2 key length does not match the cipher");
    if (iterations == 0 || iterations > P12_MAX_ITERATIONS)
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "PBKDF2 iteration count above 10000000");
    rc = s->ops->pbkdf2(md, s->pwd, s->pwd_len, salt.p, salt.n, iterations, key,
                        key_len);
    if (rc != 0) {
        wipe(key, sizeof(key));
        return fail(
            s, rc == P12_PB_UNSUPPORTED ? P12_ERR_UNSUPPORTED : P12_ERR_FORMAT,
            "%s", "PBKDF2 failed (digest not in this build?)");
    }
    rc = cbc(s, cipher, name, key, key_len, iv.p, iv.n, ct, plain, plain_len);
    wipe(key, sizeof(key));
    return rc;
}

/* pbeWithSHAAnd* (RFC 7292 appendix C): key and IV from the PKCS#12 KDF
 * with SHA-1. */
static int pkcs12_pbe(struct p12 *s, int which, struct der params,
                      const struct der *ct, uint8_t **plain, size_t *plain_len)
{
    struct der seq, salt;
    uint32_t iterations;
    uint8_t key[MAX_KEY], iv[8];
    size_t key_len;
    int cipher, rc;
    const char *name;

    switch (which) {
    case 1:
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "RC4-128 (pbeWithSHAAnd128BitRC4); re-export with "
                    "-certpbe AES-256-CBC -keypbe AES-256-CBC");
    case 2:
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "RC4-40 (pbeWithSHAAnd40BitRC4); re-export with "
                    "-certpbe AES-256-CBC -keypbe AES-256-CBC");
    case 3:
        cipher = P12_CBC_DES_EDE3;
        key_len = 24;
        name = "DES-EDE3-CBC (pbeWithSHAAnd3-KeyTripleDES-CBC)";
        break;
    case 4:
        cipher = P12_CBC_DES_EDE;
        key_len = 16;
        name = "DES-EDE-CBC (pbeWithSHAAnd2-KeyTripleDES-CBC)";
        break;
    case 5:
        cipher = P12_CBC_RC2_128;
        key_len = 16;
        name = "RC2-128-CBC (pbeWithSHAAnd128BitRC2-CBC)";
        break;
    case 6:
        cipher = P12_CBC_RC2_40;
        key_len = 5;
        name = "RC2-40-CBC (pbeWithSHAAnd40BitRC2-CBC)";
        break;
    default:
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "unknown PKCS#12 PBE mode");
    }
    if (der_take(&params, 0x30, &seq) != 0 ||
        der_take(&seq, 0x04, &salt) != 0 || der_uint(&seq, &iterations) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad PKCS#12 PBE parameters");
    if (iterations == 0 || iterations > P12_MAX_ITERATIONS)
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "PBE iteration count above 10000000");
    rc = s->ops->kdf(P12_MD_SHA1, s->bmp, s->bmp_len, salt.p, salt.n,
                     iterations, 1, key, key_len);
    if (rc == 0)
        rc = s->ops->kdf(P12_MD_SHA1, s->bmp, s->bmp_len, salt.p, salt.n,
                         iterations, 2, iv, sizeof(iv));
    if (rc != 0) {
        wipe(key, sizeof(key));
        return fail(
            s, rc == P12_PB_UNSUPPORTED ? P12_ERR_UNSUPPORTED : P12_ERR_FORMAT,
            "PKCS#12 key derivation failed for %s", name);
    }
    rc = cbc(s, cipher, name, key, key_len, iv, sizeof(iv), ct, plain,
             plain_len);
    wipe(key, sizeof(key));
    wipe(iv, sizeof(iv));
    return rc;
}

/* Decrypts ct under the AlgorithmIdentifier alg. */
static int decrypt(struct p12 *s, struct der alg, const struct der *ct,
                   uint8_t **plain, size_t *plain_len)
{
    struct der oid, params;
    int which;

    if (der_alg(&alg, &oid, &params) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad encryption algorithm");
    if (OID_IS(&oid, OID_PBES2))
        return pbes2(s, params, ct, plain, plain_len);
    which = OID_UNDER(&oid, OID_PKCS12_PBE);
    if (which >= 0)
        return pkcs12_pbe(s, which, params, ct, plain, plain_len);
    if (OID_UNDER(&oid, OID_PKCS5) >= 0)
        return unsupported_oid(s, "PBES1 scheme", &oid);
    return unsupported_oid(s, "encryption", &oid);
}

/* ---- Bags ---- */

static int bag_attrs(struct der attrs, struct der *key_id)
{
    struct der set, attr, oid, values, v;

    key_id->p = NULL;
    key_id->n = 0;
    if (der_take(&attrs, 0x31, &set) != 0)
        return -1;
    while (set.n > 0) {
        if (der_take(&set, 0x30, &attr) != 0 ||
            der_take(&attr, 0x06, &oid) != 0 ||
            der_take(&attr, 0x31, &values) != 0)
            return -1;
        if (OID_IS(&oid, OID_LOCAL_KEY_ID) && der_take(&values, 0x04, &v) == 0)
            *key_id = v;
    }
    return 0;
}

/* Keeps the first key: a copy of key, or owned (a decrypted buffer of
 * owned_cap bytes holding it), which is taken either way. */
static int keep_key(struct p12 *s, const uint8_t *key, size_t key_len,
                    uint8_t *owned, size_t owned_cap, const struct der *key_id)
{
    struct der chk = {key, key_len}, seq;
    uint8_t *copy = owned;

    /* PrivateKeyInfo is one SEQUENCE filling the buffer. */
    if (key == NULL || der_take(&chk, 0x30, &seq) != 0 || chk.n != 0) {
        free_secret(owned, owned_cap);
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "private key is not PKCS#8");
    }
    s->out->n_keys++;
    if (s->out->key != NULL) { /* only the first key is used */
        free_secret(owned, owned_cap);
        return 0;
    }
    if (copy == NULL) {
        copy = petls_port_calloc(1, key_len);
        if (copy == NULL)
            return fail(s, P12_ERR_MEMORY, "%s", "out of memory");
        memcpy(copy, key, key_len);
        owned_cap = key_len;
    }
    s->out->key = copy;
    s->out->key_len = key_len;
    s->out->key_cap = owned_cap;
    s->out->key_id.p = key_id->p;
    s->out->key_id.n = key_id->n;
    return 0;
}

static int cert_bag(struct p12 *s, struct der value, const struct der *key_id)
{
    struct der seq, oid, wrap, cert, chk, inner;
    struct p12_cert *c;

    if (der_take(&value, 0x30, &seq) != 0 || der_take(&seq, 0x06, &oid) != 0 ||
        der_take(&seq, 0xa0, &wrap) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad certificate bag");
    if (!OID_IS(&oid, OID_X509_CERT))
        return 0; /* SDSI certificates: not X.509, skipped */
    if (der_take(&wrap, 0x04, &cert) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad certificate bag");
    chk = cert;
    if (der_take(&chk, 0x30, &inner) != 0 || chk.n != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "certificate bag holds no DER certificate");
    if (s->out->n_certs == P12_MAX_CERTS)
        return fail(s, P12_ERR_FORMAT, "%s",
                    "more than 16 certificates in the PKCS#12 file");
    c = &s->out->certs[s->out->n_certs++];
    c->der.p = cert.p;
    c->der.n = cert.n;
    c->key_id.p = key_id->p;
    c->key_id.n = key_id->n;
    return 0;
}

static int safe_contents(struct p12 *s, struct der d)
{
    struct der seq, bag, oid, wrap, tlv, alg, ct, epki;
    struct der key_id = {NULL, 0};
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    int rc;

    if (der_take(&d, 0x30, &seq) != 0 || d.n != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad SafeContents");
    while (seq.n > 0) {
        if (der_take(&seq, 0x30, &bag) != 0 ||
            der_take(&bag, 0x06, &oid) != 0 ||
            der_take(&bag, 0xa0, &wrap) != 0 ||
            (bag.n > 0 && bag_attrs(bag, &key_id) != 0))
            return fail(s, P12_ERR_FORMAT,
                        "truncated or not a PKCS#12 file (%s)", "bad SafeBag");
        if (bag.n == 0) {
            key_id.p = NULL;
            key_id.n = 0;
        }
        if (OID_IS(&oid, OID_BAG_CERT)) {
            rc = cert_bag(s, wrap, &key_id);
        } else if (OID_IS(&oid, OID_BAG_KEY)) {
            if (der_take_tlv(&wrap, 0x30, &tlv) != 0)
                return fail(s, P12_ERR_FORMAT,
                            "truncated or not a PKCS#12 file (%s)",
                            "bad key bag");
            rc = keep_key(s, tlv.p, tlv.n, NULL, 0, &key_id);
        } else if (OID_IS(&oid, OID_BAG_SHROUDED)) {
            if (der_take(&wrap, 0x30, &epki) != 0 ||
                der_take_tlv(&epki, 0x30, &alg) != 0 ||
                der_take(&epki, 0x04, &ct) != 0)
                return fail(s, P12_ERR_FORMAT,
                            "truncated or not a PKCS#12 file (%s)",
                            "bad shrouded key bag");
            if (s->out->key != NULL) { /* only the first key is used */
                s->out->n_keys++;
                continue;
            }
            rc = decrypt(s, alg, &ct, &plain, &plain_len);
            if (rc == 0)
                rc = keep_key(s, plain, plain_len, plain, ct.n, &key_id);
        } else {
            rc = 0; /* CRL, secret and nested bags are not used */
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int content_info(struct p12 *s, struct der ci)
{
    struct der oid, wrap, data, seq, eci, ct_oid, alg, ct;
    uint32_t version;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    int rc;

    if (der_take(&ci, 0x06, &oid) != 0 || der_take(&ci, 0xa0, &wrap) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad ContentInfo");
    if (OID_IS(&oid, OID_DATA)) {
        if (der_take(&wrap, 0x04, &data) != 0)
            return fail(s, P12_ERR_FORMAT,
                        "truncated or not a PKCS#12 file (%s)",
                        "bad data ContentInfo");
        return safe_contents(s, data);
    }
    if (OID_IS(&oid, OID_ENVELOPED_DATA))
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "public-key privacy mode (envelopedData)");
    if (!OID_IS(&oid, OID_ENCRYPTED_DATA))
        return unsupported_oid(s, "content type", &oid);
    /* EncryptedData ::= SEQUENCE { version, EncryptedContentInfo {
     *   contentType, contentEncryptionAlgorithm, [0] IMPLICIT OCTETS } } */
    if (der_take(&wrap, 0x30, &seq) != 0 || der_uint(&seq, &version) != 0 ||
        der_take(&seq, 0x30, &eci) != 0 || der_take(&eci, 0x06, &ct_oid) != 0 ||
        der_take_tlv(&eci, 0x30, &alg) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad encryptedData");
    if (der_peek(&eci, 0xa0))
        return fail(s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "constructed (BER) encrypted content");
    if (der_take(&eci, 0x80, &ct) != 0)
        return fail(s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "encryptedData without content");
    if (s->out->n_parts == P12_MAX_PARTS)
        return fail(s, P12_ERR_FORMAT, "%s",
                    "more than 8 encrypted parts in the PKCS#12 file");
    rc = decrypt(s, alg, &ct, &plain, &plain_len);
    if (rc != 0)
        return rc;
    /* Kept: the certificates found in it point into it. */
    s->out->parts[s->out->n_parts] = plain;
    s->out->part_len[s->out->n_parts] = ct.n;
    s->out->n_parts++;
    data.p = plain;
    data.n = plain_len;
    return safe_contents(s, data);
}

int p12_parse(const uint8_t *buf, size_t len, const char *password,
              const struct p12_crypto *ops, struct p12_result *out, char *err,
              size_t errlen)
{
    struct p12 s;
    struct der d = {buf, len}, pfx, auth, oid, wrap, content, mac, ci;
    struct der safe = {NULL, 0};
    uint32_t version;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    s.ops = ops;
    s.out = out;
    s.err = err;
    s.errlen = errlen;
    err[0] = '\0';
    if (buf == NULL || len == 0)
        return fail(&s, P12_ERR_FORMAT, "%s", "empty PKCS#12 file");
    if (der_take(&d, 0x30, &pfx) != 0)
        return fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    len >= 5 && memcmp(buf, "-----", 5) == 0
                        ? "PEM text: a .p12/.pfx file is binary DER"
                        : "no PFX SEQUENCE");
    if (der_uint(&pfx, &version) != 0 || der_take(&pfx, 0x30, &auth) != 0)
        return fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad PFX header");
    if (version != 3)
        return fail(&s, P12_ERR_FORMAT, "%s",
                    "not a PKCS#12 v3 file (version is not 3)");
    if (der_take(&auth, 0x06, &oid) != 0)
        return fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad authSafe");
    if (OID_IS(&oid, OID_SIGNED_DATA))
        return fail(&s, P12_ERR_UNSUPPORTED, "unsupported algorithm: %s",
                    "public-key integrity mode (signedData)");
    if (!OID_IS(&oid, OID_DATA) || der_take(&auth, 0xa0, &wrap) != 0 ||
        der_take(&wrap, 0x04, &content) != 0)
        return fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                    "bad authSafe");
    s.pwd = (const uint8_t *)(password != NULL ? password : "");
    s.pwd_len = strlen((const char *)s.pwd);
    if (bmp_password(&s) != 0)
        return fail(&s, P12_ERR_MEMORY, "%s", "out of memory");
    rc = 0;
    if (pfx.n > 0) {
        if (der_take(&pfx, 0x30, &mac) != 0 || pfx.n != 0)
            rc = fail(&s, P12_ERR_FORMAT,
                      "truncated or not a PKCS#12 file (%s)", "bad MacData");
        else
            rc = verify_mac(&s, mac, &content);
    }
    if (rc == 0 && (der_take(&content, 0x30, &safe) != 0 || content.n != 0))
        rc = fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                  "bad AuthenticatedSafe");
    while (rc == 0 && safe.n > 0) {
        if (der_take(&safe, 0x30, &ci) != 0)
            rc =
                fail(&s, P12_ERR_FORMAT, "truncated or not a PKCS#12 file (%s)",
                     "bad AuthenticatedSafe");
        else
            rc = content_info(&s, ci);
    }
    if (rc == 0 && out->key == NULL)
        rc = fail(&s, P12_ERR_NO_KEY, "%s",
                  "no private key in the PKCS#12 file");
    if (rc == 0 && out->n_certs == 0)
        rc = fail(&s, P12_ERR_NO_CERT, "%s",
                  "no certificate in the PKCS#12 file");
    free_secret(s.bmp, s.pwd_len * 4 + 2);
    return rc;
}

int p12_leaf(const struct p12_result *r)
{
    size_t i;

    if (r->key_id.n == 0)
        return -1;
    for (i = 0; i < r->n_certs; i++)
        if (r->certs[i].key_id.n == r->key_id.n &&
            memcmp(r->certs[i].key_id.p, r->key_id.p, r->key_id.n) == 0)
            return (int)i;
    return -1;
}

void p12_result_free(struct p12_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    free_secret(r->key, r->key_cap);
    for (i = 0; i < r->n_parts; i++)
        free_secret(r->parts[i], r->part_len[i]);
    memset(r, 0, sizeof(*r));
}

/* ---- PEM ---- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t pem_one(uint8_t *o, const struct p12_blob *der)
{
    static const char head[] = "-----BEGIN CERTIFICATE-----\n";
    static const char tail[] = "-----END CERTIFICATE-----\n";
    size_t i, n = 0, col = 0;

    memcpy(o, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    for (i = 0; i < der->n; i += 3) {
        uint32_t v = (uint32_t)der->p[i] << 16;
        size_t left = der->n - i;

        if (left > 1)
            v |= (uint32_t)der->p[i + 1] << 8;
        if (left > 2)
            v |= der->p[i + 2];
        o[n++] = (uint8_t)b64[(v >> 18) & 63];
        o[n++] = (uint8_t)b64[(v >> 12) & 63];
        o[n++] = left > 1 ? (uint8_t)b64[(v >> 6) & 63] : '=';
        o[n++] = left > 2 ? (uint8_t)b64[v & 63] : '=';
        col += 4;
        if (col == 64) {
            o[n++] = '\n';
            col = 0;
        }
    }
    if (col != 0)
        o[n++] = '\n';
    memcpy(o + n, tail, sizeof(tail) - 1);
    return n + sizeof(tail) - 1;
}

uint8_t *p12_certs_pem(const struct p12_result *r, int leaf, size_t *pem_len)
{
    size_t i, total = 1, n;
    uint8_t *pem;

    for (i = 0; i < r->n_certs; i++) /* base64 + newlines + armour */
        total +=
            (r->certs[i].der.n + 2) / 3 * 4 + r->certs[i].der.n / 48 + 2 + 64;
    pem = petls_port_calloc(1, total);
    if (pem == NULL)
        return NULL;
    n = 0;
    if (leaf >= 0 && (size_t)leaf < r->n_certs)
        n += pem_one(pem + n, &r->certs[leaf].der);
    for (i = 0; i < r->n_certs; i++)
        if ((int)i != leaf)
            n += pem_one(pem + n, &r->certs[i].der);
    pem[n] = '\0';
    *pem_len = n;
    return pem;
}
