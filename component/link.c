/* link.c — what connects a component to the outside: host functions found
 * by interface name and semver, and canon lower: a vm host function that
 * lifts the guest's core arguments, calls the target (a host function, an
 * unresolved import that traps, or another instance's lifted function: the
 * adapter path, adapter.c) and lowers the result into the guest (flat, or
 * through the return pointer). A host function that would block suspends
 * the call (the pending call lives on the cm_instance until
 * cm_call_complete retries it), unless a realloc, post-return or
 * destructor is running (ci->nested): then it waits in place.
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

typedef cm_lower_ctx lower_ctx;

#define MAX_PARAMS 256

static void free_values(host_value *vals, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        host_value_free(&vals[i]);
    free(vals);
}

bool cm_lower_result(lower_ctx *lc, host_value *result, vm_value *results, uint32_t retptr,
                     char *err, size_t errlen)
{
    const cm_types *types = &lc->inst->root->file->types;
    const cm_type *ft = cm_type_get(types, lc->target->type);
    if (ft->elem == CM_NO_TYPE)
        return true;
    cm_abi_env env;
    cm_abi_setup(&env, lc->inst, lc->memory, lc->realloc, lc->enc, err, errlen);
    env.scope = lc->target->inst;   /* the target's type */
    /* strings of another instance's result were lifted in its encoding */
    env.cx.src_encoding = lc->target->kind == CM_FN_LIFTED ? lc->target->encoding : CM_UTF8;
    const cm_type *rt = cm_type_get(types, ft->elem);
    bool ok = rt->nflat <= 1 ? cm_abi_lower_flat(&env.cx, ft->elem, result, results)
                             : cm_abi_store(&env.cx, ft->elem, result, retptr);
    if (!ok)
        cm_abi_prefix(&env.cx, "the result of %s: ", lc->target->name);
    return ok;
}

size_t cm_lower_nresults(const lower_ctx *lc)
{
    const cm_types *types = &lc->inst->root->file->types;
    const cm_type *ft = cm_type_get(types, lc->target->type);
    return ft->elem != CM_NO_TYPE && cm_type_get(types, ft->elem)->nflat == 1 ? 1 : 0;
}

static vm_host_status trampoline(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    lower_ctx *lc = user;
    cm_instance *ci = lc->inst->root;
    const cm_types *types = &ci->file->types;
    const cm_type *ft = cm_type_get(types, lc->target->type);
    char err[512] = "";
    cm_abi_env env;
    cm_abi_setup(&env, lc->inst, lc->memory, lc->realloc, lc->enc, err, sizeof err);
    env.adapter = lc->target->kind == CM_FN_LIFTED;
    env.scope = lc->target->inst;   /* the target's type */
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
    if (lc->target->kind == CM_FN_LIFTED && lc->target->inst == lc->inst) {
        /* a lifted function of the calling instance itself: it is on the
         * stack, so entering it again is refused (may_enter) */
        free(vals);
        return vm_host_trap(caller, "cannot enter component instance: %s calls a function of "
                            "its own instance", lc->target->name);
    }
    if (env.adapter) {
        if (ci->hostside->adapter_depth >= CM_MAX_ADAPTER_DEPTH) {
            free(vals);
            return vm_host_trap(caller, "calling %s: adapter calls nested more than %d deep",
                                lc->target->name, CM_MAX_ADAPTER_DEPTH);
        }
        cm_adapter_begin(ci);
    }
    env.cx.bytes = lc->target->kind == CM_FN_HOST && ci->host_bytes;
    bool ok = cm_abi_lift_values(&env.cx, ptypes, names, np, args, lc->nparams, CM_MAX_FLAT, vals);
    if (!ok) {
        free_values(vals, np);
        if (env.adapter)
            cm_adapter_end(ci);
        return vm_host_trap(caller, "calling %s: %s", lc->target->name, err);
    }
    uint32_t retptr = ft->elem != CM_NO_TYPE && cm_type_get(types, ft->elem)->nflat > 1
                          ? args[lc->nparams].of.i32 : 0;
    if (env.adapter) {   /* another instance's lifted function (adapter.c) */
        vm_host_status st = cm_adapter_call(caller, lc, vals, np, retptr, results);
        free_values(vals, np);
        return st;
    }
    const cm_host_func *h = lc->target->kind == CM_FN_HOST ? lc->target->host : NULL;
    if (h != NULL && ci->nested == 0) {
        /* a host function that would block suspends the call (the
         * top-level call's thread, or an adapter call's: adapter.c) */
        cm_host_status hs = cm_host_call(ci, h, vals, np, &result, err, sizeof err);
        if (hs == CM_HOST_BLOCKED) {
            cm_pending_clear(ci);
            ci->pending = (cm_pending){ true, lc, vals, np, retptr, ci->blocked_wait };
            return VM_HOST_SUSPEND;
        }
        ok = hs == CM_HOST_DONE;
    } else {
        ok = cm_call_func_nested(lc->target, vals, np, &result, err, sizeof err);
    }
    free_values(vals, np);
    if (!ok) {
        host_value_free(&result);
        if (lc->target->kind == CM_FN_UNRESOLVED)
            return vm_host_trap(caller, "%s", err);
        return vm_host_trap(caller, "%s: %s", lc->target->name, err);
    }
    ok = cm_lower_result(lc, &result, results, retptr, err, sizeof err);
    host_value_free(&result);
    if (!ok)
        return vm_host_trap(caller, "%s", err);
    return VM_HOST_DONE;
}

void cm_pending_clear(cm_instance *ci)
{
    if (ci->pending.active)
        free_values(ci->pending.args, ci->pending.nargs);
    memset(&ci->pending, 0, sizeof ci->pending);
}

vm_status cm_pending_complete(cm_instance *ci, vm_thread *t, char *err, size_t errlen)
{
    cm_pending *p = &ci->pending;
    if (!p->active) {
        snprintf(err, errlen, "no host call is pending");
        return VM_TRAP;
    }
    lower_ctx *lc = p->lc;
    const cm_host_func *h = lc->target->host;
    host_value result = host_nil();
    char msg[512] = "";
    cm_host_status hs = cm_host_call(ci, h, p->args, p->nargs, &result, msg, sizeof msg);
    if (hs == CM_HOST_BLOCKED) {
        p->wait = ci->blocked_wait;
        return VM_SUSPENDED;
    }
    uint32_t retptr = p->retptr;
    cm_pending_clear(ci);
    if (hs != CM_HOST_DONE) {
        host_value_free(&result);
        snprintf(err, errlen, "%s: %s", lc->target->name, msg);
        return VM_TRAP;
    }
    vm_value results[1] = { { .type = VM_I32 } };
    bool ok = cm_lower_result(lc, &result, results, retptr, err, errlen);
    host_value_free(&result);
    if (!ok)
        return VM_TRAP;
    return vm_resume(t, results, cm_lower_nresults(lc));
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
