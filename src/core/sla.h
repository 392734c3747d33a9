/*
 * First-response targets: the rules of SLA.md on top of a business calendar.
 *
 * Emergency: created + 1 hour, round the clock. Standard, created inside a
 * working span: the instant at which 9 working hours have elapsed. Standard,
 * created outside: the start of the next working span.
 */
#ifndef SB_CORE_SLA_H
#define SB_CORE_SLA_H

#include <stdint.h>

#include "core/calendar.h"
#include "util/error.h"

enum sla_priority {
	SLA_PRIORITY_STANDARD,
	SLA_PRIORITY_EMERGENCY,
};

/* One business day of the seed's calendar: 9:00 to 18:00. */
#define SLA_STANDARD_WORKING_SECONDS (540 * 60)
#define SLA_EMERGENCY_SECONDS        (60 * 60)

/* Creation instants outside [1900-01-01, 10000-01-01) UTC are refused. */
#define SLA_MIN_INSTANT INT64_C(-2208988800)
#define SLA_MAX_INSTANT INT64_C(253402300800)

/* "standard" or "emergency"; anything else is -SB_EINVAL. */
int sla_priority_parse(const char *s, enum sla_priority *out, struct sb_error *err);

const char *sla_priority_name(enum sla_priority priority);

/*
 * The first-response due instant of a request of PRIORITY created at CREATED
 * (Unix seconds), on CAL. -SB_ERANGE for a creation time outside the
 * supported years or a calendar without working time for a century.
 */
int sla_due(struct calendar *cal, enum sla_priority priority, int64_t created, int64_t *due_out,
	    struct sb_error *err);

#endif
