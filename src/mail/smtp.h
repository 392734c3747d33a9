/*
 * Sending one message to an SMTP server, through libcurl.
 *
 * The server is named by a URL: smtp://[user:password@]host[:port] or
 * smtps://... (TLS from the first byte, port 465 by default). On smtp://
 * STARTTLS is used when the server offers it; the query ?starttls=required
 * refuses to send without it, ?starttls=no never asks for it. AUTH uses
 * the user and password of the URL (percent-encoded), when there are.
 *
 * A failure is temporary (-SB_EBUSY: no connection, a timeout, a 4xx
 * answer, a refused login, which is the configuration's fault and not the
 * message's) or permanent (-SB_EPERM: a 5xx answer to the sender, a
 * recipient or the message). The message names the server's answer.
 */
#ifndef SB_MAIL_SMTP_H
#define SB_MAIL_SMTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct mail_smtp;

/*
 * Once per process, before any thread starts (libcurl's global setup is
 * not thread-safe); mail_global_cleanup() after the last thread ends.
 */
int mail_global_init(struct sb_error *err);
void mail_global_cleanup(void);

/* Checks URL and makes a sender for it; *out is the caller's (mail_smtp_free()). */
int mail_smtp_new(const char *url, struct mail_smtp **out, struct sb_error *err);

/* Accepts NULL. */
void mail_smtp_free(struct mail_smtp *s);

/*
 * The URL with its password replaced by "***", for messages; in BUF of
 * SIZE bytes. Returns BUF.
 */
char *mail_smtp_url_redacted(const char *url, char *buf, size_t size);

/*
 * Sends the LEN bytes of MESSAGE (a whole RFC 5322 message, CRLF line
 * ends) from envelope sender FROM to RCPT. Returns 0 once the server has
 * accepted the message (250 after the data). When *CANCEL becomes true the
 * transfer stops within about a second and -SB_EBUSY is returned. One
 * sender is used by one thread at a time, and opens one SMTP session per
 * message.
 */
int mail_smtp_send(struct mail_smtp *s, const char *from, const char *rcpt, const char *message,
		   size_t len, const atomic_bool *cancel, struct sb_error *err);

#endif
