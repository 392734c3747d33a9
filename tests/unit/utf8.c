/* Tests for src/util/utf8.c: strict UTF-8 (RFC 3629) and code point counts. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/utf8.h"

#define VALID(lit)   cr_assert(utf8_valid(lit, sizeof(lit) - 1), "%s refused", #lit)
#define INVALID(lit) cr_assert_not(utf8_valid(lit, sizeof(lit) - 1), "%s accepted", #lit)

Test(utf8, ascii_and_the_empty_string_are_valid)
{
	VALID("");
	VALID("hello, world ~\x7f");
}

Test(utf8, every_sequence_length_is_accepted_at_its_bounds)
{
	VALID("\xc2\x80");         /* U+0080, first two-byte */
	VALID("\xdf\xbf");         /* U+07FF */
	VALID("\xe0\xa0\x80");     /* U+0800, first three-byte */
	VALID("\xed\x9f\xbf");     /* U+D7FF, just below the surrogates */
	VALID("\xee\x80\x80");     /* U+E000, just above */
	VALID("\xef\xbf\xbf");     /* U+FFFF */
	VALID("\xf0\x90\x80\x80"); /* U+10000, first four-byte */
	VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
	VALID("Espa\xc3\xb1ol \xe2\x82\xac \xf0\x9f\x98\x80");
}

Test(utf8, overlong_encodings_are_refused)
{
	INVALID("\xc0\xaf"); /* '/' in two bytes */
	INVALID("\xc1\xbf");
	INVALID("\xe0\x80\xaf");     /* '/' in three bytes */
	INVALID("\xe0\x9f\xbf");     /* U+07FF in three bytes */
	INVALID("\xf0\x80\x80\xaf"); /* '/' in four bytes */
	INVALID("\xf0\x8f\xbf\xbf"); /* U+FFFF in four bytes */
}

Test(utf8, surrogates_are_refused)
{
	INVALID("\xed\xa0\x80");             /* U+D800 */
	INVALID("\xed\xbf\xbf");             /* U+DFFF */
	INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* a CESU-8 pair */
}

Test(utf8, code_points_past_u10ffff_are_refused)
{
	INVALID("\xf4\x90\x80\x80"); /* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("\xf8\x88\x80\x80\x80"); /* old five-byte form */
	INVALID("\xfe");
	INVALID("\xff");
}

Test(utf8, truncated_and_stray_bytes_are_refused)
{
	INVALID("\xc3");
	INVALID("\xe2\x82");
	INVALID("\xf0\x9f\x98");
	INVALID("a\x80");    /* a lone continuation byte */
	INVALID("\xc3\x28"); /* lead byte then ASCII */
	INVALID("\xe2\x28\xa1");
	INVALID("\xf0\x9f\x98\x28");
}

Test(utf8, nul_bytes_are_refused)
{
	INVALID("a\0b");
	INVALID("\0");
}

Test(utf8, length_bounds_the_scan)
{
	const char s[] = "ab\xc3\xb1";
	cr_assert(utf8_valid(s, 2));
	/* Cutting a sequence in half makes it invalid. */
	cr_assert_not(utf8_valid(s, 3));
	cr_assert(utf8_valid(s, 4));
	/* Bytes after LEN are not looked at, even a NUL. */
	cr_assert(utf8_valid("ab\0", 2));
}

Test(utf8, chars_counts_code_points_not_bytes)
{
	cr_assert_eq(utf8_chars("", 0), 0);
	cr_assert_eq(utf8_chars("abc", 3), 3);
	const char s[] = "Espa\xc3\xb1ol \xe2\x82\xac \xf0\x9f\x98\x80";
	cr_assert_eq(utf8_chars(s, strlen(s)), 11);
	cr_assert_eq(utf8_chars("\xf4\x8f\xbf\xbf", 4), 1);
}

Test(utf8, chars_on_invalid_input_never_exceeds_the_length)
{
	cr_assert_eq(utf8_chars("\x80\x80\x80", 3), 0);
	cr_assert_eq(utf8_chars("\xc3", 1), 1);
	cr_assert_leq(utf8_chars("\xff\xfe", 2), 2);
}
