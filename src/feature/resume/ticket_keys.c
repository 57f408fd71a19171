/*
 * The ticket key ring (see ticket_keys.h for the model).
 *
 * Automatic mode derivations, all HMAC-SHA256:
 *   state(e+1) = HMAC(state(e), "petls ticket ratchet")   one-way ratchet
 *   secret(e)  = HMAC(state(e), "petls ticket secret")
 *   name(e)    = HMAC(secret(e), "petls ticket key name")[0..16)
 * Every key, automatic or given, encrypts with
 *   aead       = HMAC(secret, "petls ticket key v1").
 * The state is anchored to an epoch when the ring is made (from the port's
 * clock), so workers forked afterwards ratchet in step.
 */
#include "ticket_keys.h"

#include <stdio.h>
#include <string.h>

#include "backend/backend.h"
#include "core/bytes.h"
#include "petls_port.h"

#define TK_NAME_LEN 16
#define TK_SECRET_LEN 32
#define TK_KEY_LEN (TK_NAME_LEN + TK_SECRET_LEN)
#define TK_IV_LEN 12
#define TK_TAG_LEN 16
#define TK_HDR_LEN (TK_NAME_LEN + TK_IV_LEN + 8)
#define TK_CONTEXT_MAX 255
#define TK_FOREVER INT64_MAX
/* Ratchet steps taken one by one when catching up (a sleeping process
 * with a short period); beyond this the clock is assumed to have jumped. */
#define TK_MAX_STEPS (1 << 20)

enum tk_mode { TK_AUTO, TK_SET, TK_ADD };

struct tk_key {
    uint8_t name[TK_NAME_LEN];
    uint8_t secret[TK_SECRET_LEN];
    uint8_t aead[32];
    int64_t not_after; /* decrypts while now < not_after */
    uint32_t keyrev;   /* TK_ADD mode */
};

struct petls_ticket_keys {
    petls_port_mutex *lock;
    enum tk_mode mode;
    uint32_t rotate_s; /* 0: one key, never rotated */
    uint32_t grace_s;
    /* Automatic mode. */
    uint8_t state[32]; /* ratchet state of epoch state_epoch */
    int64_t state_epoch;
    int64_t created; /* Unix time the ring was made (anchor), -1 unknown */
    int anchored;    /* state_epoch and keys[0] are valid */
    int used;        /* keys were handed out or used since anchoring */
    int reanchor;    /* rotation changed after use */
    /* keys[0] encrypts; the others only decrypt. */
    struct tk_key keys[PETLS_TICKET_RING_MAX];
    size_t n;
};

static const char k_ratchet[] = "petls ticket ratchet";
static const char k_secret[] = "petls ticket secret";
static const char k_name[] = "petls ticket key name";
static const char k_aead[] = "petls ticket key v1";

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

/* ---- Key ring plumbing (lock held) -------------------------------------- */

static int key_fill(struct tk_key *k, const uint8_t name[TK_NAME_LEN],
                    const uint8_t secret[TK_SECRET_LEN])
{
    memcpy(k->name, name, TK_NAME_LEN);
    memcpy(k->secret, secret, TK_SECRET_LEN);
    return pb_hmac_sha256(k->secret, TK_SECRET_LEN, k_aead, sizeof(k_aead) - 1,
                          k->aead);
}

static void ring_clear(struct petls_ticket_keys *r)
{
    pb_zeroize(r->keys, sizeof(r->keys));
    r->n = 0;
}

static void ring_remove(struct petls_ticket_keys *r, size_t i)
{
    memmove(&r->keys[i], &r->keys[i + 1], (r->n - i - 1) * sizeof(r->keys[0]));
    r->n--;
    pb_zeroize(&r->keys[r->n], sizeof(r->keys[0]));
}

/* Puts k first (the encrypting key); the oldest key goes when full. */
static void ring_push_front(struct petls_ticket_keys *r, const struct tk_key *k)
{
    if (r->n == PETLS_TICKET_RING_MAX)
        ring_remove(r, r->n - 1);
    memmove(&r->keys[1], &r->keys[0], r->n * sizeof(r->keys[0]));
    r->keys[0] = *k;
    r->n++;
}

/* Drops decrypt-only keys past their grace window. */
static void ring_prune(struct petls_ticket_keys *r, int64_t now)
{
    size_t i = 1;

    while (i < r->n) {
        if (r->keys[i].not_after <= now)
            ring_remove(r, i);
        else
            i++;
    }
}

/* ---- Automatic mode (lock held) ----------------------------------------- */

static int64_t epoch_of(const struct petls_ticket_keys *r, int64_t now)
{
    if (r->rotate_s == 0)
        return 0;
    /* floor division, also for times before 1970 */
    if (now >= 0)
        return now / (int64_t)r->rotate_s;
    return -((-now + (int64_t)r->rotate_s - 1) / (int64_t)r->rotate_s);
}

/* The key of the current state, pushed as the encrypting key. */
static int auto_push_current(struct petls_ticket_keys *r)
{
    struct tk_key k;
    uint8_t secret[32], name[32];
    int ret;

    memset(&k, 0, sizeof(k));
    ret = pb_hmac_sha256(r->state, sizeof(r->state), k_secret,
                         sizeof(k_secret) - 1, secret);
    if (ret == 0)
        ret = pb_hmac_sha256(secret, sizeof(secret), k_name, sizeof(k_name) - 1,
                             name);
    if (ret == 0)
        ret = key_fill(&k, name, secret);
    if (ret == 0) {
        k.not_after = TK_FOREVER;
        ring_push_front(r, &k);
    }
    pb_zeroize(&k, sizeof(k));
    pb_zeroize(secret, sizeof(secret));
    pb_zeroize(name, sizeof(name));
    return ret == 0 ? 0 : -1;
}

static int auto_ratchet(struct petls_ticket_keys *r)
{
    uint8_t next[32];

    if (pb_hmac_sha256(r->state, sizeof(r->state), k_ratchet,
                       sizeof(k_ratchet) - 1, next) != 0)
        return -1;
    memcpy(r->state, next, sizeof(next));
    pb_zeroize(next, sizeof(next));
    return 0;
}

static int auto_anchor(struct petls_ticket_keys *r, int64_t t)
{
    ring_clear(r);
    r->state_epoch = epoch_of(r, t);
    r->anchored = 1;
    r->used = 0;
    r->reanchor = 0;
    return auto_push_current(r);
}

/* Brings the ring to the epoch of now: retires the encrypting key with its
 * grace window, ratchets, and drops keys whose window is over. */
static int auto_advance(struct petls_ticket_keys *r, int64_t now)
{
    int64_t e = epoch_of(r, now);

    if (!r->anchored)
        return auto_anchor(r, now);
    if (r->reanchor) {
        /* The rotation period changed after keys were handed out: the
         * current key decrypts for one grace window, a fresh one encrypts
         * from now on, on the new period's epochs. */
        if (r->n > 0)
            r->keys[0].not_after = now + (int64_t)r->grace_s;
        if (auto_ratchet(r) != 0 || auto_push_current(r) != 0)
            return -1;
        r->state_epoch = e;
        r->reanchor = 0;
    }
    if (e - r->state_epoch > TK_MAX_STEPS) {
        /* A clock jump of years: one step instead of millions, at the cost
         * of workers no longer deriving the same keys. */
        if (r->n > 0)
            r->keys[0].not_after = now + (int64_t)r->grace_s;
        if (auto_ratchet(r) != 0 || auto_push_current(r) != 0)
            return -1;
        r->state_epoch = e;
    }
    /* A clock that went back keeps the newest key. */
    while (r->state_epoch < e) {
        int64_t retire = (r->state_epoch + 1) * (int64_t)r->rotate_s;
        if (r->n > 0)
            r->keys[0].not_after = retire + (int64_t)r->grace_s;
        if (auto_ratchet(r) != 0)
            return -1;
        r->state_epoch++;
        /* Epochs skipped entirely (the process slept) only need their
         * ratchet step; their keys would be dropped at once. */
        if (r->state_epoch == e ||
            (r->state_epoch + 1) * (int64_t)r->rotate_s + (int64_t)r->grace_s >
                now) {
            if (auto_push_current(r) != 0)
                return -1;
        }
    }
    ring_prune(r, now);
    return 0;
}

/* Prepares the ring for a use at now (lock held). */
static int ring_ready(struct petls_ticket_keys *r, int64_t now)
{
    if (r->mode == TK_AUTO) {
        if (auto_advance(r, now) != 0)
            return -1;
        r->used = 1;
    }
    return r->n > 0 ? 0 : -1;
}

/* ---- Construction -------------------------------------------------------- */

struct petls_ticket_keys *
petls_ticket_keys_new_at(uint32_t rotate_s, uint32_t grace_s, int64_t now)
{
    struct petls_ticket_keys *r = petls_port_calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->lock = petls_port_mutex_new();
    if (r->lock == NULL || pb_random(r->state, sizeof(r->state)) != 0) {
        petls_ticket_keys_free(r);
        return NULL;
    }
    r->mode = TK_AUTO;
    r->rotate_s = rotate_s;
    r->grace_s = grace_s;
    r->created = now;
    if (now >= 0 && auto_anchor(r, now) != 0) {
        petls_ticket_keys_free(r);
        return NULL;
    }
    return r;
}

struct petls_ticket_keys *petls_ticket_keys_new(uint32_t rotate_s,
                                                uint32_t grace_s)
{
    return petls_ticket_keys_new_at(rotate_s, grace_s, petls_port_unix_time());
}

void petls_ticket_keys_free(struct petls_ticket_keys *r)
{
    if (r == NULL)
        return;
    if (r->lock != NULL)
        petls_port_mutex_free(r->lock);
    pb_zeroize(r, sizeof(*r));
    petls_port_free(r);
}

void petls_ticket_keys_set_rotation(struct petls_ticket_keys *r,
                                    uint32_t rotate_s, uint32_t grace_s)
{
    if (r == NULL)
        return;
    petls_port_mutex_lock(r->lock);
    if (r->rotate_s != rotate_s && r->mode == TK_AUTO && r->anchored) {
        if (r->used) {
            r->reanchor = 1;
        } else {
            /* Nothing was handed out yet (configuration time, before any
             * fork): re-anchor on the new period from the creation time,
             * so forked workers still agree. */
            r->rotate_s = rotate_s;
            r->grace_s = grace_s;
            if (auto_anchor(r, r->created) != 0)
                r->anchored = 0;
        }
    }
    r->rotate_s = rotate_s;
    r->grace_s = grace_s;
    petls_port_mutex_unlock(r->lock);
}

/* ---- Explicit keys ---------------------------------------------------- */

/* Leaves automatic mode for good: its state goes. */
static void leave_auto(struct petls_ticket_keys *r, enum tk_mode mode)
{
    pb_zeroize(r->state, sizeof(r->state));
    r->anchored = 0;
    r->mode = mode;
    ring_clear(r);
}

int petls_ticket_keys_set(struct petls_ticket_keys *r, const uint8_t *keys,
                          size_t len, char *err, size_t errlen)
{
    size_t n, i, j;
    char msg[96];
    int ret = 0;

    if (r == NULL) {
        set_err(err, errlen, "ticket keys: no key ring");
        return -1;
    }
    if (len == 0 || keys == NULL) {
        set_err(err, errlen, "ticket keys: none given");
        return -1;
    }
    if (len % TK_KEY_LEN != 0) {
        snprintf(msg, sizeof(msg),
                 "ticket keys: %zu bytes is not a multiple of 48", len);
        set_err(err, errlen, msg);
        return -1;
    }
    n = len / TK_KEY_LEN;
    if (n > PETLS_TICKET_RING_MAX) {
        snprintf(msg, sizeof(msg), "ticket keys: %zu keys, at most %d", n,
                 PETLS_TICKET_RING_MAX);
        set_err(err, errlen, msg);
        return -1;
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < i; j++) {
            if (memcmp(keys + i * TK_KEY_LEN, keys + j * TK_KEY_LEN,
                       TK_NAME_LEN) == 0) {
                snprintf(msg, sizeof(msg),
                         "ticket keys: key %zu has the same name as key %zu",
                         i + 1, j + 1);
                set_err(err, errlen, msg);
                return -1;
            }
        }
    }
    /* Derived straight into the ring (no copy on the stack: firmware
     * stacks are small). */
    petls_port_mutex_lock(r->lock);
    leave_auto(r, TK_SET);
    for (i = 0; i < n && ret == 0; i++) {
        const uint8_t *k = keys + i * TK_KEY_LEN;
        ret = key_fill(&r->keys[i], k, k + TK_NAME_LEN);
        r->keys[i].not_after = TK_FOREVER;
    }
    r->n = ret == 0 ? n : 0;
    if (ret != 0)
        ring_clear(r);
    petls_port_mutex_unlock(r->lock);
    if (ret != 0) {
        set_err(err, errlen, "ticket keys: key derivation failed");
        return -1;
    }
    return 0;
}

int petls_ticket_keys_add(struct petls_ticket_keys *r, uint32_t keyrev,
                          const uint8_t *key, size_t keylen, char *err,
                          size_t errlen)
{
    struct tk_key k;
    char msg[96];
    size_t i;

    if (r == NULL) {
        set_err(err, errlen, "ticket key: no key ring");
        return -1;
    }
    if (key == NULL || keylen != TK_KEY_LEN) {
        snprintf(msg, sizeof(msg),
                 "ticket key: %zu bytes of key data, expected 48", keylen);
        set_err(err, errlen, msg);
        return -1;
    }
    memset(&k, 0, sizeof(k));
    if (key_fill(&k, key, key + TK_NAME_LEN) != 0) {
        set_err(err, errlen, "ticket key: key derivation failed");
        return -1;
    }
    k.not_after = TK_FOREVER;
    k.keyrev = keyrev;
    petls_port_mutex_lock(r->lock);
    if (r->mode != TK_ADD)
        leave_auto(r, TK_ADD);
    for (i = 0; i < r->n; i++) {
        if (r->keys[i].keyrev == keyrev ||
            memcmp(r->keys[i].name, k.name, TK_NAME_LEN) == 0) {
            petls_port_mutex_unlock(r->lock);
            pb_zeroize(&k, sizeof(k));
            if (r->keys[i].keyrev == keyrev)
                snprintf(msg, sizeof(msg),
                         "ticket key: revision %u already added",
                         (unsigned int)keyrev);
            else
                snprintf(msg, sizeof(msg),
                         "ticket key: same name as revision %u",
                         (unsigned int)r->keys[i].keyrev);
            set_err(err, errlen, msg);
            return -1;
        }
    }
    /* Keep keys in descending keyrev order: the highest encrypts. A full
     * ring drops the lowest revision. */
    if (r->n == PETLS_TICKET_RING_MAX) {
        if (keyrev < r->keys[r->n - 1].keyrev) {
            petls_port_mutex_unlock(r->lock);
            pb_zeroize(&k, sizeof(k));
            snprintf(msg, sizeof(msg),
                     "ticket key: revision %u is older than the %d kept",
                     (unsigned int)keyrev, PETLS_TICKET_RING_MAX);
            set_err(err, errlen, msg);
            return -1;
        }
        ring_remove(r, r->n - 1);
    }
    for (i = 0; i < r->n && r->keys[i].keyrev > keyrev; i++)
        ;
    memmove(&r->keys[i + 1], &r->keys[i], (r->n - i) * sizeof(r->keys[0]));
    r->keys[i] = k;
    r->n++;
    petls_port_mutex_unlock(r->lock);
    pb_zeroize(&k, sizeof(k));
    return 0;
}

ssize_t petls_ticket_keys_get(struct petls_ticket_keys *r, uint8_t *out,
                              size_t cap, int64_t now)
{
    ssize_t total;
    size_t i;

    if (r == NULL || out == NULL)
        return -1;
    petls_port_mutex_lock(r->lock);
    if (ring_ready(r, now) != 0 || cap < r->n * TK_KEY_LEN) {
        petls_port_mutex_unlock(r->lock);
        return -1;
    }
    for (i = 0; i < r->n; i++) {
        memcpy(out + i * TK_KEY_LEN, r->keys[i].name, TK_NAME_LEN);
        memcpy(out + i * TK_KEY_LEN + TK_NAME_LEN, r->keys[i].secret,
               TK_SECRET_LEN);
    }
    total = (ssize_t)(r->n * TK_KEY_LEN);
    petls_port_mutex_unlock(r->lock);
    return total;
}

/* ---- Key files ---------------------------------------------------------- */

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Text when every byte is printable ASCII or white space: 48 random bytes
 * all land there with probability about 1e-20. */
static int looks_like_text(const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (!((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t'))
            return 0;
    }
    return 1;
}

static int parse_text(const uint8_t *p, size_t len, uint8_t *keys,
                      size_t *keys_len, char *err, size_t errlen)
{
    size_t pos = 0, line = 0, n = 0;
    char msg[96];

    while (pos < len) {
        size_t start = pos, end, i;
        line++;
        while (pos < len && p[pos] != '\n')
            pos++;
        end = pos;
        if (pos < len)
            pos++; /* the newline */
        /* Comments run to the end of the line; white space is trimmed. */
        for (i = start; i < end; i++) {
            if (p[i] == '#') {
                end = i;
                break;
            }
        }
        while (start < end && (p[start] == ' ' || p[start] == '\t'))
            start++;
        while (end > start &&
               (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\r'))
            end--;
        if (start == end)
            continue;
        if (end - start != 2 * TK_KEY_LEN) {
            snprintf(msg, sizeof(msg),
                     "ticket key file: line %zu: expected 96 hex digits", line);
            set_err(err, errlen, msg);
            return -1;
        }
        if (n == PETLS_TICKET_RING_MAX) {
            snprintf(msg, sizeof(msg),
                     "ticket key file: line %zu: more than %d keys", line,
                     PETLS_TICKET_RING_MAX);
            set_err(err, errlen, msg);
            return -1;
        }
        for (i = 0; i < TK_KEY_LEN; i++) {
            int hi = hexval(p[start + 2 * i]),
                lo = hexval(p[start + 2 * i + 1]);
            if (hi < 0 || lo < 0) {
                snprintf(msg, sizeof(msg),
                         "ticket key file: line %zu: expected 96 hex digits",
                         line);
                set_err(err, errlen, msg);
                return -1;
            }
            keys[n * TK_KEY_LEN + i] = (uint8_t)(hi << 4 | lo);
        }
        n++;
    }
    if (n == 0) {
        set_err(err, errlen, "ticket key file: no keys");
        return -1;
    }
    *keys_len = n * TK_KEY_LEN;
    return 0;
}

int petls_ticket_keys_load(struct petls_ticket_keys *r, const uint8_t *data,
                           size_t len, char *err, size_t errlen)
{
    uint8_t keys[PETLS_TICKET_RING_MAX * TK_KEY_LEN];
    size_t keys_len = 0;
    char msg[128];
    int ret;

    if (len == 0 || data == NULL) {
        set_err(err, errlen, "ticket key file: no keys");
        return -1;
    }
    if (looks_like_text(data, len)) {
        ret = parse_text(data, len, keys, &keys_len, err, errlen);
    } else if (len % TK_KEY_LEN != 0) {
        snprintf(msg, sizeof(msg),
                 "ticket key file: %zu bytes is neither text nor raw 48-byte "
                 "keys",
                 len);
        set_err(err, errlen, msg);
        ret = -1;
    } else if (len / TK_KEY_LEN > PETLS_TICKET_RING_MAX) {
        snprintf(msg, sizeof(msg), "ticket key file: %zu keys, at most %d",
                 len / TK_KEY_LEN, PETLS_TICKET_RING_MAX);
        set_err(err, errlen, msg);
        ret = -1;
    } else {
        memcpy(keys, data, len);
        keys_len = len;
        ret = 0;
    }
    if (ret == 0) {
        ret = petls_ticket_keys_set(r, keys, keys_len, msg, sizeof(msg));
        if (ret != 0) {
            /* "ticket keys: ..." -> "ticket key file: ..." */
            char full[160];
            snprintf(full, sizeof(full), "ticket key file: %s",
                     strncmp(msg, "ticket keys: ", 13) == 0 ? msg + 13 : msg);
            set_err(err, errlen, full);
        }
    }
    pb_zeroize(keys, sizeof(keys));
    return ret;
}

/* ---- Tickets ------------------------------------------------------------ */

/* aad = name | expires | len(context) | context */
#define TK_AAD_MAX (TK_NAME_LEN + 9 + TK_CONTEXT_MAX)
static size_t ticket_aad(uint8_t *aad, const uint8_t *name,
                         const uint8_t *expires, const uint8_t *context,
                         size_t context_len)
{
    struct bytes_writer w;

    bytes_writer_init(&w, aad, TK_AAD_MAX);
    bytes_write_mem(&w, name, TK_NAME_LEN);
    bytes_write_mem(&w, expires, 8);
    bytes_write_u8(&w, (uint8_t)context_len);
    bytes_write_mem(&w, context, context_len);
    return w.len; /* callers bound context_len: always fits */
}

int petls_ticket_seal(struct petls_ticket_keys *r, int64_t now,
                      uint32_t lifetime_s, const uint8_t *context,
                      size_t context_len, const uint8_t *sess, size_t len,
                      uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t aad[TK_AAD_MAX], aead[32];
    size_t aad_len;
    int ret;

    if (r == NULL || lifetime_s == 0 || context_len > TK_CONTEXT_MAX ||
        len > PETLS_TICKET_MAX - PETLS_TICKET_OVERHEAD || len > cap ||
        cap - len < PETLS_TICKET_OVERHEAD)
        return -1;
    petls_port_mutex_lock(r->lock);
    if (ring_ready(r, now) != 0) {
        petls_port_mutex_unlock(r->lock);
        return -1;
    }
    memcpy(out, r->keys[0].name, TK_NAME_LEN);
    memcpy(aead, r->keys[0].aead, sizeof(aead));
    petls_port_mutex_unlock(r->lock);

    bytes_put_be64(out + TK_NAME_LEN + TK_IV_LEN, (uint64_t)(now + lifetime_s));
    ret = pb_random(out + TK_NAME_LEN, TK_IV_LEN);
    if (ret == 0) {
        aad_len = ticket_aad(aad, out, out + TK_NAME_LEN + TK_IV_LEN, context,
                             context_len);
        ret = pb_aead_seal(aead, out + TK_NAME_LEN, TK_IV_LEN, aad, aad_len,
                           sess, len, out + TK_HDR_LEN);
    }
    pb_zeroize(aead, sizeof(aead));
    if (ret != 0) {
        pb_zeroize(out, cap);
        return -1;
    }
    *out_len = len + PETLS_TICKET_OVERHEAD;
    return 0;
}

/* Constant-time equality of two key names. */
static int name_eq(const uint8_t *a, const uint8_t *b)
{
    uint8_t d = 0;
    size_t i;

    for (i = 0; i < TK_NAME_LEN; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

int petls_ticket_open(struct petls_ticket_keys *r, int64_t now,
                      const uint8_t *context, size_t context_len,
                      const uint8_t *ticket, size_t len, uint8_t *out,
                      size_t cap, size_t *out_len, int *renew)
{
    uint8_t aad[TK_AAD_MAX], aead[32];
    size_t aad_len, pt_len, i, found = 0, which = 0;
    int ret;

    if (renew != NULL)
        *renew = 0;
    if (r == NULL || ticket == NULL || len < PETLS_TICKET_OVERHEAD ||
        len > PETLS_TICKET_MAX || context_len > TK_CONTEXT_MAX)
        return -1;
    pt_len = len - PETLS_TICKET_OVERHEAD;
    if (pt_len > cap)
        return -1;
    if ((int64_t)bytes_get_be64(ticket + TK_NAME_LEN + TK_IV_LEN) <= now)
        return -1;

    petls_port_mutex_lock(r->lock);
    if (ring_ready(r, now) != 0) {
        petls_port_mutex_unlock(r->lock);
        return -1;
    }
    /* Every name is compared, without an early exit, so timing does not
     * tell which keys exist. */
    for (i = 0; i < r->n; i++) {
        size_t hit = (size_t)name_eq(r->keys[i].name, ticket);
        which |= (size_t)(-(ptrdiff_t)(hit & (found ^ 1u))) & i;
        found |= hit;
    }
    if (found)
        memcpy(aead, r->keys[which].aead, sizeof(aead));
    petls_port_mutex_unlock(r->lock);
    if (!found)
        return -1;

    aad_len = ticket_aad(aad, ticket, ticket + TK_NAME_LEN + TK_IV_LEN, context,
                         context_len);
    ret = pb_aead_open(aead, ticket + TK_NAME_LEN, TK_IV_LEN, aad, aad_len,
                       ticket + TK_HDR_LEN, pt_len + TK_TAG_LEN, out);
    pb_zeroize(aead, sizeof(aead));
    if (ret != 0) {
        pb_zeroize(out, pt_len);
        return -1;
    }
    *out_len = pt_len;
    if (renew != NULL)
        *renew = which != 0;
    return 0;
}
