/* The library-layer loop on OpenSSL 3 (libssl), over a BIO pair. */
#include "bench_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

struct oconn {
    SSL *ssl;
    BIO *net; /* our end of the pair: the queue shuttles its bytes */
    struct bench_queue *in, *out;
    char err[256];
};

static SSL_CTX *cctx, *sctx;
static SSL_SESSION *saved;
static int resuming;
static char errbuf[256];

static void ssl_err(char *buf, size_t len, const char *what)
{
    unsigned long e = ERR_get_error();
    char m[200];
    ERR_error_string_n(e, m, sizeof(m));
    snprintf(buf, len, "%s: %s", what, e ? m : "failed");
    ERR_clear_error();
}

static int o_setup(const struct bench_scenario *sc, const char *certs,
                   char *err, size_t errlen)
{
    static const char *s13[] = {"TLS_AES_128_GCM_SHA256",
                                "TLS_AES_256_GCM_SHA384",
                                "TLS_CHACHA20_POLY1305_SHA256"};
    char cert[1024], key[1024], ca[1024];
    const char *kt = sc->rsa ? "rsa" : "ecdsa";
    int v = sc->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;

    resuming = sc->kind == BK_RESUME;
    if (sc->kind == BK_PSK) {
        snprintf(err, errlen, "n/a: no OpenSSL external-PSK loop written");
        return -2;
    }
    snprintf(cert, sizeof(cert), "%s/server-%s.pem", certs, kt);
    snprintf(key, sizeof(key), "%s/server-%s.key", certs, kt);
    snprintf(ca, sizeof(ca), "%s/ca.pem", certs);
    cctx = SSL_CTX_new(TLS_client_method());
    sctx = SSL_CTX_new(TLS_server_method());
    if (cctx == NULL || sctx == NULL) {
        ssl_err(err, errlen, "SSL_CTX_new");
        return -1;
    }
    SSL_CTX *both[2] = {cctx, sctx};
    for (int i = 0; i < 2; i++) {
        SSL_CTX *x = both[i];
        if (!SSL_CTX_set_min_proto_version(x, v) ||
            !SSL_CTX_set_max_proto_version(x, v) ||
            !SSL_CTX_set1_groups_list(x, "X25519:P-256") ||
            !SSL_CTX_set_ciphersuites(x, s13[sc->cipher]) ||
            !SSL_CTX_set_cipher_list(
                x, sc->rsa ? "ECDHE-RSA-AES128-GCM-SHA256"
                           : "ECDHE-ECDSA-AES128-GCM-SHA256")) {
            ssl_err(err, errlen, "protocol settings");
            return -1;
        }
    }
    if (SSL_CTX_use_certificate_chain_file(sctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1) {
        ssl_err(err, errlen, "server keypair");
        return -1;
    }
    if (SSL_CTX_load_verify_locations(cctx, ca, NULL) != 1) {
        ssl_err(err, errlen, "client CA");
        return -1;
    }
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_OFF);
    if (!resuming) {
        SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(sctx, 0);
    } else {
        static const unsigned char sid_ctx[] = "petls-bench";
        SSL_CTX_set_session_id_context(sctx, sid_ctx, sizeof(sid_ctx) - 1);
        SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER);
        if (sc->resume == BR_TLS12_ID) {
            SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
            SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
        }
        if (sc->resume == BR_TLS13_PSK) {
            /* OpenSSL's server picks psk_ke when the client allows it and
             * the server allows it (SSL_OP_ALLOW_NO_DHE_KEX on both). */
            SSL_CTX_set_options(sctx, SSL_OP_ALLOW_NO_DHE_KEX);
            SSL_CTX_set_options(cctx, SSL_OP_ALLOW_NO_DHE_KEX);
        }
    }
    return 0;
}

static void *conn_new(struct bench_pipe *p, int server)
{
    struct oconn *c = calloc(1, sizeof(*c));
    BIO *inner = NULL;
    if (c == NULL)
        return NULL;
    c->in = server ? &p->c2s : &p->s2c;
    c->out = server ? &p->s2c : &p->c2s;
    c->ssl = SSL_new(server ? sctx : cctx);
    if (c->ssl == NULL || !BIO_new_bio_pair(&inner, 1 << 17, &c->net, 1 << 17))
        goto fail;
    SSL_set_bio(c->ssl, inner, inner);
    if (server) {
        SSL_set_accept_state(c->ssl);
    } else {
        SSL_set_connect_state(c->ssl);
        if (!SSL_set_tlsext_host_name(c->ssl, "localhost") ||
            !SSL_set1_host(c->ssl, "localhost"))
            goto fail;
        if (resuming && saved != NULL && !SSL_set_session(c->ssl, saved))
            goto fail;
    }
    return c;
fail:
    ssl_err(errbuf, sizeof(errbuf), "SSL_new");
    SSL_free(c->ssl);
    BIO_free(c->net);
    free(c);
    return NULL;
}

static void *o_client_new(struct bench_pipe *p)
{
    return conn_new(p, 0);
}

static void *o_server_new(struct bench_pipe *p)
{
    return conn_new(p, 1);
}

/* Moves bytes between the BIO pair and the shared queues. */
static int pump(struct oconn *c)
{
    uint8_t buf[16384 + 512];
    int n;
    while ((n = BIO_read(c->net, buf, sizeof(buf))) > 0)
        if (bench_queue_write(c->out, buf, (size_t)n) != 0)
            return -1;
    for (;;) {
        size_t room = BIO_ctrl_get_write_guarantee(c->net);
        if (room == 0)
            break;
        size_t got = bench_queue_read(c->in, buf,
                                      room < sizeof(buf) ? room : sizeof(buf));
        if (got == 0)
            break;
        if (BIO_write(c->net, buf, (int)got) != (int)got)
            return -1;
    }
    return 0;
}

static int o_handshake(void *conn)
{
    struct oconn *c = conn;
    if (pump(c) != 0)
        return BS_ERR;
    int r = SSL_do_handshake(c->ssl);
    if (pump(c) != 0)
        return BS_ERR;
    if (r == 1)
        return BS_DONE;
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return BS_AGAIN;
    ssl_err(c->err, sizeof(c->err), "handshake");
    return BS_ERR;
}

static int o_write(void *conn, const void *buf, size_t len)
{
    struct oconn *c = conn;
    size_t done = 0;
    while (done < len) {
        size_t w;
        if (!SSL_write_ex(c->ssl, (const uint8_t *)buf + done, len - done,
                          &w)) {
            int e = SSL_get_error(c->ssl, 0);
            if (e != SSL_ERROR_WANT_WRITE) {
                ssl_err(c->err, sizeof(c->err), "write");
                return BS_ERR;
            }
            w = 0;
        }
        done += w;
        if (pump(c) != 0)
            return BS_ERR;
    }
    return BS_DONE;
}

static ssize_t o_read(void *conn, void *buf, size_t len)
{
    struct oconn *c = conn;
    size_t n;
    if (pump(c) != 0)
        return -1;
    int ok = SSL_read_ex(c->ssl, buf, len, &n);
    if (pump(c) != 0)
        return -1;
    if (ok)
        return (ssize_t)n;
    int e = SSL_get_error(c->ssl, 0);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return BENCH_READ_AGAIN;
    if (e == SSL_ERROR_ZERO_RETURN)
        return 0;
    ssl_err(c->err, sizeof(c->err), "read");
    return -1;
}

static int o_save(void *conn)
{
    struct oconn *c = conn;
    SSL_SESSION *s = SSL_get1_session(c->ssl);
    if (s == NULL)
        return -1;
    SSL_SESSION_free(saved);
    saved = s;
    return 0;
}

static int o_resumed(void *conn)
{
    struct oconn *c = conn;
    return SSL_session_reused(c->ssl) == 1;
}

static const char *o_error(void *conn)
{
    struct oconn *c = conn;
    return c ? c->err : errbuf;
}

static void o_free(void *conn)
{
    struct oconn *c = conn;
    /* Without a shutdown OpenSSL marks the session not resumable; the
     * other loops free without close_notify, so a quiet one. */
    SSL_set_quiet_shutdown(c->ssl, 1);
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
    BIO_free(c->net);
    free(c);
}

static void o_teardown(void)
{
    SSL_SESSION_free(saved);
    saved = NULL;
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    cctx = sctx = NULL;
}

static const struct bench_impl openssl_impl = {
    "openssl", o_setup,    o_client_new, o_server_new, o_handshake,
    o_write,   o_read,     o_save,       o_resumed,    o_error,
    o_free,    o_teardown, NULL,
};

const struct bench_impl *bench_impl(void)
{
    return &openssl_impl;
}
