/*
 * Export and import below the stream: the catalog against the migrated
 * schema, a round trip through an in-memory stream, and the refusals that
 * must leave the target untouched. (tests/cli/test_export_import.py runs
 * the commands end to end on a deployment built through the API.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dump/dump.h"
#include "store/dump.h"
#include "store_fixture.h"

TestSuite(dump, .init = setup, .fini = teardown);

static int count_rows(void *ctx, const struct store_value *v, struct sb_error *err)
{
	(*(int64_t *)ctx)++;
	return 0;
}

Test(dump, catalog_names_as_many_columns_as_types_and_every_scan_runs)
{
	size_t n;
	const struct store_table *t = store_tables(&n);
	cr_assert_eq(STORE_TABLES_SCHEMA, store_schema_version(),
		     "a migration was added: update the catalog in src/store/dump.c");
	for (size_t i = 0; i < n; i++) {
		size_t commas = 0;
		for (const char *p = t[i].columns; *p; p++)
			commas += *p == ',';
		cr_assert_eq(commas + 1, strlen(t[i].types), "%s", t[i].name);
		struct sb_error err = {0};
		int64_t rows = 0, counted = -1;
		cr_assert_eq(store_table_scan(conn, &t[i], count_rows, &rows, &err), 0, "%s: %s",
			     t[i].name, err.message);
		cr_assert_eq(store_table_count(conn, &t[i], &counted, &err), 0);
		cr_assert_eq(rows, counted, "%s", t[i].name);
	}
}

static struct store_user user(const char *email)
{
	return (struct store_user){.email = email,
				   .name = "Ünïcode “name”",
				   .role = "admin",
				   .language = "en",
				   .created_at = (int64_t)time(NULL)};
}

/* Exports the fixture's store into a memory buffer. */
static char *export_to_memory(size_t *len_out)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len_out);
	struct sb_error err = {0};
	cr_assert_eq(dump_export(store, f, NULL, NULL, NULL, &err), 0, "%s", err.message);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* A second, freshly migrated store in its own directory; removed by the caller. */
static struct store *other_store(char path[64])
{
	snprintf(path, 64, "/tmp/sb-unit-dump-XXXXXX");
	cr_assert_not_null(mkdtemp(path));
	struct store *s;
	struct sb_error err = {0};
	cr_assert_eq(store_open(path, &s, &err), 0, "%s", err.message);
	cr_assert_eq(store_migrate(s, NULL, NULL, &err), 0, "%s", err.message);
	return s;
}

static void remove_dir(const char *path)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", path);
	cr_assert_eq(system(cmd), 0);
}

static int import_bytes(struct store *s, const char *bytes, size_t len, struct sb_error *err)
{
	FILE *f = fmemopen((void *)bytes, len, "r");
	cr_assert_not_null(f);
	int rc = dump_import(s, f, NULL, NULL, NULL, err);
	fclose(f);
	return rc;
}

static int64_t users_in(struct store *s)
{
	size_t n;
	const struct store_table *t = store_tables(&n);
	struct store_conn *c;
	int64_t rows = -1;
	cr_assert_eq(store_conn(s, &c, NULL), 0);
	cr_assert_eq(store_table_count(c, &t[0], &rows, NULL), 0);
	return rows;
}

Test(dump, a_round_trip_gives_the_same_stream_with_ids_kept)
{
	struct sb_error err = {0};
	struct store_user a = user("a@example.com"), b = user("b@example.com");
	int64_t ida, idb;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_user_insert(conn, &a, &ida, &err), 0, "%s", err.message);
	cr_assert_eq(store_user_insert(conn, &b, &idb, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);

	size_t len, len2;
	char *first = export_to_memory(&len);
	char path[64];
	struct store *target = other_store(path);
	cr_assert_eq(import_bytes(target, first, len, &err), 0, "%s", err.message);
	cr_assert_eq(users_in(target), 2);

	struct store *saved = store;
	store = target;
	char *second = export_to_memory(&len2);
	store = saved;
	const char *body1 = strchr(first, '\n'), *body2 = strchr(second, '\n');
	cr_assert_str_eq(body1, body2, "the same rows after the header");

	struct store_conn *tc;
	struct store_user got;
	cr_assert_eq(store_conn(target, &tc, &err), 0);
	cr_assert_eq(store_user_get(tc, idb, arena, &got, &err), 0, "%s", err.message);
	cr_assert_str_eq(got.email, "b@example.com", "ids kept");
	cr_assert_str_eq(got.name, "Ünïcode “name”");

	/* Again into the same, now non-empty, store: refused, nothing added. */
	cr_assert_eq(import_bytes(target, first, len, &err), -SB_ECONFLICT);
	cr_assert(strstr(err.message, "not empty"), "%s", err.message);
	cr_assert_eq(users_in(target), 2);

	store_close(target);
	remove_dir(path);
	free(first);
	free(second);
}

Test(dump, a_truncated_or_edited_stream_imports_nothing)
{
	struct sb_error err = {0};
	struct store_user a = user("a@example.com");
	int64_t id;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_user_insert(conn, &a, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	size_t len;
	char *s = export_to_memory(&len);
	char path[64];
	struct store *target = other_store(path);

	/* Cut before the trailer: every row is there, the end is not. */
	const char *trailer = strstr(s, "{\"end\"");
	cr_assert_not_null(trailer);
	cr_assert_eq(import_bytes(target, s, (size_t)(trailer - s), &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "trailer"), "%s", err.message);
	cr_assert_eq(users_in(target), 0);

	/* A row that is no longer JSON (a byte changed in transit). */
	char *edited = strdup(s);
	char *row = strstr(edited, "[1,\"a@example.com\"");
	cr_assert_not_null(row);
	row[1] = '"';
	cr_assert_eq(import_bytes(target, edited, len, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "line 3"), "%s", err.message);
	cr_assert_eq(users_in(target), 0);

	store_close(target);
	remove_dir(path);
	free(edited);
	free(s);
}
