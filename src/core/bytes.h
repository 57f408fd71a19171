/*
 * Big-endian integers and bounded byte readers/writers (in the style of
 * s2n's stuffer), for every wire or storage format petls writes itself:
 * sealed session blobs, tickets, session export and the ClientHello
 * pre-parser.
 *
 * Header-only (static inline), pure C: no allocation, no engine state and no
 * petls_* symbol, so the engine and the backend may both include it
 * (scripts/check-layering.sh allows "core/bytes.h" under src/backend/).
 *
 * A reader or writer never touches a byte outside [p, p + cap): an access
 * that does not fit sets `bad`, returns 0 (or NULL) and leaves the position
 * where it was; every later access fails too, so a caller can chain a
 * sequence of reads or writes and check `bad` once at the end.
 */
#ifndef PETLS_BYTES_H
#define PETLS_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- Fixed-width big-endian integers at p (caller checked the room) ---- */

static inline void bytes_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void bytes_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void bytes_put_be64(uint8_t *p, uint64_t v)
{
    bytes_put_be32(p, (uint32_t)(v >> 32));
    bytes_put_be32(p + 4, (uint32_t)v);
}

static inline uint16_t bytes_get_be16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t bytes_get_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t bytes_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint64_t bytes_get_be64(const uint8_t *p)
{
    return (uint64_t)bytes_get_be32(p) << 32 | bytes_get_be32(p + 4);
}

/* ---- Bounded writer ---- */

struct bytes_writer {
    uint8_t *p;
    size_t cap; /* bytes at p */
    size_t len; /* bytes written */
    int bad;    /* an access did not fit */
};

static inline void bytes_writer_init(struct bytes_writer *w, uint8_t *p,
                                     size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->bad = 0;
}

/* Room for n more bytes at the position (or marks the writer bad). */
static inline uint8_t *bytes_write_room(struct bytes_writer *w, size_t n)
{
    uint8_t *at;

    if (w->bad || n > w->cap - w->len) {
        w->bad = 1;
        return NULL;
    }
    at = w->p + w->len;
    w->len += n;
    return at;
}

static inline void bytes_write_u8(struct bytes_writer *w, uint8_t v)
{
    uint8_t *at = bytes_write_room(w, 1);

    if (at != NULL)
        at[0] = v;
}

static inline void bytes_write_be16(struct bytes_writer *w, uint16_t v)
{
    uint8_t *at = bytes_write_room(w, 2);

    if (at != NULL)
        bytes_put_be16(at, v);
}

static inline void bytes_write_be32(struct bytes_writer *w, uint32_t v)
{
    uint8_t *at = bytes_write_room(w, 4);

    if (at != NULL)
        bytes_put_be32(at, v);
}

static inline void bytes_write_be64(struct bytes_writer *w, uint64_t v)
{
    uint8_t *at = bytes_write_room(w, 8);

    if (at != NULL)
        bytes_put_be64(at, v);
}

static inline void bytes_write_mem(struct bytes_writer *w, const void *src,
                                   size_t n)
{
    uint8_t *at = bytes_write_room(w, n);

    if (at != NULL && n > 0)
        memcpy(at, src, n);
}

/* ---- Bounded reader ---- */

struct bytes_reader {
    const uint8_t *p; /* the next byte */
    size_t left;      /* bytes from p on */
    int bad;          /* an access did not fit */
};

static inline void bytes_reader_init(struct bytes_reader *r, const uint8_t *p,
                                     size_t len)
{
    r->p = p;
    r->left = len;
    r->bad = 0;
}

/* Consumes n bytes, *out (when not NULL) pointing at them. 0, or -1 (and
 * the reader marked bad) when fewer than n are left. */
static inline int bytes_take(struct bytes_reader *r, size_t n,
                             const uint8_t **out)
{
    if (r->bad || r->left < n) {
        r->bad = 1;
        return -1;
    }
    if (out != NULL)
        *out = r->p;
    r->p += n;
    r->left -= n;
    return 0;
}

/* A vector behind a big-endian length of prefix (1 or 2) bytes. */
static inline int bytes_take_vec(struct bytes_reader *r, size_t prefix,
                                 const uint8_t **out, size_t *out_len)
{
    const uint8_t *l;
    size_t n;

    if (bytes_take(r, prefix, &l) != 0)
        return -1;
    n = prefix == 1 ? l[0] : bytes_get_be16(l);
    if (bytes_take(r, n, out) != 0)
        return -1;
    *out_len = n;
    return 0;
}

static inline uint8_t bytes_read_u8(struct bytes_reader *r)
{
    const uint8_t *at;

    return bytes_take(r, 1, &at) == 0 ? at[0] : 0;
}

static inline uint16_t bytes_read_be16(struct bytes_reader *r)
{
    const uint8_t *at;

    return bytes_take(r, 2, &at) == 0 ? bytes_get_be16(at) : 0;
}

static inline uint32_t bytes_read_be32(struct bytes_reader *r)
{
    const uint8_t *at;

    return bytes_take(r, 4, &at) == 0 ? bytes_get_be32(at) : 0;
}

#endif
