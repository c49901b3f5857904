/* test_cm_park.c — a host call that blocks inside a call between
 * component instances suspends the whole top-level call
 * (tests/component/adapter_sleep.wat: $A calls $S, which sleeps through
 * WASI 0.2's monotonic-clock.subscribe-duration + pollable.block, directly
 * and through $Mid).
 *
 * The runtime: cm_call_run reports VM_SUSPENDED with the sleep's
 * deadline, cm_call_complete resumes it where it stopped and the call
 * finishes with the right value; two sleeps in one call, and two adapter
 * levels, park twice; a string and a list<u32> cross back after the
 * resume (post-return runs); a trap after the resume has the message a
 * trap without suspension has; a call freed or restarted while suspended
 * frees its frames; cm_invoke waits in place; 64 adapter levels park and
 * unwind, 65 trap.
 * Processes: a process parked inside an adapter call does not hold its
 * worker (a compute spawned after it on the only worker ends first);
 * 50 of them sleeping 100 ms on 2 workers end together; max_execution_ms
 * and terminate end one parked two levels deep; a string result. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "component/runtime.h"
#include "tests/test_host_project.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

#define MS 1000000ull
#define COMPONENT "component/adapter_sleep.wasm"
#define PROFILES "    imports: [wasi:io, wasi:poll, wasi:clocks]\n"

typedef struct {
    cm_file *f;
    wasi_p2 *w;
    cm_instance *ci;
} world;

static world open_world(void)
{
    const char *path = TEST_BUILD_DIR "/tests/" COMPONENT;
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "%s not built", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    ck_assert(buf != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n);
    fclose(fp);
    vm_error err;
    world x = { cm_decode(buf, (size_t)n, &err), NULL, NULL };
    free(buf);
    ck_assert_msg(x.f != NULL, "%s: %s", path, err.message);
    x.w = wasi_p2_new(WASI_CAP_ALL);
    ck_assert_ptr_nonnull(x.w);
    x.ci = cm_instantiate(x.f, wasi_p2_host(x.w), NULL, &err);
    ck_assert_msg(x.ci != NULL, "%s", err.message);
    wasi_p2_bind(x.w, x.ci);
    return x;
}

static void close_world(world *x)
{
    cm_instance_free(x->ci);
    wasi_p2_free(x->w);
    cm_file_free(x->f);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Starts NAME with args on a new call of x. */
static cm_call *start(world *x, const char *name, const host_value *args, size_t nargs)
{
    char err[512];
    cm_func *f = cm_export_find(x->ci, name, err, sizeof err);
    ck_assert_msg(f != NULL, "%s", err);
    cm_call *c = cm_call_new(x->ci);
    ck_assert_ptr_nonnull(c);
    ck_assert_msg(cm_call_start(c, f, args, nargs, err, sizeof err), "%s: %s", name, err);
    return c;
}

/* Runs c to its end as an embedder with an event loop would: each
 * VM_SUSPENDED waits (here in place) until the deadline cm_call_waiting
 * names has passed, then cm_call_complete. The number of suspensions
 * (each a new wait: the one before had passed). */
static int run_parking(cm_call *c)
{
    int parks = 0;
    vm_status s = cm_call_run(c, VM_FUEL_UNLIMITED);
    while (s == VM_SUSPENDED) {
        parks++;
        cm_wait w;
        ck_assert(cm_call_waiting(c, &w));
        ck_assert(w.has_deadline);
        while (now_ns() < w.deadline_ns)
            cm_wait_block(&w);
        s = cm_call_complete(c);
        if (s == VM_DONE)
            s = cm_call_run(c, VM_FUEL_UNLIMITED);
    }
    return parks;
}

static host_value finish(cm_call *c)
{
    host_value r;
    char err[512];
    ck_assert_msg(cm_call_finish(c, &r, err, sizeof err), "%s", err);
    return r;
}

static host_value str(const char *s)
{
    return host_string(s, strlen(s));
}

static uint64_t uint_of(const host_value *v)
{
    ck_assert_int_eq(v->kind, HOST_VALUE_INT);
    return v->is_unsigned ? v->u : (uint64_t)v->i;
}

START_TEST(park_inside_adapter_call)
{
    world x = open_world();
    host_value ms = host_uint(40);
    uint64_t t0 = now_ns();
    cm_call *c = start(&x, "sleep-ms", &ms, 1);
    /* $A's core call → adapter → $S's core call → pollable.block: all suspend */
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    uint64_t t1 = now_ns();
    cm_wait w;
    ck_assert(cm_call_waiting(c, &w));
    ck_assert(w.has_deadline);
    ck_assert_uint_eq(w.nfds, 0);
    ck_assert_uint_ge(w.deadline_ns, t0 + 40 * MS);   /* the sleep's deadline */
    ck_assert_uint_le(w.deadline_ns, t1 + 40 * MS);
    /* too early: still waiting, for the same deadline */
    ck_assert_int_eq(cm_call_complete(c), VM_SUSPENDED);
    cm_wait again;
    ck_assert(cm_call_waiting(c, &again));
    ck_assert_uint_eq(again.deadline_ns, w.deadline_ns);
    cm_wait_block(&w);
    /* the sleep returns, $S returns, its result is lowered into $A */
    ck_assert_int_eq(cm_call_complete(c), VM_DONE);
    ck_assert(!cm_call_waiting(c, &again));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_DONE);
    host_value r = finish(c);
    ck_assert_uint_ge(uint_of(&r), 40 * MS);   /* $S's clock: it slept */
    host_value_free(&r);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);   /* $S dropped its pollable */

    /* the same call object again: two sleeps, two suspensions */
    char err[512];
    cm_func *f = cm_export_find(x.ci, "sleep-twice", err, sizeof err);
    ms = host_uint(15);
    ck_assert(cm_call_start(c, f, &ms, 1, err, sizeof err));
    ck_assert_int_eq(run_parking(c), 2);
    r = finish(c);
    ck_assert_uint_ge(uint_of(&r), 30 * MS);
    host_value_free(&r);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

/* $A → $Mid → $S: two adapter levels; $Mid sleeps twice. */
START_TEST(park_two_adapter_levels)
{
    world x = open_world();
    host_value ms = host_uint(20);
    cm_call *c = start(&x, "nested-ms", &ms, 1);
    ck_assert_int_eq(run_parking(c), 2);
    host_value r = finish(c);
    ck_assert_uint_ge(uint_of(&r), 40 * MS);
    host_value_free(&r);
    /* cm_invoke (no embedder to park with) waits in place, as before */
    host_value args[1] = { host_uint(5) };
    char err[512];
    ck_assert_msg(cm_invoke(x.ci, "nested-ms", args, 1, &r, err, sizeof err), "%s", err);
    ck_assert_uint_ge(uint_of(&r), 10 * MS);
    host_value_free(&r);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

/* A string and a list<u32> lifted out of $S and lowered into $A after
 * the resume; $S's post-return runs once for each. */
START_TEST(park_string_and_list_cross_back)
{
    world x = open_world();
    host_value args[2] = { host_uint(10), str("wörld, ünïcode") };
    cm_call *c = start(&x, "greet", args, 2);
    host_value_free(&args[1]);
    ck_assert_int_eq(run_parking(c), 1);
    host_value r = finish(c);
    ck_assert_int_eq(r.kind, HOST_VALUE_STRING);
    ck_assert_str_eq(r.s, "slept, wörld, ünïcode");
    host_value_free(&r);
    cm_call_free(c);

    args[0] = host_uint(10);
    args[1] = host_uint(6);
    c = start(&x, "squares", args, 2);
    ck_assert_int_eq(run_parking(c), 1);
    r = finish(c);
    ck_assert_int_eq(r.kind, HOST_VALUE_LIST);
    ck_assert_uint_eq(r.len, 6);
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(uint_of(&r.items[i]), i * i);
    host_value_free(&r);
    cm_call_free(c);

    char err[512];
    ck_assert_msg(cm_invoke(x.ci, "post-returns", NULL, 0, &r, err, sizeof err), "%s", err);
    ck_assert_uint_eq(uint_of(&r), 2);
    host_value_free(&r);
    close_world(&x);
}
END_TEST

/* A trap in $S after the resume: the call traps with the message a trap
 * without a suspension has ("callee: trap"). */
START_TEST(park_trap_after_resume)
{
    world x = open_world();
    host_value ms = host_uint(5);
    cm_call *c = start(&x, "fail", &ms, 1);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_wait w;
    ck_assert(cm_call_waiting(c, &w));
    cm_wait_block(&w);
    ck_assert_int_eq(cm_call_complete(c), VM_TRAP);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_TRAP);
    host_value r;
    char err[512];
    ck_assert(!cm_call_finish(c, &r, err, sizeof err));
    ck_assert_str_eq(err, "fail-after: unreachable");
    /* the instance runs on: the next call sleeps and returns */
    ck_assert(cm_call_start(c, cm_export_find(x.ci, "sleep-ms", err, sizeof err), &ms, 1, err,
                            sizeof err));
    ck_assert_int_eq(run_parking(c), 1);
    r = finish(c);
    ck_assert_uint_ge(uint_of(&r), 5 * MS);
    host_value_free(&r);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

/* A call freed, or started again, while it is suspended two levels deep:
 * its frames go with it (ASan: nothing leaks), and the instance runs on. */
START_TEST(park_abandoned)
{
    world x = open_world();
    host_value ms = host_uint(10000);
    cm_call *c = start(&x, "nested-ms", &ms, 1);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_call_free(c);

    host_value args[2] = { host_uint(10000), str("x") };
    c = start(&x, "greet", args, 2);
    host_value_free(&args[1]);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    /* restarted while suspended */
    char err[512];
    args[0] = host_uint(5);
    args[1] = str("again");
    ck_assert(cm_call_start(c, cm_export_find(x.ci, "greet", err, sizeof err), args, 2, err,
                            sizeof err));
    ck_assert_int_eq(run_parking(c), 1);
    host_value r = finish(c);
    ck_assert_str_eq(r.s, "slept, again");
    host_value_free(&r);
    host_value_free(&args[1]);
    /* and one left suspended when the instance goes */
    ck_assert(cm_call_start(c, cm_export_find(x.ci, "nested-ms", err, sizeof err), &ms, 1, err,
                            sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

/* 64 adapter levels (the most allowed): one park, 64 frames unwound;
 * 65: a trap, before anything sleeps. */
START_TEST(park_64_levels_deep)
{
    world x = open_world();
    host_value ms = host_uint(10);
    cm_call *c = start(&x, "deep-sleep", &ms, 1);
    ck_assert_int_eq(run_parking(c), 1);
    host_value r = finish(c);
    ck_assert_uint_ge(uint_of(&r), 10 * MS);
    host_value_free(&r);
    char err[512];
    ck_assert(cm_call_start(c, cm_export_find(x.ci, "too-deep", err, sizeof err), &ms, 1, err,
                            sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_TRAP);
    ck_assert(!cm_call_finish(c, &r, err, sizeof err));
    ck_assert_msg(strstr(err, "f: f: calling sleep: adapter calls nested more than 64 deep") != NULL,
                  "%s", err);
    /* and the instance runs on */
    ck_assert(cm_call_start(c, cm_export_find(x.ci, "deep-sleep", err, sizeof err), &ms, 1, err,
                            sizeof err));
    ck_assert_int_eq(run_parking(c), 1);
    r = finish(c);
    host_value_free(&r);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

/* ---- as processes ---- */

static host_event exit_of(hp_project *p, host_pid pid, int ms)
{
    host_event ev = hp_next(p, ms);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    return ev;
}

/* One worker: a process parked inside an adapter call leaves it free, so
 * a compute spawned after it ends first (a worker held by the sleeper
 * would end the sleeper first). */
START_TEST(park_process_frees_its_worker)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("sleep", COMPONENT, "nested-ms", PROFILES),
            hp_entry("compute", "wasm/host_basic.wasm", "compute", NULL), NULL);
    host_value ms = host_int(150);
    host_pid sleeper = hp_spawn(&p, "t:sleep", &ms, 1);
    usleep(20000);   /* let it park */
    host_value args[] = { host_int(2), host_int(3) };
    host_pid compute = hp_spawn(&p, "t:compute", args, 2);
    host_event ev = exit_of(&p, compute, 3000);
    ck_assert_int_eq(ev.value.i, 6);
    host_event_free(&ev);
    ev = exit_of(&p, sleeper, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_uint_ge(uint_of(&ev.value), 300 * MS);   /* two sleeps of 150 ms */
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* 50 processes sleeping 100 ms inside an adapter call on 2 workers: all
 * end, together. Holding a worker each, they would take at least
 * 50 × 100 ms / 2 = 2.5 s. */
START_TEST(park_many_processes)
{
    enum { N = 50 };
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("sleep", COMPONENT, "sleep-ms", PROFILES), NULL);
    host_pid pids[N];
    char seen[N] = { 0 };
    int64_t t0 = hp_now_ms();
    for (int i = 0; i < N; i++) {
        host_value ms = host_int(100);
        pids[i] = hp_spawn(&p, "t:sleep", &ms, 1);
    }
    for (int k = 0; k < N; k++) {
        host_event ev = hp_next(&p, 30000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        ck_assert_uint_ge(uint_of(&ev.value), 100 * MS);
        int at = -1;
        for (int i = 0; i < N && at < 0; i++)
            if (pids[i] == ev.from)
                at = i;
        ck_assert_int_ge(at, 0);
        ck_assert(!seen[at]);
        seen[at] = 1;
        host_event_free(&ev);
    }
    int64_t took = hp_now_ms() - t0;
    fprintf(stderr, "cm park: %d processes slept 100 ms inside an adapter call on 2 workers in "
                    "%lld ms\n", N, (long long)took);
    ck_assert_int_lt(took, N * 100 / 2);
    hp_close(&p);
}
END_TEST

/* max_execution_ms and terminate end a process parked two adapter levels
 * deep (its frames freed with the call: ASan). */
START_TEST(park_process_limit_and_terminate)
{
    hp_project p;
    hp_open(&p, 2, 0,
            hp_entry("limited", COMPONENT, "nested-ms",
                     PROFILES "    limits:\n      max_execution_ms: 100\n"),
            hp_entry("sleep", COMPONENT, "nested-ms", PROFILES), NULL);
    host_value ms = host_int(5000);
    int64_t t0 = hp_now_ms();
    host_pid pid = hp_spawn(&p, "t:limited", &ms, 1);
    host_event ev = exit_of(&p, pid, 10000);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 100 ms");
    ck_assert_int_ge(hp_now_ms() - t0, 100);
    ck_assert_int_lt(hp_now_ms() - t0, 4000);
    host_event_free(&ev);

    pid = hp_spawn(&p, "t:sleep", &ms, 1);
    usleep(50000);   /* let it park */
    ck_assert(host_terminate(p.rt, pid));
    ev = exit_of(&p, pid, 5000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* A string lowered into $A after the park is the process's EXIT value;
 * a process parks 64 adapter levels deep (on a worker's stack). */
START_TEST(park_process_string_result)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("greet", COMPONENT, "greet", PROFILES),
            hp_entry("deep", COMPONENT, "deep-sleep", PROFILES), NULL);
    host_value ms = host_int(20);
    host_pid deep = hp_spawn(&p, "t:deep", &ms, 1);
    host_event dev = exit_of(&p, deep, 5000);
    ck_assert_msg(dev.error == NULL, "%s", dev.error);
    ck_assert_uint_ge(uint_of(&dev.value), 20 * MS);
    host_event_free(&dev);
    host_value args[2] = { host_int(20), str("wörld") };
    host_pid pid = hp_spawn(&p, "t:greet", args, 2);
    host_value_free(&args[1]);
    host_event ev = exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_STRING);
    ck_assert_str_eq(ev.value.s, "slept, wörld");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

Suite *cm_park_suite(void)
{
    Suite *s = suite_create("cm_park");
    TCase *tc = tcase_create("runtime");
    tcase_add_test(tc, park_inside_adapter_call);
    tcase_add_test(tc, park_two_adapter_levels);
    tcase_add_test(tc, park_string_and_list_cross_back);
    tcase_add_test(tc, park_trap_after_resume);
    tcase_add_test(tc, park_abandoned);
    tcase_add_test(tc, park_64_levels_deep);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, park_process_frees_its_worker);
    tcase_add_test(tc, park_many_processes);
    tcase_add_test(tc, park_process_limit_and_terminate);
    tcase_add_test(tc, park_process_string_result);
    suite_add_tcase(s, tc);
    return s;
}
