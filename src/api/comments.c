/*
 * The conversation of a ticket: replies (public), internal notes (agents
 * only, never shown to customers) and follow-up questions (public; the
 * ticket waits for the customer, whose reply opens it again). The first
 * public reply by staff is the acknowledgment: it sets first_response_at
 * and records the response time in business and clock seconds.
 */
#include <stdio.h>
#include <string.h>

#include "api/internal.h"
#include "core/lifecycle.h"
#include "core/ticket.h"
#include "util/utf8.h"

#define COMMENT_MAX_CHARS API_COMMENT_MAX_CHARS

static json_t *comment_json(const struct store_comment *c)
{
	json_t *author = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->author_id, "name",
				   c->author_name ? c->author_name : "", "role",
				   c->author_role ? c->author_role : "");
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:s}", "id", (json_int_t)c->id,
			 "ticket_id", (json_int_t)c->ticket_id, "kind", c->kind, "body", c->body,
			 "author", author, "created_at", api_time(c->created_at), "visibility",
			 strcmp(c->kind, "note") == 0 ? "internal" : "public");
}

int api_comment_add(struct api_call *call, const struct store_ticket *old,
		    enum lifecycle_comment kind, const char *body, struct store_ticket *t_out,
		    struct store_comment *c_out)
{
	bool staff = api_is_staff(call);
	enum ticket_status from, to;
	int64_t id = old->id, cid;
	int rc;
	if (ticket_status_parse(old->status, &from, &call->err) < 0)
		return -SB_EIO;
	rc = lifecycle_after_comment(from, kind,
				     staff ? LIFECYCLE_ACTOR_AGENT : LIFECYCLE_ACTOR_CUSTOMER,
				     call->now, old->resolved_at, &to, &call->err);
	if (rc < 0)
		return rc;

	struct store_ticket t = *old;
	t.status = ticket_status_name(to);
	if (to != from && from == TICKET_STATUS_RESOLVED)
		t.resolved_at = 0;
	bool public_staff = staff && kind != LIFECYCLE_COMMENT_NOTE;
	if (public_staff && !t.first_response_at) {
		t.first_response_at = call->now;
		t.response_clock_seconds = call->now - t.created_at;
		rc = calendar_working_between(api_calendar_acquire(call->api), t.created_at,
					      call->now, &t.response_business_seconds, &call->err);
		api_calendar_release(call->api);
		if (rc < 0)
			return rc;
	}

	struct store_comment c = {.ticket_id = id,
				  .author_id = call->user.id,
				  .kind = lifecycle_comment_name(kind),
				  .body = body,
				  .created_at = call->now,
				  .author_name = call->user.name,
				  .author_role = call->user.role_name};
	if ((rc = store_comment_insert(call->conn, &c, &cid, &call->err)) < 0)
		return rc;
	if ((to != from || t.first_response_at != old->first_response_at) &&
	    (rc = api_ticket_save(call, old, &t, NULL)) < 0)
		return rc;
	/* A public word from staff restarts an emergency's update clock. */
	if (public_staff && (rc = api_notify_changed(call, old, &t, true)) < 0)
		return rc;
	const char *event = kind == LIFECYCLE_COMMENT_NOTE       ? NULL
			    : kind == LIFECYCLE_COMMENT_QUESTION ? "followup_question"
			    : staff                              ? "agent_reply"
								 : "customer_reply";
	int64_t recipient = staff ? t.requester_id : t.assignee_id;
	/* The payload names the comment, so the mail quotes this one and no later one. */
	char cid_s[24];
	snprintf(cid_s, sizeof(cid_s), "%lld", (long long)cid);
	if (event && (rc = store_outbox_insert(call->conn, event, id, recipient, cid_s, call->now,
					       &call->err)) < 0)
		return rc;
	c.id = cid;
	/* Comments by mail come through here too: one place queues their webhooks. */
	if ((rc = api_webhooks_comment(call, &t, &c)) < 0)
		return rc;
	*t_out = t;
	*c_out = c;
	return 0;
}

int api_comments_create(struct api_call *call)
{
	int64_t id;
	struct store_ticket old, t;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = api_ticket_load_for_write(call, id, &old)) < 0)
		return rc;

	const char *body = api_body_string(call, "body");
	const char *kind_s = api_body_string(call, "kind");
	enum lifecycle_comment kind = LIFECYCLE_COMMENT_REPLY;
	if (!body || strspn(body, " \t\r\n") == strlen(body))
		api_field_error(call, "body", "required");
	else if (utf8_chars(body, strlen(body)) > COMMENT_MAX_CHARS)
		api_field_error(call, "body", "longer than %d characters", COMMENT_MAX_CHARS);
	if (kind_s && lifecycle_comment_parse(kind_s, &kind, &call->err) < 0)
		api_field_error(call, "kind", "%s", call->err.message);
	if (call->nfields)
		return -SB_EINVAL;

	struct store_comment c;
	if ((rc = api_comment_add(call, &old, kind, body, &t, &c)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	/* A note is staff's alone; whatever else it changed goes with it (nothing, today). */
	api_event_queue(call, &t, API_EVENT_COMMENT, kind == LIFECYCLE_COMMENT_NOTE);
	return api_json(call, 201, comment_json(&c));
}

int api_comments_list(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	struct store_comment *list;
	size_t n;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0 ||
	    (rc = store_comments_list(call->conn, id, api_is_staff(call), call->arena, &list, &n,
				      &call->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, comment_json(&list[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

int api_history_list(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	struct store_history *list;
	size_t n;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0 ||
	    (rc = store_history_list(call->conn, id, call->arena, &list, &n, &call->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:o}", "id",
						       (json_int_t)list[i].id, "actor_id",
						       api_id(list[i].actor_id), "at",
						       api_time(list[i].at), "field", list[i].field,
						       "from", api_str(list[i].old_value), "to",
						       api_str(list[i].new_value), "note",
						       api_str(list[i].note)));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}
