/*
 * Tests for src/mail/templates.c: every event has English and Spanish,
 * every placeholder is filled, nothing a user typed becomes HTML, optional
 * paragraphs drop out, due times read as the calendar's zone reads them.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mail/templates.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new();
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(mail_templates, .init = setup, .fini = teardown);

static struct mail_vars all(const char *value)
{
	return (struct mail_vars){.id = 1234,
				  .subject = value,
				  .name = value,
				  .author = value,
				  .requester = value,
				  .org = value,
				  .type = value,
				  .priority = value,
				  .due = value,
				  .criteria = value,
				  .phone = value,
				  .key = value,
				  .text = value,
				  .link = value,
				  .missing = value,
				  .team = value,
				  .assignee = value,
				  .minutes = value,
				  .on_call = value};
}

static struct mail_rendered render(const char *event, const char *lang, const struct mail_vars *v)
{
	struct mail_rendered r;
	struct sb_error err = {0};
	cr_assert_eq(mail_render(event, lang, v, a, &r, &err), 0, "%s", err.message);
	return r;
}

Test(mail_templates, every_event_renders_in_both_languages_with_every_placeholder_filled)
{
	static const char *const langs[] = {"en", "es"};
	int n = 0;
	for (const char *const *e = mail_template_events; *e; e++, n++) {
		cr_assert(mail_template_exists(*e));
		for (int l = 0; l < 2; l++) {
			struct mail_vars v = all("VALUE");
			struct mail_rendered r = render(*e, langs[l], &v);
			cr_assert_null(strchr(r.subject, '{'), "%s/%s: %s", *e, langs[l],
				       r.subject);
			cr_assert_null(strchr(r.text, '{'), "%s/%s: %s", *e, langs[l], r.text);
			cr_assert_null(strchr(r.html, '{'), "%s/%s: %s", *e, langs[l], r.html);
			cr_assert_null(strchr(r.subject, '\n'));
			cr_assert_not_null(strstr(r.text, "VALUE"));
			cr_assert_not_null(
				strstr(r.html, l ? "<html lang=\"es\">" : "<html lang=\"en\">"));
			/* Every mail about a ticket carries its tag for threading replies. */
			if (strcmp(*e, "draft_returned") != 0)
				cr_assert(strncmp(r.subject, "[#1234] ", 8) == 0, "%s", r.subject);
		}
		/* The two languages say different things. */
		struct mail_vars v = all("VALUE");
		cr_assert_str_neq(render(*e, "en", &v).text, render(*e, "es", &v).text);
	}
	/* The events that src/api and the timers (src/jobs/timers.c) write to the outbox. */
	cr_assert_eq(n, 13);
}

Test(mail_templates, nothing_a_user_typed_becomes_markup)
{
	for (const char *const *e = mail_template_events; *e; e++) {
		struct mail_vars v = all("<img src=x onerror=alert(1)> & \"'");
		struct mail_rendered r = render(*e, "en", &v);
		cr_assert_null(strstr(r.html, "<img"), "%s", *e);
		cr_assert_not_null(
			strstr(r.html, "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;&#39;"),
			"%s", *e);
		/* The plain text keeps it as typed. */
		cr_assert_not_null(strstr(r.text, "<img src=x onerror=alert(1)> & \"'"));
	}
}

Test(mail_templates, a_paragraph_whose_value_is_missing_drops_out)
{
	struct mail_vars v = all("V");
	v.key = NULL;
	struct mail_rendered r = render("ticket_resolved", "en", &v);
	cr_assert_null(strstr(r.text, "engineering issue"));
	v.key = "ENG-42";
	r = render("ticket_resolved", "en", &v);
	cr_assert_not_null(strstr(r.text, "The fix for engineering issue ENG-42 has shipped."));
	v.due = "";
	r = render("priority_changed", "es", &v);
	cr_assert_null(strstr(r.text, "Le responderemos"));
}

Test(mail_templates, reply_text_keeps_its_lines)
{
	struct mail_vars v = all("V");
	v.text = "line one\nline two";
	struct mail_rendered r = render("agent_reply", "en", &v);
	cr_assert_not_null(strstr(r.text, "\n\nline one\nline two\n\n"));
	cr_assert_not_null(strstr(r.html, "<blockquote"));
	cr_assert_not_null(strstr(r.html, "line one<br>\nline two"));
}

Test(mail_templates, unknown_events_have_no_template)
{
	struct mail_vars v = all("V");
	struct mail_rendered r;
	cr_assert_eq(mail_render("webhook_only", "en", &v, a, &r, NULL), -SB_ENOTFOUND);
	cr_assert_not(mail_template_exists("webhook_only"));
}

Test(mail_templates, languages)
{
	cr_assert_str_eq(mail_language("es"), "es");
	cr_assert_str_eq(mail_language("en"), "en");
	cr_assert_str_eq(mail_language("fr"), "en");
	cr_assert_str_eq(mail_language(NULL), "en");
	cr_assert_str_eq(mail_priority_name("es", "emergency"), "emergencia");
	cr_assert_str_eq(mail_priority_name("en", "standard"), "standard");
	cr_assert_str_eq(mail_criteria_names("en", "production_down,financial_loss", a),
			 "an essential production feature is broken with no workaround; "
			 "significant financial loss");
	cr_assert_str_eq(mail_criteria_names("es", "financial_loss", a),
			 "una pérdida económica significativa");
}

Test(mail_templates, due_times_read_in_the_calendars_zone)
{
	struct tz_zone *ny;
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_load("America/New_York", &ny, &err), 0, "%s", err.message);
	/* 2025-03-04T22:00:00Z is 17:00 in New York (EST, before the DST change). */
	cr_assert_str_eq(mail_format_time("en", 1741125600, ny, a),
			 "Tuesday, March 4, 2025 at 17:00 (America/New_York)");
	cr_assert_str_eq(mail_format_time("es", 1741125600, ny, a),
			 "martes 4 de marzo de 2025 a las 17:00 (America/New_York)");
	/* 2025-07-06T13:05:00Z is 09:05 on a Sunday (EDT). */
	cr_assert_str_eq(mail_format_time("en", 1751807100, ny, a),
			 "Sunday, July 6, 2025 at 09:05 (America/New_York)");
	cr_assert_str_eq(mail_format_time("es", 1751807100, ny, a),
			 "domingo 6 de julio de 2025 a las 09:05 (America/New_York)");
	tz_zone_free(ny);
}

Test(mail_templates, every_mail_about_a_ticket_links_to_it_and_the_link_is_a_link_in_html)
{
	for (const char *const *e = mail_template_events; *e; e++) {
		struct mail_vars v = all("V");
		v.link = "https://desk.example/portal/tickets/1234?a=1&b=2";
		struct mail_rendered r = render(*e, "en", &v);
		cr_assert_not_null(
			strstr(r.text, "https://desk.example/portal/tickets/1234?a=1&b=2"),
			"%s: %s", *e, r.text);
		cr_assert_not_null(strstr(r.html, "<a href=\"https://desk.example/portal/tickets/"
						  "1234?a=1&amp;b=2\">https://desk.example/portal/"
						  "tickets/1234?a=1&amp;b=2</a>"),
				   "%s: %s", *e, r.html);
		r = render(*e, "es", &v);
		cr_assert_not_null(strstr(r.html, "<a href=\"https://desk.example/"), "%s", *e);
	}
}

Test(mail_templates, an_incomplete_request_lists_what_is_missing_and_where_to_complete_it)
{
	struct mail_vars v = all("V");
	v.link = "http://x/portal/tickets/1234";
	v.missing = mail_missing_names("en", "steps,os,attachments,custom", a);
	cr_assert_str_eq(v.missing,
			 "steps to reproduce, the operating system and its version, a screenshot, "
			 "custom");
	struct mail_rendered r = render("request_received", "en", &v);
	cr_assert_not_null(strstr(r.text, "missing details that help us solve it: steps to "
					  "reproduce"),
			   "%s", r.text);
	cr_assert_not_null(strstr(r.text, "Please complete it in the support portal: "
					  "http://x/portal/tickets/1234"));
	cr_assert_null(strstr(r.text, "You can follow it"), "{!missing} drops when missing");
	v.missing = NULL;
	r = render("request_received", "en", &v);
	cr_assert_null(strstr(r.text, "missing details"));
	cr_assert_not_null(strstr(r.text, "You can follow it in the support portal: "
					  "http://x/portal/tickets/1234"));
	v.missing = mail_missing_names("es", "browser", a);
	cr_assert_str_eq(v.missing, "el navegador y su versión");
	r = render("request_received", "es", &v);
	cr_assert_not_null(strstr(r.text, "le faltan datos que nos ayudan a resolverla: el "
					  "navegador"));
	cr_assert_null(strstr(r.text, "Puede seguirla"));
}

Test(mail_templates, the_otherwise_paragraphs_follow_their_field)
{
	struct mail_vars v = all("V");
	v.assignee = "Ana";
	struct mail_rendered r = render("sla_warning", "en", &v);
	cr_assert_not_null(strstr(r.text, "Assigned to Ana."));
	cr_assert_null(strstr(r.text, "Nobody is assigned"));
	v.assignee = NULL;
	v.team = "App Support";
	r = render("sla_warning", "en", &v);
	cr_assert_null(strstr(r.text, "Assigned to"));
	cr_assert_not_null(strstr(r.text, "anyone in the App Support team may take it"));
	v.on_call = "yes";
	r = render("emergency_on_call", "es", &v);
	cr_assert_not_null(strstr(r.text, "Usted es la persona de guardia"));
	cr_assert_null(strstr(r.text, "Nadie está de guardia"));
	v.on_call = NULL;
	r = render("emergency_on_call", "en", &v);
	cr_assert_null(strstr(r.text, "You are the team's on-call person"));
	cr_assert_not_null(strstr(r.text, "so its leads are alerted"));
	v.minutes = "90";
	r = render("emergency_update_due", "en", &v);
	cr_assert_not_null(strstr(r.text, "has not heard from us for 90 minutes"));
}

Test(mail_templates, links_go_to_the_portal_for_customers_and_the_workspace_for_staff)
{
	cr_assert_str_eq(mail_ticket_link("https://desk.example", false, 12, a),
			 "https://desk.example/portal/tickets/12");
	cr_assert_str_eq(mail_ticket_link("https://desk.example/", true, 12, a),
			 "https://desk.example/agent/tickets/12");
	cr_assert_str_eq(mail_ticket_link("http://127.0.0.1:8080//", false, 0, a),
			 "http://127.0.0.1:8080/portal");
}
