/* wasm_module.c — a process.wasm entry made ready to run, once: its verified
 * bytes (the registry checked the hash) decoded, validated and translated
 * into one vm_module that every process of the entry shares; the method's
 * signature and `wit:` declaration looked up; the WASI needs and
 * capability groups worked out. Nothing here runs guest code. */
#include <stdlib.h>
#include <string.h>

#include "host/abi/canonical.h"
#include "host/internal.h"

static bool fail_load(host_module *m, const char *fmt, const char *detail)
{
    m->load_error = host_strdupf(fmt, detail);
    return false;
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
    free(m->load_error);
    free(m->call_error);
    memset(m, 0, sizeof *m);
}
