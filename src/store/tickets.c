/*
 * Tickets, their object ids, comments, history and the outbox; request
 * types. The callers (the API) wrap a change, its history rows and its
 * outbox rows in one write transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/driver.h"

static int not_found(struct sb_error *err, const char *what)
{
	return sb_error_set(err, SB_ENOTFOUND, "no such %s", what);
}

/* ---- request types ------------------------------------------------------ */

static void read_request_type(struct store_conn *c, struct db_stmt *s, struct arena *a,
			      struct store_request_type *t)
{
	t->key = db_text_dup(c, s, 0, a);
	t->kind = db_text_dup(c, s, 1, a);
	t->team = db_text_dup(c, s, 2, a);
	t->name_en = db_text_dup(c, s, 3, a);
	t->name_es = db_text_dup(c, s, 4, a);
	t->hint_en = db_text_dup(c, s, 5, a);
	t->hint_es = db_text_dup(c, s, 6, a);
	t->rules = db_text_dup(c, s, 7, a);
	t->required_object_type = db_text_dup(c, s, 8, a);
	t->position = db_int(c, s, 9);
	t->updated_at = db_int(c, s, 10);
}

int store_request_types_list(struct store_conn *c, struct arena *a,
			     struct store_request_type **types_out, size_t *n_out,
			     struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_REQUEST_TYPES_LIST, &s, err);
	if (rc < 0)
		return rc;
	size_t n = 0, cap = 0;
	struct store_request_type *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		read_request_type(c, s, a, &list[n++]);
	}
	c->driver->reset(s);
	*types_out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_request_type_get(struct store_conn *c, const char *key, struct arena *a,
			   struct store_request_type *out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_REQUEST_TYPE_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, key);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		read_request_type(c, s, a, out);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return not_found(err, "request type");
	return rc < 0 ? rc : 0;
}

int store_request_type_update(struct store_conn *c, const struct store_request_type *t,
			      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_REQUEST_TYPE_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, t->key);
	db_bind_text(c, s, 2, t->team);
	db_bind_text(c, s, 3, t->name_en);
	db_bind_text(c, s, 4, t->name_es);
	db_bind_text(c, s, 5, t->hint_en ? t->hint_en : "");
	db_bind_text(c, s, 6, t->hint_es ? t->hint_es : "");
	db_bind_text(c, s, 7, t->rules);
	db_bind_text(c, s, 8, t->required_object_type);
	db_bind_int(c, s, 9, t->position);
	db_bind_int(c, s, 10, t->updated_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc == -SB_ECONFLICT ? sb_error_set(err, SB_EINVAL, "no such team") : rc;
	return db_changes(c) ? 0 : not_found(err, "request type");
}

/* ---- tickets ------------------------------------------------------------ */

int store_ticket_insert(struct store_conn *c, const struct store_ticket *t, int64_t *id_out,
			struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TICKET_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, t->org_id);
	db_bind_int(c, s, 2, t->requester_id);
	db_bind_text(c, s, 3, t->request_type);
	db_bind_text(c, s, 4, t->kind);
	db_bind_text(c, s, 5, t->team);
	db_bind_opt_int(c, s, 6, t->assignee_id);
	db_bind_text(c, s, 7, t->status);
	db_bind_text(c, s, 8, t->priority);
	db_bind_text(c, s, 9, t->subject);
	db_bind_text(c, s, 10, t->description);
	db_bind_text(c, s, 11, t->impact);
	db_bind_text(c, s, 12, t->steps);
	db_bind_text(c, s, 13, t->urls ? t->urls : "");
	db_bind_text(c, s, 14, t->browser);
	db_bind_text(c, s, 15, t->os);
	db_bind_text(c, s, 16, t->business_justification);
	db_bind_text(c, s, 17, t->emergency_criteria ? t->emergency_criteria : "");
	db_bind_text(c, s, 18, t->emergency_phone);
	db_bind_text(c, s, 19, t->member_id);
	db_bind_int(c, s, 20, t->completeness);
	db_bind_text(c, s, 21, t->missing_recommended ? t->missing_recommended : "");
	db_bind_int(c, s, 22, t->created_at);
	db_bind_int(c, s, 23, t->updated_at);
	db_bind_opt_int(c, s, 24, t->first_response_due_at);
	db_bind_text(c, s, 25, t->idempotency_key);
	db_bind_text(c, s, 26, t->missing_required ? t->missing_required : "");
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	int64_t id = db_last_insert_id(c);
	for (size_t i = 0; i < t->n_object_ids; i++) {
		if ((rc = db_stmt(c, STMT_TICKET_OBJECT_INSERT, &s, err)) < 0)
			return rc;
		db_bind_int(c, s, 1, id);
		db_bind_text(c, s, 2, t->object_ids[i].type);
		db_bind_text(c, s, 3, t->object_ids[i].value);
		if ((rc = db_exec_stmt(c, s, err)) < 0)
			return rc;
	}
	*id_out = id;
	return 0;
}

static void read_ticket(struct store_conn *c, struct db_stmt *s, struct arena *a,
			struct store_ticket *t)
{
	int k = 0;
	memset(t, 0, sizeof(*t));
	t->id = db_int(c, s, k++);
	t->org_id = db_int(c, s, k++);
	t->requester_id = db_int(c, s, k++);
	t->request_type = db_text_dup(c, s, k++, a);
	t->kind = db_text_dup(c, s, k++, a);
	t->team = db_text_dup(c, s, k++, a);
	t->assignee_id = db_int(c, s, k++);
	t->status = db_text_dup(c, s, k++, a);
	t->priority = db_text_dup(c, s, k++, a);
	t->subject = db_text_dup(c, s, k++, a);
	t->description = db_text_dup(c, s, k++, a);
	t->impact = db_text_dup(c, s, k++, a);
	t->steps = db_text_dup(c, s, k++, a);
	t->urls = db_text_dup(c, s, k++, a);
	t->browser = db_text_dup(c, s, k++, a);
	t->os = db_text_dup(c, s, k++, a);
	t->business_justification = db_text_dup(c, s, k++, a);
	t->emergency_criteria = db_text_dup(c, s, k++, a);
	t->emergency_phone = db_text_dup(c, s, k++, a);
	t->member_id = db_text_dup(c, s, k++, a);
	t->completeness = db_int(c, s, k++);
	t->missing_recommended = db_text_dup(c, s, k++, a);
	t->created_at = db_int(c, s, k++);
	t->updated_at = db_int(c, s, k++);
	t->first_response_due_at = db_int(c, s, k++);
	t->first_response_at = db_int(c, s, k++);
	t->response_business_seconds = db_int(c, s, k++);
	t->response_clock_seconds = db_int(c, s, k++);
	t->resolved_at = db_int(c, s, k++);
	t->closed_at = db_int(c, s, k++);
	t->version = db_int(c, s, k++);
	t->idempotency_key = db_text_dup(c, s, k++, a);
	t->missing_required = db_text_dup(c, s, k++, a);
}

static int read_objects(struct store_conn *c, struct store_ticket *t, struct arena *a,
			struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TICKET_OBJECTS, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, t->id);
	size_t cap = 0;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		struct store_object_id *o =
			db_list_slot(a, (void **)&t->object_ids, t->n_object_ids, &cap, sizeof(*o));
		if (!o) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		o->type = db_text_dup(c, s, 0, a);
		o->value = db_text_dup(c, s, 1, a);
		t->n_object_ids++;
	}
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}

int store_ticket_get(struct store_conn *c, int64_t id, struct arena *a, struct store_ticket *out,
		     struct sb_error *err)
{
	struct db_stmt *s;
	/*
	 * Read for a change, the row is locked until the commit where other
	 * processes write at the same time: a second writer waits and reads the
	 * first one's result, instead of failing the version check in the
	 * UPDATE with a conflict its client never asked about.
	 */
	int rc = db_stmt(c, c->in_write ? STMT_TICKET_GET_FOR_WRITE : STMT_TICKET_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		read_ticket(c, s, a, out);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return not_found(err, "ticket");
	if (rc < 0)
		return rc;
	return read_objects(c, out, a, err);
}

int store_ticket_by_idempotency(struct store_conn *c, int64_t requester_id, const char *key,
				int64_t *id_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TICKET_BY_IDEMPOTENCY, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, requester_id);
	db_bind_text(c, s, 2, key);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		*id_out = db_int(c, s, 0);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return not_found(err, "ticket");
	return rc < 0 ? rc : 0;
}

int store_ticket_update(struct store_conn *c, const struct store_ticket *t, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TICKET_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, t->id);
	db_bind_int(c, s, 2, t->version);
	db_bind_text(c, s, 3, t->status);
	db_bind_text(c, s, 4, t->priority);
	db_bind_text(c, s, 5, t->team);
	db_bind_opt_int(c, s, 6, t->assignee_id);
	db_bind_opt_int(c, s, 7, t->first_response_due_at);
	db_bind_opt_int(c, s, 8, t->first_response_at);
	if (t->first_response_at) {
		db_bind_int(c, s, 9, t->response_business_seconds);
		db_bind_int(c, s, 10, t->response_clock_seconds);
	} else {
		db_bind_opt_int(c, s, 9, 0);
		db_bind_opt_int(c, s, 10, 0);
	}
	db_bind_opt_int(c, s, 11, t->resolved_at);
	db_bind_opt_int(c, s, 12, t->closed_at);
	db_bind_int(c, s, 13, t->updated_at);
	db_bind_int(c, s, 14, t->completeness);
	db_bind_text(c, s, 15, t->missing_recommended ? t->missing_recommended : "");
	db_bind_text(c, s, 16, t->missing_required ? t->missing_required : "");
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (db_changes(c) == 1)
		return 0;
	/* Nothing changed: tell a stale version from a missing ticket. */
	if ((rc = db_stmt(c, STMT_TICKET_EXISTS, &s, err)) < 0)
		return rc;
	db_bind_int(c, s, 1, t->id);
	rc = db_step(c, s, err);
	c->driver->reset(s);
	if (rc == DB_ROW)
		return sb_error_set(err, SB_ECONFLICT, "the ticket changed since it was read");
	return rc < 0 ? rc : not_found(err, "ticket");
}

/*
 * The list query is assembled from constant fragments chosen by which
 * filters are set; every value is bound. Sorting by due puts tickets
 * without a due time (account requests, answered tickets keep theirs) last.
 */
#define DUE_KEY "coalesce(first_response_due_at, 9223372036854775807)"

int store_tickets_list(struct store_conn *c, const struct store_ticket_filter *f, struct arena *a,
		       struct store_ticket **tickets_out, size_t *n_out, bool *more_out,
		       struct sb_error *err)
{
	char sql[2048];
	int n = 0, p = 0;
	int64_t ints[16];
	const char *texts[16];
	bool is_text[16];
#define ADD(...)     (n += snprintf(sql + n, sizeof(sql) - (size_t)n, __VA_ARGS__))
#define BIND_INT(v)  (is_text[p] = false, ints[p] = (v), ++p)
#define BIND_TEXT(v) (is_text[p] = true, texts[p] = (v), ++p)

	ADD("SELECT %s FROM tickets WHERE 1 = 1", STORE_TICKET_COLUMNS);
	if (f->org_id)
		ADD(" AND org_id = $%d", BIND_INT(f->org_id));
	if (f->team)
		ADD(" AND team_key = $%d", BIND_TEXT(f->team));
	if (f->teams_csv)
		ADD(" AND instr(',' || $%d || ',', ',' || team_key || ',') > 0",
		    BIND_TEXT(f->teams_csv));
	if (f->status)
		ADD(" AND status = $%d", BIND_TEXT(f->status));
	if (f->active)
		ADD(" AND status NOT IN ('resolved', 'closed')");
	if (f->priority)
		ADD(" AND priority = $%d", BIND_TEXT(f->priority));
	if (f->assignee_id)
		ADD(" AND assignee_id = $%d", BIND_INT(f->assignee_id));
	if (f->unassigned)
		ADD(" AND assignee_id IS NULL");
	if (f->request_type)
		ADD(" AND request_type = $%d", BIND_TEXT(f->request_type));
	if (f->kind)
		ADD(" AND kind = $%d", BIND_TEXT(f->kind));
	if (f->assignee_or_rep) {
		int pu = BIND_INT(f->assignee_or_rep);
		ADD(" AND (assignee_id = $%d OR org_id IN (SELECT id FROM orgs WHERE "
		    "account_rep_id = $%d))",
		    pu, pu);
	}
	if (f->object_type && f->object_value) {
		int pt = BIND_TEXT(f->object_type);
		ADD(" AND EXISTS (SELECT 1 FROM ticket_object_ids o WHERE o.ticket_id = tickets.id"
		    " AND o.type = $%d AND o.value = $%d)",
		    pt, BIND_TEXT(f->object_value));
	}
	if (f->sla && strcmp(f->sla, "breached") == 0) {
		int pn = BIND_INT(f->now);
		ADD(" AND first_response_due_at IS NOT NULL AND ((first_response_at IS NULL AND "
		    "first_response_due_at <= $%d) OR first_response_at > first_response_due_at)",
		    pn);
	} else if (f->sla && strcmp(f->sla, "pending") == 0) {
		ADD(" AND first_response_at IS NULL AND first_response_due_at > $%d",
		    BIND_INT(f->now));
	} else if (f->sla && strcmp(f->sla, "met") == 0) {
		ADD(" AND first_response_at IS NOT NULL AND first_response_at <= "
		    "first_response_due_at");
	}
	if (f->has_after && f->sort_by_due) {
		int pd = BIND_INT(f->after_due);
		int pd2 = BIND_INT(f->after_due);
		ADD(" AND (" DUE_KEY " > $%d OR (" DUE_KEY " = $%d AND id > $%d))", pd, pd2,
		    BIND_INT(f->after_id));
	} else if (f->has_after) {
		ADD(" AND id < $%d", BIND_INT(f->after_id));
	}
	ADD(f->sort_by_due ? " ORDER BY " DUE_KEY ", id" : " ORDER BY id DESC");
	ADD(" LIMIT $%d", BIND_INT(f->limit + 1));
#undef ADD
#undef BIND_INT
#undef BIND_TEXT

	struct db_stmt *s;
	int rc = (c->driver->prepare_once ? c->driver->prepare_once
					  : c->driver->prepare)(db_on(c)->handle, sql, &s, err);
	if (rc < 0)
		return rc;
	for (int i = 0; i < p; i++)
		rc = is_text[i] ? db_bind_text(c, s, i + 1, texts[i])
				: db_bind_int(c, s, i + 1, ints[i]);

	struct store_ticket *out = arena_alloc(a, (size_t)(f->limit + 1) * sizeof(*out));
	size_t count = 0;
	if (!out) {
		c->driver->finalize(s);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	while ((rc = db_step(c, s, err)) == DB_ROW)
		read_ticket(c, s, a, &out[count++]);
	c->driver->finalize(s);
	if (rc < 0)
		return rc;
	*more_out = count > (size_t)f->limit;
	if (*more_out)
		count = (size_t)f->limit;
	for (size_t i = 0; i < count; i++)
		if ((rc = read_objects(c, &out[i], a, err)) < 0)
			return rc;
	*tickets_out = out;
	*n_out = count;
	return 0;
}

/* ---- comments, history, outbox ------------------------------------------ */

int store_comment_insert(struct store_conn *c, const struct store_comment *cm, int64_t *id_out,
			 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_COMMENT_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, cm->ticket_id);
	db_bind_int(c, s, 2, cm->author_id);
	db_bind_text(c, s, 3, cm->kind);
	db_bind_text(c, s, 4, cm->body);
	db_bind_int(c, s, 5, cm->created_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (id_out)
		*id_out = db_last_insert_id(c);
	return 0;
}

int store_comments_list(struct store_conn *c, int64_t ticket_id, bool with_notes, struct arena *a,
			struct store_comment **out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_COMMENTS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	db_bind_int(c, s, 2, with_notes ? 1 : 0);
	size_t n = 0, cap = 0;
	struct store_comment *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		struct store_comment *cm = &list[n++];
		cm->id = db_int(c, s, 0);
		cm->ticket_id = db_int(c, s, 1);
		cm->author_id = db_int(c, s, 2);
		cm->kind = db_text_dup(c, s, 3, a);
		cm->body = db_text_dup(c, s, 4, a);
		cm->created_at = db_int(c, s, 5);
		cm->author_name = db_text_dup(c, s, 6, a);
		cm->author_role = db_text_dup(c, s, 7, a);
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_history_insert(struct store_conn *c, const struct store_history *h, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_HISTORY_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, h->ticket_id);
	db_bind_opt_int(c, s, 2, h->actor_id);
	db_bind_int(c, s, 3, h->at);
	db_bind_text(c, s, 4, h->field);
	db_bind_text(c, s, 5, h->old_value);
	db_bind_text(c, s, 6, h->new_value);
	db_bind_text(c, s, 7, h->note);
	return db_exec_stmt(c, s, err);
}

int store_history_list(struct store_conn *c, int64_t ticket_id, struct arena *a,
		       struct store_history **out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_HISTORY_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	size_t n = 0, cap = 0;
	struct store_history *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		struct store_history *h = &list[n++];
		h->id = db_int(c, s, 0);
		h->ticket_id = db_int(c, s, 1);
		h->actor_id = db_int(c, s, 2);
		h->at = db_int(c, s, 3);
		h->field = db_text_dup(c, s, 4, a);
		h->old_value = db_text_dup(c, s, 5, a);
		h->new_value = db_text_dup(c, s, 6, a);
		h->note = db_text_dup(c, s, 7, a);
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_outbox_insert(struct store_conn *c, const char *event, int64_t ticket_id,
			int64_t recipient_id, const char *payload, int64_t now,
			struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_OUTBOX_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, event);
	db_bind_opt_int(c, s, 2, ticket_id);
	db_bind_opt_int(c, s, 3, recipient_id);
	db_bind_text(c, s, 4, payload ? payload : "");
	db_bind_int(c, s, 5, now);
	return db_exec_stmt(c, s, err);
}
