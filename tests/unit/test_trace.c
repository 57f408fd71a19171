/* petls_config_set_trace_cb (Node's enableTrace()) in memory: the
 * backend's handshake messages reach the callback with their connection
 * and level, nothing above the level asked for, nothing without a
 * callback; the level is checked. Against openssl s_server through the
 * CLI: tests/interop/trace_openssl.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "testcerts.h"
#include "tlspair.h"

struct seen {
    int lines;
    int max_level;
    int client_hello; /* "write client hello" */
    int server_hello; /* "parse server hello" (TLS 1.2) or "server hello" */
    int secrets;      /* a hex dump of a secret */
    int null_ctx;
    struct petls *first_ctx;
    int other_ctx; /* lines of another connection */
};

static void trace_cb(struct petls *ctx, int level, const char *line,
                     void *arg)
{
    struct seen *s = arg;

    cr_assert_not_null(line);
    cr_assert(strchr(line, '\n') == NULL, "a newline in '%s'", line);
    s->lines++;
    if (level > s->max_level)
        s->max_level = level;
    if (strstr(line, "write client hello") != NULL)
        s->client_hello++;
    if (strstr(line, "server hello") != NULL)
        s->server_hello++;
    if (strncmp(line, "dumping '", 9) == 0 && strstr(line, "secret") != NULL)
        s->secrets++;
    cr_assert(strncmp(line, "0x", 2) != 0, "the address prefix in '%s'",
              line);
    if (ctx == NULL)
        s->null_ctx++;
    else if (s->first_ctx == NULL)
        s->first_ctx = ctx;
    else if (ctx != s->first_ctx)
        s->other_ctx++;
}

static void handshake(uint32_t protocols, int level, struct seen *cs,
                      struct seen *ss)
{
    struct tlspair p;

    tlspair_init(&p);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, protocols), 0);
    if (cs != NULL &&
        petls_config_set_trace_cb(p.ccfg, trace_cb, cs) != 0) {
        /* mbed TLS without MBEDTLS_DEBUG_C (small source-built configs). */
        cr_assert_eq(petls_config_error_code(p.ccfg), PETLS_ERROR_NOT_BUILT_IN);
        cr_assert_str_eq(petls_config_error(p.ccfg),
                         "trace: this mbed TLS build has no debug output "
                         "(MBEDTLS_DEBUG_C is off)");
        tlspair_free(&p);
        cr_skip_test("no MBEDTLS_DEBUG_C");
    }
    if (ss != NULL)
        cr_assert_eq(petls_config_set_trace_cb(p.scfg, trace_cb, ss), 0);
    if (level != 0) {
        cr_assert_eq(petls_config_set_trace_level(p.ccfg, level), 0);
        cr_assert_eq(petls_config_set_trace_level(p.scfg, level), 0);
    }
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0);
    if (cs != NULL && cs->lines > 0) {
        cr_assert_eq(cs->first_ctx, p.client);
        cr_assert_eq(cs->other_ctx, 0);
    }
    if (ss != NULL && ss->lines > 0) {
        cr_assert_eq(ss->first_ctx, p.sconn);
        cr_assert_eq(ss->other_ctx, 0);
    }
    tlspair_free(&p);
}

Test(trace, default_level_shows_the_handshake)
{
    struct seen c, s;

    memset(&c, 0, sizeof(c));
    memset(&s, 0, sizeof(s));
    handshake(PETLS_PROTOCOL_TLSv1_3, 0, &c, &s);
    cr_assert(c.lines > 10, "%d client lines", c.lines);
    cr_assert_eq(c.max_level, PETLS_TRACE_LEVEL_DEFAULT);
    cr_assert(c.client_hello > 0);
    cr_assert(s.lines > 10, "%d server lines", s.lines);
    cr_assert(s.server_hello > 0);
    cr_assert_eq(c.secrets + s.secrets, 0, "secrets at the default level");
    cr_assert_eq(c.null_ctx + s.null_ctx, 0);

    memset(&c, 0, sizeof(c));
    handshake(PETLS_PROTOCOL_TLSv1_2, 0, &c, NULL);
    cr_assert(c.client_hello > 0 && c.server_hello > 0);
    cr_assert_eq(c.secrets, 0);
}

Test(trace, level_1_and_4)
{
    struct seen c;

    memset(&c, 0, sizeof(c));
    handshake(PETLS_PROTOCOL_TLSv1_2, 1, &c, NULL);
    cr_assert_eq(c.client_hello, 0); /* level 2 */
    cr_assert(c.max_level <= 1);

    /* Level 3 and up dump secrets: documented, never the default. */
    memset(&c, 0, sizeof(c));
    handshake(PETLS_PROTOCOL_TLSv1_2, 4, &c, NULL);
    cr_assert_eq(c.max_level, 4);
    cr_assert(c.secrets > 0);
}

/* A config without a callback says nothing, even while another traces
 * at level 4 (mbedTLS's threshold is global). */
Test(trace, off_without_callback)
{
    struct seen c, s;

    memset(&c, 0, sizeof(c));
    memset(&s, 0, sizeof(s));
    handshake(PETLS_PROTOCOL_TLSv1_3, 4, &c, NULL);
    cr_assert(c.lines > 0);
    handshake(PETLS_PROTOCOL_TLSv1_3, 0, NULL, NULL);
    memset(&c, 0, sizeof(c));
    handshake(PETLS_PROTOCOL_TLSv1_3, 2, NULL, &s);
    cr_assert_eq(s.max_level, 2); /* the server's level, not 4 */
}

Test(trace, bad_level_and_frozen)
{
    struct petls_config *c = petls_config_new();
    struct petls *ctx = petls_client();

    cr_assert_eq(petls_config_set_trace_level(c, 0), -1);
    cr_assert_str_eq(petls_config_error(c), "trace level must be 1 to 4 (got 0)");
    cr_assert_eq(petls_config_error_code(c), PETLS_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(petls_config_set_trace_level(c, 5), -1);
    cr_assert_eq(petls_config_set_trace_cb(NULL, trace_cb, NULL), -1);
    cr_assert_eq(petls_configure(ctx, c), 0);
    cr_assert_eq(petls_config_set_trace_cb(c, trace_cb, NULL), -1);
    cr_assert_eq(petls_config_set_trace_level(c, 2), -1);
    petls_free(ctx);
    petls_config_free(c);
}
