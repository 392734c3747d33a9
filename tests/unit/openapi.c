/*
 * The OpenAPI document (docs/api/openapi.json) against the route table
 * (src/api/routes.c): every route must be documented, with its method, and
 * the document must describe no route the server lacks.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "api/internal.h"

static json_t *load(void)
{
	json_error_t e;
	json_t *doc = json_load_file(SB_SOURCE_DIR "/docs/api/openapi.json", 0, &e);
	cr_assert_not_null(doc, "openapi.json: %s", e.text);
	return doc;
}

static void lower(const char *in, char *out, size_t size)
{
	size_t i = 0;
	for (; in[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

Test(openapi, every_route_is_documented_with_its_method)
{
	json_t *doc = load();
	json_t *paths = json_object_get(doc, "paths");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	for (size_t i = 0; i < api_routes_count; i++) {
		char method[16];
		lower(api_routes[i].method, method, sizeof(method));
		json_t *path = json_object_get(paths, api_routes[i].pattern);
		cr_assert_not_null(path, "%s is not in openapi.json", api_routes[i].pattern);
		cr_assert_not_null(json_object_get(path, method), "%s %s is not in openapi.json",
				   api_routes[i].method, api_routes[i].pattern);
	}
	json_decref(doc);
}

Test(openapi, the_document_describes_only_real_routes)
{
	json_t *doc = load();
	const char *pattern, *method;
	json_t *path, *op;
	json_object_foreach(json_object_get(doc, "paths"), pattern, path)
	{
		json_object_foreach(path, method, op)
		{
			if (strcmp(method, "parameters") == 0)
				continue;
			bool found = false;
			for (size_t i = 0; i < api_routes_count && !found; i++) {
				char m[16];
				lower(api_routes[i].method, m, sizeof(m));
				found = strcmp(api_routes[i].pattern, pattern) == 0 &&
					strcmp(m, method) == 0;
			}
			cr_assert(found, "openapi.json documents %s %s, which no route serves",
				  method, pattern);
		}
	}
	json_decref(doc);
}
