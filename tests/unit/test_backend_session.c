/* Session resumption in the mbedTLS backend, through pb_* directly over the
 * in-memory rings: the server's ticket and session-ID hooks (backed here by
 * a small table), the client's session export and import, pb_conn_resumed
 * in both roles, the stateful config variant, TLS 1.3 ticket counts and the
 * psk_ke mode. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_backend_util.h"

#define SW_ENTRIES 64

/* A store entry: a key (ticket id or session ID) and session bytes. */
struct sw_entry {
    uint8_t key[32];
    size_t key_len;
    uint8_t val[PB_SESSION_MAX];
    size_t val_len;
};

/* What the hooks do, and what they saw. */
struct sw_world {
    struct pb_config *ccfg, *scfg;
    struct tb_pair p;

    struct sw_entry table[SW_ENTRIES];
    size_t n_entries;
    unsigned next_ticket;

    /* Behaviour switches. */
    int refuse_make;   /* ticket_make returns -1 */
    int refuse_open;   /* ticket_open returns -1 */
    int tamper_open;   /* ticket_open / cache_get return damaged bytes */
    uint32_t lifetime; /* what ticket_make reports */

    /* Counters. */
    int n_make, n_open, n_open_ok, n_put, n_get, n_get_hit, n_client;
    uint16_t last_make_version;
    int bad_owner; /* a hook saw an owner other than this world */

    /* The client also offers the external PSK "dev1" (psk_key) and the
     * server knows it. */
    int offer_psk;
    int n_psk_lookup;

    /* The last session the client hook gave. */
    uint8_t sess[PB_SESSION_MAX];
    size_t sess_len;
};

static struct sw_entry *sw_find(struct sw_world *w, const uint8_t *key,
                                size_t len)
{
    size_t i;

    for (i = 0; i < w->n_entries; i++) {
        if (w->table[i].key_len == len &&
            memcmp(w->table[i].key, key, len) == 0) {
            return &w->table[i];
        }
    }
    return NULL;
}

static int sw_store(struct sw_world *w, const uint8_t *key, size_t key_len,
                    const uint8_t *sess, size_t len)
{
    struct sw_entry *e;

    cr_assert_leq(key_len, sizeof(e->key));
    cr_assert_leq(len, sizeof(e->val));
    cr_assert_lt(w->n_entries, SW_ENTRIES);
    e = &w->table[w->n_entries++];
    memcpy(e->key, key, key_len);
    e->key_len = key_len;
    memcpy(e->val, sess, len);
    e->val_len = len;
    return 0;
}

/* Hands an entry's bytes out in a buffer of their size (as the hooks'
 * contract says: the backend frees it), damaged when asked to. */
static int sw_give(struct sw_world *w, const struct sw_entry *e, uint8_t **sess,
                   size_t *out_len)
{
    uint8_t *out;

    *sess = NULL;
    if (e == NULL) {
        return -1;
    }
    out = petls_port_calloc(1, e->val_len);
    cr_assert_not_null(out);
    *sess = out;
    memcpy(out, e->val, e->val_len);
    *out_len = e->val_len;
    if (w->tamper_open == 1) {
        *out_len = e->val_len / 2; /* truncated */
    } else if (w->tamper_open == 2) {
        out[0] ^= 0xFF; /* not a session this backend wrote */
    }
    return 0;
}

static struct sw_world *owner_world(void *owner)
{
    return owner;
}

static int h_ticket_make(void *owner, uint16_t version, const uint8_t *sess,
                         size_t sess_len, uint8_t *out, size_t cap,
                         size_t *out_len, uint32_t *lifetime_s)
{
    struct sw_world *w = owner_world(owner);
    uint8_t id[8];

    w->n_make++;
    w->last_make_version = version;
    if (w->refuse_make) {
        return -1;
    }
    /* Tickets are ids into the table (the stateful mode's shape; a sealed
     * ticket is the same to the backend). */
    snprintf((char *)id, sizeof(id), "tk%05u", w->next_ticket++ % 100000u);
    if (cap < sizeof(id)) {
        return -1;
    }
    sw_store(w, id, sizeof(id), sess, sess_len);
    memcpy(out, id, sizeof(id));
    *out_len = sizeof(id);
    *lifetime_s = w->lifetime;
    return 0;
}

static int h_ticket_open(void *owner, const uint8_t *ticket, size_t ticket_len,
                         uint8_t **sess, size_t *sess_len)
{
    struct sw_world *w = owner_world(owner);

    w->n_open++;
    *sess = NULL;
    if (w->refuse_open) {
        return -1;
    }
    if (sw_give(w, sw_find(w, ticket, ticket_len), sess, sess_len) != 0) {
        return -1;
    }
    w->n_open_ok++;
    return 0;
}

static int h_cache_put(void *owner, const uint8_t *id, size_t id_len,
                       const uint8_t *sess, size_t sess_len)
{
    struct sw_world *w = owner_world(owner);

    w->n_put++;
    return sw_store(w, id, id_len, sess, sess_len);
}

static int h_cache_get(void *owner, const uint8_t *id, size_t id_len,
                       uint8_t **sess, size_t *sess_len)
{
    struct sw_world *w = owner_world(owner);

    w->n_get++;
    if (sw_give(w, sw_find(w, id, id_len), sess, sess_len) != 0) {
        return -1;
    }
    w->n_get_hit++;
    return 0;
}

static void h_client_session(void *owner, const uint8_t *sess, size_t len)
{
    struct sw_world *w = owner_world(owner);

    w->n_client++;
    cr_assert_leq(len, sizeof(w->sess));
    memcpy(w->sess, sess, len);
    w->sess_len = len;
}

static const uint8_t psk_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static int h_psk_lookup(void *owner, const uint8_t *identity, size_t id_len,
                        uint8_t *key, size_t cap, size_t *key_len)
{
    struct sw_world *w = owner_world(owner);

    w->n_psk_lookup++;
    if (id_len != 4 || memcmp(identity, "dev1", 4) != 0 ||
        cap < sizeof(psk_key)) {
        return -1;
    }
    memcpy(key, psk_key, sizeof(psk_key));
    *key_len = sizeof(psk_key);
    return 0;
}

static const struct pb_vhost_hooks vhooks = {
    .psk_lookup = h_psk_lookup,
};

static const struct pb_session_hooks hooks = {
    .ticket_make = h_ticket_make,
    .ticket_open = h_ticket_open,
    .cache_put = h_cache_put,
    .cache_get = h_cache_get,
    .client_session = h_client_session,
};

/* Server session settings. */
struct sw_mode {
    int tickets, tls12_tickets, session_ids;
    unsigned tls13_tickets;
    int psk_ke;
};

static struct sw_world *world_new(uint32_t cproto, uint32_t sproto,
                                  struct sw_mode m, int client_psk_ke)
{
    struct sw_world *w = calloc(1, sizeof(*w));
    struct pb_settings cs = tb_settings(cproto);
    struct pb_settings ss = tb_settings(sproto);

    cr_assert_not_null(w);
    w->lifetime = 7200;
    cs.session_hooks = &hooks;
    cs.tls12_tickets = 1; /* the client asks for TLS 1.2 tickets */
    cs.tls13_psk_ke = client_psk_ke;
    cs.psk = 1; /* PSK suites listed; used only when a PSK is offered */
    ss.psk = 1;
    ss.session_hooks = &hooks;
    ss.tickets = m.tickets;
    ss.tls12_tickets = m.tls12_tickets;
    ss.session_ids = m.session_ids;
    ss.tls13_tickets = m.tls13_tickets;
    ss.tls13_psk_ke = m.psk_ke;
    ss.ticket_lifetime_s = 300;
    w->ccfg = tb_config();
    w->scfg = tb_config();
    tb_add_ca(w->ccfg, "ca.pem");
    tb_add_keypair(w->scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w->ccfg, &cs);
    tb_freeze(w->scfg, &ss);
    return w;
}

static void world_free(struct sw_world *w)
{
    tb_pair_free(&w->p);
    pb_config_free(w->ccfg);
    pb_config_free(w->scfg);
    pb_zeroize(w, sizeof(*w));
    free(w);
}

/* A connected pair with owners, the client offering `session` (or none),
 * and the server connection made with no_tls12_tickets. */
static void pair_new(struct sw_world *w, const uint8_t *session, size_t len,
                     int no_tls12_tickets)
{
    struct tb_pair *p = &w->p;
    struct pb_conn_params cp, sp;
    char err[256] = "";

    tb_pair_free(p);
    memset(p, 0, sizeof(*p));
    p->cend.in = &p->s2c;
    p->cend.out = &p->c2s;
    p->send.in = &p->c2s;
    p->send.out = &p->s2c;
    memset(&cp, 0, sizeof(cp));
    cp.sni = "localhost";
    cp.verify_name = "localhost";
    cp.send = tb_send;
    cp.recv = tb_recv;
    cp.io = &p->cend;
    cp.owner = w;
    cp.session = session;
    cp.session_len = len;
    if (w->offer_psk) {
        cp.psk_identity = (const uint8_t *)"dev1";
        cp.psk_identity_len = 4;
        cp.psk_key = psk_key;
        cp.psk_key_len = sizeof(psk_key);
    }
    memset(&sp, 0, sizeof(sp));
    sp.is_server = 1;
    sp.send = tb_send;
    sp.recv = tb_recv;
    sp.io = &p->send;
    sp.owner = w;
    sp.no_tls12_tickets = no_tls12_tickets;
    sp.vhost = &vhooks;
    p->client = pb_conn_new(w->ccfg, &cp, err, sizeof(err));
    cr_assert_not_null(p->client, "%s", err);
    p->server = pb_conn_new(w->scfg, &sp, err, sizeof(err));
    cr_assert_not_null(p->server, "%s", err);
}

/* Application data both ways; the client's read also takes in the TLS 1.3
 * NewSessionTickets the server sent after its handshake. */
static void exchange(struct tb_pair *p)
{
    char err[256] = "";
    char buf[64];
    ssize_t n;

    cr_assert_eq(pb_conn_write(p->client, "ping", 4, err, sizeof(err)), 4, "%s",
                 err);
    n = pb_conn_read(p->server, buf, sizeof(buf), err, sizeof(err));
    cr_assert_eq(n, 4, "server read %zd: %s", n, err);
    cr_assert_eq(memcmp(buf, "ping", 4), 0);
    cr_assert_eq(pb_conn_write(p->server, "pong!", 5, err, sizeof(err)), 5,
                 "%s", err);
    n = pb_conn_read(p->client, buf, sizeof(buf), err, sizeof(err));
    cr_assert_eq(n, 5, "client read %zd: %s", n, err);
    cr_assert_eq(memcmp(buf, "pong!", 5), 0);
    /* Nothing else is pending: a ticket is never returned as data. */
    cr_assert_eq(pb_conn_read(p->client, buf, sizeof(buf), err, sizeof(err)),
                 PB_WANT_READ);
}

/* Handshake (must succeed), data; returns pb_conn_resumed of both sides,
 * asserting they agree. */
static int connect(struct sw_world *w, const uint8_t *session, size_t len,
                   int no_tls12_tickets)
{
    int rc, rs;

    pair_new(w, session, len, no_tls12_tickets);
    cr_assert_eq(tb_handshake(&w->p), 0, "client %d '%s' server %d '%s'",
                 w->p.crc, w->p.cerr, w->p.src, w->p.serr);
    exchange(&w->p);
    rc = pb_conn_resumed(w->p.client);
    rs = pb_conn_resumed(w->p.server);
    cr_assert_eq(rc, rs, "client resumed %d, server resumed %d", rc, rs);
    return rc;
}

/* Connects once with the last session the client hook gave (a copy: the
 * hook overwrites w->sess). */
static int reconnect(struct sw_world *w, int no_tls12_tickets)
{
    uint8_t *copy = malloc(PB_SESSION_MAX);
    size_t len = w->sess_len;
    int r;

    cr_assert_not_null(copy);
    cr_assert_gt(len, 0, "the client has no session to offer");
    memcpy(copy, w->sess, len);
    r = connect(w, copy, len, no_tls12_tickets);
    free(copy);
    return r;
}

static const struct sw_mode ids_only = {0, 0, 1, 0, 0};
static const struct sw_mode stateless = {1, 1, 1, 2, 0};
static const struct sw_mode stateful = {1, 0, 1, 2, 0};

Test(backend_session, tls12_session_id)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, ids_only, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(pb_conn_version(w->p.client), 0x0303);
    cr_assert_eq(w->n_put, 1);
    cr_assert_eq(w->table[0].key_len, 32, "a 32-byte session ID");
    cr_assert_eq(w->n_get, 0);
    cr_assert_eq(w->n_make, 0);
    cr_assert_eq(w->n_client, 1, "the TLS 1.2 session, at handshake end");

    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(w->n_get, 1);
    cr_assert_eq(w->n_get_hit, 1);
    cr_assert_eq(w->n_put, 1, "a resumed session is not stored again");
    cr_assert_eq(w->n_client, 2);

    /* And again from the session the resumed handshake gave. */
    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(w->n_get_hit, 2);
    world_free(w);
}

Test(backend_session, tls12_session_id_miss_and_damage)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOL_TLSv1_2, ids_only, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    w->tamper_open = 1;
    cr_assert_eq(reconnect(w, 0), 0, "truncated bytes: full handshake");
    cr_assert_eq(w->n_get_hit, 1, "the hook answered");
    w->tamper_open = 2;
    cr_assert_eq(reconnect(w, 0), 0, "foreign bytes: full handshake");
    w->tamper_open = 0;
    w->n_entries = 0; /* the store lost everything */
    cr_assert_eq(reconnect(w, 0), 0, "unknown ID: full handshake");
    cr_assert_eq(w->n_get, 3);
    world_free(w);
}

Test(backend_session, tls12_ticket)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateless, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 1);
    cr_assert_eq(w->last_make_version, 0x0303);
    /* A server that issues a ticket sends an empty session ID: nothing to
     * cache. */
    cr_assert_eq(w->n_put, 0);
    cr_assert_eq(w->n_client, 1);

    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(pb_conn_version(w->p.server), 0x0303);
    cr_assert_eq(w->n_open, 1);
    cr_assert_eq(w->n_open_ok, 1);
    cr_assert_eq(w->n_get, 0, "resumed by ticket, not by ID");
    world_free(w);
}

Test(backend_session, tls12_client_without_tickets_resumes_by_id)
{
    /* A client config with tls12_tickets 0 sends no ticket extension; a
     * ticket-issuing server then gives it a session ID, through the cache
     * hooks. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateless, 0);
    struct pb_settings cs = tb_settings(PETLS_PROTOCOL_TLSv1_2);

    pb_config_free(w->ccfg);
    cs.session_hooks = &hooks;
    w->ccfg = tb_config();
    tb_add_ca(w->ccfg, "ca.pem");
    tb_freeze(w->ccfg, &cs);
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 0);
    cr_assert_eq(w->n_put, 1);
    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(w->n_get_hit, 1);
    cr_assert_eq(w->n_open, 0);
    world_free(w);
}

Test(backend_session, tls13_ticket)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(pb_conn_version(w->p.client), 0x0304);
    cr_assert_eq(w->n_make, 2, "tls13_tickets = 2");
    cr_assert_eq(w->last_make_version, 0x0304);
    cr_assert_eq(w->n_client, 2, "one client session per ticket");
    cr_assert_eq(w->n_put, 0, "TLS 1.3 never stores by session ID");

    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(pb_conn_version(w->p.server), 0x0304);
    cr_assert_eq(w->n_open_ok, 1);
    /* mbedTLS renews with one ticket after a resumption. */
    cr_assert_eq(w->n_make, 3);
    cr_assert_eq(w->n_client, 3);
    cr_assert_eq(reconnect(w, 0), 1, "the renewed ticket resumes too");
    world_free(w);
}

Test(backend_session, tls13_ticket_count)
{
    struct sw_mode m = stateless;
    struct sw_world *w;

    m.tls13_tickets = 3;
    w = world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, m, 0);
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 3);
    cr_assert_eq(w->n_client, 3);
    world_free(w);

    m.tls13_tickets = 0;
    w = world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, m, 0);
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 0);
    cr_assert_eq(w->n_client, 0);
    world_free(w);
}

Test(backend_session, stateful_mode)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateful, 0);

    /* TLS 1.2 on the variant without ticket callbacks: a session ID. */
    cr_assert_eq(connect(w, NULL, 0, 1), 0);
    cr_assert_eq(w->n_make, 0);
    cr_assert_eq(w->n_put, 1);
    cr_assert_eq(reconnect(w, 1), 1);
    cr_assert_eq(w->n_get_hit, 1);
    cr_assert_eq(w->n_open, 0);
    tb_pair_free(&w->p);
    memset(&w->p, 0, sizeof(w->p));
    pb_config_free(w->ccfg);

    /* TLS 1.3 on the same server config: tickets (ids into the table). */
    {
        struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
        cs.session_hooks = &hooks;
        cs.tls12_tickets = 1;
        w->ccfg = tb_config();
        tb_add_ca(w->ccfg, "ca.pem");
        tb_freeze(w->ccfg, &cs);
    }
    w->sess_len = 0;
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(pb_conn_version(w->p.server), 0x0304);
    cr_assert_eq(w->n_make, 2);
    cr_assert_eq(w->n_put, 1, "no session-ID store for TLS 1.3");
    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(w->n_open_ok, 1);
    world_free(w);
}

Test(backend_session, stateful_main_config_gives_no_session_id)
{
    /* Why the variant exists: a TLS 1.2 handshake on the config with ticket
     * callbacks gets an empty session ID, so a client without ticket
     * support could never resume. Here the client supports tickets and
     * gets one, through ticket_make, not cache_put. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateful, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_put, 0);
    cr_assert_eq(w->n_make, 1);
    world_free(w);
}

Test(backend_session, refused_or_damaged_ticket_is_a_full_handshake)
{
    static const uint32_t protos[] = {PETLS_PROTOCOL_TLSv1_2,
                                      PETLS_PROTOCOLS_ALL};
    size_t i;

    for (i = 0; i < 2; i++) {
        struct sw_world *w =
            world_new(protos[i], PETLS_PROTOCOLS_ALL, stateless, 0);
        int makes;

        cr_assert_eq(connect(w, NULL, 0, 0), 0);
        w->refuse_open = 1;
        makes = w->n_make;
        cr_assert_eq(reconnect(w, 0), 0, "refused ticket (proto %zu)", i);
        cr_assert_eq(w->n_open, 1);
        cr_assert_gt(w->n_make, makes, "a fresh ticket after a refusal");
        w->refuse_open = 0;
        w->tamper_open = 1;
        cr_assert_eq(reconnect(w, 0), 0, "truncated session (proto %zu)", i);
        w->tamper_open = 2;
        cr_assert_eq(reconnect(w, 0), 0, "foreign session (proto %zu)", i);
        cr_assert_eq(w->n_open, 3);
        cr_assert_eq(w->n_open_ok, 2);
        w->tamper_open = 0;
        cr_assert_eq(reconnect(w, 0), 1, "a good ticket resumes (proto %zu)",
                     i);
        world_free(w);
    }
}

Test(backend_session, failed_ticket_make_does_not_fail_the_handshake)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);

    w->refuse_make = 1;
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 2);
    /* The stand-in tickets have lifetime 0: the client drops them. */
    cr_assert_eq(w->n_client, 0);
    world_free(w);

    w = world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateless, 0);
    w->refuse_make = 1;
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_make, 1);
    cr_assert_eq(w->n_client, 1, "a TLS 1.2 session without a ticket");
    cr_assert_eq(reconnect(w, 0), 0, "nothing to resume it by");
    world_free(w);
}

Test(backend_session, client_ignores_unusable_session_bytes)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);
    uint8_t junk[200];

    memset(junk, 0xA5, sizeof(junk));
    cr_assert_eq(connect(w, junk, sizeof(junk), 0), 0);
    cr_assert_eq(connect(w, junk, 5, 0), 0);
    /* A real session with its header damaged. */
    cr_assert_gt(w->sess_len, 0);
    w->sess[0] ^= 0xFF;
    cr_assert_eq(reconnect(w, 0), 0);
    world_free(w);
}

Test(backend_session, tls13_lifetime_is_capped_and_passed)
{
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);

    /* More than RFC 8446's 7 days would make mbedTLS fail the handshake;
     * the backend caps it and the ticket still works. */
    w->lifetime = 30u * 86400u;
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(w->n_client, 2);
    cr_assert_eq(reconnect(w, 0), 1);
    world_free(w);
}

/* Finds the psk_key_exchange_modes extension (type 45) in the client's
 * first flight and returns its modes as a bit set (1 << mode), or -1. */
static int client_hello_psk_modes(struct sw_world *w)
{
    struct tb_ring *r = &w->p.c2s;
    uint8_t buf[TB_RING_CAP];
    size_t i, n = r->len;

    for (i = 0; i < n; i++) {
        buf[i] = r->data[(r->head + i) % TB_RING_CAP];
    }
    /* 00 2d | len | list len | modes: the pattern is specific enough in a
     * ClientHello that offers a ticket (random bytes aside). */
    for (i = 0; i + 5 < n; i++) {
        if (buf[i] == 0x00 && buf[i + 1] == 0x2d && buf[i + 2] == 0x00 &&
            buf[i + 3] >= 2 && buf[i + 3] <= 3 &&
            buf[i + 4] == buf[i + 3] - 1) {
            int bits = 0;
            size_t k;
            for (k = 0; k < buf[i + 4]; k++) {
                bits |= 1 << buf[i + 5 + k];
            }
            return bits;
        }
    }
    return -1;
}

Test(backend_session, psk_ke_mode)
{
    struct sw_mode m = stateless;
    int client_psk_ke;

    m.psk_ke = 1;
    for (client_psk_ke = 0; client_psk_ke <= 1; client_psk_ke++) {
        struct sw_world *w = world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL,
                                       m, client_psk_ke);
        char err[256] = "";
        uint8_t *copy = malloc(PB_SESSION_MAX);
        size_t len;
        int modes;

        cr_assert_eq(connect(w, NULL, 0, 0), 0);
        len = w->sess_len;
        memcpy(copy, w->sess, len);
        pair_new(w, copy, len, 0);
        /* The client's first flight only. */
        cr_assert_eq(pb_conn_handshake(w->p.client, err, sizeof(err)),
                     PB_WANT_READ, "%s", err);
        modes = client_hello_psk_modes(w);
        /* psk_dhe_ke (1) always; psk_ke (0) only when asked for. */
        cr_assert_eq(modes, client_psk_ke ? 0x3 : 0x2, "modes %#x", modes);
        cr_assert_eq(tb_handshake(&w->p), 0, "client %d '%s' server %d '%s'",
                     w->p.crc, w->p.cerr, w->p.src, w->p.serr);
        cr_assert_eq(pb_conn_resumed(w->p.client), 1);
        cr_assert_eq(pb_conn_resumed(w->p.server), 1);
        free(copy);
        world_free(w);
    }
}

Test(backend_session, no_hooks_no_resumption)
{
    /* Without hooks the client asks for no ticket and keeps nothing; the
     * server issues none. */
    struct pb_config *ccfg = tb_config(), *scfg = tb_config();
    struct pb_settings cs = tb_settings(PETLS_PROTOCOLS_ALL);
    struct pb_settings ss = tb_settings(PETLS_PROTOCOLS_ALL);
    struct tb_pair p;

    tb_add_ca(ccfg, "ca.pem");
    tb_add_keypair(scfg, "server-ecdsa.pem", "server-ecdsa.key");
    ss.tickets = 1;
    ss.tls13_tickets = 2;
    tb_freeze(ccfg, &cs);
    tb_freeze(scfg, &ss);
    tb_pair_new(&p, ccfg, scfg, "localhost", "localhost");
    cr_assert_eq(tb_handshake(&p), 0, "client %d '%s' server %d '%s'", p.crc,
                 p.cerr, p.src, p.serr);
    cr_assert_eq(pb_conn_resumed(p.client), 0);
    cr_assert_eq(pb_conn_resumed(p.server), 0);
    tb_pair_free(&p);
    pb_config_free(ccfg);
    pb_config_free(scfg);
}

/* Rewrites the wall-clock stamp (bytes 1..8, big endian) of session bytes
 * to an hour ago. */
static void stamp_hour_ago(uint8_t *sess, size_t len)
{
    uint64_t t = (uint64_t)(time(NULL) - 3600);
    int i;

    cr_assert_gt(len, 9);
    for (i = 8; i >= 1; i--) {
        sess[i] = (uint8_t)t;
        t >>= 8;
    }
}

Test(backend_session, tls13_ticket_age_follows_the_wall_clock)
{
    /* When the stored wall-clock time and this process's monotonic clock
     * disagree (a session from another machine, or kept over a reboot),
     * the wall clock wins. Here the stamps claim an hour, the monotonic
     * clock a few milliseconds: on the server, the ticket's age no longer
     * matches the client's (RFC 8446 4.2.10), so it does not resume; on
     * the client likewise. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);
    size_t i;

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    for (i = 0; i < w->n_entries; i++) {
        stamp_hour_ago(w->table[i].val, w->table[i].val_len);
    }
    cr_assert_eq(reconnect(w, 0), 0, "server-side age rebased");
    cr_assert_eq(w->n_open_ok, 1, "the ticket itself opened");

    cr_assert_eq(reconnect(w, 0), 1, "a fresh ticket resumes");
    stamp_hour_ago(w->sess, w->sess_len);
    cr_assert_eq(reconnect(w, 0), 0, "client-side age rebased");
    world_free(w);
}

Test(backend_session, external_psk_is_not_a_resumption)
{
    /* TLS 1.2: the client offers a session the server refuses, and a PSK
     * suite: a full handshake without certificates, not a resumption. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOL_TLSv1_2, PETLS_PROTOCOLS_ALL, stateless, 0);
    uint8_t *copy = malloc(PB_SESSION_MAX);
    size_t len;

    static const uint16_t ecdhe_psk[] = {0xCCAC};
    struct pb_settings cs = tb_settings(PETLS_PROTOCOL_TLSv1_2);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    len = w->sess_len;
    memcpy(copy, w->sess, len);
    /* A client that offers only ECDHE-PSK-CHACHA20-POLY1305. */
    tb_pair_free(&w->p);
    memset(&w->p, 0, sizeof(w->p));
    pb_config_free(w->ccfg);
    cs.session_hooks = &hooks;
    cs.tls12_tickets = 1;
    cs.psk = 1;
    cs.ciphers = ecdhe_psk;
    cs.n_ciphers = 1;
    w->ccfg = tb_config();
    tb_add_ca(w->ccfg, "ca.pem");
    tb_freeze(w->ccfg, &cs);
    w->offer_psk = 1;
    w->refuse_open = 1;
    pair_new(w, copy, len, 0);
    cr_assert_eq(tb_handshake(&w->p), 0, "client %d '%s' server %d '%s'",
                 w->p.crc, w->p.cerr, w->p.src, w->p.serr);
    cr_assert_eq(w->n_psk_lookup, 1, "a PSK suite was negotiated");
    cr_assert_eq(pb_conn_resumed(w->p.client), 0);
    cr_assert_eq(pb_conn_resumed(w->p.server), 0);
    cr_assert_str_eq(pb_conn_psk_identity(w->p.server), "dev1");
    world_free(w);

    /* TLS 1.3: the ticket opens but is unusable (its age is off by an
     * hour), so the server takes the external PSK that follows it. The
     * server says "not resumed"; the client cannot tell (see
     * mbedtls_session.c) and is not asserted. */
    w = world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    len = w->sess_len;
    memcpy(copy, w->sess, len);
    stamp_hour_ago(copy, len);
    w->offer_psk = 1;
    pair_new(w, copy, len, 0);
    cr_assert_eq(tb_handshake(&w->p), 0, "client %d '%s' server %d '%s'",
                 w->p.crc, w->p.cerr, w->p.src, w->p.serr);
    cr_assert_eq(pb_conn_version(w->p.server), 0x0304);
    cr_assert_eq(w->n_open_ok, 1, "the ticket opened");
    cr_assert_eq(w->n_psk_lookup, 1);
    cr_assert_eq(pb_conn_resumed(w->p.server), 0);
    cr_assert_str_eq(pb_conn_psk_identity(w->p.server), "dev1");
    free(copy);
    world_free(w);
}

/* ---- Threads: the session callbacks find their connection per thread ---- */

/* Enough rounds that a process-wide "current connection" fails this test
 * (checked: with PETLS_SINGLE_THREADED it does, at 25-30 rounds). */
#define TH_THREADS 4
#define TH_ROUNDS 25

struct th_job {
    struct sw_world *w; /* this thread's owner; configs shared */
    int good;           /* rounds that resumed on both sides */
};

/* Builds a pair without asserting (asserts must stay on the main thread). */
static int th_pair(struct sw_world *w, const uint8_t *sess, size_t len)
{
    struct tb_pair *p = &w->p;
    struct pb_conn_params cp, sp;
    char err[128];

    memset(p, 0, sizeof(*p));
    p->cend.in = &p->s2c;
    p->cend.out = &p->c2s;
    p->send.in = &p->c2s;
    p->send.out = &p->s2c;
    memset(&cp, 0, sizeof(cp));
    cp.sni = "localhost";
    cp.verify_name = "localhost";
    cp.send = tb_send;
    cp.recv = tb_recv;
    cp.io = &p->cend;
    cp.owner = w;
    cp.session = sess;
    cp.session_len = len;
    memset(&sp, 0, sizeof(sp));
    sp.is_server = 1;
    sp.send = tb_send;
    sp.recv = tb_recv;
    sp.io = &p->send;
    sp.owner = w;
    p->client = pb_conn_new(w->ccfg, &cp, err, sizeof(err));
    p->server = pb_conn_new(w->scfg, &sp, err, sizeof(err));
    if (p->client == NULL || p->server == NULL || tb_handshake(p) != 0) {
        return -1;
    }
    /* Server data makes the client take in the ticket before it. */
    if (pb_conn_write(p->server, "t", 1, err, sizeof(err)) != 1) {
        return -1;
    }
    {
        char b[8];
        if (pb_conn_read(p->client, b, sizeof(b), err, sizeof(err)) != 1) {
            return -1;
        }
    }
    return 0;
}

static void *th_run(void *arg)
{
    struct th_job *j = arg;
    struct sw_world *w = j->w;
    uint8_t *copy = malloc(PB_SESSION_MAX);
    int i;

    for (i = 0; copy != NULL && i < TH_ROUNDS; i++) {
        size_t len;
        int ok;

        w->sess_len = 0;
        ok = th_pair(w, NULL, 0) == 0 && w->sess_len > 0;
        tb_pair_free(&w->p);
        if (!ok) {
            continue;
        }
        len = w->sess_len;
        memcpy(copy, w->sess, len);
        ok = th_pair(w, copy, len) == 0 && pb_conn_resumed(w->p.client) == 1 &&
             pb_conn_resumed(w->p.server) == 1;
        tb_pair_free(&w->p);
        j->good += ok;
    }
    free(copy);
    return NULL;
}

Test(backend_session, threads_share_configs_keep_owners_apart)
{
    struct sw_mode m = stateless;
    struct sw_world *cfgs, *w[TH_THREADS];
    struct th_job jobs[TH_THREADS];
    pthread_t t[TH_THREADS];
    int i;

    m.tls13_tickets = 1;
    cfgs = world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, m, 0);
    for (i = 0; i < TH_THREADS; i++) {
        w[i] = calloc(1, sizeof(*w[i]));
        cr_assert_not_null(w[i]);
        w[i]->ccfg = cfgs->ccfg;
        w[i]->scfg = cfgs->scfg;
        w[i]->lifetime = 7200;
        jobs[i].w = w[i];
        jobs[i].good = 0;
    }
    for (i = 0; i < TH_THREADS; i++) {
        cr_assert_eq(pthread_create(&t[i], NULL, th_run, &jobs[i]), 0);
    }
    for (i = 0; i < TH_THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    for (i = 0; i < TH_THREADS; i++) {
        /* Every callback reached its own connection's owner: each world
         * saw exactly its own tickets (one per handshake), opened each
         * once, and its client got each. */
        cr_assert_eq(jobs[i].good, TH_ROUNDS, "thread %d resumed %d of %d", i,
                     jobs[i].good, TH_ROUNDS);
        cr_assert_eq(w[i]->n_make, 2 * TH_ROUNDS, "thread %d", i);
        cr_assert_eq(w[i]->n_open_ok, TH_ROUNDS, "thread %d", i);
        cr_assert_eq(w[i]->n_client, 2 * TH_ROUNDS, "thread %d", i);
        pb_zeroize(w[i], sizeof(*w[i]));
        free(w[i]);
    }
    world_free(cfgs);
}

/* Replaces the server config with one for `protocols` (same hooks). */
static void new_server(struct sw_world *w, uint32_t protocols)
{
    struct pb_settings ss = tb_settings(protocols);

    tb_pair_free(&w->p);
    memset(&w->p, 0, sizeof(w->p));
    pb_config_free(w->scfg);
    ss.session_hooks = &hooks;
    ss.tickets = stateless.tickets;
    ss.tls12_tickets = stateless.tls12_tickets;
    ss.session_ids = stateless.session_ids;
    ss.tls13_tickets = stateless.tls13_tickets;
    w->scfg = tb_config();
    tb_add_keypair(w->scfg, "server-ecdsa.pem", "server-ecdsa.key");
    tb_freeze(w->scfg, &ss);
}

Test(backend_session, tls13_session_to_a_server_without_tls13)
{
    /* mbedTLS pins a resuming client to the session's version: with a TLS
     * 1.3 session it offers TLS 1.3 only, so a server that dropped TLS 1.3
     * fails the handshake. The error says so; without the session the
     * client connects. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOLS_ALL, stateless, 0);
    uint8_t *copy = malloc(PB_SESSION_MAX);
    size_t len;

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    len = w->sess_len;
    memcpy(copy, w->sess, len);
    new_server(w, PETLS_PROTOCOL_TLSv1_2);
    pair_new(w, copy, len, 0);
    cr_assert_neq(tb_handshake(&w->p), 0);
    cr_assert_eq(w->p.crc, PB_ERR, "client %d '%s'", w->p.crc, w->p.cerr);
    cr_assert(strstr(w->p.cerr, " (the TLS 1.3 session offered limits this "
                                "handshake to TLS 1.3; connect again "
                                "without it)") != NULL,
              "%s", w->p.cerr);
    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    cr_assert_eq(pb_conn_version(w->p.client), 0x0303);
    free(copy);
    world_free(w);
}

Test(backend_session, tls12_session_keeps_tls12_while_it_resumes)
{
    /* The other direction of the same mbedTLS behaviour: a TLS 1.2 session
     * offered to a server that now has TLS 1.3 resumes in TLS 1.2. */
    struct sw_world *w =
        world_new(PETLS_PROTOCOLS_ALL, PETLS_PROTOCOL_TLSv1_2, stateless, 0);

    cr_assert_eq(connect(w, NULL, 0, 0), 0);
    new_server(w, PETLS_PROTOCOLS_ALL);
    cr_assert_eq(reconnect(w, 0), 1);
    cr_assert_eq(pb_conn_version(w->p.client), 0x0303);
    world_free(w);
}
