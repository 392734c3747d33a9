/*
 * The command line: main() dispatches to one function per subcommand.
 *
 * Exit statuses follow one rule everywhere: 0 success, 2 bad usage or bad
 * input (one line on stderr naming the argument, nothing on stdout), 1 a
 * failure that is not the caller's fault.
 */
#ifndef SB_CLI_CLI_H
#define SB_CLI_CLI_H

#include <signal.h>
#include <stddef.h>

#include "store/store.h"

enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,
	CLI_EXIT_USAGE = 2,
};

/* A --name VALUE (or --name=VALUE) flag; *value stays NULL when absent. */
struct cli_flag {
	const char *name; /* with the leading dashes: "--created" */
	const char **value;
};

/*
 * Reads ARGV (flags only, no positional arguments) into FLAGS. On a bad
 * argument prints "PROG: ..." on stderr and returns CLI_EXIT_USAGE; returns
 * -1 after printing HELP on stdout for --help/-h; 0 otherwise.
 */
int cli_parse_flags(const char *prog, int argc, char **argv, const struct cli_flag *flags,
		    size_t nflags, const char *help);

/* Prints "PROG: FLAG: MESSAGE" on stderr as one line and returns CLI_EXIT_USAGE. */
int cli_bad_argument(const char *prog, const char *flag, const char *message);

/*
 * Opens data directory DATA_DIR (NULL: ./var) for command PROG, migrated to
 * this binary's schema, with its database on PostgreSQL when DATABASE (a
 * --database flag; NULL: $SWITCHBOARD_DATABASE) is a postgres:// URL.
 * Prints why on failure and returns the exit status.
 */
int cli_open_data(const char *prog, const char *data_dir, const char *database, struct store **out);

/* The database to use: the --database FLAG, else $SWITCHBOARD_DATABASE, else NULL (SQLite). */
const char *cli_database(const char *flag);

/*
 * For the long-running commands (serve, jobs): blocks SIGTERM and SIGINT in
 * this thread (and the threads it starts later), to be taken by sigwait()
 * on *STOP, and ignores SIGPIPE (a peer gone mid-write is an error, not a
 * death).
 */
void cli_block_stop_signals(sigset_t *stop);

int cli_sla(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_jobs(int argc, char **argv);
int cli_mailgate(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_import(int argc, char **argv);

/* The configured business calendar (settings, else the default); *out is the caller's. */
struct calendar;
int cli_load_calendar(struct store *store, struct calendar **out, struct sb_error *err);

/*
 * The mail settings into CFG (smtp_url, mail_from; NULL when not set): the
 * SMTP URL from SMTP_FLAG, else $SWITCHBOARD_SMTP_URL, else the smtp_url
 * setting; the sender from $SWITCHBOARD_MAIL_FROM, else the mail_from
 * setting; the address mail links to (public_url) from
 * $SWITCHBOARD_PUBLIC_URL, else the public_url setting. Strings in A or
 * borrowed from the flag and the environment.
 */
struct jobs_config;
int cli_mail_config(struct store *store, const char *smtp_flag, struct arena *a,
		    struct jobs_config *cfg, struct sb_error *err);

#endif
