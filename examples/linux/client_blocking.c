/*
 * A blocking TLS client: connects, verifies the server's chain (against
 * CAFILE) and name, sends one line, prints what comes back until the
 * server closes or a line arrived, closes with close_notify.
 *
 *   client_blocking HOST PORT CAFILE [LINE]
 *
 * petls_connect() opens the socket itself (a blocking one): every call
 * below returns only when done, no PETLS_WANT_* to handle.
 */
#include <petls.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, const char *msg)
{
    fprintf(stderr, "client_blocking: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv)
{
    struct petls_config *cfg;
    struct petls *tls;
    const char *line = argc > 4 ? argv[4] : "hello from client_blocking";
    char buf[4096];
    ssize_t n;
    int rc = 1;

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: client_blocking HOST PORT CAFILE [LINE]\n");
        return 2;
    }
    if (petls_init() != 0)
        return fail("init", "cannot initialise petls");
    cfg = petls_config_new();
    tls = petls_client();
    if (cfg == NULL || tls == NULL) {
        petls_config_free(cfg);
        petls_free(tls);
        return fail("setup", "out of memory");
    }
    if (petls_config_set_ca_file(cfg, argv[3]) != 0) {
        rc = fail("ca", petls_config_error(cfg));
        goto out;
    }
    if (petls_configure(tls, cfg) != 0 ||
        petls_connect(tls, argv[1], argv[2]) != 0 ||
        petls_handshake(tls) != 0) {
        rc = fail("connect", petls_error(tls));
        goto out;
    }
    printf("connected: %s %s, server %s\n", petls_conn_version(tls),
           petls_conn_cipher(tls), petls_peer_cert_subject(tls));
    snprintf(buf, sizeof(buf), "%s\n", line);
    if (petls_write(tls, buf, strlen(buf)) < 0) {
        rc = fail("write", petls_error(tls));
        goto out;
    }
    while ((n = petls_read(tls, buf, sizeof(buf))) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        if (memchr(buf, '\n', (size_t)n) != NULL)
            break;
    }
    if (n < 0) {
        rc = fail("read", petls_error(tls));
        goto out;
    }
    (void)petls_close(tls);
    rc = 0;
out:
    petls_free(tls);
    petls_config_free(cfg);
    return rc;
}
