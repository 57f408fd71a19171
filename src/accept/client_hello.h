/*
 * A ClientHello pre-parser. A server reads the client's first flight before
 * the backend sees it (as Node.js does), so that an external store can be
 * asked for the offered session asynchronously and the stateful mode can
 * pick the backend config variant. Pure functions: no I/O, no allocation;
 * results point into the caller's buffer.
 */
#ifndef PETLS_CLIENT_HELLO_H
#define PETLS_CLIENT_HELLO_H

#include <stddef.h>
#include <stdint.h>

#define PETLS_CH_MAX_PSK_IDENTITIES 8
/* psk_key_exchange_modes bits (RFC 8446 4.2.9: mode value n is bit n). */
#define PETLS_CH_PSK_KE 0x1u     /* psk_ke: no (EC)DHE */
#define PETLS_CH_PSK_DHE_KE 0x2u /* psk_dhe_ke */
/* Largest first flight the server buffers before giving up pre-parsing. */
#define PETLS_CH_MAX_FLIGHT (16384 + 5 + 2048)

struct petls_client_hello {
    uint16_t legacy_version;
    int offers_tls13; /* supported_versions lists 0x0304 */
    int offers_tls12; /* legacy_version 0x0303 without the extension, or
                       * supported_versions lists 0x0303 */
    const uint8_t *session_id;
    size_t session_id_len;
    int has_ticket_ext; /* TLS 1.2 session_ticket extension present */
    const uint8_t *ticket;
    size_t ticket_len;
    const uint8_t *sni; /* host_name, not NUL-terminated */
    size_t sni_len;
    const uint8_t *alpn; /* raw ProtocolNameList (without its length) */
    size_t alpn_len;
    size_t n_psk_identities; /* TLS 1.3 pre_shared_key identities */
    const uint8_t *psk_identity[PETLS_CH_MAX_PSK_IDENTITIES];
    size_t psk_identity_len[PETLS_CH_MAX_PSK_IDENTITIES];
    uint32_t psk_obfuscated_age[PETLS_CH_MAX_PSK_IDENTITIES];
    unsigned int psk_modes;  /* PETLS_CH_PSK_* offered; unknown modes are
                              * ignored, 0 without the extension */
    const uint8_t *sig_algs; /* signature_algorithms: the raw list of 2-byte
                              * SignatureScheme code points (without its
                              * length), NULL without the extension */
    size_t sig_algs_len;     /* its length in bytes (even, > 0) */
    int duplicate;           /* parse failed on an extension seen twice */
    uint16_t duplicate_type; /* that extension's type */
};

/* Looks at the bytes received so far (TLS records). Returns 1 when a whole
 * ClientHello handshake message is there (*msg and *msg_len: its body,
 * after the 4-byte handshake header, inside buf or, when it spans records,
 * inside scratch of size scratch_cap), 0 when more bytes are needed, -1
 * when the bytes are not a TLS ClientHello (err says why). */
int petls_client_hello_collect(const uint8_t *buf, size_t len, uint8_t *scratch,
                               size_t scratch_cap, const uint8_t **msg,
                               size_t *msg_len, char *err, size_t errlen);
/* Parses a ClientHello body. 0, or -1 with err ("ClientHello: ..."): every
 * length is checked, a duplicate extension, a pre_shared_key that is not
 * the last extension, or more than 256 extensions are errors. Of more than
 * PETLS_CH_MAX_PSK_IDENTITIES identities the first ones are kept. */
int petls_client_hello_parse(const uint8_t *msg, size_t len,
                             struct petls_client_hello *out, char *err,
                             size_t errlen);

/* The alert the ClientHello stage answers a ClientHello body with, which
 * the backend parsed and accepted (mbedTLS 3.6 does not look for an
 * extension sent twice): 0 (fine), or 47 (illegal_parameter) for an
 * extension sent twice (RFC 8446 4.2), why saying which ("has
 * supported_groups (extension 10) twice"). A body petls's parser cannot
 * judge (more than 256 extensions, or one it finds malformed) is left to
 * the backend: 0. */
int petls_client_hello_judge(const uint8_t *msg, size_t len, char *why,
                             size_t whylen);

#endif
