/* Sessions are bound to the server name they were made under (RFC 6066
 * section 3): offered under another name (or none, or a name after none)
 * they give a full handshake, never an error, and under their own name
 * (in any letter case) they still resume. Both versions, both server
 * modes, the built-in cache and an external store. */
#include "test_resume_util.h"

#define NAME_A "abc.petls.test"
#define NAME_B "xyz.petls.test" /* same length: see swap_name */

struct nfx {
    struct rfx f;
    struct tstore *store;
};

/* One connection to servername offering sess (NULL: none); returns whether
 * it resumed (both sides agree), and keeps the client's newest session in
 * out when out is not NULL. */
static int nconn(struct nfx *n, const char *servername, const uint8_t *sess,
                 size_t sess_len, uint8_t *out, size_t *out_len)
{
    struct tlsconn c;
    int cres, sres;
    ssize_t len;

    if (n->f.server == NULL)
        rfx_server(&n->f);
    tlsconn_start(&c, n->f.server, n->f.ccfg, sess, sess_len, servername);
    cr_assert_eq(tlsconn_handshake(&c), 0,
                 "handshake to %s failed: client '%s', server '%s'",
                 servername ? servername : "(none)", petls_error(c.client),
                 petls_error(c.sconn));
    tlsconn_pingpong(&c);
    cres = petls_conn_session_resumed(c.client);
    sres = petls_conn_session_resumed(c.sconn);
    cr_assert_eq(cres, sres, "client says resumed=%d, server %d", cres, sres);
    if (out != NULL) {
        len = petls_conn_session(c.client, NULL, 0);
        cr_assert(len > 0 && len <= RFX_SESS_MAX, "no session");
        cr_assert_eq(petls_conn_session(c.client, out, RFX_SESS_MAX), len);
        *out_len = (size_t)len;
    }
    tlsconn_free(&c);
    return cres;
}

/* mbedTLS's TLS 1.3 client keeps the name in the session and will not
 * offer it elsewhere (openssl, gnutls and Node clients do: interop
 * tests). Rewriting the kept name makes it offer the ticket to NAME_B,
 * as those clients would. */
static void swap_name(uint8_t *sess, size_t len)
{
    size_t nl = strlen(NAME_A), i, hits = 0;

    for (i = 0; i + nl <= len; i++) {
        if (memcmp(sess + i, NAME_A, nl) == 0) {
            memcpy(sess + i, NAME_B, nl);
            hits++;
        }
    }
    cr_assert(hits > 0, "no name in the session bytes");
}

static void nfx_init(struct nfx *n, uint32_t protocols, int server_tickets,
                     int client_tickets, int store)
{
    memset(n, 0, sizeof(*n));
    rfx_init(&n->f, protocols);
    cr_assert(petls_config_set_session_tickets(n->f.scfg, server_tickets) == 0);
    cr_assert(petls_config_set_session_tickets(n->f.ccfg, client_tickets) == 0);
    if (store) {
        n->store = tstore_new();
        tstore_attach(n->store, n->f.scfg);
    }
}

static void nfx_free(struct nfx *n)
{
    rfx_free(&n->f);
    free(n->store);
}

static void bound(uint32_t protocols, int server_tickets, int client_tickets,
                  int store)
{
    struct nfx n;
    uint8_t a[RFX_SESS_MAX], other[RFX_SESS_MAX], tmp[RFX_SESS_MAX];
    size_t a_len = 0, other_len = 0, tmp_len = 0;
    int removes;

    nfx_init(&n, protocols, server_tickets, client_tickets, store);
    cr_assert_eq(nconn(&n, NAME_A, NULL, 0, a, &a_len), 0);
    memcpy(other, a, a_len);
    other_len = a_len;
    if (protocols == PETLS_PROTOCOL_TLSv1_3)
        swap_name(other, other_len);
    removes = n.store != NULL ? n.store->removes : 0;
    /* Under another name: a full handshake (without the binding this
     * resumed and the server reported resumed:true). */
    cr_assert_eq(nconn(&n, NAME_B, other, other_len, tmp, &tmp_len), 0,
                 "a session of " NAME_A " resumed at " NAME_B);
    /* The store keeps the blob: it is still NAME_A's. */
    if (n.store != NULL)
        cr_assert_eq(n.store->removes, removes, "the session was forgotten");
    /* Under its own name it still resumes. */
    cr_assert_eq(nconn(&n, NAME_A, a, a_len, NULL, NULL), 1,
                 "the session no longer resumes at " NAME_A);
    if (protocols == PETLS_PROTOCOL_TLSv1_2) {
        /* Names compare as DNS names: letter case and a trailing dot do
         * not matter (mbedTLS's TLS 1.3 client compares exactly). */
        cr_assert_eq(nconn(&n, "ABC.Petls.TEST", a, a_len, NULL, NULL), 1);
        cr_assert_eq(nconn(&n, NAME_A ".", a, a_len, NULL, NULL), 1);
        /* No name is a name too, both ways (IP literals are never sent
         * as SNI; the certificate has 127.0.0.1). */
        cr_assert_eq(nconn(&n, "127.0.0.1", a, a_len, tmp, &tmp_len), 0,
                     "a session of " NAME_A " resumed without SNI");
        cr_assert_eq(nconn(&n, NAME_A, tmp, tmp_len, NULL, NULL), 0,
                     "a session made without SNI resumed at " NAME_A);
        cr_assert_eq(nconn(&n, "127.0.0.1", tmp, tmp_len, NULL, NULL), 1);
    }
    nfx_free(&n);
}

Test(resume_name, tls12_ticket_cache)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 1, 1, 0);
}

Test(resume_name, tls12_ticket_store)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 1, 1, 1);
}

/* Stateless server, client without tickets: session IDs. */
Test(resume_name, tls12_id_stateless_cache)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 1, 0, 0);
}

Test(resume_name, tls12_id_stateless_store)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 1, 0, 1);
}

Test(resume_name, tls12_id_stateful_cache)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 0, 1, 0);
}

Test(resume_name, tls12_id_stateful_store)
{
    bound(PETLS_PROTOCOL_TLSv1_2, 0, 1, 1);
}

Test(resume_name, tls13_ticket_stateless)
{
    bound(PETLS_PROTOCOL_TLSv1_3, 1, 1, 0);
}

Test(resume_name, tls13_ticket_stateless_store)
{
    bound(PETLS_PROTOCOL_TLSv1_3, 1, 1, 1);
}

Test(resume_name, tls13_ticket_stateful_cache)
{
    bound(PETLS_PROTOCOL_TLSv1_3, 0, 1, 0);
}

Test(resume_name, tls13_ticket_stateful_store)
{
    bound(PETLS_PROTOCOL_TLSv1_3, 0, 1, 1);
}
