/*
 * Reading an incoming mail (the mailgate's parser): one RFC 5322 message,
 * as an MTA pipes it, parsed by GMime 3, reduced to what a ticket needs.
 *
 * What it gives:
 * - the sender's address (From, lower-cased) and name, the Message-ID, the
 *   ids the message answers (In-Reply-To, then References, newest first)
 *   and the subject, decoded (RFC 2047, any charset GMime knows) to UTF-8;
 * - whether a robot sent it (mail_inbound.auto_reason): Auto-Submitted
 *   other than "no" (RFC 3834), Precedence bulk, junk or list, List-Id or
 *   List-Unsubscribe (a mailing list), X-Autoreply or X-Autorespond, a
 *   delivery report, an empty or MAILER-DAEMON sender, or a Message-ID of
 *   our own (<outbox-N.ticket-T@host>: our notification came back, a loop);
 * - the text: the first text/plain part that is not an attachment, else
 *   the first text/html one turned into text, decoded (quoted-printable,
 *   base64) and converted to UTF-8, line ends LF; and the same text with
 *   the quoted history of a reply taken away (mail_inbound_strip_quotes());
 * - the attachments: every other leaf part, decoded, with its file name
 *   and content type (a forwarded message/rfc822 part is one .eml file).
 *
 * Limits: a message with more than MAIL_INBOUND_PARTS_MAX lines that start
 * with "--" (each boundary is one) is refused before GMime builds its tree;
 * at most MAIL_INBOUND_DEPTH nested multiparts are walked, at most
 * MAIL_INBOUND_FILES_MAX attachments are kept (the count is in n_files_seen
 * so the caller can refuse), and every string is valid UTF-8 without NUL.
 *
 * Memory: everything the functions return lives in the caller's arena;
 * GMime's objects are freed before they return. Thread-safe after the
 * first call (GMime is initialised once).
 */
#ifndef SB_MAIL_INBOUND_H
#define SB_MAIL_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

#define MAIL_INBOUND_DEPTH     16
#define MAIL_INBOUND_FILES_MAX 32
#define MAIL_INBOUND_REFS_MAX  64
#define MAIL_INBOUND_PARTS_MAX 5000 /* lines starting with "--": boundaries, at most */

struct mail_inbound_file {
	const char *filename;     /* UTF-8, no path; "attachment" when the part has none */
	const char *content_type; /* "type/subtype", lower case */
	const char *data;         /* the decoded bytes (NUL after them, not counted) */
	size_t len;
};

struct mail_inbound {
	const char *from;       /* the sender's address, lower case; "" when none */
	const char *from_name;  /* "" when none */
	const char *message_id; /* without angle brackets; NULL when none */
	const char **refs;      /* answered ids, without brackets, newest first */
	size_t n_refs;
	const char *subject;     /* "" when none */
	const char *auto_reason; /* why this is automatic or bulk mail; NULL: a person wrote it */
	const char *text;        /* the whole text, UTF-8, LF line ends; "" when none */
	const char *reply;       /* TEXT without quoted history and signature */
	struct mail_inbound_file *files;
	size_t n_files;      /* kept, at most MAIL_INBOUND_FILES_MAX */
	size_t n_files_seen; /* in the message */
};

/*
 * Parses the LEN bytes at DATA into *OUT (strings in A). OUR_HOST is the
 * domain of our own Message-IDs (NULL: any host), for the loop check.
 * -SB_EINVAL when the bytes are not a mail message (no header, or no From
 * header at all) or have too many parts, -SB_ENOMEM.
 */
int mail_inbound_parse(const char *data, size_t len, const char *our_host, struct arena *a,
		       struct mail_inbound *out, struct sb_error *err);

/*
 * TEXT (UTF-8, LF or CRLF line ends) without the quoted history of a reply
 * and the signature, trimmed, in A: everything from the first line that
 * opens a quote ("On ... wrote:", "El ... escribió:", "-----Original
 * Message-----", an Outlook "From:/De: ... Sent:/Enviado:/Date:/Fecha:"
 * block, a "________" rule before one) or a signature ("-- "), and the
 * '>' lines that end it. When nothing is left (a reply written between the
 * quoted lines) TEXT is returned whole, trimmed: nothing sent is lost.
 */
char *mail_inbound_strip_quotes(struct arena *a, const char *text);

/*
 * The text of HTML document HTML, in A: tags dropped (with the content of
 * head, script, style and title), breaks at br, p, div, li, tr and
 * headings, blockquote content prefixed "> " (so that it strips as a quote),
 * entities decoded, runs of blank lines collapsed.
 */
char *mail_inbound_html_text(struct arena *a, const char *html);

/* The ticket number of the first "[#N]" tag in SUBJECT, or 0. */
int64_t mail_inbound_subject_ticket(const char *subject);

/*
 * Whether ID (no brackets) is one of ours, "ticket-T@HOST" (a thread) or
 * "outbox-N.ticket-T@HOST" (a notification); *ticket_out is T. HOST NULL
 * accepts any host; the host compares without case.
 */
bool mail_inbound_our_id(const char *id, const char *host, int64_t *ticket_out,
			 bool *notification_out);

/*
 * The ticket the message answers: the first of its references that is one
 * of ours, else the subject's tag; 0 when none.
 */
int64_t mail_inbound_thread(const struct mail_inbound *m, const char *our_host);

#endif
