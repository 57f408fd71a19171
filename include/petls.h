/*
 * petls: a portable in-process TLS engine.
 *
 * This is the whole public API. It follows OpenBSD's libtls: opaque types, a
 * configuration object shared by many connections, secure defaults,
 * verification on by default, -1 (or NULL) plus a readable message on every
 * failure, and PETLS_WANT_POLLIN / PETLS_WANT_POLLOUT for non-blocking I/O.
 * Where libtls has a function, petls has the same name with a petls_ prefix
 * and the same meaning; what libtls lacks comes from Node.js's tls module and
 * is named after it.
 *
 * Thread safety: a petls_config may be shared by any number of contexts on
 * any number of threads once it is in use (after the first petls_configure()
 * that names it); change it only before that. The exception is the ticket
 * keys (petls_config_add_ticket_key, _set_ticket_keys, _set_ticket_keys_file,
 * _reload_ticket_keys, _set_ticket_rotation): the key ring has its own lock
 * and may be changed on a live config from any thread, as Node's
 * setTicketKeys. A struct petls is used by one thread at a time.
 */
#ifndef PETLS_H
#define PETLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t */
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; what is declared here is its
 * exported surface. */
#if defined(PETLS_BUILDING_LIBRARY) && defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define PETLS_API 20261123

#define PETLS_VERSION_MAJOR 0
#define PETLS_VERSION_MINOR 1
#define PETLS_VERSION_PATCH 0

/* Protocol bits, as libtls. TLS 1.0 and 1.1 are not supported. */
#define PETLS_PROTOCOL_TLSv1_2 (1u << 3)
#define PETLS_PROTOCOL_TLSv1_3 (1u << 4)
#define PETLS_PROTOCOLS_ALL (PETLS_PROTOCOL_TLSv1_2 | PETLS_PROTOCOL_TLSv1_3)
#define PETLS_PROTOCOLS_DEFAULT (PETLS_PROTOCOL_TLSv1_2 | PETLS_PROTOCOL_TLSv1_3)

/* Return values of petls_handshake(), petls_read(), petls_write(),
 * petls_close() and of I/O callbacks, besides 0/positive counts and -1. */
#define PETLS_WANT_POLLIN (-2)
#define PETLS_WANT_POLLOUT (-3)

/* Client certificate policy on a server (Node's requestCert /
 * rejectUnauthorized). */
#define PETLS_VERIFY_CLIENT_NONE 0     /* do not ask for a certificate */
#define PETLS_VERIFY_CLIENT_OPTIONAL 1 /* ask; handshake goes on without one
                                        * or with one that fails; see
                                        * petls_conn_authorized() */
#define PETLS_VERIFY_CLIENT_REQUIRE 2  /* ask; fail the handshake without a
                                        * valid one */

/* Default handshake timeout, as Node's handshakeTimeout. */
#define PETLS_HANDSHAKE_TIMEOUT_DEFAULT_MS 120000u

struct petls;
struct petls_config;

/* I/O callbacks, as libtls's tls_read_cb/tls_write_cb. Return the number of
 * bytes moved, 0 on end of stream (read), PETLS_WANT_POLLIN /
 * PETLS_WANT_POLLOUT when the operation would block, or -1 on error. */
typedef ssize_t (*petls_read_cb)(struct petls *ctx, void *buf, size_t buflen,
                                 void *cb_arg);
typedef ssize_t (*petls_write_cb)(struct petls *ctx, const void *buf,
                                  size_t buflen, void *cb_arg);

/* ---- Library ----------------------------------------------------------- */

/* Initialises the library (crypto backend, entropy). Called implicitly by
 * petls_config_new(); calling it first is harmless. Returns 0 or -1. */
int petls_init(void);

/* A readable description of the library build, e.g. "petls 0.1.0 (mbed TLS
 * 3.6.6)". Never NULL. */
const char *petls_version_string(void);

/* Reads a whole file into memory, decrypting a PEM private key when password
 * is not NULL (libtls's tls_load_file). Returns NULL on failure with errno
 * set. Free with petls_unload_file(), which zeroizes. */
uint8_t *petls_load_file(const char *file, size_t *len, char *password);
void petls_unload_file(uint8_t *buf, size_t len);

/* Error codes (petls_error_code, petls_config_error_code): what kind of
 * failure the message describes, for programs that branch on it. The first
 * four follow libtls's TLS_ERROR_*; the values are petls's own. */
#define PETLS_ERROR_NONE 0             /* no failure recorded */
#define PETLS_ERROR_UNKNOWN 1          /* none of the kinds below */
#define PETLS_ERROR_OUT_OF_MEMORY 2    /* an allocation failed */
#define PETLS_ERROR_INVALID_CONTEXT 3  /* wrong kind or state of context */
#define PETLS_ERROR_INVALID_ARGUMENT 4 /* a bad value, string, file or key */
#define PETLS_ERROR_NOT_BUILT_IN 5     /* the feature was compiled out */
#define PETLS_ERROR_CONFIG_FROZEN 6    /* setter on a config in use */
#define PETLS_ERROR_IO 7               /* the transport failed or ended */
#define PETLS_ERROR_TIMEOUT 8          /* the handshake timed out */
#define PETLS_ERROR_PROTOCOL 9         /* TLS failed: alert, bad record */
#define PETLS_ERROR_VERIFY 10          /* peer certificate not accepted */

/* ---- Configuration ----------------------------------------------------- */

struct petls_config *petls_config_new(void);
/* Drops a reference; the config is freed (and its keys zeroized) when the
 * last context using it is freed too. */
void petls_config_free(struct petls_config *config);
const char *petls_config_error(struct petls_config *config);
/* The kind of the last failure on this config: one of PETLS_ERROR_*,
 * PETLS_ERROR_NONE while petls_config_error() is NULL. */
int petls_config_error_code(struct petls_config *config);

/* Protocols, as libtls: "tlsv1.2,tlsv1.3", "secure", "default", "all",
 * "legacy" and "!tlsv1.2"-style negations. Unknown tokens are an error that
 * names the token (petls_config_parse_protocols has no config to hold the
 * message; it returns -1). */
int petls_config_parse_protocols(uint32_t *protocols, const char *protostr);
int petls_config_set_protocols(struct petls_config *config,
                               uint32_t protocols);
/* Node's minVersion / maxVersion: "TLSv1.2" or "TLSv1.3" (case-insensitive,
 * "tlsv1.2" and "1.2" also accepted). */
int petls_config_set_min_version(struct petls_config *config,
                                 const char *version);
int petls_config_set_max_version(struct petls_config *config,
                                 const char *version);

/* Cipher suites, colon or comma separated, by OpenSSL or IANA name, or one of
 * libtls's aliases "secure" (= "default"), "compat", "legacy", "insecure"
 * ("all"). TLS 1.2 and TLS 1.3 suites may be mixed in one list. */
int petls_config_set_ciphers(struct petls_config *config,
                             const char *ciphers);
/* Key-exchange groups: "X25519:P-256", "auto" (the default). The libtls name
 * petls_config_set_ecdhecurves is the same call. */
int petls_config_set_groups(struct petls_config *config, const char *groups);
int petls_config_set_ecdhecurves(struct petls_config *config,
                                 const char *curves);
/* Node's `sigalgs` option: the signature algorithms offered and accepted,
 * in preference order, for both roles and both TLS versions, by IANA name
 * ("ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256") or
 * OpenSSL's form ("ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256"), ':' or ','
 * separated. Names mbed TLS cannot use (ed25519, ed448, rsa_pss_pss_*,
 * the SHA-1 ones) are accepted and skipped; the first use of the config
 * fails when none is left. NULL: the default list. -1 with "unknown
 * signature algorithm 'x'" for a name petls does not know. */
int petls_config_set_sigalgs(struct petls_config *config, const char *sigalgs);
/* Node's tls.DEFAULT_MIN_VERSION and tls.DEFAULT_MAX_VERSION: the version
 * range of a config that sets none ("TLSv1.2" and "TLSv1.3"), in the
 * spelling petls_config_set_min_version() takes. Never NULL. */
const char *petls_default_min_version(void);
const char *petls_default_max_version(void);
/* Node's tls.DEFAULT_CIPHERS: the suites a config without
 * petls_config_set_ciphers() offers, in preference order, as OpenSSL names
 * separated by ':' (only those the linked backend implements; a string
 * petls_config_set_ciphers() takes). Writes it NUL-terminated to buf,
 * truncated to len - 1 characters, and returns its full length as snprintf
 * does (buf may be NULL when len is 0). */
size_t petls_default_ciphers(char *buf, size_t len);
/* Node's tls.DEFAULT_ECDH_CURVE: "auto" (the backend's group list, see
 * petls_config_set_groups()). Never NULL. */
const char *petls_default_ecdh_curve(void);
/* Node's tls.getCiphers(): the OpenSSL names of every cipher suite this build
 * can negotiate (PSK suites included: they need a PSK), in the cipher
 * table's order. Stores up to max names in names (static strings) and
 * returns how many there are in all; names may be NULL when max is 0. */
size_t petls_get_ciphers(const char **names, size_t max);
/* Server cipher preference (libtls: on by default for servers). */
void petls_config_prefer_ciphers_server(struct petls_config *config);
void petls_config_prefer_ciphers_client(struct petls_config *config);

/* Trust anchors. Files and memory may be PEM or DER. A CA path is a
 * directory whose every file holding certificates is loaded. Each call
 * replaces the trust anchors set before, and the default store.
 *
 * Without any of these, a config that verifies peers (a client's, or a
 * server's that verifies clients) loads the default trust store once when
 * it is first used: $SSL_CERT_FILE and/or $SSL_CERT_DIR when set, else the
 * platform's CA bundle (or the one fixed at build time with
 * -DPETLS_DEFAULT_CA_FILE=...). The bare-metal port has none. */
int petls_config_set_ca_file(struct petls_config *config, const char *ca_file);
int petls_config_set_ca_path(struct petls_config *config, const char *ca_path);
int petls_config_set_ca_mem(struct petls_config *config, const uint8_t *ca,
                            size_t len);
/* The CA bundle the default trust store loads (libtls's
 * tls_default_ca_cert_file): $SSL_CERT_FILE when set, else the platform
 * bundle that exists, or NULL (none found; only $SSL_CERT_DIR; bare
 * metal). */
const char *petls_default_ca_cert_file(void);
int petls_config_set_crl_file(struct petls_config *config,
                              const char *crl_file);
int petls_config_set_crl_mem(struct petls_config *config, const uint8_t *crl,
                             size_t len);
int petls_config_set_verify_depth(struct petls_config *config,
                                  int verify_depth);

/* Passphrase for encrypted private keys loaded after this call (Node's
 * passphrase). NULL clears it. The copy is zeroized when replaced or freed. */
int petls_config_set_key_passphrase(struct petls_config *config,
                                    const char *passphrase);

/* Keypairs. set_* replaces all keypairs with this one; add_* adds another
 * (e.g. an ECDSA and an RSA keypair: the handshake picks by the client's
 * signature algorithms). Certificates are a PEM chain or one DER
 * certificate; keys PEM or DER, PKCS#1, SEC1 or PKCS#8, maybe encrypted. */
int petls_config_set_cert_file(struct petls_config *config,
                               const char *cert_file);
int petls_config_set_cert_mem(struct petls_config *config, const uint8_t *cert,
                              size_t len);
int petls_config_set_key_file(struct petls_config *config,
                              const char *key_file);
int petls_config_set_key_mem(struct petls_config *config, const uint8_t *key,
                             size_t len);
int petls_config_set_keypair_file(struct petls_config *config,
                                  const char *cert_file, const char *key_file);
int petls_config_set_keypair_mem(struct petls_config *config,
                                 const uint8_t *cert, size_t cert_len,
                                 const uint8_t *key, size_t key_len);
int petls_config_add_keypair_file(struct petls_config *config,
                                  const char *cert_file, const char *key_file);
int petls_config_add_keypair_mem(struct petls_config *config,
                                 const uint8_t *cert, size_t cert_len,
                                 const uint8_t *key, size_t key_len);

/* Verification. On by default for clients: chain, validity time and host
 * name (RFC 6125). The insecure_* calls turn parts off, as libtls. */
void petls_config_verify(struct petls_config *config);
void petls_config_insecure_noverifycert(struct petls_config *config);
void petls_config_insecure_noverifyname(struct petls_config *config);
void petls_config_insecure_noverifytime(struct petls_config *config);

/* Client certificates on a server. libtls's two calls, and the general one. */
void petls_config_verify_client(struct petls_config *config); /* REQUIRE */
void petls_config_verify_client_optional(struct petls_config *config);
int petls_config_set_verify_client(struct petls_config *config, int mode);

/* Handshake timeout in milliseconds (Node's handshakeTimeout); 0 disables.
 * A handshake not finished in time fails with "handshake timed out after N
 * ms". */
int petls_config_set_handshake_timeout(struct petls_config *config,
                                       uint32_t timeout_ms);

/* ---- Session resumption: server --------------------------------------- */
/*
 * Two modes, as Node.js's SSL_OP_NO_TICKET switch (docs/resumption.md):
 *  - stateless (the default): TLS 1.2 and TLS 1.3 resume from tickets sealed
 *    under the config's ticket keys; the session store is not consulted for
 *    them. TLS 1.2 clients that send no ticket extension resume by session
 *    ID through the cache/store.
 *  - stateful (petls_config_set_session_tickets(config, 0)): TLS 1.2 resumes
 *    by session ID and TLS 1.3 tickets are opaque ids into the same cache or
 *    store, so both versions resume and the store hooks see both.
 * A session that cannot be resumed (unknown, expired, tampered, another
 * session id context) always falls back to a full handshake, never an error.
 */

/* Session lifetime in seconds (libtls's tls_config_set_session_lifetime,
 * Node's sessionTimeout). Default 300; at most 7 days (RFC 8446); 0 turns
 * resumption off on a server. Tickets and cache entries expire with it. */
#define PETLS_SESSION_LIFETIME_DEFAULT 300
int petls_config_set_session_lifetime(struct petls_config *config,
                                      int lifetime);
/* Session id context (libtls's tls_config_set_session_id, Node's
 * sessionIdContext): at most 32 bytes. Sessions and tickets made under one
 * context never resume under another. Default: empty. */
#define PETLS_SESSION_ID_CONTEXT_MAX 32
int petls_config_set_session_id(struct petls_config *config,
                                const unsigned char *session_id, size_t len);

/* The built-in server session cache (session IDs, and stateful TLS 1.3
 * tickets): bounded by entries and by bytes (0 bytes: no byte bound), LRU
 * eviction, expiry by the session lifetime, safe under threads. Default
 * 20480 entries, 8 MiB. max_entries 0 turns it off. */
#define PETLS_SESSION_CACHE_DEFAULT_ENTRIES 20480
#define PETLS_SESSION_CACHE_DEFAULT_BYTES (8u * 1024u * 1024u)
int petls_config_set_session_cache(struct petls_config *config,
                                   size_t max_entries, size_t max_bytes);
struct petls_session_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t expired; /* lookups that found an expired entry, and expired
                       * entries dropped */
    uint64_t evicted; /* dropped to respect a bound (LRU) */
    uint64_t stored;  /* entries added */
    size_t entries;   /* now */
    size_t bytes;     /* now: keys and values */
};
int petls_config_session_cache_stats(struct petls_config *config,
                                     struct petls_session_cache_stats *stats);

/* External session store (Node's newSession / resumeSession events). With a
 * store set, the built-in cache is not used. Blobs handed to put() are
 * sealed (AES-256-GCM under the store key, with their id, the session id
 * context and the expiry bound in): a store sees no secrets and cannot
 * forge a session; a blob that fails to open is a miss. Calls come from the
 * thread driving the handshake. get() may answer later: it returns
 * PETLS_STORE_PENDING, petls_handshake() then returns PETLS_WANT_STORE, and
 * once the application calls petls_store_answer() on that connection, the
 * next petls_handshake() goes on. */
#define PETLS_STORE_MISS 0
#define PETLS_STORE_FOUND 1
#define PETLS_STORE_PENDING 2
#define PETLS_WANT_STORE (-4)
#define PETLS_STORE_BLOB_MAX 8192 /* largest sealed blob petls produces */
struct petls_session_store {
    /* Stores blob under id until the Unix time expires. 0 or -1 (ignored
     * apart from a counter: a failed put only costs a later resumption). */
    int (*put)(void *arg, const uint8_t *id, size_t id_len,
               const uint8_t *blob, size_t blob_len, time_t expires);
    /* Looks id up. Copies the blob into blob (capacity *blob_len,
     * PETLS_STORE_BLOB_MAX) and sets *blob_len, returning
     * PETLS_STORE_FOUND; or returns PETLS_STORE_MISS; or returns
     * PETLS_STORE_PENDING and answers later with petls_store_answer(conn).
     * Any other value is a miss. */
    int (*get)(void *arg, struct petls *conn, const uint8_t *id,
               size_t id_len, uint8_t *blob, size_t *blob_len);
    /* Forgets id (a session that failed to open, or was used up). May be
     * NULL. */
    void (*remove)(void *arg, const uint8_t *id, size_t id_len);
    void *arg;
};
/* Copies the struct. NULL removes the store. */
int petls_config_set_session_store(struct petls_config *config,
                                   const struct petls_session_store *store);
/* The key sealing store blobs: 32 bytes. Default: random per config, so
 * servers sharing a store across processes or machines must set the same
 * key. */
#define PETLS_STORE_KEY_SIZE 32
int petls_config_set_session_store_key(struct petls_config *config,
                                       const uint8_t *key, size_t len);
/* Answers a pending get() for conn: blob NULL (or len 0) is a miss. */
int petls_store_answer(struct petls *conn, const uint8_t *blob, size_t len);

/* Tickets. 1 (default) is stateless mode, 0 stateful mode (see above). On
 * a client config, 0 also stops asking for TLS 1.2 tickets (the client
 * then resumes by session ID). */
int petls_config_set_session_tickets(struct petls_config *config, int enable);
/* TLS 1.3 tickets sent after each full handshake: default 2 (as OpenSSL),
 * at most 8; 0 sends none (TLS 1.3 then never resumes). A resumed
 * handshake gets one (mbedTLS). */
#define PETLS_TLS13_TICKETS_DEFAULT 2
int petls_config_set_tls13_tickets(struct petls_config *config,
                                   unsigned int count);
/* Allows TLS 1.3 resumption without a fresh (EC)DHE exchange (psk_ke).
 * Off by default (PETLS_TLS13_PSK_KE_OFF, 0): only psk_dhe_ke, which keeps
 * forward secrecy. PETLS_TLS13_PSK_KE_ALLOW (1, or any other value but 2):
 * a client offers both modes, with a key share; a server prefers psk_ke (as
 * OpenSSL's with SSL_OP_ALLOW_NO_DHE_KEX) whenever the client offers it with
 * a ticket this server accepts; otherwise psk_dhe_ke, or a full handshake
 * for a ticket it refuses. PETLS_TLS13_PSK_KE_ONLY (2), for servers known to
 * allow psk_ke: a client resuming a TLS 1.3 session whose ticket allows it
 * offers psk_ke alone and no key share (no (EC)DHE computed); a server that
 * refuses psk_ke or the ticket then fails the handshake (it cannot fall back
 * to a full handshake without a key share), so retry without the session.
 * Full handshakes offer every mode. On a server, as ALLOW.
 * petls_conn_session_psk_ke() tells which. */
#define PETLS_TLS13_PSK_KE_OFF 0
#define PETLS_TLS13_PSK_KE_ALLOW 1
#define PETLS_TLS13_PSK_KE_ONLY 2
int petls_config_set_tls13_psk_ke(struct petls_config *config, int enable);
/* Memory: 1 (default) frees mbedTLS's input and output record buffers
 * (about 16.7 KiB each with 16 KiB records) while a connection is idle (no
 * buffered input, no unread plaintext, no pending output) and allocates
 * them again before the next read or write, as OpenSSL's
 * SSL_MODE_RELEASE_BUFFERS; 0 keeps them for the connection's life. With
 * release on, a read or write can fail for lack of memory ("read: out of
 * memory (record buffers, ...)"): that connection only. */
int petls_config_set_release_buffers(struct petls_config *config, int enable);

/* Ticket keys: 48 bytes each, as Node's ticketKeys (16-byte key name, then
 * 32 bytes of secret) and libtls's TLS_TICKET_KEY_SIZE. One key encrypts
 * new tickets; older ones only decrypt until they are dropped.
 *  - With no keys given, keys are generated and rotated automatically: a new
 *    key every rotate_s seconds (default: the session lifetime), the old one
 *    decrypting for grace_s more (default: the session lifetime), then
 *    erased. A ticket opened with a decrypt-only key resumes and, in TLS
 *    1.3, the client gets fresh tickets under the current key.
 *  - petls_config_add_ticket_key(): libtls's call; the highest keyrev
 *    encrypts, the others decrypt. Turns automatic rotation off.
 *  - petls_config_set_ticket_keys() / get: Node's setTicketKeys /
 *    getTicketKeys: a multiple of 48 bytes, the first key encrypts.
 *  - A key file (docs/resumption.md: one key per line as 96 hex digits,
 *    '#' comments, first line encrypts; or raw 48-byte records) shares keys
 *    between processes and machines; petls_config_reload_ticket_keys()
 *    re-reads it (e.g. on SIGHUP) without a restart. */
#define PETLS_TICKET_KEY_SIZE 48
int petls_config_add_ticket_key(struct petls_config *config, uint32_t keyrev,
                                unsigned char *key, size_t keylen);
int petls_config_set_ticket_keys(struct petls_config *config,
                                 const uint8_t *keys, size_t len);
/* Writes the current keys, encrypting key first, into keys (capacity cap);
 * returns the number of bytes (a multiple of 48) or -1. */
ssize_t petls_config_get_ticket_keys(struct petls_config *config,
                                     uint8_t *keys, size_t cap);
int petls_config_set_ticket_keys_file(struct petls_config *config,
                                      const char *path);
int petls_config_reload_ticket_keys(struct petls_config *config);
int petls_config_set_ticket_rotation(struct petls_config *config,
                                     uint32_t rotate_s, uint32_t grace_s);

/* The ready-made stores (shared memory, Redis) are the separate library
 * petls_store: link -lpetls-store, pkg-config petls-store. Their calls are
 * declared in petls_store.h, included here so that programs written before
 * the split keep compiling. */
#include "petls_store.h"

/* ---- Session resumption: client --------------------------------------- */

/* Called for each new session a client connection receives: at the end of
 * a TLS 1.2 handshake, and for each TLS 1.3 ticket (they arrive after the
 * handshake and are seen by petls_read(), maybe several: a client that
 * wants a TLS 1.3 session reads at least once after the handshake).
 * Node's 'session' event. The bytes are what petls_conn_session() returns;
 * they hold secrets: store them as such. */
typedef void (*petls_session_cb)(struct petls *ctx, const uint8_t *session,
                                 size_t len, void *arg);
int petls_config_set_session_cb(struct petls_config *config,
                                petls_session_cb cb, void *arg);
/* libtls's tls_config_set_session_fd: a client reads a session from this
 * file before each handshake and writes each new one back into it. The
 * descriptor must be a regular file, not readable by others. */
int petls_config_set_session_fd(struct petls_config *config, int session_fd);
/* An in-memory client session cache shared by the connections of this
 * config, keyed by host, port and server name: connections offer the
 * newest session stored for their key and store what they receive. 0
 * entries (default) turns it off. */
int petls_config_set_client_session_cache(struct petls_config *config,
                                          size_t max_entries);

/* ---- Virtual hosts (SNI) ---------------------------------------------- */
/*
 * A server serves several host names from one listener (docs/sni-psk.md).
 * Without any of this, libtls's behaviour holds: a config with several
 * keypairs serves the ones whose certificate names the requested host.
 */

/* Node's server.addContext(hostname, context): a client asking for name
 * (an exact name, or "*.example.com": any one left-most label, RFC 6125
 * style; case-insensitive) gets host_config's keypairs, CA, CRL and
 * client-verification mode; everything else (protocols, ciphers, sessions,
 * timeouts) stays config's. Exact names win over wildcards; otherwise the
 * last added wins. host_config is frozen by this call (as by
 * petls_configure) and kept until config is freed. A name no context
 * matches uses config itself. Sessions and tickets made under one context
 * never resume under another. */
int petls_config_add_sni_context(struct petls_config *config, const char *name,
                                 struct petls_config *host_config);
/* Strict SNI: a name that no context matches (and the callback does not
 * take) ends the handshake with the fatal alert unrecognized_name. A
 * client sending no name still gets the default. Off by default. */
int petls_config_set_strict_sni(struct petls_config *config, int strict);

/* Node's SNICallback: asked with the name the client sent (never for
 * clients sending none), before the contexts above. Returns
 * PETLS_SNI_USE with *host_config set (the connection takes a reference,
 * freezing it), PETLS_SNI_DEFAULT (the contexts above, then the default),
 * PETLS_SNI_REJECT (unrecognized_name), or PETLS_SNI_PENDING to answer
 * later: petls_handshake() then returns PETLS_WANT_SNI until
 * petls_sni_answer() is called on conn, and the next petls_handshake()
 * goes on. */
#define PETLS_SNI_DEFAULT 0
#define PETLS_SNI_USE 1
#define PETLS_SNI_PENDING 2
#define PETLS_SNI_REJECT (-1)
#define PETLS_WANT_SNI (-5)
typedef int (*petls_sni_cb)(struct petls *conn, const char *servername,
                            struct petls_config **host_config, void *arg);
int petls_config_set_sni_cb(struct petls_config *config, petls_sni_cb cb,
                            void *arg);
/* The late answer: result is PETLS_SNI_USE (host_config not NULL),
 * PETLS_SNI_DEFAULT or PETLS_SNI_REJECT. */
int petls_sni_answer(struct petls *conn, int result,
                     struct petls_config *host_config);

/* ---- Pre-shared keys (PSK) -------------------------------------------- */
/*
 * External PSKs, TLS 1.2 (PSK, DHE-PSK and ECDHE-PSK suites) and TLS 1.3
 * (psk_dhe_ke; psk_ke only with petls_config_set_tls13_psk_ke). A server
 * with PSKs needs no certificate. With the default cipher list, PSK suites
 * are added for TLS 1.2 (after the certificate ones); a custom list must
 * name them. Identities are text; keys are raw bytes (mbed TLS takes at
 * most 48; TLS 1.3 external PSKs use SHA-256 suites).
 */
#define PETLS_PSK_IDENTITY_MAX 128
#define PETLS_PSK_KEY_MAX 64

/* Server: a static identity (repeatable). Client: the PSK to offer (the
 * first one added). */
int petls_config_add_psk(struct petls_config *config, const char *identity,
                         const uint8_t *key, size_t len);
/* Node's server pskCallback(socket, identity): writes the key for identity
 * into key (capacity PETLS_PSK_KEY_MAX) and returns its length, or returns
 * 0 (or -1) for an unknown identity (TLS 1.2: alert unknown_psk_identity;
 * TLS 1.3: the PSK is ignored, and without a certificate the handshake
 * fails). Asked after the static identities. */
typedef int (*petls_psk_server_cb)(struct petls *conn, const char *identity,
                                   uint8_t *key, size_t key_cap, void *arg);
int petls_config_set_psk_server_cb(struct petls_config *config,
                                   petls_psk_server_cb cb, void *arg);
/* Node's pskIdentityHint. Kept, but mbed TLS 3.6 never sends it (its TLS
 * 1.2 server sends no or an empty hint; TLS 1.3 has none). */
int petls_config_set_psk_identity_hint(struct petls_config *config,
                                       const char *hint);
/* Node's client pskCallback(hint): writes a NUL-terminated identity (at
 * most PETLS_PSK_IDENTITY_MAX bytes) and the key, returning the key
 * length; 0 offers no PSK (a certificate handshake), -1 fails the
 * connect. Called once per connection before the handshake, with hint
 * NULL (mbed TLS does not deliver the server's hint). Takes precedence
 * over petls_config_add_psk(). */
typedef int (*petls_psk_client_cb)(struct petls *conn, const char *hint,
                                   char *identity, size_t identity_cap,
                                   uint8_t *key, size_t key_cap, void *arg);
int petls_config_set_psk_client_cb(struct petls_config *config,
                                   petls_psk_client_cb cb, void *arg);
/* After a handshake that used an external PSK: its identity (server: the
 * one the client sent). NULL for certificate handshakes and, on servers,
 * resumed ones (a TLS 1.2 client resuming a PSK session keeps it). */
const char *petls_conn_psk_identity(struct petls *ctx);

/* ---- Contexts ---------------------------------------------------------- */

struct petls *petls_client(void);
struct petls *petls_server(void);
/* Attaches a config (taking a reference). May be called again to swap. */
int petls_configure(struct petls *ctx, struct petls_config *config);
/* Returns the context to its state after petls_client()/petls_server(),
 * without a config. */
void petls_reset(struct petls *ctx);
void petls_free(struct petls *ctx);
const char *petls_error(struct petls *ctx);
/* The kind of the last failure on this context (PETLS_ERROR_*), beside
 * the message of petls_error(); PETLS_ERROR_NONE while that is NULL. */
int petls_error_code(struct petls *ctx);

/* Server: accept a connection on an already accepted socket, a pair of
 * descriptors, or callbacks. *cctx receives a new context for it. */
int petls_accept_socket(struct petls *ctx, struct petls **cctx, int socket);
int petls_accept_fds(struct petls *ctx, struct petls **cctx, int fd_read,
                     int fd_write);
int petls_accept_cbs(struct petls *ctx, struct petls **cctx,
                     petls_read_cb read_cb, petls_write_cb write_cb,
                     void *cb_arg);

/* Client: connect by host and port (port may be NULL when host is
 * "host:port"), or over an already connected socket, descriptors or
 * callbacks. servername is the name verified and sent as SNI (IP literals
 * are verified against iPAddress SANs and never sent as SNI); NULL means no
 * name, which requires noverifyname, except for petls_connect_servername(),
 * where NULL means host (as libtls). */
int petls_connect(struct petls *ctx, const char *host, const char *port);
int petls_connect_servername(struct petls *ctx, const char *host,
                             const char *port, const char *servername);
int petls_connect_socket(struct petls *ctx, int s, const char *servername);
int petls_connect_fds(struct petls *ctx, int fd_read, int fd_write,
                      const char *servername);
int petls_connect_cbs(struct petls *ctx, petls_read_cb read_cb,
                      petls_write_cb write_cb, void *cb_arg,
                      const char *servername);

/* Drives the handshake. Returns 0 when done, PETLS_WANT_POLLIN/POLLOUT, or
 * -1 with petls_error() set; on a server with a session store also
 * PETLS_WANT_STORE (see petls_store_answer). petls_read()/petls_write() do
 * it implicitly. */
int petls_handshake(struct petls *ctx);
/* Returns bytes moved, 0 on a clean close_notify (read), the WANT values, or
 * -1. An end of stream without close_notify is -1 with the error
 * "connection truncated: EOF without close_notify". */
ssize_t petls_read(struct petls *ctx, void *buf, size_t buflen);
ssize_t petls_write(struct petls *ctx, const void *buf, size_t buflen);
/* Sends close_notify and, for sockets the library opened, closes them. May
 * return the WANT values; call again. */
int petls_close(struct petls *ctx);

/* Client: offers this session (bytes from petls_conn_session() or a
 * session callback) in the next handshake; call before petls_connect*().
 * A session the server does not accept just means a full handshake. */
int petls_set_session(struct petls *ctx, const uint8_t *session, size_t len);
/* The connection's newest session (TLS 1.2 session, or the newest TLS 1.3
 * ticket) as opaque bytes. Writes at most len bytes into buf (buf NULL:
 * size query) and returns the full size, or -1 when there is none yet. */
ssize_t petls_conn_session(struct petls *ctx, uint8_t *buf, size_t len);
/* Node's getTLSTicket() (client): the session ticket the server sent,
 * as it came on the wire (TLS 1.2 NewSessionTicket, or the newest TLS 1.3
 * one; a resumed TLS 1.2 session without a new one: the ticket it resumed
 * with). Writes at most len bytes into buf (buf NULL: size query) and
 * returns the full size, or -1 when there is none (servers, no ticket, the
 * handshake not complete). */
ssize_t petls_conn_tls_ticket(struct petls *ctx, uint8_t *buf, size_t len);

/* ---- Connection facts (valid after the handshake) ---------------------- */

const char *petls_conn_version(struct petls *ctx);    /* "TLSv1.3" */
const char *petls_conn_cipher(struct petls *ctx);     /* OpenSSL name */
const char *petls_conn_cipher_iana(struct petls *ctx);
/* Node's tlsSocket.getEphemeralKeyInfo() on a client connection after the
 * handshake: returns 1 with *type "ECDH" (*name "X25519", "prime256v1",
 * "secp384r1", ...) or "DH" (*name NULL) and *size in bits (X25519: 253,
 * as OpenSSL counts it); 0 when the key exchange was not ephemeral (RSA key
 * exchange, TLS 1.3 psk_ke, a resumed TLS 1.2 session; Node: {}); -1 on a
 * server connection (Node: null) or before the handshake, with
 * petls_error(). Any out pointer may be NULL. */
int petls_conn_ephemeral_key(struct petls *ctx, const char **type,
                             const char **name, int *size); /* IANA name */
/* Node's tlsSocket.getSharedSigalgs() on a server connection after the
 * handshake: the signature algorithms both the client's ClientHello and
 * this config allow, in the server's order (petls_config_prefer_ciphers_
 * server, the default, as Node's honorCipherOrder) or the client's. Writes
 * at most max entries: names[i] Node's name ("ECDSA+SHA256",
 * "RSA-PSS+SHA256", "RSA+SHA256"; static strings), ids[i] the IANA code
 * point (0x0403, 0x0804, 0x0401); either array may be NULL. Returns how
 * many are shared (0 when the client sent no signature_algorithms), or -1
 * before the handshake or on a client connection (mbed TLS 3.6 does not
 * keep the server's CertificateRequest list). */
int petls_conn_shared_sigalgs(struct petls *ctx, const char **names,
                              uint16_t *ids, size_t max);
int petls_conn_cipher_strength(struct petls *ctx);    /* symmetric bits */
const char *petls_conn_servername(struct petls *ctx); /* SNI, or NULL */
/* 1 exactly when this handshake resumed a session (ticket or session ID),
 * on clients and servers, in TLS 1.2 and 1.3; 0 for a full handshake. */
int petls_conn_session_resumed(struct petls *ctx);
/* Server: 1 when this handshake resumed a TLS 1.3 session in psk_ke mode
 * (no (EC)DHE: petls_config_set_tls13_psk_ke), 0 otherwise. A client gets 1
 * when it resumed offering psk_ke alone (PETLS_TLS13_PSK_KE_ONLY), else 0
 * (offering both modes, mbed TLS does not tell it which the server chose). */
int petls_conn_session_psk_ke(struct petls *ctx);
/* Node's authorized / authorizationError: 1 when the peer's certificate
 * verified (chain, time and, on clients, name), 0 otherwise. The error code
 * is a Node.js string such as "CERT_HAS_EXPIRED" or NULL when authorized;
 * the message is its human text. */
int petls_conn_authorized(struct petls *ctx);
const char *petls_conn_authorization_error(struct petls *ctx);
const char *petls_conn_authorization_message(struct petls *ctx);

/* Peer certificate (the leaf), as libtls plus what Node's getPeerCertificate
 * gives. Strings are owned by the context. */
int petls_peer_cert_provided(struct petls *ctx);
int petls_peer_cert_contains_name(struct petls *ctx, const char *name);
const char *petls_peer_cert_hash(struct petls *ctx); /* "SHA256:<hex>" */
const char *petls_peer_cert_issuer(struct petls *ctx);
const char *petls_peer_cert_subject(struct petls *ctx);
const char *petls_peer_cert_serial(struct petls *ctx); /* hex */
time_t petls_peer_cert_notbefore(struct petls *ctx);
time_t petls_peer_cert_notafter(struct petls *ctx);
/* Subject alternative names: count, then each as "DNS:name" or
 * "IP Address:addr" (Node's subjectaltname form). */
size_t petls_peer_cert_san_count(struct petls *ctx);
const char *petls_peer_cert_san(struct petls *ctx, size_t idx);
/* The peer's chain as PEM, leaf first (libtls's tls_peer_cert_chain_pem). */
const uint8_t *petls_peer_cert_chain_pem(struct petls *ctx, size_t *len);
/* The leaf as DER. */
const uint8_t *petls_peer_cert_der(struct petls *ctx, size_t *len);

/* One certificate of the peer's chain with the fields of Node's
 * getPeerCertificate(true) (docs/API.md "petls_peer_cert_details"). Every
 * pointer is owned by the context and valid until petls_free() or the next
 * renegotiation; a NULL or 0 field is one Node leaves out. */
struct petls_cert_details {
    /* subject / issuer: one "KEY=value" per attribute, in order (Node's
     * object; a repeated key is Node's array). */
    const char *const *subject;
    size_t n_subject;
    const char *const *issuer;
    size_t n_issuer;
    const char *serial_number; /* upper-case hex, Node's serialNumber */
    time_t valid_from;
    time_t valid_to;
    const char *const *sans; /* "DNS:x", joined with ", ": subjectaltname */
    size_t n_sans;
    int ca;                           /* basicConstraints cA */
    const char *const *ext_key_usage; /* dotted OIDs; NULL: no extension */
    size_t n_ext_key_usage;
    /* "OCSP - URI:http://..." per access description (Node's infoAccess
     * groups them by the part before ':'); NULL: no extension */
    const char *const *info_access;
    size_t n_info_access;
    const char *key_type;   /* "RSA", "EC", or NULL: another kind */
    int bits;               /* key size; EC: the curve's */
    const char *modulus;    /* RSA: upper-case hex */
    const char *exponent;   /* RSA: "0x10001" */
    const char *asn1_curve; /* EC: "prime256v1", ... */
    const char *nist_curve; /* EC: "P-256", ...; NULL when not a NIST one */
    const uint8_t *pubkey;  /* RSA: SubjectPublicKeyInfo DER; EC: point */
    size_t pubkey_len;
    const char *fingerprint;    /* SHA-1, "AB:CD:..." */
    const char *fingerprint256; /* SHA-256 */
    const char *fingerprint512; /* SHA-512; NULL in builds without it */
    const uint8_t *raw;         /* the certificate's DER */
    size_t raw_len;
    /* 1: subject == issuer, the top of the chain (where Node's
     * issuerCertificate points to the certificate itself) */
    int self_issued;
    /* 1: not sent by the peer but taken from the trust store (the anchor
     * Node appends) */
    int trust_anchor;
};
/* depth 0 is the leaf, 1 its issuer, ...: the chain as the peer sent it,
 * then its issuers from the trust store up to a self-issued one. 0, or -1
 * when there is no certificate at that depth (or out of memory:
 * petls_error says which). */
int petls_peer_cert_details(struct petls *ctx, size_t depth,
                            struct petls_cert_details *details);

/* Node's checkServerIdentity (docs/API.md
 * "petls_config_set_check_server_identity"). A check that refuses the
 * server's certificate fills a petls_identity_error as Node's Error: code
 * ("ERR_TLS_CERT_ALTNAME_INVALID" from the default check; "" for an error
 * without a code, whose message is then the authorizationError), reason
 * (Node's err.reason) and message (err.message). */
#define PETLS_IDENTITY_CODE_SIZE 64
#define PETLS_IDENTITY_TEXT_SIZE 448
struct petls_identity_error {
    char code[PETLS_IDENTITY_CODE_SIZE];
    char reason[PETLS_IDENTITY_TEXT_SIZE];
    char message[PETLS_IDENTITY_TEXT_SIZE];
};
/* Client: called once the server's chain verified (or verification is
 * off and the chain would have verified), with the name the client
 * verifies (the server name or IP literal given to connect; "" when none)
 * and the server's leaf as petls_peer_cert_details(ctx, 0) gives it.
 * Returns 0 to accept, -1 to refuse with *error filled (all "" on entry).
 * It replaces petls's host-name check, which it may call itself
 * (petls_check_server_identity). A refusal makes the connection
 * unauthorized with that error; with verification on
 * (petls_config_insecure_noverifycert not called) the handshake then fails
 * with "certificate verification failed: <code>: <message>" (or
 * "certificate verification failed: <message>" without a code). NULL cb
 * restores petls's own check. */
typedef int (*petls_check_server_identity_cb)(
    struct petls *ctx, const char *hostname,
    const struct petls_cert_details *cert, struct petls_identity_error *error,
    void *arg);
int petls_config_set_check_server_identity(struct petls_config *config,
                                           petls_check_server_identity_cb cb,
                                           void *arg);
/* Node's default tls.checkServerIdentity(hostname, cert): 0 when hostname
 * matches cert's subjectaltname (or its CN when it has no DNS name), else
 * -1 with *error as Node's ERR_TLS_CERT_ALTNAME_INVALID ("Hostname/IP does
 * not match certificate's altnames: " and the reason). error may be NULL. */
int petls_check_server_identity(const char *hostname,
                                const struct petls_cert_details *cert,
                                struct petls_identity_error *error);

/* ---- Negotiation: ALPN, renegotiation, key log, records, exporter ----- */
/* docs/negotiation.md maps each of these from Node's tls options. */

/* ALPN (RFC 7301), as libtls: a comma-separated list, most preferred first
 * ("h2,http/1.1"); each name 1 to 255 bytes. A client offers it; a server
 * selects the first of its own protocols that the client offers (server
 * preference) and ends the handshake with a no_application_protocol alert
 * when there is none. Clients offering no ALPN are served without. NULL or
 * "" clears the list. */
int petls_config_set_alpn(struct petls_config *config, const char *alpn);
/* Node's ALPNCallback (server): called during the handshake of a client
 * that offers ALPN, with the SNI (or NULL) and the offered protocols in the
 * client's order. Returns the index of the protocol to select, or -1 to
 * refuse (no_application_protocol alert; the server's handshake fails with
 * "handshake: the ALPN callback refused the client's protocols (sent
 * no_application_protocol)"). Replaces the server's list for selection. */
typedef int (*petls_alpn_cb)(struct petls *conn, const char *servername,
                             const char *const *protocols, size_t n,
                             void *arg);
int petls_config_set_alpn_cb(struct petls_config *config, petls_alpn_cb cb,
                             void *arg);
/* The protocol the handshake selected (both sides, also on resumed
 * connections), or NULL. libtls's tls_conn_alpn_selected. */
const char *petls_conn_alpn_selected(struct petls *ctx);

/* TLS 1.2 renegotiation: secure renegotiation (RFC 5746) only. Clients
 * follow a server's HelloRequest by default. Servers refuse it by default
 * (as libtls and nginx, since 0.1.0; client-initiated renegotiation
 * costs the server a full handshake per request): a client's renegotiation
 * gets a no_renegotiation warning alert and the connection goes on, and a
 * server's petls_renegotiate() fails. set_renegotiation(config, 1) or
 * set_reneg_limit() turns it on for servers; they then limit
 * client-initiated renegotiations to limit per window_s seconds (Node's
 * CLIENT_RENEG_LIMIT / CLIENT_RENEG_WINDOW, default 3 per 600 s); the next
 * one ends that connection: petls_read() fails with
 * "ERR_TLS_SESSION_ATTACK: ..." (Node's error code) and the renegotiation
 * callback is told. set_renegotiation(config, 0) refuses every
 * renegotiation on both sides. TLS 1.3 has no renegotiation. */
#define PETLS_RENEG_LIMIT_DEFAULT 3
#define PETLS_RENEG_WINDOW_DEFAULT 600
#define PETLS_ERR_TLS_SESSION_ATTACK "ERR_TLS_SESSION_ATTACK"
int petls_config_set_renegotiation(struct petls_config *config, int enable);
int petls_config_set_reneg_limit(struct petls_config *config,
                                 unsigned int limit, unsigned int window_s);
/* Server: called for each client-initiated renegotiation with the count in
 * the current window; refused is 1 when it exceeded the limit and the
 * connection is being ended (Node's ERR_TLS_SESSION_ATTACK). */
typedef void (*petls_reneg_cb)(struct petls *conn, unsigned int count,
                               int refused, void *arg);
int petls_config_set_reneg_cb(struct petls_config *config, petls_reneg_cb cb,
                              void *arg);
/* Node's renegotiate(). Client: runs a new TLS 1.2 handshake; returns 0
 * when done, PETLS_WANT_POLLIN/POLLOUT (call again), or -1. Server: sends a
 * HelloRequest and returns 0; the client's new handshake runs inside later
 * petls_read() calls, and petls_conn_renegotiations() counts it when
 * done. verify_client (server) is a PETLS_VERIFY_CLIENT_* mode for that
 * handshake, e.g. to ask for a client certificate late; -1 keeps the
 * config's. Fails on TLS 1.3 ("renegotiate: TLS 1.3 has no
 * renegotiation") and when renegotiation is disabled. */
int petls_renegotiate(struct petls *ctx, int verify_client);
/* Completed renegotiations on this connection (both sides). */
int petls_conn_renegotiations(struct petls *ctx);
/* Node's disableRenegotiation(): refuses every later TLS 1.2
 * renegotiation on this connection only, exactly as
 * petls_config_set_renegotiation(config, 0) does for all of a config's
 * (the peer's attempt gets a no_renegotiation warning alert; this side's
 * petls_renegotiate() fails). Other connections of the config are not
 * affected. May be called at any time, also before the handshake; it
 * cannot be undone. Returns 0 or -1. */
int petls_conn_disable_renegotiation(struct petls *ctx);

/* Node's 'keylog' event: called with each NSS key-log line (no newline)
 * of the connections of this config: "CLIENT_RANDOM <client random>
 * <master secret>" for TLS 1.2; CLIENT_HANDSHAKE_TRAFFIC_SECRET,
 * SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0 and
 * SERVER_TRAFFIC_SECRET_0 for TLS 1.3. The lines hold secrets: anyone with
 * them can decrypt the traffic. The library never reads SSLKEYLOGFILE. */
typedef void (*petls_keylog_cb)(struct petls *ctx, const char *line,
                                void *arg);
int petls_config_set_keylog_cb(struct petls_config *config,
                               petls_keylog_cb cb, void *arg);

/* Node's setMaxSendFragment: each record sent carries at most size
 * plaintext bytes, 512 to 16384 (the default). The config call sets it for
 * every connection; the context call changes one connection at any time. */
#define PETLS_MAX_SEND_FRAGMENT_MIN 512
#define PETLS_MAX_SEND_FRAGMENT_MAX 16384
int petls_config_set_max_send_fragment(struct petls_config *config,
                                       size_t size);
int petls_set_max_send_fragment(struct petls *ctx, size_t size);
/* Client: offers the RFC 6066 max_fragment_length extension (512, 1024,
 * 2048 or 4096; 0 turns it off, the default). TLS 1.2 only: a server
 * honours it there; in TLS 1.3 it changes nothing. record_size_limit (RFC
 * 8449) is not available. */
int petls_config_set_max_fragment_length(struct petls_config *config,
                                         size_t len);

/* Node's exportKeyingMaterial: RFC 5705 (TLS 1.2) / RFC 8446 7.5 (TLS 1.3)
 * keying material, len bytes (1 to 8160) into out, after the handshake.
 * context NULL means no context (which differs from an empty one in TLS
 * 1.2). Returns 0 or -1. */
int petls_export_keying_material(struct petls *ctx, uint8_t *out, size_t len,
                                 const char *label, const uint8_t *context,
                                 size_t context_len);

#if defined(PETLS_BUILDING_LIBRARY) && defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* PETLS_H */
