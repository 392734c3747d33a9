/*
 * Tests for src/mail/message.c: headers that no value can break out of,
 * RFC 2047 encoded-words cut between characters, folding, quoted-printable
 * bodies that survive SMTP, HTML escaping, and addresses.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mail/message.h"
#include "util/utf8.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new();
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(mail_message, .init = setup, .fini = teardown);

static struct mail_message sample(void)
{
	return (struct mail_message){
		.from = {.name = "Switchboard", .addr = "support@desk.example"},
		.to = {.name = "Ana", .addr = "ana@customer.example"},
		.subject = "[#12] Request received: Save",
		.date = 1741107600, /* 2025-03-04T17:00:00Z, a Tuesday */
		.message_id = "outbox-7.ticket-12@desk.example",
		.thread_id = "ticket-12@desk.example",
		.text = "Hello Ana,\n\nWe have it.\n",
		.html = "<p>Hello Ana,</p>",
	};
}

static char *build(const struct mail_message *m)
{
	char *out = NULL;
	size_t len = 0;
	struct sb_error err = {0};
	cr_assert_eq(mail_message_build(m, a, &out, &len, &err), 0, "%s", err.message);
	cr_assert_eq(strlen(out), len);
	return out;
}

/* The header block of MSG (up to the blank line), as a copy in A. */
static char *head(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");
	cr_assert_not_null(end);
	return arena_strndup(a, msg, (size_t)(end - msg) + 2);
}

/* The unfolded value of header NAME in MSG, in A; NULL when absent. */
static char *header(const char *msg, const char *name)
{
	char *h = head(msg);
	size_t n = strlen(name);
	for (char *line = h; *line;) {
		char *eol = strstr(line, "\r\n");
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			char *v = arena_alloc(a, strlen(line) + 1), *o = v;
			const char *p = line + n + 1;
			if (*p == ' ')
				p++;
			for (;;) {
				const char *e = strstr(p, "\r\n");
				memcpy(o, p, (size_t)(e - p));
				o += e - p;
				if (e[2] != ' ')
					break;
				*o++ = ' '; /* unfolding keeps the folding space */
				p = e + 3;
			}
			*o = '\0';
			return v;
		}
		line = eol + 2;
	}
	return NULL;
}

static int b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(t, c);
	return p && c ? (int)(p - t) : -1;
}

/*
 * Decodes an unstructured header VALUE as a reader does (RFC 2047 6.2:
 * space between two encoded-words is dropped). Every encoded-word must
 * hold whole UTF-8 characters.
 */
static char *decode_words(const char *value)
{
	char *out = arena_alloc(a, strlen(value) + 1), *o = out;
	bool prev_encoded = false;
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, " ");
		bool encoded = n > 12 && strncmp(p, "=?UTF-8?B?", 10) == 0 &&
			       strncmp(p + n - 2, "?=", 2) == 0;
		if (o != out && !(encoded && prev_encoded))
			*o++ = ' ';
		if (encoded) {
			char *start = o;
			unsigned acc = 0;
			int bits = 0;
			for (const char *q = p + 10; q < p + n - 2 && *q != '='; q++) {
				int v = b64val(*q);
				cr_assert_geq(v, 0, "base64 character %c", *q);
				acc = (acc << 6) | (unsigned)v;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					*o++ = (char)((acc >> bits) & 0xff);
				}
			}
			cr_assert(utf8_valid(start, (size_t)(o - start)),
				  "an encoded-word holds whole characters");
			cr_assert_leq(n, 75, "an encoded-word is at most 75 characters");
		} else {
			memcpy(o, p, n);
			o += n;
		}
		prev_encoded = encoded;
		p += n;
		while (*p == ' ')
			p++;
	}
	*o = '\0';
	return out;
}

static void assert_lines_within(const char *text, size_t max)
{
	for (const char *line = text; *line;) {
		const char *eol = strstr(line, "\r\n");
		cr_assert_not_null(eol, "every line ends in CRLF");
		cr_assert_leq((size_t)(eol - line), max, "line too long: %.*s", (int)(eol - line),
			      line);
		line = eol + 2;
	}
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			cr_assert(p > text && p[-1] == '\r', "a bare LF");
}

/* The headers' names, in order: a value that started a header would show here. */
static void assert_header_names(const char *msg)
{
	static const char *const names[] = {
		"Date",         "From",           "To",
		"Subject",      "Message-ID",     "In-Reply-To",
		"References",   "Auto-Submitted", "X-Auto-Response-Suppress",
		"MIME-Version", "Content-Type",
	};
	char *h = head(msg);
	size_t next = 0;
	for (char *line = h; *line;) {
		char *eol = strstr(line, "\r\n");
		if (*line != ' ') {
			while (next < sizeof(names) / sizeof(names[0]) &&
			       !(strncmp(line, names[next], strlen(names[next])) == 0 &&
				 line[strlen(names[next])] == ':'))
				next++;
			cr_assert_lt(next, sizeof(names) / sizeof(names[0]),
				     "unexpected header: %.*s", (int)(eol - line), line);
		}
		line = eol + 2;
	}
}

Test(mail_message, headers_of_a_notification)
{
	struct mail_message m = sample();
	char *msg = build(&m);
	cr_assert_str_eq(header(msg, "Date"), "Tue, 04 Mar 2025 17:00:00 +0000");
	cr_assert_str_eq(header(msg, "From"), "\"Switchboard\" <support@desk.example>");
	cr_assert_str_eq(header(msg, "To"), "\"Ana\" <ana@customer.example>");
	cr_assert_str_eq(header(msg, "Subject"), "[#12] Request received: Save");
	cr_assert_str_eq(header(msg, "Message-ID"), "<outbox-7.ticket-12@desk.example>");
	cr_assert_str_eq(header(msg, "In-Reply-To"), "<ticket-12@desk.example>");
	cr_assert_str_eq(header(msg, "References"), "<ticket-12@desk.example>");
	cr_assert_str_eq(header(msg, "Auto-Submitted"), "auto-generated");
	cr_assert_str_eq(header(msg, "MIME-Version"), "1.0");
	cr_assert_not_null(strstr(header(msg, "Content-Type"), "multipart/alternative"));
	cr_assert_not_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
	cr_assert_not_null(strstr(msg, "Content-Type: text/html; charset=UTF-8\r\n"));
	assert_lines_within(msg, 78);
	assert_header_names(msg);
}

Test(mail_message, without_a_thread_there_are_no_threading_headers)
{
	struct mail_message m = sample();
	m.thread_id = NULL;
	char *msg = build(&m);
	cr_assert_null(header(msg, "In-Reply-To"));
	cr_assert_null(header(msg, "References"));
}

Test(mail_message, the_same_input_gives_the_same_bytes)
{
	struct mail_message m = sample();
	cr_assert_str_eq(build(&m), build(&m));
}

Test(mail_message, cr_lf_in_a_subject_or_a_name_never_starts_a_header)
{
	struct mail_message m = sample();
	m.subject = "Hello\r\nBcc: evil@attacker.example\r\n\r\nbody";
	m.to.name = "Eve\r\nBcc: evil@attacker.example";
	m.from.name = "Desk\nX-Evil: 1";
	char *msg = build(&m);
	assert_header_names(msg);
	cr_assert_null(header(msg, "Bcc"));
	cr_assert_null(header(msg, "X-Evil"));
	cr_assert_str_eq(decode_words(header(msg, "Subject")),
			 "Hello Bcc: evil@attacker.example body");
	cr_assert_null(strstr(head(msg), "\r\nBcc"));
	assert_lines_within(msg, 78);
}

Test(mail_message, other_control_characters_become_spaces)
{
	struct mail_message m = sample();
	m.subject = "a\tb\x01"
		    "c\x7f"
		    "d\re";
	char *msg = build(&m);
	cr_assert_str_eq(header(msg, "Subject"), "a b c d e");
}

Test(mail_message, a_spanish_subject_is_encoded_words_the_tag_stays_plain)
{
	struct mail_message m = sample();
	m.subject = "[#12] Solicitud recibida: El botón «Guardar» no funciona";
	char *msg = build(&m);
	char *subject = header(msg, "Subject");
	cr_assert(strncmp(subject, "[#12] Solicitud recibida: El =?UTF-8?B?", 39) == 0, "%s",
		  subject);
	cr_assert_str_eq(decode_words(subject), m.subject);
	assert_lines_within(msg, 78);
}

Test(mail_message, long_subjects_fold_and_cut_between_characters)
{
	struct mail_message m = sample();
	char s[2048] = "[#99] ";
	for (int i = 0; i < 60; i++)
		strcat(s, i % 3 ? "ñandú€😀 " : "plain words ");
	s[strlen(s) - 1] = '\0';
	m.subject = s;
	char *msg = build(&m);
	assert_lines_within(msg, 78);
	char *decoded = decode_words(header(msg, "Subject"));
	/* Cut to at most 600 bytes, at a character boundary. */
	cr_assert_leq(strlen(decoded), 600);
	cr_assert(utf8_valid(decoded, strlen(decoded)));
	cr_assert(strncmp(decoded, s, strlen(decoded)) == 0, "a prefix of the subject");
}

Test(mail_message, text_that_looks_like_an_encoded_word_is_encoded)
{
	struct mail_message m = sample();
	m.subject = "=?UTF-8?B?SGk=?= there";
	char *msg = build(&m);
	cr_assert_str_eq(decode_words(header(msg, "Subject")), m.subject);
	cr_assert_neq(strncmp(header(msg, "Subject"), "=?UTF-8?B?SGk=?=", 16), 0);
}

Test(mail_message, names_are_quoted_or_encoded)
{
	struct mail_message m = sample();
	m.to.name = "A \"B\" \\ C";
	cr_assert_str_eq(header(build(&m), "To"), "\"A \\\"B\\\" \\\\ C\" <ana@customer.example>");
	m.to.name = "José Núñez";
	char *to = header(build(&m), "To");
	cr_assert(strncmp(to, "=?UTF-8?B?", 10) == 0, "%s", to);
	cr_assert_not_null(strstr(to, " <ana@customer.example>"));
	/* Quoting doubles backslashes: a name that fits only unquoted is encoded. */
	m.to.name = "\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\";
	assert_lines_within(build(&m), 78);
	m.to.name = NULL;
	cr_assert_str_eq(header(build(&m), "To"), "<ana@customer.example>");
}

Test(mail_message, bad_addresses_and_ids_are_refused)
{
	const char *bad[] = {"a@b\r\nBcc: c@d.example",
			     "no-at-sign",
			     "a@",
			     "@b.example",
			     "<a@b.example>",
			     "a b@c.example",
			     "a@b@c",
			     "a,b@c.example",
			     ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_message m = sample();
		m.to.addr = bad[i];
		char *out;
		size_t len;
		struct sb_error err = {0};
		cr_assert_eq(mail_message_build(&m, a, &out, &len, &err), -SB_EINVAL, "%s", bad[i]);
		m = sample();
		m.message_id = bad[i];
		cr_assert_eq(mail_message_build(&m, a, &out, &len, &err), -SB_EINVAL, "%s", bad[i]);
	}
}

Test(mail_message, addresses_parse_from_settings)
{
	struct mail_address ad;
	struct sb_error err = {0};
	cr_assert_eq(mail_address_parse("Switchboard <support@localhost>", a, &ad, &err), 0);
	cr_assert_str_eq(ad.name, "Switchboard");
	cr_assert_str_eq(ad.addr, "support@localhost");
	cr_assert_eq(mail_address_parse("\"Help, Desk\" <h@x.example>", a, &ad, &err), 0);
	cr_assert_str_eq(ad.name, "Help, Desk");
	cr_assert_eq(mail_address_parse("  bare@x.example ", a, &ad, &err), 0);
	cr_assert_null(ad.name);
	cr_assert_str_eq(ad.addr, "bare@x.example");
	cr_assert_eq(mail_address_parse("Bad <nope>", a, &ad, &err), -SB_EINVAL);
	cr_assert_eq(mail_address_parse("Bad <nope@x.example", a, &ad, &err), -SB_EINVAL);
	cr_assert_eq(mail_address_parse("x@y.example\r\nBcc: z@w.example", a, &ad, &err),
		     -SB_EINVAL);
}

/* The decoded quoted-printable body of the part of TYPE. */
static char *part(const char *msg, const char *type)
{
	char marker[128];
	snprintf(marker, sizeof(marker), "Content-Type: %s; charset=UTF-8\r\n", type);
	const char *p = strstr(msg, marker);
	cr_assert_not_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	const char *end = strstr(p, "--=_switchboard_alternative");
	cr_assert_not_null(end);
	char *out = arena_alloc(a, (size_t)(end - p) + 1), *o = out;
	while (p < end) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			unsigned v;
			cr_assert_eq(sscanf(p + 1, "%2X", &v), 1, "=XX");
			*o++ = (char)v;
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			*o++ = '\n';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

Test(mail_message, bodies_are_quoted_printable_that_smtp_cannot_change)
{
	struct mail_message m = sample();
	char text[4096] = "";
	strcat(text, ".\n.leading dot\ntrailing spaces   \nequals = sign, tab\t\n");
	strcat(text, "ñandú € 😀 ");
	for (int i = 0; i < 40; i++)
		strcat(text, "a long line of words ");
	strcat(text, "\nlast");
	m.text = text;
	m.html = "<p>ok</p>";
	char *msg = build(&m);
	assert_lines_within(msg, 76);
	cr_assert_null(strstr(msg, "\r\n.\r\n"), "no line is a lone dot");
	cr_assert_null(strstr(msg, "\r\n."), "no line starts with a dot");
	cr_assert_null(strstr(msg, " \r\n"), "no trailing space");
	/* The text comes back exactly (with a final line end). */
	char *back = part(msg, "text/plain");
	cr_assert(strncmp(back, text, strlen(text)) == 0 && strcmp(back + strlen(text), "\n") == 0,
		  "%s", back);
	cr_assert_str_eq(part(msg, "text/html"), "<p>ok</p>\n");
}

Test(mail_message, html_escaping)
{
	cr_assert_str_eq(mail_html_escape(a, "<a href=\"x\">&'</a>"),
			 "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	cr_assert_str_eq(mail_html_escape(a, ""), "");
	cr_assert_str_eq(mail_html_escape(a, "ñ plain"), "ñ plain");
}
