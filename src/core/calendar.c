/*
 * The compiled calendar. See calendar.h for the model.
 *
 * The table holds parallel arrays (span starts, span ends, running sums) so
 * that the binary search over starts touches one dense array. cum has n + 1
 * entries: cum[i] is the working time before span i, cum[n] the total, so
 * "working time up to the end of span j" is cum[j + 1] with no special case.
 *
 * Completeness: a local date's working time lies within a day of its UTC
 * date, since no zone's offset reaches a day (RFC 8536 bounds it at 25:59:59;
 * we allow two days). So a table compiled for local dates [first, last)
 * knows every span that starts or ends in [lo, hi) = [first + 2 days,
 * last - 2 days): queries stay inside that window and grow the table when
 * they would leave it.
 */
#include "calendar.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/civil.h"

/* Dates of margin between the compiled window and the window it vouches for. */
#define MARGIN_DAYS 2

/* A table never spans more than this many dates (about 200 years, 2 MB). */
#define MAX_WINDOW_DAYS (200 * 366)

/* Growing forward by a year at a time, give up after a century without work. */
#define MAX_SEARCH_DAYS (100 * 366)

struct table {
	int64_t first_day, last_day; /* local dates compiled: [first_day, last_day) */
	int64_t lo, hi;              /* UTC instants the table fully describes: [lo, hi) */
	size_t n;
	int64_t *start, *end, *cum;
};

struct calendar {
	struct tz_zone *zone;
	struct hours_week week;
	struct holidays holidays;
	pthread_rwlock_t lock;
	struct table table; /* written only under the write lock */
};

static void table_free(struct table *t)
{
	free(t->start);
	free(t->end);
	free(t->cum);
	memset(t, 0, sizeof(*t));
}

int calendar_new(struct tz_zone *zone, const struct hours_week *week,
		 const struct holidays *holidays, struct calendar **out, struct sb_error *err)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	if (!cal)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	if (holidays_copy(&cal->holidays, holidays) < 0) {
		free(cal);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	if (pthread_rwlock_init(&cal->lock, NULL) != 0) {
		holidays_done(&cal->holidays);
		free(cal);
		return sb_error_set(err, SB_ENOMEM, "cannot create a lock");
	}
	cal->week = *week;
	cal->zone = zone;
	*out = cal;
	return 0;
}

void calendar_free(struct calendar *cal)
{
	if (!cal)
		return;
	table_free(&cal->table);
	holidays_done(&cal->holidays);
	tz_zone_free(cal->zone);
	pthread_rwlock_destroy(&cal->lock);
	free(cal);
}

struct span {
	int64_t start, end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Builds the table for local dates [first, last) into *out. */
static int compile(const struct calendar *cal, int64_t first, int64_t last, struct table *out,
		   struct sb_error *err)
{
	size_t cap = 0;
	for (int d = 0; d < 7; d++)
		cap += cal->week.count[d];
	cap = cap * (size_t)((last - first) / 7 + 1);

	struct span *spans = malloc((cap ? cap : 1) * sizeof(*spans));
	if (!spans)
		return sb_error_set(err, SB_ENOMEM, "out of memory");

	size_t n = 0;
	bool sorted = true;
	for (int64_t day = first; day < last; day++) {
		if (holidays_contains(&cal->holidays, day))
			continue;
		int wd = civil_weekday(day);
		int64_t midnight = day * CIVIL_SECONDS_PER_DAY;
		for (int r = 0; r < cal->week.count[wd]; r++) {
			const struct hours_range *range = &cal->week.ranges[wd][r];
			int64_t s = tz_local_to_utc(cal->zone, midnight + range->start * 60);
			int64_t e = tz_local_to_utc(cal->zone, midnight + range->end * 60);
			if (e <= s)
				continue; /* swallowed by a daylight-saving gap */
			if (n > 0 && s < spans[n - 1].start)
				sorted = false;
			spans[n++] = (struct span){s, e};
		}
	}
	/* Only a range that starts inside a gap can come out of order. */
	if (!sorted)
		qsort(spans, n, sizeof(*spans), cmp_span);

	struct table t = {.first_day = first, .last_day = last};
	t.start = malloc((n ? n : 1) * sizeof(int64_t));
	t.end = malloc((n ? n : 1) * sizeof(int64_t));
	t.cum = malloc((n + 1) * sizeof(int64_t));
	if (!t.start || !t.end || !t.cum) {
		free(spans);
		table_free(&t);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	t.cum[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (t.n > 0 && spans[i].start <= t.end[t.n - 1]) {
			/* Touching or overlapping: one span, so the sums count no second twice. */
			if (spans[i].end > t.end[t.n - 1]) {
				t.end[t.n - 1] = spans[i].end;
				t.cum[t.n] = t.cum[t.n - 1] + (t.end[t.n - 1] - t.start[t.n - 1]);
			}
			continue;
		}
		t.start[t.n] = spans[i].start;
		t.end[t.n] = spans[i].end;
		t.cum[t.n + 1] = t.cum[t.n] + (spans[i].end - spans[i].start);
		t.n++;
	}
	free(spans);
	t.lo = (first + MARGIN_DAYS) * CIVIL_SECONDS_PER_DAY;
	t.hi = (last - MARGIN_DAYS) * CIVIL_SECONDS_PER_DAY;
	*out = t;
	return 0;
}

/*
 * Grows the table, under the write lock, so that it vouches for [a, b].
 * Grows by at least a year at a time so that a stream of queries for "now"
 * recompiles once a year, not once a day.
 */
static int grow(struct calendar *cal, int64_t a, int64_t b, struct sb_error *err)
{
	int64_t need_first = civil_floor_div(a, CIVIL_SECONDS_PER_DAY) - MARGIN_DAYS - 1;
	int64_t need_last = civil_floor_div(b, CIVIL_SECONDS_PER_DAY) + MARGIN_DAYS + 2;
	int rc = 0;

	pthread_rwlock_wrlock(&cal->lock);
	struct table *cur = &cal->table;
	if (cur->start && cur->lo <= a && b < cur->hi)
		goto out; /* another thread grew it meanwhile */

	int64_t first = need_first - 31, last = need_last + 366;
	if (cur->start) {
		if (need_first >= cur->first_day)
			first = cur->first_day;
		if (need_last <= cur->last_day)
			last = cur->last_day;
		/* Keep one table rather than two far-apart windows: start afresh. */
		if (last - first > MAX_WINDOW_DAYS) {
			first = need_first - 31;
			last = need_last + 366;
		}
	}
	if (last - first > MAX_WINDOW_DAYS) {
		rc = sb_error_set(err, SB_ERANGE, "a span of more than %d years",
				  MAX_WINDOW_DAYS / 366);
		goto out;
	}
	struct table fresh;
	if ((rc = compile(cal, first, last, &fresh, err)) < 0)
		goto out;
	table_free(cur);
	*cur = fresh;
out:
	pthread_rwlock_unlock(&cal->lock);
	return rc;
}

/* Number of spans that start at or before T. */
static size_t upper(const struct table *t, int64_t x)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->start[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Working seconds from the table's beginning up to instant X. */
static int64_t working_before(const struct table *t, int64_t x)
{
	size_t k = upper(t, x);
	if (k == 0)
		return 0;
	int64_t into = x - t->start[k - 1], len = t->end[k - 1] - t->start[k - 1];
	return t->cum[k - 1] + (into < len ? into : len);
}

/*
 * One attempt at add_working on the current table: 1 with *out set, or 0
 * with *need set to an instant the table must reach first.
 */
static int try_add(const struct table *t, int64_t x, int64_t seconds, int64_t *out, int64_t *need)
{
	if (!t->start || x < t->lo || x >= t->hi) {
		*need = x;
		return 0;
	}
	size_t k = upper(t, x);
	int64_t target;
	if (k > 0 && x < t->end[k - 1]) {
		k--;
		target = t->cum[k] + (x - t->start[k]) + seconds;
	} else {
		target = t->cum[k] + seconds; /* counting starts at span k's start */
	}
	/* The first span j >= k whose end reaches the target: cum[j + 1] >= target. */
	size_t lo = k, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->cum[mid + 1] >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == t->n) {
		*need = t->hi + 366 * CIVIL_SECONDS_PER_DAY;
		return 0;
	}
	int64_t due = t->start[lo] + (target - t->cum[lo]);
	if (due >= t->hi) {
		*need = due;
		return 0;
	}
	*out = due;
	return 1;
}

int calendar_add_working(struct calendar *cal, int64_t t, int64_t seconds, int64_t *out,
			 struct sb_error *err)
{
	int64_t need = t;
	int rc;
	for (;;) {
		pthread_rwlock_rdlock(&cal->lock);
		int done = try_add(&cal->table, t, seconds, out, &need);
		pthread_rwlock_unlock(&cal->lock);
		if (done)
			return 0;
		if (need - t > MAX_SEARCH_DAYS * CIVIL_SECONDS_PER_DAY)
			return sb_error_set(err, SB_ERANGE, "no working time within a century");
		if ((rc = grow(cal, t, need, err)) < 0)
			return rc;
	}
}

int calendar_is_working(struct calendar *cal, int64_t t, int *working_out, struct sb_error *err)
{
	for (;;) {
		pthread_rwlock_rdlock(&cal->lock);
		const struct table *tb = &cal->table;
		bool covered = tb->start && t >= tb->lo && t < tb->hi;
		if (covered) {
			size_t k = upper(tb, t);
			*working_out = k > 0 && t < tb->end[k - 1];
		}
		pthread_rwlock_unlock(&cal->lock);
		if (covered)
			return 0;
		int rc = grow(cal, t, t, err);
		if (rc < 0)
			return rc;
	}
}

int calendar_working_between(struct calendar *cal, int64_t a, int64_t b, int64_t *out,
			     struct sb_error *err)
{
	if (b <= a) {
		*out = 0;
		return 0;
	}
	for (;;) {
		pthread_rwlock_rdlock(&cal->lock);
		const struct table *tb = &cal->table;
		bool covered = tb->start && a >= tb->lo && b < tb->hi;
		if (covered)
			*out = working_before(tb, b) - working_before(tb, a);
		pthread_rwlock_unlock(&cal->lock);
		if (covered)
			return 0;
		int rc = grow(cal, a, b, err);
		if (rc < 0)
			return rc;
	}
}
