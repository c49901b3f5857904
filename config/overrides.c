/* overrides.c — values given on the command line that replace what the
 * YAML says: `wippy run -o ns:entry:field=value` (an entry's field, before
 * the entry is checked) and the dotted-path setter that `--set
 * section.path=value` uses on .wippy.yaml (runtime_config.c). It edits
 * parsed trees only (the registry's arena); it may not read files. */
#include <stdio.h>
#include <string.h>

#include "config/loader.h"

#define OVERRIDE_MAX_PATH 16     /* dotted parts of one path */

/* The value of key in map, made (an empty mapping, or a scalar when last)
 * when absent. NULL when memory runs out. */
static cfg_node *child(arena *a, cfg_node *map, const char *key, size_t keylen)
{
    for (size_t i = 0; i < map->count; i++)
        if (strlen(map->keys[i]->text) == keylen && !strncmp(map->keys[i]->text, key, keylen))
            return map->items[i];
    if (map->count == map->cap) {
        size_t cap = map->cap ? map->cap * 2 : 4;
        cfg_node **keys = cfg_arena_alloc(a, cap * sizeof *keys);
        cfg_node **items = cfg_arena_alloc(a, cap * sizeof *items);
        if (keys == NULL || items == NULL)
            return NULL;
        if (map->count > 0) {
            memcpy(keys, map->keys, map->count * sizeof *keys);
            memcpy(items, map->items, map->count * sizeof *items);
        }
        map->keys = keys;
        map->items = items;
        map->cap = cap;
    }
    cfg_node *k = cfg_arena_alloc(a, sizeof *k), *v = cfg_arena_alloc(a, sizeof *v);
    const char *text = cfg_arena_strndup(a, key, keylen);
    if (k == NULL || v == NULL || text == NULL)
        return NULL;
    *k = (cfg_node){ .type = CFG_NODE_SCALAR, .line = map->line, .col = map->col, .text = text };
    *v = (cfg_node){ .type = CFG_NODE_MAP, .line = map->line, .col = map->col };
    map->keys[map->count] = k;
    map->items[map->count] = v;
    map->count++;
    return v;
}

bool cfg_node_set_path(arena *a, cfg_node *root, const char *path, const char *value, char *err,
                       size_t errlen)
{
    if (root == NULL || root->type != CFG_NODE_MAP) {
        snprintf(err, errlen, "%s: the document is not a mapping", path);
        return false;
    }
    cfg_node *at = root;
    const char *p = path;
    for (int depth = 0;; depth++) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || depth == OVERRIDE_MAX_PATH) {
            snprintf(err, errlen, "%s: expected a dotted path of up to %d names (a.b.c)", path,
                     OVERRIDE_MAX_PATH);
            return false;
        }
        cfg_node *next = child(a, at, p, len);
        if (next == NULL) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        if (dot == NULL) {
            const char *text = cfg_arena_strdup(a, value);
            if (text == NULL) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            /* a plain scalar: "5" reads as a number, "true" as a bool */
            *next = (cfg_node){ .type = value[0] ? CFG_NODE_SCALAR : CFG_NODE_NULL,
                                .line = next->line, .col = next->col, .text = text };
            return true;
        }
        if (next->type != CFG_NODE_MAP) {
            snprintf(err, errlen, "%s: %.*s is %s, not a mapping", path, (int)(dot - path), path,
                     cfg_node_type_name(next));
            return false;
        }
        at = next;
        p = dot + 1;
    }
}

bool cfg_override_split(const char *spec, char *id, size_t idlen, const char **field,
                        const char **value)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return false;
    const char *colon = NULL;
    for (const char *c = spec; c < eq; c++)
        if (*c == ':')
            colon = c;
    const char *first = memchr(spec, ':', (size_t)(eq - spec));
    if (colon == NULL || first == colon || first == spec || colon + 1 == eq ||
        (size_t)(colon - spec) >= idlen)
        return false;
    memcpy(id, spec, (size_t)(colon - spec));
    id[colon - spec] = '\0';
    *field = colon + 1;
    *value = eq + 1;
    return true;
}

void cfg_apply_overrides(cfg_registry *r, entry_rec *e, cfg_node *map)
{
    for (size_t i = 0; i < r->noverrides; i++) {
        char id[512], path[512], err[256];
        const char *field, *value;
        if (!cfg_override_split(r->overrides[i], id, sizeof id, &field, &value) ||
            strcmp(id, e->pub.id) != 0)
            continue;
        size_t n = (size_t)(value - 1 - field);
        if (n >= sizeof path)
            n = sizeof path - 1;
        memcpy(path, field, n);
        path[n] = '\0';
        r->override_used[i] = true;
        if (!cfg_node_set_path(&r->a, map, path, value, err, sizeof err))
            cfg_report(r, e, map, NULL, "-o %s: %s", r->overrides[i], err);
    }
}

void cfg_check_overrides(cfg_registry *r)
{
    for (size_t i = 0; i < r->noverrides; i++) {
        char id[512];
        const char *field, *value;
        if (!cfg_override_split(r->overrides[i], id, sizeof id, &field, &value))
            cfg_report_file(r, NULL, 0, 0, "-o %s: expected ns:entry:field=value",
                            r->overrides[i]);
        else if (!r->override_used[i])
            cfg_report_file(r, NULL, 0, 0, "-o %s: no entry %s", r->overrides[i], id);
    }
}
