/*
 * Virtual hosts: the table of host contexts of a server config, the SNI
 * callback and its late answer, strict mode, and the choice made for each
 * connection (which the backend applies through petls_vhost_hooks).
 */
#include <string.h>

#include "client_hello.h"
#include "feature.h"
#include "hostname.h"
#include "petls_internal.h"
#include "sni.h"
#include "util.h"

#define ERRLEN 256

/* Connection states. */
#define SNI_UNRESOLVED 0
#define SNI_PENDING 1  /* the callback answers later */
#define SNI_RESOLVED 2 /* host (maybe NULL: default) chosen */
#define SNI_REJECTED 3 /* strict, or the callback refused */

struct sni_entry {
    char *pattern; /* "host" or "*.host.tld", lower case */
    struct petls_config *host;
};

struct petls_sni_table {
    struct sni_entry *entries;
    size_t n, cap;
    int strict;
    petls_sni_cb cb;
    void *cb_arg;
};

/* ---- Names ---- */

static int is_wildcard(const char *p)
{
    return p[0] == '*' && p[1] == '.';
}

int petls_sni_name_valid(const char *name)
{
    const char *dot;

    if (name == NULL)
        return 0;
    if (is_wildcard(name)) {
        /* One whole left-most label, and at least two labels after it
         * (no "*.com"), as certificate wildcards (RFC 6125). */
        dot = strchr(name + 2, '.');
        return dot != NULL && dot[1] != '\0' && petls_hostname_valid(name + 2);
    }
    return petls_hostname_valid(name);
}

int petls_sni_name_matches(const char *pattern, const char *name)
{
    size_t pl, nl;

    if (pattern == NULL || name == NULL)
        return 0;
    if (is_wildcard(pattern))
        return petls_hostname_match_pattern(pattern, strlen(pattern), name);
    /* Exact names: case-insensitive, one trailing dot ignored. */
    pl = strlen(pattern);
    nl = strlen(name);
    if (nl > 0 && name[nl - 1] == '.')
        nl--;
    if (pl != nl || nl == 0)
        return 0;
    for (size_t i = 0; i < nl; i++) {
        char a = pattern[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Exact names first; then wildcards; the last added wins within a kind (as
 * Node's default SNICallback, which scans its contexts backwards). */
static struct sni_entry *table_lookup(struct petls_sni_table *t,
                                      const char *name)
{
    size_t i;

    if (t == NULL)
        return NULL;
    for (i = t->n; i-- > 0;)
        if (!is_wildcard(t->entries[i].pattern) &&
            petls_sni_name_matches(t->entries[i].pattern, name))
            return &t->entries[i];
    for (i = t->n; i-- > 0;)
        if (is_wildcard(t->entries[i].pattern) &&
            petls_sni_name_matches(t->entries[i].pattern, name))
            return &t->entries[i];
    return NULL;
}

/* ---- Configuration ---- */

static struct petls_sni_table *table_get(struct petls_config *c)
{
    if (c->sni == NULL) {
        c->sni = petls_port_calloc(1, sizeof(*c->sni));
        if (c->sni == NULL)
            petls_config_set_error(c, "out of memory");
    }
    return c->sni;
}

static void sni_config_free(struct petls_config *c)
{
    struct petls_sni_table *t = c->sni;
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->n; i++) {
        petls_port_free(t->entries[i].pattern);
        petls_config_free(t->entries[i].host);
    }
    petls_port_free(t->entries);
    petls_port_free(t);
    c->sni = NULL;
}

int petls_config_add_sni_context(struct petls_config *config, const char *name,
                                 struct petls_config *host_config)
{
    struct petls_sni_table *t;
    struct sni_entry *e;
    char err[ERRLEN];
    char *pattern;
    size_t i, len;

    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (host_config == NULL || host_config == config) {
        petls_config_set_error(config,
                               "SNI context '%s': no host config "
                               "(or the config itself)",
                               name != NULL ? name : "");
        return -1;
    }
    if (!petls_sni_name_valid(name)) {
        petls_config_set_error(config,
                               "SNI context: invalid host name '%s' (a DNS "
                               "name, or '*.' and a name of two labels or "
                               "more)",
                               name != NULL ? name : "");
        return -1;
    }
    if ((t = table_get(config)) == NULL)
        return -1;
    len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        len--;
    pattern = petls_port_calloc(1, len + 1);
    if (pattern == NULL) {
        petls_config_set_error(config, "out of memory");
        return -1;
    }
    for (i = 0; i < len; i++)
        pattern[i] = (name[i] >= 'A' && name[i] <= 'Z')
                         ? (char)(name[i] - 'A' + 'a')
                         : name[i];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4;
        e = petls_port_calloc(cap, sizeof(*e));
        if (e == NULL) {
            petls_port_free(pattern);
            petls_config_set_error(config, "out of memory");
            return -1;
        }
        if (t->n > 0)
            memcpy(e, t->entries, t->n * sizeof(*e));
        petls_port_free(t->entries);
        t->entries = e;
        t->cap = cap;
    }
    /* The host config is frozen now (as by petls_configure) and kept. */
    err[0] = '\0';
    if (petls_config_acquire(host_config, err, sizeof(err)) != 0) {
        petls_port_free(pattern);
        petls_config_set_error(config, "SNI context '%s': %s", name, err);
        return -1;
    }
    t->entries[t->n].pattern = pattern;
    t->entries[t->n].host = host_config;
    t->n++;
    return 0;
}

/* Contexts or a callback are set: server connections read the ClientHello
 * first, so that the callback may answer later and the context is known
 * before any session lookup. */
static int sni_wants_preparse(const struct petls_config *c)
{
    /* The callback may answer later; and the context must be chosen
     * before the backend looks up a session ID or a TLS 1.2 ticket, which
     * may come before the server_name extension. */
    return c->sni != NULL && (c->sni->cb != NULL || c->sni->n > 0);
}

/* The client-verification mode of a server connection: its SNI
 * context's, or the config's. */
static int sni_verify_client(const struct petls *conn, int mode)
{
    return conn->sni.host != NULL ? conn->sni.host->verify_client : mode;
}

/* The config has host contexts or a callback (a server may then run
 * without a default certificate, as Node's). */
static unsigned int sni_serves(const struct petls_config *c)
{
    return c->sni != NULL && (c->sni->n > 0 || c->sni->cb != NULL)
               ? PETLS_SERVES_HOSTS
               : 0;
}

int petls_config_set_strict_sni(struct petls_config *config, int strict)
{
    struct petls_sni_table *t;

    if (config == NULL || petls_config_frozen(config))
        return -1;
    if ((t = table_get(config)) == NULL)
        return -1;
    t->strict = strict != 0;
    return 0;
}

int petls_config_set_sni_cb(struct petls_config *config, petls_sni_cb cb,
                            void *arg)
{
    struct petls_sni_table *t;

    if (config == NULL || petls_config_frozen(config))
        return -1;
    if ((t = table_get(config)) == NULL)
        return -1;
    t->cb = cb;
    t->cb_arg = arg;
    return 0;
}

/* ---- Per connection ---- */

/* Resets a connection's choice. */
static void sni_conn_clear(struct petls *conn)
{
    petls_config_free(conn->sni.host);
    petls_port_free(conn->sni.name);
    memset(&conn->sni, 0, sizeof(conn->sni));
}

static int use_host(struct petls *conn, struct petls_config *host,
                    const char *ident, int from_cb)
{
    char err[ERRLEN];

    err[0] = '\0';
    if (petls_config_acquire(host, err, sizeof(err)) != 0) {
        petls_set_error(conn, "SNI context for '%s': %s", ident, err);
        conn->sni.state = SNI_REJECTED;
        return -1;
    }
    petls_config_free(conn->sni.host);
    petls_port_free(conn->sni.name);
    conn->sni.host = host;
    conn->sni.name = petls_strdup(ident);
    conn->sni.from_cb = from_cb;
    conn->sni.state = SNI_RESOLVED;
    return 0;
}

/* The table and strict mode, after the callback (if any) left the choice
 * to them. */
static int resolve_default(struct petls *conn, const char *name)
{
    struct petls_sni_table *t = conn->config->sni;
    struct sni_entry *e = table_lookup(t, name);

    if (e != NULL)
        return use_host(conn, e->host, e->pattern, 0);
    if (t != NULL && t->strict) {
        conn->sni.state = SNI_REJECTED;
        conn->sni.strict_reject = 1;
        return -1;
    }
    conn->sni.state = SNI_RESOLVED;
    return 0;
}

static int resolve(struct petls *conn, const char *name, int may_pend)
{
    struct petls_sni_table *t = conn->config->sni;
    struct petls_config *host = NULL;
    int r;

    if (t == NULL || t->cb == NULL)
        return resolve_default(conn, name);
    r = t->cb(conn, name, &host, t->cb_arg);
    switch (r) {
    case PETLS_SNI_USE:
        if (host == NULL) {
            petls_set_error(conn, "SNI callback chose no config for '%s'",
                            name);
            conn->sni.state = SNI_REJECTED;
            return -1;
        }
        return use_host(conn, host, name, 1);
    case PETLS_SNI_DEFAULT:
        return resolve_default(conn, name);
    case PETLS_SNI_PENDING:
        if (may_pend) {
            conn->sni.state = SNI_PENDING;
            petls_port_free(conn->sni.name);
            conn->sni.name = petls_strdup(name);
            if (conn->sni.name == NULL) {
                petls_set_error(conn, "out of memory");
                conn->sni.state = SNI_REJECTED;
                return -1;
            }
            return PETLS_WANT_SNI;
        }
        petls_set_error(conn, "SNI callback answered later, but this "
                              "connection did not read the ClientHello "
                              "ahead");
        conn->sni.state = SNI_REJECTED;
        return -1;
    default:
        conn->sni.state = SNI_REJECTED;
        return -1;
    }
}

/* Called by the server handshake once the ClientHello is pre-parsed, before
 * the backend runs: resolves the name, asking the callback, which may
 * answer later. Returns 0 (go on), PETLS_WANT_SNI (callback pending: the
 * handshake returns it until petls_sni_answer), or -1 with the error set on
 * conn (the handshake then still runs, so that the backend sends
 * unrecognized_name). */
static int sni_client_hello(struct petls *conn, const uint8_t *sni,
                            size_t sni_len)
{
    char *name;
    int r;

    if (conn->sni.state == SNI_PENDING)
        return PETLS_WANT_SNI;
    if (conn->sni.state != SNI_UNRESOLVED || sni == NULL || sni_len == 0 ||
        memchr(sni, '\0', sni_len) != NULL)
        return 0;
    name = petls_port_calloc(1, sni_len + 1);
    if (name == NULL) {
        petls_set_error(conn, "out of memory");
        return -1;
    }
    memcpy(name, sni, sni_len);
    r = resolve(conn, name, 1);
    petls_port_free(name);
    /* A rejection is carried out by the backend (unrecognized_name). */
    return r == PETLS_WANT_SNI ? PETLS_WANT_SNI : 0;
}

int petls_sni_answer(struct petls *conn, int result,
                     struct petls_config *host_config)
{
    char *name;
    int r = 0;

    if (conn == NULL)
        return -1;
    petls_err_clear(&conn->err);
    if (!(conn->flags & PETLS_CTX_SERVER_CONN) ||
        conn->sni.state != SNI_PENDING) {
        petls_set_error_code(conn, PETLS_ERROR_INVALID_CONTEXT,
                             "no SNI callback is pending on this "
                             "connection");
        return -1;
    }
    if (result == PETLS_SNI_USE && host_config == NULL) {
        petls_set_error_code(conn, PETLS_ERROR_INVALID_ARGUMENT,
                             "petls_sni_answer: PETLS_SNI_USE needs a "
                             "config");
        return -1;
    }
    /* The name asked for, kept while the callback was pending. */
    name = conn->sni.name;
    conn->sni.name = NULL;
    switch (result) {
    case PETLS_SNI_USE:
        r = use_host(conn, host_config, name, 1);
        break;
    case PETLS_SNI_DEFAULT:
        (void)resolve_default(conn, name);
        break;
    default:
        /* The handshake goes on so that the backend sends
         * unrecognized_name. */
        conn->sni.state = SNI_REJECTED;
        break;
    }
    petls_port_free(name);
    return r;
}

/* ---- Backend hooks ---- */

int petls_sni_select(void *owner, const char *name, struct pb_config **host)
{
    struct petls *conn = owner;
    int r = 0;

    *host = NULL;
    if (conn->sni.state == SNI_UNRESOLVED)
        r = resolve(conn, name, 0);
    if (r != 0 || conn->sni.state != SNI_RESOLVED)
        return conn->sni.strict_reject ? -1 : -2;
    if (conn->sni.host != NULL)
        *host = conn->sni.host->pb;
    return 0;
}

/* The session id context of a server connection once its SNI context is
 * chosen: base itself (copied) for the default context, otherwise a 32-byte
 * digest of base and the chosen context's identity (the name it was added
 * under, or for the callback's choice, the requested name), so that
 * sessions and tickets of one host never resume on another. cap >= 32.
 * Returns the length written. */
static size_t sni_session_context(const struct petls *conn, const uint8_t *base,
                                  size_t base_len, uint8_t *out, size_t cap)
{
    /* "petls-sni" | base_len (1) | base | kind (1) | identity */
    uint8_t buf[16 + PETLS_SESSION_ID_CONTEXT_MAX + 256 + 2];
    size_t n = 0, il;
    const char *ident;

    if (conn->sni.host == NULL || conn->sni.name == NULL) {
        if (base_len > cap)
            base_len = cap;
        if (base_len > 0)
            memcpy(out, base, base_len);
        return base_len;
    }
    if (cap < 32)
        return 0;
    if (base_len > PETLS_SESSION_ID_CONTEXT_MAX)
        base_len = PETLS_SESSION_ID_CONTEXT_MAX;
    memcpy(buf, "petls-sni", 9);
    n = 9;
    buf[n++] = (uint8_t)base_len;
    if (base_len > 0)
        memcpy(buf + n, base, base_len);
    n += base_len;
    buf[n++] = conn->sni.from_cb == 1 ? 'c' : 't';
    ident = conn->sni.name;
    il = strlen(ident);
    if (il > 255)
        il = 255;
    memcpy(buf + n, ident, il);
    n += il;
    if (pb_sha256(buf, n, out) != 0)
        return 0;
    return 32;
}

/* ---- Hooks (the feature table, core/features.c) ---- */

static int sni_hello(struct petls *conn, const struct petls_client_hello *ch)
{
    /* ch NULL: is the callback's answer still pending? */
    return ch != NULL ? sni_client_hello(conn, ch->sni, ch->sni_len)
                      : sni_client_hello(conn, NULL, 0);
}

const struct petls_feature petls_feature_sni = {
    .name = "sni",
    .config_free = sni_config_free,
    .wants_preparse = sni_wants_preparse,
    .serves = sni_serves,
    .client_hello = sni_hello,
    .session_context = sni_session_context,
    .verify_client = sni_verify_client,
    .conn_free = sni_conn_clear,
};
