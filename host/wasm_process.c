/* wasm_process.c — one process through Wippy's lifecycle (doc/wippy-compatibility.md):
 *
 *   Init   host_process_new(): records the method's arguments; nothing runs.
 *   Step   host_process_step(): one fuel slice. The first Step starts the
 *          execution deadline, resolves the WASI world and makes a fresh
 *          instance; then the start function, `_initialize` and the method
 *          run one after the other on the process's vm_thread, each
 *          resumable, so a Step ends done, parked (a WASI call would block)
 *          or preempted (the slice is used up) wherever the guest is.
 *   Close  process_close(): frees the instance; host_process_finish() then
 *          sends EXIT / LINK_DOWN and drops the executor's reference.
 *
 * A component's process goes through it in cm_process.c, a Lua process
 * in lifecycle.c: the
 * functions here hand it over after what every process shares (the kill
 * flag, the end).
 *
 * Which thread runs a Step (a worker of a process.host, or the caller of
 * host_run_command) is the executor's business; a process is only ever
 * stepped by one thread at a time. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/abi/canonical.h"
#include "host/internal.h"

host_process *host_process_new(host_runtime *rt, const host_module *m, uint32_t host_index,
                          const char *host_id, const host_value *args, size_t nargs,
                          const host_terminal *term)
{
    host_process *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    if (nargs > 0 && (p->args = calloc(nargs, sizeof *p->args)) == NULL) {
        free(p);
        return NULL;
    }
    for (size_t i = 0; i < nargs; i++) {
        p->args[i] = host_value_copy(&args[i]);
        if (p->args[i].kind != args[i].kind) {         /* out of memory: the copy is nil */
            for (size_t k = 0; k < i; k++)
                host_value_free(&p->args[k]);
            free(p->args);
            free(p);
            return NULL;
        }
    }
    p->nargs = (uint32_t)nargs;
    host_node_init(&p->node, host_pids_next(&rt->pids, host_index), NODE_PROCESS);
    p->rt = rt;
    p->mod = m;
    p->host_id = host_id;
    p->term = term;
    p->phase = PHASE_NEW;
    p->result = host_nil();
    p->wake_fd = -1;
    return p;
}

/* ---- the end ---- */

void host_process_fail(host_process *p, const char *fmt, ...)
{
    char buf[HOST_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(p->error);
    p->error = strdup(buf);
    if (p->error == NULL)
        p->error = strdup("out of memory");
    p->phase = PHASE_DONE;
}

/* The prefix of an error in the current phase. */
static void phase_prefix(const host_process *p, char *buf, size_t len)
{
    if (p->phase == PHASE_METHOD)
        snprintf(buf, len, "failed to call wasm method: %s: ", p->mod->entry->as.wasm.method);
    else
        snprintf(buf, len, "failed to instantiate wasm module: ");
}

/* The thread trapped: proc_exit(n) ends the process with the integer n;
 * anything else with the trap's message and backtrace. */
static void end_trap(host_process *p)
{
    uint32_t code;
    if (p->wasi != NULL && wasi_exited(p->wasi, &code)) {
        p->result = host_int(code);
        p->phase = PHASE_DONE;
        return;
    }
    const vm_trap *t = vm_thread_trap(p->thread);
    char buf[HOST_ERROR_MAX];
    phase_prefix(p, buf, sizeof buf);
    size_t n = strlen(buf);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", t->message);
    for (uint32_t i = 0; i < t->nframes && i < HOST_MAX_TRACE && n < sizeof buf; i++) {
        const vm_frame_info *f = &t->frames[i];
        if (f->host)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  at <host function>");
        else if (f->name)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  at func[%u] %s (offset 0x%x)",
                                  f->func_index, f->name, f->code_offset);
        else
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  at func[%u] (offset 0x%x)",
                                  f->func_index, f->code_offset);
    }
    if (t->nframes > HOST_MAX_TRACE && n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, "\n  ... %u more frames", t->nframes - HOST_MAX_TRACE);
    host_process_fail(p, "%s", buf);
}

static void end_killed(host_process *p)
{
    pthread_mutex_lock(&p->node.lock);
    int kill = atomic_load(&p->kill);
    const char *reason = p->kill_reason;
    if (kill == KILL_TERMINATE)
        host_process_fail(p, "terminated");
    else if (kill == KILL_LINK)
        host_process_fail(p, "%s", reason ? reason : "linked process failed");
    else if (reason != NULL && reason[0] != '\0')
        host_process_fail(p, "cancelled: %s", reason);
    else
        host_process_fail(p, "cancelled");
    pthread_mutex_unlock(&p->node.lock);
}

/* ---- the calls of a process's life ---- */

/* Sets up a call; false (with the error) when the engine refuses it. */
static bool begin(host_process *p, vm_func *f, const vm_value *args, size_t nargs)
{
    if (vm_call_start(p->thread, f, args, nargs) == VM_DONE)
        return true;
    end_trap(p);
    return false;
}

/* The current call returned (or nothing ran yet): starts the next one.
 * False when there is none: the result (or an error) is set. */
static bool advance(host_process *p)
{
    const host_module *m = p->mod;
    const char *method = m->entry->as.wasm.method;
    char err[HOST_ERROR_MAX];
    switch (p->phase) {
    case PHASE_NEW:
        p->phase = PHASE_START;
        if (vm_instance_start(p->inst) != NULL)
            return begin(p, vm_instance_start(p->inst), NULL, 0);
        /* fall through */
    case PHASE_START:
        p->phase = PHASE_INITIALIZE;
        if (m->has_initialize)
            return begin(p, vm_instance_func(p->inst, "_initialize"), NULL, 0);
        /* fall through */
    case PHASE_INITIALIZE: {
        p->phase = PHASE_METHOD;
        vm_value args[WIT_MAX_PARAMS + WIT_MAX_PARAMS];
        if (m->sig.nparams > sizeof args / sizeof args[0]) {
            host_process_fail(p, "failed to call wasm method: %s: too many parameters", method);
            return false;
        }
        if (!host_abi_lower(p->thread, p->inst, &m->sig, m->has_wit ? &m->wit : NULL, p->args,
                       p->nargs, args, err, sizeof err)) {
            host_process_fail(p, "failed to call wasm method: %s: %s", method, err);
            return false;
        }
        return begin(p, vm_instance_func(p->inst, method), args, m->sig.nparams);
    }
    case PHASE_METHOD: {
        vm_value results[4];
        size_t n = vm_thread_results(p->thread, results, 4);
        p->phase = PHASE_DONE;
        if (n > 4 || !host_abi_lift(p->inst, &m->sig, m->has_wit ? &m->wit : NULL, results, n,
                               &p->result, err, sizeof err))
            host_process_fail(p, "failed to call wasm method: %s: %s", method,
                 n > 4 ? "too many results" : err);
        return false;
    }
    default:
        return false;
    }
}

/* The first Step: deadline, WASI world, a fresh instance. */
static bool instantiate(host_process *p)
{
    const host_module *m = p->mod;
    char err[HOST_ERROR_MAX];
    if (m->entry->as.wasm.max_execution_ms > 0)
        p->deadline_ns = host_now_ns() + m->entry->as.wasm.max_execution_ms * 1000000;
    if (m->call_error != NULL) {
        host_process_fail(p, "failed to call wasm method: %s: %s", m->entry->as.wasm.method, m->call_error);
        return false;
    }
    if (!host_wasi_env_new(p->rt->reg, m, p->term, &p->wasi, err, sizeof err)) {
        host_process_fail(p, "%s", err);
        return false;
    }
    const cfg_wasm *w = &m->entry->as.wasm;
    vm_config cfg = { .defer_start = true,
                      .max_memory_pages = (uint32_t)(w->max_memory / 65536),
                      .max_call_depth = (uint32_t)w->max_call_depth };
    p->fuel_limited = w->fuel > 0;
    p->fuel_left = (uint64_t)w->fuel;
    p->store = vm_store_new(&cfg);
    vm_linker *linker = NULL;
    if (p->store == NULL || (p->wasi != NULL && ((linker = vm_linker_new()) == NULL ||
                                                 !wasi_link(linker, p->wasi)))) {
        vm_linker_free(linker);
        host_process_fail(p, "failed to instantiate wasm module: out of memory");
        return false;
    }
    vm_error verr;
    p->inst = vm_instantiate(p->store, m->vm, linker, &verr);
    vm_linker_free(linker);   /* only needed while imports are resolved */
    if (p->inst == NULL) {
        host_process_fail(p, "failed to instantiate wasm module: %s", verr.message);
        return false;
    }
    if ((p->thread = vm_thread_new(p->store)) == NULL) {
        host_process_fail(p, "failed to instantiate wasm module: out of memory");
        return false;
    }
    return advance(p);
}

step_status host_process_step(host_process *p, uint64_t fuel)
{
    if (p->phase == PHASE_DONE)
        return STEP_DONE;
    if (atomic_load_explicit(&p->kill, memory_order_acquire) != KILL_NONE) {
        end_killed(p);
        return STEP_DONE;
    }
    if (MODULE_IS_LUA(p->mod))
        return host_lua_proc_step(p, fuel);
    if (MODULE_IS_COMPONENT(p->mod))
        return host_cm_proc_step(p, fuel);
    if (p->phase == PHASE_NEW) {
        if (!instantiate(p))
            return STEP_DONE;
    } else if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns) {
        host_process_fail(p, "execution time limit exceeded: %" PRId64 " ms", p->mod->entry->as.wasm.max_execution_ms);
        return STEP_DONE;
    }
    if (p->suspended) {
        p->suspended = false;
        vm_status st = wasi_complete(p->wasi, p->thread);
        if (st == VM_SUSPENDED) {
            p->suspended = true;
            return STEP_PARKED;
        }
        if (st == VM_TRAP) {
            end_trap(p);
            return STEP_DONE;
        }
    }
    uint64_t budget = p->fuel_limited && p->fuel_left < fuel ? p->fuel_left : fuel;
    uint64_t left = budget;
    for (;;) {
        vm_status st = vm_run(p->thread, left);
        left = vm_thread_fuel(p->thread);
        if (p->fuel_limited)
            p->fuel_left -= budget - left;
        budget = left;
        switch (st) {
        case VM_OUT_OF_FUEL:
            if (p->fuel_limited && p->fuel_left == 0) {
                host_process_fail(p, "fuel limit exceeded: %" PRId64 " units", p->mod->entry->as.wasm.fuel);
                return STEP_DONE;
            }
            return STEP_PREEMPTED;
        case VM_SUSPENDED:
            if (p->wasi == NULL) {
                host_process_fail(p, "failed to call wasm method: %s: a host function suspended",
                     p->mod->entry->as.wasm.method);
                return STEP_DONE;
            }
            p->suspended = true;
            return STEP_PARKED;
        case VM_TRAP:
            end_trap(p);
            return STEP_DONE;
        case VM_DONE:
            if (!advance(p))
                return STEP_DONE;
            if (left == 0)
                return STEP_PREEMPTED;
            break;
        }
    }
}

bool host_process_waiting(const host_process *p, wasi_wait *w, wasi_wait *fds, size_t *nfds)
{
    if (MODULE_IS_LUA(p->mod)) {
        *nfds = 0;
        return host_lua_proc_waiting(p, w);
    }
    if (MODULE_IS_COMPONENT(p->mod))
        return host_cm_proc_waiting(p, w, fds, nfds);
    if (p->wasi == NULL)
        return false;
    /* every descriptor watched: the call's own deadline; more than the
     * loop watches: look again every 10 ms */
    size_t n = wasi_waiting_fds(p->wasi, fds, HOST_WAIT_FDS);
    if (!(n <= HOST_WAIT_FDS ? wasi_waiting_exact : wasi_waiting)(p->wasi, w))
        return false;
    *nfds = n < HOST_WAIT_FDS ? n : HOST_WAIT_FDS;
    if (p->deadline_ns != 0 && (!w->has_deadline || w->deadline_ns > (uint64_t)p->deadline_ns)) {
        w->has_deadline = true;
        w->deadline_ns = (uint64_t)p->deadline_ns;
    }
    return true;
}

bool host_process_waits_events(const host_process *p)
{
    return p->wait_events;
}

/* Close: frees the instance (the rest goes with the last reference). */
static void process_close(host_process *p)
{
    host_lua_proc_close(p);
    host_cm_proc_close(p);
    vm_thread_free(p->thread);
    vm_store_free(p->store);
    wasi_ctx_free(p->wasi);
    p->thread = NULL;
    p->store = NULL;
    p->inst = NULL;
    p->wasi = NULL;
}

void host_process_free(host_process *p)
{
    process_close(p);
    for (uint32_t i = 0; i < p->nargs; i++)
        host_value_free(&p->args[i]);
    free(p->args);
    host_value_free(&p->result);
    free(p->error);
    free(p->kill_reason);
    free(p->wait_fds);
    free(p);
}

bool host_process_arm_events(host_process *p)
{
    pthread_mutex_lock(&p->node.lock);
    bool now = p->node.head != NULL || atomic_load(&p->kill) != KILL_NONE;
    if (!now)
        atomic_store(&p->event_wake, true);
    pthread_mutex_unlock(&p->node.lock);
    return !now;
}

static void poke(host_process *p)
{
    if (p->wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(p->wake_fd, &one, sizeof one);
        (void)n;   /* a full eventfd is already awake */
    }
}

/* p is parked waiting for an event, and the caller took its event_wake:
 * the caller alone requeues it. */
static void requeue_parked(host_process *p)
{
    if (p->sched == NULL)
        poke(p);
    else if (atomic_load(&p->parked_direct))
        host_sched_push(p->sched, p);
    else
        host_loop_wake(p->rt->loop, p);
}

void host_process_wake_events(host_process *p)
{
    if (atomic_exchange(&p->event_wake, false))
        requeue_parked(p);
}

/* Makes a parked process look at its kill flag soon. */
static void process_wake(host_process *p)
{
    if (atomic_exchange(&p->event_wake, false))
        requeue_parked(p);
    else if (p->sched != NULL)
        host_loop_wake(p->rt->loop, p);
    else
        poke(p);
}

void host_process_kill(host_process *p, kill_kind kind, const char *reason)
{
    pthread_mutex_lock(&p->node.lock);
    if (!p->node.ended) {
        int current = atomic_load(&p->kill);
        if (current == KILL_NONE) {
            p->kill_reason = reason != NULL ? strdup(reason) : NULL;
            atomic_store_explicit(&p->kill, kind, memory_order_release);
            process_wake(p);
        } else if (kind == KILL_TERMINATE && current != KILL_TERMINATE) {
            atomic_store_explicit(&p->kill, KILL_TERMINATE, memory_order_release);
        }
    }
    pthread_mutex_unlock(&p->node.lock);
}

void host_process_finish(host_runtime *rt, host_process *p)
{
    process_close(p);
    if (p->hook.ended != NULL) {   /* host_spawn_world's: the world is gone */
        p->hook.ended(p->hook.ud, p->error);
        p->hook.ended = NULL;
    }
    char pid[64];
    if (rt->opts.log != NULL) {
        host_pid_format(rt, p->node.pid, pid, sizeof pid);
        if (p->error != NULL)       /* the trace below the first line only with log_traces */
            host_runtime_log(rt, "exit %s %s: error: %.*s", pid, p->mod->entry->id,
                             rt->opts.log_traces ? (int)strlen(p->error)
                                                 : (int)strcspn(p->error, "\n"), p->error);
        else if (p->result.kind == HOST_VALUE_STRING)
            host_runtime_log(rt, "exit %s %s: value \"%s\"", pid, p->mod->entry->id, p->result.s);
        else if (p->result.kind == HOST_VALUE_INT)
            host_runtime_log(rt, "exit %s %s: value %" PRId64, pid, p->mod->entry->id, p->result.i);
        else
            host_runtime_log(rt, "exit %s %s", pid, p->mod->entry->id);
    }
    host_node_end(rt, &p->node, &p->result, p->error);
    host_runtime_process_gone(rt);
    host_node_release(rt, &p->node);
}
