/*
 * Without PETLS_WITH_TICKETS and PETLS_WITH_SESSION_CACHE a server resumes
 * nothing (the session lifetime stays 0, config.c): its session hooks
 * answer "no ticket, not found". The client side (session_client.c) still
 * receives and offers sessions. Replaces session_server.c.
 */
#include <string.h>

#include "petls_features.h"
#include "petls_internal.h"

int petls_session_server_prepare(struct petls_config *config, char *err,
                                 size_t errlen)
{
    (void)config;
    (void)err;
    (void)errlen;
    return 0;
}

static int no_ticket_make(void *owner, uint16_t version, const uint8_t *sess,
                          size_t sess_len, uint8_t *out, size_t cap,
                          size_t *out_len, uint32_t *lifetime_s)
{
    (void)owner;
    (void)version;
    (void)sess;
    (void)sess_len;
    (void)out;
    (void)cap;
    (void)out_len;
    (void)lifetime_s;
    return -1;
}

static int no_ticket_open(void *owner, const uint8_t *ticket, size_t ticket_len,
                          uint8_t **sess, size_t *sess_len)
{
    (void)owner;
    (void)ticket;
    (void)ticket_len;
    (void)sess_len;
    *sess = NULL;
    return -1;
}

static int no_cache_put(void *owner, const uint8_t *id, size_t id_len,
                        const uint8_t *sess, size_t sess_len)
{
    (void)owner;
    (void)id;
    (void)id_len;
    (void)sess;
    (void)sess_len;
    return -1;
}

static int no_cache_get(void *owner, const uint8_t *id, size_t id_len,
                        uint8_t **sess, size_t *sess_len)
{
    (void)owner;
    (void)id;
    (void)id_len;
    (void)sess_len;
    *sess = NULL;
    return -1;
}

static void hook_client_session(void *owner, const uint8_t *sess, size_t len)
{
    petls_session_client_received(owner, sess, len);
}

/* No tickets: psk_ke resumption never comes up (psk_ke_offered NULL). */
const struct pb_session_hooks petls_session_hooks = {
    no_ticket_make,      no_ticket_open, no_cache_put, no_cache_get,
    hook_client_session, NULL,           NULL,
};
