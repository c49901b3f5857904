/* test_host_project.h — what the process host tests share: a throwaway
 * Wippy project written to a temporary directory (namespace `t`, an
 * fs.directory `t:bin` over $(BUILD)/tests, a process.host `t:procs`, a
 * terminal.host `t:term`, plus the entries a test asks for, each with the
 * SHA-256 of its binary computed now), loaded and made into a runtime
 * with a mailbox for the test to spawn from. */
#ifndef TEST_HOST_PROJECT_H
#define TEST_HOST_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "host/host.h"

typedef struct {
    char dir[128];
    cfg_registry *reg;
    host_runtime *rt;
    host_pid mb;
    char load_err[4096];
} hp_project;

/* A process.wasm entry NAME for $(BUILD)/tests/FILE (e.g.
 * "wasm/host_basic.wasm") calling METHOD, plus EXTRA YAML lines (each
 * indented four spaces, or NULL). Malloc'd. */
char *hp_entry(const char *name, const char *file, const char *method, const char *extra);

/* Writes, loads and starts a project with the given entries (NULL-
 * terminated list of hp_entry() strings or raw YAML items, all freed) and
 * `workers` workers (slice_fuel 0 = default); workers == 0 makes a project
 * with one worker and no terminal.host. Fails the test on a configuration
 * error. */
void hp_open(hp_project *p, int workers, uint64_t slice_fuel, ...);
/* hp_open() with the runtime's -v log going to `log`. */
void hp_open_log(hp_project *p, FILE *log, int workers, uint64_t slice_fuel, ...);
void hp_close(hp_project *p);

/* Spawns on t:procs, monitored by the project's mailbox; fails the test
 * when the spawn is refused. */
host_pid hp_spawn(hp_project *p, const char *entry, const host_value *args, size_t nargs);

/* Waits up to ms for the next event; fails the test on timeout. */
host_event hp_next(hp_project *p, int ms);

/* True when no event arrives within ms. */
bool hp_quiet(hp_project *p, int ms);

/* Milliseconds on the monotonic clock. */
int64_t hp_now_ms(void);

#endif
