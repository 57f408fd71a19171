#define _POSIX_C_SOURCE 200809L

#include "cli_sni_psk.h"

#include <string.h>
#include <sys/stat.h>

enum {
    POPT_SNI = SNIPSK_OPT_BASE,
    POPT_STRICT_SNI,
    POPT_PSK,
    POPT_PSK_HINT,
    POPT_TLS13_PSK_KE,
    POPT_TLS13_PSK_KE_ONLY,
};

const struct cli_option sni_psk_options[] = {
    {"sni", "NAME:CERT:KEY", POPT_SNI, CLI_ROLE_SERVER,
     "serve NAME (or *.domain) with this keypair; repeatable"},
    {"strict-sni", NULL, POPT_STRICT_SNI, CLI_ROLE_SERVER,
     "end handshakes for unknown names with unrecognized_name"},
    {"psk", "IDENTITY:HEXKEY", POPT_PSK, CLI_ROLE_BOTH,
     "pre-shared key (server: repeatable; client: the one to offer)"},
    {"psk-hint", "HINT", POPT_PSK_HINT, CLI_ROLE_SERVER,
     "PSK identity hint (mbed TLS never sends it)"},
    {"tls13-psk-ke", NULL, POPT_TLS13_PSK_KE, CLI_ROLE_BOTH,
     "allow TLS 1.3 PSK without (EC)DHE (psk_ke; default: psk_dhe_ke only)"},
    {"tls13-psk-ke-only", NULL, POPT_TLS13_PSK_KE_ONLY, CLI_ROLE_CLIENT,
     "resume TLS 1.3 offering psk_ke alone, no key share (the server must "
     "allow psk_ke)"},
    {NULL, NULL, 0, 0, NULL},
};

void sni_psk_opts_init(struct sni_psk_opts *o)
{
    memset(o, 0, sizeof(*o));
}

/* Wipes key bytes in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0)
        *v++ = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sni_psk_parse_psk(const char *spec, char *identity, size_t id_cap,
                      uint8_t *key, size_t key_cap, char *err, size_t errlen)
{
    /* The key is hex, so the last ':' separates it; identities may hold
     * colons. */
    const char *colon = strrchr(spec, ':');
    size_t id_len, hex_len, i;

    if (colon == NULL || colon == spec) {
        snprintf(err, errlen, "--psk: '%s' is not IDENTITY:HEXKEY", spec);
        return -1;
    }
    id_len = (size_t)(colon - spec);
    if (id_len >= id_cap) {
        snprintf(err, errlen, "--psk: identity longer than %zu bytes",
                 id_cap - 1);
        return -1;
    }
    hex_len = strlen(colon + 1);
    if (hex_len == 0 || hex_len % 2 != 0 || hex_len / 2 > key_cap) {
        snprintf(err, errlen,
                 "--psk: the key must be 2 to %zu hex digits, an even "
                 "number",
                 key_cap * 2);
        return -1;
    }
    for (i = 0; i < hex_len / 2; i++) {
        int hi = hexval(colon[1 + 2 * i]), lo = hexval(colon[2 + 2 * i]);
        if (hi < 0 || lo < 0) {
            snprintf(err, errlen, "--psk: the key is not hex");
            return -1;
        }
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(identity, spec, id_len);
    identity[id_len] = '\0';
    return (int)(hex_len / 2);
}

/* Splits "NAME:CERT:KEY": the name ends at the first ':', the key file
 * starts after the last one. */
static int split_sni(const char *spec, char *name, size_t name_cap, char *cert,
                     size_t cert_cap, const char **key)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = strrchr(spec, ':');

    if (c1 == NULL || c1 == c2 || c1 == spec || c2[1] == '\0' || c2 == c1 + 1 ||
        (size_t)(c1 - spec) >= name_cap || (size_t)(c2 - c1 - 1) >= cert_cap)
        return -1;
    memcpy(name, spec, (size_t)(c1 - spec));
    name[c1 - spec] = '\0';
    memcpy(cert, c1 + 1, (size_t)(c2 - c1 - 1));
    cert[c2 - c1 - 1] = '\0';
    *key = c2 + 1;
    return 0;
}

int sni_psk_opts_apply(struct sni_psk_opts *o, const struct cli_option *opt,
                       const char *value, unsigned role, char *err,
                       size_t errlen)
{
    char name[256], cert[1024];
    const char *key;

    switch (opt->id) {
    case POPT_SNI:
        if (o->n_sni == CLI_MAX_SNI) {
            snprintf(err, errlen, "at most %d --sni", CLI_MAX_SNI);
            return -1;
        }
        if (split_sni(value, name, sizeof(name), cert, sizeof(cert), &key) !=
            0) {
            snprintf(err, errlen, "--sni: '%s' is not NAME:CERT:KEY", value);
            return -1;
        }
        o->sni[o->n_sni++] = value;
        return 1;
    case POPT_STRICT_SNI:
        o->strict_sni = 1;
        return 1;
    case POPT_PSK: {
        char id[PETLS_PSK_IDENTITY_MAX + 1];
        uint8_t k[PETLS_PSK_KEY_MAX];
        int n;
        if (role == CLI_ROLE_CLIENT && o->n_psk == 1) {
            snprintf(err, errlen, "a client offers one --psk");
            return -1;
        }
        if (o->n_psk == CLI_MAX_PSK) {
            snprintf(err, errlen, "at most %d --psk", CLI_MAX_PSK);
            return -1;
        }
        n = sni_psk_parse_psk(value, id, sizeof(id), k, sizeof(k), err, errlen);
        wipe(k, sizeof(k));
        if (n < 0)
            return -1;
        o->psk[o->n_psk++] = value;
        return 1;
    }
    case POPT_PSK_HINT:
        o->psk_hint = value;
        return 1;
    case POPT_TLS13_PSK_KE:
        if (o->tls13_psk_ke == 0)
            o->tls13_psk_ke = PETLS_TLS13_PSK_KE_ALLOW;
        return 1;
    case POPT_TLS13_PSK_KE_ONLY:
        o->tls13_psk_ke = PETLS_TLS13_PSK_KE_ONLY;
        return 1;
    default:
        return 0;
    }
}

int sni_psk_serves(const struct sni_psk_opts *o)
{
    return o->n_sni > 0 || o->n_psk > 0;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One --sni host context: its keypair, and the server's trust anchors and
 * client-certificate mode. */
static int add_host(const char *spec, const struct cli_tls_opts *tls,
                    struct petls_config *cfg, char *err, size_t errlen)
{
    char name[256], cert[1024];
    const char *key;
    struct petls_config *host;
    int rc = -1;

    if (split_sni(spec, name, sizeof(name), cert, sizeof(cert), &key) != 0) {
        snprintf(err, errlen, "--sni: '%s' is not NAME:CERT:KEY", spec);
        return -1;
    }
    host = petls_config_new();
    if (host == NULL) {
        snprintf(err, errlen, "--sni %s: out of memory", name);
        return -1;
    }
    if (petls_config_set_keypair_file(host, cert, key) != 0 ||
        (tls->ca != NULL &&
         (is_directory(tls->ca)
              ? petls_config_set_ca_path(host, tls->ca)
              : petls_config_set_ca_file(host, tls->ca)) != 0) ||
        petls_config_set_verify_client(host, tls->verify_client) != 0) {
        snprintf(err, errlen, "--sni %s: %s", name, petls_config_error(host));
        goto out;
    }
    if (petls_config_add_sni_context(cfg, name, host) != 0) {
        snprintf(err, errlen, "--sni %s: %s", name, petls_config_error(cfg));
        goto out;
    }
    rc = 0;
out:
    petls_config_free(host); /* cfg keeps its own reference */
    return rc;
}

int sni_psk_setup(const struct sni_psk_opts *o, const struct cli_tls_opts *tls,
                  struct petls_config *cfg, unsigned role, char *err,
                  size_t errlen)
{
    size_t i;

    for (i = 0; role == CLI_ROLE_SERVER && i < o->n_sni; i++)
        if (add_host(o->sni[i], tls, cfg, err, errlen) != 0)
            return -1;
    if (o->strict_sni && petls_config_set_strict_sni(cfg, 1) != 0) {
        snprintf(err, errlen, "--strict-sni: %s", petls_config_error(cfg));
        return -1;
    }
    for (i = 0; i < o->n_psk; i++) {
        char id[PETLS_PSK_IDENTITY_MAX + 1];
        uint8_t key[PETLS_PSK_KEY_MAX];
        int n = sni_psk_parse_psk(o->psk[i], id, sizeof(id), key, sizeof(key),
                                  err, errlen);
        int rc = n < 0 ? -1 : petls_config_add_psk(cfg, id, key, (size_t)n);
        wipe(key, sizeof(key));
        if (rc != 0) {
            if (n >= 0)
                snprintf(err, errlen, "--psk %s: %s", id,
                         petls_config_error(cfg));
            return -1;
        }
    }
    if (o->tls13_psk_ke &&
        petls_config_set_tls13_psk_ke(cfg, o->tls13_psk_ke) != 0) {
        snprintf(err, errlen, "--tls13-psk-ke: %s", petls_config_error(cfg));
        return -1;
    }
    if (o->psk_hint != NULL &&
        petls_config_set_psk_identity_hint(cfg, o->psk_hint) != 0) {
        snprintf(err, errlen, "--psk-hint: %s", petls_config_error(cfg));
        return -1;
    }
    return 0;
}
