/*
 * Sessions for the web app: sign in with email and password, get an
 * HttpOnly, SameSite=Lax cookie and a CSRF token to echo in X-CSRF-Token on
 * writes. Integrations use bearer tokens instead (switchboard token create).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/internal.h"
#include "util/secret.h"

#define SESSION_SECONDS (14 * 24 * 3600)

/*
 * A real Argon2id hash that no one's password matches: an unknown email
 * costs as much as a wrong password, so timing does not reveal accounts.
 */
static char dummy[SECRET_PWHASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	secret_password_hash("no account has this password", dummy, NULL);
}

static json_t *user_json(const struct api_user *u)
{
	json_t *teams = json_array();
	for (const char *t = u->teams; t && *t;) {
		size_t n = strcspn(t, ",");
		json_array_append_new(teams, json_stringn(t, n));
		t += n + (t[n] == ',');
	}
	json_t *muted = json_array();
	for (const char *m = u->muted; m && *m;) {
		size_t n = strcspn(m, ",");
		json_array_append_new(muted, json_stringn(m, n));
		m += n + (m[n] == ',');
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:b, s:o}", "id", (json_int_t)u->id,
			 "email", u->email, "name", u->name, "role", u->role_name, "org_id",
			 api_id(u->org_id), "teams", teams, "language",
			 u->language ? u->language : "en", "disabled", u->disabled, "muted", muted);
}

int api_session_create(struct api_call *call)
{
	const char *email = api_body_string(call, "email");
	const char *password = api_body_string(call, "password");
	if (!email)
		api_field_error(call, "email", "required");
	if (!password)
		api_field_error(call, "password", "required");
	if (call->nfields)
		return -SB_EINVAL;

	struct store_user u;
	int rc = store_user_get_by_email(call->conn, email, call->arena, &u, &call->err);
	if (rc < 0 && rc != -SB_ENOTFOUND)
		return rc;
	pthread_once(&dummy_once, make_dummy);
	bool ok = secret_password_verify(rc == 0 && u.password_hash ? u.password_hash : dummy,
					 password) &&
		  rc == 0;
	if (!ok)
		return api_fail_status(call, 401, "unauthorized", "wrong email or password");
	/* Said only to someone who knows the password. */
	if (u.disabled)
		return api_fail_status(call, 401, "unauthorized", "this account is disabled");

	char token[SECRET_TOKEN_SIZE], csrf[SECRET_TOKEN_SIZE];
	unsigned char hash[SECRET_HASH_LEN];
	secret_token_new("sbs_", token);
	secret_token_new("", csrf);
	secret_token_hash(token, hash);
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	if ((rc = store_session_insert(call->conn, hash, u.id, csrf, call->now,
				       call->now + SESSION_SECONDS, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;

	if ((rc = api_load_user(call, u.id)) < 0)
		return rc;

	char *cookie = arena_printf(call->arena,
				    "sb_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d",
				    token, SESSION_SECONDS);
	http_response_header(call->res, "Set-Cookie", cookie);
	return api_json(
		call, 201,
		json_pack("{s:o, s:s}", "user", user_json(&call->user), "csrf_token", csrf));
}

/*
 * With a cookie, the CSRF token too: the web app keeps it in memory only,
 * and gets it back here after a page reload. A bearer caller has none.
 */
int api_session_get(struct api_call *call)
{
	json_t *j = json_pack("{s:o}", "user", user_json(&call->user));
	if (call->csrf)
		json_object_set_new(j, "csrf_token", json_string(call->csrf));
	return api_json(call, 200, j);
}

int api_session_delete(struct api_call *call)
{
	const char *cookie = http_cookie(call->req, "sb_session");
	if (cookie) {
		unsigned char hash[SECRET_HASH_LEN];
		secret_token_hash(cookie, hash);
		int rc;
		if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
		    (rc = store_session_delete(call->conn, hash, &call->err)) < 0 ||
		    (rc = store_write_commit(call->conn, &call->err)) < 0)
			return rc;
	}
	http_response_header(call->res, "Set-Cookie",
			     "sb_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	return api_raw(call, 204, NULL, NULL, 0);
}

json_t *api_user_json(const struct api_user *u)
{
	return user_json(u);
}
