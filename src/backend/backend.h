/*
 * The one internal interface between the engine and a TLS backend.
 *
 * The engine (the .c files of src/) owns policy: parsing user strings, the
 * public API, I/O plumbing, timeouts, error messages, Node-style verification
 * results. A backend (src/backend/<name>/) owns the protocol: it turns neutral
 * settings (IANA code points, PETLS_PROTOCOL_* bits, DER/PEM blobs) into its
 * library's objects, runs handshakes and records, and reports neutral facts.
 * Only src/backend/mbedtls/ includes mbedTLS or PSA headers.
 *
 * Conventions: functions that can fail return 0 (or a count) on success and
 * a negative PB_* value on failure, writing a human-readable reason into
 * err/errlen (never NULL, errlen >= 1). Nothing here prints or aborts.
 */
#ifndef PETLS_BACKEND_H
#define PETLS_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Neutral constants: the same values as include/petls.h's (the engine
 * checks that at compile time, src/core/config.c), so that the backend
 * needs no engine or public header. */
#define PB_PROTOCOL_TLSv1_2 (1u << 3) /* PETLS_PROTOCOL_TLSv1_2 */
#define PB_PROTOCOL_TLSv1_3 (1u << 4) /* PETLS_PROTOCOL_TLSv1_3 */
#define PB_PROTOCOLS_ALL (PB_PROTOCOL_TLSv1_2 | PB_PROTOCOL_TLSv1_3)
#define PB_VERIFY_CLIENT_NONE 0     /* PETLS_VERIFY_CLIENT_NONE */
#define PB_VERIFY_CLIENT_OPTIONAL 1 /* PETLS_VERIFY_CLIENT_OPTIONAL */
#define PB_VERIFY_CLIENT_REQUIRE 2  /* PETLS_VERIFY_CLIENT_REQUIRE */

/* Neutral verification flags that the backend reports. */
#define PETLS_VF_NO_CERT 0x0001u       /* the peer sent no certificate */
#define PETLS_VF_NOT_TRUSTED 0x0002u   /* chain does not end at a trusted CA */
#define PETLS_VF_EXPIRED 0x0004u       /* some certificate expired */
#define PETLS_VF_FUTURE 0x0008u        /* some certificate not yet valid */
#define PETLS_VF_REVOKED 0x0010u       /* revoked by a CRL */
#define PETLS_VF_NAME_MISMATCH 0x0020u /* host name does not match */
#define PETLS_VF_BAD_SIGNATURE 0x0040u /* a signature in the chain is bad */
#define PETLS_VF_BAD_KEY 0x0080u       /* key type/size not acceptable */
#define PETLS_VF_BAD_USAGE 0x0100u     /* key usage / extended key usage */
#define PETLS_VF_CRL_EXPIRED 0x0200u   /* the CRL is out of date */
#define PETLS_VF_OTHER 0x8000u         /* anything else */

struct petls_verify_facts {
    uint32_t flags;       /* PETLS_VF_* */
    int chain_len;        /* certificates the peer sent */
    int leaf_self_signed; /* leaf's issuer == subject and self-verifies */
    int top_self_signed;  /* last cert the peer sent is self-signed */
    int depth_exceeded;   /* chain longer than the configured verify depth */
};

/* What a certificate says about its names, as the backend extracts them. */
struct petls_cert_names {
    const char *const *dns; /* dNSName SANs */
    const size_t *dns_len;  /* their lengths (may contain no NUL) */
    size_t n_dns;
    const uint8_t *const *ip; /* iPAddress SANs, 4 or 16 bytes each */
    const size_t *ip_len;
    size_t n_ip;
    const char *cn; /* subject common name, or NULL */
    size_t cn_len;
};

/* RFC 6125 host check the engine supplies (petls_hostname_verify): 1 when
 * host matches names, else 0. The backend calls it, never the engine
 * directly. */
typedef int (*pb_name_match_fn)(const struct petls_cert_names *names,
                                const char *host);

/* Return codes shared by the connection calls. */
#define PB_OK 0
#define PB_ERR (-1)        /* generic failure, err filled */
#define PB_WANT_READ (-2)  /* == PETLS_WANT_POLLIN */
#define PB_WANT_WRITE (-3) /* == PETLS_WANT_POLLOUT */
#define PB_ERR_VERIFY                                                          \
    (-5)                    /* handshake failed: peer certificate rejected;    \
                             * details from pb_conn_verify_facts() */
#define PB_EOF (-6)         /* transport EOF without close_notify */
#define PB_ERR_TIMEOUT (-7) /* transport timed out (from the I/O hooks) */
#define PB_ERR_UNSUPPORTED (-8) /* algorithm not in this backend or build */

/* ---- Library ---- */

/* Initialises the backend once (PSA crypto, DRBG seeding through
 * petls_port_entropy). Thread-safe and idempotent. */
int pb_init(char *err, size_t errlen);
/* "mbed TLS 3.6.6" */
const char *pb_version(void);

/* ---- Configuration ---- */

struct pb_config;
struct pb_nego_settings;
struct pb_nego_params;

/* Settings frozen at the first use of a petls_config. */
struct pb_settings {
    uint32_t protocols;      /* PETLS_PROTOCOL_* bits, at least one */
    const uint16_t *ciphers; /* IANA suites in preference order */
    size_t n_ciphers;        /* 0: the backend's "secure" default */
    /* Cipher list semantics (as Node/OpenSSL): suites the backend does not
     * implement are skipped (freeze fails only when none remains); a list
     * without TLS 1.3 suites leaves TLS 1.3 on its default suites; a list
     * without TLS 1.2 suites disables TLS 1.2 (freeze fails when TLS 1.2 is
     * then the only enabled protocol). mbedTLS servers always choose TLS
     * 1.2 suites in their own order: prefer_server_ciphers=0 is not
     * honoured there. */
    const uint16_t *groups; /* IANA named groups in preference order */
    size_t n_groups;        /* 0: the backend's default */
    /* Signature algorithms (IANA SignatureScheme code points) in
     * preference order, for both roles and both versions: what a client
     * offers in signature_algorithms, what a server accepts from a client
     * and signs with, what either accepts in the peer's CertificateVerify
     * or ServerKeyExchange. Entries the backend cannot use are skipped
     * (freeze fails when none remains, or none for TLS 1.2 when that is
     * the only version; pb_config_sigalgs says what a version uses). 0:
     * the backend's default. */
    const uint16_t *sigalgs;
    size_t n_sigalgs;
    int prefer_server_ciphers; /* 1: server order wins */
    int verify_cert;           /* client: verify the server's chain */
    int verify_time;           /* check validity dates */
    int verify_client;         /* server: PETLS_VERIFY_CLIENT_* */
    int verify_depth;          /* max intermediate certificates, -1 = default
                                * (exceeding it: facts.depth_exceeded with
                                * PETLS_VF_OTHER) */

    /* Sessions (server unless noted). The backend never keeps sessions
     * itself: it serialises them and hands the bytes to the hooks below,
     * which the engine seals, caches or stores. */
    const struct pb_session_hooks *session_hooks; /* NULL: no resumption */
    int tickets;       /* server: issue/accept tickets (TLS 1.2 and 1.3) */
    int tls12_tickets; /* server: 0 = TLS 1.2 handshakes get no ticket
                        * extension and resume by session ID (stateful
                        * mode; see pb_conn_params.no_tls12_tickets).
                        * Client (with hooks): 1 = ask for TLS 1.2
                        * tickets, 0 = send no ticket extension (resume
                        * by session ID only) */
    int session_ids;   /* server: TLS 1.2 session-ID resumption through
                        * hooks->cache_get/cache_put */
    unsigned int tls13_tickets; /* server: tickets per TLS 1.3 handshake */
    int tls13_psk_ke;           /* both roles: allow psk_ke (no (EC)DHE) besides
                                 * psk_dhe_ke; a server resuming a ticket
                                 * prefers psk_ke when the client offers it
                                 * (session_hooks->psk_ke_offered). 2: as 1,
                                 * and a client resuming a TLS 1.3 session
                                 * whose ticket allows psk_ke offers psk_ke
                                 * alone, with no key share */
    uint32_t ticket_lifetime_s; /* lifetime advertised when ticket_make
                                 * leaves *lifetime_s alone (TLS 1.3: capped
                                 * at 7 days) */

    /* ALPN, renegotiation, max_fragment_length (backend_nego.h); NULL:
     * none of them, renegotiation refused. */
    const struct pb_nego_settings *nego;
    /* Node's enableTrace(): the library's debug lines up to trace_level
     * (1..4), each without its newline, with the connection's owner (NULL
     * when unknown). NULL: no tracing (and no cost). */
    void (*trace)(void *arg, void *owner, int level, const char *text);
    void *trace_arg;
    int trace_level;

    /* External PSKs (psk.c): a server looks keys up through
     * pb_vhost_hooks.psk_lookup; with the default cipher list (n_ciphers
     * 0) the TLS 1.2 PSK suites are added after the certificate ones. */
    int psk;
    /* Server: PSKs and no certificate at all (nor in SNI contexts): TLS
     * 1.3 then offers only the PSK key exchanges (mbedTLS would otherwise
     * prefer the certificate mode it cannot complete over psk_ke). */
    int psk_only;
    /* The host-name check of the verification and of libtls's keypair
     * choice by name (required; NULL: no name ever matches). */
    pb_name_match_fn name_match;

    /* 1: keep mbedTLS's record buffers for the connection's life; 0 (the
     * default): free them while the connection is idle (nothing buffered
     * either way) and allocate them again before the next read or write. */
    int keep_buffers;
};

/* Called by the backend from inside pb_conn_handshake()/pb_conn_read() on
 * the thread driving that connection; owner is pb_conn_params.owner.
 * Session bytes are the backend's own serialisation (opaque to the engine,
 * which must not parse them); they hold master secrets. */
struct pb_session_hooks {
    /* Server: turn session bytes into a ticket (sealed, or an id into a
     * store). version is 0x0303/0x0304. Returns 0 with *out_len and
     * *lifetime_s set, or -1: no ticket this time. */
    int (*ticket_make)(void *owner, uint16_t version, const uint8_t *sess,
                       size_t sess_len, uint8_t *out, size_t cap,
                       size_t *out_len, uint32_t *lifetime_s);
    /* Server: turn a ticket back into session bytes. 0 (or 1: opened with
     * a retiring key; treated as 0, mbedTLS's TLS 1.3 server re-issues a
     * ticket on every resumption and its TLS 1.2 server cannot), or -1:
     * not resumable (full handshake). Bytes that do not load as a session
     * of the negotiated version are a full handshake too. A TLS 1.3
     * ticket_make failure sends a 1-byte ticket with lifetime 0, which
     * clients discard (mbedTLS would otherwise fail the handshake).
     * The bytes come in *sess, a buffer from petls_port_calloc holding
     * exactly *sess_len bytes (sized from the session, not from
     * PB_SESSION_MAX), which the backend wipes and frees; *sess is NULL
     * unless the call succeeded. */
    int (*ticket_open)(void *owner, const uint8_t *ticket, size_t ticket_len,
                       uint8_t **sess, size_t *sess_len);
    /* Server, TLS 1.2 session IDs: store after a full handshake, look up
     * when a ClientHello offers one. get returns 0 (found: *sess as for
     * ticket_open) or -1. */
    int (*cache_put)(void *owner, const uint8_t *id, size_t id_len,
                     const uint8_t *sess, size_t sess_len);
    int (*cache_get)(void *owner, const uint8_t *id, size_t id_len,
                     uint8_t **sess, size_t *sess_len);
    /* Client: a new session to offer later (end of a TLS 1.2 handshake;
     * each TLS 1.3 NewSessionTicket). */
    void (*client_session)(void *owner, const uint8_t *sess, size_t len);
    /* Server, TLS 1.3, a config allowing psk_ke (tls13_psk_ke): hello is
     * the ClientHello body being answered and ticket one of its
     * pre_shared_key identities, just opened. 1 with *obfuscated_age (that
     * identity's) when the client offers psk_ke, else 0. NULL: the server
     * never prefers psk_ke (mbedTLS's own order: psk_dhe_ke, then a
     * certificate handshake, then psk_ke). */
    int (*psk_ke_offered)(const uint8_t *hello, size_t hello_len,
                          const uint8_t *ticket, size_t ticket_len,
                          uint32_t *obfuscated_age);
    /* Server: the server_name (host_name) of the ClientHello body being
     * answered, for a ticket met before the server_name extension (TLS
     * 1.2 puts no order on them), since sessions are bound to the name.
     * 1 with *name and *name_len (inside hello), 0 (no name), -1 (hello does
     * not parse: the ticket is not opened). NULL: 0. */
    int (*hello_sni)(const uint8_t *hello, size_t hello_len,
                     const uint8_t **name, size_t *name_len);
};
/* Largest session serialisation the backend produces (with a peer
 * certificate chain kept); each one is sized to its session. */
#define PB_SESSION_MAX 6144

struct pb_config *pb_config_new(char *err, size_t errlen);
/* Frees everything, zeroizing private keys. */
void pb_config_free(struct pb_config *cfg);

/* Parses and adds a certificate chain and its private key (PEM or DER;
 * key maybe encrypted, then passphrase is used). Checks that the key
 * matches the certificate. */
int pb_config_add_keypair(struct pb_config *cfg, const uint8_t *cert,
                          size_t cert_len, const uint8_t *key, size_t key_len,
                          const char *passphrase, char *err, size_t errlen);
/* Drops every keypair (for petls_config_set_keypair_*). */
void pb_config_clear_keypairs(struct pb_config *cfg);
/* A server's finite-field DHE (TLS 1.2 DHE-RSA and DHE-PSK suites). */
#define PB_DHE_AUTO 0 /* the RFC 7919 ffdhe2048 group (the default) */
#define PB_DHE_NONE 1 /* no DHE: a server leaves those suites out */
#define PB_DHE_CUSTOM                                                          \
    2 /* params: PKCS#3 DH parameters, PEM ("DH                                \
       * PARAMETERS") or DER */
/* Sets the mode; CUSTOM parses and checks params (a prime of min_bits to
 * 8192 bits, a generator in [2, p-2]) and keeps its p and g, writing the
 * prime's size to *bits. PB_ERR with err ("DH parameters of 1536 bits:
 * at least 2048 are required", "cannot parse the DH parameters (...)"). */
int pb_config_set_dhe(struct pb_config *cfg, int mode, const uint8_t *params,
                      size_t len, size_t min_bits, size_t *bits, char *err,
                      size_t errlen);
/* Adds trust anchors / CRLs (PEM, possibly many, or one DER). */
int pb_config_add_ca(struct pb_config *cfg, const uint8_t *ca, size_t len,
                     char *err, size_t errlen);
void pb_config_clear_ca(struct pb_config *cfg);
int pb_config_add_crl(struct pb_config *cfg, const uint8_t *crl, size_t len,
                      char *err, size_t errlen);
/* Freezes the settings; after this the config is shared read-only by
 * connections on any thread. Fails when a cipher list leaves nothing the
 * backend supports for the chosen protocols, etc. A second call is a no-op
 * returning 0; pb_config_add_* on a frozen config fail. */
int pb_config_freeze(struct pb_config *cfg, const struct pb_settings *s,
                     char *err, size_t errlen);

/* Does the backend implement this suite / group? */
int pb_cipher_supported(uint16_t iana_id);
int pb_group_supported(uint16_t iana_group);
/* Does the backend sign and verify TLS handshakes with this signature
 * algorithm (IANA SignatureScheme)? */
int pb_sigalg_supported(uint16_t iana_sigalg);
/* The signature algorithms a frozen config uses in a handshake of version
 * (0x0303, 0x0304; 0: either), in its order (what pb_settings.sigalgs
 * left, or the backend's default): writes at most max into out and
 * returns the full count (0 for a build without certificates). */
size_t pb_config_sigalgs(const struct pb_config *cfg, uint16_t version,
                         uint16_t *out, size_t max);
/* Can the backend negotiate this suite given the secrets it needs (PSK
 * suites with a PSK)? pb_cipher_supported() leaves PSK suites out. */
int pb_cipher_listed(uint16_t iana_id);
/* The backend's default cipher list (pb_settings.n_ciphers == 0 without a
 * PSK), keeping only supported suites: writes up to max IANA ids to out and
 * returns how many there are in all. */
size_t pb_default_ciphers(uint16_t *out, size_t max);

/* Decrypts a (maybe encrypted) private key and writes it as unencrypted PEM
 * into a buffer from petls_port_calloc (libtls's tls_load_file). */
int pb_key_decrypt_to_pem(const uint8_t *key, size_t key_len,
                          const char *passphrase, uint8_t **pem,
                          size_t *pem_len, char *err, size_t errlen);

/* ---- Connections ---- */

struct pb_conn;
struct pb_vhost_hooks;

/* Transport hooks the engine supplies. Return bytes moved, 0 at EOF (recv),
 * PB_WANT_READ / PB_WANT_WRITE, PB_ERR_TIMEOUT or PB_ERR. */
typedef int (*pb_send_fn)(void *io, const unsigned char *buf, size_t len);
typedef int (*pb_recv_fn)(void *io, unsigned char *buf, size_t len);

struct pb_conn_params {
    int is_server;
    /* Client: the name to send as SNI (NULL: none; never an IP literal). */
    const char *sni;
    /* Client: the name or IP literal to verify the certificate against
     * (NULL: no name check). The backend checks it with
     * pb_settings.name_match inside its verification, so a mismatch fails
     * the handshake like any other verification error. */
    const char *verify_name;
    pb_send_fn send;
    pb_recv_fn recv;
    void *io;
    /* Passed back to the session hooks. */
    void *owner;
    /* Server: this connection's ClientHello offers no TLS 1.3 and the
     * config is stateful, so use the variant of the config without ticket
     * callbacks: TLS 1.2 then resumes by session ID (mbedTLS sends an empty
     * session ID whenever it will issue a ticket). */
    int no_tls12_tickets;
    /* Server: the ClientHello stage's judgement of a ClientHello body the
     * backend parsed and accepted, before anything answers it: 0, or the
     * alert (RFC 8446 6.2 description) to refuse it with, why saying what
     * is wrong with it ("has key_share (extension 51) twice"). Called
     * with owner on every ClientHello (also the second one after a
     * HelloRetryRequest). NULL: none. */
    int (*hello_check)(void *owner, const uint8_t *hello, size_t hello_len,
                       char *why, size_t whylen);
    /* Client: session bytes (from hooks->client_session) to offer. */
    const uint8_t *session;
    size_t session_len;

    /* Server: virtual hosts and PSK lookups (sni.c, psk.c); NULL: none.
     * Called back with owner. */
    const struct pb_vhost_hooks *vhost;
    /* ALPN choice, key log, renegotiation hooks, send fragment size
     * (backend_nego.h); NULL: none. Called back with owner. */
    const struct pb_nego_params *nego;
    /* Client: the external PSK to offer (TLS 1.2 PSK suites, TLS 1.3
     * pre_shared_key); identity NULL: none. Copied. */
    const uint8_t *psk_identity;
    size_t psk_identity_len;
    const uint8_t *psk_key;
    size_t psk_key_len;
};

/* Server hooks for virtual hosts and PSKs, called from inside
 * pb_conn_handshake() on the thread driving the connection. */
struct pb_vhost_hooks {
    /* The client sent SNI name (NUL-terminated, no NUL inside). Sets *host
     * to the frozen config of the host context to use (NULL: the default
     * one) and returns 0, or returns -1 (strict SNI) or -2 (the SNI
     * callback refused it) to end the handshake with an unrecognized_name
     * alert. */
    int (*sni_select)(void *owner, const char *name, struct pb_config **host);
    /* A client's PSK identity (not NUL-terminated). Writes the key into
     * key (capacity cap) and returns 0 with *key_len set, or -1: unknown
     * identity. */
    int (*psk_lookup)(void *owner, const uint8_t *identity, size_t id_len,
                      uint8_t *key, size_t cap, size_t *key_len);
};
/* Longest PSK the backend takes (mbedTLS: MBEDTLS_PSK_MAX_LEN). */
size_t pb_psk_max_len(void);

struct pb_conn *pb_conn_new(struct pb_config *cfg,
                            const struct pb_conn_params *p, char *err,
                            size_t errlen);
void pb_conn_free(struct pb_conn *c);

/* 0 when the handshake is complete, PB_WANT_*, PB_ERR_VERIFY, PB_EOF,
 * PB_ERR_TIMEOUT or PB_ERR. */
int pb_conn_handshake(struct pb_conn *c, char *err, size_t errlen);
/* Bytes read, 0 on close_notify (and on every later call), PB_WANT_*,
 * PB_EOF (truncation), PB_ERR. After any error but PB_WANT_* the
 * connection is dead: later calls return the same code. */
ssize_t pb_conn_read(struct pb_conn *c, void *buf, size_t len, char *err,
                     size_t errlen);
/* Bytes written (all of len once it returns > 0), PB_WANT_*, PB_ERR.
 * After PB_WANT_*, call again with the same buf and len: part of it may
 * already be sent, and the backend resumes where it stopped. */
ssize_t pb_conn_write(struct pb_conn *c, const void *buf, size_t len, char *err,
                      size_t errlen);
/* Sends close_notify. 0, PB_WANT_*, PB_ERR. */
int pb_conn_close_notify(struct pb_conn *c, char *err, size_t errlen);

/* ---- Connection facts (after the handshake) ---- */

uint16_t pb_conn_version(const struct pb_conn *c);     /* 0x0303, 0x0304 */
uint16_t pb_conn_ciphersuite(const struct pb_conn *c); /* IANA id */
/* The alert this side sent to end the connection: its description, 256
 * when one was sent but its description is unknown (encrypted), -1 when
 * none was sent. */
int pb_conn_alert_sent(const struct pb_conn *c);
/* 1 when the completed handshake resumed a session (TLS 1.2 session ID or
 * ticket, TLS 1.3 ticket PSK; an external PSK is not a resumption). */
int pb_conn_resumed(const struct pb_conn *c);
/* Client: the session ticket the server sent (TLS 1.2 NewSessionTicket or
 * the newest TLS 1.3 one, else the ticket of the session it resumed):
 * *ticket points into the connection until its next read. PB_ERR with err
 * when there is none (and on servers). */
int pb_conn_tls_ticket(const struct pb_conn *c, const uint8_t **ticket,
                       size_t *len, char *err, size_t errlen);
/* 1 while the record buffers are released (pb_settings.keep_buffers 0 and
 * the connection idle). */
int pb_conn_buffers_released(const struct pb_conn *c);
/* Tests only (not thread-safe): the next n re-allocations of released
 * record buffers fail as out of memory, in every connection. */
void pb_conn_buffers_fail_next(unsigned int n);
/* Server: 1 when the completed handshake resumed a TLS 1.3 ticket in
 * psk_ke mode (no (EC)DHE; see pb_session_hooks.psk_ke_offered), else 0
 * (always 0 on a client: mbedTLS keeps the mode it saw private). */
int pb_conn_resumed_psk_ke(const struct pb_conn *c);
/* Server: the SNI the client sent, or NULL. */
const char *pb_conn_sni(const struct pb_conn *c);
/* The identity of the external PSK the completed handshake used (server:
 * the client's; client: its own), or NULL for certificate and resumed
 * handshakes. */
const char *pb_conn_psk_identity(const struct pb_conn *c);
/* The verification result of the peer's certificate (client: the server's;
 * server: the client's, or PETLS_VF_NO_CERT when none was sent). */
void pb_conn_verify_facts(const struct pb_conn *c,
                          struct petls_verify_facts *out);

/* The peer's leaf certificate, decoded. Strings and buffers are owned by
 * the connection and valid until pb_conn_free(). Returns 0, or -1 when the
 * peer sent no certificate. */
struct pb_cert_info {
    const char *subject; /* "CN=example.com, O=Example" */
    const char *issuer;
    const char *serial; /* hex, "01:AB:..." as mbedTLS prints, upper case */
    int64_t not_before; /* Unix seconds */
    int64_t not_after;
    const char *const *sans; /* "DNS:example.com", "IP Address:127.0.0.1" */
    size_t n_sans;
    const uint8_t *der;
    size_t der_len;
    const char *fingerprint;  /* "SHA256:<lower-case hex>" of der */
    const uint8_t *chain_pem; /* the peer's chain, leaf first */
    size_t chain_pem_len;
};
int pb_conn_peer_cert(struct pb_conn *c, struct pb_cert_info *out);

/* One certificate of the peer's chain with the fields of Node's
 * getPeerCertificate(true) (mbedtls_certinfo.c). Owned by the connection,
 * valid until pb_conn_free() or the next renegotiation. */
struct pb_cert_details {
    /* "CN=localhost", "OU=a" per attribute, in order, values unescaped;
     * the name is OpenSSL's short name or the dotted OID. */
    const char *const *subject;
    size_t n_subject;
    const char *const *issuer;
    size_t n_issuer;
    const char *serial; /* upper-case hex, no colons */
    int64_t not_before; /* Unix seconds */
    int64_t not_after;
    const char *const *sans; /* as pb_cert_info.sans */
    size_t n_sans;
    int ca;                           /* basicConstraints cA (0 when absent) */
    const char *const *ext_key_usage; /* dotted OIDs; NULL: no extension */
    size_t n_ext_key_usage;
    /* "OCSP - URI:http://...", "CA Issuers - URI:..." as OpenSSL prints
     * authorityInfoAccess; NULL: no extension */
    const char *const *info_access;
    size_t n_info_access;
    const char *key_type;   /* "RSA", "EC", or NULL (other) */
    int bits;               /* key size (EC: the curve's), 0 unknown */
    const char *modulus;    /* RSA: upper-case hex, no leading zeros */
    const char *exponent;   /* RSA: "0x10001" */
    const char *asn1_curve; /* EC: "prime256v1", ...; NULL unknown */
    const char *nist_curve; /* EC: "P-256", ...; NULL when not NIST */
    const uint8_t *pubkey;  /* RSA: SubjectPublicKeyInfo DER; EC: point */
    size_t pubkey_len;
    const char *fingerprint;    /* SHA-1 "AB:CD:..."; NULL without SHA-1 */
    const char *fingerprint256; /* SHA-256, same form */
    const char *fingerprint512; /* SHA-512, same form; NULL without */
    const uint8_t *der;
    size_t der_len;
    int self_issued;  /* subject == issuer: the top of Node's chain */
    int trust_anchor; /* not sent by the peer: found in the trust store */
};
/* depth 0 is the leaf, then the chain as the peer sent it, then the trust
 * anchor that issued its top (when the store has it). 0, or -1: no
 * certificate at that depth (or out of memory: *oom set to 1). */
int pb_conn_peer_cert_details(struct pb_conn *c, size_t depth,
                              struct pb_cert_details *out, int *oom);

/* 1 when the backend can send and verify certificates; 0 in a PSK-only
 * build (mbedTLS without X.509), where a client has no name to verify. */
int pb_supports_certificates(void);
/* 1 when the backend has debug output to trace (mbedTLS: MBEDTLS_DEBUG_C). */
int pb_supports_trace(void);

/* ---- Primitives the engine builds on (tickets, stores) ---- */

int pb_random(void *buf, size_t len);
int pb_sha256(const void *data, size_t len, uint8_t out[32]);
int pb_hmac_sha256(const uint8_t *key, size_t key_len, const void *data,
                   size_t len, uint8_t out[32]);
/* AES-256-GCM (AES-256-CCM in a build without GCM; -1 in one with neither,
 * so no ticket is issued): out = ciphertext || 16-byte tag. */
int pb_aead_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out);
/* Returns 0 when the tag verifies, -1 otherwise (out then zeroed). */
int pb_aead_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len /* incl. tag */, uint8_t *out);
void pb_zeroize(void *p, size_t len);

/* ---- PKCS#12 primitives (src/feature/pkcs12/, mbedtls_pkcs12.c) ----
 * The engine parses the container; the backend derives keys, computes MACs
 * and decrypts. Each returns 0, PB_ERR (bad input, e.g. wrong padding) or
 * PB_ERR_UNSUPPORTED (the algorithm is not in this backend or build). */
#define PB_MD_SHA1 1
#define PB_MD_SHA224 2
#define PB_MD_SHA256 3
#define PB_MD_SHA384 4
#define PB_MD_SHA512 5
#define PB_CBC_AES_128 1
#define PB_CBC_AES_192 2
#define PB_CBC_AES_256 3
#define PB_CBC_DES_EDE3 4 /* three-key triple DES */
#define PB_CBC_DES_EDE 5  /* two-key triple DES */
#define PB_CBC_RC2_40 6   /* RC2, 5-byte key, 40 effective bits */
#define PB_CBC_RC2_128 7  /* RC2, 16-byte key, 128 effective bits */
/* Digest size of md, 0 when the backend lacks it. */
size_t pb_md_size(int md);
/* RFC 7292 B.2 (id 1 key, 2 IV, 3 MAC key); bmp_pwd is the BMPString
 * password with its two-byte terminator. */
int pb_pkcs12_kdf(int md, const uint8_t *bmp_pwd, size_t pwd_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  int id, uint8_t *out, size_t out_len);
/* PBKDF2 with HMAC over md (RFC 8018 5.2). */
int pb_pbkdf2(int md, const uint8_t *pwd, size_t pwd_len, const uint8_t *salt,
              size_t salt_len, uint32_t iterations, uint8_t *out,
              size_t out_len);
/* HMAC over md; out holds pb_md_size(md) bytes. */
int pb_hmac(int md, const uint8_t *key, size_t key_len, const uint8_t *data,
            size_t len, uint8_t *out);
/* Key and IV sizes of a PB_CBC_* cipher. */
int pb_cbc_key_len(int cipher, size_t *key_len, size_t *iv_len);
/* CBC decryption, PKCS#7 padding checked and removed: out holds in_len
 * bytes; PB_ERR (out wiped) when the padding is wrong. */
int pb_cbc_decrypt(int cipher, const uint8_t *key, size_t key_len,
                   const uint8_t *iv, size_t iv_len, const uint8_t *in,
                   size_t in_len, uint8_t *out, size_t *out_len);

#endif /* PETLS_BACKEND_H */
