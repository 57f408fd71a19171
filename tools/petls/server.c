/*
 * petls server: a single-threaded poll() loop over non-blocking sockets,
 * each connection its own context from petls_accept_socket(). Nothing a
 * client does (stalling, failing, reading slowly) blocks the others.
 */
#define _POSIX_C_SOURCE 200809L

#include "cert_json.h"
#include "cli.h"
#include "cli_opts.h"
#include "net.h"
#include "report.h"
#include "cli_nego.h"
#include "cli_sni_psk.h"
#include "server_redis.h"
#include "server_resume.h"
#include "workers.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    SOPT_HELP = CLI_OPT_LOCAL,
    SOPT_LISTEN,
    SOPT_ECHO,
    SOPT_WWW,
    SOPT_MAX_CONNS,
    SOPT_COUNT,
    SOPT_WORKERS,
    SOPT_IDLE_TIMEOUT,
    SOPT_MAX_CONNS_PER_IP,
};

/* Defaults of the lock-out guards (docs: README "petls server"). A server's
 * handshake deadline is shorter than the library's (Node's 120 s): a bare
 * TCP connection holds a slot for that long. */
#define SERVER_HANDSHAKE_TIMEOUT_MS 30000u
#define SERVER_IDLE_TIMEOUT_MS 120000u

static const struct cli_option server_options[] = {
    {"listen", "HOST:PORT", SOPT_LISTEN, CLI_ROLE_SERVER,
     "address to listen on (default 127.0.0.1:4433; [::1]:4433; port 0)"},
    {"echo", NULL, SOPT_ECHO, CLI_ROLE_SERVER, "echo application data back"},
    {"www", NULL, SOPT_WWW, CLI_ROLE_SERVER,
     "answer one HTTP/1.0 request describing the connection"},
    {"max-conns", "N", SOPT_MAX_CONNS, CLI_ROLE_SERVER,
     "connections served at once (default 1024)"},
    {"idle-timeout", "SECONDS", SOPT_IDLE_TIMEOUT, CLI_ROLE_SERVER,
     "close a connection idle this long after its handshake (default 120; "
     "0: never)"},
    {"max-conns-per-ip", "N", SOPT_MAX_CONNS_PER_IP, CLI_ROLE_SERVER,
     "connections one client address may hold (default: no limit)"},
    {"count", "N", SOPT_COUNT, CLI_ROLE_SERVER,
     "exit after N finished connections (all workers together)"},
    {"workers", "N", SOPT_WORKERS, CLI_ROLE_SERVER,
     "fork N worker processes sharing the socket, keys and shm store"},
    {"help", NULL, SOPT_HELP, CLI_ROLE_SERVER, "this help"},
    {NULL, NULL, 0, 0, NULL},
};

static void server_usage(FILE *out)
{
    fprintf(out,
            "usage: petls server --cert FILE --key FILE [options]\n\n"
            "Serves TLS on HOST:PORT; prints one line per handshake on stdout"
            "\nand \"listening on HOST:PORT\" on stderr once ready.\n"
            "Without --echo or --www, application data is read and "
            "discarded.\n\noptions:\n");
    cli_print_options(out, server_options, CLI_ROLE_SERVER);
    cli_print_options(out, resume_options, CLI_ROLE_SERVER);
    cli_print_options(out, nego_options, CLI_ROLE_SERVER);
    cli_print_options(out, sni_psk_options, CLI_ROLE_SERVER);
    cli_print_options(out, cli_tls_options, CLI_ROLE_SERVER);
}

enum app_mode { MODE_DISCARD, MODE_ECHO, MODE_WWW };

struct server_opts {
    struct cli_tls_opts tls;
    const char *listen;
    enum app_mode mode;
    long max_conns;
    long max_per_ip;          /* 0: no limit */
    uint32_t idle_timeout_ms; /* 0: never */
    long count;               /* 0: serve forever */
    long workers;             /* 0: serve in this process */
    struct resume_opts resume;
    struct nego_opts nego;
    struct sni_psk_opts snipsk;
};

/* Returns -1 to go on, or the exit status. */
static int parse_args(struct server_opts *o, int argc, char **argv)
{
    static const struct cli_option *const tables[] = {
        server_options,  resume_options,  nego_options,
        sni_psk_options, cli_tls_options, NULL};
    struct cli_scan scan;
    const struct cli_option *opt;
    const char *value;
    char err[512];
    int rc;

    memset(o, 0, sizeof(*o));
    cli_tls_opts_init(&o->tls);
    resume_opts_init(&o->resume);
    nego_opts_init(&o->nego);
    sni_psk_opts_init(&o->snipsk);
    o->listen = "127.0.0.1:4433";
    o->max_conns = 1024;
    o->idle_timeout_ms = SERVER_IDLE_TIMEOUT_MS;
    o->tls.handshake_timeout_ms = SERVER_HANDSHAKE_TIMEOUT_MS;
    cli_scan_init(&scan, argc, argv, 1, CLI_ROLE_SERVER);
    while ((rc = cli_scan_next(&scan, tables, &opt, &value, err,
                               sizeof(err))) >= 0) {
        if (rc == 0) {
            cli_errorf("server: unexpected argument '%s'", value);
            return CLI_EXIT_USAGE;
        }
        switch (opt->id) {
        case SOPT_HELP:
            server_usage(stdout);
            return CLI_EXIT_OK;
        case SOPT_LISTEN:
            o->listen = value;
            break;
        case SOPT_ECHO:
        case SOPT_WWW: {
            enum app_mode m = opt->id == SOPT_ECHO ? MODE_ECHO : MODE_WWW;
            if (o->mode != MODE_DISCARD && o->mode != m) {
                cli_errorf("server: --echo and --www exclude each other");
                return CLI_EXIT_USAGE;
            }
            o->mode = m;
            break;
        }
        case SOPT_MAX_CONNS:
            if (cli_parse_count(value, 1, 65536, &o->max_conns) != 0) {
                cli_errorf("server: --max-conns: '%s' is not in 1..65536",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case SOPT_IDLE_TIMEOUT:
            if (cli_parse_seconds(value, &o->idle_timeout_ms) != 0) {
                cli_errorf("server: --idle-timeout: '%s' is not a number of "
                           "seconds",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case SOPT_MAX_CONNS_PER_IP:
            if (cli_parse_count(value, 1, 65536, &o->max_per_ip) != 0) {
                cli_errorf("server: --max-conns-per-ip: '%s' is not in "
                           "1..65536",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case SOPT_COUNT:
            if (cli_parse_count(value, 1, 1L << 30, &o->count) != 0) {
                cli_errorf("server: --count: '%s' is not a positive number",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case SOPT_WORKERS:
            if (cli_parse_count(value, 1, 256, &o->workers) != 0) {
                cli_errorf("server: --workers: '%s' is not in 1..256", value);
                return CLI_EXIT_USAGE;
            }
            break;
        default:
            rc = resume_opts_apply(&o->resume, opt, value, err, sizeof(err));
            if (rc == 0)
                rc = nego_opts_apply(&o->nego, opt, value, err, sizeof(err));
            if (rc == 0)
                rc = sni_psk_opts_apply(&o->snipsk, opt, value, CLI_ROLE_SERVER,
                                        err, sizeof(err));
            if (rc == 0)
                rc = cli_tls_opts_apply(&o->tls, opt, value, err,
                                        sizeof(err)) == 0
                         ? 1
                         : -1;
            if (rc < 0) {
                cli_errorf("server: %s", err);
                return CLI_EXIT_USAGE;
            }
            break;
        }
    }
    if (rc == -2) {
        cli_errorf("server: %s (see petls server --help)", err);
        return CLI_EXIT_USAGE;
    }
    /* --sni/--psk servers may have no default keypair. */
    if (cli_tls_opts_check(&o->tls,
                           sni_psk_serves(&o->snipsk) ? CLI_ROLE_BOTH
                                                      : CLI_ROLE_SERVER,
                           err, sizeof(err)) != 0) {
        cli_errorf("server: %s", err);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* ---- Connections ----------------------------------------------------- */

enum conn_state {
    ST_HANDSHAKE,
    ST_APP,     /* reading application data (per mode) */
    ST_SENDING, /* flushing out[], then back to ST_APP or on to closing */
    ST_CLOSING, /* sending close_notify */
    ST_LINGER,  /* failed handshake: draining the peer's flight */
    ST_DONE,
};

/* Largest HTTP request head --www waits for. */
#define WWW_REQUEST_MAX 8192
/* How long close_notify may take before the socket is just closed. */
#define CLOSE_TIMEOUT_MS 5000
/* How long a failed handshake's socket reads on after our alert. */
#define LINGER_MS 500
/* Reads/writes one connection may do before others get their turn. */
#define DRIVE_BUDGET 64

struct conn {
    int fd;
    struct petls *ctx;
    char peer[NET_ADDR_MAX];
    enum conn_state state;
    int64_t deadline;     /* handshake, idle or close deadline, 0: none */
    int64_t last_active;  /* last time its socket had something */
    unsigned char ip[16]; /* the peer's address (--max-conns-per-ip) */
    unsigned char iplen;
    short events;   /* what the last WANT asked for */
    int runnable;   /* more to do without waiting for the socket */
    int store_wait; /* the handshake waits for the session store */
    int close_after_send;
    /* --echo: what was read and is being written back; --www: the
     * response. A retried write must see the same buffer (TLS stacks may
     * insist on that), so data is read straight into it and never moved. */
    char *out;
    size_t out_len, out_off;
    size_t req_len;   /* --www: bytes of request head seen */
    char req_tail[4]; /* --www: last bytes, to find "\r\n\r\n" */
};

struct server {
    struct server_opts *o;
    struct petls_config *cfg;
    struct petls *tls;
    int worker;                    /* index under --workers, -1: none */
    struct workers_shared *shared; /* --count across workers, or NULL */
    int lfd;
    struct conn **conns;
    size_t nconns;
    long finished;
    int64_t accept_paused_until; /* after EMFILE and the like */
    int accept_backoff_ms;       /* current pause, doubled up to 1 s */
    int64_t accept_logged_at;    /* last accept error line (one a minute) */
    long evicted;                /* idle connections closed for new ones */
    long per_ip_refused;
    int64_t limits_logged_at;  /* last summary line of the two above */
    struct redis_async *redis; /* --session-store redis://, or NULL */
    struct resume_state *rs;   /* the store, kept across reloads */
    struct nego_state *ns;     /* the key log, kept across reloads */
    char scratch[16384];
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop_signal(int sig)
{
    if (sig == SIGHUP)
        reload_requested = 1;
    else
        stop_requested = 1;
}

/* The config the options describe: --cert/--key, --ca and the other TLS
 * options, resumption, ALPN and the rest, --sni/--psk. Made at start and
 * again on SIGHUP, then with the store and key log made at start (rs,
 * ns). NULL with err. */
static struct petls_config *server_config_build(const struct server_opts *o,
                                                struct resume_state *rs,
                                                struct nego_state *ns,
                                                char *err, size_t errlen)
{
    struct petls_config *cfg =
        cli_tls_config_build(&o->tls, CLI_ROLE_SERVER, err, errlen);
    if (cfg == NULL)
        return NULL;
    if (resume_reapply(&o->resume, cfg, rs, err, errlen) != 0 ||
        nego_apply(&o->nego, cfg, CLI_ROLE_SERVER, ns, err, errlen) != 0 ||
        sni_psk_setup(&o->snipsk, &o->tls, cfg, CLI_ROLE_SERVER, err, errlen) !=
            0) {
        petls_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* SIGHUP, from the loop (not the handler): every file is read again into
 * a new config, which new connections get; connections in progress keep
 * the config they started with (each holds a reference). A file that
 * fails keeps the config in use, and the log says why. The shm or Redis
 * store and --ticket-keys carry resumption across; the in-memory session
 * cache and automatic ticket keys start afresh with the new config. */
static void server_reload(struct server *s)
{
    char err[1024];
    reload_requested = 0;
    struct petls_config *cfg =
        server_config_build(s->o, s->rs, s->ns, err, sizeof(err));
    if (cfg != NULL && petls_configure(s->tls, cfg) != 0) {
        snprintf(err, sizeof(err), "%s", petls_error(s->tls));
        petls_config_free(cfg);
        cfg = NULL;
    }
    if (cfg == NULL) {
        cli_errorf("server: reload: %s (still serving with the previous "
                   "configuration)",
                   err);
        fflush(stderr);
        return;
    }
    petls_config_free(s->cfg); /* s->tls and older connections hold it */
    s->cfg = cfg;
    fprintf(stderr, "reloaded certificates and keys\n");
    if (s->o->resume.ticket_keys_file != NULL)
        fprintf(stderr, "reloaded ticket keys\n");
    fflush(stderr);
}

static short want_events(int want)
{
    return want == PETLS_WANT_POLLOUT ? POLLOUT : POLLIN;
}

static int is_want(ssize_t rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT;
}

/* After the fatal alert of a failed handshake: closing at once with the
 * rest of the peer's flight unread (or still on its way) sends a TCP
 * reset, which can reach the peer before it reads our alert, so that it
 * reports "connection reset" or "broken pipe" instead. Like nginx's
 * lingering close: stop writing, read and discard until the peer closes
 * or LINGER_MS pass. */
static void conn_linger(struct conn *c)
{
    if (shutdown(c->fd, SHUT_WR) != 0) {
        c->state = ST_DONE;
        return;
    }
    c->state = ST_LINGER;
    c->deadline = net_now_ms() + LINGER_MS;
}

/* ST_LINGER: discards what arrived; the peer's EOF or an error ends it. */
static int conn_linger_read(struct conn *c)
{
    char buf[4096];

    for (int i = 0; i < 16; i++) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return PETLS_WANT_POLLIN;
        }
        if (n <= 0) {
            c->state = ST_DONE;
            return 0;
        }
    }
    return PETLS_WANT_POLLIN;
}

static void conn_fail_handshake(struct server *s, struct conn *c,
                                const char *error)
{
    if (s->o->tls.json)
        report_failure_json(stdout, c->peer, error);
    else
        report_server_error(stdout, c->peer, error);
    conn_linger(c);
}

static void conn_start_closing(struct conn *c)
{
    c->state = ST_CLOSING;
    c->deadline = net_now_ms() + CLOSE_TIMEOUT_MS;
}

/* An error after the handshake: the handshake line is already out, so this
 * goes to stderr and stdout keeps one line per handshake. */
static void conn_io_error(struct conn *c, const char *what)
{
    char who[NET_ADDR_MAX + 16];

    snprintf(who, sizeof(who), "server: %s", c->peer);
    cli_op_error(who, what, petls_error(c->ctx));
    c->state = ST_DONE;
}

#define ECHO_BUF_SIZE 16384

/* The connection's own output buffer, allocated on first use. */
static char *conn_out_buf(struct conn *c)
{
    if (c->out == NULL && (c->out = malloc(ECHO_BUF_SIZE)) == NULL) {
        cli_errorf("server: %s: out of memory", c->peer);
        c->state = ST_DONE;
    }
    return c->out;
}

static void start_sending(struct conn *c, size_t len)
{
    c->out_len = len;
    c->out_off = 0;
    c->state = ST_SENDING;
}

static void www_respond(struct conn *c)
{
    struct conn_facts f;
    char body[4096];
    conn_facts_get(c->ctx, &f);
    int blen = snprintf(
        body, sizeof(body),
        "%s\nversion: %s\ncipher: %s\nservername: %s\nauthorized: %s\n"
        "authorizationError: %s\npeer_subject: %s\n",
        petls_version_string(), f.version ? f.version : "-",
        f.cipher ? f.cipher : "-", f.servername ? f.servername : "(none)",
        f.authorized ? "true" : "false",
        f.authorization_error ? f.authorization_error : "(none)",
        f.peer_subject ? f.peer_subject : "(none)");
    if (blen < 0 || (size_t)blen >= sizeof(body))
        blen = (int)strlen(body);
    char *resp = conn_out_buf(c);
    if (resp == NULL)
        return;
    int rlen = snprintf(resp, ECHO_BUF_SIZE,
                        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                        "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                        blen, body);
    if (rlen < 0 || rlen >= ECHO_BUF_SIZE)
        rlen = (int)strlen(resp);
    c->close_after_send = 1;
    start_sending(c, (size_t)rlen);
}

/* Feeds request bytes to the --www head detector; 1 when the head is
 * complete (or too large to wait for). */
static int www_request_done(struct conn *c, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memmove(c->req_tail, c->req_tail + 1, 3);
        c->req_tail[3] = buf[i];
        if (memcmp(c->req_tail, "\r\n\r\n", 4) == 0 ||
            memcmp(c->req_tail + 2, "\n\n", 2) == 0)
            return 1;
    }
    c->req_len += n;
    return c->req_len >= WWW_REQUEST_MAX;
}

static void conn_handshake_done(struct server *s, struct conn *c)
{
    struct conn_facts f;
    conn_facts_get(c->ctx, &f);
    f.worker = s->worker;
    if (s->o->tls.json)
        report_handshake_json(stdout, c->peer, &f);
    else
        report_server_line(stdout, c->peer, &f);
    if (s->o->tls.peer_cert)
        (void)cert_json_print(stdout, c->ctx);
    c->state = ST_APP;
    c->deadline =
        s->o->idle_timeout_ms > 0 ? net_now_ms() + s->o->idle_timeout_ms : 0;
}

/* The peer did something: c is not idle, its idle deadline moves. */
static void conn_touch(struct server *s, struct conn *c, int64_t now)
{
    c->last_active = now;
    if ((c->state == ST_APP || c->state == ST_SENDING) &&
        s->o->idle_timeout_ms > 0)
        c->deadline = now + s->o->idle_timeout_ms;
}

/* One step of the application phase: read what the peer sent and act on
 * it per mode. Returns the petls_read result. */
static ssize_t conn_app_read(struct server *s, struct conn *c)
{
    char *buf = s->scratch;
    size_t buflen = sizeof(s->scratch);
    if (s->o->mode == MODE_ECHO) {
        if ((buf = conn_out_buf(c)) == NULL)
            return -1;
        buflen = ECHO_BUF_SIZE;
    }
    ssize_t n = petls_read(c->ctx, buf, buflen);
    if (n == 0) {
        conn_start_closing(c);
    } else if (n > 0) {
        if (s->o->mode == MODE_ECHO) {
            start_sending(c, (size_t)n);
        } else if (s->o->mode == MODE_WWW) {
            if (www_request_done(c, s->scratch, (size_t)n))
                www_respond(c);
        }
    } else if (n == -1) {
        conn_io_error(c, "read");
    }
    return n;
}

/* Runs c until it has to wait for its socket (events set), finishes
 * (ST_DONE), or has used its budget (runnable set). */
static void conn_drive(struct server *s, struct conn *c)
{
    for (int budget = DRIVE_BUDGET; budget > 0; budget--) {
        ssize_t rc;
        switch (c->state) {
        case ST_HANDSHAKE:
            rc = petls_handshake(c->ctx);
            if (rc == 0) {
                conn_handshake_done(s, c);
            } else if (rc == -1) {
                conn_fail_handshake(s, c, petls_error(c->ctx));
            } else if (rc == PETLS_WANT_STORE) {
                /* Not polled until the store answers (server_wake). */
                c->store_wait = 1;
                return;
            }
            break;
        case ST_APP:
            rc = conn_app_read(s, c);
            break;
        case ST_SENDING:
            rc = petls_write(c->ctx, c->out + c->out_off,
                             c->out_len - c->out_off);
            if (rc > 0) {
                c->out_off += (size_t)rc;
                if (c->out_off == c->out_len) {
                    if (c->close_after_send)
                        conn_start_closing(c);
                    else
                        c->state = ST_APP;
                }
            } else if (rc == -1) {
                conn_io_error(c, "write");
            }
            break;
        case ST_CLOSING:
            rc = petls_close(c->ctx);
            /* A peer that has gone already is not worth a message. */
            if (!is_want(rc))
                c->state = ST_DONE;
            break;
        case ST_LINGER:
            rc = conn_linger_read(c);
            break;
        case ST_DONE:
        default:
            return;
        }
        if (c->state == ST_DONE)
            return;
        if (is_want(rc)) {
            c->events = want_events((int)rc);
            return;
        }
    }
    c->runnable = 1;
}

/* The deadline passed: a handshake gets one more call so the library can
 * report its own timeout; if it still waits, the tool enforces it. */
static void conn_deadline(struct server *s, struct conn *c)
{
    if (c->state == ST_HANDSHAKE) {
        int rc = petls_handshake(c->ctx);
        if (rc == 0) {
            conn_handshake_done(s, c);
            conn_drive(s, c);
        } else if (rc == -1) {
            conn_fail_handshake(s, c, petls_error(c->ctx));
        } else {
            /* Same words as the library's own timeout. */
            char msg[64];
            snprintf(msg, sizeof(msg), "handshake timed out after %u ms",
                     (unsigned)s->o->tls.handshake_timeout_ms);
            conn_fail_handshake(s, c, msg);
        }
    } else if (c->state == ST_APP || c->state == ST_SENDING) {
        cli_errorf("server: %s: idle for %g s, closing", c->peer,
                   (double)s->o->idle_timeout_ms / 1000.0);
        conn_start_closing(c);
        conn_drive(s, c);
    } else if (c->state == ST_CLOSING || c->state == ST_LINGER) {
        c->state = ST_DONE;
    }
}

static void conn_free(struct conn *c)
{
    if (c == NULL)
        return;
    if (c->ctx != NULL)
        petls_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    free(c->out);
    free(c);
}

/* Frees c; a store lookup it still waits for is answered to nobody. */
static void server_conn_free(struct server *s, struct conn *c)
{
    if (c == NULL)
        return;
    if (c->ctx != NULL)
        redis_async_cancel(s->redis, c->ctx);
    conn_free(c);
}

/* The store answered the lookup of ctx: its connection runs again. */
static void server_wake(void *arg, struct petls *ctx)
{
    struct server *s = arg;
    for (size_t i = 0; i < s->nconns; i++) {
        if (s->conns[i]->ctx == ctx) {
            s->conns[i]->store_wait = 0;
            s->conns[i]->runnable = 1;
            return;
        }
    }
}

/* The peer's address without the port, for --max-conns-per-ip. */
static void conn_set_ip(struct conn *c, const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        memcpy(c->ip, &in->sin_addr, 4);
        c->iplen = 4;
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        memcpy(c->ip, &in6->sin6_addr, 16);
        c->iplen = 16;
    }
}

static size_t conns_from_ip(const struct server *s, const struct conn *c)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nconns; i++) {
        const struct conn *o = s->conns[i];
        if (o->state != ST_DONE && o->iplen == c->iplen &&
            memcmp(o->ip, c->ip, c->iplen) == 0)
            n++;
    }
    return n;
}

/* Removes conns[i] at once (its slot and descriptor are needed now). */
static void server_drop(struct server *s, size_t i)
{
    server_conn_free(s, s->conns[i]);
    s->finished =
        s->shared != NULL ? workers_shared_add(s->shared) : s->finished + 1;
    s->conns[i] = s->conns[--s->nconns];
}

/* Closes the connection that has waited longest for its peer (a handshake
 * that never started, an idle TLS connection), so that a new client can
 * always start a handshake: idle clients cannot lock others out. One that
 * has work queued (runnable) is never chosen. Returns 1 if one was
 * closed. */
static int server_evict_oldest(struct server *s)
{
    size_t victim = s->nconns;
    for (size_t i = 0; i < s->nconns; i++) {
        const struct conn *c = s->conns[i];
        if (c->runnable && c->state != ST_DONE)
            continue;
        if (victim == s->nconns ||
            (c->state == ST_DONE) > (s->conns[victim]->state == ST_DONE) ||
            c->last_active < s->conns[victim]->last_active)
            victim = i;
        if (c->state == ST_DONE)
            break;
    }
    if (victim == s->nconns)
        return 0;
    if (s->conns[victim]->state != ST_DONE)
        s->evicted++;
    server_drop(s, victim);
    return 1;
}

/* At most one line every 10 s about connections closed or refused to keep
 * the limits: thousands of idle clients must not flood the log. */
static void server_log_limits(struct server *s, int64_t now)
{
    if ((s->evicted == 0 && s->per_ip_refused == 0) ||
        (s->limits_logged_at != 0 && now - s->limits_logged_at < 10000))
        return;
    if (s->evicted > 0)
        cli_errorf("server: %ld idle connection(s) closed to admit new ones "
                   "(--max-conns %ld or out of descriptors)",
                   s->evicted, s->o->max_conns);
    if (s->per_ip_refused > 0)
        cli_errorf("server: %ld connection(s) refused: over "
                   "--max-conns-per-ip %ld",
                   s->per_ip_refused, s->o->max_per_ip);
    s->evicted = 0;
    s->per_ip_refused = 0;
    s->limits_logged_at = now;
}

static int server_has_runnable(const struct server *s)
{
    for (size_t i = 0; i < s->nconns; i++)
        if (s->conns[i]->runnable)
            return 1;
    return 0;
}

/* accept() failed with errno: 1 to try again now, 0 to stop for this
 * round. Out of descriptors: an idle connection makes room (connections
 * just accepted become idle once driven: the loop comes back at once);
 * with none, the listener waits (100 ms, doubling to 1 s) instead of
 * spinning on a socket that stays readable, and the error is logged at
 * most once a minute. */
static int server_accept_error(struct server *s)
{
    int err = errno;
    if (err == EINTR || err == ECONNABORTED)
        return 1;
    if (err == EAGAIN || err == EWOULDBLOCK)
        return 0;
    if (err == EMFILE || err == ENFILE) {
        if (server_evict_oldest(s))
            return 1;
        if (server_has_runnable(s))
            return 0;
    }
    int64_t now = net_now_ms();
    if (s->accept_logged_at == 0 || now - s->accept_logged_at >= 60000) {
        cli_errorf("server: accept: %s (accepts pause and resume by "
                   "themselves; logged at most once a minute)",
                   strerror(err));
        s->accept_logged_at = now;
    }
    s->accept_backoff_ms = s->accept_backoff_ms == 0 ? 100
                           : s->accept_backoff_ms >= 500
                               ? 1000
                               : s->accept_backoff_ms * 2;
    s->accept_paused_until = net_now_ms() + s->accept_backoff_ms;
    return 0;
}

static void server_accept(struct server *s)
{
    /* Bounded: each round accepts at most max_conns clients. */
    for (long round = 0; round < s->o->max_conns; round++) {
        if (s->nconns >= (size_t)s->o->max_conns && !server_evict_oldest(s))
            return;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept(s->lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) {
            if (server_accept_error(s))
                continue;
            return;
        }
        s->accept_backoff_ms = 0;
        struct conn *c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            cli_errorf("server: out of memory");
            return;
        }
        c->fd = fd;
        conn_set_ip(c, &ss);
        if (s->o->max_per_ip > 0 &&
            conns_from_ip(s, c) >= (size_t)s->o->max_per_ip) {
            s->per_ip_refused++;
            conn_free(c);
            continue;
        }
        /* TLS flights are small writes answered by the peer: without
         * TCP_NODELAY, Nagle plus delayed ACK adds ~40 ms per handshake. */
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        net_format_addr((struct sockaddr *)&ss, sl, c->peer, sizeof(c->peer));
        c->state = ST_HANDSHAKE;
        c->runnable = 1;
        c->last_active = net_now_ms();
        if (s->o->tls.handshake_timeout_ms > 0)
            c->deadline = c->last_active + s->o->tls.handshake_timeout_ms;
        if (net_set_nonblocking(fd) != 0) {
            cli_errorf("server: %s: %s", c->peer, strerror(errno));
            c->state = ST_DONE;
        } else if (petls_accept_socket(s->tls, &c->ctx, fd) != 0) {
            conn_fail_handshake(s, c, petls_error(s->tls));
        } else {
            char nerr[256];
            if (nego_server_conn(s->ns, c->ctx, nerr, sizeof(nerr)) != 0)
                conn_fail_handshake(s, c, nerr);
        }
        s->conns[s->nconns++] = c;
    }
}

/* Frees finished connections. Returns 1 when --count is reached. */
static int server_reap(struct server *s)
{
    size_t keep = 0;
    for (size_t i = 0; i < s->nconns; i++) {
        struct conn *c = s->conns[i];
        if (c->state == ST_DONE) {
            server_conn_free(s, c);
            s->finished = s->shared != NULL ? workers_shared_add(s->shared)
                                            : s->finished + 1;
        } else {
            s->conns[keep++] = c;
        }
    }
    s->nconns = keep;
    return s->o->count > 0 && s->finished >= s->o->count;
}

static int server_loop(struct server *s)
{
    /* The listener, the connections, the Redis store's socket. */
    size_t cap = (size_t)s->o->max_conns + 2;
    struct pollfd *pfds = calloc(cap, sizeof(*pfds));
    if (pfds == NULL) {
        cli_errorf("server: out of memory");
        return CLI_EXIT_FAIL;
    }
    while (!stop_requested) {
        if (reload_requested)
            server_reload(s);
        int64_t now = net_now_ms();
        int64_t earliest = 0;
        int runnable = 0;
        /* At --max-conns the listener stays polled: a new client evicts
         * the oldest idle connection (server_accept). */
        int accepting = now >= s->accept_paused_until;
        pfds[0].fd = accepting ? s->lfd : -1;
        pfds[0].events = POLLIN;
        pfds[0].revents = 0;
        if (!accepting && s->accept_paused_until > now)
            earliest = s->accept_paused_until;
        size_t npolled = s->nconns;
        for (size_t i = 0; i < npolled; i++) {
            struct conn *c = s->conns[i];
            /* Not polled while it waits for the store (server_wake). */
            pfds[i + 1].fd = c->store_wait ? -1 : c->fd;
            pfds[i + 1].events = c->events;
            pfds[i + 1].revents = 0;
            runnable |= c->runnable;
            if (c->deadline != 0 && (earliest == 0 || c->deadline < earliest))
                earliest = c->deadline;
        }
        struct pollfd *rp = &pfds[npolled + 1];
        rp->fd = redis_async_pollfd(s->redis, &rp->events);
        rp->revents = 0;
        int64_t rd = redis_async_deadline(s->redis);
        if (rd != 0 && (earliest == 0 || rd < earliest))
            earliest = rd;
        int timeout = runnable ? 0 : net_poll_timeout(earliest);
        int n = poll(pfds, npolled + 2, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            cli_errorf("server: poll: %s", strerror(errno));
            free(pfds);
            return CLI_EXIT_FAIL;
        }
        int64_t woke = net_now_ms();
        /* Store replies first: the connections they wake run below. */
        if (rp->revents != 0)
            redis_async_io(s->redis, rp->revents);
        redis_async_tick(s->redis, woke);
        for (size_t i = 0; i < npolled; i++) {
            struct conn *c = s->conns[i];
            if (pfds[i + 1].revents != 0 || c->runnable) {
                c->runnable = 0;
                conn_drive(s, c);
                if (pfds[i + 1].revents != 0)
                    conn_touch(s, c, woke);
            }
        }
        now = net_now_ms();
        for (size_t i = 0; i < npolled; i++) {
            struct conn *c = s->conns[i];
            if (c->state != ST_DONE && c->deadline != 0 && now >= c->deadline)
                conn_deadline(s, c);
        }
        if (server_reap(s))
            break;
        if (pfds[0].revents != 0)
            server_accept(s);
        server_log_limits(s, now);
    }
    free(pfds);
    return CLI_EXIT_OK;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: poll() must return so the loop sees the request. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Serves on s->lfd in this process: the whole server without --workers,
 * or one worker. Returns the exit status. */
static int serve(struct server *s)
{
    int status = CLI_EXIT_FAIL;
    s->conns = calloc((size_t)s->o->max_conns, sizeof(struct conn *));
    s->nconns = 0;
    if (s->conns == NULL) {
        cli_errorf("server: out of memory");
        goto out;
    }
    if ((s->tls = petls_server()) == NULL) {
        cli_errorf("server: cannot create a TLS context");
        goto out;
    }
    if (petls_configure(s->tls, s->cfg) != 0) {
        cli_errorf("server: %s", petls_error(s->tls));
        goto out;
    }
    status = server_loop(s);
out:
    for (size_t i = 0; s->conns != NULL && i < s->nconns; i++)
        server_conn_free(s, s->conns[i]);
    free(s->conns);
    s->conns = NULL;
    s->nconns = 0;
    if (s->tls != NULL)
        petls_free(s->tls);
    s->tls = NULL;
    return status;
}

/* One worker under --workers: the config (ticket keys included), the store
 * and the socket were made by the parent before fork. */
static int worker_main(int index, void *arg)
{
    struct server *s = arg;
    s->worker = index;
    stop_requested = 0;
    reload_requested = 0;
    install_handlers();
    int status = serve(s);
    if (status != CLI_EXIT_OK)
        return status;
    /* Stopped by a signal, or --count reached: both end quietly. */
    return WORKER_EXIT_DONE;
}

int server_main(int argc, char **argv)
{
    struct server_opts o;
    struct server s;
    struct resume_state rs;
    struct nego_state ns = {-1, 0, -1};
    char host[NET_HOST_MAX], port[NET_PORT_MAX], bound[NET_ADDR_MAX];
    char err[1024];
    int status = CLI_EXIT_FAIL;

    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (net_split_hostport(o.listen, host, sizeof(host), port, sizeof(port),
                           err, sizeof(err)) != 0) {
        cli_errorf("server: --listen: %s", err);
        return CLI_EXIT_USAGE;
    }

    memset(&s, 0, sizeof(s));
    memset(&rs, 0, sizeof(rs));
    s.o = &o;
    s.lfd = -1;
    s.worker = -1;
    s.rs = &rs;
    s.ns = &ns;
    s.cfg = cli_tls_config_build(&o.tls, CLI_ROLE_SERVER, err, sizeof(err));
    if (s.cfg == NULL) {
        cli_errorf("server: %s", err);
        return CLI_EXIT_FAIL;
    }
    /* Before any fork: workers inherit the ticket key ring and the shm
     * store from here. */
    if (resume_setup(&o.resume, s.cfg, &rs, err, sizeof(err)) != 0) {
        cli_errorf("server: %s", err);
        goto out;
    }
    s.redis = rs.redis;
    redis_async_set_wake(s.redis, server_wake, &s);
    if (nego_setup(&o.nego, s.cfg, CLI_ROLE_SERVER, o.tls.json, &ns, err,
                   sizeof(err)) != 0) {
        cli_errorf("server: %s", err);
        goto out;
    }
    if (sni_psk_setup(&o.snipsk, &o.tls, s.cfg, CLI_ROLE_SERVER, err,
                      sizeof(err)) != 0) {
        cli_errorf("server: %s", err);
        goto out;
    }
    if (o.workers > 0 && o.count > 0 &&
        (s.shared = workers_shared_new()) == NULL) {
        cli_errorf("server: shared counter: %s", strerror(errno));
        goto out;
    }
    s.lfd = net_listen(host, port, bound, sizeof(bound), err, sizeof(err));
    if (s.lfd < 0) {
        cli_errorf("server: %s", err);
        goto out;
    }

    if (o.workers > 0) {
        fprintf(stderr, "listening on %s\n", bound);
        fflush(stderr);
        status = workers_run((int)o.workers, worker_main, &s);
    } else {
        install_handlers();
        fprintf(stderr, "listening on %s\n", bound);
        fflush(stderr);
        status = serve(&s);
    }

out:
    if (s.lfd >= 0)
        close(s.lfd);
    workers_shared_free(s.shared);
    petls_config_free(s.cfg);
    resume_teardown(&rs);
    nego_teardown(&ns);
    return status;
}
