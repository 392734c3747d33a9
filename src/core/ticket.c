/*
 * Ticket validation: every rule is checked and every failure recorded, so
 * nothing here returns early on a bad field. Lists from outside are long
 * only up to their limit: past it, the count is reported and only the items
 * within the limit are checked, so the error list stays bounded.
 */
#include "ticket.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static const char *const status_names[TICKET_STATUS_COUNT] = {
	[TICKET_STATUS_NEW] = "new",
	[TICKET_STATUS_OPEN] = "open",
	[TICKET_STATUS_AWAITING_CUSTOMER] = "awaiting_customer",
	[TICKET_STATUS_PENDING_ENGINEERING] = "pending_engineering",
	[TICKET_STATUS_RESOLVED] = "resolved",
	[TICKET_STATUS_CLOSED] = "closed",
};

const char *ticket_status_name(enum ticket_status status)
{
	return (unsigned)status < TICKET_STATUS_COUNT ? status_names[status] : "?";
}

int ticket_status_parse(const char *s, enum ticket_status *out, struct sb_error *err)
{
	for (int i = 0; i < TICKET_STATUS_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum ticket_status)i;
			return 0;
		}
	char q[SB_QUOTE_SIZE];
	return sb_error_set(err, SB_EINVAL,
			    "unknown status '%s' (expected new, open, awaiting_customer, "
			    "pending_engineering, resolved or closed)",
			    sb_quote(q, s, SIZE_MAX));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* NULL, empty, or only white space. */
static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (!is_space(*s))
			return false;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool ticket_phone_valid(const char *s)
{
	size_t len = strnlen(s, TICKET_PHONE_MAX + 1);
	if (len == 0 || len > TICKET_PHONE_MAX)
		return false;
	int digits = 0;
	bool in_paren = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (is_digit(c))
			digits++;
		else if (c == '+' && i == 0)
			continue;
		else if (c == '(' && !in_paren)
			in_paren = true;
		else if (c == ')' && in_paren)
			in_paren = false;
		else if (c != ' ' && c != '-' && c != '.')
			return false;
	}
	return !in_paren && digits >= TICKET_PHONE_MIN_DIGITS && digits <= TICKET_PHONE_MAX_DIGITS;
}

static bool host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c) || c == '-' ||
	       c == '.' || c == '_' || c == '%' || c >= 0x80;
}

bool ticket_url_valid(const char *s)
{
	size_t len = strnlen(s, TICKET_URL_MAX + 1);
	if (len > TICKET_URL_MAX || !utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	const char *p;
	if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else
		return false;

	/* authority = [ userinfo "@" ] host [ ":" port ] (RFC 3986, 3.2) */
	const char *end = p + strcspn(p, "/?#");
	const char *at = memrchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	const char *host_end;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close || close == p + 1)
			return false;
		for (const char *c = p + 1; c < close; c++)
			if (!strchr("0123456789abcdefABCDEF:.", *c))
				return false;
		host_end = close + 1;
	} else {
		host_end = p;
		while (host_end < end && host_char((unsigned char)*host_end))
			host_end++;
		if (host_end == p)
			return false;
	}
	if (host_end == end)
		return true;
	if (*host_end != ':' || end - host_end > 6)
		return false;
	long port = 0;
	for (const char *c = host_end + 1; c < end; c++) {
		if (!is_digit(*c))
			return false;
		port = port * 10 + (*c - '0');
	}
	return port <= 65535;
}

/* The error list being built, in the caller's arena. */
struct collector {
	struct arena *a;
	struct ticket_field_error *v;
	size_t n, cap;
	bool oom;
};

static void add(struct collector *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct collector *c, const char *field, const char *fmt, ...)
{
	if (c->oom)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct ticket_field_error *v = arena_alloc(c->a, cap * sizeof(*v));
		if (!v) {
			c->oom = true;
			return;
		}
		if (c->n)
			memcpy(v, c->v, c->n * sizeof(*v));
		c->v = v;
		c->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *message = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	if (!field || !message) {
		c->oom = true;
		return;
	}
	c->v[c->n++] = (struct ticket_field_error){field, message};
}

/* "NAME[I]SUFFIX" in the arena (NULL when out of memory: add() notices). */
static const char *item(struct collector *c, const char *name, size_t i, const char *suffix)
{
	return arena_printf(c->a, "%s[%zu]%s", name, i, suffix);
}

/*
 * Checks text S of FIELD, if present: valid UTF-8, at most MAX characters,
 * and for ONE_LINE fields no control characters. False when S is bad.
 */
static bool check_text(struct collector *c, const char *field, const char *s, size_t max,
		       bool one_line)
{
	if (!s)
		return true;
	size_t len = strlen(s);
	if (!utf8_valid(s, len)) {
		add(c, field, "is not valid UTF-8");
		return false;
	}
	size_t chars = utf8_chars(s, len);
	if (chars > max) {
		add(c, field, "is %zu characters long; the limit is %zu", chars, max);
		return false;
	}
	if (one_line && !blank(s))
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
				add(c, field, "must be one line without control characters");
				return false;
			}
	return true;
}

static bool present(const struct ticket_input *in, enum request_field f)
{
	switch (f) {
	case REQUEST_FIELD_SUBJECT: return !blank(in->subject);
	case REQUEST_FIELD_DESCRIPTION: return !blank(in->description);
	case REQUEST_FIELD_IMPACT: return !blank(in->impact);
	case REQUEST_FIELD_OBJECT_IDS: return in->n_object_ids > 0;
	case REQUEST_FIELD_STEPS: return !blank(in->steps);
	case REQUEST_FIELD_URLS: return in->n_urls > 0;
	case REQUEST_FIELD_BROWSER: return !blank(in->browser);
	case REQUEST_FIELD_OS: return !blank(in->os);
	case REQUEST_FIELD_SCREENSHOT: return in->attachment_count > 0;
	case REQUEST_FIELD_BUSINESS_JUSTIFICATION: return !blank(in->business_justification);
	}
	return false;
}

static const char *missing_message(enum request_field f)
{
	switch (f) {
	case REQUEST_FIELD_OBJECT_IDS: return "at least one object id is required";
	case REQUEST_FIELD_URLS: return "at least one URL is required";
	case REQUEST_FIELD_SCREENSHOT: return "a screenshot is required: attach at least one file";
	default: return "is required";
	}
}

static void check_required(struct collector *c, const struct request_type *type,
			   const struct ticket_input *in)
{
	const char *want = type->required_object_type;
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++)
		if (type->rules[f] == REQUEST_LEVEL_REQUIRED && !present(in, f) &&
		    !(f == REQUEST_FIELD_OBJECT_IDS && want))
			add(c, request_type_field_name(f), "%s", missing_message(f));
	if (!want)
		return;
	size_t n =
		in->n_object_ids < TICKET_OBJECT_IDS_MAX ? in->n_object_ids : TICKET_OBJECT_IDS_MAX;
	for (size_t i = 0; i < n; i++)
		if (in->object_ids[i].type && strcmp(in->object_ids[i].type, want) == 0)
			return;
	add(c, "object_ids", "at least one object id of type %s is required", want);
}

static bool id_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '.' ||
	       ch == '_' || ch == ':' || ch == '-';
}

static void check_object_ids(struct collector *c, const struct ticket_input *in)
{
	char q[SB_QUOTE_SIZE];
	size_t n = in->n_object_ids;
	if (n > TICKET_OBJECT_IDS_MAX) {
		add(c, "object_ids", "%zu object ids; the limit is %d", n, TICKET_OBJECT_IDS_MAX);
		n = TICKET_OBJECT_IDS_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		const char *type = in->object_ids[i].type, *id = in->object_ids[i].id;
		if (!type || !*type)
			add(c, item(c, "object_ids", i, ".type"), "is required");
		else if (!request_object_type_valid(type))
			add(c, item(c, "object_ids", i, ".type"),
			    "unknown object type '%s' (expected one of %s)",
			    sb_quote(q, type, SIZE_MAX), request_object_types_list());

		size_t len = id ? strnlen(id, TICKET_OBJECT_ID_MAX + 1) : 0;
		if (len == 0)
			add(c, item(c, "object_ids", i, ".id"), "is required");
		else if (len > TICKET_OBJECT_ID_MAX)
			add(c, item(c, "object_ids", i, ".id"), "is longer than %d characters",
			    TICKET_OBJECT_ID_MAX);
		else
			for (size_t k = 0; k < len; k++)
				if (!id_char(id[k])) {
					add(c, item(c, "object_ids", i, ".id"),
					    "'%s' may hold only letters, digits and . _ : -",
					    sb_quote(q, id, SIZE_MAX));
					break;
				}
	}
}

static void check_urls(struct collector *c, const struct ticket_input *in)
{
	char q[SB_QUOTE_SIZE];
	size_t n = in->n_urls;
	if (n > TICKET_URLS_MAX) {
		add(c, "urls", "%zu URLs; the limit is %d", n, TICKET_URLS_MAX);
		n = TICKET_URLS_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		const char *u = in->urls[i];
		if (blank(u))
			add(c, item(c, "urls", i, ""), "is empty");
		else if (strnlen(u, TICKET_URL_MAX + 1) > TICKET_URL_MAX)
			add(c, item(c, "urls", i, ""), "is longer than %d bytes", TICKET_URL_MAX);
		else if (!ticket_url_valid(u))
			add(c, item(c, "urls", i, ""), "'%s' is not an absolute http or https URL",
			    sb_quote(q, u, SIZE_MAX));
	}
}

static void check_emergency(struct collector *c, const struct ticket_input *in)
{
	static const char *const names[] = {TICKET_CRITERION_PRODUCTION_DOWN,
					    TICKET_CRITERION_FINANCIAL_LOSS};
	char q[SB_QUOTE_SIZE];
	size_t n = in->n_emergency_criteria;
	if (n == 0)
		add(c, "emergency_criteria",
		    "an emergency needs one or both criteria: production_down, financial_loss");
	else if (n > 2)
		add(c, "emergency_criteria",
		    "%zu criteria given; choose one or both of production_down, financial_loss", n);
	else
		for (size_t i = 0; i < n; i++) {
			const char *s = in->emergency_criteria[i];
			if (!s || (strcmp(s, names[0]) != 0 && strcmp(s, names[1]) != 0))
				add(c, item(c, "emergency_criteria", i, ""),
				    "unknown criterion '%s' (expected production_down or "
				    "financial_loss)",
				    sb_quote(q, s ? s : "", SIZE_MAX));
			else if (i == 1 && in->emergency_criteria[0] &&
				 strcmp(s, in->emergency_criteria[0]) == 0)
				add(c, item(c, "emergency_criteria", i, ""), "%s is given twice",
				    s);
		}

	if (blank(in->emergency_phone))
		add(c, "emergency_phone", "an emergency needs a phone number to reach you");
	else if (!ticket_phone_valid(in->emergency_phone))
		add(c, "emergency_phone",
		    "'%s' is not a phone number (7 to 15 digits, with an optional leading + and "
		    "spaces, dashes, dots or parentheses)",
		    sb_quote(q, in->emergency_phone, SIZE_MAX));
}

static void check_priority(struct collector *c, const struct request_type *type,
			   const struct ticket_input *in)
{
	char q[SB_QUOTE_SIZE];
	enum sla_priority priority = SLA_PRIORITY_STANDARD;
	if (in->priority && sla_priority_parse(in->priority, &priority, NULL) < 0) {
		add(c, "priority", "unknown priority '%s' (expected standard or emergency)",
		    sb_quote(q, in->priority, SIZE_MAX));
		return; /* the emergency fields cannot be judged */
	}
	if (priority == SLA_PRIORITY_EMERGENCY) {
		if (type && type->kind == REQUEST_KIND_ACCOUNT)
			add(c, "priority",
			    "%s is an account request, answered by your account representative; "
			    "it cannot be an emergency",
			    type->key);
		check_emergency(c, in);
		return;
	}
	if (in->n_emergency_criteria > 0)
		add(c, "emergency_criteria",
		    "only an emergency carries emergency criteria; this request is standard");
	if (!blank(in->emergency_phone))
		add(c, "emergency_phone",
		    "only an emergency carries an emergency phone; this request is standard");
}

static void completeness(const struct request_type *type, const struct ticket_input *in,
			 struct ticket_completeness *out)
{
	int total = 0, have = 0;
	out->n_missing = 0;
	for (int f = 0; type && f < REQUEST_FIELD_COUNT; f++) {
		if (type->rules[f] == REQUEST_LEVEL_OPTIONAL)
			continue;
		total++;
		if (present(in, f))
			have++;
		else if (type->rules[f] == REQUEST_LEVEL_RECOMMENDED)
			out->missing[out->n_missing++] = request_type_field_name(f);
	}
	out->percent = total ? have * 100 / total : 100;
}

int ticket_validate(const struct request_type *type, const struct ticket_input *in, struct arena *a,
		    struct ticket_field_error **errors_out, size_t *n_out,
		    struct ticket_completeness *out)
{
	struct collector c = {.a = a};
	char q[SB_QUOTE_SIZE];

	if (!type && blank(in->request_type))
		add(&c, "request_type", "is required");
	else if (!type)
		add(&c, "request_type", "unknown request type '%s'",
		    sb_quote(q, in->request_type, SIZE_MAX));

	/* Texts first: a bad one is reported once, for what it is. */
	bool ok_subject = check_text(&c, "subject", in->subject, TICKET_SUBJECT_MAX, true);
	bool ok_description =
		check_text(&c, "description", in->description, TICKET_TEXT_MAX, false);
	check_text(&c, "impact", in->impact, TICKET_TEXT_MAX, false);
	check_text(&c, "steps", in->steps, TICKET_TEXT_MAX, false);
	check_text(&c, "browser", in->browser, TICKET_SHORT_MAX, true);
	check_text(&c, "os", in->os, TICKET_SHORT_MAX, true);
	check_text(&c, "business_justification", in->business_justification, TICKET_TEXT_MAX,
		   false);

	if (type)
		check_required(&c, type, in);
	else {
		/* Every type requires these (request_rules_parse() insists). */
		if (ok_subject && blank(in->subject))
			add(&c, "subject", "is required");
		if (ok_description && blank(in->description))
			add(&c, "description", "is required");
	}
	check_priority(&c, type, in);
	check_object_ids(&c, in);
	check_urls(&c, in);

	if (out)
		completeness(type, in, out);
	*errors_out = c.v;
	*n_out = c.n;
	if (c.oom)
		return -SB_ENOMEM;
	return c.n ? -SB_EINVAL : 0;
}

int ticket_priority_change(struct calendar *cal, enum sla_priority from, enum sla_priority to,
			   int64_t now, int64_t current_due, bool responded, const char *reason,
			   int64_t *new_due_out, struct sb_error *err)
{
	if (from == to)
		return sb_error_set(err, SB_ECONFLICT, "the priority is already %s",
				    sla_priority_name(to));
	if (reason) {
		size_t len = strlen(reason);
		if (!utf8_valid(reason, len))
			return sb_error_set(err, SB_EINVAL, "the reason is not valid UTF-8");
		if (utf8_chars(reason, len) > TICKET_REASON_MAX)
			return sb_error_set(err, SB_EINVAL,
					    "the reason is longer than %d characters",
					    TICKET_REASON_MAX);
	}
	if (to == SLA_PRIORITY_STANDARD && blank(reason))
		return sb_error_set(err, SB_EINVAL,
				    "downgrading an emergency needs a reason, which the customer "
				    "sees");
	if (responded) {
		*new_due_out = current_due;
		return 0;
	}
	int64_t due;
	int rc = sla_due(cal, to, now, &due, err);
	if (rc < 0)
		return rc;
	if (to == SLA_PRIORITY_EMERGENCY && due > current_due)
		due = current_due;
	*new_due_out = due;
	return 0;
}
