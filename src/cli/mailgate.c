/*
 * `switchboard mailgate`: one mail on stdin, as Postfix's pipe(8) or
 * Exim's pipe transport deliver it, onto its ticket (docs/mail.md).
 *
 * Exit statuses are the sysexits(3) codes MTAs act on, not cli.h's: 0
 * delivered (or dropped on purpose), 64 EX_USAGE a bad flag (the MTA's
 * configuration, like 78), 65 EX_DATAERR the bytes are not a
 * mail or cannot be taken (size), 67 EX_NOUSER the sender may not write
 * (the MTA bounces with what we print), 75 EX_TEMPFAIL try again later
 * (database busy, I/O), 78 EX_CONFIG the data directory is wrong, 70
 * EX_SOFTWARE anything else. Robots are never answered: automatic mail
 * that would be refused exits 0, with a line on stderr for the log.
 *
 * What the MTA returns to the sender is what we print: the refusal goes to
 * stdout as a short letter; stderr gets one line for the mail log.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/mailin.h"
#include "cli.h"
#include "core/calendar.h"
#include "jobs/jobs.h"
#include "mail/inbound.h"
#include "mail/message.h"
#include "util/secret.h"

enum {
	EX_OK_ = 0,
	EX_USAGE_ = 64,
	EX_DATAERR_ = 65,
	EX_NOUSER_ = 67,
	EX_SOFTWARE_ = 70,
	EX_TEMPFAIL_ = 75,
	EX_CONFIG_ = 78,
};

/* The API takes 25 MB of files in one request; base64 makes that about 34 MB of mail. */
#define MAILGATE_MAX_BYTES (40 * 1024 * 1024)

static const char prog[] = "switchboard mailgate";

static const char help[] =
	"usage: switchboard mailgate --data DIR [--database URL] [--sender ADDRESS] < message\n"
	"\n"
	"Reads one mail message (RFC 5322) on stdin, as Postfix or Exim pipe it, and\n"
	"puts it on its ticket in data directory DIR:\n"
	"  - a reply (In-Reply-To/References naming our mail, else \"[#1234]\" in the\n"
	"    subject) from someone allowed on the ticket becomes a public comment,\n"
	"    quoted history stripped, attachments kept, as if sent from the portal;\n"
	"  - a new message from an organization's SPOC opens a ticket marked\n"
	"    incomplete, to be completed in the portal;\n"
	"  - anything else is refused (exit 67) with an explanation for the bounce.\n"
	"Automatic and bulk mail (auto-replies, lists, bounces, our own mail coming\n"
	"back) is never answered: from an unknown sender it is dropped (exit 0).\n"
	"The same message delivered twice is stored once.\n"
	"\n"
	"--sender is the envelope sender as the MTA passes it (Postfix ${sender},\n"
	"Exim $sender_address); an empty one marks a bounce.\n"
	"\n"
	"Exit status (sysexits): 0 delivered or dropped, 64 bad arguments, 65 not a\n"
	"mail message or too large, 67 sender refused, 75 try again later, 78 bad\n"
	"data directory, 70 internal error. See docs/mail.md.\n";

/* stdin into a malloc'ed buffer; -1 when larger than MAILGATE_MAX_BYTES, -2 on an I/O error. */
static int read_stdin(char **out, size_t *len_out)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -2;
	for (;;) {
		if (len == cap) {
			if (cap > MAILGATE_MAX_BYTES) {
				free(buf);
				return -1;
			}
			char *more = realloc(buf, cap * 2);
			if (!more) {
				free(buf);
				return -2;
			}
			buf = more;
			cap *= 2;
		}
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -2;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > MAILGATE_MAX_BYTES) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len_out = len;
	return 0;
}

/* Our mail's domain: the host part of the sender address we mail from. */
static const char *our_host(struct store *store, struct arena *a)
{
	struct jobs_config cfg = {0};
	struct sb_error err = {0};
	struct mail_address from;
	if (cli_mail_config(store, NULL, a, &cfg, &err) < 0 ||
	    mail_address_parse(cfg.mail_from ? cfg.mail_from : JOBS_MAIL_FROM_DEFAULT, a, &from,
			       &err) < 0)
		return NULL;
	const char *at = strrchr(from.addr, '@');
	return at ? at + 1 : NULL;
}

/* The public_url setting, for the letter to strangers; NULL when not set. */
static const char *public_url(struct store *store, struct arena *a)
{
	struct store_conn *c;
	char *url = NULL;
	if (store_conn(store, &c, NULL) < 0 ||
	    store_setting_get(c, "public_url", a, &url, NULL) < 0)
		return NULL;
	return url && *url ? url : NULL;
}

static int exit_for(int rc)
{
	switch (-rc) {
	case SB_EINVAL: return EX_DATAERR_;
	case SB_ENOTFOUND:
	case SB_EPERM: return EX_NOUSER_;
	case SB_EBUSY:
	case SB_EIO:
	case SB_ENOMEM:
	case SB_ECONFLICT: return EX_TEMPFAIL_;
	default: return EX_SOFTWARE_;
	}
}

/* Opens DIR, which must be an existing data directory: a mailgate never makes one. */
static int open_data(const char *dir, const char *database, struct store **out)
{
	struct stat st;
	struct sb_error err = {0};
	char *db = NULL;
	if (!dir) {
		fprintf(stderr, "%s: --data DIR is required\n", prog);
		return EX_CONFIG_;
	}
	/* On PostgreSQL the directory holds the attachments only. */
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (!database &&
	     (asprintf(&db, "%s/switchboard.db", dir) < 0 || access(db, R_OK | W_OK) < 0))) {
		fprintf(stderr, "%s: %s is not a Switchboard data directory (%s)\n", prog, dir,
			strerror(errno));
		free(db);
		return EX_CONFIG_;
	}
	free(db);
	int rc;
	if ((rc = secret_init(&err)) < 0 ||
	    (rc = store_open_database(dir, database, out, &err)) < 0 ||
	    (rc = store_migrate(*out, NULL, NULL, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		store_close(*out);
		*out = NULL;
		return rc == -SB_EBUSY || rc == -SB_EIO ? EX_TEMPFAIL_ : EX_CONFIG_;
	}
	return EX_OK_;
}

/* The letter the MTA returns to a refused sender. */
static void refusal(int rc, const struct mail_inbound *m, const char *url, const char *why)
{
	printf("Your message \"%.200s\" was not delivered to Switchboard support.\n\n", m->subject);
	if (rc == -SB_ENOTFOUND) {
		printf("The address %.254s is not one of our customers' registered contacts.\n"
		       "If your organization is a customer, ask its authorized contact (SPOC) to\n"
		       "file the request or to have you registered",
		       m->from);
		if (url)
			printf(", or sign in at %s", url);
		printf(".\nOtherwise, please contact us through your account representative.\n");
	} else {
		printf("%s.\n", why);
	}
}

static int run(struct store *store, const char *data, size_t len, const char *envelope_sender)
{
	struct arena *a = arena_new();
	struct calendar *cal = NULL;
	struct api *api = NULL;
	struct mail_inbound m;
	struct sb_error err = {0};
	int status = EX_SOFTWARE_, rc;
	if (!a)
		return EX_TEMPFAIL_;
	const char *host = our_host(store, a);
	if ((rc = mail_inbound_parse(data, len, host, a, &m, &err)) < 0) {
		if (rc == -SB_EINVAL)
			printf("Switchboard could not read this message: %s.\n", err.message);
		fprintf(stderr, "%s: %s\n", prog, err.message);
		status = rc == -SB_EINVAL ? EX_DATAERR_ : EX_TEMPFAIL_;
		goto out;
	}
	const char *auto_reason = m.auto_reason;
	if (!auto_reason && envelope_sender && !*envelope_sender)
		auto_reason = "empty envelope sender";

	/* The key that makes a second delivery a duplicate. */
	const char *key = m.message_id;
	if (!key) {
		unsigned char hash[crypto_hash_sha256_BYTES];
		char hex[crypto_hash_sha256_BYTES * 2 + 1];
		crypto_hash_sha256(hash, (const unsigned char *)data, len);
		sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
		key = arena_printf(a, "sha256:%s", hex);
	}
	struct api_mail_file *files = arena_zalloc(a, (m.n_files + 1) * sizeof(*files));
	if (!key || !files) {
		status = EX_TEMPFAIL_;
		goto out;
	}
	for (size_t i = 0; i < m.n_files; i++)
		files[i] = (struct api_mail_file){m.files[i].filename, m.files[i].content_type,
						  m.files[i].data, m.files[i].len};
	struct api_mail_in in = {
		.key = key,
		.sender = m.from,
		.ticket_id = mail_inbound_thread(&m, host),
		.subject = m.subject,
		.reply = m.reply,
		.full_text = m.text,
		.files = files,
		.n_files = m.n_files,
		.automatic = auto_reason != NULL,
	};
	/* The parser keeps a few more than the API takes; count them all here. */
	if (m.n_files_seen > API_FILES_MAX && !in.automatic) {
		printf("Your message \"%.200s\" was not delivered: it has %zu attachments, and at "
		       "most %d are accepted by mail. Attach the others in the portal.\n",
		       m.subject, m.n_files_seen, API_FILES_MAX);
		fprintf(stderr, "%s: %s from %s: refused: %zu attachments\n", prog, key, m.from,
			m.n_files_seen);
		status = EX_DATAERR_;
		goto out;
	}

	/* A calendar setting that does not load is the deployment's problem, not
	 * the sender's: the MTA keeps the message until it is fixed. */
	if ((rc = cli_load_calendar(store, &cal, &err)) < 0 ||
	    (rc = api_new(store, cal, &api, &err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		status = rc == -SB_EBUSY || rc == -SB_EIO ? EX_TEMPFAIL_ : EX_CONFIG_;
		goto out;
	}
	struct api_mail_result res;
	if ((rc = api_mail_deliver(api, &in, (int64_t)time(NULL), &res, &err)) < 0) {
		status = exit_for(rc);
		if (in.automatic && status == EX_NOUSER_) {
			/* Never answer a robot: a bounce to an auto-reply starts a loop. */
			fprintf(stderr, "%s: %s from %s: dropped automatic mail (%s): %s\n", prog,
				key, *m.from ? m.from : "<>", auto_reason, err.message);
			status = EX_OK_;
		} else {
			if (status == EX_NOUSER_ || status == EX_DATAERR_)
				refusal(rc, &m, public_url(store, a), err.message);
			fprintf(stderr, "%s: %s from %s: %s\n", prog, key, *m.from ? m.from : "<>",
				err.message);
		}
		goto out;
	}
	if (res.outcome == API_MAIL_DROPPED)
		fprintf(stderr, "%s: %s from %s: dropped automatic mail (%s): no ticket to go on\n",
			prog, key, m.from, auto_reason);
	else
		fprintf(stderr, "%s: %s from %s: %s on ticket #%lld\n", prog, key, m.from,
			api_mail_outcome_name(res.outcome), (long long)res.ticket_id);
	status = EX_OK_;
out:
	api_free(api);
	calendar_free(cal);
	arena_free(a);
	return status;
}

int cli_mailgate(int argc, char **argv)
{
	const char *data_dir = NULL, *sender = NULL, *database = NULL;
	const struct cli_flag flags[] = {
		{"--data", &data_dir}, {"--sender", &sender}, {"--database", &database}};
	int rc = cli_parse_flags(prog, argc, argv, flags, 3, help);
	if (rc == -1)
		return EX_OK_;
	if (rc != 0)
		return EX_USAGE_;
	struct store *store = NULL;
	if ((rc = open_data(data_dir, cli_database(database), &store)) != EX_OK_)
		return rc;
	char *data;
	size_t len;
	int r = read_stdin(&data, &len);
	if (r < 0) {
		if (r == -1)
			printf("Your message was not delivered: it is larger than %d MB, the "
			       "limit.\n"
			       "Attach large files in the portal.\n",
			       MAILGATE_MAX_BYTES / (1024 * 1024));
		fprintf(stderr, "%s: %s\n", prog,
			r == -1 ? "message too large" : "cannot read the message on stdin");
		store_close(store);
		return r == -1 ? EX_DATAERR_ : EX_TEMPFAIL_;
	}
	rc = run(store, data, len, sender);
	fflush(stdout);
	free(data);
	store_close(store);
	return rc;
}
