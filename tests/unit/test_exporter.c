/* Keying-material exporter (RFC 5705 / RFC 8446 7.5, Node's
 * exportKeyingMaterial): both ends derive the same bytes, in TLS 1.2 and
 * 1.3; label and context matter; errors. Agreement with Node's
 * exportKeyingMaterial is checked by tests/interop/keylog_exporter_node.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "tlspair.h"

static void start(struct tlspair *p, uint32_t proto, const char *version)
{
    tlspair_init(p);
    cr_assert_eq(petls_config_set_protocols(p->ccfg, proto), 0);
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "client '%s', server '%s'",
                 petls_error(p->client), petls_error(p->sconn));
    cr_assert_str_eq(petls_conn_version(p->client), version);
}

static void both_agree(uint32_t proto, const char *version)
{
    static const uint8_t ctxbytes[] = "context";
    uint8_t c1[64], s1[64], c2[64], none[64], empty[64], zero[64];
    struct tlspair p;

    start(&p, proto, version);
    memset(zero, 0, sizeof(zero));
    cr_assert_eq(petls_export_keying_material(p.client, c1, sizeof(c1),
                                              "EXPERIMENTAL-petls", ctxbytes,
                                              7),
                 0, "%s", petls_error(p.client));
    cr_assert_eq(petls_export_keying_material(p.sconn, s1, sizeof(s1),
                                              "EXPERIMENTAL-petls", ctxbytes,
                                              7),
                 0, "%s", petls_error(p.sconn));
    cr_assert(memcmp(c1, s1, sizeof(c1)) == 0, "client and server differ");
    cr_assert(memcmp(c1, zero, sizeof(c1)) != 0);
    /* Another label gives other bytes. */
    cr_assert_eq(petls_export_keying_material(p.client, c2, sizeof(c2),
                                              "EXPERIMENTAL-other", ctxbytes,
                                              7),
                 0);
    cr_assert(memcmp(c1, c2, sizeof(c1)) != 0);
    /* No context and an empty context. */
    cr_assert_eq(petls_export_keying_material(p.client, none, sizeof(none),
                                              "EXPERIMENTAL-petls", NULL, 0),
                 0);
    cr_assert_eq(petls_export_keying_material(p.client, empty, sizeof(empty),
                                              "EXPERIMENTAL-petls", ctxbytes,
                                              0),
                 0);
    if (proto == PETLS_PROTOCOL_TLSv1_2)
        /* RFC 5705: the context's presence is part of the PRF input. */
        cr_assert(memcmp(none, empty, sizeof(none)) != 0);
    else
        /* RFC 8446 7.5: no context is the empty context. */
        cr_assert(memcmp(none, empty, sizeof(none)) == 0);
    /* A shorter export is not a prefix in TLS 1.3 (the length is in the
     * HKDF label) and is in TLS 1.2 (a PRF stream). */
    cr_assert_eq(petls_export_keying_material(
                     p.sconn, s1, 16, "EXPERIMENTAL-petls", ctxbytes, 7),
                 0);
    if (proto == PETLS_PROTOCOL_TLSv1_2)
        cr_assert(memcmp(s1, c1, 16) == 0);
    else
        cr_assert(memcmp(s1, c1, 16) != 0);
    tlspair_free(&p);
}

Test(exporter, agree_tls13)
{
    both_agree(PETLS_PROTOCOL_TLSv1_3, "TLSv1.3");
}
Test(exporter, agree_tls12)
{
    both_agree(PETLS_PROTOCOL_TLSv1_2, "TLSv1.2");
}

Test(exporter, errors)
{
    struct tlspair p;
    uint8_t out[16];

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_export_keying_material(p.client, out, sizeof(out),
                                              "EXPERIMENTAL-x", NULL, 0),
                 -1);
    cr_assert_str_eq(petls_error(p.client),
                     "export keying material: no completed handshake");
    cr_assert_eq(tlspair_handshake(&p), 0);
    cr_assert_eq(petls_export_keying_material(p.client, out, 0,
                                              "EXPERIMENTAL-x", NULL, 0),
                 -1);
    cr_assert_str_eq(petls_error(p.client),
                     "export keying material: length must be 1 to 8160 "
                     "bytes");
    cr_assert_eq(petls_export_keying_material(p.client, NULL, 16,
                                              "EXPERIMENTAL-x", NULL, 0),
                 -1);
    cr_assert_str_eq(petls_error(p.client),
                     "export keying material: no output buffer or label");
    tlspair_free(&p);
}
