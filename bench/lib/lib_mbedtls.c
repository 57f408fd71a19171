/*
 * The library-layer loop written directly on mbedTLS 3.6 (the same library
 * petls links): the baseline for petls's engine overhead. Also the crypto
 * ceiling (ECDSA/RSA sign, X25519, AEAD) measured through the same build.
 */
#include "bench_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

struct mconn {
    mbedtls_ssl_context ssl;
    struct bench_queue *in, *out;
    int last;
    int is_server;
    size_t hs_in, hs_out; /* bytes moved before the handshake was over */
};

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static int rng_ready;
static mbedtls_ssl_config ccfg, scfg;
static mbedtls_x509_crt cacert, srvcert;
static mbedtls_pk_context srvkey;
static mbedtls_ssl_cache_context cache;
static mbedtls_ssl_ticket_context ticket;
static mbedtls_ssl_session saved;
static int have_saved, resuming;
/* A shallow copy of ccfg (it owns nothing of its own): psk_ke clients. */
static mbedtls_ssl_config ccfg_psk;
static int psk_only;
static int ciphers[2];
/* X25519 is the key exchange; P-256 is listed after it because in TLS 1.2
 * the client's groups also name the curves its peer's ECDSA key may use. */
static const uint16_t groups[] = {MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
                                  MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
                                  MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
static size_t chain_len;
static char errbuf[256];

static int send_cb(void *arg, const unsigned char *buf, size_t len)
{
    struct mconn *c = arg;
    if (!mbedtls_ssl_is_handshake_over(&c->ssl))
        c->hs_out += len;
    return bench_queue_write(c->out, buf, len) == 0 ? (int)len : -1;
}

static int recv_cb(void *arg, unsigned char *buf, size_t len)
{
    struct mconn *c = arg;
    size_t n = bench_queue_read(c->in, buf, len);
    if (!mbedtls_ssl_is_handshake_over(&c->ssl))
        c->hs_in += n;
    return n ? (int)n : MBEDTLS_ERR_SSL_WANT_READ;
}

static void rng_free(void)
{
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_psa_crypto_free();
}

static int rng_init(void)
{
    if (rng_ready)
        return 0;
    atexit(rng_free);
    if (psa_crypto_init() != PSA_SUCCESS)
        return -1;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                              (const unsigned char *)"bench", 5) != 0)
        return -1;
    rng_ready = 1;
    return 0;
}

static void fmt_err(char *err, size_t errlen, const char *what, int rc)
{
    char m[128];
    mbedtls_strerror(rc, m, sizeof(m));
    snprintf(err, errlen, "%s: %s (-0x%04x)", what, m, (unsigned)-rc);
}

static int m_setup(const struct bench_scenario *sc, const char *certs,
                   char *err, size_t errlen)
{
    char path[1024];
    const char *kt = sc->rsa ? "rsa" : "ecdsa";
    int rc;

    if (rng_init() != 0) {
        snprintf(err, errlen, "PSA/DRBG init failed");
        return -1;
    }
    resuming = sc->kind == BK_RESUME;
    have_saved = 0;
    psk_only = 0;
    mbedtls_ssl_config_init(&ccfg);
    mbedtls_ssl_config_init(&scfg);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_pk_init(&srvkey);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&ticket);
    mbedtls_ssl_session_init(&saved);

    snprintf(path, sizeof(path), "%s/ca.pem", certs);
    if ((rc = mbedtls_x509_crt_parse_file(&cacert, path)) != 0) {
        fmt_err(err, errlen, path, rc);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/server-%s.pem", certs, kt);
    if ((rc = mbedtls_x509_crt_parse_file(&srvcert, path)) != 0) {
        fmt_err(err, errlen, path, rc);
        return -1;
    }
    chain_len = 0;
    for (const mbedtls_x509_crt *x = &srvcert; x != NULL; x = x->next)
        chain_len += x->raw.len;
    snprintf(path, sizeof(path), "%s/server-%s.key", certs, kt);
    if ((rc = mbedtls_pk_parse_keyfile(&srvkey, path, NULL,
                                       mbedtls_ctr_drbg_random, &drbg)) != 0) {
        fmt_err(err, errlen, path, rc);
        return -1;
    }

    if (sc->tls13) {
        static const int s13[] = {MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
                                  MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
                                  MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256};
        ciphers[0] = s13[sc->cipher];
    } else {
        ciphers[0] = sc->rsa ? MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                             : MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    }
    ciphers[1] = 0;
    mbedtls_ssl_protocol_version v =
        sc->tls13 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2;

    mbedtls_ssl_config *cfgs[2] = {&ccfg, &scfg};
    for (int i = 0; i < 2; i++) {
        mbedtls_ssl_config *cf = cfgs[i];
        rc = mbedtls_ssl_config_defaults(
            cf, i ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
            MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
        if (rc != 0) {
            fmt_err(err, errlen, "config defaults", rc);
            return -1;
        }
        mbedtls_ssl_conf_min_tls_version(cf, v);
        mbedtls_ssl_conf_max_tls_version(cf, v);
        mbedtls_ssl_conf_ciphersuites(cf, ciphers);
        mbedtls_ssl_conf_groups(cf, groups);
        mbedtls_ssl_conf_rng(cf, mbedtls_ctr_drbg_random, &drbg);
    }
    mbedtls_ssl_conf_authmode(&ccfg, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&ccfg, &cacert, NULL);
    mbedtls_ssl_conf_authmode(&scfg, MBEDTLS_SSL_VERIFY_NONE);
    if ((rc = mbedtls_ssl_conf_own_cert(&scfg, &srvcert, &srvkey)) != 0) {
        fmt_err(err, errlen, "own cert", rc);
        return -1;
    }

    if (sc->kind == BK_PSK) {
        static const unsigned char key[32] = "petls-bench-external-psk-32bytes";
        static const unsigned char id[] = "bench";
        if ((rc = mbedtls_ssl_conf_psk(&scfg, key, sizeof(key), id,
                                       sizeof(id) - 1)) != 0 ||
            (rc = mbedtls_ssl_conf_psk(&ccfg, key, sizeof(key), id,
                                       sizeof(id) - 1)) != 0) {
            fmt_err(err, errlen, "PSK", rc);
            return -1;
        }
    }
    if (resuming) {
        if (sc->resume == BR_TLS12_ID) {
            mbedtls_ssl_conf_session_cache(&scfg, &cache, mbedtls_ssl_cache_get,
                                           mbedtls_ssl_cache_set);
        } else {
            rc = mbedtls_ssl_ticket_setup(&ticket, mbedtls_ctr_drbg_random,
                                          &drbg, MBEDTLS_CIPHER_AES_256_GCM,
                                          300);
            if (rc != 0) {
                fmt_err(err, errlen, "ticket setup", rc);
                return -1;
            }
            mbedtls_ssl_conf_session_tickets_cb(&scfg, mbedtls_ssl_ticket_write,
                                                mbedtls_ssl_ticket_parse,
                                                &ticket);
        }
        if (sc->tls13) {
            /* As petls's default: two tickets after a full handshake. */
            mbedtls_ssl_conf_new_session_tickets(&scfg, 2);
            mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
                &ccfg, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
            if (sc->resume == BR_TLS13_PSK) {
                /* mbedTLS's server prefers psk_dhe_ke, then a certificate
                 * handshake, then psk_ke: it resumes with psk_ke only when
                 * the client offers neither psk_dhe_ke nor a key share. And
                 * a client offers a ticket only when it allows a mode the
                 * ticket's flags (the modes advertised when it was made)
                 * name. So the first, full handshake advertises psk_ke and
                 * ephemeral, and resuming clients use a psk_ke-only copy. */
                mbedtls_ssl_conf_tls13_key_exchange_modes(
                    &ccfg, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK |
                               MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL);
                ccfg_psk = ccfg;
                mbedtls_ssl_conf_tls13_key_exchange_modes(
                    &ccfg_psk, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK);
                psk_only = 1;
            } else {
                mbedtls_ssl_conf_tls13_key_exchange_modes(
                    &ccfg, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL |
                               MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL);
            }
        }
    } else {
        mbedtls_ssl_conf_session_tickets(&ccfg,
                                         MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    }
    return 0;
}

static struct mconn *conn_new(struct bench_pipe *p, int server)
{
    struct mconn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->is_server = server;
    c->in = server ? &p->c2s : &p->s2c;
    c->out = server ? &p->s2c : &p->c2s;
    mbedtls_ssl_init(&c->ssl);
    const mbedtls_ssl_config *cf = server                   ? &scfg
                                   : psk_only && have_saved ? &ccfg_psk
                                                            : &ccfg;
    if ((c->last = mbedtls_ssl_setup(&c->ssl, cf)) != 0)
        goto fail;
    if (!server) {
        if ((c->last = mbedtls_ssl_set_hostname(&c->ssl, "localhost")) != 0)
            goto fail;
        if (resuming && have_saved &&
            (c->last = mbedtls_ssl_set_session(&c->ssl, &saved)) != 0)
            goto fail;
    }
    mbedtls_ssl_set_bio(&c->ssl, c, send_cb, recv_cb, NULL);
    return c;
fail:
    fmt_err(errbuf, sizeof(errbuf), "setup", c->last);
    mbedtls_ssl_free(&c->ssl);
    free(c);
    return NULL;
}

static void *m_client_new(struct bench_pipe *p)
{
    return conn_new(p, 0);
}

static void *m_server_new(struct bench_pipe *p)
{
    return conn_new(p, 1);
}

static int m_handshake(void *conn)
{
    struct mconn *c = conn;
    int r = mbedtls_ssl_handshake(&c->ssl);
    if (r == 0)
        return BS_DONE;
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE ||
        r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        return BS_AGAIN;
    c->last = r;
    return BS_ERR;
}

static int m_write(void *conn, const void *buf, size_t len)
{
    struct mconn *c = conn;
    const unsigned char *b = buf;
    while (len > 0) {
        int n = mbedtls_ssl_write(&c->ssl, b, len);
        if (n < 0) {
            c->last = n;
            return BS_ERR;
        }
        b += n;
        len -= (size_t)n;
    }
    return BS_DONE;
}

static ssize_t m_read(void *conn, void *buf, size_t len)
{
    struct mconn *c = conn;
    for (;;) {
        int n = mbedtls_ssl_read(&c->ssl, buf, len);
        if (n >= 0)
            return n;
        if (n == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
            continue; /* kept in the context; save() exports it */
        if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE)
            return BENCH_READ_AGAIN;
        c->last = n;
        return -1;
    }
}

static int m_save(void *conn)
{
    struct mconn *c = conn;
    mbedtls_ssl_session_free(&saved);
    mbedtls_ssl_session_init(&saved);
    c->last = mbedtls_ssl_get_session(&c->ssl, &saved);
    have_saved = c->last == 0;
    return c->last == 0 ? 0 : -1;
}

/* mbedTLS 3.6 has no public "was this resumed" call: a resumed handshake
 * carries no Certificate message, so the server's handshake flight is
 * shorter than its certificate chain. */
static int m_resumed(void *conn)
{
    struct mconn *c = conn;
    size_t n = c->is_server ? c->hs_out : c->hs_in;
    return n < chain_len;
}

static const char *m_error(void *conn)
{
    struct mconn *c = conn;
    if (c == NULL)
        return errbuf;
    fmt_err(errbuf, sizeof(errbuf), "mbedtls", c->last);
    return errbuf;
}

static void m_free(void *conn)
{
    struct mconn *c = conn;
    mbedtls_ssl_free(&c->ssl);
    free(c);
}

static void m_teardown(void)
{
    mbedtls_ssl_config_free(&ccfg);
    mbedtls_ssl_config_free(&scfg);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_pk_free(&srvkey);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_ticket_free(&ticket);
    mbedtls_ssl_session_free(&saved);
    have_saved = 0;
}

/* ---- Crypto ceiling ---- */

static void print_rate(const char *op, long n, uint64_t ns, double bytes)
{
    printf("{\"layer\":\"crypto\",\"impl\":\"mbedtls\",\"op\":\"%s\","
           "\"iters\":%ld,\"us\":%.3f",
           op, n, ns / 1e3 / n);
    if (bytes > 0)
        printf(",\"MBps\":%.1f}\n", bytes * n / (ns / 1e9) / 1e6);
    else
        printf(",\"per_s\":%.1f}\n", n / (ns / 1e9));
}

/* Runs body until seconds of CPU time have passed. */
#define RATE(op, seconds, bytes, body)                                         \
    do {                                                                       \
        long n_ = 0;                                                           \
        uint64_t t0_ = bench_cpu_ns(), lim_ = (uint64_t)((seconds)*1e9);       \
        do {                                                                   \
            body;                                                              \
            n_++;                                                              \
        } while (bench_cpu_ns() - t0_ < lim_);                                 \
        print_rate(op, n_, bench_cpu_ns() - t0_, bytes);                       \
    } while (0)

static int pk_sign_rate(const char *op, const char *file, double seconds)
{
    mbedtls_pk_context pk;
    unsigned char hash[32] = {1}, sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t sl;
    int bad = 0;

    mbedtls_pk_init(&pk);
    if (mbedtls_pk_parse_keyfile(&pk, file, NULL, mbedtls_ctr_drbg_random,
                                 &drbg) != 0) {
        fprintf(stderr, "crypto: cannot load %s\n", file);
        mbedtls_pk_free(&pk);
        return -1;
    }
    RATE(op, seconds, 0,
         bad |=
         mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, sizeof(sig),
                         &sl, mbedtls_ctr_drbg_random, &drbg));
    mbedtls_pk_free(&pk);
    return bad ? -1 : 0;
}

static int x25519_rate(double seconds)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t peer, mine;
    uint8_t pub[32], secret[32];
    size_t pl, sl;
    int bad = 0;

    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
    psa_set_key_bits(&a, 255);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, PSA_ALG_ECDH);
    if (psa_generate_key(&a, &peer) != PSA_SUCCESS ||
        psa_export_public_key(peer, pub, sizeof(pub), &pl) != PSA_SUCCESS)
        return -1;
    /* One ECDHE share as a TLS handshake makes it: a fresh key pair, then
     * the agreement with the peer's public key. */
    RATE("x25519-keygen+agree", seconds, 0, {
        bad |= psa_generate_key(&a, &mine) != PSA_SUCCESS;
        bad |= psa_raw_key_agreement(PSA_ALG_ECDH, mine, pub, pl, secret,
                                     sizeof(secret), &sl) != PSA_SUCCESS;
        psa_destroy_key(mine);
    });
    psa_destroy_key(peer);
    return bad ? -1 : 0;
}

static int aead_rate(const char *op, psa_key_type_t type, size_t bits,
                     psa_algorithm_t alg, double seconds)
{
    static uint8_t in[16384], out[16384 + 16];
    uint8_t key[32] = {7}, nonce[12] = {0};
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    size_t ol;
    int bad = 0;

    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_ENCRYPT);
    psa_set_key_algorithm(&a, alg);
    if (psa_import_key(&a, key, bits / 8, &id) != PSA_SUCCESS)
        return -1;
    RATE(op, seconds, (double)sizeof(in),
         bad |=
         psa_aead_encrypt(id, alg, nonce, sizeof(nonce), NULL, 0, in,
                          sizeof(in), out, sizeof(out), &ol) != PSA_SUCCESS);
    psa_destroy_key(id);
    return bad ? -1 : 0;
}

static int m_crypto(const char *crypto_certs, double seconds)
{
    char path[1024];
    int bad = 0;
    if (rng_init() != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/server-ecdsa.key", crypto_certs);
    bad |= pk_sign_rate("ecdsa-p256-sign", path, seconds);
    snprintf(path, sizeof(path), "%s/server-rsa.key", crypto_certs);
    bad |= pk_sign_rate("rsa2048-sign", path, seconds);
    bad |= x25519_rate(seconds);
    bad |=
        aead_rate("aes128gcm-16k", PSA_KEY_TYPE_AES, 128, PSA_ALG_GCM, seconds);
    bad |=
        aead_rate("aes256gcm-16k", PSA_KEY_TYPE_AES, 256, PSA_ALG_GCM, seconds);
    bad |= aead_rate("chacha20poly1305-16k", PSA_KEY_TYPE_CHACHA20, 256,
                     PSA_ALG_CHACHA20_POLY1305, seconds);
    return bad ? -1 : 0;
}

static const struct bench_impl mbedtls_impl = {
    "mbedtls", m_setup,    m_client_new, m_server_new, m_handshake,
    m_write,   m_read,     m_save,       m_resumed,    m_error,
    m_free,    m_teardown, m_crypto,
};

const struct bench_impl *bench_impl(void)
{
    return &mbedtls_impl;
}
