/* Resumption in both server modes and both versions: a full handshake,
 * then a resumed one, asserted on both sides. */
#include "test_resume_util.h"

static void full_then_resumed(uint32_t protocols, int tickets)
{
    struct rfx f;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_tickets(f.scfg, tickets) == 0);
    cr_assert_eq(rfx_conn(&f), 0, "first handshake cannot resume");
    cr_assert(f.sess_len > 0, "the client got no session");
    cr_assert_eq(rfx_conn(&f), 1, "second handshake did not resume");
    /* And again with the session the resumed handshake produced. */
    cr_assert_eq(rfx_conn(&f), 1, "third handshake did not resume");
    rfx_free(&f);
}

Test(resume_modes, tls13_stateless)
{
    full_then_resumed(PETLS_PROTOCOL_TLSv1_3, 1);
}

Test(resume_modes, tls12_stateless)
{
    full_then_resumed(PETLS_PROTOCOL_TLSv1_2, 1);
}

Test(resume_modes, tls13_stateful)
{
    full_then_resumed(PETLS_PROTOCOL_TLSv1_3, 0);
}

Test(resume_modes, tls12_stateful)
{
    full_then_resumed(PETLS_PROTOCOL_TLSv1_2, 0);
}

/* A server that does both versions, a client that does only TLS 1.2: in
 * stateful mode the pre-parse picks the variant without TLS 1.2 tickets,
 * so the client resumes by session ID through the cache. */
Test(resume_modes, stateful_tls12_client_on_dual_server)
{
    struct rfx f;
    struct petls_session_cache_stats st;

    rfx_init(&f, PETLS_PROTOCOLS_ALL);
    cr_assert(petls_config_set_protocols(f.ccfg, PETLS_PROTOCOL_TLSv1_2) == 0);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1, "TLS 1.2 client did not resume by ID");
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.hits, 1, "the session came from the cache");
    rfx_free(&f);
}

/* A TLS 1.2 client that sends no ticket extension resumes by session ID in
 * stateless mode too. */
Test(resume_modes, tls12_stateless_client_without_tickets)
{
    struct rfx f;
    struct petls_session_cache_stats st;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.ccfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1, "resumption by session ID failed");
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.stored, 1);
    cr_assert_eq(st.hits, 1);
    rfx_free(&f);
}

/* Stateless tickets keep nothing on the server. */
Test(resume_modes, stateless_tls13_uses_no_cache)
{
    struct rfx f;
    struct petls_session_cache_stats st;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.stored, 0);
    cr_assert_eq(st.hits + st.misses, 0);
    rfx_free(&f);
}

/* Stateful TLS 1.3 tickets are ids into the cache. */
Test(resume_modes, stateful_tls13_tickets_live_in_the_cache)
{
    struct rfx f;
    struct petls_session_cache_stats st;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.stored, PETLS_TLS13_TICKETS_DEFAULT);
    cr_assert_eq(st.entries, PETLS_TLS13_TICKETS_DEFAULT);
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.hits, 1);
    rfx_free(&f);
}

Test(resume_modes, tls13_ticket_count)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_tls13_tickets(f.scfg, 3) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(f.last_conn_sessions, 3, "got %d tickets",
                 f.last_conn_sessions);
    /* mbedTLS sends one ticket after a resumed handshake. */
    cr_assert_eq(rfx_conn(&f), 1);
    cr_assert_eq(f.last_conn_sessions, 1, "got %d tickets",
                 f.last_conn_sessions);
    rfx_free(&f);
}

Test(resume_modes, tls13_no_tickets_no_resumption)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_tls13_tickets(f.scfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(f.last_conn_sessions, 0);
    cr_assert_eq(f.sess_len, 0);
    cr_assert_eq(rfx_conn(&f), 0);
    rfx_free(&f);
}

Test(resume_modes, tls13_ticket_count_limits)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_set_tls13_tickets(c, 9), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "invalid TLS 1.3 ticket count 9 (0 to 8)");
    cr_assert_eq(petls_config_set_tls13_tickets(c, 8), 0);
    petls_config_free(c);
}

Test(resume_modes, lifetime_zero_turns_resumption_off)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_lifetime(f.scfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(
        rfx_conn_offer(&f, f.sess_len ? f.sess : NULL, f.sess_len, NULL), 0);
    rfx_free(&f);
}

Test(resume_modes, lifetime_limits)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_set_session_lifetime(c, -1), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "invalid session lifetime -1 (0 to 604800 seconds)");
    cr_assert_eq(petls_config_set_session_lifetime(c, 604801), -1);
    cr_assert_eq(petls_config_set_session_lifetime(c, 604800), 0);
    petls_config_free(c);
}

/* Before any handshake, and on the server, there is no client session. */
Test(resume_modes, no_session_yet)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    rfx_server(&f);
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "localhost");
    cr_assert_eq(petls_conn_session(c.client, NULL, 0), -1);
    cr_assert_str_eq(petls_error(c.client),
                     "no session received on this connection yet");
    cr_assert_eq(petls_conn_session_resumed(c.client), 0);
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_eq(petls_conn_session(c.sconn, NULL, 0), -1);
    tlsconn_free(&c);
    rfx_free(&f);
}
