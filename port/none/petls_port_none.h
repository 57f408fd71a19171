/*
 * The bare-metal port (PETLS_PORT=none): no OS, no sockets, no files.
 *
 * The application supplies what only the board knows: a clock and an entropy
 * source (a TRNG). Register both before the first petls_init(): without an
 * entropy callback every handshake fails ("no entropy source registered"),
 * and without a wall clock certificate validity cannot be checked.
 *
 * Connections use petls_connect_cbs()/petls_accept_cbs() with the
 * application's own read/write callbacks; petls_connect(), *_socket(),
 * *_fds() and the *_file()/ca_path setters fail with
 * "not supported on this port". Memory comes from the C library's calloc and
 * free (newlib); mutexes are no-ops (one thread, or one thread using petls).
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

#ifdef __cplusplus
}
#endif

#endif /* PETLS_PORT_NONE_H */
