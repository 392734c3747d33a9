/*
 * What the API's files share: the call that a handler works on, the route
 * table's shape, and helpers for JSON in and out. Not for use outside
 * src/api.
 *
 * A handler returns 0 after filling the response (api_json()), or a
 * negative code after describing the failure (api_fail(), or an error from
 * a lower layer left in call->err). The dispatcher maps codes to statuses in
 * one place (router.c): EINVAL 422, ENOTFOUND 404, EPERM 403, ECONFLICT 409,
 * EBUSY 503, others 500.
 */
#ifndef SB_API_INTERNAL_H
#define SB_API_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "core/account.h"
#include "core/lifecycle.h"
#include "http/multipart.h"

struct api_events;       /* events.c */
struct api_queued_event; /* events.c */
struct api_mail_watch;   /* mailin.c */
struct api_peers;        /* peers.c */

struct api {
	struct store *store;
	/*
	 * The business calendar in force: serve's until an admin saves new
	 * calendar settings, then one the API built (OWN, freed by the API).
	 * Requests hold CALENDAR_LOCK for reading while they compute with it
	 * (api_calendar_acquire/release); a swap takes it for writing, so the
	 * calendar it retires is in no one's hands and is freed at once: at
	 * most two calendars exist, however often the settings change.
	 */
	pthread_rwlock_t calendar_lock;
	struct calendar *calendar;
	struct calendar *own;
	/* One settings change at a time, so memory ends as the store does. */
	pthread_mutex_t settings_lock;
	/* What the calendar in force was built from (settings.c); NULL: not known. */
	char *calendar_key;
	atomic_int warn_percent;           /* sla.warn_percent, for sla_warn_at */
	struct api_events *events;         /* live events (events.c) */
	struct api_mail_watch *mail_watch; /* mailin.c; NULL when not watching */
	struct api_peers *peers;           /* peers.c; NULL with no other servers */
};

/* Who is calling. */
struct api_user {
	int64_t id;
	enum account_role role;
	const char *role_name;
	const char *email;
	const char *name;
	int64_t org_id;    /* contacts */
	const char *teams; /* staff: comma-separated team keys */
	const char *language;
	bool disabled;
	const char *muted; /* comma-separated events (core/notify.h) */
};

struct api_field_error {
	const char *name;
	const char *message;
};

struct api_call {
	struct api *api;
	struct http_request *req;
	struct http_response *res;
	struct arena *arena;
	struct store_conn *conn;
	struct api_user user; /* id 0 on public routes */
	const char *param;    /* the {id} or {key} of the path, when the route has one */
	json_t *body;         /* the parsed JSON object, on JSON_BODY routes */
	/* The file parts of a multipart body (api_multipart_body), in the arena. */
	struct http_part *files;
	size_t nfiles;
	const char *csrf; /* the session's CSRF token, when authenticated by cookie */
	int64_t now;
	struct sb_error err;
	int status;       /* a status other than the code's (412, 401...) */
	const char *code; /* its error code string */
	struct api_field_error *fields;
	size_t nfields, capfields;
	/* The credential that authenticated the call: a token's or session's hash. */
	bool auth_by_token;
	unsigned char auth_hash[STORE_TOKEN_HASH_LEN];
	struct api_queued_event *events; /* published if the handler succeeds */
};

typedef int (*api_handler_fn)(struct api_call *call);

/* Role bits for the route table. */
enum {
	API_CONTACT = 1 << ACCOUNT_ROLE_CONTACT,
	API_AGENT = 1 << ACCOUNT_ROLE_AGENT,
	API_LEAD = 1 << ACCOUNT_ROLE_LEAD,
	API_REP = 1 << ACCOUNT_ROLE_ACCOUNT_REP,
	API_ADMIN = 1 << ACCOUNT_ROLE_ADMIN,
	API_STAFF = API_AGENT | API_LEAD | API_REP | API_ADMIN,
	API_ANYONE = API_STAFF | API_CONTACT,
	API_PUBLIC = 0, /* no authentication */
};

/* Route flags. */
enum {
	API_JSON_BODY = 1 << 0, /* the body must be a JSON object */
	/* The body is multipart/form-data; with API_JSON_BODY, either: JSON, or
	 * multipart with the JSON object in a part named "ticket" and files. */
	API_MULTIPART = 1 << 1,
};

struct api_route {
	const char *method;
	const char *pattern; /* "/api/v1/tickets/{id}": at most one {param} */
	api_handler_fn handler;
	unsigned roles;
	unsigned flags;
	size_t max_body; /* 0: no body accepted beyond a small default */
	const char *summary;
};

extern const struct api_route api_routes[];
extern const size_t api_routes_count;

/* ---- responses ---------------------------------------------------------- */

/* Sends JSON (stolen: the reference is the call's) with STATUS. Returns 0. */
int api_json(struct api_call *call, int status, json_t *json);

/* Sends raw bytes with a content type. Returns 0. */
int api_raw(struct api_call *call, int status, const char *content_type, const char *body,
	    size_t len);

/* Fails with CODE (an sb_code) and a printf message. Returns -CODE. */
int api_fail(struct api_call *call, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fails with an explicit HTTP STATUS and error code string. Returns -SB_EINVAL. */
int api_fail_status(struct api_call *call, int status, const char *code, const char *message);

/* Records a field error; the call fails with 422 if any were recorded. */
void api_field_error(struct api_call *call, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- JSON in ------------------------------------------------------------ */

/*
 * A string member of the body: NULL when absent or null. A member of another
 * type records a field error and returns NULL; so does a string that is not
 * valid UTF-8 or holds a NUL.
 */
const char *api_body_string(struct api_call *call, const char *name);

/* An integer member: false when absent or null (a wrong type records an error). */
bool api_body_int(struct api_call *call, const char *name, int64_t *out);

/* A boolean member: 1 or 0, or -1 when absent or null (a wrong type records an error). */
int api_body_bool(struct api_call *call, const char *name);

/* Whether the body has member NAME (even null). */
bool api_body_has(struct api_call *call, const char *name);

/* ---- JSON out ----------------------------------------------------------- */

/* An RFC 3339 UTC string for T, or JSON null when T is 0. */
json_t *api_time(int64_t t);

/* A JSON string, or null for NULL. */
json_t *api_str(const char *s);

/* A JSON integer id, or null for 0. */
json_t *api_id(int64_t id);

/* ---- helpers ------------------------------------------------------------ */

/* A whole decimal number (optional '-', no spaces, no overflow). */
bool api_parse_int(const char *s, int64_t *out);

/*
 * The limit (1..STORE_LIST_MAX, default STORE_LIST_MAX) and offset (default
 * 0) query parameters of a list; field errors and -SB_EINVAL when bad.
 */
int api_query_page(struct api_call *call, int *limit_out, int64_t *offset_out);

/* The path parameter as a positive id; 404 when it is not one. */
int api_param_id(struct api_call *call, int64_t *id_out);

bool api_is_staff(const struct api_call *call);

/* Makes user ID the caller (call->user), with role and teams. */
int api_load_user(struct api_call *call, int64_t id);

/* The caller as the API shows a user. */
json_t *api_user_json(const struct api_user *u);

/* A ticket as the API shows it (sla_warn_at computed on API's calendar). */
json_t *api_ticket_json(struct api *api, const struct store_ticket *t);

/*
 * The calendar in force, read-locked: call api_calendar_release() as soon
 * as the computation is done, and take no other lock in between.
 */
struct calendar *api_calendar_acquire(struct api *api);
void api_calendar_release(struct api *api);

/* Puts CAL in force; the API owns it from now on. */
void api_calendar_replace(struct api *api, struct calendar *cal);

/* Loads the settings the API keeps in memory (sla.warn_percent); api_new() calls it. */
int api_settings_load(struct api *api, struct sb_error *err);

/*
 * Puts in force the settings another process saved: the calendar and
 * sla.warn_percent, as the store has them now. The watch thread (mailin.c)
 * calls it every round.
 */
int api_settings_refresh(struct api *api, struct sb_error *err);

/* Loads ticket ID if the caller may see it (else 404), in the call's arena. */
int api_ticket_load(struct api_call *call, int64_t id, struct store_ticket *t);

/*
 * Begins the write transaction, then loads ticket ID if the caller may see
 * it (404) and work on it (403). Reading inside the transaction, which this
 * process's writers take one at a time, means no other change slips in
 * between the read and the write: concurrent replies all land. On failure
 * the dispatcher rolls the transaction back.
 */
int api_ticket_load_for_write(struct api_call *call, int64_t id, struct store_ticket *t);

/*
 * Files arrived on T, inside the write transaction: a ticket that counted
 * its attachments as missing gets its completeness recomputed and written.
 */
int api_ticket_files_arrived(struct api_call *call, struct store_ticket *t);

/*
 * Reads a multipart/form-data body: parts named "file" (with a filename)
 * into call->files, checked for size and number (field errors), and, when
 * JSON_PART is not NULL, the part of that name as call->body, a JSON
 * object. 415 when the body is not multipart, 400 when it is malformed.
 */
int api_multipart_body(struct api_call *call, const char *json_part);

/*
 * Writes the bytes of call->files durably and fills *rows_out (in the
 * arena) with their rows, not inserted yet. Call it before the write
 * transaction: an fsync inside it would hold up every writer's commit.
 */
int api_files_put(struct api_call *call, struct store_attachment **rows_out);

/* Inserts ROWS (from api_files_put) on TICKET_ID with history, inside the
 * write transaction; appends their JSON to ITEMS when not NULL. */
int api_files_insert(struct api_call *call, int64_t ticket_id, struct store_attachment *rows,
		     json_t *items);

/*
 * Writes T (loaded at version T->version) back, with history rows for what
 * changed against OLD. -SB_ECONFLICT when someone else wrote first.
 */
int api_ticket_save(struct api_call *call, const struct store_ticket *old, struct store_ticket *t,
		    const char *note);

/*
 * Inside the write transaction: inserts ticket T as filed by call->user
 * (its first-response target computed here for a routed ticket), with its
 * history, the files ROWS (from api_files_put(); NULL: none) and the
 * notifications a new ticket sends (request received, emergency filed,
 * account request). Sets T->id and *ID_OUT.
 */
int api_ticket_insert(struct api_call *call, const struct store_org *org, struct store_ticket *t,
		      struct store_attachment *files, int64_t *id_out);

/* Refuses (-SB_EPERM) a contact who is not ORG's SPOC, naming the SPOC. */
int api_ticket_spoc_refusal(struct api_call *call, const struct store_org *org);

/*
 * Inside the write transaction, on ticket OLD (loaded for write): adds
 * call->user's comment of KIND with BODY (checked by the caller), with the
 * status change of the lifecycle (a customer's reply opens a ticket
 * awaiting them, reopens one resolved within 7 days...), the first
 * response of staff, and the notification. *T_OUT is the ticket after,
 * *C_OUT the comment. The same for the API and for mail.
 */
int api_comment_add(struct api_call *call, const struct store_ticket *old,
		    enum lifecycle_comment kind, const char *body, struct store_ticket *t_out,
		    struct store_comment *c_out);

/*
 * Files a ticket from the fields in call->body, as the caller (who must be
 * the organization's SPOC). With DRAFT, the draft is marked filed and its
 * author follows the ticket, in the same transaction.
 */
int api_ticket_file(struct api_call *call, struct store_draft *draft);

/* ---- notifications (notify.c) ------------------------------------------- */

/*
 * When T's first-response warning is due (warn_percent of its target, in
 * business time for a standard ticket); 0 when there is nothing to warn of.
 */
int64_t api_ticket_warn_at(struct api *api, const struct store_ticket *t);

/*
 * A ticket T of ORG was just inserted (T->id set), in the write
 * transaction: arms its SLA timers and alerts its team's on-call person of
 * an emergency.
 */
int api_notify_filed(struct api_call *call, const struct store_org *org,
		     const struct store_ticket *t);

/*
 * Ticket OLD became T in the write transaction (PUBLIC_REPLY: by a public
 * reply or question of staff): re-arms or disarms its SLA timers.
 */
int api_notify_changed(struct api_call *call, const struct store_ticket *old,
		       const struct store_ticket *t, bool public_reply);

/* ---- live events (events.c) --------------------------------------------- */

/*
 * The call's queued events as messages for the other servers of the
 * database (peers.c), each under STORE_NOTIFY_MAX bytes and naming ORIGIN,
 * the sending server: SEND(CTX, TEXT) for each; the first error stops.
 */
int api_events_encode(const struct api_call *call, const char *origin,
		      int (*send)(void *ctx, const char *text), void *ctx);
/*
 * Queues on CALL the events of TEXT, a message api_events_encode() made:
 * how many, 0 when it came from ORIGIN (this server), -SB_EINVAL when it is
 * not such a message.
 */
int api_events_decode(struct api_call *call, const char *text, const char *origin);
/*
 * Events may have been missed (peers.c lost its connection for a while):
 * every stream, and every reconnection with an id from before, gets a
 * reset, and the web app fetches again what it shows.
 */
void api_events_lost(struct api *api);

/* ---- live events from the other servers (peers.c) ----------------------- */

/* Sends the events a request published to the other servers (router.c, after the commit). */
void api_peers_share(struct api_call *call);

/* The hub of live events; api_new() makes it, api_free() frees it. */
int api_events_new(struct api_events **out, struct sb_error *err);
void api_events_free(struct api_events *hub);

enum api_event_kind {
	API_EVENT_CREATED,
	API_EVENT_UPDATED,
	API_EVENT_COMMENT,
	API_EVENT_ATTACHMENT,
};

/*
 * Queues an event about ticket T, as it stands after the change, on the
 * call. The dispatcher publishes the call's events only if the handler
 * succeeded, so after its write committed; queue before or after the
 * commit alike. INTERNAL: caused only by what customers never see (an
 * internal note). Best effort: without memory the event is dropped.
 */
void api_event_queue(struct api_call *call, const struct store_ticket *t, enum api_event_kind kind,
		     bool internal);

/* Publishes the call's queued events (the dispatcher, after success). */
void api_events_publish(struct api_call *call);

/* ---- webhook events (webhook_events.c) ----------------------------------- */

/* The event types admins may subscribe to, for validation and listing. */
extern const char *const api_webhook_events[];
extern const size_t api_webhook_events_count;
bool api_webhook_event_known(const char *name);

/* A Standard Webhooks payload {"type", "timestamp": now, "data": DATA (stolen)}, in the arena. */
char *api_webhook_payload(struct api_call *call, const char *type, json_t *data);

/*
 * Queue the webhook deliveries a change makes, inside the caller's write
 * transaction: T filed (OLD NULL) or updated from OLD (NOTE: the priority
 * change's reason); comment C added to T; issue E fixed, resolving the N
 * tickets of RESOLVED.
 */
int api_webhooks_ticket(struct api_call *call, const struct store_ticket *old,
			const struct store_ticket *t, const char *note);
int api_webhooks_comment(struct api_call *call, const struct store_ticket *t,
			 const struct store_comment *c);
int api_webhooks_engineering_fixed(struct api_call *call, const struct store_engineering_issue *e,
				   const int64_t *resolved, size_t n);

/* The handlers, one file per resource. */
int api_healthz(struct api_call *call);
int api_openapi(struct api_call *call);
int api_session_create(struct api_call *call);
int api_session_get(struct api_call *call);
int api_session_delete(struct api_call *call);
int api_orgs_create(struct api_call *call);
int api_orgs_get(struct api_call *call);
int api_orgs_update(struct api_call *call);
int api_orgs_list(struct api_call *call);
int api_users_create(struct api_call *call);
int api_users_get(struct api_call *call);
int api_users_list(struct api_call *call);
int api_users_update(struct api_call *call);
int api_teams_list(struct api_call *call);
int api_teams_update(struct api_call *call);
int api_settings_calendar_get(struct api_call *call);
int api_settings_calendar_put(struct api_call *call);
int api_calendar_preview(struct api_call *call);
int api_settings_sla_get(struct api_call *call);
int api_settings_sla_put(struct api_call *call);
int api_request_types_list(struct api_call *call);
int api_request_types_get(struct api_call *call);
int api_request_types_update(struct api_call *call);
int api_tickets_create(struct api_call *call);
int api_tickets_get(struct api_call *call);
int api_tickets_list(struct api_call *call);
int api_tickets_update(struct api_call *call);
int api_comments_create(struct api_call *call);
int api_comments_list(struct api_call *call);
int api_history_list(struct api_call *call);
int api_attachments_create(struct api_call *call);
int api_attachments_list(struct api_call *call);
int api_attachments_get(struct api_call *call);
int api_engineering_create(struct api_call *call);
int api_engineering_get(struct api_call *call);
int api_engineering_update(struct api_call *call);
int api_engineering_link(struct api_call *call);
int api_engineering_list(struct api_call *call);
int api_engineering_ticket_links(struct api_call *call);
int api_drafts_create(struct api_call *call);
int api_drafts_list(struct api_call *call);
int api_drafts_get(struct api_call *call);
int api_drafts_update(struct api_call *call);
int api_drafts_file(struct api_call *call);
int api_drafts_return(struct api_call *call);
int api_events_stream(struct api_call *call);
int api_webhooks_create(struct api_call *call);
int api_webhooks_list(struct api_call *call);
int api_webhooks_get(struct api_call *call);
int api_webhooks_update(struct api_call *call);
int api_webhooks_delete(struct api_call *call);
int api_webhooks_rotate(struct api_call *call);
int api_webhooks_test(struct api_call *call);
int api_webhooks_deliveries(struct api_call *call);
int api_webhook_deliveries_get(struct api_call *call);
int api_webhook_deliveries_retry(struct api_call *call);
int api_outbox_list(struct api_call *call);
int api_outbox_retry(struct api_call *call);

#endif
