/*
 * Tests for src/core/calendar.c: compiled working spans, daylight-saving
 * days, holidays, growth of the table and sharing between threads. Zones
 * come from the system tzdata; expected instants were worked out by hand
 * from the 2026 transitions and checked with Python's zoneinfo.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "util/rfc3339.h"

static int64_t at(const char *s)
{
	int64_t t;
	cr_assert_eq(rfc3339_parse(s, &t, NULL), 0, "%s", s);
	return t;
}

static struct calendar *make(const char *zone_name, const char *spec, const char *holidays)
{
	struct tz_zone *zone;
	struct hours_week week;
	struct holidays h;
	struct calendar *cal;
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_load(zone_name, &zone, &err), 0, "%s", err.message);
	cr_assert_eq(hours_parse(spec, &week, &err), 0, "%s", err.message);
	cr_assert_eq(holidays_parse(holidays, &h, &err), 0, "%s", err.message);
	cr_assert_eq(calendar_new(zone, &week, &h, &cal, &err), 0, "%s", err.message);
	holidays_done(&h);
	return cal;
}

static int64_t between(struct calendar *cal, const char *a, const char *b)
{
	int64_t out;
	struct sb_error err = {0};
	cr_assert_eq(calendar_working_between(cal, at(a), at(b), &out, &err), 0, "%s", err.message);
	return out;
}

static void assert_add(struct calendar *cal, const char *from, int64_t seconds, const char *want)
{
	int64_t out;
	char got[RFC3339_BUFSIZE];
	struct sb_error err = {0};
	cr_assert_eq(calendar_add_working(cal, at(from), seconds, &out, &err), 0, "%s",
		     err.message);
	rfc3339_format(out, got);
	cr_assert_str_eq(got, want, "%s + %lld working s", from, (long long)seconds);
}

Test(calendar, spring_forward_day_is_23_hours_long)
{
	struct calendar *cal = make("America/New_York", "sun 00:00-24:00", "");
	cr_assert_eq(between(cal, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"), 23 * 3600);
	cr_assert_eq(between(cal, "2026-03-01T00:00:00Z", "2026-03-15T00:00:00Z"),
		     24 * 3600 + 23 * 3600);
	calendar_free(cal);
}

Test(calendar, fall_back_day_is_25_hours_long)
{
	struct calendar *cal = make("America/New_York", "sun 00:00-24:00", "");
	cr_assert_eq(between(cal, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"), 25 * 3600);
	calendar_free(cal);
}

Test(calendar, southern_hemisphere_transitions)
{
	/* Sydney: AEDT ends 2026-04-05 03:00 -> 02:00, starts 2026-10-04 02:00 -> 03:00. */
	struct calendar *cal = make("Australia/Sydney", "sun 00:00-24:00", "");
	cr_assert_eq(between(cal, "2026-04-04T13:00:00Z", "2026-04-05T14:00:00Z"), 25 * 3600);
	cr_assert_eq(between(cal, "2026-10-03T14:00:00Z", "2026-10-04T13:00:00Z"), 23 * 3600);
	calendar_free(cal);
}

Test(calendar, range_swallowed_by_the_gap_has_no_working_time)
{
	/* 02:00 does not exist on 2026-03-08 in New York: read as EST, it is 07:00Z, and so
	 * is 03:00 EDT. */
	struct calendar *cal = make("America/New_York", "sun 02:00-03:00", "");
	cr_assert_eq(between(cal, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"), 0);
	cr_assert_eq(between(cal, "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"), 3600);
	calendar_free(cal);
}

Test(calendar, range_ending_in_the_gap_uses_the_offset_before)
{
	/* 01:30 EST = 06:30Z; 02:30 (nonexistent) read as EST = 07:30Z. */
	struct calendar *cal = make("America/New_York", "sun 01:30-02:30", "");
	cr_assert_eq(between(cal, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"), 3600);
	assert_add(cal, "2026-03-08T06:30:00Z", 3599, "2026-03-08T07:29:59Z");
	assert_add(cal, "2026-03-08T06:30:00Z", 3600, "2026-03-08T07:30:00Z");
	calendar_free(cal);
}

Test(calendar, ranges_that_overlap_inside_the_gap_are_merged)
{
	/* [00:00, 02:30) = [05:00Z, 07:30Z) and [03:00, 04:00) = [07:00Z, 08:00Z): the union
	 * is three hours, not three and a half. */
	struct calendar *cal = make("America/New_York", "sun 00:00-02:30 03:00-04:00", "");
	cr_assert_eq(between(cal, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"), 3 * 3600);
	calendar_free(cal);
}

Test(calendar, repeated_hour_is_read_with_the_offset_before)
{
	/* 01:00 EDT = 05:00Z; 02:00 is after the fold: EST, 07:00Z. Two hours elapse. */
	struct calendar *cal = make("America/New_York", "sun 01:00-02:00", "");
	cr_assert_eq(between(cal, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"), 2 * 3600);
	assert_add(cal, "2026-10-31T12:00:00Z", 0, "2026-11-01T05:00:00Z");
	calendar_free(cal);
	/* 01:30 is read as the first 01:30 (EDT): 05:30Z to 07:00Z. */
	cal = make("America/New_York", "sun 01:30-02:00", "");
	cr_assert_eq(between(cal, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"), 5400);
	calendar_free(cal);
}

Test(calendar, adding_stops_at_a_span_end_not_the_next_opening)
{
	struct calendar *cal = make("America/New_York", "mon-fri 09:00-18:00", "");
	assert_add(cal, "2026-11-23T14:00:00Z", 32400, "2026-11-23T23:00:00Z");
	assert_add(cal, "2026-11-23T14:00:00Z", 32401, "2026-11-24T14:00:01Z");
	assert_add(cal, "2026-11-23T22:59:59Z", 1, "2026-11-23T23:00:00Z");
	assert_add(cal, "2026-11-23T23:00:00Z", 0, "2026-11-24T14:00:00Z");
	assert_add(cal, "2026-11-27T23:00:00Z", 0, "2026-11-30T14:00:00Z");
	calendar_free(cal);
}

Test(calendar, holidays_have_no_working_time)
{
	struct calendar *cal = make("America/New_York", "mon-fri 09:00-18:00", "2026-11-26");
	cr_assert_eq(between(cal, "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"), 4 * 32400);
	assert_add(cal, "2026-11-25T22:00:00Z", 32400, "2026-11-27T22:00:00Z");
	calendar_free(cal);
}

Test(calendar, touching_ranges_count_once)
{
	struct calendar *cal = make("UTC", "mon-sun 00:00-12:00 12:00-24:00", "");
	cr_assert_eq(between(cal, "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z"), 7 * 86400);
	assert_add(cal, "2026-01-01T11:00:00Z", 7200, "2026-01-01T13:00:00Z");
	calendar_free(cal);
}

Test(calendar, is_working_includes_start_and_excludes_end)
{
	struct calendar *cal = make("Europe/Madrid", "mon-fri 09:00-18:00", "");
	int w;
	cr_assert_eq(calendar_is_working(cal, at("2026-11-23T08:00:00Z"), &w, NULL), 0);
	cr_assert(w);
	cr_assert_eq(calendar_is_working(cal, at("2026-11-23T16:59:59Z"), &w, NULL), 0);
	cr_assert(w);
	cr_assert_eq(calendar_is_working(cal, at("2026-11-23T17:00:00Z"), &w, NULL), 0);
	cr_assert_not(w);
	cr_assert_eq(calendar_is_working(cal, at("2026-11-23T07:59:59Z"), &w, NULL), 0);
	cr_assert_not(w);
	calendar_free(cal);
}

Test(calendar, a_year_of_holidays_grows_the_table_forward)
{
	/* Every Monday of 2027 (and the last of 2026) is a holiday. */
	char list[64 * 12] = "2026-12-28";
	for (int i = 0; i < 52; i++) {
		int64_t t = at("2027-01-04T12:00:00Z") + (int64_t)i * 7 * 86400;
		char buf[RFC3339_BUFSIZE];
		rfc3339_format(t, buf);
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, ",%.10s", buf);
	}
	struct calendar *cal = make("UTC", "mon 09:00-10:00", list);
	assert_add(cal, "2026-12-22T00:00:00Z", 0, "2028-01-03T09:00:00Z");
	assert_add(cal, "2026-12-21T09:30:00Z", 3600, "2028-01-03T09:30:00Z");
	calendar_free(cal);
}

Test(calendar, far_apart_queries_restart_the_window)
{
	struct calendar *cal = make("Australia/Sydney", "mon-fri 09:00-18:00", "");
	/* Mon 2026-11-23 09:00 AEDT = 2026-11-22T22:00Z. */
	assert_add(cal, "2026-11-22T22:00:00Z", 32400, "2026-11-23T07:00:00Z");
	/* Mon 2200-01-06 09:00 AEDT (footer rule) = 2200-01-05T22:00Z. */
	assert_add(cal, "2200-01-05T22:00:00Z", 32400, "2200-01-06T07:00:00Z");
	/* Mon 1901-01-07 09:00 AEST = 1901-01-06T23:00Z. */
	assert_add(cal, "1901-01-06T23:00:00Z", 0, "1901-01-06T23:00:00Z");
	assert_add(cal, "2026-11-22T22:00:00Z", 32400, "2026-11-23T07:00:00Z");
	calendar_free(cal);
}

struct worker {
	struct calendar *cal;
	int64_t base;
	int64_t results[400];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 400; i++)
		if (calendar_add_working(w->cal, w->base + (int64_t)i * 7919 * 60, 32400,
					 &w->results[i], NULL) < 0)
			w->results[i] = -1;
	return NULL;
}

Test(calendar, threads_share_a_calendar_while_it_grows)
{
	struct calendar *shared = make("Europe/Madrid", "mon-fri 09:00-13:00 14:00-18:00", "");
	struct worker workers[8];
	pthread_t threads[8];
	for (int i = 0; i < 8; i++) {
		workers[i].cal = shared;
		workers[i].base = at("2020-01-01T00:00:00Z") + (int64_t)i * 400 * 86400;
		pthread_create(&threads[i], NULL, work, &workers[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(threads[i], NULL);
	/* A fresh calendar per worker, used alone, must agree. */
	for (int i = 0; i < 8; i++) {
		struct worker alone = {make("Europe/Madrid", "mon-fri 09:00-13:00 14:00-18:00", ""),
				       workers[i].base,
				       {0}};
		work(&alone);
		for (int k = 0; k < 400; k++)
			cr_assert_eq(workers[i].results[k], alone.results[k], "worker %d case %d",
				     i, k);
		calendar_free(alone.cal);
	}
	calendar_free(shared);
}
