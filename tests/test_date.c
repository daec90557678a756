/* Dates: nq_parse_date, nq_parse_date_ex, nq_format_date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"

static uint32_t parse(const char *s)
{
    return nq_parse_date(s, strlen(s));
}

static void test_valid(void **state)
{
    (void)state;
    assert_int_equal(parse("2023"), 20230000);
    assert_int_equal(parse("2023-05"), 20230500);
    assert_int_equal(parse("2023-05-01"), 20230501);
    assert_int_equal(parse("0001"), 10000);
    assert_int_equal(parse("9999-12-31"), 99991231);
    assert_int_equal(parse("2023-01-31"), 20230131);
    assert_int_equal(parse("2023-04-30"), 20230430);
    assert_int_equal(parse("2023-12-31"), 20231231);
    assert_int_equal(parse("2023-02-28"), 20230228);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parse("2024-02-29"), 20240229);
    assert_int_equal(parse("2000-02-29"), 20000229);
    assert_int_equal(parse("2023-02-29"), 0);
    assert_int_equal(parse("1900-02-29"), 0);
    assert_int_equal(parse("2100-02-29"), 0);
    assert_int_equal(parse("2024-02-30"), 0);
    assert_int_equal(parse("1600-02-29"), 16000229);
}

static void test_impossible(void **state)
{
    (void)state;
    const char *bad[] = {"0000", "0000-01-01", "2023-00", "2023-13", "2023-02-30", "2023-04-31",
                         "2023-05-00", "2023-05-32", "2023-00-10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int shaped = 0;
        assert_int_equal(nq_parse_date_ex(bad[i], strlen(bad[i]), &shaped), 0);
        assert_true(shaped);
    }
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"", "hier", "2023/05/01", "2023-6", "2023-05-1", "23", "202", "20230",
                         "2023-", "2023-05-", "+2023", " 2023", "2023 ", "2023-05-01x",
                         "2023-05-01T", "2023-05-01T10", "2023-05-01T1:00", "2023-05-01 10h30",
                         "2023-05-01Z", "12023", "2023-1a", "２０２３", "2023-05-01\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int shaped = 1;
        assert_int_equal(nq_parse_date_ex(bad[i], strlen(bad[i]), &shaped), 0);
        assert_false(shaped);
    }
    assert_int_equal(nq_parse_date(NULL, 0), 0);
}

static void test_datetimes(void **state)
{
    (void)state;
    assert_int_equal(parse("2023-05-01T10:30:00Z"), 20230501);
    assert_int_equal(parse("2023-05-01T10:30"), 20230501);
    assert_int_equal(parse("2023-05-01 10:30:00"), 20230501);
    assert_int_equal(parse("2023-05-01T23:59:59.123+02:00"), 20230501);
    assert_int_equal(parse("2024-02-29T00:00:00"), 20240229);
    /* the date part must still be a real date */
    assert_int_equal(parse("2023-02-29T00:00:00"), 0);
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* not NUL-terminated: only len bytes count */
    assert_int_equal(nq_parse_date("2023-05-01", 4), 20230000);
    assert_int_equal(nq_parse_date("2023-05-01", 7), 20230500);
    assert_int_equal(nq_parse_date("2023-05-01", 9), 0);
}

static void check_format(uint32_t date, const char *want)
{
    char buf[11];
    memset(buf, 'x', sizeof buf);
    nq_format_date(date, buf);
    assert_string_equal(buf, want);
}

static void test_format(void **state)
{
    (void)state;
    check_format(20230501, "2023-05-01");
    check_format(20230500, "2023-05");
    check_format(20230000, "2023");
    check_format(10000, "0001");
    check_format(99991231, "9999-12-31");
    check_format(0, "");
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *dates[] = {"2023", "2023-05", "2023-05-01", "2000-02-29", "0042-07-14"};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        char buf[11];
        nq_format_date(parse(dates[i]), buf);
        assert_string_equal(buf, dates[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),      cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_impossible), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_datetimes),  cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_format),     cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
