/* link.c — what connects a component to the outside: host functions found
 * by interface name and semver, and canon lower: a vm host function that
 * lifts the guest's core arguments, calls the target (a host function, an
 * unresolved import that traps, or another instance's lifted function: the
 * adapter path, run as a nested call to completion) and lowers the result
 * into the guest (flat, or through the return pointer).
 *
 * Touches no instance state but the lowering instance's memory. */
#include "component/runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- semver matching ---- */

typedef struct {
    unsigned long v[3];
    bool pre;                 /* has a pre-release or build suffix: exact match only */
} semver;

static bool parse_semver(const char *s, semver *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 3; i++) {
        char *end;
        if (*s < '0' || *s > '9')
            return false;
        out->v[i] = strtoul(s, &end, 10);
        s = end;
        if (i < 2 && *s++ != '.')
            return false;
    }
    out->pre = *s != '\0';
    return true;
}

bool cm_interface_matches(const char *have, const char *want)
{
    if (have == NULL || want == NULL)
        return have == want;
    if (strcmp(have, want) == 0)
        return true;
    const char *ha = strchr(have, '@'), *wa = strchr(want, '@');
    if (ha == NULL || wa == NULL || ha - have != wa - want || memcmp(have, want, (size_t)(ha - have)) != 0)
        return false;
    semver h, w;
    if (!parse_semver(ha + 1, &h) || !parse_semver(wa + 1, &w) || h.pre || w.pre)
        return false;
    if (h.v[0] != w.v[0])
        return false;
    return h.v[0] > 0 || h.v[1] == w.v[1];
}

const cm_host_func *cm_host_lookup(const cm_host *host, const char *iface, const char *name)
{
    if (host == NULL)
        return NULL;
    const cm_host_func *compatible = NULL;
    for (size_t i = 0; i < host->nfuncs; i++) {
        const cm_host_func *h = &host->funcs[i];
        if (strcmp(h->name, name) != 0)
            continue;
        if (iface == NULL || h->interface == NULL) {
            if (iface == h->interface)
                return h;
            continue;
        }
        if (strcmp(h->interface, iface) == 0)
            return h;
        if (compatible == NULL && cm_interface_matches(h->interface, iface))
            compatible = h;
    }
    return compatible;
}

/* ---- canon lower ---- */

typedef struct {
    cm_inst *inst;
    cm_func *target;
    vm_memory *memory;
    vm_func *realloc;
    cm_string_encoding enc;
    uint32_t nparams;         /* core parameters */
} lower_ctx;

#define MAX_PARAMS 256

static vm_host_status trampoline(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    lower_ctx *lc = user;
    const cm_types *types = &lc->inst->root->file->types;
    const cm_type *ft = cm_type_get(types, lc->target->type);
    char err[512] = "";
    cm_abi_env env;
    cm_abi_setup(&env, lc->inst, lc->memory, lc->realloc, lc->enc, err, sizeof err);
    env.adapter = lc->target->kind == CM_FN_LIFTED;
    uint32_t np = ft->nfields;
    if (np > MAX_PARAMS)
        return vm_host_trap(caller, "%s: more than %d parameters", lc->target->name, MAX_PARAMS);
    cm_typeid ptypes[MAX_PARAMS];
    const char *names[MAX_PARAMS];
    for (uint32_t i = 0; i < np; i++) {
        ptypes[i] = ft->fields[i].type;
        names[i] = ft->fields[i].label;
    }
    host_value *vals = calloc(np + 1, sizeof *vals);
    if (vals == NULL)
        return vm_host_trap(caller, "out of memory");
    host_value result = host_nil();
    cm_instance *ci = lc->inst->root;
    if (lc->target->kind == CM_FN_LIFTED && lc->target->inst == lc->inst) {
        /* a lifted function of the calling instance itself: it is on the
         * stack, so entering it again is refused (may_enter) */
        free(vals);
        return vm_host_trap(caller, "cannot enter component instance: %s calls a function of "
                            "its own instance", lc->target->name);
    }
    if (env.adapter)
        cm_adapter_begin(ci);
    bool ok = cm_abi_lift_values(&env.cx, ptypes, names, np, args, lc->nparams, CM_MAX_FLAT, vals);
    if (!ok) {
        for (uint32_t i = 0; i < np; i++)
            host_value_free(&vals[i]);
        free(vals);
        if (env.adapter)
            cm_adapter_end(ci);
        return vm_host_trap(caller, "calling %s: %s", lc->target->name, err);
    }
    ok = cm_call_func_nested(lc->target, vals, np, &result, err, sizeof err);
    if (env.adapter)
        cm_adapter_end(ci);
    for (uint32_t i = 0; i < np; i++)
        host_value_free(&vals[i]);
    free(vals);
    if (!ok) {
        host_value_free(&result);
        if (lc->target->kind == CM_FN_UNRESOLVED)
            return vm_host_trap(caller, "%s", err);
        return vm_host_trap(caller, "%s: %s", lc->target->name, err);
    }
    if (ft->elem != CM_NO_TYPE) {
        const cm_type *rt = cm_type_get(types, ft->elem);
        if (rt->nflat <= 1)
            ok = cm_abi_lower_flat(&env.cx, ft->elem, &result, results);
        else
            ok = cm_abi_store(&env.cx, ft->elem, &result, args[lc->nparams].of.i32);
        if (!ok) {
            host_value_free(&result);
            cm_abi_prefix(&env.cx, "the result of %s: ", lc->target->name);
            return vm_host_trap(caller, "%s", err);
        }
    }
    host_value_free(&result);
    return VM_HOST_DONE;
}

vm_func *cm_lower_func(cm_inst *inst, cm_func *target, vm_memory *memory, vm_func *realloc,
                       cm_string_encoding enc, char *err, size_t errlen)
{
    cm_instance *ci = inst->root;
    const cm_types *types = &ci->file->types;
    const cm_type *ft = cm_type_get(types, target->type);
    lower_ctx *lc = cm_rt_alloc(ci, sizeof *lc);
    vm_valtype *p = cm_rt_alloc(ci, (CM_MAX_FLAT + 2) * sizeof *p);
    vm_valtype *r = cm_rt_alloc(ci, sizeof *r);
    if (lc == NULL || p == NULL || r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *lc = (lower_ctx){ inst, target, memory, realloc, enc, 0 };
    vm_signature sig = { .params = p, .results = r };
    cm_typeid ptypes[MAX_PARAMS];
    if (ft->nfields > MAX_PARAMS) {
        snprintf(err, errlen, "more than %d parameters", MAX_PARAMS);
        return NULL;
    }
    for (uint32_t i = 0; i < ft->nfields; i++)
        ptypes[i] = ft->fields[i].type;
    if (cm_abi_flat_count(types, ptypes, ft->nfields) > CM_MAX_FLAT) {
        p[sig.nparams++] = VM_I32;
    } else {
        for (uint32_t i = 0; i < ft->nfields; i++) {
            const cm_type *t = cm_type_get(types, ptypes[i]);
            for (unsigned j = 0; j < t->nflat; j++)
                p[sig.nparams++] = (vm_valtype)t->flat[j];
        }
    }
    lc->nparams = sig.nparams;
    if (ft->elem != CM_NO_TYPE) {
        const cm_type *rt = cm_type_get(types, ft->elem);
        if (rt->nflat > 1)
            p[sig.nparams++] = VM_I32;
        else if (rt->nflat == 1)
            r[sig.nresults++] = (vm_valtype)rt->flat[0];
    }
    vm_func *f = vm_func_new_host(ci->store, &sig, trampoline, lc);
    if (f == NULL)
        snprintf(err, errlen, "out of memory");
    return f;
}
