/*
 * Tickets: their statuses, the fields a new request carries, and the rules
 * that decide whether a request can be filed (PRODUCT.md, "What a request
 * must carry" and "Standard and emergency").
 *
 * Validation collects every problem at once, each as the API key of the
 * field at fault ("steps", "object_ids[2].type", "emergency_phone") and a
 * one-line message, so that the API answers 422 with the whole list and the
 * portal marks every field in one pass. The rules:
 *
 *   - the request type's required fields are present and not blank (a
 *     required screenshot means at least one attachment), and an object id
 *     of its required object type is among the object ids;
 *   - priority is "standard" or "emergency" (absent: standard); account
 *     requests, which carry no support SLA, cannot be emergencies;
 *   - an emergency names one or both criteria, production_down and
 *     financial_loss, once each, and an emergency phone: an optional leading
 *     '+', then digits, spaces, '-', '.', '(' and ')' (parentheses paired,
 *     not nested), 7 to 15 digits; a standard request carries neither;
 *   - object ids: at most 50, each a type of the fixed vocabulary
 *     (request_object_type_valid()) and an id of 1 to 64 characters from
 *     [A-Za-z0-9._:-];
 *   - urls: at most 20, each an absolute http or https URL with a host, up
 *     to 2048 bytes, without spaces or control characters;
 *   - every string is valid UTF-8 (util/utf8.h) within its limit in
 *     characters; the one-line fields (subject, browser, os) hold no control
 *     characters, since they end up in mail headers and lists.
 *
 * Priorities are enum sla_priority (core/sla.h). Strings are C strings; the
 * layer that decodes outside input refuses embedded NUL bytes.
 */
#ifndef SB_CORE_TICKET_H
#define SB_CORE_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/request_types.h"
#include "core/sla.h"
#include "util/arena.h"
#include "util/error.h"

enum ticket_status {
	TICKET_STATUS_NEW,
	TICKET_STATUS_OPEN,
	TICKET_STATUS_AWAITING_CUSTOMER,
	TICKET_STATUS_PENDING_ENGINEERING,
	TICKET_STATUS_RESOLVED,
	TICKET_STATUS_CLOSED,
};
#define TICKET_STATUS_COUNT 6

/* Limits, in characters (code points) unless said otherwise. */
#define TICKET_SUBJECT_MAX      200
#define TICKET_TEXT_MAX         20000 /* description, impact, steps, justification */
#define TICKET_SHORT_MAX        200   /* browser, os */
#define TICKET_OBJECT_IDS_MAX   50
#define TICKET_OBJECT_ID_MAX    64
#define TICKET_URLS_MAX         20
#define TICKET_URL_MAX          2048 /* bytes */
#define TICKET_PHONE_MAX        40   /* bytes, separators included */
#define TICKET_PHONE_MIN_DIGITS 7
#define TICKET_PHONE_MAX_DIGITS 15 /* E.164 */
#define TICKET_REASON_MAX       2000

/* The emergency criteria of the seed. */
#define TICKET_CRITERION_PRODUCTION_DOWN "production_down"
#define TICKET_CRITERION_FINANCIAL_LOSS  "financial_loss"

struct ticket_object_id {
	const char *type; /* "creative", "member"... */
	const char *id;
};

/* The fields of a new request. NULL (or a count of 0) means absent. */
struct ticket_input {
	const char *request_type; /* key */
	const char *subject;
	const char *description;
	const char *impact;
	const char *priority; /* as given: "standard", "emergency" */
	const struct ticket_object_id *object_ids;
	size_t n_object_ids;
	const char *steps;
	const char *const *urls;
	size_t n_urls;
	const char *browser;
	const char *os;
	const char *business_justification;
	const char *const *emergency_criteria;
	size_t n_emergency_criteria;
	const char *emergency_phone;
	size_t attachment_count;
};

struct ticket_field_error {
	const char *field;   /* API key, e.g. "object_ids[0].type" */
	const char *message; /* one line */
};

struct ticket_completeness {
	int percent; /* present share of recommended + required fields, 0..100 */
	/* API keys of the recommended fields that are absent, in field order. */
	const char *missing[REQUEST_FIELD_COUNT];
	size_t n_missing;
};

/* The status's name: "new", "open", "awaiting_customer"... */
const char *ticket_status_name(enum ticket_status status);

/* STATUS from its name; -SB_EINVAL (message names it) otherwise. */
int ticket_status_parse(const char *s, enum ticket_status *out, struct sb_error *err);

/*
 * Checks IN against the rules above and TYPE, the request type the caller
 * found for in->request_type (NULL when none was found, which is itself a
 * problem reported on "request_type"). Returns 0 when IN can be filed,
 * -SB_EINVAL when not, with every problem in *errors_out (*n_out of them),
 * or -SB_ENOMEM. The errors and their strings are allocated from A. OUT, if
 * not NULL, receives the completeness of IN, valid or not.
 */
int ticket_validate(const struct request_type *type, const struct ticket_input *in, struct arena *a,
		    struct ticket_field_error **errors_out, size_t *n_out,
		    struct ticket_completeness *out);

/* Whether S is a plausible phone number (rules above). */
bool ticket_phone_valid(const char *s);

/* Whether S is an absolute http or https URL (rules above). */
bool ticket_url_valid(const char *s);

/*
 * Changes a ticket's priority FROM to TO at NOW, its first-response target
 * being CURRENT_DUE. Before the first response (RESPONDED false) the target
 * is recomputed on CAL from NOW, and on an upgrade it is never later than
 * CURRENT_DUE; after it, the target stays. A downgrade (emergency to
 * standard) needs a non-blank REASON, which the customer sees (-SB_EINVAL);
 * REASON, when given, must be valid UTF-8 of at most TICKET_REASON_MAX
 * characters. The same priority is -SB_ECONFLICT. Errors of sla_due() pass
 * through.
 */
int ticket_priority_change(struct calendar *cal, enum sla_priority from, enum sla_priority to,
			   int64_t now, int64_t current_due, bool responded, const char *reason,
			   int64_t *new_due_out, struct sb_error *err);

#endif
