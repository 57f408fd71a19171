/* tls_accept_socket(3): tls_accept_socket, tls_accept_fds, tls_accept_cbs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lt_support.h"

static int drive(struct tls *client, struct tls *sconn)
{
    int c = 1, s = 1, i;

    for (i = 0; i < 10000 && (c != 0 || s != 0); i++) {
        if (c != 0)
            c = tls_handshake(client);
        if (s != 0)
            s = tls_handshake(sconn);
        if (c == -1 || s == -1)
            return -1;
    }
    return c == 0 && s == 0 ? 0 : -1;
}

/* "tls_accept_socket() ... creates a new context suitable for reading and
 * writing on an already established socket connection": one server
 * context accepts several connections, each its own context. */
Test(tls_accept_socket, one_server_context_many_connections)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct tls *server = tls_server();
    int k;

    cr_assert_eq(tls_configure(server, s), 0);
    for (k = 0; k < 3; k++) {
        int fds[2];
        struct tls *sconn = NULL, *client = tls_client();

        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds),
                     0);
        cr_assert_eq(tls_accept_socket(server, &sconn, fds[1]), 0, "%s",
                     tls_error(server));
        cr_assert_not_null(sconn);
        cr_assert_neq(sconn, server);
        cr_assert_eq(tls_configure(client, cc), 0);
        cr_assert_eq(tls_connect_socket(client, fds[0], "localhost"), 0);
        cr_assert_eq(drive(client, sconn), 0, "%s / %s", tls_error(client),
                     tls_error(sconn));
        tls_free(client);
        tls_free(sconn);
        close(fds[0]);
        close(fds[1]);
    }
    tls_free(server);
    tls_config_free(s);
    tls_config_free(cc);
}

/* Accepting on a client context is an invalid operation. */
Test(tls_accept_socket, client_context_cannot_accept)
{
    struct tls *c = tls_client();
    struct tls *cctx = NULL;

    cr_assert_eq(tls_configure(c, NULL), 0);
    cr_assert_eq(tls_accept_socket(c, &cctx, 0), -1);
    cr_assert_null(cctx);
    cr_assert_eq(tls_error_code(c), TLS_ERROR_INVALID_CONTEXT);
    tls_free(c);
}

/* "tls_accept_fds() ... on a pair of existing file descriptors". */
Test(tls_accept_socket, fds)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct tls *server = tls_server(), *sconn = NULL, *client = tls_client();
    int fds[2], rfd, wfd;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    rfd = dup(fds[1]);
    wfd = dup(fds[1]);
    cr_assert_eq(tls_configure(server, s), 0);
    cr_assert_eq(tls_accept_fds(server, &sconn, rfd, wfd), 0, "%s",
                 tls_error(server));
    cr_assert_eq(tls_configure(client, cc), 0);
    cr_assert_eq(tls_connect_socket(client, fds[0], "localhost"), 0);
    cr_assert_eq(drive(client, sconn), 0);
    tls_free(client);
    tls_free(sconn);
    tls_free(server);
    close(rfd);
    close(wfd);
    close(fds[0]);
    close(fds[1]);
    tls_config_free(s);
    tls_config_free(cc);
}

/* "tls_accept_cbs() allows read and write callback functions to handle
 * data transfer. The specified cb_arg parameter is passed back to the
 * functions". */
struct cb_io {
    int fd;
    int calls;
};

static ssize_t cb_read(struct tls *ctx, void *buf, size_t len, void *arg)
{
    struct cb_io *io = arg;
    ssize_t n = read(io->fd, buf, len);

    (void)ctx;
    io->calls++;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TLS_WANT_POLLIN;
    return n;
}

static ssize_t cb_write(struct tls *ctx, const void *buf, size_t len, void *arg)
{
    struct cb_io *io = arg;
    ssize_t n = write(io->fd, buf, len);

    (void)ctx;
    io->calls++;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TLS_WANT_POLLOUT;
    return n;
}

Test(tls_accept_socket, cbs)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct tls *server = tls_server(), *sconn = NULL, *client = tls_client();
    struct cb_io io;
    int fds[2];

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    io.fd = fds[1];
    io.calls = 0;
    cr_assert_eq(tls_configure(server, s), 0);
    cr_assert_eq(tls_accept_cbs(server, &sconn, cb_read, cb_write, &io), 0,
                 "%s", tls_error(server));
    cr_assert_eq(tls_configure(client, cc), 0);
    cr_assert_eq(tls_connect_socket(client, fds[0], "localhost"), 0);
    cr_assert_eq(drive(client, sconn), 0);
    cr_assert_gt(io.calls, 2);
    tls_free(client);
    tls_free(sconn);
    tls_free(server);
    close(fds[0]);
    close(fds[1]);
    tls_config_free(s);
    tls_config_free(cc);
}
