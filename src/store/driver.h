/*
 * The storage drivers' side of the store: what a database engine must
 * provide, and the small statement API that the typed functions in
 * src/store are written against, once, for every engine.
 *
 * SQL is shared between engines where the dialects agree: statements use
 * $1, $2... placeholders (both SQLite and PostgreSQL accept them),
 * RETURNING and ON CONFLICT. A statement is named by an enum value and
 * prepared once per connection, on first use.
 *
 * Not for use outside src/store.
 */
#ifndef SB_STORE_DRIVER_H
#define SB_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/migrations.h"
#include "store/statements.h"
#include "store/store.h"
#include "util/error.h"

struct db_stmt;

/* The outcome of stepping a statement. */
enum {
	DB_DONE = 0,
	DB_ROW = 1,
};

struct store_driver {
	const char *name;
	/* Opens a connection to the database LOCATION names. */
	int (*connect)(const char *location, void **conn_out, struct sb_error *err);
	void (*disconnect)(void *conn);
	/* Runs SQL that takes no parameters and returns no rows (may hold several statements). */
	int (*exec)(void *conn, const char *sql, struct sb_error *err);
	int (*prepare)(void *conn, const char *sql, struct db_stmt **out, struct sb_error *err);
	/*
	 * Optional: a statement run once and finalized, built per request (the
	 * ticket lists), which need not be kept on the server; NULL: prepare.
	 */
	int (*prepare_once)(void *conn, const char *sql, struct db_stmt **out,
			    struct sb_error *err);
	void (*finalize)(struct db_stmt *stmt);
	/* Placeholders are numbered from 1, as $1 in the SQL. */
	int (*bind_int)(struct db_stmt *stmt, int n, int64_t v);
	int (*bind_text)(struct db_stmt *stmt, int n, const char *s, size_t len);
	int (*bind_blob)(struct db_stmt *stmt, int n, const void *p, size_t len);
	int (*bind_null)(struct db_stmt *stmt, int n);
	/* DB_ROW, DB_DONE, or a negative code (a constraint violation is -SB_ECONFLICT). */
	int (*step)(struct db_stmt *stmt, struct sb_error *err);
	void (*reset)(struct db_stmt *stmt);
	bool (*column_null)(struct db_stmt *stmt, int col);
	int64_t (*column_int)(struct db_stmt *stmt, int col);
	/* Borrowed until the next step or reset; "" for NULL. */
	const char *(*column_text)(struct db_stmt *stmt, int col);
	const void *(*column_blob)(struct db_stmt *stmt, int col, size_t *len_out);
	int64_t (*last_insert_id)(void *conn);
	int64_t (*changes)(void *conn);
	/*
	 * Optional. After an import wrote rows with their ids, moves the engine's
	 * counter for TABLE.COLUMN past the largest id (PostgreSQL: setval() on
	 * the identity sequence). NULL when the engine needs nothing: SQLite
	 * gives an INTEGER PRIMARY KEY max(id) + 1.
	 */
	int (*sync_id_counter)(void *conn, const char *table, const char *column,
			       struct sb_error *err);
	/*
	 * Optional: messages between the processes that share the database
	 * (store_listener_open()). LISTEN makes CONN receive what is sent on
	 * CHANNEL; wait_notification() returns 1 and the next payload
	 * (malloc'ed, the caller's) within TIMEOUT_MS, 0 when none came, or a
	 * negative code when the connection failed. NULL on an engine that one
	 * process serves.
	 */
	int (*listen)(void *conn, const char *channel, struct sb_error *err);
	int (*wait_notification)(void *conn, int timeout_ms, char **payload_out,
				 struct sb_error *err);
	/*
	 * Where attachment bytes live (store_blob_put()): false, as files in
	 * the data directory beside an embedded database; true, in the blobs
	 * table, so that servers sharing a database server share nothing else.
	 */
	bool blobs_in_database;
	/*
	 * Whether write transactions of other connections run at the same time
	 * as this one's (PostgreSQL), rather than one after another (SQLite's
	 * database lock). Then an identity is handed out when a row is
	 * inserted, not when it commits, and rows may commit out of key order.
	 */
	bool concurrent_writers;
	/*
	 * Optional. Held around store_migrate() so that processes migrating one
	 * database take turns, waiting as long as the migration takes. NULL when
	 * the engine's write transaction already locks the whole database
	 * (SQLite's BEGIN IMMEDIATE).
	 */
	int (*migrate_lock)(void *conn, struct sb_error *err);
	void (*migrate_unlock)(void *conn);
	/*
	 * The engine's text for the statements whose dialects differ, indexed
	 * by enum stmt_id; NULL (the array, or an entry) runs the shared SQL.
	 */
	const char *const *statements;
	/* The engine's schema migrations (store/migrations.h). */
	const char *const *migrations;
	const int *migrations_count;
};

extern const struct store_driver store_driver_sqlite;
extern const struct store_driver store_driver_postgres;

/* PostgreSQL's text for the statements it runs differently (postgres_sql.c). */
extern const char *const store_postgres_statements[STMT__COUNT];

/* The data directory the store was opened on (borrowed). */
const char *store_data_dir(const struct store *s);
/* The driver of the store's engine. */
const struct store_driver *store_driver_of(const struct store *s);

/*
 * A connection: the engine's handle and its statement cache. Inside a write
 * (store_write_begin() to commit or rollback), WRITER points at the
 * process's one writer connection and every statement runs there: the
 * writes of several requests share one transaction (group commit), each in
 * a savepoint of its own.
 */
struct store_conn {
	struct store *store;
	const struct store_driver *driver;
	void *handle;
	struct db_stmt *stmts[STMT__COUNT];
	bool in_write;
	struct store_conn *writer; /* set inside a write */
	uint64_t batch;            /* the group commit this write joined */
};

/* The connection C's statements run on now. */
static inline struct store_conn *db_on(struct store_conn *c)
{
	return c->writer ? c->writer : c;
}

/* The id of the row the last INSERT made, and the rows the last statement changed. */
int64_t db_last_insert_id(struct store_conn *c);
int64_t db_changes(struct store_conn *c);

/*
 * The statement ID, prepared on this connection if it was not yet, reset
 * and with its bindings cleared. Borrowed: owned by the connection.
 */
int db_stmt(struct store_conn *c, enum stmt_id id, struct db_stmt **out, struct sb_error *err);

/* Bindings, for brevity in the typed functions. Text NULL binds NULL. */
int db_bind_int(struct store_conn *c, struct db_stmt *s, int n, int64_t v);
int db_bind_text(struct store_conn *c, struct db_stmt *s, int n, const char *text);
int db_bind_blob(struct store_conn *c, struct db_stmt *s, int n, const void *p, size_t len);
int db_bind_opt_int(struct store_conn *c, struct db_stmt *s, int n, int64_t v); /* 0 binds NULL */

int db_step(struct store_conn *c, struct db_stmt *s, struct sb_error *err);
int64_t db_int(struct store_conn *c, struct db_stmt *s, int col);
const char *db_text(struct store_conn *c, struct db_stmt *s, int col);
/* A copy of column COL in arena A, or NULL when the column is NULL. */
char *db_text_dup(struct store_conn *c, struct db_stmt *s, int col, struct arena *a);

/*
 * Makes room for one more element in a list of *N elements of SIZE bytes
 * that lives in arena A: grows *LIST (doubling *CAP, copying) when full.
 * Returns the slot for element *N, or NULL when out of memory.
 */
void *db_list_slot(struct arena *a, void **list, size_t n, size_t *cap, size_t size);

/* Runs statement S (already bound) to completion, expecting no rows. */
int db_exec_stmt(struct store_conn *c, struct db_stmt *s, struct sb_error *err);

#endif
