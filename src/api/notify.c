/*
 * The notifications a change to a ticket arms or sends beyond its own
 * outbox rows (docs/mail.md): the on-call alert of an emergency, and the
 * SLA timers (core/notify.h decides, src/jobs/timers.c queues when they
 * come due). Called inside the change's write transaction, so the timers
 * change exactly when the ticket does.
 */
#include <string.h>

#include "api/internal.h"
#include "core/notify.h"

static void timer_view(struct api *api, const struct store_ticket *t, struct notify_ticket *out)
{
	const char *s = t->status;
	*out = (struct notify_ticket){
		.emergency = strcmp(t->priority, "emergency") == 0,
		.running = strcmp(s, "new") == 0 || strcmp(s, "open") == 0 ||
			   strcmp(s, "pending_engineering") == 0,
		.due = t->first_response_due_at,
		.first_response = t->first_response_at,
		.warn_at = api_ticket_warn_at(api, t),
	};
}

/*
 * An emergency of TEAM: its on-call person, or (nobody named, or named but
 * disabled) its leads, or with no leads its members. Whoever already has
 * the account representative's mail (SKIP) is not alerted twice.
 */
static int alert_on_call(struct api_call *call, const struct store_ticket *t, int64_t skip)
{
	struct store_team *teams;
	size_t n;
	int rc = store_teams_list(call->conn, call->arena, &teams, &n, &call->err);
	if (rc < 0)
		return rc;
	int64_t on_call = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(teams[i].key, t->team) == 0)
			on_call = teams[i].on_call_id;
	struct store_user u;
	if (on_call && store_user_get(call->conn, on_call, call->arena, &u, NULL) == 0 &&
	    !u.disabled)
		return on_call == skip
			       ? 0
			       : store_outbox_insert(call->conn, "emergency_on_call", t->id,
						     on_call, "on_call", call->now, &call->err);
	struct store_user *people = NULL;
	size_t np = 0;
	struct store_user_filter f = {.team = t->team, .role = "lead", .limit = STORE_LIST_MAX};
	if ((rc = store_users_list(call->conn, &f, call->arena, &people, &np, &call->err)) < 0)
		return rc;
	f.role = NULL;
	if (np == 0 &&
	    (rc = store_users_list(call->conn, &f, call->arena, &people, &np, &call->err)) < 0)
		return rc;
	for (size_t i = 0; i < np; i++)
		if (!people[i].disabled && people[i].id != skip &&
		    (rc = store_outbox_insert(call->conn, "emergency_on_call", t->id, people[i].id,
					      "lead", call->now, &call->err)) < 0)
			return rc;
	return 0;
}

int api_notify_filed(struct api_call *call, const struct store_org *org,
		     const struct store_ticket *t)
{
	struct notify_ticket view;
	struct notify_timers timers;
	timer_view(call->api, t, &view);
	notify_timers_new(&view, call->now, &timers);
	int rc = store_ticket_timers_set(
		call->conn, t->id, NOTIFY_SET_WARN | NOTIFY_SET_BREACH | NOTIFY_SET_QUIET,
		timers.warn_at, timers.breach_at, timers.quiet_since, &call->err);
	if (rc == 0 && view.emergency && t->team)
		rc = alert_on_call(call, t, org->account_rep_id);
	return rc;
}

int api_notify_changed(struct api_call *call, const struct store_ticket *old,
		       const struct store_ticket *t, bool public_reply)
{
	struct notify_ticket before, after;
	struct notify_timers timers;
	timer_view(call->api, old, &before);
	timer_view(call->api, t, &after);
	unsigned set = notify_timers_change(&before, &after, public_reply, call->now, &timers);
	if (!set)
		return 0;
	return store_ticket_timers_set(call->conn, t->id, set, timers.warn_at, timers.breach_at,
				       timers.quiet_since, &call->err);
}
