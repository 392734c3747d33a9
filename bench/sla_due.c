/*
 * Benchmark: first-response due computations per second on one thread.
 * Standard priority, the default calendar, creation instants drawn
 * uniformly from two years (2026-01-01 .. 2028-01-01). The table is warmed
 * first, so the figure is the steady state of a server; the cold cost (the
 * first call, which compiles the calendar) is printed separately.
 *
 * Usage: bench-sla [iterations]   (default 20,000,000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/sla.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: fast, and the same sequence on every run. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 20000000;
	const int64_t from = INT64_C(1767225600); /* 2026-01-01T00:00:00Z */
	const int64_t span = 2 * 365 * 86400;
	struct sb_error err = {0};
	struct tz_zone *zone;
	struct hours_week week;
	struct holidays holidays;
	struct calendar *cal;

	if (tz_zone_load(CALENDAR_DEFAULT_ZONE, &zone, &err) < 0 ||
	    hours_parse(CALENDAR_DEFAULT_HOURS, &week, &err) < 0) {
		fprintf(stderr, "bench-sla: %s\n", err.message);
		return 1;
	}
	holidays_default(&holidays);
	if (calendar_new(zone, &week, &holidays, &cal, &err) < 0) {
		fprintf(stderr, "bench-sla: %s\n", err.message);
		return 1;
	}

	int64_t due, sink = 0;
	double t0 = now();
	sla_due(cal, SLA_PRIORITY_STANDARD, from, &due, NULL);
	double cold = now() - t0;
	sla_due(cal, SLA_PRIORITY_STANDARD, from + span, &due, NULL); /* warm the whole span */

	uint64_t seed = 0x5eed5eed5eedULL;
	t0 = now();
	for (long i = 0; i < iterations; i++) {
		int64_t created = from + (int64_t)(next(&seed) % (uint64_t)span);
		if (sla_due(cal, SLA_PRIORITY_STANDARD, created, &due, &err) < 0) {
			fprintf(stderr, "bench-sla: %s\n", err.message);
			return 1;
		}
		sink += due - created;
	}
	double elapsed = now() - t0;

	printf("sla_due standard, default calendar, 2 years of creation instants\n");
	printf("  first call (compiles the calendar): %.1f us\n", cold * 1e6);
	printf("  %ld computations in %.3f s: %.2f million/s, %.0f ns each\n", iterations, elapsed,
	       (double)iterations / elapsed / 1e6, elapsed / (double)iterations * 1e9);
	printf("  (mean time to due: %.1f h)\n", (double)sink / (double)iterations / 3600.0);
	calendar_free(cal);
	return 0;
}
