/* TLS 1.2 renegotiation: Node's limiter, client- and server-initiated
 * renegotiation in memory, the ERR_TLS_SESSION_ATTACK ending, the setting
 * that refuses all, and TLS 1.3's refusal. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "nego.h"
#include "testcerts.h"
#include "tlspair.h"

/* ---- The limiter ---- */

Test(reneg_limiter, node_defaults)
{
    struct petls_reneg_limiter l;

    memset(&l, 0, sizeof(l));
    l.last_ms = 1000; /* the initial handshake */
    cr_assert_eq(petls_reneg_note(&l, 2000, 3, 600), 0);
    cr_assert_eq(petls_reneg_note(&l, 3000, 3, 600), 0);
    cr_assert_eq(petls_reneg_note(&l, 4000, 3, 600), 0);
    cr_assert_eq(l.count, 3);
    cr_assert_eq(petls_reneg_note(&l, 5000, 3, 600), -1);
    cr_assert_eq(l.count, 4);
    cr_assert_eq(l.total, 4);
}

Test(reneg_limiter, quiet_gap_starts_a_new_window)
{
    struct petls_reneg_limiter l;

    memset(&l, 0, sizeof(l));
    l.last_ms = 0;
    cr_assert_eq(petls_reneg_note(&l, 1000, 2, 10), 0);
    cr_assert_eq(petls_reneg_note(&l, 2000, 2, 10), 0);
    /* 10 s exactly since the last one: still the same window. */
    cr_assert_eq(petls_reneg_note(&l, 12000, 2, 10), -1);
    memset(&l, 0, sizeof(l));
    cr_assert_eq(petls_reneg_note(&l, 1000, 2, 10), 0);
    cr_assert_eq(petls_reneg_note(&l, 2000, 2, 10), 0);
    /* More than 10 s of quiet: counting starts again. */
    cr_assert_eq(petls_reneg_note(&l, 12001, 2, 10), 0);
    cr_assert_eq(l.count, 1);
    cr_assert_eq(l.total, 3);
}

Test(reneg_limiter, zero_refuses_the_first)
{
    struct petls_reneg_limiter l;

    memset(&l, 0, sizeof(l));
    cr_assert_eq(petls_reneg_note(&l, 5, 0, 600), -1);
}

Test(reneg_limiter, config_checks)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_set_reneg_limit(c, 3, 0), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "renegotiation window must be at least 1 s");
    cr_assert_eq(petls_config_set_reneg_limit(c, 0, 1), 0);
    petls_config_free(c);
}

/* ---- In memory ---- */

struct reneg_seen {
    int calls;
    unsigned int last_count;
    int refused;
};

static void reneg_cb(struct petls *conn, unsigned int count, int refused,
                     void *arg)
{
    struct reneg_seen *s = arg;

    cr_assert_not_null(conn);
    s->calls++;
    s->last_count = count;
    s->refused = refused;
}

static void start_tls12(struct tlspair *p)
{
    cr_assert_eq(petls_config_set_protocols(p->ccfg, PETLS_PROTOCOL_TLSv1_2),
                 0);
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "client '%s', server '%s'",
                 petls_error(p->client), petls_error(p->sconn));
    cr_assert_str_eq(petls_conn_version(p->client), "TLSv1.2");
}

/* The client renegotiates while the server reads. Returns the client's
 * final petls_renegotiate result; *srv gets the server's last read. */
static int renegotiates(struct petls *client, struct petls *sconn,
                        ssize_t *srv)
{
    char buf[64];
    int rc = PETLS_WANT_POLLIN, round;

    *srv = PETLS_WANT_POLLIN;
    for (round = 0; round < 100; round++) {
        rc = petls_renegotiate(client, -1);
        if (rc != PETLS_WANT_POLLIN && rc != PETLS_WANT_POLLOUT)
            break;
        *srv = petls_read(sconn, buf, sizeof(buf));
        if (*srv != PETLS_WANT_POLLIN && *srv != PETLS_WANT_POLLOUT)
            break;
    }
    if (rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT)
        rc = petls_renegotiate(client, -1);
    return rc;
}

static int client_renegotiates(struct tlspair *p, ssize_t *srv)
{
    return renegotiates(p->client, p->sconn, srv);
}

Test(reneg, client_initiated_then_session_attack)
{
    struct reneg_seen seen = {0, 0, 0};
    struct tlspair p;
    ssize_t srv;
    int i, rc;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_reneg_limit(p.scfg, 2, 600), 0);
    cr_assert_eq(petls_config_set_reneg_cb(p.scfg, reneg_cb, &seen), 0);
    start_tls12(&p);
    for (i = 1; i <= 2; i++) {
        rc = client_renegotiates(&p, &srv);
        cr_assert_eq(rc, 0, "renegotiation %d: %s", i, petls_error(p.client));
        cr_assert_eq(seen.calls, i);
        cr_assert_eq(seen.last_count, (unsigned)i);
        cr_assert_eq(seen.refused, 0);
        /* The server counts it once it reads past the handshake. */
        tlspair_transfer(p.client, p.sconn, "x", 1);
        cr_assert_eq(petls_conn_renegotiations(p.client), i);
        cr_assert_eq(petls_conn_renegotiations(p.sconn), i);
    }
    /* The third within the window ends the connection. */
    rc = client_renegotiates(&p, &srv);
    cr_assert_eq(rc, -1);
    cr_assert_eq(srv, -1);
    cr_assert_eq(seen.calls, 3);
    cr_assert_eq(seen.refused, 1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "ERR_TLS_SESSION_ATTACK: TLS session renegotiation "
                     "attack detected (more than 2 renegotiations in 600 s)");
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: peer sent fatal alert handshake_failure");
    tlspair_free(&p);
}

/* A server refuses renegotiation by default (set_default) or when turned
 * off; the connection goes on. */
static void refuses_and_connection_goes_on(int set_off)
{
    struct reneg_seen seen = {0, 0, 0};
    struct tlspair p;
    ssize_t srv;
    int rc;

    tlspair_init(&p);
    if (set_off)
        cr_assert_eq(petls_config_set_renegotiation(p.scfg, 0), 0);
    cr_assert_eq(petls_config_set_reneg_cb(p.scfg, reneg_cb, &seen), 0);
    start_tls12(&p);
    /* The server cannot ask either. */
    cr_assert_eq(petls_renegotiate(p.sconn, -1), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "renegotiate: renegotiation is disabled");
    rc = client_renegotiates(&p, &srv);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: the server refused (no_renegotiation "
                     "alert)");
    cr_assert_eq(seen.calls, 0);
    cr_assert_eq(petls_conn_renegotiations(p.sconn), 0);
    tlspair_free(&p);
}

Test(reneg, disabled_refuses_and_connection_goes_on)
{
    refuses_and_connection_goes_on(1);
}

Test(reneg, server_refuses_by_default)
{
    refuses_and_connection_goes_on(0);
}

/* Turned on without a limit: Node's 3 per 600 s. */
Test(reneg, enabled_has_node_limit)
{
    struct reneg_seen seen = {0, 0, 0};
    struct tlspair p;
    ssize_t srv;
    int i, rc;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    cr_assert_eq(petls_config_set_reneg_cb(p.scfg, reneg_cb, &seen), 0);
    start_tls12(&p);
    for (i = 1; i <= PETLS_RENEG_LIMIT_DEFAULT; i++) {
        rc = client_renegotiates(&p, &srv);
        cr_assert_eq(rc, 0, "renegotiation %d: %s", i, petls_error(p.client));
        tlspair_transfer(p.client, p.sconn, "x", 1);
    }
    rc = client_renegotiates(&p, &srv);
    cr_assert_eq(rc, -1);
    cr_assert_eq(seen.refused, 1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "ERR_TLS_SESSION_ATTACK: TLS session renegotiation "
                     "attack detected (more than 3 renegotiations in 600 s)");
    tlspair_free(&p);
}

Test(reneg, tls13_has_none)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_conn_version(p.client), "TLSv1.3");
    cr_assert_eq(petls_renegotiate(p.client, -1), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: TLS 1.3 has no renegotiation");
    cr_assert_eq(petls_renegotiate(p.sconn, PETLS_VERIFY_CLIENT_REQUIRE), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "renegotiate: TLS 1.3 has no renegotiation");
    /* Still usable. */
    tlspair_transfer(p.client, p.sconn, "still here", 10);
    tlspair_free(&p);
}

Test(reneg, before_handshake_and_bad_mode)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_renegotiate(p.client, -1), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: the handshake is not complete");
    cr_assert_eq(tlspair_handshake(&p), 0);
    cr_assert_eq(petls_renegotiate(p.sconn, 7), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "renegotiate: invalid client verification mode 7");
    tlspair_free(&p);
}

/* Node's renegotiate({requestCert: true}): the server asks for a client
 * certificate after the handshake. */
Test(reneg, server_asks_for_client_cert_late)
{
    struct tlspair p;
    char buf[64];
    int round;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    cr_assert_eq(petls_config_set_ca_file(p.scfg, cert_path("ca.pem")), 0);
    cr_assert_eq(petls_config_set_keypair_file(p.ccfg, cert_path("client.pem"),
                                               cert_path("client.key")),
                 0, "%s", petls_config_error(p.ccfg));
    start_tls12(&p);
    cr_assert_eq(petls_peer_cert_provided(p.sconn), 0);
    cr_assert_eq(petls_renegotiate(p.sconn, PETLS_VERIFY_CLIENT_REQUIRE), 0,
                 "%s", petls_error(p.sconn));
    for (round = 0; round < 50 && (petls_conn_renegotiations(p.sconn) == 0 ||
                                   petls_conn_renegotiations(p.client) == 0);
         round++) {
        ssize_t c = petls_read(p.client, buf, sizeof(buf));
        ssize_t s = petls_read(p.sconn, buf, sizeof(buf));
        cr_assert(c == PETLS_WANT_POLLIN || c == PETLS_WANT_POLLOUT,
                  "client read %zd: %s", c, petls_error(p.client));
        cr_assert(s == PETLS_WANT_POLLIN || s == PETLS_WANT_POLLOUT,
                  "server read %zd: %s", s, petls_error(p.sconn));
    }
    cr_assert_eq(petls_conn_renegotiations(p.sconn), 1);
    cr_assert_eq(petls_conn_renegotiations(p.client), 1);
    cr_assert_eq(petls_peer_cert_provided(p.sconn), 1);
    cr_assert(strstr(petls_peer_cert_subject(p.sconn), "CN=petls-client") !=
                  NULL,
              "%s", petls_peer_cert_subject(p.sconn));
    cr_assert_eq(petls_conn_authorized(p.sconn), 1, "%s",
                 petls_conn_authorization_error(p.sconn));
    tlspair_transfer(p.client, p.sconn, "after", 5);
    tlspair_transfer(p.sconn, p.client, "after", 5);
    tlspair_free(&p);
}

/* Node's disableRenegotiation(): one connection of a config that allows
 * renegotiation refuses it exactly as a config with renegotiation off
 * does; a second connection of the same server context goes on
 * renegotiating. */
static void disable_one_of_two(int before_handshake)
{
    struct reneg_seen seen = {0, 0, 0};
    struct tlspair p;
    struct tlsconn c2;
    ssize_t srv;
    int rc;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    cr_assert_eq(petls_config_set_reneg_cb(p.scfg, reneg_cb, &seen), 0);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_2),
                 0);
    tlspair_start(&p, "localhost");
    if (before_handshake)
        cr_assert_eq(petls_conn_disable_renegotiation(p.sconn), 0);
    cr_assert_eq(tlspair_handshake(&p), 0, "client '%s', server '%s'",
                 petls_error(p.client), petls_error(p.sconn));
    if (!before_handshake)
        cr_assert_eq(petls_conn_disable_renegotiation(p.sconn), 0, "%s",
                     petls_error(p.sconn));
    /* Twice is fine. */
    cr_assert_eq(petls_conn_disable_renegotiation(p.sconn), 0);

    tlsconn_start(&c2, p.server, p.ccfg, NULL, 0, "localhost");
    cr_assert_eq(tlsconn_handshake(&c2), 0);

    cr_assert_eq(petls_renegotiate(p.sconn, -1), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "renegotiate: renegotiation is disabled");
    rc = client_renegotiates(&p, &srv);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: the server refused (no_renegotiation "
                     "alert)");
    cr_assert_eq(seen.calls, 0);
    cr_assert_eq(petls_conn_renegotiations(p.sconn), 0);

    /* The other connection of the same config is not affected. */
    rc = renegotiates(c2.client, c2.sconn, &srv);
    cr_assert_eq(rc, 0, "%s", petls_error(c2.client));
    cr_assert_eq(seen.calls, 1);
    tlspair_transfer(c2.client, c2.sconn, "x", 1);
    cr_assert_eq(petls_conn_renegotiations(c2.sconn), 1);
    tlsconn_free(&c2);
    tlspair_free(&p);
}

Test(reneg, disable_one_connection_after_handshake)
{
    disable_one_of_two(0);
}

Test(reneg, disable_one_connection_before_handshake)
{
    disable_one_of_two(1);
}

/* A server with an ALPN choice of its own already has a config copy. */
Test(reneg, disable_with_alpn)
{
    struct tlspair p;
    ssize_t srv;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    cr_assert_eq(petls_config_set_alpn(p.scfg, "h2,http/1.1"), 0);
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "http/1.1"), 0);
    start_tls12(&p);
    cr_assert_str_eq(petls_conn_alpn_selected(p.sconn), "http/1.1");
    cr_assert_eq(petls_conn_disable_renegotiation(p.sconn), 0);
    cr_assert_eq(client_renegotiates(&p, &srv), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: the server refused (no_renegotiation "
                     "alert)");
    tlspair_free(&p);
}

/* A client's HelloRequest refusal, per connection as with the config's
 * set_renegotiation(c, 0): the server's renegotiation never completes
 * and both go on exchanging data. */
static void client_refuses_hello_request(int per_conn)
{
    struct tlspair p;
    char buf[64];
    int round;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    if (!per_conn)
        cr_assert_eq(petls_config_set_renegotiation(p.ccfg, 0), 0);
    start_tls12(&p);
    if (per_conn)
        cr_assert_eq(petls_conn_disable_renegotiation(p.client), 0);
    cr_assert_eq(petls_renegotiate(p.client, -1), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "renegotiate: renegotiation is disabled");
    cr_assert_eq(petls_renegotiate(p.sconn, -1), 0, "%s",
                 petls_error(p.sconn));
    for (round = 0; round < 10; round++) {
        ssize_t c = petls_read(p.client, buf, sizeof(buf));
        ssize_t s = petls_read(p.sconn, buf, sizeof(buf));
        cr_assert(c == PETLS_WANT_POLLIN || c == PETLS_WANT_POLLOUT,
                  "client read %zd: %s", c, petls_error(p.client));
        cr_assert(s == PETLS_WANT_POLLIN || s == PETLS_WANT_POLLOUT,
                  "server read %zd: %s", s, petls_error(p.sconn));
    }
    cr_assert_eq(petls_conn_renegotiations(p.client), 0);
    cr_assert_eq(petls_conn_renegotiations(p.sconn), 0);
    tlspair_transfer(p.client, p.sconn, "after", 5);
    tlspair_free(&p);
}

Test(reneg, client_config_refuses_hello_request)
{
    client_refuses_hello_request(0);
}

Test(reneg, client_conn_refuses_hello_request)
{
    client_refuses_hello_request(1);
}

Test(reneg, disable_null)
{
    cr_assert_eq(petls_conn_disable_renegotiation(NULL), -1);
}
