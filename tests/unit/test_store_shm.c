/* The shared-memory session store: what one process stores, processes
 * forked from it find (and the other way round), with LRU, bounds, expiry,
 * replacement, size limits and counters. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <petls.h>

static void id_of(int i, uint8_t id[32])
{
    memset(id, 0, 32);
    snprintf((char *)id, 32, "id-%d", i);
}

static int put_i(const struct petls_session_store *h, int i, size_t len)
{
    uint8_t id[32], blob[PETLS_STORE_BLOB_MAX];
    id_of(i, id);
    memset(blob, (uint8_t)i, len);
    return h->put(h->arg, id, 32, blob, len, time(NULL) + 300);
}

/* PETLS_STORE_FOUND with the blob checked, or what get returned. */
static int get_i(const struct petls_session_store *h, int i, size_t want_len)
{
    uint8_t id[32], blob[PETLS_STORE_BLOB_MAX];
    size_t len = 0;
    id_of(i, id);
    int rc = h->get(h->arg, NULL, id, 32, blob, &len);
    if (rc == PETLS_STORE_FOUND) {
        cr_assert_eq(len, want_len, "blob %d: %zu bytes, want %zu", i, len,
                     want_len);
        for (size_t k = 0; k < len; k++)
            cr_assert_eq(blob[k], (uint8_t)i, "blob %d differs at %zu", i, k);
    }
    return rc;
}

static struct petls_session_cache_stats stats_of(struct petls_store *s)
{
    struct petls_session_cache_stats st;
    memset(&st, 0xee, sizeof(st));
    cr_assert_eq(petls_store_stats(s, &st), 0);
    return st;
}

Test(store_shm, put_get_remove_and_counters)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(16, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    cr_assert_not_null(h);
    cr_assert_not_null(h->put);
    cr_assert_not_null(h->get);
    cr_assert_not_null(h->remove);

    cr_assert_eq(get_i(h, 1, 0), PETLS_STORE_MISS);
    cr_assert_eq(put_i(h, 1, 100), 0);
    cr_assert_eq(get_i(h, 1, 100), PETLS_STORE_FOUND);
    cr_assert_eq(put_i(h, 2, PETLS_STORE_BLOB_MAX), 0);
    cr_assert_eq(get_i(h, 2, PETLS_STORE_BLOB_MAX), PETLS_STORE_FOUND);

    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.hits, 2);
    cr_assert_eq(st.misses, 1);
    cr_assert_eq(st.stored, 2);
    cr_assert_eq(st.entries, 2);
    cr_assert_eq(st.bytes, 32 + 100 + 32 + PETLS_STORE_BLOB_MAX);
    cr_assert_eq(st.evicted, 0);
    cr_assert_eq(st.expired, 0);

    uint8_t id[32];
    id_of(1, id);
    h->remove(h->arg, id, 32);
    cr_assert_eq(get_i(h, 1, 0), PETLS_STORE_MISS);
    cr_assert_eq(get_i(h, 2, PETLS_STORE_BLOB_MAX), PETLS_STORE_FOUND);
    st = stats_of(s);
    cr_assert_eq(st.entries, 1);
    cr_assert_eq(st.bytes, 32 + PETLS_STORE_BLOB_MAX);
    petls_store_free(s);
}

Test(store_shm, put_replaces_and_rejects_what_does_not_fit)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(4, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    uint8_t id[65], blob[PETLS_STORE_BLOB_MAX + 1];
    memset(id, 7, sizeof(id));
    memset(blob, 7, sizeof(blob));

    cr_assert_eq(put_i(h, 3, 10), 0);
    cr_assert_eq(put_i(h, 3, 20), 0);
    cr_assert_eq(get_i(h, 3, 20), PETLS_STORE_FOUND);
    cr_assert_eq(stats_of(s).entries, 1);

    time_t later = time(NULL) + 60;
    cr_assert_eq(h->put(h->arg, id, 32, blob, sizeof(blob), later), -1,
                 "a blob over PETLS_STORE_BLOB_MAX must be refused");
    cr_assert_eq(h->put(h->arg, id, 65, blob, 10, later), -1,
                 "an id over 64 bytes must be refused");
    cr_assert_eq(h->put(h->arg, id, 32, blob, 0, later), -1);
    cr_assert_eq(h->put(h->arg, id, 32, blob, 10, time(NULL) - 1), -1,
                 "an already expired session must not be stored");
    uint8_t out[PETLS_STORE_BLOB_MAX];
    size_t n = 0;
    cr_assert_eq(h->get(h->arg, NULL, id, 65, out, &n), PETLS_STORE_MISS);
    cr_assert_eq(stats_of(s).entries, 1);
    petls_store_free(s);
}

Test(store_shm, least_recently_used_is_evicted)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(3, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    for (int i = 1; i <= 3; i++)
        cr_assert_eq(put_i(h, i, 50), 0);
    cr_assert_eq(get_i(h, 1, 50), PETLS_STORE_FOUND); /* 2 is now oldest */
    cr_assert_eq(put_i(h, 4, 50), 0);
    cr_assert_eq(get_i(h, 2, 50), PETLS_STORE_MISS);
    cr_assert_eq(get_i(h, 1, 50), PETLS_STORE_FOUND);
    cr_assert_eq(get_i(h, 3, 50), PETLS_STORE_FOUND);
    cr_assert_eq(get_i(h, 4, 50), PETLS_STORE_FOUND);
    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.evicted, 1);
    cr_assert_eq(st.entries, 3);
    /* Many more than fit: the table stays consistent and bounded. */
    for (int i = 10; i < 200; i++)
        cr_assert_eq(put_i(h, i, 1 + i % 300), 0);
    for (int i = 197; i < 200; i++)
        cr_assert_eq(get_i(h, i, 1 + (size_t)(i % 300)), PETLS_STORE_FOUND);
    cr_assert_eq(get_i(h, 196, 0), PETLS_STORE_MISS);
    st = stats_of(s);
    cr_assert_eq(st.entries, 3);
    cr_assert_eq(st.evicted, 1 + 190);
    petls_store_free(s);
}

Test(store_shm, byte_bound_limits_slots)
{
    char err[256] = "";
    /* Room for two slots of PETLS_STORE_BLOB_MAX plus a small header. */
    size_t bytes = 2 * (PETLS_STORE_BLOB_MAX + 100);
    struct petls_store *s = petls_store_shm_new(1000, bytes, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    for (int i = 1; i <= 3; i++)
        cr_assert_eq(put_i(h, i, 10), 0);
    cr_assert_eq(get_i(h, 1, 10), PETLS_STORE_MISS);
    cr_assert_eq(stats_of(s).entries, 2);
    petls_store_free(s);

    s = petls_store_shm_new(1000, 100, err, sizeof(err));
    cr_assert_null(s);
    cr_assert(strstr(err, "shared-memory session store: room for no session") ==
                  err,
              "got: %s", err);
    s = petls_store_shm_new(0, 0, err, sizeof(err));
    cr_assert_null(s);
}

Test(store_shm, expired_entries_are_misses)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(8, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    uint8_t id[32], blob[16], out[PETLS_STORE_BLOB_MAX];
    size_t n = 0;
    id_of(9, id);
    memset(blob, 9, sizeof(blob));
    time_t expires = time(NULL) + 1;
    cr_assert_eq(h->put(h->arg, id, 32, blob, sizeof(blob), expires), 0);
    cr_assert_eq(h->get(h->arg, NULL, id, 32, out, &n), PETLS_STORE_FOUND);
    while (time(NULL) <= expires) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(h->get(h->arg, NULL, id, 32, out, &n), PETLS_STORE_MISS);
    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.expired, 1);
    cr_assert_eq(st.entries, 0);
    petls_store_free(s);
}

/* Runs fn in a child and returns its exit status. */
static int in_child(int (*fn)(const struct petls_session_store *),
                    const struct petls_session_store *h)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        _exit(fn(h));
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "child died (status %d)", status);
    return WEXITSTATUS(status);
}

static int child_puts_41(const struct petls_session_store *h)
{
    return put_i(h, 41, 333) == 0 ? 0 : 10;
}

static int child_gets_42(const struct petls_session_store *h)
{
    uint8_t id[32], blob[PETLS_STORE_BLOB_MAX];
    size_t len = 0;
    id_of(42, id);
    if (h->get(h->arg, NULL, id, 32, blob, &len) != PETLS_STORE_FOUND)
        return 20;
    return len == 444 && blob[0] == 42 && blob[443] == 42 ? 0 : 21;
}

Test(store_shm, shared_between_parent_and_children)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(64, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);

    cr_assert_eq(in_child(child_puts_41, h), 0);
    cr_assert_eq(get_i(h, 41, 333), PETLS_STORE_FOUND,
                 "the parent must see what a child stored");
    cr_assert_eq(put_i(h, 42, 444), 0);
    cr_assert_eq(in_child(child_gets_42, h), 0,
                 "a child must see what the parent stored");
    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.stored, 2);
    cr_assert_eq(st.hits, 2, "counters are shared too");
    petls_store_free(s);
}

#define HAMMER_ROUNDS 2000

/* Puts and reads back in a loop, with ids of its own (base): a blob that
 * comes back must be the one put; a miss can only come from another
 * process's puts evicting it in between (the table is small on purpose). */
static int hammer(const struct petls_session_store *h, int base)
{
    for (int r = 0; r < HAMMER_ROUNDS; r++) {
        int i = base + r;
        size_t want = (size_t)(1 + i % 200);
        uint8_t id[32], blob[PETLS_STORE_BLOB_MAX];
        size_t len = 0;
        if (put_i(h, i, want) != 0)
            return 30;
        id_of(i, id);
        int rc = h->get(h->arg, NULL, id, 32, blob, &len);
        if (rc == PETLS_STORE_MISS)
            continue;
        if (rc != PETLS_STORE_FOUND || len != want)
            return 31;
        for (size_t k = 0; k < len; k++)
            if (blob[k] != (uint8_t)i)
                return 32;
    }
    return 0;
}

Test(store_shm, concurrent_processes_keep_it_consistent)
{
    char err[256] = "";
    struct petls_store *s = petls_store_shm_new(8, 0, err, sizeof(err));
    cr_assert_not_null(s, "%s", err);
    const struct petls_session_store *h = petls_store_hooks(s);
    pid_t pids[3];
    fflush(NULL);
    for (int c = 0; c < 3; c++) {
        pids[c] = fork();
        cr_assert_neq(pids[c], -1);
        if (pids[c] == 0)
            _exit(hammer(h, (c + 1) * 100000));
    }
    for (int c = 0; c < 3; c++) {
        int status = 0;
        cr_assert_eq(waitpid(pids[c], &status, 0), pids[c]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "worker %d failed (status %d)", c, status);
    }
    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.stored, 3 * HAMMER_ROUNDS);
    cr_assert_eq(st.entries, 8);
    cr_assert_eq(st.evicted, 3 * HAMMER_ROUNDS - 8);
    cr_assert_eq(st.hits + st.misses, 3 * HAMMER_ROUNDS);
    cr_assert_gt(st.hits, 0);
    petls_store_free(s);
}

Test(store_redis, unreachable_redis_is_a_quick_miss)
{
    char err[256] = "";
    /* Port 1 on loopback: nothing listens there. */
    struct petls_store *s =
        petls_store_redis_new("127.0.0.1", 1, "t:", err, sizeof(err));
    if (s == NULL) {
        cr_assert_str_eq(
            err, "Redis session store: petls was built without hiredis");
        return;
    }
    const struct petls_session_store *h = petls_store_hooks(s);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(put_i(h, 1, 10), -1);
    for (int i = 0; i < 20; i++)
        cr_assert_eq(get_i(h, 1, 10), PETLS_STORE_MISS);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s_taken = (double)(t1.tv_sec - t0.tv_sec) +
                     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_lt(s_taken, 1.0, "a down Redis took %.2f s for 21 calls",
                 s_taken);
    struct petls_session_cache_stats st = stats_of(s);
    cr_assert_eq(st.misses, 20);
    cr_assert_eq(st.hits, 0);
    petls_store_free(s);

    cr_assert_null(
        petls_store_redis_new("127.0.0.1", 70000, NULL, err, sizeof(err)));
    cr_assert_str_eq(err, "Redis session store: port 70000 is not in 1..65535");
}
