/*
 * The petls firmware image for QEMU mps2-an386 (Cortex-M4F): a petls client
 * and a petls server in one image, connected by two in-memory byte queues
 * through petls's callback I/O. It runs, and prints through semihosting:
 *   1. a full TLS 1.3 handshake (ECDHE-ECDSA P-256, certificate verified
 *      against the embedded test CA, name "localhost");
 *   2. a data exchange (client -> server -> echo -> client);
 *   3. a second handshake resuming the first session (TLS 1.3 ticket);
 *   4. the peak heap (petls + mbedTLS share the port's arena: the no-malloc
 *      mode) and the peak stack (painted at start, scanned at the end).
 * The last line is "PETLS-FIRMWARE: PASS" or "PETLS-FIRMWARE: FAIL <why>";
 * tests/run/firmware.sh checks it.
 *
 * Built with FW_PSK12 (tests/run/firmware.sh for the psk12_min mbedTLS
 * config, which has no certificates and no TLS 1.3), the run is
 * fw_run_psk12() in psk12.c instead of 1.-3.; this file keeps the board,
 * the in-memory link and the measurements both runs share.
 *
 * The entropy source is a deterministic generator: NOT FOR PRODUCTION. A
 * real board registers its TRNG with petls_port_none_set_entropy().
 */
#include <petls.h>

#include "firmware.h"
#include "petls_port_none.h"

#include <stdio.h>
#include <string.h>

#ifndef FW_HEAP_SIZE
#define FW_HEAP_SIZE (96 * 1024)
#endif
#define QUEUE_SIZE (20 * 1024) /* a whole 16 KiB record plus headers */
#define PAINT 0xC5C5C5C5u

#if !defined(FW_HOSTED)
extern uint32_t __stack_limit[], __stack_top[];
#endif

static _Alignas(8) uint8_t heap[FW_HEAP_SIZE];

/* ---- Test entropy: NOT FOR PRODUCTION ----------------------------------
 * SplitMix64 from a fixed seed: every run of the image is identical, which
 * is what a CI check wants and exactly what a real device must never do. */
static uint64_t test_entropy_state = 0x5EED0F9E71500001ull;

static int test_entropy_not_for_production(void *arg, void *buf, size_t len)
{
    uint8_t *p = buf;

    (void)arg;
    while (len > 0) {
        uint64_t z = (test_entropy_state += 0x9E3779B97F4A7C15ull);
        size_t i;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        for (i = 0; i < 8 && len > 0; i++, len--)
            *p++ = (uint8_t)(z >> (8 * i));
    }
    return 0;
}

static uint64_t board_ms(void *arg)
{
    (void)arg;
    return fw_ticks_ms;
}

static int64_t board_unix_time(void *arg)
{
    (void)arg;
    return fw_build_time + (int64_t)(fw_ticks_ms / 1000u);
}

/* ---- In-memory link: one byte queue per direction ---------------------- */
struct queue {
    uint8_t buf[QUEUE_SIZE];
    size_t head, len;
};
struct end {
    struct queue *in, *out;
};
static struct queue c2s, s2c;
static struct end client_end = {&s2c, &c2s}, server_end = {&c2s, &s2c};
void *const fw_client_end = &client_end;
void *const fw_server_end = &server_end;

ssize_t fw_link_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    struct end *e = arg;
    size_t n = 0;

    (void)ctx;
    if (e->in->len == 0)
        return PETLS_WANT_POLLIN;
    while (n < len && e->in->len > 0) {
        ((uint8_t *)buf)[n++] = e->in->buf[e->in->head];
        e->in->head = (e->in->head + 1) % QUEUE_SIZE;
        e->in->len--;
    }
    return (ssize_t)n;
}

ssize_t fw_link_write(struct petls *ctx, const void *buf, size_t len, void *arg)
{
    struct end *e = arg;
    size_t n = 0;

    (void)ctx;
    if (e->out->len == QUEUE_SIZE)
        return PETLS_WANT_POLLOUT;
    while (n < len && e->out->len < QUEUE_SIZE) {
        e->out->buf[(e->out->head + e->out->len) % QUEUE_SIZE] =
            ((const uint8_t *)buf)[n++];
        e->out->len++;
    }
    return (ssize_t)n;
}

void fw_link_reset(void)
{
    memset(&c2s, 0, sizeof(c2s));
    memset(&s2c, 0, sizeof(s2c));
}

/* ---- Measurements ------------------------------------------------------ */
#if defined(FW_HOSTED)
/* Built as a Linux program (tests/run/qemu-user-tests.sh armhf): the stack is
 * the OS's, not a region of ours to paint. */
static void stack_paint(void) {}

static size_t stack_peak(void)
{
    return 0;
}
#else
static void stack_paint(void)
{
    volatile uint32_t marker;
    uint32_t *p = __stack_limit;
    /* Stop well below the live frame. */
    uint32_t *stop = (uint32_t *)((uintptr_t)&marker - 256u);

    while (p < stop)
        *p++ = PAINT;
}

static size_t stack_peak(void)
{
    const uint32_t *p = __stack_limit;

    while (p < __stack_top && *p == PAINT)
        p++;
    return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}
#endif

size_t fw_heap_in_use(void)
{
    struct petls_port_none_heap_stats st;
    return petls_port_none_heap_stats(&st) == 0 ? st.in_use : 0;
}

size_t fw_heap_peak(void)
{
    struct petls_port_none_heap_stats st;
    return petls_port_none_heap_stats(&st) == 0 ? st.peak : 0;
}

/* ---- The run ----------------------------------------------------------- */
static const char *failure;

const char *fw_error(const char *msg)
{
    return msg != NULL ? msg : "(no error set)";
}

int fw_pending(int rc)
{
    return rc == PETLS_WANT_POLLIN || rc == PETLS_WANT_POLLOUT;
}

int fw_handshake(struct petls *client, struct petls *sconn)
{
    int crc = PETLS_WANT_POLLOUT, src = PETLS_WANT_POLLIN, round;

    for (round = 0; round < 100 && (fw_pending(crc) || fw_pending(src));
         round++) {
        if (fw_pending(crc))
            crc = petls_handshake(client);
        if (fw_pending(src))
            src = petls_handshake(sconn);
    }
    if (crc != 0)
        printf("client handshake: %d %s\n", crc, fw_error(petls_error(client)));
    if (src != 0)
        printf("server handshake: %d %s\n", src, fw_error(petls_error(sconn)));
    return crc == 0 && src == 0 ? 0 : -1;
}

/* Reads exactly len bytes from `to`, driving `from` when it must flush. */
int fw_read_all(struct petls *to, uint8_t *buf, size_t len)
{
    size_t got = 0;
    int round;

    for (round = 0; round < 50 && got < len; round++) {
        ssize_t n = petls_read(to, buf + got, len - got);
        if (n > 0)
            got += (size_t)n;
        else if (!fw_pending((int)n))
            return -1;
    }
    return got == len ? 0 : -1;
}

int fw_write_all(struct petls *ctx, const void *buf, size_t len)
{
    size_t put = 0;
    int round;

    for (round = 0; round < 50 && put < len; round++) {
        ssize_t n = petls_write(ctx, (const uint8_t *)buf + put, len - put);
        if (n > 0)
            put += (size_t)n;
        else if (!fw_pending((int)n))
            return -1;
    }
    return put == len ? 0 : -1;
}

void fw_close_pair(struct petls *client, struct petls *sconn)
{
    int i;
    for (i = 0; i < 4; i++) {
        if (client != NULL)
            (void)petls_close(client);
        if (sconn != NULL)
            (void)petls_close(sconn);
    }
}

#if !defined(FW_PSK12)
/* 1.-3. of the header: TLS 1.3 with certificates, data, resumption. NULL,
 * or what failed. */
static const char *run_tls13(void)
{
    static const char ping[] = "hello from the petls client on Cortex-M";
    static uint8_t session[2048];
    uint8_t echo[sizeof(ping)];
    struct petls_config *scfg = NULL, *ccfg = NULL;
    struct petls *server = NULL, *sconn = NULL, *client = NULL;
    ssize_t slen = -1;
    size_t base = 0, full_peak = 0, both_live = 0, client_live = 0;
    size_t resumed_peak = 0;
    uint64_t t0;
    int run;

    scfg = petls_config_new();
    ccfg = petls_config_new();
    CHECK(scfg != NULL && ccfg != NULL, "petls_config_new");
    CHECK(petls_config_set_protocols(scfg, PETLS_PROTOCOL_TLSv1_3) == 0 &&
              petls_config_set_protocols(ccfg, PETLS_PROTOCOL_TLSv1_3) == 0,
          "set_protocols");
    CHECK(petls_config_set_keypair_mem(scfg, fw_server_pem, fw_server_pem_len,
                                       fw_server_key, fw_server_key_len) == 0,
          petls_config_error(scfg));
    CHECK(petls_config_set_ca_mem(ccfg, fw_ca_pem, fw_ca_pem_len) == 0,
          petls_config_error(ccfg));
    /* A device serves a handful of clients: the default cache (20480
     * entries) would size its table for a server farm. Tickets need none. */
    CHECK(petls_config_set_session_cache(scfg, 8, 8192) == 0,
          petls_config_error(scfg));
    server = petls_server();
    CHECK(server != NULL, "petls_server");
    CHECK(petls_configure(server, scfg) == 0, petls_error(server));
    base = fw_heap_in_use();
    printf("heap after configs (both sides, certificates parsed): %u bytes\n",
           (unsigned)base);

    for (run = 0; run < 2; run++) {
        fw_link_reset();
        petls_port_none_heap_reset_peak();
        client = petls_client();
        CHECK(client != NULL, "petls_client");
        CHECK(petls_configure(client, ccfg) == 0, petls_error(client));
        if (run == 1)
            CHECK(petls_set_session(client, session, (size_t)slen) == 0,
                  petls_error(client));
        CHECK(petls_accept_cbs(server, &sconn, fw_link_read, fw_link_write,
                               fw_server_end) == 0,
              petls_error(server));
        CHECK(petls_connect_cbs(client, fw_link_read, fw_link_write,
                                fw_client_end, "localhost") == 0,
              petls_error(client));
        t0 = fw_ticks_ms;
        CHECK(fw_handshake(client, sconn) == 0, "handshake");
        /* A resumed handshake carries no certificate: the peer was
         * authenticated by the first one, so only that one is checked. */
        printf("handshake %d: %s %s, %s, authorized=%d, resumed=%d, "
               "%u ms\n",
               run + 1, petls_conn_version(client), petls_conn_cipher(client),
               run == 0 ? petls_peer_cert_subject(client) : "(resumed)",
               run == 0 ? petls_conn_authorized(client) : 0,
               petls_conn_session_resumed(client),
               (unsigned)(fw_ticks_ms - t0));
        CHECK(strcmp(petls_conn_version(client), "TLSv1.3") == 0, "version");
        CHECK(run == 1 || petls_conn_authorized(client) == 1, "not authorized");
        CHECK(petls_conn_session_resumed(client) == run,
              run == 0 ? "first handshake resumed" : "no resumption");
        CHECK(petls_conn_session_resumed(sconn) == run, "server resumed");

        /* Data: client -> server, echoed back. */
        CHECK(fw_write_all(client, ping, sizeof(ping)) == 0,
              petls_error(client));
        CHECK(fw_read_all(sconn, echo, sizeof(echo)) == 0, petls_error(sconn));
        CHECK(memcmp(echo, ping, sizeof(ping)) == 0, "server got other bytes");
        CHECK(fw_write_all(sconn, echo, sizeof(echo)) == 0, petls_error(sconn));
        memset(echo, 0, sizeof(echo));
        CHECK(fw_read_all(client, echo, sizeof(echo)) == 0,
              petls_error(client));
        CHECK(memcmp(echo, ping, sizeof(ping)) == 0, "client got other bytes");
        printf("data %d: %u bytes echoed: \"%s\"\n", run + 1,
               (unsigned)sizeof(ping), (const char *)echo);

        if (run == 0) {
            full_peak = fw_heap_peak() - base;
            both_live = fw_heap_in_use() - base;
            slen = petls_conn_session(client, session, sizeof(session));
            if (slen < 0)
                printf("client: %s\n", petls_error(client));
            CHECK(slen > 0 && (size_t)slen <= sizeof(session),
                  "no session after the first connection");
            printf("session: %d bytes\n", (int)slen);
        } else {
            resumed_peak = fw_heap_peak() - base;
        }
        fw_close_pair(client, sconn);
        petls_free(sconn);
        sconn = NULL;
        if (run == 0) {
            client_live = fw_heap_in_use() - base;
            printf("heap: full handshake peak %u bytes (client + server "
                   "connections, both in this arena)\n",
                   (unsigned)full_peak);
            printf("heap: after the handshake, both connections %u bytes, "
                   "client %u, server %u\n",
                   (unsigned)both_live, (unsigned)client_live,
                   (unsigned)(both_live - client_live));
        } else {
            printf("heap: resumed handshake peak %u bytes\n",
                   (unsigned)resumed_peak);
        }
        petls_free(client);
        client = NULL;
    }
out:
    if (client != NULL || sconn != NULL)
        fw_close_pair(client, sconn);
    petls_free(sconn);
    petls_free(client);
    petls_free(server);
    petls_config_free(scfg);
    petls_config_free(ccfg);
    return failure;
}
#endif

int main(void)
{
    size_t lib_base = 0;

    stack_paint();
#if defined(FW_HOSTED)
    printf("petls in-memory client+server (bare-metal port), hosted build\n");
#else
    printf("petls firmware image: QEMU mps2-an386, Cortex-M4F\n");
#endif
    printf("entropy: deterministic test source (NOT FOR PRODUCTION)\n");
    petls_port_none_set_entropy(test_entropy_not_for_production, NULL);
    petls_port_none_set_clock(board_ms, board_unix_time, NULL);
#if defined(FW_SYSTEM_HEAP)
    /* Sanitizer builds (tests/run/firmware-sanitize.sh): the C library's
     * allocator, so that ASan sees every block (inside the arena it could
     * not); the heap figures then read 0. */
    (void)heap;
#else
    CHECK(petls_port_none_set_heap(heap, sizeof(heap)) == 0, "set_heap");
#endif
    CHECK(petls_init() == 0, "petls_init");
    /* What the library keeps for the process (DRBG, PSA): not per config or
     * connection, never freed. */
    lib_base = fw_heap_in_use();
    printf("petls %s\n", petls_version_string());
#if defined(FW_PSK12)
    failure = fw_run_psk12();
#else
    failure = run_tls13();
#endif
#if defined(FW_HOSTED)
    (void)stack_peak;
#else
    if (failure == NULL)
        printf("stack: peak %u bytes\n", (unsigned)stack_peak());
#endif

out : {
    struct petls_port_none_heap_stats st;
    if (petls_port_none_heap_stats(&st) == 0) {
        printf("heap: arena %u bytes, peak %u, in use at exit %u, "
               "allocations %u, refused %u\n",
               (unsigned)st.size, (unsigned)st.peak, (unsigned)st.in_use,
               (unsigned)st.allocs, (unsigned)st.failures);
        printf("heap: library-wide state %u bytes\n", (unsigned)lib_base);
        if (failure == NULL && st.in_use != lib_base)
            failure = "heap not empty after freeing everything (leak)";
    }
}
    if (failure != NULL) {
        printf("PETLS-FIRMWARE: FAIL %s\n", failure);
        return 1;
    }
    printf("PETLS-FIRMWARE: PASS\n");
    return 0;
}
