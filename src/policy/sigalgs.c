/* Signature algorithms (TLS SignatureScheme), backend-neutral. */
#include "sigalgs.h"

#include <string.h>

#include "list_token.h"

static const struct {
    uint16_t id;
    const char *iana; /* RFC 8446 4.2.3 name */
    const char *ossl; /* OpenSSL's "SIG+HASH" spelling accepted, or NULL */
    const char *node; /* what Node's getSharedSigalgs() prints */
} sigalg_table[] = {
    {0x0403, "ecdsa_secp256r1_sha256", "ECDSA+SHA256", "ECDSA+SHA256"},
    {0x0503, "ecdsa_secp384r1_sha384", "ECDSA+SHA384", "ECDSA+SHA384"},
    {0x0603, "ecdsa_secp521r1_sha512", "ECDSA+SHA512", "ECDSA+SHA512"},
    {0x0807, "ed25519", NULL, "Ed25519+UNDEF"},
    {0x0808, "ed448", NULL, "Ed448+UNDEF"},
    {0x0804, "rsa_pss_rsae_sha256", "RSA-PSS+SHA256", "RSA-PSS+SHA256"},
    {0x0805, "rsa_pss_rsae_sha384", "RSA-PSS+SHA384", "RSA-PSS+SHA384"},
    {0x0806, "rsa_pss_rsae_sha512", "RSA-PSS+SHA512", "RSA-PSS+SHA512"},
    {0x0809, "rsa_pss_pss_sha256", NULL, "RSA-PSS+SHA256"},
    {0x080a, "rsa_pss_pss_sha384", NULL, "RSA-PSS+SHA384"},
    {0x080b, "rsa_pss_pss_sha512", NULL, "RSA-PSS+SHA512"},
    {0x0401, "rsa_pkcs1_sha256", "RSA+SHA256", "RSA+SHA256"},
    {0x0501, "rsa_pkcs1_sha384", "RSA+SHA384", "RSA+SHA384"},
    {0x0601, "rsa_pkcs1_sha512", "RSA+SHA512", "RSA+SHA512"},
    {0x0201, "rsa_pkcs1_sha1", "RSA+SHA1", "RSA+SHA1"},
    {0x0203, "ecdsa_sha1", "ECDSA+SHA1", "ECDSA+SHA1"},
};

#define N_SIGALGS (sizeof(sigalg_table) / sizeof(sigalg_table[0]))

_Static_assert(N_SIGALGS == PETLS_MAX_SIGALGS,
               "PETLS_MAX_SIGALGS is the table's size");

/* OpenSSL's "PSS+SHA256" is "RSA-PSS+SHA256". */
static int ossl_eq(const char *tok, size_t len, const char *lit)
{
    if (petls_token_eq(tok, len, lit))
        return 1;
    if (strncmp(lit, "RSA-PSS+", 8) == 0 && len > 4 &&
        petls_token_eq(tok, 4, "PSS+"))
        return petls_token_eq(tok + 4, len - 4, lit + 8);
    return 0;
}

static int lookup(const char *tok, size_t len)
{
    size_t i;

    for (i = 0; i < N_SIGALGS; i++) {
        if (petls_token_eq(tok, len, sigalg_table[i].iana) ||
            (sigalg_table[i].ossl != NULL &&
             ossl_eq(tok, len, sigalg_table[i].ossl)))
            return (int)i;
    }
    return -1;
}

int petls_sigalgs_parse(const char *str, uint16_t *out, size_t max, char *err,
                        size_t errlen)
{
    struct petls_list_iter it;
    struct petls_list_item t;
    size_t count = 0, k;

    if (str == NULL) {
        petls_list_error(err, errlen, "empty signature algorithm list", NULL,
                         0);
        return -1;
    }
    petls_list_begin(&it, str, 0);
    while (petls_list_next(&it, &t)) {
        int i;
        uint16_t id;

        if (t.len == 0)
            continue; /* stray separators are harmless */
        i = lookup(t.tok, t.len);
        if (i < 0) {
            petls_list_error(err, errlen, "unknown signature algorithm", t.tok,
                             t.len);
            return -1;
        }
        id = sigalg_table[i].id;
        for (k = 0; k < count; k++) {
            if (out[k] == id)
                break;
        }
        if (k < count)
            continue;
        if (out == NULL || count >= max) {
            petls_list_error(err, errlen, "too many signature algorithms in",
                             str, strlen(str));
            return -1;
        }
        out[count++] = id;
    }
    if (count == 0) {
        petls_list_error(err, errlen, "empty signature algorithm list", NULL,
                         0);
        return -1;
    }
    return (int)count;
}

static int find(uint16_t id)
{
    size_t i;

    for (i = 0; i < N_SIGALGS; i++) {
        if (sigalg_table[i].id == id)
            return (int)i;
    }
    return -1;
}

const char *petls_sigalg_name(uint16_t id)
{
    int i = find(id);

    return i < 0 ? NULL : sigalg_table[i].iana;
}

const char *petls_sigalg_node_name(uint16_t id)
{
    int i = find(id);

    return i < 0 ? NULL : sigalg_table[i].node;
}

static int has(const uint16_t *list, size_t n, uint16_t id)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (list[i] == id)
            return 1;
    }
    return 0;
}

size_t petls_sigalgs_shared(const uint16_t *offer, size_t n_offer,
                            const uint16_t *ours, size_t n_ours, int ours_first,
                            uint16_t *out, size_t max)
{
    const uint16_t *pref = ours_first ? ours : offer;
    const uint16_t *allow = ours_first ? offer : ours;
    size_t n_pref = ours_first ? n_ours : n_offer;
    size_t n_allow = ours_first ? n_offer : n_ours;
    size_t i, n = 0;

    for (i = 0; i < n_pref; i++) {
        uint16_t id = pref[i];

        if (find(id) < 0 || !has(allow, n_allow, id) || has(pref, i, id))
            continue;
        if (out != NULL && n < max)
            out[n] = id;
        n++;
    }
    return n;
}
