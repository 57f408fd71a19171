/*
 * Command-line parsing shared by `petls server` and `petls client`: a small
 * long-option scanner, and the TLS settings both roles turn into a
 * petls_config, so that each option is parsed in exactly one place.
 */
#ifndef PETLS_CLI_OPTS_H
#define PETLS_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <petls.h>

/* Exit statuses of the tool. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* Which subcommand an option belongs to. */
#define CLI_ROLE_SERVER 1u
#define CLI_ROLE_CLIENT 2u
#define CLI_ROLE_BOTH (CLI_ROLE_SERVER | CLI_ROLE_CLIENT)

/* Ids of the TLS options are below this; a subcommand numbers its own
 * options from here, so one scan can tell them apart. */
#define CLI_OPT_LOCAL 100

struct cli_option {
    const char *name; /* without the leading "--" */
    const char *arg;  /* placeholder shown in help, NULL: takes no value */
    int id;
    unsigned roles;
    const char *help;
};

/* Walks argv. Returns 1 with *opt and *value set for an option (from
 * "--name value" or "--name=value"), 0 with *value set for a positional
 * argument, -1 at the end, -2 on a usage error (message in err). Options are
 * looked up in each table in turn (tables end with a NULL name); an option
 * whose roles exclude role is unknown. "--" ends option processing. */
struct cli_scan {
    int argc;
    char **argv;
    int idx;
    int only_positional;
    unsigned role;
};
void cli_scan_init(struct cli_scan *s, int argc, char **argv, int first,
                   unsigned role);
int cli_scan_next(struct cli_scan *s, const struct cli_option *const *tables,
                  const struct cli_option **opt, const char **value, char *err,
                  size_t errlen);

/* Prints the options of a table that apply to role, one per line. */
void cli_print_options(FILE *out, const struct cli_option *table,
                       unsigned role);

/* ---- TLS settings ---------------------------------------------------- */

#define CLI_MAX_KEYPAIRS 8

struct cli_tls_opts {
    const char *certs[CLI_MAX_KEYPAIRS];
    const char *keys[CLI_MAX_KEYPAIRS];
    size_t ncerts, nkeys;
    const char *pass; /* as given: literal, "pass:", "env:" or "file:" */
    const char *ca;   /* file or directory */
    const char *crl;
    const char *protocols;
    const char *min_version;
    const char *max_version;
    const char *ciphers;
    const char *groups;
    const char *sigalgs;
    uint32_t handshake_timeout_ms;
    int verify_client; /* PETLS_VERIFY_CLIENT_*, server only */
    int insecure;      /* noverifycert + noverifyname, client only */
    int noverifyname;
    int noverifytime;
    const char *check_identity; /* --check-identity MODE, client only */
    int json;
    int peer_cert; /* --peer-cert: cert_json_print after the handshake */
};

/* The table of TLS options (ids are private to cli_opts.c). */
extern const struct cli_option cli_tls_options[];

void cli_tls_opts_init(struct cli_tls_opts *o);
/* Applies one option from cli_tls_options. Returns 0, or -1 (usage error,
 * message in err). */
int cli_tls_opts_apply(struct cli_tls_opts *o, const struct cli_option *opt,
                       const char *value, char *err, size_t errlen);
/* Checks what cannot be checked option by option (pairing of --cert and
 * --key, a server needing a keypair). Returns 0 or -1 (usage error). */
int cli_tls_opts_check(const struct cli_tls_opts *o, unsigned role, char *err,
                       size_t errlen);
/* Builds the petls_config. Returns NULL with the reason in err (a runtime
 * failure: unreadable file, bad cipher list, ...). */
struct petls_config *cli_tls_config_build(const struct cli_tls_opts *o,
                                          unsigned role, char *err,
                                          size_t errlen);

/* "1.5" seconds -> 1500 ms. Returns 0 or -1. */
int cli_parse_seconds(const char *s, uint32_t *ms);
/* A decimal count in [min, max]. Returns 0 or -1. */
int cli_parse_count(const char *s, long min, long max, long *out);

#endif
