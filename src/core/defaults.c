/* Node's tls module constants as calls: tls.DEFAULT_MIN_VERSION,
 * DEFAULT_MAX_VERSION, DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE and
 * tls.getCiphers(), from the config defaults, the cipher table and what the
 * backend implements. */
#include <string.h>

#include "cipher_suites.h"
#include "petls_internal.h"
#include "protocols.h"

/* The wire version of the lowest / highest bit of a PETLS_PROTOCOL_* set. */
static uint16_t bound_version(uint32_t protocols, int highest)
{
    if (highest) {
        return (protocols & PETLS_PROTOCOL_TLSv1_3) ? 0x0304 : 0x0303;
    }
    return (protocols & PETLS_PROTOCOL_TLSv1_2) ? 0x0303 : 0x0304;
}

const char *petls_default_min_version(void)
{
    return petls_version_name(bound_version(PETLS_PROTOCOLS_DEFAULT, 0));
}

const char *petls_default_max_version(void)
{
    return petls_version_name(bound_version(PETLS_PROTOCOLS_DEFAULT, 1));
}

const char *petls_default_ecdh_curve(void)
{
    return "auto";
}

size_t petls_default_ciphers(char *buf, size_t len)
{
    uint16_t ids[64];
    size_t n = pb_default_ciphers(ids, sizeof(ids) / sizeof(ids[0]));
    size_t i, total = 0;

    if (n > sizeof(ids) / sizeof(ids[0])) {
        n = sizeof(ids) / sizeof(ids[0]);
    }
    if (buf != NULL && len > 0) {
        buf[0] = '\0';
    }
    for (i = 0; i < n; i++) {
        const struct petls_cipher_info *ci = petls_cipher_by_id(ids[i]);
        size_t nl;

        if (ci == NULL) {
            continue; /* a backend default the table does not name */
        }
        nl = strlen(ci->openssl);
        if (total > 0) {
            if (buf != NULL && total + 1 < len) {
                buf[total] = ':';
                buf[total + 1] = '\0';
            }
            total++;
        }
        if (buf != NULL && total < len) {
            size_t room = len - 1 - total;
            size_t k = nl < room ? nl : room;

            memcpy(buf + total, ci->openssl, k);
            buf[total + k] = '\0';
        }
        total += nl;
    }
    return total;
}

size_t petls_get_ciphers(const char **names, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < petls_cipher_table_size(); i++) {
        const struct petls_cipher_info *ci = petls_cipher_at(i);

        if (!pb_cipher_listed(ci->id)) {
            continue;
        }
        if (names != NULL && n < max) {
            names[n] = ci->openssl;
        }
        n++;
    }
    return n;
}
