/*
 * Organizations: the customers. Admins create them and name their SPOC (a
 * contact of the organization: the one person who may file tickets) and
 * their account representative. Staff read and list any; a contact reads
 * and lists only their own (any other is a 404, so an id reveals nothing).
 */
#include <ctype.h>
#include <string.h>

#include "api/internal.h"
#include "util/utf8.h"

/* A short person record, or null. */
static json_t *person(struct api_call *call, int64_t id)
{
	struct store_user u;
	if (!id || store_user_get(call->conn, id, call->arena, &u, NULL) < 0)
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "name", u.name, "email",
			 u.email);
}

static json_t *org_json(struct api_call *call, const struct store_org *o)
{
	json_t *bidders = json_array();
	for (const char *b = o->bidder_ids; b && *b;) {
		size_t n = strcspn(b, ",");
		json_array_append_new(bidders, json_stringn(b, n));
		b += n + (b[n] == ',');
	}
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)o->id,
			 "name", o->name, "member_id", o->member_id, "bidder_ids", bidders, "spoc",
			 person(call, o->spoc_id), "account_rep", person(call, o->account_rep_id),
			 "language", o->language, "created_at", api_time(o->created_at));
}

/* Platform ids: 1 to 64 characters of letters, digits, '-', '_' and '.'. */
static bool platform_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* Reads the writable fields present in the body over O; records field errors. */
static void read_fields(struct api_call *call, struct store_org *o, bool creating)
{
	struct sb_error e;
	const char *name = api_body_string(call, "name");
	const char *member = api_body_string(call, "member_id");
	const char *language = api_body_string(call, "language");
	if (name) {
		if (account_name_check(name, &e) < 0)
			api_field_error(call, "name", "%s", e.message);
		o->name = name;
	} else if (creating) {
		api_field_error(call, "name", "required");
	}
	if (member) {
		if (!platform_id_ok(member))
			api_field_error(call, "member_id",
					"1 to 64 letters, digits, '-', '_' or '.'");
		o->member_id = member;
	} else if (creating) {
		api_field_error(call, "member_id", "required");
	}
	if (language) {
		if (account_language_check(language, &e) < 0)
			api_field_error(call, "language", "%s", e.message);
		o->language = language;
	}
	json_t *bidders = json_object_get(call->body, "bidder_ids");
	if (bidders && !json_is_null(bidders)) {
		char *list = arena_strdup(call->arena, "");
		size_t i;
		json_t *b;
		if (!json_is_array(bidders) || json_array_size(bidders) > 100)
			api_field_error(call, "bidder_ids", "must be an array of at most 100 ids");
		else
			json_array_foreach(bidders, i, b)
			{
				const char *v = json_is_string(b) ? json_string_value(b) : NULL;
				if (!v || !platform_id_ok(v)) {
					api_field_error(call, "bidder_ids",
							"each id is 1 to 64 letters, digits, '-', "
							"'_' or '.'");
					break;
				}
				list = arena_printf(call->arena, "%s%s%s", list, *list ? "," : "",
						    v);
			}
		o->bidder_ids = list;
	}
}

/* Checks that user ID exists with role ROLE (and org ORG when nonzero). */
static void check_person(struct api_call *call, const char *field, int64_t id, const char *role,
			 int64_t org)
{
	struct store_user u;
	if (store_user_get(call->conn, id, call->arena, &u, NULL) < 0) {
		api_field_error(call, field, "no user %lld", (long long)id);
		return;
	}
	if (strcmp(u.role, role) != 0)
		api_field_error(call, field, "user %lld is a %s, not a %s", (long long)id, u.role,
				role);
	else if (org && u.org_id != org)
		api_field_error(call, field, "user %lld is not a contact of this organization",
				(long long)id);
}

int api_orgs_create(struct api_call *call)
{
	struct store_org o = {.language = "en", .bidder_ids = "", .created_at = call->now};
	int64_t rep = 0, id;
	read_fields(call, &o, true);
	if (api_body_int(call, "account_rep_id", &rep))
		check_person(call, "account_rep_id", rep, "account-rep", 0);
	if (api_body_has(call, "spoc_id"))
		api_field_error(call, "spoc_id",
				"name the SPOC after adding the organization's contacts (PATCH)");
	if (call->nfields)
		return -SB_EINVAL;
	o.account_rep_id = rep;
	int rc;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_org_insert(call->conn, &o, &id, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0) {
		if (rc == -SB_ECONFLICT)
			api_field_error(call, "name", "an organization with this name exists");
		return rc == -SB_ECONFLICT ? -SB_EINVAL : rc;
	}
	o.id = id;
	return api_json(call, 201, org_json(call, &o));
}

/* Loads the org of the path, as the caller may see it (contacts: their own). */
static int load(struct api_call *call, struct store_org *o)
{
	int64_t id;
	int rc = api_param_id(call, &id);
	if (rc < 0)
		return rc;
	if (!api_is_staff(call) && call->user.org_id != id)
		return api_fail(call, SB_ENOTFOUND, "no such organization");
	rc = store_org_get(call->conn, id, call->arena, o, &call->err);
	return rc;
}

int api_orgs_get(struct api_call *call)
{
	struct store_org o;
	int rc = load(call, &o);
	return rc < 0 ? rc : api_json(call, 200, org_json(call, &o));
}

/* GET /orgs?limit=&offset=, by name: staff see every organization, a contact their own. */
int api_orgs_list(struct api_call *call)
{
	int limit;
	int64_t offset;
	int rc = api_query_page(call, &limit, &offset);
	if (rc < 0)
		return rc;
	/* A contact always has an organization; -1 would match none if not. */
	int64_t only = api_is_staff(call) ? 0 : call->user.org_id ? call->user.org_id : -1;
	struct store_org *orgs;
	size_t n;
	if ((rc = store_orgs_list(call->conn, only, limit, offset, call->arena, &orgs, &n,
				  &call->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, org_json(call, &orgs[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

int api_orgs_update(struct api_call *call)
{
	struct store_org o;
	int64_t v;
	int rc = load(call, &o);
	if (rc < 0)
		return rc;
	read_fields(call, &o, false);
	if (api_body_int(call, "spoc_id", &v)) {
		check_person(call, "spoc_id", v, "contact", o.id);
		o.spoc_id = v;
	} else if (api_body_has(call, "spoc_id")) {
		o.spoc_id = 0; /* null: no SPOC until one is named */
	}
	if (api_body_int(call, "account_rep_id", &v)) {
		check_person(call, "account_rep_id", v, "account-rep", 0);
		o.account_rep_id = v;
	} else if (api_body_has(call, "account_rep_id")) {
		o.account_rep_id = 0;
	}
	if (call->nfields)
		return -SB_EINVAL;
	if ((rc = store_write_begin(call->conn, &call->err)) < 0 ||
	    (rc = store_org_update(call->conn, &o, &call->err)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0) {
		if (rc == -SB_ECONFLICT)
			api_field_error(call, "name", "an organization with this name exists");
		return rc == -SB_ECONFLICT ? -SB_EINVAL : rc;
	}
	return api_json(call, 200, org_json(call, &o));
}
