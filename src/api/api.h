/*
 * The REST API under /api/v1: the dispatcher that src/http calls for every
 * request, and the handlers behind it (one file per resource).
 *
 * One route table (routes.c) lists every route with its handler, the roles
 * that may call it and its flags; one dispatcher (router.c) enforces
 * authentication, permission, CSRF, body limits, content type and JSON
 * syntax before any handler runs, and turns errors into JSON:
 *   {"error": {"code", "message", "fields": [{"name", "message"}]}}
 */
#ifndef SB_API_API_H
#define SB_API_API_H

#include <stddef.h>

#include "core/calendar.h"
#include "http/http.h"
#include "store/store.h"

struct api;

/* Limits on what a customer sends, the same by API and by mail. */
#define API_COMMENT_MAX_CHARS 50000
#define API_FILES_MAX         10
#define API_FILE_SIZE_MAX     (20 * 1024 * 1024)

/*
 * A new API over STORE, computing due times on CALENDAR (both borrowed:
 * they must outlive the API). *out is the caller's, freed with api_free().
 */
int api_new(struct store *store, struct calendar *calendar, struct api **out, struct sb_error *err);
void api_free(struct api *api);

/*
 * Live events from the other servers of the database (peers.c): starts the
 * thread that receives them, where servers share a database server
 * (PostgreSQL); does nothing on SQLite. Started by serve after api_new();
 * api_free() stops it.
 */
int api_peers_start(struct api *api, struct sb_error *err);
void api_peers_stop(struct api *api);

/* The http_handler_fn and http_body_limit_fn of the server; CTX is the struct api. */
void api_handle(struct http_request *req, struct http_response *res, void *ctx);
size_t api_body_limit(const char *method, const char *path, void *ctx);

#endif
