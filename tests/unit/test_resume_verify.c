/* What a resumed connection reports about the peer's certificate, and when
 * a resumed TLS 1.3 client sees its new ticket. */
#include "test_resume_util.h"

/* A resumed TLS 1.3 client: the server sent its one new ticket with the
 * handshake, so the client's first read consumes it and must fire the
 * session callback then, not on a later read. */
static void ticket_on_first_read(uint32_t protocols)
{
    struct rfx f;
    struct tlsconn c;
    char buf[16];
    ssize_t n;

    rfx_init(&f, protocols);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert(f.sess_len > 0);
    tlsconn_start(&c, f.server, f.ccfg, f.sess, f.sess_len, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_eq(petls_conn_session_resumed(c.client), 1);
    f.last_conn_sessions = 0;
    n = petls_read(c.client, buf, sizeof(buf));
    cr_assert_eq(n, PETLS_WANT_POLLIN, "read returned %zd (%s)", n,
                 petls_error(c.client));
    cr_assert_eq(f.last_conn_sessions, 1,
                 "the first read after a resumed TLS 1.3 handshake "
                 "delivered %d tickets",
                 f.last_conn_sessions);
    tlsconn_free(&c);
    rfx_free(&f);
}

Test(resume_verify, tls13_resumed_ticket_on_first_read)
{
    ticket_on_first_read(PETLS_PROTOCOL_TLSv1_3);
}

/* The client's view of one connection offering f's newest session to
 * servername; returns whether it resumed (the server agrees). */
static int offer(struct rfx *f, const char *servername, struct tlsconn *c)
{
    int resumed;

    tlsconn_start(c, f->server, f->ccfg, f->sess, f->sess_len, servername);
    cr_assert_eq(tlsconn_handshake(c), 0, "client '%s', server '%s'",
                 petls_error(c->client), petls_error(c->sconn));
    tlsconn_pingpong(c);
    resumed = petls_conn_session_resumed(c->client);
    cr_assert_eq(resumed, petls_conn_session_resumed(c->sconn));
    return resumed;
}

static void client_keeps_result(uint32_t protocols)
{
    struct rfx f;
    struct tlsconn c;
    int i;

    rfx_init(&f, protocols);
    cr_assert_eq(rfx_conn(&f), 0);
    /* Twice: a session made by a resumed connection keeps the result
     * too (TLS 1.3 sends a new ticket on each resumption). */
    for (i = 0; i < 2; i++) {
        cr_assert_eq(offer(&f, "localhost", &c), 1);
        cr_assert_eq(petls_conn_authorized(c.client), 1, "error %s",
                     petls_conn_authorization_error(c.client));
        cr_assert_null(petls_conn_authorization_error(c.client));
        cr_assert_eq(petls_peer_cert_provided(c.client), 1);
        cr_assert_str_eq(petls_peer_cert_subject(c.client), "CN=localhost");
        cr_assert_eq(petls_peer_cert_contains_name(c.client, "a.petls.test"),
                     1);
        tlsconn_pingpong(&c);
        cr_assert_eq(petls_conn_session(c.client, f.sess, sizeof(f.sess)) > 0,
                     1);
        f.sess_len = (size_t)petls_conn_session(c.client, NULL, 0);
        tlsconn_free(&c);
    }
    rfx_free(&f);
}

Test(resume_verify, tls13_client_keeps_result)
{
    client_keeps_result(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_verify, tls12_client_keeps_result)
{
    client_keeps_result(PETLS_PROTOCOL_TLSv1_2);
}

/* A session verified for localhost offered under another name: the server
 * does not resume it (sessions are bound to the server name, RFC 6066
 * section 3), so a full handshake verifies the new name itself. */
static void client_other_name_full(uint32_t protocols)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, protocols);
    cr_assert_eq(rfx_conn(&f), 0);
    tlsconn_start(&c, f.server, f.ccfg, f.sess, f.sess_len, "wrong.example");
    cr_assert_neq(tlsconn_handshake(&c), 0, "wrong.example was accepted");
    cr_assert_eq(petls_conn_session_resumed(c.sconn), 0);
    cr_assert_not_null(
        strstr(petls_error(c.client), "ERR_TLS_CERT_ALTNAME_INVALID"), "%s",
        petls_error(c.client));
    tlsconn_free(&c);
    cr_assert_eq(offer(&f, "x.petls.test", &c), 0,
                 "a session of localhost resumed at x.petls.test");
    cr_assert_eq(petls_conn_authorized(c.client), 1, "error %s",
                 petls_conn_authorization_error(c.client));
    tlsconn_free(&c);
    /* Under its own name the session still resumes. */
    cr_assert_eq(offer(&f, "localhost", &c), 1);
    tlsconn_free(&c);
    rfx_free(&f);
}

/* mbedTLS's TLS 1.3 client keeps the server name in the session and
 * refuses to offer it to another name: the handshake fails, it never
 * becomes an authorized connection for that name. */
Test(resume_verify, tls13_client_other_name_refused)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(rfx_conn(&f), 0);
    tlsconn_start(&c, f.server, f.ccfg, f.sess, f.sess_len, "x.petls.test");
    cr_assert_neq(tlsconn_handshake(&c), 0);
    cr_assert_eq(petls_conn_authorized(c.client), 0);
    cr_assert_not_null(strstr(petls_error(c.client), "TLS 1.3 session"), "%s",
                       petls_error(c.client));
    tlsconn_free(&c);
    rfx_free(&f);
}

Test(resume_verify, tls12_client_other_name_full_handshake)
{
    client_other_name_full(PETLS_PROTOCOL_TLSv1_2);
}

/* Servers asking for client certificates: a resumed connection reports
 * what the full handshake verified. */
static void server_keeps_result(uint32_t protocols, int require,
                                int client_cert)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_ca_file(f.scfg, cert_path("ca.pem")) == 0);
    if (require)
        petls_config_verify_client(f.scfg);
    else
        petls_config_verify_client_optional(f.scfg);
    if (client_cert)
        cr_assert(petls_config_set_keypair_file(f.ccfg, cert_path("client.pem"),
                                                cert_path("client.key")) == 0,
                  "%s", petls_config_error(f.ccfg));
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(offer(&f, "localhost", &c), 1);
    if (client_cert) {
        cr_assert_eq(petls_conn_authorized(c.sconn), 1, "error %s",
                     petls_conn_authorization_error(c.sconn));
        cr_assert_str_eq(petls_peer_cert_subject(c.sconn), "CN=petls-client");
    } else {
        cr_assert_eq(petls_conn_authorized(c.sconn), 0);
        cr_assert_str_eq(petls_conn_authorization_error(c.sconn),
                         "UNABLE_TO_GET_ISSUER_CERT");
        cr_assert_eq(petls_peer_cert_provided(c.sconn), 0);
    }
    tlsconn_free(&c);
    rfx_free(&f);
}

Test(resume_verify, tls13_server_require)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_3, 1, 1);
}

Test(resume_verify, tls12_server_require)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_2, 1, 1);
}

Test(resume_verify, tls13_server_optional)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_3, 0, 1);
}

Test(resume_verify, tls12_server_optional)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_2, 0, 1);
}

Test(resume_verify, tls13_server_optional_no_cert)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_3, 0, 0);
}

Test(resume_verify, tls12_server_optional_no_cert)
{
    server_keeps_result(PETLS_PROTOCOL_TLSv1_2, 0, 0);
}

/* Offsets in the session bytes: the engine header (8 bytes, its last two
 * the backend length), then the backend's format (1), wall clock (8),
 * verification record length (2) and record (flags 4, facts 4, name
 * length 1, ...). */
#define ENG_LEN_OFF 6
#define BK_OFF 8
#define VLEN_OFF (BK_OFF + 9)
#define VREC_OFF (VLEN_OFF + 2)
#define NAME_LEN_OFF (VREC_OFF + 8)

/* A record whose lengths do not add up makes the bytes unusable: a full
 * handshake, verified as any. */
static void damaged_record_full_handshake(uint32_t protocols)
{
    static const size_t offs[] = {VLEN_OFF, VLEN_OFF + 1, NAME_LEN_OFF};
    struct rfx f;
    struct tlsconn c;
    uint8_t good[RFX_SESS_MAX];
    size_t i, len;

    rfx_init(&f, protocols);
    cr_assert_eq(rfx_conn(&f), 0);
    len = f.sess_len;
    cr_assert(len > NAME_LEN_OFF + 16);
    memcpy(good, f.sess, len);
    cr_assert_eq(good[BK_OFF], 2, "backend session format %u", good[BK_OFF]);
    cr_assert_eq(good[NAME_LEN_OFF], strlen("localhost"));
    for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        memcpy(f.sess, good, len);
        f.sess[offs[i]] ^= 0x40;
        cr_assert_eq(offer(&f, "localhost", &c), 0, "offset %zu", offs[i]);
        cr_assert_eq(petls_conn_authorized(c.client), 1);
        tlsconn_free(&c);
    }
    rfx_free(&f);
}

Test(resume_verify, tls13_damaged_record_full_handshake)
{
    damaged_record_full_handshake(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_verify, tls12_damaged_record_full_handshake)
{
    damaged_record_full_handshake(PETLS_PROTOCOL_TLSv1_2);
}

/* Bytes of the earlier format (1: no verification record) still resume; a
 * TLS 1.2 session then reports mbedTLS's own result and certificate. */
Test(resume_verify, tls12_format1_session_resumes)
{
    struct rfx f;
    struct tlsconn c;
    size_t vlen, blen;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert_eq(rfx_conn(&f), 0);
    vlen = (size_t)f.sess[VLEN_OFF] << 8 | f.sess[VLEN_OFF + 1];
    cr_assert(VREC_OFF + vlen < f.sess_len);
    memmove(f.sess + VLEN_OFF, f.sess + VREC_OFF + vlen,
            f.sess_len - VREC_OFF - vlen);
    f.sess_len -= 2 + vlen;
    f.sess[BK_OFF] = 1;
    blen = f.sess_len - BK_OFF;
    f.sess[ENG_LEN_OFF] = (uint8_t)(blen >> 8);
    f.sess[ENG_LEN_OFF + 1] = (uint8_t)blen;
    cr_assert_eq(offer(&f, "localhost", &c), 1);
    cr_assert_eq(petls_conn_authorized(c.client), 1, "error %s",
                 petls_conn_authorization_error(c.client));
    cr_assert_str_eq(petls_peer_cert_subject(c.client), "CN=localhost");
    tlsconn_free(&c);
    rfx_free(&f);
}
