/*
 * The text side of reading mail (inbound.h): HTML to text, the quoted
 * history of replies, the subject's ticket tag and our own message ids.
 * Pure functions on strings; no GMime here, so they are tested and fuzzed
 * on their own.
 *
 * Quote detection looks at whole lines, the way mail programs write them:
 * Gmail and Apple Mail put "On <date>, <name> <addr> wrote:" (wrapped over
 * two or three lines when long) above the quote, in Spanish "El <date>,
 * <name> escribió:"; Outlook a header block "From: ... Sent: ... To: ...
 * Subject: ..." ("De: ... Enviado: ... Para: ... Asunto: ..."), often
 * under a rule of underscores, or "-----Original Message-----". What
 * follows the first of these is history. A forwarded message ("----------
 * Forwarded message ---------") is not history: it is often the request.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/buf.h"
#include "mail/inbound.h"

/* ---- HTML to text ------------------------------------------------------- */

struct html_entity {
	const char *name;
	unsigned cp;
};

static const struct html_entity entities[] = {
	{"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
	{"apos", '\''},     {"nbsp", 0xa0},    {"copy", 0xa9},    {"reg", 0xae},
	{"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},
	{"rsquo", 0x2019},  {"ldquo", 0x201c}, {"rdquo", 0x201d}, {"laquo", 0xab},
	{"raquo", 0xbb},    {"euro", 0x20ac},  {"aacute", 0xe1},  {"eacute", 0xe9},
	{"iacute", 0xed},   {"oacute", 0xf3},  {"uacute", 0xfa},  {"ntilde", 0xf1},
	{"Aacute", 0xc1},   {"Eacute", 0xc9},  {"Iacute", 0xcd},  {"Oacute", 0xd3},
	{"Uacute", 0xda},   {"Ntilde", 0xd1},  {"uuml", 0xfc},    {"iexcl", 0xa1},
	{"iquest", 0xbf},   {"bull", 0x2022},  {"middot", 0xb7},
};

static void add_cp(struct mail_buf *b, unsigned cp)
{
	char u[4];
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp == 0xa0)
		cp = ' '; /* a non-breaking space is a space in plain text */
	if (cp < 0x80) {
		mail_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 4);
	}
}

/* Decodes the entity at P ('&'); returns the bytes it took, 0 when it is not one. */
static size_t entity(struct mail_buf *b, const char *p)
{
	const char *semi = memchr(p, ';', strnlen(p, 12));
	if (!semi || semi == p + 1)
		return 0;
	size_t n = (size_t)(semi - p - 1);
	if (p[1] == '#') {
		unsigned long cp = 0;
		bool hex = p[2] == 'x' || p[2] == 'X';
		const char *d = p + 2 + hex;
		if (d == semi)
			return 0;
		for (; d < semi; d++) {
			int v = *d >= '0' && *d <= '9'          ? *d - '0'
				: hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
				: hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
								: -1;
			if (v < 0)
				return 0;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
			if (cp > 0x10ffff)
				cp = 0x110000; /* stays invalid, without overflow */
		}
		add_cp(b, (unsigned)cp);
		return n + 2;
	}
	for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strlen(entities[i].name) == n && memcmp(entities[i].name, p + 1, n) == 0) {
			add_cp(b, entities[i].cp);
			return n + 2;
		}
	return 0;
}

/* Whether TAG (lower case) breaks a line. */
static bool block_tag(const char *tag)
{
	static const char *const blocks[] = {
		"br", "p",  "div", "li",    "tr", "h1",  "h2",         "h3", "h4", "h5",
		"h6", "ul", "ol",  "table", "hr", "pre", "blockquote", "dd", "dt", "address"};
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcmp(tag, blocks[i]) == 0)
			return true;
	return false;
}

/* The name of TAG when its content is not text to show (static), else NULL. */
static const char *hidden_tag(const char *tag)
{
	static const char *const hidden[] = {"head", "script", "style", "title"};
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (strcmp(tag, hidden[i]) == 0)
			return hidden[i];
	return NULL;
}

struct html_state {
	struct mail_buf b;
	int quote_depth;
	bool at_line_start;
	bool space_pending;
};

static void html_newline(struct html_state *st)
{
	mail_buf_addc(&st->b, '\n');
	st->at_line_start = true;
	st->space_pending = false;
}

static void html_text_start(struct html_state *st)
{
	if (st->at_line_start) {
		for (int i = 0; i < st->quote_depth; i++)
			mail_buf_adds(&st->b, "> ");
		st->at_line_start = false;
	} else if (st->space_pending) {
		mail_buf_addc(&st->b, ' ');
	}
	st->space_pending = false;
}

/* The lines of S without spaces at their ends and without more than one blank line in a row. */
static char *tidy_lines(struct arena *a, const char *s)
{
	struct mail_buf b = {0};
	mail_buf_add(&b, "", 0);
	int blanks = 0;
	bool any = false;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n");
		const char *l = p;
		size_t ln = n;
		while (ln && (l[ln - 1] == ' ' || l[ln - 1] == '\t'))
			ln--;
		while (ln && (*l == ' ' || *l == '\t')) {
			l++;
			ln--;
		}
		if (ln == 0) {
			blanks++;
		} else {
			if (any)
				mail_buf_adds(&b, blanks ? "\n\n" : "\n");
			mail_buf_add(&b, l, ln);
			any = true;
			blanks = 0;
		}
		p += n + (p[n] == '\n');
	}
	char *out = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	mail_buf_done(&b);
	return out;
}

char *mail_inbound_html_text(struct arena *a, const char *html)
{
	struct html_state st = {.at_line_start = true};
	const char *hidden_until = NULL; /* the closing tag whose content is skipped */
	bool pre = false;
	mail_buf_add(&st.b, "", 0);
	for (const char *p = html; *p;) {
		if (*p == '<') {
			if (strncmp(p, "<!--", 4) == 0) {
				const char *end = strstr(p + 4, "-->");
				p = end ? end + 3 : p + strlen(p);
				continue;
			}
			const char *q = p + 1;
			bool closing = *q == '/';
			q += closing;
			char tag[16];
			size_t tn = 0;
			/* A tag name starts with a letter: "<3" and "a < b" are text. */
			bool letter = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z');
			while (letter && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
					  (*q >= '0' && *q <= '9'))) {
				if (tn < sizeof(tag) - 1)
					tag[tn++] = (char)(*q | 0x20);
				q++;
			}
			tag[tn] = '\0';
			if (tn == 0 && *q != '!' && *q != '?') {
				/* A lone '<' is text. */
				if (!hidden_until) {
					html_text_start(&st);
					mail_buf_addc(&st.b, '<');
				}
				p++;
				continue;
			}
			/* Find the end of the tag, past quoted attribute values. */
			char quote = 0;
			for (; *q && (quote || *q != '>'); q++)
				if (quote ? *q == quote : (*q == '"' || *q == '\''))
					quote = quote ? 0 : *q;
			p = *q ? q + 1 : q;
			if (hidden_until) {
				if (closing && strcmp(tag, hidden_until) == 0)
					hidden_until = NULL;
				continue;
			}
			if (!closing && (hidden_until = hidden_tag(tag)) != NULL)
				continue;
			if (strcmp(tag, "pre") == 0)
				pre = !closing;
			if (block_tag(tag)) {
				bool was_start = st.at_line_start;
				if (strcmp(tag, "blockquote") == 0) {
					if (!was_start)
						html_newline(&st);
					if (closing && st.quote_depth > 0)
						st.quote_depth--;
					else if (!closing && st.quote_depth < MAIL_INBOUND_DEPTH)
						st.quote_depth++;
				} else if (!was_start || strcmp(tag, "br") == 0 ||
					   strcmp(tag, "p") == 0) {
					html_newline(&st);
				}
				if (strcmp(tag, "li") == 0 && !closing) {
					html_text_start(&st);
					mail_buf_adds(&st.b, "- ");
				}
			} else {
				st.space_pending = st.space_pending || strcmp(tag, "td") == 0;
			}
			continue;
		}
		if (hidden_until) {
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (pre && *p == '\n')
				html_newline(&st);
			else if (!st.at_line_start)
				st.space_pending = true;
			p++;
			continue;
		}
		html_text_start(&st);
		size_t used = *p == '&' ? entity(&st.b, p) : 0;
		if (used) {
			p += used;
		} else {
			mail_buf_addc(&st.b, *p);
			p++;
		}
	}
	char *out = st.b.failed ? NULL : tidy_lines(a, st.b.data);
	mail_buf_done(&st.b);
	return out;
}

/* ---- quoted history ----------------------------------------------------- */

struct line {
	const char *p;
	size_t n;
};

/* Whether line L (spaces and '*' of bold headers skipped) starts with WORD, case folded. */
static bool starts(struct line l, const char *word)
{
	while (l.n && (*l.p == ' ' || *l.p == '\t' || *l.p == '*')) {
		l.p++;
		l.n--;
	}
	size_t w = strlen(word);
	return l.n >= w && strncasecmp(l.p, word, w) == 0;
}

static bool ends(struct line l, const char *word)
{
	while (l.n && (l.p[l.n - 1] == ' ' || l.p[l.n - 1] == '\t' || l.p[l.n - 1] == '*'))
		l.n--;
	size_t w = strlen(word);
	return l.n >= w && strncasecmp(l.p + l.n - w, word, w) == 0;
}

static bool blank(struct line l)
{
	for (size_t i = 0; i < l.n; i++)
		if (l.p[i] != ' ' && l.p[i] != '\t')
			return false;
	return true;
}

/* "On ... wrote:" and the like, on line I or wrapped over the next two. */
static bool attribution(const struct line *lines, size_t n, size_t i)
{
	static const struct {
		const char *open, *close;
	} forms[] = {
		{"On ", "wrote:"},
		{"El ", "escribió:"},
		{"Le ", "a écrit :"},
		{"Le ", "a écrit:"},
	};
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (!starts(lines[i], forms[f].open))
			continue;
		for (size_t j = i; j < n && j < i + 3; j++) {
			if (ends(lines[j], forms[f].close))
				return true;
			if (blank(lines[j]))
				break;
		}
	}
	return false;
}

/* An Outlook header block: From:/De: with Sent:/Date:/Enviado:/Fecha: among the next lines. */
static bool outlook_block(const struct line *lines, size_t n, size_t i)
{
	if (!starts(lines[i], "From:") && !starts(lines[i], "De:"))
		return false;
	for (size_t j = i + 1; j < n && j < i + 5; j++)
		if (starts(lines[j], "Sent:") || starts(lines[j], "Date:") ||
		    starts(lines[j], "Enviado:") || starts(lines[j], "Fecha:") ||
		    starts(lines[j], "Enviado el:"))
			return true;
	return false;
}

static bool rule_of(struct line l, char c, size_t min)
{
	size_t k = 0;
	while (k < l.n && l.p[k] == c)
		k++;
	return k >= min && blank((struct line){l.p + k, l.n - k});
}

static bool opens_quote(const struct line *lines, size_t n, size_t i)
{
	struct line l = lines[i];
	if (attribution(lines, n, i) || outlook_block(lines, n, i))
		return true;
	/* "-----Original Message-----", "----- Mensaje original -----". */
	if (starts(l, "--") && (ends(l, "Original Message-----") || ends(l, "Original Message") ||
				ends(l, "Mensaje original-----") ||
				ends(l, "Mensaje original -----") || ends(l, "Mensaje original")))
		return true;
	/* Outlook's rule of underscores above its header block. */
	if (rule_of(l, '_', 10)) {
		size_t j = i + 1;
		while (j < n && j < i + 3 && blank(lines[j]))
			j++;
		return j < n && outlook_block(lines, n, j);
	}
	/* The signature separator (RFC 3676 "-- "), and mobile signatures. */
	if ((l.n == 3 && memcmp(l.p, "-- ", 3) == 0) || (l.n == 2 && memcmp(l.p, "--", 2) == 0))
		return true;
	return starts(l, "Sent from my ") || starts(l, "Enviado desde mi ");
}

/* Lines of TEXT (LF or CRLF ends; the CR is not part of a line), in A. */
static struct line *split_lines(struct arena *a, const char *text, size_t *n_out)
{
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	struct line *lines = arena_alloc(a, cap * sizeof(*lines));
	size_t n = 0;
	for (const char *p = text; lines && *p;) {
		size_t len = strcspn(p, "\n");
		lines[n++] = (struct line){p, len && p[len - 1] == '\r' ? len - 1 : len};
		p += len + (p[len] == '\n');
	}
	*n_out = n;
	return lines;
}

/* Lines FROM..TO of LINES joined with LF, without blank lines at either end, in A. */
static char *join_lines(struct arena *a, const struct line *lines, size_t from, size_t to)
{
	while (from < to && blank(lines[from]))
		from++;
	while (to > from && blank(lines[to - 1]))
		to--;
	struct mail_buf b = {0};
	mail_buf_add(&b, "", 0);
	for (size_t i = from; i < to; i++) {
		size_t n = lines[i].n;
		while (n && (lines[i].p[n - 1] == ' ' || lines[i].p[n - 1] == '\t'))
			n--;
		mail_buf_add(&b, lines[i].p, n);
		if (i + 1 < to)
			mail_buf_addc(&b, '\n');
	}
	char *out = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	mail_buf_done(&b);
	return out;
}

char *mail_inbound_strip_quotes(struct arena *a, const char *text)
{
	size_t n;
	struct line *lines = split_lines(a, text, &n);
	if (!lines)
		return NULL;
	size_t cut = n;
	for (size_t i = 0; i < n && cut == n; i++) {
		/* What a forwarded message carries is the point of it: no cut after it. */
		if (starts(lines[i], "---------- Forwarded message") ||
		    starts(lines[i], "---------- Mensaje reenviado") ||
		    starts(lines[i], "Begin forwarded message:") ||
		    starts(lines[i], "Inicio del mensaje reenviado:"))
			break;
		if (opens_quote(lines, n, i))
			cut = i;
	}
	/* Then the quoted lines that end what is left ('>' and blank lines). */
	while (cut > 0) {
		struct line l = lines[cut - 1];
		size_t k = 0;
		while (k < l.n && (l.p[k] == ' ' || l.p[k] == '\t'))
			k++;
		if (!blank(l) && l.p[k] != '>')
			break;
		cut--;
	}
	char *reply = join_lines(a, lines, 0, cut);
	if (reply && *reply == '\0')
		return join_lines(a, lines, 0, n);
	return reply;
}

/* ---- ids and tags ------------------------------------------------------- */

/* Reads decimal digits at *P (1 to 18, no leading zero) into *OUT and advances *P. */
static bool read_number(const char **p, int64_t *out)
{
	const char *s = *p;
	int64_t v = 0;
	size_t k = 0;
	if (*s == '0')
		return false;
	while (s[k] >= '0' && s[k] <= '9' && k < 18)
		v = v * 10 + (s[k++] - '0');
	if (k == 0 || (s[k] >= '0' && s[k] <= '9'))
		return false;
	*out = v;
	*p = s + k;
	return true;
}

int64_t mail_inbound_subject_ticket(const char *subject)
{
	for (const char *p = subject; (p = strstr(p, "[#")) != NULL; p++) {
		const char *q = p + 2;
		int64_t id;
		if (read_number(&q, &id) && *q == ']')
			return id;
	}
	return 0;
}

bool mail_inbound_our_id(const char *id, const char *host, int64_t *ticket_out,
			 bool *notification_out)
{
	const char *p = id;
	int64_t outbox = 0, ticket;
	bool notification = strncmp(p, "outbox-", 7) == 0;
	if (notification) {
		p += 7;
		if (!read_number(&p, &outbox) || strncmp(p, ".ticket-", 8) != 0)
			return false;
		p += 8;
	} else if (strncmp(p, "ticket-", 7) == 0) {
		p += 7;
	} else {
		return false;
	}
	if (!read_number(&p, &ticket) || *p != '@' || p[1] == '\0')
		return false;
	if (host && strcasecmp(p + 1, host) != 0)
		return false;
	*ticket_out = ticket;
	if (notification_out)
		*notification_out = notification;
	return true;
}

int64_t mail_inbound_thread(const struct mail_inbound *m, const char *our_host)
{
	int64_t ticket;
	for (size_t i = 0; i < m->n_refs; i++)
		if (mail_inbound_our_id(m->refs[i], our_host, &ticket, NULL))
			return ticket;
	return mail_inbound_subject_ticket(m->subject ? m->subject : "");
}
