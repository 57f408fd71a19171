/* Records and endings over the in-memory pipe: data both ways, a clean
 * close_notify versus a truncated stream, handshake timeouts. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "testcerts.h"
#include "tlspair.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static void connected_pair(struct tlspair *p)
{
    tlspair_init(p);
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "client '%s', server '%s'",
                 petls_error(p->client), petls_error(p->sconn));
}

Test(io, large_transfer_both_ways)
{
    struct tlspair p;
    static unsigned char big[100000];
    size_t i;

    for (i = 0; i < sizeof(big); i++)
        big[i] = (unsigned char)(i * 7 + 3);
    connected_pair(&p);
    tlspair_transfer(p.client, p.sconn, big, sizeof(big));
    tlspair_transfer(p.sconn, p.client, big, sizeof(big));
    tlspair_free(&p);
}

Test(io, read_implies_handshake)
{
    struct tlspair p;
    char buf[16];
    ssize_t n = PETLS_WANT_POLLIN;
    int i;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    /* No explicit petls_handshake: write and read drive it. */
    for (i = 0; i < 100; i++) {
        ssize_t w = petls_write(p.client, "ping", 4);
        if (w == 4)
            break;
        cr_assert(w == PETLS_WANT_POLLIN || w == PETLS_WANT_POLLOUT, "%s",
                  petls_error(p.client));
        n = petls_read(p.sconn, buf, sizeof(buf));
        cr_assert(n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT, "%s",
                  petls_error(p.sconn));
    }
    for (i = 0; i < 100; i++) {
        n = petls_read(p.sconn, buf, sizeof(buf));
        if (n != PETLS_WANT_POLLIN)
            break;
    }
    cr_assert_eq(n, 4, "%s", petls_error(p.sconn));
    cr_assert(memcmp(buf, "ping", 4) == 0);
    cr_assert_str_eq(petls_conn_version(p.sconn), "TLSv1.3");
    tlspair_free(&p);
}

Test(io, close_notify_reads_zero)
{
    struct tlspair p;
    char buf[16];
    ssize_t n = -1;
    int i;

    connected_pair(&p);
    tlspair_transfer(p.client, p.sconn, "x", 1);
    cr_assert_eq(petls_close(p.client), 0, "%s", petls_error(p.client));
    for (i = 0; i < 10; i++) {
        n = petls_read(p.sconn, buf, sizeof(buf));
        if (n != PETLS_WANT_POLLIN)
            break;
    }
    cr_assert_eq(n, 0, "read %zd: %s", n, petls_error(p.sconn));
    cr_assert_null(petls_error(p.sconn));
    /* Further reads keep saying end of stream. */
    cr_assert_eq(petls_read(p.sconn, buf, sizeof(buf)), 0);
    cr_assert_eq(petls_close(p.sconn), 0, "%s", petls_error(p.sconn));
    /* Closing twice is harmless. */
    cr_assert_eq(petls_close(p.client), 0);
    /* Writing after close is an error. */
    cr_assert_eq(petls_write(p.client, "y", 1), -1);
    cr_assert_str_eq(petls_error(p.client), "connection is closed");
    tlspair_free(&p);
}

Test(io, truncation_is_an_error)
{
    struct tlspair p;
    char buf[16];
    ssize_t n = 0;
    int i;

    connected_pair(&p);
    tlspair_transfer(p.client, p.sconn, "x", 1);
    /* The client's transport ends without close_notify. */
    mempipe_close_write(&p.pipe.client);
    for (i = 0; i < 10; i++) {
        n = petls_read(p.sconn, buf, sizeof(buf));
        if (n != PETLS_WANT_POLLIN)
            break;
    }
    cr_assert_eq(n, -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "connection truncated: EOF without close_notify");
    /* The error sticks. */
    cr_assert_eq(petls_read(p.sconn, buf, sizeof(buf)), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "connection truncated: EOF without close_notify");
    /* Closing after a failure does not try to talk. */
    cr_assert_eq(petls_close(p.sconn), 0);
    tlspair_free(&p);
}

Test(io, eof_during_handshake)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    mempipe_close_write(&p.pipe.server); /* server goes away silently */
    cr_assert_eq(petls_handshake(p.client), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "handshake failed: connection closed by peer");
    tlspair_free(&p);
}

Test(io, handshake_timeout_client)
{
    struct tlspair p;
    char buf[4];

    /* Generous enough for a slow first flight (valgrind), short enough
     * to keep the test quick. */
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_handshake_timeout(p.ccfg, 400), 0);
    tlspair_start(&p, "localhost");
    /* The server is never driven: nobody answers the ClientHello. */
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN, "%s",
                 petls_error(p.client));
    sleep_ms(450);
    cr_assert_eq(petls_handshake(p.client), -1);
    cr_assert_str_eq(petls_error(p.client), "handshake timed out after 400 ms");
    cr_assert_eq(petls_read(p.client, buf, sizeof(buf)), -1);
    cr_assert_str_eq(petls_error(p.client), "handshake timed out after 400 ms");
    tlspair_free(&p);
}

Test(io, handshake_timeout_server)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_handshake_timeout(p.scfg, 200), 0);
    tlspair_start(&p, "localhost");
    /* The server waits for a ClientHello that never comes. */
    cr_assert_eq(petls_handshake(p.sconn), PETLS_WANT_POLLIN);
    sleep_ms(250);
    cr_assert_eq(petls_handshake(p.sconn), -1);
    cr_assert_str_eq(petls_error(p.sconn), "handshake timed out after 200 ms");
    tlspair_free(&p);
}

Test(io, handshake_timeout_disabled)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_handshake_timeout(p.ccfg, 0), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    sleep_ms(20);
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    /* Completing later still works. */
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    tlspair_free(&p);
}

Test(io, timeout_does_not_apply_after_handshake)
{
    struct tlspair p;
    char buf[4];

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_handshake_timeout(p.ccfg, 1500), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.client));
    sleep_ms(1600);
    cr_assert_eq(petls_read(p.client, buf, sizeof(buf)), PETLS_WANT_POLLIN,
                 "%s", petls_error(p.client));
    tlspair_transfer(p.sconn, p.client, "late", 4);
    tlspair_free(&p);
}

Test(io, server_context_has_no_connection)
{
    struct tlspair p;
    char buf[4];

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_read(p.server, buf, sizeof(buf)), -1);
    cr_assert_str_eq(petls_error(p.server),
                     "a server context has no connection: use the context "
                     "from petls_accept_*");
    tlspair_free(&p);
}

static ssize_t failing_write(struct petls *ctx, const void *buf, size_t len,
                             void *arg)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)arg;
    return -1;
}

Test(io, callback_failure_reported)
{
    struct petls *c = petls_client();
    struct petls_config *cfg = petls_config_new();
    struct mempipe pipe;

    mempipe_init(&pipe);
    cr_assert_eq(petls_configure(c, cfg), 0);
    cr_assert_eq(petls_connect_cbs(c, mempipe_read, failing_write, &pipe.client,
                                   "localhost"),
                 0);
    cr_assert_eq(petls_handshake(c), -1);
    cr_assert_str_eq(petls_error(c), "write callback failed");
    petls_free(c);
    petls_config_free(cfg);
    mempipe_free(&pipe);
}

Test(io, reset_allows_reconnect)
{
    struct tlspair p;

    connected_pair(&p);
    petls_reset(p.client);
    cr_assert_null(petls_conn_version(p.client));
    /* After reset the context has no config: connecting takes the
     * defaults and starts a fresh handshake. */
    mempipe_free(&p.pipe);
    mempipe_init(&p.pipe);
    cr_assert_eq(petls_connect_cbs(p.client, mempipe_read, mempipe_write,
                                   &p.pipe.client, "localhost"),
                 0, "%s", petls_error(p.client));
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    cr_assert(p.pipe.client.bytes_written > 0);
    tlspair_free(&p);
}

/* Drives both sides until the client's handshake is done (TLS 1.3: its
 * Finished is written) while the server still waits to read it. */
static void client_done_server_waiting(struct tlspair *p)
{
    int c = PETLS_WANT_POLLIN, s = PETLS_WANT_POLLIN, i;

    for (i = 0; i < 100 && c != 0; i++) {
        c = petls_handshake(p->client);
        cr_assert(c == 0 || c == PETLS_WANT_POLLIN, "client: %s",
                  petls_error(p->client));
        if (c != 0) {
            s = petls_handshake(p->sconn);
            cr_assert_eq(s, PETLS_WANT_POLLIN, "server: %s",
                         petls_error(p->sconn));
        }
    }
    cr_assert_eq(c, 0);
}

/* A TLS 1.3 client that completes its handshake and leaves before the
 * server's NewSessionTickets go out: the server's handshake succeeded (the
 * tickets are lost, nothing else), not "write callback failed" / "Broken
 * pipe"; the next read reports the peer's leaving. */
Test(io, client_leaving_before_tickets_is_a_handshake)
{
    struct tlspair p;
    char buf[16];

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    client_done_server_waiting(&p);
    /* The client is gone: the server's writes fail, its reads see EOF
     * after the Finished already queued. */
    mempipe_close_write(&p.pipe.server);
    mempipe_close_write(&p.pipe.client);
    cr_assert_eq(petls_handshake(p.sconn), 0, "%s", petls_error(p.sconn));
    cr_assert_str_eq(petls_conn_version(p.sconn), "TLSv1.3");
    cr_assert_eq(petls_read(p.sconn, buf, sizeof(buf)), -1);
    cr_assert_str_eq(petls_error(p.sconn),
                     "connection truncated: EOF without close_notify");
    tlspair_free(&p);
}

/* The same failure before the client's Finished arrived is a failed
 * handshake: nothing was verified yet. */
Test(io, server_write_failure_mid_handshake_fails)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    mempipe_close_write(&p.pipe.server);
    cr_assert_eq(petls_handshake(p.sconn), -1);
    cr_assert_str_eq(petls_error(p.sconn), "write callback failed");
    tlspair_free(&p);
}
