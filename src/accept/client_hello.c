/*
 * The ClientHello pre-parser: record layer reassembly, then the message
 * body (RFC 8446 4.1.2, RFC 5246 7.4.1.2). Every length is checked against
 * what is left before it is used; nothing is allocated.
 */
#include "client_hello.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"

#define REC_HDR 5
#define HS_HDR 4
#define REC_MAX 16384
#define HS_CLIENT_HELLO 1
#define CT_HANDSHAKE 22
#define MAX_EXTENSIONS 256

#define EXT_SERVER_NAME 0
#define EXT_SIGNATURE_ALGORITHMS 13
#define EXT_ALPN 16
#define EXT_SESSION_TICKET 35
#define EXT_PRE_SHARED_KEY 41
#define EXT_SUPPORTED_VERSIONS 43
#define EXT_PSK_KEY_EXCHANGE_MODES 45

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- Record layer ------------------------------------------------------- */

/* Checks what is there of a record header at p (avail bytes). */
static int check_record_header(const uint8_t *p, size_t avail, char *err,
                               size_t errlen)
{
    if (avail >= 1 && p[0] != CT_HANDSHAKE)
        return fail(err, errlen,
                    "ClientHello: not a TLS handshake record (content type "
                    "%u)",
                    (unsigned int)p[0]);
    if (avail >= 3 && (p[1] != 3 || p[2] < 1 || p[2] > 3))
        return fail(err, errlen,
                    "ClientHello: unsupported record version 0x%02x%02x",
                    (unsigned int)p[1], (unsigned int)p[2]);
    if (avail >= REC_HDR) {
        size_t rlen = bytes_get_be16(p + 3);
        if (rlen == 0 || rlen > REC_MAX)
            return fail(err, errlen, "ClientHello: bad record length %zu",
                        rlen);
    }
    return 0;
}

int petls_client_hello_collect(const uint8_t *buf, size_t len, uint8_t *scratch,
                               size_t scratch_cap, const uint8_t **msg,
                               size_t *msg_len, char *err, size_t errlen)
{
    uint8_t hdr[HS_HDR];
    size_t pos = 0, have = 0, body_len = 0, first_rlen = 0;
    int spans = 0;

    while (pos < len) {
        size_t avail = len - pos, rlen, frag, i;
        const uint8_t *f;

        if (check_record_header(buf + pos, avail, err, errlen) != 0)
            return -1;
        if (avail < REC_HDR)
            break;
        rlen = bytes_get_be16(buf + pos + 3);
        if (pos == 0)
            first_rlen = rlen;
        f = buf + pos + REC_HDR;
        frag = avail - REC_HDR < rlen ? avail - REC_HDR : rlen;
        for (i = 0; i < frag; i++) {
            if (have < HS_HDR) {
                hdr[have++] = f[i];
                if (have == 1 && hdr[0] != HS_CLIENT_HELLO)
                    return fail(err, errlen,
                                "ClientHello: not a ClientHello (handshake "
                                "type %u)",
                                (unsigned int)hdr[0]);
                if (have < HS_HDR)
                    continue;
                body_len = bytes_get_be24(hdr + 1);
                if (body_len > PETLS_CH_MAX_FLIGHT - REC_HDR - HS_HDR)
                    return fail(err, errlen,
                                "ClientHello: %zu bytes is more than the %d "
                                "the server reads",
                                body_len,
                                PETLS_CH_MAX_FLIGHT - REC_HDR - HS_HDR);
                spans = pos != 0 || HS_HDR + body_len > first_rlen;
                if (!spans) {
                    /* The usual case: the whole message in the first
                     * record, read in place. */
                    if (len - REC_HDR < HS_HDR + body_len)
                        return 0;
                    *msg = buf + REC_HDR + HS_HDR;
                    *msg_len = body_len;
                    return 1;
                }
                if (body_len > scratch_cap || scratch == NULL)
                    return fail(err, errlen,
                                "ClientHello: %zu bytes do not fit the "
                                "%zu-byte reassembly buffer",
                                body_len, scratch_cap);
                continue;
            }
            /* Body bytes of a message spanning records. */
            if (have - HS_HDR < body_len) {
                scratch[have - HS_HDR] = f[i];
                have++;
            }
            if (have - HS_HDR == body_len)
                break;
        }
        if (have >= HS_HDR && have - HS_HDR == body_len) {
            *msg = scratch;
            *msg_len = body_len;
            return 1;
        }
        if (frag < rlen)
            break; /* this record is not all there yet */
        pos += REC_HDR + rlen;
    }
    if (len >= PETLS_CH_MAX_FLIGHT)
        return fail(err, errlen, "ClientHello: not complete within %d bytes",
                    PETLS_CH_MAX_FLIGHT);
    return 0;
}

/* ---- Body --------------------------------------------------------------- */

static int parse_server_name(const uint8_t *d, size_t n,
                             struct petls_client_hello *out, char *err,
                             size_t errlen)
{
    struct bytes_reader r = {d, n, 0};
    const uint8_t *list, *name;
    size_t list_len, name_len;

    if (bytes_take_vec(&r, 2, &list, &list_len) != 0 || r.left != 0 ||
        list_len == 0)
        return fail(err, errlen, "ClientHello: malformed server_name");
    r.p = list;
    r.left = list_len;
    while (r.left > 0) {
        const uint8_t *type;
        if (bytes_take(&r, 1, &type) != 0 ||
            bytes_take_vec(&r, 2, &name, &name_len) != 0)
            return fail(err, errlen, "ClientHello: malformed server_name");
        if (type[0] != 0)
            continue; /* other name types: not ours */
        if (out->sni != NULL)
            return fail(err, errlen,
                        "ClientHello: more than one host_name in server_name");
        if (name_len == 0)
            return fail(err, errlen, "ClientHello: empty host_name");
        out->sni = name;
        out->sni_len = name_len;
    }
    return 0;
}

static int parse_alpn(const uint8_t *d, size_t n,
                      struct petls_client_hello *out, char *err, size_t errlen)
{
    struct bytes_reader r = {d, n, 0};
    const uint8_t *list, *proto;
    size_t list_len, proto_len;

    if (bytes_take_vec(&r, 2, &list, &list_len) != 0 || r.left != 0 ||
        list_len == 0)
        return fail(err, errlen, "ClientHello: malformed ALPN extension");
    r.p = list;
    r.left = list_len;
    while (r.left > 0) {
        if (bytes_take_vec(&r, 1, &proto, &proto_len) != 0 || proto_len == 0)
            return fail(err, errlen, "ClientHello: malformed ALPN extension");
    }
    out->alpn = list;
    out->alpn_len = list_len;
    return 0;
}

static int parse_sig_algs(const uint8_t *d, size_t n,
                          struct petls_client_hello *out, char *err,
                          size_t errlen)
{
    struct bytes_reader r = {d, n, 0};
    const uint8_t *list;
    size_t list_len;

    if (bytes_take_vec(&r, 2, &list, &list_len) != 0 || r.left != 0 ||
        list_len == 0 || list_len % 2 != 0)
        return fail(err, errlen, "ClientHello: malformed signature_algorithms");
    out->sig_algs = list;
    out->sig_algs_len = list_len;
    return 0;
}

static int parse_supported_versions(const uint8_t *d, size_t n,
                                    struct petls_client_hello *out, char *err,
                                    size_t errlen)
{
    struct bytes_reader r = {d, n, 0};
    const uint8_t *list;
    size_t list_len, i;

    if (bytes_take_vec(&r, 1, &list, &list_len) != 0 || r.left != 0 ||
        list_len == 0 || list_len % 2 != 0)
        return fail(err, errlen, "ClientHello: malformed supported_versions");
    out->offers_tls12 = 0;
    for (i = 0; i < list_len; i += 2) {
        size_t v = bytes_get_be16(list + i);
        if (v == 0x0304)
            out->offers_tls13 = 1;
        else if (v == 0x0303)
            out->offers_tls12 = 1;
    }
    return 0;
}

static int parse_psk(const uint8_t *d, size_t n, struct petls_client_hello *out,
                     char *err, size_t errlen)
{
    struct bytes_reader r = {d, n, 0}, ids = {NULL, 0, 0},
                        binders = {NULL, 0, 0};
    const uint8_t *p;
    size_t len, n_ids = 0, n_binders = 0;

    if (bytes_take_vec(&r, 2, &ids.p, &ids.left) != 0 || ids.left == 0 ||
        bytes_take_vec(&r, 2, &binders.p, &binders.left) != 0 ||
        binders.left == 0 || r.left != 0)
        return fail(err, errlen, "ClientHello: malformed pre_shared_key");
    while (ids.left > 0) {
        const uint8_t *age;
        if (bytes_take_vec(&ids, 2, &p, &len) != 0 || len == 0 ||
            bytes_take(&ids, 4, &age) != 0)
            return fail(err, errlen, "ClientHello: malformed pre_shared_key");
        if (n_ids < PETLS_CH_MAX_PSK_IDENTITIES) {
            out->psk_identity[n_ids] = p;
            out->psk_identity_len[n_ids] = len;
            out->psk_obfuscated_age[n_ids] = bytes_get_be32(age);
        }
        n_ids++;
    }
    while (binders.left > 0) {
        if (bytes_take_vec(&binders, 1, &p, &len) != 0 || len < 32)
            return fail(err, errlen, "ClientHello: malformed pre_shared_key");
        n_binders++;
    }
    if (n_ids != n_binders)
        return fail(err, errlen,
                    "ClientHello: pre_shared_key has %zu identities but %zu "
                    "binders",
                    n_ids, n_binders);
    out->n_psk_identities = n_ids < PETLS_CH_MAX_PSK_IDENTITIES
                                ? n_ids
                                : PETLS_CH_MAX_PSK_IDENTITIES;
    return 0;
}

static int parse_psk_modes(const uint8_t *d, size_t n,
                           struct petls_client_hello *out, char *err,
                           size_t errlen)
{
    struct bytes_reader r = {d, n, 0};
    const uint8_t *list;
    size_t list_len, i;

    if (bytes_take_vec(&r, 1, &list, &list_len) != 0 || r.left != 0 ||
        list_len == 0)
        return fail(err, errlen,
                    "ClientHello: malformed psk_key_exchange_modes");
    for (i = 0; i < list_len; i++) {
        if (list[i] == 0)
            out->psk_modes |= PETLS_CH_PSK_KE;
        else if (list[i] == 1)
            out->psk_modes |= PETLS_CH_PSK_DHE_KE;
    }
    return 0;
}

static int parse_extensions(struct bytes_reader *r,
                            struct petls_client_hello *out, char *err,
                            size_t errlen)
{
    uint16_t seen[MAX_EXTENSIONS];
    size_t n_seen = 0, i;
    int psk_seen = 0;

    while (r->left > 0) {
        const uint8_t *h, *d;
        size_t type, n;
        int ret = 0;

        if (bytes_take(r, 2, &h) != 0 || bytes_take_vec(r, 2, &d, &n) != 0)
            return fail(err, errlen, "ClientHello: truncated extension");
        type = bytes_get_be16(h);
        if (psk_seen)
            return fail(err, errlen,
                        "ClientHello: pre_shared_key is not the last "
                        "extension");
        for (i = 0; i < n_seen; i++) {
            if (seen[i] == type) {
                out->duplicate = 1;
                out->duplicate_type = (uint16_t)type;
                return fail(err, errlen, "ClientHello: duplicate extension %zu",
                            type);
            }
        }
        if (n_seen == MAX_EXTENSIONS)
            return fail(err, errlen, "ClientHello: more than %d extensions",
                        MAX_EXTENSIONS);
        seen[n_seen++] = (uint16_t)type;
        switch (type) {
        case EXT_SERVER_NAME:
            ret = parse_server_name(d, n, out, err, errlen);
            break;
        case EXT_ALPN:
            ret = parse_alpn(d, n, out, err, errlen);
            break;
        case EXT_SIGNATURE_ALGORITHMS:
            ret = parse_sig_algs(d, n, out, err, errlen);
            break;
        case EXT_SUPPORTED_VERSIONS:
            ret = parse_supported_versions(d, n, out, err, errlen);
            break;
        case EXT_SESSION_TICKET:
            out->has_ticket_ext = 1;
            out->ticket = d;
            out->ticket_len = n;
            break;
        case EXT_PSK_KEY_EXCHANGE_MODES:
            ret = parse_psk_modes(d, n, out, err, errlen);
            break;
        case EXT_PRE_SHARED_KEY:
            ret = parse_psk(d, n, out, err, errlen);
            psk_seen = 1;
            break;
        default:
            break;
        }
        if (ret != 0)
            return -1;
    }
    return 0;
}

int petls_client_hello_parse(const uint8_t *msg, size_t len,
                             struct petls_client_hello *out, char *err,
                             size_t errlen)
{
    struct bytes_reader r = {msg, len, 0}, ext = {NULL, 0, 0};
    const uint8_t *p;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (bytes_take(&r, 2, &p) != 0)
        return fail(err, errlen, "ClientHello: truncated in legacy_version");
    out->legacy_version = (uint16_t)bytes_get_be16(p);
    if (p[0] != 3)
        return fail(err, errlen, "ClientHello: unsupported version 0x%04x",
                    (unsigned int)out->legacy_version);
    if (bytes_take(&r, 32, NULL) != 0)
        return fail(err, errlen, "ClientHello: truncated in random");
    if (bytes_take_vec(&r, 1, &p, &n) != 0)
        return fail(err, errlen, "ClientHello: truncated in session_id");
    if (n > 32)
        return fail(err, errlen, "ClientHello: session_id of %zu bytes", n);
    out->session_id = n > 0 ? p : NULL;
    out->session_id_len = n;
    if (bytes_take_vec(&r, 2, &p, &n) != 0)
        return fail(err, errlen, "ClientHello: truncated in cipher_suites");
    if (n == 0 || n % 2 != 0)
        return fail(err, errlen, "ClientHello: cipher_suites of %zu bytes", n);
    if (bytes_take_vec(&r, 1, &p, &n) != 0)
        return fail(err, errlen,
                    "ClientHello: truncated in compression_methods");
    if (n == 0)
        return fail(err, errlen, "ClientHello: no compression_methods");
    out->offers_tls12 = out->legacy_version >= 0x0303;
    if (r.left == 0)
        return 0; /* no extensions (allowed before TLS 1.3) */
    if (bytes_take_vec(&r, 2, &ext.p, &ext.left) != 0)
        return fail(err, errlen, "ClientHello: truncated in extensions");
    if (r.left != 0)
        return fail(err, errlen, "ClientHello: %zu bytes after the extensions",
                    r.left);
    return parse_extensions(&ext, out, err, errlen);
}

/* ---- Judgement ---------------------------------------------------------- */

#define ALERT_ILLEGAL_PARAMETER 47

/* IANA names of the extensions a ClientHello commonly carries. */
static const char *extension_name(unsigned int type)
{
    static const struct {
        uint16_t type;
        const char *name;
    } names[] = {
        {0, "server_name"},
        {5, "status_request"},
        {10, "supported_groups"},
        {11, "ec_point_formats"},
        {13, "signature_algorithms"},
        {16, "application_layer_protocol_negotiation"},
        {21, "padding"},
        {22, "encrypt_then_mac"},
        {23, "extended_master_secret"},
        {28, "record_size_limit"},
        {35, "session_ticket"},
        {41, "pre_shared_key"},
        {42, "early_data"},
        {43, "supported_versions"},
        {44, "cookie"},
        {45, "psk_key_exchange_modes"},
        {50, "signature_algorithms_cert"},
        {51, "key_share"},
        {0xff01, "renegotiation_info"},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].type == type)
            return names[i].name;
    }
    return "an unknown";
}

int petls_client_hello_judge(const uint8_t *msg, size_t len, char *why,
                             size_t whylen)
{
    struct petls_client_hello ch;

    if (petls_client_hello_parse(msg, len, &ch, NULL, 0) == 0 || !ch.duplicate)
        return 0;
    (void)fail(why, whylen, "has %s (extension %u) twice",
               extension_name(ch.duplicate_type),
               (unsigned int)ch.duplicate_type);
    return ALERT_ILLEGAL_PARAMETER;
}
