/*
 * Flag parsing shared by the subcommands. Deliberately small: every flag
 * takes a value, and a flag given twice is an error rather than a silent
 * "last one wins", so a mistyped script fails loudly.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_bad_argument(const char *prog, const char *flag, const char *message)
{
	/* One line, always: a message must not smuggle in a line break. */
	fprintf(stderr, "%s: %s: ", prog, flag);
	for (const char *p = message; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, stderr);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

int cli_parse_flags(const char *prog, int argc, char **argv, const struct cli_flag *flags,
		    size_t nflags, const char *help)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(help, stdout);
			return -1;
		}
		const char *eq = strchr(arg, '=');
		size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct cli_flag *flag = NULL;
		for (size_t f = 0; f < nflags; f++)
			if (strlen(flags[f].name) == name_len &&
			    strncmp(flags[f].name, arg, name_len) == 0)
				flag = &flags[f];
		if (!flag) {
			fprintf(stderr, "%s: unknown argument '%.60s' (see --help)\n", prog, arg);
			return CLI_EXIT_USAGE;
		}
		if (*flag->value)
			return cli_bad_argument(prog, flag->name, "given twice");
		if (eq) {
			*flag->value = eq + 1;
		} else if (i + 1 < argc) {
			*flag->value = argv[++i];
		} else {
			return cli_bad_argument(prog, flag->name, "needs a value");
		}
	}
	return 0;
}
