/*
 * Reading the ClientHello before the backend sees it (as Node.js does), for
 * server connections whose config needs it: with an external store, the
 * offered session is fetched first, and the store may answer later
 * (PETLS_WANT_STORE until petls_store_answer()); in stateful mode, a client
 * that cannot do TLS 1.3 gets the backend variant without TLS 1.2 tickets,
 * so that it resumes by session ID. The bytes read are then replayed to the
 * backend through the recv hook.
 */
#include <stdio.h>
#include <string.h>

#include "client_hello.h"
#include "feature.h"
#include "petls_features.h"
#include "petls_internal.h"
#include "util.h"

/*
 * The acceptor stage's invariants (what holds for a server connection while
 * ctx->pre exists; io.c, context.c and the hooks below rely on them):
 *
 *  1. Who has the stage. ctx->pre exists only for an accepted server
 *     connection whose frozen config has `preparse` set (a store, stateful
 *     mode with TLS 1.3, an SNI or ALPN callback: config.c). Such a
 *     connection has no backend connection (ctx->conn == NULL) until
 *     petls_preparse_run() returns 0; every other connection gets its
 *     backend connection in accept_finish() and never enters the stage.
 *
 *  2. What is buffered. `flight` holds exactly the bytes read from the
 *     transport so far, unchanged, at most PETLS_CH_MAX_FLIGHT; nothing is
 *     ever dropped, reordered or rewritten, so the backend sees the same
 *     stream it would have read itself. It starts at PRE_FLIGHT_FIRST bytes
 *     and grows to the records' lengths as their headers arrive (a
 *     ClientHello is a few hundred bytes; the whole 18 KiB was allocated
 *     for every handshake before, a quarter of what the example firmware's
 *     first handshake needed). `blob` (PETLS_STORE_BLOB_MAX) exists only
 *     once the store is asked. `scratch` (the reassembly of a
 *     ClientHello spanning records) lives only while reading (PRE_READING)
 *     and only if such a ClientHello came; pointers into flight/scratch
 *     (struct petls_client_hello) are used inside collect() and never kept.
 *     Reading stops at the first whole ClientHello, at a full buffer, or at
 *     bytes that are not a ClientHello: the stage never judges what the
 *     backend must answer (a malformed hello is the backend's to refuse,
 *     with its alert), it only decides.
 *
 *  3. What is decided, and when. Every question is asked once, on the
 *     parsed ClientHello, before the backend connection exists: the backend
 *     variant (no_tls12_tickets), the store lookup (id, kind), the SNI
 *     callback's host, the ALPN callback's choice. Nothing decided here
 *     changes after petls_conn_start().
 *
 *  4. What may run late. Two answers may arrive after the hello was read:
 *     the store's get() (PRE_WAIT_STORE, PETLS_WANT_STORE until
 *     petls_store_answer(), which may also come from inside get()) and the
 *     SNI callback (PETLS_WANT_SNI until petls_sni_answer()). While either
 *     is pending, petls_handshake() returns the WANT code and reads nothing
 *     more from the transport. The ALPN callback runs synchronously.
 *
 *  5. When it is replayed. Only in PRE_REPLAY, i.e. after every late answer
 *     is in and the backend connection exists: petls_io_recv() serves
 *     `flight` from replay_off before touching the transport, byte for
 *     byte, and the transport is read again only once replay_off reaches
 *     flight_len. The store's answer (blob) is kept until the backend's
 *     session hook asks for exactly the id that was looked up
 *     (petls_preparse_answer()).
 *
 *  6. When it ends. After the handshake, once the whole flight was
 *     replayed (petls_preparse_done()), or with the context
 *     (petls_preparse_free()); the state is wiped on free (the ids are the
 *     client's business).
 */
enum pre_state {
    PRE_READING,    /* collecting the first flight */
    PRE_WAIT_STORE, /* the store's get() is pending */
    PRE_REPLAY,     /* the backend connection exists and is fed */
};

enum pre_answer {
    ANSWER_NONE, /* nothing asked */
    ANSWER_PENDING,
    ANSWER_MISS,
    ANSWER_FOUND,
};

/* Longest id the store is asked for: session IDs and stateful tickets. */
#define PRE_ID_MAX 32
#define STATEFUL_TICKET_LEN 32

struct petls_preparse {
    enum pre_state state;
    int no_tls12_tickets;
    uint8_t *flight; /* flight_cap bytes, at most PETLS_CH_MAX_FLIGHT */
    size_t flight_cap;
    size_t flight_len;
    size_t replay_off;
    uint8_t *scratch; /* for a ClientHello spanning records: allocated
                       * only when one does */

    enum pre_answer answer;
    int kind;
    uint8_t id[PRE_ID_MAX];
    size_t id_len;
    size_t blob_len;
    uint8_t *blob; /* PETLS_STORE_BLOB_MAX bytes, once the store is asked */
};

/* The flight buffer's first size: one read takes most ClientHellos. */
#define PRE_FLIGHT_FIRST 1024

static void free_buffers(struct petls_preparse *pre)
{
    petls_port_free(pre->flight);
    pre->flight = NULL;
    petls_port_free(pre->scratch);
    pre->scratch = NULL;
    if (pre->blob != NULL)
        petls_free_secret(pre->blob, PETLS_STORE_BLOB_MAX);
    pre->blob = NULL;
}

static void preparse_free(struct petls *ctx)
{
    if (ctx->pre == NULL)
        return;
    free_buffers(ctx->pre);
    /* The blob is sealed, but the ids are still nobody else's business. */
    petls_free_secret(ctx->pre, sizeof(*ctx->pre));
    ctx->pre = NULL;
}

/* Drops the stage's state once the handshake no longer needs it. */
static void preparse_done(struct petls *ctx)
{
    if (ctx->pre != NULL && ctx->pre->replay_off >= ctx->pre->flight_len)
        preparse_free(ctx);
}

/* Server connection start. When the config needs it, sets up the stage and
 * returns 1 (the backend connection is created later by preparse_run); 0
 * when the backend connection may be made now; -1 out of memory (error
 * set). */
static int preparse_begin(struct petls *ctx)
{
    struct petls_preparse *pre;

    if (!ctx->config->preparse)
        return 0;
    pre = petls_port_calloc(1, sizeof(*pre));
    if (pre != NULL) {
        pre->flight = petls_port_calloc(1, PRE_FLIGHT_FIRST);
        pre->flight_cap = PRE_FLIGHT_FIRST;
    }
    if (pre == NULL || pre->flight == NULL) {
        if (pre != NULL)
            free_buffers(pre);
        petls_port_free(pre);
        petls_set_error(ctx, "out of memory");
        return -1;
    }
    ctx->pre = pre;
    return 1;
}

/* Server parameters of the backend connection: context.c set
 * hello_check and, for a connection without the stage, no_tls12_tickets
 * (stateful mode means TLS 1.3 is off there). */
static int preparse_conn_params(struct petls *ctx, struct pb_conn_params *p,
                                struct petls_conn_scratch *scratch)
{
    (void)scratch;
    if (p->is_server && ctx->pre != NULL)
        p->no_tls12_tickets = ctx->pre->no_tls12_tickets;
    return 0;
}

/* Asks the store for the offered id; get() may answer at once (also by
 * calling petls_store_answer() itself) or later. */
static void store_ask(struct petls *ctx, int kind, const uint8_t *id,
                      size_t id_len)
{
    struct petls_preparse *pre = ctx->pre;
    struct petls_config *c = ctx->config;
    size_t len = PETLS_STORE_BLOB_MAX;
    int rc;

    if (id_len == 0 || id_len > sizeof(pre->id))
        return;
    if (pre->blob == NULL)
        pre->blob = petls_port_calloc(1, PETLS_STORE_BLOB_MAX);
    if (pre->blob == NULL)
        return; /* out of memory: no lookup, a full handshake */
    pre->kind = kind;
    memcpy(pre->id, id, id_len);
    pre->id_len = id_len;
    pre->answer = ANSWER_PENDING;
    rc = c->store.get(c->store.arg, ctx, id, id_len, pre->blob, &len);
    if (pre->answer != ANSWER_PENDING)
        return; /* answered from inside get() */
    if (rc == PETLS_STORE_PENDING) {
        pre->state = PRE_WAIT_STORE;
    } else if (rc == PETLS_STORE_FOUND && len > 0 &&
               len <= PETLS_STORE_BLOB_MAX) {
        pre->blob_len = len;
        pre->answer = ANSWER_FOUND;
    } else {
        pre->answer = ANSWER_MISS;
    }
}

/* What the ClientHello means for this server: the backend variant, and
 * which id (if any) to fetch from the store. */
static void decide(struct petls *ctx, const struct petls_client_hello *ch)
{
    struct petls_config *c = ctx->config;
    int tls13 = ch->offers_tls13 && (petls_config_effective_protocols(c) &
                                     PETLS_PROTOCOL_TLSv1_3) != 0;
    size_t i;

    ctx->pre->no_tls12_tickets = !c->tickets && !tls13;
    if (!c->have_store)
        return;
    if (tls13) {
        /* Stateless TLS 1.3 tickets never touch the store. */
        if (c->tickets)
            return;
        for (i = 0; i < ch->n_psk_identities; i++) {
            if (ch->psk_identity_len[i] == STATEFUL_TICKET_LEN) {
                store_ask(ctx, PETLS_SESSION_KIND_TICKET, ch->psk_identity[i],
                          ch->psk_identity_len[i]);
                return;
            }
        }
        return;
    }
    /* TLS 1.2: a client offering a ticket to a stateless server resumes
     * by the ticket, not by the session ID beside it. */
    if (c->tickets && ch->has_ticket_ext && ch->ticket_len > 0)
        return;
    store_ask(ctx, PETLS_SESSION_KIND_ID, ch->session_id, ch->session_id_len);
}

/* Makes room for more of the flight: up to the end of the last record whose
 * header is in (a record's length comes from the peer: never past
 * PETLS_CH_MAX_FLIGHT), or for the next header. 0, or -1 out of memory. */
static int grow_flight(struct petls_preparse *pre)
{
    size_t off = 0, need, cap;
    uint8_t *p;

    while (off + 5 <= pre->flight_len)
        off += 5 + ((size_t)pre->flight[off + 3] << 8 | pre->flight[off + 4]);
    need = off > pre->flight_len ? off : off + 5;
    cap = need < PETLS_CH_MAX_FLIGHT ? need : PETLS_CH_MAX_FLIGHT;
    p = petls_port_calloc(1, cap);
    if (p == NULL)
        return -1;
    memcpy(p, pre->flight, pre->flight_len);
    petls_port_free(pre->flight);
    pre->flight = p;
    pre->flight_cap = cap;
    return 0;
}

/* Reads until a whole ClientHello is there (or the bytes turn out not to
 * be one). Returns 0 when reading is over, or a PB_* code (err filled for
 * PB_ERR). */
static int collect(struct petls *ctx, char *err, size_t errlen)
{
    struct petls_preparse *pre = ctx->pre;
    struct petls_client_hello ch;
    const uint8_t *msg;
    size_t msg_len;
    char perr[128];
    int n, rc;

    for (;;) {
        if (pre->flight_len == PETLS_CH_MAX_FLIGHT)
            return 0; /* too big to judge: the backend decides */
        if (pre->flight_len == pre->flight_cap && grow_flight(pre) != 0) {
            snprintf(err, errlen, "out of memory");
            return PB_ERR;
        }
        n = petls_io_recv(ctx, pre->flight + pre->flight_len,
                          pre->flight_cap - pre->flight_len);
        if (n == 0)
            return PB_EOF;
        if (n < 0)
            return n;
        pre->flight_len += (size_t)n;
        rc = petls_client_hello_collect(
            pre->flight, pre->flight_len, pre->scratch,
            pre->scratch != NULL ? PETLS_CH_MAX_FLIGHT : 0, &msg, &msg_len,
            perr, sizeof(perr));
        if (rc < 0 && pre->scratch == NULL) {
            /* Only a ClientHello spanning records needs the reassembly
             * buffer: it is allocated the first time one fails without it,
             * and the (stateless) collection runs again. */
            pre->scratch = petls_port_calloc(1, PETLS_CH_MAX_FLIGHT);
            if (pre->scratch == NULL) {
                snprintf(err, errlen, "out of memory");
                return PB_ERR;
            }
            rc = petls_client_hello_collect(pre->flight, pre->flight_len,
                                            pre->scratch, PETLS_CH_MAX_FLIGHT,
                                            &msg, &msg_len, perr, sizeof(perr));
        }
        if (rc == 0)
            continue;
        /* Not a ClientHello: the backend sees the same bytes and answers
         * them with the proper alert. */
        if (rc == 1 && petls_client_hello_parse(msg, msg_len, &ch, perr,
                                                sizeof(perr)) == 0) {
            decide(ctx, &ch);
            /* The features' ClientHello hooks: the SNI callback (may
             * answer later), the ALPN callback. */
            (void)petls_features_client_hello(ctx, &ch);
        }
        return 0;
    }
}

/* Reads and parses the ClientHello, asks the store, then creates the
 * backend connection. Returns 0 when the backend connection exists,
 * PETLS_WANT_STORE while the store has not answered, or a PB_* code of the
 * transport (PB_WANT_READ, PB_EOF, PB_ERR_TIMEOUT, PB_ERR with io_err or
 * err filled). */
static int preparse_run(struct petls *ctx, char *err, size_t errlen)
{
    struct petls_preparse *pre = ctx->pre;
    int rc;

    if (pre == NULL)
        return 0; /* not this connection's stage: features.c starts it */

    if (pre->state == PRE_READING) {
        rc = collect(ctx, err, errlen);
        if (rc != 0)
            return rc;
        petls_port_free(pre->scratch);
        pre->scratch = NULL;
        if (pre->state == PRE_READING)
            pre->state = PRE_REPLAY;
    }
    if (petls_features_client_hello(ctx, NULL) == PETLS_WANT_SNI)
        return PETLS_WANT_SNI;
    if (pre->state == PRE_WAIT_STORE) {
        if (pre->answer == ANSWER_PENDING)
            return PETLS_WANT_STORE;
        pre->state = PRE_REPLAY;
    }
    if (ctx->conn == NULL && petls_conn_start(ctx) != 0) {
        petls_session_errmsg(err, errlen, petls_err_text(&ctx->err));
        return PB_ERR;
    }
    return 0;
}

/* Bytes read ahead that the backend has not consumed yet: copies up to len
 * into buf and returns the count (0 when there is nothing left). */
static size_t preparse_replay(struct petls *ctx, unsigned char *buf, size_t len)
{
    struct petls_preparse *pre = ctx->pre;
    size_t left;

    if (pre == NULL || pre->state != PRE_REPLAY || pre->flight == NULL)
        return 0;
    left = pre->flight_len - pre->replay_off;
    if (len > left)
        len = left;
    memcpy(buf, pre->flight + pre->replay_off, len);
    pre->replay_off += len;
    return len;
}

int petls_preparse_answer(struct petls *ctx, int kind, const uint8_t *id,
                          size_t id_len, const uint8_t **blob, size_t *blob_len)
{
    struct petls_preparse *pre = ctx->pre;

    if (pre == NULL || pre->kind != kind || pre->id_len != id_len ||
        memcmp(pre->id, id, id_len) != 0)
        return -1;
    if (pre->answer == ANSWER_FOUND) {
        *blob = pre->blob;
        *blob_len = pre->blob_len;
        return 1;
    }
    if (pre->answer == ANSWER_MISS)
        return 0;
    return -1;
}

int petls_store_answer(struct petls *conn, const uint8_t *blob, size_t len)
{
    struct petls_preparse *pre;

    if (conn == NULL)
        return -1;
    /* The pre-parse may serve SNI or ALPN in a build without stores. */
    if (!PETLS_WITH_SESSION_CACHE) {
        petls_set_error(conn, PETLS_FEATURE_OFF_MSG(
                                  "session store", "PETLS_WITH_SESSION_CACHE"));
        return -1;
    }
    pre = conn->pre;
    if (pre == NULL || pre->answer != ANSWER_PENDING) {
        petls_set_error_code(conn, PETLS_ERROR_INVALID_CONTEXT,
                             "no session store lookup is pending on this "
                             "connection");
        return -1;
    }
    if (blob == NULL || len == 0) {
        pre->answer = ANSWER_MISS;
        return 0;
    }
    if (len > PETLS_STORE_BLOB_MAX) {
        pre->answer = ANSWER_MISS;
        petls_set_error(conn,
                        "session store answer of %zu bytes is larger than "
                        "PETLS_STORE_BLOB_MAX (%d): treated as a miss",
                        len, PETLS_STORE_BLOB_MAX);
        return -1;
    }
    memcpy(pre->blob, blob, len);
    pre->blob_len = len;
    pre->answer = ANSWER_FOUND;
    return 0;
}

/* ---- The stage's entry in the feature table (core/features.c) ---- */

const struct petls_feature petls_feature_accept = {
    .name = "accept",
    .accept = preparse_begin,
    .conn_params = preparse_conn_params,
    .pre_handshake = preparse_run,
    .read_ahead = preparse_replay,
    .handshake_done = preparse_done,
    .conn_free = preparse_free,
};
