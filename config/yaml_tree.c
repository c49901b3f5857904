/* yaml_tree.c — builds a cfg_node tree from libyaml's event stream with an
 * explicit stack (no recursion), keeping line and column of every node. */
#include "config/yaml_tree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

typedef struct {
    cfg_node *node;
    const char *anchor;     /* anchor of this open collection, or NULL */
} open_frame;

typedef struct {
    const char *name;
    cfg_node *node;
    bool complete;          /* false while the anchored collection is open */
} anchor_def;

typedef struct {
    arena *a;
    yaml_tree_error *err;
    open_frame stack[YAML_TREE_MAX_DEPTH];
    size_t depth;
    anchor_def *anchors;
    size_t nanchors, anchors_cap;
    cfg_node *root;
    int documents;
} builder;

/* Records why parsing stopped, at mark (or nowhere); always false. */
static bool __attribute__((format(printf, 3, 4)))
fail(builder *b, const yaml_mark_t *mark, const char *fmt, ...)
{
    b->err->line = mark ? (int)mark->line + 1 : 0;
    b->err->col = mark ? (int)mark->column + 1 : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
    va_end(ap);
    return false;
}

static bool out_of_memory(builder *b)
{
    return fail(b, NULL, "out of memory");
}

static cfg_node *new_node(builder *b, cfg_node_type type, const yaml_mark_t *mark)
{
    cfg_node *n = cfg_arena_alloc(b->a, sizeof *n);
    if (n != NULL) {
        n->type = type;
        n->line = (int)mark->line + 1;
        n->col = (int)mark->column + 1;
    }
    return n;
}

static bool is_null_text(const char *s)
{
    return !strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null") ||
           !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static cfg_node *scalar_node(builder *b, const yaml_event_t *ev)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(value, '\0', len) != NULL) {
        fail(b, &ev->start_mark, "a string contains a NUL character");
        return NULL;
    }
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    cfg_node *n = new_node(b, plain && is_null_text(value) ? CFG_NODE_NULL : CFG_NODE_SCALAR,
                           &ev->start_mark);
    if (n == NULL) {
        out_of_memory(b);
        return NULL;
    }
    n->quoted = !plain;
    n->text = n->type == CFG_NODE_NULL ? "" : cfg_arena_strndup(b->a, value, len);
    if (n->text == NULL) {
        out_of_memory(b);
        return NULL;
    }
    return n;
}

static bool remember_anchor(builder *b, const yaml_char_t *anchor, cfg_node *n, bool complete)
{
    if (anchor == NULL)
        return true;
    if (!cfg_arena_grow(b->a, (void **)&b->anchors, &b->anchors_cap, b->nanchors, sizeof *b->anchors))
        return out_of_memory(b);
    anchor_def *d = &b->anchors[b->nanchors++];
    d->name = cfg_arena_strdup(b->a, (const char *)anchor);
    d->node = n;
    d->complete = complete;
    return d->name != NULL || out_of_memory(b);
}

static void complete_anchor(builder *b, const char *name)
{
    for (size_t i = b->nanchors; name != NULL && i-- > 0;)
        if (!strcmp(b->anchors[i].name, name)) {
            b->anchors[i].complete = true;
            return;
        }
}

static bool append_child(builder *b, cfg_node *parent, cfg_node *child, cfg_node *key)
{
    if (parent->count == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        cfg_node **items = cfg_arena_alloc(b->a, cap * sizeof *items);
        cfg_node **keys = parent->type == CFG_NODE_MAP ? cfg_arena_alloc(b->a, cap * sizeof *keys) : NULL;
        if (items == NULL || (parent->type == CFG_NODE_MAP && keys == NULL))
            return out_of_memory(b);
        if (parent->count) {
            memcpy(items, parent->items, parent->count * sizeof *items);
            if (keys)
                memcpy(keys, parent->keys, parent->count * sizeof *keys);
        }
        parent->items = items;
        parent->keys = keys;
        parent->cap = cap;
    }
    if (key != NULL)
        parent->keys[parent->count] = key;
    parent->items[parent->count++] = child;
    return true;
}

/* Places a finished node: as the root, a sequence item, a mapping key
 * (held in pending[] until its value arrives), or the value of that key. */
static bool place(builder *b, cfg_node *n, cfg_node **pending)
{
    if (b->depth == 0) {
        b->root = n;
        return true;
    }
    cfg_node *parent = b->stack[b->depth - 1].node;
    if (parent->type == CFG_NODE_SEQ)
        return append_child(b, parent, n, NULL);
    cfg_node **key = &pending[b->depth - 1];
    if (*key == NULL) {
        if (n->type != CFG_NODE_SCALAR && n->type != CFG_NODE_NULL) {
            b->err->line = n->line;
            b->err->col = n->col;
            snprintf(b->err->message, sizeof b->err->message,
                     "mapping keys must be plain strings, not %s", cfg_node_type_name(n));
            return false;
        }
        const cfg_node *dup = cfg_map_key(parent, n->text);
        if (dup != NULL) {
            b->err->line = n->line;
            b->err->col = n->col;
            snprintf(b->err->message, sizeof b->err->message,
                     "mapping key \"%.80s\" already defined at line %d", n->text, dup->line);
            return false;
        }
        *key = n;
        return true;
    }
    cfg_node *k = *key;
    *key = NULL;
    return append_child(b, parent, n, k);
}

static bool build(builder *b, yaml_parser_t *p)
{
    cfg_node *pending[YAML_TREE_MAX_DEPTH] = {0};
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            b->err->line = (int)p->problem_mark.line + 1;
            b->err->col = (int)p->problem_mark.column + 1;
            snprintf(b->err->message, sizeof b->err->message, "YAML syntax error: %s%s%s",
                     p->problem ? p->problem : "unknown problem",
                     p->context ? " " : "", p->context ? p->context : "");
            return false;
        }
        bool ok = true, done = false;
        cfg_node *n = NULL;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++b->documents > 1)
                ok = fail(b, &ev.start_mark, "only one YAML document per file is supported");
            break;
        case YAML_SCALAR_EVENT:
            n = scalar_node(b, &ev);
            ok = n != NULL && remember_anchor(b, ev.data.scalar.anchor, n, true) &&
                 place(b, n, pending);
            break;
        case YAML_ALIAS_EVENT:
            for (size_t i = b->nanchors; i-- > 0;)
                if (!strcmp(b->anchors[i].name, (const char *)ev.data.alias.anchor)) {
                    n = b->anchors[i].node;
                    if (!b->anchors[i].complete)
                        ok = fail(b, &ev.start_mark, "alias *%s refers to a node that contains it",
                                  (const char *)ev.data.alias.anchor);
                    break;
                }
            if (ok && n == NULL)
                ok = fail(b, &ev.start_mark, "unknown alias *%s", (const char *)ev.data.alias.anchor);
            ok = ok && place(b, n, pending);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            bool map = ev.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor = map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            if (b->depth == YAML_TREE_MAX_DEPTH) {
                ok = fail(b, &ev.start_mark, "nesting deeper than %d levels", YAML_TREE_MAX_DEPTH);
                break;
            }
            n = new_node(b, map ? CFG_NODE_MAP : CFG_NODE_SEQ, &ev.start_mark);
            ok = n != NULL ? remember_anchor(b, anchor, n, false) : out_of_memory(b);
            if (ok) {
                b->stack[b->depth].node = n;
                b->stack[b->depth].anchor = anchor ? b->anchors[b->nanchors - 1].name : NULL;
                pending[b->depth] = NULL;
                b->depth++;
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            b->depth--;
            n = b->stack[b->depth].node;
            complete_anchor(b, b->stack[b->depth].anchor);
            ok = place(b, n, pending);
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (!ok)
            return false;
        if (done)
            return true;
    }
}

static bool parse_with(arena *a, yaml_parser_t *p, cfg_node **root, yaml_tree_error *err)
{
    builder b = { .a = a, .err = err };
    bool ok = build(&b, p);
    *root = ok ? b.root : NULL;
    return ok;
}

bool cfg_yaml_tree_parse_string(arena *a, const char *text, size_t len, cfg_node **root,
                            yaml_tree_error *err)
{
    memset(err, 0, sizeof *err);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = parse_with(a, &p, root, err);
    yaml_parser_delete(&p);
    return ok;
}

bool cfg_yaml_tree_parse_file(arena *a, const char *path, cfg_node **root, yaml_tree_error *err)
{
    memset(err, 0, sizeof *err);
    *root = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err->message, sizeof err->message, "cannot read file: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > (off_t)YAML_TREE_MAX_FILE) {
        snprintf(err->message, sizeof err->message, "file is larger than %u MiB",
                 YAML_TREE_MAX_FILE >> 20);
        fclose(f);
        return false;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err->message, sizeof err->message, "out of memory");
        fclose(f);
        return false;
    }
    yaml_parser_set_input_file(&p, f);
    bool ok = parse_with(a, &p, root, err);
    yaml_parser_delete(&p);
    fclose(f);
    return ok;
}

const cfg_node *cfg_map_key(const cfg_node *map, const char *key)
{
    if (map == NULL || map->type != CFG_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (!strcmp(map->keys[i]->text, key))
            return map->keys[i];
    return NULL;
}

const cfg_node *cfg_map_get(const cfg_node *map, const char *key)
{
    if (map == NULL || map->type != CFG_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (!strcmp(map->keys[i]->text, key))
            return map->items[i];
    return NULL;
}

bool cfg_node_is_null(const cfg_node *n)
{
    return n == NULL || n->type == CFG_NODE_NULL;
}

const char *cfg_node_type_name(const cfg_node *n)
{
    if (n == NULL)
        return "nothing";
    switch (n->type) {
    case CFG_NODE_NULL:   return "null";
    case CFG_NODE_SCALAR: return "a scalar";
    case CFG_NODE_MAP:    return "a mapping";
    case CFG_NODE_SEQ:    return "a list";
    }
    return "?";
}
