/*
 * Checks the runner itself before it runs the suite: passing assertions
 * pass, every failing kind fails, a crash and a timeout are caught, the
 * suite's init runs before its tests, and the pattern leaves tests out.
 * tests/run/qemu-user-tests.sh runs it with the pattern "!(skipped)/<any>" and
 * expects exactly:
 *   [====] Synthesis: Tested: 9 | Passing: 2 | Failing: 6 | Crashing: 1
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdint.h>

static int ready;

static void setup(void)
{
    ready = 42;
}

TestSuite(pass, .init = setup);

Test(pass, every_assertion)
{
    const uint8_t a[3] = {1, 2, 3}, b[3] = {1, 2, 3};
    const char *none = NULL;

    cr_assert(ready == 42, "the suite's init ran before the test");
    cr_assert_not(ready == 0);
    cr_assert_eq(ready, 42);
    cr_assert_neq(ready, 41, "%d", ready);
    cr_assert_lt(1, 2);
    cr_assert_leq(2, 2);
    cr_assert_gt(3, 2);
    cr_assert_geq(3, 3);
    cr_assert_null(none);
    cr_assert_not_null(a);
    cr_assert_str_eq("petls", "petls");
    cr_assert_str_neq("petls", "tls");
    cr_assert_arr_eq(a, b, sizeof(a));
}

Test(pass, within_timeout, .timeout = 30)
{
    cr_assert_eq(ready, 42);
}

Test(fail, eq)
{
    cr_assert_eq(1, 2, "expected: 1 is not %d", 2);
}

Test(fail, str_eq)
{
    cr_assert_str_eq("petls", "tls");
}

Test(fail, arr_eq)
{
    const uint8_t a[2] = {1, 2}, b[2] = {1, 3};

    cr_assert_arr_eq(a, b, sizeof(a));
}

Test(fail, null)
{
    cr_assert_null(&ready);
}

Test(fail, explicit)
{
    cr_assert_fail("expected failure");
}

Test(fail, timeout, .timeout = 1)
{
    for (;;)
        ready++;
}

Test(crash, segv)
{
    raise(SIGSEGV);
}

Test(skipped, never_run)
{
    cr_assert_fail("the pattern should have left this test out");
}
