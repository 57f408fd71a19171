/* In-memory duplex pipe for callback I/O tests. */
#include "mempipe.h"

#include <stdlib.h>
#include <string.h>

#include "petls.h"

void mempipe_init(struct mempipe *p)
{
    memset(p, 0, sizeof(*p));
    p->client.in = &p->s2c;
    p->client.out = &p->c2s;
    p->server.in = &p->c2s;
    p->server.out = &p->s2c;
}

void mempipe_free(struct mempipe *p)
{
    free(p->c2s.data);
    free(p->s2c.data);
    memset(p, 0, sizeof(*p));
}

void mempipe_close_write(struct mempipe_end *e)
{
    e->out->closed = 1;
}

ssize_t mempipe_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct mempipe_end *e = arg;
    struct mempipe_queue *q = e->in;
    size_t n;

    (void)ctx;
    if (q->len == 0)
        return q->closed ? 0 : PETLS_WANT_POLLIN;
    n = len < q->len ? len : q->len;
    memcpy(buf, q->data, n);
    memmove(q->data, q->data + n, q->len - n);
    q->len -= n;
    e->bytes_read += n;
    return (ssize_t)n;
}

ssize_t mempipe_write(struct petls *ctx, const void *buf, size_t len, void *arg)
{
    struct mempipe_end *e = arg;
    struct mempipe_queue *q = e->out;

    (void)ctx;
    if (q->closed)
        return -1; /* writing after our own close: a test bug or EPIPE */
    if (e->drop_writes) {
        e->bytes_written += len;
        return (ssize_t)len;
    }
    if (q->len + len > q->cap) {
        size_t cap = q->cap ? q->cap : 4096;
        uint8_t *d;
        while (cap < q->len + len)
            cap *= 2;
        d = realloc(q->data, cap);
        if (d == NULL)
            return -1;
        q->data = d;
        q->cap = cap;
    }
    memcpy(q->data + q->len, buf, len);
    q->len += len;
    e->bytes_written += len;
    return (ssize_t)len;
}
