/* adapter.c — calls from one component instance into another: the adapter
 * path of canon lower (link.c's trampoline lifts the caller's arguments,
 * this file calls the callee and lowers its result back).
 *
 * The callee's core function runs on a thread of its own. When a host
 * call beneath it would block and the call may suspend (no realloc,
 * post-return or destructor is running: ci->nested == 0), the callee's
 * thread suspends; the adapter call is then kept as a frame on the
 * cm_instance (at the index of its depth) and the caller's thread
 * suspends too, and so on up to the top-level call, which cm_call_run
 * reports as VM_SUSPENDED. cm_call_complete retries the pending host call
 * on the innermost thread and cm_adapter_unwind runs the frames on,
 * innermost first, in a loop (no C recursion over the depth): each
 * callee to its end, its result lifted, post-return, its borrows ended,
 * the result lowered into its caller and the caller's thread resumed.
 *
 * Touches the tree's adapter frames and spare thread, and the host
 * table's adapter depth (cm_adapter_begin/end, resource.c). */
#include "component/runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A thread for an adapter call: the spare one, or a new one (NULL when
 * out of memory). */
static vm_thread *thread_get(cm_instance *ci)
{
    vm_thread *t = ci->spare;
    if (t != NULL) {
        ci->spare = NULL;
        return t;
    }
    return vm_thread_new(ci->store);
}

static void thread_put(cm_instance *ci, vm_thread *t)
{
    if (ci->spare == NULL)
        ci->spare = t;
    else
        vm_thread_free(t);
}

/* "name: err", in place. */
static void prefix(char *err, size_t errlen, const char *name)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "%s: %s", name, tmp);
}

/* The callee of an adapter call (lc, on t) returned or trapped (st): its
 * result lifted, post-return, its borrows and the adapter's temporary
 * ones ended, the thread given back, the result lowered into the caller
 * (results, or stored at retptr). False with err as the trampoline
 * reports it ("callee: trap message"). */
static bool leave(cm_instance *ci, cm_lower_ctx *lc, vm_thread *t, vm_status st, uint32_t retptr,
                  vm_value *results, char *err, size_t errlen)
{
    host_value result;
    bool ok = cm_func_leave(lc->target, t, st, &result, err, errlen);
    thread_put(ci, t);
    cm_adapter_end(ci);
    if (!ok) {
        prefix(err, errlen, lc->target->name);
        return false;
    }
    ok = cm_lower_result(lc, &result, results, retptr, err, errlen);
    host_value_free(&result);
    return ok;
}

/* Keeps a suspended adapter call of depth (1..) as its frame. */
static bool keep(cm_instance *ci, uint32_t depth, cm_lower_ctx *lc, vm_thread *t, uint32_t retptr)
{
    if (ci->frames == NULL && (ci->frames = calloc(CM_MAX_ADAPTER_DEPTH, sizeof *ci->frames)) == NULL)
        return false;
    /* the innermost call keeps its frame first, then each caller below
     * it: the frames of one suspension fill depths nframes+1 .. innermost */
    ci->frames[depth - 1] = (cm_adapter_frame){ lc, t, retptr };
    if (ci->nframes < depth)
        ci->nframes = depth;
    return true;
}

vm_host_status cm_adapter_call(vm_caller *caller, cm_lower_ctx *lc, const host_value *vals,
                               uint32_t np, uint32_t retptr, vm_value *results)
{
    cm_instance *ci = lc->inst->root;
    uint32_t depth = ci->hostside->adapter_depth;   /* this call's, from cm_adapter_begin */
    char err[512] = "out of memory";
    vm_thread *t = thread_get(ci);
    vm_status st = VM_TRAP;
    bool ran = t != NULL && cm_func_enter(lc->target, t, vals, np, lc->enc, err, sizeof err);
    if (ran) {
        st = vm_run(t, VM_FUEL_UNLIMITED);
        if (st == VM_SUSPENDED) {
            /* a host call beneath waits (link.c set it pending: no
             * realloc, post-return or destructor runs): so does this call */
            if (ci->pending.active && keep(ci, depth, lc, t, retptr))
                return VM_HOST_SUSPEND;
            snprintf(err, sizeof err, "%s", ci->pending.active ? "out of memory"
                                                               : "an adapter call cannot suspend here");
            cm_pending_clear(ci);
            ran = false;
        }
    }
    if (!ran) {
        cm_end_borrows(lc->target->inst);
        if (t != NULL)
            thread_put(ci, t);
        cm_adapter_end(ci);
        return vm_host_trap(caller, "%s: %s", lc->target->name, err);
    }
    if (!leave(ci, lc, t, st, retptr, results, err, sizeof err))
        return vm_host_trap(caller, "%s", err);
    return VM_HOST_DONE;
}

vm_thread *cm_adapter_inner(cm_instance *ci, vm_thread *top)
{
    return ci->nframes > 0 ? ci->frames[ci->nframes - 1].thread : top;
}

vm_status cm_adapter_unwind(cm_instance *ci, vm_thread *top, vm_status st, char *err, size_t errlen)
{
    while (st == VM_DONE && ci->nframes > 0) {
        cm_adapter_frame fr = ci->frames[ci->nframes - 1];
        st = vm_run(fr.thread, VM_FUEL_UNLIMITED);
        if (st == VM_SUSPENDED) {
            if (ci->pending.active)
                return VM_SUSPENDED;   /* a host call waits again, maybe beneath new frames */
            snprintf(err, errlen, "an adapter call cannot suspend here");
            st = VM_TRAP;
            break;
        }
        ci->nframes--;
        vm_value results[1] = { { .type = VM_I32 } };
        if (!leave(ci, fr.lc, fr.thread, st, fr.retptr, results, err, errlen)) {
            st = VM_TRAP;
            break;
        }
        vm_thread *caller = cm_adapter_inner(ci, top);
        st = vm_resume(caller, results, cm_lower_nresults(fr.lc));
        if (st != VM_DONE) {
            snprintf(err, errlen, "%s", vm_thread_trap(caller)->message);
            st = VM_TRAP;
        }
    }
    if (st == VM_TRAP) {
        /* as the trampolines of the frames left would have reported it */
        for (uint32_t i = ci->nframes; i-- > 0;)
            prefix(err, errlen, ci->frames[i].lc->target->name);
        cm_adapter_clear(ci);
    }
    return st;
}

void cm_adapter_clear(cm_instance *ci)
{
    while (ci->nframes > 0) {
        cm_adapter_frame *fr = &ci->frames[--ci->nframes];
        cm_end_borrows(fr->lc->target->inst);
        thread_put(ci, fr->thread);
        cm_adapter_end(ci);
    }
}

void cm_suspension_clear(cm_instance *ci, bool all)
{
    cm_pending_clear(ci);
    cm_adapter_clear(ci);
    if (all) {
        vm_thread_free(ci->spare);
        ci->spare = NULL;
        free(ci->frames);
        ci->frames = NULL;
    }
}
