/* The teams of the seed's table; names in Spanish are the seed translation's. */
#include "teams.h"

#include <string.h>

static const struct team teams[] = {
	{TEAM_KEY_ANTI_MALVERTISING, "Anti-Malvertising", "Anti-malvertising"},
	{TEAM_KEY_APP_SUPPORT, "App Support", "Compatibilidad con aplicaciones"},
	{TEAM_KEY_AD_QUALITY, "Ad Quality", "Calidad del anuncio"},
	{TEAM_KEY_CLIENT_SERVICES, "Client Services", "Servicios de cliente"},
	{TEAM_KEY_INVENTORY_QUALITY, "Inventory Quality", "Calidad del inventario"},
};

const struct team *team_find(const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
		if (strcmp(teams[i].key, key) == 0)
			return &teams[i];
	return NULL;
}

const struct team *teams_all(size_t *n)
{
	*n = sizeof(teams) / sizeof(teams[0]);
	return teams;
}
