/*
 * The store's side of export and import (src/dump): every table of the
 * schema described as data, scanned and loaded through the driver's
 * generic statements, so that the same code reads and writes every engine.
 *
 * The catalog (store_tables()) lists the tables of schema version
 * STORE_TABLES_SCHEMA in an order that respects foreign keys: loading them
 * in this order never references a row not yet loaded. A migration that
 * adds a table or a column must update the catalog: export and import
 * refuse to run when the schema and the catalog disagree.
 *
 * schema_migrations is not part of the catalog: an import's target is a
 * database already migrated to the same version. Neither is blobs (where
 * PostgreSQL keeps attachment bytes): the stream carries the bytes of every
 * attachment after the rows, whichever engine kept them.
 */
#ifndef SB_STORE_DUMP_H
#define SB_STORE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

#define STORE_TABLES_SCHEMA 7

/* Column types, one character per column in struct store_table.types. */
enum {
	STORE_COL_INT = 'i',
	STORE_COL_TEXT = 't',
	STORE_COL_BLOB = 'b',
};

struct store_table {
	const char *name;
	const char *columns; /* "id, email, ...": the order of every row's values */
	const char *types;   /* one STORE_COL_* per column */
	const char *select_sql;
	const char *insert_sql;
	const char *count_sql;
	int select_stmt;       /* a statements.h id when the scan is dialect-specific, else -1 */
	const char *id_column; /* the integer id whose counter an import must move, or NULL */
	bool seeded;           /* store_seed_defaults() fills it: "empty" ignores it */
};

/* The tables, in load order; static, never NULL. */
const struct store_table *store_tables(size_t *n_out);

enum {
	STORE_VALUE_NULL = 0,
	STORE_VALUE_INT,
	STORE_VALUE_TEXT,
	STORE_VALUE_BLOB,
};

/* One column of one row. P is borrowed (see the function that hands it out). */
struct store_value {
	int kind;
	int64_t i;
	const char *p;
	size_t len;
};

/*
 * Starts (and ends) a read transaction on C: every scan between sees one
 * consistent snapshot while writers go on. C must not be inside a write.
 */
int store_snapshot_begin(struct store_conn *c, struct sb_error *err);
void store_snapshot_end(struct store_conn *c);

int store_table_count(struct store_conn *c, const struct store_table *t, int64_t *n_out,
		      struct sb_error *err);

/*
 * Calls FN for every row of T in a stable order (by primary key, or by
 * insertion order where reads depend on it). The values are borrowed until
 * FN returns. A negative return from FN stops the scan and is returned.
 */
typedef int (*store_row_fn)(void *ctx, const struct store_value *values, struct sb_error *err);
int store_table_scan(struct store_conn *c, const struct store_table *t, store_row_fn fn, void *ctx,
		     struct sb_error *err);

/*
 * Loading, inside a write C already began (store_write_begin()). begin
 * refuses (-SB_ECONFLICT) a database holding anything but the seed rows,
 * and removes those: the import brings its own. The loader is the caller's:
 * free it with store_loader_free() (NULL is fine) before committing.
 */
struct store_loader;
int store_load_begin(struct store_conn *c, struct store_loader **out, struct sb_error *err);
/* Inserts one row of table TABLE (an index into store_tables()), ids as given. */
int store_load_row(struct store_loader *l, size_t table, const struct store_value *values,
		   struct sb_error *err);
/* Moves the engines' id counters past the loaded ids (driver.h sync_id_counter). */
int store_load_finish(struct store_loader *l, struct sb_error *err);
void store_loader_free(struct store_loader *l);

#endif
