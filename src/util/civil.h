/*
 * Civil (proleptic Gregorian) calendar arithmetic on day numbers.
 *
 * A day number counts days since 1970-01-01 (day 0). These functions do no
 * time-zone work and never consult the C library's locale or TZ, so they are
 * safe from any thread. Valid for years -1000000..1000000.
 */
#ifndef SB_UTIL_CIVIL_H
#define SB_UTIL_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/* Day number of Y-M-D (M 1..12, D 1..31; not range-checked). */
int64_t civil_days_from_date(int64_t y, int m, int d);

/* The Y-M-D of day number DAYS. */
void civil_date_from_days(int64_t days, int64_t *y_out, int *m_out, int *d_out);

/* Day of the week of day number DAYS: 0 = Monday ... 6 = Sunday. */
int civil_weekday(int64_t days);

bool civil_is_leap_year(int64_t y);

/* Days in month M (1..12) of year Y. */
int civil_days_in_month(int64_t y, int m);

/* Floor division and the matching non-negative remainder. */
static inline int64_t civil_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t civil_floor_mod(int64_t a, int64_t b)
{
	return a - civil_floor_div(a, b) * b;
}

#define CIVIL_SECONDS_PER_DAY INT64_C(86400)

#endif
