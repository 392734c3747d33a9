/*
 * The request-type catalog: the default types of the seed (names and
 * examples in its English and Spanish), the field vocabulary and the rules
 * text form.
 */
#include "request_types.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/teams.h"

#define REQ REQUEST_LEVEL_REQUIRED
#define REC REQUEST_LEVEL_RECOMMENDED

/* What every routed type requires: the problem and its impact (the seed's first item). */
#define ROUTED_BASE                                                                                \
	[REQUEST_FIELD_SUBJECT] = REQ, [REQUEST_FIELD_DESCRIPTION] = REQ,                          \
	[REQUEST_FIELD_IMPACT] = REQ

/* Bugs: steps, browser and OS required; a screenshot and URLs wanted. */
#define BUG_RULES                                                                                  \
	{                                                                                          \
		ROUTED_BASE, [REQUEST_FIELD_STEPS] = REQ, [REQUEST_FIELD_BROWSER] = REQ,           \
			     [REQUEST_FIELD_OS] = REQ, [REQUEST_FIELD_SCREENSHOT] = REC,           \
			     [REQUEST_FIELD_URLS] = REC, [REQUEST_FIELD_OBJECT_IDS] = REC          \
	}

/* Creative questions: creative ids required (with required_object_type). */
#define CREATIVE_RULES                                                                             \
	{                                                                                          \
		ROUTED_BASE, [REQUEST_FIELD_OBJECT_IDS] = REQ, [REQUEST_FIELD_URLS] = REC,         \
			     [REQUEST_FIELD_STEPS] = REC                                           \
	}

/* Work the product cannot do: a strong business justification (the seed). */
#define JUSTIFIED_RULES                                                                            \
	{                                                                                          \
		ROUTED_BASE, [REQUEST_FIELD_BUSINESS_JUSTIFICATION] = REQ,                         \
			     [REQUEST_FIELD_OBJECT_IDS] = REC                                      \
	}

#define OTHER_RULES                                                                                \
	{                                                                                          \
		ROUTED_BASE, [REQUEST_FIELD_OBJECT_IDS] = REC, [REQUEST_FIELD_URLS] = REC,         \
			     [REQUEST_FIELD_STEPS] = REC                                           \
	}

#define ACCOUNT_RULES                                                                              \
	{                                                                                          \
		[REQUEST_FIELD_SUBJECT] = REQ, [REQUEST_FIELD_DESCRIPTION] = REQ                   \
	}

#define ACCOUNT_HINT_EN                                                                            \
	"Your account representative answers these requests; they carry no support "               \
	"response target."
#define ACCOUNT_HINT_ES                                                                            \
	"Su representante de cuenta responde estas solicitudes; no tienen un tiempo de "           \
	"respuesta de soporte."

#define ROUTED(key_, team_, en, es, ex_en, ex_es, hint_en_, hint_es_, rules_, objtype)             \
	{                                                                                          \
		.key = key_, .kind = REQUEST_KIND_ROUTED, .team = team_, .name_en = en,            \
		.name_es = es, .example_en = ex_en, .example_es = ex_es, .hint_en = hint_en_,      \
		.hint_es = hint_es_, .rules = rules_, .required_object_type = objtype              \
	}

#define ACCOUNT(key_, en, es)                                                                      \
	{                                                                                          \
		.key = key_, .kind = REQUEST_KIND_ACCOUNT, .team = NULL, .name_en = en,            \
		.name_es = es, .example_en = "", .example_es = "", .hint_en = ACCOUNT_HINT_EN,     \
		.hint_es = ACCOUNT_HINT_ES, .rules = ACCOUNT_RULES, .required_object_type = NULL   \
	}

static const struct request_type defaults[] = {
	ROUTED("anti-malvertising", TEAM_KEY_ANTI_MALVERTISING, "Anti-malvertising questions",
	       "Preguntas contra la malversización",
	       "Creative loading malware served on owner's inventory",
	       "Carga creativa de malware servido en el inventario del propietario",
	       "The creative ids involved, the pages where the ad appeared and what it did.",
	       "Los id. de las creatividades implicadas, las páginas donde apareció el anuncio y "
	       "lo que hizo.",
	       CREATIVE_RULES, "creative"),
	ROUTED("app-bug", TEAM_KEY_APP_SUPPORT, "App bugs", "Errores de aplicación",
	       "App will not load", "La aplicación no se cargará",
	       "What you did, what happened instead, your browser and operating system with "
	       "versions, and a screenshot.",
	       "Qué hizo, qué ocurrió en su lugar, el explorador y el sistema operativo con sus "
	       "versiones, y una captura de pantalla.",
	       BUG_RULES, NULL),
	ROUTED("creative-audit", TEAM_KEY_AD_QUALITY, "Creative auditing questions",
	       "Preguntas de auditoría creativa", "Creative was rejected but should be approved",
	       "Se rechazó la creatividad, pero se debe aprobar",
	       "The creative ids, the audit result you received and why you expected another.",
	       "Los id. de las creatividades, el resultado de auditoría recibido y por qué "
	       "esperaba otro.",
	       CREATIVE_RULES, "creative"),
	ROUTED("data-pull", TEAM_KEY_CLIENT_SERVICES,
	       "Critical data pulls that cannot be retrieved from the product",
	       "Extracciones de datos críticas que no se pueden recuperar del producto", "", "",
	       "The data you need, the period and objects it covers, and the business "
	       "justification.",
	       "Los datos que necesita, el período y los objetos que abarcan, y la justificación "
	       "empresarial.",
	       JUSTIFIED_RULES, NULL),
	ROUTED("inventory-quality", TEAM_KEY_INVENTORY_QUALITY, "Inventory quality questions",
	       "Preguntas sobre la calidad del inventario",
	       "Campaign serving on a site that does not meet inventory standards",
	       "Campaña que sirve en un sitio que no cumple los estándares de inventario",
	       "The sites or placements involved, the campaign and the standard they do not meet.",
	       "Los sitios o ubicaciones implicados, la campaña y el estándar que no cumplen.",
	       OTHER_RULES, NULL),
	ROUTED("implementation", TEAM_KEY_CLIENT_SERVICES, "Issues with technical implementation",
	       "Problemas con la implementación técnica",
	       "Ad calls return errors due to setup problems",
	       "Las llamadas de anuncios devuelven errores debido a problemas de configuración",
	       "How the integration is set up, the failing calls or pages, and the errors "
	       "returned.",
	       "Cómo está configurada la integración, las llamadas o páginas que fallan y los "
	       "errores devueltos.",
	       OTHER_RULES, NULL),
	ROUTED("manual-config", TEAM_KEY_CLIENT_SERVICES,
	       "Necessary manual configuration changes that cannot be accomplished through the "
	       "product",
	       "Cambios de configuración manuales necesarios que no se pueden realizar a través "
	       "del producto",
	       "Data provider segment sharing",
	       "Uso compartido de segmentos del proveedor de datos",
	       "The change you need, the objects it applies to, and the business justification.",
	       "El cambio que necesita, los objetos a los que se aplica y la justificación "
	       "empresarial.",
	       JUSTIFIED_RULES, NULL),
	ROUTED("ad-serving", TEAM_KEY_CLIENT_SERVICES, "Observed ad serving issues",
	       "Problemas de publicación de anuncios observados",
	       "Placements start showing blanks without apparent cause",
	       "Las ubicaciones comienzan a mostrar espacios en blanco sin causa aparente",
	       "The placements or creatives affected, since when, and test pages where it shows.",
	       "Las ubicaciones o creatividades afectadas, desde cuándo, y páginas de prueba "
	       "donde se observa.",
	       OTHER_RULES, NULL),
	ROUTED("buying-selling", TEAM_KEY_CLIENT_SERVICES,
	       "Technical difficulties related to purchasing and selling media",
	       "Dificultades técnicas relacionadas con la compra y venta de medios",
	       "Campaign will not serve for any discernible reason",
	       "La campaña no servirá por ninguna razón discernible",
	       "The campaign, line item or deal ids, and what you expected to happen.",
	       "Los id. de la campaña, línea de pedido o acuerdo, y lo que esperaba que ocurriera.",
	       OTHER_RULES, NULL),
	ROUTED("traffic-quality", TEAM_KEY_CLIENT_SERVICES, "Traffic quality questions",
	       "Preguntas sobre la calidad del tráfico", "Suspiciously high CTR",
	       "CTR sospechosamente alta",
	       "The objects and period affected and the figures that look wrong.",
	       "Los objetos y el período afectados y las cifras que parecen incorrectas.",
	       OTHER_RULES, NULL),
	ROUTED("ui-api-bug", TEAM_KEY_CLIENT_SERVICES, "UI/API bugs and product issues",
	       "Problemas de productos y errores de interfaz de usuario/API",
	       "Button not functioning, API PUT call not making the expected changes",
	       "Botón que no funciona, llamada PUT de API que no realiza los cambios esperados",
	       "The steps or API call, what happened instead, your browser and operating system "
	       "with versions, and a screenshot of the UI.",
	       "Los pasos o la llamada a la API, qué ocurrió en su lugar, el explorador y el "
	       "sistema operativo con sus versiones, y una captura de la interfaz.",
	       BUG_RULES, NULL),
	ACCOUNT("business", "Business-related questions", "Preguntas relacionadas con la empresa"),
	ACCOUNT("billing", "Billing", "Facturación"),
	ACCOUNT("training", "Training", "Formación"),
	ACCOUNT("enhancement", "Requests for enhancement", "Solicitudes de mejora"),
	ACCOUNT("roadmap", "Product roadmap inquiries",
		"Preguntas sobre la hoja de ruta del producto"),
	ACCOUNT("general-usage", "General product usage", "Uso general del producto"),
	ACCOUNT("beta-program",
		"Participation in alpha/beta testing for a feature or functionality",
		"Participación en pruebas beta alfa para una característica o funcionalidad"),
};

static const char *const field_names[REQUEST_FIELD_COUNT] = {
	[REQUEST_FIELD_SUBJECT] = "subject",
	[REQUEST_FIELD_DESCRIPTION] = "description",
	[REQUEST_FIELD_IMPACT] = "impact",
	[REQUEST_FIELD_OBJECT_IDS] = "object_ids",
	[REQUEST_FIELD_STEPS] = "steps",
	[REQUEST_FIELD_URLS] = "urls",
	[REQUEST_FIELD_BROWSER] = "browser",
	[REQUEST_FIELD_OS] = "os",
	[REQUEST_FIELD_SCREENSHOT] = "attachments",
	[REQUEST_FIELD_BUSINESS_JUSTIFICATION] = "business_justification",
};

static const char *const level_names[] = {
	[REQUEST_LEVEL_OPTIONAL] = "optional",
	[REQUEST_LEVEL_RECOMMENDED] = "recommended",
	[REQUEST_LEVEL_REQUIRED] = "required",
};
#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

static const char *const object_types[] = {
	"creative",  "member", "bidder",  "placement", "line_item", "insertion_order", "advertiser",
	"publisher", "site",   "segment", "deal",      "campaign",  "report",
};

#define FIELD_LIST                                                                                 \
	"subject, description, impact, object_ids, steps, urls, browser, os, attachments, "        \
	"business_justification"
#define OBJECT_TYPE_LIST                                                                           \
	"creative, member, bidder, placement, line_item, insertion_order, advertiser, "            \
	"publisher, site, segment, deal, campaign, report"

const struct request_type *request_types_default(size_t *n)
{
	*n = sizeof(defaults) / sizeof(defaults[0]);
	return defaults;
}

const struct request_type *request_type_find(const struct request_type *all, size_t n,
					     const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].key, key) == 0)
			return &all[i];
	return NULL;
}

const char *request_type_field_name(enum request_field field)
{
	return (unsigned)field < REQUEST_FIELD_COUNT ? field_names[field] : "?";
}

/* The index of the N bytes at P among NAMES, or -1. */
static int lookup(const char *const *names, size_t count, const char *p, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
			return (int)i;
	return -1;
}

int request_type_field_parse(const char *name, enum request_field *out, struct sb_error *err)
{
	int i = lookup(field_names, REQUEST_FIELD_COUNT, name, strlen(name));
	if (i < 0) {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(err, SB_EINVAL, "unknown field '%s' (expected one of %s)",
				    sb_quote(q, name, SIZE_MAX), FIELD_LIST);
	}
	*out = (enum request_field)i;
	return 0;
}

const char *request_level_name(enum request_level level)
{
	return (unsigned)level < LEVEL_COUNT ? level_names[level] : "?";
}

int request_level_parse(const char *name, enum request_level *out, struct sb_error *err)
{
	int i = lookup(level_names, LEVEL_COUNT, name, strlen(name));
	if (i < 0) {
		char q[SB_QUOTE_SIZE];
		return sb_error_set(
			err, SB_EINVAL,
			"unknown level '%s' (expected optional, recommended or required)",
			sb_quote(q, name, SIZE_MAX));
	}
	*out = (enum request_level)i;
	return 0;
}

/* Narrows [*p, *end) past spaces on both sides. */
static void trim(const char **p, const char **end)
{
	while (*p < *end && **p == ' ')
		(*p)++;
	while (*end > *p && (*end)[-1] == ' ')
		(*end)--;
}

int request_rules_parse(const char *text, enum request_level rules_out[REQUEST_FIELD_COUNT],
			struct sb_error *err)
{
	char q[SB_QUOTE_SIZE];
	size_t len = strnlen(text, REQUEST_RULES_MAX + 1);
	if (len > REQUEST_RULES_MAX)
		return sb_error_set(err, SB_EINVAL, "rules longer than %d bytes",
				    REQUEST_RULES_MAX);

	enum request_level rules[REQUEST_FIELD_COUNT] = {0};
	bool seen[REQUEST_FIELD_COUNT] = {0};
	const char *p = text, *stop = text + len;
	for (int item = 1;; item++) {
		const char *comma = memchr(p, ',', (size_t)(stop - p));
		const char *end = comma ? comma : stop;
		const char *f = p, *f_end = end;
		trim(&f, &f_end);
		if (f == f_end)
			return sb_error_set(err, SB_EINVAL,
					    "rules item %d is empty (expected FIELD=LEVEL)", item);
		const char *eq = memchr(f, '=', (size_t)(f_end - f));
		if (!eq)
			return sb_error_set(err, SB_EINVAL, "rules item '%s' is not FIELD=LEVEL",
					    sb_quote(q, f, (size_t)(f_end - f)));
		const char *l = eq + 1, *l_end = f_end;
		f_end = eq;
		trim(&f, &f_end);
		trim(&l, &l_end);

		int field = lookup(field_names, REQUEST_FIELD_COUNT, f, (size_t)(f_end - f));
		if (field < 0)
			return sb_error_set(err, SB_EINVAL,
					    "unknown field '%s' in rules (expected one of %s)",
					    sb_quote(q, f, (size_t)(f_end - f)), FIELD_LIST);
		int level = lookup(level_names, LEVEL_COUNT, l, (size_t)(l_end - l));
		if (level < 0)
			return sb_error_set(err, SB_EINVAL,
					    "unknown level '%s' for %s (expected optional, "
					    "recommended or required)",
					    sb_quote(q, l, (size_t)(l_end - l)),
					    field_names[field]);
		if (seen[field])
			return sb_error_set(err, SB_EINVAL, "field %s named twice in rules",
					    field_names[field]);
		seen[field] = true;
		rules[field] = (enum request_level)level;
		if (!comma)
			break;
		p = comma + 1;
	}

	if (rules[REQUEST_FIELD_SUBJECT] != REQ || rules[REQUEST_FIELD_DESCRIPTION] != REQ)
		return sb_error_set(err, SB_EINVAL,
				    "%s must be required: every ticket has a subject and a "
				    "description",
				    rules[REQUEST_FIELD_SUBJECT] != REQ ? "subject"
									: "description");
	memcpy(rules_out, rules, sizeof(rules));
	return 0;
}

const char *request_rules_format(const enum request_level rules[REQUEST_FIELD_COUNT],
				 char buf[REQUEST_RULES_TEXT_SIZE])
{
	size_t used = 0;
	buf[0] = '\0';
	for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
		if (rules[f] == REQUEST_LEVEL_OPTIONAL)
			continue;
		/* Cannot truncate: every field at its longest level fits with room to spare. */
		int n = snprintf(buf + used, REQUEST_RULES_TEXT_SIZE - used, "%s%s=%s",
				 used ? "," : "", field_names[f], request_level_name(rules[f]));
		used += (size_t)n;
	}
	return buf;
}

bool request_object_type_valid(const char *type)
{
	return type && lookup(object_types, sizeof(object_types) / sizeof(object_types[0]), type,
			      strlen(type)) >= 0;
}

const char *request_object_types_list(void)
{
	return OBJECT_TYPE_LIST;
}
