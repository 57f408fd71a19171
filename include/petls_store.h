/*
 * petls_store.h: the ready-made session stores of the library petls_store
 * (libpetls-store; pkg-config petls-store; CMake petls::petls_store).
 *
 * They are add-ons written on the public API of petls.h: any other store
 * can be written the same way, on struct petls_session_store and
 * petls_config_set_session_store(). libpetls itself does not contain them
 * (and links no hiredis). petls.h includes this header; a program may also
 * include it alone.
 */
#ifndef PETLS_STORE_H
#define PETLS_STORE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct petls_session_store;       /* petls.h */
struct petls_session_cache_stats; /* petls.h */

/* Ready-made stores for POSIX builds (stores/posix/). A shared-memory store
 * made before fork() is shared by the parent and all its children (as
 * nginx's shared session cache): session IDs and stateful tickets from any
 * worker resume on any other. The Redis store (built when hiredis is found;
 * otherwise petls_store_redis_new() fails saying so) shares sessions
 * between machines; keys are prefix + hex(id), with Redis expiry. */
struct petls_store;
struct petls_store *petls_store_shm_new(size_t max_entries, size_t max_bytes,
                                        char *err, size_t errlen);
struct petls_store *petls_store_redis_new(const char *host, int port,
                                          const char *prefix, char *err,
                                          size_t errlen);
/* The hooks to pass to petls_config_set_session_store(). */
const struct petls_session_store *petls_store_hooks(struct petls_store *store);
/* Counters of a ready-made store (hits, misses, stored...; entries and
 * bytes where the store knows them). */
int petls_store_stats(struct petls_store *store,
                      struct petls_session_cache_stats *stats);
void petls_store_free(struct petls_store *store);

#ifdef __cplusplus
}
#endif

#endif /* PETLS_STORE_H */
