/* Protocol versions: libtls's protocol strings and Node's min/maxVersion. */
#include "protocols.h"

#include <stdio.h>
#include <string.h>

#include "list_token.h"

#include "petls.h"

/* Bits for versions that libtls names but petls does not implement; they
 * never leave this file. */
#define PROTO_TLSv1_0 (1u << 1)
#define PROTO_TLSv1_1 (1u << 2)

/* The protocol bits one libtls token stands for, 0 if unknown. */
static uint32_t token_bits(const char *tok, size_t len)
{
    static const struct {
        const char *name;
        uint32_t bits;
    } words[] = {
        {"all", PROTO_TLSv1_0 | PROTO_TLSv1_1 | PETLS_PROTOCOLS_ALL},
        {"legacy", PROTO_TLSv1_0 | PROTO_TLSv1_1 | PETLS_PROTOCOLS_ALL},
        {"secure", PETLS_PROTOCOLS_DEFAULT},
        {"default", PETLS_PROTOCOLS_DEFAULT},
        /* libtls: "tlsv1" is every TLS 1.x version (TLS_PROTOCOL_TLSv1). */
        {"tlsv1", PROTO_TLSv1_0 | PROTO_TLSv1_1 | PETLS_PROTOCOLS_ALL},
        {"tlsv1.0", PROTO_TLSv1_0},
        {"tlsv1.1", PROTO_TLSv1_1},
        {"tlsv1.2", PETLS_PROTOCOL_TLSv1_2},
        {"tlsv1.3", PETLS_PROTOCOL_TLSv1_3},
    };
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (petls_token_eq(tok, len, words[i].name))
            return words[i].bits;
    }
    return 0;
}

int petls_protocols_parse(const char *str, uint32_t *protocols, char *err,
                          size_t errlen)
{
    uint32_t protos = 0;
    struct petls_list_iter it;
    struct petls_list_item t;

    if (protocols == NULL) {
        petls_list_error(err, errlen, "no place to store protocols for", "", 0);
        return -1;
    }
    /* libtls: a NULL string selects the default protocols. */
    if (str == NULL) {
        *protocols = PETLS_PROTOCOLS_DEFAULT;
        return 0;
    }

    petls_list_begin(&it, str, PETLS_LIST_NEGATE | PETLS_LIST_NEGATE_SPACE);
    while (petls_list_next(&it, &t)) {
        uint32_t bits;

        /* libtls: a leading negation starts from every protocol. */
        if (t.negate && protos == 0)
            protos = PROTO_TLSv1_0 | PROTO_TLSv1_1 | PETLS_PROTOCOLS_ALL;

        bits = token_bits(t.tok, t.len);
        if (bits == 0) {
            petls_list_error(err, errlen, "unknown protocol", t.tok, t.len);
            return -1;
        }
        if (t.negate)
            protos &= ~bits;
        else
            protos |= bits;
    }

    protos &= PETLS_PROTOCOLS_ALL;
    if (protos == 0) {
        petls_list_error(err, errlen, "no supported protocol version in", str,
                         strlen(str));
        return -1;
    }
    *protocols = protos;
    return 0;
}

int petls_version_parse(const char *str, uint32_t *bit, char *err,
                        size_t errlen)
{
    /* Node's spellings ("TLSv1.2") plus the common short forms. */
    static const struct {
        const char *name;
        uint32_t bit; /* 0: a real version petls does not implement */
    } words[] = {
        {"tlsv1.3", PETLS_PROTOCOL_TLSv1_3},
        {"tls1.3", PETLS_PROTOCOL_TLSv1_3},
        {"1.3", PETLS_PROTOCOL_TLSv1_3},
        {"tlsv1.2", PETLS_PROTOCOL_TLSv1_2},
        {"tls1.2", PETLS_PROTOCOL_TLSv1_2},
        {"1.2", PETLS_PROTOCOL_TLSv1_2},
        {"tlsv1.1", 0},
        {"tls1.1", 0},
        {"1.1", 0},
        {"tlsv1", 0},
        {"tlsv1.0", 0},
        {"tls1.0", 0},
        {"1.0", 0},
        {"sslv3", 0},
    };
    size_t i, len;

    if (str == NULL || bit == NULL) {
        petls_list_error(err, errlen, "invalid protocol version", "", 0);
        return -1;
    }
    len = strlen(str);
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (!petls_token_eq(str, len, words[i].name))
            continue;
        if (words[i].bit == 0) {
            petls_list_error(err, errlen, "unsupported protocol version", str,
                             len);
            return -1;
        }
        *bit = words[i].bit;
        return 0;
    }
    petls_list_error(err, errlen, "invalid protocol version", str, len);
    return -1;
}

uint32_t petls_protocols_range(uint32_t min_bit, uint32_t max_bit)
{
    uint32_t upto_max;

    /* Each argument must be exactly one bit, the minimum not above the
     * maximum; anything else selects nothing. */
    if (min_bit == 0 || (min_bit & (min_bit - 1)) != 0 || max_bit == 0 ||
        (max_bit & (max_bit - 1)) != 0 || min_bit > max_bit)
        return 0;
    upto_max = max_bit | (max_bit - 1);
    return upto_max & ~(min_bit - 1) & PETLS_PROTOCOLS_ALL;
}

const char *petls_version_name(uint16_t wire_version)
{
    switch (wire_version) {
    case 0x0303:
        return "TLSv1.2";
    case 0x0304:
        return "TLSv1.3";
    default:
        return "unknown";
    }
}
