/*
 * RFC 3339 timestamps (the profile of ISO 8601 used on the wire).
 *
 * Parsing accepts exactly "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", with
 * 't' and 'z' also in lower case as RFC 3339 section 5.6 allows. Seconds and
 * the offset are required: a time without an offset names no instant.
 * Fractions are accepted and dropped, which truncates toward the past (the
 * fraction is always added to the written second, whatever the offset).
 * Second 60 (a leap second) is refused: Unix time has no name for it.
 */
#ifndef SB_UTIL_RFC3339_H
#define SB_UTIL_RFC3339_H

#include <stdint.h>

#include "error.h"

/* Room for "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define RFC3339_BUFSIZE 21

/*
 * Parses S into Unix seconds in *out. Malformed input is -SB_EINVAL with a
 * message that says what was expected.
 */
int rfc3339_parse(const char *s, int64_t *out, struct sb_error *err);

/*
 * Writes instant T in UTC as "YYYY-MM-DDTHH:MM:SSZ" into BUF. Years outside
 * 0000..9999 are -SB_ERANGE; BUF then holds an empty string.
 */
int rfc3339_format(int64_t t, char buf[RFC3339_BUFSIZE]);

#endif
