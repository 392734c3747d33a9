/* The SLA rules; the calendar does the time arithmetic. */
#include "sla.h"

#include <stdint.h>
#include <string.h>

int sla_priority_parse(const char *s, enum sla_priority *out, struct sb_error *err)
{
	if (strcmp(s, "standard") == 0)
		*out = SLA_PRIORITY_STANDARD;
	else if (strcmp(s, "emergency") == 0)
		*out = SLA_PRIORITY_EMERGENCY;
	else {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_EINVAL,
				    "unknown priority '%s' (expected standard or emergency)",
				    sb_quote(q, s, SIZE_MAX));
	}
	return 0;
}

const char *sla_priority_name(enum sla_priority priority)
{
	return priority == SLA_PRIORITY_EMERGENCY ? "emergency" : "standard";
}

int sla_due(struct calendar *cal, enum sla_priority priority, int64_t created, int64_t *due_out,
	    struct sb_error *err)
{
	if (created < SLA_MIN_INSTANT || created >= SLA_MAX_INSTANT)
		return sb_error_set(err, SB_ERANGE,
				    "creation time outside the supported years 1900 to 9999");
	if (priority == SLA_PRIORITY_EMERGENCY) {
		*due_out = created + SLA_EMERGENCY_SECONDS;
		return 0;
	}

	/*
	 * Outside working hours the target is the next opening, not a full
	 * business day after it: adding zero working seconds lands there.
	 */
	int working, rc;
	if ((rc = calendar_is_working(cal, created, &working, err)) < 0)
		return rc;
	return calendar_add_working(cal, created, working ? SLA_STANDARD_WORKING_SECONDS : 0,
				    due_out, err);
}
