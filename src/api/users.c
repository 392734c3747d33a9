/*
 * Users: admins add, list and change staff and contacts, with the same rules
 * as `switchboard user add` (core/account.h); everyone may change their own
 * name and language. A disabled user can neither sign in nor use a token.
 */
#include <string.h>

#include "api/internal.h"
#include "core/notify.h"
#include "core/teams.h"
#include "util/secret.h"

static json_t *user_row_json(struct api_call *call, const struct store_user *u)
{
	struct api_user a = {.id = u->id,
			     .email = u->email,
			     .name = u->name,
			     .role_name = u->role,
			     .org_id = u->org_id,
			     .language = u->language,
			     .disabled = u->disabled,
			     .muted = u->muted};
	char *teams = NULL;
	store_user_teams(call->conn, u->id, call->arena, &teams, NULL);
	a.teams = teams;
	return api_user_json(&a);
}

/* Agents and leads work a team's queue; other roles are in no team. */
static bool in_teams(enum account_role role)
{
	return role == ACCOUNT_ROLE_AGENT || role == ACCOUNT_ROLE_LEAD;
}

#define TEAMS_MAX 16

/*
 * The "teams" member: NULL when absent or null, else the keys (*n_out of
 * them, in the call's arena). A bad shape or an unknown key records a field
 * error and returns NULL.
 */
static const char **read_teams(struct api_call *call, size_t *n_out)
{
	json_t *teams = json_object_get(call->body, "teams");
	*n_out = 0;
	if (!teams || json_is_null(teams))
		return NULL;
	if (!json_is_array(teams) || json_array_size(teams) > TEAMS_MAX) {
		api_field_error(call, "teams", "must be an array of at most %d team keys",
				TEAMS_MAX);
		return NULL;
	}
	size_t n = json_array_size(teams);
	const char **keys = arena_alloc(call->arena, (n ? n : 1) * sizeof(*keys));
	if (!keys) {
		api_field_error(call, "teams", "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(teams, i);
		if (!json_is_string(t) || !team_find(json_string_value(t))) {
			api_field_error(call, "teams",
					"unknown team (expected anti-malvertising, app-support, "
					"ad-quality, client-services or inventory-quality)");
			return NULL;
		}
		keys[i] = json_string_value(t);
	}
	*n_out = n;
	return keys;
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

	size_t nteams;
	const char **teams = read_teams(call, &nteams);
	if (nteams && role_ok && !in_teams(role))
		api_field_error(call, "teams", "only agents and leads are in teams");
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
	if (teams && (rc = store_user_teams_set(call->conn, id, teams, nteams, &call->err)) < 0)
		return rc;
	if ((rc = store_write_commit(call->conn, &call->err)) < 0 ||
	    (rc = store_user_get(call->conn, id, call->arena, &u, &call->err)) < 0)
		return rc;
	return api_json(call, 201, user_row_json(call, &u));
}

/* Staff see anyone; contacts themselves and the people of their organization. */
static bool visible(const struct api_call *call, const struct store_user *u)
{
	return api_is_staff(call) || u->id == call->user.id || u->org_id == call->user.org_id;
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
	if (!visible(call, &u))
		return api_fail(call, SB_ENOTFOUND, "no such user");
	return api_json(call, 200, user_row_json(call, &u));
}

/* GET /users?role=&org_id=&team=&limit=&offset= (staff), by name. */
int api_users_list(struct api_call *call)
{
	struct store_user_filter f = {0};
	const char *v;
	struct sb_error e;
	enum account_role role;
	if ((f.role = http_query(call->req, "role")) && account_role_parse(f.role, &role, &e) < 0)
		api_field_error(call, "role", "%s", e.message);
	if ((v = http_query(call->req, "org_id")) &&
	    (!api_parse_int(v, &f.org_id) || f.org_id <= 0))
		api_field_error(call, "org_id", "an organization id");
	if ((f.team = http_query(call->req, "team")) && !team_find(f.team))
		api_field_error(call, "team",
				"unknown team (expected anti-malvertising, app-support, "
				"ad-quality, client-services or inventory-quality)");
	int rc = api_query_page(call, &f.limit, &f.offset);
	if (rc < 0 || call->nfields)
		return -SB_EINVAL;
	struct store_user *users;
	size_t n;
	if ((rc = store_users_list(call->conn, &f, call->arena, &users, &n, &call->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, user_row_json(call, &users[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

#define MUTED_MAX 16

/*
 * The "muted" member, when present: the events (core/notify.h) as a
 * comma-separated list in the arena ("" for none or null). Anything that
 * is not an event one may mute is a field error, and NULL.
 */
static const char *read_muted(struct api_call *call)
{
	json_t *v = json_object_get(call->body, "muted");
	if (!v)
		return NULL;
	if (json_is_null(v))
		return "";
	if (!json_is_array(v) || json_array_size(v) > MUTED_MAX) {
		api_field_error(call, "muted", "must be an array of at most %d event names",
				MUTED_MAX);
		return NULL;
	}
	size_t n = json_array_size(v);
	const char **names = arena_alloc(call->arena, (n ? n : 1) * sizeof(*names));
	char *csv = arena_strdup(call->arena, "");
	if (!names || !csv) {
		api_field_error(call, "muted", "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s)) {
			api_field_error(call, "muted", "must be an array of event names");
			return NULL;
		}
		names[i] = json_string_value(s);
	}
	struct sb_error e;
	if (notify_mute_check(names, n, &e) < 0) {
		size_t count;
		const struct notify_event *all = notify_events(&count);
		char *allowed = arena_strdup(call->arena, "");
		for (size_t i = 0; allowed && i < count; i++)
			if (all[i].may_mute)
				allowed = arena_printf(call->arena, "%s%s%s", allowed,
						       *allowed ? ", " : "", all[i].name);
		api_field_error(call, "muted", "%s (these may be muted: %s)", e.message,
				allowed ? allowed : "");
		return NULL;
	}
	for (size_t i = 0; csv && i < n; i++)
		if (!notify_is_muted(csv, names[i])) /* each once */
			csv = arena_printf(call->arena, "%s%s%s", csv, *csv ? "," : "", names[i]);
	return csv;
}

/* The "disabled" member: false when absent or null; a non-boolean is a field error. */
static bool read_disabled(struct api_call *call, bool *present)
{
	json_t *v = json_object_get(call->body, "disabled");
	*present = v && !json_is_null(v);
	if (*present && !json_is_boolean(v)) {
		api_field_error(call, "disabled", "must be true or false");
		*present = false;
	}
	return *present && json_is_true(v);
}

/*
 * PATCH /users/{id}. An admin changes name, role (within staff: a contact
 * stays a contact), language, teams (replaced; agents and leads only; a
 * role without teams leaves none) and disabled (which also ends the user's
 * sessions). Anyone changes their own name, language and muted
 * notifications (only their own: what one receives is one's choice),
 * nothing else. An admin cannot change their own role nor disable
 * themselves, so that the last admin cannot lock everyone out by mistake.
 */
int api_users_update(struct api_call *call)
{
	int64_t id;
	int rc = api_param_id(call, &id);
	if (rc < 0)
		return rc;
	bool admin = call->user.role == ACCOUNT_ROLE_ADMIN, self = id == call->user.id;
	struct store_user u;
	if (!admin && !self) {
		if ((rc = store_user_get(call->conn, id, call->arena, &u, &call->err)) < 0)
			return rc;
		if (!visible(call, &u))
			return api_fail(call, SB_ENOTFOUND, "no such user");
		return api_fail(call, SB_EPERM, "only an admin may change another user");
	}
	static const char *const admin_only[] = {"role", "teams", "disabled"};
	for (size_t i = 0; !admin && i < sizeof(admin_only) / sizeof(admin_only[0]); i++)
		if (api_body_has(call, admin_only[i]))
			return api_fail(call, SB_EPERM,
					"you may change your own name and language; only an "
					"admin changes %s",
					admin_only[i]);
	if (!self && api_body_has(call, "muted"))
		return api_fail(call, SB_EPERM,
				"only the user themselves chooses which notifications to mute");

	struct sb_error e;
	const char *name = api_body_string(call, "name");
	const char *language = api_body_string(call, "language");
	const char *role_s = api_body_string(call, "role");
	bool has_disabled, disabled = read_disabled(call, &has_disabled);
	const char *muted = read_muted(call);
	size_t nteams;
	const char **teams = read_teams(call, &nteams);
	enum account_role role = ACCOUNT_ROLE_CONTACT, old_role;
	bool role_bad = role_s && account_role_parse(role_s, &role, &e) < 0;
	if (role_bad)
		api_field_error(call, "role", "%s", e.message);
	if (name && account_name_check(name, &e) < 0)
		api_field_error(call, "name", "%s", e.message);
	if (language && account_language_check(language, &e) < 0)
		api_field_error(call, "language", "%s", e.message);

	/*
	 * Read and write in one transaction, so that a concurrent change is not
	 * undone; the checks that need the user run even after a bad field, to
	 * list every problem at once.
	 */
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_user_get(call->conn, id, call->arena, &u, &call->err)) < 0)
		return rc;
	if (account_role_parse(u.role, &old_role, &call->err) < 0)
		return -SB_EIO;
	if (!role_s || role_bad)
		role = old_role;
	if (role != old_role) {
		int64_t represented = 0;
		if (self) {
			api_field_error(call, "role", "you cannot change your own role");
		} else if (account_role_is_staff(role) != account_role_is_staff(old_role)) {
			api_field_error(call, "role",
					"a contact stays a contact and staff stay staff: add a "
					"new user instead");
		} else if (old_role == ACCOUNT_ROLE_ACCOUNT_REP) {
			/* Account requests go to the representative: keep one. */
			if ((rc = store_orgs_represented(call->conn, id, &represented,
							 &call->err)) < 0)
				return rc;
			if (represented)
				api_field_error(call, "role",
						"%s represents %lld organization(s): name another "
						"account representative first",
						u.name, (long long)represented);
		}
	}
	if (nteams && !role_bad && !in_teams(role))
		api_field_error(call, "teams", "only agents and leads are in teams");
	if (self && has_disabled && disabled)
		api_field_error(call, "disabled", "you cannot disable yourself");
	if (call->nfields)
		return -SB_EINVAL;

	bool disabling = has_disabled && disabled && !u.disabled;
	if (name)
		u.name = name;
	if (language)
		u.language = language;
	if (has_disabled)
		u.disabled = disabled;
	if (muted)
		u.muted = muted;
	u.role = account_role_name(role);
	if ((rc = store_user_update(call->conn, &u, &call->err)) < 0)
		return rc;
	if ((teams || (role != old_role && !in_teams(role))) &&
	    (rc = store_user_teams_set(call->conn, id, teams, nteams, &call->err)) < 0)
		return rc;
	if (disabling && (rc = store_user_sessions_delete(call->conn, id, &call->err)) < 0)
		return rc;
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200, user_row_json(call, &u));
}
