/*
 * What tz.c (TZif files, lookups) and tz_posix.c (POSIX TZ strings and the
 * rules they describe) share. Not for use outside src/util/tz*.c.
 */
#ifndef SB_UTIL_TZ_PRIVATE_H
#define SB_UTIL_TZ_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Where a rule puts a transition within a year. */
enum tz_date_kind {
	TZ_DATE_MONTH_WEEK_DAY, /* Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m */
	TZ_DATE_JULIAN,         /* Jn: day n of 1..365, February 29 never counted */
	TZ_DATE_ZERO_BASED,     /* n: day n of 0..365, February 29 counted */
};

struct tz_date {
	enum tz_date_kind kind;
	int month, week, weekday; /* TZ_DATE_MONTH_WEEK_DAY */
	int day;                  /* TZ_DATE_JULIAN, TZ_DATE_ZERO_BASED */
	int32_t time;             /* seconds after local midnight, -167h..167h */
};

/*
 * A POSIX TZ string. Offsets are seconds east of UTC (the string writes them
 * west: "EST5" is -18000 here). Without DST only std_offset matters.
 */
struct tz_rule {
	int32_t std_offset;
	bool has_dst;
	int32_t dst_offset;
	struct tz_date start; /* std -> dst, a wall time in standard time */
	struct tz_date end;   /* dst -> std, a wall time in daylight time */
};

/*
 * The last transition that a TZif file lists; a footer rule only governs the
 * instants after it (RFC 8536 section 3.3).
 */
struct tz_last {
	bool set;
	int64_t t;      /* UTC */
	int32_t offset; /* in force from t on */
};

/* Offsets the format allows: more than -25 hours and less than 26 (RFC 8536 3.2). */
#define TZ_OFFSET_MIN (-89999)
#define TZ_OFFSET_MAX 93599

/*
 * Parses the LEN bytes at S (no NUL needed, none allowed) as a TZ string into
 * *RULE. -SB_EINVAL with a message naming the byte at fault on bad input.
 */
int tz_rule_parse(const char *s, size_t len, struct tz_rule *rule, struct sb_error *err);

/* Offset RULE gives at UTC instant T, for T after LAST when LAST is set. */
int32_t tz_rule_offset_at(const struct tz_rule *rule, const struct tz_last *last, int64_t t);

/*
 * Offset with which RULE reads local time LOCAL (fold=0), for local times
 * after LAST's wall-clock point when LAST is set.
 */
int32_t tz_rule_local_offset(const struct tz_rule *rule, const struct tz_last *last, int64_t local);

#endif
