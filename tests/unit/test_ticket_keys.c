/* The ticket key ring: automatic rotation across epochs, grace windows,
 * renewal, explicit keys (set/get/add), key files, and ticket opening that
 * refuses everything it should. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ticket_keys.h"

#define R 100 /* rotation period */
#define G 50  /* grace window */
#define E0 17000000
#define T0 ((int64_t)E0 * R + 10) /* 10 s into epoch E0 */

static const uint8_t sess[] = "serialised session with a master secret";
static const uint8_t ctx[] = "svc";

static size_t seal(struct petls_ticket_keys *r, int64_t now, uint32_t life,
                   uint8_t *t, size_t cap)
{
    size_t n = 0;

    cr_assert_eq(
        petls_ticket_seal(r, now, life, ctx, 3, sess, sizeof(sess), t, cap, &n),
        0, "seal at %lld failed", (long long)now);
    cr_assert_eq(n, sizeof(sess) + PETLS_TICKET_OVERHEAD);
    return n;
}

/* 0 (with renew) or -1; checks the plaintext on success. */
static int open_t(struct petls_ticket_keys *r, int64_t now, const uint8_t *t,
                  size_t n, int *renew)
{
    uint8_t out[512];
    size_t m = 0;
    int ret =
        petls_ticket_open(r, now, ctx, 3, t, n, out, sizeof(out), &m, renew);

    if (ret == 0) {
        cr_assert_eq(m, sizeof(sess));
        cr_assert_eq(memcmp(out, sess, m), 0);
    }
    return ret;
}

static ssize_t get_keys(struct petls_ticket_keys *r, int64_t now, uint8_t *out,
                        size_t cap)
{
    return petls_ticket_keys_get(r, out, cap, now);
}

static void fill_key(uint8_t k[48], uint8_t seed)
{
    int i;

    for (i = 0; i < 48; i++)
        k[i] = (uint8_t)(seed * 31 + i);
}

Test(ticket_keys, auto_round_trip_and_layout)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t t[256], keys[48 * 16];
    size_t n;
    int renew = -1;
    uint64_t exp = 0;
    int i;

    cr_assert_not_null(r);
    n = seal(r, T0, 300, t, sizeof(t));
    cr_assert_eq(get_keys(r, T0, keys, sizeof(keys)), 48);
    /* name | iv | expires | ... */
    cr_assert_eq(memcmp(t, keys, 16), 0);
    for (i = 0; i < 8; i++)
        exp = (exp << 8) | t[28 + i];
    cr_assert_eq(exp, (uint64_t)(T0 + 300));
    cr_assert_eq(open_t(r, T0 + 1, t, n, &renew), 0);
    cr_assert_eq(renew, 0);
    /* renew may be NULL */
    cr_assert_eq(open_t(r, T0 + 1, t, n, NULL), 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, new_uses_the_port_clock)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new(3600, 3600);
    uint8_t t[256];
    size_t n;
    int renew;
    int64_t now = (int64_t)time(NULL);

    cr_assert_not_null(r);
    n = seal(r, now, 300, t, sizeof(t));
    cr_assert_eq(open_t(r, now, t, n, &renew), 0);
    cr_assert_eq(renew, 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, rotation_grace_and_erase)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t a[256], b[256], k0[48 * 16], k1[48 * 16], k2[48 * 16];
    size_t na, nb;
    int64_t e1 = (int64_t)(E0 + 1) * R; /* start of epoch E0+1 */
    int renew;

    na = seal(r, T0, 1000, a, sizeof(a));
    cr_assert_eq(get_keys(r, T0, k0, sizeof(k0)), 48);
    /* Last second of the epoch: same key. */
    cr_assert_eq(get_keys(r, e1 - 1, k1, sizeof(k1)), 48);
    cr_assert_eq(memcmp(k0, k1, 48), 0);

    /* Next epoch: a new encrypting key, the old one decrypts. */
    cr_assert_eq(get_keys(r, e1, k1, sizeof(k1)), 96);
    cr_assert_neq(memcmp(k1, k0, 48), 0);
    cr_assert_eq(memcmp(k1 + 48, k0, 48), 0);
    cr_assert_eq(open_t(r, e1, a, na, &renew), 0);
    cr_assert_eq(renew, 1);
    nb = seal(r, e1, 1000, b, sizeof(b));
    cr_assert_eq(memcmp(b, k1, 16), 0); /* re-issued under the new key */
    cr_assert_eq(open_t(r, e1, b, nb, &renew), 0);
    cr_assert_eq(renew, 0);

    /* Last second of the grace window, then gone (zeroized and dropped). */
    cr_assert_eq(open_t(r, e1 + G - 1, a, na, &renew), 0);
    cr_assert_eq(renew, 1);
    cr_assert_eq(open_t(r, e1 + G, a, na, &renew), -1);
    cr_assert_eq(get_keys(r, e1 + G, k2, sizeof(k2)), 48);
    cr_assert_eq(memcmp(k2, k1, 48), 0);
    cr_assert_eq(open_t(r, e1 + G, b, nb, &renew), 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, skipped_epochs_keep_only_keys_in_grace)
{
    /* Grace of 3 periods: after sleeping 10 epochs, the keys of the last 3
     * epochs are still there (their tickets may exist on other workers). */
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, 3 * R, T0);
    uint8_t k[48 * 16];
    int64_t now = (int64_t)(E0 + 10) * R + 1;

    cr_assert_eq(get_keys(r, now, k, sizeof(k)), 4 * 48);
    cr_assert_eq(get_keys(r, now + R, k, sizeof(k)), 4 * 48);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, clock_going_back_keeps_the_newest_key)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t a[48 * 16], b[48 * 16];

    /* Epoch E0+5 (the key of E0+4 is still in its grace window). */
    cr_assert_eq(get_keys(r, T0 + 5 * R, a, sizeof(a)), 96);
    cr_assert_eq(get_keys(r, T0, b, sizeof(b)), 96);
    cr_assert_eq(memcmp(a, b, 96), 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, rotate_zero_never_rotates)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(0, 0, T0);
    uint8_t t[256], k[48 * 16];
    size_t n = seal(r, T0, 1000000000, t, sizeof(t));
    int renew;

    cr_assert_eq(open_t(r, T0 + 100000000, t, n, &renew), 0);
    cr_assert_eq(renew, 0);
    cr_assert_eq(get_keys(r, T0 + 100000000, k, sizeof(k)), 48);
    petls_ticket_keys_free(r);
}

/* Workers forked from one parent derive the same keys, whether they step
 * through every epoch or jump ahead; and a later key does not equal an
 * earlier one. */
Test(ticket_keys, forked_rings_agree)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t mine[48], theirs[48], k[48 * 16];
    int fds[2], status;
    pid_t pid;
    int64_t e;

    cr_assert_eq(pipe(fds), 0);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        /* Child: jump straight to epoch E0+7. */
        ssize_t got =
            petls_ticket_keys_get(r, k, sizeof(k), (int64_t)(E0 + 7) * R + 3);
        int bad = got < 48 || write(fds[1], k, 48) != 48;
        petls_ticket_keys_free(r);
        _exit(bad);
    }
    close(fds[1]);
    cr_assert_eq(read(fds[0], theirs, 48), 48);
    /* The 48 bytes read are the child's success; its exit status is not
     * checked, since valgrind's exit-time leak report on Criterion's own
     * allocations in a forked child would turn it non-zero. */
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    close(fds[0]);
    /* Parent: step through each epoch; keys differ from one to the next. */
    cr_assert_eq(get_keys(r, T0, k, sizeof(k)), 48);
    memcpy(mine, k, 48);
    for (e = E0 + 1; e <= E0 + 7; e++) {
        cr_assert(get_keys(r, e * R, k, sizeof(k)) >= 48);
        cr_assert_neq(memcmp(mine, k, 48), 0);
        memcpy(mine, k, 48);
    }
    cr_assert_eq(memcmp(mine, theirs, 48), 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, set_rotation_before_use_reanchors)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t k[48 * 16];

    /* T0 is 10 s into a 100 s epoch; with a 20 s period it is the start of
     * an epoch that ends at T0 + 10. */
    petls_ticket_keys_set_rotation(r, 20, 5);
    cr_assert_eq(get_keys(r, T0 + 9, k, sizeof(k)), 48);
    cr_assert_eq(get_keys(r, T0 + 10, k, sizeof(k)), 96);
    cr_assert_eq(get_keys(r, T0 + 15, k, sizeof(k)), 48);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, set_rotation_after_use_retires_with_grace)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t t[256], k[48 * 16];
    size_t n = seal(r, T0, 1000, t, sizeof(t));
    int renew;

    petls_ticket_keys_set_rotation(r, 1000, 30);
    cr_assert_eq(get_keys(r, T0 + 1, k, sizeof(k)), 96);
    cr_assert_neq(memcmp(k, t, 16), 0);
    cr_assert_eq(memcmp(k + 48, t, 16), 0);
    cr_assert_eq(open_t(r, T0 + 30, t, n, &renew), 0);
    cr_assert_eq(renew, 1);
    cr_assert_eq(open_t(r, T0 + 31, t, n, &renew), -1);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, set_get_round_trip_and_decrypt_only)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t keys[3 * 48], back[48 * 16], swapped[2 * 48], t[256], ta[256];
    size_t n, na;
    int renew;

    fill_key(keys, 1);
    fill_key(keys + 48, 2);
    fill_key(keys + 96, 3);
    na = seal(r, T0, 1000, ta, sizeof(ta)); /* automatic key */
    cr_assert_eq(petls_ticket_keys_set(r, keys, sizeof(keys), NULL, 0), 0);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 144);
    cr_assert_eq(memcmp(back, keys, 144), 0);
    /* The automatic keys are gone, and explicit keys do not rotate. */
    cr_assert_eq(open_t(r, T0, ta, na, &renew), -1);
    cr_assert_eq(get_keys(r, T0 + 100 * R, back, sizeof(back)), 144);

    n = seal(r, T0, 1000, t, sizeof(t));
    cr_assert_eq(memcmp(t, keys, 16), 0); /* explicit name: first 16 bytes */
    /* Node's rotation by hand: the old encrypting key moves second. */
    memcpy(swapped, keys + 96, 48);
    memcpy(swapped + 48, keys, 48);
    cr_assert_eq(petls_ticket_keys_set(r, swapped, sizeof(swapped), NULL, 0),
                 0);
    cr_assert_eq(open_t(r, T0, t, n, &renew), 0);
    cr_assert_eq(renew, 1);
    /* Capacity too small for get. */
    cr_assert_eq(get_keys(r, T0, back, 95), -1);
    cr_assert_eq(get_keys(r, T0, back, 96), 96);
    /* Dropped from the set: the ticket no longer opens. */
    cr_assert_eq(petls_ticket_keys_set(r, keys + 48, 48, NULL, 0), 0);
    cr_assert_eq(open_t(r, T0, t, n, &renew), -1);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, explicit_key_derivation_is_stable)
{
    /* Two rings given the same key open each other's tickets (two
     * machines sharing a key file). */
    struct petls_ticket_keys *a = petls_ticket_keys_new_at(R, G, T0);
    struct petls_ticket_keys *b = petls_ticket_keys_new_at(R, G, T0);
    uint8_t key[48], t[256];
    size_t n;
    int renew;

    fill_key(key, 9);
    cr_assert_eq(petls_ticket_keys_set(a, key, 48, NULL, 0), 0);
    n = seal(a, T0, 100, t, sizeof(t));
    cr_assert_eq(open_t(b, T0, t, n, &renew), -1);
    cr_assert_eq(petls_ticket_keys_set(b, key, 48, NULL, 0), 0);
    cr_assert_eq(open_t(b, T0, t, n, &renew), 0);
    cr_assert_eq(renew, 0);
    petls_ticket_keys_free(a);
    petls_ticket_keys_free(b);
}

Test(ticket_keys, set_errors)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t keys[17 * 48];
    char err[128];
    int i;

    for (i = 0; i < 17; i++)
        fill_key(keys + 48 * i, (uint8_t)i);
    cr_assert_eq(petls_ticket_keys_set(r, keys, 0, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket keys: none given");
    cr_assert_eq(petls_ticket_keys_set(r, keys, 47, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket keys: 47 bytes is not a multiple of 48");
    cr_assert_eq(petls_ticket_keys_set(r, keys, 17 * 48, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket keys: 17 keys, at most 16");
    memcpy(keys + 96, keys, 16); /* key 3 named as key 1 */
    cr_assert_eq(petls_ticket_keys_set(r, keys, 3 * 48, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket keys: key 3 has the same name as key 1");
    /* A failed set leaves the ring as it was (automatic, working). */
    {
        uint8_t t[256];
        size_t n = seal(r, T0, 10, t, sizeof(t));
        int renew;
        cr_assert_eq(open_t(r, T0, t, n, &renew), 0);
    }
    cr_assert_eq(petls_ticket_keys_set(r, keys, 16 * 48, err, sizeof(err)), -1);
    cr_assert_eq(petls_ticket_keys_set(r, keys + 48, 16 * 48, err, sizeof(err)),
                 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, add_orders_by_keyrev)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t k1[48], k2[48], k3[48], back[48 * 16], t[256];
    char err[128];
    size_t n;
    int renew;

    fill_key(k1, 1);
    fill_key(k2, 2);
    fill_key(k3, 3);
    cr_assert_eq(petls_ticket_keys_add(r, 1, k1, 48, err, sizeof(err)), 0);
    n = seal(r, T0, 100, t, sizeof(t));
    cr_assert_eq(memcmp(t, k1, 16), 0);
    cr_assert_eq(petls_ticket_keys_add(r, 3, k3, 48, err, sizeof(err)), 0);
    cr_assert_eq(petls_ticket_keys_add(r, 2, k2, 48, err, sizeof(err)), 0);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 144);
    cr_assert_eq(memcmp(back, k3, 48), 0);
    cr_assert_eq(memcmp(back + 48, k2, 48), 0);
    cr_assert_eq(memcmp(back + 96, k1, 48), 0);
    cr_assert_eq(open_t(r, T0, t, n, &renew), 0);
    cr_assert_eq(renew, 1);

    cr_assert_eq(petls_ticket_keys_add(r, 2, k1, 48, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket key: revision 2 already added");
    cr_assert_eq(petls_ticket_keys_add(r, 7, k1, 48, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket key: same name as revision 1");
    cr_assert_eq(petls_ticket_keys_add(r, 8, k1, 32, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket key: 32 bytes of key data, expected 48");
    petls_ticket_keys_free(r);
}

Test(ticket_keys, add_full_ring_drops_lowest)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t k[48], back[48 * 16];
    char err[128];
    uint32_t i;

    for (i = 10; i < 26; i++) {
        fill_key(k, (uint8_t)i);
        cr_assert_eq(petls_ticket_keys_add(r, i, k, 48, err, sizeof(err)), 0);
    }
    fill_key(k, 5);
    cr_assert_eq(petls_ticket_keys_add(r, 5, k, 48, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "ticket key: revision 5 is older than the 16 kept");
    fill_key(k, 100);
    cr_assert_eq(petls_ticket_keys_add(r, 100, k, 48, err, sizeof(err)), 0);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 16 * 48);
    cr_assert_eq(memcmp(back, k, 48), 0);
    fill_key(k, 11); /* the lowest kept is now 11 */
    cr_assert_eq(memcmp(back + 15 * 48, k, 48), 0);
    petls_ticket_keys_free(r);
}

static void hex48(const uint8_t k[48], char *out)
{
    int i;

    for (i = 0; i < 48; i++)
        snprintf(out + 2 * i, 3, "%02x", k[i]);
}

Test(ticket_keys, load_text_file)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t k1[48], k2[48], back[48 * 16];
    char h1[97], h2[97], file[512];
    char err[128];
    size_t i;

    fill_key(k1, 1);
    fill_key(k2, 2);
    hex48(k1, h1);
    hex48(k2, h2);
    for (i = 0; h2[i] != '\0'; i++) { /* upper case is fine too */
        if (h2[i] >= 'a' && h2[i] <= 'f')
            h2[i] = (char)(h2[i] - 'a' + 'A');
    }
    snprintf(file, sizeof(file),
             "# petls ticket keys\n\n  %s  # current\r\n\t%s\n# old\n", h1, h2);
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 96);
    cr_assert_eq(memcmp(back, k1, 48), 0);
    cr_assert_eq(memcmp(back + 48, k2, 48), 0);
    /* No trailing newline. */
    snprintf(file, sizeof(file), "%s", h2);
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 48);
    cr_assert_eq(memcmp(back, k2, 48), 0);
    petls_ticket_keys_free(r);
}

Test(ticket_keys, load_raw_file)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t raw[96], back[48 * 16];
    char err[128];

    fill_key(raw, 1);
    fill_key(raw + 48, 2);
    raw[0] = 0x00; /* not text */
    cr_assert_eq(petls_ticket_keys_load(r, raw, 96, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(get_keys(r, T0, back, sizeof(back)), 96);
    cr_assert_eq(memcmp(back, raw, 96), 0);
    cr_assert_eq(petls_ticket_keys_load(r, raw, 95, err, sizeof(err)), -1);
    cr_assert_str_eq(
        err, "ticket key file: 95 bytes is neither text nor raw 48-byte keys");
    petls_ticket_keys_free(r);
}

Test(ticket_keys, load_errors)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    uint8_t k[48];
    char h[97], file[2048], err[128];
    size_t len = 0;
    int i;

    fill_key(k, 1);
    hex48(k, h);

    snprintf(file, sizeof(file), "# keys\n%s\n%.95s\n", h, h);
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "ticket key file: line 3: expected 96 hex digits");

    snprintf(file, sizeof(file), "%s0\n", h);
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "ticket key file: line 1: expected 96 hex digits");

    snprintf(file, sizeof(file), "\n\n%s\n", h);
    file[2 + 40] = 'g';
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "ticket key file: line 3: expected 96 hex digits");

    snprintf(file, sizeof(file), "# only comments\n\n   \n");
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "ticket key file: no keys");
    cr_assert_eq(
        petls_ticket_keys_load(r, (const uint8_t *)"", 0, err, sizeof(err)),
        -1);
    cr_assert_str_eq(err, "ticket key file: no keys");

    for (i = 0; i < 17; i++) {
        fill_key(k, (uint8_t)i);
        hex48(k, h);
        len += (size_t)snprintf(file + len, sizeof(file) - len, "%s\n", h);
    }
    cr_assert_eq(
        petls_ticket_keys_load(r, (const uint8_t *)file, len, err, sizeof(err)),
        -1);
    cr_assert_str_eq(err, "ticket key file: line 17: more than 16 keys");

    /* Duplicate names, reported with the file prefix. */
    fill_key(k, 1);
    hex48(k, h);
    snprintf(file, sizeof(file), "%s\n%s\n", h, h);
    cr_assert_eq(petls_ticket_keys_load(r, (const uint8_t *)file, strlen(file),
                                        err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "ticket key file: key 2 has the same name as key 1");
    petls_ticket_keys_free(r);
}

Test(ticket_keys, open_rejects_bad_tickets)
{
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(R, G, T0);
    struct petls_ticket_keys *other = petls_ticket_keys_new_at(R, G, T0);
    uint8_t t[PETLS_TICKET_MAX + 8], out[512];
    size_t n, m, i;
    int renew;

    n = seal(r, T0, 60, t, sizeof(t));
    /* Unknown key. */
    cr_assert_eq(open_t(other, T0, t, n, &renew), -1);
    /* Expired: at expiry exactly. */
    cr_assert_eq(open_t(r, T0 + 59, t, n, &renew), 0);
    cr_assert_eq(open_t(r, T0 + 60, t, n, &renew), -1);
    /* Another context. */
    cr_assert_eq(petls_ticket_open(r, T0, (const uint8_t *)"svd", 3, t, n, out,
                                   sizeof(out), &m, &renew),
                 -1);
    cr_assert_eq(
        petls_ticket_open(r, T0, NULL, 0, t, n, out, sizeof(out), &m, &renew),
        -1);
    /* Output too small. */
    cr_assert_eq(petls_ticket_open(r, T0, ctx, 3, t, n, out, sizeof(sess) - 1,
                                   &m, &renew),
                 -1);
    /* Truncated at every length, extended by a byte. */
    for (i = 0; i < n; i++)
        cr_assert_eq(open_t(r, T0, t, i, &renew), -1, "length %zu opened", i);
    t[n] = 0;
    cr_assert_eq(open_t(r, T0, t, n + 1, &renew), -1);
    /* Every byte flipped. */
    for (i = 0; i < n; i++) {
        t[i] ^= 0x01;
        cr_assert_eq(open_t(r, T0, t, n, &renew), -1, "byte %zu flipped", i);
        t[i] ^= 0x01;
    }
    cr_assert_eq(open_t(r, T0, t, n, &renew), 0);
    /* Oversized: refused before any work. */
    memset(t + n, 0, sizeof(t) - n);
    cr_assert_eq(petls_ticket_open(r, T0, ctx, 3, t, PETLS_TICKET_MAX + 1, out,
                                   sizeof(out), &m, &renew),
                 -1);
    /* Sealing refuses what could not be opened. */
    cr_assert_eq(petls_ticket_seal(r, T0, 60, ctx, 3, t,
                                   PETLS_TICKET_MAX - PETLS_TICKET_OVERHEAD + 1,
                                   t, sizeof(t), &m),
                 -1);
    cr_assert_eq(petls_ticket_seal(r, T0, 0, ctx, 3, sess, sizeof(sess), t,
                                   sizeof(t), &m),
                 -1);
    cr_assert_eq(petls_ticket_seal(r, T0, 60, ctx, 3, sess, sizeof(sess), t,
                                   sizeof(sess) + PETLS_TICKET_OVERHEAD - 1,
                                   &m),
                 -1);
    petls_ticket_keys_free(r);
    petls_ticket_keys_free(other);
}

/* Threads sealing and opening while the shared clock crosses epochs (so
 * the ring rotates under them): every ticket opens. */
#define TH_OPS 1500
static atomic_long th_clock;

static void *seal_open_loop(void *p)
{
    struct petls_ticket_keys *r = p;
    uint8_t t[256], out[256];
    size_t n, m;
    int i, renew;

    for (i = 0; i < TH_OPS; i++) {
        int64_t t1 = T0 + atomic_fetch_add(&th_clock, 1), t2;
        if (petls_ticket_seal(r, t1, 100000, ctx, 3, sess, sizeof(sess), t,
                              sizeof(t), &n) != 0)
            return (void *)"seal failed";
        t2 = T0 + atomic_load(&th_clock);
        if (petls_ticket_open(r, t2, ctx, 3, t, n, out, sizeof(out), &m,
                              &renew) != 0 ||
            m != sizeof(sess) || memcmp(out, sess, m) != 0)
            return (void *)"open failed";
        (void)renew; /* racy by nature: another thread may rotate */
    }
    return NULL;
}

Test(ticket_keys, threads_during_rotation)
{
    /* 4 x 1500 clock ticks over 1000 s epochs: 6 or 7 rotations, all
     * within the grace window. */
    struct petls_ticket_keys *r = petls_ticket_keys_new_at(1000, 100000, T0);
    pthread_t th[4];
    void *res;
    int i;

    atomic_store(&th_clock, 0);
    for (i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, seal_open_loop, r), 0);
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], &res);
        cr_assert_null(res, "%s", (const char *)res);
    }
    {
        uint8_t k[48 * 16];
        ssize_t got = get_keys(r, T0 + 4 * TH_OPS, k, sizeof(k));
        cr_assert(got >= 6 * 48 && got <= 8 * 48, "%zd", got);
    }
    petls_ticket_keys_free(r);
}
