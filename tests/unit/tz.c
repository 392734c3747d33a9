/*
 * Tests for src/util/tz.c and tz_posix.c: TZif parsing, zone loading, and
 * the offset and local-time lookups.
 *
 * Expected instants come from Python's zoneinfo reading the same system
 * tzdata (2025b), unless a comment says otherwise:
 *   offset: python3 -c 'import zoneinfo, datetime as d; z = zoneinfo.ZoneInfo(ZONE);
 *           print(d.datetime.fromtimestamp(T, z).utcoffset().total_seconds())'
 *   local:  L = (d.datetime(Y, M, D, h, m, s) - d.datetime(1970, 1, 1)).total_seconds();
 *           UTC = L - d.datetime(Y, M, D, h, m, s, tzinfo=z).utcoffset().total_seconds()
 * Values for POSIX strings that no zone uses come from glibc, which follows
 * POSIX for the Jn and n forms where zoneinfo 3.11 does not:
 *   TZ=STRING python3 -c 'import time; print(time.localtime(T).tm_gmtoff)'
 * Should a future tzdata change a rule for the years tested, update the values.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tz.h"

static struct tz_zone *load(const char *name)
{
	struct tz_zone *zone = NULL;
	struct sb_error err = {0};
	int rc = tz_zone_load(name, &zone, &err);
	cr_assert_eq(rc, 0, "loading %s: %s", name, err.message);
	return zone;
}

static struct tz_zone *posix(const char *tzstring)
{
	struct tz_zone *zone = NULL;
	struct sb_error err = {0};
	int rc = tz_zone_parse_posix(tzstring, tzstring, &zone, &err);
	cr_assert_eq(rc, 0, "parsing %s: %s", tzstring, err.message);
	return zone;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	static unsigned char buf[64 * 1024];
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unsigned char *copy = malloc(*len + 1);
	memcpy(copy, buf, *len);
	return copy;
}

static int parse(const unsigned char *data, size_t len, struct sb_error *err)
{
	struct tz_zone *zone = NULL;
	int rc = tz_zone_parse(data, len, "test", &zone, err);
	tz_zone_free(zone);
	return rc;
}

/* Macros rather than functions so that a failure names the line of the case. */
#define assert_local(zone, local, want)                                                            \
	cr_assert_eq(tz_local_to_utc(zone, local), (int64_t)(want), "local %lld",                  \
		     (long long)(local))
#define assert_offset(zone, t, want)                                                               \
	cr_assert_eq(tz_offset_at(zone, t), (int32_t)(want), "instant %lld", (long long)(t))

Test(tz, new_york_is_est_in_winter_and_edt_in_summer)
{
	struct tz_zone *ny = load("America/New_York");
	assert_offset(ny, INT64_C(1768478400), -18000); /* 2026-01-15T12:00Z */
	assert_offset(ny, INT64_C(1784116800), -14400); /* 2026-07-15T12:00Z */
	tz_zone_free(ny);
}

Test(tz, gap_is_read_with_offset_before)
{
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *madrid = load("Europe/Madrid");
	struct tz_zone *sydney = load("Australia/Sydney");
	assert_local(ny, INT64_C(1772937000), INT64_C(1772955000)); /* 2026-03-08 02:30 -> 07:30Z */
	assert_local(ny, INT64_C(1772935199), INT64_C(1772953199)); /* 01:59:59, last before gap */
	assert_local(ny, INT64_C(1772938800), INT64_C(1772953200)); /* 03:00, first after gap */
	assert_local(madrid, INT64_C(1774751400), INT64_C(1774747800)); /* 2026-03-29 02:30 CET */
	assert_local(sydney, INT64_C(1791081000), INT64_C(1791045000)); /* 2026-10-04 02:30 AEST */
	tz_zone_free(ny);
	tz_zone_free(madrid);
	tz_zone_free(sydney);
}

Test(tz, fold_is_read_with_offset_before)
{
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *madrid = load("Europe/Madrid");
	struct tz_zone *sydney = load("Australia/Sydney");
	assert_local(ny, INT64_C(1793496600), INT64_C(1793511000));     /* 2026-11-01 01:30 EDT */
	assert_local(ny, INT64_C(1793498399), INT64_C(1793512799));     /* 01:59:59 EDT */
	assert_local(madrid, INT64_C(1792895400), INT64_C(1792888200)); /* 2026-10-25 02:30 CEST */
	assert_local(sydney, INT64_C(1775356200), INT64_C(1775316600)); /* 2026-04-05 02:30 AEDT */
	tz_zone_free(ny);
	tz_zone_free(madrid);
	tz_zone_free(sydney);
}

Test(tz, wall_clock_past_the_fold_takes_the_new_offset)
{
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *madrid = load("Europe/Madrid");
	struct tz_zone *sydney = load("Australia/Sydney");
	assert_local(ny, INT64_C(1793498400), INT64_C(1793516400)); /* 2026-11-01 02:00 -> 07:00Z */
	assert_local(madrid, INT64_C(1792897200), INT64_C(1792893600)); /* 2026-10-25 03:00 CET */
	assert_local(sydney, INT64_C(1775358000), INT64_C(1775322000)); /* 2026-04-05 03:00 AEST */
	tz_zone_free(ny);
	tz_zone_free(madrid);
	tz_zone_free(sydney);
}

Test(tz, offset_changes_at_the_exact_transition_second)
{
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *madrid = load("Europe/Madrid");
	assert_offset(ny, INT64_C(1772953199), -18000);   /* 2026-03-08T06:59:59Z */
	assert_offset(ny, INT64_C(1772953200), -14400);   /* 07:00:00Z */
	assert_offset(ny, INT64_C(1793512799), -14400);   /* 2026-11-01T05:59:59Z */
	assert_offset(ny, INT64_C(1793512800), -18000);   /* 06:00:00Z */
	assert_offset(madrid, INT64_C(1774745999), 3600); /* 2026-03-29T00:59:59Z */
	assert_offset(madrid, INT64_C(1774746000), 7200);
	assert_offset(madrid, INT64_C(1792889999), 7200); /* 2026-10-25T00:59:59Z */
	assert_offset(madrid, INT64_C(1792890000), 3600);
	tz_zone_free(ny);
	tz_zone_free(madrid);
}

Test(tz, lord_howe_moves_its_clocks_by_thirty_minutes)
{
	struct tz_zone *lh = load("Australia/Lord_Howe");
	assert_offset(lh, INT64_C(1768435200), 39600); /* 2026-01-15T00:00Z, +11 */
	assert_offset(lh, INT64_C(1784073600), 37800); /* 2026-07-15T00:00Z, +10:30 */
	/* 2026-10-04 02:00..02:30 does not exist; 02:15 reads at +10:30. */
	assert_local(lh, INT64_C(1791080100), INT64_C(1791042300));
	assert_local(lh, INT64_C(1791081000), INT64_C(1791041400)); /* 02:30 at +11 */
	/* 2026-04-05 01:30..02:00 happens twice; 01:45 reads at +11. */
	assert_local(lh, INT64_C(1775353500), INT64_C(1775313900));
	assert_local(lh, INT64_C(1775354400), INT64_C(1775316600)); /* 02:00 at +10:30 */
	tz_zone_free(lh);
}

Test(tz, dublin_negative_dst_gives_the_same_wall_clock)
{
	/* The data says IST (+1) is standard time and GMT a negative DST. */
	struct tz_zone *dublin = load("Europe/Dublin");
	assert_offset(dublin, INT64_C(1768435200), 0);                  /* 2026-01-15T00:00Z */
	assert_offset(dublin, INT64_C(1784073600), 3600);               /* 2026-07-15T00:00Z */
	assert_local(dublin, INT64_C(1774747800), INT64_C(1774747800)); /* 2026-03-29 01:30 gap */
	assert_local(dublin, INT64_C(1792891800), INT64_C(1792888200)); /* 2026-10-25 01:30 fold */
	assert_local(dublin, INT64_C(1792893600), INT64_C(1792893600)); /* 02:00 */
	tz_zone_free(dublin);
}

Test(tz, mexico_city_keeps_standard_time_after_2022)
{
	struct tz_zone *mx = load("America/Mexico_City");
	assert_offset(mx, INT64_C(1656676800), -18000); /* 2022-07-01T12:00Z, still DST */
	assert_offset(mx, INT64_C(1782907200), -21600); /* 2026-07-01T12:00Z */
	/* 2026-04-05 02:30 would be in a gap under the old rules; it is not. */
	assert_local(mx, INT64_C(1775356200), INT64_C(1775377800));
	tz_zone_free(mx);
}

Test(tz, footer_rule_governs_the_far_future)
{
	/* The file lists transitions to 2037; later years come from the footer. */
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *sydney = load("Australia/Sydney");
	assert_offset(ny, INT64_C(3802593600), -14400);               /* 2090-07-01T12:00Z */
	assert_offset(ny, INT64_C(16725268800), -18000);              /* 2500-01-01T12:00Z */
	assert_offset(ny, INT64_C(16740907200), -14400);              /* 2500-07-01T12:00Z */
	assert_offset(ny, INT64_C(253386403200), -14400);             /* 9999-07-01T00:00Z */
	assert_local(ny, INT64_C(16731455400), INT64_C(16731473400)); /* 2500-03-14 02:30 gap */
	assert_local(ny, INT64_C(16752015000), INT64_C(16752029400)); /* 2500-11-07 01:30 fold */
	assert_local(ny, INT64_C(16752016800), INT64_C(16752034800)); /* 2500-11-07 02:00 */
	assert_local(sydney, INT64_C(16733269800),
		     INT64_C(16733230200)); /* 2500-04-04 02:30 fold */
	assert_local(sydney, INT64_C(16748994600), INT64_C(16748958600)); /* 2500-10-03 02:30 gap */
	tz_zone_free(ny);
	tz_zone_free(sydney);
}

Test(tz, first_transition_from_local_mean_time_folds_238_seconds)
{
	/* 1883-11-18T17:00Z New York went from LMT (-4:56:02) to EST. */
	struct tz_zone *ny = load("America/New_York");
	assert_offset(ny, INT64_C(-2717650801), -17762);
	assert_offset(ny, INT64_C(-2717650800), -18000);
	assert_local(ny, INT64_C(-2717668800), INT64_C(-2717651038)); /* 12:00:00 LMT */
	assert_local(ny, INT64_C(-2717668562), INT64_C(-2717650562)); /* 12:03:58 EST */
	tz_zone_free(ny);
}

Test(tz, utc_is_offset_zero_at_every_instant)
{
	struct tz_zone *utc = load("UTC");
	const int64_t instants[] = {INT64_MIN,           -INT64_C(62135596800), 0,
				    INT64_C(1772953200), INT64_C(253402300799), INT64_MAX};
	for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
		assert_offset(utc, instants[i], 0);
		assert_local(utc, instants[i], instants[i]);
	}
	cr_assert_str_eq(tz_zone_name(utc), "UTC");
	tz_zone_free(utc);
}

Test(tz, extreme_instants_stay_defined)
{
	struct tz_zone *ny = load("America/New_York");
	struct tz_zone *sydney = load("Australia/Sydney");
	/* Before 1883 New York keeps LMT; ever after, the footer's rule. */
	assert_offset(ny, INT64_MIN, -17762);
	assert_local(ny, INT64_MIN, INT64_MIN + 17762);
	int32_t off = tz_offset_at(ny, INT64_MAX); /* the rule, some 557,000 years out */
	cr_assert(off == -18000 || off == -14400, "%d", off);
	cr_assert_eq(tz_local_to_utc(ny, INT64_MAX), INT64_MAX); /* saturates */
	off = tz_offset_at(sydney, INT64_MAX);
	cr_assert(off == 36000 || off == 39600, "%d", off);
	cr_assert_eq(tz_local_to_utc(sydney, INT64_MIN), INT64_MIN); /* saturates */
	tz_zone_free(ny);
	tz_zone_free(sydney);
}

Test(tz, zone_keeps_a_copy_of_its_name)
{
	char name[] = "Europe/Madrid";
	struct tz_zone *zone = load(name);
	name[0] = 'X';
	cr_assert_str_eq(tz_zone_name(zone), "Europe/Madrid");
	tz_zone_free(zone);
	tz_zone_free(NULL);
}

Test(tz, invalid_or_unknown_names_are_not_found)
{
	const char *names[] = {
		"../etc/passwd",  "/etc/x",         "",
		"Foo/Bar",        "America/",       "America//New_York",
		"America",        "./UTC",          "America/../UTC",
		"Europe/Madrid ", "Europe\\Madrid", "Europe/Madrid\n",
		"zone.tab",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct tz_zone *zone = (struct tz_zone *)1;
		struct sb_error err = {0};
		cr_assert_eq(tz_zone_load(names[i], &zone, &err), -SB_ENOTFOUND, "'%s'", names[i]);
		cr_assert_eq(err.code, SB_ENOTFOUND);
		cr_assert_eq(zone, (struct tz_zone *)1, "*out untouched on failure");
	}

	char longname[300];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	struct tz_zone *zone = NULL;
	cr_assert_eq(tz_zone_load(longname, &zone, NULL), -SB_ENOTFOUND);
}

Test(tz, unknown_name_message_names_the_zone)
{
	struct tz_zone *zone = NULL;
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_load("Foo/Bar", &zone, &err), -SB_ENOTFOUND);
	cr_assert_str_eq(err.message, "unknown time zone 'Foo/Bar'");
	cr_assert_eq(tz_zone_load("a\nb", &zone, &err), -SB_ENOTFOUND);
	cr_assert_str_eq(err.message, "unknown time zone 'a?b'", "kept to one line");
}

Test(tz, tzdir_overrides_the_default_directory)
{
	char dir[] = "/tmp/tz-test-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[256];
	size_t len;
	unsigned char *data = slurp("/usr/share/zoneinfo/Asia/Tokyo", &len);

	snprintf(path, sizeof(path), "%s/Test", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/Test/Zone", dir);
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes", dir);
	f = fopen(path, "wb");
	fputs("not a zone\n", f);
	fclose(f);

	setenv("TZDIR", dir, 1);
	struct tz_zone *zone = load("Test/Zone");
	assert_offset(zone, INT64_C(1784116800), 32400);
	tz_zone_free(zone);
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_load("America/New_York", &zone, &err), -SB_ENOTFOUND);
	cr_assert_eq(tz_zone_load("notes", &zone, &err), -SB_ENOTFOUND, "text file is no zone");
	cr_assert_eq(tz_zone_load("Test", &zone, &err), -SB_ENOTFOUND, "directory is no zone");

	unlink(path);
	snprintf(path, sizeof(path), "%s/Test/Zone", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/Test", dir);
	rmdir(path);
	rmdir(dir);
	free(data);
}

Test(tz, right_zones_with_leap_seconds_are_refused)
{
	struct tz_zone *zone = NULL;
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_load("right/America/New_York", &zone, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "leap-second") != NULL, "%s", err.message);
	cr_assert_null(zone);
}

Test(tz, every_truncation_of_a_real_file_is_rejected)
{
	const char *files[] = {"/usr/share/zoneinfo/America/New_York",
			       "/usr/share/zoneinfo/Etc/UTC"};
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		unsigned char *data = slurp(files[f], &len);
		struct sb_error err = {0};
		cr_assert_eq(parse(data, len, &err), 0, "%s", err.message);
		for (size_t cut = 0; cut < len; cut++) {
			cr_assert_eq(parse(data, cut, &err), -SB_EINVAL, "%s cut at %zu", files[f],
				     cut);
			cr_assert_eq(err.code, SB_EINVAL);
		}
		free(data);
	}
}

Test(tz, corrupt_headers_and_trailing_bytes_are_rejected)
{
	size_t len;
	unsigned char *data = slurp("/usr/share/zoneinfo/America/New_York", &len);
	struct sb_error err = {0};

	data[3] = 'F'; /* "TZiF" */
	cr_assert_eq(parse(data, len, &err), -SB_EINVAL);
	data[3] = 'f';
	data[4] = '5';
	cr_assert_eq(parse(data, len, &err), -SB_EINVAL);
	data[4] = '1';
	cr_assert_eq(parse(data, len, &err), -SB_EINVAL);
	data[4] = '2';
	data[len] = '\n';
	cr_assert_eq(parse(data, len + 1, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "trailing") != NULL, "%s", err.message);
	cr_assert_eq(parse(data, len, &err), 0);
	free(data);
}

/* A TZif file built to order: an empty v1 block (as zic -b slim writes),
 * then the 64-bit block and FOOTER. */
struct built {
	unsigned char data[4096];
	size_t len;
};

static void put32(struct built *b, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		b->data[b->len++] = (unsigned char)(v >> (8 * i));
}

static void put_header(struct built *b, char version, uint32_t leapcnt, uint32_t timecnt,
		       uint32_t typecnt, uint32_t charcnt)
{
	memcpy(b->data + b->len, "TZif", 4);
	b->data[b->len + 4] = (unsigned char)version;
	memset(b->data + b->len + 5, 0, 15);
	b->len += 20;
	put32(b, 0);
	put32(b, 0);
	put32(b, leapcnt);
	put32(b, timecnt);
	put32(b, typecnt);
	put32(b, charcnt);
}

static struct built build(char version, const int64_t *times, const unsigned char *indices,
			  size_t n, const int32_t *offsets, const unsigned char *isdst,
			  size_t types, const char *footer)
{
	struct built b = {.len = 0};
	put_header(&b, version, 0, 0, 0, 0);
	put_header(&b, version, 0, (uint32_t)n, (uint32_t)types, 4);
	for (size_t i = 0; i < n; i++) {
		put32(&b, (uint32_t)((uint64_t)times[i] >> 32));
		put32(&b, (uint32_t)times[i]);
	}
	for (size_t i = 0; i < n; i++)
		b.data[b.len++] = indices[i];
	for (size_t i = 0; i < types; i++) {
		put32(&b, (uint32_t)offsets[i]);
		b.data[b.len++] = isdst[i];
		b.data[b.len++] = 0;
	}
	memcpy(b.data + b.len, "XYZ", 4);
	b.len += 4;
	b.len += (size_t)snprintf((char *)b.data + b.len, sizeof(b.data) - b.len, "\n%s\n", footer);
	return b;
}

Test(tz, built_files_of_versions_2_to_4_parse)
{
	const int64_t times[] = {1000000000, 1020000000};
	const unsigned char indices[] = {1, 0};
	const int32_t offsets[] = {-18000, -14400};
	const unsigned char isdst[] = {0, 1};
	for (char v = '2'; v <= '4'; v++) {
		struct built b = build(v, times, indices, 2, offsets, isdst, 2, "");
		struct tz_zone *zone = NULL;
		struct sb_error err = {0};
		cr_assert_eq(tz_zone_parse(b.data, b.len, "built", &zone, &err), 0, "%s",
			     err.message);
		assert_offset(zone, 999999999, -18000);
		assert_offset(zone, 1000000000, -14400);
		assert_offset(zone, 1020000000, -18000);
		assert_offset(zone, INT64_MAX, -18000); /* empty footer: the last offset stays */
		tz_zone_free(zone);
	}
}

Test(tz, corrupt_data_blocks_are_rejected)
{
	const int32_t offsets[] = {-18000, -14400};
	const unsigned char isdst[] = {0, 1}, bad_dst[] = {0, 2};
	const int32_t big[] = {0, 93600}; /* 26 hours */
	const int64_t times[] = {1000, 2000}, unsorted[] = {2000, 2000};
	const unsigned char indices[] = {1, 0}, bad_index[] = {1, 2};
	struct sb_error err = {0};
	struct {
		struct built b;
		const char *why;
	} cases[] = {
		{build('2', times, indices, 2, offsets, isdst, 0, ""), "no types"},
		{build('2', unsorted, indices, 2, offsets, isdst, 2, ""), "not ascending"},
		{build('2', times, bad_index, 2, offsets, isdst, 2, ""), "type out of range"},
		{build('2', times, indices, 2, offsets, bad_dst, 2, ""), "dst flag 2"},
		{build('2', times, indices, 2, big, isdst, 2, ""), "offset of 26 hours"},
		{build('2', times, indices, 2, offsets, isdst, 2, "EST5EDT"), "DST without rule"},
		{build('2', times, indices, 2, offsets, isdst, 2, "EST5\nX"), "two footers"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(parse(cases[i].b.data, cases[i].b.len, &err), -SB_EINVAL, "%s",
			     cases[i].why);

	struct built leap = build('2', times, indices, 2, offsets, isdst, 2, "");
	leap.data[44 + 31] = 1; /* leapcnt of the second header */
	cr_assert_eq(parse(leap.data, leap.len, &err), -SB_EINVAL);

	struct built nofooter = build('2', times, indices, 2, offsets, isdst, 2, "");
	cr_assert_eq(parse(nofooter.data, nofooter.len - 1, &err), -SB_EINVAL);
	cr_assert_eq(parse(nofooter.data, nofooter.len - 2, &err), -SB_EINVAL);
}

Test(tz, version_1_file_uses_its_32_bit_data)
{
	/* Header, one transition at 1e9 to type 1, types EST and EDT. */
	struct built b = {.len = 0};
	put_header(&b, '\0', 0, 1, 2, 8);
	put32(&b, 1000000000);
	b.data[b.len++] = 1;
	put32(&b, (uint32_t)-18000);
	b.data[b.len++] = 0;
	b.data[b.len++] = 0;
	put32(&b, (uint32_t)-14400);
	b.data[b.len++] = 1;
	b.data[b.len++] = 4;
	memcpy(b.data + b.len, "EST\0EDT", 8);
	b.len += 8;

	struct tz_zone *zone = NULL;
	struct sb_error err = {0};
	cr_assert_eq(tz_zone_parse(b.data, b.len, "v1", &zone, &err), 0, "%s", err.message);
	assert_offset(zone, 999999999, -18000);
	assert_offset(zone, 1000000000, -14400);
	assert_local(zone, 1000000000 - 18000 + 1800, 1000000000 + 1800); /* in the gap */
	tz_zone_free(zone);
	cr_assert_eq(parse(b.data, b.len - 1, &err), -SB_EINVAL);
}

Test(tz, posix_rule_matches_the_zone_it_came_from)
{
	struct tz_zone *rule = posix("EST5EDT,M3.2.0,M11.1.0");
	assert_offset(rule, INT64_C(1772953199), -18000);
	assert_offset(rule, INT64_C(1772953200), -14400);
	assert_offset(rule, INT64_C(1793512799), -14400);
	assert_offset(rule, INT64_C(1793512800), -18000);
	assert_local(rule, INT64_C(1772937000), INT64_C(1772955000)); /* gap */
	assert_local(rule, INT64_C(1793496600), INT64_C(1793511000)); /* fold */
	assert_local(rule, INT64_C(1793498400), INT64_C(1793516400));
	tz_zone_free(rule);
}

Test(tz, posix_southern_rule_spans_the_new_year)
{
	struct tz_zone *rule = posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
	assert_offset(rule, INT64_C(1767225600), 39600);              /* 2026-01-01T00:00Z */
	assert_offset(rule, INT64_C(1784073600), 36000);              /* 2026-07-15T00:00Z */
	assert_local(rule, INT64_C(1775356200), INT64_C(1775316600)); /* Sydney's fold */
	assert_local(rule, INT64_C(1791081000), INT64_C(1791045000)); /* Sydney's gap */
	tz_zone_free(rule);
}

Test(tz, posix_fixed_offsets_with_quoted_names_and_minutes)
{
	struct tz_zone *tehran = posix("<+0330>-3:30");
	struct tz_zone *west = posix("<-0930>9:30");
	struct tz_zone *secs = posix("LMT+4:56:02");
	assert_offset(tehran, 0, 12600);
	assert_local(tehran, 12600, 0);
	assert_offset(west, INT64_C(1784073600), -34200);
	assert_offset(secs, 0, -17762);
	tz_zone_free(tehran);
	tz_zone_free(west);
	tz_zone_free(secs);
}

Test(tz, posix_dst_defaults_to_one_hour_ahead)
{
	struct tz_zone *rule = posix("CET-1CEST,M3.5.0,M10.5.0/3");
	assert_offset(rule, INT64_C(1784073600), 7200);
	tz_zone_free(rule);
}

Test(tz, posix_all_year_dst_never_leaves_dst)
{
	/* RFC 8536 3.3.1: DST from January 1 00:00 to December 31 24:00 plus
	 * the DST difference is DST all year; zoneinfo agrees (checked at each
	 * half hour around these new years). */
	const char *rules[] = {"EST5EDT,0/0,J365/25", "XXX3EDT4,0/0,J365/23"};
	const int64_t instants[] = {INT64_C(1704067200), INT64_C(1704085200), INT64_C(1735689600),
				    INT64_C(1767225600) + 3600 * 4, INT64_C(1784073600)};
	for (size_t r = 0; r < 2; r++) {
		struct tz_zone *zone = posix(rules[r]);
		for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
			assert_offset(zone, instants[i], -14400);
			assert_local(zone, instants[i], instants[i] + 14400);
		}
		tz_zone_free(zone);
	}
}

Test(tz, posix_julian_day_never_counts_february_29)
{
	/* glibc: J60 is March 1 and J59 February 28, even in 2024. */
	struct tz_zone *j60 = posix("AAA3BBB,J60/2,J300/2");
	struct tz_zone *j59 = posix("AAA3BBB,J59/2,J300/2");
	assert_offset(j60, INT64_C(1709269199), -10800); /* 2024-03-01T04:59:59Z */
	assert_offset(j60, INT64_C(1709269200), -7200);
	assert_offset(j59, INT64_C(1709096399), -10800); /* 2024-02-28T04:59:59Z */
	assert_offset(j59, INT64_C(1709096400), -7200);
	tz_zone_free(j60);
	tz_zone_free(j59);
}

Test(tz, posix_zero_based_day_counts_february_29)
{
	/* glibc: day 59 is February 29 in 2024 and March 1 in 2025; day 0 is
	 * January 1. */
	struct tz_zone *d59 = posix("AAA3BBB,59/2,300");
	struct tz_zone *d0 = posix("AAA3BBB,0/0,300");
	assert_offset(d59, INT64_C(1709182799), -10800); /* 2024-02-29T04:59:59Z */
	assert_offset(d59, INT64_C(1709182800), -7200);
	assert_offset(d59, INT64_C(1740805199), -10800); /* 2025-03-01T04:59:59Z */
	assert_offset(d59, INT64_C(1740805200), -7200);
	assert_offset(d0, INT64_C(1735700399), -10800); /* 2025-01-01T02:59:59Z */
	assert_offset(d0, INT64_C(1735700400), -7200);
	tz_zone_free(d59);
	tz_zone_free(d0);
}

Test(tz, posix_transition_times_reach_past_the_day)
{
	/* glibc and zoneinfo: Nuuk's -1 hour (Saturday 23:00), Gaza's 50 hours
	 * (Thursday + 2 days 02:00), and the 167-hour extremes. */
	struct tz_zone *nuuk = posix("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
	struct tz_zone *gaza = posix("EET-2EEST,M3.4.4/50,M10.4.4/50");
	struct tz_zone *wide = posix("AAA3BBB,M3.2.0/167,M11.1.0/-167");
	assert_offset(nuuk, INT64_C(1774745999), -7200); /* 2026-03-29T00:59:59Z */
	assert_offset(nuuk, INT64_C(1774746000), -3600);
	assert_offset(nuuk, INT64_C(1792889999), -3600); /* 2026-10-25T00:59:59Z */
	assert_offset(nuuk, INT64_C(1792890000), -7200);
	assert_offset(gaza, INT64_C(1774655999), 7200); /* 2026-03-27T23:59:59Z */
	assert_offset(gaza, INT64_C(1774656000), 10800);
	assert_offset(gaza, INT64_C(1792796399), 10800); /* 2026-10-23T22:59:59Z */
	assert_offset(gaza, INT64_C(1792796400), 7200);
	assert_offset(wide, INT64_C(1773539999), -10800); /* 2026-03-15T01:59:59Z */
	assert_offset(wide, INT64_C(1773540000), -7200);
	assert_offset(wide, INT64_C(1792897199), -7200); /* 2026-10-25T02:59:59Z */
	assert_offset(wide, INT64_C(1792897200), -10800);
	tz_zone_free(nuuk);
	tz_zone_free(gaza);
	tz_zone_free(wide);
}

Test(tz, posix_malformed_strings_are_rejected)
{
	const char *bad[] = {
		"",
		"EST",
		"ES5",
		"EST5EDT",
		"EST5EDT,M3.2.0",
		"EST5EDT,M13.1.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0",
		"EST5EDT,M3.2.7,M11.1.0",
		"EST5EDT,M3.2.0/168,M11.1.0",
		"EST5EDT,M3.2.0/-168,M11.1.0",
		"EST25",
		"EST5:60",
		"EST5EDT,J0,J365",
		"EST5EDT,366,1",
		"EST5EDT,M3.2.0,M11.1.0x",
		"EST5EDT,M3.2.0,M11.1.0,",
		"<EST5",
		"<E>5",
		"<E_T>5",
		"EST5 ",
		"EST5EDT4,,",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tz_zone *zone = NULL;
		struct sb_error err = {0};
		cr_assert_eq(tz_zone_parse_posix(bad[i], "x", &zone, &err), -SB_EINVAL, "'%s'",
			     bad[i]);
		cr_assert(strncmp(err.message, "TZ string: ", 11) == 0, "%s", err.message);
		cr_assert_null(zone);
	}
}
