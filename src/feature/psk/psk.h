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

/* A client connection's PSK while pb_conn_new copies it (part of struct
 * petls_conn_scratch, zeroized by petls_conn_start). */
struct petls_psk_scratch {
    char identity[PETLS_PSK_IDENTITY_MAX + 1];
    uint8_t key[PETLS_PSK_KEY_MAX];
};

/* The feature's hooks: struct petls_feature petls_feature_psk
 * (core/feature.h). */

/* pb_vhost_hooks.psk_lookup (owner: the connection; core/features.c). */
int petls_psk_lookup(void *owner, const uint8_t *identity, size_t id_len,
                     uint8_t *key, size_t cap, size_t *key_len);

#endif
