/*
 * The notifications that time brings (docs/mail.md, "SLA timers"):
 *
 *   sla_warning           warn_percent of the first-response target gone,
 *                         unanswered: the assignee, else the team's members;
 *   sla_breach            the target passed, unanswered: the team's leads
 *                         (its members when it has none);
 *   emergency_update_due  an open emergency without a public staff reply
 *                         for sla.emergency_update_minutes: the assignee,
 *                         else the team's members.
 *
 * Each timer lives on its ticket (migration 0004) and is armed by the API
 * as the ticket changes (core/notify.h says when). A pass first asks, with
 * one read over the timers' partial indexes, whether any is due, so an
 * idle runner never takes the writer lock. Then, per kind, one write
 * transaction claims a batch of due tickets (disarming the timer, or
 * restarting an emergency's clock, with a condition on its value: a second
 * runner finds nothing to claim) and queues their outbox rows: the
 * notification exists exactly when its claim committed, so each is queued
 * once. A recipient who muted the event gets no row (store_outbox_insert).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/notify.h"
#include "jobs/internal.h"

/* Tickets claimed per transaction: a short hold of the writer lock. */
#define TIMERS_BATCH 32

static const char *const events[] = {
	[STORE_TIMER_WARN] = "sla_warning",
	[STORE_TIMER_BREACH] = "sla_breach",
	[STORE_TIMER_EMERGENCY] = "emergency_update_due",
};

/* Queues EVENT for USER, if the account can still receive mail. */
static int queue_one(struct store_conn *c, const char *event, int64_t ticket,
		     const struct store_user *u, const char *payload, int64_t written_at,
		     struct jobs_counts *counts, struct sb_error *err)
{
	if (u->disabled)
		return 0;
	int rc = store_outbox_insert(c, event, ticket, u->id, payload, written_at, err);
	if (rc == 0)
		counts->queued++;
	return rc;
}

/* The team's people with ROLE (NULL: every member), in A. */
static int team_people(struct store_conn *c, const char *team, const char *role, struct arena *a,
		       struct store_user **out, size_t *n, struct sb_error *err)
{
	struct store_user_filter f = {.team = team, .role = role, .limit = STORE_LIST_MAX};
	return store_users_list(c, &f, a, out, n, err);
}

/* Queues the notification of timer KIND for ticket T, to whom it is due. */
static int queue_for(struct store_conn *c, enum store_timer kind,
		     const struct store_timer_ticket *t, const char *payload, int64_t written_at,
		     struct arena *a, struct jobs_counts *counts, struct sb_error *err)
{
	const char *event = events[kind];
	struct store_user assignee = {0};
	bool has_assignee = false;
	int rc;
	if (t->assignee_id) {
		rc = store_user_get(c, t->assignee_id, a, &assignee, err);
		if (rc < 0 && rc != -SB_ENOTFOUND)
			return rc;
		has_assignee = rc == 0 && !assignee.disabled;
	}
	/* A breach goes over the assignee's head: to the leads. */
	if (kind != STORE_TIMER_BREACH && has_assignee)
		return queue_one(c, event, t->id, &assignee, payload, written_at, counts, err);
	struct store_user *people = NULL;
	size_t n = 0;
	if (t->team && kind == STORE_TIMER_BREACH &&
	    (rc = team_people(c, t->team, "lead", a, &people, &n, err)) < 0)
		return rc;
	if (t->team && n == 0 && (rc = team_people(c, t->team, NULL, a, &people, &n, err)) < 0)
		return rc;
	/* No team to fall back on (nor anyone in it): whoever is assigned. */
	if (n == 0 && has_assignee)
		return queue_one(c, event, t->id, &assignee, payload, written_at, counts, err);
	for (size_t i = 0; i < n; i++)
		if ((rc = queue_one(c, event, t->id, &people[i], payload, written_at, counts,
				    err)) < 0)
			return rc;
	return 0;
}

/*
 * The emergency update period as the claim's SQL reads it
 * (STORE_EMERGENCY_UPDATE_SECONDS), for the mail to say, in A.
 */
static int update_minutes(struct store_conn *c, struct arena *a, const char **out,
			  struct sb_error *err)
{
	char *text = NULL;
	int rc = store_setting_get(c, "sla.emergency_update_minutes", a, &text, err);
	if (rc < 0)
		return rc;
	char *end = NULL;
	long long v = text ? strtoll(text, &end, 10) : 0;
	if (!text || !*text || *end || v < NOTIFY_UPDATE_MINUTES_MIN ||
	    v > NOTIFY_UPDATE_MINUTES_MAX)
		v = NOTIFY_UPDATE_MINUTES_DEFAULT;
	if (!(*out = arena_printf(a, "%lld", v)))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	return 0;
}

/* Claims and queues one batch of timer KIND; *more when the batch was full. */
static int batch(struct jobs *j, struct store_conn *c, enum store_timer kind, int64_t now,
		 struct jobs_counts *counts, bool *more, struct sb_error *err)
{
	(void)j;
	struct arena *a = arena_new();
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	struct store_timer_ticket *rows = NULL;
	size_t n = 0;
	const char *payload = NULL;
	/* Rows are written at the real time even when the timers' clock is another
	 * (--now): they are due at once, and their Date is when they were queued. */
	int64_t written_at = (int64_t)time(NULL);
	struct jobs_counts added = {0};
	int rc = store_write_begin(c, err);
	if (rc == 0 && kind == STORE_TIMER_EMERGENCY)
		rc = update_minutes(c, a, &payload, err);
	if (rc == 0)
		rc = store_timers_claim(c, kind, now, TIMERS_BATCH, a, &rows, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = queue_for(c, kind, &rows[i], payload, written_at, a, &added, err);
	if (rc == 0)
		rc = store_write_commit(c, err);
	else if (store_in_write(c))
		store_write_rollback(c); /* the timers stay armed for the next pass */
	if (rc == 0)
		counts->queued += added.queued;
	*more = rc == 0 && n == TIMERS_BATCH;
	arena_free(a);
	return rc;
}

int jobs_timers_pass(struct jobs *j, struct store_conn *c, int64_t now, struct jobs_counts *counts,
		     struct sb_error *err)
{
	bool due = false;
	int rc = store_timers_due(c, now, &due, err);
	if (rc < 0 || !due)
		return rc;
	static const enum store_timer kinds[] = {STORE_TIMER_WARN, STORE_TIMER_BREACH,
						 STORE_TIMER_EMERGENCY};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		bool more = true;
		while (more && !atomic_load(&j->stop))
			if ((rc = batch(j, c, kinds[k], now, counts, &more, err)) < 0)
				return rc;
	}
	return 0;
}
