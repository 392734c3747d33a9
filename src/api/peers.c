/*
 * Live events between the servers of one database. A browser's event
 * stream is held by one server, but behind a load balancer the change it
 * must hear of may be made through any other. So every server sends the
 * events it publishes through the database (store_notify(): PostgreSQL's
 * NOTIFY), and a thread of each listens for the others': an event arrives
 * with the visibility scope its sender computed and goes into this
 * server's ring like one of its own (events.c). On SQLite, which one
 * server serves, none of this runs.
 *
 * Sent after the commit, from the request's thread, on the connection it
 * already has: not inside the group commit, where the round trip would
 * hold up every other writer. A server killed between its COMMIT and its
 * NOTIFY loses that request's events for the others: events are hints,
 * and the web app fetches again what it shows whenever its stream
 * reconnects. A listener that loses its connection misses what is sent
 * until it listens again; then every stream of this server is reset
 * (api_events_lost()), so that no screen stays behind unawares.
 *
 * A server knows its own messages, which come back to it too, by ORIGIN:
 * random bytes drawn at start.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/internal.h"

#define PEERS_CHANNEL  "switchboard_events"
#define PEERS_WAIT_MS  500  /* how soon a stop is noticed */
#define PEERS_RETRY_MS 1000 /* between attempts to listen again */

struct api_peers {
	struct api *api;
	pthread_t thread;
	atomic_bool stopping;
	char origin[33];
};

/* Publishes here the events of one message from another server. */
static void receive(struct api_peers *p, const char *text)
{
	struct api_call call = {.api = p->api, .now = (int64_t)time(NULL)};
	if (!(call.arena = arena_new()))
		return;
	int n = api_events_decode(&call, text, p->origin);
	if (n > 0)
		api_events_publish(&call);
	else if (n < 0)
		fprintf(stderr,
			"switchboard: live events: a malformed message from another server\n");
	arena_free(call.arena);
}

static void pause_ms(int ms)
{
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static void *listen_main(void *arg)
{
	struct api_peers *p = arg;
	struct store_listener *l = NULL;
	bool reported = false;
	while (!atomic_load(&p->stopping)) {
		struct sb_error err = {0};
		char *text = NULL;
		int rc = l ? store_listener_wait(l, PEERS_WAIT_MS, &text, &err)
			   : store_listener_open(p->api->store, PEERS_CHANNEL, &l, &err);
		if (rc == 1) {
			receive(p, text);
			free(text);
		} else if (rc < 0) {
			/* Once per outage: a database that is down says so elsewhere too. */
			if (!reported)
				fprintf(stderr, "switchboard: live events from other servers: %s\n",
					err.message);
			reported = true;
			store_listener_close(l);
			l = NULL;
			pause_ms(PEERS_RETRY_MS);
		} else if (l && reported) {
			fprintf(stderr,
				"switchboard: live events from other servers: listening again\n");
			api_events_lost(p->api); /* what was sent meanwhile is gone */
			reported = false;
		}
	}
	store_listener_close(l);
	return NULL;
}

int api_peers_start(struct api *api, struct sb_error *err)
{
	struct store_listener *probe;
	/* Listening at once: a server that cannot is told at start, not later. */
	int rc = store_listener_open(api->store, PEERS_CHANNEL, &probe, err);
	if (rc < 0 || !probe)
		return rc; /* no probe: an engine without other servers */
	store_listener_close(probe);

	struct api_peers *p = calloc(1, sizeof(*p));
	if (!p)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	unsigned char id[16];
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(p->origin, sizeof(p->origin), id, sizeof(id));
	p->api = api;
	if (pthread_create(&p->thread, NULL, listen_main, p) != 0) {
		free(p);
		return sb_error_set(err, SB_ENOMEM, "cannot start a thread");
	}
	api->peers = p;
	return 0;
}

void api_peers_stop(struct api *api)
{
	struct api_peers *p = api->peers;
	if (!p)
		return;
	atomic_store(&p->stopping, true);
	pthread_join(p->thread, NULL);
	free(p);
	api->peers = NULL;
}

static int send_one(void *ctx, const char *text)
{
	struct api_call *call = ctx;
	return store_notify(call->conn, PEERS_CHANNEL, text, &call->err);
}

void api_peers_share(struct api_call *call)
{
	struct api_peers *p = call->api->peers;
	if (!p || !call->events || !call->conn)
		return;
	if (api_events_encode(call, p->origin, send_one, call) < 0)
		fprintf(stderr, "switchboard: live events for other servers: %s\n",
			call->err.message);
}
