/* value_tree.c — host_values that hold others: lists and maps built
 * within the bounds of host.h (HOST_MAX_VALUE_DEPTH levels,
 * HOST_MAX_VALUE_BYTES of weight), their weight, deep copies and release.
 *
 * Every list or map keeps its depth and weight up to date as it grows, so
 * a push checks both bounds at once, before anything is allocated. Since
 * no value can be built deeper than HOST_MAX_VALUE_DEPTH, copying and
 * freeing may recurse: never more than that many calls deep. */
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

#define TOO_DEEP "nested more than 64 levels deep"
#define TOO_LARGE "larger than 16 MiB"
_Static_assert(HOST_MAX_VALUE_DEPTH == 64 && HOST_MAX_VALUE_BYTES == 16u << 20,
               "TOO_DEEP and TOO_LARGE name the bounds");

static bool is_container(const host_value *v)
{
    return v->kind == HOST_VALUE_LIST || v->kind == HOST_VALUE_MAP;
}

static unsigned depth_of(const host_value *v)
{
    return is_container(v) ? v->depth : 0;
}

size_t host_value_weight(const host_value *v)
{
    if (is_container(v))
        return v->weight;
    return sizeof(host_value) + (v->kind == HOST_VALUE_STRING ? v->len : 0);
}

/* ---- building ---- */

/* Frees a value that was to be taken over, and says why it was not. */
static bool refuse(host_value *v, const char **why, const char *reason)
{
    host_value_free(v);
    if (why != NULL)
        *why = reason;
    return false;
}

/* Why container c cannot take child plus `extra` bytes of key, or NULL
 * when it can. */
static const char *cannot_take(const host_value *c, const host_value *child, size_t extra)
{
    if (depth_of(child) >= HOST_MAX_VALUE_DEPTH)
        return TOO_DEEP;
    size_t room = HOST_MAX_VALUE_BYTES - c->weight;      /* c->weight <= the bound */
    size_t w = host_value_weight(child);
    if (w > room || extra > room - w)
        return TOO_LARGE;
    return NULL;
}

/* Makes room for one more slot of `size` bytes in *slots (doubling). */
static bool grow(void **slots, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 4;     /* the weight bound keeps n * size small */
    void *p = realloc(*slots, n * size);
    if (p == NULL)
        return false;
    *slots = p;
    *cap = n;
    return true;
}

host_value host_list(size_t n)
{
    host_value v = { .kind = HOST_VALUE_LIST, .depth = 1, .weight = sizeof(host_value) };
    size_t most = HOST_MAX_VALUE_BYTES / sizeof(host_value);   /* more could never fit */
    if (n > most)
        n = most;
    if (n > 0 && (v.items = malloc(n * sizeof *v.items)) != NULL)
        v.cap = n;
    return v;
}

bool host_list_push(host_value *list, host_value item, const char **why)
{
    if (list->kind != HOST_VALUE_LIST)
        return refuse(&item, why, "not a list");
    const char *no = cannot_take(list, &item, 0);
    if (no != NULL)
        return refuse(&item, why, no);
    if (!grow((void **)&list->items, &list->cap, list->len, sizeof *list->items))
        return refuse(&item, why, "out of memory");
    list->weight += host_value_weight(&item);
    if (depth_of(&item) + 1 > list->depth)
        list->depth = (uint8_t)(depth_of(&item) + 1);
    list->items[list->len++] = item;
    return true;
}

host_value host_map(void)
{
    return (host_value){ .kind = HOST_VALUE_MAP, .depth = 1, .weight = sizeof(host_value) };
}

/* The entry of key in map, or NULL. */
static host_map_entry *find(const host_value *map, const char *key, size_t len)
{
    for (size_t i = 0; i < map->len; i++) {
        host_map_entry *e = &map->entries[i];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
    return NULL;
}

bool host_map_append(host_value *map, const char *key, size_t len, host_value value,
                     const char **why)
{
    if (map->kind != HOST_VALUE_MAP)
        return refuse(&value, why, "not a map");
    const char *no = cannot_take(map, &value, len);
    if (no != NULL)
        return refuse(&value, why, no);
    char *copy = malloc(len + 1);
    if (copy == NULL || !grow((void **)&map->entries, &map->cap, map->len, sizeof *map->entries)) {
        free(copy);
        return refuse(&value, why, "out of memory");
    }
    if (len > 0)
        memcpy(copy, key, len);
    copy[len] = '\0';
    map->weight += host_value_weight(&value) + len;
    if (depth_of(&value) + 1 > map->depth)
        map->depth = (uint8_t)(depth_of(&value) + 1);
    map->entries[map->len++] = (host_map_entry){ .key = copy, .key_len = len, .value = value };
    return true;
}

bool host_map_set(host_value *map, const char *key, size_t len, host_value value,
                  const char **why)
{
    host_map_entry *e = map->kind == HOST_VALUE_MAP ? find(map, key, len) : NULL;
    if (e == NULL)
        return host_map_append(map, key, len, value, why);
    /* Replace in place: the map weighs the old value less, the new more. */
    size_t old = host_value_weight(&e->value), w = host_value_weight(&value);
    if (depth_of(&value) >= HOST_MAX_VALUE_DEPTH)
        return refuse(&value, why, TOO_DEEP);
    if (w > old && w - old > HOST_MAX_VALUE_BYTES - map->weight)
        return refuse(&value, why, TOO_LARGE);
    host_value_free(&e->value);
    e->value = value;
    map->weight = map->weight - old + w;
    unsigned depth = 0;                 /* the replaced value may have been the deepest */
    for (size_t i = 0; i < map->len; i++)
        if (depth_of(&map->entries[i].value) > depth)
            depth = depth_of(&map->entries[i].value);
    map->depth = (uint8_t)(depth + 1);
    return true;
}

const host_value *host_map_get(const host_value *map, const char *key, size_t len)
{
    host_map_entry *e = map->kind == HOST_VALUE_MAP ? find(map, key, len) : NULL;
    return e != NULL ? &e->value : NULL;
}

/* Byte order of keys; a key that is a prefix of another comes first. */
static int compare_keys(const void *a, const void *b)
{
    const host_map_entry *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->key_len < y->key_len ? x->key_len : y->key_len);
    if (c != 0)
        return c;
    return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

void host_map_sort(host_value *map)
{
    if (map->kind == HOST_VALUE_MAP && map->len > 1)
        qsort(map->entries, map->len, sizeof *map->entries, compare_keys);
}

/* ---- copy and release (recursion bounded by HOST_MAX_VALUE_DEPTH) ---- */

/* Copies src into *dst; false (with *dst nil, nothing left allocated)
 * when out of memory. */
static bool copy_into(host_value *dst, const host_value *src)
{
    *dst = *src;
    switch (src->kind) {
    case HOST_VALUE_STRING:
        *dst = host_string(src->s, src->len);
        return dst->kind == HOST_VALUE_STRING;
    case HOST_VALUE_LIST:
        dst->len = dst->cap = 0;
        dst->items = src->len ? malloc(src->len * sizeof *dst->items) : NULL;
        if (src->len > 0 && dst->items == NULL)
            break;
        dst->cap = src->len;
        for (; dst->len < src->len; dst->len++)
            if (!copy_into(&dst->items[dst->len], &src->items[dst->len]))
                break;
        if (dst->len == src->len)
            return true;
        break;
    case HOST_VALUE_MAP:
        dst->len = dst->cap = 0;
        dst->entries = src->len ? malloc(src->len * sizeof *dst->entries) : NULL;
        if (src->len > 0 && dst->entries == NULL)
            break;
        dst->cap = src->len;
        for (; dst->len < src->len; dst->len++) {
            const host_map_entry *from = &src->entries[dst->len];
            host_map_entry *to = &dst->entries[dst->len];
            to->key_len = from->key_len;
            to->key = malloc(from->key_len + 1);
            if (to->key == NULL)
                break;
            memcpy(to->key, from->key, from->key_len + 1);
            if (!copy_into(&to->value, &from->value)) {
                free(to->key);
                break;
            }
        }
        if (dst->len == src->len)
            return true;
        break;
    default:
        return true;
    }
    host_value_free(dst);       /* what was copied before memory ran out */
    return false;
}

host_value host_value_copy(const host_value *v)
{
    host_value copy;
    return copy_into(&copy, v) ? copy : host_nil();
}

void host_value_free(host_value *v)
{
    if (v == NULL)
        return;
    switch (v->kind) {
    case HOST_VALUE_STRING:
        free(v->s);
        break;
    case HOST_VALUE_LIST:
        for (size_t i = 0; i < v->len; i++)
            host_value_free(&v->items[i]);
        free(v->items);
        break;
    case HOST_VALUE_MAP:
        for (size_t i = 0; i < v->len; i++) {
            free(v->entries[i].key);
            host_value_free(&v->entries[i].value);
        }
        free(v->entries);
        break;
    default:
        break;
    }
    *v = host_nil();
}
