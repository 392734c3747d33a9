/*
 * The job runner: claims due outbox rows, delivers each, and records the
 * outcome; in a thread of its own (serve) or in the caller's (jobs --once).
 *
 * A pass first asks, with a read, whether anything is due, so an idle
 * runner never takes the store's writer lock. A claim is committed before
 * delivering (other processes must see the lease), and every outcome is
 * committed right after the SMTP server answered: the window in which a
 * crash makes a delivered mail go out again is that one commit.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "jobs/internal.h"
#include "jobs/jobs.h"
#include "mail/smtp.h"

int64_t jobs_retry_delay(int64_t attempts)
{
	int64_t d = JOBS_RETRY_FIRST_S;
	for (int64_t i = 1; i < attempts && d < JOBS_RETRY_MAX_S; i++)
		d *= 2;
	return d < JOBS_RETRY_MAX_S ? d : JOBS_RETRY_MAX_S;
}

int jobs_new(struct store *store, const struct jobs_config *cfg, struct jobs **out,
	     struct sb_error *err)
{
	if (cfg->lease_s < 0 || cfg->lease_s > JOBS_LEASE_MAX_S)
		return sb_error_set(err, SB_EINVAL, "lease of %lld s: expected 1 to %d",
				    (long long)cfg->lease_s, JOBS_LEASE_MAX_S);
	struct jobs *j = calloc(1, sizeof(*j));
	if (!j || !(j->config_arena = arena_new())) {
		free(j);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	int rc = mail_address_parse(cfg->mail_from ? cfg->mail_from : JOBS_MAIL_FROM_DEFAULT,
				    j->config_arena, &j->from, err);
	if (rc < 0 || (cfg->smtp_url && (rc = mail_smtp_new(cfg->smtp_url, &j->smtp, err)) < 0)) {
		if (rc == -SB_EINVAL && strncmp(err->message, "not a mail", 10) == 0) {
			char why[SB_ERROR_MESSAGE_MAX];
			memcpy(why, err->message, sizeof(why));
			sb_error_set(err, SB_EINVAL, "mail sender: %.200s", why);
		}
		arena_free(j->config_arena);
		free(j);
		return rc;
	}
	if (!(j->public_url =
		      arena_strdup(j->config_arena,
				   cfg->public_url ? cfg->public_url : JOBS_PUBLIC_URL_DEFAULT))) {
		arena_free(j->config_arena);
		mail_smtp_free(j->smtp);
		free(j);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	j->timers_now = cfg->timers_now;
	j->store = store;
	j->lease_s = cfg->lease_s ? cfg->lease_s : JOBS_LEASE_DEFAULT_S;
	j->log = cfg->log;
	j->log_ctx = cfg->log_ctx;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	*out = j;
	return 0;
}

void jobs_free(struct jobs *j)
{
	if (!j)
		return;
	jobs_stop(j);
	mail_smtp_free(j->smtp);
	arena_free(j->config_arena);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
}

void jobs_say(struct jobs *j, const char *fmt, ...)
{
	if (!j->log)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	j->log(j->log_ctx, line);
}

/* The business calendar's zone (the setting, else the default), for due times. */
static int load_zone(struct store_conn *c, struct tz_zone **out, struct sb_error *err)
{
	struct arena *a = arena_new();
	char *name = NULL;
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = store_setting_get(c, "calendar.timezone", a, &name, err);
	if (rc == 0)
		rc = tz_zone_load(name ? name : CALENDAR_DEFAULT_ZONE, out, err);
	arena_free(a);
	return rc;
}

bool jobs_lease_left(const struct jobs *j, int64_t lease_until)
{
	return (int64_t)time(NULL) < lease_until - j->lease_s / 2;
}

/* Records OUTCOME for ROW in its own write transaction. */
static int finish(struct store_conn *c, const struct store_outbox *row,
		  enum store_outbox_outcome outcome, int64_t next_at, const char *why,
		  struct sb_error *err)
{
	int rc = store_write_begin(c, err);
	if (rc < 0)
		return rc;
	/* A lease that ran out and was taken by another claimer changes nothing
	 * here: that claimer's outcome stands. */
	if ((rc = store_outbox_finish(c, row->id, row->lease_until, outcome, next_at, why, NULL,
				      err)) < 0) {
		store_write_rollback(c);
		return rc;
	}
	return store_write_commit(c, err);
}

/* Delivers one claimed row and records what happened. */
static int deliver(struct jobs *j, struct store_conn *c, const struct store_outbox *row,
		   const struct tz_zone *zone, struct jobs_counts *counts, struct sb_error *err)
{
	struct arena *a = arena_new();
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	struct sb_error why = {0};
	struct jobs_mail mail;
	int rc = jobs_mail_prepare(c, row, &j->from, zone, j->public_url, a, &mail, &why);
	if (rc == 0)
		rc = mail_smtp_send(j->smtp, j->from.addr, mail.rcpt, mail.data, mail.len, &j->stop,
				    &why);
	int64_t now = (int64_t)time(NULL);
	enum store_outbox_outcome outcome;
	int64_t next_at = now;
	if (rc == 0) {
		outcome = STORE_OUTBOX_SENT;
		counts->sent++;
	} else if (rc == -SB_EBUSY && atomic_load(&j->stop)) {
		/* Cut short by a stop: not this row's failure; due again at once. */
		outcome = STORE_OUTBOX_RELEASE;
	} else if (rc == -SB_EPERM || rc == -SB_EINVAL || rc == -SB_ENOTFOUND) {
		outcome = STORE_OUTBOX_FAILED;
		counts->failed++;
		jobs_say(j, "mail: outbox %lld (%s): failed: %s", (long long)row->id, row->event,
			 why.message);
	} else if (now + jobs_retry_delay(row->attempts) - row->created_at > JOBS_GIVE_UP_S) {
		outcome = STORE_OUTBOX_FAILED;
		counts->failed++;
		char last[SB_ERROR_MESSAGE_MAX];
		memcpy(last, why.message, sizeof(last));
		sb_error_set(&why, SB_EBUSY, "gave up after %lld attempts: %.180s",
			     (long long)row->attempts, last);
		jobs_say(j, "mail: outbox %lld (%s): %s", (long long)row->id, row->event,
			 why.message);
	} else {
		outcome = STORE_OUTBOX_RETRY;
		next_at = now + jobs_retry_delay(row->attempts);
		counts->retrying++;
		jobs_say(j, "mail: outbox %lld (%s): attempt %lld failed, retrying in %lld s: %s",
			 (long long)row->id, row->event, (long long)row->attempts,
			 (long long)(next_at - now), why.message);
	}
	arena_free(a);
	return finish(c, row, outcome, next_at,
		      outcome == STORE_OUTBOX_SENT || outcome == STORE_OUTBOX_RELEASE ? NULL
										      : why.message,
		      err);
}

/* Delivers the outbox's due mail; nothing without an SMTP server. */
static int mail_pass(struct jobs *j, struct store_conn *c, struct jobs_counts *counts,
		     struct sb_error *err)
{
	struct tz_zone *zone = NULL;
	bool due = false;
	if (!j->smtp)
		return 0;
	int rc = store_outbox_due(c, (int64_t)time(NULL), &due, err);
	if (rc < 0 || !due)
		return rc;
	if ((rc = load_zone(c, &zone, err)) < 0)
		return rc;
	while (!atomic_load(&j->stop)) {
		struct arena *a = arena_new();
		if (!a) {
			rc = sb_error_set(err, SB_ENOMEM, "out of memory");
			break;
		}
		struct store_outbox *rows;
		size_t n = 0;
		int64_t now = (int64_t)time(NULL);
		if ((rc = store_write_begin(c, err)) < 0 ||
		    (rc = store_outbox_claim(c, now, now + j->lease_s, JOBS_BATCH, a, &rows, &n,
					     err)) < 0) {
			if (rc != 0 && store_in_write(c))
				store_write_rollback(c);
			arena_free(a);
			break;
		}
		if ((rc = store_write_commit(c, err)) < 0 || n == 0) {
			arena_free(a);
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (atomic_load(&j->stop) || !jobs_lease_left(j, rows[i].lease_until))
				rc = finish(c, &rows[i], STORE_OUTBOX_RELEASE, (int64_t)time(NULL),
					    NULL, err);
			else
				rc = deliver(j, c, &rows[i], zone, counts, err);
		}
		arena_free(a);
		if (rc < 0)
			break;
	}
	tz_zone_free(zone);
	return rc;
}

int jobs_run_due(struct jobs *j, struct jobs_counts *counts, struct sb_error *err)
{
	struct jobs_counts ignored = {0};
	if (!counts)
		counts = &ignored;
	struct store_conn *c;
	int rc = store_conn(j->store, &c, err);
	/* Timers first: the mail they queue goes out in the same pass. */
	if (rc < 0 ||
	    (rc = jobs_timers_pass(j, c, j->timers_now ? j->timers_now : (int64_t)time(NULL),
				   counts, err)) < 0 ||
	    (rc = mail_pass(j, c, counts, err)) < 0)
		return rc;
	return jobs_webhooks_pass(j, c, counts, err);
}

static void *run(void *arg)
{
	struct jobs *j = arg;
	while (!atomic_load(&j->stop)) {
		struct sb_error err = {0};
		if (jobs_run_due(j, NULL, &err) < 0)
			jobs_say(j, "jobs: %s", err.message);
		/* Poll once a second: the due check is one indexed read. */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&j->lock);
		if (!atomic_load(&j->stop))
			pthread_cond_timedwait(&j->wake, &j->lock, &until);
		pthread_mutex_unlock(&j->lock);
	}
	return NULL;
}

int jobs_start(struct jobs *j, struct sb_error *err)
{
	if (pthread_create(&j->thread, NULL, run, j) != 0)
		return sb_error_set(err, SB_EIO, "cannot start the job runner's thread");
	j->started = true;
	return 0;
}

void jobs_stop(struct jobs *j)
{
	if (!j || !j->started)
		return;
	pthread_mutex_lock(&j->lock);
	atomic_store(&j->stop, true);
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	j->started = false;
}
