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

/*
 * The columns of a ticket row, in the order store/tickets.c reads them.
 * Object ids come back in the order the customer gave them (SQLite keeps
 * insertion order in rowid; other engines override TICKET_OBJECTS).
 */
#define STORE_TICKET_COLUMNS                                                                       \
	"id, org_id, requester_id, request_type, kind, team_key, assignee_id, status, priority, "  \
	"subject, description, impact, steps, urls, browser, os, business_justification, "         \
	"emergency_criteria, emergency_phone, member_id, completeness, missing_recommended, "      \
	"created_at, updated_at, first_response_due_at, first_response_at, "                       \
	"response_business_seconds, response_clock_seconds, resolved_at, closed_at, version, "     \
	"idempotency_key"

/* The columns of a user row, in the order store/accounts.c reads them. */
#define STORE_USER_COLUMNS                                                                         \
	"id, email, name, role, org_id, password_hash, language, created_at, disabled"

/* The columns of an organization row. */
#define STORE_ORG_COLUMNS                                                                          \
	"id, name, member_id, bidder_ids, spoc_id, account_rep_id, language, created_at"

/* The columns of an engineering issue row, in the order store/files.c reads them. */
#define STORE_ENG_COLUMNS "id, key, url, title, fixed_at, created_at"

#define STORE_STATEMENTS(X)                                                                        \
	X(USER_INSERT, "INSERT INTO users (email, name, role, org_id, password_hash, language, "   \
		       "created_at) VALUES (lower($1), $2, $3, $4, $5, $6, $7)")                   \
	X(USER_GET, "SELECT " STORE_USER_COLUMNS " FROM users WHERE id = $1")                      \
	X(USER_GET_BY_EMAIL, "SELECT " STORE_USER_COLUMNS " FROM users WHERE email = lower($1)")   \
	X(USERS_LIST, "SELECT " STORE_USER_COLUMNS " FROM users WHERE ($1 IS NULL OR role = $1) "  \
		      "AND ($2 IS NULL OR org_id = $2) AND ($3 IS NULL OR EXISTS (SELECT 1 "       \
		      "FROM user_teams t WHERE t.user_id = users.id AND t.team_key = $3)) "        \
		      "ORDER BY name COLLATE NOCASE, id LIMIT $4 OFFSET $5")                       \
	X(USER_UPDATE, "UPDATE users SET name = $2, role = $3, language = $4, disabled = $5 "      \
		       "WHERE id = $1")                                                            \
	X(USER_TEAMS_CLEAR, "DELETE FROM user_teams WHERE user_id = $1")                           \
	X(USER_TEAM_ADD, "INSERT INTO user_teams (user_id, team_key) VALUES ($1, $2) "             \
			 "ON CONFLICT DO NOTHING")                                                 \
	X(USER_TEAMS, "SELECT team_key FROM user_teams WHERE user_id = $1 ORDER BY team_key")      \
	X(ORG_INSERT, "INSERT INTO orgs (name, member_id, bidder_ids, spoc_id, account_rep_id, "   \
		      "language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")                 \
	X(ORG_GET, "SELECT " STORE_ORG_COLUMNS " FROM orgs WHERE id = $1")                         \
	X(ORGS_LIST, "SELECT " STORE_ORG_COLUMNS " FROM orgs WHERE ($1 IS NULL OR id = $1) "       \
		     "ORDER BY name COLLATE NOCASE, id LIMIT $2 OFFSET $3")                        \
	X(ORGS_REPRESENTED, "SELECT count(*) FROM orgs WHERE account_rep_id = $1")                 \
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
	X(SESSIONS_DELETE_USER, "DELETE FROM sessions WHERE user_id = $1")                         \
	X(SETTING_GET, "SELECT value FROM settings WHERE key = $1")                                \
	X(SETTING_PUT, "INSERT INTO settings (key, value) VALUES ($1, $2) "                        \
		       "ON CONFLICT (key) DO UPDATE SET value = excluded.value")                   \
	X(SETTING_DELETE, "DELETE FROM settings WHERE key = $1")                                   \
	X(TEAM_UPSERT, "INSERT INTO teams (key, name_en, name_es) VALUES ($1, $2, $3) "            \
		       "ON CONFLICT (key) DO UPDATE SET name_en = excluded.name_en, "              \
		       "name_es = excluded.name_es WHERE teams.renamed_at IS NULL")                \
	X(TEAMS_LIST, "SELECT key, name_en, name_es FROM teams ORDER BY key")                      \
	X(TEAM_UPDATE, "UPDATE teams SET name_en = $2, name_es = $3, renamed_at = $4 "             \
		       "WHERE key = $1")                                                           \
	X(REQUEST_TYPE_SEED, "INSERT INTO request_types (key, kind, team_key, name_en, name_es, "  \
			     "hint_en, hint_es, rules, required_object_type, position, "           \
			     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "  \
			     "ON CONFLICT (key) DO NOTHING")                                       \
	X(REQUEST_TYPES_LIST, "SELECT key, kind, team_key, name_en, name_es, hint_en, hint_es, "   \
			      "rules, required_object_type, position, updated_at "                 \
			      "FROM request_types ORDER BY position, key")                         \
	X(REQUEST_TYPE_GET, "SELECT key, kind, team_key, name_en, name_es, hint_en, hint_es, "     \
			    "rules, required_object_type, position, updated_at "                   \
			    "FROM request_types WHERE key = $1")                                   \
	X(REQUEST_TYPE_UPDATE, "UPDATE request_types SET team_key = $2, name_en = $3, "            \
			       "name_es = $4, hint_en = $5, hint_es = $6, rules = $7, "            \
			       "required_object_type = $8, position = $9, updated_at = $10 "       \
			       "WHERE key = $1")                                                   \
	X(TICKET_INSERT,                                                                           \
	  "INSERT INTO tickets (org_id, requester_id, request_type, kind, "                        \
	  "team_key, assignee_id, status, priority, subject, description, impact, "                \
	  "steps, urls, browser, os, business_justification, emergency_criteria, "                 \
	  "emergency_phone, member_id, completeness, missing_recommended, "                        \
	  "created_at, updated_at, first_response_due_at, idempotency_key) VALUES "                \
	  "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "               \
	  "$17, $18, $19, $20, $21, $22, $23, $24, $25)")                                          \
	X(TICKET_OBJECT_INSERT, "INSERT INTO ticket_object_ids (ticket_id, type, value) "          \
				"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")                      \
	X(TICKET_GET, "SELECT " STORE_TICKET_COLUMNS " FROM tickets WHERE id = $1")                \
	X(TICKET_OBJECTS, "SELECT type, value FROM ticket_object_ids WHERE ticket_id = $1 "        \
			  "ORDER BY rowid")                                                        \
	X(TICKET_BY_IDEMPOTENCY, "SELECT id FROM tickets WHERE requester_id = $1 AND "             \
				 "idempotency_key = $2")                                           \
	X(TICKET_UPDATE, "UPDATE tickets SET status = $3, priority = $4, team_key = $5, "          \
			 "assignee_id = $6, first_response_due_at = $7, first_response_at = $8, "  \
			 "response_business_seconds = $9, response_clock_seconds = $10, "          \
			 "resolved_at = $11, closed_at = $12, updated_at = $13, "                  \
			 "completeness = $14, missing_recommended = $15, "                         \
			 "version = version + 1 WHERE id = $1 AND version = $2")                   \
	X(TICKET_EXISTS, "SELECT version FROM tickets WHERE id = $1")                              \
	X(COMMENT_INSERT, "INSERT INTO comments (ticket_id, author_id, kind, body, created_at) "   \
			  "VALUES ($1, $2, $3, $4, $5)")                                           \
	X(COMMENTS_LIST, "SELECT c.id, c.ticket_id, c.author_id, c.kind, c.body, c.created_at, "   \
			 "u.name, u.role FROM comments c JOIN users u ON u.id = c.author_id "      \
			 "WHERE c.ticket_id = $1 AND ($2 = 1 OR c.kind <> 'note') ORDER BY c.id")  \
	X(HISTORY_INSERT, "INSERT INTO history (ticket_id, actor_id, at, field, old_value, "       \
			  "new_value, note) VALUES ($1, $2, $3, $4, $5, $6, $7)")                  \
	X(HISTORY_LIST, "SELECT id, ticket_id, actor_id, at, field, old_value, new_value, note "   \
			"FROM history WHERE ticket_id = $1 ORDER BY id")                           \
	X(OUTBOX_INSERT, "INSERT INTO outbox (event, ticket_id, recipient_id, payload, "           \
			 "created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)")           \
	X(OUTBOX_DUE, "SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 "    \
		      "AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1")                    \
	X(OUTBOX_CLAIM,                                                                            \
	  "UPDATE outbox SET lease_until = $2, attempts = attempts + 1 "                           \
	  "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' "                            \
	  "AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) "              \
	  "ORDER BY next_attempt_at, id LIMIT $3) "                                                \
	  "RETURNING id, event, ticket_id, recipient_id, payload, created_at, "                    \
	  "attempts, lease_until")                                                                 \
	X(OUTBOX_FINISH, "UPDATE outbox SET state = $3, next_attempt_at = $4, "                    \
			 "last_error = coalesce($5, last_error), lease_until = NULL "              \
			 "WHERE id = $1 AND lease_until = $2")                                     \
	X(ATTACHMENT_INSERT, "INSERT INTO attachments (ticket_id, comment_id, uploader_id, "       \
			     "filename, content_type, size, sha256, created_at) VALUES ($1, $2, "  \
			     "$3, $4, $5, $6, $7, $8)")                                            \
	X(ATTACHMENT_GET, "SELECT id, ticket_id, comment_id, uploader_id, filename, "              \
			  "content_type, size, sha256, created_at FROM attachments WHERE id = $1") \
	X(ATTACHMENTS_LIST, "SELECT id, ticket_id, comment_id, uploader_id, filename, "            \
			    "content_type, size, sha256, created_at FROM attachments "             \
			    "WHERE ticket_id = $1 ORDER BY id")                                    \
	X(ENG_INSERT, "INSERT INTO engineering_issues (key, url, title, created_at) "              \
		      "VALUES ($1, $2, $3, $4)")                                                   \
	X(ENG_GET, "SELECT " STORE_ENG_COLUMNS " FROM engineering_issues WHERE id = $1")           \
	X(ENG_LIST, "SELECT " STORE_ENG_COLUMNS " FROM engineering_issues "                        \
		    "WHERE ($1 IS NULL OR key = $1) "                                              \
		    "AND ($2 IS NULL OR (fixed_at IS NOT NULL) = ($2 = 1)) "                       \
		    "ORDER BY id DESC LIMIT $3")                                                   \
	X(ENG_TICKET_ISSUES,                                                                       \
	  "SELECT e.id, e.key, e.url, e.title, e.fixed_at, e.created_at "                          \
	  "FROM ticket_engineering_links l JOIN engineering_issues e ON e.id = l.issue_id "        \
	  "WHERE l.ticket_id = $1 ORDER BY l.linked_at, e.id LIMIT $2")                            \
	X(ENG_SET_FIXED, "UPDATE engineering_issues SET fixed_at = $2 WHERE id = $1")              \
	X(ENG_LINK, "INSERT INTO ticket_engineering_links (ticket_id, issue_id, linked_at) "       \
		    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")                                  \
	X(ENG_LINKED_TICKETS,                                                                      \
	  "SELECT ticket_id FROM ticket_engineering_links WHERE issue_id = $1 "                    \
	  "ORDER BY ticket_id")                                                                    \
	X(DRAFT_INSERT, "INSERT INTO drafts (org_id, author_id, fields, created_at, updated_at) "  \
			"VALUES ($1, $2, $3, $4, $4)")                                             \
	X(DRAFT_GET, "SELECT id, org_id, author_id, fields, state, return_comment, ticket_id, "    \
		     "created_at, updated_at FROM drafts WHERE id = $1")                           \
	X(DRAFT_UPDATE, "UPDATE drafts SET fields = $2, state = $3, return_comment = $4, "         \
			"ticket_id = $5, updated_at = $6 WHERE id = $1")                           \
	X(DRAFTS_LIST,                                                                             \
	  "SELECT id, org_id, author_id, fields, state, return_comment, ticket_id, "               \
	  "created_at, updated_at FROM drafts WHERE org_id = $1 AND "                              \
	  "($2 = 0 OR author_id = $2) AND state <> 'filed' ORDER BY id DESC LIMIT 200")            \
	X(FOLLOWER_ADD, "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2) "       \
			"ON CONFLICT DO NOTHING")                                                  \
	X(SAVEPOINT, "SAVEPOINT request")                                                          \
	X(RELEASE, "RELEASE request")                                                              \
	X(ROLLBACK_TO, "ROLLBACK TO request")                                                      \
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
