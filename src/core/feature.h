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
    /* The config is freed: release what the feature hangs on it. */
    void (*config_free)(struct petls_config *c);
    /* Freezing: the feature's part of the backend settings (s; s->nego
     * points into c->nego). */
    void (*freeze)(struct petls_config *c, struct pb_settings *s);
    /* 1: server connections read the ClientHello before the backend. */
    int (*wants_preparse)(const struct petls_config *c);
    /* How a server config can serve without a certificate of its own:
     * 0, or PETLS_SERVES_* bits. */
    unsigned int (*serves)(const struct petls_config *c);
    /* ---- Connections ---- */
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

/* The backend callbacks of the features compiled in (members of absent
 * features NULL), handed to every connection. */
extern const struct pb_nego_hooks petls_nego_hooks;
extern const struct pb_vhost_hooks petls_vhost_hooks;

/* ---- The hook points, each iterating the table in its order ---- */

void petls_features_config_free(struct petls_config *c);
void petls_features_freeze(struct petls_config *c, struct pb_settings *s);
int petls_features_wants_preparse(const struct petls_config *c);
unsigned int petls_features_serve(const struct petls_config *c);
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
