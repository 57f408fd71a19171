/*
 * Negotiation options of both subcommands (--alpn, --keylog, --reneg-limit,
 * --no-reneg, --reneg-disable-after, --max-fragment, --max-fragment-length,
 * --renegotiate): parsing, applying them to the petls_config, the key-log file,
 * and the client's renegotiation after the handshake.
 */
#ifndef PETLS_CLI_NEGO_H
#define PETLS_CLI_NEGO_H

#include <stddef.h>
#include <stdint.h>

#include "cli_opts.h"

/* Ids of these options sit above the resumption ones (CLI_OPT_LOCAL +
 * 100). */
#define NEGO_OPT_BASE (CLI_OPT_LOCAL + 100)

extern const struct cli_option nego_options[];

struct nego_opts {
    const char *alpn;
    const char *keylog; /* NULL: $SSLKEYLOGFILE, if set */
    int reneg_limit_set;
    long reneg_limit;
    long reneg_window;
    int no_reneg;
    long reneg_disable_after; /* server: -1 none, 0 at accept, N after N */
    long max_fragment;        /* 0: default */
    long max_frag_len;        /* client offer, 0: none */
    int renegotiate;          /* client: once after the handshake */
    const char *export_label; /* client --export LABEL:LEN */
    long export_len;
};

void nego_opts_init(struct nego_opts *o);
/* Returns 1 when opt was one of nego_options (applied, or -1 on a usage
 * error with the message in err), 0 when it is not ours. */
int nego_opts_apply(struct nego_opts *o, const struct cli_option *opt,
                    const char *value, char *err, size_t errlen);

struct nego_state {
    int keylog_fd; /* -1: none */
    int json;
    long reneg_disable_after; /* --reneg-disable-after, -1: none */
};

/* Applies o to cfg and opens the key log (made once, before any worker is
 * forked: every worker appends whole lines to the same file). Returns 0,
 * or -1 with err. */
int nego_setup(const struct nego_opts *o, struct petls_config *cfg,
               unsigned role, int json, struct nego_state *st, char *err,
               size_t errlen);
/* Applies o to another cfg with the key log st already opened (the
 * server's config rebuilt on SIGHUP). Returns 0, or -1 with err. */
int nego_apply(const struct nego_opts *o, struct petls_config *cfg,
               unsigned role, struct nego_state *st, char *err, size_t errlen);
void nego_teardown(struct nego_state *st);

/* Server: a connection was accepted (--reneg-disable-after 0 disables its
 * renegotiation). Returns 0, or -1 with err. */
int nego_server_conn(const struct nego_state *st, struct petls *conn, char *err,
                     size_t errlen);

/* Client --renegotiate: a new TLS 1.2 handshake on the connected fd,
 * waiting up to timeout_ms (0: no limit). Returns 0, or -1 with err. */
int nego_client_renegotiate(struct petls *ctx, int fd, uint32_t timeout_ms,
                            char *err, size_t errlen);

/* Client --export: prints {"event":"exporter","label":..,"length":..,
 * "material":"<hex>"} (RFC 5705/8446 keying material, no context). Returns
 * 0, or -1 with err. */
int nego_client_export(const struct nego_opts *o, struct petls *ctx, char *err,
                       size_t errlen);

#endif
