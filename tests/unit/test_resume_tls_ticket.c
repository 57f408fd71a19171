/* petls_conn_tls_ticket (Node's getTLSTicket()): the ticket a petls
 * server sent, on the client, TLS 1.2 and 1.3; none on servers, before
 * the handshake, or from a server in stateful mode. Against real servers:
 * tests/interop/tls_ticket.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "test_resume_util.h"

/* One connection kept open; returns the client's ticket length. */
static ssize_t ticket_of(struct rfx *f, struct tlsconn *c, int offer,
                         uint8_t *buf, size_t cap)
{
    ssize_t n;

    memset(c, 0, sizeof(*c));
    cr_assert_eq(rfx_conn_offer(f, offer ? f->sess : NULL,
                                offer ? f->sess_len : 0, c),
                 offer);
    n = petls_conn_tls_ticket(c->client, NULL, 0);
    if (n > 0) {
        cr_assert((size_t)n <= cap);
        cr_assert_eq(petls_conn_tls_ticket(c->client, buf, cap), n);
        /* A short buffer gets the start; the full size comes back. */
        cr_assert_eq(petls_conn_tls_ticket(c->client, buf, 1), n);
    }
    return n;
}

static void tickets(uint32_t protocols)
{
    struct rfx f;
    struct tlsconn c1, c2, c3;
    uint8_t t1[2048], t2[2048], t3[2048];
    ssize_t n1, n2, n3;

    rfx_init(&f, protocols);
    n1 = ticket_of(&f, &c1, 0, t1, sizeof(t1));
    cr_assert(n1 > 32, "ticket length %zd: %s", n1, petls_error(c1.client));
    /* A server has none (Node: undefined). */
    cr_assert_eq(petls_conn_tls_ticket(c1.sconn, NULL, 0), -1);
    cr_assert_str_eq(petls_error(c1.sconn),
                     "no session ticket: a server does not receive one");
    cr_assert_eq(petls_error_code(c1.sconn), PETLS_ERROR_INVALID_CONTEXT);
    n2 = ticket_of(&f, &c2, 0, t2, sizeof(t2));
    cr_assert(n2 > 32);
    cr_assert(n1 != n2 || memcmp(t1, t2, (size_t)n1) != 0,
              "the same ticket twice");
    /* Resuming the second session: TLS 1.3 gets a new ticket; mbedTLS's
     * TLS 1.2 server sends none then, and the client keeps the one it
     * resumed with (as OpenSSL's SSL_SESSION does for Node). */
    n3 = ticket_of(&f, &c3, 1, t3, sizeof(t3));
    cr_assert(n3 > 32);
    if (protocols == PETLS_PROTOCOL_TLSv1_2)
        cr_assert(n3 == n2 && memcmp(t3, t2, (size_t)n2) == 0,
                  "resumed TLS 1.2: not the ticket resumed with");
    else
        cr_assert(n3 != n2 || memcmp(t3, t2, (size_t)n2) != 0,
                  "resumed TLS 1.3: no new ticket");
    tlsconn_free(&c1);
    tlsconn_free(&c2);
    tlsconn_free(&c3);
    rfx_free(&f);
}

Test(tls_ticket, tls12)
{
    tickets(PETLS_PROTOCOL_TLSv1_2);
}

Test(tls_ticket, tls13)
{
    tickets(PETLS_PROTOCOL_TLSv1_3);
}

Test(tls_ticket, before_handshake_and_null)
{
    struct tlspair p;

    cr_assert_eq(petls_conn_tls_ticket(NULL, NULL, 0), -1);
    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_conn_tls_ticket(p.client, NULL, 0), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "no session ticket: the handshake is not complete");
    tlspair_free(&p);
}

/* A TLS 1.2 server resuming by session ID (stateful) sends no ticket. */
Test(tls_ticket, stateful_tls12_has_none)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert_eq(petls_config_set_session_tickets(f.scfg, 0), 0, "%s",
                 petls_config_error(f.scfg));
    memset(&c, 0, sizeof(c));
    rfx_conn_offer(&f, NULL, 0, &c);
    cr_assert_eq(petls_conn_tls_ticket(c.client, NULL, 0), -1);
    cr_assert_str_eq(petls_error(c.client),
                     "no session ticket received on this connection");
    tlsconn_free(&c);
    rfx_free(&f);
}
