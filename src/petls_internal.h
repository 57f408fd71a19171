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

#define PETLS_ERRBUF_SIZE 512
#define PETLS_MAX_GROUPS 16

/* An error buffer: set is 0 while no error was recorded. */
struct petls_err {
    int set;
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
    int prefer_server_ciphers;

    int verify_cert;
    int verify_name;
    int verify_time;
    int verify_client; /* PETLS_VERIFY_CLIENT_* */
    int verify_depth;  /* -1: backend default */
    uint32_t handshake_timeout_ms;

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
};

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
    const char *auth_code; /* static string from petls_verify_code */
    char auth_msg[PETLS_ERRBUF_SIZE];

    /* Peer certificate, fetched once. */
    int cert_state; /* 0 not fetched, 1 present, -1 none */
    struct pb_cert_info cert;
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

/* ---- config.c ---- */

/* Takes a reference, freezing the config on first use. Returns 0, or -1
 * with the reason in err. */
int petls_config_acquire(struct petls_config *config, char *err, size_t errlen);
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

/* ---- conn_info.c ---- */

/* Computes authorized / authorizationError from the backend's facts. */
void petls_conn_compute_auth(struct petls *ctx);
/* Fetches the peer certificate into ctx->cert; 1 when present. */
int petls_conn_fetch_cert(struct petls *ctx);

#endif /* PETLS_INTERNAL_H */
