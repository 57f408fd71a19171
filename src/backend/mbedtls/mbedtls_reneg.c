/*
 * TLS 1.2 renegotiation on mbedTLS: secure renegotiation (RFC 5746) only,
 * the engine's limiter asked at the start of every client-initiated
 * renegotiation, server-initiated renegotiation (HelloRequest, optionally
 * asking for a client certificate), and a count of completed ones.
 *
 * mbedTLS keeps no count and has no renegotiation callback. Two things give
 * us what we need: the server's certificate-selection callback runs once
 * per handshake right after the ClientHello, where the private field
 * ssl->renego_status tells a renegotiation from the initial handshake; and the
 * export-keys callback (mbedtls_keylog.c) counts TLS 1.2 key derivations, one
 * per handshake. ssl->in_msg/in_msglen are read too, for the alert that ended a
 * failed renegotiation (as mbedtls_conn.c does).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"
#include "petls_port.h"

/* ssl->renego_status values, from mbedTLS's private library/ssl_misc.h
 * (unchanged since 2.x): the installed headers do not carry them. */
#ifndef MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS
#define MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS 1
#endif

#if defined(MBEDTLS_SSL_RENEGOTIATION) && defined(MBEDTLS_SSL_SRV_C)
/* The server's certificate-selection callback: not used to select
 * certificates, only to see each new handshake start. */
static int reneg_cert_cb(mbedtls_ssl_context *ssl)
{
    struct pb_conn *c = mbedtls_ssl_get_user_data_p(ssl);
    struct pb_nego_conn *n;

    if (c == NULL ||
        ssl->renego_status != MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS) {
        return 0;
    }
    n = &c->nego;
    /* A new handshake verifies a (maybe new) client certificate. */
    memset(&c->vstate, 0, sizeof(c->vstate));
    if (n->reneg_requested) {
        n->reneg_requested = 0;
        if (n->reneg_authmode >= 0) {
            mbedtls_ssl_set_hs_authmode(ssl, n->reneg_authmode);
        }
        return 0;
    }
    if (n->hooks == NULL || n->hooks->client_reneg == NULL) {
        return 0;
    }
    n->reneg_err[0] = '\0';
    if (n->hooks->client_reneg(n->owner, n->reneg_err, sizeof(n->reneg_err)) ==
        0) {
        return 0;
    }
    n->reneg_refused = 1;
    if (n->reneg_err[0] == '\0') {
        pb_mbedtls_msg(n->reneg_err, sizeof(n->reneg_err),
                       "renegotiation refused");
    }
    /* mbedTLS sends no alert for a failing certificate callback. */
    (void)mbedtls_ssl_send_alert_message(
        ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
        MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
    return MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE;
}
#endif

void pb_mbedtls_reneg_conf(mbedtls_ssl_config *conf, int endpoint, int enabled)
{
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    mbedtls_ssl_conf_renegotiation(
        conf, enabled ? MBEDTLS_SSL_RENEGOTIATION_ENABLED
                      : MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    /* RFC 5746 only: a peer without renegotiation_info is never
     * renegotiated with (and, as a client, never connected to). */
    mbedtls_ssl_conf_legacy_renegotiation(conf,
                                          MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE);
#if defined(MBEDTLS_SSL_SRV_C)
    if (endpoint == MBEDTLS_SSL_IS_SERVER && enabled) {
        mbedtls_ssl_conf_cert_cb(conf, reneg_cert_cb);
    }
#else
    (void)endpoint;
#endif
#else
    (void)conf;
    (void)endpoint;
    (void)enabled;
#endif
}

/* After a read: did a renegotiation finish since the last look? */
void pb_mbedtls_reneg_check_done(struct pb_conn *c)
{
    struct pb_nego_conn *n = &c->nego;

    if (n->tls12_keys <= 1 + n->renegotiations ||
        !mbedtls_ssl_is_handshake_over(&c->ssl)) {
        return;
    }
    n->renegotiations = n->tls12_keys - 1;
    /* The peer certificate may be new: decode it again when asked. */
    pb_mbedtls_cert_cache_free(c);
    pb_mbedtls_certinfo_free(c);
    if (n->hooks != NULL && n->hooks->renegotiated != NULL) {
        n->hooks->renegotiated(n->owner);
    }
}

#if defined(MBEDTLS_SSL_RENEGOTIATION)
/* The alerts a peer answers a renegotiation with. */
static const char *alert_text(unsigned char a, char num[8])
{
    switch (a) {
    case MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE:
        return "unexpected_message";
    case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
        return "handshake_failure";
    case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER:
        return "illegal_parameter";
    case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR:
        return "internal_error";
    case MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION:
        return "no_renegotiation";
    default:
        snprintf(num, 8, "%u", (unsigned)a);
        return num;
    }
}
#endif

int pb_mbedtls_reneg_explain(const struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen)
{
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    char num[8];

    if (!c->nego.reneg_declined || ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ||
        c->ssl.in_msg == NULL || c->ssl.in_msglen != 2) {
        return 0;
    }
    pb_mbedtls_msg(err, errlen,
                   "%s: the peer gave up after its renegotiation was refused "
                   "(renegotiation is off; peer sent fatal alert %s)",
                   op, alert_text(c->ssl.in_msg[1], num));
    return 1;
#else
    (void)c;
    (void)ret;
    (void)op;
    (void)err;
    (void)errlen;
    return 0;
#endif
}

unsigned int pb_conn_renegotiations(const struct pb_conn *c)
{
    return c->nego.renegotiations;
}

const mbedtls_ssl_config *pb_mbedtls_reneg_off(struct pb_conn *c,
                                               const mbedtls_ssl_config *conf,
                                               char *err, size_t errlen)
{
    const mbedtls_ssl_config *base = conf != NULL ? conf : c->ssl.conf;
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    mbedtls_ssl_config *own = NULL;

    /* mbedTLS reads the setting from the shared config only: this
     * connection gets a copy of its own (or the one it has already, for
     * an ALPN choice or psk_ke), whose pointers stay the shared config's. */
    if (base == c->nego.conf_copy) {
        own = c->nego.conf_copy;
    } else if (base == c->psk_ke_conf) {
        own = c->psk_ke_conf;
    } else if (c->nego.conf_copy == NULL) {
        c->nego.conf_copy = petls_port_calloc(1, sizeof(*c->nego.conf_copy));
        if (c->nego.conf_copy == NULL) {
            pb_mbedtls_msg(err, errlen, "out of memory");
            return NULL;
        }
        memcpy(c->nego.conf_copy, base, sizeof(*c->nego.conf_copy));
        own = c->nego.conf_copy;
    } else {
        pb_mbedtls_msg(err, errlen,
                       "disable renegotiation: unexpected connection config");
        return NULL;
    }
    mbedtls_ssl_conf_renegotiation(own, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    if (conf == NULL) {
        c->ssl.conf = own;
    }
    c->nego.reneg_off = 1;
    return own;
#else
    /* Without renegotiation in mbedTLS there is nothing to refuse. */
    (void)err;
    (void)errlen;
    c->nego.reneg_off = 1;
    return base;
#endif
}

int pb_conn_disable_renegotiation(struct pb_conn *c, char *err, size_t errlen)
{
    if (c->nego.reneg_off) {
        return 0;
    }
    return pb_mbedtls_reneg_off(c, NULL, err, errlen) != NULL ? 0 : PB_ERR;
}

static int conn_renegotiate(struct pb_conn *c, int verify_client, char *err,
                            size_t errlen);

int pb_conn_renegotiate(struct pb_conn *c, int verify_client, char *err,
                        size_t errlen)
{
    int r;

    /* Record buffers released while idle (mbedtls_buffers.c). */
    if (c->failed == 0 && c->handshake_done &&
        pb_mbedtls_buffers_acquire(c, "renegotiate", err, errlen) != 0) {
        return PB_ERR;
    }
    r = conn_renegotiate(c, verify_client, err, errlen);
    pb_mbedtls_buffers_idle(c);
    return r;
}

static int conn_renegotiate(struct pb_conn *c, int verify_client, char *err,
                            size_t errlen)
{
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    int ret;

    if (c->failed != 0) {
        pb_mbedtls_msg(err, errlen, "the connection failed earlier");
        return c->failed;
    }
    if (!c->handshake_done) {
        pb_mbedtls_msg(err, errlen,
                       "renegotiate: the handshake is not complete");
        return PB_ERR;
    }
    if (mbedtls_ssl_get_version_number(&c->ssl) != MBEDTLS_SSL_VERSION_TLS1_2) {
        pb_mbedtls_msg(err, errlen,
                       "renegotiate: TLS 1.3 has no renegotiation");
        return PB_ERR;
    }
    if (!PB_MBEDTLS_RENEG_ON(c)) {
        pb_mbedtls_msg(err, errlen, "renegotiate: renegotiation is disabled");
        return PB_ERR;
    }
    if (c->is_server) {
        if (!c->nego.reneg_requested &&
            c->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS) {
            pb_mbedtls_msg(err, errlen,
                           "renegotiate: a renegotiation is in progress");
            return PB_ERR;
        }
        c->nego.reneg_requested = 1;
        c->nego.reneg_authmode = -1;
        switch (verify_client) {
        case PB_VERIFY_CLIENT_NONE:
            c->nego.reneg_authmode = MBEDTLS_SSL_VERIFY_NONE;
            break;
        case PB_VERIFY_CLIENT_OPTIONAL:
            c->nego.reneg_authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
            break;
        case PB_VERIFY_CLIENT_REQUIRE:
            c->nego.reneg_authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
            break;
        default:
            break;
        }
    }
    c->io_status = 0;
    ret = mbedtls_ssl_renegotiate(&c->ssl);
    if (ret == 0) {
        if (!c->is_server) {
            pb_mbedtls_reneg_check_done(c);
        }
        return 0;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
        return PB_WANT_READ;
    }
#if defined(MBEDTLS_SSL_CLI_C)
    if (ret == MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO) {
        /* A record other than the ServerHello came first. mbedTLS keeps it
         * and cannot go back to the old session, so a refusal (the
         * server's no_renegotiation warning) ends the connection. */
        if (c->ssl.in_msgtype == MBEDTLS_SSL_MSG_ALERT &&
            c->ssl.in_msg != NULL && c->ssl.in_msglen == 2 &&
            c->ssl.in_msg[1] == MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION) {
            pb_mbedtls_msg(err, errlen,
                           "renegotiate: the server refused "
                           "(no_renegotiation alert)");
            c->failed = PB_ERR;
            return PB_ERR;
        }
        /* Application data the server sent before it saw our ClientHello:
         * mbedTLS counts these records (renego_max_records) and gives up
         * past the bound. */
        return PB_WANT_READ;
    }
#endif
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return PB_WANT_WRITE;
    }
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && c->ssl.in_msg != NULL &&
        c->ssl.in_msglen == 2) {
        char num[8];
        pb_mbedtls_msg(err, errlen, "renegotiate: peer sent fatal alert %s",
                       alert_text(c->ssl.in_msg[1], num));
    } else {
        pb_mbedtls_err(err, errlen, ret, "renegotiate failed");
    }
    c->failed = PB_ERR;
    return PB_ERR;
#else
    (void)c;
    (void)verify_client;
    pb_mbedtls_msg(err, errlen,
                   "renegotiate: not supported by this mbed TLS build");
    return PB_ERR;
#endif
}
