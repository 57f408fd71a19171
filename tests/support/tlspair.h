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

#endif
