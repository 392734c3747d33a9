/*
 * Attachments: screenshots and files on a ticket. Uploads are
 * multipart/form-data (one or more "file" parts); the bytes are stored by
 * content hash and made durable before the row commits. Downloads check that
 * the caller may see the ticket (else 404) and are served so that a browser
 * never runs them: only common image types inline, anything else as a
 * download, under a sandboxing Content-Security-Policy.
 */
#include <string.h>
#include <strings.h>

#include "api/internal.h"
#include "core/lifecycle.h"
#include "core/ticket.h"
#include "http/multipart.h"
#include "util/utf8.h"

#define MAX_FILES     API_FILES_MAX
#define MAX_FILE_SIZE API_FILE_SIZE_MAX

static json_t *attachment_json(struct api_call *call, const struct store_attachment *at)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:o, s:s}", "id", (json_int_t)at->id,
			 "ticket_id", (json_int_t)at->ticket_id, "filename", at->filename,
			 "content_type", at->content_type, "size", (json_int_t)at->size, "sha256",
			 at->sha256, "uploader_id", (json_int_t)at->uploader_id, "created_at",
			 api_time(at->created_at), "url",
			 arena_printf(call->arena, "/api/v1/attachments/%lld", (long long)at->id));
}

/* The last path component, without controls, at most 200 bytes of UTF-8. */
static const char *clean_filename(struct api_call *call, const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t len = strlen(base);
	if (len == 0 || len > 200 || !utf8_valid(base, len) || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0)
		return "attachment";
	for (const char *p = base; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			return "attachment";
	return arena_strdup(call->arena, base);
}

/* "type/subtype" in token characters, lower-cased; else application/octet-stream. */
static const char *clean_type(struct api_call *call, const char *type)
{
	const char *semi = strchr(type, ';');
	size_t n = semi ? (size_t)(semi - type) : strlen(type);
	char *t = arena_strndup(call->arena, type, n > 100 ? 100 : n);
	int slashes = 0;
	for (char *p = t; p && *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		if (*p == '/')
			slashes++;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			   strchr("+-.", *p)))
			return "application/octet-stream";
	}
	return t && slashes == 1 && t[0] != '/' && t[strlen(t) - 1] != '/'
		       ? t
		       : "application/octet-stream";
}

int api_multipart_body(struct api_call *call, const char *json_part)
{
	struct http_part *parts;
	size_t n;
	struct sb_error perr = {0};
	const char *type = http_header(call->req, "Content-Type");
	if (!type || strncasecmp(type, "multipart/form-data", 19) != 0)
		return api_fail_status(call, 415, "unsupported_media_type",
				       "upload files as multipart/form-data");
	if (http_multipart_parse(type, call->req->body, call->req->body_len, call->arena,
				 MAX_FILES + 5, &parts, &n, &perr) < 0)
		return api_fail_status(call, 400, "malformed_multipart", perr.message);

	call->files = arena_alloc(call->arena, (n + 1) * sizeof(*call->files));
	if (!call->files)
		return api_fail(call, SB_ENOMEM, "out of memory");
	call->nfiles = 0;
	const struct http_part *json = NULL;
	for (size_t i = 0; i < n; i++) {
		if (json_part && !parts[i].filename && strcmp(parts[i].name, json_part) == 0) {
			if (json)
				api_field_error(call, json_part, "sent twice");
			json = &parts[i];
			continue;
		}
		if (!parts[i].filename)
			continue;
		if (strcmp(parts[i].name, "file") != 0)
			api_field_error(call, parts[i].name,
					"upload files in parts named \"file\"");
		else if (parts[i].len > MAX_FILE_SIZE)
			api_field_error(call, "file", "%s is larger than %d MB", parts[i].filename,
					MAX_FILE_SIZE / (1024 * 1024));
		call->files[call->nfiles++] = parts[i];
	}
	if (call->nfiles > MAX_FILES)
		api_field_error(call, "file", "at most %d files at once", MAX_FILES);
	if (json_part && !json)
		api_field_error(call, json_part,
				"required: the fields as a JSON object in a part "
				"named \"%s\"",
				json_part);
	if (call->nfields)
		return -SB_EINVAL;
	if (!json)
		return 0;
	json_error_t jerr;
	call->body = json_loadb(json->data, json->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!call->body || !json_is_object(call->body))
		return api_fail_status(call, 400, "malformed_json",
				       "the \"ticket\" part must be a JSON object");
	return 0;
}

int api_files_put(struct api_call *call, struct store_attachment **rows_out)
{
	struct store_attachment *rows =
		arena_alloc(call->arena, (call->nfiles + 1) * sizeof(*rows));
	if (!rows)
		return api_fail(call, SB_ENOMEM, "out of memory");
	for (size_t i = 0; i < call->nfiles; i++) {
		const struct http_part *f = &call->files[i];
		char hex[65];
		int rc = store_blob_put(call->api->store, f->data, f->len, hex, &call->err);
		if (rc < 0)
			return rc;
		rows[i] = (struct store_attachment){
			.uploader_id = call->user.id,
			.filename = clean_filename(call, f->filename),
			.content_type = clean_type(call, f->content_type),
			.size = (int64_t)f->len,
			.sha256 = arena_strdup(call->arena, hex),
			.created_at = call->now,
		};
	}
	*rows_out = rows;
	return 0;
}

int api_files_insert(struct api_call *call, int64_t ticket_id, struct store_attachment *rows,
		     json_t *items)
{
	for (size_t i = 0; i < call->nfiles; i++) {
		struct store_history h = {.ticket_id = ticket_id,
					  .actor_id = call->user.id,
					  .at = call->now,
					  .field = "attachment",
					  .new_value = rows[i].filename};
		int rc;
		rows[i].ticket_id = ticket_id;
		if ((rc = store_attachment_insert(call->conn, &rows[i], &rows[i].id, &call->err)) <
			    0 ||
		    (rc = store_history_insert(call->conn, &h, &call->err)) < 0)
			return rc;
		if (items)
			json_array_append_new(items, attachment_json(call, &rows[i]));
	}
	return 0;
}

int api_attachments_create(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0)
		return rc;
	if (strcmp(t.status, "closed") == 0)
		return api_fail(call, SB_ECONFLICT,
				"a closed ticket is final; a new message opens a follow-up ticket");
	if ((rc = api_multipart_body(call, NULL)) < 0)
		return rc;
	if (call->nfiles == 0) {
		api_field_error(call, "file", "required: at least one file part");
		return -SB_EINVAL;
	}

	/* Bytes first (durable), then the rows that point at them. */
	struct store_attachment *rows;
	if ((rc = api_files_put(call, &rows)) < 0)
		return rc;
	/* The bytes are durable; now the rows, against the ticket as it is now. */
	if ((rc = api_ticket_load_for_write(call, id, &t)) < 0)
		return rc;
	if (strcmp(t.status, "closed") == 0)
		return api_fail(call, SB_ECONFLICT,
				"a closed ticket is final; a new message opens a follow-up ticket");
	json_t *items = json_array();
	if ((rc = api_files_insert(call, id, rows, items)) < 0 ||
	    (rc = api_ticket_files_arrived(call, &t)) < 0 ||
	    (rc = store_write_commit(call->conn, &call->err)) < 0) {
		json_decref(items);
		return rc;
	}
	api_event_queue(call, &t, API_EVENT_ATTACHMENT, false);
	return api_json(call, 201, json_pack("{s:o}", "items", items));
}

int api_attachments_list(struct api_call *call)
{
	int64_t id;
	struct store_ticket t;
	struct store_attachment *list;
	size_t n;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 || (rc = api_ticket_load(call, id, &t)) < 0 ||
	    (rc = store_attachments_list(call->conn, id, call->arena, &list, &n, &call->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, attachment_json(call, &list[i]));
	return api_json(call, 200, json_pack("{s:o}", "items", items));
}

static bool inline_safe(const char *type)
{
	static const char *const safe[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (strcmp(type, safe[i]) == 0)
			return true;
	return false;
}

int api_attachments_get(struct api_call *call)
{
	int64_t id;
	struct store_attachment at;
	struct store_ticket t;
	const char *data;
	size_t len;
	int rc;
	if ((rc = api_param_id(call, &id)) < 0 ||
	    (rc = store_attachment_get(call->conn, id, call->arena, &at, &call->err)) < 0 ||
	    (rc = api_ticket_load(call, at.ticket_id, &t)) < 0)
		return rc == -SB_ENOTFOUND ? api_fail(call, SB_ENOTFOUND, "no such attachment")
					   : rc;
	if ((rc = store_blob_get(call->api->store, at.sha256, call->arena, &data, &len,
				 &call->err)) < 0)
		return rc;
	bool safe = inline_safe(at.content_type);
	http_response_header(call->res, "Content-Security-Policy", "default-src 'none'; sandbox");
	http_response_header(call->res, "Content-Disposition",
			     arena_printf(call->arena, "%s; filename=\"%s\"",
					  safe ? "inline" : "attachment", at.filename));
	http_response_header(call->res, "Cache-Control", "private, max-age=86400");
	return api_raw(call, 200, safe ? at.content_type : "application/octet-stream", data, len);
}
