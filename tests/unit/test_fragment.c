/* Record sizes: Node's setMaxSendFragment (per config and per connection)
 * and the max_fragment_length offer, checked on the records that really
 * cross the in-memory pipe. */
#include <criterion/criterion.h>
#include <string.h>

#include "tlspair.h"

/* Expansion per record: TLS 1.3 inner content type, mbedTLS's padding to a
 * multiple of 16 (up to 15) and a 16-byte tag; TLS 1.2 GCM explicit nonce
 * (8) and tag (16). */
#define OVERHEAD_MAX 32

/* Counts the application-data records queued on q and the longest one;
 * asserts the queue holds whole records only. */
static size_t count_records(const struct mempipe_queue *q, size_t *longest)
{
    size_t off = 0, n = 0;

    *longest = 0;
    while (off < q->len) {
        size_t len;
        cr_assert(q->len - off >= 5, "partial record header");
        cr_assert_eq(q->data[off], 23, "record type %u", q->data[off]);
        len = ((size_t)q->data[off + 3] << 8) | q->data[off + 4];
        cr_assert(q->len - off - 5 >= len, "partial record");
        if (len > *longest)
            *longest = len;
        off += 5 + len;
        n++;
    }
    return n;
}

static uint8_t payload[5000];

/* The server writes 5000 bytes; returns how many records carried them. */
static size_t server_write_records(struct tlspair *p, size_t *longest)
{
    size_t n;

    /* Let the client take what came after the handshake (TLS 1.3 tickets)
     * so the queue holds only what is written next. */
    tlspair_transfer(p->sconn, p->client, "x", 1);
    cr_assert_eq(p->pipe.s2c.len, 0);
    memset(payload, 'A', sizeof(payload));
    cr_assert_eq(petls_write(p->sconn, payload, sizeof(payload)),
                 (ssize_t)sizeof(payload), "%s", petls_error(p->sconn));
    n = count_records(&p->pipe.s2c, longest);
    /* And it all arrives intact. */
    {
        static uint8_t got[5000];
        size_t have = 0;
        while (have < sizeof(got)) {
            ssize_t r = petls_read(p->client, got + have, sizeof(got) - have);
            cr_assert(r > 0, "read %zd: %s", r, petls_error(p->client));
            have += (size_t)r;
        }
        cr_assert(memcmp(got, payload, sizeof(got)) == 0);
    }
    return n;
}

static void start(struct tlspair *p, uint32_t proto)
{
    cr_assert_eq(petls_config_set_protocols(p->ccfg, proto), 0);
    tlspair_start(p, "localhost");
    cr_assert_eq(tlspair_handshake(p), 0, "client '%s', server '%s'",
                 petls_error(p->client), petls_error(p->sconn));
}

static void config_fragment(uint32_t proto)
{
    struct tlspair p;
    size_t n, longest;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_max_send_fragment(p.scfg, 512), 0);
    start(&p, proto);
    n = server_write_records(&p, &longest);
    cr_assert_eq(n, 10, "5000 bytes in %zu records", n); /* ceil(5000/512) */
    cr_assert(longest > 512 && longest <= 512 + OVERHEAD_MAX, "%zu", longest);
    /* Per connection, at any time. */
    cr_assert_eq(petls_set_max_send_fragment(p.sconn, 2048), 0);
    n = server_write_records(&p, &longest);
    cr_assert_eq(n, 3, "5000 bytes in %zu records", n);
    cr_assert(longest > 2048 && longest <= 2048 + OVERHEAD_MAX, "%zu", longest);
    tlspair_free(&p);
}

Test(fragment, send_fragment_tls13)
{
    config_fragment(PETLS_PROTOCOL_TLSv1_3);
}
Test(fragment, send_fragment_tls12)
{
    config_fragment(PETLS_PROTOCOL_TLSv1_2);
}

Test(fragment, default_is_one_record)
{
    struct tlspair p;
    size_t n, longest;

    tlspair_init(&p);
    start(&p, PETLS_PROTOCOL_TLSv1_3);
    n = server_write_records(&p, &longest);
    cr_assert_eq(n, 1);
    cr_assert(longest > 5000 && longest <= 5000 + OVERHEAD_MAX);
    tlspair_free(&p);
}

Test(fragment, range_checks)
{
    struct petls_config *c = petls_config_new();
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_config_set_max_send_fragment(c, 511), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "max send fragment must be 512 to 16384 bytes");
    cr_assert_eq(petls_config_set_max_send_fragment(c, 16385), -1);
    cr_assert_eq(petls_config_set_max_send_fragment(c, 16384), 0);
    cr_assert_eq(petls_set_max_send_fragment(ctx, 100), -1);
    cr_assert_str_eq(petls_error(ctx),
                     "max send fragment must be 512 to 16384 bytes");
    cr_assert_eq(petls_config_set_max_fragment_length(c, 1000), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "max_fragment_length must be 512, 1024, 2048 or 4096 "
                     "(or 0: none)");
    cr_assert_eq(petls_config_set_max_fragment_length(c, 1024), 0);
    petls_free(ctx);
    petls_config_free(c);
}

/* RFC 6066: the client offers 1024, the server then sends records of at
 * most 1024 plaintext bytes. */
Test(fragment, max_fragment_length_tls12)
{
    struct tlspair p;
    size_t n, longest;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_max_fragment_length(p.ccfg, 1024), 0);
    start(&p, PETLS_PROTOCOL_TLSv1_2);
    n = server_write_records(&p, &longest);
    cr_assert_eq(n, 5, "5000 bytes in %zu records", n);
    cr_assert(longest > 1024 && longest <= 1024 + OVERHEAD_MAX, "%zu", longest);
    tlspair_free(&p);
}

/* mbedTLS 3.6 negotiates max_fragment_length in TLS 1.2 only: in TLS 1.3
 * the offer changes nothing (and record_size_limit, its TLS 1.3
 * successor, is not in the build). docs/negotiation.md says so. */
Test(fragment, max_fragment_length_not_in_tls13)
{
    struct tlspair p;
    size_t n, longest;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_max_fragment_length(p.ccfg, 1024), 0);
    start(&p, PETLS_PROTOCOL_TLSv1_3);
    n = server_write_records(&p, &longest);
    cr_assert_eq(n, 1, "5000 bytes in %zu records", n);
    tlspair_free(&p);
}
