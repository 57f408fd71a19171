/*
 * Example firmware: a TLS client on lwIP (QEMU mps2-an386, LAN9118), through
 * lwIP's altcp_tls API implemented by petls (port/lwip/altcp_tls_petls.c).
 *
 * It connects to 10.0.2.100:443, which examples/firmware/qemu.sh client
 * forwards (QEMU guestfwd) to one port on the host's loopback, verifies the
 * server's chain against the compiled-in test CA and its name, sends one
 * line per connection and, with expect=echo (or rev: the line reversed, as
 * `openssl s_server -rev` answers), waits for the answer. With conns=N it
 * connects N times, each offering the session of the one before
 * (lwIP's altcp_tls_get_session() -> altcp_tls_set_session()): TLS 1.3 tickets,
 * TLS 1.2 tickets or session IDs, whatever the server gave.
 *
 * What to do comes from the command line (semihosting; qemu.sh client
 * passes what follows "--"), key=value words:
 *   version=1.2|1.3     only this version (default: both)
 *   sni=NAME            the server name to send and verify (default
 *                       localhost)
 *   alpn=P1+P2          ALPN protocols to offer
 *   psk=IDENTITY:HEX    offer this external PSK
 *   conns=N             connections, one after the other (default 1)
 *   expect=none|echo|rev  what the server answers to the line (default none)
 * Prints one line per connection ("client conn K: TLSv1.3 ... resumed=0")
 * and ends with "PETLS-FW-CLIENT: PASS" (exit 0) or "...: FAIL why" (1).
 */
#include "board.h"

#include "petls_altcp_tls.h"

#include "lwip/altcp.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h" /* tcp_active_pcbs, for drain() */

#include <petls.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNS 8
#define RUN_LIMIT_MS 60000u  /* the whole run */
#define TICKET_WAIT_MS 3000u /* for a TLS 1.3 ticket after our data */
#define CMDLINE_MAX 512

enum expect { EXPECT_NONE, EXPECT_ECHO, EXPECT_REV };

static struct {
    char version[8];
    char sni[64];
    char alpn[64];
    char psk_id[64];
    uint8_t psk[32];
    size_t psk_len;
    int conns;
    enum expect expect;
} opt;

static struct {
    struct altcp_tls_config *conf;
    struct altcp_pcb *pcb;
    int k;         /* the connection being run, from 1 */
    int connected; /* handshake done, line sent */
    int acked;     /* the server's TCP acknowledged the line */
    int answered;  /* the expected answer arrived */
    int failed;    /* set with a message on a fatal error */
    uint64_t sent_at;
    uint64_t busy_at_connect; /* board_busy_ns() at altcp_connect() */
    char line[40];
    char got[64];
    size_t got_len;
    struct altcp_tls_session session; /* lwIP's session API */
} run;

/* ---- The command line ---------------------------------------------------- */

/* SYS_GET_CMDLINE (semihosting 0x15): the arguments QEMU was given with
 * -semihosting-config arg=..., joined by spaces. */
static int get_cmdline(char *buf, size_t len)
{
    struct {
        char *buf;
        uint32_t len;
    } block = {buf, (uint32_t)len - 1u};
    register uint32_t r0 __asm("r0") = 0x15u;
    register void *r1 __asm("r1") = &block;

    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    if (r0 != 0)
        return -1;
    buf[block.len < len ? block.len : len - 1] = '\0';
    return 0;
}

/* The next word of *s separated by sep (s is cut in place), or NULL. */
static char *next_word(char **s, char sep)
{
    char *w = *s, *end;

    while (*w == sep)
        w++;
    if (*w == '\0')
        return NULL;
    end = strchr(w, sep);
    if (end != NULL) {
        *end = '\0';
        *s = end + 1;
    } else {
        *s = w + strlen(w);
    }
    return w;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int copy_opt(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

static int parse_psk(const char *v)
{
    const char *colon = strchr(v, ':');
    size_t idlen, i;

    if (colon == NULL || (idlen = (size_t)(colon - v)) == 0 ||
        idlen >= sizeof(opt.psk_id))
        return -1;
    memcpy(opt.psk_id, v, idlen);
    opt.psk_id[idlen] = '\0';
    v = colon + 1;
    for (i = 0; v[2 * i] != '\0'; i++) {
        int hi = hexval(v[2 * i]), lo = hi < 0 ? -1 : hexval(v[2 * i + 1]);
        if (lo < 0 || i >= sizeof(opt.psk))
            return -1;
        opt.psk[i] = (uint8_t)(hi << 4 | lo);
    }
    opt.psk_len = i;
    return i > 0 ? 0 : -1;
}

static int parse_word(char *w)
{
    char *v = strchr(w, '=');

    if (v == NULL)
        return strcmp(w, "client") == 0 ? 0 : -1; /* argv[0] */
    *v++ = '\0';
    if (strcmp(w, "version") == 0)
        return strcmp(v, "1.2") != 0 && strcmp(v, "1.3") != 0
                   ? -1
                   : copy_opt(opt.version, sizeof(opt.version), v);
    if (strcmp(w, "sni") == 0)
        return copy_opt(opt.sni, sizeof(opt.sni), v);
    if (strcmp(w, "alpn") == 0)
        return copy_opt(opt.alpn, sizeof(opt.alpn), v);
    if (strcmp(w, "psk") == 0)
        return parse_psk(v);
    if (strcmp(w, "conns") == 0) {
        opt.conns = atoi(v);
        return opt.conns >= 1 && opt.conns <= MAX_CONNS ? 0 : -1;
    }
    if (strcmp(w, "expect") == 0) {
        if (strcmp(v, "none") == 0)
            opt.expect = EXPECT_NONE;
        else if (strcmp(v, "echo") == 0)
            opt.expect = EXPECT_ECHO;
        else if (strcmp(v, "rev") == 0)
            opt.expect = EXPECT_REV;
        else
            return -1;
        return 0;
    }
    return -1;
}

static int parse_cmdline(void)
{
    static char line[CMDLINE_MAX];
    char *w, *rest = line;

    strcpy(opt.sni, "localhost");
    opt.conns = 1;
    opt.expect = EXPECT_NONE;
    if (get_cmdline(line, sizeof(line)) != 0)
        return 0; /* no command line: the defaults */
    while ((w = next_word(&rest, ' ')) != NULL) {
        if (parse_word(w) != 0) {
            printf("PETLS-FW-CLIENT: FAIL bad argument '%s'\n", w);
            return -1;
        }
    }
    return 0;
}

/* ---- The config ---------------------------------------------------------- */

static struct altcp_tls_config *make_config(void)
{
    const char *protos[8];
    static char alpn[sizeof(opt.alpn)];
    struct altcp_tls_config *conf;
    struct petls_config *cfg;
    size_t n = 0;
    char *p, *rest = alpn;

    conf = altcp_tls_create_config_client(fw_ca_pem, fw_ca_pem_len);
    if (conf == NULL) {
        printf("config: %s\n", petls_altcp_tls_last_error());
        return NULL;
    }
    cfg = petls_altcp_tls_config(conf);
    if (opt.alpn[0] != '\0') {
        memcpy(alpn, opt.alpn, sizeof(alpn));
        while (n < 7 && (p = next_word(&rest, '+')) != NULL)
            protos[n++] = p;
        protos[n] = NULL;
        if (altcp_tls_configure_alpn_protocols(conf, protos) != ERR_OK)
            goto fail;
    }
    if ((opt.version[0] != '\0' &&
         (petls_config_set_min_version(cfg, opt.version) != 0 ||
          petls_config_set_max_version(cfg, opt.version) != 0)) ||
        (opt.psk_len > 0 &&
         petls_config_add_psk(cfg, opt.psk_id, opt.psk, opt.psk_len) != 0) ||
        petls_config_set_handshake_timeout(cfg, 10000) != 0)
        goto fail;
    return conf;
fail:
    printf("config: %s\n", petls_config_error(cfg));
    altcp_tls_free_config(conf);
    return NULL;
}

/* ---- One connection ------------------------------------------------------ */

static void fail(const char *what)
{
    if (!run.failed)
        printf("client conn %d: error: %s: %s\n", run.k, what,
               petls_altcp_tls_last_error());
    run.failed = 1;
}

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p,
                     err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        if (!run.answered && opt.expect != EXPECT_NONE)
            fail("the server closed before answering");
        return ERR_OK;
    }
    run.got_len += pbuf_copy_partial(
        p, run.got + run.got_len,
        (u16_t)LWIP_MIN(p->tot_len, sizeof(run.got) - 1 - run.got_len), 0);
    run.got[run.got_len] = '\0';
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)pcb;
    (void)len;
    run.acked = 1;
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)arg;
    run.pcb = NULL; /* lwIP freed it */
    printf("client conn %d: error %d: %s\n", run.k, (int)err,
           petls_altcp_tls_last_error());
    run.failed = 1;
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct petls *tls = petls_altcp_tls_conn(pcb);
    const char *alpn, *psk, *subject;
    size_t n;

    (void)arg;
    if (err != ERR_OK || tls == NULL) {
        fail("connect");
        return ERR_OK;
    }
    alpn = petls_conn_alpn_selected(tls);
    psk = petls_conn_psk_identity(tls);
    subject =
        petls_peer_cert_provided(tls) ? petls_peer_cert_subject(tls) : NULL;
    printf("client conn %d: %s %s sni=%s alpn=%s psk=%s resumed=%d "
           "peer=%s heap=%u peak=%u busy_us=%lu\n",
           run.k, petls_conn_version(tls), petls_conn_cipher(tls), opt.sni,
           alpn ? alpn : "-", psk ? psk : "-", petls_conn_session_resumed(tls),
           subject ? subject : "-", (unsigned)board_heap_in_use(),
           (unsigned)board_heap_peak(),
           (unsigned long)((board_busy_ns() - run.busy_at_connect) / 1000u));
    n = (size_t)snprintf(run.line, sizeof(run.line), "petls-fw-client %d\n",
                         run.k);
    if (altcp_write(pcb, run.line, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK ||
        altcp_output(pcb) != ERR_OK) {
        fail("write");
        return ERR_OK;
    }
    run.connected = 1;
    run.sent_at = board_ms();
    return ERR_OK;
}

static int start_conn(void)
{
    ip_addr_t server;

    memset(run.line, 0, sizeof(run.line));
    run.connected = run.acked = run.answered = 0;
    run.got_len = 0;
    run.got[0] = '\0';
    run.k++;
    IP_ADDR4(&server, 10, 0, 2, 100); /* QEMU's guestfwd to the host */
    board_heap_reset_peak();
    run.busy_at_connect = board_busy_ns();
    run.pcb = altcp_tls_new(run.conf, IPADDR_TYPE_V4);
    if (run.pcb == NULL) {
        fail("altcp_tls_new");
        return -1;
    }
    altcp_recv(run.pcb, on_recv);
    altcp_sent(run.pcb, on_sent);
    altcp_err(run.pcb, on_err);
    if (petls_altcp_tls_set_servername(run.pcb, opt.sni) != ERR_OK ||
        (run.session.data != NULL &&
         altcp_tls_set_session(run.pcb, &run.session) != ERR_OK) ||
        altcp_connect(run.pcb, &server, 443, on_connected) != ERR_OK) {
        fail("connect");
        return -1;
    }
    return 0;
}

/* The answer the server owes us, complete? */
static int answered(void)
{
    char want[sizeof(run.line)];
    size_t n = strlen(run.line), i;

    if (opt.expect == EXPECT_NONE)
        return 1;
    if (n == 0 || run.got_len < n)
        return 0;
    if (opt.expect == EXPECT_ECHO) {
        memcpy(want, run.line, n + 1);
    } else { /* s_server -rev: the line without its newline, reversed */
        for (i = 0; i + 1 < n; i++)
            want[i] = run.line[n - 2 - i];
        want[n - 1] = '\n';
        want[n] = '\0';
    }
    if (memcmp(run.got, want, n) != 0) {
        printf("client conn %d: answer '%.*s' is not '%.*s'\n", run.k,
               (int)(n - 1), run.got, (int)(n - 1), want);
        run.failed = 1;
        return 0;
    }
    return 1;
}

/* Done with this connection? Keeps its session for the next one. */
static int conn_done(void)
{
    err_t err;
    int more = run.k < opt.conns;

    if (!run.connected || !run.acked)
        return 0;
    if (!run.answered) {
        if (!answered())
            return 0;
        run.answered = 1;
        if (opt.expect != EXPECT_NONE)
            printf("client conn %d: answer ok\n", run.k);
    }
    /* Keeps no session of an earlier connection: this one's, or none. */
    altcp_tls_free_session(&run.session);
    err = altcp_tls_get_session(run.pcb, &run.session);
    /* A TLS 1.3 ticket comes after the handshake: give it a moment. */
    if (more && err == ERR_INPROGRESS &&
        board_ms() - run.sent_at < TICKET_WAIT_MS)
        return 0;
    printf("client conn %d: closed, session %u bytes\n", run.k,
           (unsigned)run.session.len);
    altcp_close(run.pcb);
    run.pcb = NULL;
    return 1;
}

/* Before the image exits: lwIP still holds what was queued last (the
 * close_notify or the alert, the FIN); run its loop until TCP has nothing
 * unacknowledged, at most 500 ms. */
static void drain(void)
{
    uint64_t start = board_ms();
    const struct tcp_pcb *p;
    int busy = 1;

    while (busy && board_ms() - start < 500u) {
        board_step();
        busy = 0;
        for (p = tcp_active_pcbs; p != NULL; p = p->next) {
            if (p->unsent != NULL || p->unacked != NULL)
                busy = 1;
        }
    }
}

int main(void)
{
    uint64_t start;

    if (board_init() != 0 || parse_cmdline() != 0)
        return 1;
    altcp_tls_init_session(&run.session);
    run.conf = make_config();
    if (run.conf == NULL) {
        printf("PETLS-FW-CLIENT: FAIL no config\n");
        return 1;
    }
    printf("petls-fw-client: %d connection(s) to 10.0.2.100:443, version=%s "
           "sni=%s alpn=%s psk=%s\n",
           opt.conns, opt.version[0] ? opt.version : "any", opt.sni,
           opt.alpn[0] ? opt.alpn : "-", opt.psk_len ? opt.psk_id : "-");
    start = board_ms();
    if (start_conn() != 0)
        goto failed;
    for (;;) {
        board_step();
        if (run.failed)
            goto failed;
        if (board_ms() - start > RUN_LIMIT_MS) {
            fail("no result within 60 s");
            goto failed;
        }
        if (run.pcb != NULL && conn_done()) {
            if (run.k == opt.conns)
                break;
            if (start_conn() != 0)
                goto failed;
        }
    }
    drain();
    altcp_tls_free_session(&run.session);
    printf("PETLS-FW-CLIENT: PASS %d connection(s)\n", opt.conns);
    return 0;
failed:
    if (run.pcb != NULL)
        altcp_abort(run.pcb);
    drain();
    altcp_tls_free_session(&run.session);
    printf("PETLS-FW-CLIENT: FAIL connection %d\n", run.k);
    return 1;
}
