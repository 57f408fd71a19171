/* compat/libtls: tls_config_* (the recipe) and its petls snapshot. */
#define _DEFAULT_SOURCE /* strcasecmp, strsep */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls_compat.h"

#define LIBTLS_VERIFY_DEPTH_DEFAULT 6

/* Every change bumps the generation: the next tls_configure() builds a new
 * snapshot, contexts configured before keep theirs. */
static void changed(struct tls_config *c)
{
    pthread_mutex_lock(&c->mu);
    c->gen++;
    pthread_mutex_unlock(&c->mu);
}

static int oom(struct tls_config *c)
{
    tls_compat_err_set(&c->err, TLS_ERROR_OUT_OF_MEMORY, "out of memory");
    return -1;
}

static int bad_arg(struct tls_config *c, const char *what)
{
    tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT, "%s", what);
    return -1;
}

TLS_EXPORT int tls_init(void)
{
    return petls_init() == 0 ? 0 : -1;
}

TLS_EXPORT const char *tls_default_ca_cert_file(void)
{
    const char *f = petls_default_ca_cert_file();

    /* libtls always names a file; petls finds none on a system without a
     * bundle. The Debian/OpenBSD path is what libtls would name there. */
    return f != NULL ? f : "/etc/ssl/certs/ca-certificates.crt";
}

TLS_EXPORT struct tls_config *tls_config_new(void)
{
    struct tls_config *c;

    if (tls_init() != 0)
        return NULL;
    if ((c = calloc(1, sizeof(*c))) == NULL)
        return NULL;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    c->gen = 1;
    c->protocols = TLS_PROTOCOLS_DEFAULT;
    c->verify_depth = LIBTLS_VERIFY_DEPTH_DEFAULT;
    c->verify_cert = c->verify_name = c->verify_time = 1;
    c->n_keypairs = 1;
    c->session_fd = -1;
    /* libtls: a random session id context per config, sessions off. */
    c->session_id_len = sizeof(c->session_id);
    if (tls_compat_random(c->session_id, sizeof(c->session_id)) != 0) {
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    return c;
}

static void keypair_free(struct tls_keypair *kp)
{
    tls_compat_blob_free(&kp->cert);
    tls_compat_blob_free(&kp->key);
}

TLS_EXPORT void tls_config_free(struct tls_config *c)
{
    size_t i;

    if (c == NULL)
        return;
    petls_config_free(c->built);
    tls_compat_err_clear(&c->err);
    free(c->ciphers);
    free(c->curves);
    free(c->alpn);
    free(c->ca_path);
    tls_compat_blob_free(&c->ca);
    tls_compat_blob_free(&c->crl);
    for (i = 0; i < c->n_keypairs; i++)
        keypair_free(&c->keypairs[i]);
    tls_compat_wipe(c->tickets, sizeof(c->tickets));
    pthread_mutex_destroy(&c->mu);
    free(c);
}

TLS_EXPORT const char *tls_config_error(struct tls_config *c)
{
    return c != NULL ? c->err.msg : NULL;
}

TLS_EXPORT int tls_config_error_code(struct tls_config *c)
{
    return c != NULL ? c->err.code : TLS_ERROR_INVALID_ARGUMENT;
}

/* ---- Files --------------------------------------------------------------- */

TLS_EXPORT uint8_t *tls_load_file(const char *file, size_t *len, char *password)
{
    return petls_load_file(file, len, password);
}

TLS_EXPORT void tls_unload_file(uint8_t *buf, size_t len)
{
    petls_unload_file(buf, len);
}

/* Reads file into blob, as libtls: "failed to open <type> file '<f>'". */
static int load_blob(struct tls_config *c, struct tls_blob *b, const char *type,
                     const char *file)
{
    uint8_t *data;
    size_t len = 0;

    if (file == NULL) {
        tls_compat_blob_free(b);
        changed(c);
        return 0;
    }
    errno = 0;
    if ((data = petls_load_file(file, &len, NULL)) == NULL) {
        int e = errno != 0 ? errno : EINVAL;

        if (e == ENOMEM)
            return oom(c);
        tls_compat_err_set(&c->err, TLS_ERROR_UNKNOWN,
                           "failed to open %s file '%s': %s", type, file,
                           strerror(e));
        return -1;
    }
    if (tls_compat_blob_set(b, data, len) != 0) {
        petls_unload_file(data, len);
        return oom(c);
    }
    petls_unload_file(data, len);
    changed(c);
    return 0;
}

static int set_blob(struct tls_config *c, struct tls_blob *b,
                    const uint8_t *data, size_t len)
{
    if (tls_compat_blob_set(b, data, len) != 0)
        return oom(c);
    changed(c);
    return 0;
}

static int set_string(struct tls_config *c, char **field, const char *s)
{
    char *d = NULL;

    if (s != NULL && (d = tls_compat_strdup(s)) == NULL)
        return oom(c);
    free(*field);
    *field = d;
    changed(c);
    return 0;
}

/* ---- Trust anchors and CRLs ---------------------------------------------- */

TLS_EXPORT int tls_config_set_ca_file(struct tls_config *c, const char *f)
{
    return load_blob(c, &c->ca, "CA", f);
}

TLS_EXPORT int tls_config_set_ca_path(struct tls_config *c, const char *p)
{
    return set_string(c, &c->ca_path, p);
}

TLS_EXPORT int tls_config_set_ca_mem(struct tls_config *c, const uint8_t *ca,
                                     size_t len)
{
    return set_blob(c, &c->ca, ca, len);
}

TLS_EXPORT int tls_config_set_crl_file(struct tls_config *c, const char *f)
{
    return load_blob(c, &c->crl, "CRL", f);
}

TLS_EXPORT int tls_config_set_crl_mem(struct tls_config *c, const uint8_t *crl,
                                      size_t len)
{
    return set_blob(c, &c->crl, crl, len);
}

TLS_EXPORT int tls_config_set_verify_depth(struct tls_config *c, int depth)
{
    c->verify_depth = depth;
    changed(c);
    return 0;
}

/* ---- Keypairs ------------------------------------------------------------ */

TLS_EXPORT int tls_config_set_cert_file(struct tls_config *c, const char *f)
{
    return load_blob(c, &c->keypairs[0].cert, "certificate", f);
}

TLS_EXPORT int tls_config_set_cert_mem(struct tls_config *c,
                                       const uint8_t *cert, size_t len)
{
    return set_blob(c, &c->keypairs[0].cert, cert, len);
}

TLS_EXPORT int tls_config_set_key_file(struct tls_config *c, const char *f)
{
    return load_blob(c, &c->keypairs[0].key, "key", f);
}

TLS_EXPORT int tls_config_set_key_mem(struct tls_config *c, const uint8_t *key,
                                      size_t len)
{
    return set_blob(c, &c->keypairs[0].key, key, len);
}

static int set_keypair_files(struct tls_config *c, struct tls_keypair *kp,
                             const char *cert_file, const char *key_file)
{
    if (load_blob(c, &kp->cert, "certificate", cert_file) != 0)
        return -1;
    return load_blob(c, &kp->key, "key", key_file);
}

static int set_keypair_mems(struct tls_config *c, struct tls_keypair *kp,
                            const uint8_t *cert, size_t cert_len,
                            const uint8_t *key, size_t key_len)
{
    if (set_blob(c, &kp->cert, cert, cert_len) != 0)
        return -1;
    return set_blob(c, &kp->key, key, key_len);
}

TLS_EXPORT int tls_config_set_keypair_file(struct tls_config *c,
                                           const char *cert_file,
                                           const char *key_file)
{
    return set_keypair_files(c, &c->keypairs[0], cert_file, key_file);
}

TLS_EXPORT int tls_config_set_keypair_mem(struct tls_config *c,
                                          const uint8_t *cert, size_t cert_len,
                                          const uint8_t *key, size_t key_len)
{
    return set_keypair_mems(c, &c->keypairs[0], cert, cert_len, key, key_len);
}

static struct tls_keypair *new_keypair(struct tls_config *c)
{
    if (c->n_keypairs >= TLS_COMPAT_MAX_KEYPAIRS) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "too many keypairs (at most %d)",
                           TLS_COMPAT_MAX_KEYPAIRS);
        return NULL;
    }
    return &c->keypairs[c->n_keypairs];
}

TLS_EXPORT int tls_config_add_keypair_file(struct tls_config *c,
                                           const char *cert_file,
                                           const char *key_file)
{
    struct tls_keypair *kp = new_keypair(c);

    if (kp == NULL)
        return -1;
    if (set_keypair_files(c, kp, cert_file, key_file) != 0) {
        keypair_free(kp);
        return -1;
    }
    c->n_keypairs++;
    return 0;
}

TLS_EXPORT int tls_config_add_keypair_mem(struct tls_config *c,
                                          const uint8_t *cert, size_t cert_len,
                                          const uint8_t *key, size_t key_len)
{
    struct tls_keypair *kp = new_keypair(c);

    if (kp == NULL)
        return -1;
    if (set_keypair_mems(c, kp, cert, cert_len, key, key_len) != 0) {
        keypair_free(kp);
        return -1;
    }
    c->n_keypairs++;
    return 0;
}

TLS_EXPORT void tls_config_clear_keys(struct tls_config *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n_keypairs; i++)
        tls_compat_blob_free(&c->keypairs[i].key);
    /* The cached snapshot holds the keys too: drop it (contexts configured
     * with it keep their reference). */
    pthread_mutex_lock(&c->mu);
    petls_config_free(c->built);
    c->built = NULL;
    c->gen++;
    pthread_mutex_unlock(&c->mu);
}

/* Not in tls.h; exported by libtls for privilege-separated daemons. petls
 * always checks that a key matches its certificate (stricter), and cannot
 * sign with a key held by another process. */
TLS_EXPORT void tls_config_skip_private_key_check(struct tls_config *c);
TLS_EXPORT void tls_config_use_fake_private_key(struct tls_config *c);

void tls_config_skip_private_key_check(struct tls_config *c)
{
    (void)c;
}

void tls_config_use_fake_private_key(struct tls_config *c)
{
    if (c != NULL) {
        c->fake_private_key = 1;
        changed(c);
    }
}

/* ---- OCSP: mbedTLS 3.6 has no stapling ----------------------------------- */

static int ocsp_unsupported(struct tls_config *c)
{
    tls_compat_err_set(&c->err, TLS_ERROR_UNKNOWN, "%s", TLS_OCSP_UNSUPPORTED);
    return -1;
}

TLS_EXPORT int tls_config_set_ocsp_staple_mem(struct tls_config *c,
                                              const uint8_t *staple, size_t len)
{
    (void)staple;
    (void)len;
    return ocsp_unsupported(c);
}

TLS_EXPORT int tls_config_set_ocsp_staple_file(struct tls_config *c,
                                               const char *staple_file)
{
    (void)staple_file;
    return ocsp_unsupported(c);
}

TLS_EXPORT int tls_config_set_keypair_ocsp_file(struct tls_config *c,
                                                const char *cert_file,
                                                const char *key_file,
                                                const char *staple_file)
{
    if (staple_file != NULL)
        return ocsp_unsupported(c);
    return tls_config_set_keypair_file(c, cert_file, key_file);
}

TLS_EXPORT int
tls_config_set_keypair_ocsp_mem(struct tls_config *c, const uint8_t *cert,
                                size_t cert_len, const uint8_t *key,
                                size_t key_len, const uint8_t *staple,
                                size_t staple_len)
{
    if (staple != NULL && staple_len > 0)
        return ocsp_unsupported(c);
    return tls_config_set_keypair_mem(c, cert, cert_len, key, key_len);
}

TLS_EXPORT int tls_config_add_keypair_ocsp_file(struct tls_config *c,
                                                const char *cert_file,
                                                const char *key_file,
                                                const char *staple_file)
{
    if (staple_file != NULL)
        return ocsp_unsupported(c);
    return tls_config_add_keypair_file(c, cert_file, key_file);
}

TLS_EXPORT int
tls_config_add_keypair_ocsp_mem(struct tls_config *c, const uint8_t *cert,
                                size_t cert_len, const uint8_t *key,
                                size_t key_len, const uint8_t *staple,
                                size_t staple_len)
{
    if (staple != NULL && staple_len > 0)
        return ocsp_unsupported(c);
    return tls_config_add_keypair_mem(c, cert, cert_len, key, key_len);
}

TLS_EXPORT void tls_config_ocsp_require_stapling(struct tls_config *c)
{
    if (c != NULL) {
        c->ocsp_require = 1;
        changed(c);
    }
}

/* ---- Protocols, ciphers, curves, ALPN ------------------------------------ */

static int is_sep_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

TLS_EXPORT int tls_config_parse_protocols(uint32_t *protocols,
                                          const char *protostr)
{
    static const struct {
        const char *name;
        uint32_t bits;
    } words[] = {
        {"all", TLS_PROTOCOLS_ALL},         {"legacy", TLS_PROTOCOLS_ALL},
        {"default", TLS_PROTOCOLS_DEFAULT}, {"secure", TLS_PROTOCOLS_DEFAULT},
        {"tlsv1", TLS_PROTOCOL_TLSv1},      {"tlsv1.0", TLS_PROTOCOL_TLSv1_0},
        {"tlsv1.1", TLS_PROTOCOL_TLSv1_1},  {"tlsv1.2", TLS_PROTOCOL_TLSv1_2},
        {"tlsv1.3", TLS_PROTOCOL_TLSv1_3},
    };
    uint32_t protos = 0;
    char *s, *q, *p;

    if (protocols == NULL)
        return -1;
    if (protostr == NULL) {
        *protocols = TLS_PROTOCOLS_DEFAULT;
        return 0;
    }
    if ((s = tls_compat_strdup(protostr)) == NULL)
        return -1;
    q = s;
    while ((p = strsep(&q, ",:")) != NULL) {
        int negate = 0;
        size_t i, n;
        uint32_t bits = 0;

        while (is_sep_space(*p))
            p++;
        n = strlen(p);
        while (n > 0 && is_sep_space(p[n - 1]))
            p[--n] = '\0';
        if (*p == '!') {
            negate = 1;
            p++;
            /* "!x" first means everything but x. */
            if (protos == 0)
                protos = TLS_PROTOCOLS_ALL;
        }
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            if (strcasecmp(p, words[i].name) == 0) {
                bits = words[i].bits;
                break;
            }
        }
        if (bits == 0) {
            free(s);
            return -1;
        }
        if (negate)
            protos &= ~bits;
        else
            protos |= bits;
    }
    free(s);
    *protocols = protos;
    return 0;
}

TLS_EXPORT int tls_config_set_protocols(struct tls_config *c,
                                        uint32_t protocols)
{
    if ((protocols & (TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3)) == 0) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "no supported protocol version selected: "
                           "mbedTLS 3.6 implements TLSv1.2 and TLSv1.3 only "
                           "(TLSv1.0 and TLSv1.1 are not available)");
        return -1;
    }
    c->protocols = protocols;
    changed(c);
    return 0;
}

/* Checks a list on a scratch petls config, so that a bad list fails here
 * (as libtls's) rather than at tls_configure(). */
static int check_list(struct tls_config *c,
                      int (*set)(struct petls_config *, const char *),
                      const char *list)
{
    struct petls_config *pc = petls_config_new();
    int rc;

    if (pc == NULL)
        return oom(c);
    rc = set(pc, list);
    if (rc != 0)
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT, "%s",
                           petls_config_error(pc) != NULL
                               ? petls_config_error(pc)
                               : "invalid list");
    petls_config_free(pc);
    return rc == 0 ? 0 : -1;
}

TLS_EXPORT int tls_config_set_ciphers(struct tls_config *c, const char *ciphers)
{
    if (ciphers == NULL)
        ciphers = "secure";
    if (check_list(c, petls_config_set_ciphers, ciphers) != 0)
        return -1;
    return set_string(c, &c->ciphers, ciphers);
}

TLS_EXPORT int tls_config_set_ecdhecurves(struct tls_config *c,
                                          const char *curves)
{
    if (curves == NULL || strcasecmp(curves, "default") == 0)
        return set_string(c, &c->curves, NULL);
    if (check_list(c, petls_config_set_groups, curves) != 0)
        return -1;
    return set_string(c, &c->curves, curves);
}

TLS_EXPORT int tls_config_set_ecdhecurve(struct tls_config *c,
                                         const char *curve)
{
    if (curve == NULL || strcasecmp(curve, "none") == 0 ||
        strcasecmp(curve, "auto") == 0)
        curve = "default";
    else if (strchr(curve, ',') != NULL || strchr(curve, ':') != NULL)
        return bad_arg(c, "invalid ecdhe curve (one curve expected)");
    return tls_config_set_ecdhecurves(c, curve);
}

TLS_EXPORT int tls_config_set_dheparams(struct tls_config *c,
                                        const char *params)
{
    int v;

    if (params == NULL || strcasecmp(params, "none") == 0)
        v = 0;
    else if (strcasecmp(params, "auto") == 0)
        v = 1;
    else if (strcasecmp(params, "legacy") == 0)
        v = 2;
    else {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "invalid dhe param '%s'", params);
        return -1;
    }
    c->dheparams = v;
    changed(c);
    return 0;
}

TLS_EXPORT int tls_config_set_alpn(struct tls_config *c, const char *alpn)
{
    if (alpn != NULL && check_list(c, petls_config_set_alpn, alpn) != 0)
        return -1;
    return set_string(c, &c->alpn, alpn);
}

TLS_EXPORT void tls_config_prefer_ciphers_client(struct tls_config *c)
{
    if (c != NULL) {
        c->prefer_client = 1;
        changed(c);
    }
}

TLS_EXPORT void tls_config_prefer_ciphers_server(struct tls_config *c)
{
    if (c != NULL) {
        c->prefer_client = 0;
        changed(c);
    }
}

/* ---- Verification -------------------------------------------------------- */

static void set_flag(struct tls_config *c, int *flag, int v)
{
    if (c != NULL) {
        *flag = v;
        changed(c);
    }
}

TLS_EXPORT void tls_config_insecure_noverifycert(struct tls_config *c)
{
    set_flag(c, &c->verify_cert, 0);
}

TLS_EXPORT void tls_config_insecure_noverifyname(struct tls_config *c)
{
    set_flag(c, &c->verify_name, 0);
}

TLS_EXPORT void tls_config_insecure_noverifytime(struct tls_config *c)
{
    set_flag(c, &c->verify_time, 0);
}

TLS_EXPORT void tls_config_verify(struct tls_config *c)
{
    if (c != NULL) {
        c->verify_cert = c->verify_name = c->verify_time = 1;
        changed(c);
    }
}

TLS_EXPORT void tls_config_verify_client(struct tls_config *c)
{
    set_flag(c, &c->verify_client, 1);
}

TLS_EXPORT void tls_config_verify_client_optional(struct tls_config *c)
{
    set_flag(c, &c->verify_client, 2);
}

/* ---- Sessions ------------------------------------------------------------ */

TLS_EXPORT int tls_config_set_session_id(struct tls_config *c,
                                         const unsigned char *session_id,
                                         size_t len)
{
    if (len > TLS_MAX_SESSION_ID_LENGTH) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "session ID too long");
        return -1;
    }
    if (len > 0 && session_id == NULL)
        return bad_arg(c, "no session ID");
    memset(c->session_id, 0, sizeof(c->session_id));
    if (len > 0)
        memcpy(c->session_id, session_id, len);
    c->session_id_len = len;
    changed(c);
    return 0;
}

TLS_EXPORT int tls_config_set_session_lifetime(struct tls_config *c,
                                               int lifetime)
{
    /* petls's bound: RFC 8446 allows tickets to live 7 days at most. */
    if (lifetime < 0 || lifetime > 7 * 24 * 3600) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "session lifetime %d out of range (0 to %d s)",
                           lifetime, 7 * 24 * 3600);
        return -1;
    }
    c->session_lifetime = lifetime;
    changed(c);
    return 0;
}

TLS_EXPORT int tls_config_set_session_fd(struct tls_config *c, int session_fd)
{
    struct stat st;

    if (session_fd == -1) {
        c->session_fd = -1;
        changed(c);
        return 0;
    }
    if (fstat(session_fd, &st) == -1) {
        tls_compat_err_set(&c->err, TLS_ERROR_UNKNOWN,
                           "failed to stat "
                           "session file: %s",
                           strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "session file is not a regular file");
        return -1;
    }
    if (st.st_uid != getuid()) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "session file has incorrect owner (uid %u != %u)",
                           (unsigned)st.st_uid, (unsigned)getuid());
        return -1;
    }
    if ((st.st_mode & (S_IRWXU | S_IRWXG | S_IRWXO)) != (S_IRUSR | S_IWUSR)) {
        tls_compat_err_set(&c->err, TLS_ERROR_INVALID_ARGUMENT,
                           "session file has incorrect permissions (%o != "
                           "600)",
                           (unsigned)(st.st_mode & 0777));
        return -1;
    }
    c->session_fd = session_fd;
    changed(c);
    return 0;
}

/* petls's ticket key format: a 16-byte name (the keyrev, big-endian, as
 * libtls names tickets by keyrev) and 32 secret bytes (the first 32 of the
 * 48 libtls takes). */
static void ticket_keys_blob(const struct tls_config *c, uint8_t *out)
{
    size_t i;

    for (i = 0; i < c->n_tickets; i++) {
        uint8_t *k = out + i * PETLS_TICKET_KEY_SIZE;
        uint32_t r = c->tickets[i].keyrev;

        memset(k, 0, 16);
        k[0] = (uint8_t)(r >> 24);
        k[1] = (uint8_t)(r >> 16);
        k[2] = (uint8_t)(r >> 8);
        k[3] = (uint8_t)r;
        memcpy(k + 16, c->tickets[i].key, 32);
    }
}

static int apply_ticket_keys(struct tls_config *c, struct petls_config *pc,
                             struct tls_err *err)
{
    uint8_t blob[TLS_COMPAT_TICKET_KEYS * PETLS_TICKET_KEY_SIZE];
    int rc;

    if (c->n_tickets == 0)
        return 0;
    ticket_keys_blob(c, blob);
    rc = petls_config_set_ticket_keys(pc, blob,
                                      c->n_tickets * PETLS_TICKET_KEY_SIZE);
    tls_compat_wipe(blob, sizeof(blob));
    if (rc != 0)
        tls_compat_err_set(err, TLS_ERROR_UNKNOWN, "%s",
                           petls_config_error(pc) != NULL
                               ? petls_config_error(pc)
                               : "failed to set ticket keys");
    return rc;
}

TLS_EXPORT int tls_config_add_ticket_key(struct tls_config *c, uint32_t keyrev,
                                         unsigned char *key, size_t keylen)
{
    size_t i;
    int rc = 0;

    if (key == NULL || keylen != TLS_TICKET_KEY_SIZE)
        return bad_arg(c, "wrong amount of ticket key data");
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < c->n_tickets; i++) {
        if (c->tickets[i].keyrev == keyrev &&
            memcmp(c->tickets[i].key, key, TLS_TICKET_KEY_SIZE) == 0)
            break;
    }
    if (i < c->n_tickets) {
        /* Re-adding the newest key is harmless; any other known key is an
         * error (libtls). */
        pthread_mutex_unlock(&c->mu);
        if (i == 0)
            return 0;
        return bad_arg(c, "ticket key already present");
    }
    if (c->n_tickets < TLS_COMPAT_TICKET_KEYS)
        c->n_tickets++;
    memmove(&c->tickets[1], &c->tickets[0],
            (c->n_tickets - 1) * sizeof(c->tickets[0]));
    c->tickets[0].keyrev = keyrev;
    memcpy(c->tickets[0].key, key, TLS_TICKET_KEY_SIZE);
    /* As libtls's daemons rely on: keys added to a config in use reach the
     * contexts configured with it (its current snapshot). */
    if (c->built != NULL && apply_ticket_keys(c, c->built, &c->err) != 0)
        rc = -1;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* ---- The snapshot -------------------------------------------------------- */

static int pc_fail(struct petls_config *pc, struct tls_err *err,
                   const char *what)
{
    const char *m = petls_config_error(pc);

    tls_compat_err_set(err, TLS_ERROR_UNKNOWN, "%s%s%s", what,
                       m != NULL ? ": " : "", m != NULL ? m : "");
    return -1;
}

static int apply_keypair(struct petls_config *pc, const struct tls_keypair *kp,
                         int first, struct tls_err *err)
{
    const uint8_t *cert = kp->cert.data, *key = kp->key.data;

    if (cert != NULL && key != NULL) {
        int rc = first ? petls_config_set_keypair_mem(pc, cert, kp->cert.len,
                                                      key, kp->key.len)
                       : petls_config_add_keypair_mem(pc, cert, kp->cert.len,
                                                      key, kp->key.len);
        return rc == 0 ? 0 : pc_fail(pc, err, "failed to load keypair");
    }
    if (!first)
        return 0;
    if (cert != NULL && petls_config_set_cert_mem(pc, cert, kp->cert.len) != 0)
        return pc_fail(pc, err, "failed to load certificate");
    if (key != NULL && petls_config_set_key_mem(pc, key, kp->key.len) != 0)
        return pc_fail(pc, err, "failed to load private key");
    return 0;
}

static int apply(struct tls_config *c, struct petls_config *pc,
                 struct tls_err *err)
{
    size_t i;

    if (c->fake_private_key) {
        tls_compat_err_set(err, TLS_ERROR_UNKNOWN,
                           "fake private keys (tls_config_use_fake_private_"
                           "key) are not supported by petls");
        return -1;
    }
    if (petls_config_set_protocols(
            pc, c->protocols &
                    (PETLS_PROTOCOL_TLSv1_2 | PETLS_PROTOCOL_TLSv1_3)) != 0)
        return pc_fail(pc, err, "protocols");
    if (c->ciphers != NULL && petls_config_set_ciphers(pc, c->ciphers) != 0)
        return pc_fail(pc, err, "ciphers");
    if (c->prefer_client)
        petls_config_prefer_ciphers_client(pc);
    else
        petls_config_prefer_ciphers_server(pc);
    if (c->curves != NULL && petls_config_set_groups(pc, c->curves) != 0)
        return pc_fail(pc, err, "ecdhe curves");
    /* libtls: "none" (the default) negotiates no DHE suite, "auto" a
     * group for the key, "legacy" a 1024-bit one; petls refuses groups
     * below 2048 bits, so both give RFC 7919 ffdhe2048. */
    if (petls_config_set_dheparams(pc, c->dheparams == 0 ? "none" : "auto") !=
        0)
        return pc_fail(pc, err, "dheparams");
    if (c->alpn != NULL && petls_config_set_alpn(pc, c->alpn) != 0)
        return pc_fail(pc, err, "alpn");
    if (c->ca.data != NULL) {
        if (petls_config_set_ca_mem(pc, c->ca.data, c->ca.len) != 0)
            return pc_fail(pc, err, "failed to load CA");
    } else if (c->ca_path != NULL &&
               petls_config_set_ca_path(pc, c->ca_path) != 0) {
        return pc_fail(pc, err, "failed to load CA path");
    }
    if (c->crl.data != NULL &&
        petls_config_set_crl_mem(pc, c->crl.data, c->crl.len) != 0)
        return pc_fail(pc, err, "failed to load CRL");
    if (petls_config_set_verify_depth(pc, c->verify_depth) != 0)
        return pc_fail(pc, err, "verify depth");
    if (!c->verify_cert)
        petls_config_insecure_noverifycert(pc);
    if (!c->verify_name)
        petls_config_insecure_noverifyname(pc);
    if (!c->verify_time)
        petls_config_insecure_noverifytime(pc);
    if (c->verify_client == 1)
        petls_config_verify_client(pc);
    else if (c->verify_client == 2)
        petls_config_verify_client_optional(pc);
    for (i = 0; i < c->n_keypairs; i++) {
        if (apply_keypair(pc, &c->keypairs[i], i == 0, err) != 0)
            return -1;
    }
    if (petls_config_set_session_lifetime(pc, c->session_lifetime) != 0)
        return pc_fail(pc, err, "session lifetime");
    if (petls_config_set_session_id(pc, c->session_id, c->session_id_len) != 0)
        return pc_fail(pc, err, "session id");
    if (c->session_fd != -1 &&
        petls_config_set_session_fd(pc, c->session_fd) != 0)
        return pc_fail(pc, err, "session fd");
    return apply_ticket_keys(c, pc, err);
}

int tls_compat_config_attach(struct tls_config *c, struct petls *p,
                             struct tls_err *err)
{
    struct petls_config *pc;
    int rc;

    pthread_mutex_lock(&c->mu);
    if (c->built == NULL || c->built_gen != c->gen) {
        if ((pc = petls_config_new()) == NULL) {
            pthread_mutex_unlock(&c->mu);
            tls_compat_err_set(err, TLS_ERROR_OUT_OF_MEMORY, "out of memory");
            return -1;
        }
        if (apply(c, pc, err) != 0) {
            pthread_mutex_unlock(&c->mu);
            petls_config_free(pc);
            return -1;
        }
        petls_config_free(c->built);
        c->built = pc;
        c->built_gen = c->gen;
    }
    /* Under the lock: the context takes its reference before another
     * thread can replace the snapshot. */
    rc = petls_configure(p, c->built);
    if (rc != 0) {
        const char *m = petls_error(p);

        tls_compat_err_set(err, TLS_ERROR_UNKNOWN, "%s",
                           m != NULL ? m : "configuration failed");
    }
    pthread_mutex_unlock(&c->mu);
    return rc == 0 ? 0 : -1;
}
