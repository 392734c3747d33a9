/*
 * libFuzzer target for the POSIX TZ strings of TZif footers, through
 * tz_zone_parse_posix(): any string must either be refused with -SB_EINVAL
 * or give a zone whose rule evaluates, at any instant, to an offset that the
 * string could have written, without overflow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void probe(const struct tz_zone *zone, int64_t t)
{
	int32_t offset = tz_offset_at(zone, t);
	/* hh <= 24 with minutes and seconds, plus the default hour of DST. */
	if (offset < -89999 || offset > 93599)
		abort();
	int64_t utc = tz_local_to_utc(zone, t);
	if (t > INT64_MIN + 100000 && t < INT64_MAX - 100000 &&
	    (utc - t < -93599 || utc - t > 89999))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t fixed[] = {
		INT64_MIN,
		-(INT64_C(1) << 44) - 1,
		-INT64_C(2208988800),
		-1,
		0,
		INT64_C(1704067200),
		INT64_C(1772953200),
		INT64_C(253402300799),
		(INT64_C(1) << 44) + 1,
		INT64_MAX,
	};
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	struct tz_zone *zone = NULL;
	struct sb_error err;
	if (tz_zone_parse_posix(s, "fuzz", &zone, &err) < 0) {
		if (err.code != SB_EINVAL && err.code != SB_ENOMEM)
			abort();
		free(s);
		return 0;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(zone, fixed[i]);
	/* Every few hours across two years, crossing a new year both ways. */
	for (int64_t t = INT64_C(1735689600) - 86400 * 400; t < INT64_C(1735689600) + 86400 * 400;
	     t += 86400 / 4 + 1)
		probe(zone, t);
	tz_zone_free(zone);
	free(s);
	return 0;
}
