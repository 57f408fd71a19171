/* Maps certificate verification facts to Node.js's authorizationError codes
 * and messages (backend-neutral). */
#include "verify_result.h"

#include <stddef.h>
#include <string.h>

/* The code for a chain that does not end at a trusted anchor. OpenSSL tells
 * these apart by what the chain it could build looks like. */
static const char *untrusted_code(const struct petls_verify_facts *f)
{
    if (f->chain_len == 1 && f->leaf_self_signed)
        return "DEPTH_ZERO_SELF_SIGNED_CERT";
    if (f->chain_len > 1 && f->top_self_signed)
        return "SELF_SIGNED_CERT_IN_CHAIN";
    if (f->chain_len == 1)
        return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
}

const char *petls_verify_code(const struct petls_verify_facts *facts)
{
    uint32_t fl;

    if (facts == NULL)
        return NULL;
    fl = facts->flags;
    if (fl == 0 && !facts->depth_exceeded)
        return NULL;

    /* OpenSSL's order: building the chain (issuer and trust problems)
     * comes first, then the chain's shape, then the signatures, then the
     * revocation and validity-period checks, then purpose; Node compares
     * the host name only once the chain has been accepted. */
    if (fl & PETLS_VF_NO_CERT)
        return "UNABLE_TO_GET_ISSUER_CERT";
    if (fl & PETLS_VF_NOT_TRUSTED) {
        const char *code = untrusted_code(facts);
        /* Node's verify callback accepts every problem and reads OpenSSL's
         * result afterwards, which is the last problem reported. The
         * purpose check runs after the chain was built, so a wrong
         * purpose replaces what building found (a self-signed leaf or
         * root, a missing issuer of a chain); only
         * UNABLE_TO_VERIFY_LEAF_SIGNATURE comes from the signature pass
         * that follows it. Measured against Node 20 (OpenSSL 3.0),
         * tests/interop/purpose_node.sh. */
        if ((fl & PETLS_VF_BAD_USAGE) &&
            strcmp(code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE") != 0)
            return "INVALID_PURPOSE";
        return code;
    }
    if (facts->depth_exceeded)
        return "CERT_CHAIN_TOO_LONG";
    if (fl & PETLS_VF_BAD_SIGNATURE)
        return "CERT_SIGNATURE_FAILURE";
    if (fl & PETLS_VF_REVOKED)
        return "CERT_REVOKED";
    if (fl & PETLS_VF_CRL_EXPIRED)
        return "CRL_HAS_EXPIRED";
    if (fl & PETLS_VF_EXPIRED)
        return "CERT_HAS_EXPIRED";
    if (fl & PETLS_VF_FUTURE)
        return "CERT_NOT_YET_VALID";
    if (fl & PETLS_VF_BAD_USAGE)
        return "INVALID_PURPOSE";
    if (fl & (PETLS_VF_BAD_KEY | PETLS_VF_OTHER))
        return "CERT_REJECTED";
    if (fl & PETLS_VF_NAME_MISMATCH)
        return "ERR_TLS_CERT_ALTNAME_INVALID";
    /* Flags this version does not know: still a failure. */
    return "CERT_REJECTED";
}

const char *petls_verify_message(const char *code)
{
    /* OpenSSL 3's X509_verify_cert_error_string() texts, which Node reports
     * as authorizationError messages; the last is Node's own. */
    static const struct {
        const char *code;
        const char *msg;
    } msgs[] = {
        {"UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate"},
        {"UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
         "unable to get local issuer certificate"},
        {"UNABLE_TO_VERIFY_LEAF_SIGNATURE",
         "unable to verify the first certificate"},
        {"DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"},
        {"SELF_SIGNED_CERT_IN_CHAIN",
         "self-signed certificate in certificate chain"},
        {"CERT_CHAIN_TOO_LONG", "certificate chain too long"},
        {"CERT_SIGNATURE_FAILURE", "certificate signature failure"},
        {"CERT_REVOKED", "certificate revoked"},
        {"CRL_HAS_EXPIRED", "CRL has expired"},
        {"CERT_HAS_EXPIRED", "certificate has expired"},
        {"CERT_NOT_YET_VALID", "certificate is not yet valid"},
        {"INVALID_PURPOSE", "unsupported certificate purpose"},
        {"CERT_REJECTED", "certificate rejected"},
        {"CERT_UNTRUSTED", "certificate not trusted"},
        {"UNABLE_TO_GET_CRL", "unable to get certificate CRL"},
        {"ERR_TLS_CERT_ALTNAME_INVALID",
         "Hostname/IP does not match certificate's altnames"},
    };
    size_t i;

    if (code == NULL)
        return "unknown verification error";
    for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        if (strcmp(code, msgs[i].code) == 0)
            return msgs[i].msg;
    }
    return "unknown verification error";
}
