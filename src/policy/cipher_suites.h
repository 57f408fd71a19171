/* The cipher-suite table and cipher-list parsing (backend-neutral). */
#ifndef PETLS_CIPHER_SUITES_H
#define PETLS_CIPHER_SUITES_H

#include <stddef.h>
#include <stdint.h>

/* Key exchange / authentication of a suite, for filtering. */
enum petls_kx {
    PETLS_KX_TLS13, /* TLS 1.3: key exchange is not part of the suite */
    PETLS_KX_ECDHE_ECDSA,
    PETLS_KX_ECDHE_RSA,
    PETLS_KX_DHE_RSA,
    PETLS_KX_RSA,
    PETLS_KX_PSK,
    PETLS_KX_ECDHE_PSK,
    PETLS_KX_DHE_PSK,
    PETLS_KX_RSA_PSK,
};

/* Alias membership bits (libtls's aliases). CCM_8 suites, with their 64-bit
 * tag, start at "legacy"; PSK suites are in no alias, as they need a PSK:
 * name them explicitly. "secure"/"default" is TLS 1.3 + ECDHE/DHE AEAD. */
#define PETLS_CS_SECURE 0x01u
#define PETLS_CS_COMPAT 0x02u /* "compat": secure + ECDHE CBC */
#define PETLS_CS_LEGACY                                                        \
    0x04u /* "legacy": compat + DHE CBC + RSA key exchange */
#define PETLS_CS_INSECURE 0x08u /* "insecure"/"all": every non-PSK suite */

struct petls_cipher_info {
    uint16_t id;          /* IANA code point */
    const char *iana;     /* "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" */
    const char *openssl;  /* "ECDHE-ECDSA-AES128-GCM-SHA256" */
    uint16_t min_version; /* 0x0303 (TLS 1.2 suites) or 0x0304 (TLS 1.3) */
    enum petls_kx kx;
    int strength_bits; /* symmetric key bits: 128, 256 */
    int aead;          /* 1 for GCM/CCM/ChaCha20-Poly1305 */
    unsigned aliases;  /* PETLS_CS_* bits */
};

/* Looks a suite up by code point; NULL when not in the table. */
const struct petls_cipher_info *petls_cipher_by_id(uint16_t id);
/* Looks a suite up by OpenSSL or IANA name (case-insensitive). */
const struct petls_cipher_info *petls_cipher_by_name(const char *name);

/* Parses a cipher list: names and aliases separated by ':' or ',' (spaces
 * allowed). Writes up to max code points to out in the order given, without
 * duplicates, and returns their count; returns -1 with err naming the bad
 * token ("unknown cipher 'FOO'") or when nothing remains ("empty cipher list"
 * for a blank string, "no ciphers selected by '...'" when "!" removed all).
 * "!NAME" / "!alias" removes those suites for good, as in OpenSSL. More than
 * max distinct suites is an error ("too many ciphers in '...'"): pass
 * petls_cipher_table_size() as max to never hit it. */
int petls_cipher_list_parse(const char *str, uint16_t *out, size_t max,
                            char *err, size_t errlen);

/* Number of entries in the table (an upper bound for parse output). */
size_t petls_cipher_table_size(void);
/* The table's entry i (i < petls_cipher_table_size()), in table order. */
const struct petls_cipher_info *petls_cipher_at(size_t i);

#endif
