/* Paths of the generated test certificates (tests/certs/gen-certs.sh),
 * found through the PETLS_TEST_CERTS environment variable. */
#ifndef PETLS_TEST_CERTS_H
#define PETLS_TEST_CERTS_H

#include <stddef.h>

/* "$PETLS_TEST_CERTS/name". The result lives in one of a few rotating
 * static buffers: good for the arguments of one call. Fails the current
 * test when PETLS_TEST_CERTS is not set. */
const char *cert_path(const char *name);

/* Reads a whole file from the cert directory into malloc'd memory; *len
 * gets its size. Fails the test when it cannot. */
unsigned char *cert_read(const char *name, size_t *len);

/* The DER of the first certificate in a PEM file of the cert directory
 * (malloc'd). */
unsigned char *cert_first_der(const char *name, size_t *len);

#endif
