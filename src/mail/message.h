/*
 * Building an outgoing mail: RFC 5322 headers and a MIME
 * multipart/alternative body (text/plain and text/html, UTF-8,
 * quoted-printable), with CRLF line ends throughout.
 *
 * Rules it keeps, whatever the input:
 * - no value can start a header line: CR, LF and other control characters
 *   in names and subjects become spaces before anything else is done;
 * - a header that is not plain printable ASCII is written as RFC 2047
 *   encoded-words (UTF-8, base64), split between characters, never inside
 *   one, and folded so that no line passes 78 characters (but one that
 *   holds a long address, which cannot be cut);
 * - every body line stays under 78 characters and no body line is a lone
 *   "." (quoted-printable encodes a leading dot), so the bytes go through
 *   SMTP unchanged;
 * - addresses are checked, not escaped: one that is not a plain
 *   local@domain is refused.
 *
 * Pure: no I/O, no clock, no randomness, so the same input always gives
 * the same bytes (tests and duplicates compare equal).
 */
#ifndef SB_MAIL_MESSAGE_H
#define SB_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

/* The longest address accepted (RFC 5321's limit on a path). */
#define MAIL_ADDRESS_MAX 254

struct mail_address {
	const char *name; /* display name, UTF-8; NULL or "" for none */
	const char *addr; /* local@domain, ASCII */
};

struct mail_message {
	struct mail_address from, to;
	const char *subject;    /* UTF-8 */
	int64_t date;           /* Unix seconds; written in UTC */
	const char *message_id; /* without the angle brackets: "outbox-7.ticket-3@host" */
	const char *thread_id;  /* In-Reply-To and References (no brackets); NULL: none */
	const char *text;       /* the text/plain part, UTF-8, lines ending in LF or CRLF */
	const char *html;       /* the text/html part, a whole document, UTF-8 */
};

/*
 * Whether ADDR is an address this builder writes: 3..MAIL_ADDRESS_MAX
 * bytes of printable ASCII without spaces, quotes, angle brackets, commas
 * or the like, one '@' with text on both sides.
 */
bool mail_address_valid(const char *addr);

/*
 * Parses "Name <addr>" or a bare "addr" (as a From setting is written)
 * into *out, with strings in A. -SB_EINVAL when the address is not valid.
 */
int mail_address_parse(const char *s, struct arena *a, struct mail_address *out,
		       struct sb_error *err);

/*
 * The whole message M as bytes, NUL-terminated, in A (*len_out without the
 * NUL). -SB_EINVAL when an address or a message id is not valid.
 */
int mail_message_build(const struct mail_message *m, struct arena *a, char **out, size_t *len_out,
		       struct sb_error *err);

/* TEXT with &, <, >, " and ' escaped for HTML, in A. */
char *mail_html_escape(struct arena *a, const char *text);

#endif
