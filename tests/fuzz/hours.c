/*
 * Fuzz target: the hours-spec parser. Beyond not crashing, a spec that
 * parses must describe ordered, non-overlapping ranges inside the day, and
 * a refusal must say why on one printable line.
 */
#include "core/hours.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstring(data, size);
	struct hours_week week;
	struct sb_error err;
	if (hours_parse(spec, &week, &err) == 0) {
		for (int d = 0; d < 7; d++)
			for (int r = 0; r < week.count[d]; r++) {
				const struct hours_range *x = &week.ranges[d][r];
				if (x->start >= x->end || x->end > HOURS_MINUTES_PER_DAY)
					abort();
				if (r > 0 && x->start < week.ranges[d][r - 1].end)
					abort();
			}
	} else {
		fuzz_check_message(err.message);
	}
	free(spec);
	return 0;
}
