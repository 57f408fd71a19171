/*
 * Sealing session state for places the engine does not trust: blobs handed
 * to an external store, and stateless tickets (ticket_keys.c builds on
 * this). AES-256-GCM with a random 12-byte IV; the additional data binds
 * the id the blob is stored under, the session id context and the expiry,
 * so a blob moved to another id or context, or with its expiry changed,
 * fails to open. Opening failures are all the same -1: callers treat them
 * as a miss.
 *
 * Blob layout: version (1, = 1) | expires (8, big endian Unix seconds) |
 * iv (12) | ciphertext | tag (16).
 */
#ifndef PETLS_SESSION_SEAL_H
#define PETLS_SESSION_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define PETLS_SEAL_OVERHEAD (1 + 8 + 12 + 16)

int petls_seal(const uint8_t key[32], const uint8_t *id, size_t id_len,
               const uint8_t *context, size_t context_len, int64_t expires,
               const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
               size_t *out_len);
/* 0 with the plaintext in out; -1 when malformed, tampered, bound to
 * another id/context, expired (expires <= now) or cap too small. */
int petls_unseal(const uint8_t key[32], const uint8_t *id, size_t id_len,
                 const uint8_t *context, size_t context_len, int64_t now,
                 const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                 size_t *out_len);

#endif
