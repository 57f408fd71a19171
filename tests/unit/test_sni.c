/* Virtual hosts in memory: SNI contexts (exact, wildcard), strict mode, the
 * SNI callback (at once and answering later), per-context client
 * verification, libtls's keypair choice by name, both TLS versions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petls_features.h"
#include "testcerts.h"
#include "tlspair.h"

/* Is the peer's leaf the first certificate of pemfile? */
static int peer_is(struct petls *ctx, const char *pemfile)
{
    size_t want_len, got_len;
    unsigned char *want = cert_first_der(pemfile, &want_len);
    const uint8_t *got = petls_peer_cert_der(ctx, &got_len);
    int same =
        got != NULL && got_len == want_len && memcmp(got, want, want_len) == 0;

    free(want);
    return same;
}

static struct petls_config *host_config(const char *cert, const char *key)
{
    struct petls_config *c = petls_config_new();

    cr_assert_not_null(c);
    cr_assert_eq(
        petls_config_set_keypair_file(c, cert_path(cert), cert_path(key)), 0,
        "%s", petls_config_error(c));
    return c;
}

/* Server: default ECDSA; "rsa.petls.test" -> RSA; "*.wild.petls.test" ->
 * wrongname (whose name the client then does not verify). */
static void setup_hosts(struct tlspair *p, uint32_t proto)
{
    struct petls_config *rsa = host_config("server-rsa.pem", "server-rsa.key");

    tlspair_init(p);
    cr_assert_eq(petls_config_add_sni_context(p->scfg, "RSA.petls.test", rsa),
                 0, "%s", petls_config_error(p->scfg));
    petls_config_free(rsa); /* the server config keeps its reference */
    cr_assert_eq(petls_config_set_protocols(p->ccfg, proto), 0);
}

static void expect_ok(struct tlspair *p)
{
    cr_assert_eq(tlspair_handshake(p), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 p->client_rc, petls_error(p->client), p->server_rc,
                 petls_error(p->sconn));
}

static void exact_context(uint32_t proto, const char *version)
{
    struct tlspair p;

    setup_hosts(&p, proto);
    tlspair_start(&p, "rsa.petls.test");
    expect_ok(&p);
    cr_assert_str_eq(petls_conn_version(p.client), version);
    cr_assert(peer_is(p.client, "server-rsa.pem"), "not the RSA context");
    cr_assert_str_eq(petls_conn_servername(p.sconn), "rsa.petls.test");
    cr_assert_str_eq(petls_conn_servername(p.client), "rsa.petls.test");
    tlspair_free(&p);
}

Test(sni, exact_context_tls13)
{
    exact_context(PETLS_PROTOCOL_TLSv1_3, "TLSv1.3");
}

Test(sni, exact_context_tls12)
{
    exact_context(PETLS_PROTOCOL_TLSv1_2, "TLSv1.2");
}

static void unknown_name_default(uint32_t proto)
{
    struct tlspair p;

    setup_hosts(&p, proto);
    tlspair_start(&p, "other.petls.test");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-ecdsa.pem"), "not the default");
    cr_assert_str_eq(petls_conn_servername(p.sconn), "other.petls.test");
    tlspair_free(&p);
}

Test(sni, unknown_name_uses_default_tls13)
{
    unknown_name_default(PETLS_PROTOCOL_TLSv1_3);
}

Test(sni, unknown_name_uses_default_tls12)
{
    unknown_name_default(PETLS_PROTOCOL_TLSv1_2);
}

Test(sni, no_sni_uses_default_even_when_strict)
{
    struct tlspair p;

    setup_hosts(&p, PETLS_PROTOCOLS_ALL);
    cr_assert_eq(petls_config_set_strict_sni(p.scfg, 1), 0);
    /* An IP literal is verified but never sent as SNI. */
    tlspair_start(&p, "127.0.0.1");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-ecdsa.pem"));
    cr_assert_null(petls_conn_servername(p.sconn));
    tlspair_free(&p);
}

Test(sni, wildcard_one_label)
{
    struct petls_config *rsa = host_config("server-rsa.pem", "server-rsa.key");
    struct petls_config *sel = host_config("selfsigned.pem", "selfsigned.key");
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_add_sni_context(p.scfg, "*.petls.test", rsa), 0,
                 "%s", petls_config_error(p.scfg));
    /* An exact name beats the wildcard whatever the order. */
    cr_assert_eq(petls_config_add_sni_context(p.scfg, "exact.petls.test", sel),
                 0, "%s", petls_config_error(p.scfg));
    petls_config_free(rsa);
    petls_config_free(sel);
    petls_config_insecure_noverifyname(p.ccfg);
    petls_config_insecure_noverifycert(p.ccfg);

    tlspair_start(&p, "any.petls.test");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-rsa.pem"), "wildcard not used");
    petls_free(p.client);
    petls_free(p.sconn);
    mempipe_free(&p.pipe);

    /* Two labels deep: the wildcard does not match. */
    mempipe_init(&p.pipe);
    p.client_rc = PETLS_WANT_POLLOUT;
    p.server_rc = PETLS_WANT_POLLIN;
    petls_free(p.server);
    tlspair_start(&p, "a.b.petls.test");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-ecdsa.pem"), "wildcard crossed a dot");
    petls_free(p.client);
    petls_free(p.sconn);
    mempipe_free(&p.pipe);

    mempipe_init(&p.pipe);
    p.client_rc = PETLS_WANT_POLLOUT;
    p.server_rc = PETLS_WANT_POLLIN;
    petls_free(p.server);
    tlspair_start(&p, "EXACT.petls.test");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "selfsigned.pem"), "exact name lost");
    tlspair_free(&p);
}

static void strict_rejects(uint32_t proto)
{
    struct tlspair p;

    setup_hosts(&p, proto);
    cr_assert_eq(petls_config_set_strict_sni(p.scfg, 1), 0);
    tlspair_start(&p, "other.petls.test");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_eq(p.client_rc, -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: unrecognized server name 'other.petls.test' "
                     "(strict SNI: sent alert unrecognized_name)");
    cr_assert_str_eq(petls_error(p.client),
                     "handshake: peer sent fatal alert unrecognized_name");
    tlspair_free(&p);
}

Test(sni, strict_unknown_name_alert_tls13)
{
    strict_rejects(PETLS_PROTOCOL_TLSv1_3);
}

Test(sni, strict_unknown_name_alert_tls12)
{
    strict_rejects(PETLS_PROTOCOL_TLSv1_2);
}

Test(sni, strict_known_name_served)
{
    struct tlspair p;

    setup_hosts(&p, PETLS_PROTOCOLS_ALL);
    cr_assert_eq(petls_config_set_strict_sni(p.scfg, 1), 0);
    tlspair_start(&p, "rsa.petls.test");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-rsa.pem"));
    tlspair_free(&p);
}

/* ---- Callback ---- */

struct cb_state {
    struct petls_config *host;
    int result;
    int calls;
    char seen[256];
    struct petls *pending_conn;
};

static int sni_cb(struct petls *conn, const char *servername,
                  struct petls_config **host, void *arg)
{
    struct cb_state *st = arg;

    st->calls++;
    snprintf(st->seen, sizeof(st->seen), "%s", servername);
    if (st->result == PETLS_SNI_USE)
        *host = st->host;
    if (st->result == PETLS_SNI_PENDING)
        st->pending_conn = conn;
    return st->result;
}

static void cb_pair(struct tlspair *p, struct cb_state *st, int result)
{
    memset(st, 0, sizeof(*st));
    st->host = host_config("server-rsa.pem", "server-rsa.key");
    st->result = result;
    setup_hosts(p, PETLS_PROTOCOLS_ALL);
    cr_assert_eq(petls_config_set_sni_cb(p->scfg, sni_cb, st), 0);
}

Test(sni, callback_picks_config)
{
    struct cb_state st;
    struct tlspair p;

    cb_pair(&p, &st, PETLS_SNI_USE);
    tlspair_start(&p, "cb.petls.test");
    expect_ok(&p);
    cr_assert_eq(st.calls, 1);
    cr_assert_str_eq(st.seen, "cb.petls.test");
    cr_assert(peer_is(p.client, "server-rsa.pem"), "callback's config unused");
    tlspair_free(&p);
    petls_config_free(st.host);
}

Test(sni, callback_default_falls_back_to_contexts)
{
    struct cb_state st;
    struct tlspair p;

    cb_pair(&p, &st, PETLS_SNI_DEFAULT);
    tlspair_start(&p, "rsa.petls.test");
    expect_ok(&p);
    cr_assert_eq(st.calls, 1);
    cr_assert(peer_is(p.client, "server-rsa.pem"), "context not used");
    tlspair_free(&p);
    petls_config_free(st.host);
}

Test(sni, callback_reject)
{
    struct cb_state st;
    struct tlspair p;

    cb_pair(&p, &st, PETLS_SNI_REJECT);
    tlspair_start(&p, "rsa.petls.test");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: unrecognized server name 'rsa.petls.test' "
                     "(refused by the SNI callback: sent alert "
                     "unrecognized_name)");
    cr_assert_str_eq(petls_error(p.client),
                     "handshake: peer sent fatal alert unrecognized_name");
    tlspair_free(&p);
    petls_config_free(st.host);
}

/* Drives the pair; the server's PETLS_WANT_SNI is answered after a few
 * turns with (result, host). Returns the number of WANT_SNI turns. */
static int drive_async(struct tlspair *p, struct cb_state *st, int result)
{
    int round, want_sni = 0;

    for (round = 0; round < 200; round++) {
        if (p->client_rc == PETLS_WANT_POLLIN ||
            p->client_rc == PETLS_WANT_POLLOUT)
            p->client_rc = petls_handshake(p->client);
        if (p->server_rc == PETLS_WANT_POLLIN ||
            p->server_rc == PETLS_WANT_POLLOUT ||
            p->server_rc == PETLS_WANT_SNI)
            p->server_rc = petls_handshake(p->sconn);
        if (p->server_rc == PETLS_WANT_SNI) {
            cr_assert_eq(st->pending_conn, p->sconn);
            if (++want_sni == 3)
                cr_assert_eq(
                    petls_sni_answer(p->sconn, result,
                                     result == PETLS_SNI_USE ? st->host : NULL),
                    0, "%s", petls_error(p->sconn));
            continue;
        }
        if (p->client_rc != PETLS_WANT_POLLIN &&
            p->client_rc != PETLS_WANT_POLLOUT &&
            p->server_rc != PETLS_WANT_POLLIN &&
            p->server_rc != PETLS_WANT_POLLOUT)
            break;
    }
    return want_sni;
}

Test(sni, callback_answers_later)
{
    struct cb_state st;
    struct tlspair p;

    cb_pair(&p, &st, PETLS_SNI_PENDING);
    tlspair_start(&p, "late.petls.test");
    cr_assert_eq(drive_async(&p, &st, PETLS_SNI_USE), 3);
    cr_assert_eq(p.client_rc, 0, "client: %s", petls_error(p.client));
    cr_assert_eq(p.server_rc, 0, "server: %s", petls_error(p.sconn));
    cr_assert_eq(st.calls, 1);
    cr_assert(peer_is(p.client, "server-rsa.pem"), "late answer unused");
    cr_assert_str_eq(petls_conn_servername(p.sconn), "late.petls.test");
    tlspair_free(&p);
    petls_config_free(st.host);
}

Test(sni, callback_answers_later_reject)
{
    struct cb_state st;
    struct tlspair p;

    cb_pair(&p, &st, PETLS_SNI_PENDING);
    tlspair_start(&p, "late.petls.test");
    cr_assert_eq(drive_async(&p, &st, PETLS_SNI_REJECT), 3);
    cr_assert_eq(p.server_rc, -1);
    cr_assert_eq(p.client_rc, -1);
    cr_assert_str_eq(petls_error(p.client),
                     "handshake: peer sent fatal alert unrecognized_name");
    tlspair_free(&p);
    petls_config_free(st.host);
}

Test(sni, answer_without_pending_fails)
{
    struct tlspair p;

    setup_hosts(&p, PETLS_PROTOCOLS_ALL);
    tlspair_start(&p, "rsa.petls.test");
    cr_assert_eq(petls_sni_answer(p.sconn, PETLS_SNI_DEFAULT, NULL), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "no SNI callback is pending on this connection");
    expect_ok(&p);
    tlspair_free(&p);
}

/* ---- Per-context client verification ---- */

static void client_cert_context(int give_cert)
{
    struct petls_config *host = host_config("server-rsa.pem", "server-rsa.key");
    struct tlspair p;

    cr_assert_eq(petls_config_set_ca_file(host, cert_path("ca.pem")), 0);
    petls_config_verify_client(host);
    tlspair_init(&p);
    cr_assert_eq(petls_config_add_sni_context(p.scfg, "mtls.petls.test", host),
                 0);
    petls_config_free(host);
    if (give_cert)
        cr_assert_eq(petls_config_set_keypair_file(p.ccfg,
                                                   cert_path("client.pem"),
                                                   cert_path("client.key")),
                     0);
    tlspair_start(&p, "mtls.petls.test");
    if (give_cert) {
        expect_ok(&p);
        cr_assert_eq(petls_conn_authorized(p.sconn), 1, "%s",
                     petls_conn_authorization_error(p.sconn));
        cr_assert_str_eq(petls_peer_cert_subject(p.sconn), "CN=petls-client");
    } else {
        cr_assert_neq(tlspair_handshake(&p), 0);
        cr_assert_eq(p.server_rc, -1);
    }
    tlspair_free(&p);
}

Test(sni, context_requires_client_cert)
{
    client_cert_context(0);
}

Test(sni, context_client_cert_accepted)
{
    client_cert_context(1);
}

Test(sni, default_context_keeps_no_client_auth)
{
    struct petls_config *host = host_config("server-rsa.pem", "server-rsa.key");
    struct tlspair p;

    petls_config_verify_client(host);
    tlspair_init(&p);
    cr_assert_eq(petls_config_add_sni_context(p.scfg, "mtls.petls.test", host),
                 0);
    petls_config_free(host);
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert_eq(petls_peer_cert_provided(p.sconn), 0);
    tlspair_free(&p);
}

/* ---- libtls: several keypairs, chosen by name ---- */

Test(sni, keypair_chosen_by_name)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_add_keypair_file(p.scfg,
                                               cert_path("wrongname.pem"),
                                               cert_path("wrongname.key")),
                 0);
    tlspair_start(&p, "wrong.example");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "wrongname.pem"), "keypair not chosen by name");
    tlspair_free(&p);

    tlspair_init(&p);
    cr_assert_eq(petls_config_add_keypair_file(p.scfg,
                                               cert_path("wrongname.pem"),
                                               cert_path("wrongname.key")),
                 0);
    tlspair_start(&p, "localhost");
    expect_ok(&p);
    cr_assert(peer_is(p.client, "server-ecdsa.pem"));
    tlspair_free(&p);
}

/* ---- Config errors ---- */

Test(sni, config_errors)
{
    struct petls_config *c = petls_config_new();
    struct petls_config *h = host_config("server-rsa.pem", "server-rsa.key");
    struct petls *srv;

    cr_assert_eq(petls_config_add_sni_context(c, "*.com", h), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "SNI context: invalid host name '*.com' (a DNS name, or "
                     "'*.' and a name of two labels or more)");
    cr_assert_eq(petls_config_add_sni_context(c, "a.*.test", h), -1);
    cr_assert_eq(petls_config_add_sni_context(c, "f*.petls.test", h), -1);
    cr_assert_eq(petls_config_add_sni_context(c, "", h), -1);
    cr_assert_eq(petls_config_add_sni_context(c, NULL, h), -1);
    cr_assert_eq(petls_config_add_sni_context(c, "127.0.0.1", h), -1);
    cr_assert_eq(petls_config_add_sni_context(c, "a.test", NULL), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "SNI context 'a.test': no host config (or the config "
                     "itself)");
    cr_assert_eq(petls_config_add_sni_context(c, "a.test", c), -1);
    cr_assert_eq(petls_config_add_sni_context(c, "a.test.", h), 0);
    /* The host config is in use now. */
    cr_assert_eq(petls_config_set_ciphers(h, "secure"), -1);
    /* A server with contexts but no default keypair configures (as
     * Node's); clients without a matching name then fail. */
    srv = petls_server();
    cr_assert_eq(petls_configure(srv, c), 0, "%s", petls_error(srv));
    cr_assert_eq(petls_config_add_sni_context(c, "b.test", h), -1);
    cr_assert_eq(petls_config_set_strict_sni(c, 1), -1);
    cr_assert_eq(petls_config_set_sni_cb(c, sni_cb, NULL), -1);
    petls_free(srv);
    petls_config_free(h);
    petls_config_free(c);
}

/* ---- Sessions never cross contexts ---- */

struct xfx {
    struct petls_config *scfg, *ccfg;
    struct petls *server;
    uint8_t sess[8192];
    size_t sess_len;
};

/* One connection to servername, offering f->sess when offer is set;
 * returns whether it resumed (both sides agreeing) and keeps the newest
 * session. */
static int xconn(struct xfx *f, const char *servername, int offer)
{
    struct tlsconn c;
    int cres, sres;
    ssize_t n;

    tlsconn_start(&c, f->server, f->ccfg, offer ? f->sess : NULL,
                  offer ? f->sess_len : 0, servername);
    cr_assert_eq(tlsconn_handshake(&c), 0, "client '%s', server '%s'",
                 petls_error(c.client), petls_error(c.sconn));
    tlsconn_pingpong(&c);
    cres = petls_conn_session_resumed(c.client);
    sres = petls_conn_session_resumed(c.sconn);
    cr_assert_eq(cres, sres);
    n = petls_conn_session(c.client, NULL, 0);
    if (n > 0 && !offer) {
        cr_assert((size_t)n <= sizeof(f->sess));
        cr_assert_eq(petls_conn_session(c.client, f->sess, sizeof(f->sess)), n);
        f->sess_len = (size_t)n;
    }
    tlsconn_free(&c);
    return cres;
}

static void cross_context(int stateless)
{
    /* The host context has the same kind of key as the default one, so
     * that only the session binding tells them apart (mbed TLS would not
     * resume an ECDHE-RSA session on an ECDSA-only context anyway). */
    struct petls_config *host =
        host_config("server-ecdsa.pem", "server-ecdsa.key");
    struct xfx f;

    memset(&f, 0, sizeof(f));
    f.scfg = host_config("server-ecdsa.pem", "server-ecdsa.key");
    f.ccfg = petls_config_new();
    cr_assert_eq(petls_config_set_ca_file(f.ccfg, cert_path("ca.pem")), 0);
    /* mbed TLS clients only offer a TLS 1.3 ticket to the name it came
     * from; TLS 1.2 sessions are offered to any name, so the server's
     * binding is what refuses them. */
    cr_assert_eq(petls_config_set_protocols(f.ccfg, PETLS_PROTOCOL_TLSv1_2), 0);
    cr_assert_eq(petls_config_set_session_tickets(f.scfg, stateless), 0);
    cr_assert_eq(petls_config_add_sni_context(f.scfg, "rsa.petls.test", host),
                 0);
    petls_config_free(host);
    f.server = petls_server();
    cr_assert_eq(petls_configure(f.server, f.scfg), 0, "%s",
                 petls_error(f.server));

    cr_assert_eq(xconn(&f, "rsa.petls.test", 0), 0);
    cr_assert(f.sess_len > 0, "no session received");
    /* The same session at another host name: the default context. */
    cr_assert_eq(xconn(&f, "other.petls.test", 1), 0,
                 "a session of rsa.petls.test resumed on the default context");
    cr_assert_eq(xconn(&f, "localhost", 1), 0);
    /* At its own name it resumes. */
    cr_assert_eq(xconn(&f, "rsa.petls.test", 1), 1);

    /* And a session of the default context does not resume at a host. */
    cr_assert_eq(xconn(&f, "localhost", 0), 0);
    cr_assert_eq(xconn(&f, "rsa.petls.test", 1), 0,
                 "a default-context session resumed on rsa.petls.test");
    /* Within the default context too: a session is bound to the name it
     * was made under (RFC 6066 section 3). */
    cr_assert_eq(xconn(&f, "other.petls.test", 1), 0,
                 "a session of localhost resumed at other.petls.test");
    cr_assert_eq(xconn(&f, "localhost", 1), 1);

    petls_free(f.server);
    petls_config_free(f.scfg);
    petls_config_free(f.ccfg);
}

/* Each mode needs its resumption option (cmake/PetlsFeatures.cmake). */
Test(sni, sessions_do_not_cross_contexts_tickets,
     .disabled = !PETLS_WITH_TICKETS)
{
    cross_context(1);
}

Test(sni, sessions_do_not_cross_contexts_session_ids,
     .disabled = !PETLS_WITH_SESSION_CACHE)
{
    cross_context(0);
}
