/*
 * POSIX port: clocks, entropy, mutexes, memory and files.
 * Sockets and descriptors live in net_posix.c.
 */
#define _DEFAULT_SOURCE /* getrandom, DT_* on glibc */
#define _POSIX_C_SOURCE 200809L

#include "petls_port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h>
#define PETLS_HAVE_GETRANDOM 1
#endif

/* ---- Time ---- */

uint64_t petls_port_monotonic_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t petls_port_unix_time(void)
{
    time_t now = time(NULL);

    if (now == (time_t)-1)
        return -1;
    return (int64_t)now;
}

/* ---- Entropy ---- */

static int entropy_urandom(unsigned char *p, size_t len)
{
    int fd;

    do {
        fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
}

int petls_port_entropy(void *buf, size_t len)
{
    unsigned char *p = buf;

#ifdef PETLS_HAVE_GETRANDOM
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break; /* ENOSYS on old kernels: use the device */
        p += n;
        len -= (size_t)n;
    }
    if (len == 0)
        return 0;
#endif
    return entropy_urandom(p, len);
}

/* ---- Locks ---- */

struct petls_port_mutex {
    pthread_mutex_t m;
};

petls_port_mutex *petls_port_mutex_new(void)
{
    petls_port_mutex *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    if (pthread_mutex_init(&m->m, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void petls_port_mutex_free(petls_port_mutex *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void petls_port_mutex_lock(petls_port_mutex *m)
{
    if (m != NULL)
        pthread_mutex_lock(&m->m);
}

void petls_port_mutex_unlock(petls_port_mutex *m)
{
    if (m != NULL)
        pthread_mutex_unlock(&m->m);
}

/* ---- Memory ---- */

void *petls_port_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void petls_port_free(void *p)
{
    free(p);
}

/* ---- Files ---- */

int petls_port_read_file(const char *path, uint8_t **buf, size_t *len,
                         char *err, size_t errlen)
{
    FILE *f;
    struct stat st;
    uint8_t *data;
    size_t size, got;
    int saved;

    *buf = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        saved = errno;
        snprintf(err, errlen, "%s", strerror(saved));
        errno = saved;
        return -1;
    }
    if (fstat(fileno(f), &st) != 0)
        saved = errno;
    else if (S_ISDIR(st.st_mode))
        saved = EISDIR;
    else if (!S_ISREG(st.st_mode))
        saved = EINVAL;
    else
        saved = 0;
    if (saved != 0) {
        fclose(f);
        snprintf(err, errlen, "%s", strerror(saved));
        errno = saved;
        return -1;
    }
    size = (size_t)st.st_size;
    data = calloc(1, size + 1); /* the extra NUL lets PEM parsers run */
    if (data == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    got = size > 0 ? fread(data, 1, size, f) : 0;
    if (got != size || ferror(f)) {
        saved = errno != 0 ? errno : EIO;
        fclose(f);
        memset(data, 0, size + 1); /* may be a private key */
        free(data);
        snprintf(err, errlen, "read error: %s", strerror(saved));
        errno = saved;
        return -1;
    }
    fclose(f);
    *buf = data;
    *len = size;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int petls_port_dir_foreach(const char *dir,
                           int (*fn)(const char *path, void *arg), void *arg,
                           char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    for (;;) {
        /* readdir() returns NULL both at the end and on an error (e.g.
         * EOVERFLOW: a 64-bit directory cookie with a 32-bit off_t); only
         * errno tells them apart. */
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                rc = -1;
                snprintf(err, errlen, "%s", strerror(errno));
            }
            break;
        }
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (nn == NULL) {
                rc = -1;
                snprintf(err, errlen, "out of memory");
                break;
            }
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(de->d_name);
        if (names[n] == NULL) {
            rc = -1;
            snprintf(err, errlen, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; rc == 0 && i < n; i++) {
        size_t plen = strlen(dir) + 1 + strlen(names[i]) + 1;
        char *path = malloc(plen);
        struct stat st;

        if (path == NULL) {
            rc = -1;
            snprintf(err, errlen, "out of memory");
            break;
        }
        snprintf(path, plen, "%s/%s", dir, names[i]);
        /* stat, not d_type: follows symlinks as c_rehash directories use */
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc = fn(path, arg);
        free(path);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* ---- Session files ---- */

int petls_port_session_fd_check(int fd, char *err, size_t errlen)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        return -1;
    }
    /* As libtls: the file holds master secrets. */
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen,
                 "file is accessible by group or others (mode %03o)",
                 (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

ssize_t petls_port_fd_pread_all(int fd, void *buf, size_t cap, char *err,
                                size_t errlen)
{
    unsigned char *p = buf;
    size_t got = 0;
    struct stat st;

    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)cap) {
        snprintf(err, errlen, "file too large (%lld bytes)",
                 (long long)st.st_size);
        return -1;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            return -1;
        }
        if (n == 0)
            break; /* cut while reading */
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int petls_port_fd_replace(int fd, const void *buf, size_t len, char *err,
                          size_t errlen)
{
    const unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, p + done, len - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s",
                     n < 0 ? strerror(errno) : "short write");
            return -1;
        }
        done += (size_t)n;
    }
    if (ftruncate(fd, (off_t)len) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}
