/* Key-exchange groups (named groups), backend-neutral. */
#ifndef PETLS_GROUPS_H
#define PETLS_GROUPS_H

#include <stddef.h>
#include <stdint.h>

/* IANA NamedGroup code points. */
#define PETLS_GROUP_SECP256R1 0x0017
#define PETLS_GROUP_SECP384R1 0x0018
#define PETLS_GROUP_SECP521R1 0x0019
#define PETLS_GROUP_X25519 0x001D
#define PETLS_GROUP_X448 0x001E
#define PETLS_GROUP_FFDHE2048 0x0100
#define PETLS_GROUP_FFDHE3072 0x0101
#define PETLS_GROUP_FFDHE4096 0x0102
#define PETLS_GROUP_FFDHE6144 0x0103
#define PETLS_GROUP_FFDHE8192 0x0104

/* Parses "X25519:P-256,secp384r1", or "auto"/"default" (returns 0 entries:
 * the backend's default list). Names: X25519, X448, P-256 / prime256v1 /
 * secp256r1, P-384 / secp384r1, P-521 / secp521r1, ffdhe2048..ffdhe8192
 * (case-insensitive), separated by ':' or ',' with optional spaces;
 * duplicates count once. Returns the count written, or -1 with err
 * "unknown group 'x'", "empty group list", "too many groups in '...'" (more
 * than max distinct) or "'auto' cannot be combined with other groups in
 * '...'". */
int petls_groups_parse(const char *str, uint16_t *out, size_t max, char *err,
                       size_t errlen);

/* "X25519", "P-256", ... or NULL for an unknown code point. */
const char *petls_group_name(uint16_t id);

#endif
