#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include "cert_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_out.h"

/* Certificates past the leaf that are printed (Node has no bound; a chain
 * is a handful of certificates). */
#define CHAIN_MAX 16

static void hex(struct json_line *j, const char *k, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    size_t i;

    if (s == NULL) {
        j->failed = 1;
        return;
    }
    for (i = 0; i < n; i++) {
        s[2 * i] = digits[b[i] >> 4];
        s[2 * i + 1] = digits[b[i] & 15];
    }
    s[2 * n] = '\0';
    json_str(j, k, s);
    free(s);
}

/* Node's valid_from form (OpenSSL's ASN1_TIME_print): "Dec  7 20:52:56 2026
 * GMT". */
static void node_time(struct json_line *j, const char *k, time_t t)
{
    char buf[64];
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, sizeof(buf), "%b %e %H:%M:%S %Y GMT", &tm) == 0)
        buf[0] = '\0';
    json_str(j, k, buf);
}

/* Groups "KEY<sep>value" entries into an object: a key seen once holds a
 * string, a repeated one an array of them (Node's subject and infoAccess;
 * infoAccess values are always arrays). */
static void grouped(struct json_line *j, const char *k, const char *const *v,
                    size_t n, char sep, int always_array)
{
    struct json_line o;
    size_t i, m;

    json_begin(&o);
    for (i = 0; i < n; i++) {
        const char *eq = strchr(v[i], sep);
        size_t kl = eq != NULL ? (size_t)(eq - v[i]) : strlen(v[i]);
        size_t count = 0, seen = 0;
        char name[128];

        if (kl >= sizeof(name))
            continue;
        memcpy(name, v[i], kl);
        name[kl] = '\0';
        for (m = 0; m < n; m++) {
            if (strncmp(v[m], name, kl) == 0 && v[m][kl] == sep) {
                if (m < i)
                    seen = 1;
                count++;
            }
        }
        if (seen)
            continue; /* printed with its first occurrence */
        if (o.fields++ > 0)
            json_append_raw(&o, ",", 1);
        json_append_string(&o, name);
        json_append_raw(&o, ":", 1);
        if (count > 1 || always_array)
            json_append_raw(&o, "[", 1);
        for (m = 0, count = 0; m < n; m++) {
            if (strncmp(v[m], name, kl) == 0 && v[m][kl] == sep) {
                if (count++ > 0)
                    json_append_raw(&o, ",", 1);
                json_append_string(&o, v[m] + kl + 1);
            }
        }
        if (count > 1 || always_array)
            json_append_raw(&o, "]", 1);
    }
    json_append_raw(&o, "}", 1);
    if (o.failed)
        j->failed = 1;
    else
        json_raw(j, k, o.buf);
    free(o.buf);
}

static void string_array(struct json_line *j, const char *k,
                         const char *const *v, size_t n)
{
    struct json_line a;
    size_t i;

    memset(&a, 0, sizeof(a));
    json_append_raw(&a, "[", 1);
    for (i = 0; i < n; i++) {
        if (i > 0)
            json_append_raw(&a, ",", 1);
        json_append_string(&a, v[i]);
    }
    json_append_raw(&a, "]", 1);
    if (a.failed)
        j->failed = 1;
    else
        json_raw(j, k, a.buf);
    free(a.buf);
}

static void joined_sans(struct json_line *j, const struct petls_cert_details *d)
{
    size_t i, len = 1;
    char *s;

    for (i = 0; i < d->n_sans; i++)
        len += strlen(d->sans[i]) + 2;
    if ((s = malloc(len)) == NULL) {
        j->failed = 1;
        return;
    }
    s[0] = '\0';
    for (i = 0; i < d->n_sans; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, d->sans[i]);
    }
    json_str(j, "subjectaltname", s);
    free(s);
}

/* The fields of one certificate, in the order Node prints them. */
static void fields(struct json_line *j, const struct petls_cert_details *d)
{
    grouped(j, "subject", d->subject, d->n_subject, '=', 0);
    grouped(j, "issuer", d->issuer, d->n_issuer, '=', 0);
    if (d->n_sans > 0)
        joined_sans(j, d);
    if (d->info_access != NULL)
        grouped(j, "infoAccess", d->info_access, d->n_info_access, ':', 1);
    json_bool(j, "ca", d->ca);
    if (d->modulus != NULL)
        json_str(j, "modulus", d->modulus);
    if (d->bits > 0)
        json_int(j, "bits", d->bits);
    if (d->exponent != NULL)
        json_str(j, "exponent", d->exponent);
    if (d->pubkey != NULL)
        hex(j, "pubkey", d->pubkey, d->pubkey_len);
    if (d->asn1_curve != NULL)
        json_str(j, "asn1Curve", d->asn1_curve);
    if (d->nist_curve != NULL)
        json_str(j, "nistCurve", d->nist_curve);
    node_time(j, "valid_from", d->valid_from);
    node_time(j, "valid_to", d->valid_to);
    if (d->fingerprint != NULL)
        json_str(j, "fingerprint", d->fingerprint);
    if (d->fingerprint256 != NULL)
        json_str(j, "fingerprint256", d->fingerprint256);
    if (d->fingerprint512 != NULL)
        json_str(j, "fingerprint512", d->fingerprint512);
    if (d->ext_key_usage != NULL)
        string_array(j, "ext_key_usage", d->ext_key_usage, d->n_ext_key_usage);
    json_str(j, "serialNumber", d->serial_number);
    hex(j, "raw", d->raw, d->raw_len);
}

/* The certificate at depth and, nested, its issuers. Node's top certificate
 * is its own issuerCertificate; JSON cannot hold the cycle, so the top has
 * none. */
static void cert_object(struct json_line *j, struct petls *ctx, size_t depth,
                        const struct petls_cert_details *d)
{
    struct petls_cert_details up;

    fields(j, d);
    if (!d->self_issued && depth < CHAIN_MAX &&
        petls_peer_cert_details(ctx, depth + 1, &up) == 0) {
        struct json_line o;
        json_begin(&o);
        cert_object(&o, ctx, depth + 1, &up);
        json_append_raw(&o, "}", 1);
        if (o.failed)
            j->failed = 1;
        else
            json_raw(j, "issuerCertificate", o.buf);
        free(o.buf);
    }
}

int cert_json_print(FILE *out, struct petls *ctx)
{
    struct petls_cert_details d;
    struct json_line j;

    json_begin(&j);
    json_str(&j, "event", "peer_certificate");
    if (petls_peer_cert_details(ctx, 0, &d) == 0)
        cert_object(&j, ctx, 0, &d);
    return json_end(&j, out);
}
