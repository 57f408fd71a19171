/*
 * petls as lwIP's altcp_tls layer (port/lwip/altcp_tls_petls.c).
 *
 * lwIP applications (httpd, MQTT, SMTP, your own) keep using lwIP's
 * altcp_tls.h: altcp_tls_create_config_server_privkey_cert(),
 * altcp_tls_create_config_client(), altcp_tls_new(), altcp_tls_wrap(), ...
 * Build lwIP with LWIP_ALTCP=1, LWIP_ALTCP_TLS=1 and
 * LWIP_ALTCP_TLS_MBEDTLS=0 and link this file instead of lwIP's mbedTLS
 * port. The calls below reach what lwIP's API has no words for: the
 * petls_config behind an altcp_tls_config (SNI contexts, ALPN, PSKs,
 * tickets and their rotation, a session cache, timeouts: any
 * petls_config_* setter), the client's server name and session.
 *
 * One thread (NO_SYS=1 main loop, or lwIP's tcpip thread): like every
 * raw-API call, none of these may run concurrently with lwIP.
 */
#ifndef PETLS_ALTCP_TLS_H
#define PETLS_ALTCP_TLS_H

#include "lwip/altcp.h"
#include "lwip/altcp_tls.h"

#include <stddef.h>
#include <stdint.h>

struct petls;
struct petls_config;

/* lwIP's session handle (altcp_tls.h declares it; its content is the
 * port's): petls's serialized session (petls_conn_session()), copied into
 * lwIP's heap. altcp_tls_init_session() before the first use,
 * altcp_tls_get_session() after the handshake (ERR_INPROGRESS: no session
 * yet; a TLS 1.3 ticket arrives after the handshake, with the server's
 * first data), altcp_tls_set_session() before altcp_connect(),
 * altcp_tls_free_session() (zeroes and frees it) when done. */
struct altcp_tls_session {
    uint8_t *data;
    size_t len;
};

/* The petls config of an altcp_tls config: set SNI contexts, ALPN, PSKs,
 * tickets, the session cache, the handshake timeout... on it. Settings must
 * be made before the first connection uses the config (petls freezes it). */
struct petls_config *petls_altcp_tls_config(struct altcp_tls_config *conf);
/* An altcp_tls config around a petls config the application built itself
 * (server != 0: a server config). Takes a reference to config. */
struct altcp_tls_config *petls_altcp_tls_config_new(struct petls_config *config,
                                                    int server);
/* Client: the name to verify and send as SNI; call before altcp_connect().
 * The string is copied. */
err_t petls_altcp_tls_set_servername(struct altcp_pcb *conn, const char *name);
/* Client: offer this session (bytes from petls_conn_session()) in the
 * handshake; call before altcp_connect(). */
err_t petls_altcp_tls_set_session(struct altcp_pcb *conn,
                                  const uint8_t *session, size_t len);
/* The petls connection of an altcp_tls pcb (also altcp_tls_context()). */
struct petls *petls_altcp_tls_conn(struct altcp_pcb *conn);
/* The last error text of a connection that failed (its err callback has
 * run): a static copy, valid until the next failure. */
const char *petls_altcp_tls_last_error(void);
/* How many altcp_tls connections exist now, and how many were refused
 * because petls_altcp_tls_set_max_conns() was reached. */
int petls_altcp_tls_conn_count(void);
unsigned petls_altcp_tls_refused_count(void);
/* At most max TLS connections at once (0: no limit, the default): an
 * accepted TCP connection beyond it is closed before any TLS byte. */
void petls_altcp_tls_set_max_conns(int max);

#endif
