/*
 * Holiday sets. Explicit dates live in a sorted array (binary search); the
 * default US rules are computed from the date itself, which keeps the
 * default calendar correct for any year without a table to maintain.
 */
#include "holidays.h"

#include <stdlib.h>
#include <string.h>

#include "util/civil.h"

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_date(const char *p, size_t n, int64_t *day_out, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	static const int digit_at[] = {0, 1, 2, 3, 5, 6, 8, 9};
	bool shape = n == 10 && p[4] == '-' && p[7] == '-';
	for (size_t i = 0; shape && i < sizeof(digit_at) / sizeof(digit_at[0]); i++)
		shape = is_digit(p[digit_at[i]]);
	if (!shape)
		return sb_error_set(err, SB_EINVAL, "malformed date '%s' (expected YYYY-MM-DD)",
				    sb_quote(q, p, n));
	int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	int m = (p[5] - '0') * 10 + (p[6] - '0');
	int d = (p[8] - '0') * 10 + (p[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > civil_days_in_month(y, m))
		return sb_error_set(err, SB_EINVAL, "'%.10s' is not a calendar date", p);
	*day_out = civil_days_from_date(y, m, d);
	return 0;
}

int holidays_parse(const char *list, struct holidays *out, struct sb_error *err)
{
	const char *p = list;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == start) {
			rc = sb_error_set(err, SB_EINVAL,
					  "empty date in the list "
					  "(expected YYYY-MM-DD,YYYY-MM-DD...)");
			goto fail;
		}
		if (out->count == HOLIDAYS_MAX) {
			rc = sb_error_set(err, SB_EINVAL, "more than %d dates", HOLIDAYS_MAX);
			goto fail;
		}
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *grown = realloc(out->days, ncap * sizeof(*grown));
			if (!grown) {
				rc = sb_error_set(err, SB_ENOMEM, "out of memory");
				goto fail;
			}
			out->days = grown;
			cap = ncap;
		}
		if ((rc = parse_date(start, (size_t)(end - start), &out->days[out->count], err)) <
		    0)
			goto fail;
		out->count++;
		if (*p == '\0')
			break;
		p++; /* the comma */
	}

	qsort(out->days, out->count, sizeof(out->days[0]), cmp_day);
	size_t w = 0;
	for (size_t r = 0; r < out->count; r++)
		if (w == 0 || out->days[w - 1] != out->days[r])
			out->days[w++] = out->days[r];
	out->count = w;
	return 0;

fail:
	holidays_done(out);
	return rc;
}

void holidays_default(struct holidays *out)
{
	memset(out, 0, sizeof(*out));
	out->us_default = true;
}

int holidays_copy(struct holidays *dst, const struct holidays *src)
{
	*dst = *src;
	if (src->count == 0) {
		dst->days = NULL;
		return 0;
	}
	dst->days = malloc(src->count * sizeof(*dst->days));
	if (!dst->days)
		return -SB_ENOMEM;
	memcpy(dst->days, src->days, src->count * sizeof(*dst->days));
	return 0;
}

/* Day number of the Nth (1-based) weekday WD (0 = Monday) of month M in year Y. */
static int64_t nth_weekday(int64_t y, int m, int wd, int n)
{
	int64_t first = civil_days_from_date(y, m, 1);
	return first + (wd - civil_weekday(first) + 7) % 7 + 7 * (n - 1);
}

static int64_t last_weekday(int64_t y, int m, int wd)
{
	int64_t last = civil_days_from_date(y, m, civil_days_in_month(y, m));
	return last - (civil_weekday(last) - wd + 7) % 7;
}

/* A fixed-date holiday moved off the weekend the way US employers observe it. */
static int64_t observed(int64_t y, int m, int d)
{
	int64_t day = civil_days_from_date(y, m, d);
	int wd = civil_weekday(day);
	return wd == 5 ? day - 1 : wd == 6 ? day + 1 : day;
}

static bool is_us_default(int64_t day)
{
	int64_t y;
	int m, d;
	civil_date_from_days(day, &y, &m, &d);
	/* New Year's Day on a Saturday is observed on December 31 before it. */
	if (m == 12 && d == 31 && observed(y + 1, 1, 1) == day)
		return true;
	switch (m) {
	case 1: return observed(y, 1, 1) == day;
	case 5: return last_weekday(y, 5, 0) == day;
	case 7: return observed(y, 7, 4) == day;
	case 9: return nth_weekday(y, 9, 0, 1) == day;
	case 11: return nth_weekday(y, 11, 3, 4) == day;
	case 12: return observed(y, 12, 25) == day;
	default: return false;
	}
}

bool holidays_contains(const struct holidays *h, int64_t day)
{
	if (h->us_default && is_us_default(day))
		return true;
	size_t lo = 0, hi = h->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->count && h->days[lo] == day;
}

void holidays_done(struct holidays *h)
{
	free(h->days);
	h->days = NULL;
	h->count = 0;
	h->us_default = false;
}
