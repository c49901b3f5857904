/* import.c — the imports of the top-level component that the host
 * supplies (runtime.h, cm_host): its functions by interface and name, its
 * core modules (checked against the import's core module type), nested
 * instances of those (interface "outer#inner"), and instances of another
 * component instance tree it names (cm_host_instance: their core modules,
 * types and nested instances). A function no host provides links as one
 * that traps when called, unless linking is strict (CM_LINK_STRICT).
 *
 * Called by instance.c's replay for each import of the top-level
 * component; touches only the slot of the import it is given and the
 * instance tree's arena. */
#include "component/runtime_internal.h"

#include <stdio.h>
#include <string.h>

static cm_func *host_func(cm_inst *in, const char *iface, const char *name, cm_typeid type)
{
    cm_instance *ci = in->root;
    cm_func *f = cm_rt_alloc(ci, sizeof *f);
    char full[512];
    if (f == NULL)
        return NULL;
    snprintf(full, sizeof full, "%s%s%s", iface ? iface : "", iface ? "#" : "", name);
    f->type = type;
    f->inst = in;
    f->name = cm_rt_strdup(ci, full);
    f->host = cm_host_lookup(ci->host, iface, name);
    f->kind = f->host ? CM_FN_HOST : CM_FN_UNRESOLVED;
    f->why = "no host provides it";
    return f->name ? f : NULL;
}

/* True when an instance type needs nothing from the host: it exports only
 * types and instances that need nothing (bounded: types nest at most
 * CM_ABI_MAX_DEPTH levels, checked here). */
static bool instance_is_empty(const cm_types *types, cm_typeid it, unsigned depth)
{
    const cm_type *t = cm_type_get(types, it);
    if (depth > CM_ABI_MAX_DEPTH)
        return false;
    for (uint32_t i = 0; i < t->nexports; i++) {
        const cm_decl *e = &t->exports[i];
        if (e->sort == CM_SORT_TYPE)
            continue;
        if (e->sort != CM_SORT_INSTANCE || !instance_is_empty(types, e->type, depth + 1))
            return false;
    }
    return true;
}

/* The host's core module `name` of interface `path` (NULL: top level). */
static const vm_module *host_module(const cm_host *host, const char *path, const char *name)
{
    for (size_t i = 0; i < host->nmodules; i++) {
        const cm_host_module *m = &host->modules[i];
        if (strcmp(m->name, name) == 0 && cm_interface_matches(m->interface, path))
            return m->module;
    }
    return NULL;
}

/* The host's instance of another tree named name, or NULL. */
static const cm_instance *host_instance_of(const cm_host *host, const char *name)
{
    for (size_t i = 0; i < host->ninstances; i++)
        if (strcmp(host->instances[i].name, name) == 0 && host->instances[i].from != NULL)
            return host->instances[i].from;
    return NULL;
}

/* Binds type node `node` of this file, which an import of another tree's
 * type export declares, to that tree's type t (in its arena): a resource
 * is identified by the tree and its node there resolved, so the same
 * node bound twice (`(eq $r)` of an earlier import's r) must be bound to
 * the same resource. False with "mismatched resource types". */
static bool bind_other(cm_instance *ci, cm_typeid node, const cm_instance *from, cm_typeid t,
                       const char *path, const char *name, vm_error *err)
{
    if (t == CM_NO_TYPE || cm_type_get(&ci->file->types, node)->kind != CM_RESOURCE ||
        cm_type_get(&from->file->types, t)->kind != CM_RESOURCE)
        return true;
    cm_typeid id = cm_resource_id(from->top, t);
    for (uint32_t i = 0; i < ci->nxres; i++) {
        const struct cm_xres *x = &ci->xres[i];
        if (x->node == node && (x->from != from || x->id != id))
            return cm_rt_fail(err, VM_ERR_LINK,
                              "import \"%s\": export \"%s\": mismatched resource types", path, name);
        if (x->node == node)
            return true;
    }
    if (!cm_grow((void **)&ci->xres, ci->nxres, &ci->cap_xres, sizeof *ci->xres))
        return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    ci->xres[ci->nxres++] = (struct cm_xres){ node, from, id };
    return true;
}

static bool core_kind(cm_sort s, vm_externkind *k)
{
    switch (s) {
    case CM_SORT_CORE_FUNC: *k = VM_EXTERN_FUNC; return true;
    case CM_SORT_CORE_TABLE: *k = VM_EXTERN_TABLE; return true;
    case CM_SORT_CORE_MEMORY: *k = VM_EXTERN_MEMORY; return true;
    case CM_SORT_CORE_GLOBAL: *k = VM_EXTERN_GLOBAL; return true;
    default: return false;
    }
}

/* A core function type node against a signature. */
static bool sig_equal(const cm_types *types, cm_typeid ft, const vm_signature *sig)
{
    const cm_type *t = cm_type_get(types, ft);
    if (t->kind != CM_CORE_FUNC || t->nparams != sig->nparams || t->nresults != sig->nresults)
        return false;
    return (t->nparams == 0 || memcmp(t->params, sig->params, t->nparams * sizeof *t->params) == 0) &&
           (t->nresults == 0 ||
            memcmp(t->results, sig->results, t->nresults * sizeof *t->results) == 0);
}

/* Whether module m can stand for core module type mt: each export the
 * type declares is in m with its kind (a function with its signature),
 * and each import of m is one the type declares. Tables, memories and
 * globals by kind only (their core types are not kept, types.h). */
static bool module_fits(const cm_types *types, cm_typeid mt, const vm_module *m, char *why,
                        size_t n)
{
    const cm_type *t = cm_type_get(types, mt);
    for (uint32_t i = 0; i < t->nexports; i++) {
        const cm_decl *e = &t->exports[i];
        vm_externkind want, kind;
        const char *name;
        bool found = false;
        if (!core_kind(e->sort, &want))
            continue;
        for (uint32_t k = 0; k < vm_module_export_count(m) && !found; k++) {
            vm_module_export(m, k, &name, &kind);
            found = kind == want && strcmp(name, e->name) == 0;
        }
        vm_signature sig;
        if (!found) {
            snprintf(why, n, "export \"%s\" (%s) is missing", e->name, cm_sort_name(e->sort));
            return false;
        }
        if (want == VM_EXTERN_FUNC && (!vm_module_export_signature(m, e->name, &sig) ||
                                       !sig_equal(types, e->type, &sig))) {
            snprintf(why, n, "export \"%s\" has another signature", e->name);
            return false;
        }
    }
    for (uint32_t k = 0; k < vm_module_import_count(m); k++) {
        const char *module, *name;
        vm_externkind kind, want;
        vm_module_import(m, k, &module, &name, &kind);
        const cm_decl *d = NULL;
        for (uint32_t i = 0; i < t->nimports && d == NULL; i++) {
            const cm_decl *x = &t->imports[i];
            if (core_kind(x->sort, &want) && want == kind && x->module != NULL &&
                strcmp(x->module, module) == 0 && strcmp(x->name, name) == 0)
                d = x;
        }
        vm_signature sig;
        if (d == NULL) {
            snprintf(why, n, "its import \"%s\" \"%s\" is not in the type", module, name);
            return false;
        }
        if (kind == VM_EXTERN_FUNC &&
            (!vm_module_import_signature(m, k, &sig) || !sig_equal(types, d->type, &sig))) {
            snprintf(why, n, "its import \"%s\" \"%s\" has another signature", module, name);
            return false;
        }
    }
    return true;
}

/* The instance an import of instance type `it` stands for: from the
 * host's items of interface `path` (the import's name, then "#name" for
 * each nested instance), or, when src is not NULL, from src's items by
 * name. depth bounds the nesting (each level is a nested instance type). */
static bool host_instance(cm_inst *in, const char *path, cm_typeid it, const cm_instance *from,
                          const cm_iobj *src, unsigned depth, cm_iobj **out, vm_error *err)
{
    cm_instance *ci = in->root;
    const cm_types *types = &ci->file->types;
    bool strict = (ci->flags & CM_LINK_STRICT) != 0;
    if (depth > CM_ABI_MAX_DEPTH)
        return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": instances nested deeper than %d", path,
                          CM_ABI_MAX_DEPTH);
    const cm_type *t = cm_type_get(types, it);
    cm_iobj *o = cm_rt_alloc(ci, sizeof *o);
    if (o == NULL)
        return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < t->nexports; i++) {
        const cm_decl *e = &t->exports[i];
        cm_item item = { .t = e->type };
        const cm_named *s = src != NULL ? cm_iobj_find(src, e->name) : NULL;
        bool empty = e->sort == CM_SORT_INSTANCE && instance_is_empty(types, e->type, 0);
        if (src != NULL && !empty && (s == NULL || s->sort != e->sort))
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": export \"%s\" was not found", path,
                              e->name);
        switch (e->sort) {
        case CM_SORT_TYPE:
            if (s != NULL && s->sort == CM_SORT_TYPE &&
                !bind_other(ci, e->type, from, s->item.t, path, e->name, err))
                return false;
            break;
        case CM_SORT_FUNC:
            if (src != NULL)
                return cm_rt_fail(err, VM_ERR_LINK,
                                  "import \"%s\": export \"%s\": a function of another component "
                                  "instance tree cannot be imported (not supported yet)",
                                  path, e->name);
            if ((item.p = host_func(in, path, e->name, e->type)) == NULL)
                return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
            if (strict && ((cm_func *)item.p)->kind == CM_FN_UNRESOLVED)
                return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": export \"%s\" was not found",
                                  path, e->name);
            break;
        case CM_SORT_CORE_MODULE: {
            const vm_module *m = s != NULL ? s->item.p : host_module(ci->host, path, e->name);
            char why[200];
            if (m == NULL)
                return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": export \"%s\" was not found",
                                  path, e->name);
            if (!module_fits(types, e->type, m, why, sizeof why))
                return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": core module \"%s\": %s", path,
                                  e->name, why);
            item.p = (void *)m;
            break;
        }
        case CM_SORT_INSTANCE: {
            if (empty && s == NULL) {   /* nothing to supply */
                if ((item.p = cm_rt_alloc(ci, sizeof(cm_iobj))) == NULL)
                    return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
                break;
            }
            size_t len = strlen(path) + 1 + strlen(e->name) + 1;
            char *sub = cm_rt_alloc(ci, len);
            cm_iobj *nested;
            if (sub == NULL)
                return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
            snprintf(sub, len, "%s#%s", path, e->name);
            if (!host_instance(in, sub, e->type, from, s != NULL ? s->item.p : NULL, depth + 1,
                               &nested, err))
                return false;
            item.p = nested;
            break;
        }
        default:
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": the host cannot supply its %s \"%s\"",
                              path, cm_sort_name(e->sort), e->name);
        }
        if (!cm_iobj_add(ci, o, e->name, e->sort, item))
            return cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    }
    *out = o;
    return true;
}

bool cm_import_from_host(cm_inst *in, const cm_def *d, vm_error *err)
{
    cm_instance *ci = in->root;
    const char *name = d->u.extern_.name;
    cm_item *slot = &in->spaces[d->sort][d->index];
    bool strict = (ci->flags & CM_LINK_STRICT) != 0;
    if (strict && d->sort != CM_SORT_FUNC && d->sort != CM_SORT_TYPE &&
        cm_host_lookup(ci->host, NULL, name) != NULL)
        return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": expected %s found func", name,
                          cm_sort_name(d->sort));
    if (d->sort != CM_SORT_INSTANCE && d->sort != CM_SORT_TYPE &&
        host_instance_of(ci->host, name) != NULL)
        return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": expected %s found instance", name,
                          d->sort == CM_SORT_CORE_MODULE ? "module"
                          : d->sort == CM_SORT_FUNC      ? "function"
                                                         : cm_sort_name(d->sort));
    switch (d->sort) {
    case CM_SORT_FUNC:
        slot->p = host_func(in, NULL, name, d->type);
        if (slot->p != NULL && strict && ((cm_func *)slot->p)->kind == CM_FN_UNRESOLVED)
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\" was not found", name);
        return slot->p != NULL || cm_rt_fail(err, VM_ERR_NOMEM, "out of memory");
    case CM_SORT_TYPE:
        return true;
    case CM_SORT_INSTANCE: {
        cm_iobj *o;
        const cm_instance *from = host_instance_of(ci->host, name);
        if (!host_instance(in, name, d->type, from, from != NULL ? &from->top->exports : NULL, 0,
                           &o, err))
            return false;
        slot->p = o;
        return true;
    }
    case CM_SORT_CORE_MODULE: {
        const vm_module *m = host_module(ci->host, NULL, name);
        char why[200];
        if (m == NULL)
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\" was not found", name);
        if (!module_fits(&ci->file->types, d->type, m, why, sizeof why))
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": core module: %s", name, why);
        slot->p = (void *)m;
        return true;
    }
    default:
        if (strict)
            return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\" was not found", name);
        return cm_rt_fail(err, VM_ERR_LINK, "import \"%s\": a %s cannot be supplied by the host",
                          name, cm_sort_name(d->sort));
    }
}
