/* TLS 1.3 psk_ke resumption (petls_config_set_tls13_psk_ke): a server that
 * allows it prefers it when the client offers it with a ticket the server
 * accepts, in stateless and stateful modes (built-in cache and external
 * store); otherwise psk_dhe_ke, or a full handshake for a ticket it
 * refuses. Each connection is checked on the wire too: the ClientHello
 * (parsed with the engine's parser) offers both modes and a key share, and
 * a psk_ke ServerHello carries pre_shared_key and no key_share. */
#include "test_resume_util.h"

#include "client_hello.h"

#define EXT_PRE_SHARED_KEY 41
#define EXT_KEY_SHARE 51

/* What one connection showed. */
struct seen {
    int resumed;
    int server_psk_ke; /* petls_conn_session_psk_ke(), server side */
    int client_psk_ke; /* the same on the client: always 0 */
    unsigned int ch_modes;
    int ch_key_share;
    int ch_identities;
    int sh_key_share;
    int sh_psk;
    uint8_t ticket[16]; /* the first offered identity's first bytes */
    size_t ticket_len;
};

static size_t be16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

/* Finds extension type in a ServerHello at the start of the server's
 * first flight (plaintext: one record, one handshake message). */
static int server_hello_has(const uint8_t *d, size_t n, size_t type)
{
    size_t pos = 5 + 4 + 2 + 32, end;

    cr_assert(n > pos + 1 && d[0] == 22 && d[5] == 2,
              "the server's flight does not start with a ServerHello");
    pos += 1 + d[pos]; /* legacy_session_id_echo */
    pos += 2 + 1;      /* cipher_suite, compression */
    cr_assert(n >= pos + 2);
    end = pos + 2 + be16(d + pos);
    cr_assert(end <= n && end <= 5 + be16(d + 3));
    for (pos += 2; pos + 4 <= end; pos += 4 + be16(d + pos + 2)) {
        if (be16(d + pos) == type)
            return 1;
    }
    return 0;
}

/* The length of the client_shares in a ClientHello body (0: no
 * key_share); the engine's parser has no use for them. */
static size_t client_hello_key_shares(const uint8_t *m, size_t n)
{
    size_t pos = 2 + 32, end;

    pos += 1 + m[pos];        /* legacy_session_id */
    pos += 2 + be16(m + pos); /* cipher_suites */
    pos += 1 + m[pos];        /* legacy_compression_methods */
    end = pos + 2 + be16(m + pos);
    cr_assert(end <= n);
    for (pos += 2; pos + 4 <= end; pos += 4 + be16(m + pos + 2)) {
        if (be16(m + pos) == EXT_KEY_SHARE)
            return be16(m + pos + 4);
    }
    return 0;
}

/* Like rfx_conn_offer, stepping the first two handshake calls by hand to
 * look at the ClientHello and the ServerHello. */
static struct seen conn_seen(struct rfx *f, const uint8_t *session, size_t len)
{
    struct tlsconn c;
    struct petls_client_hello ch;
    struct seen s;
    uint8_t hello[4096], scratch[PETLS_CH_MAX_FLIGHT];
    const uint8_t *msg;
    size_t hello_len, msg_len;
    char err[128];
    ssize_t n;

    memset(&s, 0, sizeof(s));
    if (f->server == NULL)
        rfx_server(f);
    tlsconn_start(&c, f->server, f->ccfg, session, len, "localhost");
    c.client_rc = petls_handshake(c.client);
    cr_assert_eq(c.client_rc, PETLS_WANT_POLLIN, "%s", petls_error(c.client));
    hello_len = c.pipe.c2s.len;
    cr_assert(hello_len > 0 && hello_len <= sizeof(hello));
    memcpy(hello, c.pipe.c2s.data, hello_len);
    cr_assert_eq(petls_client_hello_collect(hello, hello_len, scratch,
                                            sizeof(scratch), &msg, &msg_len,
                                            err, sizeof(err)),
                 1, "%s", err);
    cr_assert_eq(petls_client_hello_parse(msg, msg_len, &ch, err, sizeof(err)),
                 0, "%s", err);
    s.ch_modes = ch.psk_modes;
    s.ch_identities = (int)ch.n_psk_identities;
    if (ch.n_psk_identities > 0) {
        s.ticket_len = ch.psk_identity_len[0] < sizeof(s.ticket)
                           ? ch.psk_identity_len[0]
                           : sizeof(s.ticket);
        memcpy(s.ticket, ch.psk_identity[0], s.ticket_len);
    }
    s.ch_key_share = client_hello_key_shares(msg, msg_len) > 0;

    c.server_rc = petls_handshake(c.sconn);
    cr_assert_eq(c.server_rc, PETLS_WANT_POLLIN, "%s", petls_error(c.sconn));
    s.sh_key_share =
        server_hello_has(c.pipe.s2c.data, c.pipe.s2c.len, EXT_KEY_SHARE);
    s.sh_psk =
        server_hello_has(c.pipe.s2c.data, c.pipe.s2c.len, EXT_PRE_SHARED_KEY);

    cr_assert_eq(tlsconn_handshake(&c), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 c.client_rc, petls_error(c.client), c.server_rc,
                 petls_error(c.sconn));
    tlsconn_pingpong(&c);
    s.resumed = petls_conn_session_resumed(c.client);
    cr_assert_eq(petls_conn_session_resumed(c.sconn), s.resumed);
    s.server_psk_ke = petls_conn_session_psk_ke(c.sconn);
    s.client_psk_ke = petls_conn_session_psk_ke(c.client);
    n = petls_conn_session(c.client, NULL, 0);
    if (n > 0) {
        cr_assert(n <= RFX_SESS_MAX);
        cr_assert_eq(petls_conn_session(c.client, f->sess, sizeof(f->sess)), n);
        f->sess_len = (size_t)n;
    }
    tlsconn_free(&c);
    return s;
}

static struct seen next_conn(struct rfx *f)
{
    return conn_seen(f, f->sess_len ? f->sess : NULL, f->sess_len);
}

static void assert_full(const struct seen *s, const char *what)
{
    cr_assert_eq(s->resumed, 0, "%s: resumed", what);
    cr_assert_eq(s->server_psk_ke, 0, "%s: psk_ke reported", what);
    cr_assert(s->sh_key_share && !s->sh_psk,
              "%s: ServerHello key_share %d pre_shared_key %d", what,
              s->sh_key_share, s->sh_psk);
}

static void assert_psk_ke(const struct seen *s, const char *what)
{
    cr_assert_eq(s->resumed, 1, "%s: did not resume", what);
    cr_assert_eq(s->server_psk_ke, 1, "%s: server does not report psk_ke",
                 what);
    cr_assert_eq(s->client_psk_ke, 0, "%s: a client cannot tell", what);
    /* The client left the choice to the server. */
    cr_assert_eq(s->ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE,
                 "%s: client offered modes %#x", what, s->ch_modes);
    cr_assert(s->ch_key_share, "%s: client sent no key share", what);
    cr_assert(s->sh_psk && !s->sh_key_share,
              "%s: ServerHello key_share %d pre_shared_key %d", what,
              s->sh_key_share, s->sh_psk);
}

static void assert_psk_dhe_ke(const struct seen *s, const char *what)
{
    cr_assert_eq(s->resumed, 1, "%s: did not resume", what);
    cr_assert_eq(s->server_psk_ke, 0, "%s: psk_ke reported", what);
    cr_assert(s->sh_psk && s->sh_key_share,
              "%s: ServerHello key_share %d pre_shared_key %d", what,
              s->sh_key_share, s->sh_psk);
}

/* A client config like rfx_init's. */
static struct petls_config *client_config(int psk_ke)
{
    struct petls_config *c = petls_config_new();

    cr_assert_not_null(c);
    cr_assert(petls_config_set_ca_file(c, cert_path("ca.pem")) == 0);
    cr_assert(petls_config_set_protocols(c, PETLS_PROTOCOL_TLSv1_3) == 0);
    cr_assert(petls_config_set_tls13_psk_ke(c, psk_ke) == 0);
    return c;
}

static void init13(struct rfx *f, int server_psk_ke, int client_psk_ke)
{
    rfx_init(f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_tls13_psk_ke(f->scfg, server_psk_ke) == 0);
    cr_assert(petls_config_set_tls13_psk_ke(f->ccfg, client_psk_ke) == 0);
}

/* Full handshake, then psk_ke twice (the second with the ticket the first
 * resumption issued). */
static void psk_ke_chain(struct rfx *f)
{
    struct seen s;

    s = next_conn(f);
    assert_full(&s, "first");
    cr_assert(f->sess_len > 0, "the client got no session");
    s = next_conn(f);
    assert_psk_ke(&s, "second");
    s = next_conn(f);
    assert_psk_ke(&s, "third");
}

Test(resume_psk_ke, stateless)
{
    struct rfx f;

    init13(&f, 1, 1);
    psk_ke_chain(&f);
    rfx_free(&f);
}

Test(resume_psk_ke, stateful_cache)
{
    struct rfx f;

    init13(&f, 1, 1);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    psk_ke_chain(&f);
    rfx_free(&f);
}

Test(resume_psk_ke, stateful_store)
{
    struct rfx f;
    struct tstore *st = tstore_new();

    init13(&f, 1, 1);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    tstore_attach(st, f.scfg);
    psk_ke_chain(&f);
    cr_assert(st->get_hits >= 2, "store hits %d", st->get_hits);
    rfx_free(&f);
    free(st);
}

/* A server without the option keeps mbedTLS's order: psk_dhe_ke. */
Test(resume_psk_ke, server_without_option)
{
    struct rfx f;
    struct seen s;

    init13(&f, 0, 1);
    s = next_conn(&f);
    assert_full(&s, "first");
    s = next_conn(&f);
    assert_psk_dhe_ke(&s, "second");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE);
    rfx_free(&f);
}

/* A client without it offers psk_dhe_ke only. */
Test(resume_psk_ke, client_without_option)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    s = next_conn(&f);
    assert_psk_dhe_ke(&s, "second");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_DHE_KE);
    rfx_free(&f);
}

/* A ticket issued while the client did not allow psk_ke does not allow it
 * later (mbedTLS records the client's modes in the ticket): psk_dhe_ke. */
Test(resume_psk_ke, ticket_from_a_psk_dhe_only_client)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    petls_config_free(f.ccfg);
    f.ccfg = client_config(1);
    s = next_conn(&f);
    assert_psk_dhe_ke(&s, "second");
    /* That resumption issued a ticket to a client allowing psk_ke. */
    s = next_conn(&f);
    assert_psk_ke(&s, "third");
    rfx_free(&f);
}

/* A tampered ticket with psk_ke offered: a full handshake, and the server
 * goes on (the next client resumes in psk_ke). The ticket is found in the
 * session bytes by its first bytes, as the ClientHello offering it showed
 * (stateful tickets are random ids, stateless ones start with the random
 * key name). */
static void tampered(int tickets)
{
    struct rfx f;
    struct seen s;
    uint8_t first[RFX_SESS_MAX], bad[RFX_SESS_MAX];
    size_t i, first_len;
    int found = 0;

    init13(&f, 1, 1);
    cr_assert(petls_config_set_session_tickets(f.scfg, tickets) == 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    first_len = f.sess_len;
    memcpy(first, f.sess, first_len);
    s = next_conn(&f);
    assert_psk_ke(&s, "second");
    cr_assert_eq(s.ticket_len, sizeof(s.ticket));
    memcpy(bad, first, first_len);
    for (i = 0; i + sizeof(s.ticket) <= first_len; i++) {
        if (memcmp(bad + i, s.ticket, sizeof(s.ticket)) == 0) {
            bad[i + 10] ^= 0x80;
            found = 1;
            break;
        }
    }
    cr_assert(found, "the ticket is not in the session bytes");
    s = conn_seen(&f, bad, first_len);
    cr_assert_eq(s.ch_identities, 1, "the tampered ticket was not offered");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE);
    assert_full(&s, "tampered");
    /* The server goes on: the ticket that full handshake issued resumes
     * in psk_ke. */
    s = next_conn(&f);
    assert_psk_ke(&s, "after the tampered one");
    rfx_free(&f);
}

Test(resume_psk_ke, tampered_ticket_stateless)
{
    tampered(1);
}

Test(resume_psk_ke, tampered_ticket_stateful)
{
    tampered(0);
}

/* Replaces the server by another one allowing psk_ke (its own ticket keys,
 * its own cache), in stateless (tickets 1) or stateful mode. */
static void another_server(struct rfx *f, int tickets)
{
    petls_free(f->server);
    f->server = NULL;
    petls_config_free(f->scfg);
    f->scfg = petls_config_new();
    cr_assert_not_null(f->scfg);
    cr_assert(
        petls_config_set_keypair_file(f->scfg, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_protocols(f->scfg, PETLS_PROTOCOL_TLSv1_3) == 0);
    cr_assert(petls_config_set_tls13_psk_ke(f->scfg, 1) == 0);
    cr_assert(petls_config_set_session_tickets(f->scfg, tickets) == 0);
}

/* A ticket from another server with psk_ke offered: a full handshake. */
static void unknown(int tickets)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, 1);
    cr_assert(petls_config_set_session_tickets(f.scfg, tickets) == 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    another_server(&f, tickets);
    s = next_conn(&f);
    cr_assert_eq(s.ch_identities, 1, "the client offered no ticket");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE);
    assert_full(&s, "unknown ticket");
    s = next_conn(&f);
    assert_psk_ke(&s, "with this server's ticket");
    rfx_free(&f);
}

Test(resume_psk_ke, unknown_ticket_stateless)
{
    unknown(1);
}

Test(resume_psk_ke, unknown_ticket_stateful)
{
    unknown(0);
}

/* TLS 1.2 is unaffected by the option. */
Test(resume_psk_ke, tls12_unaffected)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_tls13_psk_ke(f.scfg, 1) == 0);
    cr_assert(petls_config_set_tls13_psk_ke(f.ccfg, 1) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1);
    rfx_free(&f);
}

/* ---- A client offering psk_ke alone (PETLS_TLS13_PSK_KE_ONLY) ---- */

static void assert_psk_ke_only(const struct seen *s, const char *what)
{
    cr_assert_eq(s->resumed, 1, "%s: did not resume", what);
    cr_assert_eq(s->server_psk_ke, 1, "%s: server does not report psk_ke",
                 what);
    cr_assert_eq(s->client_psk_ke, 1, "%s: client does not report psk_ke",
                 what);
    cr_assert_eq(s->ch_modes, PETLS_CH_PSK_KE, "%s: client offered modes %#x",
                 what, s->ch_modes);
    cr_assert_eq(s->ch_identities, 1, "%s: no ticket offered", what);
    cr_assert_eq(s->ch_key_share, 0, "%s: client sent a key share", what);
    cr_assert(s->sh_psk && !s->sh_key_share,
              "%s: ServerHello key_share %d pre_shared_key %d", what,
              s->sh_key_share, s->sh_psk);
}

/* The first, full handshake offers every mode and a key share (the ticket
 * then allows psk_ke); each resumption offers psk_ke alone. */
static void only_chain(int tickets)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, PETLS_TLS13_PSK_KE_ONLY);
    cr_assert(petls_config_set_session_tickets(f.scfg, tickets) == 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE);
    cr_assert(s.ch_key_share, "a full handshake needs a key share");
    cr_assert_eq(s.client_psk_ke, 0);
    s = next_conn(&f);
    assert_psk_ke_only(&s, "second");
    /* With the ticket that resumption issued. */
    s = next_conn(&f);
    assert_psk_ke_only(&s, "third");
    rfx_free(&f);
}

Test(resume_psk_ke, only_client_stateless)
{
    only_chain(1);
}

Test(resume_psk_ke, only_client_stateful)
{
    only_chain(0);
}

/* A ticket that does not allow psk_ke (received while the client did not
 * allow it): an ONLY client offers both modes and a key share, and
 * resumes in psk_dhe_ke from a server without psk_ke. */
Test(resume_psk_ke, only_client_ticket_without_psk_ke)
{
    struct rfx f;
    struct seen s;

    init13(&f, 0, 0);
    s = next_conn(&f);
    assert_full(&s, "first");
    petls_config_free(f.ccfg);
    f.ccfg = client_config(PETLS_TLS13_PSK_KE_ONLY);
    s = next_conn(&f);
    assert_psk_dhe_ke(&s, "second");
    cr_assert_eq(s.ch_modes, PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE);
    cr_assert(s.ch_key_share);
    cr_assert_eq(s.client_psk_ke, 0);
    rfx_free(&f);
}

/* The fallback: a server that does not allow psk_ke cannot answer a
 * ClientHello with psk_ke alone and no key share, so the handshake fails
 * (the client's error names the server's alert); the client then connects
 * without the session, in a full handshake. */
static void only_refused(struct rfx *f)
{
    struct tlsconn c;
    int rc;

    tlsconn_start(&c, f->server, f->ccfg, f->sess, f->sess_len, "localhost");
    rc = tlsconn_handshake(&c);
    cr_assert_neq(rc, 0,
                  "a psk_ke-only offer to a server refusing psk_ke "
                  "completed");
    cr_assert_str_eq(petls_error(c.client),
                     "handshake: peer sent fatal alert missing_extension "
                     "(psk_ke alone was offered with the TLS 1.3 session: "
                     "the server refused psk_ke or the ticket; connect "
                     "again without it)");
    cr_assert_str_eq(petls_error(c.sconn),
                     "handshake failed (mbed TLS: SSL - A field in a message "
                     "was incorrect or inconsistent with other fields) (sent "
                     "alert missing_extension)");
    tlsconn_free(&c);
    cr_assert_eq(rfx_conn_offer(f, NULL, 0, NULL), 0);
}

Test(resume_psk_ke, only_client_server_without_option)
{
    struct rfx f;
    struct seen s;

    init13(&f, 0, PETLS_TLS13_PSK_KE_ONLY);
    s = next_conn(&f);
    assert_full(&s, "first");
    only_refused(&f);
    rfx_free(&f);
}

/* A server that allows psk_ke but cannot open the ticket (another
 * server's): the same failure. */
Test(resume_psk_ke, only_client_unknown_ticket)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, PETLS_TLS13_PSK_KE_ONLY);
    s = next_conn(&f);
    assert_full(&s, "first");
    another_server(&f, 1);
    rfx_server(&f);
    only_refused(&f);
    rfx_free(&f);
}

/* The value: 2 is ONLY, any other non-zero value ALLOW (as before). */
Test(resume_psk_ke, mode_values)
{
    struct rfx f;
    struct seen s;

    init13(&f, 1, 7);
    s = next_conn(&f);
    assert_full(&s, "first");
    s = next_conn(&f);
    assert_psk_ke(&s, "second");
    rfx_free(&f);
}
