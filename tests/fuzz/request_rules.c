/*
 * Fuzz target: the rules text of request types (admins edit it through the
 * API). Rules that parse must format and parse back to the same rules;
 * a refusal says why on one printable line.
 */
#include "core/request_types.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	enum request_level rules[REQUEST_FIELD_COUNT], back[REQUEST_FIELD_COUNT];
	struct sb_error err;
	if (request_rules_parse(text, rules, &err) < 0) {
		fuzz_check_message(err.message);
	} else {
		char buf[REQUEST_RULES_TEXT_SIZE];
		if (request_rules_parse(request_rules_format(rules, buf), back, NULL) < 0 ||
		    memcmp(rules, back, sizeof(rules)) != 0)
			abort();
	}
	free(text);
	return 0;
}
