/*
 * The server's session hooks (session_server.c, PETLS_WITH_TICKETS or
 * PETLS_WITH_SESSION_CACHE): the pb_session_hooks members that
 * core/features.c hands the backend (owner is the connection), and the
 * feature's table entry petls_feature_server_sessions (core/feature.h).
 */
#ifndef PETLS_SESSION_SERVER_H
#define PETLS_SESSION_SERVER_H

#include <stddef.h>
#include <stdint.h>

int petls_server_ticket_make(void *owner, uint16_t version, const uint8_t *sess,
                             size_t sess_len, uint8_t *out, size_t cap,
                             size_t *out_len, uint32_t *lifetime_s);
int petls_server_ticket_open(void *owner, const uint8_t *ticket,
                             size_t ticket_len, uint8_t **sess,
                             size_t *sess_len);
int petls_server_cache_put(void *owner, const uint8_t *id, size_t id_len,
                           const uint8_t *sess, size_t sess_len);
int petls_server_cache_get(void *owner, const uint8_t *id, size_t id_len,
                           uint8_t **sess, size_t *sess_len);
int petls_server_psk_ke_offered(const uint8_t *hello, size_t hello_len,
                                const uint8_t *ticket, size_t ticket_len,
                                uint32_t *obfuscated_age);
int petls_server_hello_sni(const uint8_t *hello, size_t hello_len,
                           const uint8_t **name, size_t *name_len);

#endif
