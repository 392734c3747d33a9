/*
 * Tests for src/core/ticket.c: statuses, the validation of a new request
 * (every problem at once, named by API key), completeness, and priority
 * changes against the SLA targets.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/ticket.h"
#include "util/rfc3339.h"

static struct arena *arena;

static void setup(void)
{
	arena = arena_new();
	cr_assert_not_null(arena);
}

static void teardown(void)
{
	arena_free(arena);
}

TestSuite(ticket, .init = setup, .fini = teardown);

static const struct request_type *type_of(const char *key)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	const struct request_type *t = request_type_find(all, n, key);
	cr_assert_not_null(t, "%s", key);
	return t;
}

static const struct ticket_object_id creative_42[] = {{"creative", "42"}};
static const char *const one_url[] = {"https://example.com/test-page?x=1"};

/* A complete, valid app bug: every required and recommended field. */
static struct ticket_input app_bug(void)
{
	return (struct ticket_input){
		.request_type = "app-bug",
		.subject = "App will not load",
		.description = "The app shows a blank page after login.",
		.impact = "No trafficker can work today.",
		.object_ids = creative_42,
		.n_object_ids = 1,
		.steps = "1. Log in\n2. Open the app",
		.urls = one_url,
		.n_urls = 1,
		.browser = "Firefox 128",
		.os = "Debian 12",
		.attachment_count = 1,
	};
}

struct result {
	int rc;
	struct ticket_field_error *errors;
	size_t n;
	struct ticket_completeness completeness;
};

static struct result validate(const char *type, const struct ticket_input *in)
{
	struct result r;
	r.rc = ticket_validate(type ? type_of(type) : NULL, in, arena, &r.errors, &r.n,
			       &r.completeness);
	return r;
}

static void assert_valid(const char *type, const struct ticket_input *in)
{
	struct result r = validate(type, in);
	cr_assert_eq(r.rc, 0, "%zu errors, first %s: %s", r.n, r.n ? r.errors[0].field : "",
		     r.n ? r.errors[0].message : "");
	cr_assert_eq(r.n, 0);
}

/* Whether R has an error on FIELD whose message contains NEEDLE. */
static bool has_error(const struct result *r, const char *field, const char *needle)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->errors[i].field, field) == 0 && strstr(r->errors[i].message, needle))
			return true;
	return false;
}

#define ASSERT_ERROR(r, field, needle)                                                             \
	cr_assert(has_error(&(r), field, needle), "no error on %s with '%s'", field, needle)

/* Asserts that IN fails with exactly one error, on FIELD, mentioning NEEDLE. */
static void assert_only_error(const char *type, const struct ticket_input *in, const char *field,
			      const char *needle)
{
	struct result r = validate(type, in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	cr_assert_eq(r.n, 1, "%zu errors, first %s: %s", r.n, r.n ? r.errors[0].field : "",
		     r.n ? r.errors[0].message : "");
	cr_assert_str_eq(r.errors[0].field, field, "(%s)", r.errors[0].message);
	cr_assert(strstr(r.errors[0].message, needle), "'%s' lacks '%s'", r.errors[0].message,
		  needle);
}

Test(ticket, status_names_are_the_lifecycle_words_and_parse_back)
{
	static const char *const names[] = {
		"new", "open", "awaiting_customer", "pending_engineering", "resolved", "closed"};
	for (int s = 0; s < TICKET_STATUS_COUNT; s++) {
		enum ticket_status got;
		cr_assert_str_eq(ticket_status_name(s), names[s]);
		cr_assert_eq(ticket_status_parse(names[s], &got, NULL), 0);
		cr_assert_eq((int)got, s);
	}
	enum ticket_status got;
	struct sb_error err = {0};
	cr_assert_eq(ticket_status_parse("Open", &got, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "'Open'"), "%s", err.message);
	cr_assert_eq(ticket_status_parse("pending", &got, NULL), -SB_EINVAL);
}

Test(ticket, a_complete_app_bug_is_valid_and_fully_complete)
{
	struct ticket_input in = app_bug();
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, 0);
	cr_assert_eq(r.completeness.percent, 100);
	cr_assert_eq(r.completeness.n_missing, 0);
}

Test(ticket, every_missing_required_field_is_reported_at_once)
{
	struct ticket_input in = {.request_type = "app-bug"};
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	cr_assert_eq(r.n, 6);
	ASSERT_ERROR(r, "subject", "required");
	ASSERT_ERROR(r, "description", "required");
	ASSERT_ERROR(r, "impact", "required");
	ASSERT_ERROR(r, "steps", "required");
	ASSERT_ERROR(r, "browser", "required");
	ASSERT_ERROR(r, "os", "required");
}

Test(ticket, blank_text_counts_as_missing)
{
	struct ticket_input in = app_bug();
	in.steps = " \n\t ";
	assert_only_error("app-bug", &in, "steps", "required");
	in = app_bug();
	in.subject = "   ";
	assert_only_error("app-bug", &in, "subject", "required");
}

Test(ticket, account_requests_need_only_subject_and_description)
{
	struct ticket_input in = {.request_type = "billing",
				  .subject = "Invoice",
				  .description = "The March invoice is missing."};
	assert_valid("billing", &in);
	in.description = NULL;
	assert_only_error("billing", &in, "description", "required");
}

Test(ticket, unknown_or_missing_request_type_is_reported_with_the_rest)
{
	struct ticket_input in = {.request_type = "bugz", .subject = "x"};
	struct result r = validate(NULL, &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	ASSERT_ERROR(r, "request_type", "unknown request type 'bugz'");
	ASSERT_ERROR(r, "description", "required");
	cr_assert_eq(r.n, 2);
	in.request_type = NULL;
	r = validate(NULL, &in);
	ASSERT_ERROR(r, "request_type", "required");
}

Test(ticket, a_required_screenshot_means_at_least_one_attachment)
{
	static const enum request_level levels[REQUEST_FIELD_COUNT] = {
		[REQUEST_FIELD_SUBJECT] = REQUEST_LEVEL_REQUIRED,
		[REQUEST_FIELD_DESCRIPTION] = REQUEST_LEVEL_REQUIRED,
		[REQUEST_FIELD_SCREENSHOT] = REQUEST_LEVEL_REQUIRED,
	};
	struct request_type t = *type_of("ui-api-bug");
	memcpy(t.rules, levels, sizeof(levels));
	struct ticket_input in = {.subject = "s", .description = "d"};
	struct ticket_field_error *errors;
	size_t n;
	cr_assert_eq(ticket_validate(&t, &in, arena, &errors, &n, NULL), -SB_EINVAL);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(errors[0].field, "attachments");
	cr_assert(strstr(errors[0].message, "screenshot"));
	in.attachment_count = 2;
	cr_assert_eq(ticket_validate(&t, &in, arena, &errors, &n, NULL), 0);
}

Test(ticket, creative_questions_need_an_object_id_of_type_creative)
{
	struct ticket_input in = {.subject = "Rejected", .description = "d", .impact = "i"};
	assert_only_error("creative-audit", &in, "object_ids", "of type creative");
	static const struct ticket_object_id member[] = {{"member", "958"}};
	in.object_ids = member;
	in.n_object_ids = 1;
	assert_only_error("anti-malvertising", &in, "object_ids", "of type creative");
	static const struct ticket_object_id both[] = {{"member", "958"}, {"creative", "7"}};
	in.object_ids = both;
	in.n_object_ids = 2;
	assert_valid("creative-audit", &in);
}

Test(ticket, data_pulls_need_a_business_justification)
{
	struct ticket_input in = {.subject = "Pull", .description = "d", .impact = "i"};
	assert_only_error("data-pull", &in, "business_justification", "required");
	in.business_justification = "Quarterly audit by our largest advertiser.";
	assert_valid("data-pull", &in);
	assert_only_error("manual-config",
			  &(struct ticket_input){.subject = "s", .description = "d", .impact = "i"},
			  "business_justification", "required");
}

Test(ticket, absent_priority_is_standard_and_unknown_priority_is_refused)
{
	struct ticket_input in = app_bug();
	in.priority = "standard";
	assert_valid("app-bug", &in);
	in.priority = "urgent";
	assert_only_error("app-bug", &in, "priority", "'urgent'");
	in.priority = "Emergency";
	assert_only_error("app-bug", &in, "priority", "expected standard or emergency");
}

Test(ticket, an_emergency_needs_criteria_and_a_phone)
{
	struct ticket_input in = app_bug();
	in.priority = "emergency";
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	cr_assert_eq(r.n, 2);
	ASSERT_ERROR(r, "emergency_criteria", "production_down");
	ASSERT_ERROR(r, "emergency_phone", "phone");

	static const char *const down[] = {"production_down"};
	static const char *const both[] = {"financial_loss", "production_down"};
	in.emergency_criteria = down;
	in.n_emergency_criteria = 1;
	in.emergency_phone = "+1 (212) 555-0100";
	assert_valid("app-bug", &in);
	in.emergency_criteria = both;
	in.n_emergency_criteria = 2;
	assert_valid("app-bug", &in);
}

Test(ticket, emergency_criteria_are_the_two_of_the_seed_each_once)
{
	struct ticket_input in = app_bug();
	in.priority = "emergency";
	in.emergency_phone = "212 555 0100";
	static const char *const unknown[] = {"production_down", "slow"};
	in.emergency_criteria = unknown;
	in.n_emergency_criteria = 2;
	assert_only_error("app-bug", &in, "emergency_criteria[1]", "unknown criterion 'slow'");
	static const char *const twice[] = {"financial_loss", "financial_loss"};
	in.emergency_criteria = twice;
	assert_only_error("app-bug", &in, "emergency_criteria[1]", "twice");
	static const char *const three[] = {"financial_loss", "production_down", "financial_loss"};
	in.emergency_criteria = three;
	in.n_emergency_criteria = 3;
	assert_only_error("app-bug", &in, "emergency_criteria", "one or both");
	static const char *const upper[] = {"PRODUCTION_DOWN"};
	in.emergency_criteria = upper;
	in.n_emergency_criteria = 1;
	assert_only_error("app-bug", &in, "emergency_criteria[0]", "unknown criterion");
}

Test(ticket, emergency_phone_must_be_plausible)
{
	struct ticket_input in = app_bug();
	static const char *const down[] = {"production_down"};
	in.priority = "emergency";
	in.emergency_criteria = down;
	in.n_emergency_criteria = 1;
	in.emergency_phone = "call me";
	assert_only_error("app-bug", &in, "emergency_phone", "'call me' is not a phone number");
}

Test(ticket, phone_numbers_have_7_to_15_digits_and_few_separators)
{
	cr_assert(ticket_phone_valid("5550100"));
	cr_assert(ticket_phone_valid("+44 20 7946 0958"));
	cr_assert(ticket_phone_valid("(212) 555-0100"));
	cr_assert(ticket_phone_valid("+1.212.555.0100"));
	cr_assert(ticket_phone_valid("123456789012345"));
	cr_assert_not(ticket_phone_valid("555010"));           /* 6 digits */
	cr_assert_not(ticket_phone_valid("1234567890123456")); /* 16 digits */
	cr_assert_not(ticket_phone_valid("1-800-FLOWERS"));
	cr_assert_not(ticket_phone_valid("212+5550100")); /* + only first */
	cr_assert_not(ticket_phone_valid("++12125550100"));
	cr_assert_not(ticket_phone_valid("(212 555 0100")); /* unpaired */
	cr_assert_not(ticket_phone_valid("212) 555 0100"));
	cr_assert_not(ticket_phone_valid("((212)) 5550100")); /* nested */
	cr_assert_not(ticket_phone_valid("(1(212) 5550100"));
	cr_assert_not(ticket_phone_valid("212 555 0100 ext 4"));
	cr_assert_not(ticket_phone_valid(""));
	cr_assert_not(ticket_phone_valid("1 2 3 4 5 6 7 - - - - - - - - - - - - - - -"));
}

Test(ticket, criteria_or_phone_on_a_standard_request_is_an_error)
{
	struct ticket_input in = app_bug();
	static const char *const down[] = {"production_down"};
	in.emergency_criteria = down;
	in.n_emergency_criteria = 1;
	in.emergency_phone = "+1 212 555 0100";
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	cr_assert_eq(r.n, 2);
	ASSERT_ERROR(r, "emergency_criteria", "this request is standard");
	ASSERT_ERROR(r, "emergency_phone", "this request is standard");
	in.priority = "standard";
	r = validate("app-bug", &in);
	cr_assert_eq(r.n, 2);
}

Test(ticket, account_requests_cannot_be_emergencies)
{
	static const char *const loss[] = {"financial_loss"};
	struct ticket_input in = {.subject = "Invoice",
				  .description = "Charged twice",
				  .priority = "emergency",
				  .emergency_criteria = loss,
				  .n_emergency_criteria = 1,
				  .emergency_phone = "2125550100"};
	assert_only_error("billing", &in, "priority", "account request");
}

Test(ticket, object_ids_need_a_known_lowercase_type_and_a_short_plain_id)
{
	static const struct ticket_object_id ids[] = {
		{"creative", "123"},        {"Creative", "1"}, {"", "2"},
		{"line_item", ""},          {"deal", "a b"},   {NULL, NULL},
		{"segment", "seg.1:x_y-z"}, {"widget", "9"},
	};
	struct ticket_input in = app_bug();
	in.object_ids = ids;
	in.n_object_ids = sizeof(ids) / sizeof(ids[0]);
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	ASSERT_ERROR(r, "object_ids[1].type", "unknown object type 'Creative'");
	ASSERT_ERROR(r, "object_ids[2].type", "required");
	ASSERT_ERROR(r, "object_ids[3].id", "required");
	ASSERT_ERROR(r, "object_ids[4].id", "only letters, digits");
	ASSERT_ERROR(r, "object_ids[5].type", "required");
	ASSERT_ERROR(r, "object_ids[5].id", "required");
	ASSERT_ERROR(r, "object_ids[7].type", "'widget'");
	cr_assert_eq(r.n, 7);
}

Test(ticket, object_ids_are_at_most_64_characters)
{
	char id[TICKET_OBJECT_ID_MAX + 2];
	memset(id, '7', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	struct ticket_object_id ids[] = {{"creative", id}};
	struct ticket_input in = app_bug();
	in.object_ids = ids;
	assert_only_error("app-bug", &in, "object_ids[0].id", "longer than 64");
	id[TICKET_OBJECT_ID_MAX] = '\0';
	assert_valid("app-bug", &in);
}

Test(ticket, more_than_50_object_ids_is_one_error_and_the_rest_are_checked_up_to_50)
{
	struct ticket_object_id ids[60];
	for (int i = 0; i < 60; i++)
		ids[i] = (struct ticket_object_id){"creative", "1"};
	ids[55].type = "nope"; /* past the limit: not looked at */
	struct ticket_input in = app_bug();
	in.object_ids = ids;
	in.n_object_ids = 60;
	assert_only_error("app-bug", &in, "object_ids", "60 object ids; the limit is 50");
	in.n_object_ids = 50;
	assert_valid("app-bug", &in);
}

Test(ticket, urls_must_be_absolute_http_or_https)
{
	static const char *const urls[] = {
		"https://example.com",
		"HTTP://Example.com:8080/a?b#c",
		"ftp://example.com/f",
		"example.com/page",
		"https://",
		"http://exa mple.com/",
		"javascript:alert(1)",
		"https://user@host.example/x",
		"http://[::1]:80/",
		"http://host:99999/",
		"",
	};
	struct ticket_input in = app_bug();
	in.urls = urls;
	in.n_urls = sizeof(urls) / sizeof(urls[0]);
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	ASSERT_ERROR(r, "urls[2]", "'ftp://example.com/f' is not an absolute http or https URL");
	ASSERT_ERROR(r, "urls[3]", "not an absolute");
	ASSERT_ERROR(r, "urls[4]", "not an absolute");
	ASSERT_ERROR(r, "urls[5]", "not an absolute");
	ASSERT_ERROR(r, "urls[6]", "not an absolute");
	ASSERT_ERROR(r, "urls[9]", "not an absolute");
	ASSERT_ERROR(r, "urls[10]", "empty");
	cr_assert_eq(r.n, 7);
}

Test(ticket, url_validity_in_detail)
{
	cr_assert(ticket_url_valid("https://help.example.com/a/b?q=1&r=%20#frag"));
	cr_assert(ticket_url_valid("http://192.0.2.1/"));
	cr_assert(ticket_url_valid("https://b\xc3\xbc"
				   "cher.example/"));
	cr_assert(ticket_url_valid("https://host?x"));
	cr_assert_not(ticket_url_valid("https://host\x01/"));
	cr_assert_not(ticket_url_valid("https:/host/"));
	cr_assert_not(ticket_url_valid("https://:80/"));
	cr_assert_not(ticket_url_valid("https://host:8x/"));
	cr_assert_not(ticket_url_valid("https://[zz]/"));
	cr_assert_not(ticket_url_valid("https://h\xc3/"));
}

Test(ticket, urls_are_limited_in_number_and_length)
{
	const char *many[21];
	for (int i = 0; i < 21; i++)
		many[i] = "https://example.com/";
	struct ticket_input in = app_bug();
	in.urls = many;
	in.n_urls = 21;
	assert_only_error("app-bug", &in, "urls", "21 URLs; the limit is 20");

	char url[TICKET_URL_MAX + 2];
	memset(url, 'a', sizeof(url) - 1);
	memcpy(url, "https://x.example/", 18);
	url[sizeof(url) - 1] = '\0';
	const char *one[] = {url};
	in.urls = one;
	in.n_urls = 1;
	assert_only_error("app-bug", &in, "urls[0]", "longer than 2048 bytes");
	url[TICKET_URL_MAX] = '\0';
	assert_valid("app-bug", &in);
}

Test(ticket, every_text_must_be_valid_utf8)
{
	struct ticket_input in = app_bug();
	in.subject = "caf\xc3";
	in.description = "\xed\xa0\x80 surrogate";
	in.impact = "\xc0\xaf overlong";
	in.business_justification = "\xff";
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	cr_assert_eq(r.n, 4);
	ASSERT_ERROR(r, "subject", "UTF-8");
	ASSERT_ERROR(r, "description", "UTF-8");
	ASSERT_ERROR(r, "impact", "UTF-8");
	ASSERT_ERROR(r, "business_justification", "UTF-8");
}

Test(ticket, subjects_are_1_to_200_characters_counted_as_code_points)
{
	char subject[2 * TICKET_SUBJECT_MAX + 3];
	/* 200 copies of U+00F1: 400 bytes but 200 characters. */
	for (int i = 0; i < TICKET_SUBJECT_MAX; i++)
		memcpy(subject + 2 * i, "\xc3\xb1", 2);
	subject[2 * TICKET_SUBJECT_MAX] = '\0';
	struct ticket_input in = app_bug();
	in.subject = subject;
	assert_valid("app-bug", &in);
	strcat(subject, "x");
	assert_only_error("app-bug", &in, "subject", "201 characters long; the limit is 200");
}

Test(ticket, long_texts_stop_at_20000_characters_and_browser_at_200)
{
	static char text[TICKET_TEXT_MAX + 2];
	memset(text, 'a', TICKET_TEXT_MAX);
	text[TICKET_TEXT_MAX] = '\0';
	struct ticket_input in = app_bug();
	in.description = text;
	in.steps = text;
	assert_valid("app-bug", &in);
	text[TICKET_TEXT_MAX] = 'a';
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.n, 2);
	ASSERT_ERROR(r, "description", "the limit is 20000");
	ASSERT_ERROR(r, "steps", "the limit is 20000");

	char browser[TICKET_SHORT_MAX + 2];
	memset(browser, 'b', sizeof(browser) - 1);
	browser[sizeof(browser) - 1] = '\0';
	in = app_bug();
	in.os = browser;
	assert_only_error("app-bug", &in, "os", "the limit is 200");
}

Test(ticket, one_line_fields_refuse_line_breaks)
{
	struct ticket_input in = app_bug();
	in.subject = "Broken\r\nBcc: everyone@example.com";
	assert_only_error("app-bug", &in, "subject", "one line");
	in = app_bug();
	in.browser = "Firefox\n128";
	assert_only_error("app-bug", &in, "browser", "one line");
	in = app_bug();
	in.description = "line one\nline two\ttabbed";
	assert_valid("app-bug", &in);
}

Test(ticket, completeness_is_the_share_of_wanted_fields_present)
{
	/* app-bug wants 9 fields: 6 required, 3 recommended (object ids, urls, screenshot). */
	struct ticket_input in = app_bug();
	in.n_object_ids = 0;
	in.n_urls = 0;
	in.attachment_count = 0;
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.rc, 0);
	cr_assert_eq(r.completeness.percent, 66);
	cr_assert_eq(r.completeness.n_missing, 3);
	cr_assert_str_eq(r.completeness.missing[0], "object_ids");
	cr_assert_str_eq(r.completeness.missing[1], "urls");
	cr_assert_str_eq(r.completeness.missing[2], "attachments");
}

Test(ticket, completeness_counts_missing_required_fields_but_lists_only_recommended)
{
	struct ticket_input in = {.subject = "s", .description = "d"};
	struct result r = validate("ad-serving", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	/* ad-serving: subject, description, impact required; object ids, urls, steps recommended.
	 */
	cr_assert_eq(r.completeness.percent, 33);
	cr_assert_eq(r.completeness.n_missing, 3);
	cr_assert_str_eq(r.completeness.missing[0], "object_ids");
	cr_assert_str_eq(r.completeness.missing[1], "steps");
	cr_assert_str_eq(r.completeness.missing[2], "urls");
}

Test(ticket, many_problems_of_every_kind_are_all_reported)
{
	static const char *const bad_urls[] = {"nope"};
	static const struct ticket_object_id bad_ids[] = {{"member", "!"}};
	struct ticket_input in = {
		.subject = "",
		.priority = "emergency",
		.object_ids = bad_ids,
		.n_object_ids = 1,
		.urls = bad_urls,
		.n_urls = 1,
		.emergency_phone = "x",
	};
	struct result r = validate("creative-audit", &in);
	cr_assert_eq(r.rc, -SB_EINVAL);
	ASSERT_ERROR(r, "subject", "required");
	ASSERT_ERROR(r, "description", "required");
	ASSERT_ERROR(r, "impact", "required");
	ASSERT_ERROR(r, "object_ids", "of type creative");
	ASSERT_ERROR(r, "object_ids[0].id", "only letters");
	ASSERT_ERROR(r, "urls[0]", "not an absolute");
	ASSERT_ERROR(r, "emergency_criteria", "one or both");
	ASSERT_ERROR(r, "emergency_phone", "not a phone number");
	cr_assert_eq(r.n, 8);
}

Test(ticket, outside_text_is_quoted_safely_in_messages)
{
	struct ticket_input in = app_bug();
	in.priority = "x\ny";
	struct result r = validate("app-bug", &in);
	cr_assert_eq(r.n, 1);
	cr_assert_null(strchr(r.errors[0].message, '\n'));
	cr_assert(strstr(r.errors[0].message, "'x?y'"), "%s", r.errors[0].message);
}

/* Priority changes on the default calendar. */

static struct calendar *default_calendar(void)
{
	struct tz_zone *zone;
	struct hours_week week;
	struct holidays h;
	struct calendar *cal;
	cr_assert_eq(tz_zone_load(CALENDAR_DEFAULT_ZONE, &zone, NULL), 0);
	cr_assert_eq(hours_parse(CALENDAR_DEFAULT_HOURS, &week, NULL), 0);
	holidays_default(&h);
	cr_assert_eq(calendar_new(zone, &week, &h, &cal, NULL), 0);
	return cal;
}

static int64_t at(const char *s)
{
	int64_t t;
	cr_assert_eq(rfc3339_parse(s, &t, NULL), 0, "%s", s);
	return t;
}

#define STD       SLA_PRIORITY_STANDARD
#define EMERGENCY SLA_PRIORITY_EMERGENCY

Test(ticket, upgrade_before_response_is_one_hour_from_the_change)
{
	struct calendar *cal = default_calendar();
	/* Filed Monday 10:00 (due Tuesday 10:00); upgraded Monday 10:30. */
	int64_t due = 0;
	struct sb_error err = {0};
	int rc = ticket_priority_change(cal, STD, EMERGENCY, at("2026-11-23T10:30:00-05:00"),
					at("2026-11-24T10:00:00-05:00"), false, NULL, &due, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_assert_eq(due, at("2026-11-23T11:30:00-05:00"));
	calendar_free(cal);
}

Test(ticket, upgrade_never_moves_the_target_later)
{
	struct calendar *cal = default_calendar();
	/* Standard due Monday 09:00 (filed at the weekend); upgraded 08:30 Monday. */
	int64_t due = 0;
	cr_assert_eq(ticket_priority_change(cal, STD, EMERGENCY, at("2026-11-23T08:30:00-05:00"),
					    at("2026-11-23T09:00:00-05:00"), false, NULL, &due,
					    NULL),
		     0);
	cr_assert_eq(due, at("2026-11-23T09:00:00-05:00"));
	calendar_free(cal);
}

Test(ticket, downgrade_before_response_recomputes_the_standard_target_from_the_change)
{
	struct calendar *cal = default_calendar();
	int64_t due = 0;
	struct sb_error err = {0};
	/* An emergency filed Monday 10:00, downgraded at 10:20: one business day from 10:20. */
	int rc = ticket_priority_change(cal, EMERGENCY, STD, at("2026-11-23T10:20:00-05:00"),
					at("2026-11-23T11:00:00-05:00"), false,
					"Other campaigns serve; no financial loss.", &due, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_assert_eq(due, at("2026-11-24T10:20:00-05:00"));
	calendar_free(cal);
}

Test(ticket, after_the_first_response_the_target_stays)
{
	struct calendar *cal = default_calendar();
	int64_t due = 0, current = at("2026-11-24T10:00:00-05:00");
	cr_assert_eq(ticket_priority_change(cal, STD, EMERGENCY, at("2026-11-23T12:00:00-05:00"),
					    current, true, NULL, &due, NULL),
		     0);
	cr_assert_eq(due, current);
	cr_assert_eq(ticket_priority_change(cal, EMERGENCY, STD, at("2026-11-23T12:00:00-05:00"),
					    current, true, "not an emergency", &due, NULL),
		     0);
	cr_assert_eq(due, current);
	calendar_free(cal);
}

Test(ticket, downgrade_needs_a_reason_the_customer_sees)
{
	struct calendar *cal = default_calendar();
	int64_t due = 42;
	struct sb_error err = {0};
	int64_t now = at("2026-11-23T12:00:00-05:00");
	cr_assert_eq(ticket_priority_change(cal, EMERGENCY, STD, now, now, false, NULL, &due, &err),
		     -SB_EINVAL);
	cr_assert(strstr(err.message, "reason"), "%s", err.message);
	cr_assert_eq(ticket_priority_change(cal, EMERGENCY, STD, now, now, true, " \n", &due, NULL),
		     -SB_EINVAL);
	cr_assert_eq(
		ticket_priority_change(cal, EMERGENCY, STD, now, now, false, "\xff", &due, &err),
		-SB_EINVAL);
	cr_assert(strstr(err.message, "UTF-8"), "%s", err.message);
	cr_assert_eq(due, 42);
	calendar_free(cal);
}

Test(ticket, changing_to_the_same_priority_is_a_conflict)
{
	struct calendar *cal = default_calendar();
	int64_t due;
	struct sb_error err = {0};
	int64_t now = at("2026-11-23T12:00:00-05:00");
	cr_assert_eq(ticket_priority_change(cal, STD, STD, now, now, false, "x", &due, &err),
		     -SB_ECONFLICT);
	cr_assert(strstr(err.message, "already standard"), "%s", err.message);
	cr_assert_eq(ticket_priority_change(cal, EMERGENCY, EMERGENCY, now, now, false, NULL, &due,
					    NULL),
		     -SB_ECONFLICT);
	calendar_free(cal);
}
