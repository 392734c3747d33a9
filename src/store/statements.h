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
	"idempotency_key, missing_required"

/* The columns of a user row, in the order store/accounts.c reads them. */
#define STORE_USER_COLUMNS                                                                         \
	"id, email, name, role, org_id, password_hash, language, created_at, disabled, muted"

/* The columns of an organization row. */
#define STORE_ORG_COLUMNS                                                                          \
	"id, name, member_id, bidder_ids, spoc_id, account_rep_id, language, created_at"

/*
 * The emergency update period in seconds, from the setting (checked as the
 * API checks it: 15 to 1440 minutes, else the default 120), inside the
 * timers' statements so that an idle pass stays one read.
 */
#define STORE_EMERGENCY_UPDATE_SECONDS                                                             \
	"(60 * coalesce((SELECT CASE WHEN CAST(value AS INTEGER) BETWEEN 15 AND 1440 "             \
	"THEN CAST(value AS INTEGER) END FROM settings "                                           \
	"WHERE key = 'sla.emergency_update_minutes'), 120))"

/* What a timer's claim returns (store/timers.c reads them in this order). */
#define STORE_TIMER_RETURNING " RETURNING id, org_id, team_key, assignee_id"

/* The columns of an admin's outbox row (store/outbox.c). */
#define STORE_OUTBOX_ROW_COLUMNS                                                                   \
	"o.id, o.event, o.ticket_id, o.recipient_id, u.name, u.email, o.state, o.attempts, "       \
	"o.last_error, o.created_at, o.next_attempt_at FROM outbox o "                             \
	"LEFT JOIN users u ON u.id = o.recipient_id "

/* The columns of an engineering issue row, in the order store/files.c reads them. */
#define STORE_ENG_COLUMNS "id, key, url, title, fixed_at, created_at"

/* The columns of a webhook row, in the order store/webhooks.c reads them. */
#define STORE_WEBHOOK_COLUMNS                                                                      \
	"id, url, events, secret, previous_secret, previous_expires_at, active, description, "     \
	"created_by, created_at, updated_at"

/* The columns of a webhook delivery row, around its payload (left out of lists). */
#define STORE_WEBHOOK_DELIVERY_HEAD "id, webhook_id, event, msg_id, "
#define STORE_WEBHOOK_DELIVERY_TAIL                                                                \
	", ticket_id, state, attempts, created_at, queued_at, next_attempt_at, lease_until, "      \
	"last_attempt_at, delivered_at, last_status, last_error, response_excerpt"

#define STORE_STATEMENTS(X)                                                                        \
	X(USER_INSERT, "INSERT INTO users (email, name, role, org_id, password_hash, language, "   \
		       "created_at) VALUES (lower($1), $2, $3, $4, $5, $6, $7)")                   \
	X(USER_GET, "SELECT " STORE_USER_COLUMNS " FROM users WHERE id = $1")                      \
	X(USER_GET_BY_EMAIL, "SELECT " STORE_USER_COLUMNS " FROM users WHERE email = lower($1)")   \
	X(USERS_LIST, "SELECT " STORE_USER_COLUMNS " FROM users WHERE ($1 IS NULL OR role = $1) "  \
		      "AND ($2 IS NULL OR org_id = $2) AND ($3 IS NULL OR EXISTS (SELECT 1 "       \
		      "FROM user_teams t WHERE t.user_id = users.id AND t.team_key = $3)) "        \
		      "ORDER BY name COLLATE NOCASE, id LIMIT $4 OFFSET $5")                       \
	X(USER_UPDATE, "UPDATE users SET name = $2, role = $3, language = $4, disabled = $5, "     \
		       "muted = coalesce($6, muted) WHERE id = $1")                                \
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
	X(TEAMS_LIST, "SELECT key, name_en, name_es, on_call_id FROM teams ORDER BY key")          \
	X(TEAM_ON_CALL_SET, "UPDATE teams SET on_call_id = $2 WHERE key = $1")                     \
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
	  "created_at, updated_at, first_response_due_at, idempotency_key, missing_required) "     \
	  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "        \
	  "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26)")                                     \
	X(TICKET_OBJECT_INSERT, "INSERT INTO ticket_object_ids (ticket_id, type, value) "          \
				"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")                      \
	X(TICKET_GET, "SELECT " STORE_TICKET_COLUMNS " FROM tickets WHERE id = $1")                \
	/* Inside a write: engines with concurrent writers lock the row (postgres_sql.c). */       \
	X(TICKET_GET_FOR_WRITE, "SELECT " STORE_TICKET_COLUMNS " FROM tickets WHERE id = $1")      \
	X(TICKET_OBJECTS, "SELECT type, value FROM ticket_object_ids WHERE ticket_id = $1 "        \
			  "ORDER BY rowid")                                                        \
	X(TICKET_BY_IDEMPOTENCY, "SELECT id FROM tickets WHERE requester_id = $1 AND "             \
				 "idempotency_key = $2")                                           \
	X(TICKET_UPDATE, "UPDATE tickets SET status = $3, priority = $4, team_key = $5, "          \
			 "assignee_id = $6, first_response_due_at = $7, first_response_at = $8, "  \
			 "response_business_seconds = $9, response_clock_seconds = $10, "          \
			 "resolved_at = $11, closed_at = $12, updated_at = $13, "                  \
			 "completeness = $14, missing_recommended = $15, missing_required = $16, " \
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
	X(INBOUND_GET, "SELECT ticket_id, comment_id FROM inbound_messages WHERE message_id = $1") \
	X(INBOUND_INSERT, "INSERT INTO inbound_messages (message_id, ticket_id, comment_id, "      \
			  "outcome, received_at) VALUES ($1, $2, $3, $4, $5)")                     \
	X(INBOUND_SINCE, "SELECT rowid, ticket_id, comment_id, outcome FROM inbound_messages "     \
			 "WHERE rowid > $1 ORDER BY rowid LIMIT $2")                               \
	X(INBOUND_LAST, "SELECT coalesce(max(rowid), 0) FROM inbound_messages")                    \
	/* Run only by engines with concurrent writers (store_inbound_since()). */                 \
	X(INBOUND_SETTLE, "LOCK TABLE inbound_messages IN SHARE MODE")                             \
	X(OUTBOX_INSERT, "INSERT INTO outbox (event, ticket_id, recipient_id, payload, "           \
			 "created_at, next_attempt_at) SELECT $1, $2, $3, $4, $5, $5 "             \
			 "WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = $3 AND "                \
			 "instr(',' || muted || ',', ',' || $1 || ',') > 0)")                      \
	X(OUTBOX_LIST_FAILED, "SELECT " STORE_OUTBOX_ROW_COLUMNS "WHERE o.state = 'failed' "       \
			      "AND ($1 = 0 OR o.id < $1) ORDER BY o.id DESC LIMIT $2")             \
	X(OUTBOX_LIST_RETRYING,                                                                    \
	  "SELECT " STORE_OUTBOX_ROW_COLUMNS "WHERE o.state = 'pending' AND o.attempts > 0 "       \
	  "AND o.last_error IS NOT NULL AND ($1 = 0 OR o.id < $1) ORDER BY o.id DESC LIMIT $2")    \
	X(OUTBOX_RETRY, "UPDATE outbox SET state = 'pending', next_attempt_at = $2, "              \
			"attempts = 0, lease_until = NULL WHERE id = $1 AND state = 'failed'")     \
	X(OUTBOX_STATE, "SELECT state FROM outbox WHERE id = $1")                                  \
	X(TICKET_TIMERS_SET,                                                                       \
	  "UPDATE tickets SET sla_warn_at = CASE WHEN $2 THEN $3 ELSE sla_warn_at END, "           \
	  "sla_breach_at = CASE WHEN $4 THEN $5 ELSE sla_breach_at END, "                          \
	  "emergency_quiet_since = CASE WHEN $6 THEN $7 ELSE emergency_quiet_since END "           \
	  "WHERE id = $1")                                                                         \
	X(TIMERS_DUE, "SELECT EXISTS (SELECT 1 FROM tickets WHERE sla_warn_at <= $1) "             \
		      "OR EXISTS (SELECT 1 FROM tickets WHERE sla_breach_at < $1) "                \
		      "OR EXISTS (SELECT 1 FROM tickets WHERE emergency_quiet_since <= $1 "        \
		      "- " STORE_EMERGENCY_UPDATE_SECONDS ")")                                     \
	X(TIMERS_CLAIM_WARN, "UPDATE tickets SET sla_warn_at = NULL WHERE id IN (SELECT id "       \
			     "FROM tickets WHERE sla_warn_at <= $1 ORDER BY sla_warn_at, id "      \
			     "LIMIT $2)" STORE_TIMER_RETURNING)                                    \
	X(TIMERS_CLAIM_BREACH, "UPDATE tickets SET sla_breach_at = NULL WHERE id IN (SELECT id "   \
			       "FROM tickets WHERE sla_breach_at < $1 ORDER BY sla_breach_at, id " \
			       "LIMIT $2)" STORE_TIMER_RETURNING)                                  \
	X(TIMERS_CLAIM_EMERGENCY,                                                                  \
	  "UPDATE tickets SET emergency_quiet_since = $1 WHERE id IN (SELECT id FROM tickets "     \
	  "WHERE emergency_quiet_since <= $1 - " STORE_EMERGENCY_UPDATE_SECONDS                    \
	  " ORDER BY emergency_quiet_since, id LIMIT $2)" STORE_TIMER_RETURNING)                   \
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
	X(WEBHOOK_INSERT,                                                                          \
	  "INSERT INTO webhooks (url, events, secret, active, description, "                       \
	  "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")           \
	X(WEBHOOK_GET, "SELECT " STORE_WEBHOOK_COLUMNS " FROM webhooks WHERE id = $1")             \
	X(WEBHOOKS_LIST, "SELECT " STORE_WEBHOOK_COLUMNS " FROM webhooks ORDER BY id LIMIT $1")    \
	X(WEBHOOKS_COUNT, "SELECT count(*) FROM webhooks")                                         \
	X(WEBHOOKS_ACTIVE, "SELECT id, events FROM webhooks WHERE active = 1 ORDER BY id")         \
	X(WEBHOOK_UPDATE, "UPDATE webhooks SET url = $2, events = $3, active = $4, "               \
			  "description = $5, updated_at = $6 WHERE id = $1")                       \
	X(WEBHOOK_ROTATE, "UPDATE webhooks SET previous_secret = secret, "                         \
			  "previous_expires_at = $3, secret = $2, updated_at = $4 WHERE id = $1")  \
	X(WEBHOOK_DELETE, "DELETE FROM webhooks WHERE id = $1")                                    \
	X(WH_DELIVERY_INSERT, "INSERT INTO webhook_deliveries (webhook_id, event, msg_id, "        \
			      "payload, ticket_id, created_at, queued_at, next_attempt_at) "       \
			      "VALUES ($1, $2, $3, $4, $5, $6, $6, $6)")                           \
	X(WH_DELIVERY_DUE, "SELECT 1 FROM webhook_deliveries d JOIN webhooks w "                   \
			   "ON w.id = d.webhook_id WHERE d.state = 'pending' AND "                 \
			   "d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR "                \
			   "d.lease_until <= $1) AND w.active = 1 LIMIT 1")                        \
	X(WH_DELIVERY_CLAIM,                                                                       \
	  "UPDATE webhook_deliveries SET lease_until = $2, attempts = attempts + 1, "              \
	  "last_attempt_at = $1 WHERE id IN (SELECT d.id FROM webhook_deliveries d "               \
	  "JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' "                      \
	  "AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1) "        \
	  "AND w.active = 1 ORDER BY d.next_attempt_at, d.id LIMIT $3) "                           \
	  "RETURNING " STORE_WEBHOOK_DELIVERY_HEAD "payload" STORE_WEBHOOK_DELIVERY_TAIL)          \
	X(WH_DELIVERY_FINISH, "UPDATE webhook_deliveries SET state = $3, next_attempt_at = $4, "   \
			      "last_status = $5, last_error = coalesce($6, last_error), "          \
			      "response_excerpt = $7, delivered_at = coalesce($8, delivered_at), " \
			      "lease_until = NULL WHERE id = $1 AND lease_until = $2")             \
	X(WH_DELIVERY_RELEASE, "UPDATE webhook_deliveries SET next_attempt_at = $3, "              \
			       "lease_until = NULL WHERE id = $1 AND lease_until = $2")            \
	X(WH_DELIVERIES_LIST,                                                                      \
	  "SELECT " STORE_WEBHOOK_DELIVERY_HEAD "''" STORE_WEBHOOK_DELIVERY_TAIL " FROM "          \
	  "webhook_deliveries WHERE webhook_id = $1 AND ($2 = 0 OR id < $2) "                      \
	  "ORDER BY id DESC LIMIT $3")                                                             \
	X(WH_DELIVERY_GET,                                                                         \
	  "SELECT " STORE_WEBHOOK_DELIVERY_HEAD "payload" STORE_WEBHOOK_DELIVERY_TAIL " FROM "     \
	  "webhook_deliveries WHERE id = $1")                                                      \
	X(WH_DELIVERY_RETRY,                                                                       \
	  "UPDATE webhook_deliveries SET state = 'pending', "                                      \
	  "next_attempt_at = $2, queued_at = $2 WHERE id = $1 AND state = 'failed'")               \
	X(WH_DELIVERIES_PRUNE, "DELETE FROM webhook_deliveries WHERE state <> 'pending' "          \
			       "AND created_at < $1")                                              \
	/* Attachment bytes in the database: engines whose driver sets blobs_in_database. */       \
	X(BLOB_PUT, "INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) "                 \
		    "ON CONFLICT (sha256) DO NOTHING")                                             \
	X(BLOB_GET, "SELECT bytes FROM blobs WHERE sha256 = $1")                                   \
	/* Engines with a listen operation: a message to the processes sharing the database. */    \
	X(NOTIFY, "SELECT pg_notify($1, $2)")                                                      \
	X(SAVEPOINT, "SAVEPOINT request")                                                          \
	X(RELEASE, "RELEASE request")                                                              \
	X(ROLLBACK_TO, "ROLLBACK TO request")                                                      \
	X(BEGIN_WRITE, "BEGIN IMMEDIATE")                                                          \
	/* A read snapshot for export (store/dump.c): PostgreSQL needs REPEATABLE READ. */         \
	X(BEGIN_READ, "BEGIN")                                                                     \
	/* Export scans whose row order reads depend on (insertion order, rowid here). */          \
	X(DUMP_TICKET_OBJECT_IDS, "SELECT ticket_id, type, value FROM ticket_object_ids "          \
				  "ORDER BY ticket_id, rowid")                                     \
	X(DUMP_INBOUND_MESSAGES, "SELECT message_id, ticket_id, comment_id, outcome, received_at " \
				 "FROM inbound_messages ORDER BY rowid")                           \
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
