/*
 * petls server --session-store redis://HOST:PORT: the Redis store run
 * asynchronously in the server's poll() loop (hiredis's async API), so that
 * a slow, hung or dead Redis costs misses, never latency for the other
 * clients. A lookup answers PETLS_STORE_PENDING and the handshake waits
 * (PETLS_WANT_STORE) until the reply, or until REDIS_TIMEOUT_MS have
 * passed: then it goes on as a miss, the connection to Redis is dropped and
 * lookups miss at once for REDIS_RETRY_MS before it is tried again. Stores
 * and deletes are sent without waiting. Keys and values are those of
 * petls_store_redis_new() (prefix + hex(id), sealed blobs, SET ... EXAT),
 * so both can share one Redis.
 *
 * The connection is made on first use, by the process that uses it: with
 * --workers, each worker has its own.
 */
#ifndef PETLS_CLI_SERVER_REDIS_H
#define PETLS_CLI_SERVER_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include <petls.h>

struct redis_async;

/* NULL with err when hiredis is missing or the arguments are bad. */
struct redis_async *redis_async_new(const char *host, int port,
                                    const char *prefix, char *err,
                                    size_t errlen);
void redis_async_free(struct redis_async *r);
/* The hooks for petls_config_set_session_store(). */
const struct petls_session_store *redis_async_hooks(struct redis_async *r);
/* wake(arg, conn): the pending lookup of conn was answered (found, miss or
 * timed out); its next petls_handshake() goes on. */
void redis_async_set_wake(struct redis_async *r,
                          void (*wake)(void *arg, struct petls *conn),
                          void *arg);
/* The descriptor to poll and its events, or -1. */
int redis_async_pollfd(struct redis_async *r, short *events);
/* poll() reported revents on that descriptor. */
void redis_async_io(struct redis_async *r, short revents);
/* The earliest request or connect deadline (net_now_ms clock), 0: none. */
int64_t redis_async_deadline(const struct redis_async *r);
/* Ends requests past their deadline (answering lookups as misses). */
void redis_async_tick(struct redis_async *r, int64_t now);
/* conn goes away: a pending lookup for it is answered to nobody. */
void redis_async_cancel(struct redis_async *r, const struct petls *conn);

#endif
