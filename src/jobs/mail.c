/*
 * From an outbox row to a mail: who receives it, in which language, what
 * it says (the ticket, the comment, the due time as the business calendar's
 * zone reads it), and the headers that make every mail of a ticket one
 * thread.
 *
 * Message-IDs come from the row, not from a clock or a random source: a
 * row delivered twice (docs/mail.md) gives two mails with the same
 * Message-ID, which mail systems and readers recognise as one.
 */
#include <stdlib.h>
#include <string.h>

#include "jobs/internal.h"
#include "mail/templates.h"

/* The comment an event reports: the row's payload names it by id (comments.c);
 * rows written before that carry nothing and get the latest public comment. */
static int find_comment(struct store_conn *c, const struct store_outbox *row, struct arena *a,
			struct store_comment *out, struct sb_error *err)
{
	struct store_comment *list;
	size_t n;
	/* Without notes: a staff note must never leave in a mail. */
	int rc = store_comments_list(c, row->ticket_id, false, a, &list, &n, err);
	if (rc < 0)
		return rc;
	char *end;
	long long id = strtoll(row->payload, &end, 10);
	bool by_id = row->payload[0] && *end == '\0';
	const struct store_comment *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (by_id ? list[i].id == id : list[i].created_at <= row->created_at)
			found = &list[i];
	}
	if (!found)
		return sb_error_set(err, SB_ENOTFOUND, "the comment to send is gone");
	*out = *found;
	return 0;
}

/* The ticket's side of the values: subject, priority, due time, people, org. */
static int ticket_vars(struct store_conn *c, const struct store_outbox *row, const char *lang,
		       const struct tz_zone *zone, struct arena *a, struct mail_vars *v,
		       struct store_ticket *t, struct sb_error *err)
{
	int rc = store_ticket_get(c, row->ticket_id, a, t, err);
	if (rc < 0)
		return rc;
	v->id = t->id;
	v->subject = t->subject;
	v->priority = mail_priority_name(lang, t->priority);
	/* The due time matters while the first response is still to come. */
	if (t->first_response_due_at && !t->first_response_at &&
	    !(v->due = mail_format_time(lang, t->first_response_due_at, zone, a)))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	if (t->emergency_criteria &&
	    !(v->criteria = mail_criteria_names(lang, t->emergency_criteria, a)))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	v->phone = t->emergency_phone;

	struct store_user requester;
	if ((rc = store_user_get(c, t->requester_id, a, &requester, err)) < 0)
		return rc;
	v->requester = requester.name;
	struct store_org org;
	if (t->org_id && (rc = store_org_get(c, t->org_id, a, &org, err)) == 0)
		v->org = org.name;
	else if (rc < 0 && rc != -SB_ENOTFOUND)
		return rc;
	struct store_request_type type;
	rc = store_request_type_get(c, t->request_type, a, &type, err);
	if (rc == 0)
		v->type = strcmp(lang, "es") == 0 ? type.name_es : type.name_en;
	else if (rc != -SB_ENOTFOUND)
		return rc;
	struct store_team *teams;
	size_t nteams;
	if (t->team && (rc = store_teams_list(c, a, &teams, &nteams, err)) < 0)
		return rc;
	for (size_t i = 0; t->team && i < nteams; i++)
		if (strcmp(teams[i].key, t->team) == 0)
			v->team = strcmp(lang, "es") == 0 ? teams[i].name_es : teams[i].name_en;
	struct store_user assignee;
	if (t->assignee_id && (rc = store_user_get(c, t->assignee_id, a, &assignee, err)) == 0)
		v->assignee = assignee.name;
	else if (t->assignee_id && rc != -SB_ENOTFOUND)
		return rc;
	/* An incomplete request (filed by mail, say) says what it lacks: the
	 * required details first, then the recommended ones. */
	const char *req = t->missing_required ? t->missing_required : "";
	const char *rec = t->missing_recommended ? t->missing_recommended : "";
	if (t->completeness < 100 || *req || *rec) {
		char *keys = arena_printf(a, "%s%s%s", req, *req && *rec ? "," : "", rec);
		v->missing = !keys                     ? NULL
			     : *keys                   ? mail_missing_names(lang, keys, a)
			     : strcmp(lang, "es") == 0 ? "algunos datos"
						       : "some details";
		if (!v->missing)
			return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	return 0;
}

int jobs_mail_prepare(struct store_conn *c, const struct store_outbox *row,
		      const struct mail_address *from, const struct tz_zone *zone,
		      const char *public_url, struct arena *a, struct jobs_mail *out,
		      struct sb_error *err)
{
	if (!mail_template_exists(row->event))
		return sb_error_set(err, SB_EINVAL, "no mail is sent for event %.40s", row->event);
	if (!row->recipient_id)
		return sb_error_set(err, SB_EINVAL, "no recipient");
	struct store_user to;
	int rc = store_user_get(c, row->recipient_id, a, &to, err);
	if (rc == -SB_ENOTFOUND)
		return sb_error_set(err, SB_EINVAL, "the recipient's account is gone");
	if (rc < 0)
		return rc;
	if (to.disabled)
		return sb_error_set(err, SB_EINVAL, "the recipient's account is disabled");
	if (!mail_address_valid(to.email))
		return sb_error_set(err, SB_EINVAL, "the recipient has no valid mail address");

	const char *lang = mail_language(to.language);
	/* Customers read their tickets in the portal, staff in the workspace. */
	bool staff = strcmp(to.role, "contact") != 0;
	struct mail_vars v = {.name = to.name,
			      .link = mail_ticket_link(public_url, staff, row->ticket_id, a)};
	if (!v.link)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	struct store_ticket t = {0};
	if (row->ticket_id && (rc = ticket_vars(c, row, lang, zone, a, &v, &t, err)) < 0)
		return rc == -SB_ENOTFOUND ? sb_error_set(err, SB_EINVAL, "the ticket is gone")
					   : rc;
	const char *ev = row->event;
	if (strcmp(ev, "agent_reply") == 0 || strcmp(ev, "followup_question") == 0 ||
	    strcmp(ev, "customer_reply") == 0) {
		struct store_comment cm = {0};
		if ((rc = find_comment(c, row, a, &cm, err)) < 0)
			return rc == -SB_ENOTFOUND ? -SB_EINVAL : rc;
		v.text = cm.body;
		v.author = cm.author_name;
	} else if (strcmp(ev, "account_request") == 0) {
		v.text = row->ticket_id ? t.description : NULL;
	} else if (strcmp(ev, "ticket_resolved") == 0) {
		v.key = row->payload; /* the engineering issue whose fix resolved it */
	} else if (strcmp(ev, "priority_changed") == 0 || strcmp(ev, "draft_returned") == 0) {
		v.text = row->payload; /* the reason, the SPOC's comment */
	} else if (strcmp(ev, "emergency_on_call") == 0) {
		v.on_call = strcmp(row->payload, "on_call") == 0 ? "yes" : NULL; /* else a lead */
	} else if (strcmp(ev, "emergency_update_due") == 0) {
		v.minutes = row->payload; /* the period when it was queued */
	}

	struct mail_rendered r;
	if ((rc = mail_render(ev, lang, &v, a, &r, err)) < 0)
		return rc;
	const char *host = strchr(from->addr, '@') + 1;
	struct mail_message m = {
		.from = *from,
		.to = {.name = to.name, .addr = to.email},
		.subject = r.subject,
		/* When the event happened: a second attempt gives the same bytes. */
		.date = row->created_at,
		.text = r.text,
		.html = r.html,
	};
	if (row->ticket_id) {
		m.message_id = arena_printf(a, "outbox-%lld.ticket-%lld@%s", (long long)row->id,
					    (long long)row->ticket_id, host);
		m.thread_id = arena_printf(a, "ticket-%lld@%s", (long long)row->ticket_id, host);
	} else {
		m.message_id = arena_printf(a, "outbox-%lld@%s", (long long)row->id, host);
	}
	if (!m.message_id || (row->ticket_id && !m.thread_id))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	char *data;
	size_t len;
	if ((rc = mail_message_build(&m, a, &data, &len, err)) < 0)
		return rc;
	*out = (struct jobs_mail){.rcpt = to.email, .data = data, .len = len};
	return 0;
}
