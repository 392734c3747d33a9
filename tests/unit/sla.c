/*
 * Tests for src/core/sla.c: SLA.md's worked examples and rules, on the
 * default calendar (America/New_York, mon-fri 09:00-18:00, US holidays).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/sla.h"
#include "util/rfc3339.h"

static struct calendar *make(const char *zone_name, const char *spec, const char *holidays)
{
	struct tz_zone *zone;
	struct hours_week week;
	struct holidays h;
	struct calendar *cal;
	cr_assert_eq(tz_zone_load(zone_name, &zone, NULL), 0);
	cr_assert_eq(hours_parse(spec, &week, NULL), 0);
	if (holidays)
		cr_assert_eq(holidays_parse(holidays, &h, NULL), 0);
	else
		holidays_default(&h);
	cr_assert_eq(calendar_new(zone, &week, &h, &cal, NULL), 0);
	holidays_done(&h);
	return cal;
}

static struct calendar *make_default(void)
{
	return make(CALENDAR_DEFAULT_ZONE, CALENDAR_DEFAULT_HOURS, NULL);
}

static void assert_due(struct calendar *cal, enum sla_priority p, const char *created,
		       const char *want)
{
	int64_t c, due;
	char got[RFC3339_BUFSIZE];
	struct sb_error err = {0};
	cr_assert_eq(rfc3339_parse(created, &c, NULL), 0, "%s", created);
	cr_assert_eq(sla_due(cal, p, c, &due, &err), 0, "%s", err.message);
	rfc3339_format(due, got);
	cr_assert_str_eq(got, want, "%s created %s", sla_priority_name(p), created);
}

#define STD       SLA_PRIORITY_STANDARD
#define EMERGENCY SLA_PRIORITY_EMERGENCY

Test(sla, worked_examples_of_sla_md)
{
	struct calendar *cal = make_default();
	assert_due(cal, STD, "2026-11-23T10:00:00-05:00", "2026-11-24T15:00:00Z");
	assert_due(cal, STD, "2026-11-23T09:00:00-05:00", "2026-11-23T23:00:00Z");
	assert_due(cal, STD, "2026-11-25T17:00:00-05:00", "2026-11-27T22:00:00Z");
	assert_due(cal, STD, "2026-11-27T18:00:00-05:00", "2026-11-30T14:00:00Z");
	assert_due(cal, EMERGENCY, "2026-11-28T12:00:00-05:00", "2026-11-28T18:00:00Z");
	calendar_free(cal);
}

Test(sla, boundaries_of_the_working_day)
{
	struct calendar *cal = make_default();
	/* One second before closing: one second today, 8:59:59 tomorrow. */
	assert_due(cal, STD, "2026-11-23T17:59:59-05:00", "2026-11-24T22:59:59Z");
	/* At closing: outside, so the next opening. */
	assert_due(cal, STD, "2026-11-23T18:00:00-05:00", "2026-11-24T14:00:00Z");
	assert_due(cal, STD, "2026-11-23T08:59:59-05:00", "2026-11-23T14:00:00Z");
	assert_due(cal, STD, "2026-11-22T12:00:00-05:00", "2026-11-23T14:00:00Z");
	calendar_free(cal);
}

Test(sla, emergencies_run_round_the_clock_across_daylight_saving)
{
	struct calendar *cal = make_default();
	/* 01:30 EST + 1 hour of real time is 03:30 EDT on 2026-03-08. */
	assert_due(cal, EMERGENCY, "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z");
	assert_due(cal, EMERGENCY, "2026-12-25T23:59:59Z", "2026-12-26T00:59:59Z");
	calendar_free(cal);
}

Test(sla, standard_across_the_spring_forward_weekend_keeps_local_hours)
{
	struct calendar *cal = make_default();
	/* Fri 2026-03-06 17:00 EST -> Mon 2026-03-09 17:00 EDT = 21:00Z. */
	assert_due(cal, STD, "2026-03-06T17:00:00-05:00", "2026-03-09T21:00:00Z");
	calendar_free(cal);
}

Test(sla, round_the_clock_calendar_adds_nine_real_hours_over_a_transition)
{
	struct calendar *cal = make("Europe/Madrid", "mon-sun 00:00-24:00", "");
	/* Madrid springs forward 2026-03-29 02:00 CET -> 03:00 CEST. */
	assert_due(cal, STD, "2026-03-28T22:00:00Z", "2026-03-29T07:00:00Z");
	assert_due(cal, STD, "2026-10-24T22:30:00Z", "2026-10-25T07:30:00Z");
	calendar_free(cal);
	cal = make("Australia/Sydney", "24x7", "");
	assert_due(cal, STD, "2026-10-03T12:00:00Z", "2026-10-03T21:00:00Z");
	calendar_free(cal);
}

Test(sla, holiday_after_creation_moves_the_due_time)
{
	struct calendar *cal =
		make("America/New_York", "mon-fri 09:00-18:00", "2026-11-24,2026-11-25");
	assert_due(cal, STD, "2026-11-23T12:00:00-05:00", "2026-11-26T17:00:00Z");
	calendar_free(cal);
}

Test(sla, week_wrapping_and_split_calendars)
{
	struct calendar *cal = make("Asia/Jerusalem", "sun-thu 08:00-17:00", "");
	/* Thu 2026-11-26 10:00 IST (+02) -> Sun 2026-11-29 10:00 = 08:00Z. */
	assert_due(cal, STD, "2026-11-26T10:00:00+02:00", "2026-11-29T08:00:00Z");
	calendar_free(cal);
	cal = make("America/New_York", "mon-fri 09:00-12:00 13:00-18:00", "");
	/* Eight hours Monday, the ninth from 09:00 Tuesday. */
	assert_due(cal, STD, "2026-11-23T09:00:00-05:00", "2026-11-24T15:00:00Z");
	/* Created in the lunch gap: the next opening. */
	assert_due(cal, STD, "2026-11-23T12:30:00-05:00", "2026-11-23T18:00:00Z");
	calendar_free(cal);
}

Test(sla, priorities_parse_strictly)
{
	enum sla_priority p;
	struct sb_error err = {0};
	cr_assert_eq(sla_priority_parse("standard", &p, NULL), 0);
	cr_assert_eq(p, STD);
	cr_assert_eq(sla_priority_parse("emergency", &p, NULL), 0);
	cr_assert_eq(p, EMERGENCY);
	cr_assert_eq(sla_priority_parse("Emergency", &p, &err), -SB_EINVAL);
	cr_assert_eq(sla_priority_parse("", &p, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "expected standard or emergency"));
}

Test(sla, creation_outside_the_supported_years_is_refused)
{
	struct calendar *cal = make_default();
	int64_t due;
	cr_assert_eq(sla_due(cal, STD, SLA_MIN_INSTANT - 1, &due, NULL), -SB_ERANGE);
	cr_assert_eq(sla_due(cal, EMERGENCY, SLA_MAX_INSTANT, &due, NULL), -SB_ERANGE);
	cr_assert_eq(sla_due(cal, EMERGENCY, SLA_MIN_INSTANT, &due, NULL), 0);
	calendar_free(cal);
}
