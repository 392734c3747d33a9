/*
 * Request types: the catalog behind the support form (PRODUCT.md, "Request
 * types and routing" and "What a request must carry").
 *
 * A request type is either routed to a team (the eleven types of the seed's
 * table, each with one team) or an account request, which goes to the
 * organization's account representative and carries no support SLA (seven
 * types). Each type declares, for every field a request can carry, whether
 * it is required (a request without it is refused), recommended (counted in
 * the completeness score and shown as missing) or optional, and may require
 * an object id of one type ("creative" for creative audits).
 *
 * Types are data that admins edit; this module holds the default catalog as
 * constant data and the compact text form in which rules are stored:
 *
 *   RULES := ITEM ( "," ITEM )*
 *   ITEM  := FIELD "=" LEVEL          e.g. "subject=required,steps=recommended"
 *
 * FIELD is a field's API key, LEVEL one of optional, recommended, required.
 * Spaces around items, commas and '=' are allowed. A field not named is
 * optional; a field named twice, an unknown field or level, or an empty item
 * is an error. Every ticket has a subject and a description, so rules that do
 * not make both required are refused. Formatting writes the non-optional
 * fields in the order of enum request_field, so parse(format(r)) == r.
 */
#ifndef SB_CORE_REQUEST_TYPES_H
#define SB_CORE_REQUEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* What a request can carry; request_type_field_name() gives the API key. */
enum request_field {
	REQUEST_FIELD_SUBJECT,
	REQUEST_FIELD_DESCRIPTION,
	REQUEST_FIELD_IMPACT,
	REQUEST_FIELD_OBJECT_IDS,
	REQUEST_FIELD_STEPS,
	REQUEST_FIELD_URLS,
	REQUEST_FIELD_BROWSER,
	REQUEST_FIELD_OS,
	REQUEST_FIELD_SCREENSHOT, /* API key "attachments": at least one file */
	REQUEST_FIELD_BUSINESS_JUSTIFICATION,
};
#define REQUEST_FIELD_COUNT 10

enum request_level {
	REQUEST_LEVEL_OPTIONAL,
	REQUEST_LEVEL_RECOMMENDED,
	REQUEST_LEVEL_REQUIRED,
};

enum request_kind {
	REQUEST_KIND_ROUTED,  /* to a team, with first-response targets */
	REQUEST_KIND_ACCOUNT, /* to the account representative, no support SLA */
};

/* Longest rules text accepted by request_rules_parse(), in bytes. */
#define REQUEST_RULES_MAX 1024
/* Room for any request_rules_format() output, with its NUL. */
#define REQUEST_RULES_TEXT_SIZE 512

struct request_type {
	const char *key; /* stable identifier, e.g. "app-bug" */
	enum request_kind kind;
	const char *team; /* a team key (core/teams.h); NULL for account types */
	const char *name_en, *name_es;
	const char *example_en, *example_es; /* the seed's example; "" when none */
	const char *hint_en, *hint_es;       /* what to include, one sentence */
	enum request_level rules[REQUEST_FIELD_COUNT];
	/* Some object id must have this type (ticket.h's vocabulary); or NULL. */
	const char *required_object_type;
};

/* The default catalog: 11 routed then 7 account types. Static data. */
const struct request_type *request_types_default(size_t *n);

/* The type with KEY among the N types at ALL, or NULL. */
const struct request_type *request_type_find(const struct request_type *all, size_t n,
					     const char *key);

/* The API key of FIELD ("subject", "object_ids", "attachments"...). */
const char *request_type_field_name(enum request_field field);

/* FIELD from its API key; -SB_EINVAL (message names it) when unknown. */
int request_type_field_parse(const char *name, enum request_field *out, struct sb_error *err);

/* "optional", "recommended" or "required". */
const char *request_level_name(enum request_level level);

/* LEVEL from its name; -SB_EINVAL (message names it) when unknown. */
int request_level_parse(const char *name, enum request_level *out, struct sb_error *err);

/*
 * Parses the rules text TEXT (grammar above) into RULES_OUT, which is only
 * written on success. -SB_EINVAL with a message naming the bad item, field
 * or level.
 */
int request_rules_parse(const char *text, enum request_level rules_out[REQUEST_FIELD_COUNT],
			struct sb_error *err);

/* Writes the text form of RULES into BUF; returns BUF. */
const char *request_rules_format(const enum request_level rules[REQUEST_FIELD_COUNT],
				 char buf[REQUEST_RULES_TEXT_SIZE]);

/*
 * The object types an object id may have: creative, member, bidder,
 * placement, line_item, insertion_order, advertiser, publisher, site,
 * segment, deal, campaign, report (lowercase, exact).
 */
bool request_object_type_valid(const char *type);

/* The object types, comma-separated, for messages. Static. */
const char *request_object_types_list(void);

#endif
