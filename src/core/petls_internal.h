/*
 * The engine's private types: what a petls_config and a petls context hold,
 * shared by config.c, context.c, io.c and conn_info.c.
 */
#ifndef PETLS_INTERNAL_H
#define PETLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "petls.h"
#include "petls_port.h"
#include "backend/backend.h"
#include "verify_result.h"
#include "sni.h"
#include "nego.h"
#include "hello_watch.h"
#include "sigalgs.h"
#include "sigalgs/shared_sigalgs.h"

/* Bytes per message buffer (CMake: PETLS_ERROR_BUFFER_SIZE). Each
 * connection has three, so this is the engine's largest per-connection
 * cost after the backend's record buffers. */
#ifndef PETLS_ERRBUF_SIZE
#define PETLS_ERRBUF_SIZE 512
#endif
#define PETLS_CTX_HASH_LEN 16
#define PETLS_MAX_GROUPS 16

/* An error buffer: set is 0 while no error was recorded. */
struct petls_err {
    int set;
    int code; /* PETLS_ERROR_*, PETLS_ERROR_NONE while set is 0 */
    char msg[PETLS_ERRBUF_SIZE];
};

struct petls_config {
    petls_port_mutex *mutex; /* guards refcount and frozen */
    int refcount;
    int frozen; /* read-only, shared by contexts on any thread */

    struct petls_err err;
    struct pb_config *pb;

    /* Protocols: libtls's set, narrowed by Node's min/max versions. */
    uint32_t protocols;
    uint32_t min_bit; /* 0: no lower bound */
    uint32_t max_bit; /* 0: no upper bound */

    uint16_t *ciphers; /* from petls_port_calloc, NULL: default */
    size_t n_ciphers;
    uint16_t groups[PETLS_MAX_GROUPS];
    size_t n_groups;
    uint16_t sigalgs[PETLS_MAX_SIGALGS]; /* IANA SignatureSchemes */
    size_t n_sigalgs;                    /* 0: the backend's default */
    int prefer_server_ciphers;

    int verify_cert;
    int verify_name;
    int verify_time;
    int verify_client; /* PETLS_VERIFY_CLIENT_* */
    int verify_depth;  /* -1: backend default */
    uint32_t handshake_timeout_ms;

    /* Trust anchors (src/core/ca_default.c): who gave them, and for a config
     * left to the default store, why none was loaded (for the message of
     * a failed verification). default_ca_wanted: a client context uses
     * the config, so freezing loads the default store. */
    int ca_source; /* PETLS_CA_NONE, _USER, _DEFAULT */
    int default_ca_wanted;
    char ca_note[224];

    int n_keypairs;   /* handed to the backend */
    char *passphrase; /* zeroized when replaced or freed */

    /* set_cert_* and set_key_* are two halves of one keypair: the first one
     * waits here for the second. Zeroized when freed. */
    uint8_t *pending_cert;
    size_t pending_cert_len;
    char *pending_cert_name; /* "cert file /x" or "cert" for memory */
    uint8_t *pending_key;
    size_t pending_key_len;
    char *pending_key_name;

    /* Virtual hosts and PSKs (sni.c, psk.c); NULL when unused. */
    struct petls_sni_table *sni;
    struct petls_psk_conf *psk;

    /* ALPN, renegotiation, key log, records (nego.h). */
    struct petls_nego_config nego;

    /* ---- Sessions, server side (session_server.c) ---- */
    int session_lifetime; /* seconds; 0: no resumption on a server */
    uint8_t session_id_ctx[PETLS_SESSION_ID_CONTEXT_MAX];
    size_t session_id_ctx_len;
    /* SHA-256 of the context, truncated: prefixes cache keys, so that
     * sessions of one context are never found under another. */
    uint8_t ctx_hash[PETLS_CTX_HASH_LEN];
    size_t cache_max_entries;
    size_t cache_max_bytes;
    struct petls_session_cache *cache; /* made at the first server use */
    int have_store;
    struct petls_session_store store;
    uint8_t store_key[PETLS_STORE_KEY_SIZE]; /* zeroized when freed */
    int tickets;                             /* 1 stateless, 0 stateful */
    unsigned int tls13_tickets;
    int tls13_psk_ke;
    int keep_buffers; /* petls_config_set_release_buffers(c, 0) */
    /* The ticket key ring stays changeable after the freeze (Node's
     * setTicketKeys on a live server): it has its own mutex. */
    struct petls_ticket_keys *ticket_keys;
    int rotation_set; /* set_ticket_rotation called: lifetime no longer
                       * drives it */
    char *ticket_keys_file;
    int preparse; /* server connections read the ClientHello first */

    /* ---- Sessions, client side (session_client.c) ---- */
    petls_session_cb session_cb;
    void *session_cb_arg;
    int session_fd; /* -1: none */
    /* Node's checkServerIdentity (feature/identity): NULL, petls's own
     * host-name check in the backend. */
    petls_check_server_identity_cb identity_cb;
    void *identity_cb_arg;
    size_t client_cache_entries;
    struct petls_session_cache *client_cache;
};

struct petls_session_cache;
struct petls_ticket_keys;
struct petls_preparse;

enum petls_io_kind {
    PETLS_IO_NONE,
    PETLS_IO_FDS,
    PETLS_IO_CBS,
};

#define PETLS_CTX_CLIENT 0x01
#define PETLS_CTX_SERVER 0x02
#define PETLS_CTX_SERVER_CONN 0x04 /* accepted connection of a server */

struct petls {
    int flags;
    struct petls_err err;
    struct petls_config *config; /* holds a reference */

    /* Transport. */
    enum petls_io_kind io_kind;
    int fd_read;
    int fd_write;
    int own_fds; /* opened by petls_connect: closed by petls_close */
    petls_read_cb read_cb;
    petls_write_cb write_cb;
    void *cb_arg;
    /* The transport's own failure, reported in place of the backend's
     * generic one. */
    struct petls_err io_err;

    struct pb_conn *conn;

    /* Client names: SNI sent (NULL for IP literals) and name verified. */
    char *servername;
    char *verify_name;

    /* Handshake state. */
    int hs_started;
    int hs_done;
    uint64_t hs_start_ms;
    int fatal;      /* a failure ended the connection: no close_notify */
    int eof_seen;   /* read returned 0 or truncation */
    int close_sent; /* close_notify went out */
    int closed;     /* petls_close finished */

    /* Results, computed when the handshake ends (or fails verifying). */
    int verified; /* facts valid */
    struct petls_verify_facts facts;
    const char *auth_code; /* static string from petls_verify_code, or
                            * identity_code */
    char auth_msg[PETLS_ERRBUF_SIZE];
    /* Client: the checkServerIdentity callback refused (identity.c); its
     * authorizationError (code, or message without one). */
    int identity_refused;
    int identity_has_code;
    char identity_code[PETLS_IDENTITY_TEXT_SIZE];

    /* Peer certificate, fetched once. */
    int cert_state; /* 0 not fetched, 1 present, -1 none */
    struct pb_cert_info cert;

    /* Client: the server's ephemeral key, read off the start of the
     * handshake (feature/keyinfo). */
    struct petls_hello_watch hello;

    /* Server: the client's signature_algorithms (feature/sigalgs). */
    struct petls_sigalgs_conn sigalgs;

    /* Server connection: the SNI context chosen (sni.c). */
    struct petls_sni_conn sni;

    /* ALPN choice, renegotiation limiter, send fragment (nego.h). */
    struct petls_nego_conn nego;

    /* Server connection: the ClientHello read ahead of the backend, the
     * store's (maybe late) answer, the bytes to replay. NULL when this
     * connection needs no pre-parse, and after the replay. */
    struct petls_preparse *pre;

    /* Client sessions, in the engine's wrapped form (session_client.c). */
    uint8_t *offer; /* petls_set_session(): kept until reset */
    size_t offer_len;
    uint8_t *offer_tmp; /* from the session fd or client cache, handed to
                         * the backend for this connection */
    size_t offer_tmp_len;
    uint8_t *session; /* newest received on this connection */
    size_t session_len;
    char *peer_host; /* petls_connect's host and port (client cache key) */
    char *peer_port;
};

/* ---- error.c ---- */

void petls_err_clear(struct petls_err *e);
void petls_err_set(struct petls_err *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void petls_set_error(struct petls *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void petls_config_set_error(struct petls_config *config, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A compiled-out feature's public config call: msg (PETLS_FEATURE_OFF_MSG)
 * on config unless NULL; returns -1. */
int petls_config_feature_off(struct petls_config *config, const char *msg);
/* The same with the kind of failure (PETLS_ERROR_*). The plain setters pass
 * PETLS_ERROR_UNKNOWN (context) and PETLS_ERROR_INVALID_ARGUMENT (config).
 * Messages with a fixed meaning override it wherever they are set: "out of
 * memory...", "...compiled out (PETLS_WITH_...", "config is in use...",
 * "certificate verification failed...", "handshake timed out..." (one
 * place, error.c, so that no failure path can forget its code). */
void petls_set_error_code(struct petls *ctx, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void petls_config_set_error_code(struct petls_config *config, int code,
                                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Copies message and code (a connection's failure reported on the server
 * context that accepted it). */
void petls_err_copy(struct petls_err *dst, const struct petls_err *src);

/* ---- config.c ---- */

/* Takes a reference, freezing the config on first use. Returns 0, or -1
 * with the reason in err. */
int petls_config_acquire(struct petls_config *config, char *err, size_t errlen);

/* Trust anchors (src/core/ca_default.c). */
#define PETLS_CA_NONE 0
#define PETLS_CA_USER 1
#define PETLS_CA_DEFAULT 2
/* At freeze, with the config's mutex held: a config that verifies peers
 * and was given no CA loads the default store (petls_port_default_ca_*).
 * Never fails: without one, ca_note says why. */
void petls_config_load_default_ca(struct petls_config *config);
/* A client context is being configured with it: freezing loads the default
 * store (a server config loads it only to verify clients). */
void petls_config_want_default_ca(struct petls_config *config);
/* Adds every CA file of a directory to the config's backend config (files
 * that are not certificates are skipped; with hashed_only, also files not
 * named as OpenSSL's c_rehash names them, "1a2b3c4d.0": SSL_CERT_DIR is
 * such a directory, and /etc/ssl/certs also holds the bundle and a second
 * name of every certificate). The count, or -1 with err. */
int petls_config_add_ca_dir(struct petls_config *config, const char *dir,
                            int hashed_only, char *err, size_t errlen);
/* After a failed verification: why the config has no CA certificate
 * ("none configured", "SSL_CERT_FILE /x: ..."), or NULL when it has some. */
const char *petls_config_ca_hint(const struct petls_config *config);
/* Setters may only run before the config is shared: 1 (with the config's
 * error set) when it is frozen, else 0. */
int petls_config_frozen(struct petls_config *c);
/* Effective protocol bits (set, narrowed by min/max). */
uint32_t petls_config_effective_protocols(const struct petls_config *config);

/* ---- context.c ---- */

/* Resets connection state (conn, transport, names, results). */
void petls_conn_state_free(struct petls *ctx);
/* Creates the backend connection once the transport is set. */
int petls_conn_start(struct petls *ctx);

/* ---- io.c ---- */

int petls_io_send(void *io, const unsigned char *buf, size_t len);
int petls_io_recv(void *io, unsigned char *buf, size_t len);

/* ---- session_server.c ---- */

/* What a stored session is kept as: a TLS 1.2 session ID or a stateful
 * TLS 1.3 ticket id (bound into cache keys and sealed blobs). */
#define PETLS_SESSION_KIND_ID 'I'
#define PETLS_SESSION_KIND_TICKET 'T'
/* Copies msg into err (cut to fit). */
void petls_session_errmsg(char *err, size_t errlen, const char *msg);
/* Unix seconds, or the monotonic clock on platforms without a calendar. */
int64_t petls_session_now(void);
/* ---- accept/session_preparse.c (the ClientHello stage, a table entry:
 * petls_feature_accept) ---- */

/* The store's prefetched answer for (kind, id): -1 none was fetched for
 * it, 0 a miss, 1 found (*blob, *blob_len point at the sealed blob). */
int petls_preparse_answer(struct petls *ctx, int kind, const uint8_t *id,
                          size_t id_len, const uint8_t **blob,
                          size_t *blob_len);

/* ---- session_client.c ---- */

/* Fills the session to offer (explicit, session fd, client cache) into the
 * backend connection parameters; the bytes stay valid until the connection
 * state is freed. */
void petls_session_client_offer(struct petls *ctx, struct pb_conn_params *p);
/* The backend's client_session hook: a new session for this connection. */
void petls_session_client_received(struct petls *ctx, const uint8_t *sess,
                                   size_t len);
/* Frees the client session state of a connection (not the offer). */
void petls_session_client_free(struct petls *ctx);
/* Frees the offered session (reset and free). */
void petls_session_offer_free(struct petls *ctx);

/* ---- conn_info.c ---- */

/* Computes authorized / authorizationError from the backend's facts. */
void petls_conn_compute_auth(struct petls *ctx);
/* Fetches the peer certificate into ctx->cert; 1 when present. */
int petls_conn_fetch_cert(struct petls *ctx);

/* feature/keyinfo/keyinfo.c: a client's received bytes (rc of a transport
 * read, returned unchanged) go to the ServerHello watch until the handshake
 * is done. */
int petls_keyinfo_seen(struct petls *ctx, const unsigned char *buf, int rc);

#endif /* PETLS_INTERNAL_H */
