/*
 * The store: the only door to the database.
 *
 * Typed functions over a connection (store_user_insert(), store_ticket_get()
 * ...) written once over a driver interface (store/driver.h), so the same
 * code runs on SQLite (the default: DIR/switchboard.db) and, later,
 * PostgreSQL. The store knows rows, not HTTP or JSON.
 *
 * Connections: one per thread, created on first use and cached
 * (store_conn()). Writes: SQLite allows one writer at a time, and two
 * connections that race for its lock sleep in busy-waits, so the store
 * serializes writers inside the process with a mutex
 * (store_write_begin/commit/rollback); readers never wait for it (WAL).
 * Durability: WAL with synchronous=FULL, so a committed write survives a
 * power cut; a 201 is sent only after the commit.
 *
 * Times are Unix seconds (int64_t). Strings returned in rows live in the
 * arena the caller passes.
 */
#ifndef SB_STORE_STORE_H
#define SB_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

struct store;
struct store_conn;

/*
 * Opens the database of data directory DATA_DIR (created if missing):
 * DATA_DIR/switchboard.db on SQLite. *out is the caller's, closed with
 * store_close(). Does not migrate.
 */
int store_open(const char *data_dir, struct store **out, struct sb_error *err);

/*
 * Like store_open(), on the PostgreSQL database that DATABASE names (a
 * postgres:// or postgresql:// URL) when it is not NULL or "": DATA_DIR
 * then holds only files (attachments). Any other DATABASE is -SB_EINVAL.
 */
int store_open_database(const char *data_dir, const char *database, struct store **out,
			struct sb_error *err);

/* Closes every connection the store made. Accepts NULL. */
void store_close(struct store *store);

/*
 * Brings the schema to the newest version, each migration in its own
 * transaction. *from_out and *to_out (may be NULL) tell the versions
 * before and after.
 */
int store_migrate(struct store *store, int *from_out, int *to_out, struct sb_error *err);

/* The newest schema version this binary knows. */
int store_schema_version(void);

/* The schema version of the open database (0 when empty). */
int store_current_version(struct store *store, int *version_out, struct sb_error *err);

/* The engine's name ("sqlite"), for messages and export headers; static. */
const char *store_engine_name(const struct store *store);

/* This thread's connection, made on first use. Borrowed: owned by the store. */
int store_conn(struct store *store, struct store_conn **out, struct sb_error *err);

/* A write transaction, serialized with the process's other writers. */
int store_write_begin(struct store_conn *c, struct sb_error *err);
int store_write_commit(struct store_conn *c, struct sb_error *err);
void store_write_rollback(struct store_conn *c);

/*
 * Waits until every write that others have finished so far is committed.
 * Writes are committed in groups: a write that failed on another's row
 * (a unique key) may find that row finished but not yet committed, hence
 * invisible to its reads; after this it is visible. Call outside a write.
 */
void store_write_settle(struct store_conn *c);

/* Whether C is inside a write (between begin and commit or rollback). */
bool store_in_write(const struct store_conn *c);

/* ---- messages between the servers of one database ---------------------- */

/*
 * Servers that share a database server (PostgreSQL) tell each other what
 * changed, through it. store_notify() sends PAYLOAD (text shorter than
 * STORE_NOTIFY_MAX bytes) on CHANNEL, to go out when C's transaction
 * commits (at once outside one), never if it rolls back. A listener, on a
 * connection of its own, receives every process's messages in commit
 * order, its own too. Best effort: a listener whose connection drops
 * misses what is sent until it listens again.
 *
 * On an engine that one server serves (SQLite) there is no one to tell:
 * store_notify() does nothing and store_listener_open() sets *OUT to NULL.
 */
#define STORE_NOTIFY_MAX 7900

struct store_listener;

int store_notify(struct store_conn *c, const char *channel, const char *payload,
		 struct sb_error *err);
/* A new listener on CHANNEL (*OUT is the caller's: store_listener_close()). */
int store_listener_open(struct store *store, const char *channel, struct store_listener **out,
			struct sb_error *err);
/*
 * The next message, waiting up to TIMEOUT_MS: 1 with *PAYLOAD_OUT
 * (malloc'ed, the caller's), 0 when none came, or a negative code when the
 * connection failed (close the listener and open another).
 */
int store_listener_wait(struct store_listener *l, int timeout_ms, char **payload_out,
			struct sb_error *err);
void store_listener_close(struct store_listener *l);

/*
 * Writes the built-in reference data: the five teams (names refreshed on
 * every run, except those of a team an admin renamed) and the default
 * request types (only those missing, so that admins' edits survive
 * upgrades). Runs in its own write transaction;
 * store_migrate() calls it after migrating.
 */
int store_seed_defaults(struct store_conn *c, int64_t now, struct sb_error *err);

/* ---- users -------------------------------------------------------------- */

struct store_user {
	int64_t id;
	const char *email;
	const char *name;
	const char *role;          /* admin, lead, agent, account-rep, contact */
	int64_t org_id;            /* 0 for staff */
	const char *password_hash; /* Argon2id string; NULL when none */
	const char *language;      /* "en", "es" */
	int64_t created_at;
	bool disabled;     /* may not sign in nor use tokens */
	const char *muted; /* comma-separated events not to mail them (core/notify.h); "" */
};

/* Inserts U (id ignored) and sets *id_out. A taken email is -SB_ECONFLICT. */
int store_user_insert(struct store_conn *c, const struct store_user *u, int64_t *id_out,
		      struct sb_error *err);
/* -SB_ENOTFOUND when there is no such user. Strings in A. */
int store_user_get(struct store_conn *c, int64_t id, struct arena *a, struct store_user *out,
		   struct sb_error *err);
int store_user_get_by_email(struct store_conn *c, const char *email, struct arena *a,
			    struct store_user *out, struct sb_error *err);
int store_user_team_add(struct store_conn *c, int64_t user_id, const char *team,
			struct sb_error *err);
/* The user's team keys, comma-separated, in A ("" when none). */
int store_user_teams(struct store_conn *c, int64_t user_id, struct arena *a, char **teams_out,
		     struct sb_error *err);
/* Replaces the user's teams with the N keys of TEAMS (an unknown key is -SB_ENOTFOUND). */
int store_user_teams_set(struct store_conn *c, int64_t user_id, const char *const *teams, size_t n,
			 struct sb_error *err);
/*
 * Writes name, role, language, disabled and muted (NULL: kept) of U (by
 * U->id). -SB_ENOTFOUND when none.
 */
int store_user_update(struct store_conn *c, const struct store_user *u, struct sb_error *err);
/* Ends every session of the user (their API tokens stay). */
int store_user_sessions_delete(struct store_conn *c, int64_t user_id, struct sb_error *err);

/* A filter for listing users: zero/NULL fields do not filter. */
struct store_user_filter {
	const char *role;
	int64_t org_id;
	const char *team; /* members of this team */
	int limit;        /* 1..STORE_LIST_MAX */
	int64_t offset;
};

/* The most rows one call of a *_list function of this section returns. */
#define STORE_LIST_MAX 500

/* Users matching F, by name (ASCII case folded) then id, in A. */
int store_users_list(struct store_conn *c, const struct store_user_filter *f, struct arena *a,
		     struct store_user **users_out, size_t *n_out, struct sb_error *err);

/* ---- organizations ------------------------------------------------------ */

struct store_org {
	int64_t id;
	const char *name;
	const char *member_id;
	const char *bidder_ids; /* comma-separated */
	int64_t spoc_id;        /* 0 when none */
	int64_t account_rep_id; /* 0 when none */
	const char *language;
	int64_t created_at;
};

int store_org_insert(struct store_conn *c, const struct store_org *o, int64_t *id_out,
		     struct sb_error *err);
int store_org_get(struct store_conn *c, int64_t id, struct arena *a, struct store_org *out,
		  struct sb_error *err);
/* Writes every field of O (by O->id). -SB_ENOTFOUND when there is none. */
int store_org_update(struct store_conn *c, const struct store_org *o, struct sb_error *err);
/*
 * Organizations by name (ASCII case folded) then id, in A: only ONLY_ID
 * when nonzero; at most LIMIT (1..STORE_LIST_MAX) after skipping OFFSET.
 */
int store_orgs_list(struct store_conn *c, int64_t only_id, int limit, int64_t offset,
		    struct arena *a, struct store_org **orgs_out, size_t *n_out,
		    struct sb_error *err);
/* How many organizations name user USER_ID their account representative. */
int store_orgs_represented(struct store_conn *c, int64_t user_id, int64_t *n_out,
			   struct sb_error *err);

/* ---- teams -------------------------------------------------------------- */

struct store_team {
	const char *key;
	const char *name_en, *name_es;
	int64_t on_call_id; /* alerted of the team's emergencies; 0 when none */
};

/* The teams as stored (names as an admin may have changed them), by key, in A. */
int store_teams_list(struct store_conn *c, struct arena *a, struct store_team **teams_out,
		     size_t *n_out, struct sb_error *err);
/* Renames team T->key; the seed keeps these names from now on. -SB_ENOTFOUND when none. */
int store_team_update(struct store_conn *c, const struct store_team *t, int64_t now,
		      struct sb_error *err);
/* Names team KEY's on-call person (0: nobody). -SB_ENOTFOUND when no such team. */
int store_team_on_call_set(struct store_conn *c, const char *key, int64_t user_id,
			   struct sb_error *err);

/* ---- tokens and sessions ------------------------------------------------ */

#define STORE_TOKEN_HASH_LEN 32

/* Records an API token by its hash (the token itself is never stored). */
int store_token_insert(struct store_conn *c, int64_t user_id,
		       const unsigned char hash[STORE_TOKEN_HASH_LEN], const char *label,
		       int64_t now, struct sb_error *err);
/* The user a token hash belongs to; -SB_ENOTFOUND when none. */
int store_token_user(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
		     int64_t *user_id_out, struct sb_error *err);

int store_session_insert(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
			 int64_t user_id, const char *csrf, int64_t now, int64_t expires_at,
			 struct sb_error *err);
/* The user and CSRF token of a live session; -SB_ENOTFOUND when none or expired. */
int store_session_get(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
		      int64_t now, struct arena *a, int64_t *user_id_out, char **csrf_out,
		      struct sb_error *err);
int store_session_delete(struct store_conn *c, const unsigned char hash[STORE_TOKEN_HASH_LEN],
			 struct sb_error *err);

/* ---- settings ----------------------------------------------------------- */

/* A setting's value in A, or NULL in *value_out when it is not set. */
int store_setting_get(struct store_conn *c, const char *key, struct arena *a, char **value_out,
		      struct sb_error *err);
int store_setting_put(struct store_conn *c, const char *key, const char *value,
		      struct sb_error *err);
/* Removes a setting (its default applies again); no such setting is not an error. */
int store_setting_delete(struct store_conn *c, const char *key, struct sb_error *err);

/* ---- request types ------------------------------------------------------ */

struct store_request_type {
	const char *key;
	const char *kind; /* "routed" or "account" */
	const char *team; /* NULL for account types */
	const char *name_en, *name_es;
	const char *hint_en, *hint_es;
	const char *rules; /* core/request_types.h text form */
	const char *required_object_type;
	int64_t position;
	int64_t updated_at;
};

/* All request types in display order, in A. */
int store_request_types_list(struct store_conn *c, struct arena *a,
			     struct store_request_type **types_out, size_t *n_out,
			     struct sb_error *err);
int store_request_type_get(struct store_conn *c, const char *key, struct arena *a,
			   struct store_request_type *out, struct sb_error *err);
/* Writes every editable field of T (by T->key). */
int store_request_type_update(struct store_conn *c, const struct store_request_type *t,
			      struct sb_error *err);

/* ---- tickets ------------------------------------------------------------ */

struct store_object_id {
	const char *type;
	const char *value;
};

struct store_ticket {
	int64_t id;
	int64_t org_id;
	int64_t requester_id;
	const char *request_type;
	const char *kind; /* "routed" or "account" */
	const char *team; /* NULL for account requests */
	int64_t assignee_id;
	const char *status;
	const char *priority;
	const char *subject, *description, *impact, *steps;
	const char *urls; /* newline-separated */
	const char *browser, *os, *business_justification;
	const char *emergency_criteria; /* comma-separated */
	const char *emergency_phone;
	const char *member_id;
	int64_t completeness;
	const char *missing_recommended; /* comma-separated API keys */
	/* Required fields it lacks (a request that came by mail): "" when complete. */
	const char *missing_required;
	int64_t created_at, updated_at;
	int64_t first_response_due_at, first_response_at; /* 0 when none */
	int64_t response_business_seconds, response_clock_seconds;
	int64_t resolved_at, closed_at;
	int64_t version;
	const char *idempotency_key;
	struct store_object_id *object_ids;
	size_t n_object_ids;
};

/* Inserts T (id and version ignored) with its object ids; sets *id_out. */
int store_ticket_insert(struct store_conn *c, const struct store_ticket *t, int64_t *id_out,
			struct sb_error *err);

/* The ticket with ID and its object ids, in A. -SB_ENOTFOUND when none. */
int store_ticket_get(struct store_conn *c, int64_t id, struct arena *a, struct store_ticket *out,
		     struct sb_error *err);

/* The ticket REQUESTER created with idempotency KEY; -SB_ENOTFOUND when none. */
int store_ticket_by_idempotency(struct store_conn *c, int64_t requester_id, const char *key,
				int64_t *id_out, struct sb_error *err);

/*
 * Writes the mutable fields of T (status, priority, team, assignee, due and
 * response times, resolved/closed times, completeness, updated_at) if the
 * stored version
 * is still T->version, and bumps the version. A changed version is
 * -SB_ECONFLICT ("changed since read"); no such ticket, -SB_ENOTFOUND.
 */
int store_ticket_update(struct store_conn *c, const struct store_ticket *t, struct sb_error *err);

/* A filter for listing: zero/NULL fields do not filter. */
struct store_ticket_filter {
	int64_t org_id;
	const char *team;
	const char *teams_csv; /* any of these teams (an agent's queue) */
	const char *status;
	bool active; /* any status before resolved: the work still to do */
	const char *priority;
	int64_t assignee_id;
	bool unassigned;
	const char *request_type;
	const char *kind;        /* "routed" or "account" */
	int64_t assignee_or_rep; /* assigned to, or of an org represented by, this user */
	const char *object_type, *object_value;
	const char *sla; /* "breached", "due" (not yet responded, not breached), "met" */
	int64_t now;     /* for the sla filter */
	bool sort_by_due;
	/* Keyset cursor: rows after (after_due, after_id) in the sort order. */
	int64_t after_id;
	int64_t after_due;
	bool has_after;
	int limit; /* 1..STORE_TICKETS_MAX */
};

#define STORE_TICKETS_MAX 500

/* Tickets matching F, in A, at most F->limit; *more_out when there are more. */
int store_tickets_list(struct store_conn *c, const struct store_ticket_filter *f, struct arena *a,
		       struct store_ticket **tickets_out, size_t *n_out, bool *more_out,
		       struct sb_error *err);

/* ---- attachments -------------------------------------------------------- */

struct store_attachment {
	int64_t id;
	int64_t ticket_id;
	int64_t comment_id; /* 0 when attached to the ticket itself */
	int64_t uploader_id;
	const char *filename;
	const char *content_type;
	int64_t size;
	const char *sha256; /* hex; names the file in DATA/attachments */
	int64_t created_at;
};

int store_attachment_insert(struct store_conn *c, const struct store_attachment *at,
			    int64_t *id_out, struct sb_error *err);
int store_attachment_get(struct store_conn *c, int64_t id, struct arena *a,
			 struct store_attachment *out, struct sb_error *err);
int store_attachments_list(struct store_conn *c, int64_t ticket_id, struct arena *a,
			   struct store_attachment **out, size_t *n_out, struct sb_error *err);

/*
 * Attachment bytes, named by their SHA-256 (identical uploads share one
 * copy), stored before the caller commits the row that points at them: a
 * committed attachment always has its bytes.
 *
 * On SQLite they are files under DATA/attachments/ab/abcdef..., each
 * written to a temporary file, fsynced and renamed into place, and the
 * directory fsynced. On PostgreSQL they are rows of the blobs table,
 * committed on the caller's connection (or inside its write, as import
 * does), so that every server on the database reads them; files left in
 * the data directory by a release that kept them there are still read.
 */
int store_blob_put(struct store *store, const void *data, size_t len, char sha256_hex[65],
		   struct sb_error *err);
/* The bytes of blob SHA256_HEX, in A. -SB_ENOTFOUND when missing. */
int store_blob_get(struct store *store, const char *sha256_hex, struct arena *a,
		   const char **data_out, size_t *len_out, struct sb_error *err);

/* ---- engineering issues ------------------------------------------------- */

struct store_engineering_issue {
	int64_t id;
	const char *key; /* the bug tracker's key, e.g. "ENG-1234"; unique */
	const char *url;
	const char *title;
	int64_t fixed_at; /* 0 while open */
	int64_t created_at;
};

/* A taken key is -SB_ECONFLICT. */
int store_engineering_issue_insert(struct store_conn *c, const struct store_engineering_issue *e,
				   int64_t *id_out, struct sb_error *err);
int store_engineering_issue_get(struct store_conn *c, int64_t id, struct arena *a,
				struct store_engineering_issue *out, struct sb_error *err);
int store_engineering_issue_set_fixed(struct store_conn *c, int64_t id, int64_t fixed_at,
				      struct sb_error *err);
/* Links a ticket to an issue (again: no change); *added_out says whether it was new. */
int store_engineering_link(struct store_conn *c, int64_t ticket_id, int64_t issue_id, int64_t now,
			   bool *added_out, struct sb_error *err);
/* Ids of the tickets linked to an issue, in A. */
int store_engineering_linked_tickets(struct store_conn *c, int64_t issue_id, struct arena *a,
				     int64_t **ids_out, size_t *n_out, struct sb_error *err);

/* The most issues one call of the two lists below returns. */
#define STORE_ENGINEERING_MAX 100

/* A filter for listing issues: zero/NULL fields do not filter. */
struct store_engineering_filter {
	const char *key; /* exactly this key */
	enum {
		STORE_ENG_ANY = 0,
		STORE_ENG_OPEN,  /* not fixed yet */
		STORE_ENG_FIXED, /* fixed */
	} state;
};

/*
 * Issues matching F, newest first, at most STORE_ENGINEERING_MAX; the list
 * and its strings in A.
 */
int store_engineering_issues_list(struct store_conn *c, const struct store_engineering_filter *f,
				  struct arena *a, struct store_engineering_issue **issues_out,
				  size_t *n_out, struct sb_error *err);
/*
 * The issues ticket TICKET_ID is linked to, in the order they were linked,
 * at most STORE_ENGINEERING_MAX; the list and its strings in A. A ticket
 * with no links (or no such ticket) gives an empty list.
 */
int store_engineering_ticket_issues(struct store_conn *c, int64_t ticket_id, struct arena *a,
				    struct store_engineering_issue **issues_out, size_t *n_out,
				    struct sb_error *err);

/* ---- drafts and followers ------------------------------------------------ */

struct store_draft {
	int64_t id;
	int64_t org_id;
	int64_t author_id;
	const char *fields; /* the request's fields, as JSON text */
	const char *state;  /* draft, returned, filed */
	const char *return_comment;
	int64_t ticket_id; /* once filed */
	int64_t created_at, updated_at;
};

int store_draft_insert(struct store_conn *c, const struct store_draft *d, int64_t *id_out,
		       struct sb_error *err);
int store_draft_get(struct store_conn *c, int64_t id, struct arena *a, struct store_draft *out,
		    struct sb_error *err);
/* Writes fields, state, return_comment, ticket_id and updated_at of D (by D->id). */
int store_draft_update(struct store_conn *c, const struct store_draft *d, struct sb_error *err);
/* The organization's unfiled drafts, newest first (at most 200); only AUTHOR's when nonzero. */
int store_drafts_list(struct store_conn *c, int64_t org_id, int64_t author_id, struct arena *a,
		      struct store_draft **out, size_t *n_out, struct sb_error *err);

int store_follower_add(struct store_conn *c, int64_t ticket_id, int64_t user_id,
		       struct sb_error *err);

/* ---- comments, history, outbox ------------------------------------------ */

struct store_comment {
	int64_t id;
	int64_t ticket_id;
	int64_t author_id;
	const char *kind; /* reply, note, question */
	const char *body;
	int64_t created_at;
	const char *author_name; /* filled by list */
	const char *author_role; /* filled by list */
};

int store_comment_insert(struct store_conn *c, const struct store_comment *cm, int64_t *id_out,
			 struct sb_error *err);
/* A ticket's comments, oldest first; notes only when WITH_NOTES. */
int store_comments_list(struct store_conn *c, int64_t ticket_id, bool with_notes, struct arena *a,
			struct store_comment **out, size_t *n_out, struct sb_error *err);

struct store_history {
	int64_t id;
	int64_t ticket_id;
	int64_t actor_id; /* 0: the system */
	int64_t at;
	const char *field;
	const char *old_value, *new_value, *note;
};

int store_history_insert(struct store_conn *c, const struct store_history *h, struct sb_error *err);
int store_history_list(struct store_conn *c, int64_t ticket_id, struct arena *a,
		       struct store_history **out, size_t *n_out, struct sb_error *err);

/*
 * Queues an event for delivery (mail, webhooks) in the caller's write
 * transaction, so it exists exactly when the change it reports does. An
 * event the recipient muted (users.muted, which holds only events that may
 * be muted: core/notify.h) is not queued: nothing is written, and 0.
 */
int store_outbox_insert(struct store_conn *c, const char *event, int64_t ticket_id,
			int64_t recipient_id, const char *payload, int64_t now,
			struct sb_error *err);

/* ---- inbound mail (the mailgate) ---------------------------------------- */

/*
 * Remembers that message MESSAGE_ID was stored as comment COMMENT_ID (0:
 * none) on, or as, ticket TICKET_ID, in the caller's write transaction;
 * OUTCOME is "reply", "note", "ticket" or "follow_up". A message already
 * remembered is -SB_ECONFLICT.
 */
int store_inbound_insert(struct store_conn *c, const char *message_id, int64_t ticket_id,
			 int64_t comment_id, const char *outcome, int64_t now,
			 struct sb_error *err);

/* A stored message, as the live events of serve learn of it. */
struct store_inbound {
	int64_t seq; /* increasing */
	int64_t ticket_id, comment_id;
	const char *outcome;
};

/* At most LIMIT messages stored after SEQ AFTER, in order, in A. */
int store_inbound_since(struct store_conn *c, int64_t after, int limit, struct arena *a,
			struct store_inbound **out, size_t *n_out, struct sb_error *err);
/* The SEQ of the last message stored (0: none). */
int store_inbound_last(struct store_conn *c, int64_t *seq_out, struct sb_error *err);
/* The ticket message MESSAGE_ID was stored on; -SB_ENOTFOUND when it was not. */
int store_inbound_get(struct store_conn *c, const char *message_id, int64_t *ticket_id_out,
		      struct sb_error *err);

/*
 * Delivery of the outbox (jobs/). A row is claimed by setting lease_until:
 * until then no other claimer takes it, and after it (the claimer died
 * mid-delivery) it is claimed again. The lease_until a claim set is the
 * claimer's token: finishing a row whose lease was since taken by another
 * claimer changes nothing.
 */
struct store_outbox {
	int64_t id;
	const char *event;
	int64_t ticket_id;    /* 0 when none (a returned draft) */
	int64_t recipient_id; /* 0 when none */
	const char *payload;  /* "" when none */
	int64_t created_at;
	int64_t attempts;    /* delivery attempts started, this claim included */
	int64_t lease_until; /* the claim's token */
};

/* Whether a pending row is due at NOW and not leased: a read, for idle polling. */
int store_outbox_due(struct store_conn *c, int64_t now, bool *due_out, struct sb_error *err);

/*
 * Claims at most LIMIT pending rows due at NOW and not leased (or whose
 * lease ran out), oldest due first, leasing them until LEASE_UNTIL and
 * counting an attempt for each. Run inside a write transaction, committed
 * before delivering, so that other processes see the lease. The rows, by
 * id, in A.
 */
int store_outbox_claim(struct store_conn *c, int64_t now, int64_t lease_until, int limit,
		       struct arena *a, struct store_outbox **rows_out, size_t *n_out,
		       struct sb_error *err);

enum store_outbox_outcome {
	STORE_OUTBOX_SENT,    /* delivered: done */
	STORE_OUTBOX_RETRY,   /* pending again from NEXT_ATTEMPT_AT, with LAST_ERROR */
	STORE_OUTBOX_FAILED,  /* given up, with LAST_ERROR */
	STORE_OUTBOX_RELEASE, /* not attempted after all: due again at NEXT_ATTEMPT_AT */
};

/*
 * Ends the claim of row ID leased until LEASE_UNTIL (in a write
 * transaction). LAST_ERROR NULL keeps the row's last error. *applied_out
 * (may be NULL) is false when the lease was no longer the caller's, and
 * nothing changed.
 */
int store_outbox_finish(struct store_conn *c, int64_t id, int64_t lease_until,
			enum store_outbox_outcome outcome, int64_t next_attempt_at,
			const char *last_error, bool *applied_out, struct sb_error *err);

/* An outbox row as admins see it (the mail that did not go out). */
struct store_outbox_row {
	int64_t id;
	const char *event;
	int64_t ticket_id, recipient_id;
	const char *recipient_name, *recipient_email; /* NULL when none */
	const char *state;                            /* pending, sent, failed */
	int64_t attempts;
	const char *last_error; /* NULL when none */
	int64_t created_at, next_attempt_at;
};

enum store_outbox_view {
	STORE_OUTBOX_VIEW_FAILED,   /* given up */
	STORE_OUTBOX_VIEW_RETRYING, /* pending after at least one failed attempt */
};

/*
 * The rows of VIEW, newest first, at most LIMIT (1..STORE_LIST_MAX) with
 * ids below BEFORE_ID (0: from the newest); the list and strings in A.
 */
int store_outbox_list(struct store_conn *c, enum store_outbox_view view, int64_t before_id,
		      int limit, struct arena *a, struct store_outbox_row **rows_out, size_t *n_out,
		      struct sb_error *err);

/*
 * A failed row pending again, due at NOW, its attempts counted afresh (the
 * backoff starts over; the last error stays until the next outcome), in
 * the caller's write transaction. -SB_ENOTFOUND when there is no such row,
 * -SB_ECONFLICT when it is not failed.
 */
int store_outbox_retry(struct store_conn *c, int64_t id, int64_t now, struct sb_error *err);

/* ---- SLA timers (jobs/timers.c) ----------------------------------------- */

/*
 * A ticket's timers (migration 0004): the instant each notification is due,
 * 0 when disarmed. SET (core/notify.h's NOTIFY_SET_* bits: 1 warn, 2 breach,
 * 4 quiet) says which of WARN_AT, BREACH_AT and QUIET_SINCE to write; the
 * others keep their value. In the caller's write transaction.
 */
int store_ticket_timers_set(struct store_conn *c, int64_t id, unsigned set, int64_t warn_at,
			    int64_t breach_at, int64_t quiet_since, struct sb_error *err);

enum store_timer {
	STORE_TIMER_WARN,      /* sla_warn_at reached */
	STORE_TIMER_BREACH,    /* sla_breach_at reached */
	STORE_TIMER_EMERGENCY, /* sla.emergency_update_minutes since emergency_quiet_since */
};

/*
 * Whether any timer is due at NOW: one read over the timers' partial
 * indexes, for idle polling.
 */
int store_timers_due(struct store_conn *c, int64_t now, bool *due_out, struct sb_error *err);

/* A ticket whose timer was claimed, with what choosing the recipients needs. */
struct store_timer_ticket {
	int64_t id;
	int64_t org_id;
	const char *team; /* NULL for account requests */
	int64_t assignee_id;
};

/*
 * Claims at most LIMIT tickets whose timer KIND is due at NOW, in the
 * caller's write transaction: one UPDATE ... RETURNING disarms a warning or
 * breach, and restarts an emergency's clock at NOW, so that a ticket
 * claimed by one runner is not found by another, and the caller queues its
 * outbox rows in the same transaction. The tickets, by id, in A.
 */
int store_timers_claim(struct store_conn *c, enum store_timer kind, int64_t now, int limit,
		       struct arena *a, struct store_timer_ticket **rows_out, size_t *n_out,
		       struct sb_error *err);

/* ---- webhooks (store/webhooks.c; docs/webhooks.md) ----------------------- */

/* The most webhooks a desk may register. */
#define STORE_WEBHOOKS_MAX 50

struct store_webhook {
	int64_t id;
	const char *url;
	const char *events;          /* event types, comma-separated */
	const char *secret;          /* "whsec_..." */
	const char *previous_secret; /* NULL when none; signs too until previous_expires_at */
	int64_t previous_expires_at;
	bool active;
	const char *description;
	int64_t created_by; /* 0 when unknown */
	int64_t created_at, updated_at;
};

/* Inserts W (id, previous secret and updated_at ignored) and sets *id_out. */
int store_webhook_insert(struct store_conn *c, const struct store_webhook *w, int64_t *id_out,
			 struct sb_error *err);
/* -SB_ENOTFOUND when there is none. Strings in A. */
int store_webhook_get(struct store_conn *c, int64_t id, struct arena *a, struct store_webhook *out,
		      struct sb_error *err);
/* Every webhook, by id (at most STORE_WEBHOOKS_MAX), in A. */
int store_webhooks_list(struct store_conn *c, struct arena *a, struct store_webhook **out,
			size_t *n_out, struct sb_error *err);
int store_webhooks_count(struct store_conn *c, int64_t *n_out, struct sb_error *err);
/* Writes url, events, active, description and updated_at of W (by W->id). */
int store_webhook_update(struct store_conn *c, const struct store_webhook *w, struct sb_error *err);
/* Makes SECRET the webhook's; the old one keeps signing until PREVIOUS_UNTIL. */
int store_webhook_rotate(struct store_conn *c, int64_t id, const char *secret,
			 int64_t previous_until, int64_t now, struct sb_error *err);
/* Deletes the webhook and its deliveries. -SB_ENOTFOUND when there is none. */
int store_webhook_delete(struct store_conn *c, int64_t id, struct sb_error *err);

struct store_webhook_delivery {
	int64_t id;
	int64_t webhook_id;
	const char *event;
	const char *msg_id;  /* webhook-id */
	const char *payload; /* the body; "" in lists */
	int64_t ticket_id;   /* 0 when none */
	const char *state;   /* pending, delivered, failed */
	int64_t attempts;    /* started, a claim included */
	int64_t created_at, queued_at, next_attempt_at;
	int64_t lease_until;                       /* a claim's token; 0 when none */
	int64_t last_attempt_at, delivered_at;     /* 0 when none */
	int64_t last_status;                       /* HTTP status; 0 when none */
	const char *last_error, *response_excerpt; /* NULL when none */
};

/*
 * Queues PAYLOAD as message MSG_ID of EVENT for every active webhook
 * subscribed to EVENT, in the caller's write transaction (so it exists
 * exactly when the change it reports does). *n_out (may be NULL): how many.
 */
int store_webhooks_enqueue(struct store_conn *c, const char *event, const char *msg_id,
			   const char *payload, int64_t ticket_id, int64_t now, int *n_out,
			   struct sb_error *err);
/* Queues one delivery for webhook WEBHOOK_ID whatever it subscribed to (a test). */
int store_webhook_delivery_insert(struct store_conn *c, int64_t webhook_id, const char *event,
				  const char *msg_id, const char *payload, int64_t now,
				  int64_t *id_out, struct sb_error *err);
/* -SB_ENOTFOUND when there is none. Strings in A. */
int store_webhook_delivery_get(struct store_conn *c, int64_t id, struct arena *a,
			       struct store_webhook_delivery *out, struct sb_error *err);
/* A webhook's deliveries, newest first, with ids below BEFORE_ID (0: from the newest), at most
 * LIMIT, without payloads, in A. */
int store_webhook_deliveries_list(struct store_conn *c, int64_t webhook_id, int64_t before_id,
				  int limit, struct arena *a, struct store_webhook_delivery **out,
				  size_t *n_out, struct sb_error *err);
/* Makes a failed delivery pending again from NOW (the give-up clock restarts). *applied_out:
 * whether it was failed. */
int store_webhook_delivery_retry(struct store_conn *c, int64_t id, int64_t now, bool *applied_out,
				 struct sb_error *err);

/* Whether a delivery of an active webhook is due at NOW and not leased: a read. */
int store_webhook_deliveries_due(struct store_conn *c, int64_t now, bool *due_out,
				 struct sb_error *err);
/*
 * Claims at most LIMIT due deliveries of active webhooks, as
 * store_outbox_claim() claims outbox rows: leased until LEASE_UNTIL, an
 * attempt counted; in a write transaction committed before delivering.
 * The rows, by id, in A.
 */
int store_webhook_deliveries_claim(struct store_conn *c, int64_t now, int64_t lease_until,
				   int limit, struct arena *a, struct store_webhook_delivery **out,
				   size_t *n_out, struct sb_error *err);

/* The outcome of one attempt, for store_webhook_delivery_finish(). */
struct store_webhook_outcome {
	const char *state; /* delivered, pending (retry) or failed */
	int64_t next_attempt_at;
	int64_t http_status;  /* 0: no answer */
	const char *error;    /* NULL keeps the last error */
	const char *excerpt;  /* the start of the answer; NULL when none */
	int64_t delivered_at; /* 0 unless delivered */
};

/* Ends the claim of delivery ID leased until LEASE_UNTIL with outcome O;
 * *applied_out (may be NULL) false when the lease was no longer the caller's. */
int store_webhook_delivery_finish(struct store_conn *c, int64_t id, int64_t lease_until,
				  const struct store_webhook_outcome *o, bool *applied_out,
				  struct sb_error *err);
/* Ends the claim without an attempt (a stop): due again at NEXT_ATTEMPT_AT. */
int store_webhook_delivery_release(struct store_conn *c, int64_t id, int64_t lease_until,
				   int64_t next_attempt_at, struct sb_error *err);
/* Deletes delivered and failed deliveries created before BEFORE. */
int store_webhook_deliveries_prune(struct store_conn *c, int64_t before, struct sb_error *err);

#endif
