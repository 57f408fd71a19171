/*
 * Virtual-host and PSK options of the tool: --sni NAME:CERT:KEY
 * (repeatable, wildcards), --strict-sni, --psk IDENTITY:HEXKEY (server:
 * repeatable; client: one), --psk-hint and --tls13-psk-ke, parsed and
 * applied to the petls_config.
 */
#ifndef PETLS_CLI_SNI_PSK_H
#define PETLS_CLI_SNI_PSK_H

#include <stddef.h>
#include <stdint.h>

#include "cli_opts.h"

/* Ids of these options sit above the negotiation ones (CLI_OPT_LOCAL +
 * 150). */
#define SNIPSK_OPT_BASE (CLI_OPT_LOCAL + 150)
#define CLI_MAX_SNI 32
#define CLI_MAX_PSK 32

extern const struct cli_option sni_psk_options[];

struct sni_psk_opts {
    const char *sni[CLI_MAX_SNI]; /* "NAME:CERT:KEY" as given */
    size_t n_sni;
    int strict_sni;
    const char *psk[CLI_MAX_PSK]; /* "IDENTITY:HEXKEY" as given */
    size_t n_psk;
    const char *psk_hint;
    int tls13_psk_ke; /* PETLS_TLS13_PSK_KE_* (0: option not given) */
};

void sni_psk_opts_init(struct sni_psk_opts *o);
/* Returns 1 when opt was one of sni_psk_options (applied, or -1 on a usage
 * error with the message in err), 0 when it is not ours. */
int sni_psk_opts_apply(struct sni_psk_opts *o, const struct cli_option *opt,
                       const char *value, unsigned role, char *err,
                       size_t errlen);
/* A server given --sni or --psk may run without --cert/--key. */
int sni_psk_serves(const struct sni_psk_opts *o);
/* Applies o to cfg. Host contexts of --sni share the server's --ca and
 * --verify-client. Returns 0, or -1 with err. */
int sni_psk_setup(const struct sni_psk_opts *o, const struct cli_tls_opts *tls,
                  struct petls_config *cfg, unsigned role, char *err,
                  size_t errlen);

/* "IDENTITY:HEXKEY" -> identity (NUL-terminated, at most
 * PETLS_PSK_IDENTITY_MAX bytes) and key bytes (at most PETLS_PSK_KEY_MAX).
 * Returns the key length, or -1 with err. */
int sni_psk_parse_psk(const char *spec, char *identity, size_t id_cap,
                      uint8_t *key, size_t key_cap, char *err, size_t errlen);

#endif
