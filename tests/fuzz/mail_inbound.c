/*
 * Fuzz target: reading an incoming mail (src/mail/inbound.c), the bytes an
 * MTA pipes into `switchboard mailgate` from anyone on the Internet.
 * Whatever the input: either a one-line error, or a result whose every
 * string is valid UTF-8, whose subject and names hold no control
 * character, whose attachments stay within the limit, and whose reply is
 * no longer than its text. The text functions run on the bytes too: HTML
 * to text and quote stripping give valid UTF-8 for valid UTF-8.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "mail/inbound.h"
#include "util/utf8.h"

static void check_utf8(const char *s, bool one_line)
{
	if (!s || !utf8_valid(s, strlen(s)))
		abort();
	for (const char *p = s; one_line && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct mail_inbound m;
	struct sb_error err = {0};
	int rc = mail_inbound_parse((const char *)data, size, "localhost", a, &m, &err);
	if (rc < 0) {
		fuzz_check_message(err.message);
	} else {
		check_utf8(m.from, true);
		check_utf8(m.from_name, true);
		check_utf8(m.subject, true);
		if (m.message_id)
			check_utf8(m.message_id, true);
		for (size_t i = 0; i < m.n_refs; i++)
			check_utf8(m.refs[i], true);
		check_utf8(m.text, false);
		check_utf8(m.reply, false);
		if (strlen(m.reply) > strlen(m.text) || m.n_files > MAIL_INBOUND_FILES_MAX ||
		    m.n_files > m.n_files_seen || m.n_refs > MAIL_INBOUND_REFS_MAX)
			abort();
		for (size_t i = 0; i < m.n_files; i++) {
			check_utf8(m.files[i].filename, true);
			check_utf8(m.files[i].content_type, true);
			if (!*m.files[i].filename || strchr(m.files[i].filename, '/'))
				abort();
		}
		(void)mail_inbound_thread(&m, "localhost");
	}

	char *s = fuzz_cstring(data, size);
	bool valid = utf8_valid(s, strlen(s));
	char *text = mail_inbound_html_text(a, s);
	char *reply = mail_inbound_strip_quotes(a, s);
	if (!text || !reply ||
	    (valid && (!utf8_valid(text, strlen(text)) || !utf8_valid(reply, strlen(reply)))))
		abort();
	(void)mail_inbound_subject_ticket(s);
	free(s);
	arena_free(a);
	return 0;
}
