/* terminal_host.c — the terminal host: `wippy run <command>` runs one
 * process on the calling thread, attached to the terminal (its stdin,
 * stdout and stderr; the CLI arguments as string arguments and, when the
 * entry has no `wasi.args`, as the WASI argv), and turns its result into
 * output and an exit code as Wippy's terminal host does, plus a list or a
 * map printed as one line of JSON (doc/wippy-compatibility.md). The
 * process is in the pid table like any other, so it can be monitored,
 * cancelled or terminated from elsewhere; when it parks it waits in place
 * with ppoll() on what it waits for plus an eventfd that a kill pokes. */
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "host/internal.h"

/* The terminal host to run on: `terminal`, or the only one there is.
 * NULL with Wippy's error printed otherwise. */
static const char *pick_terminal(const host_runtime *rt, const char *terminal, FILE *err)
{
    const cfg_registry *reg = rt->reg;
    if (terminal != NULL) {
        const cfg_entry *e = cfg_lookup(reg, terminal);
        if (e == NULL || e->type != CFG_KIND_TERMINAL_HOST) {
            fprintf(err, "terminal host not found: %s\n", terminal);
            return NULL;
        }
        return e->id;
    }
    const char *found = NULL;
    char list[1024] = "";
    size_t count = 0, used = 0;
    for (size_t i = 0; i < cfg_entry_count(reg); i++) {
        const cfg_entry *e = cfg_entry_at(reg, i);
        if (e->type != CFG_KIND_TERMINAL_HOST)
            continue;
        found = e->id;
        if (used < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", count ? ", " : "", e->id);
        count++;
    }
    if (count == 0)
        fputs("no terminal.host found in registry\n", err);
    else if (count > 1)
        fprintf(err, "multiple terminal hosts found (%s), use --host to specify\n", list);
    return count == 1 ? found : NULL;
}

/* Waits for what the parked process waits for (for a Lua process, maybe
 * an event delivered to it), or for a kill. */
static void wait_in_place(host_process *p)
{
    wasi_wait w, fds[HOST_WAIT_FDS];
    size_t nfds = 0;
    if (!host_process_waiting(p, &w, fds, &nfds) || (host_process_waits_events(p) && !host_process_arm_events(p)))
        return;
    struct pollfd pfd[HOST_WAIT_FDS + 1];
    for (size_t i = 0; i < nfds; i++)
        pfd[i] = (struct pollfd){ .fd = fds[i].fd,
                                  .events = (short)((fds[i].want_read ? POLLIN : 0) |
                                                    (fds[i].want_write ? POLLOUT : 0)) };
    pfd[nfds] = (struct pollfd){ .fd = p->wake_fd, .events = POLLIN };
    struct timespec ts, *timeout = NULL;
    if (w.has_deadline) {
        int64_t left = (int64_t)w.deadline_ns - host_now_ns();
        if (left < 0)
            left = 0;
        ts.tv_sec = (time_t)(left / 1000000000);
        ts.tv_nsec = (long)(left % 1000000000);
        timeout = &ts;
    }
    if (ppoll(pfd, nfds + 1, timeout, NULL) > 0 && (pfd[nfds].revents & POLLIN)) {
        uint64_t count;
        ssize_t r = read(p->wake_fd, &count, sizeof count);
        (void)r;
    }
}

/* "a: a: b" → "a: b": Wippy drops a repeated leading "prefix: ". */
static const char *drop_repeated_prefix(const char *msg)
{
    const char *colon = strstr(msg, ": ");
    if (colon == NULL)
        return msg;
    size_t n = (size_t)(colon - msg) + 2;
    return strncmp(msg + n, msg, n) == 0 ? msg + n : msg;
}

/* A number as an exit code: what does not fit an int becomes 1. */
static int code_of_int(const host_value *v)
{
    if (v->is_unsigned)
        return v->u > (uint64_t)INT_MAX ? 1 : (int)v->u;
    return v->i < INT_MIN || v->i > INT_MAX ? 1 : (int)v->i;
}

/* Prints the result as Wippy's terminal host does and returns the code. */
static int report(const host_process *p, FILE *out, FILE *err)
{
    if (p->error != NULL) {
        fprintf(err, "%s\n", drop_repeated_prefix(p->error));
        fflush(err);
        return 1;
    }
    const host_value *v = &p->result;
    switch (v->kind) {
    case HOST_VALUE_STRING:
        fwrite(v->s, 1, v->len, out);
        fputc('\n', out);
        fflush(out);
        return 0;
    case HOST_VALUE_INT:
        return code_of_int(v);
    case HOST_VALUE_FLOAT: {
        if (!isfinite(v->f))
            return 1;
        double t = trunc(v->f);
        return t < (double)INT_MIN || t > (double)INT_MAX ? 1 : (int)t;
    }
    case HOST_VALUE_BOOL:
        return v->b ? 0 : 1;
    case HOST_VALUE_LIST:
    case HOST_VALUE_MAP:
        host_value_write_json(v, out);
        fputc('\n', out);
        fflush(out);
        return 0;
    default:
        return 0;
    }
}

int host_run_command(host_runtime *rt, const cfg_entry *e, const char *terminal, int argc,
                     char **argv, FILE *out, FILE *err)
{
    const char *term_id = pick_terminal(rt, terminal, err);
    if (term_id == NULL)
        return 1;
    const host_module *m = e != NULL ? host_runtime_module(rt, e->id) : NULL;
    if (m == NULL) {
        fprintf(err, "%s: kind %s cannot run on %s\n", e ? e->id : "(null)", e ? e->kind : "", term_id);
        return 1;
    }
    if (m->load_error != NULL || (!MODULE_IS_LUA(m) && !MODULE_IS_WASM_LOADED(m))) {
        fprintf(err, "%s: %s\n", e->id, m->load_error ? m->load_error : "cannot be loaded");
        return 1;
    }
    if (argc < 0 || argc > HOST_MAX_ARGS) {
        fprintf(err, "%s: too many arguments (at most %d)\n", e->id, HOST_MAX_ARGS);
        return 1;
    }
    host_value args[HOST_MAX_ARGS];
    for (int i = 0; i < argc; i++)   /* borrowed: host_process_new copies them */
        args[i] = (host_value){ .kind = HOST_VALUE_STRING, .s = argv[i], .len = strlen(argv[i]) };
    host_terminal term = { .stdio = { STDIN_FILENO, fileno(out), fileno(err) },
                           .argv = (const char *const *)argv, .argc = (size_t)argc };
    fflush(out);
    fflush(err);

    host_process *p = host_process_new(rt, m, host_runtime_host_index(rt, term_id), term_id, args,
                                  (size_t)argc, &term);
    if (p == NULL || (p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        fprintf(err, "%s: out of resources\n", e->id);
        if (p != NULL)
            host_node_release(rt, &p->node);
        return 1;
    }
    host_runtime_process_added(rt);
    if (!host_pids_insert(&rt->pids, &p->node)) {
        fprintf(err, "%s: out of memory\n", e->id);
        close(p->wake_fd);
        host_runtime_process_gone(rt);
        host_node_release(rt, &p->node);
        return 1;
    }
    if (rt->opts.log != NULL) {
        char pid[64];
        host_runtime_log(rt, "run %s %s on %s", host_pid_format(rt, p->node.pid, pid, sizeof pid),
                    e->id, term_id);
    }
    uint64_t fuel = rt->opts.slice_fuel ? rt->opts.slice_fuel : HOST_DEFAULT_SLICE_FUEL;
    step_status st;
    while ((st = host_process_step(p, fuel)) != STEP_DONE) {
        if (st == STEP_PARKED)
            wait_in_place(p);
    }
    host_node_retain(&p->node);   /* keep the result readable past host_process_finish() */
    host_process_finish(rt, p);   /* EXIT to monitors; no kill can poke wake_fd after it */
    close(p->wake_fd);
    p->wake_fd = -1;
    int code = report(p, out, err);
    host_node_release(rt, &p->node);
    return code;
}
