/*
 * Opening a data directory for a command: the store, migrated to this
 * binary's schema. Every command that touches data goes through here, so a
 * fresh directory works with any of them and an old one is upgraded in
 * place (each migration in its own transaction). --database (or
 * $SWITCHBOARD_DATABASE) puts the database on PostgreSQL; the data
 * directory then keeps the attachments' files.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "util/secret.h"

#define DEFAULT_DATA_DIR "./var"

const char *cli_database(const char *flag)
{
	const char *env = getenv("SWITCHBOARD_DATABASE");
	if (flag)
		return flag;
	return env && *env ? env : NULL;
}

int cli_open_data(const char *prog, const char *data_dir, const char *database, struct store **out)
{
	struct sb_error err = {0};
	int rc;
	if ((rc = secret_init(&err)) < 0 ||
	    (rc = store_open_database(data_dir ? data_dir : DEFAULT_DATA_DIR,
				      cli_database(database), out, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}
	if ((rc = store_migrate(*out, NULL, NULL, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		store_close(*out);
		*out = NULL;
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

void cli_block_stop_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}
