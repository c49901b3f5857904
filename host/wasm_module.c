/* wasm_module.c — a process.wasm entry made ready to run, once: its verified
 * bytes (the registry checked the hash) decoded, validated and translated
 * into one vm_module that every process of the entry shares; the method's
 * signature and `wit:` declaration looked up; the WASI needs and
 * capability groups worked out. A component (told by its header) is
 * decoded and validated once into a cm_file instead, and its method
 * looked up among the exports of its type: `name` or `iface#name`.
 * Nothing here runs guest code. */
#include <stdlib.h>
#include <string.h>

#include "host/abi/canonical.h"
#include "host/internal.h"

static bool fail_load(host_module *m, const char *fmt, const char *detail)
{
    m->load_error = host_strdupf(fmt, detail);
    return false;
}

/* The export decl named name (of sort sort) among a component or
 * instance type's exports, or NULL. */
static const cm_decl *find_decl(const cm_type *t, const char *name, size_t len, cm_sort sort)
{
    for (uint32_t i = 0; i < t->nexports; i++) {
        const cm_decl *d = &t->exports[i];
        if (d->sort == sort && strlen(d->name) == len && memcmp(d->name, name, len) == 0)
            return d;
    }
    return NULL;
}

/* "no export "x"; exports: a, b, iface#c": the functions a method may name. */
static char *no_export(const cm_types *types, const cm_type *root, const char *method)
{
    char buf[HOST_ERROR_MAX];
    size_t n = (size_t)snprintf(buf, sizeof buf, "no export \"%s\"; exports:", method);
    const char *sep = " ";
    for (uint32_t i = 0; i < root->nexports && n < sizeof buf; i++) {
        const cm_decl *d = &root->exports[i];
        if (d->sort == CM_SORT_FUNC) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", sep, d->name);
            sep = ", ";
        } else if (d->sort == CM_SORT_INSTANCE && d->type != CM_NO_TYPE) {
            const cm_type *it = cm_type_get(types, d->type);
            for (uint32_t j = 0; it->kind == CM_INSTANCE && j < it->nexports && n < sizeof buf; j++)
                if (it->exports[j].sort == CM_SORT_FUNC) {
                    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s#%s", sep, d->name,
                                          it->exports[j].name);
                    sep = ", ";
                }
        }
    }
    return strdup(buf);
}

/* A component: decoded and validated; the method found in its type. */
static bool load_component(host_module *m, const cfg_wasm *w)
{
    vm_error err;
    m->cm = cm_decode(w->bytes, w->size, &err);
    if (m->cm == NULL)
        return fail_load(m, "failed to load wasm module: %s", err.message);
    const cm_types *types = &m->cm->types;
    const cm_type *root = cm_type_get(types, m->cm->root->type);
    const char *method = w->method, *hash = strchr(method, '#');
    const cm_decl *d = NULL;
    if (hash != NULL) {
        const cm_decl *iface = find_decl(root, method, (size_t)(hash - method), CM_SORT_INSTANCE);
        if (iface != NULL && iface->type != CM_NO_TYPE &&
            cm_type_get(types, iface->type)->kind == CM_INSTANCE)
            d = find_decl(cm_type_get(types, iface->type), hash + 1, strlen(hash + 1), CM_SORT_FUNC);
    } else {
        d = find_decl(root, method, strlen(method), CM_SORT_FUNC);
    }
    if (d == NULL || d->type == CM_NO_TYPE || cm_type_get(types, d->type)->kind != CM_FUNC) {
        m->call_error = no_export(types, root, method);
        return true;
    }
    m->cm_method = d->type;
    m->has_method = true;
    return true;
}

uint32_t host_cm_method_nparams(const host_module *m)
{
    return cm_type_get(&m->cm->types, m->cm_method)->nfields;
}

bool host_module_load(host_module *m, const cfg_entry *e)
{
    const cfg_wasm *w = &e->as.wasm;
    memset(m, 0, sizeof *m);
    m->entry = e;
    for (size_t i = 0; i < w->nimports; i++)
        m->caps |= wasi_cap_from_name(w->imports[i]);
    if (w->bytes == NULL)
        return fail_load(m, "failed to load wasm module: %s", "the binary was not read");
    if (cm_is_component(w->bytes, w->size))
        return load_component(m, w);
    vm_error err;
    m->vm = vm_module_load(w->bytes, w->size, &err);
    if (m->vm == NULL)
        return fail_load(m, "failed to load wasm module: %s", err.message);

    for (uint32_t i = 0; i < vm_module_import_count(m->vm); i++) {
        const char *module, *name;
        vm_externkind kind;
        vm_module_import(m->vm, i, &module, &name, &kind);
        if (strcmp(module, "wasi_snapshot_preview1") == 0)
            m->needs_wasi = true;
    }
    vm_signature init;
    m->has_initialize = vm_module_export_signature(m->vm, "_initialize", &init) &&
                        init.nparams == 0 && init.nresults == 0;

    /* Why the method could never be called is kept, and reported by every
     * spawn, rather than failing the load: Wippy finds out at call time. */
    char why[HOST_ERROR_MAX];
    m->has_method = vm_module_export_signature(m->vm, w->method, &m->sig);
    if (!m->has_method) {
        m->call_error = host_strdupf("function %s not found in the module's exports", w->method);
        return true;
    }
    if (w->wit != NULL) {
        if (!host_wit_find(w->wit, w->method, &m->wit, why, sizeof why)) {
            m->call_error = strdup(why);
            return true;
        }
        m->has_wit = true;
    }
    size_t nparams = m->has_wit ? m->wit.nparams : m->sig.nparams;
    if (!host_abi_check(&m->sig, m->has_wit ? &m->wit : NULL, nparams, why, sizeof why))
        m->call_error = strdup(why);
    return true;
}

void host_module_free(host_module *m)
{
    host_lua_script_free(m->script);
    vm_module_free(m->vm);
    cm_file_free(m->cm);
    free(m->load_error);
    free(m->call_error);
    memset(m, 0, sizeof *m);
}
