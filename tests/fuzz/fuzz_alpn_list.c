/* libFuzzer target: ALPN protocol lists, the user's comma-separated form
 * (petls_config_set_alpn) and the client's wire ProtocolNameList (what the
 * ALPN callback is given). The first byte picks the parser. */
#include "fuzz_util.h"

#include "nego.h"

/* Every name is 1..255 bytes, the array is NULL-terminated, n matches. */
static void check_list(const struct petls_alpn_list *l)
{
    size_t i;

    FUZZ_CHECK(l->n > 0 && l->names != NULL);
    for (i = 0; i < l->n; i++) {
        size_t len = strlen(l->names[i]);
        FUZZ_CHECK(len <= PETLS_ALPN_NAME_MAX);
        (void)len;
    }
    FUZZ_CHECK(l->names[l->n] == NULL);
}

static void fuzz_comma(const uint8_t *data, size_t size)
{
    struct petls_alpn_list l = {NULL, 0};
    char *s = fuzz_cstring(data, size);
    char err[96];
    size_t i, off = 0, len = strlen(s);

    memset(err, 'X', sizeof(err));
    if (petls_alpn_parse(s, &l, err, sizeof(err)) != 0) {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
        FUZZ_CHECK(l.names == NULL); /* untouched */
    } else if (len == 0) {
        FUZZ_CHECK(l.names == NULL && l.n == 0);
    } else {
        check_list(&l);
        /* Joined with commas, the names are the input. */
        for (i = 0; i < l.n; i++) {
            size_t nl = strlen(l.names[i]);
            FUZZ_CHECK(nl > 0);
            FUZZ_CHECK(off + nl <= len && memcmp(s + off, l.names[i], nl) == 0);
            off += nl;
            if (i + 1 < l.n) {
                FUZZ_CHECK(s[off] == ',');
                off++;
            }
        }
        FUZZ_CHECK(off == len);
    }
    petls_alpn_list_free(&l);
    free(s);
}

static void fuzz_wire(const uint8_t *data, size_t size)
{
    struct petls_alpn_list l = {NULL, 0};
    char err[96];
    size_t i, off = 0;

    memset(err, 'X', sizeof(err));
    if (petls_alpn_split_wire(data, size, &l, err, sizeof(err)) != 0) {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
        FUZZ_CHECK(l.names == NULL);
        return;
    }
    FUZZ_CHECK(l.n > 0 && l.names != NULL && l.names[l.n] == NULL);
    /* Re-encoded, the names are the input (a name may hold a NUL byte:
     * compare the wire bytes). */
    for (i = 0; i < l.n; i++) {
        size_t nl = data[off];
        FUZZ_CHECK(nl > 0 && off + 1 + nl <= size);
        FUZZ_CHECK(memcmp(l.names[i], data + off + 1, nl) == 0);
        FUZZ_CHECK(l.names[i][nl] == '\0');
        off += 1 + nl;
    }
    FUZZ_CHECK(off == size);
    petls_alpn_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        fuzz_wire(data + 1, size - 1);
    else
        fuzz_comma(data + 1, size - 1);
    return 0;
}
