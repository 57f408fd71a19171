/*
 * External PSKs on mbedTLS (TLS 1.2 PSK suites, TLS 1.3 pre_shared_key):
 * the server's identity lookup, the client's per-connection PSK, and which
 * identity a finished handshake used.
 *
 * mbedTLS 3.6 limits to note (docs/sni-psk.md): a TLS 1.2 server never
 * sends an identity hint (ssl_tls12_server.c writes none for PSK suites and
 * an empty one for (EC)DHE-PSK), and a client ignores the hint it receives,
 * so hints never travel; TLS 1.3 external PSKs use SHA-256 suites only; a
 * key is at most MBEDTLS_PSK_MAX_LEN bytes.
 */

/* Private access for the client's per-connection config: mbedTLS keeps a
 * client's PSK and identity in the (shared) mbedtls_ssl_config only, so a
 * connection with its own PSK gets a shallow copy of the frozen client
 * config whose psk/psk_identity fields it owns and frees itself (the
 * copy's other pointers belong to the frozen config, so
 * mbedtls_ssl_config_free must not run on it). The session's TLS 1.3 key
 * exchange facts come from the handshake driver (mbedtls_session.c). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

size_t pb_psk_max_len(void)
{
    return MBEDTLS_PSK_MAX_LEN;
}

#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
static char *dup_identity(const unsigned char *id, size_t len)
{
    char *s = petls_port_calloc(1, len + 1);

    if (s != NULL) {
        memcpy(s, id, len);
    }
    return s;
}
#endif

#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED) &&                         \
    defined(MBEDTLS_SSL_SRV_C)
int pb_mbedtls_psk_cb(void *unused, mbedtls_ssl_context *ssl,
                      const unsigned char *id, size_t len)
{
    struct pb_conn *c = mbedtls_ssl_get_user_data_p(ssl);
    uint8_t key[MBEDTLS_PSK_MAX_LEN];
    size_t key_len = 0;
    int ret;

    (void)unused;
    if (c == NULL || c->vh.hooks == NULL || c->vh.hooks->psk_lookup == NULL) {
        return -1;
    }
    /* Identities are text for petls (as Node's strings): one with a NUL
     * inside is unknown. */
    if (len == 0 || memchr(id, '\0', len) != NULL ||
        c->vh.hooks->psk_lookup(c->vh.owner, id, len, key, sizeof(key),
                                &key_len) != 0 ||
        key_len == 0 || key_len > sizeof(key)) {
        mbedtls_platform_zeroize(key, sizeof(key));
        petls_port_free(c->vh.psk_unknown);
        c->vh.psk_unknown = len > 0 ? dup_identity(id, len) : NULL;
        return -1;
    }
    ret = mbedtls_ssl_set_hs_psk(ssl, key, key_len);
    mbedtls_platform_zeroize(key, sizeof(key));
    if (ret != 0) {
        return ret;
    }
    petls_port_free(c->vh.psk_identity);
    c->vh.psk_identity = dup_identity(id, len);
    /* mbedTLS takes the first usable identity: this key authenticates the
     * handshake, so a ticket opened for an earlier identity (then found
     * unusable) does not make it a resumption (mbedtls_session.c). */
    c->session_opened = 0;
    return c->vh.psk_identity != NULL ? 0 : -1;
}

#endif

int pb_mbedtls_psk_client_conf(struct pb_conn *c,
                               const struct pb_conn_params *p,
                               const mbedtls_ssl_config **conf, char *err,
                               size_t errlen)
{
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    mbedtls_ssl_config *copy;
    int ret;

    if (p->psk_identity == NULL || p->psk_identity_len == 0) {
        return 0;
    }
    if (p->psk_key == NULL || p->psk_key_len == 0 ||
        p->psk_key_len > MBEDTLS_PSK_MAX_LEN) {
        pb_mbedtls_msg(err, errlen, "PSK must be 1 to %u bytes",
                       (unsigned)MBEDTLS_PSK_MAX_LEN);
        return PB_ERR;
    }
    c->vh.psk_identity = dup_identity(p->psk_identity, p->psk_identity_len);
    copy = petls_port_calloc(1, sizeof(*copy));
    if (copy == NULL || c->vh.psk_identity == NULL) {
        petls_port_free(copy);
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    memcpy(copy, *conf, sizeof(*copy));
    copy->psk = NULL;
    copy->psk_len = 0;
    copy->psk_identity = NULL;
    copy->psk_identity_len = 0;
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    copy->psk_opaque = MBEDTLS_SVC_KEY_ID_INIT;
#endif
    c->vh.client_conf = copy;
    ret = mbedtls_ssl_conf_psk(copy, p->psk_key, p->psk_key_len,
                               p->psk_identity, p->psk_identity_len);
    if (ret != 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot use the PSK");
        return PB_ERR;
    }
    *conf = copy;
    return 0;
#else
    (void)c;
    (void)conf;
    if (p->psk_identity == NULL) {
        return 0;
    }
    pb_mbedtls_msg(err, errlen, "PSK is not supported by this mbed TLS build");
    return PB_ERR;
#endif
}

void pb_mbedtls_psk_conn_free(struct pb_conn *c)
{
    mbedtls_ssl_config *copy = c->vh.client_conf;

    if (copy != NULL) {
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
        /* mbedtls_ssl_conf_psk allocated both with mbedtls_calloc. */
        if (copy->psk != NULL) {
            mbedtls_platform_zeroize(copy->psk, copy->psk_len);
            mbedtls_free(copy->psk);
        }
        if (copy->psk_identity != NULL) {
            mbedtls_platform_zeroize(copy->psk_identity,
                                     copy->psk_identity_len);
            mbedtls_free(copy->psk_identity);
        }
#endif
        mbedtls_platform_zeroize(copy, sizeof(*copy));
        petls_port_free(copy);
        c->vh.client_conf = NULL;
    }
    petls_port_free(c->vh.psk_identity);
    petls_port_free(c->vh.psk_unknown);
    c->vh.psk_identity = NULL;
    c->vh.psk_unknown = NULL;
}

int pb_mbedtls_suite_is_psk(int id)
{
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    const char *name;

    if (info == NULL) {
        return 0;
    }
    name = mbedtls_ssl_ciphersuite_get_name(info);
    return name != NULL && strstr(name, "PSK") != NULL;
}

const char *pb_conn_psk_identity(const struct pb_conn *c)
{
    if (c == NULL || !c->handshake_done || c->vh.psk_identity == NULL) {
        return NULL;
    }
    if (mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        return pb_mbedtls_suite_is_psk(
                   mbedtls_ssl_get_ciphersuite_id_from_ssl(&c->ssl))
                   ? c->vh.psk_identity
                   : NULL;
    }
    /* TLS 1.3: neither side saw a Certificate message (the handshake
     * driver records it, mbedtls_session.c) and no session resumed: the
     * key exchange used the external PSK. */
    return !c->saw_certificate && !c->resumed ? c->vh.psk_identity : NULL;
}
