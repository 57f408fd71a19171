/*
 * The bare-metal port (PETLS_PORT=none): no OS, no sockets, no files.
 *
 * The application supplies what only the board knows: a clock and an entropy
 * source (a TRNG). Register both before the first petls_init(): without an
 * entropy callback petls_init() fails (its generators cannot be seeded),
 * and without a wall clock certificate validity cannot be checked.
 *
 * Connections use petls_connect_cbs()/petls_accept_cbs() with the
 * application's own read/write callbacks; petls_connect(), *_socket(),
 * *_fds() and the *_file()/ca_path setters fail with
 * "not supported on this port". Mutexes are no-ops (one thread, or one
 * thread using petls).
 *
 * Memory comes from the C library's calloc and free (newlib) until the
 * application hands the port a heap with petls_port_none_set_heap(): from
 * then on every allocation of petls, and of mbedTLS when its config routes
 * mbedtls_calloc to petls_port_calloc (port/mbedtls/ configs do), comes from
 * that buffer, and the peak use can be read back. Built with
 * -DPETLS_NO_MALLOC=ON the port never calls the C library's allocator.
 */
#ifndef PETLS_PORT_NONE_H
#define PETLS_PORT_NONE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A monotonic millisecond counter (e.g. SysTick). Must never go backwards. */
typedef uint64_t (*petls_port_none_monotonic_ms_fn)(void *arg);
/* Seconds since the Unix epoch (e.g. from an RTC set over SNTP), or -1 while
 * the time is not known yet. */
typedef int64_t (*petls_port_none_unix_time_fn)(void *arg);
/* Fills buf with len bytes from a strong entropy source (a hardware TRNG,
 * not a PRNG seeded at boot). Returns 0, or -1 when it cannot. */
typedef int (*petls_port_none_entropy_fn)(void *arg, void *buf, size_t len);

/* Either function may be NULL: the monotonic clock then stays at 0 (timeouts
 * never expire) and the wall clock is unknown (-1). */
void petls_port_none_set_clock(petls_port_none_monotonic_ms_fn monotonic_ms,
                               petls_port_none_unix_time_fn unix_time,
                               void *arg);
void petls_port_none_set_entropy(petls_port_none_entropy_fn entropy, void *arg);

/* The no-malloc mode: every later allocation comes from [buf, buf+len)
 * (e.g. a static array, or a dedicated RAM bank). Call it before
 * petls_init() and never free buf while petls may use it. Returns 0, or -1
 * when len is too small for even one block. */
int petls_port_none_set_heap(void *buf, size_t len);

struct petls_port_none_heap_stats {
    size_t size;     /* usable bytes */
    size_t in_use;   /* bytes taken now (8-byte headers included) */
    size_t peak;     /* highest in_use since set_heap or the last reset */
    size_t blocks;   /* live allocations */
    size_t allocs;   /* allocations served */
    size_t failures; /* allocations refused for lack of room */
};
/* Fills out; -1 when no heap was set. */
int petls_port_none_heap_stats(struct petls_port_none_heap_stats *out);
/* Starts a new peak measurement from the current use (e.g. per connection). */
void petls_port_none_heap_reset_peak(void);

#ifdef __cplusplus
}
#endif

#endif /* PETLS_PORT_NONE_H */
