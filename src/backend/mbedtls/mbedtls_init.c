/*
 * Backend library state and primitives: one-time initialisation (PSA crypto
 * and a global CTR_DRBG seeded from the port's entropy source), the version
 * string, random bytes, SHA-256, HMAC-SHA256, AES-256-GCM (AES-256-CCM in
 * builds without GCM), zeroization and
 * the error-text helpers the other backend files share.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ccm.h>
#include <mbedtls/error.h>
#include <mbedtls/gcm.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/psa_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include <psa/crypto.h>

#if defined(MBEDTLS_ENTROPY_HARDWARE_ALT)
#include <mbedtls/entropy.h>
#endif
#if defined(MBEDTLS_PLATFORM_TIME_ALT) || defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
#include <mbedtls/platform.h>
#include <mbedtls/platform_time.h>
#endif

#if !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
#endif

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

static mbedtls_ctr_drbg_context g_drbg;
/* 1 once pb_init() succeeded; written under g_init_lock, read after it. */
static int g_ready;

#if !defined(__STDC_NO_ATOMICS__)
/* A spin lock rather than a port mutex: the mutex would itself need a
 * race-free one-time creation. Contention only happens while the first
 * pb_init() runs. */
static atomic_flag g_init_lock = ATOMIC_FLAG_INIT;
static void init_lock(void)
{
    while (
        atomic_flag_test_and_set_explicit(&g_init_lock, memory_order_acquire)) {
    }
}
static void init_unlock(void)
{
    atomic_flag_clear_explicit(&g_init_lock, memory_order_release);
}
#else
/* Without C11 atomics the platform is taken to be single-threaded. */
static void init_lock(void) {}
static void init_unlock(void) {}
#endif

void pb_mbedtls_msg(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void pb_mbedtls_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
    char what[256];
    char lib[160];
    va_list ap;

    if (err == NULL || errlen == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    lib[0] = '\0';
    mbedtls_strerror(ret, lib, sizeof(lib));
    if (lib[0] == '\0') {
        /* Builds without error texts (MBEDTLS_ERROR_STRERROR_DUMMY, the
         * minimal port/mbedtls configs): the code, as mbedTLS prints it. */
        snprintf(lib, sizeof(lib), "-0x%04X", ret < 0 ? -(unsigned)ret : 0u);
    }
    snprintf(err, errlen, "%s (mbed TLS: %s)", what, lib);
}

const uint8_t *pb_mbedtls_pem_input(const uint8_t *in, size_t len,
                                    size_t *out_len, int *owned)
{
    static const char marker[] = "-----BEGIN ";
    int is_pem = 0;
    uint8_t *copy;
    size_t i;

    *owned = 0;
    *out_len = len;
    if (len >= sizeof(marker) - 1) {
        for (i = 0; i + sizeof(marker) - 1 <= len; i++) {
            if (memcmp(in + i, marker, sizeof(marker) - 1) == 0) {
                is_pem = 1;
                break;
            }
        }
    }
    if (!is_pem || in[len - 1] == '\0') {
        return in;
    }
    copy = petls_port_calloc(1, len + 1);
    if (copy == NULL) {
        return NULL;
    }
    memcpy(copy, in, len);
    *owned = 1;
    *out_len = len + 1;
    return copy;
}

void pb_mbedtls_free_input(const uint8_t *p, size_t len, int owned)
{
    if (owned) {
        mbedtls_platform_zeroize((void *)p, len);
        petls_port_free((void *)p);
    }
}

/* mbedTLS's entropy callback for the DRBG: the port's source, all or
 * nothing. */
static int port_entropy(void *unused, unsigned char *out, size_t len)
{
    (void)unused;
    if (petls_port_entropy(out, len) != 0) {
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    }
    return 0;
}

#if defined(MBEDTLS_ENTROPY_HARDWARE_ALT)
/* mbedTLS declares this only in a private header (library/entropy_poll.h);
 * with HARDWARE_ALT the application supplies it, and it feeds both the
 * legacy entropy module and PSA's. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len,
                          size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len,
                          size_t *olen)
{
    (void)data;
    *olen = 0;
    if (petls_port_entropy(output, len) != 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}
#endif

#if defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
/* Ages TLS 1.3 tickets; the port's clock is the only one there is. */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)petls_port_monotonic_ms();
}
#endif

#if defined(MBEDTLS_PLATFORM_TIME_ALT)
/* Certificate validity checks read the wall clock through mbedtls_time.
 * An unknown time (-1) is passed on, so validity fails closed. */
static mbedtls_time_t port_unix_time(mbedtls_time_t *timer)
{
    mbedtls_time_t now = (mbedtls_time_t)petls_port_unix_time();

    if (timer != NULL) {
        *timer = now;
    }
    return now;
}
#endif

int pb_init(char *err, size_t errlen)
{
    static const unsigned char pers[] = "petls mbedtls backend";
#if defined(MBEDTLS_PSA_CRYPTO_C)
    psa_status_t st;
#endif
    int ret;

    init_lock();
    if (g_ready) {
        init_unlock();
        return 0;
    }
#if defined(MBEDTLS_PLATFORM_TIME_ALT)
    /* Cannot fail: it only stores the pointer. */
    (void)mbedtls_platform_set_time(port_unix_time);
#endif
#if defined(MBEDTLS_PSA_CRYPTO_C)
    /* TLS 1.3 and parts of X.509 use PSA even without
     * MBEDTLS_USE_PSA_CRYPTO. A TLS 1.2-only build may leave PSA out
     * (port/mbedtls/petls_mbedtls_psk12_min.h). */
    st = psa_crypto_init();
    if (st != PSA_SUCCESS) {
        init_unlock();
        pb_mbedtls_msg(err, errlen, "cannot initialise PSA crypto (status %d)",
                       (int)st);
        return PB_ERR;
    }
#endif
    mbedtls_ctr_drbg_init(&g_drbg);
    ret = mbedtls_ctr_drbg_seed(&g_drbg, port_entropy, NULL, pers,
                                sizeof(pers) - 1);
    if (ret != 0) {
        mbedtls_ctr_drbg_free(&g_drbg);
        init_unlock();
        pb_mbedtls_err(err, errlen, ret,
                       "cannot seed the random generator from the platform "
                       "entropy source");
        return PB_ERR;
    }
    g_ready = 1;
    init_unlock();
    return 0;
}

int pb_mbedtls_ensure_init(char *err, size_t errlen)
{
    return pb_init(err, errlen) == 0 ? 0 : -1;
}

/* With PSA's own generator, random bytes come from it: since 3.6 it
 * reseeds when it finds itself in a forked child, while a CTR_DRBG of ours
 * seeded before fork() would hand identical bytes (session IDs, server
 * randoms, TLS 1.2 ECDHE keys) to every worker of petls server --workers. */
#if defined(MBEDTLS_PSA_CRYPTO_C) && !defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#define PB_FORK_SAFE_RNG 1
#endif

int pb_mbedtls_rng(void *ctx, unsigned char *out, size_t len)
{
#if defined(PB_FORK_SAFE_RNG)
    (void)ctx;
    return mbedtls_psa_get_random(MBEDTLS_PSA_RANDOM_STATE, out, len);
#else
    return mbedtls_ctr_drbg_random(ctx, out, len);
#endif
}

void *pb_mbedtls_rng_ctx(void)
{
    return &g_drbg;
}

const char *pb_version(void)
{
    return "mbed TLS " MBEDTLS_VERSION_STRING;
}

int pb_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    char err[8];

    if (pb_init(err, sizeof(err)) != 0) {
        return -1;
    }
    /* The DRBG serves at most MBEDTLS_CTR_DRBG_MAX_REQUEST bytes a call. */
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST
                       ? len
                       : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        if (pb_mbedtls_rng(&g_drbg, p, n) != 0) {
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int pb_sha256(const void *data, size_t len, uint8_t out[32])
{
    return mbedtls_sha256(data, len, out, 0) == 0 ? 0 : -1;
}

int pb_hmac_sha256(const uint8_t *key, size_t key_len, const void *data,
                   size_t len, uint8_t out[32])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);

    if (md == NULL) {
        return -1;
    }
    return mbedtls_md_hmac(md, key, key_len, data, len, out) == 0 ? 0 : -1;
}

/* Tickets and sealed store entries (ticket_keys.c, session_seal.c): AES-256
 * with a 12-byte IV and a 16-byte tag. GCM when the build has it; a build
 * with CCM only (petls_mbedtls_psk12_min.h) uses CCM with the same sizes,
 * so the engine's formats hold. The two are not interchangeable: a store
 * shared by servers must be shared by builds with the same AEAD (a blob
 * that does not open is a full handshake, not an error). */
#define PB_AEAD_TAG_LEN 16

#if defined(MBEDTLS_GCM_C)
int pb_aead_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    mbedtls_gcm_context gcm;
    int ret;

    mbedtls_gcm_init(&gcm);
    ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256);
    if (ret == 0) {
        ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, in_len, iv,
                                        iv_len, aad, aad_len, in, out,
                                        PB_AEAD_TAG_LEN, out + in_len);
    }
    mbedtls_gcm_free(&gcm);
    return ret == 0 ? 0 : -1;
}

int pb_aead_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    mbedtls_gcm_context gcm;
    size_t ct_len;
    int ret;

    if (in_len < PB_AEAD_TAG_LEN) {
        return -1;
    }
    ct_len = in_len - PB_AEAD_TAG_LEN;
    mbedtls_gcm_init(&gcm);
    ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256);
    if (ret == 0) {
        ret = mbedtls_gcm_auth_decrypt(&gcm, ct_len, iv, iv_len, aad, aad_len,
                                       in + ct_len, PB_AEAD_TAG_LEN, in, out);
    }
    mbedtls_gcm_free(&gcm);
    if (ret != 0) {
        /* auth_decrypt already wipes out on a bad tag; also on other
         * failures. */
        mbedtls_platform_zeroize(out, ct_len);
        return -1;
    }
    return 0;
}
#elif defined(MBEDTLS_CCM_C)
int pb_aead_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    mbedtls_ccm_context ccm;
    int ret;

    mbedtls_ccm_init(&ccm);
    ret = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, 256);
    if (ret == 0) {
        ret =
            mbedtls_ccm_encrypt_and_tag(&ccm, in_len, iv, iv_len, aad, aad_len,
                                        in, out, out + in_len, PB_AEAD_TAG_LEN);
    }
    mbedtls_ccm_free(&ccm);
    return ret == 0 ? 0 : -1;
}

int pb_aead_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    mbedtls_ccm_context ccm;
    size_t ct_len;
    int ret;

    if (in_len < PB_AEAD_TAG_LEN) {
        return -1;
    }
    ct_len = in_len - PB_AEAD_TAG_LEN;
    mbedtls_ccm_init(&ccm);
    ret = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, 256);
    if (ret == 0) {
        ret = mbedtls_ccm_auth_decrypt(&ccm, ct_len, iv, iv_len, aad, aad_len,
                                       in, out, in + ct_len, PB_AEAD_TAG_LEN);
    }
    mbedtls_ccm_free(&ccm);
    if (ret != 0) {
        mbedtls_platform_zeroize(out, ct_len);
        return -1;
    }
    return 0;
}
#else
/* No AEAD for tickets: none are issued (ticket_make fails, the handshake
 * goes on without one) and none open. */
int pb_aead_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    (void)key;
    (void)iv;
    (void)iv_len;
    (void)aad;
    (void)aad_len;
    (void)in;
    (void)in_len;
    (void)out;
    return -1;
}

int pb_aead_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t in_len, uint8_t *out)
{
    (void)key;
    (void)iv;
    (void)iv_len;
    (void)aad;
    (void)aad_len;
    (void)in;
    (void)out;
    if (in_len > PB_AEAD_TAG_LEN) {
        mbedtls_platform_zeroize(out, in_len - PB_AEAD_TAG_LEN);
    }
    return -1;
}
#endif

void pb_zeroize(void *p, size_t len)
{
    if (p != NULL && len > 0) {
        mbedtls_platform_zeroize(p, len);
    }
}
