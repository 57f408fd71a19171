/*
 * Connections on mbedTLS: transport glue, handshake, records, close_notify,
 * and turning mbedTLS error codes into PB_* codes with readable messages.
 */

/* Private access is needed for three things only. (1) The description of a
 * fatal alert the peer sent: mbedTLS 3.6 returns
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE without any public way to learn which
 * alert it was; the alert is the second byte of the record still held in
 * ssl->in_msg (or, for a plaintext alert that failed decryption, right after
 * the header in ssl->in_hdr). (2) Whether the last record we sent was an
 * alert (ssl->out_msgtype), to send handshake_failure where mbedTLS aborts
 * a negotiation silently. (3) The handshake state (ssl->state), to explain
 * a known mbedTLS 3.6.6 TLS 1.2 failure. Nothing else in this file touches
 * private fields. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

/* ---- Transport glue ---- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct pb_conn *c = ctx;
    unsigned char fixed[PB_ALERT_RECORD_LEN];
    int r;

    if (len > INT_MAX) {
        len = INT_MAX;
    }
    buf = pb_mbedtls_alert_outgoing(c, buf, len, fixed);
    if (buf == NULL) {
        return (int)len; /* replaced by the right alert (mbedtls_alert.c) */
    }
    r = c->send(c->io, buf, len);
    if (r > 0) {
        pb_mbedtls_alert_watch(c, buf, (size_t)r);
        return r;
    }
    switch (r) {
    case PB_WANT_READ:
        return MBEDTLS_ERR_SSL_WANT_READ;
    case PB_WANT_WRITE:
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    case PB_ERR_TIMEOUT:
        c->io_status = PB_ERR_TIMEOUT;
        return MBEDTLS_ERR_NET_SEND_FAILED;
    default:
        /* 0 bytes sent is no progress: treat it as a transport error. */
        c->io_status = PB_ERR;
        return MBEDTLS_ERR_NET_SEND_FAILED;
    }
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct pb_conn *c = ctx;
    int r;

    if (len > INT_MAX) {
        len = INT_MAX;
    }
    r = c->recv(c->io, buf, len);
    if (r >= 0) {
        return r; /* 0: EOF, mbedTLS reports MBEDTLS_ERR_SSL_CONN_EOF */
    }
    switch (r) {
    case PB_WANT_READ:
        return MBEDTLS_ERR_SSL_WANT_READ;
    case PB_WANT_WRITE:
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    case PB_ERR_TIMEOUT:
        c->io_status = PB_ERR_TIMEOUT;
        return MBEDTLS_ERR_NET_RECV_FAILED;
    default:
        c->io_status = PB_ERR;
        return MBEDTLS_ERR_NET_RECV_FAILED;
    }
}

/* ---- Error mapping ---- */

static int is_cert_alert(unsigned char a)
{
    return (a >= 42 && a <= 46) || a == 48 || a == 49 || a == 116;
}

/* A TLS 1.3 peer that fails while it has no handshake keys yet (an mbedTLS
 * client rejecting the server's certificate does so) sends its alert in
 * plaintext, while we already expect encrypted records: decryption fails.
 * An encrypted record is never 2 bytes long, so a 2-byte alert record is
 * that plaintext alert. Returns 1 and its description, or 0. */
static int plaintext_alert(const struct pb_conn *c, unsigned char *desc)
{
    const unsigned char *h = c->ssl.in_hdr;

    /* The failed record was consumed (in_left is 0) but its bytes are still
     * in the input buffer. */
    if (h == NULL) {
        return 0;
    }
    if (h[0] == MBEDTLS_SSL_MSG_ALERT && h[3] == 0 && h[4] == 2 &&
        h[5] == MBEDTLS_SSL_ALERT_LEVEL_FATAL) {
        *desc = h[6];
        return 1;
    }
    return 0;
}

static int peer_alert(unsigned char a, const char *op, char *err, size_t errlen)
{
    const char *name;
    char num[16];

    name = pb_alert_name(a);
    if (name == NULL) {
        snprintf(num, sizeof(num), "%u", (unsigned)a);
        name = num;
    }
    if (is_cert_alert(a)) {
        pb_mbedtls_msg(err, errlen,
                       "%s: peer rejected our certificate (alert %s)", op,
                       name);
    } else {
        pb_mbedtls_msg(err, errlen, "%s: peer sent fatal alert %s", op, name);
    }
    return PB_ERR;
}

/* Maps a failed mbedTLS call (not WANT_*) to a PB_* code and a message. */
static int map_error(struct pb_conn *c, int ret, const char *op, char *err,
                     size_t errlen)
{
    uint32_t vr;
    unsigned char alert;

    if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
        return PB_WANT_READ;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return PB_WANT_WRITE;
    }
    if (c->io_status != 0) {
        int st = c->io_status;
        c->io_status = 0;
        if (st == PB_ERR_TIMEOUT) {
            pb_mbedtls_msg(err, errlen, "%s: transport timed out", op);
        } else {
            pb_mbedtls_msg(err, errlen, "%s: transport error", op);
        }
        return st;
    }
    if (pb_mbedtls_vhost_explain(c, ret, op, err, errlen)) {
        return PB_ERR;
    }
    if (pb_mbedtls_nego_explain(c, ret, op, err, errlen)) {
        return PB_ERR;
    }
    if (pb_mbedtls_alert_explain(c, ret, op, err, errlen)) {
        return PB_ERR;
    }
#if defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_SSL_PROTO_TLS1_2)
    if (ret == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER && !c->is_server &&
        !c->handshake_done && c->ssl.state == MBEDTLS_SSL_SERVER_KEY_EXCHANGE &&
        mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        /* Say what is known to go wrong here: a TLS 1.2 server choosing
         * RSA-PSS from the list a TLS 1.2+1.3 client offers. */
        pb_mbedtls_msg(err, errlen,
                       "%s: mbed TLS refused the TLS 1.2 server's key "
                       "exchange signature (likely RSA-PSS, which mbed TLS "
                       "3.6.6 rejects in TLS 1.2 when TLS 1.3 is also "
                       "enabled, Mbed-TLS/mbedtls#10672; allowing only "
                       "TLSv1.2 for this server avoids it)",
                       op);
        return PB_ERR;
    }
#endif
    switch (ret) {
    case MBEDTLS_ERR_SSL_CONN_EOF:
        pb_mbedtls_msg(err, errlen,
                       "%s: connection closed by the peer without "
                       "close_notify",
                       op);
        return PB_EOF;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        pb_mbedtls_msg(err, errlen, "%s: peer closed the connection", op);
        return PB_ERR;
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        alert = 0;
        if (c->ssl.in_msg != NULL && c->ssl.in_msglen == 2) {
            alert = c->ssl.in_msg[1];
        }
        return peer_alert(alert, op, err, errlen);
    case MBEDTLS_ERR_SSL_INVALID_MAC:
        if (plaintext_alert(c, &alert)) {
            return peer_alert(alert, op, err, errlen);
        }
        pb_mbedtls_err(err, errlen, ret, "%s: record authentication failed",
                       op);
        return PB_ERR;
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    case MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED:
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
        pb_mbedtls_msg(err, errlen, "%s: peer certificate verification failed",
                       op);
        return PB_ERR_VERIFY;
    case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
        vr = mbedtls_ssl_get_verify_result(&c->ssl);
        if (vr != 0 && vr != 0xFFFFFFFFu) {
            pb_mbedtls_msg(err, errlen,
                           "%s: peer certificate verification failed", op);
            return PB_ERR_VERIFY;
        }
        pb_mbedtls_err(err, errlen, ret, "%s: bad certificate message", op);
        return PB_ERR;
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
        if (!c->handshake_done) {
            pb_mbedtls_err(err, errlen, ret,
                           "%s: not a TLS handshake: invalid record", op);
        } else {
            pb_mbedtls_err(err, errlen, ret, "%s: invalid record", op);
        }
        return PB_ERR;
    case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
    case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
        pb_mbedtls_err(err, errlen, ret,
                       "%s: no shared cipher suite or protocol version", op);
        return PB_ERR;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
        pb_mbedtls_msg(err, errlen, "%s: out of memory", op);
        return PB_ERR;
    default:
        pb_mbedtls_err(err, errlen, ret, "%s failed", op);
        return PB_ERR;
    }
}

/* A failed connection stays failed: mbedTLS contexts are unusable after a
 * fatal error, and later calls must not run the state machine on. */
static int failed_before(struct pb_conn *c, char *err, size_t errlen)
{
    if (c->failed != 0) {
        pb_mbedtls_msg(err, errlen, "the connection failed earlier");
        return c->failed;
    }
    return 0;
}

static int record_failure(struct pb_conn *c, int pb)
{
    if (pb != PB_WANT_READ && pb != PB_WANT_WRITE) {
        c->failed = pb;
    }
    return pb;
}

/* ---- Lifecycle ---- */

struct pb_conn *pb_conn_new(struct pb_config *cfg,
                            const struct pb_conn_params *p, char *err,
                            size_t errlen)
{
    const mbedtls_ssl_config *conf;
    struct pb_conn *c;
    int ret;

    if (cfg == NULL || !cfg->frozen) {
        pb_mbedtls_msg(err, errlen, "the configuration is not ready");
        return NULL;
    }
    if (p->send == NULL || p->recv == NULL) {
        pb_mbedtls_msg(err, errlen, "no transport callbacks");
        return NULL;
    }
    c = petls_port_calloc(1, sizeof(*c));
    if (c == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return NULL;
    }
    mbedtls_ssl_init(&c->ssl);
    c->cfg = cfg;
    c->is_server = p->is_server != 0;
    c->send = p->send;
    c->recv = p->recv;
    c->io = p->io;
    if (!c->is_server && p->verify_name != NULL) {
        size_t n = strlen(p->verify_name);
        c->verify_name = petls_port_calloc(1, n + 1);
        if (c->verify_name == NULL) {
            pb_mbedtls_msg(err, errlen, "out of memory");
            goto fail;
        }
        memcpy(c->verify_name, p->verify_name, n);
    }
    c->owner = p->owner;
    c->alert.hello_check = c->is_server ? p->hello_check : NULL;
    conf = c->is_server ? &cfg->server : &cfg->client;
    if (c->is_server && p->no_tls12_tickets && cfg->have_server_noticket) {
        conf = &cfg->server_noticket; /* stateful: TLS 1.2 by session ID */
    }
    if (pb_mbedtls_vhost_conn(c, p, &conf, err, errlen) != 0) {
        goto fail;
    }
    conf = pb_mbedtls_nego_conn_conf(c, conf, p, err, errlen);
    if (conf == NULL) {
        goto fail;
    }
    ret = mbedtls_ssl_setup(&c->ssl, conf);
    if (ret != 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot set up the connection");
        goto fail;
    }
    pb_mbedtls_nego_conn_attach(c);
    mbedtls_ssl_set_user_data_p(&c->ssl, c);
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_ssl_set_verify(&c->ssl, pb_mbedtls_verify_cb, c);
#endif
    if (!c->is_server) {
#if defined(MBEDTLS_X509_CRT_PARSE_C)
        /* Sets the SNI. mbedTLS >= 3.6.3 also refuses to verify a server
         * without a call here; NULL (no SNI) says so explicitly. Its own
         * name check against the SNI is replaced by ours in the verify
         * callback (verify_name may be an IP literal, never sent as SNI). */
        ret = mbedtls_ssl_set_hostname(&c->ssl, p->sni);
        if (ret != 0) {
            pb_mbedtls_err(err, errlen, ret, "cannot set the server name");
            goto fail;
        }
#endif
        /* Without X.509 mbedTLS has no server_name extension: no SNI is
         * sent, and the PSK identity is what selects the server's key. */
        /* A session that does not load (another mbedTLS build, damaged
         * bytes) is not offered: a full handshake, not an error. */
        if (p->session != NULL && p->session_len > 0) {
            (void)pb_mbedtls_client_set_session(c, p->session, p->session_len);
        }
    }
    return c;

fail:
    pb_conn_free(c);
    return NULL;
}

void pb_conn_free(struct pb_conn *c)
{
    if (c == NULL) {
        return;
    }
    mbedtls_ssl_free(&c->ssl); /* zeroizes keys and buffers */
    pb_mbedtls_psk_ke_free(c); /* ssl.conf may have pointed to it */
    pb_mbedtls_vhost_conn_free(c);
    pb_mbedtls_nego_conn_free(c);
    pb_mbedtls_cert_cache_free(c);
    pb_mbedtls_certinfo_free(c);
    pb_mbedtls_kept_free(c);
    petls_port_free(c->verify_name);
    petls_port_free(c->sni);
    mbedtls_platform_zeroize(c, sizeof(*c));
    petls_port_free(c);
}

/* ---- Handshake and records ---- */

int pb_conn_handshake(struct pb_conn *c, char *err, size_t errlen)
{
    int ret, pb;

    if (c->handshake_done) {
        return 0;
    }
    if ((ret = failed_before(c, err, errlen)) != 0) {
        return ret;
    }
    c->io_status = 0;
    ret = pb_mbedtls_session_handshake(c);
    if (ret == 0) {
        c->handshake_done = 1;
        pb_mbedtls_trim_peer_chain(c);
        pb_mbedtls_handshake_leftovers(c);
        pb_mbedtls_buffers_idle(c);
        return 0;
    }
    /* Exactly one fatal alert: the one the table chooses, unless mbedTLS
     * sent its own (mbedtls_alert.c). */
    (void)pb_mbedtls_alert_abort(c, ret);
    pb = pb_mbedtls_session_explain(
        c, map_error(c, ret, "handshake", err, errlen), err, errlen);
    pb_mbedtls_alert_note(c, err, errlen);
    return record_failure(c, pb);
}

static ssize_t conn_read(struct pb_conn *c, void *buf, size_t len, char *err,
                         size_t errlen)
{
    int ret, r;

    if ((ret = failed_before(c, err, errlen)) != 0) {
        return ret;
    }
    if (c->peer_closed) {
        return 0;
    }
    if (len > INT_MAX) {
        len = INT_MAX; /* mbedTLS returns an int */
    }
    for (;;) {
        c->io_status = 0;
        ret = pb_mbedtls_session_read(c, buf, len);
        if ((r = pb_mbedtls_nego_after_read(c, ret, err, errlen)) != 0) {
            return record_failure(c, r);
        }
        if (ret > 0) {
            return ret;
        }
        if (ret == 0 && len == 0) {
            return 0;
        }
        if (ret == 0 && c->io_status == 0) {
            /* mbedTLS turns a transport EOF into 0. */
            pb_mbedtls_msg(err, errlen,
                           "read: connection closed by the peer without "
                           "close_notify (truncated)");
            return record_failure(c, PB_EOF);
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            c->peer_closed = 1;
            return 0;
        }
        return record_failure(c, map_error(c, ret, "read", err, errlen));
    }
}

static ssize_t conn_write(struct pb_conn *c, const void *buf, size_t len,
                          char *err, size_t errlen)
{
    const unsigned char *p = buf;
    int ret;

    if ((ret = failed_before(c, err, errlen)) != 0) {
        return ret;
    }
    if (len == 0) {
        return 0;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    /* mbedtls_ssl_write sends at most one record; loop so that a positive
     * return covers all of len. After WANT_*, the caller repeats the call
     * with the same data and write_done resumes where it stopped. */
    if (c->write_done + c->write_queued > len) {
        c->write_done = 0;
        c->write_queued = 0;
    }
    while (c->write_done < len) {
        size_t chunk;

        c->io_status = 0;
        if (c->write_queued > 0) {
            /* The chunk's record is written: flush it (a read may have
             * done so already), never write it again
             * (pb_mbedtls_write_queued in mbedtls_buffers.c). */
            ret = pb_mbedtls_flush(c);
            if (ret != 0) {
                return record_failure(c,
                                      map_error(c, ret, "write", err, errlen));
            }
            c->write_done += c->write_queued;
            c->write_queued = 0;
            continue;
        }
        chunk = pb_mbedtls_nego_write_chunk(c, len - c->write_done);
        ret = pb_mbedtls_session_write(c, p + c->write_done, chunk);
        if (ret > 0) {
            c->write_done += (size_t)ret;
            continue;
        }
        if (ret == 0) {
            pb_mbedtls_msg(err, errlen, "write: no progress");
            return record_failure(c, PB_ERR);
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
            ret == MBEDTLS_ERR_SSL_WANT_READ) {
            c->write_queued = pb_mbedtls_write_queued(c, chunk);
        }
        return record_failure(c, map_error(c, ret, "write", err, errlen));
    }
    c->write_done = 0;
    return (ssize_t)len;
}

static int conn_close_notify(struct pb_conn *c, char *err, size_t errlen)
{
    int ret;

    if (c->failed != 0 || !c->handshake_done) {
        /* Nothing to close politely. */
        return 0;
    }
    c->io_status = 0;
    ret = pb_mbedtls_session_close(c);
    if (ret == 0) {
        return 0;
    }
    return record_failure(c, map_error(c, ret, "close", err, errlen));
}

/* Record buffers released while idle (mbedtls_buffers.c): allocated again
 * before each call that may touch them, released after it when nothing is
 * left in them. The handshake releases them once it is complete. */

ssize_t pb_conn_read(struct pb_conn *c, void *buf, size_t len, char *err,
                     size_t errlen)
{
    ssize_t r;

    if (c->failed == 0 && !c->peer_closed &&
        pb_mbedtls_buffers_acquire(c, "read", err, errlen) != 0) {
        return PB_ERR;
    }
    r = conn_read(c, buf, len, err, errlen);
    pb_mbedtls_buffers_idle(c);
    return r;
}

ssize_t pb_conn_write(struct pb_conn *c, const void *buf, size_t len, char *err,
                      size_t errlen)
{
    ssize_t r;

    if (c->failed == 0 && len > 0 &&
        pb_mbedtls_buffers_acquire(c, "write", err, errlen) != 0) {
        return PB_ERR;
    }
    r = conn_write(c, buf, len, err, errlen);
    pb_mbedtls_buffers_idle(c);
    return r;
}

int pb_conn_close_notify(struct pb_conn *c, char *err, size_t errlen)
{
    int r;

    if (c->failed == 0 && c->handshake_done &&
        pb_mbedtls_buffers_acquire(c, "close", err, errlen) != 0) {
        return PB_ERR;
    }
    r = conn_close_notify(c, err, errlen);
    pb_mbedtls_buffers_idle(c);
    return r;
}

/* ---- Facts ---- */

uint16_t pb_conn_version(const struct pb_conn *c)
{
    if (!c->handshake_done) {
        return 0;
    }
    return (uint16_t)mbedtls_ssl_get_version_number(&c->ssl);
}

uint16_t pb_conn_ciphersuite(const struct pb_conn *c)
{
    int id;

    if (!c->handshake_done) {
        return 0;
    }
    id = mbedtls_ssl_get_ciphersuite_id_from_ssl(&c->ssl);
    return id > 0 ? (uint16_t)id : 0;
}

const char *pb_conn_sni(const struct pb_conn *c)
{
    return c->is_server ? c->sni : NULL;
}
