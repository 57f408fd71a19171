/* tls_ocsp_process_response(3) and tls_config_ocsp_require_stapling(3).
 * mbedTLS 3.6 can neither send nor receive a stapled OCSP response: the
 * calls fail honestly or return their documented "no response" values
 * (docs/libtls.md). */
#include <criterion/criterion.h>
#include <string.h>

#include "lt_support.h"

/* The tls_peer_ocsp_* calls "return ... -1 (or NULL) if no OCSP response
 * is available". */
Test(tls_ocsp_process_response, no_response_values)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;
    const unsigned char junk[4] = {0x30, 0x02, 0x05, 0x00};

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0);
    cr_assert_eq(tls_peer_ocsp_response_status(p.client), -1);
    cr_assert_eq(tls_peer_ocsp_cert_status(p.client), -1);
    cr_assert_eq(tls_peer_ocsp_crl_reason(p.client), -1);
    cr_assert_null(tls_peer_ocsp_result(p.client));
    cr_assert_null(tls_peer_ocsp_url(p.client));
    cr_assert_eq(tls_peer_ocsp_this_update(p.client), -1);
    cr_assert_eq(tls_peer_ocsp_next_update(p.client), -1);
    cr_assert_eq(tls_peer_ocsp_revocation_time(p.client), -1);
    cr_assert_eq(tls_ocsp_process_response(p.client, junk, sizeof(junk)), -1);
    cr_assert(strstr(tls_error(p.client), "OCSP") != NULL, "%s",
              tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}

/* Stapling setters fail with the reason, never a silent success. */
Test(tls_ocsp_process_response, staple_setters_fail)
{
    struct tls_config *s = tls_config_new();
    const uint8_t staple[4] = {0x30, 0x02, 0x05, 0x00};

    cr_assert_eq(tls_config_set_ocsp_staple_mem(s, staple, sizeof(staple)), -1);
    cr_assert(strstr(tls_config_error(s), "mbedTLS") != NULL, "%s",
              tls_config_error(s));
    cr_assert_eq(tls_config_set_keypair_ocsp_file(
                     s, lt_cert("server-ecdsa.pem"),
                     lt_cert("server-ecdsa.key"), lt_cert("ca.pem")),
                 -1);
    /* Without a staple the keypair_ocsp calls act as the keypair calls. */
    cr_assert_eq(
        tls_config_set_keypair_ocsp_file(s, lt_cert("server-ecdsa.pem"),
                                         lt_cert("server-ecdsa.key"), NULL),
        0, "%s", tls_config_error(s));
    tls_config_free(s);
}

/* "tls_config_ocsp_require_stapling() requires that a valid stapled OCSP
 * response be provided during the TLS handshake": none can be, so every
 * handshake fails closed, saying why. */
Test(tls_ocsp_process_response, require_stapling_fails_closed)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    struct lt_pair p;
    int crc = 1;

    tls_config_ocsp_require_stapling(c);
    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, &crc, NULL), -1);
    cr_assert_eq(crc, -1);
    cr_assert(strstr(tls_error(p.client), "OCSP") != NULL, "%s",
              tls_error(p.client));
    lt_pair_close(&p);
    tls_config_free(s);
    tls_config_free(c);
}
