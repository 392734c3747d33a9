/*
 * The web app's files (build/web, made by Vite), served from memory.
 *
 * The whole directory is read once at start: it is small (tens of KB), so
 * serving it costs one lookup and no system call, and only names that were
 * files at start can ever be answered, so no request path reaches the file
 * system (no "..", no symlinks followed at request time).
 *
 * Caching: Vite names everything under /assets/ by a hash of its content,
 * so those are cacheable for a year ("immutable"); index.html is fetched on
 * every load (no-cache), so a new build reaches browsers at once.
 *
 * The app routes by URL path (/portal/tickets/12): a GET of a path that is
 * not a file and has no extension answers index.html, so deep links and
 * reloads work. Every answer carries a strict Content-Security-Policy (no
 * inline script or style, no other origin) and the usual hardening headers.
 */
#ifndef SB_HTTP_STATIC_H
#define SB_HTTP_STATIC_H

#include <stdbool.h>

#include "http/http.h"

struct http_static;

/*
 * Loads every regular file under DIR. A missing DIR or one without
 * index.html is -SB_ENOTFOUND; *out is the caller's, freed with
 * http_static_free().
 */
int http_static_load(const char *dir, struct http_static **out, struct sb_error *err);
void http_static_free(struct http_static *st);

/* How many files were loaded, and their total size in bytes. */
void http_static_stats(const struct http_static *st, unsigned *files, size_t *bytes);

/*
 * Answers REQ from the files when it is a GET or HEAD of one of them (or of
 * an app route); returns false, leaving RES untouched, otherwise. The body
 * points into ST, which must outlive the response.
 */
bool http_static_serve(const struct http_static *st, const struct http_request *req,
		       struct http_response *res);

/* The Content-Security-Policy that web app responses carry. */
extern const char http_static_csp[];

#endif
