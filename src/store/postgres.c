/*
 * The PostgreSQL driver, through libpq: the database a postgres:// URL
 * names, for deployments that run several server processes on one
 * database.
 *
 * Statements are prepared once per connection (PQprepare, named s1, s2...)
 * on first use and run with PQexecPrepared. Parameters go as text (an int64
 * as its decimal digits), letting the server infer their types from the
 * SQL, except blobs, which go in binary format so that no escaping is
 * needed. Results come back as text: integers are parsed, BYTEA is
 * unescaped on demand. A statement's whole result is fetched by its first
 * step and walked by the next ones: the store's queries are bounded (every
 * list has a LIMIT), so rows need not be streamed.
 *
 * Reconnecting. A connection that finds the server gone (restarted, or the
 * network cut) is reset before its next statement, and its statements are
 * prepared again on the new session (GENERATION tells them apart). A
 * statement that failed outside a transaction is retried once on the new
 * session; inside a transaction the failure is returned, since the work
 * before it is lost with the session: the store rolls back and the caller
 * sees an error, never a half-applied write.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

/* pg_type.h's BYTEAOID, which libpq-fe.h does not export. */
#define PG_BYTEA_OID 17
/* The most parameters a statement of the store takes ($26 today). */
#define PG_MAX_PARAMS 64

/*
 * Every session's settings, on connecting and after a reset. NOTICEs (CREATE
 * TABLE IF NOT EXISTS on an existing table) are quieted, or libpq would print
 * them on stderr. UTC, so that no server-side function depends on the
 * server's zone (the store keeps Unix seconds anyway). A lock waited for
 * longer than SQLite's busy timeout (5 s) fails with SQLSTATE 55P03, which
 * pg_code() makes SB_EBUSY: without it a statement behind another session's
 * lock waits for ever, and the mailgate never answers its MTA "try again
 * later" (75).
 */
#define PG_LOCK_TIMEOUT  "SET lock_timeout = '5s'"
#define PG_SESSION_SETUP "SET client_min_messages = warning; SET TIME ZONE 'UTC'; " PG_LOCK_TIMEOUT

/* The advisory lock that store_migrate() holds, one per database ("SBMG"). */
#define PG_MIGRATE_LOCK_KEY "1396854087"

struct pg_conn {
	PGconn *pg;
	uint64_t generation; /* bumped by every reset: statements prepared before are gone */
	unsigned next_name;
	int64_t changes;
};

struct db_stmt {
	struct pg_conn *conn;
	char *sql;
	char name[24];
	uint64_t generation; /* of the session it was prepared on; 0: not prepared */
	int nparams;
	char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS];
	int formats[PG_MAX_PARAMS];
	PGresult *res;
	int row;
	unsigned char *blob; /* the last unescaped BYTEA, PQfreemem'd */
	bool once;           /* pg_prepare_once(): never named on the server */
};

static int pg_message(struct sb_error *err, int code, const char *what, PGconn *pg,
		      const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
	/* libpq's messages span lines (a HINT, a second address); ours are one. */
	char line[SB_ERROR_MESSAGE_MAX];
	size_t n = 0;
	for (const char *p = msg; *p && n < sizeof(line) - 1; p++) {
		bool space = *p == '\n' || *p == '\t' || *p == ' ';
		if (space && (n == 0 || line[n - 1] == ' '))
			continue;
		line[n++] = space ? ' ' : *p;
	}
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return sb_error_set(err, code, "database: %s%s", what, line);
}

/* The store's error code for a failed result, from its SQLSTATE. */
static int pg_code(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return SB_EIO;
	if (strncmp(state, "23", 2) == 0) /* integrity constraint violation */
		return SB_ECONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0) /* serialization failure, deadlock, lock not available */
		return SB_EBUSY;
	if (strcmp(state, "53200") == 0) /* out of memory */
		return SB_ENOMEM;
	return SB_EIO;
}

static int pg_connect(const char *location, void **conn_out, struct sb_error *err)
{
	struct pg_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	c->pg = PQconnectdb(location);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		int rc = c->pg ? pg_message(err, SB_EIO, "cannot connect: ", c->pg, NULL)
			       : sb_error_set(err, SB_ENOMEM, "out of memory");
		PQfinish(c->pg);
		free(c);
		return rc;
	}
	PGresult *r = PQexec(c->pg, PG_SESSION_SETUP);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		int rc = pg_message(err, SB_EIO, "cannot configure the session: ", c->pg, NULL);
		PQfinish(c->pg);
		free(c);
		return rc;
	}
	c->generation = 1;
	*conn_out = c;
	return 0;
}

static void pg_disconnect(void *conn)
{
	struct pg_conn *c = conn;
	if (c) {
		PQfinish(c->pg);
		free(c);
	}
}

/*
 * Makes sure C's session is usable: resets a connection that lost its
 * server (a new session, without the old one's prepared statements).
 */
static int pg_alive(struct pg_conn *c, struct sb_error *err)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return pg_message(err, SB_EIO, "connection lost and reconnecting failed: ", c->pg,
				  NULL);
	c->generation++;
	PGresult *r = PQexec(c->pg, PG_SESSION_SETUP);
	PQclear(r);
	return 0;
}

/* Runs SQL once on C's session. */
static int exec_once(struct pg_conn *c, const char *sql, struct sb_error *err)
{
	int rc = pg_alive(c, err);
	if (rc < 0)
		return rc;
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
		PQclear(r);
		return 0;
	}
	rc = pg_message(err, pg_code(r), "", c->pg, r);
	PQclear(r);
	return rc;
}

static int pg_exec(void *conn, const char *sql, struct sb_error *err)
{
	struct pg_conn *c = conn;
	bool idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	int rc = exec_once(c, sql, err);
	/* As pg_step(): a session found gone outside a transaction lost nothing. */
	if (rc < 0 && idle && PQstatus(c->pg) == CONNECTION_BAD)
		rc = exec_once(c, sql, err);
	return rc;
}

/* The highest $N in SQL: how many parameters a statement takes. */
static int count_params(const char *sql)
{
	int max = 0;
	for (const char *p = sql; *p; p++) {
		if (*p != '$' || p[1] < '0' || p[1] > '9')
			continue;
		int n = (int)strtol(p + 1, NULL, 10);
		if (n > max)
			max = n;
	}
	return max;
}

static int pg_prepare(void *conn, const char *sql, struct db_stmt **out, struct sb_error *err)
{
	struct pg_conn *c = conn;
	int n = count_params(sql);
	if (n > PG_MAX_PARAMS)
		return sb_error_set(err, SB_EINVAL, "database: a statement takes %d parameters", n);
	struct db_stmt *st = calloc(1, sizeof(*st));
	if (!st || !(st->sql = strdup(sql))) {
		free(st);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	st->conn = c;
	st->nparams = n;
	snprintf(st->name, sizeof(st->name), "s%u", ++c->next_name);
	/* Prepared on the server by the first step: see prepared(). */
	*out = st;
	return 0;
}

/*
 * A statement built for one request and finalized after it (the ticket
 * lists' SQL): sent with its parameters as the unnamed statement, one
 * round trip instead of three (prepare, execute, deallocate).
 */
static int pg_prepare_once(void *conn, const char *sql, struct db_stmt **out, struct sb_error *err)
{
	int rc = pg_prepare(conn, sql, out, err);
	if (rc == 0)
		(*out)->once = true;
	return rc;
}

/* Prepares ST on its connection's current session, if not yet done. */
static int prepared(struct db_stmt *st, struct sb_error *err)
{
	struct pg_conn *c = st->conn;
	if (st->generation == c->generation || st->once)
		return 0;
	PGresult *r = PQprepare(c->pg, st->name, st->sql, 0, NULL);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_message(err, pg_code(r), "", c->pg, r);
	else
		st->generation = c->generation;
	PQclear(r);
	return rc;
}

static void clear_result(struct db_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = 0;
	if (st->blob) {
		PQfreemem(st->blob);
		st->blob = NULL;
	}
}

static void clear_bindings(struct db_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
}

static void pg_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	clear_result(st);
	clear_bindings(st);
	/*
	 * The cached statements live as long as their session, but the ticket
	 * lists build their SQL per request and finalize it: free the server's
	 * copy too, or a long-lived session would pile them up.
	 */
	if (!st->once && st->generation == st->conn->generation &&
	    PQstatus(st->conn->pg) == CONNECTION_OK) {
		char sql[40];
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		PQclear(PQexec(st->conn->pg, sql));
	}
	free(st->sql);
	free(st);
}

static int bind(struct db_stmt *st, int n, const void *p, size_t len, int format)
{
	if (n < 1 || n > st->nparams || len > INT32_MAX)
		return -SB_EINVAL;
	char *copy = malloc(len + 1);
	if (!copy)
		return -SB_ENOMEM;
	memcpy(copy, p, len);
	copy[len] = '\0';
	free(st->values[n - 1]);
	st->values[n - 1] = copy;
	st->lengths[n - 1] = (int)len;
	st->formats[n - 1] = format;
	return 0;
}

static int pg_bind_int(struct db_stmt *st, int n, int64_t v)
{
	char buf[24];
	int len = snprintf(buf, sizeof(buf), "%" PRId64, v);
	return bind(st, n, buf, (size_t)len, 0);
}

static int pg_bind_text(struct db_stmt *st, int n, const char *s, size_t len)
{
	return bind(st, n, s, len, 0);
}

static int pg_bind_blob(struct db_stmt *st, int n, const void *p, size_t len)
{
	return bind(st, n, p, len, 1); /* binary: BYTEA's wire form is the bytes */
}

static int pg_bind_null(struct db_stmt *st, int n)
{
	if (n < 1 || n > st->nparams)
		return -SB_EINVAL;
	free(st->values[n - 1]);
	st->values[n - 1] = NULL;
	st->lengths[n - 1] = 0;
	st->formats[n - 1] = 0;
	return 0;
}

/* Runs ST once on its session; the result is in ST->res. */
static int run(struct db_stmt *st, struct sb_error *err)
{
	struct pg_conn *c = st->conn;
	int rc;
	if ((rc = pg_alive(c, err)) < 0 || (rc = prepared(st, err)) < 0)
		return rc;
	const char *const *values = (const char *const *)st->values;
	st->res = st->once ? PQexecParams(c->pg, st->sql, st->nparams, NULL, values, st->lengths,
					  st->formats, 0)
			   : PQexecPrepared(c->pg, st->name, st->nparams, values, st->lengths,
					    st->formats, 0);
	ExecStatusType s = PQresultStatus(st->res);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return 0;
	rc = pg_message(err, pg_code(st->res), "", c->pg, st->res);
	clear_result(st);
	return rc;
}

static int pg_step(struct db_stmt *st, struct sb_error *err)
{
	if (st->res) {
		st->row++;
		return st->row < PQntuples(st->res) ? DB_ROW : DB_DONE;
	}
	struct pg_conn *c = st->conn;
	bool idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	int rc = run(st, err);
	/* Outside a transaction nothing is lost with the session: try once more. */
	if (rc < 0 && idle && PQstatus(c->pg) == CONNECTION_BAD)
		rc = run(st, err);
	if (rc < 0)
		return rc;
	/* Like sqlite3_changes(): what the last INSERT, UPDATE or DELETE touched. */
	const char *cmd = PQcmdStatus(st->res);
	if (strncmp(cmd, "SELECT", 6) != 0)
		c->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
	st->row = 0;
	return PQntuples(st->res) > 0 ? DB_ROW : DB_DONE;
}

static void pg_reset(struct db_stmt *st)
{
	clear_result(st);
	clear_bindings(st);
}

static bool has_row(struct db_stmt *st, int col)
{
	return st->res && st->row < PQntuples(st->res) && col < PQnfields(st->res);
}

static bool pg_column_null(struct db_stmt *st, int col)
{
	return !has_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static int64_t pg_column_int(struct db_stmt *st, int col)
{
	if (pg_column_null(st, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	/* Booleans (EXISTS, comparisons) come as t/f: SQLite's 1/0. */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(struct db_stmt *st, int col)
{
	return has_row(st, col) ? PQgetvalue(st->res, st->row, col) : "";
}

static const void *pg_column_blob(struct db_stmt *st, int col, size_t *len_out)
{
	*len_out = 0;
	if (pg_column_null(st, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) != PG_BYTEA_OID) {
		*len_out = (size_t)PQgetlength(st->res, st->row, col);
		return v;
	}
	if (st->blob)
		PQfreemem(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)v, len_out);
	return st->blob;
}

/*
 * The id the last INSERT gave its row. Every table the store reads this for
 * has an identity id, whose sequence's nextval() is what lastval() reports
 * for the session; the store asks right after its INSERT, on the same
 * connection, before any other insert.
 */
static int64_t pg_last_insert_id(void *conn)
{
	struct pg_conn *c = conn;
	PGresult *r = PQexec(c->pg, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return id;
}

static int64_t pg_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

/*
 * An import wrote ids itself: the identity sequence must move past them, or
 * the next insert would take an id already used. TABLE and COLUMN come from
 * the store's own catalog (store/dump.c), never from input, and are quoted.
 */
static int pg_sync_id_counter(void *conn, const char *table, const char *column,
			      struct sb_error *err)
{
	struct pg_conn *c = conn;
	char *t = PQescapeIdentifier(c->pg, table, strlen(table));
	char *col = PQescapeIdentifier(c->pg, column, strlen(column));
	char *lit = PQescapeLiteral(c->pg, table, strlen(table));
	char *clit = PQescapeLiteral(c->pg, column, strlen(column));
	int rc = 0;
	if (!t || !col || !lit || !clit) {
		rc = sb_error_set(err, SB_ENOMEM, "out of memory");
	} else {
		char sql[512];
		snprintf(sql, sizeof(sql),
			 "SELECT setval(pg_get_serial_sequence(%s, %s), "
			 "coalesce((SELECT max(%s) FROM %s), 0) + 1, false)",
			 lit, clit, col, t);
		PGresult *r = PQexec(c->pg, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			rc = sb_error_set(err, SB_EIO, "%s.%s: %s", table, column,
					  PQresultErrorMessage(r));
		PQclear(r);
	}
	PQfreemem(t);
	PQfreemem(col);
	PQfreemem(lit);
	PQfreemem(clit);
	return rc;
}

/*
 * LISTEN on a connection of its own (store_listener_open()): the channel
 * name is the store's, quoted all the same.
 */
static int pg_listen(void *conn, const char *channel, struct sb_error *err)
{
	struct pg_conn *c = conn;
	char *id = PQescapeIdentifier(c->pg, channel, strlen(channel));
	if (!id)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	char sql[256];
	snprintf(sql, sizeof(sql), "LISTEN %s", id);
	PQfreemem(id);
	return pg_exec(conn, sql, err);
}

/*
 * The next notification on a listening connection, waiting up to
 * TIMEOUT_MS for it. No reset here: a session that is lost has lost its
 * LISTEN too, and the listener's owner opens a new one (and knows that
 * what was sent meanwhile is missed).
 */
static int pg_wait_notification(void *conn, int timeout_ms, char **payload_out,
				struct sb_error *err)
{
	struct pg_conn *c = conn;
	for (int waited = 0;; waited = 1) {
		if (PQconsumeInput(c->pg) != 1)
			return pg_message(err, SB_EIO, "listening: ", c->pg, NULL);
		PGnotify *n = PQnotifies(c->pg);
		if (n) {
			*payload_out = strdup(n->extra);
			PQfreemem(n);
			return *payload_out ? 1 : sb_error_set(err, SB_ENOMEM, "out of memory");
		}
		if (waited)
			return 0;
		struct pollfd pfd = {.fd = PQsocket(c->pg), .events = POLLIN};
		if (pfd.fd < 0)
			return sb_error_set(err, SB_EIO, "listening: the connection is closed");
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno != EINTR)
			return sb_error_set(err, SB_EIO, "listening: poll: %s", strerror(errno));
		if (r <= 0)
			return 0;
	}
}

/*
 * A session-level advisory lock, so that it outlives the migrations' own
 * transactions. Waited for without the session's lock_timeout: another
 * process's migration may take longer than that, and this one must not
 * start until it is done.
 */
static int pg_migrate_lock(void *conn, struct sb_error *err)
{
	return pg_exec(conn,
		       "SET lock_timeout = 0; SELECT pg_advisory_lock(" PG_MIGRATE_LOCK_KEY
		       "); " PG_LOCK_TIMEOUT,
		       err);
}

static void pg_migrate_unlock(void *conn)
{
	pg_exec(conn, "SELECT pg_advisory_unlock(" PG_MIGRATE_LOCK_KEY ")", NULL);
}

const struct store_driver store_driver_postgres = {
	.name = "postgres",
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.prepare_once = pg_prepare_once,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.column_null = pg_column_null,
	.column_int = pg_column_int,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.last_insert_id = pg_last_insert_id,
	.changes = pg_changes,
	.sync_id_counter = pg_sync_id_counter,
	.listen = pg_listen,
	.wait_notification = pg_wait_notification,
	.blobs_in_database = true,
	.concurrent_writers = true,
	.migrate_lock = pg_migrate_lock,
	.migrate_unlock = pg_migrate_unlock,
	.statements = store_postgres_statements,
	.migrations = store_migrations_postgres,
	.migrations_count = &store_migrations_postgres_count,
};
