#define _POSIX_C_SOURCE 200809L

#include "server_resume.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <petls.h>

enum {
    ROPT_SESSION_CACHE = RESUME_OPT_BASE,
    ROPT_SESSION_TIMEOUT,
    ROPT_NO_TICKETS,
    ROPT_TICKETS,
    ROPT_TICKET_KEYS,
    ROPT_TICKET_ROTATE,
    ROPT_SESSION_STORE,
    ROPT_STORE_KEY,
};

const struct cli_option resume_options[] = {
    {"session-cache", "N", ROPT_SESSION_CACHE, CLI_ROLE_SERVER,
     "session cache entries (default 20480; 0 = off)"},
    {"session-timeout", "S", ROPT_SESSION_TIMEOUT, CLI_ROLE_SERVER,
     "session and ticket lifetime in seconds (default 300)"},
    {"no-tickets", NULL, ROPT_NO_TICKETS, CLI_ROLE_SERVER,
     "stateful mode: session IDs, TLS 1.3 tickets as ids into the cache"},
    {"tickets", "N", ROPT_TICKETS, CLI_ROLE_SERVER,
     "TLS 1.3 tickets sent per handshake (default 2, at most 8)"},
    {"ticket-keys", "FILE", ROPT_TICKET_KEYS, CLI_ROLE_SERVER,
     "ticket keys, first encrypts (96 hex digits a line); SIGHUP reloads"},
    {"ticket-rotate", "S", ROPT_TICKET_ROTATE, CLI_ROLE_SERVER,
     "automatic ticket keys: new key every S seconds (default: timeout)"},
    {"session-store", "STORE", ROPT_SESSION_STORE, CLI_ROLE_SERVER,
     "external store: shm (shared by --workers) or redis://HOST:PORT"},
    {"store-key", "FILE", ROPT_STORE_KEY, CLI_ROLE_SERVER,
     "key sealing store blobs (64 hex digits): same on every server"},
    {NULL, NULL, 0, 0, NULL},
};

void resume_opts_init(struct resume_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->session_cache = -1;
    o->session_timeout = -1;
    o->tickets = -1;
    o->ticket_rotate = -1;
}

int resume_opts_apply(struct resume_opts *o, const struct cli_option *opt,
                      const char *value, char *err, size_t errlen)
{
    switch (opt->id) {
    case ROPT_SESSION_CACHE:
        if (cli_parse_count(value, 0, 1L << 24, &o->session_cache) != 0)
            goto bad_count;
        return 1;
    case ROPT_SESSION_TIMEOUT:
        if (cli_parse_count(value, 0, 7L * 24 * 3600, &o->session_timeout) !=
            0) {
            snprintf(err, errlen,
                     "--session-timeout: '%s' is not in 0..604800 seconds",
                     value);
            return -1;
        }
        return 1;
    case ROPT_NO_TICKETS:
        o->no_tickets = 1;
        return 1;
    case ROPT_TICKETS:
        if (cli_parse_count(value, 0, 8, &o->tickets) != 0) {
            snprintf(err, errlen, "--tickets: '%s' is not in 0..8", value);
            return -1;
        }
        return 1;
    case ROPT_TICKET_KEYS:
        o->ticket_keys_file = value;
        return 1;
    case ROPT_TICKET_ROTATE:
        if (cli_parse_count(value, 1, 7L * 24 * 3600, &o->ticket_rotate) != 0) {
            snprintf(err, errlen,
                     "--ticket-rotate: '%s' is not in 1..604800 seconds",
                     value);
            return -1;
        }
        return 1;
    case ROPT_SESSION_STORE:
        if (strcmp(value, "shm") != 0 && strncmp(value, "redis://", 8) != 0) {
            snprintf(err, errlen,
                     "--session-store: '%s' is not shm or redis://HOST:PORT",
                     value);
            return -1;
        }
        o->store = value;
        return 1;
    case ROPT_STORE_KEY:
        o->store_key_file = value;
        return 1;
    default:
        return 0;
    }
bad_count:
    snprintf(err, errlen, "--%s: '%s' is not a count", opt->name, value);
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int resume_read_hex_key(const char *path, uint8_t key[32], char *err,
                        size_t errlen)
{
    char text[256];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "--store-key: %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    size_t digits = 0;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        int v = hexval((unsigned char)text[i]);
        if (v < 0) {
            ok = isspace((unsigned char)text[i]) != 0;
        } else if (digits < 64) {
            key[digits / 2] =
                (uint8_t)(digits % 2 == 0 ? v << 4 : (key[digits / 2] | v));
            digits++;
        } else {
            digits++;
        }
    }
    memset(text, 0, sizeof(text));
    if (!ok || digits != 64) {
        memset(key, 0, 32);
        snprintf(err, errlen,
                 "--store-key: %s: expected 64 hex digits (32 bytes)", path);
        return -1;
    }
    return 0;
}

/* "redis://HOST:PORT" -> host, port. */
static int parse_redis_url(const char *url, char *host, size_t hostlen,
                           int *port, char *err, size_t errlen)
{
    const char *hp = url + 8;
    const char *colon = strrchr(hp, ':');
    long p = 0;
    if (colon == NULL || colon == hp || (size_t)(colon - hp) >= hostlen ||
        cli_parse_count(colon + 1, 1, 65535, &p) != 0) {
        snprintf(err, errlen, "--session-store: '%s' is not redis://HOST:PORT",
                 url);
        return -1;
    }
    memcpy(host, hp, (size_t)(colon - hp));
    host[colon - hp] = '\0';
    /* [::1]:6379 */
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    *port = (int)p;
    return 0;
}

static int config_fail(struct petls_config *cfg, const char *what, char *err,
                       size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, petls_config_error(cfg));
    return -1;
}

/* The options that live in the config itself (not the store). */
static int resume_apply(const struct resume_opts *o, struct petls_config *cfg,
                        char *err, size_t errlen)
{
    if (o->session_timeout >= 0 &&
        petls_config_set_session_lifetime(cfg, (int)o->session_timeout) != 0)
        return config_fail(cfg, "--session-timeout", err, errlen);
    if (o->session_cache >= 0 &&
        petls_config_set_session_cache(cfg, (size_t)o->session_cache,
                                       PETLS_SESSION_CACHE_DEFAULT_BYTES) != 0)
        return config_fail(cfg, "--session-cache", err, errlen);
    if (o->no_tickets && petls_config_set_session_tickets(cfg, 0) != 0)
        return config_fail(cfg, "--no-tickets", err, errlen);
    if (o->tickets >= 0 &&
        petls_config_set_tls13_tickets(cfg, (unsigned)o->tickets) != 0)
        return config_fail(cfg, "--tickets", err, errlen);
    if (o->ticket_rotate > 0) {
        /* Old keys decrypt for one more period, or the session lifetime if
         * that is longer: a ticket issued just before a rotation stays
         * good for its whole lifetime. */
        long grace = o->ticket_rotate;
        if (o->session_timeout > grace)
            grace = o->session_timeout;
        if (petls_config_set_ticket_rotation(cfg, (uint32_t)o->ticket_rotate,
                                             (uint32_t)grace) != 0)
            return config_fail(cfg, "--ticket-rotate", err, errlen);
    }
    if (o->ticket_keys_file != NULL &&
        petls_config_set_ticket_keys_file(cfg, o->ticket_keys_file) != 0)
        return config_fail(cfg, "--ticket-keys", err, errlen);
    if (o->store_key_file != NULL) {
        uint8_t key[PETLS_STORE_KEY_SIZE];
        if (resume_read_hex_key(o->store_key_file, key, err, errlen) != 0)
            return -1;
        int rc = petls_config_set_session_store_key(cfg, key, sizeof(key));
        memset(key, 0, sizeof(key));
        if (rc != 0)
            return config_fail(cfg, "--store-key", err, errlen);
    }
    return 0;
}

/* The store's hooks on cfg (one store shared by every config made). */
static int resume_attach(const struct resume_state *st,
                         struct petls_config *cfg, char *err, size_t errlen)
{
    const struct petls_session_store *hooks = NULL;
    if (st->redis != NULL)
        hooks = redis_async_hooks(st->redis);
    else if (st->store != NULL)
        hooks = petls_store_hooks(st->store);
    if (hooks != NULL && petls_config_set_session_store(cfg, hooks) != 0)
        return config_fail(cfg, "--session-store", err, errlen);
    return 0;
}

int resume_setup(const struct resume_opts *o, struct petls_config *cfg,
                 struct resume_state *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof(*st));
    if (resume_apply(o, cfg, err, errlen) != 0)
        return -1;
    if (o->store == NULL)
        return 0;

    char serr[256] = "";
    if (strcmp(o->store, "shm") == 0) {
        size_t entries = o->session_cache > 0
                             ? (size_t)o->session_cache
                             : (size_t)PETLS_SESSION_CACHE_DEFAULT_ENTRIES;
        /* Slots are fixed-size (room for the largest blob each): the
         * mapping is also bounded, to 64 MiB; untouched slots cost no
         * memory. */
        st->store = petls_store_shm_new(
            entries, (size_t)PETLS_SESSION_CACHE_DEFAULT_BYTES * 8, serr,
            sizeof(serr));
    } else {
        char host[256];
        int port = 0;
        if (parse_redis_url(o->store, host, sizeof(host), &port, err, errlen) !=
            0)
            return -1;
#if defined(PETLS_CLI_REDIS)
        /* Asynchronous, in the server's loop: a hung Redis costs misses,
         * not a stalled loop. */
        st->redis = redis_async_new(host, port, "petls:", serr, sizeof(serr));
        if (st->redis == NULL) {
            snprintf(err, errlen, "--session-store: %s", serr);
            return -1;
        }
        if (resume_attach(st, cfg, err, errlen) != 0) {
            resume_teardown(st);
            return -1;
        }
        return 0;
#else
        st->store =
            petls_store_redis_new(host, port, "petls:", serr, sizeof(serr));
#endif
    }
    if (st->store == NULL) {
        snprintf(err, errlen, "--session-store: %s", serr);
        return -1;
    }
    if (resume_attach(st, cfg, err, errlen) != 0) {
        resume_teardown(st);
        return -1;
    }
    return 0;
}

int resume_reapply(const struct resume_opts *o, struct petls_config *cfg,
                   const struct resume_state *st, char *err, size_t errlen)
{
    if (resume_apply(o, cfg, err, errlen) != 0)
        return -1;
    return resume_attach(st, cfg, err, errlen);
}

void resume_teardown(struct resume_state *st)
{
    redis_async_free(st->redis);
    st->redis = NULL;
    if (st->store != NULL)
        petls_store_free(st->store);
    st->store = NULL;
}
