/*
 * --peer-cert: the peer's certificate as Node's getPeerCertificate(true)
 * prints it, one JSON line with Node's key names (docs/cli.md).
 */
#ifndef PETLS_CLI_CERT_JSON_H
#define PETLS_CLI_CERT_JSON_H

#include <stdio.h>

#include <petls.h>

/* {"event":"peer_certificate","subject":{...},...,"issuerCertificate":{...}}
 * after the handshake; {"event":"peer_certificate"} when the peer sent no
 * certificate (Node's {}). Returns 0, or -1 when out of memory or the line
 * could not be written. */
int cert_json_print(FILE *out, struct petls *ctx);

#endif
