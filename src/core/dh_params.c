/*
 * Node's `dhparam` and libtls's tls_config_set_dheparams(): the finite-field
 * DHE group of a server's TLS 1.2 DHE suites. "auto" (the default) is the
 * RFC 7919 ffdhe2048 group, "none" leaves the DHE suites out, a PEM file
 * or buffer of PKCS#3 "DH PARAMETERS" sets a group of the user's; the
 * backend parses and keeps it (pb_config_set_dhe).
 */
#include <string.h>

#include "list_token.h"
#include "petls_internal.h"

/* Smaller primes are refused, with no override: 1024-bit groups are
 * within reach of precomputation (Logjam), and RFC 7919 and NIST SP
 * 800-57 start at 2048. */
#define PETLS_DH_MIN_BITS 2048

static int set_dhe(struct petls_config *c, int mode, const uint8_t *params,
                   size_t len, const char *path)
{
    char err[256];

    err[0] = '\0';
    if (pb_config_set_dhe(c->pb, mode, params, len, PETLS_DH_MIN_BITS, NULL,
                          err, sizeof(err)) != 0) {
        if (path != NULL)
            petls_config_set_error_code(c, PETLS_ERROR_INVALID_ARGUMENT,
                                        "dhparam %s: %s", path,
                                        err[0] ? err : "invalid");
        else
            petls_config_set_error_code(c, PETLS_ERROR_INVALID_ARGUMENT,
                                        "dhparam: %s",
                                        err[0] ? err : "invalid");
        return -1;
    }
    return 0;
}

int petls_config_set_dheparams(struct petls_config *c, const char *params)
{
    char err[256];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;

    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (params == NULL || petls_token_eq(params, strlen(params), "auto"))
        return set_dhe(c, PB_DHE_AUTO, NULL, 0, NULL);
    if (petls_token_eq(params, strlen(params), "none"))
        return set_dhe(c, PB_DHE_NONE, NULL, 0, NULL);
    err[0] = '\0';
    if (petls_port_read_file(params, &buf, &len, err, sizeof(err)) != 0) {
        petls_config_set_error_code(c, PETLS_ERROR_INVALID_ARGUMENT,
                                    "dhparam %s: %s", params,
                                    err[0] ? err : "cannot read the file");
        return -1;
    }
    rc = set_dhe(c, PB_DHE_CUSTOM, buf, len, params);
    petls_port_free(buf);
    return rc;
}

int petls_config_set_dheparams_mem(struct petls_config *c, const uint8_t *pem,
                                   size_t len)
{
    if (c == NULL || petls_config_frozen(c))
        return -1;
    if (pem == NULL || len == 0) {
        petls_config_set_error_code(c, PETLS_ERROR_INVALID_ARGUMENT,
                                    "dhparam: no DH parameters given");
        return -1;
    }
    return set_dhe(c, PB_DHE_CUSTOM, pem, len, NULL);
}
