/* test_host_cm_sleep.c — component processes that park: Wippy's
 * sleep_test_component.wasm (`test-sleep#sleep-ms`, which blocks on a
 * wasi:io/poll pollable of wasi:clocks/monotonic-clock) as a process with
 * Wippy's profiles (`imports: [wasi:io, wasi:poll, wasi:clocks]`): it
 * sleeps without holding its worker and returns the elapsed nanoseconds;
 * 200 of them sleep at once on 2 workers; a sleeper is ended by
 * max_execution_ms and by terminate while parked; poll over two clocks in
 * a process (tests/component/p2_probe.wat); without the profiles the call traps
 * with the unresolved-import error. WASI 0.2 streams and cli in a process
 * (tests/component/p2_streams.wat): stdio off a terminal, wasi:cli/exit as
 * Wippy's error, args / cwd. Skipped when TEST_COMPONENTS_DIR is
 * absent. HOST_TEST_CM_SLEEPERS overrides the 200 (e.g. under valgrind). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "sha256/sha256.h"
#include "tests/test_host_project.h"

#ifndef TEST_COMPONENTS_DIR
#define TEST_COMPONENTS_DIR "../shared/testsuite/components"
#endif
#define WIPPY_DIR TEST_COMPONENTS_DIR "/wippy"
#define SLEEP "sleep_test_component.wasm"
#define PROFILES "    imports: [wasi:io, wasi:poll, wasi:clocks]\n"
#define MS 1000000ll

static bool have_fixtures(void)
{
    if (access(WIPPY_DIR "/" SLEEP, R_OK) == 0)
        return true;
    fprintf(stderr, "host cm sleep tests: %s not found, skipped\n", WIPPY_DIR);
    return false;
}

/* The fs.directory t:components over the shared folder and a process.wasm
 * entry NAME of FILE there calling METHOD, plus EXTRA lines. */
static char *cm_entry(const char *name, const char *file, const char *method, const char *extra)
{
    char path[512], hex[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/%s", WIPPY_DIR, file);
    ck_assert_msg(sha256_file(path, digest) == 0, "cannot read %s", path);
    sha256_hex(digest, hex);
    size_t n = 1024 + strlen(name) + strlen(file) + strlen(method) + (extra ? strlen(extra) : 0);
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    snprintf(s, n,
             "  - name: %s-dir\n"
             "    kind: fs.directory\n"
             "    directory: " WIPPY_DIR "\n"
             "  - name: %s\n"
             "    kind: process.wasm\n"
             "    fs: t:%s-dir\n"
             "    path: /%s\n"
             "    hash: sha256:%s\n"
             "    method: %s\n"
             "%s",
             name, name, name, file, hex, method, extra ? extra : "");
    return s;
}

static host_event exit_of(hp_project *p, host_pid pid, int ms)
{
    host_event ev = hp_next(p, ms);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    return ev;
}

/* The unsigned value of an EXIT (u64 results lift unsigned). */
static long long value_of(const host_event *ev)
{
    ck_assert_int_eq(ev->value.kind, HOST_VALUE_INT);
    return ev->value.is_unsigned ? (long long)ev->value.u : (long long)ev->value.i;
}

START_TEST(cm_sleep_frees_its_worker)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 1, 0, cm_entry("sleep", SLEEP, "test-sleep#sleep-ms", PROFILES),
            hp_entry("compute", "wasm/host_basic.wasm", "compute", NULL), NULL);
    host_value ms = host_int(200);
    host_pid sleeper = hp_spawn(&p, "t:sleep", &ms, 1);
    usleep(20000);   /* let it park */
    host_value args[] = { host_int(2), host_int(3) };
    host_pid compute = hp_spawn(&p, "t:compute", args, 2);
    host_event ev = exit_of(&p, compute, 3000);   /* the only worker was not held */
    ck_assert_int_eq(ev.value.i, 6);
    host_event_free(&ev);
    ev = exit_of(&p, sleeper, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_ge(value_of(&ev), 200 * MS);   /* the elapsed time, in nanoseconds */
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cm_work_with_sleep)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 2, 0, cm_entry("work", SLEEP, "test-sleep#work-with-sleep", PROFILES), NULL);
    host_value args[] = { host_int(3), host_int(20) };
    host_pid pid = hp_spawn(&p, "t:work", args, 2);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_ge(value_of(&ev), 60 * MS);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cm_many_sleepers)
{
    if (!have_fixtures())
        return;
    const char *env = getenv("HOST_TEST_CM_SLEEPERS");
    int n = env != NULL ? atoi(env) : 200;
    hp_project p;
    hp_open(&p, 2, 0, cm_entry("sleep", SLEEP, "test-sleep#sleep-ms", PROFILES), NULL);
    host_pid *pids = calloc((size_t)n, sizeof *pids);
    char *seen = calloc((size_t)n, 1);
    ck_assert(pids != NULL && seen != NULL);
    int64_t t0 = hp_now_ms();
    for (int i = 0; i < n; i++) {
        host_value ms = host_int(100);
        pids[i] = hp_spawn(&p, "t:sleep", &ms, 1);
    }
    for (int k = 0; k < n; k++) {
        host_event ev = hp_next(&p, 60000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        ck_assert_int_ge(value_of(&ev), 100 * MS);
        int at = -1;
        for (int i = 0; i < n && at < 0; i++)
            if (pids[i] == ev.from)
                at = i;
        ck_assert_int_ge(at, 0);
        ck_assert(!seen[at]);
        seen[at] = 1;
        host_event_free(&ev);
    }
    /* printed, never asserted: one after the other would take n * 100 ms */
    fprintf(stderr, "host cm sleep: %d component processes slept 100 ms on 2 workers in %lld ms\n",
            n, (long long)(hp_now_ms() - t0));
    free(pids);
    free(seen);
    hp_close(&p);
}
END_TEST

START_TEST(cm_limit_cuts_a_sleep)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 2, 0,
            cm_entry("sleep", SLEEP, "test-sleep#sleep-ms",
                     PROFILES "    limits:\n      max_execution_ms: 100\n"),
            NULL);
    host_value ms = host_int(5000);
    int64_t t0 = hp_now_ms();
    host_pid pid = hp_spawn(&p, "t:sleep", &ms, 1);
    host_event ev = exit_of(&p, pid, 10000);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 100 ms");
    ck_assert_int_ge(hp_now_ms() - t0, 100);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cm_sleeper_terminated)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 2, 0, cm_entry("sleep", SLEEP, "test-sleep#sleep-ms", PROFILES), NULL);
    host_value ms = host_int(10000);
    host_pid pid = hp_spawn(&p, "t:sleep", &ms, 1);
    usleep(50000);   /* let it park */
    ck_assert(host_terminate(p.rt, pid));
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cm_poll_two_clocks_in_a_process)
{
    hp_project p;
    hp_open(&p, 1, 0,
            hp_entry("probe", "component/p2_probe.wasm", "poll-two",
                     "    imports: [wasi:poll, wasi:clocks]\n"),
            NULL);
    host_value args[] = { host_int(300), host_int(30) };
    host_pid pid = hp_spawn(&p, "t:probe", args, 2);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(value_of(&ev), 1);   /* the 30 ms clock is ready first */
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

#define STREAMS "component/p2_streams.wasm"
#define CLI_PROFILES "    imports: [wasi:io, wasi:poll, wasi:clocks, wasi:cli]\n"

/* Off a terminal host (WIPPY.md §3.5): stdout writes fail with
 * last-operation-failed, stdin is empty (closed; its pollable is ready, so
 * poll over it and a clock answers at once), and the process runs on. */
START_TEST(cm_stdio_off_terminal)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("w", STREAMS, "write-stdout", CLI_PROFILES),
            hp_entry("r", STREAMS, "read-stdin", CLI_PROFILES),
            hp_entry("poll", STREAMS, "poll-stdin", CLI_PROFILES),
            hp_entry("bare", STREAMS, "write-stdout", "    imports: [wasi:io]\n"), NULL);
    host_value n = host_int(5);
    host_pid pid = hp_spawn(&p, "t:w", &n, 1);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(value_of(&ev), 1);   /* last-operation-failed */
    host_event_free(&ev);
    pid = hp_spawn(&p, "t:r", &n, 1);
    ev = exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(value_of(&ev), 0x10001);   /* closed */
    host_event_free(&ev);
    host_value ms = host_int(5000);
    pid = hp_spawn(&p, "t:poll", &ms, 1);
    ev = exit_of(&p, pid, 2000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(value_of(&ev), 0);
    host_event_free(&ev);
    pid = hp_spawn(&p, "t:bare", &n, 1);
    ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "failed to call wasm method: write-stdout: unresolved host import "
                               "\"wasi:cli/stdout@0.2.3#get-stdout\": no host provides it");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* wasi:cli/exit ends the process with Wippy's error, even for ok. */
START_TEST(cm_exit_is_an_error)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("exit", STREAMS, "exit", CLI_PROFILES), NULL);
    for (int err = 0; err <= 1; err++) {
        host_value a = host_int(err);
        host_pid pid = hp_spawn(&p, "t:exit", &a, 1);
        host_event ev = exit_of(&p, pid, 5000);
        char want[64];
        snprintf(want, sizeof want, "wasi exit requested: status %d", err);
        ck_assert_str_eq(ev.error, want);
        host_event_free(&ev);
    }
    hp_close(&p);
}
END_TEST

/* wasi.args (no argv[0]), the env entries (a required one missing fails
 * the start), cwd (default "/"). */
START_TEST(cm_args_env_cwd)
{
    hp_project p;
    setenv("WIPPY_CM_TEST_SET", "hello", 1);
    unsetenv("WIPPY_CM_TEST_UNSET");
    char *envs = strdup("  - name: os\n    kind: env.storage.os\n"
                        "  - name: set_var\n    kind: env.variable\n    variable: WIPPY_CM_TEST_SET\n"
                        "    storage: t:os\n"
                        "  - name: unset_var\n    kind: env.variable\n"
                        "    variable: WIPPY_CM_TEST_UNSET\n    storage: t:os\n");
    hp_open(&p, 1, 0, envs,
            hp_entry("env", STREAMS, "env-count",
                     CLI_PROFILES "    wasi:\n      env:\n"
                     "        - {id: t:set_var, name: GREETING, required: true}\n"
                     "        - {id: t:unset_var, name: OTHER}\n"),
            hp_entry("needs", STREAMS, "env-count",
                     CLI_PROFILES "    wasi:\n      env:\n"
                     "        - {id: t:unset_var, name: OTHER, required: true}\n"),
            hp_entry("args", STREAMS, "args-count",
                     CLI_PROFILES "    wasi:\n      args: [x, y, z]\n"),
            hp_entry("cwd", STREAMS, "cwd-len", CLI_PROFILES "    wasi:\n      cwd: /data\n"),
            hp_entry("root", STREAMS, "cwd-len", CLI_PROFILES), NULL);
    const struct { const char *id; long long want; } cases[] = {
        { "t:args", 3 }, { "t:cwd", 5 }, { "t:root", 1 }, { "t:env", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        host_pid pid = hp_spawn(&p, cases[i].id, NULL, 0);
        host_event ev = exit_of(&p, pid, 5000);
        ck_assert_msg(ev.error == NULL, "%s: %s", cases[i].id, ev.error);
        ck_assert_int_eq(ev.value.i, cases[i].want);
        host_event_free(&ev);
    }
    host_pid pid = hp_spawn(&p, "t:needs", NULL, 0);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "required wasi env variable not found: t:unset_var");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cm_sleep_without_profiles)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 1, 0, cm_entry("bare", SLEEP, "test-sleep#sleep-ms", NULL),
            cm_entry("clocks", SLEEP, "test-sleep#sleep-ms", "    imports: [wasi:clocks]\n"), NULL);
    host_value ms = host_int(10);
    host_pid pid = hp_spawn(&p, "t:bare", &ms, 1);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "failed to call wasm method: test-sleep#sleep-ms: unresolved host "
                               "import \"wasi:clocks/monotonic-clock@0.2.8#now\": no host provides it");
    host_event_free(&ev);
    /* the clocks without wasi:poll: the pollable comes, block is not there */
    pid = hp_spawn(&p, "t:clocks", &ms, 1);
    ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "failed to call wasm method: test-sleep#sleep-ms: unresolved host "
                               "import \"wasi:io/poll@0.2.8#[method]pollable.block\": no host "
                               "provides it");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

Suite *host_cm_sleep_suite(void)
{
    Suite *s = suite_create("host_cm_sleep");
    TCase *tc = tcase_create("park");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cm_sleep_frees_its_worker);
    tcase_add_test(tc, cm_work_with_sleep);
    tcase_add_test(tc, cm_many_sleepers);
    tcase_add_test(tc, cm_limit_cuts_a_sleep);
    tcase_add_test(tc, cm_sleeper_terminated);
    tcase_add_test(tc, cm_poll_two_clocks_in_a_process);
    tcase_add_test(tc, cm_sleep_without_profiles);
    tcase_add_test(tc, cm_stdio_off_terminal);
    tcase_add_test(tc, cm_exit_is_an_error);
    tcase_add_test(tc, cm_args_env_cwd);
    suite_add_tcase(s, tc);
    return s;
}
