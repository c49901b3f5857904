/* cm_process.c — a process whose process.wasm entry is a component: the
 * same Init / Step / Close lifecycle as a core module (wasm_process.c),
 * over the component runtime (component/runtime.h).
 *
 *   Step   the first one starts the execution deadline, instantiates the
 *          component in a store of its own (the entry's limits), finds the
 *          method (`name` or `iface#name`) and starts its call with the
 *          spawn arguments lowered by the component's own types; each Step
 *          then runs the call for one fuel slice (cm_call_run): out of fuel
 *          is a preemption; done or trapped ends the process with the
 *          lifted result (a host_value: records are maps) or the error.
 *   Close  frees the call and the instance tree.
 *
 * Host functions: the WASI 0.2 interfaces of the entry's `imports:` groups
 * (wasi/p2/p2.h), in a world of the process's own (its pollables,
 * streams and errors, freed at Close; its arguments, environment, cwd and
 * stdio as for a core module's WASI, set_cli). wasi:cli/exit ends the
 * process with the call error "wasi exit requested: status N" (as Wippy,
 * even for 0). Every other import links as a function that
 * traps when called (`unresolved host import "NAME": no host provides
 * it`), which ends the process with that error.
 *
 * Parking: a host call that would block (pollable.block, poll) suspends
 * the call (cm_call_run → VM_SUSPENDED), also from inside calls between
 * the component's instances (component/adapter.c); the Step returns STEP_PARKED and
 * the scheduler hands the process to the event loop with what
 * host_cm_proc_waiting() names, exactly as for a core module's WASI call.
 * The next Step retries the host call (cm_call_complete) and runs on. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"
#include "wasi/p2/p2.h"

#define METHOD(p) ((p)->mod->entry->as.wasm.method)

/* The world's wasi:cli view (WIPPY.md §3.5): `wasi.args` (no argv[0]; on
 * a terminal host when empty, the CLI arguments), the `wasi.env`
 * variables sorted by name, `cwd` (default "/"), and the terminal's stdio
 * on a terminal host (elsewhere none: writes fail, stdin is empty); and
 * its wasi:filesystem preopens, the entry's `wasi.mounts`. */
static bool set_cli(host_process *p, char *err, size_t errlen)
{
    const cfg_wasm *w = &p->mod->entry->as.wasm;
    const host_terminal *term = p->term;
    char **env;
    size_t nenv;
    if (!host_wasi_env_list(p->rt->reg, p->mod, &env, &nenv, err, errlen))
        return false;
    wasi_p2_cli cli = {
        .args = w->nargs ? w->args : term ? term->argv : NULL,
        .nargs = w->nargs ? w->nargs : term ? term->argc : 0,
        .env = (const char *const *)env,
        .nenv = nenv,
        .cwd = w->cwd != NULL ? w->cwd : "/",
        .stdio = { -1, -1, -1 },
    };
    if (term != NULL)
        memcpy(cli.stdio, term->stdio, sizeof cli.stdio);
    bool ok = wasi_p2_set_cli(p->p2, &cli);
    host_wasi_env_list_free(env, nenv);
    if (!ok) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    /* wasi:filesystem's preopens: the entry's mounts, as for a core module. */
    wasi_mount *mounts;
    size_t nmounts;
    char why[1024];
    if (!host_wasi_mounts(p->rt->reg, p->mod, &mounts, &nmounts, err, errlen))
        return false;
    ok = wasi_p2_set_mounts(p->p2, mounts, nmounts, why, sizeof why);
    free(mounts);
    if (!ok)
        snprintf(err, errlen, "wasi: %s", why);
    return ok;
}

/* The world's wasi:sockets allow-lists: `wasi.sockets.connect` and
 * `.bind` (checked by the config loader; nothing beyond them). */
static bool set_sockets(host_process *p, char *err, size_t errlen)
{
    const cfg_wasm *w = &p->mod->entry->as.wasm;
    size_t n = w->nsock_connect + w->nsock_bind;
    sys_net_rule *rules = calloc(n ? n : 1, sizeof *rules);
    if (rules == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *text = i < w->nsock_connect ? w->sock_connect[i]
                                                : w->sock_bind[i - w->nsock_connect];
        if (!sys_net_rule_parse(text, &rules[i], err, errlen)) {
            free(rules);
            return false;
        }
    }
    bool ok = wasi_p2_set_sockets(p->p2, rules, w->nsock_connect, rules + w->nsock_connect,
                                  w->nsock_bind);
    free(rules);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    return ok;
}

/* The entry's wasi.http block: wasi:http's limits and allowed hosts. */
static bool set_http(host_process *p)
{
    const cfg_wasi_http *h = &p->mod->entry->as.wasm.http;
    if (!h->allow_set && h->max_requests == 0 && h->max_header_bytes == 0 &&
        h->max_body_buffer == 0 && h->max_send_buffer == 0 && h->ca_file == NULL)
        return true;
    wasi_p2_http_limits lim = {
        .max_requests = (uint32_t)h->max_requests,
        .max_header_bytes = (uint32_t)h->max_header_bytes,
        .max_body_buffer = (uint32_t)h->max_body_buffer,
        .max_send_buffer = (uint32_t)h->max_send_buffer,
        .allow_set = h->allow_set,
        .allow_hosts = h->allow_hosts,
        .nallow_hosts = h->nallow_hosts,
        .ca_file = h->ca_file,
    };
    return wasi_p2_set_http_limits(p->p2, &lim);
}

/* Instantiates and starts the method's call; false when the process is over. */
static bool begin(host_process *p)
{
    const host_module *m = p->mod;
    const cfg_wasm *w = &m->entry->as.wasm;
    char err[HOST_ERROR_MAX];
    if (w->max_execution_ms > 0)
        p->deadline_ns = host_now_ns() + w->max_execution_ms * 1000000;
    if (m->call_error != NULL) {
        host_process_fail(p, "failed to call wasm method: %s: %s", METHOD(p), m->call_error);
        return false;
    }
    p->fuel_limited = w->fuel > 0;
    p->fuel_left = (uint64_t)w->fuel;
    vm_config cfg = { .max_memory_pages = (uint32_t)(w->max_memory / 65536),
                      .max_call_depth = (uint32_t)w->max_call_depth };
    vm_error verr;
    if ((p->p2 = wasi_p2_new(m->caps)) == NULL) {
        host_process_fail(p, "failed to instantiate wasm module: out of memory");
        return false;
    }
    if (!set_cli(p, err, sizeof err) ||   /* "required wasi env variable not found: ID" */
        !set_sockets(p, err, sizeof err)) {
        host_process_fail(p, "%s", err);
        return false;
    }
    if (!set_http(p)) {
        host_process_fail(p, "failed to instantiate wasm module: out of memory");
        return false;
    }
    p->ci = cm_instantiate(m->cm, wasi_p2_host(p->p2), &cfg, &verr);
    if (p->ci == NULL) {
        host_process_fail(p, "failed to instantiate wasm module: %s", verr.message);
        return false;
    }
    wasi_p2_bind(p->p2, p->ci);
    if (p->hook.prepare != NULL) {   /* host_spawn_world: the arguments are the world's */
        for (uint32_t i = 0; i < p->nargs; i++)
            host_value_free(&p->args[i]);
        if (!p->hook.prepare(p->hook.ud, p->p2, p->args, p->nargs, err, sizeof err)) {
            host_process_fail(p, "failed to call wasm method: %s: %s", METHOD(p), err);
            return false;
        }
    }
    p->phase = PHASE_METHOD;
    cm_func *f = cm_export_find(p->ci, METHOD(p), err, sizeof err);
    if (f == NULL) {
        host_process_fail(p, "failed to call wasm method: %s: %s", METHOD(p), err);
        return false;
    }
    if ((p->call = cm_call_new(p->ci)) == NULL) {
        host_process_fail(p, "failed to call wasm method: %s: out of memory", METHOD(p));
        return false;
    }
    if (!cm_call_start(p->call, f, p->args, p->nargs, err, sizeof err)) {
        host_process_fail(p, "failed to call wasm method: %s: %s", METHOD(p), err);
        return false;
    }
    return true;
}

/* The call returned or trapped: the result lifted, or the error. */
static void finish(host_process *p)
{
    char err[HOST_ERROR_MAX];
    host_value_free(&p->result);
    uint32_t code;
    if (!cm_call_finish(p->call, &p->result, err, sizeof err)) {
        if (wasi_p2_exited(p->p2, &code))   /* Wippy's text, even for status 0 */
            host_process_fail(p, "wasi exit requested: status %u", code);
        else
            host_process_fail(p, "failed to call wasm method: %s: %s", METHOD(p), err);
        return;
    }
    p->phase = PHASE_DONE;
}

step_status host_cm_proc_step(host_process *p, uint64_t fuel)
{
    const cfg_wasm *w = &p->mod->entry->as.wasm;
    if (p->phase == PHASE_NEW) {
        if (!begin(p))
            return STEP_DONE;
    } else if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns) {
        host_process_fail(p, "execution time limit exceeded: %" PRId64 " ms", w->max_execution_ms);
        return STEP_DONE;
    }
    if (p->suspended) {
        p->suspended = false;
        vm_status st = cm_call_complete(p->call);
        if (st == VM_SUSPENDED) {
            p->suspended = true;
            return STEP_PARKED;
        }
        if (st == VM_TRAP) {
            finish(p);
            return STEP_DONE;
        }
    }
    uint64_t budget = p->fuel_limited && p->fuel_left < fuel ? p->fuel_left : fuel;
    vm_status st = cm_call_run(p->call, budget);
    uint64_t left = st == VM_OUT_OF_FUEL ? 0 : cm_call_fuel(p->call);
    if (left > budget)              /* a host import re-exported: nothing ran on the thread */
        left = budget;
    if (p->fuel_limited)
        p->fuel_left -= budget - left;
    switch (st) {
    case VM_OUT_OF_FUEL:
        if (p->fuel_limited && p->fuel_left == 0) {
            host_process_fail(p, "fuel limit exceeded: %" PRId64 " units", w->fuel);
            return STEP_DONE;
        }
        return STEP_PREEMPTED;
    case VM_SUSPENDED: {
        cm_wait w;
        if (!cm_call_waiting(p->call, &w)) {
            host_process_fail(p, "failed to call wasm method: %s: a host function suspended", METHOD(p));
            return STEP_DONE;
        }
        p->suspended = true;
        return STEP_PARKED;
    }
    case VM_TRAP:
    case VM_DONE:
        finish(p);
        return STEP_DONE;
    }
    return STEP_DONE;
}

_Static_assert(HOST_WAIT_FDS >= CM_WAIT_FDS, "the loop watches every descriptor a cm_wait names");

bool host_cm_proc_waiting(const host_process *p, wasi_wait *w, wasi_wait *fds, size_t *nfds)
{
    cm_wait cw;
    if (p->call == NULL || !p->suspended || !cm_call_waiting(p->call, &cw))
        return false;
    *w = (wasi_wait){ .has_deadline = cw.has_deadline, .deadline_ns = cw.deadline_ns, .fd = -1 };
    size_t n = 0;
    for (uint32_t i = 0; i < cw.nfds && n < HOST_WAIT_FDS; i++)
        fds[n++] = (wasi_wait){ .fd = cw.fds[i].fd, .want_read = cw.fds[i].want_read,
                                .want_write = cw.fds[i].want_write };
    *nfds = n;
    if (n > 0) {
        w->fd = fds[0].fd;
        w->want_read = fds[0].want_read;
        w->want_write = fds[0].want_write;
    }
    if (p->deadline_ns != 0 && (!w->has_deadline || w->deadline_ns > (uint64_t)p->deadline_ns)) {
        w->has_deadline = true;
        w->deadline_ns = (uint64_t)p->deadline_ns;
    }
    return true;
}

void host_cm_proc_close(host_process *p)
{
    cm_call_free(p->call);
    cm_instance_free(p->ci);
    wasi_p2_free(p->p2);
    p->call = NULL;
    p->ci = NULL;
    p->p2 = NULL;
}
