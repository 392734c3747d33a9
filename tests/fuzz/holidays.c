/*
 * Fuzz target: the holiday-list parser. A list that parses is sorted and
 * free of duplicates, and every date in it is found; a refusal says why on
 * one printable line.
 */
#include "core/holidays.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);
	struct holidays h;
	struct sb_error err;
	if (holidays_parse(s, &h, &err) < 0) {
		fuzz_check_message(err.message);
	} else {
		for (size_t i = 0; i < h.count; i++) {
			if (i > 0 && h.days[i - 1] >= h.days[i])
				abort();
			if (!holidays_contains(&h, h.days[i]))
				abort();
		}
		holidays_done(&h);
	}
	free(s);
	return 0;
}
