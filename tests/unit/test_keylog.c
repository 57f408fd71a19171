/* NSS key log lines (Node's 'keylog' event): the formatter, and the lines
 * both ends of a handshake produce in TLS 1.2 and 1.3. That the lines
 * really decrypt a capture is shown by tests/interop/keylog_tshark.sh. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "nego.h"
#include "tlspair.h"

Test(keylog_format, exact_line)
{
    uint8_t cr[32], secret[48];
    char line[PETLS_KEYLOG_LINE_MAX];
    char want[256];
    size_t i, n = 0;

    for (i = 0; i < 32; i++)
        cr[i] = (uint8_t)i;
    for (i = 0; i < 48; i++)
        secret[i] = (uint8_t)(0xF0 + (i & 0x0F));
    n = (size_t)snprintf(want, sizeof(want), "CLIENT_RANDOM ");
    for (i = 0; i < 32; i++)
        n += (size_t)snprintf(want + n, sizeof(want) - n, "%02x", cr[i]);
    want[n++] = ' ';
    for (i = 0; i < 48; i++)
        n += (size_t)snprintf(want + n, sizeof(want) - n, "%02x", secret[i]);
    cr_assert_eq(petls_keylog_format(line, sizeof(line), "CLIENT_RANDOM", cr,
                                     secret, sizeof(secret)),
                 (int)n);
    cr_assert_str_eq(line, want);
    /* Too small a buffer, too long a secret. */
    cr_assert_eq(petls_keylog_format(line, 50, "CLIENT_RANDOM", cr, secret,
                                     sizeof(secret)),
                 -1);
    cr_assert_eq(petls_keylog_format(line, sizeof(line), "X", cr, secret, 65),
                 -1);
}

#define MAX_LINES 16
struct lines {
    int n;
    char line[MAX_LINES][PETLS_KEYLOG_LINE_MAX];
};

static void keylog_cb(struct petls *ctx, const char *line, void *arg)
{
    struct lines *l = arg;

    cr_assert_not_null(ctx);
    cr_assert_lt(l->n, MAX_LINES);
    snprintf(l->line[l->n++], PETLS_KEYLOG_LINE_MAX, "%s", line);
}

static int has_line(const struct lines *l, const char *s)
{
    int i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->line[i], s) == 0)
            return 1;
    return 0;
}

static void check_hexline(const char *line, const char *label,
                          size_t secret_hex)
{
    size_t ll = strlen(label), i;

    cr_assert(strncmp(line, label, ll) == 0 && line[ll] == ' ', "%s", line);
    cr_assert_eq(strlen(line), ll + 1 + 64 + 1 + secret_hex, "%s", line);
    for (i = ll + 1; line[i] != '\0'; i++)
        if (i != ll + 65)
            cr_assert(strchr("0123456789abcdef", line[i]) != NULL, "%s", line);
}

static void run(uint32_t proto, struct lines *cl, struct lines *sl)
{
    struct tlspair p;

    memset(cl, 0, sizeof(*cl));
    memset(sl, 0, sizeof(*sl));
    tlspair_init(&p);
    cr_assert_eq(petls_config_set_protocols(p.ccfg, proto), 0);
    cr_assert_eq(petls_config_set_keylog_cb(p.ccfg, keylog_cb, cl), 0);
    cr_assert_eq(petls_config_set_keylog_cb(p.scfg, keylog_cb, sl), 0);
    tlspair_start(&p, "localhost");
    cr_assert_eq(tlspair_handshake(&p), 0);
    tlspair_transfer(p.client, p.sconn, "hi", 2);
    tlspair_free(&p);
}

Test(keylog, tls12_client_random)
{
    struct lines cl, sl;

    run(PETLS_PROTOCOL_TLSv1_2, &cl, &sl);
    cr_assert_eq(cl.n, 1);
    cr_assert_eq(sl.n, 1);
    check_hexline(cl.line[0], "CLIENT_RANDOM", 96);
    cr_assert_str_eq(cl.line[0], sl.line[0]);
}

Test(keylog, tls13_four_secrets)
{
    static const char *const labels[] = {
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
    struct lines cl, sl;
    size_t i;
    int j, found;

    run(PETLS_PROTOCOL_TLSv1_3, &cl, &sl);
    cr_assert_eq(cl.n, 4);
    cr_assert_eq(sl.n, 4);
    for (i = 0; i < 4; i++) {
        found = 0;
        for (j = 0; j < cl.n; j++) {
            if (strncmp(cl.line[j], labels[i], strlen(labels[i])) == 0) {
                /* SHA-256 or SHA-384 suites. */
                size_t hex = strlen(cl.line[j]) - strlen(labels[i]) - 66;
                cr_assert(hex == 64 || hex == 96, "%s", cl.line[j]);
                check_hexline(cl.line[j], labels[i], hex);
                cr_assert(has_line(&sl, cl.line[j]), "server lacks %s",
                          cl.line[j]);
                found++;
            }
        }
        cr_assert_eq(found, 1, "%s", labels[i]);
    }
}
