/*
 * The server's ticket keys (Node's setTicketKeys/getTicketKeys, key files,
 * rotation): changeable on a live config, the ring locks itself. Compiled
 * out with PETLS_WITH_TICKETS=OFF (tickets_off.c).
 */
#include <stdio.h>
#include <string.h>

#include "feature.h"
#include "petls_internal.h"
#include "ticket_keys.h"
#include "util.h"

#define ERRLEN 256

/* ---- Ticket keys: changeable on a live config (the ring locks) ---- */

int petls_config_add_ticket_key(struct petls_config *c, uint32_t keyrev,
                                unsigned char *key, size_t keylen)
{
    char err[ERRLEN];

    if (c == NULL)
        return -1;
    err[0] = '\0';
    if (key == NULL || petls_ticket_keys_add(c->ticket_keys, keyrev, key,
                                             keylen, err, sizeof(err)) != 0) {
        /* The ring's messages name what failed ("ticket key: ..."). */
        petls_config_set_error(c, "%s",
                               err[0] ? err : "ticket key: no key given");
        return -1;
    }
    return 0;
}

int petls_config_set_ticket_keys(struct petls_config *c, const uint8_t *keys,
                                 size_t len)
{
    char err[ERRLEN];

    if (c == NULL)
        return -1;
    err[0] = '\0';
    if (keys == NULL || petls_ticket_keys_set(c->ticket_keys, keys, len, err,
                                              sizeof(err)) != 0) {
        petls_config_set_error(c, "%s",
                               err[0] ? err : "ticket keys: none given");
        return -1;
    }
    return 0;
}

ssize_t petls_config_get_ticket_keys(struct petls_config *c, uint8_t *keys,
                                     size_t cap)
{
    ssize_t n;

    if (c == NULL)
        return -1;
    if (keys == NULL) {
        petls_config_set_error(c, "ticket keys: no buffer given");
        return -1;
    }
    n = petls_ticket_keys_get(c->ticket_keys, keys, cap, petls_session_now());
    if (n < 0)
        petls_config_set_error(c,
                               "ticket keys: buffer of %zu bytes is too "
                               "small",
                               cap);
    return n;
}

/* Reads and installs the key file; the buffer holds secrets. */
static int load_ticket_keys_file(struct petls_config *c, const char *path)
{
    char err[ERRLEN];
    uint8_t *buf;
    size_t len;
    int rc;

    err[0] = '\0';
    if (petls_port_read_file(path, &buf, &len, err, sizeof(err)) != 0) {
        petls_config_set_error(c, "ticket key file %s: %s", path, err);
        return -1;
    }
    err[0] = '\0';
    rc = petls_ticket_keys_load(c->ticket_keys, buf, len, err, sizeof(err));
    petls_free_secret(buf, len);
    if (rc != 0) {
        static const char prefix[] = "ticket key file: ";
        const char *why = err[0] ? err : "invalid contents";
        /* The parser says "ticket key file: ..."; put the path in. */
        if (strncmp(why, prefix, sizeof(prefix) - 1) == 0)
            why += sizeof(prefix) - 1;
        petls_config_set_error(c, "ticket key file %s: %s", path, why);
        return -1;
    }
    return 0;
}

int petls_config_set_ticket_keys_file(struct petls_config *c, const char *path)
{
    char *copy;

    if (c == NULL)
        return -1;
    if (path == NULL) {
        petls_config_set_error(c, "ticket key file: no file name given");
        return -1;
    }
    if (load_ticket_keys_file(c, path) != 0)
        return -1;
    copy = petls_strdup(path);
    if (copy == NULL) {
        petls_config_set_error(c, "out of memory");
        return -1;
    }
    petls_port_mutex_lock(c->mutex);
    petls_port_free(c->ticket_keys_file);
    c->ticket_keys_file = copy;
    petls_port_mutex_unlock(c->mutex);
    return 0;
}

int petls_config_reload_ticket_keys(struct petls_config *c)
{
    char path[1024];
    int have;

    if (c == NULL)
        return -1;
    petls_port_mutex_lock(c->mutex);
    have = c->ticket_keys_file != NULL &&
           strlen(c->ticket_keys_file) < sizeof(path);
    if (have)
        snprintf(path, sizeof(path), "%s", c->ticket_keys_file);
    petls_port_mutex_unlock(c->mutex);
    if (!have) {
        petls_config_set_error(c, "no ticket key file set");
        return -1;
    }
    /* A failed reload keeps the keys in use. */
    return load_ticket_keys_file(c, path);
}

int petls_config_set_ticket_rotation(struct petls_config *c, uint32_t rotate_s,
                                     uint32_t grace_s)
{
    if (c == NULL)
        return -1;
    if (rotate_s == 0) {
        petls_config_set_error(c, "ticket rotation period must be > 0");
        return -1;
    }
    petls_ticket_keys_set_rotation(c->ticket_keys, rotate_s, grace_s);
    c->rotation_set = 1;
    return 0;
}

/* ---- Hooks (the feature table, core/features.c) ---- */

/* Every config has a ring (a server may get keys at any time). */
static int tickets_config_init(struct petls_config *c)
{
    c->ticket_keys = petls_ticket_keys_new(PETLS_SESSION_LIFETIME_DEFAULT,
                                           PETLS_SESSION_LIFETIME_DEFAULT);
    return c->ticket_keys != NULL ? 0 : -1;
}

static void tickets_config_free(struct petls_config *c)
{
    petls_ticket_keys_free(c->ticket_keys);
    c->ticket_keys = NULL;
}

const struct petls_feature petls_feature_tickets = {
    .name = "tickets",
    .config_init = tickets_config_init,
    .config_free = tickets_config_free,
};
