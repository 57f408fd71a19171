/*
 * A minimal bare-metal TLS client, linked (never run) by
 * scripts/cross-build.sh for Cortex-M4F: it proves that the engine, the
 * port and mbedTLS with the cortex_m config resolve every symbol without an
 * OS, and its size is what a real firmware pays for petls + mbedTLS.
 *
 * The "board" parts (TRNG, tick counter, transport) are stand-ins.
 */
#include <petls.h>

#include "petls_port_none.h"

#include <string.h>

static volatile uint32_t fake_trng;
static volatile uint64_t fake_ticks;

static int board_entropy(void *arg, void *buf, size_t len)
{
    uint8_t *p = buf;

    (void)arg;
    while (len-- > 0)
        *p++ = (uint8_t)fake_trng;
    return 0;
}

static uint64_t board_ms(void *arg)
{
    (void)arg;
    return fake_ticks;
}

static int64_t board_unix_time(void *arg)
{
    (void)arg;
    return 1767225600; /* 2026-01-01 */
}

static ssize_t link_read(struct petls *ctx, void *buf, size_t len, void *arg)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)arg;
    return PETLS_WANT_POLLIN;
}

static ssize_t link_write(struct petls *ctx, const void *buf, size_t len,
                          void *arg)
{
    (void)ctx;
    (void)buf;
    (void)arg;
    return (ssize_t)len;
}

/* The trust anchor would be in flash; an empty one is enough to link. */
static const uint8_t ca_pem[] = "-----BEGIN CERTIFICATE-----\n"
                                "-----END CERTIFICATE-----\n";

int main(void)
{
    static const char msg[] = "GET / HTTP/1.0\r\n\r\n";
    struct petls_config *cfg;
    struct petls *ctx;
    char buf[64];
    int ok = 0;

    petls_port_none_set_entropy(board_entropy, NULL);
    petls_port_none_set_clock(board_ms, board_unix_time, NULL);
    if (petls_init() != 0)
        return 1;
    cfg = petls_config_new();
    ctx = petls_client();
    if (cfg != NULL && ctx != NULL &&
        petls_config_set_ca_mem(cfg, ca_pem, sizeof(ca_pem)) == 0 &&
        petls_configure(ctx, cfg) == 0 &&
        petls_connect_cbs(ctx, link_read, link_write, NULL, "device.example") ==
            0 &&
        petls_handshake(ctx) == 0 && petls_write(ctx, msg, strlen(msg)) > 0 &&
        petls_read(ctx, buf, sizeof(buf)) >= 0) {
        ok = 1;
    }
    if (ctx != NULL) {
        petls_close(ctx);
        petls_free(ctx);
    }
    petls_config_free(cfg);
    return ok ? 0 : 1;
}
