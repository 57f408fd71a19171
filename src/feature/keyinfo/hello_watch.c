/* The ServerHello / ServerKeyExchange watch (hello_watch.h). */
#include "hello_watch.h"

#include <string.h>

#include "cipher_suites.h"

#define REC_HANDSHAKE 22
#define HS_SERVER_HELLO 2
#define HS_SERVER_KEY_EXCHANGE 12
#define EXT_SUPPORTED_VERSIONS 43
#define EXT_KEY_SHARE 51
#define SH_SID_LEN_AT 34 /* version (2) + random (32) */
#define EC_NAMED_CURVE 3

void petls_hello_watch_init(struct petls_hello_watch *w)
{
    memset(w, 0, sizeof(*w));
}

/* A 2-byte big-endian field whose first byte is at body offset at: returns
 * 1 once both bytes are in w->acc. */
static int field16(struct petls_hello_watch *w, uint32_t at, uint8_t b)
{
    if (w->mpos == at) {
        w->acc = (uint16_t)(b << 8);
        return 0;
    }
    if (w->mpos == at + 1) {
        w->acc = (uint16_t)(w->acc | b);
        return 1;
    }
    return 0;
}

static void server_hello_byte(struct petls_hello_watch *w, uint8_t b)
{
    uint32_t p = w->mpos, cs_at;

    if (p < SH_SID_LEN_AT) {
        return;
    }
    if (p == SH_SID_LEN_AT) {
        w->sid_len = b;
        return;
    }
    cs_at = SH_SID_LEN_AT + 1u + w->sid_len;
    if (p < cs_at) {
        return;
    }
    if (field16(w, cs_at, b)) {
        w->cipher = w->acc;
        return;
    }
    /* compression (1), extensions length (2), then the extensions */
    if (p < cs_at + 5) {
        if (p == cs_at + 4) {
            w->ext_next = cs_at + 5;
        }
        return;
    }
    if (p >= w->ext_next && p < w->ext_next + 4) {
        uint32_t k = p - w->ext_next;

        if (k == 0 || k == 2) {
            w->acc = (uint16_t)(b << 8);
        } else if (k == 1) {
            w->ext_type = (uint16_t)(w->acc | b);
        } else {
            w->ext_len = (uint16_t)(w->acc | b);
            w->ext_start = p + 1;
            w->ext_next = w->ext_start + w->ext_len;
        }
        return;
    }
    if (w->ext_type == EXT_KEY_SHARE && field16(w, w->ext_start, b)) {
        w->group = w->acc; /* also HelloRetryRequest's selected_group */
    } else if (w->ext_type == EXT_SUPPORTED_VERSIONS &&
               field16(w, w->ext_start, b)) {
        w->version = w->acc;
    }
}

static int clz8(uint8_t b)
{
    int n = 0;

    while (n < 8 && !(b & (0x80u >> n))) {
        n++;
    }
    return n;
}

/* The ServerKeyExchange after a psk_identity_hint (PSK suites). */
static int psk_suite(uint16_t cipher)
{
    const struct petls_cipher_info *ci = petls_cipher_by_id(cipher);

    return ci != NULL &&
           (ci->kx == PETLS_KX_DHE_PSK || ci->kx == PETLS_KX_ECDHE_PSK);
}

static void key_exchange_byte(struct petls_hello_watch *w, uint8_t b)
{
    uint32_t p = w->mpos;

    if (p == 0) {
        w->p_len = 0;
        w->p_nonzero = 0;
        w->group = 0;
        w->ske_base = psk_suite(w->cipher) ? UINT32_MAX : 0;
    }
    if (w->ske_base == UINT32_MAX) {
        /* psk_identity_hint<0..2^16-1> comes first */
        if (field16(w, 0, b)) {
            w->ske_base = 2u + w->acc;
        }
        return;
    }
    if (p < w->ske_base) {
        return;
    }
    p -= w->ske_base;
    /* ECDHE: curve_type (3 = named_curve), NamedCurve. DHE: dh_p length,
     * dh_p. Which one follows from the suite; both are recorded. */
    if (p == 0) {
        w->acc = (uint16_t)(b << 8);
        return;
    }
    if (p == 1) {
        w->p_len = (uint16_t)(w->acc | b);
        w->acc = (uint16_t)(b << 8);
        return;
    }
    if (p == 2 && (w->p_len >> 8) == EC_NAMED_CURVE) {
        w->group = (uint16_t)(w->acc | b);
    }
    if (!w->p_nonzero && p < 2u + w->p_len && b != 0) {
        w->p_nonzero = 1;
        w->dh_bits = (uint16_t)((w->p_len - (p - 2)) * 8u - (unsigned)clz8(b));
    }
}

static void body_byte(struct petls_hello_watch *w, uint8_t b)
{
    if (w->mtype == HS_SERVER_HELLO) {
        server_hello_byte(w, b);
    } else if (w->mtype == HS_SERVER_KEY_EXCHANGE) {
        key_exchange_byte(w, b);
    }
    w->mpos++;
}

/* One byte of handshake-record body. */
static void handshake_byte(struct petls_hello_watch *w, uint8_t b)
{
    if (w->mhdr_n < 4) {
        if (w->mhdr_n == 0) {
            w->mtype = b;
            w->mlen = 0;
            w->mpos = 0;
            if (b == HS_SERVER_HELLO) {
                w->group = 0; /* the last ServerHello (after HRR) counts */
                w->ext_next = UINT32_MAX;
                w->ext_type = 0;
            }
        } else {
            w->mlen = (w->mlen << 8) | b;
        }
        w->mhdr_n++;
        if (w->mhdr_n == 4 && w->mlen == 0) {
            w->mhdr_n = 0;
        }
        return;
    }
    body_byte(w, b);
    if (w->mpos == w->mlen) {
        w->mhdr_n = 0;
    }
}

void petls_hello_watch_feed(struct petls_hello_watch *w, const uint8_t *buf,
                            size_t len)
{
    size_t i = 0;

    while (i < len && !w->stopped) {
        if (w->hdr_n < 5) {
            w->hdr[w->hdr_n++] = buf[i++];
            if (w->hdr_n == 5) {
                w->rec_left = (uint16_t)((w->hdr[3] << 8) | w->hdr[4]);
                if (w->hdr[0] != REC_HANDSHAKE || w->hdr[1] != 3) {
                    w->stopped = 1;
                } else if (w->rec_left == 0) {
                    w->hdr_n = 0;
                }
            }
            continue;
        }
        handshake_byte(w, buf[i++]);
        if (--w->rec_left == 0) {
            w->hdr_n = 0;
        }
    }
}

static const char *ec_name(uint16_t group, int *size)
{
    switch (group) {
    case 0x001D:
        *size = 253;
        return "X25519";
    case 0x001E:
        *size = 448;
        return "X448";
    case 0x0017:
        *size = 256;
        return "prime256v1";
    case 0x0018:
        *size = 384;
        return "secp384r1";
    case 0x0019:
        *size = 521;
        return "secp521r1";
    default:
        return NULL;
    }
}

int petls_hello_watch_result(const struct petls_hello_watch *w,
                             const char **type, const char **name, int *size)
{
    const struct petls_cipher_info *ci = petls_cipher_by_id(w->cipher);
    uint16_t g = w->group;
    int dhe_kx = 0;

    if (ci != NULL &&
        (ci->kx == PETLS_KX_DHE_RSA || ci->kx == PETLS_KX_DHE_PSK))
        dhe_kx = 1;
    else if (ci != NULL &&
             (ci->kx == PETLS_KX_ECDHE_ECDSA || ci->kx == PETLS_KX_ECDHE_RSA ||
              ci->kx == PETLS_KX_ECDHE_PSK))
        dhe_kx = 2;

    *type = NULL;
    *name = NULL;
    *size = 0;
    if (w->version != 0x0304) {
        if (dhe_kx == 1 && w->dh_bits > 0) {
            *type = "DH";
            *size = w->dh_bits;
            return 1;
        }
        if (dhe_kx != 2) {
            return 0;
        }
    }
    if (g >= 0x0100 && g <= 0x0104) {
        static const int ffdhe_bits[] = {2048, 3072, 4096, 6144, 8192};

        *type = "DH";
        *size = ffdhe_bits[g - 0x0100];
        return 1;
    }
    *name = ec_name(g, size);
    if (*name == NULL) {
        return 0;
    }
    *type = "ECDH";
    return 1;
}
