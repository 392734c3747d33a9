/*
 * Every SQL statement the store runs, named. The typed functions ask for a
 * statement by name (db_stmt()); each connection prepares it once. One
 * list keeps the SQL of the store in one place, where a reviewer can read
 * all of it, and lets a driver for another engine replace the text of the
 * few statements whose dialects differ.
 *
 * Placeholders are $1, $2...; parameters are always bound, never pasted.
 */
#ifndef SB_STORE_STATEMENTS_H
#define SB_STORE_STATEMENTS_H

#define STORE_STATEMENTS(X)                                                                        \
	X(USER_INSERT, "INSERT INTO users (email, name, role, org_id, password_hash, language, "   \
		       "created_at) VALUES (lower($1), $2, $3, $4, $5, $6, $7)")                   \
	X(USER_GET, "SELECT id, email, name, role, org_id, password_hash, language, created_at "   \
		    "FROM users WHERE id = $1")                                                    \
	X(USER_GET_BY_EMAIL, "SELECT id, email, name, role, org_id, password_hash, language, "     \
			     "created_at FROM users WHERE email = lower($1)")                      \
	X(USER_TEAM_ADD, "INSERT INTO user_teams (user_id, team_key) VALUES ($1, $2) "             \
			 "ON CONFLICT DO NOTHING")                                                 \
	X(USER_TEAMS, "SELECT team_key FROM user_teams WHERE user_id = $1 ORDER BY team_key")      \
	X(ORG_INSERT, "INSERT INTO orgs (name, member_id, bidder_ids, spoc_id, account_rep_id, "   \
		      "language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")                 \
	X(ORG_GET, "SELECT id, name, member_id, bidder_ids, spoc_id, account_rep_id, language, "   \
		   "created_at FROM orgs WHERE id = $1")                                           \
	X(ORG_UPDATE, "UPDATE orgs SET name = $2, member_id = $3, bidder_ids = $4, spoc_id = $5, " \
		      "account_rep_id = $6, language = $7 WHERE id = $1")                          \
	X(TOKEN_INSERT, "INSERT INTO api_tokens (user_id, token_hash, label, created_at) "         \
			"VALUES ($1, $2, $3, $4)")                                                 \
	X(TOKEN_USER, "SELECT user_id FROM api_tokens WHERE token_hash = $1")                      \
	X(SESSION_INSERT, "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) " \
			  "VALUES ($1, $2, $3, $4, $5)")                                           \
	X(SESSION_GET,                                                                             \
	  "SELECT user_id, csrf FROM sessions WHERE id_hash = $1 AND expires_at > $2")             \
	X(SESSION_DELETE, "DELETE FROM sessions WHERE id_hash = $1")                               \
	X(SETTING_GET, "SELECT value FROM settings WHERE key = $1")                                \
	X(SETTING_PUT, "INSERT INTO settings (key, value) VALUES ($1, $2) "                        \
		       "ON CONFLICT (key) DO UPDATE SET value = excluded.value")                   \
	X(TEAM_UPSERT, "INSERT INTO teams (key, name_en, name_es) VALUES ($1, $2, $3) "            \
		       "ON CONFLICT (key) DO UPDATE SET name_en = excluded.name_en, "              \
		       "name_es = excluded.name_es")                                               \
	X(REQUEST_TYPE_SEED, "INSERT INTO request_types (key, kind, team_key, name_en, name_es, "  \
			     "hint_en, hint_es, rules, required_object_type, position, "           \
			     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "  \
			     "ON CONFLICT (key) DO NOTHING")                                       \
	X(BEGIN_READ, "BEGIN")                                                                     \
	X(BEGIN_WRITE, "BEGIN IMMEDIATE")                                                          \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(SCHEMA_VERSION, "SELECT coalesce(max(version), 0) FROM schema_migrations")               \
	X(SCHEMA_RECORD, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")

enum stmt_id {
#define STMT_ENUM(id, sql) STMT_##id,
	STORE_STATEMENTS(STMT_ENUM)
#undef STMT_ENUM
		STMT__COUNT
};

/* The SQL of each statement, indexed by enum stmt_id. */
extern const char *const store_statement_sql[STMT__COUNT];

#endif
