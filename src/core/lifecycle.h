/*
 * The ticket lifecycle: which status changes exist, who may make them, and
 * what a comment does to a ticket's status (PRODUCT.md, "Lifecycle").
 *
 *   from                 to                   who
 *   new                  open                 only the first public agent reply
 *   new                  resolved             agent
 *   open                 awaiting_customer    agent (normally by a question)
 *   open                 pending_engineering  agent (when linked to an issue)
 *   open                 resolved             agent
 *   awaiting_customer    open                 customer (by replying) or agent
 *   awaiting_customer    resolved             agent
 *   pending_engineering  open                 agent
 *   pending_engineering  resolved             agent, or system (the fix shipped)
 *   resolved             open                 customer within 7 days of resolution,
 *                                             agent at any time
 *   resolved             closed               agent, or system 7 days after resolution
 *   closed               -                    final: a new message opens a follow-up
 *
 * Explicit status changes go through lifecycle_check(); comments through
 * lifecycle_after_comment(), which says what status the comment leaves. A
 * change to the same status is a conflict, not a no-op, so that a client
 * acting on a stale view learns of it.
 *
 * Priority changes are ticket_priority_change() (core/ticket.h).
 */
#ifndef SB_CORE_LIFECYCLE_H
#define SB_CORE_LIFECYCLE_H

#include <stdint.h>

#include "core/ticket.h"
#include "util/error.h"

enum lifecycle_actor {
	LIFECYCLE_ACTOR_CUSTOMER, /* a contact of the ticket's organization */
	LIFECYCLE_ACTOR_AGENT,    /* agents, leads, account representatives, admins */
	LIFECYCLE_ACTOR_SYSTEM,   /* timers, the engineering fix, automatic mail */
};

enum lifecycle_comment {
	LIFECYCLE_COMMENT_REPLY,    /* public */
	LIFECYCLE_COMMENT_NOTE,     /* internal, never seen by the customer */
	LIFECYCLE_COMMENT_QUESTION, /* public, from an agent, awaiting an answer */
};

/* How long a resolved ticket stays open to the customer's reply. */
#define LIFECYCLE_REOPEN_SECONDS (7 * 24 * 3600)

/* "customer", "agent", "system". */
const char *lifecycle_actor_name(enum lifecycle_actor actor);

/* "reply", "note", "question"; and back (-SB_EINVAL naming it otherwise). */
const char *lifecycle_comment_name(enum lifecycle_comment kind);
int lifecycle_comment_parse(const char *s, enum lifecycle_comment *out, struct sb_error *err);

/*
 * Whether ACTOR may change a ticket's status from FROM to TO at NOW, the
 * ticket having been resolved at RESOLVED_AT (Unix seconds; only read when
 * FROM is resolved). 0 if so; -SB_ECONFLICT, with a message naming both
 * statuses, for the same status, a closed ticket, new to open (which only
 * the first public reply makes) or a change the table lacks; -SB_EPERM for
 * one the table has but not for ACTOR, or not at NOW.
 */
int lifecycle_check(enum ticket_status from, enum ticket_status to, enum lifecycle_actor actor,
		    int64_t now, int64_t resolved_at, struct sb_error *err);

/*
 * The status a comment of KIND by ACTOR at NOW leaves a ticket in, from
 * FROM, in *to_out (FROM itself when it changes nothing):
 *
 *   - notes never change the status, and only agents and the system write
 *     them (on any ticket, closed ones included);
 *   - an agent's reply opens a new ticket (the acknowledgment);
 *   - an agent's question moves a new or open ticket to awaiting_customer;
 *     a ticket awaiting engineering or resolved keeps its status (agents
 *     change those explicitly); only agents ask questions;
 *   - a customer's reply reopens a ticket awaiting them, or one resolved
 *     less than 7 days ago;
 *   - the system's replies (automatic messages) change nothing.
 *
 * A reply or question on a closed ticket, or a customer's reply on one
 * resolved 7 days ago or more, is -SB_ECONFLICT: the message belongs in a
 * follow-up ticket. A kind the actor may not write is -SB_EPERM.
 */
int lifecycle_after_comment(enum ticket_status from, enum lifecycle_comment kind,
			    enum lifecycle_actor actor, int64_t now, int64_t resolved_at,
			    enum ticket_status *to_out, struct sb_error *err);

/* When the system closes a ticket resolved at RESOLVED_AT (saturating). */
int64_t lifecycle_close_at(int64_t resolved_at);

#endif
