/*
 * TZif files (RFC 8536) and the lookups on the zones they describe.
 *
 * A zone keeps its transitions as three parallel arrays: the UTC instant of
 * each, the offset in force from it on, and its fold=0 wall-clock point,
 * t + max(offset before, offset after), the local time from which local
 * readings take the new offset. Lookups are binary searches on those arrays;
 * after the last transition the footer's POSIX rule (tz_posix.c) takes over.
 *
 * Where Python's zoneinfo parts ways with RFC 8536 or POSIX we follow them. No zone
 * in tzdata 2025b reaches these cases:
 * - before the first transition we use time type 0; zoneinfo uses the first
 *   type that is not DST;
 * - a file without transitions and without a footer uses type 0; zoneinfo
 *   uses the last type;
 * - the Jn and n date forms follow POSIX (as glibc does); zoneinfo (3.11)
 *   puts n one day early and J59 on February 29 in leap years;
 * - a footer transition whose UTC instant falls in another calendar year
 *   than its rule's (e.g. "M12.5.6/24" east of Greenwich) takes effect at
 *   that instant; zoneinfo looks only at the rules of the instant's own year.
 *
 * The parser checks every count and index against the data before use, so
 * any byte string is safe to hand it; it is fuzzed by tests/fuzz/tzif.c.
 */
#include "tz.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tz_private.h"

#define TZIF_HEADER_LEN  44
#define TZIF_TYPES_MAX   256 /* a transition names its type in one byte */
#define TZ_FILE_MAX      (1024 * 1024)
#define TZ_ZONE_NAME_MAX 255
#define TZ_DEFAULT_DIR   "/usr/share/zoneinfo"

struct tz_zone {
	char *name;
	size_t count;    /* transitions */
	int64_t *utc;    /* their instants, strictly ascending */
	int64_t *wall;   /* their fold=0 wall-clock points */
	int32_t *offset; /* the offset in force from each on */
	int32_t initial; /* the offset before the first */
	bool has_rule;   /* a footer governs the instants after the last */
	struct tz_rule rule;
};

struct tzif_header {
	int version; /* 1..4 */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64_signed(const unsigned char *p)
{
	uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);
	/* Conversion of an out-of-range unsigned value is implementation-defined;
	 * go through the two's-complement arithmetic explicitly instead. */
	return u <= INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

static int32_t be32_signed(const unsigned char *p)
{
	uint32_t u = be32(p);
	return u <= INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

static int64_t add_saturating(int64_t a, int32_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int bad(struct sb_error *err, const char *name, const char *what)
{
	char shown[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL, "time zone '%s': bad TZif data: %s",
			    sb_quote(shown, name, SIZE_MAX), what);
}

static int read_header(const unsigned char *data, size_t len, size_t at, struct tzif_header *h,
		       const char *name, struct sb_error *err)
{
	if (len - at < TZIF_HEADER_LEN)
		return bad(err, name, "truncated header");
	const unsigned char *p = data + at;
	if (memcmp(p, "TZif", 4) != 0)
		return bad(err, name, "no TZif magic");
	switch (p[4]) {
	case '\0': h->version = 1; break;
	case '2': h->version = 2; break;
	case '3': h->version = 3; break;
	case '4': h->version = 4; break;
	default: return bad(err, name, "unsupported version");
	}
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Bytes of the data block that H announces, with TIME_SIZE-byte times. */
static uint64_t block_length(const struct tzif_header *h, unsigned time_size)
{
	return (uint64_t)h->timecnt * (time_size + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

/*
 * Reads the data block at DATA + AT into ZONE (transitions and offsets), after
 * checking what RFC 8536 requires of it.
 */
static int read_block(const unsigned char *data, size_t len, size_t at, const struct tzif_header *h,
		      unsigned time_size, struct tz_zone *zone, const char *name,
		      struct sb_error *err)
{
	if (h->leapcnt != 0)
		return bad(err, name, "leap-second records are not supported (a right/ zone?)");
	if (h->typecnt == 0 || h->typecnt > TZIF_TYPES_MAX)
		return bad(err, name, "type count out of range");
	if (h->charcnt == 0)
		return bad(err, name, "no designations");
	if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
		return bad(err, name, "indicator count differs from type count");
	if (block_length(h, time_size) > len - at)
		return bad(err, name, "truncated data block");

	const unsigned char *times = data + at;
	const unsigned char *indices = times + (size_t)h->timecnt * time_size;
	const unsigned char *types = indices + h->timecnt;
	const unsigned char *chars = types + (size_t)h->typecnt * 6;
	int32_t offsets[TZIF_TYPES_MAX];

	for (uint32_t i = 0; i < h->typecnt; i++) {
		const unsigned char *type = types + (size_t)i * 6;
		offsets[i] = be32_signed(type);
		if (offsets[i] < TZ_OFFSET_MIN || offsets[i] > TZ_OFFSET_MAX)
			return bad(err, name, "UTC offset out of range");
		if (type[4] > 1)
			return bad(err, name, "DST flag neither 0 nor 1");
		if (type[5] >= h->charcnt || !memchr(chars + type[5], '\0', h->charcnt - type[5]))
			return bad(err, name, "designation out of range");
	}

	zone->initial = offsets[0];
	zone->count = h->timecnt;
	if (h->timecnt == 0)
		return 0;
	/* One block for the three arrays; the 8-byte ones come first. */
	size_t n = h->timecnt;
	zone->utc = malloc(n * (2 * sizeof(int64_t) + sizeof(int32_t)));
	if (!zone->utc)
		return sb_error_set(err, SB_ENOMEM, "out of memory reading time zone");
	zone->wall = zone->utc + n;
	zone->offset = (int32_t *)(zone->wall + n);

	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = times + i * time_size;
		int64_t t = time_size == 8 ? be64_signed(p) : be32_signed(p);
		if (i > 0 && t <= zone->utc[i - 1])
			return bad(err, name, "transition times not ascending");
		if (indices[i] >= h->typecnt)
			return bad(err, name, "transition type out of range");
		int32_t before = i > 0 ? zone->offset[i - 1] : zone->initial;
		int32_t after = offsets[indices[i]];
		zone->utc[i] = t;
		zone->offset[i] = after;
		zone->wall[i] = add_saturating(t, before > after ? before : after);
	}
	return 0;
}

/* The v2+ footer: a newline, a TZ string (maybe empty), a newline, the end. */
static int read_footer(const unsigned char *data, size_t len, size_t at, struct tz_zone *zone,
		       const char *name, struct sb_error *err)
{
	if (at >= len || data[at] != '\n')
		return bad(err, name, "missing footer");
	const unsigned char *start = data + at + 1;
	const unsigned char *nl = memchr(start, '\n', len - at - 1);
	if (!nl)
		return bad(err, name, "unterminated footer");
	if ((size_t)(nl - data) != len - 1)
		return bad(err, name, "trailing bytes after the footer");
	if (nl == start)
		return 0;

	struct sb_error sub;
	if (tz_rule_parse((const char *)start, (size_t)(nl - start), &zone->rule, &sub) < 0) {
		char shown[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_EINVAL, "time zone '%s': bad TZif footer: %s",
				    sb_quote(shown, name, SIZE_MAX), sub.message);
	}
	zone->has_rule = true;
	return 0;
}

static int zone_new(const char *name, struct tz_zone **out, struct sb_error *err)
{
	assert(name);
	struct tz_zone *zone = calloc(1, sizeof(*zone));
	size_t n = strlen(name);
	if (zone)
		zone->name = malloc(n + 1);
	if (!zone || !zone->name) {
		free(zone);
		return sb_error_set(err, SB_ENOMEM, "out of memory creating time zone");
	}
	memcpy(zone->name, name, n + 1);
	*out = zone;
	return 0;
}

int tz_zone_parse(const unsigned char *data, size_t len, const char *name, struct tz_zone **out,
		  struct sb_error *err)
{
	struct tzif_header h;
	struct tz_zone *zone = NULL;
	size_t at = 0;
	int rc;

	assert(name && (data || len == 0));
	if ((rc = read_header(data, len, at, &h, name, err)) < 0)
		return rc;
	at += TZIF_HEADER_LEN;
	if (h.version >= 2) {
		/* Readers of v2+ skip the 32-bit block: the 64-bit one repeats it. */
		int version = h.version;
		uint64_t skip = block_length(&h, 4);
		if (skip > len - at)
			return bad(err, name, "truncated version 1 block");
		at += (size_t)skip;
		if ((rc = read_header(data, len, at, &h, name, err)) < 0)
			return rc;
		if (h.version != version)
			return bad(err, name, "second header's version differs");
		at += TZIF_HEADER_LEN;
	}

	if ((rc = zone_new(name, &zone, err)) < 0)
		return rc;
	unsigned time_size = h.version >= 2 ? 8 : 4;
	if ((rc = read_block(data, len, at, &h, time_size, zone, name, err)) < 0)
		goto cleanup;
	at += (size_t)block_length(&h, time_size);
	if (h.version >= 2)
		rc = read_footer(data, len, at, zone, name, err);
	else if (at != len)
		rc = bad(err, name, "trailing bytes after the data block");

cleanup:
	if (rc < 0) {
		tz_zone_free(zone);
		return rc;
	}
	*out = zone;
	return 0;
}

int tz_zone_parse_posix(const char *tzstring, const char *name, struct tz_zone **out,
			struct sb_error *err)
{
	struct tz_rule rule;
	struct tz_zone *zone;
	int rc;

	assert(tzstring);
	if ((rc = tz_rule_parse(tzstring, strlen(tzstring), &rule, err)) < 0)
		return rc;
	if ((rc = zone_new(name, &zone, err)) < 0)
		return rc;
	zone->has_rule = true;
	zone->rule = rule;
	zone->initial = rule.std_offset;
	*out = zone;
	return 0;
}

void tz_zone_free(struct tz_zone *zone)
{
	if (!zone)
		return;
	free(zone->utc); /* the block that holds wall and offset too */
	free(zone->name);
	free(zone);
}

const char *tz_zone_name(const struct tz_zone *zone)
{
	return zone->name;
}

/* How many of the N ascending-or-not values in A are <= X, searched exactly
 * as Python's bisect_right does, so that even an unsorted wall-clock array
 * (transitions closer together than their offsets differ) reads the same. */
static size_t bisect_right(const int64_t *a, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x < a[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static struct tz_last last_of(const struct tz_zone *zone)
{
	struct tz_last last = {0};
	if (zone->count > 0) {
		last.set = true;
		last.t = zone->utc[zone->count - 1];
		last.offset = zone->offset[zone->count - 1];
	}
	return last;
}

int32_t tz_offset_at(const struct tz_zone *zone, int64_t t)
{
	size_t n = zone->count;
	if (n > 0 && t < zone->utc[0])
		return zone->initial;
	if (n == 0 || t > zone->utc[n - 1]) {
		struct tz_last last = last_of(zone);
		if (zone->has_rule)
			return tz_rule_offset_at(&zone->rule, &last, t);
		return n > 0 ? last.offset : zone->initial;
	}
	return zone->offset[bisect_right(zone->utc, n, t) - 1];
}

int64_t tz_local_to_utc(const struct tz_zone *zone, int64_t local)
{
	size_t n = zone->count;
	int32_t offset;
	if (n > 0 && local < zone->wall[0]) {
		offset = zone->initial;
	} else if (n == 0 || local > zone->wall[n - 1]) {
		struct tz_last last = last_of(zone);
		if (zone->has_rule)
			offset = tz_rule_local_offset(&zone->rule, &last, local);
		else
			offset = n > 0 ? last.offset : zone->initial;
	} else {
		size_t i = bisect_right(zone->wall, n, local);
		assert(i > 0); /* wall[0] <= local */
		offset = zone->offset[i - 1];
	}
	return add_saturating(local, -offset);
}

/* IANA names: letters, digits, '_', '-', '+', in '/'-separated components,
 * none empty. Without '.', no component can be "." or "..". */
static bool name_is_valid(const char *name)
{
	size_t len = strnlen(name, TZ_ZONE_NAME_MAX + 1);
	if (len == 0 || len > TZ_ZONE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		if (ch == '/') {
			if (i == 0 || name[i - 1] == '/' || i == len - 1)
				return false;
		} else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			     (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '+')) {
			return false;
		}
	}
	return true;
}

static int unknown(struct sb_error *err, const char *name)
{
	char shown[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_ENOTFOUND, "unknown time zone '%s'",
			    sb_quote(shown, name, SIZE_MAX));
}

/* Reads all of FD, up to TZ_FILE_MAX bytes, into a new buffer. */
static int read_all(int fd, const char *name, unsigned char **data_out, size_t *len_out,
		    struct sb_error *err)
{
	size_t cap = 16 * 1024, len = 0;
	unsigned char *data = malloc(cap);
	if (!data)
		return sb_error_set(err, SB_ENOMEM, "out of memory reading time zone '%s'", name);
	for (;;) {
		if (len == cap) {
			if (cap > TZ_FILE_MAX) {
				free(data);
				return sb_error_set(err, SB_EINVAL,
						    "time zone '%s': file larger than %d bytes",
						    name, TZ_FILE_MAX);
			}
			/* One byte past the cap tells a file of exactly the cap from a longer one.
			 */
			size_t grown = cap * 2 > TZ_FILE_MAX ? TZ_FILE_MAX + 1 : cap * 2;
			unsigned char *bigger = realloc(data, grown);
			if (!bigger) {
				free(data);
				return sb_error_set(err, SB_ENOMEM,
						    "out of memory reading time zone '%s'", name);
			}
			data = bigger;
			cap = grown;
		}
		ssize_t got = read(fd, data + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(data);
			return sb_error_set(err, SB_EIO, "cannot read time zone '%s': %s", name,
					    strerrordesc_np(e) ? strerrordesc_np(e) : "error");
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	*data_out = data;
	*len_out = len;
	return 0;
}

int tz_zone_load(const char *name, struct tz_zone **out, struct sb_error *err)
{
	char path[PATH_MAX];
	unsigned char *data = NULL;
	size_t len = 0;
	struct stat st;
	int fd, rc;

	assert(name);
	if (!name_is_valid(name))
		return unknown(err, name);
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = TZ_DEFAULT_DIR;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return unknown(err, name);

	/* O_NONBLOCK: a FIFO planted in the directory must not hang the caller. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG)
			return unknown(err, name);
		return sb_error_set(err, SB_EIO, "cannot open time zone '%s': %s", name,
				    strerrordesc_np(e) ? strerrordesc_np(e) : "error");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return unknown(err, name); /* "America" is a directory, not a zone */
	}
	rc = read_all(fd, name, &data, &len, err);
	close(fd);
	if (rc < 0)
		return rc;
	/* Files in the directory that are not TZif (leapseconds, SECURITY...)
	 * are not zones; corrupt TZif files are bad data. */
	if (len < 4 || memcmp(data, "TZif", 4) != 0)
		rc = unknown(err, name);
	else
		rc = tz_zone_parse(data, len, name, out, err);
	free(data);
	return rc;
}
