/* Tests for src/jobs: the retry schedule. */
#include <criterion/criterion.h>

#include "jobs/jobs.h"

Test(jobs, the_first_retry_comes_within_30_seconds_then_doubles_to_15_minutes)
{
	static const int64_t expected[] = {30, 60, 120, 240, 480, 900, 900, 900};
	for (int i = 0; i < 8; i++)
		cr_assert_eq(jobs_retry_delay(i + 1), expected[i], "after attempt %d", i + 1);
	cr_assert_eq(jobs_retry_delay(1000000), JOBS_RETRY_MAX_S);
	cr_assert_eq(jobs_retry_delay(INT64_MAX), JOBS_RETRY_MAX_S);
	cr_assert_eq(jobs_retry_delay(0), JOBS_RETRY_FIRST_S);
}

Test(jobs, the_schedule_never_shrinks)
{
	for (int64_t n = 1; n < 100; n++)
		cr_assert_geq(jobs_retry_delay(n + 1), jobs_retry_delay(n));
}

Test(jobs, the_lease_outlasts_one_delivery)
{
	/* smtp.c gives a delivery at most 10 s to connect and 60 s in all. */
	cr_assert_gt(JOBS_LEASE_DEFAULT_S, 60);
}
