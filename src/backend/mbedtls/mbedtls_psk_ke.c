/*
 * TLS 1.3 psk_ke resumption (no (EC)DHE) preferred by the server when the
 * config allows it and the client offers it, as OpenSSL's server does with
 * SSL_OP_ALLOW_NO_DHE_KEX.
 *
 * mbedTLS 3.6's server has a fixed order: psk_dhe_ke, then a certificate
 * handshake, then psk_ke ("Our built-in order of preference",
 * ssl_tls13_server.c). Every client that allows psk_ke also offers
 * psk_dhe_ke and a key share, so it never got psk_ke. mbedTLS reads the
 * modes the server allows from ssl->conf when it weighs an offered
 * identity, right after the ticket callback opened it: when the ticket
 * qualifies, the connection's conf is swapped there (from inside that
 * callback, mbedtls_session.c) for a copy whose only TLS 1.3 key exchange
 * is psk_ke. The ticket is opened once, by that callback.
 *
 * With psk_ke as the only mode, a ticket mbedTLS then turned down would
 * fail the handshake instead of giving a full one, so everything mbedTLS
 * checks between the callback and its choice is checked here first: the
 * session's version, the modes the ticket allows (those the client listed
 * when it was issued), psk_ke in this ClientHello (through the engine's
 * parser, pb_session_hooks.psk_ke_offered) and the ticket age, with a
 * margin so that the clock moving on in between cannot turn a yes into a
 * no. Anything short of that leaves mbedTLS's own order: psk_dhe_ke.
 * After a HelloRetryRequest the mode is not changed any more (the retry
 * was asked for a key share).
 *
 * Cost: nothing for connections that do not qualify beyond parsing the
 * ClientHello once more when the config allows psk_ke and a TLS 1.3
 * ticket opened; one mbedtls_ssl_config copy for those that do.
 *
 * The client side (PETLS_TLS13_PSK_KE_ONLY, pb_config.client_psk_ke_only):
 * a client resuming a TLS 1.3 session whose ticket allows psk_ke (it was
 * received under a config that allowed it) offers psk_ke alone, with no
 * key share, so it computes no (EC)DHE key the server would ignore. mbedTLS
 * writes psk_key_exchange_modes and decides on key_share from the
 * connection's conf, so the conf is swapped for a copy whose only TLS 1.3
 * key exchange is psk_ke, once the session is set. mbedTLS would then send
 * a ClientHello with neither a ticket nor a key share for a ticket it
 * drops itself, so those are checked first: the version, the ticket's
 * modes, its age against its lifetime (with the same margin). Anything
 * short of that offers both modes and a key share, as PETLS_TLS13_PSK_KE_
 * ALLOW. A server that refuses psk_ke or the ticket cannot fall back to a
 * full handshake without a key share: the handshake fails (docs/API.md).
 */

/* Private access, for what mbedTLS 3.6 has no accessor for: the
 * connection's conf pointer (swapped), the ClientHello being processed
 * (in_msg, in_hslen), the config's TLS 1.3 key exchange modes, and the
 * session's ticket_flags, ticket_creation_time and ticket_age_add (the
 * ticket age check mbedTLS makes after the callback); on the client the
 * session's ticket, ticket_reception_time and ticket_lifetime (the expiry
 * check of ssl_client.c). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include <mbedtls/platform_time.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>

#include "backend/mbedtls/mbedtls_internal.h"
#include "petls_port.h"

/* RFC 8446 4.6.1: 7 days, mbedTLS's MBEDTLS_SSL_TLS1_3_MAX_ALLOWED_TICKET_
 * LIFETIME (a private header). */
#define MAX_TICKET_AGE_MS (604800 * (mbedtls_ms_time_t)1000)
/* Room for the time mbedTLS's own age check runs after ours. */
#define AGE_MARGIN_MS 1000

#if defined(MBEDTLS_SSL_SRV_C) && defined(MBEDTLS_SSL_PROTO_TLS1_3) &&         \
    defined(MBEDTLS_SSL_SESSION_TICKETS) &&                                    \
    defined(MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED)
#define PSK_KE_SERVER 1
#endif

#if defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_SSL_PROTO_TLS1_3) &&         \
    defined(MBEDTLS_SSL_SESSION_TICKETS) &&                                    \
    defined(MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED)
#define PSK_KE_CLIENT 1
#endif

#if defined(PSK_KE_SERVER) || defined(PSK_KE_CLIENT)
/* A copy of the connection's conf with psk_ke as its only TLS 1.3 key
 * exchange, which the connection then uses. 0, or -1 (out of memory:
 * nothing changed). */
static int switch_to_psk_ke(struct pb_conn *c)
{
    mbedtls_ssl_config *copy = petls_port_calloc(1, sizeof(*copy));

    if (copy == NULL) {
        return -1;
    }
    memcpy(copy, c->ssl.conf, sizeof(*copy));
    mbedtls_ssl_conf_tls13_key_exchange_modes(
        copy, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK);
    c->psk_ke_conf = copy;
    c->ssl.conf = copy;
    return 0;
}
#endif

#if defined(PSK_KE_SERVER)
/* What ssl_tls13_offered_psks_check_identity_match_ticket() checks after
 * the ticket callback returned. */
static int age_acceptable(const mbedtls_ssl_session *session,
                          uint32_t obfuscated_age)
{
#if defined(MBEDTLS_HAVE_TIME)
    mbedtls_ms_time_t now = mbedtls_ms_time();
    mbedtls_ms_time_t server_age, diff;
    uint32_t client_age;

    if (now < session->ticket_creation_time) {
        return 0;
    }
    server_age = now - session->ticket_creation_time;
    if (server_age > MAX_TICKET_AGE_MS - AGE_MARGIN_MS) {
        return 0;
    }
    client_age = obfuscated_age - session->ticket_age_add;
    diff = server_age - (mbedtls_ms_time_t)client_age;
    return diff >= -(MBEDTLS_SSL_TLS1_3_TICKET_AGE_TOLERANCE - AGE_MARGIN_MS) &&
           diff <= MBEDTLS_SSL_TLS1_3_TICKET_AGE_TOLERANCE - AGE_MARGIN_MS;
#else
    (void)session;
    (void)obfuscated_age;
    return 1; /* mbedTLS checks no age without a clock either */
#endif
}
#endif

void pb_mbedtls_psk_ke_consider(struct pb_conn *c,
                                const mbedtls_ssl_session *session,
                                const uint8_t *ticket, size_t ticket_len)
{
#if defined(PSK_KE_SERVER)
    const struct pb_session_hooks *h = c->cfg->hooks;
    const mbedtls_ssl_config *conf = c->ssl.conf;
    uint32_t age = 0;

    if (!c->is_server || c->psk_ke_conf != NULL || c->saw_hrr || h == NULL ||
        h->psk_ke_offered == NULL ||
        (conf->tls13_kex_modes & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK) ==
            0 ||
        session->tls_version != MBEDTLS_SSL_VERSION_TLS1_3 ||
        mbedtls_ssl_get_version_number(&c->ssl) != MBEDTLS_SSL_VERSION_TLS1_3 ||
        (session->ticket_flags & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK) ==
            0 ||
        c->ssl.in_msg == NULL || c->ssl.in_hslen < 4) {
        return;
    }
    if (h->psk_ke_offered(c->ssl.in_msg + 4, c->ssl.in_hslen - 4, ticket,
                          ticket_len, &age) != 1 ||
        !age_acceptable(session, age)) {
        return;
    }
    (void)switch_to_psk_ke(c); /* out of memory: psk_dhe_ke, as without */
#else
    (void)c;
    (void)session;
    (void)ticket;
    (void)ticket_len;
#endif
}

void pb_mbedtls_psk_ke_client(struct pb_conn *c,
                              const mbedtls_ssl_session *session)
{
#if defined(PSK_KE_CLIENT)
    if (c->is_server || !c->cfg->client_psk_ke_only || c->psk_ke_conf != NULL ||
        session->tls_version != MBEDTLS_SSL_VERSION_TLS1_3 ||
        session->ticket == NULL ||
        (session->ticket_flags & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK) ==
            0 ||
        (c->ssl.conf->tls13_kex_modes &
         MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK) == 0) {
        return;
    }
#if defined(MBEDTLS_HAVE_TIME)
    {
        mbedtls_ms_time_t age =
            mbedtls_ms_time() - session->ticket_reception_time;

        if (age < 0 ||
            age > (mbedtls_ms_time_t)session->ticket_lifetime * 1000 -
                      AGE_MARGIN_MS) {
            return; /* mbedTLS will not offer it: a full handshake */
        }
    }
#endif
    (void)switch_to_psk_ke(c); /* out of memory: both modes, as ALLOW */
#else
    (void)c;
    (void)session;
#endif
}

void pb_mbedtls_psk_ke_free(struct pb_conn *c)
{
    if (c->psk_ke_conf != NULL) {
        mbedtls_platform_zeroize(c->psk_ke_conf, sizeof(*c->psk_ke_conf));
        petls_port_free(c->psk_ke_conf);
        c->psk_ke_conf = NULL;
    }
}

int pb_conn_resumed_psk_ke(const struct pb_conn *c)
{
    /* The copy allows psk_ke only: a completed resumption under it used
     * psk_ke (on a client, one that offered psk_ke alone). Read from the
     * connection itself, not through mbedtls_session.c (no ring). */
    return c != NULL && c->psk_ke_conf != NULL && c->handshake_done &&
           c->resumed;
}
