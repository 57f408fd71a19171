/*
 * ALPN on mbedTLS (RFC 7301). The config's list goes into both roles'
 * mbedtls_ssl_config: a client offers it, a server selects the first of
 * its own protocols the client offers and, when there is none, mbedTLS
 * sends no_application_protocol itself.
 *
 * mbedTLS has no ALPN selection callback and no per-connection list, so an
 * application's choice (Node's ALPNCallback, made by the engine from the
 * ClientHello it read first) becomes a per-connection copy of the server
 * config whose list holds exactly that protocol: mbedTLS's own matching
 * then selects it. A refusal is a list holding one name the client did not
 * offer, so that mbedTLS's own no-overlap path sends the alert.
 */
#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "backend/mbedtls/mbedtls_nego.h"
#include "petls_port.h"

#define ALPN_NAME_MAX 255

int pb_mbedtls_alpn_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                         const struct pb_nego_settings *n, char *err,
                         size_t errlen)
{
#if defined(MBEDTLS_SSL_ALPN)
    size_t count = 0, bytes = 0, i;
    char *p;
    int ret;

    if (n == NULL || n->alpn == NULL || n->alpn[0] == NULL) {
        return 0;
    }
    if (cfg->nego.alpn == NULL) {
        /* One allocation: the pointer array, then the strings. */
        for (i = 0; n->alpn[i] != NULL; i++) {
            size_t l = strlen(n->alpn[i]);
            if (l == 0 || l > ALPN_NAME_MAX) {
                pb_mbedtls_msg(err, errlen,
                               "ALPN protocol names must be 1 to 255 bytes");
                return PB_ERR;
            }
            count++;
            bytes += l + 1;
        }
        cfg->nego.alpn =
            petls_port_calloc(1, (count + 1) * sizeof(char *) + bytes);
        if (cfg->nego.alpn == NULL) {
            pb_mbedtls_msg(err, errlen, "out of memory");
            return PB_ERR;
        }
        p = (char *)(cfg->nego.alpn + count + 1);
        for (i = 0; i < count; i++) {
            size_t l = strlen(n->alpn[i]);
            memcpy(p, n->alpn[i], l + 1);
            cfg->nego.alpn[i] = p;
            p += l + 1;
        }
        cfg->nego.alpn[count] = NULL;
    }
    ret = mbedtls_ssl_conf_alpn_protocols(conf, cfg->nego.alpn);
    if (ret != 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot set the ALPN protocols");
        return PB_ERR;
    }
    return 0;
#else
    (void)cfg;
    (void)conf;
    if (n != NULL && n->alpn != NULL && n->alpn[0] != NULL) {
        pb_mbedtls_msg(err, errlen,
                       "ALPN is not supported by this mbed TLS build");
        return PB_ERR;
    }
    return 0;
#endif
}

#if defined(MBEDTLS_SSL_ALPN)
/* Is name (len bytes) in the raw ProtocolNameList? */
static int offered(const uint8_t *list, size_t list_len, const uint8_t *name,
                   size_t len)
{
    size_t i = 0;

    while (i < list_len) {
        size_t l = list[i++];
        if (l > list_len - i) {
            return 0;
        }
        if (l == len && memcmp(list + i, name, len) == 0) {
            return 1;
        }
        i += l;
    }
    return 0;
}

/* Writes into out a name of 1 or 2 nonzero bytes that the list does not
 * hold. One always exists: a list (at most 65535 bytes) cannot hold all
 * 255 one-byte names and all 65025 two-byte ones. */
static int absent_name(const uint8_t *list, size_t list_len, char out[3])
{
    unsigned a, b;
    uint8_t n[2];

    for (a = 1; a <= 0xFF; a++) {
        n[0] = (uint8_t)a;
        if (!offered(list, list_len, n, 1)) {
            out[0] = (char)a;
            out[1] = '\0';
            return 0;
        }
    }
    for (a = 1; a <= 0xFF; a++) {
        for (b = 1; b <= 0xFF; b++) {
            n[0] = (uint8_t)a;
            n[1] = (uint8_t)b;
            if (!offered(list, list_len, n, 2)) {
                out[0] = (char)a;
                out[1] = (char)b;
                out[2] = '\0';
                return 0;
            }
        }
    }
    return -1;
}
#endif

int pb_mbedtls_alpn_conn(struct pb_conn *c, const mbedtls_ssl_config *conf,
                         const struct pb_nego_params *np, char *err,
                         size_t errlen)
{
#if defined(MBEDTLS_SSL_ALPN)
    struct pb_nego_conn *n = &c->nego;
    size_t l;

    if (!c->is_server || np == NULL ||
        (np->alpn_select == NULL && !np->alpn_refuse)) {
        return 0;
    }
    if (np->alpn_refuse) {
        n->alpn_name = petls_port_calloc(1, 3);
        if (n->alpn_name == NULL) {
            pb_mbedtls_msg(err, errlen, "out of memory");
            return PB_ERR;
        }
        if (absent_name(np->alpn_offered, np->alpn_offered_len, n->alpn_name) !=
            0) {
            pb_mbedtls_msg(err, errlen, "cannot refuse the ALPN offer");
            return PB_ERR;
        }
        n->alpn_refused = 1;
    } else {
        l = strlen(np->alpn_select);
        if (l == 0 || l > ALPN_NAME_MAX) {
            pb_mbedtls_msg(err, errlen,
                           "ALPN protocol names must be 1 to 255 bytes");
            return PB_ERR;
        }
        n->alpn_name = petls_port_calloc(1, l + 1);
        if (n->alpn_name == NULL) {
            pb_mbedtls_msg(err, errlen, "out of memory");
            return PB_ERR;
        }
        memcpy(n->alpn_name, np->alpn_select, l);
    }
    n->alpn_list[0] = n->alpn_name;
    n->alpn_list[1] = NULL;
    n->conf_copy = petls_port_calloc(1, sizeof(*n->conf_copy));
    if (n->conf_copy == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    memcpy(n->conf_copy, conf, sizeof(*n->conf_copy));
    if (mbedtls_ssl_conf_alpn_protocols(n->conf_copy, n->alpn_list) != 0) {
        pb_mbedtls_msg(err, errlen, "cannot set the ALPN protocol");
        return PB_ERR;
    }
    return 0;
#else
    (void)conf;
    if (c->is_server && np != NULL &&
        (np->alpn_select != NULL || np->alpn_refuse)) {
        pb_mbedtls_msg(err, errlen,
                       "ALPN is not supported by this mbed TLS build");
        return PB_ERR;
    }
    return 0;
#endif
}

const char *pb_conn_alpn(const struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_ALPN)
    if (!c->handshake_done) {
        return NULL;
    }
    return mbedtls_ssl_get_alpn_protocol(&c->ssl);
#else
    (void)c;
    return NULL;
#endif
}
