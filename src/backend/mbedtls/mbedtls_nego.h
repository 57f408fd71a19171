/*
 * Negotiation state of the mbedTLS backend (ALPN, renegotiation, key log,
 * record sizes, exporter) and the few calls the config and connection code
 * make into it. Kept apart so mbedtls_config.c and mbedtls_conn.c carry one
 * field and one call per hook point.
 */
#ifndef PETLS_MBEDTLS_NEGO_H
#define PETLS_MBEDTLS_NEGO_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ssl.h>

#include "backend/backend.h"
#include "backend/backend_nego.h"

struct pb_config;
struct pb_conn;

/* In struct pb_config. */
struct pb_nego_cfg {
    const char **alpn; /* NULL-terminated copy (one allocation), or NULL */
    int renegotiation; /* client endpoint */
    int renegotiation_server; /* server endpoint */
};

/* Renegotiation is on for c's endpoint. */
#define PB_MBEDTLS_RENEG_ON(c)                                                 \
    (!(c)->nego.reneg_off &&                                                   \
     ((c)->is_server ? (c)->cfg->nego.renegotiation_server                     \
                     : (c)->cfg->nego.renegotiation))

/* In struct pb_conn. */
struct pb_nego_conn {
    const struct pb_nego_hooks *hooks; /* may be NULL */
    void *owner;
    /* Server with an ALPN choice of its own: a shallow copy of the shared
     * server config whose ALPN list is this connection's (mbedTLS has no
     * per-connection ALPN list nor an ALPN callback). Never passed to
     * mbedtls_ssl_config_free: everything it points to belongs to the
     * shared config. */
    mbedtls_ssl_config *conf_copy;
    const char *alpn_list[2];
    char *alpn_name;
    int alpn_refused;         /* alpn_name is a name the client did not offer */
    size_t max_send_fragment; /* 0: the backend's maximum */

    unsigned int tls12_keys; /* TLS 1.2 key derivations: one per handshake */
    unsigned int renegotiations;
    int reneg_requested; /* server sent HelloRequest; not yet answered */
    int reneg_authmode;  /* for that renegotiation, or -1 */
    int reneg_refused;   /* the client_reneg hook said no */
    int reneg_declined;  /* we sent no_renegotiation (renegotiation off) */
    int reneg_off;       /* pb_conn_disable_renegotiation: this one only */
    char reneg_err[256];
};

/* ---- Calls from mbedtls_config.c ---- */

/* Applies the negotiation settings to one role's mbedtls_ssl_config, at the
 * end of its setup (s->nego may be NULL). */
int pb_mbedtls_nego_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                         int endpoint, const struct pb_settings *s, char *err,
                         size_t errlen);
/* Frees what pb_mbedtls_nego_conf allocated. */
void pb_mbedtls_nego_cfg_free(struct pb_config *cfg);

/* ---- Calls from mbedtls_conn.c ---- */

/* Before mbedtls_ssl_setup: records the parameters and returns the config
 * to set the connection up with (conf itself, or a per-connection copy for
 * an ALPN choice). NULL on failure, err filled. */
const mbedtls_ssl_config *
pb_mbedtls_nego_conn_conf(struct pb_conn *c, const mbedtls_ssl_config *conf,
                          const struct pb_conn_params *p, char *err,
                          size_t errlen);
/* After mbedtls_ssl_setup: installs the per-context callbacks. */
void pb_mbedtls_nego_conn_attach(struct pb_conn *c);
/* In pb_conn_free. */
void pb_mbedtls_nego_conn_free(struct pb_conn *c);
/* How much of a pending write to hand to one mbedtls_ssl_write (one
 * record). */
size_t pb_mbedtls_nego_write_chunk(const struct pb_conn *c, size_t len);
/* After each mbedtls_ssl_read (ret is its result): notices completed
 * renegotiations. Returns 0 to go on as usual, or a PB_* error (err
 * filled) when the read failed because a renegotiation was refused. */
int pb_mbedtls_nego_after_read(struct pb_conn *c, int ret, char *err,
                               size_t errlen);

/* In map_error: explains failures of ours (no common ALPN protocol, an
 * ALPN refusal). 1 when err was written. */
int pb_mbedtls_nego_explain(const struct pb_conn *c, int ret, const char *op,
                            char *err, size_t errlen);

/* ---- Inside the negotiation files ---- */

/* mbedtls_alpn.c (PETLS_WITH_ALPN; without it the engine never hands the
 * backend a protocol list or a choice, so no ALPN extension is sent or
 * answered) */
int pb_mbedtls_alpn_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                         const struct pb_nego_settings *n, char *err,
                         size_t errlen);
int pb_mbedtls_alpn_conn(struct pb_conn *c, const mbedtls_ssl_config *conf,
                         const struct pb_nego_params *np, char *err,
                         size_t errlen);
/* mbedtls_keylog.c (PETLS_WITH_KEYLOG): hands a secret mbedTLS exported
 * to the engine's key-log hook, under its NSS label. */
void pb_mbedtls_keylog(const struct pb_conn *c,
                       mbedtls_ssl_key_export_type type,
                       const unsigned char *secret, size_t secret_len,
                       const unsigned char client_random[32]);
/* mbedtls_reneg.c */
void pb_mbedtls_reneg_conf(mbedtls_ssl_config *conf, int endpoint, int enabled);
/* Before mbedtls_ssl_setup (conf NULL: after it, on c->ssl.conf): turns
 * renegotiation off for c alone, on a copy of its config. Returns the
 * config to use, or NULL (out of memory, err filled). */
const mbedtls_ssl_config *pb_mbedtls_reneg_off(struct pb_conn *c,
                                               const mbedtls_ssl_config *conf,
                                               char *err, size_t errlen);
void pb_mbedtls_reneg_check_done(struct pb_conn *c);
/* A read failed: was it the peer giving up after we declined its
 * renegotiation? 1 when err was written. */
int pb_mbedtls_reneg_explain(const struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen);

#endif /* PETLS_MBEDTLS_NEGO_H */
