/* ALPN: list parsing, server-preference selection, the selection callback
 * (Node's ALPNCallback), no_application_protocol, in TLS 1.2 and 1.3, and
 * on resumed connections. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petls_features.h"
#include "nego.h"
#include "test_resume_util.h"
#include "tlspair.h"

/* ---- Parsers ---- */

Test(alpn_parse, comma_list_in_order)
{
    struct petls_alpn_list l = {NULL, 0};
    char err[128];

    cr_assert_eq(petls_alpn_parse("h2,http/1.1,x", &l, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(l.n, 3);
    cr_assert_str_eq(l.names[0], "h2");
    cr_assert_str_eq(l.names[1], "http/1.1");
    cr_assert_str_eq(l.names[2], "x");
    cr_assert_null(l.names[3]);
    /* NULL and "" clear it. */
    cr_assert_eq(petls_alpn_parse("", &l, err, sizeof(err)), 0);
    cr_assert_null(l.names);
    cr_assert_eq(l.n, 0);
}

Test(alpn_parse, rejects_empty_and_long_names)
{
    struct petls_alpn_list l = {NULL, 0};
    char err[128], longname[300];

    cr_assert_eq(petls_alpn_parse("h2,,x", &l, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "empty protocol name in ALPN list");
    cr_assert_eq(petls_alpn_parse("h2,", &l, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "empty protocol name in ALPN list");
    cr_assert_eq(petls_alpn_parse(",h2", &l, err, sizeof(err)), -1);
    memset(longname, 'a', 256);
    longname[256] = '\0';
    cr_assert_eq(petls_alpn_parse(longname, &l, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ALPN protocol name longer than 255 bytes");
    longname[255] = '\0';
    cr_assert_eq(petls_alpn_parse(longname, &l, err, sizeof(err)), 0);
    cr_assert_eq(strlen(l.names[0]), 255);
    /* A failed parse keeps the previous list. */
    cr_assert_eq(petls_alpn_parse("a,,b", &l, err, sizeof(err)), -1);
    cr_assert_eq(strlen(l.names[0]), 255);
    petls_alpn_list_free(&l);
}

Test(alpn_parse, wire_list)
{
    static const uint8_t wire[] = {2,   'h', '2', 8,   'h', 't',
                                   't', 'p', '/', '1', '.', '1'};
    static const uint8_t zero[] = {2, 'h', '2', 0};
    static const uint8_t over[] = {2, 'h', '2', 5, 'a'};
    struct petls_alpn_list l = {NULL, 0};
    char err[128];

    cr_assert_eq(
        petls_alpn_split_wire(wire, sizeof(wire), &l, err, sizeof(err)), 0,
        "%s", err);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.names[0], "h2");
    cr_assert_str_eq(l.names[1], "http/1.1");
    cr_assert_eq(
        petls_alpn_split_wire(zero, sizeof(zero), &l, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "empty protocol name in ALPN offer");
    cr_assert_eq(
        petls_alpn_split_wire(over, sizeof(over), &l, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "truncated ALPN protocol list");
    cr_assert_eq(petls_alpn_split_wire(wire, 0, &l, err, sizeof(err)), -1);
    /* The good list survived the failures. */
    cr_assert_eq(l.n, 2);
    petls_alpn_list_free(&l);
}

Test(alpn_parse, config_error_text)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_set_alpn(c, "h2,,x"), -1);
    cr_assert_str_eq(petls_config_error(c), "empty protocol name in ALPN list");
    cr_assert_eq(petls_config_set_alpn(c, "h2"), 0);
    petls_config_free(c);
}

/* ---- Handshakes ---- */

static void set_version(struct tlspair *p, uint32_t proto)
{
    cr_assert_eq(petls_config_set_protocols(p->ccfg, proto), 0);
    cr_assert_eq(petls_config_set_protocols(p->scfg, PETLS_PROTOCOLS_ALL), 0);
}

static void handshake_ok(struct tlspair *p)
{
    cr_assert_eq(tlspair_handshake(p), 0,
                 "handshake failed: client %d '%s', server %d '%s'",
                 p->client_rc, petls_error(p->client), p->server_rc,
                 petls_error(p->sconn));
}

static void server_preference(uint32_t proto, const char *version)
{
    struct tlspair p;

    tlspair_init(&p);
    set_version(&p, proto);
    cr_assert_eq(petls_config_set_alpn(p.scfg, "h2,http/1.1"), 0);
    /* The client prefers http/1.1; the server's order wins. */
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "foo,http/1.1,h2"), 0);
    tlspair_start(&p, "localhost");
    handshake_ok(&p);
    cr_assert_str_eq(petls_conn_version(p.client), version);
    cr_assert_str_eq(petls_conn_alpn_selected(p.client), "h2");
    cr_assert_str_eq(petls_conn_alpn_selected(p.sconn), "h2");
    tlspair_free(&p);
}

Test(alpn, server_preference_tls13)
{
    server_preference(PETLS_PROTOCOL_TLSv1_3, "TLSv1.3");
}
Test(alpn, server_preference_tls12)
{
    server_preference(PETLS_PROTOCOL_TLSv1_2, "TLSv1.2");
}

static void no_overlap(uint32_t proto)
{
    struct tlspair p;

    tlspair_init(&p);
    set_version(&p, proto);
    cr_assert_eq(petls_config_set_alpn(p.scfg, "h2"), 0);
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "http/1.1"), 0);
    tlspair_start(&p, "localhost");
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(p.client_rc, -1);
    cr_assert_eq(p.server_rc, -1);
    cr_assert(strstr(petls_error(p.client),
                     "peer sent fatal alert no_application_protocol") != NULL,
              "client: %s", petls_error(p.client));
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: no ALPN protocol in common with the client "
                     "(sent no_application_protocol)");
    cr_assert_null(petls_conn_alpn_selected(p.client));
    tlspair_free(&p);
}

Test(alpn, no_overlap_tls13)
{
    no_overlap(PETLS_PROTOCOL_TLSv1_3);
}
Test(alpn, no_overlap_tls12)
{
    no_overlap(PETLS_PROTOCOL_TLSv1_2);
}

Test(alpn, client_without_alpn_is_served)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_alpn(p.scfg, "h2"), 0);
    tlspair_start(&p, "localhost");
    handshake_ok(&p);
    cr_assert_null(petls_conn_alpn_selected(p.client));
    cr_assert_null(petls_conn_alpn_selected(p.sconn));
    tlspair_free(&p);
}

Test(alpn, server_without_alpn_selects_nothing)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "h2,http/1.1"), 0);
    tlspair_start(&p, "localhost");
    handshake_ok(&p);
    cr_assert_null(petls_conn_alpn_selected(p.client));
    cr_assert_null(petls_conn_alpn_selected(p.sconn));
    tlspair_free(&p);
}

/* ---- The callback ---- */

struct cb_record {
    int calls;
    int answer; /* index to return */
    char servername[64];
    char protocols[1024]; /* joined with ',' */
};

static int alpn_cb(struct petls *conn, const char *servername,
                   const char *const *protocols, size_t n, void *arg)
{
    struct cb_record *r = arg;
    size_t i;

    cr_assert_not_null(conn);
    r->calls++;
    snprintf(r->servername, sizeof(r->servername), "%s",
             servername != NULL ? servername : "(null)");
    r->protocols[0] = '\0';
    for (i = 0; i < n; i++) {
        if (i > 0)
            strcat(r->protocols, ",");
        strcat(r->protocols, protocols[i]);
    }
    cr_assert_null(protocols[n]);
    return r->answer;
}

static void callback_picks(uint32_t proto)
{
    struct cb_record r = {0, 2, "", ""};
    struct tlspair p;

    tlspair_init(&p);
    set_version(&p, proto);
    /* The server's list does not hold the client's protocols: the callback
     * replaces it. */
    cr_assert_eq(petls_config_set_alpn(p.scfg, "h2"), 0);
    cr_assert_eq(petls_config_set_alpn_cb(p.scfg, alpn_cb, &r), 0);
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "a,bb,ccc"), 0);
    tlspair_start(&p, "localhost");
    handshake_ok(&p);
    cr_assert_eq(r.calls, 1);
    cr_assert_str_eq(r.servername, "localhost");
    cr_assert_str_eq(r.protocols, "a,bb,ccc");
    cr_assert_str_eq(petls_conn_alpn_selected(p.client), "ccc");
    cr_assert_str_eq(petls_conn_alpn_selected(p.sconn), "ccc");
    tlspair_free(&p);
}

/* Rewrites the one record queued in q into two records of the same type,
 * the first carrying `first` bytes of its payload. */
static void split_first_record(struct mempipe_queue *q, size_t first)
{
    uint8_t hdr[5], *payload, *d;
    size_t plen;

    cr_assert_geq(q->len, 5);
    memcpy(hdr, q->data, 5);
    plen = (size_t)hdr[3] << 8 | hdr[4];
    cr_assert_eq(q->len, 5 + plen, "expected exactly one record queued");
    cr_assert_lt(first, plen);
    payload = malloc(plen);
    d = malloc(plen + 10);
    cr_assert(payload != NULL && d != NULL);
    memcpy(payload, q->data + 5, plen);
    memcpy(d, hdr, 3);
    d[3] = (uint8_t)(first >> 8);
    d[4] = (uint8_t)first;
    memcpy(d + 5, payload, first);
    memcpy(d + 5 + first, hdr, 3);
    d[8 + first] = (uint8_t)((plen - first) >> 8);
    d[9 + first] = (uint8_t)(plen - first);
    memcpy(d + 10 + first, payload + first, plen - first);
    free(q->data);
    free(payload);
    q->data = d;
    q->len = q->cap = plen + 10;
}

/* The callback runs on the engine's pre-parse of the ClientHello, which
 * reassembles one split over two records (its reassembly buffer is
 * allocated only then). */
static void callback_on_split_client_hello(uint32_t proto)
{
    struct cb_record r = {0, 1, "", ""};
    struct tlspair p;

    tlspair_init(&p);
    set_version(&p, proto);
    cr_assert_eq(petls_config_set_alpn_cb(p.scfg, alpn_cb, &r), 0);
    cr_assert_eq(petls_config_set_alpn(p.ccfg, "a,bb"), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    split_first_record(&p.pipe.c2s, 40);
    handshake_ok(&p);
    cr_assert_eq(r.calls, 1);
    cr_assert_str_eq(r.protocols, "a,bb");
    cr_assert_str_eq(petls_conn_alpn_selected(p.sconn), "bb");
    cr_assert_str_eq(petls_conn_alpn_selected(p.client), "bb");
    tlspair_free(&p);
}

Test(alpn_cb, split_client_hello_tls13)
{
    callback_on_split_client_hello(PETLS_PROTOCOL_TLSv1_3);
}
Test(alpn_cb, split_client_hello_tls12)
{
    callback_on_split_client_hello(PETLS_PROTOCOL_TLSv1_2);
}

Test(alpn_cb, picks_tls13)
{
    callback_picks(PETLS_PROTOCOL_TLSv1_3);
}
Test(alpn_cb, picks_tls12)
{
    callback_picks(PETLS_PROTOCOL_TLSv1_2);
}

static void callback_refuses(uint32_t proto)
{
    struct cb_record r = {0, -1, "", ""};
    struct tlspair p;

    tlspair_init(&p);
    set_version(&p, proto);
    cr_assert_eq(petls_config_set_alpn_cb(p.scfg, alpn_cb, &r), 0);
    /* Every one-byte name: the refusal must still find one not offered. */
    {
        char list[600];
        size_t i, n = 0;
        for (i = 1; i < 256; i++) {
            if (i == ',')
                continue;
            list[n++] = (char)i;
            list[n++] = ',';
        }
        list[n - 1] = '\0';
        cr_assert_eq(petls_config_set_alpn(p.ccfg, list), 0, "%s",
                     petls_config_error(p.ccfg));
    }
    petls_config_insecure_noverifyname(p.ccfg);
    tlspair_start(&p, NULL);
    cr_assert_neq(tlspair_handshake(&p), 0);
    cr_assert_eq(r.calls, 1);
    cr_assert_str_eq(r.servername, "(null)");
    cr_assert(strstr(petls_error(p.client),
                     "peer sent fatal alert no_application_protocol") != NULL,
              "client: %s", petls_error(p.client));
    cr_assert_eq(p.server_rc, -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "handshake: the ALPN callback refused the client's "
                     "protocols (sent no_application_protocol)");
    tlspair_free(&p);
}

Test(alpn_cb, refuses_tls13)
{
    callback_refuses(PETLS_PROTOCOL_TLSv1_3);
}
Test(alpn_cb, refuses_tls12)
{
    callback_refuses(PETLS_PROTOCOL_TLSv1_2);
}

Test(alpn_cb, not_called_without_offer)
{
    struct cb_record r = {0, 0, "", ""};
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_alpn_cb(p.scfg, alpn_cb, &r), 0);
    tlspair_start(&p, "localhost");
    handshake_ok(&p);
    cr_assert_eq(r.calls, 0);
    cr_assert_null(petls_conn_alpn_selected(p.sconn));
    tlspair_free(&p);
}

/* ---- Resumed connections ---- */

/* Two connections, the second resuming the first's session: ALPN is
 * negotiated again and both sides report it. With use_cb, the server's
 * callback picks (and is called on the resumed handshake too). */
static void resumed(uint32_t proto, int stateful, int use_cb)
{
    struct cb_record r = {0, 0, "", ""};
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, proto);
    if (stateful)
        cr_assert_eq(petls_config_set_session_tickets(f.scfg, 0), 0);
    cr_assert_eq(petls_config_set_alpn(f.scfg, "h2,http/1.1"), 0);
    if (use_cb)
        cr_assert_eq(petls_config_set_alpn_cb(f.scfg, alpn_cb, &r), 0);
    cr_assert_eq(petls_config_set_alpn(f.ccfg, "http/1.1,x"), 0);
    memset(&c, 0, sizeof(c));
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, &c), 0);
    cr_assert_str_eq(petls_conn_alpn_selected(c.client), "http/1.1");
    cr_assert_str_eq(petls_conn_alpn_selected(c.sconn), "http/1.1");
    tlsconn_free(&c);
    cr_assert(f.sess_len > 0, "no session to resume");
    memset(&c, 0, sizeof(c));
    cr_assert_eq(rfx_conn_offer(&f, f.sess, f.sess_len, &c), 1,
                 "did not resume");
    cr_assert_str_eq(petls_conn_alpn_selected(c.client), "http/1.1");
    cr_assert_str_eq(petls_conn_alpn_selected(c.sconn), "http/1.1");
    tlsconn_free(&c);
    if (use_cb)
        cr_assert_eq(r.calls, 2);
    rfx_free(&f);
}

Test(alpn_resumed, tls13)
{
    resumed(PETLS_PROTOCOL_TLSv1_3, 0, 0);
}
Test(alpn_resumed, tls12_ticket)
{
    resumed(PETLS_PROTOCOL_TLSv1_2, 0, 0);
}
/* Stateful mode needs the session cache (cmake/PetlsFeatures.cmake). */
Test(alpn_resumed, tls12_session_id, .disabled = !PETLS_WITH_SESSION_CACHE)
{
    resumed(PETLS_PROTOCOL_TLSv1_2, 1, 0);
}
Test(alpn_resumed, tls13_callback)
{
    resumed(PETLS_PROTOCOL_TLSv1_3, 0, 1);
}
Test(alpn_resumed, tls12_callback)
{
    resumed(PETLS_PROTOCOL_TLSv1_2, 0, 1);
}
