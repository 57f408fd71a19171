/* The cipher-suite table and cipher-list parsing (backend-neutral). */
#include "cipher_suites.h"

#include <stdio.h>
#include <string.h>

#include "list_token.h"

#define ALL_ALIASES                                                            \
    (PETLS_CS_SECURE | PETLS_CS_COMPAT | PETLS_CS_LEGACY | PETLS_CS_INSECURE)
#define FROM_LEGACY (PETLS_CS_LEGACY | PETLS_CS_INSECURE)
#define FROM_COMPAT (PETLS_CS_COMPAT | FROM_LEGACY)

/* Every suite petls can negotiate with mbedTLS 3.6 and AES or ChaCha20, in
 * preference order (aliases expand in this order): TLS 1.3, then forward
 * secret AEAD, forward secret CBC, RSA key exchange, and last the PSK suites,
 * which no alias selects because they need a PSK configured. CCM_8's 64-bit
 * tag keeps it out of "secure" and "compat". Names are IANA's and OpenSSL's
 * (checked against `openssl ciphers -V -stdname` by the unit tests). */
/* Trimmed to the build (cmake/PetlsTables.cmake): the generated
 * petls_tables_built.h defines PETLS_SUITE_<code>(...) for every CS() entry
 * below, expanding to its arguments when the mbedTLS build can negotiate
 * that suite (or in an untrimmed build) and to nothing when it cannot, so
 * a small firmware does not carry 78 suites' names for the one it has. The
 * selection is made by the build from mbedTLS's own ciphersuite table under
 * the mbedTLS config: nothing here includes mbedTLS. Entries are one CS()
 * each with no comma between them (the macro adds it), which clang-format
 * cannot lay out: the table is kept as written. */
#include "petls_tables_built.h"
#define CS(code, ...) PETLS_SUITE_##code({0x##code, __VA_ARGS__}, )

/* clang-format off */
static const struct petls_cipher_info cipher_table[] = {
    CS(1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", 0x0304,
     PETLS_KX_TLS13, 256, 1, ALL_ALIASES)
    CS(1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
     0x0304, PETLS_KX_TLS13, 256, 1, ALL_ALIASES)
    CS(1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", 0x0304,
     PETLS_KX_TLS13, 128, 1, ALL_ALIASES)
    CS(1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", 0x0304,
     PETLS_KX_TLS13, 128, 1, ALL_ALIASES)
    CS(1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", 0x0304,
     PETLS_KX_TLS13, 128, 1, FROM_LEGACY)
    CS(C02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
     "ECDHE-ECDSA-AES256-GCM-SHA384", 0x0303, PETLS_KX_ECDHE_ECDSA, 256, 1,
     ALL_ALIASES)
    CS(C030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
     "ECDHE-RSA-AES256-GCM-SHA384", 0x0303, PETLS_KX_ECDHE_RSA, 256, 1,
     ALL_ALIASES)
    CS(CCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     "ECDHE-ECDSA-CHACHA20-POLY1305", 0x0303, PETLS_KX_ECDHE_ECDSA, 256, 1,
     ALL_ALIASES)
    CS(CCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     "ECDHE-RSA-CHACHA20-POLY1305", 0x0303, PETLS_KX_ECDHE_RSA, 256, 1,
     ALL_ALIASES)
    CS(C02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
     "ECDHE-ECDSA-AES128-GCM-SHA256", 0x0303, PETLS_KX_ECDHE_ECDSA, 128, 1,
     ALL_ALIASES)
    CS(C02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     "ECDHE-RSA-AES128-GCM-SHA256", 0x0303, PETLS_KX_ECDHE_RSA, 128, 1,
     ALL_ALIASES)
    CS(C0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM",
     0x0303, PETLS_KX_ECDHE_ECDSA, 256, 1, ALL_ALIASES)
    CS(C0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM",
     0x0303, PETLS_KX_ECDHE_ECDSA, 128, 1, ALL_ALIASES)
    CS(C024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
     "ECDHE-ECDSA-AES256-SHA384", 0x0303, PETLS_KX_ECDHE_ECDSA, 256, 0,
     FROM_COMPAT)
    CS(C028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384",
     0x0303, PETLS_KX_ECDHE_RSA, 256, 0, FROM_COMPAT)
    CS(C023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
     "ECDHE-ECDSA-AES128-SHA256", 0x0303, PETLS_KX_ECDHE_ECDSA, 128, 0,
     FROM_COMPAT)
    CS(C027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256",
     0x0303, PETLS_KX_ECDHE_RSA, 128, 0, FROM_COMPAT)
    CS(C00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA",
     0x0303, PETLS_KX_ECDHE_ECDSA, 256, 0, FROM_COMPAT)
    CS(C014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA",
     0x0303, PETLS_KX_ECDHE_RSA, 256, 0, FROM_COMPAT)
    CS(C009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA",
     0x0303, PETLS_KX_ECDHE_ECDSA, 128, 0, FROM_COMPAT)
    CS(C013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA",
     0x0303, PETLS_KX_ECDHE_RSA, 128, 0, FROM_COMPAT)
    CS(C0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8",
     0x0303, PETLS_KX_ECDHE_ECDSA, 256, 1, FROM_LEGACY)
    CS(C0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8",
     0x0303, PETLS_KX_ECDHE_ECDSA, 128, 1, FROM_LEGACY)
    CS(009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384",
     0x0303, PETLS_KX_DHE_RSA, 256, 1, ALL_ALIASES)
    CS(CCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     "DHE-RSA-CHACHA20-POLY1305", 0x0303, PETLS_KX_DHE_RSA, 256, 1,
     ALL_ALIASES)
    CS(009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256",
     0x0303, PETLS_KX_DHE_RSA, 128, 1, ALL_ALIASES)
    CS(C09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM", 0x0303,
     PETLS_KX_DHE_RSA, 256, 1, ALL_ALIASES)
    CS(C09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM", 0x0303,
     PETLS_KX_DHE_RSA, 128, 1, ALL_ALIASES)
    CS(006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256",
     0x0303, PETLS_KX_DHE_RSA, 256, 0, FROM_LEGACY)
    CS(0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256",
     0x0303, PETLS_KX_DHE_RSA, 128, 0, FROM_LEGACY)
    CS(0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", 0x0303,
     PETLS_KX_DHE_RSA, 256, 0, FROM_LEGACY)
    CS(0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", 0x0303,
     PETLS_KX_DHE_RSA, 128, 0, FROM_LEGACY)
    CS(C0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8", 0x0303,
     PETLS_KX_DHE_RSA, 256, 1, FROM_LEGACY)
    CS(C0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8", 0x0303,
     PETLS_KX_DHE_RSA, 128, 1, FROM_LEGACY)
    CS(009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", 0x0303,
     PETLS_KX_RSA, 256, 1, FROM_LEGACY)
    CS(009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", 0x0303,
     PETLS_KX_RSA, 128, 1, FROM_LEGACY)
    CS(C09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM", 0x0303, PETLS_KX_RSA,
     256, 1, FROM_LEGACY)
    CS(C09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM", 0x0303, PETLS_KX_RSA,
     128, 1, FROM_LEGACY)
    CS(003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", 0x0303,
     PETLS_KX_RSA, 256, 0, FROM_LEGACY)
    CS(003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", 0x0303,
     PETLS_KX_RSA, 128, 0, FROM_LEGACY)
    CS(0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", 0x0303, PETLS_KX_RSA,
     256, 0, FROM_LEGACY)
    CS(002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", 0x0303, PETLS_KX_RSA,
     128, 0, FROM_LEGACY)
    CS(C0A1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8", 0x0303, PETLS_KX_RSA,
     256, 1, FROM_LEGACY)
    CS(C0A0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8", 0x0303, PETLS_KX_RSA,
     128, 1, FROM_LEGACY)
    CS(CCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
     "ECDHE-PSK-CHACHA20-POLY1305", 0x0303, PETLS_KX_ECDHE_PSK, 256, 1, 0)
    CS(C038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",
     "ECDHE-PSK-AES256-CBC-SHA384", 0x0303, PETLS_KX_ECDHE_PSK, 256, 0, 0)
    CS(C037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
     "ECDHE-PSK-AES128-CBC-SHA256", 0x0303, PETLS_KX_ECDHE_PSK, 128, 0, 0)
    CS(C036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA",
     0x0303, PETLS_KX_ECDHE_PSK, 256, 0, 0)
    CS(C035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA",
     0x0303, PETLS_KX_ECDHE_PSK, 128, 0, 0)
    CS(00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384",
     0x0303, PETLS_KX_DHE_PSK, 256, 1, 0)
    CS(CCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
     "DHE-PSK-CHACHA20-POLY1305", 0x0303, PETLS_KX_DHE_PSK, 256, 1, 0)
    CS(00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256",
     0x0303, PETLS_KX_DHE_PSK, 128, 1, 0)
    CS(C0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM", 0x0303,
     PETLS_KX_DHE_PSK, 256, 1, 0)
    CS(C0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM", 0x0303,
     PETLS_KX_DHE_PSK, 128, 1, 0)
    CS(00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384",
     0x0303, PETLS_KX_DHE_PSK, 256, 0, 0)
    CS(00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256",
     0x0303, PETLS_KX_DHE_PSK, 128, 0, 0)
    CS(0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA",
     0x0303, PETLS_KX_DHE_PSK, 256, 0, 0)
    CS(0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA",
     0x0303, PETLS_KX_DHE_PSK, 128, 0, 0)
    CS(C0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8", 0x0303,
     PETLS_KX_DHE_PSK, 256, 1, 0)
    CS(C0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8", 0x0303,
     PETLS_KX_DHE_PSK, 128, 1, 0)
    CS(00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384", 0x0303,
     PETLS_KX_PSK, 256, 1, 0)
    CS(CCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305",
     0x0303, PETLS_KX_PSK, 256, 1, 0)
    CS(00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256", 0x0303,
     PETLS_KX_PSK, 128, 1, 0)
    CS(C0A5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM", 0x0303, PETLS_KX_PSK,
     256, 1, 0)
    CS(C0A4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM", 0x0303, PETLS_KX_PSK,
     128, 1, 0)
    CS(00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384", 0x0303,
     PETLS_KX_PSK, 256, 0, 0)
    CS(00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256", 0x0303,
     PETLS_KX_PSK, 128, 0, 0)
    CS(008D, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA", 0x0303,
     PETLS_KX_PSK, 256, 0, 0)
    CS(008C, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA", 0x0303,
     PETLS_KX_PSK, 128, 0, 0)
    CS(C0A9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8", 0x0303,
     PETLS_KX_PSK, 256, 1, 0)
    CS(C0A8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8", 0x0303,
     PETLS_KX_PSK, 128, 1, 0)
    CS(00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384",
     0x0303, PETLS_KX_RSA_PSK, 256, 1, 0)
    CS(CCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256",
     "RSA-PSK-CHACHA20-POLY1305", 0x0303, PETLS_KX_RSA_PSK, 256, 1, 0)
    CS(00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256",
     0x0303, PETLS_KX_RSA_PSK, 128, 1, 0)
    CS(00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384",
     0x0303, PETLS_KX_RSA_PSK, 256, 0, 0)
    CS(00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256",
     0x0303, PETLS_KX_RSA_PSK, 128, 0, 0)
    CS(0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA",
     0x0303, PETLS_KX_RSA_PSK, 256, 0, 0)
    CS(0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA",
     0x0303, PETLS_KX_RSA_PSK, 128, 0, 0)
};
/* clang-format on */

#define N_CIPHERS (sizeof(cipher_table) / sizeof(cipher_table[0]))

/* libtls's aliases. */
static const struct {
    const char *name;
    unsigned bit;
} cipher_aliases[] = {
    {"secure", PETLS_CS_SECURE},     {"default", PETLS_CS_SECURE},
    {"compat", PETLS_CS_COMPAT},     {"legacy", PETLS_CS_LEGACY},
    {"insecure", PETLS_CS_INSECURE}, {"all", PETLS_CS_INSECURE},
};

/* Table index of the suite named tok, or -1. */
static int index_by_name(const char *tok, size_t len)
{
    size_t i;

    for (i = 0; i < N_CIPHERS; i++) {
        if (petls_token_eq(tok, len, cipher_table[i].openssl) ||
            petls_token_eq(tok, len, cipher_table[i].iana))
            return (int)i;
    }
    return -1;
}

const struct petls_cipher_info *petls_cipher_by_id(uint16_t id)
{
    size_t i;

    for (i = 0; i < N_CIPHERS; i++) {
        if (cipher_table[i].id == id)
            return &cipher_table[i];
    }
    return NULL;
}

const struct petls_cipher_info *petls_cipher_by_name(const char *name)
{
    int i;

    if (name == NULL)
        return NULL;
    i = index_by_name(name, strlen(name));
    return i < 0 ? NULL : &cipher_table[i];
}

size_t petls_cipher_table_size(void)
{
    return N_CIPHERS;
}

const struct petls_cipher_info *petls_cipher_at(size_t i)
{
    return i < N_CIPHERS ? &cipher_table[i] : NULL;
}

/* What one token selects: a set of table entries, as a flag per entry. */
static int select_token(const char *tok, size_t len,
                        unsigned char sel[N_CIPHERS])
{
    size_t i;
    int idx;

    memset(sel, 0, N_CIPHERS);
    for (i = 0; i < sizeof(cipher_aliases) / sizeof(cipher_aliases[0]); i++) {
        if (petls_token_eq(tok, len, cipher_aliases[i].name)) {
            size_t k;

            for (k = 0; k < N_CIPHERS; k++)
                sel[k] = (cipher_table[k].aliases & cipher_aliases[i].bit) != 0;
            return 0;
        }
    }
    idx = index_by_name(tok, len);
    if (idx < 0)
        return -1;
    sel[idx] = 1;
    return 0;
}

int petls_cipher_list_parse(const char *str, uint16_t *out, size_t max,
                            char *err, size_t errlen)
{
    /* Entries removed with "!": they stay out even if named again later,
     * as in OpenSSL. */
    unsigned char banned[N_CIPHERS];
    unsigned char sel[N_CIPHERS];
    size_t count = 0, tokens = 0;
    const char *p;

    if (str == NULL) {
        petls_list_error(err, errlen, "empty cipher list", NULL, 0);
        return -1;
    }
    memset(banned, 0, sizeof(banned));

    p = str;
    for (;;) {
        const char *tok, *end;
        size_t len, k;
        int negate = 0;

        while (petls_list_is_space(*p))
            p++;
        if (*p == '!') {
            negate = 1;
            p++;
        }
        tok = p;
        while (*p != '\0' && *p != ',' && *p != ':')
            p++;
        end = p;
        while (end > tok && petls_list_is_space(end[-1]))
            end--;
        len = (size_t)(end - tok);

        if (len == 0 && negate) {
            petls_list_error(err, errlen, "unknown cipher", tok - 1, 1);
            return -1;
        }
        if (len != 0) {
            tokens++;
            if (select_token(tok, len, sel) != 0) {
                petls_list_error(err, errlen, "unknown cipher", tok, len);
                return -1;
            }
            for (k = 0; k < N_CIPHERS; k++) {
                size_t j, w;

                if (!sel[k])
                    continue;
                if (negate) {
                    banned[k] = 1;
                    for (j = 0, w = 0; j < count; j++) {
                        if (out[j] != cipher_table[k].id)
                            out[w++] = out[j];
                    }
                    count = w;
                    continue;
                }
                if (banned[k])
                    continue;
                for (j = 0; j < count; j++) {
                    if (out[j] == cipher_table[k].id)
                        break;
                }
                if (j < count)
                    continue;
                if (out == NULL || count >= max) {
                    petls_list_error(err, errlen, "too many ciphers in", str,
                                     strlen(str));
                    return -1;
                }
                out[count++] = cipher_table[k].id;
            }
        }

        if (*p == '\0')
            break;
        p++;
    }

    if (tokens == 0) {
        petls_list_error(err, errlen, "empty cipher list", NULL, 0);
        return -1;
    }
    if (count == 0) {
        petls_list_error(err, errlen, "no ciphers selected by", str,
                         strlen(str));
        return -1;
    }
    return (int)count;
}
