/*
 * Teams: the five support teams of the seed's routing table.
 *
 * A routed request type names one of these by key; the keys are stable
 * identifiers (storage, API, configuration) and never change. The names are
 * the seed's, in English and in the Spanish of its translation. The list is
 * constant data: looking a team up allocates nothing and is thread-safe.
 */
#ifndef SB_CORE_TEAMS_H
#define SB_CORE_TEAMS_H

#include <stddef.h>

#define TEAM_KEY_ANTI_MALVERTISING "anti-malvertising"
#define TEAM_KEY_APP_SUPPORT       "app-support"
#define TEAM_KEY_AD_QUALITY        "ad-quality"
#define TEAM_KEY_CLIENT_SERVICES   "client-services"
#define TEAM_KEY_INVENTORY_QUALITY "inventory-quality"

struct team {
	const char *key;
	const char *name_en;
	const char *name_es;
};

/* The team with KEY (exact, case-sensitive), or NULL. Static data. */
const struct team *team_find(const char *key);

/* All teams, in the seed's order; *n is their count. Static data. */
const struct team *teams_all(size_t *n);

#endif
