/*
 * Tests for src/core/lifecycle.c: PRODUCT.md's lifecycle table, checked
 * cell by cell, its time rules at their boundary, and what comments do.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/lifecycle.h"

#define NEW      TICKET_STATUS_NEW
#define OPEN     TICKET_STATUS_OPEN
#define WAITING  TICKET_STATUS_AWAITING_CUSTOMER
#define PENDING  TICKET_STATUS_PENDING_ENGINEERING
#define RESOLVED TICKET_STATUS_RESOLVED
#define CLOSED   TICKET_STATUS_CLOSED

#define CUSTOMER LIFECYCLE_ACTOR_CUSTOMER
#define AGENT    LIFECYCLE_ACTOR_AGENT
#define SYSTEM   LIFECYCLE_ACTOR_SYSTEM

#define REPLY    LIFECYCLE_COMMENT_REPLY
#define NOTE     LIFECYCLE_COMMENT_NOTE
#define QUESTION LIFECYCLE_COMMENT_QUESTION

#define DAY         (24 * 3600)
#define RESOLVED_AT INT64_C(1795000000)
#define WITHIN      (RESOLVED_AT + 3 * DAY)
#define AFTER       (RESOLVED_AT + 8 * DAY)

static void check_fails(enum ticket_status from, enum ticket_status to, enum lifecycle_actor actor,
			int64_t now, int code, const char *needle)
{
	struct sb_error err = {0};
	int rc = lifecycle_check(from, to, actor, now, RESOLVED_AT, &err);
	cr_assert_eq(rc, -code, "%s -> %s by %s: %d (%s)", ticket_status_name(from),
		     ticket_status_name(to), lifecycle_actor_name(actor), rc, err.message);
	cr_assert(strstr(err.message, needle), "'%s' lacks '%s'", err.message, needle);
}

static void check_ok(enum ticket_status from, enum ticket_status to, enum lifecycle_actor actor,
		     int64_t now)
{
	struct sb_error err = {0};
	cr_assert_eq(lifecycle_check(from, to, actor, now, RESOLVED_AT, &err), 0,
		     "%s -> %s by %s: %s", ticket_status_name(from), ticket_status_name(to),
		     lifecycle_actor_name(actor), err.message);
}

/*
 * The whole table, away from the 7-day boundary: for every (from, to) the
 * actors allowed, as a string of c/a/s, or "-" for a change the table lacks.
 */
Test(lifecycle, every_cell_of_the_table_within_the_reopen_window)
{
	static const char *const want[TICKET_STATUS_COUNT][TICKET_STATUS_COUNT] = {
		/*            new  open  awaiting pending resolved closed */
		[NEW] = {"-", "", "-", "-", "a", "-"},
		[OPEN] = {"-", "-", "a", "a", "a", "-"},
		[WAITING] = {"-", "ca", "-", "-", "a", "-"},
		[PENDING] = {"-", "a", "-", "-", "as", "-"},
		[RESOLVED] = {"-", "ca", "-", "-", "-", "a"},
		[CLOSED] = {"-", "-", "-", "-", "-", "-"},
	};
	static const char letters[] = {[CUSTOMER] = 'c', [AGENT] = 'a', [SYSTEM] = 's'};
	for (int f = 0; f < TICKET_STATUS_COUNT; f++)
		for (int t = 0; t < TICKET_STATUS_COUNT; t++)
			for (int who = CUSTOMER; who <= SYSTEM; who++) {
				const char *cell = want[f][t];
				int rc = lifecycle_check(f, t, who, WITHIN, RESOLVED_AT, NULL);
				int expect;
				if (strcmp(cell, "-") == 0 || f == t || f == CLOSED)
					expect = -SB_ECONFLICT;
				else if (strchr(cell, letters[who]))
					expect = 0;
				else if (f == NEW && t == OPEN && who == AGENT)
					expect = -SB_ECONFLICT; /* reply instead */
				else
					expect = -SB_EPERM;
				/* Within the window the system may not close yet. */
				if (f == RESOLVED && t == CLOSED && who == SYSTEM)
					expect = -SB_EPERM;
				cr_assert_eq(rc, expect, "%s -> %s by %s: %d, want %d",
					     ticket_status_name(f), ticket_status_name(t),
					     lifecycle_actor_name(who), rc, expect);
			}
}

Test(lifecycle, new_to_open_is_made_by_replying_not_by_a_status_change)
{
	check_fails(NEW, OPEN, AGENT, WITHIN, SB_ECONFLICT, "reply to the customer instead");
	check_fails(NEW, OPEN, CUSTOMER, WITHIN, SB_EPERM, "first public reply");
	enum ticket_status to;
	cr_assert_eq(lifecycle_after_comment(NEW, REPLY, AGENT, WITHIN, 0, &to, NULL), 0);
	cr_assert_eq(to, OPEN);
}

Test(lifecycle, the_same_status_is_a_conflict)
{
	for (int s = 0; s < TICKET_STATUS_COUNT; s++)
		check_fails(s, s, AGENT, WITHIN, SB_ECONFLICT, "already");
	check_fails(OPEN, OPEN, AGENT, WITHIN, SB_ECONFLICT, "already open");
}

Test(lifecycle, a_closed_ticket_is_final)
{
	for (int t = NEW; t < CLOSED; t++)
		check_fails(CLOSED, t, AGENT, WITHIN, SB_ECONFLICT,
			    "a closed ticket is final; a new message opens a follow-up ticket");
}

Test(lifecycle, a_missing_transition_names_both_statuses)
{
	check_fails(OPEN, NEW, AGENT, WITHIN, SB_ECONFLICT, "from open to new");
	check_fails(NEW, PENDING, AGENT, WITHIN, SB_ECONFLICT, "from new to pending_engineering");
	check_fails(WAITING, PENDING, AGENT, WITHIN, SB_ECONFLICT,
		    "from awaiting_customer to pending_engineering");
	check_fails(OPEN, CLOSED, AGENT, WITHIN, SB_ECONFLICT, "from open to closed");
}

Test(lifecycle, a_refused_actor_is_named_with_both_statuses)
{
	check_fails(OPEN, RESOLVED, CUSTOMER, WITHIN, SB_EPERM,
		    "a customer cannot move a ticket from open to resolved");
	check_fails(OPEN, PENDING, SYSTEM, WITHIN, SB_EPERM,
		    "the system cannot move a ticket from open to pending_engineering");
}

Test(lifecycle, the_fix_resolves_a_ticket_pending_engineering)
{
	check_ok(PENDING, RESOLVED, SYSTEM, WITHIN);
	check_fails(OPEN, RESOLVED, SYSTEM, WITHIN, SB_EPERM, "system");
}

Test(lifecycle, customers_reopen_within_7_days_of_resolution_agents_any_time)
{
	check_ok(RESOLVED, OPEN, CUSTOMER, RESOLVED_AT);
	check_ok(RESOLVED, OPEN, CUSTOMER, RESOLVED_AT + 7 * DAY - 1);
	check_fails(RESOLVED, OPEN, CUSTOMER, RESOLVED_AT + 7 * DAY, SB_EPERM, "follow-up");
	check_fails(RESOLVED, OPEN, CUSTOMER, AFTER, SB_EPERM, "7 days");
	check_ok(RESOLVED, OPEN, AGENT, AFTER);
	check_ok(RESOLVED, OPEN, AGENT, RESOLVED_AT + 400 * DAY);
}

Test(lifecycle, the_system_closes_7_days_after_resolution_agents_any_time)
{
	check_fails(RESOLVED, CLOSED, SYSTEM, RESOLVED_AT + 7 * DAY - 1, SB_EPERM, "7 days");
	check_ok(RESOLVED, CLOSED, SYSTEM, RESOLVED_AT + 7 * DAY);
	check_ok(RESOLVED, CLOSED, SYSTEM, AFTER);
	check_ok(RESOLVED, CLOSED, AGENT, RESOLVED_AT + 1);
	check_fails(RESOLVED, CLOSED, CUSTOMER, AFTER, SB_EPERM, "customer");
}

Test(lifecycle, close_time_is_7_days_after_resolution_and_saturates)
{
	cr_assert_eq(lifecycle_close_at(RESOLVED_AT), RESOLVED_AT + 7 * DAY);
	cr_assert_eq(lifecycle_close_at(INT64_MAX - 5), INT64_MAX);
	/* Extreme instants do not overflow the window arithmetic. */
	check_ok(RESOLVED, OPEN, CUSTOMER, INT64_MIN);
	check_ok(RESOLVED, CLOSED, SYSTEM, INT64_MAX);
	cr_assert_eq(lifecycle_check(RESOLVED, CLOSED, SYSTEM, INT64_MAX, INT64_MIN, NULL), 0);
}

static enum ticket_status after(enum ticket_status from, enum lifecycle_comment kind,
				enum lifecycle_actor actor, int64_t now)
{
	enum ticket_status to = (enum ticket_status) - 1;
	struct sb_error err = {0};
	int rc = lifecycle_after_comment(from, kind, actor, now, RESOLVED_AT, &to, &err);
	cr_assert_eq(rc, 0, "%s %s on %s: %s", lifecycle_actor_name(actor),
		     lifecycle_comment_name(kind), ticket_status_name(from), err.message);
	return to;
}

static void comment_fails(enum ticket_status from, enum lifecycle_comment kind,
			  enum lifecycle_actor actor, int64_t now, int code, const char *needle)
{
	enum ticket_status to = OPEN;
	struct sb_error err = {0};
	int rc = lifecycle_after_comment(from, kind, actor, now, RESOLVED_AT, &to, &err);
	cr_assert_eq(rc, -code, "%s %s on %s: %d", lifecycle_actor_name(actor),
		     lifecycle_comment_name(kind), ticket_status_name(from), rc);
	cr_assert(strstr(err.message, needle), "'%s' lacks '%s'", err.message, needle);
	cr_assert_eq(to, OPEN, "output written on failure");
}

Test(lifecycle, an_agent_reply_acknowledges_a_new_ticket_and_changes_nothing_else)
{
	cr_assert_eq(after(NEW, REPLY, AGENT, WITHIN), OPEN);
	cr_assert_eq(after(OPEN, REPLY, AGENT, WITHIN), OPEN);
	cr_assert_eq(after(WAITING, REPLY, AGENT, WITHIN), WAITING);
	cr_assert_eq(after(PENDING, REPLY, AGENT, WITHIN), PENDING);
	cr_assert_eq(after(RESOLVED, REPLY, AGENT, WITHIN), RESOLVED);
}

Test(lifecycle, an_agent_question_awaits_the_customer)
{
	cr_assert_eq(after(OPEN, QUESTION, AGENT, WITHIN), WAITING);
	cr_assert_eq(after(NEW, QUESTION, AGENT, WITHIN), WAITING);
	cr_assert_eq(after(WAITING, QUESTION, AGENT, WITHIN), WAITING);
	cr_assert_eq(after(PENDING, QUESTION, AGENT, WITHIN), PENDING);
	cr_assert_eq(after(RESOLVED, QUESTION, AGENT, WITHIN), RESOLVED);
	comment_fails(OPEN, QUESTION, CUSTOMER, WITHIN, SB_EPERM, "only agents");
	comment_fails(OPEN, QUESTION, SYSTEM, WITHIN, SB_EPERM, "only agents");
}

Test(lifecycle, a_customer_reply_reopens_a_ticket_awaiting_them)
{
	cr_assert_eq(after(WAITING, REPLY, CUSTOMER, WITHIN), OPEN);
	cr_assert_eq(after(NEW, REPLY, CUSTOMER, WITHIN), NEW);
	cr_assert_eq(after(OPEN, REPLY, CUSTOMER, WITHIN), OPEN);
	cr_assert_eq(after(PENDING, REPLY, CUSTOMER, WITHIN), PENDING);
}

Test(lifecycle, a_customer_reply_reopens_a_resolved_ticket_only_within_7_days)
{
	cr_assert_eq(after(RESOLVED, REPLY, CUSTOMER, RESOLVED_AT + 7 * DAY - 1), OPEN);
	comment_fails(RESOLVED, REPLY, CUSTOMER, RESOLVED_AT + 7 * DAY, SB_ECONFLICT,
		      "follow-up ticket");
}

Test(lifecycle, notes_never_change_the_status_and_customers_cannot_write_them)
{
	for (int s = 0; s < TICKET_STATUS_COUNT; s++) {
		cr_assert_eq((int)after(s, NOTE, AGENT, AFTER), s);
		cr_assert_eq((int)after(s, NOTE, SYSTEM, AFTER), s);
		comment_fails(s, NOTE, CUSTOMER, WITHIN, SB_EPERM, "internal notes");
	}
}

Test(lifecycle, automatic_replies_never_change_the_status)
{
	for (int s = NEW; s < CLOSED; s++)
		cr_assert_eq((int)after(s, REPLY, SYSTEM, WITHIN), s);
}

Test(lifecycle, messages_on_a_closed_ticket_belong_in_a_follow_up)
{
	comment_fails(CLOSED, REPLY, CUSTOMER, WITHIN, SB_ECONFLICT, "follow-up ticket");
	comment_fails(CLOSED, REPLY, AGENT, WITHIN, SB_ECONFLICT, "closed ticket is final");
	comment_fails(CLOSED, QUESTION, AGENT, WITHIN, SB_ECONFLICT, "closed ticket is final");
}

Test(lifecycle, comment_changes_agree_with_the_table)
{
	/* Whatever a comment changes is a row of the table (new -> open aside, by design). */
	for (int s = 0; s < TICKET_STATUS_COUNT; s++)
		for (int k = REPLY; k <= QUESTION; k++)
			for (int who = CUSTOMER; who <= SYSTEM; who++) {
				enum ticket_status to;
				if (lifecycle_after_comment(s, k, who, WITHIN, RESOLVED_AT, &to,
							    NULL) < 0 ||
				    (int)to == s)
					continue;
				if (s == NEW) {
					cr_assert(to == OPEN || to == WAITING);
					continue;
				}
				cr_assert_eq(lifecycle_check(s, to, who, WITHIN, RESOLVED_AT, NULL),
					     0, "%s %s on %s gives %s", lifecycle_actor_name(who),
					     lifecycle_comment_name(k), ticket_status_name(s),
					     ticket_status_name(to));
			}
}

Test(lifecycle, names_of_actors_and_comment_kinds)
{
	cr_assert_str_eq(lifecycle_actor_name(CUSTOMER), "customer");
	cr_assert_str_eq(lifecycle_actor_name(AGENT), "agent");
	cr_assert_str_eq(lifecycle_actor_name(SYSTEM), "system");
	for (int k = REPLY; k <= QUESTION; k++) {
		enum lifecycle_comment got;
		cr_assert_eq(lifecycle_comment_parse(lifecycle_comment_name(k), &got, NULL), 0);
		cr_assert_eq((int)got, k);
	}
	cr_assert_str_eq(lifecycle_comment_name(QUESTION), "question");
	enum lifecycle_comment got;
	struct sb_error err = {0};
	cr_assert_eq(lifecycle_comment_parse("comment", &got, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "'comment'"), "%s", err.message);
}
