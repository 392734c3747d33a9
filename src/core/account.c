/* Account rules; see account.h. */
#include "account.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

static const char *const role_names[] = {"contact", "agent", "lead", "account-rep", "admin"};

int account_role_parse(const char *s, enum account_role *out, struct sb_error *err)
{
	for (int r = 0; r < (int)(sizeof(role_names) / sizeof(role_names[0])); r++)
		if (strcmp(s, role_names[r]) == 0) {
			*out = (enum account_role)r;
			return 0;
		}
	char q[SB_QUOTE_SIZE];
	return sb_error_set(
		err, SB_EINVAL,
		"unknown role '%s' (expected admin, lead, agent, account-rep or contact)",
		sb_quote(q, s, SIZE_MAX));
}

const char *account_role_name(enum account_role role)
{
	return role_names[role];
}

bool account_role_is_staff(enum account_role role)
{
	return role != ACCOUNT_ROLE_CONTACT;
}

int account_email_check(const char *email, struct sb_error *err)
{
	size_t len = strnlen(email, 255);
	const char *at = strchr(email, '@');
	bool ok = len > 0 && len <= 254 && at && at > email && strchr(at + 1, '@') == NULL;
	for (const char *p = email; ok && *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			ok = false;
	if (ok) {
		const char *dot = strrchr(at + 1, '.');
		ok = dot && dot > at + 1 && dot[1] != '\0';
	}
	if (!ok) {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_EINVAL, "'%s' is not an email address",
				    sb_quote(q, email, SIZE_MAX));
	}
	return 0;
}

int account_name_check(const char *name, struct sb_error *err)
{
	size_t len = strlen(name);
	if (!utf8_valid(name, len))
		return sb_error_set(err, SB_EINVAL, "not valid UTF-8");
	size_t chars = utf8_chars(name, len);
	if (strspn(name, " \t") == len)
		return sb_error_set(err, SB_EINVAL, "must not be blank");
	if (chars > 200)
		return sb_error_set(err, SB_EINVAL, "longer than 200 characters");
	return 0;
}

int account_password_check(const char *password, struct sb_error *err)
{
	size_t len = strnlen(password, 1025);
	if (len < 10)
		return sb_error_set(err, SB_EINVAL, "shorter than 10 characters");
	if (len > 1024)
		return sb_error_set(err, SB_EINVAL, "longer than 1024 bytes");
	return 0;
}

int account_language_check(const char *language, struct sb_error *err)
{
	if (strcmp(language, "en") == 0 || strcmp(language, "es") == 0)
		return 0;
	char q[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL, "unknown language '%s' (expected en or es)",
			    sb_quote(q, language, SIZE_MAX));
}
