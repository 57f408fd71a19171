/*
 * Virtual hosts on mbedTLS: the SNI callback applies the host context the
 * engine picks (its keypairs, trust anchors and client-verification mode,
 * per handshake), libtls's choice among several keypairs by name, the
 * certificate callback that records which TLS 1.3 key exchange was chosen,
 * and readable messages for failures that SNI or PSK cause.
 */

/* Private access for three things only: the last alert we sent (the
 * record in ssl->out_msg, as mbedtls_conn.c reads it), which tells a TLS
 * 1.3 binder that does not verify (decrypt_error) from a refused key
 * exchange mode, for which mbedTLS returns the same code; whether the
 * connection's config has a PSK callback (conf->f_psk); and whether it
 * allows TLS 1.3 at all (conf->max_tls_version). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
static int authmode_of(int verify_client)
{
    switch (verify_client) {
    case PB_VERIFY_CLIENT_REQUIRE:
        return MBEDTLS_SSL_VERIFY_REQUIRED;
    case PB_VERIFY_CLIENT_OPTIONAL:
        return MBEDTLS_SSL_VERIFY_OPTIONAL;
    default:
        return MBEDTLS_SSL_VERIFY_NONE;
    }
}

/* The host context's keypairs (when it has any; otherwise the default
 * ones stay), trust anchors and client-verification mode. */
static int apply_host(mbedtls_ssl_context *ssl, struct pb_config *host)
{
    struct pb_keypair *kp;
    int ret;

    for (kp = host->keypairs; kp != NULL; kp = kp->next) {
        ret = mbedtls_ssl_set_hs_own_cert(ssl, &kp->chain, &kp->key);
        if (ret != 0) {
            return ret;
        }
    }
    if (host->n_ca > 0) {
#if defined(MBEDTLS_X509_CRL_PARSE_C)
        mbedtls_ssl_set_hs_ca_chain(ssl, &host->ca,
                                    host->n_crl > 0 ? &host->crl : NULL);
#else
        mbedtls_ssl_set_hs_ca_chain(ssl, &host->ca, NULL);
#endif
    }
    mbedtls_ssl_set_hs_authmode(ssl, authmode_of(host->verify_client));
    return 0;
}

/* libtls: with several keypairs, the ones whose certificate names the
 * requested host are used; when none does, all stay (mbedTLS then picks by
 * key type and signature algorithms). */
static int pick_keypairs_by_name(mbedtls_ssl_context *ssl,
                                 struct pb_config *cfg, const char *name)
{
    struct pb_keypair *kp;
    int n = 0, matched = 0, ret;

    for (kp = cfg->keypairs; kp != NULL; kp = kp->next) {
        n++;
    }
    if (n < 2) {
        return 0;
    }
    for (kp = cfg->keypairs; kp != NULL; kp = kp->next) {
        if (pb_mbedtls_cert_names_match(cfg, &kp->chain, name) == 1) {
            ret = mbedtls_ssl_set_hs_own_cert(ssl, &kp->chain, &kp->key);
            if (ret != 0) {
                return ret;
            }
            matched++;
        }
    }
    (void)matched;
    return 0;
}

int pb_mbedtls_sni_cb(void *unused, mbedtls_ssl_context *ssl,
                      const unsigned char *name, size_t len)
{
    struct pb_conn *c = mbedtls_ssl_get_user_data_p(ssl);
    struct pb_config *host = NULL;

    (void)unused;
    if (c == NULL) {
        return 0;
    }
    /* A name with an embedded NUL is not a host name: keep none and serve
     * the default context. */
    if (memchr(name, '\0', len) != NULL) {
        return 0;
    }
    if (c->sni == NULL) {
        c->sni = petls_port_calloc(1, len + 1);
        if (c->sni == NULL) {
            return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        }
        memcpy(c->sni, name, len);
    }
    if (c->vh.hooks != NULL && c->vh.hooks->sni_select != NULL) {
        int r = c->vh.hooks->sni_select(c->vh.owner, c->sni, &host);
        if (r != 0) {
            /* mbedTLS answers a failing SNI callback with the fatal alert
             * unrecognized_name. */
            c->vh.sni_refusal = r;
            return -1;
        }
    }
    c->vh.host = host;
    if (host != NULL) {
        return apply_host(ssl, host);
    }
    return pick_keypairs_by_name(ssl, c->cfg, c->sni);
}

#endif /* MBEDTLS_SSL_SERVER_NAME_INDICATION */

int pb_mbedtls_vhost_conf(mbedtls_ssl_config *conf, int endpoint,
                          const struct pb_settings *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    if (endpoint != MBEDTLS_SSL_IS_SERVER) {
        return 0;
    }
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    if (s->psk) {
        /* A callback (not mbedtls_ssl_conf_psk) because a server has any
         * number of identities, looked up by the engine. */
        mbedtls_ssl_conf_psk_cb(conf, pb_mbedtls_psk_cb, NULL);
    }
#else
    if (s->psk) {
        pb_mbedtls_msg(err, errlen,
                       "PSK is not supported by this mbed TLS build");
        return PB_ERR;
    }
#endif
    return 0;
}

int pb_mbedtls_vhost_conn(struct pb_conn *c, const struct pb_conn_params *p,
                          const mbedtls_ssl_config **conf, char *err,
                          size_t errlen)
{
    if (c->is_server) {
        c->vh.hooks = p->vhost;
        c->vh.owner = p->owner;
        return 0;
    }
    return pb_mbedtls_psk_client_conf(c, p, conf, err, errlen);
}

void pb_mbedtls_vhost_conn_free(struct pb_conn *c)
{
    pb_mbedtls_psk_conn_free(c);
}

/* The description of the fatal alert we sent last, or -1. */
static int sent_alert(const struct pb_conn *c)
{
    if (c->ssl.out_msgtype != MBEDTLS_SSL_MSG_ALERT || c->ssl.out_msg == NULL) {
        return -1;
    }
    return c->ssl.out_msg[1];
}

/* Does this server connection look PSKs up? */
static int has_psk_cb(const struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED) &&                         \
    defined(MBEDTLS_SSL_SRV_C)
    return c->ssl.conf != NULL && c->ssl.conf->f_psk != NULL;
#else
    (void)c;
    return 0;
#endif
}

/* How a TLS 1.3 server with no usable PSK and no certificate fails:
 * handshake_failure, or (PSK-only servers, which offer no certificate
 * mode) missing_extension. */
static int no_way_to_authenticate(int ret)
{
    return ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE ||
           ret == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER;
}

int pb_mbedtls_vhost_explain(struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen)
{
    int certless;

    switch (ret) {
    case MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME:
        pb_mbedtls_msg(err, errlen,
                       "%s: unrecognized server name '%s' (%s: sent alert "
                       "unrecognized_name)",
                       op, c->sni != NULL ? c->sni : "",
                       c->vh.sni_refusal == -2 ? "refused by the SNI callback"
                                               : "strict SNI");
        return 1;
    case MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY:
        pb_mbedtls_msg(err, errlen,
                       "%s: unknown PSK identity '%s' (sent alert "
                       "unknown_psk_identity)",
                       op, c->vh.psk_unknown != NULL ? c->vh.psk_unknown : "");
        return 1;
    default:
        break;
    }
    if (c->handshake_done || !c->is_server) {
        return 0;
    }
    certless = c->cfg->keypairs == NULL &&
               (c->vh.host == NULL || c->vh.host->keypairs == NULL);
    /* A wrong key shows as a Finished (TLS 1.2) or a binder (TLS 1.3,
     * answered with decrypt_error) that does not verify. */
    if (c->vh.psk_identity != NULL &&
        (ret == MBEDTLS_ERR_SSL_INVALID_MAC ||
         (ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE &&
          sent_alert(c) == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR))) {
        pb_mbedtls_msg(err, errlen,
                       "%s: PSK mismatch: the client's key for identity "
                       "'%s' differs from ours",
                       op, c->vh.psk_identity);
        return 1;
    }
    /* TLS 1.2 fails the same way for want of a shared suite (a PSK client
     * naming only suites this server does not take): map_error says so. */
    if (!certless || !no_way_to_authenticate(ret) || !has_psk_cb(c) ||
        c->ssl.conf->max_tls_version < MBEDTLS_SSL_VERSION_TLS1_3) {
        return 0;
    }
    /* TLS 1.3 without a certificate: no PSK the server can use. */
    if (c->vh.psk_identity != NULL) {
        pb_mbedtls_msg(err, errlen,
                       "%s: PSK identity '%s' is known but no key exchange "
                       "mode the client offered is allowed (psk_ke without "
                       "(EC)DHE needs petls_config_set_tls13_psk_ke), and "
                       "there is no certificate to fall back on",
                       op, c->vh.psk_identity);
    } else if (c->vh.psk_unknown != NULL) {
        pb_mbedtls_msg(err, errlen,
                       "%s: unknown PSK identity '%s' and no certificate to "
                       "fall back on",
                       op, c->vh.psk_unknown);
    } else {
        pb_mbedtls_msg(err, errlen,
                       "%s: the client offered no PSK and this server has no "
                       "certificate",
                       op);
    }
    return 1;
}
