/*
 * Civil calendar arithmetic. The conversion counts 400-year eras (146097
 * days each) from 0000-03-01, so that the leap day falls at the end of the
 * counting year and month lengths follow a fixed 153-day pattern.
 */
#include "civil.h"

int64_t civil_days_from_date(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = civil_floor_div(y, 400);
	int64_t yoe = y - era * 400;                         /* 0..399 */
	int64_t mp = (m + 9) % 12;                           /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
	return era * 146097 + doe - 719468;                  /* 719468: 0000-03-01 to 1970-01-01 */
}

void civil_date_from_days(int64_t days, int64_t *y_out, int *m_out, int *d_out)
{
	days += 719468;
	int64_t era = civil_floor_div(days, 146097);
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y_out = yoe + era * 400 + (m <= 2);
	*m_out = m;
	*d_out = d;
}

int civil_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)civil_floor_mod(days + 3, 7);
}

bool civil_is_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int civil_days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && civil_is_leap_year(y) ? 29 : days[m - 1];
}
