/* petls_error_code / petls_config_error_code: every kind of failure gives
 * its code beside its exact message; success paths and fresh objects give
 * PETLS_ERROR_NONE. (Compiled-out features: unit/features_off/.) */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "mempipe.h"
#include "petls.h"
#include "petls_internal.h"
#include "testcerts.h"
#include "tlspair.h"

#define ERR_IS(ctx, code, msg)                                                 \
    do {                                                                       \
        cr_assert_str_eq(petls_error(ctx), msg);                               \
        cr_assert_eq(petls_error_code(ctx), code, "code %d for '%s'",          \
                     petls_error_code(ctx), msg);                              \
    } while (0)

#define CONFIG_ERR_IS(cfg, code, msg)                                          \
    do {                                                                       \
        cr_assert_str_eq(petls_config_error(cfg), msg);                        \
        cr_assert_eq(petls_config_error_code(cfg), code, "code %d for '%s'",   \
                     petls_config_error_code(cfg), msg);                       \
    } while (0)

Test(error_code, none_and_null)
{
    struct petls_config *cfg = petls_config_new();
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_config_error_code(cfg), PETLS_ERROR_NONE);
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_NONE);
    cr_assert_eq(petls_config_error_code(NULL), PETLS_ERROR_INVALID_CONTEXT);
    cr_assert_eq(petls_error_code(NULL), PETLS_ERROR_INVALID_CONTEXT);
    petls_free(ctx);
    petls_config_free(cfg);
}

Test(error_code, config_invalid_argument_then_frozen)
{
    struct petls_config *cfg = petls_config_new();
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_config_set_ciphers(cfg, "FOO"), -1);
    CONFIG_ERR_IS(cfg, PETLS_ERROR_INVALID_ARGUMENT, "unknown cipher 'FOO'");
    cr_assert_eq(petls_config_set_verify_depth(cfg, -2), -1);
    CONFIG_ERR_IS(cfg, PETLS_ERROR_INVALID_ARGUMENT, "invalid verify depth -2");
    cr_assert_eq(petls_config_set_ca_file(cfg, cert_path("ca.pem")), 0);
    cr_assert_eq(petls_configure(ctx, cfg), 0, "%s", petls_error(ctx));
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_NONE);
    cr_assert_eq(petls_config_set_ciphers(cfg, "secure"), -1);
    CONFIG_ERR_IS(cfg, PETLS_ERROR_CONFIG_FROZEN,
                  "config is in use and can no longer be changed");
    petls_free(ctx);
    petls_config_free(cfg);
}

Test(error_code, invalid_context)
{
    struct petls *client = petls_client();
    struct petls *server = petls_server();
    struct petls *cctx = NULL;
    char buf[4];

    cr_assert_eq(petls_handshake(client), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_CONTEXT, "not connected");
    cr_assert_eq(petls_read(client, buf, sizeof(buf)), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_CONTEXT, "not connected");
    cr_assert_eq(petls_accept_socket(client, &cctx, 0), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_CONTEXT, "not a server context");
    cr_assert_eq(petls_connect_socket(server, 0, "localhost"), -1);
    ERR_IS(server, PETLS_ERROR_INVALID_CONTEXT, "not a client context");
    cr_assert_eq(petls_accept_socket(server, &cctx, 0), -1);
    ERR_IS(server, PETLS_ERROR_INVALID_CONTEXT, "server is not configured");
    /* A later success clears message and code together. */
    cr_assert_eq(petls_close(client), -1);
    cr_assert_eq(petls_configure(client, NULL), 0, "%s", petls_error(client));
    cr_assert_null(petls_error(client));
    cr_assert_eq(petls_error_code(client), PETLS_ERROR_NONE);
    petls_free(client);
    petls_free(server);
}

Test(error_code, invalid_argument_on_context)
{
    struct petls *client = petls_client();

    cr_assert_eq(petls_connect_cbs(client, NULL, NULL, NULL, "localhost"), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_ARGUMENT,
           "read and write callbacks are required");
    cr_assert_eq(petls_connect_socket(client, 0, "bad..name"), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_ARGUMENT,
           "invalid server name 'bad..name'");
    cr_assert_eq(petls_connect(client, NULL, "443"), -1);
    ERR_IS(client, PETLS_ERROR_INVALID_ARGUMENT, "no host given");
    petls_free(client);
}

Test(error_code, verify)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_keypair_file(p.scfg,
                                               cert_path("selfsigned.pem"),
                                               cert_path("selfsigned.key")),
                 0, "%s", petls_config_error(p.scfg));
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    ERR_IS(p.client, PETLS_ERROR_VERIFY,
           "certificate verification failed: DEPTH_ZERO_SELF_SIGNED_CERT: "
           "self-signed certificate");
    /* The failure sticks, code included. */
    cr_assert_eq(petls_handshake(p.client), -1);
    cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_VERIFY);
    /* The server saw the client's alert: a protocol failure. */
    cr_assert_eq(p.server_rc, -1);
    cr_assert_eq(petls_error_code(p.sconn), PETLS_ERROR_PROTOCOL, "%s",
                 petls_error(p.sconn));
    tlspair_free(&p);
}

Test(error_code, protocol_version_mismatch)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, PETLS_PROTOCOL_TLSv1_3), 0);
    cr_assert_eq(petls_config_set_protocols(p.scfg, PETLS_PROTOCOL_TLSv1_2), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), -1);
    cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_PROTOCOL, "%s",
                 petls_error(p.client));
    cr_assert_eq(petls_error_code(p.sconn), PETLS_ERROR_PROTOCOL, "%s",
                 petls_error(p.sconn));
    tlspair_free(&p);
}

static ssize_t failing_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)arg;
    return -1;
}

Test(error_code, io)
{
    struct tlspair p;
    struct mempipe pipe;
    struct petls *client = petls_client();

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(petls_handshake(p.client), PETLS_WANT_POLLIN);
    mempipe_close_write(&p.pipe.server);
    cr_assert_eq(petls_handshake(p.client), -1);
    ERR_IS(p.client, PETLS_ERROR_IO,
           "handshake failed: connection closed by peer");
    tlspair_free(&p);

    mempipe_init(&pipe);
    cr_assert_eq(petls_configure(client, NULL), 0);
    cr_assert_eq(petls_connect_cbs(client, failing_read, mempipe_write,
                                   &pipe.client, "localhost"),
                 0, "%s", petls_error(client));
    cr_assert_eq(petls_handshake(client), -1);
    ERR_IS(client, PETLS_ERROR_IO, "read callback failed");
    mempipe_free(&pipe);
    petls_free(client);
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

Test(error_code, timeout)
{
    struct tlspair p;
    uint64_t start;
    int rc = PETLS_WANT_POLLIN;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_handshake_timeout(p.ccfg, 50), 0);
    tlspair_start(&p, "localhost");
    /* Nobody answers; the deadline ends the handshake (bounded wait). */
    start = now_ms();
    while (rc == PETLS_WANT_POLLIN && now_ms() - start < 5000)
        rc = petls_handshake(p.client);
    cr_assert_eq(rc, -1);
    ERR_IS(p.client, PETLS_ERROR_TIMEOUT, "handshake timed out after 50 ms");
    tlspair_free(&p);
}

/* The kinds fixed by their wording hold wherever a message is set. */
Test(error_code, fixed_kinds_and_copy)
{
    struct petls_config *cfg = petls_config_new();
    struct petls_err a = {0}, b = {0};

    petls_config_set_error(cfg, "out of memory");
    CONFIG_ERR_IS(cfg, PETLS_ERROR_OUT_OF_MEMORY, "out of memory");
    petls_config_set_error_code(cfg, PETLS_ERROR_IO, "%s",
                                "ALPN support was compiled out "
                                "(PETLS_WITH_ALPN=OFF)");
    cr_assert_eq(petls_config_error_code(cfg), PETLS_ERROR_NOT_BUILT_IN);
    petls_config_set_error_code(cfg, PETLS_ERROR_IO, "read: %s", "reset");
    CONFIG_ERR_IS(cfg, PETLS_ERROR_IO, "read: reset");
    petls_config_free(cfg);

    petls_err_clear(&a);
    petls_err_set(&a, "out of memory (session)");
    petls_err_copy(&b, &a);
    cr_assert_eq(b.set, 1);
    cr_assert_eq(b.code, PETLS_ERROR_OUT_OF_MEMORY);
    cr_assert_str_eq(petls_err_text(&b), "out of memory (session)");
    petls_err_clear(&a);
    petls_err_copy(&b, &a);
    cr_assert_eq(b.set, 0);
    cr_assert_eq(b.code, PETLS_ERROR_NONE);
    petls_err_free(&a);
    petls_err_free(&b);
}
