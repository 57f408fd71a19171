/* Node's tls defaults as calls: petls_default_*() and petls_get_ciphers(). */
#include <criterion/criterion.h>
#include <string.h>

#include "petls.h"

Test(defaults, versions_and_curve)
{
    cr_assert_str_eq(petls_default_min_version(), "TLSv1.2");
    cr_assert_str_eq(petls_default_max_version(), "TLSv1.3");
    cr_assert_str_eq(petls_default_ecdh_curve(), "auto");
}

/* The defaults are what the setters take. */
Test(defaults, setters_take_them)
{
    struct petls_config *c = petls_config_new();
    char buf[2048];

    cr_assert_not_null(c);
    cr_assert_eq(petls_config_set_min_version(c, petls_default_min_version()),
                 0);
    cr_assert_eq(petls_config_set_max_version(c, petls_default_max_version()),
                 0);
    cr_assert_eq(petls_config_set_groups(c, petls_default_ecdh_curve()), 0);
    cr_assert_lt(petls_default_ciphers(buf, sizeof(buf)), sizeof(buf));
    cr_assert_eq(petls_config_set_ciphers(c, buf), 0, "%s",
                 petls_config_error(c));
    petls_config_free(c);
}

Test(defaults, default_ciphers_list)
{
    char buf[2048];
    size_t n = petls_default_ciphers(buf, sizeof(buf));

    cr_assert_eq(n, strlen(buf));
    cr_assert(strncmp(buf, "TLS_AES_256_GCM_SHA384:", 23) == 0, "%s", buf);
    cr_assert_not_null(strstr(buf, ":ECDHE-ECDSA-AES256-GCM-SHA384:"));
    /* secure without CCM: no CBC, no static RSA, no CCM, no PSK */
    cr_assert_null(strstr(buf, "CCM"));
    cr_assert_null(strstr(buf, "-SHA:"));
    cr_assert_null(strstr(buf, "PSK"));
    cr_assert_null(strstr(buf, ":AES"));
    cr_assert_neq(buf[n - 1], ':');
}

/* snprintf semantics: length without buffer, truncation with a short one. */
Test(defaults, default_ciphers_truncates)
{
    char full[2048], small[8];
    size_t n = petls_default_ciphers(full, sizeof(full));

    cr_assert_eq(petls_default_ciphers(NULL, 0), n);
    memset(small, 'x', sizeof(small));
    cr_assert_eq(petls_default_ciphers(small, sizeof(small)), n);
    cr_assert_str_eq(small, "TLS_AES");
    memset(small, 'x', sizeof(small));
    cr_assert_eq(petls_default_ciphers(small, 1), n);
    cr_assert_eq(small[0], '\0');
    cr_assert_eq(small[1], 'x');
    /* exactly one short: all but the last character */
    {
        char exact[2048];

        cr_assert_eq(petls_default_ciphers(exact, n), n);
        cr_assert_eq(strlen(exact), n - 1);
        cr_assert(strncmp(exact, full, n - 1) == 0);
    }
}

Test(defaults, get_ciphers)
{
    const char *names[256];
    size_t total = petls_get_ciphers(NULL, 0), i;
    int has_psk = 0, has_13 = 0;

    cr_assert_gt(total, 10);
    cr_assert_leq(total, 256);
    cr_assert_eq(petls_get_ciphers(names, 256), total);
    for (i = 0; i < total; i++) {
        struct petls_config *c = petls_config_new();

        cr_assert_not_null(names[i]);
        has_psk |= strstr(names[i], "PSK") != NULL;
        has_13 |= strcmp(names[i], "TLS_AES_128_GCM_SHA256") == 0;
        /* every name is one petls_config_set_ciphers() takes */
        cr_assert_eq(petls_config_set_ciphers(c, names[i]), 0, "%s: %s",
                     names[i], petls_config_error(c));
        petls_config_free(c);
    }
    cr_assert(has_psk);
    cr_assert(has_13);
    /* max bounds what is written */
    names[2] = NULL;
    cr_assert_eq(petls_get_ciphers(names, 2), total);
    cr_assert_null(names[2]);
}
