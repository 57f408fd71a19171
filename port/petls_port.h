/*
 * The platform layer: everything the engine needs from the system.
 *
 * The engine core includes only this header (and the C library's freestanding
 * headers plus string.h/stdio.h for snprintf); it never includes POSIX
 * headers. A port implements these functions: port/posix/ for Linux and other
 * POSIX systems. A port without sockets or files returns -1 from those calls
 * with a message; the caller-supplied I/O callbacks still work.
 */
#ifndef PETLS_PORT_H
#define PETLS_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t */

/* ---- Time ---- */

/* A monotonic clock in milliseconds (handshake timeouts, cache expiry). */
uint64_t petls_port_monotonic_ms(void);
/* Wall-clock seconds since the Unix epoch, or -1 when the platform does not
 * know the time (certificate validity then cannot be checked). */
int64_t petls_port_unix_time(void);

/* ---- Entropy ---- */

/* Fills buf with len bytes from a strong entropy source (seeds the DRBG).
 * Returns 0, or -1 when no entropy is available. */
int petls_port_entropy(void *buf, size_t len);

/* ---- Locks ---- */

/* An opaque mutex. A port without threads may implement these as no-ops
 * that return 0. */
typedef struct petls_port_mutex petls_port_mutex;
petls_port_mutex *petls_port_mutex_new(void);
void petls_port_mutex_free(petls_port_mutex *m);
void petls_port_mutex_lock(petls_port_mutex *m);
void petls_port_mutex_unlock(petls_port_mutex *m);

/* ---- Memory ---- */

void *petls_port_calloc(size_t n, size_t size);
void petls_port_free(void *p);

/* ---- Sockets and descriptors ---- */

/* Reads or writes on a descriptor. Return bytes moved, 0 at end of stream
 * (read), PETLS_PORT_WANT_READ / PETLS_PORT_WANT_WRITE when a non-blocking
 * descriptor would block, or -1 on error (err filled). timeout_ms > 0 bounds
 * how long a blocking descriptor may wait; it then returns
 * PETLS_PORT_TIMEOUT. */
#define PETLS_PORT_WANT_READ (-2)
#define PETLS_PORT_WANT_WRITE (-3)
#define PETLS_PORT_TIMEOUT (-4)
ssize_t petls_port_fd_read(int fd, void *buf, size_t len, uint32_t timeout_ms,
                           char *err, size_t errlen);
ssize_t petls_port_fd_write(int fd, const void *buf, size_t len,
                            uint32_t timeout_ms, char *err, size_t errlen);
/* Opens a TCP connection to host:port (blocking). Returns the descriptor or
 * -1 with err filled. */
int petls_port_tcp_connect(const char *host, const char *port, char *err,
                           size_t errlen);
void petls_port_fd_close(int fd);

/* ---- Files ---- */

/* Reads a whole file. *buf is allocated with petls_port_calloc (one extra
 * NUL byte past *len) and must be freed by the caller. Returns 0 or -1 with
 * err filled. */
int petls_port_read_file(const char *path, uint8_t **buf, size_t *len,
                         char *err, size_t errlen);
/* Calls fn for every regular file in a directory (full path), in name order.
 * Returns 0, -1 with err filled, or the first non-zero value of fn. */
int petls_port_dir_foreach(const char *dir,
                           int (*fn)(const char *path, void *arg), void *arg,
                           char *err, size_t errlen);

/* ---- Session files (libtls's tls_config_set_session_fd) ---- */

/* Checks that fd is a regular file that only its owner may read or write
 * (it will hold session secrets). 0, or -1 with err filled. */
int petls_port_session_fd_check(int fd, char *err, size_t errlen);
/* Reads the whole file from offset 0 (the descriptor's own offset is left
 * alone). Returns the bytes read (0 for an empty file), or -1 with err
 * filled, also when the file holds more than cap bytes. */
ssize_t petls_port_fd_pread_all(int fd, void *buf, size_t cap, char *err,
                                size_t errlen);
/* Replaces the file's contents with buf (written at offset 0, then the
 * file is cut to len). 0, or -1 with err filled. */
int petls_port_fd_replace(int fd, const void *buf, size_t len, char *err,
                          size_t errlen);

/* ---- Default trust store (petls_default_ca_cert_file) ---- */

/* The system's CA bundle: $SSL_CERT_FILE when set (even if it cannot be
 * read: the load then says why), else the bundle fixed at build time
 * (PETLS_DEFAULT_CA_FILE) or the first platform bundle that exists, else
 * NULL. */
const char *petls_port_default_ca_file(void);
/* Directories of CA files to load as well: $SSL_CERT_DIR when set (a
 * ':'-separated list, as OpenSSL's), else NULL. */
const char *petls_port_default_ca_dir(void);
/* Where the two came from, for messages: "SSL_CERT_FILE", "the system
 * bundle", ... Never NULL. */
const char *petls_port_default_ca_origin(int dir);

#endif /* PETLS_PORT_H */
