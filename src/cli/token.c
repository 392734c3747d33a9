/*
 * `switchboard token create`: an API token for integrations. The token is
 * printed once, on the last line; only its hash is stored. It works at once,
 * also while a server runs on the same data directory (the server looks
 * tokens up in the database on every request).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util/secret.h"

static const char help[] = "usage: switchboard token create --email E [--label TEXT] [--data DIR]\n"
			   "                             [--database URL]\n"
			   "\n"
			   "Creates a bearer token acting as the user with email E and prints it\n"
			   "on the last line. Keep it: it is not shown again.\n";

static int token_create(int argc, char **argv)
{
	static const char prog[] = "switchboard token create";
	const char *email = NULL, *label = NULL, *data = NULL, *database = NULL;
	const struct cli_flag flags[] = {{"--email", &email},
					 {"--label", &label},
					 {"--data", &data},
					 {"--database", &database}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 4, help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (!email)
		return cli_bad_argument(prog, "--email", "missing");

	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0)
		return rc;
	struct sb_error err = {0};
	struct arena *a = arena_new();
	struct store_conn *c;
	struct store_user u;
	char token[SECRET_TOKEN_SIZE];
	unsigned char hash[SECRET_HASH_LEN];
	secret_token_new("sbt_", token);
	secret_token_hash(token, hash);
	if (!a) {
		rc = sb_error_set(&err, SB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = store_conn(store, &c, &err)) < 0)
		goto out;
	if ((rc = store_user_get_by_email(c, email, a, &u, &err)) < 0) {
		if (rc == -SB_ENOTFOUND)
			sb_error_set(&err, SB_ENOTFOUND, "--email: no user with this email");
		goto out;
	}
	if ((rc = store_write_begin(c, &err)) < 0)
		goto out;
	if ((rc = store_token_insert(c, u.id, hash, label, (int64_t)time(NULL), &err)) < 0) {
		store_write_rollback(c);
		goto out;
	}
	if ((rc = store_write_commit(c, &err)) < 0)
		goto out;
	printf("token for %s (%s), shown once:\n%s\n", u.email, u.role, token);
out:
	arena_free(a);
	store_close(store);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return rc == -SB_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cli_token(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "create") == 0)
		return token_create(argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		fputs(help, stdout);
		return CLI_EXIT_OK;
	}
	fputs(help, stderr);
	return CLI_EXIT_USAGE;
}
