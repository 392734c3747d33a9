/*
 * Time zones: IANA zones read from the system's TZif files, and the POSIX
 * TZ strings those files end with.
 *
 * We read /usr/share/zoneinfo ourselves because the ICU that Debian ships
 * carries stale rules while the tzdata package is kept current. Results agree
 * to the second with Python's zoneinfo, which reads the same files; where
 * the two would differ (inputs no real zone has), RFC 8536 decides and the
 * differences are listed in tz.c.
 *
 * Rules this module keeps:
 * - A struct tz_zone is immutable once created, so one zone may be shared by
 *   any number of threads without locks. Lookups allocate nothing and never
 *   consult the C library's TZ, locale or localtime().
 * - Instants are Unix seconds (int64_t); offsets are seconds east of UTC, so
 *   local = utc + offset. Lookups are O(log n) in the number of transitions.
 * - Results are exact for years 1900..9999 and stay well defined (no
 *   overflow, no trap) for any int64_t; beyond roughly +-500,000 years the
 *   offset in force at that edge is used.
 */
#ifndef SB_UTIL_TZ_H
#define SB_UTIL_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct tz_zone; /* opaque, immutable after creation: safe to share between threads */

/*
 * Parses a TZif file (RFC 8536, versions 1 to 4; for v2+ the 64-bit body and
 * the footer). NAME is copied and kept for tz_zone_name(). On success *out is
 * the caller's, freed with tz_zone_free(). Bad data: -SB_EINVAL with a message.
 * Files with leap-second records ("right/" zones) are refused with -SB_EINVAL.
 */
int tz_zone_parse(const unsigned char *data, size_t len, const char *name, struct tz_zone **out,
		  struct sb_error *err);

/*
 * Loads IANA zone NAME from $TZDIR, else /usr/share/zoneinfo. NAME must look
 * like an IANA name: letters, digits, '/', '_', '-', '+', no leading '/', no
 * empty, "." or ".." component, at most 255 bytes. Anything else, or a name
 * with no TZif file behind it, is -SB_ENOTFOUND ("unknown time zone 'Foo/Bar'").
 * A TZif file that is corrupt is -SB_EINVAL; a failing read is -SB_EIO.
 * Files over 1 MiB are refused.
 */
int tz_zone_load(const char *name, struct tz_zone **out, struct sb_error *err);

/*
 * A zone that follows POSIX TZ string TZSTRING alone ("EST5EDT,M3.2.0,M11.1.0",
 * "<+0330>-3:30"), with the RFC 8536 extensions (transition times of
 * -167..167 hours, DST all year). NAME is copied as for tz_zone_parse().
 * A malformed string is -SB_EINVAL.
 */
int tz_zone_parse_posix(const char *tzstring, const char *name, struct tz_zone **out,
			struct sb_error *err);

void tz_zone_free(struct tz_zone *zone); /* accepts NULL */

const char *tz_zone_name(const struct tz_zone *zone); /* borrowed; lives as long as ZONE */

/* UTC offset in seconds (local = utc + offset) in force at instant T (Unix seconds). */
int32_t tz_offset_at(const struct tz_zone *zone, int64_t t);

/*
 * The UTC instant (Unix seconds) of local wall-clock time LOCAL, given as
 * seconds since 1970-01-01T00:00 local "as if it were UTC". A local time that
 * does not exist (a gap) or occurs twice (a fold) is read with the UTC offset
 * in force before the transition, as Python's zoneinfo does with fold=0.
 */
int64_t tz_local_to_utc(const struct tz_zone *zone, int64_t local);

#endif
