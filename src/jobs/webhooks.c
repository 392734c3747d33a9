/*
 * Webhook deliveries (docs/webhooks.md): claims due rows of
 * webhook_deliveries under a lease, as the mail pass claims the outbox,
 * POSTs each one signed the Standard Webhooks way, and records the outcome
 * if the lease is still this runner's.
 *
 * An attempt is one HTTP POST through libcurl with short timeouts
 * (connect 5 s, 15 s in all, well inside the lease), no redirects followed
 * (a 3xx is a failed attempt: a receiver that moved must be edited by an
 * admin, and a redirect must not take a signed payload elsewhere), http
 * and https only. A 2xx answer delivers; anything else, or no answer, is
 * retried after jobs_retry_delay() until the row has waited JOBS_GIVE_UP_S
 * since it was queued, then fails, visible in the log. The same webhook-id
 * goes with every attempt; the timestamp and signature are the attempt's.
 * Only the start of the receiver's answer is kept, to explain a failure.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jobs/internal.h"
#include "util/webhook.h"

#define CONNECT_TIMEOUT_S 5
#define TOTAL_TIMEOUT_S   15
#define EXCERPT_MAX       256         /* bytes of the answer kept */
#define ANSWER_MAX        (64 * 1024) /* bytes of the answer read at all */
#define LOG_KEEP_S        (30 * 24 * 3600)
#define PRUNE_EVERY_S     3600

/* One attempt's state, for libcurl's callbacks. */
struct attempt {
	const atomic_bool *stop;
	char excerpt[EXCERPT_MAX + 1];
	size_t kept, read;
};

static size_t write_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct attempt *at = ctx;
	size_t len = size * n;
	for (size_t i = 0; i < len && at->kept < EXCERPT_MAX; i++) {
		unsigned char ch = (unsigned char)data[i];
		/* Printable ASCII only: the excerpt is shown in JSON and in a page. */
		at->excerpt[at->kept++] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
	}
	at->excerpt[at->kept] = '\0';
	at->read += len;
	return at->read > ANSWER_MAX ? 0 : len; /* enough: the status is what counts */
}

static int progress_cb(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct attempt *at = ctx;
	return atomic_load(at->stop) ? 1 : 0;
}

/* The webhook-signature header's value: the secret's, and the previous one's while it lasts. */
static int signature(const struct store_webhook *w, const struct store_webhook_delivery *d,
		     int64_t now, char *out, size_t size, struct sb_error *err)
{
	char sig[WEBHOOK_SIGNATURE_SIZE], old[WEBHOOK_SIGNATURE_SIZE];
	size_t len = strlen(d->payload);
	int rc = webhook_sign(w->secret, d->msg_id, now, d->payload, len, sig, err);
	if (rc < 0)
		return rc;
	if (w->previous_secret && w->previous_expires_at > now &&
	    webhook_sign(w->previous_secret, d->msg_id, now, d->payload, len, old, NULL) == 0)
		snprintf(out, size, "%s %s", sig, old);
	else
		snprintf(out, size, "%s", sig);
	return 0;
}

/*
 * POSTs delivery D to webhook W. 0 with *status_out when the receiver
 * answered (whatever it said); -SB_EBUSY without an answer (the message
 * says why; j->stop set means a stop cut it short).
 */
static int post(struct jobs *j, const struct store_webhook *w,
		const struct store_webhook_delivery *d, struct attempt *at, long *status_out,
		struct sb_error *err)
{
	int64_t now = (int64_t)time(NULL);
	char sig[2 * WEBHOOK_SIGNATURE_SIZE + 2], h_id[64 + WEBHOOK_MSG_ID_SIZE], h_ts[64],
		h_sig[64 + sizeof(sig)];
	int rc = signature(w, d, now, sig, sizeof(sig), err);
	if (rc < 0)
		return rc;
	snprintf(h_id, sizeof(h_id), "webhook-id: %s", d->msg_id);
	snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)now);
	snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL, *more;
	const char *lines[] = {"content-type: application/json",
			       "user-agent: Switchboard-Webhooks/" SB_VERSION,
			       /* No 100-continue round trip: receivers answer the POST. */
			       "Expect:", h_id, h_ts, h_sig};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (!(more = curl_slist_append(h, lines[i]))) {
			curl_slist_free_all(h);
			h = NULL;
			break;
		}
		h = more;
	}
	if (!c || !h) {
		curl_easy_cleanup(c);
		curl_slist_free_all(h);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->payload);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(d->payload));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, at);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, at);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TOTAL_TIMEOUT_S);
	/* Timeouts without SIGALRM: the runner is one thread of a threaded server. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode res = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	/* An answer cut short after ANSWER_MAX bytes still has its status. */
	if (status > 0 && (res == CURLE_OK || res == CURLE_WRITE_ERROR)) {
		*status_out = status;
		return 0;
	}
	if (res == CURLE_ABORTED_BY_CALLBACK)
		return sb_error_set(err, SB_EBUSY, "stopped before the receiver answered");
	return sb_error_set(err, SB_EBUSY, "%.200s", errbuf[0] ? errbuf : curl_easy_strerror(res));
}

/* Records O for claimed row D in its own write transaction. */
static int finish(struct store_conn *c, const struct store_webhook_delivery *d,
		  const struct store_webhook_outcome *o, bool release, struct sb_error *err)
{
	int rc = store_write_begin(c, err);
	if (rc < 0)
		return rc;
	/* A lease that ran out and was taken by another runner changes nothing here. */
	rc = release ? store_webhook_delivery_release(c, d->id, d->lease_until, o->next_attempt_at,
						      err)
		     : store_webhook_delivery_finish(c, d->id, d->lease_until, o, NULL, err);
	if (rc < 0) {
		store_write_rollback(c);
		return rc;
	}
	return store_write_commit(c, err);
}

/* Delivers one claimed row and records what happened. */
static int deliver(struct jobs *j, struct store_conn *c, const struct store_webhook_delivery *d,
		   struct jobs_counts *counts, struct sb_error *err)
{
	struct arena *a = arena_new();
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	struct store_webhook w;
	struct attempt at = {.stop = &j->stop};
	struct sb_error why = {0};
	long status = 0;
	int rc = store_webhook_get(c, d->webhook_id, a, &w, &why);
	if (rc == -SB_ENOTFOUND) {
		arena_free(a); /* deleted since the claim, its deliveries with it */
		return 0;
	}
	if (rc == 0)
		rc = post(j, &w, d, &at, &status, &why);
	int64_t now = (int64_t)time(NULL);
	struct store_webhook_outcome o = {.next_attempt_at = now,
					  .http_status = status,
					  .excerpt = at.kept ? at.excerpt : NULL};
	bool release = false;
	if (rc == 0 && status >= 200 && status < 300) {
		o.state = "delivered";
		o.delivered_at = now;
		counts->webhooks_delivered++;
	} else if (rc == -SB_EBUSY && atomic_load(&j->stop)) {
		release = true; /* cut short by a stop: not the receiver's failure */
	} else {
		if (rc == 0)
			sb_error_set(&why, SB_EBUSY, "the receiver answered HTTP %ld", status);
		if (rc == -SB_EINVAL ||
		    now + jobs_retry_delay(d->attempts) - d->queued_at > JOBS_GIVE_UP_S) {
			char last[SB_ERROR_MESSAGE_MAX];
			memcpy(last, why.message, sizeof(last));
			if (rc == -SB_EINVAL)
				sb_error_set(&why, SB_EINVAL, "cannot sign: %.180s", last);
			else
				sb_error_set(&why, SB_EBUSY, "gave up after %lld attempts: %.180s",
					     (long long)d->attempts, last);
			o.state = "failed";
			counts->webhooks_failed++;
			jobs_say(j, "webhooks: delivery %lld (%s) to %s: %s", (long long)d->id,
				 d->event, w.url, why.message);
		} else {
			o.state = "pending";
			o.next_attempt_at = now + jobs_retry_delay(d->attempts);
			counts->webhooks_retrying++;
			jobs_say(
				j,
				"webhooks: delivery %lld (%s) to %s: attempt %lld failed, retrying "
				"in %lld s: %s",
				(long long)d->id, d->event, w.url, (long long)d->attempts,
				(long long)(o.next_attempt_at - now), why.message);
		}
		o.error = why.message;
	}
	rc = finish(c, d, &o, release, err);
	arena_free(a);
	return rc;
}

/* Deletes log rows older than LOG_KEEP_S, at most once every PRUNE_EVERY_S. */
static int prune(struct jobs *j, struct store_conn *c, int64_t now, struct sb_error *err)
{
	if (now - j->webhooks_pruned_at < PRUNE_EVERY_S)
		return 0;
	j->webhooks_pruned_at = now;
	int rc = store_write_begin(c, err);
	if (rc < 0)
		return rc;
	if ((rc = store_webhook_deliveries_prune(c, now - LOG_KEEP_S, err)) < 0) {
		store_write_rollback(c);
		return rc;
	}
	return store_write_commit(c, err);
}

int jobs_webhooks_pass(struct jobs *j, struct store_conn *c, struct jobs_counts *counts,
		       struct sb_error *err)
{
	bool due = false;
	int rc = prune(j, c, (int64_t)time(NULL), err);
	if (rc < 0 || (rc = store_webhook_deliveries_due(c, (int64_t)time(NULL), &due, err)) < 0 ||
	    !due)
		return rc;
	while (!atomic_load(&j->stop)) {
		struct arena *a = arena_new();
		if (!a)
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		struct store_webhook_delivery *rows;
		size_t n = 0;
		int64_t now = (int64_t)time(NULL);
		if ((rc = store_write_begin(c, err)) < 0 ||
		    (rc = store_webhook_deliveries_claim(c, now, now + j->lease_s, JOBS_BATCH, a,
							 &rows, &n, err)) < 0) {
			if (rc != 0 && store_in_write(c))
				store_write_rollback(c);
			arena_free(a);
			return rc;
		}
		/* Committed before delivering: other runners must see the lease. */
		if ((rc = store_write_commit(c, err)) < 0 || n == 0) {
			arena_free(a);
			return rc;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct store_webhook_outcome o = {.next_attempt_at = (int64_t)time(NULL)};
			if (atomic_load(&j->stop) || !jobs_lease_left(j, rows[i].lease_until))
				rc = finish(c, &rows[i], &o, true, err);
			else
				rc = deliver(j, c, &rows[i], counts, err);
		}
		arena_free(a);
		if (rc < 0)
			return rc;
	}
	return 0;
}
