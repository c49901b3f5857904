/* lua_bench.c — figures of Lua processes (printed, never asserted), on a
 * process.host with 2 workers:
 *
 *   1. spawn -> EXIT from Lua: one Lua process spawns the example app's
 *      compute_worker (WASM) monitored and waits for its EXIT, N times
 *      one after the other (latency), then spawns N at once and receives
 *      the N EXITs (throughput);
 *   2. a Lua <-> Lua message round trip: ping sends a number to pong,
 *      pong sends it back plus one, N times (both on the workers);
 *   3. spawn -> EXIT of a trivial Lua process from C: what making and
 *      closing a Lua state costs.
 *
 * Usage: lua-bench SOURCE_DIR (examples/wasm/worker.wasm under it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/host.h"
#include "sha256/sha256.h"

static const char script[] =
    "local process = require('process')\n"
    "local time = require('time')\n"
    "local M = {}\n"
    "function M.serial(n)\n"
    "    local t0 = time.now()\n"
    "    for i = 1, n do\n"
    "        local pid = assert(process.spawn_monitored('b:worker', 'b:procs', i, 2))\n"
    "        local ev = process.events():receive()\n"
    "        assert(ev.from == pid and ev.result.value == 2 * i)\n"
    "    end\n"
    "    return time.now() - t0\n"
    "end\n"
    "function M.burst(n)\n"
    "    local t0 = time.now()\n"
    "    for i = 1, n do\n"
    "        assert(process.spawn_monitored('b:worker', 'b:procs', i, 2))\n"
    "    end\n"
    "    local events = process.events()\n"
    "    for _ = 1, n do\n"
    "        assert(events:receive().result.value)\n"
    "    end\n"
    "    return time.now() - t0\n"
    "end\n"
    "function M.pong()\n"
    "    local inbox = process.inbox()\n"
    "    while true do\n"
    "        local msg = inbox:receive()\n"
    "        if msg.topic == 'stop' then return 0 end\n"
    "        process.send(msg.from, 'pong', msg.payload + 1)\n"
    "    end\n"
    "end\n"
    "function M.ping(n)\n"
    "    local peer = assert(process.spawn('b:pong', 'b:procs'))\n"
    "    local inbox = process.inbox()\n"
    "    local t0 = time.now()\n"
    "    local x = 0\n"
    "    for _ = 1, n do\n"
    "        process.send(peer, 'ping', x)\n"
    "        x = inbox:receive().payload\n"
    "    end\n"
    "    local elapsed = time.now() - t0\n"
    "    process.send(peer, 'stop')\n"
    "    assert(x == n)\n"
    "    return elapsed\n"
    "end\n"
    "function M.nothing() return 1 end\n"
    "return M\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "lua-bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static char dir[] = "/tmp/wippy-lua-bench-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/src/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        die("cannot write", path);
}

static void write_project(const char *source)
{
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", NULL);
    char path[1024], worker[SHA256_HEX_SIZE], yaml[4096];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/examples/wasm/worker.wasm", source);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, worker);
    snprintf(path, sizeof path, "%s/src", dir);
    mkdir(path, 0755);
    write_file("bench.lua", script);
    snprintf(yaml, sizeof yaml,
             "namespace: b\nentries:\n"
             "  - {name: examples, kind: fs.directory, directory: %s/examples/wasm}\n"
             "  - {name: procs, kind: process.host, host: {workers: 2}}\n"
             "  - {name: worker, kind: process.wasm, fs: b:examples, path: /worker.wasm,\n"
             "     hash: 'sha256:%s', method: compute}\n"
             "  - {name: serial, kind: process.lua, source: file://bench.lua, method: serial,\n"
             "     modules: [process, time]}\n"
             "  - {name: burst, kind: process.lua, source: file://bench.lua, method: burst,\n"
             "     modules: [process, time]}\n"
             "  - {name: ping, kind: process.lua, source: file://bench.lua, method: ping,\n"
             "     modules: [process, time]}\n"
             "  - {name: pong, kind: process.lua, source: file://bench.lua, method: pong,\n"
             "     modules: [process, time]}\n"
             "  - {name: nothing, kind: process.lua, source: file://bench.lua, method: nothing,\n"
             "     modules: [process, time]}\n",
             source, worker);
    write_file("_index.yaml", yaml);
}

static void remove_project(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/src/bench.lua", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/src/_index.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/src", dir);
    rmdir(path);
    rmdir(dir);
}

/* Runs a Lua entry with n and returns the nanoseconds it reported. */
static double run(host_runtime *rt, host_pid mb, const char *entry, int64_t n)
{
    char err[512];
    host_value arg = host_int(n);
    if (host_spawn(rt, mb, entry, "b:procs", &arg, 1, HOST_SPAWN_MONITOR, err, sizeof err) == 0)
        die("spawn", err);
    host_event ev;
    if (!host_receive(rt, mb, &ev, INT64_C(120000000000)))
        die("no EXIT from", entry);
    if (ev.error != NULL)
        die(entry, ev.error);
    double ns = (double)ev.value.i;
    host_event_free(&ev);
    return ns;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        die("usage: lua-bench SOURCE_DIR", NULL);
    write_project(argv[1]);
    cfg_options opts = { .project_dir = dir };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL || cfg_error_count(reg) > 0)
        die("configuration", reg ? cfg_error_at(reg, 0)->text : "out of memory");
    char err[4096];
    host_runtime *rt = host_runtime_new(reg, NULL, err, sizeof err);
    if (rt == NULL || !host_runtime_start(rt, err, sizeof err))
        die("runtime", err);
    host_pid mb = host_mailbox_open(rt);

    run(rt, mb, "b:serial", 1000);      /* warm-up */
    const int64_t n = 20000;
    double serial = run(rt, mb, "b:serial", n), burst = run(rt, mb, "b:burst", n);
    printf("spawn -> EXIT from Lua (WASM compute_worker, 2 workers):\n"
           "  one after the other: %8.0f processes/s (%.1f us each)\n"
           "  %lld at once:        %8.0f processes/s\n",
           n / (serial / 1e9), serial / 1e3 / (double)n, (long long)n, n / (burst / 1e9));
    const int64_t rounds = 100000;
    double ping = run(rt, mb, "b:ping", rounds);
    printf("Lua <-> Lua message round trip (both on the workers): %.2f us (%.0f round trips/s)\n",
           ping / 1e3 / (double)rounds, rounds / (ping / 1e9));
    const int lua_n = 20000;
    double t0 = now_s();
    for (int i = 0; i < lua_n; i++) {
        if (host_spawn(rt, mb, "b:nothing", "b:procs", NULL, 0, HOST_SPAWN_MONITOR, err,
                       sizeof err) == 0)
            die("spawn", err);
    }
    for (int i = 0; i < lua_n; i++) {
        host_event ev;
        if (!host_receive(rt, mb, &ev, INT64_C(60000000000)))
            die("no EXIT", NULL);
        host_event_free(&ev);
    }
    double t = now_s() - t0;
    printf("spawn -> EXIT of a trivial Lua process from C: %.0f processes/s (%.1f us each)\n",
           lua_n / t, t * 1e6 / lua_n);

    host_mailbox_close(rt, mb);
    host_runtime_free(rt);
    cfg_free(reg);
    remove_project();
    return 0;
}
