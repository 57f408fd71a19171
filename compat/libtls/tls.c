/* compat/libtls: contexts, connect/accept, I/O and connection facts. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "petls_libtls.h"
#include "tls_compat.h"

/* petls's documented text for an end of stream without close_notify
 * (include/petls.h, petls_read). */
#define PETLS_TRUNCATED "connection truncated: EOF without close_notify"

static struct tls *ctx_new(int flags)
{
    struct tls *ctx;

    if (tls_init() != 0)
        return NULL;
    if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
        return NULL;
    ctx->flags = flags;
    if (flags == TLS_COMPAT_CLIENT)
        ctx->p = petls_client();
    else if (flags == TLS_COMPAT_SERVER)
        ctx->p = petls_server();
    if (flags != TLS_COMPAT_SERVER_CONN && ctx->p == NULL) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

TLS_EXPORT struct tls *tls_client(void)
{
    return ctx_new(TLS_COMPAT_CLIENT);
}

TLS_EXPORT struct tls *tls_server(void)
{
    return ctx_new(TLS_COMPAT_SERVER);
}

TLS_EXPORT struct petls *petls_libtls_conn(struct tls *ctx)
{
    return ctx != NULL ? ctx->p : NULL;
}

static void drop_cert_strings(struct tls *ctx)
{
    free(ctx->subject);
    free(ctx->issuer);
    free(ctx->common_name);
    ctx->subject = ctx->issuer = ctx->common_name = NULL;
}

static void ctx_clear(struct tls *ctx)
{
    tls_compat_err_clear(&ctx->err);
    drop_cert_strings(ctx);
    ctx->hs_done = 0;
    ctx->eof_no_close_notify = 0;
    ctx->ocsp_require = 0;
    ctx->verify_client_optional = 0;
    ctx->read_cb = NULL;
    ctx->write_cb = NULL;
    ctx->cb_arg = NULL;
}

TLS_EXPORT void tls_reset(struct tls *ctx)
{
    if (ctx == NULL)
        return;
    if (ctx->p != NULL)
        petls_reset(ctx->p);
    ctx_clear(ctx);
}

TLS_EXPORT void tls_free(struct tls *ctx)
{
    if (ctx == NULL)
        return;
    petls_free(ctx->p);
    ctx_clear(ctx);
    free(ctx);
}

TLS_EXPORT const char *tls_error(struct tls *ctx)
{
    return ctx != NULL ? ctx->err.msg : NULL;
}

TLS_EXPORT int tls_error_code(struct tls *ctx)
{
    return ctx != NULL ? ctx->err.code : TLS_ERROR_INVALID_ARGUMENT;
}

/* Copies petls's message for the call that just failed on p. */
static int fail_from(struct tls *ctx, struct petls *p, const char *fallback)
{
    const char *m = p != NULL ? petls_error(p) : NULL;

    tls_compat_err_set(&ctx->err, TLS_ERROR_UNKNOWN, "%s",
                       m != NULL ? m : fallback);
    return -1;
}

static int fail_code(struct tls *ctx, int code, const char *msg)
{
    tls_compat_err_set(&ctx->err, code, "%s", msg);
    return -1;
}

TLS_EXPORT int tls_configure(struct tls *ctx, struct tls_config *config)
{
    struct tls_config *def = NULL;
    int rc;

    if (ctx == NULL)
        return -1;
    if (ctx->p == NULL)
        return fail_code(ctx, TLS_ERROR_INVALID_CONTEXT,
                         "invalid operation for context");
    if (config == NULL && (config = def = tls_config_new()) == NULL)
        return fail_code(ctx, TLS_ERROR_OUT_OF_MEMORY, "out of memory");
    rc = tls_compat_config_attach(config, ctx->p, &ctx->err);
    if (rc == 0) {
        ctx->ocsp_require = config->ocsp_require;
        ctx->verify_client_optional = config->verify_client == 2;
    }
    tls_config_free(def);
    return rc;
}

/* ---- Callbacks ------------------------------------------------------------
 */

static ssize_t cb_read(struct petls *p, void *buf, size_t len, void *arg)
{
    struct tls *ctx = arg;

    (void)p;
    return ctx->read_cb(ctx, buf, len, ctx->cb_arg);
}

static ssize_t cb_write(struct petls *p, const void *buf, size_t len, void *arg)
{
    struct tls *ctx = arg;

    (void)p;
    return ctx->write_cb(ctx, buf, len, ctx->cb_arg);
}

/* ---- Client ---------------------------------------------------------------
 */

static int client_check(struct tls *ctx)
{
    if ((ctx->flags & TLS_COMPAT_CLIENT) == 0)
        return fail_code(ctx, TLS_ERROR_INVALID_CONTEXT,
                         "not a client context");
    return 0;
}

TLS_EXPORT int tls_connect_servername(struct tls *ctx, const char *host,
                                      const char *port, const char *servername)
{
    if (ctx == NULL || client_check(ctx) != 0)
        return -1;
    if (host == NULL)
        return fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT, "host not specified");
    if (petls_connect_servername(ctx->p, host, port, servername) != 0)
        return fail_from(ctx, ctx->p, "connect failed");
    return 0;
}

TLS_EXPORT int tls_connect(struct tls *ctx, const char *host, const char *port)
{
    return tls_connect_servername(ctx, host, port, NULL);
}

TLS_EXPORT int tls_connect_socket(struct tls *ctx, int s,
                                  const char *servername)
{
    if (ctx == NULL || client_check(ctx) != 0)
        return -1;
    if (petls_connect_socket(ctx->p, s, servername) != 0)
        return fail_from(ctx, ctx->p, "connect failed");
    return 0;
}

TLS_EXPORT int tls_connect_fds(struct tls *ctx, int fd_read, int fd_write,
                               const char *servername)
{
    if (ctx == NULL || client_check(ctx) != 0)
        return -1;
    if (fd_read < 0 || fd_write < 0)
        return fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT,
                         "invalid file descriptors");
    if (petls_connect_fds(ctx->p, fd_read, fd_write, servername) != 0)
        return fail_from(ctx, ctx->p, "connect failed");
    return 0;
}

TLS_EXPORT int tls_connect_cbs(struct tls *ctx, tls_read_cb read_cb,
                               tls_write_cb write_cb, void *cb_arg,
                               const char *servername)
{
    if (ctx == NULL || client_check(ctx) != 0)
        return -1;
    if (read_cb == NULL || write_cb == NULL)
        return fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT, "no callbacks");
    ctx->read_cb = read_cb;
    ctx->write_cb = write_cb;
    ctx->cb_arg = cb_arg;
    if (petls_connect_cbs(ctx->p, cb_read, cb_write, ctx, servername) != 0)
        return fail_from(ctx, ctx->p, "connect failed");
    return 0;
}

/* ---- Server ---------------------------------------------------------------
 */

enum accept_kind { ACCEPT_SOCKET, ACCEPT_FDS, ACCEPT_CBS };

static int accept_common(struct tls *ctx, struct tls **cctx,
                         enum accept_kind kind, int fd_read, int fd_write,
                         tls_read_cb read_cb, tls_write_cb write_cb,
                         void *cb_arg)
{
    struct tls *conn;
    int rc;

    if (cctx != NULL)
        *cctx = NULL;
    if (ctx == NULL)
        return -1;
    if ((ctx->flags & TLS_COMPAT_SERVER) == 0)
        return fail_code(ctx, TLS_ERROR_INVALID_CONTEXT,
                         "not a server context");
    if (cctx == NULL)
        return fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT,
                         "no place for the connection context");
    if (kind == ACCEPT_CBS && (read_cb == NULL || write_cb == NULL))
        return fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT, "no callbacks");
    if ((conn = ctx_new(TLS_COMPAT_SERVER_CONN)) == NULL)
        return fail_code(ctx, TLS_ERROR_OUT_OF_MEMORY, "out of memory");
    switch (kind) {
    case ACCEPT_SOCKET:
        rc = petls_accept_socket(ctx->p, &conn->p, fd_read);
        break;
    case ACCEPT_FDS:
        rc = petls_accept_fds(ctx->p, &conn->p, fd_read, fd_write);
        break;
    default:
        conn->read_cb = read_cb;
        conn->write_cb = write_cb;
        conn->cb_arg = cb_arg;
        rc = petls_accept_cbs(ctx->p, &conn->p, cb_read, cb_write, conn);
        break;
    }
    if (rc != 0) {
        fail_from(ctx, ctx->p, "accept failed");
        tls_free(conn);
        return -1;
    }
    conn->verify_client_optional = ctx->verify_client_optional;
    *cctx = conn;
    return 0;
}

TLS_EXPORT int tls_accept_socket(struct tls *ctx, struct tls **cctx, int socket)
{
    return accept_common(ctx, cctx, ACCEPT_SOCKET, socket, socket, NULL, NULL,
                         NULL);
}

TLS_EXPORT int tls_accept_fds(struct tls *ctx, struct tls **cctx, int fd_read,
                              int fd_write)
{
    return accept_common(ctx, cctx, ACCEPT_FDS, fd_read, fd_write, NULL, NULL,
                         NULL);
}

TLS_EXPORT int tls_accept_cbs(struct tls *ctx, struct tls **cctx,
                              tls_read_cb read_cb, tls_write_cb write_cb,
                              void *cb_arg)
{
    return accept_common(ctx, cctx, ACCEPT_CBS, -1, -1, read_cb, write_cb,
                         cb_arg);
}

/* ---- I/O: errno is cleared on every return (tls_read(3)) ------------------
 */

static int io_context(struct tls *ctx)
{
    if ((ctx->flags & (TLS_COMPAT_CLIENT | TLS_COMPAT_SERVER_CONN)) == 0 ||
        ctx->p == NULL)
        return fail_code(ctx, TLS_ERROR_INVALID_CONTEXT,
                         "invalid operation for context");
    return 0;
}

/* A handshake petls completed; libtls's optional client verification
 * still refuses a client certificate that was sent and does not verify. */
static int handshake_done(struct tls *ctx)
{
    const char *why;

    if (ctx->verify_client_optional && petls_peer_cert_provided(ctx->p) == 1 &&
        petls_conn_authorized(ctx->p) != 1) {
        why = petls_conn_authorization_error(ctx->p);
        tls_compat_err_set(&ctx->err, TLS_ERROR_UNKNOWN,
                           "client certificate verification failed: %s",
                           why != NULL ? why : "unknown");
        return -1;
    }
    ctx->hs_done = 1;
    return 0;
}

static int handshake(struct tls *ctx)
{
    int rc;

    if (io_context(ctx) != 0)
        return -1;
    if (ctx->hs_done)
        return fail_code(ctx, TLS_ERROR_UNKNOWN, "handshake already completed");
    if (ctx->ocsp_require)
        return fail_code(ctx, TLS_ERROR_UNKNOWN,
                         "OCSP stapling required but not available: "
                         "mbedTLS 3.6 cannot receive a stapled OCSP "
                         "response");
    rc = petls_handshake(ctx->p);
    if (rc == 0)
        return handshake_done(ctx);
    if (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT)
        return rc;
    return fail_from(ctx, ctx->p, "handshake failed");
}

TLS_EXPORT int tls_handshake(struct tls *ctx)
{
    int rc;

    if (ctx == NULL)
        return -1;
    tls_compat_err_clear(&ctx->err);
    rc = handshake(ctx);
    errno = 0;
    return rc;
}

TLS_EXPORT ssize_t tls_read(struct tls *ctx, void *buf, size_t buflen)
{
    ssize_t n;

    if (ctx == NULL)
        return -1;
    tls_compat_err_clear(&ctx->err);
    if (!ctx->hs_done && (n = handshake(ctx)) != 0)
        goto out;
    if (buflen > SSIZE_MAX) {
        n = fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT, "buflen too long");
        goto out;
    }
    if (ctx->eof_no_close_notify) {
        n = 0;
        goto out;
    }
    n = petls_read(ctx->p, buf, buflen);
    if (n == -1) {
        const char *m = petls_error(ctx->p);

        if (m != NULL && strcmp(m, PETLS_TRUNCATED) == 0) {
            /* libtls: end of stream without close_notify reads as 0;
             * tls_close() then reports it. */
            ctx->eof_no_close_notify = 1;
            n = 0;
        } else {
            n = fail_from(ctx, ctx->p, "read failed");
        }
    }
out:
    errno = 0;
    return n;
}

TLS_EXPORT ssize_t tls_write(struct tls *ctx, const void *buf, size_t buflen)
{
    ssize_t n;

    if (ctx == NULL)
        return -1;
    tls_compat_err_clear(&ctx->err);
    if (!ctx->hs_done && (n = handshake(ctx)) != 0)
        goto out;
    if (buflen > SSIZE_MAX) {
        n = fail_code(ctx, TLS_ERROR_INVALID_ARGUMENT, "buflen too long");
        goto out;
    }
    n = petls_write(ctx->p, buf, buflen);
    if (n == -1)
        n = fail_from(ctx, ctx->p, "write failed");
out:
    errno = 0;
    return n;
}

TLS_EXPORT int tls_close(struct tls *ctx)
{
    int rc;

    if (ctx == NULL)
        return -1;
    tls_compat_err_clear(&ctx->err);
    if (io_context(ctx) != 0) {
        rc = -1;
        goto out;
    }
    rc = petls_close(ctx->p);
    if (ctx->eof_no_close_notify) {
        if (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT)
            goto out;
        rc = fail_code(ctx, TLS_ERROR_UNKNOWN, "EOF without close notify");
    } else if (rc == -1) {
        rc = fail_from(ctx, ctx->p, "close failed");
    }
out:
    errno = 0;
    return rc;
}

/* ---- Connection facts (tls_conn_version(3)) -------------------------------
 */

TLS_EXPORT const char *tls_conn_version(struct tls *ctx)
{
    return ctx != NULL ? petls_conn_version(ctx->p) : NULL;
}

TLS_EXPORT const char *tls_conn_cipher(struct tls *ctx)
{
    return ctx != NULL ? petls_conn_cipher(ctx->p) : NULL;
}

TLS_EXPORT int tls_conn_cipher_strength(struct tls *ctx)
{
    return ctx != NULL && ctx->hs_done ? petls_conn_cipher_strength(ctx->p) : 0;
}

TLS_EXPORT const char *tls_conn_alpn_selected(struct tls *ctx)
{
    return ctx != NULL ? petls_conn_alpn_selected(ctx->p) : NULL;
}

TLS_EXPORT const char *tls_conn_servername(struct tls *ctx)
{
    return ctx != NULL && ctx->hs_done ? petls_conn_servername(ctx->p) : NULL;
}

TLS_EXPORT int tls_conn_session_resumed(struct tls *ctx)
{
    return ctx != NULL && ctx->hs_done ? petls_conn_session_resumed(ctx->p) : 0;
}

static int have_peer_cert(struct tls *ctx)
{
    return ctx != NULL && ctx->hs_done && petls_peer_cert_provided(ctx->p);
}

TLS_EXPORT int tls_peer_cert_provided(struct tls *ctx)
{
    return have_peer_cert(ctx) ? 1 : 0;
}

TLS_EXPORT int tls_peer_cert_contains_name(struct tls *ctx, const char *name)
{
    if (!have_peer_cert(ctx) || name == NULL)
        return 0;
    return petls_peer_cert_contains_name(ctx->p, name) == 1 ? 1 : 0;
}

TLS_EXPORT const char *tls_peer_cert_hash(struct tls *ctx)
{
    return have_peer_cert(ctx) ? petls_peer_cert_hash(ctx->p) : NULL;
}

TLS_EXPORT const char *tls_peer_cert_subject(struct tls *ctx)
{
    if (!have_peer_cert(ctx))
        return NULL;
    if (ctx->subject == NULL)
        ctx->subject = tls_compat_dn_oneline(petls_peer_cert_subject(ctx->p));
    return ctx->subject;
}

TLS_EXPORT const char *tls_peer_cert_issuer(struct tls *ctx)
{
    if (!have_peer_cert(ctx))
        return NULL;
    if (ctx->issuer == NULL)
        ctx->issuer = tls_compat_dn_oneline(petls_peer_cert_issuer(ctx->p));
    return ctx->issuer;
}

TLS_EXPORT const char *tls_peer_cert_common_name(struct tls *ctx)
{
    if (!have_peer_cert(ctx))
        return NULL;
    if (ctx->common_name == NULL)
        ctx->common_name = tls_compat_dn_cn(petls_peer_cert_subject(ctx->p));
    return ctx->common_name;
}

TLS_EXPORT time_t tls_peer_cert_notbefore(struct tls *ctx)
{
    return have_peer_cert(ctx) ? petls_peer_cert_notbefore(ctx->p) : -1;
}

TLS_EXPORT time_t tls_peer_cert_notafter(struct tls *ctx)
{
    return have_peer_cert(ctx) ? petls_peer_cert_notafter(ctx->p) : -1;
}

TLS_EXPORT const uint8_t *tls_peer_cert_chain_pem(struct tls *ctx, size_t *len)
{
    if (len != NULL)
        *len = 0;
    if (!have_peer_cert(ctx) || len == NULL)
        return NULL;
    return petls_peer_cert_chain_pem(ctx->p, len);
}

/* ---- OCSP (tls_ocsp_process_response(3)): no OCSP in mbedTLS 3.6 ----------
 */

TLS_EXPORT int tls_ocsp_process_response(struct tls *ctx,
                                         const unsigned char *response,
                                         size_t size)
{
    (void)response;
    (void)size;
    if (ctx == NULL)
        return -1;
    return fail_code(ctx, TLS_ERROR_UNKNOWN,
                     "OCSP responses cannot be processed: mbedTLS 3.6 has "
                     "no OCSP support");
}

/* Without a validated response every one of these has its documented
 * error value. */
TLS_EXPORT const char *tls_peer_ocsp_url(struct tls *ctx)
{
    (void)ctx;
    return NULL;
}

TLS_EXPORT int tls_peer_ocsp_response_status(struct tls *ctx)
{
    (void)ctx;
    return -1;
}

TLS_EXPORT int tls_peer_ocsp_cert_status(struct tls *ctx)
{
    (void)ctx;
    return -1;
}

TLS_EXPORT int tls_peer_ocsp_crl_reason(struct tls *ctx)
{
    (void)ctx;
    return -1;
}

TLS_EXPORT const char *tls_peer_ocsp_result(struct tls *ctx)
{
    (void)ctx;
    return NULL;
}

TLS_EXPORT time_t tls_peer_ocsp_revocation_time(struct tls *ctx)
{
    (void)ctx;
    return -1;
}

TLS_EXPORT time_t tls_peer_ocsp_this_update(struct tls *ctx)
{
    (void)ctx;
    return -1;
}

TLS_EXPORT time_t tls_peer_ocsp_next_update(struct tls *ctx)
{
    (void)ctx;
    return -1;
}
