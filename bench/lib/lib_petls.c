/* The library-layer loop on petls (public API only, callback I/O). */
#include "bench_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petls.h"

/* The resumption API (issue 3) may not be implemented in the library this
 * is linked against yet: weak references let the loop build either way and
 * report those scenarios as n/a. */
#pragma weak petls_set_session
#pragma weak petls_conn_session
#pragma weak petls_conn_session_resumed
#pragma weak petls_config_set_session_tickets
#pragma weak petls_config_set_tls13_psk_ke
#pragma weak petls_config_set_session_lifetime
#pragma weak petls_config_add_psk
#pragma weak petls_conn_psk_identity
#pragma weak petls_config_set_release_buffers

/* The external PSK of the psk-tls13-external scenario (both loops). */
static const uint8_t psk_key[32] = "petls-bench-external-psk-32bytes";

struct pconn {
    struct petls *ctx;
    struct bench_queue *in, *out;
};

static struct petls_config *ccfg, *scfg;
static struct petls *server;
static uint8_t session[16384];
static size_t session_len;
static int resuming, psk_mode;
static char errbuf[512];

static ssize_t rd(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct pconn *c = arg;
    size_t n = bench_queue_read(c->in, buf, len);
    (void)ctx;
    return n ? (ssize_t)n : PETLS_WANT_POLLIN;
}

static ssize_t wr(struct petls *ctx, const void *buf, size_t len, void *arg)
{
    struct pconn *c = arg;
    (void)ctx;
    return bench_queue_write(c->out, buf, len) == 0 ? (ssize_t)len : -1;
}

/* X25519 is the key exchange; P-256 follows because in TLS 1.2 the client's
 * groups also name the curves the server's ECDSA key may use. */
static int set_common(struct petls_config *cfg, const struct bench_scenario *sc)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256",
                                   "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    const char *ciphers;
    if (sc->tls13)
        ciphers = suites[sc->cipher];
    else
        ciphers = sc->rsa ? "ECDHE-RSA-AES128-GCM-SHA256"
                          : "ECDHE-ECDSA-AES128-GCM-SHA256";
    if (petls_config_set_protocols(cfg, sc->tls13 ? PETLS_PROTOCOL_TLSv1_3
                                                  : PETLS_PROTOCOL_TLSv1_2) ||
        petls_config_set_ciphers(cfg, ciphers) ||
        petls_config_set_groups(cfg, "X25519:P-256"))
        return -1;
    return 0;
}

static int p_setup(const struct bench_scenario *sc, const char *certs,
                   char *err, size_t errlen)
{
    char cert[1024], key[1024], ca[1024];
    const char *kt = sc->rsa ? "rsa" : "ecdsa";

    resuming = sc->kind == BK_RESUME;
    psk_mode = sc->kind == BK_PSK;
    session_len = 0;
    if (psk_mode &&
        (petls_config_add_psk == NULL || petls_conn_psk_identity == NULL)) {
        snprintf(err, errlen,
                 "n/a: petls external PSK API not implemented "
                 "in this build yet (issue 4)");
        return -2;
    }
    if (resuming && (petls_set_session == NULL || petls_conn_session == NULL ||
                     petls_conn_session_resumed == NULL ||
                     petls_config_set_session_tickets == NULL ||
                     petls_config_set_tls13_psk_ke == NULL)) {
        snprintf(err, errlen,
                 "n/a: petls resumption API not implemented "
                 "in this build yet (issue 3)");
        return -2;
    }
    snprintf(cert, sizeof(cert), "%s/server-%s.pem", certs, kt);
    snprintf(key, sizeof(key), "%s/server-%s.key", certs, kt);
    snprintf(ca, sizeof(ca), "%s/ca.pem", certs);
    ccfg = petls_config_new();
    scfg = petls_config_new();
    if (ccfg == NULL || scfg == NULL) {
        snprintf(err, errlen, "petls_config_new failed");
        return -1;
    }
    if (set_common(ccfg, sc) != 0) {
        snprintf(err, errlen, "client config: %s", petls_config_error(ccfg));
        return -1;
    }
    if (set_common(scfg, sc) != 0 ||
        petls_config_set_keypair_file(scfg, cert, key) != 0) {
        snprintf(err, errlen, "server config: %s", petls_config_error(scfg));
        return -1;
    }
    if (petls_config_set_ca_file(ccfg, ca) != 0) {
        snprintf(err, errlen, "client CA: %s", petls_config_error(ccfg));
        return -1;
    }
    int rc = 0;
    /* PETLS_BENCH_KEEP_BUFFERS=1: record buffers kept for the connection's
     * life (release while idle is the default). */
    const char *keep = getenv("PETLS_BENCH_KEEP_BUFFERS");
    if (keep != NULL && strcmp(keep, "1") == 0) {
        if (petls_config_set_release_buffers == NULL) {
            snprintf(err, errlen, "n/a: no petls_config_set_release_buffers");
            return -2;
        }
        petls_config_set_release_buffers(ccfg, 0);
        petls_config_set_release_buffers(scfg, 0);
    }
    if (psk_mode &&
        (petls_config_add_psk(scfg, "bench", psk_key, sizeof(psk_key)) != 0 ||
         petls_config_add_psk(ccfg, "bench", psk_key, sizeof(psk_key)) != 0)) {
        snprintf(err, errlen, "PSK: %s / %s", petls_config_error(scfg),
                 petls_config_error(ccfg));
        return -1;
    }
    if (!resuming) {
        /* Full handshakes: no tickets or cache entries are made, as in the
         * raw mbedTLS and OpenSSL loops. */
        if (petls_config_set_session_lifetime != NULL)
            rc = petls_config_set_session_lifetime(scfg, 0);
    } else if (sc->resume == BR_TLS12_ID) {
        rc = petls_config_set_session_tickets(scfg, 0);
    } else if (sc->resume == BR_TLS13_PSK) {
        /* The client offers psk_ke alone when it resumes (no key share),
         * as the raw mbedTLS loop's psk_ke-only client copy. */
        rc = petls_config_set_tls13_psk_ke(scfg, PETLS_TLS13_PSK_KE_ALLOW);
        if (rc == 0)
            rc = petls_config_set_tls13_psk_ke(ccfg, PETLS_TLS13_PSK_KE_ONLY);
    }
    if (rc != 0) {
        snprintf(err, errlen, "session settings: %s / %s",
                 petls_config_error(scfg), petls_config_error(ccfg));
        return -1;
    }
    server = petls_server();
    if (server == NULL || petls_configure(server, scfg) != 0) {
        snprintf(err, errlen, "server context: %s",
                 server ? petls_error(server) : "NULL");
        return -1;
    }
    return 0;
}

static void *p_client_new(struct bench_pipe *p)
{
    struct pconn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->in = &p->s2c;
    c->out = &p->c2s;
    c->ctx = petls_client();
    if (c->ctx == NULL || petls_configure(c->ctx, ccfg) != 0)
        goto fail;
    if (resuming && session_len > 0 &&
        petls_set_session(c->ctx, session, session_len) != 0)
        goto fail;
    if (petls_connect_cbs(c->ctx, rd, wr, c, "localhost") != 0)
        goto fail;
    return c;
fail:
    if (c->ctx != NULL) {
        snprintf(errbuf, sizeof(errbuf), "%s", petls_error(c->ctx));
        petls_free(c->ctx);
    }
    free(c);
    return NULL;
}

static void *p_server_new(struct bench_pipe *p)
{
    struct pconn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->in = &p->c2s;
    c->out = &p->s2c;
    if (petls_accept_cbs(server, &c->ctx, rd, wr, c) != 0) {
        snprintf(errbuf, sizeof(errbuf), "%s", petls_error(server));
        free(c);
        return NULL;
    }
    return c;
}

static int p_handshake(void *conn)
{
    struct pconn *c = conn;
    int r = petls_handshake(c->ctx);
    if (r == 0)
        return BS_DONE;
    if (r == PETLS_WANT_POLLIN || r == PETLS_WANT_POLLOUT)
        return BS_AGAIN;
    return BS_ERR;
}

static int p_write(void *conn, const void *buf, size_t len)
{
    struct pconn *c = conn;
    const uint8_t *b = buf;
    while (len > 0) {
        ssize_t n = petls_write(c->ctx, b, len);
        if (n < 0)
            return BS_ERR; /* the queue never blocks a writer */
        b += n;
        len -= (size_t)n;
    }
    return BS_DONE;
}

static ssize_t p_read(void *conn, void *buf, size_t len)
{
    struct pconn *c = conn;
    ssize_t n = petls_read(c->ctx, buf, len);
    if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT)
        return BENCH_READ_AGAIN;
    return n;
}

static int p_save(void *conn)
{
    struct pconn *c = conn;
    ssize_t n = petls_conn_session(c->ctx, session, sizeof(session));
    if (n <= 0 || (size_t)n > sizeof(session))
        return -1;
    session_len = (size_t)n;
    return 0;
}

static int p_resumed(void *conn)
{
    struct pconn *c = conn;
    if (psk_mode)
        return petls_conn_psk_identity(c->ctx) != NULL;
    if (petls_conn_session_resumed == NULL)
        return 0;
    return petls_conn_session_resumed(c->ctx) == 1;
}

static const char *p_error(void *conn)
{
    struct pconn *c = conn;
    const char *e = c ? petls_error(c->ctx) : errbuf;
    return e ? e : "(no message)";
}

static void p_free(void *conn)
{
    struct pconn *c = conn;
    petls_free(c->ctx);
    free(c);
}

static void p_teardown(void)
{
    petls_free(server);
    server = NULL;
    petls_config_free(ccfg);
    petls_config_free(scfg);
    ccfg = scfg = NULL;
    memset(session, 0, sizeof(session));
    session_len = 0;
}

static const struct bench_impl petls_impl = {
    "petls", p_setup,    p_client_new, p_server_new, p_handshake,
    p_write, p_read,     p_save,       p_resumed,    p_error,
    p_free,  p_teardown, NULL,
};

const struct bench_impl *bench_impl(void)
{
    return &petls_impl;
}
