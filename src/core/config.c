/*
 * petls_config: user settings, parsed and checked at set time, frozen and
 * handed to the backend at the first petls_configure(), then shared
 * read-only and reference counted.
 */
#include <stdio.h>
#include <string.h>

#include "cipher_suites.h"
#include "petls_features.h"
#include "groups.h"
#include "hostname.h"
#include "petls_internal.h"
#include "protocols.h"
#include "feature.h"
#include "ticket_keys.h"
#include "util.h"

#define ERRLEN 256

/* The cache-key prefix of the session id context. */
static int ctx_hash_update(struct petls_config *c)
{
    uint8_t h[32];

    if (pb_sha256(c->session_id_ctx, c->session_id_ctx_len, h) != 0)
        return -1;
    memcpy(c->ctx_hash, h, sizeof(c->ctx_hash));
    return 0;
}

struct petls_config *petls_config_new(void)
{
    struct petls_config *c;
    char err[ERRLEN];

    if (petls_init() != 0)
        return NULL;
    c = petls_port_calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->mutex = petls_port_mutex_new();
    c->pb = pb_config_new(err, sizeof(err));
    /* The features' config_init: the ticket key ring (PETLS_WITH_TICKETS;
     * NULL without). */
    if (c->mutex == NULL || c->pb == NULL ||
        petls_features_config_init(c) != 0 ||
        pb_random(c->store_key, sizeof(c->store_key)) != 0 ||
        ctx_hash_update(c) != 0) {
        if (c->pb != NULL)
            pb_config_free(c->pb);
        petls_features_config_free(c);
        petls_port_mutex_free(c->mutex);
        petls_explicit_bzero(c, sizeof(*c));
        petls_port_free(c);
        return NULL;
    }
    c->refcount = 1;
    c->protocols = PETLS_PROTOCOLS_DEFAULT;
    c->prefer_server_ciphers = 1;
    c->verify_cert = 1;
    c->verify_name = 1;
    c->verify_time = 1;
    c->verify_client = PETLS_VERIFY_CLIENT_NONE;
    c->verify_depth = -1;
    c->handshake_timeout_ms = PETLS_HANDSHAKE_TIMEOUT_DEFAULT_MS;
    /* A build without tickets resumes statefully (cache, store); one
     * without either resumes nothing as a server (petls_features.h). */
    c->session_lifetime =
        PETLS_WITH_SERVER_SESSIONS ? PETLS_SESSION_LIFETIME_DEFAULT : 0;
    c->cache_max_entries =
        PETLS_WITH_SESSION_CACHE ? PETLS_SESSION_CACHE_DEFAULT_ENTRIES : 0;
    c->cache_max_bytes = PETLS_SESSION_CACHE_DEFAULT_BYTES;
    c->tickets = PETLS_WITH_TICKETS;
    c->tls13_tickets = PETLS_TLS13_TICKETS_DEFAULT;
    c->session_fd = -1;
    return c;
}

static void pending_cert_clear(struct petls_config *c)
{
    petls_free_secret(c->pending_cert, c->pending_cert_len);
    c->pending_cert = NULL;
    c->pending_cert_len = 0;
    petls_port_free(c->pending_cert_name);
    c->pending_cert_name = NULL;
}

static void pending_key_clear(struct petls_config *c)
{
    petls_free_secret(c->pending_key, c->pending_key_len);
    c->pending_key = NULL;
    c->pending_key_len = 0;
    petls_port_free(c->pending_key_name);
    c->pending_key_name = NULL;
}

void petls_config_free(struct petls_config *c)
{
    int left;

    if (c == NULL)
        return;
    petls_port_mutex_lock(c->mutex);
    left = --c->refcount;
    petls_port_mutex_unlock(c->mutex);
    if (left > 0)
        return;

    pb_config_free(c->pb);
    petls_features_config_free(c);
    petls_port_free(c->ticket_keys_file);
    petls_port_free(c->ciphers);
    petls_free_secret_str(c->passphrase);
    pending_cert_clear(c);
    pending_key_clear(c);
    petls_port_mutex_free(c->mutex);
    petls_explicit_bzero(c, sizeof(*c));
    petls_port_free(c);
}

int petls_config_frozen(struct petls_config *c)
{
    int f;

    petls_port_mutex_lock(c->mutex);
    f = c->frozen;
    petls_port_mutex_unlock(c->mutex);
    if (f)
        petls_config_set_error(c,
                               "config is in use and can no longer be changed");
    return f;
}

/* Common entry of every int setter. */
#define SETTER_ENTRY(c)                                                        \
    do {                                                                       \
        if ((c) == NULL)                                                       \
            return -1;                                                         \
        if (petls_config_frozen(c))                                            \
            return -1;                                                         \
    } while (0)

/* ---- Freezing and references ---- */

uint32_t petls_config_effective_protocols(const struct petls_config *c)
{
    uint32_t lo = c->min_bit ? c->min_bit : PETLS_PROTOCOL_TLSv1_2;
    uint32_t hi = c->max_bit ? c->max_bit : PETLS_PROTOCOL_TLSv1_3;

    if (lo > hi)
        return 0;
    return c->protocols & petls_protocols_range(lo, hi);
}

/* The backend's session settings. A server with lifetime 0 resumes
 * nothing; the hooks stay for the client side. */
static void session_settings(struct petls_config *c, struct pb_settings *s)
{
    int on = c->session_lifetime > 0;
    int tls13 = (s->protocols & PETLS_PROTOCOL_TLSv1_3) != 0;

    s->session_hooks = &petls_session_hooks;
    /* Stateful mode still sends TLS 1.3 tickets: they are ids into the
     * cache or store. */
    s->tickets = on;
    s->tls12_tickets = on && c->tickets;
    s->session_ids = on && (c->have_store || c->cache_max_entries > 0);
    s->tls13_tickets = on ? c->tls13_tickets : 0;
    s->tls13_psk_ke = c->tls13_psk_ke;
    s->ticket_lifetime_s = on ? (uint32_t)c->session_lifetime : 0;
    /* Who reads the ClientHello before the backend: an external store may
     * answer late, and stateful mode picks the backend variant without
     * TLS 1.2 tickets for clients that cannot do TLS 1.3. */
    c->preparse = (on && (c->have_store || (!c->tickets && tls13))) ||
                  petls_features_wants_preparse(c);
}

/* backend.h repeats these values so that the backend needs no petls.h. */
_Static_assert(PB_PROTOCOL_TLSv1_2 == PETLS_PROTOCOL_TLSv1_2 &&
                   PB_PROTOCOL_TLSv1_3 == PETLS_PROTOCOL_TLSv1_3 &&
                   PB_PROTOCOLS_ALL == PETLS_PROTOCOLS_ALL,
               "protocol bits of backend.h and petls.h differ");
_Static_assert(PB_VERIFY_CLIENT_NONE == PETLS_VERIFY_CLIENT_NONE &&
                   PB_VERIFY_CLIENT_OPTIONAL == PETLS_VERIFY_CLIENT_OPTIONAL &&
                   PB_VERIFY_CLIENT_REQUIRE == PETLS_VERIFY_CLIENT_REQUIRE,
               "client verification modes of backend.h and petls.h differ");

static int config_freeze(struct petls_config *c, char *err, size_t errlen)
{
    struct pb_settings s;
    char berr[ERRLEN];

    if (c->pending_cert != NULL) {
        snprintf(err, errlen, "%s has no private key (set a key file)",
                 c->pending_cert_name);
        return -1;
    }
    if (c->pending_key != NULL) {
        snprintf(err, errlen, "%s has no certificate (set a cert file)",
                 c->pending_key_name);
        return -1;
    }
    petls_config_load_default_ca(c);
    memset(&s, 0, sizeof(s));
    s.name_match = petls_hostname_verify;
    s.protocols = petls_config_effective_protocols(c);
    if (s.protocols == 0) {
        snprintf(err, errlen,
                 "no protocol version left: the protocols set and the "
                 "min/max versions exclude each other");
        return -1;
    }
    s.ciphers = c->ciphers;
    s.n_ciphers = c->n_ciphers;
    /* Without a certificate of its own or of a host context, a server
     * config serving PSKs offers only PSK suites. */
    s.psk_only =
        c->n_keypairs == 0 && petls_features_serve(c) == PETLS_SERVES_PSK;
    s.groups = c->groups;
    s.n_groups = c->n_groups;
    s.sigalgs = c->sigalgs;
    s.n_sigalgs = c->n_sigalgs;
    s.prefer_server_ciphers = c->prefer_server_ciphers;
    s.verify_cert = c->verify_cert;
    s.verify_time = c->verify_time;
    s.verify_client = c->verify_client;
    s.verify_depth = c->verify_depth;
    s.keep_buffers = c->keep_buffers;
    session_settings(c, &s);
    s.nego = petls_nego_settings(c);
    petls_features_freeze(c, &s);
    berr[0] = '\0';
    if (pb_config_freeze(c->pb, &s, berr, sizeof(berr)) != 0) {
        snprintf(err, errlen, "%s", berr[0] ? berr : "invalid configuration");
        return -1;
    }
    return 0;
}

int petls_config_acquire(struct petls_config *c, char *err, size_t errlen)
{
    int rc = 0;

    petls_port_mutex_lock(c->mutex);
    if (!c->frozen) {
        rc = config_freeze(c, err, errlen);
        if (rc == 0)
            c->frozen = 1;
    }
    if (rc == 0)
        c->refcount++;
    petls_port_mutex_unlock(c->mutex);
    return rc;
}

/* ---- Protocols ---- */

int petls_config_parse_protocols(uint32_t *protocols, const char *protostr)
{
    char err[ERRLEN];

    if (protocols == NULL)
        return -1;
    if (protostr == NULL) {
        *protocols = PETLS_PROTOCOLS_DEFAULT;
        return 0;
    }
    return petls_protocols_parse(protostr, protocols, err, sizeof(err)) == 0
               ? 0
               : -1;
}

int petls_config_set_protocols(struct petls_config *c, uint32_t protocols)
{
    SETTER_ENTRY(c);
    if ((protocols & PETLS_PROTOCOLS_ALL) == 0) {
        petls_config_set_error(c,
                               "no supported protocol version in 0x%x "
                               "(petls supports TLSv1.2 and TLSv1.3)",
                               (unsigned)protocols);
        return -1;
    }
    c->protocols = protocols & PETLS_PROTOCOLS_ALL;
    return 0;
}

static const char *bit_name(uint32_t bit)
{
    return petls_version_name(bit == PETLS_PROTOCOL_TLSv1_3 ? 0x0304 : 0x0303);
}

static int set_version_bound(struct petls_config *c, const char *version,
                             int is_max)
{
    char err[ERRLEN];
    uint32_t bit;

    SETTER_ENTRY(c);
    if (version == NULL) {
        if (is_max)
            c->max_bit = 0;
        else
            c->min_bit = 0;
        return 0;
    }
    if (petls_version_parse(version, &bit, err, sizeof(err)) != 0) {
        petls_config_set_error(c, "%s", err);
        return -1;
    }
    if (is_max && c->min_bit != 0 && bit < c->min_bit) {
        petls_config_set_error(c, "maxVersion %s is below minVersion %s",
                               bit_name(bit), bit_name(c->min_bit));
        return -1;
    }
    if (!is_max && c->max_bit != 0 && bit > c->max_bit) {
        petls_config_set_error(c, "minVersion %s is above maxVersion %s",
                               bit_name(bit), bit_name(c->max_bit));
        return -1;
    }
    if (is_max)
        c->max_bit = bit;
    else
        c->min_bit = bit;
    return 0;
}

int petls_config_set_min_version(struct petls_config *c, const char *version)
{
    return set_version_bound(c, version, 0);
}

int petls_config_set_max_version(struct petls_config *c, const char *version)
{
    return set_version_bound(c, version, 1);
}

/* ---- Ciphers and groups ---- */

int petls_config_set_ciphers(struct petls_config *c, const char *ciphers)
{
    char err[ERRLEN];
    size_t max;
    uint16_t *list;
    int n;

    SETTER_ENTRY(c);
    if (ciphers == NULL) {
        petls_port_free(c->ciphers);
        c->ciphers = NULL;
        c->n_ciphers = 0;
        return 0;
    }
    max = petls_cipher_table_size();
    list = petls_port_calloc(max ? max : 1, sizeof(*list));
    if (list == NULL) {
        petls_config_set_error(c, "out of memory");
        return -1;
    }
    err[0] = '\0';
    n = petls_cipher_list_parse(ciphers, list, max, err, sizeof(err));
    if (n < 0) {
        petls_port_free(list);
        petls_config_set_error(c, "%s", err[0] ? err : "invalid cipher list");
        return -1;
    }
    petls_port_free(c->ciphers);
    c->ciphers = list;
    c->n_ciphers = (size_t)n;
    return 0;
}

int petls_config_set_groups(struct petls_config *c, const char *groups)
{
    char err[ERRLEN];
    uint16_t list[PETLS_MAX_GROUPS];
    int n;

    SETTER_ENTRY(c);
    if (groups == NULL) {
        c->n_groups = 0;
        return 0;
    }
    err[0] = '\0';
    n = petls_groups_parse(groups, list, PETLS_MAX_GROUPS, err, sizeof(err));
    if (n < 0) {
        petls_config_set_error(c, "%s", err[0] ? err : "invalid group list");
        return -1;
    }
    memcpy(c->groups, list, (size_t)n * sizeof(list[0]));
    c->n_groups = (size_t)n;
    return 0;
}

int petls_config_set_ecdhecurves(struct petls_config *c, const char *curves)
{
    return petls_config_set_groups(c, curves);
}

void petls_config_prefer_ciphers_server(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->prefer_server_ciphers = 1;
}

void petls_config_prefer_ciphers_client(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->prefer_server_ciphers = 0;
}

/* ---- Trust anchors and CRLs ---- */

/* Reads a file for a setter, naming it in the error ("ca file /x: ..."). */
static int read_named(struct petls_config *c, const char *what,
                      const char *path, uint8_t **buf, size_t *len)
{
    char err[ERRLEN];

    if (path == NULL) {
        petls_config_set_error(c, "%s: no file name given", what);
        return -1;
    }
    err[0] = '\0';
    if (petls_port_read_file(path, buf, len, err, sizeof(err)) != 0) {
        petls_config_set_error(c, "%s %s: %s", what, path, err);
        return -1;
    }
    return 0;
}

static int add_ca(struct petls_config *c, const char *label, const char *path,
                  const uint8_t *ca, size_t len)
{
    char err[ERRLEN];

    err[0] = '\0';
    if (pb_config_add_ca(c->pb, ca, len, err, sizeof(err)) != 0) {
        if (path != NULL)
            petls_config_set_error(c, "%s %s: %s", label, path, err);
        else
            petls_config_set_error(c, "%s: %s", label, err);
        return -1;
    }
    return 0;
}

int petls_config_set_ca_file(struct petls_config *c, const char *ca_file)
{
    uint8_t *buf;
    size_t len;
    int rc;

    SETTER_ENTRY(c);
    if (read_named(c, "ca file", ca_file, &buf, &len) != 0)
        return -1;
    pb_config_clear_ca(c->pb);
    rc = add_ca(c, "ca file", ca_file, buf, len);
    c->ca_source = rc == 0 ? PETLS_CA_USER : PETLS_CA_NONE;
    petls_port_free(buf);
    return rc;
}

struct ca_dir_walk {
    struct petls_config *config;
    int loaded;
    int hashed_only;
};

/* OpenSSL's hashed names in a CA directory: 8 hex digits, '.', a digit
 * (or "r" and a digit for CRLs, which are not CA files). */
static int hashed_name(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t i;

    base = base != NULL ? base + 1 : path;
    for (i = 0; i < 8; i++) {
        if (strchr("0123456789abcdefABCDEF", base[i]) == NULL ||
            base[i] == '\0')
            return 0;
    }
    if (base[8] != '.' || base[9] < '0' || base[9] > '9')
        return 0;
    for (i = 10; base[i] != '\0'; i++) {
        if (base[i] < '0' || base[i] > '9')
            return 0;
    }
    return 1;
}

static int ca_dir_file(const char *path, void *arg)
{
    struct ca_dir_walk *w = arg;
    char err[ERRLEN];
    uint8_t *buf;
    size_t len;

    if (w->hashed_only && !hashed_name(path))
        return 0;
    if (petls_port_read_file(path, &buf, &len, err, sizeof(err)) != 0)
        return 0; /* unreadable entries are skipped, as OpenSSL's lookup */
    /* Files that are not certificates (READMEs, CRLs) are skipped too. */
    if (pb_config_add_ca(w->config->pb, buf, len, err, sizeof(err)) == 0)
        w->loaded++;
    petls_port_free(buf);
    return 0;
}

int petls_config_add_ca_dir(struct petls_config *c, const char *dir,
                            int hashed_only, char *err, size_t errlen)
{
    struct ca_dir_walk w;

    w.config = c;
    w.loaded = 0;
    w.hashed_only = hashed_only;
    err[0] = '\0';
    if (petls_port_dir_foreach(dir, ca_dir_file, &w, err, errlen) != 0)
        return -1;
    return w.loaded;
}

int petls_config_set_ca_path(struct petls_config *c, const char *ca_path)
{
    char err[ERRLEN];
    int n;

    SETTER_ENTRY(c);
    if (ca_path == NULL) {
        petls_config_set_error(c, "ca path: no directory given");
        return -1;
    }
    pb_config_clear_ca(c->pb);
    c->ca_source = PETLS_CA_NONE;
    n = petls_config_add_ca_dir(c, ca_path, 0, err, sizeof(err));
    if (n < 0) {
        petls_config_set_error(c, "ca path %s: %s", ca_path, err);
        return -1;
    }
    if (n == 0) {
        petls_config_set_error(c, "ca path %s: no certificates found", ca_path);
        return -1;
    }
    c->ca_source = PETLS_CA_USER;
    return 0;
}

int petls_config_set_ca_mem(struct petls_config *c, const uint8_t *ca,
                            size_t len)
{
    int rc;

    SETTER_ENTRY(c);
    if (ca == NULL || len == 0) {
        petls_config_set_error(c, "ca: empty buffer");
        return -1;
    }
    pb_config_clear_ca(c->pb);
    rc = add_ca(c, "ca", NULL, ca, len);
    c->ca_source = rc == 0 ? PETLS_CA_USER : PETLS_CA_NONE;
    return rc;
}

static int add_crl(struct petls_config *c, const char *path, const uint8_t *crl,
                   size_t len)
{
    char err[ERRLEN];

    err[0] = '\0';
    if (pb_config_add_crl(c->pb, crl, len, err, sizeof(err)) != 0) {
        if (path != NULL)
            petls_config_set_error(c, "crl file %s: %s", path, err);
        else
            petls_config_set_error(c, "crl: %s", err);
        return -1;
    }
    return 0;
}

int petls_config_set_crl_file(struct petls_config *c, const char *crl_file)
{
    uint8_t *buf;
    size_t len;
    int rc;

    SETTER_ENTRY(c);
    if (read_named(c, "crl file", crl_file, &buf, &len) != 0)
        return -1;
    rc = add_crl(c, crl_file, buf, len);
    petls_port_free(buf);
    return rc;
}

int petls_config_set_crl_mem(struct petls_config *c, const uint8_t *crl,
                             size_t len)
{
    SETTER_ENTRY(c);
    if (crl == NULL || len == 0) {
        petls_config_set_error(c, "crl: empty buffer");
        return -1;
    }
    return add_crl(c, NULL, crl, len);
}

int petls_config_set_verify_depth(struct petls_config *c, int verify_depth)
{
    SETTER_ENTRY(c);
    if (verify_depth < -1) {
        petls_config_set_error(c, "invalid verify depth %d", verify_depth);
        return -1;
    }
    c->verify_depth = verify_depth;
    return 0;
}

/* ---- Keys ---- */

int petls_config_set_key_passphrase(struct petls_config *c,
                                    const char *passphrase)
{
    char *copy = NULL;

    SETTER_ENTRY(c);
    if (passphrase != NULL) {
        copy = petls_strdup(passphrase);
        if (copy == NULL) {
            petls_config_set_error(c, "out of memory");
            return -1;
        }
    }
    petls_free_secret_str(c->passphrase);
    c->passphrase = copy;
    return 0;
}

/* Hands one keypair to the backend; replace drops the others first. */
static int keypair_add(struct petls_config *c, const char *cert_name,
                       const uint8_t *cert, size_t cert_len,
                       const char *key_name, const uint8_t *key, size_t key_len,
                       int replace)
{
    char err[ERRLEN];

    if (replace)
        pb_config_clear_keypairs(c->pb);
    err[0] = '\0';
    if (pb_config_add_keypair(c->pb, cert, cert_len, key, key_len,
                              c->passphrase, err, sizeof(err)) != 0) {
        if (replace)
            c->n_keypairs = 0;
        petls_config_set_error(c, "%s, %s: %s", cert_name, key_name,
                               err[0] ? err : "cannot load keypair");
        return -1;
    }
    c->n_keypairs = replace ? 1 : c->n_keypairs + 1;
    return 0;
}

/* The second half of a set_cert_* / set_key_* pair completes it. */
static int pending_complete(struct petls_config *c)
{
    int rc;

    if (c->pending_cert == NULL || c->pending_key == NULL)
        return 0;
    rc = keypair_add(c, c->pending_cert_name, c->pending_cert,
                     c->pending_cert_len, c->pending_key_name, c->pending_key,
                     c->pending_key_len, 1);
    pending_cert_clear(c);
    pending_key_clear(c);
    return rc;
}

/* Takes ownership of buf (which may hold a key). */
static int pending_set(struct petls_config *c, int is_key, uint8_t *buf,
                       size_t len, const char *label, const char *path)
{
    char name[ERRLEN];
    char *dup;

    if (path != NULL)
        snprintf(name, sizeof(name), "%s %s", label, path);
    else
        snprintf(name, sizeof(name), "%s", label);
    dup = petls_strdup(name);
    if (dup == NULL) {
        petls_free_secret(buf, len);
        petls_config_set_error(c, "out of memory");
        return -1;
    }
    if (is_key) {
        pending_key_clear(c);
        c->pending_key = buf;
        c->pending_key_len = len;
        c->pending_key_name = dup;
    } else {
        pending_cert_clear(c);
        c->pending_cert = buf;
        c->pending_cert_len = len;
        c->pending_cert_name = dup;
    }
    return pending_complete(c);
}

int petls_config_set_cert_file(struct petls_config *c, const char *cert_file)
{
    uint8_t *buf;
    size_t len;

    SETTER_ENTRY(c);
    if (read_named(c, "cert file", cert_file, &buf, &len) != 0)
        return -1;
    return pending_set(c, 0, buf, len, "cert file", cert_file);
}

int petls_config_set_cert_mem(struct petls_config *c, const uint8_t *cert,
                              size_t len)
{
    uint8_t *buf;

    SETTER_ENTRY(c);
    if (cert == NULL || len == 0) {
        petls_config_set_error(c, "cert: empty buffer");
        return -1;
    }
    buf = petls_memdup(cert, len);
    if (buf == NULL) {
        petls_config_set_error(c, "out of memory");
        return -1;
    }
    return pending_set(c, 0, buf, len, "cert", NULL);
}

int petls_config_set_key_file(struct petls_config *c, const char *key_file)
{
    uint8_t *buf;
    size_t len;

    SETTER_ENTRY(c);
    if (read_named(c, "key file", key_file, &buf, &len) != 0)
        return -1;
    return pending_set(c, 1, buf, len, "key file", key_file);
}

int petls_config_set_key_mem(struct petls_config *c, const uint8_t *key,
                             size_t len)
{
    uint8_t *buf;

    SETTER_ENTRY(c);
    if (key == NULL || len == 0) {
        petls_config_set_error(c, "key: empty buffer");
        return -1;
    }
    buf = petls_memdup(key, len);
    if (buf == NULL) {
        petls_config_set_error(c, "out of memory");
        return -1;
    }
    return pending_set(c, 1, buf, len, "key", NULL);
}

static int keypair_file(struct petls_config *c, const char *cert_file,
                        const char *key_file, int replace)
{
    uint8_t *cert, *key;
    size_t cert_len, key_len;
    char cname[ERRLEN], kname[ERRLEN];
    int rc;

    SETTER_ENTRY(c);
    if (read_named(c, "cert file", cert_file, &cert, &cert_len) != 0)
        return -1;
    if (read_named(c, "key file", key_file, &key, &key_len) != 0) {
        petls_port_free(cert);
        return -1;
    }
    snprintf(cname, sizeof(cname), "cert file %s", cert_file);
    snprintf(kname, sizeof(kname), "key file %s", key_file);
    if (replace) {
        pending_cert_clear(c);
        pending_key_clear(c);
    }
    rc = keypair_add(c, cname, cert, cert_len, kname, key, key_len, replace);
    petls_port_free(cert);
    petls_free_secret(key, key_len);
    return rc;
}

static int keypair_mem(struct petls_config *c, const uint8_t *cert,
                       size_t cert_len, const uint8_t *key, size_t key_len,
                       int replace)
{
    SETTER_ENTRY(c);
    if (cert == NULL || cert_len == 0 || key == NULL || key_len == 0) {
        petls_config_set_error(c, "keypair: empty buffer");
        return -1;
    }
    if (replace) {
        pending_cert_clear(c);
        pending_key_clear(c);
    }
    return keypair_add(c, "cert", cert, cert_len, "key", key, key_len, replace);
}

int petls_config_set_keypair_file(struct petls_config *c, const char *cert_file,
                                  const char *key_file)
{
    return keypair_file(c, cert_file, key_file, 1);
}

int petls_config_set_keypair_mem(struct petls_config *c, const uint8_t *cert,
                                 size_t cert_len, const uint8_t *key,
                                 size_t key_len)
{
    return keypair_mem(c, cert, cert_len, key, key_len, 1);
}

int petls_config_add_keypair_file(struct petls_config *c, const char *cert_file,
                                  const char *key_file)
{
    return keypair_file(c, cert_file, key_file, 0);
}

int petls_config_add_keypair_mem(struct petls_config *c, const uint8_t *cert,
                                 size_t cert_len, const uint8_t *key,
                                 size_t key_len)
{
    return keypair_mem(c, cert, cert_len, key, key_len, 0);
}

/* ---- Verification ---- */

void petls_config_verify(struct petls_config *c)
{
    if (c == NULL || petls_config_frozen(c))
        return;
    c->verify_cert = 1;
    c->verify_name = 1;
    c->verify_time = 1;
}

void petls_config_insecure_noverifycert(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->verify_cert = 0;
}

void petls_config_insecure_noverifyname(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->verify_name = 0;
}

void petls_config_insecure_noverifytime(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->verify_time = 0;
}

void petls_config_verify_client(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->verify_client = PETLS_VERIFY_CLIENT_REQUIRE;
}

void petls_config_verify_client_optional(struct petls_config *c)
{
    if (c != NULL && !petls_config_frozen(c))
        c->verify_client = PETLS_VERIFY_CLIENT_OPTIONAL;
}

int petls_config_set_verify_client(struct petls_config *c, int mode)
{
    SETTER_ENTRY(c);
    if (mode != PETLS_VERIFY_CLIENT_NONE &&
        mode != PETLS_VERIFY_CLIENT_OPTIONAL &&
        mode != PETLS_VERIFY_CLIENT_REQUIRE) {
        petls_config_set_error(c, "invalid client verification mode %d", mode);
        return -1;
    }
    c->verify_client = mode;
    return 0;
}

int petls_config_set_handshake_timeout(struct petls_config *c,
                                       uint32_t timeout_ms)
{
    SETTER_ENTRY(c);
    c->handshake_timeout_ms = timeout_ms;
    return 0;
}

/* ---- Session resumption: server ---- */

int petls_config_set_session_lifetime(struct petls_config *c, int lifetime)
{
    SETTER_ENTRY(c);
    if (lifetime < 0 || lifetime > 7 * 24 * 3600) {
        petls_config_set_error(c,
                               "invalid session lifetime %d (0 to 604800 "
                               "seconds)",
                               lifetime);
        return -1;
    }
    if (!PETLS_WITH_SERVER_SESSIONS && lifetime > 0) {
        petls_config_set_error(c, "server session resumption was compiled "
                                  "out (PETLS_WITH_TICKETS=OFF, "
                                  "PETLS_WITH_SESSION_CACHE=OFF)");
        return -1;
    }
    c->session_lifetime = lifetime;
#if PETLS_WITH_TICKETS
    /* The ring rotates with the lifetime unless told otherwise. */
    if (!c->rotation_set && lifetime > 0)
        petls_ticket_keys_set_rotation(c->ticket_keys, (uint32_t)lifetime,
                                       (uint32_t)lifetime);
#endif
    return 0;
}

int petls_config_set_session_id(struct petls_config *c,
                                const unsigned char *session_id, size_t len)
{
    SETTER_ENTRY(c);
    if (len > PETLS_SESSION_ID_CONTEXT_MAX) {
        petls_config_set_error(c,
                               "session id context too long (%zu bytes, at "
                               "most %d)",
                               len, PETLS_SESSION_ID_CONTEXT_MAX);
        return -1;
    }
    if (len > 0 && session_id == NULL) {
        petls_config_set_error(c, "session id context: no buffer given");
        return -1;
    }
    if (len > 0)
        memcpy(c->session_id_ctx, session_id, len);
    c->session_id_ctx_len = len;
    if (ctx_hash_update(c) != 0) {
        petls_config_set_error(c, "session id context: hashing failed");
        return -1;
    }
    return 0;
}

int petls_config_set_session_tickets(struct petls_config *c, int enable)
{
    SETTER_ENTRY(c);
    /* Stateless needs the ticket key ring, stateful the cache or store. */
    if (enable && !PETLS_WITH_TICKETS) {
        petls_config_set_error(
            c, PETLS_FEATURE_OFF_MSG("session ticket", "PETLS_WITH_TICKETS"));
        return -1;
    }
    if (!enable && !PETLS_WITH_SESSION_CACHE) {
        petls_config_set_error(
            c, PETLS_FEATURE_OFF_MSG("stateful session",
                                     "PETLS_WITH_SESSION_CACHE"));
        return -1;
    }
    c->tickets = enable != 0;
    return 0;
}

int petls_config_set_tls13_tickets(struct petls_config *c, unsigned int count)
{
    SETTER_ENTRY(c);
    if (count > 8) {
        petls_config_set_error(c, "invalid TLS 1.3 ticket count %u (0 to 8)",
                               count);
        return -1;
    }
    c->tls13_tickets = count;
    return 0;
}

int petls_config_set_tls13_psk_ke(struct petls_config *c, int enable)
{
    SETTER_ENTRY(c);
    /* 0 off, 2 psk_ke alone when a client resumes, anything else allow. */
    c->tls13_psk_ke = enable == PETLS_TLS13_PSK_KE_ONLY
                          ? PETLS_TLS13_PSK_KE_ONLY
                      : enable != 0 ? PETLS_TLS13_PSK_KE_ALLOW
                                    : PETLS_TLS13_PSK_KE_OFF;
    return 0;
}

int petls_config_set_release_buffers(struct petls_config *c, int enable)
{
    SETTER_ENTRY(c);
    c->keep_buffers = enable == 0;
    return 0;
}

/* ---- Session resumption: client ---- */

int petls_config_set_session_cb(struct petls_config *c, petls_session_cb cb,
                                void *arg)
{
    SETTER_ENTRY(c);
    c->session_cb = cb;
    c->session_cb_arg = arg;
    return 0;
}

int petls_config_set_session_fd(struct petls_config *c, int session_fd)
{
    char err[ERRLEN];

    SETTER_ENTRY(c);
    if (session_fd < 0) {
        c->session_fd = -1;
        return 0;
    }
    err[0] = '\0';
    if (petls_port_session_fd_check(session_fd, err, sizeof(err)) != 0) {
        petls_config_set_error(c, "session fd %d: %s", session_fd,
                               err[0] ? err : "unusable");
        return -1;
    }
    c->session_fd = session_fd;
    return 0;
}
