/*
 * petls defaults: Node's tls.DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION,
 * DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE and tls.getCiphers() of the linked
 * library, as one JSON line (tests/interop/defaults_node.sh compares it
 * with Node's).
 */
#include "cli.h"
#include "cli_opts.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <petls.h>

/* The names of petls_get_ciphers() joined with ':'; NULL when out of
 * memory. */
static char *all_ciphers(void)
{
    size_t n = petls_get_ciphers(NULL, 0), i, len = 1;
    const char **names = calloc(n + 1, sizeof(*names));
    char *out;

    if (names == NULL) {
        return NULL;
    }
    n = petls_get_ciphers(names, n);
    for (i = 0; i < n; i++) {
        len += strlen(names[i]) + 1;
    }
    out = malloc(len);
    if (out != NULL) {
        out[0] = '\0';
        for (i = 0; i < n; i++) {
            if (i > 0) {
                strcat(out, ":");
            }
            strcat(out, names[i]);
        }
    }
    free(names);
    return out;
}

int defaults_main(int argc, char **argv)
{
    struct json_line j;
    size_t len = petls_default_ciphers(NULL, 0);
    char *def = malloc(len + 1);
    char *all = all_ciphers();
    int rc;

    (void)argv;
    if (argc > 1) {
        cli_errorf("petls defaults takes no arguments");
        free(def);
        free(all);
        return CLI_EXIT_USAGE;
    }
    if (def == NULL || all == NULL) {
        cli_errorf("out of memory");
        free(def);
        free(all);
        return CLI_EXIT_FAIL;
    }
    petls_default_ciphers(def, len + 1);
    json_begin(&j);
    json_str(&j, "min_version", petls_default_min_version());
    json_str(&j, "max_version", petls_default_max_version());
    json_str(&j, "ecdh_curve", petls_default_ecdh_curve());
    json_str(&j, "default_ciphers", def);
    json_str(&j, "ciphers", all);
    rc = json_end(&j, stdout);
    free(def);
    free(all);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
