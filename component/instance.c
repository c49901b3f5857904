/* instance.c — cm_instantiate: replays each component's definitions in
 * binary order into runtime index spaces (runtime_internal.h): core
 * modules, core instances (vm_instantiate with a vm_linker made from the
 * arguments, or bundles of inline exports), aliases (export, core export,
 * outer), nested components and component instances (an explicit stack of
 * frames, never C recursion), canon lift / lower / resource.*, imports
 * (the instantiation arguments; the host's through import.c) and
 * exports. One vm_store for the whole tree. Everything the tree
 * allocates comes from one arena (cm_rt_alloc), freed with it.
 *
 * Touches the decoded cm_file only to read it. */
#include "component/runtime_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cm_rt_alloc's arena: chunks of at least CHUNK_MIN bytes, each double
 * the last (one for a larger request), bump-allocated 16-aligned and
 * zeroed, all freed with the instance: a spawn makes a few hundred small
 * items, and one calloc each was most of its allocation cost. */
#define CHUNK_MIN 4096u
struct cm_rt_chunk {
    struct cm_rt_chunk *next;
    _Alignas(16) unsigned char data[];
};

void *cm_rt_alloc(cm_instance *ci, size_t n)
{
    if (n > SIZE_MAX / 2)
        return NULL;
    n = n ? (n + 15) & ~(size_t)15 : 16;
    if (ci->chunks == NULL || n > ci->chunk_cap - ci->chunk_used) {
        size_t cap = ci->chunk_cap == 0              ? CHUNK_MIN
                     : ci->chunk_cap < SIZE_MAX / 4 ? ci->chunk_cap * 2
                                                    : ci->chunk_cap;
        if (cap < n)
            cap = n;
        struct cm_rt_chunk *c = malloc(sizeof *c + cap);
        if (c == NULL)
            return NULL;
        c->next = ci->chunks;
        ci->chunks = c;
        ci->chunk_cap = cap;
        ci->chunk_used = 0;
    }
    void *p = ci->chunks->data + ci->chunk_used;
    ci->chunk_used += n;
    memset(p, 0, n);
    return p;
}

char *cm_rt_strdup(cm_instance *ci, const char *s)
{
    size_t n = strlen(s);
    char *p = cm_rt_alloc(ci, n + 1);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

bool cm_rt_fail(vm_error *err, vm_error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->kind = kind;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

bool cm_iobj_add(cm_instance *ci, cm_iobj *o, const char *name, cm_sort sort, cm_item item)
{
    if (o->n == o->cap) {
        uint32_t cap = o->cap ? o->cap * 2 : 8;
        cm_named *p = cm_rt_alloc(ci, cap * sizeof *p);
        if (p == NULL)
            return false;
        if (o->n)
            memcpy(p, o->items, o->n * sizeof *p);
        o->items = p;
        o->cap = cap;
    }
    o->items[o->n++] = (cm_named){ name, sort, item };
    return true;
}

const cm_named *cm_iobj_find(const cm_iobj *o, const char *name)
{
    for (uint32_t i = 0; i < o->n; i++)
        if (strcmp(o->items[i].name, name) == 0)
            return &o->items[i];
    return NULL;
}

static cm_inst *inst_new(cm_instance *ci, const cm_component *def, cm_inst *parent)
{
    cm_inst *in = cm_rt_alloc(ci, sizeof *in);
    if (in == NULL)
        return NULL;
    in->root = ci;
    in->next_all = ci->all;
    ci->all = in;
    in->parent = parent;
    in->def = def;
    in->may_leave = true;
    for (int s = 0; s < CM_NSORTS; s++)
        if ((in->spaces[s] = cm_rt_alloc(ci, (def->counts[s] + 1) * sizeof(cm_item))) == NULL)
            return NULL;
    for (uint32_t i = 0; i < def->counts[CM_SORT_TYPE]; i++)
        in->spaces[CM_SORT_TYPE][i].t = def->types[i];
    return in;
}

/* ---- core instances ---- */

static bool define_core(vm_linker *l, const char *module, cm_core_inst *c)
{
    if (c->vm != NULL)
        return vm_linker_define_instance(l, module, c->vm);
    for (uint32_t i = 0; i < c->n; i++) {
        bool ok = true;
        switch (c->kinds[i]) {
        case VM_EXTERN_FUNC: ok = vm_linker_define_func(l, module, c->names[i], c->items[i]); break;
        case VM_EXTERN_TABLE: ok = vm_linker_define_table(l, module, c->names[i], c->items[i]); break;
        case VM_EXTERN_MEMORY: ok = vm_linker_define_memory(l, module, c->names[i], c->items[i]); break;
        case VM_EXTERN_GLOBAL: ok = vm_linker_define_global(l, module, c->names[i], c->items[i]); break;
        }
        if (!ok)
            return false;
    }
    return true;
}

static bool core_instance(cm_inst *in, const cm_def *d, vm_error *err)
{
    cm_instance *ci = in->root;
    cm_core_inst *c = cm_rt_alloc(ci, sizeof *c);
    if (c == NULL)
        return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    if (d->u.instance.instantiate) {
        vm_linker *l = vm_linker_new();
        if (l == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < d->u.instance.nargs; i++) {
            const cm_arg *a = &d->u.instance.args[i];
            if (!define_core(l, a->name, in->spaces[CM_SORT_CORE_INSTANCE][a->index].p)) {
                vm_linker_free(l);
                return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
            }
        }
        vm_error e = { 0 };
        c->vm = vm_instantiate(ci->store, in->spaces[CM_SORT_CORE_MODULE][d->u.instance.of].p, l, &e);
        vm_linker_free(l);
        if (c->vm == NULL)
            return cm_rt_fail(err, e.kind, "core instance %u: %s", d->index, e.message);
    } else {
        uint32_t n = d->u.instance.nargs;
        c->n = n;
        c->names = cm_rt_alloc(ci, (n + 1) * sizeof *c->names);
        c->kinds = cm_rt_alloc(ci, (n + 1) * sizeof *c->kinds);
        c->items = cm_rt_alloc(ci, (n + 1) * sizeof *c->items);
        if (c->names == NULL || c->kinds == NULL || c->items == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < n; i++) {
            const cm_arg *a = &d->u.instance.args[i];
            c->names[i] = a->name;
            c->kinds[i] = (vm_externkind)a->sort;   /* core func/table/memory/global = 0..3 */
            c->items[i] = in->spaces[a->sort][a->index].p;
        }
    }
    in->spaces[CM_SORT_CORE_INSTANCE][d->index].p = c;
    return true;
}

static void *core_export(cm_core_inst *c, const char *name, cm_sort sort)
{
    if (c->vm != NULL)
        return vm_instance_export(c->vm, name, strlen(name), (vm_externkind)sort);
    for (uint32_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0 && c->kinds[i] == (vm_externkind)sort)
            return c->items[i];
    return NULL;
}

/* ---- aliases ---- */

static bool alias(cm_inst *in, const cm_def *d, vm_error *err)
{
    cm_item *slot = &in->spaces[d->sort][d->index];
    switch (d->u.alias.kind) {
    case CM_ALIAS_EXPORT: {
        const cm_iobj *o = in->spaces[CM_SORT_INSTANCE][d->u.alias.instance].p;
        const cm_named *e = o ? cm_iobj_find(o, d->u.alias.name) : NULL;
        if (e == NULL)
            return cm_rt_fail(err, VM_ERR_LINK, "instance %u has no export \"%s\"", d->u.alias.instance,
                        d->u.alias.name);
        if (d->sort == CM_SORT_TYPE) {
            if (e->item.t != CM_NO_TYPE) {
                if (!cm_resource_sub(in, slot->t, e->item.t))
                    return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
                slot->t = e->item.t;
            }
        } else {
            *slot = e->item;
        }
        return true;
    }
    case CM_ALIAS_CORE_EXPORT: {
        cm_core_inst *c = in->spaces[CM_SORT_CORE_INSTANCE][d->u.alias.instance].p;
        if (d->sort == CM_SORT_CORE_TYPE)
            return true;
        slot->p = core_export(c, d->u.alias.name, d->sort);
        if (slot->p == NULL)
            return cm_rt_fail(err, VM_ERR_LINK, "core instance %u has no %s export \"%s\"",
                        d->u.alias.instance, cm_sort_name(d->sort), d->u.alias.name);
        return true;
    }
    case CM_ALIAS_OUTER: {
        cm_inst *p = in;
        for (uint32_t k = 0; k < d->u.alias.outer && p != NULL; k++)
            p = p->parent;
        if (p == NULL)
            return cm_rt_fail(err, VM_ERR_LINK, "outer alias past the top-level component");
        if (d->sort == CM_SORT_TYPE)
            return true;   /* the decoder resolved the id already */
        *slot = p->spaces[d->sort][d->u.alias.index];
        return true;
    }
    }
    return true;
}

/* ---- canon ---- */

static bool canon(cm_inst *in, const cm_def *d, vm_error *err)
{
    cm_instance *ci = in->root;
    const cm_types *types = &ci->file->types;
    vm_memory *mem = d->u.canon.memory != CM_NONE ? in->spaces[CM_SORT_CORE_MEMORY][d->u.canon.memory].p : NULL;
    vm_func *realloc_ = d->u.canon.realloc != CM_NONE ? in->spaces[CM_SORT_CORE_FUNC][d->u.canon.realloc].p : NULL;
    char msg[256];
    switch (d->u.canon.op) {
    case CM_CANON_LIFT: {
        cm_func *f = cm_rt_alloc(ci, sizeof *f);
        if (f == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        f->kind = CM_FN_LIFTED;
        f->type = in->spaces[CM_SORT_TYPE][d->u.canon.type].t;
        if (cm_type_get(types, f->type)->kind != CM_FUNC)
            return cm_rt_fail(err, VM_ERR_INVALID, "canon lift: not a func type");
        const cm_type *ft = cm_type_get(types, f->type);
        for (uint32_t i = 0; i < ft->nfields; i++)
            if (cm_type_get(types, ft->fields[i].type)->depth > CM_ABI_MAX_DEPTH)
                return cm_rt_fail(err, VM_ERR_UNSUPPORTED, "type nested deeper than %d levels", CM_ABI_MAX_DEPTH);
        if (ft->elem != CM_NO_TYPE && cm_type_get(types, ft->elem)->depth > CM_ABI_MAX_DEPTH)
            return cm_rt_fail(err, VM_ERR_UNSUPPORTED, "type nested deeper than %d levels", CM_ABI_MAX_DEPTH);
        f->inst = in;
        f->core = in->spaces[CM_SORT_CORE_FUNC][d->u.canon.func].p;
        f->memory = mem;
        f->realloc = realloc_;
        f->post_return = d->u.canon.post_return != CM_NONE
                             ? in->spaces[CM_SORT_CORE_FUNC][d->u.canon.post_return].p : NULL;
        f->encoding = d->u.canon.encoding;
        f->name = "lifted function";
        in->spaces[CM_SORT_FUNC][d->index].p = f;
        return true;
    }
    case CM_CANON_LOWER: {
        cm_func *target = in->spaces[CM_SORT_FUNC][d->u.canon.func].p;
        const cm_type *ft = cm_type_get(types, target->type);
        for (uint32_t i = 0; i < ft->nfields; i++)
            if (cm_type_get(types, ft->fields[i].type)->depth > CM_ABI_MAX_DEPTH)
                return cm_rt_fail(err, VM_ERR_UNSUPPORTED, "type nested deeper than %d levels", CM_ABI_MAX_DEPTH);
        if (ft->elem != CM_NO_TYPE && cm_type_get(types, ft->elem)->depth > CM_ABI_MAX_DEPTH)
            return cm_rt_fail(err, VM_ERR_UNSUPPORTED, "type nested deeper than %d levels", CM_ABI_MAX_DEPTH);
        vm_func *f = cm_lower_func(in, target, mem, realloc_, d->u.canon.encoding, msg, sizeof msg);
        if (f == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "canon lower: %s", msg);
        in->spaces[CM_SORT_CORE_FUNC][d->index].p = f;
        return true;
    }
    default: {
        cm_typeid rt = in->spaces[CM_SORT_TYPE][d->u.canon.type].t;
        vm_func *f = cm_resource_func(in, d->u.canon.op, rt, msg, sizeof msg);
        if (f == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "canon resource: %s", msg);
        in->spaces[CM_SORT_CORE_FUNC][d->index].p = f;
        return true;
    }
    }
}

/* ---- the replay ---- */

typedef struct {
    cm_inst *inst;
    uint32_t next;            /* the next definition */
    const cm_def *pending;    /* in the parent: the instantiation this frame serves */
    const cm_iobj *args;      /* the instantiation's arguments */
} frame;

#define MAX_FRAMES 1000

static bool step(cm_inst *in, const cm_def *d, const cm_iobj *args, vm_error *err)
{
    cm_instance *ci = in->root;
    switch (d->kind) {
    case CM_DEF_CORE_MODULE:
        in->spaces[CM_SORT_CORE_MODULE][d->index].p = d->u.module.module;
        return true;
    case CM_DEF_CORE_INSTANCE: return core_instance(in, d, err);
    case CM_DEF_CORE_TYPE: case CM_DEF_TYPE: return true;
    case CM_DEF_COMPONENT: {
        cm_compdef *c = cm_rt_alloc(ci, sizeof *c);
        if (c == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        c->def = d->u.component;
        c->parent = in;
        in->spaces[CM_SORT_COMPONENT][d->index].p = c;
        return true;
    }
    case CM_DEF_INSTANCE: {   /* a bundle; instantiations are handled by the loop */
        cm_iobj *o = cm_rt_alloc(ci, sizeof *o);
        if (o == NULL)
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < d->u.instance.nargs; i++) {
            const cm_arg *a = &d->u.instance.args[i];
            if (!cm_iobj_add(ci, o, a->name, a->sort, in->spaces[a->sort][a->index]))
                return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        }
        in->spaces[CM_SORT_INSTANCE][d->index].p = o;
        return true;
    }
    case CM_DEF_ALIAS: return alias(in, d, err);
    case CM_DEF_CANON: return canon(in, d, err);
    case CM_DEF_IMPORT: {
        if (args == NULL)
            return cm_import_from_host(in, d, err);
        const cm_named *a = cm_iobj_find(args, d->u.extern_.name);
        if (a == NULL)
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\" is not supplied", d->u.extern_.name);
        if (d->sort == CM_SORT_TYPE) {
            /* type-import substitution: the import's node stands for the
             * argument's type */
            cm_typeid *slot = &in->spaces[CM_SORT_TYPE][d->index].t;
            if (a->item.t != CM_NO_TYPE) {
                if (!cm_resource_sub(in, *slot, a->item.t))
                    return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
                *slot = a->item.t;
            }
        } else {
            in->spaces[d->sort][d->index] = a->item;
        }
        return true;
    }
    case CM_DEF_EXPORT: {
        cm_item item = in->spaces[d->sort][d->u.extern_.item];
        if (d->index != CM_NONE && d->sort == CM_SORT_TYPE &&
            !cm_resource_sub(in, in->spaces[CM_SORT_TYPE][d->index].t, item.t))
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        if (d->index != CM_NONE)
            in->spaces[d->sort][d->index] = item;
        if (d->sort == CM_SORT_FUNC && item.p != NULL) {
            cm_func *f = item.p;
            if (f->kind == CM_FN_LIFTED && strcmp(f->name, "lifted function") == 0)
                f->name = d->u.extern_.name;
        }
        if (!cm_iobj_add(ci, &in->exports, d->u.extern_.name, d->sort, item))
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        return true;
    }
    }
    return true;
}

static bool replay(cm_instance *ci, vm_error *err)
{
    frame *stack = calloc(MAX_FRAMES, sizeof *stack);
    if (stack == NULL)
        return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    unsigned depth = 1;
    stack[0] = (frame){ .inst = ci->top };
    bool ok = true;
    while (ok && depth > 0) {
        frame *fr = &stack[depth - 1];
        cm_inst *in = fr->inst;
        if (fr->next == in->def->ndefs) {
            /* done: the parent's instantiation gets our exports */
            if (fr->pending != NULL) {
                cm_inst *parent = stack[depth - 2].inst;
                parent->spaces[CM_SORT_INSTANCE][fr->pending->index].p = &in->exports;
            }
            depth--;
            continue;
        }
        const cm_def *d = &in->def->defs[fr->next++];
        if (d->kind == CM_DEF_INSTANCE && d->u.instance.instantiate) {
            if (depth == MAX_FRAMES) {
                ok = cm_rt_fail(err, VM_ERR_LIMIT, "component instances nested deeper than %d", MAX_FRAMES);
                break;
            }
            cm_compdef *c = in->spaces[CM_SORT_COMPONENT][d->u.instance.of].p;
            cm_iobj *args = cm_rt_alloc(ci, sizeof *args);
            cm_inst *child = c ? inst_new(ci, c->def, c->parent) : NULL;
            if (args == NULL || child == NULL) {
                ok = cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
                break;
            }
            for (uint32_t i = 0; i < d->u.instance.nargs && ok; i++) {
                const cm_arg *a = &d->u.instance.args[i];
                if (!cm_iobj_add(ci, args, a->name, a->sort, in->spaces[a->sort][a->index]))
                    ok = cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
            }
            stack[depth++] = (frame){ .inst = child, .pending = d, .args = args };
            continue;
        }
        ok = step(in, d, fr->args, err);
    }
    free(stack);
    return ok;
}

cm_instance *cm_instantiate(const cm_file *f, const cm_host *host, const vm_config *cfg,
                            vm_error *err)
{
    return cm_instantiate_flags(f, host, 0, cfg, err);
}

cm_instance *cm_instantiate_flags(const cm_file *f, const cm_host *host, unsigned flags,
                                  const vm_config *cfg, vm_error *err)
{
    static const cm_host none = { 0 };
    memset(err, 0, sizeof *err);
    cm_instance *ci = calloc(1, sizeof *ci);
    if (ci == NULL) {
        cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    ci->file = f;
    ci->host = host ? host : &none;
    ci->flags = flags;
    ci->store = vm_store_new(cfg);
    if (ci->store == NULL || (ci->top = inst_new(ci, f->root, NULL)) == NULL ||
        (ci->hostside = inst_new(ci, f->root, NULL)) == NULL) {
        cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
        cm_instance_free(ci);
        return NULL;
    }
    if (!replay(ci, err)) {
        cm_instance_free(ci);
        return NULL;
    }
    return ci;
}

void cm_instance_free(cm_instance *ci)
{
    if (ci == NULL)
        return;
    cm_suspension_clear(ci, true);   /* a call left suspended: its frames and threads */
    if (ci->store != NULL)
        vm_store_free(ci->store);
    for (cm_inst *in = ci->all; in != NULL; in = in->next_all)
        cm_handles_free(in);
    free(ci->xres);
    for (struct cm_rt_chunk *c = ci->chunks, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(ci);
}

vm_store *cm_instance_store(cm_instance *ci)
{
    return ci->store;
}

uint32_t cm_export_count(const cm_instance *ci)
{
    return ci->top->exports.n;
}

const char *cm_export_name(const cm_instance *ci, uint32_t i)
{
    return i < ci->top->exports.n ? ci->top->exports.items[i].name : NULL;
}

cm_func *cm_export_find(cm_instance *ci, const char *name, char *err, size_t errlen)
{
    const cm_iobj *o = &ci->top->exports;
    const char *hash = strchr(name, '#');
    if (hash != NULL) {
        char iface[512];
        snprintf(iface, sizeof iface, "%.*s", (int)(hash - name), name);
        const cm_named *e = cm_iobj_find(o, iface);
        if (e != NULL && e->sort == CM_SORT_INSTANCE) {
            o = e->item.p;
            name = hash + 1;
        }
    }
    const cm_named *e = cm_iobj_find(o, name);
    if (e != NULL && e->sort == CM_SORT_FUNC)
        return e->item.p;
    size_t k = (size_t)snprintf(err, errlen, "no export \"%s\"; exports:", name);
    const cm_iobj *top = &ci->top->exports;
    for (uint32_t i = 0; i < top->n && k < errlen; i++) {
        const cm_named *x = &top->items[i];
        if (x->sort == CM_SORT_FUNC)
            k += (size_t)snprintf(err + k, errlen - k, " %s", x->name);
        else if (x->sort == CM_SORT_INSTANCE)
            for (uint32_t j = 0; j < ((cm_iobj *)x->item.p)->n && k < errlen; j++)
                if (((cm_iobj *)x->item.p)->items[j].sort == CM_SORT_FUNC)
                    k += (size_t)snprintf(err + k, errlen - k, " %s#%s", x->name,
                                          ((cm_iobj *)x->item.p)->items[j].name);
    }
    return NULL;
}
