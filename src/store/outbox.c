/*
 * The outbox's delivery side: claiming due rows under a lease and ending
 * the claim. Writing rows is store_outbox_insert() (tickets.c), in the
 * transaction of the change they report.
 *
 * The claim is one UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING,
 * so that claiming is atomic whatever the engine: on SQLite the write lock
 * serializes claimers; on PostgreSQL the subselect will take
 * FOR UPDATE SKIP LOCKED so that claimers skip each other's rows.
 */
#include <stdlib.h>

#include "store/driver.h"

int store_outbox_due(struct store_conn *c, int64_t now, bool *due_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_OUTBOX_DUE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, now);
	rc = db_step(c, s, err);
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	*due_out = rc == DB_ROW;
	return 0;
}

static int by_id(const void *x, const void *y)
{
	const struct store_outbox *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

int store_outbox_claim(struct store_conn *c, int64_t now, int64_t lease_until, int limit,
		       struct arena *a, struct store_outbox **rows_out, size_t *n_out,
		       struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_OUTBOX_CLAIM, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, now);
	db_bind_int(c, s, 2, lease_until);
	db_bind_int(c, s, 3, limit);
	size_t n = 0, cap = 0;
	struct store_outbox *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		struct store_outbox *o = &list[n++];
		o->id = db_int(c, s, 0);
		o->event = db_text_dup(c, s, 1, a);
		o->ticket_id = db_int(c, s, 2);
		o->recipient_id = db_int(c, s, 3);
		o->payload = db_text_dup(c, s, 4, a);
		o->created_at = db_int(c, s, 5);
		o->attempts = db_int(c, s, 6);
		o->lease_until = db_int(c, s, 7);
		if (!o->event || !o->payload) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
	}
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	/* RETURNING gives rows in no promised order; deliver oldest first. */
	if (n > 1)
		qsort(list, n, sizeof(*list), by_id);
	*rows_out = list;
	*n_out = n;
	return 0;
}

int store_outbox_finish(struct store_conn *c, int64_t id, int64_t lease_until,
			enum store_outbox_outcome outcome, int64_t next_attempt_at,
			const char *last_error, bool *applied_out, struct sb_error *err)
{
	static const char *const states[] = {
		[STORE_OUTBOX_SENT] = "sent",
		[STORE_OUTBOX_RETRY] = "pending",
		[STORE_OUTBOX_FAILED] = "failed",
		[STORE_OUTBOX_RELEASE] = "pending",
	};
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_OUTBOX_FINISH, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, lease_until);
	db_bind_text(c, s, 3, states[outcome]);
	db_bind_int(c, s, 4, next_attempt_at);
	/* The last error stays after a success: it tells what the retries were about. */
	db_bind_text(c, s, 5, last_error);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (applied_out)
		*applied_out = db_changes(c) > 0;
	return 0;
}

/* ---- the admins' view ---------------------------------------------------- */

int store_outbox_list(struct store_conn *c, enum store_outbox_view view, int64_t before_id,
		      int limit, struct arena *a, struct store_outbox_row **rows_out, size_t *n_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c,
			 view == STORE_OUTBOX_VIEW_FAILED ? STMT_OUTBOX_LIST_FAILED
							  : STMT_OUTBOX_LIST_RETRYING,
			 &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, before_id);
	db_bind_int(c, s, 2, limit);
	size_t n = 0, cap = 0;
	struct store_outbox_row *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		struct store_outbox_row *o = &list[n++];
		o->id = db_int(c, s, 0);
		o->event = db_text_dup(c, s, 1, a);
		o->ticket_id = db_int(c, s, 2);
		o->recipient_id = db_int(c, s, 3);
		o->recipient_name = db_text_dup(c, s, 4, a);
		o->recipient_email = db_text_dup(c, s, 5, a);
		o->state = db_text_dup(c, s, 6, a);
		o->attempts = db_int(c, s, 7);
		o->last_error = db_text_dup(c, s, 8, a);
		o->created_at = db_int(c, s, 9);
		o->next_attempt_at = db_int(c, s, 10);
		if (!o->event || !o->state) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
	}
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	*rows_out = list;
	*n_out = n;
	return 0;
}

int store_outbox_retry(struct store_conn *c, int64_t id, int64_t now, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_OUTBOX_RETRY, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, now);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (db_changes(c) > 0)
		return 0;
	/* Why not: no such row, or one that is not failed (sent, or pending already). */
	if ((rc = db_stmt(c, STMT_OUTBOX_STATE, &s, err)) < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such outbox row");
	return sb_error_set(err, SB_ECONFLICT, "outbox row %lld is not failed", (long long)id);
}
