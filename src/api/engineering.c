/*
 * Engineering issues: the seed's "if the issue requires an engineering bug
 * fix, Client Services will keep the ticket open until the issue is fixed,
 * and then notify the Customer of the resolution". Staff record an issue
 * (its tracker key, URL, title) and link tickets to it; linking parks an
 * open ticket in pending_engineering. Many tickets share one issue: staff
 * find an issue by its key (the list) and link more tickets to it. Marking
 * the issue fixed resolves every linked ticket that is not resolved or
 * closed yet, each with its own history and its own notice to the
 * customer, in one transaction.
 */
#include <string.h>

#include "api/internal.h"
#include "core/lifecycle.h"
#include "core/ticket.h"
#include "util/utf8.h"

/* The longest key, in bytes: tracker keys are short ("ENG-1234"). */
#define KEY_MAX 64

static json_t *issue_json(struct api_call *call, const struct store_engineering_issue *e)
{
	int64_t *ids = NULL;
	size_t n = 0;
	store_engineering_linked_tickets(call->conn, e->id, call->arena, &ids, &n, NULL);
	json_t *tickets = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(tickets, json_integer(ids[i]));
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)e->id, "key",
			 e->key, "url", e->url ? e->url : "", "title", e->title ? e->title : "",
			 "fixed", e->fixed_at != 0, "fixed_at", api_time(e->fixed_at), "created_at",
			 api_time(e->created_at), "ticket_ids", tickets);
}

int api_engineering_create(struct api_call *call)
{
	const char *key = api_body_string(call, "key");
	const char *url = api_body_string(call, "url");
	const char *title = api_body_string(call, "title");
	if (!key || !*key)
		api_field_error(call, "key", "required: the bug tracker's key, e.g. ENG-1234");
	else if (strlen(key) > KEY_MAX)
		api_field_error(call, "key", "at most %d bytes", KEY_MAX);
	if (url && *url && !ticket_url_valid(url))
		api_field_error(call, "url", "an absolute http or https URL");
	if (title && utf8_chars(title, strlen(title)) > 300)
		api_field_error(call, "title", "at most 300 characters");
	if (call->nfields)
		return -SB_EINVAL;
	struct store_engineering_issue e = {
		.key = key, .url = url, .title = title, .created_at = call->now};
	int rc;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	if ((rc = store_engineering_issue_insert(call->conn, &e, &e.id, &call->err)) < 0) {
		if (rc == -SB_ECONFLICT)
			api_field_error(call, "key", "an engineering issue with this key exists");
		return rc == -SB_ECONFLICT ? -SB_EINVAL : rc;
	}
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 201, issue_json(call, &e));
}

int api_engineering_get(struct api_call *call)
{
	int64_t id;
	struct store_engineering_issue e;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_engineering_issue_get(call->conn, id, call->arena, &e, &call->err)) < 0)
		return rc;
	return api_json(call, 200, issue_json(call, &e));
}

/* {"items": [issue, ...]} for the N issues of LIST. */
static int issues_json(struct api_call *call, const struct store_engineering_issue *list, size_t n)
{
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, issue_json(call, &list[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

/*
 * GET /engineering-issues?key=K&fixed=true|false: newest first, at most
 * STORE_ENGINEERING_MAX. key= is an exact match, so the workspace asks
 * "does ENG-1234 exist?" before it links it or records it.
 */
int api_engineering_list(struct api_call *call)
{
	struct store_engineering_filter f = {0};
	const char *v;
	if ((f.key = http_query(call->req, "key")) && (!*f.key || strlen(f.key) > KEY_MAX))
		api_field_error(call, "key", "an issue key of 1 to %d bytes", KEY_MAX);
	if ((v = http_query(call->req, "fixed"))) {
		if (strcmp(v, "true") == 0)
			f.state = STORE_ENG_FIXED;
		else if (strcmp(v, "false") == 0)
			f.state = STORE_ENG_OPEN;
		else
			api_field_error(call, "fixed", "true or false");
	}
	if (call->nfields)
		return -SB_EINVAL;
	struct store_engineering_issue *list;
	size_t n;
	int rc = store_engineering_issues_list(call->conn, &f, call->arena, &list, &n, &call->err);
	return rc < 0 ? rc : issues_json(call, list, n);
}

/* GET /tickets/{id}/engineering-links: the issues the ticket is linked to. */
int api_engineering_ticket_links(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	struct store_engineering_issue *list;
	size_t n;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0 ||
	    (rc = store_engineering_ticket_issues(call->conn, id, call->arena, &list, &n,
						  &call->err)) < 0)
		return rc;
	return issues_json(call, list, n);
}

/* POST /tickets/{id}/engineering-links {"issue_id": N} */
int api_engineering_link(struct api_call *call)
{
	int64_t id, issue_id;
	struct store_ticket old, t;
	struct store_engineering_issue e;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = api_ticket_load_for_write(call, id, &old)) < 0)
		return rc;
	if (!api_body_int(call, "issue_id", &issue_id)) {
		api_field_error(call, "issue_id", "required");
		return -SB_EINVAL;
	}
	if (store_engineering_issue_get(call->conn, issue_id, call->arena, &e, NULL) < 0) {
		api_field_error(call, "issue_id", "no engineering issue %lld", (long long)issue_id);
		return -SB_EINVAL;
	}
	if (e.fixed_at)
		return api_fail(call, SB_ECONFLICT, "%s is already fixed", e.key);
	t = old;
	/* An open ticket now waits for the fix; others keep their status. */
	if (strcmp(old.status, "open") == 0)
		t.status = ticket_status_name(TICKET_STATUS_PENDING_ENGINEERING);
	bool added;
	rc = store_engineering_link(call->conn, id, issue_id, call->now, &added, &call->err);
	if (rc < 0)
		return rc;
	struct store_history h = {.ticket_id = id,
				  .actor_id = call->user.id,
				  .at = call->now,
				  .field = "engineering_issue",
				  .new_value = e.key};
	/* A link made again is no new fact: one history row per link. */
	if (added && (rc = store_history_insert(call->conn, &h, &call->err)) < 0)
		return rc;
	if (t.status != old.status && (rc = api_ticket_save(call, &old, &t, NULL)) < 0)
		return rc;
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	/*
	 * Staff watching the ticket refetch its links. A link that leaves the
	 * status alone is internal: customers never see engineering links.
	 */
	if (added || t.status != old.status)
		api_event_queue(call, &t, API_EVENT_UPDATED, t.status == old.status);
	return api_json(call, 201, issue_json(call, &e));
}

/* PATCH /engineering-issues/{id} {"fixed": true}: marking fixed is the one change. */
int api_engineering_update(struct api_call *call)
{
	int64_t id;
	struct store_engineering_issue e;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_engineering_issue_get(call->conn, id, call->arena, &e, &call->err)) < 0)
		return rc;
	json_t *fixed = json_object_get(call->body, "fixed");
	if (!json_is_true(fixed)) {
		api_field_error(call, "fixed", "send \"fixed\": true to mark the issue fixed");
		return -SB_EINVAL;
	}
	if (e.fixed_at)
		return api_json(call, 200, issue_json(call, &e)); /* fixed already: idempotent */

	int64_t *ids;
	size_t n, nresolved = 0;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_engineering_issue_set_fixed(call->conn, id, call->now, &call->err)) < 0 ||
	    (rc = store_engineering_linked_tickets(call->conn, id, call->arena, &ids, &n,
						   &call->err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct store_ticket old, t;
		enum ticket_status from;
		if ((rc = store_ticket_get(call->conn, ids[i], call->arena, &old, &call->err)) < 0)
			return rc;
		ticket_status_parse(old.status, &from, NULL);
		if (from == TICKET_STATUS_RESOLVED || from == TICKET_STATUS_CLOSED)
			continue;
		t = old;
		t.status = ticket_status_name(TICKET_STATUS_RESOLVED);
		t.resolved_at = call->now;
		if ((rc = api_ticket_save(call, &old, &t, e.key)) < 0 ||
		    (rc = store_outbox_insert(call->conn, "ticket_resolved", t.id, t.requester_id,
					      e.key, call->now, &call->err)) < 0)
			return rc;
		/* Published only once the whole fix has committed (the dispatcher). */
		api_event_queue(call, &t, API_EVENT_UPDATED, false);
		ids[nresolved++] = t.id; /* IDS now lists the tickets this fix resolved */
	}
	if ((rc = api_webhooks_engineering_fixed(call, &e, ids, nresolved)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	e.fixed_at = call->now;
	return api_json(call, 200, issue_json(call, &e));
}
