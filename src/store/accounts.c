/* Users, organizations, teams, API tokens, sessions and settings. */
#include <string.h>

#include "store/driver.h"

/* Steps S expecting one row; -SB_ENOTFOUND naming WHAT when there is none. */
static int one_row(struct store_conn *c, struct db_stmt *s, const char *what, struct sb_error *err)
{
	int rc = db_step(c, s, err);
	if (rc == DB_DONE)
		return sb_error_set(err, SB_ENOTFOUND, "no such %s", what);
	return rc < 0 ? rc : 0;
}

static int insert(struct store_conn *c, struct db_stmt *s, int64_t *id_out, const char *what,
		  struct sb_error *err)
{
	int rc = db_exec_stmt(c, s, err);
	if (rc == -SB_ECONFLICT)
		return sb_error_set(err, SB_ECONFLICT, "%s already exists", what);
	if (rc < 0)
		return rc;
	if (id_out)
		*id_out = db_last_insert_id(c);
	return 0;
}

/* ---- users -------------------------------------------------------------- */

int store_user_insert(struct store_conn *c, const struct store_user *u, int64_t *id_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, u->email);
	db_bind_text(c, s, 2, u->name);
	db_bind_text(c, s, 3, u->role);
	db_bind_opt_int(c, s, 4, u->org_id);
	db_bind_text(c, s, 5, u->password_hash);
	db_bind_text(c, s, 6, u->language ? u->language : "en");
	db_bind_int(c, s, 7, u->created_at);
	return insert(c, s, id_out, "a user with this email", err);
}

static void read_user(struct store_conn *c, struct db_stmt *s, struct arena *a,
		      struct store_user *u)
{
	u->id = db_int(c, s, 0);
	u->email = db_text_dup(c, s, 1, a);
	u->name = db_text_dup(c, s, 2, a);
	u->role = db_text_dup(c, s, 3, a);
	u->org_id = db_int(c, s, 4);
	u->password_hash = db_text_dup(c, s, 5, a);
	u->language = db_text_dup(c, s, 6, a);
	u->created_at = db_int(c, s, 7);
	u->disabled = db_int(c, s, 8) != 0;
	u->muted = db_text_dup(c, s, 9, a);
}

int store_user_get(struct store_conn *c, int64_t id, struct arena *a, struct store_user *out,
		   struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	if ((rc = one_row(c, s, "user", err)) == 0)
		read_user(c, s, a, out);
	c->driver->reset(s);
	return rc;
}

int store_user_get_by_email(struct store_conn *c, const char *email, struct arena *a,
			    struct store_user *out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_GET_BY_EMAIL, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, email);
	if ((rc = one_row(c, s, "user", err)) == 0)
		read_user(c, s, a, out);
	c->driver->reset(s);
	return rc;
}

int store_user_team_add(struct store_conn *c, int64_t user_id, const char *team,
			struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_TEAM_ADD, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	db_bind_text(c, s, 2, team);
	rc = db_exec_stmt(c, s, err);
	return rc == -SB_ECONFLICT ? sb_error_set(err, SB_ENOTFOUND, "no such team") : rc;
}

int store_user_teams(struct store_conn *c, int64_t user_id, struct arena *a, char **teams_out,
		     struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_TEAMS, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	char *list = arena_strdup(a, "");
	while (list && (rc = db_step(c, s, err)) == DB_ROW)
		list = arena_printf(a, "%s%s%s", list, *list ? "," : "", db_text(c, s, 0));
	c->driver->reset(s);
	if (!list)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	*teams_out = list;
	return rc < 0 ? rc : 0;
}

int store_user_teams_set(struct store_conn *c, int64_t user_id, const char *const *teams, size_t n,
			 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_TEAMS_CLEAR, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = store_user_team_add(c, user_id, teams[i], err)) < 0)
			return rc;
	return 0;
}

int store_user_update(struct store_conn *c, const struct store_user *u, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USER_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, u->id);
	db_bind_text(c, s, 2, u->name);
	db_bind_text(c, s, 3, u->role);
	db_bind_text(c, s, 4, u->language ? u->language : "en");
	db_bind_int(c, s, 5, u->disabled ? 1 : 0);
	db_bind_text(c, s, 6, u->muted); /* NULL keeps it */
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (db_changes(c) == 0)
		return sb_error_set(err, SB_ENOTFOUND, "no such user");
	return 0;
}

int store_user_sessions_delete(struct store_conn *c, int64_t user_id, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SESSIONS_DELETE_USER, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	return db_exec_stmt(c, s, err);
}

int store_users_list(struct store_conn *c, const struct store_user_filter *f, struct arena *a,
		     struct store_user **users_out, size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_USERS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, f->role);
	db_bind_opt_int(c, s, 2, f->org_id);
	db_bind_text(c, s, 3, f->team);
	db_bind_int(c, s, 4, f->limit);
	db_bind_int(c, s, 5, f->offset);
	size_t n = 0, cap = 0;
	struct store_user *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		read_user(c, s, a, &list[n++]);
	}
	c->driver->reset(s);
	*users_out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

/* ---- organizations ------------------------------------------------------ */

static void read_org(struct store_conn *c, struct db_stmt *s, struct arena *a, struct store_org *o)
{
	o->id = db_int(c, s, 0);
	o->name = db_text_dup(c, s, 1, a);
	o->member_id = db_text_dup(c, s, 2, a);
	o->bidder_ids = db_text_dup(c, s, 3, a);
	o->spoc_id = db_int(c, s, 4);
	o->account_rep_id = db_int(c, s, 5);
	o->language = db_text_dup(c, s, 6, a);
	o->created_at = db_int(c, s, 7);
}

int store_org_insert(struct store_conn *c, const struct store_org *o, int64_t *id_out,
		     struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ORG_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, o->name);
	db_bind_text(c, s, 2, o->member_id);
	db_bind_text(c, s, 3, o->bidder_ids ? o->bidder_ids : "");
	db_bind_opt_int(c, s, 4, o->spoc_id);
	db_bind_opt_int(c, s, 5, o->account_rep_id);
	db_bind_text(c, s, 6, o->language ? o->language : "en");
	db_bind_int(c, s, 7, o->created_at);
	return insert(c, s, id_out, "an organization with this name", err);
}

int store_org_get(struct store_conn *c, int64_t id, struct arena *a, struct store_org *out,
		  struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ORG_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, id);
	if ((rc = one_row(c, s, "organization", err)) == 0)
		read_org(c, s, a, out);
	c->driver->reset(s);
	return rc;
}

int store_orgs_list(struct store_conn *c, int64_t only_id, int limit, int64_t offset,
		    struct arena *a, struct store_org **orgs_out, size_t *n_out,
		    struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ORGS_LIST, &s, err);
	if (rc < 0)
		return rc;
	db_bind_opt_int(c, s, 1, only_id);
	db_bind_int(c, s, 2, limit);
	db_bind_int(c, s, 3, offset);
	size_t n = 0, cap = 0;
	struct store_org *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		read_org(c, s, a, &list[n++]);
	}
	c->driver->reset(s);
	*orgs_out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_orgs_represented(struct store_conn *c, int64_t user_id, int64_t *n_out,
			   struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ORGS_REPRESENTED, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	if ((rc = one_row(c, s, "count", err)) == 0)
		*n_out = db_int(c, s, 0);
	c->driver->reset(s);
	return rc;
}

int store_org_update(struct store_conn *c, const struct store_org *o, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_ORG_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, o->id);
	db_bind_text(c, s, 2, o->name);
	db_bind_text(c, s, 3, o->member_id);
	db_bind_text(c, s, 4, o->bidder_ids ? o->bidder_ids : "");
	db_bind_opt_int(c, s, 5, o->spoc_id);
	db_bind_opt_int(c, s, 6, o->account_rep_id);
	db_bind_text(c, s, 7, o->language ? o->language : "en");
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc == -SB_ECONFLICT ? sb_error_set(err, SB_ECONFLICT,
							  "an organization with this name "
							  "already exists")
					   : rc;
	if (db_changes(c) == 0)
		return sb_error_set(err, SB_ENOTFOUND, "no such organization");
	return 0;
}

/* ---- teams -------------------------------------------------------------- */

int store_teams_list(struct store_conn *c, struct arena *a, struct store_team **teams_out,
		     size_t *n_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TEAMS_LIST, &s, err);
	if (rc < 0)
		return rc;
	size_t n = 0, cap = 0;
	struct store_team *list = NULL;
	while ((rc = db_step(c, s, err)) == DB_ROW) {
		if (!db_list_slot(a, (void **)&list, n, &cap, sizeof(*list))) {
			c->driver->reset(s);
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		list[n].key = db_text_dup(c, s, 0, a);
		list[n].name_en = db_text_dup(c, s, 1, a);
		list[n].name_es = db_text_dup(c, s, 2, a);
		list[n].on_call_id = db_int(c, s, 3);
		n++;
	}
	c->driver->reset(s);
	*teams_out = list;
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int store_team_update(struct store_conn *c, const struct store_team *t, int64_t now,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TEAM_UPDATE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, t->key);
	db_bind_text(c, s, 2, t->name_en);
	db_bind_text(c, s, 3, t->name_es);
	db_bind_int(c, s, 4, now);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (db_changes(c) == 0)
		return sb_error_set(err, SB_ENOTFOUND, "no such team");
	return 0;
}

int store_team_on_call_set(struct store_conn *c, const char *key, int64_t user_id,
			   struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TEAM_ON_CALL_SET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, key);
	db_bind_opt_int(c, s, 2, user_id);
	if ((rc = db_exec_stmt(c, s, err)) < 0)
		return rc;
	if (db_changes(c) == 0)
		return sb_error_set(err, SB_ENOTFOUND, "no such team");
	return 0;
}

/* ---- tokens and sessions ------------------------------------------------ */

int store_token_insert(struct store_conn *c, int64_t user_id,
		       const unsigned char hash[STORE_TOKEN_HASH_LEN], const char *label,
		       int64_t now, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TOKEN_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_int(c, s, 1, user_id);
	db_bind_blob(c, s, 2, hash, STORE_TOKEN_HASH_LEN);
	db_bind_text(c, s, 3, label ? label : "");
	db_bind_int(c, s, 4, now);
	return insert(c, s, NULL, "this token", err);
}

int store_token_user(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
		     int64_t *user_id_out, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_TOKEN_USER, &s, err);
	if (rc < 0)
		return rc;
	db_bind_blob(c, s, 1, hash, STORE_TOKEN_HASH_LEN);
	if ((rc = one_row(c, s, "token", err)) == 0)
		*user_id_out = db_int(c, s, 0);
	c->driver->reset(s);
	return rc;
}

int store_session_insert(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
			 int64_t user_id, const char *csrf, int64_t now, int64_t expires_at,
			 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SESSION_INSERT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_blob(c, s, 1, hash, STORE_TOKEN_HASH_LEN);
	db_bind_int(c, s, 2, user_id);
	db_bind_text(c, s, 3, csrf);
	db_bind_int(c, s, 4, now);
	db_bind_int(c, s, 5, expires_at);
	return insert(c, s, NULL, "this session", err);
}

int store_session_get(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
		      int64_t now, struct arena *a, int64_t *user_id_out, char **csrf_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SESSION_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_blob(c, s, 1, hash, STORE_TOKEN_HASH_LEN);
	db_bind_int(c, s, 2, now);
	if ((rc = one_row(c, s, "session", err)) == 0) {
		*user_id_out = db_int(c, s, 0);
		*csrf_out = db_text_dup(c, s, 1, a);
	}
	c->driver->reset(s);
	return rc;
}

int store_session_delete(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
			 struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SESSION_DELETE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_blob(c, s, 1, hash, STORE_TOKEN_HASH_LEN);
	return db_exec_stmt(c, s, err);
}

/* ---- settings ----------------------------------------------------------- */

int store_setting_get(struct store_conn *c, const char *key, struct arena *a, char **value_out,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SETTING_GET, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, key);
	rc = db_step(c, s, err);
	*value_out = rc == DB_ROW ? db_text_dup(c, s, 0, a) : NULL;
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}

int store_setting_put(struct store_conn *c, const char *key, const char *value,
		      struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SETTING_PUT, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, key);
	db_bind_text(c, s, 2, value);
	return db_exec_stmt(c, s, err);
}

int store_setting_delete(struct store_conn *c, const char *key, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, STMT_SETTING_DELETE, &s, err);
	if (rc < 0)
		return rc;
	db_bind_text(c, s, 1, key);
	return db_exec_stmt(c, s, err);
}
