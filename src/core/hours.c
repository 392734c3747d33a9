/*
 * The hours-spec parser. A cursor walks the spec once; tokens are separated
 * by runs of spaces, rules by ';'. Errors quote the offending token so that
 * an admin can find it in a long spec.
 */
#include "hours.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

const char *hours_day_name(int day)
{
	return day >= 0 && day < 7 ? day_names[day] : "?";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A token: [p, p + n) of the spec. Kept as a view, never copied. */
struct token {
	const char *p;
	size_t n;
};

static int day_from_token(struct token t)
{
	for (int d = 0; d < 7; d++)
		if (t.n == 3 && memcmp(t.p, day_names[d], 3) == 0)
			return d;
	return -1;
}

static int bad_day(struct token t, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL,
			    "unknown day '%s' (expected mon, tue, wed, thu, fri, sat or sun)",
			    sb_quote(q, t.p, t.n));
}

/* Parses "HH:MM" (exactly five characters) into minutes; 24:00 is 1440. */
static int parse_time(struct token t, uint16_t *out, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	const char *s = t.p;
	bool digits = t.n == 5 && s[2] == ':';
	for (size_t i = 0; digits && i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			digits = false;
	if (!digits)
		return sb_error_set(err, SB_EINVAL, "malformed time '%s' (expected HH:MM)",
				    sb_quote(q, t.p, t.n));
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return sb_error_set(err, SB_EINVAL, "time '%.5s' out of range (00:00 to 24:00)", s);
	*out = (uint16_t)(h * 60 + m);
	return 0;
}

/* Parses "HH:MM-HH:MM". */
static int parse_range(struct token t, struct hours_range *out, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	const char *dash = memchr(t.p, '-', t.n);
	if (!dash)
		return sb_error_set(err, SB_EINVAL, "malformed range '%s' (expected HH:MM-HH:MM)",
				    sb_quote(q, t.p, t.n));
	struct token a = {t.p, (size_t)(dash - t.p)};
	struct token b = {dash + 1, t.n - a.n - 1};
	int rc;
	if ((rc = parse_time(a, &out->start, err)) < 0 || (rc = parse_time(b, &out->end, err)) < 0)
		return rc;
	if (out->start >= out->end)
		return sb_error_set(err, SB_EINVAL, "range '%.11s' does not end after it starts",
				    t.p);
	return 0;
}

/* Parses the DAYS token of a rule into a bit mask (bit 0 = Monday). */
static int parse_days(struct token t, unsigned *mask_out, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	unsigned mask = 0;
	const char *p = t.p, *end = t.p + t.n;

	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		struct token item = {p, (size_t)(item_end - p)};
		const char *dash = memchr(item.p, '-', item.n);
		struct token first = {item.p, dash ? (size_t)(dash - item.p) : item.n};
		int d0 = day_from_token(first), d1 = d0;

		if (item.n == 0)
			return sb_error_set(err, SB_EINVAL, "empty day in '%s'",
					    sb_quote(q, t.p, t.n));
		if (d0 < 0)
			return bad_day(first, err);
		if (dash) {
			struct token last = {dash + 1, (size_t)(item_end - dash - 1)};
			if ((d1 = day_from_token(last)) < 0)
				return bad_day(last, err);
		}
		/* Walk forward from d0, wrapping past Sunday, until d1. */
		for (int d = d0;; d = (d + 1) % 7) {
			if (mask & (1u << d))
				return sb_error_set(err, SB_EINVAL, "day '%s' named twice",
						    day_names[d]);
			mask |= 1u << d;
			if (d == d1)
				break;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*mask_out = mask;
	return 0;
}

/* Splits off the next space-separated token of [*p, end). */
static bool next_token(const char **p, const char *end, struct token *out)
{
	while (*p < end && is_space(**p))
		(*p)++;
	if (*p == end)
		return false;
	out->p = *p;
	while (*p < end && !is_space(**p))
		(*p)++;
	out->n = (size_t)(*p - out->p);
	return true;
}

static int parse_rule(const char *p, const char *end, struct hours_week *week, unsigned *seen,
		      struct sb_error *err)
{
	struct token tok;
	struct hours_range ranges[HOURS_MAX_RANGES];
	unsigned mask = 0, n = 0;
	int rc;

	if (!next_token(&p, end, &tok))
		return sb_error_set(err, SB_EINVAL,
				    "empty rule (expected days and ranges "
				    "such as 'mon-fri 09:00-18:00')");
	if ((rc = parse_days(tok, &mask, err)) < 0)
		return rc;
	if (mask & *seen) {
		int d = __builtin_ctz(mask & *seen);
		return sb_error_set(err, SB_EINVAL, "day '%s' named twice", day_names[d]);
	}
	*seen |= mask;

	while (next_token(&p, end, &tok)) {
		if (n == HOURS_MAX_RANGES)
			return sb_error_set(err, SB_EINVAL, "more than %d ranges in one rule",
					    HOURS_MAX_RANGES);
		if ((rc = parse_range(tok, &ranges[n], err)) < 0)
			return rc;
		if (n > 0 && ranges[n].start < ranges[n - 1].end) {
			const char *why = ranges[n].start >= ranges[n - 1].start
						  ? "overlap"
						  : "are out of order";
			return sb_error_set(err, SB_EINVAL,
					    "ranges %02d:%02d-%02d:%02d and "
					    "%02d:%02d-%02d:%02d %s",
					    ranges[n - 1].start / 60, ranges[n - 1].start % 60,
					    ranges[n - 1].end / 60, ranges[n - 1].end % 60,
					    ranges[n].start / 60, ranges[n].start % 60,
					    ranges[n].end / 60, ranges[n].end % 60, why);
		}
		n++;
	}
	if (n == 0)
		return sb_error_set(err, SB_EINVAL,
				    "days without a range (expected a range "
				    "such as 09:00-18:00 after the days)");

	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		week->count[d] = (uint8_t)n;
		memcpy(week->ranges[d], ranges, n * sizeof(ranges[0]));
	}
	return 0;
}

int hours_parse(const char *spec, struct hours_week *out, struct sb_error *err)
{
	size_t len = strnlen(spec, HOURS_MAX_SPEC + 1);
	const char *p = spec, *end = spec + len;
	unsigned seen = 0;
	int rc;

	if (len > HOURS_MAX_SPEC)
		return sb_error_set(err, SB_EINVAL, "spec longer than %d bytes", HOURS_MAX_SPEC);
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (p == end)
		return sb_error_set(err, SB_EINVAL,
				    "empty spec (expected e.g. 'mon-fri 09:00-18:00' or '24x7')");

	memset(out, 0, sizeof(*out));
	if ((size_t)(end - p) == 4 && memcmp(p, "24x7", 4) == 0) {
		for (int d = 0; d < 7; d++) {
			out->count[d] = 1;
			out->ranges[d][0] = (struct hours_range){0, HOURS_MINUTES_PER_DAY};
		}
		return 0;
	}

	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *rule_end = semi ? semi : end;
		if ((rc = parse_rule(p, rule_end, out, &seen, err)) < 0)
			return rc;
		if (!semi)
			break;
		p = semi + 1;
	}
	return 0;
}
