/*
 * Fuzz target: the SLA engine as a whole. The input chooses a zone, a
 * creation instant, and "SPEC|HOLIDAYS". Whatever the calendar, the due
 * instant must satisfy SLA.md's definition, checked with the calendar's
 * other query (working seconds between two instants):
 *   - created inside working hours: exactly 9 working hours elapse between
 *     creation and due, and one second earlier they had not;
 *   - created outside: no working time elapses before due, and due opens a
 *     working span.
 */
#include "core/sla.h"
#include "fuzz.h"

static const char *const zones[] = {"America/New_York",    "Europe/Madrid",    "Australia/Sydney",
				    "Australia/Lord_Howe", "America/Santiago", "UTC"};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	size_t zi = data[0] % NZONES;
	uint32_t r = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 |
		     data[4];
	/* 2020-01-01 plus up to ~136 years, to the second. */
	int64_t created = INT64_C(1577836800) + r;
	char *text = fuzz_cstring(data + 5, size - 5);
	char *bar = strchr(text, '|');
	if (bar)
		*bar = '\0';

	struct hours_week week;
	struct holidays holidays;
	if (hours_parse(text, &week, NULL) < 0 ||
	    holidays_parse(bar ? bar + 1 : "", &holidays, NULL) < 0)
		goto out;

	/* The calendar owns its zone, so each input loads one. */
	struct tz_zone *zone;
	struct calendar *cal;
	if (tz_zone_load(zones[zi], &zone, NULL) < 0 ||
	    calendar_new(zone, &week, &holidays, &cal, NULL) < 0)
		abort();
	holidays_done(&holidays);

	int64_t due, worked;
	int working;
	struct sb_error err;
	if (sla_due(cal, SLA_PRIORITY_STANDARD, created, &due, &err) == 0) {
		if (calendar_is_working(cal, created, &working, NULL) < 0 ||
		    calendar_working_between(cal, created, due, &worked, NULL) < 0)
			abort();
		if (working) {
			int64_t before;
			if (worked != SLA_STANDARD_WORKING_SECONDS ||
			    calendar_working_between(cal, created, due - 1, &before, NULL) < 0 ||
			    before >= SLA_STANDARD_WORKING_SECONDS)
				abort();
		} else {
			int opens;
			if (due <= created || worked != 0 ||
			    calendar_is_working(cal, due, &opens, NULL) < 0 || !opens)
				abort();
		}
	} else if (err.code != SB_ERANGE) {
		abort();
	}
	calendar_free(cal);
out:
	free(text);
	return 0;
}
