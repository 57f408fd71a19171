/* The cipher-suite table and cipher-list parsing. */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cipher_suites.h"
#include "petls_tables_built.h"

#define TABLE_MAX 128

static const struct petls_cipher_info *entry(size_t i)
{
    /* The table is reachable only through lookups; walk the id space. */
    static const struct petls_cipher_info *all[TABLE_MAX];
    static size_t n;
    unsigned id;

    if (n == 0) {
        for (id = 0; id <= 0xffff; id++) {
            const struct petls_cipher_info *c =
                petls_cipher_by_id((uint16_t)id);

            if (c != NULL && n < TABLE_MAX)
                all[n++] = c;
        }
    }
    return i < n ? all[i] : NULL;
}

Test(cipher_suites, table_is_consistent)
{
    size_t n = petls_cipher_table_size(), i, j;

    /* Whole, or trimmed to the mbedTLS build (table_is_the_build's). */
    cr_assert_geq(n, PETLS_TABLES_TRIMMED ? 1 : 78, "table has %zu entries",
                  n);
    cr_assert_leq(n, TABLE_MAX);
    for (i = 0; i < n; i++) {
        const struct petls_cipher_info *c = entry(i);

        cr_assert_not_null(c, "entry %zu unreachable by id", i);
        /* Lookups by both names find the same entry, in any case. */
        cr_assert_eq(petls_cipher_by_name(c->iana), c, "%s", c->iana);
        cr_assert_eq(petls_cipher_by_name(c->openssl), c, "%s", c->openssl);
        cr_assert(strncmp(c->iana, "TLS_", 4) == 0, "%s", c->iana);
        if (c->min_version == 0x0304) {
            cr_assert_eq(c->kx, PETLS_KX_TLS13, "%s", c->iana);
            cr_assert_eq(c->id >> 8, 0x13, "%s", c->iana);
            cr_assert_str_eq(c->iana, c->openssl);
        } else {
            cr_assert_eq(c->min_version, 0x0303, "%s", c->iana);
            cr_assert_neq(c->kx, PETLS_KX_TLS13, "%s", c->iana);
            cr_assert(strstr(c->iana, "_WITH_") != NULL, "%s", c->iana);
        }
        cr_assert(c->strength_bits == 128 || c->strength_bits == 256);
        /* The name says the key size and whether it is AEAD. */
        cr_assert_eq(c->strength_bits == 256,
                     strstr(c->iana, "AES_256") != NULL ||
                         strstr(c->iana, "CHACHA20") != NULL,
                     "%s", c->iana);
        cr_assert_eq(c->aead,
                     strstr(c->iana, "GCM") != NULL ||
                         strstr(c->iana, "CCM") != NULL ||
                         strstr(c->iana, "POLY1305") != NULL,
                     "%s", c->iana);
        /* Aliases nest: secure within compat within legacy within all. */
        if (c->aliases & PETLS_CS_SECURE)
            cr_assert(c->aliases & PETLS_CS_COMPAT, "%s", c->iana);
        if (c->aliases & PETLS_CS_COMPAT)
            cr_assert(c->aliases & PETLS_CS_LEGACY, "%s", c->iana);
        if (c->aliases & PETLS_CS_LEGACY)
            cr_assert(c->aliases & PETLS_CS_INSECURE, "%s", c->iana);
        for (j = 0; j < i; j++) {
            cr_assert_neq(entry(j)->id, c->id);
            cr_assert_str_neq(entry(j)->iana, c->iana);
            cr_assert_str_neq(entry(j)->openssl, c->openssl);
        }
    }
    cr_assert_null(entry(n));
}

Test(cipher_suites, alias_policy)
{
    size_t n = petls_cipher_table_size(), i;

    for (i = 0; i < n; i++) {
        const struct petls_cipher_info *c = entry(i);
        int psk = c->kx == PETLS_KX_PSK || c->kx == PETLS_KX_ECDHE_PSK ||
                  c->kx == PETLS_KX_DHE_PSK || c->kx == PETLS_KX_RSA_PSK;
        int fs = c->kx == PETLS_KX_TLS13 || c->kx == PETLS_KX_ECDHE_ECDSA ||
                 c->kx == PETLS_KX_ECDHE_RSA || c->kx == PETLS_KX_DHE_RSA;
        int ccm8 = strstr(c->iana, "CCM_8") != NULL;

        if (psk) {
            cr_assert_eq(c->aliases, 0u, "%s in an alias", c->iana);
            continue;
        }
        cr_assert(c->aliases & PETLS_CS_INSECURE, "%s", c->iana);
        cr_assert_eq((c->aliases & PETLS_CS_SECURE) != 0,
                     fs && c->aead && !ccm8, "secure: %s", c->iana);
        cr_assert_eq((c->aliases & PETLS_CS_COMPAT) != 0,
                     fs && !ccm8 && (c->aead || c->kx != PETLS_KX_DHE_RSA),
                     "compat: %s", c->iana);
        cr_assert(c->aliases & PETLS_CS_LEGACY, "%s", c->iana);
    }
}

/* Every entry's names and code point must be what OpenSSL says, where
 * OpenSSL knows the suite. */
Test(cipher_suites, names_match_openssl)
{
    FILE *p = popen("openssl ciphers -V -stdname -ciphersuites "
                    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
                    "TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:"
                    "TLS_AES_128_CCM_8_SHA256 'ALL:PSK:@SECLEVEL=0' "
                    "2>/dev/null",
                    "r");
    char line[512];
    size_t n = petls_cipher_table_size(), i, known = 0;
    int seen[TABLE_MAX] = {0};

    cr_assert_not_null(p);
    while (fgets(line, sizeof(line), p) != NULL) {
        unsigned hi, lo;
        char iana[128], ossl[128];
        const struct petls_cipher_info *c;

        /* "0xC0,0x2C - TLS_ECDHE_... - ECDHE-ECDSA-AES256-GCM-SHA384 ..." */
        if (sscanf(line, " 0x%x,0x%x - %127s - %127s", &hi, &lo, iana, ossl) !=
            4)
            continue;
        c = petls_cipher_by_id((uint16_t)(hi << 8 | lo));
        if (c == NULL)
            continue;
        cr_assert_str_eq(c->iana, iana, "id %#x", c->id);
        cr_assert_str_eq(c->openssl, ossl, "id %#x", c->id);
        for (i = 0; i < n; i++) {
            if (entry(i) == c && !seen[i]) {
                seen[i] = 1;
                known++;
            }
        }
    }
    cr_assert_eq(pclose(p), 0, "openssl ciphers failed");
    /* OpenSSL 3 knows every suite of ours. */
    for (i = 0; i < n; i++)
        cr_assert(seen[i], "%s not listed by openssl", entry(i)->iana);
    cr_assert_eq(known, n);
}

Test(cipher_suites, lookups)
{
    const struct petls_cipher_info *c;

    c = petls_cipher_by_name("ECDHE-ECDSA-AES128-GCM-SHA256");
    cr_assert_not_null(c);
    cr_assert_eq(c->id, 0xC02B);
    cr_assert_eq(c->kx, PETLS_KX_ECDHE_ECDSA);
    cr_assert_eq(c->strength_bits, 128);
    cr_assert_eq(c->aead, 1);
    cr_assert_eq(
        petls_cipher_by_name("tls_ecdhe_ecdsa_with_aes_128_gcm_sha256"), c);
    cr_assert_eq(petls_cipher_by_name("ecdhe-ecdsa-aes128-gcm-sha256"), c);
    cr_assert_eq(petls_cipher_by_id(0xC02B), c);

    c = petls_cipher_by_id(0x1303);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->iana, "TLS_CHACHA20_POLY1305_SHA256");
    cr_assert_eq(c->min_version, 0x0304);
    c = petls_cipher_by_id(0x002F);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->openssl, "AES128-SHA");
    cr_assert_eq(c->kx, PETLS_KX_RSA);
    cr_assert_eq(c->aead, 0);
    c = petls_cipher_by_id(0xC0AA);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->iana, "TLS_PSK_DHE_WITH_AES_128_CCM_8");
    cr_assert_eq(c->kx, PETLS_KX_DHE_PSK);

    /* Not ours: static ECDH, ECJPAKE, NULL ciphers, 3DES, nonsense. */
    cr_assert_null(petls_cipher_by_id(0xC02D));
    cr_assert_null(petls_cipher_by_id(0xC0FF));
    cr_assert_null(petls_cipher_by_id(0x0001));
    cr_assert_null(petls_cipher_by_id(0x000A));
    cr_assert_null(petls_cipher_by_id(0x0000));
    cr_assert_null(petls_cipher_by_name("DES-CBC3-SHA"));
    cr_assert_null(petls_cipher_by_name("ECDHE-ECDSA-AES128-GCM-SHA256 "));
    cr_assert_null(petls_cipher_by_name("ECDHE-ECDSA-AES128-GCM"));
    cr_assert_null(petls_cipher_by_name(""));
    cr_assert_null(petls_cipher_by_name(NULL));
    cr_assert_null(petls_cipher_by_name("secure"));
}

struct list_ok {
    const char *in;
    uint16_t want[8];
    int n;
};

Test(cipher_suites, explicit_lists)
{
    static const struct list_ok cases[] = {
        {"ECDHE-RSA-AES128-GCM-SHA256", {0xC02F}, 1},
        {"TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384",
         {0x1301, 0xC030},
         2},
        {"ECDHE-RSA-AES256-GCM-SHA384,TLS_AES_128_GCM_SHA256",
         {0xC030, 0x1301},
         2},
        {" AES128-SHA : aes256-sha ,DHE-RSA-AES128-GCM-SHA256 ",
         {0x002F, 0x0035, 0x009E},
         3},
        /* Duplicates, also by another name, keep the first position. */
        {"AES128-SHA:TLS_RSA_WITH_AES_128_CBC_SHA:AES256-SHA:aes128-sha",
         {0x002F, 0x0035},
         2},
        /* Stray separators are harmless. */
        {"::AES128-SHA,,AES256-SHA:", {0x002F, 0x0035}, 2},
        /* PSK suites by name only. */
        {"PSK-AES128-GCM-SHA256:ECDHE-PSK-CHACHA20-POLY1305",
         {0x00A8, 0xCCAC},
         2},
        /* Exclusions. */
        {"AES128-SHA:AES256-SHA:!AES128-SHA", {0x0035}, 1},
        {"!AES128-SHA:AES128-SHA:AES256-SHA", {0x0035}, 1},
        {"TLS_AES_128_GCM_SHA256:AES128-SHA:!legacy:AES256-SHA:"
         "PSK-AES128-CCM",
         {0xC0A4},
         1},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[TABLE_MAX];
        char err[128] = "";
        int k, rc;

        rc = petls_cipher_list_parse(cases[i].in, out, TABLE_MAX, err,
                                     sizeof(err));
        cr_assert_eq(rc, cases[i].n, "'%s': rc %d err '%s'", cases[i].in, rc,
                     err);
        for (k = 0; k < rc; k++)
            cr_assert_eq(out[k], cases[i].want[k], "'%s' [%d]: %#x",
                         cases[i].in, k, out[k]);
    }
}

/* The ids an alias expands to, by the table's own flags, in id order. */
static size_t alias_ids(unsigned bit, uint16_t *ids)
{
    size_t i, n = 0;

    for (i = 0; i < petls_cipher_table_size(); i++) {
        if (entry(i)->aliases & bit)
            ids[n++] = entry(i)->id;
    }
    return n;
}

static int contains(const uint16_t *ids, int n, uint16_t id)
{
    int i;

    for (i = 0; i < n; i++) {
        if (ids[i] == id)
            return 1;
    }
    return 0;
}

Test(cipher_suites, aliases)
{
    static const struct {
        const char *name;
        unsigned bit;
    } aliases[] = {
        {"secure", PETLS_CS_SECURE},     {"DEFAULT", PETLS_CS_SECURE},
        {"compat", PETLS_CS_COMPAT},     {"Legacy", PETLS_CS_LEGACY},
        {"insecure", PETLS_CS_INSECURE}, {"all", PETLS_CS_INSECURE},
    };
    uint16_t out[TABLE_MAX], want[TABLE_MAX];
    char err[128];
    size_t i, k;
    int rc, secure_n = 0, compat_n = 0, legacy_n = 0, all_n = 0;

    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        size_t nw = alias_ids(aliases[i].bit, want);

        rc = petls_cipher_list_parse(aliases[i].name, out, TABLE_MAX, err,
                                     sizeof(err));
        cr_assert_eq(rc, (int)nw, "%s: %d (%s)", aliases[i].name, rc, err);
        /* Same set (entry() walks ids, the alias the preference order). */
        for (k = 0; k < nw; k++)
            cr_assert(contains(out, rc, want[k]), "%s lacks %#x",
                      aliases[i].name, want[k]);
        if (aliases[i].bit == PETLS_CS_SECURE)
            secure_n = rc;
        else if (aliases[i].bit == PETLS_CS_COMPAT)
            compat_n = rc;
        else if (aliases[i].bit == PETLS_CS_LEGACY)
            legacy_n = rc;
        else
            all_n = rc;
    }
    cr_assert_lt(secure_n, compat_n);
    cr_assert_lt(compat_n, legacy_n);
    cr_assert_leq(legacy_n, all_n);

    /* Concrete membership, independent of the flags. */
    rc = petls_cipher_list_parse("secure", out, TABLE_MAX, err, sizeof(err));
    cr_assert_eq(out[0], 0x1302, "TLS 1.3 first, AES-256-GCM preferred");
    cr_assert(contains(out, rc, 0x1301));
    cr_assert(contains(out, rc, 0x1303));
    cr_assert(contains(out, rc, 0xC02B));
    cr_assert(contains(out, rc, 0xCCA8));
    cr_assert(contains(out, rc, 0x009E));
    cr_assert(!contains(out, rc, 0xC013), "CBC in secure");
    cr_assert(!contains(out, rc, 0x009C), "RSA kx in secure");
    cr_assert(!contains(out, rc, 0x1305), "CCM_8 in secure");
    cr_assert(!contains(out, rc, 0x00A8), "PSK in secure");

    rc = petls_cipher_list_parse("compat", out, TABLE_MAX, err, sizeof(err));
    cr_assert(contains(out, rc, 0xC013));
    cr_assert(contains(out, rc, 0xC028));
    cr_assert(!contains(out, rc, 0x0033), "DHE CBC in compat");
    cr_assert(!contains(out, rc, 0x002F), "RSA kx in compat");

    rc = petls_cipher_list_parse("legacy", out, TABLE_MAX, err, sizeof(err));
    cr_assert(contains(out, rc, 0x002F));
    cr_assert(contains(out, rc, 0x0033));
    cr_assert(contains(out, rc, 0x1305));
    cr_assert(!contains(out, rc, 0xCCAB), "PSK in legacy");

    rc = petls_cipher_list_parse("all", out, TABLE_MAX, err, sizeof(err));
    cr_assert(!contains(out, rc, 0x00A8), "PSK in all");

    /* Aliases combine with names and exclusions, in order. */
    rc = petls_cipher_list_parse("AES128-SHA:secure", out, TABLE_MAX, err,
                                 sizeof(err));
    cr_assert_eq(rc, secure_n + 1);
    cr_assert_eq(out[0], 0x002F);
    rc = petls_cipher_list_parse("secure:TLS_AES_256_GCM_SHA384", out,
                                 TABLE_MAX, err, sizeof(err));
    cr_assert_eq(rc, secure_n);
    rc = petls_cipher_list_parse("compat:!secure", out, TABLE_MAX, err,
                                 sizeof(err));
    cr_assert_eq(rc, compat_n - secure_n);
    cr_assert(!contains(out, rc, 0x1301));
    rc = petls_cipher_list_parse("all:PSK-AES128-GCM-SHA256", out, TABLE_MAX,
                                 err, sizeof(err));
    cr_assert_eq(rc, all_n + 1);
    cr_assert_eq(out[rc - 1], 0x00A8);
}

struct list_bad {
    const char *in;
    const char *err;
};

Test(cipher_suites, rejected_lists)
{
    static const struct list_bad cases[] = {
        {"", "empty cipher list"},
        {"   ", "empty cipher list"},
        {":,:", "empty cipher list"},
        {"FOO", "unknown cipher 'FOO'"},
        {"AES128-SHA:FOO:AES256-SHA", "unknown cipher 'FOO'"},
        {"AES128-SHA, FOO BAR ", "unknown cipher 'FOO BAR'"},
        {"HIGH", "unknown cipher 'HIGH'"},
        {"TLSv1.3", "unknown cipher 'TLSv1.3'"},
        {"DES-CBC3-SHA", "unknown cipher 'DES-CBC3-SHA'"},
        {"ECDH-ECDSA-AES128-GCM-SHA256",
         "unknown cipher 'ECDH-ECDSA-AES128-GCM-SHA256'"},
        {"!FOO", "unknown cipher 'FOO'"},
        {"AES128-SHA:!", "unknown cipher '!'"},
        {"AES128-SHA;AES256-SHA", "unknown cipher 'AES128-SHA;AES256-SHA'"},
        {"AES128-SHA:!AES128-SHA",
         "no ciphers selected by 'AES128-SHA:!AES128-SHA'"},
        {"!all", "no ciphers selected by '!all'"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint16_t out[TABLE_MAX];
        char err[128] = "";

        cr_assert_eq(petls_cipher_list_parse(cases[i].in, out, TABLE_MAX, err,
                                             sizeof(err)),
                     -1, "'%s' accepted", cases[i].in);
        cr_assert_str_eq(err, cases[i].err, "'%s'", cases[i].in);
    }
}

Test(cipher_suites, bounds)
{
    uint16_t out[4] = {0, 0, 0, 0xabcd};
    char err[128] = "";
    size_t n = petls_cipher_table_size();
    uint16_t *all = calloc(n, sizeof(*all));

    cr_assert_eq(petls_cipher_list_parse(NULL, out, 3, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "empty cipher list");
    cr_assert_eq(petls_cipher_list_parse("AES128-SHA:AES256-SHA:AES128-SHA256",
                                         out, 3, err, sizeof(err)),
                 3);
    cr_assert_eq(petls_cipher_list_parse(
                     "AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256", out,
                     3, err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err,
                     "too many ciphers in "
                     "'AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256'");
    cr_assert_eq(out[3], 0xabcd, "wrote past max");
    cr_assert_eq(petls_cipher_list_parse("secure", NULL, 0, err, sizeof(err)),
                 -1);
    /* Every suite named once fits in table_size entries. */
    cr_assert_not_null(all);
    {
        char list[8192] = "all";
        size_t i;
        int rc;

        for (i = 0; i < n; i++) {
            strcat(list, ":");
            strcat(list, entry(i)->iana);
            strcat(list, ",");
            strcat(list, entry(i)->openssl);
        }
        rc = petls_cipher_list_parse(list, all, n, err, sizeof(err));
        cr_assert_eq(rc, (int)n, "%d: %s", rc, err);
    }
    free(all);
    /* A tiny error buffer is cut, not overrun. */
    cr_assert_eq(petls_cipher_list_parse("FOO", out, 3, err, 5), -1);
    cr_assert_str_eq(err, "unkn");
    cr_assert_eq(petls_cipher_list_parse("FOO", out, 3, NULL, 0), -1);
}

/* The table holds what the build can negotiate (cmake/PetlsTables.cmake):
 * untrimmed, every suite of the source table; trimmed (mbedTLS built from
 * source), exactly the suites the backend supports, for every certificate
 * suite (PSK suites are not pb_cipher_supported: they need a PSK; they are
 * in the table when mbedTLS has them). */
Test(cipher_suites, table_is_the_build)
{
    static const uint16_t all[] = {PETLS_SUITES_ALL_IDS};
    size_t i, in_table = 0;

    cr_assert_eq(sizeof(all) / sizeof(all[0]), PETLS_SUITES_IN_SOURCE);
    for (i = 0; i < PETLS_SUITES_IN_SOURCE; i++) {
        const struct petls_cipher_info *c = petls_cipher_by_id(all[i]);
        int psk;

        in_table += c != NULL;
        if (!PETLS_TABLES_TRIMMED) {
            cr_assert_not_null(c, "suite %#06x left out of a whole table",
                               all[i]);
            continue;
        }
        if (c == NULL) {
            cr_assert_eq(pb_cipher_supported(all[i]), 0,
                         "suite %#06x: the backend supports it, the trimmed "
                         "table does not have it",
                         all[i]);
            continue;
        }
        psk = c->kx == PETLS_KX_PSK || c->kx == PETLS_KX_ECDHE_PSK ||
              c->kx == PETLS_KX_DHE_PSK || c->kx == PETLS_KX_RSA_PSK;
        if (!psk)
            cr_assert_eq(pb_cipher_supported(all[i]), 1,
                         "%s is in the trimmed table, the backend does not "
                         "support it",
                         c->iana);
    }
    cr_assert_eq(in_table, petls_cipher_table_size());
}
