/*
 * The route table: every route of the API, read top to bottom. The
 * dispatcher (router.c) enforces the roles and flags; the OpenAPI test reads
 * this same table (through `switchboard routes`) to check that every route
 * is documented.
 */
#include "api/internal.h"

#define KB 1024

const struct api_route api_routes[] = {
	/* method, pattern, handler, roles, flags, max body, summary */
	{"GET", "/healthz", api_healthz, API_PUBLIC, 0, 0, "Liveness and schema version"},
	{"GET", "/api/v1/openapi.json", api_openapi, API_PUBLIC, 0, 0, "This API's description"},

	{"POST", "/api/v1/session", api_session_create, API_PUBLIC, API_JSON_BODY, 4 * KB,
	 "Sign in: sets the session cookie, returns the CSRF token"},
	{"GET", "/api/v1/session", api_session_get, API_ANYONE, 0, 0, "Who is signed in"},
	{"DELETE", "/api/v1/session", api_session_delete, API_ANYONE, 0, 0, "Sign out"},

	{"POST", "/api/v1/orgs", api_orgs_create, API_ADMIN, API_JSON_BODY, 16 * KB,
	 "Add an organization"},
	{"GET", "/api/v1/orgs", api_orgs_list, API_ANYONE, 0, 0,
	 "Organizations by name (a contact: their own)"},
	{"GET", "/api/v1/orgs/{id}", api_orgs_get, API_ANYONE, 0, 0, "An organization"},
	{"PATCH", "/api/v1/orgs/{id}", api_orgs_update, API_ADMIN, API_JSON_BODY, 16 * KB,
	 "Change an organization, its SPOC or its account representative"},

	{"POST", "/api/v1/users", api_users_create, API_ADMIN, API_JSON_BODY, 8 * KB, "Add a user"},
	{"GET", "/api/v1/users", api_users_list, API_STAFF, 0, 0,
	 "Users by name, filtered by role, organization or team"},
	{"GET", "/api/v1/users/{id}", api_users_get, API_ANYONE, 0, 0, "A user"},
	{"PATCH", "/api/v1/users/{id}", api_users_update, API_ANYONE, API_JSON_BODY, 8 * KB,
	 "Change a user (admin), or your own name and language"},

	{"GET", "/api/v1/teams", api_teams_list, API_ANYONE, 0, 0, "The support teams"},
	{"PATCH", "/api/v1/teams/{key}", api_teams_update, API_ADMIN | API_LEAD, API_JSON_BODY,
	 4 * KB, "Rename a team (admin) or name its on-call person (admin, the team's lead)"},

	{"GET", "/api/v1/settings/calendar", api_settings_calendar_get, API_STAFF, 0, 0,
	 "The business calendar's settings"},
	{"PUT", "/api/v1/settings/calendar", api_settings_calendar_put, API_ADMIN, API_JSON_BODY,
	 64 * KB, "Change the business calendar: in force for the next due time"},
	{"POST", "/api/v1/calendar/preview", api_calendar_preview, API_STAFF, API_JSON_BODY,
	 64 * KB, "Due times on a calendar, without saving it"},
	{"GET", "/api/v1/settings/sla", api_settings_sla_get, API_STAFF, 0, 0, "The SLA settings"},
	{"PUT", "/api/v1/settings/sla", api_settings_sla_put, API_ADMIN, API_JSON_BODY, 4 * KB,
	 "Change the SLA settings"},
	{"GET", "/api/v1/request-types", api_request_types_list, API_ANYONE, 0, 0,
	 "Request types, their teams and field rules"},
	{"GET", "/api/v1/request-types/{key}", api_request_types_get, API_ANYONE, 0, 0,
	 "A request type"},
	{"PATCH", "/api/v1/request-types/{key}", api_request_types_update, API_ADMIN, API_JSON_BODY,
	 16 * KB, "Edit a request type"},

	{"POST", "/api/v1/tickets", api_tickets_create, API_CONTACT, API_JSON_BODY | API_MULTIPART,
	 25 * 1024 * KB, "File a ticket (the organization's SPOC only)"},
	{"GET", "/api/v1/tickets", api_tickets_list, API_ANYONE, 0, 0,
	 "List tickets, filtered, paged by cursor"},
	{"GET", "/api/v1/tickets/{id}", api_tickets_get, API_ANYONE, 0, 0, "A ticket"},
	{"PATCH", "/api/v1/tickets/{id}", api_tickets_update, API_ANYONE, API_JSON_BODY, 16 * KB,
	 "Change status, priority or assignee (If-Match)"},
	{"POST", "/api/v1/tickets/{id}/comments", api_comments_create, API_ANYONE, API_JSON_BODY,
	 256 * KB, "Reply, add an internal note or ask a follow-up question"},
	{"GET", "/api/v1/tickets/{id}/comments", api_comments_list, API_ANYONE, 0, 0,
	 "The conversation (notes only for staff)"},
	{"GET", "/api/v1/tickets/{id}/history", api_history_list, API_ANYONE, 0, 0,
	 "Every change to the ticket"},
	{"POST", "/api/v1/tickets/{id}/attachments", api_attachments_create, API_ANYONE,
	 API_MULTIPART, 25 * 1024 * KB, "Attach files (multipart/form-data, parts named file)"},
	{"GET", "/api/v1/tickets/{id}/attachments", api_attachments_list, API_ANYONE, 0, 0,
	 "A ticket's attachments"},
	{"GET", "/api/v1/attachments/{id}", api_attachments_get, API_ANYONE, 0, 0,
	 "An attachment's bytes"},
	{"GET", "/api/v1/events", api_events_stream, API_ANYONE, 0, 0,
	 "Live ticket events (Server-Sent Events)"},

	{"POST", "/api/v1/drafts", api_drafts_create, API_CONTACT, API_JSON_BODY, 256 * KB,
	 "Prepare a draft request (any contact)"},
	{"GET", "/api/v1/drafts", api_drafts_list, API_CONTACT, 0, 0,
	 "Unfiled drafts: the SPOC sees the organization's, others their own"},
	{"GET", "/api/v1/drafts/{id}", api_drafts_get, API_CONTACT, 0, 0, "A draft"},
	{"PATCH", "/api/v1/drafts/{id}", api_drafts_update, API_CONTACT, API_JSON_BODY, 256 * KB,
	 "Replace a draft's fields"},
	{"POST", "/api/v1/drafts/{id}/file", api_drafts_file, API_CONTACT, API_JSON_BODY, 256 * KB,
	 "File a draft as a ticket (the SPOC)"},
	{"POST", "/api/v1/drafts/{id}/return", api_drafts_return, API_CONTACT, API_JSON_BODY,
	 16 * KB, "Send a draft back to its author with a comment (the SPOC)"},

	{"POST", "/api/v1/engineering-issues", api_engineering_create, API_STAFF, API_JSON_BODY,
	 8 * KB, "Record an engineering issue"},
	{"GET", "/api/v1/engineering-issues", api_engineering_list, API_STAFF, 0, 0,
	 "Engineering issues, newest first, by key or fixed state"},
	{"GET", "/api/v1/engineering-issues/{id}", api_engineering_get, API_STAFF, 0, 0,
	 "An engineering issue and its linked tickets"},
	{"PATCH", "/api/v1/engineering-issues/{id}", api_engineering_update, API_STAFF,
	 API_JSON_BODY, 8 * KB, "Mark an issue fixed: resolves every linked ticket"},
	{"POST", "/api/v1/tickets/{id}/engineering-links", api_engineering_link, API_STAFF,
	 API_JSON_BODY, 4 * KB, "Link a ticket to an engineering issue"},
	{"GET", "/api/v1/tickets/{id}/engineering-links", api_engineering_ticket_links, API_STAFF,
	 0, 0, "The engineering issues a ticket is linked to"},

	{"POST", "/api/v1/webhooks", api_webhooks_create, API_ADMIN, API_JSON_BODY, 8 * KB,
	 "Register a webhook: returns its signing secret, once"},
	{"GET", "/api/v1/webhooks", api_webhooks_list, API_ADMIN, 0, 0,
	 "The webhooks, and the event types they may subscribe to"},
	{"GET", "/api/v1/webhooks/{id}", api_webhooks_get, API_ADMIN, 0, 0, "A webhook"},
	{"PATCH", "/api/v1/webhooks/{id}", api_webhooks_update, API_ADMIN, API_JSON_BODY, 8 * KB,
	 "Change a webhook's URL, events, description, or enable and disable it"},
	{"DELETE", "/api/v1/webhooks/{id}", api_webhooks_delete, API_ADMIN, 0, 0,
	 "Delete a webhook and its delivery log"},
	{"POST", "/api/v1/webhooks/{id}/rotate-secret", api_webhooks_rotate, API_ADMIN, 0, 0,
	 "A new signing secret, returned once; the old one signs too for 24 hours"},
	{"POST", "/api/v1/webhooks/{id}/test", api_webhooks_test, API_ADMIN, 0, 0,
	 "Queue a webhook.test event for this webhook"},
	{"GET", "/api/v1/webhooks/{id}/deliveries", api_webhooks_deliveries, API_ADMIN, 0, 0,
	 "The delivery log, newest first"},
	{"GET", "/api/v1/webhook-deliveries/{id}", api_webhook_deliveries_get, API_ADMIN, 0, 0,
	 "One delivery, with the payload sent"},
	{"POST", "/api/v1/webhook-deliveries/{id}/retry", api_webhook_deliveries_retry, API_ADMIN,
	 0, 0, "Send a failed delivery again (same webhook-id)"},

	{"GET", "/api/v1/outbox", api_outbox_list, API_ADMIN, 0, 0,
	 "Mail that did not go out: failed, or retrying after a failed attempt"},
	{"POST", "/api/v1/outbox/{id}/retry", api_outbox_retry, API_ADMIN, 0, 0,
	 "Retry a failed mail now"},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
