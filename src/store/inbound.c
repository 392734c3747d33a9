/*
 * What the mailgate remembers of the messages it stored (store.h, "inbound
 * mail"): one row per message, written in the transaction of the comment
 * or ticket it made, so that a message delivered twice is stored once.
 */
#include <assert.h>

#include "store/driver.h"

static int inbound_since(struct store_conn *c, int64_t after, int limit, struct arena *a,
			 struct store_inbound **out, size_t *n_out, struct sb_error *err);

int store_inbound_insert(struct store_conn *c, const char *message_id, int64_t ticket_id,
			 int64_t comment_id, const char *outcome, int64_t now, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_INBOUND_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, message_id);
	db_bind_int(c, s, 2, ticket_id);
	db_bind_opt_int(c, s, 3, comment_id);
	db_bind_text(c, s, 4, outcome);
	db_bind_int(c, s, 5, now);
	rc = db_exec_stmt(c, s, err);
	if (rc == -SB_ECONFLICT)
		return sb_error_set(err, SB_ECONFLICT, "this message was stored already");
	return rc;
}

int store_inbound_get(struct store_conn *c, const char *message_id, int64_t *ticket_id_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_INBOUND_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, message_id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		*ticket_id_out = db_int(c, s, 0);
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : sb_error_set(err, SB_ENOTFOUND, "no such message");
}

/*
 * Where writers run at once (PostgreSQL), a row's seq is handed out when it
 * is inserted and the rows may commit out of order: seq 11 visible while
 * seq 10 is still in flight. A reader that took 11 would then pass 10 for
 * ever. So the read runs in a transaction under a SHARE lock on the table,
 * which waits for every transaction that inserted into it (an INSERT's ROW
 * EXCLUSIVE lock conflicts with SHARE) and holds new inserts back for the
 * length of one short SELECT: what it reads has no gap that a later commit
 * would fill. Not inside a write: the caller's reader connection only.
 */
static int inbound_settle(struct store_conn *c, struct sb_error *err)
{
	struct db_stmt *s;
	int rc;
	/* PostgreSQL's BEGIN_WRITE is a plain BEGIN: LOCK needs a transaction that may write. */
	if ((rc = db_stmt(c, STMT_BEGIN_WRITE, &s, err)) < 0 || (rc = db_step(c, s, err)) < 0)
		return rc;
	if ((rc = db_stmt(c, STMT_INBOUND_SETTLE, &s, err)) < 0 || (rc = db_step(c, s, err)) < 0) {
		if (db_stmt(c, STMT_ROLLBACK, &s, NULL) == 0)
			db_step(c, s, NULL);
		return rc;
	}
	return 0;
}

/* Ends inbound_settle()'s transaction; RC is the read's outcome, returned. */
static int inbound_settled(struct store_conn *c, int rc, struct sb_error *err)
{
	struct db_stmt *s;
	int end = db_stmt(c, rc < 0 ? STMT_ROLLBACK : STMT_COMMIT, &s, rc < 0 ? NULL : err);
	if (end == 0)
		end = db_step(c, s, rc < 0 ? NULL : err);
	return rc < 0 ? rc : end < 0 ? end : 0;
}

int store_inbound_since(struct store_conn *c, int64_t after, int limit, struct arena *a,
			struct store_inbound **out, size_t *n_out, struct sb_error *err)
{
	assert(!c->writer);
	if (!c->driver->concurrent_writers)
		return inbound_since(c, after, limit, a, out, n_out, err);
	int rc = inbound_settle(c, err);
	if (rc < 0)
		return rc;
	return inbound_settled(c, inbound_since(c, after, limit, a, out, n_out, err), err);
}

static int inbound_since(struct store_conn *c, int64_t after, int limit, struct arena *a,
			 struct store_inbound **out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_INBOUND_SINCE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, after);
	db_bind_int(c, s, 2, limit);
	size_t n = 0, cap = 0;
	struct store_inbound *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		list[n++] = (struct store_inbound){.seq = db_int(c, s, 0),
						   .ticket_id = db_int(c, s, 1),
						   .comment_id = db_int(c, s, 2),
						   .outcome = db_text_dup(c, s, 3, a)};
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_inbound_last(struct store_conn *c, int64_t *seq_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_INBOUND_LAST, &s, err);
	if (rc < 0)
		return rc;
	rc = db_step(c, s, err);
	*seq_out = rc == DB_ROW ? db_int(c, s, 0) : 0;
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}
