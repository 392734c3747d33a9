/*
 * Arenas: memory that lives exactly as long as one request, job run or
 * inbound message, and is freed in one call.
 *
 * Allocation bumps a pointer inside a block; a block that runs out is
 * chained and a larger one started. Nothing is freed piecemeal. Every
 * allocation is aligned for any type. An arena is not thread-safe: it
 * belongs to the one thread working on its request.
 */
#ifndef SB_UTIL_ARENA_H
#define SB_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new, empty arena; NULL when out of memory. Free it with arena_free(). */
struct arena *arena_new(void);

/* Frees the arena and everything allocated from it. Accepts NULL. */
void arena_free(struct arena *a);

/* SIZE bytes, uninitialized; NULL when out of memory. Owned by A. */
void *arena_alloc(struct arena *a, size_t size);

/* SIZE zeroed bytes; NULL when out of memory. Owned by A. */
void *arena_zalloc(struct arena *a, size_t size);

/* Copies of strings, NUL-terminated; NULL when out of memory. Owned by A. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena; NULL when out of memory. Owned by A. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
