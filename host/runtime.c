/* runtime.c — the runtime: made from a loaded registry (every process.wasm
 * module decoded and validated once, every process.lua script compiled
 * once), started (the process.host worker
 * pools, the event loop, then the supervised services), stopped (services
 * first, then every process left is cancelled and waited for, then the
 * threads) and freed. Also host_spawn(), which is Init: the process is
 * recorded with its arguments and queued; its first Step instantiates. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/abi/canonical.h"
#include "host/internal.h"
#include "host/supervisor.h"

/* Appends one line to a bounded error buffer. */
static void append_line(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append_line(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    size_t n = strnlen(err, errlen);
    if (n + 1 >= errlen)
        return;
    if (n > 0)
        err[n++] = '\n', err[n] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - n, fmt, ap);
    va_end(ap);
}

void host_runtime_log(host_runtime *rt, const char *fmt, ...)
{
    if (rt->opts.log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&rt->log_lock);
    /* One line is several stdio calls: the FILE's own lock keeps another
     * writer of the same FILE (the supervisor's lines) from landing in
     * the middle of it. */
    flockfile(rt->opts.log);
    if (rt->opts.log_color) {           /* a dim time, a cyan source, the message */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        fprintf(rt->opts.log, "\033[2m%02d:%02d:%02d.%03ld\033[0m \033[36mhost\033[0m ", tm.tm_hour,
                tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    } else {
        fputs("host: ", rt->opts.log);
    }
    vfprintf(rt->opts.log, fmt, ap);
    fputc('\n', rt->opts.log);
    fflush(rt->opts.log);
    funlockfile(rt->opts.log);
    pthread_mutex_unlock(&rt->log_lock);
    va_end(ap);
}

const host_module *host_runtime_module(const host_runtime *rt, const char *entry_id)
{
    for (size_t i = 0; entry_id != NULL && i < rt->nmodules; i++)
        if (strcmp(rt->modules[i].entry->id, entry_id) == 0)
            return &rt->modules[i];
    return NULL;
}

uint32_t host_runtime_host_index(const host_runtime *rt, const char *host_id)
{
    for (size_t i = 1; host_id != NULL && i < rt->nhosts; i++)
        if (strcmp(rt->host_ids[i], host_id) == 0)
            return (uint32_t)i;
    return 0;
}

void host_runtime_process_added(host_runtime *rt) { atomic_fetch_add(&rt->nprocs, 1); }

void host_runtime_process_gone(host_runtime *rt)
{
    if (atomic_fetch_sub(&rt->nprocs, 1) == 1) {
        pthread_mutex_lock(&rt->lock);
        pthread_cond_broadcast(&rt->idle);
        pthread_mutex_unlock(&rt->lock);
    }
}

host_runtime *host_runtime_new(const cfg_registry *reg, const host_options *opts, char *err,
                               size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    host_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL || !host_pids_init(&rt->pids)) {
        free(rt);
        return NULL;
    }
    rt->reg = reg;
    if (opts != NULL)
        rt->opts = *opts;
    pthread_mutex_init(&rt->lock, NULL);
    pthread_mutex_init(&rt->log_lock, NULL);
    pthread_mutex_init(&rt->names_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&rt->idle, &attr);
    pthread_condattr_destroy(&attr);
    atomic_init(&rt->nprocs, 0);

    size_t n = cfg_entry_count(reg), nmods = 0, nhosts = 1;
    for (size_t i = 0; i < n; i++) {
        cfg_kind k = cfg_entry_at(reg, i)->type;
        nmods += k == CFG_KIND_PROCESS_WASM || k == CFG_KIND_PROCESS_LUA;
        nhosts += k == CFG_KIND_PROCESS_HOST || k == CFG_KIND_TERMINAL_HOST;
    }
    rt->modules = calloc(nmods ? nmods : 1, sizeof *rt->modules);
    rt->host_ids = calloc(nhosts, sizeof *rt->host_ids);
    rt->scheds = calloc(nhosts, sizeof *rt->scheds);
    if (rt->modules == NULL || rt->host_ids == NULL || rt->scheds == NULL) {
        host_runtime_free(rt);
        return NULL;
    }
    rt->host_ids[rt->nhosts++] = "local";
    for (size_t i = 0; i < n; i++) {
        const cfg_entry *e = cfg_entry_at(reg, i);
        if (e->type == CFG_KIND_PROCESS_HOST || e->type == CFG_KIND_TERMINAL_HOST)
            rt->host_ids[rt->nhosts++] = e->id;
        if (e->type == CFG_KIND_PROCESS_LUA) {
            /* A script that cannot run is refused by every spawn (and one
             * that does not compile ends its processes with the error):
             * logged here, not an error of the runtime. */
            host_module *m = &rt->modules[rt->nmodules++];
            if (host_lua_script_load(m, reg, e))
                host_runtime_log(rt, "loaded %s (%s)%s%s", e->id, e->as.lua.source,
                            m->call_error ? ": " : "", m->call_error ? m->call_error : "");
            else
                host_runtime_log(rt, "%s: %s", e->id, m->load_error ? m->load_error : "out of memory");
            continue;
        }
        if (e->type != CFG_KIND_PROCESS_WASM)
            continue;
        host_module *m = &rt->modules[rt->nmodules++];
        if (host_module_load(m, e)) {
            host_runtime_log(rt, "loaded %s (%zu bytes)%s%s", e->id, e->as.wasm.size,
                        m->call_error ? ": cannot be called: " : "", m->call_error ? m->call_error : "");
        } else {
            append_line(err, errlen, "%s: %s", e->id, m->load_error ? m->load_error : "out of memory");
            host_runtime_log(rt, "%s: %s", e->id, m->load_error ? m->load_error : "out of memory");
        }
    }
    return rt;
}

bool host_runtime_start(host_runtime *rt, char *err, size_t errlen)
{
    pthread_mutex_lock(&rt->lock);
    bool already = rt->started;
    rt->started = true;
    pthread_mutex_unlock(&rt->lock);
    if (already)
        return true;
    if ((rt->loop = host_loop_new(err, errlen)) == NULL || !host_loop_start(rt->loop, err, errlen))
        return false;
    size_t n = cfg_entry_count(rt->reg);
    for (size_t i = 0; i < n; i++) {
        const cfg_entry *e = cfg_entry_at(rt->reg, i);
        if (e->type != CFG_KIND_PROCESS_HOST)
            continue;
        uint32_t index = host_runtime_host_index(rt, e->id);
        host_sched *s = host_sched_new(rt, e, index);
        if (s == NULL) {
            snprintf(err, errlen, "%s: out of memory", e->id);
            return false;
        }
        rt->scheds[index] = s;
        if (!host_sched_start(s, err, errlen))
            return false;
        host_runtime_log(rt, "started %s (%" PRId64 " workers)", e->id, e->as.process_host.workers);
    }
    rt->sup = host_supervisor_start(rt, rt->reg, rt->opts.log, err, errlen);
    return rt->sup != NULL;
}

void host_runtime_stop(host_runtime *rt)
{
    pthread_mutex_lock(&rt->lock);
    bool first = !rt->stopping;
    rt->stopping = true;
    pthread_mutex_unlock(&rt->lock);
    if (!first)
        return;
    if (rt->sup != NULL)
        host_supervisor_stop(rt->sup);
    rt->sup = NULL;
    /* Cancel whatever still runs, and wait for it to end; look again now
     * and then for a process whose spawn was under way meanwhile. */
    pthread_mutex_lock(&rt->lock);
    while (atomic_load(&rt->nprocs) > 0) {
        pthread_mutex_unlock(&rt->lock);
        host_node **procs;
        size_t n = host_pids_collect(&rt->pids, NODE_PROCESS, &procs);
        for (size_t i = 0; i < n; i++) {
            host_process_kill((host_process *)procs[i], KILL_CANCEL, "runtime shutdown");
            host_node_release(rt, procs[i]);
        }
        free(procs);
        pthread_mutex_lock(&rt->lock);
        if (atomic_load(&rt->nprocs) == 0)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 50000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&rt->idle, &rt->lock, &ts);
    }
    pthread_mutex_unlock(&rt->lock);
    for (size_t i = 0; i < rt->nhosts; i++)
        if (rt->scheds[i] != NULL)
            host_sched_stop(rt->scheds[i]);
    if (rt->loop != NULL)
        host_loop_stop(rt->loop);
    rt->stopped = true;
}

void host_runtime_free(host_runtime *rt)
{
    if (rt == NULL)
        return;
    if (rt->host_ids != NULL)
        host_runtime_stop(rt);
    host_node **boxes;
    size_t n = host_pids_collect(&rt->pids, NODE_MAILBOX, &boxes);
    for (size_t i = 0; i < n; i++) {
        host_node_end(rt, boxes[i], NULL, NULL);
        host_node_release(rt, boxes[i]);
    }
    free(boxes);
    for (size_t i = 0; rt->scheds != NULL && i < rt->nhosts; i++)
        host_sched_free(rt->scheds[i]);
    host_loop_free(rt->loop);
    for (size_t i = 0; i < rt->nmodules; i++)
        host_module_free(&rt->modules[i]);
    free(rt->modules);
    free(rt->host_ids);
    free(rt->scheds);
    host_pids_destroy(&rt->pids);
    pthread_mutex_destroy(&rt->lock);
    pthread_mutex_destroy(&rt->log_lock);
    host_names_free(rt);
    pthread_mutex_destroy(&rt->names_lock);
    pthread_cond_destroy(&rt->idle);
    free(rt);
}

/* ---- spawn ---- */

/* Links a new (unpublished) process with its parent; false if the parent is gone. */
static bool link_parent(host_runtime *rt, host_process *p, host_pid parent)
{
    host_node *n = host_pids_lookup(&rt->pids, parent);
    if (n == NULL)
        return false;
    pthread_mutex_lock(&n->lock);
    bool ok = !n->ended && host_pid_list_add(&n->links, p->node.pid);
    pthread_mutex_unlock(&n->lock);
    host_node_release(rt, n);
    return ok && host_pid_list_add(&p->node.links, parent);
}

/* Undoes link_parent() when the spawn fails after it. */
static void unlink_parent(host_runtime *rt, host_process *p, host_pid parent)
{
    host_node *n = host_pids_lookup(&rt->pids, parent);
    if (n == NULL)
        return;
    pthread_mutex_lock(&n->lock);
    host_pid_list_remove(&n->links, p->node.pid);
    pthread_mutex_unlock(&n->lock);
    host_node_release(rt, n);
}

static host_pid spawn(host_runtime *rt, host_pid parent, const char *entry, const char *host,
                      const host_value *args, size_t nargs, unsigned flags,
                      const host_world_hook *hook, char *err, size_t errlen)
{
    uint32_t index = host_runtime_host_index(rt, host);
    host_sched *s = rt->scheds[index];
    const host_module *m = host_runtime_module(rt, entry);
    char why[HOST_ERROR_MAX];
    if (s == NULL) {
        snprintf(err, errlen, "process host not found: %s", host ? host : "(null)");
        return 0;
    }
    if (m == NULL) {
        snprintf(err, errlen, "process entry not found: %s", entry ? entry : "(null)");
        return 0;
    }
    bool lua = MODULE_IS_LUA(m);
    if (m->load_error != NULL || (!lua && (!MODULE_IS_WASM_LOADED(m) || m->call_error != NULL))) {
        snprintf(err, errlen, "%s: %s", entry,
                 m->load_error ? m->load_error : m->call_error ? m->call_error : "cannot be loaded");
        return 0;
    }
    if (nargs > HOST_MAX_ARGS) {
        snprintf(err, errlen, "%s: too many arguments (%zu, at most %d)", entry, nargs, HOST_MAX_ARGS);
        return 0;
    }
    size_t weight = 0;
    for (size_t i = 0; i < nargs; i++)
        weight += host_value_weight(&args[i]);
    if (weight > HOST_MAX_VALUE_BYTES) {
        snprintf(err, errlen, "%s: the arguments are too large (more than %u bytes)", entry,
                 HOST_MAX_VALUE_BYTES);
        return 0;
    }
    if (hook != NULL && (lua || !MODULE_IS_COMPONENT(m))) {
        snprintf(err, errlen, "%s: not a component", entry);
        return 0;
    }
    if (!lua && MODULE_IS_COMPONENT(m)) {
        if (nargs != host_cm_method_nparams(m)) {
            snprintf(err, errlen, "%s: parameter count mismatch: expected %u, got %zu", entry,
                     host_cm_method_nparams(m), nargs);
            return 0;
        }
    } else if (!lua && !host_abi_check(&m->sig, m->has_wit ? &m->wit : NULL, nargs, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", entry, why);
        return 0;
    }
    host_process *p = host_process_new(rt, m, index, rt->host_ids[index], args, nargs, NULL);
    if (p == NULL) {
        snprintf(err, errlen, "%s: out of memory", entry);
        return 0;
    }
    p->sched = s;
    if (hook != NULL)
        p->hook = *hook;
    bool ok = true;
    if (parent != 0 && (flags & HOST_SPAWN_MONITOR))
        ok = host_pid_list_add(&p->node.monitors, parent);
    if (ok && parent != 0 && (flags & HOST_SPAWN_LINK) && !link_parent(rt, p, parent)) {
        snprintf(err, errlen, "%s: the parent process is not alive", entry);
        host_node_release(rt, &p->node);
        return 0;
    }
    pthread_mutex_lock(&rt->lock);
    bool stopping = rt->stopping;
    if (!stopping)
        host_runtime_process_added(rt);
    pthread_mutex_unlock(&rt->lock);
    if (!ok || stopping || !host_pids_insert(&rt->pids, &p->node)) {
        snprintf(err, errlen, "%s: %s", entry, stopping ? "the runtime is stopping" : "out of memory");
        if (!stopping)
            host_runtime_process_gone(rt);
        if (parent != 0 && (flags & HOST_SPAWN_LINK))
            unlink_parent(rt, p, parent);
        host_node_release(rt, &p->node);
        return 0;
    }
    host_pid pid = p->node.pid;
    if (rt->opts.log != NULL) {
        char text[64];
        host_runtime_log(rt, "spawn %s %s on %s", host_pid_format(rt, pid, text, sizeof text), entry, host);
    }
    host_sched_admit(s, p);   /* from here p belongs to the scheduler */
    return pid;
}

host_pid host_spawn(host_runtime *rt, host_pid parent, const char *entry, const char *host,
                    const host_value *args, size_t nargs, unsigned flags, char *err, size_t errlen)
{
    return spawn(rt, parent, entry, host, args, nargs, flags, NULL, err, errlen);
}

host_pid host_spawn_world(host_runtime *rt, const char *entry, const char *host, size_t nargs,
                          const host_world_hook *hook, char *err, size_t errlen)
{
    host_value nils[HOST_MAX_ARGS];
    if (nargs > HOST_MAX_ARGS) {
        snprintf(err, errlen, "%s: too many arguments (%zu, at most %d)", entry, nargs, HOST_MAX_ARGS);
        return 0;
    }
    for (size_t i = 0; i < nargs; i++)
        nils[i] = host_nil();
    return spawn(rt, 0, entry, host, nils, nargs, 0, hook, err, errlen);
}
