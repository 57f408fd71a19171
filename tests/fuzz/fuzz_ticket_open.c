/* libFuzzer target: stateless tickets and the ticket key file parser.
 * The first input byte picks what the rest is:
 *   0: a ticket to open (against a ring holding the key that sealed the
 *      seed corpus, and an automatic ring): never opens unless genuine;
 *   1: session bytes to seal, then open (round trip), then every single
 *      bit flip of the ticket must fail;
 *   2: a ticket key file to load (text or raw), then a round trip. */
#include "fuzz_util.h"

#include "ticket_keys.h"

#define NOW 1700000000

/* Fixed key: the seeds in corpus/fuzz_ticket_open/ were sealed under it
 * (name "petls-fuzz-key-1", secret 32 x 0x5a). */
static const uint8_t fixed_key[48] = {
    'p',  'e',  't',  'l',  's',  '-',  'f',  'u',  'z',  'z',  '-',  'k',
    'e',  'y',  '-',  '1',  0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a};
static const uint8_t ctx[] = "fuzz";

static struct petls_ticket_keys *fixed_ring(void)
{
    static struct petls_ticket_keys *r;

    if (r == NULL) {
        r = petls_ticket_keys_new_at(3600, 3600, NOW);
        FUZZ_CHECK(r != NULL);
        FUZZ_CHECK(petls_ticket_keys_set(r, fixed_key, 48, NULL, 0) == 0);
    }
    return r;
}

static void open_any(const uint8_t *t, size_t n)
{
    static struct petls_ticket_keys *autoring;
    static uint8_t out[PETLS_TICKET_MAX];
    size_t m = 0;
    int renew = -1, r;

    if (autoring == NULL) {
        autoring = petls_ticket_keys_new_at(60, 60, NOW);
        FUZZ_CHECK(autoring != NULL);
    }
    r = petls_ticket_open(fixed_ring(), NOW, ctx, 4, t, n, out, sizeof(out), &m,
                          &renew);
    FUZZ_CHECK(r == 0 || r == -1);
    if (r == 0) {
        FUZZ_CHECK(m + PETLS_TICKET_OVERHEAD == n && renew == 0);
        FUZZ_CHECK(memcmp(t, fixed_key, 16) == 0);
    }
    /* The automatic ring never saw this key. */
    FUZZ_CHECK(petls_ticket_open(autoring, NOW, ctx, 4, t, n, out, sizeof(out),
                                 &m, &renew) == -1);
}

static void round_trip(struct petls_ticket_keys *r, const uint8_t *s, size_t n,
                       int flips)
{
    static uint8_t t[PETLS_TICKET_MAX], out[PETLS_TICKET_MAX];
    size_t tn = 0, m = 0, i;
    int renew = -1;

    if (n > PETLS_TICKET_MAX - PETLS_TICKET_OVERHEAD) {
        FUZZ_CHECK(petls_ticket_seal(r, NOW, 300, ctx, 4, s, n, t, sizeof(t),
                                     &tn) == -1);
        return;
    }
    FUZZ_CHECK(
        petls_ticket_seal(r, NOW, 300, ctx, 4, s, n, t, sizeof(t), &tn) == 0);
    FUZZ_CHECK(tn == n + PETLS_TICKET_OVERHEAD);
    FUZZ_CHECK(petls_ticket_open(r, NOW + 299, ctx, 4, t, tn, out, sizeof(out),
                                 &m, &renew) == 0);
    FUZZ_CHECK(m == n && (n == 0 || memcmp(out, s, n) == 0) && renew == 0);
    FUZZ_CHECK(petls_ticket_open(r, NOW + 300, ctx, 4, t, tn, out, sizeof(out),
                                 &m, &renew) == -1);
    FUZZ_CHECK(petls_ticket_open(r, NOW, ctx, 3, t, tn, out, sizeof(out), &m,
                                 &renew) == -1);
    if (!flips || tn > 256)
        return;
    /* One bit of every byte (a different bit position from byte to byte):
     * every byte is covered at a fraction of the cost of all bits. */
    for (i = 0; i < tn; i++) {
        t[i] ^= (uint8_t)(1u << (i % 8));
        FUZZ_CHECK(petls_ticket_open(r, NOW, ctx, 4, t, tn, out, sizeof(out),
                                     &m, &renew) == -1);
        t[i] ^= (uint8_t)(1u << (i % 8));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128];

    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        open_any(data + 1, size - 1);
        break;
    case 1:
        round_trip(fixed_ring(), data + 1, size - 1, 1);
        break;
    default: {
        struct petls_ticket_keys *r = petls_ticket_keys_new_at(60, 60, NOW);
        uint8_t keys[48 * PETLS_TICKET_RING_MAX];
        ssize_t n;
        int ret;

        FUZZ_CHECK(r != NULL);
        memset(err, 'X', sizeof(err));
        ret = petls_ticket_keys_load(r, data + 1, size - 1, err, sizeof(err));
        FUZZ_CHECK(ret == 0 || ret == -1);
        n = petls_ticket_keys_get(r, keys, sizeof(keys), NOW);
        if (ret == 0) {
            FUZZ_CHECK(n >= 48 && n % 48 == 0);
            round_trip(r, data, size < 64 ? size : 64, 0);
        } else {
            FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
            FUZZ_CHECK(n == 48); /* still the automatic key */
        }
        petls_ticket_keys_free(r);
        break;
    }
    }
    return 0;
}
