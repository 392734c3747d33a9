/*
 * Background work, run inside `switchboard serve` (a thread) or alone by
 * `switchboard jobs`: delivering the outbox's notifications
 * by mail, queueing the notifications that time brings (SLA timers), and
 * delivering webhooks.
 *
 * Work is claimed from the database under a lease (store_outbox_claim()),
 * so any number of processes may run jobs on one database: a row is
 * delivered by one claimer at a time, and a row whose claimer died is
 * claimed again when the lease runs out. docs/mail.md states the delivery
 * guarantee that follows.
 *
 * Retries: a temporary failure is retried after jobs_retry_delay() (30 s,
 * doubling to at most 15 minutes) until the row is JOBS_GIVE_UP_S old; a
 * permanent one marks the row failed with the reason, for admins to see.
 */
#ifndef SB_JOBS_JOBS_H
#define SB_JOBS_JOBS_H

#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

#define JOBS_MAIL_FROM_DEFAULT "Switchboard <support@localhost>"
/* Where mails link to: the web app as readers reach it. */
#define JOBS_PUBLIC_URL_DEFAULT "http://127.0.0.1:8080"

/* How long a claim lasts: longer than one delivery may take (smtp.c's timeouts). */
#define JOBS_LEASE_DEFAULT_S 120
#define JOBS_LEASE_MAX_S     3600
/* Retry delays: the first, and the most they grow to. */
#define JOBS_RETRY_FIRST_S 30
#define JOBS_RETRY_MAX_S   (15 * 60)
/* A temporary failure this long after the row was written is given up on
 * (as Postfix's maximal_queue_lifetime). */
#define JOBS_GIVE_UP_S (5 * 24 * 3600)
/* Rows claimed at once: few, so that a claim does not hold rows that one
 * process will not reach before its lease runs out. */
#define JOBS_BATCH 16

/*
 * The wait before the next attempt after ATTEMPTS (1 or more) attempts have
 * failed: 30 s, 60 s, 120 s... at most 15 minutes.
 */
int64_t jobs_retry_delay(int64_t attempts);

struct jobs_config {
	const char *smtp_url;  /* smtp.h; NULL: mail stays queued in the outbox */
	const char *mail_from; /* "Name <address>"; NULL: JOBS_MAIL_FROM_DEFAULT */
	int64_t lease_s;       /* 0: JOBS_LEASE_DEFAULT_S */
	/* The web app's address, for links in mail; NULL: JOBS_PUBLIC_URL_DEFAULT. */
	const char *public_url;
	/*
	 * The clock the SLA timers are judged by, for tests and replays
	 * (`switchboard jobs --once --now`); 0: the real clock. Rows it queues
	 * are written at the real time, so they go out at once.
	 */
	int64_t timers_now;
	/* Told one line per delivery that did not succeed at once; NULL: nobody. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

struct jobs_counts {
	int sent;     /* accepted by the SMTP server */
	int retrying; /* failed for now; due again later */
	int failed;   /* given up on */
	int queued;   /* notifications queued by the timers */
	/* Webhook deliveries (docs/webhooks.md), counted the same way. */
	int webhooks_delivered, webhooks_retrying, webhooks_failed;
};

struct jobs;

/* A runner over STORE (which must outlive it); *out is the caller's (jobs_free()). */
int jobs_new(struct store *store, const struct jobs_config *cfg, struct jobs **out,
	     struct sb_error *err);

/* Stops the runner's thread if it runs (jobs_stop()) and frees it. Accepts NULL. */
void jobs_free(struct jobs *j);

/*
 * Delivers every row due now, in this thread, and returns when none is left
 * (rows to retry later are not waited for). Adds what happened to *COUNTS
 * (may be NULL).
 */
int jobs_run_due(struct jobs *j, struct jobs_counts *counts, struct sb_error *err);

/* Starts a thread that runs jobs_run_due() every second until jobs_stop(). */
int jobs_start(struct jobs *j, struct sb_error *err);

/*
 * Stops the thread and waits for it: a delivery in flight is cut short
 * (its row released, to be claimed again), so this takes about a second at
 * most. Call before closing the store. Does nothing when not started.
 */
void jobs_stop(struct jobs *j);

#endif
