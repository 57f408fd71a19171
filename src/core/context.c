/*
 * Contexts: creation, configuration, and every way of starting a connection
 * (accept and connect over sockets, descriptors or callbacks).
 */
#include <stdio.h>
#include <string.h>

#include "hostname.h"
#include "identity.h"
#include "petls_internal.h"
#include "feature.h"
#include "util.h"

#define ERRLEN 256

static struct petls *ctx_new(int flags)
{
    struct petls *ctx = petls_port_calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->flags = flags;
    ctx->fd_read = -1;
    ctx->fd_write = -1;
    return ctx;
}

struct petls *petls_client(void)
{
    if (petls_init() != 0)
        return NULL;
    return ctx_new(PETLS_CTX_CLIENT);
}

struct petls *petls_server(void)
{
    if (petls_init() != 0)
        return NULL;
    return ctx_new(PETLS_CTX_SERVER);
}

static void close_own_fds(struct petls *ctx)
{
    if (!ctx->own_fds)
        return;
    petls_port_fd_close(ctx->fd_read);
    if (ctx->fd_write != ctx->fd_read)
        petls_port_fd_close(ctx->fd_write);
    ctx->own_fds = 0;
    ctx->fd_read = -1;
    ctx->fd_write = -1;
}

void petls_conn_state_free(struct petls *ctx)
{
    if (ctx->conn != NULL)
        pb_conn_free(ctx->conn);
    ctx->conn = NULL;
    petls_features_conn_free(ctx);
    petls_session_client_free(ctx);
    close_own_fds(ctx);
    petls_port_free(ctx->servername);
    petls_port_free(ctx->verify_name);
    ctx->servername = NULL;
    ctx->verify_name = NULL;
    ctx->io_kind = PETLS_IO_NONE;
    ctx->fd_read = -1;
    ctx->fd_write = -1;
    ctx->read_cb = NULL;
    ctx->write_cb = NULL;
    ctx->cb_arg = NULL;
    petls_err_clear(&ctx->io_err);
    ctx->hs_started = 0;
    ctx->hs_done = 0;
    ctx->hs_start_ms = 0;
    ctx->fatal = 0;
    ctx->eof_seen = 0;
    ctx->close_sent = 0;
    ctx->closed = 0;
    ctx->verified = 0;
    memset(&ctx->facts, 0, sizeof(ctx->facts));
    ctx->auth_code = NULL;
    ctx->auth_msg[0] = '\0';
    ctx->identity_refused = 0;
    ctx->identity_has_code = 0;
    ctx->identity_code[0] = '\0';
    ctx->cert_state = 0;
    memset(&ctx->cert, 0, sizeof(ctx->cert));
    petls_hello_watch_init(&ctx->hello);
    memset(&ctx->sigalgs, 0, sizeof(ctx->sigalgs));
}

static void release_config(struct petls *ctx)
{
    petls_config_free(ctx->config);
    ctx->config = NULL;
}

int petls_configure(struct petls *ctx, struct petls_config *config)
{
    struct petls_config *fresh = NULL;
    char err[ERRLEN];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (ctx->flags & PETLS_CTX_SERVER_CONN) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "cannot configure an accepted connection");
        return -1;
    }
    if (config == NULL) {
        /* As libtls: no config means the secure defaults. */
        fresh = petls_config_new();
        if (fresh == NULL) {
            petls_set_error(ctx, "cannot create a default config");
            return -1;
        }
        config = fresh;
    }
    if ((ctx->flags & PETLS_CTX_SERVER) && config->n_keypairs == 0 &&
        config->pending_cert == NULL && config->pending_key == NULL &&
        petls_features_serve(config) == 0) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "server config has no certificate and key");
        petls_config_free(fresh);
        return -1;
    }
    if (!(ctx->flags & PETLS_CTX_SERVER))
        petls_config_want_default_ca(config);
    err[0] = '\0';
    if (petls_config_acquire(config, err, sizeof(err)) != 0) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT, "%s", err);
        petls_config_set_error(config, "%s", err);
        petls_config_free(fresh);
        return -1;
    }
    petls_config_free(fresh); /* the context's reference keeps it */
    if ((ctx->flags & PETLS_CTX_SERVER) &&
        petls_features_server_prepare(config, err, sizeof(err)) != 0) {
        petls_set_error(ctx, "%s", err);
        petls_config_free(config);
        return -1;
    }
    release_config(ctx);
    ctx->config = config;
    return 0;
}

void petls_reset(struct petls *ctx)
{
    if (ctx == NULL)
        return;
    petls_conn_state_free(ctx);
    petls_session_offer_free(ctx);
    release_config(ctx);
    petls_err_clear(&ctx->err);
    /* An accepted connection becomes a plain server context, as libtls. */
    if (ctx->flags & PETLS_CTX_SERVER_CONN)
        ctx->flags = PETLS_CTX_SERVER;
}

void petls_free(struct petls *ctx)
{
    if (ctx == NULL)
        return;
    petls_conn_state_free(ctx);
    petls_session_offer_free(ctx);
    release_config(ctx);
    petls_explicit_bzero(ctx, sizeof(*ctx));
    petls_port_free(ctx);
}

int petls_conn_start(struct petls *ctx)
{
    struct petls_conn_scratch scratch;
    struct pb_conn_params p;
    char err[ERRLEN];

    memset(&p, 0, sizeof(p));
    p.is_server = (ctx->flags & PETLS_CTX_SERVER_CONN) != 0;
    p.sni = ctx->servername;
    /* A checkServerIdentity callback replaces the backend's name check:
     * the engine runs it after the handshake (feature/identity). */
    p.verify_name =
        petls_identity_replaces_name_check(ctx) ? NULL : ctx->verify_name;
    p.send = petls_io_send;
    p.recv = petls_io_recv;
    p.io = ctx;
    p.owner = ctx;
    if (p.is_server) {
        /* What mbedTLS does not check, on every server connection. */
        p.hello_check = petls_sigalgs_hello_check;
        /* Stateful mode without the ClientHello stage: TLS 1.3 is off, so
         * TLS 1.2 resumes by session ID (the stage's conn_params knows
         * better when it ran). */
        p.no_tls12_tickets = !ctx->config->tickets;
        /* The SNI and PSK callbacks of the features compiled in. */
        p.vhost = &petls_vhost_hooks;
    } else {
        petls_session_client_offer(ctx, &p);
    }
    petls_nego_conn_params(ctx, &p);
    if (petls_features_conn_params(ctx, &p, &scratch) != 0) {
        petls_explicit_bzero(&scratch, sizeof(scratch));
        return -1;
    }
    err[0] = '\0';
    ctx->conn = pb_conn_new(ctx->config->pb, &p, err, sizeof(err));
    petls_explicit_bzero(&scratch, sizeof(scratch));
    if (ctx->conn == NULL) {
        petls_set_error(ctx, "%s", err[0] ? err : "cannot create connection");
        return -1;
    }
    return 0;
}

/* ---- Server ---- */

static int accept_common(struct petls *ctx, struct petls **cctx,
                         struct petls **out)
{
    struct petls *conn;
    char err[ERRLEN];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (cctx == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "no place for the connection context");
        return -1;
    }
    *cctx = NULL;
    if (!(ctx->flags & PETLS_CTX_SERVER)) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "not a server context");
        return -1;
    }
    if (ctx->config == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "server is not configured");
        return -1;
    }
    conn = ctx_new(PETLS_CTX_SERVER_CONN);
    if (conn == NULL) {
        petls_set_error(ctx, "out of memory");
        return -1;
    }
    /* Already frozen: this only takes a reference. */
    if (petls_config_acquire(ctx->config, err, sizeof(err)) != 0) {
        petls_set_error(ctx, "%s", err);
        petls_free(conn);
        return -1;
    }
    conn->config = ctx->config;
    *out = conn;
    return 0;
}

static int accept_finish(struct petls *ctx, struct petls **cctx,
                         struct petls *conn)
{
    int pre = petls_features_accept(conn);

    /* A connection that reads the ClientHello first makes its backend
     * connection in petls_handshake(). */
    if (pre < 0 || (pre == 0 && petls_conn_start(conn) != 0)) {
        petls_err_copy(&ctx->err, &conn->err);
        petls_free(conn);
        return -1;
    }
    *cctx = conn;
    return 0;
}

int petls_accept_fds(struct petls *ctx, struct petls **cctx, int fd_read,
                     int fd_write)
{
    struct petls *conn;

    if (accept_common(ctx, cctx, &conn) != 0)
        return -1;
    if (fd_read < 0 || fd_write < 0) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "invalid file descriptors");
        petls_free(conn);
        return -1;
    }
    conn->io_kind = PETLS_IO_FDS;
    conn->fd_read = fd_read;
    conn->fd_write = fd_write;
    return accept_finish(ctx, cctx, conn);
}

int petls_accept_socket(struct petls *ctx, struct petls **cctx, int socket)
{
    return petls_accept_fds(ctx, cctx, socket, socket);
}

int petls_accept_cbs(struct petls *ctx, struct petls **cctx,
                     petls_read_cb read_cb, petls_write_cb write_cb,
                     void *cb_arg)
{
    struct petls *conn;

    if (accept_common(ctx, cctx, &conn) != 0)
        return -1;
    if (read_cb == NULL || write_cb == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "read and write callbacks are required");
        petls_free(conn);
        return -1;
    }
    conn->io_kind = PETLS_IO_CBS;
    conn->read_cb = read_cb;
    conn->write_cb = write_cb;
    conn->cb_arg = cb_arg;
    return accept_finish(ctx, cctx, conn);
}

/* ---- Client ---- */

/* Checks the context and works out the SNI and the name to verify. */
static int client_prepare(struct petls *ctx, const char *servername)
{
    char *name;
    size_t len;
    uint8_t ip[16];
    size_t iplen;

    petls_err_clear(&ctx->err);
    if (!(ctx->flags & PETLS_CTX_CLIENT)) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "not a client context");
        return -1;
    }
    if (ctx->conn != NULL || ctx->io_kind != PETLS_IO_NONE) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "already connected (call petls_reset first)");
        return -1;
    }
    if (ctx->config == NULL && petls_configure(ctx, NULL) != 0)
        return -1;
    if (servername == NULL || servername[0] == '\0') {
        /* A PSK-only build sees no certificate: nothing to verify a
         * name against. */
        if (ctx->config->verify_name && pb_supports_certificates()) {
            petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                                 "no server name to verify the certificate "
                                 "against (give a servername, or call "
                                 "petls_config_insecure_noverifyname)");
            return -1;
        }
        return 0;
    }
    len = strlen(servername);
    if (servername[0] == '[' && len >= 2 && servername[len - 1] == ']') {
        servername++;
        len -= 2;
    }
    name = petls_port_calloc(1, len + 1);
    if (name == NULL) {
        petls_set_error(ctx, "out of memory");
        return -1;
    }
    memcpy(name, servername, len);
    if (petls_hostname_parse_ip(name, ip, &iplen)) {
        /* RFC 6066: IP literals are never sent as SNI. */
        if (ctx->config->verify_name || ctx->config->identity_cb != NULL)
            ctx->verify_name = name;
        else
            petls_port_free(name);
        return 0;
    }
    /* "example.com." is the same host; SNI carries no trailing dot. */
    if (len > 1 && name[len - 1] == '.')
        name[len - 1] = '\0';
    if (!petls_hostname_valid(name)) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "invalid server name '%s'", servername);
        petls_port_free(name);
        return -1;
    }
    ctx->servername = name;
    if (ctx->config->verify_name || ctx->config->identity_cb != NULL) {
        ctx->verify_name = petls_strdup(name);
        if (ctx->verify_name == NULL) {
            petls_set_error(ctx, "out of memory");
            petls_conn_state_free(ctx);
            return -1;
        }
    }
    return 0;
}

static int client_start(struct petls *ctx)
{
    if (petls_conn_start(ctx) != 0) {
        petls_conn_state_free(ctx);
        return -1;
    }
    return 0;
}

int petls_connect_cbs(struct petls *ctx, petls_read_cb read_cb,
                      petls_write_cb write_cb, void *cb_arg,
                      const char *servername)
{
    if (ctx == NULL)
        return -1;
    if (client_prepare(ctx, servername) != 0)
        return -1;
    if (read_cb == NULL || write_cb == NULL) {
        petls_conn_state_free(ctx);
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "read and write callbacks are required");
        return -1;
    }
    ctx->io_kind = PETLS_IO_CBS;
    ctx->read_cb = read_cb;
    ctx->write_cb = write_cb;
    ctx->cb_arg = cb_arg;
    return client_start(ctx);
}

int petls_connect_fds(struct petls *ctx, int fd_read, int fd_write,
                      const char *servername)
{
    if (ctx == NULL)
        return -1;
    if (client_prepare(ctx, servername) != 0)
        return -1;
    if (fd_read < 0 || fd_write < 0) {
        petls_conn_state_free(ctx);
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "invalid file descriptors");
        return -1;
    }
    ctx->io_kind = PETLS_IO_FDS;
    ctx->fd_read = fd_read;
    ctx->fd_write = fd_write;
    return client_start(ctx);
}

int petls_connect_socket(struct petls *ctx, int s, const char *servername)
{
    return petls_connect_fds(ctx, s, s, servername);
}

int petls_connect(struct petls *ctx, const char *host, const char *port)
{
    return petls_connect_servername(ctx, host, port, NULL);
}

/* Splits "host:port" / "[v6]:port" (libtls's tls_host_port). */
static int split_host_port(const char *hostport, char *host, size_t hostlen,
                           char *port, size_t portlen)
{
    const char *colon, *h = hostport;
    size_t hl;

    if (hostport[0] == '[') {
        const char *close = strchr(hostport, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        h = hostport + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(hostport, ':');
        if (colon == NULL || strchr(hostport, ':') != colon)
            return -1; /* none, or a bare IPv6 literal */
        hl = (size_t)(colon - hostport);
    }
    if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 ||
        strlen(colon + 1) >= portlen)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, portlen, "%s", colon + 1);
    return 0;
}

int petls_connect_servername(struct petls *ctx, const char *host,
                             const char *port, const char *servername)
{
    char hbuf[256], pbuf[64], err[ERRLEN];
    int fd;

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (host == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "no host given");
        return -1;
    }
    if (port == NULL) {
        if (split_host_port(host, hbuf, sizeof(hbuf), pbuf, sizeof(pbuf)) !=
            0) {
            petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                                 "no port given and '%s' is not host:port",
                                 host);
            return -1;
        }
        host = hbuf;
        port = pbuf;
    } else if (host[0] == '[') {
        size_t hl = strlen(host);
        if (hl < 3 || host[hl - 1] != ']' || hl - 2 >= sizeof(hbuf)) {
            petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                                 "invalid host '%s'", host);
            return -1;
        }
        memcpy(hbuf, host + 1, hl - 2);
        hbuf[hl - 2] = '\0';
        host = hbuf;
    }
    if (servername == NULL)
        servername = host;
    /* Names first: no point opening a socket for a bad name. */
    if (client_prepare(ctx, servername) != 0)
        return -1;
    err[0] = '\0';
    fd = petls_port_tcp_connect(host, port, err, sizeof(err));
    if (fd < 0) {
        petls_conn_state_free(ctx);
        petls_set_error_code(ctx, PETLS_ERROR_IO, "%s",
                             err[0] ? err : "connect failed");
        return -1;
    }
    ctx->io_kind = PETLS_IO_FDS;
    ctx->fd_read = fd;
    ctx->fd_write = fd;
    ctx->own_fds = 1;
    /* The client session cache keys sessions by host and port too. */
    ctx->peer_host = petls_strdup(host);
    ctx->peer_port = petls_strdup(port);
    if (ctx->peer_host == NULL || ctx->peer_port == NULL) {
        petls_conn_state_free(ctx);
        petls_set_error(ctx, "out of memory");
        return -1;
    }
    return client_start(ctx);
}
