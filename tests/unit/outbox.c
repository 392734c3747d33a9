/*
 * Tests for src/store/outbox.c: claiming due rows under a lease, claiming
 * again after the lease, and ending a claim only with its own lease; muted
 * events, the admins' view and retry; and src/store/timers.c's claims.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store_fixture.h"

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

/* ---- muting, the admins' view, retry (migration 0004) -------------------- */

static int64_t user(const char *email, const char *muted)
{
	struct sb_error err = {0};
	struct store_user u = {.email = email, .name = "U", .role = "agent", .created_at = 1};
	int64_t id;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_user_insert(conn, &u, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_user_get(conn, id, arena, &u, &err), 0);
	u.muted = muted;
	cr_assert_eq(store_user_update(conn, &u, &err), 0, "%s", err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return id;
}

Test(outbox, an_event_the_recipient_muted_is_not_queued)
{
	int64_t quiet = user("quiet@x.example", "sla_warning,account_request");
	int64_t loud = user("loud@x.example", "");
	struct sb_error err = {0};
	cr_assert_eq(store_write_begin(conn, &err), 0);
	const char *events[] = {"sla_warning", "sla_breach", "account_request", "sla_warn"};
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(store_outbox_insert(conn, events[i], 0, quiet, NULL, 100, &err), 0);
		cr_assert_eq(store_outbox_insert(conn, events[i], 0, loud, NULL, 100, &err), 0);
	}
	cr_assert_eq(store_write_commit(conn, &err), 0);
	struct store_outbox *rows;
	size_t n = claim(100, 60, 100, &rows);
	cr_assert_eq(n, 6, "4 for the one who muted nothing, 2 for the other");
	int for_quiet = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].recipient_id == quiet) {
			for_quiet++;
			cr_assert(strcmp(rows[i].event, "sla_breach") == 0 ||
					  strcmp(rows[i].event, "sla_warn") == 0,
				  "%s", rows[i].event);
		}
	cr_assert_eq(for_quiet, 2);
}

Test(outbox, admins_list_failed_and_retrying_rows_and_a_retry_makes_a_failed_one_due)
{
	insert(3, 100);
	struct store_outbox *rows;
	cr_assert_eq(claim(100, 60, 10, &rows), 3);
	finish(&rows[0], STORE_OUTBOX_FAILED, 100, "550 no");
	finish(&rows[1], STORE_OUTBOX_RETRY, 400, "refused");
	finish(&rows[2], STORE_OUTBOX_SENT, 100, NULL);
	struct store_outbox_row *list;
	size_t n;
	struct sb_error err = {0};
	cr_assert_eq(
		store_outbox_list(conn, STORE_OUTBOX_VIEW_FAILED, 0, 10, arena, &list, &n, &err),
		0);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].id, rows[0].id);
	cr_assert_str_eq(list[0].last_error, "550 no");
	cr_assert_eq(
		store_outbox_list(conn, STORE_OUTBOX_VIEW_RETRYING, 0, 10, arena, &list, &n, &err),
		0);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].id, rows[1].id);
	cr_assert_eq(list[0].next_attempt_at, 400);

	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_outbox_retry(conn, rows[0].id, 500, &err), 0);
	cr_assert_eq(store_outbox_retry(conn, rows[2].id, 500, &err), -SB_ECONFLICT, "sent");
	cr_assert_eq(store_outbox_retry(conn, 9999, 500, &err), -SB_ENOTFOUND);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	struct store_outbox *again;
	cr_assert_eq(claim(500, 60, 10, &again), 2, "the retried row and the retrying one");
	cr_assert_eq(again[0].id, rows[0].id);
	cr_assert_eq(again[0].attempts, 1, "attempts counted afresh");
}

/* ---- the SLA timers' claims ------------------------------------------------ */

static int64_t ticket(int64_t requester)
{
	struct sb_error err = {0};
	struct store_org o = {.name = "Org", .member_id = "1", .language = "en", .created_at = 1};
	int64_t org, id;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_org_insert(conn, &o, &org, &err), 0, "%s", err.message);
	struct store_ticket t = {.org_id = org,
				 .requester_id = requester,
				 .request_type = "ui-api-bug",
				 .kind = "routed",
				 .team = "client-services",
				 .status = "new",
				 .priority = "emergency",
				 .subject = "S",
				 .description = "D",
				 .completeness = 100,
				 .created_at = 1000,
				 .updated_at = 1000,
				 .first_response_due_at = 4600};
	cr_assert_eq(store_ticket_insert(conn, &t, &id, &err), 0, "%s", err.message);
	cr_assert_eq(store_ticket_timers_set(conn, id, 7, 3700, 4600, 1000, &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	return id;
}

static size_t claim_timer(enum store_timer kind, int64_t now)
{
	struct sb_error err = {0};
	struct store_timer_ticket *rows;
	size_t n = 0;
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_timers_claim(conn, kind, now, 10, arena, &rows, &n, &err), 0, "%s",
		     err.message);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(rows[i].team, "client-services");
	return n;
}

static bool timers_due(int64_t now)
{
	bool d = false;
	cr_assert_eq(store_timers_due(conn, now, &d, NULL), 0);
	return d;
}

Test(outbox, each_timer_is_claimed_once_when_due)
{
	ticket(user("req@x.example", ""));
	cr_assert_not(timers_due(3699));
	cr_assert(timers_due(3700));
	cr_assert_eq(claim_timer(STORE_TIMER_BREACH, 3700), 0, "the breach is not due yet");
	cr_assert_eq(claim_timer(STORE_TIMER_WARN, 3700), 1);
	cr_assert_eq(claim_timer(STORE_TIMER_WARN, 3800), 0, "claimed once");
	cr_assert_not(timers_due(4600), "nothing at the target itself");
	cr_assert(timers_due(4601));
	cr_assert_eq(claim_timer(STORE_TIMER_BREACH, 4601), 1);
	cr_assert_eq(claim_timer(STORE_TIMER_BREACH, 4700), 0);
}

Test(outbox, an_emergency_update_is_due_every_period_from_the_last_claim)
{
	ticket(user("req@x.example", ""));
	struct sb_error err = {0};
	/* The default period is 120 minutes; the setting changes it. */
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 1000 + 7199), 0);
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 1000 + 7200), 1);
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 1000 + 7300), 0, "restarted at the claim");
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_setting_put(conn, "sla.emergency_update_minutes", "15", &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 8200 + 899), 0);
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 8200 + 900), 1);
	cr_assert_eq(store_write_begin(conn, &err), 0);
	cr_assert_eq(store_setting_put(conn, "sla.emergency_update_minutes", "nonsense", &err), 0);
	cr_assert_eq(store_write_commit(conn, &err), 0);
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 9100 + 900), 0, "a bad value reads as 120");
	cr_assert_eq(claim_timer(STORE_TIMER_EMERGENCY, 9100 + 7200), 1);
}
