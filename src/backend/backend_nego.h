/*
 * The negotiation part of the backend interface: ALPN, TLS 1.2
 * renegotiation, key logging, record sizes and the keying-material
 * exporter. backend.h carries one pointer to each struct below (in
 * pb_settings and pb_conn_params); the calls follow backend.h's
 * conventions (0 or a PB_* code, a readable reason in err).
 */
#ifndef PETLS_BACKEND_NEGO_H
#define PETLS_BACKEND_NEGO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pb_conn;

/* Frozen with the config (pb_settings.nego; NULL: all defaults). */
struct pb_nego_settings {
    /* ALPN protocols, most preferred first, NULL-terminated (NULL: no
     * ALPN). A client offers them; a server selects the first of its own
     * the client offers and ends the handshake with no_application_protocol
     * when none is offered (RFC 7301 3.2). The strings must outlive the
     * config. */
    const char *const *alpn;
    /* TLS 1.2 renegotiation (RFC 5746 secure renegotiation only; legacy
     * peers are refused), for client and server endpoints. 0: every
     * renegotiation is refused with a no_renegotiation warning alert and
     * the connection goes on. */
    int renegotiation;
    int renegotiation_server;
    /* Client: RFC 6066 max_fragment_length to offer: 0 (none), 512, 1024,
     * 2048 or 4096. */
    unsigned int max_frag_len;
};

/* Called back with pb_conn_params.owner, on the thread driving the
 * connection, from inside pb_conn_handshake(), pb_conn_read(),
 * pb_conn_write() or pb_conn_renegotiate(). */
struct pb_nego_hooks {
    /* A secret for the NSS key log: label is "CLIENT_RANDOM" (TLS 1.2
     * master secret) or a TLS 1.3 label ("CLIENT_HANDSHAKE_TRAFFIC_SECRET",
     * "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
     * "SERVER_TRAFFIC_SECRET_0"); client_random is 32 bytes. NULL: none. */
    void (*keylog)(void *owner, const char *label, const uint8_t *client_random,
                   const uint8_t *secret, size_t secret_len);
    /* Server: the client started a renegotiation. 0 lets it go on; -1 ends
     * the connection (a fatal handshake_failure alert) and the read that
     * saw it fails with the message written into err. */
    int (*client_reneg)(void *owner, char *err, size_t errlen);
    /* A renegotiation completed (either side): peer facts may have
     * changed (e.g. a client certificate sent late). */
    void (*renegotiated)(void *owner);
};

/* Per connection (pb_conn_params.nego; NULL: all defaults). */
struct pb_nego_params {
    const struct pb_nego_hooks *hooks; /* NULL: none */
    /* Server, ALPN chosen by the application for this connection (Node's
     * ALPNCallback) from the client's offer (offered, the raw
     * ProtocolNameList without its length prefix): alpn_select is the
     * protocol to select (a copy is kept), or alpn_refuse ends the
     * handshake with no_application_protocol. Both unset: the config's
     * list decides. */
    const char *alpn_select;
    int alpn_refuse;
    const uint8_t *alpn_offered;
    size_t alpn_offered_len;
    /* Largest plaintext per record this side sends (512..16384, 0: the
     * backend's maximum); Node's setMaxSendFragment. */
    size_t max_send_fragment;
    /* Node's disableRenegotiation() before the connection existed: this
     * connection refuses renegotiation as if the config's
     * renegotiation(_server) were 0. */
    int renegotiation_off;
};

/* Longest plaintext record the backend can send (mbedTLS:
 * MBEDTLS_SSL_OUT_CONTENT_LEN, 16384 on a full build). */
size_t pb_max_send_fragment_limit(void);

/* The ALPN protocol the completed handshake selected, or NULL. */
const char *pb_conn_alpn(const struct pb_conn *c);

/* Changes the largest plaintext per record sent from now on (512..16384, 0:
 * the maximum). */
int pb_conn_set_max_send_fragment(struct pb_conn *c, size_t size, char *err,
                                  size_t errlen);

/* TLS 1.2 renegotiation. Client: runs a new handshake (0 when done,
 * PB_WANT_* to call again, PB_ERR). Server: sends a HelloRequest (0 when
 * sent); the client's new handshake then runs inside pb_conn_read(); with
 * verify_client >= 0 (PETLS_VERIFY_CLIENT_*) it asks for a client
 * certificate as that mode says. Fails on TLS 1.3 and when renegotiation is
 * off. */
int pb_conn_renegotiate(struct pb_conn *c, int verify_client, char *err,
                        size_t errlen);
/* Completed renegotiations on this connection. */
unsigned int pb_conn_renegotiations(const struct pb_conn *c);
/* From now on this connection refuses renegotiation as a config with
 * renegotiation 0 does (a no_renegotiation warning alert; its own
 * pb_conn_renegotiate fails). Other connections are not affected. */
int pb_conn_disable_renegotiation(struct pb_conn *c, char *err, size_t errlen);

/* RFC 5705 (TLS 1.2) / RFC 8446 7.5 (TLS 1.3) exporter, after the
 * handshake. context NULL: no context (differs from an empty one in TLS
 * 1.2 only). */
#define PB_EXPORT_MAX_LEN 8160
int pb_conn_export_keying_material(struct pb_conn *c, uint8_t *out, size_t len,
                                   const char *label, size_t label_len,
                                   const uint8_t *context, size_t context_len,
                                   char *err, size_t errlen);

#endif /* PETLS_BACKEND_NEGO_H */
