/*
 * Teams and request types: what the support form offers. Everyone signed
 * in reads them; admins rename teams and edit request types (names, hints,
 * team, field rules), which the store keeps and ticket creation reads.
 */
#include <string.h>

#include "api/internal.h"
#include "core/request_types.h"
#include "core/teams.h"

static json_t *team_json(const struct store_team *t)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "key", t->key, "name_en", t->name_en, "name_es",
			 t->name_es, "on_call_id", api_id(t->on_call_id));
}

/* The teams in the catalog's order, with the names as stored (an admin may rename them). */
int api_teams_list(struct api_call *call)
{
	size_t n, nstored;
	const struct team *teams = teams_all(&n);
	struct store_team *stored;
	int rc = store_teams_list(call->conn, call->arena, &stored, &nstored, &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct store_team t = {teams[i].key, teams[i].name_en, teams[i].name_es, 0};
		for (size_t j = 0; j < nstored; j++)
			if (strcmp(stored[j].key, t.key) == 0)
				t = stored[j];
		json_array_append_new(items, team_json(&t));
	}
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

/*
 * The "on_call" member, when present: the user to name (0 for null), who
 * must be an enabled agent or lead of team KEY. False when absent; a bad
 * value records a field error.
 */
static bool read_on_call(struct api_call *call, const char *key, int64_t *id)
{
	*id = 0;
	if (!api_body_has(call, "on_call"))
		return false;
	if (json_is_null(json_object_get(call->body, "on_call")))
		return true;
	if (!api_body_int(call, "on_call", id))
		return false; /* a wrong type is a field error already */
	struct store_user u;
	char *teams = NULL;
	if (store_user_get(call->conn, *id, call->arena, &u, NULL) < 0) {
		api_field_error(call, "on_call", "no user %lld", (long long)*id);
		return false;
	}
	store_user_teams(call->conn, *id, call->arena, &teams, NULL);
	char *mine = arena_printf(call->arena, ",%s,", teams ? teams : "");
	char *want = arena_printf(call->arena, ",%s,", key);
	if (u.disabled)
		api_field_error(call, "on_call", "%s is disabled", u.name);
	else if (!mine || !want || !strstr(mine, want))
		api_field_error(call, "on_call", "%s is not in the team: add them to it first",
				u.name);
	return true;
}

/*
 * PATCH /teams/{key}: name_en, name_es (admins), on_call (a member's id, or
 * null: admins, and the team's own leads). The key never changes.
 */
int api_teams_update(struct api_call *call)
{
	if (!team_find(call->param))
		return api_fail(call, SB_ENOTFOUND, "no such team");
	struct store_team *stored, t = {0};
	size_t n;
	int rc = store_teams_list(call->conn, call->arena, &stored, &n, &call->err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(stored[i].key, call->param) == 0)
			t = stored[i];
	if (!t.key)
		return api_fail(call, SB_ENOTFOUND, "no such team");
	if (call->user.role == ACCOUNT_ROLE_LEAD) {
		char *mine =
			arena_printf(call->arena, ",%s,", call->user.teams ? call->user.teams : "");
		char *want = arena_printf(call->arena, ",%s,", t.key);
		if (!mine || !want || !strstr(mine, want))
			return api_fail(call, SB_EPERM, "you lead no %s team", t.key);
		if (api_body_has(call, "name_en") || api_body_has(call, "name_es"))
			return api_fail(call, SB_EPERM,
					"a lead names the team's on-call person; only an admin "
					"renames a team");
	}
	int64_t on_call;
	bool set_on_call = read_on_call(call, t.key, &on_call);
	struct sb_error e;
	const char *names[] = {"name_en", "name_es"};
	const char **slots[] = {&t.name_en, &t.name_es};
	bool changed = false;
	for (int i = 0; i < 2; i++) {
		const char *v = api_body_string(call, names[i]);
		if (!v)
			continue;
		if (account_name_check(v, &e) < 0)
			api_field_error(call, names[i], "%s", e.message);
		*slots[i] = v;
		changed = true;
	}
	if (call->nfields)
		return -SB_EINVAL;
	/* No names sent: the seed may keep refreshing the built-in names. */
	if (!changed && !set_on_call)
		return api_json(call, 200, team_json(&t));
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (changed && (rc = store_team_update(call->conn, &t, call->now, &call->err)) < 0) ||
	    (set_on_call &&
	     (rc = store_team_on_call_set(call->conn, t.key, on_call, &call->err)) < 0) ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	if (set_on_call)
		t.on_call_id = on_call;
	return api_json(call, 200, team_json(&t));
}

static json_t *type_json(const struct store_request_type *t)
{
	enum request_level rules[REQUEST_FIELD_COUNT];
	json_t *fields = json_object();
	if (request_rules_parse(t->rules, rules, NULL) == 0)
		for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
			json_object_set_new(fields, request_type_field_name((enum request_field)f),
					    json_string(request_level_name(rules[f])));
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:I}", "key", t->key,
			 "kind", t->kind, "team", api_str(t->team), "name_en", t->name_en,
			 "name_es", t->name_es, "hint_en", t->hint_en ? t->hint_en : "", "hint_es",
			 t->hint_es ? t->hint_es : "", "fields", fields, "required_object_type",
			 api_str(t->required_object_type), "position", (json_int_t)t->position);
}

int api_request_types_list(struct api_call *call)
{
	struct store_request_type *types;
	size_t n;
	int rc = store_request_types_list(call->conn, call->arena, &types, &n, &call->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, type_json(&types[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

int api_request_types_get(struct api_call *call)
{
	struct store_request_type t;
	int rc = store_request_type_get(call->conn, call->param, call->arena, &t, &call->err);
	return rc < 0 ? rc : api_json(call, 200, type_json(&t));
}

/*
 * PATCH: name_en, name_es, hint_en, hint_es, team (routed types only),
 * position, fields ({"steps": "required", ...}, merged over the current
 * rules), required_object_type (a type or null).
 */
int api_request_types_update(struct api_call *call)
{
	struct store_request_type t;
	int rc = store_request_type_get(call->conn, call->param, call->arena, &t, &call->err);
	if (rc < 0)
		return rc;
	struct sb_error e;
	const char *names[] = {"name_en", "name_es", "hint_en", "hint_es"};
	const char **slots[] = {&t.name_en, &t.name_es, &t.hint_en, &t.hint_es};
	for (int i = 0; i < 4; i++) {
		const char *v = api_body_string(call, names[i]);
		if (!v)
			continue;
		if (i < 2 && account_name_check(v, &e) < 0)
			api_field_error(call, names[i], "%s", e.message);
		else if (strlen(v) > 1000)
			api_field_error(call, names[i], "longer than 1000 bytes");
		*slots[i] = v;
	}
	const char *team = api_body_string(call, "team");
	if (team) {
		if (strcmp(t.kind, "routed") != 0)
			api_field_error(call, "team",
					"account requests go to the account "
					"representative, not a team");
		else if (!team_find(team))
			api_field_error(call, "team", "unknown team");
		t.team = team;
	}
	int64_t position;
	if (api_body_int(call, "position", &position))
		t.position = position;
	if (api_body_has(call, "required_object_type")) {
		const char *ot = api_body_string(call, "required_object_type");
		if (ot && !request_object_type_valid(ot))
			api_field_error(call, "required_object_type", "expected one of %s",
					request_object_types_list());
		t.required_object_type = ot;
	}
	json_t *fields = json_object_get(call->body, "fields");
	if (fields && !json_is_null(fields)) {
		enum request_level rules[REQUEST_FIELD_COUNT];
		if (!json_is_object(fields) || request_rules_parse(t.rules, rules, NULL) < 0) {
			api_field_error(call, "fields", "must be an object of field: level");
		} else {
			const char *key;
			json_t *level;
			json_object_foreach(fields, key, level)
			{
				enum request_field f;
				enum request_level l;
				char *name = arena_printf(call->arena, "fields.%s", key);
				if (request_type_field_parse(key, &f, &e) < 0)
					api_field_error(call, name, "%s", e.message);
				else if (!json_is_string(level) ||
					 request_level_parse(json_string_value(level), &l, &e) < 0)
					api_field_error(
						call, name,
						"expected optional, recommended or required");
				else
					rules[f] = l;
			}
			char text[REQUEST_RULES_TEXT_SIZE];
			request_rules_format(rules, text);
			/* Parsing the result applies the catalog's own invariants. */
			if (request_rules_parse(text, rules, &e) < 0)
				api_field_error(call, "fields", "%s", e.message);
			t.rules = arena_strdup(call->arena, text);
		}
	}
	if (call->nfields)
		return -SB_EINVAL;
	t.updated_at = call->now;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_request_type_update(call->conn, &t, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	return api_json(call, 200, type_json(&t));
}
