/*
 * Node's getPeerCertificate(true): each certificate of the peer's chain,
 * up to the trust anchor, with every field Node gives (the backend decodes
 * them, mbedtls_certinfo.c; this file hands them out in the public form).
 */
#include <string.h>

#include "petls_internal.h"
#include "util.h"

int petls_peer_cert_details(struct petls *ctx, size_t depth,
                            struct petls_cert_details *details)
{
    struct pb_cert_details d;
    int oom = 0;

    if (details != NULL)
        memset(details, 0, sizeof(*details));
    if (ctx == NULL || details == NULL)
        return -1;
    if (ctx->conn == NULL || !ctx->hs_done) {
        petls_set_error(ctx, "peer certificate: no completed handshake");
        return -1;
    }
    if (pb_conn_peer_cert_details(ctx->conn, depth, &d, &oom) != 0) {
        if (oom)
            petls_set_error(ctx, "out of memory (peer certificate details)");
        return -1;
    }
    details->subject = d.subject;
    details->n_subject = d.n_subject;
    details->issuer = d.issuer;
    details->n_issuer = d.n_issuer;
    details->serial_number = d.serial;
    details->valid_from = petls_time_from_i64(d.not_before);
    details->valid_to = petls_time_from_i64(d.not_after);
    details->sans = d.sans;
    details->n_sans = d.n_sans;
    details->ca = d.ca;
    details->ext_key_usage = d.ext_key_usage;
    details->n_ext_key_usage = d.n_ext_key_usage;
    details->info_access = d.info_access;
    details->n_info_access = d.n_info_access;
    details->key_type = d.key_type;
    details->bits = d.bits;
    details->modulus = d.modulus;
    details->exponent = d.exponent;
    details->asn1_curve = d.asn1_curve;
    details->nist_curve = d.nist_curve;
    details->pubkey = d.pubkey;
    details->pubkey_len = d.pubkey_len;
    details->fingerprint = d.fingerprint;
    details->fingerprint256 = d.fingerprint256;
    details->fingerprint512 = d.fingerprint512;
    details->raw = d.der;
    details->raw_len = d.der_len;
    details->self_issued = d.self_issued;
    details->trust_anchor = d.trust_anchor;
    return 0;
}
