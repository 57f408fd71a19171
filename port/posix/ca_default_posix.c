/*
 * The default trust store on POSIX systems: where the system's CA bundle
 * is. OpenSSL's environment variables come first (SSL_CERT_FILE,
 * SSL_CERT_DIR), then a bundle fixed at build time
 * (-DPETLS_DEFAULT_CA_FILE=...), then the usual places of the platforms'
 * bundles. The engine loads what these name (src/core/ca_default.c).
 */
#define _POSIX_C_SOURCE 200809L

#include "petls_port.h"

#include <stdlib.h>
#include <unistd.h>

#ifndef PETLS_DEFAULT_CA_FILE
#define PETLS_DEFAULT_CA_FILE ""
#endif

/* The platforms' bundles (PEM, every trusted root in one file). */
static const char *const ca_bundles[] = {
    /* Debian, Ubuntu, Arch, Alpine, Gentoo */
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt", /* Fedora, RHEL, CentOS */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7+ */
    "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
    "/etc/ssl/cert.pem",                      /* Alpine, macOS, OpenBSD */
    "/usr/local/etc/ssl/cert.pem",            /* FreeBSD (ca_root_nss) */
    "/usr/local/share/certs/ca-root-nss.crt", /* FreeBSD, DragonFly */
    "/etc/openssl/certs/ca-certificates.crt", /* NetBSD */
    "/usr/local/etc/openssl/cert.pem",        /* macOS Homebrew */
};

const char *petls_port_default_ca_file(void)
{
    const char *env = getenv("SSL_CERT_FILE");
    const char *dir = getenv("SSL_CERT_DIR");
    size_t i;

    if (env != NULL && env[0] != '\0')
        return env;
    if (dir != NULL && dir[0] != '\0')
        return NULL; /* the directory alone, as the user said */
    if (PETLS_DEFAULT_CA_FILE[0] != '\0')
        return PETLS_DEFAULT_CA_FILE;
    for (i = 0; i < sizeof(ca_bundles) / sizeof(ca_bundles[0]); i++) {
        if (access(ca_bundles[i], R_OK) == 0)
            return ca_bundles[i];
    }
    return NULL;
}

const char *petls_port_default_ca_dir(void)
{
    const char *env = getenv("SSL_CERT_DIR");

    return env != NULL && env[0] != '\0' ? env : NULL;
}

const char *petls_port_default_ca_origin(int dir)
{
    const char *env = getenv(dir ? "SSL_CERT_DIR" : "SSL_CERT_FILE");

    if (env != NULL && env[0] != '\0')
        return dir ? "SSL_CERT_DIR" : "SSL_CERT_FILE";
    if (PETLS_DEFAULT_CA_FILE[0] != '\0')
        return "the build's PETLS_DEFAULT_CA_FILE";
    return "the system CA bundle";
}
