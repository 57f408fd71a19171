/*
 * Node's tlsSocket.getEphemeralKeyInfo(): a client's view of the server's
 * ephemeral key, from the ServerHello / ServerKeyExchange watch
 * (hello_watch.c) fed with the bytes the transport hands the backend.
 */
#include "hello_watch.h"
#include "petls_internal.h"

int petls_keyinfo_seen(struct petls *ctx, const unsigned char *buf, int rc)
{
    if (rc > 0 && !ctx->hs_done && !(ctx->flags & PETLS_CTX_SERVER_CONN))
        petls_hello_watch_feed(&ctx->hello, buf, (size_t)rc);
    return rc;
}

int petls_conn_ephemeral_key(struct petls *ctx, const char **type,
                             const char **name, int *size)
{
    const char *t, *nm;
    int sz, rc;

    if (ctx == NULL)
        return -1;
    if (ctx->flags & PETLS_CTX_SERVER_CONN) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "the ephemeral key is known on a client "
                             "connection only");
        return -1;
    }
    if (ctx->conn == NULL || !ctx->hs_done) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "handshake not complete");
        return -1;
    }
    rc = petls_hello_watch_result(&ctx->hello, &t, &nm, &sz);
    if (type != NULL)
        *type = t;
    if (name != NULL)
        *name = nm;
    if (size != NULL)
        *size = sz;
    return rc;
}
