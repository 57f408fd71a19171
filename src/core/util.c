/* Small helpers over the port: copies, secrets, times. */
#include "util.h"

#include <string.h>

#include "petls_internal.h"
#include "petls_port.h"

char *petls_strdup(const char *s)
{
    size_t n = strlen(s);
    char *d = petls_port_calloc(1, n + 1);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

uint8_t *petls_memdup(const void *p, size_t len)
{
    uint8_t *d = petls_port_calloc(1, len + 1);

    if (d != NULL && len > 0)
        memcpy(d, p, len);
    return d;
}

void petls_explicit_bzero(void *p, size_t len)
{
    /* A volatile function pointer keeps the call from being optimised away
     * as a dead store before free. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;

    if (p != NULL && len > 0)
        memset_v(p, 0, len);
}

void petls_free_secret(void *p, size_t len)
{
    if (p == NULL)
        return;
    petls_explicit_bzero(p, len);
    petls_port_free(p);
}

void petls_free_secret_str(char *s)
{
    if (s == NULL)
        return;
    petls_free_secret(s, strlen(s));
}

int petls_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

time_t petls_time_from_i64(int64_t t)
{
    if (sizeof(time_t) < sizeof(int64_t)) {
        if (t > INT32_MAX)
            return (time_t)INT32_MAX;
        if (t < INT32_MIN)
            return (time_t)INT32_MIN;
    }
    return (time_t)t;
}

/* Shared by the session modules and their compiled-out stubs. */
int64_t petls_session_now(void)
{
    int64_t now = petls_port_unix_time();

    /* Firmware without a calendar still has a monotonic clock: expiry only
     * needs time to move forward. */
    if (now < 0)
        now = (int64_t)(petls_port_monotonic_ms() / 1000u);
    return now;
}

void petls_session_errmsg(char *err, size_t errlen, const char *msg)
{
    size_t n = strlen(msg);

    if (errlen == 0)
        return;
    if (n >= errlen)
        n = errlen - 1;
    memcpy(err, msg, n);
    err[n] = '\0';
}
