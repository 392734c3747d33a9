/*
 * Users: admins add staff and contacts. The same rules as
 * `switchboard user add` (core/account.h).
 */
#include <string.h>

#include "api/internal.h"
#include "core/teams.h"
#include "util/secret.h"

static json_t *user_row_json(struct api_call *call, const struct store_user *u)
{
	struct api_user a = {.id = u->id,
			     .email = u->email,
			     .name = u->name,
			     .role_name = u->role,
			     .org_id = u->org_id,
			     .language = u->language};
	char *teams = NULL;
	store_user_teams(call->conn, u->id, call->arena, &teams, NULL);
	a.teams = teams;
	return api_user_json(&a);
}

int api_users_create(struct api_call *call)
{
	struct sb_error e;
	enum account_role role = ACCOUNT_ROLE_CONTACT;
	const char *email = api_body_string(call, "email");
	const char *name = api_body_string(call, "name");
	const char *role_s = api_body_string(call, "role");
	const char *password = api_body_string(call, "password");
	const char *language = api_body_string(call, "language");
	int64_t org = 0;
	bool has_org = api_body_int(call, "org_id", &org);

	if (!email)
		api_field_error(call, "email", "required");
	else if (account_email_check(email, &e) < 0)
		api_field_error(call, "email", "%s", e.message);
	if (!name)
		api_field_error(call, "name", "required");
	else if (account_name_check(name, &e) < 0)
		api_field_error(call, "name", "%s", e.message);
	bool role_ok = false;
	if (!role_s)
		api_field_error(call, "role", "required");
	else if (account_role_parse(role_s, &role, &e) < 0)
		api_field_error(call, "role", "%s", e.message);
	else
		role_ok = true;
	if (password && account_password_check(password, &e) < 0)
		api_field_error(call, "password", "%s", e.message);
	if (language && account_language_check(language, &e) < 0)
		api_field_error(call, "language", "%s", e.message);
	if (role_ok && role == ACCOUNT_ROLE_CONTACT && !has_org)
		api_field_error(call, "org_id", "a contact belongs to an organization");
	if (role_ok && role != ACCOUNT_ROLE_CONTACT && has_org)
		api_field_error(call, "org_id", "only contacts belong to an organization");
	struct store_org o;
	if (has_org && store_org_get(call->conn, org, call->arena, &o, NULL) < 0)
		api_field_error(call, "org_id", "no organization %lld", (long long)org);

	json_t *teams = json_object_get(call->body, "teams");
	size_t i;
	json_t *t;
	if (teams && !json_is_null(teams)) {
		if (!json_is_array(teams))
			api_field_error(call, "teams", "must be an array of team keys");
		else if (json_array_size(teams) && role_ok &&
			 (role != ACCOUNT_ROLE_AGENT && role != ACCOUNT_ROLE_LEAD))
			api_field_error(call, "teams", "only agents and leads are in teams");
		else
			json_array_foreach(teams, i, t)
			{
				if (!json_is_string(t) || !team_find(json_string_value(t)))
					api_field_error(
						call, "teams",
						"unknown team (expected anti-malvertising, "
						"app-support, ad-quality, client-services or "
						"inventory-quality)");
			}
	}
	if (call->nfields)
		return -SB_EINVAL;

	char hash[SECRET_PWHASH_SIZE];
	int rc;
	if (password && (rc = secret_password_hash(password, hash, &call->err)) < 0)
		return rc;
	struct store_user u = {.email = email,
			       .name = name,
			       .role = account_role_name(role),
			       .org_id = org,
			       .password_hash = password ? hash : NULL,
			       .language = language ? language : "en",
			       .created_at = call->now};
	int64_t id;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	if ((rc = store_user_insert(call->conn, &u, &id, &call->err)) < 0) {
		if (rc == -SB_ECONFLICT)
			api_field_error(call, "email", "a user with this email exists");
		return rc == -SB_ECONFLICT ? -SB_EINVAL : rc;
	}
	if (teams && json_is_array(teams))
		json_array_foreach(teams, i, t)
		{
			if ((rc = store_user_team_add(call->conn, id, json_string_value(t),
						      &call->err)) < 0)
				return rc;
		}
	if ((rc = store_write_commit(call->conn, &call->err)) < 0 ||
	    (rc = store_user_get(call->conn, id, call->arena, &u, &call->err)) < 0)
		return rc;
	return api_json(call, 201, user_row_json(call, &u));
}

int api_users_get(struct api_call *call)
{
	int64_t id;
	struct store_user u;
	int rc = api_param_id(call, &id);
	if (rc < 0)
		return rc;
	if ((rc = store_user_get(call->conn, id, call->arena, &u, &call->err)) < 0)
		return rc;
	/* Contacts see themselves and the people of their organization. */
	if (!api_is_staff(call) && u.id != call->user.id && u.org_id != call->user.org_id)
		return api_fail(call, SB_ENOTFOUND, "no such user");
	return api_json(call, 200, user_row_json(call, &u));
}
