#define _POSIX_C_SOURCE 200809L

#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_poll_timeout(int64_t deadline)
{
    if (deadline == 0)
        return -1;
    int64_t left = deadline - net_now_ms();
    if (left < 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int net_split_hostport(const char *s, char *host, size_t hostlen, char *port,
                       size_t portlen, char *err, size_t errlen)
{
    const char *h = s, *hend, *p;
    if (s[0] == '[') {
        h = s + 1;
        hend = strchr(h, ']');
        if (hend == NULL || hend[1] != ':') {
            snprintf(err, errlen, "'%s' is not [ADDRESS]:PORT", s);
            return -1;
        }
        p = hend + 2;
    } else {
        hend = strrchr(s, ':');
        if (hend == NULL) {
            snprintf(err, errlen, "'%s' is not HOST:PORT", s);
            return -1;
        }
        if (memchr(s, ':', (size_t)(hend - s)) != NULL) {
            snprintf(err, errlen,
                     "'%s': write IPv6 addresses as [ADDRESS]:PORT", s);
            return -1;
        }
        p = hend + 1;
    }
    size_t hl = (size_t)(hend - h), pl = strlen(p);
    if (pl == 0 || pl > 5 || strspn(p, "0123456789") != pl ||
        strtol(p, NULL, 10) > 65535) {
        snprintf(err, errlen, "'%s': the port must be a number 0..65535", s);
        return -1;
    }
    if (hl >= hostlen || pl >= portlen) {
        snprintf(err, errlen, "'%s' is too long", s);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    memcpy(port, p, pl + 1);
    return 0;
}

void net_format_addr(const struct sockaddr *sa, socklen_t salen, char *buf,
                     size_t buflen)
{
    char host[INET6_ADDRSTRLEN + 16], serv[16];
    if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, buflen, "?");
        return;
    }
    /* A scoped IPv6 address may not fit; a cut one is still a useful
     * label (checking the length also keeps -Wformat-truncation quiet). */
    int n = sa->sa_family == AF_INET6
                ? snprintf(buf, buflen, "[%s]:%s", host, serv)
                : snprintf(buf, buflen, "%s:%s", host, serv);
    if (n < 0 && buflen > 0)
        buf[0] = '\0';
}

int net_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return 0;
}

static int resolve(const char *host, const char *port, int passive,
                   struct addrinfo **res, char *err, size_t errlen)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    int rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, res);
    if (rc != 0) {
        snprintf(err, errlen, "%s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    return 0;
}

/* Connections the kernel queues for accept(): a burst of clients (or of
 * idle ones that the server evicts) must not overflow it and drop SYNs,
 * which costs a newcomer a 1 s retransmit. */
#define NET_LISTEN_BACKLOG 1024

int net_listen(const char *host, const char *port, char *bound, size_t boundlen,
               char *err, size_t errlen)
{
    struct addrinfo *res;
    if (resolve(host, port, 1, &res, err, errlen) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            snprintf(err, errlen, "socket: %s", strerror(errno));
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, NET_LISTEN_BACKLOG) == 0 && net_set_nonblocking(fd) == 0)
            break;
        snprintf(err, errlen, "cannot listen on %s:%s: %s", host, port,
                 strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
            net_format_addr((struct sockaddr *)&ss, sl, bound, boundlen);
        else
            snprintf(bound, boundlen, "%s:%s", host, port);
    }
    return fd;
}

/* A non-blocking connect() finished within timeout_ms, or failed. */
static int connect_one(const struct addrinfo *ai, uint32_t timeout_ms,
                       char *err, size_t errlen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    if (net_set_nonblocking(fd) != 0)
        goto fail;
    /* As the server: no Nagle delay on the small handshake flights. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS)
        goto fail;
    int64_t deadline = timeout_ms ? net_now_ms() + timeout_ms : 0;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int n = poll(&pfd, 1, net_poll_timeout(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0) {
            errno = ETIMEDOUT;
            goto fail;
        }
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            goto fail;
        if (soerr != 0) {
            errno = soerr;
            goto fail;
        }
        return fd;
    }
fail:;
    int e = errno;
    char addr[NET_ADDR_MAX];
    net_format_addr(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr));
    snprintf(err, errlen, "connect to %s: %s", addr, strerror(e));
    close(fd);
    return -1;
}

int net_connect(const char *host, const char *port, uint32_t timeout_ms,
                char *peer, size_t peerlen, char *err, size_t errlen)
{
    struct addrinfo *res;
    if (resolve(host, port, 0, &res, err, errlen) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, timeout_ms, err, errlen);
        if (fd >= 0)
            net_format_addr(ai->ai_addr, ai->ai_addrlen, peer, peerlen);
    }
    freeaddrinfo(res);
    return fd;
}
