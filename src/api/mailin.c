/*
 * Mail in, on the API's rules (mailin.h). A delivery is a call without an
 * HTTP request: the sender is the caller, so that visibility
 * (api_ticket_load_for_write), the SPOC rule, the lifecycle and the
 * notifications are those of the API, by the same functions.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/internal.h"
#include "api/mailin.h"
#include "core/request_types.h"
#include "core/ticket.h"
#include "util/utf8.h"

const char *api_mail_outcome_name(enum api_mail_outcome outcome)
{
	switch (outcome) {
	case API_MAIL_REPLY: return "reply";
	case API_MAIL_NOTE: return "note";
	case API_MAIL_NEW_TICKET: return "new ticket";
	case API_MAIL_FOLLOW_UP: return "follow-up ticket";
	case API_MAIL_DUPLICATE: return "duplicate";
	case API_MAIL_DROPPED: return "dropped";
	}
	return "?";
}

/* S cut to at most MAX characters (at a character boundary), in A. */
static const char *cut_chars(struct arena *a, const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			break;
	return s[i] ? arena_strndup(a, s, i) : s;
}

static bool blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

/*
 * The mail's files as the call's (call->files), checked against the API's
 * limits, and, when EXTRA is not NULL, one more file (the whole text of a
 * message too long for a comment).
 */
static int take_files(struct api_call *call, const struct api_mail_in *in,
		      const struct api_mail_file *extra)
{
	size_t n = in->n_files + (extra != NULL);
	if (in->n_files > API_FILES_MAX)
		return api_fail(call, SB_EINVAL,
				"the message has %zu attachments; at most %d are accepted by mail: "
				"attach the others in the portal",
				in->n_files, API_FILES_MAX);
	call->files = arena_zalloc(call->arena, (n + 1) * sizeof(*call->files));
	if (!call->files)
		return api_fail(call, SB_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct api_mail_file *f = i < in->n_files ? &in->files[i] : extra;
		if (f->len > API_FILE_SIZE_MAX)
			return api_fail(call, SB_EINVAL,
					"the attachment %.80s is larger than %d MB, the limit",
					f->filename, API_FILE_SIZE_MAX / (1024 * 1024));
		call->files[i] = (struct http_part){.name = "file",
						    .filename = f->filename,
						    .content_type = f->content_type,
						    .data = f->data,
						    .len = f->len};
	}
	call->nfiles = n;
	return 0;
}

/* Remembers the message (a duplicate's transaction rolls back) and commits. */
static int finish(struct api_call *call, const struct api_mail_in *in, int64_t ticket_id,
		  int64_t comment_id, struct api_mail_result *out)
{
	static const char *const stored[] = {[API_MAIL_REPLY] = "reply",
					     [API_MAIL_NOTE] = "note",
					     [API_MAIL_NEW_TICKET] = "ticket",
					     [API_MAIL_FOLLOW_UP] = "follow_up"};
	int rc = store_inbound_insert(call->conn, in->key, ticket_id, comment_id,
				      stored[out->outcome], call->now, &call->err);
	if (rc == -SB_ECONFLICT) {
		/* Another delivery of the same message won the race. */
		store_write_rollback(call->conn);
		out->outcome = API_MAIL_DUPLICATE;
		return store_inbound_get(call->conn, in->key, &out->ticket_id, &call->err);
	}
	if (rc < 0 || (rc = store_write_commit(call->conn, &call->err)) < 0)
		return rc;
	out->ticket_id = ticket_id;
	out->comment_id = comment_id;
	return 0;
}

/* Automatic mail from someone allowed on T: kept for staff, answered by nobody. */
static int note(struct api_call *call, const struct api_mail_in *in, const struct store_ticket *t,
		struct api_mail_result *out)
{
	const char *text = blank(in->reply) ? "(no text)" : in->reply;
	struct store_comment c = {
		.ticket_id = t->id,
		.author_id = call->user.id,
		.kind = "note",
		.body = arena_printf(call->arena,
				     "Automatic mail received (not shown to the customer, nobody "
				     "notified): %s\n\n%s",
				     in->subject, cut_chars(call->arena, text, 10000)),
		.created_at = call->now,
	};
	int64_t cid;
	int rc;
	if (!c.body)
		return api_fail(call, SB_ENOMEM, "out of memory");
	if ((rc = store_comment_insert(call->conn, &c, &cid, &call->err)) < 0)
		return rc;
	api_event_queue(call, t, API_EVENT_COMMENT, true);
	out->outcome = API_MAIL_NOTE;
	return finish(call, in, t->id, cid, out);
}

/* A reply on T (loaded for write): a comment as from the portal, with the files. */
static int reply(struct api_call *call, const struct api_mail_in *in,
		 const struct store_ticket *old, struct store_attachment *rows,
		 struct api_mail_result *out)
{
	const char *body = in->reply;
	if (blank(body))
		body = arena_printf(call->arena, "(sent by mail with %zu attachment%s)",
				    call->nfiles, call->nfiles == 1 ? "" : "s");
	else
		body = cut_chars(call->arena, body, API_COMMENT_MAX_CHARS);
	struct store_ticket t;
	struct store_comment c;
	int rc;
	if (!body)
		return api_fail(call, SB_ENOMEM, "out of memory");
	if ((rc = api_comment_add(call, old, LIFECYCLE_COMMENT_REPLY, body, &t, &c)) < 0 ||
	    (rows && (rc = api_files_insert(call, t.id, rows, NULL)) < 0) ||
	    (rows && (rc = api_ticket_files_arrived(call, &t)) < 0))
		return rc;
	api_event_queue(call, &t, API_EVENT_COMMENT, false);
	if (rows)
		api_event_queue(call, &t, API_EVENT_ATTACHMENT, false);
	out->outcome = API_MAIL_REPLY;
	return finish(call, in, t.id, c.id, out);
}

static const char *join_keys(struct api_call *call, const char *const *keys, size_t n)
{
	char *s = arena_strdup(call->arena, "");
	for (size_t i = 0; s && i < n; i++)
		s = arena_printf(call->arena, "%s%s%s", s, i ? "," : "", keys[i]);
	return s;
}

/*
 * Fills the request type and completeness of ticket T, which has a
 * subject, a description and the call's files but no other field: every
 * other required field is missing, so the ticket is incomplete.
 */
static int classify(struct api_call *call, const char *type_key, struct store_ticket *t)
{
	struct store_request_type st;
	struct request_type type = {0};
	int rc;
	if ((rc = store_request_type_get(call->conn, type_key, call->arena, &st, &call->err)) < 0)
		return api_fail(call, SB_EIO, "the request type %s for mail does not exist",
				type_key);
	if (request_rules_parse(st.rules, type.rules, &call->err) < 0)
		return api_fail(call, SB_EIO, "request type %s has bad rules", st.key);
	type.key = st.key;
	type.kind = strcmp(st.kind, "account") == 0 ? REQUEST_KIND_ACCOUNT : REQUEST_KIND_ROUTED;
	type.team = st.team;
	type.required_object_type = st.required_object_type;

	struct ticket_input in = {.request_type = st.key,
				  .subject = t->subject,
				  .description = t->description,
				  .attachment_count = call->nfiles};
	struct ticket_field_error *errors;
	size_t nerrors;
	struct ticket_completeness done;
	if (ticket_validate(&type, &in, call->arena, &errors, &nerrors, &done) == -SB_ENOMEM)
		return api_fail(call, SB_ENOMEM, "out of memory");
	const char *missing[REQUEST_FIELD_COUNT + 1];
	size_t n = 0;
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
		bool present = f == REQUEST_FIELD_SUBJECT || f == REQUEST_FIELD_DESCRIPTION ||
			       (f == REQUEST_FIELD_SCREENSHOT && call->nfiles > 0);
		if (type.rules[f] == REQUEST_LEVEL_REQUIRED && !present)
			missing[n++] = request_type_field_name((enum request_field)f);
	}
	if (type.required_object_type &&
	    type.rules[REQUEST_FIELD_OBJECT_IDS] != REQUEST_LEVEL_REQUIRED)
		missing[n++] = "object_ids";
	bool routed = type.kind == REQUEST_KIND_ROUTED;
	t->request_type = st.key;
	t->kind = routed ? "routed" : "account";
	t->team = routed ? st.team : NULL;
	t->completeness = done.percent;
	t->missing_recommended = join_keys(call, done.missing, done.n_missing);
	t->missing_required = join_keys(call, missing, n);
	if (!t->missing_recommended || !t->missing_required)
		return api_fail(call, SB_ENOMEM, "out of memory");
	return 0;
}

/* A new request from the SPOC of ORG: a ticket marked incomplete. */
static int new_ticket(struct api_call *call, const struct api_mail_in *in,
		      const struct store_org *org, struct store_attachment *rows,
		      struct api_mail_result *out)
{
	char *type_key = NULL;
	int rc = store_setting_get(call->conn, "mail.request_type", call->arena, &type_key,
				   &call->err);
	if (rc < 0)
		return rc;
	const char *subject = blank(in->subject) ? "(no subject)" : in->subject;
	const char *text = !blank(in->full_text) ? in->full_text
			   : call->nfiles        ? "(no text: see the attachments)"
						 : "(the message had no text)";
	struct store_ticket t = {
		.org_id = org->id,
		.requester_id = call->user.id,
		.status = ticket_status_name(TICKET_STATUS_NEW),
		.priority = sla_priority_name(SLA_PRIORITY_STANDARD),
		.subject = cut_chars(call->arena, subject, TICKET_SUBJECT_MAX),
		.description = cut_chars(call->arena, text, TICKET_TEXT_MAX),
		.member_id = org->member_id,
		.created_at = call->now,
		.updated_at = call->now,
	};
	if ((rc = classify(call, type_key && *type_key ? type_key : API_MAIL_REQUEST_TYPE_DEFAULT,
			   &t)) < 0)
		return rc;
	if (strcmp(t.kind, "account") == 0)
		t.assignee_id = org->account_rep_id;
	int64_t id;
	if ((rc = api_ticket_insert(call, org, &t, rows, &id)) < 0)
		return rc;
	api_event_queue(call, &t, API_EVENT_CREATED, false);
	out->outcome = API_MAIL_NEW_TICKET;
	return finish(call, in, id, 0, out);
}

/* A customer's reply to closed ticket OLD: a follow-up ticket, as PRODUCT.md says. */
static int follow_up(struct api_call *call, const struct api_mail_in *in,
		     const struct store_ticket *old, const struct store_org *org,
		     struct store_attachment *rows, struct api_mail_result *out)
{
	struct store_ticket t = *old;
	const char *text = !blank(in->reply) ? in->reply
			   : call->nfiles    ? "(no text: see the attachments)"
					     : "(the message had no text)";
	t.id = 0;
	t.requester_id = call->user.id;
	t.assignee_id = strcmp(old->kind, "account") == 0 ? org->account_rep_id : 0;
	t.status = ticket_status_name(TICKET_STATUS_NEW);
	/* A follow-up is a new standard request; an emergency is filed as one. */
	t.priority = sla_priority_name(SLA_PRIORITY_STANDARD);
	t.emergency_criteria = "";
	t.emergency_phone = NULL;
	t.subject = cut_chars(call->arena,
			      arena_printf(call->arena, "Follow-up to #%lld: %s",
					   (long long)old->id, old->subject),
			      TICKET_SUBJECT_MAX);
	t.description = cut_chars(call->arena, text, TICKET_TEXT_MAX);
	t.created_at = t.updated_at = call->now;
	t.first_response_due_at = t.first_response_at = 0;
	t.response_business_seconds = t.response_clock_seconds = 0;
	t.resolved_at = t.closed_at = 0;
	t.version = 0;
	t.idempotency_key = NULL;
	if (!t.subject || !t.description)
		return api_fail(call, SB_ENOMEM, "out of memory");
	int64_t id;
	int rc;
	if ((rc = api_ticket_insert(call, org, &t, rows, &id)) < 0)
		return rc;
	struct store_history links[] = {
		{.ticket_id = id,
		 .actor_id = call->user.id,
		 .at = call->now,
		 .field = "follow_up_of",
		 .new_value = arena_printf(call->arena, "%lld", (long long)old->id)},
		{.ticket_id = old->id,
		 .actor_id = call->user.id,
		 .at = call->now,
		 .field = "follow_up",
		 .new_value = arena_printf(call->arena, "%lld", (long long)id)},
	};
	for (size_t i = 0; i < 2; i++)
		if ((rc = store_history_insert(call->conn, &links[i], &call->err)) < 0)
			return rc;
	api_event_queue(call, &t, API_EVENT_CREATED, false);
	out->outcome = API_MAIL_FOLLOW_UP;
	return finish(call, in, id, 0, out);
}

/* The sender as the call's user; -SB_ENOTFOUND for an unknown or disabled address. */
static int sender(struct api_call *call, const char *address)
{
	struct store_user u;
	int rc = store_user_get_by_email(call->conn, address, call->arena, &u, &call->err);
	if (rc == -SB_ENOTFOUND || (rc == 0 && u.disabled))
		return api_fail(call, SB_ENOTFOUND, "no account has the address %.100s", address);
	if (rc < 0)
		return rc;
	return api_load_user(call, u.id);
}

static int deliver(struct api_call *call, const struct api_mail_in *in, struct api_mail_result *out)
{
	int64_t seen;
	int rc;
	if (store_inbound_get(call->conn, in->key, &seen, NULL) == 0) {
		out->outcome = API_MAIL_DUPLICATE;
		out->ticket_id = seen;
		return 0;
	}
	if ((rc = sender(call, in->sender)) < 0)
		return rc;

	/* The bytes of the files first, durable before the transaction (as the API
	 * does); a text longer than a description takes is also kept whole, as a file. */
	const char *full = in->full_text ? in->full_text : "";
	struct api_mail_file whole = {.filename = "message.txt",
				      .content_type = "text/plain",
				      .data = full,
				      .len = strlen(full)};
	bool too_long = utf8_chars(full, whole.len) > TICKET_TEXT_MAX;
	struct store_attachment *rows = NULL;
	if (!in->automatic && ((rc = take_files(call, in, too_long ? &whole : NULL)) < 0 ||
			       (call->nfiles && (rc = api_files_put(call, &rows)) < 0)))
		return rc;

	struct store_ticket old;
	if (in->ticket_id) {
		if ((rc = api_ticket_load_for_write(call, in->ticket_id, &old)) == 0) {
			struct store_org org;
			if (in->automatic)
				return note(call, in, &old, out);
			if (strcmp(old.status, "closed") != 0)
				return reply(call, in, &old, rows, out);
			if (api_is_staff(call))
				return api_fail(call, SB_EPERM,
						"ticket #%lld is closed, and a closed ticket is "
						"final: reply in the workspace to its follow-up",
						(long long)old.id);
			if ((rc = store_org_get(call->conn, old.org_id, call->arena, &org,
						&call->err)) < 0)
				return rc;
			return follow_up(call, in, &old, &org, rows, out);
		}
		if (rc != -SB_ENOTFOUND)
			return rc;
		/* Not a ticket this sender may see: a new message, as if untagged. */
		store_write_rollback(call->conn);
	}

	if (in->automatic) {
		out->outcome = API_MAIL_DROPPED;
		return 0;
	}
	if (api_is_staff(call))
		return api_fail(call, SB_EPERM,
				"staff do not file requests by mail: reply to a ticket's "
				"notification, or use the workspace");
	struct store_org org;
	if ((rc = store_org_get(call->conn, call->user.org_id, call->arena, &org, &call->err)) < 0)
		return rc;
	if (org.spoc_id != call->user.id)
		return api_ticket_spoc_refusal(call, &org);
	if ((rc = store_write_begin(call->conn, &call->err)) < 0)
		return rc;
	return new_ticket(call, in, &org, rows, out);
}

int api_mail_deliver(struct api *api, const struct api_mail_in *in, int64_t now,
		     struct api_mail_result *out, struct sb_error *err)
{
	struct api_call call = {.api = api, .now = now};
	memset(out, 0, sizeof(*out));
	if (!(call.arena = arena_new()))
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = store_conn(api->store, &call.conn, &call.err);
	if (rc == 0)
		rc = deliver(&call, in, out);
	if (rc < 0) {
		if (call.conn && store_in_write(call.conn))
			store_write_rollback(call.conn);
		*err = call.err;
		if (!err->message[0])
			sb_error_set(err, -rc, "%s", sb_code_name(-rc));
	}
	/* The live events reach the web app through the servers that hold the
	 * streams, which learn of the message from its row (the watch below). */
	arena_free(call.arena);
	return rc;
}

/* ---- the watch: what other processes stored ----------------------------- */

/*
 * Once a second: the live events of the mail the mailgate stored, and the
 * settings another server saved (api_settings_refresh()).
 */

#define WATCH_PERIOD_MS 1000
#define WATCH_BATCH     64

struct api_mail_watch {
	struct api *api;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	int64_t seq; /* the last message published */
};

/* Publishes the events of the messages stored since the last round. */
static void watch_round(struct api_mail_watch *w)
{
	struct api_call call = {.api = w->api, .now = (int64_t)time(NULL)};
	struct store_inbound *rows;
	size_t n;
	if (!(call.arena = arena_new()))
		return;
	if (store_conn(w->api->store, &call.conn, &call.err) == 0 &&
	    store_inbound_since(call.conn, w->seq, WATCH_BATCH, call.arena, &rows, &n, &call.err) ==
		    0) {
		for (size_t i = 0; i < n; i++) {
			struct store_ticket t;
			w->seq = rows[i].seq;
			if (store_ticket_get(call.conn, rows[i].ticket_id, call.arena, &t, NULL) <
			    0)
				continue;
			bool created = strcmp(rows[i].outcome, "ticket") == 0 ||
				       strcmp(rows[i].outcome, "follow_up") == 0;
			api_event_queue(&call, &t, created ? API_EVENT_CREATED : API_EVENT_COMMENT,
					strcmp(rows[i].outcome, "note") == 0);
		}
		api_events_publish(&call);
	}
	arena_free(call.arena);
	/* Not an error to report: the next round tries again. */
	struct sb_error err = {0};
	api_settings_refresh(w->api, &err);
}

static void *watch_main(void *arg)
{
	struct api_mail_watch *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WATCH_PERIOD_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&w->cond, &w->lock, &until);
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->lock);
		watch_round(w);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int api_mail_watch_start(struct api *api, struct sb_error *err)
{
	struct api_mail_watch *w = calloc(1, sizeof(*w));
	struct store_conn *c;
	int rc;
	if (!w)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	w->api = api;
	/* Only what arrives from now on: the web app fetches the rest when it loads. */
	if ((rc = store_conn(api->store, &c, err)) < 0 ||
	    (rc = store_inbound_last(c, &w->seq, err)) < 0) {
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return sb_error_set(err, SB_ENOMEM, "cannot start a thread");
	}
	api->mail_watch = w;
	return 0;
}

void api_mail_watch_stop(struct api *api)
{
	struct api_mail_watch *w = api->mail_watch;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	api->mail_watch = NULL;
}
