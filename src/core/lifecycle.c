/*
 * The lifecycle table of PRODUCT.md as data: one row per transition with the
 * actors allowed to make it. The two time rules (the customer's 7-day window
 * to reopen, the system's closing after it) share one boundary, so that at
 * every instant exactly one of them applies.
 */
#include "lifecycle.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#define CUSTOMER (1u << LIFECYCLE_ACTOR_CUSTOMER)
#define AGENT    (1u << LIFECYCLE_ACTOR_AGENT)
#define SYSTEM   (1u << LIFECYCLE_ACTOR_SYSTEM)

#define S(x) TICKET_STATUS_##x

static const struct transition {
	enum ticket_status from, to;
	unsigned actors;
} table[] = {
	{S(NEW), S(OPEN), 0}, /* only through the first public agent reply */
	{S(NEW), S(RESOLVED), AGENT},
	{S(OPEN), S(AWAITING_CUSTOMER), AGENT},
	{S(OPEN), S(PENDING_ENGINEERING), AGENT},
	{S(OPEN), S(RESOLVED), AGENT},
	{S(AWAITING_CUSTOMER), S(OPEN), CUSTOMER | AGENT},
	{S(AWAITING_CUSTOMER), S(RESOLVED), AGENT},
	{S(PENDING_ENGINEERING), S(OPEN), AGENT},
	{S(PENDING_ENGINEERING), S(RESOLVED), AGENT | SYSTEM},
	{S(RESOLVED), S(OPEN), CUSTOMER | AGENT}, /* the customer within the window */
	{S(RESOLVED), S(CLOSED), AGENT | SYSTEM}, /* the system after it */
};

#define FOLLOW_UP "a closed ticket is final; a new message opens a follow-up ticket"

static const char *const actor_names[] = {"customer", "agent", "system"};
static const char *const comment_names[] = {"reply", "note", "question"};

const char *lifecycle_actor_name(enum lifecycle_actor actor)
{
	return (unsigned)actor < 3 ? actor_names[actor] : "?";
}

const char *lifecycle_comment_name(enum lifecycle_comment kind)
{
	return (unsigned)kind < 3 ? comment_names[kind] : "?";
}

int lifecycle_comment_parse(const char *s, enum lifecycle_comment *out, struct sb_error *err)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, comment_names[i]) == 0) {
			*out = (enum lifecycle_comment)i;
			return 0;
		}
	char q[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL,
			    "unknown comment kind '%s' (expected reply, note or question)",
			    sb_quote(q, s, SIZE_MAX));
}

/* Whether the 7-day window after RESOLVED_AT is over at NOW, without overflow. */
static bool window_over(int64_t now, int64_t resolved_at)
{
	return now >= resolved_at &&
	       (uint64_t)now - (uint64_t)resolved_at >= (uint64_t)LIFECYCLE_REOPEN_SECONDS;
}

int64_t lifecycle_close_at(int64_t resolved_at)
{
	return resolved_at > INT64_MAX - LIFECYCLE_REOPEN_SECONDS
		       ? INT64_MAX
		       : resolved_at + LIFECYCLE_REOPEN_SECONDS;
}

int lifecycle_check(enum ticket_status from, enum ticket_status to, enum lifecycle_actor actor,
		    int64_t now, int64_t resolved_at, struct sb_error *err)
{
	assert((unsigned)from < TICKET_STATUS_COUNT && (unsigned)to < TICKET_STATUS_COUNT);
	assert((unsigned)actor <= LIFECYCLE_ACTOR_SYSTEM);
	const char *f = ticket_status_name(from), *t = ticket_status_name(to);
	if (from == to)
		return sb_error_set(err, SB_ECONFLICT, "the ticket is already %s", f);
	if (from == TICKET_STATUS_CLOSED)
		return sb_error_set(err, SB_ECONFLICT, "cannot move a ticket from closed to %s: %s",
				    t, FOLLOW_UP);

	const struct transition *row = NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].from == from && table[i].to == to)
			row = &table[i];
	if (!row)
		return sb_error_set(err, SB_ECONFLICT, "a ticket cannot go from %s to %s", f, t);

	if (from == TICKET_STATUS_NEW && to == TICKET_STATUS_OPEN) {
		if (actor == LIFECYCLE_ACTOR_AGENT)
			return sb_error_set(err, SB_ECONFLICT,
					    "a ticket goes from new to open with the first public "
					    "reply: reply to the customer instead");
		return sb_error_set(err, SB_EPERM,
				    "only an agent's first public reply moves a ticket from new "
				    "to open");
	}
	if (!(row->actors & (1u << actor)))
		return sb_error_set(err, SB_EPERM, "%s cannot move a ticket from %s to %s",
				    actor == LIFECYCLE_ACTOR_SYSTEM  ? "the system"
				    : actor == LIFECYCLE_ACTOR_AGENT ? "an agent"
								     : "a customer",
				    f, t);

	if (from == TICKET_STATUS_RESOLVED && to == TICKET_STATUS_OPEN &&
	    actor == LIFECYCLE_ACTOR_CUSTOMER && window_over(now, resolved_at))
		return sb_error_set(err, SB_EPERM,
				    "a customer cannot move a ticket from resolved to open 7 days "
				    "after its resolution; a new message opens a follow-up ticket");
	if (from == TICKET_STATUS_RESOLVED && to == TICKET_STATUS_CLOSED &&
	    actor == LIFECYCLE_ACTOR_SYSTEM && !window_over(now, resolved_at))
		return sb_error_set(err, SB_EPERM,
				    "the system moves a ticket from resolved to closed only 7 days "
				    "after its resolution");
	return 0;
}

int lifecycle_after_comment(enum ticket_status from, enum lifecycle_comment kind,
			    enum lifecycle_actor actor, int64_t now, int64_t resolved_at,
			    enum ticket_status *to_out, struct sb_error *err)
{
	enum ticket_status to = from;
	switch (kind) {
	case LIFECYCLE_COMMENT_NOTE:
		if (actor == LIFECYCLE_ACTOR_CUSTOMER)
			return sb_error_set(err, SB_EPERM, "customers cannot write internal notes");
		break;

	case LIFECYCLE_COMMENT_QUESTION:
		if (actor != LIFECYCLE_ACTOR_AGENT)
			return sb_error_set(err, SB_EPERM, "only agents ask follow-up questions");
		if (from == TICKET_STATUS_CLOSED)
			return sb_error_set(err, SB_ECONFLICT, FOLLOW_UP);
		/* On a new ticket the question is the acknowledgment too: new, open, waiting. */
		if (from == TICKET_STATUS_NEW || from == TICKET_STATUS_OPEN)
			to = TICKET_STATUS_AWAITING_CUSTOMER;
		break;

	case LIFECYCLE_COMMENT_REPLY:
		if (from == TICKET_STATUS_CLOSED)
			return sb_error_set(err, SB_ECONFLICT, FOLLOW_UP);
		if (actor == LIFECYCLE_ACTOR_AGENT && from == TICKET_STATUS_NEW)
			to = TICKET_STATUS_OPEN;
		else if (actor == LIFECYCLE_ACTOR_CUSTOMER) {
			if (from == TICKET_STATUS_AWAITING_CUSTOMER)
				to = TICKET_STATUS_OPEN;
			else if (from == TICKET_STATUS_RESOLVED) {
				if (window_over(now, resolved_at))
					return sb_error_set(err, SB_ECONFLICT,
							    "the ticket was resolved 7 days ago or "
							    "more; a new message opens a follow-up "
							    "ticket");
				to = TICKET_STATUS_OPEN;
			}
		}
		break;
	}
	*to_out = to;
	return 0;
}
