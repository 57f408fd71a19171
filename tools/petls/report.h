/*
 * What the tool prints about a connection: the facts of a finished
 * handshake, as a JSON line (the same keys for server and client), as the
 * server's one-line log, or in openssl s_client's form; and handshake
 * failures. These formats are a contract with the test and benchmark rigs.
 */
#ifndef PETLS_CLI_REPORT_H
#define PETLS_CLI_REPORT_H

#include <stdio.h>
#include <time.h>

#include <petls.h>

struct conn_facts {
    const char *version;
    const char *cipher;
    int resumed;
    int psk_ke;             /* server: resumed in TLS 1.3 psk_ke (no (EC)DHE) */
    const char *servername; /* NULL: none */
    const char *alpn;       /* NULL: none negotiated */
    int renegotiations;     /* TLS 1.2 renegotiations so far */
    int authorized;
    const char *authorization_error;   /* Node code, NULL when authorized */
    const char *authorization_message; /* its text */
    const char *peer_subject;          /* NULL: no peer certificate */
    const char *peer_issuer;           /* NULL: no peer certificate */
    time_t peer_notafter;              /* -1: no peer certificate */
    const char *psk_identity;          /* NULL: no external PSK used */
    int worker; /* petls server --workers: the worker's index; -1: none */
    /* Client: the server's ephemeral key (conn_facts_ephemeral): 1 known,
     * 0 not ephemeral, -1 not asked (server) */
    int ephemeral;
    const char *ephemeral_type; /* "ECDH" or "DH" */
    const char *ephemeral_name; /* "X25519", ...; NULL for DH */
    int ephemeral_size;         /* bits */
    /* Server: Node's getSharedSigalgs() (petls_conn_shared_sigalgs): how
     * many (-1: not known) and the names, colon-joined. */
    int n_shared_sigalgs;
    const char *shared_sigalgs[16];
};

/* Reads the facts of ctx after its handshake (worker -1). Strings are owned
 * by ctx. */
void conn_facts_get(struct petls *ctx, struct conn_facts *f);
/* Client: adds the server's ephemeral key (petls_conn_ephemeral_key). */
void conn_facts_ephemeral(struct petls *ctx, struct conn_facts *f);

/* {"event":"handshake","peer":...,"version":...,...} */
void report_handshake_json(FILE *out, const char *peer,
                           const struct conn_facts *f);
/* {"event":"handshake_failed","error":...,"peer":...} */
void report_failure_json(FILE *out, const char *peer, const char *error);

/* ACCEPT <peer> <version> <cipher> servername=<name|-> authorized=<yes|no>
 * resumed=<yes|no> [shared_sigalgs=<A:B:...|->] [worker=<N>]
 * [authorizationError=<CODE>]
 * [psk_identity=<identity>] [peer_subject=<subject>] */
void report_server_line(FILE *out, const char *peer,
                        const struct conn_facts *f);
/* ERROR <peer> <error> */
void report_server_error(FILE *out, const char *peer, const char *error);

/* openssl s_client style:
 *   New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256   ("Reused, ..." when
 *   resumed)
 *   Verification: OK | Verification error: CODE: message
 *   Server name: localhost | Server name: (none)
 *   ALPN protocol: h2 | ALPN protocol: (none)
 *   Peer subject: CN=localhost | Peer subject: (none)
 *   Peer issuer: CN=Test CA      (only with a peer certificate)
 *   Peer expires: 2027-01-31 12:00:00 UTC   (idem)
 *   Server Temp Key: ECDH, X25519, 253 bits | DH, 2048 bits | none
 *   (the last with conn_facts_ephemeral() only) */
void report_client_lines(FILE *out, const struct conn_facts *f);

#endif
