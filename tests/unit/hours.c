/* Tests for src/core/hours.c: the weekly-hours spec of SLA.md. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/hours.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static struct hours_week parse_ok(const char *spec)
{
	struct hours_week w;
	struct sb_error err = {0};
	int rc = hours_parse(spec, &w, &err);
	cr_assert_eq(rc, 0, "'%s': %s", spec, err.message);
	return w;
}

static void parse_fails(const char *spec, const char *needle)
{
	struct hours_week w;
	struct sb_error err = {0};
	cr_assert_eq(hours_parse(spec, &w, &err), -SB_EINVAL, "'%s' parsed", spec);
	cr_assert(strstr(err.message, needle), "'%s': message '%s' lacks '%s'", spec, err.message,
		  needle);
}

static void assert_day(const struct hours_week *w, int day, int n, const int *minutes)
{
	cr_assert_eq(w->count[day], n, "%s has %d ranges", hours_day_name(day), w->count[day]);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(w->ranges[day][i].start, minutes[2 * i]);
		cr_assert_eq(w->ranges[day][i].end, minutes[2 * i + 1]);
	}
}

Test(hours, default_spec_is_weekdays_nine_to_six)
{
	struct hours_week w = parse_ok("mon-fri 09:00-18:00");
	for (int d = MON; d <= FRI; d++)
		assert_day(&w, d, 1, (int[]){540, 1080});
	assert_day(&w, SAT, 0, NULL);
	assert_day(&w, SUN, 0, NULL);
}

Test(hours, several_rules_and_split_ranges)
{
	struct hours_week w = parse_ok("mon-thu 08:30-17:30; fri 08:30-13:00");
	assert_day(&w, THU, 1, (int[]){510, 1050});
	assert_day(&w, FRI, 1, (int[]){510, 780});
	w = parse_ok("mon-fri 09:00-12:00 13:00-18:00");
	assert_day(&w, WED, 2, (int[]){540, 720, 780, 1080});
	w = parse_ok("mon-fri 09:00-12:00 12:00-18:00");
	assert_day(&w, MON, 2, (int[]){540, 720, 720, 1080});
}

Test(hours, day_spans_wrap_the_week)
{
	struct hours_week w = parse_ok("sun-thu 08:00-17:00");
	for (int d = 0; d < 7; d++)
		cr_assert_eq(w.count[d], d == FRI || d == SAT ? 0 : 1, "%s", hours_day_name(d));
	w = parse_ok("fri-mon 10:00-11:00");
	for (int d = 0; d < 7; d++)
		cr_assert_eq(w.count[d], d == MON || d >= FRI ? 1 : 0, "%s", hours_day_name(d));
	w = parse_ok("mon-mon 10:00-11:00");
	for (int d = 0; d < 7; d++)
		cr_assert_eq(w.count[d], d == MON ? 1 : 0);
}

Test(hours, lists_and_24x7_and_whole_days)
{
	struct hours_week w = parse_ok("mon,wed,fri 10:00-16:00");
	cr_assert(w.count[MON] && !w.count[TUE] && w.count[WED] && !w.count[THU] && w.count[FRI]);
	w = parse_ok("24x7");
	for (int d = 0; d < 7; d++)
		assert_day(&w, d, 1, (int[]){0, 1440});
	w = parse_ok("mon-sun 00:00-24:00");
	for (int d = 0; d < 7; d++)
		assert_day(&w, d, 1, (int[]){0, 1440});
	w = parse_ok("sat 00:00-00:01 23:59-24:00");
	assert_day(&w, SAT, 2, (int[]){0, 1, 1439, 1440});
}

Test(hours, spaces_around_semicolons_and_runs_of_spaces_are_allowed)
{
	struct hours_week w =
		parse_ok("  mon 09:00-10:00 ;tue   11:00-12:00\t;  wed 13:00-14:00  ");
	assert_day(&w, MON, 1, (int[]){540, 600});
	assert_day(&w, TUE, 1, (int[]){660, 720});
	assert_day(&w, WED, 1, (int[]){780, 840});
	w = parse_ok(" 24x7 ");
	cr_assert_eq(w.count[SUN], 1);
}

Test(hours, a_day_named_twice_is_an_error)
{
	parse_fails("mon-fri 09:00-12:00; mon 13:00-14:00", "'mon' named twice");
	parse_fails("mon,mon 09:00-12:00", "'mon' named twice");
	parse_fails("mon-fri,wed 09:00-12:00", "'wed' named twice");
	parse_fails("fri-tue 09:00-12:00; sun 10:00-11:00", "'sun' named twice");
}

Test(hours, ranges_out_of_order_or_overlapping_are_errors)
{
	parse_fails("mon 13:00-18:00 09:00-12:00", "out of order");
	parse_fails("mon 09:00-12:00 11:00-13:00", "overlap");
	parse_fails("mon 09:00-12:00 09:00-10:00", "overlap");
	parse_fails("mon 18:00-09:00", "does not end after it starts");
	parse_fails("mon 09:00-09:00", "does not end after it starts");
}

Test(hours, unknown_days_are_errors)
{
	parse_fails("funday 09:00-18:00", "unknown day 'funday'");
	parse_fails("Mon-Fri 09:00-18:00", "unknown day 'Mon'");
	parse_fails("mon-xyz 09:00-18:00", "unknown day 'xyz'");
	parse_fails("24x7; mon 09:00-10:00", "unknown day '24x7'");
	parse_fails("mon, 09:00-10:00", "empty day");
	parse_fails("mon-fri-sat 09:00-10:00", "unknown day 'fri-sat'");
}

Test(hours, malformed_times_are_errors)
{
	parse_fails("mon 9:00-18:00", "malformed time '9:00'");
	parse_fails("mon 09:00-18", "malformed time '18'");
	parse_fails("mon 09.00-18.00", "malformed time '09.00'");
	parse_fails("mon 0900", "malformed range '0900'");
	parse_fails("mon 09:60-18:00", "out of range");
	parse_fails("mon 09:00-25:00", "out of range");
	parse_fails("mon 09:00-24:01", "out of range");
	parse_fails("mon 24:00-24:00", "does not end after it starts");
	parse_fails("mon 0a:00-18:00", "malformed time");
	parse_fails("mon 09:00-18:00-19:00", "malformed time");
}

Test(hours, empty_specs_and_rules_are_errors)
{
	parse_fails("", "empty spec");
	parse_fails("   ", "empty spec");
	parse_fails("mon-fri 09:00-18:00;", "empty rule");
	parse_fails(";mon 09:00-18:00", "empty rule");
	parse_fails("mon-fri 09:00-18:00;;tue 10:00-11:00", "empty rule");
	parse_fails("mon-fri", "without a range");
	parse_fails("24x7x", "unknown day");
}

Test(hours, limits_are_enforced_not_truncated)
{
	char spec[HOURS_MAX_SPEC + 64] = "mon";
	for (int i = 0; i < HOURS_MAX_RANGES + 1; i++) {
		char r[16];
		snprintf(r, sizeof(r), " %02d:%02d-%02d:%02d", i / 2, (i % 2) * 30, i / 2,
			 (i % 2) * 30 + 10);
		strcat(spec, r);
	}
	parse_fails(spec, "more than 48 ranges");
	memset(spec, ' ', HOURS_MAX_SPEC + 1);
	spec[HOURS_MAX_SPEC + 1] = '\0';
	parse_fails(spec, "longer than");
}
