/*
 * PostgreSQL's text for the statements of store/statements.h whose SQLite
 * dialect it does not speak, or where it can do better. Everything not
 * listed here runs the shared SQL unchanged.
 *
 * The differences:
 * - Case-insensitive name order: lower(name) for COLLATE NOCASE.
 * - Insertion order: the seq identity columns for SQLite's rowid.
 * - A setting read as a number: a value that is not one reads as the
 *   default (SQLite's CAST is lenient, PostgreSQL's fails the statement).
 * - Parameters in a SELECT list, or first met in "$1 IS NULL", have no
 *   type to infer: cast them.
 * - A write transaction is a plain BEGIN; rows are locked as they are
 *   written, not the whole database (BEGIN IMMEDIATE).
 * - A ticket read inside a write is locked (FOR UPDATE) until the commit:
 *   a writer in another process waits for it and reads the result, where
 *   it would otherwise fail the UPDATE's version check.
 * - Claims (timers, outbox, webhook deliveries) lock the rows they pick
 *   with FOR UPDATE SKIP LOCKED, so that several server processes claiming
 *   at once each get different rows instead of waiting on one another and
 *   then finding the rows already leased.
 */
#include "store/driver.h"

#define PG_CLAIM " FOR UPDATE SKIP LOCKED"

/*
 * STORE_EMERGENCY_UPDATE_SECONDS where a setting that is not a number reads
 * as the default, as SQLite's lenient CAST has it, instead of failing the
 * statement: the leading integer of the value, if any.
 */
#define PG_EMERGENCY_UPDATE_SECONDS                                                                \
	"(60 * coalesce((SELECT CASE WHEN n BETWEEN 15 AND 1440 THEN n END FROM (SELECT "          \
	"CAST(substring(value FROM '^\\s*([-+]?[0-9]{1,9})') AS INTEGER) AS n FROM settings "      \
	"WHERE key = 'sla.emergency_update_minutes') s), 120))"

const char *const store_postgres_statements[STMT__COUNT] = {
	[STMT_USERS_LIST] =
		"SELECT " STORE_USER_COLUMNS " FROM users WHERE ($1::text IS NULL OR "
		"role = $1) AND ($2::bigint IS NULL OR org_id = $2) AND ($3::text IS NULL OR "
		"EXISTS (SELECT 1 FROM user_teams t WHERE t.user_id = users.id AND "
		"t.team_key = $3)) ORDER BY lower(name), id LIMIT $4 OFFSET $5",
	[STMT_ORGS_LIST] =
		"SELECT " STORE_ORG_COLUMNS " FROM orgs WHERE ($1::bigint IS NULL OR id = $1) "
		"ORDER BY lower(name), id LIMIT $2 OFFSET $3",
	[STMT_TICKET_GET_FOR_WRITE] = "SELECT " STORE_TICKET_COLUMNS " FROM tickets WHERE id = $1 "
				      "FOR UPDATE",
	[STMT_TICKET_OBJECTS] = "SELECT type, value FROM ticket_object_ids WHERE ticket_id = $1 "
				"ORDER BY seq",
	[STMT_INBOUND_SINCE] = "SELECT seq, ticket_id, comment_id, outcome FROM inbound_messages "
			       "WHERE seq > $1 ORDER BY seq LIMIT $2",
	[STMT_INBOUND_LAST] = "SELECT coalesce(max(seq), 0) FROM inbound_messages",
	[STMT_OUTBOX_INSERT] = "INSERT INTO outbox (event, ticket_id, recipient_id, payload, "
			       "created_at, next_attempt_at) SELECT $1::text, $2::bigint, "
			       "$3::bigint, $4::text, $5::bigint, $5::bigint WHERE NOT EXISTS "
			       "(SELECT 1 FROM users WHERE id = $3::bigint AND "
			       "strpos(',' || muted || ',', ',' || $1::text || ',') > 0)",
	[STMT_TIMERS_DUE] = "SELECT EXISTS (SELECT 1 FROM tickets WHERE sla_warn_at <= $1) "
			    "OR EXISTS (SELECT 1 FROM tickets WHERE sla_breach_at < $1) "
			    "OR EXISTS (SELECT 1 FROM tickets WHERE emergency_quiet_since <= $1 "
			    "- " PG_EMERGENCY_UPDATE_SECONDS ")",
	[STMT_TIMERS_CLAIM_WARN] = "UPDATE tickets SET sla_warn_at = NULL WHERE id IN (SELECT id "
				   "FROM tickets WHERE sla_warn_at <= $1 ORDER BY sla_warn_at, id "
				   "LIMIT $2" PG_CLAIM ")" STORE_TIMER_RETURNING,
	[STMT_TIMERS_CLAIM_BREACH] =
		"UPDATE tickets SET sla_breach_at = NULL WHERE id IN (SELECT "
		"id FROM tickets WHERE sla_breach_at < $1 ORDER BY "
		"sla_breach_at, id LIMIT $2" PG_CLAIM ")" STORE_TIMER_RETURNING,
	[STMT_TIMERS_CLAIM_EMERGENCY] =
		"UPDATE tickets SET emergency_quiet_since = $1 WHERE id IN (SELECT id FROM tickets "
		"WHERE emergency_quiet_since <= $1 - " PG_EMERGENCY_UPDATE_SECONDS
		" ORDER BY emergency_quiet_since, id LIMIT $2" PG_CLAIM ")" STORE_TIMER_RETURNING,
	[STMT_OUTBOX_CLAIM] = "UPDATE outbox SET lease_until = $2, attempts = attempts + 1 "
			      "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' "
			      "AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until "
			      "<= $1) ORDER BY next_attempt_at, id LIMIT $3" PG_CLAIM ") "
			      "RETURNING id, event, ticket_id, recipient_id, payload, created_at, "
			      "attempts, lease_until",
	[STMT_WH_DELIVERY_CLAIM] =
		"UPDATE webhook_deliveries SET lease_until = $2, attempts = attempts + 1, "
		"last_attempt_at = $1 WHERE id IN (SELECT d.id FROM webhook_deliveries d "
		"JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' "
		"AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1) "
		"AND w.active = 1 ORDER BY d.next_attempt_at, d.id LIMIT $3 FOR UPDATE OF d SKIP "
		"LOCKED) RETURNING " STORE_WEBHOOK_DELIVERY_HEAD
		"payload" STORE_WEBHOOK_DELIVERY_TAIL,
	[STMT_ENG_LIST] = "SELECT " STORE_ENG_COLUMNS " FROM engineering_issues "
			  "WHERE ($1::text IS NULL OR key = $1) AND ($2::integer IS NULL OR "
			  "(fixed_at IS NOT NULL) = ($2 = 1)) ORDER BY id DESC LIMIT $3",
	[STMT_BEGIN_WRITE] = "BEGIN",
	/* Export reads one snapshot of every table. */
	[STMT_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	[STMT_DUMP_TICKET_OBJECT_IDS] = "SELECT ticket_id, type, value FROM ticket_object_ids "
					"ORDER BY ticket_id, seq",
	[STMT_DUMP_INBOUND_MESSAGES] = "SELECT message_id, ticket_id, comment_id, outcome, "
				       "received_at FROM inbound_messages ORDER BY seq",
};
