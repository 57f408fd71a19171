/* The external session store: which hooks run in which mode, late
 * answers, and blobs that fail to open. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stdio.h>
#include <time.h>

#include "petls_internal.h" /* struct petls: the pre-parse state */
#include "test_resume_util.h"

/* Stateless mode: tickets resume and the store is never asked. */
static void stateless_store_untouched(uint32_t protocols)
{
    struct rfx f;
    struct tstore *s = tstore_new();

    rfx_init(&f, protocols);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert_eq(s->puts, 0, "put called %d times for tickets", s->puts);
    cr_assert_eq(s->gets, 0, "get called %d times for tickets", s->gets);
    rfx_free(&f);
    free(s);
}

Test(resume_store, stateless_tls13_store_not_called)
{
    stateless_store_untouched(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_store, stateless_tls12_store_not_called)
{
    stateless_store_untouched(PETLS_PROTOCOL_TLSv1_2);
}

/* Stateful mode: both versions put and get through the store, and the
 * built-in cache is not used. A resumed TLS 1.2 handshake stores nothing
 * new; a resumed TLS 1.3 one stores the one ticket mbedTLS sends then. */
static void stateful_store_counted(uint32_t protocols, int puts_full,
                                   int puts_resumed)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct petls_session_cache_stats st;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(s->puts, puts_full);
    cr_assert_eq(s->gets, 0, "nothing was offered, nothing to look up");
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert_eq(s->gets, 1, "get called %d times", s->gets);
    cr_assert_eq(s->get_hits, 1);
    cr_assert_eq(s->puts, puts_full + puts_resumed, "puts %d", s->puts);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.stored + st.hits + st.misses, 0,
                 "the built-in cache was used beside the store");
    rfx_free(&f);
    free(s);
}

Test(resume_store, stateful_tls13_put_and_get)
{
    stateful_store_counted(PETLS_PROTOCOL_TLSv1_3, PETLS_TLS13_TICKETS_DEFAULT,
                           1);
}

Test(resume_store, stateful_tls12_put_and_get)
{
    stateful_store_counted(PETLS_PROTOCOL_TLSv1_2, 1, 0);
}

/* A TLS 1.2 client without tickets on a stateless server: by session ID
 * through the store. */
Test(resume_store, stateless_session_id_through_store)
{
    struct rfx f;
    struct tstore *s = tstore_new();

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.ccfg, 0) == 0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(s->puts, 1);
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert_eq(s->get_hits, 1);
    rfx_free(&f);
    free(s);
}

/* The store answers on a later loop turn. */
struct late {
    struct tstore *s;
    int turns; /* answer when this reaches 0 */
};

static void answer_late(struct tlsconn *c, void *arg)
{
    struct late *l = arg;

    cr_assert_not_null(l->s->pending_conn, "WANT_STORE without a get()");
    cr_assert_eq(l->s->pending_conn, c->sconn);
    if (--l->turns > 0)
        return;
    cr_assert_eq(
        petls_store_answer(c->sconn, l->s->pending_blob, l->s->pending_len), 0,
        "%s", petls_error(c->sconn));
    l->s->pending_conn = NULL;
    /* A second answer is refused. */
    cr_assert_eq(petls_store_answer(c->sconn, NULL, 0), -1);
    cr_assert_str_eq(petls_error(c->sconn),
                     "no session store lookup is pending on this connection");
}

static void async_store(uint32_t protocols)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct late l;
    struct tlsconn c;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    tstore_attach(s, f.scfg);
    s->async = 1;
    cr_assert_eq(rfx_conn(&f), 0);
    memset(&c, 0, sizeof(c));
    l.s = s;
    l.turns = 3;
    c.on_want_store = answer_late;
    c.want_store_arg = &l;
    cr_assert_eq(rfx_conn_offer(&f, f.sess, f.sess_len, &c), 1,
                 "no resumption after the late answer");
    cr_assert_eq(c.want_store_seen, 3, "PETLS_WANT_STORE seen %d times",
                 c.want_store_seen);
    cr_assert_eq(s->gets, 1);
    tlsconn_free(&c);
    rfx_free(&f);
    free(s);
}

Test(resume_store, async_answer_tls13)
{
    async_store(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_store, async_answer_tls12)
{
    async_store(PETLS_PROTOCOL_TLSv1_2);
}

/* A late miss: full handshake. */
Test(resume_store, async_miss_is_full_handshake)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct late l;
    struct tlsconn c;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    s->async = 1;
    s->n = 0; /* the store lost everything */
    memset(&c, 0, sizeof(c));
    l.s = s;
    l.turns = 1;
    c.on_want_store = answer_late;
    c.want_store_arg = &l;
    cr_assert_eq(rfx_conn_offer(&f, f.sess, f.sess_len, &c), 0);
    cr_assert_eq(c.want_store_seen, 1);
    tlsconn_free(&c);
    rfx_free(&f);
    free(s);
}

/* The handshake timeout still runs while the store is silent. A second
 * server with a 50 ms timeout (same store and key) waits for the session
 * the first one stored. */
Test(resume_store, timeout_while_waiting)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct petls_config *cfg2 = petls_config_new();
    struct petls *srv2 = petls_server();
    struct tlsconn c;
    uint8_t key[PETLS_STORE_KEY_SIZE];
    int rc = 0, i;

    memset(key, 0x33, sizeof(key));
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_store_key(f.scfg, key, sizeof(key)) ==
              0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);

    cr_assert(petls_config_set_keypair_file(cfg2, cert_path("server-ecdsa.pem"),
                                            cert_path("server-ecdsa.key")) ==
              0);
    cr_assert(petls_config_set_protocols(cfg2, PETLS_PROTOCOL_TLSv1_2) == 0);
    cr_assert(petls_config_set_session_tickets(cfg2, 0) == 0);
    cr_assert(petls_config_set_session_store_key(cfg2, key, sizeof(key)) == 0);
    cr_assert(petls_config_set_handshake_timeout(cfg2, 50) == 0);
    tstore_attach(s, cfg2);
    cr_assert(petls_configure(srv2, cfg2) == 0);
    s->async = 1;
    tlsconn_start(&c, srv2, f.ccfg, f.sess, f.sess_len, "localhost");
    cr_assert_eq(petls_handshake(c.client), PETLS_WANT_POLLIN);
    for (i = 0; i < 500; i++) {
        rc = petls_handshake(c.sconn);
        if (rc != PETLS_WANT_STORE)
            break;
        cr_assert_eq(petls_read(c.sconn, f.sess, 1), PETLS_WANT_STORE);
        {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(petls_error(c.sconn), "handshake timed out after 50 ms");
    cr_assert_eq(s->gets, 1);
    tlsconn_free(&c);
    petls_free(srv2);
    petls_config_free(cfg2);
    rfx_free(&f);
    free(s);
}

/* Blobs that do not open are a miss (and are removed); the server goes on
 * serving. */
static void bad_blob(int tamper, int truncate, uint32_t protocols)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    uint8_t first[RFX_SESS_MAX];
    size_t first_len;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    memcpy(first, f.sess, f.sess_len);
    first_len = f.sess_len;
    s->tamper = tamper;
    s->truncate = truncate;
    cr_assert_eq(rfx_conn_offer(&f, first, first_len, NULL), 0,
                 "a bad blob resumed");
    cr_assert_eq(s->get_hits, 1);
    cr_assert_eq(s->removes, 1, "the bad blob was not removed");
    /* The next client with a good session still resumes. */
    s->tamper = 0;
    s->truncate = 0;
    cr_assert_eq(rfx_conn(&f), 1);
    rfx_free(&f);
    free(s);
}

Test(resume_store, tampered_blob_tls12)
{
    bad_blob(1, 0, PETLS_PROTOCOL_TLSv1_2);
}

Test(resume_store, tampered_blob_tls13)
{
    bad_blob(1, 0, PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_store, truncated_blob_tls12)
{
    bad_blob(0, 1, PETLS_PROTOCOL_TLSv1_2);
}

/* Two servers share a store: with the same store key they resume each
 * other's sessions; with another key the blob does not open. */
Test(resume_store, store_key_shared_and_not)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct petls_config *other;
    struct petls *srv2;
    struct tlsconn c;
    uint8_t key[PETLS_STORE_KEY_SIZE];

    memset(key, 0x5a, sizeof(key));
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_store_key(f.scfg, key, sizeof(key)) ==
              0);
    cr_assert_eq(petls_config_set_session_store_key(f.scfg, key, 31), -1);
    cr_assert_str_eq(petls_config_error(f.scfg),
                     "session store key must be 32 bytes");
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);

    other = petls_config_new();
    cr_assert(
        petls_config_set_keypair_file(other, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_protocols(other, PETLS_PROTOCOL_TLSv1_2) == 0);
    cr_assert(petls_config_set_session_tickets(other, 0) == 0);
    cr_assert(petls_config_set_session_store_key(other, key, sizeof(key)) == 0);
    tstore_attach(s, other);
    srv2 = petls_server();
    cr_assert(petls_configure(srv2, other) == 0);
    tlsconn_start(&c, srv2, f.ccfg, f.sess, f.sess_len, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_eq(petls_conn_session_resumed(c.sconn), 1,
                 "second server did not resume the first one's session");
    cr_assert_eq(petls_conn_session_resumed(c.client), 1);
    tlsconn_free(&c);
    petls_free(srv2);
    petls_config_free(other);

    /* A third server with its own random store key. */
    other = petls_config_new();
    cr_assert(
        petls_config_set_keypair_file(other, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_protocols(other, PETLS_PROTOCOL_TLSv1_2) == 0);
    cr_assert(petls_config_set_session_tickets(other, 0) == 0);
    tstore_attach(s, other);
    srv2 = petls_server();
    cr_assert(petls_configure(srv2, other) == 0);
    tlsconn_start(&c, srv2, f.ccfg, f.sess, f.sess_len, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_eq(petls_conn_session_resumed(c.sconn), 0);
    cr_assert_eq(s->removes, 1);
    tlsconn_free(&c);
    petls_free(srv2);
    petls_config_free(other);
    rfx_free(&f);
    free(s);
}

Test(resume_store, store_needs_put_and_get)
{
    struct petls_config *c = petls_config_new();
    struct petls_session_store hooks;

    memset(&hooks, 0, sizeof(hooks));
    hooks.put = tstore_put;
    cr_assert_eq(petls_config_set_session_store(c, &hooks), -1);
    cr_assert_str_eq(petls_config_error(c), "session store needs put and get");
    cr_assert_eq(petls_config_set_session_store(c, NULL), 0);
    petls_config_free(c);
}

/* A first flight that is not a ClientHello goes to the backend as it is:
 * the error is the backend's, as without a store. */
static const char *not_tls_error(int with_store)
{
    static char msg[512];
    struct petls_config *cfg = petls_config_new();
    struct petls *srv = petls_server(), *conn = NULL;
    struct tstore *s = tstore_new();
    struct mempipe pipe;
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    int rc = PETLS_WANT_POLLIN, i;

    mempipe_init(&pipe);
    cr_assert(petls_config_set_keypair_file(cfg, cert_path("server-ecdsa.pem"),
                                            cert_path("server-ecdsa.key")) ==
              0);
    if (with_store)
        tstore_attach(s, cfg);
    cr_assert(petls_configure(srv, cfg) == 0);
    cr_assert(petls_accept_cbs(srv, &conn, mempipe_read, mempipe_write,
                               &pipe.server) == 0);
    cr_assert_eq(mempipe_write(NULL, req, sizeof(req) - 1, &pipe.client),
                 (ssize_t)(sizeof(req) - 1));
    for (i = 0; i < 10 && rc == PETLS_WANT_POLLIN; i++)
        rc = petls_handshake(conn);
    cr_assert_eq(rc, -1);
    cr_assert_eq(s->gets, 0);
    snprintf(msg, sizeof(msg), "%s", petls_error(conn));
    petls_free(conn);
    petls_free(srv);
    petls_config_free(cfg);
    mempipe_free(&pipe);
    free(s);
    return msg;
}

Test(resume_store, not_a_client_hello_goes_to_the_backend)
{
    char plain[512];

    snprintf(plain, sizeof(plain), "%s", not_tls_error(0));
    cr_assert(strlen(plain) > 0);
    cr_assert_str_eq(not_tls_error(1), plain);
}

/* A client that closes during the pre-parse. */
Test(resume_store, eof_during_preparse)
{
    struct petls_config *cfg = petls_config_new();
    struct petls *srv = petls_server(), *conn = NULL;
    struct tstore *s = tstore_new();
    struct mempipe pipe;

    mempipe_init(&pipe);
    cr_assert(petls_config_set_keypair_file(cfg, cert_path("server-ecdsa.pem"),
                                            cert_path("server-ecdsa.key")) ==
              0);
    tstore_attach(s, cfg);
    cr_assert(petls_configure(srv, cfg) == 0);
    cr_assert(petls_accept_cbs(srv, &conn, mempipe_read, mempipe_write,
                               &pipe.server) == 0);
    cr_assert_eq(mempipe_write(NULL, "\x16\x03\x01", 3, &pipe.client), 3);
    cr_assert_eq(petls_handshake(conn), PETLS_WANT_POLLIN);
    mempipe_close_write(&pipe.client);
    cr_assert_eq(petls_handshake(conn), -1);
    cr_assert_str_eq(petls_error(conn),
                     "handshake failed: connection closed by peer");
    cr_assert_eq(petls_close(conn), 0);
    petls_free(conn);
    petls_free(srv);
    petls_config_free(cfg);
    mempipe_free(&pipe);
    free(s);
}

/* Only connections that need it read the ClientHello ahead, and the
 * buffers go once the handshake is done (internal state checked). */
Test(resume_store, preparse_only_when_needed)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct tlsconn c;

    /* Stateless, no store: none. */
    rfx_init(&f, PETLS_PROTOCOLS_ALL);
    rfx_server(&f);
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "localhost");
    cr_assert_null(c.sconn->pre);
    cr_assert_not_null(c.sconn->conn);
    tlsconn_free(&c);
    rfx_free(&f);

    /* Stateful without TLS 1.3: the variant is known without looking. */
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    rfx_server(&f);
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "localhost");
    cr_assert_null(c.sconn->pre);
    tlsconn_free(&c);
    rfx_free(&f);

    /* A store: pre-parse, freed after the handshake. */
    rfx_init(&f, PETLS_PROTOCOLS_ALL);
    tstore_attach(s, f.scfg);
    rfx_server(&f);
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "localhost");
    cr_assert_not_null(c.sconn->pre);
    cr_assert_null(c.sconn->conn, "backend connection before the hello");
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_null(c.sconn->pre);
    tlsconn_free(&c);
    rfx_free(&f);
    free(s);
}

/* A TLS 1.2 server stores a new session under its ID before its
 * ChangeCipherSpec and Finished leave: once the client has its session it
 * may offer it at once to another process sharing the store (petls server
 * --workers with shm or Redis), which must find it (mbedTLS stores it in
 * the wrap-up, after the Finished). The store records how much the server
 * had written when put() ran; the handshake's last flight comes later. */
struct early_store {
    struct tstore s;
    const struct tlsconn *conn;
    size_t written_at_put; /* server bytes written when put() ran */
    int puts;
};

static int early_put(void *arg, const uint8_t *id, size_t id_len,
                     const uint8_t *blob, size_t blob_len, time_t expires)
{
    struct early_store *e = arg;

    e->puts++;
    e->written_at_put = e->conn->pipe.server.bytes_written;
    return tstore_put(&e->s, id, id_len, blob, blob_len, expires);
}

Test(resume_store, tls12_session_id_stored_before_finished)
{
    struct rfx f;
    struct early_store *e = calloc(1, sizeof(*e));
    struct petls_session_store hooks = {early_put, tstore_get, tstore_remove,
                                        NULL};
    struct tlsconn c;

    cr_assert_not_null(e);
    hooks.arg = e;
    e->conn = &c;
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.ccfg, 0) == 0);
    cr_assert(petls_config_set_session_store(f.scfg, &hooks) == 0);
    rfx_server(&f);
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0, "%s / %s", petls_error(c.client),
                 petls_error(c.sconn));
    cr_assert_eq(e->puts, 1, "put called %d times (once, not twice)", e->puts);
    cr_assert(e->written_at_put < c.pipe.server.bytes_written,
              "put ran after the server's Finished was written (%zu of %zu "
              "bytes)",
              e->written_at_put, c.pipe.server.bytes_written);
    cr_assert(e->written_at_put > 0, "put ran before the ServerHello");
    /* The session resumes from the store. */
    ssize_t n = petls_conn_session(c.client, f.sess, sizeof(f.sess));
    cr_assert(n > 0);
    f.sess_len = (size_t)n;
    tlsconn_free(&c);
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert_eq(e->s.get_hits, 1);
    cr_assert_eq(e->puts, 1, "a resumed handshake stores nothing");
    rfx_free(&f);
    free(e);
}
