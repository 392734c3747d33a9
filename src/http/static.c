/*
 * The web app's files, served from memory (see static.h for why).
 */
#include "http/static.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Files bigger than this are not part of a web build; refusing them keeps a
 * wrong --web directory from filling memory. */
#define FILE_MAX  (8u * 1024 * 1024)
#define FILES_MAX 4096
#define PATH_MAX_ 1024

/*
 * 'self' only. Images may also be blob: and data: URLs, because the portal
 * previews screenshots that are picked or pasted before upload. Styles set
 * by script through the CSSOM are allowed under style-src 'self'; inline
 * style attributes in markup are not, and Vite emits none.
 */
const char http_static_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
			       "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; "
			       "object-src 'none'; base-uri 'none'; form-action 'self'; "
			       "frame-ancestors 'none'";

struct file {
	char *path; /* "/assets/index-abc.js" */
	char *data;
	size_t len;
	const char *type;
	bool immutable;
};

struct http_static {
	struct file *files; /* sorted by path */
	size_t n, cap;
	const struct file *index;
};

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".webmanifest", "application/manifest+json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".txt", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static int read_all(const char *fs_path, size_t size, char **out, struct sb_error *err)
{
	FILE *f = fopen(fs_path, "rb");
	if (!f)
		return sb_error_set(err, SB_EIO, "cannot open %s: %s", fs_path, strerror(errno));
	char *buf = malloc(size + 1);
	size_t got = buf ? fread(buf, 1, size, f) : 0;
	fclose(f);
	if (!buf)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	if (got != size) {
		free(buf);
		return sb_error_set(err, SB_EIO, "cannot read %s", fs_path);
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

static int add_file(struct http_static *st, const char *url, const char *fs_path, size_t size,
		    struct sb_error *err)
{
	if (size > FILE_MAX)
		return sb_error_set(err, SB_ERANGE, "%s is over %u bytes", fs_path, FILE_MAX);
	if (st->n == FILES_MAX)
		return sb_error_set(err, SB_ERANGE, "more than %d files", FILES_MAX);
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;
		struct file *f = realloc(st->files, cap * sizeof(*f));
		if (!f)
			return sb_error_set(err, SB_ENOMEM, "out of memory");
		st->files = f;
		st->cap = cap;
	}
	struct file *f = &st->files[st->n];
	*f = (struct file){.len = size, .type = type_of(url)};
	int rc = read_all(fs_path, size, &f->data, err);
	if (rc < 0)
		return rc;
	if (!(f->path = strdup(url))) {
		free(f->data);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	f->immutable = strncmp(url, "/assets/", 8) == 0;
	st->n++;
	return 0;
}

/* Adds the regular files under FS_DIR as URL_DIR/...; hidden names are skipped. */
static int walk(struct http_static *st, const char *fs_dir, const char *url_dir, int depth,
		struct sb_error *err)
{
	if (depth > 8)
		return 0;
	DIR *d = opendir(fs_dir);
	if (!d)
		return sb_error_set(err, errno == ENOENT ? SB_ENOTFOUND : SB_EIO,
				    "cannot open %s: %s", fs_dir, strerror(errno));
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char fs[PATH_MAX_], url[PATH_MAX_];
		struct stat sb;
		if ((size_t)snprintf(fs, sizeof(fs), "%s/%s", fs_dir, e->d_name) >= sizeof(fs) ||
		    (size_t)snprintf(url, sizeof(url), "%s/%s", url_dir, e->d_name) >= sizeof(url))
			continue;
		if (stat(fs, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			rc = walk(st, fs, url, depth + 1, err);
		else if (S_ISREG(sb.st_mode))
			rc = add_file(st, url, fs, (size_t)sb.st_size, err);
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static const struct file *find(const struct http_static *st, const char *path)
{
	struct file key = {.path = (char *)path};
	return st->n ? bsearch(&key, st->files, st->n, sizeof(key), by_path) : NULL;
}

int http_static_load(const char *dir, struct http_static **out, struct sb_error *err)
{
	struct http_static *st = calloc(1, sizeof(*st));
	if (!st)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	int rc = walk(st, dir, "", 0, err);
	if (rc == 0) {
		qsort(st->files, st->n, sizeof(*st->files), by_path);
		if (!(st->index = find(st, "/index.html")))
			rc = sb_error_set(err, SB_ENOTFOUND, "%s has no index.html", dir);
	}
	if (rc < 0) {
		http_static_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void http_static_free(struct http_static *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->files[i].path);
		free(st->files[i].data);
	}
	free(st->files);
	free(st);
}

void http_static_stats(const struct http_static *st, unsigned *files, size_t *bytes)
{
	size_t total = 0;
	for (size_t i = 0; i < st->n; i++)
		total += st->files[i].len;
	*files = (unsigned)st->n;
	*bytes = total;
}

/* A path of the app's own routes: no extension in its last segment. */
static bool app_route(const char *path)
{
	const char *last = strrchr(path, '/');
	return last && !strchr(last, '.');
}

bool http_static_serve(const struct http_static *st, const struct http_request *req,
		       struct http_response *res)
{
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return false;
	const struct file *f = find(st, req->path);
	if (!f && app_route(req->path))
		f = st->index;
	if (!f)
		return false;
	http_response_header(res, "Content-Security-Policy", http_static_csp);
	http_response_header(res, "X-Content-Type-Options", "nosniff");
	http_response_header(res, "Referrer-Policy", "same-origin");
	http_response_header(res, "X-Frame-Options", "DENY");
	/* No 304s: libmicrohttpd 0.9.75 puts "Content-Length: 0" on them, which
	 * a browser applies to its cached copy (an empty page). index.html is
	 * under 1 KB; sending it whole on every load costs nothing. */
	http_response_header(res, "Cache-Control",
			     f->immutable ? "public, max-age=31536000, immutable" : "no-cache");
	res->status = 200;
	res->content_type = f->type;
	res->body = f->data;
	res->body_len = f->len;
	return true;
}
