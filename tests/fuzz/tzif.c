/*
 * libFuzzer target for tz_zone_parse(): any byte string must either be
 * refused with -SB_EINVAL or give a zone on which every lookup is defined,
 * with offsets in the range RFC 8536 allows and no overflow anywhere.
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
	if (offset < -89999 || offset > 93599)
		abort();
	int64_t utc = tz_local_to_utc(zone, t);
	/* Away from the int64 edges (where it saturates) the result is the
	 * local time less an offset in range. */
	if (t > INT64_MIN + 100000 && t < INT64_MAX - 100000 &&
	    (utc - t < -93599 || utc - t > 89999))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t fixed[] = {
		INT64_MIN,
		INT64_MIN + 1,
		-(INT64_C(1) << 59),
		-(INT64_C(1) << 44) - 1,
		-INT64_C(2208988800),
		-1,
		0,
		1,
		INT64_C(1772953200),
		INT64_C(4102444800),
		INT64_C(253402300799),
		(INT64_C(1) << 44) + 1,
		INT64_C(1) << 59,
		INT64_MAX - 1,
		INT64_MAX,
	};
	struct tz_zone *zone = NULL;
	struct sb_error err;

	if (tz_zone_parse(data, size, "fuzz", &zone, &err) < 0) {
		if (err.code != SB_EINVAL && err.code != SB_ENOMEM)
			abort();
		return 0;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(zone, fixed[i]);
	/* Instants taken from the input reach its transitions and their edges. */
	for (size_t at = 0; at + 8 <= size && at < 64 * 8; at += 8) {
		int64_t t;
		memcpy(&t, data + at, sizeof(t));
		probe(zone, t);
		probe(zone, t >> 20);
	}
	tz_zone_free(zone);
	return 0;
}
