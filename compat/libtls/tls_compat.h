/* compat/libtls: private structures of the libtls drop-in. Built on the
 * public petls API only (include/petls.h). */
#ifndef PETLS_TLS_COMPAT_H
#define PETLS_TLS_COMPAT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "petls.h"
#include "tls.h"

#if defined(__GNUC__)
#define TLS_EXPORT __attribute__((visibility("default")))
#else
#define TLS_EXPORT
#endif

/* An error as libtls keeps one: a message (NULL: no error) and a code. */
struct tls_err {
    char *msg;
    int code;
};

/* A file or memory blob held by a config. Keys are wiped when replaced. */
struct tls_blob {
    uint8_t *data;
    size_t len;
};

struct tls_keypair {
    struct tls_blob cert;
    struct tls_blob key;
};

/* libtls keeps this many ticket keys; the most recently added encrypts. */
#define TLS_COMPAT_TICKET_KEYS 4
struct tls_ticket_key {
    uint32_t keyrev;
    uint8_t key[TLS_TICKET_KEY_SIZE];
};

#define TLS_COMPAT_MAX_KEYPAIRS 16

/*
 * A libtls config is a recipe: the settings as the application gave them.
 * tls_configure() builds a petls_config from it (a snapshot, frozen by
 * petls) and caches that snapshot until the recipe changes, so that a
 * config changed after tls_configure() never affects a context configured
 * before.
 */
struct tls_config {
    pthread_mutex_t mu; /* the snapshot cache and the ticket keys */
    unsigned long gen;  /* bumped by every change */
    struct petls_config *built;
    unsigned long built_gen;
    struct tls_err err;

    uint32_t protocols;
    char *ciphers;
    int prefer_client;
    char *curves;
    int dheparams; /* 0 none (libtls's default), 1 auto, 2 legacy (petls:
                    * auto, it has no 1024-bit group) */
    char *alpn;
    struct tls_blob ca;
    char *ca_path;
    struct tls_blob crl;
    int verify_depth;
    int verify_cert, verify_name, verify_time;
    int verify_client; /* 0 no, 1 required, 2 optional */
    int ocsp_require;
    struct tls_keypair keypairs[TLS_COMPAT_MAX_KEYPAIRS];
    size_t n_keypairs; /* >= 1: keypairs[0] is the one set_* change */
    unsigned char session_id[TLS_MAX_SESSION_ID_LENGTH];
    size_t session_id_len;
    int session_lifetime;
    int session_fd;
    struct tls_ticket_key tickets[TLS_COMPAT_TICKET_KEYS]; /* newest first */
    size_t n_tickets;
    int fake_private_key;
};

#define TLS_COMPAT_CLIENT 1
#define TLS_COMPAT_SERVER 2
#define TLS_COMPAT_SERVER_CONN 4

struct tls {
    int flags;
    struct petls *p;
    struct tls_err err;
    int hs_done;
    int eof_no_close_notify; /* tls_read saw EOF without close_notify */
    int ocsp_require;        /* from the config at tls_configure() */
    /* tls_config_verify_client_optional(): a client certificate that is
     * sent must verify (OpenSSL's SSL_VERIFY_PEER, which libtls uses);
     * petls's optional mode accepts it and reports it, as Node does. */
    int verify_client_optional;
    tls_read_cb read_cb;
    tls_write_cb write_cb;
    void *cb_arg;
    /* Peer certificate strings in libtls's formats, made on first use. */
    char *subject, *issuer, *common_name;
};

/* tls_util.c */
void tls_compat_err_clear(struct tls_err *e);
/* Sets the message (printf format) and code; the previous one is freed.
 * Out of memory leaves msg NULL (libtls: tls_error() then returns NULL). */
void tls_compat_err_set(struct tls_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *tls_compat_strdup(const char *s);
void tls_compat_wipe(void *p, size_t n);
void tls_compat_blob_free(struct tls_blob *b);
int tls_compat_blob_set(struct tls_blob *b, const uint8_t *data, size_t len);
int tls_compat_random(void *buf, size_t n);
/* "C=US, O=x, CN=y" (mbedTLS) -> "/C=US/O=x/CN=y" (OpenSSL's one-line
 * form, which libtls returns). NULL on out of memory. */
char *tls_compat_dn_oneline(const char *dn);
/* The CN of a "C=US, O=x, CN=y" name, "" when there is none. */
char *tls_compat_dn_cn(const char *dn);

/* tls_config.c */
/* Configures p with the snapshot of config's current settings (built when
 * they changed since the last one). 0, or -1 with the reason in err. */
int tls_compat_config_attach(struct tls_config *config, struct petls *p,
                             struct tls_err *err);

#define TLS_OCSP_UNSUPPORTED                                                   \
    "OCSP stapling is not supported: mbedTLS 3.6 can neither send nor "        \
    "receive a stapled OCSP response"

#endif
