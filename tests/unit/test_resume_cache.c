/* The built-in server cache (counters, bounds, expiry), session id
 * contexts, and the client side: session fd and client cache. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fchmod */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_resume_util.h"

/* A tiny stateful TLS 1.2 cache: hits, misses, entries, LRU eviction. */
Test(resume_cache, stats_with_tiny_cache)
{
    struct rfx f;
    struct petls_session_cache_stats st;
    uint8_t s1[RFX_SESS_MAX];
    size_t s1_len;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_cache(f.scfg, 2, 0) == 0);
    rfx_server(&f);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.entries, 0);

    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    memcpy(s1, f.sess, f.sess_len);
    s1_len = f.sess_len;
    cr_assert_eq(rfx_conn_offer(&f, s1, s1_len, NULL), 1);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.hits, 1);
    cr_assert_eq(st.entries, 1);
    cr_assert(st.bytes > 0);

    /* Two more full handshakes push s1 out of a 2-entry cache. */
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.entries, 2);
    cr_assert_eq(st.evicted, 1, "evicted %llu", (unsigned long long)st.evicted);
    cr_assert(st.stored >= 3);
    cr_assert_eq(rfx_conn_offer(&f, s1, s1_len, NULL), 0,
                 "an evicted session resumed");
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert_eq(st.misses, 1);
    cr_assert_eq(st.hits, 1);
    rfx_free(&f);
}

/* A session outlives its lifetime: full handshake, counted as expired. */
Test(resume_cache, expiry, .timeout = 20)
{
    struct rfx f;
    struct petls_session_cache_stats st;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_lifetime(f.scfg, 1) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    sleep(2);
    cr_assert_eq(rfx_conn(&f), 0, "an expired session resumed");
    cr_assert(petls_config_session_cache_stats(f.scfg, &st) == 0);
    cr_assert(st.expired >= 1, "expired %llu", (unsigned long long)st.expired);
    cr_assert_eq(st.hits, 0);
    rfx_free(&f);
}

Test(resume_cache, cache_off)
{
    struct rfx f;

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_cache(f.scfg, 0, 0) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 0);
    rfx_free(&f);
}

/* Two servers sharing ticket keys: the same context resumes, another
 * context does not. */
static int resume_on_other(struct rfx *f, const char *ctx2, int tickets,
                           uint32_t protocols)
{
    struct petls_config *other = petls_config_new();
    struct petls *srv2 = petls_server();
    uint8_t keys[PETLS_TICKET_KEY_SIZE];
    struct tlsconn c;
    int resumed;

    memset(keys, 0x11, sizeof(keys));
    cr_assert(
        petls_config_set_keypair_file(other, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_protocols(other, protocols) == 0);
    cr_assert(petls_config_set_session_tickets(other, tickets) == 0);
    cr_assert(petls_config_set_ticket_keys(other, keys, sizeof(keys)) == 0);
    cr_assert(petls_config_set_session_id(other, (const uint8_t *)ctx2,
                                          strlen(ctx2)) == 0);
    cr_assert(petls_configure(srv2, other) == 0);
    tlsconn_start(&c, srv2, f->ccfg, f->sess, f->sess_len, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0, "%s / %s", petls_error(c.client),
                 petls_error(c.sconn));
    resumed = petls_conn_session_resumed(c.sconn);
    cr_assert_eq(petls_conn_session_resumed(c.client), resumed);
    tlsconn_free(&c);
    petls_free(srv2);
    petls_config_free(other);
    return resumed;
}

static void context_check(uint32_t protocols)
{
    struct rfx f;
    uint8_t keys[PETLS_TICKET_KEY_SIZE];

    memset(keys, 0x11, sizeof(keys));
    rfx_init(&f, protocols);
    cr_assert(petls_config_set_ticket_keys(f.scfg, keys, sizeof(keys)) == 0);
    cr_assert(
        petls_config_set_session_id(f.scfg, (const uint8_t *)"svc-a", 5) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(resume_on_other(&f, "svc-a", 1, protocols), 1,
                 "same keys and context must resume");
    cr_assert_eq(resume_on_other(&f, "svc-b", 1, protocols), 0,
                 "a ticket crossed session id contexts");
    rfx_free(&f);
}

Test(resume_cache, context_mismatch_tls13)
{
    context_check(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_cache, context_mismatch_tls12)
{
    context_check(PETLS_PROTOCOL_TLSv1_2);
}

/* Sessions cached under one context are not found under another, even in
 * one cache: a store shared by two configs shows it too. */
Test(resume_cache, context_mismatch_store)
{
    struct rfx f;
    struct tstore *s = tstore_new();
    struct petls_config *other;
    struct petls *srv2;
    struct tlsconn c;
    uint8_t key[PETLS_STORE_KEY_SIZE];

    memset(key, 0x22, sizeof(key));
    rfx_init(&f, PETLS_PROTOCOL_TLSv1_2);
    cr_assert(petls_config_set_session_tickets(f.scfg, 0) == 0);
    cr_assert(petls_config_set_session_store_key(f.scfg, key, sizeof(key)) ==
              0);
    cr_assert(petls_config_set_session_id(f.scfg, (const uint8_t *)"a", 1) ==
              0);
    tstore_attach(s, f.scfg);
    cr_assert_eq(rfx_conn(&f), 0);
    other = petls_config_new();
    cr_assert(
        petls_config_set_keypair_file(other, cert_path("server-ecdsa.pem"),
                                      cert_path("server-ecdsa.key")) == 0);
    cr_assert(petls_config_set_protocols(other, PETLS_PROTOCOL_TLSv1_2) == 0);
    cr_assert(petls_config_set_session_tickets(other, 0) == 0);
    cr_assert(petls_config_set_session_store_key(other, key, sizeof(key)) == 0);
    cr_assert(petls_config_set_session_id(other, (const uint8_t *)"b", 1) == 0);
    tstore_attach(s, other);
    srv2 = petls_server();
    cr_assert(petls_configure(srv2, other) == 0);
    tlsconn_start(&c, srv2, f.ccfg, f.sess, f.sess_len, "localhost");
    cr_assert_eq(tlsconn_handshake(&c), 0);
    cr_assert_eq(s->get_hits, 1, "the store had the blob");
    cr_assert_eq(petls_conn_session_resumed(c.sconn), 0);
    tlsconn_free(&c);
    petls_free(srv2);
    petls_config_free(other);
    rfx_free(&f);
    free(s);
}

Test(resume_cache, session_id_context_limits)
{
    struct petls_config *c = petls_config_new();
    uint8_t big[PETLS_SESSION_ID_CONTEXT_MAX + 1];

    memset(big, 'x', sizeof(big));
    cr_assert_eq(petls_config_set_session_id(c, big, sizeof(big)), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "session id context too long (33 bytes, at most 32)");
    cr_assert_eq(petls_config_set_session_id(c, big, 32), 0);
    petls_config_free(c);
}

/* ---- Client side ---- */

/* The client cache offers the newest session for host, port and name. */
static void client_cache(uint32_t protocols)
{
    struct rfx f;
    struct tlsconn c;

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_client_session_cache(f.ccfg, 8) == 0);
    rfx_server(&f);
    /* No explicit session offered at any point. */
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 1,
                 "the client cache did not offer the session");
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 1);
    /* Another server name is another key: full handshake. */
    tlsconn_start(&c, f.server, f.ccfg, NULL, 0, "127.0.0.1");
    cr_assert_eq(tlsconn_handshake(&c), 0, "%s", petls_error(c.client));
    cr_assert_eq(petls_conn_session_resumed(c.client), 0);
    tlsconn_free(&c);
    rfx_free(&f);
}

Test(resume_cache, client_cache_tls13)
{
    client_cache(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_cache, client_cache_tls12)
{
    client_cache(PETLS_PROTOCOL_TLSv1_2);
}

static int session_file(void)
{
    char path[] = "/tmp/petls-sess-XXXXXX";
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    unlink(path);
    cr_assert(fchmod(fd, 0600) == 0);
    return fd;
}

static void session_fd(uint32_t protocols)
{
    struct rfx f;
    struct stat st;
    uint8_t head[4];
    int fd = session_file();

    rfx_init(&f, protocols);
    cr_assert(petls_config_set_session_fd(f.ccfg, fd) == 0, "%s",
              petls_config_error(f.ccfg));
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    cr_assert(fstat(fd, &st) == 0);
    cr_assert_eq((size_t)st.st_size, f.sess_len,
                 "the file holds %lld bytes, the newest session %zu",
                 (long long)st.st_size, f.sess_len);
    cr_assert_eq(pread(fd, head, 4, 0), 4);
    cr_assert(memcmp(head, "PSES", 4) == 0);
    /* The next connection reads the file by itself. */
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 1,
                 "the session file was not offered");
    /* An emptied file means no session. */
    cr_assert(ftruncate(fd, 0) == 0);
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    /* Garbage in the file: ignored, full handshake. */
    cr_assert(ftruncate(fd, 0) == 0);
    cr_assert_eq(pwrite(fd, "garbage!", 8, 0), 8);
    cr_assert_eq(rfx_conn_offer(&f, NULL, 0, NULL), 0);
    rfx_free(&f);
    close(fd);
}

Test(resume_cache, session_fd_tls13)
{
    session_fd(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_cache, session_fd_tls12)
{
    session_fd(PETLS_PROTOCOL_TLSv1_2);
}

Test(resume_cache, session_fd_must_be_private)
{
    struct petls_config *c = petls_config_new();
    int fd = session_file();
    char want[128];

    cr_assert(fchmod(fd, 0644) == 0);
    cr_assert_eq(petls_config_set_session_fd(c, fd), -1);
    snprintf(want, sizeof(want),
             "session fd %d: file is accessible by group or others (mode "
             "644)",
             fd);
    cr_assert_str_eq(petls_config_error(c), want);
    cr_assert_eq(petls_config_set_session_fd(c, -1), 0);
    close(fd);
    petls_config_free(c);
}
