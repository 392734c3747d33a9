/*
 * Fuzz target: the multipart/form-data parser. The input's first line is
 * the Content-Type, the rest the body (copied to a buffer of exactly its
 * size, so that a read past the end is caught). Beyond not crashing: parts
 * that parse lie inside the body, in order, within the part limit, with
 * every string set; a refusal says why on one printable line.
 */
#include "http/multipart.h"
#include "fuzz.h"

#define MAX_PARTS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ct_len = nl ? (size_t)(nl - data) : size;
	size_t body_len = nl ? size - ct_len - 1 : 0;
	char *content_type = fuzz_cstring(data, ct_len);
	char *body = malloc(body_len ? body_len : 1);
	struct arena *a = arena_new();
	struct http_part *parts;
	struct sb_error err;
	size_t n;
	if (!body || !a)
		abort();
	if (body_len)
		memcpy(body, nl + 1, body_len);

	if (http_multipart_parse(content_type, body, body_len, a, MAX_PARTS, &parts, &n, &err) ==
	    0) {
		if (n < 1 || n > MAX_PARTS || !parts)
			abort();
		const char *prev_end = body;
		for (size_t i = 0; i < n; i++) {
			const struct http_part *p = &parts[i];
			if (!p->name || !p->content_type || !*p->content_type || !p->data)
				abort();
			if (p->data < prev_end || p->len > body_len ||
			    p->data + p->len > body + body_len)
				abort();
			prev_end = p->data + p->len;
			(void)strlen(p->name);
			if (p->filename)
				(void)strlen(p->filename);
		}
	} else {
		if (parts || n)
			abort();
		fuzz_check_message(err.message);
	}
	arena_free(a);
	free(body);
	free(content_type);
	return 0;
}
