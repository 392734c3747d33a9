/*
 * The notification templates, English and Spanish side by side so that a
 * reviewer sees at once that every event has both, and the renderer.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mail/buf.h"
#include "mail/message.h"
#include "mail/templates.h"
#include "util/civil.h"

struct template
{
	const char *event;
	const char *subject_en, *body_en;
	const char *subject_es, *body_es;
};

static const struct template templates[] = {
	{"request_received", "[#{id}] Request received: {subject}",
	 "Hello {name},\n\n"
	 "We have received your request #{id}, \"{subject}\" ({priority} priority).\n\n"
	 "We will respond by {due}, and keep you informed until it is fully resolved.\n\n"
	 "Your request is missing details that help us solve it: {missing}. Please "
	 "complete it in the support portal: {link}\n\n"
	 "{!missing}You can follow it in the support portal: {link}",
	 "[#{id}] Solicitud recibida: {subject}",
	 "Hola, {name}:\n\n"
	 "Hemos recibido su solicitud n.º {id}, «{subject}» (prioridad {priority}).\n\n"
	 "Le responderemos a más tardar el {due} y le mantendremos informado hasta que "
	 "quede totalmente resuelta.\n\n"
	 "A su solicitud le faltan datos que nos ayudan a resolverla: {missing}. "
	 "Complétela en el portal de soporte: {link}\n\n"
	 "{!missing}Puede seguirla en el portal de soporte: {link}"},
	{"agent_reply", "[#{id}] Reply: {subject}",
	 "Hello {name},\n\n"
	 "{author} replied to your request #{id}, \"{subject}\":\n\n"
	 "{text}\n\n"
	 "Answer in the support portal: {link}",
	 "[#{id}] Respuesta: {subject}",
	 "Hola, {name}:\n\n"
	 "{author} ha respondido a su solicitud n.º {id}, «{subject}»:\n\n"
	 "{text}\n\n"
	 "Responda en el portal de soporte: {link}"},
	{"followup_question", "[#{id}] Question about your request: {subject}",
	 "Hello {name},\n\n"
	 "{author} needs more information to continue with your request #{id}, "
	 "\"{subject}\":\n\n"
	 "{text}\n\n"
	 "Please answer in the support portal so that we can continue: {link}",
	 "[#{id}] Pregunta sobre su solicitud: {subject}",
	 "Hola, {name}:\n\n"
	 "{author} necesita más información para continuar con su solicitud n.º {id}, "
	 "«{subject}»:\n\n"
	 "{text}\n\n"
	 "Responda en el portal de soporte para que podamos continuar: {link}"},
	{"customer_reply", "[#{id}] Customer reply: {subject}",
	 "Hello {name},\n\n"
	 "{author} ({org}) replied on request #{id}, \"{subject}\":\n\n"
	 "{text}\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] Respuesta del cliente: {subject}",
	 "Hola, {name}:\n\n"
	 "{author} ({org}) ha respondido en la solicitud n.º {id}, «{subject}»:\n\n"
	 "{text}\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"ticket_resolved", "[#{id}] Resolved: {subject}",
	 "Hello {name},\n\n"
	 "Your request #{id}, \"{subject}\", has been resolved.\n\n"
	 "The fix for engineering issue {key} has shipped.\n\n"
	 "If anything is still wrong, reply in the support portal within 7 days and we "
	 "will reopen it: {link}",
	 "[#{id}] Resuelta: {subject}",
	 "Hola, {name}:\n\n"
	 "Su solicitud n.º {id}, «{subject}», se ha resuelto.\n\n"
	 "Se ha publicado la corrección del problema de ingeniería {key}.\n\n"
	 "Si algo sigue sin funcionar, responda en el portal de soporte en un plazo de 7 "
	 "días y la reabriremos: {link}"},
	{"emergency_filed", "[#{id}] EMERGENCY from {org}: {subject}",
	 "Hello {name},\n\n"
	 "{requester} of {org}, an organization you represent, filed an emergency: "
	 "request #{id}, \"{subject}\".\n\n"
	 "Criteria: {criteria}\n"
	 "Emergency phone: {phone}\n\n"
	 "The first response is due by {due}.\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] EMERGENCIA de {org}: {subject}",
	 "Hola, {name}:\n\n"
	 "{requester}, de {org} (una organización que usted representa), ha presentado "
	 "una emergencia: solicitud n.º {id}, «{subject}».\n\n"
	 "Criterios: {criteria}\n"
	 "Teléfono de emergencia: {phone}\n\n"
	 "La primera respuesta vence el {due}.\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"emergency_on_call", "[#{id}] EMERGENCY for {team}: {subject}",
	 "Hello {name},\n\n"
	 "{requester} of {org} filed an emergency for the {team} team: request #{id}, "
	 "\"{subject}\".\n\n"
	 "{on_call}You are the team's on-call person.\n\n"
	 "{!on_call}Nobody is on call for the team, so its leads are alerted.\n\n"
	 "Criteria: {criteria}\n"
	 "Emergency phone: {phone}\n\n"
	 "The first response is due by {due}. Until it is resolved, the customer must "
	 "hear from us regularly.\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] EMERGENCIA para {team}: {subject}",
	 "Hola, {name}:\n\n"
	 "{requester}, de {org}, ha presentado una emergencia para el equipo {team}: "
	 "solicitud n.º {id}, «{subject}».\n\n"
	 "{on_call}Usted es la persona de guardia del equipo.\n\n"
	 "{!on_call}Nadie está de guardia en el equipo, así que se avisa a sus "
	 "responsables.\n\n"
	 "Criterios: {criteria}\n"
	 "Teléfono de emergencia: {phone}\n\n"
	 "La primera respuesta vence el {due}. Hasta que se resuelva, el cliente debe "
	 "tener noticias nuestras con regularidad.\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"sla_warning", "[#{id}] First response due soon: {subject}",
	 "Hello {name},\n\n"
	 "Request #{id}, \"{subject}\" from {org} ({priority} priority), has no first "
	 "response yet and most of its time is gone.\n\n"
	 "The first response is due by {due}.\n\n"
	 "Assigned to {assignee}.\n\n"
	 "{!assignee}Nobody is assigned: anyone in the {team} team may take it.\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] La primera respuesta vence pronto: {subject}",
	 "Hola, {name}:\n\n"
	 "La solicitud n.º {id}, «{subject}», de {org} (prioridad {priority}), aún no "
	 "tiene primera respuesta y ha pasado la mayor parte de su plazo.\n\n"
	 "La primera respuesta vence el {due}.\n\n"
	 "Asignada a {assignee}.\n\n"
	 "{!assignee}No está asignada: cualquiera del equipo {team} puede tomarla.\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"sla_breach", "[#{id}] SLA BREACHED: {subject}",
	 "Hello {name},\n\n"
	 "Request #{id}, \"{subject}\" from {org} ({priority} priority), missed its "
	 "first-response target: nobody has answered the customer, and it was due by "
	 "{due}.\n\n"
	 "Assigned to {assignee}.\n\n"
	 "{!assignee}Nobody is assigned in the {team} team.\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] SLA INCUMPLIDO: {subject}",
	 "Hola, {name}:\n\n"
	 "La solicitud n.º {id}, «{subject}», de {org} (prioridad {priority}), no ha "
	 "cumplido su plazo de primera respuesta: nadie ha respondido al cliente y vencía "
	 "el {due}.\n\n"
	 "Asignada a {assignee}.\n\n"
	 "{!assignee}No está asignada a nadie del equipo {team}.\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"emergency_update_due", "[#{id}] Emergency update due: {subject}",
	 "Hello {name},\n\n"
	 "The emergency #{id}, \"{subject}\" from {org}, is still open, and the customer "
	 "has not heard from us for {minutes} minutes.\n\n"
	 "Please post a public update now: until it is resolved, the customer hears from "
	 "us at least every {minutes} minutes.\n\n"
	 "Emergency phone: {phone}\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] Toca actualizar la emergencia: {subject}",
	 "Hola, {name}:\n\n"
	 "La emergencia n.º {id}, «{subject}», de {org}, sigue abierta y el cliente no "
	 "tiene noticias nuestras desde hace {minutes} minutos.\n\n"
	 "Publique ahora una actualización: hasta que se resuelva, el cliente debe tener "
	 "noticias nuestras al menos cada {minutes} minutos.\n\n"
	 "Teléfono de emergencia: {phone}\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"account_request", "[#{id}] Account request from {org}: {subject}",
	 "Hello {name},\n\n"
	 "{requester} of {org} filed an account request for you: #{id}, \"{subject}\" "
	 "({type}).\n\n"
	 "{text}\n\n"
	 "Open it in the workspace: {link}",
	 "[#{id}] Solicitud de cuenta de {org}: {subject}",
	 "Hola, {name}:\n\n"
	 "{requester}, de {org}, le ha enviado una solicitud de cuenta: n.º {id}, "
	 "«{subject}» ({type}).\n\n"
	 "{text}\n\n"
	 "Ábrala en el espacio de trabajo: {link}"},
	{"priority_changed", "[#{id}] Priority changed to {priority}: {subject}",
	 "Hello {name},\n\n"
	 "The priority of your request #{id}, \"{subject}\", is now {priority}.\n\n"
	 "Reason: {text}\n\n"
	 "We will respond by {due}.\n\n"
	 "See it in the support portal: {link}",
	 "[#{id}] Prioridad cambiada a {priority}: {subject}",
	 "Hola, {name}:\n\n"
	 "La prioridad de su solicitud n.º {id}, «{subject}», ahora es {priority}.\n\n"
	 "Motivo: {text}\n\n"
	 "Le responderemos a más tardar el {due}.\n\n"
	 "Véala en el portal de soporte: {link}"},
	{"draft_returned", "Your draft request was returned",
	 "Hello {name},\n\n"
	 "Your organization's single point of contact returned your draft request with "
	 "this comment:\n\n"
	 "{text}\n\n"
	 "You can change the draft in the support portal and send it again: {link}",
	 "Su borrador de solicitud ha sido devuelto",
	 "Hola, {name}:\n\n"
	 "El punto de contacto de su organización le ha devuelto su borrador de solicitud "
	 "con este comentario:\n\n"
	 "{text}\n\n"
	 "Puede modificar el borrador en el portal de soporte y enviarlo de nuevo: {link}"},
};

#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))

const char *const mail_template_events[] = {
	"request_received",     "agent_reply",
	"followup_question",    "customer_reply",
	"ticket_resolved",      "emergency_filed",
	"account_request",      "priority_changed",
	"draft_returned",       "emergency_on_call",
	"sla_warning",          "sla_breach",
	"emergency_update_due", NULL,
};

static const char footer_en[] = "— Switchboard, Client Services\n"
				"This message was sent automatically.";
static const char footer_es[] = "— Switchboard, Client Services\n"
				"Este mensaje se ha enviado automáticamente.";

const char *mail_language(const char *user_language)
{
	return user_language && strcmp(user_language, "es") == 0 ? "es" : "en";
}

static const struct template *find(const char *event)
{
	for (size_t i = 0; i < NTEMPLATES; i++)
		if (strcmp(templates[i].event, event) == 0)
			return &templates[i];
	return NULL;
}

bool mail_template_exists(const char *event)
{
	return find(event) != NULL;
}

static const struct {
	const char *name;
	size_t offset;
} fields[] = {
	{"subject", offsetof(struct mail_vars, subject)},
	{"name", offsetof(struct mail_vars, name)},
	{"author", offsetof(struct mail_vars, author)},
	{"requester", offsetof(struct mail_vars, requester)},
	{"org", offsetof(struct mail_vars, org)},
	{"type", offsetof(struct mail_vars, type)},
	{"priority", offsetof(struct mail_vars, priority)},
	{"due", offsetof(struct mail_vars, due)},
	{"criteria", offsetof(struct mail_vars, criteria)},
	{"phone", offsetof(struct mail_vars, phone)},
	{"key", offsetof(struct mail_vars, key)},
	{"text", offsetof(struct mail_vars, text)},
	{"link", offsetof(struct mail_vars, link)},
	{"missing", offsetof(struct mail_vars, missing)},
	{"team", offsetof(struct mail_vars, team)},
	{"assignee", offsetof(struct mail_vars, assignee)},
	{"minutes", offsetof(struct mail_vars, minutes)},
	{"on_call", offsetof(struct mail_vars, on_call)},
};

/*
 * Appends N bytes of template T to B with the placeholders filled from V.
 * Returns false when a placeholder's value is missing, or a {!name}'s is
 * present (the paragraph is then dropped); an unknown placeholder stays
 * as it is written.
 */
static bool fill(struct mail_buf *b, const char *t, size_t n, const struct mail_vars *v)
{
	bool complete = true;
	const char *end = t + n;
	while (t < end) {
		const char *open = memchr(t, '{', (size_t)(end - t));
		const char *close = open ? memchr(open, '}', (size_t)(end - open)) : NULL;
		if (!close) {
			mail_buf_add(b, t, (size_t)(end - t));
			break;
		}
		mail_buf_add(b, t, (size_t)(open - t));
		size_t len = (size_t)(close - open - 1);
		const char *name = open + 1;
		bool negated = len > 0 && *name == '!';
		if (negated)
			name++, len--;
		const char *value = NULL;
		bool known = false;
		char num[24];
		if (len == 2 && memcmp(name, "id", 2) == 0) {
			snprintf(num, sizeof(num), "%lld", (long long)v->id);
			value = num;
			known = true;
		}
		for (size_t i = 0; !known && i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strlen(fields[i].name) == len &&
			    memcmp(fields[i].name, name, len) == 0) {
				value = *(const char *const *)((const char *)v + fields[i].offset);
				known = true;
			}
		if (!known)
			mail_buf_add(b, open, (size_t)(close - open + 1));
		else if (negated)
			complete = complete && !(value && *value);
		else if (value && *value)
			mail_buf_adds(b, value);
		else
			complete = false;
		t = close + 1;
	}
	return complete;
}

/* Appends TEXT escaped for HTML, line breaks as <br>. */
static void html_text(struct mail_buf *b, const char *text, struct arena *a)
{
	char *esc = mail_html_escape(a, text);
	if (!esc) {
		b->failed = true;
		return;
	}
	for (const char *p = esc; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			mail_buf_adds(b, "<br>\n");
		else
			mail_buf_addc(b, *p);
	}
}

/* Appends paragraph TEXT as html_text() does, with each LINK in it an <a>. */
static void html_para(struct mail_buf *b, const char *text, const char *link, struct arena *a)
{
	const char *p = text, *at;
	while (link && *link && (at = strstr(p, link))) {
		char *before = arena_strndup(a, p, (size_t)(at - p));
		char *href = mail_html_escape(a, link);
		if (!before || !href) {
			b->failed = true;
			return;
		}
		html_text(b, before, a);
		mail_buf_adds(b, "<a href=\"");
		mail_buf_adds(b, href);
		mail_buf_adds(b, "\">");
		mail_buf_adds(b, href);
		mail_buf_adds(b, "</a>");
		p = at + strlen(link);
	}
	html_text(b, p, a);
}

int mail_render(const char *event, const char *lang, const struct mail_vars *v, struct arena *a,
		struct mail_rendered *out, struct sb_error *err)
{
	const struct template *t = find(event);
	if (!t) {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_ENOTFOUND, "no mail template for event %s",
				    sb_quote(q, event, SIZE_MAX));
	}
	bool es = strcmp(lang, "es") == 0;
	const char *subject = es ? t->subject_es : t->subject_en;
	const char *body = es ? t->body_es : t->body_en;
	struct mail_buf sb = {0}, text = {0}, html = {0}, para = {0};
	fill(&sb, subject, strlen(subject), v);
	mail_buf_add(&sb, "", 0);

	mail_buf_adds(&html, "<!DOCTYPE html>\n<html lang=\"");
	mail_buf_adds(&html, es ? "es" : "en");
	mail_buf_adds(&html, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	html_text(&html, sb.data ? sb.data : "", a);
	mail_buf_adds(&html, "</title>\n</head>\n<body style=\"font-family: sans-serif; "
			     "line-height: 1.4\">\n");
	mail_buf_add(&text, "", 0);
	const char *footer = es ? footer_es : footer_en;
	for (const char *p = body; p && *p;) {
		const char *sep = strstr(p, "\n\n");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		para.len = 0;
		mail_buf_add(&para, "", 0);
		bool quoted = n == 6 && memcmp(p, "{text}", 6) == 0;
		if (fill(&para, p, n, v) && !para.failed) {
			mail_buf_add(&text, para.data, para.len);
			mail_buf_adds(&text, "\n\n");
			mail_buf_adds(&html, quoted ? "<blockquote style=\"margin: 0 0 1em; "
						      "padding-left: 1em; border-left: 3px solid "
						      "#ccc\">\n"
						    : "<p>");
			html_para(&html, para.data, v->link, a);
			mail_buf_adds(&html, quoted ? "\n</blockquote>\n" : "</p>\n");
		}
		p = sep ? sep + 2 : NULL;
	}
	mail_buf_adds(&text, footer);
	mail_buf_adds(&text, "\n");
	mail_buf_adds(&html, "<p style=\"color: #555\">");
	html_text(&html, footer, a);
	mail_buf_adds(&html, "</p>\n</body>\n</html>\n");

	int rc = 0;
	if (sb.failed || text.failed || html.failed || para.failed ||
	    !(out->subject = arena_strndup(a, sb.data, sb.len)) ||
	    !(out->text = arena_strndup(a, text.data, text.len)) ||
	    !(out->html = arena_strndup(a, html.data, html.len)))
		rc = sb_error_set(err, SB_ENOMEM, "out of memory");
	mail_buf_done(&sb);
	mail_buf_done(&text);
	mail_buf_done(&html);
	mail_buf_done(&para);
	return rc;
}

char *mail_format_time(const char *lang, int64_t t, const struct tz_zone *zone, struct arena *a)
{
	/* civil_weekday(): 0 is Monday. */
	static const char *const days_en[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
					      "Friday", "Saturday", "Sunday"};
	static const char *const days_es[] = {"lunes",   "martes", "miércoles", "jueves",
					      "viernes", "sábado", "domingo"};
	static const char *const months_en[] = {"January",   "February", "March",    "April",
						"May",       "June",     "July",     "August",
						"September", "October",  "November", "December"};
	static const char *const months_es[] = {"enero",      "febrero", "marzo",     "abril",
						"mayo",       "junio",   "julio",     "agosto",
						"septiembre", "octubre", "noviembre", "diciembre"};
	int64_t local = t + tz_offset_at(zone, t);
	int64_t day = civil_floor_div(local, 86400), secs = civil_floor_mod(local, 86400), y;
	int m, d, wd = civil_weekday(day);
	civil_date_from_days(day, &y, &m, &d);
	int hh = (int)(secs / 3600), mm = (int)(secs / 60 % 60);
	if (strcmp(lang, "es") == 0)
		return arena_printf(a, "%s %d de %s de %lld a las %02d:%02d (%s)", days_es[wd], d,
				    months_es[m - 1], (long long)y, hh, mm, tz_zone_name(zone));
	return arena_printf(a, "%s, %s %d, %lld at %02d:%02d (%s)", days_en[wd], months_en[m - 1],
			    d, (long long)y, hh, mm, tz_zone_name(zone));
}

const char *mail_priority_name(const char *lang, const char *priority)
{
	bool es = strcmp(lang, "es") == 0;
	if (priority && strcmp(priority, "standard") == 0)
		return es ? "estándar" : "standard";
	if (priority && strcmp(priority, "emergency") == 0)
		return es ? "emergencia" : "emergency";
	return priority;
}

/* A key of a comma-separated list and its words in English and Spanish. */
struct key_name {
	const char *key, *en, *es;
};

/*
 * KEYS (comma-separated) as the words NAMES gives them in LANG, joined by
 * SEP; a key without a name stays as it is, an empty one is skipped.
 * In A; NULL when out of memory.
 */
static char *key_names(const struct key_name *names, size_t count, const char *lang,
		       const char *keys, const char *sep, struct arena *a)
{
	bool es = strcmp(lang, "es") == 0;
	struct mail_buf b = {0};
	mail_buf_add(&b, "", 0);
	for (const char *p = keys ? keys : ""; *p;) {
		size_t n = strcspn(p, ",");
		const char *word = NULL;
		for (size_t i = 0; i < count; i++)
			if (strlen(names[i].key) == n && memcmp(names[i].key, p, n) == 0)
				word = es ? names[i].es : names[i].en;
		if (n && b.len)
			mail_buf_adds(&b, sep);
		if (word)
			mail_buf_adds(&b, word);
		else
			mail_buf_add(&b, p, n);
		p += n;
		if (*p == ',')
			p++;
	}
	char *out = b.failed ? NULL : arena_strndup(a, b.data, b.len);
	mail_buf_done(&b);
	return out;
}

char *mail_criteria_names(const char *lang, const char *keys, struct arena *a)
{
	static const struct key_name names[] = {
		{"production_down", "an essential production feature is broken with no workaround",
		 "una función esencial de producción no funciona y no hay alternativa"},
		{"financial_loss", "significant financial loss",
		 "una pérdida económica significativa"},
	};
	return key_names(names, sizeof(names) / sizeof(names[0]), lang, keys, "; ", a);
}

char *mail_missing_names(const char *lang, const char *keys, struct arena *a)
{
	/* The API keys of core/request_types.c's fields. */
	static const struct key_name names[] = {
		{"subject", "a subject", "un asunto"},
		{"description", "a description", "una descripción"},
		{"impact", "the impact on your goals", "el impacto en sus objetivos"},
		{"object_ids", "the ids of the objects concerned",
		 "los ids de los objetos afectados"},
		{"steps", "steps to reproduce", "los pasos para reproducirlo"},
		{"urls", "test pages or URLs", "páginas de prueba o URL"},
		{"browser", "the browser and its version", "el navegador y su versión"},
		{"os", "the operating system and its version", "el sistema operativo y su versión"},
		{"attachments", "a screenshot", "una captura de pantalla"},
		{"business_justification", "a business justification",
		 "una justificación de negocio"},
	};
	return key_names(names, sizeof(names) / sizeof(names[0]), lang, keys, ", ", a);
}

char *mail_ticket_link(const char *public_url, bool staff, int64_t id, struct arena *a)
{
	size_t n = strlen(public_url);
	while (n && public_url[n - 1] == '/')
		n--;
	if (!id)
		return arena_printf(a, "%.*s%s", (int)n, public_url, staff ? "/agent" : "/portal");
	return arena_printf(a, "%.*s/%s/tickets/%lld", (int)n, public_url,
			    staff ? "agent" : "portal", (long long)id);
}
