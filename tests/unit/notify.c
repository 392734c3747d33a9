/*
 * Tests for src/core/notify.c: which events may be muted, and when the
 * SLA timers are armed, re-armed and disarmed as a ticket changes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/notify.h"

Test(notify, essential_events_cannot_be_muted_and_the_others_can)
{
	static const char *const essential[] = {
		"request_received", "agent_reply",       "followup_question", "ticket_resolved",
		"emergency_filed",  "emergency_on_call", "sla_breach",        "priority_changed"};
	for (size_t i = 0; i < sizeof(essential) / sizeof(essential[0]); i++)
		cr_assert_not(notify_event_mutable(essential[i]), "%s", essential[i]);
	cr_assert(notify_event_mutable("sla_warning"));
	cr_assert(notify_event_mutable("emergency_update_due"));
	cr_assert(notify_event_mutable("account_request"));
	cr_assert_not(notify_event_mutable("no_such_event"));

	struct sb_error err = {0};
	const char *ok[] = {"sla_warning", "emergency_update_due"};
	cr_assert_eq(notify_mute_check(ok, 2, &err), 0);
	const char *bad[] = {"sla_warning", "sla_breach"};
	cr_assert_eq(notify_mute_check(bad, 2, &err), -SB_EINVAL);
	cr_assert_str_eq(err.message, "sla_breach is essential and cannot be muted");
	const char *unknown[] = {"sla_warnings"};
	cr_assert_eq(notify_mute_check(unknown, 1, &err), -SB_EINVAL);
	cr_assert_str_eq(err.message, "no event sla_warnings");
}

Test(notify, a_muted_list_names_whole_events)
{
	cr_assert(notify_is_muted("sla_warning,account_request", "account_request"));
	cr_assert(notify_is_muted("sla_warning", "sla_warning"));
	cr_assert_not(notify_is_muted("sla_warning", "sla_warn"));
	cr_assert_not(notify_is_muted("", "sla_warning"));
	cr_assert_not(notify_is_muted(NULL, "sla_warning"));
}

/* A standard ticket filed at 1000, due at 5000, warned at 4000. */
static const struct notify_ticket waiting = {
	.emergency = false, .running = true, .due = 5000, .warn_at = 4000};

Test(notify, a_new_ticket_arms_what_applies)
{
	struct notify_timers t;
	notify_timers_new(&waiting, 1000, &t);
	cr_assert_eq(t.warn_at, 4000);
	cr_assert_eq(t.breach_at, 5000);
	cr_assert_eq(t.quiet_since, 0, "a standard ticket owes no updates");
	struct notify_ticket e = waiting;
	e.emergency = true;
	notify_timers_new(&e, 1000, &t);
	cr_assert_eq(t.quiet_since, 1000, "an emergency's update clock starts at filing");
	struct notify_ticket account = {.running = true}; /* no target */
	notify_timers_new(&account, 1000, &t);
	cr_assert_eq(t.warn_at + t.breach_at + t.quiet_since, 0);
}

Test(notify, the_first_response_disarms_warning_and_breach)
{
	struct notify_ticket after = waiting;
	after.first_response = 2000;
	struct notify_timers t;
	unsigned set = notify_timers_change(&waiting, &after, true, 2000, &t);
	cr_assert_eq(set, NOTIFY_SET_WARN | NOTIFY_SET_BREACH);
	cr_assert_eq(t.warn_at + t.breach_at, 0);
}

Test(notify, nothing_changes_when_nothing_that_matters_changed)
{
	struct notify_timers t;
	cr_assert_eq(notify_timers_change(&waiting, &waiting, false, 2000, &t), 0,
		     "a warned ticket is not re-armed by an unrelated change");
}

Test(notify, a_moved_target_rearms_both_even_after_the_warning_went_out)
{
	struct notify_ticket after = waiting;
	after.emergency = true;
	after.due = 4500;
	after.warn_at = 4400;
	struct notify_timers t;
	unsigned set = notify_timers_change(&waiting, &after, false, 4200, &t);
	cr_assert(set & NOTIFY_SET_WARN && set & NOTIFY_SET_BREACH);
	cr_assert_eq(t.warn_at, 4400);
	cr_assert_eq(t.breach_at, 4500);
	cr_assert(set & NOTIFY_SET_QUIET, "an upgrade starts the update clock");
	cr_assert_eq(t.quiet_since, 4200);
}

Test(notify, resolving_disarms_and_reopening_rearms_only_what_is_ahead)
{
	struct notify_ticket resolved = waiting;
	resolved.running = false;
	struct notify_timers t;
	cr_assert_eq(notify_timers_change(&waiting, &resolved, false, 3000, &t),
		     NOTIFY_SET_WARN | NOTIFY_SET_BREACH);
	cr_assert_eq(t.warn_at + t.breach_at, 0);
	/* Reopened at 4500: the warning's moment passed, the breach is ahead. */
	notify_timers_change(&resolved, &waiting, false, 4500, &t);
	cr_assert_eq(t.warn_at, 0);
	cr_assert_eq(t.breach_at, 5000);
}

Test(notify, the_emergency_clock_restarts_at_each_public_reply_and_pauses_while_waiting)
{
	struct notify_ticket open = {
		.emergency = true, .running = true, .due = 5000, .first_response = 1500};
	struct notify_timers t;
	/* A public reply restarts it; a note (no public reply) does not. */
	cr_assert_eq(notify_timers_change(&open, &open, true, 7000, &t), NOTIFY_SET_QUIET);
	cr_assert_eq(t.quiet_since, 7000);
	cr_assert_eq(notify_timers_change(&open, &open, false, 7000, &t), 0);
	/* Awaiting the customer: stopped. */
	struct notify_ticket awaiting = open;
	awaiting.running = false;
	cr_assert_eq(notify_timers_change(&open, &awaiting, true, 8000, &t), NOTIFY_SET_QUIET);
	cr_assert_eq(t.quiet_since, 0);
	/* The customer answers: a full period from then. */
	cr_assert_eq(notify_timers_change(&awaiting, &open, false, 9000, &t), NOTIFY_SET_QUIET);
	cr_assert_eq(t.quiet_since, 9000);
	/* Downgraded to standard: stopped. */
	struct notify_ticket standard = open;
	standard.emergency = false;
	cr_assert_eq(notify_timers_change(&open, &standard, false, 9500, &t), NOTIFY_SET_QUIET);
	cr_assert_eq(t.quiet_since, 0);
}
