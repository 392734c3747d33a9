/*
 * Opening a data directory for a command: the store, migrated to this
 * binary's schema. Every command that touches data goes through here, so a
 * fresh directory works with any of them and an old one is upgraded in
 * place (each migration in its own transaction).
 */
#include <stdio.h>

#include "cli.h"
#include "util/secret.h"

#define DEFAULT_DATA_DIR "./var"

int cli_open_data(const char *prog, const char *data_dir, struct store **out)
{
	struct sb_error err = {0};
	int rc;
	if ((rc = secret_init(&err)) < 0 ||
	    (rc = store_open(data_dir ? data_dir : DEFAULT_DATA_DIR, out, &err)) < 0) {
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
