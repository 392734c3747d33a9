/*
 * Drafts: the seed asks customers to research, triage and go through their
 * subject-matter expert before filing. Any contact may prepare a draft
 * request (the same fields as a ticket, complete or not); the
 * organization's SPOC sees the drafts, corrects them and files them, or
 * sends them back with a comment. A filed draft becomes a ticket that its
 * author follows.
 *
 * Who sees a draft: its author and the organization's SPOC; anyone else
 * gets 404.
 */
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "core/request_types.h"
#include "core/ticket.h"

#define DRAFT_MAX_JSON (256 * 1024)

static bool is_spoc(struct api_call *call, struct store_org *org)
{
	return store_org_get(call->conn, call->user.org_id, call->arena, org, NULL) == 0 &&
	       org->spoc_id == call->user.id;
}

static json_t *draft_json(const struct store_draft *d)
{
	json_t *fields = json_loads(d->fields, 0, NULL);
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)d->id,
			 "org_id", (json_int_t)d->org_id, "author_id", (json_int_t)d->author_id,
			 "state", d->state, "fields", fields ? fields : json_object(),
			 "return_comment", api_str(d->return_comment), "ticket_id",
			 api_id(d->ticket_id), "created_at", api_time(d->created_at), "updated_at",
			 api_time(d->updated_at));
}

/* The body as stored draft fields: the JSON object, re-serialized compactly. */
static const char *fields_text(struct api_call *call)
{
	char *text = json_dumps(call->body, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		return NULL;
	const char *copy = strlen(text) <= DRAFT_MAX_JSON ? arena_strdup(call->arena, text) : NULL;
	free(text);
	return copy;
}

int api_drafts_create(struct api_call *call)
{
	const char *fields = fields_text(call);
	if (!fields)
		return api_fail(call, SB_EINVAL, "the draft is larger than %d bytes",
				DRAFT_MAX_JSON);
	struct store_draft d = {.org_id = call->user.org_id,
				.author_id = call->user.id,
				.fields = fields,
				.state = "draft",
				.created_at = call->now,
				.updated_at = call->now};
	int rc;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_draft_insert(call->conn, &d, &d.id, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 201, draft_json(&d));
}

/* Loads the draft of the path if the caller is its author or the SPOC. */
static int load(struct api_call *call, struct store_draft *d, bool *spoc)
{
	int64_t id;
	struct store_org org;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_draft_get(call->conn, id, call->arena, d, &call->err)) < 0)
		return rc;
	*spoc = d->org_id == call->user.org_id && is_spoc(call, &org);
	if (d->org_id != call->user.org_id || (!*spoc && d->author_id != call->user.id))
		return api_fail(call, SB_ENOTFOUND, "no such draft");
	return 0;
}

int api_drafts_get(struct api_call *call)
{
	struct store_draft d;
	bool spoc;
	int rc = load(call, &d, &spoc);
	return rc < 0 ? rc : api_json(call, 200, draft_json(&d));
}

int api_drafts_list(struct api_call *call)
{
	struct store_org org;
	struct store_draft *list;
	size_t n;
	int64_t only = is_spoc(call, &org) ? 0 : call->user.id;
	int rc = store_drafts_list(call->conn, call->user.org_id, only, call->arena, &list, &n,
				   &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, draft_json(&list[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

/* A filed draft is a ticket now: it is neither edited, returned nor filed again. */
static int unfiled(struct api_call *call, const struct store_draft *d)
{
	if (strcmp(d->state, "filed") == 0)
		return api_fail(call, SB_ECONFLICT, "the draft was filed as ticket %lld",
				(long long)d->ticket_id);
	return 0;
}

/* PATCH replaces the draft's fields; a returned draft becomes a draft again. */
int api_drafts_update(struct api_call *call)
{
	struct store_draft d;
	bool spoc;
	int rc = load(call, &d, &spoc);
	if (rc < 0)
		return rc;
	if ((rc = unfiled(call, &d)) < 0)
		return rc;
	if (!(d.fields = fields_text(call)))
		return api_fail(call, SB_EINVAL, "the draft is larger than %d bytes",
				DRAFT_MAX_JSON);
	d.state = "draft";
	d.updated_at = call->now;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_draft_update(call->conn, &d, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200, draft_json(&d));
}

static int refuse_non_spoc(struct api_call *call)
{
	return api_fail(
		call, SB_EPERM,
		"only your organization's authorized contact (SPOC) files or returns drafts");
}

/* POST /drafts/{id}/return {"comment"}: back to the author, with why. */
int api_drafts_return(struct api_call *call)
{
	struct store_draft d;
	bool spoc;
	int rc = load(call, &d, &spoc);
	if (rc < 0)
		return rc;
	if (!spoc)
		return refuse_non_spoc(call);
	const char *comment = api_body_string(call, "comment");
	if (!comment || !*comment)
		api_field_error(call, "comment", "required: tell the author what to change");
	if (call->nfields)
		return -SB_EINVAL;
	if ((rc = unfiled(call, &d)) < 0)
		return rc;
	d.state = "returned";
	d.return_comment = comment;
	d.updated_at = call->now;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_draft_update(call->conn, &d, &call->err)) < 0 ||
	    (rc = store_outbox_insert(call->conn, "draft_returned", 0, d.author_id, comment,
				      call->now, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200, draft_json(&d));
}

/*
 * POST /drafts/{id}/file: the SPOC files the draft as a ticket, validated
 * like any new ticket (422 lists what is missing). A body, when sent,
 * replaces the draft's fields first, so the SPOC can correct and file in
 * one step.
 */
int api_drafts_file(struct api_call *call)
{
	struct store_draft d;
	bool spoc;
	int rc = load(call, &d, &spoc);
	if (rc < 0)
		return rc;
	if (!spoc)
		return refuse_non_spoc(call);
	if ((rc = unfiled(call, &d)) < 0)
		return rc;
	if (json_object_size(call->body) > 0) {
		if (!(d.fields = fields_text(call)))
			return api_fail(call, SB_EINVAL, "the draft is larger than %d bytes",
					DRAFT_MAX_JSON);
	} else {
		json_decref(call->body);
		call->body = json_loads(d.fields, 0, NULL);
		if (!json_is_object(call->body))
			return api_fail(call, SB_EIO, "draft %lld has unreadable fields",
					(long long)d.id);
	}
	return api_ticket_file(call, &d);
}
