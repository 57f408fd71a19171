/*
 * The engine's negotiation features: ALPN (alpn.c), TLS 1.2 renegotiation
 * limits (renegotiation.c), the NSS key log (keylog.c), record sizes and
 * the keying-material exporter (records.c), and their glue with the config,
 * the context and the backend (nego.c). struct petls_config and struct
 * petls each embed one struct from here; config.c and context.c make one
 * call per hook point.
 */
#ifndef PETLS_NEGO_H
#define PETLS_NEGO_H

#include <stddef.h>
#include <stdint.h>

#include "backend/backend_nego.h"
#include "petls.h"

struct petls_client_hello;
struct pb_conn_params;
struct petls;
struct petls_config;

/* ---- alpn.c: lists ---- */

#define PETLS_ALPN_NAME_MAX 255
/* Largest ProtocolNameList (RFC 7301: a 16-bit length). */
#define PETLS_ALPN_LIST_MAX 65535

/* A parsed protocol list: names NUL-terminated in one allocation. */
struct petls_alpn_list {
    char **names; /* NULL-terminated, or NULL when empty */
    size_t n;
};

/* Parses "h2,http/1.1" (libtls's tls_config_set_alpn form: comma
 * separated, no spaces stripped, no empty names, each 1..255 bytes, at most
 * PETLS_ALPN_LIST_MAX bytes on the wire). Replaces *out (freeing the old
 * list) on success; 0, or -1 with err filled. */
int petls_alpn_parse(const char *s, struct petls_alpn_list *out, char *err,
                     size_t errlen);
/* Splits a raw ProtocolNameList (without its 2-byte length) into names.
 * Fails (-1, err) on a malformed list: a zero length, a name running past
 * the end, or an empty list. */
int petls_alpn_split_wire(const uint8_t *wire, size_t len,
                          struct petls_alpn_list *out, char *err,
                          size_t errlen);
void petls_alpn_list_free(struct petls_alpn_list *l);

/* ---- renegotiation.c: the limiter ---- */

/* Node's CLIENT_RENEG_LIMIT / CLIENT_RENEG_WINDOW logic: the first
 * handshake is free; a renegotiation more than window_s after the previous
 * handshake starts a new window; the (limit+1)-th renegotiation within a
 * window is refused. */
struct petls_reneg_limiter {
    uint64_t last_ms;   /* previous handshake start */
    unsigned int count; /* renegotiations in the current window */
    unsigned int total; /* client renegotiations seen */
};
/* Notes a client-initiated renegotiation at now_ms. 0 allowed, -1 over the
 * limit. */
int petls_reneg_note(struct petls_reneg_limiter *l, uint64_t now_ms,
                     unsigned int limit, unsigned int window_s);

/* ---- keylog.c ---- */

/* "LABEL <64 hex client random> <hex secret>" plus NUL. */
#define PETLS_KEYLOG_LINE_MAX (40 + 1 + 64 + 1 + 2 * 64 + 1)
/* Formats one NSS key-log line; returns its length, or -1 when the secret
 * is longer than 64 bytes or the label too long. */
int petls_keylog_format(char *out, size_t cap, const char *label,
                        const uint8_t client_random[32], const uint8_t *secret,
                        size_t secret_len);

/* ---- State embedded in struct petls_config ---- */

struct petls_nego_config {
    struct petls_alpn_list alpn;
    petls_alpn_cb alpn_cb;
    void *alpn_cb_arg;

    /* petls_config_set_renegotiation: -1 off, 1 on (also set by a reneg
     * limit), 0 untouched: clients on, servers off. */
    int reneg_mode;
    int reneg_limit_set; /* else the Node defaults */
    unsigned int reneg_limit;
    unsigned int reneg_window_s;
    petls_reneg_cb reneg_cb;
    void *reneg_cb_arg;

    petls_keylog_cb keylog_cb;
    void *keylog_cb_arg;

    size_t max_send_fragment; /* 0: the backend's maximum */
    unsigned int max_frag_len;

    struct pb_nego_settings pb; /* handed to the backend at freeze */
};

/* ---- State embedded in struct petls ---- */

struct petls_nego_conn {
    struct pb_nego_params pb;
    size_t max_send_fragment; /* petls_set_max_send_fragment before start */
    /* Server with an ALPN callback: its choice, made on the ClientHello
     * the engine read first. */
    char *alpn_choice;     /* allocated: most connections never have one */
    uint8_t *alpn_offered; /* copy of the client's list, for a refusal */
    size_t alpn_offered_len;
    int alpn_decided; /* 1 select alpn_choice, -1 refuse, 0 not asked */
    struct petls_reneg_limiter limiter;
    /* Server: the mode its petls_renegotiate() asked for (-1: none; kept
     * +1 so that zeroed memory means none), and once that renegotiation
     * completed. */
    int reneg_verify_plus1;
    int reneg_verify_done_plus1;
    /* petls_conn_disable_renegotiation (Node's disableRenegotiation()):
     * this connection refuses renegotiation; handed to the backend when
     * the connection starts, or at once when it exists already. */
    int reneg_off;
};

/* ---- nego.c: glue ---- */

/* config.c, at freeze: the backend settings (points into c): record
 * sizes; the features' freeze hooks add theirs (ALPN, renegotiation). */
const struct pb_nego_settings *petls_nego_settings(struct petls_config *c);
/* context.c, petls_conn_start: the per-connection parameters (the
 * backend callbacks, the send fragment); the features' conn_params hooks
 * add theirs (the ALPN choice). */
void petls_nego_conn_params(struct petls *ctx, struct pb_conn_params *p);

/* The backend's callbacks (owner is the context): keylog.c,
 * renegotiation.c; gathered in features.c. */
void petls_nego_keylog(void *owner, const char *label,
                       const uint8_t *client_random, const uint8_t *secret,
                       size_t secret_len);
int petls_nego_client_reneg(void *owner, char *err, size_t errlen);
void petls_nego_renegotiated(void *owner);

#endif /* PETLS_NEGO_H */
