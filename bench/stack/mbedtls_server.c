/*
 * A raw mbedTLS 3.6 echo server for the stack layer: the same poll() loop
 * shape as `petls server --echo` (one thread, non-blocking sockets, one
 * mbedtls_ssl_context per connection), written directly on mbedTLS, so the
 * two differ only by the engine. Resumption: TLS 1.2 session IDs (cache)
 * and tickets, TLS 1.3 tickets.
 *
 * usage: mbedtls_server --port P --cert FILE --key FILE [--max-conns N]
 * Prints "listening on 127.0.0.1:P" on stderr once ready.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

struct sconn {
    int fd;
    mbedtls_ssl_context ssl;
    int handshaken;
    unsigned char *pend; /* echo bytes not yet accepted by mbedtls_ssl_write */
    size_t pend_len;
    short want;
};

static unsigned char iobuf[16384];
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int net_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct sconn *c = ctx;
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        c->want = POLLOUT;
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int net_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct sconn *c = ctx;
    ssize_t n = recv(c->fd, buf, len, 0);
    if (n >= 0)
        return (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        c->want = POLLIN;
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* Runs a connection until it would block. -1: close it. */
static int serve(struct sconn *c)
{
    for (;;) {
        int r;
        if (!c->handshaken) {
            r = mbedtls_ssl_handshake(&c->ssl);
            if (r == MBEDTLS_ERR_SSL_WANT_READ ||
                r == MBEDTLS_ERR_SSL_WANT_WRITE)
                return 0;
            if (r != 0)
                return -1;
            c->handshaken = 1;
        }
        if (c->pend_len > 0) {
            r = mbedtls_ssl_write(&c->ssl, c->pend, c->pend_len);
            if (r == MBEDTLS_ERR_SSL_WANT_READ ||
                r == MBEDTLS_ERR_SSL_WANT_WRITE)
                return 0;
            if (r < 0)
                return -1;
            c->pend += r;
            c->pend_len -= (size_t)r;
            continue;
        }
        r = mbedtls_ssl_read(&c->ssl, iobuf, sizeof(iobuf));
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
            return 0;
        if (r <= 0)
            return -1; /* close_notify, EOF or error */
        c->pend = iobuf;
        c->pend_len = (size_t)r;
        c->want = POLLOUT;
    }
}

int main(int argc, char **argv)
{
    const char *port = NULL, *cert = NULL, *key = NULL;
    int max_conns = 20000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = argv[i + 1];
        else if (strcmp(argv[i], "--cert") == 0)
            cert = argv[i + 1];
        else if (strcmp(argv[i], "--key") == 0)
            key = argv[i + 1];
        else if (strcmp(argv[i], "--max-conns") == 0)
            max_conns = atoi(argv[i + 1]);
    }
    if (port == NULL || cert == NULL || key == NULL || max_conns < 1) {
        fprintf(stderr, "usage: mbedtls_server --port P --cert F --key F\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt crt;
    mbedtls_pk_context pk;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_ticket_context tick;
    static const uint16_t groups[] = {MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
                                      MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
                                      MBEDTLS_SSL_IANA_TLS_GROUP_NONE};

    if (psa_crypto_init() != PSA_SUCCESS) {
        fprintf(stderr, "mbedtls_server: psa_crypto_init failed\n");
        return 1;
    }
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&pk);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&tick);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) ||
        mbedtls_x509_crt_parse_file(&crt, cert) ||
        mbedtls_pk_parse_keyfile(&pk, key, NULL, mbedtls_ctr_drbg_random,
                                 &drbg) ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) ||
        mbedtls_ssl_conf_own_cert(&conf, &crt, &pk) ||
        mbedtls_ssl_ticket_setup(&tick, mbedtls_ctr_drbg_random, &drbg,
                                 MBEDTLS_CIPHER_AES_256_GCM, 300)) {
        fprintf(stderr, "mbedtls_server: setup failed\n");
        return 1;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_groups(&conf, groups);
    mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get,
                                   mbedtls_ssl_cache_set);
    mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write,
                                        mbedtls_ssl_ticket_parse, &tick);
    mbedtls_ssl_conf_new_session_tickets(&conf, 2);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(lfd, 4096) != 0) {
        perror("mbedtls_server: bind/listen");
        return 1;
    }
    fprintf(stderr, "listening on 127.0.0.1:%s\n", port);

    struct sconn **conns = calloc((size_t)max_conns, sizeof(*conns));
    struct pollfd *pf = calloc((size_t)max_conns + 1, sizeof(*pf));
    int n = 0;
    if (conns == NULL || pf == NULL)
        return 1;
    while (!stop) {
        pf[0].fd = n < max_conns ? lfd : -1;
        pf[0].events = POLLIN;
        for (int i = 0; i < n; i++) {
            pf[i + 1].fd = conns[i]->fd;
            pf[i + 1].events = conns[i]->want;
            pf[i + 1].revents = 0;
        }
        if (poll(pf, (nfds_t)n + 1, 500) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (pf[i + 1].revents == 0)
                continue;
            struct sconn *c = conns[i];
            if (serve(c) != 0) {
                mbedtls_ssl_free(&c->ssl);
                close(c->fd);
                free(c);
                conns[i] = conns[--n];
            }
        }
        if (pf[0].revents & POLLIN) {
            while (n < max_conns) {
                int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                if (fd < 0)
                    break;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                struct sconn *c = calloc(1, sizeof(*c));
                if (c == NULL) {
                    close(fd);
                    break;
                }
                c->fd = fd;
                c->want = POLLIN;
                mbedtls_ssl_init(&c->ssl);
                if (mbedtls_ssl_setup(&c->ssl, &conf) != 0) {
                    mbedtls_ssl_free(&c->ssl);
                    close(fd);
                    free(c);
                    continue;
                }
                mbedtls_ssl_set_bio(&c->ssl, c, net_send, net_recv, NULL);
                if (serve(c) != 0) {
                    mbedtls_ssl_free(&c->ssl);
                    close(fd);
                    free(c);
                    continue;
                }
                conns[n++] = c;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        mbedtls_ssl_free(&conns[i]->ssl);
        close(conns[i]->fd);
        free(conns[i]);
    }
    free(conns);
    free(pf);
    close(lfd);
    mbedtls_ssl_ticket_free(&tick);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&crt);
    mbedtls_pk_free(&pk);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return 0;
}
