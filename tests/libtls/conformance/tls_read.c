/* tls_read(3): tls_handshake, tls_read, tls_write, tls_close. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lt_support.h"

static struct tls_config *scfg, *ccfg;
static struct lt_pair p;

static void open_pair(void)
{
    scfg = lt_server_config();
    ccfg = lt_client_config();
    cr_assert_eq(lt_pair_open(&p, scfg, ccfg, "localhost"), 0);
}

static void close_pair(void)
{
    lt_pair_close(&p);
    tls_config_free(scfg);
    tls_config_free(ccfg);
}

TestSuite(tls_read, .init = open_pair, .fini = close_pair);

/* "tls_handshake() ... returns TLS_WANT_POLLIN or TLS_WANT_POLLOUT" when
 * the underlying socket would block: the client's first call sends its
 * hello and must then wait for the server. */
Test(tls_read, handshake_wants_pollin_on_a_nonblocking_socket)
{
    cr_assert_eq(tls_handshake(p.client), TLS_WANT_POLLIN);
    cr_assert_null(tls_error(p.client));
}

/* "tls_handshake() explicitly performs the TLS handshake. It is only
 * necessary to call this function if you need to guarantee that the
 * handshake has completed": a second call is an error. */
Test(tls_read, second_handshake_fails)
{
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_eq(tls_handshake(p.client), -1);
    cr_assert_not_null(tls_error(p.client));
}

/* "tls_write() writes buflen bytes of data from buf to the socket ...
 * returns the number of bytes written"; "tls_read() reads buflen bytes ...
 * returns the number of bytes read"; the I/O calls leave errno 0. */
Test(tls_read, write_then_read_returns_byte_counts_and_clears_errno)
{
    char buf[64];
    ssize_t n = TLS_WANT_POLLIN;
    int i;

    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    errno = EBADF;
    cr_assert_eq(tls_write(p.client, "ping", 4), 4);
    cr_assert_eq(errno, 0);
    for (i = 0; i < 1000 && n == TLS_WANT_POLLIN; i++)
        n = tls_read(p.sconn, buf, sizeof(buf));
    cr_assert_eq(n, 4, "%s", tls_error(p.sconn));
    cr_assert_eq(memcmp(buf, "ping", 4), 0);
    errno = EBADF;
    cr_assert_eq(tls_read(p.sconn, buf, sizeof(buf)), TLS_WANT_POLLIN);
    cr_assert_eq(errno, 0);
}

/* tls_read() and tls_write() perform the handshake when it has not been
 * done ("the handshake will be performed automatically"). */
Test(tls_read, read_and_write_perform_the_handshake)
{
    char buf[8];
    ssize_t w = TLS_WANT_POLLIN, r = TLS_WANT_POLLIN;
    int i;

    for (i = 0; i < 10000 && (w < 0 || r < 0); i++) {
        if (w < 0)
            w = tls_write(p.client, "x", 1);
        if (r < 0)
            r = tls_read(p.sconn, buf, sizeof(buf));
        cr_assert(w != -1 && r != -1, "%s / %s", tls_error(p.client),
                  tls_error(p.sconn));
    }
    cr_assert_eq(w, 1);
    cr_assert_eq(r, 1);
    cr_assert_eq(buf[0], 'x');
}

/* "tls_close() closes a connection after use. Only the TLS layer will be
 * shut down": after it the peer reads 0 (end of data, close_notify), and
 * the socket stays open. */
Test(tls_read, close_sends_close_notify_and_peer_reads_zero)
{
    char buf[8];
    ssize_t n = TLS_WANT_POLLIN;
    int rc = TLS_WANT_POLLIN, i;

    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    for (i = 0; i < 1000 && (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT);
         i++) {
        rc = tls_close(p.client);
        if (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT)
            (void)tls_read(p.sconn, buf, sizeof(buf));
    }
    for (i = 0; i < 1000 && n == TLS_WANT_POLLIN; i++)
        n = tls_read(p.sconn, buf, sizeof(buf));
    cr_assert_eq(n, 0, "%s", tls_error(p.sconn));
    cr_assert_eq(fcntl(p.fds[0], F_GETFD) >= 0, 1, "socket still open");
}

/* libtls: an end of stream without close_notify reads as 0, and tls_close()
 * then reports the truncation. */
Test(tls_read, eof_without_close_notify_reads_zero_and_close_reports_it)
{
    char buf[8];
    ssize_t n = TLS_WANT_POLLIN;
    int i;

    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_eq(shutdown(p.fds[0], SHUT_WR), 0);
    for (i = 0; i < 1000 && n == TLS_WANT_POLLIN; i++)
        n = tls_read(p.sconn, buf, sizeof(buf));
    cr_assert_eq(n, 0, "%s", tls_error(p.sconn));
    cr_assert_eq(tls_close(p.sconn), -1);
    cr_assert_not_null(tls_error(p.sconn));
}

/* I/O on a context that is not connected fails with a message. */
Test(tls_read, io_on_an_unconnected_context_fails)
{
    struct tls *c = tls_client();
    char buf[4];

    cr_assert_eq(tls_configure(c, ccfg), 0);
    cr_assert_eq(tls_read(c, buf, sizeof(buf)), -1);
    cr_assert_not_null(tls_error(c));
    cr_assert_eq(tls_write(c, "x", 1), -1);
    cr_assert_eq(tls_handshake(c), -1);
    tls_free(c);
}
