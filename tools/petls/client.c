/*
 * petls client HOST:PORT: one connection, the handshake facts in s_client's
 * form (or JSON), then, as s_client, what is typed on stdin is sent and what
 * the server sends is printed as it arrives (--send DATA instead sends DATA
 * and prints the answer).
 */
#define _POSIX_C_SOURCE 200809L

#include "cert_json.h"
#include "cli.h"
#include "cli_opts.h"
#include "cli_nego.h"
#include "cli_sni_psk.h"
#include "client_session.h"
#include "json_out.h"
#include "net.h"
#include "report.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    COPT_HELP = CLI_OPT_LOCAL,
    COPT_SERVERNAME,
    COPT_SEND,
    COPT_IDLE,
    COPT_QUIET,
    COPT_RECONNECT,
    COPT_SESS_IN,
    COPT_SESS_OUT,
    COPT_SESSION_WAIT,
    COPT_CONNECT_TIMEOUT,
    COPT_TLS_TICKET,
};

/* The client's defaults: a silent or unreachable port is reported in
 * seconds, not after the library's 120 s. */
#define CLIENT_CONNECT_TIMEOUT_MS 10000u
#define CLIENT_HANDSHAKE_TIMEOUT_MS 10000u

static const struct cli_option client_options[] = {
    {"servername", "NAME", COPT_SERVERNAME, CLI_ROLE_CLIENT,
     "name to send as SNI and verify (default: HOST; '' for none)"},
    {"send", "DATA", COPT_SEND, CLI_ROLE_CLIENT,
     "write DATA ('-': stdin as it comes, then read on), print what comes "
     "back until close or idle (default: stdin sent as typed, until EOF)"},
    {"idle", "SECONDS", COPT_IDLE, CLI_ROLE_CLIENT,
     "with --send: stop reading after this long without data (default 2)"},
    {"connect-timeout", "SECONDS", COPT_CONNECT_TIMEOUT, CLI_ROLE_CLIENT,
     "give up on the TCP connection after this long (default 10; 0: never)"},
    {"quiet", NULL, COPT_QUIET, CLI_ROLE_CLIENT,
     "do not print the connection summary"},
    {"reconnect", "N", COPT_RECONNECT, CLI_ROLE_CLIENT,
     "N more connections, each offering the newest session"},
    {"sess-in", "FILE", COPT_SESS_IN, CLI_ROLE_CLIENT,
     "offer the session saved in FILE (bad or stale: full handshake)"},
    {"sess-out", "FILE", COPT_SESS_OUT, CLI_ROLE_CLIENT,
     "save the newest session received into FILE (mode 0600)"},
    {"session-wait", "SECONDS", COPT_SESSION_WAIT, CLI_ROLE_CLIENT,
     "how long to wait for TLS 1.3 tickets after the handshake (default 1)"},
    {"tls-ticket", NULL, COPT_TLS_TICKET, CLI_ROLE_CLIENT,
     "print the server's session ticket as JSON at the end (Node's "
     "getTLSTicket())"},
    {"help", NULL, COPT_HELP, CLI_ROLE_CLIENT, "this help"},
    {NULL, NULL, 0, 0, NULL},
};

static void client_usage(FILE *out)
{
    fprintf(out, "usage: petls client [options] HOST:PORT\n\n"
                 "Connects, prints what was negotiated, and with --send "
                 "exchanges data.\n\noptions:\n");
    cli_print_options(out, client_options, CLI_ROLE_CLIENT);
    cli_print_options(out, nego_options, CLI_ROLE_CLIENT);
    cli_print_options(out, sni_psk_options, CLI_ROLE_CLIENT);
    cli_print_options(out, cli_tls_options, CLI_ROLE_CLIENT);
}

struct client_opts {
    struct cli_tls_opts tls;
    const char *target;
    const char *servername;
    int servername_set;
    const char *send;
    uint32_t idle_ms;
    int quiet;
    long reconnect;
    const char *sess_in;
    const char *sess_out;
    uint32_t session_wait_ms;
    uint32_t connect_timeout_ms;
    int tls_ticket;
    struct nego_opts nego;
    struct sni_psk_opts snipsk;
};

/* Returns -1 to go on, or the exit status. */
static int parse_args(struct client_opts *o, int argc, char **argv)
{
    static const struct cli_option *const tables[] = {
        client_options, nego_options, sni_psk_options, cli_tls_options, NULL};
    struct cli_scan scan;
    const struct cli_option *opt;
    const char *value;
    char err[512];
    int rc;

    memset(o, 0, sizeof(*o));
    cli_tls_opts_init(&o->tls);
    nego_opts_init(&o->nego);
    sni_psk_opts_init(&o->snipsk);
    o->idle_ms = 2000;
    o->session_wait_ms = 1000;
    o->connect_timeout_ms = CLIENT_CONNECT_TIMEOUT_MS;
    o->tls.handshake_timeout_ms = CLIENT_HANDSHAKE_TIMEOUT_MS;
    cli_scan_init(&scan, argc, argv, 1, CLI_ROLE_CLIENT);
    while ((rc = cli_scan_next(&scan, tables, &opt, &value, err,
                               sizeof(err))) >= 0) {
        if (rc == 0) {
            if (o->target != NULL) {
                cli_errorf("client: unexpected argument '%s'", value);
                return CLI_EXIT_USAGE;
            }
            o->target = value;
            continue;
        }
        switch (opt->id) {
        case COPT_HELP:
            client_usage(stdout);
            return CLI_EXIT_OK;
        case COPT_SERVERNAME:
            o->servername = value;
            o->servername_set = 1;
            break;
        case COPT_SEND:
            o->send = value;
            break;
        case COPT_IDLE:
            if (cli_parse_seconds(value, &o->idle_ms) != 0) {
                cli_errorf("client: --idle: '%s' is not a number of seconds",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case COPT_QUIET:
            o->quiet = 1;
            break;
        case COPT_RECONNECT:
            if (cli_parse_count(value, 0, 100000, &o->reconnect) != 0) {
                cli_errorf("client: --reconnect: '%s' is not a count", value);
                return CLI_EXIT_USAGE;
            }
            break;
        case COPT_SESS_IN:
            o->sess_in = value;
            break;
        case COPT_SESS_OUT:
            o->sess_out = value;
            break;
        case COPT_TLS_TICKET:
            o->tls_ticket = 1;
            break;
        case COPT_CONNECT_TIMEOUT:
            if (cli_parse_seconds(value, &o->connect_timeout_ms) != 0) {
                cli_errorf("client: --connect-timeout: '%s' is not a number "
                           "of seconds",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case COPT_SESSION_WAIT:
            if (cli_parse_seconds(value, &o->session_wait_ms) != 0) {
                cli_errorf("client: --session-wait: '%s' is not a number of "
                           "seconds",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        default:
            rc = nego_opts_apply(&o->nego, opt, value, err, sizeof(err));
            if (rc == 0)
                rc = sni_psk_opts_apply(&o->snipsk, opt, value, CLI_ROLE_CLIENT,
                                        err, sizeof(err));
            if (rc == 0)
                rc = cli_tls_opts_apply(&o->tls, opt, value, err,
                                        sizeof(err)) == 0
                         ? 1
                         : -1;
            if (rc < 0) {
                cli_errorf("client: %s", err);
                return CLI_EXIT_USAGE;
            }
            break;
        }
    }
    if (rc == -2) {
        cli_errorf("client: %s (see petls client --help)", err);
        return CLI_EXIT_USAGE;
    }
    if (o->target == NULL) {
        cli_errorf("client: missing HOST:PORT (see petls client --help)");
        return CLI_EXIT_USAGE;
    }
    if (cli_tls_opts_check(&o->tls, CLI_ROLE_CLIENT, err, sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* Waits until fd is ready for what a PETLS_WANT_* value asks. Returns 1 when
 * ready, 0 when timeout_ms passed (-1: no limit), -1 on error. */
static int wait_for(int fd, int want, int timeout_ms)
{
    struct pollfd pfd = {
        .fd = fd,
        .events = want == PETLS_WANT_POLLOUT ? POLLOUT : POLLIN,
    };
    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n >= 0)
            return n > 0;
        if (errno != EINTR)
            return -1;
    }
}

/* The handshake, bounded by the configured timeout: when poll() times out
 * the library gets the chance to report its own timeout; if it still wants
 * to wait, the tool enforces the limit itself. */
static int do_handshake(struct petls *ctx, int fd, uint32_t timeout_ms,
                        const char **error)
{
    int64_t deadline = timeout_ms ? net_now_ms() + timeout_ms : 0;
    for (;;) {
        int rc = petls_handshake(ctx);
        if (rc == 0)
            return 0;
        if (rc != PETLS_WANT_POLLIN && rc != PETLS_WANT_POLLOUT) {
            *error = petls_error(ctx);
            return -1;
        }
        int ready = wait_for(fd, rc, net_poll_timeout(deadline));
        if (ready < 0) {
            *error = strerror(errno);
            return -1;
        }
        if (ready == 0) {
            rc = petls_handshake(ctx);
            if (rc == 0)
                return 0;
            if (rc == -1) {
                *error = petls_error(ctx);
            } else {
                /* Same words as the library's own timeout. */
                static char msg[64];
                snprintf(msg, sizeof(msg), "handshake timed out after %u ms",
                         (unsigned)timeout_ms);
                *error = msg;
            }
            return -1;
        }
    }
}

/* "client: OP: MSG", without a second "OP: " when the library's message
 * begins with it already. */
static void io_error(const char *op, const char *msg)
{
    size_t n = strlen(op);

    if (strncmp(msg, op, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
        cli_errorf("client: %s", msg);
    else
        cli_errorf("client: %s: %s", op, msg);
}

static short want_events(ssize_t want)
{
    return want == PETLS_WANT_POLLOUT ? POLLOUT : POLLIN;
}

/* Writes data while printing whatever the server sends, so that an echo of
 * more than the socket buffers hold cannot deadlock; then reads on until the
 * server closes or stays idle for idle_ms. */
static int exchange(struct petls *ctx, int fd, const char *data, size_t len,
                    uint32_t idle_ms)
{
    char buf[16384];
    size_t off = 0;
    for (;;) {
        short events = 0;
        if (off < len) {
            ssize_t n = petls_write(ctx, data + off, len - off);
            if (n > 0) {
                off += (size_t)n;
                continue;
            }
            if (n != PETLS_WANT_POLLIN && n != PETLS_WANT_POLLOUT) {
                io_error("write", petls_error(ctx));
                return -1;
            }
            events |= want_events(n);
        }
        ssize_t n = petls_read(ctx, buf, sizeof(buf));
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
            continue;
        }
        if (n == 0)
            return 0; /* close_notify */
        if (n != PETLS_WANT_POLLIN && n != PETLS_WANT_POLLOUT) {
            io_error("read", petls_error(ctx));
            return -1;
        }
        events |= want_events(n);

        struct pollfd pfd = {.fd = fd, .events = events};
        int ready = poll(&pfd, 1, (int)idle_ms);
        if (ready < 0 && errno != EINTR) {
            cli_errorf("client: poll: %s", strerror(errno));
            return -1;
        }
        if (ready == 0) {
            if (off < len) {
                cli_errorf("client: write: timed out");
                return -1;
            }
            return 0; /* idle: the answer is complete */
        }
    }
}

/* Interactive mode and --send -: what arrives on stdin is sent as it
 * arrives (a terminal gives a line at a time), what the server sends is
 * printed as it arrives. At stdin's EOF: interactive mode returns (as
 * s_client: close_notify follows); --send - (read_on) reads on until the
 * server closes or stays idle for idle_ms. The server closing first ends
 * both. */
static int stream_stdin(struct petls *ctx, int fd, int read_on,
                        uint32_t idle_ms)
{
    char in[4096], buf[16384];
    size_t in_len = 0, in_off = 0;
    int in_eof = 0;
    for (;;) {
        short events = 0;
        if (in_off < in_len) {
            ssize_t n = petls_write(ctx, in + in_off, in_len - in_off);
            if (n > 0) {
                in_off += (size_t)n;
                continue;
            }
            if (n != PETLS_WANT_POLLIN && n != PETLS_WANT_POLLOUT) {
                cli_op_error("client", "write", petls_error(ctx));
                return -1;
            }
            events |= want_events(n);
        } else if (in_eof && !read_on) {
            return 0;
        }
        ssize_t n = petls_read(ctx, buf, sizeof(buf));
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
            continue;
        }
        if (n == 0)
            return 0; /* close_notify */
        if (n != PETLS_WANT_POLLIN && n != PETLS_WANT_POLLOUT) {
            cli_op_error("client", "read", petls_error(ctx));
            return -1;
        }
        events |= want_events(n);

        struct pollfd pfd[2] = {{.fd = fd, .events = events},
                                {.fd = STDIN_FILENO, .events = POLLIN}};
        int watch_stdin = !in_eof && in_off == in_len;
        int timeout = in_eof && in_off == in_len ? (int)idle_ms : -1;
        int ready = poll(pfd, watch_stdin ? 2 : 1, timeout);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            cli_errorf("client: poll: %s", strerror(errno));
            return -1;
        }
        if (ready == 0)
            return 0; /* idle after EOF: the answer is complete */
        if (watch_stdin && pfd[1].revents != 0) {
            ssize_t got = read(STDIN_FILENO, in, sizeof(in));
            if (got > 0) {
                in_len = (size_t)got;
                in_off = 0;
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                in_eof = 1; /* EOF, or a stdin that cannot be read */
            }
        }
    }
}

/* Sends close_notify, giving a slow peer a moment; a peer that is already
 * gone is not an error worth reporting. */
static void close_gently(struct petls *ctx, int fd)
{
    int64_t deadline = net_now_ms() + 1000;
    int rc;
    while ((rc = petls_close(ctx)) == PETLS_WANT_POLLIN ||
           rc == PETLS_WANT_POLLOUT) {
        if (wait_for(fd, rc, net_poll_timeout(deadline)) <= 0)
            break;
    }
}

/* TLS 1.3 tickets come after the handshake: read (discarding nothing: the
 * server sends no data before we do) until one arrives, the peer closes, or
 * wait_ms passes. TLS 1.2 sessions are known at the end of the handshake. */
static void wait_for_session(struct petls *ctx, int fd,
                             struct client_sessions *cs, unsigned before,
                             uint32_t wait_ms)
{
    int64_t deadline = net_now_ms() + wait_ms;
    char buf[4096];
    while (cs->received == before) {
        ssize_t n = petls_read(ctx, buf, sizeof(buf));
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            continue;
        }
        if (n != PETLS_WANT_POLLIN && n != PETLS_WANT_POLLOUT)
            return;
        int timeout = net_poll_timeout(deadline);
        if (timeout == 0 || wait_for(fd, (int)n, timeout) <= 0)
            return;
    }
}

struct client_run {
    struct client_opts *o;
    struct petls_config *cfg;
    const char *host, *port, *servername;
    const char *send_data; /* --send DATA; NULL: stdin */
    size_t send_len;
    int stream_read_on; /* --send -: read on after stdin's EOF */
    int stdin_used;
    struct client_sessions sessions;
};

/* One connection: offers the newest session, reports, exchanges data,
 * collects the session(s) it gets. Returns the exit status. */
/* --tls-ticket: {"event":"tls_ticket","length":N,"ticket":"<hex>"}, or
 * {"event":"tls_ticket","error":"..."} when there is none. */
static void print_tls_ticket(struct petls *ctx)
{
    struct json_line j;
    ssize_t n = petls_conn_tls_ticket(ctx, NULL, 0);
    unsigned char *t = n > 0 ? malloc((size_t)n) : NULL;

    json_begin(&j);
    json_str(&j, "event", "tls_ticket");
    if (t != NULL && petls_conn_tls_ticket(ctx, t, (size_t)n) == n) {
        json_int(&j, "length", (long long)n);
        json_hex(&j, "ticket", t, (size_t)n);
    } else {
        json_str(&j, "error", n < 0 ? petls_error(ctx) : "out of memory");
    }
    json_end(&j, stdout);
    free(t);
}

static int client_connect_once(struct client_run *r)
{
    struct client_opts *o = r->o;
    char peer[NET_ADDR_MAX], err[1024];
    struct petls *ctx = NULL;
    int status = CLI_EXIT_FAIL;

    snprintf(peer, sizeof(peer), "%s", o->target);
    int fd = net_connect(r->host, r->port, o->connect_timeout_ms, peer,
                         sizeof(peer), err, sizeof(err));
    if (fd < 0) {
        cli_errorf("client: %s", err);
        if (o->tls.json)
            report_failure_json(stdout, peer, err);
        return CLI_EXIT_FAIL;
    }
    if ((ctx = petls_client()) == NULL) {
        cli_errorf("client: cannot create a TLS context");
        goto out;
    }
    if (petls_configure(ctx, r->cfg) != 0) {
        cli_errorf("client: %s", petls_error(ctx));
        goto out;
    }
    /* A session petls cannot use (damaged file, other library) only means
     * a full handshake, as with s_client -sess_in. */
    if (r->sessions.newest != NULL &&
        petls_set_session(ctx, r->sessions.newest, r->sessions.len) != 0)
        cli_errorf("client: session not offered: %s", petls_error(ctx));
    if (petls_connect_socket(ctx, fd, r->servername) != 0) {
        cli_errorf("client: %s", petls_error(ctx));
        goto out;
    }
    unsigned before = r->sessions.received;
    const char *hs_error = NULL;
    if (do_handshake(ctx, fd, o->tls.handshake_timeout_ms, &hs_error) != 0) {
        /* The library's hint names its call; the tool's option is --ca. */
        cli_errorf("client: %s%s", hs_error,
                   strstr(hs_error, "(no CA certificates:") != NULL
                       ? " (petls client: --ca FILE)"
                       : "");
        if (o->tls.json)
            report_failure_json(stdout, peer, hs_error);
        goto out;
    }
    /* --renegotiate: a second handshake before the facts are reported,
     * so that they carry its count. */
    if (o->nego.renegotiate &&
        nego_client_renegotiate(ctx, fd, o->tls.handshake_timeout_ms, err,
                                sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        if (o->tls.json)
            report_failure_json(stdout, peer, err);
        goto out;
    }

    struct conn_facts facts;
    conn_facts_get(ctx, &facts);
    conn_facts_ephemeral(ctx, &facts);
    if (o->tls.json)
        report_handshake_json(stdout, peer, &facts);
    else if (!o->quiet)
        report_client_lines(stdout, &facts);
    if (o->tls.peer_cert && cert_json_print(stdout, ctx) != 0) {
        cli_errorf("client: --peer-cert: cannot print the certificate");
        goto out;
    }
    if (nego_client_export(&o->nego, ctx, err, sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        goto out;
    }

    status = CLI_EXIT_OK;
    if (r->send_data != NULL) {
        if (exchange(ctx, fd, r->send_data, r->send_len, o->idle_ms) != 0)
            status = CLI_EXIT_FAIL;
    } else if (!r->stdin_used) {
        /* stdin is read by the first connection only (--reconnect). */
        r->stdin_used = 1;
        if (stream_stdin(ctx, fd, r->stream_read_on, o->idle_ms) != 0)
            status = CLI_EXIT_FAIL;
    }
    if ((o->reconnect > 0 || o->sess_out != NULL || o->tls_ticket) &&
        r->sessions.received == before)
        wait_for_session(ctx, fd, &r->sessions, before, o->session_wait_ms);
    if (o->tls_ticket)
        print_tls_ticket(ctx);
    fflush(stdout);
    close_gently(ctx, fd);

out:
    if (ctx != NULL)
        petls_free(ctx);
    close(fd);
    return status;
}

int client_main(int argc, char **argv)
{
    struct client_opts o;
    struct client_run r;
    char host[NET_HOST_MAX], port[NET_PORT_MAX];
    char err[1024];
    int status = CLI_EXIT_FAIL;
    struct nego_state ns = {-1, 0, -1};

    memset(&r, 0, sizeof(r));
    host[0] = '\0';
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (net_split_hostport(o.target, host, sizeof(host), port, sizeof(port),
                           err, sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        return CLI_EXIT_USAGE;
    }
    if (host[0] == '\0') {
        cli_errorf("client: '%s' has no host", o.target);
        return CLI_EXIT_USAGE;
    }
    r.o = &o;
    r.host = host;
    r.port = port;
    r.servername = o.servername_set ? o.servername : host;
    if (r.servername[0] == '\0')
        r.servername = NULL;

    r.send_data = o.send;
    if (o.send != NULL && strcmp(o.send, "-") == 0) {
        r.send_data = NULL;
        r.stream_read_on = 1;
    } else if (o.send != NULL) {
        r.send_len = strlen(o.send);
    }

    r.cfg = cli_tls_config_build(&o.tls, CLI_ROLE_CLIENT, err, sizeof(err));
    if (r.cfg == NULL) {
        cli_errorf("client: %s", err);
        goto out;
    }
    if (client_sessions_attach(&r.sessions, r.cfg) != 0) {
        cli_errorf("client: %s", petls_config_error(r.cfg));
        goto out;
    }
    if (nego_setup(&o.nego, r.cfg, CLI_ROLE_CLIENT, o.tls.json, &ns, err,
                   sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        goto out;
    }
    if (sni_psk_setup(&o.snipsk, &o.tls, r.cfg, CLI_ROLE_CLIENT, err,
                      sizeof(err)) != 0) {
        cli_errorf("client: %s", err);
        goto out;
    }
    if (o.sess_in != NULL) {
        uint8_t *bytes;
        size_t len;
        if (session_file_read(o.sess_in, &bytes, &len, err, sizeof(err)) != 0) {
            cli_errorf("client: %s", err);
            goto out;
        }
        rc = client_sessions_set(&r.sessions, bytes, len);
        memset(bytes, 0, len);
        free(bytes);
        if (rc != 0) {
            cli_errorf("client: out of memory");
            goto out;
        }
    }

    for (long i = 0; i <= o.reconnect; i++) {
        status = client_connect_once(&r);
        if (status != CLI_EXIT_OK)
            break;
    }
    if (status == CLI_EXIT_OK && o.sess_out != NULL) {
        if (r.sessions.received == 0) {
            cli_errorf("client: --sess-out: the server sent no session");
            status = CLI_EXIT_FAIL;
        } else if (session_file_write(o.sess_out, r.sessions.newest,
                                      r.sessions.len, err, sizeof(err)) != 0) {
            cli_errorf("client: %s", err);
            status = CLI_EXIT_FAIL;
        }
    }

out:
    nego_teardown(&ns);
    client_sessions_free(&r.sessions);
    if (r.cfg != NULL)
        petls_config_free(r.cfg);
    return status;
}
