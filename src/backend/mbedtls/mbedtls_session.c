/*
 * Session resumption on mbedTLS: the server's ticket and session-cache
 * callbacks over the engine's pb_session_hooks, the client's session import
 * and export, and the serialisation both sides share.
 *
 * The backend keeps no session itself. mbedTLS calls the ticket and cache
 * callbacks with the config's pointer only, so the connection being driven
 * (for its owner, and to record that a session was opened) is found in a
 * per-thread "current connection" that mbedtls_conn.c sets around every call
 * into mbedTLS that can run a handshake step.
 *
 * Session bytes handed to the engine are
 *     format (1, = 2) | wall clock at export (8, big endian Unix seconds,
 *     -1 unknown) | verification record length (2) | verification record |
 *     mbedtls_ssl_session_save() output
 * (format 1, from earlier builds, has no record length and record.) The
 * verification record keeps what the full handshake that made the session
 * verified, which mbedTLS does not keep for TLS 1.3 (it sets
 * verify_result to 0 on a resumption and keeps no peer certificate):
 *     flags (4) | chain_len, leaf_self_signed, top_self_signed,
 *     depth_exceeded (1 each) | name length (1) | name (the client's
 *     verified name) | leaf length (2) | leaf DER (TLS 1.3 only: the
 *     saved TLS 1.2 session holds the peer certificate itself)
 * A resumed connection reports it (pb_conn_verify_facts), a client
 * re-checking the name it connects to now against the kept leaf.
 * The wall-clock stamp exists because mbedTLS ages TLS 1.3 tickets with
 * mbedtls_ms_time(), a boot-relative clock (CLOCK_BOOTTIME on Linux): a
 * ticket issued by another machine, or a client session kept over a
 * reboot, would carry a creation/reception time from another clock. On
 * import the time is rebased onto this process's clock when the two clocks
 * disagree (see rebase_ticket_time).
 */

/* Private access, for what mbedTLS 3.6 has no accessor for: (1) four
 * session fields: tls_version (to refuse a TLS 1.3 session offered in a
 * TLS 1.2 ticket and the other way round), endpoint, ticket_creation_time
 * (server) and ticket_reception_time (client), the last two rewritten by
 * rebase_ticket_time; (2) the handshake state (ssl->state), read by
 * drive_handshake to tell a resumed handshake, for which mbedTLS has no
 * public flag, and by pb_mbedtls_session_read to see a NewSessionTicket
 * announced (mbedtls_ssl_is_handshake_over() is true in that state too),
 * and set to MBEDTLS_SSL_HANDSHAKE_OVER by end_at_lost_ticket.
 * (3) the session's peer_cert, to keep the leaf of a TLS 1.2 session with
 * the verification record. (4) a TLS 1.2 server's ssl->conf->f_set_cache
 * and p_cache, ssl->session_negotiate and its id, id_len, to store a new
 * session before the Finished goes out (store_id_early). Nothing else
 * here touches private fields (mbedtls_psk_ke.c has its own list). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/platform_time.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "core/bytes.h"
#include "petls_port.h"

#define SESS_FORMAT 2
#define SESS_FORMAT_V1 1
#define SESS_HEADER 9
/* flags, four facts, name length, leaf length */
#define VREC_FIXED (4 + 4 + 1 + 2)
/* A record with its leaf takes at most half of a largest session's room:
 * the session (which holds the peer certificate itself in TLS 1.2) needs
 * room too. */
#define VREC_ROOM ((PB_SESSION_MAX - SESS_HEADER - 2) / 2)
/* Sessions and connections hold the peer's certificate. */
#if defined(MBEDTLS_X509_CRT_PARSE_C) &&                                       \
    defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
#define PB_PEER_CERT 1
#endif
/* RFC 8446 4.6.1: servers must not advertise more than 7 days. */
#define TLS13_MAX_LIFETIME_S 604800u
/* Monotonic and wall-clock ages closer than this are the same clock. */
#define CLOCK_SLACK_MS 2000
/* NewSessionTickets taken in by one read before it gives up with
 * WANT_READ (servers send one to a few). */
#define MAX_TICKETS_PER_READ 64

/* ---- The connection being driven on this thread ---- */

/* A bare-metal build (no OS, no threads) has no thread-local storage to
 * link against; there one connection at a time runs anyway. */
#if defined(PETLS_SINGLE_THREADED)
#define PB_THREAD_LOCAL
#elif defined(MBEDTLS_THREADING_C) || defined(__unix__) ||                     \
    defined(__APPLE__) || defined(_WIN32)
#define PB_THREAD_LOCAL _Thread_local
#else
#define PB_THREAD_LOCAL
#endif

static PB_THREAD_LOCAL struct pb_conn *g_current;

struct pb_conn *pb_mbedtls_enter(struct pb_conn *c)
{
    struct pb_conn *prev = g_current;

    g_current = c;
    return prev;
}

void pb_mbedtls_leave(struct pb_conn *prev)
{
    g_current = prev;
}

/* ---- The verification record ---- */

void pb_mbedtls_kept_free(struct pb_conn *c)
{
    struct pb_kept_verify *k = &c->kept;

#if defined(MBEDTLS_X509_CRT_PARSE_C)
    if (k->crt != NULL) {
        mbedtls_x509_crt_free(k->crt);
        petls_port_free(k->crt);
    }
#endif
    petls_port_free(k->name);
    memset(k, 0, sizeof(*k));
}

/* The leaf a verification record of sess keeps (TLS 1.3 only:
 * mbedtls_ssl_session_save() keeps the peer certificate of TLS 1.2 sessions
 * itself), or NULL when there is none or the record would take more than
 * VREC_ROOM. */
static const mbedtls_x509_crt *
vrec_leaf(struct pb_conn *c, const mbedtls_ssl_session *sess, size_t name_len)
{
#if defined(PB_PEER_CERT)
    const struct pb_kept_verify *k = pb_mbedtls_kept_verify(c);
    const mbedtls_x509_crt *leaf = sess->peer_cert;

    if (sess->tls_version == MBEDTLS_SSL_VERSION_TLS1_2) {
        return NULL;
    }
    if (leaf == NULL && k != NULL) {
        leaf = k->crt;
    }
    if (leaf == NULL) {
        leaf = mbedtls_ssl_get_peer_cert(&c->ssl);
    }
    return leaf != NULL && leaf->raw.p != NULL &&
                   leaf->raw.len <= VREC_ROOM - VREC_FIXED - name_len
               ? leaf
               : NULL;
#else
    (void)c;
    (void)sess;
    (void)name_len;
    return NULL;
#endif
}

/* The name a client's record keeps (NULL on a server). */
static const char *vrec_name(const struct pb_conn *c)
{
    return c->is_server ? NULL : c->verify_name;
}

/* Length of the verification record vrec_write writes for sess; 0 when
 * the name is too long for one. */
static size_t vrec_size(struct pb_conn *c, const mbedtls_ssl_session *sess)
{
    const char *name = vrec_name(c);
    size_t name_len = name != NULL ? strlen(name) : 0;
    const mbedtls_x509_crt *leaf;

    if (name_len > 255) {
        return 0;
    }
    leaf = vrec_leaf(c, sess, name_len);
    return VREC_FIXED + name_len + (leaf != NULL ? leaf->raw.len : 0);
}

/* What this connection reports, written for the session it exports into
 * the vrec_size() bytes at p: flags (be32), chain length, three booleans,
 * len(name) | name, len(leaf) (be16) | leaf. Only the name and the leaf are
 * variable: a name of at most 255 bytes (a DNS name is shorter), the leaf
 * when it is not too long. 0, or -1 when it did not fill exactly len. */
static int vrec_write(struct pb_conn *c, const mbedtls_ssl_session *sess,
                      uint8_t *p, size_t len)
{
    struct petls_verify_facts f;
    struct bytes_writer w;
    const char *name = vrec_name(c);
    size_t name_len = name != NULL ? strlen(name) : 0;
    const mbedtls_x509_crt *leaf = vrec_leaf(c, sess, name_len);

    pb_conn_verify_facts(c, &f);
    bytes_writer_init(&w, p, len);
    bytes_write_be32(&w, f.flags);
    bytes_write_u8(&w, (uint8_t)(f.chain_len > 255 ? 255 : f.chain_len));
    bytes_write_u8(&w, (uint8_t)(f.leaf_self_signed != 0));
    bytes_write_u8(&w, (uint8_t)(f.top_self_signed != 0));
    bytes_write_u8(&w, (uint8_t)(f.depth_exceeded != 0));
    bytes_write_u8(&w, (uint8_t)name_len);
    bytes_write_mem(&w, name, name_len);
    if (leaf != NULL) {
        bytes_write_be16(&w, (uint16_t)leaf->raw.len);
        bytes_write_mem(&w, leaf->raw.p, leaf->raw.len);
    } else {
        bytes_write_be16(&w, 0);
    }
    return w.bad || w.len != len ? -1 : 0;
}

/* Reads a verification record into c->kept (after the mbedTLS session
 * loaded: its peer certificate is the leaf when the record has none). 0, or
 * -1 (malformed). */
static int vrec_read(struct pb_conn *c, const mbedtls_ssl_session *sess,
                     const uint8_t *p, size_t len)
{
    struct pb_kept_verify *k = &c->kept;
    struct bytes_reader r;
    const uint8_t *name = NULL, *der = NULL;
    size_t name_len = 0, der_len = 0;

    pb_mbedtls_kept_free(c);
    bytes_reader_init(&r, p, len);
    k->facts.flags = bytes_read_be32(&r);
    k->facts.chain_len = bytes_read_u8(&r);
    k->facts.leaf_self_signed = bytes_read_u8(&r);
    k->facts.top_self_signed = bytes_read_u8(&r);
    k->facts.depth_exceeded = bytes_read_u8(&r);
    if (bytes_take_vec(&r, 1, &name, &name_len) != 0 ||
        bytes_take_vec(&r, 2, &der, &der_len) != 0 || r.bad || r.left != 0) {
        goto fail;
    }
    if (name_len > 0) {
        k->name = petls_port_calloc(1, name_len + 1);
        if (k->name == NULL) {
            goto fail;
        }
        memcpy(k->name, name, name_len);
    }
    if (der_len == 0) {
        der = NULL;
    }
#if defined(PB_PEER_CERT)
    else if (sess->tls_version == MBEDTLS_SSL_VERSION_TLS1_2 &&
             sess->peer_cert != NULL) {
        der = sess->peer_cert->raw.p;
        der_len = sess->peer_cert->raw.len;
    }
#else
    (void)sess;
#endif
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    if (der != NULL) {
        k->crt = petls_port_calloc(1, sizeof(*k->crt));
        if (k->crt == NULL) {
            goto fail;
        }
        mbedtls_x509_crt_init(k->crt);
        if (mbedtls_x509_crt_parse_der(k->crt, der, der_len) != 0) {
            goto fail;
        }
    }
#else
    (void)der;
#endif
    k->valid = 1;
    return 0;

fail:
    pb_mbedtls_kept_free(c);
    return -1;
}

/* ---- Session bytes ---- */

/* Wipes and frees session bytes (they hold the master secret). */
static void session_bytes_free(uint8_t *p, size_t len)
{
    if (p != NULL) {
        mbedtls_platform_zeroize(p, len);
        petls_port_free(p);
    }
}

/* The session bytes of sess (header, c's verification record, the
 * mbedTLS session) in a buffer of their exact length from
 * petls_port_calloc, which the caller frees with session_bytes_free. NULL
 * (too long, out of memory...). No buffer of PB_SESSION_MAX is zeroed and
 * wiped on the resumption path: mbedTLS measures the session first. */
static uint8_t *session_export(struct pb_conn *c,
                               const mbedtls_ssl_session *sess, size_t *out_len)
{
    size_t v = vrec_size(c, sess), n = 0, len;
    uint8_t *out;
    int r;

    if (v == 0) {
        return NULL;
    }
    r = mbedtls_ssl_session_save(sess, NULL, 0, &n);
    if (r != 0 && r != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        return NULL;
    }
    len = SESS_HEADER + 2 + v + n;
    if (len > PB_SESSION_MAX) {
        return NULL;
    }
    out = petls_port_calloc(1, len);
    if (out == NULL) {
        return NULL;
    }
    out[0] = SESS_FORMAT;
    bytes_put_be64(out + 1, (uint64_t)petls_port_unix_time());
    bytes_put_be16(out + SESS_HEADER, (uint16_t)v);
    if (vrec_write(c, sess, out + SESS_HEADER + 2, v) != 0 ||
        mbedtls_ssl_session_save(sess, out + SESS_HEADER + 2 + v, n, &n) != 0 ||
        SESS_HEADER + 2 + v + n != len) {
        session_bytes_free(out, len);
        return NULL;
    }
    *out_len = len;
    return out;
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_3) &&                                       \
    defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_HAVE_TIME)
/* Moves a TLS 1.3 ticket's creation (server) or reception (client) time
 * onto this process's mbedtls_ms_time() clock when the wall clock says the
 * stored time came from another clock. */
static void rebase_ticket_time(mbedtls_ssl_session *sess, int64_t stamped)
{
    mbedtls_ms_time_t now = mbedtls_ms_time(), *t = NULL, mono_age, wall_age;
    int64_t wall_now = petls_port_unix_time();

    if (sess->tls_version != MBEDTLS_SSL_VERSION_TLS1_3 || stamped < 0 ||
        wall_now < 0) {
        return;
    }
#if defined(MBEDTLS_SSL_SRV_C)
    if (sess->endpoint == MBEDTLS_SSL_IS_SERVER) {
        t = &sess->ticket_creation_time;
    }
#endif
#if defined(MBEDTLS_SSL_CLI_C)
    if (sess->endpoint == MBEDTLS_SSL_IS_CLIENT) {
        t = &sess->ticket_reception_time;
    }
#endif
    if (t == NULL) {
        return;
    }
    wall_age = (mbedtls_ms_time_t)(wall_now - stamped) * 1000;
    if (wall_age < 0) {
        wall_age = 0; /* clocks of two machines slightly apart */
    }
    mono_age = now - *t;
    if (mono_age - wall_age <= CLOCK_SLACK_MS &&
        wall_age - mono_age <= CLOCK_SLACK_MS) {
        return; /* same clock: keep the millisecond precision */
    }
    *t = now - wall_age;
}
#endif

/* Loads session bytes into a fresh session, and their verification record
 * into c->kept. 0, or -1 (session freed, nothing kept). */
static int session_import(struct pb_conn *c, mbedtls_ssl_session *sess,
                          const uint8_t *in, size_t len)
{
    int64_t stamped;
    size_t off = SESS_HEADER, vlen = 0;

    pb_mbedtls_kept_free(c);
    if (len <= SESS_HEADER ||
        (in[0] != SESS_FORMAT && in[0] != SESS_FORMAT_V1)) {
        return -1;
    }
    if (in[0] == SESS_FORMAT) {
        if (len < SESS_HEADER + 2) {
            return -1;
        }
        vlen = bytes_get_be16(in + SESS_HEADER);
        off = SESS_HEADER + 2 + vlen;
        if (off >= len) {
            return -1;
        }
    }
    stamped = (int64_t)bytes_get_be64(in + 1);
    if (mbedtls_ssl_session_load(sess, in + off, len - off) != 0) {
        mbedtls_ssl_session_free(sess);
        return -1;
    }
    if (in[0] == SESS_FORMAT &&
        vrec_read(c, sess, in + SESS_HEADER + 2, vlen) != 0) {
        mbedtls_ssl_session_free(sess);
        return -1;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) &&                                       \
    defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_HAVE_TIME)
    rebase_ticket_time(sess, stamped);
#else
    (void)stamped;
#endif
    return 0;
}

/* ---- Server: tickets ---- */

#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
/* Sessions are bound to the server name (the engine mixes c->sni into
 * every ticket's context). mbedTLS's TLS 1.2 server opens a ticket as it
 * meets the session_ticket extension, which may come before server_name:
 * the name is then read from the ClientHello itself, as the SNI callback
 * will see it (a name with a NUL is none). 0, or -1: no resumption. */
static int learn_sni(struct pb_conn *c, const struct pb_session_hooks *h)
{
#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
    const uint8_t *name = NULL;
    size_t len = 0;
    int r;

    if (c->sni != NULL || h->hello_sni == NULL) {
        return 0;
    }
    if (c->ssl.in_msg == NULL || c->ssl.in_hslen < 4 ||
        c->ssl.in_msg[0] != MBEDTLS_SSL_HS_CLIENT_HELLO) {
        return -1;
    }
    r = h->hello_sni(c->ssl.in_msg + 4, c->ssl.in_hslen - 4, &name, &len);
    if (r < 0) {
        return -1;
    }
    if (r == 0 || memchr(name, '\0', len) != NULL) {
        return 0;
    }
    c->sni = petls_port_calloc(1, len + 1);
    if (c->sni == NULL) {
        return -1;
    }
    memcpy(c->sni, name, len);
#else
    (void)c;
    (void)h;
#endif
    return 0;
}

static int ticket_write(void *p_cfg, const mbedtls_ssl_session *session,
                        unsigned char *start, const unsigned char *end,
                        size_t *tlen, uint32_t *lifetime)
{
    struct pb_config *cfg = p_cfg;
    struct pb_conn *c = g_current;
    const struct pb_session_hooks *h = cfg->hooks;
    uint8_t *buf;
    size_t n = 0, cap = (size_t)(end - start);
    uint32_t life = cfg->ticket_lifetime_s;
    uint16_t version = (uint16_t)session->tls_version;
    int ok;

    *tlen = 0;
    *lifetime = 0;
    if (c == NULL || h == NULL || h->ticket_make == NULL) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    buf = session_export(c, session, &n);
    ok = buf != NULL &&
         h->ticket_make(c->owner, version, buf, n, start, cap, tlen, &life) ==
             0 &&
         *tlen > 0 && *tlen <= cap;
    session_bytes_free(buf, n);
    if (ok) {
        if (version == MBEDTLS_SSL_VERSION_TLS1_3 &&
            life > TLS13_MAX_LIFETIME_S) {
            life = TLS13_MAX_LIFETIME_S; /* mbedTLS refuses more */
        }
        *lifetime = life;
        return 0;
    }
    *tlen = 0;
    if (version != MBEDTLS_SSL_VERSION_TLS1_3 || cap < 1) {
        /* TLS 1.2 sends an empty ticket: no resumption, no failure. */
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    /* A TLS 1.3 server whose ticket callback fails aborts the handshake,
     * and a NewSessionTicket cannot be empty. A one-byte ticket with
     * lifetime 0 tells the client to discard it at once (RFC 8446 4.6.1);
     * it would not open anyway. */
    start[0] = 0;
    *tlen = 1;
    *lifetime = 0;
    return 0;
}

static int ticket_parse(void *p_cfg, mbedtls_ssl_session *session,
                        unsigned char *buf, size_t len)
{
    struct pb_config *cfg = p_cfg;
    struct pb_conn *c = g_current;
    const struct pb_session_hooks *h = cfg->hooks;
    uint8_t *sess = NULL;
    size_t n = 0;
    int rc, ret = MBEDTLS_ERR_SSL_INVALID_MAC;

    if (c == NULL || h == NULL || h->ticket_open == NULL) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    if (learn_sni(c, h) != 0) {
        return MBEDTLS_ERR_SSL_INVALID_MAC; /* a full handshake */
    }
    /* 1 (opened with a retiring key) is a success too: mbedTLS's TLS 1.3
     * server re-issues a ticket on every resumption anyway, and its TLS 1.2
     * server has no way to (it drops the NewSessionTicket once a ticket
     * resumed). */
    rc = h->ticket_open(c->owner, buf, len, &sess, &n);
    if (rc >= 0 && sess != NULL && n <= PB_SESSION_MAX &&
        session_import(c, session, sess, n) == 0) {
        /* A ticket from a TLS 1.2 connection must not resume TLS 1.3 or
         * the other way round (mbedTLS checks the first case only). */
        if ((uint16_t)session->tls_version !=
            mbedtls_ssl_get_version_number(&c->ssl)) {
            mbedtls_ssl_session_free(session);
            pb_mbedtls_kept_free(c);
        } else {
            c->session_opened = 1;
            ret = 0;
            pb_mbedtls_psk_ke_consider(c, session, buf, len);
        }
    }
    session_bytes_free(sess, n);
    return ret;
}
#endif

/* ---- Server: session IDs ---- */

#if defined(MBEDTLS_SSL_SRV_C)
static int cache_get(void *p_cfg, unsigned char const *id, size_t id_len,
                     mbedtls_ssl_session *session)
{
    struct pb_config *cfg = p_cfg;
    struct pb_conn *c = g_current;
    const struct pb_session_hooks *h = cfg->hooks;
    uint8_t *sess = NULL;
    size_t n = 0;
    int ret = -1;

    if (c == NULL || h == NULL || h->cache_get == NULL) {
        return -1;
    }
    if (h->cache_get(c->owner, id, id_len, &sess, &n) == 0 && sess != NULL &&
        n <= PB_SESSION_MAX && session_import(c, session, sess, n) == 0) {
        if (session->tls_version != MBEDTLS_SSL_VERSION_TLS1_2 ||
            session->id_len != id_len || memcmp(session->id, id, id_len) != 0) {
            mbedtls_ssl_session_free(session);
            pb_mbedtls_kept_free(c);
        } else {
            c->session_opened = 1;
            ret = 0;
        }
    }
    session_bytes_free(sess, n);
    return ret;
}

static int cache_set(void *p_cfg, unsigned char const *id, size_t id_len,
                     const mbedtls_ssl_session *session)
{
    struct pb_config *cfg = p_cfg;
    struct pb_conn *c = g_current;
    const struct pb_session_hooks *h = cfg->hooks;
    uint8_t *sess;
    size_t n = 0;
    int ret = -1;

    /* TLS 1.3 never resumes by session ID (mbedTLS does not call this for
     * it today; the check keeps it that way). */
    if (c == NULL || h == NULL || h->cache_put == NULL ||
        session->tls_version != MBEDTLS_SSL_VERSION_TLS1_2) {
        return -1;
    }
    if (c->id_stored_early) {
        /* The wrap-up's call after store_id_early() stored it. */
        c->id_stored_early = 0;
        return 0;
    }
    sess = session_export(c, session, &n);
    if (sess != NULL) {
        ret = h->cache_put(c->owner, id, id_len, sess, n) == 0 ? 0 : -1;
    }
    session_bytes_free(sess, n);
    return ret;
}

/* A TLS 1.2 server stores a new session under its ID before it sends its
 * ChangeCipherSpec and Finished, not after (mbedTLS stores it in the
 * handshake wrap-up, once the Finished has left): a client that has its
 * session may at once offer it to another process sharing the store
 * (petls server --workers, shm or Redis), which must find it there. The
 * session is complete at this point (keys derived, the client's
 * certificate verified); the wrap-up's own call then stores nothing. */
static void store_id_early(struct pb_conn *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    const mbedtls_ssl_config *conf = ssl->conf;
    const mbedtls_ssl_session *sess = ssl->session_negotiate;

    /* A full handshake went through ClientKeyExchange; an abbreviated one
     * stores nothing (nor does mbedTLS). No ID: a ticket was issued. */
    if (!c->is_server || !c->saw_client_kex || c->id_stored_early ||
        conf->f_set_cache != cache_set || sess == NULL || sess->id_len == 0) {
        return;
    }
    if (cache_set(conf->p_cache, sess->id, sess->id_len, sess) == 0) {
        c->id_stored_early = 1;
    }
}
#endif

/* ---- Config ---- */

void pb_mbedtls_session_conf(struct pb_config *cfg, mbedtls_ssl_config *conf,
                             int endpoint, int with_tickets,
                             const struct pb_settings *s)
{
    const struct pb_session_hooks *h = s->session_hooks;

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    {
        /* psk_ke (no (EC)DHE, no forward secrecy) only on request. */
        int modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
                    MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL;
        if (s->tls13_psk_ke) {
            modes |= MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK;
        }
        /* A server with PSKs and no certificate: the certificate mode
         * cannot complete, and mbedTLS prefers it over psk_ke. */
        if (endpoint == MBEDTLS_SSL_IS_SERVER && s->psk_only) {
            modes &= ~MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
        }
        mbedtls_ssl_conf_tls13_key_exchange_modes(conf, modes);
    }
#endif
    if (endpoint == MBEDTLS_SSL_IS_CLIENT) {
        cfg->client_psk_ke_only = s->tls13_psk_ke == 2;
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
        int on = h != NULL && h->client_session != NULL;
        /* A client config in stateful mode (tls12_tickets 0) sends no TLS
         * 1.2 ticket extension: it resumes by session ID. */
        mbedtls_ssl_conf_session_tickets(
            conf, on && s->tls12_tickets
                      ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
                      : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
            conf, on ? MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED
                     : MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED);
#endif
#endif
        (void)cfg;
        (void)with_tickets;
        return;
    }
#if defined(MBEDTLS_SSL_SRV_C)
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (h != NULL && s->tickets && with_tickets && h->ticket_make != NULL &&
        h->ticket_open != NULL) {
        mbedtls_ssl_conf_session_tickets_cb(conf, ticket_write, ticket_parse,
                                            cfg);
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_new_session_tickets(
        conf,
        (uint16_t)(s->tls13_tickets > 0xFFFF ? 0xFFFF : s->tls13_tickets));
#endif
#endif
    if (h != NULL && s->session_ids && h->cache_get != NULL &&
        h->cache_put != NULL) {
        mbedtls_ssl_conf_session_cache(conf, cfg, cache_get, cache_set);
    }
#else
    (void)cfg;
    (void)with_tickets;
#endif
}

/* ---- Client ---- */

int pb_mbedtls_client_set_session(struct pb_conn *c, const uint8_t *bytes,
                                  size_t len)
{
#if defined(MBEDTLS_SSL_CLI_C)
    mbedtls_ssl_session sess;
    int ret;

    mbedtls_ssl_session_init(&sess);
    if (session_import(c, &sess, bytes, len) != 0) {
        return -1; /* stale or foreign bytes: a full handshake */
    }
    ret = mbedtls_ssl_set_session(&c->ssl, &sess);
    c->offered_tls13 = sess.tls_version == MBEDTLS_SSL_VERSION_TLS1_3;
    if (ret == 0) {
        pb_mbedtls_psk_ke_client(c, &sess);
    }
    mbedtls_ssl_session_free(&sess); /* zeroizes */
    if (ret != 0) {
        c->offered_tls13 = 0;
        pb_mbedtls_kept_free(c);
        return -1;
    }
    c->offered_session = 1;
    return 0;
#else
    (void)c;
    (void)bytes;
    (void)len;
    return -1;
#endif
}

void pb_mbedtls_client_export(struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_CLI_C)
    const struct pb_session_hooks *h = c->cfg->hooks;
    mbedtls_ssl_session sess;
    uint8_t *buf;
    size_t n = 0;

    if (h == NULL || h->client_session == NULL) {
        return;
    }
    mbedtls_ssl_session_init(&sess);
    if (mbedtls_ssl_get_session(&c->ssl, &sess) != 0) {
        mbedtls_ssl_session_free(&sess);
        return;
    }
    buf = session_export(c, &sess, &n);
    if (buf != NULL) {
        h->client_session(c->owner, buf, n);
    }
    session_bytes_free(buf, n);
    mbedtls_ssl_session_free(&sess);
#else
    (void)c;
#endif
}

/* ---- Driving mbedTLS with the current connection set ---- */

/* A TLS 1.3 client got a NewSessionTicket: hand the session over. 1 when
 * ret was that signal. */
static int got_ticket(struct pb_conn *c, int ret)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        pb_mbedtls_client_export(c);
        return 1;
    }
#else
    (void)c;
    (void)ret;
#endif
    return 0;
}

/* A TLS 1.3 server whose NewSessionTicket cannot be sent because the
 * client already left (EPIPE, ECONNRESET): the client's Finished was
 * verified and mbedTLS's wrap-up is done, so the handshake did succeed;
 * only the tickets, which the client may ignore, are lost. The handshake
 * is ended there (what mbedTLS does after the last ticket) instead of
 * failing with "write: Broken pipe"; the next read reports the peer's
 * leaving. Returns 1 when it did so. */
static int end_at_lost_ticket(struct pb_conn *c, int ret)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) &&                                       \
    defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
    if (c->is_server && ret == MBEDTLS_ERR_NET_SEND_FAILED &&
        c->io_status == PB_ERR && /* not PB_ERR_TIMEOUT */
        (c->ssl.state == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET ||
         c->ssl.state == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET_FLUSH)) {
        c->ssl.state = MBEDTLS_SSL_HANDSHAKE_OVER;
        return 1;
    }
#else
    (void)c;
    (void)ret;
#endif
    return 0;
}

/* What mbedtls_ssl_handshake() does (step until the handshake is over),
 * watching the state (private, see the top of the file): a handshake that
 * never enters MBEDTLS_SSL_SERVER_CERTIFICATE authenticated without
 * certificates, i.e. from a session or a PSK. Every state is the input of
 * some step, so looking before each step sees all of them. */
static int drive_handshake(struct pb_conn *c)
{
    int ret = 0, hello, kex;

    while (c->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        if (c->ssl.state == MBEDTLS_SSL_SERVER_CERTIFICATE) {
            c->saw_certificate = 1;
        }
        if (c->ssl.state == MBEDTLS_SSL_CLIENT_KEY_EXCHANGE) {
            c->saw_client_kex = 1;
        }
        if (c->ssl.state == MBEDTLS_SSL_HELLO_RETRY_REQUEST) {
            c->saw_hrr = 1; /* mbedtls_psk_ke.c */
        }
        pb_mbedtls_alert_step(c);
#if defined(MBEDTLS_SSL_SRV_C)
        if (c->ssl.state == MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC) {
            store_id_early(c);
        }
#endif
        hello = c->is_server && c->ssl.state == MBEDTLS_SSL_CLIENT_HELLO;
        kex = c->is_server && c->ssl.state == MBEDTLS_SSL_CLIENT_KEY_EXCHANGE;
        ret = mbedtls_ssl_handshake_step(&c->ssl);
        if (ret != 0 && end_at_lost_ticket(c, ret)) {
            ret = 0;
        } else if (ret != 0) {
            if (hello) {
                /* A TLS 1.2 ClientHello mbedTLS refused in the step that
                 * parsed it (no suite, no signature algorithm): the
                 * ClientHello stage still sees it, to say why. */
                pb_mbedtls_alert_hello_failed(c);
            }
            break;
        }
        if (hello && c->ssl.state != MBEDTLS_SSL_CLIENT_HELLO &&
            (ret = pb_mbedtls_alert_hello(c)) != 0) {
            break;
        }
        if (kex && c->ssl.state != MBEDTLS_SSL_CLIENT_KEY_EXCHANGE &&
            (ret = pb_mbedtls_alert_kex(c)) != 0) {
            break;
        }
    }
    return ret;
}

int pb_mbedtls_session_handshake(struct pb_conn *c)
{
    struct pb_conn *prev = pb_mbedtls_enter(c);
    int ret;

    do {
        ret = drive_handshake(c);
    } while (got_ticket(c, ret));
    if (ret == 0) {
        /* Resumed: a session was offered by us (client) or opened by the
         * hooks in this handshake (server), and the handshake was the
         * abbreviated one: TLS 1.2 without ClientKeyExchange (a full
         * handshake always has one, PSK suites included); TLS 1.3 without
         * certificates. A TLS 1.3 external PSK also goes without
         * certificates: the server's PSK callback clears session_opened
         * (mbedtls_psk.c); a client offering a ticket and an external PSK
         * at once cannot tell which the server took (mbedTLS keeps the
         * selected identity private) and counts it as resumed. */
        int session = c->is_server ? c->session_opened : c->offered_session;
        if (mbedtls_ssl_get_version_number(&c->ssl) ==
            MBEDTLS_SSL_VERSION_TLS1_2) {
            c->resumed = session && !c->saw_client_kex;
        } else {
            c->resumed = session && !c->saw_certificate;
        }
        if (!c->is_server && mbedtls_ssl_get_version_number(&c->ssl) ==
                                 MBEDTLS_SSL_VERSION_TLS1_2) {
            /* TLS 1.2 sessions (with their ticket) are complete now; TLS
             * 1.3 tickets arrive later, through reads. */
            pb_mbedtls_client_export(c);
        }
    }
    pb_mbedtls_leave(prev);
    return ret;
}

int pb_mbedtls_session_read(struct pb_conn *c, unsigned char *buf, size_t len)
{
    struct pb_conn *prev = pb_mbedtls_enter(c);
    int ret = MBEDTLS_ERR_SSL_WANT_READ, i;

    /* A ticket is not data: read on, so that the caller gets data or the
     * transport's WANT_* (a blocking transport then waits in recv, as for
     * any read). mbedTLS announces a NewSessionTicket with WANT_READ and
     * the state MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET; the next read
     * processes the message it kept. The bound only guards against a
     * state machine that would not move on. */
    for (i = 0; i < MAX_TICKETS_PER_READ; i++) {
        ret = mbedtls_ssl_read(&c->ssl, buf, len);
        if (got_ticket(c, ret)) {
            continue;
        }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        if (ret == MBEDTLS_ERR_SSL_WANT_READ &&
            c->ssl.state == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET) {
            continue;
        }
#endif
        break;
    }
    pb_mbedtls_leave(prev);
    return ret;
}

int pb_mbedtls_session_write(struct pb_conn *c, const unsigned char *buf,
                             size_t len)
{
    struct pb_conn *prev = pb_mbedtls_enter(c);
    int ret;

    do {
        ret = mbedtls_ssl_write(&c->ssl, buf, len);
    } while (got_ticket(c, ret));
    pb_mbedtls_leave(prev);
    return ret;
}

int pb_mbedtls_session_close(struct pb_conn *c)
{
    struct pb_conn *prev = pb_mbedtls_enter(c);
    int ret;

    do {
        ret = mbedtls_ssl_close_notify(&c->ssl);
    } while (got_ticket(c, ret));
    pb_mbedtls_leave(prev);
    return ret;
}

int pb_mbedtls_session_explain(struct pb_conn *c, int pb, char *err,
                               size_t errlen)
{
    size_t n;

    /* mbedTLS pins a resuming client to the session's version (its
     * ClientHello then offers TLS 1.3 only): a server that dropped TLS 1.3
     * fails the handshake. Say so; the session must be dropped. */
    if (pb != PB_ERR || c->is_server || !c->offered_tls13 ||
        c->saw_certificate) {
        return pb;
    }
    n = strlen(err);
    if (n + 1 < errlen) {
        /* A psk_ke-only offer (mbedtls_psk_ke.c) has no key share to fall
         * back on. */
        pb_mbedtls_msg(err + n, errlen - n,
                       c->psk_ke_conf != NULL
                           ? " (psk_ke alone was offered with the TLS 1.3 "
                             "session: the server refused psk_ke or the "
                             "ticket; connect again without it)"
                           : " (the TLS 1.3 session offered limits this "
                             "handshake to TLS 1.3; connect again without "
                             "it)");
    }
    return pb;
}

int pb_conn_resumed(const struct pb_conn *c)
{
    return c->handshake_done && c->resumed;
}

int pb_conn_tls_ticket(const struct pb_conn *c, const uint8_t **ticket,
                       size_t *len, char *err, size_t errlen)
{
    if (c->is_server) {
        pb_mbedtls_msg(err, errlen,
                       "no session ticket: a server does not receive one");
        return PB_ERR;
    }
    if (!c->handshake_done) {
        pb_mbedtls_msg(err, errlen,
                       "no session ticket: the handshake is not complete");
        return PB_ERR;
    }
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
    /* mbedTLS keeps the ticket in the session: a TLS 1.2 NewSessionTicket
     * (or the ticket resumed with), each TLS 1.3 one replacing the last. */
    if (c->ssl.session != NULL && c->ssl.session->ticket != NULL &&
        c->ssl.session->ticket_len > 0) {
        *ticket = c->ssl.session->ticket;
        *len = c->ssl.session->ticket_len;
        return 0;
    }
    pb_mbedtls_msg(err, errlen,
                   "no session ticket received on this "
                   "connection");
#else
    (void)ticket;
    (void)len;
    pb_mbedtls_msg(err, errlen,
                   "no session ticket: this mbed TLS build has no session "
                   "tickets (MBEDTLS_SSL_SESSION_TICKETS)");
#endif
    return PB_ERR;
}
