/*
 * Mail in, on the API's rules: what `switchboard mailgate` does with a
 * message once src/mail/inbound.c has read it. It lives in src/api because
 * a reply by mail is a reply like one from the portal: it goes through the
 * same functions (api_comment_add(), api_ticket_insert()), so the same
 * people may write, the same status changes happen and the same
 * notifications are queued. Only the CLI calls it.
 *
 *   a reply on a ticket the sender may work on   a public comment (api_comment_add)
 *   ... on a closed ticket (a customer)          a follow-up ticket, linked both ways
 *   automatic mail from a known sender on one    an internal note; no status change,
 *                                                nobody notified (no mail loops)
 *   a new message from an organization's SPOC    a ticket marked incomplete
 *   automatic mail otherwise                     dropped (API_MAIL_DROPPED)
 *   anyone else                                  refused: -SB_ENOTFOUND (unknown
 *                                                sender) or -SB_EPERM (naming the SPOC)
 *
 * Every stored message is remembered by its key in the transaction that
 * stores it: the same message again is API_MAIL_DUPLICATE, stored once.
 * Memory: the result holds no pointers; nothing outlives the call.
 */
#ifndef SB_API_MAILIN_H
#define SB_API_MAILIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

/* The request type of a ticket opened by mail, unless the mail.request_type setting names one. */
#define API_MAIL_REQUEST_TYPE_DEFAULT "ui-api-bug"

struct api_mail_file {
	const char *filename, *content_type;
	const char *data;
	size_t len;
};

struct api_mail_in {
	const char *key;    /* the Message-ID, or a hash of the bytes when it has none */
	const char *sender; /* the From address, lower case */
	int64_t ticket_id;  /* the ticket it answers (threading), 0 when none */
	const char *subject;
	const char *reply;     /* the text without quoted history (a comment) */
	const char *full_text; /* the whole text (a new request's description) */
	const struct api_mail_file *files;
	size_t n_files;
	bool automatic; /* auto-generated or bulk mail */
};

enum api_mail_outcome {
	API_MAIL_REPLY,      /* a public comment on ticket_id */
	API_MAIL_NOTE,       /* automatic mail kept as an internal note on ticket_id */
	API_MAIL_NEW_TICKET, /* ticket_id opened, incomplete */
	API_MAIL_FOLLOW_UP,  /* ticket_id opened as the follow-up of a closed ticket */
	API_MAIL_DUPLICATE,  /* stored before (on ticket_id); nothing done */
	API_MAIL_DROPPED,    /* automatic mail with no ticket to go on; nothing done */
};

struct api_mail_result {
	enum api_mail_outcome outcome;
	int64_t ticket_id;
	int64_t comment_id; /* 0 when none */
};

/*
 * Delivers IN at NOW. 0 with *OUT; or -SB_ENOTFOUND (nobody has the
 * sender's address, or the account is disabled), -SB_EPERM (refused: the
 * message says why, and names the SPOC to a contact who is not one),
 * -SB_EINVAL (too many or too large attachments, an empty message),
 * -SB_EBUSY or -SB_EIO (try again later), with ERR's message fit for the
 * sender to read.
 */
int api_mail_deliver(struct api *api, const struct api_mail_in *in, int64_t now,
		     struct api_mail_result *out, struct sb_error *err);

const char *api_mail_outcome_name(enum api_mail_outcome outcome);

/*
 * Live events for mail: the mailgate is another process, so the server
 * that holds the event streams learns of what it stored from the
 * inbound_messages rows. The watch reads the rows written since the last
 * round, every second, in a thread of its own, and publishes their events
 * (a comment, an internal note, a new ticket) as the API does for its own
 * changes. Started by serve after api_new(); api_free() stops it.
 */
int api_mail_watch_start(struct api *api, struct sb_error *err);
void api_mail_watch_stop(struct api *api);

#endif
