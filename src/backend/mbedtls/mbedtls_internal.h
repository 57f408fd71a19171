/*
 * Private declarations shared by the mbedTLS 3.6 backend's files. Nothing
 * outside src/backend/mbedtls/ includes this header.
 */
#ifndef PETLS_MBEDTLS_INTERNAL_H
#define PETLS_MBEDTLS_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crl.h>
#include <mbedtls/x509_crt.h>

#include "backend/backend.h"
#include "backend/backend_features.h"
#include "backend/mbedtls/mbedtls_nego.h"

/* Builds without certificates (port/mbedtls/petls_mbedtls_psk12_min.h: no
 * X.509, no public-key crypto) keep only the PSK key exchanges. Every
 * certificate call of the backend fails there with this message. */
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
/* Kept short: the bare-metal port keeps 128-byte error messages. */
#define PB_MBEDTLS_NO_X509_MSG "this mbed TLS build has no X.509 support"
#endif

/* One certificate chain with its private key (mbedtls_ssl_conf_own_cert
 * keeps pointers to both, so they live as long as the config). */
struct pb_keypair {
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
    struct pb_keypair *next;
};

struct pb_config {
    struct pb_keypair *keypairs; /* in the order they were added; always
                                  * NULL without MBEDTLS_X509_CRT_PARSE_C */
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt ca;
    int n_ca;
    mbedtls_x509_crl crl;
    int n_crl;
#endif

    int frozen;
    mbedtls_ssl_config client; /* built at freeze, one per role */
    mbedtls_ssl_config server;
    /* Stateful mode (settings tls12_tickets = 0): the server config without
     * ticket callbacks, for connections whose ClientHello offers no TLS
     * 1.3 (pb_conn_params.no_tls12_tickets), so that TLS 1.2 gets a session
     * ID. Same certificates, keys, CAs and lists as server. */
    mbedtls_ssl_config server_noticket;
    int have_server_noticket;
    int *ciphers;       /* 0-terminated; both ssl configs point to it */
    uint16_t *groups;   /* 0-terminated; likewise */
    uint16_t *sig_algs; /* MBEDTLS_TLS1_3_SIG_NONE-terminated; likewise (NULL
                         * in builds without certificates) */

    int verify_cert;
    int verify_time;
    int verify_client;
    int verify_depth;
    pb_name_match_fn name_match; /* pb_settings.name_match */

    /* Sessions (mbedtls_session.c). */
    const struct pb_session_hooks *hooks;
    /* Client: settings tls13_psk_ke 2, offer psk_ke alone when resuming
     * a TLS 1.3 session whose ticket allows it (mbedtls_psk_ke.c). */
    int client_psk_ke_only;
    uint32_t ticket_lifetime_s;

    struct pb_nego_cfg nego; /* ALPN, renegotiation (mbedtls_nego.c) */

    int keep_buffers; /* pb_settings.keep_buffers (mbedtls_buffers.c) */
};

/* Facts the verify callback records while mbedTLS verifies the peer. */
struct pb_vstate {
    int started;     /* the callback ran (first call: the top) */
    int called;      /* the callback ran at depth 0 */
    int top_depth;   /* depth of the top of the verified chain */
    int top_is_root; /* that top is self-signed (a trust anchor) */
    int chain_len;   /* certificates the peer sent */
    int leaf_self_signed;
    int top_self_signed;
    int depth_exceeded;
    int trimmed; /* pb_mbedtls_trim_peer_chain dropped the intermediates;
                  * chain_len and *_self_signed describe what was sent */
};

/* The verification of the full handshake that made a session, kept in the
 * session bytes (mbedtls_session.c): a resumed handshake verifies nothing
 * and reports this instead. */
struct pb_kept_verify {
    int valid;
    struct petls_verify_facts facts;
    char *name;            /* client: the name verified then, or NULL */
    mbedtls_x509_crt *crt; /* the peer's leaf, or NULL (none, or too big) */
};

/* Record buffers of one connection while released (mbedtls_buffers.c):
 * the 8 bytes mbedTLS keeps at the start of each buffer (the record
 * counters) and the offsets of the pointers it derived from them. */
struct pb_bufstate {
    int released;
    int hs_emptied;         /* TLS 1.3: the handshake state was freed */
    unsigned long releases; /* how often (tests, bench) */
    size_t in_size, out_size;
    unsigned char in_ctr[8], out_ctr[8];
    size_t in_hdr, in_len, in_iv, in_msg, in_cid;
    size_t out_hdr, out_len, out_iv, out_msg, out_cid;
};

/* The records this connection sent, as far as alerts go
 * (mbedtls_alert.c). */
struct pb_alert_state {
    unsigned char hdr[5]; /* header of the record being sent */
    size_t hdr_have;
    size_t body_len;
    size_t body_left;
    int in_alert;   /* that record is an alert */
    int sent;       /* an alert record left */
    int maybe;      /* it is encrypted TLS 1.3 and the last record so far */
    int ret;        /* the error the connection failed with */
    int replace;    /* the alert to send for mbedTLS's dropped one, or 0 */
    int empty_cert; /* we sent an empty TLS 1.2 Certificate */
    int sent_desc;  /* its description when it was readable, else -1 */
    /* Server: the ClientHello stage's judge (pb_conn_params.hello_check),
     * the alert it refused the ClientHello with (0: none) and why. */
    int (*hello_check)(void *owner, const uint8_t *hello, size_t hello_len,
                       char *why, size_t whylen);
    int refused;
    char refused_why[64];
    const char *refused_msg; /* the message refused ("ClientHello") */
    const char *refused_rfc; /* the rule it broke ("RFC 8446 4.2") */
    /* Server, TLS 1.2: what its ServerKeyExchange offered (the watch reads
     * it): the ECDHE group (TLS id) or the length of the DHE prime. */
    unsigned kex_group;
    size_t kex_dh_plen;
};

/* Virtual hosts and external PSKs of one connection (mbedtls_sni.c,
 * mbedtls_psk.c). */
struct pb_vhost_state {
    const struct pb_vhost_hooks *hooks; /* server, or NULL */
    void *owner;
    struct pb_config *host;          /* SNI context chosen, or NULL */
    mbedtls_ssl_config *client_conf; /* client offering a PSK: a copy of
                                      * cfg->client holding it */
    char *psk_identity;              /* server: whose key was found;
                                      * client: the one offered */
    char *psk_unknown;               /* server: last identity not found */
    int sni_refusal;                 /* sni_select's -1 / -2, else 0 */
};

struct pb_conn {
    struct pb_config *cfg;
    mbedtls_ssl_context ssl;
    int is_server;
    char *verify_name; /* copy, or NULL */
    char *sni;         /* server: the SNI the client sent */

    pb_send_fn send;
    pb_recv_fn recv;
    void *io;
    int io_status; /* PB_ERR_TIMEOUT / PB_ERR from the hooks, else 0 */

    size_t write_done; /* bytes of the pending pb_conn_write already sent */
    int handshake_done;
    int failed;      /* the PB_* code of a fatal error, then sticky */
    int peer_closed; /* close_notify received */

    struct pb_vstate vstate;

    /* Resumption (mbedtls_session.c, pb_conn_resumed). */
    void *owner;         /* pb_conn_params.owner, for the hooks */
    int offered_session; /* client: a session was set for this handshake */
    int offered_tls13;   /* client: ... and it is a TLS 1.3 session */
    int session_opened;  /* server: ticket_open/cache_get gave a session */
    /* The copy of the config, with psk_ke as its only TLS 1.3 key
     * exchange, that ssl.conf points to once a ticket qualified for psk_ke
     * (server) or a client in psk_ke-only mode offers one (mbedtls_psk_ke.c);
     * NULL otherwise. */
    mbedtls_ssl_config *psk_ke_conf;
    int saw_certificate; /* the handshake went through ServerCertificate */
    int saw_client_kex;  /* TLS 1.2: it went through ClientKeyExchange */
    int saw_hrr;         /* TLS 1.3 server: sent a HelloRetryRequest */
    int id_stored_early; /* TLS 1.2 server: session ID stored before its
                          * Finished (mbedtls_session.c store_id_early) */
    int resumed;         /* decided when the handshake completed */
    struct pb_kept_verify kept; /* from the session offered / opened */

    struct pb_vhost_state vh;

    /* ALPN, renegotiation, key log, record sizes (mbedtls_nego.c). */
    struct pb_nego_conn nego;

    struct pb_bufstate bufs; /* mbedtls_buffers.c */

    struct pb_alert_state alert; /* mbedtls_alert.c */

    /* pb_conn_peer_cert cache (mbedtls_x509.c). */
    int cert_cached; /* 0 not yet, 1 filled, -1 no certificate */
    struct pb_cert_info cert;
    /* pb_conn_peer_cert_details cache, one entry per depth asked
     * (mbedtls_certinfo.c). */
    struct pb_certinfo_entry *certinfo;
};

/* ---- mbedtls_init.c ---- */

/* The global CTR_DRBG (thread-safe through mbedTLS's own mutex); valid once
 * pb_init() succeeded. */
int pb_mbedtls_rng(void *ctx, unsigned char *out, size_t len);
void *pb_mbedtls_rng_ctx(void);
/* pb_init() and whether it succeeded; 0 or -1 with err filled. */
int pb_mbedtls_ensure_init(char *err, size_t errlen);

/* Writes "<prefix>: <mbedtls_strerror text>" into err. */
void pb_mbedtls_err(char *err, size_t errlen, int ret, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Writes a formatted message into err (never overflows, always NUL). */
void pb_mbedtls_msg(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* mbedTLS parses PEM only when the buffer ends with a NUL that is counted in
 * its length. Returns a copy of in with a NUL appended when it looks like
 * PEM (and *out_len counting it), or in itself (*out_len = len) for DER;
 * *owned tells whether the caller must free (zeroizing) the copy. NULL when
 * out of memory. */
const uint8_t *pb_mbedtls_pem_input(const uint8_t *in, size_t len,
                                    size_t *out_len, int *owned);
void pb_mbedtls_free_input(const uint8_t *p, size_t len, int owned);

/* ---- mbedtls_x509.c ---- */

/* The verify callback installed on every connection (p_vrfy = the conn). */
int pb_mbedtls_verify_cb(void *p_conn, mbedtls_x509_crt *crt, int depth,
                         uint32_t *flags);
/* Frees the pb_conn_peer_cert cache. */
void pb_mbedtls_cert_cache_free(struct pb_conn *c);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
/* A validity time as Unix seconds. */
int64_t pb_mbedtls_unix_time(const mbedtls_x509_time *t);
/* A GeneralName as Node prints a SAN ("DNS:x", "IP Address:y", "URI:z",
 * "email:w"), allocated; NULL for other kinds or out of memory. */
char *pb_mbedtls_format_san(const mbedtls_x509_buf *b);
#endif

/* ---- mbedtls_certinfo.c ---- */

/* Frees the pb_conn_peer_cert_details cache (with the connection, and
 * before a renegotiation's new certificate). */
void pb_mbedtls_certinfo_free(struct pb_conn *c);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
/* Decodes one DER certificate as pb_conn_peer_cert_details does (the fuzz
 * target's entry, tests/fuzz/fuzz_certinfo.c): 0 with *out valid until
 * pb_mbedtls_certinfo_release(*keep), or -1 when mbedTLS rejects it or out
 * of memory. */
int pb_mbedtls_certinfo_decode(const uint8_t *der, size_t len,
                               struct pb_cert_details *out, void **keep);
void pb_mbedtls_certinfo_release(void *keep);
#endif
/* mbedtls_pk_parse_key, with a wrong passphrase always reported as
 * MBEDTLS_ERR_PK_PASSWORD_MISMATCH (mbedtls_key.c). */
int pb_mbedtls_parse_key(mbedtls_pk_context *pk, const unsigned char *in,
                         size_t in_len, const unsigned char *pwd,
                         size_t pwd_len);
/* Once the handshake is over, in builds that cannot export the peer's
 * chain: frees the certificates after the peer's leaf (mbedtls_x509.c). */
void pb_mbedtls_trim_peer_chain(struct pb_conn *c);
/* RFC 6125 check of host against the certificate's names: 1 match, 0 no
 * match, -1 out of memory. */
int pb_mbedtls_cert_names_match(const struct pb_config *cfg,
                                const mbedtls_x509_crt *crt, const char *host);

/* ---- mbedtls_sni.c ---- */

/* The server's SNI callback: records the name in the conn and applies the
 * SNI context the engine picks (keypairs, CA, client verification). */
int pb_mbedtls_sni_cb(void *unused, mbedtls_ssl_context *ssl,
                      const unsigned char *name, size_t len);
/* Role setup for virtual hosts and PSKs, called at freeze for each role
 * (the server's PSK callback). 0 or PB_ERR with err. */
int pb_mbedtls_vhost_conf(mbedtls_ssl_config *conf, int endpoint,
                          const struct pb_settings *s, char *err,
                          size_t errlen);
/* Connection setup: records the hooks and, for a client offering a PSK,
 * makes the per-connection config holding it. *conf is the config to pass
 * to mbedtls_ssl_setup. 0 or PB_ERR with err. */
int pb_mbedtls_vhost_conn(struct pb_conn *c, const struct pb_conn_params *p,
                          const mbedtls_ssl_config **conf, char *err,
                          size_t errlen);
void pb_mbedtls_vhost_conn_free(struct pb_conn *c);
/* Explains a failed handshake that SNI or PSK caused (unknown identity,
 * wrong key, strict SNI). 1 when err was written, else 0. */
int pb_mbedtls_vhost_explain(struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen);

/* ---- mbedtls_psk.c ---- */

/* The server's PSK callback (mbedtls_ssl_conf_psk_cb). */
int pb_mbedtls_psk_cb(void *unused, mbedtls_ssl_context *ssl,
                      const unsigned char *id, size_t len);
/* Client: the per-connection config holding the PSK (see vhost_conn). */
int pb_mbedtls_psk_client_conf(struct pb_conn *c,
                               const struct pb_conn_params *p,
                               const mbedtls_ssl_config **conf, char *err,
                               size_t errlen);
void pb_mbedtls_psk_conn_free(struct pb_conn *c);
/* 1 when the ciphersuite is a TLS 1.2 PSK one. */
int pb_mbedtls_suite_is_psk(int id);

/* ---- mbedtls_session.c ---- */

/* Makes c the connection the session callbacks act for on this thread;
 * returns the previous one, to pass to pb_mbedtls_leave. */
struct pb_conn *pb_mbedtls_enter(struct pb_conn *c);
void pb_mbedtls_leave(struct pb_conn *prev);
/* Installs the session settings (tickets, cache, TLS 1.3 modes) on one
 * ssl config; with_tickets 0 leaves the ticket callbacks out. */
void pb_mbedtls_session_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                             int endpoint, int with_tickets,
                             const struct pb_settings *s);
/* Client: offers session bytes on c. 0, or -1 (unusable: not offered). */
int pb_mbedtls_client_set_session(struct pb_conn *c, const uint8_t *bytes,
                                  size_t len);
/* Client: exports the current session to hooks->client_session. */
void pb_mbedtls_client_export(struct pb_conn *c);
/* mbedtls_ssl_handshake/read/write/close_notify with c as the current
 * connection, TLS 1.3 NewSessionTickets handed to the client hook (and
 * never returned), and the handshake stepped to tell a resumption. */
int pb_mbedtls_session_handshake(struct pb_conn *c);
int pb_mbedtls_session_read(struct pb_conn *c, unsigned char *buf, size_t len);
int pb_mbedtls_session_write(struct pb_conn *c, const unsigned char *buf,
                             size_t len);
int pb_mbedtls_session_close(struct pb_conn *c);
/* The kept verification when it stands for this connection's (it
 * resumed, or a TLS 1.3 server is resuming it), else NULL. */
const struct pb_kept_verify *pb_mbedtls_kept_verify(const struct pb_conn *c);
void pb_mbedtls_kept_free(struct pb_conn *c);
/* Server, TLS 1.3: a ticket identity (ticket, as the client sent it) has
 * just opened as session: switches the connection to psk_ke when the
 * config allows it, the client offers it and mbedTLS will accept the
 * ticket (mbedtls_psk_ke.c). Never fails the handshake: anything short of
 * that leaves mbedTLS's own preference. */
void pb_mbedtls_psk_ke_consider(struct pb_conn *c,
                                const mbedtls_ssl_session *session,
                                const uint8_t *ticket, size_t ticket_len);
/* Client, PETLS_TLS13_PSK_KE_ONLY (pb_config.client_psk_ke_only): session
 * has just been set for this handshake: offers psk_ke alone (no key share)
 * when its ticket allows psk_ke and mbedTLS will offer it
 * (mbedtls_psk_ke.c); otherwise both modes, as with psk_ke allowed. */
void pb_mbedtls_psk_ke_client(struct pb_conn *c,
                              const mbedtls_ssl_session *session);
void pb_mbedtls_psk_ke_free(struct pb_conn *c);
/* Client: appends to err why a handshake that offered a TLS 1.3 session
 * may have failed (mbedTLS then offers TLS 1.3 only). Returns pb. */
int pb_mbedtls_session_explain(struct pb_conn *c, int pb, char *err,
                               size_t errlen);

/* ---- mbedtls_buffers.c ---- */

/* The mbedTLS library linked is the one whose context layout the backend
 * was compiled against: releasing buffers and freeing handshake leftovers
 * touch private fields. */
int pb_mbedtls_buffers_supported(void);
/* After a call into mbedTLS: frees the record buffers when nothing is in
 * them but the counters (and the config does not keep them). */
void pb_mbedtls_buffers_idle(struct pb_conn *c);
/* Before a call into mbedTLS: allocates released buffers again. 0, or
 * PB_ERR with "<op>: out of memory ..." in err and the connection failed. */
int pb_mbedtls_buffers_acquire(struct pb_conn *c, const char *op, char *err,
                               size_t errlen);
/* After a TLS 1.3 handshake: frees the handshake state and the unused
 * transforms mbedTLS 3.6 keeps (a client taking tickets keeps the emptied
 * handshake structure for NewSessionTickets). */
void pb_mbedtls_handshake_leftovers(struct pb_conn *c);

/* ---- mbedtls_alert.c ---- */

/* The RFC name of an alert description, or NULL. */
const char *pb_alert_name(int a);
/* A plaintext alert record: 5-byte header, level, description. */
#define PB_ALERT_RECORD_LEN 7
/* bio_send passes every chunk before sending it: returns buf, or tmp (of
 * PB_ALERT_RECORD_LEN bytes) holding the chunk with a plaintext alert's
 * description replaced where mbedTLS chose a wrong one, or NULL when the
 * chunk is an encrypted alert of mbedTLS's with a wrong description:
 * bio_send then reports it sent without sending it, and
 * pb_mbedtls_alert_abort() sends the right one. */
const unsigned char *pb_mbedtls_alert_outgoing(struct pb_conn *c,
                                               const unsigned char *buf,
                                               size_t len, unsigned char *tmp);
/* bio_send passes every byte it sent: records alerts leaving. */
void pb_mbedtls_alert_watch(struct pb_conn *c, const unsigned char *buf,
                            size_t n);
/* The alert a fatal mbedTLS error ret calls for in the connection's
 * current state, or -1 (the peer is gone, or it ended the connection). */
int pb_mbedtls_alert_for(const struct pb_conn *c, int ret);
/* Called before each handshake step: a TLS 1.3 server writes with its
 * application keys once its Finished is out. */
void pb_mbedtls_alert_step(struct pb_conn *c);
/* Server, after the handshake step that parsed a ClientHello: the
 * ClientHello stage's judgement of it. 0, or an mbedTLS error (the
 * alert to send is kept for pb_mbedtls_alert_abort). */
int pb_mbedtls_alert_hello(struct pb_conn *c);
/* Server, after the handshake step that failed parsing a ClientHello:
 * hands it to the ClientHello stage (which records what it wants of it)
 * without judging it. */
void pb_mbedtls_alert_hello_failed(struct pb_conn *c);
/* Server, after the handshake step that parsed a TLS 1.2
 * ClientKeyExchange: refuses an ECDH point in compressed form (RFC 8422
 * 5.1.2), which mbedTLS 3.6 accepts. 0 or an mbedTLS error, as above. */
int pb_mbedtls_alert_kex(struct pb_conn *c);
/* Sends that alert unless one was sent already (by mbedTLS or here) or the
 * transport failed. Returns the description sent, or -1. */
int pb_mbedtls_alert_abort(struct pb_conn *c, int ret);
/* The alert this connection sent: its description, 256 when sent but
 * unreadable (encrypted), or -1 when none. */
int pb_mbedtls_alert_sent(const struct pb_conn *c);
/* Appends " (sent alert NAME)" to err when an alert was sent and err does
 * not speak of alerts already. */
void pb_mbedtls_alert_note(const struct pb_conn *c, char *err, size_t errlen);
/* A message naming what went wrong for the failures whose mbedTLS code
 * says little (handshake_failure): bad Finished, bad binder, no RFC 5746
 * signal, no client certificate. 1 when err was written. */
int pb_mbedtls_alert_explain(struct pb_conn *c, int ret, const char *op,
                             char *err, size_t errlen);

#endif /* PETLS_MBEDTLS_INTERNAL_H */
