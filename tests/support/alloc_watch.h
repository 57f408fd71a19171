/* Watching the engine's allocations: the unit runner is linked with
 * --wrap=petls_port_calloc (tests/CMakeLists.txt), so every call the engine
 * and backend make to petls_port_calloc passes through alloc_watch.c, which
 * while watching counts the requests and those whose size lies in a range. */
#ifndef PETLS_TEST_ALLOC_WATCH_H
#define PETLS_TEST_ALLOC_WATCH_H

#include <stddef.h>

/* Starts counting requests; those of lo..hi bytes are counted apart. */
void alloc_watch_start(size_t lo, size_t hi);
void alloc_watch_stop(void);
/* Since the last start: how many requests, how many of lo..hi bytes, and
 * the size of the last of those. */
size_t alloc_watch_calls(void);
size_t alloc_watch_in_range(void);
size_t alloc_watch_last_in_range(void);
/* The next count requests of exactly size bytes fail (NULL); count 0
 * stops. Tests run in parallel processes, never threads, so no other
 * test's requests are affected. */
void alloc_watch_fail(size_t size, size_t count);

#endif
