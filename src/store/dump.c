/*
 * Export and import at the store: the catalog of tables, and generic scans
 * and loads over the driver's statement API (see dump.h). The SQL is
 * assembled from the catalog's literals by the preprocessor, never at run
 * time, and values are always bound.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/dump.h"

/* "$1, $2, ..., $N": the placeholders of an N-column INSERT. */
#define P1  "$1"
#define P2  P1 ", $2"
#define P3  P2 ", $3"
#define P4  P3 ", $4"
#define P5  P4 ", $5"
#define P6  P5 ", $6"
#define P7  P6 ", $7"
#define P8  P7 ", $8"
#define P9  P8 ", $9"
#define P10 P9 ", $10"
#define P11 P10 ", $11"
#define P12 P11 ", $12"
#define P13 P12 ", $13"
#define P14 P13 ", $14"
#define P15 P14 ", $15"
#define P16 P15 ", $16"
#define P17 P16 ", $17"
#define P18 P17 ", $18"
#define P19 P18 ", $19"
#define P20 P19 ", $20"
#define P21 P20 ", $21"
#define P22 P21 ", $22"
#define P23 P22 ", $23"
#define P24 P23 ", $24"
#define P25 P24 ", $25"
#define P26 P25 ", $26"
#define P27 P26 ", $27"
#define P28 P27 ", $28"
#define P29 P28 ", $29"
#define P30 P29 ", $30"
#define P31 P30 ", $31"
#define P32 P31 ", $32"
#define P33 P32 ", $33"
#define P34 P33 ", $34"
#define P35 P34 ", $35"
#define P36 P35 ", $36"
#define P37 P36 ", $37"
#define P38 P37 ", $38"
#define P39 P38 ", $39"
#define P40 P39 ", $40"

#define TABLE(name, cols, types, order, ph, stmt, id, seeded)                                      \
	{                                                                                          \
#name, cols, types, "SELECT " cols " FROM " #name " ORDER BY " order,              \
			"INSERT INTO " #name " (" cols ") VALUES (" ph ")",                        \
			"SELECT count(*) FROM " #name, stmt, id, seeded                            \
	}

/*
 * Load order: users before what names a user (teams' on-call, orgs' SPOC),
 * tickets before what hangs off them. users.org_id is not a foreign key,
 * which is what lets users come before orgs.
 */
static const struct store_table tables[] = {
	TABLE(users,
	      "id, email, name, role, org_id, password_hash, language, muted, created_at, disabled",
	      "itttitttii", "id", P10, -1, "id", false),
	TABLE(teams, "key, name_en, name_es, renamed_at, on_call_id", "tttii", "key", P5, -1, NULL,
	      true),
	TABLE(user_teams, "user_id, team_key", "it", "user_id, team_key", P2, -1, NULL, false),
	TABLE(orgs,
	      "id, name, member_id, bidder_ids, spoc_id, account_rep_id, language, created_at",
	      "itttiiti", "id", P8, -1, "id", false),
	TABLE(api_tokens, "id, user_id, token_hash, label, created_at", "iibti", "id", P5, -1, "id",
	      false),
	TABLE(sessions, "id_hash, user_id, csrf, created_at, expires_at", "bitii", "id_hash", P5,
	      -1, NULL, false),
	TABLE(settings, "key, value", "tt", "key", P2, -1, NULL, false),
	TABLE(request_types,
	      "key, kind, team_key, name_en, name_es, hint_en, hint_es, rules, "
	      "required_object_type, position, updated_at",
	      "tttttttttii", "key", P11, -1, NULL, true),
	TABLE(tickets,
	      "id, org_id, requester_id, request_type, kind, team_key, assignee_id, status, "
	      "priority, subject, description, impact, steps, urls, browser, os, "
	      "business_justification, emergency_criteria, emergency_phone, member_id, "
	      "completeness, missing_recommended, created_at, updated_at, first_response_due_at, "
	      "first_response_at, response_business_seconds, response_clock_seconds, resolved_at, "
	      "closed_at, version, idempotency_key, sla_warn_at, sla_breach_at, "
	      "emergency_quiet_since, missing_required",
	      "iiitttitttttttttttttitiiiiiiiiitiiit", "id", P36, -1, "id", false),
	TABLE(ticket_object_ids, "ticket_id, type, value", "itt", "ticket_id, type, value", P3,
	      STMT_DUMP_TICKET_OBJECT_IDS, NULL, false),
	TABLE(comments, "id, ticket_id, author_id, kind, body, created_at", "iiitti", "id", P6, -1,
	      "id", false),
	TABLE(history, "id, ticket_id, actor_id, at, field, old_value, new_value, note", "iiiitttt",
	      "id", P8, -1, "id", false),
	TABLE(attachments,
	      "id, ticket_id, comment_id, uploader_id, filename, content_type, size, sha256, "
	      "created_at",
	      "iiiittiti", "id", P9, -1, "id", false),
	TABLE(engineering_issues, "id, key, url, title, fixed_at, created_at", "itttii", "id", P6,
	      -1, "id", false),
	TABLE(ticket_engineering_links, "ticket_id, issue_id, linked_at", "iii",
	      "ticket_id, issue_id", P3, -1, NULL, false),
	TABLE(outbox,
	      "id, event, ticket_id, recipient_id, payload, created_at, state, attempts, "
	      "next_attempt_at, lease_until, last_error",
	      "itiititiiit", "id", P11, -1, "id", false),
	TABLE(drafts,
	      "id, org_id, author_id, fields, state, return_comment, ticket_id, created_at, "
	      "updated_at",
	      "iiitttiii", "id", P9, -1, "id", false),
	TABLE(ticket_followers, "ticket_id, user_id", "ii", "ticket_id, user_id", P2, -1, NULL,
	      false),
	TABLE(inbound_messages, "message_id, ticket_id, comment_id, outcome, received_at", "tiiti",
	      "message_id", P5, STMT_DUMP_INBOUND_MESSAGES, NULL, false),
	TABLE(webhooks,
	      "id, url, events, secret, previous_secret, previous_expires_at, active, description, "
	      "created_by, created_at, updated_at",
	      "ittttiitiii", "id", P11, -1, "id", false),
	TABLE(webhook_deliveries,
	      "id, webhook_id, event, msg_id, payload, ticket_id, state, attempts, created_at, "
	      "queued_at, next_attempt_at, lease_until, last_attempt_at, delivered_at, "
	      "last_status, last_error, response_excerpt",
	      "iitttitiiiiiiiitt", "id", P17, -1, "id", false),
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

const struct store_table *store_tables(size_t *n_out)
{
	*n_out = NTABLES;
	return tables;
}

int store_snapshot_begin(struct store_conn *c, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_BEGIN_READ, &s, err);
	return rc < 0 ? rc : db_exec_stmt(c, s, err);
}

void store_snapshot_end(struct store_conn *c)
{
	struct db_stmt *s;
	/* Read only: COMMIT and ROLLBACK end it alike. */
	if (db_stmt(c, STMT_COMMIT, &s, NULL) == 0)
		db_exec_stmt(c, s, NULL);
}

/* Prepares SQL on the connection C's statements run on; finalize when done. */
static int prepare(struct store_conn *c, const char *sql, struct db_stmt **out,
		   struct sb_error *err)
{
	return c->driver->prepare(db_on(c)->handle, sql, out, err);
}

int store_table_count(struct store_conn *c, const struct store_table *t, int64_t *n_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = prepare(c, t->count_sql, &s, err);
	if (rc < 0)
		return rc;
	rc = c->driver->step(s, err);
	if (rc == DB_ROW)
		*n_out = c->driver->column_int(s, 0);
	c->driver->finalize(s);
	return rc < 0 ? rc : 0;
}

int store_table_scan(struct store_conn *c, const struct store_table *t, store_row_fn fn, void *ctx,
		     struct sb_error *err)
{
	size_t ncol = strlen(t->types);
	struct store_value *v = calloc(ncol, sizeof(*v));
	struct db_stmt *s = NULL;
	bool cached = t->select_stmt >= 0;
	int rc;
	if (!v)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	rc = cached ? db_stmt(c, (enum stmt_id)t->select_stmt, &s, err)
		    : prepare(c, t->select_sql, &s, err);
	if (rc < 0)
		goto out;
	while ((rc = c->driver->step(s, err)) == DB_ROW) {
		for (size_t i = 0; i < ncol; i++) {
			int col = (int)i;
			memset(&v[i], 0, sizeof(v[i]));
			if (c->driver->column_null(s, col)) {
				v[i].kind = STORE_VALUE_NULL;
			} else if (t->types[i] == STORE_COL_INT) {
				v[i].kind = STORE_VALUE_INT;
				v[i].i = c->driver->column_int(s, col);
			} else if (t->types[i] == STORE_COL_TEXT) {
				v[i].kind = STORE_VALUE_TEXT;
				v[i].p = c->driver->column_text(s, col);
				v[i].len = strlen(v[i].p);
			} else {
				v[i].kind = STORE_VALUE_BLOB;
				v[i].p = c->driver->column_blob(s, col, &v[i].len);
			}
		}
		if ((rc = fn(ctx, v, err)) < 0)
			break;
	}
out:
	if (s && cached)
		c->driver->reset(s);
	else if (s)
		c->driver->finalize(s);
	free(v);
	return rc < 0 ? rc : 0;
}

struct store_loader {
	struct store_conn *c;
	struct db_stmt *insert[NTABLES];
};

void store_loader_free(struct store_loader *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < NTABLES; i++)
		if (l->insert[i])
			l->c->driver->finalize(l->insert[i]);
	free(l);
}

int store_load_begin(struct store_conn *c, struct store_loader **out, struct sb_error *err)
{
	if (!store_in_write(c))
		return sb_error_set(err, SB_EINVAL, "store_load_begin() outside a write");
	for (size_t i = 0; i < NTABLES; i++) {
		int64_t n = 0;
		int rc = store_table_count(c, &tables[i], &n, err);
		if (rc < 0)
			return rc;
		if (n > 0 && !tables[i].seeded)
			return sb_error_set(err, SB_ECONFLICT,
					    "the target database is not empty (table %s has %lld "
					    "rows): import only into a new data directory",
					    tables[i].name, (long long)n);
	}
	/* The seed rows go: the export carries the source's own, renamed teams and all. */
	static const char *const clear[] = {"DELETE FROM request_types", "DELETE FROM teams"};
	for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++) {
		struct db_stmt *s;
		int rc = prepare(c, clear[i], &s, err);
		if (rc < 0)
			return rc;
		rc = c->driver->step(s, err);
		c->driver->finalize(s);
		if (rc < 0)
			return rc;
	}
	struct store_loader *l = calloc(1, sizeof(*l));
	if (!l)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	l->c = c;
	*out = l;
	return 0;
}

int store_load_row(struct store_loader *l, size_t table, const struct store_value *values,
		   struct sb_error *err)
{
	struct store_conn *c = l->c;
	int rc;
	if (table >= NTABLES)
		return sb_error_set(err, SB_EINVAL, "no such table");
	const struct store_table *t = &tables[table];
	if (!l->insert[table] && (rc = prepare(c, t->insert_sql, &l->insert[table], err)) < 0)
		return rc;
	struct db_stmt *s = l->insert[table];
	c->driver->reset(s);
	for (size_t i = 0; t->types[i]; i++) {
		const struct store_value *v = &values[i];
		int n = (int)i + 1;
		switch (v->kind) {
		case STORE_VALUE_INT: rc = c->driver->bind_int(s, n, v->i); break;
		case STORE_VALUE_TEXT: rc = c->driver->bind_text(s, n, v->p, v->len); break;
		case STORE_VALUE_BLOB: rc = c->driver->bind_blob(s, n, v->p, v->len); break;
		default: rc = c->driver->bind_null(s, n); break;
		}
		if (rc < 0)
			return sb_error_set(err, SB_EINVAL, "%s: cannot bind column %zu", t->name,
					    i + 1);
	}
	rc = c->driver->step(s, err);
	c->driver->reset(s);
	if (rc < 0 && err) {
		char why[SB_ERROR_MESSAGE_MAX];
		memcpy(why, err->message, sizeof(why));
		return sb_error_set(err, err->code, "%s: %s", t->name, why);
	}
	return rc < 0 ? rc : 0;
}

int store_load_finish(struct store_loader *l, struct sb_error *err)
{
	struct store_conn *c = l->c;
	if (!c->driver->sync_id_counter)
		return 0;
	for (size_t i = 0; i < NTABLES; i++) {
		if (!tables[i].id_column)
			continue;
		int rc = c->driver->sync_id_counter(db_on(c)->handle, tables[i].name,
						    tables[i].id_column, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
