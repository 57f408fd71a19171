/*
 * The feature table (issue 15 item 2, modelled on curl's struct Curl_ssl):
 * each optional feature compiled in registers one struct petls_feature of
 * hooks, optional operations NULL, and the core iterates the table at each
 * hook point (features.c). A compiled-out feature is absent from the table
 * and from the backend callbacks: nothing of it links but the stub of its
 * public petls_* calls (<name>_off.c), which fail with
 * PETLS_FEATURE_OFF_MSG. The table, and the backend callbacks gathered
 * from the features (petls_nego_hooks, petls_vhost_hooks), are built from
 * PETLS_WITH_* in one place: features.c.
 */
#ifndef PETLS_FEATURE_H_
#define PETLS_FEATURE_H_

#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "backend/backend_nego.h"
#include "psk.h"

struct petls;
struct petls_config;
struct petls_client_hello;

/* Stack space petls_conn_start() lends the conn_params hooks for what
 * pb_conn_new copies; zeroized once the backend connection exists. */
struct petls_conn_scratch {
    struct petls_psk_scratch psk;
};

/* petls_feature.serves: with its PSKs, with its host contexts'
 * certificates. */
#define PETLS_SERVES_PSK 1u
#define PETLS_SERVES_HOSTS 2u

struct petls_feature {
    const char *name;
    /* ---- The config ---- */
    /* petls_config_new: what the feature hangs on every config. 0, or -1
     * (out of memory: the config is not made). */
    int (*config_init)(struct petls_config *c);
    /* The config is freed (also a config_new that failed half-way):
     * release what the feature hangs on it. */
    void (*config_free)(struct petls_config *c);
    /* Freezing: the feature's part of the backend settings (s; s->nego
     * points into c->nego). */
    void (*freeze)(struct petls_config *c, struct pb_settings *s);
    /* 1: server connections read the ClientHello before the backend. */
    int (*wants_preparse)(const struct petls_config *c);
    /* How a server config can serve without a certificate of its own:
     * 0, or PETLS_SERVES_* bits. */
    unsigned int (*serves)(const struct petls_config *c);
    /* petls_configure of a server context, the config frozen: what its
     * server connections need (0, or -1 with err). */
    int (*server_prepare)(struct petls_config *c, char *err, size_t errlen);
    /* ---- Connections ---- */
    /* A server connection was accepted: 1 when the feature reads the
     * transport first (the backend connection is made in the handshake,
     * by pre_handshake), 0, or -1 with the error set on conn. */
    int (*accept)(struct petls *conn);
    /* The handshake runs and the backend connection does not exist yet:
     * 0 (it does now), a PETLS_WANT_* to return, or a PB_* code (err). */
    int (*pre_handshake)(struct petls *ctx, char *err, size_t errlen);
    /* The backend reads: bytes the feature read ahead and not handed on
     * yet (copied into buf, at most len), 0 when there are none. */
    size_t (*read_ahead)(struct petls *ctx, unsigned char *buf, size_t len);
    /* The handshake completed. */
    void (*handshake_done)(struct petls *ctx);
    /* petls_conn_start: the feature's backend parameters. 0, or -1 with
     * the error set on ctx. */
    int (*conn_params)(struct petls *ctx, struct pb_conn_params *p,
                       struct petls_conn_scratch *scratch);
    /* Server, the ClientHello pre-parsed (accept/), before the backend
     * runs; ch NULL: asks again whether an answer is still pending. 0, or
     * a PETLS_WANT_* the handshake returns until the answer comes. */
    int (*client_hello)(struct petls *ctx, const struct petls_client_hello *ch);
    /* The session id context of a server connection (base: the config's;
     * cap >= 32): the length written into out. */
    size_t (*session_context)(const struct petls *ctx, const uint8_t *base,
                              size_t base_len, uint8_t *out, size_t cap);
    /* The client verification mode that applies to a server connection,
     * given the one the features before it made of the config's. */
    int (*verify_client)(const struct petls *ctx, int mode);
    /* The connection's state is freed (petls_reset, petls_free). */
    void (*conn_free)(struct petls *ctx);
};

/* The features of this build's table (absent when compiled out). */
extern const struct petls_feature petls_feature_sni;
extern const struct petls_feature petls_feature_psk;
extern const struct petls_feature petls_feature_alpn;
extern const struct petls_feature petls_feature_reneg;
extern const struct petls_feature petls_feature_tickets;
extern const struct petls_feature petls_feature_session_cache;
extern const struct petls_feature petls_feature_server_sessions;
/* The ClientHello stage (accept/session_preparse.c), when a feature needs
 * it (PETLS_WITH_PREPARSE). */
extern const struct petls_feature petls_feature_accept;

/* The backend callbacks of the features compiled in (members of absent
 * features NULL), handed to every connection. */
extern const struct pb_nego_hooks petls_nego_hooks;
extern const struct pb_vhost_hooks petls_vhost_hooks;
/* Handed to the backend at freeze: the server's session hooks with server
 * resumption compiled in, the client's always. */
extern const struct pb_session_hooks petls_session_hooks;

/* ---- The hook points, each iterating the table in its order ---- */

int petls_features_config_init(struct petls_config *c);
void petls_features_config_free(struct petls_config *c);
void petls_features_freeze(struct petls_config *c, struct pb_settings *s);
int petls_features_wants_preparse(const struct petls_config *c);
unsigned int petls_features_serve(const struct petls_config *c);
int petls_features_server_prepare(struct petls_config *c, char *err,
                                  size_t errlen);
/* The first non-zero answer (1 or -1), else 0. */
int petls_features_accept(struct petls *conn);
/* The first non-zero answer; then, if the backend connection still does
 * not exist, makes it (petls_conn_start). */
int petls_features_pre_handshake(struct petls *ctx, char *err, size_t errlen);
size_t petls_features_read_ahead(struct petls *ctx, unsigned char *buf,
                                 size_t len);
void petls_features_handshake_done(struct petls *ctx);
int petls_features_conn_params(struct petls *ctx, struct pb_conn_params *p,
                               struct petls_conn_scratch *scratch);
/* The first PETLS_WANT_* a feature returns, else 0 (every feature is
 * asked). */
int petls_features_client_hello(struct petls *ctx,
                                const struct petls_client_hello *ch);
/* Without a feature refining it: base copied (at most cap bytes). */
size_t petls_features_session_context(const struct petls *ctx,
                                      const uint8_t *base, size_t base_len,
                                      uint8_t *out, size_t cap);
int petls_features_verify_client(const struct petls *ctx);
void petls_features_conn_free(struct petls *ctx);

#endif /* PETLS_FEATURE_H_ */
