/* soak.c — `make soak`: the process host soaked for SOAK_SECONDS on 2
 * workers (doc/process-host.md, "Soak"). Storms of WASM processes (that
 * return a value, trap, spin until max_execution_ms, sleep in
 * poll_oneoff, park in a read of a FIFO that is written late or never,
 * yield, proc_exit) and Lua processes (that sleep, crash, answer
 * messages, spawn monitored and linked children and keep their own
 * ledger, kill others) are cancelled, terminated, linked, monitored and
 * unmonitored at random by the driver (soak_round.c) and by each other,
 * beside supervised services that crash and are restarted with backoff
 * (one for ever, three until they give up).
 *
 * It fails (exit 1) on any finding: an end the driver could not predict,
 * an EXIT or LINK_DOWN lost or delivered twice, a pid ended twice or left
 * in the host, the resident set at the end more than the bound above the
 * one after warm-up, or no progress for SOAK_STALL seconds (the watchdog
 * aborts with a dump of what is stuck). SOAK_SEED replays a run's random
 * choices (the host's scheduling is not replayed).
 *
 * Usage: soak BUILD_DIR SOURCE_DIR (fixtures under BUILD_DIR/tests, the
 * Lua script under SOURCE_DIR/tests/soak). Uses host.h, plus internal.h
 * for the final look at the pid table and the process count. */
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/internal.h"
#include "tests/soak/soak.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? strtol(v, NULL, 0) : def;
}

/* ---- the watchdog ---- */

static soak_ctx ctx;
static atomic_bool watch_stop;
static long stall_s;
static host_runtime *the_rt;

/* What is stuck: the driver's open debts, the host's live processes. */
static void dump_stuck(void)
{
    fprintf(stderr, "soak: WATCHDOG: no process ended for %ld s; what is waited for:\n", stall_s);
    soak_round_dump(stderr);
    host_node **procs;
    size_t n = host_pids_collect(&the_rt->pids, NODE_PROCESS, &procs);
    fprintf(stderr, "soak: %zu processes live in the host (%zu counted):\n", n,
            (size_t)atomic_load(&the_rt->nprocs));
    char p[64];
    for (size_t i = 0; i < n; i++) {
        host_process *pr = (host_process *)procs[i];
        if (i < 50)
            fprintf(stderr, "  %s %s kill %d event_wake %d parked_direct %d\n",
                    host_pid_format(the_rt, pr->node.pid, p, sizeof p), pr->mod->entry->id,
                    atomic_load(&pr->kill), atomic_load(&pr->event_wake),
                    atomic_load(&pr->parked_direct));
        host_node_release(the_rt, procs[i]);
    }
    free(procs);
}

static void *watchdog(void *arg)
{
    (void)arg;
    long last = -1;
    double since = now_s();
    while (!atomic_load(&watch_stop)) {
        usleep(200000);
        long p = atomic_load(&ctx.progress);
        if (p != last) {
            last = p;
            since = now_s();
        } else if (now_s() - since > (double)stall_s) {
            dump_stuck();
            fflush(stderr);
            abort();
        }
    }
    return NULL;
}

/* ---- the end: nothing left ---- */

/* Waits up to 10 s until no process but the services' is live (the log's
 * live set at most `keep`); true when it got there. */
static bool wait_quiet(size_t keep)
{
    for (int i = 0; i < 1000; i++) {
        uint64_t *live;
        size_t n = soak_log_live(&live);
        free(live);
        if (n <= keep)
            return true;
        usleep(10000);
    }
    return false;
}

static void list_live(const char *when)
{
    uint64_t *live;
    size_t n = soak_log_live(&live);
    char entry[64];
    for (size_t i = 0; i < n && i < 20; i++)
        fprintf(stderr, "soak: %s: still live: seq 0x%" PRIx64 " %s\n", when, live[i],
                soak_log_entry(live[i], entry, sizeof entry));
    free(live);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: soak BUILD_DIR SOURCE_DIR (SOAK_SECONDS, SOAK_SEED, SOAK_STALL, "
                        "SOAK_RSS_BOUND_MIB)\n");
        return 2;
    }
    long seconds = env_long("SOAK_SECONDS", 300);
    stall_s = env_long("SOAK_STALL", 30);
    long bound_mib = env_long("SOAK_RSS_BOUND_MIB", 64);
    uint64_t seed = (uint64_t)env_long("SOAK_SEED", 0);
    if (seed == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
        seed &= INT64_MAX;
    }
    soak_srand(seed);
    printf("soak: seed %" PRIu64 " (SOAK_SEED=%" PRIu64 " replays its choices), %ld s on 2 workers, "
           "watchdog %ld s\n", seed, seed, seconds, stall_s);
    fflush(stdout);

    char build[4096], source[4096];
    if (realpath(argv[1], build) == NULL || realpath(argv[2], source) == NULL) {
        fprintf(stderr, "soak: %s or %s: no such directory\n", argv[1], argv[2]);
        return 2;
    }
    soak_project project;
    soak_project_write(&project, build, source);
    cfg_options copts = { .project_dir = project.dir };
    cfg_registry *reg = cfg_load(&copts);
    if (reg == NULL || cfg_error_count(reg) > 0) {
        fprintf(stderr, "soak: configuration: %s\n", reg && cfg_error_count(reg) ? cfg_error_at(reg, 0)->text : "?");
        cfg_free(reg);
        soak_project_remove(&project);
        return 2;
    }
    FILE *log = soak_log_open();
    host_options ho = { .log = log };
    char err[2048];
    host_runtime *rt = host_runtime_new(reg, &ho, err, sizeof err);
    if (rt == NULL || err[0] != '\0' || !host_runtime_start(rt, err, sizeof err)) {
        fprintf(stderr, "soak: runtime: %s\n", err);
        return 2;
    }
    the_rt = rt;
    ctx.rt = rt;
    ctx.project = &project;
    ctx.mb = host_mailbox_open(rt);
    ctx.mb2 = host_mailbox_open(rt);
    pthread_t dog;
    pthread_create(&dog, NULL, watchdog, NULL);

    double t0 = now_s(), warm_until = t0 + (seconds / 10 > 2 ? seconds / 10 : 2);
    double next_report = t0 + 10;
    long rss_warm = 0;
    int round = 0;
    while (now_s() - t0 < (double)seconds) {
        soak_round(&ctx, round++);
        if (rss_warm == 0 && now_s() >= warm_until) {
            rss_warm = soak_rss_kib();
            printf("soak: warm-up over after %d rounds: RSS %.1f MiB\n", round, rss_warm / 1024.0);
        }
        if (now_s() >= next_report) {
            next_report += 10;
            printf("soak: %4.0f s: %d rounds, %ld processes spawned in all, %ld ended with an error, "
                   "RSS %.1f MiB, findings %ld\n", now_s() - t0, round, atomic_load(&soak_log.spawns),
                   atomic_load(&soak_log.exit_errors), soak_rss_kib() / 1024.0, ctx.findings);
            fflush(stdout);
        }
    }
    double elapsed = now_s() - t0;
    /* Quiet: only the services may live now (s_flaky between restarts, s_steady). */
    if (!wait_quiet(2)) {
        list_live("10 s after the last round");
        soak_finding(&ctx, "processes still live 10 s after the last round");
    }
    usleep(200000);
    long rss_end = soak_rss_kib();
    if (rss_warm == 0)
        rss_warm = rss_end;
    /* The host agrees with the log: the same number of processes. */
    host_node **nodes;
    uint64_t *live;
    size_t nlive = soak_log_live(&live);
    free(live);
    size_t nproc = host_pids_collect(&rt->pids, NODE_PROCESS, &nodes);
    for (size_t i = 0; i < nproc; i++)
        host_node_release(rt, nodes[i]);
    free(nodes);
    if (nproc > nlive + 1)          /* s_flaky may be spawned between the two looks */
        soak_finding(&ctx, "%zu processes in the pid table, %zu live in the log", nproc, nlive);
    host_runtime_stop(rt);
    atomic_store(&watch_stop, true);
    pthread_join(dog, NULL);
    nproc = host_pids_collect(&rt->pids, NODE_PROCESS, &nodes);
    for (size_t i = 0; i < nproc; i++)
        host_node_release(rt, nodes[i]);
    free(nodes);
    size_t nbox = host_pids_collect(&rt->pids, NODE_MAILBOX, &nodes);
    for (size_t i = 0; i < nbox; i++)
        host_node_release(rt, nodes[i]);
    free(nodes);
    if (nproc != 0 || atomic_load(&rt->nprocs) != 0)
        soak_finding(&ctx, "after stop: %zu processes in the pid table, %zu counted", nproc,
                     (size_t)atomic_load(&rt->nprocs));
    if (nbox != 2)
        soak_finding(&ctx, "after stop: %zu mailboxes in the pid table, expected the driver's 2", nbox);
    nlive = soak_log_live(&live);
    free(live);
    if (nlive != 0) {
        list_live("after stop");
        soak_finding(&ctx, "after stop: %zu pids spawned and never ended", nlive);
    }
    if (atomic_load(&soak_log.bad_exits) != 0)
        soak_finding(&ctx, "%ld ends of pids that were not live", atomic_load(&soak_log.bad_exits));
    if (atomic_load(&soak_log.gave_up) != 3)
        soak_finding(&ctx, "%ld services gave up, expected 3", atomic_load(&soak_log.gave_up));
    long growth = rss_end - rss_warm;
    if (growth > bound_mib * 1024)
        soak_finding(&ctx, "RSS grew %.1f MiB from warm-up to the end (bound %ld MiB)", growth / 1024.0,
                     bound_mib);

    long spawns = atomic_load(&soak_log.spawns);
    printf("soak: %.1f s, %d rounds\n", elapsed, round);
    printf("soak: processes handled: %ld spawned and ended (%.0f/s): %ld by the driver (%ld values, "
           "%ld errors), %ld reported by the Lua spawners that finished, the rest by the supervisor "
           "and by spawners that were killed\n",
           spawns, spawns / elapsed, ctx.spawned, ctx.values, ctx.errors, ctx.lua_kids);
    printf("soak: crashes survived: %ld ends with an error (traps, Lua errors, time limits, cancels, "
           "terminates, link exits)\n", atomic_load(&soak_log.exit_errors));
    printf("soak: EXITs delivered: %ld to the driver's first mailbox for %ld monitors (%ld processes "
           "ended before their monitor), %ld to its second for %ld monitors less %ld unmonitors, %ld "
           "to Lua spawners; LINK_DOWN: %ld to the driver, %ld to Lua spawners; pongs %ld of %ld "
           "pings\n", ctx.exits_mb, ctx.spawned - ctx.before_monitor, ctx.before_monitor,
           ctx.exits_mb2, ctx.monitors2, ctx.unmonitors2, ctx.lua_exits, ctx.downs_mb,
           ctx.lua_downs, ctx.pongs, ctx.pings);
    printf("soak: the driver's acts: %ld cancels, %ld terminates, %ld links, %ld unlinks, %ld second "
           "monitors, %ld unmonitors, %ld FIFO writes\n", ctx.cancels, ctx.terminates, ctx.links,
           ctx.unlinks, ctx.monitors2, ctx.unmonitors2, ctx.fifo_writes);
    printf("soak: supervision: %ld service starts, %ld restarts with backoff, %ld services gave up "
           "(3 expected)\n", atomic_load(&soak_log.service_starts), atomic_load(&soak_log.restarts),
           atomic_load(&soak_log.gave_up));
    printf("soak: memory: RSS after warm-up %.1f MiB, at the end %.1f MiB (%+.1f MiB, bound +%ld MiB), "
           "peak %.1f MiB\n", rss_warm / 1024.0, rss_end / 1024.0, growth / 1024.0, bound_mib,
           soak_peak_rss_kib() / 1024.0);
    host_mailbox_close(rt, ctx.mb);
    host_mailbox_close(rt, ctx.mb2);
    host_runtime_free(rt);
    fclose(log);
    cfg_free(reg);
    soak_project_remove(&project);
    printf("soak: %ld findings: %s\n", ctx.findings, ctx.findings ? "FAIL" : "PASS");
    return ctx.findings ? 1 : 0;
}
