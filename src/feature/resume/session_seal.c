/*
 * Sealed session blobs: AES-256-GCM under a caller's key, the additional
 * data binding the storage id, the session id context and the expiry.
 */
#include "session_seal.h"

#include <string.h>

#include "backend/backend.h"
#include "core/bytes.h"

#define SEAL_VERSION 1
#define SEAL_IV_LEN 12
#define SEAL_TAG_LEN 16
#define SEAL_HDR_LEN (1 + 8 + SEAL_IV_LEN)

/* Ids and contexts are short (session IDs, ticket ids, 32-byte contexts);
 * anything longer is a caller bug, refused rather than truncated. */
#define SEAL_ID_MAX 255
#define SEAL_CONTEXT_MAX 255
#define SEAL_AAD_MAX (9 + 1 + SEAL_ID_MAX + 1 + SEAL_CONTEXT_MAX)

/* aad = version | expires | len(id) | id | len(context) | context. The
 * lengths keep (id, context) pairs from running into each other. */
static size_t build_aad(uint8_t *aad, const uint8_t *hdr, const uint8_t *id,
                        size_t id_len, const uint8_t *context,
                        size_t context_len)
{
    struct bytes_writer w;

    bytes_writer_init(&w, aad, SEAL_AAD_MAX);
    bytes_write_mem(&w, hdr, 9);
    bytes_write_u8(&w, (uint8_t)id_len);
    bytes_write_mem(&w, id, id_len);
    bytes_write_u8(&w, (uint8_t)context_len);
    bytes_write_mem(&w, context, context_len);
    return w.len; /* callers bound id_len and context_len: always fits */
}

int petls_seal(const uint8_t key[32], const uint8_t *id, size_t id_len,
               const uint8_t *context, size_t context_len, int64_t expires,
               const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
               size_t *out_len)
{
    uint8_t aad[SEAL_AAD_MAX];
    size_t aad_len;

    if (id_len > SEAL_ID_MAX || context_len > SEAL_CONTEXT_MAX ||
        in_len > cap || cap - in_len < PETLS_SEAL_OVERHEAD)
        return -1;
    out[0] = SEAL_VERSION;
    bytes_put_be64(out + 1, (uint64_t)expires);
    if (pb_random(out + 9, SEAL_IV_LEN) != 0)
        return -1;
    aad_len = build_aad(aad, out, id, id_len, context, context_len);
    if (pb_aead_seal(key, out + 9, SEAL_IV_LEN, aad, aad_len, in, in_len,
                     out + SEAL_HDR_LEN) != 0) {
        pb_zeroize(out, cap);
        return -1;
    }
    *out_len = in_len + PETLS_SEAL_OVERHEAD;
    return 0;
}

int petls_unseal(const uint8_t key[32], const uint8_t *id, size_t id_len,
                 const uint8_t *context, size_t context_len, int64_t now,
                 const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                 size_t *out_len)
{
    uint8_t aad[SEAL_AAD_MAX];
    size_t aad_len, pt_len;
    int64_t expires;

    if (in == NULL || in_len < PETLS_SEAL_OVERHEAD || in[0] != SEAL_VERSION ||
        id_len > SEAL_ID_MAX || context_len > SEAL_CONTEXT_MAX)
        return -1;
    pt_len = in_len - PETLS_SEAL_OVERHEAD;
    if (pt_len > cap)
        return -1;
    expires = (int64_t)bytes_get_be64(in + 1);
    if (expires <= now)
        return -1;
    aad_len = build_aad(aad, in, id, id_len, context, context_len);
    /* pb_aead_open checks the tag in constant time and zeroes out on
     * failure, so no unauthenticated plaintext is left behind. */
    if (pb_aead_open(key, in + 9, SEAL_IV_LEN, aad, aad_len, in + SEAL_HDR_LEN,
                     pt_len + SEAL_TAG_LEN, out) != 0) {
        pb_zeroize(out, pt_len);
        return -1;
    }
    *out_len = pt_len;
    return 0;
}
