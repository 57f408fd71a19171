/*
 * Virtual hosts (SNI): per-host contexts (Node's addContext), the SNI
 * callback (Node's SNICallback, maybe answering later), strict mode, and
 * the hooks the backend calls from inside a server handshake.
 */
#ifndef PETLS_SNI_H
#define PETLS_SNI_H

#include <stddef.h>
#include <stdint.h>

#include "petls.h"

struct petls_sni_table;
struct pb_vhost_hooks;

/* Per connection (struct petls). */
struct petls_sni_conn {
    int state;                 /* SNI_* in sni.c */
    struct petls_config *host; /* the context chosen (a reference), or NULL */
    char *name;                /* the name the choice was made for */
    int from_cb;               /* chosen by the callback */
    int strict_reject;         /* refused by strict mode, not the callback */
};

/* The hooks passed in pb_conn_params.vhost (SNI and PSK lookups; owner is
 * the struct petls of the connection). */
extern const struct pb_vhost_hooks petls_vhost_hooks;

/* Frees config->sni (host contexts lose the reference). */
void petls_sni_config_free(struct petls_config *config);
/* Resets a connection's choice. */
void petls_sni_conn_clear(struct petls *conn);

/* Called by the server handshake once the ClientHello is pre-parsed, before
 * the backend runs: resolves the name, asking the callback, which may
 * answer later. Returns 0 (go on), PETLS_WANT_SNI (callback pending: the
 * handshake returns it until petls_sni_answer), or -1 with the error set on
 * conn (the handshake then still runs, so that the backend sends
 * unrecognized_name; see petls_sni_rejected). */
int petls_sni_client_hello(struct petls *conn, const uint8_t *sni,
                           size_t sni_len);

/* The session id context of a server connection once its SNI context is
 * chosen: base itself (copied) for the default context, otherwise a 32-byte
 * digest of base and the chosen context's identity (the name it was added
 * under, or for the callback's choice, the requested name), so that
 * sessions and tickets of one host never resume on another. cap >= 32.
 * Returns the length written. */
size_t petls_sni_session_context(const struct petls *conn, const uint8_t *base,
                                 size_t base_len, uint8_t *out, size_t cap);

/* Contexts or a callback are set: server connections read the ClientHello
 * first, so that the callback may answer later and the context is known
 * before any session lookup. */
int petls_sni_wants_preparse(const struct petls_config *config);
/* The config has host contexts or a callback (a server may then run
 * without a default certificate, as Node's). */
int petls_sni_serves(const struct petls_config *config);

/* The client-verification mode of a server connection: its SNI
 * context's, or its config's. */
int petls_sni_verify_client(const struct petls *conn);

/* Shared by the name checks: is pattern a valid context name ("host" or
 * "*.host.tld")? 1 or 0. */
int petls_sni_name_valid(const char *name);
/* Does name select the context added under pattern? 1 or 0. */
int petls_sni_name_matches(const char *pattern, const char *name);

#endif
