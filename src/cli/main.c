/*
 * switchboard: the one binary. main() only dispatches; each subcommand lives
 * in its own file and returns its exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: switchboard [--help] [--version] <command> [<args>]\n"
	"\n"
	"Switchboard is a client-services desk: requests from customers' authorized\n"
	"contacts, routed to the right team, answered against business-hours targets.\n"
	"\n"
	"Commands:\n"
	"  serve         run the server (API, web app and, with an SMTP server, jobs)\n"
	"  jobs          run the background jobs alone (mail delivery)\n"
	"  migrate       upgrade a data directory's schema\n"
	"  export        write the whole deployment as a portable stream\n"
	"  import        load an export into a new data directory\n"
	"  user add      create an account\n"
	"  token create  create an API token for an account\n"
	"  sla due       when a request's first response is due (see sla due --help)\n"
	"  mailgate      take one mail on stdin onto its ticket (as an MTA pipes it)\n"
	"\n"
	"Documentation: README.md and docs/ in the source tree.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("switchboard %s\n", SB_VERSION);
		return CLI_EXIT_OK;
	}
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{"sla", cli_sla},           {"migrate", cli_migrate}, {"user", cli_user},
		{"token", cli_token},       {"serve", cli_serve},     {"jobs", cli_jobs},
		{"mailgate", cli_mailgate}, {"export", cli_export},   {"import", cli_import},
	};
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "switchboard: unknown command '%.60s' (see switchboard --help)\n", cmd);
	return CLI_EXIT_USAGE;
}
