/* tls_client(3): tls_client, tls_server, tls_configure, tls_reset,
 * tls_free. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lt_support.h"

/* "tls_client() creates a new TLS context for client connections.
 * tls_server() creates a new TLS context for server connections."
 * "tls_free() frees a TLS context after use" (NULL allowed). */
Test(tls_client, new_contexts)
{
    struct tls *c = tls_client(), *s = tls_server();

    cr_assert_not_null(c);
    cr_assert_not_null(s);
    tls_free(c);
    tls_free(s);
    tls_free(NULL);
}

/* "tls_configure() configures a TLS context for use by applying the
 * configuration ... If config is NULL, the default configuration is used."
 * Returns 0 on success. */
Test(tls_client, configure_null_is_default_config)
{
    struct tls *c = tls_client();

    cr_assert_eq(tls_configure(c, NULL), 0, "%s", tls_error(c));
    tls_free(c);
}

/* A server configured without a keypair cannot serve: tls_configure() -1. */
Test(tls_client, server_without_keypair_fails_to_configure)
{
    struct tls *s = tls_server();
    struct tls_config *cfg = tls_config_new();

    cr_assert_eq(tls_configure(s, cfg), -1);
    cr_assert_not_null(tls_error(s));
    tls_free(s);
    tls_config_free(cfg);
}

/* "tls_reset() resets ctx, allowing for it to be reused": the same client
 * context connects twice. */
Test(tls_client, reset_allows_reuse)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;
    struct tls *again;
    int fds[2];
    struct tls *sctx = tls_server(), *sconn = NULL;
    int cr = 1, sr = 1, i;

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    again = p.client;
    tls_reset(again);
    cr_assert_eq(tls_configure(again, c), 0, "%s", tls_error(again));
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    cr_assert_eq(tls_configure(sctx, s), 0);
    cr_assert_eq(tls_accept_socket(sctx, &sconn, fds[1]), 0);
    cr_assert_eq(tls_connect_socket(again, fds[0], "localhost"), 0, "%s",
                 tls_error(again));
    for (i = 0; i < 10000 && (cr != 0 || sr != 0); i++) {
        if (cr != 0)
            cr = tls_handshake(again);
        if (sr != 0)
            sr = tls_handshake(sconn);
        cr_assert(cr != -1 && sr != -1, "%s / %s", tls_error(again),
                  tls_error(sconn));
    }
    cr_assert_eq(cr, 0);
    cr_assert_str_eq(tls_conn_servername(sconn), "localhost");
    tls_free(sconn);
    tls_free(sctx);
    close(fds[0]);
    close(fds[1]);
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* libtls configs are reference counted and stay mutable: a context
 * configured before a change keeps what it was configured with, and the
 * config may be freed while contexts still use it. */
Test(tls_client, config_change_after_configure_leaves_context_alone)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    /* Now make the client config trust nothing useful and free both. */
    cr_assert_eq(tls_config_set_ca_file(c, lt_cert("other-ca.pem")), 0);
    tls_config_free(c);
    tls_config_free(s);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0,
                 "the context kept its CA: %s", tls_error(p.client));
    lt_pair_close(&p);
}

Test(tls_client, config_change_reaches_new_contexts)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;
    int cr, sr;

    cr_assert_eq(tls_config_set_ca_file(c, lt_cert("other-ca.pem")), 0);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, &cr, &sr), -1);
    cr_assert_eq(cr, -1);
    cr_assert_not_null(tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}
