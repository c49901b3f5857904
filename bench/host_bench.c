/* host_bench.c — figures of the process host (printed, never asserted):
 *
 *   1. spawn → EXIT rate of a trivial cached module (the example app's
 *      compute_worker, 6 * 7, no memory; and the same with one page of
 *      memory) on a process.host with 2 workers: one thread spawns,
 *      another receives the EXIT events (target: 300,000 processes/s);
 *   2. memory per parked process beyond its linear memory: 10,000
 *      processes asleep in poll_oneoff, heap in use (mallinfo2) less
 *      their one-page linear memories (which are malloc'd), and resident
 *      set growth per process (target: 16 KiB);
 *   3. the park/resume round trip of sched_yield (target: 1 µs);
 *   4. the spawn → EXIT rate of a component, Wippy's minimal_component.wasm
 *      (compute 6 * 7 through the canonical ABI, one instance tree with
 *      its memory per process), beside the core module's in the same run;
 *   5. N processes sleeping 100 ms at once on 2 workers, wall time until
 *      every EXIT came: core modules (poll_oneoff) and components (Wippy's
 *      sleep_test_component.wasm: wasi:io/poll pollable.block, parked the
 *      same way).
 *
 * Usage: host-bench BUILD_DIR SOURCE_DIR [COMPONENTS_DIR]
 * (tests/wasm/host_*.wasm under the first, examples/wasm/worker.wasm under
 * the second, wippy/minimal_component.wasm under the third: without it,
 * or when the file is absent, the component figure is skipped). */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/host.h"
#include "sha256/sha256.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "host-bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* Writes a project using BUILD/tests/wasm, the example app's worker.wasm
 * (SOURCE/examples/wasm) and, when components is not NULL, the component
 * COMPONENTS/wippy/minimal_component.wasm; returns its directory. */
static char *write_project(const char *build, const char *source, const char *components)
{
    static char dir[] = "/tmp/wippy-host-bench-XXXXXX";
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", NULL);
    char path[1024], basic[SHA256_HEX_SIZE], yield[SHA256_HEX_SIZE], worker[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/examples/wasm/worker.wasm", source);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, worker);
    snprintf(path, sizeof path, "%s/tests/wasm/host_basic.wasm", build);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, basic);
    snprintf(path, sizeof path, "%s/tests/wasm/host_yield.wasm", build);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, yield);
    snprintf(path, sizeof path, "%s/src", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/src/_index.yaml", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("cannot write", path);
    fprintf(f,
            "version: \"1.0\"\nnamespace: b\nentries:\n"
            "  - {name: bin, kind: fs.directory, directory: %s/tests/wasm}\n"
            "  - {name: examples, kind: fs.directory, directory: %s/examples/wasm}\n"
            "  - {name: procs, kind: process.host, host: {workers: 2}}\n"
            "  - {name: worker, kind: process.wasm, fs: b:examples, path: /worker.wasm,\n"
            "     hash: 'sha256:%s', method: compute}\n"
            "  - {name: compute, kind: process.wasm, fs: b:bin, path: /host_basic.wasm,\n"
            "     hash: 'sha256:%s', method: compute}\n"
            "  - {name: sleep, kind: process.wasm, fs: b:bin, path: /host_yield.wasm,\n"
            "     hash: 'sha256:%s', method: sleep_ms, imports: [wasi:poll]}\n"
            "  - {name: yields, kind: process.wasm, fs: b:bin, path: /host_yield.wasm,\n"
            "     hash: 'sha256:%s', method: yields}\n",
            build, source, worker, basic, yield, yield);
    if (components != NULL) {
        char minimal[SHA256_HEX_SIZE];
        snprintf(path, sizeof path, "%s/wippy/minimal_component.wasm", components);
        if (sha256_file(path, digest) != 0)
            die("cannot read", path);
        sha256_hex(digest, minimal);
        char sleeper[SHA256_HEX_SIZE];
        snprintf(path, sizeof path, "%s/wippy/sleep_test_component.wasm", components);
        if (sha256_file(path, digest) != 0)
            die("cannot read", path);
        sha256_hex(digest, sleeper);
        fprintf(f,
                "  - {name: components, kind: fs.directory, directory: %s/wippy}\n"
                "  - {name: component, kind: process.wasm, fs: b:components,\n"
                "     path: /minimal_component.wasm, hash: 'sha256:%s', method: compute}\n"
                "  - {name: cm_sleep, kind: process.wasm, fs: b:components,\n"
                "     path: /sleep_test_component.wasm, hash: 'sha256:%s',\n"
                "     method: test-sleep#sleep-ms, imports: [wasi:io, wasi:poll, wasi:clocks]}\n",
                components, minimal, sleeper);
    }
    fclose(f);
    return dir;
}

typedef struct {
    host_runtime *rt;
    host_pid mb;
    const char *entry;
    int n;
} spawner;

static void *spawn_all(void *arg)
{
    spawner *s = arg;
    host_value args[] = { host_int(6), host_int(7) };
    char err[256];
    for (int i = 0; i < s->n; i++)
        if (host_spawn(s->rt, s->mb, s->entry, "b:procs", args, 2, HOST_SPAWN_MONITOR, err,
                       sizeof err) == 0)
            die("spawn", err);
    return NULL;
}

static void bench_spawn(host_runtime *rt, const char *entry, const char *what, int n)
{
    host_pid mb = host_mailbox_open(rt);
    spawner s = { rt, mb, entry, n };
    pthread_t t;
    double t0 = now_s();
    pthread_create(&t, NULL, spawn_all, &s);
    long bad = 0;
    for (int i = 0; i < n; i++) {
        host_event ev;
        if (!host_receive(rt, mb, &ev, 10000000000))
            die("an EXIT did not come", NULL);
        bad += ev.error != NULL || ev.value.i != 42;
        host_event_free(&ev);
    }
    double dt = now_s() - t0;
    pthread_join(t, NULL);
    host_mailbox_close(rt, mb);
    printf("spawn -> EXIT (2 workers, %s): %d processes in %.3f s = %.0f processes/s, %.2f us each%s\n",
           what, n, dt, n / dt, dt / n * 1e6, bad ? " (WRONG RESULTS)" : "");
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static size_t heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void bench_parked(host_runtime *rt, int n)
{
    host_pid mb = host_mailbox_open(rt);
    char err[256];
    host_value ms = host_int(60000);
    host_pid *pids = malloc((size_t)n * sizeof *pids);
    usleep(100000);
    size_t heap0 = heap_bytes();
    long rss0 = rss_kib();
    for (int i = 0; i < n; i++)
        if ((pids[i] = host_spawn(rt, mb, "b:sleep", "b:procs", &ms, 1, HOST_SPAWN_MONITOR, err,
                                  sizeof err)) == 0)
            die("spawn", err);
    usleep(500000);   /* all instantiated and parked */
    size_t heap1 = heap_bytes();
    long rss1 = rss_kib();
    double heap = (double)(heap1 - heap0) / n / 1024;
    printf("parked processes: %d asleep in poll_oneoff; heap %.2f KiB each = its 64 KiB linear "
           "memory (one page, malloc'd) + %.2f KiB; resident set %.2f KiB each\n",
           n, heap, heap - 64, (double)(rss1 - rss0) / n);
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        host_terminate(rt, pids[i]);
    for (int i = 0; i < n; i++) {
        host_event ev;
        if (!host_receive(rt, mb, &ev, 10000000000))
            die("an EXIT did not come", NULL);
        host_event_free(&ev);
    }
    printf("  terminating them all: %.3f s\n", now_s() - t0);
    free(pids);
    host_mailbox_close(rt, mb);
}

/* n processes of entry sleeping 100 ms at once: the wall time until every
 * EXIT came (one after the other they would take n * 100 ms). */
static void bench_sleepers(host_runtime *rt, const char *entry, const char *what, int n)
{
    host_pid mb = host_mailbox_open(rt);
    char err[256];
    host_value ms = host_int(100);
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        if (host_spawn(rt, mb, entry, "b:procs", &ms, 1, HOST_SPAWN_MONITOR, err, sizeof err) == 0)
            die("spawn", err);
    long bad = 0;
    for (int i = 0; i < n; i++) {
        host_event ev;
        if (!host_receive(rt, mb, &ev, 60000000000))
            die("an EXIT did not come", NULL);
        bad += ev.error != NULL;
        host_event_free(&ev);
    }
    printf("%d %s sleeping 100 ms on 2 workers: wall time %.3f s%s\n", n, what, now_s() - t0,
           bad ? " (SOME FAILED)" : "");
    host_mailbox_close(rt, mb);
}

static void bench_yield(host_runtime *rt, int n)
{
    host_pid mb = host_mailbox_open(rt);
    char err[256];
    host_value count = host_int(n);
    double t0 = now_s();
    if (host_spawn(rt, mb, "b:yields", "b:procs", &count, 1, HOST_SPAWN_MONITOR, err, sizeof err) == 0)
        die("spawn", err);
    host_event ev;
    if (!host_receive(rt, mb, &ev, 60000000000))
        die("no EXIT", NULL);
    double dt = now_s() - t0;
    printf("sched_yield park/resume: %d round trips in %.3f s = %.3f us each%s\n", n, dt, dt / n * 1e6,
           ev.error ? " (FAILED)" : "");
    host_event_free(&ev);
    host_mailbox_close(rt, mb);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: host-bench BUILD_DIR SOURCE_DIR [COMPONENTS_DIR]\n");
        return 2;
    }
    const char *components = argc == 4 ? argv[3] : NULL;
    char probe[1024];
    if (components != NULL) {
        snprintf(probe, sizeof probe, "%s/wippy/minimal_component.wasm", components);
        char sleeper[1024];
        snprintf(sleeper, sizeof sleeper, "%s/wippy/sleep_test_component.wasm", components);
        if (access(probe, R_OK) != 0 || access(sleeper, R_OK) != 0) {
            printf("component figure skipped: %s not found\n", probe);
            components = NULL;
        }
    }
    char *dir = write_project(argv[1], argv[2], components);
    cfg_options opts = { .project_dir = dir };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL || cfg_error_count(reg) > 0)
        die("configuration", reg && cfg_error_count(reg) ? cfg_error_at(reg, 0)->text : NULL);
    char err[1024];
    host_runtime *rt = host_runtime_new(reg, NULL, err, sizeof err);
    if (rt == NULL || !host_runtime_start(rt, err, sizeof err))
        die("runtime", err);
    bench_spawn(rt, "b:worker", "warm-up", 20000);
    bench_spawn(rt, "b:worker", "examples/worker.wasm, no memory", 300000);
    bench_spawn(rt, "b:compute", "host_basic.wasm, one page of memory", 300000);
    if (components != NULL) {
        bench_spawn(rt, "b:component", "component warm-up", 20000);
        bench_spawn(rt, "b:component", "component minimal_component.wasm", 100000);
    }
    bench_parked(rt, 10000);
    bench_sleepers(rt, "b:sleep", "core processes (poll_oneoff)", 10000);
    if (components != NULL)
        bench_sleepers(rt, "b:cm_sleep", "component processes (pollable.block)", 10000);
    bench_yield(rt, 1000000);
    host_runtime_free(rt);
    cfg_free(reg);
    char path[256];
    snprintf(path, sizeof path, "%s/src/_index.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/src", dir);
    rmdir(path);
    rmdir(dir);
    return 0;
}
