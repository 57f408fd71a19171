/*
 * The server's session-resumption options (--session-cache, --no-tickets,
 * --ticket-keys, --session-store, ...): parsing, applying them to the
 * petls_config, and the session store they ask for. Kept apart from
 * server.c so that the connection loop does not know about resumption.
 */
#ifndef PETLS_CLI_SERVER_RESUME_H
#define PETLS_CLI_SERVER_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "cli_opts.h"
#include "server_redis.h"

/* Ids of these options sit above the server's own (CLI_OPT_LOCAL + 50). */
#define RESUME_OPT_BASE (CLI_OPT_LOCAL + 50)

extern const struct cli_option resume_options[];

struct resume_opts {
    long session_cache;   /* -1: library default, 0: off */
    long session_timeout; /* -1: library default */
    int no_tickets;
    long tickets; /* TLS 1.3 tickets per handshake, -1: default */
    const char *ticket_keys_file;
    long ticket_rotate; /* seconds, -1: default */
    const char *store;  /* "shm" or "redis://HOST:PORT" */
    const char *store_key_file;
};

void resume_opts_init(struct resume_opts *o);
/* Returns 1 when opt was one of resume_options (applied, or -1 on a usage
 * error with the message in err), 0 when it is not ours. */
int resume_opts_apply(struct resume_opts *o, const struct cli_option *opt,
                      const char *value, char *err, size_t errlen);

/* Made once, before any worker is forked: the store (the shm mapping must
 * exist before fork to be shared). */
struct resume_state {
    struct petls_store *store;
    /* --session-store redis://: the asynchronous store the server's loop
     * drives (server_redis.h) instead of store; NULL otherwise. */
    struct redis_async *redis;
};

/* Applies o to cfg and creates the store. Returns 0, or -1 with err. */
int resume_setup(const struct resume_opts *o, struct petls_config *cfg,
                 struct resume_state *st, char *err, size_t errlen);
/* Applies o to a new cfg (SIGHUP's rebuilt config) with the store st
 * made by resume_setup(): sessions in the shm or Redis store survive the
 * reload. Returns 0, or -1 with err. */
int resume_reapply(const struct resume_opts *o, struct petls_config *cfg,
                   const struct resume_state *st, char *err, size_t errlen);
void resume_teardown(struct resume_state *st);

/* Reads 64 hex digits (surrounding whitespace allowed) from path into
 * key[32]. Returns 0 or -1 with err. Exposed for the tests' key files. */
int resume_read_hex_key(const char *path, uint8_t key[32], char *err,
                        size_t errlen);

#endif
