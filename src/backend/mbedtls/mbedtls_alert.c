/*
 * Alerts on mbedTLS: the one table that turns a fatal mbedTLS error (and
 * the handshake state it happened in) into the alert RFC 8446 §6.2 /
 * RFC 5246 §7.2 call for, the watch on outgoing records that tells whether
 * an alert already left (mbedTLS sends one on many paths, none on others),
 * and the names of alerts for messages. Every abort path of a connection
 * goes through pb_mbedtls_alert_abort(): exactly one fatal alert per fatal
 * error, never a second one after mbedTLS's own.
 */

/* Private access: the handshake state (ssl->state), the record mbedTLS
 * failed on (ssl->in_hdr, in_msg), the negotiated suite of the handshake in
 * progress (session_negotiate, for the TLS 1.3 tag length), mbedTLS's
 * pending-alert bookkeeping (alert_type/alert_reason, what it chose) and
 * the peer certificate of the handshake in progress. Read only. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "backend/mbedtls/mbedtls_internal.h"

#define REC_ALERT 21
#define REC_HANDSHAKE 22
#define REC_APPDATA 23

const char *pb_alert_name(int a)
{
    static const struct {
        unsigned char id;
        const char *name;
    } names[] = {
        {0, "close_notify"},
        {10, "unexpected_message"},
        {20, "bad_record_mac"},
        {22, "record_overflow"},
        {40, "handshake_failure"},
        {41, "no_certificate"},
        {42, "bad_certificate"},
        {43, "unsupported_certificate"},
        {44, "certificate_revoked"},
        {45, "certificate_expired"},
        {46, "certificate_unknown"},
        {47, "illegal_parameter"},
        {48, "unknown_ca"},
        {49, "access_denied"},
        {50, "decode_error"},
        {51, "decrypt_error"},
        {70, "protocol_version"},
        {71, "insufficient_security"},
        {80, "internal_error"},
        {86, "inappropriate_fallback"},
        {90, "user_canceled"},
        {100, "no_renegotiation"},
        {109, "missing_extension"},
        {110, "unsupported_extension"},
        {112, "unrecognized_name"},
        {113, "bad_certificate_status_response"},
        {115, "unknown_psk_identity"},
        {116, "certificate_required"},
        {120, "no_application_protocol"},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].id == a) {
            return names[i].name;
        }
    }
    return NULL;
}

/* ---- Outgoing records ---- */

/* TLS 1.3 hides the type of an encrypted record. mbedTLS pads the inner
 * plaintext (content and type byte) to a multiple of
 * MBEDTLS_SSL_CID_TLS1_3_PADDING_GRANULARITY: an alert (2 bytes) gives
 * the smallest record there is, which a short handshake message (an
 * EncryptedExtensions, an empty Certificate) can give too. Such a record is
 * an alert only if nothing follows it: the watch takes it back when
 * another record leaves. */
static int tls13_encrypted_alert_len(const struct pb_conn *c, size_t len)
{
    const size_t g = MBEDTLS_SSL_CID_TLS1_3_PADDING_GRANULARITY;
    size_t inner = 3u + (g - 3u % g) % g;
    int suite = 0;

    if (c->handshake_done || c->ssl.session_negotiate == NULL ||
        c->ssl.transform_out == NULL) {
        return 0;
    }
    suite = c->ssl.session_negotiate->ciphersuite;
    /* TLS_AES_128_CCM_8_SHA256 has an 8-byte tag, the others 16. */
    return len == inner + (suite == 0x1305 ? 8u : 16u);
}

/* ---- The TLS 1.2 ClientKeyExchange (server) ---- */

/* The key exchange of the suite being negotiated. */
static int kex_type(const struct pb_conn *c)
{
    const mbedtls_ssl_ciphersuite_t *cs;

    if (c->ssl.session_negotiate == NULL) {
        return MBEDTLS_KEY_EXCHANGE_NONE;
    }
    cs = mbedtls_ssl_ciphersuite_from_id(c->ssl.session_negotiate->ciphersuite);
    return cs != NULL ? cs->key_exchange : MBEDTLS_KEY_EXCHANGE_NONE;
}

static int kex_is_ecdhe(int kx)
{
    return kx == MBEDTLS_KEY_EXCHANGE_ECDHE_RSA ||
           kx == MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA ||
           kx == MBEDTLS_KEY_EXCHANGE_ECDHE_PSK;
}

/* msg: the start of a ServerKeyExchange message (at least 7 bytes). */
static void note_server_kex(struct pb_conn *c, const unsigned char *msg)
{
    int kx = kex_type(c);

    if (kex_is_ecdhe(kx) && kx != MBEDTLS_KEY_EXCHANGE_ECDHE_PSK &&
        msg[4] == 3) {
        c->alert.kex_group = ((unsigned)msg[5] << 8) | msg[6];
    } else if (kx == MBEDTLS_KEY_EXCHANGE_DHE_RSA) {
        c->alert.kex_dh_plen = ((size_t)msg[4] << 8) | msg[5];
    }
}

enum { KEX_OTHER, KEX_MALFORMED, KEX_WELL_FORMED, KEX_COMPRESSED };

/* How the client's TLS 1.2 ClientKeyExchange (in_msg) encodes its public
 * value for the group the server offered: as RFC 8422 5.4 / RFC 5246
 * 7.4.7.2 want (an uncompressed point of the curve's size, a DH value no
 * longer than the prime), in compressed form, malformed, or KEX_OTHER
 * (another key exchange, or nothing to judge). */
static int kex_shape(const struct pb_conn *c)
{
    const mbedtls_ssl_context *s = &c->ssl;
    const unsigned char *m;
    size_t n, len;
    int kx = kex_type(c);

    if (!c->is_server || s->in_msg == NULL || s->in_hslen < 4 ||
        s->in_msg[0] != MBEDTLS_SSL_HS_CLIENT_KEY_EXCHANGE ||
        s->in_hslen > s->in_msglen) {
        return KEX_OTHER;
    }
    m = s->in_msg + 4;
    n = s->in_hslen - 4;
    if (kx == MBEDTLS_KEY_EXCHANGE_DHE_RSA && c->alert.kex_dh_plen > 0) {
        if (n < 2) {
            return KEX_MALFORMED;
        }
        len = ((size_t)m[0] << 8) | m[1];
        return len > 0 && len + 2 == n && len <= c->alert.kex_dh_plen
                   ? KEX_WELL_FORMED
                   : KEX_MALFORMED;
    }
#if defined(MBEDTLS_ECP_LIGHT)
    if (kex_is_ecdhe(kx) && kx != MBEDTLS_KEY_EXCHANGE_ECDHE_PSK &&
        c->alert.kex_group != 0) {
        const mbedtls_ecp_curve_info *ci =
            mbedtls_ecp_curve_info_from_tls_id((uint16_t)c->alert.kex_group);
        size_t clen;

        if (ci == NULL) {
            return KEX_OTHER;
        }
        clen = ((size_t)ci->bit_size + 7u) / 8u;
        if (n < 2 || (size_t)m[0] + 1u != n) {
            return KEX_MALFORMED;
        }
        len = m[0];
        if (ci->grp_id == MBEDTLS_ECP_DP_CURVE25519 ||
            ci->grp_id == MBEDTLS_ECP_DP_CURVE448) {
            return len == clen ? KEX_WELL_FORMED : KEX_MALFORMED;
        }
        if (m[1] == 4 && len == 1u + 2u * clen) {
            return KEX_WELL_FORMED;
        }
        if ((m[1] == 2 || m[1] == 3) && len == 1u + clen) {
            return KEX_COMPRESSED;
        }
        return KEX_MALFORMED;
    }
#endif
    return KEX_OTHER;
}

static const char *kex_curve_name(const struct pb_conn *c)
{
#if defined(MBEDTLS_ECP_LIGHT)
    const mbedtls_ecp_curve_info *ci =
        mbedtls_ecp_curve_info_from_tls_id((uint16_t)c->alert.kex_group);
    if (ci != NULL && ci->name != NULL) {
        return ci->name;
    }
#else
    (void)c;
#endif
    return "ECDH";
}

/* Server, TLS 1.2, in the ClientKeyExchange state: mbedTLS refused a
 * public value that is encoded right, i.e. the value itself (a point not on
 * the curve, a DH value out of 2..p-2): RFC 8422 5.10 and RFC 7919 5.1
 * answer that with illegal_parameter, mbedTLS fails with DECODE_ERROR. */
static int kex_value_refused(const struct pb_conn *c, int ret)
{
    return ret == MBEDTLS_ERR_SSL_DECODE_ERROR && c->is_server &&
           !c->handshake_done &&
           c->ssl.state == MBEDTLS_SSL_CLIENT_KEY_EXCHANGE &&
           kex_shape(c) == KEX_WELL_FORMED;
}

int pb_mbedtls_alert_kex(struct pb_conn *c)
{
    if (kex_shape(c) != KEX_COMPRESSED) {
        return 0;
    }
    /* mbedTLS 3.6 decompresses the point. RFC 8422 5.1.2: the uncompressed
     * form is the only one, and it is all this server offered. */
    c->alert.refused = MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
    c->alert.refused_msg = "ClientKeyExchange";
    c->alert.refused_rfc = "RFC 8422 5.1.2";
    snprintf(c->alert.refused_why, sizeof(c->alert.refused_why),
             "has its point in compressed form");
    return MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER;
}

void pb_mbedtls_alert_watch(struct pb_conn *c, const unsigned char *buf,
                            size_t n)
{
    struct pb_alert_state *a = &c->alert;

    while (n > 0) {
        if (a->body_left == 0) {
            size_t take = sizeof(a->hdr) - a->hdr_have;
            if (take > n) {
                take = n;
            }
            memcpy(a->hdr + a->hdr_have, buf, take);
            a->hdr_have += take;
            buf += take;
            n -= take;
            if (a->hdr_have < sizeof(a->hdr)) {
                return;
            }
            a->hdr_have = 0;
            a->body_len = ((size_t)a->hdr[3] << 8) | a->hdr[4];
            a->body_left = a->body_len;
            if (a->maybe) {
                a->sent = 0; /* something followed: not an alert */
                a->maybe = 0;
            }
            if (a->hdr[0] == REC_ALERT) {
                a->in_alert = 1;
                a->sent = 1;
                a->sent_desc = -1;
            } else if (a->hdr[0] == REC_APPDATA && !a->sent &&
                       tls13_encrypted_alert_len(c, a->body_len)) {
                a->in_alert = 1;
                a->sent = 1;
                a->maybe = 1;
                a->sent_desc = -1;
            } else {
                a->in_alert = 0;
            }
            continue;
        }
        {
            size_t take = a->body_left < n ? a->body_left : n;
            size_t off = a->body_len - a->body_left;
            /* A plaintext alert (type 21, 2 bytes): its description. An
             * encrypted TLS 1.2 alert is type 21 too, but longer. */
            if (a->in_alert && a->hdr[0] == REC_ALERT && a->body_len == 2 &&
                off <= 1 && off + take > 1) {
                a->sent_desc = buf[1 - off];
            }
            /* A plaintext empty Certificate (TLS 1.2): 11, length 3, an
             * empty list. */
            if (a->hdr[0] == REC_HANDSHAKE && off == 0 && take >= 7 &&
                c->ssl.transform_out == NULL &&
                memcmp(buf, "\x0b\x00\x00\x03\x00\x00\x00", 7) == 0) {
                a->empty_cert = 1;
            }
            /* A plaintext ServerKeyExchange (TLS 1.2 server, 12): the
             * ECDHE group (named_curve, 3) or the DHE prime's length, to
             * judge the client's answer (kex_shape). */
            if (c->is_server && a->hdr[0] == REC_HANDSHAKE && off == 0 &&
                take >= 7 && c->ssl.transform_out == NULL && buf[0] == 12) {
                note_server_kex(c, buf);
            }
            a->body_left -= take;
            buf += take;
            n -= take;
        }
    }
}

/* The alert a strict peer expects instead of the plaintext one mbedTLS
 * chose (desc), or -1 to keep it. */
static int better_alert(const struct pb_conn *c, int desc)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SRV_C)
    if (desc == MBEDTLS_SSL_ALERT_MSG_MISSING_EXTENSION && c->is_server &&
        c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO &&
        (c->ssl.conf->tls13_kex_modes &
         MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL) == 0) {
        /* A server without a certificate (a PSK-only config) that finds no
         * PSK it can use: mbedTLS says the client misses the extensions
         * of a certificate handshake, which this server does not offer.
         * RFC 8446 section 4.1.1: no acceptable parameters is
         * handshake_failure. */
        return MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    }
    if (desc == MBEDTLS_SSL_ALERT_MSG_NO_CERT && c->is_server &&
        mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        /* mbedTLS answers a client without a certificate with SSLv3's
         * no_certificate (41), which TLS 1.3 does not have: RFC 8446
         * section 4.4.2.4 says certificate_required. */
        return MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED;
    }
#else
    (void)c;
    (void)desc;
#endif
    return -1;
}

/* One less on the outgoing record counter: for a record mbedTLS counted
 * but that never left. */
static void uncount_record(mbedtls_ssl_context *s)
{
    size_t i = sizeof(s->cur_out_ctr);

    while (i > 0) {
        i--;
        if (s->cur_out_ctr[i]-- != 0) {
            break;
        }
    }
}

/* An encrypted alert mbedTLS is sending for its pending alert right now
 * (mbedtls_ssl_handle_pending_alert): the whole record in one chunk, at a
 * record boundary. */
static int pending_encrypted_alert(const struct pb_conn *c,
                                   const unsigned char *buf, size_t len)
{
    const struct pb_alert_state *a = &c->alert;
    size_t body;

    if (c->ssl.send_alert == 0 || c->ssl.transform_out == NULL ||
        a->body_left != 0 || a->hdr_have != 0 || len < 5) {
        return 0;
    }
    body = ((size_t)buf[3] << 8) | buf[4];
    if (len != 5 + body) {
        return 0;
    }
    return buf[0] == REC_ALERT ||
           (buf[0] == REC_APPDATA && tls13_encrypted_alert_len(c, body));
}

const unsigned char *pb_mbedtls_alert_outgoing(struct pb_conn *c,
                                               const unsigned char *buf,
                                               size_t len, unsigned char *tmp)
{
    const struct pb_alert_state *a = &c->alert;
    size_t at; /* where the description byte is in buf */
    int want;

    if (pending_encrypted_alert(c, buf, len)) {
        want = better_alert(c, c->ssl.alert_type);
        if (want >= 0) {
            uncount_record(&c->ssl);
            c->alert.replace = want;
            return NULL;
        }
        return buf;
    }
    if (len > PB_ALERT_RECORD_LEN || c->ssl.transform_out != NULL) {
        return buf; /* not a lone plaintext alert */
    }
    if (a->body_left == 0 && a->hdr_have == 0) {
        if (len < PB_ALERT_RECORD_LEN || buf[0] != REC_ALERT || buf[3] != 0 ||
            buf[4] != 2) {
            return buf;
        }
        at = PB_ALERT_RECORD_LEN - 1;
    } else if (a->body_left > 0 && a->in_alert && a->hdr[0] == REC_ALERT &&
               a->body_len == 2 && a->body_left <= 2 && a->body_left <= len) {
        /* The rest of an alert a short send cut. */
        at = a->body_left - 1;
    } else {
        return buf;
    }
    want = better_alert(c, buf[at]);
    if (want < 0) {
        return buf;
    }
    memcpy(tmp, buf, len);
    tmp[at] = (unsigned char)want;
    return tmp;
}

/* ---- The table ---- */

static int is_asn1_error(int ret)
{
    int low = -(-ret & 0x7F); /* the low-level part of a combined code */
    return low <= MBEDTLS_ERR_ASN1_OUT_OF_DATA &&
           low >= MBEDTLS_ERR_ASN1_BUF_TOO_SMALL;
}

/* The length of the incoming record's header. */
static size_t in_record_len(const struct pb_conn *c)
{
    const unsigned char *h = c->ssl.in_hdr;
    return h == NULL ? 0 : ((size_t)h[3] << 8) | h[4];
}

/* The longest record the peer may send now: 2^14 of plaintext, plus the
 * expansion once records are protected (RFC 8446 5.2 allows 256, RFC 5246
 * 6.2.3 2048). */
static size_t record_max(const struct pb_conn *c)
{
    return MBEDTLS_SSL_IN_CONTENT_LEN +
           (c->ssl.transform_in == NULL ? 0u : 2048u);
}

enum { TOO_LONG_NO, TOO_LONG_RECORD, TOO_LONG_MESSAGE };

/* After MBEDTLS_ERR_SSL_BAD_INPUT_DATA: what did not fit mbedTLS's input
 * buffer (MBEDTLS_SSL_IN_CONTENT_LEN), if anything. */
static int too_long(const struct pb_conn *c)
{
    if (c->ssl.in_hdr == NULL) {
        return TOO_LONG_NO;
    }
    if (in_record_len(c) > record_max(c)) {
        return TOO_LONG_RECORD;
    }
    if (c->ssl.in_hslen > MBEDTLS_SSL_IN_CONTENT_LEN) {
        return TOO_LONG_MESSAGE;
    }
    return TOO_LONG_NO;
}

/* A record mbedTLS refused as MBEDTLS_ERR_SSL_INVALID_RECORD: its header
 * says which rule it broke. */
static int record_alert(const struct pb_conn *c)
{
    const unsigned char *h = c->ssl.in_hdr;
    size_t len;

    if (h == NULL) {
        return MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
    }
    len = ((size_t)h[3] << 8) | h[4];
    if (h[0] < MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC ||
        h[0] > MBEDTLS_SSL_MSG_APPLICATION_DATA) {
        /* RFC 8446 §5: an unknown content type. */
        return MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
    }
    if (len > record_max(c)) {
        /* RFC 8446 §5.2 / RFC 5246 §6.2.3: longer than the maximum. */
        return MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW;
    }
    if (len == 0 && h[0] != MBEDTLS_SSL_MSG_APPLICATION_DATA) {
        /* RFC 8446 §5.1: zero-length handshake or alert fragments. */
        return MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
    }
    return MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
}

/* Handshake states in which the peer's key exchange is processed. */
static int in_key_exchange(const struct pb_conn *c)
{
    int st = c->ssl.state;

    if (c->is_server) {
        /* TLS 1.2 ClientKeyExchange; TLS 1.3 key_share is used while the
         * ServerHello is made. */
        return st == MBEDTLS_SSL_CLIENT_KEY_EXCHANGE ||
               st == MBEDTLS_SSL_CLIENT_HELLO ||
               st == MBEDTLS_SSL_SERVER_HELLO ||
               st == MBEDTLS_SSL_ENCRYPTED_EXTENSIONS;
    }
    return st == MBEDTLS_SSL_SERVER_KEY_EXCHANGE ||
           st == MBEDTLS_SSL_SERVER_HELLO;
}

static int in_certificate_verify(const struct pb_conn *c)
{
    int st = c->ssl.state;
    return st == MBEDTLS_SSL_CERTIFICATE_VERIFY ||
           st == MBEDTLS_SSL_CLIENT_CERTIFICATE_VERIFY ||
           (c->is_server && st == MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC);
}

int pb_mbedtls_alert_for(const struct pb_conn *c, int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_SSL_WANT_READ:
    case MBEDTLS_ERR_SSL_WANT_WRITE:
    case MBEDTLS_ERR_SSL_CONN_EOF:
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
    case MBEDTLS_ERR_NET_SEND_FAILED:
    case MBEDTLS_ERR_NET_RECV_FAILED:
        return -1; /* the peer is gone or ended it: nothing to say */
    case MBEDTLS_ERR_SSL_DECODE_ERROR:
        return kex_value_refused(c, ret)
                   ? MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER
                   : MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
    case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
        return MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
    case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
        return MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
    case MBEDTLS_ERR_SSL_INVALID_MAC:
        return MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC;
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
        return record_alert(c);
    case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
        return MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
        /* RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6. */
        return mbedtls_ssl_get_version_number(&c->ssl) ==
                       MBEDTLS_SSL_VERSION_TLS1_3
                   ? MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED
                   : MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
        return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    case MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME:
        return MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME;
    case MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY:
        return MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY;
    case MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL:
        return MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_SSL_INTERNAL_ERROR:
        return MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
    case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
        return MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
        /* mbedTLS's input buffer cannot hold it: a record longer than
         * allowed, or a handshake message longer than the buffer (OpenSSL
         * and BoringSSL answer an excessive message size with
         * illegal_parameter). */
        switch (too_long(c)) {
        case TOO_LONG_RECORD:
            return MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW;
        case TOO_LONG_MESSAGE:
            return MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
        default:
            break;
        }
        break;
    default:
        break;
    }
    if (!c->handshake_done && in_certificate_verify(c)) {
        /* RFC 8446 §4.4.3 / RFC 5246 §7.4.8: a signature that does not
         * parse is decode_error, one that does not verify decrypt_error. */
        return is_asn1_error(ret) || ret == MBEDTLS_ERR_PK_SIG_LEN_MISMATCH ||
                       ret == MBEDTLS_ERR_ECP_BAD_INPUT_DATA
                   ? MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR
                   : MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR;
    }
    if (!c->handshake_done && in_key_exchange(c)) {
        /* A public value the crypto refuses (not on the curve, the wrong
         * size, an all-zero X25519 result): RFC 8446 §4.2.8 and §7.4,
         * RFC 8422 §5.10. */
        return MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
    }
    return c->handshake_done ? -1 : MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
}

/* mbedTLS sends no alert while records are waiting in its output buffer
 * (mbedtls_ssl_send_alert_message flushes them instead, and its pending
 * alerts are lost that way: a TLS 1.3 server failing on the client's key
 * share after writing its ServerHello). Plaintext records of which nothing
 * left yet are dropped: after a fatal error only the alert goes. */
static void drop_unsent(struct pb_conn *c)
{
    mbedtls_ssl_context *s = &c->ssl;

    if (s->out_left == 0 || s->transform_out != NULL ||
        s->conf->transport != MBEDTLS_SSL_TRANSPORT_STREAM ||
        s->out_hdr - s->out_left != s->out_buf) {
        return;
    }
    s->out_hdr = s->out_buf;
    s->out_left = 0;
    s->out_len = s->out_hdr + 3;
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    s->out_cid = s->out_len;
#endif
    s->out_iv = s->out_hdr + 5;
    s->out_msg = s->out_iv;
}

void pb_mbedtls_alert_hello_failed(struct pb_conn *c)
{
    const mbedtls_ssl_context *s = &c->ssl;
    char why[8];

    if (c->alert.hello_check != NULL && s->in_msg != NULL && s->in_hslen >= 4 &&
        s->in_hslen <= s->in_msglen &&
        s->in_msg[0] == MBEDTLS_SSL_HS_CLIENT_HELLO) {
        /* Its judgement does not matter: mbedTLS refused the hello. */
        (void)c->alert.hello_check(c->owner, s->in_msg + 4, s->in_hslen - 4,
                                   why, sizeof(why));
    }
}

int pb_mbedtls_alert_hello(struct pb_conn *c)
{
    const mbedtls_ssl_context *s = &c->ssl;
    int a;

    if (c->alert.hello_check == NULL || s->in_msg == NULL || s->in_hslen < 4 ||
        s->in_msg[0] != MBEDTLS_SSL_HS_CLIENT_HELLO) {
        return 0;
    }
    a = c->alert.hello_check(c->owner, s->in_msg + 4, s->in_hslen - 4,
                             c->alert.refused_why,
                             sizeof(c->alert.refused_why));
    if (a <= 0 || a > 255) {
        return 0;
    }
    c->alert.refused = a;
    c->alert.refused_msg = "ClientHello";
    c->alert.refused_rfc = "RFC 8446 4.2";
    switch (a) {
    case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER:
        return MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER;
    case MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR:
        return MBEDTLS_ERR_SSL_DECODE_ERROR;
    default:
        return MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE;
    }
}

int pb_mbedtls_alert_abort(struct pb_conn *c, int ret)
{
    int a, i;

    c->alert.ret = ret;
    if (c->alert.sent || c->io_status != 0) {
        return -1;
    }
    if (c->alert.refused != 0) {
        a = c->alert.refused; /* the ClientHello stage's */
    } else if (c->alert.replace != 0) {
        a = c->alert.replace; /* for mbedTLS's, which did not leave */
    } else if (c->ssl.send_alert == 0 && c->ssl.alert_reason == ret &&
               c->ssl.alert_type != 0 &&
               c->ssl.alert_type != MBEDTLS_SSL_ALERT_MSG_NO_CERT) {
        /* mbedTLS chose an alert for this error but it never left. */
        a = c->ssl.alert_type;
    } else {
        a = pb_mbedtls_alert_for(c, ret);
    }
    if (a < 0) {
        return -1;
    }
    drop_unsent(c);
    /* With records still unsent, the first call only flushes them. Best
     * effort: a full transport drops the alert (the connection is over). */
    for (i = 0; i < 2 && !c->alert.sent && c->io_status == 0; i++) {
        if (mbedtls_ssl_send_alert_message(&c->ssl,
                                           MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                           (unsigned char)a) != 0) {
            break;
        }
    }
    if (c->alert.sent) {
        c->alert.sent_desc = a;
    }
    return a;
}

void pb_mbedtls_alert_step(struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_context *s = &c->ssl;
    int st = s->state;

    /* mbedTLS 3.6 keeps writing with the server's handshake keys until the
     * client's Finished (mbedtls_ssl_tls13_handshake_wrapup), but a server
     * writes with server_application_traffic_secret_0 once its Finished
     * is sent (RFC 8446 section 2, figure 1; section 7.1), and that is
     * what OpenSSL, GnuTLS and Node read with: an alert about the
     * client's Certificate, CertificateVerify or Finished reached them as
     * bad_record_mac. The server sends nothing else before the wrap-up,
     * which sets the same keys again (sequence number 0: nothing left
     * under them unless an alert did, which ends the connection). */
    if (!c->is_server || s->transform_application == NULL ||
        s->transform_out == NULL ||
        s->transform_out == s->transform_application ||
        st == MBEDTLS_SSL_SERVER_FINISHED ||
        st == MBEDTLS_SSL_HANDSHAKE_WRAPUP ||
        st == MBEDTLS_SSL_HANDSHAKE_OVER) {
        return;
    }
    s->transform_out = s->transform_application;
    memset(s->cur_out_ctr, 0, sizeof(s->cur_out_ctr));
#else
    (void)c;
#endif
}

int pb_conn_alert_sent(const struct pb_conn *c)
{
    return pb_mbedtls_alert_sent(c);
}

int pb_mbedtls_alert_sent(const struct pb_conn *c)
{
    if (!c->alert.sent) {
        return -1;
    }
    if (c->alert.sent_desc >= 0) {
        return c->alert.sent_desc;
    }
    /* Encrypted: what mbedTLS chose when it pended the alert for this
     * error, or the one it sends for a record that does not decrypt
     * (ssl_msg.c). */
    if (c->ssl.alert_type != 0 && c->ssl.alert_reason == c->alert.ret) {
        return c->ssl.alert_type;
    }
    if (c->alert.ret == MBEDTLS_ERR_SSL_INVALID_MAC) {
        return MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC;
    }
    return 256; /* sent, description unknown */
}

void pb_mbedtls_alert_note(const struct pb_conn *c, char *err, size_t errlen)
{
    int a = pb_mbedtls_alert_sent(c);
    const char *name;
    size_t n;

    if (a < 0 || err == NULL || errlen == 0 || strstr(err, "alert") != NULL) {
        return;
    }
    name = a < 256 ? pb_alert_name(a) : NULL;
    if (name != NULL && strstr(err, name) != NULL) {
        return; /* the message names it already */
    }
    n = strlen(err);
    if (name != NULL) {
        snprintf(err + n, errlen - n, " (sent alert %s)", name);
    } else if (a < 256) {
        snprintf(err + n, errlen - n, " (sent alert %d)", a);
    } else {
        snprintf(err + n, errlen - n, " (sent a fatal alert)");
    }
}

/* ---- Messages ---- */

static int finished_state(const struct pb_conn *c)
{
    int st = c->ssl.state;
    return st == MBEDTLS_SSL_CLIENT_FINISHED ||
           st == MBEDTLS_SSL_SERVER_FINISHED;
}

/* The peer sent no RFC 5746 signal and we require one (mbedTLS breaks
 * such handshakes: MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE). */
static int no_reneg_signal(const struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
    return mbedtls_ssl_get_version_number(&c->ssl) ==
               MBEDTLS_SSL_VERSION_TLS1_2 &&
           c->ssl.secure_renegotiation != MBEDTLS_SSL_SECURE_RENEGOTIATION &&
           c->ssl.conf->allow_legacy_renegotiation ==
               MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE &&
           (c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO ||
            c->ssl.state == MBEDTLS_SSL_SERVER_HELLO ||
            /* a client: mbedTLS moves on before judging the ServerHello */
            (!c->is_server && c->ssl.state == MBEDTLS_SSL_SERVER_CERTIFICATE));
#else
    (void)c;
    return 0;
#endif
}

/* A record mbedTLS refused (INVALID_RECORD, or too long for its buffer):
 * what it was. A server that has seen no ClientHello yet says "not a TLS
 * handshake" first (a plain HTTP client, a scanner). 0 when nothing is
 * known. */
static int explain_record(const struct pb_conn *c, const char *op,
                          const char *sent, char *err, size_t errlen)
{
    const unsigned char *h = c->ssl.in_hdr;
    size_t len = in_record_len(c);
    char what[80];
    const char *rfc = "RFC 8446 5.1";
    int st = c->ssl.state;

    if (h == NULL) {
        return 0;
    }
    if (h[0] < MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC ||
        h[0] > MBEDTLS_SSL_MSG_APPLICATION_DATA) {
        snprintf(what, sizeof(what), "a record of unknown content type %u",
                 (unsigned)h[0]);
        rfc = "RFC 8446 5";
    } else if (len > record_max(c)) {
        snprintf(what, sizeof(what),
                 "a record of %u bytes, longer than the %u TLS allows",
                 (unsigned)len, (unsigned)record_max(c));
    } else if (h[0] == MBEDTLS_SSL_MSG_ALERT && len != 2) {
        if (len == 0) {
            snprintf(what, sizeof(what), "an empty alert record");
        } else {
            snprintf(what, sizeof(what), "a malformed alert record of %u bytes",
                     (unsigned)len);
        }
        rfc = "RFC 8446 6";
    } else if (h[0] == MBEDTLS_SSL_MSG_HANDSHAKE && len == 0) {
        snprintf(what, sizeof(what), "an empty handshake record");
    } else {
        return 0;
    }
    pb_mbedtls_msg(err, errlen, "%s: %sthe %s sent %s (%s; sent alert %s)", op,
                   c->is_server && !c->handshake_done &&
                           (st == MBEDTLS_SSL_HELLO_REQUEST ||
                            st == MBEDTLS_SSL_CLIENT_HELLO)
                       ? "not a TLS handshake: "
                       : "",
                   c->is_server ? "client" : "server", what, rfc, sent);
    return 1;
}

/* A ClientHello that ends after its compression methods (RFC 5246
 * 7.4.1.2: extensions are optional; an old TLS 1.2 client, a scanner).
 * mbedTLS 3.6's TLS 1.3 server code reads the extensions' length before it
 * looks for supported_versions and answers decode_error (mbedTLS issue
 * 9963). 1 when the message in in_msg is whole and is such a hello. */
static int hello_without_extensions(const struct pb_conn *c)
{
    const unsigned char *m = c->ssl.in_msg;
    size_t len, off = 4 + 2 + 32;

    if (m == NULL || c->ssl.in_msglen < 4 ||
        m[0] != MBEDTLS_SSL_HS_CLIENT_HELLO) {
        return 0;
    }
    len = (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
    if (4 + len > c->ssl.in_msglen || off + 1 > 4 + len) {
        return 0;
    }
    off += 1 + m[off]; /* session id */
    if (off + 2 > 4 + len) {
        return 0;
    }
    off += 2 + ((size_t)m[off] << 8 | m[off + 1]); /* cipher suites */
    if (off + 1 > 4 + len) {
        return 0;
    }
    off += 1 + m[off]; /* compression methods */
    return off == 4 + len;
}

/* Refused input: records and key exchanges (the cases of the table
 * whose mbedTLS codes say little or mislead: "Bad input parameters",
 * "invalid record", "could not be parsed"). */
static int explain_input(const struct pb_conn *c, int ret, const char *op,
                         const char *sent, char *err, size_t errlen)
{
    const char *peer = c->is_server ? "client" : "server";

    if (kex_value_refused(c, ret)) {
        if (kex_type(c) == MBEDTLS_KEY_EXCHANGE_DHE_RSA) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the client's ClientKeyExchange DH value is "
                           "out of range (RFC 7919 5.1; sent alert %s)",
                           op, sent);
        } else {
            pb_mbedtls_msg(err, errlen,
                           "%s: the client's ClientKeyExchange point is not "
                           "a valid %s public key (RFC 8422 5.10; sent alert "
                           "%s)",
                           op, kex_curve_name(c), sent);
        }
        return 1;
    }
    if (ret == MBEDTLS_ERR_SSL_DECODE_ERROR && c->is_server &&
        !c->handshake_done && c->ssl.state == MBEDTLS_SSL_CLIENT_KEY_EXCHANGE &&
        kex_shape(c) == KEX_MALFORMED) {
        pb_mbedtls_msg(err, errlen,
                       "%s: the client's ClientKeyExchange does not parse "
                       "(sent alert %s)",
                       op, sent);
        return 1;
    }
    if (c->is_server && !c->handshake_done &&
        c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO && c->ssl.in_msg != NULL &&
        c->ssl.in_msgtype == MBEDTLS_SSL_MSG_HANDSHAKE &&
        c->ssl.in_msglen >= 4) {
        if (ret == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE &&
            c->ssl.in_msg[0] != MBEDTLS_SSL_HS_CLIENT_HELLO) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the client sent a handshake message of type "
                           "%u where a ClientHello belongs (RFC 8446 4; "
                           "sent alert %s)",
                           op, (unsigned)c->ssl.in_msg[0], sent);
            return 1;
        }
        if (ret == MBEDTLS_ERR_SSL_DECODE_ERROR &&
            hello_without_extensions(c)) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the client's ClientHello has no extensions "
                           "(a TLS 1.2 client), which mbedTLS 3.6 refuses "
                           "while TLS 1.3 is enabled (mbedTLS issue 9963; "
                           "sent alert %s)",
                           op, sent);
            return 1;
        }
        if (ret == MBEDTLS_ERR_SSL_DECODE_ERROR &&
            c->ssl.in_msg[0] == MBEDTLS_SSL_HS_CLIENT_HELLO) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the client's ClientHello does not parse "
                           "(RFC 8446 4.1.2; sent alert %s)",
                           op, sent);
            return 1;
        }
    }
    if (ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA) {
        switch (too_long(c)) {
        case TOO_LONG_RECORD:
            return explain_record(c, op, sent, err, errlen);
        case TOO_LONG_MESSAGE:
            pb_mbedtls_msg(err, errlen,
                           "%s: the %s's %s is %u bytes, more than the %u "
                           "petls can take (MBEDTLS_SSL_IN_CONTENT_LEN; sent "
                           "alert %s)",
                           op, peer,
                           c->is_server &&
                                   c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO
                               ? "ClientHello"
                               : "handshake message",
                           (unsigned)(c->ssl.in_hslen - 4),
                           (unsigned)MBEDTLS_SSL_IN_CONTENT_LEN, sent);
            return 1;
        default:
            break;
        }
        if (!c->handshake_done && in_key_exchange(c)) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the %s's key share is not a valid public key "
                           "of its group (RFC 8446 4.2.8; sent alert %s)",
                           op, peer, sent);
            return 1;
        }
    }
    if (ret == MBEDTLS_ERR_SSL_INVALID_RECORD) {
        return explain_record(c, op, sent, err, errlen);
    }
    return 0;
}

int pb_mbedtls_alert_explain(struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen)
{
    int sent = pb_mbedtls_alert_sent(c);
    const char *sent_name =
        sent >= 0 && sent < 256 ? pb_alert_name(sent) : NULL;

    if (sent_name == NULL) {
        sent_name = "a fatal alert";
    }
    if (c->alert.refused != 0 && ret == c->alert.ret) {
        const char *name = pb_alert_name(c->alert.refused);
        pb_mbedtls_msg(
            err, errlen, "%s: the client's %s %s (%s; sent alert %s)", op,
            c->alert.refused_msg, c->alert.refused_why, c->alert.refused_rfc,
            name != NULL ? name : "a fatal alert");
        return 1;
    }
    if (explain_input(c, ret, op, sent_name, err, errlen)) {
        return 1;
    }
    if (ret == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE) {
        pb_mbedtls_msg(err, errlen,
                       "%s: the client sent no certificate (one is "
                       "required; sent alert %s)",
                       op, sent_name);
        return 1;
    }
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && !c->is_server &&
        c->ssl.in_msg != NULL && c->ssl.in_msglen == 2 &&
        (c->ssl.in_msg[1] == MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED ||
         (c->ssl.in_msg[1] == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE &&
          c->alert.empty_cert))) {
        /* TLS 1.3 says so; a TLS 1.2 server that asked for a certificate
         * and got none answers handshake_failure (RFC 5246 7.4.6). */
        pb_mbedtls_msg(err, errlen,
                       "%s: the server requires a client certificate (peer "
                       "sent fatal alert %s)",
                       op, pb_alert_name(c->ssl.in_msg[1]));
        return 1;
    }
    if (ret != MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE || c->handshake_done) {
        return 0;
    }
    /* TLS 1.2: mbedTLS sends decrypt_error, encrypted (unreadable here),
     * and only then fails with HANDSHAKE_FAILURE: nothing else fails so
     * there. */
    if (finished_state(c) &&
        (sent == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR ||
         (sent == 256 && mbedtls_ssl_get_version_number(&c->ssl) ==
                             MBEDTLS_SSL_VERSION_TLS1_2))) {
        pb_mbedtls_msg(err, errlen,
                       "%s: the peer's Finished does not verify (wrong "
                       "keys or a tampered handshake; sent alert "
                       "decrypt_error)",
                       op);
        return 1;
    }
    /* mbedTLS's state is still the ClientHello, or the HelloRetryRequest
     * when its judgement of the key shares came first. */
    if (c->is_server &&
        (c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO ||
         c->ssl.state == MBEDTLS_SSL_HELLO_RETRY_REQUEST) &&
        sent == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR) {
        pb_mbedtls_msg(err, errlen,
                       "%s: the client's PSK binder does not verify (a "
                       "damaged or foreign ticket, or a wrong key; sent "
                       "alert decrypt_error)",
                       op);
        return 1;
    }
    if (no_reneg_signal(c)) {
        pb_mbedtls_msg(err, errlen,
                       "%s: the %s sent no RFC 5746 secure renegotiation "
                       "signal (renegotiation_info), which petls requires "
                       "(sent alert %s)",
                       op, c->is_server ? "client" : "server", sent_name);
        return 1;
    }
    return 0;
}
