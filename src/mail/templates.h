/*
 * The notifications' words: one template per outbox event and language
 * (English and Spanish, the recipient's), rendered to a subject, a plain
 * text body and an HTML body.
 *
 * A template is data (templates.c): a subject and a body with {name}
 * placeholders for the fields of struct mail_vars. The body is paragraphs
 * separated by blank lines; a paragraph that uses a field that is NULL or
 * empty is left out whole, which is how optional sentences are written,
 * and one with {!name} is left out when that field is set (it writes
 * nothing), which is how "otherwise" is written. A paragraph that is
 * exactly "{text}" is the quoted text of a reply and is set apart in HTML.
 * In HTML every value is escaped; nothing a user typed becomes markup, and
 * {link} (a URL the server made, never user input) becomes a link.
 */
#ifndef SB_MAIL_TEMPLATES_H
#define SB_MAIL_TEMPLATES_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/tz.h"

/* The values a template may use; NULL or "" when not known. */
struct mail_vars {
	int64_t id;            /* {id}: the ticket's number */
	const char *subject;   /* {subject}: the ticket's subject */
	const char *name;      /* {name}: the recipient's name */
	const char *author;    /* {author}: who wrote the comment */
	const char *requester; /* {requester}: who filed the ticket */
	const char *org;       /* {org}: the customer's organization */
	const char *type;      /* {type}: the request type's name */
	const char *priority;  /* {priority}: mail_priority_name() */
	const char *due;       /* {due}: mail_format_time() of the due time */
	const char *criteria;  /* {criteria}: mail_criteria_names() */
	const char *phone;     /* {phone}: the emergency phone */
	const char *key;       /* {key}: the engineering issue that was fixed */
	const char *text;      /* {text}: a comment, a reason */
	const char *link;      /* {link}: the ticket in the portal or the workspace */
	const char *missing;   /* {missing}: mail_missing_names() of what a request lacks */
	const char *team;      /* {team}: the team's name */
	const char *assignee;  /* {assignee}: who the ticket is assigned to */
	const char *minutes;   /* {minutes}: the emergency update period */
	const char *on_call;   /* {on_call}: set when the recipient is on call */
};

struct mail_rendered {
	char *subject; /* one line, unencoded UTF-8 */
	char *text;    /* the plain text body, LF line ends */
	char *html;    /* a whole HTML document */
};

/* The language a mail is written in: "es" for Spanish, English otherwise. */
const char *mail_language(const char *user_language);

/* Whether EVENT (an outbox event name) has a template. */
bool mail_template_exists(const char *event);

/*
 * Renders EVENT's template in LANG (mail_language()) with V, into A.
 * -SB_ENOTFOUND when EVENT has no template.
 */
int mail_render(const char *event, const char *lang, const struct mail_vars *v, struct arena *a,
		struct mail_rendered *out, struct sb_error *err);

/*
 * Instant T as people in ZONE read it, in LANG, in A:
 * "Tuesday, March 4, 2025 at 17:00 (America/New_York)",
 * "martes 4 de marzo de 2025 a las 17:00 (America/New_York)".
 */
char *mail_format_time(const char *lang, int64_t t, const struct tz_zone *zone, struct arena *a);

/* "standard"/"emergency" in LANG; other values as they are. */
const char *mail_priority_name(const char *lang, const char *priority);

/* Comma-separated emergency criteria keys as words in LANG, in A. */
char *mail_criteria_names(const char *lang, const char *keys, struct arena *a);

/*
 * Comma-separated request field keys (ticket completeness: "steps,os,
 * attachments") as words in LANG, in A: "steps to reproduce, operating
 * system, a screenshot". Unknown keys as they are.
 */
char *mail_missing_names(const char *lang, const char *keys, struct arena *a);

/*
 * The address of ticket ID for a reader: PUBLIC_URL (no trailing slash
 * needed) + "/portal/tickets/ID" for a customer, "/agent/tickets/ID" for
 * staff; "/portal" for a customer when ID is 0. In A.
 */
char *mail_ticket_link(const char *public_url, bool staff, int64_t id, struct arena *a);

/* The events that have templates, for tests: a NULL-terminated list. */
extern const char *const mail_template_events[];

#endif
