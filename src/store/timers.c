/*
 * The SLA timers' side of the tickets table (migration 0004): arming them
 * as tickets change, finding them due, and claiming them.
 *
 * A claim is one UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING, as
 * the outbox's is: it disarms the timer (or restarts an emergency's clock)
 * in the caller's write transaction, which also queues the notifications,
 * so a timer is claimed, and its mail queued, exactly once whatever the
 * number of runners.
 */
#include <stdlib.h>

#include "store/driver.h"

int store_ticket_timers_set(struct store_conn *c, int64_t id, unsigned set, int64_t warn_at,
			    int64_t breach_at, int64_t quiet_since, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TICKET_TIMERS_SET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, (set & 1) != 0);
	db_bind_opt_int(c, s, 3, warn_at);
	db_bind_int(c, s, 4, (set & 2) != 0);
	db_bind_opt_int(c, s, 5, breach_at);
	db_bind_int(c, s, 6, (set & 4) != 0);
	db_bind_opt_int(c, s, 7, quiet_since);
	return db_exec_stmt(c, s, err);
}

int store_timers_due(struct store_conn *c, int64_t now, bool *due_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TIMERS_DUE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, now);
	rc = db_step(c, s, err);
	*due_out = rc == DB_ROW && db_int(c, s, 0) != 0;
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}

static int by_id(const void *x, const void *y)
{
	const struct store_timer_ticket *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

int store_timers_claim(struct store_conn *c, enum store_timer kind, int64_t now, int limit,
		       struct arena *a, struct store_timer_ticket **rows_out, size_t *n_out,
		       struct sb_error *err)
{
	static const enum stmt_id stmts[] = {
		[STORE_TIMER_WARN] = STMT_TIMERS_CLAIM_WARN,
		[STORE_TIMER_BREACH] = STMT_TIMERS_CLAIM_BREACH,
		[STORE_TIMER_EMERGENCY] = STMT_TIMERS_CLAIM_EMERGENCY,
	};
	struct db_stmt *s;
	int rc = db_stmt(c, stmts[kind], &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, now);
	db_bind_int(c, s, 2, limit);
	size_t n = 0, cap = 0;
	struct store_timer_ticket *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		struct store_timer_ticket *t = &list[n++];
		t->id = db_int(c, s, 0);
		t->org_id = db_int(c, s, 1);
		t->team = db_text_dup(c, s, 2, a);
		t->assignee_id = db_int(c, s, 3);
	}
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	/* RETURNING gives rows in no promised order. */
	if (n > 1)
		qsort(list, n, sizeof(*list), by_id);
	*rows_out = list;
	*n_out = n;
	return 0;
}
