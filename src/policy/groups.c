/* Key-exchange groups (named groups), backend-neutral. */
#include "groups.h"

#include <stdio.h>
#include <string.h>

#include "list_token.h"
#include "petls_tables_built.h"

/* Trimmed to the build like the cipher-suite table (cmake/PetlsTables.cmake,
 * petls_tables_built.h): PETLS_GROUP_ON_<code>(...) keeps an entry when the
 * mbedTLS build has that group. The last entry ends the table (a build may
 * have no group at all: psk12_min). */
#define G(code, name) PETLS_GROUP_ON_##code({name, 0x##code}, )

static const struct {
    const char *name; /* accepted spelling; the first per id is canonical */
    uint16_t id;
} group_names[] = {
    /* clang-format off */
    G(001D, "X25519")
    G(001E, "X448")
    G(0017, "P-256")
    G(0017, "prime256v1")
    G(0017, "secp256r1")
    G(0018, "P-384")
    G(0018, "secp384r1")
    G(0019, "P-521")
    G(0019, "secp521r1")
    G(0100, "ffdhe2048")
    G(0101, "ffdhe3072")
    G(0102, "ffdhe4096")
    G(0103, "ffdhe6144")
    G(0104, "ffdhe8192")
    /* clang-format on */
    {NULL, 0},
};

int petls_groups_parse(const char *str, uint16_t *out, size_t max, char *err,
                       size_t errlen)
{
    const char *p;
    size_t count = 0, tokens = 0;
    int saw_auto = 0;

    if (str == NULL) {
        petls_list_error(err, errlen, "empty group list", NULL, 0);
        return -1;
    }

    p = str;
    for (;;) {
        const char *tok, *end;
        size_t len, i, k;
        uint16_t id = 0;

        while (petls_list_is_space(*p))
            p++;
        tok = p;
        while (*p != '\0' && *p != ',' && *p != ':')
            p++;
        end = p;
        while (end > tok && petls_list_is_space(end[-1]))
            end--;
        len = (size_t)(end - tok);

        if (len == 0) {
            /* Stray separators ("X25519::P-256") are harmless. */
        } else if (petls_token_eq(tok, len, "auto") ||
                   petls_token_eq(tok, len, "default")) {
            saw_auto = 1;
            tokens++;
        } else {
            for (i = 0; group_names[i].name != NULL; i++) {
                if (petls_token_eq(tok, len, group_names[i].name)) {
                    id = group_names[i].id;
                    break;
                }
            }
            if (id == 0) {
                petls_list_error(err, errlen, "unknown group", tok, len);
                return -1;
            }
            tokens++;
            for (k = 0; k < count; k++) {
                if (out[k] == id)
                    break;
            }
            if (k == count) {
                if (out == NULL || count >= max) {
                    petls_list_error(err, errlen, "too many groups in", str,
                                     strlen(str));
                    return -1;
                }
                out[count++] = id;
            }
        }

        if (*p == '\0')
            break;
        p++;
    }

    if (tokens == 0) {
        petls_list_error(err, errlen, "empty group list", NULL, 0);
        return -1;
    }
    if (saw_auto && tokens > 1) {
        /* "auto" means the backend's list; mixing it with names has no
         * sensible meaning, so say so rather than guess. */
        petls_list_error(err, errlen,
                         "'auto' cannot be combined with other groups in", str,
                         strlen(str));
        return -1;
    }
    return (int)count;
}

const char *petls_group_name(uint16_t id)
{
    size_t i;

    for (i = 0; group_names[i].name != NULL; i++) {
        if (group_names[i].id == id)
            return group_names[i].name;
    }
    return NULL;
}
