/* test_host.c — processes on a process.host: the documented example
 * (compute_worker 6, 7 → EXIT 42), results of each kind, a crash among
 * siblings, preemption of a busy loop, the execution time limit (and our
 * fuel, memory and call-depth limits), the order
 * start → _initialize → method, proc_exit, and the errors a spawn or a
 * process reports (missing export, argument count and types, required env,
 * a module that does not load, an unknown host). Fixtures:
 * tests/wasm/host_*.wat. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "tests/test_host_project.h"

#define BASIC "wasm/host_basic.wasm"

/* The EXIT of pid, skipping nothing: the next event must be it. */
static host_event expect_exit(hp_project *p, host_pid pid, int ms)
{
    host_event ev = hp_next(p, ms);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    return ev;
}

START_TEST(example_compute_worker)
{
    cfg_options opts = { .project_dir = TEST_SOURCE_DIR "/examples" };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    ck_assert_uint_eq(cfg_error_count(reg), 0);
    char err[512];
    host_runtime *rt = host_runtime_new(reg, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(rt);
    ck_assert_str_eq(err, "");
    ck_assert(host_runtime_start(rt, err, sizeof err));
    host_pid mb = host_mailbox_open(rt);
    host_value args[] = { host_int(6), host_int(7) };
    host_pid pid = host_spawn(rt, mb, "myns:compute_worker", "myns:processes", args, 2,
                              HOST_SPAWN_MONITOR, err, sizeof err);
    ck_assert_msg(pid != 0, "%s", err);
    host_event ev;
    ck_assert(host_receive(rt, mb, &ev, 3000000000));
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_INT);
    ck_assert_int_eq(ev.value.i, 42);
    ck_assert(ev.at_ns > 0);
    char text[64];
    host_pid_format(rt, pid, text, sizeof text);
    ck_assert_msg(strncmp(text, "{myns:processes|0x", 18) == 0, "%s", text);
    host_event_free(&ev);
    host_mailbox_close(rt, mb);
    host_runtime_free(rt);
    cfg_free(reg);
}
END_TEST

START_TEST(result_kinds)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("big", BASIC, "big", NULL), hp_entry("half", BASIC, "half", NULL),
            hp_entry("nothing", BASIC, "nothing", NULL), hp_entry("neg", BASIC, "neg", NULL), NULL);
    host_pid big = hp_spawn(&p, "t:big", NULL, 0);
    host_event ev = expect_exit(&p, big, 3000);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_INT);
    ck_assert_int_eq(ev.value.i, INT64_C(0x10000000000));
    host_event_free(&ev);

    host_value x = host_int(5);   /* an integer for an f64 parameter is converted */
    host_pid half = hp_spawn(&p, "t:half", &x, 1);
    ev = expect_exit(&p, half, 3000);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_FLOAT);
    ck_assert(ev.value.f == 2.5);
    host_event_free(&ev);

    host_pid nothing = hp_spawn(&p, "t:nothing", NULL, 0);
    ev = expect_exit(&p, nothing, 3000);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_NIL);
    ck_assert_ptr_null(ev.error);
    host_event_free(&ev);

    host_pid neg = hp_spawn(&p, "t:neg", NULL, 0);
    ev = expect_exit(&p, neg, 3000);
    ck_assert_int_eq(ev.value.i, -5);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(crash_among_siblings)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("compute", BASIC, "compute", NULL),
            hp_entry("crash", BASIC, "crash", NULL), NULL);
    host_pid pids[11];
    for (int i = 0; i < 10; i++) {
        host_value args[] = { host_int(i), host_int(3) };
        pids[i] = hp_spawn(&p, "t:compute", args, 2);
        if (i == 4)
            pids[10] = hp_spawn(&p, "t:crash", NULL, 0);
    }
    int values = 0, errors = 0;
    for (int n = 0; n < 11; n++) {
        host_event ev = hp_next(&p, 3000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        if (ev.from == pids[10]) {
            ck_assert_int_eq(ev.value.kind, HOST_VALUE_NIL);
            ck_assert_ptr_nonnull(ev.error);
            ck_assert_msg(!strncmp(ev.error, "failed to call wasm method: crash: unreachable\n  at func[",
                                   56), "%s", ev.error);
            ck_assert_msg(strstr(ev.error, "deeper") != NULL, "no backtrace: %s", ev.error);
            errors++;
        } else {
            int i = 0;
            while (i < 10 && pids[i] != ev.from)
                i++;
            ck_assert_int_lt(i, 10);
            ck_assert_ptr_null(ev.error);
            ck_assert_int_eq(ev.value.i, 3 * i);
            values++;
        }
        host_event_free(&ev);
    }
    ck_assert_int_eq(values, 10);
    ck_assert_int_eq(errors, 1);
    hp_close(&p);
}
END_TEST

/* A `loop br 0` never starves 100 others, even on one worker; then it is
 * cancelled (a second one terminated). */
START_TEST(busy_loop_is_preempted)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("spin", BASIC, "spin", NULL), hp_entry("count", BASIC, "count", NULL),
            NULL);
    host_pid spin = hp_spawn(&p, "t:spin", NULL, 0);
    host_pid spin2 = hp_spawn(&p, "t:spin", NULL, 0);
    for (int i = 0; i < 100; i++) {
        host_value n = host_int(1000 * i);   /* up to 99,000 iterations: several slices */
        hp_spawn(&p, "t:count", &n, 1);
    }
    for (int i = 0; i < 100; i++) {
        host_event ev = hp_next(&p, 10000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.from != spin && ev.from != spin2, "a spinning process ended");
        ck_assert_ptr_null(ev.error);
        host_event_free(&ev);
    }
    ck_assert(host_alive(p.rt, spin));
    ck_assert(host_cancel(p.rt, spin, "enough"));
    host_event ev = expect_exit(&p, spin, 3000);
    ck_assert_str_eq(ev.error, "cancelled: enough");
    host_event_free(&ev);
    ck_assert(!host_alive(p.rt, spin));
    ck_assert(host_terminate(p.rt, spin2));
    ev = expect_exit(&p, spin2, 3000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    ck_assert(!host_terminate(p.rt, spin2));
    hp_close(&p);
}
END_TEST

START_TEST(execution_limit)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("spin", BASIC, "spin", "    limits:\n      max_execution_ms: 50\n"), NULL);
    int64_t t0 = hp_now_ms();
    host_pid spin = hp_spawn(&p, "t:spin", NULL, 0);
    host_event ev = expect_exit(&p, spin, 5000);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 50 ms");
    ck_assert_int_ge(hp_now_ms() - t0, 50);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* The start function (several slices long with a small slice), then
 * _initialize, then the method. */
START_TEST(start_then_initialize)
{
    hp_project p;
    hp_open(&p, 2, 500, hp_entry("start", "wasm/host_start.wasm", "get", NULL), NULL);
    host_pid pid = hp_spawn(&p, "t:start", NULL, 0);
    host_event ev = expect_exit(&p, pid, 3000);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.i, 123);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(proc_exit_is_a_result)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("quit", "wasm/host_yield.wasm", "quit", NULL), NULL);
    host_value code = host_int(3);
    host_pid pid = hp_spawn(&p, "t:quit", &code, 1);
    host_event ev = expect_exit(&p, pid, 3000);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_INT);
    ck_assert_int_eq(ev.value.i, 3);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* Our limits beyond Wippy's: fuel, memory and call depth. */
START_TEST(engine_limits)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("spin", BASIC, "spin", "    limits: {fuel: 100000}\n"),
            hp_entry("count", BASIC, "count", "    limits: {fuel: 100000}\n"),
            hp_entry("deep", BASIC, "deep", "    limits: {max_call_depth: 100}\n"),
            hp_entry("grow", BASIC, "grow", "    limits: {max_memory: 131072}\n"), NULL);
    host_pid pid = hp_spawn(&p, "t:spin", NULL, 0);
    host_event ev = expect_exit(&p, pid, 3000);
    ck_assert_str_eq(ev.error, "fuel limit exceeded: 100000 units");
    host_event_free(&ev);
    host_value n = host_int(50000);   /* fits the fuel, over several slices */
    pid = hp_spawn(&p, "t:count", &n, 1);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.i, 50000);
    host_event_free(&ev);
    n = host_int(50);
    pid = hp_spawn(&p, "t:deep", &n, 1);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_int_eq(ev.value.i, 50);
    host_event_free(&ev);
    n = host_int(1000);
    pid = hp_spawn(&p, "t:deep", &n, 1);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_msg(ev.error && !strncmp(ev.error, "failed to call wasm method: deep: call stack exhausted", 54),
                  "%s", ev.error);
    host_event_free(&ev);
    n = host_int(1);
    pid = hp_spawn(&p, "t:grow", &n, 1);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_int_eq(ev.value.i, 1);   /* the old size: 1 page, now 2 */
    host_event_free(&ev);
    n = host_int(2);
    pid = hp_spawn(&p, "t:grow", &n, 1);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_int_eq(ev.value.i, -1);   /* 3 pages > 128 KiB */
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(spawn_errors)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("compute", BASIC, "compute", NULL),
            hp_entry("nope", BASIC, "nope", NULL),
            hp_entry("witbad", BASIC, "compute", "    wit: |\n      compute: func(a: s64, b: s32) -> s32;\n"),
            NULL);
    char err[512];
    host_value one = host_int(1);
    ck_assert(host_spawn(p.rt, p.mb, "t:compute", "t:procs", &one, 1, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:compute: parameter count mismatch: expected 2, got 1");
    ck_assert(host_spawn(p.rt, p.mb, "t:nope", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:nope: function nope not found in the module's exports");
    ck_assert(host_spawn(p.rt, p.mb, "t:witbad", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_msg(!strncmp(err, "t:witbad: wit signature of compute does not match", 49), "%s", err);
    ck_assert(host_spawn(p.rt, p.mb, "t:compute", "t:nohost", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "process host not found: t:nohost");
    ck_assert(host_spawn(p.rt, p.mb, "t:compute", "t:term", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "process host not found: t:term");
    ck_assert(host_spawn(p.rt, p.mb, "t:none", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "process entry not found: t:none");

    /* A string where a number goes: the process fails with the argument named. */
    host_value args[] = { host_string("six", 3), host_int(7) };
    host_pid pid = hp_spawn(&p, "t:compute", args, 2);
    host_value_free(&args[0]);
    host_event ev = expect_exit(&p, pid, 3000);
    ck_assert_msg(ev.error && !strncmp(ev.error, "failed to call wasm method: compute: argument 1", 47),
                  "%s", ev.error);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(env_required)
{
    hp_project p;
    setenv("WIPPY_HOST_TEST_SET", "hello", 1);
    unsetenv("WIPPY_HOST_TEST_UNSET");
    const char *env = "  - name: os\n    kind: env.storage.os\n"
                      "  - name: set_var\n    kind: env.variable\n    variable: WIPPY_HOST_TEST_SET\n"
                      "    storage: t:os\n"
                      "  - name: unset_var\n    kind: env.variable\n    variable: WIPPY_HOST_TEST_UNSET\n"
                      "    storage: t:os\n";
    char *envs = strdup(env);
    hp_open(&p, 2, 0, envs,
            hp_entry("needs", "wasi_c/host_guest.wasm", "greeting_len",
                     "    imports: [wasi:cli]\n    wasi:\n      env:\n"
                     "        - {id: t:set_var, name: GREETING, required: true}\n"
                     "        - {id: t:unset_var, name: OTHER, required: true}\n"),
            hp_entry("optional", "wasi_c/host_guest.wasm", "greeting_len",
                     "    imports: [wasi:cli]\n    wasi:\n      env:\n"
                     "        - {id: t:set_var, name: GREETING, required: true}\n"
                     "        - {id: t:unset_var, name: OTHER}\n"),
            NULL);
    host_pid pid = hp_spawn(&p, "t:needs", NULL, 0);
    host_event ev = expect_exit(&p, pid, 3000);
    ck_assert_str_eq(ev.error, "required wasi env variable not found: t:unset_var");
    host_event_free(&ev);
    pid = hp_spawn(&p, "t:optional", NULL, 0);
    ev = expect_exit(&p, pid, 3000);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.i, 5);   /* strlen("hello") */
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(load_error_names_the_entry)
{
    /* A file whose hash is right but which is not wasm at all. */
    FILE *f = fopen(TEST_BUILD_DIR "/tests/host_not_wasm.bin", "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a module\n", f);
    fclose(f);
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("text", "host_not_wasm.bin", "main", NULL),
            hp_entry("compute", BASIC, "compute", NULL), NULL);
    ck_assert_msg(!strncmp(p.load_err, "t:text: failed to load wasm module: ", 36), "%s", p.load_err);
    ck_assert(strchr(p.load_err, '\n') == NULL);
    char err[512];
    ck_assert(host_spawn(p.rt, p.mb, "t:text", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_msg(!strncmp(err, "t:text: failed to load wasm module: ", 36), "%s", err);
    hp_close(&p);
}
END_TEST

Suite *host_suite(void)
{
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, example_compute_worker);
    tcase_add_test(tc, result_kinds);
    tcase_add_test(tc, crash_among_siblings);
    tcase_add_test(tc, busy_loop_is_preempted);
    tcase_add_test(tc, execution_limit);
    tcase_add_test(tc, start_then_initialize);
    tcase_add_test(tc, proc_exit_is_a_result);
    tcase_add_test(tc, engine_limits);
    tcase_add_test(tc, spawn_errors);
    tcase_add_test(tc, env_required);
    tcase_add_test(tc, load_error_names_the_entry);
    suite_add_tcase(s, tc);
    return s;
}
