/*
 * Weekly working hours: the spec strings of SLA.md.
 *
 *   SPEC  := "24x7" | RULE ( ";" RULE )*
 *   RULE  := DAYS " " RANGE ( " " RANGE )*
 *   DAYS  := ITEM ( "," ITEM )*
 *   ITEM  := DAY | DAY "-" DAY       a span may wrap the week ("fri-mon")
 *   RANGE := HH:MM "-" HH:MM         00:00 <= start < end <= 24:00
 *
 * Beyond the grammar: runs of spaces count as one, spaces around ';' and at
 * either end are allowed, and "mon-mon" is the single day Monday. A day named
 * twice anywhere in the spec, a day's ranges out of order or overlapping
 * (touching is fine: ranges are half-open), an unknown day, a malformed time
 * or an empty rule is an error.
 */
#ifndef SB_CORE_HOURS_H
#define SB_CORE_HOURS_H

#include <stdint.h>

#include "util/error.h"

/* A day can hold this many ranges; more is refused rather than truncated. */
#define HOURS_MAX_RANGES 48

/* Longest spec accepted, in bytes: the longest legitimate spec is far shorter. */
#define HOURS_MAX_SPEC 4096

#define HOURS_MINUTES_PER_DAY 1440

/* One range of a day, in minutes after local midnight; end may be 1440. */
struct hours_range {
	uint16_t start;
	uint16_t end;
};

/* Working ranges per weekday, index 0 = Monday ... 6 = Sunday, in order. */
struct hours_week {
	uint8_t count[7];
	struct hours_range ranges[7][HOURS_MAX_RANGES];
};

/* Parses SPEC into *out. Errors are -SB_EINVAL with a message naming the fault. */
int hours_parse(const char *spec, struct hours_week *out, struct sb_error *err);

/* The three-letter name of weekday DAY (0 = "mon"). */
const char *hours_day_name(int day);

#endif
