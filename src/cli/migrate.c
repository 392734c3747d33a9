/* `switchboard migrate`: bring a data directory's schema up to date. */
#include <stdio.h>

#include "cli.h"
#include "util/secret.h"

static const char help[] = "usage: switchboard migrate [--data DIR] [--database URL]\n"
			   "\n"
			   "Upgrades the database in DIR (default ./var) to this binary's schema,\n"
			   "each migration in its own transaction. Safe to run again.\n";

int cli_migrate(int argc, char **argv)
{
	static const char prog[] = "switchboard migrate";
	const char *data = NULL, *database = NULL;
	const struct cli_flag flags[] = {{"--data", &data}, {"--database", &database}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 2, help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;

	struct sb_error err = {0};
	struct store *store;
	int from = 0, to = 0;
	if (secret_init(&err) < 0 ||
	    store_open_database(data ? data : "./var", cli_database(database), &store, &err) < 0 ||
	    store_migrate(store, &from, &to, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}
	store_close(store);
	if (from == to)
		printf("schema at version %d; nothing to do\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	return CLI_EXIT_OK;
}
