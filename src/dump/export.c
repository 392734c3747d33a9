/*
 * Writing an export stream (format in dump.h). Everything is read inside
 * one read transaction, so the stream is one consistent moment of the
 * deployment even while a server keeps writing. Attachment files are named
 * by their hash and never rewritten, so reading them after the rows is safe.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dump/dump.h"
#include "util/arena.h"

/* Rows between progress reports. */
#define PROGRESS_EVERY 512

struct writer {
	FILE *out;
	const struct store_table *t;
	dump_progress_fn progress;
	void *progress_ctx;
	int64_t done, total;
	/* The attachments' hashes, collected while their rows go by. */
	char (*shas)[65];
	size_t nshas, capshas;
};

static int put(struct writer *w, json_t *j, struct sb_error *err)
{
	if (!j)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return sb_error_set(err, SB_EINVAL, "a value is not valid UTF-8");
	int rc = fputs(s, w->out) < 0 || fputc('\n', w->out) == EOF
			 ? sb_error_set(err, SB_EIO, "cannot write the output")
			 : 0;
	free(s);
	return rc;
}

static json_t *b64(const void *p, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *buf = malloc(n);
	if (!buf)
		return NULL;
	sodium_bin2base64(buf, n, p, len, sodium_base64_VARIANT_ORIGINAL);
	json_t *j = json_string(buf);
	free(buf);
	return j;
}

static int keep_sha(struct writer *w, const struct store_value *v, struct sb_error *err)
{
	if (v->kind != STORE_VALUE_TEXT || v->len != 64)
		return sb_error_set(err, SB_EINVAL, "an attachment with a bad sha256");
	if (w->nshas == w->capshas) {
		size_t ncap = w->capshas ? w->capshas * 2 : 64;
		void *more = realloc(w->shas, ncap * sizeof(*w->shas));
		if (!more)
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		w->shas = more;
		w->capshas = ncap;
	}
	memcpy(w->shas[w->nshas], v->p, 64);
	w->shas[w->nshas++][64] = '\0';
	return 0;
}

static int write_row(void *ctx, const struct store_value *v, struct sb_error *err)
{
	struct writer *w = ctx;
	json_t *a = json_array();
	for (size_t i = 0; a && w->t->types[i]; i++) {
		json_t *x;
		switch (v[i].kind) {
		case STORE_VALUE_INT: x = json_integer(v[i].i); break;
		case STORE_VALUE_TEXT: x = json_stringn(v[i].p, v[i].len); break;
		case STORE_VALUE_BLOB: x = b64(v[i].p, v[i].len); break;
		default: x = json_null(); break;
		}
		if (!x || json_array_append_new(a, x) < 0) {
			json_decref(a);
			return sb_error_set(err, SB_EINVAL,
					    "%s column %zu cannot be written (not UTF-8?)",
					    w->t->name, i + 1);
		}
	}
	int rc = put(w, a, err);
	if (rc == 0 && strcmp(w->t->name, "attachments") == 0)
		rc = keep_sha(w, &v[7], err);
	if (rc == 0 && ++w->done % PROGRESS_EVERY == 0 && w->progress)
		w->progress(w->progress_ctx, w->t->name, w->done, w->total);
	return rc;
}

static int cmp_sha(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int write_blobs(struct store *store, struct writer *w, int64_t *nblobs, struct sb_error *err)
{
	static const char name[] = "attachments (files)";
	if (w->nshas > 0) /* qsort() wants a pointer even for nothing */
		qsort(w->shas, w->nshas, sizeof(*w->shas), cmp_sha);
	size_t n = 0;
	for (size_t i = 0; i < w->nshas; i++) /* identical uploads share a file: once each */
		if (n == 0 || strcmp(w->shas[n - 1], w->shas[i]) != 0)
			memmove(w->shas[n++], w->shas[i], 65);
	if (w->progress)
		w->progress(w->progress_ctx, name, 0, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		struct arena *a = arena_new();
		const char *data;
		size_t len;
		if (!a)
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		int rc = store_blob_get(store, w->shas[i], a, &data, &len, err);
		if (rc < 0) {
			arena_free(a);
			return sb_error_set(err, -rc, "attachment %s: %s", w->shas[i],
					    rc == -SB_ENOTFOUND ? "its file is missing"
								: "unreadable");
		}
		json_t *o = json_object();
		if (o) {
			json_object_set_new(o, "blob", json_string(w->shas[i]));
			json_object_set_new(o, "size", json_integer((json_int_t)len));
			json_object_set_new(o, "data", b64(data, len));
		}
		arena_free(a);
		if ((rc = put(w, o, err)) < 0)
			return rc;
		if (w->progress)
			w->progress(w->progress_ctx, name, (int64_t)i + 1, (int64_t)n);
	}
	*nblobs = (int64_t)n;
	return 0;
}

static json_t *header(struct store *store)
{
	char at[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *h = json_object();
	if (!h)
		return NULL;
	json_object_set_new(h, "format", json_string(DUMP_FORMAT));
	json_object_set_new(h, "format_version", json_integer(DUMP_FORMAT_VERSION));
	json_object_set_new(h, "schema_version", json_integer(STORE_TABLES_SCHEMA));
	json_object_set_new(h, "source", json_string(store_engine_name(store)));
	json_object_set_new(h, "exported_at", json_string(at));
	return h;
}

static json_t *table_header(const struct store_table *t, int64_t rows)
{
	json_t *o = json_object(), *cols = json_array();
	const char *p = t->columns;
	while (o && cols && *p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(cols, json_stringn(p, n));
		p += n;
		p += strspn(p, ", ");
	}
	if (!o || !cols) {
		json_decref(o);
		json_decref(cols);
		return NULL;
	}
	json_object_set_new(o, "table", json_string(t->name));
	json_object_set_new(o, "columns", cols);
	json_object_set_new(o, "rows", json_integer(rows));
	return o;
}

int dump_export(struct store *store, FILE *out, dump_progress_fn progress, void *progress_ctx,
		struct dump_counts *counts_out, struct sb_error *err)
{
	struct writer w = {.out = out, .progress = progress, .progress_ctx = progress_ctx};
	struct dump_counts counts = {0};
	struct store_conn *c;
	size_t ntables;
	const struct store_table *tables = store_tables(&ntables);
	int version = 0, rc;
	if ((rc = store_conn(store, &c, err)) < 0 ||
	    (rc = store_current_version(store, &version, err)) < 0)
		return rc;
	if (version != STORE_TABLES_SCHEMA)
		return sb_error_set(err, SB_ECONFLICT,
				    "the database is at schema version %d but this "
				    "binary exports version %d (run switchboard migrate)",
				    version, STORE_TABLES_SCHEMA);
	if ((rc = put(&w, header(store), err)) < 0 || (rc = store_snapshot_begin(c, err)) < 0)
		return rc;
	for (size_t i = 0; i < ntables && rc == 0; i++) {
		w.t = &tables[i];
		w.done = 0;
		if ((rc = store_table_count(c, w.t, &w.total, err)) < 0 ||
		    (rc = put(&w, table_header(w.t, w.total), err)) < 0)
			break;
		if (progress)
			progress(progress_ctx, w.t->name, 0, w.total);
		if ((rc = store_table_scan(c, w.t, write_row, &w, err)) < 0)
			break;
		/* The count and the scan share the snapshot: a mismatch is a bug. */
		if (w.done != w.total) {
			rc = sb_error_set(err, SB_EIO, "%s changed during the export", w.t->name);
			break;
		}
		if (progress)
			progress(progress_ctx, w.t->name, w.total, w.total);
		counts.tables++;
		counts.rows += w.total;
	}
	store_snapshot_end(c);
	if (rc == 0 && (rc = write_blobs(store, &w, &counts.blobs, err)) == 0) {
		json_t *end = json_object();
		if (end) {
			json_object_set_new(end, "end", json_string(DUMP_FORMAT));
			json_object_set_new(end, "tables", json_integer(counts.tables));
			json_object_set_new(end, "rows", json_integer(counts.rows));
			json_object_set_new(end, "blobs", json_integer(counts.blobs));
		}
		rc = put(&w, end, err);
	}
	free(w.shas);
	if (rc == 0 && counts_out)
		*counts_out = counts;
	return rc;
}
