/*
 * Holidays: local dates with no working time.
 *
 * A set is a sorted list of explicit dates, optionally joined by the default
 * rule set, so that the default calendar needs no yearly upkeep. The default
 * (documented in docs/sla.md) is the six holidays that US businesses close
 * for: New Year's Day, Memorial Day, Independence Day, Labor Day,
 * Thanksgiving and Christmas, with a Saturday date observed the Friday before
 * and a Sunday date the Monday after.
 */
#ifndef SB_CORE_HOLIDAYS_H
#define SB_CORE_HOLIDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Most explicit dates a set holds: fifteen years of every weekday. */
#define HOLIDAYS_MAX 4000

struct holidays {
	int64_t *days; /* day numbers (civil.h), sorted, unique; owned */
	size_t count;
	bool us_default; /* the six rule-based US holidays, every year */
};

/*
 * Parses LIST, comma-separated YYYY-MM-DD dates (spaces around commas
 * allowed; an empty or blank string is the empty set), into *out, which the
 * caller releases with holidays_done(). Errors are -SB_EINVAL naming the
 * bad date, or -SB_ENOMEM.
 */
int holidays_parse(const char *list, struct holidays *out, struct sb_error *err);

/* The default set: no explicit dates, the US rules on. Owns nothing. */
void holidays_default(struct holidays *out);

/* Copies SRC into *dst (caller's, released with holidays_done()). */
int holidays_copy(struct holidays *dst, const struct holidays *src);

/* Whether local day number DAY is a holiday. */
bool holidays_contains(const struct holidays *h, int64_t day);

/* Releases what *h owns and empties it; accepts an empty set. */
void holidays_done(struct holidays *h);

#endif
