/*
 * Memory of an established connection on mbedTLS 3.6.
 *
 * (1) Record buffers released while idle. mbedTLS allocates its input and
 * output record buffers (about 16.7 KiB each with the default 16 KiB
 * records) in mbedtls_ssl_setup() and keeps them until mbedtls_ssl_free();
 * it has nothing like OpenSSL's SSL_MODE_RELEASE_BUFFERS. When a connection
 * holds no buffered input, no unread plaintext, no partial handshake
 * message and no pending output, nothing in those buffers is needed except
 * the 8-byte incoming record counter that TLS keeps at the start of the
 * input buffer (ssl->in_ctr == ssl->in_buf); the outgoing counter lives in
 * ssl->cur_out_ctr and is copied into the output buffer per record, but its
 * 8 bytes are kept too. Every pointer mbedTLS derives from the buffers is
 * kept as an offset and rebased on the new buffers: that is what mbedTLS
 * itself does when it reallocates them (handle_buffer_resizing() in
 * ssl_tls.c, MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH), and it keeps whatever
 * mbedtls_ssl_update_in_pointers()/update_out_pointers() derived for the
 * current transforms without calling them (ssl_misc.h is not installed).
 *
 * (2) TLS 1.3 handshake leftovers. mbedTLS 3.6 frees the handshake state
 * after a TLS 1.2 handshake (mbedtls_ssl_handshake_wrapup_free_hs_transform)
 * but keeps it after a TLS 1.3 one, with the handshake-key transform and a
 * TLS 1.2 transform that TLS 1.3 never uses.
 *
 * Private access: the record-layer fields of mbedtls_ssl_context listed in
 * struct pb_bufstate, ssl->state, renego_status, the transforms and
 * ssl->handshake. The layout is that of the mbedTLS headers petls was
 * compiled with; against a shared library of another version, nothing is
 * released (pb_mbedtls_buffers_supported()).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#if defined(MBEDTLS_VERSION_C)
#include <mbedtls/version.h>
#endif

#include "backend/mbedtls/mbedtls_internal.h"

#if MBEDTLS_VERSION_NUMBER < 0x03060000 || MBEDTLS_VERSION_NUMBER >= 0x03070000
// cppcheck-suppress preprocessorErrorDirective
#error "mbedtls_buffers.c follows the mbedTLS 3.6 record layer"
#endif

/* The buffer sizes mbedtls_ssl_setup() allocates. With
 * MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH the context records them (and mbedTLS
 * may shrink them after the handshake); otherwise they are
 * MBEDTLS_SSL_IN_BUFFER_LEN / MBEDTLS_SSL_OUT_BUFFER_LEN of the library's
 * private ssl_misc.h: counter and header (13), the largest IV (16), MAC or
 * AEAD tag, CBC padding and the CID padding, plus the content length and,
 * with CIDs, the longest CID. Derived here from the public configuration
 * macros; when the library's own header is at hand (source builds, and
 * the Debian build with .deps/mbedtls-src of the same version) the build
 * checks the result against it (PB_MBEDTLS_SSL_MISC_H below). */
#if defined(MBEDTLS_SSL_PROTO_TLS1_2) && defined(MBEDTLS_SSL_HAVE_CBC) &&      \
    (defined(MBEDTLS_SSL_HAVE_AES) || defined(MBEDTLS_SSL_HAVE_CAMELLIA) ||    \
     defined(MBEDTLS_SSL_HAVE_ARIA))
#define PB_SUITES_CBC 1
#else
#define PB_SUITES_CBC 0
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_2) &&                                       \
    (PB_SUITES_CBC || defined(MBEDTLS_CIPHER_NULL_CIPHER))
#if defined(MBEDTLS_MD_CAN_SHA384)
#define PB_MAC_ADD 48
#elif defined(MBEDTLS_MD_CAN_SHA256)
#define PB_MAC_ADD 32
#else
#define PB_MAC_ADD 20
#endif
#else
#define PB_MAC_ADD 16
#endif
#if defined(MBEDTLS_SSL_HAVE_CBC)
#define PB_PADDING_ADD 256
#else
#define PB_PADDING_ADD 0
#endif
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
#define PB_CID_EXPANSION MBEDTLS_SSL_CID_TLS1_3_PADDING_GRANULARITY
#define PB_CID_IN MBEDTLS_SSL_CID_IN_LEN_MAX
#define PB_CID_OUT MBEDTLS_SSL_CID_OUT_LEN_MAX
#else
#define PB_CID_EXPANSION 0
#define PB_CID_IN 0
#define PB_CID_OUT 0
#endif
#define PB_OVERHEAD                                                            \
    (13 + MBEDTLS_MAX_IV_LENGTH + PB_MAC_ADD + PB_PADDING_ADD +                \
     PB_CID_EXPANSION)
#define PB_IN_BUFFER_LEN (PB_OVERHEAD + MBEDTLS_SSL_IN_CONTENT_LEN + PB_CID_IN)
#define PB_OUT_BUFFER_LEN                                                      \
    (PB_OVERHEAD + MBEDTLS_SSL_OUT_CONTENT_LEN + PB_CID_OUT)

#if defined(PB_MBEDTLS_SSL_MISC_H) && !defined(__clang_analyzer__)
/* The library's private header, only to check the sizes at build time
 * (not under clang-tidy, which would lint the library's own macros). */
#include PB_MBEDTLS_SSL_MISC_H
_Static_assert(PB_IN_BUFFER_LEN == MBEDTLS_SSL_IN_BUFFER_LEN,
               "input record buffer size differs from mbedTLS's");
_Static_assert(PB_OUT_BUFFER_LEN == MBEDTLS_SSL_OUT_BUFFER_LEN,
               "output record buffer size differs from mbedTLS's");
#endif

#if !defined(PB_MBEDTLS_SSL_MISC_H) || defined(__clang_analyzer__)
int mbedtls_ssl_flush_output(mbedtls_ssl_context *ssl); /* ssl_misc.h */
#endif

#define PB_CTR_LEN 8 /* MBEDTLS_SSL_SEQUENCE_NUMBER_LEN */

/* ssl->renego_status values (ssl_misc.h, not installed). */
#define PB_RENEGO_INITIAL 0 /* MBEDTLS_SSL_INITIAL_HANDSHAKE */
#define PB_RENEGO_DONE 2    /* MBEDTLS_SSL_RENEGOTIATION_DONE */
#if defined(MBEDTLS_SSL_INITIAL_HANDSHAKE)
_Static_assert(PB_RENEGO_INITIAL == MBEDTLS_SSL_INITIAL_HANDSHAKE &&
                   PB_RENEGO_DONE == MBEDTLS_SSL_RENEGOTIATION_DONE,
               "renegotiation states differ from mbedTLS's");
#endif

int pb_mbedtls_buffers_supported(void)
{
#if defined(MBEDTLS_VERSION_C)
    /* The context layout is that of the headers: a shared library of
     * another release (even a 3.6.x) may differ. */
    return mbedtls_version_get_number() == MBEDTLS_VERSION_NUMBER;
#else
    return 1; /* no version call: a static build of the same tree */
#endif
}

static size_t in_size(const mbedtls_ssl_context *s)
{
#if defined(MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH)
    return s->in_buf_len;
#else
    (void)s;
    return PB_IN_BUFFER_LEN;
#endif
}

static size_t out_size(const mbedtls_ssl_context *s)
{
#if defined(MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH)
    return s->out_buf_len;
#else
    (void)s;
    return PB_OUT_BUFFER_LEN;
#endif
}

/* Nothing in the record buffers but the counters. */
static int is_idle(const struct pb_conn *c)
{
    const mbedtls_ssl_context *s = &c->ssl;

    if (s->in_buf == NULL || s->out_buf == NULL || s->conf == NULL) {
        return 0;
    }
#if defined(MBEDTLS_SSL_PROTO_DTLS)
    if (s->conf->transport != MBEDTLS_SSL_TRANSPORT_STREAM) {
        return 0;
    }
#endif
    if (s->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        return 0; /* handshake, renegotiation, post-handshake message */
    }
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    if (s->renego_status != PB_RENEGO_INITIAL &&
        s->renego_status != PB_RENEGO_DONE) {
        return 0; /* a HelloRequest sent or received */
    }
#endif
    if (s->in_left != 0 || s->out_left != 0 || s->in_offt != NULL ||
        s->keep_current_message != 0 || s->send_alert != 0) {
        return 0;
    }
    if (mbedtls_ssl_check_pending(s) != 0) {
        return 0; /* more handshake messages in the current record */
    }
#if MBEDTLS_VERSION_NUMBER >= 0x03060300
    /* TLS: bytes of a handshake message that spans records, kept in the
     * input buffer until the message is complete. */
    if (s->badmac_seen_or_in_hsfraglen != 0) {
        return 0;
    }
#endif
    /* The layout this file restores: TLS keeps the counters at the start
     * of each buffer. */
    if (s->in_ctr != s->in_buf || s->out_ctr != s->out_buf) {
        return 0;
    }
    return 1;
}

#define OFF(p, base) ((size_t)((p) - (base)))

void pb_mbedtls_buffers_idle(struct pb_conn *c)
{
    struct pb_bufstate *b = &c->bufs;
    mbedtls_ssl_context *s = &c->ssl;

    if (b->released || c->failed != 0 || !c->handshake_done ||
        c->cfg->keep_buffers || !pb_mbedtls_buffers_supported() ||
        !is_idle(c)) {
        return;
    }
    b->in_size = in_size(s);
    b->out_size = out_size(s);
    memcpy(b->in_ctr, s->in_buf, PB_CTR_LEN);
    memcpy(b->out_ctr, s->out_buf, PB_CTR_LEN);
    b->in_hdr = OFF(s->in_hdr, s->in_buf);
    b->in_len = OFF(s->in_len, s->in_buf);
    b->in_iv = OFF(s->in_iv, s->in_buf);
    b->in_msg = OFF(s->in_msg, s->in_buf);
    b->out_hdr = OFF(s->out_hdr, s->out_buf);
    b->out_len = OFF(s->out_len, s->out_buf);
    b->out_iv = OFF(s->out_iv, s->out_buf);
    b->out_msg = OFF(s->out_msg, s->out_buf);
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    b->in_cid = OFF(s->in_cid, s->in_buf);
    b->out_cid = OFF(s->out_cid, s->out_buf);
    s->in_cid = NULL;
    s->out_cid = NULL;
#endif
    /* The buffers may hold plaintext of the last records. */
    mbedtls_zeroize_and_free(s->in_buf, b->in_size);
    mbedtls_zeroize_and_free(s->out_buf, b->out_size);
    s->in_buf = s->in_ctr = s->in_hdr = s->in_len = s->in_iv = s->in_msg = NULL;
    s->out_buf = s->out_ctr = s->out_hdr = s->out_len = s->out_iv = s->out_msg =
        NULL;
    b->released = 1;
    b->releases++;
}

/* Tests: how many of the next re-allocations fail as out of memory. */
static unsigned int fail_next;

void pb_conn_buffers_fail_next(unsigned int n)
{
    fail_next = n;
}

int pb_mbedtls_buffers_acquire(struct pb_conn *c, const char *op, char *err,
                               size_t errlen)
{
    struct pb_bufstate *b = &c->bufs;
    mbedtls_ssl_context *s = &c->ssl;
    unsigned char *in, *out;

    if (!b->released) {
        return 0;
    }
    if (fail_next > 0) {
        fail_next--;
        in = out = NULL;
    } else {
        in = mbedtls_calloc(1, b->in_size);
        out = in != NULL ? mbedtls_calloc(1, b->out_size) : NULL;
    }
    if (out == NULL) {
        mbedtls_free(in);
        /* This connection only: it stays released and failed, and
         * pb_conn_free() frees it as usual. */
        pb_mbedtls_msg(err, errlen,
                       "%s: out of memory (record buffers, %lu bytes)", op,
                       (unsigned long)(b->in_size + b->out_size));
        c->failed = PB_ERR;
        return PB_ERR;
    }
    memcpy(in, b->in_ctr, PB_CTR_LEN);
    memcpy(out, b->out_ctr, PB_CTR_LEN);
    mbedtls_platform_zeroize(b->in_ctr, sizeof(b->in_ctr));
    mbedtls_platform_zeroize(b->out_ctr, sizeof(b->out_ctr));
    s->in_buf = in;
    s->in_ctr = in;
    s->in_hdr = in + b->in_hdr;
    s->in_len = in + b->in_len;
    s->in_iv = in + b->in_iv;
    s->in_msg = in + b->in_msg;
    s->out_buf = out;
    s->out_ctr = out;
    s->out_hdr = out + b->out_hdr;
    s->out_len = out + b->out_len;
    s->out_iv = out + b->out_iv;
    s->out_msg = out + b->out_msg;
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    s->in_cid = in + b->in_cid;
    s->out_cid = out + b->out_cid;
#endif
    b->released = 0;
    return 0;
}

int pb_conn_buffers_released(const struct pb_conn *c)
{
    return c->bufs.released;
}

/* ---- A write interrupted by WANT_* ----
 * mbedtls_ssl_write() that returns WANT_* from flushing its record expects
 * the same call again, which only flushes (ssl_write_real: out_left != 0).
 * But a read in between may flush that record first: reading a TLS 1.3
 * NewSessionTicket (or a HelloRequest) runs a handshake step, which starts
 * by flushing the output; the repeated write then finds the buffer empty
 * and writes the chunk a second time (found by fuzz_release_buffers: the
 * peer read the data twice). conn_write flushes such a record itself. */

size_t pb_mbedtls_write_queued(const struct pb_conn *c, size_t chunk)
{
    int max;

    if (c->ssl.out_left == 0 || c->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        return 0;
    }
    /* ssl_write_real() puts at most one record's payload in it. */
    max = mbedtls_ssl_get_max_out_record_payload(&c->ssl);
    if (max <= 0) {
        return 0;
    }
    return chunk < (size_t)max ? chunk : (size_t)max;
}

int pb_mbedtls_flush(struct pb_conn *c)
{
    struct pb_conn *prev = pb_mbedtls_enter(c);
    int ret = mbedtls_ssl_flush_output(&c->ssl);

    pb_mbedtls_leave(prev);
    return ret;
}

/* ---- TLS 1.3 handshake leftovers ---- */

void pb_mbedtls_handshake_leftovers(struct pb_conn *c)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_context *s = &c->ssl;
    const struct pb_session_hooks *h = c->cfg->hooks;
    int takes_tickets = h != NULL && h->client_session != NULL;

    if (!pb_mbedtls_buffers_supported() ||
        s->state != MBEDTLS_SSL_HANDSHAKE_OVER ||
        mbedtls_ssl_get_version_number(s) != MBEDTLS_SSL_VERSION_TLS1_3) {
        return;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
    /* The TLS 1.2 transform, which TLS 1.3 never uses (the application
     * keys are in transform_application). mbedtls_ssl_free() frees it only
     * when it is not NULL. */
    if (s->transform_negotiate != NULL &&
        s->transform_negotiate != s->transform_in &&
        s->transform_negotiate != s->transform_out) {
        mbedtls_ssl_transform_free(s->transform_negotiate);
        mbedtls_free(s->transform_negotiate);
        s->transform_negotiate = NULL;
    }
#endif
    if (s->handshake == NULL || c->bufs.hs_emptied) {
        return;
    }
    /* mbedtls_ssl_handshake_free() frees what the handshake state holds
     * (the handshake-key and early-data transforms, the key share,
     * transcript hashes, PSK, received certificate request context) and
     * zeroizes the structure. A server handles no post-handshake handshake
     * message (mbedTLS 3.6 refuses KeyUpdate): the structure goes too, as
     * after TLS 1.2. A client may still get NewSessionTickets, which
     * mbedTLS processes as a handshake step: the step needs ssl->handshake
     * to exist (there is no public way to make it again) but only writes
     * received_extensions into it, so a client taking tickets keeps the
     * zeroized structure (mbedtls_ssl_free() frees it). A client that
     * takes none ignores them without a step. */
    mbedtls_ssl_handshake_free(s);
    c->bufs.hs_emptied = 1;
    if (c->is_server || !takes_tickets) {
        mbedtls_free(s->handshake);
        s->handshake = NULL;
    }
#else
    (void)c;
#endif
}
