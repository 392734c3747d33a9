/* Tests for src/core/request_types.c: the default catalog and the rules text. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/request_types.h"
#include "core/teams.h"

#define REQ REQUEST_LEVEL_REQUIRED
#define REC REQUEST_LEVEL_RECOMMENDED
#define OPT REQUEST_LEVEL_OPTIONAL

static const struct request_type *find(const char *key)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	const struct request_type *t = request_type_find(all, n, key);
	cr_assert_not_null(t, "%s missing", key);
	return t;
}

static void parse_fails(const char *text, const char *needle)
{
	enum request_level rules[REQUEST_FIELD_COUNT];
	struct sb_error err = {0};
	cr_assert_eq(request_rules_parse(text, rules, &err), -SB_EINVAL, "'%s' parsed", text);
	cr_assert(strstr(err.message, needle), "'%s': message '%s' lacks '%s'", text, err.message,
		  needle);
}

Test(request_types, catalog_has_the_eleven_routed_then_seven_account_types_in_order)
{
	static const char *const routed[] = {
		"anti-malvertising", "app-bug",         "creative-audit", "data-pull",
		"inventory-quality", "implementation",  "manual-config",  "ad-serving",
		"buying-selling",    "traffic-quality", "ui-api-bug"};
	static const char *const account[] = {"business",    "billing", "training",
					      "enhancement", "roadmap", "general-usage",
					      "beta-program"};
	size_t n;
	const struct request_type *all = request_types_default(&n);
	cr_assert_eq(n, 18);
	for (size_t i = 0; i < 11; i++) {
		cr_assert_str_eq(all[i].key, routed[i]);
		cr_assert_eq(all[i].kind, REQUEST_KIND_ROUTED, "%s", all[i].key);
	}
	for (size_t i = 0; i < 7; i++) {
		cr_assert_str_eq(all[11 + i].key, account[i]);
		cr_assert_eq(all[11 + i].kind, REQUEST_KIND_ACCOUNT, "%s", all[11 + i].key);
		cr_assert_null(all[11 + i].team, "%s has a team", all[11 + i].key);
	}
}

Test(request_types, routed_types_go_to_the_teams_of_the_seed_table)
{
	static const struct {
		const char *type, *team;
	} table[] = {
		{"anti-malvertising", "anti-malvertising"}, {"app-bug", "app-support"},
		{"creative-audit", "ad-quality"},           {"data-pull", "client-services"},
		{"inventory-quality", "inventory-quality"}, {"implementation", "client-services"},
		{"manual-config", "client-services"},       {"ad-serving", "client-services"},
		{"buying-selling", "client-services"},      {"traffic-quality", "client-services"},
		{"ui-api-bug", "client-services"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct request_type *t = find(table[i].type);
		cr_assert_str_eq(t->team, table[i].team, "%s", t->key);
		cr_assert_not_null(team_find(t->team), "%s", t->key);
	}
}

Test(request_types, names_and_examples_come_from_the_seed_in_both_languages)
{
	const struct request_type *t = find("creative-audit");
	cr_assert_str_eq(t->name_en, "Creative auditing questions");
	cr_assert_str_eq(t->name_es, "Preguntas de auditoría creativa");
	cr_assert_str_eq(t->example_en, "Creative was rejected but should be approved");
	cr_assert_str_eq(t->example_es, "Se rechazó la creatividad, pero se debe aprobar");
	t = find("data-pull");
	cr_assert_str_eq(t->example_en, "");
	cr_assert_str_eq(t->example_es, "");
	t = find("billing");
	cr_assert_str_eq(t->name_en, "Billing");
	cr_assert_str_eq(t->name_es, "Facturación");
	t = find("traffic-quality");
	cr_assert_str_eq(t->example_en, "Suspiciously high CTR");
	cr_assert_str_eq(t->example_es, "CTR sospechosamente alta");
}

Test(request_types, every_type_has_names_and_hints_in_both_languages)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	for (size_t i = 0; i < n; i++) {
		cr_assert(*all[i].name_en && *all[i].name_es, "%s", all[i].key);
		cr_assert(*all[i].hint_en && *all[i].hint_es, "%s", all[i].key);
		cr_assert_not_null(all[i].example_en, "%s", all[i].key);
		cr_assert_not_null(all[i].example_es, "%s", all[i].key);
	}
}

Test(request_types, every_routed_type_requires_subject_description_and_impact)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(all[i].rules[REQUEST_FIELD_SUBJECT], REQ, "%s", all[i].key);
		cr_assert_eq(all[i].rules[REQUEST_FIELD_DESCRIPTION], REQ, "%s", all[i].key);
		if (all[i].kind == REQUEST_KIND_ROUTED)
			cr_assert_eq(all[i].rules[REQUEST_FIELD_IMPACT], REQ, "%s", all[i].key);
	}
}

Test(request_types, bugs_require_steps_browser_and_os_and_want_a_screenshot_and_urls)
{
	const char *keys[] = {"app-bug", "ui-api-bug"};
	for (int i = 0; i < 2; i++) {
		const struct request_type *t = find(keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_STEPS], REQ);
		cr_assert_eq(t->rules[REQUEST_FIELD_BROWSER], REQ);
		cr_assert_eq(t->rules[REQUEST_FIELD_OS], REQ);
		cr_assert_eq(t->rules[REQUEST_FIELD_SCREENSHOT], REC);
		cr_assert_eq(t->rules[REQUEST_FIELD_URLS], REC);
		cr_assert_null(t->required_object_type);
	}
}

Test(request_types, creative_and_malvertising_questions_require_a_creative_id)
{
	const char *keys[] = {"creative-audit", "anti-malvertising"};
	for (int i = 0; i < 2; i++) {
		const struct request_type *t = find(keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_OBJECT_IDS], REQ);
		cr_assert_str_eq(t->required_object_type, "creative");
		cr_assert(request_object_type_valid(t->required_object_type));
	}
}

Test(request_types, data_pulls_and_manual_configuration_require_a_business_justification)
{
	cr_assert_eq(find("data-pull")->rules[REQUEST_FIELD_BUSINESS_JUSTIFICATION], REQ);
	cr_assert_eq(find("manual-config")->rules[REQUEST_FIELD_BUSINESS_JUSTIFICATION], REQ);
	cr_assert_eq(find("ad-serving")->rules[REQUEST_FIELD_BUSINESS_JUSTIFICATION], OPT);
}

Test(request_types, other_routed_types_recommend_object_ids_urls_and_steps)
{
	const char *keys[] = {"inventory-quality", "implementation", "ad-serving", "buying-selling",
			      "traffic-quality"};
	for (int i = 0; i < 5; i++) {
		const struct request_type *t = find(keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_OBJECT_IDS], REC, "%s", keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_URLS], REC, "%s", keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_STEPS], REC, "%s", keys[i]);
		cr_assert_eq(t->rules[REQUEST_FIELD_BROWSER], OPT, "%s", keys[i]);
		cr_assert_null(t->required_object_type);
	}
}

Test(request_types, account_types_require_only_subject_and_description)
{
	const struct request_type *t = find("beta-program");
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
		cr_assert_eq(t->rules[f], f <= REQUEST_FIELD_DESCRIPTION ? REQ : OPT, "%s",
			     request_type_field_name((enum request_field)f));
}

Test(request_types, find_is_exact_and_returns_null_for_unknown_keys)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	cr_assert_eq(request_type_find(all, n, "billing"), &all[12]);
	cr_assert_null(request_type_find(all, n, "Billing"));
	cr_assert_null(request_type_find(all, n, "bug"));
	cr_assert_null(request_type_find(all, n, NULL));
	cr_assert_null(request_type_find(all, 0, "billing"));
}

Test(request_types, field_names_are_the_api_keys_and_parse_back)
{
	cr_assert_str_eq(request_type_field_name(REQUEST_FIELD_SCREENSHOT), "attachments");
	cr_assert_str_eq(request_type_field_name(REQUEST_FIELD_OBJECT_IDS), "object_ids");
	cr_assert_str_eq(request_type_field_name(REQUEST_FIELD_BUSINESS_JUSTIFICATION),
			 "business_justification");
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
		enum request_field got;
		cr_assert_eq(request_type_field_parse(request_type_field_name(f), &got, NULL), 0);
		cr_assert_eq((int)got, f);
	}
	enum request_field got;
	struct sb_error err = {0};
	cr_assert_eq(request_type_field_parse("screenshot", &got, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "'screenshot'"), "%s", err.message);
	cr_assert_eq(request_type_field_parse("Subject", &got, NULL), -SB_EINVAL);
}

Test(request_types, level_names_parse_back_and_unknown_levels_are_named)
{
	for (int l = OPT; l <= REQ; l++) {
		enum request_level got;
		cr_assert_eq(request_level_parse(request_level_name(l), &got, NULL), 0);
		cr_assert_eq((int)got, l);
	}
	cr_assert_str_eq(request_level_name(REC), "recommended");
	enum request_level got;
	struct sb_error err = {0};
	cr_assert_eq(request_level_parse("mandatory", &got, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "'mandatory'"), "%s", err.message);
}

Test(request_types, rules_text_parses_into_levels)
{
	enum request_level r[REQUEST_FIELD_COUNT];
	struct sb_error err = {0};
	int rc = request_rules_parse(
		"subject=required,description=required,impact=required,steps=recommended", r, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_assert_eq(r[REQUEST_FIELD_IMPACT], REQ);
	cr_assert_eq(r[REQUEST_FIELD_STEPS], REC);
	cr_assert_eq(r[REQUEST_FIELD_URLS], OPT);
	cr_assert_eq(r[REQUEST_FIELD_SCREENSHOT], OPT);
}

Test(request_types, rules_text_allows_spaces_and_explicit_optional)
{
	enum request_level r[REQUEST_FIELD_COUNT];
	struct sb_error err = {0};
	int rc = request_rules_parse(
		" description = required , subject=required,urls=optional, attachments=required ",
		r, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_assert_eq(r[REQUEST_FIELD_SCREENSHOT], REQ);
	cr_assert_eq(r[REQUEST_FIELD_URLS], OPT);
}

Test(request_types, rules_format_then_parse_round_trips_every_default_type)
{
	size_t n;
	const struct request_type *all = request_types_default(&n);
	for (size_t i = 0; i < n; i++) {
		char buf[REQUEST_RULES_TEXT_SIZE];
		enum request_level back[REQUEST_FIELD_COUNT];
		struct sb_error err = {0};
		request_rules_format(all[i].rules, buf);
		cr_assert_eq(request_rules_parse(buf, back, &err), 0, "%s: %s", buf, err.message);
		cr_assert_arr_eq(back, all[i].rules, sizeof(back), "%s", all[i].key);
	}
}

Test(request_types, rules_format_writes_non_optional_fields_in_field_order)
{
	char buf[REQUEST_RULES_TEXT_SIZE];
	cr_assert_str_eq(request_rules_format(find("app-bug")->rules, buf),
			 "subject=required,description=required,impact=required,"
			 "object_ids=recommended,steps=required,urls=recommended,browser=required,"
			 "os=required,attachments=recommended");
	cr_assert_str_eq(request_rules_format(find("billing")->rules, buf),
			 "subject=required,description=required");
}

Test(request_types, rules_format_of_every_field_at_its_longest_level_fits)
{
	enum request_level r[REQUEST_FIELD_COUNT];
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
		r[f] = REC;
	char buf[REQUEST_RULES_TEXT_SIZE];
	request_rules_format(r, buf);
	cr_assert(strstr(buf, "business_justification=recommended"), "%s", buf);
	r[REQUEST_FIELD_SUBJECT] = r[REQUEST_FIELD_DESCRIPTION] = REQ;
	enum request_level back[REQUEST_FIELD_COUNT];
	cr_assert_eq(request_rules_parse(request_rules_format(r, buf), back, NULL), 0);
	cr_assert_arr_eq(back, r, sizeof(r));
}

Test(request_types, rules_text_errors_name_the_bad_field_or_level)
{
	parse_fails("subject=required,description=required,colour=required", "'colour'");
	parse_fails("subject=required,description=required,steps=mandatory",
		    "'mandatory' for steps");
	parse_fails("subject=required,description=required,steps", "'steps' is not FIELD=LEVEL");
	parse_fails("subject=required,description=required,steps=", "'' for steps");
	parse_fails("subject=required,description=required,=required", "field ''");
	parse_fails("subject=required,description=required,steps=required=", "'required='");
}

Test(request_types, rules_text_refuses_empty_items_and_repeats)
{
	parse_fails("", "item 1 is empty");
	parse_fails("subject=required,,description=required", "item 2 is empty");
	parse_fails("subject=required,description=required,", "item 3 is empty");
	parse_fails("subject=required,description=required,steps=required,steps=optional",
		    "steps named twice");
}

Test(request_types, rules_text_must_keep_subject_and_description_required)
{
	parse_fails("description=required,impact=required", "subject must be required");
	parse_fails("subject=required,description=recommended", "description must be required");
}

Test(request_types, rules_text_is_case_sensitive_and_limited_in_length)
{
	parse_fails("Subject=required,description=required", "'Subject'");
	parse_fails("subject=REQUIRED,description=required", "'REQUIRED'");
	char big[REQUEST_RULES_MAX + 2];
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	parse_fails(big, "longer than");
}

Test(request_types, failed_parse_leaves_the_output_untouched)
{
	enum request_level r[REQUEST_FIELD_COUNT];
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
		r[f] = REC;
	cr_assert_eq(request_rules_parse("subject=required,steps=required", r, NULL), -SB_EINVAL);
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
		cr_assert_eq(r[f], REC);
}

Test(request_types, object_types_are_the_fixed_lowercase_vocabulary)
{
	const char *ok[] = {"creative",  "member",          "bidder",     "placement",
			    "line_item", "insertion_order", "advertiser", "publisher",
			    "site",      "segment",         "deal",       "campaign",
			    "report"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert(request_object_type_valid(ok[i]), "%s", ok[i]);
		cr_assert(strstr(request_object_types_list(), ok[i]), "%s", ok[i]);
	}
	cr_assert_not(request_object_type_valid("Creative"));
	cr_assert_not(request_object_type_valid("line-item"));
	cr_assert_not(request_object_type_valid(""));
	cr_assert_not(request_object_type_valid(NULL));
}
