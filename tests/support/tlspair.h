/* A client and a server over an in-memory pipe, driven alternately in one
 * thread: the fixture of the in-memory handshake tests. */
#ifndef PETLS_TEST_TLSPAIR_H
#define PETLS_TEST_TLSPAIR_H

#include <stddef.h>
#include <sys/types.h>

#include "mempipe.h"
#include "petls.h"

struct tlspair {
    struct mempipe pipe;
    struct petls_config *scfg; /* fill before tlspair_start */
    struct petls_config *ccfg;
    struct petls *server; /* the listening context */
    struct petls *sconn;  /* the accepted connection */
    struct petls *client;
    int client_rc; /* last petls_handshake results */
    int server_rc;
};

/* Fresh configs: the server gets server-ecdsa.pem/.key, the client trusts
 * ca.pem. Tests change them before tlspair_start. */
void tlspair_init(struct tlspair *p);
/* A pair with empty configs (nothing loaded). */
void tlspair_init_bare(struct tlspair *p);
/* Configures both sides and connects over the pipe; asserts success. */
void tlspair_start(struct tlspair *p, const char *servername);
/* Drives both handshakes until both finished, one failed and the other
 * cannot progress, or a round limit. Returns 0 when both completed. */
int tlspair_handshake(struct tlspair *p);
/* Writes len bytes on from and reads them on to, driving both. Returns the
 * number of bytes received (asserts the data is intact). */
size_t tlspair_transfer(struct petls *from, struct petls *to, const void *data,
                        size_t len);
void tlspair_free(struct tlspair *p);

/* One more connection over a fresh pipe between an already configured
 * server context and a new client context: the resumption tests keep the
 * configs (and their caches and keys) across connections. */
struct tlsconn {
    struct mempipe pipe;
    struct petls *sconn;
    struct petls *client;
    int client_rc;
    int server_rc;
    /* Called each turn the server's handshake returns PETLS_WANT_STORE
     * (the test answers with petls_store_answer when it likes); NULL fails
     * the test on PETLS_WANT_STORE. */
    void (*on_want_store)(struct tlsconn *c, void *arg);
    void *want_store_arg;
    int want_store_seen; /* turns that returned PETLS_WANT_STORE */
};

/* Accepts on server and connects a client with ccfg; offers session (NULL:
 * none) with petls_set_session, asserting it is accepted. */
void tlsconn_start(struct tlsconn *c, struct petls *server,
                   struct petls_config *ccfg, const uint8_t *session,
                   size_t session_len, const char *servername);
/* Drives both handshakes (as tlspair_handshake); 0 when both completed. */
int tlsconn_handshake(struct tlsconn *c);
/* Server writes a line, client reads it: the client then also processes
 * what the server sent after the handshake (TLS 1.3 tickets). */
void tlsconn_pingpong(struct tlsconn *c);
void tlsconn_free(struct tlsconn *c);

#endif
