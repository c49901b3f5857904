/* soak_project.c — the soak's throwaway project: a temporary directory
 * with src/_index.yaml (namespace `soak`: a process.host of 2 workers,
 * the WASM and Lua entries the driver and its Lua processes spawn, and
 * the supervised services) and pipes/, eight FIFOs the driver holds open
 * for writing (O_RDWR, so a reader parks instead of reading EOF). Each
 * binary's SHA-256 is computed now. Touches nothing but that directory. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256/sha256.h"
#include "tests/soak/soak.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "soak: %s: %s\n", what, detail);
    exit(2);
}

static void hash_of(const char *build, const char *file, char hex[SHA256_HEX_SIZE])
{
    char path[1024];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/tests/%s", build, file);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, hex);
}

/* A process.wasm entry over $(BUILD)/tests/FILE. */
static void wasm_entry(FILE *f, const char *build, const char *name, const char *file,
                       const char *method, const char *extra)
{
    char hex[SHA256_HEX_SIZE];
    hash_of(build, file, hex);
    fprintf(f, "  - {name: %s, kind: process.wasm, fs: soak:bin, path: /%s, hash: \"sha256:%s\",\n"
               "     method: %s%s%s}\n", name, file, hex, method, extra ? ", " : "", extra ? extra : "");
}

static void lua_entry(FILE *f, const char *source, const char *name, const char *method)
{
    fprintf(f, "  - {name: %s, kind: process.lua, source: \"file://%s/tests/soak/soak.lua\",\n"
               "     method: %s, modules: [process, time]}\n", name, source, method);
}

/* A service: process, restart policy. */
static void service(FILE *f, const char *name, const char *process, const char *input,
                    const char *restart)
{
    fprintf(f, "  - name: %s\n    kind: process.service\n    process: %s\n    host: soak:procs\n"
               "%s%s%s    lifecycle:\n      auto_start: true\n      startup: optional\n"
               "      stop_timeout: 2s\n      stable_threshold: 10s\n      restart: %s\n",
            name, process, input ? "    input: " : "", input ? input : "", input ? "\n" : "", restart);
}

void soak_project_write(soak_project *p, const char *build, const char *source)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/wippy-soak-XXXXXX");
    if (mkdtemp(p->dir) == NULL)
        die("mkdtemp", p->dir);
    char path[512];
    snprintf(path, sizeof path, "%s/src", p->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/pipes", p->dir);
    mkdir(path, 0755);
    for (int i = 0; i < SOAK_FIFOS; i++) {
        snprintf(path, sizeof path, "%s/pipes/p%d", p->dir, i);
        if (mkfifo(path, 0600) != 0 || (p->fifo_fd[i] = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
            die("cannot make the FIFO", path);
    }
    snprintf(path, sizeof path, "%s/src/_index.yaml", p->dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("cannot write", path);
    fprintf(f, "version: \"1.0\"\nnamespace: soak\nentries:\n"
               "  - {name: bin, kind: fs.directory, directory: \"%s/tests\"}\n"
               "  - {name: pipes, kind: fs.directory, directory: \"%s/pipes\"}\n"
               "  - {name: procs, kind: process.host, host: {workers: 2}, lifecycle: {auto_start: true}}\n",
            build, p->dir);
    wasm_entry(f, build, "w_value", "wasm/host_basic.wasm", "compute", NULL);
    wasm_entry(f, build, "w_trap", "wasm/host_basic.wasm", "crash", NULL);
    wasm_entry(f, build, "w_spin", "wasm/host_basic.wasm", "spin", "limits: {max_execution_ms: 40}");
    wasm_entry(f, build, "w_sleep", "wasm/host_yield.wasm", "sleep_ms",
               "imports: [wasi:poll], limits: {max_execution_ms: 60000}");
    wasm_entry(f, build, "w_nap", "wasm/host_yield.wasm", "sleep_ms",
               "imports: [wasi:poll], limits: {max_execution_ms: 60}");
    wasm_entry(f, build, "w_yield", "wasm/host_yield.wasm", "yields", NULL);
    wasm_entry(f, build, "w_quit", "wasm/host_yield.wasm", "quit", NULL);
    wasm_entry(f, build, "w_fifo", "soak/soak_fifo.wasm", "read_pipe",
               "imports: [wasi:poll, wasi:io, wasi:filesystem], limits: {max_execution_ms: 150},\n"
               "     wasi: {mounts: [{fs: soak:pipes, guest: /pipes, read_only: true}]}");
    lua_entry(f, source, "l_value", "value");
    lua_entry(f, source, "l_crash", "crash");
    lua_entry(f, source, "l_echo", "echo");
    lua_entry(f, source, "l_killer", "killer");
    lua_entry(f, source, "l_spawner", "spawner");
    /* Crashes for ever, restarted with backoff; three that give up; one steady. */
    service(f, "s_flaky", "soak:l_crash", "[5]",
            "{initial_delay: 5ms, max_delay: 40ms, backoff_factor: 2.0, jitter: 0.1, max_attempts: 0}");
    for (int i = 1; i <= 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "s_giveup%d", i);
        service(f, name, "soak:w_trap", NULL,
                "{initial_delay: 5ms, max_delay: 20ms, backoff_factor: 2.0, max_attempts: 4}");
    }
    service(f, "s_steady", "soak:l_echo", NULL, "{initial_delay: 5ms, max_attempts: 3}");
    fclose(f);
}

void soak_project_remove(soak_project *p)
{
    char path[512];
    for (int i = 0; i < SOAK_FIFOS; i++) {
        close(p->fifo_fd[i]);
        snprintf(path, sizeof path, "%s/pipes/p%d", p->dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/pipes", p->dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/src/_index.yaml", p->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/src", p->dir);
    rmdir(path);
    rmdir(p->dir);
}
