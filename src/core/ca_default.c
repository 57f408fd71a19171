/*
 * The default trust store: a config that verifies peers and was given no
 * CA (petls_config_set_ca_file/_path/_mem) loads the system's, once, when
 * it is frozen; all connections of the config then share it read-only
 * inside the backend config. Where the store is comes from the port
 * (petls_port_default_ca_file/_dir: SSL_CERT_FILE, SSL_CERT_DIR, the
 * platform bundle); the bare-metal port has none.
 */
#include <stdio.h>
#include <string.h>

#include "petls_internal.h"

#define ERRLEN 256

const char *petls_default_ca_cert_file(void)
{
    return petls_port_default_ca_file();
}

static int load_file(struct petls_config *c, const char *path)
{
    char err[ERRLEN];
    uint8_t *buf;
    size_t len;
    int rc;

    err[0] = '\0';
    if (petls_port_read_file(path, &buf, &len, err, sizeof(err)) != 0) {
        snprintf(c->ca_note, sizeof(c->ca_note), "%s %.100s: %.80s",
                 petls_port_default_ca_origin(0), path, err);
        return -1;
    }
    rc = pb_config_add_ca(c->pb, buf, len, err, sizeof(err));
    petls_port_free(buf);
    if (rc != 0) {
        snprintf(c->ca_note, sizeof(c->ca_note), "%s %.100s: %.80s",
                 petls_port_default_ca_origin(0), path, err);
        return -1;
    }
    return 0;
}

/* SSL_CERT_DIR is a ':'-separated list, as OpenSSL reads it. */
static int load_dirs(struct petls_config *c, const char *dirs)
{
    char dir[512], err[ERRLEN];
    int total = 0;

    while (*dirs != '\0') {
        size_t n = strcspn(dirs, ":");
        int got;

        if (n > 0 && n < sizeof(dir)) {
            memcpy(dir, dirs, n);
            dir[n] = '\0';
            got = petls_config_add_ca_dir(c, dir, 1, err, sizeof(err));
            if (got > 0)
                total += got;
            else if (c->ca_note[0] == '\0')
                snprintf(c->ca_note, sizeof(c->ca_note), "%s %.100s: %.80s",
                         petls_port_default_ca_origin(1), dir,
                         got < 0 ? err : "no certificates found");
        }
        dirs += n;
        if (*dirs == ':')
            dirs++;
    }
    return total;
}

void petls_config_want_default_ca(struct petls_config *c)
{
    petls_port_mutex_lock(c->mutex);
    c->default_ca_wanted = 1;
    petls_port_mutex_unlock(c->mutex);
}

void petls_config_load_default_ca(struct petls_config *c)
{
    const char *file, *dirs;
    int loaded = 0;

    if (c->ca_source != PETLS_CA_NONE || !c->verify_cert ||
        (!c->default_ca_wanted && c->verify_client == PETLS_VERIFY_CLIENT_NONE))
        return;
    c->ca_note[0] = '\0';
    file = petls_port_default_ca_file();
    dirs = petls_port_default_ca_dir();
    if (file != NULL && load_file(c, file) == 0)
        loaded = 1;
    if (dirs != NULL && load_dirs(c, dirs) > 0)
        loaded = 1;
    if (loaded) {
        c->ca_source = PETLS_CA_DEFAULT;
        c->ca_note[0] = '\0';
    } else if (c->ca_note[0] == '\0') {
        snprintf(c->ca_note, sizeof(c->ca_note), "no system trust store found");
    }
}

const char *petls_config_ca_hint(const struct petls_config *c)
{
    if (c == NULL || c->ca_source != PETLS_CA_NONE)
        return NULL;
    return c->ca_note[0] != '\0' ? c->ca_note : "none configured";
}
