#define _POSIX_C_SOURCE 200809L

#include "client_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_FILE_MAX (64 * 1024)

static void wipe_free(uint8_t *p, size_t len)
{
    if (p == NULL)
        return;
    volatile uint8_t *v = p;
    for (size_t i = 0; i < len; i++)
        v[i] = 0;
    free(p);
}

int client_sessions_set(struct client_sessions *cs, const uint8_t *bytes,
                        size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, bytes, len);
    wipe_free(cs->newest, cs->len);
    cs->newest = copy;
    cs->len = len;
    return 0;
}

static void on_session(struct petls *ctx, const uint8_t *session, size_t len,
                       void *arg)
{
    struct client_sessions *cs = arg;
    (void)ctx;
    if (client_sessions_set(cs, session, len) == 0)
        cs->received++;
}

int client_sessions_attach(struct client_sessions *cs, struct petls_config *cfg)
{
    return petls_config_set_session_cb(cfg, on_session, cs);
}

void client_sessions_free(struct client_sessions *cs)
{
    wipe_free(cs->newest, cs->len);
    cs->newest = NULL;
    cs->len = 0;
}

int session_file_read(const char *path, uint8_t **bytes, size_t *len, char *err,
                      size_t errlen)
{
    *bytes = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "--sess-in: %s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = malloc(SESSION_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "--sess-in: out of memory");
        return -1;
    }
    size_t n = fread(buf, 1, SESSION_FILE_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > SESSION_FILE_MAX) {
        wipe_free(buf, n);
        snprintf(err, errlen, "--sess-in: %s: %s", path,
                 bad ? "read error" : "larger than 64 KiB");
        return -1;
    }
    *bytes = buf;
    *len = n;
    return 0;
}

int session_file_write(const char *path, const uint8_t *bytes, size_t len,
                       char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "--sess-out: %s: %s", path, strerror(errno));
        return -1;
    }
    /* An existing file keeps its mode through O_TRUNC: tighten it. */
    if (fchmod(fd, 0600) != 0) {
        snprintf(err, errlen, "--sess-out: %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, bytes + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "--sess-out: %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "--sess-out: %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
