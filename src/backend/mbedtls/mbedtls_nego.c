/*
 * The negotiation hook points of the mbedTLS backend: what the config and
 * connection code call (one call per place), and record sizes
 * (max_fragment_length offer, Node's setMaxSendFragment).
 */
/* Private access: ssl->out_msgtype, to see that a read declined a
 * renegotiation (pb_mbedtls_nego_after_read). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"
#include "petls_port.h"

#define MIN_SEND_FRAGMENT 512

size_t pb_max_send_fragment_limit(void)
{
    return MBEDTLS_SSL_OUT_CONTENT_LEN;
}

#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
static int mfl_code(unsigned int len, unsigned char *code)
{
    switch (len) {
    case 512:
        *code = MBEDTLS_SSL_MAX_FRAG_LEN_512;
        return 0;
    case 1024:
        *code = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
        return 0;
    case 2048:
        *code = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
        return 0;
    case 4096:
        *code = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
        return 0;
    default:
        return -1;
    }
}
#endif

int pb_mbedtls_nego_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                         int endpoint, const struct pb_settings *s, char *err,
                         size_t errlen)
{
    const struct pb_nego_settings *n = s->nego;
    int reneg = 0;

    if (n != NULL) {
        reneg = endpoint == MBEDTLS_SSL_IS_SERVER ? n->renegotiation_server
                                                  : n->renegotiation;
    }
    if (endpoint == MBEDTLS_SSL_IS_SERVER) {
        cfg->nego.renegotiation_server = reneg;
    } else {
        cfg->nego.renegotiation = reneg;
    }
    pb_mbedtls_reneg_conf(conf, endpoint, reneg);
#if PETLS_WITH_ALPN
    if (pb_mbedtls_alpn_conf(cfg, conf, n, err, errlen) != 0) {
        return PB_ERR;
    }
#endif
    if (n != NULL && n->max_frag_len != 0 &&
        endpoint == MBEDTLS_SSL_IS_CLIENT) {
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
        unsigned char code;
        int ret;

        if (mfl_code(n->max_frag_len, &code) != 0) {
            pb_mbedtls_msg(err, errlen,
                           "max_fragment_length must be 512, 1024, 2048 or "
                           "4096");
            return PB_ERR;
        }
        ret = mbedtls_ssl_conf_max_frag_len(conf, code);
        if (ret != 0) {
            pb_mbedtls_err(err, errlen, ret, "cannot set max_fragment_length");
            return PB_ERR;
        }
#else
        pb_mbedtls_msg(err, errlen,
                       "max_fragment_length is not supported by this mbed "
                       "TLS build");
        return PB_ERR;
#endif
    }
    return 0;
}

void pb_mbedtls_nego_cfg_free(struct pb_config *cfg)
{
    petls_port_free(cfg->nego.alpn);
    cfg->nego.alpn = NULL;
}

const mbedtls_ssl_config *
pb_mbedtls_nego_conn_conf(struct pb_conn *c, const mbedtls_ssl_config *conf,
                          const struct pb_conn_params *p, char *err,
                          size_t errlen)
{
    const struct pb_nego_params *np = p->nego;

    c->nego.owner = p->owner;
    c->nego.reneg_authmode = -1;
    if (np == NULL) {
        return conf;
    }
    c->nego.hooks = np->hooks;
    if (np->max_send_fragment != 0 &&
        pb_conn_set_max_send_fragment(c, np->max_send_fragment, err, errlen) !=
            0) {
        return NULL;
    }
#if PETLS_WITH_ALPN
    if (pb_mbedtls_alpn_conn(c, conf, np, err, errlen) != 0) {
        return NULL;
    }
#endif
    if (c->nego.conf_copy != NULL) {
        conf = c->nego.conf_copy;
    }
    if (np->renegotiation_off) {
        return pb_mbedtls_reneg_off(c, conf, err, errlen);
    }
    return conf;
}

/* mbedTLS's export-keys callback (p = the conn). It counts TLS 1.2 key
 * derivations: mbedTLS derives keys exactly once per TLS 1.2 handshake
 * (full or resumed), so the count after the first is the number of
 * renegotiations (mbedtls_reneg.c). With the key log compiled in, it also
 * hands the secret to mbedtls_keylog.c. */
static void export_keys_cb(void *p, mbedtls_ssl_key_export_type type,
                           const unsigned char *secret, size_t secret_len,
                           const unsigned char client_random[32],
                           const unsigned char server_random[32],
                           mbedtls_tls_prf_types tls_prf_type)
{
    struct pb_conn *c = p;

    (void)server_random;
    (void)tls_prf_type;
    if (type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET) {
        c->nego.tls12_keys++;
    }
#if PETLS_WITH_KEYLOG
    pb_mbedtls_keylog(c, type, secret, secret_len, client_random);
#else
    (void)secret;
    (void)secret_len;
    (void)client_random;
#endif
}

void pb_mbedtls_nego_conn_attach(struct pb_conn *c)
{
    mbedtls_ssl_set_export_keys_cb(&c->ssl, export_keys_cb, c);
}

void pb_mbedtls_nego_conn_free(struct pb_conn *c)
{
    if (c->nego.conf_copy != NULL) {
        mbedtls_platform_zeroize(c->nego.conf_copy, sizeof(*c->nego.conf_copy));
        petls_port_free(c->nego.conf_copy);
        c->nego.conf_copy = NULL;
    }
    petls_port_free(c->nego.alpn_name);
    c->nego.alpn_name = NULL;
}

int pb_conn_set_max_send_fragment(struct pb_conn *c, size_t size, char *err,
                                  size_t errlen)
{
    size_t limit = pb_max_send_fragment_limit();

    if (size != 0 && (size < MIN_SEND_FRAGMENT || size > limit)) {
        pb_mbedtls_msg(err, errlen, "max send fragment must be %u to %u bytes",
                       (unsigned)MIN_SEND_FRAGMENT, (unsigned)limit);
        return PB_ERR;
    }
    c->nego.max_send_fragment = size;
    return 0;
}

size_t pb_mbedtls_nego_write_chunk(const struct pb_conn *c, size_t len)
{
    /* mbedtls_ssl_write sends at most one record per call, already capped
     * by the negotiated max_fragment_length. */
    if (c->nego.max_send_fragment != 0 && len > c->nego.max_send_fragment) {
        return c->nego.max_send_fragment;
    }
    return len;
}

int pb_mbedtls_nego_explain(const struct pb_conn *c, int ret, const char *op,
                            char *err, size_t errlen)
{
    if (pb_mbedtls_reneg_explain(c, ret, op, err, errlen)) {
        return 1;
    }
#if defined(MBEDTLS_SSL_ALPN)
    if (ret == MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL) {
        if (c->nego.alpn_refused) {
            pb_mbedtls_msg(err, errlen,
                           "%s: the ALPN callback refused the client's "
                           "protocols (sent no_application_protocol)",
                           op);
        } else {
            pb_mbedtls_msg(err, errlen,
                           "%s: no ALPN protocol in common with the client "
                           "(sent no_application_protocol)",
                           op);
        }
        return 1;
    }
#else
    (void)c;
    (void)ret;
    (void)op;
    (void)err;
    (void)errlen;
#endif
    return 0;
}

int pb_mbedtls_nego_after_read(struct pb_conn *c, int ret, char *err,
                               size_t errlen)
{
    if (c->nego.reneg_refused && ret < 0 && ret != MBEDTLS_ERR_SSL_WANT_READ &&
        ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
        pb_mbedtls_msg(err, errlen, "%s", c->nego.reneg_err);
        return PB_ERR;
    }
    /* With renegotiation off, the only alert a read sends without failing
     * itself is mbedTLS's no_renegotiation warning (its bytes are encrypted
     * in place by now: only the type is left to see). The peer's answer, a
     * fatal alert, may arrive within the same read. */
    if (!PB_MBEDTLS_RENEG_ON(c) && c->handshake_done &&
        (ret >= 0 || ret == MBEDTLS_ERR_SSL_WANT_READ ||
         ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
         ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) &&
        c->ssl.out_msgtype == MBEDTLS_SSL_MSG_ALERT) {
        c->nego.reneg_declined = 1;
    }
    pb_mbedtls_reneg_check_done(c);
    return 0;
}
