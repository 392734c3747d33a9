/* Tests for src/core/teams.c: the five teams of the seed's routing table. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/teams.h"

Test(teams, there_are_exactly_the_five_teams_of_the_seed)
{
	static const char *const keys[] = {"anti-malvertising", "app-support", "ad-quality",
					   "client-services", "inventory-quality"};
	size_t n;
	const struct team *all = teams_all(&n);
	cr_assert_eq(n, 5);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(all[i].key, keys[i]);
}

Test(teams, find_returns_the_team_with_its_names_in_both_languages)
{
	const struct team *t = team_find("client-services");
	cr_assert_not_null(t);
	cr_assert_str_eq(t->name_en, "Client Services");
	cr_assert_str_eq(t->name_es, "Servicios de cliente");
	t = team_find("app-support");
	cr_assert_not_null(t);
	cr_assert_str_eq(t->name_en, "App Support");
	cr_assert_str_eq(t->name_es, "Compatibilidad con aplicaciones");
	t = team_find("ad-quality");
	cr_assert_str_eq(t->name_es, "Calidad del anuncio");
	t = team_find("inventory-quality");
	cr_assert_str_eq(t->name_es, "Calidad del inventario");
	t = team_find("anti-malvertising");
	cr_assert_str_eq(t->name_en, "Anti-Malvertising");
}

Test(teams, find_returns_a_pointer_into_the_list)
{
	size_t n;
	const struct team *all = teams_all(&n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(team_find(all[i].key), &all[i]);
}

Test(teams, unknown_or_differently_spelled_keys_are_not_found)
{
	cr_assert_null(team_find("billing"));
	cr_assert_null(team_find("Client-Services"));
	cr_assert_null(team_find("client services"));
	cr_assert_null(team_find("client-services "));
	cr_assert_null(team_find(""));
	cr_assert_null(team_find(NULL));
}

Test(teams, every_team_has_names_in_both_languages)
{
	size_t n;
	const struct team *all = teams_all(&n);
	for (size_t i = 0; i < n; i++) {
		cr_assert(all[i].name_en && *all[i].name_en, "%s", all[i].key);
		cr_assert(all[i].name_es && *all[i].name_es, "%s", all[i].key);
	}
}
