/* Descriptor I/O through the POSIX port: socket pairs (non-blocking and
 * blocking), the handshake timeout on a blocking socket, TCP connect by
 * host and port, and who closes which descriptor. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "petls.h"
#include "testcerts.h"

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int fd_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static struct petls_config *server_config(void)
{
    struct petls_config *cfg = petls_config_new();

    cr_assert_eq(petls_config_set_keypair_file(cfg,
                                               cert_path("server-ecdsa.pem"),
                                               cert_path("server-ecdsa.key")),
                 0, "%s", petls_config_error(cfg));
    return cfg;
}

static struct petls_config *client_config(void)
{
    struct petls_config *cfg = petls_config_new();

    cr_assert_eq(petls_config_set_ca_file(cfg, cert_path("ca.pem")), 0);
    return cfg;
}

Test(fds, nonblocking_socketpair)
{
    int sv[2], i, crc = PETLS_WANT_POLLOUT, src = PETLS_WANT_POLLIN;
    struct petls_config *scfg = server_config(), *ccfg = client_config();
    struct petls *srv = petls_server(), *conn = NULL, *cli = petls_client();
    char buf[8];
    ssize_t n = PETLS_WANT_POLLIN;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    cr_assert_eq(petls_configure(srv, scfg), 0);
    cr_assert_eq(petls_configure(cli, ccfg), 0);
    cr_assert_eq(petls_accept_socket(srv, &conn, sv[1]), 0, "%s",
                 petls_error(srv));
    cr_assert_eq(petls_connect_socket(cli, sv[0], "localhost"), 0, "%s",
                 petls_error(cli));
    for (i = 0; i < 100 && (crc != 0 || src != 0); i++) {
        if (crc != 0)
            crc = petls_handshake(cli);
        if (src != 0)
            src = petls_handshake(conn);
        cr_assert(crc != -1, "client: %s", petls_error(cli));
        cr_assert(src != -1, "server: %s", petls_error(conn));
    }
    cr_assert_eq(crc, 0);
    cr_assert_eq(src, 0);
    cr_assert_eq(petls_conn_authorized(cli), 1);
    cr_assert_eq(petls_write(cli, "abc", 3), 3);
    for (i = 0; i < 10 && n == PETLS_WANT_POLLIN; i++)
        n = petls_read(conn, buf, sizeof(buf));
    cr_assert_eq(n, 3, "%s", petls_error(conn));
    cr_assert_eq(petls_close(cli), 0, "%s", petls_error(cli));
    /* Sockets handed in are the caller's: petls never closes them. */
    cr_assert(fd_open(sv[0]));
    petls_free(cli);
    petls_free(conn);
    cr_assert(fd_open(sv[0]));
    cr_assert(fd_open(sv[1]));
    petls_free(srv);
    petls_config_free(scfg);
    petls_config_free(ccfg);
    close(sv[0]);
    close(sv[1]);
}

/* Two pipes instead of a socket: the port falls back from send() to
 * write() on descriptors that are not sockets. */
Test(fds, pipes_accept_fds_connect_fds)
{
    int c2s[2], s2c[2], i, crc = PETLS_WANT_POLLOUT, src = PETLS_WANT_POLLIN;
    struct petls_config *scfg = server_config(), *ccfg = client_config();
    struct petls *srv = petls_server(), *conn = NULL, *cli = petls_client();
    char buf[8];
    ssize_t n = PETLS_WANT_POLLIN;

    cr_assert_eq(pipe(c2s), 0);
    cr_assert_eq(pipe(s2c), 0);
    for (i = 0; i < 2; i++) {
        fcntl(c2s[i], F_SETFL, O_NONBLOCK);
        fcntl(s2c[i], F_SETFL, O_NONBLOCK);
    }
    cr_assert_eq(petls_configure(srv, scfg), 0);
    cr_assert_eq(petls_configure(cli, ccfg), 0);
    cr_assert_eq(petls_accept_fds(srv, &conn, c2s[0], s2c[1]), 0, "%s",
                 petls_error(srv));
    cr_assert_eq(petls_connect_fds(cli, s2c[0], c2s[1], "localhost"), 0, "%s",
                 petls_error(cli));
    for (i = 0; i < 100 && (crc != 0 || src != 0); i++) {
        if (crc != 0)
            crc = petls_handshake(cli);
        if (src != 0)
            src = petls_handshake(conn);
        cr_assert(crc != -1, "client: %s", petls_error(cli));
        cr_assert(src != -1, "server: %s", petls_error(conn));
    }
    cr_assert_eq(crc, 0);
    cr_assert_eq(src, 0);
    cr_assert_eq(petls_write(conn, "pipes", 5), 5, "%s", petls_error(conn));
    for (i = 0; i < 10 && n == PETLS_WANT_POLLIN; i++)
        n = petls_read(cli, buf, sizeof(buf));
    cr_assert_eq(n, 5, "%s", petls_error(cli));
    cr_assert(memcmp(buf, "pipes", 5) == 0);
    petls_free(cli);
    petls_free(conn);
    petls_free(srv);
    petls_config_free(scfg);
    petls_config_free(ccfg);
    for (i = 0; i < 2; i++) {
        close(c2s[i]);
        close(s2c[i]);
    }
}

/* A silent peer on a blocking socket: the handshake timeout bounds the
 * blocking read too. */
Test(fds, blocking_socket_handshake_timeout)
{
    int sv[2];
    struct petls_config *ccfg = client_config();
    struct petls *cli = petls_client();
    uint64_t t0, elapsed;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cr_assert_eq(petls_config_set_handshake_timeout(ccfg, 200), 0);
    cr_assert_eq(petls_configure(cli, ccfg), 0);
    cr_assert_eq(petls_connect_socket(cli, sv[0], "localhost"), 0);
    t0 = now_ms();
    cr_assert_eq(petls_handshake(cli), -1);
    elapsed = now_ms() - t0;
    cr_assert_str_eq(petls_error(cli), "handshake timed out after 200 ms");
    cr_assert(elapsed >= 150 && elapsed < 5000, "took %llu ms",
              (unsigned long long)elapsed);
    petls_free(cli);
    petls_config_free(ccfg);
    close(sv[0]);
    close(sv[1]);
}

/* The peer is gone: writing gives an error, not SIGPIPE (the test
 * process would die). */
Test(fds, write_to_closed_peer_no_sigpipe)
{
    int sv[2];
    struct petls_config *ccfg = client_config();
    struct petls *cli = petls_client();

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    cr_assert_eq(petls_configure(cli, ccfg), 0);
    cr_assert_eq(petls_connect_socket(cli, sv[0], "localhost"), 0);
    cr_assert_eq(petls_handshake(cli), -1);
    cr_assert_str_eq(petls_error(cli), "write: Broken pipe");
    petls_free(cli);
    petls_config_free(ccfg);
    close(sv[0]);
}

Test(fds, invalid_descriptors)
{
    struct petls *cli = petls_client();

    cr_assert_eq(petls_connect_fds(cli, -1, 3, "localhost"), -1);
    cr_assert_str_eq(petls_error(cli), "invalid file descriptors");
    petls_free(cli);
}

/* ---- TCP ---- */

struct echo_server {
    int listen_fd;
    struct petls_config *cfg;
    char got[64];
    char error[256];
};

/* Accepts one connection, echoes one message, closes. Blocking I/O. */
static void *echo_thread(void *arg)
{
    struct echo_server *es = arg;
    struct petls *srv = petls_server(), *conn = NULL;
    int fd = accept(es->listen_fd, NULL, NULL);
    ssize_t n;

    if (fd < 0 || petls_configure(srv, es->cfg) != 0 ||
        petls_accept_socket(srv, &conn, fd) != 0) {
        snprintf(es->error, sizeof(es->error), "accept failed");
        goto out;
    }
    if (petls_handshake(conn) != 0) {
        snprintf(es->error, sizeof(es->error), "%s", petls_error(conn));
        goto out;
    }
    n = petls_read(conn, es->got, sizeof(es->got) - 1);
    if (n > 0) {
        es->got[n] = '\0';
        petls_write(conn, es->got, (size_t)n);
    }
    petls_close(conn);
out:
    petls_free(conn);
    petls_free(srv);
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int listen_local(int *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(fd, 4), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void tcp_echo(const char *host, int with_port_arg)
{
    struct echo_server es;
    struct petls_config *ccfg = client_config();
    struct petls *cli = petls_client();
    pthread_t th;
    char portstr[16], hostport[64], buf[64];
    ssize_t n;
    int port;

    memset(&es, 0, sizeof(es));
    es.cfg = server_config();
    es.listen_fd = listen_local(&port);
    cr_assert_eq(pthread_create(&th, NULL, echo_thread, &es), 0);
    snprintf(portstr, sizeof(portstr), "%d", port);
    cr_assert_eq(petls_configure(cli, ccfg), 0);
    if (with_port_arg) {
        cr_assert_eq(petls_connect(cli, host, portstr), 0, "%s",
                     petls_error(cli));
    } else {
        snprintf(hostport, sizeof(hostport), "%s:%d", host, port);
        cr_assert_eq(petls_connect(cli, hostport, NULL), 0, "%s",
                     petls_error(cli));
    }
    cr_assert_eq(petls_write(cli, "echo me", 7), 7, "%s", petls_error(cli));
    n = petls_read(cli, buf, sizeof(buf));
    cr_assert_eq(n, 7, "read %zd: %s", n, petls_error(cli));
    cr_assert(memcmp(buf, "echo me", 7) == 0);
    cr_assert_eq(petls_conn_authorized(cli), 1);
    n = petls_read(cli, buf, sizeof(buf));
    cr_assert_eq(n, 0, "expected close_notify: %s", petls_error(cli));
    cr_assert_eq(petls_close(cli), 0, "%s", petls_error(cli));
    pthread_join(th, NULL);
    cr_assert_str_eq(es.error, "");
    cr_assert_str_eq(es.got, "echo me");
    petls_free(cli);
    petls_config_free(ccfg);
    petls_config_free(es.cfg);
    close(es.listen_fd);
}

Test(tcp, connect_host_and_port)
{
    tcp_echo("127.0.0.1", 1);
}

Test(tcp, connect_host_colon_port)
{
    tcp_echo("127.0.0.1", 0);
}

Test(tcp, connect_by_name)
{
    tcp_echo("localhost", 1);
}

Test(tcp, connection_refused)
{
    struct petls *cli = petls_client();
    int fd, port;

    /* A port that was just free: bind, learn it, close. */
    fd = listen_local(&port);
    close(fd);
    {
        char portstr[16], want[128];
        snprintf(portstr, sizeof(portstr), "%d", port);
        cr_assert_eq(petls_connect(cli, "127.0.0.1", portstr), -1);
        snprintf(want, sizeof(want),
                 "connect to 127.0.0.1:%d: Connection refused", port);
        cr_assert_str_eq(petls_error(cli), want);
    }
    petls_free(cli);
}

Test(tcp, missing_port)
{
    struct petls *cli = petls_client();

    cr_assert_eq(petls_connect(cli, "localhost", NULL), -1);
    cr_assert_str_eq(petls_error(cli),
                     "no port given and 'localhost' is not host:port");
    petls_free(cli);
}
