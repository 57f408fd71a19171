/*
 * What the ready-made session stores (store_shm.c, store_redis.c) share:
 * each embeds struct petls_store first, and store.c dispatches the public
 * petls_store_* calls through it.
 */
#ifndef PETLS_PORT_STORE_INTERNAL_H
#define PETLS_PORT_STORE_INTERNAL_H

#include <stddef.h>

#include <petls.h>

struct petls_store {
    struct petls_session_store hooks;
    int (*stats)(struct petls_store *store,
                 struct petls_session_cache_stats *stats);
    void (*destroy)(struct petls_store *store);
};

/* Writes "prefix: message" style errors without overflowing err. */
void store_set_error(char *err, size_t errlen, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
