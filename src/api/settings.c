/*
 * The settings admins change while the server runs: the business calendar
 * (with a preview that saves nothing) and the SLA warning.
 *
 * Settings live in the store's settings table under the keys that `serve`
 * reads at start (calendar.timezone, calendar.hours, calendar.holidays; an
 * absent calendar.holidays means the default US holidays) and
 * sla.warn_percent, sla.emergency_update_minutes. A change is stored first
 * and then put in force in this process, both under the API's settings
 * lock, so that memory and the store agree even when two admins save at
 * once. Other servers on the same database put it in force when they next
 * read the settings (api_settings_refresh(), about once a second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/internal.h"
#include "core/sla.h"
#include "util/rfc3339.h"

/* ---- the business calendar ---------------------------------------------- */

#define KEY_TIMEZONE "calendar.timezone"
#define KEY_HOURS    "calendar.hours"
#define KEY_HOLIDAYS "calendar.holidays"

struct calendar_settings {
	const char *timezone;
	const char *hours;
	const char *holidays; /* "" with holidays_default */
	bool holidays_default;
};

/*
 * S as one string, to tell whether the calendar in force was built from
 * the same settings: malloc'ed (the caller's), NULL when out of memory.
 */
static char *calendar_settings_key(const struct calendar_settings *s)
{
	char *key = NULL;
	if (asprintf(&key, "%s\n%s\n%d\n%s", s->timezone, s->hours, s->holidays_default,
		     s->holidays) < 0)
		return NULL;
	return key;
}

/* Remembers that the calendar in force is S's (settings lock held). */
static void calendar_settings_remember(struct api *api, const struct calendar_settings *s)
{
	free(api->calendar_key);
	/* NULL (out of memory) only costs a rebuild at the next refresh. */
	api->calendar_key = calendar_settings_key(s);
}

/* The calendar settings in force, each defaulting as `serve` defaults it. */
static int calendar_settings_read(struct api_call *call, struct calendar_settings *out)
{
	const char *keys[] = {KEY_TIMEZONE, KEY_HOURS, KEY_HOLIDAYS};
	char *values[3];
	for (int i = 0; i < 3; i++) {
		int rc =
			store_setting_get(call->conn, keys[i], call->arena, &values[i], &call->err);
		if (rc < 0)
			return rc;
	}
	const char *zone = values[0], *hours = values[1], *holidays = values[2];
	out->timezone = zone ? zone : CALENDAR_DEFAULT_ZONE;
	out->hours = hours ? hours : CALENDAR_DEFAULT_HOURS;
	out->holidays = holidays ? holidays : "";
	out->holidays_default = !holidays;
	return 0;
}

static json_t *calendar_settings_json(const struct calendar_settings *s)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "timezone", s->timezone, "hours", s->hours,
			 "holidays", s->holidays, "holidays_default", s->holidays_default);
}

/*
 * Builds the calendar S describes into *out (the caller's). A part that
 * does not parse is a field error named after its field, and -SB_EINVAL;
 * so is a field error recorded before the call (the parts are still checked).
 */
static int calendar_build(struct api_call *call, const struct calendar_settings *s,
			  struct calendar **out)
{
	struct tz_zone *zone = NULL;
	struct hours_week week;
	struct holidays holidays = {0};
	struct sb_error e;
	int rc = tz_zone_load(s->timezone, &zone, &e);
	if (rc == -SB_ENOTFOUND || rc == -SB_EINVAL)
		api_field_error(call, "timezone", "%s", e.message);
	else if (rc < 0)
		return api_fail(call, -rc, "%s", e.message);
	if (hours_parse(s->hours, &week, &e) < 0)
		api_field_error(call, "hours", "%s", e.message);
	if (s->holidays_default)
		holidays_default(&holidays);
	else if ((rc = holidays_parse(s->holidays, &holidays, &e)) == -SB_ENOMEM)
		api_field_error(call, "holidays", "out of memory");
	else if (rc < 0)
		api_field_error(call, "holidays", "%s", e.message);
	if (call->nfields) {
		rc = -SB_EINVAL;
	} else if ((rc = calendar_new(zone, &week, &holidays, out, &call->err)) == 0) {
		zone = NULL; /* the calendar's now */
	}
	tz_zone_free(zone);
	holidays_done(&holidays);
	return rc;
}

/*
 * Reads the calendar fields present in the body over S. HOLIDAYS_DEFAULT
 * true means the US rules and no list of dates (`serve` reads one or the
 * other); a list of dates turns the default off.
 */
static void calendar_settings_from_body(struct api_call *call, struct calendar_settings *s)
{
	const char *zone = api_body_string(call, "timezone");
	const char *hours = api_body_string(call, "hours");
	const char *holidays = api_body_string(call, "holidays");
	int use_default = api_body_bool(call, "holidays_default");
	if (zone)
		s->timezone = zone;
	if (hours)
		s->hours = hours;
	if (use_default == 1) {
		if (holidays && holidays[strspn(holidays, " \t")] != '\0')
			api_field_error(call, "holidays",
					"the default holidays take no list of dates: send "
					"holidays_default false to list your own");
		s->holidays = "";
		s->holidays_default = true;
	} else if (holidays) {
		s->holidays = holidays;
		s->holidays_default = false;
	} else if (use_default == 0 && s->holidays_default) {
		s->holidays = "";
		s->holidays_default = false;
	}
}

int api_settings_calendar_get(struct api_call *call)
{
	struct calendar_settings s;
	int rc = calendar_settings_read(call, &s);
	return rc < 0 ? rc : api_json(call, 200, calendar_settings_json(&s));
}

/*
 * PUT: timezone, hours and holidays_default are required; holidays (dates)
 * defaults to none. Stored, then in force for every due time computed from
 * now on; due times already set are not recomputed.
 */
int api_settings_calendar_put(struct api_call *call)
{
	/* The defaults stand in for missing fields only so that the others are checked too. */
	struct calendar_settings s = {CALENDAR_DEFAULT_ZONE, CALENDAR_DEFAULT_HOURS, "", false};
	static const char *const required[] = {"timezone", "hours", "holidays_default"};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		json_t *v = json_object_get(call->body, required[i]);
		if (!v || json_is_null(v))
			api_field_error(call, required[i], "required");
	}
	calendar_settings_from_body(call, &s);
	struct calendar *cal = NULL;
	int rc = calendar_build(call, &s, &cal);
	if (rc < 0)
		return rc;
	/* A calendar with no working time would fail every standard ticket. */
	int64_t due;
	if (sla_due(cal, SLA_PRIORITY_STANDARD, call->now, &due, NULL) < 0) {
		calendar_free(cal);
		api_field_error(call, "hours", "no working time in the next century");
		return -SB_EINVAL;
	}

	pthread_mutex_lock(&call->api->settings_lock);
	if ((rc = store_write_begin(call->conn, &call->err)) == 0 &&
	    (rc = store_setting_put(call->conn, KEY_TIMEZONE, s.timezone, &call->err)) == 0 &&
	    (rc = store_setting_put(call->conn, KEY_HOURS, s.hours, &call->err)) == 0)
		/* No calendar.holidays is what makes `serve` use the default ones. */
		rc = s.holidays_default
			     ? store_setting_delete(call->conn, KEY_HOLIDAYS, &call->err)
			     : store_setting_put(call->conn, KEY_HOLIDAYS, s.holidays, &call->err);
	if (rc < 0 || (rc = store_write_commit(call->conn, &call->err)) < 0) {
		store_write_rollback(call->conn);
		pthread_mutex_unlock(&call->api->settings_lock);
		calendar_free(cal);
		return rc;
	}
	api_calendar_replace(call->api, cal);
	calendar_settings_remember(call->api, &s);
	pthread_mutex_unlock(&call->api->settings_lock);
	return api_json(call, 200, calendar_settings_json(&s));
}

static json_t *instant(int64_t t)
{
	char buf[RFC3339_BUFSIZE];
	return rfc3339_format(t, buf) < 0 ? json_null() : json_string(buf);
}

/*
 * POST /calendar/preview: the targets of a ticket filed at `at` (default
 * now) on the calendar the body describes over the settings in force.
 * Builds a calendar for the request and stores nothing.
 */
int api_calendar_preview(struct api_call *call)
{
	struct calendar_settings s;
	int rc = calendar_settings_read(call, &s);
	if (rc < 0)
		return rc;
	calendar_settings_from_body(call, &s);
	int64_t at = call->now;
	const char *at_s = api_body_string(call, "at");
	struct sb_error e;
	if (at_s && rfc3339_parse(at_s, &at, &e) < 0)
		api_field_error(call, "at", "%s", e.message);
	else if (at < SLA_MIN_INSTANT || at >= SLA_MAX_INSTANT)
		api_field_error(call, "at", "outside the supported years 1900 to 9999");

	/* Checks the calendar's fields even when `at` is bad: every problem at once. */
	struct calendar *cal = NULL;
	if ((rc = calendar_build(call, &s, &cal)) < 0)
		return rc;
	int64_t standard, emergency;
	int open;
	if ((rc = sla_due(cal, SLA_PRIORITY_STANDARD, at, &standard, &e)) < 0 ||
	    (rc = sla_due(cal, SLA_PRIORITY_EMERGENCY, at, &emergency, &e)) < 0 ||
	    (rc = calendar_is_working(cal, at, &open, &e)) < 0) {
		calendar_free(cal);
		if (rc != -SB_ERANGE)
			return api_fail(call, -rc, "%s", e.message);
		api_field_error(call, "hours", "%s", e.message);
		return -SB_EINVAL;
	}
	calendar_free(cal);
	return api_json(call, 200,
			json_pack("{s:o, s:o, s:o, s:b, s:s}", "at", instant(at), "standard_due_at",
				  instant(standard), "emergency_due_at", instant(emergency),
				  "open_now", open, "timezone", s.timezone));
}

/* ---- SLA ----------------------------------------------------------------- */

#define KEY_WARN_PERCENT     "sla.warn_percent"
#define KEY_EMERGENCY_UPDATE "sla.emergency_update_minutes"

static const struct sla_setting {
	const char *name, *key;
	int64_t fallback, min, max;
} sla_settings[] = {
	{"warn_percent", KEY_WARN_PERCENT, 75, 1, 99},
	{"emergency_update_minutes", KEY_EMERGENCY_UPDATE, 120, 15, 1440},
};

#define SLA_SETTINGS_COUNT (sizeof(sla_settings) / sizeof(sla_settings[0]))

/*
 * The values of the SLA settings, from a store connection. A stored value
 * that is not a number in range (the API never writes one) reads as the
 * default rather than stopping the server.
 */
static int sla_settings_read(struct store_conn *c, struct arena *a, int64_t values[],
			     struct sb_error *err)
{
	for (size_t i = 0; i < SLA_SETTINGS_COUNT; i++) {
		char *text = NULL;
		int64_t v;
		int rc = store_setting_get(c, sla_settings[i].key, a, &text, err);
		if (rc < 0)
			return rc;
		values[i] = text && api_parse_int(text, &v) && v >= sla_settings[i].min &&
					    v <= sla_settings[i].max
				    ? v
				    : sla_settings[i].fallback;
	}
	return 0;
}

int api_settings_load(struct api *api, struct sb_error *err)
{
	struct store_conn *c;
	struct arena *a = arena_new();
	int64_t values[SLA_SETTINGS_COUNT];
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = store_conn(api->store, &c, err);
	if (rc == 0 && (rc = sla_settings_read(c, a, values, err)) == 0)
		atomic_store(&api->warn_percent, (int)values[0]);
	arena_free(a);
	return rc;
}

static json_t *sla_settings_json(const int64_t values[])
{
	json_t *j = json_object();
	for (size_t i = 0; i < SLA_SETTINGS_COUNT; i++)
		json_object_set_new(j, sla_settings[i].name, json_integer(values[i]));
	return j;
}

int api_settings_sla_get(struct api_call *call)
{
	int64_t values[SLA_SETTINGS_COUNT];
	int rc = sla_settings_read(call->conn, call->arena, values, &call->err);
	return rc < 0 ? rc : api_json(call, 200, sla_settings_json(values));
}

/* PUT: both settings, required. */
int api_settings_sla_put(struct api_call *call)
{
	int64_t values[SLA_SETTINGS_COUNT];
	for (size_t i = 0; i < SLA_SETTINGS_COUNT; i++) {
		const struct sla_setting *st = &sla_settings[i];
		if (!api_body_int(call, st->name, &values[i])) {
			if (!api_body_has(call, st->name) ||
			    json_is_null(json_object_get(call->body, st->name)))
				api_field_error(call, st->name, "required");
		} else if (values[i] < st->min || values[i] > st->max) {
			api_field_error(call, st->name, "an integer from %lld to %lld",
					(long long)st->min, (long long)st->max);
		}
	}
	if (call->nfields)
		return -SB_EINVAL;
	int rc = 0;
	pthread_mutex_lock(&call->api->settings_lock);
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		goto out;
	for (size_t i = 0; i < SLA_SETTINGS_COUNT; i++) {
		char *text = arena_printf(call->arena, "%lld", (long long)values[i]);
		if (!text) {
			rc = api_fail(call, SB_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = store_setting_put(call->conn, sla_settings[i].key, text, &call->err)) < 0)
			goto out;
	}
	if ((rc = store_write_commit(call->conn, &call->err)) < 0)
		goto out;
	atomic_store(&call->api->warn_percent, (int)values[0]);
out:
	if (rc < 0)
		store_write_rollback(call->conn);
	pthread_mutex_unlock(&call->api->settings_lock);
	return rc < 0 ? rc : api_json(call, 200, sla_settings_json(values));
}

/*
 * Several servers on one database: a change saved through one must reach
 * the others, which keep the calendar and the warning percentage in
 * memory. Reads the settings (a few indexed reads) and, under the settings
 * lock, rebuilds the calendar when they are not the ones it was built
 * from. A stored calendar that does not build (the API never stores one)
 * leaves the one in force.
 */
int api_settings_refresh(struct api *api, struct sb_error *err)
{
	struct api_call call = {.api = api, .arena = arena_new(), .now = (int64_t)time(NULL)};
	struct calendar_settings s;
	int64_t values[SLA_SETTINGS_COUNT];
	if (!call.arena)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = store_conn(api->store, &call.conn, err);
	if (rc < 0)
		goto out;
	pthread_mutex_lock(&api->settings_lock);
	if ((rc = calendar_settings_read(&call, &s)) == 0 &&
	    (rc = sla_settings_read(call.conn, call.arena, values, &call.err)) == 0) {
		atomic_store(&api->warn_percent, (int)values[0]);
		char *key = calendar_settings_key(&s);
		struct calendar *cal = NULL;
		if (!key)
			rc = api_fail(&call, SB_ENOMEM, "out of memory");
		else if ((!api->calendar_key || strcmp(key, api->calendar_key) != 0) &&
			 (rc = calendar_build(&call, &s, &cal)) == 0) {
			api_calendar_replace(api, cal);
			free(api->calendar_key);
			api->calendar_key = key;
			key = NULL;
		}
		free(key);
	}
	pthread_mutex_unlock(&api->settings_lock);
	if (rc < 0)
		*err = call.err;
out:
	arena_free(call.arena);
	return rc;
}
