/* Tests for src/util/error.c: codes, messages and quoting of outside text. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/error.h"

Test(error, set_records_the_code_and_returns_it_negated)
{
	struct sb_error err = {0};
	cr_assert_eq(sb_error_set(&err, SB_ENOTFOUND, "no %s %d", "ticket", 7), -SB_ENOTFOUND);
	cr_assert_eq(err.code, SB_ENOTFOUND);
	cr_assert_str_eq(err.message, "no ticket 7");
	cr_assert_eq(sb_error_set(NULL, SB_EINVAL, "ignored"), -SB_EINVAL);
}

Test(error, long_messages_are_cut_not_overflowed)
{
	struct sb_error err = {0};
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_error_set(&err, SB_EINVAL, "%s", big);
	cr_assert_eq(strlen(err.message), SB_ERROR_MESSAGE_MAX - 1);
}

Test(error, quote_replaces_control_and_non_ascii_bytes)
{
	char q[SB_QUOTE_SIZE];
	cr_assert_str_eq(sb_quote(q, "mon(13:0\n0-14:00", SIZE_MAX), "mon(13:0?0-14:00");
	cr_assert_str_eq(sb_quote(q, "caf\xc3\xa9\t", SIZE_MAX), "caf???");
	cr_assert_str_eq(sb_quote(q, "abcdef", 3), "abc"); /* a view of three bytes */
	cr_assert_str_eq(sb_quote(q, "abc", 3), "abc");
	cr_assert_str_eq(sb_quote(q, "", SIZE_MAX), "");
}

Test(error, quote_cuts_long_text_with_an_ellipsis)
{
	char q[SB_QUOTE_SIZE], big[500];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_quote(q, big, SIZE_MAX);
	cr_assert_eq(strlen(q), SB_QUOTE_SIZE - 8 + 3);
	cr_assert_str_eq(q + strlen(q) - 3, "...");
}

Test(error, every_code_has_a_name)
{
	for (int c = SB_OK; c <= SB_ERANGE; c++)
		cr_assert_str_neq(sb_code_name(-c), "unknown error", "code %d", c);
	cr_assert_str_eq(sb_code_name(999), "unknown error");
}
