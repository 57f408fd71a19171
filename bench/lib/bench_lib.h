/*
 * The library-layer benchmark (openssl-bench / rustls ci-bench method):
 * a client and a server driven alternately in one thread over in-memory
 * buffers. One driver (bench_lib.c) runs the same scenarios on every TLS
 * implementation through this vtable; each lib_<impl>.c fills it in.
 *
 * Instruction counts: every call made for one side goes through a
 * non-inlined function named cgc_* (client) or cgs_* (server);
 * callgrind_annotate --inclusive=yes then gives the instructions per side.
 * Warm-up work goes through warm_* functions so it is not counted.
 */
#ifndef BENCH_LIB_H
#define BENCH_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* BK_PSK: an external PSK (TLS 1.3 psk_dhe_ke), no certificate sent. */
enum bench_kind { BK_FULL, BK_RESUME, BK_PSK, BK_BULK };
enum bench_resume {
    BR_NONE,
    BR_TLS12_ID,
    BR_TLS12_TICKET,
    BR_TLS13_PSK_DHE,
    BR_TLS13_PSK,
};
enum bench_cipher { BC_AES128GCM, BC_AES256GCM, BC_CHACHA20 };

struct bench_scenario {
    const char *name;
    enum bench_kind kind;
    int tls13; /* 0: TLS 1.2 only, 1: TLS 1.3 only */
    int rsa;   /* 1: RSA-2048 server key, 0: ECDSA P-256 */
    enum bench_resume resume;
    enum bench_cipher cipher;
};

/* A one-way byte queue between the two endpoints. */
struct bench_queue {
    uint8_t *buf;
    size_t cap, head, tail;
};
struct bench_pipe {
    struct bench_queue c2s, s2c;
};
/* Reads up to len bytes; returns the count or 0 when empty. */
size_t bench_queue_read(struct bench_queue *q, void *buf, size_t len);
/* Appends len bytes (always all; grows as needed); -1 on no memory. */
int bench_queue_write(struct bench_queue *q, const void *buf, size_t len);

/* Step results of the vtable calls. */
#define BS_DONE 0
#define BS_AGAIN 1 /* would block: let the other side run */
#define BS_ERR (-1)

struct bench_impl {
    const char *name;
    /* Builds client and server configurations for the scenario. certs is
     * the directory of tests/certs/gen-certs.sh. 0 or -1 (err filled); -2:
     * the scenario does not exist on this implementation (err says why). */
    int (*setup)(const struct bench_scenario *sc, const char *certs, char *err,
                 size_t errlen);
    /* Connection objects over p; the client offers its saved session (if
     * any) when the scenario resumes. */
    void *(*client_new)(struct bench_pipe *p);
    void *(*server_new)(struct bench_pipe *p);
    int (*handshake)(void *conn); /* BS_DONE / BS_AGAIN / BS_ERR */
    /* Writes all of len (BS_DONE) or BS_ERR. */
    int (*write)(void *conn, const void *buf, size_t len);
    /* Reads into buf; returns bytes (> 0), 0 on close, BENCH_READ_AGAIN or
     * -1. */
    ssize_t (*read)(void *conn, void *buf, size_t len);
    /* Client: keeps the connection's newest session for the next client_new.
     * 0 or -1. */
    int (*save_session)(void *conn);
    int (*resumed)(void *conn);       /* 1 when the handshake resumed */
    const char *(*error)(void *conn); /* last error, for messages */
    void (*conn_free)(void *conn);
    void (*teardown)(void);
    /* Optional: crypto ceiling (ECDSA sign, X25519, AES-GCM); prints JSON
     * lines. NULL when the implementation does not provide it. */
    int (*crypto)(const char *certs, double seconds);
};
/* read() returns this when no data is available yet. */
#define BENCH_READ_AGAIN ((ssize_t)-2)

const struct bench_impl *bench_impl(void);
extern const struct bench_scenario bench_scenarios[];
extern const size_t bench_n_scenarios;
/* Monotonic CPU time of this thread in nanoseconds. */
uint64_t bench_cpu_ns(void);
uint64_t bench_wall_ns(void);

#endif /* BENCH_LIB_H */
