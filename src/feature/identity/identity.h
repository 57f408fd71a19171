/* Node's checkServerIdentity (identity.c): the client's callback, run by
 * the engine once the handshake is done. */
#ifndef PETLS_IDENTITY_H
#define PETLS_IDENTITY_H

struct petls;

/* 1 when the config's callback replaces the host-name check: the backend
 * then gets no name to check (pb_conn_params.verify_name NULL). */
int petls_identity_replaces_name_check(const struct petls *ctx);

/* From petls_conn_compute_auth on a client whose chain verified: runs the
 * callback (if any) on the leaf. A refusal sets ctx->auth_code and
 * ctx->auth_msg and ctx->identity_refused. */
void petls_identity_run(struct petls *ctx);

/* After a handshake: 1 when the callback refused and verification is on,
 * so the handshake fails; ctx->err is then set. */
int petls_identity_fails_handshake(struct petls *ctx);

#endif
