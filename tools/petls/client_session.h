/*
 * The client's session handling for --reconnect, --sess-in and --sess-out:
 * keeps the newest session a connection received (TLS 1.2 session or TLS
 * 1.3 ticket, from petls's session callback), and reads and writes session
 * files. Session bytes hold secrets: they are wiped when replaced or freed
 * and files are created readable by the owner only.
 */
#ifndef PETLS_CLI_CLIENT_SESSION_H
#define PETLS_CLI_CLIENT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <petls.h>

struct client_sessions {
    uint8_t *newest;
    size_t len;
    unsigned received; /* sessions received since the last reset */
};

/* Registers the callback that records each new session into cs. Returns 0
 * or -1 (petls_config_error says why). */
int client_sessions_attach(struct client_sessions *cs,
                           struct petls_config *cfg);
/* Replaces the newest session with bytes (e.g. read from --sess-in). */
int client_sessions_set(struct client_sessions *cs, const uint8_t *bytes,
                        size_t len);
void client_sessions_free(struct client_sessions *cs);

/* Reads a whole session file (at most 64 KiB). Returns 0 or -1 with err. */
int session_file_read(const char *path, uint8_t **bytes, size_t *len, char *err,
                      size_t errlen);
/* Writes bytes to path, mode 0600, replacing it. Returns 0 or -1 with err. */
int session_file_write(const char *path, const uint8_t *bytes, size_t len,
                       char *err, size_t errlen);

#endif
