/*
 * petls_libtls.h: from a libtls context to petls's own API.
 *
 * libtls.so.26 carries the petls engine and exports its petls_* calls, so a
 * libtls program can use what libtls lacks (Node-style verification
 * results, cipher IANA names, the exporter...) on a connection:
 *
 *     #include <tls.h>
 *     #include <petls.h>
 *     #include <petls_libtls.h>
 *     ...
 *     const char *why = petls_conn_authorization_error(petls_libtls_conn(ctx));
 *
 * Configuration stays libtls's (struct tls_config): the petls config behind
 * a context is a frozen snapshot.
 */
#ifndef PETLS_LIBTLS_H
#define PETLS_LIBTLS_H

#ifdef __cplusplus
extern "C" {
#endif

struct tls;
struct petls;

/* The petls connection behind ctx (owned by ctx; NULL for NULL). */
struct petls *petls_libtls_conn(struct tls *ctx);

#ifdef __cplusplus
}
#endif

#endif /* PETLS_LIBTLS_H */
