/*
 * Configuration on mbedTLS: keypairs, trust anchors and CRLs, and the two
 * mbedtls_ssl_config objects (client role, server role) built when the
 * engine freezes a petls_config. After freezing, connections on any thread
 * share the objects read-only.
 */
#include <string.h>

#include <mbedtls/dhm.h>
#include <mbedtls/ecp.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <psa/crypto.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

#define TLS13_MIN_ID 0x1301
#define TLS13_MAX_ID 0x13FF

static int is_tls13_suite(int id)
{
    return id >= TLS13_MIN_ID && id <= TLS13_MAX_ID;
}

/* The libtls "secure" set, strongest first: TLS 1.3, then forward-secret
 * AEAD suites for TLS 1.2. */
static const int default_ciphers[] = {
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
};

/* Added after default_ciphers when a PSK is configured: forward-secret
 * ECDHE-PSK and DHE-PSK first, then plain PSK (what a PSK-only device
 * without (EC)DH support may offer). */
static const int default_psk_ciphers[] = {
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384,
    MBEDTLS_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
    MBEDTLS_TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256,
    /* AES-CCM with the full 16-byte tag: what a build without GCM and
     * ChaCha20 (port/mbedtls/petls_mbedtls_psk12_min.h) has. CCM_8 only
     * when named in the cipher list: its 64-bit tag keeps it out of the
     * secure set (cipher_suites.c). */
    MBEDTLS_TLS_PSK_WITH_AES_256_CCM,
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM,
};

static const uint16_t default_groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE2048,
};

/* mbedTLS's default signature algorithms with RSA PKCS#1 v1.5 ahead of
 * RSA-PSS. mbedTLS 3.6.6 regressed: a client that offers TLS 1.2 and 1.3
 * advertises rsa_pss_rsae_* but rejects a TLS 1.2 ServerKeyExchange signed
 * that way (illegal_parameter; fixed upstream by Mbed-TLS/mbedtls#10672).
 * OpenSSL, GnuTLS and Node pick the first entry of the client's list they
 * can use, so listing PKCS#1 first makes TLS 1.2 servers sign with it,
 * while TLS 1.3 (where PKCS#1 is not allowed for handshake signatures)
 * still uses PSS. Entries the build does not support are left out
 * (pb_sigalg_supported). */
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_CERT_ENABLED)
static const uint16_t default_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE,
};
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

int pb_cipher_supported(uint16_t iana_id)
{
    const mbedtls_ssl_ciphersuite_t *info;
    const int *list;
    const char *name;

    /* mbedtls_ssl_list_ciphersuites() is what the library is willing to
     * negotiate (ciphersuite_from_id also knows some it filters out). */
    for (list = mbedtls_ssl_list_ciphersuites(); *list != 0; list++) {
        if (*list == (int)iana_id) {
            break;
        }
    }
    if (*list == 0) {
        return 0;
    }
    info = mbedtls_ssl_ciphersuite_from_id(iana_id);
    if (info == NULL) {
        return 0;
    }
    /* PSK and EC J-PAKE suites need secrets: without them they could never
     * be negotiated (a config with a PSK takes the PSK suites anyway, see
     * suite_usable). */
    name = mbedtls_ssl_ciphersuite_get_name(info);
    if (strstr(name, "PSK") != NULL || strstr(name, "ECJPAKE") != NULL) {
        return 0;
    }
    return 1;
}

/* pb_cipher_supported, and the PSK suites mbedTLS implements when the
 * config has a PSK. */
static int suite_usable(int id, int psk)
{
    const int *list;

    if (pb_cipher_supported((uint16_t)id)) {
        return 1;
    }
    if (!psk || !pb_mbedtls_suite_is_psk(id)) {
        return 0;
    }
    for (list = mbedtls_ssl_list_ciphersuites(); *list != 0; list++) {
        if (*list == id) {
            return 1;
        }
    }
    return 0;
}

int pb_cipher_listed(uint16_t iana_id)
{
    return suite_usable((int)iana_id, 1);
}

size_t pb_default_ciphers(uint16_t *out, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < N_ELEMS(default_ciphers); i++) {
        if (!pb_cipher_supported((uint16_t)default_ciphers[i])) {
            continue;
        }
        if (n < max) {
            out[n] = (uint16_t)default_ciphers[i];
        }
        n++;
    }
    return n;
}

int pb_group_supported(uint16_t iana_group)
{
    if (iana_group >= MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE2048 &&
        iana_group <= MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE8192) {
        /* TLS 1.3 FFDHE goes through PSA; TLS 1.2 DHE uses the server's DH
         * parameters whatever the list says. */
#if defined(PSA_WANT_ALG_FFDH)
        switch (iana_group) {
#if defined(PSA_WANT_DH_RFC7919_2048)
        case MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE2048:
            return 1;
#endif
#if defined(PSA_WANT_DH_RFC7919_3072)
        case MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE3072:
            return 1;
#endif
#if defined(PSA_WANT_DH_RFC7919_4096)
        case MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE4096:
            return 1;
#endif
#if defined(PSA_WANT_DH_RFC7919_6144)
        case MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE6144:
            return 1;
#endif
#if defined(PSA_WANT_DH_RFC7919_8192)
        case MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE8192:
            return 1;
#endif
        default:
            return 0;
        }
#else
        return 0;
#endif
    }
#if defined(MBEDTLS_ECP_C)
    return mbedtls_ecp_curve_info_from_tls_id(iana_group) != NULL;
#else
    return 0;
#endif
}

struct pb_config *pb_config_new(char *err, size_t errlen)
{
    struct pb_config *cfg;

    if (pb_mbedtls_ensure_init(err, errlen) != 0) {
        return NULL;
    }
    cfg = petls_port_calloc(1, sizeof(*cfg));
    if (cfg == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return NULL;
    }
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_init(&cfg->ca);
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_x509_crl_init(&cfg->crl);
#endif
#endif
    mbedtls_ssl_config_init(&cfg->client);
    mbedtls_ssl_config_init(&cfg->server);
    mbedtls_ssl_config_init(&cfg->server_noticket);
    cfg->verify_depth = -1;
    return cfg;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)
static void keypair_free(struct pb_keypair *kp)
{
    mbedtls_x509_crt_free(&kp->chain);
    mbedtls_pk_free(&kp->key); /* zeroizes the key material */
    mbedtls_platform_zeroize(kp, sizeof(*kp));
    petls_port_free(kp);
}
#endif

void pb_config_clear_keypairs(struct pb_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    {
        struct pb_keypair *kp, *next;
        for (kp = cfg->keypairs; kp != NULL; kp = next) {
            next = kp->next;
            keypair_free(kp);
        }
    }
#endif
    cfg->keypairs = NULL;
}

void pb_config_free(struct pb_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    mbedtls_ssl_config_free(&cfg->client);
    mbedtls_ssl_config_free(&cfg->server);
    mbedtls_ssl_config_free(&cfg->server_noticket);
    pb_mbedtls_nego_cfg_free(cfg);
    pb_config_clear_keypairs(cfg);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_free(&cfg->ca);
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_x509_crl_free(&cfg->crl);
#endif
#endif
    petls_port_free(cfg->ciphers);
    petls_port_free(cfg->groups);
    petls_port_free(cfg->sig_algs);
    petls_port_free(cfg);
}

int pb_sigalg_supported(uint16_t iana_sigalg)
{
    /* What mbedTLS 3.6 signs and verifies in TLS 1.2 and 1.3. Not
     * EdDSA or rsa_pss_pss_* (mbedTLS 3.6 has neither in TLS), nor SHA-1
     * (petls never signs or accepts SHA-1 handshake signatures). */
    switch (iana_sigalg) {
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_CERT_ENABLED)
#if defined(MBEDTLS_PK_CAN_ECDSA_SOME)
#if defined(PSA_WANT_ECC_SECP_R1_256) && defined(MBEDTLS_MD_CAN_SHA256)
    case MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256:
        return 1;
#endif
#if defined(PSA_WANT_ECC_SECP_R1_384) && defined(MBEDTLS_MD_CAN_SHA384)
    case MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384:
        return 1;
#endif
#if defined(PSA_WANT_ECC_SECP_R1_521) && defined(MBEDTLS_MD_CAN_SHA512)
    case MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512:
        return 1;
#endif
#endif /* MBEDTLS_PK_CAN_ECDSA_SOME */
#if defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PKCS1_V15)
#if defined(MBEDTLS_MD_CAN_SHA256)
    case MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256:
        return 1;
#endif
#if defined(MBEDTLS_MD_CAN_SHA384)
    case MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384:
        return 1;
#endif
#if defined(MBEDTLS_MD_CAN_SHA512)
    case MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512:
        return 1;
#endif
#endif
#if defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PKCS1_V21)
#if defined(MBEDTLS_MD_CAN_SHA256)
    case MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256:
        return 1;
#endif
#if defined(MBEDTLS_MD_CAN_SHA384)
    case MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384:
        return 1;
#endif
#if defined(MBEDTLS_MD_CAN_SHA512)
    case MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512:
        return 1;
#endif
#endif
#endif /* MBEDTLS_SSL_HANDSHAKE_WITH_CERT_ENABLED */
    default:
        return 0;
    }
}

/* mbedTLS 3.6 signs and verifies TLS 1.2 handshakes with PKCS#1 v1.5 and
 * ECDSA only: it leaves RSA-PSS out of a TLS 1.2 ClientHello and never
 * picks it for a TLS 1.2 ServerKeyExchange. */
static int tls12_usable(uint16_t a)
{
    return (a & 0xff) == 0x01 /* rsa_pkcs1_* */ ||
           (a & 0xff) == 0x03 /* ecdsa_* */;
}

size_t pb_config_sigalgs(const struct pb_config *cfg, uint16_t version,
                         uint16_t *out, size_t max)
{
    size_t i, n = 0;

    if (cfg == NULL || cfg->sig_algs == NULL) {
        return 0;
    }
    for (i = 0; cfg->sig_algs[i] != MBEDTLS_TLS1_3_SIG_NONE; i++) {
        if (version == 0x0303 && !tls12_usable(cfg->sig_algs[i])) {
            continue;
        }
        if (out != NULL && n < max) {
            out[n] = cfg->sig_algs[i];
        }
        n++;
    }
    return n;
}

static int not_frozen(const struct pb_config *cfg, char *err, size_t errlen)
{
    if (cfg->frozen) {
        pb_mbedtls_msg(err, errlen,
                       "the configuration is in use and cannot change");
        return -1;
    }
    return 0;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)
/* Parses a private key, telling apart the cases a user can fix. */
static int parse_key(mbedtls_pk_context *pk, const uint8_t *key, size_t key_len,
                     const char *passphrase, char *err, size_t errlen)
{
    const uint8_t *in;
    size_t in_len;
    int owned, ret;
    const unsigned char *pwd = (const unsigned char *)passphrase;
    size_t pwd_len = passphrase != NULL ? strlen(passphrase) : 0;

    if (key == NULL || key_len == 0) {
        pb_mbedtls_msg(err, errlen, "no private key given");
        return PB_ERR;
    }
    in = pb_mbedtls_pem_input(key, key_len, &in_len, &owned);
    if (in == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    ret = pb_mbedtls_parse_key(pk, in, in_len, pwd, pwd_len);
    pb_mbedtls_free_input(in, in_len, owned);
    if (ret == 0) {
        return 0;
    }
    if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
        pb_mbedtls_msg(err, errlen,
                       "private key is encrypted: a passphrase is needed");
    } else if (ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
        pb_mbedtls_msg(err, errlen, "wrong passphrase for the private key");
    } else if (ret == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG ||
               ret == MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE) {
        pb_mbedtls_err(err, errlen, ret, "unsupported private key algorithm");
    } else if (ret == MBEDTLS_ERR_PK_ALLOC_FAILED) {
        pb_mbedtls_msg(err, errlen, "out of memory");
    } else {
        pb_mbedtls_err(err, errlen, ret,
                       "not a private key (expected PEM or DER: PKCS#1, "
                       "SEC1 or PKCS#8)");
    }
    return PB_ERR;
}

/* Whether PEM text holds a private key and no certificate: a certificate
 * file given where the key belongs (or the two swapped). */
static int pem_key_not_cert(const uint8_t *buf, size_t len)
{
    static const char key[] = "PRIVATE KEY-----";
    static const char cert[] = "-----BEGIN CERTIFICATE-----";
    int has_key = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        if (len - i >= sizeof(cert) - 1 &&
            memcmp(buf + i, cert, sizeof(cert) - 1) == 0)
            return 0;
        if (len - i >= sizeof(key) - 1 &&
            memcmp(buf + i, key, sizeof(key) - 1) == 0)
            has_key = 1;
    }
    return has_key;
}

int pb_config_add_keypair(struct pb_config *cfg, const uint8_t *cert,
                          size_t cert_len, const uint8_t *key, size_t key_len,
                          const char *passphrase, char *err, size_t errlen)
{
    struct pb_keypair *kp, **tail;
    const uint8_t *in;
    size_t in_len;
    int owned, ret;

    if (not_frozen(cfg, err, errlen) != 0) {
        return PB_ERR;
    }
    if (cert == NULL || cert_len == 0) {
        pb_mbedtls_msg(err, errlen, "no certificate given");
        return PB_ERR;
    }
    kp = petls_port_calloc(1, sizeof(*kp));
    if (kp == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    mbedtls_x509_crt_init(&kp->chain);
    mbedtls_pk_init(&kp->key);

    in = pb_mbedtls_pem_input(cert, cert_len, &in_len, &owned);
    if (in == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        goto fail;
    }
    ret = mbedtls_x509_crt_parse(&kp->chain, in, in_len);
    pb_mbedtls_free_input(in, in_len, owned);
    if (ret < 0 && pem_key_not_cert(cert, cert_len)) {
        pb_mbedtls_msg(err, errlen,
                       "cannot parse the certificate: the certificate file "
                       "holds a private key and no certificate (certificate "
                       "and key swapped?)");
        goto fail;
    }
    if (ret < 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot parse the certificate");
        goto fail;
    }
    if (ret > 0) {
        pb_mbedtls_msg(err, errlen,
                       "cannot parse %d of the certificates in the chain", ret);
        goto fail;
    }
    if (parse_key(&kp->key, key, key_len, passphrase, err, errlen) != 0) {
        goto fail;
    }
    ret = mbedtls_pk_check_pair(&kp->chain.pk, &kp->key, pb_mbedtls_rng,
                                pb_mbedtls_rng_ctx());
    if (ret != 0) {
        pb_mbedtls_msg(err, errlen,
                       "private key does not match the certificate");
        goto fail;
    }
    for (tail = &cfg->keypairs; *tail != NULL; tail = &(*tail)->next) {
    }
    *tail = kp;
    return 0;

fail:
    keypair_free(kp);
    return PB_ERR;
}
#else  /* !MBEDTLS_X509_CRT_PARSE_C */
int pb_config_add_keypair(struct pb_config *cfg, const uint8_t *cert,
                          size_t cert_len, const uint8_t *key, size_t key_len,
                          const char *passphrase, char *err, size_t errlen)
{
    (void)cert;
    (void)cert_len;
    (void)key;
    (void)key_len;
    (void)passphrase;
    if (not_frozen(cfg, err, errlen) != 0) {
        return PB_ERR;
    }
    pb_mbedtls_msg(err, errlen, "%s: no certificate or private key can be used",
                   PB_MBEDTLS_NO_X509_MSG);
    return PB_ERR;
}
#endif /* MBEDTLS_X509_CRT_PARSE_C */

#if defined(MBEDTLS_X509_CRT_PARSE_C)
static int count_crts(const mbedtls_x509_crt *c)
{
    int n = 0;

    /* An initialised but empty chain has version 0. */
    for (; c != NULL && c->version != 0; c = c->next) {
        n++;
    }
    return n;
}

int pb_config_add_ca(struct pb_config *cfg, const uint8_t *ca, size_t len,
                     char *err, size_t errlen)
{
    const uint8_t *in;
    size_t in_len;
    int owned, ret, before, after;

    if (not_frozen(cfg, err, errlen) != 0) {
        return PB_ERR;
    }
    if (ca == NULL || len == 0) {
        pb_mbedtls_msg(err, errlen, "no CA certificates given");
        return PB_ERR;
    }
    in = pb_mbedtls_pem_input(ca, len, &in_len, &owned);
    if (in == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    before = count_crts(&cfg->ca);
    /* A positive result counts certificates mbedTLS could not parse (e.g. an
     * unsupported algorithm in a system bundle): skip those as OpenSSL-based
     * stacks do, as long as the data held some usable certificate. */
    ret = mbedtls_x509_crt_parse(&cfg->ca, in, in_len);
    pb_mbedtls_free_input(in, in_len, owned);
    after = count_crts(&cfg->ca);
    if (ret < 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot parse the CA certificates");
        return PB_ERR;
    }
    if (after == before) {
        pb_mbedtls_msg(err, errlen, "no usable CA certificate in the data");
        return PB_ERR;
    }
    cfg->n_ca = after;
    return 0;
}

void pb_config_clear_ca(struct pb_config *cfg)
{
    if (cfg == NULL || cfg->frozen) {
        return;
    }
    mbedtls_x509_crt_free(&cfg->ca);
    mbedtls_x509_crt_init(&cfg->ca);
    cfg->n_ca = 0;
}
#else  /* !MBEDTLS_X509_CRT_PARSE_C */
int pb_config_add_ca(struct pb_config *cfg, const uint8_t *ca, size_t len,
                     char *err, size_t errlen)
{
    (void)ca;
    (void)len;
    if (not_frozen(cfg, err, errlen) != 0) {
        return PB_ERR;
    }
    pb_mbedtls_msg(err, errlen, "%s: no CA certificate can be used",
                   PB_MBEDTLS_NO_X509_MSG);
    return PB_ERR;
}

void pb_config_clear_ca(struct pb_config *cfg)
{
    (void)cfg; /* there never is one */
}
#endif /* MBEDTLS_X509_CRT_PARSE_C */

int pb_config_add_crl(struct pb_config *cfg, const uint8_t *crl, size_t len,
                      char *err, size_t errlen)
{
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    const uint8_t *in;
    size_t in_len;
    int owned, ret;

    if (not_frozen(cfg, err, errlen) != 0) {
        return PB_ERR;
    }
    if (crl == NULL || len == 0) {
        pb_mbedtls_msg(err, errlen, "no CRL given");
        return PB_ERR;
    }
    in = pb_mbedtls_pem_input(crl, len, &in_len, &owned);
    if (in == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    ret = mbedtls_x509_crl_parse(&cfg->crl, in, in_len);
    pb_mbedtls_free_input(in, in_len, owned);
    if (ret != 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot parse the CRL");
        return PB_ERR;
    }
    cfg->n_crl++;
    return 0;
#else
    (void)cfg;
    (void)crl;
    (void)len;
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    pb_mbedtls_msg(err, errlen,
                   "CRLs are not supported by this mbed TLS build");
#else
    pb_mbedtls_msg(err, errlen, "%s: no CRL can be used",
                   PB_MBEDTLS_NO_X509_MSG);
#endif
    return PB_ERR;
#endif
}

/* Builds the 0-terminated cipher list and narrows the protocol range to the
 * versions the list can serve. Node/OpenSSL semantics: a list naming no
 * TLS 1.3 suite leaves TLS 1.3 on its default suites; a list naming only
 * TLS 1.3 suites leaves TLS 1.2 with nothing, so TLS 1.2 is off. */
static int build_ciphers(struct pb_config *cfg, const struct pb_settings *s,
                         uint32_t *protocols, char *err, size_t errlen)
{
    size_t n_in = s->n_ciphers > 0 ? s->n_ciphers : N_ELEMS(default_ciphers);
    size_t i, n = 0, n12 = 0, n13 = 0;
    int *out;

    if (s->n_ciphers == 0 && s->psk) {
        n_in += N_ELEMS(default_psk_ciphers);
    }
    /* Room for the list, the default TLS 1.3 suites and the terminator. */
    out = petls_port_calloc(n_in + N_ELEMS(default_ciphers) + 1, sizeof(int));
    if (out == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    for (i = 0; i < n_in; i++) {
        int id = s->n_ciphers > 0 ? (int)s->ciphers[i]
                 : i < N_ELEMS(default_ciphers)
                     ? default_ciphers[i]
                     : default_psk_ciphers[i - N_ELEMS(default_ciphers)];
        if (!suite_usable(id, s->psk)) {
            continue;
        }
        out[n++] = id;
        if (is_tls13_suite(id)) {
            n13++;
        } else {
            n12++;
        }
    }
    if (n == 0) {
        petls_port_free(out);
        pb_mbedtls_msg(err, errlen,
                       "none of the configured cipher suites is supported "
                       "by mbed TLS");
        return PB_ERR;
    }
    if (n13 == 0 && (*protocols & PB_PROTOCOL_TLSv1_3)) {
        for (i = 0; i < N_ELEMS(default_ciphers); i++) {
            if (is_tls13_suite(default_ciphers[i]) &&
                pb_cipher_supported((uint16_t)default_ciphers[i])) {
                out[n++] = default_ciphers[i];
                n13++;
            }
        }
    }
    if (n12 == 0) {
        if (!(*protocols & PB_PROTOCOL_TLSv1_3)) {
            petls_port_free(out);
            pb_mbedtls_msg(err, errlen,
                           "the cipher list has no TLSv1.2 cipher suite, "
                           "but TLSv1.2 is the only enabled protocol");
            return PB_ERR;
        }
        *protocols &= ~(uint32_t)PB_PROTOCOL_TLSv1_2;
    }
    if (n13 == 0) {
        *protocols &= ~(uint32_t)PB_PROTOCOL_TLSv1_3;
    }
    if (*protocols == 0) {
        petls_port_free(out);
        pb_mbedtls_msg(err, errlen,
                       "no cipher suite left for the enabled protocols");
        return PB_ERR;
    }
    out[n] = 0;
    cfg->ciphers = out;
    return 0;
}

static int build_groups(struct pb_config *cfg, const struct pb_settings *s,
                        char *err, size_t errlen)
{
    size_t n_in = s->n_groups > 0 ? s->n_groups : N_ELEMS(default_groups);
    size_t i, n = 0;
    uint16_t *out;

    out = petls_port_calloc(n_in + 1, sizeof(uint16_t));
    if (out == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    for (i = 0; i < n_in; i++) {
        uint16_t g = s->n_groups > 0 ? s->groups[i] : default_groups[i];
        if (pb_group_supported(g)) {
            out[n++] = g;
        }
    }
    /* A build without (EC)DH (port/mbedtls/petls_mbedtls_psk12_min.h: plain
     * PSK only) supports no group at all: the default list is then empty
     * (no key exchange needs one), while a list the user set fails. */
    if (n == 0 && s->n_groups > 0) {
        petls_port_free(out);
        pb_mbedtls_msg(err, errlen,
                       "none of the configured groups is supported by "
                       "mbed TLS");
        return PB_ERR;
    }
    out[n] = 0;
    cfg->groups = out;
    return 0;
}

static int build_sig_algs(struct pb_config *cfg, const struct pb_settings *s,
                          char *err, size_t errlen)
{
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_CERT_ENABLED)
    size_t n_in = s->n_sigalgs > 0 ? s->n_sigalgs : N_ELEMS(default_sig_algs);
    size_t i, n = 0, n12 = 0;
    uint16_t *out;

    out = petls_port_calloc(n_in + 1, sizeof(uint16_t));
    if (out == NULL) {
        pb_mbedtls_msg(err, errlen, "out of memory");
        return PB_ERR;
    }
    for (i = 0; i < n_in; i++) {
        uint16_t a = s->n_sigalgs > 0 ? s->sigalgs[i] : default_sig_algs[i];
        if (a != MBEDTLS_TLS1_3_SIG_NONE && pb_sigalg_supported(a)) {
            out[n++] = a;
            n12 += tls12_usable(a) ? 1 : 0;
        }
    }
    if (n > 0 && n12 == 0 && s->n_sigalgs > 0 &&
        (s->protocols & PB_PROTOCOLS_ALL) == PB_PROTOCOL_TLSv1_2) {
        petls_port_free(out);
        pb_mbedtls_msg(err, errlen,
                       "none of the configured signature algorithms works "
                       "in TLS 1.2 with mbed TLS 3.6 (RSA-PSS is TLS 1.3 "
                       "only there: add rsa_pkcs1_* or ecdsa_*)");
        return PB_ERR;
    }
    if (n == 0 && s->n_sigalgs > 0) {
        petls_port_free(out);
        pb_mbedtls_msg(err, errlen,
                       "none of the configured signature algorithms is "
                       "supported by mbed TLS (it has ECDSA with P-256, "
                       "P-384, P-521; RSA PKCS#1 v1.5 and RSA-PSS (rsae) with "
                       "SHA-256, SHA-384, SHA-512)");
        return PB_ERR;
    }
    out[n] = MBEDTLS_TLS1_3_SIG_NONE;
    cfg->sig_algs = out;
    return 0;
#else
    (void)cfg;
    if (s->n_sigalgs > 0) {
        pb_mbedtls_msg(err, errlen, "%s: signature algorithms cannot be set",
                       PB_MBEDTLS_NO_X509_MSG);
        return PB_ERR;
    }
    return 0;
#endif
}

static mbedtls_ssl_protocol_version wire_version(uint32_t bit)
{
    return bit == PB_PROTOCOL_TLSv1_3 ? MBEDTLS_SSL_VERSION_TLS1_3
                                      : MBEDTLS_SSL_VERSION_TLS1_2;
}

static int setup_role(struct pb_config *cfg, mbedtls_ssl_config *conf,
                      int endpoint, uint32_t protocols,
                      const struct pb_settings *s, char *err, size_t errlen)
{
    struct pb_keypair *kp;
    int ret, authmode;

    ret = mbedtls_ssl_config_defaults(conf, endpoint,
                                      MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        pb_mbedtls_err(err, errlen, ret, "cannot set up the TLS settings");
        return PB_ERR;
    }
    mbedtls_ssl_conf_rng(conf, pb_mbedtls_rng, pb_mbedtls_rng_ctx());
    mbedtls_ssl_conf_min_tls_version(
        conf,
        wire_version((protocols & PB_PROTOCOL_TLSv1_2) ? PB_PROTOCOL_TLSv1_2
                                                       : PB_PROTOCOL_TLSv1_3));
    mbedtls_ssl_conf_max_tls_version(
        conf,
        wire_version((protocols & PB_PROTOCOL_TLSv1_3) ? PB_PROTOCOL_TLSv1_3
                                                       : PB_PROTOCOL_TLSv1_2));
    /* One list mixes TLS 1.2 and 1.3 suites; mbedTLS keeps the pointer.
     * The server always picks in its own order for TLS 1.2 (unless mbedTLS
     * was built with MBEDTLS_SSL_SRV_RESPECT_CLIENT_PREFERENCE) and, for
     * TLS 1.3, takes the first of the client's suites it supports. So
     * prefer_server_ciphers=0 (petls_config_prefer_ciphers_client) cannot
     * be honoured for TLS 1.2 on a stock build: the server's order wins. */
    mbedtls_ssl_conf_ciphersuites(conf, cfg->ciphers);
    mbedtls_ssl_conf_groups(conf, cfg->groups);
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_CERT_ENABLED)
    mbedtls_ssl_conf_sig_algs(conf, cfg->sig_algs);
#endif

    if (endpoint == MBEDTLS_SSL_IS_CLIENT) {
        /* OPTIONAL without verification still runs the checks, so the
         * facts (and petls_peer_cert_*) are available. */
        authmode = s->verify_cert ? MBEDTLS_SSL_VERIFY_REQUIRED
                                  : MBEDTLS_SSL_VERIFY_OPTIONAL;
    } else {
        switch (s->verify_client) {
        case PB_VERIFY_CLIENT_REQUIRE:
            authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
            break;
        case PB_VERIFY_CLIENT_OPTIONAL:
            authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
            break;
        default:
            authmode = MBEDTLS_SSL_VERIFY_NONE;
            break;
        }
#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
        mbedtls_ssl_conf_sni(conf, pb_mbedtls_sni_cb, NULL);
#endif
#if defined(MBEDTLS_DHM_C)
        {
            /* RFC 7919 ffdhe2048 for the DHE-RSA suites instead of the
             * library's RFC 3526 default. */
            static const unsigned char p[] =
                MBEDTLS_DHM_RFC7919_FFDHE2048_P_BIN;
            static const unsigned char g[] =
                MBEDTLS_DHM_RFC7919_FFDHE2048_G_BIN;
            ret =
                mbedtls_ssl_conf_dh_param_bin(conf, p, sizeof(p), g, sizeof(g));
            if (ret != 0) {
                pb_mbedtls_err(err, errlen, ret,
                               "cannot set the DHE parameters");
                return PB_ERR;
            }
        }
#endif
    }
    mbedtls_ssl_conf_authmode(conf, authmode);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_ssl_conf_ca_chain(conf, cfg->n_ca > 0 ? &cfg->ca : NULL,
                              cfg->n_crl > 0 ? &cfg->crl : NULL);
#else
    mbedtls_ssl_conf_ca_chain(conf, cfg->n_ca > 0 ? &cfg->ca : NULL, NULL);
#endif
    /* Several pairs: mbedTLS picks by the peer's signature algorithms
     * (TLS 1.3) or the suite's key exchange (TLS 1.2). */
    for (kp = cfg->keypairs; kp != NULL; kp = kp->next) {
        ret = mbedtls_ssl_conf_own_cert(conf, &kp->chain, &kp->key);
        if (ret != 0) {
            pb_mbedtls_err(err, errlen, ret, "cannot use the keypair");
            return PB_ERR;
        }
    }
#else
    (void)kp;
#endif
    if (pb_mbedtls_vhost_conf(conf, endpoint, s, err, errlen) != 0) {
        return PB_ERR;
    }
    /* Sessions (tickets, cache, TLS 1.3 modes): pb_mbedtls_session_conf,
     * which pb_config_freeze calls after this. */
    /* ALPN, renegotiation, max_fragment_length (mbedtls_nego.c). */
    if (pb_mbedtls_nego_conf(cfg, conf, endpoint, s, err, errlen) != 0) {
        return PB_ERR;
    }
    return 0;
}

int pb_config_freeze(struct pb_config *cfg, const struct pb_settings *s,
                     char *err, size_t errlen)
{
    uint32_t protocols;
    int stateful;

    if (cfg->frozen) {
        return 0;
    }
    protocols = s->protocols & PB_PROTOCOLS_ALL;
    if (protocols == 0) {
        pb_mbedtls_msg(err, errlen, "no supported protocol version enabled");
        return PB_ERR;
    }
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
    /* Said here rather than as "no cipher suite supported" or a handshake
     * that fails for want of a certificate: what the config asks for
     * needs certificates. */
    if (!s->psk) {
        pb_mbedtls_msg(err, errlen,
                       "%s: a connection needs a PSK "
                       "(petls_config_add_psk)",
                       PB_MBEDTLS_NO_X509_MSG);
        return PB_ERR;
    }
    if (s->verify_client != PB_VERIFY_CLIENT_NONE) {
        pb_mbedtls_msg(err, errlen,
                       "%s: client certificates cannot be requested",
                       PB_MBEDTLS_NO_X509_MSG);
        return PB_ERR;
    }
#endif
    if (build_ciphers(cfg, s, &protocols, err, errlen) != 0) {
        return PB_ERR;
    }
    if (build_groups(cfg, s, err, errlen) != 0 ||
        build_sig_algs(cfg, s, err, errlen) != 0) {
        goto fail;
    }
    cfg->verify_cert = s->verify_cert;
    cfg->verify_time = s->verify_time;
    cfg->verify_client = s->verify_client;
    cfg->verify_depth = s->verify_depth;
    cfg->name_match = s->name_match;
    if (setup_role(cfg, &cfg->client, MBEDTLS_SSL_IS_CLIENT, protocols, s, err,
                   errlen) != 0 ||
        setup_role(cfg, &cfg->server, MBEDTLS_SSL_IS_SERVER, protocols, s, err,
                   errlen) != 0) {
        goto fail;
    }
    /* Stateful mode: TLS 1.3 still gets tickets (ids into the store), but
     * an mbedTLS TLS 1.2 server that can issue a ticket sends an empty
     * session ID, so TLS 1.2 handshakes use a copy of the server config
     * without ticket callbacks. */
    cfg->hooks = s->session_hooks;
    cfg->keep_buffers = s->keep_buffers;
    cfg->ticket_lifetime_s = s->ticket_lifetime_s;
    stateful = s->session_hooks != NULL && s->tickets && !s->tls12_tickets;
    pb_mbedtls_session_conf(cfg, &cfg->client, MBEDTLS_SSL_IS_CLIENT, 1, s);
    pb_mbedtls_session_conf(cfg, &cfg->server, MBEDTLS_SSL_IS_SERVER,
                            !stateful || (protocols & PB_PROTOCOL_TLSv1_3) != 0,
                            s);
    if (stateful && (protocols & PB_PROTOCOL_TLSv1_2)) {
        if (setup_role(cfg, &cfg->server_noticket, MBEDTLS_SSL_IS_SERVER,
                       protocols, s, err, errlen) != 0) {
            goto fail;
        }
        pb_mbedtls_session_conf(cfg, &cfg->server_noticket,
                                MBEDTLS_SSL_IS_SERVER, 0, s);
        cfg->have_server_noticket = 1;
    }
    cfg->frozen = 1;
    return 0;

fail:
    mbedtls_ssl_config_free(&cfg->client);
    mbedtls_ssl_config_free(&cfg->server);
    mbedtls_ssl_config_free(&cfg->server_noticket);
    mbedtls_ssl_config_init(&cfg->client);
    mbedtls_ssl_config_init(&cfg->server);
    mbedtls_ssl_config_init(&cfg->server_noticket);
    cfg->have_server_noticket = 0;
    cfg->hooks = NULL;
    petls_port_free(cfg->ciphers);
    petls_port_free(cfg->groups);
    petls_port_free(cfg->sig_algs);
    cfg->ciphers = NULL;
    cfg->groups = NULL;
    cfg->sig_algs = NULL;
    return PB_ERR;
}
