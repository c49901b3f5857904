/* test_fuse.c — the translator's superinstructions (translate_fuse.c):
 * the fixture tests/wasm/vm_fuse.wat is written so they appear; each test
 * checks first that the fused form is really in the translated code (else
 * it would only test the plain forms), then that it computes what wasm
 * says: addresses wrapping at 32 bits, constants of every store width,
 * operands loaded from memory, chained results, traps at the load. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/opcodes.h"
#include "vm/vm.h"

typedef test_instance fixture;

static void setup(fixture *fx)
{
    test_instance_load(fx, "wasm/vm_fuse.wasm", NULL);
    test_instance_start(fx);
}

/* The fixture's functions in the order it defines them (their indexes). */
static const char *const functions[] = {
    "load_scaled", "load_sum", "load_scaled_temp", "load_shift4", "load_tee", "store_constants",
    "store_compare", "mul_loaded", "add_loaded_first", "sub_loaded", "below_loaded", "min_loaded",
    "mul_loaded_below", "chain", "chain_div", "chain_f64", "sieve", "swap3", "countdown",
    "count_mirrored", "accumulate", "copy_words", "sigma", "copy_then_index", "pair_after_v128",
    "mix3", "count_set", "mark", "mark_plain", "mark_from", "mark_indexed", "mark_doubling", "zero_words", "scan_below",
};

/* Does the translated code of the function exported as `name` contain
 * the instruction `op` (as `wippy wasm dump` prints it)? */
static bool has_op(fixture *fx, const char *name, const char *op)
{
    uint32_t index = 0;
    while (index < sizeof functions / sizeof functions[0] && strcmp(functions[index], name) != 0)
        index++;
    ck_assert_uint_lt(index, sizeof functions / sizeof functions[0]);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    vm_module_dump(fx->module, index, out);
    fclose(out);
    char word[64];
    snprintf(word, sizeof word, " %s ", op);
    bool found = strstr(text, word) != NULL;
    free(text);
    return found;
}

static vm_value i32(uint32_t v) { return (vm_value){ .type = VM_I32, .of.i32 = v }; }
static vm_value i64(uint64_t v) { return (vm_value){ .type = VM_I64, .of.i64 = v }; }
/* Floats travel as their bits. */
static vm_value f32(float v)
{
    vm_value x = { .type = VM_F32 };
    memcpy(&x.of.f32, &v, sizeof v);
    return x;
}
static vm_value f64(double v)
{
    vm_value x = { .type = VM_F64 };
    memcpy(&x.of.f64, &v, sizeof v);
    return x;
}
static float as_f32(vm_value x)
{
    float v;
    memcpy(&v, &x.of.f32, sizeof v);
    return v;
}
static double as_f64(vm_value x)
{
    double v;
    memcpy(&v, &x.of.f64, sizeof v);
    return v;
}

/* Calls `name` with n arguments; expects one result (or none, results NULL). */
static vm_status call(fixture *fx, const char *name, const vm_value *args, uint32_t n, vm_value *result)
{
    return vm_call(fx->thread, vm_instance_func(fx->inst, name), args, n, result, result ? 1 : 0);
}

static vm_memory *memory(fixture *fx) { return vm_instance_memory(fx->inst, "memory"); }

static void poke(fixture *fx, uint64_t at, const void *bytes, size_t n)
{
    ck_assert(vm_memory_write(memory(fx), at, bytes, n));
}

static void peek(fixture *fx, uint64_t at, void *bytes, size_t n)
{
    ck_assert(vm_memory_read(memory(fx), at, bytes, n));
}

/* Host-order words of W bytes (n bytes in all) written to, or read from,
 * linear memory, which is little-endian on every host (test_le_fix). */
static void poke_words(fixture *fx, uint64_t at, const void *words, size_t n, size_t w)
{
    for (size_t i = 0; i + w <= n; i += w) {
        uint8_t b[8];
        memcpy(b, (const uint8_t *)words + i, w);
        test_le_fix(b, w);
        poke(fx, at + i, b, w);
    }
}

static void peek_words(fixture *fx, uint64_t at, void *words, size_t n, size_t w)
{
    peek(fx, at, words, n);
    for (size_t i = 0; i + w <= n; i += w)
        test_le_fix((uint8_t *)words + i, w);
}

/* A host-order scalar read from memory's little-endian bytes. */
#define LE_FIX(x) test_le_fix(&(x), sizeof(x))

START_TEST(indexed_addresses_wrap_at_32_bits)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "load_scaled", "I32_LOAD_IDX"));
    ck_assert(has_op(&fx, "load_sum", "I32_LOAD8_U_IDX"));
    ck_assert(has_op(&fx, "load_scaled_temp", "I64_LOAD_IDX"));
    uint32_t word = 0xcafef00d;
    poke_words(&fx, 8, &word, 4, 4);
    /* 0xfffffff0 + 12 wraps to 0xfffffffc; the offset 4 is added after
     * the wrap, so the access is at 0x1_0000_0000: out of bounds. */
    vm_value r, args[2] = { i32(0xfffffff0), i32(3) };
    ck_assert_int_eq(call(&fx, "load_scaled", args, 2, &r), VM_TRAP);
    args[1] = i32(5);   /* 0xfffffff0 + 20 = 4 (mod 2^32), + 4 = 8 */
    ck_assert_int_eq(call(&fx, "load_scaled", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 0xcafef00d);
    args[0] = i32(0x7ffffff0);   /* no wrap: far out of the one page */
    ck_assert_int_eq(call(&fx, "load_scaled", args, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    args[0] = i32(0xffffffff);
    args[1] = i32(10);   /* 9 */
    ck_assert_int_eq(call(&fx, "load_sum", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 0xf0);
    uint64_t wide = 0x0102030405060708;
    poke_words(&fx, 64, &wide, 8, 8);
    args[0] = i32(48);
    args[1] = i32(1);   /* 48 + (1 + 1) * 8 */
    ck_assert_int_eq(call(&fx, "load_scaled_temp", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, wide);
    test_instance_close(&fx);
}
END_TEST

START_TEST(what_cannot_fold_stays_right)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "load_shift4", "I32_SHL_IMM"));   /* by 4: not an index scale */
    ck_assert(has_op(&fx, "load_shift4", "I32_LOAD_IDX"));  /* the sum still folds */
    ck_assert(has_op(&fx, "load_tee", "I32_SHL_IMM"));      /* its result is kept in a local */
    uint32_t word = 77;
    poke_words(&fx, 100 + 3 * 16, &word, 4, 4);
    vm_value r, args[2] = { i32(100), i32(3) };
    ck_assert_int_eq(call(&fx, "load_shift4", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 77);
    /* The shifted index is also kept in a local and added afterwards. */
    poke_words(&fx, 100 + 3 * 4, &word, 4, 4);
    ck_assert_int_eq(call(&fx, "load_tee", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 77 + 12);
    /* A comparison stored at base + i: its slot is above the sum's. */
    vm_value four[4] = { i32(200), i32(8), i32(1), i32(2) };
    ck_assert_int_eq(call(&fx, "store_compare", four, 4, NULL), VM_DONE);
    peek_words(&fx, 208, &word, 4, 4);
    ck_assert_uint_eq(word, 1);
    test_instance_close(&fx);
}
END_TEST

START_TEST(constants_are_stored_at_every_width)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "store_constants", "I32_STORE_IMM"));
    ck_assert(has_op(&fx, "store_constants", "I64_STORE_ADD_IMM"));
    ck_assert(has_op(&fx, "store_constants", "F32_STORE_IDX_IMM"));
    ck_assert(has_op(&fx, "store_constants", "F64_STORE_IDX_IMM"));
    ck_assert(has_op(&fx, "store_constants", "I32_STORE8_IMM"));
    ck_assert(has_op(&fx, "store_constants", "I64_STORE16_IMM"));
    ck_assert(has_op(&fx, "store_constants", "I64_STORE32_ADD_IMM"));
    vm_value args[2] = { i32(512), i32(2) };
    ck_assert_int_eq(call(&fx, "store_constants", args, 2, NULL), VM_DONE);
    uint8_t m[64];
    peek(&fx, 512, m, sizeof m);
    uint32_t u32;
    uint64_t u64;
    float f;
    double d;
    memcpy(&u32, m, 4);
    LE_FIX(u32);
    ck_assert_uint_eq(u32, 0x11223344);
    memcpy(&u64, m + 8, 8);
    LE_FIX(u64);
    ck_assert_uint_eq(u64, 0x0102030405060708);
    memcpy(&f, m + 16 + 8, 4);   /* i << 2 = 8 */
    LE_FIX(f);
    ck_assert(f == -1.5f);
    memcpy(&d, m + 48 + 2, 8);
    LE_FIX(d);
    ck_assert(d == 0.25);
    ck_assert_uint_eq(m[32], 0xff);   /* 0x1ff wraps to a byte */
    ck_assert_uint_eq(m[34] | m[35] << 8, 0xfffe);
    memcpy(&u32, m + 40, 4);   /* base + 4 + offset 36 */
    LE_FIX(u32);
    ck_assert_uint_eq(u32, 0x80000001);
    /* Out of bounds: the constant store traps like any store. */
    args[0] = i32(65535);
    ck_assert_int_eq(call(&fx, "store_constants", args, 2, NULL), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    test_instance_close(&fx);
}
END_TEST

START_TEST(operands_loaded_from_memory)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "mul_loaded", "F64_MUL_M"));
    ck_assert(has_op(&fx, "add_loaded_first", "I32_ADD_M"));
    ck_assert(has_op(&fx, "sub_loaded", "I64_SUB_M"));
    ck_assert(has_op(&fx, "below_loaded", "I32_LT_U_M"));
    ck_assert(has_op(&fx, "min_loaded", "F32_MIN_M"));
    double d = 1.5;
    poke_words(&fx, 16, &d, 8, 8);
    vm_value r, args[2] = { i32(16), f64(-4.0) };
    ck_assert_int_eq(call(&fx, "mul_loaded", args, 2, &r), VM_DONE);
    ck_assert(as_f64(r) == -6.0);
    uint32_t w = 40;
    poke_words(&fx, 32, &w, 4, 4);
    args[0] = i32(32);
    args[1] = i32(2);
    ck_assert_int_eq(call(&fx, "add_loaded_first", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 42);
    ck_assert_int_eq(call(&fx, "below_loaded", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1);
    args[1] = i32(40);
    ck_assert_int_eq(call(&fx, "below_loaded", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 0);
    uint64_t q = 5;
    poke_words(&fx, 48, &q, 8, 8);
    args[0] = i32(40);
    args[1] = i64(3);   /* 3 - 5 wraps */
    ck_assert_int_eq(call(&fx, "sub_loaded", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, (uint64_t)-2);
    float nan = NAN, one = 1.0f;
    poke_words(&fx, 56, &nan, 4, 4);
    args[0] = i32(56);
    args[1] = f32(one);
    ck_assert_int_eq(call(&fx, "min_loaded", args, 2, &r), VM_DONE);
    ck_assert(isnan(as_f32(r)));
    /* p - 8 folded in: 24 - 8 = 16 holds 1.5; 4 - 8 wraps to 0xfffffffc. */
    ck_assert(has_op(&fx, "mul_loaded_below", "F64_MUL_M"));
    ck_assert(!has_op(&fx, "mul_loaded_below", "I32_SUB_IMM"));
    vm_value below[2] = { i32(24), f64(2.0) };
    ck_assert_int_eq(call(&fx, "mul_loaded_below", below, 2, &r), VM_DONE);
    ck_assert(as_f64(r) == 3.0);
    below[0] = i32(4);
    ck_assert_int_eq(call(&fx, "mul_loaded_below", below, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    test_instance_close(&fx);
}
END_TEST

START_TEST(a_fused_load_traps_at_the_load)
{
    fixture fx;
    setup(&fx);
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/vm_fuse.wasm", &size);
    vm_value r, args[2] = { i32(65536 - 4), f64(1.0) };
    ck_assert_int_eq(call(&fx, "mul_loaded", args, 2, &r), VM_TRAP);
    const vm_trap *trap = vm_thread_trap(fx.thread);
    ck_assert_int_eq(trap->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    ck_assert_uint_lt(trap->frames[0].code_offset, size);
    ck_assert_uint_eq(bytes[trap->frames[0].code_offset], 0x2b);   /* f64.load */
    vm_value two[2] = { i32(0xfffffff0), i32(0x40000000) };   /* base + (i << 2) = 0xfffffff0 */
    ck_assert_int_eq(call(&fx, "load_scaled", two, 2, &r), VM_TRAP);
    trap = vm_thread_trap(fx.thread);
    ck_assert_uint_eq(bytes[trap->frames[0].code_offset], 0x28);   /* i32.load */
    free(bytes);
    test_instance_close(&fx);
}
END_TEST

START_TEST(copies_in_a_row_join)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "swap3", "COPY2"));
    ck_assert(has_op(&fx, "swap3", "LOOP_I32_LT_U_II"));
    vm_value r[3], args[3] = { i32(1), i32(2), i32(3) };
    ck_assert_int_eq(vm_call(fx.thread, vm_instance_func(fx.inst, "swap3"), args, 3, r, 3), VM_DONE);
    ck_assert_uint_eq(r[0].of.i32, 2);   /* (a, b, c) → (b, c, a), rotated in a loop of 4 */
    ck_assert_uint_eq(r[1].of.i32, 3);
    ck_assert_uint_eq(r[2].of.i32, 1);
    test_instance_close(&fx);
}
END_TEST

START_TEST(chained_results_use_the_accumulator)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "chain", "I32_SUB_A"));
    ck_assert(has_op(&fx, "chain", "I32_XOR_A_IMM"));
    ck_assert(has_op(&fx, "chain", "I32_ROTL_A_IMM"));
    ck_assert(has_op(&fx, "chain_div", "I32_DIV_S_A"));
    ck_assert(has_op(&fx, "chain_f64", "F64_ADD_A"));
    vm_value r, args[3] = { i32(123456), i32(789), i32(1000) };
    ck_assert_int_eq(call(&fx, "chain", args, 3, &r), VM_DONE);
    uint32_t x = (123456u * 789u - 1000u) ^ 0x5a5a5a5au;
    ck_assert_uint_eq(r.of.i32, x << 7 | x >> 25);
    args[0] = i32(41);
    args[1] = i32(-6);
    ck_assert_int_eq(call(&fx, "chain_div", args, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, (uint32_t)-7);
    args[1] = i32(0);
    ck_assert_int_eq(call(&fx, "chain_div", args, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_DIVIDE_BY_ZERO);
    args[0] = i32(0x7fffffff);   /* + 1 = INT_MIN, / -1 overflows */
    args[1] = i32(-1);
    ck_assert_int_eq(call(&fx, "chain_div", args, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_INTEGER_OVERFLOW);
    vm_value xy[2] = { f64(3.0), f64(4.0) };
    ck_assert_int_eq(call(&fx, "chain_f64", xy, 2, &r), VM_DONE);
    ck_assert(as_f64(r) == 5.0);
    test_instance_close(&fx);
}
END_TEST

START_TEST(a_fused_loop_runs_the_same_in_fuel_slices)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "sieve", "I32_STORE8_IMM"));
    ck_assert(has_op(&fx, "sieve", "I32_STORE8_ADD_IMM"));
    ck_assert(has_op(&fx, "sieve", "LOOP_I32_LE_S_IS"));   /* i = i + 1; br_if (i <= n) */
    vm_value r, n = i32(10000);
    ck_assert_int_eq(call(&fx, "sieve", &n, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1229);   /* primes below 10,000 */
    static const uint64_t slices[] = { 1, 7, 1000 };
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        ck_assert_int_eq(vm_call_start(fx.thread, vm_instance_func(fx.inst, "sieve"), &n, 1), VM_DONE);
        vm_status st;
        int stops = 0;
        while ((st = vm_run(fx.thread, slices[k])) == VM_OUT_OF_FUEL)
            stops++;
        ck_assert_int_eq(st, VM_DONE);
        ck_assert_int_gt(stops, 0);
        vm_value s;
        vm_thread_results(fx.thread, &s, 1);
        ck_assert_uint_eq(s.of.i32, 1229);
    }
    test_instance_close(&fx);
}
END_TEST

START_TEST(loop_counters_either_way)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "countdown", "LOOP_I32_NE_II"));   /* n = n - 1; br_if n */
    ck_assert(!has_op(&fx, "countdown", "I32_SUB_IMM"));
    ck_assert(has_op(&fx, "count_mirrored", "LOOP_I32_LT_S_IS"));   /* n > i is i < n */
    vm_value r, n = i32(100);
    ck_assert_int_eq(call(&fx, "countdown", &n, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 5050);
    n = i32(1);
    ck_assert_int_eq(call(&fx, "countdown", &n, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1);
    n = i32(30);   /* i = 3, 6, ..., 30: the 10th step leaves 30 > 30 false */
    ck_assert_int_eq(call(&fx, "count_mirrored", &n, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 10);
    n = i32(-7);   /* signed: -7 > 3 is false at once */
    ck_assert_int_eq(call(&fx, "count_mirrored", &n, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1);
    static const uint64_t slices[] = { 1, 7, 1000 };
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        n = i32(1000);
        ck_assert_int_eq(vm_call_start(fx.thread, vm_instance_func(fx.inst, "countdown"), &n, 1), VM_DONE);
        vm_status st;
        while ((st = vm_run(fx.thread, slices[k])) == VM_OUT_OF_FUEL)
            ;
        ck_assert_int_eq(st, VM_DONE);
        vm_thread_results(fx.thread, &r, 1);
        ck_assert_uint_eq(r.of.i32, 500500);
    }
    test_instance_close(&fx);
}
END_TEST

START_TEST(results_stored_back_where_they_were_loaded)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "accumulate", "F64_ADD_RMW"));
    ck_assert(has_op(&fx, "accumulate", "I32_XOR_RMW"));
    ck_assert(has_op(&fx, "accumulate", "I64_ADD_M"));   /* loaded at +24, stored at +16 */
    ck_assert(!has_op(&fx, "accumulate", "I64_ADD_RMW"));
    ck_assert(!has_op(&fx, "accumulate", "F64_STORE"));
    double d = 1.25;
    uint32_t w = 0xff00ff00;
    uint64_t q = 40, old = 7;
    poke_words(&fx, 64, &d, 8, 8);
    poke_words(&fx, 72, &w, 4, 4);
    poke_words(&fx, 80, &old, 8, 8);
    poke_words(&fx, 88, &q, 8, 8);
    vm_value args[4] = { i32(64), f64(2.5), i32(0x0f0f0f0f), i64(2) };
    ck_assert_int_eq(call(&fx, "accumulate", args, 4, NULL), VM_DONE);
    peek_words(&fx, 64, &d, 8, 8);
    peek_words(&fx, 72, &w, 4, 4);
    peek_words(&fx, 80, &old, 8, 8);
    peek_words(&fx, 88, &q, 8, 8);
    ck_assert(d == 3.75);
    ck_assert_uint_eq(w, 0xf00ff00f);
    ck_assert_uint_eq(old, 42);
    ck_assert_uint_eq(q, 40);
    /* Out of bounds: a trap at the load, nothing written. */
    uint8_t last[4] = { 1, 2, 3, 4 }, after[4];
    poke(&fx, 65536 - 4, last, 4);
    args[0] = i32(65536 - 4);
    ck_assert_int_eq(call(&fx, "accumulate", args, 4, NULL), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    peek(&fx, 65536 - 4, after, 4);
    ck_assert_mem_eq(after, last, 4);
    test_instance_close(&fx);
}
END_TEST

START_TEST(two_counters_step_together)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "copy_words", "I32_ADD_IMM+"));   /* the pair I32_ADD_IMM, I32_ADD_IMM */
    ck_assert(has_op(&fx, "copy_words", "LOOP_I32_NE_IS"));
    uint32_t src[5] = { 10, 20, 30, 40, 50 }, dst[5] = { 0 };
    poke_words(&fx, 256, src, sizeof src, 4);
    poke_words(&fx, 512, dst, sizeof dst, 4);
    vm_value args[3] = { i32(512), i32(256), i32(4) };
    ck_assert_int_eq(call(&fx, "copy_words", args, 3, NULL), VM_DONE);
    peek_words(&fx, 512, dst, sizeof dst, 4);
    ck_assert_uint_eq(dst[0], 10);
    ck_assert_uint_eq(dst[3], 40);
    ck_assert_uint_eq(dst[4], 0);   /* n = 4 words only */
    test_instance_close(&fx);
}
END_TEST

static uint32_t rotl(uint32_t x, unsigned k) { return x << k | x >> (32 - k); }

START_TEST(pairs_run_as_one)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "sigma", "I32_ROTL_IMM+++"));   /* a quad: rotl, rotl, xor, rotl */
    ck_assert(has_op(&fx, "sigma", "I32_XOR_A+"));          /* a pair: xor, add */
    ck_assert(has_op(&fx, "mix3", "I32_XOR_A++"));          /* a triple: xor, add, add */
    vm_value m, mix[4] = { i32(123457), i32(0x9e3779b9), i32(77), i32(0xffffff00) };
    ck_assert_int_eq(call(&fx, "mix3", mix, 4, &m), VM_DONE);
    ck_assert_uint_eq(m.of.i32, 0xffffff00u + (77u + ((123457u * 0x9e3779b9u) ^ 0x9e3779b9u)));
    /* A group that ends in a branch: taken and not taken, and a trap in
     * the group's load. */
    ck_assert(has_op(&fx, "count_set", "I32_LOAD8_U+"));   /* I32_LOAD8_U, BR_UNLESS */
    static const uint8_t bytes[10] = { 1, 0, 0, 7, 0, 255, 0, 0, 1, 0 };
    poke(&fx, 300, bytes, sizeof bytes);
    vm_value span[2] = { i32(300), i32(310) };
    ck_assert_int_eq(call(&fx, "count_set", span, 2, &m), VM_DONE);
    ck_assert_uint_eq(m.of.i32, 4);
    span[0] = i32(65534);
    span[1] = i32(65537);
    ck_assert_int_eq(call(&fx, "count_set", span, 2, &m), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    static const uint32_t inputs[][3] = {
        { 0x6a09e667, 0xbb67ae85, 0x3c6ef372 }, { 0, 0xffffffff, 1 }, { 0x80000001, 0x7fffffff, 0xdeadbeef },
    };
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        uint32_t x = inputs[k][0], y = inputs[k][1], z = inputs[k][2];
        vm_value r, args[3] = { i32(x), i32(y), i32(z) };
        ck_assert_int_eq(call(&fx, "sigma", args, 3, &r), VM_DONE);
        uint32_t want = z + (rotl(x, 26) ^ rotl(x, 21) ^ rotl(x, 7)) + ((x & y) ^ (~x & z));
        ck_assert_uint_eq(r.of.i32, want);
    }
    /* The copy paired with the shift, then the shift went into I32_LOAD_IDX:
     * that pair came undone, and the copy pairs with the load instead. */
    ck_assert(has_op(&fx, "copy_then_index", "I32_LOAD_IDX"));
    ck_assert(!has_op(&fx, "copy_then_index", "I32_SHL_IMM"));
    ck_assert(has_op(&fx, "copy_then_index", "COPY+"));   /* COPY, I32_LOAD_IDX */
    uint32_t w = 1000;
    poke_words(&fx, 128 + 3 * 4, &w, 4, 4);
    vm_value r, args[3] = { i32(7), i32(128), i32(3) };
    ck_assert_int_eq(call(&fx, "copy_then_index", args, 3, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 1007);
    ck_assert(has_op(&fx, "pair_after_v128", "I32_ADD_IMM+"));
    vm_value v[2] = { i32(64), i32(10) };
    ck_assert_int_eq(call(&fx, "pair_after_v128", v, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 11 + 66 + 4);
    test_instance_close(&fx);
}
END_TEST

/* Runs `name` in slices of `slice` fuel; returns its result and, in
 * *stops, how many times it ran out. */
static uint32_t run_in_slices(fixture *fx, const char *name, const vm_value *args, uint32_t n, uint64_t slice,
                              int *stops)
{
    ck_assert_int_eq(vm_call_start(fx->thread, vm_instance_func(fx->inst, name), args, n), VM_DONE);
    vm_status st;
    *stops = 0;
    while ((st = vm_run(fx->thread, slice)) == VM_OUT_OF_FUEL)
        (*stops)++;
    ck_assert_int_eq(st, VM_DONE);
    vm_value r;
    vm_thread_results(fx->thread, &r, 1);
    return r.of.i32;
}

/* mark(base, j, step, limit) must have zeroed bytes base + j, + step, ...
 * up to base + limit of 200 ones written at base, and nothing else. */
static void check_marked(fixture *fx, uint32_t base, uint32_t j, uint32_t step, uint32_t limit)
{
    uint8_t got[200];
    peek(fx, base, got, sizeof got);
    for (uint32_t i = 0; i < sizeof got; i++)
        ck_assert_uint_eq(got[i], i >= j && i <= limit && (i - j) % step == 0 ? 0 : 1);
}

static void fill_ones(fixture *fx, uint32_t at, size_t n)
{
    uint8_t ones[4096];
    memset(ones, 1, sizeof ones);
    ck_assert_uint_le(n, sizeof ones);
    poke(fx, at, ones, n);
}

START_TEST(a_loop_in_one_group_runs_as_one)
{
    fixture fx;
    setup(&fx);
    /* A strided fill whose whole loop is one group, its counter in a
     * register: the result, the bytes, and the fuel it takes. */
    ck_assert(has_op(&fx, "mark", "I32_STORE8_IDX_IMM+"));
    ck_assert(!has_op(&fx, "mark_plain", "I32_STORE8_IDX_IMM+"));
    vm_value r, args[4] = { i32(1000), i32(3), i32(7), i32(150) };
    fill_ones(&fx, 1000, 200);
    ck_assert_int_eq(call(&fx, "mark", args, 4, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 157);
    check_marked(&fx, 1000, 3, 7, 150);
    static const uint64_t slices[] = { 1, 7, 1000 };
    vm_value long_run[4] = { i32(4096), i32(0), i32(1), i32(3999) };
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        int grouped, plain;
        fill_ones(&fx, 4096, 4000);
        ck_assert_uint_eq(run_in_slices(&fx, "mark", long_run, 4, slices[k], &grouped), 4000);
        uint8_t bytes[4001];
        peek(&fx, 4096, bytes, sizeof bytes);
        for (size_t i = 0; i < 4000; i++)
            ck_assert_uint_eq(bytes[i], 0);
        ck_assert_uint_eq(bytes[4000], 0);   /* untouched: zero from the start */
        ck_assert_uint_eq(run_in_slices(&fx, "mark_plain", long_run, 4, slices[k], &plain), 4000);
        ck_assert_int_gt(grouped, 0);
        ck_assert_int_eq(grouped, plain);   /* one unit per branch back, as unfused */
    }
    /* Out of bounds half way: the bytes before the trap are written. */
    fill_ones(&fx, 65536 - 200, 200);
    vm_value edge[4] = { i32(65536 - 200), i32(2), i32(3), i32(400) };
    ck_assert_int_eq(call(&fx, "mark", edge, 4, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    check_marked(&fx, 65536 - 200, 2, 3, 199);

    /* A tail counting from another local than the one it writes: not a
     * counted store loop but a looping group on the slots — one store at
     * base + k, then at k + step for ever. */
    fill_ones(&fx, 1000, 200);
    vm_value once[4] = { i32(1000), i32(10), i32(5), i32(12) };
    ck_assert_int_eq(call(&fx, "mark_from", once, 4, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 15);
    check_marked(&fx, 1000, 10, 1000, 10);
    fill_ones(&fx, 1000, 200);
    vm_value forever[4] = { i32(1000), i32(10), i32(5), i32(100) };
    ck_assert_int_eq(vm_call_start(fx.thread, vm_instance_func(fx.inst, "mark_from"), forever, 4), VM_DONE);
    ck_assert_int_eq(vm_run(fx.thread, 1000), VM_OUT_OF_FUEL);
    check_marked(&fx, 1000, 10, 5, 15);

    /* The counter as the address's index, not its base. */
    ck_assert(has_op(&fx, "mark_indexed", "I32_STORE8_IDX_IMM+"));
    fill_ones(&fx, 1000, 200);
    vm_value indexed[4] = { i32(1000), i32(5), i32(9), i32(190) };
    ck_assert_int_eq(call(&fx, "mark_indexed", indexed, 4, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 194);
    check_marked(&fx, 1000, 5, 9, 190);
    /* A step that is the counter itself: 3, 6, 12, ..., 96; then 192. */
    ck_assert(has_op(&fx, "mark_doubling", "I32_STORE8_IDX_IMM+"));
    fill_ones(&fx, 1000, 200);
    vm_value doubling[3] = { i32(1000), i32(3), i32(100) };
    ck_assert_int_eq(call(&fx, "mark_doubling", doubling, 3, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 192);
    uint8_t got[200];
    peek(&fx, 1000, got, sizeof got);
    for (uint32_t i = 0; i < sizeof got; i++)
        ck_assert_uint_eq(got[i], i == 3 || i == 6 || i == 12 || i == 24 || i == 48 || i == 96 ? 0 : 1);

    /* A word fill: a plain address, an immediate step, a bound in a slot;
     * in fuel slices; and running off the end of memory. */
    ck_assert(has_op(&fx, "zero_words", "I32_STORE_IMM+"));
    static const uint64_t word_slices[] = { 1, 7, 100 };   /* 998 words */
    for (size_t k = 0; k < sizeof word_slices / sizeof word_slices[0]; k++) {
        int stops;
        fill_ones(&fx, 40960, 4096);
        vm_value words_args[2] = { i32(40960 + 8), i32(40960 + 4000) };
        ck_assert_uint_eq(run_in_slices(&fx, "zero_words", words_args, 2, word_slices[k], &stops), 40960 + 4000);
        ck_assert_int_gt(stops, 0);
        uint8_t bytes[4096];
        peek(&fx, 40960, bytes, sizeof bytes);
        for (size_t i = 0; i < sizeof bytes; i++)
            ck_assert_uint_eq(bytes[i], i >= 8 && i < 4000 ? 0 : 1);
    }
    fill_ones(&fx, 65536 - 64, 64);
    vm_value past_end[2] = { i32(65536 - 62), i32(70000) };
    ck_assert_int_eq(call(&fx, "zero_words", past_end, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    uint8_t tail_bytes[64];
    peek(&fx, 65536 - 64, tail_bytes, sizeof tail_bytes);
    for (size_t i = 0; i < sizeof tail_bytes; i++)   /* the 15 whole words written, not the last 2 bytes */
        ck_assert_uint_eq(tail_bytes[i], i >= 2 && i < 62 ? 0 : 1);

    /* A scan ending in a compare-and-branch back: a short one, a long one
     * in fuel slices, and one that runs off the end of memory. */
    ck_assert(has_op(&fx, "scan_below", "I32_ADD_IMM+++"));
    static const uint32_t words[] = { 1, 2, 3, 10, 4 };
    poke_words(&fx, 2000, words, sizeof words, 4);
    vm_value scan[2] = { i32(1996), i32(5) };
    ck_assert_int_eq(call(&fx, "scan_below", scan, 2, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i32, 4);
    uint32_t stop = 1000;
    poke_words(&fx, 8000 + 4 * 3000, &stop, 4, 4);   /* zeros below it: 3000 of them */
    vm_value far[2] = { i32(8000 - 4), i32(1000) };
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        int stops;
        ck_assert_uint_eq(run_in_slices(&fx, "scan_below", far, 2, slices[k], &stops), 3001);
        ck_assert_int_gt(stops, 0);
    }
    vm_value off[2] = { i32(65536 - 64), i32(0x7fffffff) };
    ck_assert_int_eq(call(&fx, "scan_below", off, 2, &r), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx.thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    test_instance_close(&fx);
}
END_TEST

/* Is op a branch? In a group it may only come last: the group's bodies
 * run one after the other, so nothing may follow a jump. */
static bool is_branch(vm_opcode op)
{
#define FUSED(NAME, ...) op == VM_OP_BR_IF_##NAME || op == VM_OP_BR_IF_##NAME##_IMM || \
    op == VM_OP_BR_IF_##NAME##_BACK || op == VM_OP_BR_IF_##NAME##_IMM_BACK ||
#define LOOP(NAME, ...) op == VM_OP_LOOP_##NAME##_SS || op == VM_OP_LOOP_##NAME##_SI || \
    op == VM_OP_LOOP_##NAME##_IS || op == VM_OP_LOOP_##NAME##_II ||
    return VM_COMPARES(FUSED) VM_I32_COMPARES(LOOP) op == VM_OP_BR || op == VM_OP_BR_BACK ||
           op == VM_OP_BR_IF || op == VM_OP_BR_IF_BACK || op == VM_OP_BR_UNLESS;
#undef FUSED
#undef LOOP
}

START_TEST(groups_branch_only_last)
{
#define PAIR(A, B) ck_assert_msg(!is_branch(VM_OP_##A), "pair " #A ", " #B);
#define TRIPLE(A, B, C) ck_assert_msg(!is_branch(VM_OP_##A) && !is_branch(VM_OP_##B), "triple " #A);
#define QUAD(A, B, C, D) \
    ck_assert_msg(!is_branch(VM_OP_##A) && !is_branch(VM_OP_##B) && !is_branch(VM_OP_##C), "quad " #A);
    VM_PAIRS(PAIR) VM_TRIPLES(TRIPLE) VM_QUADS(QUAD)
#undef PAIR
#undef TRIPLE
#undef QUAD
    /* Pairs with the same first stand together (the translator finds them by it). */
    static const vm_opcode firsts[] = {
#define FIRST(A, B) VM_OP_##A,
        VM_PAIRS(FIRST)
#undef FIRST
    };
    size_t n = sizeof firsts / sizeof firsts[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 2; j < n; j++)
            ck_assert_msg(firsts[j] != firsts[i] || firsts[j - 1] == firsts[i], "pairs of one first apart at %zu", j);
}
END_TEST

Suite *fuse_suite(void)
{
    Suite *s = suite_create("fuse");
    TCase *tc = tcase_create("superinstructions");
    tcase_add_test(tc, indexed_addresses_wrap_at_32_bits);
    tcase_add_test(tc, what_cannot_fold_stays_right);
    tcase_add_test(tc, constants_are_stored_at_every_width);
    tcase_add_test(tc, operands_loaded_from_memory);
    tcase_add_test(tc, a_fused_load_traps_at_the_load);
    tcase_add_test(tc, copies_in_a_row_join);
    tcase_add_test(tc, chained_results_use_the_accumulator);
    tcase_add_test(tc, a_fused_loop_runs_the_same_in_fuel_slices);
    tcase_add_test(tc, loop_counters_either_way);
    tcase_add_test(tc, results_stored_back_where_they_were_loaded);
    tcase_add_test(tc, two_counters_step_together);
    tcase_add_test(tc, pairs_run_as_one);
    tcase_add_test(tc, groups_branch_only_last);
    tcase_add_test(tc, a_loop_in_one_group_runs_as_one);
    suite_add_tcase(s, tc);
    return s;
}
