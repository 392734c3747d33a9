/* Webhook deliveries. */
#include "jobs/internal.h"

int jobs_webhooks_pass(struct jobs *j, struct store_conn *c, struct jobs_counts *counts,
		       struct sb_error *err)
{
	(void)j, (void)c, (void)counts, (void)err;
	return 0;
}
