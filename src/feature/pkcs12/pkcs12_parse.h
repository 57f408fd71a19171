/*
 * A pure PKCS#12 (RFC 7292) reader: the DER walk from the PFX through the
 * authenticated safe, its data and encryptedData parts, their SafeContents
 * and SafeBags (certBag x509Certificate, keyBag, pkcs8ShroudedKeyBag), the
 * MAC check and the password-based decryption (PBES2 with PBKDF2 and AES or
 * triple-DES CBC; the PKCS#12 PBE triple-DES modes). The cryptography comes
 * through struct p12_crypto (the backend's pb_pkcs12_kdf, pb_pbkdf2,
 * pb_hmac and pb_cbc_decrypt in the library; stand-ins in the fuzz target,
 * so that it reaches every bag), memory through the port. No I/O, no
 * global state.
 */
#ifndef PETLS_PKCS12_PARSE_H
#define PETLS_PKCS12_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Same signatures and codes as backend.h's (0, PB_ERR -1,
 * PB_ERR_UNSUPPORTED -8). */
struct p12_crypto {
    size_t (*md_size)(int md);
    int (*kdf)(int md, const uint8_t *bmp_pwd, size_t pwd_len,
               const uint8_t *salt, size_t salt_len, uint32_t iterations,
               int id, uint8_t *out, size_t out_len);
    int (*pbkdf2)(int md, const uint8_t *pwd, size_t pwd_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  uint8_t *out, size_t out_len);
    int (*hmac)(int md, const uint8_t *key, size_t key_len, const uint8_t *data,
                size_t len, uint8_t *out);
    int (*cbc_key_len)(int cipher, size_t *key_len, size_t *iv_len);
    int (*cbc_decrypt)(int cipher, const uint8_t *key, size_t key_len,
                       const uint8_t *iv, size_t iv_len, const uint8_t *in,
                       size_t in_len, uint8_t *out, size_t *out_len);
};

#define P12_MAX_CERTS 16 /* certificates kept from one file */
#define P12_MAX_PARTS 8  /* encrypted parts decrypted from one file */
#define P12_MAX_ITERATIONS 10000000u

/* What went wrong (beside the message). */
#define P12_ERR_FORMAT (-1)      /* truncated, garbage, not PKCS#12 */
#define P12_ERR_PASSWORD (-2)    /* MAC mismatch / decryption failed */
#define P12_ERR_UNSUPPORTED (-3) /* an algorithm or mode petls lacks */
#define P12_ERR_NO_KEY (-4)
#define P12_ERR_NO_CERT (-5)
#define P12_ERR_MEMORY (-6)

struct p12_blob {
    const uint8_t *p;
    size_t n;
};

struct p12_cert {
    struct p12_blob der;    /* one DER certificate */
    struct p12_blob key_id; /* its localKeyId attribute, or empty */
};

struct p12_result {
    uint8_t *key; /* the first private key: PKCS#8 PrivateKeyInfo DER */
    size_t key_len;
    size_t key_cap;         /* its buffer's size (wiped whole) */
    struct p12_blob key_id; /* the key bag's localKeyId, or empty */
    size_t n_keys;          /* private keys seen (only the first is kept) */
    struct p12_cert certs[P12_MAX_CERTS];
    size_t n_certs;
    int mac; /* 1: the file had a MAC and it verified */
    /* Decrypted parts that the certificates point into (wiped when
     * freed). */
    uint8_t *parts[P12_MAX_PARTS];
    size_t part_len[P12_MAX_PARTS];
    size_t n_parts;
};

/* Parses buf (one PFX, DER) with password (UTF-8; NULL or "" for none).
 * 0 with *out filled (a key and at least one certificate), or a P12_ERR_*
 * with a message in err (never quoting the password). *out must be freed
 * with p12_result_free() either way. Certificates point into buf or into
 * out's parts: buf must outlive out. */
int p12_parse(const uint8_t *buf, size_t len, const char *password,
              const struct p12_crypto *ops, struct p12_result *out, char *err,
              size_t errlen);
/* Index of the certificate whose localKeyId equals the key's, or -1. */
int p12_leaf(const struct p12_result *r);
/* Wipes and frees the key and the decrypted parts. */
void p12_result_free(struct p12_result *r);

/* The PEM text of DER certificates (leaf first, then the others in file
 * order), for the keypair loader: a buffer from petls_port_calloc, NUL
 * terminated, *pem_len without the NUL; NULL when out of memory. */
uint8_t *p12_certs_pem(const struct p12_result *r, int leaf, size_t *pem_len);

#endif
