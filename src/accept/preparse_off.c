/*
 * Without PETLS_WITH_SESSION_CACHE, PETLS_WITH_SNI and PETLS_WITH_ALPN
 * nothing needs the ClientHello before the backend (no store, no stateful
 * mode, no SNI or ALPN callback): server connections hand the transport to
 * the backend at once. petls_store_answer() fails. Replaces
 * session_preparse.c; client_hello.c is always built, because every server
 * connection's ClientHello is still judged (an extension sent twice).
 */
#include <stdio.h>

#include "client_hello.h"
#include "petls_features.h"
#include "petls_internal.h"

int petls_store_answer(struct petls *conn, const uint8_t *blob, size_t len)
{
    (void)blob;
    (void)len;
    if (conn == NULL)
        return -1;
    petls_set_error(conn, PETLS_FEATURE_OFF_MSG("session store",
                                                "PETLS_WITH_SESSION_CACHE"));
    return -1;
}

/* ---- Engine hooks: no pre-parse ever starts ---- */

int petls_preparse_begin(struct petls *ctx)
{
    (void)ctx;
    return 0;
}

/* io.c calls this only for a server connection whose backend connection
 * does not exist yet, which petls_preparse_begin() never leaves behind. */
int petls_preparse_run(struct petls *ctx, char *err, size_t errlen)
{
    if (ctx->conn == NULL && petls_conn_start(ctx) != 0) {
        snprintf(err, errlen, "%s", ctx->err.msg);
        return PB_ERR;
    }
    return 0;
}

size_t petls_preparse_replay(struct petls *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
}

int petls_preparse_answer(struct petls *ctx, int kind, const uint8_t *id,
                          size_t id_len, const uint8_t **blob, size_t *blob_len)
{
    (void)ctx;
    (void)kind;
    (void)id;
    (void)id_len;
    (void)blob;
    (void)blob_len;
    return -1;
}

void petls_session_server_params(struct petls *ctx, struct pb_conn_params *p)
{
    /* What mbedTLS does not check, as with the pre-parse. */
    p->hello_check = petls_sigalgs_hello_check;
    /* Stateful mode needs the pre-parse: without it TLS 1.2 tickets are
     * what the mode says. */
    p->no_tls12_tickets = !ctx->config->tickets;
}

void petls_preparse_done(struct petls *ctx)
{
    (void)ctx;
}

void petls_preparse_free(struct petls *ctx)
{
    (void)ctx;
}
