/*
 * The fixture of the unit suites that need a database: each test gets a
 * fresh, migrated data directory in /tmp, its connection and an arena.
 * Included by one test file each (the definitions are static).
 */
#ifndef SB_TESTS_STORE_FIXTURE_H
#define SB_TESTS_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

static char dir[64];
static struct store *store;
static struct store_conn *conn;
static struct arena *arena;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sb-unit-store-XXXXXX");
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

#endif
