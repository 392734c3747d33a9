/* What the files of src/jobs share; not for use outside it. */
#ifndef SB_JOBS_INTERNAL_H
#define SB_JOBS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "jobs/jobs.h"
#include "mail/message.h"
#include "store/store.h"
#include "util/tz.h"

struct jobs {
	struct store *store;
	struct mail_smtp *smtp;
	struct arena *config_arena; /* FROM's strings */
	struct mail_address from;
	const char *public_url; /* in config_arena */
	int64_t timers_now;     /* 0: the real clock */
	int64_t lease_s;
	int64_t webhooks_pruned_at; /* when the webhook delivery log was last pruned */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	atomic_bool stop;
	bool started;
	pthread_t thread;
	pthread_mutex_t lock; /* guards the wait between passes */
	pthread_cond_t wake;
};

/* Tells J's log one line (nothing when it has no log). */
void jobs_say(struct jobs *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Whether a row claimed until LEASE_UNTIL may still be attempted: only with
 * at least half the lease left. A claim takes up to JOBS_BATCH rows under
 * one lease, and rows late in a batch behind a slow server would otherwise
 * be attempted after the lease ran out, while another runner that claimed
 * them again sends them too. With the default lease, half of it is the
 * longest an attempt takes (mail: 60 s). A row refused here is released,
 * due again at once for whichever runner claims it next.
 */
bool jobs_lease_left(const struct jobs *j, int64_t lease_until);

/*
 * The passes of jobs_run_due(), each in its own file, each on connection C
 * and adding what it did to *COUNTS. A pass returns early when j->stop is
 * set.
 */

/* timers.c: queues the notifications that time brings (SLA warning and
 * breach, emergency updates) for tickets whose moment has come by NOW. */
int jobs_timers_pass(struct jobs *j, struct store_conn *c, int64_t now, struct jobs_counts *counts,
		     struct sb_error *err);

/* webhooks.c: delivers the due webhook deliveries. */
int jobs_webhooks_pass(struct jobs *j, struct store_conn *c, struct jobs_counts *counts,
		       struct sb_error *err);

/* A mail ready to send: envelope and bytes, in the row's arena. */
struct jobs_mail {
	const char *rcpt;
	const char *data;
	size_t len;
};

/*
 * The mail for outbox row ROW, from FROM, with times in ZONE and links to
 * PUBLIC_URL, in A.
 * -SB_EINVAL or -SB_ENOTFOUND when it can never be sent (no recipient, no
 * template, a bad address: the row fails); other codes are temporary.
 */
int jobs_mail_prepare(struct store_conn *c, const struct store_outbox *row,
		      const struct mail_address *from, const struct tz_zone *zone,
		      const char *public_url, struct arena *a, struct jobs_mail *out,
		      struct sb_error *err);

#endif
