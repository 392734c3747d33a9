/* What the files of src/jobs share; not for use outside it. */
#ifndef SB_JOBS_INTERNAL_H
#define SB_JOBS_INTERNAL_H

#include "mail/message.h"
#include "store/store.h"
#include "util/tz.h"

/* A mail ready to send: envelope and bytes, in the row's arena. */
struct jobs_mail {
	const char *rcpt;
	const char *data;
	size_t len;
};

/*
 * The mail for outbox row ROW, from FROM, with times in ZONE, in A.
 * -SB_EINVAL or -SB_ENOTFOUND when it can never be sent (no recipient, no
 * template, a bad address: the row fails); other codes are temporary.
 */
int jobs_mail_prepare(struct store_conn *c, const struct store_outbox *row,
		      const struct mail_address *from, const struct tz_zone *zone, struct arena *a,
		      struct jobs_mail *out, struct sb_error *err);

#endif
