#include "lt_support.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *lt_cert(const char *name)
{
    static char path[8][512];
    static unsigned next;
    const char *dir = getenv("PETLS_TEST_CERTS");
    char *p = path[next++ % 8];

    snprintf(p, sizeof(path[0]), "%s/%s", dir != NULL ? dir : "certs", name);
    return p;
}

struct tls_config *lt_server_config(void)
{
    struct tls_config *c = tls_config_new();

    if (c != NULL &&
        tls_config_set_keypair_file(c, lt_cert("server-ecdsa.pem"),
                                    lt_cert("server-ecdsa.key")) != 0) {
        tls_config_free(c);
        return NULL;
    }
    return c;
}

struct tls_config *lt_client_config(void)
{
    struct tls_config *c = tls_config_new();

    if (c != NULL && tls_config_set_ca_file(c, lt_cert("ca.pem")) != 0) {
        tls_config_free(c);
        return NULL;
    }
    return c;
}

int lt_pair_open(struct lt_pair *p, struct tls_config *scfg,
                 struct tls_config *ccfg, const char *servername)
{
    memset(p, 0, sizeof(*p));
    p->fds[0] = p->fds[1] = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fds) != 0)
        return -1;
    p->server = tls_server();
    p->client = tls_client();
    if (p->server == NULL || p->client == NULL ||
        tls_configure(p->server, scfg) != 0 ||
        tls_configure(p->client, ccfg) != 0)
        return -1;
    if (tls_accept_socket(p->server, &p->sconn, p->fds[1]) != 0)
        return -1;
    return tls_connect_socket(p->client, p->fds[0], servername);
}

int lt_pair_handshake(struct lt_pair *p, int *client_rc, int *server_rc)
{
    int c = 1, s = 1, i;

    for (i = 0; i < 10000 && (c != 0 || s != 0); i++) {
        if (c != 0)
            c = tls_handshake(p->client);
        if (s != 0)
            s = tls_handshake(p->sconn);
        if (c == -1 || s == -1)
            break;
    }
    if (client_rc != NULL)
        *client_rc = c;
    if (server_rc != NULL)
        *server_rc = s;
    return c == 0 && s == 0 ? 0 : -1;
}

void lt_pair_close(struct lt_pair *p)
{
    tls_free(p->sconn);
    tls_free(p->server);
    tls_free(p->client);
    if (p->fds[0] >= 0)
        close(p->fds[0]);
    if (p->fds[1] >= 0)
        close(p->fds[1]);
    memset(p, 0, sizeof(*p));
    p->fds[0] = p->fds[1] = -1;
}

static void *server_thread(void *arg)
{
    struct lt_server *s = arg;
    struct tls *conn = NULL;
    const char *sn;
    int fd = accept(s->lfd, NULL, NULL);

    s->handshake_rc = -1;
    if (fd < 0)
        return NULL;
    if (tls_accept_socket(s->server, &conn, fd) == 0) {
        s->handshake_rc = tls_handshake(conn);
        if (s->handshake_rc == 0) {
            if ((sn = tls_conn_servername(conn)) != NULL)
                snprintf(s->servername, sizeof(s->servername), "%s", sn);
            (void)tls_write(conn, "hello", 5);
            (void)tls_close(conn);
        }
    }
    tls_free(conn);
    close(fd);
    return NULL;
}

int lt_server_start(struct lt_server *s, struct tls_config *scfg)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    pthread_t t;

    memset(s, 0, sizeof(*s));
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 1) != 0 ||
        getsockname(s->lfd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    snprintf(s->port, sizeof(s->port), "%u", (unsigned)ntohs(a.sin_port));
    if ((s->server = tls_server()) == NULL ||
        tls_configure(s->server, scfg) != 0)
        return -1;
    if (pthread_create(&t, NULL, server_thread, s) != 0)
        return -1;
    s->thread = t;
    return 0;
}

int lt_server_join(struct lt_server *s)
{
    pthread_join(s->thread, NULL);
    close(s->lfd);
    tls_free(s->server);
    return s->handshake_rc;
}

int lt_command(const char *cmd, char *out, size_t outlen)
{
    FILE *f = popen(cmd, "r");
    size_t n;

    if (f == NULL)
        return -1;
    if (fgets(out, (int)outlen, f) == NULL)
        out[0] = '\0';
    n = strlen(out);
    if (n > 0 && out[n - 1] == '\n')
        out[n - 1] = '\0';
    return pclose(f) == 0 ? 0 : -1;
}
