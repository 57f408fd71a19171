/* Maps certificate verification facts to Node.js's authorizationError codes
 * and messages (backend-neutral). */
#ifndef PETLS_VERIFY_RESULT_H
#define PETLS_VERIFY_RESULT_H

#include <stdint.h>

/* PETLS_VF_* and struct petls_verify_facts: neutral types of the backend
 * interface. */
#include "backend/backend.h"

/* The Node.js code for the first problem in OpenSSL's order of checks:
 * NULL when flags is 0 and depth_exceeded is 0. Codes:
 * UNABLE_TO_GET_ISSUER_CERT (no certificate), DEPTH_ZERO_SELF_SIGNED_CERT,
 * SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_CHAIN_TOO_LONG,
 * CERT_SIGNATURE_FAILURE, CERT_REVOKED, CRL_HAS_EXPIRED, CERT_HAS_EXPIRED,
 * CERT_NOT_YET_VALID, INVALID_PURPOSE, CERT_REJECTED (PETLS_VF_BAD_KEY,
 * PETLS_VF_OTHER), ERR_TLS_CERT_ALTNAME_INVALID (only when nothing else is
 * wrong, as Node checks the name after the chain). A wrong purpose
 * (PETLS_VF_BAD_USAGE) replaces the trust codes found while building the
 * chain, except UNABLE_TO_VERIFY_LEAF_SIGNATURE, as OpenSSL's last
 * reported problem does for Node. */
const char *petls_verify_code(const struct petls_verify_facts *facts);

/* Node's/OpenSSL's message for a code ("certificate has expired"), or
 * "unknown verification error". */
const char *petls_verify_message(const char *code);

#endif
