/*
 * Live ticket events for the web app: GET /api/v1/events, a Server-Sent
 * Events stream (text/event-stream) on the transport's streams (http.h).
 *
 * Publishing. A handler queues an event on its call as it changes a ticket
 * (api_event_queue()); the dispatcher publishes the call's events only when
 * the handler succeeded, which for a write means after its COMMIT returned:
 * a request that fails or rolls back publishes nothing, and no event names
 * a change that a power cut could undo. Publishing appends to a ring of the
 * last EVENTS_RING events, numbered by one sequence, and wakes the streams
 * that may see one of them.
 *
 * Sequence numbers start at a random point of [2^40, 2^52), drawn when the
 * hub is made (2^52: exact in a browser's numbers). An id a browser kept
 * across a server restart, or got from another server behind the same
 * load balancer, falls in this ring's window of 1,024 ids with a chance of
 * about one in four trillion: it gets a reset, never someone else's events.
 *
 * Streams. Each is a cursor into the ring and who is watching. Its fill
 * callback (on a pool thread) sends what lies past the cursor and the
 * watcher may see, then waits parked: no thread is held between events.
 * Visibility follows GET /tickets (tickets.c): admins every ticket, agents
 * and leads routed ones, account representatives those of organizations
 * they represented when the event happened and those assigned to them,
 * contacts their organization's, and never an event caused only by an
 * internal note.
 *
 * Every KEEPALIVE_S the ticker thread wakes every stream, which then sends
 * ": keepalive" (proxies keep the connection; a client that left is
 * noticed when the write fails) and checks again that its session or token
 * still holds and its user may sign in: one that signed out, was disabled
 * or lost the token is ended, and the browser's reconnection gets a 401.
 *
 * Resuming: the browser sends back the last id it saw as Last-Event-ID (a
 * script may pass ?last_event_id=); the stream replays what came after it
 * from the ring. An id that fell out of the ring, or was never issued by
 * this server, gets "event: reset": the client must fetch everything again.
 *
 * Order: events are numbered as they are published. Two writes to one
 * ticket committed in the same batch may publish in either order, so a
 * client keeps the highest "version" it saw of a ticket.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/internal.h"

#define EVENTS_RING 1024
#define KEEPALIVE_S 15
#define RETRY_MS    3000
#define STREAM_OUT  8192 /* bytes a stream formats at a time; an event is far less */

/* What decides who may see an event. */
struct event_scope {
	int64_t org_id, assignee_id;
	int64_t rep_id; /* the organization's account representative then */
	bool routed;    /* a routed ticket (agents and leads see those) */
	bool internal;  /* caused only by an internal note */
};

struct api_queued_event {
	struct api_queued_event *next;
	struct event_scope scope;
	const char *data; /* the JSON, in the call's arena */
};

struct hub_event {
	uint64_t seq;
	struct event_scope scope;
	char *data; /* the JSON, malloc'ed; freed when the slot is reused */
};

struct api_stream {
	struct api_events *hub;
	struct api *api;
	struct http_stream *stream;
	struct api_stream *prev, *next; /* hub->streams */
	/* The watcher: under hub->lock (the keepalive check refreshes them). */
	int64_t user_id, org_id;
	enum account_role role;
	/* The credential, checked again at every keepalive. */
	bool by_token;
	unsigned char hash[STORE_TOKEN_HASH_LEN];
	/* The fill callback's own (never two at once). */
	uint64_t cursor;  /* the last seq passed, sent or not visible */
	uint64_t id_sent; /* the last id the client was given */
	unsigned tick;    /* the keepalive round last answered */
	bool hello_sent, reset;
	size_t out_len, out_off;
	char out[STREAM_OUT];
};

struct api_events {
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;  /* the ticker sleeps on it */
	pthread_t ticker;
	bool stopping;
	uint64_t base;                      /* seqs begin after it */
	uint64_t head;                      /* the newest seq; BASE when none yet */
	unsigned tick;                      /* keepalive rounds so far */
	struct hub_event ring[EVENTS_RING]; /* seq S lives at ring[S % EVENTS_RING] */
	struct api_stream *streams;
};

static const char *const kind_names[] = {
	[API_EVENT_CREATED] = "created",
	[API_EVENT_UPDATED] = "updated",
	[API_EVENT_COMMENT] = "comment",
	[API_EVENT_ATTACHMENT] = "attachment",
};

/* ---- the hub ------------------------------------------------------------ */

/* Every KEEPALIVE_S, a new round: each stream wakes to send a keepalive. */
static void *ticker_main(void *arg)
{
	struct api_events *hub = arg;
	pthread_mutex_lock(&hub->lock);
	while (!hub->stopping) {
		struct timespec at;
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += KEEPALIVE_S;
		while (!hub->stopping &&
		       pthread_cond_timedwait(&hub->cond, &hub->lock, &at) != ETIMEDOUT)
			;
		if (hub->stopping)
			break;
		hub->tick++;
		for (struct api_stream *s = hub->streams; s; s = s->next)
			http_stream_wake(s->stream);
	}
	pthread_mutex_unlock(&hub->lock);
	return NULL;
}

int api_events_new(struct api_events **out, struct sb_error *err)
{
	struct api_events *hub = calloc(1, sizeof(*hub));
	pthread_condattr_t attr;
	if (!hub)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	uint64_t r;
	randombytes_buf(&r, sizeof(r));
	/* Room above for 2^51 events: more than any server will publish. */
	hub->base = hub->head = (1ULL << 40) + r % ((1ULL << 51) - (1ULL << 40));
	if (pthread_mutex_init(&hub->lock, NULL) != 0) {
		free(hub);
		return sb_error_set(err, SB_ENOMEM, "cannot create a lock");
	}
	if (pthread_condattr_init(&attr) != 0 ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&hub->cond, &attr) != 0) {
		pthread_mutex_destroy(&hub->lock);
		free(hub);
		return sb_error_set(err, SB_ENOMEM, "cannot create a condition variable");
	}
	pthread_condattr_destroy(&attr);
	if (pthread_create(&hub->ticker, NULL, ticker_main, hub) != 0) {
		pthread_cond_destroy(&hub->cond);
		pthread_mutex_destroy(&hub->lock);
		free(hub);
		return sb_error_set(err, SB_ENOMEM, "cannot start the keepalive thread");
	}
	*out = hub;
	return 0;
}

void api_events_free(struct api_events *hub)
{
	if (!hub)
		return;
	pthread_mutex_lock(&hub->lock);
	hub->stopping = true;
	pthread_cond_signal(&hub->cond);
	/* The HTTP server stops first: every stream has ended. */
	assert(!hub->streams);
	pthread_mutex_unlock(&hub->lock);
	pthread_join(hub->ticker, NULL);
	for (size_t i = 0; i < EVENTS_RING; i++)
		free(hub->ring[i].data);
	pthread_cond_destroy(&hub->cond);
	pthread_mutex_destroy(&hub->lock);
	free(hub);
}

/* The oldest seq still in the ring (HUB locked). */
static uint64_t oldest_seq(const struct api_events *hub)
{
	uint64_t first = hub->head + 1 >= EVENTS_RING ? hub->head + 1 - EVENTS_RING : 0;
	return first > hub->base + 1 ? first : hub->base + 1;
}

/* Whether the watcher of S may see an event of scope E (HUB locked). */
static bool visible(const struct api_stream *s, const struct event_scope *e)
{
	switch (s->role) {
	case ACCOUNT_ROLE_ADMIN: return true;
	case ACCOUNT_ROLE_AGENT:
	case ACCOUNT_ROLE_LEAD: return e->routed;
	case ACCOUNT_ROLE_ACCOUNT_REP:
		return e->assignee_id == s->user_id || e->rep_id == s->user_id;
	case ACCOUNT_ROLE_CONTACT: return !e->internal && e->org_id == s->org_id;
	}
	return false;
}

/* ---- publishing --------------------------------------------------------- */

void api_event_queue(struct api_call *call, const struct store_ticket *t, enum api_event_kind kind,
		     bool internal)
{
	struct api_queued_event *q = arena_zalloc(call->arena, sizeof(*q));
	json_t *j =
		json_pack("{s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:s}", "id", (json_int_t)t->id,
			  "version", (json_int_t)t->version, "org_id", (json_int_t)t->org_id,
			  "team", api_str(t->team), "status", t->status, "priority", t->priority,
			  "assignee_id", api_id(t->assignee_id), "event", kind_names[kind]);
	/* Compact and ASCII: one line, so it is one "data:" field. */
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (q && text)
		q->data = arena_strdup(call->arena, text);
	free(text);
	if (!q || !q->data)
		return; /* events are hints for the web app: it refetches on reconnect */
	struct store_org org;
	q->scope = (struct event_scope){.org_id = t->org_id,
					.assignee_id = t->assignee_id,
					.routed = t->kind && strcmp(t->kind, "routed") == 0,
					.internal = internal};
	if (store_org_get(call->conn, t->org_id, call->arena, &org, NULL) == 0)
		q->scope.rep_id = org.account_rep_id;
	struct api_queued_event **tail = &call->events;
	while (*tail)
		tail = &(*tail)->next;
	*tail = q;
}

void api_events_publish(struct api_call *call)
{
	struct api_events *hub = call->api->events;
	size_t n = 0;
	for (struct api_queued_event *q = call->events; q; q = q->next)
		n++;
	if (!hub || n == 0)
		return;
	/* Copies for the ring, made before taking the lock. */
	char **copies = calloc(n, sizeof(*copies));
	if (!copies)
		return;
	size_t i = 0;
	for (struct api_queued_event *q = call->events; q; q = q->next)
		copies[i++] = strdup(q->data);

	pthread_mutex_lock(&hub->lock);
	i = 0;
	for (struct api_queued_event *q = call->events; q; q = q->next, i++) {
		if (!copies[i])
			continue;
		uint64_t seq = ++hub->head;
		struct hub_event *e = &hub->ring[seq % EVENTS_RING];
		free(e->data);
		*e = (struct hub_event){.seq = seq, .scope = q->scope, .data = copies[i]};
	}
	for (struct api_stream *s = hub->streams; s; s = s->next) {
		for (struct api_queued_event *q = call->events; q; q = q->next) {
			if (visible(s, &q->scope)) {
				http_stream_wake(s->stream);
				break;
			}
		}
	}
	pthread_mutex_unlock(&hub->lock);
	free(copies);
}

/* ---- between servers (peers.c carries them) ---------------------------- */

void api_events_lost(struct api *api)
{
	struct api_events *hub = api->events;
	if (!hub)
		return;
	pthread_mutex_lock(&hub->lock);
	/*
	 * Past the ring by one more than its length: every id issued so far,
	 * the streams' cursors among them, is now older than the oldest event,
	 * so each stream sends a reset and a reconnection with an old id gets
	 * one. The slots skipped are never read: no cursor points into them.
	 */
	hub->head += EVENTS_RING + 1;
	for (struct api_stream *st = hub->streams; st; st = st->next)
		http_stream_wake(st->stream);
	pthread_mutex_unlock(&hub->lock);
}

/* One event as the other servers receive it: its JSON and its scope. */
static json_t *wire_event(const struct api_queued_event *q)
{
	const struct event_scope *e = &q->scope;
	return json_pack("{s:s, s:[I, I, I, b, b]}", "data", q->data, "scope",
			 (json_int_t)e->org_id, (json_int_t)e->assignee_id, (json_int_t)e->rep_id,
			 e->routed, e->internal);
}

int api_events_encode(const struct api_call *call, const char *origin,
		      int (*send)(void *ctx, const char *text), void *ctx)
{
	const struct api_queued_event *q = call->events;
	int rc = 0;
	while (q && rc == 0) {
		/* As many events as fit in one message; one always does (an event is ~300 bytes).
		 */
		json_t *list = json_array();
		json_t *msg = json_pack("{s:s, s:o}", "from", origin, "events", list);
		char *text = NULL;
		for (; q; q = q->next) {
			json_array_append_new(list, wire_event(q));
			char *longer = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
			if (longer && strlen(longer) >= STORE_NOTIFY_MAX && text) {
				free(longer);
				break; /* Q goes in the next message */
			}
			free(text);
			text = longer;
		}
		rc = text ? send(ctx, text) : -SB_ENOMEM;
		free(text);
		json_decref(msg);
	}
	return rc;
}

int api_events_decode(struct api_call *call, const char *text, const char *origin)
{
	json_t *msg = json_loads(text, 0, NULL);
	const char *from = NULL;
	json_t *list = NULL;
	int n = 0;
	if (!msg || json_unpack(msg, "{s:s, s:o}", "from", &from, "events", &list) < 0 ||
	    !json_is_array(list)) {
		n = -SB_EINVAL;
		goto out;
	}
	if (strcmp(from, origin) == 0)
		goto out; /* this server's own, published already */
	struct api_queued_event **tail = &call->events;
	while (*tail)
		tail = &(*tail)->next;
	size_t i;
	json_t *ev;
	json_array_foreach(list, i, ev)
	{
		const char *data;
		json_int_t org, assignee, rep;
		int routed, internal;
		struct api_queued_event *q = arena_zalloc(call->arena, sizeof(*q));
		if (!q ||
		    json_unpack(ev, "{s:s, s:[I, I, I, b, b]}", "data", &data, "scope", &org,
				&assignee, &rep, &routed, &internal) < 0 ||
		    !(q->data = arena_strdup(call->arena, data))) {
			n = -SB_EINVAL;
			goto out;
		}
		q->scope = (struct event_scope){.org_id = org,
						.assignee_id = assignee,
						.rep_id = rep,
						.routed = routed,
						.internal = internal};
		*tail = q;
		tail = &q->next;
		n++;
	}
out:
	json_decref(msg);
	return n;
}

/* ---- streams ------------------------------------------------------------ */

/* Appends to S's output; false, leaving it as it was, when it does not fit. */
__attribute__((format(printf, 2, 3))) static bool out_printf(struct api_stream *s, const char *fmt,
							     ...)
{
	va_list ap;
	size_t room = sizeof(s->out) - s->out_len;
	va_start(ap, fmt);
	int n = vsnprintf(s->out + s->out_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return false;
	s->out_len += (size_t)n;
	return true;
}

/*
 * Whether S's session or token still holds and its user may still sign
 * in, as the dispatcher would decide now; refreshes the watcher's role and
 * organization. On a pool thread, with no lock held.
 */
static bool still_authorized(struct api_stream *s)
{
	struct api_call call = {.api = s->api, .arena = arena_new(), .now = (int64_t)time(NULL)};
	int64_t uid = 0;
	char *csrf = NULL;
	bool ok = call.arena && store_conn(s->api->store, &call.conn, &call.err) == 0;
	if (ok && s->by_token)
		ok = store_token_user(call.conn, s->hash, &uid, &call.err) == 0;
	else if (ok)
		ok = store_session_get(call.conn, s->hash, call.now, call.arena, &uid, &csrf,
				       &call.err) == 0;
	ok = ok && uid == s->user_id && api_load_user(&call, uid) == 0;
	if (ok) {
		pthread_mutex_lock(&s->hub->lock);
		s->role = call.user.role;
		s->org_id = call.user.org_id;
		pthread_mutex_unlock(&s->hub->lock);
	}
	arena_free(call.arena);
	return ok;
}

/* Formats what S has to send next into its output; false to end the stream. */
static bool stream_refill(struct api_stream *s)
{
	struct api_events *hub = s->hub;
	pthread_mutex_lock(&hub->lock);
	if (s->cursor > hub->head || s->cursor + 1 < oldest_seq(hub)) {
		/* Gone from the ring (or never ours): the client starts over. */
		s->cursor = hub->head;
		s->reset = true;
	}
	if (!s->hello_sent) {
		/* The id lets a reconnection resume even if no event came. */
		out_printf(s, "retry: %d\nid: %llu\n\n", RETRY_MS, (unsigned long long)s->cursor);
		s->id_sent = s->cursor;
		s->hello_sent = true;
	}
	if (s->reset &&
	    out_printf(s, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)s->cursor)) {
		s->id_sent = s->cursor;
		s->reset = false;
	}
	while (!s->reset && s->cursor < hub->head) {
		const struct hub_event *e = &hub->ring[(s->cursor + 1) % EVENTS_RING];
		if (visible(s, &e->scope)) {
			if (!out_printf(s, "id: %llu\nevent: ticket\ndata: %s\n\n",
					(unsigned long long)e->seq, e->data))
				break; /* the rest next time */
			s->id_sent = e->seq;
		}
		s->cursor++;
	}
	bool tick = s->tick != hub->tick;
	s->tick = hub->tick;
	pthread_mutex_unlock(&hub->lock);

	if (tick) {
		if (!still_authorized(s))
			return false;
		/* The id moves a reconnection past events this watcher may not see. */
		if (s->id_sent != s->cursor &&
		    out_printf(s, ": keepalive\nid: %llu\n\n", (unsigned long long)s->cursor))
			s->id_sent = s->cursor;
		else
			out_printf(s, ": keepalive\n\n");
	}
	return true;
}

static enum http_stream_status stream_fill(void *ctx, char *buf, size_t max, size_t *len_out)
{
	struct api_stream *s = ctx;
	if (s->out_off == s->out_len) {
		s->out_off = s->out_len = 0;
		if (!stream_refill(s))
			return HTTP_STREAM_END;
		if (s->out_len == 0)
			return HTTP_STREAM_WAIT;
	}
	size_t n = s->out_len - s->out_off;
	if (n > max)
		n = max;
	memcpy(buf, s->out + s->out_off, n);
	s->out_off += n;
	*len_out = n;
	return HTTP_STREAM_DATA;
}

static void stream_done(void *ctx)
{
	struct api_stream *s = ctx;
	struct api_events *hub = s->hub;
	pthread_mutex_lock(&hub->lock);
	if (s->prev)
		s->prev->next = s->next;
	else if (hub->streams == s)
		hub->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&hub->lock);
	free(s);
}

/* A Last-Event-ID: decimal digits, no sign, no overflow. */
static bool parse_event_id(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

int api_events_stream(struct api_call *call)
{
	struct api_events *hub = call->api->events;
	struct api_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return api_fail(call, SB_ENOMEM, "out of memory");
	s->hub = hub;
	s->api = call->api;
	s->user_id = call->user.id;
	s->org_id = call->user.org_id;
	s->role = call->user.role;
	s->by_token = call->auth_by_token;
	memcpy(s->hash, call->auth_hash, sizeof(s->hash));

	const char *last = http_header(call->req, "Last-Event-ID");
	if (!last)
		last = http_query(call->req, "last_event_id");
	pthread_mutex_lock(&hub->lock);
	s->cursor = hub->head;
	s->tick = hub->tick;
	pthread_mutex_unlock(&hub->lock);
	/* Too old or from the future is found by the first fill; garbage too. */
	if (last && !parse_event_id(last, &s->cursor))
		s->reset = true;

	int rc = http_response_stream(call->req, stream_fill, stream_done, s, &s->stream);
	if (rc < 0) {
		free(s);
		http_response_header(call->res, "Retry-After", "10");
		return api_fail(call, SB_EBUSY,
				"too many live event streams are open; try again later");
	}
	/* From now on stream_done frees S. The fill runs only after we return. */
	pthread_mutex_lock(&hub->lock);
	s->next = hub->streams;
	if (s->next)
		s->next->prev = s;
	hub->streams = s;
	pthread_mutex_unlock(&hub->lock);

	call->res->status = 200;
	http_response_header(call->res, "Content-Type", "text/event-stream");
	http_response_header(call->res, "Cache-Control", "no-store");
	/* nginx and friends would otherwise hold events back in their buffers */
	http_response_header(call->res, "X-Accel-Buffering", "no");
	return 0;
}
