/* An in-memory duplex pipe for petls's callback I/O: two byte queues, one
 * per direction, non-blocking (an empty queue reads as PETLS_WANT_POLLIN).
 * Lets a client and a server run in one thread. */
#ifndef PETLS_TEST_MEMPIPE_H
#define PETLS_TEST_MEMPIPE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct petls;

struct mempipe_queue {
    uint8_t *data;
    size_t len;
    size_t cap;
    int closed; /* writer is gone: reads past the data give EOF (0) */
};

/* One side's view: it reads from in and writes to out. */
struct mempipe_end {
    struct mempipe_queue *in;
    struct mempipe_queue *out;
    int drop_writes;   /* swallow what is written: a peer that never
                        * answers */
    size_t bytes_read; /* totals, for assertions */
    size_t bytes_written;
};

struct mempipe {
    struct mempipe_queue c2s;
    struct mempipe_queue s2c;
    struct mempipe_end client;
    struct mempipe_end server;
};

void mempipe_init(struct mempipe *p);
void mempipe_free(struct mempipe *p);
/* Marks the end's outgoing direction closed (the peer reads EOF). */
void mempipe_close_write(struct mempipe_end *e);

/* petls_read_cb / petls_write_cb; cb_arg is a struct mempipe_end. */
ssize_t mempipe_read(struct petls *ctx, void *buf, size_t len, void *arg);
ssize_t mempipe_write(struct petls *ctx, const void *buf, size_t len,
                      void *arg);

#endif
