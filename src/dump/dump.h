/*
 * Export and import of a whole deployment as one portable stream
 * (docs/operations.md, "Moving between databases"). The stream is JSON
 * Lines, engine-neutral, one object or array per line:
 *
 *   {"format":"switchboard-export","format_version":1,"schema_version":6,
 *    "source":"sqlite","exported_at":"2026-11-22T19:00:00Z"}
 *   {"table":"users","columns":["id","email",...],"rows":2}
 *   [1,"admin@example.com",...]                 one line per row
 *   ...                                          every table, in load order
 *   {"blob":"<sha256 hex>","size":123,"data":"<base64>"}   by hash, ascending
 *   {"end":"switchboard-export","tables":21,"rows":345,"blobs":3}
 *
 * Integers are JSON integers, text JSON strings, BLOB columns base64
 * strings, NULL null. Rows come in a stable order, so that exporting the
 * same data twice gives the same bytes but for exported_at.
 *
 * This layer sits on store (the catalog, scans, loads, blobs) and keeps
 * JSON to itself: the store sees struct store_value.
 */
#ifndef SB_DUMP_DUMP_H
#define SB_DUMP_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/dump.h"
#include "store/store.h"
#include "util/error.h"

#define DUMP_FORMAT         "switchboard-export"
#define DUMP_FORMAT_VERSION 1
/* The longest line taken: a 64 MB attachment in base64, and its JSON. */
#define DUMP_LINE_MAX ((size_t)90 * 1024 * 1024)

/*
 * Progress, for a bar: table NAME has DONE of TOTAL rows written or read
 * (blobs report as the table "attachments (files)"). Called at the start
 * of a table (DONE 0), every so often, and at its end (DONE == TOTAL).
 */
typedef void (*dump_progress_fn)(void *ctx, const char *name, int64_t done, int64_t total);

struct dump_counts {
	int64_t tables, rows, blobs;
};

/*
 * Writes every table of STORE and every attachment's bytes to OUT, all
 * read in one snapshot (a server may keep writing meanwhile). PROGRESS may
 * be NULL. Does not close OUT; the caller checks ferror()/fclose().
 */
int dump_export(struct store *store, FILE *out, dump_progress_fn progress, void *progress_ctx,
		struct dump_counts *counts_out, struct sb_error *err);

/*
 * Reads a stream from IN (seekable: it is read twice) into STORE, which
 * must be freshly migrated and empty. The first pass checks the whole
 * stream (structure, counts, the schema version, every blob's hash, every
 * attachment's blob) and writes nothing; the second loads every row in one
 * transaction and stores the blobs. On any error nothing is committed.
 */
int dump_import(struct store *store, FILE *in, dump_progress_fn progress, void *progress_ctx,
		struct dump_counts *counts_out, struct sb_error *err);

/* What the reader hands a sink; every callback may be NULL. */
struct dump_sink {
	int (*table)(void *ctx, size_t table, int64_t rows, struct sb_error *err);
	/* VALUES as store_load_row() takes them, borrowed until return. */
	int (*row)(void *ctx, size_t table, const struct store_value *values, struct sb_error *err);
	/* DATA's SHA-256 is SHA256 (checked). */
	int (*blob)(void *ctx, const char *sha256, const void *data, size_t len,
		    struct sb_error *err);
};

/*
 * Parses and checks a whole stream from IN, calling SINK as it goes; fails
 * (-SB_EINVAL, with the line number) on anything out of place. The parser
 * the fuzz target drives.
 */
int dump_read(FILE *in, const struct dump_sink *sink, void *ctx, struct dump_counts *counts_out,
	      struct sb_error *err);

#endif
