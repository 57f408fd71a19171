/* Message buffers allocated when first needed (issue 11 item 3): a context
 * and an established connection hold none until a message is set; when
 * the buffer cannot be allocated the message is a static text and the
 * error code is still the exact one. */
#include <criterion/criterion.h>
#include <string.h>

#include "alloc_watch.h"
#include "petls_internal.h"
#include "tlspair.h"

static int holds_none(const struct petls *ctx)
{
    return ctx->err.buf == NULL && ctx->io_err.buf == NULL;
}

Test(errbuf, none_until_a_message)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0);
    tlspair_transfer(p.client, p.sconn, "ping", 4);
    tlspair_transfer(p.sconn, p.client, "pong", 4);
    cr_assert(holds_none(p.client), "the client holds a message buffer");
    cr_assert(holds_none(p.sconn), "the server connection holds one");
    cr_assert(holds_none(p.server), "the listening context holds one");
    /* The first failure allocates the context's buffer, and only that. */
    cr_assert_eq(petls_set_session(p.sconn, (const uint8_t *)"x", 1), -1);
    cr_assert_not_null(p.sconn->err.buf);
    cr_assert_eq(p.sconn->io_err.buf, NULL);
    cr_assert_str_eq(petls_error(p.sconn),
                     "petls_set_session: not a client context");
    tlspair_free(&p);
}

Test(errbuf, static_text_and_exact_code_without_memory)
{
    struct petls *ctx = petls_client();
    uint8_t b[4];

    cr_assert_not_null(ctx);
    alloc_watch_fail(PETLS_ERRBUF_SIZE, 1);
    cr_assert_eq(petls_read(ctx, b, sizeof(b)), -1);
    alloc_watch_fail(0, 0);
    cr_assert_eq(ctx->err.buf, NULL);
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_INVALID_CONTEXT);
    cr_assert_str_eq(petls_error(ctx), "wrong kind or state of context (out "
                                       "of memory for the message)");
    /* The kinds fixed by the wording hold without the buffer too. */
    alloc_watch_fail(PETLS_ERRBUF_SIZE, 1);
    petls_set_error(ctx, "handshake timed out after %u ms", 5u);
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_TIMEOUT);
    cr_assert_str_eq(petls_error(ctx), "handshake timed out");
    alloc_watch_fail(PETLS_ERRBUF_SIZE, 1);
    petls_set_error_code(ctx, PETLS_ERROR_IO, "x: %s",
                         "compiled out (PETLS_WITH_ALPN=OFF)");
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_NOT_BUILT_IN);
    alloc_watch_fail(0, 0);
    /* With memory again, the full message. */
    cr_assert_eq(petls_read(ctx, b, sizeof(b)), -1);
    cr_assert_not_null(ctx->err.buf);
    cr_assert_eq(petls_error_code(ctx), PETLS_ERROR_INVALID_CONTEXT);
    cr_assert(strcmp(petls_error(ctx), "wrong kind or state of context (out "
                                       "of memory for the message)") != 0);
    petls_free(ctx);
}

/* A failure copied from a connection to the context that accepted it keeps
 * its code when the copy has no buffer. */
Test(errbuf, copy_without_memory)
{
    struct petls_err a = {0}, b = {0};

    petls_err_set(&a, "read: connection reset by peer");
    a.code = PETLS_ERROR_IO;
    alloc_watch_fail(PETLS_ERRBUF_SIZE, 1);
    petls_err_copy(&b, &a);
    alloc_watch_fail(0, 0);
    cr_assert_eq(b.set, 1);
    cr_assert_eq(b.code, PETLS_ERROR_IO);
    cr_assert_str_eq(petls_err_text(&b),
                     "I/O failure (out of memory for the message)");
    petls_err_copy(&a, &b); /* a static text is copied as it is */
    cr_assert_eq(a.code, PETLS_ERROR_IO);
    cr_assert_str_eq(petls_err_text(&a),
                     "I/O failure (out of memory for the message)");
    petls_err_free(&a);
    petls_err_free(&b);
}

/* A host mismatch without memory for the error's buffer: the fixed text
 * of the kind, the code and the verification result exact. */
Test(errbuf, verify_failure_without_memory)
{
    struct tlspair p;

    tlspair_init(&p);
    tlspair_start(&p, "not-the-name.example");
    alloc_watch_fail(PETLS_ERRBUF_SIZE, 1);
    cr_assert_neq(tlspair_handshake(&p), 0);
    alloc_watch_fail(0, 0);
    cr_assert_eq(petls_error_code(p.client), PETLS_ERROR_VERIFY);
    cr_assert_str_eq(petls_error(p.client),
                     "certificate verification failed (out of memory for "
                     "the message)");
    cr_assert_str_eq(petls_conn_authorization_error(p.client),
                     "ERR_TLS_CERT_ALTNAME_INVALID");
    tlspair_free(&p);
}
