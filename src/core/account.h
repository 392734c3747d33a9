/*
 * People: roles, and the rules for the fields that identify a person or an
 * organization. Shared by the API and the command line, so that
 * `switchboard user add` refuses exactly what POST /api/v1/users refuses.
 *
 * The SPOC (the organization's single authorized point of contact) is not
 * a role: it is a contact that the organization names (orgs.spoc_id).
 */
#ifndef SB_CORE_ACCOUNT_H
#define SB_CORE_ACCOUNT_H

#include <stdbool.h>

#include "util/error.h"

enum account_role {
	ACCOUNT_ROLE_CONTACT,
	ACCOUNT_ROLE_AGENT,
	ACCOUNT_ROLE_LEAD,
	ACCOUNT_ROLE_ACCOUNT_REP,
	ACCOUNT_ROLE_ADMIN,
};

/* "admin", "lead", "agent", "account-rep", "contact". */
int account_role_parse(const char *s, enum account_role *out, struct sb_error *err);
const char *account_role_name(enum account_role role);

/* Staff work tickets; contacts belong to an organization. */
bool account_role_is_staff(enum account_role role);

/* An address of the form local@domain.tld, at most 254 bytes, no spaces or controls. */
int account_email_check(const char *email, struct sb_error *err);

/* 1 to 200 characters of valid UTF-8 with something other than spaces. */
int account_name_check(const char *name, struct sb_error *err);

/* At least 10 and at most 1024 bytes. */
int account_password_check(const char *password, struct sb_error *err);

/* "en" or "es". */
int account_language_check(const char *language, struct sb_error *err);

#endif
