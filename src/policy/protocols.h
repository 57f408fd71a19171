/* Protocol versions: libtls's protocol strings and Node's min/maxVersion. */
#ifndef PETLS_PROTOCOLS_H
#define PETLS_PROTOCOLS_H

#include <stddef.h>
#include <stdint.h>

/* Parses a libtls protocol string ("tlsv1.2,tlsv1.3", "secure", "default",
 * "all", "legacy", "!tlsv1.2", separated by ',' or ':' and spaces) into
 * PETLS_PROTOCOL_* bits. Tokens for TLS 1.0/1.1 are accepted and ignored,
 * as petls does not support them; a string that leaves no supported version
 * is an error. A leading "!" token starts from all versions (libtls). NULL
 * selects PETLS_PROTOCOLS_DEFAULT. Returns 0, or -1 (protocols untouched)
 * with err "unknown protocol 'x'" (also for an empty token) or "no supported
 * protocol version in 'tlsv1.0'". */
int petls_protocols_parse(const char *str, uint32_t *protocols, char *err,
                          size_t errlen);

/* Parses "TLSv1.2", "tlsv1.3", "1.2", "TLS1.3" into one PETLS_PROTOCOL_*
 * bit. Returns 0 or -1 with err "unsupported protocol version 'TLSv1.1'"
 * (a real TLS version that petls does not support) or "invalid protocol version
 * 'x'". */
int petls_version_parse(const char *str, uint32_t *bit, char *err,
                        size_t errlen);

/* All supported protocol bits from min to max inclusive (each one bit);
 * 0 when min > max or either is not a single bit. */
uint32_t petls_protocols_range(uint32_t min_bit, uint32_t max_bit);

/* Wire version (0x0303, 0x0304) to "TLSv1.2"/"TLSv1.3", or "unknown". */
const char *petls_version_name(uint16_t wire_version);

#endif
