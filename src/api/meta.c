/*
 * The server itself: health and the API's own description. The settings
 * admins change while it runs are in settings.c.
 */
#include "api/internal.h"

extern const char api_openapi_json[];
extern const unsigned long api_openapi_json_len;

int api_healthz(struct api_call *call)
{
	int version = 0;
	int rc = store_current_version(call->api->store, &version, &call->err);
	if (rc < 0)
		return api_fail(call, SB_EBUSY, "database unavailable: %s", call->err.message);
	return api_json(call, 200,
			json_pack("{s:s, s:i, s:s}", "status", "ok", "schema_version", version,
				  "version", SB_VERSION));
}

int api_openapi(struct api_call *call)
{
	http_response_header(call->res, "Cache-Control", "public, max-age=300");
	return api_raw(call, 200, "application/json", api_openapi_json,
		       (size_t)api_openapi_json_len);
}
