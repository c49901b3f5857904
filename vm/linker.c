/* linker.c — the linker: (module, name) → host function, function, table,
 * memory or global; and the spec's import matching rules used when an
 * instance is made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/runtime.h"

typedef struct {
    char *module, *name;
    size_t module_len, name_len;
    vm_externkind kind;
    void *object;               /* vm_func*, vm_table*, vm_memory*, vm_global*; NULL for a host def */
    vm_valtype *types;          /* host def: params then results */
    vm_signature sig;
    vm_host_fn fn;
    void *user;
} definition;

struct vm_linker {
    definition *defs;
    size_t n, cap;
};

vm_linker *vm_linker_new(void) { return calloc(1, sizeof(vm_linker)); }

void vm_linker_free(vm_linker *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->defs[i].module);
        free(l->defs[i].name);
        free(l->defs[i].types);
    }
    free(l->defs);
    free(l);
}

static char *copy(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static definition *add(vm_linker *l, const char *module, size_t mlen, const char *name, size_t nlen,
                       vm_externkind kind, void *object)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        definition *p = realloc(l->defs, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        l->defs = p;
        l->cap = cap;
    }
    definition *d = &l->defs[l->n];
    memset(d, 0, sizeof *d);
    d->module = copy(module, mlen);
    d->name = copy(name, nlen);
    if (d->module == NULL || d->name == NULL) {
        free(d->module);
        free(d->name);
        return NULL;
    }
    d->module_len = mlen;
    d->name_len = nlen;
    d->kind = kind;
    d->object = object;
    l->n++;
    return d;
}

bool vm_linker_define_host(vm_linker *l, const char *module, const char *name,
                           const vm_signature *sig, vm_host_fn fn, void *user)
{
    size_t n = (size_t)sig->nparams + sig->nresults;
    vm_valtype *types = malloc(n ? n * sizeof *types : 1);
    if (types == NULL)
        return false;
    definition *d = add(l, module, strlen(module), name, strlen(name), VM_EXTERN_FUNC, NULL);
    if (d == NULL) {
        free(types);
        return false;
    }
    vm_signature_copy_types(types, sig);
    d->types = types;
    d->sig = (vm_signature){ sig->nparams, sig->nresults, types, types + sig->nparams };
    d->fn = fn;
    d->user = user;
    return true;
}

#define DEFINE(FN, TYPE, KIND) \
    bool FN(vm_linker *l, const char *module, const char *name, TYPE *object) \
    { return add(l, module, strlen(module), name, strlen(name), KIND, object) != NULL; }
DEFINE(vm_linker_define_func, vm_func, VM_EXTERN_FUNC)
DEFINE(vm_linker_define_table, vm_table, VM_EXTERN_TABLE)
DEFINE(vm_linker_define_memory, vm_memory, VM_EXTERN_MEMORY)
DEFINE(vm_linker_define_global, vm_global, VM_EXTERN_GLOBAL)
#undef DEFINE

bool vm_linker_define_instance(vm_linker *l, const char *module, vm_instance *inst)
{
    const vm_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const vm_export *e = &m->exports[i];
        void *object = e->kind == VM_EXTERN_FUNC ? (void *)inst->funcs[e->index]
                     : e->kind == VM_EXTERN_TABLE ? (void *)inst->tables[e->index]
                     : e->kind == VM_EXTERN_MEMORY ? (void *)inst->memories[e->index]
                     : (void *)inst->globals[e->index];
        if (add(l, module, strlen(module), e->name, e->name_len, e->kind, object) == NULL)
            return false;
    }
    return true;
}

static bool limits_match(uint32_t size, uint32_t max, bool has_max, const vm_limits *want)
{
    if (size < want->min)
        return false;
    return !want->has_max || (has_max && max <= want->max);
}

/* Finds the import's definition and checks it matches; on success *out is
 * the object (a host definition becomes a function of the store). */
bool vm_linker_resolve(const vm_linker *l, vm_store *s, const vm_module *m, const vm_import *imp,
                       void **out, vm_error *err)
{
    const definition *d = NULL;
    for (size_t i = l ? l->n : 0; i-- > 0;) {
        const definition *c = &l->defs[i];
        if (c->module_len == imp->module_len && c->name_len == imp->name_len &&
            !memcmp(c->module, imp->module, c->module_len) && !memcmp(c->name, imp->name, c->name_len)) {
            d = c;
            break;
        }
    }
    err->kind = VM_ERR_LINK;
    if (d == NULL) {
        snprintf(err->message, sizeof err->message, "unknown import: %s.%s", imp->module, imp->name);
        return false;
    }
    bool ok = d->kind == imp->kind;
    void *object = d->object;
    if (ok && imp->kind == VM_EXTERN_FUNC) {
        vm_signature want = vm_signature_of(&m->types[imp->as.type_index]);
        ok = vm_signature_equal(object ? &((const vm_func *)object)->sig : &d->sig, &want);
        if (ok && object == NULL && (object = vm_func_new_host(s, &d->sig, d->fn, d->user)) == NULL) {
            err->kind = VM_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
            return false;
        }
    } else if (ok && imp->kind == VM_EXTERN_TABLE) {
        const vm_table *t = object;
        ok = t->elem == imp->as.table.elem && limits_match(t->size, t->max, t->has_max, &imp->as.table.limits);
    } else if (ok && imp->kind == VM_EXTERN_MEMORY) {
        const vm_memory *mem = object;
        ok = limits_match(mem->pages, mem->max_pages, mem->has_max, &imp->as.memory.limits);
    } else if (ok) {
        const vm_global *g = object;
        ok = g->type == imp->as.global.type && g->mutable_ == imp->as.global.mutable_;
    }
    if (!ok) {
        snprintf(err->message, sizeof err->message, "incompatible import type: %s.%s", imp->module, imp->name);
        return false;
    }
    err->kind = VM_ERR_NONE;
    *out = object;
    return true;
}
