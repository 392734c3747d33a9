/* Tests for src/core/account.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/account.h"

Test(account, roles_parse_to_their_names)
{
	const char *names[] = {"admin", "lead", "agent", "account-rep", "contact"};
	for (size_t i = 0; i < 5; i++) {
		enum account_role r;
		cr_assert_eq(account_role_parse(names[i], &r, NULL), 0);
		cr_assert_str_eq(account_role_name(r), names[i]);
		cr_assert_eq(account_role_is_staff(r), strcmp(names[i], "contact") != 0);
	}
	enum account_role r;
	struct sb_error err = {0};
	cr_assert_eq(account_role_parse("spoc", &r, &err), -SB_EINVAL);
	cr_assert(strstr(err.message, "unknown role 'spoc'"));
}

Test(account, emails_need_a_local_part_and_a_domain_with_a_dot)
{
	const char *good[] = {"ana@example.com", "a.b+c@sub.example.org", "x@y.co"};
	const char *bad[] = {
		"",         "ana",          "@example.com",    "ana@",      "ana@example",
		"ana@.com", "ana@example.", "a b@example.com", "a@b@c.com", "ana@exa\nmple.com"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert_eq(account_email_check(good[i], NULL), 0, "%s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(account_email_check(bad[i], NULL), -SB_EINVAL, "%s", bad[i]);
}

Test(account, names_passwords_and_languages)
{
	cr_assert_eq(account_name_check("María José", NULL), 0);
	cr_assert_eq(account_name_check("   ", NULL), -SB_EINVAL);
	cr_assert_eq(account_name_check("\xff", NULL), -SB_EINVAL);
	cr_assert_eq(account_password_check("short", NULL), -SB_EINVAL);
	cr_assert_eq(account_password_check("long enough pw", NULL), 0);
	cr_assert_eq(account_language_check("es", NULL), 0);
	cr_assert_eq(account_language_check("fr", NULL), -SB_EINVAL);
}
