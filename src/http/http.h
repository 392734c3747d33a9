/*
 * The HTTP transport, on libmicrohttpd: it accepts connections, reads a
 * request and its body (within a limit chosen per route before the body is
 * read), hands the complete request to one handler, and sends the response
 * the handler filled in. It knows nothing of routes, users or JSON bodies:
 * the API layer's dispatcher is the handler.
 *
 * Threads: libmicrohttpd's internal thread pool with epoll; the handler
 * runs on a pool thread and may block (on the database) briefly. Each
 * request gets an arena (util/arena.h) that is freed after the response is
 * sent; everything reachable from struct http_request and struct
 * http_response lives in it or in the connection. A response may also be a
 * long-lived stream (see "Streams" below) that holds no thread while idle.
 *
 * Protocol hygiene the transport enforces itself, before any handler runs:
 * duplicate or conflicting Content-Length, Content-Length together with
 * Transfer-Encoding, and request bodies over the route's limit (413). Those
 * refusals use the API's JSON error shape:
 *   {"error": {"code": "...", "message": "..."}}
 */
#ifndef SB_HTTP_HTTP_H
#define SB_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

struct http_request {
	struct arena *arena; /* freed after the response is sent */
	const char *method;  /* "GET", "POST"... */
	const char *path;    /* the URL path as sent, without the query string */
	const char *body;    /* NUL-terminated (the NUL is not counted); "" when none */
	size_t body_len;
	const char *remote_addr; /* "127.0.0.1" */
	void *impl;              /* the transport's; do not touch */
};

/* A request header (case-insensitive name), a query parameter (decoded) or
 * a cookie value; NULL when absent. Borrowed: valid during the request.
 * The first one wins when a name repeats. A query key without "=" ("?flag")
 * is "", and a value that decodes to a NUL byte ("%00") is NULL, since it
 * cannot be a C string. */
const char *http_header(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

#define HTTP_MAX_RESPONSE_HEADERS 16

struct http_response {
	int status;               /* 200 when the handler leaves it 0 */
	const char *content_type; /* "application/json" when NULL and there is a body */
	const char *body;         /* may be NULL; must outlive the handler (arena, or static) */
	size_t body_len;
	size_t nheaders;
	struct {
		const char *name, *value;
	} headers[HTTP_MAX_RESPONSE_HEADERS];
};

/* Adds a response header (strings must outlive the handler). -SB_ERANGE when full;
 * -SB_EINVAL when NAME is not an HTTP token, VALUE is empty or has a control
 * character (CR, LF...), or NAME is Content-Length, Transfer-Encoding or
 * Connection, which the transport owns. "Content-Type" sets content_type. A
 * header placed in headers[] directly that breaks these rules turns the
 * response into a 500. */
int http_response_header(struct http_response *res, const char *name, const char *value);

/*
 * Streams. Instead of a body, a handler may answer with a stream: the
 * status and headers go out at once, then the body is made piece by piece,
 * for as long as the stream likes, by a fill callback (Server-Sent Events
 * are built on this; the transport knows nothing of their format).
 *
 * A stream holds no thread while it has nothing to send: when FILL answers
 * HTTP_STREAM_WAIT, the connection is parked (libmicrohttpd suspends it) and
 * FILL is not called again until someone calls http_stream_wake(), from any
 * thread. A wake that arrives while FILL runs is not lost: FILL is called
 * again before the connection parks. A parked connection does not notice
 * that its client went away until it is woken and writes, so a stream
 * should send something now and then (a keepalive) to be reaped.
 *
 * The response is chunked, with the handler's status, Content-Type and
 * headers (and Cache-Control: no-store unless it set one); a HEAD gets the
 * headers alone. The handler must leave body and body_len empty.
 */
enum http_stream_status {
	HTTP_STREAM_DATA, /* wrote *len_out bytes, 1 to MAX, into BUF */
	HTTP_STREAM_WAIT, /* nothing to send now: park until http_stream_wake() */
	HTTP_STREAM_END,  /* the body is complete */
};

/* Called on a pool thread, never twice at once for one stream. */
typedef enum http_stream_status (*http_stream_fill_fn)(void *ctx, char *buf, size_t max,
						       size_t *len_out);

/*
 * Called exactly once per stream made, when its request ends however it
 * ends (body complete, client gone, server stopping, response refused), on
 * a pool thread or in http_server_stop(). After it returns the stream is
 * freed: whoever might still call http_stream_wake() on it must have let go
 * of it by then, and DONE is the place to make sure of that (with the same
 * lock the waker holds).
 */
typedef void (*http_stream_done_fn)(void *ctx);

struct http_stream;

/* Concurrent streams a server carries when its config says 0. */
#define HTTP_DEFAULT_MAX_STREAMS 1024

/*
 * Makes the response to REQ a stream filled by FILL with CTX; the handler
 * still sets its status and headers in its struct http_response. *out is
 * the handle to wake it with, valid until DONE is called; from now on DONE
 * will be called, whatever the handler does next. -SB_EBUSY when the server
 * already carries its maximum of streams, or is stopping (DONE is then not
 * called and *out is NULL). At most one stream per request.
 */
int http_response_stream(struct http_request *req, http_stream_fill_fn fill,
			 http_stream_done_fn done, void *ctx, struct http_stream **out);

/* Has FILL called again soon: resumes the stream if parked. Any thread. */
void http_stream_wake(struct http_stream *stream);

/*
 * Called once per request, on a pool thread, after the whole body arrived.
 * Fills RES; never sends anything itself.
 */
typedef void (*http_handler_fn)(struct http_request *req, struct http_response *res, void *ctx);

/*
 * Called when the request line and headers have arrived, before any of the
 * body is read: the largest body, in bytes, that METHOD on PATH accepts.
 * A larger body (by Content-Length up front, or as it streams in chunked)
 * is refused with 413 and never reaches the handler. By Content-Length,
 * nothing of it is read and the connection closes after the 413. Chunked,
 * libmicrohttpd 0.9.75 cannot answer until the body ends, so the rest is
 * read and dropped, up to 1 MiB past the limit; beyond that the connection
 * is closed without an answer.
 */
typedef size_t (*http_body_limit_fn)(const char *method, const char *path, void *ctx);

struct http_server_config {
	const char *listen; /* "127.0.0.1:8080", "[::1]:8080", ":8080" (all addresses) */
	unsigned threads;   /* pool size; 0 means one per CPU */
	http_handler_fn handler;
	http_body_limit_fn body_limit;
	void *ctx;            /* passed to both callbacks */
	unsigned max_streams; /* concurrent streams; 0 means HTTP_DEFAULT_MAX_STREAMS */
};

struct http_server;

/*
 * Binds and starts serving. A bad listen address is -SB_EINVAL, a port in
 * use -SB_EBUSY, each with a message. *out is the caller's, released by
 * http_server_stop().
 */
int http_server_start(const struct http_server_config *config, struct http_server **out,
		      struct sb_error *err);

/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *server);

/*
 * Stops accepting, lets the requests in flight finish and be answered,
 * then frees the server. Open streams are ended at once (FILL is not called
 * again; the body ends cleanly) rather than waited for. Accepts NULL.
 */
void http_server_stop(struct http_server *server);

#endif
