/*
 * `switchboard serve`: the HTTP server. Signals are blocked in every thread
 * and taken by the main thread with sigwait(), so a SIGTERM or SIGINT stops
 * the server cleanly: it stops accepting, lets the requests in flight finish
 * and be answered, then closes the database.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/mailin.h"
#include "cli.h"
#include "core/calendar.h"
#include "http/static.h"
#include "jobs/jobs.h"
#include "mail/smtp.h"

static const char help[] =
	"usage: switchboard serve [--data DIR] [--listen HOST:PORT] [--threads N] [--web DIR]\n"
	"                         [--smtp-url URL] [--database URL] [--lease SECONDS]\n"
	"\n"
	"Serves the API and the web app from data directory DIR (default ./var),\n"
	"migrating its database first. --listen defaults to 127.0.0.1:8080;\n"
	"--threads to 16 per CPU (at most 64); --web to the directory \"web\" beside\n"
	"the binary (where `make` builds the web app). It also runs the jobs that\n"
	"`switchboard jobs` runs (SLA timers, webhooks, notification mail); mail goes\n"
	"out through the SMTP server of --smtp-url, else $SWITCHBOARD_SMTP_URL, else\n"
	"the smtp_url setting, and stays queued without one (docs/mail.md). --lease\n"
	"is how long this process reserves a delivery it claimed (default 120 s), as\n"
	"for `switchboard jobs`. Stops cleanly on SIGTERM or SIGINT.\n";

/* What the server's one handler needs: the API, and the web app's files
 * (NULL when there are none: the API alone is served). */
struct serve_ctx {
	struct api *api;
	struct http_static *web;
};

/* /api, /api/... and /healthz are the API's; any other GET is the web app's, and what
 * it does not have goes to the API, which answers the JSON 404. */
static void serve_handle(struct http_request *req, struct http_response *res, void *ctx)
{
	struct serve_ctx *s = ctx;
	bool api =
		strncmp(req->path, "/api", 4) == 0 && (req->path[4] == '\0' || req->path[4] == '/');
	if (s->web && !api && strcmp(req->path, "/healthz") != 0 &&
	    http_static_serve(s->web, req, res))
		return;
	api_handle(req, res, s->api);
}

static size_t serve_body_limit(const char *method, const char *path, void *ctx)
{
	return api_body_limit(method, path, ((struct serve_ctx *)ctx)->api);
}

/* The job runner's account of deliveries that did not go through at once. */
static void serve_log(void *ctx, const char *line)
{
	fprintf(stderr, "switchboard: %s\n", line);
}

/* "web" beside the running binary: build/web for build/switchboard. */
static char *default_web_dir(void)
{
	static char dir[4096];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 5);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "web");
	return dir;
}

/*
 * Handlers block on the database, and durable writes are committed in
 * groups (src/store/store.c): the more requests write at once, the fewer
 * fsyncs per ticket. On 2 cores, 32 threads took durable creates from 2,200/s
 * (2 threads) to 4,500/s while keeping reads near their best (bench/RESULTS.md).
 */
static unsigned default_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long n = (cpus > 0 ? cpus : 1) * 16;
	return (unsigned)(n > 64 ? 64 : n);
}

/*
 * The business calendar from the settings (calendar.timezone, .hours,
 * .holidays), each defaulting to the default calendar's (docs/sla.md).
 */
int cli_load_calendar(struct store *store, struct calendar **out, struct sb_error *err)
{
	struct store_conn *c;
	struct arena *a = arena_new();
	char *zone_s = NULL, *hours_s = NULL, *holidays_s = NULL;
	struct tz_zone *zone = NULL;
	struct hours_week week;
	struct holidays holidays = {0};
	int rc;
	if (!a)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	if ((rc = store_conn(store, &c, err)) < 0 ||
	    (rc = store_setting_get(c, "calendar.timezone", a, &zone_s, err)) < 0 ||
	    (rc = store_setting_get(c, "calendar.hours", a, &hours_s, err)) < 0 ||
	    (rc = store_setting_get(c, "calendar.holidays", a, &holidays_s, err)) < 0)
		goto out;
	if ((rc = tz_zone_load(zone_s ? zone_s : CALENDAR_DEFAULT_ZONE, &zone, err)) < 0 ||
	    (rc = hours_parse(hours_s ? hours_s : CALENDAR_DEFAULT_HOURS, &week, err)) < 0)
		goto out;
	if (holidays_s)
		rc = holidays_parse(holidays_s, &holidays, err);
	else
		holidays_default(&holidays);
	if (rc < 0 || (rc = calendar_new(zone, &week, &holidays, out, err)) < 0)
		goto out;
	zone = NULL; /* the calendar's now */
out:
	tz_zone_free(zone);
	holidays_done(&holidays);
	arena_free(a);
	return rc;
}

int cli_serve(int argc, char **argv)
{
	static const char prog[] = "switchboard serve";
	const char *data = NULL, *listen = NULL, *threads_s = NULL, *web = NULL, *smtp = NULL,
		   *database = NULL, *lease_s = NULL;
	const struct cli_flag flags[] = {{"--data", &data},         {"--listen", &listen},
					 {"--threads", &threads_s}, {"--web", &web},
					 {"--smtp-url", &smtp},     {"--database", &database},
					 {"--lease", &lease_s}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 7, help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	unsigned threads = default_threads();
	if (threads_s) {
		char *end;
		long v = strtol(threads_s, &end, 10);
		if (*threads_s == '\0' || *end != '\0' || v < 1 || v > 256)
			return cli_bad_argument(prog, "--threads", "expected 1 to 256");
		threads = (unsigned)v;
	}
	int64_t lease = 0;
	if (lease_s) {
		char *end;
		long v = strtol(lease_s, &end, 10);
		if (*lease_s == '\0' || *end != '\0' || v < 1 || v > JOBS_LEASE_MAX_S)
			return cli_bad_argument(prog, "--lease", "expected 1 to 3600 seconds");
		lease = v;
	}

	/* Before any thread starts (libcurl may start resolvers), so all inherit the mask. */
	sigset_t stop;
	cli_block_stop_signals(&stop);

	struct sb_error err = {0};
	/* libcurl's global setup is not thread-safe: before any thread starts. */
	if (mail_global_init(&err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}
	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0) {
		mail_global_cleanup();
		return rc;
	}
	struct calendar *cal = NULL;
	struct api *api = NULL;
	struct http_server *server = NULL;
	struct serve_ctx ctx = {0};
	struct jobs *jobs = NULL;
	struct arena *mail_arena = arena_new();
	struct jobs_config mail = {.log = serve_log, .lease_s = lease};
	if (!mail_arena || cli_mail_config(store, smtp, mail_arena, &mail, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, mail_arena ? err.message : "out of memory");
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	/* The runner always runs (timers, webhooks); mail goes out only when
	 * there is somewhere to send it, and the outbox keeps it meanwhile. */
	if (jobs_new(store, &mail, &jobs, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (cli_load_calendar(store, &cal, &err) < 0 || api_new(store, cal, &api, &err) < 0 ||
	    api_mail_watch_start(api, &err) < 0 || api_peers_start(api, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	ctx.api = api;
	/* An explicit --web must load; the default may be absent (a server
	 * built without the web app still serves the API). */
	const char *web_dir = web ? web : default_web_dir();
	if (web_dir && (rc = http_static_load(web_dir, &ctx.web, &err)) < 0) {
		if (web) {
			fprintf(stderr, "%s: --web: %s\n", prog, err.message);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		fprintf(stderr, "%s: no web app (%s); serving the API only\n", prog, err.message);
		err = (struct sb_error){0};
	}
	struct http_server_config config = {.listen = listen ? listen : "127.0.0.1:8080",
					    .threads = threads,
					    .handler = serve_handle,
					    .body_limit = serve_body_limit,
					    .ctx = &ctx};
	if ((rc = http_server_start(&config, &server, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = rc == -SB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
		goto out;
	}
	if (jobs_start(jobs, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		http_server_stop(server);
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	printf("switchboard %s listening on %s (port %u)\n", SB_VERSION, config.listen,
	       (unsigned)http_server_port(server));
	if (mail.smtp_url) {
		char shown[256];
		printf("switchboard: delivering mail through %s\n",
		       mail_smtp_url_redacted(mail.smtp_url, shown, sizeof(shown)));
	}
	fflush(stdout);

	int sig = 0;
	sigwait(&stop, &sig);
	printf("switchboard: %s received, finishing requests in flight\n",
	       sig == SIGTERM ? "SIGTERM" : "SIGINT");
	fflush(stdout);
	http_server_stop(server);
	/* After the requests (which queue mail), before the store closes. */
	jobs_stop(jobs);
	rc = CLI_EXIT_OK;
out:
	jobs_free(jobs);
	arena_free(mail_arena);
	http_static_free(ctx.web);
	api_free(api);
	calendar_free(cal);
	store_close(store);
	mail_global_cleanup();
	return rc;
}
