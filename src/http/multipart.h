/*
 * multipart/form-data (RFC 7578, on RFC 2046's multipart syntax): the body
 * of a form with file uploads, split into its parts.
 *
 * Rules it keeps: the whole body is in memory already (the transport read
 * it within the route's limit), so parsing is one pass over it that copies
 * nothing but the short header values; the number of parts has a limit the
 * caller chooses; anything malformed is refused whole, with a one-line
 * message that says what and in which part, never a partial result. It
 * reads CRLF line ends and bare LF alike, skips the preamble and the
 * epilogue, and requires the closing boundary (a body cut short is an
 * error, not a shorter form).
 */
#ifndef SB_HTTP_MULTIPART_H
#define SB_HTTP_MULTIPART_H

#include <stddef.h>

#include "util/arena.h"
#include "util/error.h"

struct http_part {
	const char *name;         /* form field name (from Content-Disposition) */
	const char *filename;     /* NULL for a plain field; "" when a file input was left empty */
	const char *content_type; /* "text/plain" when the part has none */
	const char *data;         /* the part's bytes (not NUL-terminated necessarily) */
	size_t len;
};

/*
 * Parses BODY (LEN bytes) of a request whose Content-Type header is
 * CONTENT_TYPE (must be multipart/form-data with a boundary). At most
 * MAX_PARTS parts (more is -SB_EINVAL). Malformed input is -SB_EINVAL with
 * a message saying what is wrong.
 *
 * On success *PARTS_OUT is an array of *N_OUT parts (at least one) in
 * arena A, as are their name, filename and content_type strings; each
 * part's data points into BODY, which must outlive the parts. On failure
 * *PARTS_OUT is NULL and *N_OUT 0. Out of memory in A is -SB_ENOMEM.
 *
 * Names and filenames are given as sent, quoted-string escapes (\" and \\)
 * undone; a backslash before anything else stays (old browsers send Windows
 * paths unescaped). The filename* parameter is ignored, as RFC 7578 asks.
 * Nothing here checks that text is UTF-8 or that a filename is safe to use
 * as a path: that is the caller's.
 */
int http_multipart_parse(const char *content_type, const char *body, size_t len, struct arena *a,
			 size_t max_parts, struct http_part **parts_out, size_t *n_out,
			 struct sb_error *err);

#endif
