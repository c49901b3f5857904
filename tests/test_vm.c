/* test_vm.c — the engine through its public API: calls, fuel slices that
 * stop and continue, host calls that suspend and are resumed, traps with
 * backtraces, embedder limits, and truncated modules. Fixtures are WAT
 * files under tests/wasm/, built by make. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

/* The host's `wait`: answers i * 2, suspending first when `suspend` is set. */
static bool suspend_mode;
static vm_host_status host_wait(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller;
    (void)user;
    if (suspend_mode && (args[0].of.i32 & 1))
        return VM_HOST_SUSPEND;
    results[0].of.i32 = args[0].of.i32 * 2;
    return VM_HOST_DONE;
}

typedef test_instance fixture;

static void setup(fixture *fx, const vm_config *cfg)
{
    test_instance_load(fx, "wasm/vm_calls.wasm", cfg);
    static const vm_valtype i32[] = { VM_I32 };
    vm_signature sig = { 1, 1, i32, i32 };
    ck_assert(vm_linker_define_host(fx->linker, "env", "wait", &sig, host_wait, NULL));
    test_instance_start(fx);
    suspend_mode = false;
}

static vm_value i32(uint32_t v) { vm_value x = { .type = VM_I32, .of.i32 = v }; return x; }

static vm_status call1(fixture *fx, const char *name, vm_value arg, vm_value *result)
{
    return vm_call(fx->thread, vm_instance_func(fx->inst, name), &arg, 1, result, 1);
}

START_TEST(calls_and_recursion)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value r;
    ck_assert_int_eq(call1(&fx, "fib", i32(20), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 6765);
    ck_assert_int_eq(call1(&fx, "sum_squares", i32(1000), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, 332833500);
    ck_assert_int_eq(call1(&fx, "depth", i32(10000), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 10000);
    vm_value args[2] = { i32(0), i32(11) }, res[3];
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "indirect"), args, 2, res, 1), VM_DONE);
    ck_assert_uint_eq(res[0].of.i32, 89);   /* fib(11) through the table */
    ck_assert_int_eq(call1(&fx, "wrapped_load", i32(0xfffffffc), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 0x2a);   /* 0xfffffffc + 8 wraps to 4 */
    vm_value ab[2] = { i32(3), i32(4) };
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "swap_sum"), ab, 2, res, 3), VM_DONE);
    ck_assert_uint_eq(res[0].of.i32, 4);
    ck_assert_uint_eq(res[1].of.i32, 3);
    ck_assert_uint_eq(res[2].of.i32, 7);
    test_instance_close(&fx);
}
END_TEST

/* Runs a call in slices of `fuel` until it finishes; counts the slices. */
static vm_status run_sliced(fixture *fx, const char *name, vm_value arg, uint64_t fuel,
                            vm_value *result, int *slices)
{
    ck_assert_int_eq(vm_call_start(fx->thread, vm_instance_func(fx->inst, name), &arg, 1), VM_DONE);
    vm_status st;
    *slices = 0;
    while ((st = vm_run(fx->thread, fuel)) == VM_OUT_OF_FUEL)
        ++*slices;
    if (st == VM_DONE)
        vm_thread_results(fx->thread, result, 1);
    return st;
}

START_TEST(fuel_slices_give_the_same_result)
{
    static const uint64_t budgets[] = { 1, 7, 1000 };
    fixture fx;
    setup(&fx, NULL);
    vm_value whole, sliced;
    ck_assert_int_eq(call1(&fx, "fib", i32(18), &whole), VM_DONE);
    for (size_t i = 0; i < 3; i++) {
        int slices;
        ck_assert_int_eq(run_sliced(&fx, "fib", i32(18), budgets[i], &sliced, &slices), VM_DONE);
        ck_assert_uint_eq(sliced.of.i32, whole.of.i32);
        ck_assert_int_gt(slices, 0);
    }
    ck_assert_int_eq(call1(&fx, "sum_squares", i32(5000), &whole), VM_DONE);
    for (size_t i = 0; i < 3; i++) {
        int slices;
        ck_assert_int_eq(run_sliced(&fx, "sum_squares", i32(5000), budgets[i], &sliced, &slices), VM_DONE);
        ck_assert_uint_eq(sliced.of.i64, whole.of.i64);
        ck_assert_int_ge(slices, 5000 / (int)budgets[i] - 1);
    }
    test_instance_close(&fx);
}
END_TEST

START_TEST(a_tight_loop_stops_when_fuel_runs_out)
{
    fixture fx;
    setup(&fx, NULL);
    ck_assert_int_eq(vm_call_start(fx.thread, vm_instance_func(fx.inst, "spin"), NULL, 0), VM_DONE);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(vm_run(fx.thread, 10000), VM_OUT_OF_FUEL);
    test_instance_close(&fx);
}
END_TEST

START_TEST(suspended_host_calls_resume)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value direct, resumed;
    ck_assert_int_eq(call1(&fx, "ask_host", i32(10), &direct), VM_DONE);
    ck_assert_uint_eq(direct.of.i32, 90);   /* 2 * (0 + 1 + ... + 9) */
    suspend_mode = true;
    vm_value arg = i32(10);
    ck_assert_int_eq(vm_call_start(fx.thread, vm_instance_func(fx.inst, "ask_host"), &arg, 1), VM_DONE);
    int suspensions = 0;
    vm_status st;
    for (uint32_t next = 1; (st = vm_run(fx.thread, 3)) != VM_DONE;) {
        if (st == VM_OUT_OF_FUEL)
            continue;
        ck_assert_int_eq(st, VM_SUSPENDED);
        suspensions++;
        vm_value answer = i32(next * 2);   /* the odd i the host was asked about */
        next += 2;
        ck_assert_int_eq(vm_resume(fx.thread, &answer, 1), VM_DONE);
    }
    vm_thread_results(fx.thread, &resumed, 1);
    ck_assert_int_eq(suspensions, 5);
    ck_assert_uint_eq(resumed.of.i32, direct.of.i32);
    /* vm_call has no scheduler: a suspension becomes a trap. */
    ck_assert_int_eq(call1(&fx, "ask_host", i32(3), &resumed), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "host function suspended outside a scheduler");
    test_instance_close(&fx);
}
END_TEST

START_TEST(deep_recursion_traps_cleanly)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value r;
    ck_assert_int_eq(call1(&fx, "depth", i32(1000000), &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_STACK_EXHAUSTED);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "call stack exhausted");
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "forever"), NULL, 0, &r, 1), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "call stack exhausted");
    /* The thread is usable again afterwards. */
    ck_assert_int_eq(call1(&fx, "fib", i32(10), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 55);
    test_instance_close(&fx);
}
END_TEST

START_TEST(traps_have_a_backtrace)
{
    fixture fx;
    setup(&fx, NULL);
    vm_value r;
    ck_assert_int_eq(call1(&fx, "outer", i32(0), &r), VM_TRAP);
    const vm_trap *trap = vm_thread_trap(fx.thread);
    ck_assert_int_eq(trap->kind, VM_TRAP_DIVIDE_BY_ZERO);
    ck_assert_str_eq(trap->message, "integer divide by zero");
    ck_assert_uint_eq(trap->nframes, 2);
    ck_assert_str_eq(trap->frames[0].name, "inner");
    ck_assert_str_eq(trap->frames[1].name, "outer");
    ck_assert_uint_gt(trap->frames[0].code_offset, 0);
    ck_assert_uint_gt(trap->frames[1].code_offset, trap->frames[0].code_offset);
    vm_value args[2] = { i32(7), i32(1) };
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "indirect"), args, 2, &r, 1), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "undefined element 7");
    args[0] = i32(2);
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "indirect"), args, 2, &r, 1), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "uninitialized element 2");
    /* Wrong arguments from the embedder. */
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "fib"), NULL, 0, &r, 1), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_BAD_CALL);
    test_instance_close(&fx);
}
END_TEST

START_TEST(limits_trap_or_refuse)
{
    vm_config cfg = { .max_call_depth = 100, .max_memory_pages = 2 };
    fixture fx;
    setup(&fx, &cfg);
    vm_value r;
    ck_assert_int_eq(call1(&fx, "depth", i32(50), &r), VM_DONE);
    ck_assert_int_eq(call1(&fx, "depth", i32(200), &r), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "call stack exhausted");
    ck_assert_int_eq(call1(&fx, "grow", i32(1), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1);
    ck_assert_int_eq(call1(&fx, "grow", i32(1), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, (uint32_t)-1);   /* the embedder's limit, below the module's max */
    test_instance_close(&fx);
    vm_config tiny = { .max_stack_bytes = 4096 };
    setup(&fx, &tiny);
    ck_assert_int_eq(call1(&fx, "depth", i32(10000), &r), VM_TRAP);
    ck_assert_str_eq(vm_thread_trap(fx.thread)->message, "call stack exhausted");
    test_instance_close(&fx);
    vm_config tables = { .max_table_elements = 8 };
    setup(&fx, &tables);
    ck_assert_int_eq(call1(&fx, "grow_table", i32(4), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 4);
    ck_assert_int_eq(call1(&fx, "grow_table", i32(1), &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, (uint32_t)-1);
    test_instance_close(&fx);
    /* A module whose memory needs more than the limit does not instantiate. */
    vm_module *m = test_fixture_module("wasm/big_memory.wasm");
    vm_error err;
    vm_config small = { .max_memory_pages = 5 };
    vm_store *s = vm_store_new(&small);
    ck_assert_ptr_null(vm_instantiate(s, m, NULL, &err));
    ck_assert_int_eq(err.kind, VM_ERR_LIMIT);
    ck_assert_str_eq(err.message, "memory size exceeds the limit");
    vm_store_free(s);
    vm_module_free(m);
}
END_TEST

START_TEST(start_runs_or_is_deferred)
{
    vm_module *m = test_fixture_module("wasm/start.wasm");
    vm_error err;
    vm_store *s = vm_store_new(NULL);
    vm_instance *inst = vm_instantiate(s, m, NULL, &err);
    ck_assert_uint_eq(vm_global_get(vm_instance_global(inst, "g")).of.i32, 7);
    vm_store_free(s);
    vm_config deferred = { .defer_start = true };
    s = vm_store_new(&deferred);
    inst = vm_instantiate(s, m, NULL, &err);
    ck_assert_uint_eq(vm_global_get(vm_instance_global(inst, "g")).of.i32, 0);
    vm_thread *t = vm_thread_new(s);
    ck_assert_int_eq(vm_call_start(t, vm_instance_start(inst), NULL, 0), VM_DONE);
    ck_assert_int_eq(vm_run(t, 100), VM_DONE);
    ck_assert_uint_eq(vm_global_get(vm_instance_global(inst, "g")).of.i32, 7);
    vm_thread_free(t);
    vm_store_free(s);
    vm_module_free(m);
}
END_TEST

START_TEST(truncated_modules_are_rejected)
{
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/vm_calls.wasm", &size);
    int accepted = 0;
    for (size_t n = 0; n < size; n++) {
        vm_error err;
        vm_module *m = vm_module_load(bytes, n, &err);
        if (m != NULL) {
            accepted++;   /* a prefix ending at a section boundary may be a module */
            vm_module_free(m);
        } else {
            ck_assert_msg(err.kind == VM_ERR_MALFORMED || err.kind == VM_ERR_INVALID, "%zu: %s", n, err.message);
            ck_assert_msg(!strncmp(err.message, "0x", 2), "%zu: %s", n, err.message);
        }
    }
    ck_assert_int_lt(accepted, 10);
    free(bytes);
}
END_TEST

/* Appends v as unsigned LEB128. */
static size_t put_uleb(uint8_t *at, uint32_t v)
{
    size_t n = 0;
    do {
        at[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        v >>= 7;
    } while (v != 0);
    return n;
}

/* A module with one empty function exported n times, as "e0", "e1", ...;
 * the last name is "e0" again when `duplicate`. */
static uint8_t *many_exports(uint32_t n, bool duplicate, size_t *size)
{
    static const uint8_t head[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,    /* type () -> () */
                                    0x03, 0x02, 0x01, 0x00 };              /* function 0 */
    static const uint8_t code[] = { 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b };
    size_t cap = sizeof head + sizeof code + 16 + (size_t)n * 16;
    uint8_t *bytes = malloc(cap), *entries = malloc((size_t)n * 16);
    ck_assert(bytes != NULL && entries != NULL);
    size_t len = 0;
    len += put_uleb(entries, n);
    for (uint32_t i = 0; i < n; i++) {
        char name[16];
        int k = snprintf(name, sizeof name, "e%u", duplicate && i == n - 1 ? 0 : i);
        entries[len++] = (uint8_t)k;
        memcpy(entries + len, name, (size_t)k);
        len += (size_t)k;
        entries[len++] = 0x00;   /* a function */
        entries[len++] = 0x00;   /* index 0 */
    }
    size_t at = 0;
    memcpy(bytes, head, sizeof head);
    at += sizeof head;
    bytes[at++] = 0x07;
    at += put_uleb(bytes + at, (uint32_t)len);
    memcpy(bytes + at, entries, len);
    at += len;
    memcpy(bytes + at, code, sizeof code);
    at += sizeof code;
    free(entries);
    *size = at;
    return bytes;
}

/* Export names are checked for duplicates in n log n: 300,000 of them
 * take a moment (comparing each with all before it would take minutes,
 * past this case's timeout). */
START_TEST(many_exports_are_checked_quickly)
{
    size_t size;
    vm_error err;
    uint8_t *bytes = many_exports(300000, false, &size);
    vm_module *m = vm_module_load(bytes, size, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    ck_assert_uint_eq(vm_module_export_count(m), 300000);
    vm_module_free(m);
    free(bytes);
    bytes = many_exports(300000, true, &size);
    ck_assert_ptr_null(vm_module_load(bytes, size, &err));
    ck_assert_int_eq(err.kind, VM_ERR_INVALID);
    ck_assert_str_eq(err.message, "0x0: duplicate export name");
    free(bytes);
}
END_TEST

/* The types of table, memory and global imports and exports, as an
 * embedder (the component decoder) checks them against each other. */
START_TEST(extern_types_are_reported)
{
    vm_module *m = test_fixture_module("wasm/vm_extern_types.wasm");
    vm_externtype t;
    ck_assert(!vm_module_import_type(m, 0, &t));   /* a function */
    ck_assert(vm_module_import_type(m, 1, &t));
    ck_assert_int_eq(t.type, VM_FUNCREF);
    ck_assert(t.min == 2 && t.has_max && t.max == 7);
    ck_assert(vm_module_import_type(m, 2, &t));
    ck_assert(t.min == 1 && t.has_max && t.max == 4);
    ck_assert(vm_module_import_type(m, 3, &t));
    ck_assert(t.type == VM_I64 && t.mutable_);
    ck_assert(!vm_module_import_type(m, 4, &t));   /* out of range */
    const char *name;
    vm_externkind kind;
    int seen = 0;
    for (uint32_t i = 0; i < vm_module_export_count(m); i++) {
        vm_module_export(m, i, &name, &kind);
        bool typed = vm_module_export_type(m, i, &t);
        if (strcmp(name, "h") == 0) {
            ck_assert(!typed);
        } else if (strcmp(name, "own") == 0) {
            ck_assert(typed && t.type == VM_EXTERNREF && t.min == 3 && !t.has_max);
        } else if (strcmp(name, "mem") == 0) {   /* the imported memory, re-exported */
            ck_assert(typed && t.min == 1 && t.has_max && t.max == 4);
        } else if (strcmp(name, "k") == 0) {
            ck_assert(typed && t.type == VM_F32 && !t.mutable_);
        } else if (strcmp(name, "t2") == 0) {   /* the imported table, re-exported */
            ck_assert(typed && t.type == VM_FUNCREF && t.min == 2 && t.max == 7);
        }
        seen++;
    }
    ck_assert_int_eq(seen, 5);
    ck_assert(!vm_module_export_type(m, 5, &t));
    vm_module_free(m);
}
END_TEST

Suite *vm_suite(void)
{
    Suite *s = suite_create("vm");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, calls_and_recursion);
    tcase_add_test(tc, fuel_slices_give_the_same_result);
    tcase_add_test(tc, a_tight_loop_stops_when_fuel_runs_out);
    tcase_add_test(tc, suspended_host_calls_resume);
    tcase_add_test(tc, deep_recursion_traps_cleanly);
    tcase_add_test(tc, traps_have_a_backtrace);
    tcase_add_test(tc, limits_trap_or_refuse);
    tcase_add_test(tc, start_runs_or_is_deferred);
    tcase_add_test(tc, truncated_modules_are_rejected);
    tcase_add_test(tc, many_exports_are_checked_quickly);
    tcase_add_test(tc, extern_types_are_reported);
    suite_add_tcase(s, tc);
    return s;
}
