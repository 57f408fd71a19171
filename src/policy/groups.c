/* Key-exchange groups (named groups), backend-neutral. */
#include "groups.h"

#include <stdio.h>
#include <string.h>

#include "list_token.h"

static const struct {
    const char *name; /* accepted spelling; the first per id is canonical */
    uint16_t id;
} group_names[] = {
    {"X25519", PETLS_GROUP_X25519},       {"X448", PETLS_GROUP_X448},
    {"P-256", PETLS_GROUP_SECP256R1},     {"prime256v1", PETLS_GROUP_SECP256R1},
    {"secp256r1", PETLS_GROUP_SECP256R1}, {"P-384", PETLS_GROUP_SECP384R1},
    {"secp384r1", PETLS_GROUP_SECP384R1}, {"P-521", PETLS_GROUP_SECP521R1},
    {"secp521r1", PETLS_GROUP_SECP521R1}, {"ffdhe2048", PETLS_GROUP_FFDHE2048},
    {"ffdhe3072", PETLS_GROUP_FFDHE3072}, {"ffdhe4096", PETLS_GROUP_FFDHE4096},
    {"ffdhe6144", PETLS_GROUP_FFDHE6144}, {"ffdhe8192", PETLS_GROUP_FFDHE8192},
};

#define N_GROUP_NAMES (sizeof(group_names) / sizeof(group_names[0]))

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
            for (i = 0; i < N_GROUP_NAMES; i++) {
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

    for (i = 0; i < N_GROUP_NAMES; i++) {
        if (group_names[i].id == id)
            return group_names[i].name;
    }
    return NULL;
}
