/* Signature algorithms (TLS SignatureScheme), backend-neutral: Node's
 * `sigalgs` option and getSharedSigalgs(). Pure functions. */
#ifndef PETLS_SIGALGS_H
#define PETLS_SIGALGS_H

#include <stddef.h>
#include <stdint.h>

/* Distinct names the parser knows: the most a parsed list holds. */
#define PETLS_MAX_SIGALGS 16

/* Parses a list like Node's `sigalgs` option:
 * "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256", by IANA
 * (TLS 1.3) name or OpenSSL's "SIG+HASH" form ("ECDSA+SHA256",
 * "RSA-PSS+SHA256" = rsa_pss_rsae_sha256, "RSA+SHA256" = rsa_pkcs1_sha256,
 * "PSS" = "RSA-PSS"), case-insensitive, separated by ':' or ',' with
 * optional blanks; duplicates count once. Writes IANA code points in the
 * list's order and returns their count, or -1 with err "unknown signature
 * algorithm 'x'", "empty signature algorithm list" or "too many signature
 * algorithms in '...'" (more than max distinct). */
int petls_sigalgs_parse(const char *str, uint16_t *out, size_t max, char *err,
                        size_t errlen);

/* The IANA name ("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", ...), or
 * NULL for a code point the table lacks. */
const char *petls_sigalg_name(uint16_t id);

/* The name Node's getSharedSigalgs() gives it (OpenSSL's "SIG+HASH":
 * "ECDSA+SHA256", "RSA-PSS+SHA256" for rsa_pss_rsae_* and rsa_pss_pss_*,
 * "RSA+SHA256", "Ed25519+UNDEF"), or NULL for a code point the table
 * lacks. */
const char *petls_sigalg_node_name(uint16_t id);

/* Node's shared list: the entries of `offer` (the peer's, in its order)
 * that `ours` has, in the peer's order, or in ours when ours_first is set
 * (as OpenSSL with SSL_OP_CIPHER_SERVER_PREFERENCE, Node's server
 * default); code points the table lacks are left out, duplicates count
 * once. Writes at most max into out (which may be NULL when max is 0) and
 * returns how many are shared. */
size_t petls_sigalgs_shared(const uint16_t *offer, size_t n_offer,
                            const uint16_t *ours, size_t n_ours, int ours_first,
                            uint16_t *out, size_t max);

#endif
