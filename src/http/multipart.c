/*
 * The multipart/form-data parser; see multipart.h for the contract.
 *
 * The body is scanned once: a delimiter is "--boundary" at the start of a
 * line, then "--" for the last one, then optional spaces or tabs (RFC 2046
 * transport padding), then the line end. Anything else that starts with
 * "--boundary" is content. Every search resumes past the last match, so the
 * time is linear in the body whatever its bytes.
 */
#include "http/multipart.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 */

struct span {
	const char *p;
	size_t n;
};

static bool span_is(struct span s, const char *word)
{
	return s.n == strlen(word) && !strncasecmp(s.p, word, s.n);
}

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars; a space may not be last. */
static bool is_boundary(const char *s, size_t n)
{
	if (n < 1 || n > BOUNDARY_MAX || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr("'()+_,-./:=? ", c))))
			return false;
	}
	return true;
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static struct span take_token(const char **pp, const char *end)
{
	struct span t = {*pp, 0};
	while (*pp < end && is_tchar((unsigned char)**pp))
		(*pp)++;
	t.n = (size_t)(*pp - t.p);
	return t;
}

/*
 * One "; name=value" after a media or disposition type. Returns 1 with
 * NAME and VALUE (decoded, NUL-terminated, in A), 0 at the end, or a
 * negative code with *WHY saying what is wrong (the caller adds where).
 */
static int next_param(const char **pp, const char *end, struct arena *a, struct span *name,
		      char **value, const char **why)
{
	const char *p = skip_ows(*pp, end);
	if (p == end)
		return 0;
	if (*p != ';') {
		*why = "expected ';' between parameters";
		return -SB_EINVAL;
	}
	p = skip_ows(p + 1, end);
	if (p == end) {
		*pp = p;
		return 0; /* a trailing ';' is harmless */
	}
	*name = take_token(&p, end);
	if (name->n == 0) {
		*why = "a parameter has no name";
		return -SB_EINVAL;
	}
	p = skip_ows(p, end);
	if (p == end || *p != '=') {
		*why = "a parameter has no value";
		return -SB_EINVAL;
	}
	p = skip_ows(p + 1, end);
	if (p < end && *p == '"') {
		/* At most as long as the quoted text; escapes only shorten it. */
		char *out = arena_alloc(a, (size_t)(end - p));
		size_t n = 0;
		if (!out) {
			*why = "out of memory";
			return -SB_ENOMEM;
		}
		for (p++;; p++) {
			if (p == end) {
				*why = "a quoted value has no closing quote";
				return -SB_EINVAL;
			}
			if (*p == '"')
				break;
			/*
			 * Only \" and \\ are escapes: old browsers send Windows
			 * paths ("C:\dir\a.txt") without escaping the backslashes.
			 */
			if (*p == '\\' && end - p > 1 && (p[1] == '"' || p[1] == '\\'))
				p++;
			out[n++] = *p;
		}
		out[n] = '\0';
		*value = out;
		p++;
	} else {
		struct span v = take_token(&p, end);
		if (v.n == 0) {
			*why = "a parameter value is neither a token nor a quoted string";
			return -SB_EINVAL;
		}
		if (!(*value = arena_strndup(a, v.p, v.n))) {
			*why = "out of memory";
			return -SB_ENOMEM;
		}
	}
	*pp = p;
	return 1;
}

static int parse_content_type(const char *content_type, struct arena *a, char **boundary_out,
			      struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	const char *why, *p, *end;
	struct span type, subtype, name;
	char *value, *boundary = NULL;
	int rc;

	if (!content_type)
		return sb_error_set(err, SB_EINVAL, "the request has no Content-Type");
	p = content_type;
	end = p + strlen(p);
	p = skip_ows(p, end);
	type = take_token(&p, end);
	if (p == end || *p != '/' || !span_is(type, "multipart"))
		goto not_form_data;
	p++;
	subtype = take_token(&p, end);
	if (!span_is(subtype, "form-data"))
		goto not_form_data;
	while ((rc = next_param(&p, end, a, &name, &value, &why)) > 0) {
		if (!span_is(name, "boundary"))
			continue;
		if (boundary)
			return sb_error_set(err, SB_EINVAL,
					    "the Content-Type has more than one boundary");
		boundary = value;
	}
	if (rc < 0)
		return sb_error_set(err, -rc, "the Content-Type \"%s\" is malformed: %s",
				    sb_quote(q, content_type, SIZE_MAX), why);
	if (!boundary)
		return sb_error_set(err, SB_EINVAL, "the Content-Type has no boundary parameter");
	if (!is_boundary(boundary, strlen(boundary)))
		return sb_error_set(
			err, SB_EINVAL,
			"the boundary \"%s\" is not 1 to 70 letters, digits or '()+_,-./:=? ",
			sb_quote(q, boundary, SIZE_MAX));
	*boundary_out = boundary;
	return 0;

not_form_data:
	return sb_error_set(err, SB_EINVAL, "the Content-Type \"%s\" is not multipart/form-data",
			    sb_quote(q, content_type, SIZE_MAX));
}

struct scanner {
	const char *b;
	size_t len;
	char needle[BOUNDARY_MAX + 4]; /* "\n--boundary" */
	size_t nlen;                   /* its length */
};

/*
 * Is there a delimiter line at I (at its "--")? If so, *CLOSE says whether
 * it is the last one and *NEXT is where the following line starts.
 */
static bool delimiter_at(const struct scanner *s, size_t i, bool *close, size_t *next)
{
	size_t dlen = s->nlen - 1, j = i + dlen;
	bool last = false;
	if (s->len - i < dlen || memcmp(s->b + i, s->needle + 1, dlen))
		return false;
	if (s->len - j >= 2 && s->b[j] == '-' && s->b[j + 1] == '-') {
		last = true;
		j += 2;
	}
	while (j < s->len && (s->b[j] == ' ' || s->b[j] == '\t'))
		j++;
	if (j == s->len) {
		if (!last)
			return false; /* an opening delimiter must end its line */
	} else if (s->b[j] == '\n') {
		j++;
	} else if (s->b[j] == '\r' && s->len - j >= 2 && s->b[j + 1] == '\n') {
		j += 2;
	} else {
		return false;
	}
	*close = last;
	*next = j;
	return true;
}

/*
 * The first delimiter at or after FROM that follows a line end: returns the
 * index of that '\n', or SIZE_MAX when there is none.
 */
static size_t find_delimiter(const struct scanner *s, size_t from, bool *close, size_t *next)
{
	while (from < s->len) {
		const char *hit = memmem(s->b + from, s->len - from, s->needle, s->nlen);
		if (!hit)
			break;
		size_t i = (size_t)(hit - s->b);
		if (delimiter_at(s, i + 1, close, next))
			return i;
		from = i + 1;
	}
	return SIZE_MAX;
}

struct part_headers {
	bool has_disposition;
	char *name, *filename, *content_type;
};

static int parse_disposition(struct span value, struct arena *a, size_t part,
			     struct part_headers *h, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	const char *p = value.p, *end = value.p + value.n, *why;
	struct span name;
	char *v;
	int rc;

	struct span type = take_token(&p, end);
	if (!span_is(type, "form-data"))
		return sb_error_set(err, SB_EINVAL,
				    "part %zu: the Content-Disposition \"%s\" is not form-data",
				    part, sb_quote(q, value.p, value.n));
	while ((rc = next_param(&p, end, a, &name, &v, &why)) > 0) {
		char **slot = span_is(name, "name")       ? &h->name
			      : span_is(name, "filename") ? &h->filename
							  : NULL;
		if (!slot)
			continue; /* filename* among them: RFC 7578 says not to use it */
		if (*slot)
			return sb_error_set(
				err, SB_EINVAL,
				"part %zu: the Content-Disposition has two %s parameters", part,
				slot == &h->name ? "name" : "filename");
		*slot = v;
	}
	if (rc < 0)
		return sb_error_set(err, -rc, "part %zu: the Content-Disposition is malformed: %s",
				    part, why);
	if (!h->name)
		return sb_error_set(err, SB_EINVAL, "part %zu: the Content-Disposition has no name",
				    part);
	return 0;
}

/* Reads the header lines at *POS up to and past the blank line. */
static int parse_part_headers(const struct scanner *s, size_t *pos, struct arena *a, size_t part,
			      struct part_headers *h, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	size_t i = *pos;
	int rc;

	memset(h, 0, sizeof(*h));
	for (;;) {
		const char *line = s->b + i, *nl = memchr(line, '\n', s->len - i);
		if (!nl)
			return sb_error_set(err, SB_EINVAL,
					    "part %zu: the headers do not end with a blank line",
					    part);
		size_t n = (size_t)(nl - line);
		i += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		/* Checked on the line before as well: its value would be cut short. */
		if (line[0] == ' ' || line[0] == '\t' ||
		    (i < s->len && (s->b[i] == ' ' || s->b[i] == '\t')))
			return sb_error_set(err, SB_EINVAL,
					    "part %zu: folded header lines are not supported",
					    part);
		for (size_t k = 0; k < n; k++)
			if (((unsigned char)line[k] < 0x20 && line[k] != '\t') || line[k] == 0x7f)
				return sb_error_set(err, SB_EINVAL,
						    "part %zu: a header has a control character",
						    part);
		const char *colon = memchr(line, ':', n), *end = line + n;
		if (!colon)
			return sb_error_set(err, SB_EINVAL,
					    "part %zu: the header line \"%s\" has no colon", part,
					    sb_quote(q, line, n));
		struct span name = {line, (size_t)(colon - line)}, value;
		const char *p = line;
		if (take_token(&p, colon).n != name.n || name.n == 0)
			return sb_error_set(err, SB_EINVAL,
					    "part %zu: the header name \"%s\" is not valid", part,
					    sb_quote(q, name.p, name.n));
		value.p = skip_ows(colon + 1, end);
		while (end > value.p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		value.n = (size_t)(end - value.p);

		if (span_is(name, "Content-Disposition")) {
			if (h->has_disposition)
				return sb_error_set(err, SB_EINVAL,
						    "part %zu: two Content-Disposition headers",
						    part);
			h->has_disposition = true;
			if ((rc = parse_disposition(value, a, part, h, err)) < 0)
				return rc;
		} else if (span_is(name, "Content-Type")) {
			if (h->content_type)
				return sb_error_set(err, SB_EINVAL,
						    "part %zu: two Content-Type headers", part);
			if (value.n == 0)
				return sb_error_set(err, SB_EINVAL,
						    "part %zu: the Content-Type header is empty",
						    part);
			if (!(h->content_type = arena_strndup(a, value.p, value.n)))
				return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
	}
	if (!h->has_disposition)
		return sb_error_set(err, SB_EINVAL, "part %zu has no Content-Disposition header",
				    part);
	*pos = i;
	return 0;
}

int http_multipart_parse(const char *content_type, const char *body, size_t len, struct arena *a,
			 size_t max_parts, struct http_part **parts_out, size_t *n_out,
			 struct sb_error *err)
{
	struct scanner s = {.b = body, .len = len};
	struct http_part *parts = NULL;
	size_t n = 0, cap = 0, pos, at;
	char *boundary = NULL;
	bool close;
	int rc;

	*parts_out = NULL;
	*n_out = 0;
	if ((rc = parse_content_type(content_type, a, &boundary, err)) < 0)
		return rc;
	s.nlen = strlen(boundary) + 3;
	memcpy(s.needle, "\n--", 3);
	memcpy(s.needle + 3, boundary, s.nlen - 3);

	/* The first delimiter may open the body; anything before it is preamble. */
	if (!delimiter_at(&s, 0, &close, &pos) && find_delimiter(&s, 0, &close, &pos) == SIZE_MAX)
		return sb_error_set(err, SB_EINVAL, "the body has no boundary line \"--%s\"",
				    boundary); /* checked: at most 70 printable bytes */
	if (close)
		return sb_error_set(err, SB_EINVAL, "the body has no parts");

	while (!close) {
		struct part_headers h;
		if (n == max_parts)
			return sb_error_set(err, SB_EINVAL, "the body has more than %zu parts",
					    max_parts);
		if ((rc = parse_part_headers(&s, &pos, a, n + 1, &h, err)) < 0)
			return rc;
		/*
		 * Search from the blank line's own '\n', so that a delimiter
		 * straight after the headers reads as an empty part.
		 */
		size_t data = pos;
		at = find_delimiter(&s, data - 1, &close, &pos);
		if (at == SIZE_MAX)
			return sb_error_set(err, SB_EINVAL,
					    "part %zu: the body ends before the closing boundary",
					    n + 1);
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			struct http_part *grown = arena_alloc(a, cap * sizeof(*grown));
			if (!grown)
				return sb_error_set(err, SB_ENOMEM, "out of memory");
			if (n)
				memcpy(grown, parts, n * sizeof(*grown));
			parts = grown;
		}
		/* The line end before the delimiter belongs to the delimiter. */
		size_t end = at < data ? data : at;
		if (end > data && body[end - 1] == '\r')
			end--;
		parts[n].name = h.name;
		parts[n].filename = h.filename;
		parts[n].content_type = h.content_type ? h.content_type : "text/plain";
		parts[n].data = body + data;
		parts[n].len = end - data;
		n++;
	}
	*parts_out = parts;
	*n_out = n;
	return 0;
}
