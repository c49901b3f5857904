/* test_simd_vm.c — Check tests for v128 values running through the engine
 * (the instructions' own semantics are test_simd*.c's), on the fixture
 * tests/wasm/simd.wat: v128 params, results, locals and globals; calls
 * passing mixed i32/v128/f64/i64 arguments in place; several results; a
 * v128 result through blocks, br_table, br_if, if, select and a loop;
 * tail calls with v128 arguments; a host function with v128 in and out,
 * also called from the embedder and suspending; loads and stores on
 * memory 0 and memory 1 with their bounds and the trap's offset; fuel
 * slices of 1, 7 and 1000 giving the same result; and the code dump
 * naming the v128 instructions. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

#define PAGE 65536u

typedef test_instance fixture;

static vm_value i32(uint32_t v) { return (vm_value){ .type = VM_I32, .of.i32 = v }; }
static vm_value i64(uint64_t v) { return (vm_value){ .type = VM_I64, .of.i64 = v }; }
static vm_value f64(double d)
{
    vm_value v = { .type = VM_F64 };
    memcpy(&v.of.f64, &d, sizeof d);
    return v;
}

/* A v128 of four i32 lanes (little-endian, as wasm lays them out). */
static vm_value v128_i32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    vm_value v = { .type = VM_V128 };
    uint32_t lanes[4] = { a, b, c, d };
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            v.of.v128[4 * i + k] = (uint8_t)(lanes[i] >> (8 * k));
    return v;
}

static uint32_t lane32(const vm_value *v, int i)
{
    ck_assert_int_eq(v->type, VM_V128);
    uint32_t x = 0;
    for (int k = 0; k < 4; k++)
        x |= (uint32_t)v->of.v128[4 * i + k] << (8 * k);
    return x;
}

static uint64_t lane64(const vm_value *v, int i)
{
    return lane32(v, 2 * i) | (uint64_t)lane32(v, 2 * i + 1) << 32;
}

static void expect_i32x4(const vm_value *v, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    ck_assert_uint_eq(lane32(v, 0), a);
    ck_assert_uint_eq(lane32(v, 1), b);
    ck_assert_uint_eq(lane32(v, 2), c);
    ck_assert_uint_eq(lane32(v, 3), d);
}

/* The host's env.scale(n, v): (v with every i32 lane times n, n + 100).
 * With *user set, it suspends instead (the test resumes it). */
static vm_host_status scale(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller;
    if (user != NULL && *(bool *)user)
        return VM_HOST_SUSPEND;
    uint32_t n = args[0].of.i32;
    vm_value v = args[1];
    results[0] = v128_i32x4(lane32(&v, 0) * n, lane32(&v, 1) * n, lane32(&v, 2) * n, lane32(&v, 3) * n);
    results[1] = i32(n + 100);
    return VM_HOST_DONE;
}

static const vm_valtype scale_params[] = { VM_I32, VM_V128 };
static const vm_valtype scale_results[] = { VM_V128, VM_I32 };
static const vm_signature scale_sig = { 2, 2, scale_params, scale_results };

static bool suspend_scale;

static void setup(fixture *fx)
{
    suspend_scale = false;
    test_instance_load(fx, "wasm/simd.wasm", NULL);
    ck_assert(vm_linker_define_host(fx->linker, "env", "scale", &scale_sig, scale, &suspend_scale));
    test_instance_start(fx);
}

static vm_func *func(fixture *fx, const char *name)
{
    vm_func *f = vm_instance_func(fx->inst, name);
    ck_assert_msg(f != NULL, "no export %s", name);
    return f;
}

/* Calls name(args), which must return (one result, or none). */
static vm_value call(fixture *fx, const char *name, const vm_value *args, uint32_t n)
{
    vm_value r = { 0 };
    vm_status st = vm_call(fx->thread, func(fx, name), args, n, &r, 1);
    ck_assert_msg(st == VM_DONE, "%s: %s", name, st == VM_TRAP ? vm_thread_trap(fx->thread)->message : "?");
    return r;
}

START_TEST(v128_params_results_and_locals)
{
    fixture fx;
    setup(&fx);
    vm_value v = v128_i32x4(0x01020304, 0xdeadbeef, 0, 0xffffffff);
    vm_value r = call(&fx, "id", &v, 1);
    ck_assert_mem_eq(r.of.v128, v.of.v128, 16);
    /* Several results, v128 and i32 mixed: lane 0 as i8 (4), 9, and -4. */
    ck_assert_uint_eq(call(&fx, "three_sum", &v, 1).of.i32, 9);
    test_instance_close(&fx);
}
END_TEST

START_TEST(calls_pass_mixed_arguments_in_place)
{
    fixture fx;
    setup(&fx);
    vm_value args[5] = { i32(1), v128_i32x4(10, 20, 30, 40), f64(5.5), v128_i32x4(100, 200, 300, 400),
                         i64(7) };
    vm_value r = call(&fx, "mix", args, 5);
    expect_i32x4(&r, 123, 233, 343, 453);
    /* With an i32 and a v128 below the arguments on the caller's stack. */
    vm_value x = i32(5);
    ck_assert_uint_eq(call(&fx, "mix_deep", &x, 1).of.i32, 5 + 453 + 1000);
    test_instance_close(&fx);
}
END_TEST

START_TEST(v128_results_through_blocks_and_branches)
{
    fixture fx;
    setup(&fx);
    vm_value args[3] = { i32(0), v128_i32x4(1, 2, 3, 4) };
    vm_value r = call(&fx, "pick", args, 2);
    expect_i32x4(&r, 2, 3, 4, 5);
    args[0] = i32(1);
    r = call(&fx, "pick", args, 2);
    expect_i32x4(&r, 2, 4, 6, 8);
    args[0] = i32(7);
    r = call(&fx, "pick", args, 2);
    expect_i32x4(&r, 1, 2, 3, 4);
    vm_value n = i32(5);
    r = call(&fx, "loop_sum", &n, 1);
    expect_i32x4(&r, 5, 10, 15, 20);
    /* if/else and select, both ways. */
    static const char *const names[] = { "choose", "sel", "sel_typed" };
    for (int i = 0; i < 3; i++) {
        vm_value sel[3] = { i32(1), v128_i32x4(1, 1, 1, 1), v128_i32x4(2, 2, 2, 2) };
        r = call(&fx, names[i], sel, 3);
        expect_i32x4(&r, 1, 1, 1, 1);
        sel[0] = i32(0);
        r = call(&fx, names[i], sel, 3);
        expect_i32x4(&r, 2, 2, 2, 2);
    }
    test_instance_close(&fx);
}
END_TEST

START_TEST(v128_globals)
{
    fixture fx;
    setup(&fx);
    vm_value r = call(&fx, "bump", NULL, 0);
    expect_i32x4(&r, 11, 22, 33, 44);
    r = call(&fx, "bump", NULL, 0);
    expect_i32x4(&r, 21, 42, 63, 84);
    vm_global *g = vm_instance_global(fx.inst, "g");
    ck_assert_ptr_nonnull(g);
    r = vm_global_get(g);
    expect_i32x4(&r, 21, 42, 63, 84);
    ck_assert(vm_global_set(g, v128_i32x4(0, 0, 0, 0xffffffff)));
    r = call(&fx, "bump", NULL, 0);
    expect_i32x4(&r, 10, 20, 30, 39);
    test_instance_close(&fx);
}
END_TEST

START_TEST(tail_calls_with_v128_arguments)
{
    fixture fx;
    setup(&fx);
    /* 100,000 return_calls: the frame stack stays one deep. */
    vm_value args[2] = { i32(100000), i64(3) };
    vm_value r = call(&fx, "tail", args, 2);
    ck_assert_uint_eq(lane64(&r, 0), 300000);
    ck_assert_uint_eq(lane64(&r, 1), 300100);
    ck_assert_uint_le(vm_thread_stack_usage(fx.thread).frames_capacity, 16);
    test_instance_close(&fx);
}
END_TEST

START_TEST(host_functions_take_and_return_v128)
{
    fixture fx;
    setup(&fx);
    vm_value v = v128_i32x4(1, 2, 3, 4);
    ck_assert_uint_eq(call(&fx, "call_host", &v, 1).of.i32, 9 + 103);
    /* Suspended, then resumed with the results. */
    suspend_scale = true;
    vm_thread *t = fx.thread;
    ck_assert_int_eq(vm_call_start(t, func(&fx, "call_host"), &v, 1), VM_DONE);
    ck_assert_int_eq(vm_run(t, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    vm_value answer[2] = { v128_i32x4(0, 0, 50, 0), i32(7) };
    ck_assert_int_eq(vm_resume(t, answer, 2), VM_DONE);
    ck_assert_int_eq(vm_run(t, VM_FUEL_UNLIMITED), VM_DONE);
    vm_value r;
    ck_assert_uint_eq(vm_thread_results(t, &r, 1), 1);
    ck_assert_uint_eq(r.of.i32, 57);
    test_instance_close(&fx);
}
END_TEST

/* Calls name(args) expecting the out-of-bounds trap; the trap's offset
 * is that of the SIMD instruction (0xfd, then its sub-opcode). */
static void expect_oob(fixture *fx, const char *name, const vm_value *args, uint32_t n, uint8_t sub)
{
    vm_value r;
    ck_assert_int_eq(vm_call(fx->thread, func(fx, name), args, n, &r, 1), VM_TRAP);
    const vm_trap *trap = vm_thread_trap(fx->thread);
    ck_assert_int_eq(trap->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    ck_assert_str_eq(trap->message, "out of bounds memory access");
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/simd.wasm", &size);
    ck_assert_uint_gt(trap->nframes, 0);
    uint32_t at = trap->frames[0].code_offset;
    ck_assert_uint_lt(at + 1, size);
    ck_assert_uint_eq(bytes[at], 0xfd);
    ck_assert_uint_eq(bytes[at + 1], sub);
    free(bytes);
}

START_TEST(memory_0_accesses_and_their_bounds)
{
    fixture fx;
    setup(&fx);
    vm_value st[2] = { i32(PAGE - 16), v128_i32x4(1, 2, 3, 4) };
    call(&fx, "store", st, 2);
    vm_value a = i32(PAGE - 32);   /* offset 16: the last 16 bytes */
    vm_value r = call(&fx, "load", &a, 1);
    expect_i32x4(&r, 1, 2, 3, 4);
    a = i32(PAGE - 4);
    r = call(&fx, "load_splat", &a, 1);
    expect_i32x4(&r, 4, 4, 4, 4);
    vm_value ln[2] = { i32(PAGE - 8), v128_i32x4(0, 0, 0, 0) };
    r = call(&fx, "load_lane", ln, 2);   /* lane 5 of i16x8: the high half of lane 2 */
    expect_i32x4(&r, 0, 0, 3u << 16, 0);
    vm_value sl[2] = { i32(PAGE - 8), v128_i32x4(7, 8, 9, 10) };
    call(&fx, "store_lane", sl, 2);      /* lane 2 at address + 4: the last 4 bytes */
    a = i32(PAGE - 32);
    r = call(&fx, "load", &a, 1);
    expect_i32x4(&r, 1, 2, 3, 9);

    /* One byte too far, and an address that would wrap at 2^32. */
    a = i32(PAGE - 31);
    expect_oob(&fx, "load", &a, 1, 0x00);
    a = i32(UINT32_MAX - 8);
    expect_oob(&fx, "load", &a, 1, 0x00);
    st[0] = i32(PAGE - 15);
    expect_oob(&fx, "store", st, 2, 0x0b);
    a = i32(PAGE - 3);
    expect_oob(&fx, "load_splat", &a, 1, 0x09);
    ln[0] = i32(PAGE - 1);
    expect_oob(&fx, "load_lane", ln, 2, 0x55);
    sl[0] = i32(PAGE - 7);
    expect_oob(&fx, "store_lane", sl, 2, 0x5a);
    test_instance_close(&fx);
}
END_TEST

START_TEST(memory_1_accesses_and_their_bounds)
{
    fixture fx;
    setup(&fx);
    vm_value st[2] = { i32(PAGE - 16), v128_i32x4(0x11111111, 0x22222222, 0x33333333, 0x44444444) };
    call(&fx, "m1_store", st, 2);
    uint8_t got[16];
    ck_assert(vm_memory_read(vm_instance_memory(fx.inst, "mem1"), PAGE - 16, got, 16));
    ck_assert_mem_eq(got, st[1].of.v128, 16);
    ck_assert(vm_memory_read(vm_instance_memory(fx.inst, "mem0"), PAGE - 16, got, 16));
    ck_assert_uint_eq(got[0] | got[15], 0);   /* memory 0 untouched */
    vm_value a = i32(PAGE - 17);   /* offset 1 */
    vm_value r = call(&fx, "m1_load", &a, 1);
    expect_i32x4(&r, 0x11111111, 0x22222222, 0x33333333, 0x44444444);
    a = i32(PAGE - 8);
    r = call(&fx, "m1_load_zero", &a, 1);
    expect_i32x4(&r, 0x33333333, 0x44444444, 0, 0);
    vm_value ln[2] = { i32(PAGE - 16), v128_i32x4(1, 2, 3, 4) };
    r = call(&fx, "m1_load_lane", ln, 2);
    expect_i32x4(&r, 1, 2, 0x11111111, 0x22222222);
    vm_value sl[2] = { i32(PAGE - 1), v128_i32x4(0, 0, 0, 0xab000000) };
    call(&fx, "m1_store_lane", sl, 2);
    ck_assert(vm_memory_read(vm_instance_memory(fx.inst, "mem1"), PAGE - 1, got, 1));
    ck_assert_uint_eq(got[0], 0xab);

    a = i32(PAGE - 16);
    expect_oob(&fx, "m1_load", &a, 1, 0x00);
    st[0] = i32(PAGE - 15);
    expect_oob(&fx, "m1_store", st, 2, 0x0b);
    a = i32(PAGE - 7);
    expect_oob(&fx, "m1_load_zero", &a, 1, 0x5d);
    ln[0] = i32(PAGE - 7);
    expect_oob(&fx, "m1_load_lane", ln, 2, 0x57);
    sl[0] = i32(PAGE);
    expect_oob(&fx, "m1_store_lane", sl, 2, 0x58);
    test_instance_close(&fx);
}
END_TEST

/* Runs name(args) in slices of `fuel`; its i32 result. */
static uint32_t run_sliced(fixture *fx, const char *name, const vm_value *args, uint32_t n, uint64_t fuel,
                           int *slices)
{
    vm_thread *t = fx->thread;
    ck_assert_int_eq(vm_call_start(t, func(fx, name), args, n), VM_DONE);
    vm_status st;
    *slices = 0;
    while ((st = vm_run(t, fuel)) == VM_OUT_OF_FUEL)
        ++*slices;
    ck_assert_msg(st == VM_DONE, "%s: %s", name, vm_thread_trap(t)->message);
    vm_value r;
    ck_assert_uint_eq(vm_thread_results(t, &r, 1), 1);
    return r.of.i32;
}

START_TEST(fuel_slices_give_the_same_result)
{
    fixture fx;
    setup(&fx);
    vm_value n = i32(3000);
    int slices = 0;
    uint32_t whole = run_sliced(&fx, "churn", &n, 1, VM_FUEL_UNLIMITED, &slices);
    ck_assert_int_eq(slices, 0);
    static const uint64_t fuels[] = { 1, 7, 1000 };
    for (int i = 0; i < 3; i++) {
        uint32_t sliced = run_sliced(&fx, "churn", &n, 1, fuels[i], &slices);
        ck_assert_uint_eq(sliced, whole);
        ck_assert_int_ge(slices, (int)(2990 / fuels[i]));   /* one stop per fuel slice */
    }
    /* Tail calls with v128 arguments stopped for fuel resume as well. */
    vm_value args[2] = { i32(500), i64(2) };
    vm_value r0 = call(&fx, "tail", args, 2);
    for (int i = 0; i < 3; i++) {
        vm_thread *t = fx.thread;
        ck_assert_int_eq(vm_call_start(t, func(&fx, "tail"), args, 2), VM_DONE);
        vm_status st;
        while ((st = vm_run(t, fuels[i])) == VM_OUT_OF_FUEL)
            ;
        ck_assert_int_eq(st, VM_DONE);
        vm_value r;
        ck_assert_uint_eq(vm_thread_results(t, &r, 1), 1);
        ck_assert_mem_eq(r.of.v128, r0.of.v128, 16);
    }
    test_instance_close(&fx);
}
END_TEST

START_TEST(the_dump_names_v128_instructions)
{
    fixture fx;
    setup(&fx);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    vm_module_dump(fx.module, UINT32_MAX, out);
    fclose(out);
    static const char *const names[] = {
        " V128_CONST ", " I32X4_ADD ", " I32X4_SPLAT ", " I8X16_SHUFFLE ", " V128_BITSELECT ",
        " I32X4_EXTRACT_LANE ", " V128_LOAD ", " V128_STORE32_LANE ", " V128_LOAD64_ZERO ",
        " COPY_V128 ", " SELECT_V128 ", " GLOBAL_GET_V128 ", " GLOBAL_SET_V128 ", " F32X4_CONVERT_I32X4_S ",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(strstr(text, names[i]) != NULL, "no%sin the dump", names[i]);
    ck_assert(strstr(text, "??") == NULL);
    free(text);
    test_instance_close(&fx);
}
END_TEST

Suite *simd_vm_suite(void)
{
    Suite *s = suite_create("simd_vm");
    TCase *tc = tcase_create("simd_vm");
    tcase_add_test(tc, v128_params_results_and_locals);
    tcase_add_test(tc, calls_pass_mixed_arguments_in_place);
    tcase_add_test(tc, v128_results_through_blocks_and_branches);
    tcase_add_test(tc, v128_globals);
    tcase_add_test(tc, tail_calls_with_v128_arguments);
    tcase_add_test(tc, host_functions_take_and_return_v128);
    tcase_add_test(tc, memory_0_accesses_and_their_bounds);
    tcase_add_test(tc, memory_1_accesses_and_their_bounds);
    tcase_add_test(tc, fuel_slices_give_the_same_result);
    tcase_add_test(tc, the_dump_names_v128_instructions);
    suite_add_tcase(s, tc);
    return s;
}
