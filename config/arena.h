/* arena.h — a bump allocator for the registry: every node, string and
 * diagnostic of one load lives in one arena and is freed at once.
 * Allocation failure is sticky: once a request fails, `failed` stays set
 * and the loader reports "out of memory" instead of a partial result.
 * Thread-safety: an arena is used by one thread at a time. */
#ifndef WIPPY_CONFIG_ARENA_H
#define WIPPY_CONFIG_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct {
    arena_chunk *chunks;  /* newest first */
    bool failed;          /* some allocation returned NULL */
} arena;

/* Zeroed memory for size bytes, aligned for any type; NULL on failure. */
void *cfg_arena_alloc(arena *a, size_t size);

/* Copies of strings; NULL on failure (or when s is NULL). */
char *cfg_arena_strdup(arena *a, const char *s);
char *cfg_arena_strndup(arena *a, const char *s, size_t n);

/* printf into the arena; NULL on failure. */
char *cfg_arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *cfg_arena_vprintf(arena *a, const char *fmt, va_list ap);

/* Grows an array of elem_size items held in *items (capacity *cap) so that
 * one more fits after *count; the old block stays in the arena. */
bool cfg_arena_grow(arena *a, void **items, size_t *cap, size_t count, size_t elem_size);

/* Frees every chunk. */
void cfg_arena_free(arena *a);

#endif
