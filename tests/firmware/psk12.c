/*
 * The firmware image's TLS 1.2 PSK run (built with FW_PSK12 by
 * tests/run/firmware.sh for the mbedTLS config
 * port/mbedtls/petls_mbedtls_psk12_min.h: PSK key exchange, AES-CCM, no
 * X.509, no public-key crypto, no TLS 1.3, no session tickets). A petls
 * client and server over main.c's in-memory link; it prints:
 *   1. the certificate functions refusing with the backend's "no X.509
 *      support" message (keypair, CA, CRL), a client config without a PSK
 *      and a server asking for client certificates refused at
 *      petls_configure;
 *   2. a PSK handshake on the default cipher list (TLS_PSK_WITH_AES_128_CCM)
 *      and 3000 bytes echoed (more than one 2 KiB record each way);
 *   3. that session resumed by session ID (the server's cache: no tickets);
 *   4. TLS_PSK_WITH_AES_128_CCM_8, when the client names it (the server
 *      names both CCM suites);
 *   5. a client with a wrong key and one with an unknown identity, both
 *      refused with petls's PSK messages, then a good client again on the
 *      same server;
 *   6. a client naming only CCM_8 refused by a server on the default
 *      list: no shared cipher suite;
 *   7. the heap peak of a handshake.
 * Built against an mbedTLS with certificates (a hosted check of the same
 * run), step 1 says so and skips the refusals.
 */
#include <petls.h>

#include "firmware.h"
#include "petls_port_none.h"

#include <stdio.h>
#include <string.h>

#define PAYLOAD_LEN 3000
#define IDENTITY "device-17"

/* Test keys (not secrets: this image is a test). */
static const uint8_t psk_key[16] = {0x70, 0x65, 0x74, 0x6c, 0x73, 0x2d,
                                    0x70, 0x73, 0x6b, 0x31, 0x32, 0x2d,
                                    0x6b, 0x65, 0x79, 0x21};
static const uint8_t wrong_key[16] = {0x70, 0x65, 0x74, 0x6c, 0x73, 0x2d,
                                      0x70, 0x73, 0x6b, 0x31, 0x32, 0x2d,
                                      0x6b, 0x65, 0x79, 0x3f};

static uint8_t payload[PAYLOAD_LEN], echo[PAYLOAD_LEN];

static int contains(const char *s, const char *part)
{
    return s != NULL && strstr(s, part) != NULL;
}

/* 1. What needs certificates fails, with the reason. */
static const char *no_x509_checks(void)
{
    static const char no_x509[] = "no X.509 support";
    const char *failure = NULL;
    struct petls_config *cfg = petls_config_new();
    struct petls *ctx = NULL;

    CHECK(cfg != NULL, "petls_config_new");
    if (petls_config_set_ca_mem(cfg, fw_ca_pem, fw_ca_pem_len) == 0) {
        printf("x509: this build has certificates: refusals not checked\n");
        goto out;
    }
    printf("x509: ca refused: %s\n", petls_config_error(cfg));
    CHECK(contains(petls_config_error(cfg), no_x509), "ca: other error");
    CHECK(petls_config_set_keypair_mem(cfg, fw_server_pem, fw_server_pem_len,
                                       fw_server_key, fw_server_key_len) != 0,
          "a keypair was accepted");
    printf("x509: keypair refused: %s\n", petls_config_error(cfg));
    CHECK(contains(petls_config_error(cfg), no_x509), "keypair: other error");
    /* Any bytes: the build cannot parse a CRL at all. */
    CHECK(petls_config_set_crl_mem(cfg, fw_ca_pem, fw_ca_pem_len) != 0,
          "a CRL was accepted");
    printf("x509: crl refused: %s\n", petls_config_error(cfg));
    CHECK(contains(petls_config_error(cfg), no_x509), "crl: other error");

    /* A client without a PSK could only do a certificate handshake. */
    ctx = petls_client();
    CHECK(ctx != NULL, "petls_client");
    CHECK(petls_configure(ctx, cfg) != 0, "a client without a PSK configured");
    printf("x509: client without a PSK refused: %s\n", petls_error(ctx));
    CHECK(contains(petls_error(ctx), no_x509) &&
              contains(petls_error(ctx), "needs a PSK"),
          "client without PSK: other error");
    petls_free(ctx);
    petls_config_free(cfg);

    /* A PSK server asking for client certificates. */
    ctx = petls_server();
    cfg = petls_config_new();
    CHECK(ctx != NULL && cfg != NULL, "petls_server");
    CHECK(petls_config_add_psk(cfg, IDENTITY, psk_key, sizeof(psk_key)) == 0,
          petls_config_error(cfg));
    petls_config_verify_client(cfg);
    CHECK(petls_configure(ctx, cfg) != 0,
          "a server verifying clients configured");
    printf("x509: server verifying clients refused: %s\n", petls_error(ctx));
    CHECK(contains(petls_error(ctx), no_x509) &&
              contains(petls_error(ctx), "client certificates"),
          "verify_client: other error");

out:
    petls_free(ctx);
    petls_config_free(cfg);
    return failure;
}

/* One connection from a fresh client on ccfg to server. Returns 0 when the
 * handshake completed (the pair then in *client, *sconn), -1 when it
 * failed (both freed, errors copied to cerr/serr). The client names the
 * server, as default verification wants; without X.509, mbedTLS sends no
 * SNI and there is no certificate to check the name against. */
static int connect_pair(struct petls *server, struct petls_config *ccfg,
                        const uint8_t *session, size_t session_len,
                        struct petls **client, struct petls **sconn, char *cerr,
                        char *serr, size_t errlen)
{
    *client = NULL;
    *sconn = NULL;
    fw_link_reset();
    *client = petls_client();
    if (*client == NULL || petls_configure(*client, ccfg) != 0 ||
        (session != NULL &&
         petls_set_session(*client, session, session_len) != 0) ||
        petls_accept_cbs(server, sconn, fw_link_read, fw_link_write,
                         fw_server_end) != 0 ||
        /* No server name: a PSK-only build has no certificate to verify
         * one against, so none is required (verification stays on). */
        petls_connect_cbs(*client, fw_link_read, fw_link_write, fw_client_end,
                          NULL) != 0 ||
        fw_handshake(*client, *sconn) != 0) {
        snprintf(cerr, errlen, "%s",
                 fw_error(*client != NULL ? petls_error(*client) : NULL));
        snprintf(serr, errlen, "%s",
                 fw_error(*sconn != NULL ? petls_error(*sconn)
                                         : petls_error(server)));
        petls_free(*sconn);
        petls_free(*client);
        *client = NULL;
        *sconn = NULL;
        return -1;
    }
    return 0;
}

static void print_conn(const char *label, struct petls *client,
                       struct petls *sconn)
{
    const char *cid = petls_conn_psk_identity(client);
    const char *sid = petls_conn_psk_identity(sconn);

    printf("%s: %s %s, identity client=%s server=%s, authorized client=%d "
           "server=%d, resumed client=%d server=%d, peer cert=%d\n",
           label, petls_conn_version(client), petls_conn_cipher(client),
           cid != NULL ? cid : "(none)", sid != NULL ? sid : "(none)",
           petls_conn_authorized(client), petls_conn_authorized(sconn),
           petls_conn_session_resumed(client),
           petls_conn_session_resumed(sconn), petls_peer_cert_provided(client));
}

/* PAYLOAD_LEN bytes client -> server -> client. */
static int exchange(struct petls *client, struct petls *sconn)
{
    memset(echo, 0, sizeof(echo));
    if (fw_write_all(client, payload, sizeof(payload)) != 0 ||
        fw_read_all(sconn, echo, sizeof(echo)) != 0 ||
        memcmp(echo, payload, sizeof(payload)) != 0 ||
        fw_write_all(sconn, echo, sizeof(echo)) != 0)
        return -1;
    memset(echo, 0, sizeof(echo));
    if (fw_read_all(client, echo, sizeof(echo)) != 0 ||
        memcmp(echo, payload, sizeof(payload)) != 0)
        return -1;
    return 0;
}

static void finish(struct petls **client, struct petls **sconn)
{
    fw_close_pair(*client, *sconn);
    petls_free(*sconn);
    petls_free(*client);
    *client = NULL;
    *sconn = NULL;
}

const char *fw_run_psk12(void)
{
    static uint8_t session[1024];
    char cerr[160], serr[160];
    const char *failure;
    struct petls_config *scfg = NULL, *ccfg = NULL, *ccm8 = NULL;
    struct petls_config *wrong = NULL, *stranger = NULL, *pcfg = NULL;
    struct petls *server = NULL, *plain = NULL, *client = NULL, *sconn = NULL;
    ssize_t slen;
    size_t base, i;

    cerr[0] = serr[0] = '\0';
    for (i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)('a' + i % 26);
    failure = no_x509_checks();
    if (failure != NULL)
        return failure;

    scfg = petls_config_new();
    ccfg = petls_config_new();
    ccm8 = petls_config_new();
    wrong = petls_config_new();
    stranger = petls_config_new();
    pcfg = petls_config_new();
    CHECK(scfg != NULL && ccfg != NULL && ccm8 != NULL && wrong != NULL &&
              stranger != NULL && pcfg != NULL,
          "petls_config_new");
    /* A PSK server needs no certificate. A device serves a handful of
     * clients: a small session cache (TLS 1.2 session IDs). */
    CHECK(petls_config_add_psk(scfg, IDENTITY, psk_key, sizeof(psk_key)) == 0,
          petls_config_error(scfg));
    CHECK(petls_config_set_session_cache(scfg, 8, 8192) == 0,
          petls_config_error(scfg));
    /* The default list has CCM (16-byte tag) but not CCM_8: a server that
     * takes CCM_8 names it. Its order wins in TLS 1.2, so CCM comes first
     * for clients offering both. */
    CHECK(petls_config_set_ciphers(scfg, "PSK-AES128-CCM:PSK-AES128-CCM8") == 0,
          petls_config_error(scfg));
    /* Clients: default settings (verification on, default protocols and
     * ciphers) plus the PSK. */
    CHECK(petls_config_add_psk(ccfg, IDENTITY, psk_key, sizeof(psk_key)) == 0,
          petls_config_error(ccfg));
    /* The config receives 2 KiB records: ask the server for no more (RFC
     * 6066; this server honours it, and sends no more anyway). */
    CHECK(petls_config_set_max_fragment_length(ccfg, 2048) == 0,
          petls_config_error(ccfg));
    CHECK(petls_config_add_psk(ccm8, IDENTITY, psk_key, sizeof(psk_key)) == 0 &&
              petls_config_set_ciphers(ccm8, "PSK-AES128-CCM8") == 0,
          petls_config_error(ccm8));
    CHECK(petls_config_add_psk(wrong, IDENTITY, wrong_key, sizeof(wrong_key)) ==
              0,
          petls_config_error(wrong));
    CHECK(petls_config_add_psk(stranger, "device-99", psk_key,
                               sizeof(psk_key)) == 0,
          petls_config_error(stranger));
    server = petls_server();
    CHECK(server != NULL, "petls_server");
    CHECK(petls_configure(server, scfg) == 0, petls_error(server));
    base = fw_heap_in_use();
    printf("heap after the configs (two servers, four clients): %u bytes\n",
           (unsigned)base);

    /* 2. Full PSK handshake and data. */
    petls_port_none_heap_reset_peak();
    CHECK(connect_pair(server, ccfg, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) == 0,
          "PSK handshake failed");
    print_conn("handshake 1", client, sconn);
    CHECK(strcmp(petls_conn_version(client), "TLSv1.2") == 0, "version");
    CHECK(strcmp(petls_conn_cipher(client), "PSK-AES128-CCM") == 0, "cipher");
    CHECK(petls_conn_session_resumed(client) == 0, "first handshake resumed");
    CHECK(exchange(client, sconn) == 0, "data 1 not echoed");
    printf("data 1: %u bytes echoed\n", (unsigned)sizeof(payload));
    printf("heap: PSK handshake peak %u bytes (client + server connections, "
           "both in this arena), live after it %u\n",
           (unsigned)(fw_heap_peak() - base),
           (unsigned)(fw_heap_in_use() - base));
    slen = petls_conn_session(client, session, sizeof(session));
    CHECK(slen > 0 && (size_t)slen <= sizeof(session),
          "no session after the first connection");
    printf("session: %d bytes\n", (int)slen);
    finish(&client, &sconn);

    /* 3. Resumption by session ID. */
    petls_port_none_heap_reset_peak();
    CHECK(connect_pair(server, ccfg, session, (size_t)slen, &client, &sconn,
                       cerr, serr, sizeof(cerr)) == 0,
          "resumed handshake failed");
    print_conn("handshake 2", client, sconn);
    CHECK(petls_conn_session_resumed(client) == 1 &&
              petls_conn_session_resumed(sconn) == 1,
          "no resumption");
    CHECK(exchange(client, sconn) == 0, "data 2 not echoed");
    printf("data 2: %u bytes echoed\n", (unsigned)sizeof(payload));
    printf("heap: resumed handshake peak %u bytes\n",
           (unsigned)(fw_heap_peak() - base));
    finish(&client, &sconn);

    /* 4. CCM_8, named by the client. */
    CHECK(connect_pair(server, ccm8, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) == 0,
          "CCM_8 handshake failed");
    print_conn("handshake 3", client, sconn);
    CHECK(strcmp(petls_conn_cipher(client), "PSK-AES128-CCM8") == 0,
          "CCM_8 cipher");
    CHECK(exchange(client, sconn) == 0, "data 3 not echoed");
    printf("data 3: %u bytes echoed\n", (unsigned)sizeof(payload));
    finish(&client, &sconn);

    /* 5. Refused clients, then the server serves again. */
    CHECK(connect_pair(server, wrong, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) != 0,
          "a wrong PSK was accepted");
    printf("wrong key: refused; server: %s; client: %s\n", serr, cerr);
    CHECK(contains(serr, "PSK mismatch"), "wrong key: server error");
    CHECK(connect_pair(server, stranger, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) != 0,
          "an unknown identity was accepted");
    printf("unknown identity: refused; server: %s; client: %s\n", serr, cerr);
    CHECK(contains(serr, "unknown PSK identity 'device-99'"),
          "unknown identity: server error");
    CHECK(connect_pair(server, ccfg, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) == 0,
          "the server did not serve after the refusals");
    print_conn("handshake 4", client, sconn);
    CHECK(exchange(client, sconn) == 0, "data 4 not echoed");
    printf("data 4: %u bytes echoed\n", (unsigned)sizeof(payload));
    finish(&client, &sconn);

    /* 6. A client naming only CCM_8, a server on the default list (which
     * has no CCM_8): no shared suite, said as such on both sides. */
    plain = petls_server();
    CHECK(plain != NULL, "petls_server");
    CHECK(petls_config_add_psk(pcfg, IDENTITY, psk_key, sizeof(psk_key)) == 0 &&
              petls_config_set_session_cache(pcfg, 8, 8192) == 0,
          petls_config_error(pcfg));
    CHECK(petls_configure(plain, pcfg) == 0, petls_error(plain));
    CHECK(connect_pair(plain, ccm8, NULL, 0, &client, &sconn, cerr, serr,
                       sizeof(cerr)) != 0,
          "CCM_8 accepted by a server on the default list");
    printf("no shared suite: refused; server: %s; client: %s\n", serr, cerr);
    CHECK(contains(serr, "no shared cipher suite"), "no shared suite: server");

out:
    if (failure != NULL && (cerr[0] != '\0' || serr[0] != '\0'))
        printf("last errors: client: %s; server: %s\n", cerr, serr);
    finish(&client, &sconn);
    petls_free(server);
    petls_free(plain);
    petls_config_free(pcfg);
    petls_config_free(scfg);
    petls_config_free(ccfg);
    petls_config_free(ccm8);
    petls_config_free(wrong);
    petls_config_free(stranger);
    return failure;
}
