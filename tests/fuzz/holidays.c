/*
 * Fuzz target: the holiday-list parser. A list that parses is sorted and
 * free of duplicates, and every date in it is found.
 */
#include "core/holidays.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);
	struct holidays h;
	if (holidays_parse(s, &h, NULL) == 0) {
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
