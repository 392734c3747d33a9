/*
 * Reading an incoming mail with GMime 3 (inbound.h): the headers that
 * thread and classify it, the text, the attachments.
 *
 * GMime does the decoding: RFC 2047 words and RFC 2231 file names,
 * quoted-printable and base64, and charsets through iconv. What it hands
 * back is checked again here, since a message may lie about its charset:
 * text that is still not UTF-8 is read as ISO-8859-1 (every byte is a
 * character there), so the result is always valid UTF-8, and NUL bytes and
 * control characters never reach a subject or a name.
 */
#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "mail/buf.h"
#include "mail/inbound.h"
#include "util/utf8.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/*
 * S (N bytes) as valid UTF-8 in A: as it is when it is, else read as
 * ISO-8859-1. NUL bytes are dropped; with ONE_LINE, control characters
 * become spaces and the ends are trimmed; otherwise CR LF becomes LF and
 * other controls but tab go.
 */
static char *clean_text(struct arena *a, const char *s, size_t n, bool one_line)
{
	struct mail_buf b = {0};
	mail_buf_add(&b, "", 0);
	bool utf8 = utf8_valid(s, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			continue;
		if (c < 0x20 || c == 0x7f) {
			if (one_line)
				mail_buf_addc(&b, ' ');
			else if (c == '\n' || c == '\t')
				mail_buf_addc(&b, (char)c);
			continue;
		}
		if (c >= 0x80 && !utf8) {
			char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
			mail_buf_add(&b, u, 2);
			continue;
		}
		mail_buf_addc(&b, (char)c);
	}
	char *out = NULL;
	if (!b.failed) {
		const char *p = b.data;
		size_t len = b.len;
		if (one_line) {
			while (len && *p == ' ') {
				p++;
				len--;
			}
			while (len && p[len - 1] == ' ')
				len--;
		}
		out = arena_strndup(a, p, len);
	}
	mail_buf_done(&b);
	return out;
}

static char *clean_line(struct arena *a, const char *s)
{
	return clean_text(a, s ? s : "", s ? strlen(s) : 0, true);
}

/* A header's value with comments and parameters cut: "auto-replied; x=y" is "auto-replied". */
static bool header_token(GMimeObject *o, const char *name, char *buf, size_t size)
{
	const char *v = g_mime_object_get_header(o, name);
	if (!v)
		return false;
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strcspn(v, " \t;(\r\n");
	if (n >= size)
		n = size - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

/* Why M is automatic or bulk mail, or NULL. Static strings. */
static const char *auto_reason(GMimeMessage *msg, const char *from, const char *message_id,
			       const char *our_host)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	char v[64];
	if (header_token(o, "Auto-Submitted", v, sizeof(v)) && strcasecmp(v, "no") != 0)
		return "Auto-Submitted";
	if (header_token(o, "Precedence", v, sizeof(v)) &&
	    (strcasecmp(v, "bulk") == 0 || strcasecmp(v, "junk") == 0 ||
	     strcasecmp(v, "list") == 0))
		return "Precedence";
	if (g_mime_object_get_header(o, "List-Id") ||
	    g_mime_object_get_header(o, "List-Unsubscribe"))
		return "mailing list";
	if (g_mime_object_get_header(o, "X-Autoreply") ||
	    g_mime_object_get_header(o, "X-Autorespond") ||
	    g_mime_object_get_header(o, "X-Autoreply-From") ||
	    g_mime_object_get_header(o, "X-Failed-Recipients"))
		return "auto-reply header";
	if (header_token(o, "Return-Path", v, sizeof(v)) && strcmp(v, "<>") == 0)
		return "empty sender";
	if (!*from)
		return "empty sender";
	if (strncasecmp(from, "mailer-daemon@", 14) == 0)
		return "MAILER-DAEMON";
	int64_t ticket;
	if (message_id && mail_inbound_our_id(message_id, our_host, &ticket, NULL))
		return "our own Message-ID (a loop)";
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
	if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
		return "delivery report";
	return NULL;
}

/* The ids in header NAME, appended to REFS, newest first. */
static void add_refs(struct mail_inbound *m, struct arena *a, GMimeObject *o, const char *name)
{
	const char *v = g_mime_object_get_header(o, name);
	if (!v)
		return;
	GMimeReferences *refs = g_mime_references_parse(NULL, v);
	if (!refs)
		return;
	int n = g_mime_references_length(refs);
	for (int i = n - 1; i >= 0 && m->n_refs < MAIL_INBOUND_REFS_MAX; i--) {
		const char *id = g_mime_references_get_message_id(refs, i);
		char *c = id ? clean_line(a, id) : NULL;
		if (c && *c)
			m->refs[m->n_refs++] = c;
	}
	g_mime_references_free(refs);
}

/* The decoded bytes of PART in A (NUL after them); NULL when out of memory. */
static char *part_bytes(GMimeObject *obj, struct arena *a, size_t *len_out)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		if (w)
			g_mime_data_wrapper_write_to_stream(w, mem);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	}
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	size_t len = bytes ? bytes->len : 0;
	char *out = arena_alloc(a, len + 1);
	if (out) {
		if (len)
			memcpy(out, bytes->data, len);
		out[len] = '\0';
	}
	g_object_unref(mem);
	*len_out = len;
	return out;
}

/* "type/subtype" of OBJ, lower case, in A. */
static const char *mime_type(GMimeObject *obj, struct arena *a)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *out = clean_line(a, t ? t : "application/octet-stream");
	g_free(t);
	for (char *p = out; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* The last path component of NAME, cleaned; "attachment" when nothing fit is left. */
static const char *file_name(struct arena *a, const char *name, const char *fallback)
{
	char *c = clean_line(a, name ? name : "");
	if (!c)
		return NULL;
	const char *base = c;
	for (const char *p = c; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fallback;
	if (strlen(base) > 200) {
		size_t n = 200;
		while (n && ((unsigned char)base[n] & 0xc0) == 0x80)
			n--;
		return arena_strndup(a, base, n);
	}
	return base;
}

struct walk {
	struct mail_inbound *m;
	struct arena *a;
	const char *plain, *html; /* the body candidates, cleaned */
	int plain_parts;          /* pieces joined into PLAIN (a few, never quadratic) */
	bool failed;
};

static void add_file(struct walk *w, GMimeObject *obj, const char *name, const char *type)
{
	w->m->n_files_seen++;
	if (w->m->n_files >= MAIL_INBOUND_FILES_MAX)
		return;
	struct mail_inbound_file *f = &w->m->files[w->m->n_files];
	f->content_type = type;
	f->filename = file_name(w->a, name, "attachment");
	f->data = part_bytes(obj, w->a, &f->len);
	if (!f->filename || !f->data) {
		w->failed = true;
		return;
	}
	w->m->n_files++;
}

static void walk(struct walk *w, GMimeObject *obj, int depth)
{
	if (!obj || w->failed || depth > MAIL_INBOUND_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
		return;
	}
	const char *type = mime_type(obj, w->a);
	if (!type) {
		w->failed = true;
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		add_file(w, obj, "forwarded.eml", "message/rfc822");
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	GMimePart *part = GMIME_PART(obj);
	/* Signatures of signed mail are not the customer's files. */
	if (strcmp(type, "application/pgp-signature") == 0 ||
	    strcmp(type, "application/pkcs7-signature") == 0 ||
	    strcmp(type, "application/x-pkcs7-signature") == 0)
		return;
	const char *filename = g_mime_part_get_filename(part);
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);
	bool attachment = filename || (disp && g_mime_content_disposition_is_attachment(disp));
	bool plain = strcmp(type, "text/plain") == 0, html = strcmp(type, "text/html") == 0;
	/* The body: the first text/plain, and the inline ones after it (Apple
	 * Mail splits the text around an inline picture); the first text/html. */
	if (!attachment && (plain || html) && GMIME_IS_TEXT_PART(obj) &&
	    (plain ? w->plain_parts < 8 : !w->html)) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
		char *c = clean_text(w->a, t ? t : "", t ? strlen(t) : 0, false);
		g_free(t);
		if (c && plain && w->plain)
			c = arena_printf(w->a, "%s\n%s", w->plain, c);
		if (!c) {
			w->failed = true;
		} else if (plain) {
			w->plain = c;
			w->plain_parts++;
		} else {
			w->html = c;
		}
		return;
	}
	if (!attachment && (plain || html))
		return; /* another HTML body (a twin, or a piece): not a file */
	add_file(w, obj, filename, type);
}

int mail_inbound_parse(const char *data, size_t len, const char *our_host, struct arena *a,
		       struct mail_inbound *out, struct sb_error *err)
{
	pthread_once(&gmime_once, gmime_start);
	memset(out, 0, sizeof(*out));
	/* GMime builds the whole tree before we see it, some kilobytes a part:
	 * count what could be boundaries first, so that a message of tiny parts
	 * cannot make it take gigabytes. */
	size_t dashes = 0;
	for (size_t i = 0; i + 1 < len; i++)
		if ((i == 0 || data[i - 1] == '\n') && data[i] == '-' && data[i + 1] == '-' &&
		    ++dashes > MAIL_INBOUND_PARTS_MAX)
			return sb_error_set(err, SB_EINVAL,
					    "more than %d MIME boundaries: too many parts",
					    MAIL_INBOUND_PARTS_MAX);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (!msg)
		return sb_error_set(err, SB_EINVAL, "not a mail message: no header could be read");
	int rc = 0;
	GMimeObject *o = GMIME_OBJECT(msg);
	if (!g_mime_object_get_header(o, "From")) {
		rc = sb_error_set(err, SB_EINVAL, "not a mail message: it has no From header");
		goto cleanup;
	}

	out->from = "";
	out->from_name = "";
	InternetAddressList *from = g_mime_message_get_from(msg);
	for (int i = 0; from && i < internet_address_list_length(from); i++) {
		InternetAddress *ia = internet_address_list_get_address(from, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		char *c = clean_line(a, addr ? addr : "");
		char *name = clean_line(a, internet_address_get_name(ia));
		if (!c || !name)
			goto nomem;
		for (char *p = c; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		out->from = c;
		out->from_name = name;
		break;
	}
	const char *mid = g_mime_message_get_message_id(msg);
	if (mid && *mid && !(out->message_id = clean_line(a, mid)))
		goto nomem;
	if (out->message_id && !*out->message_id)
		out->message_id = NULL;
	out->refs = arena_alloc(a, MAIL_INBOUND_REFS_MAX * sizeof(*out->refs));
	if (!out->refs)
		goto nomem;
	add_refs(out, a, o, "In-Reply-To");
	add_refs(out, a, o, "References");
	if (!(out->subject = clean_line(a, g_mime_message_get_subject(msg))))
		goto nomem;
	out->auto_reason = auto_reason(msg, out->from, out->message_id, our_host);

	out->files = arena_zalloc(a, MAIL_INBOUND_FILES_MAX * sizeof(*out->files));
	if (!out->files)
		goto nomem;
	struct walk w = {.m = out, .a = a};
	walk(&w, g_mime_message_get_mime_part(msg), 0);
	if (w.failed)
		goto nomem;
	out->text = w.plain && *w.plain ? w.plain
		    : w.html            ? mail_inbound_html_text(a, w.html)
					: (w.plain ? w.plain : "");
	if (!out->text || !(out->reply = mail_inbound_strip_quotes(a, out->text)))
		goto nomem;
	goto cleanup;
nomem:
	rc = sb_error_set(err, SB_ENOMEM, "out of memory");
cleanup:
	g_object_unref(msg);
	return rc;
}
