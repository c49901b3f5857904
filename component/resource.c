/* resource.c — resource handles (CanonicalABI.md "Handle state",
 * canon resource.new/drop/rep, lift/lower of own and borrow).
 *
 * Each component instance has a handle table (index 0 never used, freed
 * slots reused). The host has one table too (cm_instance.hostside): an
 * own<R> a guest returns to the host moves from the guest's table to the
 * host's, and the host sees the index there as an INT; lowering it back
 * moves it into the callee's table. A borrow<R> the host passes to a
 * guest is the rep itself when the guest defines R, else a borrow handle
 * in the guest's table that counts as a lend of the host's own handle
 * (dropping that own while lent traps) and is ended when the call
 * returns. A borrow lifted out of a guest (a host import taking
 * borrow<R>) reaches the host as the rep, as an INT.
 *
 * Resource identity: each handle holds the resource it is of, resolved
 * (cm_resource_id): a type node an instance's import, alias or export of a
 * type stands for is replaced by its argument's (cm_resource_sub), until
 * the node of the resource's definition, or of a resource imported from
 * the host, is reached. resource.rep/drop and lifting or lowering a handle
 * check it: "handle index 3 is of another resource type". A host
 * resource's handle (cm_host_resource_new) takes the type of the first
 * host-imported resource it is lowered as.
 *
 * Touches the handle tables only. */
#include "component/runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cm_resource_sub(cm_inst *in, cm_typeid from, cm_typeid to)
{
    if (from == to || from == CM_NO_TYPE || to == CM_NO_TYPE)
        return true;
    if (!cm_grow((void **)&in->rsub, in->nrsub, &in->cap_rsub, sizeof *in->rsub))
        return false;
    in->rsub[in->nrsub++] = (struct cm_rsub){ from, to };
    return true;
}

static bool lookup(const cm_inst *p, cm_typeid *t)
{
    for (uint32_t i = p->nrsub; i-- > 0;)
        if (p->rsub[i].from == *t) {
            *t = p->rsub[i].to;
            return true;
        }
    return false;
}

cm_typeid cm_resource_id(const cm_inst *in, cm_typeid t)
{
    /* Exact: a node a scope can name is its own (a definition is its own
     * identity; an import, alias or export of a type maps its node here,
     * cm_resource_sub) or an enclosing scope's (outer aliases share the
     * node), and the types a child instance exports reach the parent
     * already substituted (the decoder's cm_substitute walks every node
     * they reach, nested instance types too). So the lexical chain has
     * every mapping; each step goes to a node of an enclosing or earlier
     * instance, and the bound only guards against a cycle. */
    for (unsigned steps = 0; steps < 1000; steps++) {
        bool found = false;
        for (const cm_inst *p = in; p != NULL && !found; p = p->parent)
            found = lookup(p, &t);
        if (!found)
            break;
    }
    return t;
}

/* A handle of resource rt (resolved) where want (resolved) is expected: a
 * host resource's handle of no type yet takes want when want is a
 * resource imported from the host. */
static bool same_resource(const cm_types *types, cm_handle *h, cm_typeid want)
{
    if (h->rt == want)
        return true;
    if (h->rt == CM_NO_TYPE && h->impl == NULL && cm_type_get(types, want)->abstract) {
        h->rt = want;
        return true;
    }
    return false;
}

#define WRONG_TYPE "handle index %u is of another resource type"

static cm_handle *entry(cm_inst *in, uint32_t i)
{
    if (i == 0 || i >= in->nhandles || !in->handles[i].used)
        return NULL;
    return &in->handles[i];
}

static bool add(cm_inst *in, cm_handle h, uint32_t *index, char *err, size_t errlen)
{
    uint32_t i = in->free_handle;
    if (i != 0) {
        in->free_handle = in->handles[i].next_free;
    } else {
        if (in->nhandles == 0)
            in->nhandles = 1;
        if (in->nhandles >= in->cap_handles) {
            if (in->cap_handles >= (1u << 28)) {
                snprintf(err, errlen, "too many handles");
                return false;
            }
            if (!cm_grow((void **)&in->handles, in->nhandles, &in->cap_handles, sizeof *in->handles)) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
        }
        i = in->nhandles++;
    }
    h.used = true;
    in->handles[i] = h;
    *index = i;
    return true;
}

static void release(cm_inst *in, uint32_t i)
{
    in->handles[i].used = false;
    in->handles[i].next_free = in->free_handle;
    in->free_handle = i;
}

/* Runs the destructor of a resource whose last own handle went away. */
static bool destroy(cm_instance *ci, cm_inst *impl, cm_typeid rt, uint32_t rep, char *err,
                    size_t errlen)
{
    if (impl == NULL) {
        /* a host resource: the host's drop hook, if it has one */
        if (ci->host_drop != NULL)
            ci->host_drop(ci->host_drop_user, rep);
        return true;
    }
    const cm_type *r = cm_type_get(&impl->root->file->types, rt);
    if (r->dtor == CM_NONE)
        return true;
    vm_func *dtor = impl->spaces[CM_SORT_CORE_FUNC][r->dtor].p;
    vm_value arg = { .type = VM_I32, .of.i32 = rep };
    char msg[256];
    if (!cm_run_nested(impl->root, dtor, &arg, 1, NULL, 0, msg, sizeof msg)) {
        snprintf(err, errlen, "resource destructor: %s", msg);
        return false;
    }
    return true;
}

/* Drops handle i of in (own: destructor; borrow: ends the lend). */
static bool drop(cm_inst *in, uint32_t i, char *err, size_t errlen)
{
    cm_handle *h = entry(in, i);
    if (h == NULL) {
        snprintf(err, errlen, "unknown handle index %u", i);
        return false;
    }
    if (h->own && h->lend_count != 0) {
        snprintf(err, errlen, "cannot drop a resource while it is borrowed");
        return false;
    }
    cm_handle copy = *h;
    release(in, i);
    if (!copy.own) {
        if (in->num_borrows)
            in->num_borrows--;
        cm_inst *host = in->root->hostside;
        cm_handle *lender = copy.borrow_of ? entry(host, copy.borrow_of) : NULL;
        if (lender != NULL && lender->lend_count)
            lender->lend_count--;
        return true;
    }
    return destroy(in->root, copy.impl, copy.rt, copy.rep, err, errlen);
}

/* ---- canon resource.new / drop / rep ---- */

typedef struct {
    cm_inst *inst;
    cm_canon_op op;
    cm_typeid rt;
} res_ctx;

static vm_host_status res_call(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    res_ctx *rc = user;
    char err[256];
    uint32_t x = args[0].of.i32;
    switch (rc->op) {
    case CM_CANON_RESOURCE_NEW: {
        cm_handle h = { .own = true, .rt = cm_resource_id(rc->inst, rc->rt), .impl = rc->inst,
                        .rep = x };
        uint32_t index;
        if (!add(rc->inst, h, &index, err, sizeof err))
            return vm_host_trap(caller, "resource.new: %s", err);
        results[0] = (vm_value){ .type = VM_I32, .of.i32 = index };
        return VM_HOST_DONE;
    }
    case CM_CANON_RESOURCE_REP: {
        cm_handle *h = entry(rc->inst, x);
        if (h == NULL)
            return vm_host_trap(caller, "unknown handle index %u", x);
        if (!same_resource(&rc->inst->root->file->types, h, cm_resource_id(rc->inst, rc->rt)))
            return vm_host_trap(caller, WRONG_TYPE, x);
        results[0] = (vm_value){ .type = VM_I32, .of.i32 = h->rep };
        return VM_HOST_DONE;
    }
    default: {
        cm_handle *h = entry(rc->inst, x);
        if (h != NULL &&
            !same_resource(&rc->inst->root->file->types, h, cm_resource_id(rc->inst, rc->rt)))
            return vm_host_trap(caller, WRONG_TYPE, x);
        if (!drop(rc->inst, x, err, sizeof err))
            return vm_host_trap(caller, "%s", err);
        return VM_HOST_DONE;
    }
    }
}

vm_func *cm_resource_func(cm_inst *inst, cm_canon_op op, cm_typeid rt, char *err, size_t errlen)
{
    static const vm_valtype i32[1] = { VM_I32 };
    res_ctx *rc = cm_rt_alloc(inst->root, sizeof *rc);
    if (rc == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *rc = (res_ctx){ inst, op, rt };
    vm_signature sig = { .nparams = 1, .params = i32, .nresults = op == CM_CANON_RESOURCE_DROP ? 0 : 1,
                         .results = i32 };
    vm_func *f = vm_func_new_host(inst->root->store, &sig, res_call, rc);
    if (f == NULL)
        snprintf(err, errlen, "out of memory");
    return f;
}

/* ---- own and borrow across the boundary ---- */

bool cm_lift_handle(cm_abi *cx, cm_typeid handle, uint32_t index, host_value *out)
{
    cm_abi_env *env = (cm_abi_env *)cx;
    cm_inst *in = env->inst;
    const cm_type *ht = cm_type_get(cx->types, handle);
    cm_handle *h = entry(in, index);
    if (h == NULL)
        return cm_abi_fail(cx, "unknown handle index %u", index);
    if (!same_resource(cx->types, h, cm_resource_id(env->scope, ht->elem)))
        return cm_abi_fail(cx, WRONG_TYPE, index);
    if (ht->kind == CM_BORROW && env->adapter && in->root->hostside->adapter_depth > 0) {
        /* into another instance: a borrow in the host table for the call */
        cm_inst *host = in->root->hostside;
        cm_handle b = { .own = false, .rt = h->rt, .impl = h->impl, .rep = h->rep,
                        .adapter_depth = host->adapter_depth };
        if (h->own) {   /* the caller's own is lent for the call */
            h->lend_count++;
            b.lender = in;
            b.lender_index = index;
        }
        uint32_t hi;
        char err[128];
        if (!add(host, b, &hi, err, sizeof err))
            return cm_abi_fail(cx, "%s", err);
        host->adapter_borrows++;
        *out = host_int(hi);
        return true;
    }
    if (ht->kind == CM_BORROW) {
        *out = host_int(h->rep);
        return true;
    }
    if (!h->own)
        return cm_abi_fail(cx, "handle index %u is a borrow, expected an own", index);
    if (h->lend_count != 0)
        return cm_abi_fail(cx, "cannot move a resource while it is borrowed");
    cm_handle moved = *h;
    release(in, index);
    moved.lend_count = 0;
    uint32_t hi;
    char err[128];
    if (!add(in->root->hostside, moved, &hi, err, sizeof err))
        return cm_abi_fail(cx, "%s", err);
    *out = host_int(hi);
    return true;
}

bool cm_lower_handle(cm_abi *cx, cm_typeid handle, const host_value *v, uint32_t *index)
{
    cm_abi_env *env = (cm_abi_env *)cx;
    cm_inst *in = env->inst, *host = in->root->hostside;
    const cm_type *ht = cm_type_get(cx->types, handle);
    if (v->kind != HOST_VALUE_INT || (!v->is_unsigned && v->i < 0) || (v->is_unsigned ? v->u : (uint64_t)v->i) > UINT32_MAX)
        return cm_abi_fail(cx, "expected a resource handle, got %s", cm_abi_kind_name(v));
    uint32_t hi = (uint32_t)(v->is_unsigned ? v->u : (uint64_t)v->i);
    cm_handle *h = entry(host, hi);
    if (h == NULL)
        return cm_abi_fail(cx, "unknown handle index %u", hi);
    if (!same_resource(cx->types, h, cm_resource_id(env->scope, ht->elem)))
        return cm_abi_fail(cx, WRONG_TYPE, hi);
    char err[128];
    if (ht->kind == CM_OWN) {
        if (h->lend_count != 0)
            return cm_abi_fail(cx, "cannot move a resource while it is borrowed");
        cm_handle moved = *h;
        release(host, hi);
        if (!add(in, moved, index, err, sizeof err))
            return cm_abi_fail(cx, "%s", err);
        return true;
    }
    if (h->impl == in) {
        *index = h->rep;
        return true;
    }
    cm_handle b = { .own = false, .rt = h->rt, .impl = h->impl, .rep = h->rep, .borrow_of = hi };
    if (!add(in, b, index, err, sizeof err))
        return cm_abi_fail(cx, "%s", err);
    h = entry(host, hi);
    h->lend_count++;
    in->num_borrows++;
    return true;
}

void cm_adapter_begin(cm_instance *ci)
{
    ci->hostside->adapter_depth++;
}

void cm_adapter_end(cm_instance *ci)
{
    cm_inst *host = ci->hostside;
    uint32_t depth = host->adapter_depth;
    if (depth == 0)
        return;
    for (uint32_t i = 1; i < host->nhandles && host->adapter_borrows; i++)
        if (host->handles[i].used && !host->handles[i].own && host->handles[i].adapter_depth == depth) {
            cm_handle *lent = host->handles[i].lender
                                  ? entry(host->handles[i].lender, host->handles[i].lender_index) : NULL;
            if (lent != NULL && lent->lend_count)
                lent->lend_count--;
            release(host, i);
            host->adapter_borrows--;
        }
    host->adapter_depth--;
}

bool cm_end_borrows(cm_inst *inst)
{
    if (inst->num_borrows == 0)
        return true;
    char err[64];
    for (uint32_t i = 1; i < inst->nhandles && inst->num_borrows; i++)
        if (inst->handles[i].used && !inst->handles[i].own)
            drop(inst, i, err, sizeof err);
    inst->num_borrows = 0;
    return false;
}

bool cm_handle_drop(cm_instance *ci, int64_t handle, char *err, size_t errlen)
{
    if (handle <= 0 || handle > UINT32_MAX) {
        snprintf(err, errlen, "unknown handle index %lld", (long long)handle);
        return false;
    }
    return drop(ci->hostside, (uint32_t)handle, err, errlen);
}

bool cm_handle_rep(cm_instance *ci, int64_t handle, uint32_t *rep, char *err, size_t errlen)
{
    cm_handle *h = handle > 0 && handle <= UINT32_MAX ? entry(ci->hostside, (uint32_t)handle) : NULL;
    if (h == NULL) {
        snprintf(err, errlen, "unknown handle index %lld", (long long)handle);
        return false;
    }
    *rep = h->rep;
    return true;
}

void cm_handles_free(cm_inst *inst)
{
    free(inst->handles);
    inst->handles = NULL;
    free(inst->rsub);
    inst->rsub = NULL;
}

void cm_instance_set_host_drop(cm_instance *ci, void (*drop)(void *user, uint32_t rep),
                               void *user)
{
    ci->host_drop = drop;
    ci->host_drop_user = user;
}

void cm_instance_set_host_bytes(cm_instance *ci, bool bytes)
{
    ci->host_bytes = bytes;
}

int64_t cm_host_resource_new(cm_instance *ci, uint32_t rep)
{
    cm_handle h = { .own = true, .rt = CM_NO_TYPE, .impl = NULL, .rep = rep };
    uint32_t index;
    char err[64];
    if (!add(ci->hostside, h, &index, err, sizeof err))
        return -1;
    return index;
}
