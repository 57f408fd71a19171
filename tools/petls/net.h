/*
 * Sockets for the tool: address parsing and printing, listening, connecting
 * with a deadline, non-blocking mode, and a monotonic clock for deadlines.
 */
#ifndef PETLS_CLI_NET_H
#define PETLS_CLI_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_HOST_MAX 256
#define NET_PORT_MAX 32
/* "[addr]:port" for the longest IPv6 address. */
#define NET_ADDR_MAX 64

/* Splits "host:port", "[v6addr]:port" or ":port" (host "" = any). Returns 0
 * or -1 with err set. */
int net_split_hostport(const char *s, char *host, size_t hostlen, char *port,
                       size_t portlen, char *err, size_t errlen);
/* "127.0.0.1:5555" or "[::1]:5555". */
void net_format_addr(const struct sockaddr *sa, socklen_t salen, char *buf,
                     size_t buflen);
/* Opens a non-blocking listening socket; *bound receives the address
 * actually bound (the real port for port 0). Returns the fd or -1. */
int net_listen(const char *host, const char *port, char *bound, size_t boundlen,
               char *err, size_t errlen);
/* Connects to host:port, trying each address, each attempt bounded by
 * timeout_ms (0: no bound). Returns a non-blocking connected fd or -1. */
int net_connect(const char *host, const char *port, uint32_t timeout_ms,
                char *peer, size_t peerlen, char *err, size_t errlen);
int net_set_nonblocking(int fd);

/* Milliseconds on a monotonic clock. */
int64_t net_now_ms(void);
/* The poll() timeout until deadline (ms on net_now_ms's clock), clamped to
 * [0, INT_MAX]; -1 when deadline is 0 (none). */
int net_poll_timeout(int64_t deadline);

#endif
