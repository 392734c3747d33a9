/*
 * Building an outgoing mail (message.h): headers with RFC 2047
 * encoded-words where needed, folded; a multipart/alternative body in
 * quoted-printable.
 *
 * The MIME boundary is a constant that starts with "=_": quoted-printable
 * writes every '=' as "=3D" or a soft break, so no encoded line can ever
 * contain it, and the message needs no randomness.
 */
#include <stdio.h>
#include <string.h>

#include "mail/buf.h"
#include "mail/message.h"
#include "util/civil.h"

#define BOUNDARY "=_switchboard_alternative"

/* RFC 5322 asks for lines of at most 78 characters, CRLF excluded. */
#define LINE_MAX 78
/* Raw bytes per encoded-word: 42 bytes are 56 base64 characters, and
 * "=?UTF-8?B?" + 56 + "?=" is 68: under RFC 2047's 75, and short enough
 * that "Subject: " and one word fit a line. */
#define WORD_BYTES 42
/* A subject or name longer than this is cut (at a character boundary). */
#define SUBJECT_MAX 600
#define NAME_MAX    200

bool mail_address_valid(const char *addr)
{
	size_t n = strlen(addr), at = 0, ats = 0;
	if (n < 3 || n > MAIL_ADDRESS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"(),:;<>[\\]", c))
			return false;
		if (c == '@') {
			at = i;
			ats++;
		}
	}
	return ats == 1 && at > 0 && at < n - 1;
}

/* S without leading and trailing spaces, in A. */
static char *trim(struct arena *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

int mail_address_parse(const char *s, struct arena *a, struct mail_address *out,
		       struct sb_error *err)
{
	const char *lt = strchr(s, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	char *name = NULL, *addr;
	if (lt && gt && gt[1] == '\0') {
		name = trim(a, s, (size_t)(lt - s));
		addr = trim(a, lt + 1, (size_t)(gt - lt - 1));
		/* A name written as a quoted-string: keep what is inside. */
		size_t nl = name ? strlen(name) : 0;
		if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
			name[nl - 1] = '\0';
			name++;
		}
	} else {
		addr = trim(a, s, strlen(s));
	}
	if (!addr || (lt && gt && gt[1] == '\0' && !name))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	if (!mail_address_valid(addr)) {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_EINVAL, "not a mail address: %s",
				    sb_quote(q, s, SIZE_MAX));
	}
	*out = (struct mail_address){.name = name && *name ? name : NULL, .addr = addr};
	return 0;
}

char *mail_html_escape(struct arena *a, const char *text)
{
	struct mail_buf b = {0};
	mail_buf_add(&b, "", 0);
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '&': mail_buf_adds(&b, "&amp;"); break;
		case '<': mail_buf_adds(&b, "&lt;"); break;
		case '>': mail_buf_adds(&b, "&gt;"); break;
		case '"': mail_buf_adds(&b, "&quot;"); break;
		case '\'': mail_buf_adds(&b, "&#39;"); break;
		default: mail_buf_addc(&b, *p);
		}
	}
	char *out = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	mail_buf_done(&b);
	return out;
}

/* ---- headers ------------------------------------------------------------ */

/*
 * S made fit for a header, in A: control characters (CR and LF first of
 * all) become spaces, runs of spaces become one, the ends are trimmed, and
 * at most MAX bytes are kept, cut before a character, not inside one.
 */
static char *header_text(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = (char)c;
	}
	while (o && out[o - 1] == ' ')
		o--;
	if (o > max) {
		o = max;
		while (o && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
		while (o && out[o - 1] == ' ')
			o--;
	}
	out[o] = '\0';
	return out;
}

/* Whether N bytes at P can be written as they are in an unstructured header. */
static bool plain_word(const char *p, size_t n)
{
	if (n > LINE_MAX - 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
		/* Text that looks like an encoded-word would be decoded by readers. */
		if (c == '=' && i + 1 < n && p[i + 1] == '?')
			return false;
	}
	return true;
}

/* A header being written: the buffer, the column the line is at, the units so far. */
struct header {
	struct mail_buf *b;
	size_t col;
	int units;
};

static void header_start(struct header *h, struct mail_buf *b, const char *name)
{
	h->b = b;
	mail_buf_adds(b, name);
	mail_buf_adds(b, ":");
	h->col = strlen(name) + 1;
	h->units = 0;
}

/* Appends one unit (a word) after a space, or on a folded line when it does not fit. */
static void header_unit(struct header *h, const char *p, size_t n)
{
	/* Never fold before the first unit: the name would stand alone. */
	if (h->col + 1 + n > LINE_MAX && h->units > 0) {
		mail_buf_adds(h->b, "\r\n ");
		h->col = 1;
	} else {
		mail_buf_addc(h->b, ' ');
		h->col++;
	}
	mail_buf_add(h->b, p, n);
	h->col += n;
	h->units++;
}

static void header_end(struct header *h)
{
	mail_buf_adds(h->b, "\r\n");
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of N (at most WORD_BYTES) bytes at P into OUT; returns its length. */
static size_t base64(const unsigned char *p, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	return o;
}

/*
 * Appends N bytes at P as encoded-words of at most WORD_BYTES bytes each,
 * cut between UTF-8 characters. Readers join adjacent encoded-words
 * without the folding space between them.
 */
static void header_encoded(struct header *h, const char *p, size_t n)
{
	while (n) {
		size_t take = n < WORD_BYTES ? n : WORD_BYTES;
		if (take < n)
			while (take > 1 && ((unsigned char)p[take] & 0xc0) == 0x80)
				take--;
		char word[12 + 4 * WORD_BYTES / 3 + 4];
		memcpy(word, "=?UTF-8?B?", 10);
		size_t len = 10 + base64((const unsigned char *)p, take, word + 10);
		memcpy(word + len, "?=", 2);
		header_unit(h, word, len + 2);
		p += take;
		n -= take;
	}
}

/*
 * Appends TEXT (already through header_text()) as unstructured header
 * text: plain words as they are, and each run of words that cannot be
 * plain (with the spaces between them, which an encoded-word must carry)
 * as encoded-words.
 */
static void header_words(struct header *h, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (plain_word(p, n)) {
			header_unit(h, p, n);
			p += n;
		} else {
			/* Extend the run over the following words that need encoding too. */
			const char *end = p + n;
			while (*end == ' ') {
				const char *next = end + 1;
				size_t m = strcspn(next, " ");
				if (plain_word(next, m))
					break;
				end = next + m;
			}
			header_encoded(h, p, (size_t)(end - p));
			p = end;
		}
		while (*p == ' ')
			p++;
	}
}

/*
 * Whether a display name can be a quoted-string: printable ASCII whose
 * quoted form (quotes, and a backslash before " and \) fits a line beside
 * a header name.
 */
static bool plain_name(const char *name)
{
	size_t quoted = 2;
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return false;
		quoted += *p == '"' || *p == '\\' ? 2 : 1;
	}
	return quoted <= LINE_MAX - 30;
}

/* "NAME" <ADDR>, the name as a quoted-string or encoded-words. */
static int header_address(struct header *h, struct arena *a, const struct mail_address *ad)
{
	char *name = ad->name ? header_text(a, ad->name, NAME_MAX) : NULL;
	if (ad->name && !name)
		return -SB_ENOMEM;
	if (name && *name) {
		if (plain_name(name)) {
			struct mail_buf q = {0};
			mail_buf_addc(&q, '"');
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					mail_buf_addc(&q, '\\');
				mail_buf_addc(&q, *p);
			}
			mail_buf_addc(&q, '"');
			if (q.failed) {
				mail_buf_done(&q);
				return -SB_ENOMEM;
			}
			header_unit(h, q.data, q.len);
			mail_buf_done(&q);
		} else {
			/* In a phrase, every word goes encoded: a plain word there may
			 * not hold the specials that unstructured text allows. */
			header_encoded(h, name, strlen(name));
		}
	}
	size_t n = strlen(ad->addr);
	char *bracketed = arena_alloc(a, n + 3);
	if (!bracketed)
		return -SB_ENOMEM;
	bracketed[0] = '<';
	memcpy(bracketed + 1, ad->addr, n);
	memcpy(bracketed + 1 + n, ">", 2);
	header_unit(h, bracketed, n + 2);
	return 0;
}

static void header_simple(struct mail_buf *b, const char *name, const char *value)
{
	mail_buf_adds(b, name);
	mail_buf_adds(b, ": ");
	mail_buf_adds(b, value);
	mail_buf_adds(b, "\r\n");
}

/* RFC 5322 date-time of T, in UTC: "Tue, 04 Mar 2025 17:00:00 +0000". */
static void date_header(struct mail_buf *b, int64_t t)
{
	/* civil_weekday(): 0 is Monday. */
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t day = civil_floor_div(t, 86400), secs = civil_floor_mod(t, 86400), y;
	int m, d;
	civil_date_from_days(day, &y, &m, &d);
	char buf[64];
	snprintf(buf, sizeof(buf), "%s, %02d %s %04lld %02d:%02d:%02d +0000",
		 days[civil_weekday(day)], d, months[m - 1], (long long)y, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
	header_simple(b, "Date", buf);
}

/* ---- body --------------------------------------------------------------- */

/*
 * TEXT in quoted-printable (RFC 2045 6.7): printable ASCII stays, '=' and
 * every other byte become =XX, LF or CRLF a hard line break, and lines are
 * cut with soft breaks ("=" CRLF) before 76 characters. Spaces before a
 * line end and a dot at a line start are encoded, so that neither mail
 * relays (which strip trailing spaces) nor SMTP (where "." ends the data)
 * can change the text.
 */
static void quoted_printable(struct mail_buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n' || (c == '\r' && p[1] == '\n')) {
			if (c == '\r')
				p++;
			mail_buf_adds(b, "\r\n");
			col = 0;
			continue;
		}
		bool line_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		bool literal =
			(c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
		size_t width = literal ? 1 : 3;
		if (col + width > 75) {
			mail_buf_adds(b, "=\r\n");
			col = 0;
		}
		if (col == 0 && c == '.') {
			literal = false;
			width = 3;
		}
		if (literal) {
			mail_buf_addc(b, (char)c);
		} else {
			char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
			mail_buf_add(b, enc, 3);
		}
		col += width;
	}
	if (col)
		mail_buf_adds(b, "\r\n");
}

static void body_part(struct mail_buf *b, const char *type, const char *content)
{
	mail_buf_adds(b, "--" BOUNDARY "\r\nContent-Type: ");
	mail_buf_adds(b, type);
	mail_buf_adds(b, "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
	quoted_printable(b, content);
}

int mail_message_build(const struct mail_message *m, struct arena *a, char **out, size_t *len_out,
		       struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	if (!mail_address_valid(m->from.addr))
		return sb_error_set(err, SB_EINVAL, "not a sender address: %s",
				    sb_quote(q, m->from.addr, SIZE_MAX));
	if (!mail_address_valid(m->to.addr))
		return sb_error_set(err, SB_EINVAL, "not a recipient address: %s",
				    sb_quote(q, m->to.addr, SIZE_MAX));
	if (!mail_address_valid(m->message_id) ||
	    (m->thread_id && !mail_address_valid(m->thread_id)))
		return sb_error_set(err, SB_EINVAL, "not a message id");
	char *subject = header_text(a, m->subject ? m->subject : "", SUBJECT_MAX);
	if (!subject)
		return sb_error_set(err, SB_ENOMEM, "out of memory");

	struct mail_buf b = {0};
	struct header h;
	int rc = 0;
	date_header(&b, m->date);
	header_start(&h, &b, "From");
	if ((rc = header_address(&h, a, &m->from)) < 0)
		goto out;
	header_end(&h);
	header_start(&h, &b, "To");
	if ((rc = header_address(&h, a, &m->to)) < 0)
		goto out;
	header_end(&h);
	header_start(&h, &b, "Subject");
	header_words(&h, subject);
	header_end(&h);
	mail_buf_adds(&b, "Message-ID: <");
	mail_buf_adds(&b, m->message_id);
	mail_buf_adds(&b, ">\r\n");
	if (m->thread_id) {
		/* Every mail of a ticket answers the same root, so they thread as one. */
		for (int i = 0; i < 2; i++) {
			mail_buf_adds(&b, i ? "References: <" : "In-Reply-To: <");
			mail_buf_adds(&b, m->thread_id);
			mail_buf_adds(&b, ">\r\n");
		}
	}
	/* RFC 3834: no vacation replies or other automatic answers to this. */
	header_simple(&b, "Auto-Submitted", "auto-generated");
	/* The same request for Exchange, which does not read Auto-Submitted. */
	header_simple(&b, "X-Auto-Response-Suppress", "All");
	header_simple(&b, "MIME-Version", "1.0");
	header_simple(&b, "Content-Type", "multipart/alternative; boundary=\"" BOUNDARY "\"");
	mail_buf_adds(&b, "\r\n");
	body_part(&b, "text/plain", m->text ? m->text : "");
	body_part(&b, "text/html", m->html ? m->html : "");
	mail_buf_adds(&b, "--" BOUNDARY "--\r\n");
out:
	if (rc == 0 && b.failed)
		rc = -SB_ENOMEM;
	if (rc == 0 && !(*out = arena_strndup(a, b.data, b.len)))
		rc = -SB_ENOMEM;
	if (rc == 0)
		*len_out = b.len;
	mail_buf_done(&b);
	return rc < 0 ? sb_error_set(err, -rc, "out of memory") : 0;
}
