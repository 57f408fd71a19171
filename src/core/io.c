/*
 * Driving a connection: the transport hooks the backend calls, the
 * handshake with its timeout, records, and close_notify.
 */
#include <limits.h>
#include <string.h>

#include "feature.h"
#include "identity.h"
#include "petls_internal.h"
#include "verify_result.h"

#define ERRLEN 256

/* ---- Transport hooks ---- */

/* What is left of the handshake deadline, for blocking descriptors.
 * 0 means "no limit". */
static uint32_t remaining_ms(const struct petls *ctx)
{
    uint32_t limit = ctx->config->handshake_timeout_ms;
    uint64_t elapsed;

    if (ctx->hs_done || !ctx->hs_started || limit == 0)
        return 0;
    elapsed = petls_port_monotonic_ms() - ctx->hs_start_ms;
    if (elapsed >= limit)
        return 1; /* expired: let the port time out at once */
    return limit - (uint32_t)elapsed;
}

static int map_port_result(struct petls *ctx, ssize_t n, const char *err)
{
    if (n >= 0)
        return (int)n;
    switch (n) {
    case PETLS_PORT_WANT_READ:
        return PB_WANT_READ;
    case PETLS_PORT_WANT_WRITE:
        return PB_WANT_WRITE;
    case PETLS_PORT_TIMEOUT:
        return PB_ERR_TIMEOUT;
    default:
        petls_err_set(&ctx->io_err, "%s", err[0] ? err : "I/O error");
        return PB_ERR;
    }
}

static int map_cb_result(struct petls *ctx, ssize_t n, const char *what)
{
    if (n > 0)
        return n > INT_MAX ? INT_MAX : (int)n;
    if (n == PETLS_WANT_POLLIN)
        return PB_WANT_READ;
    if (n == PETLS_WANT_POLLOUT)
        return PB_WANT_WRITE;
    petls_err_set(&ctx->io_err, "%s callback failed", what);
    return PB_ERR;
}

int petls_io_send(void *io, const unsigned char *buf, size_t len)
{
    struct petls *ctx = io;
    char err[ERRLEN];
    ssize_t n;

    if (len > INT_MAX)
        len = INT_MAX;
    if (ctx->io_kind == PETLS_IO_CBS) {
        n = ctx->write_cb(ctx, buf, len, ctx->cb_arg);
        if (n == 0 && len > 0) {
            petls_err_set(&ctx->io_err, "write callback wrote nothing");
            return PB_ERR;
        }
        return map_cb_result(ctx, n, "write");
    }
    err[0] = '\0';
    n = petls_port_fd_write(ctx->fd_write, buf, len, remaining_ms(ctx), err,
                            sizeof(err));
    return map_port_result(ctx, n, err);
}

int petls_io_recv(void *io, unsigned char *buf, size_t len)
{
    struct petls *ctx = io;
    char err[ERRLEN];
    ssize_t n;

    if (len > INT_MAX)
        len = INT_MAX;
    /* The ClientHello read ahead goes to the backend first. */
    if (ctx->pre != NULL && len > 0) {
        size_t r = petls_features_read_ahead(ctx, buf, len);
        if (r > 0)
            return (int)r;
    }
    if (ctx->io_kind == PETLS_IO_CBS) {
        n = ctx->read_cb(ctx, buf, len, ctx->cb_arg);
        if (n == 0)
            return 0; /* end of stream */
        return petls_keyinfo_seen(ctx, buf, map_cb_result(ctx, n, "read"));
    }
    err[0] = '\0';
    n = petls_port_fd_read(ctx->fd_read, buf, len, remaining_ms(ctx), err,
                           sizeof(err));
    return petls_keyinfo_seen(ctx, buf, map_port_result(ctx, n, err));
}

/* ---- Handshake ---- */

static int check_conn(struct petls *ctx)
{
    if (ctx->conn != NULL || ctx->pre != NULL)
        return 0;
    if (ctx->flags & PETLS_CTX_SERVER)
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "a server context has no connection: use the "
                             "context from petls_accept_*");
    else
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT, "not connected");
    return -1;
}

static int fail(struct petls *ctx, const char *backend_err, const char *what)
{
    ctx->fatal = 1;
    if (ctx->io_err.set)
        petls_set_error_code(ctx, PETLS_ERROR_IO, "%s", ctx->io_err.msg);
    else if (backend_err[0] != '\0')
        petls_set_error_code(ctx, PETLS_ERROR_PROTOCOL, "%s", backend_err);
    else
        petls_set_error_code(ctx, PETLS_ERROR_PROTOCOL, "%s failed", what);
    return -1;
}

static int fail_timeout(struct petls *ctx)
{
    ctx->fatal = 1;
    petls_set_error_code(ctx, PETLS_ERROR_TIMEOUT,
                         "handshake timed out after %u ms",
                         (unsigned)ctx->config->handshake_timeout_ms);
    return -1;
}

static int timed_out(const struct petls *ctx)
{
    uint32_t limit = ctx->config->handshake_timeout_ms;

    return limit != 0 &&
           petls_port_monotonic_ms() - ctx->hs_start_ms >= (uint64_t)limit;
}

int petls_handshake(struct petls *ctx)
{
    char err[ERRLEN];
    int rc;

    if (ctx == NULL)
        return -1;
    if (ctx->fatal)
        return -1; /* keep the error that ended the connection */
    petls_err_clear(&ctx->err);
    if (check_conn(ctx) != 0)
        return -1;
    if (ctx->hs_done)
        return 0;
    if (!ctx->hs_started) {
        ctx->hs_started = 1;
        ctx->hs_start_ms = petls_port_monotonic_ms();
    }
    /* Non-blocking callers come back on every poll wake-up, so the
     * deadline is checked here as well as inside blocking I/O. */
    if (timed_out(ctx))
        return fail_timeout(ctx);

    petls_err_clear(&ctx->io_err);
    err[0] = '\0';
    /* A server connection that reads the ClientHello first (external
     * store, stateful mode) makes its backend connection once that is
     * done and the store has answered. */
    rc = ctx->conn == NULL ? petls_features_pre_handshake(ctx, err, sizeof(err))
                           : 0;
    if (rc == PETLS_WANT_STORE || rc == PETLS_WANT_SNI)
        return rc;
    if (rc == 0)
        rc = pb_conn_handshake(ctx->conn, err, sizeof(err));
    switch (rc) {
    case PB_OK:
        ctx->hs_done = 1;
        petls_features_handshake_done(ctx);
        petls_conn_compute_auth(ctx);
        if (petls_identity_fails_handshake(ctx))
            return -1;
        return 0;
    case PB_WANT_READ:
        return PETLS_WANT_POLLIN;
    case PB_WANT_WRITE:
        return PETLS_WANT_POLLOUT;
    case PB_ERR_TIMEOUT:
        return fail_timeout(ctx);
    case PB_ERR_VERIFY:
        petls_conn_compute_auth(ctx);
        ctx->fatal = 1;
        if (ctx->auth_code != NULL && petls_config_ca_hint(ctx->config) != NULL)
            petls_set_error(ctx,
                            "certificate verification failed: %s: %s (no CA "
                            "certificates: %s; set SSL_CERT_FILE or "
                            "SSL_CERT_DIR, or give the CA with "
                            "petls_config_set_ca_file())",
                            ctx->auth_code, ctx->auth_msg,
                            petls_config_ca_hint(ctx->config));
        else if (ctx->auth_code != NULL)
            petls_set_error(ctx, "certificate verification failed: %s: %s",
                            ctx->auth_code, ctx->auth_msg);
        else
            petls_set_error(ctx, "certificate verification failed: %s",
                            err[0] ? err : "unknown reason");
        return -1;
    case PB_EOF:
        ctx->fatal = 1;
        if (ctx->io_err.set)
            petls_set_error_code(ctx, PETLS_ERROR_IO, "%s", ctx->io_err.msg);
        else
            petls_set_error_code(ctx, PETLS_ERROR_IO,
                                 "handshake failed: connection closed by "
                                 "peer");
        return -1;
    default: {
        /* No shared signature algorithm: said as such, not as the
         * backend's "no shared cipher suite". */
        char why[PETLS_ERRBUF_SIZE];

        if (petls_sigalgs_explain(ctx, why, sizeof(why)))
            return fail(ctx, why, "handshake");
        return fail(ctx, err, "handshake");
    }
    }
}

/* ---- Records ---- */

/* Runs the handshake first if needed; 1 when it is done. */
static int ensure_handshake(struct petls *ctx, int *rc)
{
    if (ctx->hs_done)
        return 1;
    *rc = petls_handshake(ctx);
    return *rc == 0;
}

/* The checks petls_read and petls_write share: a live connection, a buffer,
 * and a finished handshake (driven here when needed). Returns 1 when the
 * caller may go on; otherwise 0 with *rc the value to return. */
static int io_ready(struct petls *ctx, int have_buf, const char *no_buf_msg,
                    int *rc)
{
    *rc = -1;
    if (ctx == NULL || ctx->fatal)
        return 0;
    petls_err_clear(&ctx->err);
    if (check_conn(ctx) != 0)
        return 0;
    if (!have_buf) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT, "%s",
                             no_buf_msg);
        return 0;
    }
    return ensure_handshake(ctx, rc);
}

ssize_t petls_read(struct petls *ctx, void *buf, size_t buflen)
{
    char err[ERRLEN];
    ssize_t n;
    int rc;

    if (!io_ready(ctx, buf != NULL || buflen == 0, "no buffer to read into",
                  &rc))
        return rc;
    if (ctx->eof_seen)
        return 0;
    petls_err_clear(&ctx->io_err);
    err[0] = '\0';
    n = pb_conn_read(ctx->conn, buf, buflen, err, sizeof(err));
    if (n > 0)
        return n;
    switch (n) {
    case 0:
        ctx->eof_seen = 1; /* close_notify */
        return 0;
    case PB_WANT_READ:
        return PETLS_WANT_POLLIN;
    case PB_WANT_WRITE:
        return PETLS_WANT_POLLOUT;
    case PB_EOF:
        ctx->fatal = 1;
        ctx->eof_seen = 1;
        petls_set_error_code(ctx, PETLS_ERROR_IO,
                             "connection truncated: EOF without "
                             "close_notify");
        return -1;
    default:
        return fail(ctx, err, "read");
    }
}

ssize_t petls_write(struct petls *ctx, const void *buf, size_t buflen)
{
    char err[ERRLEN];
    ssize_t n;
    int rc;

    if (!io_ready(ctx, buf != NULL || buflen == 0, "no buffer to write from",
                  &rc))
        return rc;
    if (ctx->close_sent) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "connection is closed");
        return -1;
    }
    petls_err_clear(&ctx->io_err);
    err[0] = '\0';
    n = pb_conn_write(ctx->conn, buf, buflen, err, sizeof(err));
    if (n >= 0)
        return n;
    switch (n) {
    case PB_WANT_READ:
        return PETLS_WANT_POLLIN;
    case PB_WANT_WRITE:
        return PETLS_WANT_POLLOUT;
    case PB_EOF:
        ctx->fatal = 1;
        petls_set_error_code(ctx, PETLS_ERROR_IO,
                             "connection truncated: EOF without "
                             "close_notify");
        return -1;
    default:
        return fail(ctx, err, "write");
    }
}

int petls_close(struct petls *ctx)
{
    char err[ERRLEN];
    int rc = 0;

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (ctx->closed)
        return 0;
    if (ctx->conn == NULL && ctx->io_kind == PETLS_IO_NONE) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT, "not connected");
        return -1;
    }
    if (ctx->conn != NULL && ctx->hs_done && !ctx->fatal && !ctx->close_sent) {
        petls_err_clear(&ctx->io_err);
        err[0] = '\0';
        rc = pb_conn_close_notify(ctx->conn, err, sizeof(err));
        if (rc == PB_WANT_READ)
            return PETLS_WANT_POLLIN;
        if (rc == PB_WANT_WRITE)
            return PETLS_WANT_POLLOUT;
        ctx->close_sent = 1;
        if (rc != 0) {
            /* A peer that already left cannot hear our close_notify; that
             * is not a failure of ours (libtls ignores EPIPE likewise). */
            if (ctx->eof_seen)
                rc = 0;
            else
                fail(ctx, err, "close");
        }
    }
    if (ctx->own_fds) {
        petls_port_fd_close(ctx->fd_read);
        if (ctx->fd_write != ctx->fd_read)
            petls_port_fd_close(ctx->fd_write);
        ctx->own_fds = 0;
        ctx->fd_read = -1;
        ctx->fd_write = -1;
    }
    ctx->closed = 1;
    return rc == 0 ? 0 : -1;
}
