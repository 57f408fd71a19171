/* Library-wide calls: initialisation, version, key file loading. */
#include <errno.h>
#include <string.h>

#include "petls_internal.h"
#include "util.h"

#ifndef EINVAL
#define EINVAL ERANGE /* a hosted C library without POSIX errno values */
#endif

#define PETLS_STR2(x) #x
#define PETLS_STR(x) PETLS_STR2(x)

#ifndef PETLS_MBEDTLS_VERSION
#define PETLS_MBEDTLS_VERSION "unknown"
#endif

int petls_init(void)
{
    char err[256];

    /* pb_init is idempotent and thread-safe; the engine keeps no state. */
    return pb_init(err, sizeof(err)) == 0 ? 0 : -1;
}

#define PETLS_VERSION_TEXT                                                     \
    PETLS_STR(PETLS_VERSION_MAJOR)                                             \
    "." PETLS_STR(PETLS_VERSION_MINOR) "." PETLS_STR(PETLS_VERSION_PATCH)

const char *petls_version_string(void)
{
    /* A literal: no shared buffer to race on. */
    return "petls " PETLS_VERSION_TEXT " (mbed TLS " PETLS_MBEDTLS_VERSION ")";
}

uint8_t *petls_load_file(const char *file, size_t *len, char *password)
{
    char err[256];
    uint8_t *buf, *pem;
    size_t n, pem_len;

    if (file == NULL || len == NULL) {
        errno = EINVAL;
        return NULL;
    }
    errno = 0;
    if (petls_port_read_file(file, &buf, &n, err, sizeof(err)) != 0) {
        if (errno == 0)
            errno = EINVAL;
        return NULL;
    }
    if (password == NULL) {
        *len = n;
        return buf;
    }
    if (petls_init() != 0 ||
        pb_key_decrypt_to_pem(buf, n, password, &pem, &pem_len, err,
                              sizeof(err)) != 0) {
        petls_free_secret(buf, n);
        errno = EINVAL;
        return NULL;
    }
    petls_free_secret(buf, n);
    *len = pem_len;
    return pem;
}

void petls_unload_file(uint8_t *buf, size_t len)
{
    petls_free_secret(buf, len);
}
