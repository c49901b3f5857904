/* test_multi_memory.c — Check tests for running the multi-memory
 * proposal: the fixtures tests/wasm/multi_memory.wat (three memories of
 * its own) and tests/wasm/multi_memory_imports.wat (two imported memories
 * and one of its own). Loads and stores of every width on memory 1 with
 * their bounds, data segments and memory.init into memory 1, memory.copy
 * between memories (overlapping, out of bounds), each memory growing
 * without disturbing the others, imported memories (also one memory
 * imported twice), a host function reading the caller's memory 1; and
 * that code on memory 0 keeps its fused forms while code on another
 * memory gets the NAME_MEM forms. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

/* A host-order scalar of n bytes written to, or read from, linear memory,
 * which is little-endian on every host (test_le_fix). */
static bool mem_write_le(vm_memory *m, uint64_t at, const void *x, size_t n)
{
    uint8_t b[8];
    memcpy(b, x, n);
    test_le_fix(b, n);
    return vm_memory_write(m, at, b, n);
}

static bool mem_read_le(vm_memory *m, uint64_t at, void *x, size_t n)
{
    if (!vm_memory_read(m, at, x, n))
        return false;
    test_le_fix(x, n);
    return true;
}

#define PAGE 65536u

typedef test_instance fixture;

static vm_value i32(uint32_t v) { return (vm_value){ .type = VM_I32, .of.i32 = v }; }
static vm_value i64(uint64_t v) { return (vm_value){ .type = VM_I64, .of.i64 = v }; }
static vm_value f32_bits(uint32_t v) { return (vm_value){ .type = VM_F32, .of.f32 = v }; }
static vm_value f64_bits(uint64_t v) { return (vm_value){ .type = VM_F64, .of.f64 = v }; }

static void setup(fixture *fx)
{
    test_instance_load(fx, "wasm/multi_memory.wasm", NULL);
    test_instance_start(fx);
}

static vm_status call(fixture *fx, const char *name, const vm_value *args, uint32_t n, vm_value *result)
{
    vm_func *f = vm_instance_func(fx->inst, name);
    ck_assert_msg(f != NULL, "no export %s", name);
    return vm_call(fx->thread, f, args, n, result, result ? 1 : 0);
}

/* Calls name(args) and expects it to return one i32 (or nothing). */
static uint32_t call_i32(fixture *fx, const char *name, const vm_value *args, uint32_t n)
{
    vm_value r = { 0 };
    vm_status st = call(fx, name, args, n, &r);
    ck_assert_msg(st == VM_DONE, "%s trapped: %s", name,
                  st == VM_TRAP ? vm_thread_trap(fx->thread)->message : "?");
    return r.of.i32;
}

static void call_ok(fixture *fx, const char *name, const vm_value *args, uint32_t n)
{
    vm_status st = call(fx, name, args, n, NULL);
    ck_assert_msg(st == VM_DONE, "%s trapped: %s", name,
                  st == VM_TRAP ? vm_thread_trap(fx->thread)->message : "?");
}

static void expect_oob(fixture *fx, const char *name, const vm_value *args, uint32_t n, bool result)
{
    vm_value r;
    ck_assert_int_eq(call(fx, name, args, n, result ? &r : NULL), VM_TRAP);
    ck_assert_int_eq(vm_thread_trap(fx->thread)->kind, VM_TRAP_MEMORY_OUT_OF_BOUNDS);
    ck_assert_str_eq(vm_thread_trap(fx->thread)->message, "out of bounds memory access");
}

static vm_memory *memory(fixture *fx, const char *name)
{
    vm_memory *m = vm_instance_memory(fx->inst, name);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* Does the dump of the function named `func` (name section) contain `op`? */
static bool has_op(fixture *fx, const char *func, const char *op)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    vm_module_dump(fx->module, UINT32_MAX, out);
    fclose(out);
    char heading[80], word[64];
    snprintf(heading, sizeof heading, " %s\n", func);
    snprintf(word, sizeof word, " %s ", op);
    const char *start = strstr(text, heading);
    ck_assert_msg(start != NULL, "no function %s in the dump", func);
    const char *end = strstr(start + 1, "\nfunc ");
    const char *found = strstr(start, word);
    bool in_it = found != NULL && (end == NULL || found < end);
    free(text);
    return in_it;
}

/* The loads of memory 1 and their widths; each reads at address + 1. */
static const struct {
    const char *load, *store;
    uint32_t bytes;
    bool wide;       /* an i64 (or f64) value */
} widths[] = {
    { "i32.load", "i32.store", 4, false },     { "i64.load", "i64.store", 8, true },
    { "f32.load", "f32.store", 4, false },     { "f64.load", "f64.store", 8, true },
    { "i32.load8_u", "i32.store8", 1, false }, { "i32.load16_u", "i32.store16", 2, false },
    { "i64.load8_u", "i64.store8", 1, true },  { "i64.load16_u", "i64.store16", 2, true },
    { "i64.load32_u", "i64.store32", 4, true },
};

static vm_value value_for(const char *store, uint64_t bits)
{
    if (!strcmp(store, "f32.store"))
        return f32_bits((uint32_t)bits);
    if (!strcmp(store, "f64.store"))
        return f64_bits(bits);
    return strncmp(store, "i64", 3) == 0 ? i64(bits) : i32((uint32_t)bits);
}

START_TEST(every_width_on_memory_1)
{
    fixture fx;
    setup(&fx);
    uint64_t pattern = 0xf1e2d3c4b5a69788u;
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        uint64_t mask = widths[i].bytes == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * widths[i].bytes)) - 1;
        vm_value args[2] = { i32(200), value_for(widths[i].store, pattern) };
        call_ok(&fx, widths[i].store, args, 2);
        uint8_t got[8] = { 0 };
        ck_assert(vm_memory_read(memory(&fx, "mem1"), 201, got, widths[i].bytes));
        uint64_t stored = 0;   /* the stored bytes, little-endian */
        for (size_t k = 0; k < widths[i].bytes; k++)
            stored |= (uint64_t)got[k] << (8 * k);
        ck_assert_uint_eq(stored, pattern & mask);
        vm_value r;
        ck_assert_int_eq(call(&fx, widths[i].load, args, 1, &r), VM_DONE);
        ck_assert_uint_eq(widths[i].wide ? r.of.i64 : r.of.i32, pattern & mask);
        /* Memory 0 has nothing there. */
        ck_assert(vm_memory_read(memory(&fx, "mem0"), 201, got, 8));
        ck_assert_uint_eq(got[0] | got[7], 0);

        /* The last address that fits, the first that does not (the
         * offset 1 counts), and one that would wrap around at 2^32. */
        uint32_t last = PAGE - 1 - widths[i].bytes;
        args[0] = i32(last);
        call_ok(&fx, widths[i].store, args, 2);
        ck_assert_int_eq(call(&fx, widths[i].load, args, 1, &r), VM_DONE);
        args[0] = i32(last + 1);
        expect_oob(&fx, widths[i].store, args, 2, false);
        expect_oob(&fx, widths[i].load, args, 1, true);
        args[0] = i32(UINT32_MAX);
        expect_oob(&fx, widths[i].store, args, 2, false);
        expect_oob(&fx, widths[i].load, args, 1, true);
    }
    /* Sign extension of the narrow signed loads. */
    uint8_t bytes[4] = { 0x80, 0x80, 0x00, 0x80 };
    ck_assert(vm_memory_write(memory(&fx, "mem1"), 301, bytes, 4));
    vm_value r, at = i32(300);
    ck_assert_uint_eq(call_i32(&fx, "i32.load8_s", &at, 1), 0xffffff80u);
    ck_assert_uint_eq(call_i32(&fx, "i32.load16_s", &at, 1), 0xffff8080u);
    ck_assert_int_eq(call(&fx, "i64.load8_s", &at, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, 0xffffffffffffff80u);
    ck_assert_int_eq(call(&fx, "i64.load16_s", &at, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, 0xffffffffffff8080u);
    ck_assert_int_eq(call(&fx, "i64.load32_s", &at, 1, &r), VM_DONE);
    ck_assert_uint_eq(r.of.i64, 0xffffffff80008080u);
    test_instance_close(&fx);
}
END_TEST

START_TEST(memory_0_keeps_its_fused_forms)
{
    fixture fx;
    setup(&fx);
    ck_assert(has_op(&fx, "load0_scaled", "I32_LOAD_IDX"));
    ck_assert(has_op(&fx, "load1_scaled", "I32_LOAD_MEM"));
    ck_assert(!has_op(&fx, "load1_scaled", "I32_LOAD_IDX"));
    ck_assert(has_op(&fx, "store0_constant", "I64_STORE_IMM"));
    ck_assert(has_op(&fx, "store1_constant", "I64_STORE_MEM"));
    ck_assert(!has_op(&fx, "store1_constant", "I64_STORE_IMM"));
    ck_assert(has_op(&fx, "add_loaded0", "I32_ADD_M"));
    ck_assert(has_op(&fx, "add_loaded1", "I32_LOAD_MEM"));
    ck_assert(!has_op(&fx, "add_loaded1", "I32_ADD_M"));
    /* The same address in each memory holds a different word. */
    uint32_t w0 = 0x00c0ffee, w1 = 0x00beef00;
    ck_assert(mem_write_le(memory(&fx, "mem0"), 100 + 3 * 4, &w0, 4));
    ck_assert(mem_write_le(memory(&fx, "mem1"), 100 + 3 * 4, &w1, 4));
    vm_value args[2] = { i32(100), i32(3) };
    ck_assert_uint_eq(call_i32(&fx, "load0_scaled", args, 2), w0);
    ck_assert_uint_eq(call_i32(&fx, "load1_scaled", args, 2), w1);
    args[0] = i32(112);
    args[1] = i32(5);
    ck_assert_uint_eq(call_i32(&fx, "add_loaded0", args, 2), w0 + 5);
    ck_assert_uint_eq(call_i32(&fx, "add_loaded1", args, 2), w1 + 5);
    args[0] = i32(400);
    call_ok(&fx, "store1_constant", args, 1);
    uint64_t got = 0;
    ck_assert(mem_read_le(memory(&fx, "mem1"), 400, &got, 8));
    ck_assert_uint_eq(got, UINT64_MAX - 1);
    ck_assert(mem_read_le(memory(&fx, "mem0"), 400, &got, 8));
    ck_assert_uint_eq(got, 0);
    test_instance_close(&fx);
}
END_TEST

START_TEST(data_segments_fill_their_own_memories)
{
    fixture fx;
    setup(&fx);
    char got[16];
    ck_assert(vm_memory_read(memory(&fx, "mem0"), 0, got, 4));
    ck_assert(!memcmp(got, "zero", 4));
    ck_assert(vm_memory_read(memory(&fx, "mem1"), 16, got, 4));
    ck_assert(!memcmp(got, "one!", 4));
    ck_assert(vm_memory_read(memory(&fx, "mem1"), 0, got, 4));
    ck_assert(!memcmp(got, "\0\0\0\0", 4));
    ck_assert(vm_memory_read(memory(&fx, "mem0"), 16, got, 4));
    ck_assert(!memcmp(got, "\0\0\0\0", 4));
    /* memory.init of the passive segment into memory 1. */
    vm_value args[3] = { i32(1000), i32(0), i32(13) };
    call_ok(&fx, "init1", args, 3);
    ck_assert(vm_memory_read(memory(&fx, "mem1"), 1000, got, 13));
    ck_assert(!memcmp(got, "passive bytes", 13));
    ck_assert(vm_memory_read(memory(&fx, "mem0"), 1000, got, 13));
    ck_assert(!memcmp(got, "\0\0\0\0\0\0\0\0\0\0\0\0\0", 13));
    args[0] = i32(PAGE - 12);   /* one byte too many for memory 1 */
    expect_oob(&fx, "init1", args, 3, false);
    /* Memory 2 has no pages: nothing fits, but copying nothing does. */
    args[0] = i32(0);
    args[2] = i32(0);
    call_ok(&fx, "init2", args, 3);
    args[2] = i32(1);
    expect_oob(&fx, "init2", args, 3, false);
    test_instance_close(&fx);
}
END_TEST

START_TEST(copies_between_memories)
{
    fixture fx;
    setup(&fx);
    vm_memory *m0 = memory(&fx, "mem0"), *m1 = memory(&fx, "mem1");
    ck_assert(vm_memory_write(m1, 500, "abcdefgh", 8));
    vm_value args[3] = { i32(600), i32(500), i32(8) };
    call_ok(&fx, "copy_1_to_0", args, 3);
    char got[16];
    ck_assert(vm_memory_read(m0, 600, got, 8));
    ck_assert(!memcmp(got, "abcdefgh", 8));
    ck_assert(vm_memory_read(m1, 600, got, 8));
    ck_assert(!memcmp(got, "\0\0\0\0\0\0\0\0", 8));
    /* Back to memory 1 at a place memory 1 has nothing. */
    args[0] = i32(700);
    args[1] = i32(600);
    call_ok(&fx, "copy_0_to_1", args, 3);
    ck_assert(vm_memory_read(m1, 700, got, 8));
    ck_assert(!memcmp(got, "abcdefgh", 8));
    /* Within memory 1, overlapping both ways. */
    args[0] = i32(702);
    args[1] = i32(700);
    call_ok(&fx, "copy_1_to_1", args, 3);
    ck_assert(vm_memory_read(m1, 700, got, 10));
    ck_assert(!memcmp(got, "ababcdefgh", 10));
    args[0] = i32(700);
    args[1] = i32(702);
    call_ok(&fx, "copy_1_to_1", args, 3);
    ck_assert(vm_memory_read(m1, 700, got, 10));
    ck_assert(!memcmp(got, "abcdefghgh", 10));
    /* Out of bounds on either side traps before writing anything. */
    ck_assert_int_eq(vm_memory_grow(m0, 1), 1);   /* memory 0: 2 pages, memory 1: 1 */
    args[0] = i32(PAGE + 10);
    args[1] = i32(PAGE - 4);
    expect_oob(&fx, "copy_1_to_0", args, 3, false);   /* the source ends past memory 1 */
    ck_assert(vm_memory_read(m0, PAGE + 10, got, 8));
    ck_assert(!memcmp(got, "\0\0\0\0\0\0\0\0", 8));
    args[1] = i32(PAGE - 8);
    call_ok(&fx, "copy_1_to_0", args, 3);             /* fits in both */
    args[0] = i32(PAGE - 4);
    args[1] = i32(500);
    expect_oob(&fx, "copy_0_to_1", args, 3, false);   /* the destination ends past memory 1 */
    ck_assert(vm_memory_read(m1, PAGE - 4, got, 4));
    ck_assert(!memcmp(got, "\0\0\0\0", 4));
    args[0] = i32(2 * PAGE);
    args[2] = i32(0);
    call_ok(&fx, "copy_1_to_0", args, 3);             /* nothing at the very end */
    args[0] = i32(2 * PAGE + 1);
    expect_oob(&fx, "copy_1_to_0", args, 3, false);
    /* From memory 2, which has no pages. */
    args[0] = i32(0);
    args[1] = i32(0);
    call_ok(&fx, "copy_2_to_1", args, 3);
    args[2] = i32(1);
    expect_oob(&fx, "copy_2_to_1", args, 3, false);
    /* memory.fill on memory 1 alone. */
    vm_value fill[3] = { i32(800), i32(0x1ab), i32(3) };
    call_ok(&fx, "fill1", fill, 3);
    ck_assert(vm_memory_read(m1, 799, got, 5));
    ck_assert(!memcmp(got, "\0\xab\xab\xab\0", 5));
    ck_assert(vm_memory_read(m0, 800, got, 3));
    ck_assert(!memcmp(got, "\0\0\0", 3));
    fill[0] = i32(PAGE - 2);
    expect_oob(&fx, "fill1", fill, 3, false);
    test_instance_close(&fx);
}
END_TEST

START_TEST(each_memory_grows_alone)
{
    fixture fx;
    setup(&fx);
    ck_assert_uint_eq(call_i32(&fx, "size0", NULL, 0), 1);
    ck_assert_uint_eq(call_i32(&fx, "size1", NULL, 0), 1);
    ck_assert_uint_eq(call_i32(&fx, "size2", NULL, 0), 0);
    vm_value zero = i32(0), sixteen = i32(16), one = i32(1), two = i32(2), at = i32(PAGE + 5);
    ck_assert_uint_eq(call_i32(&fx, "grow1", &one, 1), 1);
    ck_assert_uint_eq(call_i32(&fx, "size1", NULL, 0), 2);
    ck_assert_uint_eq(call_i32(&fx, "size0", NULL, 0), 1);
    ck_assert_uint_eq(call_i32(&fx, "byte1", &at, 1), 0);
    expect_oob(&fx, "byte0", &at, 1, true);
    ck_assert_uint_eq(call_i32(&fx, "grow0", &two, 1), 1);
    ck_assert_uint_eq(call_i32(&fx, "size0", NULL, 0), 3);
    ck_assert_uint_eq(call_i32(&fx, "size1", NULL, 0), 2);
    ck_assert_uint_eq(call_i32(&fx, "grow1", &two, 1), UINT32_MAX);   /* its maximum is 3 */
    ck_assert_uint_eq(call_i32(&fx, "size1", NULL, 0), 2);
    expect_oob(&fx, "byte2", &zero, 1, true);
    ck_assert_uint_eq(call_i32(&fx, "grow2", &one, 1), 0);
    ck_assert_uint_eq(call_i32(&fx, "byte2", &zero, 1), 0);
    ck_assert_uint_eq(call_i32(&fx, "grow2", &two, 1), UINT32_MAX);   /* its maximum is 2 */
    ck_assert_uint_eq(vm_memory_size(memory(&fx, "mem0")), 3 * PAGE);
    ck_assert_uint_eq(vm_memory_size(memory(&fx, "mem1")), 2 * PAGE);
    ck_assert_uint_eq(vm_memory_size(memory(&fx, "mem2")), PAGE);
    /* The contents stay. */
    ck_assert_uint_eq(call_i32(&fx, "byte0", &zero, 1), 'z');
    ck_assert_uint_eq(call_i32(&fx, "byte1", &sixteen, 1), 'o');
    /* Growing memory 1, then memory 0, inside one function. */
    ck_assert_uint_eq(call_i32(&fx, "grow_between", &zero, 1), 0x5a);
    ck_assert_uint_eq(call_i32(&fx, "size0", NULL, 0), 4);
    ck_assert_uint_eq(call_i32(&fx, "size1", NULL, 0), 3);
    test_instance_close(&fx);
}
END_TEST

/* ---- imported memories ---- */

/* env.peek(p): the i32 at p in the caller's memory 1. */
static vm_host_status peek(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)user;
    vm_memory *m = vm_caller_memory(caller, 1);
    uint32_t v = 0;
    if (m == NULL || !mem_read_le(m, args[0].of.i32, &v, 4))
        return vm_host_trap(caller, "peek out of bounds");
    results[0] = i32(v);
    return VM_HOST_DONE;
}

/* The imports fixture with memories a and b (b may be a). */
static void setup_imports(fixture *fx, vm_memory **a, vm_memory **b, bool same)
{
    test_instance_load(fx, "wasm/multi_memory_imports.wasm", NULL);
    *a = vm_memory_new(fx->store, 1, 4, true);
    *b = same ? *a : vm_memory_new(fx->store, 1, 3, true);
    ck_assert(*a != NULL && *b != NULL);
    static const vm_valtype one_i32[] = { VM_I32 };
    vm_signature sig = { 1, 1, one_i32, one_i32 };
    ck_assert(vm_linker_define_memory(fx->linker, "env", "a", *a));
    ck_assert(vm_linker_define_memory(fx->linker, "env", "b", *b));
    ck_assert(vm_linker_define_host(fx->linker, "env", "peek", &sig, peek, NULL));
    test_instance_start(fx);
}

START_TEST(two_imported_memories)
{
    fixture fx;
    vm_memory *a, *b;
    setup_imports(&fx, &a, &b, false);
    uint32_t wa = 0xaaaa, wb = 0xbbbb;
    ck_assert(mem_write_le(a, 8, &wa, 4));
    ck_assert(mem_write_le(b, 8, &wb, 4));
    vm_value at = i32(8);
    ck_assert_uint_eq(call_i32(&fx, "load_a", &at, 1), wa);
    ck_assert_uint_eq(call_i32(&fx, "load_b", &at, 1), wb);
    ck_assert_uint_eq(call_i32(&fx, "peek_b", &at, 1), wb);
    vm_value store[2] = { i32(12), i32(0x1234) };
    call_ok(&fx, "store_b", store, 2);
    uint32_t got = 0;
    ck_assert(mem_read_le(b, 12, &got, 4));
    ck_assert_uint_eq(got, 0x1234);
    ck_assert(mem_read_le(a, 12, &got, 4));
    ck_assert_uint_eq(got, 0);
    /* Memory 1 grows; memory 0 stays one page. */
    vm_value one = i32(1);
    ck_assert_uint_eq(call_i32(&fx, "grow_b", &one, 1), 1);
    ck_assert_uint_eq(vm_memory_size(b), 2 * PAGE);
    ck_assert_uint_eq(vm_memory_size(a), PAGE);
    ck_assert_uint_eq(call_i32(&fx, "size_a", NULL, 0), 1);
    ck_assert_uint_eq(call_i32(&fx, "size_b", NULL, 0), 2);
    store[0] = i32(PAGE + 4);
    call_ok(&fx, "store_b", store, 2);
    expect_oob(&fx, "store_a", store, 2, false);
    ck_assert_uint_eq(call_i32(&fx, "peek_b", &store[0], 1), 0x1234);
    /* b → a, then a → the module's own memory. */
    vm_value copy[3] = { i32(100), i32(PAGE + 4), i32(4) };
    call_ok(&fx, "copy_b_to_a", copy, 3);
    ck_assert(mem_read_le(a, 100, &got, 4));
    ck_assert_uint_eq(got, 0x1234);
    copy[1] = i32(100);
    call_ok(&fx, "copy_a_to_c", copy, 3);
    ck_assert(mem_read_le(memory(&fx, "c"), 100, &got, 4));
    ck_assert_uint_eq(got, 0x1234);
    /* The maximum of b is 3 pages. */
    vm_value two = i32(2);
    ck_assert_uint_eq(call_i32(&fx, "grow_b", &two, 1), UINT32_MAX);
    test_instance_close(&fx);
}
END_TEST

/* Memories 0 and 1 are the same memory: growing it as memory 1 grows
 * memory 0, which the interpreter keeps in registers. */
START_TEST(one_memory_imported_twice)
{
    fixture fx;
    vm_memory *a, *b;
    setup_imports(&fx, &a, &b, true);
    vm_value store[2] = { i32(8), i32(77) };
    call_ok(&fx, "store_a", store, 2);
    ck_assert_uint_eq(call_i32(&fx, "load_b", &store[0], 1), 77);
    vm_value past = i32(PAGE + 4);
    ck_assert_uint_eq(call_i32(&fx, "grow_b_load_a", &past, 1), 0);
    ck_assert_uint_eq(call_i32(&fx, "size_a", NULL, 0), 2);
    ck_assert_uint_eq(call_i32(&fx, "size_b", NULL, 0), 2);
    test_instance_close(&fx);
}
END_TEST

Suite *multi_memory_suite(void)
{
    Suite *s = suite_create("multi_memory");
    TCase *tc = tcase_create("multi_memory");
    tcase_add_test(tc, every_width_on_memory_1);
    tcase_add_test(tc, memory_0_keeps_its_fused_forms);
    tcase_add_test(tc, data_segments_fill_their_own_memories);
    tcase_add_test(tc, copies_between_memories);
    tcase_add_test(tc, each_memory_grows_alone);
    tcase_add_test(tc, two_imported_memories);
    tcase_add_test(tc, one_memory_imported_twice);
    suite_add_tcase(s, tc);
    return s;
}
