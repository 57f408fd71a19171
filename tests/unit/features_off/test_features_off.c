/* Builds with features compiled out (cmake/PetlsFeatures.cmake): every
 * stubbed call fails with its exact message, the calls that ask for what
 * the build does anyway succeed, and plain handshakes still work. Only
 * compiled when at least one PETLS_WITH_* option is OFF. */
#include <criterion/criterion.h>
#include <string.h>

#include "petls_features.h"
#include "tlspair.h"

#define SNI_MSG "SNI support was compiled out (PETLS_WITH_SNI=OFF)"
#define ALPN_MSG "ALPN support was compiled out (PETLS_WITH_ALPN=OFF)"
#define PSK_MSG "PSK support was compiled out (PETLS_WITH_PSK=OFF)"
#define TICKETS_MSG                                                            \
    "session ticket support was compiled out (PETLS_WITH_TICKETS=OFF)"
#define CACHE_MSG                                                              \
    "session cache support was compiled out "                                  \
    "(PETLS_WITH_SESSION_CACHE=OFF)"
#define STORE_MSG                                                              \
    "session store support was compiled out "                                  \
    "(PETLS_WITH_SESSION_CACHE=OFF)"
#define STATEFUL_MSG                                                           \
    "stateful session support was compiled out "                               \
    "(PETLS_WITH_SESSION_CACHE=OFF)"
#define RENEG_MSG                                                              \
    "renegotiation support was compiled out "                                  \
    "(PETLS_WITH_RENEG_LIMITS=OFF)"
#define KEYLOG_MSG "key log support was compiled out (PETLS_WITH_KEYLOG=OFF)"
#define EXPORTER_MSG                                                           \
    "keying material exporter support was compiled out "                       \
    "(PETLS_WITH_EXPORTER=OFF)"

/* A config call that must fail with msg. */
#define CONFIG_FAILS(cfg, call, msg)                                           \
    do {                                                                       \
        cr_assert_eq((call), -1, "%s succeeded", #call);                       \
        cr_assert_str_eq(petls_config_error(cfg), msg, "%s", #call);           \
        cr_assert_eq(petls_config_error_code(cfg), PETLS_ERROR_NOT_BUILT_IN,   \
                     "%s", #call);                                             \
    } while (0)

static struct tlspair pair;

/* A completed TLS 1.3 handshake: client and server connections. */
static void handshake13(void)
{
    tlspair_init(&pair);
    cr_assert_eq(petls_config_set_protocols(pair.ccfg, PETLS_PROTOCOL_TLSv1_3),
                 0);
    tlspair_start(&pair, "localhost");
    cr_assert_eq(tlspair_handshake(&pair), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 pair.client_rc, petls_error(pair.client), pair.server_rc,
                 petls_error(pair.sconn));
}

Test(features_off, plain_tls13_handshake)
{
    static const char msg[] = "still a TLS engine";

    handshake13();
    cr_assert_str_eq(petls_conn_version(pair.client), "TLSv1.3");
    cr_assert_str_eq(petls_conn_version(pair.sconn), "TLSv1.3");
    cr_assert_eq(petls_conn_authorized(pair.client), 1, "%s",
                 petls_conn_authorization_error(pair.client));
    cr_assert_str_eq(petls_conn_servername(pair.sconn), "localhost");
    cr_assert_eq(tlspair_transfer(pair.client, pair.sconn, msg, sizeof(msg)),
                 sizeof(msg));
    cr_assert_eq(tlspair_transfer(pair.sconn, pair.client, msg, sizeof(msg)),
                 sizeof(msg));
    tlspair_free(&pair);
}

Test(features_off, plain_tls12_handshake)
{
    tlspair_init(&pair);
    cr_assert_eq(petls_config_set_protocols(pair.ccfg, PETLS_PROTOCOL_TLSv1_2),
                 0);
    tlspair_start(&pair, "localhost");
    cr_assert_eq(tlspair_handshake(&pair), 0, "client '%s', server '%s'",
                 petls_error(pair.client), petls_error(pair.sconn));
    cr_assert_str_eq(petls_conn_version(pair.client), "TLSv1.2");
    tlspair_free(&pair);
}

#if !PETLS_WITH_SNI
Test(features_off, sni)
{
    struct petls_config *c = petls_config_new(), *host = petls_config_new();

    CONFIG_FAILS(c, petls_config_add_sni_context(c, "example.com", host),
                 SNI_MSG);
    CONFIG_FAILS(c, petls_config_set_strict_sni(c, 1), SNI_MSG);
    CONFIG_FAILS(c, petls_config_set_sni_cb(c, NULL, NULL), SNI_MSG);
    petls_config_free(host);
    petls_config_free(c);

    handshake13();
    cr_assert_eq(petls_sni_answer(pair.sconn, PETLS_SNI_DEFAULT, NULL), -1);
    cr_assert_str_eq(petls_error(pair.sconn), SNI_MSG);
    cr_assert_eq(petls_error_code(pair.sconn), PETLS_ERROR_NOT_BUILT_IN);
    /* The name the client sent is still reported. */
    cr_assert_str_eq(petls_conn_servername(pair.sconn), "localhost");
    tlspair_free(&pair);
}
#endif

#if !PETLS_WITH_ALPN
Test(features_off, alpn)
{
    struct petls_config *c = petls_config_new();

    CONFIG_FAILS(c, petls_config_set_alpn(c, "h2,http/1.1"), ALPN_MSG);
    CONFIG_FAILS(c, petls_config_set_alpn_cb(c, NULL, NULL), ALPN_MSG);
    petls_config_free(c);
    handshake13();
    cr_assert_null(petls_conn_alpn_selected(pair.client));
    cr_assert_null(petls_conn_alpn_selected(pair.sconn));
    tlspair_free(&pair);
}
#endif

#if !PETLS_WITH_PSK
Test(features_off, psk)
{
    struct petls_config *c = petls_config_new();
    static const uint8_t key[32] = {1};

    CONFIG_FAILS(c, petls_config_add_psk(c, "client1", key, sizeof(key)),
                 PSK_MSG);
    CONFIG_FAILS(c, petls_config_set_psk_server_cb(c, NULL, NULL), PSK_MSG);
    CONFIG_FAILS(c, petls_config_set_psk_client_cb(c, NULL, NULL), PSK_MSG);
    CONFIG_FAILS(c, petls_config_set_psk_identity_hint(c, "hint"), PSK_MSG);
    petls_config_free(c);
    handshake13();
    cr_assert_null(petls_conn_psk_identity(pair.sconn));
    tlspair_free(&pair);
}
#endif

#if !PETLS_WITH_TICKETS
Test(features_off, tickets)
{
    struct petls_config *c = petls_config_new();
    unsigned char key[PETLS_TICKET_KEY_SIZE] = {0};
    uint8_t buf[PETLS_TICKET_KEY_SIZE];

    CONFIG_FAILS(c, petls_config_add_ticket_key(c, 1, key, sizeof(key)),
                 TICKETS_MSG);
    CONFIG_FAILS(c, petls_config_set_ticket_keys(c, key, sizeof(key)),
                 TICKETS_MSG);
    cr_assert_eq(petls_config_get_ticket_keys(c, buf, sizeof(buf)), -1);
    cr_assert_str_eq(petls_config_error(c), TICKETS_MSG);
    CONFIG_FAILS(c, petls_config_set_ticket_keys_file(c, "/nonexistent"),
                 TICKETS_MSG);
    CONFIG_FAILS(c, petls_config_reload_ticket_keys(c), TICKETS_MSG);
    CONFIG_FAILS(c, petls_config_set_ticket_rotation(c, 60, 60), TICKETS_MSG);
    CONFIG_FAILS(c, petls_config_set_session_tickets(c, 1), TICKETS_MSG);
    petls_config_free(c);
}
#endif

#if !PETLS_WITH_SESSION_CACHE
Test(features_off, session_cache)
{
    struct petls_config *c = petls_config_new();
    struct petls_session_cache_stats st;
    struct petls_session_store store;
    uint8_t key[PETLS_STORE_KEY_SIZE] = {0};

    memset(&store, 0, sizeof(store));
    CONFIG_FAILS(c, petls_config_set_session_cache(c, 10, 0), CACHE_MSG);
    CONFIG_FAILS(c, petls_config_session_cache_stats(c, &st), CACHE_MSG);
    CONFIG_FAILS(c, petls_config_set_session_store(c, &store), STORE_MSG);
    CONFIG_FAILS(c, petls_config_set_session_store_key(c, key, sizeof(key)),
                 STORE_MSG);
    CONFIG_FAILS(c, petls_config_set_client_session_cache(c, 8), CACHE_MSG);
    CONFIG_FAILS(c, petls_config_set_session_tickets(c, 0), STATEFUL_MSG);
    /* Asking for what the build does anyway is fine. */
    cr_assert_eq(petls_config_set_session_cache(c, 0, 0), 0);
    cr_assert_eq(petls_config_set_session_store(c, NULL), 0);
    cr_assert_eq(petls_config_set_client_session_cache(c, 0), 0);
    petls_config_free(c);

    handshake13();
    cr_assert_eq(petls_store_answer(pair.sconn, NULL, 0), -1);
    cr_assert_str_eq(petls_error(pair.sconn), STORE_MSG);
    cr_assert_eq(petls_error_code(pair.sconn), PETLS_ERROR_NOT_BUILT_IN);
    tlspair_free(&pair);
}
#endif

#if !PETLS_WITH_TICKETS && !PETLS_WITH_SESSION_CACHE
Test(features_off, no_server_resumption)
{
    struct petls_config *c = petls_config_new();
    struct tlsconn again;
    uint8_t sess[4096];
    ssize_t n;

    cr_assert_eq(petls_config_set_session_lifetime(c, 300), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "server session resumption was compiled out "
                     "(PETLS_WITH_TICKETS=OFF, PETLS_WITH_SESSION_CACHE=OFF)");
    cr_assert_eq(petls_config_set_session_lifetime(c, 0), 0);
    petls_config_free(c);

    /* The server issues no ticket, so a second connection offering
     * whatever the client kept is a full handshake. */
    handshake13();
    /* The client reads past the handshake (where tickets would come). */
    cr_assert_eq(tlspair_transfer(pair.sconn, pair.client, "x", 1), 1);
    n = petls_conn_session(pair.client, sess, sizeof(sess));
    tlsconn_start(&again, pair.server, pair.ccfg, n > 0 ? sess : NULL,
                  n > 0 ? (size_t)n : 0, "localhost");
    cr_assert_eq(tlsconn_handshake(&again), 0);
    cr_assert_eq(petls_conn_session_resumed(again.client), 0);
    cr_assert_eq(petls_conn_session_resumed(again.sconn), 0);
    tlsconn_free(&again);
    tlspair_free(&pair);
}
#endif

#if PETLS_WITH_TICKETS != PETLS_WITH_SESSION_CACHE
/* One resumption option left: the server resumes with it by default
 * (stateless tickets, or stateful ids into the cache). */
static void resumes_by_default(uint32_t protocol, const char *version)
{
    struct tlsconn again;
    uint8_t sess[8192];
    ssize_t n;

    tlspair_init(&pair);
    cr_assert_eq(petls_config_set_protocols(pair.ccfg, protocol), 0);
    tlspair_start(&pair, "localhost");
    cr_assert_eq(tlspair_handshake(&pair), 0, "client '%s', server '%s'",
                 petls_error(pair.client), petls_error(pair.sconn));
    cr_assert_str_eq(petls_conn_version(pair.client), version);
    /* TLS 1.3 tickets come after the handshake. */
    cr_assert_eq(tlspair_transfer(pair.sconn, pair.client, "x", 1), 1);
    n = petls_conn_session(pair.client, sess, sizeof(sess));
    cr_assert_gt(n, 0, "no session: %s", petls_error(pair.client));
    tlsconn_start(&again, pair.server, pair.ccfg, sess, (size_t)n, "localhost");
    cr_assert_eq(tlsconn_handshake(&again), 0, "client '%s', server '%s'",
                 petls_error(again.client), petls_error(again.sconn));
    cr_assert_eq(petls_conn_session_resumed(again.client), 1);
    cr_assert_eq(petls_conn_session_resumed(again.sconn), 1);
    tlsconn_free(&again);
    tlspair_free(&pair);
}

Test(features_off, resumes_with_the_option_left_tls13)
{
    resumes_by_default(PETLS_PROTOCOL_TLSv1_3, "TLSv1.3");
}

Test(features_off, resumes_with_the_option_left_tls12)
{
    resumes_by_default(PETLS_PROTOCOL_TLSv1_2, "TLSv1.2");
}
#endif

#if !PETLS_WITH_RENEG_LIMITS
Test(features_off, renegotiation)
{
    struct petls_config *c = petls_config_new();

    CONFIG_FAILS(c, petls_config_set_renegotiation(c, 1), RENEG_MSG);
    cr_assert_eq(petls_config_set_renegotiation(c, 0), 0);
    CONFIG_FAILS(c, petls_config_set_reneg_limit(c, 3, 600), RENEG_MSG);
    CONFIG_FAILS(c, petls_config_set_reneg_cb(c, NULL, NULL), RENEG_MSG);
    petls_config_free(c);

    tlspair_init(&pair);
    cr_assert_eq(petls_config_set_protocols(pair.ccfg, PETLS_PROTOCOL_TLSv1_2),
                 0);
    tlspair_start(&pair, "localhost");
    cr_assert_eq(tlspair_handshake(&pair), 0);
    cr_assert_eq(petls_renegotiate(pair.sconn, -1), -1);
    cr_assert_str_eq(petls_error(pair.sconn), RENEG_MSG);
    cr_assert_eq(petls_error_code(pair.sconn), PETLS_ERROR_NOT_BUILT_IN);
    cr_assert_eq(petls_conn_renegotiations(pair.sconn), 0);
    /* Already refused on every connection: asking for it succeeds. */
    cr_assert_eq(petls_conn_disable_renegotiation(pair.sconn), 0);
    cr_assert_eq(petls_conn_disable_renegotiation(pair.client), 0);
    cr_assert_eq(petls_conn_disable_renegotiation(NULL), -1);
    tlspair_free(&pair);
}
#endif

#if !PETLS_WITH_KEYLOG
Test(features_off, keylog)
{
    struct petls_config *c = petls_config_new();

    CONFIG_FAILS(c, petls_config_set_keylog_cb(c, NULL, NULL), KEYLOG_MSG);
    petls_config_free(c);
}
#endif

#if !PETLS_WITH_EXPORTER
Test(features_off, exporter)
{
    uint8_t out[32];

    handshake13();
    cr_assert_eq(petls_export_keying_material(pair.client, out, sizeof(out),
                                              "EXPERIMENTAL", NULL, 0),
                 -1);
    cr_assert_str_eq(petls_error(pair.client), EXPORTER_MSG);
    cr_assert_eq(petls_error_code(pair.client), PETLS_ERROR_NOT_BUILT_IN);
    tlspair_free(&pair);
}
#endif
