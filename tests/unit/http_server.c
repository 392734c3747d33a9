/*
 * Tests for src/http/server.c: a real server on 127.0.0.1 (port 0) with a
 * small handler, driven over raw TCP by a tiny client written here, so that
 * the bytes on the wire (framing, duplicate headers, keep-alive, pipelining)
 * are exactly what each test says.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"

/* ---- what the handler saw ---- */

static struct {
	pthread_mutex_t lock;
	atomic_int calls;
	atomic_bool slow_started, slow_finished;
	char method[16], path[256], remote[64];
	char *body;
	size_t body_len;
	bool body_terminated;
	char lookup_buf[16][64];
	const char *lookups[16]; /* NULL, or lookup_buf[i]: a copy of what the lookup returned */
	int header_rc[4];
} seen = {.lock = PTHREAD_MUTEX_INITIALIZER};

enum {
	Q_Q,
	Q_X,
	Q_FLAG,
	Q_NUL,
	Q_MISSING,
	H_TEST,
	H_TEST_LOWER,
	H_MISSING,
	C_SESSION,
	C_THEME,
	C_MISSING
};

static void record_lookup(int i, const char *s)
{
	seen.lookups[i] = NULL;
	if (s) {
		snprintf(seen.lookup_buf[i], sizeof(seen.lookup_buf[i]), "%s", s);
		seen.lookups[i] = seen.lookup_buf[i];
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---- a stream (GET /stream) ---- */

static struct {
	pthread_mutex_t lock;       /* pending, end, stream */
	char pending[1 << 16];      /* what FILL sends next */
	bool end;                   /* FILL ends the body once PENDING is sent */
	bool wake_in_fill;          /* once: FILL, about to answer WAIT, gets "late" and a wake */
	struct http_stream *stream; /* the last one made, until its DONE */
	atomic_int fills, dones, made, refused;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER};

static enum http_stream_status stream_fill(void *ctx, char *buf, size_t max, size_t *len_out)
{
	(void)ctx;
	atomic_fetch_add(&st.fills, 1);
	pthread_mutex_lock(&st.lock);
	enum http_stream_status r = HTTP_STREAM_WAIT;
	size_t n = strlen(st.pending);
	if (n) {
		n = n < max ? n : max;
		memcpy(buf, st.pending, n);
		memmove(st.pending, st.pending + n, strlen(st.pending + n) + 1);
		*len_out = n;
		r = HTTP_STREAM_DATA;
	} else if (st.end) {
		r = HTTP_STREAM_END;
	}
	if (r == HTTP_STREAM_WAIT && st.wake_in_fill) {
		/* the worst moment for a wake: after FILL looked, before the park */
		st.wake_in_fill = false;
		strcat(st.pending, "late");
		http_stream_wake(st.stream);
	}
	pthread_mutex_unlock(&st.lock);
	return r;
}

static void stream_done(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&st.lock); /* the lock the waker holds */
	st.stream = NULL;
	pthread_mutex_unlock(&st.lock);
	atomic_fetch_add(&st.dones, 1);
}

/* Gives the stream TEXT to send (and the end, with END), and wakes it. */
static void stream_push(const char *text, bool end)
{
	pthread_mutex_lock(&st.lock);
	cr_assert_lt(strlen(st.pending) + strlen(text), sizeof(st.pending));
	strcat(st.pending, text);
	st.end = end;
	if (st.stream)
		http_stream_wake(st.stream);
	pthread_mutex_unlock(&st.lock);
}

static void test_handler(struct http_request *req, struct http_response *res, void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&seen.lock);
	snprintf(seen.method, sizeof(seen.method), "%s", req->method);
	snprintf(seen.path, sizeof(seen.path), "%s", req->path);
	snprintf(seen.remote, sizeof(seen.remote), "%s", req->remote_addr);
	free(seen.body);
	seen.body = malloc(req->body_len + 1);
	memcpy(seen.body, req->body, req->body_len + 1);
	seen.body_len = req->body_len;
	seen.body_terminated = req->body[req->body_len] == '\0';
	record_lookup(Q_Q, http_query(req, "q"));
	record_lookup(Q_X, http_query(req, "x"));
	record_lookup(Q_FLAG, http_query(req, "flag"));
	record_lookup(Q_NUL, http_query(req, "nul"));
	record_lookup(Q_MISSING, http_query(req, "missing"));
	record_lookup(H_TEST, http_header(req, "X-Test"));
	record_lookup(H_TEST_LOWER, http_header(req, "x-test"));
	record_lookup(H_MISSING, http_header(req, "X-Missing"));
	record_lookup(C_SESSION, http_cookie(req, "session"));
	record_lookup(C_THEME, http_cookie(req, "theme"));
	record_lookup(C_MISSING, http_cookie(req, "missing"));
	pthread_mutex_unlock(&seen.lock);
	atomic_fetch_add(&seen.calls, 1);

	if (!strcmp(req->path, "/slow")) {
		atomic_store(&seen.slow_started, true);
		sleep_ms(300);
		atomic_store(&seen.slow_finished, true);
		res->body = "{\"slow\":true}";
		res->body_len = strlen(res->body);
	} else if (!strcmp(req->path, "/headers")) {
		res->status = 201;
		res->content_type = "text/plain; charset=utf-8";
		res->body = "made";
		res->body_len = 4;
		seen.header_rc[0] = http_response_header(res, "X-One", "1");
		seen.header_rc[1] = http_response_header(res, "Cache-Control", "max-age=60");
		seen.header_rc[2] = http_response_header(res, "X-Bad", "a\r\nX-Injected: 1");
		seen.header_rc[3] = http_response_header(res, "Content-Length", "4");
	} else if (!strcmp(req->path, "/full")) {
		int rc = 0;
		for (int i = 0; i <= HTTP_MAX_RESPONSE_HEADERS; i++)
			rc = http_response_header(res, "X-Many", "v");
		seen.header_rc[0] = rc;
	} else if (!strcmp(req->path, "/forced-bad-header")) {
		/* A handler that bypasses http_response_header() */
		res->headers[0].name = "X-Bad";
		res->headers[0].value = "a\r\nX-Injected: 1";
		res->nheaders = 1;
	} else if (!strcmp(req->path, "/empty")) {
		res->status = 204;
	} else if (!strcmp(req->path, "/stream")) {
		struct http_stream *s;
		if (http_response_stream(req, stream_fill, stream_done, NULL, &s) == 0) {
			pthread_mutex_lock(&st.lock);
			st.stream = s;
			pthread_mutex_unlock(&st.lock);
			res->content_type = "text/plain";
			atomic_fetch_add(&st.made, 1);
		} else {
			res->status = 503;
			atomic_fetch_add(&st.refused, 1);
		}
	} else {
		char *body = arena_printf(req->arena, "{\"len\":%zu}", req->body_len);
		res->body = body;
		res->body_len = strlen(body);
	}
}

static size_t test_body_limit(const char *method, const char *path, void *ctx)
{
	(void)method;
	(void)ctx;
	return !strcmp(path, "/small") ? 16 : 1024 * 1024;
}

static struct http_server *start_with(const char *listen, unsigned max_streams)
{
	struct http_server_config config = {
		.listen = listen,
		.threads = 2,
		.handler = test_handler,
		.body_limit = test_body_limit,
		.max_streams = max_streams,
	};
	struct http_server *server;
	struct sb_error err = {0};
	cr_assert_eq(http_server_start(&config, &server, &err), 0, "%s", err.message);
	cr_assert_neq(http_server_port(server), 0);
	return server;
}

static struct http_server *start_on(const char *listen)
{
	return start_with(listen, 0);
}

static struct http_server *start(void)
{
	return start_on("127.0.0.1:0");
}

/* ---- a tiny HTTP/1.1 client ---- */

struct conn {
	int fd;
	char buf[1 << 17];
	size_t len; /* bytes read but not yet consumed (pipelined replies) */
};

struct reply {
	int status;
	char head[8192]; /* status line and headers */
	char body[4096];
	size_t body_len;
};

static struct conn *dial(uint16_t port)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(c->fd, 0);
	struct timeval tv = {.tv_sec = 5};
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_eq(connect(c->fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect: %s",
		     strerror(errno));
	return c;
}

static void hang_up(struct conn *c)
{
	close(c->fd);
	free(c);
}

static void send_bytes(struct conn *c, const char *data, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
		cr_assert_gt(w, 0, "send: %s", strerror(errno));
		data += w;
		n -= (size_t)w;
	}
}

static void send_str(struct conn *c, const char *s)
{
	send_bytes(c, s, strlen(s));
}

/* Reads more into the buffer; false at end of stream. */
static bool fill(struct conn *c)
{
	cr_assert_lt(c->len, sizeof(c->buf), "reply too large for the test client");
	ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	cr_assert_geq(r, 0, "recv: %s", strerror(errno));
	c->len += (size_t)r;
	return r > 0;
}

static const char *reply_header(const struct reply *r, const char *name)
{
	static char value[1024];
	size_t n = strlen(name);
	for (const char *line = strstr(r->head, "\r\n"); line && line[2];
	     line = strstr(line + 2, "\r\n")) {
		const char *p = line + 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			size_t len = strcspn(p, "\r");
			snprintf(value, sizeof(value), "%.*s", (int)len, p);
			return value;
		}
	}
	return NULL;
}

/* Reads one reply; a reply to HEAD has no body whatever Content-Length says. */
static void read_reply(struct conn *c, struct reply *r, bool head_request)
{
	char *end;
	memset(r, 0, sizeof(*r));
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		cr_assert(fill(c), "connection closed before a reply");
	size_t head_len = (size_t)(end - c->buf) + 2;
	cr_assert_lt(head_len, sizeof(r->head));
	memcpy(r->head, c->buf, head_len);
	r->head[head_len] = '\0';
	cr_assert_eq(sscanf(r->head, "HTTP/1.1 %d ", &r->status), 1, "%s", r->head);
	size_t used = head_len + 2;
	const char *cl = reply_header(r, "Content-Length");
	r->body_len = cl && !head_request ? strtoul(cl, NULL, 10) : 0;
	while (c->len < used + r->body_len)
		cr_assert(fill(c), "connection closed inside a body");
	cr_assert_lt(r->body_len, sizeof(r->body));
	memcpy(r->body, c->buf + used, r->body_len);
	r->body[r->body_len] = '\0';
	used += r->body_len;
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
}

/* Reads until NEEDLE has arrived (within the 5 s receive timeout). */
static void read_until(struct conn *c, const char *needle)
{
	while (!memmem(c->buf, c->len, needle, strlen(needle)))
		cr_assert(fill(c), "connection closed before \"%s\"", needle);
}

static void assert_closed(struct conn *c)
{
	cr_assert_eq(c->len, 0);
	cr_assert_not(fill(c), "the connection should have been closed");
}

static struct reply exchange(uint16_t port, const char *request)
{
	struct reply r;
	struct conn *c = dial(port);
	send_str(c, request);
	read_reply(c, &r, false);
	hang_up(c);
	return r;
}

static void assert_json_error(const struct reply *r, int status, const char *code)
{
	char want[64];
	cr_assert_eq(r->status, status, "%s", r->head);
	cr_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	cr_assert_str_eq(reply_header(r, "X-Content-Type-Options"), "nosniff");
	snprintf(want, sizeof(want), "{\"error\":{\"code\":\"%s\",", code);
	cr_assert(!strncmp(r->body, want, strlen(want)), "%s", r->body);
	cr_assert(strstr(r->body, "\"message\":\""), "%s", r->body);
}

/* ---- requests reach the handler ---- */

Test(http_server, get_with_query_headers_and_cookies_reaches_the_handler_decoded)
{
	struct http_server *server = start();
	struct reply r = exchange(
		http_server_port(server),
		"GET /items/a%20b?q=hello+world&x=%41%42&flag&nul=a%00b&q=second HTTP/1.1\r\n"
		"Host: test\r\nX-Test: yes\r\n"
		"Cookie: session=abc123; theme=\"dark blue\"\r\n\r\n");
	cr_assert_eq(r.status, 200, "%s", r.head);
	cr_assert_str_eq(r.body, "{\"len\":0}");
	cr_assert_str_eq(reply_header(&r, "Content-Type"), "application/json");
	cr_assert_str_eq(reply_header(&r, "X-Content-Type-Options"), "nosniff");
	cr_assert_str_eq(reply_header(&r, "Cache-Control"), "no-store");

	cr_assert_str_eq(seen.method, "GET");
	cr_assert_str_eq(seen.path, "/items/a%20b", "the path as sent, not decoded");
	cr_assert_str_eq(seen.remote, "127.0.0.1");
	cr_assert_eq(seen.body_len, 0);
	cr_assert(seen.body_terminated);
	cr_assert_str_eq(seen.lookups[Q_Q], "hello world", "the first of repeated keys");
	cr_assert_str_eq(seen.lookups[Q_X], "AB");
	cr_assert_str_eq(seen.lookups[Q_FLAG], "", "a key without a value is present and empty");
	cr_assert_null(seen.lookups[Q_NUL], "a decoded NUL cannot be a C string");
	cr_assert_null(seen.lookups[Q_MISSING]);
	cr_assert_str_eq(seen.lookups[H_TEST], "yes");
	cr_assert_str_eq(seen.lookups[H_TEST_LOWER], "yes", "header names are case-insensitive");
	cr_assert_null(seen.lookups[H_MISSING]);
	cr_assert_str_eq(seen.lookups[C_SESSION], "abc123");
	cr_assert_str_eq(seen.lookups[C_THEME], "dark blue");
	cr_assert_null(seen.lookups[C_MISSING]);
	http_server_stop(server);
}

static char *pattern(size_t n)
{
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + (i * 7 + i / 26) % 26);
	s[n] = '\0';
	return s;
}

Test(http_server, post_with_content_length_arrives_whole_and_nul_terminated)
{
	struct http_server *server = start();
	size_t n = 100000; /* several of MHD's reads */
	char *body = pattern(n), head[256];
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	snprintf(head, sizeof(head),
		 "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n", n);
	send_str(c, head);
	send_bytes(c, body, n);
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200, "%s", r.head);
	cr_assert_str_eq(r.body, "{\"len\":100000}");
	cr_assert_str_eq(seen.method, "POST");
	cr_assert_eq(seen.body_len, n);
	cr_assert(seen.body_terminated);
	cr_assert_eq(memcmp(seen.body, body, n), 0);
	hang_up(c);
	free(body);
	http_server_stop(server);
}

Test(http_server, chunked_post_arrives_whole_and_nul_terminated)
{
	struct http_server *server = start();
	char *body = pattern(30000), size[32];
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	send_str(c, "PUT /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (size_t off = 0, chunk = 1; off < 30000; off += chunk, chunk = chunk * 3 + 1) {
		if (chunk > 30000 - off)
			chunk = 30000 - off;
		snprintf(size, sizeof(size), "%zx\r\n", chunk);
		send_str(c, size);
		send_bytes(c, body + off, chunk);
		send_str(c, "\r\n");
	}
	send_str(c, "0\r\n\r\n");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200, "%s", r.head);
	cr_assert_str_eq(r.body, "{\"len\":30000}");
	cr_assert_eq(seen.body_len, 30000);
	cr_assert(seen.body_terminated);
	cr_assert_eq(memcmp(seen.body, body, 30000), 0);
	hang_up(c);
	free(body);
	http_server_stop(server);
}

Test(http_server, a_body_at_the_limit_is_accepted)
{
	struct http_server *server = start();
	struct reply r = exchange(http_server_port(server),
				  "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n"
				  "0123456789abcdef");
	cr_assert_eq(r.status, 200, "%s", r.head);
	cr_assert_str_eq(seen.body, "0123456789abcdef");
	http_server_stop(server);
}

/* ---- refusals ---- */

Test(http_server, content_length_over_the_limit_is_413_json_without_running_the_handler)
{
	struct http_server *server = start();
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	send_str(c, "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n");
	read_reply(c, &r, false);
	assert_json_error(&r, 413, "payload_too_large");
	cr_assert_str_eq(reply_header(&r, "Connection"), "close");
	cr_assert_eq(atomic_load(&seen.calls), 0);
	assert_closed(c);
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, expect_100_continue_over_the_limit_is_413_without_a_100)
{
	struct http_server *server = start();
	struct reply r = exchange(http_server_port(server),
				  "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n"
				  "Expect: 100-continue\r\n\r\n");
	assert_json_error(&r, 413, "payload_too_large");
	cr_assert_eq(atomic_load(&seen.calls), 0);
	http_server_stop(server);
}

Test(http_server, chunked_body_over_the_limit_is_413_without_running_the_handler)
{
	struct http_server *server = start();
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	send_str(c, "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
	read_reply(c, &r, false);
	assert_json_error(&r, 413, "payload_too_large");
	cr_assert_eq(atomic_load(&seen.calls), 0);
	/* The body was read to its end, so the connection can carry on. */
	send_str(c, "GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(seen.path, "/next");
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, a_chunked_body_far_over_the_limit_loses_the_connection)
{
	struct http_server *server = start();
	struct conn *c = dial(http_server_port(server));
	char *chunk = pattern(65536);
	send_str(c, "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
	/* Past what the server drops quietly (1 MiB), it hangs up. */
	bool hung_up = false;
	for (int i = 0; i < 40 && !hung_up; i++) {
		char size[16];
		snprintf(size, sizeof(size), "%x\r\n", 65536);
		ssize_t w1 = send(c->fd, size, strlen(size), MSG_NOSIGNAL);
		ssize_t w2 = send(c->fd, chunk, 65536, MSG_NOSIGNAL);
		ssize_t w3 = send(c->fd, "\r\n", 2, MSG_NOSIGNAL);
		hung_up = w1 < 0 || w2 < 0 || w3 < 0;
	}
	if (!hung_up) {
		char buf[256];
		cr_assert_leq(recv(c->fd, buf, sizeof(buf), 0), 0, "no reply expected");
	}
	cr_assert_eq(atomic_load(&seen.calls), 0);
	free(chunk);
	hang_up(c);
	http_server_stop(server);
}

static void assert_refused_framing(uint16_t port, const char *request)
{
	struct reply r;
	struct conn *c = dial(port);
	send_str(c, request);
	read_reply(c, &r, false);
	assert_json_error(&r, 400, "bad_request");
	cr_assert_str_eq(reply_header(&r, "Connection"), "close", "%s", request);
	assert_closed(c);
	hang_up(c);
}

Test(http_server, ambiguous_framing_is_refused_with_400_json)
{
	struct http_server *server = start();
	uint16_t port = http_server_port(server);
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
				     "Content-Length: 5\r\n\r\nabcde");
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
				     "Content-Length: 5\r\n\r\nabcde");
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
				     "Transfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n");
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
				     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\n"
				     "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\n"
				     "Transfer-Encoding: chunked \r\n\r\n0\r\n\r\n");
	/* MHD keeps "Content-Length " as another header and would read no body */
	assert_refused_framing(port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length : 5\r\n\r\n"
				     "abcde");
	/* a folded line, which MHD glues onto the header name */
	assert_refused_framing(port,
			       "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n 0\r\n\r\n"
			       "abcde");
	/* any header name that is not a token, which a proxy may read otherwise */
	assert_refused_framing(port,
			       "GET /x HTTP/1.1\r\nHost: t\r\nX-Forwarded-For : 10.0.0.1\r\n\r\n");
	cr_assert_eq(atomic_load(&seen.calls), 0);
	http_server_stop(server);
}

/* ---- connections ---- */

Test(http_server, keep_alive_serves_several_requests_on_one_connection)
{
	struct http_server *server = start();
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	send_str(c, "GET /one HTTP/1.1\r\nHost: t\r\n\r\n");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_null(reply_header(&r, "Connection"), "%s", r.head);
	cr_assert_str_eq(seen.path, "/one");

	send_str(c, "POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"len\":3}");
	cr_assert_str_eq(seen.path, "/two");

	/* pipelined: both requests in one write */
	send_str(c, "GET /three HTTP/1.1\r\nHost: t\r\n\r\n"
		    "POST /four HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"len\":0}");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"len\":2}");
	cr_assert_eq(atomic_load(&seen.calls), 4);
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, head_reaches_the_handler_and_sends_no_body)
{
	struct http_server *server = start();
	struct reply r;
	struct conn *c = dial(http_server_port(server));
	send_str(c, "HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\n");
	read_reply(c, &r, true);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(seen.method, "HEAD");
	cr_assert_str_eq(reply_header(&r, "Content-Length"), "9", "the length GET would send");
	/* no body followed: the next reply starts right after the headers */
	send_str(c, "GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
	read_reply(c, &r, false);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"len\":0}");
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, unknown_methods_reach_the_handler)
{
	struct http_server *server = start();
	struct reply r =
		exchange(http_server_port(server), "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(seen.method, "BREW");
	cr_assert_str_eq(seen.path, "/pot");
	http_server_stop(server);
}

/* ---- responses ---- */

Test(http_server, status_and_headers_of_the_response_are_sent)
{
	struct http_server *server = start();
	struct reply r =
		exchange(http_server_port(server), "GET /headers HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 201, "%s", r.head);
	cr_assert_str_eq(r.body, "made");
	cr_assert_str_eq(reply_header(&r, "Content-Type"), "text/plain; charset=utf-8");
	cr_assert_str_eq(reply_header(&r, "X-One"), "1");
	cr_assert_str_eq(reply_header(&r, "Cache-Control"), "max-age=60",
			 "the handler's Cache-Control replaces no-store");
	cr_assert_str_eq(reply_header(&r, "X-Content-Type-Options"), "nosniff");
	cr_assert_null(reply_header(&r, "X-Injected"));
	cr_assert_null(reply_header(&r, "X-Bad"));
	cr_assert_eq(seen.header_rc[0], 0);
	cr_assert_eq(seen.header_rc[1], 0);
	cr_assert_eq(seen.header_rc[2], -SB_EINVAL, "CR LF in a value");
	cr_assert_eq(seen.header_rc[3], -SB_EINVAL, "framing is the transport's");
	http_server_stop(server);
}

Test(http_server, an_empty_response_has_no_content_type)
{
	struct http_server *server = start();
	struct reply r =
		exchange(http_server_port(server), "DELETE /empty HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 204, "%s", r.head);
	cr_assert_null(reply_header(&r, "Content-Type"));
	cr_assert_str_eq(reply_header(&r, "Cache-Control"), "no-store");
	cr_assert_str_eq(reply_header(&r, "X-Content-Type-Options"), "nosniff");
	http_server_stop(server);
}

Test(http_server, response_headers_beyond_the_maximum_are_erange)
{
	struct http_server *server = start();
	struct reply r =
		exchange(http_server_port(server), "GET /full HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 200);
	cr_assert_eq(seen.header_rc[0], -SB_ERANGE);
	http_server_stop(server);
}

Test(http_server, a_header_that_cannot_be_sent_becomes_a_500)
{
	struct http_server *server = start();
	struct reply r = exchange(http_server_port(server),
				  "GET /forced-bad-header HTTP/1.1\r\nHost: t\r\n\r\n");
	assert_json_error(&r, 500, "internal");
	cr_assert_null(reply_header(&r, "X-Injected"));
	http_server_stop(server);
}

/* ---- starting and stopping ---- */

struct slow_client {
	uint16_t port;
	struct reply reply;
};

static void *slow_client_run(void *arg)
{
	struct slow_client *sc = arg;
	struct conn *c = dial(sc->port);
	send_str(c, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
	read_reply(c, &sc->reply, false);
	hang_up(c);
	return NULL;
}

Test(http_server, stop_lets_a_request_in_flight_finish_and_be_answered)
{
	struct http_server *server = start();
	struct slow_client sc = {.port = http_server_port(server)};
	pthread_t t;
	pthread_create(&t, NULL, slow_client_run, &sc);
	while (!atomic_load(&seen.slow_started))
		sleep_ms(1);
	http_server_stop(server);
	cr_assert(atomic_load(&seen.slow_finished), "stop returned before the handler did");
	pthread_join(t, NULL);
	cr_assert_eq(sc.reply.status, 200, "%s", sc.reply.head);
	cr_assert_str_eq(sc.reply.body, "{\"slow\":true}");
	cr_assert_str_eq(reply_header(&sc.reply, "Connection"), "close");

	/* and nothing listens any more */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(sc.port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
}

/* ---- streams ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wait_for(atomic_int *counter, int value)
{
	for (long t0 = now_ms(); atomic_load(counter) < value; sleep_ms(1))
		cr_assert_lt(now_ms() - t0, 5000, "waited 5 s for %d (at %d)", value,
			     atomic_load(counter));
}

/* Opens GET /stream and reads its head. */
static struct conn *open_stream(uint16_t port)
{
	struct conn *c = dial(port);
	send_str(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	read_until(c, "\r\n\r\n");
	return c;
}

Test(http_server, a_stream_sends_what_fill_makes_and_parks_without_a_thread_until_woken)
{
	struct http_server *server = start(); /* two pool threads */
	uint16_t port = http_server_port(server);
	struct conn *c = open_stream(port);
	cr_assert(!strncmp(c->buf, "HTTP/1.1 200 ", 13), "%.*s", (int)c->len, c->buf);
	cr_assert(memmem(c->buf, c->len, "Transfer-Encoding: chunked", 26));
	cr_assert(memmem(c->buf, c->len, "Content-Type: text/plain", 24));
	cr_assert(memmem(c->buf, c->len, "Cache-Control: no-store", 23));

	/* Parked: FILL is not called again (no busy loop)... */
	wait_for(&st.fills, 1);
	int fills = atomic_load(&st.fills);
	sleep_ms(200);
	cr_assert_eq(atomic_load(&st.fills), fills, "a parked stream is not polled");
	/* ...and holds no thread: two more streams, then requests, on two threads. */
	struct conn *more[2] = {open_stream(port), open_stream(port)};
	for (int i = 0; i < 3; i++)
		cr_assert_eq(exchange(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);

	stream_push("hello", false); /* wakes the last stream made */
	read_until(more[1], "hello");
	stream_push("", true);
	read_until(more[1], "\r\n0\r\n\r\n"); /* the last chunk */
	wait_for(&st.dones, 1);
	hang_up(more[1]);
	hang_up(more[0]);
	hang_up(c);
	http_server_stop(server);
	cr_assert_eq(atomic_load(&st.dones), 3, "DONE once per stream, however it ended");
}

static void *pusher_run(void *arg)
{
	(void)arg;
	char line[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "[%d]", i);
		stream_push(line, false);
		if (i % 64 == 0)
			sleep_ms(1);
	}
	return NULL;
}

Test(http_server, a_wake_that_arrives_while_fill_runs_is_not_lost)
{
	st.wake_in_fill = true;
	struct http_server *server = start();
	struct conn *c = open_stream(http_server_port(server));
	read_until(c, "late");
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, no_wake_is_lost_however_it_races_the_fill)
{
	struct http_server *server = start();
	struct conn *c = open_stream(http_server_port(server));
	pthread_t t;
	pthread_create(&t, NULL, pusher_run, NULL);
	read_until(c, "[1999]"); /* a lost wake would leave it parked with bytes pending */
	pthread_join(t, NULL);
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, stop_ends_a_parked_stream_at_once)
{
	struct http_server *server = start();
	struct conn *c = open_stream(http_server_port(server));
	wait_for(&st.fills, 1);
	long t0 = now_ms();
	http_server_stop(server);
	long took = now_ms() - t0;
	cr_assert_lt(took, 2000, "stop took %ld ms: it must not wait for streams", took);
	cr_assert_eq(atomic_load(&st.dones), 1);
	read_until(c, "\r\n0\r\n\r\n"); /* ended cleanly, not cut */
	hang_up(c);
}

Test(http_server, streams_beyond_the_maximum_are_refused)
{
	struct http_server *server = start_with("127.0.0.1:0", 2);
	uint16_t port = http_server_port(server);
	struct conn *a = open_stream(port), *b = open_stream(port);
	struct reply r = exchange(port, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	cr_assert_eq(r.status, 503, "%s", r.head);
	cr_assert_eq(atomic_load(&st.made), 2);
	cr_assert_eq(atomic_load(&st.refused), 1);
	/* One ends: there is room again. */
	stream_push("", true); /* ends B, the last made */
	read_until(b, "\r\n0\r\n\r\n");
	wait_for(&st.dones, 1);
	struct conn *c = open_stream(port);
	cr_assert_eq(atomic_load(&st.made), 3);
	hang_up(a);
	hang_up(b);
	hang_up(c);
	http_server_stop(server);
}

Test(http_server, a_client_that_left_is_noticed_when_its_stream_writes)
{
	struct http_server *server = start();
	struct conn *c = open_stream(http_server_port(server));
	wait_for(&st.fills, 1);
	hang_up(c);
	for (long t0 = now_ms(); atomic_load(&st.dones) == 0; sleep_ms(20)) {
		cr_assert_lt(now_ms() - t0, 5000, "the stream never noticed");
		stream_push("ping", false);
	}
	http_server_stop(server);
}

Test(http_server, stop_accepts_null)
{
	http_server_stop(NULL);
}

Test(http_server, a_port_in_use_is_ebusy)
{
	struct http_server *first = start(), *second = (void *)1;
	char listen[64], want[96];
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", http_server_port(first));
	struct http_server_config config = {
		.listen = listen, .handler = test_handler, .body_limit = test_body_limit};
	struct sb_error err = {0};
	cr_assert_eq(http_server_start(&config, &second, &err), -SB_EBUSY);
	cr_assert_null(second);
	snprintf(want, sizeof(want), "address %s is already in use", listen);
	cr_assert_str_eq(err.message, want);
	http_server_stop(first);
}

Test(http_server, the_same_port_binds_again_after_a_stop)
{
	struct http_server *server = start();
	uint16_t port = http_server_port(server);
	char listen[64];
	struct reply r = exchange(port, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 200);
	http_server_stop(server); /* leaves the server's side of that connection in TIME_WAIT */
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
	server = start_on(listen);
	cr_assert_eq(http_server_port(server), port);
	r = exchange(port, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 200);
	http_server_stop(server);
}

Test(http_server, an_empty_host_listens_on_every_address)
{
	struct http_server *server = start_on(":0");
	struct reply r = exchange(http_server_port(server), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(seen.remote, "127.0.0.1", "not ::ffff:127.0.0.1");
	http_server_stop(server);
}

Test(http_server, an_ipv6_literal_listens_there)
{
	struct http_server_config config = {
		.listen = "[::1]:0", .handler = test_handler, .body_limit = test_body_limit};
	struct http_server *server;
	struct sb_error err = {0};
	int rc = http_server_start(&config, &server, &err);
	if (rc == -SB_EINVAL || rc == -SB_EIO)
		cr_skip("no IPv6 loopback here: %s", err.message);
	cr_assert_eq(rc, 0, "%s", err.message);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
				 .sin6_port = htons(http_server_port(server))};
	a.sin6_addr = in6addr_loopback;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	const char *req = "GET /v6 HTTP/1.1\r\nHost: t\r\n\r\n";
	cr_assert_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	char buf[512] = {0};
	cr_assert_gt(recv(fd, buf, sizeof(buf) - 1, 0), 0);
	cr_assert(!strncmp(buf, "HTTP/1.1 200 ", 13), "%s", buf);
	cr_assert_str_eq(seen.remote, "::1");
	close(fd);
	http_server_stop(server);
}

Test(http_server, bad_listen_addresses_are_einval)
{
	const char *bad[] = {
		"",
		"8080",
		"127.0.0.1",
		"127.0.0.1:",
		"127.0.0.1:65536",
		"127.0.0.1:-1",
		"127.0.0.1:+80",
		"127.0.0.1:80a",
		"127.0.0.1:123456",
		"localhost:8080",
		"1.2.3:80",
		"01.2.3.4:80",
		" 127.0.0.1:80",
		"[::1]",
		"[::1:8080",
		"::1:8080",
		"[127.0.0.1]:80",
		"[::1]8080",
		"[]:80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_server_config config = {
			.listen = bad[i], .handler = test_handler, .body_limit = test_body_limit};
		struct http_server *server = (void *)1;
		struct sb_error err = {0};
		cr_assert_eq(http_server_start(&config, &server, &err), -SB_EINVAL, "\"%s\"",
			     bad[i]);
		cr_assert_null(server);
		cr_assert_neq(err.message[0], '\0');
		cr_assert_null(strchr(err.message, '\n'));
	}
	struct http_server_config config = {
		.listen = NULL, .handler = test_handler, .body_limit = test_body_limit};
	struct http_server *server;
	cr_assert_eq(http_server_start(&config, &server, NULL), -SB_EINVAL);
}
