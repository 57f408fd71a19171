/* tls_connect(3): tls_connect, tls_connect_servername, tls_connect_socket,
 * tls_connect_fds, tls_connect_cbs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lt_support.h"

static void read_hello(struct tls *c)
{
    char buf[16];
    ssize_t n;

    cr_assert_eq(tls_handshake(c), 0, "%s", tls_error(c));
    n = tls_read(c, buf, sizeof(buf));
    cr_assert_eq(n, 5, "%s", tls_error(c));
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
}

/* "tls_connect() connects a client context to the server named by host.
 * The port may be numeric or a service name"; the host is also the name
 * sent (SNI) and verified. */
Test(tls_connect, host_and_numeric_port)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_server srv;
    struct tls *c = tls_client();

    cr_assert_eq(lt_server_start(&srv, s), 0);
    cr_assert_eq(tls_configure(c, cc), 0);
    cr_assert_eq(tls_connect(c, "localhost", srv.port), 0, "%s", tls_error(c));
    read_hello(c);
    cr_assert_eq(lt_server_join(&srv), 0);
    cr_assert_str_eq(srv.servername, "localhost");
    tls_free(c);
    tls_config_free(s);
    tls_config_free(cc);
}

/* "If port is NULL, then a host of the format "hostname:port" is
 * permitted." An IP address is not sent as SNI (RFC 6066 §3). */
Test(tls_connect, host_colon_port_when_port_is_null)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_server srv;
    struct tls *c = tls_client();
    char hostport[32];

    cr_assert_eq(lt_server_start(&srv, s), 0);
    cr_assert_eq(tls_configure(c, cc), 0);
    snprintf(hostport, sizeof(hostport), "127.0.0.1:%s", srv.port);
    cr_assert_eq(tls_connect(c, hostport, NULL), 0, "%s", tls_error(c));
    read_hello(c);
    cr_assert_eq(lt_server_join(&srv), 0);
    cr_assert_str_eq(srv.servername, "", "no SNI for an IP address");
    tls_free(c);
    tls_config_free(s);
    tls_config_free(cc);
}

/* "tls_connect_servername() has the same behaviour as tls_connect(),
 * however the name to use for verification is explicitly provided". */
Test(tls_connect, servername_is_sent_and_verified)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_server srv;
    struct tls *c = tls_client();

    cr_assert_eq(lt_server_start(&srv, s), 0);
    cr_assert_eq(tls_configure(c, cc), 0);
    cr_assert_eq(
        tls_connect_servername(c, "127.0.0.1", srv.port, "name.petls.test"), 0,
        "%s", tls_error(c));
    read_hello(c);
    cr_assert_eq(lt_server_join(&srv), 0);
    cr_assert_str_eq(srv.servername, "name.petls.test");
    tls_free(c);
    tls_config_free(s);
    tls_config_free(cc);
}

/* A name the certificate does not hold fails verification. */
Test(tls_connect, wrong_servername_fails_the_handshake)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_server srv;
    struct tls *c = tls_client();

    cr_assert_eq(lt_server_start(&srv, s), 0);
    cr_assert_eq(tls_configure(c, cc), 0);
    cr_assert_eq(
        tls_connect_servername(c, "127.0.0.1", srv.port, "other.example"), 0);
    cr_assert_eq(tls_handshake(c), -1);
    cr_assert(strstr(tls_error(c), "other.example") != NULL, "%s",
              tls_error(c));
    tls_free(c);
    cr_assert_eq(lt_server_join(&srv), -1);
    tls_config_free(s);
    tls_config_free(cc);
}

/* tls_connect() to a port nobody listens on: -1, with a message. The port
 * is held by a bound socket that does not listen, so nobody else takes it. */
Test(tls_connect, refused_connection_fails)
{
    struct tls_config *cc = lt_client_config();
    struct tls *c = tls_client();
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char port[8];

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    snprintf(port, sizeof(port), "%u", (unsigned)ntohs(a.sin_port));
    cr_assert_eq(tls_configure(c, cc), 0);
    cr_assert_eq(tls_connect(c, "127.0.0.1", port), -1);
    cr_assert_not_null(tls_error(c));
    tls_free(c);
    close(fd);
    tls_config_free(cc);
}

/* "tls_connect_fds() connects a client context to a pair of existing file
 * descriptors". */
Test(tls_connect, fds)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_pair p;
    int rfd, wfd;

    cr_assert_eq(lt_pair_open(&p, s, cc, "localhost"), 0);
    /* Replace the client's connection by one on two descriptors. */
    tls_reset(p.client);
    cr_assert_eq(tls_configure(p.client, cc), 0);
    rfd = dup(p.fds[0]);
    wfd = dup(p.fds[0]);
    cr_assert_eq(tls_connect_fds(p.client, rfd, wfd, "localhost"), 0, "%s",
                 tls_error(p.client));
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
    lt_pair_close(&p);
    close(rfd);
    close(wfd);
    tls_config_free(s);
    tls_config_free(cc);
}

/* tls_connect_cbs(): "read_cb and write_cb ... return TLS_WANT_POLLIN or
 * TLS_WANT_POLLOUT" when they would block; cb_arg is passed through. */
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

Test(tls_connect, cbs)
{
    struct tls_config *s = lt_server_config(), *cc = lt_client_config();
    struct lt_pair p;
    struct cb_io io;

    cr_assert_eq(lt_pair_open(&p, s, cc, "localhost"), 0);
    tls_reset(p.client);
    cr_assert_eq(tls_configure(p.client, cc), 0);
    io.fd = p.fds[0];
    io.calls = 0;
    cr_assert_eq(tls_connect_cbs(p.client, cb_read, cb_write, &io, "localhost"),
                 0, "%s", tls_error(p.client));
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
    cr_assert_gt(io.calls, 2, "the callbacks carried the handshake");
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(cc);
}
