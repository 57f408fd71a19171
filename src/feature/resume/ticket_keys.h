/*
 * The ticket key ring and the stateless ticket format.
 *
 * A key is 48 bytes: a 16-byte name (sent in the ticket, to find the key)
 * and 32 bytes of secret from which the AES-256-GCM key is derived. One key
 * encrypts; older keys only decrypt until they leave the ring.
 *
 * Automatic mode (no keys given): the ring rotates every rotate_s seconds
 * and keeps a retired key for grace_s seconds, then zeroizes it (the
 * s2n-tls model). Rotation is a one-way ratchet from a random seed taken at
 * creation, on Unix-time epochs (floor(now / rotate_s)): processes forked
 * from one parent derive the same keys at the same time without talking to
 * each other, and a key does not reveal the keys before it.
 *
 * Ticket layout: key name (16) | iv (12) | expires (8, big endian) |
 * ciphertext | tag (16); the additional data binds the key name, the expiry
 * and the session id context.
 *
 * All calls are safe under threads (the ring has its own mutex).
 */
#ifndef PETLS_TICKET_KEYS_H
#define PETLS_TICKET_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PETLS_TICKET_OVERHEAD (16 + 12 + 8 + 16)
/* Longest ticket sealed or opened: room for the largest backend session
 * (PB_SESSION_MAX, 6144) plus overhead; longer tickets are not opened. */
#define PETLS_TICKET_MAX 8192
#define PETLS_TICKET_RING_MAX                                                  \
    16 /* keys held at once; in automatic mode a                               \
        * grace window longer than 15 periods keeps                            \
        * only the newest 16 keys */

struct petls_ticket_keys;

/* Automatic mode with a random seed, anchored at the port's clock (so
 * workers forked afterwards ratchet in step). rotate_s 0: one key, never
 * rotated. NULL on failure. */
struct petls_ticket_keys *petls_ticket_keys_new(uint32_t rotate_s,
                                                uint32_t grace_s);
/* The same, anchored at now (Unix seconds; -1: at the first use). */
struct petls_ticket_keys *
petls_ticket_keys_new_at(uint32_t rotate_s, uint32_t grace_s, int64_t now);
void petls_ticket_keys_free(struct petls_ticket_keys *r);
/* Changes the period and grace window. Before any key was used the ring
 * re-anchors on the new period; afterwards the current key is retired (it
 * decrypts for grace_s more) and a fresh one encrypts. */
void petls_ticket_keys_set_rotation(struct petls_ticket_keys *r,
                                    uint32_t rotate_s, uint32_t grace_s);

/* Explicit keys (automatic rotation stops): a multiple of 48 bytes, the
 * first key encrypts (Node's setTicketKeys). 0 or -1 with err. */
int petls_ticket_keys_set(struct petls_ticket_keys *r, const uint8_t *keys,
                          size_t len, char *err, size_t errlen);
/* libtls's add_ticket_key: the highest keyrev encrypts; a keyrev (or key
 * name) already present is an error; a full ring drops the lowest keyrev.
 * The 48 bytes are name | secret, as for set. Leaves automatic mode. */
int petls_ticket_keys_add(struct petls_ticket_keys *r, uint32_t keyrev,
                          const uint8_t *key, size_t keylen, char *err,
                          size_t errlen);
/* The current keys, encrypting key first; returns bytes written or -1. */
ssize_t petls_ticket_keys_get(struct petls_ticket_keys *r, uint8_t *out,
                              size_t cap, int64_t now);
/* Parses a key file's contents: lines of 96 hex digits ('#' comments,
 * blank lines ignored; first key encrypts), or raw 48-byte records. Then
 * as petls_ticket_keys_set. */
int petls_ticket_keys_load(struct petls_ticket_keys *r, const uint8_t *data,
                           size_t len, char *err, size_t errlen);

/* Seals session bytes into a ticket under the encrypting key. lifetime_s
 * bounds it (expires = now + lifetime_s). 0 or -1. */
int petls_ticket_seal(struct petls_ticket_keys *r, int64_t now,
                      uint32_t lifetime_s, const uint8_t *context,
                      size_t context_len, const uint8_t *sess, size_t len,
                      uint8_t *out, size_t cap, size_t *out_len);
/* Opens a ticket: 0 with the session bytes in out and *renew set to 1 when
 * a decrypt-only key opened it; -1 when unknown key, expired, truncated,
 * oversized, tampered or bound to another context. */
int petls_ticket_open(struct petls_ticket_keys *r, int64_t now,
                      const uint8_t *context, size_t context_len,
                      const uint8_t *ticket, size_t len, uint8_t *out,
                      size_t cap, size_t *out_len, int *renew);

#endif
