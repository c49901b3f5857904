/* call.c — calling component functions from C: lowering the arguments
 * into the callee (flat, or through memory past 16 flat values), the
 * resumable core call (start → run with fuel → suspended/resume →
 * finish), lifting the result (flat, or through the returned pointer),
 * post-return; and the nested calls the ABI makes to completion: realloc,
 * post-return. Adapter calls from one instance into another are in
 * adapter.c (they use cm_func_enter and cm_func_leave).
 *
 * Touches a call's own vm_thread; nested calls get a fresh thread each. */
#include "component/runtime_internal.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cm_call {
    cm_instance *ci;
    vm_thread *thread;
    cm_func *f;
    vm_status status;
    bool started;
    bool host_ok;             /* a non-lifted function, called at start */
    host_value host_result;
    char host_err[256];
    bool trapped;             /* a pending host call failed when completed */
    char trap[512];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cm_wait_block(const cm_wait *w)
{
    struct pollfd fds[CM_WAIT_FDS];
    nfds_t n = 0;
    for (uint32_t i = 0; i < w->nfds && i < CM_WAIT_FDS; i++)
        fds[n++] = (struct pollfd){ .fd = w->fds[i].fd,
                                    .events = (short)((w->fds[i].want_read ? POLLIN : 0) |
                                                      (w->fds[i].want_write ? POLLOUT : 0)) };
    struct timespec ts, *timeout = NULL;
    if (w->has_deadline) {
        uint64_t now = now_ns();
        uint64_t left = w->deadline_ns > now ? w->deadline_ns - now : 0;
        ts.tv_sec = (time_t)(left / 1000000000ull);
        ts.tv_nsec = (long)(left % 1000000000ull);
        timeout = &ts;
    }
    if (n == 0 && timeout == NULL)
        return;   /* nothing named: the host function looks again at once */
    (void)ppoll(fds, n, timeout, NULL);   /* EINTR or an error: it looks again */
}

void cm_host_would_block(cm_instance *ci, const cm_wait *w)
{
    ci->blocked = true;
    ci->blocked_wait = *w;
}

cm_host_status cm_host_call(cm_instance *ci, const cm_host_func *h, const host_value *args,
                            size_t nargs, host_value *result, char *err, size_t errlen)
{
    ci->blocked = false;
    if (h->fn(h->user, args, nargs, result, err, errlen))
        return CM_HOST_DONE;
    host_value_free(result);
    if (ci->blocked) {
        ci->blocked = false;
        return CM_HOST_BLOCKED;
    }
    return CM_HOST_TRAP;
}

bool cm_host_call_blocking(cm_instance *ci, const cm_host_func *h, const host_value *args,
                           size_t nargs, host_value *result, char *err, size_t errlen)
{
    for (;;) {
        cm_host_status s = cm_host_call(ci, h, args, nargs, result, err, errlen);
        if (s != CM_HOST_BLOCKED)
            return s == CM_HOST_DONE;
        cm_wait w = ci->blocked_wait;
        cm_wait_block(&w);
    }
}

bool cm_run_nested(cm_instance *ci, vm_func *f, const vm_value *args, size_t nargs,
                   vm_value *results, size_t nresults, char *err, size_t errlen)
{
    vm_thread *t = vm_thread_new(ci->store);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    vm_status s = vm_call_start(t, f, args, nargs);
    ci->nested++;
    if (s == VM_DONE)
        s = vm_run(t, CM_ALLOC_FUEL);
    ci->nested--;
    bool ok = s == VM_DONE;
    if (s == VM_TRAP)
        snprintf(err, errlen, "%s", vm_thread_trap(t)->message);
    else if (s == VM_OUT_OF_FUEL)
        snprintf(err, errlen, "ran out of fuel (%u)", CM_ALLOC_FUEL);
    else if (s == VM_SUSPENDED)
        snprintf(err, errlen, "a nested call cannot suspend");
    if (ok)
        vm_thread_results(t, results, nresults);
    vm_thread_free(t);
    return ok;
}


static bool env_realloc(cm_abi *cx, uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t size,
                        uint32_t *ptr)
{
    cm_abi_env *env = (cm_abi_env *)cx;
    if (env->realloc == NULL)
        return cm_abi_fail(cx, "the function has no realloc to allocate with");
    vm_value args[4] = { { .type = VM_I32, .of.i32 = old_ptr }, { .type = VM_I32, .of.i32 = old_size },
                         { .type = VM_I32, .of.i32 = align }, { .type = VM_I32, .of.i32 = size } };
    vm_value r;
    char msg[256];
    if (!cm_run_nested(env->inst->root, env->realloc, args, 4, &r, 1, msg, sizeof msg))
        return cm_abi_fail(cx, "realloc: %s", msg);
    if (align > 1 && r.of.i32 % align != 0)
        return cm_abi_fail(cx, "realloc returned 0x%x, an unaligned pointer (alignment %u)", r.of.i32, align);
    if (cm_abi_span(cx, r.of.i32, size, "realloc result") == NULL)
        return false;
    *ptr = r.of.i32;
    return true;
}

static bool env_alloc(cm_abi *cx, uint32_t align, uint32_t size, uint32_t *ptr)
{
    return env_realloc(cx, 0, 0, align, size, ptr);
}

void cm_abi_setup(cm_abi_env *env, cm_inst *inst, vm_memory *memory, vm_func *realloc,
                  cm_string_encoding enc, char *err, size_t errlen)
{
    memset(env, 0, sizeof *env);
    env->cx.types = &inst->root->file->types;
    env->cx.memory = memory;
    env->cx.encoding = enc;
    env->cx.alloc = env_alloc;
    env->cx.realloc = env_realloc;
    env->cx.lift_handle = cm_lift_handle;
    env->cx.lower_handle = cm_lower_handle;
    env->cx.user = env;
    env->cx.err = err;
    env->cx.errlen = errlen;
    env->inst = inst;
    env->scope = inst;
    env->realloc = realloc;
}

uint32_t cm_func_param_count(const cm_func *f)
{
    return cm_type_get(&f->inst->root->file->types, f->type)->nfields;
}

const char *cm_func_param_name(const cm_func *f, uint32_t i)
{
    const cm_type *ft = cm_type_get(&f->inst->root->file->types, f->type);
    return i < ft->nfields ? ft->fields[i].label : NULL;
}

cm_typeid cm_func_type(const cm_func *f)
{
    return f->type;
}

cm_call *cm_call_new(cm_instance *ci)
{
    cm_call *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->ci = ci;
    if ((c->thread = vm_thread_new(ci->store)) == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void cm_call_free(cm_call *c)
{
    if (c == NULL)
        return;
    host_value_free(&c->host_result);
    cm_suspension_clear(c->ci, false);
    vm_thread_free(c->thread);
    free(c);
}

#define MAX_PARAMS 256

bool cm_func_enter(cm_func *f, vm_thread *t, const host_value *args, size_t nargs,
                   cm_string_encoding from, char *err, size_t errlen)
{
    const cm_type *ft = cm_type_get(&f->inst->root->file->types, f->type);
    if (nargs > MAX_PARAMS) {
        snprintf(err, errlen, "more than %d parameters", MAX_PARAMS);
        return false;
    }
    cm_typeid ptypes[MAX_PARAMS];
    const char *names[MAX_PARAMS];
    for (uint32_t i = 0; i < ft->nfields; i++) {
        ptypes[i] = ft->fields[i].type;
        names[i] = ft->fields[i].label;
    }
    cm_abi_env env;
    cm_abi_setup(&env, f->inst, f->memory, f->realloc, f->encoding, err, errlen);
    env.cx.src_encoding = from;
    vm_value flat[CM_MAX_FLAT];
    uint32_t nflat;
    if (!cm_abi_lower_values(&env.cx, ptypes, names, ft->nfields, args, CM_MAX_FLAT, flat, &nflat))
        return false;
    if (vm_call_start(t, f->core, flat, nflat) != VM_DONE) {
        snprintf(err, errlen, "%s", vm_thread_trap(t)->message);
        return false;
    }
    return true;
}

bool cm_func_leave(cm_func *f, vm_thread *t, vm_status st, host_value *result, char *err,
                   size_t errlen)
{
    *result = host_nil();
    if (st != VM_DONE) {
        snprintf(err, errlen, "%s", st == VM_TRAP ? vm_thread_trap(t)->message : "the call has not finished");
        cm_end_borrows(f->inst);
        return false;
    }
    const cm_type *ft = cm_type_get(&f->inst->root->file->types, f->type);
    vm_value core[2];
    size_t ncore = vm_thread_results(t, core, 2);
    bool ok = true;
    if (ft->elem != CM_NO_TYPE) {
        cm_abi_env env;
        cm_abi_setup(&env, f->inst, f->memory, f->realloc, f->encoding, err, errlen);
        ok = cm_abi_lift_values(&env.cx, &ft->elem, NULL, 1, core, (uint32_t)ncore, 1, result);
        if (!ok)
            cm_abi_prefix(&env.cx, "the result: ");
    }
    if (f->post_return != NULL) {
        char msg[256];
        vm_value none;
        if (!cm_run_nested(f->inst->root, f->post_return, core, ncore, &none, 0, msg, sizeof msg)) {
            if (ok)
                snprintf(err, errlen, "post-return: %s", msg);
            host_value_free(result);
            ok = false;
        }
    }
    if (!cm_end_borrows(f->inst) && ok) {
        host_value_free(result);
        snprintf(err, errlen, CM_BORROWS_REMAIN);
        ok = false;
    }
    return ok;
}

bool cm_call_start(cm_call *c, cm_func *f, const host_value *args, size_t nargs, char *err,
                   size_t errlen)
{
    const cm_types *types = &c->ci->file->types;
    const cm_type *ft = cm_type_get(types, f->type);
    c->f = f;
    c->started = false;
    c->trapped = false;
    cm_suspension_clear(c->ci, false);
    host_value_free(&c->host_result);
    if (nargs != ft->nfields) {
        snprintf(err, errlen, "parameter count mismatch: expected %u, got %zu", ft->nfields, nargs);
        return false;
    }
    if (f->kind != CM_FN_LIFTED) {
        c->host_ok = cm_call_func_nested(f, args, nargs, &c->host_result, c->host_err,
                                         sizeof c->host_err);
        c->status = c->host_ok ? VM_DONE : VM_TRAP;
        c->started = true;
        return true;
    }
    if (!cm_func_enter(f, c->thread, args, nargs, CM_UTF8, err, errlen))
        return false;
    c->status = VM_DONE;
    c->started = true;
    return true;
}

vm_status cm_call_run(cm_call *c, uint64_t fuel)
{
    if (c->trapped)
        return c->status = VM_TRAP;
    if (c->f != NULL && c->f->kind == CM_FN_LIFTED)
        c->status = vm_run(c->thread, fuel);
    return c->status;
}

uint64_t cm_call_fuel(const cm_call *c)
{
    return vm_thread_fuel(c->thread);
}

vm_status cm_call_resume(cm_call *c, const vm_value *results, size_t nresults)
{
    c->status = vm_resume(c->thread, results, nresults);
    return c->status;
}

bool cm_call_waiting(const cm_call *c, cm_wait *out)
{
    if (!c->ci->pending.active)
        return false;
    *out = c->ci->pending.wait;
    return true;
}

vm_status cm_call_complete(cm_call *c)
{
    cm_instance *ci = c->ci;
    vm_status s = cm_pending_complete(ci, cm_adapter_inner(ci, c->thread), c->trap, sizeof c->trap);
    if (ci->nframes > 0)   /* the host call was beneath adapter calls: run them on */
        s = s == VM_SUSPENDED ? s : cm_adapter_unwind(ci, c->thread, s, c->trap, sizeof c->trap);
    if (s == VM_TRAP)
        c->trapped = true;
    /* VM_DONE from vm_resume: the thread runs on at the next cm_call_run */
    c->status = s;
    return s;
}

bool cm_call_finish(cm_call *c, host_value *result, char *err, size_t errlen)
{
    *result = host_nil();
    cm_func *f = c->f;
    if (f == NULL || !c->started) {
        snprintf(err, errlen, "no call was started");
        return false;
    }
    c->started = false;
    if (c->trapped) {
        snprintf(err, errlen, "%s", c->trap);
        c->trapped = false;
        cm_end_borrows(f->inst);
        return false;
    }
    if (f->kind != CM_FN_LIFTED) {
        if (!c->host_ok) {
            snprintf(err, errlen, "%s", c->host_err);
            return false;
        }
        *result = c->host_result;
        c->host_result = host_nil();
        return true;
    }
    if (c->status != VM_DONE && c->status != VM_TRAP) {
        snprintf(err, errlen, "the call has not finished");
        return false;
    }
    return cm_func_leave(f, c->thread, c->status, result, err, errlen);
}

bool cm_call_func_nested(cm_func *f, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    *result = host_nil();
    switch (f->kind) {
    case CM_FN_UNRESOLVED:
        snprintf(err, errlen, "unresolved host import \"%s\": %s", f->name, f->why);
        return false;
    case CM_FN_HOST:
        if (!cm_host_call_blocking(f->inst->root, f->host, args, nargs, result, err, errlen)) {
            host_value_free(result);
            return false;
        }
        return true;
    case CM_FN_LIFTED:   /* the trampoline's adapter path (adapter.c) */
        snprintf(err, errlen, "a lifted function called as a host function");
        return false;
    }
    return false;
}

bool cm_invoke(cm_instance *ci, const char *name, const host_value *args, size_t nargs,
               host_value *result, char *err, size_t errlen)
{
    *result = host_nil();
    cm_func *f = cm_export_find(ci, name, err, errlen);
    if (f == NULL)
        return false;
    cm_call *c = cm_call_new(ci);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = cm_call_start(c, f, args, nargs, err, errlen);
    if (ok) {
        vm_status s = cm_call_run(c, VM_FUEL_UNLIMITED);
        while (s == VM_SUSPENDED) {
            /* block in place: wait, retry the host call, run on */
            cm_wait w;
            if (!cm_call_waiting(c, &w)) {
                snprintf(err, errlen, "a host function suspended outside a scheduler");
                break;
            }
            cm_wait_block(&w);
            s = cm_call_complete(c);
            if (s == VM_DONE)
                s = cm_call_run(c, VM_FUEL_UNLIMITED);
        }
        ok = s != VM_SUSPENDED && cm_call_finish(c, result, err, errlen);
    }
    cm_call_free(c);
    return ok;
}
