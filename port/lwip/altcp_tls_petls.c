/*
 * lwIP's altcp_tls interface implemented on petls (see petls_altcp_tls.h).
 *
 * An altcp_tls pcb wraps an inner altcp pcb (TCP). petls's I/O callbacks
 * work on the inner pcb with lwIP's back-pressure:
 *   - read: received pbufs are chained in st->rx; petls takes bytes from the
 *     chain, and only then is the TCP window opened (altcp_recved), so a
 *     slow reader closes the window instead of filling RAM;
 *   - write: at most altcp_sndbuf() bytes (and while the send queue has
 *     room) are queued with TCP_WRITE_FLAG_COPY; otherwise the callback
 *     says PETLS_WANT_POLLOUT and the record is finished from the inner
 *     pcb's sent callback, when TCP has freed space;
 *   - the application's sent callback counts plaintext: each petls_write()
 *     leaves a mark at the ciphertext offset its record ends at, and the
 *     inner pcb's acknowledgements move past the marks;
 *   - plaintext the application refuses (its recv returns an error) is kept
 *     and offered again; meanwhile petls reads nothing more, so the TCP
 *     window closes.
 * The inner pcb's poll callback (every second) drives the handshake
 * timeout of the petls config and the application's poll callback.
 *
 * Lifetime: an application may close or abort its pcb from inside any
 * callback; the state then lives until the callback returns (st->in_cb,
 * st->dead).
 */
#include "petls_altcp_tls.h"

#include "lwip/altcp_tcp.h"
#include "lwip/mem.h"
#include "lwip/pbuf.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/tcp.h"

#include <petls.h>

#include <stdio.h>
#include <string.h>

#if LWIP_ALTCP && LWIP_ALTCP_TLS

#define MARKS 8
#define TLS_OVERHEAD 29u     /* record header + explicit nonce + tag (1.2) */
#define TLS_RECORD_MAX 4096u /* MBEDTLS_SSL_OUT_CONTENT_LEN of the firmware */
#define POLL_INTERVAL 2      /* lwIP poll ticks of 500 ms */
/* A server config's session cache (TLS 1.2 session IDs, stateful tickets),
 * sized for a board: petls's default (20480 entries) is a host's, and its
 * table alone would take ~130 KiB of the arena.
 * petls_config_set_session_cache() on petls_altcp_tls_config() changes it. */
#ifndef PETLS_ALTCP_TLS_CACHE_ENTRIES
#define PETLS_ALTCP_TLS_CACHE_ENTRIES 16
#endif

struct altcp_tls_config {
    struct petls_config *cfg;
    struct petls *server; /* the server context, made at first accept */
    int is_server;
};

struct mark {
    u32_t enc_end; /* ciphertext offset where this plaintext's record ends */
    u32_t plain;
};

struct tls_state {
    struct altcp_tls_config *conf;
    struct altcp_pcb *conn;
    struct petls *tls;
    struct pbuf *rx;     /* ciphertext received, not yet read by petls */
    struct pbuf *app_rx; /* plaintext the application refused */
    u8_t *pending;       /* plaintext taken from the app, not yet by petls */
    u16_t pending_len;
    u32_t enc_total, enc_acked;
    struct mark marks[MARKS];
    unsigned nmarks;
    char *servername;
    u8_t *session;
    size_t session_len;
    u8_t poll_ticks;
    u8_t is_listener, handshake_done, rx_closed, eof_delivered, failed;
    u8_t in_cb, dead, inner_aborted, counted;
};

static const struct altcp_functions tls_functions;
static char last_error[256];
static int conn_count, max_conns;
static unsigned refused_count;

/* "what: msg", or msg alone when the library's text already names the
 * operation (e.g. "read: out of memory (record buffers, ...)"). */
static void set_last_error(const char *what, const char *msg)
{
    size_t n = strlen(what);

    if (msg != NULL && strncmp(msg, what, n) == 0 && msg[n] == ':')
        snprintf(last_error, sizeof(last_error), "%s", msg);
    else
        snprintf(last_error, sizeof(last_error), "%s: %s", what,
                 msg != NULL ? msg : "(no error text)");
}

const char *petls_altcp_tls_last_error(void)
{
    return last_error;
}

int petls_altcp_tls_conn_count(void)
{
    return conn_count;
}

unsigned petls_altcp_tls_refused_count(void)
{
    return refused_count;
}

void petls_altcp_tls_set_max_conns(int max)
{
    max_conns = max < 0 ? 0 : max;
}

/* ---- Configs ---------------------------------------------------------- */

struct altcp_tls_config *petls_altcp_tls_config_new(struct petls_config *config,
                                                    int server)
{
    struct altcp_tls_config *conf;

    if (config == NULL)
        return NULL;
    conf = (struct altcp_tls_config *)mem_calloc(1, sizeof(*conf));
    if (conf == NULL)
        return NULL;
    conf->cfg = config;
    conf->is_server = server != 0;
    return conf;
}

static struct altcp_tls_config *config_new(int server)
{
    struct petls_config *cfg;
    struct altcp_tls_config *conf;

    if (petls_init() != 0)
        return NULL;
    cfg = petls_config_new();
    if (cfg != NULL && server &&
        petls_config_set_session_cache(cfg, PETLS_ALTCP_TLS_CACHE_ENTRIES, 0) !=
            0) {
        set_last_error("config", petls_config_error(cfg));
        petls_config_free(cfg);
        return NULL;
    }
    conf = petls_altcp_tls_config_new(cfg, server);
    if (conf == NULL)
        petls_config_free(cfg);
    return conf;
}

struct petls_config *petls_altcp_tls_config(struct altcp_tls_config *conf)
{
    return conf != NULL ? conf->cfg : NULL;
}

struct altcp_tls_config *altcp_tls_create_config_server(u8_t cert_count)
{
    (void)cert_count;
    return config_new(1);
}

err_t altcp_tls_config_server_add_privkey_cert(
    struct altcp_tls_config *config, const u8_t *privkey, size_t privkey_len,
    const u8_t *privkey_pass, size_t privkey_pass_len, const u8_t *cert,
    size_t cert_len)
{
    char pass[128];
    int rc;

    if (config == NULL || !config->is_server ||
        privkey_pass_len >= sizeof(pass))
        return ERR_VAL;
    if (privkey_pass != NULL && privkey_pass_len > 0) {
        memcpy(pass, privkey_pass, privkey_pass_len);
        pass[privkey_pass_len] = '\0';
        rc = petls_config_set_key_passphrase(config->cfg, pass);
        memset(pass, 0, sizeof(pass));
        if (rc != 0)
            return ERR_VAL;
    }
    rc = petls_config_add_keypair_mem(config->cfg, cert, cert_len, privkey,
                                      privkey_len);
    if (privkey_pass != NULL)
        (void)petls_config_set_key_passphrase(config->cfg, NULL);
    if (rc != 0) {
        set_last_error("keypair", petls_config_error(config->cfg));
        return ERR_VAL;
    }
    return ERR_OK;
}

struct altcp_tls_config *altcp_tls_create_config_server_privkey_cert(
    const u8_t *privkey, size_t privkey_len, const u8_t *privkey_pass,
    size_t privkey_pass_len, const u8_t *cert, size_t cert_len)
{
    struct altcp_tls_config *conf = config_new(1);

    if (conf != NULL && altcp_tls_config_server_add_privkey_cert(
                            conf, privkey, privkey_len, privkey_pass,
                            privkey_pass_len, cert, cert_len) != ERR_OK) {
        altcp_tls_free_config(conf);
        return NULL;
    }
    return conf;
}

struct altcp_tls_config *altcp_tls_create_config_client(const u8_t *cert,
                                                        size_t cert_len)
{
    struct altcp_tls_config *conf = config_new(0);

    if (conf == NULL)
        return NULL;
    if (cert == NULL) {
        /* lwIP: no CA means no verification. */
        petls_config_insecure_noverifycert(conf->cfg);
        petls_config_insecure_noverifyname(conf->cfg);
    } else if (petls_config_set_ca_mem(conf->cfg, cert, cert_len) != 0) {
        set_last_error("ca", petls_config_error(conf->cfg));
        altcp_tls_free_config(conf);
        return NULL;
    }
    return conf;
}

struct altcp_tls_config *altcp_tls_create_config_client_2wayauth(
    const u8_t *ca, size_t ca_len, const u8_t *privkey, size_t privkey_len,
    const u8_t *privkey_pass, size_t privkey_pass_len, const u8_t *cert,
    size_t cert_len)
{
    struct altcp_tls_config *conf = altcp_tls_create_config_client(ca, ca_len);

    if (conf == NULL)
        return NULL;
    conf->is_server = 1; /* borrow the server's keypair loader */
    if (altcp_tls_config_server_add_privkey_cert(conf, privkey, privkey_len,
                                                 privkey_pass, privkey_pass_len,
                                                 cert, cert_len) != ERR_OK) {
        altcp_tls_free_config(conf);
        return NULL;
    }
    conf->is_server = 0;
    return conf;
}

int altcp_tls_configure_alpn_protocols(struct altcp_tls_config *conf,
                                       const char **protos)
{
    char list[256];
    size_t used = 0, n;

    if (conf == NULL || protos == NULL)
        return ERR_VAL;
    list[0] = '\0';
    for (; *protos != NULL; protos++) {
        n = strlen(*protos);
        if (used + n + 2 > sizeof(list))
            return ERR_VAL;
        if (used > 0)
            list[used++] = ',';
        memcpy(list + used, *protos, n + 1);
        used += n;
    }
    return petls_config_set_alpn(conf->cfg, list) == 0 ? ERR_OK : ERR_VAL;
}

void altcp_tls_free_config(struct altcp_tls_config *conf)
{
    if (conf == NULL)
        return;
    petls_free(conf->server);
    petls_config_free(conf->cfg);
    mem_free(conf);
}

void altcp_tls_free_entropy(void)
{
    /* petls's port owns the entropy source; nothing to free here. */
}

/* ---- Transport: petls's callbacks on the inner pcb -------------------- */

static ssize_t tls_read_cb(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct tls_state *st = (struct tls_state *)arg;
    u16_t n;

    (void)ctx;
    if (st->rx == NULL)
        return st->rx_closed ? 0 : PETLS_WANT_POLLIN;
    n = (u16_t)LWIP_MIN(len, (size_t)st->rx->tot_len);
    n = pbuf_copy_partial(st->rx, buf, n, 0);
    st->rx = pbuf_free_header(st->rx, n);
    if (st->conn != NULL && st->conn->inner_conn != NULL)
        altcp_recved(st->conn->inner_conn, n);
    return (ssize_t)n;
}

static ssize_t tls_write_cb(struct petls *ctx, const void *buf, size_t len,
                            void *arg)
{
    struct tls_state *st = (struct tls_state *)arg;
    struct altcp_pcb *inner;
    u16_t room;
    err_t err;

    (void)ctx;
    inner = st->conn != NULL ? st->conn->inner_conn : NULL;
    if (inner == NULL)
        return -1;
    room = altcp_sndbuf(inner);
    if (altcp_sndqueuelen(inner) + 2 >= TCP_SND_QUEUELEN)
        room = 0;
    if (room == 0)
        return PETLS_WANT_POLLOUT;
    if (len > room)
        len = room;
    err = altcp_write(inner, buf, (u16_t)len, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM)
        return PETLS_WANT_POLLOUT;
    if (err != ERR_OK)
        return -1;
    st->enc_total += (u32_t)len;
    return (ssize_t)len;
}

static void add_mark(struct tls_state *st, u32_t plain)
{
    if (st->nmarks == MARKS) {
        st->marks[MARKS - 1].enc_end = st->enc_total;
        st->marks[MARKS - 1].plain += plain;
        return;
    }
    st->marks[st->nmarks].enc_end = st->enc_total;
    st->marks[st->nmarks].plain = plain;
    st->nmarks++;
}

/* ---- State ------------------------------------------------------------- */

static void detach_inner(struct altcp_pcb *inner)
{
    altcp_arg(inner, NULL);
    altcp_recv(inner, NULL);
    altcp_sent(inner, NULL);
    altcp_err(inner, NULL);
    altcp_poll(inner, NULL, 0);
    altcp_accept(inner, NULL);
}

static void free_state(struct tls_state *st)
{
    if (st->rx != NULL)
        pbuf_free(st->rx);
    if (st->app_rx != NULL)
        pbuf_free(st->app_rx);
    petls_free(st->tls);
    if (st->pending != NULL)
        mem_free(st->pending);
    if (st->servername != NULL)
        mem_free(st->servername);
    if (st->session != NULL) {
        memset(st->session, 0, st->session_len);
        mem_free(st->session);
    }
    if (st->counted)
        conn_count--;
    mem_free(st);
}

/* altcp_free() calls this; defers while a callback of ours is running. */
static void tls_dealloc(struct altcp_pcb *conn)
{
    struct tls_state *st = (struct tls_state *)conn->state;

    conn->state = NULL;
    if (st == NULL)
        return;
    st->conn = NULL;
    if (st->in_cb)
        st->dead = 1;
    else
        free_state(st);
}

/* What pump() and fail() return: the pcb lives on, or it is gone (freed)
 * and the inner pcb was closed (GONE_OK) or aborted (GONE_ABRT: the lwIP
 * callback must return ERR_ABRT). */
enum { ALIVE = 0, GONE_OK, GONE_ABRT };

static err_t lwip_ret(int r)
{
    return r == GONE_ABRT ? ERR_ABRT : ERR_OK;
}

/* After an application callback: was the pcb closed or aborted in it? */
static int gone(struct tls_state *st)
{
    int r;

    if (!st->dead)
        return ALIVE;
    r = st->inner_aborted ? GONE_ABRT : GONE_OK;
    free_state(st);
    return r;
}

/* A fatal TLS error: flush what petls queued (its alert), close the TCP
 * connection, tell the application (err callback: its pcb is gone). */
static int fail(struct tls_state *st, const char *what)
{
    struct altcp_pcb *conn = st->conn, *inner = conn->inner_conn;
    int ret = GONE_OK;

    set_last_error(what, petls_error(st->tls));
    st->failed = 1;
    if (inner != NULL) {
        detach_inner(inner);
        altcp_output(inner);
        if (altcp_close(inner) != ERR_OK) {
            altcp_abort(inner);
            ret = GONE_ABRT;
        }
        conn->inner_conn = NULL;
    }
    st->in_cb++;
    if (conn->err != NULL)
        conn->err(conn->arg, ERR_ABRT);
    st->in_cb--;
    if (!st->dead)
        altcp_free(conn); /* dealloc frees st */
    else
        free_state(st);
    return ret;
}

/* Hands petls the pending plaintext. 0, or -1 on a fatal error. */
static int flush_pending(struct tls_state *st)
{
    u16_t off = 0;
    ssize_t n;

    while (st->pending != NULL && off < st->pending_len) {
        n = petls_write(st->tls, st->pending + off,
                        (size_t)(st->pending_len - off));
        if (n > 0) {
            off = (u16_t)(off + n);
            add_mark(st, (u32_t)n);
        } else if (n == PETLS_WANT_POLLOUT || n == PETLS_WANT_POLLIN) {
            break;
        } else {
            return -1;
        }
    }
    if (st->pending != NULL) {
        if (off == st->pending_len) {
            mem_free(st->pending);
            st->pending = NULL;
            st->pending_len = 0;
        } else if (off > 0) {
            memmove(st->pending, st->pending + off,
                    (size_t)(st->pending_len - off));
            st->pending_len = (u16_t)(st->pending_len - off);
        }
    }
    return 0;
}

/* Delivers plaintext (or the end of stream, p == NULL) to the application.
 * ERR_OK when taken; another value when refused (p kept in st->app_rx). */
static err_t deliver(struct tls_state *st, struct pbuf *p)
{
    struct altcp_pcb *conn = st->conn;
    err_t err;

    st->in_cb++;
    if (conn->recv != NULL) {
        err = conn->recv(conn->arg, conn, p, ERR_OK);
    } else {
        if (p != NULL)
            pbuf_free(p);
        err = ERR_OK;
    }
    st->in_cb--;
    if (st->dead)
        return ERR_OK;
    if (err != ERR_OK && p != NULL)
        st->app_rx = p;
    return err;
}

/* Moves everything that can move: handshake, pending plaintext out,
 * plaintext in. Returns ALIVE, or GONE_* when the pcb was freed. */
static int pump(struct tls_state *st)
{
    struct altcp_pcb *conn = st->conn;
    int r, rc;

    if (!st->handshake_done) {
        rc = petls_handshake(st->tls);
        if (conn->inner_conn != NULL)
            altcp_output(conn->inner_conn);
        if (rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT)
            return ALIVE;
        if (rc != 0)
            return fail(st, "handshake");
        st->handshake_done = 1;
        if (!st->conf->is_server && conn->connected != NULL) {
            st->in_cb++;
            (void)conn->connected(conn->arg, conn, ERR_OK);
            st->in_cb--;
            if ((r = gone(st)) != ALIVE)
                return r;
        }
    }
    if (flush_pending(st) != 0)
        return fail(st, "write");
    while (!st->eof_delivered) {
        struct pbuf *p = st->app_rx;
        ssize_t n;

        if (p == NULL) {
            p = pbuf_alloc(PBUF_RAW, TCP_MSS, PBUF_RAM);
            if (p == NULL)
                break; /* no RAM now: the next callback tries again */
            n = petls_read(st->tls, p->payload, p->len);
            if (n == PETLS_WANT_POLLIN || n == PETLS_WANT_POLLOUT) {
                pbuf_free(p);
                break;
            }
            if (n < 0 && !st->rx_closed) {
                pbuf_free(p);
                return fail(st, "read");
            }
            if (n <= 0) { /* close_notify, or the peer's FIN */
                pbuf_free(p);
                st->eof_delivered = 1;
                (void)deliver(st, NULL);
                if ((r = gone(st)) != ALIVE)
                    return r;
                break;
            }
            pbuf_realloc(p, (u16_t)n);
        } else {
            st->app_rx = NULL;
        }
        rc = deliver(st, p) != ERR_OK;
        if ((r = gone(st)) != ALIVE)
            return r;
        if (rc)
            break;
    }
    if (conn->inner_conn != NULL)
        altcp_output(conn->inner_conn);
    return ALIVE;
}

/* ---- Inner pcb callbacks ---------------------------------------------- */

static err_t lower_recv(void *arg, struct altcp_pcb *inner, struct pbuf *p,
                        err_t err)
{
    struct altcp_pcb *conn = (struct altcp_pcb *)arg;
    struct tls_state *st;

    if (conn == NULL || (st = (struct tls_state *)conn->state) == NULL) {
        if (p != NULL) {
            altcp_recved(inner, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    (void)err;
    if (p == NULL) {
        st->rx_closed = 1;
    } else if (st->rx == NULL) {
        st->rx = p;
    } else {
        pbuf_cat(st->rx, p);
    }
    if (st->tls == NULL) /* client not yet connected */
        return ERR_OK;
    return lwip_ret(pump(st));
}

static err_t lower_sent(void *arg, struct altcp_pcb *inner, u16_t len)
{
    struct altcp_pcb *conn = (struct altcp_pcb *)arg;
    struct tls_state *st;
    u32_t plain = 0;
    int r;

    (void)inner;
    if (conn == NULL || (st = (struct tls_state *)conn->state) == NULL ||
        st->tls == NULL)
        return ERR_OK;
    st->enc_acked += len;
    while (st->nmarks > 0 &&
           (s32_t)(st->enc_acked - st->marks[0].enc_end) >= 0) {
        plain += st->marks[0].plain;
        memmove(&st->marks[0], &st->marks[1],
                (st->nmarks - 1) * sizeof(st->marks[0]));
        st->nmarks--;
    }
    if ((r = pump(st)) != ALIVE)
        return lwip_ret(r);
    if (plain > 0 && conn->sent != NULL && st->handshake_done) {
        st->in_cb++;
        (void)conn->sent(conn->arg, conn, (u16_t)LWIP_MIN(plain, 0xFFFFu));
        st->in_cb--;
        if ((r = gone(st)) != ALIVE)
            return lwip_ret(r);
    }
    return ERR_OK;
}

static err_t lower_poll(void *arg, struct altcp_pcb *inner)
{
    struct altcp_pcb *conn = (struct altcp_pcb *)arg;
    struct tls_state *st;
    int r;

    (void)inner;
    if (conn == NULL || (st = (struct tls_state *)conn->state) == NULL ||
        st->tls == NULL)
        return ERR_OK;
    if ((r = pump(st)) != ALIVE) /* also runs the handshake timeout */
        return lwip_ret(r);
    st->poll_ticks++;
    if (conn->poll != NULL && conn->pollinterval > 0 &&
        st->poll_ticks * POLL_INTERVAL >= conn->pollinterval) {
        st->poll_ticks = 0;
        st->in_cb++;
        (void)conn->poll(conn->arg, conn);
        st->in_cb--;
        if ((r = gone(st)) != ALIVE)
            return lwip_ret(r);
    }
    return ERR_OK;
}

static void lower_err(void *arg, err_t err)
{
    struct altcp_pcb *conn = (struct altcp_pcb *)arg;
    struct tls_state *st;

    if (conn == NULL)
        return;
    conn->inner_conn = NULL; /* lwIP freed it */
    st = (struct tls_state *)conn->state;
    if (st != NULL)
        st->in_cb++;
    if (conn->err != NULL)
        conn->err(conn->arg, err);
    if (st == NULL) {
        altcp_free(conn);
        return;
    }
    st->in_cb--;
    if (st->dead)
        free_state(st);
    else
        altcp_free(conn);
}

static struct tls_state *setup(struct altcp_tls_config *conf,
                               struct altcp_pcb *conn, struct altcp_pcb *inner)
{
    struct tls_state *st =
        (struct tls_state *)mem_calloc(1, sizeof(struct tls_state));

    if (st == NULL)
        return NULL;
    st->conf = conf;
    st->conn = conn;
    conn->fns = &tls_functions;
    conn->inner_conn = inner;
    conn->state = st;
    altcp_arg(inner, conn);
    altcp_recv(inner, lower_recv);
    altcp_sent(inner, lower_sent);
    altcp_err(inner, lower_err);
    altcp_poll(inner, lower_poll, POLL_INTERVAL);
    return st;
}

static err_t lower_accept(void *arg, struct altcp_pcb *accepted, err_t err)
{
    struct altcp_pcb *lconn = (struct altcp_pcb *)arg, *conn;
    struct tls_state *lst, *st;
    struct altcp_tls_config *conf;

    if (lconn == NULL || (lst = (struct tls_state *)lconn->state) == NULL ||
        err != ERR_OK || lconn->accept == NULL)
        goto refuse;
    conf = lst->conf;
    if (max_conns > 0 && conn_count >= max_conns) {
        refused_count++;
        goto refuse;
    }
    if (conf->server == NULL) {
        conf->server = petls_server();
        if (conf->server == NULL ||
            petls_configure(conf->server, conf->cfg) != 0) {
            set_last_error("configure", conf->server != NULL
                                            ? petls_error(conf->server)
                                            : "out of memory");
            petls_free(conf->server);
            conf->server = NULL;
            goto refuse;
        }
    }
    conn = altcp_alloc();
    if (conn == NULL)
        goto refuse;
    st = setup(conf, conn, accepted);
    if (st == NULL) {
        altcp_free(conn);
        goto refuse;
    }
    if (petls_accept_cbs(conf->server, &st->tls, tls_read_cb, tls_write_cb,
                         st) != 0) {
        set_last_error("accept", petls_error(conf->server));
        detach_inner(accepted);
        altcp_free(conn);
        goto refuse;
    }
    st->counted = 1;
    conn_count++;
    return lconn->accept(lconn->arg, conn, ERR_OK);
refuse:
    if (accepted != NULL)
        altcp_abort(accepted);
    return ERR_ABRT;
}

static err_t lower_connected(void *arg, struct altcp_pcb *inner, err_t err)
{
    struct altcp_pcb *conn = (struct altcp_pcb *)arg;
    struct tls_state *st;

    (void)inner;
    if (conn == NULL || (st = (struct tls_state *)conn->state) == NULL)
        return ERR_VAL;
    if (err != ERR_OK) {
        if (conn->connected != NULL)
            return conn->connected(conn->arg, conn, err);
        return ERR_OK;
    }
    if (st->session != NULL &&
        petls_set_session(st->tls, st->session, st->session_len) != 0)
        set_last_error("session", petls_error(st->tls));
    if (petls_connect_cbs(st->tls, tls_read_cb, tls_write_cb, st,
                          st->servername) != 0)
        return lwip_ret(fail(st, "connect"));
    return lwip_ret(pump(st));
}

/* ---- The altcp functions ---------------------------------------------- */

static void tls_set_poll(struct altcp_pcb *conn, u8_t interval)
{
    /* The inner pcb polls every POLL_INTERVAL; lower_poll() forwards to
     * the application at conn->pollinterval. */
    (void)conn;
    (void)interval;
}

static void tls_recved(struct altcp_pcb *conn, u16_t len)
{
    /* The TCP window opens as petls consumes ciphertext (tls_read_cb);
     * plaintext the application holds is back-pressured by refusing it. */
    (void)conn;
    (void)len;
}

static err_t tls_connect(struct altcp_pcb *conn, const ip_addr_t *ipaddr,
                         u16_t port, altcp_connected_fn connected)
{
    if (conn == NULL || conn->inner_conn == NULL)
        return ERR_VAL;
    conn->connected = connected;
    return altcp_connect(conn->inner_conn, ipaddr, port, lower_connected);
}

static struct altcp_pcb *tls_listen(struct altcp_pcb *conn, u8_t backlog,
                                    err_t *err)
{
    struct altcp_pcb *lpcb;
    struct tls_state *st;

    if (conn == NULL || conn->inner_conn == NULL ||
        (st = (struct tls_state *)conn->state) == NULL ||
        !st->conf->is_server) {
        if (err != NULL)
            *err = ERR_VAL;
        return NULL;
    }
    lpcb = altcp_listen_with_backlog_and_err(conn->inner_conn, backlog, err);
    if (lpcb == NULL)
        return NULL;
    st->is_listener = 1;
    conn->inner_conn = lpcb;
    altcp_arg(lpcb, conn);
    altcp_accept(lpcb, lower_accept);
    return conn;
}

static void tls_abort(struct altcp_pcb *conn)
{
    struct tls_state *st;
    struct altcp_pcb *inner;

    if (conn == NULL)
        return;
    st = (struct tls_state *)conn->state;
    inner = conn->inner_conn;
    if (inner != NULL) {
        detach_inner(inner);
        altcp_abort(inner);
        conn->inner_conn = NULL;
        if (st != NULL)
            st->inner_aborted = 1;
    }
    altcp_free(conn);
}

static err_t tls_close(struct altcp_pcb *conn)
{
    struct tls_state *st;
    struct altcp_pcb *inner;

    if (conn == NULL)
        return ERR_VAL;
    st = (struct tls_state *)conn->state;
    inner = conn->inner_conn;
    if (st != NULL && st->tls != NULL && st->handshake_done && !st->failed &&
        inner != NULL)
        (void)petls_close(st->tls); /* close_notify, best effort */
    if (inner != NULL) {
        detach_inner(inner);
        altcp_output(inner);
        if (altcp_close(inner) != ERR_OK) {
            altcp_abort(inner);
            if (st != NULL)
                st->inner_aborted = 1;
        }
        conn->inner_conn = NULL;
    }
    altcp_free(conn);
    return ERR_OK;
}

static err_t tls_shutdown(struct altcp_pcb *conn, int shut_rx, int shut_tx)
{
    if (shut_rx && shut_tx)
        return tls_close(conn);
    return altcp_default_shutdown(conn, shut_rx, shut_tx);
}

static u16_t tls_sndbuf(struct altcp_pcb *conn)
{
    struct tls_state *st;
    u16_t inner, records, overhead;

    if (conn == NULL || conn->inner_conn == NULL ||
        (st = (struct tls_state *)conn->state) == NULL || !st->handshake_done ||
        st->pending != NULL)
        return 0;
    inner = altcp_sndbuf(conn->inner_conn);
    records = (u16_t)(inner / TLS_RECORD_MAX + 1u);
    overhead = (u16_t)(records * TLS_OVERHEAD);
    return inner > overhead ? (u16_t)(inner - overhead) : 0;
}

static err_t tls_write(struct altcp_pcb *conn, const void *dataptr, u16_t len,
                       u8_t apiflags)
{
    struct tls_state *st;
    const u8_t *data = (const u8_t *)dataptr;
    u16_t off = 0;
    ssize_t n;

    (void)apiflags;
    if (conn == NULL || (st = (struct tls_state *)conn->state) == NULL ||
        st->tls == NULL || st->failed || conn->inner_conn == NULL)
        return ERR_CONN;
    if (!st->handshake_done)
        return ERR_CONN;
    if (len == 0)
        return ERR_OK;
    if (st->pending != NULL || len > tls_sndbuf(conn))
        return ERR_MEM;
    while (off < len) {
        n = petls_write(st->tls, data + off, (size_t)(len - off));
        if (n > 0) {
            off = (u16_t)(off + n);
            add_mark(st, (u32_t)n);
        } else if (n == PETLS_WANT_POLLOUT || n == PETLS_WANT_POLLIN) {
            /* A record is half out: keep the rest, finish on tcp_sent. */
            st->pending = (u8_t *)mem_malloc((mem_size_t)(len - off));
            if (st->pending == NULL) {
                set_last_error("write", "out of memory for pending data");
                st->failed = 1;
                return ERR_MEM;
            }
            memcpy(st->pending, data + off, (size_t)(len - off));
            st->pending_len = (u16_t)(len - off);
            break;
        } else {
            set_last_error("write", petls_error(st->tls));
            st->failed = 1;
            return ERR_CONN;
        }
    }
    return ERR_OK;
}

static u16_t tls_mss(struct altcp_pcb *conn)
{
    u16_t mss;

    if (conn == NULL || conn->inner_conn == NULL)
        return 0;
    mss = altcp_mss(conn->inner_conn);
    return mss > TLS_OVERHEAD ? (u16_t)(mss - TLS_OVERHEAD) : mss;
}

static const struct altcp_functions tls_functions = {
    tls_set_poll,
    tls_recved,
    altcp_default_bind,
    tls_connect,
    tls_listen,
    tls_abort,
    tls_close,
    tls_shutdown,
    tls_write,
    altcp_default_output,
    tls_mss,
    tls_sndbuf,
    altcp_default_sndqueuelen,
    altcp_default_nagle_disable,
    altcp_default_nagle_enable,
    altcp_default_nagle_disabled,
    altcp_default_setprio,
    tls_dealloc,
    altcp_default_get_tcp_addrinfo,
    altcp_default_get_ip,
    altcp_default_get_port,
#if LWIP_TCP_KEEPALIVE
    altcp_default_keepalive_disable,
    altcp_default_keepalive_enable,
#endif
#ifdef LWIP_DEBUG
    altcp_default_dbg_get_tcp_state,
#endif
};

/* ---- Creating pcbs ------------------------------------------------------ */

struct altcp_pcb *altcp_tls_wrap(struct altcp_tls_config *config,
                                 struct altcp_pcb *inner_pcb)
{
    struct altcp_pcb *conn;
    struct tls_state *st;

    if (config == NULL || inner_pcb == NULL)
        return NULL;
    conn = altcp_alloc();
    if (conn == NULL)
        return NULL;
    st = setup(config, conn, inner_pcb);
    if (st == NULL) {
        altcp_free(conn);
        return NULL;
    }
    if (!config->is_server) {
        st->tls = petls_client();
        if (st->tls == NULL || petls_configure(st->tls, config->cfg) != 0) {
            set_last_error("configure", st->tls != NULL ? petls_error(st->tls)
                                                        : "out of memory");
            detach_inner(inner_pcb);
            conn->inner_conn = NULL;
            altcp_free(conn);
            return NULL;
        }
        st->counted = 1;
        conn_count++;
    }
    return conn;
}

struct altcp_pcb *altcp_tls_new(struct altcp_tls_config *config, u8_t ip_type)
{
    struct altcp_pcb *inner, *conn;

    inner = altcp_tcp_new_ip_type(ip_type);
    if (inner == NULL)
        return NULL;
    conn = altcp_tls_wrap(config, inner);
    if (conn == NULL)
        altcp_close(inner);
    return conn;
}

struct altcp_pcb *altcp_tls_alloc(void *arg, u8_t ip_type)
{
    return altcp_tls_new((struct altcp_tls_config *)arg, ip_type);
}

/* ---- lwIP's session API on petls's serialized sessions ------------------ */

void altcp_tls_init_session(struct altcp_tls_session *dest)
{
    if (dest != NULL) {
        dest->data = NULL;
        dest->len = 0;
    }
}

void altcp_tls_free_session(struct altcp_tls_session *dest)
{
    if (dest == NULL || dest->data == NULL)
        return;
    memset(dest->data, 0, dest->len); /* holds the resumption secret */
    mem_free(dest->data);
    dest->data = NULL;
    dest->len = 0;
}

err_t altcp_tls_get_session(struct altcp_pcb *conn,
                            struct altcp_tls_session *dest)
{
    struct petls *tls = petls_altcp_tls_conn(conn);
    ssize_t n;
    u8_t *buf;

    if (tls == NULL || dest == NULL)
        return ERR_VAL;
    n = petls_conn_session(tls, NULL, 0);
    if (n <= 0)
        return ERR_INPROGRESS; /* no session (yet) */
    if ((size_t)n > (mem_size_t)-1)
        return ERR_MEM;
    buf = (u8_t *)mem_malloc((mem_size_t)n);
    if (buf == NULL)
        return ERR_MEM;
    if (petls_conn_session(tls, buf, (size_t)n) != n) {
        memset(buf, 0, (size_t)n);
        mem_free(buf);
        return ERR_VAL;
    }
    altcp_tls_free_session(dest);
    dest->data = buf;
    dest->len = (size_t)n;
    return ERR_OK;
}

err_t altcp_tls_set_session(struct altcp_pcb *conn,
                            struct altcp_tls_session *from)
{
    if (from == NULL || from->data == NULL)
        return ERR_VAL;
    return petls_altcp_tls_set_session(conn, from->data, from->len);
}

void *altcp_tls_context(struct altcp_pcb *conn)
{
    return petls_altcp_tls_conn(conn);
}

struct petls *petls_altcp_tls_conn(struct altcp_pcb *conn)
{
    struct tls_state *st;

    if (conn == NULL || conn->fns != &tls_functions ||
        (st = (struct tls_state *)conn->state) == NULL)
        return NULL;
    return st->tls;
}

err_t petls_altcp_tls_set_servername(struct altcp_pcb *conn, const char *name)
{
    struct tls_state *st;
    size_t n;

    if (conn == NULL || conn->fns != &tls_functions || name == NULL ||
        (st = (struct tls_state *)conn->state) == NULL)
        return ERR_VAL;
    n = strlen(name) + 1;
    if (st->servername != NULL)
        mem_free(st->servername);
    st->servername = (char *)mem_malloc((mem_size_t)n);
    if (st->servername == NULL)
        return ERR_MEM;
    memcpy(st->servername, name, n);
    return ERR_OK;
}

err_t petls_altcp_tls_set_session(struct altcp_pcb *conn,
                                  const uint8_t *session, size_t len)
{
    struct tls_state *st;

    if (conn == NULL || conn->fns != &tls_functions || session == NULL ||
        len == 0 || (st = (struct tls_state *)conn->state) == NULL)
        return ERR_VAL;
    if (st->session != NULL)
        mem_free(st->session);
    st->session = (u8_t *)mem_malloc((mem_size_t)len);
    if (st->session == NULL)
        return ERR_MEM;
    memcpy(st->session, session, len);
    st->session_len = len;
    return ERR_OK;
}

#endif /* LWIP_ALTCP && LWIP_ALTCP_TLS */
