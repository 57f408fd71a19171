/*
 * External PSKs in the engine: the settings of a config (static
 * identities, callbacks, hint), the server's lookup the backend calls, the
 * client's PSK handed to the backend, and the identity a handshake used.
 */
#include <stdio.h>
#include <string.h>

#include "feature.h"
#include "petls_internal.h"
#include "psk.h"
#include "util.h"

struct psk_entry {
    char *identity;
    uint8_t *key; /* zeroized when freed */
    size_t key_len;
    struct psk_entry *next;
};

struct petls_psk_conf {
    struct psk_entry *entries; /* in the order added */
    char *hint;
    petls_psk_server_cb server_cb;
    void *server_arg;
    petls_psk_client_cb client_cb;
    void *client_arg;
};

static struct petls_psk_conf *conf_get(struct petls_config *c)
{
    if (c->psk == NULL) {
        c->psk = petls_port_calloc(1, sizeof(*c->psk));
        if (c->psk == NULL)
            petls_config_set_error(c, "out of memory");
    }
    return c->psk;
}

static void psk_config_free(struct petls_config *c)
{
    struct petls_psk_conf *p = c->psk;
    struct psk_entry *e, *next;

    if (p == NULL)
        return;
    for (e = p->entries; e != NULL; e = next) {
        next = e->next;
        petls_port_free(e->identity);
        petls_free_secret(e->key, e->key_len);
        petls_port_free(e);
    }
    petls_port_free(p->hint);
    petls_explicit_bzero(p, sizeof(*p));
    petls_port_free(p);
    c->psk = NULL;
}

/* Does the config use PSKs (as a server: identities to look up; as a
 * client: a PSK to offer)? */
static int psk_enabled(const struct petls_config *c)
{
    const struct petls_psk_conf *p = c->psk;

    return p != NULL &&
           (p->entries != NULL || p->server_cb != NULL || p->client_cb != NULL);
}

/* A server config that can serve without a certificate. */
static unsigned int psk_serves(const struct petls_config *c)
{
    const struct petls_psk_conf *p = c->psk;

    return p != NULL && (p->entries != NULL || p->server_cb != NULL)
               ? PETLS_SERVES_PSK
               : 0;
}

/* Freezing: the backend's PSK callback (a server) or PSK (a client). */
static void psk_freeze(struct petls_config *c, struct pb_settings *s)
{
    s->psk = psk_enabled(c);
}

static int identity_ok(struct petls_config *c, const char *identity)
{
    size_t n;

    if (identity == NULL || identity[0] == '\0') {
        petls_config_set_error(c, "PSK: empty identity");
        return 0;
    }
    n = strlen(identity);
    if (n > PETLS_PSK_IDENTITY_MAX) {
        petls_config_set_error(c,
                               "PSK identity is %zu bytes, more than the "
                               "%d allowed",
                               n, PETLS_PSK_IDENTITY_MAX);
        return 0;
    }
    return 1;
}

static int key_ok(char *err, size_t errlen, const uint8_t *key, size_t len)
{
    size_t max = pb_psk_max_len();

    if (max > PETLS_PSK_KEY_MAX)
        max = PETLS_PSK_KEY_MAX;
    if (key == NULL || len == 0 || len > max) {
        snprintf(err, errlen, "PSK must be 1 to %zu bytes (got %zu)", max,
                 key == NULL ? (size_t)0 : len);
        return 0;
    }
    return 1;
}

int petls_config_add_psk(struct petls_config *config, const char *identity,
                         const uint8_t *key, size_t len)
{
    struct petls_psk_conf *p;
    struct psk_entry *e, **tail;
    char err[128];

    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (!identity_ok(config, identity))
        return -1;
    if (!key_ok(err, sizeof(err), key, len)) {
        petls_config_set_error(config, "%s", err);
        return -1;
    }
    if ((p = conf_get(config)) == NULL)
        return -1;
    for (e = p->entries; e != NULL; e = e->next) {
        if (strcmp(e->identity, identity) == 0) {
            petls_config_set_error(config, "PSK identity '%s' added twice",
                                   identity);
            return -1;
        }
    }
    e = petls_port_calloc(1, sizeof(*e));
    if (e == NULL || (e->identity = petls_strdup(identity)) == NULL ||
        (e->key = petls_memdup(key, len)) == NULL) {
        if (e != NULL)
            petls_port_free(e->identity);
        petls_port_free(e);
        petls_config_set_error(config, "out of memory");
        return -1;
    }
    e->key_len = len;
    for (tail = &p->entries; *tail != NULL; tail = &(*tail)->next) {
    }
    *tail = e;
    return 0;
}

int petls_config_set_psk_server_cb(struct petls_config *config,
                                   petls_psk_server_cb cb, void *arg)
{
    struct petls_psk_conf *p;

    if (config == NULL || petls_config_frozen(config) ||
        (p = conf_get(config)) == NULL)
        return -1;
    p->server_cb = cb;
    p->server_arg = arg;
    return 0;
}

int petls_config_set_psk_client_cb(struct petls_config *config,
                                   petls_psk_client_cb cb, void *arg)
{
    struct petls_psk_conf *p;

    if (config == NULL || petls_config_frozen(config) ||
        (p = conf_get(config)) == NULL)
        return -1;
    p->client_cb = cb;
    p->client_arg = arg;
    return 0;
}

int petls_config_set_psk_identity_hint(struct petls_config *config,
                                       const char *hint)
{
    struct petls_psk_conf *p;
    char *copy = NULL;

    if (config == NULL || petls_config_frozen(config) ||
        (p = conf_get(config)) == NULL)
        return -1;
    if (hint != NULL) {
        if (strlen(hint) > PETLS_PSK_IDENTITY_MAX) {
            petls_config_set_error(config,
                                   "PSK identity hint longer than %d bytes",
                                   PETLS_PSK_IDENTITY_MAX);
            return -1;
        }
        if ((copy = petls_strdup(hint)) == NULL) {
            petls_config_set_error(config, "out of memory");
            return -1;
        }
    }
    petls_port_free(p->hint);
    p->hint = copy;
    return 0;
}

/* ---- Connections ---- */

static void scratch_clear(struct petls_psk_scratch *scratch)
{
    petls_explicit_bzero(scratch, sizeof(*scratch));
}

/* A client's PSK to offer (asking the client callback, with no hint: the
 * backend cannot deliver one before the handshake). A server looks its
 * identities up through petls_vhost_hooks (core/features.c). 0, or -1 with
 * the error set on conn. */
static int psk_conn_params(struct petls *conn, struct pb_conn_params *p,
                           struct petls_conn_scratch *cs)
{
    struct petls_psk_conf *pc = conn->config->psk;
    struct petls_psk_scratch *scratch = &cs->psk;
    int n;

    if (p->is_server || pc == NULL)
        return 0;
    if (pc->client_cb != NULL) {
        memset(scratch, 0, sizeof(*scratch));
        n = pc->client_cb(conn, NULL, scratch->identity,
                          sizeof(scratch->identity), scratch->key,
                          sizeof(scratch->key), pc->client_arg);
        if (n < 0) {
            scratch_clear(scratch);
            petls_set_error(conn, "PSK client callback failed");
            return -1;
        }
        if (n == 0)
            return 0; /* no PSK: a certificate handshake */
        scratch->identity[sizeof(scratch->identity) - 1] = '\0';
        if (scratch->identity[0] == '\0' || (size_t)n > sizeof(scratch->key)) {
            scratch_clear(scratch);
            petls_set_error(conn,
                            "PSK client callback returned no identity "
                            "or a key longer than %d bytes",
                            PETLS_PSK_KEY_MAX);
            return -1;
        }
        p->psk_identity = (const uint8_t *)scratch->identity;
        p->psk_identity_len = strlen(scratch->identity);
        p->psk_key = scratch->key;
        p->psk_key_len = (size_t)n;
        return 0;
    }
    if (pc->entries != NULL) {
        p->psk_identity = (const uint8_t *)pc->entries->identity;
        p->psk_identity_len = strlen(pc->entries->identity);
        p->psk_key = pc->entries->key;
        p->psk_key_len = pc->entries->key_len;
    }
    return 0;
}

int petls_psk_lookup(void *owner, const uint8_t *identity, size_t id_len,
                     uint8_t *key, size_t cap, size_t *key_len)
{
    struct petls *conn = owner;
    struct petls_psk_conf *pc = conn->config->psk;
    const struct psk_entry *e;
    char id[PETLS_PSK_IDENTITY_MAX + 1];
    uint8_t buf[PETLS_PSK_KEY_MAX];
    int n;

    if (pc == NULL || id_len == 0 || id_len > PETLS_PSK_IDENTITY_MAX)
        return -1;
    memcpy(id, identity, id_len);
    id[id_len] = '\0';
    for (e = pc->entries; e != NULL; e = e->next) {
        if (strcmp(e->identity, id) == 0) {
            if (e->key_len > cap)
                return -1;
            memcpy(key, e->key, e->key_len);
            *key_len = e->key_len;
            return 0;
        }
    }
    if (pc->server_cb == NULL)
        return -1;
    n = pc->server_cb(conn, id, buf, sizeof(buf), pc->server_arg);
    if (n <= 0 || (size_t)n > sizeof(buf) || (size_t)n > cap) {
        petls_explicit_bzero(buf, sizeof(buf));
        return -1;
    }
    memcpy(key, buf, (size_t)n);
    *key_len = (size_t)n;
    petls_explicit_bzero(buf, sizeof(buf));
    return 0;
}

const char *petls_conn_psk_identity(struct petls *ctx)
{
    if (ctx == NULL || ctx->conn == NULL || !ctx->hs_done)
        return NULL;
    return pb_conn_psk_identity(ctx->conn);
}

const struct petls_feature petls_feature_psk = {
    .name = "psk",
    .config_free = psk_config_free,
    .freeze = psk_freeze,
    .serves = psk_serves,
    .conn_params = psk_conn_params,
};
