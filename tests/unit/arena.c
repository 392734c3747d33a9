/* Tests for src/util/arena.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"

Test(arena, allocations_are_aligned_and_distinct)
{
	struct arena *a = arena_new();
	char *prev = NULL;
	for (int i = 1; i < 2000; i++) {
		char *p = arena_alloc(a, (size_t)(i % 37) + 1);
		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % 16, 0);
		cr_assert_neq(p, prev);
		memset(p, 0xab, (size_t)(i % 37) + 1); /* ASan: the bytes are ours */
		prev = p;
	}
	arena_free(a);
}

Test(arena, large_allocations_get_their_own_block)
{
	struct arena *a = arena_new();
	char *small = arena_alloc(a, 10);
	char *big = arena_alloc(a, 10 * 1024 * 1024);
	cr_assert_not_null(big);
	memset(big, 1, 10 * 1024 * 1024);
	strcpy(small, "still here");
	cr_assert_str_eq(small, "still here");
	cr_assert_geq(arena_used(a), 10 * 1024 * 1024);
	arena_free(a);
}

Test(arena, strings_and_printf)
{
	struct arena *a = arena_new();
	cr_assert_str_eq(arena_strdup(a, "ticket"), "ticket");
	cr_assert_str_eq(arena_strndup(a, "ticket", 3), "tic");
	cr_assert_str_eq(arena_printf(a, "#%d %s", 1234, "open"), "#1234 open");
	char *z = arena_zalloc(a, 64);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(z[i], 0);
	cr_assert_null(arena_alloc(a, SIZE_MAX - 8), "overflow is refused, not wrapped");
	arena_free(a);
	arena_free(NULL);
}
