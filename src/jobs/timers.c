/* The notifications that time brings. */
#include "jobs/internal.h"

int jobs_timers_pass(struct jobs *j, struct store_conn *c, int64_t now, struct jobs_counts *counts,
		     struct sb_error *err)
{
	(void)j, (void)c, (void)now, (void)counts, (void)err;
	return 0;
}
