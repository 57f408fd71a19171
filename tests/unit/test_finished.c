/* petls_conn_finished / petls_conn_peer_finished (Node's getFinished() /
 * getPeerFinished()) in memory: in TLS 1.2 each side's own equals the
 * other's peer value, 12 bytes, new after a renegotiation; in TLS 1.3 only
 * the peer's is available (mbedTLS 3.6 keeps neither; the peer's is read
 * as the handshake goes by). Against Node: tests/interop/finished_node.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

static void start(struct tlspair *p, uint32_t protocols)
{
    tlspair_init(p);
    cr_assert_eq(petls_config_set_protocols(p->ccfg, protocols), 0);
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "client '%s', server '%s'",
                 petls_error(p->client), petls_error(p->sconn));
}

/* a's own Finished equals b's peer Finished; returns its length. */
static size_t crosswise(struct petls *a, struct petls *b, uint8_t *out)
{
    uint8_t x[64], y[64];
    ssize_t n = petls_conn_finished(a, x, sizeof(x));
    ssize_t m = petls_conn_peer_finished(b, y, sizeof(y));

    cr_assert(n > 0, "%s", petls_error(a));
    cr_assert_eq(n, m, "%s", petls_error(b));
    cr_assert_eq(memcmp(x, y, (size_t)n), 0);
    cr_assert_eq(petls_conn_finished(a, NULL, 0), n);
    if (out != NULL)
        memcpy(out, x, (size_t)n);
    return (size_t)n;
}

Test(finished, tls12_crosswise)
{
    struct tlspair p;
    uint8_t c[64], s[64];

    start(&p, PETLS_PROTOCOL_TLSv1_2);
    cr_assert_eq(crosswise(p.client, p.sconn, c), 12);
    cr_assert_eq(crosswise(p.sconn, p.client, s), 12);
    cr_assert_neq(memcmp(c, s, 12), 0);
    tlspair_free(&p);
}

Test(finished, tls13_peer_only)
{
    struct tlspair p;
    uint8_t a[64], b[64];

    start(&p, PETLS_PROTOCOL_TLSv1_3);
    /* As long as the suite's hash: TLS_AES_256_GCM_SHA384 by default. */
    cr_assert_str_eq(petls_conn_cipher(p.client), "TLS_AES_256_GCM_SHA384");
    cr_assert_eq(petls_conn_peer_finished(p.client, a, sizeof(a)), 48, "%s",
                 petls_error(p.client));
    cr_assert_eq(petls_conn_peer_finished(p.sconn, b, sizeof(b)), 48, "%s",
                 petls_error(p.sconn));
    cr_assert_neq(memcmp(a, b, 48), 0);
    cr_assert_eq(petls_conn_finished(p.client, a, sizeof(a)), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "finished: mbed TLS 3.6 does not keep this side's TLS "
                     "1.3 Finished message");
    cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_INVALID_CONTEXT);
    cr_assert_eq(petls_conn_finished(p.sconn, NULL, 0), -1);
    tlspair_free(&p);
}

Test(finished, before_handshake_and_null)
{
    struct tlspair p;

    cr_assert_eq(petls_conn_finished(NULL, NULL, 0), -1);
    cr_assert_eq(petls_conn_peer_finished(NULL, NULL, 0), -1);
    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_conn_peer_finished(p.client, NULL, 0), -1);
    cr_assert_str_eq(petls_error(p.client),
                     "finished: the handshake is not complete");
    tlspair_free(&p);
}

#if PETLS_WITH_RENEG_LIMITS
/* After a renegotiation: that handshake's Finished messages. */
Test(finished, tls12_after_renegotiation)
{
    struct tlspair p;
    uint8_t before[64], after[64], buf[16];
    int round, rc = PETLS_WANT_POLLIN;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_renegotiation(p.scfg, 1), 0);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_2),
                 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0);
    crosswise(p.client, p.sconn, before);
    for (round = 0; round < 100; round++) {
        rc = petls_renegotiate(p.client, -1);
        if (rc != PETLS_WANT_POLLIN && rc != PETLS_WANT_POLLOUT)
            break;
        (void)petls_read(p.sconn, buf, sizeof(buf));
    }
    cr_assert_eq(rc, 0, "%s", petls_error(p.client));
    tlspair_transfer(p.client, p.sconn, "x", 1);
    cr_assert_eq(petls_conn_renegotiations(p.sconn), 1);
    crosswise(p.client, p.sconn, after);
    crosswise(p.sconn, p.client, NULL);
    cr_assert_neq(memcmp(before, after, 12), 0);
    tlspair_free(&p);
}
#endif
