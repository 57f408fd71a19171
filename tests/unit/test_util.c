/* util.c: the helpers the engine shares. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

/* 2040-08-01, the test intermediate CA's notAfter: past 2038-01-19. */
#define AFTER_2038 INT64_C(2227075200)

Test(util, time_from_i64_keeps_values_time_t_can_hold)
{
    cr_assert_eq(petls_time_from_i64(0), (time_t)0);
    cr_assert_eq(petls_time_from_i64(INT64_C(1700000000)), (time_t)1700000000);
    cr_assert_eq(petls_time_from_i64(INT64_C(-86400)), (time_t)-86400);
}

Test(util, time_from_i64_saturates_a_32_bit_time_t)
{
    if (sizeof(time_t) >= sizeof(int64_t)) {
        cr_assert_eq((int64_t)petls_time_from_i64(AFTER_2038), AFTER_2038);
        cr_assert_eq((int64_t)petls_time_from_i64(-AFTER_2038), -AFTER_2038);
    } else {
        /* Not wrapped into the past: the latest time a time_t can say. */
        cr_assert_eq(petls_time_from_i64(AFTER_2038), (time_t)INT32_MAX);
        cr_assert_eq(petls_time_from_i64(-AFTER_2038), (time_t)INT32_MIN);
    }
}
