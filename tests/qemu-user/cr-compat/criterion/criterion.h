/*
 * The part of Criterion's API that tests/unit uses, for targets Debian
 * builds no Criterion for (armhf: the criterion and boxfort source packages
 * list amd64, arm64 and i386 only). It is NOT Criterion: a small runner
 * (runner.c next to this directory) with the same test-definition and
 * assertion macros, so the same test sources run unchanged under qemu-arm.
 * tests/run/qemu-user-tests.sh puts this directory first on the include path
 * and links runner.c in place of libcriterion.
 *
 * What it does like Criterion: each test runs in its own forked process
 * (a crash fails that test only); a suite's .init/.fini wrap each of its
 * tests unless the test has its own; .timeout and --timeout kill a test
 * that runs too long; CRITERION_TEST_PATTERN / --filter select tests by
 * "suite/name" with Criterion's glob syntax (*, ?, !(a|b), @(a|b));
 * --jobs N runs N tests at once; the last line is Criterion's
 * "[====] Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N".
 * Anything else of Criterion's (parameterized tests, theories, .signal,
 * .exit_code, the new assert API) is absent and fails to compile.
 */
#ifndef PETLS_CR_COMPAT_CRITERION_H
#define PETLS_CR_COMPAT_CRITERION_H

#include <stddef.h>
#include <string.h>

/* The first member takes the leading 0 of the { 0, __VA_ARGS__ }
 * initializer, so the designated options (.init = ...) never override it. */
struct criterion_test_extra_data {
    int cr_compat_unused_;
    void (*init)(void);
    void (*fini)(void);
    double timeout; /* seconds; 0: the runner's --timeout */
    int disabled;
    const char *description;
};

struct cr_compat_test {
    const char *suite;
    const char *name;
    void (*body)(void);
    struct criterion_test_extra_data data;
    struct cr_compat_test *next;
};

struct cr_compat_suite {
    const char *name;
    struct criterion_test_extra_data data;
    struct cr_compat_suite *next;
};

void cr_compat_register_test(struct cr_compat_test *t);
void cr_compat_register_suite(struct cr_compat_suite *s);
_Noreturn void cr_compat_fail(const char *file, int line, const char *expr,
                              const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Designated options after a positional 0: GCC does not ask for the
 * remaining members (-Wmissing-field-initializers skips designated ones). */
#define CR_COMPAT_OPTS_(...)                                                   \
    {                                                                          \
        0, __VA_ARGS__                                                         \
    }

#define Test(suite, name, ...)                                                 \
    static void suite##_##name##_cr_body(void);                                \
    __attribute__((constructor)) static void suite##_##name##_cr_reg(void)     \
    {                                                                          \
        static struct cr_compat_test t = {#suite, #name,                       \
                                          suite##_##name##_cr_body,            \
                                          CR_COMPAT_OPTS_(__VA_ARGS__), NULL}; \
        cr_compat_register_test(&t);                                           \
    }                                                                          \
    static void suite##_##name##_cr_body(void)

#define TestSuite(suite, ...)                                                  \
    __attribute__((constructor)) static void suite##_cr_suite_reg(void)        \
    {                                                                          \
        static struct cr_compat_suite s = {                                    \
            #suite, CR_COMPAT_OPTS_(__VA_ARGS__), NULL};                       \
        cr_compat_register_suite(&s);                                          \
    }                                                                          \
    struct cr_compat_suite_##suite##_unused_

/* The optional message is a printf format and its arguments. The leading
 * " " keeps the format non-empty when there is no message
 * (-Wformat-zero-length); the runner prints the expression then. */
#define CR_COMPAT_CHECK_(cond, text, ...)                                      \
    do {                                                                       \
        if (!(cond))                                                           \
            cr_compat_fail(__FILE__, __LINE__, text, " " __VA_ARGS__);         \
    } while (0)

#define cr_assert(cond, ...) CR_COMPAT_CHECK_((cond), #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...)                                               \
    CR_COMPAT_CHECK_(!(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...) CR_COMPAT_CHECK_(0, "cr_assert_fail", __VA_ARGS__)
#define cr_assert_null(p, ...)                                                 \
    CR_COMPAT_CHECK_((p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...)                                             \
    CR_COMPAT_CHECK_((p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_eq(a, b, ...)                                                \
    CR_COMPAT_CHECK_((a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...)                                               \
    CR_COMPAT_CHECK_((a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...)                                                \
    CR_COMPAT_CHECK_((a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...)                                               \
    CR_COMPAT_CHECK_((a) <= (b), #a " <= " #b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...)                                                \
    CR_COMPAT_CHECK_((a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...)                                               \
    CR_COMPAT_CHECK_((a) >= (b), #a " >= " #b, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)                                            \
    CR_COMPAT_CHECK_(strcmp((a), (b)) == 0, #a " equals string " #b,           \
                     __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...)                                           \
    CR_COMPAT_CHECK_(strcmp((a), (b)) != 0, #a " differs from string " #b,     \
                     __VA_ARGS__)
#define cr_assert_str_empty(a, ...)                                            \
    CR_COMPAT_CHECK_((a)[0] == '\0', #a " is empty", __VA_ARGS__)
/* A skipped test ends its (forked) process as a pass, saying why. */
void cr_compat_skip(const char *fmt, ...);
#define cr_skip_test(...) cr_compat_skip(" " __VA_ARGS__)
#define cr_assert_arr_eq(a, b, size, ...)                                      \
    CR_COMPAT_CHECK_(memcmp((a), (b), (size)) == 0,                            \
                     #a " equals " #b " (" #size " bytes)", __VA_ARGS__)

#endif
