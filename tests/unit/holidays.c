/* Tests for src/core/holidays.c: date lists and the default US rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/holidays.h"
#include "util/civil.h"

static int64_t day(int y, int m, int d)
{
	return civil_days_from_date(y, m, d);
}

Test(holidays, a_list_is_parsed_sorted_and_deduplicated)
{
	struct holidays h;
	struct sb_error err = {0};
	cr_assert_eq(holidays_parse("2026-12-25, 2026-11-26 ,2026-12-25", &h, &err), 0, "%s",
		     err.message);
	cr_assert_eq(h.count, 2);
	cr_assert_eq(h.days[0], day(2026, 11, 26));
	cr_assert(holidays_contains(&h, day(2026, 12, 25)));
	cr_assert_not(holidays_contains(&h, day(2026, 12, 24)));
	cr_assert_not(holidays_contains(&h, day(2026, 7, 3)), "explicit list has no US rules");
	holidays_done(&h);
}

Test(holidays, an_empty_string_is_no_holidays)
{
	struct holidays h;
	cr_assert_eq(holidays_parse("", &h, NULL), 0);
	cr_assert_eq(h.count, 0);
	cr_assert_not(h.us_default);
	cr_assert_not(holidays_contains(&h, day(2026, 12, 25)));
	cr_assert_eq(holidays_parse("  ", &h, NULL), 0);
	cr_assert_eq(h.count, 0);
}

Test(holidays, bad_dates_are_errors)
{
	const char *bad[][2] = {
		{"2026-02-30", "not a calendar date"}, {"2026-13-01", "not a calendar date"},
		{"2026-11-26,", "empty date"},         {",2026-11-26", "empty date"},
		{"2026/11/26", "malformed date"},      {"26-11-2026", "malformed date"},
		{"2026-11-26x", "malformed date"},     {"2026-1-26", "malformed date"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct holidays h;
		struct sb_error err = {0};
		cr_assert_eq(holidays_parse(bad[i][0], &h, &err), -SB_EINVAL, "%s", bad[i][0]);
		cr_assert(strstr(err.message, bad[i][1]), "%s: %s", bad[i][0], err.message);
		cr_assert_null(h.days);
	}
}

Test(holidays, default_rules_give_the_observed_us_holidays)
{
	struct holidays h;
	holidays_default(&h);
	/* 2026: Jan 1 Thu; Memorial May 25; Jul 4 is a Saturday -> Fri Jul 3; Labor Sep 7;
	 * Thanksgiving Nov 26; Christmas Fri Dec 25. */
	int64_t yes[] = {
		day(2026, 1, 1),   day(2026, 5, 25),  day(2026, 7, 3),   day(2026, 9, 7),
		day(2026, 11, 26), day(2026, 12, 25), day(2021, 12, 31), /* New Year 2022 is a
									    Saturday */
		day(2023, 1, 2),   /* New Year 2023 is a Sunday */
		day(2022, 12, 26), /* Christmas 2022 is a Sunday */
		day(2021, 7, 5),   /* Jul 4 2021 is a Sunday */
		day(2027, 11, 25), day(2030, 5, 27)};
	int64_t no[] = {day(2026, 7, 4),  day(2026, 11, 27), day(2026, 11, 11),
			day(2026, 1, 19), day(2026, 10, 12), day(2026, 12, 24),
			day(2022, 1, 1),  day(2026, 12, 31), day(2026, 11, 19)};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_assert(holidays_contains(&h, yes[i]), "day %lld", (long long)yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert_not(holidays_contains(&h, no[i]), "day %lld", (long long)no[i]);
}

Test(holidays, too_many_dates_are_refused)
{
	size_t n = HOLIDAYS_MAX + 1;
	char *list = malloc(n * 11 + 1), *p = list;
	for (size_t i = 0; i < n; i++) {
		int64_t y;
		int m, d;
		civil_date_from_days((int64_t)i, &y, &m, &d);
		p += snprintf(p, 12, "%s%04d-%02d-%02d", i ? "," : "", (int)y, m, d);
	}
	struct holidays h;
	struct sb_error err = {0};
	cr_assert_eq(holidays_parse(list, &h, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "more than"));
	free(list);
}
