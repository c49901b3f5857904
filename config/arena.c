/* arena.c — the registry's bump allocator (see arena.h). */
#include "config/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK_SIZE = 64 * 1024 };

struct arena_chunk {
    arena_chunk *next;
    size_t used, size;
    max_align_t data[];   /* storage follows, aligned for any type */
};

void *cfg_arena_alloc(arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    arena_chunk *c = a->chunks;
    if (c == NULL || c->size - c->used < size) {
        size_t bytes = size > ARENA_CHUNK_SIZE ? size : ARENA_CHUNK_SIZE;
        if (bytes > SIZE_MAX - sizeof *c) {
            a->failed = true;
            return NULL;
        }
        c = malloc(sizeof *c + bytes);
        if (c == NULL) {
            a->failed = true;
            return NULL;
        }
        c->used = 0;
        c->size = bytes;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *cfg_arena_strndup(arena *a, const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *p = cfg_arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *cfg_arena_strdup(arena *a, const char *s)
{
    return s == NULL ? NULL : cfg_arena_strndup(a, s, strlen(s));
}

char *cfg_arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        a->failed = true;
        return NULL;
    }
    char *p = cfg_arena_alloc(a, (size_t)n + 1);
    if (p != NULL)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *cfg_arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = cfg_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

bool cfg_arena_grow(arena *a, void **items, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return true;
    size_t new_cap = *cap ? *cap * 2 : 8;
    if (new_cap > SIZE_MAX / elem_size) {
        a->failed = true;
        return false;
    }
    void *p = cfg_arena_alloc(a, new_cap * elem_size);
    if (p == NULL)
        return false;
    if (count)
        memcpy(p, *items, count * elem_size);
    *items = p;
    *cap = new_cap;
    return true;
}

void cfg_arena_free(arena *a)
{
    arena_chunk *c = a->chunks;
    while (c != NULL) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
    a->failed = false;
}
