/*
 * Webhook events: what a change of a ticket tells the webhooks that
 * subscribed (docs/webhooks.md). This file is the one place that decides
 * which events a change makes and what their payloads say; the handlers
 * only state the change, from inside their write transaction:
 *
 *   api_ticket_insert()  ticket.created (filed by the API, from a draft, or
 *                        by mail through the mailgate)
 *   api_ticket_save()    ticket.updated, ticket.resolved (every update of a
 *                        ticket's status, priority or assignee goes through it)
 *   api_comment_add()    comment.created (public comments only, also by mail)
 *   engineering fixes    engineering_issue.fixed
 *
 * The deliveries are written in the caller's transaction (store_webhooks_
 * enqueue()), so they exist exactly when the change committed, as the
 * outbox's rows do. A payload is Standard Webhooks' {"type", "timestamp",
 * "data"}; it says no more than an admin may read through the API (no
 * internal note ever goes out), and names the ticket by id and number
 * (the same value: "[#1234]" in mail) with the fields that changed.
 */
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "util/webhook.h"

const char *const api_webhook_events[] = {
	"ticket.created",  "ticket.updated",          "ticket.resolved",
	"comment.created", "engineering_issue.fixed",
};
const size_t api_webhook_events_count = sizeof(api_webhook_events) / sizeof(api_webhook_events[0]);

bool api_webhook_event_known(const char *name)
{
	for (size_t i = 0; i < api_webhook_events_count; i++)
		if (strcmp(api_webhook_events[i], name) == 0)
			return true;
	return false;
}

char *api_webhook_payload(struct api_call *call, const char *type, json_t *data)
{
	json_t *j = json_pack("{s:s, s:o, s:o}", "type", type, "timestamp", api_time(call->now),
			      "data", data ? data : json_object());
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	char *copy = text ? arena_strdup(call->arena, text) : NULL;
	free(text);
	return copy;
}

/* Queues event TYPE with DATA (stolen) about TICKET_ID (0: none) for its subscribers. */
static int emit(struct api_call *call, const char *type, int64_t ticket_id, json_t *data)
{
	char msg_id[WEBHOOK_MSG_ID_SIZE];
	char *payload = api_webhook_payload(call, type, data);
	if (!payload)
		return api_fail(call, SB_ENOMEM, "out of memory");
	webhook_msg_id_new(msg_id);
	return store_webhooks_enqueue(call->conn, type, msg_id, payload, ticket_id, call->now, NULL,
				      &call->err);
}

/* The ticket as webhooks see it: who, what and where it stands. */
static json_t *ticket_summary(const struct store_ticket *t)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:o}", "id",
			      (json_int_t)t->id, "number", (json_int_t)t->id, "subject",
			      t->subject ? t->subject : "", "status", t->status, "priority",
			      t->priority, "request_type", t->request_type, "kind", t->kind, "team",
			      api_str(t->team), "org_id", (json_int_t)t->org_id, "requester_id",
			      (json_int_t)t->requester_id, "assignee_id", api_id(t->assignee_id));
	json_object_set_new(j, "created_at", api_time(t->created_at));
	json_object_set_new(j, "updated_at", api_time(t->updated_at));
	json_object_set_new(j, "first_response_due_at", api_time(t->first_response_due_at));
	json_object_set_new(j, "resolved_at", api_time(t->resolved_at));
	json_object_set_new(j, "version", json_integer(t->version));
	return j;
}

static bool differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static json_t *change(json_t *from, json_t *to)
{
	return json_pack("{s:o, s:o}", "from", from, "to", to);
}

int api_webhooks_ticket(struct api_call *call, const struct store_ticket *old,
			const struct store_ticket *t, const char *note)
{
	if (!old)
		return emit(call, "ticket.created", t->id,
			    json_pack("{s:o}", "ticket", ticket_summary(t)));
	json_t *changes = json_object();
	if (differ(old->status, t->status))
		json_object_set_new(changes, "status",
				    change(json_string(old->status), json_string(t->status)));
	if (differ(old->priority, t->priority)) {
		json_t *c = change(json_string(old->priority), json_string(t->priority));
		json_object_set_new(c, "reason", api_str(note));
		json_object_set_new(changes, "priority", c);
	}
	if (old->assignee_id != t->assignee_id)
		json_object_set_new(changes, "assignee_id",
				    change(api_id(old->assignee_id), api_id(t->assignee_id)));
	if (json_object_size(changes) == 0) {
		/* Only times moved (a first response): nothing a subscriber asked for. */
		json_decref(changes);
		return 0;
	}
	if (old->first_response_due_at != t->first_response_due_at)
		json_object_set_new(changes, "first_response_due_at",
				    change(api_time(old->first_response_due_at),
					   api_time(t->first_response_due_at)));
	bool resolved = differ(old->status, t->status) && strcmp(t->status, "resolved") == 0;
	int rc = emit(call, "ticket.updated", t->id,
		      json_pack("{s:o, s:o}", "ticket", ticket_summary(t), "changes", changes));
	if (rc == 0 && resolved)
		rc = emit(call, "ticket.resolved", t->id,
			  json_pack("{s:o}", "ticket", ticket_summary(t)));
	return rc;
}

int api_webhooks_comment(struct api_call *call, const struct store_ticket *t,
			 const struct store_comment *c)
{
	/* Internal notes are staff's alone: never sent anywhere. */
	if (strcmp(c->kind, "note") == 0)
		return 0;
	json_t *author = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->author_id, "name",
				   c->author_name ? c->author_name : "", "role",
				   c->author_role ? c->author_role : "");
	json_t *comment =
		json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)c->id, "kind", c->kind,
			  "body", c->body, "author", author, "created_at", api_time(c->created_at));
	return emit(call, "comment.created", t->id,
		    json_pack("{s:o, s:o}", "ticket", ticket_summary(t), "comment", comment));
}

int api_webhooks_engineering_fixed(struct api_call *call, const struct store_engineering_issue *e,
				   const int64_t *resolved, size_t n)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(resolved[i]));
	json_t *issue = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)e->id, "key",
				  e->key, "url", e->url ? e->url : "", "title",
				  e->title ? e->title : "", "fixed_at", api_time(call->now));
	return emit(
		call, "engineering_issue.fixed", 0,
		json_pack("{s:o, s:o}", "engineering_issue", issue, "resolved_ticket_ids", ids));
}
