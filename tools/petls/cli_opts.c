#define _POSIX_C_SOURCE 200809L

#include "cli_opts.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Option scanning ------------------------------------------------- */

void cli_scan_init(struct cli_scan *s, int argc, char **argv, int first,
                   unsigned role)
{
    memset(s, 0, sizeof(*s));
    s->argc = argc;
    s->argv = argv;
    s->idx = first;
    s->role = role;
}

static const struct cli_option *
find_option(const struct cli_option *const *tables, const char *name,
            size_t namelen, unsigned role)
{
    for (; *tables != NULL; tables++) {
        for (const struct cli_option *o = *tables; o->name != NULL; o++) {
            if ((o->roles & role) != 0 && strlen(o->name) == namelen &&
                strncmp(o->name, name, namelen) == 0)
                return o;
        }
    }
    return NULL;
}

int cli_scan_next(struct cli_scan *s, const struct cli_option *const *tables,
                  const struct cli_option **opt, const char **value, char *err,
                  size_t errlen)
{
    *opt = NULL;
    *value = NULL;
    if (s->idx >= s->argc)
        return -1;
    const char *a = s->argv[s->idx++];
    if (s->only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
        *value = a;
        return 0;
    }
    if (strcmp(a, "--") == 0) {
        s->only_positional = 1;
        return cli_scan_next(s, tables, opt, value, err, errlen);
    }
    /* "-h" is the one short option: everyone types it. */
    const char *name = strcmp(a, "-h") == 0 ? "help" : a + 2;
    if (a[1] != '-' && strcmp(a, "-h") != 0) {
        snprintf(err, errlen, "unknown option '%s'", a);
        return -2;
    }
    const char *eq = strchr(name, '=');
    size_t namelen = eq != NULL ? (size_t)(eq - name) : strlen(name);
    const struct cli_option *o = find_option(tables, name, namelen, s->role);
    if (o == NULL) {
        snprintf(err, errlen, "unknown option '--%.*s'", (int)namelen, name);
        return -2;
    }
    if (o->arg == NULL) {
        if (eq != NULL) {
            snprintf(err, errlen, "option '--%s' takes no value", o->name);
            return -2;
        }
    } else if (eq != NULL) {
        *value = eq + 1;
    } else if (s->idx < s->argc) {
        *value = s->argv[s->idx++];
    } else {
        snprintf(err, errlen, "option '--%s' needs a value (%s)", o->name,
                 o->arg);
        return -2;
    }
    *opt = o;
    return 1;
}

void cli_print_options(FILE *out, const struct cli_option *table, unsigned role)
{
    for (const struct cli_option *o = table; o->name != NULL; o++) {
        char lhs[64];
        if ((o->roles & role) == 0)
            continue;
        if (o->arg != NULL)
            snprintf(lhs, sizeof(lhs), "--%s %s", o->name, o->arg);
        else
            snprintf(lhs, sizeof(lhs), "--%s", o->name);
        fprintf(out, "  %-28s %s\n", lhs, o->help);
    }
}

/* ---- Numbers --------------------------------------------------------- */

int cli_parse_seconds(const char *s, uint32_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0 ||
        v * 1000.0 > (double)UINT32_MAX)
        return -1;
    *ms = (uint32_t)(v * 1000.0 + 0.5);
    /* A tiny positive value must not turn into 0, which means "never". */
    if (*ms == 0 && v > 0)
        *ms = 1;
    return 0;
}

int cli_parse_count(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* ---- TLS settings ---------------------------------------------------- */

enum {
    OPT_CERT = 1,
    OPT_KEY,
    OPT_PASS,
    OPT_CA,
    OPT_CRL,
    OPT_PROTOCOLS,
    OPT_MIN_VERSION,
    OPT_MAX_VERSION,
    OPT_CIPHERS,
    OPT_GROUPS,
    OPT_SIGALGS,
    OPT_HANDSHAKE_TIMEOUT,
    OPT_VERIFY_CLIENT,
    OPT_INSECURE,
    OPT_NOVERIFYNAME,
    OPT_NOVERIFYTIME,
    OPT_CHECK_IDENTITY,
    OPT_JSON,
    OPT_PEER_CERT,
};

const struct cli_option cli_tls_options[] = {
    {"cert", "FILE", OPT_CERT, CLI_ROLE_BOTH,
     "certificate chain (PEM or DER); repeat with --key for more keypairs"},
    {"key", "FILE", OPT_KEY, CLI_ROLE_BOTH,
     "private key for the --cert of the same position"},
    {"pass", "PASS", OPT_PASS, CLI_ROLE_BOTH,
     "key passphrase: PASS, pass:PASS, env:VAR or file:PATH"},
    {"ca", "FILE|DIR", OPT_CA, CLI_ROLE_BOTH,
     "trusted CA certificates (a file, or a directory of files)"},
    {"crl", "FILE", OPT_CRL, CLI_ROLE_BOTH, "certificate revocation lists"},
    {"verify-client", "MODE", OPT_VERIFY_CLIENT, CLI_ROLE_SERVER,
     "client certificates: none (default), optional or require"},
    {"insecure", NULL, OPT_INSECURE, CLI_ROLE_CLIENT,
     "do not verify the server's certificate nor its name"},
    {"noverifyname", NULL, OPT_NOVERIFYNAME, CLI_ROLE_CLIENT,
     "do not verify the server's name"},
    {"noverifytime", NULL, OPT_NOVERIFYTIME, CLI_ROLE_BOTH,
     "do not check certificate validity periods"},
    {"check-identity", "MODE", OPT_CHECK_IDENTITY, CLI_ROLE_CLIENT,
     "server identity callback (Node's checkServerIdentity): default, "
     "accept (any name), or pin:FINGERPRINT256 (default, then the "
     "certificate's SHA-256 fingerprint)"},
    {"protocols", "STR", OPT_PROTOCOLS, CLI_ROLE_BOTH,
     "libtls protocol string, e.g. \"tlsv1.3\" or \"secure\""},
    {"min-version", "VER", OPT_MIN_VERSION, CLI_ROLE_BOTH,
     "lowest version: TLSv1.2 or TLSv1.3"},
    {"max-version", "VER", OPT_MAX_VERSION, CLI_ROLE_BOTH,
     "highest version: TLSv1.2 or TLSv1.3"},
    {"ciphers", "LIST", OPT_CIPHERS, CLI_ROLE_BOTH,
     "cipher suites (OpenSSL/IANA names or secure, compat, ...)"},
    {"groups", "LIST", OPT_GROUPS, CLI_ROLE_BOTH,
     "key exchange groups, e.g. X25519:P-256"},
    {"sigalgs", "LIST", OPT_SIGALGS, CLI_ROLE_BOTH,
     "signature algorithms, e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256"},
    {"handshake-timeout", "SECONDS", OPT_HANDSHAKE_TIMEOUT, CLI_ROLE_BOTH,
     "give up on a handshake after this long (default: client 10, server "
     "30; 0: never)"},
    {"json", NULL, OPT_JSON, CLI_ROLE_BOTH,
     "print one JSON line per handshake instead of text"},
    {"peer-cert", NULL, OPT_PEER_CERT, CLI_ROLE_BOTH,
     "print the peer's certificate chain as Node's getPeerCertificate(true)"
     " (one JSON line)"},
    {NULL, NULL, 0, 0, NULL},
};

void cli_tls_opts_init(struct cli_tls_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->handshake_timeout_ms = PETLS_HANDSHAKE_TIMEOUT_DEFAULT_MS;
    o->verify_client = PETLS_VERIFY_CLIENT_NONE;
}

int cli_tls_opts_apply(struct cli_tls_opts *o, const struct cli_option *opt,
                       const char *value, char *err, size_t errlen)
{
    switch (opt->id) {
    case OPT_CERT:
    case OPT_KEY: {
        int cert = opt->id == OPT_CERT;
        size_t *n = cert ? &o->ncerts : &o->nkeys;
        if (*n == CLI_MAX_KEYPAIRS) {
            snprintf(err, errlen, "at most %d keypairs", CLI_MAX_KEYPAIRS);
            return -1;
        }
        (cert ? o->certs : o->keys)[(*n)++] = value;
        return 0;
    }
    case OPT_PASS:
        o->pass = value;
        return 0;
    case OPT_CA:
        o->ca = value;
        return 0;
    case OPT_CRL:
        o->crl = value;
        return 0;
    case OPT_PROTOCOLS:
        o->protocols = value;
        return 0;
    case OPT_MIN_VERSION:
        o->min_version = value;
        return 0;
    case OPT_MAX_VERSION:
        o->max_version = value;
        return 0;
    case OPT_CIPHERS:
        o->ciphers = value;
        return 0;
    case OPT_GROUPS:
        o->groups = value;
        return 0;
    case OPT_SIGALGS:
        o->sigalgs = value;
        return 0;
    case OPT_HANDSHAKE_TIMEOUT:
        if (cli_parse_seconds(value, &o->handshake_timeout_ms) != 0) {
            snprintf(err, errlen,
                     "--handshake-timeout: '%s' is not a number of seconds",
                     value);
            return -1;
        }
        return 0;
    case OPT_VERIFY_CLIENT:
        if (strcmp(value, "none") == 0) {
            o->verify_client = PETLS_VERIFY_CLIENT_NONE;
        } else if (strcmp(value, "optional") == 0) {
            o->verify_client = PETLS_VERIFY_CLIENT_OPTIONAL;
        } else if (strcmp(value, "require") == 0) {
            o->verify_client = PETLS_VERIFY_CLIENT_REQUIRE;
        } else {
            snprintf(err, errlen,
                     "--verify-client: '%s' is not none, optional or require",
                     value);
            return -1;
        }
        return 0;
    case OPT_INSECURE:
        o->insecure = 1;
        return 0;
    case OPT_NOVERIFYNAME:
        o->noverifyname = 1;
        return 0;
    case OPT_NOVERIFYTIME:
        o->noverifytime = 1;
        return 0;
    case OPT_CHECK_IDENTITY:
        if (strcmp(value, "default") != 0 && strcmp(value, "accept") != 0 &&
            strncmp(value, "pin:", 4) != 0) {
            snprintf(err, errlen,
                     "--check-identity: '%s' is not default, accept or "
                     "pin:FINGERPRINT256",
                     value);
            return -1;
        }
        o->check_identity = value;
        return 0;
    case OPT_JSON:
        o->json = 1;
        return 0;
    case OPT_PEER_CERT:
        o->peer_cert = 1;
        return 0;
    default:
        snprintf(err, errlen, "internal error: option '--%s' not handled",
                 opt->name);
        return -1;
    }
}

int cli_tls_opts_check(const struct cli_tls_opts *o, unsigned role, char *err,
                       size_t errlen)
{
    if (o->ncerts != o->nkeys) {
        snprintf(err, errlen,
                 "--cert and --key come in pairs (%zu --cert, %zu --key)",
                 o->ncerts, o->nkeys);
        return -1;
    }
    if (role == CLI_ROLE_SERVER && o->ncerts == 0) {
        snprintf(err, errlen, "a server needs --cert FILE and --key FILE");
        return -1;
    }
    return 0;
}

/* --check-identity: a checkServerIdentity callback as Node's
 * documentation writes one. "accept" takes any certificate; "default" is
 * tls.checkServerIdentity; "pin:FP" calls it, then refuses a certificate
 * whose fingerprint256 is not FP, with the example's message. */
static const char *identity_mode = "default";

static int check_identity(struct petls *ctx, const char *hostname,
                          const struct petls_cert_details *cert,
                          struct petls_identity_error *error, void *arg)
{
    const char *mode = identity_mode;
    const char *cn = "undefined";

    (void)ctx;
    (void)arg;
    if (strcmp(mode, "accept") == 0)
        return 0;
    if (petls_check_server_identity(hostname, cert, error) != 0)
        return -1;
    if (strncmp(mode, "pin:", 4) != 0 ||
        (cert->fingerprint256 != NULL &&
         strcmp(cert->fingerprint256, mode + 4) == 0))
        return 0;
    for (size_t i = 0; i < cert->n_subject; i++) {
        if (strncmp(cert->subject[i], "CN=", 3) == 0) {
            cn = cert->subject[i] + 3;
            break;
        }
    }
    snprintf(error->message, sizeof(error->message),
             "Certificate verification error: The certificate of '%s' does "
             "not match our pinned fingerprint",
             cn);
    return -1;
}

/* Reads the first line of path into buf, without its line ending. */
static int read_first_line(const char *path, char *buf, size_t buflen,
                           char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "--pass: cannot open '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    if (fgets(buf, (int)buflen, f) == NULL)
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* Resolves --pass the way openssl's -passin does. buf receives the secret;
 * the caller zeroizes it. */
static int resolve_passphrase(const char *spec, char *buf, size_t buflen,
                              char *err, size_t errlen)
{
    const char *v;
    if (strncmp(spec, "env:", 4) == 0) {
        v = getenv(spec + 4);
        if (v == NULL) {
            snprintf(err, errlen, "--pass: environment variable '%s' not set",
                     spec + 4);
            return -1;
        }
    } else if (strncmp(spec, "file:", 5) == 0) {
        return read_first_line(spec + 5, buf, buflen, err, errlen);
    } else if (strncmp(spec, "pass:", 5) == 0) {
        v = spec + 5;
    } else {
        v = spec;
    }
    if (strlen(v) >= buflen) {
        snprintf(err, errlen, "--pass: passphrase too long");
        return -1;
    }
    strcpy(buf, v);
    return 0;
}

/* Wipes memory in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0)
        *v++ = 0;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int set_version(struct petls_config *cfg, const char *opt,
                       const char *value, int max, char *err, size_t errlen)
{
    int rc = max ? petls_config_set_max_version(cfg, value)
                 : petls_config_set_min_version(cfg, value);
    if (rc != 0)
        snprintf(err, errlen, "%s %s: %s", opt, value, petls_config_error(cfg));
    return rc;
}

struct petls_config *cli_tls_config_build(const struct cli_tls_opts *o,
                                          unsigned role, char *err,
                                          size_t errlen)
{
    err[0] = '\0';
    struct petls_config *cfg = petls_config_new();
    if (cfg == NULL) {
        snprintf(err, errlen, "cannot create a TLS configuration");
        return NULL;
    }
    /* Each step names the option it came from so the user knows what to
     * fix; the library's message says what is wrong with it. */
#define CHECK(call, what)                                                      \
    do {                                                                       \
        if ((call) != 0) {                                                     \
            snprintf(err, errlen, "%s: %s", what, petls_config_error(cfg));    \
            goto fail;                                                         \
        }                                                                      \
    } while (0)

    if (o->pass != NULL) {
        char pass[1024];
        int rc = resolve_passphrase(o->pass, pass, sizeof(pass), err, errlen);
        if (rc == 0)
            rc = petls_config_set_key_passphrase(cfg, pass);
        wipe(pass, sizeof(pass));
        if (rc != 0) {
            if (err[0] == '\0')
                snprintf(err, errlen, "--pass: %s", petls_config_error(cfg));
            goto fail;
        }
    }
    /* The library's message names the files; the prefix names the
     * options. */
    for (size_t i = 0; i < o->ncerts; i++) {
        if (i == 0)
            CHECK(petls_config_set_keypair_file(cfg, o->certs[i], o->keys[i]),
                  "--cert/--key");
        else
            CHECK(petls_config_add_keypair_file(cfg, o->certs[i], o->keys[i]),
                  "--cert/--key");
    }
    if (o->ca != NULL) {
        char what[512];
        snprintf(what, sizeof(what), "--ca %s", o->ca);
        if (is_directory(o->ca))
            CHECK(petls_config_set_ca_path(cfg, o->ca), what);
        else
            CHECK(petls_config_set_ca_file(cfg, o->ca), what);
    }
    if (o->crl != NULL) {
        char what[512];
        snprintf(what, sizeof(what), "--crl %s", o->crl);
        CHECK(petls_config_set_crl_file(cfg, o->crl), what);
    }
    if (o->protocols != NULL) {
        uint32_t protocols;
        if (petls_config_parse_protocols(&protocols, o->protocols) != 0) {
            snprintf(err, errlen, "--protocols: invalid protocol string '%s'",
                     o->protocols);
            goto fail;
        }
        CHECK(petls_config_set_protocols(cfg, protocols), "--protocols");
    }
    if (o->min_version != NULL &&
        set_version(cfg, "--min-version", o->min_version, 0, err, errlen) != 0)
        goto fail;
    if (o->max_version != NULL &&
        set_version(cfg, "--max-version", o->max_version, 1, err, errlen) != 0)
        goto fail;
    if (o->ciphers != NULL)
        CHECK(petls_config_set_ciphers(cfg, o->ciphers), "--ciphers");
    if (o->groups != NULL)
        CHECK(petls_config_set_groups(cfg, o->groups), "--groups");
    if (o->sigalgs != NULL)
        CHECK(petls_config_set_sigalgs(cfg, o->sigalgs), "--sigalgs");
    CHECK(petls_config_set_handshake_timeout(cfg, o->handshake_timeout_ms),
          "--handshake-timeout");
    if (role == CLI_ROLE_SERVER)
        CHECK(petls_config_set_verify_client(cfg, o->verify_client),
              "--verify-client");
    if (o->insecure) {
        petls_config_insecure_noverifycert(cfg);
        petls_config_insecure_noverifyname(cfg);
    }
    if (o->noverifyname)
        petls_config_insecure_noverifyname(cfg);
    if (o->noverifytime)
        petls_config_insecure_noverifytime(cfg);
    if (o->check_identity != NULL) {
        identity_mode = o->check_identity;
        CHECK(petls_config_set_check_server_identity(cfg, check_identity, NULL),
              "--check-identity");
    }
#undef CHECK
    return cfg;

fail:
    petls_config_free(cfg);
    return NULL;
}
