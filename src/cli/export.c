/*
 * `switchboard export` and `switchboard import`: a whole deployment to and
 * from one portable stream (src/dump/dump.h, docs/operations.md). The
 * stream goes to stdout or comes from stdin by default, so stdout carries
 * nothing else during an export; the progress bar goes to stderr, and only
 * when stderr is a terminal.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dump/dump.h"
#include "util/secret.h"

static const char export_help[] =
	"usage: switchboard export [--data DIR] [--database URL] [--output FILE]\n"
	"\n"
	"Writes the whole deployment in DIR (default ./var), every table and every\n"
	"attachment, to FILE (default stdout) as a portable stream (JSON Lines; see\n"
	"docs/operations.md) that `switchboard import` loads into a new data\n"
	"directory, on any database engine. Reads one consistent snapshot: a server\n"
	"may keep running on DIR meanwhile. Shows progress on stderr when it is a\n"
	"terminal. --database (else $SWITCHBOARD_DATABASE) names a PostgreSQL\n"
	"database (postgres://...); DIR then holds the attachment files.\n";

static const char import_help[] =
	"usage: switchboard import [--data DIR] [--database URL] [--input FILE]\n"
	"\n"
	"Loads a stream written by `switchboard export` from FILE (default stdin)\n"
	"into DIR (default ./var), which must be new or empty (only the built-in\n"
	"teams and request types, which the stream replaces). The export must be of\n"
	"this binary's schema version. The whole stream is checked first (counts,\n"
	"blob hashes, the trailer), then loaded in one transaction with ids kept:\n"
	"a bad or truncated file imports nothing. Shows progress on stderr when it\n"
	"is a terminal. --database (else $SWITCHBOARD_DATABASE) names a PostgreSQL\n"
	"database (postgres://...) to load into; DIR then holds the attachment files.\n";

struct bar {
	bool on;
	const char *verb;
	const char *finished; /* the table whose line is complete: said once */
};

/* A bar per table, redrawn in place, ending in a line of its own. */
static void bar_draw(void *ctx, const char *name, int64_t done, int64_t total)
{
	struct bar *b = ctx;
	if (!b->on || (b->finished && strcmp(b->finished, name) == 0))
		return;
	enum { WIDTH = 30 };
	int filled = total > 0 ? (int)(done * WIDTH / total) : WIDTH;
	char bar[WIDTH + 1];
	memset(bar, '#', (size_t)filled);
	memset(bar + filled, '.', (size_t)(WIDTH - filled));
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r%s %-26s [%s] %lld/%lld", b->verb, name, bar, (long long)done,
		(long long)total);
	if (done == total) {
		fputc('\n', stderr);
		b->finished = name;
	}
	fflush(stderr);
}

int cli_export(int argc, char **argv)
{
	static const char prog[] = "switchboard export";
	const char *data = NULL, *output = NULL, *database = NULL;
	const struct cli_flag flags[] = {
		{"--data", &data}, {"--database", &database}, {"--output", &output}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 3, export_help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0)
		return rc;
	FILE *out = stdout;
	if (output && !(out = fopen(output, "w"))) {
		perror(output);
		store_close(store);
		return CLI_EXIT_FAILURE;
	}
	struct bar b = {.on = isatty(STDERR_FILENO), .verb = "export"};
	struct sb_error err = {0};
	struct dump_counts counts;
	rc = dump_export(store, out, bar_draw, &b, &counts, &err);
	store_close(store);
	if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		rc = sb_error_set(&err, SB_EIO, "cannot write %s", output ? output : "stdout");
	if (output && fclose(out) != 0 && rc == 0)
		rc = sb_error_set(&err, SB_EIO, "cannot write %s", output);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		if (output)
			unlink(output); /* a partial export must not pass for one */
		return CLI_EXIT_FAILURE;
	}
	if (output)
		printf("exported %lld rows in %lld tables and %lld attachment files to %s\n",
		       (long long)counts.rows, (long long)counts.tables, (long long)counts.blobs,
		       output);
	return CLI_EXIT_OK;
}

int cli_import(int argc, char **argv)
{
	static const char prog[] = "switchboard import";
	const char *data = NULL, *input = NULL, *database = NULL;
	const struct cli_flag flags[] = {
		{"--data", &data}, {"--database", &database}, {"--input", &input}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 3, import_help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	FILE *in = stdin;
	if (input && !(in = fopen(input, "r"))) {
		perror(input);
		return CLI_EXIT_USAGE;
	}
	/* Read twice (check, then load): a pipe is spooled to a temporary file first. */
	if (fseek(in, 0, SEEK_SET) < 0) {
		FILE *spool = tmpfile();
		char buf[65536];
		size_t n;
		while (spool && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, spool) != n) {
				fclose(spool);
				spool = NULL;
			}
		if (!spool || ferror(in) || fseek(spool, 0, SEEK_SET) < 0) {
			fprintf(stderr, "%s: cannot spool the input to a temporary file\n", prog);
			if (spool)
				fclose(spool);
			return CLI_EXIT_FAILURE;
		}
		in = spool;
	}
	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0) {
		if (in != stdin)
			fclose(in);
		return rc;
	}
	struct bar b = {.on = isatty(STDERR_FILENO), .verb = "import"};
	struct sb_error err = {0};
	struct dump_counts counts;
	rc = dump_import(store, in, bar_draw, &b, &counts, &err);
	store_close(store);
	if (in != stdin)
		fclose(in);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return rc == -SB_EINVAL || rc == -SB_ECONFLICT ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
	}
	printf("imported %lld rows in %lld tables and %lld attachment files\n",
	       (long long)counts.rows, (long long)counts.tables, (long long)counts.blobs);
	return CLI_EXIT_OK;
}
