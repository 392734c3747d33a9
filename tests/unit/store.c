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
#include "store_fixture.h"
#include "util/secret.h"

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

/* One process starting on a new database: opens and migrates it. */
struct starter {
	const char *database;
	char dir[128];
	int rc, version;
	char message[SB_ERROR_MESSAGE_MAX];
};

static void *start_process(void *arg)
{
	struct starter *p = arg;
	struct sb_error err = {0};
	struct store *s = NULL;
	p->rc = store_open_database(p->dir, p->database, &s, &err);
	if (p->rc == 0)
		p->rc = store_migrate(s, NULL, NULL, &err);
	if (p->rc == 0)
		p->rc = store_current_version(s, &p->version, &err);
	memcpy(p->message, err.message, sizeof(p->message));
	store_close(s);
	return NULL;
}

Test(store, stores_opened_together_on_a_new_database_all_migrate_it)
{
	/* A database of its own, new: on SQLite another directory, else another database. */
	char fresh[600] = "", fresh_dir[128], cmd[1024];
	snprintf(fresh_dir, sizeof(fresh_dir), "%s/fresh", dir);
	if (pg_name[0]) {
		snprintf(fresh, sizeof(fresh), "%s_fresh", pg_url);
		snprintf(cmd, sizeof(cmd), "psql -X -q -d '%s' -c 'CREATE DATABASE %s_fresh'",
			 pg_url, pg_name);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
	}
	/* Like servers and a jobs runner started together (each its own store). */
	struct starter p[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		p[i] = (struct starter){.database = fresh[0] ? fresh : NULL};
		snprintf(p[i].dir, sizeof(p[i].dir), "%s", fresh_dir);
		pthread_create(&t[i], NULL, start_process, &p[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(p[i].rc, 0, "starter %d: %s", i, p[i].message);
		cr_expect_eq(p[i].version, store_schema_version(), "starter %d", i);
	}
	if (pg_name[0]) {
		snprintf(cmd, sizeof(cmd),
			 "psql -X -q -d '%s' -c 'DROP DATABASE %s_fresh WITH (FORCE)'", pg_url,
			 pg_name);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
	}
}

Test(store, a_newer_database_is_refused)
{
	struct sb_error err = {0};
	struct store_conn *c = conn;
	(void)c;
	/* Record a version from the future, as a newer binary would have. */
	char cmd[1024];
	if (pg_name[0])
		snprintf(cmd, sizeof(cmd),
			 "psql -X -q -d '%s' -c 'INSERT INTO schema_migrations VALUES (999, 0)'",
			 pg_url);
	else
		snprintf(cmd, sizeof(cmd),
			 "sqlite3 %s/switchboard.db \"INSERT INTO schema_migrations VALUES (999, "
			 "0)\"",
			 dir);
	if (system(cmd) != 0)
		cr_skip_test("the sqlite3 shell is not installed");
	cr_assert_eq(store_migrate(store, NULL, NULL, &err), -SB_ECONFLICT);
	cr_assert(strstr(err.message, "newer than this binary"), "%s", err.message);
}

/* ---- tickets ------------------------------------------------------------ */

static int64_t add_org(const char *name)
{
	struct store_org o = {.name = name, .member_id = "1", .created_at = 1};
	int64_t id;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_org_insert(conn, &o, &id, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	return id;
}

static int64_t add_ticket(int64_t org, int64_t requester, const char *team, int64_t due,
			  const char *creative)
{
	struct store_object_id obj = {"creative", creative};
	struct store_ticket t = {.org_id = org,
				 .requester_id = requester,
				 .request_type = team ? "app-bug" : "billing",
				 .kind = team ? "routed" : "account",
				 .team = team,
				 .status = "new",
				 .priority = "standard",
				 .subject = "S",
				 .description = "D",
				 .created_at = 100,
				 .updated_at = 100,
				 .first_response_due_at = due,
				 .object_ids = creative ? &obj : NULL,
				 .n_object_ids = creative ? 1 : 0};
	int64_t id;
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_ticket_insert(conn, &t, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	return id;
}

static size_t list(struct store_ticket_filter f, int64_t *ids, bool *more)
{
	struct store_ticket *t;
	size_t n;
	bool m;
	struct sb_error err = {0};
	if (!f.limit)
		f.limit = 100;
	cr_assert_eq(store_tickets_list(conn, &f, arena, &t, &n, &m, &err), 0, "%s", err.message);
	for (size_t i = 0; i < n; i++)
		ids[i] = t[i].id;
	if (more)
		*more = m;
	return n;
}

Test(store, tickets_round_trip_with_their_object_ids)
{
	int64_t org = add_org("Acme");
	int64_t spoc = add_user("s@acme.com", "contact", org);
	int64_t id = add_ticket(org, spoc, "app-support", 500, "123");
	struct store_ticket t;
	cr_assert_eq(store_ticket_get(conn, id, arena, &t, NULL), 0);
	cr_assert_str_eq(t.team, "app-support");
	cr_assert_eq(t.first_response_due_at, 500);
	cr_assert_eq(t.first_response_at, 0);
	cr_assert_eq(t.version, 1);
	cr_assert_eq(t.n_object_ids, 1);
	cr_assert_str_eq(t.object_ids[0].value, "123");
	cr_assert_eq(store_ticket_get(conn, id + 1, arena, &t, NULL), -SB_ENOTFOUND);
}

Test(store, a_stale_version_is_a_conflict)
{
	int64_t org = add_org("Acme");
	int64_t spoc = add_user("s@acme.com", "contact", org);
	int64_t id = add_ticket(org, spoc, "app-support", 500, NULL);
	struct store_ticket t;
	cr_assert_eq(store_ticket_get(conn, id, arena, &t, NULL), 0);
	t.status = "open";
	t.first_response_at = 200;
	t.response_clock_seconds = 100;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_ticket_update(conn, &t, NULL), 0);
	cr_assert_eq(store_ticket_update(conn, &t, NULL), -SB_ECONFLICT, "version 1 is gone");
	t.id = 9999;
	cr_assert_eq(store_ticket_update(conn, &t, NULL), -SB_ENOTFOUND);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_ticket_get(conn, id, arena, &t, NULL), 0);
	cr_assert_str_eq(t.status, "open");
	cr_assert_eq(t.version, 2);
	cr_assert_eq(t.response_clock_seconds, 100);
}

Test(store, lists_filter_by_org_team_and_object_and_page_by_due)
{
	int64_t acme = add_org("Acme"), other = add_org("Other");
	int64_t s1 = add_user("s@acme.com", "contact", acme);
	int64_t s2 = add_user("s@other.com", "contact", other);
	int64_t a = add_ticket(acme, s1, "app-support", 300, "7");
	int64_t b = add_ticket(acme, s1, "ad-quality", 100, NULL);
	int64_t c = add_ticket(other, s2, "app-support", 200, "7");
	int64_t d = add_ticket(acme, s1, NULL, 0, NULL);
	int64_t ids[16];
	bool more;

	cr_assert_eq(list((struct store_ticket_filter){.org_id = acme}, ids, NULL), 3);
	cr_assert_eq(ids[0], d, "newest first by default");
	cr_assert_eq(list((struct store_ticket_filter){.team = "app-support"}, ids, NULL), 2);
	cr_assert_eq(
		list((struct store_ticket_filter){.object_type = "creative", .object_value = "7"},
		     ids, NULL),
		2);
	cr_assert_eq(list((struct store_ticket_filter){.org_id = other,
						       .object_type = "creative",
						       .object_value = "7"},
			  ids, NULL),
		     1);
	cr_assert_eq(ids[0], c);

	/* By due, two a page: b (100), c (200) | a (300), d (none) */
	struct store_ticket_filter f = {.sort_by_due = true, .limit = 2};
	cr_assert_eq(list(f, ids, &more), 2);
	cr_assert(more);
	cr_assert(ids[0] == b && ids[1] == c);
	f.has_after = true;
	f.after_id = c;
	f.after_due = 200;
	cr_assert_eq(list(f, ids, &more), 2);
	cr_assert_not(more);
	cr_assert(ids[0] == a && ids[1] == d);

	cr_assert_eq(list((struct store_ticket_filter){.sla = "breached", .now = 250}, ids, NULL),
		     2);
	cr_assert_eq(list((struct store_ticket_filter){.sla = "pending", .now = 250}, ids, NULL),
		     1);
	cr_assert_eq(ids[0], a);
	cr_assert_eq(list((struct store_ticket_filter){.unassigned = true,
						       .teams_csv = "ad-quality,app-support"},
			  ids, NULL),
		     3);
}

Test(store, comments_hide_notes_unless_asked_and_history_appends)
{
	int64_t org = add_org("Acme");
	int64_t spoc = add_user("s@acme.com", "contact", org);
	int64_t agent = add_user("a@desk.com", "agent", 0);
	int64_t id = add_ticket(org, spoc, "app-support", 500, NULL);
	struct store_comment r = {.ticket_id = id,
				  .author_id = agent,
				  .kind = "reply",
				  .body = "hello",
				  .created_at = 5};
	struct store_comment n = {.ticket_id = id,
				  .author_id = agent,
				  .kind = "note",
				  .body = "internal",
				  .created_at = 6};
	struct store_history h = {.ticket_id = id,
				  .actor_id = agent,
				  .at = 5,
				  .field = "status",
				  .old_value = "new",
				  .new_value = "open"};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_comment_insert(conn, &r, NULL, NULL), 0);
	cr_assert_eq(store_comment_insert(conn, &n, NULL, NULL), 0);
	cr_assert_eq(store_history_insert(conn, &h, NULL), 0);
	cr_assert_eq(store_outbox_insert(conn, "agent_reply", id, spoc, "{}", 5, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);

	struct store_comment *list_out;
	size_t count;
	cr_assert_eq(store_comments_list(conn, id, false, arena, &list_out, &count, NULL), 0);
	cr_assert_eq(count, 1);
	cr_assert_str_eq(list_out[0].body, "hello");
	cr_assert_str_eq(list_out[0].author_role, "agent");
	cr_assert_eq(store_comments_list(conn, id, true, arena, &list_out, &count, NULL), 0);
	cr_assert_eq(count, 2);
	struct store_history *hist;
	cr_assert_eq(store_history_list(conn, id, arena, &hist, &count, NULL), 0);
	cr_assert_eq(count, 1);
	cr_assert_str_eq(hist[0].new_value, "open");
}

Test(store, request_types_are_seeded_and_editable)
{
	struct store_request_type *types;
	size_t n;
	cr_assert_eq(store_request_types_list(conn, arena, &types, &n, NULL), 0);
	cr_assert_eq(n, 18);
	cr_assert_str_eq(types[0].key, "anti-malvertising");
	struct store_request_type t;
	cr_assert_eq(store_request_type_get(conn, "ui-api-bug", arena, &t, NULL), 0);
	cr_assert_str_eq(t.team, "client-services");
	t.name_en = "UI and API bugs";
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_request_type_update(conn, &t, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	/* Re-seeding (as every start does) keeps the admin's edit. */
	cr_assert_eq(store_seed_defaults(conn, 2, NULL), 0);
	cr_assert_eq(store_request_type_get(conn, "ui-api-bug", arena, &t, NULL), 0);
	cr_assert_str_eq(t.name_en, "UI and API bugs");
	cr_assert_eq(store_request_type_get(conn, "nope", arena, &t, NULL), -SB_ENOTFOUND);
}

Test(store, a_renamed_team_keeps_its_names_when_the_seed_runs_again)
{
	struct store_team *teams;
	size_t n;
	cr_assert_eq(store_teams_list(conn, arena, &teams, &n, NULL), 0);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(teams[0].key, "ad-quality");
	struct store_team t = {"app-support", "Apps", "Aplicaciones", 0};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_team_update(conn, &t, 7, NULL), 0);
	t.key = "nope";
	cr_assert_eq(store_team_update(conn, &t, 7, NULL), -SB_ENOTFOUND);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_seed_defaults(conn, 8, NULL), 0);
	cr_assert_eq(store_teams_list(conn, arena, &teams, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(teams[i].key, "app-support") == 0) {
			cr_assert_str_eq(teams[i].name_en, "Apps");
			cr_assert_str_eq(teams[i].name_es, "Aplicaciones");
		}
}

Test(store, settings_can_be_deleted)
{
	char *v = NULL;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_setting_put(conn, "calendar.holidays", "2026-12-24", NULL), 0);
	cr_assert_eq(store_setting_delete(conn, "calendar.holidays", NULL), 0);
	cr_assert_eq(store_setting_delete(conn, "calendar.holidays", NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_setting_get(conn, "calendar.holidays", arena, &v, NULL), 0);
	cr_assert_null(v);
}

static void rename_user(int64_t id, const char *name)
{
	struct store_user u;
	cr_assert_eq(store_user_get(conn, id, arena, &u, NULL), 0);
	u.name = name;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_update(conn, &u, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
}

static size_t users(struct store_user_filter f, int64_t *ids)
{
	struct store_user *list;
	size_t n;
	if (!f.limit)
		f.limit = STORE_LIST_MAX;
	cr_assert_eq(store_users_list(conn, &f, arena, &list, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].id;
	return n;
}

Test(store, users_list_by_name_and_filter_by_role_org_and_team)
{
	int64_t org = add_org("Acme");
	int64_t zed = add_user("zed@desk.com", "agent", 0);
	int64_t amy = add_user("amy@desk.com", "lead", 0);
	int64_t bob = add_user("bob@acme.com", "contact", org);
	rename_user(zed, "Zed");
	rename_user(amy, "amy");
	rename_user(bob, "Bob");
	const char *cs[] = {"client-services", "ad-quality"};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_teams_set(conn, zed, cs, 2, NULL), 0);
	cr_assert_eq(store_user_teams_set(conn, amy, cs + 1, 1, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);

	int64_t ids[8];
	/* Names sort with ASCII case folded. */
	cr_assert_eq(users((struct store_user_filter){0}, ids), 3);
	cr_assert(ids[0] == amy && ids[1] == bob && ids[2] == zed);
	cr_assert_eq(users((struct store_user_filter){.role = "agent"}, ids), 1);
	cr_assert_eq(ids[0], zed);
	cr_assert_eq(users((struct store_user_filter){.org_id = org}, ids), 1);
	cr_assert_eq(ids[0], bob);
	cr_assert_eq(users((struct store_user_filter){.team = "ad-quality"}, ids), 2);
	cr_assert(ids[0] == amy && ids[1] == zed);
	cr_assert_eq(users((struct store_user_filter){.team = "client-services"}, ids), 1);
	cr_assert_eq(users((struct store_user_filter){.limit = 1, .offset = 1}, ids), 1);
	cr_assert_eq(ids[0], bob);

	/* Setting teams replaces them. */
	char *teams = NULL;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_teams_set(conn, zed, cs + 1, 1, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_user_teams(conn, zed, arena, &teams, NULL), 0);
	cr_assert_str_eq(teams, "ad-quality");
}

Test(store, a_user_update_writes_role_language_and_disabled_and_can_end_sessions)
{
	int64_t id = add_user("ana@desk.com", "agent", 0);
	unsigned char hash[SECRET_HASH_LEN];
	secret_token_hash("sbs_y", hash);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_session_insert(conn, hash, id, "c", 1, 1000, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);

	struct store_user u;
	cr_assert_eq(store_user_get(conn, id, arena, &u, NULL), 0);
	cr_assert(!u.disabled);
	u.role = "lead";
	u.language = "es";
	u.disabled = true;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_update(conn, &u, NULL), 0);
	cr_assert_eq(store_user_sessions_delete(conn, id, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	cr_assert_eq(store_user_get(conn, id, arena, &u, NULL), 0);
	cr_assert_str_eq(u.role, "lead");
	cr_assert_str_eq(u.language, "es");
	cr_assert(u.disabled);
	int64_t who;
	char *csrf;
	cr_assert_eq(store_session_get(conn, hash, 2, arena, &who, &csrf, NULL), -SB_ENOTFOUND);

	u.id = 4242;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_user_update(conn, &u, NULL), -SB_ENOTFOUND);
	store_write_rollback(conn);
}

Test(store, orgs_list_by_name_and_count_those_a_rep_represents)
{
	int64_t b = add_org("beta"), a = add_org("Alpha"), c = add_org("Gamma");
	int64_t rep = add_user("rep@desk.com", "account-rep", 0);
	struct store_org o;
	cr_assert_eq(store_org_get(conn, c, arena, &o, NULL), 0);
	o.account_rep_id = rep;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_org_update(conn, &o, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);

	struct store_org *orgs;
	size_t n;
	cr_assert_eq(store_orgs_list(conn, 0, STORE_LIST_MAX, 0, arena, &orgs, &n, NULL), 0);
	cr_assert_eq(n, 3);
	cr_assert(orgs[0].id == a && orgs[1].id == b && orgs[2].id == c);
	cr_assert_eq(store_orgs_list(conn, b, STORE_LIST_MAX, 0, arena, &orgs, &n, NULL), 0);
	cr_assert(n == 1 && orgs[0].id == b);
	cr_assert_eq(store_orgs_list(conn, 0, 1, 2, arena, &orgs, &n, NULL), 0);
	cr_assert(n == 1 && orgs[0].id == c);
	int64_t count = -1;
	cr_assert_eq(store_orgs_represented(conn, rep, &count, NULL), 0);
	cr_assert_eq(count, 1);
	cr_assert_eq(store_orgs_represented(conn, rep + 1, &count, NULL), 0);
	cr_assert_eq(count, 0);
}

/* ---- group commit ------------------------------------------------------- */

struct writer_arg {
	int index;
	int rc;
};

static void *concurrent_writer(void *p)
{
	struct writer_arg *w = p;
	struct store_conn *mine;
	char email[64];
	struct sb_error err = {0};
	snprintf(email, sizeof(email), "w%d@x.co", w->index);
	/* Every fifth writer inserts a duplicate and must fail alone. */
	struct store_user u = {.email = w->index % 5 == 4 ? "dup@x.co" : email,
			       .name = "N",
			       .role = "agent",
			       .created_at = 1};
	w->rc = store_conn(store, &mine, &err);
	if (w->rc == 0)
		w->rc = store_write_begin(mine, &err);
	if (w->rc == 0) {
		w->rc = store_user_insert(mine, &u, NULL, &err);
		if (w->rc == 0)
			w->rc = store_write_commit(mine, &err);
		else
			store_write_rollback(mine);
	}
	return NULL;
}

Test(store, concurrent_writes_share_commits_and_fail_alone)
{
	add_user("dup@x.co", "agent", 0);
	enum { N = 40 };
	pthread_t threads[N];
	struct writer_arg args[N];
	for (int i = 0; i < N; i++) {
		args[i] = (struct writer_arg){.index = i};
		pthread_create(&threads[i], NULL, concurrent_writer, &args[i]);
	}
	for (int i = 0; i < N; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < N; i++) {
		char email[64];
		struct store_user u;
		snprintf(email, sizeof(email), "w%d@x.co", i);
		if (i % 5 == 4) {
			cr_assert_eq(args[i].rc, -SB_ECONFLICT, "writer %d", i);
		} else {
			cr_assert_eq(args[i].rc, 0, "writer %d", i);
			/* Committed and visible to another connection once commit returned. */
			cr_assert_eq(store_user_get_by_email(conn, email, arena, &u, NULL), 0, "%s",
				     email);
		}
	}
	cr_assert_not(store_in_write(conn));
}

static int64_t add_issue(const char *key, int64_t created_at)
{
	struct store_engineering_issue e = {.key = key, .title = key, .created_at = created_at};
	int64_t id;
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_engineering_issue_insert(conn, &e, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	return id;
}

static bool link_issue(int64_t ticket, int64_t issue, int64_t at)
{
	bool added = false;
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_engineering_link(conn, ticket, issue, at, &added, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);
	return added;
}

static size_t issues(struct store_engineering_filter f, int64_t *ids)
{
	struct store_engineering_issue *list;
	size_t n;
	struct sb_error err = {0};
	cr_assert_eq(store_engineering_issues_list(conn, &f, arena, &list, &n, &err), 0, "%s",
		     err.message);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].id;
	return n;
}

Test(store, engineering_issues_list_newest_first_by_key_and_state_and_per_ticket)
{
	int64_t org = add_org("Acme");
	int64_t spoc = add_user("s@acme.com", "contact", org);
	int64_t t1 = add_ticket(org, spoc, "client-services", 500, NULL);
	int64_t t2 = add_ticket(org, spoc, "client-services", 500, NULL);
	int64_t a = add_issue("ENG-1", 10), b = add_issue("ENG-2", 20), c = add_issue("ENG-10", 30);
	cr_assert_eq(store_write_begin(conn, NULL), 0);
	cr_assert_eq(store_engineering_issue_set_fixed(conn, b, 40, NULL), 0);
	cr_assert_eq(store_write_commit(conn, NULL), 0);

	int64_t ids[STORE_ENGINEERING_MAX + 1];
	cr_assert_eq(issues((struct store_engineering_filter){0}, ids), 3);
	cr_assert(ids[0] == c && ids[1] == b && ids[2] == a, "newest first");
	cr_assert_eq(issues((struct store_engineering_filter){.key = "ENG-1"}, ids), 1,
		     "exact key");
	cr_assert_eq(ids[0], a);
	cr_assert_eq(issues((struct store_engineering_filter){.key = "eng-1"}, ids), 0);
	cr_assert_eq(issues((struct store_engineering_filter){.state = STORE_ENG_FIXED}, ids), 1);
	cr_assert_eq(ids[0], b);
	cr_assert_eq(issues((struct store_engineering_filter){.state = STORE_ENG_OPEN}, ids), 2);
	cr_assert(ids[0] == c && ids[1] == a);
	cr_assert_eq(
		issues((struct store_engineering_filter){.key = "ENG-2", .state = STORE_ENG_OPEN},
		       ids),
		0);

	/* One issue on two tickets; a link made again adds nothing. */
	cr_assert(link_issue(t1, c, 50));
	cr_assert(link_issue(t1, a, 60));
	cr_assert(link_issue(t2, c, 70));
	cr_assert_not(link_issue(t2, c, 80), "linked already");
	struct store_engineering_issue *list;
	size_t n;
	cr_assert_eq(store_engineering_ticket_issues(conn, t1, arena, &list, &n, NULL), 0);
	cr_assert_eq(n, 2);
	cr_assert(list[0].id == c && list[1].id == a, "in the order linked");
	cr_assert_str_eq(list[0].key, "ENG-10");
	cr_assert_eq(list[0].created_at, 30);
	cr_assert_eq(store_engineering_ticket_issues(conn, t2, arena, &list, &n, NULL), 0);
	cr_assert_eq(n, 1);
	int64_t *tickets;
	cr_assert_eq(store_engineering_linked_tickets(conn, c, arena, &tickets, &n, NULL), 0);
	cr_assert(n == 2 && tickets[0] == t1 && tickets[1] == t2);
	cr_assert_eq(store_engineering_ticket_issues(conn, t2 + 1, arena, &list, &n, NULL), 0);
	cr_assert_eq(n, 0);

	/* At most STORE_ENGINEERING_MAX, the newest. */
	char key[32];
	int64_t last = 0;
	for (int i = 0; i < STORE_ENGINEERING_MAX; i++) {
		snprintf(key, sizeof(key), "BULK-%d", i);
		last = add_issue(key, 100 + i);
	}
	cr_assert_eq(issues((struct store_engineering_filter){0}, ids), STORE_ENGINEERING_MAX);
	cr_assert_eq(ids[0], last);
}
