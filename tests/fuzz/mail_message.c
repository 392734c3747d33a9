/*
 * Fuzz target: building an outgoing mail from values users typed (names,
 * subjects, comment text). The input carries the subject, the recipient's
 * name, the sender's name, the text and the HTML, separated by 0x1f.
 * Whatever the input: either a one-line error, or a message whose every
 * line ends in CRLF, whose headers are exactly the builder's own (no value
 * starts a header), with header lines of at most 78 characters and body
 * lines of at most 76, no line starting with a dot, and the same bytes when
 * built twice.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "mail/message.h"

static const char *next_field(char **p)
{
	char *start = *p;
	char *sep = strchr(start, 0x1f);
	if (sep) {
		*sep = '\0';
		*p = sep + 1;
	} else {
		*p = start + strlen(start);
	}
	return start;
}

static bool starts_header(const char *line, size_t n)
{
	static const char *const names[] = {
		"Date:",         "From:",           "To:",
		"Subject:",      "Message-ID:",     "In-Reply-To:",
		"References:",   "Auto-Submitted:", "X-Auto-Response-Suppress:",
		"MIME-Version:", "Content-Type:"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n >= strlen(names[i]) && memcmp(line, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = fuzz_cstring(data, size), *p = input;
	struct mail_message m = {
		.subject = next_field(&p),
		.to = {.name = NULL, .addr = "to@example.com"},
		.from = {.name = NULL, .addr = "from@example.com"},
		.date = 1741107600,
		.message_id = "outbox-1.ticket-1@example.com",
		.thread_id = "ticket-1@example.com",
	};
	m.to.name = next_field(&p);
	m.from.name = next_field(&p);
	m.text = next_field(&p);
	m.html = next_field(&p);
	struct arena *a = arena_new();
	char *out, *again;
	size_t len, len2;
	struct sb_error err = {0};
	int rc = mail_message_build(&m, a, &out, &len, &err);
	if (rc < 0) {
		fuzz_check_message(err.message);
	} else {
		if (mail_message_build(&m, a, &again, &len2, &err) < 0 || len != len2 ||
		    memcmp(out, again, len) != 0)
			abort();
		bool in_head = true;
		for (const char *line = out; *line;) {
			const char *eol = strstr(line, "\r\n");
			if (!eol)
				abort();
			size_t n = (size_t)(eol - line);
			if (memchr(line, '\n', n) || memchr(line, '\r', n))
				abort();
			if (in_head && n == 0) {
				in_head = false;
			} else if (in_head) {
				if (n > 78 || (line[0] != ' ' && !starts_header(line, n)))
					abort();
			} else if (n > 76 || line[0] == '.') {
				abort();
			}
			line = eol + 2;
		}
	}
	arena_free(a);
	free(input);
	return 0;
}
