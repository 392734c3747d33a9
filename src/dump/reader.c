/*
 * Reading an export stream (dump.h): a strict parser. Anything a correct
 * export would not contain (an unknown key, a table out of order, a row of
 * the wrong width or type, a count that does not add up, a blob whose bytes
 * do not hash to its name, a missing trailer) is refused with the line it
 * is on, so a truncated or edited file never gets half-way into a database.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"

struct reader {
	FILE *in;
	char *line;
	size_t cap;
	size_t len;
	int64_t lineno;
	const struct dump_sink *sink;
	void *ctx;
	struct sb_error *err;
	/* The attachments' hashes, to check each has its blob. */
	char (*shas)[65];
	size_t nshas, capshas;
	char last_blob[65];
};

static int bad(struct reader *r, const char *what)
{
	return sb_error_set(r->err, SB_EINVAL, "line %lld: %s", (long long)r->lineno, what);
}

/*
 * Reads the next line into r->line (with its newline, when it has one),
 * never holding more than DUMP_LINE_MAX bytes of it: getline() would
 * allocate whatever a corrupt file's endless line asks for. Returns the
 * length, 0 at end of input, or a negative code.
 */
static int64_t read_line(struct reader *r)
{
	size_t len = 0;
	int ch;
	while ((ch = getc_unlocked(r->in)) != EOF) {
		if (len + 2 > r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 4096;
			char *more = realloc(r->line, ncap);
			if (!more)
				return sb_error_set(r->err, SB_ENOMEM, "out of memory");
			r->line = more;
			r->cap = ncap;
		}
		r->line[len++] = (char)ch;
		if (ch == '\n')
			break;
		if (len > DUMP_LINE_MAX)
			return sb_error_set(r->err, SB_EINVAL, "line %lld: longer than %zu bytes",
					    (long long)r->lineno + 1, DUMP_LINE_MAX);
	}
	if (ferror(r->in))
		return sb_error_set(r->err, SB_EIO, "cannot read the input");
	return (int64_t)len;
}

/* The next line, without its newline, as a JSON value; 1 at end of input. */
static int next(struct reader *r, json_t **out)
{
	int64_t n = read_line(r);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return 1;
	r->lineno++;
	r->len = (size_t)n;
	if (r->line[n - 1] != '\n')
		return bad(r, "the stream ends mid-line (truncated?)");
	json_error_t je;
	json_t *j = json_loadb(r->line, (size_t)n - 1, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		/* jansson quotes the input in its message: keep the line printable. */
		char msg[SB_ERROR_MESSAGE_MAX], q[SB_QUOTE_SIZE];
		snprintf(msg, sizeof(msg), "not JSON: %s", sb_quote(q, je.text, SIZE_MAX));
		return bad(r, msg);
	}
	*out = j;
	return 0;
}

/* Like next(), but the end of input is an error: the trailer is missing. */
static int need(struct reader *r, json_t **out)
{
	int rc = next(r, out);
	if (rc == 1)
		return sb_error_set(r->err, SB_EINVAL,
				    "the stream ends after line %lld without its trailer "
				    "(truncated?)",
				    (long long)r->lineno);
	return rc;
}

/* Integer member KEY of object O, which must be >= 0. */
static bool get_count(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = json_integer_value(v);
	return true;
}

static int read_header(struct reader *r)
{
	json_t *h;
	int rc = need(r, &h);
	if (rc < 0)
		return rc;
	const char *format = json_string_value(json_object_get(h, "format"));
	int64_t fv = -1, sv = -1;
	if (!json_is_object(h) || !format || strcmp(format, DUMP_FORMAT) != 0) {
		rc = bad(r, "not a Switchboard export (no \"format\":\"" DUMP_FORMAT "\" header)");
	} else if (!get_count(h, "format_version", &fv) || fv != DUMP_FORMAT_VERSION) {
		rc = bad(r, "unsupported format_version (this binary reads version 1)");
	} else if (!get_count(h, "schema_version", &sv)) {
		rc = bad(r, "the header has no schema_version");
	} else if (sv != STORE_TABLES_SCHEMA) {
		rc = sb_error_set(
			r->err, SB_EINVAL,
			"the export is of schema version %lld, this binary's is "
			"%d: export with a binary of the same version (migrate the source "
			"first)",
			(long long)sv, STORE_TABLES_SCHEMA);
	}
	json_decref(h);
	return rc;
}

/* Checks that COLUMNS (a JSON array) names exactly the catalog's columns of T. */
static bool columns_match(json_t *columns, const struct store_table *t)
{
	const char *want = t->columns;
	size_t i;
	json_t *c;
	if (!json_is_array(columns) || json_array_size(columns) != strlen(t->types))
		return false;
	json_array_foreach(columns, i, c)
	{
		const char *name = json_string_value(c);
		size_t n = name ? strlen(name) : 0;
		if (!name || strncmp(want, name, n) != 0 || (want[n] != ',' && want[n] != '\0'))
			return false;
		want += n;
		if (*want == ',')
			want += 2; /* ", " */
	}
	return *want == '\0';
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int remember_sha(struct reader *r, const char *sha, size_t len)
{
	if (len != 64 || !is_hex64(sha))
		return bad(r, "an attachment's sha256 is not 64 lowercase hex digits");
	if (r->nshas == r->capshas) {
		size_t ncap = r->capshas ? r->capshas * 2 : 64;
		void *more = realloc(r->shas, ncap * sizeof(*r->shas));
		if (!more)
			return sb_error_set(r->err, SB_ENOMEM, "out of memory");
		r->shas = more;
		r->capshas = ncap;
	}
	memcpy(r->shas[r->nshas], sha, 64);
	r->shas[r->nshas++][64] = '\0';
	return 0;
}

/* One row of table T (index TI) from array A, handed to the sink. */
static int read_row(struct reader *r, size_t ti, const struct store_table *t, json_t *a)
{
	size_t ncol = strlen(t->types);
	if (!json_is_array(a) || json_array_size(a) != ncol)
		return bad(r, "a row of the wrong width (or a line out of place)");
	struct store_value *v = calloc(ncol, sizeof(*v));
	unsigned char **blobs = calloc(ncol, sizeof(*blobs));
	int rc = 0;
	if (!v || !blobs) {
		rc = sb_error_set(r->err, SB_ENOMEM, "out of memory");
		goto out;
	}
	bool attachments = strcmp(t->name, "attachments") == 0;
	for (size_t i = 0; i < ncol && rc == 0; i++) {
		json_t *x = json_array_get(a, i);
		if (json_is_null(x)) {
			v[i].kind = STORE_VALUE_NULL;
		} else if (t->types[i] == STORE_COL_INT && json_is_integer(x)) {
			v[i].kind = STORE_VALUE_INT;
			v[i].i = json_integer_value(x);
		} else if (t->types[i] == STORE_COL_TEXT && json_is_string(x)) {
			v[i].kind = STORE_VALUE_TEXT;
			v[i].p = json_string_value(x);
			v[i].len = json_string_length(x);
		} else if (t->types[i] == STORE_COL_BLOB && json_is_string(x)) {
			const char *b64 = json_string_value(x);
			size_t n = json_string_length(x), got = 0;
			blobs[i] = malloc(n / 4 * 3 + 1);
			if (!blobs[i] ||
			    sodium_base642bin(blobs[i], n / 4 * 3 + 1, b64, n, NULL, &got, NULL,
					      sodium_base64_VARIANT_ORIGINAL) != 0)
				rc = bad(r, "a BLOB column is not base64");
			v[i].kind = STORE_VALUE_BLOB;
			v[i].p = (const char *)blobs[i];
			v[i].len = got;
		} else {
			char msg[128];
			snprintf(msg, sizeof(msg), "column %zu of a %s row has the wrong type",
				 i + 1, t->name);
			rc = bad(r, msg);
		}
	}
	/* attachments.sha256 is the 8th column: the blob that must follow. */
	if (rc == 0 && attachments) {
		if (v[7].kind != STORE_VALUE_TEXT)
			rc = bad(r, "an attachment without its sha256");
		else
			rc = remember_sha(r, v[7].p, v[7].len);
	}
	if (rc == 0 && r->sink->row)
		rc = r->sink->row(r->ctx, ti, v, r->err);
out:
	for (size_t i = 0; blobs && i < ncol; i++)
		free(blobs[i]);
	free(blobs);
	free(v);
	return rc;
}

static int read_blob(struct reader *r, json_t *o, int64_t *nblobs)
{
	const char *sha = json_string_value(json_object_get(o, "blob"));
	json_t *data = json_object_get(o, "data");
	int64_t size = -1;
	if (json_object_size(o) != 3 || !is_hex64(sha) || !get_count(o, "size", &size) ||
	    !json_is_string(data))
		return bad(r, "a blob line needs blob (sha256 hex), size and data (base64)");
	if (strcmp(sha, r->last_blob) <= 0)
		return bad(r, "blobs out of order or repeated");
	size_t n = json_string_length(data), got = 0;
	if ((size_t)size > n / 4 * 3)
		return bad(r, "a blob's size does not match its data");
	unsigned char *bytes = malloc(n / 4 * 3 + 1);
	if (!bytes)
		return sb_error_set(r->err, SB_ENOMEM, "out of memory");
	int rc = 0;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65];
	if (sodium_base642bin(bytes, n / 4 * 3 + 1, json_string_value(data), n, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		rc = bad(r, "a blob's data is not base64");
	} else if ((int64_t)got != size) {
		rc = bad(r, "a blob's size does not match its data");
	} else {
		crypto_hash_sha256(digest, bytes, got);
		sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
		if (strcmp(hex, sha) != 0) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "blob %.64s: its bytes hash to %.64s (corrupt data)", sha, hex);
			rc = bad(r, msg);
		}
	}
	if (rc == 0 && r->sink->blob)
		rc = r->sink->blob(r->ctx, sha, bytes, got, r->err);
	free(bytes);
	if (rc == 0) {
		memcpy(r->last_blob, sha, 65);
		(*nblobs)++;
	}
	return rc;
}

static int cmp_sha(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every attachment row's blob was in the stream (both lists sorted: merge). */
static int check_attachments_have_blobs(struct reader *r, char (*blobs)[65], size_t nblobs)
{
	if (r->nshas == 0)
		return 0;
	if (nblobs == 0)
		return sb_error_set(r->err, SB_EINVAL, "attachment %.64s has no blob in the stream",
				    r->shas[0]);
	qsort(r->shas, r->nshas, sizeof(*r->shas), cmp_sha);
	for (size_t i = 0; i < r->nshas; i++) {
		if (!bsearch(r->shas[i], blobs, nblobs, sizeof(*blobs), cmp_sha))
			return sb_error_set(r->err, SB_EINVAL,
					    "attachment %.64s has no blob in the stream",
					    r->shas[i]);
	}
	return 0;
}

int dump_read(FILE *in, const struct dump_sink *sink, void *ctx, struct dump_counts *counts_out,
	      struct sb_error *err)
{
	static const struct dump_sink none = {0};
	struct reader r = {.in = in, .sink = sink ? sink : &none, .ctx = ctx, .err = err};
	struct dump_counts counts = {0};
	char(*blobs)[65] = NULL;
	size_t nblobs = 0, capblobs = 0;
	size_t ntables;
	const struct store_table *tables = store_tables(&ntables);
	json_t *j = NULL;
	int rc = read_header(&r);
	if (rc < 0)
		goto out;
	for (size_t ti = 0; ti < ntables; ti++) {
		const struct store_table *t = &tables[ti];
		int64_t rows = -1;
		if ((rc = need(&r, &j)) < 0)
			goto out;
		const char *name = json_string_value(json_object_get(j, "table"));
		if (!json_is_object(j) || json_object_size(j) != 3 || !name ||
		    strcmp(name, t->name) != 0 || !get_count(j, "rows", &rows)) {
			char msg[128];
			snprintf(msg, sizeof(msg), "expected the header of table %s", t->name);
			rc = bad(&r, msg);
			goto out;
		}
		if (!columns_match(json_object_get(j, "columns"), t)) {
			char msg[128];
			snprintf(msg, sizeof(msg), "table %s: the columns are not this schema's",
				 t->name);
			rc = bad(&r, msg);
			goto out;
		}
		json_decref(j);
		j = NULL;
		if (r.sink->table && (rc = r.sink->table(ctx, ti, rows, err)) < 0)
			goto out;
		for (int64_t k = 0; k < rows; k++) {
			if ((rc = need(&r, &j)) < 0 || (rc = read_row(&r, ti, t, j)) < 0)
				goto out;
			json_decref(j);
			j = NULL;
		}
		counts.tables++;
		counts.rows += rows;
	}
	/* Blobs, then the trailer. */
	for (;;) {
		if ((rc = need(&r, &j)) < 0)
			goto out;
		if (!json_is_object(j)) {
			rc = bad(&r, "expected a blob or the trailer (more rows than announced?)");
			goto out;
		}
		if (json_object_get(j, "end"))
			break;
		if ((rc = read_blob(&r, j, &counts.blobs)) < 0)
			goto out;
		if (nblobs == capblobs) {
			size_t ncap = capblobs ? capblobs * 2 : 64;
			void *more = realloc(blobs, ncap * sizeof(*blobs));
			if (!more) {
				rc = sb_error_set(err, SB_ENOMEM, "out of memory");
				goto out;
			}
			blobs = more;
			capblobs = ncap;
		}
		memcpy(blobs[nblobs++], r.last_blob, 65);
		json_decref(j);
		j = NULL;
	}
	const char *end = json_string_value(json_object_get(j, "end"));
	int64_t tn = -1, rn = -1, bn = -1;
	if (!end || strcmp(end, DUMP_FORMAT) != 0 || json_object_size(j) != 4 ||
	    !get_count(j, "tables", &tn) || !get_count(j, "rows", &rn) ||
	    !get_count(j, "blobs", &bn) || tn != counts.tables || rn != counts.rows ||
	    bn != counts.blobs) {
		rc = bad(&r, "the trailer does not match what the stream held");
		goto out;
	}
	json_decref(j);
	j = NULL;
	if ((rc = next(&r, &j)) == 0) {
		rc = bad(&r, "data after the trailer");
		goto out;
	}
	if (rc < 0)
		goto out;
	if ((rc = check_attachments_have_blobs(&r, blobs, nblobs)) < 0)
		goto out;
	if (counts_out)
		*counts_out = counts;
	rc = 0;
out:
	json_decref(j);
	free(blobs);
	free(r.shas);
	free(r.line);
	return rc;
}
