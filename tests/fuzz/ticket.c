/*
 * Fuzz target: validation of a new ticket, the fields of which come from
 * customers. The input picks a request type of the default catalog and
 * carries the text fields separated by 0x1f. Whatever the input, every
 * error names a field and says why on one printable line, completeness
 * stays within 0..100, and a valid ticket has no errors.
 */
#include "core/ticket.h"
#include "core/request_types.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t ntypes;
	const struct request_type *types = request_types_default(&ntypes);
	const struct request_type *type = data[0] < 250 ? &types[data[0] % ntypes] : NULL;
	char *text = fuzz_cstring(data + 1, size - 1);

	/* Split into up to 16 fields at 0x1f; an empty field is absent. */
	const char *f[16] = {0};
	int n = 0;
	for (char *p = text; n < 16;) {
		char *sep = strchr(p, 0x1f);
		if (sep)
			*sep = '\0';
		f[n++] = *p ? p : NULL;
		if (!sep)
			break;
		p = sep + 1;
	}
	struct ticket_object_id objects[2] = {{f[10], f[11]}, {f[12], f[13]}};
	const char *urls[1] = {f[8]};
	const char *criteria[2] = {f[14], f[15]};
	struct ticket_input in = {
		.request_type = type ? type->key : f[0],
		.subject = f[1],
		.description = f[2],
		.impact = f[3],
		.priority = f[4],
		.steps = f[5],
		.browser = f[6],
		.os = f[7],
		.urls = f[8] ? urls : NULL,
		.n_urls = f[8] ? 1 : 0,
		.business_justification = f[9],
		.object_ids = f[10] || f[11] || f[12] || f[13] ? objects : NULL,
		.n_object_ids = f[12] || f[13]   ? 2
				: f[10] || f[11] ? 1
						 : 0,
		.emergency_criteria = f[14] ? criteria : NULL,
		.n_emergency_criteria = f[14] ? (f[15] ? 2 : 1) : 0,
		.emergency_phone = f[0],
	};
	struct arena *a = arena_new();
	struct ticket_field_error *errors;
	size_t nerrors;
	struct ticket_completeness done;
	int rc = ticket_validate(type, &in, a, &errors, &nerrors, &done);
	if (rc == 0 && nerrors != 0)
		abort();
	if (rc == -SB_EINVAL && nerrors == 0)
		abort();
	for (size_t i = 0; i < nerrors; i++) {
		if (!errors[i].field || !errors[i].field[0])
			abort();
		fuzz_check_message(errors[i].message);
	}
	if (done.percent < 0 || done.percent > 100)
		abort();
	arena_free(a);
	free(text);
	return 0;
}
