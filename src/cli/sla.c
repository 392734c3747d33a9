/*
 * `switchboard sla due`: the due instant of a request, as SLA.md's
 * "The command" specifies. Each calendar part is parsed on its own so that
 * an error names the flag that carried it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/calendar.h"
#include "core/sla.h"
#include "util/rfc3339.h"
#include "util/tz.h"

static const char due_help[] =
	"usage: switchboard sla due --priority standard|emergency --created RFC3339\n"
	"                           [--timezone ZONE] [--hours SPEC] [--holidays LIST]\n"
	"\n"
	"Prints the first-response due instant (UTC, RFC 3339) of a request created\n"
	"at --created, on the business calendar given by the other flags.\n"
	"\n"
	"  --priority  standard (one business day) or emergency (one hour)\n"
	"  --created   RFC 3339 with seconds and Z or an offset: 2026-11-23T10:00:00-05:00\n"
	"  --timezone  IANA zone (default " CALENDAR_DEFAULT_ZONE ")\n"
	"  --hours     weekly hours spec (default '" CALENDAR_DEFAULT_HOURS "'), e.g.\n"
	"              'mon-thu 08:30-17:30; fri 08:30-13:00', 'sun-thu 08:00-17:00', '24x7'\n"
	"  --holidays  comma-separated local dates, '' for none (default: the US\n"
	"              holidays listed in docs/sla.md)\n"
	"\n"
	"Exit status: 0 printed the due instant; 2 bad input (one line on stderr).\n";

static const char sla_help[] =
	"usage: switchboard sla due [FLAGS]   (see switchboard sla due --help)\n";

static const char prog[] = "switchboard sla due";

static int sla_due_command(int argc, char **argv)
{
	const char *priority_s = NULL, *created_s = NULL, *zone_s = NULL, *hours_s = NULL,
		   *holidays_s = NULL;
	const struct cli_flag flags[] = {
		{"--priority", &priority_s}, {"--created", &created_s},   {"--timezone", &zone_s},
		{"--hours", &hours_s},       {"--holidays", &holidays_s},
	};
	struct sb_error err = {0};
	enum sla_priority priority;
	int64_t created, due;
	struct hours_week week;
	struct holidays holidays;
	struct tz_zone *zone = NULL;
	struct calendar *cal = NULL;
	int rc = cli_parse_flags(prog, argc, argv, flags, sizeof(flags) / sizeof(flags[0]),
				 due_help);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;

	if (!priority_s)
		return cli_bad_argument(prog, "--priority",
					"missing (expected standard or emergency)");
	if (!created_s)
		return cli_bad_argument(prog, "--created",
					"missing (expected RFC 3339 such as 2026-11-23T15:00:00Z)");
	if (sla_priority_parse(priority_s, &priority, &err) < 0)
		return cli_bad_argument(prog, "--priority", err.message);
	if (rfc3339_parse(created_s, &created, &err) < 0)
		return cli_bad_argument(prog, "--created", err.message);
	if (hours_parse(hours_s ? hours_s : CALENDAR_DEFAULT_HOURS, &week, &err) < 0)
		return cli_bad_argument(prog, "--hours", err.message);
	if (holidays_s) {
		if (holidays_parse(holidays_s, &holidays, &err) < 0)
			return cli_bad_argument(prog, "--holidays", err.message);
	} else {
		holidays_default(&holidays);
	}
	if ((rc = tz_zone_load(zone_s ? zone_s : CALENDAR_DEFAULT_ZONE, &zone, &err)) < 0) {
		holidays_done(&holidays);
		if (rc == -SB_ENOTFOUND || rc == -SB_EINVAL)
			return cli_bad_argument(prog, "--timezone", err.message);
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}
	rc = calendar_new(zone, &week, &holidays, &cal, &err);
	holidays_done(&holidays);
	if (rc < 0) {
		tz_zone_free(zone);
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return CLI_EXIT_FAILURE;
	}

	rc = sla_due(cal, priority, created, &due, &err);
	calendar_free(cal);
	char out[RFC3339_BUFSIZE];
	if (rc == 0 && rfc3339_format(due, out) < 0)
		rc = sb_error_set(&err, SB_ERANGE, "due instant past year 9999");
	if (rc < 0)
		return cli_bad_argument(prog, "--created", err.message);
	puts(out);
	return CLI_EXIT_OK;
}

int cli_sla(int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		fputs(sla_help, argc < 1 ? stderr : stdout);
		return argc < 1 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[0], "due") == 0)
		return sla_due_command(argc - 1, argv + 1);
	fprintf(stderr, "switchboard sla: unknown command '%.60s' (expected due)\n", argv[0]);
	return CLI_EXIT_USAGE;
}
