/*
 * petls client HOST:PORT: one connection, the handshake facts in s_client's
 * form (or JSON), optionally some data sent and the answer printed.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"
#include "cli_opts.h"
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
};

static const struct cli_option client_options[] = {
    {"servername", "NAME", COPT_SERVERNAME, CLI_ROLE_CLIENT,
     "name to send as SNI and verify (default: HOST; '' for none)"},
    {"send", "DATA", COPT_SEND, CLI_ROLE_CLIENT,
     "write DATA ('-': stdin), print what comes back until close or idle"},
    {"idle", "SECONDS", COPT_IDLE, CLI_ROLE_CLIENT,
     "with --send: stop reading after this long without data (default 2)"},
    {"quiet", NULL, COPT_QUIET, CLI_ROLE_CLIENT,
     "do not print the connection summary"},
    {"help", NULL, COPT_HELP, CLI_ROLE_CLIENT, "this help"},
    {NULL, NULL, 0, 0, NULL},
};

static void client_usage(FILE *out)
{
    fprintf(out, "usage: petls client [options] HOST:PORT\n\n"
                 "Connects, prints what was negotiated, and with --send "
                 "exchanges data.\n\noptions:\n");
    cli_print_options(out, client_options, CLI_ROLE_CLIENT);
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
};

/* Returns -1 to go on, or the exit status. */
static int parse_args(struct client_opts *o, int argc, char **argv)
{
    static const struct cli_option *const tables[] = {client_options,
                                                      cli_tls_options, NULL};
    struct cli_scan scan;
    const struct cli_option *opt;
    const char *value;
    char err[512];
    int rc;

    memset(o, 0, sizeof(*o));
    cli_tls_opts_init(&o->tls);
    o->idle_ms = 2000;
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
        default:
            if (cli_tls_opts_apply(&o->tls, opt, value, err, sizeof(err)) !=
                0) {
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
                cli_errorf("client: write: %s", petls_error(ctx));
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
            cli_errorf("client: read: %s", petls_error(ctx));
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

/* Reads all of stdin for --send -. */
static char *slurp_stdin(size_t *len)
{
    size_t cap = 4096;
    char *buf = malloc(cap);
    *len = 0;
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (*len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + *len, 1, cap - *len, stdin);
        *len += n;
        if (n == 0)
            break;
    }
    if (ferror(stdin)) {
        free(buf);
        return NULL;
    }
    return buf;
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

int client_main(int argc, char **argv)
{
    struct client_opts o;
    char host[NET_HOST_MAX], port[NET_PORT_MAX], peer[NET_ADDR_MAX];
    char err[1024];
    struct petls_config *cfg = NULL;
    host[0] = '\0';
    struct petls *ctx = NULL;
    char *stdin_data = NULL;
    int fd = -1, status = CLI_EXIT_FAIL;

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
    const char *servername = o.servername_set ? o.servername : host;
    if (servername[0] == '\0')
        servername = NULL;

    size_t send_len = 0;
    const char *send_data = o.send;
    if (o.send != NULL && strcmp(o.send, "-") == 0) {
        stdin_data = slurp_stdin(&send_len);
        if (stdin_data == NULL) {
            cli_errorf("client: cannot read stdin");
            return CLI_EXIT_FAIL;
        }
        send_data = stdin_data;
    } else if (o.send != NULL) {
        send_len = strlen(o.send);
    }

    cfg = cli_tls_config_build(&o.tls, CLI_ROLE_CLIENT, err, sizeof(err));
    if (cfg == NULL) {
        cli_errorf("client: %s", err);
        goto out;
    }
    snprintf(peer, sizeof(peer), "%s", o.target);
    fd = net_connect(host, port, o.tls.handshake_timeout_ms, peer, sizeof(peer),
                     err, sizeof(err));
    if (fd < 0) {
        cli_errorf("client: %s", err);
        if (o.tls.json)
            report_failure_json(stdout, peer, err);
        goto out;
    }
    if ((ctx = petls_client()) == NULL) {
        cli_errorf("client: cannot create a TLS context");
        goto out;
    }
    if (petls_configure(ctx, cfg) != 0 ||
        petls_connect_socket(ctx, fd, servername) != 0) {
        cli_errorf("client: %s", petls_error(ctx));
        goto out;
    }
    const char *hs_error = NULL;
    if (do_handshake(ctx, fd, o.tls.handshake_timeout_ms, &hs_error) != 0) {
        cli_errorf("client: %s", hs_error);
        if (o.tls.json)
            report_failure_json(stdout, peer, hs_error);
        goto out;
    }

    struct conn_facts facts;
    /* No resumption in the API yet: every connection is new. */
    conn_facts_get(ctx, 0, &facts);
    if (o.tls.json)
        report_handshake_json(stdout, peer, &facts);
    else if (!o.quiet)
        report_client_lines(stdout, &facts);

    status = CLI_EXIT_OK;
    if (send_data != NULL) {
        if (exchange(ctx, fd, send_data, send_len, o.idle_ms) != 0)
            status = CLI_EXIT_FAIL;
    }
    close_gently(ctx, fd);

out:
    if (ctx != NULL)
        petls_free(ctx);
    if (cfg != NULL)
        petls_config_free(cfg);
    if (fd >= 0)
        close(fd);
    free(stdin_data);
    return status;
}
