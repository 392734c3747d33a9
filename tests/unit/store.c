/*
 * Tests for src/store (the SQLite driver): migrations, accounts, tokens,
 * sessions, settings, transactions. Each test gets its own data directory.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/secret.h"

static char dir[64];
static struct store *store;
static struct store_conn *conn;
static struct arena *arena;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sb-store-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	struct sb_error err = {0};
	cr_assert_eq(store_open(dir, &store, &err), 0, "%s", err.message);
	cr_assert_eq(store_migrate(store, NULL, NULL, &err), 0, "%s", err.message);
	cr_assert_eq(store_conn(store, &conn, &err), 0, "%s", err.message);
	arena = arena_new();
}

static void teardown(void)
{
	store_close(store);
	arena_free(arena);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(store, .init = setup, .fini = teardown);

static int64_t add_user(const char *email, const char *role, int64_t org)
{
	struct store_user u = {
		.email = email, .name = "N", .role = role, .org_id = org, .created_at = 1};
	int64_t id;
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_user_insert(conn, &u, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return id;
}

Test(store, migrating_twice_is_a_no_op)
{
	int from = -1, to = -1, v = 0;
	cr_assert_eq(store_migrate(store, &from, &to, NULL), 0);
	cr_assert_eq(from, store_schema_version());
	cr_assert_eq(to, store_schema_version());
	cr_assert_eq(store_current_version(store, &v, NULL), 0);
	cr_assert_eq(v, store_schema_version());
}

Test(store, users_round_trip_and_emails_are_unique_case_insensitively)
{
	int64_t id = add_user("Ana@Example.com", "agent", 0);
	struct store_user u;
	cr_assert_eq(store_user_get(conn, id, arena, &u, NULL), 0);
	cr_assert_str_eq(u.email, "ana@example.com");
	cr_assert_str_eq(u.role, "agent");
	cr_assert_eq(u.org_id, 0);
	cr_assert_null(u.password_hash);
	cr_assert_eq(store_user_get_by_email(conn, "ANA@example.COM", arena, &u, NULL), 0);
	cr_assert_eq(u.id, id);

	struct store_user dup = {
		.email = "ana@EXAMPLE.com", .name = "N", .role = "agent", .created_at = 1};
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_insert(conn, &dup, NULL, &err), -SB_ECONFLICT);
	store_write_rollback(conn);
	cr_assert_eq(store_user_get(conn, 999, arena, &u, &err), -SB_ENOTFOUND);
}

Test(store, a_bad_role_is_refused_by_the_schema)
{
	struct store_user u = {.email = "x@y.co", .name = "N", .role = "spoc", .created_at = 1};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_insert(conn, &u, NULL, NULL), -SB_ECONFLICT);
	store_write_rollback(conn);
}

Test(store, organizations_name_their_spoc_and_rep)
{
	struct store_org o = {.name = "Acme", .member_id = "958", .created_at = 5};
	int64_t org;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_org_insert(conn, &o, &org, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	int64_t spoc = add_user("spoc@acme.com", "contact", org);
	int64_t rep = add_user("rep@desk.com", "account-rep", 0);

	struct store_org got;
	cr_assert_eq(store_org_get(conn, org, arena, &got, NULL), 0);
	cr_assert_eq(got.spoc_id, 0);
	got.spoc_id = spoc;
	got.account_rep_id = rep;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_org_update(conn, &got, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_org_get(conn, org, arena, &got, NULL), 0);
	cr_assert_eq(got.spoc_id, spoc);
	cr_assert_eq(got.account_rep_id, rep);
	cr_assert_str_eq(got.member_id, "958");

	got.id = 4242;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_org_update(conn, &got, NULL), -SB_ENOTFOUND);
	got.id = org;
	got.spoc_id = 9999; /* no such user: the foreign key refuses it */
	cr_assert_eq(store_org_update(conn, &got, NULL), -SB_ECONFLICT);
	store_write_rollback(conn);
}

Test(store, tokens_are_found_by_hash_only)
{
	int64_t uid = add_user("bot@desk.com", "agent", 0);
	char token[SECRET_TOKEN_SIZE];
	unsigned char hash[SECRET_HASH_LEN], other[SECRET_HASH_LEN];
	cr_assert_eq(secret_init(NULL), 0);
	secret_token_new("sbt_", token);
	secret_token_hash(token, hash);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_token_insert(conn, uid, hash, "ci", 10, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	int64_t found = 0;
	cr_assert_eq(store_token_user(conn, hash, &found, NULL), 0);
	cr_assert_eq(found, uid);
	secret_token_hash("sbt_not-the-token", other);
	cr_assert_eq(store_token_user(conn, other, &found, NULL), -SB_ENOTFOUND);
}

Test(store, sessions_expire_and_can_be_deleted)
{
	int64_t uid = add_user("ana@acme.com", "agent", 0);
	unsigned char hash[SECRET_HASH_LEN];
	secret_token_hash("sbs_x", hash);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_session_insert(conn, hash, uid, "csrf-1", 100, 200, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	int64_t who = 0;
	char *csrf = NULL;
	cr_assert_eq(store_session_get(conn, hash, 150, arena, &who, &csrf, NULL), 0);
	cr_assert_eq(who, uid);
	cr_assert_str_eq(csrf, "csrf-1");
	cr_assert_eq(store_session_get(conn, hash, 200, arena, &who, &csrf, NULL), -SB_ENOTFOUND);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_session_delete(conn, hash, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_session_get(conn, hash, 150, arena, &who, &csrf, NULL), -SB_ENOTFOUND);
}

Test(store, settings_upsert)
{
	char *v = (char *)"x";
	cr_assert_eq(store_setting_get(conn, "calendar.hours", arena, &v, NULL), 0);
	cr_assert_null(v);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_setting_put(conn, "calendar.hours", "24x7", NULL), 0);
	cr_assert_eq(store_setting_put(conn, "calendar.hours", "mon-fri 09:00-18:00", NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_setting_get(conn, "calendar.hours", arena, &v, NULL), 0);
	cr_assert_str_eq(v, "mon-fri 09:00-18:00");
}

Test(store, a_rolled_back_write_leaves_nothing)
{
	struct store_user u = {.email = "gone@x.co", .name = "N", .role = "agent", .created_at = 1};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_insert(conn, &u, NULL, NULL), 0);
	store_write_rollback(conn);
	struct store_user got;
	cr_assert_eq(store_user_get_by_email(conn, "gone@x.co", arena, &got, NULL), -SB_ENOTFOUND);
}

static void *other_thread(void *arg)
{
	struct store_conn *mine;
	struct store_user u;
	struct arena *a = arena_new();
	int rc = store_conn(store, &mine, NULL);
	if (rc == 0)
		rc = store_user_get_by_email(mine, arg, a, &u, NULL);
	arena_free(a);
	return (void *)(intptr_t)(rc == 0 && mine != conn);
}

Test(store, each_thread_has_its_own_connection_and_sees_commits)
{
	add_user("seen@x.co", "agent", 0);
	pthread_t t;
	void *ok;
	pthread_create(&t, NULL, other_thread, (void *)"seen@x.co");
	pthread_join(t, &ok);
	cr_assert(ok);
}

Test(store, a_newer_database_is_refused)
{
	struct sb_error err = {0};
	struct store_conn *c = conn;
	(void)c;
	/* Record a version from the future, as a newer binary would have. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 %s/switchboard.db \"INSERT INTO schema_migrations VALUES (999, 0)\"",
		 dir);
	if (system(cmd) != 0)
		cr_skip_test("the sqlite3 shell is not installed");
	cr_assert_eq(store_migrate(store, NULL, NULL, &err), -SB_ECONFLICT);
	cr_assert(strstr(err.message, "newer than this binary"), "%s", err.message);
}
