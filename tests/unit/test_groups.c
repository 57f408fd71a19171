/* Key-exchange group lists. */
#include <criterion/criterion.h>
#include <string.h>

#include "backend/backend.h"
#include "groups.h"
#include "petls_tables_built.h"

struct groups_ok {
    const char *in;
    uint16_t want[10];
    int n;
};

Test(groups, accepted_lists)
{
    static const struct groups_ok cases[] = {
        {"X25519", {PETLS_GROUP_X25519}, 1},
        {"x25519", {PETLS_GROUP_X25519}, 1},
        {"X448", {PETLS_GROUP_X448}, 1},
        {"P-256", {PETLS_GROUP_SECP256R1}, 1},
        {"p-256", {PETLS_GROUP_SECP256R1}, 1},
        {"prime256v1", {PETLS_GROUP_SECP256R1}, 1},
        {"SECP256R1", {PETLS_GROUP_SECP256R1}, 1},
        {"P-384", {PETLS_GROUP_SECP384R1}, 1},
        {"secp384r1", {PETLS_GROUP_SECP384R1}, 1},
        {"P-521", {PETLS_GROUP_SECP521R1}, 1},
        {"secp521r1", {PETLS_GROUP_SECP521R1}, 1},
        {"ffdhe2048", {PETLS_GROUP_FFDHE2048}, 1},
        {"FFDHE3072", {PETLS_GROUP_FFDHE3072}, 1},
        {"ffdhe4096", {PETLS_GROUP_FFDHE4096}, 1},
        {"ffdhe6144", {PETLS_GROUP_FFDHE6144}, 1},
        {"ffdhe8192", {PETLS_GROUP_FFDHE8192}, 1},
        {"X25519:P-256,secp384r1",
         {PETLS_GROUP_X25519, PETLS_GROUP_SECP256R1, PETLS_GROUP_SECP384R1},
         3},
        {"P-384:X25519", {PETLS_GROUP_SECP384R1, PETLS_GROUP_X25519}, 2},
        {" X25519 , P-256 ", {PETLS_GROUP_X25519, PETLS_GROUP_SECP256R1}, 2},
        /* The same group twice (by any name) counts once, first place. */
        {"P-256:X25519:prime256v1:secp256r1",
         {PETLS_GROUP_SECP256R1, PETLS_GROUP_X25519},
         2},
        {"X25519::P-256:", {PETLS_GROUP_X25519, PETLS_GROUP_SECP256R1}, 2},
        {"auto", {0}, 0},
        {"AUTO", {0}, 0},
        {"default", {0}, 0},
        {" auto ", {0}, 0},
        {"X25519:X448:P-256:P-384:P-521:ffdhe2048:ffdhe3072:ffdhe4096:"
         "ffdhe6144:ffdhe8192",
         {PETLS_GROUP_X25519, PETLS_GROUP_X448, PETLS_GROUP_SECP256R1,
          PETLS_GROUP_SECP384R1, PETLS_GROUP_SECP521R1, PETLS_GROUP_FFDHE2048,
          PETLS_GROUP_FFDHE3072, PETLS_GROUP_FFDHE4096, PETLS_GROUP_FFDHE6144,
          PETLS_GROUP_FFDHE8192},
         10},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[16];
        char err[128] = "";
        int k, rc;

        rc = petls_groups_parse(cases[i].in, out, 16, err, sizeof(err));
        cr_assert_eq(rc, cases[i].n, "'%s': rc %d err '%s'", cases[i].in, rc,
                     err);
        for (k = 0; k < rc; k++)
            cr_assert_eq(out[k], cases[i].want[k], "'%s' [%d]", cases[i].in, k);
    }
}

struct groups_bad {
    const char *in;
    const char *err;
};

Test(groups, rejected_lists)
{
    static const struct groups_bad cases[] = {
        {"", "empty group list"},
        {" : , ", "empty group list"},
        {"X25519:P-255", "unknown group 'P-255'"},
        {"brainpoolP256r1", "unknown group 'brainpoolP256r1'"},
        {"secp256k1", "unknown group 'secp256k1'"},
        {"X25519MLKEM768", "unknown group 'X25519MLKEM768'"},
        {"P256", "unknown group 'P256'"},
        {"ffdhe1024", "unknown group 'ffdhe1024'"},
        {"X25519;P-256", "unknown group 'X25519;P-256'"},
        {"X 25519", "unknown group 'X 25519'"},
        {"auto:X25519", "'auto' cannot be combined with other groups in "
                        "'auto:X25519'"},
        {"P-256,default", "'auto' cannot be combined with other groups in "
                          "'P-256,default'"},
        {"auto:auto", "'auto' cannot be combined with other groups in "
                      "'auto:auto'"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[16];
        char err[128] = "";

        cr_assert_eq(petls_groups_parse(cases[i].in, out, 16, err, sizeof(err)),
                     -1, "'%s' accepted", cases[i].in);
        cr_assert_str_eq(err, cases[i].err, "'%s'", cases[i].in);
    }
}

Test(groups, bounds)
{
    uint16_t out[3] = {0, 0, 0x1234};
    char err[128] = "";

    cr_assert_eq(petls_groups_parse(NULL, out, 2, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "empty group list");
    cr_assert_eq(petls_groups_parse("X25519:P-256", out, 2, err, sizeof(err)),
                 2);
    cr_assert_eq(
        petls_groups_parse("X25519:P-256:X25519", out, 2, err, sizeof(err)), 2);
    cr_assert_eq(
        petls_groups_parse("X25519:P-256:P-384", out, 2, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "too many groups in 'X25519:P-256:P-384'");
    cr_assert_eq(out[2], 0x1234, "wrote past max");
    cr_assert_eq(petls_groups_parse("auto", NULL, 0, err, sizeof(err)), 0);
    cr_assert_eq(petls_groups_parse("X25519", NULL, 0, err, sizeof(err)), -1);
    cr_assert_eq(petls_groups_parse("nope", out, 2, NULL, 0), -1);
}

Test(groups, names)
{
    static const struct {
        uint16_t id;
        const char *name;
    } cases[] = {
        {PETLS_GROUP_X25519, "X25519"},
        {PETLS_GROUP_X448, "X448"},
        {PETLS_GROUP_SECP256R1, "P-256"},
        {PETLS_GROUP_SECP384R1, "P-384"},
        {PETLS_GROUP_SECP521R1, "P-521"},
        {PETLS_GROUP_FFDHE2048, "ffdhe2048"},
        {PETLS_GROUP_FFDHE3072, "ffdhe3072"},
        {PETLS_GROUP_FFDHE4096, "ffdhe4096"},
        {PETLS_GROUP_FFDHE6144, "ffdhe6144"},
        {PETLS_GROUP_FFDHE8192, "ffdhe8192"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[2];
        char err[64];
        const char *name = petls_group_name(cases[i].id);

        cr_assert_not_null(name, "%#x", cases[i].id);
        cr_assert_str_eq(name, cases[i].name);
        /* The printed name parses back to the same group. */
        cr_assert_eq(petls_groups_parse(name, out, 2, err, sizeof(err)), 1);
        cr_assert_eq(out[0], cases[i].id);
    }
    cr_assert_null(petls_group_name(0));
    cr_assert_null(petls_group_name(0x0016));
    cr_assert_null(petls_group_name(0x11EC));
    cr_assert_null(petls_group_name(0xffff));
}

/* The group-name table holds what the build has (cmake/PetlsTables.cmake,
 * src/backend/mbedtls/mbedtls_groups_probe.h): whole when untrimmed,
 * exactly the groups pb_group_supported() reports when trimmed (mbedTLS
 * built from source: the srcmbedtls and qemu runs). */
Test(groups, table_is_the_build)
{
    static const uint16_t all[] = {PETLS_GROUPS_ALL_IDS};
    size_t i;

    cr_assert_eq(sizeof(all) / sizeof(all[0]), PETLS_GROUPS_IN_SOURCE);
    for (i = 0; i < PETLS_GROUPS_IN_SOURCE; i++) {
        int named = petls_group_name(all[i]) != NULL;

        if (!PETLS_TABLES_TRIMMED)
            cr_assert(named, "group %#06x left out of a whole table", all[i]);
        else
            cr_assert_eq(named, pb_group_supported(all[i]) != 0,
                         "group %#06x: in the trimmed table %d, supported "
                         "by the backend %d",
                         all[i], named, pb_group_supported(all[i]) != 0);
    }
}
