/*
 * Fuzz target: the RFC 3339 parser. An instant that parses must format and
 * parse back to itself (formatting drops the offset and the fraction, never
 * the instant), and a refusal says why on one printable line.
 */
#include "util/rfc3339.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);
	int64_t t, back;
	char buf[RFC3339_BUFSIZE];
	struct sb_error err;
	if (rfc3339_parse(s, &t, &err) < 0)
		fuzz_check_message(err.message);
	else if (rfc3339_format(t, buf) == 0 && (rfc3339_parse(buf, &back, NULL) != 0 || back != t))
		abort();
	free(s);
	return 0;
}
