/*
 * The fixture of the unit suites that need a database: each test gets a
 * fresh, migrated data directory in /tmp, its connection and an arena.
 * Included by one test file each (the definitions are static).
 *
 * With SWITCHBOARD_TEST_DATABASE_URL set (a PostgreSQL server, as
 * scripts/pg-test-server prints it; make check-pg), each test gets a fresh
 * database of its own on that server instead of SQLite: the same cases run
 * against both drivers.
 */
#ifndef SB_TESTS_STORE_FIXTURE_H
#define SB_TESTS_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char dir[64];
static char pg_name[64];
static char pg_url[512];
static struct store *store;
static struct store_conn *conn;
static struct arena *arena;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sb-unit-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	struct sb_error err = {0};
	const char *server = getenv("SWITCHBOARD_TEST_DATABASE_URL");
	const char *database = NULL;
	if (server && *server) {
		/* The server's URL names its maintenance database: swap in a new one. */
		const char *slash = strrchr(server, '/');
		cr_assert(slash && slash > server + strlen("postgres://"), "bad URL %s", server);
		snprintf(pg_name, sizeof(pg_name), "sbu_%ld", (long)getpid());
		snprintf(pg_url, sizeof(pg_url), "%.*s/%s", (int)(slash - server), server, pg_name);
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "psql -X -q -d '%s' -c 'CREATE DATABASE %s'", server,
			 pg_name);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
		database = pg_url;
	}
	cr_assert_eq(store_open_database(dir, database, &store, &err), 0, "%s", err.message);
	cr_assert_eq(store_migrate(store, NULL, NULL, &err), 0, "%s", err.message);
	cr_assert_eq(store_conn(store, &conn, &err), 0, "%s", err.message);
	arena = arena_new();
}

static void teardown(void)
{
	store_close(store);
	arena_free(arena);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	if (pg_name[0]) {
		snprintf(cmd, sizeof(cmd), "psql -X -q -d '%s' -c 'DROP DATABASE %s WITH (FORCE)'",
			 getenv("SWITCHBOARD_TEST_DATABASE_URL"), pg_name);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
	}
}

#endif
