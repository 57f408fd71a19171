/*
 * POSIX port: descriptor I/O and TCP connect.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include "petls_port.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSDs: callers set SO_NOSIGPIPE or ignore SIGPIPE */
#endif

static int fd_is_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl >= 0 && (fl & O_NONBLOCK) != 0;
}

/* For a blocking descriptor with a deadline, waits until it is ready.
 * Returns 0 when ready, PETLS_PORT_TIMEOUT, or -1. */
static int wait_ready(int fd, short events, uint32_t timeout_ms, char *err,
                      size_t errlen)
{
    struct pollfd pfd;
    int rc;

    if (timeout_ms == 0 || fd_is_nonblocking(fd))
        return 0;
    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    do {
        /* A signal restarts the full wait: the engine re-checks its own
         * deadline on the next call, so the total stays bounded. */
        rc = poll(&pfd, 1,
                  timeout_ms > 0x7fffffffu ? 0x7fffffff : (int)timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        snprintf(err, errlen, "poll: %s", strerror(errno));
        return -1;
    }
    if (rc == 0)
        return PETLS_PORT_TIMEOUT;
    return 0; /* readable, writable, or an error the I/O call will report */
}

ssize_t petls_port_fd_read(int fd, void *buf, size_t len, uint32_t timeout_ms,
                           char *err, size_t errlen)
{
    ssize_t n;
    int rc = wait_ready(fd, POLLIN, timeout_ms, err, errlen);

    if (rc != 0)
        return rc;
    do {
        n = read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return PETLS_PORT_WANT_READ;
    snprintf(err, errlen, "read: %s", strerror(errno));
    return -1;
}

ssize_t petls_port_fd_write(int fd, const void *buf, size_t len,
                            uint32_t timeout_ms, char *err, size_t errlen)
{
    ssize_t n;
    int rc = wait_ready(fd, POLLOUT, timeout_ms, err, errlen);

    if (rc != 0)
        return rc;
    do {
        /* send() with MSG_NOSIGNAL: a closed peer yields EPIPE instead of
         * killing the process with SIGPIPE. */
        n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) {
            do {
                n = write(fd, buf, len);
            } while (n < 0 && errno == EINTR);
        }
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return PETLS_PORT_WANT_WRITE;
    snprintf(err, errlen, "write: %s", strerror(errno));
    return -1;
}

int petls_port_tcp_connect(const char *host, const char *port, char *err,
                           size_t errlen)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1, saved = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        /* No EINTR retry: a repeated connect() would fail with EALREADY. */
        rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "connect to %s:%s: %s", host, port,
                 strerror(saved != 0 ? saved : ECONNREFUSED));
        return -1;
    }
    return fd;
}

void petls_port_fd_close(int fd)
{
    if (fd >= 0)
        close(fd);
}
