/* Tests for src/util/rfc3339.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/rfc3339.h"

static int64_t parse_ok(const char *s)
{
	int64_t t = 0;
	struct sb_error err = {0};
	int rc = rfc3339_parse(s, &t, &err);
	cr_assert_eq(rc, 0, "%s: %s", s, err.message);
	return t;
}

static void parse_fails(const char *s, const char *needle)
{
	int64_t t = 12345;
	struct sb_error err = {0};
	cr_assert_eq(rfc3339_parse(s, &t, &err), -SB_EINVAL, "%s parsed", s);
	cr_assert_eq(t, 12345, "output written on failure");
	cr_assert(strstr(err.message, needle), "'%s' lacks '%s'", err.message, needle);
	cr_assert_null(strchr(err.message, '\n'));
}

Test(rfc3339, utc_and_offsets_name_the_same_instant)
{
	/* 2026-11-23T15:00:00Z = 1795446000 (Python: datetime(...).timestamp()) */
	cr_assert_eq(parse_ok("2026-11-23T15:00:00Z"), 1795446000);
	cr_assert_eq(parse_ok("2026-11-23T10:00:00-05:00"), 1795446000);
	cr_assert_eq(parse_ok("2026-11-23T20:30:00+05:30"), 1795446000);
	cr_assert_eq(parse_ok("2026-11-23t15:00:00z"), 1795446000);
	cr_assert_eq(parse_ok("2026-11-23T15:00:00+00:00"), 1795446000);
	cr_assert_eq(parse_ok("2026-11-23T15:00:00-00:00"), 1795446000);
}

Test(rfc3339, fractions_truncate_toward_the_past)
{
	cr_assert_eq(parse_ok("2026-11-23T15:00:00.999Z"), 1795446000);
	cr_assert_eq(parse_ok("1969-12-31T23:59:59.5Z"), -1);
	cr_assert_eq(parse_ok("2026-11-23T10:00:00.000000001-05:00"), 1795446000);
}

Test(rfc3339, before_the_epoch_and_leap_days)
{
	cr_assert_eq(parse_ok("1900-01-01T00:00:00Z"), INT64_C(-2208988800));
	cr_assert_eq(parse_ok("2024-02-29T00:00:00Z"), 1709164800);
}

Test(rfc3339, malformed_input_is_refused_with_a_reason)
{
	parse_fails("", "not an RFC 3339");
	parse_fails("garbage", "not an RFC 3339");
	parse_fails("2026-11-23 15:00:00Z", "not an RFC 3339");
	parse_fails("2026-11-23T15:00Z", "no seconds");
	parse_fails("2026-11-23T15:00:00", "no UTC offset");
	parse_fails("2026-11-23T15:00:00+0500", "not an RFC 3339");
	parse_fails("2026-11-23T15:00:00+05", "not an RFC 3339");
	parse_fails("2026-11-23T15:00:00+24:00", "invalid UTC offset");
	parse_fails("2026-11-23T15:00:00.Z", "not an RFC 3339");
	parse_fails("2026-11-23T15:00:00Zjunk", "not an RFC 3339");
	parse_fails("26-11-23T15:00:00Z", "not an RFC 3339");
	parse_fails("2026-13-01T00:00:00Z", "not a calendar date");
	parse_fails("2026-02-29T00:00:00Z", "not a calendar date");
	parse_fails("2026-04-31T00:00:00Z", "not a calendar date");
	parse_fails("2026-11-00T00:00:00Z", "not a calendar date");
	parse_fails("2026-11-23T24:00:00Z", "not a time of day");
	parse_fails("2026-11-23T23:60:00Z", "not a time of day");
	parse_fails("2026-12-31T23:59:60Z", "not a time of day");
}

Test(rfc3339, formats_utc_with_whole_seconds)
{
	char buf[RFC3339_BUFSIZE];
	cr_assert_eq(rfc3339_format(1795446000, buf), 0);
	cr_assert_str_eq(buf, "2026-11-23T15:00:00Z");
	cr_assert_eq(rfc3339_format(-1, buf), 0);
	cr_assert_str_eq(buf, "1969-12-31T23:59:59Z");
	cr_assert_eq(rfc3339_format(INT64_C(253402300800), buf), -SB_ERANGE); /* year 10000 */
	cr_assert_str_eq(buf, "");
}
