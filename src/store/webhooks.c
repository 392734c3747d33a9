/*
 * Webhooks and their deliveries (docs/webhooks.md). The deliveries table is
 * both the queue the job runner claims from, the way the outbox is claimed
 * (store/outbox.c), and the delivery log admins read.
 *
 * Fan-out happens here: store_webhooks_enqueue() reads the active webhooks
 * and inserts one row for each that subscribed to the event, inside the
 * caller's transaction. Subscriptions are a short comma-separated list per
 * webhook, matched here in C rather than with LIKE, whose '_' wildcard
 * event names contain.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

static int webhook_row(struct store_conn *c, struct db_stmt *s, struct arena *a,
		       struct store_webhook *w)
{
	w->id = db_int(c, s, 0);
	w->url = db_text_dup(c, s, 1, a);
	w->events = db_text_dup(c, s, 2, a);
	w->secret = db_text_dup(c, s, 3, a);
	w->previous_secret = db_text_dup(c, s, 4, a);
	w->previous_expires_at = db_int(c, s, 5);
	w->active = db_int(c, s, 6) != 0;
	w->description = db_text_dup(c, s, 7, a);
	w->created_by = db_int(c, s, 8);
	w->created_at = db_int(c, s, 9);
	w->updated_at = db_int(c, s, 10);
	return w->url && w->events && w->secret && w->description ? 0 : -SB_ENOMEM;
}

int store_webhook_insert(struct store_conn *c, const struct store_webhook *w, int64_t *id_out,
			 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOK_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, w->url);
	db_bind_text(c, s, 2, w->events);
	db_bind_text(c, s, 3, w->secret);
	db_bind_int(c, s, 4, w->active);
	db_bind_text(c, s, 5, w->description ? w->description : "");
	db_bind_opt_int(c, s, 6, w->created_by);
	db_bind_int(c, s, 7, w->created_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	*id_out = db_last_insert_id(c);
	return 0;
}

int store_webhook_get(struct store_conn *c, int64_t id, struct arena *a, struct store_webhook *out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOK_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW && webhook_row(c, s, a, out) < 0)
		rc = sb_error_set(err, SB_ENOMEM, "out of memory");
	c->driver->reset(s);
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such webhook");
	return rc < 0 ? rc : 0;
}

int store_webhooks_list(struct store_conn *c, struct arena *a, struct store_webhook **out,
			size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOKS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, STORE_WEBHOOKS_MAX);
	size_t n = 0, cap = 0;
	struct store_webhook *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list)) ||
		    webhook_row(c, s, a, &list[n]) < 0) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		n++;
	}
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	*out = list;
	*n_out = n;
	return 0;
}

int store_webhooks_count(struct store_conn *c, int64_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOKS_COUNT, &s, err);
	if (rc < 0)
		return rc;
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		*n_out = db_int(c, s, 0);
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}

/* Runs S (bound) and turns "no row changed" into -SB_ENOTFOUND. */
static int exec_one(struct store_conn *c, struct db_stmt *s, struct sb_error *err)
{
	int rc = db_exec_stmt(c, s, err);
	if (rc < 0)
		return rc;
	return db_changes(c) > 0 ? 0 : sb_error_set(err, SB_ENOTFOUND, "no such webhook");
}

int store_webhook_update(struct store_conn *c, const struct store_webhook *w, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOK_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, w->id);
	db_bind_text(c, s, 2, w->url);
	db_bind_text(c, s, 3, w->events);
	db_bind_int(c, s, 4, w->active);
	db_bind_text(c, s, 5, w->description ? w->description : "");
	db_bind_int(c, s, 6, w->updated_at);
	return exec_one(c, s, err);
}

int store_webhook_rotate(struct store_conn *c, int64_t id, const char *secret,
			 int64_t previous_until, int64_t now, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WEBHOOK_ROTATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_text(c, s, 2, secret);
	db_bind_int(c, s, 3, previous_until);
	db_bind_int(c, s, 4, now);
	return exec_one(c, s, err);
}

int store_webhook_delete(struct store_conn *c, int64_t id, struct sb_error *err)
{
	struct db_stmt *s;
	/* Its deliveries go with it (ON DELETE CASCADE; foreign keys are on). */
	int rc = db_stmt(c, STMT_WEBHOOK_DELETE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	return exec_one(c, s, err);
}

/* Whether EVENT is one of the comma-separated LIST. */
static bool subscribed(const char *list, const char *event)
{
	size_t n = strlen(event);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, event, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

int store_webhook_delivery_insert(struct store_conn *c, int64_t webhook_id, const char *event,
				  const char *msg_id, const char *payload, int64_t now,
				  int64_t *id_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, webhook_id);
	db_bind_text(c, s, 2, event);
	db_bind_text(c, s, 3, msg_id);
	db_bind_text(c, s, 4, payload);
	db_bind_opt_int(c, s, 5, 0);
	db_bind_int(c, s, 6, now);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (id_out)
		*id_out = db_last_insert_id(c);
	return 0;
}

int store_webhooks_enqueue(struct store_conn *c, const char *event, const char *msg_id,
			   const char *payload, int64_t ticket_id, int64_t now, int *n_out,
			   struct sb_error *err)
{
	struct db_stmt *s;
	int64_t ids[STORE_WEBHOOKS_MAX];
	int n = 0;
	int rc = db_stmt(c, STMT_WEBHOOKS_ACTIVE, &s, err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(c, s, err)) == DB_ROW && n < STORE_WEBHOOKS_MAX)
		if (subscribed(db_text(c, s, 1), event))
			ids[n++] = db_int(c, s, 0);
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = db_stmt(c, STMT_WH_DELIVERY_INSERT, &s, err)) < 0)
			return rc;
		db_bind_int(c, s, 1, ids[i]);
		db_bind_text(c, s, 2, event);
		db_bind_text(c, s, 3, msg_id);
		db_bind_text(c, s, 4, payload);
		db_bind_opt_int(c, s, 5, ticket_id);
		db_bind_int(c, s, 6, now);
		if ((rc = db_exec_stmt(c, s, err)) < 0)
			return rc;
	}
	if (n_out)
		*n_out = n;
	return 0;
}

static int delivery_row(struct store_conn *c, struct db_stmt *s, struct arena *a,
			struct store_webhook_delivery *d)
{
	d->id = db_int(c, s, 0);
	d->webhook_id = db_int(c, s, 1);
	d->event = db_text_dup(c, s, 2, a);
	d->msg_id = db_text_dup(c, s, 3, a);
	d->payload = db_text_dup(c, s, 4, a);
	d->ticket_id = db_int(c, s, 5);
	d->state = db_text_dup(c, s, 6, a);
	d->attempts = db_int(c, s, 7);
	d->created_at = db_int(c, s, 8);
	d->queued_at = db_int(c, s, 9);
	d->next_attempt_at = db_int(c, s, 10);
	d->lease_until = db_int(c, s, 11);
	d->last_attempt_at = db_int(c, s, 12);
	d->delivered_at = db_int(c, s, 13);
	d->last_status = db_int(c, s, 14);
	d->last_error = db_text_dup(c, s, 15, a);
	d->response_excerpt = db_text_dup(c, s, 16, a);
	return d->event && d->msg_id && d->payload && d->state ? 0 : -SB_ENOMEM;
}

/* The rows statement S (bound) returns, in A. */
static int delivery_rows(struct store_conn *c, struct db_stmt *s, struct arena *a,
			 struct store_webhook_delivery **out, size_t *n_out, struct sb_error *err)
{
	size_t n = 0, cap = 0;
	struct store_webhook_delivery *list = NULL;
	int rc;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list)) ||
		    delivery_row(c, s, a, &list[n]) < 0) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		n++;
	}
	c->driver->reset(s);
	if (rc < 0)
		return rc;
	*out = list;
	*n_out = n;
	return 0;
}

int store_webhook_delivery_get(struct store_conn *c, int64_t id, struct arena *a,
			       struct store_webhook_delivery *out, struct sb_error *err)
{
	struct db_stmt *s;
	struct store_webhook_delivery *list;
	size_t n;
	int rc = db_stmt(c, STMT_WH_DELIVERY_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	if ((rc = delivery_rows(c, s, a, &list, &n, err)) < 0)
		return rc;
	if (n == 0)
		return sb_error_set(err, SB_ENOTFOUND, "no such delivery");
	*out = list[0];
	return 0;
}

int store_webhook_deliveries_list(struct store_conn *c, int64_t webhook_id, int64_t before_id,
				  int limit, struct arena *a, struct store_webhook_delivery **out,
				  size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERIES_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, webhook_id);
	db_bind_int(c, s, 2, before_id);
	db_bind_int(c, s, 3, limit);
	return delivery_rows(c, s, a, out, n_out, err);
}

int store_webhook_delivery_retry(struct store_conn *c, int64_t id, int64_t now, bool *applied_out,
				 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_RETRY, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, now);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	*applied_out = db_changes(c) > 0;
	return 0;
}

int store_webhook_deliveries_due(struct store_conn *c, int64_t now, bool *due_out,
				 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_DUE, &s, err);
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
	const struct store_webhook_delivery *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

int store_webhook_deliveries_claim(struct store_conn *c, int64_t now, int64_t lease_until,
				   int limit, struct arena *a, struct store_webhook_delivery **out,
				   size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_CLAIM, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, now);
	db_bind_int(c, s, 2, lease_until);
	db_bind_int(c, s, 3, limit);
	if ((rc = delivery_rows(c, s, a, out, n_out, err)) < 0)
		return rc;
	/* RETURNING gives rows in no promised order; deliver oldest first. */
	if (*n_out > 1)
		qsort(*out, *n_out, sizeof(**out), by_id);
	return 0;
}

int store_webhook_delivery_finish(struct store_conn *c, int64_t id, int64_t lease_until,
				  const struct store_webhook_outcome *o, bool *applied_out,
				  struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_FINISH, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, lease_until);
	db_bind_text(c, s, 3, o->state);
	db_bind_int(c, s, 4, o->next_attempt_at);
	db_bind_opt_int(c, s, 5, o->http_status);
	db_bind_text(c, s, 6, o->error);
	db_bind_text(c, s, 7, o->excerpt);
	db_bind_opt_int(c, s, 8, o->delivered_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (applied_out)
		*applied_out = db_changes(c) > 0;
	return 0;
}

int store_webhook_delivery_release(struct store_conn *c, int64_t id, int64_t lease_until,
				   int64_t next_attempt_at, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERY_RELEASE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_int(c, s, 2, lease_until);
	db_bind_int(c, s, 3, next_attempt_at);
	return db_exec_stmt(c, s, err);
}

int store_webhook_deliveries_prune(struct store_conn *c, int64_t before, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_WH_DELIVERIES_PRUNE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, before);
	return db_exec_stmt(c, s, err);
}
