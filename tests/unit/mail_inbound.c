/*
 * Tests for src/mail/inbound.c and inbound_text.c: reading incoming mail
 * (senders, ids, decoded subjects and bodies, attachments), telling robots
 * from people, and taking the quoted history out of replies.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mail/inbound.h"
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

TestSuite(mail_inbound, .init = setup, .fini = teardown);

/* Parses TEXT (LF line ends, made CRLF as mail travels) and asserts success. */
static struct mail_inbound parse(const char *text)
{
	char *crlf = arena_alloc(a, strlen(text) * 2 + 1);
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	struct mail_inbound m;
	struct sb_error err = {0};
	cr_assert_eq(mail_inbound_parse(crlf, n, "localhost", a, &m, &err), 0, "%s", err.message);
	return m;
}

static const char *strip(const char *text)
{
	char *out = mail_inbound_strip_quotes(a, text);
	cr_assert_not_null(out);
	return out;
}

/* ---- headers ------------------------------------------------------------ */

Test(mail_inbound, reads_sender_ids_and_an_iso_8859_1_subject)
{
	struct mail_inbound m = parse("From: =?iso-8859-1?Q?Jos=E9_N=FA=F1ez?= <Jose@Example.COM>\n"
				      "Subject: =?iso-8859-1?Q?RE:_[#42]_el_bot=F3n?=\n"
				      "Message-ID: <abc@example.com>\n"
				      "In-Reply-To: <outbox-7.ticket-42@localhost>\n"
				      "References: <ticket-42@localhost>\n"
				      " <outbox-7.ticket-42@localhost>\n"
				      "\n"
				      "Hola\n");
	cr_assert_str_eq(m.from, "jose@example.com");
	cr_assert_str_eq(m.from_name, "José Núñez");
	cr_assert_str_eq(m.message_id, "abc@example.com");
	cr_assert_str_eq(m.subject, "RE: [#42] el botón");
	cr_assert_eq(m.n_refs, 3);
	cr_assert_str_eq(m.refs[0], "outbox-7.ticket-42@localhost");
	cr_assert_str_eq(m.refs[1], "outbox-7.ticket-42@localhost", "References newest first");
	cr_assert_str_eq(m.refs[2], "ticket-42@localhost");
	cr_assert_null(m.auto_reason);
	cr_assert_eq(mail_inbound_thread(&m, "localhost"), 42);
	cr_assert_str_eq(m.text, "Hola\n");
}

Test(mail_inbound, decodes_a_utf8_base64_subject)
{
	struct mail_inbound m =
		parse("From: a@example.com\n"
		      "Subject: =?UTF-8?B?Q2FtcGHDsWEgMjAyNjogbGFzIHViaWNhY2lvbmVz?=\n\nx\n");
	cr_assert_str_eq(m.subject, "Campaña 2026: las ubicaciones");
}

Test(mail_inbound, threads_by_our_ids_then_by_the_subject_tag)
{
	struct mail_inbound m = parse("From: a@example.com\n"
				      "Subject: Re: [#9] and [#10]\n"
				      "In-Reply-To: <outbox-1.ticket-5@elsewhere.example>\n"
				      "\nx\n");
	cr_assert_eq(mail_inbound_thread(&m, "localhost"), 9, "another host's id is not ours");
	cr_assert_eq(mail_inbound_thread(&m, NULL), 5);
	cr_assert_eq(mail_inbound_subject_ticket("no tag [#] [#x1] [#012]"), 0);
	cr_assert_eq(mail_inbound_subject_ticket("Re: Re: [#1234] hi"), 1234);
	int64_t t;
	bool note;
	cr_assert(mail_inbound_our_id("outbox-57.ticket-1234@LocalHost", "localhost", &t, &note));
	cr_assert_eq(t, 1234);
	cr_assert(note);
	cr_assert(mail_inbound_our_id("ticket-3@localhost", "localhost", &t, &note));
	cr_assert(!note);
	cr_assert(!mail_inbound_our_id("ticket-3@", NULL, &t, NULL));
	cr_assert(!mail_inbound_our_id("ticket-3x@localhost", NULL, &t, NULL));
	cr_assert(!mail_inbound_our_id("outbox-1ticket-3@localhost", NULL, &t, NULL));
}

Test(mail_inbound, refuses_what_is_not_a_mail)
{
	struct mail_inbound m;
	struct sb_error err = {0};
	const char *text = "just words\nno headers\n";
	cr_assert_eq(mail_inbound_parse(text, strlen(text), NULL, a, &m, &err), -SB_EINVAL);
	text = "Subject: hi\n\nbody\n";
	cr_assert_eq(mail_inbound_parse(text, strlen(text), NULL, a, &m, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "From") != NULL, "%s", err.message);
}

Test(mail_inbound, refuses_a_message_of_too_many_parts_before_parsing_it)
{
	size_t cap = 64 + (MAIL_INBOUND_PARTS_MAX + 1) * 32, n = 0;
	char *text = arena_alloc(a, cap);
	n += (size_t)snprintf(text, cap,
			      "From: a@example.com\r\n"
			      "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
	for (int i = 0; i <= MAIL_INBOUND_PARTS_MAX; i++)
		n += (size_t)snprintf(text + n, cap - n, "--b\r\n\r\nx\r\n");
	struct mail_inbound m;
	struct sb_error err = {0};
	cr_assert_eq(mail_inbound_parse(text, n, NULL, a, &m, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "too many parts") != NULL, "%s", err.message);
	/* One boundary fewer is a message. */
	n -= strlen("--b\r\n\r\nx\r\n");
	cr_assert_eq(mail_inbound_parse(text, n, NULL, a, &m, &err), 0, "%s", err.message);
	cr_assert_eq(m.n_files_seen, 0, "text parts make the body, not files");
}

/* ---- robots ------------------------------------------------------------- */

static const char *reason(const char *headers)
{
	char *text = arena_printf(a, "From: someone@example.com\n%s\nbody\n", headers);
	return parse(text).auto_reason;
}

Test(mail_inbound, tells_automatic_and_bulk_mail)
{
	cr_assert_not_null(reason("Auto-Submitted: auto-replied\n"));
	cr_assert_not_null(reason("Auto-Submitted: auto-generated; owner-email=x@y.z\n"));
	cr_assert_null(reason("Auto-Submitted: no\n"));
	cr_assert_null(reason("Auto-Submitted: No (a person)\n"));
	cr_assert_not_null(reason("Precedence: bulk\n"));
	cr_assert_not_null(reason("Precedence: JUNK\n"));
	cr_assert_not_null(reason("Precedence: list\n"));
	cr_assert_null(reason("Precedence: first-class\n"));
	cr_assert_not_null(reason("List-Id: <news.example.com>\n"));
	cr_assert_not_null(reason("List-Unsubscribe: <mailto:u@example.com>\n"));
	cr_assert_not_null(reason("X-Autoreply: yes\n"));
	cr_assert_not_null(reason("X-Autorespond: yes\n"));
	cr_assert_not_null(reason("Return-Path: <>\n"));
	cr_assert_not_null(reason("Message-ID: <outbox-3.ticket-4@localhost>\n"),
			   "our own mail: a loop");
	cr_assert_null(reason("Message-ID: <outbox-3.ticket-4@other.example>\n"));
	cr_assert_not_null(reason(
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n"));
	cr_assert_null(reason("Subject: hello\n"));

	struct mail_inbound m = parse("From: MAILER-DAEMON@mx.example.com\n\nbounce\n");
	cr_assert_not_null(m.auto_reason);
	m = parse("From: \n\nno sender\n");
	cr_assert_str_eq(m.from, "");
	cr_assert_not_null(m.auto_reason);
}

/* ---- bodies and attachments --------------------------------------------- */

Test(mail_inbound, prefers_text_plain_decodes_quoted_printable_and_keeps_attachments)
{
	struct mail_inbound m =
		parse("From: a@example.com\n"
		      "MIME-Version: 1.0\n"
		      "Content-Type: multipart/mixed; boundary=outer\n"
		      "\n"
		      "--outer\n"
		      "Content-Type: multipart/alternative; boundary=inner\n"
		      "\n"
		      "--inner\n"
		      "Content-Type: text/plain; charset=iso-8859-1\n"
		      "Content-Transfer-Encoding: quoted-printable\n"
		      "\n"
		      "El bot=F3n no funciona, una l=EDnea muy larga que se corta =\n"
		      "aqu=ED.\n"
		      "--inner\n"
		      "Content-Type: text/html; charset=utf-8\n"
		      "\n"
		      "<p>HTML twin</p>\n"
		      "--inner--\n"
		      "--outer\n"
		      "Content-Type: image/png\n"
		      "Content-Disposition: attachment; filename*=UTF-8''captura%20%C3%BA.png\n"
		      "Content-Transfer-Encoding: base64\n"
		      "\n"
		      "iVBORw0KGgo=\n"
		      "--outer\n"
		      "Content-Type: application/octet-stream; name=\"../../etc/passwd\"\n"
		      "Content-Transfer-Encoding: base64\n"
		      "\n"
		      "AAEC\n"
		      "--outer--\n");
	cr_assert_str_eq(m.text, "El botón no funciona, una línea muy larga que se corta aquí.");
	cr_assert_eq(m.n_files, 2);
	cr_assert_str_eq(m.files[0].filename, "captura ú.png");
	cr_assert_str_eq(m.files[0].content_type, "image/png");
	cr_assert_eq(m.files[0].len, 8);
	cr_assert_eq(memcmp(m.files[0].data, "\x89PNG\r\n\x1a\n", 8), 0);
	cr_assert_str_eq(m.files[1].filename, "passwd", "no path survives");
	cr_assert_eq(m.files[1].len, 3);
	cr_assert_eq(memcmp(m.files[1].data, "\0\1\2", 3), 0);
}

Test(mail_inbound, reads_html_when_there_is_no_plain_text)
{
	struct mail_inbound m = parse(
		"From: a@example.com\n"
		"Content-Type: text/html; charset=utf-8\n"
		"\n"
		"<html><head><title>T</title><style>p{}</style></head><body>"
		"<p>Line&nbsp;one &amp; &lt;two&gt; &#233;&#x20AC;</p><ul><li>a</li><li>b</li></ul>"
		"<script>alert(1)</script><div>On Mon, X wrote:</div>"
		"<blockquote><p>old</p></blockquote></body></html>\n");
	cr_assert_str_eq(m.text, "Line one & <two> é€\n- a\n- b\nOn Mon, X wrote:\n\n> old");
	cr_assert_str_eq(m.reply, "Line one & <two> é€\n- a\n- b");
}

Test(mail_inbound, html_entities_that_are_not_are_text)
{
	/* Found by the fuzzer: an entity cut by the end of the text. */
	cr_assert_str_eq(mail_inbound_html_text(a, "a &am"), "a &am");
	cr_assert_str_eq(mail_inbound_html_text(a, "&#;&#x;&bogus; &#1114112; &#0;"),
			 "&#;&#x;&bogus; \xef\xbf\xbd \xef\xbf\xbd");
	cr_assert_str_eq(mail_inbound_html_text(a, "1 < 2 <3"), "1 < 2 <3");
}

Test(mail_inbound, text_in_an_undeclared_charset_becomes_valid_utf8)
{
	struct mail_inbound m = parse("From: a@example.com\nSubject: caf\xe9\n\ncaf\xe9 \x01ok\n");
	cr_assert(utf8_valid(m.subject, strlen(m.subject)));
	cr_assert(utf8_valid(m.text, strlen(m.text)));
	cr_assert_str_eq(m.text, "café ok\n");
}

Test(mail_inbound, text_split_around_an_inline_picture_is_one_body)
{
	struct mail_inbound m = parse("From: a@example.com\n"
				      "Content-Type: multipart/mixed; boundary=b\n"
				      "\n"
				      "--b\n"
				      "Content-Type: text/plain\n"
				      "\n"
				      "Before the picture.\n"
				      "--b\n"
				      "Content-Type: image/png; name=shot.png\n"
				      "Content-Disposition: inline; filename=shot.png\n"
				      "\n"
				      "PNG\n"
				      "--b\n"
				      "Content-Type: text/plain\n"
				      "\n"
				      "After it.\n"
				      "--b--\n");
	cr_assert_str_eq(m.text, "Before the picture.\nAfter it.");
	cr_assert_eq(m.n_files, 1);
	cr_assert_str_eq(m.files[0].filename, "shot.png");
}

Test(mail_inbound, a_forwarded_message_is_one_eml_file)
{
	struct mail_inbound m = parse("From: a@example.com\n"
				      "Content-Type: multipart/mixed; boundary=b\n"
				      "\n"
				      "--b\n"
				      "Content-Type: text/plain\n"
				      "\n"
				      "See below.\n"
				      "--b\n"
				      "Content-Type: message/rfc822\n"
				      "\n"
				      "From: c@example.com\n"
				      "Subject: inner\n"
				      "\n"
				      "inner body\n"
				      "--b--\n");
	cr_assert_str_eq(m.text, "See below.");
	cr_assert_eq(m.n_files, 1);
	cr_assert_str_eq(m.files[0].filename, "forwarded.eml");
	cr_assert(memmem(m.files[0].data, m.files[0].len, "inner body", 10) != NULL);
}

/* ---- quoted history ----------------------------------------------------- */

Test(mail_inbound, strips_a_gmail_attribution_even_when_wrapped)
{
	cr_assert_str_eq(
		strip("Thanks!\n\nOn Mon, Nov 16, 2026 at 10:02 AM Ana <a@b.c> wrote:\n> old\n"),
		"Thanks!");
	cr_assert_str_eq(strip("Thanks!\r\n\r\nOn Mon, Nov 16, 2026 at 10:02 AM Switchboard <\r\n"
			       "support@localhost> wrote:\r\n> old\r\n"),
			 "Thanks!");
	/* A sentence that starts with "On" is not an attribution. */
	cr_assert_str_eq(strip("On Monday it broke.\nStill broken.\n"),
			 "On Monday it broke.\nStill broken.");
}

Test(mail_inbound, strips_spanish_and_outlook_headers)
{
	cr_assert_str_eq(strip("Gracias.\n\nEl lun, 16 nov 2026 a las 10:02, Ana (<a@b.c>) "
			       "escribió:\n> x\n"),
			 "Gracias.");
	cr_assert_str_eq(strip("Hola\n\nDe: Switchboard <s@l>\nEnviado: lunes\nPara: yo\nAsunto: "
			       "x\n\nold\n"),
			 "Hola");
	cr_assert_str_eq(
		strip("Hi\n________________________________\nFrom: S <s@l>\nSent: Monday\n\nold\n"),
		"Hi");
	cr_assert_str_eq(strip("Hi\n*From:* S <s@l>\n*Date:* Monday\n\nold\n"), "Hi");
	cr_assert_str_eq(strip("Hi\n\n-----Original Message-----\nFrom: x\n\nold\n"), "Hi");
	cr_assert_str_eq(strip("Hola\n\n----- Mensaje original -----\nold\n"), "Hola");
	/* "From:" in a sentence, without the block, stays. */
	cr_assert_str_eq(strip("From: my colleague, a question.\nThanks\n"),
			 "From: my colleague, a question.\nThanks");
}

Test(mail_inbound, strips_signatures_and_trailing_quotes_but_keeps_inline_answers)
{
	cr_assert_str_eq(strip("Done.\n\n-- \nAna\nACME\n"), "Done.");
	cr_assert_str_eq(strip("Done.\nSent from my iPhone\n"), "Done.");
	cr_assert_str_eq(strip("Answer.\n\n> quoted\n> more\n\n"), "Answer.");
	cr_assert_str_eq(strip("> Which line item?\n4411.\n> And the browser?\nFirefox.\n"),
			 "> Which line item?\n4411.\n> And the browser?\nFirefox.");
	/* Nothing but a quote: the whole text is kept (nothing sent is lost). */
	cr_assert_str_eq(strip("> only a quote\n"), "> only a quote");
	cr_assert_str_eq(strip(""), "");
}

Test(mail_inbound, a_forwarded_message_is_not_history)
{
	cr_assert_str_eq(strip("FYI\n\n---------- Forwarded message ---------\nFrom: C <c@d>\n"
			       "Date: Mon\nSubject: broken\n\nIt is broken.\n"),
			 "FYI\n\n---------- Forwarded message ---------\nFrom: C <c@d>\nDate: Mon\n"
			 "Subject: broken\n\nIt is broken.");
}
