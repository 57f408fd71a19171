/* See alloc_watch.h. */
#include "alloc_watch.h"

#include <stdatomic.h>

void *__real_petls_port_calloc(size_t n, size_t size);
void *__wrap_petls_port_calloc(size_t n, size_t size);

static atomic_int watching;
static atomic_size_t range_lo, range_hi, calls, in_range, last_in_range;
static atomic_size_t fail_size, fail_count;

void alloc_watch_fail(size_t size, size_t count)
{
    atomic_store(&fail_size, size);
    atomic_store(&fail_count, count);
}

void *__wrap_petls_port_calloc(size_t n, size_t size)
{
    if (atomic_load(&fail_count) > 0 && n * size == atomic_load(&fail_size)) {
        atomic_fetch_sub(&fail_count, 1);
        return NULL;
    }
    if (atomic_load(&watching)) {
        size_t want = n * size;

        atomic_fetch_add(&calls, 1);
        if (want >= atomic_load(&range_lo) && want <= atomic_load(&range_hi)) {
            atomic_fetch_add(&in_range, 1);
            atomic_store(&last_in_range, want);
        }
    }
    return __real_petls_port_calloc(n, size);
}

void alloc_watch_start(size_t lo, size_t hi)
{
    atomic_store(&range_lo, lo);
    atomic_store(&range_hi, hi);
    atomic_store(&calls, 0);
    atomic_store(&in_range, 0);
    atomic_store(&last_in_range, 0);
    atomic_store(&watching, 1);
}

void alloc_watch_stop(void)
{
    atomic_store(&watching, 0);
}

size_t alloc_watch_calls(void)
{
    return atomic_load(&calls);
}

size_t alloc_watch_in_range(void)
{
    return atomic_load(&in_range);
}

size_t alloc_watch_last_in_range(void)
{
    return atomic_load(&last_in_range);
}
