/*
 * SMTP through libcurl (smtp.h). libcurl speaks the protocol, TLS and
 * AUTH; this file chooses the options, feeds the message, and sorts
 * failures into temporary and permanent by the server's reply code, which
 * it reads from libcurl's debug stream (the only place libcurl shows the
 * server's text).
 */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/smtp.h"

/* Limits on one delivery, so that a stuck server cannot hold a claim forever. */
#define CONNECT_TIMEOUT_S  10
#define TRANSFER_TIMEOUT_S 60

struct mail_smtp {
	CURL *curl;
	char *url; /* without our query */
	long use_ssl;
};

int mail_global_init(struct sb_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sb_error_set(err, SB_EIO, "cannot initialize libcurl");
	return 0;
}

void mail_global_cleanup(void)
{
	curl_global_cleanup();
}

char *mail_smtp_url_redacted(const char *url, char *buf, size_t size)
{
	const char *scheme_end = strstr(url, "://");
	const char *host = scheme_end ? scheme_end + 3 : url;
	size_t auth = strcspn(host, "/?#");
	const char *at = memchr(host, '@', auth);
	const char *colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (!colon)
		snprintf(buf, size, "%s", url);
	else
		snprintf(buf, size, "%.*s:***%s", (int)(colon - url), url, at);
	return buf;
}

int mail_smtp_new(const char *url, struct mail_smtp **out, struct sb_error *err)
{
	char shown[256];
	bool smtps = strncmp(url, "smtps://", 8) == 0;
	if (!smtps && strncmp(url, "smtp://", 7) != 0)
		return sb_error_set(err, SB_EINVAL,
				    "SMTP URL %.200s: expected smtp://host[:port] or "
				    "smtps://host[:port]",
				    mail_smtp_url_redacted(url, shown, sizeof(shown)));
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return sb_error_set(err, SB_EINVAL,
					    "SMTP URL: spaces and control characters are not "
					    "allowed");
	size_t base = strcspn(url, "?");
	const char *query = url[base] ? url + base + 1 : "";
	long use_ssl = smtps ? CURLUSESSL_ALL : CURLUSESSL_TRY;
	if (*query) {
		if (smtps)
			return sb_error_set(err, SB_EINVAL,
					    "SMTP URL: ?starttls= is for smtp://; smtps:// is "
					    "always TLS");
		if (strcmp(query, "starttls=required") == 0)
			use_ssl = CURLUSESSL_ALL;
		else if (strcmp(query, "starttls=no") == 0)
			use_ssl = CURLUSESSL_NONE;
		else if (strcmp(query, "starttls=try") != 0)
			return sb_error_set(err, SB_EINVAL,
					    "SMTP URL: unknown query (expected starttls=required, "
					    "starttls=try or starttls=no)");
	}
	struct mail_smtp *s = calloc(1, sizeof(*s));
	if (!s || !(s->url = strndup(url, base)) || !(s->curl = curl_easy_init())) {
		mail_smtp_free(s);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	s->use_ssl = use_ssl;
	*out = s;
	return 0;
}

void mail_smtp_free(struct mail_smtp *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	free(s->url);
	free(s);
}

/* One transfer's state, for libcurl's callbacks. */
struct transfer {
	const char *data;
	size_t len, off;
	const atomic_bool *cancel;
	char last_reply[160]; /* the server's first refusal, else its last reply */
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct transfer *t = ctx;
	size_t n = size * nitems, left = t->len - t->off;
	if (n > left)
		n = left;
	memcpy(buf, t->data + t->off, n);
	t->off += n;
	return n;
}

static int progress_cb(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct transfer *t = ctx;
	return t->cancel && atomic_load(t->cancel) ? 1 : 0;
}

/* Keeps the server's replies (libcurl calls them headers in): one explains a failure. */
static int debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct transfer *t = ctx;
	if (type != CURLINFO_HEADER_IN || size < 3 || !isdigit((unsigned char)data[0]))
		return 0;
	/* The first refusal explains the failure; the "221 Bye" after it does not. */
	if (t->last_reply[0] == '4' || t->last_reply[0] == '5')
		return 0;
	size_t n = 0;
	for (; n < size && n + 1 < sizeof(t->last_reply); n++) {
		unsigned char c = (unsigned char)data[n];
		if (c == '\r' || c == '\n')
			break;
		t->last_reply[n] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	t->last_reply[n] = '\0';
	return 0;
}

int mail_smtp_send(struct mail_smtp *s, const char *from, const char *rcpt, const char *message,
		   size_t len, const atomic_bool *cancel, struct sb_error *err)
{
	struct transfer t = {.data = message, .len = len, .cancel = cancel};
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	if (!rcpts)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = s->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_USE_SSL, s->use_ssl);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &t);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
	/* VERBOSE only routes the server's replies to debug_cb; nothing is printed. */
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TRANSFER_TIMEOUT_S);
	/* Timeouts without SIGALRM: the runner is one thread of a threaded server. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/*
	 * One SMTP session per message. A connection kept for the next one
	 * would be closed (QUIT, and a wait of up to two minutes for the
	 * answer) in curl_easy_cleanup(), where no cancel reaches it: a stop
	 * behind a stuck server would hang. Notifications are few enough.
	 */
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	CURLcode res = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	/* T and ERRBUF live on this stack: no later call may reach them. */
	curl_easy_reset(c);
	curl_slist_free_all(rcpts);
	if (res == CURLE_OK)
		return 0;

	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(res);
	if (res == CURLE_ABORTED_BY_CALLBACK)
		return sb_error_set(err, SB_EBUSY, "stopped before the server answered");
	/* A refused login fails every message alike: the configuration, not this one. */
	bool permanent = code >= 500 && code < 600 && res != CURLE_LOGIN_DENIED;
	if (t.last_reply[0])
		return sb_error_set(err, permanent ? SB_EPERM : SB_EBUSY, "%s (%.100s)",
				    t.last_reply, why);
	return sb_error_set(err, permanent ? SB_EPERM : SB_EBUSY, "%.200s", why);
}
