/* tls_config_set_session_id(3): tls_config_set_session_id,
 * tls_config_set_session_lifetime, tls_config_add_ticket_key,
 * tls_config_set_session_fd; tls_conn_session_resumed. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lt_support.h"

static int session_file(int mode)
{
    char path[] = "/tmp/petls-libtls-session.XXXXXX";
    int fd = mkstemp(path);

    cr_assert_geq(fd, 0);
    unlink(path);
    cr_assert_eq(fchmod(fd, (mode_t)mode), 0);
    return fd;
}

#if PETLS_WITH_TICKETS && PETLS_WITH_SESSION_CACHE
/* One connection of a client config with a session file against server
 * config s; returns tls_conn_session_resumed() of the client (asserting the
 * server agrees). */
static int connect_once(struct tls_config *s, struct tls_config *c)
{
    struct lt_pair p;
    char buf[8];
    int resumed, i;
    ssize_t n = TLS_WANT_POLLIN;

    cr_assert_eq(lt_pair_open(&p, s, c, "localhost"), 0);
    cr_assert_eq(lt_pair_handshake(&p, NULL, NULL), 0, "%s / %s",
                 tls_error(p.client), tls_error(p.sconn));
    /* A TLS 1.3 ticket arrives after the handshake: read it, with some
     * data behind it. */
    cr_assert_eq(tls_write(p.sconn, "x", 1), 1);
    for (i = 0; i < 1000 && n == TLS_WANT_POLLIN; i++)
        n = tls_read(p.client, buf, sizeof(buf));
    cr_assert_eq(n, 1, "%s", tls_error(p.client));
    resumed = tls_conn_session_resumed(p.client);
    cr_assert_eq(tls_conn_session_resumed(p.sconn), resumed);
    lt_pair_close(&p);
    return resumed;
}
#endif

/* "tls_config_set_session_fd() sets a file descriptor to be used to manage
 * data for TLS sessions (client only). The given file descriptor must be a
 * regular file and be owned by the current user, with permissions being
 * restricted to only allow the owner to read and write the file (0600)." */
Test(tls_config_set_session_id, session_fd_must_be_private_regular_file)
{
    struct tls_config *c = tls_config_new();
    int open_fd = session_file(0644), ok_fd = session_file(0600);
    int fds[2];

    cr_assert_eq(tls_config_set_session_fd(c, open_fd), -1);
    cr_assert_not_null(tls_config_error(c));
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(tls_config_set_session_fd(c, fds[0]), -1, "not a file");
    cr_assert_eq(tls_config_set_session_fd(c, ok_fd), 0, "%s",
                 tls_config_error(c));
    tls_config_free(c);
    close(open_fd);
    close(ok_fd);
    close(fds[0]);
    close(fds[1]);
}

/* Resumption needs the session features (PETLS_WITH_TICKETS and
 * PETLS_WITH_SESSION_CACHE); builds without them never resume. */
#if PETLS_WITH_TICKETS && PETLS_WITH_SESSION_CACHE
/* "If the file has a non-zero length, the client will attempt to read
 * session data from this file and resume the previous TLS session with the
 * server. Upon a successful handshake the file will be updated with current
 * session data"; "tls_config_set_session_lifetime() sets the lifetime to be
 * used for TLS sessions. Session support is disabled if a lifetime of zero
 * is specified, which is the default." Both TLS versions. */
static void resumes_through_session_file(uint32_t protocols)
{
    struct tls_config *s = lt_server_config(), *c = lt_client_config();
    int fd = session_file(0600);
    struct stat st;

    cr_assert_eq(tls_config_set_protocols(c, protocols), 0);
    cr_assert_eq(tls_config_set_session_fd(c, fd), 0);
    /* Default lifetime 0: no resumption. */
    cr_assert_eq(connect_once(s, c), 0);
    cr_assert_eq(connect_once(s, c), 0);
    cr_assert_eq(tls_config_set_session_lifetime(s, 300), 0);
    cr_assert_eq(connect_once(s, c), 0, "first with sessions on");
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_gt(st.st_size, 0, "the session was written to the file");
    cr_assert_eq(connect_once(s, c), 1, "resumed from the file");
    tls_config_free(s);
    tls_config_free(c);
    close(fd);
}

Test(tls_config_set_session_id, resumes_tls13)
{
    resumes_through_session_file(TLS_PROTOCOL_TLSv1_3);
}

Test(tls_config_set_session_id, resumes_tls12)
{
    resumes_through_session_file(TLS_PROTOCOL_TLSv1_2);
}

/* "tls_config_set_session_id() sets the session identifier that will be
 * used by the TLS server when sessions are enabled. By default a random
 * value is used." Two server configs sharing their ticket keys resume each
 * other's sessions only with the same session identifier. */
Test(tls_config_set_session_id,
     shared_keys_and_session_id_resume_across_configs)
{
    struct tls_config *a = lt_server_config(), *b = lt_server_config();
    struct tls_config *c = lt_client_config();
    unsigned char key[TLS_TICKET_KEY_SIZE], sid[TLS_MAX_SESSION_ID_LENGTH];
    int fd = session_file(0600);

    memset(key, 0x5a, sizeof(key));
    memset(sid, 0x17, sizeof(sid));
    cr_assert_eq(tls_config_set_session_lifetime(a, 300), 0);
    cr_assert_eq(tls_config_set_session_lifetime(b, 300), 0);
    cr_assert_eq(tls_config_add_ticket_key(a, 1, key, sizeof(key)), 0);
    cr_assert_eq(tls_config_add_ticket_key(b, 1, key, sizeof(key)), 0);
    cr_assert_eq(tls_config_set_session_fd(c, fd), 0);
    /* Random session ids by default: b does not resume a's session. */
    cr_assert_eq(connect_once(a, c), 0);
    cr_assert_eq(connect_once(b, c), 0);
    /* The same session id: b resumes a's. */
    cr_assert_eq(tls_config_set_session_id(a, sid, sizeof(sid)), 0);
    cr_assert_eq(tls_config_set_session_id(b, sid, sizeof(sid)), 0);
    cr_assert_eq(connect_once(a, c), 0);
    cr_assert_eq(connect_once(b, c), 1);
    tls_config_free(a);
    tls_config_free(b);
    tls_config_free(c);
    close(fd);
}

#endif

Test(tls_config_set_session_id, session_id_length_limit)
{
    struct tls_config *s = tls_config_new();
    unsigned char sid[TLS_MAX_SESSION_ID_LENGTH + 1];

    memset(sid, 1, sizeof(sid));
    cr_assert_eq(tls_config_set_session_id(s, sid, TLS_MAX_SESSION_ID_LENGTH),
                 0);
    cr_assert_eq(tls_config_set_session_id(s, sid, sizeof(sid)), -1);
    cr_assert_not_null(tls_config_error(s));
    tls_config_free(s);
}

/* "tls_config_add_ticket_key() adds a key used for the encryption and
 * authentication of TLS tickets ... Re-adding a known key will result in
 * an error, unless it is the most recently added key." Keys are
 * TLS_TICKET_KEY_SIZE bytes. */
Test(tls_config_set_session_id, ticket_key_rules)
{
    struct tls_config *s = tls_config_new();
    unsigned char k1[TLS_TICKET_KEY_SIZE], k2[TLS_TICKET_KEY_SIZE];

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    cr_assert_eq(tls_config_add_ticket_key(s, 1, k1, sizeof(k1) - 1), -1,
                 "wrong length");
    cr_assert_eq(tls_config_add_ticket_key(s, 1, k1, sizeof(k1)), 0);
    cr_assert_eq(tls_config_add_ticket_key(s, 1, k1, sizeof(k1)), 0,
                 "the most recent key again");
    cr_assert_eq(tls_config_add_ticket_key(s, 2, k2, sizeof(k2)), 0);
    cr_assert_eq(tls_config_add_ticket_key(s, 1, k1, sizeof(k1)), -1,
                 "an older key again");
    cr_assert_not_null(tls_config_error(s));
    tls_config_free(s);
}

#if PETLS_WITH_TICKETS && PETLS_WITH_SESSION_CACHE
/* Keys are used for tickets: a ticket sealed under key 1 still opens after
 * key 2 is added (older keys decrypt), and a server that never had key 1
 * does not resume it. */
Test(tls_config_set_session_id, rotated_keys_still_open_older_tickets)
{
    struct tls_config *a = lt_server_config(), *other = lt_server_config();
    struct tls_config *c = lt_client_config();
    unsigned char k1[TLS_TICKET_KEY_SIZE], k2[TLS_TICKET_KEY_SIZE];
    unsigned char sid[8] = "petls-id";
    int fd = session_file(0600);

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    cr_assert_eq(tls_config_set_session_lifetime(a, 300), 0);
    cr_assert_eq(tls_config_set_session_lifetime(other, 300), 0);
    cr_assert_eq(tls_config_set_session_id(a, sid, sizeof(sid)), 0);
    cr_assert_eq(tls_config_set_session_id(other, sid, sizeof(sid)), 0);
    cr_assert_eq(tls_config_add_ticket_key(a, 1, k1, sizeof(k1)), 0);
    cr_assert_eq(tls_config_add_ticket_key(other, 7, k2, sizeof(k2)), 0);
    cr_assert_eq(tls_config_set_session_fd(c, fd), 0);
    cr_assert_eq(connect_once(a, c), 0);
    cr_assert_eq(tls_config_add_ticket_key(a, 2, k2, sizeof(k2)), 0);
    cr_assert_eq(connect_once(a, c), 1, "key 1 still opens its ticket");
    cr_assert_eq(connect_once(other, c), 0, "another key set does not");
    tls_config_free(a);
    tls_config_free(other);
    tls_config_free(c);
    close(fd);
}
#endif
