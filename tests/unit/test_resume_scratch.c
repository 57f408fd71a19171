/* The resumption path allocates session bytes at their own size: no
 * buffer of the largest session (PB_SESSION_MAX, 6,144 bytes, or the
 * client's copy with its 8-byte header) is zeroed and wiped for every
 * ticket seal and open, cache lookup and store, and session export (issue
 * 11 item 5). Watched through the engine's allocator
 * (tests/support/alloc_watch.c) during a resumed handshake of each mode,
 * and on a server with an external store. A session here (ECDSA P-256
 * server, no client certificate) serialises to well under 2 KiB; the
 * other large blocks of a handshake are the record-sized pre-parse
 * buffers of stateful mode (above PB_SESSION_MAX + 64) and mbedTLS's own
 * record buffers (not from petls_port_calloc). */
#include "alloc_watch.h"
#include "backend/backend.h"
#include "test_resume_util.h"

#define SCRATCH_LO 4096
#define SCRATCH_HI (PB_SESSION_MAX + 64)

static void watch_resumed(struct rfx *f)
{
    cr_assert_eq(rfx_conn(f), 0, "first handshake cannot resume");
    cr_assert(f->sess_len > 0, "the client got no session");
    alloc_watch_start(SCRATCH_LO, SCRATCH_HI);
    cr_assert_eq(rfx_conn(f), 1, "second handshake did not resume");
    alloc_watch_stop();
    cr_assert_gt(alloc_watch_calls(), 0, "the allocator was not watched");
    cr_assert_eq(alloc_watch_in_range(), 0,
                 "a resumed handshake allocated %zu block(s) of %d..%d bytes "
                 "(the last %zu): a session-sized scratch buffer",
                 alloc_watch_in_range(), SCRATCH_LO, SCRATCH_HI,
                 alloc_watch_last_in_range());
}

static void resumed_without_scratch(uint32_t protocols, int tickets)
{
    struct rfx f;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_tickets(f.scfg, tickets) == 0);
    watch_resumed(&f);
    rfx_free(&f);
}

Test(resume_scratch, tls12_ticket)
{
    resumed_without_scratch(PETLS_PROTOCOL_TLSv1_2, 1);
}

Test(resume_scratch, tls12_session_id)
{
    resumed_without_scratch(PETLS_PROTOCOL_TLSv1_2, 0);
}

Test(resume_scratch, tls13_ticket)
{
    resumed_without_scratch(PETLS_PROTOCOL_TLSv1_3, 1);
}

Test(resume_scratch, tls13_stateful)
{
    resumed_without_scratch(PETLS_PROTOCOL_TLSv1_3, 0);
}

/* The client cache hands out its entry at the entry's size. */
Test(resume_scratch, tls13_client_cache)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_client_session_cache(f.ccfg, 8) == 0, "%s",
              petls_config_error(f.ccfg));
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    alloc_watch_start(SCRATCH_LO, SCRATCH_HI);
    /* No session given: the cache offers it. */
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 1,
                 "the client cache did not resume");
    alloc_watch_stop();
    cr_assert_eq(alloc_watch_in_range(), 0,
                 "%zu block(s) of %d..%d bytes (the last %zu)",
                 alloc_watch_in_range(), SCRATCH_LO, SCRATCH_HI,
                 alloc_watch_last_in_range());
    rfx_free(&f);
}

/* The pre-parse (here: stateful TLS 1.3, which reads the ClientHello before
 * the backend) holds the ClientHello at its size: its buffer starts at
 * 1 KiB and grows with the records, and the 8 KiB store answer buffer
 * exists only when a store is asked. Before, every such handshake took an
 * 18,437-byte flight buffer and an 8,264-byte state (issue 16: the example
 * firmware's first handshake did not fit a 64 KiB arena). */
Test(resume_scratch, preparse_holds_the_hello_at_its_size)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2 | PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0, "first handshake cannot resume");
    alloc_watch_start(SCRATCH_LO, SIZE_MAX);
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0,
                 "a handshake without a session resumed");
    cr_assert_eq(rfx_conn(&f), 1, "stateful TLS 1.3 did not resume");
    alloc_watch_stop();
    cr_assert_eq(alloc_watch_in_range(), 0,
                 "%zu block(s) of %d bytes or more (the last %zu) in a "
                 "pre-parsed handshake",
                 alloc_watch_in_range(), SCRATCH_LO,
                 alloc_watch_last_in_range());
    rfx_free(&f);
}
