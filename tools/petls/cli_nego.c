/*
 * The negotiation options of `petls server` and `petls client` (see
 * cli_nego.h) and the key-log file they write.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_nego.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <petls.h>

#include "json_out.h"
#include "net.h"

enum {
    NOPT_ALPN = NEGO_OPT_BASE,
    NOPT_KEYLOG,
    NOPT_RENEG_LIMIT,
    NOPT_NO_RENEG,
    NOPT_MAX_FRAGMENT,
    NOPT_MAX_FRAG_LEN,
    NOPT_RENEGOTIATE,
    NOPT_EXPORT,
    NOPT_RENEG_DISABLE_AFTER,
};

const struct cli_option nego_options[] = {
    {"alpn", "LIST", NOPT_ALPN, CLI_ROLE_BOTH,
     "ALPN protocols, most preferred first (\"h2,http/1.1\")"},
    {"keylog", "FILE", NOPT_KEYLOG, CLI_ROLE_BOTH,
     "append NSS key-log lines to FILE (default: $SSLKEYLOGFILE)"},
    {"reneg-limit", "N/S", NOPT_RENEG_LIMIT, CLI_ROLE_SERVER,
     "allow N client renegotiations per S seconds (default: none; Node 3/600)"},
    {"no-reneg", NULL, NOPT_NO_RENEG, CLI_ROLE_BOTH,
     "refuse every TLS 1.2 renegotiation"},
    {"reneg-disable-after", "N", NOPT_RENEG_DISABLE_AFTER, CLI_ROLE_SERVER,
     "disable renegotiation on a connection after N of its client "
     "renegotiations (Node's disableRenegotiation(); 0: at accept)"},
    {"max-fragment", "N", NOPT_MAX_FRAGMENT, CLI_ROLE_BOTH,
     "send records of at most N plaintext bytes (512..16384)"},
    {"max-fragment-length", "N", NOPT_MAX_FRAG_LEN, CLI_ROLE_CLIENT,
     "offer max_fragment_length N (512, 1024, 2048, 4096)"},
    {"renegotiate", NULL, NOPT_RENEGOTIATE, CLI_ROLE_CLIENT,
     "renegotiate once after the handshake (TLS 1.2)"},
    {"export", "LABEL:LEN", NOPT_EXPORT, CLI_ROLE_CLIENT,
     "print LEN bytes of exported keying material (RFC 5705/8446)"},
    {NULL, NULL, 0, 0, NULL},
};

void nego_opts_init(struct nego_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->reneg_disable_after = -1;
}

static int parse_limit(const char *value, long *limit, long *window)
{
    char buf[64];
    char *slash;

    if (strlen(value) >= sizeof(buf))
        return -1;
    strcpy(buf, value);
    slash = strchr(buf, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    if (cli_parse_count(buf, 0, 1000000, limit) != 0 ||
        cli_parse_count(slash + 1, 1, 86400L * 365, window) != 0)
        return -1;
    return 0;
}

int nego_opts_apply(struct nego_opts *o, const struct cli_option *opt,
                    const char *value, char *err, size_t errlen)
{
    switch (opt->id) {
    case NOPT_ALPN:
        o->alpn = value;
        return 1;
    case NOPT_KEYLOG:
        o->keylog = value;
        return 1;
    case NOPT_RENEG_LIMIT:
        if (parse_limit(value, &o->reneg_limit, &o->reneg_window) != 0) {
            snprintf(err, errlen, "--reneg-limit: '%s' is not N/S (e.g. 3/600)",
                     value);
            return -1;
        }
        o->reneg_limit_set = 1;
        return 1;
    case NOPT_NO_RENEG:
        o->no_reneg = 1;
        return 1;
    case NOPT_RENEG_DISABLE_AFTER:
        if (cli_parse_count(value, 0, 1000000, &o->reneg_disable_after) != 0) {
            snprintf(err, errlen,
                     "--reneg-disable-after: '%s' is not a count (0..1000000)",
                     value);
            return -1;
        }
        return 1;
    case NOPT_MAX_FRAGMENT:
        if (cli_parse_count(value, PETLS_MAX_SEND_FRAGMENT_MIN,
                            PETLS_MAX_SEND_FRAGMENT_MAX,
                            &o->max_fragment) != 0) {
            snprintf(err, errlen, "--max-fragment: '%s' is not in 512..16384",
                     value);
            return -1;
        }
        return 1;
    case NOPT_MAX_FRAG_LEN:
        if (cli_parse_count(value, 512, 4096, &o->max_frag_len) != 0 ||
            (o->max_frag_len & (o->max_frag_len - 1)) != 0) {
            snprintf(err, errlen,
                     "--max-fragment-length: '%s' is not 512, 1024, 2048 or "
                     "4096",
                     value);
            return -1;
        }
        return 1;
    case NOPT_RENEGOTIATE:
        o->renegotiate = 1;
        return 1;
    case NOPT_EXPORT: {
        const char *colon = strrchr(value, ':');
        if (colon == NULL || colon == value ||
            cli_parse_count(colon + 1, 1, 8160, &o->export_len) != 0) {
            snprintf(err, errlen,
                     "--export: '%s' is not LABEL:LEN (LEN 1..8160)", value);
            return -1;
        }
        o->export_label = value;
        return 1;
    }
    default:
        return 0;
    }
}

/* One write per line: with O_APPEND, lines of several workers never
 * interleave. */
static void keylog_write(struct petls *ctx, const char *line, void *arg)
{
    struct nego_state *st = arg;
    char buf[512];
    size_t n = strlen(line);

    (void)ctx;
    if (n + 1 > sizeof(buf))
        return;
    memcpy(buf, line, n);
    buf[n++] = '\n';
    if (write(st->keylog_fd, buf, n) < 0) {
        /* Nothing useful to do: the connection must not suffer for it. */
    }
    memset(buf, 0, sizeof(buf));
}

static void reneg_report(struct petls *conn, unsigned int count, int refused,
                         void *arg)
{
    struct nego_state *st = arg;

    if (st->json) {
        struct json_line j;
        json_begin(&j);
        json_str(&j, "event", "renegotiation");
        json_int(&j, "count", count);
        json_bool(&j, "refused", refused);
        json_end(&j, stdout);
    } else {
        fprintf(stderr, "server: client renegotiation %u%s\n", count,
                refused ? " refused: ERR_TLS_SESSION_ATTACK" : "");
    }
    /* --reneg-disable-after N: this one was the N-th let through; the
     * next is refused on this connection only. */
    if (!refused && st->reneg_disable_after > 0 &&
        count >= (unsigned long)st->reneg_disable_after)
        (void)petls_conn_disable_renegotiation(conn);
}

int nego_setup(const struct nego_opts *o, struct petls_config *cfg,
               unsigned role, int json, struct nego_state *st, char *err,
               size_t errlen)
{
    const char *keylog = o->keylog;

    st->keylog_fd = -1;
    st->json = json;
    st->reneg_disable_after = o->reneg_disable_after;
    /* The variable is read by the tool only: the library never looks at
     * the environment. */
    if (keylog == NULL)
        keylog = getenv("SSLKEYLOGFILE");
    if (keylog != NULL && keylog[0] != '\0') {
        st->keylog_fd =
            open(keylog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (st->keylog_fd < 0) {
            snprintf(err, errlen, "key log %s: %s", keylog, strerror(errno));
            return -1;
        }
    }
    return nego_apply(o, cfg, role, st, err, errlen);
}

int nego_apply(const struct nego_opts *o, struct petls_config *cfg,
               unsigned role, struct nego_state *st, char *err, size_t errlen)
{
    if (o->alpn != NULL && petls_config_set_alpn(cfg, o->alpn) != 0)
        goto config_error;
    if (o->no_reneg && petls_config_set_renegotiation(cfg, 0) != 0)
        goto config_error;
    if (o->reneg_limit_set &&
        petls_config_set_reneg_limit(cfg, (unsigned)o->reneg_limit,
                                     (unsigned)o->reneg_window) != 0)
        goto config_error;
    /* Only reports renegotiations: a library built without them
     * (PETLS_WITH_RENEG_LIMITS=OFF) refuses the callback and has none to
     * report. */
    if (role == CLI_ROLE_SERVER)
        (void)petls_config_set_reneg_cb(cfg, reneg_report, st);
    if (o->max_fragment != 0 &&
        petls_config_set_max_send_fragment(cfg, (size_t)o->max_fragment) != 0)
        goto config_error;
    if (o->max_frag_len != 0 &&
        petls_config_set_max_fragment_length(cfg, (size_t)o->max_frag_len) != 0)
        goto config_error;
    if (st->keylog_fd >= 0 &&
        petls_config_set_keylog_cb(cfg, keylog_write, st) != 0)
        goto config_error;
    return 0;

config_error:
    snprintf(err, errlen, "%s", petls_config_error(cfg));
    return -1;
}

int nego_server_conn(const struct nego_state *st, struct petls *conn, char *err,
                     size_t errlen)
{
    if (st->reneg_disable_after == 0 &&
        petls_conn_disable_renegotiation(conn) != 0) {
        snprintf(err, errlen, "%s", petls_error(conn));
        return -1;
    }
    return 0;
}

void nego_teardown(struct nego_state *st)
{
    if (st->keylog_fd >= 0)
        close(st->keylog_fd);
    st->keylog_fd = -1;
}

int nego_client_renegotiate(struct petls *ctx, int fd, uint32_t timeout_ms,
                            char *err, size_t errlen)
{
    int64_t deadline = timeout_ms ? net_now_ms() + timeout_ms : 0;

    for (;;) {
        int rc = petls_renegotiate(ctx, -1);
        if (rc == 0)
            return 0;
        if (rc != PETLS_WANT_POLLIN && rc != PETLS_WANT_POLLOUT) {
            snprintf(err, errlen, "%s", petls_error(ctx));
            return -1;
        }
        struct pollfd pfd = {
            .fd = fd,
            .events = rc == PETLS_WANT_POLLOUT ? POLLOUT : POLLIN,
        };
        int n = poll(&pfd, 1, net_poll_timeout(deadline));
        if (n < 0 && errno != EINTR) {
            snprintf(err, errlen, "renegotiate: poll: %s", strerror(errno));
            return -1;
        }
        if (n == 0) {
            snprintf(err, errlen, "renegotiate: timed out after %u ms",
                     (unsigned)timeout_ms);
            return -1;
        }
    }
}

int nego_client_export(const struct nego_opts *o, struct petls *ctx, char *err,
                       size_t errlen)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t out[8160];
    char label[256];
    char *text;
    size_t ll, i;
    struct json_line j;

    if (o->export_label == NULL)
        return 0;
    ll = (size_t)(strrchr(o->export_label, ':') - o->export_label);
    if (ll >= sizeof(label)) {
        snprintf(err, errlen, "--export: label too long");
        return -1;
    }
    memcpy(label, o->export_label, ll);
    label[ll] = '\0';
    if (petls_export_keying_material(ctx, out, (size_t)o->export_len, label,
                                     NULL, 0) != 0) {
        snprintf(err, errlen, "%s", petls_error(ctx));
        return -1;
    }
    text = malloc(2 * (size_t)o->export_len + 1);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < (size_t)o->export_len; i++) {
        text[2 * i] = hex[out[i] >> 4];
        text[2 * i + 1] = hex[out[i] & 0x0F];
    }
    text[2 * i] = '\0';
    memset(out, 0, sizeof(out));
    json_begin(&j);
    json_str(&j, "event", "exporter");
    json_str(&j, "label", label);
    json_int(&j, "length", o->export_len);
    json_str(&j, "material", text);
    json_end(&j, stdout);
    free(text);
    return 0;
}
