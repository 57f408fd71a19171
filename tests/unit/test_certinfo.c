/* petls_peer_cert_details over in-memory handshakes: each certificate of
 * the chain up to the trust anchor, its fields checked against the
 * generated PKI (tests/certs/gen-certs.sh) and against the other peer
 * certificate calls. Node's formats themselves are compared with Node in
 * tests/interop/cert_details_node.sh. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

static void start(struct tlspair *p, const char *server)
{
    char pem[64], key[64];

    tlspair_init(p);
    snprintf(pem, sizeof(pem), "%s.pem", server);
    snprintf(key, sizeof(key), "%s.key", server);
    cr_assert_eq(
        petls_config_set_keypair_file(p->scfg, cert_path(pem), cert_path(key)),
        0, "%s", petls_config_error(p->scfg));
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "%s", petls_error(p->client));
}

/* "SHA256:ab12..." (petls_peer_cert_hash) vs Node's "AB:12:...". */
static void same_hex(const char *colon, const char *plain)
{
    size_t i = 0;

    for (; *colon != '\0'; colon++) {
        if (*colon == ':')
            continue;
        cr_assert_eq(tolower((unsigned char)*colon),
                     tolower((unsigned char)plain[i]), "at %zu", i);
        i++;
    }
    cr_assert_eq(plain[i], '\0');
}

static int has(const char *const *v, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

Test(certinfo, ecdsa_chain_to_anchor)
{
    struct tlspair p;
    struct petls_cert_details d, i, r, none;
    const uint8_t *der;
    size_t der_len, root_len;
    unsigned char *root;

    start(&p, "server-ecdsa");
    cr_assert_eq(petls_peer_cert_details(p.client, 0, &d), 0, "%s",
                 petls_error(p.client));
    der = petls_peer_cert_der(p.client, &der_len);
    cr_assert_eq(d.raw_len, der_len);
    cr_assert_eq(memcmp(d.raw, der, der_len), 0);
    same_hex(d.fingerprint256, petls_peer_cert_hash(p.client) + 7);
    cr_assert_eq(strlen(d.fingerprint), 20 * 3 - 1);
    cr_assert_eq(strlen(d.fingerprint512), 64 * 3 - 1);
    cr_assert_str_eq(d.key_type, "EC");
    cr_assert_str_eq(d.asn1_curve, "prime256v1");
    cr_assert_str_eq(d.nist_curve, "P-256");
    cr_assert_eq(d.bits, 256);
    cr_assert_eq(d.pubkey_len, 65);
    cr_assert_eq(d.pubkey[0], 4); /* uncompressed point */
    cr_assert_null(d.modulus);
    cr_assert_eq(d.ca, 0);
    cr_assert_eq(d.self_issued, 0);
    cr_assert_eq(d.trust_anchor, 0);
    cr_assert_eq(d.n_ext_key_usage, 1);
    cr_assert_str_eq(d.ext_key_usage[0], "1.3.6.1.5.5.7.3.1");
    cr_assert_null(d.info_access);
    cr_assert(has(d.subject, d.n_subject, "CN=localhost"));
    cr_assert(has(d.sans, d.n_sans, "IP Address:127.0.0.1"));
    cr_assert_eq(d.valid_from, petls_peer_cert_notbefore(p.client));
    cr_assert_eq(d.valid_to, petls_peer_cert_notafter(p.client));
    /* serialNumber is the serial without colons */
    same_hex(petls_peer_cert_serial(p.client), d.serial_number);

    /* The intermediate the server sent. */
    cr_assert_eq(petls_peer_cert_details(p.client, 1, &i), 0);
    cr_assert_eq(i.ca, 1);
    cr_assert_eq(i.self_issued, 0);
    cr_assert_eq(i.trust_anchor, 0);
    cr_assert_null(i.ext_key_usage);
    cr_assert_eq(i.n_subject, d.n_issuer);
    cr_assert_str_eq(i.subject[i.n_subject - 1], d.issuer[d.n_issuer - 1]);

    /* The root from the client's trust store: ca.pem's certificate. */
    cr_assert_eq(petls_peer_cert_details(p.client, 2, &r), 0);
    cr_assert_eq(r.trust_anchor, 1);
    cr_assert_eq(r.self_issued, 1);
    cr_assert_eq(r.ca, 1);
    root = cert_first_der("ca.pem", &root_len);
    cr_assert_eq(r.raw_len, root_len);
    cr_assert_eq(memcmp(r.raw, root, root_len), 0);
    free(root);

    /* Nothing above it; asking twice gives the same (cached) answer. */
    cr_assert_eq(petls_peer_cert_details(p.client, 3, &none), -1);
    cr_assert_null(none.raw);
    cr_assert_eq(petls_peer_cert_details(p.client, 3, &none), -1);
    cr_assert_eq(petls_peer_cert_details(p.client, 0, &none), 0);
    cr_assert_eq(none.fingerprint, d.fingerprint);
    tlspair_free(&p);
}

Test(certinfo, rsa_modulus_exponent)
{
    struct tlspair p;
    struct petls_cert_details d;

    start(&p, "server-rsa");
    cr_assert_eq(petls_peer_cert_details(p.client, 0, &d), 0);
    cr_assert_str_eq(d.key_type, "RSA");
    cr_assert_eq(d.bits, 2048);
    cr_assert_eq(strlen(d.modulus), 512);
    cr_assert_str_eq(d.exponent, "0x10001");
    cr_assert_null(d.asn1_curve);
    /* Node's RSA pubkey: the SubjectPublicKeyInfo, a DER SEQUENCE */
    cr_assert_eq(d.pubkey[0], 0x30);
    cr_assert_gt(d.pubkey_len, 256);
    tlspair_free(&p);
}

/* A server that asked for a client certificate reads it the same way. */
Test(certinfo, server_reads_client_chain)
{
    struct tlspair p;
    struct petls_cert_details d, r;

    tlspair_init(&p);
    petls_config_verify_client(p.scfg);
    cr_assert_eq(petls_config_set_ca_file(p.scfg, cert_path("ca.pem")), 0);
    cr_assert_eq(petls_config_set_keypair_file(p.ccfg, cert_path("client.pem"),
                                               cert_path("client.key")),
                 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0, "%s", petls_error(p.sconn));
    cr_assert_eq(petls_peer_cert_details(p.sconn, 0, &d), 0);
    cr_assert(has(d.subject, d.n_subject, "CN=petls-client"));
    cr_assert_str_eq(d.ext_key_usage[0], "1.3.6.1.5.5.7.3.2");
    cr_assert_eq(petls_peer_cert_details(p.sconn, 2, &r), 0);
    cr_assert_eq(r.trust_anchor, 1);
    tlspair_free(&p);
}

Test(certinfo, no_handshake_no_details)
{
    struct petls_cert_details d;
    struct petls *c = petls_client();

    cr_assert_not_null(c);
    memset(&d, 0xa5, sizeof(d));
    cr_assert_eq(petls_peer_cert_details(c, 0, &d), -1);
    cr_assert_null(d.raw); /* cleared, not left as it was */
    cr_assert_str_eq(petls_error(c),
                     "peer certificate: no completed handshake");
    cr_assert_eq(petls_peer_cert_details(c, 0, NULL), -1);
    cr_assert_eq(petls_peer_cert_details(NULL, 0, &d), -1);
    petls_free(c);
}
