/*
 * A non-blocking TLS echo server on poll(): one thread, up to MAX_CLIENTS
 * connections, each a non-blocking socket handed to petls_accept_socket().
 * petls returns PETLS_WANT_POLLIN / PETLS_WANT_POLLOUT instead of blocking;
 * the loop waits for exactly that event on that socket and calls again.
 *
 *   server_poll CERT KEY [PORT]      (PORT 0 or none: any free port)
 *
 * Listens on 127.0.0.1 and prints "listening on 127.0.0.1:PORT"; one line
 * per connection ("conn N: TLSv1.3 ... resumed=0", "conn N: closed").
 * Stops on SIGINT/SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <petls.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define BUF_SIZE 16384

struct client {
    int fd;
    int id;
    struct petls *tls;
    short want; /* POLLIN or POLLOUT: what petls waits for */
    int handshaken;
    char buf[BUF_SIZE];
    size_t len, off; /* read but not yet echoed: buf[off..len) */
};

static volatile sig_atomic_t stop;
static struct client clients[MAX_CLIENTS];

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int listen_on(const char *port)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof(sa);
    char *end;
    long p = strtol(port, &end, 10);
    int fd, one = 1;

    if (*port == '\0' || *end != '\0' || p < 0 || p > 65535) {
        fprintf(stderr, "server_poll: bad port '%s'\n", port);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)p);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(fd, 16) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) != 0) {
        close(fd);
        return -1;
    }
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static void drop(struct client *c, const char *why)
{
    if (why != NULL)
        printf("conn %d: %s\n", c->id, why);
    else
        printf("conn %d: closed\n", c->id);
    fflush(stdout);
    petls_free(c->tls);
    close(c->fd);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

static void accept_one(struct petls *server, int lfd, int *next_id)
{
    struct client *c = NULL;
    int fd = accept(lfd, NULL, NULL);
    size_t i;

    if (fd < 0)
        return;
    for (i = 0; i < MAX_CLIENTS && c == NULL; i++) {
        if (clients[i].fd < 0)
            c = &clients[i];
    }
    if (c == NULL || fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
        petls_accept_socket(server, &c->tls, fd) != 0) {
        close(fd); /* full, or petls refused it */
        return;
    }
    c->fd = fd;
    c->id = ++*next_id;
    c->want = POLLIN; /* the ClientHello */
}

/* Moves what can move on one connection. 0, or -1 when it is over. */
static int step(struct client *c)
{
    ssize_t n;

    if (!c->handshaken) {
        n = petls_handshake(c->tls);
        if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
            c->want = n == PETLS_WANT_POLLIN ? POLLIN : POLLOUT;
            return 0;
        }
        if (n != 0) {
            printf("conn %d: error: %s\n", c->id, petls_error(c->tls));
            return -1;
        }
        c->handshaken = 1;
        printf("conn %d: %s %s resumed=%d\n", c->id, petls_conn_version(c->tls),
               petls_conn_cipher(c->tls), petls_conn_session_resumed(c->tls));
        fflush(stdout);
    }
    for (;;) {
        if (c->off < c->len) { /* echo what we hold first */
            n = petls_write(c->tls, c->buf + c->off, c->len - c->off);
        } else {
            c->off = c->len = 0;
            n = petls_read(c->tls, c->buf, sizeof(c->buf));
            if (n == 0) {
                (void)petls_close(c->tls); /* best effort close_notify */
                return -1;
            }
            if (n > 0) {
                c->len = (size_t)n;
                n = 0;
            }
        }
        if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
            c->want = n == PETLS_WANT_POLLIN ? POLLIN : POLLOUT;
            return 0;
        }
        if (n < 0) {
            printf("conn %d: error: %s\n", c->id, petls_error(c->tls));
            return -1;
        }
        c->off += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    struct petls_config *cfg;
    struct petls *server;
    struct pollfd pfd[MAX_CLIENTS + 1];
    struct client *map[MAX_CLIENTS + 1];
    struct sigaction sa;
    int lfd, next_id = 0, rc = 1;
    size_t i, n;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: server_poll CERT KEY [PORT]\n");
        return 2;
    }
    /* sigaction, not signal(): the handler must stay for a second signal
     * (signal() may reset it on delivery). */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    for (i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    if (petls_init() != 0 || (cfg = petls_config_new()) == NULL)
        return 1;
    server = petls_server();
    if (server == NULL ||
        petls_config_set_keypair_file(cfg, argv[1], argv[2]) != 0 ||
        petls_configure(server, cfg) != 0) {
        fprintf(stderr, "server_poll: %s\n",
                server != NULL ? petls_error(server) : petls_config_error(cfg));
        goto out;
    }
    lfd = listen_on(argc > 3 ? argv[3] : "0");
    if (lfd < 0) {
        perror("server_poll: listen");
        goto out;
    }
    while (!stop) {
        n = 0;
        pfd[n].fd = lfd;
        pfd[n].events = POLLIN;
        map[n++] = NULL;
        for (i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd >= 0) {
                pfd[n].fd = clients[i].fd;
                pfd[n].events = clients[i].want;
                map[n++] = &clients[i];
            }
        }
        if (poll(pfd, (nfds_t)n, 1000) < 0) {
            if (errno == EINTR)
                continue;
            perror("server_poll: poll");
            break;
        }
        for (i = 1; i < n; i++) {
            if (pfd[i].revents != 0 && step(map[i]) != 0)
                drop(map[i], NULL);
        }
        if (pfd[0].revents & POLLIN)
            accept_one(server, lfd, &next_id);
    }
    for (i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd >= 0)
            drop(&clients[i], "server stopping");
    }
    close(lfd);
    rc = 0;
out:
    petls_free(server);
    petls_config_free(cfg);
    return rc;
}
