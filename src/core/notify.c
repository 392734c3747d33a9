/*
 * Notifications as rules: the events, which may be muted, and the timers'
 * arithmetic (core/notify.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/notify.h"

/* PRODUCT.md: the customer always hears about their request; emergencies
 * and breaches always reach staff. Reminders and copies may be muted. */
static const struct notify_event events[] = {
	{"request_received", false}, {"agent_reply", false},         {"followup_question", false},
	{"priority_changed", false}, {"ticket_resolved", false},     {"draft_returned", false},
	{"emergency_filed", false},  {"emergency_on_call", false},   {"sla_breach", false},
	{"sla_warning", true},       {"emergency_update_due", true}, {"account_request", true},
	{"customer_reply", true},
};

#define NEVENTS (sizeof(events) / sizeof(events[0]))

const struct notify_event *notify_events(size_t *n_out)
{
	*n_out = NEVENTS;
	return events;
}

static const struct notify_event *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NEVENTS; i++)
		if (strlen(events[i].name) == len && memcmp(events[i].name, name, len) == 0)
			return &events[i];
	return NULL;
}

bool notify_event_mutable(const char *event)
{
	const struct notify_event *e = find(event, strlen(event));
	return e && e->may_mute;
}

bool notify_is_muted(const char *muted, const char *event)
{
	size_t len = strlen(event);
	for (const char *p = muted ? muted : ""; *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && memcmp(p, event, n) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

int notify_mute_check(const char *const *names, size_t n, struct sb_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct notify_event *e = find(names[i], strlen(names[i]));
		char q[SB_QUOTE_SIZE];
		if (!e)
			return sb_error_set(err, SB_EINVAL, "no event %s",
					    sb_quote(q, names[i], SIZE_MAX));
		if (!e->may_mute)
			return sb_error_set(err, SB_EINVAL, "%s is essential and cannot be muted",
					    e->name);
	}
	return 0;
}

void notify_timers_new(const struct notify_ticket *t, int64_t now, struct notify_timers *out)
{
	bool waiting = t->running && t->due && !t->first_response;
	out->warn_at = waiting ? t->warn_at : 0;
	out->breach_at = waiting ? t->due : 0;
	out->quiet_since = t->emergency && t->running ? now : 0;
}

unsigned notify_timers_change(const struct notify_ticket *before, const struct notify_ticket *after,
			      bool public_reply, int64_t now, struct notify_timers *out)
{
	unsigned set = 0;
	bool was_waiting = before->running && before->due && !before->first_response;
	bool waiting = after->running && after->due && !after->first_response;
	*out = (struct notify_timers){0};
	if (!waiting) {
		/* Answered, or nothing owed now: nothing to warn of. */
		if (was_waiting)
			set |= NOTIFY_SET_WARN | NOTIFY_SET_BREACH;
	} else if (after->due != before->due) {
		/* A new target: warned of the old one is not warned of this one. */
		out->warn_at = after->warn_at;
		out->breach_at = after->due;
		set |= NOTIFY_SET_WARN | NOTIFY_SET_BREACH;
	} else if (!was_waiting) {
		/* Running again, unanswered: what is still ahead is armed again; a
		 * moment that passed while it was not running is not made up for. */
		out->warn_at = after->warn_at > now ? after->warn_at : 0;
		out->breach_at = after->due > now ? after->due : 0;
		set |= NOTIFY_SET_WARN | NOTIFY_SET_BREACH;
	}

	bool clock = after->emergency && after->running, had = before->emergency && before->running;
	if (clock && (public_reply || !had)) {
		out->quiet_since = now;
		set |= NOTIFY_SET_QUIET;
	} else if (!clock && had) {
		set |= NOTIFY_SET_QUIET;
	}
	return set;
}
