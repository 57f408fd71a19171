/* src/core/bytes.h (big-endian integers, bounded reader and writer) and
 * the list loop of src/policy/list_token.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/bytes.h"
#include "list_token.h"

Test(bytes, big_endian_put_get)
{
    uint8_t b[8];

    bytes_put_be16(b, 0x0102);
    cr_assert_eq(b[0], 0x01);
    cr_assert_eq(b[1], 0x02);
    cr_assert_eq(bytes_get_be16(b), 0x0102);
    bytes_put_be32(b, 0xa1b2c3d4u);
    cr_assert_eq(b[0], 0xa1);
    cr_assert_eq(b[3], 0xd4);
    cr_assert_eq(bytes_get_be32(b), 0xa1b2c3d4u);
    cr_assert_eq(bytes_get_be24(b + 1), 0xb2c3d4u);
    bytes_put_be64(b, 0x0102030405060708ull);
    cr_assert_eq(b[0], 0x01);
    cr_assert_eq(b[7], 0x08);
    cr_assert_eq(bytes_get_be64(b), 0x0102030405060708ull);
    bytes_put_be64(b, UINT64_MAX - 1);
    cr_assert_eq(bytes_get_be64(b), UINT64_MAX - 1);
}

Test(bytes, writer_stays_in_bounds)
{
    uint8_t b[8] = {0};
    struct bytes_writer w;

    bytes_writer_init(&w, b, 7);
    bytes_write_u8(&w, 0xaa);
    bytes_write_be16(&w, 0xbbcc);
    bytes_write_be32(&w, 0x11223344u);
    cr_assert_eq(w.len, 7);
    cr_assert_eq(w.bad, 0);
    cr_assert_eq(b[0], 0xaa);
    cr_assert_eq(b[2], 0xcc);
    cr_assert_eq(b[6], 0x44);
    /* One byte too many: refused, nothing written past the end, and every
     * later write fails too. */
    bytes_write_u8(&w, 0xee);
    cr_assert_eq(w.bad, 1);
    cr_assert_eq(w.len, 7);
    cr_assert_eq(b[7], 0);
    bytes_writer_init(&w, b, 4);
    bytes_write_be64(&w, 1);
    cr_assert_eq(w.bad, 1);
    cr_assert_eq(w.len, 0);
    bytes_write_mem(&w, "", 0);
    cr_assert_eq(w.bad, 1);
}

Test(bytes, reader_stays_in_bounds)
{
    static const uint8_t b[] = {0x00, 0x02, 'h', 'i', 0x01, 'x', 0x7f};
    struct bytes_reader r;
    const uint8_t *v;
    size_t n;

    bytes_reader_init(&r, b, sizeof(b));
    cr_assert_eq(bytes_take_vec(&r, 2, &v, &n), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(memcmp(v, "hi", 2), 0);
    cr_assert_eq(bytes_take_vec(&r, 1, &v, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0], 'x');
    cr_assert_eq(r.left, 1);
    cr_assert_eq(bytes_read_u8(&r), 0x7f);
    cr_assert_eq(r.left, 0);
    cr_assert_eq(r.bad, 0);
    cr_assert_eq(bytes_read_be16(&r), 0);
    cr_assert_eq(r.bad, 1);

    /* A length that runs past the end is refused. */
    bytes_reader_init(&r, b, 3);
    cr_assert_eq(bytes_take_vec(&r, 2, &v, &n), -1);
    cr_assert_eq(r.bad, 1);
    cr_assert_eq(bytes_take(&r, 0, NULL), -1);
    bytes_reader_init(&r, b, 4);
    cr_assert_eq(bytes_read_be32(&r), 0x00026869u);
    cr_assert_eq(bytes_read_u8(&r), 0);
    cr_assert_eq(r.bad, 1);
}

/* Joins what the list loop yields as "[!]tok|" for each token. */
static void list_tokens(const char *in, unsigned int flags, char *out,
                        size_t cap)
{
    struct petls_list_iter it;
    struct petls_list_item t;
    size_t n = 0;

    petls_list_begin(&it, in, flags);
    out[0] = '\0';
    while (petls_list_next(&it, &t)) {
        cr_assert_lt(n + t.len + 2, cap);
        if (t.negate)
            out[n++] = '!';
        memcpy(out + n, t.tok, t.len);
        n += t.len;
        out[n++] = '|';
        out[n] = '\0';
    }
}

Test(list_token, loop)
{
    char got[128];

    list_tokens("a, b :c", 0, got, sizeof(got));
    cr_assert_str_eq(got, "a|b|c|");
    list_tokens("", 0, got, sizeof(got));
    cr_assert_str_eq(got, "|");
    list_tokens("a,,b:", 0, got, sizeof(got));
    cr_assert_str_eq(got, "a||b||");
    list_tokens("!a,b", 0, got, sizeof(got));
    cr_assert_str_eq(got, "!a|b|");
    list_tokens("!a, ! b", PETLS_LIST_NEGATE, got, sizeof(got));
    cr_assert_str_eq(got, "!a|! b|");
    list_tokens("!a, ! b", PETLS_LIST_NEGATE | PETLS_LIST_NEGATE_SPACE, got,
                sizeof(got));
    cr_assert_str_eq(got, "!a|!b|");
    list_tokens("\t x \t", 0, got, sizeof(got));
    cr_assert_str_eq(got, "x|");
}
