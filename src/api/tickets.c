/*
 * Tickets: filing (only the organization's SPOC), reading, listing and
 * updating (status through the lifecycle, priority by PRODUCT.md's rule,
 * assignment), with If-Match on updates.
 *
 * Who sees a ticket (anyone else gets 404, so ids reveal nothing):
 *   contacts     their organization's tickets;
 *   agents/leads routed tickets (every team: colleagues look across queues);
 *   account reps tickets of organizations they represent, and those
 *                assigned to them;
 *   admins       all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "core/lifecycle.h"
#include "core/request_types.h"
#include "core/sla.h"
#include "core/teams.h"
#include "core/ticket.h"
#include "util/rfc3339.h"

/* ---- JSON --------------------------------------------------------------- */

static json_t *split(const char *list, char sep)
{
	json_t *a = json_array();
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, (char[]){sep, '\0'});
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == sep);
	}
	return a;
}

/*
 * When the countdown to the first-response target turns amber: once
 * warn_percent of the time from creation to the target has elapsed. For a
 * standard ticket that is business time on the calendar in force (so a
 * ticket filed Friday evening warns on Monday, not over the weekend); an
 * emergency's target runs round the clock, so its warning does too.
 * Rounded down to the second, never after the target; 0 when there is no
 * target to warn of (none, or already answered).
 */
static int64_t warn_at(struct api *api, const struct store_ticket *t)
{
	int64_t created = t->created_at, due = t->first_response_due_at, at = 0, total;
	int percent = atomic_load_explicit(&api->warn_percent, memory_order_relaxed);
	if (!due || t->first_response_at)
		return 0;
	if (due <= created)
		return due;
	if (strcmp(t->priority, "emergency") == 0)
		return created + (due - created) * percent / 100;
	struct calendar *cal = api_calendar_acquire(api);
	if (calendar_working_between(cal, created, due, &total, NULL) < 0 ||
	    calendar_add_working(cal, created, total * percent / 100, &at, NULL) < 0)
		at = 0;
	api_calendar_release(api);
	return at > due ? due : at;
}

int64_t api_ticket_warn_at(struct api *api, const struct store_ticket *t)
{
	return warn_at(api, t);
}

json_t *api_ticket_json(struct api *api, const struct store_ticket *t)
{
	json_t *objects = json_array();
	for (size_t i = 0; i < t->n_object_ids; i++)
		json_array_append_new(objects,
				      json_pack("{s:s, s:s}", "type", t->object_ids[i].type, "id",
						t->object_ids[i].value));
	json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:o}", "id",
			      (json_int_t)t->id, "status", t->status, "priority", t->priority,
			      "team", api_str(t->team), "request_type", t->request_type, "kind",
			      t->kind, "org_id", (json_int_t)t->org_id, "requester_id",
			      (json_int_t)t->requester_id, "assignee_id", api_id(t->assignee_id));
	json_object_set_new(j, "subject", json_string(t->subject));
	json_object_set_new(j, "description", json_string(t->description));
	json_object_set_new(j, "impact", api_str(t->impact));
	json_object_set_new(j, "steps", api_str(t->steps));
	json_object_set_new(j, "urls", split(t->urls, '\n'));
	json_object_set_new(j, "browser", api_str(t->browser));
	json_object_set_new(j, "os", api_str(t->os));
	json_object_set_new(j, "business_justification", api_str(t->business_justification));
	json_object_set_new(j, "emergency_criteria", split(t->emergency_criteria, ','));
	json_object_set_new(j, "emergency_phone", api_str(t->emergency_phone));
	json_object_set_new(j, "member_id", api_str(t->member_id));
	json_object_set_new(j, "object_ids", objects);
	json_object_set_new(j, "completeness",
			    json_pack("{s:I, s:o}", "percent", (json_int_t)t->completeness,
				      "missing", split(t->missing_recommended, ',')));
	/* A request that came by mail lacks required fields until completed. */
	json_object_set_new(j, "incomplete",
			    json_boolean(t->missing_required && *t->missing_required));
	json_object_set_new(j, "missing_required", split(t->missing_required, ','));
	json_object_set_new(j, "created_at", api_time(t->created_at));
	json_object_set_new(j, "updated_at", api_time(t->updated_at));
	json_object_set_new(j, "first_response_due_at", api_time(t->first_response_due_at));
	json_object_set_new(j, "first_response_at", api_time(t->first_response_at));
	json_object_set_new(j, "sla_warn_at", api_time(warn_at(api, t)));
	json_object_set_new(j, "response_business_seconds",
			    t->first_response_at ? json_integer(t->response_business_seconds)
						 : json_null());
	json_object_set_new(j, "response_clock_seconds",
			    t->first_response_at ? json_integer(t->response_clock_seconds)
						 : json_null());
	json_object_set_new(j, "resolved_at", api_time(t->resolved_at));
	json_object_set_new(j, "closed_at", api_time(t->closed_at));
	json_object_set_new(j, "version", json_integer(t->version));
	return j;
}

static void set_etag(struct api_call *call, const struct store_ticket *t)
{
	http_response_header(call->res, "ETag",
			     arena_printf(call->arena, "\"%lld\"", (long long)t->version));
}

/* ---- visibility --------------------------------------------------------- */

int api_ticket_load(struct api_call *call, int64_t id, struct store_ticket *t)
{
	int rc = store_ticket_get(call->conn, id, call->arena, t, &call->err);
	if (rc < 0)
		return rc;
	bool visible;
	switch (call->user.role) {
	case ACCOUNT_ROLE_ADMIN: visible = true; break;
	case ACCOUNT_ROLE_AGENT:
	case ACCOUNT_ROLE_LEAD: visible = strcmp(t->kind, "routed") == 0; break;
	case ACCOUNT_ROLE_ACCOUNT_REP: {
		struct store_org o;
		visible = t->assignee_id == call->user.id ||
			  (store_org_get(call->conn, t->org_id, call->arena, &o, NULL) == 0 &&
			   o.account_rep_id == call->user.id);
		break;
	}
	default: visible = t->org_id == call->user.org_id; break;
	}
	return visible ? 0 : api_fail(call, SB_ENOTFOUND, "no such ticket");
}

/*
 * Who may work a ticket they can see: agents and leads those of their
 * teams; contacts, account representatives and admins any they see.
 */
static int may_work(struct api_call *call, const struct store_ticket *t)
{
	if (call->user.role != ACCOUNT_ROLE_AGENT && call->user.role != ACCOUNT_ROLE_LEAD)
		return 0;
	if (t->team) {
		char *mine =
			arena_printf(call->arena, ",%s,", call->user.teams ? call->user.teams : "");
		char *want = arena_printf(call->arena, ",%s,", t->team);
		if (mine && want && strstr(mine, want))
			return 0;
	}
	return api_fail(call, SB_EPERM, "ticket %lld belongs to the %s team, which you are not in",
			(long long)t->id, t->team ? t->team : "no");
}

int api_ticket_load_for_write(struct api_call *call, int64_t id, struct store_ticket *t)
{
	int rc;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = api_ticket_load(call, id, t)) < 0)
		return rc;
	return may_work(call, t);
}

/* ---- create ------------------------------------------------------------- */

/* An array of strings from the body, or NULL; records a field error on a bad shape. */
static const char *const *string_array(struct api_call *call, const char *name, size_t max,
				       size_t *n_out)
{
	json_t *v = json_object_get(call->body, name);
	*n_out = 0;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v) || json_array_size(v) > max) {
		api_field_error(call, name, "must be an array of at most %zu strings", max);
		return NULL;
	}
	size_t n = json_array_size(v);
	const char **out = arena_alloc(call->arena, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s)) {
			api_field_error(call, arena_printf(call->arena, "%s[%zu]", name, i),
					"must be a string");
			return NULL;
		}
		out[i] = json_string_value(s);
	}
	*n_out = n;
	return out;
}

static const struct ticket_object_id *object_ids(struct api_call *call, size_t *n_out)
{
	json_t *v = json_object_get(call->body, "object_ids");
	*n_out = 0;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v) || json_array_size(v) > 50) {
		api_field_error(call, "object_ids",
				"must be an array of at most 50 {\"type\", \"id\"} objects");
		return NULL;
	}
	size_t n = json_array_size(v);
	struct ticket_object_id *out = arena_zalloc(call->arena, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		json_t *o = json_array_get(v, i);
		json_t *type = json_object_get(o, "type"), *id = json_object_get(o, "id");
		if (!json_is_object(o) || !json_is_string(type) ||
		    !(json_is_string(id) || json_is_integer(id))) {
			api_field_error(call, arena_printf(call->arena, "object_ids[%zu]", i),
					"must be {\"type\": string, \"id\": string}");
			continue;
		}
		out[i].type = json_string_value(type);
		out[i].id = json_is_string(id) ? json_string_value(id)
					       : arena_printf(call->arena, "%lld",
							      (long long)json_integer_value(id));
	}
	*n_out = n;
	return out;
}

/* A store request type as core's struct, for validation. */
static int core_type(struct api_call *call, const struct store_request_type *st,
		     struct request_type *out)
{
	memset(out, 0, sizeof(*out));
	out->key = st->key;
	out->kind = strcmp(st->kind, "account") == 0 ? REQUEST_KIND_ACCOUNT : REQUEST_KIND_ROUTED;
	out->team = st->team;
	out->name_en = st->name_en;
	out->name_es = st->name_es;
	out->required_object_type = st->required_object_type;
	if (request_rules_parse(st->rules, out->rules, &call->err) < 0)
		return api_fail(call, SB_EIO, "request type %s has bad rules", st->key);
	return 0;
}

static const char *join(struct api_call *call, const char *const *items, size_t n, char sep)
{
	char *s = arena_strdup(call->arena, "");
	for (size_t i = 0; s && i < n; i++)
		s = arena_printf(call->arena, "%s%s%s", s, i ? (char[]){sep, '\0'} : "", items[i]);
	return s;
}

/* LIST split at SEP into an array in the arena (*n items); NULL when empty. */
static const char *const *split_array(struct api_call *call, const char *list, char sep, size_t *n)
{
	*n = 0;
	if (!list || !*list)
		return NULL;
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == sep;
	const char **v = arena_alloc(call->arena, cap * sizeof(*v));
	for (const char *p = list; v && *p;) {
		size_t len = strcspn(p, (char[]){sep, '\0'});
		v[(*n)++] = arena_strndup(call->arena, p, len);
		p += len + (p[len] == sep);
	}
	return v;
}

int api_ticket_files_arrived(struct api_call *call, struct store_ticket *t)
{
	if (!t->missing_recommended || !strstr(t->missing_recommended, "attachments"))
		return 0;
	struct store_request_type st;
	struct request_type type;
	int rc;
	if ((rc = store_request_type_get(call->conn, t->request_type, call->arena, &st,
					 &call->err)) < 0 ||
	    (rc = core_type(call, &st, &type)) < 0)
		return rc;
	/* The request as filed, now with files: completeness only; whether it
	 * would still pass today's rules does not matter. */
	struct ticket_input in = {
		.request_type = t->request_type,
		.subject = t->subject,
		.description = t->description,
		.impact = t->impact,
		.priority = t->priority,
		.steps = t->steps,
		.browser = t->browser,
		.os = t->os,
		.business_justification = t->business_justification,
		.emergency_phone = t->emergency_phone,
		.attachment_count = 1,
	};
	in.urls = split_array(call, t->urls, '\n', &in.n_urls);
	in.emergency_criteria =
		split_array(call, t->emergency_criteria, ',', &in.n_emergency_criteria);
	struct ticket_object_id *objs =
		arena_alloc(call->arena, (t->n_object_ids + 1) * sizeof(*objs));
	if (!objs)
		return api_fail(call, SB_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_object_ids; i++)
		objs[i] = (struct ticket_object_id){t->object_ids[i].type, t->object_ids[i].value};
	in.object_ids = objs;
	in.n_object_ids = t->n_object_ids;

	struct ticket_field_error *errors;
	size_t nerrors;
	struct ticket_completeness done;
	if (ticket_validate(&type, &in, call->arena, &errors, &nerrors, &done) == -SB_ENOMEM)
		return api_fail(call, SB_ENOMEM, "out of memory");
	t->completeness = done.percent;
	t->missing_recommended = join(call, done.missing, done.n_missing, ',');
	t->updated_at = call->now;
	if ((rc = store_ticket_update(call->conn, t, &call->err)) < 0)
		return rc;
	t->version++;
	return 0;
}

int api_ticket_spoc_refusal(struct api_call *call, const struct store_org *org)
{
	struct store_user spoc;
	if (!org->spoc_id || store_user_get(call->conn, org->spoc_id, call->arena, &spoc, NULL) < 0)
		return api_fail(call, SB_EPERM,
				"only your organization's authorized contact (SPOC) may file "
				"tickets, and %s has none yet: ask your account representative "
				"to name one",
				org->name);
	return api_fail(call, SB_EPERM,
			"only your organization's authorized contact (SPOC), %s <%s>, may file "
			"tickets: send your request to them, or prepare a draft",
			spoc.name, spoc.email);
}

static int replay(struct api_call *call, int64_t id)
{
	struct store_ticket t;
	int rc = store_ticket_get(call->conn, id, call->arena, &t, &call->err);
	if (rc < 0)
		return rc;
	http_response_header(call->res, "Idempotent-Replayed", "true");
	http_response_header(call->res, "Location",
			     arena_printf(call->arena, "/api/v1/tickets/%lld", (long long)id));
	set_etag(call, &t);
	return api_json(call, 201, api_ticket_json(call->api, &t));
}

int api_ticket_insert(struct api_call *call, const struct store_org *org, struct store_ticket *t,
		      struct store_attachment *files, int64_t *id_out)
{
	enum sla_priority priority = SLA_PRIORITY_STANDARD;
	bool routed = strcmp(t->kind, "routed") == 0;
	int64_t id;
	int rc;
	sla_priority_parse(t->priority, &priority, NULL);
	if (routed) {
		rc = sla_due(api_calendar_acquire(call->api), priority, call->now,
			     &t->first_response_due_at, &call->err);
		api_calendar_release(call->api);
		if (rc < 0)
			return rc;
	}
	if ((rc = store_ticket_insert(call->conn, t, &id, &call->err)) < 0)
		return rc;
	struct store_history h = {.ticket_id = id,
				  .actor_id = call->user.id,
				  .at = call->now,
				  .field = "created",
				  .new_value = t->status};
	if ((rc = store_history_insert(call->conn, &h, &call->err)) < 0 ||
	    (files && (rc = api_files_insert(call, id, files, NULL)) < 0) ||
	    (rc = store_outbox_insert(call->conn, "request_received", id, t->requester_id, NULL,
				      call->now, &call->err)) < 0)
		return rc;
	if (priority == SLA_PRIORITY_EMERGENCY && org->account_rep_id &&
	    (rc = store_outbox_insert(call->conn, "emergency_filed", id, org->account_rep_id, NULL,
				      call->now, &call->err)) < 0)
		return rc;
	if (!routed && org->account_rep_id &&
	    (rc = store_outbox_insert(call->conn, "account_request", id, org->account_rep_id, NULL,
				      call->now, &call->err)) < 0)
		return rc;
	t->id = id;
	if ((rc = api_notify_filed(call, org, t)) < 0)
		return rc;
	/* Filed through the API, a draft or by mail: one place queues the webhooks. */
	struct store_ticket filed = *t;
	filed.version = 1;
	if ((rc = api_webhooks_ticket(call, NULL, &filed, NULL)) < 0)
		return rc;
	*id_out = id;
	return 0;
}

int api_tickets_create(struct api_call *call)
{
	return api_ticket_file(call, NULL);
}

int api_ticket_file(struct api_call *call, struct store_draft *draft)
{
	struct store_org org;
	int rc = store_org_get(call->conn, call->user.org_id, call->arena, &org, &call->err);
	if (rc < 0)
		return rc;
	if (org.spoc_id != call->user.id)
		return api_ticket_spoc_refusal(call, &org);

	/* A draft is filed once; its id plays the part of an idempotency key. */
	const char *key = draft ? NULL : http_header(call->req, "Idempotency-Key");
	if (key && (strlen(key) == 0 || strlen(key) > 200))
		return api_fail_status(call, 400, "bad_idempotency_key",
				       "Idempotency-Key must be 1 to 200 characters");
	int64_t existing;
	if (key &&
	    store_ticket_by_idempotency(call->conn, call->user.id, key, &existing, NULL) == 0)
		return replay(call, existing);

	struct ticket_input in = {0};
	in.request_type = api_body_string(call, "request_type");
	in.subject = api_body_string(call, "subject");
	in.description = api_body_string(call, "description");
	in.impact = api_body_string(call, "impact");
	in.priority = api_body_string(call, "priority");
	in.steps = api_body_string(call, "steps");
	in.browser = api_body_string(call, "browser");
	in.os = api_body_string(call, "os");
	in.business_justification = api_body_string(call, "business_justification");
	in.emergency_phone = api_body_string(call, "emergency_phone");
	in.urls = string_array(call, "urls", 20, &in.n_urls);
	in.emergency_criteria =
		string_array(call, "emergency_criteria", 2, &in.n_emergency_criteria);
	in.object_ids = object_ids(call, &in.n_object_ids);
	in.attachment_count = call->nfiles;

	struct store_request_type st;
	struct request_type type, *typep = NULL;
	if (in.request_type &&
	    store_request_type_get(call->conn, in.request_type, call->arena, &st, NULL) == 0) {
		if ((rc = core_type(call, &st, &type)) < 0)
			return rc;
		typep = &type;
	}
	struct ticket_field_error *errors;
	size_t nerrors;
	struct ticket_completeness done;
	rc = ticket_validate(typep, &in, call->arena, &errors, &nerrors, &done);
	if (rc == -SB_ENOMEM)
		return api_fail(call, SB_ENOMEM, "out of memory");
	for (size_t i = 0; i < nerrors; i++)
		api_field_error(call, errors[i].field, "%s", errors[i].message);
	if (call->nfields)
		return api_fail(call, SB_EINVAL, "the request is missing or has invalid fields");

	enum sla_priority priority = SLA_PRIORITY_STANDARD;
	if (in.priority)
		sla_priority_parse(in.priority, &priority, NULL);
	bool routed = type.kind == REQUEST_KIND_ROUTED;
	struct store_object_id *objs =
		arena_alloc(call->arena, (in.n_object_ids + 1) * sizeof(*objs));
	for (size_t i = 0; objs && i < in.n_object_ids; i++)
		objs[i] = (struct store_object_id){in.object_ids[i].type, in.object_ids[i].id};

	struct store_ticket t = {
		.org_id = org.id,
		.requester_id = call->user.id,
		.request_type = type.key,
		.kind = routed ? "routed" : "account",
		.team = routed ? type.team : NULL,
		.assignee_id = routed ? 0 : org.account_rep_id,
		.status = ticket_status_name(TICKET_STATUS_NEW),
		.priority = sla_priority_name(priority),
		.subject = in.subject,
		.description = in.description,
		.impact = in.impact,
		.steps = in.steps,
		.urls = join(call, in.urls, in.n_urls, '\n'),
		.browser = in.browser,
		.os = in.os,
		.business_justification = in.business_justification,
		.emergency_criteria =
			join(call, in.emergency_criteria, in.n_emergency_criteria, ','),
		.emergency_phone = in.emergency_phone,
		.member_id = org.member_id,
		.completeness = done.percent,
		.missing_recommended = join(call, done.missing, done.n_missing, ','),
		.created_at = call->now,
		.updated_at = call->now,
		.idempotency_key = key,
		.object_ids = objs,
		.n_object_ids = in.n_object_ids,
	};
	/* Files sent with the request: their bytes are made durable before the
	 * transaction, their rows go in with the ticket. */
	struct store_attachment *files = NULL;
	if (call->nfiles && (rc = api_files_put(call, &files)) < 0)
		return rc;

	int64_t id;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	rc = api_ticket_insert(call, &org, &t, files, &id);
	if (rc == -SB_ECONFLICT && key) {
		/* The same key raced us; the first create won: answer with its ticket,
		 * once its group of writes is committed and readable. */
		store_write_rollback(call->conn);
		store_write_settle(call->conn);
		if (store_ticket_by_idempotency(call->conn, call->user.id, key, &existing, NULL) ==
		    0)
			return replay(call, existing);
		return rc;
	}
	if (rc < 0)
		return rc;
	if (draft) {
		/* Whoever prepared the draft follows the ticket. */
		struct store_history from = {
			.ticket_id = id,
			.actor_id = call->user.id,
			.at = call->now,
			.field = "draft",
			.new_value = arena_printf(call->arena, "%lld", (long long)draft->id)};
		draft->state = "filed";
		draft->ticket_id = id;
		draft->updated_at = call->now;
		if ((rc = store_follower_add(call->conn, id, draft->author_id, &call->err)) < 0 ||
		    (rc = store_draft_update(call->conn, draft, &call->err)) < 0 ||
		    (rc = store_history_insert(call->conn, &from, &call->err)) < 0)
			return rc;
	}
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;

	/* Answer with the ticket as stored (object ids deduplicated and ordered). */
	if ((rc = store_ticket_get(call->conn, id, call->arena, &t, &call->err)) < 0)
		return rc;
	api_event_queue(call, &t, API_EVENT_CREATED, false);
	http_response_header(call->res, "Location",
			     arena_printf(call->arena, "/api/v1/tickets/%lld", (long long)id));
	set_etag(call, &t);
	return api_json(call, 201, api_ticket_json(call->api, &t));
}

/* ---- read --------------------------------------------------------------- */

int api_tickets_get(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0)
		return rc;
	set_etag(call, &t);
	return api_json(call, 200, api_ticket_json(call->api, &t));
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s || strlen(s) > 19)
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

/* Cursors: "d<due>.<id>" when sorted by due, "i<id>" otherwise. */
static bool parse_cursor(const char *s, struct store_ticket_filter *f)
{
	char buf[64];
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if (f->sort_by_due && buf[0] == 'd') {
		char *dot = strchr(buf, '.');
		if (!dot)
			return false;
		*dot = '\0';
		return parse_int(buf + 1, &f->after_due) && parse_int(dot + 1, &f->after_id);
	}
	return !f->sort_by_due && buf[0] == 'i' && parse_int(buf + 1, &f->after_id);
}

int api_tickets_list(struct api_call *call)
{
	struct store_ticket_filter f = {.limit = 25, .now = call->now};
	const char *v;
	int64_t n;
	/* Staff see whole queues at once; a customer's list pages by 100. */
	int max = api_is_staff(call) ? STORE_TICKETS_MAX : 100;

	if ((v = http_query(call->req, "limit"))) {
		if (!parse_int(v, &n) || n < 1 || n > max)
			api_field_error(call, "limit", "an integer from 1 to %d", max);
		else
			f.limit = (int)n;
	}
	if ((v = http_query(call->req, "sort"))) {
		if (strcmp(v, "due") == 0)
			f.sort_by_due = true;
		else if (strcmp(v, "created") != 0)
			api_field_error(call, "sort", "expected due or created");
	}
	if ((v = http_query(call->req, "cursor"))) {
		f.has_after = true;
		if (!parse_cursor(v, &f))
			api_field_error(call, "cursor", "not a cursor from this listing");
	}
	if ((v = http_query(call->req, "team")) && strcmp(v, "mine") == 0)
		f.teams_csv = call->user.teams ? call->user.teams : ""; /* none: no tickets */
	else if ((f.team = v) && !team_find(f.team))
		api_field_error(call, "team",
				"unknown team (expected anti-malvertising, app-support, "
				"ad-quality, client-services, inventory-quality or mine)");
	struct store_request_type rt;
	if ((f.request_type = http_query(call->req, "request_type")) &&
	    store_request_type_get(call->conn, f.request_type, call->arena, &rt, NULL) < 0)
		api_field_error(call, "request_type", "unknown request type");
	if ((v = http_query(call->req, "status"))) {
		enum ticket_status s;
		if (strcmp(v, "active") == 0)
			f.active = true; /* one queue of open work, not one request per status */
		else if (ticket_status_parse(v, &s, &call->err) < 0)
			api_field_error(call, "status", "%s or active", call->err.message);
		else
			f.status = v;
	}
	if ((v = http_query(call->req, "priority"))) {
		enum sla_priority p;
		if (sla_priority_parse(v, &p, &call->err) < 0)
			api_field_error(call, "priority", "%s", call->err.message);
		f.priority = v;
	}
	if ((v = http_query(call->req, "org_id")) && (!parse_int(v, &f.org_id) || f.org_id <= 0))
		api_field_error(call, "org_id", "an organization id");
	if ((v = http_query(call->req, "assignee_id"))) {
		if (strcmp(v, "me") == 0)
			f.assignee_id = call->user.id;
		else if (strcmp(v, "none") == 0)
			f.unassigned = true;
		else if (!parse_int(v, &f.assignee_id) || f.assignee_id <= 0)
			api_field_error(call, "assignee_id", "a user id, me or none");
	}
	f.object_type = http_query(call->req, "object_type");
	f.object_value = http_query(call->req, "object_id");
	if (!f.object_type != !f.object_value)
		api_field_error(call, f.object_type ? "object_id" : "object_type",
				"object_type and object_id go together");
	if ((v = http_query(call->req, "sla"))) {
		if (strcmp(v, "breached") != 0 && strcmp(v, "pending") != 0 &&
		    strcmp(v, "met") != 0)
			api_field_error(call, "sla", "expected breached, pending or met");
		f.sla = v;
	}
	if (call->nfields)
		return -SB_EINVAL;

	/* What the caller may see narrows the filter; it never widens it. */
	switch (call->user.role) {
	case ACCOUNT_ROLE_CONTACT:
		if (f.org_id && f.org_id != call->user.org_id)
			f.org_id = -1; /* another organization: nothing */
		else
			f.org_id = call->user.org_id;
		break;
	case ACCOUNT_ROLE_AGENT:
	case ACCOUNT_ROLE_LEAD: f.kind = "routed"; break;
	case ACCOUNT_ROLE_ACCOUNT_REP: f.assignee_or_rep = call->user.id; break;
	default: break;
	}

	struct store_ticket *tickets;
	size_t count;
	bool more;
	int rc = store_tickets_list(call->conn, &f, call->arena, &tickets, &count, &more,
				    &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(items, api_ticket_json(call->api, &tickets[i]));
	json_t *next = json_null();
	if (more && count) {
		const struct store_ticket *last = &tickets[count - 1];
		next = f.sort_by_due ? json_string(arena_printf(
					       call->arena, "d%lld.%lld",
					       (long long)(last->first_response_due_at
								   ? last->first_response_due_at
								   : INT64_MAX),
					       (long long)last->id))
				     : json_string(arena_printf(call->arena, "i%lld",
								(long long)last->id));
	}
	return api_json(call, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

/* ---- update ------------------------------------------------------------- */

static int history(struct api_call *call, int64_t ticket, const char *field, const char *from,
		   const char *to, const char *note)
{
	struct store_history h = {.ticket_id = ticket,
				  .actor_id = call->user.id,
				  .at = call->now,
				  .field = field,
				  .old_value = from,
				  .new_value = to,
				  .note = note};
	return store_history_insert(call->conn, &h, &call->err);
}

static const char *id_text(struct api_call *call, int64_t id)
{
	return id ? arena_printf(call->arena, "%lld", (long long)id) : NULL;
}

static bool differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

int api_ticket_save(struct api_call *call, const struct store_ticket *old, struct store_ticket *t,
		    const char *note)
{
	int rc;
	t->updated_at = call->now;
	if ((rc = store_ticket_update(call->conn, t, &call->err)) < 0)
		return rc;
	if (differ(old->status, t->status) &&
	    (rc = history(call, t->id, "status", old->status, t->status, NULL)) < 0)
		return rc;
	if (differ(old->priority, t->priority) &&
	    (rc = history(call, t->id, "priority", old->priority, t->priority, note)) < 0)
		return rc;
	if (old->assignee_id != t->assignee_id &&
	    (rc = history(call, t->id, "assignee_id", id_text(call, old->assignee_id),
			  id_text(call, t->assignee_id), NULL)) < 0)
		return rc;
	if (old->first_response_due_at != t->first_response_due_at) {
		char a[RFC3339_BUFSIZE] = "", b[RFC3339_BUFSIZE] = "";
		if (old->first_response_due_at)
			rfc3339_format(old->first_response_due_at, a);
		if (t->first_response_due_at)
			rfc3339_format(t->first_response_due_at, b);
		if ((rc = history(call, t->id, "first_response_due_at", a, b, NULL)) < 0)
			return rc;
	}
	t->version++;
	if ((rc = api_notify_changed(call, old, t, false)) < 0)
		return rc;
	/* Every update of a ticket passes here: the one place its webhooks are queued. */
	return api_webhooks_ticket(call, old, t, note);
}

/* Applies a status change; records the resolution and queues its notice. */
static int change_status(struct api_call *call, struct store_ticket *t, const char *to_s)
{
	enum ticket_status from, to;
	enum lifecycle_actor actor =
		api_is_staff(call) ? LIFECYCLE_ACTOR_AGENT : LIFECYCLE_ACTOR_CUSTOMER;
	if (ticket_status_parse(t->status, &from, &call->err) < 0)
		return -SB_EIO;
	if (ticket_status_parse(to_s, &to, &call->err) < 0) {
		api_field_error(call, "status", "%s", call->err.message);
		return -SB_EINVAL;
	}
	int rc = lifecycle_check(from, to, actor, call->now, t->resolved_at, &call->err);
	if (rc < 0)
		return rc;
	t->status = ticket_status_name(to);
	if (to == TICKET_STATUS_RESOLVED)
		t->resolved_at = call->now;
	else if (to == TICKET_STATUS_CLOSED)
		t->closed_at = call->now;
	else
		t->resolved_at = 0; /* reopened */
	if (to == TICKET_STATUS_RESOLVED)
		return store_outbox_insert(call->conn, "ticket_resolved", t->id, t->requester_id,
					   NULL, call->now, &call->err);
	return 0;
}

static int change_priority(struct api_call *call, struct store_ticket *t, const char *to_s,
			   const char *reason)
{
	enum sla_priority from, to;
	if (strcmp(t->kind, "routed") != 0) {
		api_field_error(call, "priority", "account requests carry no support priority");
		return -SB_EINVAL;
	}
	if (sla_priority_parse(to_s, &to, &call->err) < 0) {
		api_field_error(call, "priority", "%s", call->err.message);
		return -SB_EINVAL;
	}
	sla_priority_parse(t->priority, &from, NULL);
	int64_t due;
	int rc = ticket_priority_change(api_calendar_acquire(call->api), from, to, call->now,
					t->first_response_due_at, t->first_response_at != 0, reason,
					&due, &call->err);
	api_calendar_release(call->api);
	if (rc == -SB_EINVAL) {
		api_field_error(call, "priority_reason", "%s", call->err.message);
		return rc;
	}
	if (rc < 0)
		return rc;
	t->priority = sla_priority_name(to);
	t->first_response_due_at = due;
	return store_outbox_insert(call->conn, "priority_changed", t->id, t->requester_id, reason,
				   call->now, &call->err);
}

/* The assignee must be staff who may work the ticket. */
static void check_assignee(struct api_call *call, const struct store_ticket *t, int64_t id)
{
	struct store_user u;
	char *teams = NULL;
	if (store_user_get(call->conn, id, call->arena, &u, NULL) < 0) {
		api_field_error(call, "assignee_id", "no user %lld", (long long)id);
		return;
	}
	enum account_role role;
	if (account_role_parse(u.role, &role, NULL) < 0 || !account_role_is_staff(role)) {
		api_field_error(call, "assignee_id", "only staff are assigned tickets");
		return;
	}
	if (t->team && (role == ACCOUNT_ROLE_AGENT || role == ACCOUNT_ROLE_LEAD)) {
		store_user_teams(call->conn, id, call->arena, &teams, NULL);
		char *padded = arena_printf(call->arena, ",%s,", teams ? teams : "");
		char *want = arena_printf(call->arena, ",%s,", t->team);
		if (!strstr(padded, want))
			api_field_error(call, "assignee_id", "user %lld is not in team %s",
					(long long)id, t->team);
	}
}

/* If-Match: "N" (or W/"N", or *) must name the current version. */
static int check_if_match(struct api_call *call, const struct store_ticket *t)
{
	const char *m = http_header(call->req, "If-Match");
	if (!m || strcmp(m, "*") == 0)
		return 0;
	if (strncmp(m, "W/", 2) == 0)
		m += 2;
	char want[32];
	snprintf(want, sizeof(want), "\"%lld\"", (long long)t->version);
	if (strcmp(m, want) != 0)
		return api_fail_status(call, 412, "precondition_failed",
				       "the ticket changed since you read it: reload and retry");
	return 0;
}

int api_tickets_update(struct api_call *call)
{
	int64_t id;
	struct store_ticket old, t;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = api_ticket_load_for_write(call, id, &old)) < 0 ||
	    (rc = check_if_match(call, &old)) < 0)
		return rc;
	t = old;

	const char *status = api_body_string(call, "status");
	const char *priority = api_body_string(call, "priority");
	const char *reason = api_body_string(call, "priority_reason");
	int64_t assignee = 0;
	bool assign = api_body_int(call, "assignee_id", &assignee);
	bool unassign = !assign && api_body_has(call, "assignee_id");
	if (!api_is_staff(call) && (priority || assign || unassign))
		return api_fail(call, SB_EPERM, "customers may only reopen a resolved ticket");
	if (!status && !priority && !assign && !unassign && !call->nfields)
		api_field_error(call, "status",
				"nothing to change: send status, priority or "
				"assignee_id");
	if (assign)
		check_assignee(call, &t, assignee);
	if (call->nfields)
		return -SB_EINVAL;

	if (status && (rc = change_status(call, &t, status)) < 0)
		return rc;
	if (priority && (rc = change_priority(call, &t, priority, reason)) < 0)
		return rc;
	if (assign || unassign)
		t.assignee_id = assign ? assignee : 0;
	if ((rc = api_ticket_save(call, &old, &t, reason)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	api_event_queue(call, &t, API_EVENT_UPDATED, false);
	set_etag(call, &t);
	return api_json(call, 200, api_ticket_json(call->api, &t));
}
