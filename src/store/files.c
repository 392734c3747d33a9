/* Attachments' rows and engineering issues. */
#include <string.h>

#include "store/driver.h"

static void read_attachment(struct store_conn *c, struct db_stmt *s, struct arena *a,
			    struct store_attachment *at)
{
	at->id = db_int(c, s, 0);
	at->ticket_id = db_int(c, s, 1);
	at->comment_id = db_int(c, s, 2);
	at->uploader_id = db_int(c, s, 3);
	at->filename = db_text_dup(c, s, 4, a);
	at->content_type = db_text_dup(c, s, 5, a);
	at->size = db_int(c, s, 6);
	at->sha256 = db_text_dup(c, s, 7, a);
	at->created_at = db_int(c, s, 8);
}

int store_attachment_insert(struct store_conn *c, const struct store_attachment *at,
			    int64_t *id_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ATTACHMENT_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, at->ticket_id);
	db_bind_opt_int(c, s, 2, at->comment_id);
	db_bind_int(c, s, 3, at->uploader_id);
	db_bind_text(c, s, 4, at->filename);
	db_bind_text(c, s, 5, at->content_type);
	db_bind_int(c, s, 6, at->size);
	db_bind_text(c, s, 7, at->sha256);
	db_bind_int(c, s, 8, at->created_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	*id_out = db_last_insert_id(c);
	return 0;
}

int store_attachment_get(struct store_conn *c, int64_t id, struct arena *a,
			 struct store_attachment *out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ATTACHMENT_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		read_attachment(c, s, a, out);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such attachment");
	return rc < 0 ? rc : 0;
}

int store_attachments_list(struct store_conn *c, int64_t ticket_id, struct arena *a,
			   struct store_attachment **out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ATTACHMENTS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	size_t n = 0, cap = 0;
	struct store_attachment *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		read_attachment(c, s, a, &list[n++]);
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_engineering_issue_insert(struct store_conn *c, const struct store_engineering_issue *e,
				   int64_t *id_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, e->key);
	db_bind_text(c, s, 2, e->url ? e->url : "");
	db_bind_text(c, s, 3, e->title ? e->title : "");
	db_bind_int(c, s, 4, e->created_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc == -SB_ECONFLICT ? sb_error_set(err, SB_ECONFLICT,
							  "an engineering issue "
							  "with this key exists")
					   : rc;
	*id_out = db_last_insert_id(c);
	return 0;
}

/* A row of STORE_ENG_COLUMNS. */
static void read_issue(struct store_conn *c, struct db_stmt *s, struct arena *a,
		       struct store_engineering_issue *e)
{
	e->id = db_int(c, s, 0);
	e->key = db_text_dup(c, s, 1, a);
	e->url = db_text_dup(c, s, 2, a);
	e->title = db_text_dup(c, s, 3, a);
	e->fixed_at = db_int(c, s, 4);
	e->created_at = db_int(c, s, 5);
}

int store_engineering_issue_get(struct store_conn *c, int64_t id, struct arena *a,
				struct store_engineering_issue *out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		read_issue(c, s, a, out);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such engineering issue");
	return rc < 0 ? rc : 0;
}

int store_engineering_issue_set_fixed(struct store_conn *c, int64_t id, int64_t fixed_at,
				      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_SET_FIXED, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	db_bind_opt_int(c, s, 2, fixed_at);
	return db_exec_stmt(c, s, err);
}

int store_engineering_link(struct store_conn *c, int64_t ticket_id, int64_t issue_id, int64_t now,
			   bool *added_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_LINK, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	db_bind_int(c, s, 2, issue_id);
	db_bind_int(c, s, 3, now);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	*added_out = db_changes(c) > 0; /* ON CONFLICT DO NOTHING changes no row */
	return 0;
}

static int ids(struct store_conn *c, enum stmt_id id, int64_t key, struct arena *a, int64_t **out,
	       size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, id, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, key);
	size_t n = 0, cap = 0;
	int64_t *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		list[n++] = db_int(c, s, 0);
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_engineering_linked_tickets(struct store_conn *c, int64_t issue_id, struct arena *a,
				     int64_t **ids_out, size_t *n_out, struct sb_error *err)
{
	return ids(c, STMT_ENG_LINKED_TICKETS, issue_id, a, ids_out, n_out, err);
}

/* Steps S (bound) to the end, reading issue rows into a list in A. */
static int issues(struct store_conn *c, struct db_stmt *s, struct arena *a,
		  struct store_engineering_issue **out, size_t *n_out, struct sb_error *err)
{
	size_t n = 0, cap = 0;
	struct store_engineering_issue *list = NULL;
	int rc;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		read_issue(c, s, a, &list[n++]);
	}
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_engineering_issues_list(struct store_conn *c, const struct store_engineering_filter *f,
				  struct arena *a, struct store_engineering_issue **issues_out,
				  size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, f->key);
	/* $2: NULL for either state, 1 for fixed, 0 for open. */
	if (f->state == STORE_ENG_ANY)
		db_bind_text(c, s, 2, NULL);
	else
		db_bind_int(c, s, 2, f->state == STORE_ENG_FIXED);
	db_bind_int(c, s, 3, STORE_ENGINEERING_MAX);
	return issues(c, s, a, issues_out, n_out, err);
}

int store_engineering_ticket_issues(struct store_conn *c, int64_t ticket_id, struct arena *a,
				    struct store_engineering_issue **issues_out, size_t *n_out,
				    struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ENG_TICKET_ISSUES, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	db_bind_int(c, s, 2, STORE_ENGINEERING_MAX);
	return issues(c, s, a, issues_out, n_out, err);
}

/* ---- drafts and followers ----------------------------------------------- */

static void read_draft(struct store_conn *c, struct db_stmt *s, struct arena *a,
		       struct store_draft *d)
{
	d->id = db_int(c, s, 0);
	d->org_id = db_int(c, s, 1);
	d->author_id = db_int(c, s, 2);
	d->fields = db_text_dup(c, s, 3, a);
	d->state = db_text_dup(c, s, 4, a);
	d->return_comment = db_text_dup(c, s, 5, a);
	d->ticket_id = db_int(c, s, 6);
	d->created_at = db_int(c, s, 7);
	d->updated_at = db_int(c, s, 8);
}

int store_draft_insert(struct store_conn *c, const struct store_draft *d, int64_t *id_out,
		       struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_DRAFT_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, d->org_id);
	db_bind_int(c, s, 2, d->author_id);
	db_bind_text(c, s, 3, d->fields);
	db_bind_int(c, s, 4, d->created_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	*id_out = db_last_insert_id(c);
	return 0;
}

int store_draft_get(struct store_conn *c, int64_t id, struct arena *a, struct store_draft *out,
		    struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_DRAFT_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	rc = db_step(c, s, err);
	if (rc == DB_ROW)
		read_draft(c, s, a, out);
	c->driver->reset(s);
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such draft");
	return rc < 0 ? rc : 0;
}

int store_draft_update(struct store_conn *c, const struct store_draft *d, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_DRAFT_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, d->id);
	db_bind_text(c, s, 2, d->fields);
	db_bind_text(c, s, 3, d->state);
	db_bind_text(c, s, 4, d->return_comment);
	db_bind_opt_int(c, s, 5, d->ticket_id);
	db_bind_int(c, s, 6, d->updated_at);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	return db_changes(c) ? 0 : sb_error_set(err, SB_ENOTFOUND, "no such draft");
}

int store_drafts_list(struct store_conn *c, int64_t org_id, int64_t author_id, struct arena *a,
		      struct store_draft **out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_DRAFTS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, org_id);
	db_bind_int(c, s, 2, author_id);
	size_t n = 0;
	struct store_draft *list = arena_alloc(a, 200 * sizeof(*list));
	if (!list) {
		c->driver->reset(s);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	while (n < 200 && (rc = db_step(c, s, err)) == DB_ROW)
		read_draft(c, s, a, &list[n++]);
	c->driver->reset(s);
	*out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_follower_add(struct store_conn *c, int64_t ticket_id, int64_t user_id,
		       struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_FOLLOWER_ADD, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, ticket_id);
	db_bind_int(c, s, 2, user_id);
	return db_exec_stmt(c, s, err);
}
