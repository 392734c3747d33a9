/*
 * The mail that did not go out, for admins (docs/mail.md): outbox rows
 * given up on (failed) or failing for now (pending after a failed
 * attempt), with who they were for and why they failed; and a retry that
 * makes a failed row due again at once.
 */
#include <string.h>

#include "api/internal.h"

static json_t *row_json(const struct store_outbox_row *o)
{
	json_t *to = o->recipient_id
			     ? json_pack("{s:I, s:o, s:o}", "id", (json_int_t)o->recipient_id,
					 "name", api_str(o->recipient_name), "email",
					 api_str(o->recipient_email))
			     : json_null();
	json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:s, s:I}", "id", (json_int_t)o->id, "event",
			      o->event, "ticket_id", api_id(o->ticket_id), "recipient", to, "state",
			      o->state, "attempts", (json_int_t)o->attempts);
	json_object_set_new(j, "last_error", api_str(o->last_error));
	json_object_set_new(j, "created_at", api_time(o->created_at));
	/* When the next attempt comes; none for a row given up on. */
	json_object_set_new(j, "next_attempt_at",
			    strcmp(o->state, "pending") == 0 ? api_time(o->next_attempt_at)
							     : json_null());
	return j;
}

/* GET /outbox?state=failed|retrying&limit=&before= : newest first. */
int api_outbox_list(struct api_call *call)
{
	enum store_outbox_view view = STORE_OUTBOX_VIEW_FAILED;
	const char *v = http_query(call->req, "state");
	int64_t limit = 100, before = 0;
	if (v && strcmp(v, "retrying") == 0)
		view = STORE_OUTBOX_VIEW_RETRYING;
	else if (v && strcmp(v, "failed") != 0)
		api_field_error(call, "state", "expected failed or retrying");
	if ((v = http_query(call->req, "limit")) &&
	    (!api_parse_int(v, &limit) || limit < 1 || limit > STORE_LIST_MAX))
		api_field_error(call, "limit", "an integer from 1 to %d", STORE_LIST_MAX);
	if ((v = http_query(call->req, "before")) && (!api_parse_int(v, &before) || before < 1))
		api_field_error(call, "before", "an outbox row id");
	if (call->nfields)
		return -SB_EINVAL;
	struct store_outbox_row *rows;
	size_t n;
	int rc = store_outbox_list(call->conn, view, before, (int)limit, call->arena, &rows, &n,
				   &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, row_json(&rows[i]));
	/* A full page may have more: the next one starts below its last id. */
	json_t *next = n == (size_t)limit && n ? json_integer(rows[n - 1].id) : json_null();
	return api_json(call, 200, json_pack("{s:o, s:o}", "items", items, "next_before", next));
}

/* POST /outbox/{id}/retry: a failed row pending again, due now. */
int api_outbox_retry(struct api_call *call)
{
	int64_t id;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	if ((rc = store_outbox_retry(call->conn, id, call->now, &call->err)) < 0)
		return rc;
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200,
			json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "state", "pending",
				  "next_attempt_at", api_time(call->now)));
}
