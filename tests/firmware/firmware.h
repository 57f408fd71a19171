/* Shared between the firmware image's startup code and its program. */
#ifndef PETLS_FIRMWARE_H
#define PETLS_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Milliseconds since reset, counted by SysTick. */
extern volatile uint64_t fw_ticks_ms;

/* Test credentials, generated at build time by tests/certs/gen-certs.sh and
 * embedded by tests/run/firmware.sh (fw_creds.c, never committed). */
extern const uint8_t fw_ca_pem[];
extern const uint32_t fw_ca_pem_len;
extern const uint8_t fw_server_pem[];
extern const uint32_t fw_server_pem_len;
extern const uint8_t fw_server_key[];
extern const uint32_t fw_server_key_len;
/* Unix time at build time: the certificates are valid then. */
extern const int64_t fw_build_time;

/* ---- The program's shared parts (main.c) ---- */

struct petls;

/* The in-memory link: pass fw_link_read/fw_link_write to
 * petls_connect_cbs/petls_accept_cbs with fw_client_end/fw_server_end as
 * the argument. fw_link_reset empties both directions. */
extern void *const fw_client_end;
extern void *const fw_server_end;
ssize_t fw_link_read(struct petls *ctx, void *buf, size_t len, void *arg);
ssize_t fw_link_write(struct petls *ctx, const void *buf, size_t len,
                      void *arg);
void fw_link_reset(void);

/* Steps both sides until both finished (0) or one failed (-1, its error
 * printed). */
int fw_handshake(struct petls *client, struct petls *sconn);
/* msg, or a placeholder for NULL (newlib-nano's printf has none). */
const char *fw_error(const char *msg);
/* 1 for PETLS_WANT_POLLIN / PETLS_WANT_POLLOUT. */
int fw_pending(int rc);
/* Exactly len bytes, or -1. */
int fw_read_all(struct petls *to, uint8_t *buf, size_t len);
int fw_write_all(struct petls *ctx, const void *buf, size_t len);
/* close_notify both ways (either may be NULL). */
void fw_close_pair(struct petls *client, struct petls *sconn);

/* The port's arena: bytes in use now, and the peak since the last
 * petls_port_none_heap_reset_peak(). */
size_t fw_heap_in_use(void);
size_t fw_heap_peak(void);

/* psk12.c (built with FW_PSK12): the TLS 1.2 PSK run. NULL when it passed,
 * else what failed. */
const char *fw_run_psk12(void);

/* Ends the run: records msg in `failure` and jumps to `out`. */
#define CHECK(cond, msg)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            failure = (msg);                                                   \
            goto out;                                                          \
        }                                                                      \
    } while (0)

#endif /* PETLS_FIRMWARE_H */
