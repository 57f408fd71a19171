/*
 * Certificates on mbedTLS: the verify callback (our host-name check, the
 * verify_time and verify_depth policies, chain facts), the neutral
 * verification facts (and the verification kept with a resumed session),
 * the decoded peer certificate. Private keys: mbedtls_key.c.
 */

/* Private access for one check only: whether a certificate's signature
 * verifies with its own key (a self-signed certificate, as OpenSSL and so
 * Node define it). mbedTLS 3.6 keeps the signature and its algorithm in
 * private fields of mbedtls_x509_crt and has no public self-check. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

#define SAN_TAG(n) (MBEDTLS_ASN1_CONTEXT_SPECIFIC | (n))

/* The verification kept with a resumed session (mbedtls_session.c imports
 * it): the facts of this connection while it stands for the handshake
 * the session came from. */
const struct pb_kept_verify *pb_mbedtls_kept_verify(const struct pb_conn *c)
{
    if (!c->kept.valid) {
        return NULL;
    }
    if (c->handshake_done) {
        return c->resumed ? &c->kept : NULL;
    }
    /* Inside the handshake: a TLS 1.3 server writes the ticket of a
     * resumed connection before pb_mbedtls_session_handshake decides. */
    return (c->is_server ? c->session_opened : c->offered_session) &&
                   !c->saw_certificate && !c->vstate.called
               ? &c->kept
               : NULL;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)

/* ---- Self-signed checks ---- */

static int self_issued(const mbedtls_x509_crt *crt)
{
    return crt != NULL && crt->subject_raw.len == crt->issuer_raw.len &&
           memcmp(crt->subject_raw.p, crt->issuer_raw.p,
                  crt->subject_raw.len) == 0;
}

static int self_signed(const mbedtls_x509_crt *crt)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    const mbedtls_md_info_t *md;

    if (!self_issued(crt)) {
        return 0;
    }
    md = mbedtls_md_info_from_type(crt->sig_md);
    if (md == NULL) {
        return 0;
    }
    if (mbedtls_md(md, crt->tbs.p, crt->tbs.len, hash) != 0) {
        return 0;
    }
    return mbedtls_pk_verify_ext(crt->sig_pk, crt->sig_opts,
                                 (mbedtls_pk_context *)&crt->pk, crt->sig_md,
                                 hash, mbedtls_md_get_size(md), crt->sig.p,
                                 crt->sig.len) == 0;
}

/* ---- Host-name check ---- */

static const mbedtls_x509_name *last_cn(const mbedtls_x509_name *n)
{
    const mbedtls_x509_name *cn = NULL;

    /* RFC 6125: the most specific (last) CN. */
    for (; n != NULL; n = n->next) {
        if (n->oid.p != NULL &&
            MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
            cn = n;
        }
    }
    return cn;
}

/* 1 when host matches the certificate's names, 0 when not, -1 when out of
 * memory. */
int pb_mbedtls_cert_names_match(const struct pb_config *cfg,
                                const mbedtls_x509_crt *crt, const char *host)
{
    const mbedtls_x509_sequence *s;
    const mbedtls_x509_name *cn;
    struct petls_cert_names names;
    const char **dns = NULL;
    size_t *dns_len = NULL;
    const uint8_t **ip = NULL;
    size_t *ip_len = NULL;
    size_t n = 0;
    int ret;

    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        n++;
    }
    memset(&names, 0, sizeof(names));
    dns = petls_port_calloc(n + 1, sizeof(*dns));
    dns_len = petls_port_calloc(n + 1, sizeof(*dns_len));
    ip = petls_port_calloc(n + 1, sizeof(*ip));
    ip_len = petls_port_calloc(n + 1, sizeof(*ip_len));
    if (dns == NULL || dns_len == NULL || ip == NULL || ip_len == NULL) {
        ret = -1;
        goto out;
    }
    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        if (s->buf.p == NULL) {
            continue;
        }
        if (s->buf.tag == SAN_TAG(MBEDTLS_X509_SAN_DNS_NAME)) {
            dns[names.n_dns] = (const char *)s->buf.p;
            dns_len[names.n_dns++] = s->buf.len;
        } else if (s->buf.tag == SAN_TAG(MBEDTLS_X509_SAN_IP_ADDRESS)) {
            ip[names.n_ip] = s->buf.p;
            ip_len[names.n_ip++] = s->buf.len;
        }
    }
    names.dns = dns;
    names.dns_len = dns_len;
    names.ip = ip;
    names.ip_len = ip_len;
    cn = last_cn(&crt->subject);
    if (cn != NULL) {
        names.cn = (const char *)cn->val.p;
        names.cn_len = cn->val.len;
    }
    ret = cfg->name_match != NULL && cfg->name_match(&names, host) == 1;
out:
    petls_port_free(dns);
    petls_port_free(dns_len);
    petls_port_free(ip);
    petls_port_free(ip_len);
    return ret;
}

/* ---- The verify callback ---- */

static int fill_cert(struct pb_conn *c, const mbedtls_x509_crt *crt);

int pb_mbedtls_verify_cb(void *p_conn, mbedtls_x509_crt *crt, int depth,
                         uint32_t *flags)
{
    struct pb_conn *c = p_conn;
    struct pb_vstate *v = &c->vstate;
    const mbedtls_x509_crt *p;
    int intermediates;

    /* mbedTLS calls from the top of the verified chain down to depth 0. */
    if (!v->started) {
        v->started = 1;
        v->top_depth = depth;
        v->top_is_root = self_issued(crt);
    }
    if (!c->cfg->verify_time) {
        *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED |
                              MBEDTLS_X509_BADCERT_FUTURE |
                              MBEDTLS_X509_BADCRL_EXPIRED |
                              MBEDTLS_X509_BADCRL_FUTURE);
    }
    if (depth != 0) {
        return 0;
    }
    v->called = 1;

    /* At depth 0, crt is the head of the chain exactly as the peer sent it. */
    v->chain_len = 0;
    for (p = crt; p != NULL && p->raw.p != NULL; p = p->next) {
        v->chain_len++;
        if (p->next == NULL || p->next->raw.p == NULL) {
            v->top_self_signed = self_signed(p);
        }
    }
    v->leaf_self_signed = self_signed(crt);
    /* Keep the leaf now: mbedTLS only exposes the peer certificate after a
     * successful handshake, and the engine needs its names to explain a
     * failed one (Node's altname message). */
    if (c->cert_cached == 0) {
        if (fill_cert(c, crt) == 0) {
            c->cert_cached = 1;
        } else {
            pb_mbedtls_cert_cache_free(c);
        }
    }

    /* verify_depth counts intermediates: the verified chain without the leaf
     * and without a self-signed top (the trust anchor). */
    intermediates = v->top_depth - (v->top_depth > 0 && v->top_is_root ? 1 : 0);
    if (c->cfg->verify_depth >= 0 && intermediates > c->cfg->verify_depth) {
        v->depth_exceeded = 1;
        *flags |= MBEDTLS_X509_BADCERT_OTHER;
    }

    /* mbedTLS compared the SNI with the CN/SANs its own way (and cannot see
     * IP literals); our RFC 6125 check against verify_name replaces it. */
    *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
    if (c->verify_name != NULL) {
        int m = pb_mbedtls_cert_names_match(c->cfg, crt, c->verify_name);
        if (m < 0) {
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        }
        if (m == 0) {
            *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
        }
    }
    return 0;
}

/* ---- Verification facts ---- */

static uint32_t map_flags(uint32_t f, int depth_exceeded)
{
    uint32_t out = 0;
    uint32_t other = MBEDTLS_X509_BADCERT_SKIP_VERIFY |
                     MBEDTLS_X509_BADCRL_NOT_TRUSTED |
                     MBEDTLS_X509_BADCRL_BAD_MD | MBEDTLS_X509_BADCRL_BAD_PK |
                     MBEDTLS_X509_BADCRL_BAD_KEY;

    if (f & MBEDTLS_X509_BADCERT_MISSING) {
        out |= PETLS_VF_NO_CERT;
    }
    if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        out |= PETLS_VF_NOT_TRUSTED;
    }
    if (f & MBEDTLS_X509_BADCERT_EXPIRED) {
        out |= PETLS_VF_EXPIRED;
    }
    if (f & MBEDTLS_X509_BADCERT_FUTURE) {
        out |= PETLS_VF_FUTURE;
    }
    if (f & MBEDTLS_X509_BADCERT_REVOKED) {
        out |= PETLS_VF_REVOKED;
    }
    if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        out |= PETLS_VF_NAME_MISMATCH;
    }
    if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
             MBEDTLS_X509_BADCERT_BAD_KEY)) {
        out |= PETLS_VF_BAD_KEY;
    }
    if (f &
        (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
         MBEDTLS_X509_BADCERT_NS_CERT_TYPE)) {
        out |= PETLS_VF_BAD_USAGE;
    }
    if (f & (MBEDTLS_X509_BADCRL_EXPIRED | MBEDTLS_X509_BADCRL_FUTURE)) {
        out |= PETLS_VF_CRL_EXPIRED;
    }
    /* BADCERT_OTHER is what the callback sets for an exceeded depth; that
     * is reported as depth_exceeded (with PETLS_VF_OTHER so that the flags
     * are not 0). */
    if ((f & other) || (f & MBEDTLS_X509_BADCERT_OTHER) || depth_exceeded) {
        out |= PETLS_VF_OTHER;
    }
    return out;
}

static int same_name(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return 0;
    }
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) {
            return 0;
        }
    }
    return *a == *b;
}

/* A resumed connection: what the full handshake verified, but the name
 * checked again for this connection. Session bytes can be offered to any
 * server name (petls_set_session takes any), and a session verified for
 * one name must not make another one authorized: with the kept leaf the
 * name is checked against it (as Node re-runs checkServerIdentity on a
 * resumed session's certificate); without one, only the very name that
 * was verified keeps the original result. */
static void kept_facts(const struct pb_conn *c, struct petls_verify_facts *out)
{
    const struct pb_kept_verify *k = &c->kept;

    *out = k->facts;
    if (c->is_server) {
        return;
    }
    if (c->verify_name == NULL) {
        /* No name to check now, as in a full handshake without one. */
        out->flags &= ~(uint32_t)PETLS_VF_NAME_MISMATCH;
        return;
    }
    if (k->crt != NULL) {
        out->flags &= ~(uint32_t)PETLS_VF_NAME_MISMATCH;
        if (pb_mbedtls_cert_names_match(c->cfg, k->crt, c->verify_name) != 1) {
            out->flags |= PETLS_VF_NAME_MISMATCH;
        }
    } else if (!same_name(k->name, c->verify_name)) {
        out->flags |= PETLS_VF_NAME_MISMATCH;
    }
}

void pb_conn_verify_facts(const struct pb_conn *c,
                          struct petls_verify_facts *out)
{
    const mbedtls_x509_crt *peer = NULL;
    uint32_t vr;

    memset(out, 0, sizeof(*out));
    if (pb_mbedtls_kept_verify(c) != NULL) {
        kept_facts(c, out);
        return;
    }
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    peer = mbedtls_ssl_get_peer_cert(&c->ssl);
#endif
    if (!c->vstate.called) {
        /* No verification ran: no certificate (or not requested). */
        if (peer == NULL) {
            out->flags = PETLS_VF_NO_CERT;
            return;
        }
    }
    vr = mbedtls_ssl_get_verify_result(&c->ssl);
    if (vr == 0xFFFFFFFFu) {
        vr = 0;
    }
    out->flags = map_flags(vr, c->vstate.depth_exceeded);
    out->chain_len = c->vstate.chain_len;
    out->leaf_self_signed = c->vstate.leaf_self_signed;
    out->top_self_signed = c->vstate.top_self_signed;
    out->depth_exceeded = c->vstate.depth_exceeded;
    if (!c->vstate.called && !c->vstate.trimmed && peer != NULL) {
        /* Verification skipped (authmode NONE): still describe the chain
         * (pb_mbedtls_trim_peer_chain did it already if it ran). */
        const mbedtls_x509_crt *p;
        for (p = peer; p != NULL && p->raw.p != NULL; p = p->next) {
            out->chain_len++;
            if (p->next == NULL || p->next->raw.p == NULL) {
                out->top_self_signed = self_signed(p);
            }
        }
        out->leaf_self_signed = self_signed(peer);
    }
    if (out->chain_len == 0 && peer == NULL) {
        out->flags |= PETLS_VF_NO_CERT;
    }
}

/* mbedTLS 3.6 keeps the peer's whole parsed chain for the connection's
 * life (TLS 1.3 requires MBEDTLS_SSL_KEEP_PEER_CERTIFICATE): about 1 KiB
 * per intermediate. After the handshake only the leaf is used (its names,
 * fingerprint, the session's verification record, TLS 1.2 renegotiation's
 * unchanged-certificate check), unless the chain can be exported as PEM
 * (petls_peer_cert_chain_pem, builds with MBEDTLS_PEM_WRITE_C). So builds
 * without a PEM writer (the constrained port/mbedtls configs) free the
 * rest once the handshake is over. The chain belongs to mbedTLS's session
 * (mbedtls_ssl_get_peer_cert gives it const); cutting its public `next`
 * link and freeing what hung there is what mbedtls_x509_crt_free does for
 * every certificate after the first. */
void pb_mbedtls_trim_peer_chain(struct pb_conn *c)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C) &&                                       \
    defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE) &&                              \
    !defined(MBEDTLS_PEM_WRITE_C)
    mbedtls_x509_crt *leaf =
        (mbedtls_x509_crt *)(uintptr_t)mbedtls_ssl_get_peer_cert(&c->ssl);
    mbedtls_x509_crt *rest;
    const mbedtls_x509_crt *p;

    if (leaf == NULL || leaf->next == NULL || c->vstate.trimmed) {
        return;
    }
    if (!c->vstate.called) {
        /* Verification skipped: describe the chain before it goes, as
         * pb_conn_verify_facts would have. */
        for (p = leaf; p != NULL && p->raw.p != NULL; p = p->next) {
            c->vstate.chain_len++;
            if (p->next == NULL || p->next->raw.p == NULL) {
                c->vstate.top_self_signed = self_signed(p);
            }
        }
        c->vstate.leaf_self_signed = self_signed(leaf);
    }
    c->vstate.trimmed = 1;
    rest = leaf->next;
    leaf->next = NULL;
    mbedtls_x509_crt_free(rest);
    mbedtls_free(rest);
#else
    (void)c;
#endif
}

/* ---- The decoded peer certificate ---- */

static char *dup_str(const char *s, size_t n)
{
    char *d = petls_port_calloc(1, n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t pb_mbedtls_unix_time(const mbedtls_x509_time *t)
{
    return days_from_civil(t->year, t->mon, t->day) * 86400 +
           (int64_t)t->hour * 3600 + (int64_t)t->min * 60 + t->sec;
}

/* One SAN as Node prints it, or NULL for kinds Node leaves out. */
char *pb_mbedtls_format_san(const mbedtls_x509_buf *b)
{
    char buf[300];
    size_t i;

    if (b->tag == SAN_TAG(MBEDTLS_X509_SAN_DNS_NAME) ||
        b->tag == SAN_TAG(MBEDTLS_X509_SAN_UNIFORM_RESOURCE_IDENTIFIER) ||
        b->tag == SAN_TAG(MBEDTLS_X509_SAN_RFC822_NAME)) {
        const char *prefix =
            b->tag == SAN_TAG(MBEDTLS_X509_SAN_DNS_NAME)      ? "DNS:"
            : b->tag == SAN_TAG(MBEDTLS_X509_SAN_RFC822_NAME) ? "email:"
                                                              : "URI:";
        size_t pl = strlen(prefix);
        char *s = petls_port_calloc(1, pl + b->len + 1);
        if (s != NULL) {
            memcpy(s, prefix, pl);
            memcpy(s + pl, b->p, b->len);
        }
        return s;
    }
    if (b->tag == SAN_TAG(MBEDTLS_X509_SAN_IP_ADDRESS)) {
        if (b->len == 4) {
            snprintf(buf, sizeof(buf), "IP Address:%u.%u.%u.%u", b->p[0],
                     b->p[1], b->p[2], b->p[3]);
        } else if (b->len == 16) {
            /* OpenSSL's (and so Node's) form: 8 groups, upper-case hex,
             * no "::" compression. */
            size_t off = (size_t)snprintf(buf, sizeof(buf), "IP Address:");
            for (i = 0; i < 8; i++) {
                off += (size_t)snprintf(
                    buf + off, sizeof(buf) - off, "%s%X", i ? ":" : "",
                    (unsigned)(b->p[2 * i] << 8 | b->p[2 * i + 1]));
            }
        } else {
            snprintf(buf, sizeof(buf), "IP Address:<invalid>");
        }
        return dup_str(buf, strlen(buf));
    }
    return NULL;
}
#endif /* MBEDTLS_X509_CRT_PARSE_C */

int pb_supports_certificates(void)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    return 1;
#else
    return 0;
#endif
}

#if !defined(MBEDTLS_X509_CRT_PARSE_C)
void pb_mbedtls_trim_peer_chain(struct pb_conn *c)
{
    (void)c; /* no certificates */
}

/* A build without X.509 has only PSK key exchanges: no certificate is sent
 * or verified, resumed or not (the engine treats a PSK handshake as
 * authenticated by the PSK, conn_info.c). */
void pb_conn_verify_facts(const struct pb_conn *c,
                          struct petls_verify_facts *out)
{
    (void)c;
    memset(out, 0, sizeof(*out));
    out->flags = PETLS_VF_NO_CERT;
}
#endif /* MBEDTLS_X509_CRT_PARSE_C */

void pb_mbedtls_cert_cache_free(struct pb_conn *c)
{
    struct pb_cert_info *ci = &c->cert;
    size_t i;

    if (c->cert_cached != 1) {
        c->cert_cached = 0;
        return;
    }
    petls_port_free((void *)ci->subject);
    petls_port_free((void *)ci->issuer);
    petls_port_free((void *)ci->serial);
    petls_port_free((void *)ci->fingerprint);
    petls_port_free((void *)ci->chain_pem);
    if (ci->sans != NULL) {
        for (i = 0; i < ci->n_sans; i++) {
            petls_port_free((void *)ci->sans[i]);
        }
        petls_port_free((void *)ci->sans);
    }
    memset(ci, 0, sizeof(*ci));
    c->cert_cached = 0;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)
static char *dn_string(const mbedtls_x509_name *dn)
{
    char buf[1024];
    int n = mbedtls_x509_dn_gets(buf, sizeof(buf), dn);

    if (n < 0) {
        return dup_str("", 0);
    }
    return dup_str(buf, (size_t)n);
}

#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE) && defined(MBEDTLS_PEM_WRITE_C)
static uint8_t *chain_to_pem(const mbedtls_x509_crt *chain, size_t *len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
    static const char end[] = "-----END CERTIFICATE-----\n";
    const mbedtls_x509_crt *p;
    size_t cap = 1, off = 0, olen;
    uint8_t *out;

    /* Base64 with 64-column lines: 4/3 of the DER plus a newline per line. */
    for (p = chain; p != NULL && p->raw.p != NULL; p = p->next) {
        cap += sizeof(begin) + sizeof(end) + (p->raw.len + 2) / 3 * 4 +
               (p->raw.len / 48 + 2);
    }
    out = petls_port_calloc(1, cap);
    if (out == NULL) {
        return NULL;
    }
    for (p = chain; p != NULL && p->raw.p != NULL; p = p->next) {
        if (mbedtls_pem_write_buffer(begin, end, p->raw.p, p->raw.len,
                                     out + off, cap - off, &olen) != 0) {
            petls_port_free(out);
            return NULL;
        }
        off += olen - 1; /* olen counts the NUL */
    }
    *len = off;
    return out;
}
#endif

static int fill_cert(struct pb_conn *c, const mbedtls_x509_crt *crt)
{
    struct pb_cert_info *ci = &c->cert;
    const mbedtls_x509_sequence *s;
    char buf[256];
    uint8_t hash[32];
    size_t n = 0, i;
    char **sans;
    int len;

    memset(ci, 0, sizeof(*ci));
    c->cert_cached = 1; /* from here on, cache_free cleans partial work */
    ci->subject = dn_string(&crt->subject);
    ci->issuer = dn_string(&crt->issuer);
    len = mbedtls_x509_serial_gets(buf, sizeof(buf), &crt->serial);
    ci->serial = dup_str(buf, len > 0 ? (size_t)len : 0);
    ci->not_before = pb_mbedtls_unix_time(&crt->valid_from);
    ci->not_after = pb_mbedtls_unix_time(&crt->valid_to);
    ci->der = crt->raw.p;
    ci->der_len = crt->raw.len;
    if (pb_sha256(crt->raw.p, crt->raw.len, hash) == 0) {
        char fp[7 + 64 + 1];
        memcpy(fp, "SHA256:", 7);
        for (i = 0; i < 32; i++) {
            snprintf(fp + 7 + 2 * i, 3, "%02x", hash[i]);
        }
        ci->fingerprint = dup_str(fp, 7 + 64);
    }
    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        n++;
    }
    sans = petls_port_calloc(n + 1, sizeof(char *));
    if (sans == NULL) {
        return -1;
    }
    ci->sans = (const char *const *)sans;
    for (s = &crt->subject_alt_names; s != NULL; s = s->next) {
        if (s->buf.p == NULL) {
            continue;
        }
        sans[ci->n_sans] = pb_mbedtls_format_san(&s->buf);
        if (sans[ci->n_sans] != NULL) {
            ci->n_sans++;
        }
    }
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE) && defined(MBEDTLS_PEM_WRITE_C)
    ci->chain_pem = chain_to_pem(crt, &ci->chain_pem_len);
#endif
    if (ci->subject == NULL || ci->issuer == NULL || ci->serial == NULL ||
        ci->fingerprint == NULL) {
        return -1;
    }
    return 0;
}

int pb_conn_peer_cert(struct pb_conn *c, struct pb_cert_info *out)
{
    const mbedtls_x509_crt *crt = NULL;

    if (c->cert_cached == 0) {
        const struct pb_kept_verify *k = pb_mbedtls_kept_verify(c);
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
        crt = mbedtls_ssl_get_peer_cert(&c->ssl);
#endif
        /* Resumed: mbedTLS keeps no peer certificate in TLS 1.3; the
         * session's verification record does. */
        if ((crt == NULL || crt->raw.p == NULL) && k != NULL) {
            crt = k->crt;
        }
        if (crt == NULL || crt->raw.p == NULL) {
            c->cert_cached = -1;
        } else if (fill_cert(c, crt) != 0) {
            /* Out of memory: drop the partial result, try again later. */
            pb_mbedtls_cert_cache_free(c);
            memset(out, 0, sizeof(*out));
            return -1;
        }
    }
    if (c->cert_cached != 1) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    *out = c->cert;
    return 0;
}
#else  /* !MBEDTLS_X509_CRT_PARSE_C */
int pb_conn_peer_cert(struct pb_conn *c, struct pb_cert_info *out)
{
    (void)c; /* no certificate is ever sent in this build */
    memset(out, 0, sizeof(*out));
    return -1;
}
#endif /* MBEDTLS_X509_CRT_PARSE_C */
