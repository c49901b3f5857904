/* subtype.c — whether an item of one type may be given where another is
 * expected (Subtyping.md), for instantiation arguments and export
 * ascriptions (types.h cm_subtype).
 *
 * Value types are compared structurally and exactly (as wasm-tools does:
 * records, variants, flags and enums by their labels in order, lists with
 * their length); func types exactly (the same parameter names and types,
 * the same result); an instance type is a subtype of another when it has
 * every export of the other, each a subtype; a component type when it has
 * no import the other lacks (each import of the other a subtype of its own,
 * contravariance) and every export of the other; a core module type like a
 * component type, core functions by their exact signature, core tables,
 * memories and globals by the core specification's import matching
 * (cm_core_extern_match).
 * Resources are the same only when they are the same node, or when one is
 * an abstract resource of the expected type bound to the given one: the
 * bindings are made as the type declarations are met, in order
 * (type-import substitution), so a later `own $r` names the given resource.
 *
 * Resources that stand for another (cm_type.alias_of) are compared by it.
 *
 * Also here: cm_core_extern_match (core tables, memories, globals),
 * cm_freshen (new resource nodes for each instance or imported instance)
 * and cm_substitute (type-import substitution).
 *
 * No recursion: the pairs left to compare are on an explicit stack, taken
 * depth first in declaration order (children pushed in reverse), which is
 * the order the bindings need. Touches the type arena only. */
#include "component/types.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    cm_typeid have, want;
    bool decl;             /* a type-sort declaration: may bind an abstract resource */
    const char *name;      /* the export/import it is, for the message (or NULL) */
} pair;

typedef struct {
    pair *items;
    uint32_t n, cap;
} stack;

static bool push(stack *s, cm_typeid have, cm_typeid want, bool decl, const char *name)
{
    if (!cm_grow((void **)&s->items, s->n, &s->cap, sizeof *s->items))
        return false;
    s->items[s->n++] = (pair){ have, want, decl, name };
    return true;
}

void cm_bindings_free(cm_bindings *b)
{
    free(b->pairs);
    memset(b, 0, sizeof *b);
}

static bool bound(const cm_bindings *b, cm_typeid r)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (b->pairs[2 * i] == r || b->pairs[2 * i + 1] == r)
            return true;
    return false;
}

static bool bind(cm_bindings *b, cm_typeid want, cm_typeid have)
{
    if (!cm_grow((void **)&b->pairs, b->n, &b->cap, 2 * sizeof *b->pairs))
        return false;
    b->pairs[2 * b->n] = want;
    b->pairs[2 * b->n + 1] = have;
    b->n++;
    return true;
}

bool cm_bindings_add(cm_bindings *b, cm_typeid want, cm_typeid have)
{
    return bind(b, want, have);
}

cm_typeid cm_resource_root(const cm_types *t, cm_typeid r)
{
    /* alias_of is always made a root and is older than the node: one step
     * suffices, the loop only guards. */
    while (r != CM_NO_TYPE && t->nodes[r].kind == CM_RESOURCE && t->nodes[r].alias_of != 0 &&
           t->nodes[r].alias_of < r)
        r = t->nodes[r].alias_of;
    return r;
}

static bool same_resource(const cm_types *t, const cm_bindings *b, cm_typeid x, cm_typeid y)
{
    x = cm_resource_root(t, x);
    y = cm_resource_root(t, y);
    if (x == y)
        return true;
    for (uint32_t i = 0; i < b->n; i++) {
        cm_typeid w = cm_resource_root(t, b->pairs[2 * i]), h = cm_resource_root(t, b->pairs[2 * i + 1]);
        if ((w == x && h == y) || (w == y && h == x))
            return true;
    }
    return false;
}

static const cm_decl *find(const cm_decl *decls, uint32_t n, const char *module, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(decls[i].name, name) == 0 &&
            (module == NULL || (decls[i].module != NULL && strcmp(decls[i].module, module) == 0)))
            return &decls[i];
    return NULL;
}

static bool same_labels(const cm_type *x, const cm_type *y)
{
    if (x->nfields != y->nfields)
        return false;
    for (uint32_t i = 0; i < x->nfields; i++) {
        const char *a = x->fields[i].label, *b = y->fields[i].label;
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
            return false;
        if ((x->fields[i].type == CM_NO_TYPE) != (y->fields[i].type == CM_NO_TYPE))
            return false;
    }
    return true;
}

static bool same_core_func(const cm_type *x, const cm_type *y)
{
    return x->nparams == y->nparams && x->nresults == y->nresults &&
           (x->nparams == 0 || memcmp(x->params, y->params, x->nparams * sizeof *x->params) == 0) &&
           (x->nresults == 0 || memcmp(x->results, y->results, x->nresults * sizeof *x->results) == 0);
}

static const char *kind_name(cm_kind k)
{
    switch (k) {
    case CM_RESOURCE: return "resource";
    case CM_FUNC: return "func";
    case CM_COMPONENT: return "component";
    case CM_INSTANCE: return "instance";
    case CM_CORE_FUNC: return "core func";
    case CM_CORE_MODULE: return "core module";
    case CM_CORE_INSTANCE: return "core instance";
    case CM_CORE_TABLE: return "core table";
    case CM_CORE_MEMORY: return "core memory";
    case CM_CORE_GLOBAL: return "core global";
    default: return "value type";
    }
}

/* "expected X, found Y" (the types printed) for the pair p. */
static void mismatch(const cm_types *t, const pair *p, const char *what, char *why, size_t len)
{
    char want[160] = "?", have[160] = "?";
    const cm_type *w = &t->nodes[p->want], *h = &t->nodes[p->have];
    FILE *f;
    if (w->kind <= CM_FUNC && w->kind != CM_RESOURCE && (f = fmemopen(want, sizeof want - 1, "w"))) {
        cm_type_print(t, p->want, NULL, f);
        fclose(f);
    } else {
        snprintf(want, sizeof want, "%s", kind_name(w->kind));
    }
    if (h->kind <= CM_FUNC && h->kind != CM_RESOURCE && (f = fmemopen(have, sizeof have - 1, "w"))) {
        cm_type_print(t, p->have, NULL, f);
        fclose(f);
    } else {
        snprintf(have, sizeof have, "%s", kind_name(h->kind));
    }
    snprintf(why, len, "%s%s%s%s: expected %s, found %s", p->name ? "in \"" : "",
             p->name ? p->name : "", p->name ? "\": " : "", what, want, have);
}

/* Pushes a pair (found, wanted) for each decl of `want` (reverse order, so
 * the first is taken first), found by name (and module) in `have`; 1 with
 * the message when one is missing or of another sort. For a component's
 * imports `want` is the given type's and `have` the expected one's
 * (contravariance): the expected import must be a subtype of the given. */
static int push_decls(stack *s, const cm_decl *have, uint32_t nhave, const cm_decl *want,
                      uint32_t nwant, const char *what, char *why, size_t len)
{
    for (uint32_t k = nwant; k-- > 0;) {
        const cm_decl *w = &want[k];
        const cm_decl *h = find(have, nhave, w->module, w->name);
        if (h == NULL) {
            snprintf(why, len, "missing expected %s \"%s%s%s\"", what, w->module ? w->module : "",
                     w->module ? "\" \"" : "", w->name);
            return 1;
        }
        if (h->sort != w->sort) {
            snprintf(why, len, "%s \"%s\": expected a %s, found a %s", what, w->name,
                     cm_sort_name(w->sort), cm_sort_name(h->sort));
            return 1;
        }
        if (h->type != CM_NO_TYPE && w->type != CM_NO_TYPE &&
            !push(s, h->type, w->type, w->sort == CM_SORT_TYPE, w->name))
            return -1;
    }
    return 0;
}

int cm_subtype(const cm_types *t, cm_typeid have, cm_typeid want, bool decl, cm_bindings *b,
               char *why, size_t len)
{
    stack s = { 0 };
    int r = 0;
    if (!push(&s, have, want, decl, NULL))
        return -1;
    while (r == 0 && s.n > 0) {
        pair p = s.items[--s.n];
        const cm_type *h = &t->nodes[p.have], *w = &t->nodes[p.want];
        if (p.have == p.want && !(w->kind == CM_RESOURCE && p.decl))
            continue;
        if (w->kind == CM_RESOURCE) {
            if (h->kind != CM_RESOURCE) {
                mismatch(t, &p, "type mismatch", why, len);
                r = 1;
            } else if (p.decl && w->abstract && !bound(b, p.want) && p.have != p.want) {
                if (!bind(b, p.want, p.have))
                    r = -1;
            } else if (!same_resource(t, b, p.have, p.want)) {
                snprintf(why, len, "%s%s%sresource types are not the same", p.name ? "in \"" : "",
                         p.name ? p.name : "", p.name ? "\": " : "");
                r = 1;
            }
            continue;
        }
        if (h->kind != w->kind) {
            mismatch(t, &p, "type mismatch", why, len);
            r = 1;
            continue;
        }
        bool ok = true;
        switch (w->kind) {
        case CM_RECORD: case CM_VARIANT: case CM_TUPLE: case CM_FLAGS: case CM_ENUM:
            if (!(ok = same_labels(h, w)))
                break;
            for (uint32_t i = w->nfields; i-- > 0;)
                if (w->fields[i].type != CM_NO_TYPE &&
                    !push(&s, h->fields[i].type, w->fields[i].type, false, p.name))
                    r = -1;
            break;
        case CM_LIST:
            ok = h->length == w->length;
            if (ok && !push(&s, h->elem, w->elem, false, p.name))
                r = -1;
            break;
        case CM_OPTION: case CM_OWN: case CM_BORROW:
            if (!push(&s, h->elem, w->elem, false, p.name))
                r = -1;
            break;
        case CM_RESULT:
            ok = (h->elem == CM_NO_TYPE) == (w->elem == CM_NO_TYPE) &&
                 (h->err == CM_NO_TYPE) == (w->err == CM_NO_TYPE);
            if (ok && ((w->err != CM_NO_TYPE && !push(&s, h->err, w->err, false, p.name)) ||
                       (w->elem != CM_NO_TYPE && !push(&s, h->elem, w->elem, false, p.name))))
                r = -1;
            break;
        case CM_FUNC:
            /* Exact, as wasm-tools: the same parameters by name and type. */
            if (!(ok = same_labels(h, w) && (h->elem == CM_NO_TYPE) == (w->elem == CM_NO_TYPE)))
                break;
            if (w->elem != CM_NO_TYPE && !push(&s, h->elem, w->elem, false, p.name))
                r = -1;
            for (uint32_t i = w->nfields; r == 0 && i-- > 0;)
                if (!push(&s, h->fields[i].type, w->fields[i].type, false, p.name))
                    r = -1;
            break;
        case CM_INSTANCE: case CM_CORE_INSTANCE:
            r = push_decls(&s, h->exports, h->nexports, w->exports, w->nexports, "export", why, len);
            break;
        case CM_COMPONENT: case CM_CORE_MODULE:
            /* Exports pushed first: the imports (and the resources they
             * bind) are taken first. */
            r = push_decls(&s, h->exports, h->nexports, w->exports, w->nexports, "export", why, len);
            if (r == 0)
                r = push_decls(&s, w->imports, w->nimports, h->imports, h->nimports, "import", why, len);
            break;
        case CM_CORE_FUNC:
            ok = same_core_func(h, w);
            break;
        case CM_CORE_TABLE: case CM_CORE_MEMORY: case CM_CORE_GLOBAL:
            r = cm_core_extern_match(t, p.have, p.want, why, len);
            break;
        default:   /* primitives: the same kind */
            break;
        }
        if (!ok) {
            mismatch(t, &p, "type mismatch", why, len);
            r = 1;
        }
    }
    free(s.items);
    if (r < 0)
        snprintf(why, len, "out of memory");
    return r;
}

/* Limits `have` within `want`: at least its minimum, a maximum when it has
 * one, and no greater. */
static bool limits_within(const cm_type *have, const cm_type *want)
{
    return have->core.min >= want->core.min &&
           (!want->core.has_max || (have->core.has_max && have->core.max <= want->core.max));
}

int cm_core_extern_match(const cm_types *t, cm_typeid have, cm_typeid want, char *why, size_t len)
{
    const cm_type *h = &t->nodes[have], *w = &t->nodes[want];
    if (h->kind != w->kind) {
        snprintf(why, len, "expected a %s, found a %s", kind_name(w->kind), kind_name(h->kind));
        return 1;
    }
    switch (w->kind) {
    case CM_CORE_GLOBAL:
        if (h->core.type != w->core.type) {
            snprintf(why, len, "expected global type %s, found %s", vm_valtype_name(w->core.type),
                     vm_valtype_name(h->core.type));
            return 1;
        }
        if (h->core.mutable_ != w->core.mutable_) {
            snprintf(why, len, "mismatch in global mutability: expected %s, found %s",
                     w->core.mutable_ ? "mutable" : "immutable", h->core.mutable_ ? "mutable" : "immutable");
            return 1;
        }
        return 0;
    case CM_CORE_TABLE:
        if (h->core.type != w->core.type) {
            snprintf(why, len, "expected table element type %s, found %s",
                     vm_valtype_name(w->core.type), vm_valtype_name(h->core.type));
            return 1;
        }
        if (!limits_within(h, w)) {
            snprintf(why, len, "mismatch in table limits: expected at least %llu%s, found %llu%s",
                     (unsigned long long)w->core.min, w->core.has_max ? " with a maximum" : "",
                     (unsigned long long)h->core.min, h->core.has_max ? " with a maximum" : "");
            return 1;
        }
        return 0;
    case CM_CORE_MEMORY:
        if (h->core.is64 != w->core.is64) {
            snprintf(why, len, "mismatch in index type used for memories");
            return 1;
        }
        if (h->core.shared != w->core.shared) {
            snprintf(why, len, "mismatch in the shared flag for memories");
            return 1;
        }
        if (!limits_within(h, w)) {
            snprintf(why, len, "mismatch in memory limits: expected at least %llu pages%s, found %llu%s",
                     (unsigned long long)w->core.min, w->core.has_max ? " with a maximum" : "",
                     (unsigned long long)h->core.min, h->core.has_max ? " with a maximum" : "");
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

/* ---- generativity ---- */


/* ---- substitution ---- */

/* A map typeid -> typeid (open addressing; CM_NO_TYPE keys are empty). */
typedef struct {
    cm_typeid *keys, *vals;
    uint32_t n, cap;
} idmap;

static uint32_t *slot(idmap *m, cm_typeid k)
{
    uint32_t i = (k * 2654435761u) & (m->cap - 1);
    while (m->keys[i] != CM_NO_TYPE && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    return &m->keys[i];
}

static cm_typeid map_get(idmap *m, cm_typeid k)
{
    uint32_t *s = slot(m, k);
    return *s == k ? m->vals[s - m->keys] : CM_NO_TYPE;
}

/* Adds k (-> k); false when memory runs out. *added: it was not there. */
static bool map_add(idmap *m, cm_typeid k, bool *added)
{
    if ((m->n + 1) * 2 > m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 64;
        idmap bigger = { malloc(cap * sizeof(cm_typeid)), malloc(cap * sizeof(cm_typeid)), 0, cap };
        if (bigger.keys == NULL || bigger.vals == NULL) {
            free(bigger.keys);
            free(bigger.vals);
            return false;
        }
        memset(bigger.keys, 0xff, cap * sizeof(cm_typeid));
        for (uint32_t i = 0; i < m->cap; i++)
            if (m->keys[i] != CM_NO_TYPE) {
                uint32_t *s = slot(&bigger, m->keys[i]);
                *s = m->keys[i];
                bigger.vals[s - bigger.keys] = m->vals[i];
                bigger.n++;
            }
        free(m->keys);
        free(m->vals);
        *m = bigger;
    }
    uint32_t *s = slot(m, k);
    *added = *s != k;
    if (*added) {
        *s = k;
        m->vals[s - m->keys] = k;
        m->n++;
    }
    return true;
}

/* k -> v (replacing); false when memory runs out. */
static bool map_put(idmap *m, cm_typeid k, cm_typeid v)
{
    bool added;
    if (!map_add(m, k, &added))
        return false;
    m->vals[slot(m, k) - m->keys] = v;
    return true;
}

/* k's value, or CM_NO_TYPE when k is not there (also in an empty map). */
static cm_typeid map_find(idmap *m, cm_typeid k)
{
    return m->cap == 0 ? CM_NO_TYPE : map_get(m, k);
}

/* The bindings as a map want -> have (the first binding of each want). */
static bool bindings_map(const cm_bindings *b, idmap *m)
{
    for (uint32_t i = b->n; i-- > 0;)
        if (!map_put(m, b->pairs[2 * i], b->pairs[2 * i + 1]))
            return false;
    return true;
}

static int cmp_id(const void *a, const void *b)
{
    cm_typeid x = *(const cm_typeid *)a, y = *(const cm_typeid *)b;
    return x < y ? -1 : x > y;
}

/* Appends x to the growable array *a (n of *cap). */
static bool push_id(cm_typeid **a, uint32_t *n, uint32_t *cap, cm_typeid x)
{
    if (!cm_grow((void **)a, *n, cap, sizeof **a))
        return false;
    (*a)[(*n)++] = x;
    return true;
}

/* The children of a node, in one walk: fields, elem, err, decls. */
#define FOR_CHILDREN(n, c, body)                                                            \
    do {                                                                                    \
        for (uint32_t i_ = 0; i_ < (n)->nfields; i_++) { cm_typeid c = (n)->fields[i_].type; body } \
        { cm_typeid c = (n)->elem; body }                                                   \
        { cm_typeid c = (n)->err; body }                                                    \
        for (uint32_t i_ = 0; i_ < (n)->nimports; i_++) { cm_typeid c = (n)->imports[i_].type; body } \
        for (uint32_t i_ = 0; i_ < (n)->nexports; i_++) { cm_typeid c = (n)->exports[i_].type; body } \
    } while (0)

/* Binds resource id (made in [first, end), not bound) to a new node, or,
 * when it stands for another resource (alias_of), to what that one is
 * bound to (a new node for it too when it is made in the range). wants:
 * the bindings as a map, kept in step. */
static int fresh_resource(cm_types *t, cm_bindings *b, idmap *wants, cm_typeid id, cm_typeid first,
                          cm_typeid end)
{
    cm_typeid root = t->nodes[id].own_root ? id : cm_resource_root(t, id);
    cm_typeid to = root == id ? CM_NO_TYPE : map_find(wants, root);
    if (to == CM_NO_TYPE && root != id && (root < first || root >= end))
        to = root;   /* a resource from outside: it stays */
    if (to == CM_NO_TYPE) {
        cm_type copy = t->nodes[root];
        copy.alias_of = 0;
        copy.own_root = false;
        if ((to = cm_type_add(t, &copy)) == CM_NO_TYPE)
            return -1;
        if (root != id && (!bind(b, root, to) || !map_put(wants, root, to)))
            return -1;
    }
    return bind(b, id, to) && map_put(wants, id, to) ? 0 : -1;
}

int cm_freshen(cm_types *t, cm_bindings *b, const cm_decl *decls, uint32_t n, cm_typeid first,
               cm_typeid end)
{
    if (first >= end || n == 0)
        return 0;
    idmap seen = { 0 }, wants = { 0 };
    cm_typeid *todo = NULL;
    uint32_t ntodo = 0, todo_cap = 0;
    int r = bindings_map(b, &wants) ? 0 : -1;
    for (uint32_t i = 0; r == 0 && i < n; i++)
        if (decls[i].type != CM_NO_TYPE && decls[i].type >= CM_NPRIMITIVES &&
            !push_id(&todo, &ntodo, &todo_cap, decls[i].type))
            r = -1;
    while (r == 0 && ntodo > 0) {
        cm_typeid id = todo[--ntodo];
        bool added;
        if (!map_add(&seen, id, &added)) {
            r = -1;
            break;
        }
        if (!added)
            continue;
        if (t->nodes[id].kind == CM_RESOURCE) {
            if (id >= first && id < end && map_find(&wants, id) == CM_NO_TYPE)
                r = fresh_resource(t, b, &wants, id, first, end);
            continue;
        }
        const cm_type *node = &t->nodes[id];
        FOR_CHILDREN(node, c, {
            if (r == 0 && c != CM_NO_TYPE && c >= CM_NPRIMITIVES && !push_id(&todo, &ntodo, &todo_cap, c))
                r = -1;
        });
    }
    free(seen.keys);
    free(seen.vals);
    free(wants.keys);
    free(wants.vals);
    free(todo);
    return r;
}

int cm_substitute(cm_types *t, const cm_bindings *b, cm_decl *decls, uint32_t n)
{
    if (b->n == 0 || n == 0)
        return 0;
    idmap m = { 0 }, wants = { 0 };
    cm_typeid *ids = NULL, *todo = NULL;
    uint32_t nids = 0, cap = 0, ntodo = 0, todo_cap = 0;
    int r = 0;
    if (!bindings_map(b, &wants)) {
        r = -1;
        goto out;
    }
    /* Every node reachable from the decls (an explicit stack). */
    for (uint32_t i = 0; i < n; i++)
        if (decls[i].type != CM_NO_TYPE && decls[i].type >= CM_NPRIMITIVES)
            if (!push_id(&todo, &ntodo, &todo_cap, decls[i].type)) {
                r = -1;
                goto out;
            }
    while (ntodo > 0) {
        cm_typeid id = todo[--ntodo];
        bool added;
        if (!map_add(&m, id, &added)) {
            r = -1;
            goto out;
        }
        if (!added)
            continue;
        bool grown = push_id(&ids, &nids, &cap, id);
        const cm_type *node = &t->nodes[id];
        FOR_CHILDREN(node, c, {
            if (grown && c != CM_NO_TYPE && c >= CM_NPRIMITIVES)
                grown = push_id(&todo, &ntodo, &todo_cap, c);
        });
        if (!grown) {
            r = -1;
            goto out;
        }
    }
    /* Children before parents (a node refers to earlier nodes only). */
    qsort(ids, nids, sizeof *ids, cmp_id);
    for (uint32_t k = 0; k < nids; k++) {
        cm_typeid id = ids[k];
        cm_type node = t->nodes[id];
        cm_typeid to = map_find(&wants, id);
        if (to != CM_NO_TYPE)
            m.vals[slot(&m, id) - m.keys] = to;
        if (to != CM_NO_TYPE || node.kind == CM_RESOURCE)
            continue;
        bool changed = false;
        FOR_CHILDREN(&node, c, { if (c != CM_NO_TYPE && c >= CM_NPRIMITIVES && map_get(&m, c) != c) changed = true; });
        if (!changed)
            continue;
#define MAPPED(x) ((x) != CM_NO_TYPE && (x) >= CM_NPRIMITIVES ? map_get(&m, (x)) : (x))
        if (node.nfields) {
            cm_field *f = cm_alloc(t, node.nfields * sizeof *f);
            if (f == NULL) { r = -1; goto out; }
            for (uint32_t i = 0; i < node.nfields; i++)
                f[i] = (cm_field){ node.fields[i].label, MAPPED(node.fields[i].type) };
            node.fields = f;
        }
        node.elem = MAPPED(node.elem);
        node.err = MAPPED(node.err);
        if (node.nimports + node.nexports) {
            cm_decl *d = cm_alloc(t, ((size_t)node.nimports + node.nexports) * sizeof *d);
            if (d == NULL) { r = -1; goto out; }
            for (uint32_t i = 0; i < node.nimports; i++) {
                d[i] = node.imports[i];
                d[i].type = MAPPED(d[i].type);
            }
            for (uint32_t i = 0; i < node.nexports; i++) {
                d[node.nimports + i] = node.exports[i];
                d[node.nimports + i].type = MAPPED(d[node.nimports + i].type);
            }
            node.imports = d;
            node.exports = d + node.nimports;
        }
        cm_typeid nid = cm_type_add(t, &node);
        if (nid == CM_NO_TYPE) { r = -1; goto out; }
        m.vals[slot(&m, id) - m.keys] = nid;
    }
    for (uint32_t i = 0; i < n; i++)
        decls[i].type = MAPPED(decls[i].type);
#undef MAPPED
out:
    free(m.keys);
    free(m.vals);
    free(wants.keys);
    free(wants.vals);
    free(ids);
    free(todo);
    return r;
}
