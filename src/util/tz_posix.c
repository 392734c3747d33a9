/*
 * POSIX TZ strings, as found in the footer of TZif files, and the yearly
 * rules they describe.
 *
 * Grammar (POSIX.1-2017 8.3 with the RFC 8536 3.3.1 extensions):
 *
 *   std offset [dst [offset] ,date[/time],date[/time]]
 *
 * Names are three or more ASCII letters, or <...> holding letters, digits,
 * '+' and '-'. Offsets are [+-]hh[:mm[:ss]] with hh up to 24, counted west
 * of UTC. Dates are Mm.w.d, Jn (1..365, February 29 never counted) or n
 * (0..365, February 29 counted); a time is [+-]hh[:mm[:ss]] with hh up to 167
 * and defaults to 02:00. Unlike POSIX we require the rule whenever DST is
 * named, as RFC 8536 does: there is no default rule to fall back to.
 *
 * A rule is evaluated on the fly for the few years around the instant asked
 * about, so a zone never caches anything and stays immutable. Within a rule
 * year, DST runs from start to end; when end comes first (the southern
 * hemisphere) standard time runs from end to start. A year whose DST would
 * last zero time or a whole year or more has no transitions, and a rule with
 * no transitions at all is DST the whole year round: this is how RFC 8536
 * spells "all-year DST" (e.g. "EST5EDT,0/0,J365/25"), and how tzcode reads
 * the degenerate cases.
 */
#include "tz_private.h"

#include <assert.h>
#include <stdbool.h>

#include "util/civil.h"

/* Each name is short in practice; the cap only bounds hostile input. */
#define TZ_NAME_MAX 255

/* Rule evaluation clamps instants to +-2^44 s (about 557,000 years), well
 * inside what civil.h handles, so that no year arithmetic can overflow. */
#define TZ_RULE_LIMIT (INT64_C(1) << 44)

/* Years around the one asked about whose transitions we generate. A
 * transition's time may stray 167 hours and a day's offset out of its year,
 * so two years either side always hold the transitions that matter. */
#define TZ_RULE_YEARS_AROUND 2
#define TZ_EDGES_MAX         (2 * (2 * TZ_RULE_YEARS_AROUND + 1))

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

static int peek(const struct cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static int fail(const struct cursor *c, struct sb_error *err, const char *what)
{
	return sb_error_set(err, SB_EINVAL, "TZ string: %s at byte %zu", what, c->pos);
}

static bool accept(struct cursor *c, int ch)
{
	if (peek(c) != ch)
		return false;
	c->pos++;
	return true;
}

/* Reads 1..MAX_DIGITS decimal digits; MAX_DIGITS <= 3 keeps *value small. */
static bool parse_number(struct cursor *c, int max_digits, int *value)
{
	int v = 0, n = 0;
	while (n < max_digits && is_digit(peek(c))) {
		v = v * 10 + (peek(c) - '0');
		c->pos++;
		n++;
	}
	*value = v;
	return n > 0;
}

static int fail_name(const struct cursor *c, struct sb_error *err, const char *which,
		     const char *what)
{
	return sb_error_set(err, SB_EINVAL, "TZ string: %s name %s at byte %zu", which, what,
			    c->pos);
}

static int parse_name(struct cursor *c, const char *which, struct sb_error *err)
{
	size_t start, n;
	if (accept(c, '<')) {
		start = c->pos;
		for (int ch = peek(c); is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '-';
		     ch = peek(c))
			c->pos++;
		n = c->pos - start;
		if (!accept(c, '>'))
			return fail_name(c, err, which, "lacks its closing '>'");
	} else {
		start = c->pos;
		while (is_alpha(peek(c)))
			c->pos++;
		n = c->pos - start;
	}
	if (n < 3)
		return fail_name(c, err, which, "is shorter than 3 characters");
	if (n > TZ_NAME_MAX)
		return fail_name(c, err, which, "is too long");
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh <= MAX_HOURS, into signed seconds. */
static bool parse_signed_hms(struct cursor *c, int max_hours, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;
	if (accept(c, '-'))
		sign = -1;
	else
		accept(c, '+');
	if (!parse_number(c, 3, &h) || h > max_hours)
		return false;
	if (accept(c, ':')) {
		if (!parse_number(c, 2, &m) || m > 59)
			return false;
		if (accept(c, ':') && (!parse_number(c, 2, &s) || s > 59))
			return false;
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return true;
}

static int parse_offset(struct cursor *c, int32_t *east, struct sb_error *err)
{
	int32_t west;
	if (!parse_signed_hms(c, 24, &west))
		return fail(c, err, "bad UTC offset");
	*east = -west; /* POSIX counts hours west of Greenwich */
	return 0;
}

static int parse_date(struct cursor *c, struct tz_date *d, struct sb_error *err)
{
	if (accept(c, 'M')) {
		d->kind = TZ_DATE_MONTH_WEEK_DAY;
		if (!parse_number(c, 2, &d->month) || d->month < 1 || d->month > 12)
			return fail(c, err, "bad month in Mm.w.d");
		if (!accept(c, '.') || !parse_number(c, 1, &d->week) || d->week < 1 || d->week > 5)
			return fail(c, err, "bad week in Mm.w.d");
		if (!accept(c, '.') || !parse_number(c, 1, &d->weekday) || d->weekday > 6)
			return fail(c, err, "bad weekday in Mm.w.d");
	} else if (accept(c, 'J')) {
		d->kind = TZ_DATE_JULIAN;
		if (!parse_number(c, 3, &d->day) || d->day < 1 || d->day > 365)
			return fail(c, err, "bad day in Jn");
	} else {
		d->kind = TZ_DATE_ZERO_BASED;
		if (!parse_number(c, 3, &d->day) || d->day > 365)
			return fail(c, err, "bad transition date");
	}
	d->time = 2 * 3600;
	if (accept(c, '/') && !parse_signed_hms(c, 167, &d->time))
		return fail(c, err, "bad transition time");
	return 0;
}

int tz_rule_parse(const char *s, size_t len, struct tz_rule *rule, struct sb_error *err)
{
	struct cursor c = {.s = s, .len = len, .pos = 0};
	struct tz_rule r = {0};
	int rc;

	if ((rc = parse_name(&c, "std", err)) < 0 ||
	    (rc = parse_offset(&c, &r.std_offset, err)) < 0)
		return rc;
	if (peek(&c) == -1) {
		*rule = r;
		return 0;
	}
	if ((rc = parse_name(&c, "dst", err)) < 0)
		return rc;
	r.has_dst = true;
	r.dst_offset = r.std_offset + 3600;
	if (peek(&c) != ',' && peek(&c) != -1 && (rc = parse_offset(&c, &r.dst_offset, err)) < 0)
		return rc;
	if (!accept(&c, ','))
		return fail(&c, err, "DST without a ',start,end' rule");
	if ((rc = parse_date(&c, &r.start, err)) < 0)
		return rc;
	if (!accept(&c, ','))
		return fail(&c, err, "expected ',' before the end of DST");
	if ((rc = parse_date(&c, &r.end, err)) < 0)
		return rc;
	if (peek(&c) != -1)
		return fail(&c, err, "unexpected character");
	*rule = r;
	return 0;
}

/* Day number of the day that D names in YEAR. */
static int64_t date_day(const struct tz_date *d, int64_t year)
{
	int64_t jan1 = civil_days_from_date(year, 1, 1);
	switch (d->kind) {
	case TZ_DATE_MONTH_WEEK_DAY: {
		int64_t first = civil_days_from_date(year, d->month, 1);
		int first_weekday = (civil_weekday(first) + 1) % 7; /* POSIX: 0 = Sunday */
		int mday = 1 + (d->weekday - first_weekday + 7) % 7 + (d->week - 1) * 7;
		if (mday > civil_days_in_month(year, d->month))
			mday -= 7; /* week 5 means the last one, which may be the 4th */
		return first + mday - 1;
	}
	case TZ_DATE_JULIAN: return jan1 + d->day - 1 + (d->day >= 60 && civil_is_leap_year(year));
	case TZ_DATE_ZERO_BASED: return jan1 + d->day;
	}
	assert(!"unknown tz_date kind");
	return jan1;
}

struct edge {
	int64_t t; /* UTC */
	int32_t before, after;
	bool is_end;
};

static void add_edge(struct edge *e, size_t *n, int64_t t, int32_t before, int32_t after,
		     bool is_end)
{
	e[*n] = (struct edge){.t = t, .before = before, .after = after, .is_end = is_end};
	(*n)++;
}

/*
 * The transitions RULE makes in the years around YEAR, in time order, with
 * each one's offset before it taken from the one that precedes it (or from
 * LAST), so that a chain that misbehaves still reads consistently.
 * Returns how many; *PERPETUAL_DST says the window held none at all because
 * DST never ends.
 */
static size_t rule_edges(const struct tz_rule *rule, const struct tz_last *last, int64_t year,
			 struct edge *e, bool *perpetual_dst)
{
	int32_t std = rule->std_offset, dst = rule->dst_offset;
	size_t n = 0, kept = 0;

	for (int64_t y = year - TZ_RULE_YEARS_AROUND; y <= year + TZ_RULE_YEARS_AROUND; y++) {
		/* The start is written in standard time, the end in daylight time. */
		int64_t start =
			date_day(&rule->start, y) * CIVIL_SECONDS_PER_DAY + rule->start.time - std;
		int64_t end =
			date_day(&rule->end, y) * CIVIL_SECONDS_PER_DAY + rule->end.time - dst;
		int64_t year_length = (civil_is_leap_year(y) ? 366 : 365) * CIVIL_SECONDS_PER_DAY;
		if (start < end && end - start < year_length) {
			add_edge(e, &n, start, std, dst, false);
			add_edge(e, &n, end, dst, std, true);
		} else if (end < start) {
			add_edge(e, &n, end, dst, std, true);
			add_edge(e, &n, start, std, dst, false);
		}
	}
	*perpetual_dst = n == 0;

	/* Insertion sort: at most ten entries. An end sorts before a start at
	 * the same instant, so that back-to-back years leave DST in force. */
	for (size_t i = 1; i < n; i++) {
		struct edge x = e[i];
		size_t j = i;
		while (j > 0 &&
		       (e[j - 1].t > x.t || (e[j - 1].t == x.t && !e[j - 1].is_end && x.is_end))) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}

	for (size_t i = 0; i < n; i++)
		if (!last->set || e[i].t > last->t)
			e[kept++] = e[i];
	for (size_t i = 0; i < kept; i++) {
		if (i > 0)
			e[i].before = e[i - 1].after;
		else if (last->set)
			e[i].before = last->offset;
	}
	return kept;
}

static int64_t clamp_instant(int64_t t)
{
	return t < -TZ_RULE_LIMIT ? -TZ_RULE_LIMIT : t > TZ_RULE_LIMIT ? TZ_RULE_LIMIT : t;
}

static int64_t year_of(int64_t t)
{
	int64_t y;
	int m, d;
	civil_date_from_days(civil_floor_div(t, CIVIL_SECONDS_PER_DAY), &y, &m, &d);
	return y;
}

int32_t tz_rule_offset_at(const struct tz_rule *rule, const struct tz_last *last, int64_t t)
{
	struct edge e[TZ_EDGES_MAX];
	bool perpetual_dst;

	if (!rule->has_dst)
		return rule->std_offset;
	t = clamp_instant(t);
	size_t n = rule_edges(rule, last, year_of(t), e, &perpetual_dst);
	if (perpetual_dst)
		return rule->dst_offset;
	if (n == 0) {
		assert(last->set);
		return last->offset; /* LAST lies beyond the window: nothing after it yet */
	}
	for (size_t i = n; i-- > 0;)
		if (e[i].t <= t)
			return e[i].after;
	return e[0].before;
}

int32_t tz_rule_local_offset(const struct tz_rule *rule, const struct tz_last *last, int64_t local)
{
	struct edge e[TZ_EDGES_MAX];
	bool perpetual_dst;

	if (!rule->has_dst)
		return rule->std_offset;
	local = clamp_instant(local);
	size_t n = rule_edges(rule, last, year_of(local), e, &perpetual_dst);
	if (perpetual_dst)
		return rule->dst_offset;
	if (n == 0) {
		assert(last->set);
		return last->offset;
	}
	/* Same reading as for listed transitions: a transition takes effect, for
	 * fold=0, once the wall clock passes the later of its two readings. */
	for (size_t i = 0; i < n; i++) {
		int32_t later = e[i].before > e[i].after ? e[i].before : e[i].after;
		if (e[i].t + later > local)
			return e[i].before;
	}
	return e[n - 1].after;
}
