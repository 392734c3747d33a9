/*
 * Notifications, as rules: which events exist, which of them a person may
 * mute, and when the notifications that time brings (SLA warning, breach,
 * emergency update) are due after a change to a ticket. Pure C on util:
 * the API applies these rules when it writes a ticket, the job runner
 * (src/jobs/timers.c) when it queues, and docs/mail.md states them.
 *
 * Essential events reach their recipient whatever they chose: everything a
 * customer is told about their request, every emergency alert, and a
 * breach. The others are reminders and copies of what the workspace shows
 * anyway, and may be muted (users.muted, a comma-separated list).
 */
#ifndef SB_CORE_NOTIFY_H
#define SB_CORE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct notify_event {
	const char *name; /* the outbox event */
	bool may_mute;    /* a recipient may choose not to receive it */
};

/* Every event mail is sent for, essential ones first; *n_out of them. Static. */
const struct notify_event *notify_events(size_t *n_out);

/* Whether EVENT is known and may be muted. */
bool notify_event_mutable(const char *event);

/* Whether MUTED (a comma-separated list, may be NULL) names EVENT. */
bool notify_is_muted(const char *muted, const char *event);

/*
 * Checks that each of the N names is an event that may be muted: 0, or
 * -SB_EINVAL with the first bad name in ERR ("ticket_resolved is essential
 * and cannot be muted", "no event x").
 */
int notify_mute_check(const char *const *names, size_t n, struct sb_error *err);

/* ---- the timers ----------------------------------------------------------- */

/* What of a ticket the timers depend on. */
struct notify_ticket {
	bool emergency;
	bool running;           /* new, open or pending_engineering: we owe an answer */
	int64_t due;            /* first_response_due_at; 0: none */
	int64_t first_response; /* first_response_at; 0: not yet */
	int64_t warn_at;        /* when the warning is due for this target (0: none) */
};

/* The timers' columns (0: disarmed), and which of them a change sets. */
struct notify_timers {
	int64_t warn_at, breach_at, quiet_since;
};
enum {
	NOTIFY_SET_WARN = 1 << 0,
	NOTIFY_SET_BREACH = 1 << 1,
	NOTIFY_SET_QUIET = 1 << 2,
};

/*
 * The timers of a ticket just filed as T at NOW: all armed that apply.
 */
void notify_timers_new(const struct notify_ticket *t, int64_t now, struct notify_timers *out);

/*
 * The timers to write after a change from BEFORE to AFTER at NOW; PUBLIC_REPLY
 * when the change is a public reply (or question) by staff. Returns the
 * NOTIFY_SET_* mask of what changes (the others keep their stored value),
 * with the values in *OUT:
 *
 * - answered (first response made): warning and breach disarmed;
 * - the target moved (a priority change): both re-armed for the new
 *   target, so a ticket warned of its old target is warned of the new one;
 * - no longer running (resolved, closed, awaiting the customer): disarmed;
 *   running again without a response: re-armed if their moment is ahead;
 * - the emergency update clock restarts at a public staff reply, at filing
 *   or upgrade, and when the ticket runs again (from awaiting the customer:
 *   the pause does not count against us); it stops when the ticket is not
 *   an emergency or not running.
 */
unsigned notify_timers_change(const struct notify_ticket *before, const struct notify_ticket *after,
			      bool public_reply, int64_t now, struct notify_timers *out);

/* The emergency update period (sla.emergency_update_minutes): default and range. */
#define NOTIFY_UPDATE_MINUTES_DEFAULT 120
#define NOTIFY_UPDATE_MINUTES_MIN     15
#define NOTIFY_UPDATE_MINUTES_MAX     1440

#endif
