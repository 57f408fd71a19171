/* Node's `sigalgs` option and getSharedSigalgs(): what a server connection
 * keeps of the client's signature_algorithms, and the ClientHello hook
 * that records it. */
#ifndef PETLS_SHARED_SIGALGS_H
#define PETLS_SHARED_SIGALGS_H

#include <stddef.h>
#include <stdint.h>

/* The client's entries a server connection keeps (OpenSSL sends 28, Node
 * and curl fewer); later ones are not looked at. */
#define PETLS_MAX_PEER_SIGALGS 48

struct petls;

struct petls_sigalgs_conn {
    int seen;         /* the last ClientHello had signature_algorithms */
    uint16_t version; /* the version it will get: 0x0304 when it offers
                       * TLS 1.3 and the config allows it, else 0x0303 */
    size_t n_offer;
    uint16_t offer[PETLS_MAX_PEER_SIGALGS];
};

/* pb_conn_params.hello_check of every server connection (owner: the
 * struct petls): records the client's signature algorithms, then gives
 * the ClientHello stage's judgement (petls_client_hello_judge). */
int petls_sigalgs_hello_check(void *owner, const uint8_t *hello, size_t len,
                              char *why, size_t whylen);

/* A server handshake that failed with handshake_failure while no
 * signature algorithm is shared (in TLS 1.3: none but rsa_pkcs1_*, which
 * TLS 1.3 does not sign handshakes with): writes the message saying so
 * ("handshake: no shared signature algorithm (...)") into msg and returns
 * 1; else 0. */
int petls_sigalgs_explain(struct petls *ctx, char *msg, size_t msglen);

#endif
