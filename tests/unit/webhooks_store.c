/*
 * Tests for src/store/webhooks.c: fan-out to the active webhooks that
 * subscribed, claiming under a lease (only deliveries of active webhooks),
 * ending a claim only with its own lease, the manual retry, and deletion
 * taking the log with it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store_fixture.h"

TestSuite(webhooks_store, .init = setup, .fini = teardown);

static int64_t add(const char *events, bool active)
{
	struct sb_error err = {0};
	struct store_webhook w = {.url = "https://example.com/hook",
				  .events = events,
				  .secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
				  .active = active,
				  .created_at = 10};
	int64_t id = 0;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_insert(conn, &w, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return id;
}

static int enqueue(const char *event, int64_t now)
{
	struct sb_error err = {0};
	int n = -1;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhooks_enqueue(conn, event, "msg_1", "{}", 7, now, &n, &err), 0, "%s",
		     err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return n;
}

static size_t claim(int64_t now, struct store_webhook_delivery **rows)
{
	struct sb_error err = {0};
	size_t n = 0;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_deliveries_claim(conn, now, now + 60, 16, arena, rows, &n, &err),
		     0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return n;
}

static bool finish(const struct store_webhook_delivery *d, const char *state, int64_t next)
{
	struct sb_error err = {0};
	bool applied = false;
	struct store_webhook_outcome o = {.state = state,
					  .next_attempt_at = next,
					  .http_status = 500,
					  .error = "the receiver answered HTTP 500"};
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_delivery_finish(conn, d->id, d->lease_until, &o, &applied, &err),
		     0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return applied;
}

Test(webhooks_store, an_event_goes_to_each_active_webhook_that_subscribed_and_no_other)
{
	int64_t a = add("ticket.created,comment.created", true);
	add("ticket.updated", true);
	add("ticket.created", false);
	/* "engineering_issue.fixed" holds a '_': matched exactly, not as a LIKE wildcard. */
	int64_t d = add("engineering_issue.fixed", true);
	add("engineeringXissue.fixed,ticket.create", true);
	cr_assert_eq(enqueue("ticket.created", 100), 1);
	cr_assert_eq(enqueue("engineering_issue.fixed", 100), 1);
	cr_assert_eq(enqueue("ticket.resolved", 100), 0);
	struct store_webhook_delivery *rows;
	cr_assert_eq(claim(100, &rows), 2);
	cr_assert_eq(rows[0].webhook_id, a);
	cr_assert_str_eq(rows[0].event, "ticket.created");
	cr_assert_str_eq(rows[0].msg_id, "msg_1");
	cr_assert_str_eq(rows[0].payload, "{}");
	cr_assert_eq(rows[0].ticket_id, 7);
	cr_assert_eq(rows[0].attempts, 1);
	cr_assert_eq(rows[1].webhook_id, d);
}

Test(webhooks_store, a_leased_delivery_is_claimed_once_and_finished_only_with_its_lease)
{
	add("ticket.created", true);
	enqueue("ticket.created", 100);
	struct store_webhook_delivery *first, *again;
	bool due = false;
	cr_assert_eq(store_webhook_deliveries_due(conn, 100, &due, NULL), 0);
	cr_assert(due);
	cr_assert_eq(claim(100, &first), 1);
	cr_assert_eq(claim(101, &again), 0, "leased");
	cr_assert_eq(store_webhook_deliveries_due(conn, 101, &due, NULL), 0);
	cr_assert_not(due);
	/* The lease runs out (the runner died): claimed again, a second attempt. */
	cr_assert_eq(claim(161, &again), 1);
	cr_assert_eq(again[0].attempts, 2);
	cr_assert_not(finish(&first[0], "delivered", 161), "the old lease changes nothing");
	cr_assert(finish(&again[0], "pending", 300));
	cr_assert_eq(claim(299, &again), 0, "not before it is due");
	cr_assert_eq(claim(300, &again), 1);
	cr_assert(finish(&again[0], "failed", 300));
	struct store_webhook_delivery d;
	cr_assert_eq(store_webhook_delivery_get(conn, again[0].id, arena, &d, NULL), 0);
	cr_assert_str_eq(d.state, "failed");
	cr_assert_eq(d.attempts, 3);
	cr_assert_eq(d.last_status, 500);
	cr_assert_str_eq(d.last_error, "the receiver answered HTTP 500");
	cr_assert_eq(d.lease_until, 0);
	cr_assert_eq(claim(1000, &again), 0, "failed is final");

	/* A manual retry: pending again from now, the give-up clock restarted. */
	bool applied = false;
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_delivery_retry(conn, d.id, 2000, &applied, &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	cr_assert(applied);
	cr_assert_eq(claim(2000, &again), 1);
	cr_assert_eq(again[0].queued_at, 2000);
	cr_assert_str_eq(again[0].msg_id, "msg_1", "the same message");
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_delivery_retry(conn, d.id, 2001, &applied, &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	cr_assert_not(applied, "only a failed delivery is retried");
}

Test(webhooks_store, a_disabled_webhook_holds_its_deliveries_and_deleting_takes_the_log)
{
	int64_t id = add("ticket.created", true);
	enqueue("ticket.created", 100);
	struct store_webhook w;
	struct sb_error err = {0};
	cr_assert_eq(store_webhook_get(conn, id, arena, &w, &err), 0);
	w.active = false;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_update(conn, &w, &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	struct store_webhook_delivery *rows;
	cr_assert_eq(claim(100, &rows), 0, "held while disabled");
	cr_assert_eq(enqueue("ticket.created", 101), 0, "and nothing new is queued");

	size_t n = 0;
	cr_assert_eq(store_webhook_deliveries_list(conn, id, 0, 10, arena, &rows, &n, &err), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(rows[0].payload, "", "lists leave payloads out");
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_webhook_delete(conn, id, &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	cr_assert_eq(store_webhook_delivery_get(conn, rows[0].id, arena, &rows[0], &err),
		     -SB_ENOTFOUND);
	cr_assert_eq(store_webhook_get(conn, id, arena, &w, &err), -SB_ENOTFOUND);
}
