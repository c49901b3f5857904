/* supervisor.c — process.service supervision (supervisor.h), built only on
 * the public process API of host.h.
 *
 * The supervisor owns one mailbox. Every service process is spawned with
 * that mailbox as its parent and HOST_SPAWN_MONITOR, so each end of a
 * service arrives there as an EXIT event.
 *
 *   host_supervisor_start   spawns the auto_start services in registry order
 *                      (dependencies first) on the calling thread, then
 *                      starts the supervisor thread.
 *   the thread         receives EXIT events and restarts failed services
 *                      after their backoff delay; it sleeps in
 *                      host_receive until the next event or restart time.
 *   host_supervisor_stop    wakes the thread with a CANCEL on its own mailbox
 *                      and joins it, then, on the calling thread, stops
 *                      the services in reverse order: cancel, wait up to
 *                      stop_timeout for the EXIT, then terminate.
 *
 * A service's state belongs to one thread at a time: the starter, then the
 * supervisor thread, then (after the join) the stopper. No locks needed.
 *
 * Policy (see RATIONALE.md, "Supervision"):
 *   - a service is running once its process is spawned;
 *   - an EXIT without error, or with the error of an explicit cancel or
 *     terminate by someone else, ends the service (Exited): no restart;
 *   - any other error (a trap, a WASI error, a failed link) is a failure
 *     (Failed): it is restarted after initial_delay * factor^(n-1), capped
 *     at max_delay, +/- jitter * delay, n counting the restarts since the
 *     last run longer than stable_threshold; after max_attempts restarts
 *     (0 = never give up) the service stays Failed;
 *   - a spawn that fails is a failure too, except that a required service
 *     whose first spawn fails makes host_supervisor_start fail. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/supervisor.h"

/* How long to wait for the EXIT of a process after host_terminate. */
#define TERMINATE_WAIT_NS INT64_C(2000000000)

typedef enum {
    SVC_RUNNING,        /* its process is alive (pid) */
    SVC_WAITING,        /* failed; restarts at restart_at */
    SVC_EXITED,         /* ended cleanly or on request: not restarted */
    SVC_FAILED,         /* failed for good: out of attempts or never started */
    SVC_STOPPED         /* stopped by host_supervisor_stop */
} svc_state;

typedef struct {
    const cfg_entry *entry;
    const cfg_service *cfg;
    host_value *args;           /* `input`, as string arguments */
    svc_state state;
    host_pid pid;               /* while RUNNING */
    int64_t started_at;         /* monotonic time the current run began */
    int64_t restart_at;         /* while WAITING */
    int64_t restarts;           /* restarts since the last stable run */
} service;

struct supervisor {
    host_runtime *rt;
    FILE *log;
    host_pid mailbox;
    service *svcs;              /* auto_start services, dependencies first */
    size_t n;
    pthread_t thread;
    bool thread_running;
    atomic_bool stopping;
    uint64_t rng;               /* xorshift64 state for the jitter */
};

/* ---- small helpers ---- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A uniform double in [0, 1). */
static double random_unit(supervisor *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return (double)(s->rng >> 11) * 0x1.0p-53;
}

/* "250ms", "1.2s", "1m30s" — compact, for log lines. */
static const char *format_duration(int64_t ns, char *buf, size_t len)
{
    if (ns < 1000000000)
        snprintf(buf, len, "%lldms", (long long)((ns + 500000) / 1000000));
    else if (ns < INT64_C(60000000000))
        snprintf(buf, len, "%.3gs", (double)ns / 1e9);
    else
        snprintf(buf, len, "%lldm%llds", (long long)(ns / INT64_C(60000000000)),
                 (long long)(ns % INT64_C(60000000000) / 1000000000));
    return buf;
}

/* The length of the first line of an error (the message, without the
 * backtrace that may follow). */
static int first_line(const char *text)
{
    size_t n = strcspn(text, "\n");
    return n > 1000 ? 1000 : (int)n;
}

/* One log line: "service ID: ...". */
static void say(supervisor *s, const service *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(supervisor *s, const service *v, const char *fmt, ...)
{
    if (s->log == NULL)
        return;
    char text[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(s->log, "service %s: %s\n", v->entry->id, text);
    fflush(s->log);
}

static service *find_service(supervisor *s, host_pid pid)
{
    for (size_t i = 0; pid != 0 && i < s->n; i++)
        if (s->svcs[i].state == SVC_RUNNING && s->svcs[i].pid == pid)
            return &s->svcs[i];
    return NULL;
}

/* ---- the restart policy ---- */

/* The delay before restart number n (1-based). */
static int64_t restart_delay(supervisor *s, const cfg_restart *r, int64_t n)
{
    double delay = (double)r->initial_delay * pow(r->backoff_factor, (double)(n - 1));
    if (!(delay <= (double)r->max_delay))     /* also catches inf */
        delay = (double)r->max_delay;
    delay += delay * r->jitter * (2.0 * random_unit(s) - 1.0);
    return delay < 0 ? 0 : (int64_t)delay;
}

/* The service failed (why: a log phrase, e.g. `exited with error "..."`):
 * schedules its next restart, or gives up after max_attempts. */
static void schedule_restart(supervisor *s, service *v, const char *why)
{
    const cfg_restart *r = &v->cfg->lifecycle.restart;
    if (r->max_attempts > 0 && v->restarts >= r->max_attempts) {
        v->state = SVC_FAILED;
        say(s, v, "%s; giving up after %lld restart%s", why, (long long)v->restarts,
            v->restarts == 1 ? "" : "s");
        return;
    }
    v->restarts++;
    int64_t delay = restart_delay(s, r, v->restarts);
    v->state = SVC_WAITING;
    v->restart_at = now_ns() + delay;
    char d[32];
    say(s, v, "%s; restarting in %s (attempt %lld)", why, format_duration(delay, d, sizeof d),
        (long long)v->restarts);
}

/* Spawns the service's process. On failure writes the reason to err. */
static bool spawn_service(supervisor *s, service *v, char *err, size_t errlen)
{
    host_pid pid = host_spawn(s->rt, s->mailbox, v->cfg->process, v->cfg->host, v->args,
                              v->cfg->ninput, HOST_SPAWN_MONITOR, err, errlen);
    if (pid == 0)
        return false;
    v->pid = pid;
    v->state = SVC_RUNNING;
    v->started_at = now_ns();
    char p[64];
    say(s, v, "started %s", host_pid_format(s->rt, pid, p, sizeof p));
    return true;
}

/* A restart (or a retried first start) is due. */
static void restart_service(supervisor *s, service *v)
{
    char err[512] = "";
    if (spawn_service(s, v, err, sizeof err))
        return;
    char why[600];
    snprintf(why, sizeof why, "failed to start: %s", err);
    schedule_restart(s, v, why);
}

/* The error texts host.h gives a process that was ended on request. */
static bool ended_on_request(const char *error)
{
    return !strcmp(error, "terminated") || !strcmp(error, "cancelled") ||
           !strncmp(error, "cancelled: ", 11);
}

/* An EXIT of a service process while supervising. */
static void handle_exit(supervisor *s, const host_event *ev)
{
    service *v = find_service(s, ev->from);
    if (v == NULL)
        return;
    v->pid = 0;
    int64_t ran = now_ns() - v->started_at;
    if (ev->error == NULL) {
        v->state = SVC_EXITED;
        say(s, v, "exited; not restarted");
        return;
    }
    if (ended_on_request(ev->error)) {
        v->state = SVC_EXITED;
        say(s, v, "exited: %.*s; not restarted", first_line(ev->error), ev->error);
        return;
    }
    if (ran >= v->cfg->lifecycle.stable_threshold)
        v->restarts = 0;                    /* it was stable: start counting again */
    char why[1200];
    snprintf(why, sizeof why, "exited with error \"%.*s\"", first_line(ev->error), ev->error);
    schedule_restart(s, v, why);
}

/* An EXIT once shutdown has begun: the service is over, not restarted. */
static void note_stopped(supervisor *s, const host_event *ev)
{
    service *v = find_service(s, ev->from);
    if (v == NULL)
        return;
    v->pid = 0;
    v->state = SVC_STOPPED;
}

/* ---- the supervisor thread ---- */

/* Restarts what is due; returns how long to sleep until the next restart
 * (-1: nothing scheduled). */
static int64_t run_due_restarts(supervisor *s)
{
    int64_t next = -1;
    for (size_t i = 0; i < s->n; i++) {
        service *v = &s->svcs[i];
        if (v->state != SVC_WAITING)
            continue;
        int64_t now = now_ns();
        if (v->restart_at <= now)
            restart_service(s, v);
        if (v->state == SVC_WAITING && (next < 0 || v->restart_at - now < next))
            next = v->restart_at > now ? v->restart_at - now : 0;
    }
    return next;
}

static void *supervise(void *arg)
{
    supervisor *s = arg;
    while (!atomic_load(&s->stopping)) {
        int64_t wait = run_due_restarts(s);
        host_event ev;
        if (!host_receive(s->rt, s->mailbox, &ev, wait))
            continue;                       /* a restart is due */
        if (ev.kind == HOST_EVENT_EXIT && !atomic_load(&s->stopping))
            handle_exit(s, &ev);
        else if (ev.kind == HOST_EVENT_EXIT)
            note_stopped(s, &ev);           /* shutting down: no restart */
        host_event_free(&ev);
        /* A CANCEL on our own mailbox is host_supervisor_stop waking us: the
         * loop condition sees `stopping`. */
    }
    return NULL;
}

/* ---- shutdown ---- */

/* Receives events until v's process has ended (true) or the time is up.
 * EXITs of other services that come meanwhile are noted: nothing is
 * restarted any more. */
static bool wait_for_exit(supervisor *s, service *v, int64_t timeout)
{
    int64_t deadline = now_ns() + timeout;
    while (v->state == SVC_RUNNING) {
        int64_t left = deadline - now_ns();
        host_event ev;
        if (left <= 0 || !host_receive(s->rt, s->mailbox, &ev, left))
            return false;
        if (ev.kind == HOST_EVENT_EXIT)
            note_stopped(s, &ev);
        host_event_free(&ev);
    }
    return true;
}

/* Stops one running service: cancel, wait up to stop_timeout, terminate. */
static void stop_service(supervisor *s, service *v)
{
    char d[32];
    say(s, v, "stopping");
    host_cancel(s->rt, v->pid, "shutdown");
    if (!wait_for_exit(s, v, v->cfg->lifecycle.stop_timeout)) {
        say(s, v, "did not stop within %s; terminating",
            format_duration(v->cfg->lifecycle.stop_timeout, d, sizeof d));
        host_terminate(s->rt, v->pid);
        if (!wait_for_exit(s, v, TERMINATE_WAIT_NS)) {
            say(s, v, "did not end after terminate; leaving it to the runtime");
            v->state = SVC_STOPPED;
            return;
        }
    }
    say(s, v, "stopped");
}

/* Every service, last started first. */
static void stop_services(supervisor *s)
{
    for (size_t i = s->n; i-- > 0;) {
        service *v = &s->svcs[i];
        if (v->state == SVC_RUNNING)
            stop_service(s, v);
        else if (v->state == SVC_WAITING)
            v->state = SVC_STOPPED;         /* the pending restart is dropped */
    }
}

static void free_supervisor(supervisor *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; s->svcs[i].args != NULL && k < s->svcs[i].cfg->ninput; k++)
            host_value_free(&s->svcs[i].args[k]);
        free(s->svcs[i].args);
    }
    free(s->svcs);
    if (s->mailbox != 0)
        host_mailbox_close(s->rt, s->mailbox);
    free(s);
}

/* ---- start ---- */

/* The auto_start services of the registry, in its (dependency) order,
 * with their input as string arguments. */
static bool collect_services(supervisor *s, const cfg_registry *reg)
{
    size_t total = cfg_entry_count(reg);
    s->svcs = calloc(total ? total : 1, sizeof *s->svcs);
    if (s->svcs == NULL)
        return false;
    for (size_t i = 0; i < total; i++) {
        const cfg_entry *e = cfg_entry_at(reg, i);
        if (e->type != CFG_KIND_PROCESS_SERVICE || !e->as.service.lifecycle.auto_start)
            continue;
        service *v = &s->svcs[s->n++];
        v->entry = e;
        v->cfg = &e->as.service;
        v->state = SVC_FAILED;              /* until started */
        v->args = calloc(v->cfg->ninput ? v->cfg->ninput : 1, sizeof *v->args);
        if (v->args == NULL)
            return false;
        for (size_t k = 0; k < v->cfg->ninput; k++) {
            v->args[k] = host_string(v->cfg->input[k], strlen(v->cfg->input[k]));
            if (v->args[k].kind != HOST_VALUE_STRING)
                return false;
        }
    }
    return true;
}

supervisor *host_supervisor_start(host_runtime *rt, const cfg_registry *reg, FILE *log, char *err,
                             size_t errlen)
{
    supervisor *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->rt = rt;
    s->log = log;
    s->rng = (uint64_t)now_ns() ^ (uint64_t)(uintptr_t)s;
    if (s->rng == 0)
        s->rng = 1;
    atomic_init(&s->stopping, false);
    if (!collect_services(s, reg) || (s->mailbox = host_mailbox_open(rt)) == 0) {
        snprintf(err, errlen, "out of memory");
        free_supervisor(s);
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++) {
        service *v = &s->svcs[i];
        char why[512] = "";
        if (spawn_service(s, v, why, sizeof why))
            continue;
        if (!v->cfg->lifecycle.startup_optional) {
            say(s, v, "failed to start: %s", why);
            snprintf(err, errlen, "service %s failed to start: %s", v->entry->id, why);
            stop_services(s);
            free_supervisor(s);
            return NULL;
        }
        char text[600];
        snprintf(text, sizeof text, "failed to start: %s", why);
        schedule_restart(s, v, text);
    }
    if (pthread_create(&s->thread, NULL, supervise, s) != 0) {
        snprintf(err, errlen, "cannot start the supervisor thread");
        stop_services(s);
        free_supervisor(s);
        return NULL;
    }
    s->thread_running = true;
    return s;
}

void host_supervisor_stop(supervisor *s)
{
    if (s == NULL)
        return;
    if (s->thread_running) {
        atomic_store(&s->stopping, true);
        host_cancel(s->rt, s->mailbox, "shutdown");     /* wakes host_receive */
        pthread_join(s->thread, NULL);
    }
    stop_services(s);
    free_supervisor(s);
}
