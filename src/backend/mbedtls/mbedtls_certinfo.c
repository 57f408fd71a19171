/*
 * The peer's certificates with the fields of Node's getPeerCertificate(true)
 * on mbedTLS: names per attribute, extended key usage, authorityInfoAccess,
 * the public key (RSA modulus and exponent, EC curve and point), SHA-1,
 * SHA-256 and SHA-512 fingerprints, and the chain up to the trust anchor.
 *
 * mbedTLS 3.6 parses neither authorityInfoAccess nor the key in the form
 * Node prints, so both are read from the certificate's DER (the extensions
 * and SubjectPublicKeyInfo mbedTLS keeps pointers to) with its ASN.1 reader.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

/* How far past the peer's chain the trust store is searched for issuers
 * (Node walks until a self-issued certificate; a store cannot loop forever
 * but a cross-signed pair could). */
#define ANCHOR_MAX 4

/* One cached depth and every allocation its fields point to. */
struct pb_certinfo_entry {
    struct pb_certinfo_entry *next;
    size_t depth;
    int missing; /* no certificate at this depth */
    struct pb_cert_details d;
    void **allocs;
    size_t n_allocs;
    size_t cap_allocs;
};

static void entry_free(struct pb_certinfo_entry *e)
{
    size_t i;

    for (i = 0; i < e->n_allocs; i++) {
        petls_port_free(e->allocs[i]);
    }
    petls_port_free(e->allocs);
    petls_port_free(e);
}

void pb_mbedtls_certinfo_free(struct pb_conn *c)
{
    struct pb_certinfo_entry *e = c->certinfo, *next;

    for (; e != NULL; e = next) {
        next = e->next;
        entry_free(e);
    }
    c->certinfo = NULL;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)

/* Records p as owned by e; on failure frees it. Returns p or NULL. */
static void *own(struct pb_certinfo_entry *e, void *p)
{
    if (p == NULL) {
        return NULL;
    }
    if (e->n_allocs == e->cap_allocs) {
        size_t cap = e->cap_allocs ? 2 * e->cap_allocs : 16;
        void **n = petls_port_calloc(cap, sizeof(*n));
        if (n == NULL) {
            petls_port_free(p);
            return NULL;
        }
        if (e->n_allocs > 0) {
            memcpy(n, e->allocs, e->n_allocs * sizeof(*n));
        }
        petls_port_free(e->allocs);
        e->allocs = n;
        e->cap_allocs = cap;
    }
    e->allocs[e->n_allocs++] = p;
    return p;
}

static void *ealloc(struct pb_certinfo_entry *e, size_t n)
{
    return own(e, petls_port_calloc(1, n != 0 ? n : 1));
}

static char *estr(struct pb_certinfo_entry *e, const void *s, size_t n)
{
    char *d = ealloc(e, n + 1);

    if (d != NULL && n > 0) {
        memcpy(d, s, n);
    }
    return d;
}

/* "AB:CD:..." of a digest, as Node prints fingerprints. */
static char *colon_hex(struct pb_certinfo_entry *e, const uint8_t *b, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *s = ealloc(e, 3 * n + 1);
    size_t i;

    if (s == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        s[3 * i] = hex[b[i] >> 4];
        s[3 * i + 1] = hex[b[i] & 15];
        s[3 * i + 2] = i + 1 < n ? ':' : '\0';
    }
    return s;
}

/* The digest of der with md in Node's form; NULL (and *fail unchanged)
 * when the build has no such hash. */
static char *fingerprint(struct pb_certinfo_entry *e, mbedtls_md_type_t md,
                         const mbedtls_x509_buf *der, int *fail)
{
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    unsigned char h[MBEDTLS_MD_MAX_SIZE];
    char *s;

    if (info == NULL || mbedtls_md(info, der->p, der->len, h) != 0) {
        return NULL;
    }
    s = colon_hex(e, h, mbedtls_md_get_size(info));
    if (s == NULL) {
        *fail = 1;
    }
    return s;
}

/* Upper-case hex of a big-endian unsigned integer without leading zeros
 * (OpenSSL's BN_bn2hex for serials: whole bytes; BN_print for moduli: no
 * leading zero digit). */
static char *int_hex(struct pb_certinfo_entry *e, const uint8_t *b, size_t n,
                     int whole_bytes)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, o = 0;
    char *s;

    while (n > 0 && b[0] == 0) {
        b++;
        n--;
    }
    s = ealloc(e, 2 * n + 2);
    if (s == NULL) {
        return NULL;
    }
    if (n == 0) {
        s[0] = '0';
        return s;
    }
    for (i = 0; i < n; i++) {
        if (i == 0 && !whole_bytes && (b[0] >> 4) == 0) {
            s[o++] = hex[b[0] & 15];
            continue;
        }
        s[o++] = hex[b[i] >> 4];
        s[o++] = hex[b[i] & 15];
    }
    return s;
}

/* ---- Names: one "KEY=value" per attribute ---- */

static int names(struct pb_certinfo_entry *e, const mbedtls_x509_name *dn,
                 const char *const **out, size_t *n_out)
{
    const mbedtls_x509_name *p;
    const char **v;
    size_t n = 0;

    for (p = dn; p != NULL; p = p->next) {
        n++;
    }
    v = ealloc(e, (n + 1) * sizeof(*v));
    if (v == NULL) {
        return -1;
    }
    *out = v;
    for (p = dn; p != NULL; p = p->next) {
        const char *sn = NULL;
        char key[64];
        size_t kl;
        char *s;

        if (p->oid.p == NULL) {
            continue;
        }
        if (mbedtls_oid_get_attr_short_name(&p->oid, &sn) == 0) {
            snprintf(key, sizeof(key), "%s", sn);
        } else if (mbedtls_oid_get_numeric_string(key, sizeof(key), &p->oid) <
                   0) {
            continue;
        }
        kl = strlen(key);
        s = ealloc(e, kl + 1 + p->val.len + 1);
        if (s == NULL) {
            return -1;
        }
        memcpy(s, key, kl);
        s[kl] = '=';
        memcpy(s + kl + 1, p->val.p, p->val.len);
        v[(*n_out)++] = s;
    }
    return 0;
}

/* ---- Extensions mbedTLS decodes: SANs, extended key usage ---- */

static int sans(struct pb_certinfo_entry *e, const mbedtls_x509_crt *crt,
                struct pb_cert_details *d)
{
    const mbedtls_x509_sequence *s;
    const char **v;
    size_t n = 0;

    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        n++;
    }
    v = ealloc(e, (n + 1) * sizeof(*v));
    if (v == NULL) {
        return -1;
    }
    d->sans = v;
    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        if (s->buf.p != NULL) {
            char *str = own(e, pb_mbedtls_format_san(&s->buf));
            if (str != NULL) {
                v[d->n_sans++] = str;
            }
        }
    }
    return 0;
}

static int eku(struct pb_certinfo_entry *e, const mbedtls_x509_crt *crt,
               struct pb_cert_details *d)
{
    const mbedtls_x509_sequence *s;
    const char **v;
    size_t n = 0;

    if (!mbedtls_x509_crt_has_ext_type(crt,
                                       MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE)) {
        return 0;
    }
    for (s = &crt->ext_key_usage; s != NULL; s = s->next) {
        n++;
    }
    v = ealloc(e, (n + 1) * sizeof(*v));
    if (v == NULL) {
        return -1;
    }
    d->ext_key_usage = v;
    for (s = &crt->ext_key_usage; s != NULL; s = s->next) {
        char oid[64];
        int l;
        if (s->buf.p == NULL) {
            continue;
        }
        l = mbedtls_oid_get_numeric_string(oid, sizeof(oid), &s->buf);
        if (l > 0) {
            v[d->n_ext_key_usage] = estr(e, oid, (size_t)l);
            if (v[d->n_ext_key_usage] == NULL) {
                return -1;
            }
            d->n_ext_key_usage++;
        }
    }
    return 0;
}

/* ---- authorityInfoAccess (RFC 5280 4.2.2.1), read from the DER ---- */

/* 1.3.6.1.5.5.7.1.1 */
static const uint8_t OID_AIA[] = {0x2b, 0x06, 0x01, 0x05,
                                  0x05, 0x07, 0x01, 0x01};
/* 1.3.6.1.5.5.7.48.1 and .2 */
static const uint8_t OID_OCSP[] = {0x2b, 0x06, 0x01, 0x05,
                                   0x05, 0x07, 0x30, 0x01};
static const uint8_t OID_CA_ISSUERS[] = {0x2b, 0x06, 0x01, 0x05,
                                         0x05, 0x07, 0x30, 0x02};

static int oid_is(const mbedtls_asn1_buf *oid, const uint8_t *v, size_t n)
{
    return oid->len == n && memcmp(oid->p, v, n) == 0;
}

/* The extnValue of the extension with this OID, or -1 when absent. */
static int find_ext(const mbedtls_x509_crt *crt, const uint8_t *oid,
                    size_t oid_len, unsigned char **val, size_t *val_len)
{
    unsigned char *p = crt->v3_ext.p, *end, *ext_end;
    size_t len;

    if (p == NULL || crt->v3_ext.len == 0) {
        return -1;
    }
    end = p + crt->v3_ext.len;
    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED |
                                 MBEDTLS_ASN1_SEQUENCE) != 0) {
        return -1;
    }
    end = p + len;
    while (p < end) {
        mbedtls_asn1_buf id;
        int critical = 0;

        if (mbedtls_asn1_get_tag(&p, end, &len,
                                 MBEDTLS_ASN1_CONSTRUCTED |
                                     MBEDTLS_ASN1_SEQUENCE) != 0) {
            return -1;
        }
        ext_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &id.len, MBEDTLS_ASN1_OID) != 0) {
            return -1;
        }
        id.p = p;
        p += id.len;
        (void)mbedtls_asn1_get_bool(&p, ext_end, &critical);
        if (mbedtls_asn1_get_tag(&p, ext_end, &len,
                                 MBEDTLS_ASN1_OCTET_STRING) != 0) {
            return -1;
        }
        if (id.len == oid_len && memcmp(id.p, oid, oid_len) == 0) {
            *val = p;
            *val_len = len;
            return 0;
        }
        p = ext_end;
    }
    return -1;
}

static int info_access(struct pb_certinfo_entry *e, const mbedtls_x509_crt *crt,
                       struct pb_cert_details *d)
{
    unsigned char *p, *end, *ad_end;
    size_t len;
    const char **v;

    if (find_ext(crt, OID_AIA, sizeof(OID_AIA), &p, &len) != 0) {
        return 0;
    }
    end = p + len;
    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED |
                                 MBEDTLS_ASN1_SEQUENCE) != 0) {
        return 0; /* mbedTLS accepted the certificate; Node shows nothing */
    }
    end = p + len;
    /* At most one entry per 4 bytes of DER (tag, length, OID, name). */
    v = ealloc(e, (len / 4 + 1) * sizeof(*v));
    if (v == NULL) {
        return -1;
    }
    d->info_access = v;
    while (p < end) {
        mbedtls_asn1_buf method;
        mbedtls_x509_buf loc;
        char name[64];
        const char *label = name;
        char *where, *s;
        size_t ll;

        if (mbedtls_asn1_get_tag(&p, end, &len,
                                 MBEDTLS_ASN1_CONSTRUCTED |
                                     MBEDTLS_ASN1_SEQUENCE) != 0) {
            break;
        }
        ad_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ad_end, &method.len, MBEDTLS_ASN1_OID) !=
            0) {
            break;
        }
        method.p = p;
        p += method.len;
        if (oid_is(&method, OID_OCSP, sizeof(OID_OCSP))) {
            label = "OCSP";
        } else if (oid_is(&method, OID_CA_ISSUERS, sizeof(OID_CA_ISSUERS))) {
            label = "CA Issuers";
        } else if (mbedtls_oid_get_numeric_string(name, sizeof(name), &method) <
                   0) {
            p = ad_end;
            continue;
        }
        if (p >= ad_end) {
            break;
        }
        loc.tag = *p++;
        if (mbedtls_asn1_get_len(&p, ad_end, &loc.len) != 0) {
            break;
        }
        loc.p = p;
        p = ad_end;
        where = pb_mbedtls_format_san(&loc);
        if (where == NULL) {
            continue; /* a kind of name Node does not print either */
        }
        ll = strlen(label);
        s = ealloc(e, ll + 3 + strlen(where) + 1);
        if (s == NULL) {
            petls_port_free(where);
            return -1;
        }
        memcpy(s, label, ll);
        memcpy(s + ll, " - ", 3);
        memcpy(s + ll + 3, where, strlen(where));
        petls_port_free(where);
        v[d->n_info_access++] = s;
    }
    return 0;
}

/* ---- The public key, from SubjectPublicKeyInfo ---- */

/* 1.2.840.113549.1.1.1 and 1.2.840.10045.2.1 */
static const uint8_t OID_RSA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x01};
static const uint8_t OID_EC[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

static const struct curve {
    uint8_t oid[10];
    size_t oid_len;
    const char *asn1; /* OpenSSL's short name, as Node's asn1Curve */
    const char *nist; /* Node's nistCurve */
    int bits;
} CURVES[] = {
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07},
     8,
     "prime256v1",
     "P-256",
     256},
    {{0x2b, 0x81, 0x04, 0x00, 0x22}, 5, "secp384r1", "P-384", 384},
    {{0x2b, 0x81, 0x04, 0x00, 0x23}, 5, "secp521r1", "P-521", 521},
    {{0x2b, 0x81, 0x04, 0x00, 0x21}, 5, "secp224r1", "P-224", 224},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01},
     8,
     "prime192v1",
     "P-192",
     192},
    {{0x2b, 0x81, 0x04, 0x00, 0x0a}, 5, "secp256k1", NULL, 256},
    {{0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07},
     9,
     "brainpoolP256r1",
     NULL,
     256},
    {{0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b},
     9,
     "brainpoolP384r1",
     NULL,
     384},
    {{0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d},
     9,
     "brainpoolP512r1",
     NULL,
     512},
};

static int rsa_key(struct pb_certinfo_entry *e, unsigned char *p,
                   const unsigned char *end, struct pb_cert_details *d)
{
    mbedtls_asn1_buf n, x;
    size_t len, i;
    unsigned long long ev = 0;
    char buf[24];
    int bits;

    /* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED |
                                 MBEDTLS_ASN1_SEQUENCE) != 0 ||
        mbedtls_asn1_get_tag(&p, end, &n.len, MBEDTLS_ASN1_INTEGER) != 0) {
        return 0;
    }
    n.p = p;
    p += n.len;
    if (mbedtls_asn1_get_tag(&p, end, &x.len, MBEDTLS_ASN1_INTEGER) != 0) {
        return 0;
    }
    x.p = p;
    while (n.len > 0 && n.p[0] == 0) {
        n.p++;
        n.len--;
    }
    while (x.len > 0 && x.p[0] == 0) {
        x.p++;
        x.len--;
    }
    if (n.len == 0 || x.len > sizeof(ev)) {
        return 0;
    }
    for (i = 0; i < x.len; i++) {
        ev = ev << 8 | x.p[i];
    }
    bits = (int)n.len * 8;
    for (i = 0x80; i > 0 && !(n.p[0] & i); i >>= 1) {
        bits--;
    }
    d->key_type = "RSA";
    d->bits = bits;
    d->modulus = int_hex(e, n.p, n.len, 0);
    snprintf(buf, sizeof(buf), "0x%llx", ev);
    d->exponent = estr(e, buf, strlen(buf));
    return d->modulus != NULL && d->exponent != NULL ? 0 : -1;
}

static int public_key(struct pb_certinfo_entry *e, const mbedtls_x509_crt *crt,
                      struct pb_cert_details *d)
{
    unsigned char *p = crt->pk_raw.p, *end, *alg_end;
    mbedtls_asn1_buf alg, param;
    mbedtls_asn1_bitstring key;
    size_t len, i;

    if (p == NULL) {
        return 0;
    }
    end = p + crt->pk_raw.len;
    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED |
                                 MBEDTLS_ASN1_SEQUENCE) != 0 ||
        mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED |
                                 MBEDTLS_ASN1_SEQUENCE) != 0) {
        return 0;
    }
    alg_end = p + len;
    if (mbedtls_asn1_get_tag(&p, alg_end, &alg.len, MBEDTLS_ASN1_OID) != 0) {
        return 0;
    }
    alg.p = p;
    p += alg.len;
    memset(&param, 0, sizeof(param));
    if (p < alg_end && *p == MBEDTLS_ASN1_OID) {
        p++;
        if (mbedtls_asn1_get_len(&p, alg_end, &param.len) != 0) {
            return 0;
        }
        param.p = p;
    }
    p = alg_end;
    if (mbedtls_asn1_get_bitstring(&p, end, &key) != 0 ||
        key.unused_bits != 0) {
        return 0;
    }
    if (oid_is(&alg, OID_RSA, sizeof(OID_RSA))) {
        /* Node: i2d_RSA_PUBKEY, the whole SubjectPublicKeyInfo */
        d->pubkey = crt->pk_raw.p;
        d->pubkey_len = crt->pk_raw.len;
        return rsa_key(e, key.p, key.p + key.len, d);
    }
    if (oid_is(&alg, OID_EC, sizeof(OID_EC))) {
        /* Node: the encoded point alone */
        d->key_type = "EC";
        d->pubkey = key.p;
        d->pubkey_len = key.len;
        for (i = 0; i < sizeof(CURVES) / sizeof(CURVES[0]); i++) {
            if (param.p != NULL &&
                oid_is(&param, CURVES[i].oid, CURVES[i].oid_len)) {
                d->asn1_curve = CURVES[i].asn1;
                d->nist_curve = CURVES[i].nist;
                d->bits = CURVES[i].bits;
            }
        }
    }
    return 0;
}

/* ---- One certificate ---- */

static int self_issued(const mbedtls_x509_crt *crt)
{
    return crt->subject_raw.len == crt->issuer_raw.len &&
           memcmp(crt->subject_raw.p, crt->issuer_raw.p,
                  crt->subject_raw.len) == 0;
}

static int describe(struct pb_certinfo_entry *e, const mbedtls_x509_crt *crt,
                    int anchor)
{
    struct pb_cert_details *d = &e->d;
    int fail = 0;

    d->der = crt->raw.p;
    d->der_len = crt->raw.len;
    d->trust_anchor = anchor;
    d->self_issued = self_issued(crt);
    d->ca = mbedtls_x509_crt_get_ca_istrue(crt) == 1;
    d->not_before = pb_mbedtls_unix_time(&crt->valid_from);
    d->not_after = pb_mbedtls_unix_time(&crt->valid_to);
    d->serial = int_hex(e, crt->serial.p, crt->serial.len, 1);
    d->fingerprint = fingerprint(e, MBEDTLS_MD_SHA1, &crt->raw, &fail);
    d->fingerprint256 = fingerprint(e, MBEDTLS_MD_SHA256, &crt->raw, &fail);
    d->fingerprint512 = fingerprint(e, MBEDTLS_MD_SHA512, &crt->raw, &fail);
    if (fail || d->serial == NULL ||
        names(e, &crt->subject, &d->subject, &d->n_subject) != 0 ||
        names(e, &crt->issuer, &d->issuer, &d->n_issuer) != 0 ||
        sans(e, crt, d) != 0 || eku(e, crt, d) != 0 ||
        info_access(e, crt, d) != 0 || public_key(e, crt, d) != 0) {
        return -1;
    }
    return 0;
}

/* The issuer of crt in the trust store this connection verified against
 * (the SNI host's, else the config's), by name as OpenSSL's lookup does. */
static const mbedtls_x509_crt *store_issuer(const struct pb_conn *c,
                                            const mbedtls_x509_crt *crt)
{
    const struct pb_config *cfg =
        c->vh.host != NULL && c->vh.host->n_ca > 0 ? c->vh.host : c->cfg;
    const mbedtls_x509_crt *ca;

    if (cfg == NULL || cfg->n_ca == 0) {
        return NULL;
    }
    for (ca = &cfg->ca; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (ca->subject_raw.len == crt->issuer_raw.len &&
            memcmp(ca->subject_raw.p, crt->issuer_raw.p, ca->subject_raw.len) ==
                0) {
            return ca;
        }
    }
    return NULL;
}

/* The certificate at depth: the peer's chain as sent, then issuers from
 * the store until a self-issued one. */
static const mbedtls_x509_crt *at_depth(const struct pb_conn *c, size_t depth,
                                        int *anchor)
{
    const mbedtls_x509_crt *crt = NULL, *prev = NULL;
    const struct pb_kept_verify *k = pb_mbedtls_kept_verify(c);
    size_t i = 0, extra = 0;

#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    crt = mbedtls_ssl_get_peer_cert(&c->ssl);
#endif
    if ((crt == NULL || crt->raw.p == NULL) && k != NULL) {
        crt = k->crt; /* resumed: the leaf the session kept */
    }
    *anchor = 0;
    for (; crt != NULL && crt->raw.p != NULL; crt = crt->next, i++) {
        if (i == depth) {
            return crt;
        }
        prev = crt;
    }
    while (prev != NULL && !self_issued(prev) && extra < ANCHOR_MAX) {
        prev = store_issuer(c, prev);
        extra++;
        if (prev != NULL && i++ == depth) {
            *anchor = 1;
            return prev;
        }
    }
    return NULL;
}

int pb_conn_peer_cert_details(struct pb_conn *c, size_t depth,
                              struct pb_cert_details *out, int *oom)
{
    struct pb_certinfo_entry *e;
    const mbedtls_x509_crt *crt;
    int anchor;

    *oom = 0;
    memset(out, 0, sizeof(*out));
    for (e = c->certinfo; e != NULL; e = e->next) {
        if (e->depth == depth) {
            if (e->missing) {
                return -1;
            }
            *out = e->d;
            return 0;
        }
    }
    e = petls_port_calloc(1, sizeof(*e));
    if (e == NULL) {
        *oom = 1;
        return -1;
    }
    e->depth = depth;
    crt = at_depth(c, depth, &anchor);
    if (crt == NULL) {
        e->missing = 1;
    } else if (describe(e, crt, anchor) != 0) {
        entry_free(e);
        *oom = 1;
        return -1;
    }
    e->next = c->certinfo;
    c->certinfo = e;
    if (e->missing) {
        return -1;
    }
    *out = e->d;
    return 0;
}

/* A standalone certificate decoded as a peer's is (the fuzz target). */
struct decoded {
    mbedtls_x509_crt crt;
    struct pb_certinfo_entry *e;
};

int pb_mbedtls_certinfo_decode(const uint8_t *der, size_t len,
                               struct pb_cert_details *out, void **keep)
{
    struct decoded *k = petls_port_calloc(1, sizeof(*k));

    memset(out, 0, sizeof(*out));
    *keep = NULL;
    if (k == NULL) {
        return -1;
    }
    mbedtls_x509_crt_init(&k->crt);
    k->e = petls_port_calloc(1, sizeof(*k->e));
    if (k->e == NULL || mbedtls_x509_crt_parse_der(&k->crt, der, len) != 0 ||
        describe(k->e, &k->crt, 0) != 0) {
        pb_mbedtls_certinfo_release(k);
        return -1;
    }
    *out = k->e->d;
    *keep = k;
    return 0;
}

void pb_mbedtls_certinfo_release(void *keep)
{
    struct decoded *k = keep;

    if (k == NULL) {
        return;
    }
    if (k->e != NULL) {
        entry_free(k->e);
    }
    mbedtls_x509_crt_free(&k->crt);
    petls_port_free(k);
}

#else /* !MBEDTLS_X509_CRT_PARSE_C */

int pb_conn_peer_cert_details(struct pb_conn *c, size_t depth,
                              struct pb_cert_details *out, int *oom)
{
    (void)c; /* no certificate is ever sent in this build */
    (void)depth;
    *oom = 0;
    memset(out, 0, sizeof(*out));
    return -1;
}

#endif /* MBEDTLS_X509_CRT_PARSE_C */
