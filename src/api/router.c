/*
 * The dispatcher. Every request passes the same gates, in this order,
 * before a handler runs:
 *   1. route: the path matches a route (404), with this method (405);
 *   2. authentication: a bearer token, else a session cookie (401);
 *   3. CSRF: a write authenticated by cookie carries the session's token in
 *      X-CSRF-Token (403), since a browser sends cookies cross-site;
 *   4. permission: the caller's role is in the route's roles (403);
 *   5. body: JSON routes take application/json (415) holding an object (400).
 * Then the handler, and one mapping from error codes to statuses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/internal.h"
#include "api/mailin.h"
#include "util/rfc3339.h"
#include "util/secret.h"
#include "util/utf8.h"

#define SESSION_COOKIE   "sb_session"
#define DEFAULT_MAX_BODY (64 * 1024)

int api_new(struct store *store, struct calendar *calendar, struct api **out, struct sb_error *err)
{
	struct api *api = calloc(1, sizeof(*api));
	if (!api)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	api->store = store;
	api->calendar = calendar;
	if (pthread_rwlock_init(&api->calendar_lock, NULL) != 0) {
		free(api);
		return sb_error_set(err, SB_ENOMEM, "cannot create a lock");
	}
	if (pthread_mutex_init(&api->settings_lock, NULL) != 0) {
		pthread_rwlock_destroy(&api->calendar_lock);
		free(api);
		return sb_error_set(err, SB_ENOMEM, "cannot create a lock");
	}
	int rc = api_settings_load(api, err);
	if (rc < 0 || (rc = api_events_new(&api->events, err)) < 0) {
		api_free(api);
		return rc;
	}
	*out = api;
	return 0;
}

void api_free(struct api *api)
{
	if (!api)
		return;
	api_mail_watch_stop(api); /* they publish to the events hub */
	api_peers_stop(api);
	api_events_free(api->events);
	calendar_free(api->own); /* serve's calendar is serve's to free */
	free(api->calendar_key);
	pthread_mutex_destroy(&api->settings_lock);
	pthread_rwlock_destroy(&api->calendar_lock);
	free(api);
}

struct calendar *api_calendar_acquire(struct api *api)
{
	pthread_rwlock_rdlock(&api->calendar_lock);
	return api->calendar;
}

void api_calendar_release(struct api *api)
{
	pthread_rwlock_unlock(&api->calendar_lock);
}

void api_calendar_replace(struct api *api, struct calendar *cal)
{
	pthread_rwlock_wrlock(&api->calendar_lock);
	struct calendar *retired = api->own;
	api->calendar = cal;
	api->own = cal;
	pthread_rwlock_unlock(&api->calendar_lock);
	/* No reader holds the lock, so none holds RETIRED either. */
	calendar_free(retired);
}

/* ---- matching ----------------------------------------------------------- */

/*
 * Whether PATH matches PATTERN; a "{name}" segment matches one non-empty
 * segment, returned in *param (in A) when A is not NULL.
 */
static bool match(const char *pattern, const char *path, struct arena *a, const char **param)
{
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			size_t n = strcspn(path, "/");
			if (!close || n == 0)
				return false;
			if (a)
				*param = arena_strndup(a, path, n);
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

static const struct api_route *find_route(const char *method, const char *path, struct arena *a,
					  const char **param, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < api_routes_count; i++) {
		const char *p = NULL;
		if (!match(api_routes[i].pattern, path, a, &p))
			continue;
		*path_known = true;
		if (strcmp(api_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(api_routes[i].method, "GET") == 0)) {
			*param = p;
			return &api_routes[i];
		}
	}
	return NULL;
}

/* The methods PATH answers, for the Allow header of a 405. */
static const char *allowed_methods(const char *path, struct arena *a)
{
	char *list = arena_strdup(a, "");
	for (size_t i = 0; list && i < api_routes_count; i++) {
		const char *p = NULL;
		if (match(api_routes[i].pattern, path, NULL, &p))
			list = arena_printf(a, "%s%s%s", list, *list ? ", " : "",
					    api_routes[i].method);
	}
	return list ? list : "";
}

size_t api_body_limit(const char *method, const char *path, void *ctx)
{
	(void)ctx;
	/* Called before the request has an arena: match without keeping the parameter. */
	const char *param = NULL;
	bool known;
	const struct api_route *r = find_route(method, path, NULL, &param, &known);
	return r && r->max_body ? r->max_body : DEFAULT_MAX_BODY;
}

/* ---- responses ---------------------------------------------------------- */

int api_raw(struct api_call *call, int status, const char *content_type, const char *body,
	    size_t len)
{
	call->res->status = status;
	call->res->content_type = content_type;
	call->res->body = body;
	call->res->body_len = len;
	return 0;
}

int api_json(struct api_call *call, int status, json_t *json)
{
	char *text = json ? json_dumps(json, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(json);
	if (!text)
		return api_fail(call, SB_ENOMEM, "out of memory");
	size_t len = strlen(text);
	char *copy = arena_strndup(call->arena, text, len);
	free(text);
	if (!copy)
		return api_fail(call, SB_ENOMEM, "out of memory");
	return api_raw(call, status, "application/json", copy, len);
}

int api_fail(struct api_call *call, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	call->err.code = code;
	vsnprintf(call->err.message, sizeof(call->err.message), fmt, ap);
	va_end(ap);
	return -code;
}

int api_fail_status(struct api_call *call, int status, const char *code, const char *message)
{
	call->status = status;
	call->code = code;
	return api_fail(call, SB_EINVAL, "%s", message);
}

/* Whether field NAME is PARENT or inside it ("object_ids[0].id" in "object_ids[0]"). */
static bool within(const char *name, const char *parent)
{
	size_t n = strlen(parent);
	return strncmp(name, parent, n) == 0 &&
	       (name[n] == '\0' || name[n] == '.' || name[n] == '[');
}

void api_field_error(struct api_call *call, const char *name, const char *fmt, ...)
{
	/*
	 * The first problem found with a field is the one to fix: a wrong type
	 * must not be reported again as "required" by the rules that run after.
	 */
	for (size_t i = 0; i < call->nfields; i++)
		if (within(name, call->fields[i].name))
			return;
	if (call->nfields == call->capfields) {
		size_t cap = call->capfields ? call->capfields * 2 : 8;
		struct api_field_error *more = arena_alloc(call->arena, cap * sizeof(*more));
		if (!more)
			return;
		if (call->nfields)
			memcpy(more, call->fields, call->nfields * sizeof(*more));
		call->fields = more;
		call->capfields = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	call->fields[call->nfields].name = arena_strdup(call->arena, name);
	call->fields[call->nfields].message = arena_vprintf(call->arena, fmt, ap);
	va_end(ap);
	call->nfields++;
}

static void send_error(struct api_call *call, int status, const char *code, const char *message)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (call->nfields) {
		json_t *fields = json_array();
		for (size_t i = 0; i < call->nfields; i++)
			json_array_append_new(fields,
					      json_pack("{s:s, s:s}", "name", call->fields[i].name,
							"message", call->fields[i].message));
		json_object_set_new(e, "fields", fields);
	}
	api_json(call, status, json_pack("{s:o}", "error", e));
}

/* The one mapping from error codes to HTTP statuses and error codes. */
static void send_failure(struct api_call *call, int rc)
{
	if (call->status) {
		send_error(call, call->status, call->code, call->err.message);
		return;
	}
	if (call->nfields && rc == -SB_EINVAL) {
		send_error(call, 422, "invalid",
			   call->err.message[0] ? call->err.message : "the request is invalid");
		return;
	}
	static const struct {
		int code, status;
		const char *name;
	} map[] = {
		{SB_EINVAL, 422, "invalid"},    {SB_ENOTFOUND, 404, "not_found"},
		{SB_EPERM, 403, "forbidden"},   {SB_ECONFLICT, 409, "conflict"},
		{SB_EBUSY, 503, "unavailable"}, {SB_ERANGE, 422, "invalid"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (-rc == map[i].code) {
			send_error(call, map[i].status, map[i].name, call->err.message);
			return;
		}
	/* The client learns nothing of the cause; the operator must (the boundary logs once). */
	fprintf(stderr, "switchboard: internal error (%d): %s\n", rc,
		call->err.message[0] ? call->err.message : "no message");
	send_error(call, 500, "internal", "internal error");
}

/* ---- authentication ----------------------------------------------------- */

int api_load_user(struct api_call *call, int64_t id)
{
	struct store_user u;
	int rc = store_user_get(call->conn, id, call->arena, &u, &call->err);
	if (rc < 0)
		return rc;
	call->user.id = u.id;
	call->user.email = u.email;
	call->user.name = u.name;
	call->user.role_name = u.role;
	call->user.org_id = u.org_id;
	call->user.language = u.language;
	call->user.disabled = u.disabled;
	call->user.muted = u.muted;
	if (u.disabled)
		return api_fail_status(call, 401, "unauthorized", "this account is disabled");
	if (account_role_parse(u.role, &call->user.role, &call->err) < 0)
		return -SB_EIO;
	char *teams = NULL;
	rc = store_user_teams(call->conn, u.id, call->arena, &teams, &call->err);
	call->user.teams = teams;
	return rc;
}

static int unauthorized(struct api_call *call, const char *message)
{
	return api_fail_status(call, 401, "unauthorized", message);
}

static int authenticate(struct api_call *call, bool *via_cookie)
{
	unsigned char hash[SECRET_HASH_LEN];
	int64_t uid;
	int rc;
	const char *auth = http_header(call->req, "Authorization");
	*via_cookie = false;
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) != 0 || auth[7] == '\0')
			return unauthorized(call, "the Authorization header must be "
						  "'Bearer <token>'");
		secret_token_hash(auth + 7, hash);
		call->auth_by_token = true;
		memcpy(call->auth_hash, hash, sizeof(call->auth_hash));
		rc = store_token_user(call->conn, hash, &uid, &call->err);
		if (rc == -SB_ENOTFOUND)
			return unauthorized(call, "the token is not valid");
		return rc < 0 ? rc : api_load_user(call, uid);
	}
	const char *cookie = http_cookie(call->req, SESSION_COOKIE);
	if (!cookie)
		return unauthorized(call, "sign in, or send a bearer token");
	char *csrf = NULL;
	secret_token_hash(cookie, hash);
	memcpy(call->auth_hash, hash, sizeof(call->auth_hash));
	rc = store_session_get(call->conn, hash, call->now, call->arena, &uid, &csrf, &call->err);
	if (rc == -SB_ENOTFOUND)
		return unauthorized(call, "the session has expired; sign in again");
	if (rc < 0)
		return rc;
	*via_cookie = true;
	call->csrf = csrf;
	const char *method = call->req->method;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		const char *sent = http_header(call->req, "X-CSRF-Token");
		if (!sent || !secret_equal(sent, csrf))
			return api_fail_status(call, 403, "csrf",
					       "missing or wrong X-CSRF-Token for a session");
	}
	return api_load_user(call, uid);
}

/* ---- the body ----------------------------------------------------------- */

#define JSON_BODY_MAX (256 * 1024)

static int parse_body(struct api_call *call, const struct api_route *route)
{
	const char *type = http_header(call->req, "Content-Type");
	if ((route->flags & API_MULTIPART) && type &&
	    strncasecmp(type, "multipart/form-data", 19) == 0)
		return api_multipart_body(call, "ticket");
	/* The route's limit is sized for files; JSON alone never needs that much. */
	if (call->req->body_len > JSON_BODY_MAX)
		return api_fail_status(call, 413, "payload_too_large",
				       "a JSON body is at most 256 KB; send files as "
				       "multipart/form-data");
	if (!type || strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';' && type[16] != ' '))
		return api_fail_status(call, 415, "unsupported_media_type",
				       "the body must be application/json");
	json_error_t jerr;
	call->body =
		json_loadb(call->req->body, call->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!call->body) {
		char msg[SB_ERROR_MESSAGE_MAX];
		snprintf(msg, sizeof(msg), "malformed JSON at line %d, column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		return api_fail_status(call, 400, "malformed_json", msg);
	}
	if (!json_is_object(call->body))
		return api_fail_status(call, 400, "malformed_json",
				       "the body must be a JSON object");
	return 0;
}

/* ---- the entry point ---------------------------------------------------- */

void api_handle(struct http_request *req, struct http_response *res, void *ctx)
{
	struct api_call call = {.api = ctx, .req = req, .res = res, .arena = req->arena};
	const char *param = NULL;
	bool path_known, via_cookie = false;
	int rc;

	call.now = (int64_t)time(NULL);
	const struct api_route *route =
		find_route(req->method, req->path, req->arena, &param, &path_known);
	if (!route) {
		if (path_known)
			http_response_header(res, "Allow", allowed_methods(req->path, req->arena));
		rc = path_known ? api_fail_status(&call, 405, "method_not_allowed",
						  "this method is not allowed on this path")
				: api_fail_status(&call, 404, "not_found", "no such route");
		goto fail;
	}
	call.param = param;
	if ((rc = store_conn(call.api->store, &call.conn, &call.err)) < 0)
		goto fail;
	if (route->roles != API_PUBLIC) {
		if ((rc = authenticate(&call, &via_cookie)) < 0)
			goto fail;
		if (!(route->roles & (1u << call.user.role))) {
			rc = api_fail(&call, SB_EPERM, "your role (%s) may not do this",
				      call.user.role_name);
			goto fail;
		}
	}
	if ((route->flags & API_JSON_BODY) && (rc = parse_body(&call, route)) < 0)
		goto fail;
	rc = route->handler(&call);
	if (rc == 0 && call.nfields)
		rc = -SB_EINVAL;
	if (rc == 0 && store_in_write(call.conn)) {
		/* A handler that answers without ending its write is a bug; never
		 * let it hold the writer (and every other write) hostage. */
		rc = api_fail(&call, SB_EIO, "internal error: unfinished write");
	}
	if (rc < 0)
		goto fail;
	api_events_publish(&call); /* after the write committed, never on failure */
	api_peers_share(&call);
	json_decref(call.body);
	return;
fail:
	if (call.conn)
		store_write_rollback(call.conn);
	send_failure(&call, rc);
	json_decref(call.body);
}

/* ---- small helpers ------------------------------------------------------ */

const char *api_body_string(struct api_call *call, const char *name)
{
	json_t *v = json_object_get(call->body, name);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		api_field_error(call, name, "must be a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len || !utf8_valid(s, len)) {
		api_field_error(call, name, "must be valid UTF-8 without NUL characters");
		return NULL;
	}
	return s;
}

bool api_body_int(struct api_call *call, const char *name, int64_t *out)
{
	json_t *v = json_object_get(call->body, name);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_integer(v)) {
		api_field_error(call, name, "must be an integer");
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

int api_body_bool(struct api_call *call, const char *name)
{
	json_t *v = json_object_get(call->body, name);
	if (!v || json_is_null(v))
		return -1;
	if (!json_is_boolean(v)) {
		api_field_error(call, name, "must be true or false");
		return -1;
	}
	return json_is_true(v);
}

bool api_body_has(struct api_call *call, const char *name)
{
	return json_object_get(call->body, name) != NULL;
}

json_t *api_time(int64_t t)
{
	char buf[RFC3339_BUFSIZE];
	if (!t || rfc3339_format(t, buf) < 0)
		return json_null();
	return json_string(buf);
}

json_t *api_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *api_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

bool api_parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s || strlen(s) > 19 || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return false;
	*out = v;
	return true;
}

int api_query_page(struct api_call *call, int *limit_out, int64_t *offset_out)
{
	const char *v;
	int64_t n;
	*limit_out = STORE_LIST_MAX;
	*offset_out = 0;
	if ((v = http_query(call->req, "limit"))) {
		if (!api_parse_int(v, &n) || n < 1 || n > STORE_LIST_MAX)
			api_field_error(call, "limit", "an integer from 1 to %d", STORE_LIST_MAX);
		else
			*limit_out = (int)n;
	}
	if ((v = http_query(call->req, "offset"))) {
		if (!api_parse_int(v, &n) || n < 0 || n > INT32_MAX)
			api_field_error(call, "offset", "an integer from 0 to %d", INT32_MAX);
		else
			*offset_out = n;
	}
	return call->nfields ? -SB_EINVAL : 0;
}

int api_param_id(struct api_call *call, int64_t *id_out)
{
	const char *p = call->param;
	int64_t v = 0;
	if (!p || !*p || strlen(p) > 18)
		return api_fail(call, SB_ENOTFOUND, "no such resource");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return api_fail(call, SB_ENOTFOUND, "no such resource");
		v = v * 10 + (*p - '0');
	}
	if (v <= 0)
		return api_fail(call, SB_ENOTFOUND, "no such resource");
	*id_out = v;
	return 0;
}

bool api_is_staff(const struct api_call *call)
{
	return account_role_is_staff(call->user.role);
}
