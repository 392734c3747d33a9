/* `switchboard user add`: create an account from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/account.h"
#include "util/secret.h"

static const char help[] =
	"usage: switchboard user add --email E --name N --role R --password P\n"
	"                            [--org ID] [--teams KEY,KEY] [--language en|es] [--data DIR]\n"
	"                            [--database URL]\n"
	"\n"
	"Creates a user. Roles: admin, lead, agent, account-rep, contact (a contact\n"
	"needs --org). Agents and leads may be put in teams: anti-malvertising,\n"
	"app-support, ad-quality, client-services, inventory-quality.\n";

static int user_add(int argc, char **argv)
{
	static const char prog[] = "switchboard user add";
	const char *email = NULL, *name = NULL, *role_s = NULL, *password = NULL, *org_s = NULL,
		   *teams = NULL, *language = NULL, *data = NULL, *database = NULL;
	const struct cli_flag flags[] = {
		{"--email", &email},       {"--name", &name}, {"--role", &role_s},
		{"--password", &password}, {"--org", &org_s}, {"--teams", &teams},
		{"--language", &language}, {"--data", &data}, {"--database", &database},
	};
	int rc = cli_parse_flags(prog, argc, argv, flags, sizeof(flags) / sizeof(flags[0]), help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;

	struct sb_error err = {0};
	enum account_role role;
	if (!email || account_email_check(email, &err) < 0)
		return cli_bad_argument(prog, "--email", email ? err.message : "missing");
	if (!name || account_name_check(name, &err) < 0)
		return cli_bad_argument(prog, "--name", name ? err.message : "missing");
	if (!role_s || account_role_parse(role_s, &role, &err) < 0)
		return cli_bad_argument(prog, "--role", role_s ? err.message : "missing");
	if (!password || account_password_check(password, &err) < 0)
		return cli_bad_argument(prog, "--password", password ? err.message : "missing");
	if (language && account_language_check(language, &err) < 0)
		return cli_bad_argument(prog, "--language", err.message);
	int64_t org_id = 0;
	if (org_s) {
		char *end;
		long long v = strtoll(org_s, &end, 10);
		if (*org_s == '\0' || *end != '\0' || v <= 0)
			return cli_bad_argument(prog, "--org", "expected an organization id");
		org_id = v;
	}
	if ((role == ACCOUNT_ROLE_CONTACT) != (org_id != 0))
		return cli_bad_argument(prog, "--org",
					role == ACCOUNT_ROLE_CONTACT
						? "a contact belongs to an organization"
						: "only contacts belong to an organization");

	struct store *store;
	if ((rc = cli_open_data(prog, data, database, &store)) != 0)
		return rc;
	char hash[SECRET_PWHASH_SIZE];
	struct store_conn *c;
	int64_t id;
	struct store_user u = {.email = email,
			       .name = name,
			       .role = account_role_name(role),
			       .org_id = org_id,
			       .password_hash = hash,
			       .language = language ? language : "en",
			       .created_at = (int64_t)time(NULL)};
	if ((rc = secret_password_hash(password, hash, &err)) < 0 ||
	    (rc = store_conn(store, &c, &err)) < 0 || (rc = store_write_begin(c, &err)) < 0)
		goto out;
	if ((rc = store_user_insert(c, &u, &id, &err)) < 0)
		goto rollback;
	for (const char *t = teams; t && *t;) {
		const char *comma = strchr(t, ',');
		size_t n = comma ? (size_t)(comma - t) : strlen(t);
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(n < 63 ? n : 63), t);
		if ((rc = store_user_team_add(c, id, key, &err)) < 0) {
			rc = sb_error_set(&err, SB_EINVAL, "--teams: unknown team '%s'", key);
			goto rollback;
		}
		t = comma ? comma + 1 : t + n;
	}
	if ((rc = store_write_commit(c, &err)) < 0)
		goto out;
	struct store_user saved;
	struct arena *a = arena_new();
	if (a && store_user_get(c, id, a, &saved, NULL) == 0)
		printf("user %lld created: %s (%s)\n", (long long)id, saved.email, saved.role);
	arena_free(a);
	store_close(store);
	return CLI_EXIT_OK;
rollback:
	store_write_rollback(c);
out:
	store_close(store);
	fprintf(stderr, "%s: %s\n", prog, err.message);
	return rc == -SB_ECONFLICT || rc == -SB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

int cli_user(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add(argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		fputs(help, stdout);
		return CLI_EXIT_OK;
	}
	fputs(help, stderr);
	return CLI_EXIT_USAGE;
}
