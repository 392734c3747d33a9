/* Tests for src/util/civil.c: day numbers, weekdays, leap years. */
#include <criterion/criterion.h>

#include "util/civil.h"

Test(civil, epoch_is_day_zero_and_a_thursday)
{
	cr_assert_eq(civil_days_from_date(1970, 1, 1), 0);
	cr_assert_eq(civil_weekday(0), 3);
}

Test(civil, known_dates_round_trip)
{
	/* Day numbers from Python: (date(y, m, d) - date(1970, 1, 1)).days */
	struct {
		int y, m, d;
		int64_t days;
		int weekday;
	} cases[] = {
		{2026, 11, 23, 20780, 0}, {2000, 2, 29, 11016, 1},  {1900, 3, 1, -25508, 3},
		{1969, 12, 31, -1, 2},    {2400, 2, 29, 157113, 1}, {9999, 12, 31, 2932896, 4},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t days = civil_days_from_date(cases[i].y, cases[i].m, cases[i].d);
		cr_assert_eq(days, cases[i].days, "%d-%d-%d", cases[i].y, cases[i].m, cases[i].d);
		cr_assert_eq(civil_weekday(days), cases[i].weekday);
		int64_t y;
		int m, d;
		civil_date_from_days(days, &y, &m, &d);
		cr_assert(y == cases[i].y && m == cases[i].m && d == cases[i].d);
	}
}

Test(civil, every_day_of_four_centuries_round_trips)
{
	int64_t prev = civil_days_from_date(1899, 12, 31);
	for (int64_t y = 1900; y < 2300; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= civil_days_in_month(y, m); d++) {
				int64_t days = civil_days_from_date(y, m, d), yy;
				int mm, dd;
				cr_assert_eq(days, prev + 1);
				civil_date_from_days(days, &yy, &mm, &dd);
				cr_assert(yy == y && mm == m && dd == d);
				prev = days;
			}
}

Test(civil, leap_years_follow_the_gregorian_rule)
{
	cr_assert(civil_is_leap_year(2000));
	cr_assert(civil_is_leap_year(2024));
	cr_assert_not(civil_is_leap_year(1900));
	cr_assert_not(civil_is_leap_year(2026));
	cr_assert_eq(civil_days_in_month(2100, 2), 28);
	cr_assert_eq(civil_days_in_month(2028, 2), 29);
}

Test(civil, floor_division_rounds_toward_negative_infinity)
{
	cr_assert_eq(civil_floor_div(-1, 86400), -1);
	cr_assert_eq(civil_floor_mod(-1, 86400), 86399);
	cr_assert_eq(civil_floor_div(86400, 86400), 1);
	cr_assert_eq(civil_floor_div(-86400, 86400), -1);
}
