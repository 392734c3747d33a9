/*
 * Tests for src/store/outbox.c: claiming due rows under a lease, claiming
 * again after the lease, and ending a claim only with its own lease.
 */
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
	snprintf(dir, sizeof(dir), "/tmp/sb-outbox-test-XXXXXX");
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

TestSuite(outbox, .init = setup, .fini = teardown);

static void insert(int n, int64_t now)
{
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, &err), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(store_outbox_insert(conn, "request_received", 0, 0, NULL, now, &err),
			     0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
}

static size_t claim(int64_t now, int64_t lease, int limit, struct store_outbox **rows)
{
	struct sb_error err = {0};
	size_t n = 0;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_outbox_claim(conn, now, now + lease, limit, arena, rows, &n, &err), 0,
		     "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return n;
}

static bool finish(const struct store_outbox *r, enum store_outbox_outcome o, int64_t next,
		   const char *why)
{
	struct sb_error err = {0};
	bool applied = false;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_outbox_finish(conn, r->id, r->lease_until, o, next, why, &applied, &err),
		     0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return applied;
}

static bool due(int64_t now)
{
	bool d = true;
	cr_assert_eq(store_outbox_due(conn, now, &d, NULL), 0);
	return d;
}

Test(outbox, claims_due_rows_oldest_first_once_each)
{
	insert(3, 100);
	cr_assert_not(due(99));
	cr_assert(due(100));
	struct store_outbox *rows;
	cr_assert_eq(claim(100, 120, 2, &rows), 2);
	cr_assert_eq(rows[0].id, 1);
	cr_assert_eq(rows[1].id, 2);
	cr_assert_eq(rows[0].attempts, 1);
	cr_assert_eq(rows[0].lease_until, 220);
	cr_assert_str_eq(rows[0].event, "request_received");
	cr_assert_eq(rows[0].ticket_id, 0);
	cr_assert_eq(claim(100, 120, 16, &rows), 1);
	cr_assert_eq(rows[0].id, 3);
	/* All leased: nobody else gets them. */
	cr_assert_eq(claim(150, 120, 16, &rows), 0);
	cr_assert_not(due(150));
}

Test(outbox, a_row_whose_lease_ran_out_is_claimed_again_and_the_old_claim_is_void)
{
	insert(1, 100);
	struct store_outbox *first, *second;
	cr_assert_eq(claim(100, 120, 16, &first), 1);
	cr_assert_eq(claim(219, 120, 16, &second), 0);
	cr_assert_eq(claim(220, 120, 16, &second), 1, "claimed again when the lease ends");
	cr_assert_eq(second[0].attempts, 2);
	cr_assert_eq(second[0].lease_until, 340);
	/* The first claimer comes back late: its outcome is not recorded. */
	cr_assert_not(finish(&first[0], STORE_OUTBOX_SENT, 220, NULL));
	cr_assert(finish(&second[0], STORE_OUTBOX_SENT, 230, NULL));
	cr_assert_eq(claim(10000, 120, 16, &second), 0, "sent is final");
}

Test(outbox, a_retry_waits_for_its_time_and_failed_is_final)
{
	insert(2, 100);
	struct store_outbox *rows;
	cr_assert_eq(claim(100, 120, 16, &rows), 2);
	cr_assert(finish(&rows[0], STORE_OUTBOX_RETRY, 130, "421 try later"));
	cr_assert(finish(&rows[1], STORE_OUTBOX_FAILED, 100, "550 no such user"));
	cr_assert_eq(claim(129, 120, 16, &rows), 0);
	cr_assert_eq(claim(130, 120, 16, &rows), 1);
	cr_assert_eq(rows[0].id, 1);
	cr_assert_eq(rows[0].attempts, 2);
	/* Released (a stop mid-delivery): due again at once. */
	cr_assert(finish(&rows[0], STORE_OUTBOX_RELEASE, 131, NULL));
	cr_assert_eq(claim(131, 120, 16, &rows), 1);
	cr_assert_eq(rows[0].id, 1);
	cr_assert(finish(&rows[0], STORE_OUTBOX_SENT, 132, NULL));
	cr_assert_eq(claim(100000, 120, 16, &rows), 0, "the failed row never comes back");
}
