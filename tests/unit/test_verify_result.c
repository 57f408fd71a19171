/* Node's authorizationError codes and messages from verification facts. */
#include <criterion/criterion.h>
#include <stddef.h>

#include "verify_result.h"

struct vr_case {
    const char *what;
    struct petls_verify_facts f;
    const char *code; /* NULL: authorized */
};

Test(verify_result, code_selection_in_openssl_order)
{
    static const struct vr_case cases[] = {
        {"clean", {0, 2, 0, 0, 0}, NULL},
        {"clean single", {0, 1, 0, 0, 0}, NULL},
        {"no cert",
         {PETLS_VF_NO_CERT, 0, 0, 0, 0},
         "UNABLE_TO_GET_ISSUER_CERT"},
        {"no cert wins over all",
         {PETLS_VF_NO_CERT | PETLS_VF_NOT_TRUSTED | PETLS_VF_EXPIRED, 0, 0, 0,
          1},
         "UNABLE_TO_GET_ISSUER_CERT"},
        /* Trust: which one depends on the chain's shape. */
        {"self-signed leaf alone",
         {PETLS_VF_NOT_TRUSTED, 1, 1, 1, 0},
         "DEPTH_ZERO_SELF_SIGNED_CERT"},
        {"self-signed root sent",
         {PETLS_VF_NOT_TRUSTED, 2, 0, 1, 0},
         "SELF_SIGNED_CERT_IN_CHAIN"},
        {"self-signed root sent, 3 deep",
         {PETLS_VF_NOT_TRUSTED, 3, 0, 1, 0},
         "SELF_SIGNED_CERT_IN_CHAIN"},
        {"leaf alone, unknown issuer",
         {PETLS_VF_NOT_TRUSTED, 1, 0, 0, 0},
         "UNABLE_TO_VERIFY_LEAF_SIGNATURE"},
        {"leaf alone, top flag without leaf flag",
         {PETLS_VF_NOT_TRUSTED, 1, 0, 1, 0},
         "UNABLE_TO_VERIFY_LEAF_SIGNATURE"},
        {"chain, unknown issuer",
         {PETLS_VF_NOT_TRUSTED, 2, 0, 0, 0},
         "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
        /* OpenSSL's purpose check comes after chain building and
         * replaces its result (Node reads the last problem), but not the
         * leaf-signature one found after it. */
        {"purpose over self-signed leaf",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_BAD_USAGE, 1, 1, 1, 0},
         "INVALID_PURPOSE"},
        {"purpose over self-signed root sent",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_BAD_USAGE, 3, 0, 1, 0},
         "INVALID_PURPOSE"},
        {"purpose over chain with unknown issuer",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_BAD_USAGE, 2, 0, 0, 0},
         "INVALID_PURPOSE"},
        {"leaf signature over purpose",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_BAD_USAGE, 1, 0, 0, 0},
         "UNABLE_TO_VERIFY_LEAF_SIGNATURE"},
        {"trust before expiry",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_EXPIRED, 1, 1, 1, 0},
         "DEPTH_ZERO_SELF_SIGNED_CERT"},
        {"trust before name",
         {PETLS_VF_NOT_TRUSTED | PETLS_VF_NAME_MISMATCH, 2, 0, 0, 0},
         "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
        {"trust before depth",
         {PETLS_VF_NOT_TRUSTED, 5, 0, 0, 1},
         "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
        /* The rest, each alone and against the next in the order. */
        {"depth alone", {0, 5, 0, 0, 1}, "CERT_CHAIN_TOO_LONG"},
        {"depth before signature",
         {PETLS_VF_BAD_SIGNATURE, 5, 0, 0, 1},
         "CERT_CHAIN_TOO_LONG"},
        {"signature",
         {PETLS_VF_BAD_SIGNATURE, 2, 0, 0, 0},
         "CERT_SIGNATURE_FAILURE"},
        {"signature before revoked",
         {PETLS_VF_BAD_SIGNATURE | PETLS_VF_REVOKED, 2, 0, 0, 0},
         "CERT_SIGNATURE_FAILURE"},
        {"revoked", {PETLS_VF_REVOKED, 2, 0, 0, 0}, "CERT_REVOKED"},
        {"revoked before crl expired",
         {PETLS_VF_REVOKED | PETLS_VF_CRL_EXPIRED, 2, 0, 0, 0},
         "CERT_REVOKED"},
        {"crl expired", {PETLS_VF_CRL_EXPIRED, 2, 0, 0, 0}, "CRL_HAS_EXPIRED"},
        {"crl expired before expired",
         {PETLS_VF_CRL_EXPIRED | PETLS_VF_EXPIRED, 2, 0, 0, 0},
         "CRL_HAS_EXPIRED"},
        {"expired", {PETLS_VF_EXPIRED, 2, 0, 0, 0}, "CERT_HAS_EXPIRED"},
        {"expired before future",
         {PETLS_VF_EXPIRED | PETLS_VF_FUTURE, 2, 0, 0, 0},
         "CERT_HAS_EXPIRED"},
        {"future", {PETLS_VF_FUTURE, 2, 0, 0, 0}, "CERT_NOT_YET_VALID"},
        {"future before purpose",
         {PETLS_VF_FUTURE | PETLS_VF_BAD_USAGE, 2, 0, 0, 0},
         "CERT_NOT_YET_VALID"},
        {"purpose", {PETLS_VF_BAD_USAGE, 2, 0, 0, 0}, "INVALID_PURPOSE"},
        {"purpose before key",
         {PETLS_VF_BAD_USAGE | PETLS_VF_BAD_KEY, 2, 0, 0, 0},
         "INVALID_PURPOSE"},
        {"bad key", {PETLS_VF_BAD_KEY, 2, 0, 0, 0}, "CERT_REJECTED"},
        {"other", {PETLS_VF_OTHER, 2, 0, 0, 0}, "CERT_REJECTED"},
        {"unknown flag", {0x4000u, 2, 0, 0, 0}, "CERT_REJECTED"},
        {"other before name",
         {PETLS_VF_OTHER | PETLS_VF_NAME_MISMATCH, 2, 0, 0, 0},
         "CERT_REJECTED"},
        {"expired before name",
         {PETLS_VF_EXPIRED | PETLS_VF_NAME_MISMATCH, 2, 0, 0, 0},
         "CERT_HAS_EXPIRED"},
        {"name alone",
         {PETLS_VF_NAME_MISMATCH, 2, 0, 0, 0},
         "ERR_TLS_CERT_ALTNAME_INVALID"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = petls_verify_code(&cases[i].f);

        if (cases[i].code == NULL) {
            cr_assert_null(got, "%s: got %s", cases[i].what, got);
        } else {
            cr_assert_not_null(got, "%s: authorized", cases[i].what);
            cr_assert_str_eq(got, cases[i].code, "%s", cases[i].what);
        }
    }
    cr_assert_null(petls_verify_code(NULL));
}

Test(verify_result, node_messages)
{
    /* OpenSSL 3 texts, which Node 20 reports; checked against
     * `openssl verify` and a failing tls.connect. */
    static const struct {
        const char *code, *msg;
    } cases[] = {
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
        {"ERR_TLS_CERT_ALTNAME_INVALID",
         "Hostname/IP does not match certificate's altnames"},
        {"NO_SUCH_CODE", "unknown verification error"},
        {"", "unknown verification error"},
        {"cert_has_expired", "unknown verification error"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_str_eq(petls_verify_message(cases[i].code), cases[i].msg,
                         "%s", cases[i].code);
    cr_assert_str_eq(petls_verify_message(NULL), "unknown verification error");
}

Test(verify_result, every_code_has_a_message)
{
    /* Every code petls_verify_code() can return must have a real text. */
    static const uint32_t flags[] = {
        PETLS_VF_NO_CERT,       PETLS_VF_NOT_TRUSTED, PETLS_VF_EXPIRED,
        PETLS_VF_FUTURE,        PETLS_VF_REVOKED,     PETLS_VF_NAME_MISMATCH,
        PETLS_VF_BAD_SIGNATURE, PETLS_VF_BAD_KEY,     PETLS_VF_BAD_USAGE,
        PETLS_VF_CRL_EXPIRED,   PETLS_VF_OTHER,       0x1000u,
    };
    size_t i;
    int chain, leaf, top;

    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        for (chain = 0; chain <= 3; chain++) {
            for (leaf = 0; leaf <= 1; leaf++) {
                for (top = 0; top <= 1; top++) {
                    struct petls_verify_facts f = {flags[i], chain, leaf, top,
                                                   0};
                    const char *code = petls_verify_code(&f);

                    cr_assert_not_null(code);
                    cr_assert_str_neq(petls_verify_message(code),
                                      "unknown verification error", "%s", code);
                }
            }
        }
    }
}
