/*
 * Webhooks, the admin's side (docs/webhooks.md): register a URL for event
 * types, list, change, delete, rotate the secret, read the delivery log,
 * retry a failed delivery and send a test event. Admins only (routes.c).
 *
 * The secret is generated here (libsodium's random bytes) and shown once:
 * in the answer to the create or the rotation, never again. After a
 * rotation the old secret keeps signing, beside the new one, for
 * ROTATE_OVERLAP_S, so that receivers can switch without losing messages
 * (Standard Webhooks allows several signatures in one header).
 *
 * Deliveries themselves are queued by webhook_events.c and sent by the job
 * runner (src/jobs/webhooks.c).
 */
#include <string.h>

#include "api/internal.h"
#include "core/ticket.h"
#include "util/utf8.h"
#include "util/webhook.h"

#define DESCRIPTION_MAX  500 /* characters */
#define ROTATE_OVERLAP_S (24 * 3600)
#define DELIVERIES_PAGE  50
#define DELIVERIES_MAX   200

static json_t *events_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static json_t *webhook_json(const struct store_webhook *w, int64_t now)
{
	json_t *j = json_pack("{s:I, s:s, s:o, s:b, s:s, s:o, s:o, s:o}", "id", (json_int_t)w->id,
			      "url", w->url, "events", events_json(w->events), "active", w->active,
			      "description", w->description ? w->description : "", "created_by",
			      api_id(w->created_by), "created_at", api_time(w->created_at),
			      "updated_at", api_time(w->updated_at));
	/* When the secret before the last rotation stops signing; null when it has. */
	json_object_set_new(j, "previous_secret_expires_at",
			    w->previous_secret && w->previous_expires_at > now
				    ? api_time(w->previous_expires_at)
				    : json_null());
	return j;
}

static json_t *delivery_json(const struct store_webhook_delivery *d, bool with_payload)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)d->id,
			      "webhook_id", (json_int_t)d->webhook_id, "event", d->event, "msg_id",
			      d->msg_id, "state", d->state, "attempts", (json_int_t)d->attempts,
			      "ticket_id", api_id(d->ticket_id));
	json_object_set_new(j, "created_at", api_time(d->created_at));
	json_object_set_new(j, "last_attempt_at", api_time(d->last_attempt_at));
	json_object_set_new(j, "next_attempt_at",
			    strcmp(d->state, "pending") == 0 ? api_time(d->next_attempt_at)
							     : json_null());
	json_object_set_new(j, "delivered_at", api_time(d->delivered_at));
	json_object_set_new(j, "last_status",
			    d->last_status ? json_integer(d->last_status) : json_null());
	json_object_set_new(j, "last_error", api_str(d->last_error));
	json_object_set_new(j, "response_excerpt", api_str(d->response_excerpt));
	if (with_payload) {
		/* The exact bytes sent, and as JSON for reading. */
		json_t *p = json_loads(d->payload, 0, NULL);
		json_object_set_new(j, "payload", p ? p : json_string(d->payload));
	}
	return j;
}

/* ---- reading the body ------------------------------------------------------ */

/* A URL Switchboard may POST to: absolute http(s), no credentials, no fragment. */
static void check_url(struct api_call *call, const char *url)
{
	if (!ticket_url_valid(url)) {
		api_field_error(call, "url",
				"an absolute http:// or https:// URL of at most %d bytes, without "
				"spaces",
				TICKET_URL_MAX);
		return;
	}
	const char *auth = strstr(url, "://") + 3;
	size_t n = strcspn(auth, "/?#");
	if (memchr(auth, '@', n))
		api_field_error(call, "url",
				"no user or password in the URL: receivers check the signature");
	else if (strchr(url, '#'))
		api_field_error(call, "url", "no #fragment: it is never sent");
}

/*
 * The "events" member as a comma-separated list in the arena, in the order
 * of api_webhook_events, duplicates dropped; NULL when absent, or when the
 * call has field errors (a bad member records its own).
 */
static const char *read_events(struct api_call *call)
{
	json_t *v = json_object_get(call->body, "events");
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > api_webhook_events_count * 2) {
		api_field_error(call, "events", "a non-empty array of event types");
		return NULL;
	}
	char *list = arena_strdup(call->arena, "");
	for (size_t i = 0; list && i < api_webhook_events_count; i++) {
		bool want = false;
		for (size_t k = 0; k < json_array_size(v); k++) {
			json_t *e = json_array_get(v, k);
			want = want || (json_is_string(e) &&
					strcmp(json_string_value(e), api_webhook_events[i]) == 0);
		}
		if (want)
			list = arena_printf(call->arena, "%s%s%s", list, *list ? "," : "",
					    api_webhook_events[i]);
	}
	for (size_t k = 0; k < json_array_size(v); k++) {
		json_t *e = json_array_get(v, k);
		if (!json_is_string(e) || !api_webhook_event_known(json_string_value(e))) {
			const char *known = "";
			for (size_t i = 0; known && i < api_webhook_events_count; i++)
				known = arena_printf(call->arena, "%s%s%s", known, i ? ", " : "",
						     api_webhook_events[i]);
			api_field_error(call, arena_printf(call->arena, "events[%zu]", k),
					"unknown event type (expected one of %s)",
					known ? known : "the event_types of GET /webhooks");
		}
	}
	if (!list)
		api_field_error(call, "events", "out of memory");
	return call->nfields ? NULL : list;
}

static void check_description(struct api_call *call, const char *d)
{
	if (d && utf8_chars(d, strlen(d)) > DESCRIPTION_MAX)
		api_field_error(call, "description", "at most %d characters", DESCRIPTION_MAX);
}

/* ---- the webhooks ----------------------------------------------------------- */

int api_webhooks_create(struct api_call *call)
{
	const char *url = api_body_string(call, "url");
	const char *description = api_body_string(call, "description");
	const char *events = read_events(call);
	int active = api_body_bool(call, "active");
	if (!url)
		api_field_error(call, "url", "required: where to POST the events");
	else
		check_url(call, url);
	if (!events && !api_body_has(call, "events"))
		api_field_error(call, "events", "required: the event types to send");
	check_description(call, description);
	if (call->nfields)
		return -SB_EINVAL;

	char secret[WEBHOOK_SECRET_SIZE];
	webhook_secret_new(secret);
	struct store_webhook w = {.url = url,
				  .events = events,
				  .secret = secret,
				  .active = active != 0,
				  .description = description ? description : "",
				  .created_by = call->user.id,
				  .created_at = call->now,
				  .updated_at = call->now};
	int64_t count = 0;
	int rc;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhooks_count(call->conn, &count, &call->err)) < 0)
		return rc;
	if (count >= STORE_WEBHOOKS_MAX)
		return api_fail(call, SB_ECONFLICT,
				"there are %d webhooks already, the most there may be: delete one "
				"first",
				STORE_WEBHOOKS_MAX);
	if ((rc = store_webhook_insert(call->conn, &w, &w.id, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	json_t *j = webhook_json(&w, call->now);
	/* The only time the secret is shown, with the rotation's. */
	json_object_set_new(j, "secret", json_string(secret));
	http_response_header(call->res, "Location",
			     arena_printf(call->arena, "/api/v1/webhooks/%lld", (long long)w.id));
	return api_json(call, 201, j);
}

int api_webhooks_list(struct api_call *call)
{
	struct store_webhook *list;
	size_t n;
	int rc = store_webhooks_list(call->conn, call->arena, &list, &n, &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array(), *types = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, webhook_json(&list[i], call->now));
	for (size_t i = 0; i < api_webhook_events_count; i++)
		json_array_append_new(types, json_string(api_webhook_events[i]));
	return api_json(call, 200, json_pack("{s:o, s:o}", "items", items, "event_types", types));
}

/* The webhook of the path, in the call's arena. */
static int load(struct api_call *call, struct store_webhook *w)
{
	int64_t id;
	int rc = api_param_id(call, &id);
	return rc < 0 ? rc : store_webhook_get(call->conn, id, call->arena, w, &call->err);
}

int api_webhooks_get(struct api_call *call)
{
	struct store_webhook w;
	int rc = load(call, &w);
	return rc < 0 ? rc : api_json(call, 200, webhook_json(&w, call->now));
}

int api_webhooks_update(struct api_call *call)
{
	struct store_webhook w;
	int rc;
	if ((rc = api_param_id(call, &w.id)) < 0)
		return rc;
	const char *url = api_body_string(call, "url");
	const char *description = api_body_string(call, "description");
	const char *events = read_events(call);
	int active = api_body_bool(call, "active");
	if (url)
		check_url(call, url);
	else if (api_body_has(call, "url"))
		api_field_error(call, "url", "cannot be removed");
	if (!events && api_body_has(call, "events") && !call->nfields)
		api_field_error(call, "events", "cannot be removed");
	check_description(call, description);
	if (!url && !events && active < 0 && !description && !call->nfields)
		api_field_error(call, "url",
				"nothing to change: send url, events, active or description");
	if (call->nfields)
		return -SB_EINVAL;
	/* Read inside the write: two admins' changes both land, field by field. */
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhook_get(call->conn, w.id, call->arena, &w, &call->err)) < 0)
		return rc;
	if (url)
		w.url = url;
	if (events)
		w.events = events;
	if (active >= 0)
		w.active = active;
	if (description)
		w.description = description;
	w.updated_at = call->now;
	if ((rc = store_webhook_update(call->conn, &w, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200, webhook_json(&w, call->now));
}

int api_webhooks_delete(struct api_call *call)
{
	int64_t id;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhook_delete(call->conn, id, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_raw(call, 204, NULL, NULL, 0);
}

int api_webhooks_rotate(struct api_call *call)
{
	struct store_webhook w;
	char secret[WEBHOOK_SECRET_SIZE];
	int rc;
	if ((rc = api_param_id(call, &w.id)) < 0)
		return rc;
	webhook_secret_new(secret);
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhook_rotate(call->conn, w.id, secret, call->now + ROTATE_OVERLAP_S,
				       call->now, &call->err)) < 0 ||
	    (rc = store_webhook_get(call->conn, w.id, call->arena, &w, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	json_t *j = webhook_json(&w, call->now);
	json_object_set_new(j, "secret", json_string(secret));
	return api_json(call, 200, j);
}

int api_webhooks_test(struct api_call *call)
{
	struct store_webhook w;
	char msg_id[WEBHOOK_MSG_ID_SIZE];
	int64_t id;
	int rc;
	if ((rc = load(call, &w)) < 0)
		return rc;
	if (!w.active)
		return api_fail(call, SB_ECONFLICT,
				"the webhook is disabled: enable it to send a test event");
	char *payload = api_webhook_payload(
		call, "webhook.test",
		json_pack("{s:I, s:s}", "webhook_id", (json_int_t)w.id, "message",
			  "A test event from Switchboard: your endpoint is reachable and can "
			  "verify our signature."));
	if (!payload)
		return api_fail(call, SB_ENOMEM, "out of memory");
	webhook_msg_id_new(msg_id);
	struct store_webhook_delivery d;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhook_delivery_insert(call->conn, w.id, "webhook.test", msg_id, payload,
						call->now, &id, &call->err)) < 0 ||
	    (rc = store_webhook_delivery_get(call->conn, id, call->arena, &d, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	/* Accepted: the job runner sends it within a second or so; the log tells. */
	return api_json(call, 202, delivery_json(&d, true));
}

/* ---- the delivery log ------------------------------------------------------- */

/* GET /webhooks/{id}/deliveries?limit=N&before=ID: newest first. */
int api_webhooks_deliveries(struct api_call *call)
{
	struct store_webhook w;
	int64_t limit = DELIVERIES_PAGE, before = 0;
	const char *v;
	int rc;
	if ((rc = load(call, &w)) < 0)
		return rc;
	if ((v = http_query(call->req, "limit")) &&
	    (!api_parse_int(v, &limit) || limit < 1 || limit > DELIVERIES_MAX))
		api_field_error(call, "limit", "an integer from 1 to %d", DELIVERIES_MAX);
	if ((v = http_query(call->req, "before")) && (!api_parse_int(v, &before) || before < 1))
		api_field_error(call, "before", "a delivery id, as next_before gave it");
	if (call->nfields)
		return -SB_EINVAL;
	struct store_webhook_delivery *list;
	size_t n;
	/* One more than asked: whether there is a next page. */
	if ((rc = store_webhook_deliveries_list(call->conn, w.id, before, (int)limit + 1,
						call->arena, &list, &n, &call->err)) < 0)
		return rc;
	bool more = n > (size_t)limit;
	if (more)
		n = (size_t)limit;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, delivery_json(&list[i], false));
	return api_json(call, 200,
			json_pack("{s:o, s:o}", "items", items, "next_before",
				  more ? json_integer(list[n - 1].id) : json_null()));
}

int api_webhook_deliveries_get(struct api_call *call)
{
	int64_t id;
	struct store_webhook_delivery d;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_webhook_delivery_get(call->conn, id, call->arena, &d, &call->err)) < 0)
		return rc;
	return api_json(call, 200, delivery_json(&d, true));
}

/* POST /webhook-deliveries/{id}/retry: a failed delivery goes out again, same webhook-id. */
int api_webhook_deliveries_retry(struct api_call *call)
{
	int64_t id;
	struct store_webhook_delivery d;
	bool applied = false;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_webhook_delivery_retry(call->conn, id, call->now, &applied, &call->err)) <
		    0 ||
	    (rc = store_webhook_delivery_get(call->conn, id, call->arena, &d, &call->err)) < 0)
		return rc;
	if (!applied)
		return api_fail(call, SB_ECONFLICT,
				"delivery %lld is %s: only a failed delivery is retried by hand",
				(long long)id, d.state);
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 202, delivery_json(&d, false));
}
