/*
 * What a client learns about the server's ephemeral key from the
 * unencrypted start of the handshake (Node's getEphemeralKeyInfo()): the
 * TLS 1.3 ServerHello's key_share group, or the TLS 1.2 ServerKeyExchange's
 * named curve or DH prime size. mbedTLS 3.6 keeps the group in private
 * handshake state that it frees, so the engine reads it off the bytes the
 * transport hands the backend. Pure: no I/O, no allocation; fed any
 * split of the byte stream, it reaches the same result.
 */
#ifndef PETLS_HELLO_WATCH_H
#define PETLS_HELLO_WATCH_H

#include <stddef.h>
#include <stdint.h>

struct petls_hello_watch {
    uint8_t stopped; /* a non-handshake record or a malformed one: done */
    uint8_t hdr_n;   /* bytes of the record header (5) seen */
    uint8_t hdr[5];
    uint16_t rec_left; /* body bytes left in the current record */
    uint8_t mhdr_n;    /* bytes of the handshake message header (4) seen */
    uint8_t mtype;
    uint32_t mlen; /* body length of the current handshake message */
    uint32_t mpos; /* body bytes of it seen */
    /* ServerHello walk */
    uint32_t ext_next; /* body offset of the next extension header */
    uint16_t ext_type;
    uint16_t ext_len;
    uint32_t ext_start; /* body offset of the current extension's data */
    uint16_t acc;       /* big-endian accumulator for 2-byte fields */
    uint8_t sid_len;
    uint32_t ske_base; /* ServerKeyExchange: offset of the parameters */
    uint16_t p_len;    /* ServerKeyExchange: DH prime length */
    uint8_t p_nonzero; /* a non-zero prime byte was seen */
    /* results */
    uint16_t cipher;  /* the ServerHello's suite (IANA) */
    uint16_t version; /* 0x0304 when supported_versions said TLS 1.3 */
    uint16_t group;   /* key_share or ServerKeyExchange curve, 0: none */
    uint16_t dh_bits; /* TLS 1.2 DHE prime size in bits, 0: none */
};

void petls_hello_watch_init(struct petls_hello_watch *w);
/* Feeds bytes the server sent, in order; stops by itself at the first
 * record that is not a handshake record (ChangeCipherSpec, encrypted). */
void petls_hello_watch_feed(struct petls_hello_watch *w, const uint8_t *buf,
                            size_t len);

/* Node's getEphemeralKeyInfo() fields from what was seen: returns 1 with
 * type "ECDH" (name "X25519", "prime256v1", ...) or "DH" (name NULL) and
 * size in bits (253 for X25519, as OpenSSL), 0 when the key exchange was
 * not ephemeral or not seen (RSA key exchange, TLS 1.3 psk_ke, a resumed
 * TLS 1.2 session). The suite (from the ServerHello) says whether a TLS 1.2
 * key exchange is DHE or ECDHE. */
int petls_hello_watch_result(const struct petls_hello_watch *w,
                             const char **type, const char **name, int *size);

#endif
