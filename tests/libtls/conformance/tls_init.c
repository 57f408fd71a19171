/* tls_init(3): tls_init, tls_config_new, tls_config_free, tls_config_error,
 * tls_config_error_code, tls_error, tls_error_code. */
#include <criterion/criterion.h>
#include <string.h>

#include "lt_support.h"

/* "tls_init() ... may be called more than once": returns 0 each time. */
Test(tls_init, may_be_called_more_than_once)
{
    cr_assert_eq(tls_init(), 0);
    cr_assert_eq(tls_init(), 0);
}

/* "tls_config_new() allocates a new default configuration object";
 * tls_config_free(NULL) is allowed (as free(3)). */
Test(tls_init, config_new_and_free)
{
    struct tls_config *c = tls_config_new();

    cr_assert_not_null(c);
    cr_assert_null(tls_config_error(c), "a new config has no error");
    tls_config_free(c);
    tls_config_free(NULL);
}

/* "tls_config_error() may be used to retrieve a string containing more
 * information about the most recent error relating to a configuration";
 * tls_config_error_code() the code of that error. */
Test(tls_init, config_error_after_a_failed_setter)
{
    struct tls_config *c = tls_config_new();

    cr_assert_eq(tls_config_set_ca_file(c, "/nonexistent/ca.pem"), -1);
    cr_assert_not_null(tls_config_error(c));
    cr_assert(strstr(tls_config_error(c), "/nonexistent/ca.pem") != NULL,
              "message names the file: %s", tls_config_error(c));
    cr_assert_eq(tls_config_error_code(c), TLS_ERROR_UNKNOWN,
                 "libtls reports a file it cannot open as unknown");
    tls_config_free(c);
}

Test(tls_init, config_error_code_invalid_argument)
{
    struct tls_config *c = tls_config_new();
    unsigned char sid[TLS_MAX_SESSION_ID_LENGTH + 1] = {0};

    cr_assert_eq(tls_config_set_session_id(c, sid, sizeof(sid)), -1);
    cr_assert_eq(tls_config_error_code(c), TLS_ERROR_INVALID_ARGUMENT);
    tls_config_free(c);
}

/* "tls_error() may be used to retrieve a string containing more information
 * about the most recent error relating to a context"; NULL when the last
 * call succeeded. */
Test(tls_init, context_error_and_code)
{
    struct tls *server = tls_server();
    struct tls *cctx = NULL;

    cr_assert_not_null(server);
    /* A client call on a server context. */
    cr_assert_eq(tls_connect(server, "127.0.0.1", "1"), -1);
    cr_assert_not_null(tls_error(server));
    cr_assert_eq(tls_error_code(server), TLS_ERROR_INVALID_CONTEXT);
    /* A server call on an unconfigured server context fails too. */
    cr_assert_eq(tls_accept_socket(server, &cctx, -1), -1);
    cr_assert_not_null(tls_error(server));
    tls_free(server);
}

Test(tls_init, error_is_null_after_success)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s",
                 tls_error(p.client));
    cr_assert_null(tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}
