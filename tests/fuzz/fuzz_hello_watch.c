/* libFuzzer target: the ServerHello / ServerKeyExchange watch behind
 * petls_conn_ephemeral_key(). Input: one split byte, then the server's
 * bytes. The result must not depend on how the stream is split. */
#include "fuzz_util.h"

#include "hello_watch.h"

static int result(const struct petls_hello_watch *w, const char **type,
                  const char **name, int *size)
{
    int rc = petls_hello_watch_result(w, type, name, size);

    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK((rc == 1) == (*type != NULL));
    FUZZ_CHECK(rc == 1 ? *size > 0 : (*size == 0 && *name == NULL));
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct petls_hello_watch a, b;
    const char *ta, *na, *tb, *nb;
    int sa, sb, ra, rb;
    size_t split, i;

    if (size < 1)
        return 0;
    split = data[0];
    data++;
    size--;
    if (split > size)
        split = size;
    petls_hello_watch_init(&a);
    petls_hello_watch_feed(&a, data, size);
    petls_hello_watch_init(&b);
    petls_hello_watch_feed(&b, data, split);
    for (i = split; i < size; i += 3)
        petls_hello_watch_feed(&b, data + i, size - i < 3 ? size - i : 3);
    ra = result(&a, &ta, &na, &sa);
    rb = result(&b, &tb, &nb, &sb);
    FUZZ_CHECK(ra == rb && ta == tb && na == nb && sa == sb);
    return 0;
}
