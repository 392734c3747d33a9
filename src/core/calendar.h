/*
 * The business calendar: a time zone, weekly hours and holidays, compiled
 * into sorted UTC working spans with a running sum of working seconds.
 *
 * Working time is the union of, for every local date that is not a holiday,
 * each range of its weekday converted to UTC (SLA.md: a wall time in a
 * daylight-saving gap or repeated hour is read with the offset in force
 * before the transition). On a transition day a converted range can come out
 * empty, or overlap its neighbour; compiling drops the empty ones and merges
 * overlapping and touching spans, so the table is strictly increasing.
 *
 * With the table, "the instant when N working seconds have elapsed after t"
 * and "working seconds between a and b" are binary searches: the running sum
 * turns both into lookups, with no stepping through time.
 *
 * The table covers a window of local dates and grows on demand (a creation
 * time outside it, or a due time past it). A calendar is safe to share
 * between threads: queries take a read lock, growth a write lock.
 */
#ifndef SB_CORE_CALENDAR_H
#define SB_CORE_CALENDAR_H

#include <stdint.h>

#include "core/holidays.h"
#include "core/hours.h"
#include "util/error.h"
#include "util/tz.h"

/* The default calendar: the Client Services calendar of the seed (SLA.md). */
#define CALENDAR_DEFAULT_ZONE  "America/New_York"
#define CALENDAR_DEFAULT_HOURS "mon-fri 09:00-18:00"
/* Default holidays: holidays_default() (core/holidays.h). */

struct calendar;

/*
 * Creates a calendar from its parts. ZONE becomes the calendar's on success
 * (freed with it); WEEK and HOLIDAYS are copied. *out is the caller's, freed
 * with calendar_free(). Fails with -SB_ENOMEM.
 */
int calendar_new(struct tz_zone *zone, const struct hours_week *week,
		 const struct holidays *holidays, struct calendar **out, struct sb_error *err);

/* Accepts NULL. */
void calendar_free(struct calendar *cal);

/*
 * The instant at which SECONDS of working time have elapsed after T, counting
 * only inside working spans. If T is outside every span, counting starts at
 * the next span's start; with SECONDS == 0 that start is the answer, and an
 * answer that lands on a span's end is that end (not the next opening).
 * -SB_ERANGE if the calendar has no working time for a century ahead.
 */
int calendar_add_working(struct calendar *cal, int64_t t, int64_t seconds, int64_t *out,
			 struct sb_error *err);

/* Whether T lies inside a working span (start included, end excluded). */
int calendar_is_working(struct calendar *cal, int64_t t, int *working_out, struct sb_error *err);

/* Working seconds in [a, b); 0 when b <= a. */
int calendar_working_between(struct calendar *cal, int64_t a, int64_t b, int64_t *out,
			     struct sb_error *err);

#endif
