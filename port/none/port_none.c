/*
 * The bare-metal port: clock and entropy come from callbacks the application
 * registers (petls_port_none.h); there are no threads, descriptors or files.
 */
#include "petls_port.h"
#include "petls_port_none.h"
#include "common/petls_arena.h"

#include <stdio.h>
#include <stdlib.h>

#define NOT_SUPPORTED "not supported on this port"

static petls_port_none_monotonic_ms_fn monotonic_cb;
static petls_port_none_unix_time_fn unix_time_cb;
static void *clock_arg;
static petls_port_none_entropy_fn entropy_cb;
static void *entropy_arg;

void petls_port_none_set_clock(petls_port_none_monotonic_ms_fn monotonic_ms,
                               petls_port_none_unix_time_fn unix_time,
                               void *arg)
{
    monotonic_cb = monotonic_ms;
    unix_time_cb = unix_time;
    clock_arg = arg;
}

void petls_port_none_set_entropy(petls_port_none_entropy_fn entropy, void *arg)
{
    entropy_cb = entropy;
    entropy_arg = arg;
}

uint64_t petls_port_monotonic_ms(void)
{
    return monotonic_cb != NULL ? monotonic_cb(clock_arg) : 0;
}

int64_t petls_port_unix_time(void)
{
    return unix_time_cb != NULL ? unix_time_cb(clock_arg) : -1;
}

int petls_port_entropy(void *buf, size_t len)
{
    if (entropy_cb == NULL || buf == NULL)
        return -1;
    return entropy_cb(entropy_arg, buf, len) == 0 ? 0 : -1;
}

/* Single-threaded: every mutex is the same inert object, so that callers
 * that treat NULL as allocation failure keep working. */
struct petls_port_mutex {
    char unused;
};
static petls_port_mutex the_mutex;

petls_port_mutex *petls_port_mutex_new(void)
{
    return &the_mutex;
}

void petls_port_mutex_free(petls_port_mutex *m)
{
    (void)m;
}

void petls_port_mutex_lock(petls_port_mutex *m)
{
    (void)m;
}

void petls_port_mutex_unlock(petls_port_mutex *m)
{
    (void)m;
}

/* Memory: from the arena once the application gave one (the no-malloc
 * mode), else from the C library unless the build forbids it
 * (PETLS_NO_MALLOC). free() must tell the two apart: memory handed out
 * before the arena was set still goes back to the C library. */
static struct petls_arena heap;
static int heap_set;

int petls_port_none_set_heap(void *buf, size_t len)
{
    if (petls_arena_init(&heap, buf, len) != 0) {
        heap_set = 0;
        return -1;
    }
    heap_set = 1;
    return 0;
}

int petls_port_none_heap_stats(struct petls_port_none_heap_stats *out)
{
    struct petls_arena_stats st;

    if (out == NULL || !heap_set)
        return -1;
    petls_arena_stats(&heap, &st);
    out->size = st.size;
    out->in_use = st.in_use;
    out->peak = st.peak;
    out->blocks = st.blocks;
    out->allocs = st.allocs;
    out->failures = st.failures;
    return 0;
}

void petls_port_none_heap_reset_peak(void)
{
    if (heap_set)
        petls_arena_reset_peak(&heap);
}

void *petls_port_calloc(size_t n, size_t size)
{
    if (heap_set)
        return petls_arena_calloc(&heap, n, size);
#if defined(PETLS_NO_MALLOC)
    return NULL;
#else
    return calloc(n, size);
#endif
}

void petls_port_free(void *p)
{
    if (p == NULL)
        return;
    if (heap_set && petls_arena_owns(&heap, p)) {
        petls_arena_free(&heap, p);
        return;
    }
#if !defined(PETLS_NO_MALLOC)
    free(p);
#endif
}

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: " NOT_SUPPORTED, what);
}

ssize_t petls_port_fd_read(int fd, void *buf, size_t len, uint32_t timeout_ms,
                           char *err, size_t errlen)
{
    (void)fd;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    set_err(err, errlen, "reading a descriptor");
    return -1;
}

ssize_t petls_port_fd_write(int fd, const void *buf, size_t len,
                            uint32_t timeout_ms, char *err, size_t errlen)
{
    (void)fd;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    set_err(err, errlen, "writing a descriptor");
    return -1;
}

int petls_port_tcp_connect(const char *host, const char *port, char *err,
                           size_t errlen)
{
    (void)host;
    (void)port;
    set_err(err, errlen, "TCP connect");
    return -1;
}

void petls_port_fd_close(int fd)
{
    (void)fd;
}

int petls_port_read_file(const char *path, uint8_t **buf, size_t *len,
                         char *err, size_t errlen)
{
    (void)path;
    if (buf != NULL)
        *buf = NULL;
    if (len != NULL)
        *len = 0;
    set_err(err, errlen, "reading files");
    return -1;
}

int petls_port_dir_foreach(const char *dir,
                           int (*fn)(const char *path, void *arg), void *arg,
                           char *err, size_t errlen)
{
    (void)dir;
    (void)fn;
    (void)arg;
    set_err(err, errlen, "reading directories");
    return -1;
}

int petls_port_session_fd_check(int fd, char *err, size_t errlen)
{
    (void)fd;
    set_err(err, errlen, "session files");
    return -1;
}

ssize_t petls_port_fd_pread_all(int fd, void *buf, size_t cap, char *err,
                                size_t errlen)
{
    (void)fd;
    (void)buf;
    (void)cap;
    set_err(err, errlen, "reading a session file");
    return -1;
}

int petls_port_fd_replace(int fd, const void *buf, size_t len, char *err,
                          size_t errlen)
{
    (void)fd;
    (void)buf;
    (void)len;
    set_err(err, errlen, "writing a session file");
    return -1;
}

/* No file system, no trust store: a bare-metal application gives its CAs
 * with petls_config_set_ca_mem(). */
const char *petls_port_default_ca_file(void)
{
    return NULL;
}

const char *petls_port_default_ca_dir(void)
{
    return NULL;
}

const char *petls_port_default_ca_origin(int dir)
{
    (void)dir;
    return "the bare-metal port (no trust store)";
}
