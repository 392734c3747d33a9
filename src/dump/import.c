/*
 * Loading an export stream into a new deployment (dump.h). Two passes over
 * the input: the first checks all of it and writes nothing, so a truncated
 * or corrupt file is refused before the database is touched; the second
 * loads every row in one write transaction and stores the attachment
 * files. Files are written before the COMMIT (as the API does: a committed
 * attachment always has its bytes); an import that fails after writing
 * some leaves only unreferenced files named by their hash, which a later
 * import of the same data reuses.
 */
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"

struct loading {
	struct store *store;
	struct store_loader *loader;
	const struct store_table *tables;
	dump_progress_fn progress;
	void *progress_ctx;
	size_t table;
	int64_t done, total, blobs_done, blobs_total;
};

static void report_end(struct loading *l)
{
	if (l->progress && l->total >= 0)
		l->progress(l->progress_ctx, l->tables[l->table].name, l->total, l->total);
}

static int on_table(void *ctx, size_t table, int64_t rows, struct sb_error *err)
{
	struct loading *l = ctx;
	if (table > 0)
		report_end(l);
	l->table = table;
	l->done = 0;
	l->total = rows;
	if (l->progress)
		l->progress(l->progress_ctx, l->tables[table].name, 0, rows);
	return 0;
}

static int on_row(void *ctx, size_t table, const struct store_value *v, struct sb_error *err)
{
	struct loading *l = ctx;
	int rc = store_load_row(l->loader, table, v, err);
	if (rc == 0 && ++l->done % 512 == 0 && l->progress)
		l->progress(l->progress_ctx, l->tables[table].name, l->done, l->total);
	return rc;
}

static int on_blob(void *ctx, const char *sha256, const void *data, size_t len,
		   struct sb_error *err)
{
	struct loading *l = ctx;
	char stored[65];
	if (l->blobs_done == 0) {
		report_end(l);
		l->total = -1;
	}
	int rc = store_blob_put(l->store, data, len, stored, err);
	if (rc < 0)
		return rc;
	/* The reader checked the hash; this catches a store that named it otherwise. */
	if (strcmp(stored, sha256) != 0)
		return sb_error_set(err, SB_EIO, "blob %s was stored as %s", sha256, stored);
	l->blobs_done++;
	if (l->progress)
		l->progress(l->progress_ctx, "attachments (files)", l->blobs_done, l->blobs_total);
	return 0;
}

int dump_import(struct store *store, FILE *in, dump_progress_fn progress, void *progress_ctx,
		struct dump_counts *counts_out, struct sb_error *err)
{
	struct dump_counts checked = {0}, loaded = {0};
	struct store_conn *c;
	size_t ntables;
	int version = 0, rc;
	if ((rc = store_conn(store, &c, err)) < 0 ||
	    (rc = store_current_version(store, &version, err)) < 0)
		return rc;
	if (version != STORE_TABLES_SCHEMA)
		return sb_error_set(err, SB_ECONFLICT,
				    "the database is at schema version %d, the importer "
				    "loads version %d",
				    version, STORE_TABLES_SCHEMA);
	/* Pass 1: the whole stream, checked; nothing written. */
	if ((rc = dump_read(in, NULL, NULL, &checked, err)) < 0)
		return rc;
	if (fseek(in, 0, SEEK_SET) < 0)
		return sb_error_set(err, SB_EIO, "cannot rewind the input");

	/* Pass 2: one transaction. */
	struct loading l = {.store = store,
			    .tables = store_tables(&ntables),
			    .progress = progress,
			    .progress_ctx = progress_ctx,
			    .total = -1,
			    .blobs_total = checked.blobs};
	static const struct dump_sink sink = {.table = on_table, .row = on_row, .blob = on_blob};
	if ((rc = store_write_begin(c, err)) < 0)
		return rc;
	if ((rc = store_load_begin(c, &l.loader, err)) < 0 ||
	    (rc = dump_read(in, &sink, &l, &loaded, err)) < 0 ||
	    (rc = store_load_finish(l.loader, err)) < 0) {
		store_loader_free(l.loader);
		store_write_rollback(c);
		return rc;
	}
	if (loaded.blobs == 0)
		report_end(&l);
	store_loader_free(l.loader);
	if ((rc = store_write_commit(c, err)) < 0)
		return rc;
	if (counts_out)
		*counts_out = loaded;
	return 0;
}
