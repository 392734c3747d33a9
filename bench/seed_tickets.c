/*
 * Fills a data directory (or the PostgreSQL database DATABASE_URL names)
 * with N tickets (default 100,000) for the API benchmarks, through the
 * store in transactions of 1,000, with one organization, its SPOC and an
 * agent. Prints nothing but a summary line.
 *
 * Usage: bench-seed DATA_DIR [N [DATABASE_URL]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-seed DATA_DIR [N [DATABASE_URL]]\n");
		return 2;
	}
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
	struct sb_error err = {0};
	struct store *store;
	struct store_conn *c;
	if (store_open_database(argv[1], argc > 3 ? argv[3] : NULL, &store, &err) < 0 ||
	    store_migrate(store, NULL, NULL, &err) < 0 || store_conn(store, &c, &err) < 0) {
		fprintf(stderr, "bench-seed: %s\n", err.message);
		return 1;
	}
	int64_t now = (int64_t)time(NULL), org, spoc;
	struct store_org o = {.name = "Bench Org", .member_id = "1", .created_at = now};
	struct store_user u = {.email = "spoc@bench.example",
			       .name = "Bench Spoc",
			       .role = "contact",
			       .created_at = now};
	if (store_write_begin(c, &err) < 0 || store_org_insert(c, &o, &org, &err) < 0)
		goto fail;
	u.org_id = org;
	if (store_user_insert(c, &u, &spoc, &err) < 0)
		goto fail;
	o.id = org;
	o.spoc_id = spoc;
	if (store_org_update(c, &o, &err) < 0 || store_write_commit(c, &err) < 0)
		goto fail;

	static const char *const teams[] = {"client-services", "app-support", "ad-quality",
					    "anti-malvertising", "inventory-quality"};
	for (long i = 0; i < n; i++) {
		if (i % 1000 == 0 && store_write_begin(c, &err) < 0)
			goto fail;
		struct store_object_id obj = {"creative", "4455"};
		struct store_ticket t = {
			.org_id = org,
			.requester_id = spoc,
			.request_type = "ui-api-bug",
			.kind = "routed",
			.team = teams[i % 5],
			.status = "new",
			.priority = "standard",
			.subject = "Save button does nothing on the line item page",
			.description = "Since this morning the Save button on the line "
				       "item page does not respond to clicks; the "
				       "console shows a 500 from the PUT call.",
			.impact = "Traders cannot change bids.",
			.created_at = now - (n - i),
			.updated_at = now,
			.first_response_due_at = now + 3600 * (i % 48),
			.object_ids = &obj,
			.n_object_ids = 1};
		int64_t id;
		if (store_ticket_insert(c, &t, &id, &err) < 0)
			goto fail;
		if (i % 1000 == 999 || i == n - 1)
			if (store_write_commit(c, &err) < 0)
				goto fail;
	}
	printf("bench-seed: %ld tickets in %s (org %lld, spoc %lld)\n", n, argv[1], (long long)org,
	       (long long)spoc);
	store_close(store);
	return 0;
fail:
	fprintf(stderr, "bench-seed: %s\n", err.message);
	store_close(store);
	return 1;
}
