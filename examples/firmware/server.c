/*
 * Example firmware: a TLS server on lwIP (QEMU mps2-an386, LAN9118).
 *   - port 443: a TLS echo server (every byte received is sent back);
 *   - port 8443: lwIP's httpd over HTTPS, serving lwIP's built-in page
 *     (its own config: ALPN http/1.1 only);
 * both through lwIP's altcp_tls API implemented by petls
 * (port/lwip/altcp_tls_petls.c). One config, reached from the altcp_tls
 * config for what lwIP's API has no words for: an SNI context for
 * "wrong.example", ALPN h2/http/1.1, a PSK ("Client_identity"), session
 * tickets with key rotation, a session-ID cache, a 3 s handshake timeout
 * and at most FW_MAX_CONNS connections. TLS 1.2 and 1.3.
 * Prints (semihosting) "petls-fw: listening" when ready, one line per
 * connection, and the arena's use; examples/firmware/qemu.sh runs it.
 */
#include "board.h"

#include "petls_altcp_tls.h"

#include "lwip/altcp.h"
#include "lwip/apps/httpd.h"

#include <petls.h>

#include <stdio.h>
#include <string.h>

#ifndef FW_MAX_CONNS
#define FW_MAX_CONNS 4
#endif

/* openssl s_client -psk 000102030405060708090a0b0c0d0e0f (test key). */
static const uint8_t test_psk[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                     8, 9, 10, 11, 12, 13, 14, 15};

struct echo {
    int id;
    int logged;
    unsigned long bytes;
    unsigned long deferred; /* pbufs refused for want of send buffer */
};
static struct echo echoes[FW_MAX_CONNS + 2];
static int next_id;

static void log_conn(struct echo *e, struct altcp_pcb *pcb)
{
    struct petls *tls = petls_altcp_tls_conn(pcb);
    const char *sni, *alpn, *psk;

    if (e->logged || tls == NULL)
        return;
    e->logged = 1;
    sni = petls_conn_servername(tls);
    alpn = petls_conn_alpn_selected(tls);
    psk = petls_conn_psk_identity(tls);
    printf("conn %d: %s %s sni=%s alpn=%s psk=%s resumed=%d conns=%d heap=%u "
           "peak=%u\n",
           e->id, petls_conn_version(tls), petls_conn_cipher(tls),
           sni ? sni : "-", alpn ? alpn : "-", psk ? psk : "-",
           petls_conn_session_resumed(tls), petls_altcp_tls_conn_count(),
           (unsigned)board_heap_in_use(), (unsigned)board_heap_peak());
}

static void echo_free(struct echo *e)
{
    e->id = 0;
}

static err_t echo_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p,
                       err_t err)
{
    struct echo *e = arg;
    struct pbuf *q;

    (void)err;
    if (p == NULL) {
        log_conn(e, pcb); /* a client that sent nothing */
        printf("conn %d: closed after %lu bytes, deferred %lu\n", e->id,
               e->bytes, e->deferred);
        echo_free(e);
        altcp_arg(pcb, NULL);
        altcp_close(pcb);
        return ERR_OK;
    }
    log_conn(e, pcb);
    if (altcp_sndbuf(pcb) < p->tot_len) {
        /* Back-pressure: the TLS layer keeps p and offers it again once
         * TCP has freed room (tcp_sent); meanwhile it reads nothing more,
         * so the TCP window closes on the sender. */
        e->deferred++;
        return ERR_MEM;
    }
    for (q = p; q != NULL; q = q->next) {
        if (altcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
            return ERR_MEM;
    }
    e->bytes += p->tot_len;
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void echo_err(void *arg, err_t err)
{
    struct echo *e = arg;

    printf("conn %d: error %d: %s\n", e != NULL ? e->id : 0, (int)err,
           petls_altcp_tls_last_error());
    if (e != NULL)
        echo_free(e);
}

static err_t echo_accept(void *arg, struct altcp_pcb *pcb, err_t err)
{
    size_t i;

    (void)arg;
    (void)err;
    for (i = 0; i < sizeof(echoes) / sizeof(echoes[0]); i++) {
        if (echoes[i].id == 0) {
            echoes[i].id = ++next_id;
            echoes[i].logged = 0;
            echoes[i].bytes = 0;
            echoes[i].deferred = 0;
            altcp_arg(pcb, &echoes[i]);
            altcp_recv(pcb, echo_recv);
            altcp_err(pcb, echo_err);
            return ERR_OK;
        }
    }
    altcp_abort(pcb);
    return ERR_ABRT;
}

static struct altcp_tls_config *make_config(void)
{
    static const char *alpn[] = {"h2", "http/1.1", NULL};
    struct altcp_tls_config *conf;
    struct petls_config *cfg, *alt;

    conf = altcp_tls_create_config_server_privkey_cert(
        fw_server_key, fw_server_key_len, NULL, 0, fw_server_pem,
        fw_server_pem_len);
    if (conf == NULL) {
        printf("config: %s\n", petls_altcp_tls_last_error());
        return NULL;
    }
    cfg = petls_altcp_tls_config(conf);
    alt = petls_config_new();
    if (alt == NULL ||
        petls_config_set_keypair_mem(alt, fw_alt_pem, fw_alt_pem_len,
                                     fw_alt_key, fw_alt_key_len) != 0 ||
        petls_config_add_sni_context(cfg, "wrong.example", alt) != 0 ||
        altcp_tls_configure_alpn_protocols(conf, alpn) != ERR_OK ||
        petls_config_add_psk(cfg, "Client_identity", test_psk,
                             sizeof(test_psk)) != 0 ||
        petls_config_set_handshake_timeout(cfg, 3000) != 0 ||
        petls_config_set_session_cache(cfg, 16, 0) != 0 ||
        petls_config_set_session_tickets(cfg, 1) != 0 ||
        petls_config_set_ticket_rotation(cfg, 3600, 600) != 0) {
        printf("config: %s\n", petls_config_error(cfg));
        petls_config_free(alt);
        return NULL;
    }
    return conf; /* alt lives as long as the firmware */
}

static struct altcp_tls_config *make_httpd_config(void)
{
    static const char *alpn[] = {"http/1.1", NULL};
    struct altcp_tls_config *conf;

    conf = altcp_tls_create_config_server_privkey_cert(
        fw_server_key, fw_server_key_len, NULL, 0, fw_server_pem,
        fw_server_pem_len);
    if (conf == NULL ||
        altcp_tls_configure_alpn_protocols(conf, alpn) != ERR_OK ||
        petls_config_set_handshake_timeout(petls_altcp_tls_config(conf),
                                           3000) != 0) {
        printf("httpd config: %s\n", petls_altcp_tls_last_error());
        return NULL;
    }
    return conf;
}

int main(void)
{
    struct altcp_tls_config *conf, *hconf;
    struct altcp_pcb *pcb;

    if (board_init() != 0)
        return 1;
    conf = make_config();
    if (conf == NULL)
        return 1;
    petls_altcp_tls_set_max_conns(FW_MAX_CONNS);
    pcb = altcp_tls_new(conf, IPADDR_TYPE_V4);
    if (pcb == NULL || altcp_bind(pcb, IP_ANY_TYPE, 443) != ERR_OK ||
        (pcb = altcp_listen(pcb)) == NULL) {
        printf("PETLS-FIRMWARE: FAIL cannot listen on 443\n");
        return 1;
    }
    altcp_accept(pcb, echo_accept);
    /* httpd speaks HTTP/1.x only: its own config offers just http/1.1 (a
     * client offering h2 first, like curl, must not be told "h2"). */
    hconf = make_httpd_config();
    if (hconf == NULL)
        return 1;
    httpd_inits(hconf);
    printf("petls-fw: listening on 443 (echo) and %d (httpd), heap=%u\n",
           HTTPD_SERVER_PORT_HTTPS, (unsigned)board_heap_in_use());
    for (;;)
        board_step();
}
