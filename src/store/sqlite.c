/*
 * The SQLite driver: one database file in the data directory, in WAL mode
 * with synchronous=FULL (set explicitly: a committed write is on disk before
 * the commit returns, which is what lets the API answer 201). Foreign keys
 * are enforced. busy_timeout covers the writers of other processes (the CLI
 * adding a user while the server runs); writers of this process are
 * serialized by the store before they reach SQLite.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

struct db_stmt {
	sqlite3_stmt *s;
	sqlite3 *db;
};

static int fail(sqlite3 *db, int rc, struct sb_error *err)
{
	int base = rc & 0xff;
	int code = base == SQLITE_CONSTRAINT                      ? SB_ECONFLICT
		   : base == SQLITE_BUSY || base == SQLITE_LOCKED ? SB_EBUSY
		   : base == SQLITE_NOMEM                         ? SB_ENOMEM
								  : SB_EIO;
	return sb_error_set(err, code, "database: %s",
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int sq_connect(const char *location, void **conn_out, struct sb_error *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(location, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		rc = sb_error_set(err, SB_EIO, "cannot open database %s: %s", location,
				  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	rc = sqlite3_exec(db,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		rc = sb_error_set(err, SB_EIO, "cannot configure database %s: %s", location,
				  msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(db);
		return rc;
	}
	*conn_out = db;
	return 0;
}

static void sq_disconnect(void *conn)
{
	sqlite3_close(conn);
}

static int sq_exec(void *conn, const char *sql, struct sb_error *err)
{
	int rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(conn, rc, err);
}

static int sq_prepare(void *conn, const char *sql, struct db_stmt **out, struct sb_error *err)
{
	struct db_stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->s, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		return fail(conn, rc, err);
	}
	st->db = conn;
	*out = st;
	return 0;
}

static void sq_finalize(struct db_stmt *st)
{
	if (st) {
		sqlite3_finalize(st->s);
		free(st);
	}
}

/*
 * SQLite numbers "$N" parameters in order of first appearance, not by N, so
 * bind through the name to honour the number the SQL wrote.
 */
static int param(struct db_stmt *st, int n)
{
	char name[16];
	snprintf(name, sizeof(name), "$%d", n);
	return sqlite3_bind_parameter_index(st->s, name);
}

static int bound(int rc)
{
	return rc == SQLITE_OK ? 0 : -SB_EINVAL;
}

static int sq_bind_int(struct db_stmt *st, int n, int64_t v)
{
	return bound(sqlite3_bind_int64(st->s, param(st, n), v));
}

static int sq_bind_text(struct db_stmt *st, int n, const char *s, size_t len)
{
	return bound(
		sqlite3_bind_text64(st->s, param(st, n), s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sq_bind_blob(struct db_stmt *st, int n, const void *p, size_t len)
{
	return bound(sqlite3_bind_blob64(st->s, param(st, n), p, len, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct db_stmt *st, int n)
{
	return bound(sqlite3_bind_null(st->s, param(st, n)));
}

static int sq_step(struct db_stmt *st, struct sb_error *err)
{
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(st->db, rc, err);
}

static void sq_reset(struct db_stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

static bool sq_column_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

static int64_t sq_column_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

static const char *sq_column_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->s, col);
	return t ? (const char *)t : "";
}

static const void *sq_column_blob(struct db_stmt *st, int col, size_t *len_out)
{
	const void *p = sqlite3_column_blob(st->s, col);
	*len_out = (size_t)sqlite3_column_bytes(st->s, col);
	return p;
}

static int64_t sq_last_insert_id(void *conn)
{
	return sqlite3_last_insert_rowid(conn);
}

static int64_t sq_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

const struct store_driver store_driver_sqlite = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.column_null = sq_column_null,
	.column_int = sq_column_int,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.last_insert_id = sq_last_insert_id,
	.changes = sq_changes,
	.statements = NULL, /* the shared SQL is SQLite's */
	.migrations = store_migrations_sqlite,
	.migrations_count = &store_migrations_sqlite_count,
};
