/*
 * External pre-shared keys: a server's identities (a static table and
 * Node's pskCallback), the identity hint, a client's PSK (static, or Node's
 * client pskCallback), and what the backend needs of them.
 */
#ifndef PETLS_PSK_H
#define PETLS_PSK_H

#include <stddef.h>
#include <stdint.h>

#include "petls.h"

struct petls_psk_conf;
struct pb_conn_params;

/* A client connection's PSK while pb_conn_new copies it (zeroized by
 * petls_psk_scratch_clear). */
struct petls_psk_scratch {
    char identity[PETLS_PSK_IDENTITY_MAX + 1];
    uint8_t key[PETLS_PSK_KEY_MAX];
};

void petls_psk_config_free(struct petls_config *config);
/* Does the config use PSKs (as a server: identities to look up; as a
 * client: a PSK to offer)? Freezing passes it to the backend as
 * pb_settings.psk. */
int petls_psk_enabled(const struct petls_config *config);
/* A server config that can serve without a certificate. */
int petls_psk_server_capable(const struct petls_config *config);

/* Fills the PSK fields of a connection's backend parameters: the vhost
 * hooks for a server, the PSK to offer for a client (asking the client
 * callback, with no hint: the backend cannot deliver one before the
 * handshake). 0, or -1 with the error set on conn. */
int petls_psk_conn_params(struct petls *conn, struct pb_conn_params *p,
                          struct petls_psk_scratch *scratch);
void petls_psk_scratch_clear(struct petls_psk_scratch *scratch);

/* pb_vhost_hooks.psk_lookup (owner: the connection). */
int petls_psk_lookup(void *owner, const uint8_t *identity, size_t id_len,
                     uint8_t *key, size_t cap, size_t *key_len);

#endif
