/* libFuzzer target: the ClientHello pre-parser. The input is the bytes a
 * client sent first (TLS records). Checks that results point inside the
 * input or the reassembly buffer, that a prefix of a complete hello is
 * never an error, and that errors are terminated strings. The input is
 * also parsed directly as a message body. */
#include "fuzz_util.h"

#include "client_hello.h"

static uint8_t scratch[PETLS_CH_MAX_FLIGHT];

static int inside(const uint8_t *p, size_t n, const uint8_t *base,
                  size_t base_len)
{
    return p >= base && n <= base_len && (size_t)(p - base) <= base_len - n;
}

static void check_parsed(const uint8_t *msg, size_t len)
{
    struct petls_client_hello ch;
    char err[128], why[64];
    size_t i;
    int r, a;

    memset(err, 'X', sizeof(err));
    r = petls_client_hello_parse(msg, len, &ch, err, sizeof(err));
    FUZZ_CHECK(r == 0 || r == -1);
    /* The ClientHello stage refuses exactly the duplicates. */
    memset(why, 'X', sizeof(why));
    a = petls_client_hello_judge(msg, len, why, sizeof(why));
    FUZZ_CHECK(a == (r != 0 && ch.duplicate ? 47 : 0));
    if (a != 0)
        FUZZ_CHECK(fuzz_terminated(why, sizeof(why)));
    if (r != 0) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        return;
    }
    FUZZ_CHECK(ch.session_id_len <= 32);
    if (ch.session_id != NULL)
        FUZZ_CHECK(inside(ch.session_id, ch.session_id_len, msg, len));
    if (ch.sni != NULL)
        FUZZ_CHECK(ch.sni_len > 0 && inside(ch.sni, ch.sni_len, msg, len));
    if (ch.alpn != NULL)
        FUZZ_CHECK(inside(ch.alpn, ch.alpn_len, msg, len));
    if (ch.ticket != NULL)
        FUZZ_CHECK(ch.has_ticket_ext &&
                   inside(ch.ticket, ch.ticket_len, msg, len));
    if (ch.sig_algs != NULL)
        FUZZ_CHECK(ch.sig_algs_len > 0 && ch.sig_algs_len % 2 == 0 &&
                   inside(ch.sig_algs, ch.sig_algs_len, msg, len));
    else
        FUZZ_CHECK(ch.sig_algs_len == 0);
    FUZZ_CHECK(ch.n_psk_identities <= PETLS_CH_MAX_PSK_IDENTITIES);
    FUZZ_CHECK((ch.psk_modes & ~(PETLS_CH_PSK_KE | PETLS_CH_PSK_DHE_KE)) == 0);
    for (i = 0; i < ch.n_psk_identities; i++)
        FUZZ_CHECK(
            ch.psk_identity_len[i] > 0 &&
            inside(ch.psk_identity[i], ch.psk_identity_len[i], msg, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *msg = NULL;
    size_t msg_len = 0;
    char err[128];
    int r;

    memset(err, 'X', sizeof(err));
    r = petls_client_hello_collect(data, size, scratch, sizeof(scratch), &msg,
                                   &msg_len, err, sizeof(err));
    FUZZ_CHECK(r == 1 || r == 0 || r == -1);
    if (r == -1)
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
    if (r == 0)
        FUZZ_CHECK(size < PETLS_CH_MAX_FLIGHT);
    if (r == 1) {
        FUZZ_CHECK(inside(msg, msg_len, data, size) ||
                   inside(msg, msg_len, scratch, sizeof(scratch)));
        check_parsed(msg, msg_len);
        /* One byte less was either still complete or "need more". */
        if (size > 0) {
            const uint8_t *m2;
            size_t l2;
            r = petls_client_hello_collect(data, size - 1, scratch,
                                           sizeof(scratch), &m2, &l2, err,
                                           sizeof(err));
            FUZZ_CHECK(r == 0 || r == 1);
        }
    }
    check_parsed(data, size);
    return 0;
}
