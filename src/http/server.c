/*
 * The HTTP transport on libmicrohttpd (MHD) 0.9.75: listening, reading a
 * request and its body, calling the one handler, sending its response.
 *
 * Rules it keeps:
 * - Each request has a struct request_state, allocated in the request's
 *   arena when MHD reports the request line (the URI log callback) and
 *   freed, arena and body together, in the completed callback. MHD calls
 *   the completed callback for every request that reached the URI log
 *   callback, on every path (served, refused, timed out, shut down).
 * - A response is queued only once the whole request has been read (the
 *   access handler's second call or later): 0.9.75 closes the connection
 *   after a response queued in the first call. Refusals are the exception
 *   on purpose: they are queued in the first call so that MHD neither reads
 *   the body nor keeps the connection, whose framing we do not trust.
 * - Framing hygiene before any handler runs: one Content-Length at most,
 *   one Transfer-Encoding at most and only "chunked", never both, and no
 *   header name that is not an HTTP token (0.9.75 keeps "Content-Length :"
 *   as a separate, ignored header and glues a folded line onto the name
 *   of the header before it; a proxy in front may read either differently).
 * - Body limits: a Content-Length over the route's limit is refused before
 *   the body is read. A chunked body is counted as it arrives; 0.9.75
 *   cannot queue a response while a body is still arriving, so once over
 *   the limit the rest is read and dropped, up to DISCARD_MAX more bytes,
 *   and answered with 413; a client that sends more than that loses the
 *   connection without an answer.
 * - The path handed to the handler is the one sent, taken from the URI log
 *   callback: MHD's own `url` is percent-decoded and cut at "%00".
 * - Stopping drains: new connections stop at once, requests in flight get
 *   STOP_GRACE_MS to finish and be answered (MHD_stop_daemon alone would
 *   close them unanswered), then the daemon stops. Streams are not waited
 *   for: they are ended at once and get STREAM_STOP_GRACE_MS to flush.
 * - Streams (http.h) park by suspending their connection from inside the
 *   content reader when FILL has nothing, which is the one way 0.9.75
 *   offers to wait without a thread or a busy loop (a reader returning 0
 *   unsuspended is called again at once). STREAMS_LOCK orders parking
 *   against waking: a connection is resumed exactly once per suspension,
 *   only after it was suspended (resuming one that is not is undefined in
 *   MHD), and a wake that finds it not parked makes the reader fill again
 *   instead of parking. MHD_stop_daemon with a suspended connection is an
 *   API violation, so stopping resumes every parked stream first, and no
 *   stream parks once STOPPING is set.
 * - Nothing here prints: MHD's error log stays off.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECTION_TIMEOUT_S 30
#define STOP_GRACE_MS        10000
#define STREAM_STOP_GRACE_MS 1000
#define DISCARD_MAX          (1024 * 1024)
#define FIRST_CHUNK          4096
#define STREAM_BLOCK         4096
/* Connections beyond the streams' share, for ordinary requests. */
#define REQUEST_CONNECTIONS 1024

struct http_server {
	struct MHD_Daemon *daemon;
	http_handler_fn handler;
	http_body_limit_fn body_limit;
	void *ctx;
	uint16_t port;
	atomic_uint in_flight; /* requests between the URI log and the completed callback */
	atomic_bool stopping;
	pthread_mutex_t streams_lock; /* the streams list and every stream's parked/woken */
	struct http_stream *streams;
	unsigned nstreams, max_streams;
};

/* A streaming response (http.h); malloc'ed, freed when its request completes. */
struct http_stream {
	struct http_server *server;
	struct MHD_Connection *conn;
	http_stream_fill_fn fill;
	http_stream_done_fn done;
	void *ctx;
	bool parked; /* suspended by stream_read and not resumed yet */
	bool woken;  /* woken while not parked: fill again before parking */
	struct http_stream *prev, *next;
};

struct request_state {
	struct http_request req;
	struct http_server *server;
	struct MHD_Connection *conn;
	bool started;               /* the access handler's first call has run */
	bool too_large;             /* the body went over the limit; the rest is dropped */
	size_t limit;               /* the route's body limit */
	size_t expected;            /* Content-Length, when there is one */
	char *buf;                  /* the body, malloc'ed (it may be large); freed when done */
	size_t len, cap;            /* bytes in buf; its size */
	size_t discarded;           /* bytes dropped after going over the limit */
	struct http_stream *stream; /* when the handler answered with one */
};

/* ---- listen addresses ---- */

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	bool any; /* empty host: every address, IPv6 and IPv4 */
};

static int parse_port(const char *s, uint16_t *out)
{
	unsigned long v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 5)
			return -1;
		v = v * 10 + (unsigned long)(s[n] - '0');
	}
	if (n == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int parse_listen(const char *listen, struct listen_addr *out, struct sb_error *err)
{
	char q[SB_QUOTE_SIZE], host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hbeg, *hend;
	uint16_t port;

	memset(out, 0, sizeof(*out));
	if (!listen || !*listen)
		return sb_error_set(err, SB_EINVAL, "the listen address is empty");
	if (listen[0] == '[') {
		hbeg = listen + 1;
		hend = strchr(hbeg, ']');
		if (!hend || hend[1] != ':')
			return sb_error_set(err, SB_EINVAL,
					    "listen address \"%s\" is not [IPv6 address]:port",
					    sb_quote(q, listen, SIZE_MAX));
		colon = hend + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return sb_error_set(
				err, SB_EINVAL,
				"listen address \"%s\" has no port (host:port, or :port "
				"for every address)",
				sb_quote(q, listen, SIZE_MAX));
		hbeg = listen;
		hend = colon;
	}
	if (parse_port(colon + 1, &port) < 0)
		return sb_error_set(err, SB_EINVAL,
				    "listen address \"%s\" does not end in a port from 0 to 65535",
				    sb_quote(q, listen, SIZE_MAX));
	size_t hlen = (size_t)(hend - hbeg);
	if (hlen >= sizeof(host))
		return sb_error_set(err, SB_EINVAL, "listen address \"%s\" has no valid host",
				    sb_quote(q, listen, SIZE_MAX));
	memcpy(host, hbeg, hlen);
	host[hlen] = '\0';

	if (listen[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->ss;
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return sb_error_set(err, SB_EINVAL,
					    "listen address \"%s\" has no valid IPv6 address in []",
					    sb_quote(q, listen, SIZE_MAX));
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		out->len = sizeof(*a);
	} else if (hlen == 0) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_any;
		a->sin6_port = htons(port);
		out->len = sizeof(*a);
		out->any = true;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&out->ss;
		/* inet_pton takes only dotted quads, never names, octal or hex */
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return sb_error_set(err, SB_EINVAL,
					    "listen address \"%s\": the host must be an IPv4 "
					    "address, an IPv6 address in [], or empty",
					    sb_quote(q, listen, SIZE_MAX));
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		out->len = sizeof(*a);
	}
	return 0;
}

/* Every address on IPv4 only, for machines without IPv6. */
static void listen_addr_ipv4_any(struct listen_addr *la)
{
	uint16_t port = ((struct sockaddr_in6 *)&la->ss)->sin6_port;
	struct sockaddr_in *a = (struct sockaddr_in *)&la->ss;
	memset(&la->ss, 0, sizeof(la->ss));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_ANY);
	a->sin_port = port;
	la->len = sizeof(*a);
	la->any = false;
}

/*
 * MHD_start_daemon says only that it failed. Binding a socket the way MHD
 * does (SO_REUSEADDR, the same IPV6_V6ONLY) tells why; the probe is closed
 * at once. Returns the errno of the bind, or 0 when the bind works.
 */
static int probe_bind(const struct listen_addr *la)
{
	int fd = socket(la->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int one = 1, v6only = la->any ? 0 : 1, e = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (la->ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, (const struct sockaddr *)&la->ss, la->len) < 0)
		e = errno;
	close(fd);
	return e;
}

/* ---- requests ---- */

static const char *request_conn_value(const struct http_request *req, enum MHD_ValueKind kind,
				      const char *name)
{
	const struct request_state *st = req->impl;
	const char *value = NULL;
	size_t size = 0;
	if (!name || MHD_lookup_connection_value_n(st->conn, kind, name, strlen(name), &value,
						   &size) != MHD_YES)
		return NULL;
	if (!value)
		return ""; /* "?flag" with no "=": present, empty */
	/* A decoded "%00" cannot be handed on as a C string: as if absent. */
	return strlen(value) == size ? value : NULL;
}

const char *http_header(const struct http_request *req, const char *name)
{
	return request_conn_value(req, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
	return request_conn_value(req, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	return request_conn_value(req, MHD_COOKIE_KIND, name);
}

/* RFC 9110 tchar */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return false;
	return true;
}

/* A value MHD can send as it is: no control characters but tab, not empty. */
static bool is_header_value(const char *s)
{
	if (!*s)
		return false; /* 0.9.75 refuses empty values */
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

/* The headers only the transport may set. */
static bool is_reserved_header(const char *name)
{
	return !strcasecmp(name, "Content-Length") || !strcasecmp(name, "Transfer-Encoding") ||
	       !strcasecmp(name, "Connection");
}

int http_response_header(struct http_response *res, const char *name, const char *value)
{
	if (!name || !value || !is_token(name, strlen(name)) || !is_header_value(value) ||
	    is_reserved_header(name))
		return -SB_EINVAL;
	if (!strcasecmp(name, "Content-Type")) {
		res->content_type = value;
		return 0;
	}
	if (res->nheaders >= HTTP_MAX_RESPONSE_HEADERS)
		return -SB_ERANGE;
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders].value = value;
	res->nheaders++;
	return 0;
}

struct framing {
	unsigned content_length, transfer_encoding;
	const char *cl_value, *te_value;
	const char *problem; /* the first thing wrong, or NULL */
};

static bool starts_with_nocase(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && !strncasecmp(s, prefix, p);
}

static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	struct framing *f = cls;
	(void)kind;
	(void)value_size;
	if (!is_token(key, key_size)) {
		f->problem = "a request header name has a character that is not allowed";
		return MHD_NO;
	}
	if (starts_with_nocase(key, key_size, "Content-Length")) {
		if (key_size != strlen("Content-Length")) {
			/* a folded line glued onto the name by MHD */
			f->problem = "the Content-Length header is malformed";
			return MHD_NO;
		}
		f->content_length++;
		f->cl_value = value;
	} else if (starts_with_nocase(key, key_size, "Transfer-Encoding")) {
		if (key_size != strlen("Transfer-Encoding")) {
			f->problem = "the Transfer-Encoding header is malformed";
			return MHD_NO;
		}
		f->transfer_encoding++;
		f->te_value = value;
	}
	return MHD_YES;
}

static const char *framing_problem(struct MHD_Connection *conn, struct framing *f)
{
	memset(f, 0, sizeof(*f));
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, check_header, f);
	if (f->problem)
		return f->problem;
	if (f->content_length > 1)
		return "the request has more than one Content-Length header";
	if (f->transfer_encoding > 1)
		return "the request has more than one Transfer-Encoding header";
	if (f->content_length && f->transfer_encoding)
		return "the request has both Content-Length and Transfer-Encoding";
	/* 0.9.75 reads any other coding as "until the connection closes" */
	if (f->transfer_encoding && (!f->te_value || strcasecmp(f->te_value, "chunked")))
		return "the only Transfer-Encoding accepted is chunked";
	return NULL;
}

/* MHD has already refused a Content-Length that is not digits or too large. */
static bool parse_content_length(const char *s, size_t *out)
{
	size_t v = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		size_t d = (size_t)(*s - '0');
		if (v > (SIZE_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Draining: have the client open its next connection to the next server. */
static bool add_close_if_stopping(struct request_state *st, struct MHD_Response *r)
{
	return !atomic_load(&st->server->stopping) ||
	       MHD_add_response_header(r, "Connection", "close") == MHD_YES;
}

/*
 * Answers with the API's JSON error shape. MESSAGE and CODE are our own
 * fixed text (nothing from the request), so they need no JSON escaping.
 */
static enum MHD_Result refuse(struct request_state *st, unsigned status, const char *code,
			      const char *message)
{
	char *body = arena_printf(st->req.arena, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
				  code, message);
	if (!body)
		return MHD_NO;
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	(void)MHD_add_response_header(r, "Content-Type", "application/json");
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	(void)add_close_if_stopping(st, r);
	enum MHD_Result ret = MHD_queue_response(st->conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *client_address(struct arena *a, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN];
	const char *s = NULL;
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			s = inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				      sizeof(buf));
		} else if (sa->sa_family == AF_INET6) {
			const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
			/* On a dual-stack socket IPv4 clients arrive as ::ffff:a.b.c.d. */
			if (IN6_IS_ADDR_V4MAPPED(a6))
				s = inet_ntop(AF_INET, &a6->s6_addr[12], buf, sizeof(buf));
			else
				s = inet_ntop(AF_INET6, a6, buf, sizeof(buf));
		}
	}
	return arena_strdup(a, s ? s : "");
}

static enum MHD_Result begin_request(struct http_server *server, struct request_state *st,
				     struct MHD_Connection *conn, const char *method)
{
	struct framing f;
	const char *problem;

	st->conn = conn;
	st->req.method = method; /* MHD keeps it until the request ends */
	st->req.remote_addr = client_address(st->req.arena, conn);
	if (!st->req.remote_addr)
		return MHD_NO;

	if ((problem = framing_problem(conn, &f)))
		return refuse(st, MHD_HTTP_BAD_REQUEST, "bad_request", problem);
	st->limit = server->body_limit(method, st->req.path, server->ctx);
	if (f.content_length) {
		if (!parse_content_length(f.cl_value, &st->expected))
			return refuse(st, MHD_HTTP_BAD_REQUEST, "bad_request",
				      "the Content-Length header is malformed");
		if (st->expected > st->limit)
			return refuse(st, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
				      "the request body is larger than this request accepts");
	}
	return MHD_YES;
}

static enum MHD_Result take_body(struct request_state *st, const char *data, size_t n)
{
	if (st->too_large || n > st->limit - st->len) {
		if (!st->too_large) {
			st->too_large = true;
			free(st->buf);
			st->buf = NULL;
			st->len = st->cap = 0;
		}
		st->discarded += n;
		return st->discarded <= DISCARD_MAX ? MHD_YES : MHD_NO;
	}
	if (st->cap - st->len <= n) {
		/* Content-Length says how much is coming; chunked bodies double. */
		size_t want = st->cap                                   ? st->cap
			      : st->expected && st->expected < SIZE_MAX ? st->expected + 1
									: FIRST_CHUNK;
		while (want - st->len <= n && want < SIZE_MAX)
			want = want > SIZE_MAX / 2 ? SIZE_MAX : want * 2;
		if (st->limit < SIZE_MAX && want > st->limit + 1)
			want = st->limit + 1;
		char *p = realloc(st->buf, want);
		if (!p)
			return MHD_NO;
		st->buf = p;
		st->cap = want;
	}
	memcpy(st->buf + st->len, data, n);
	st->len += n;
	return MHD_YES;
}

/* ---- streams ---- */

int http_response_stream(struct http_request *req, http_stream_fill_fn fill,
			 http_stream_done_fn done, void *ctx, struct http_stream **out)
{
	struct request_state *st = req->impl;
	struct http_server *server = st->server;
	assert(fill && done && out && !st->stream);
	*out = NULL;
	struct http_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return -SB_ENOMEM;
	s->server = server;
	s->conn = st->conn;
	s->fill = fill;
	s->done = done;
	s->ctx = ctx;
	pthread_mutex_lock(&server->streams_lock);
	if (atomic_load(&server->stopping) || server->nstreams >= server->max_streams) {
		pthread_mutex_unlock(&server->streams_lock);
		free(s);
		return -SB_EBUSY;
	}
	s->next = server->streams;
	if (s->next)
		s->next->prev = s;
	server->streams = s;
	server->nstreams++;
	pthread_mutex_unlock(&server->streams_lock);
	st->stream = s;
	*out = s;
	return 0;
}

/* STREAMS_LOCK held. */
static void stream_wake_locked(struct http_stream *s)
{
	if (s->parked) {
		s->parked = false;
		MHD_resume_connection(s->conn);
	} else {
		s->woken = true;
	}
}

void http_stream_wake(struct http_stream *s)
{
	pthread_mutex_lock(&s->server->streams_lock);
	stream_wake_locked(s);
	pthread_mutex_unlock(&s->server->streams_lock);
}

/* The content reader of a stream's response: FILL, or park until woken. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *s = cls;
	struct http_server *server = s->server;
	(void)pos;
	for (;;) {
		if (atomic_load(&server->stopping))
			return MHD_CONTENT_READER_END_OF_STREAM;
		size_t n = 0;
		switch (s->fill(s->ctx, buf, max, &n)) {
		case HTTP_STREAM_DATA:
			assert(n > 0 && n <= max);
			return n > 0 && n <= max ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
		case HTTP_STREAM_END: return MHD_CONTENT_READER_END_OF_STREAM;
		case HTTP_STREAM_WAIT: break;
		}
		pthread_mutex_lock(&server->streams_lock);
		bool again = s->woken || atomic_load(&server->stopping);
		s->woken = false;
		if (!again) {
			/* Returning 0 from a suspended connection's reader is how MHD
			 * waits: it calls the reader again once resumed. */
			s->parked = true;
			MHD_suspend_connection(s->conn);
		}
		pthread_mutex_unlock(&server->streams_lock);
		if (!again)
			return 0;
	}
}

/* The request of stream S completed: its owner lets go, then it is freed. */
static void stream_free(struct http_stream *s)
{
	struct http_server *server = s->server;
	/* First DONE, outside STREAMS_LOCK (a waker holds its own lock, then
	 * ours): once it returns nobody wakes S any more. */
	s->done(s->ctx);
	pthread_mutex_lock(&server->streams_lock);
	assert(!s->parked); /* MHD completes no suspended connection */
	if (s->prev)
		s->prev->next = s->next;
	else
		server->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	server->nstreams--;
	pthread_mutex_unlock(&server->streams_lock);
	free(s);
}

/* Ends every stream (STOPPING is set): the parked ones are resumed to end. */
static void streams_end(struct http_server *server)
{
	pthread_mutex_lock(&server->streams_lock);
	for (struct http_stream *s = server->streams; s; s = s->next)
		stream_wake_locked(s);
	pthread_mutex_unlock(&server->streams_lock);
}

static unsigned streams_open(struct http_server *server)
{
	pthread_mutex_lock(&server->streams_lock);
	unsigned n = server->nstreams;
	pthread_mutex_unlock(&server->streams_lock);
	return n;
}

/* ---- responses ---- */

static bool has_header(const struct http_response *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, name))
			return true;
	return false;
}

static bool response_is_valid(const struct http_response *res)
{
	if (res->status < 200 || res->status > 599 || res->nheaders > HTTP_MAX_RESPONSE_HEADERS)
		return false;
	if (res->body_len && !res->body)
		return false;
	if (res->content_type && !is_header_value(res->content_type))
		return false;
	for (size_t i = 0; i < res->nheaders; i++) {
		const char *name = res->headers[i].name, *value = res->headers[i].value;
		if (!name || !value || !is_token(name, strlen(name)) || !is_header_value(value) ||
		    is_reserved_header(name))
			return false;
	}
	return true;
}

static enum MHD_Result send_response(struct request_state *st, struct http_response *res)
{
	if (res->status == 0)
		res->status = MHD_HTTP_OK;
	if (!response_is_valid(res) || (st->stream && res->body_len))
		return refuse(st, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
			      "the server formed an invalid response");

	/* The body is the handler's (arena or static) and outlives the sending;
	 * a stream outlives it too, until the request completes. */
	struct MHD_Response *r =
		st->stream ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK,
							       stream_read, st->stream, NULL)
			   : MHD_create_response_from_buffer(res->body_len,
							     (void *)(res->body ? res->body : ""),
							     MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	bool ok = true;
	for (size_t i = 0; i < res->nheaders; i++)
		ok = ok && MHD_add_response_header(r, res->headers[i].name,
						   res->headers[i].value) == MHD_YES;
	const char *type = res->content_type;
	if (!type && res->body_len && !has_header(res, "Content-Type"))
		type = "application/json";
	if (type)
		ok = ok && MHD_add_response_header(r, "Content-Type", type) == MHD_YES;
	if (!has_header(res, "Cache-Control"))
		ok = ok && MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
	if (!has_header(res, "X-Content-Type-Options"))
		ok = ok &&
		     MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok = ok && add_close_if_stopping(st, r);
	if (!ok) {
		MHD_destroy_response(r);
		return refuse(st, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
			      "the server formed an invalid response");
	}
	enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result finish_request(struct http_server *server, struct request_state *st)
{
	struct http_response res;
	if (st->buf) {
		st->buf[st->len] = '\0'; /* take_body always leaves room for it */
		st->req.body = st->buf;
		st->req.body_len = st->len;
	}
	memset(&res, 0, sizeof(res));
	server->handler(&st->req, &res, server->ctx);
	return send_response(st, &res);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	struct http_server *server = cls;
	struct request_state *st = *con_cls;
	(void)url;
	(void)version;

	if (!st)
		return MHD_NO; /* out of memory when the request line arrived */
	if (!st->started) {
		st->started = true;
		return begin_request(server, st, conn, method);
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return take_body(st, upload_data, n);
	}
	if (st->too_large)
		return refuse(st, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
			      "the request body is larger than this request accepts");
	return finish_request(server, st);
}

/* Called once per request with the URI as sent; its result becomes *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *server = cls;
	struct arena *a = arena_new();
	struct request_state *st = a ? arena_zalloc(a, sizeof(*st)) : NULL;
	(void)conn;
	if (st)
		st->req.path = arena_strndup(a, uri, strcspn(uri, "?"));
	if (!st || !st->req.path) {
		arena_free(a);
		return NULL;
	}
	st->server = server;
	st->req.arena = a;
	st->req.body = "";
	st->req.impl = st;
	atomic_fetch_add(&server->in_flight, 1);
	return st;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *server = cls;
	struct request_state *st = *con_cls;
	(void)conn;
	(void)toe;
	if (!st)
		return;
	*con_cls = NULL;
	if (st->stream)
		stream_free(st->stream);
	free(st->buf);
	arena_free(st->req.arena); /* st lives in it */
	atomic_fetch_sub(&server->in_flight, 1);
}

/* ---- the server ---- */

static unsigned pool_size(unsigned threads)
{
	if (threads)
		return threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* Connections MHD takes at most: every stream, and room for requests. */
static unsigned connection_limit(const struct http_server *server)
{
	return server->max_streams + REQUEST_CONNECTIONS;
}

/*
 * Each connection is a descriptor, and the usual soft limit (1024) is below
 * what the server is sized for: raise it towards the hard limit, as Go's
 * runtime does, rather than fail accepts below the stream cap.
 */
static void raise_fd_limit(rlim_t want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static struct MHD_Daemon *start_daemon(struct http_server *server, const struct listen_addr *la,
				       unsigned threads)
{
	/* ITC: for quiesce, and to wake a worker when a stream is resumed. */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	if (la->any)
		flags |= MHD_USE_DUAL_STACK;
	else if (la->ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_access, server, MHD_OPTION_SOCK_ADDR,
				(const struct sockaddr *)&la->ss, MHD_OPTION_THREAD_POOL_SIZE,
				pool_size(threads), MHD_OPTION_CONNECTION_LIMIT,
				connection_limit(server), MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
				server, MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
				MHD_OPTION_END);
}

int http_server_start(const struct http_server_config *config, struct http_server **out,
		      struct sb_error *err)
{
	struct listen_addr la;
	char q[SB_QUOTE_SIZE];
	int rc;

	assert(config && config->handler && config->body_limit && out);
	*out = NULL;
	if ((rc = parse_listen(config->listen, &la, err)) < 0)
		return rc;

	struct http_server *server = calloc(1, sizeof(*server));
	if (!server)
		return sb_error_set(err, SB_ENOMEM, "out of memory starting the HTTP server");
	server->handler = config->handler;
	server->body_limit = config->body_limit;
	server->ctx = config->ctx;
	server->max_streams = config->max_streams ? config->max_streams : HTTP_DEFAULT_MAX_STREAMS;
	atomic_init(&server->in_flight, 0);
	atomic_init(&server->stopping, false);
	if (pthread_mutex_init(&server->streams_lock, NULL) != 0) {
		free(server);
		return sb_error_set(err, SB_ENOMEM, "out of memory starting the HTTP server");
	}
	raise_fd_limit(connection_limit(server) + 64);

	server->daemon = start_daemon(server, &la, config->threads);
	if (!server->daemon && la.any) {
		int e = probe_bind(&la);
		if (e == EAFNOSUPPORT || e == EADDRNOTAVAIL) {
			listen_addr_ipv4_any(&la); /* no IPv6 on this machine */
			server->daemon = start_daemon(server, &la, config->threads);
		}
	}
	if (!server->daemon) {
		int e = probe_bind(&la);
		pthread_mutex_destroy(&server->streams_lock);
		free(server);
		sb_quote(q, config->listen, SIZE_MAX);
		switch (e) {
		case EADDRINUSE:
			return sb_error_set(err, SB_EBUSY, "address %s is already in use", q);
		case EACCES: return sb_error_set(err, SB_EPERM, "not permitted to listen on %s", q);
		case EADDRNOTAVAIL:
			return sb_error_set(err, SB_EINVAL,
					    "cannot listen on %s: not an address of this machine",
					    q);
		case 0:
			return sb_error_set(err, SB_EIO,
					    "could not start the HTTP server on %s (out of threads "
					    "or memory?)",
					    q);
		default: errno = e; return sb_error_set(err, SB_EIO, "cannot listen on %s: %m", q);
		}
	}

	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	server->port = info ? info->port : 0;
	*out = server;
	return 0;
}

uint16_t http_server_port(const struct http_server *server)
{
	return server->port;
}

void http_server_stop(struct http_server *server)
{
	if (!server)
		return;
	atomic_store(&server->stopping, true);
	MHD_socket fd = MHD_quiesce_daemon(server->daemon);
	streams_end(server);

	/* MHD_stop_daemon closes connections whatever their state: wait first,
	 * for requests up to STOP_GRACE_MS, for ending streams (a client that
	 * does not read keeps its stream from ending) up to STREAM_STOP_GRACE_MS. */
	struct timespec tick = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
	for (int waited = 0; waited < STOP_GRACE_MS; waited += 5) {
		unsigned busy = atomic_load(&server->in_flight);
		if (busy == 0 || (busy <= streams_open(server) && waited >= STREAM_STOP_GRACE_MS))
			break;
		nanosleep(&tick, NULL);
	}

	MHD_stop_daemon(server->daemon);
	assert(server->nstreams == 0); /* each completed, and was freed, in the stop */
	/* After a quiesce the listening socket is ours to close, after the stop. */
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	pthread_mutex_destroy(&server->streams_lock);
	free(server);
}
