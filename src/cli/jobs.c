/*
 * `switchboard jobs`: the job runner alone, for a deployment that runs it
 * apart from the web servers (or beside them: runners share the work
 * through leases), and for tests (--once).
 *
 * Also where the mail settings are resolved, for this command and for
 * serve: the flag, else the environment, else the setting in the database.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jobs/jobs.h"
#include "mail/smtp.h"
#include "util/rfc3339.h"

static const char help[] =
	"usage: switchboard jobs [--data DIR] [--database URL] [--smtp-url URL] [--lease SECONDS]\n"
	"                        [--once [--now RFC3339]]\n"
	"\n"
	"Runs the background jobs of data directory DIR (default ./var): queues\n"
	"the notifications that time brings (SLA warnings, breaches, emergency\n"
	"updates), delivers webhooks, and delivers the notification mail queued in\n"
	"its outbox to the SMTP server at URL (smtp://[user:password@]host[:port]\n"
	"or smtps://...; see docs/mail.md). The URL is --smtp-url, else\n"
	"$SWITCHBOARD_SMTP_URL, else the smtp_url setting; without one, mail stays\n"
	"queued. The sender is $SWITCHBOARD_MAIL_FROM, else the mail_from setting,\n"
	"else \"" JOBS_MAIL_FROM_DEFAULT "\".\n"
	"\n"
	"--once delivers what is due now and exits; otherwise runs until SIGTERM or\n"
	"SIGINT. --lease is how long a claimed delivery is reserved for this process\n"
	"(default 120 s): a process killed mid-delivery has its mail sent by another\n"
	"runner once the lease runs out.\n"
	"\n"
	"--now (with --once) judges the SLA timers as if the clock read this instant\n"
	"(2026-11-23T15:00:00Z), for tests and replays: warnings, breaches and\n"
	"emergency updates due by then are queued, at the real time, and sent.\n"
	"Links in mail point at $SWITCHBOARD_PUBLIC_URL, else the public_url\n"
	"setting, else " JOBS_PUBLIC_URL_DEFAULT ".\n";

static void log_line(void *ctx, const char *line)
{
	fprintf(stderr, "%s: %s\n", (const char *)ctx, line);
}

int cli_mail_config(struct store *store, const char *smtp_flag, struct arena *a,
		    struct jobs_config *cfg, struct sb_error *err)
{
	struct store_conn *c;
	int rc = store_conn(store, &c, err);
	if (rc < 0)
		return rc;
	const char *env_url = getenv("SWITCHBOARD_SMTP_URL");
	const char *env_from = getenv("SWITCHBOARD_MAIL_FROM");
	const char *env_public = getenv("SWITCHBOARD_PUBLIC_URL");
	char *url = NULL, *from = NULL, *public_url = NULL;
	if (smtp_flag)
		url = (char *)smtp_flag;
	else if (env_url && *env_url)
		url = (char *)env_url;
	else if ((rc = store_setting_get(c, "smtp_url", a, &url, err)) < 0)
		return rc;
	if (env_from && *env_from)
		from = (char *)env_from;
	else if ((rc = store_setting_get(c, "mail_from", a, &from, err)) < 0)
		return rc;
	if (env_public && *env_public)
		public_url = (char *)env_public;
	else if ((rc = store_setting_get(c, "public_url", a, &public_url, err)) < 0)
		return rc;
	cfg->public_url = public_url && *public_url ? public_url : NULL;
	cfg->smtp_url = url && *url ? url : NULL;
	cfg->mail_from = from && *from ? from : NULL;
	return 0;
}

int cli_jobs(int argc, char **argv)
{
	static const char prog[] = "switchboard jobs";
	const char *data = NULL, *database = NULL, *smtp_url = NULL, *lease_s = NULL, *now_s = NULL;
	/* --once takes no value, which cli_parse_flags() does not know: take it out first. */
	bool once = false;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0;
	if (!rest) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return CLI_EXIT_FAILURE;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0 && !once)
			once = true;
		else
			rest[nrest++] = argv[i];
	}
	const struct cli_flag flags[] = {{"--data", &data},
					 {"--smtp-url", &smtp_url},
					 {"--lease", &lease_s},
					 {"--now", &now_s},
					 {"--database", &database}};
	int rc = cli_parse_flags(prog, nrest, rest, flags, 5, help);
	free(rest);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	struct jobs_config cfg = {.log = log_line, .log_ctx = (void *)prog};
	if (lease_s) {
		char *end;
		long v = strtol(lease_s, &end, 10);
		if (*lease_s == '\0' || *end != '\0' || v < 1 || v > JOBS_LEASE_MAX_S)
			return cli_bad_argument(prog, "--lease", "expected 1 to 3600 seconds");
		cfg.lease_s = v;
	}
	if (now_s) {
		struct sb_error e;
		if (!once)
			return cli_bad_argument(prog, "--now", "only with --once");
		if (rfc3339_parse(now_s, &cfg.timers_now, &e) < 0 || cfg.timers_now <= 0)
			return cli_bad_argument(prog, "--now",
						"expected an RFC 3339 instant such as "
						"2026-11-23T15:00:00Z");
	}

	/* Before any thread starts (libcurl may start resolvers), so all inherit the mask. */
	sigset_t stop;
	cli_block_stop_signals(&stop);

	struct sb_error err = {0};
	if (mail_global_init(&err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}
	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0) {
		mail_global_cleanup();
		return rc;
	}
	struct arena *a = arena_new();
	struct jobs *jobs = NULL;
	if (!a) {
		fprintf(stderr, "%s: out of memory\n", prog);
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	if ((rc = cli_mail_config(store, smtp_url, a, &cfg, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	/* Timers and webhooks still run; mail waits in the outbox for a server. */
	if (!cfg.smtp_url)
		fprintf(stderr,
			"%s: no SMTP server (--smtp-url, SWITCHBOARD_SMTP_URL or the smtp_url "
			"setting): mail stays queued\n",
			prog);
	if ((rc = jobs_new(store, &cfg, &jobs, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = rc == -SB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
		goto out;
	}
	if (once) {
		struct jobs_counts counts = {0};
		if (jobs_run_due(jobs, &counts, &err) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err.message);
			rc = CLI_EXIT_FAILURE;
			goto out;
		}
		printf("mail: %d sent, %d to retry, %d failed\n", counts.sent, counts.retrying,
		       counts.failed);
		printf("timers: %d queued\n", counts.queued);
		printf("webhooks: %d delivered, %d to retry, %d failed\n",
		       counts.webhooks_delivered, counts.webhooks_retrying, counts.webhooks_failed);
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (jobs_start(jobs, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	char shown[256];
	printf("switchboard jobs: delivering mail through %s\n",
	       mail_smtp_url_redacted(cfg.smtp_url, shown, sizeof(shown)));
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	jobs_stop(jobs);
	rc = CLI_EXIT_OK;
out:
	jobs_free(jobs);
	arena_free(a);
	store_close(store);
	mail_global_cleanup();
	return rc;
}
