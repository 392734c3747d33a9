/*
 * RFC 3339 parsing and formatting. Parsing walks the string once with a
 * cursor; every field is a fixed number of digits, so there is no strtol and
 * no locale involved.
 */
#include "rfc3339.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "civil.h"

/* Reads exactly N decimal digits at *p into *out and advances *p. */
static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, char a, char b)
{
	if (**p != a && **p != b)
		return false;
	(*p)++;
	return true;
}

/* Fails with "'INPUT' WHAT", the input quoted safely. */
static int fail(struct sb_error *err, const char *input, const char *what)
{
	char q[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL, "'%s' %s", sb_quote(q, input, SIZE_MAX), what);
}

int rfc3339_parse(const char *s, int64_t *out, struct sb_error *err)
{
	const char *p = s;
	int year, month, day, hour, minute, second;

	if (!read_digits(&p, 4, &year) || !expect(&p, '-', '-') || !read_digits(&p, 2, &month) ||
	    !expect(&p, '-', '-') || !read_digits(&p, 2, &day))
		goto malformed;
	if (!expect(&p, 'T', 't'))
		goto malformed;
	if (!read_digits(&p, 2, &hour) || !expect(&p, ':', ':') || !read_digits(&p, 2, &minute))
		goto malformed;
	if (*p != ':')
		return fail(err, s,
			    "has no seconds (expected RFC 3339 such as 2026-11-23T15:00:00Z)");
	p++;
	if (!read_digits(&p, 2, &second))
		goto malformed;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto malformed;
		while (*p >= '0' && *p <= '9')
			p++;
	}

	int offset;
	if (*p == 'Z' || *p == 'z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (!read_digits(&p, 2, &oh) || !expect(&p, ':', ':') || !read_digits(&p, 2, &om))
			goto malformed;
		if (oh > 23 || om > 59)
			return fail(err, s,
				    "has an invalid UTC offset (expected -23:59 to +23:59)");
		offset = sign * (oh * 3600 + om * 60);
	} else if (*p == '\0') {
		return fail(err, s, "has no UTC offset (expected Z or +HH:MM/-HH:MM at the end)");
	} else {
		goto malformed;
	}
	if (*p != '\0')
		goto malformed;

	if (month < 1 || month > 12 || day < 1 || day > civil_days_in_month(year, month))
		return fail(err, s, "is not a calendar date");
	if (hour > 23 || minute > 59 || second > 59)
		return fail(err, s, "is not a time of day (expected 00:00:00 to 23:59:59)");

	*out = civil_days_from_date(year, month, day) * CIVIL_SECONDS_PER_DAY + hour * 3600 +
	       minute * 60 + second - offset;
	return 0;

malformed:
	return fail(err, s,
		    "is not an RFC 3339 timestamp (expected a form such as 2026-11-23T15:00:00Z or "
		    "2026-11-23T10:00:00-05:00)");
}

int rfc3339_format(int64_t t, char buf[RFC3339_BUFSIZE])
{
	int64_t days = civil_floor_div(t, CIVIL_SECONDS_PER_DAY);
	int64_t secs = t - days * CIVIL_SECONDS_PER_DAY;
	int64_t y;
	int m, d;

	civil_date_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		buf[0] = '\0';
		return -SB_ERANGE;
	}
	/* Fixed-width fields written digit by digit: no format string, no truncation. */
	int fields[] = {(int)y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)};
	static const char layout[] = "0000-00-00T00:00:00Z";
	static const int ends[] = {4, 7, 10, 13, 16, 19};
	memcpy(buf, layout, sizeof(layout));
	for (int f = 0; f < 6; f++)
		for (int i = ends[f] - 1, v = fields[f]; v > 0; i--, v /= 10)
			buf[i] = (char)('0' + v % 10);
	return 0;
}
