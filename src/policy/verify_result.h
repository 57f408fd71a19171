/* Maps certificate verification facts to Node.js's authorizationError codes
 * and messages (backend-neutral). */
#ifndef PETLS_VERIFY_RESULT_H
#define PETLS_VERIFY_RESULT_H

#include <stdint.h>

/* Neutral verification flags that the backend reports. */
#define PETLS_VF_NO_CERT 0x0001u       /* the peer sent no certificate */
#define PETLS_VF_NOT_TRUSTED 0x0002u   /* chain does not end at a trusted CA */
#define PETLS_VF_EXPIRED 0x0004u       /* some certificate expired */
#define PETLS_VF_FUTURE 0x0008u        /* some certificate not yet valid */
#define PETLS_VF_REVOKED 0x0010u       /* revoked by a CRL */
#define PETLS_VF_NAME_MISMATCH 0x0020u /* host name does not match */
#define PETLS_VF_BAD_SIGNATURE 0x0040u /* a signature in the chain is bad */
#define PETLS_VF_BAD_KEY 0x0080u       /* key type/size not acceptable */
#define PETLS_VF_BAD_USAGE 0x0100u     /* key usage / extended key usage */
#define PETLS_VF_CRL_EXPIRED 0x0200u   /* the CRL is out of date */
#define PETLS_VF_OTHER 0x8000u         /* anything else */

struct petls_verify_facts {
    uint32_t flags;       /* PETLS_VF_* */
    int chain_len;        /* certificates the peer sent */
    int leaf_self_signed; /* leaf's issuer == subject and self-verifies */
    int top_self_signed;  /* last cert the peer sent is self-signed */
    int depth_exceeded;   /* chain longer than the configured verify depth */
};

/* The Node.js code for the first problem in OpenSSL's order of checks:
 * NULL when flags is 0 and depth_exceeded is 0. Codes:
 * UNABLE_TO_GET_ISSUER_CERT (no certificate), DEPTH_ZERO_SELF_SIGNED_CERT,
 * SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_CHAIN_TOO_LONG,
 * CERT_SIGNATURE_FAILURE, CERT_REVOKED, CRL_HAS_EXPIRED, CERT_HAS_EXPIRED,
 * CERT_NOT_YET_VALID, INVALID_PURPOSE, CERT_REJECTED (PETLS_VF_BAD_KEY,
 * PETLS_VF_OTHER), ERR_TLS_CERT_ALTNAME_INVALID (only when nothing else is
 * wrong, as Node checks the name after the chain). */
const char *petls_verify_code(const struct petls_verify_facts *facts);

/* Node's/OpenSSL's message for a code ("certificate has expired"), or
 * "unknown verification error". */
const char *petls_verify_message(const char *code);

#endif
