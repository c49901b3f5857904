/* test_tail_call.c — the tail-call proposal (return_call,
 * return_call_indirect) through the public API: tail recursion ten
 * million deep in a constant stack (vm_thread_stack_usage), mutual
 * recursion, arguments that trade places or outnumber the caller's
 * slots, a callee with a bigger frame (and one too big for the stack's
 * limit), locals zeroed, indirect tail calls
 * and their traps, tail calls to a host function that suspends, fuel
 * slices of 1, 7 and 1000 giving the same results, a backtrace after a
 * tail call, and tail calls between two instances. Fixtures:
 * tests/wasm/tail_calls.wat and tail_calls_other.wat. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

typedef struct {
    test_instance main;
    vm_module *other_module;     /* outlives the store, which holds its instance */
    bool suspend;                /* the host's wait suspends on odd numbers */
    uint32_t asked;              /* the last number the host was asked about */
    uint32_t host_calls;
} fixture;

/* The host's `wait`: answers x * 2, or suspends (x odd, suspend set),
 * leaving the answer to vm_resume(). */
static vm_host_status host_wait(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller;
    fixture *fx = user;
    fx->asked = args[0].of.i32;
    fx->host_calls++;
    if (fx->suspend && (args[0].of.i32 & 1))
        return VM_HOST_SUSPEND;
    results[0].of.i32 = args[0].of.i32 * 2;
    return VM_HOST_DONE;
}

/* tail_calls_other.wat instantiated first, its exports as "other", then
 * tail_calls.wat with the host's "env" "wait". */
static void setup(fixture *fx, const vm_config *cfg)
{
    memset(fx, 0, sizeof *fx);
    test_instance_load(&fx->main, "wasm/tail_calls.wasm", cfg);
    fx->other_module = test_fixture_module("wasm/tail_calls_other.wasm");
    vm_linker *none = vm_linker_new();
    ck_assert_ptr_nonnull(none);
    vm_error err;
    vm_instance *other = vm_instantiate(fx->main.store, fx->other_module, none, &err);
    ck_assert_msg(other != NULL, "%s", err.message);
    vm_linker_free(none);
    ck_assert(vm_linker_define_instance(fx->main.linker, "other", other));
    static const vm_valtype i32_type[] = { VM_I32 };
    vm_signature sig = { 1, 1, i32_type, i32_type };
    ck_assert(vm_linker_define_host(fx->main.linker, "env", "wait", &sig, host_wait, fx));
    test_instance_start(&fx->main);
}

static void teardown(fixture *fx)
{
    test_instance_close(&fx->main);
    vm_module_free(fx->other_module);
}

static vm_value i32(uint32_t v) { return (vm_value){ .type = VM_I32, .of.i32 = v }; }
static vm_value i64(uint64_t v) { return (vm_value){ .type = VM_I64, .of.i64 = v }; }

static vm_func *func(fixture *fx, const char *name)
{
    vm_func *f = vm_instance_func(fx->main.inst, name);
    ck_assert_msg(f != NULL, "no export %s", name);
    return f;
}

/* Calls an export without a fuel limit; its one result, or a trap. */
static vm_status call(fixture *fx, const char *name, const vm_value *args, size_t n, vm_value *result)
{
    return vm_call(fx->main.thread, func(fx, name), args, n, result, 1);
}

static uint32_t call_i32(fixture *fx, const char *name, const vm_value *args, size_t n)
{
    vm_value r;
    vm_status st = call(fx, name, args, n, &r);
    ck_assert_msg(st == VM_DONE, "%s: %s", name, vm_thread_trap(fx->main.thread)->message);
    return r.of.i32;
}

static uint64_t call_i64(fixture *fx, const char *name, const vm_value *args, size_t n)
{
    vm_value r;
    vm_status st = call(fx, name, args, n, &r);
    ck_assert_msg(st == VM_DONE, "%s: %s", name, vm_thread_trap(fx->main.thread)->message);
    return r.of.i64;
}

/* Runs a call in slices of `fuel`; a suspended host call gets the answer
 * the host would have given (twice what it was asked). Returns the
 * result's bits; *slices counts the stops for fuel. */
static uint64_t run_sliced(fixture *fx, const char *name, const vm_value *args, size_t n, uint64_t fuel,
                           int *slices)
{
    vm_thread *t = fx->main.thread;
    ck_assert_int_eq(vm_call_start(t, func(fx, name), args, n), VM_DONE);
    vm_status st;
    *slices = 0;
    while ((st = vm_run(t, fuel)) != VM_DONE) {
        if (st == VM_OUT_OF_FUEL) {
            ++*slices;
            continue;
        }
        ck_assert_msg(st == VM_SUSPENDED, "%s: %s", name, vm_thread_trap(t)->message);
        vm_value answer = i32(fx->asked * 2);
        ck_assert_int_eq(vm_resume(t, &answer, 1), VM_DONE);
    }
    vm_value r;
    ck_assert_uint_eq(vm_thread_results(t, &r, 1), 1);
    return r.type == VM_I32 ? r.of.i32 : r.of.i64;
}

START_TEST(a_long_tail_recursion_runs_in_a_constant_stack)
{
    fixture fx;
    setup(&fx, NULL);
    vm_thread *t = fx.main.thread;
    /* 10,000,000 return_calls, stopped for fuel every million: the
     * thread holds one frame at every stop and its stacks never grow. */
    vm_value args[2] = { i64(10000000), i64(0) };
    ck_assert_int_eq(vm_call_start(t, func(&fx, "loop"), args, 2), VM_DONE);
    int stops = 0;
    vm_status st;
    while ((st = vm_run(t, 1000000)) == VM_OUT_OF_FUEL) {
        vm_stack_usage use = vm_thread_stack_usage(t);
        ck_assert_uint_eq(use.frames, 1);
        ck_assert_uint_le(use.frames_capacity, 16);
        ck_assert_uint_le(use.slots_capacity, 256);
        stops++;
    }
    ck_assert_int_eq(st, VM_DONE);
    ck_assert_int_ge(stops, 9);
    vm_value r;
    vm_thread_results(t, &r, 1);
    ck_assert_uint_eq(r.of.i64, 50000005000000ull);
    vm_stack_usage use = vm_thread_stack_usage(t);
    ck_assert_uint_eq(use.frames, 0);
    ck_assert_uint_le(use.frames_capacity, 16);
    ck_assert_uint_le(use.slots_capacity, 256);
    /* Through the table, two tail calls an iteration. */
    args[0] = i64(1000000);
    ck_assert_uint_eq(call_i64(&fx, "loop_indirect", args, 2), 500000500000ull);
    ck_assert_uint_le(vm_thread_stack_usage(t).frames_capacity, 16);
    teardown(&fx);
}
END_TEST

/* A thread allowed one frame runs any chain of tail calls, none of calls. */
START_TEST(tail_calls_need_no_frames)
{
    vm_config cfg = { .max_call_depth = 1 };
    fixture fx;
    setup(&fx, &cfg);
    vm_value args[2] = { i64(100000), i64(0) };
    ck_assert_uint_eq(call_i64(&fx, "loop", args, 2), 5000050000ull);
    vm_value n = i64(1000);
    ck_assert_uint_eq(call_i64(&fx, "cross", &n, 1), 3 * 1001 + 5);
    vm_value one = i32(1), r;
    ck_assert_int_eq(call(&fx, "bt_outer", &one, 1, &r), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.main.thread)->message, "call stack exhausted");
    teardown(&fx);
}
END_TEST

/* A callee whose frame does not fit in the value stack's limit: the tail
 * call traps where it is, in the caller's frame. */
START_TEST(a_callee_too_big_for_the_stack_traps)
{
    vm_config cfg = { .max_stack_bytes = 256 * sizeof(uint64_t) };
    fixture fx;
    setup(&fx, &cfg);
    vm_value x = i64(1), r;
    ck_assert_int_eq(call(&fx, "grow", &x, 1, &r), VM_TRAP);
    const vm_trap *trap = vm_thread_trap(fx.main.thread);
    ck_assert_int_eq(trap->kind, VM_TRAP_STACK_EXHAUSTED);
    ck_assert_uint_eq(trap->nframes, 2);
    ck_assert_str_eq(trap->frames[0].name, "to_big");
    vm_value n = i32(100);
    ck_assert_uint_eq(call_i32(&fx, "even", &n, 1), 1);   /* the thread runs on */
    teardown(&fx);
}
END_TEST

START_TEST(mutual_tail_recursion)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value n = i32(0);
    ck_assert_uint_eq(call_i32(&fx, "even", &n, 1), 1);
    ck_assert_uint_eq(call_i32(&fx, "odd", &n, 1), 0);
    n = i32(1000001);
    ck_assert_uint_eq(call_i32(&fx, "even", &n, 1), 0);
    ck_assert_uint_eq(call_i32(&fx, "odd", &n, 1), 1);
    n = i32(2000000);
    ck_assert_uint_eq(call_i32(&fx, "even", &n, 1), 1);
    teardown(&fx);
}
END_TEST

START_TEST(arguments_move_into_the_frame)
{
    fixture fx;
    setup(&fx, NULL);
    /* (a, b, c) → (b, c, a) per call: each argument reads a local an
     * earlier one overwrites. */
    static const uint32_t rotated[] = { 123, 231, 312, 123 };
    for (uint32_t k = 0; k < 4; k++) {
        vm_value args[4] = { i32(1), i32(2), i32(3), i32(k) };
        ck_assert_uint_eq(call_i32(&fx, "rotate", args, 4), rotated[k]);
    }
    vm_value args[4] = { i32(1), i32(2), i32(3), i32(100) };
    ck_assert_uint_eq(call_i32(&fx, "rotate", args, 4), 231);
    /* Four arguments from a one-slot caller: a local, a constant, a
     * comparison, a sum. */
    vm_value x = i32(5);
    ck_assert_uint_eq(call_i32(&fx, "widen", &x, 1), 5716);
    x = i32(20);
    ck_assert_uint_eq(call_i32(&fx, "widen", &x, 1), 20721);
    /* A callee of 301 slots: the value stack grows under the tail call. */
    vm_value big = i64(7);
    ck_assert_uint_le(vm_thread_stack_usage(fx.main.thread).slots_capacity, 256);
    ck_assert_uint_eq(call_i64(&fx, "grow", &big, 1), 1007);
    ck_assert_uint_gt(vm_thread_stack_usage(fx.main.thread).slots_capacity, 256);
    /* Every tail-called frame's locals start at zero. */
    vm_value n = i32(5);
    ck_assert_uint_eq(call_i32(&fx, "dirty", &n, 1), 12345);
    teardown(&fx);
}
END_TEST

START_TEST(indirect_tail_calls_and_their_traps)
{
    fixture fx;
    setup(&fx, NULL);
    vm_thread *t = fx.main.thread;
    /* The index is read from local 0, which the argument replaces. */
    vm_value args[2] = { i32(0), i32(21) };
    ck_assert_uint_eq(call_i32(&fx, "dispatch", args, 2), 42);
    args[0] = i32(4);   /* the host function, through the table */
    ck_assert_uint_eq(call_i32(&fx, "dispatch", args, 2), 42);
    ck_assert_uint_eq(fx.host_calls, 1);
    static const struct {
        uint32_t index;
        vm_trap_kind kind;
        const char *message;
    } traps[] = {
        { 2, VM_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element 2" },
        { 5, VM_TRAP_UNDEFINED_ELEMENT, "undefined element 5" },
        { 3, VM_TRAP_INDIRECT_MISMATCH, "indirect call type mismatch" },
        { 1, VM_TRAP_INDIRECT_MISMATCH, "indirect call type mismatch" },
    };
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++) {
        vm_value a[2] = { i32(traps[i].index), i32(1) }, r;
        ck_assert_int_eq(call(&fx, "dispatch", a, 2, &r), VM_TRAP);
        const vm_trap *trap = vm_thread_trap(t);
        ck_assert_int_eq(trap->kind, traps[i].kind);
        ck_assert_str_eq(trap->message, traps[i].message);
        ck_assert_uint_eq(trap->nframes, 1);
        ck_assert_uint_gt(trap->frames[0].code_offset, 0);
    }
    teardown(&fx);
}
END_TEST

START_TEST(a_backtrace_shows_the_callee_in_place_of_the_caller)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value x = i32(1), r;
    ck_assert_uint_eq(call_i32(&fx, "bt_outer", &x, 1), 2);
    x = i32(0);
    ck_assert_int_eq(call(&fx, "bt_outer", &x, 1, &r), VM_TRAP);
    const vm_trap *trap = vm_thread_trap(fx.main.thread);
    ck_assert_int_eq(trap->kind, VM_TRAP_DIVIDE_BY_ZERO);
    ck_assert_uint_eq(trap->nframes, 2);
    ck_assert_str_eq(trap->frames[0].name, "bt_fail");
    ck_assert_str_eq(trap->frames[1].name, "bt_outer");
    teardown(&fx);
}
END_TEST

START_TEST(tail_calls_to_the_host)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value x = i32(10);
    ck_assert_uint_eq(call_i32(&fx, "ask", &x, 1), 22);
    ck_assert_uint_eq(call_i32(&fx, "ask_twice", &x, 1), 22 + 24);
    x = i32(8);
    ck_assert_uint_eq(call_i32(&fx, "ask_indirect", &x, 1), 16);
    ck_assert_uint_eq(fx.host_calls, 4);
    teardown(&fx);
}
END_TEST

/* Runs the call started until it suspends, checks the host was asked
 * `asked` with `frames` wasm frames active, resumes with `answer`;
 * returns what the next vm_run() gives. */
static vm_status suspend_then_resume(fixture *fx, uint32_t asked, uint32_t frames, uint32_t answer)
{
    vm_thread *t = fx->main.thread;
    ck_assert_int_eq(vm_run(t, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    ck_assert_uint_eq(fx->asked, asked);
    ck_assert_uint_eq(vm_thread_stack_usage(t).frames, frames);
    vm_value a = i32(answer);
    ck_assert_int_eq(vm_resume(t, &a, 1), VM_DONE);
    return vm_run(t, VM_FUEL_UNLIMITED);
}

START_TEST(a_suspended_host_tail_call_resumes)
{
    fixture fx;
    setup(&fx, NULL);
    vm_thread *t = fx.main.thread;
    fx.suspend = true;
    vm_value x = i32(4), r;
    /* The entry function's own tail call suspends: the answer is its
     * result. The host runs in the frame of the function that tail-called
     * it (a host function has no frame). */
    ck_assert_int_eq(vm_call_start(t, func(&fx, "ask"), &x, 1), VM_DONE);
    ck_assert_int_eq(suspend_then_resume(&fx, 5, 1, 1000), VM_DONE);
    vm_thread_results(t, &r, 1);
    ck_assert_uint_eq(r.of.i32, 1000);
    /* Inside a call (two frames): the first ask suspends (5), the second
     * does not (6). */
    ck_assert_int_eq(vm_call_start(t, func(&fx, "ask_twice"), &x, 1), VM_DONE);
    ck_assert_int_eq(suspend_then_resume(&fx, 5, 2, 10), VM_DONE);
    vm_thread_results(t, &r, 1);
    ck_assert_uint_eq(r.of.i32, 10 + 12);
    /* The second suspends (7). */
    x = i32(5);
    ck_assert_int_eq(vm_call_start(t, func(&fx, "ask_twice"), &x, 1), VM_DONE);
    ck_assert_int_eq(suspend_then_resume(&fx, 7, 2, 300), VM_DONE);
    vm_thread_results(t, &r, 1);
    ck_assert_uint_eq(r.of.i32, 12 + 300);
    /* Through the table. */
    x = i32(3);
    ck_assert_int_eq(vm_call_start(t, func(&fx, "ask_indirect"), &x, 1), VM_DONE);
    ck_assert_int_eq(suspend_then_resume(&fx, 3, 1, 77), VM_DONE);
    vm_thread_results(t, &r, 1);
    ck_assert_uint_eq(r.of.i32, 77);
    /* Without a scheduler, a suspension is a trap. */
    x = i32(4);
    ck_assert_int_eq(call(&fx, "ask", &x, 1, &r), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(t)->message, "host function suspended outside a scheduler");
    teardown(&fx);
}
END_TEST

/* Every case run whole, then in slices of 1, 7 and 1000 fuel units (with
 * the host suspending on odd numbers): the same results. */
START_TEST(fuel_slices_give_the_same_results)
{
    static const struct {
        const char *name;
        vm_value args[4];
        size_t n;
    } cases[] = {
        { "loop", { { VM_I64, .of.i64 = 1000 }, { VM_I64, .of.i64 = 0 } }, 2 },
        { "loop_indirect", { { VM_I64, .of.i64 = 500 }, { VM_I64, .of.i64 = 3 } }, 2 },
        { "even", { { VM_I32, .of.i32 = 777 } }, 1 },
        { "rotate", { { VM_I32, .of.i32 = 1 }, { VM_I32, .of.i32 = 2 }, { VM_I32, .of.i32 = 3 },
                      { VM_I32, .of.i32 = 50 } }, 4 },
        { "widen", { { VM_I32, .of.i32 = 3 } }, 1 },
        { "grow", { { VM_I64, .of.i64 = 9 } }, 1 },
        { "dirty", { { VM_I32, .of.i32 = 20 } }, 1 },
        { "dispatch", { { VM_I32, .of.i32 = 0 }, { VM_I32, .of.i32 = 5 } }, 2 },
        { "ask_twice", { { VM_I32, .of.i32 = 6 } }, 1 },
        { "ask_indirect", { { VM_I32, .of.i32 = 9 } }, 1 },
        { "cross", { { VM_I64, .of.i64 = 100 } }, 1 },
        { "cross_then_load", { { VM_I64, .of.i64 = 100 } }, 1 },
    };
    static const uint64_t budgets[] = { 1, 7, 1000 };
    fixture fx;
    setup(&fx, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int slices;
        fx.suspend = false;
        uint64_t whole = run_sliced(&fx, cases[i].name, cases[i].args, cases[i].n, VM_FUEL_UNLIMITED,
                                    &slices);
        ck_assert_int_eq(slices, 0);
        fx.suspend = true;
        for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
            uint64_t sliced = run_sliced(&fx, cases[i].name, cases[i].args, cases[i].n, budgets[b],
                                         &slices);
            ck_assert_msg(sliced == whole, "%s with fuel %u: %llu, whole %llu", cases[i].name,
                          (unsigned)budgets[b], (unsigned long long)sliced, (unsigned long long)whole);
        }
    }
    /* One unit a tail call, charged once even when it stops for fuel
     * first: 1000 tail calls in slices of one unit, each slice making one
     * and stopping at the next, stop 999 times (the last slice's call
     * reaches n = 0 and returns). */
    vm_value args[2] = { i64(1000), i64(0) };
    int slices;
    fx.suspend = false;
    ck_assert_uint_eq(run_sliced(&fx, "loop", args, 2, 1, &slices), 500500);
    ck_assert_int_eq(slices, 999);
    teardown(&fx);
}
END_TEST

START_TEST(tail_calls_between_instances)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value n = i64(0);
    ck_assert_uint_eq(call_i64(&fx, "cross", &n, 1), 3 + 5);
    n = i64(1000);
    ck_assert_uint_eq(call_i64(&fx, "cross", &n, 1), 3 * 1001 + 5);
    n = i64(10);
    ck_assert_uint_eq(call_i64(&fx, "cross_then_load", &n, 1), 3 * 11 + 5 + 3);
    n = i64(1000000);
    ck_assert_uint_eq(call_i64(&fx, "cross", &n, 1), 3 * 1000001ull + 5);
    ck_assert_uint_le(vm_thread_stack_usage(fx.main.thread).frames_capacity, 16);
    teardown(&fx);
}
END_TEST

Suite *tail_call_suite(void)
{
    Suite *s = suite_create("tail_call");
    TCase *tc = tcase_create("tail_call");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_long_tail_recursion_runs_in_a_constant_stack);
    tcase_add_test(tc, tail_calls_need_no_frames);
    tcase_add_test(tc, a_callee_too_big_for_the_stack_traps);
    tcase_add_test(tc, mutual_tail_recursion);
    tcase_add_test(tc, arguments_move_into_the_frame);
    tcase_add_test(tc, indirect_tail_calls_and_their_traps);
    tcase_add_test(tc, a_backtrace_shows_the_callee_in_place_of_the_caller);
    tcase_add_test(tc, tail_calls_to_the_host);
    tcase_add_test(tc, a_suspended_host_tail_call_resumes);
    tcase_add_test(tc, fuel_slices_give_the_same_results);
    tcase_add_test(tc, tail_calls_between_instances);
    suite_add_tcase(s, tc);
    return s;
}
