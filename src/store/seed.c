/*
 * Reference data every deployment starts with, from the catalogs in
 * src/core: teams and request types. The store takes the rows from core
 * rather than duplicating them in SQL, so the catalog has one source.
 */
#include "core/request_types.h"
#include "core/teams.h"
#include "store/driver.h"

static int seed_teams(struct store_conn *c, struct sb_error *err)
{
	size_t n;
	const struct team *teams = teams_all(&n);
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *s;
		int rc = db_stmt(c, STMT_TEAM_UPSERT, &s, err);
		if (rc < 0)
			return rc;
		db_bind_text(c, s, 1, teams[i].key);
		db_bind_text(c, s, 2, teams[i].name_en);
		db_bind_text(c, s, 3, teams[i].name_es);
		if ((rc = db_exec_stmt(c, s, err)) < 0)
			return rc;
	}
	return 0;
}

static int seed_request_types(struct store_conn *c, int64_t now, struct sb_error *err)
{
	size_t n;
	const struct request_type *types = request_types_default(&n);
	for (size_t i = 0; i < n; i++) {
		const struct request_type *t = &types[i];
		char rules[REQUEST_RULES_TEXT_SIZE];
		struct db_stmt *s;
		int rc = db_stmt(c, STMT_REQUEST_TYPE_SEED, &s, err);
		if (rc < 0)
			return rc;
		db_bind_text(c, s, 1, t->key);
		db_bind_text(c, s, 2, t->kind == REQUEST_KIND_ROUTED ? "routed" : "account");
		db_bind_text(c, s, 3, t->team);
		db_bind_text(c, s, 4, t->name_en);
		db_bind_text(c, s, 5, t->name_es);
		db_bind_text(c, s, 6, t->hint_en);
		db_bind_text(c, s, 7, t->hint_es);
		db_bind_text(c, s, 8, request_rules_format(t->rules, rules));
		db_bind_text(c, s, 9, t->required_object_type);
		db_bind_int(c, s, 10, (int64_t)i);
		db_bind_int(c, s, 11, now);
		if ((rc = db_exec_stmt(c, s, err)) < 0)
			return rc;
	}
	return 0;
}

int store_seed_defaults(struct store_conn *c, int64_t now, struct sb_error *err)
{
	int rc = store_write_begin(c, err);
	if (rc < 0)
		return rc;
	if ((rc = seed_teams(c, err)) < 0 || (rc = seed_request_types(c, now, err)) < 0) {
		store_write_rollback(c);
		return rc;
	}
	return store_write_commit(c, err);
}
