/* Client and server over an in-memory pipe, in one thread. */
#include "tlspair.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"

void tlspair_init_bare(struct tlspair *p)
{
    memset(p, 0, sizeof(*p));
    mempipe_init(&p->pipe);
    p->scfg = petls_config_new();
    p->ccfg = petls_config_new();
    cr_assert(p->scfg != NULL && p->ccfg != NULL);
    p->client_rc = PETLS_WANT_POLLOUT;
    p->server_rc = PETLS_WANT_POLLIN;
}

void tlspair_init(struct tlspair *p)
{
    tlspair_init_bare(p);
    cr_assert(petls_config_set_keypair_file(p->scfg,
                                            cert_path("server-ecdsa.pem"),
                                            cert_path("server-ecdsa.key")) == 0,
              "server keypair: %s", petls_config_error(p->scfg));
    cr_assert(petls_config_set_ca_file(p->ccfg, cert_path("ca.pem")) == 0,
              "client ca: %s", petls_config_error(p->ccfg));
}

void tlspair_start(struct tlspair *p, const char *servername)
{
    p->server = petls_server();
    p->client = petls_client();
    cr_assert(p->server != NULL && p->client != NULL);
    cr_assert(petls_configure(p->server, p->scfg) == 0, "server: %s",
              petls_error(p->server));
    cr_assert(petls_configure(p->client, p->ccfg) == 0, "client: %s",
              petls_error(p->client));
    cr_assert(petls_accept_cbs(p->server, &p->sconn, mempipe_read,
                               mempipe_write, &p->pipe.server) == 0,
              "accept: %s", petls_error(p->server));
    cr_assert(petls_connect_cbs(p->client, mempipe_read, mempipe_write,
                                &p->pipe.client, servername) == 0,
              "connect: %s", petls_error(p->client));
}

static int pending(int rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT;
}

int tlspair_handshake(struct tlspair *p)
{
    int round;

    for (round = 0; round < 200; round++) {
        size_t moved = p->pipe.client.bytes_written +
                       p->pipe.server.bytes_written +
                       p->pipe.client.bytes_read + p->pipe.server.bytes_read;
        if (pending(p->client_rc))
            p->client_rc = petls_handshake(p->client);
        if (pending(p->server_rc))
            p->server_rc = petls_handshake(p->sconn);
        if (!pending(p->client_rc) && !pending(p->server_rc))
            break;
        /* One side is done or failed and the other waits for bytes that
         * will never come. */
        if (p->pipe.client.bytes_written + p->pipe.server.bytes_written +
                p->pipe.client.bytes_read + p->pipe.server.bytes_read ==
            moved)
            break;
    }
    return p->client_rc == 0 && p->server_rc == 0 ? 0 : -1;
}

size_t tlspair_transfer(struct petls *from, struct petls *to, const void *data,
                        size_t len)
{
    const unsigned char *d = data;
    unsigned char *got = malloc(len + 1);
    size_t sent = 0, recvd = 0;
    int round;

    cr_assert(got != NULL);
    for (round = 0; round < 10000 && recvd < len; round++) {
        if (sent < len) {
            ssize_t n = petls_write(from, d + sent, len - sent);
            cr_assert(n > 0 || n == PETLS_WANT_POLLIN ||
                          n == PETLS_WANT_POLLOUT,
                      "write: %s", petls_error(from));
            if (n > 0)
                sent += (size_t)n;
        }
        {
            ssize_t n = petls_read(to, got + recvd, len - recvd);
            cr_assert(n > 0 || n == PETLS_WANT_POLLIN ||
                          n == PETLS_WANT_POLLOUT,
                      "read returned %zd: %s", n, petls_error(to));
            if (n > 0)
                recvd += (size_t)n;
        }
    }
    cr_assert_eq(recvd, len);
    cr_assert(memcmp(got, data, len) == 0, "data corrupted in transit");
    free(got);
    return recvd;
}

void tlspair_free(struct tlspair *p)
{
    petls_free(p->client);
    petls_free(p->sconn);
    petls_free(p->server);
    petls_config_free(p->scfg);
    petls_config_free(p->ccfg);
    mempipe_free(&p->pipe);
    memset(p, 0, sizeof(*p));
}

/* ---- One more connection on kept configs ---- */

void tlsconn_start(struct tlsconn *c, struct petls *server,
                   struct petls_config *ccfg, const uint8_t *session,
                   size_t session_len, const char *servername)
{
    memset(c, 0, sizeof(*c));
    mempipe_init(&c->pipe);
    c->client_rc = PETLS_WANT_POLLOUT;
    c->server_rc = PETLS_WANT_POLLIN;
    c->client = petls_client();
    cr_assert(c->client != NULL);
    cr_assert(petls_configure(c->client, ccfg) == 0, "client: %s",
              petls_error(c->client));
    if (session != NULL)
        cr_assert(petls_set_session(c->client, session, session_len) == 0,
                  "set_session: %s", petls_error(c->client));
    cr_assert(petls_accept_cbs(server, &c->sconn, mempipe_read, mempipe_write,
                               &c->pipe.server) == 0,
              "accept: %s", petls_error(server));
    cr_assert(petls_connect_cbs(c->client, mempipe_read, mempipe_write,
                                &c->pipe.client, servername) == 0,
              "connect: %s", petls_error(c->client));
}

static int conn_pending(int rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT ||
           rc == PETLS_WANT_STORE;
}

int tlsconn_handshake(struct tlsconn *c)
{
    int round;

    for (round = 0; round < 400; round++) {
        size_t moved = c->pipe.client.bytes_written +
                       c->pipe.server.bytes_written +
                       c->pipe.client.bytes_read + c->pipe.server.bytes_read;
        if (conn_pending(c->client_rc))
            c->client_rc = petls_handshake(c->client);
        if (conn_pending(c->server_rc))
            c->server_rc = petls_handshake(c->sconn);
        if (c->server_rc == PETLS_WANT_STORE) {
            c->want_store_seen++;
            cr_assert(c->on_want_store != NULL,
                      "server waits on the store and the test has no answer");
            c->on_want_store(c, c->want_store_arg);
            continue;
        }
        if (!conn_pending(c->client_rc) && !conn_pending(c->server_rc))
            break;
        if (c->pipe.client.bytes_written + c->pipe.server.bytes_written +
                c->pipe.client.bytes_read + c->pipe.server.bytes_read ==
            moved)
            break;
    }
    return c->client_rc == 0 && c->server_rc == 0 ? 0 : -1;
}

void tlsconn_pingpong(struct tlsconn *c)
{
    static const char line[] = "ping\n";

    tlspair_transfer(c->sconn, c->client, line, sizeof(line) - 1);
    tlspair_transfer(c->client, c->sconn, line, sizeof(line) - 1);
}

void tlsconn_free(struct tlsconn *c)
{
    petls_free(c->client);
    petls_free(c->sconn);
    mempipe_free(&c->pipe);
    memset(c, 0, sizeof(*c));
}
