/*
 * The Redis session store of petls server, asynchronous (server_redis.h).
 * Redis answers the commands of one connection in order, so requests sit
 * in a ring in the order they were sent: the oldest has the earliest
 * deadline, and a reply always belongs to the oldest request left.
 */
#define _POSIX_C_SOURCE 200809L

#include "server_redis.h"

#include "net.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(PETLS_CLI_REDIS)

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

/* REDIS_TIMEOUT_MS (a request or connecting may take this long before
 * Redis counts as down) and REDIS_RETRY_MS (lookups then miss at once for
 * this long) are petls_store_redis_new()'s, as are the keys. */
#include "store_redis_keys.h"

/* Requests in flight; more are dropped (a put) or miss (a get). */
#define REDIS_RING 4096

enum { REQ_FREE, REQ_GET, REQ_WRITE };

struct redis_req {
    struct redis_async *owner;
    int kind;
    struct petls *conn; /* REQ_GET still waited for; NULL: nobody waits */
    int64_t deadline;
};

struct redis_async {
    struct petls_session_store hooks;
    redisAsyncContext *ac;
    int want_read, want_write;
    int64_t connect_deadline; /* while connecting */
    int64_t retry_after;      /* after a failure */
    void (*wake)(void *arg, struct petls *conn);
    void *wake_arg;
    struct redis_req ring[REDIS_RING];
    size_t head, count; /* oldest request, requests in the ring */
    char host[256];
    int port;
    char prefix[REDIS_PREFIX_MAX + 1];
};

/* ---- hiredis event hooks: remember what to poll for ---- */

static void ev_add_read(void *p)
{
    ((struct redis_async *)p)->want_read = 1;
}

static void ev_del_read(void *p)
{
    ((struct redis_async *)p)->want_read = 0;
}

static void ev_add_write(void *p)
{
    ((struct redis_async *)p)->want_write = 1;
}

static void ev_del_write(void *p)
{
    ((struct redis_async *)p)->want_write = 0;
}

/* hiredis frees the context (an error, a failed connect, redisAsyncFree):
 * every pending callback has run with a NULL reply by now. */
static void ev_cleanup(void *p)
{
    struct redis_async *r = p;
    r->ac = NULL;
    r->want_read = r->want_write = 0;
    r->connect_deadline = 0;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
    struct redis_async *r = ac->ev.data;
    if (status == REDIS_OK)
        r->connect_deadline = 0;
    else
        r->retry_after = net_now_ms() + REDIS_RETRY_MS;
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    struct redis_async *r = ac->ev.data;
    if (status != REDIS_OK)
        r->retry_after = net_now_ms() + REDIS_RETRY_MS;
}

/* Drops the connection: pending requests end (lookups as misses) and no
 * new connection is tried for REDIS_RETRY_MS. */
static void redis_down(struct redis_async *r)
{
    r->retry_after = net_now_ms() + REDIS_RETRY_MS;
    if (r->ac != NULL)
        redisAsyncFree(r->ac); /* runs the callbacks, then ev_cleanup */
}

/* The connection, made (without waiting) if there is none; NULL while
 * Redis is held to be down. */
static redisAsyncContext *redis_conn(struct redis_async *r)
{
    if (r->ac != NULL)
        return r->ac;
    if (r->retry_after != 0 && net_now_ms() < r->retry_after)
        return NULL;
    redisAsyncContext *ac = redisAsyncConnect(r->host, r->port);
    if (ac == NULL || ac->err != 0) {
        if (ac != NULL)
            redisAsyncFree(ac);
        r->retry_after = net_now_ms() + REDIS_RETRY_MS;
        return NULL;
    }
    ac->ev.data = r;
    ac->ev.addRead = ev_add_read;
    ac->ev.delRead = ev_del_read;
    ac->ev.addWrite = ev_add_write;
    ac->ev.delWrite = ev_del_write;
    ac->ev.cleanup = ev_cleanup;
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    r->ac = ac;
    r->retry_after = 0;
    r->connect_deadline = net_now_ms() + REDIS_TIMEOUT_MS;
    /* A non-blocking connect completes when the socket is writable. */
    r->want_write = 1;
    return ac;
}

/* ---- The request ring ---- */

static struct redis_req *req_new(struct redis_async *r, int kind,
                                 struct petls *conn)
{
    if (r->count == REDIS_RING)
        return NULL;
    struct redis_req *q = &r->ring[(r->head + r->count) % REDIS_RING];
    r->count++;
    q->owner = r;
    q->kind = kind;
    q->conn = conn;
    q->deadline = net_now_ms() + REDIS_TIMEOUT_MS;
    return q;
}

/* The request q is over: the ring drops every finished request at its
 * head (replies come in order, so q is normally the head). */
static void req_done(struct redis_req *q)
{
    struct redis_async *r = q->owner;
    q->kind = REQ_FREE;
    q->conn = NULL;
    while (r->count > 0 && r->ring[r->head].kind == REQ_FREE) {
        r->head = (r->head + 1) % REDIS_RING;
        r->count--;
    }
}

/* Answers the connection waiting on q, if any, and wakes it. */
static void req_answer(struct redis_req *q, const void *blob, size_t len)
{
    struct redis_async *r = q->owner;
    struct petls *conn = q->conn;
    q->conn = NULL;
    if (conn == NULL)
        return;
    (void)petls_store_answer(conn, blob, len);
    if (r->wake != NULL)
        r->wake(r->wake_arg, conn);
}

static void on_get_reply(redisAsyncContext *ac, void *reply, void *priv)
{
    struct redis_req *q = priv;
    const redisReply *rep = reply;
    (void)ac;
    if (rep != NULL && rep->type == REDIS_REPLY_STRING && rep->len > 0 &&
        rep->len <= PETLS_STORE_BLOB_MAX)
        req_answer(q, rep->str, rep->len);
    else
        req_answer(q, NULL, 0);
    req_done(q);
}

static void on_write_reply(redisAsyncContext *ac, void *reply, void *priv)
{
    (void)ac;
    (void)reply;
    req_done(priv);
}

/* ---- The store hooks ---- */

static int redis_put(void *arg, const uint8_t *id, size_t id_len,
                     const uint8_t *blob, size_t blob_len, time_t expires)
{
    struct redis_async *r = arg;
    char key[REDIS_KEY_MAX];
    if (id == NULL || id_len == 0 || id_len > REDIS_ID_MAX || blob == NULL ||
        blob_len == 0 || blob_len > PETLS_STORE_BLOB_MAX ||
        expires <= time(NULL))
        return -1;
    redisAsyncContext *ac = redis_conn(r);
    struct redis_req *q = ac != NULL ? req_new(r, REQ_WRITE, NULL) : NULL;
    if (q == NULL)
        return -1;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    if (redisAsyncCommand(ac, on_write_reply, q, "SET %b %b EXAT %lld", key,
                          klen, blob, blob_len,
                          (long long)expires) != REDIS_OK) {
        req_done(q);
        return -1;
    }
    return 0;
}

static int redis_get(void *arg, struct petls *conn, const uint8_t *id,
                     size_t id_len, uint8_t *blob, size_t *blob_len)
{
    struct redis_async *r = arg;
    char key[REDIS_KEY_MAX];
    (void)blob;
    (void)blob_len;
    if (conn == NULL || id == NULL || id_len == 0 || id_len > REDIS_ID_MAX)
        return PETLS_STORE_MISS;
    redisAsyncContext *ac = redis_conn(r);
    struct redis_req *q = ac != NULL ? req_new(r, REQ_GET, conn) : NULL;
    if (q == NULL)
        return PETLS_STORE_MISS;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    if (redisAsyncCommand(ac, on_get_reply, q, "GET %b", key, klen) !=
        REDIS_OK) {
        q->conn = NULL;
        req_done(q);
        return PETLS_STORE_MISS;
    }
    return PETLS_STORE_PENDING;
}

static void redis_remove(void *arg, const uint8_t *id, size_t id_len)
{
    struct redis_async *r = arg;
    char key[REDIS_KEY_MAX];
    if (id == NULL || id_len == 0 || id_len > REDIS_ID_MAX)
        return;
    redisAsyncContext *ac = redis_conn(r);
    struct redis_req *q = ac != NULL ? req_new(r, REQ_WRITE, NULL) : NULL;
    if (q == NULL)
        return;
    size_t klen = redis_store_key(r->prefix, id, id_len, key);
    if (redisAsyncCommand(ac, on_write_reply, q, "DEL %b", key, klen) !=
        REDIS_OK)
        req_done(q);
}

/* ---- The loop's side ---- */

struct redis_async *redis_async_new(const char *host, int port,
                                    const char *prefix, char *err,
                                    size_t errlen)
{
    prefix = redis_store_check(host, port, prefix, err, errlen);
    if (prefix == NULL)
        return NULL;
    struct redis_async *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        snprintf(err, errlen, "Redis session store: out of memory");
        return NULL;
    }
    snprintf(r->host, sizeof(r->host), "%s", host);
    r->port = port;
    snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
    r->hooks.put = redis_put;
    r->hooks.get = redis_get;
    r->hooks.remove = redis_remove;
    r->hooks.arg = r;
    return r;
}

void redis_async_free(struct redis_async *r)
{
    if (r == NULL)
        return;
    r->wake = NULL; /* nothing to wake any more */
    if (r->ac != NULL)
        redisAsyncFree(r->ac);
    free(r);
}

const struct petls_session_store *redis_async_hooks(struct redis_async *r)
{
    return &r->hooks;
}

void redis_async_set_wake(struct redis_async *r,
                          void (*wake)(void *arg, struct petls *conn),
                          void *arg)
{
    if (r == NULL)
        return;
    r->wake = wake;
    r->wake_arg = arg;
}

int redis_async_pollfd(struct redis_async *r, short *events)
{
    *events = 0;
    if (r == NULL || r->ac == NULL)
        return -1;
    if (r->want_read)
        *events |= POLLIN;
    if (r->want_write)
        *events |= POLLOUT;
    return r->ac->c.fd;
}

void redis_async_io(struct redis_async *r, short revents)
{
    if (r == NULL || r->ac == NULL)
        return;
    /* Either call may free the context (ev_cleanup clears r->ac). */
    if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0)
        redisAsyncHandleRead(r->ac);
    if (r->ac != NULL && (revents & (POLLOUT | POLLERR)) != 0)
        redisAsyncHandleWrite(r->ac);
}

int64_t redis_async_deadline(const struct redis_async *r)
{
    if (r == NULL)
        return 0;
    int64_t d = r->ac != NULL ? r->connect_deadline : 0;
    if (r->count > 0) {
        int64_t q = r->ring[r->head].deadline;
        if (d == 0 || q < d)
            d = q;
    }
    return d;
}

void redis_async_tick(struct redis_async *r, int64_t now)
{
    if (r == NULL)
        return;
    int late =
        r->ac != NULL && r->connect_deadline != 0 && now >= r->connect_deadline;
    if (r->count > 0 && now >= r->ring[r->head].deadline)
        late = 1;
    if (!late)
        return;
    /* A request (the oldest) or the connect took too long: Redis is slow,
     * hung or gone. Every pending lookup goes on as a miss now. */
    redis_down(r);
    while (r->count > 0) {
        /* Requests made while no context existed never reach here; any
         * left (none expected once the context is freed) end now. */
        struct redis_req *q = &r->ring[r->head];
        req_answer(q, NULL, 0);
        req_done(q);
    }
}

void redis_async_cancel(struct redis_async *r, const struct petls *conn)
{
    if (r == NULL || conn == NULL)
        return;
    for (size_t i = 0; i < r->count; i++) {
        struct redis_req *q = &r->ring[(r->head + i) % REDIS_RING];
        if (q->conn == conn)
            q->conn = NULL;
    }
}

#else /* !PETLS_CLI_REDIS: petls_store_redis_new() explains */

struct redis_async *redis_async_new(const char *host, int port,
                                    const char *prefix, char *err,
                                    size_t errlen)
{
    (void)host;
    (void)port;
    (void)prefix;
    snprintf(err, errlen, "the asynchronous Redis store needs hiredis");
    return NULL;
}

void redis_async_free(struct redis_async *r)
{
    (void)r;
}

const struct petls_session_store *redis_async_hooks(struct redis_async *r)
{
    (void)r;
    return NULL;
}

void redis_async_set_wake(struct redis_async *r,
                          void (*wake)(void *arg, struct petls *conn),
                          void *arg)
{
    (void)r;
    (void)wake;
    (void)arg;
}

int redis_async_pollfd(struct redis_async *r, short *events)
{
    (void)r;
    *events = 0;
    return -1;
}

void redis_async_io(struct redis_async *r, short revents)
{
    (void)r;
    (void)revents;
}

int64_t redis_async_deadline(const struct redis_async *r)
{
    (void)r;
    return 0;
}

void redis_async_tick(struct redis_async *r, int64_t now)
{
    (void)r;
    (void)now;
}

void redis_async_cancel(struct redis_async *r, const struct petls *conn)
{
    (void)r;
    (void)conn;
}

#endif
