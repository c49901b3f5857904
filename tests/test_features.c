/* test_features.c — Check tests for the proposals beyond Wasm 2.0 that
 * vm_module_load_features() enables one by one: with a feature off the
 * Wasm 2.0 error, with it on extended constant expressions evaluated
 * (wrapping i32/i64 arithmetic, imported globals, segment offsets; the
 * fixture tests/wasm/features_extended_const.wat), bad ones rejected with
 * their exact messages; with multi-memory, several memories and the
 * memory indices of the binary format (memargs, memory.size/grow/copy/
 * fill), which Wasm 2.0 refuses as it always did (running them is
 * test_multi_memory.c's); and tail calls validated (they run in
 * tests/test_tail_call.c). Most modules are built byte by byte here, so
 * every error offset is known. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

/* ---- building modules ---- */

/* A growable byte buffer holding a module being built. */
typedef struct {
    uint8_t *bytes;
    size_t len, cap;
} buf;

static void put(buf *b, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->bytes = realloc(b->bytes, b->cap);
        ck_assert_ptr_nonnull(b->bytes);
    }
    memcpy(b->bytes + b->len, p, n);
    b->len += n;
}

static void put_u8(buf *b, uint8_t x)
{
    put(b, &x, 1);
}

/* Unsigned LEB128. */
static void put_leb(buf *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        put_u8(b, byte | (v ? 0x80 : 0));
    } while (v);
}

static buf new_module(void)
{
    static const uint8_t header[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
    buf b = { 0 };
    put(&b, header, sizeof header);
    return b;
}

/* Appends a section: its id, its size, then the contents. Returns the
 * offset in b where the contents start. */
static size_t put_section(buf *b, uint8_t id, const uint8_t *contents, size_t n)
{
    put_u8(b, id);
    put_leb(b, (uint32_t)n);
    size_t at = b->len;
    put(b, contents, n);
    return at;
}

/* A module of one immutable global of type t initialised by expr (without
 * its `end`); *expr_at gets the offset of expr in the module. */
static buf global_module(vm_valtype t, const uint8_t *expr, size_t n, uint32_t *expr_at)
{
    buf contents = { 0 };
    put_u8(&contents, 1);             /* one global */
    put_u8(&contents, (uint8_t)t);
    put_u8(&contents, 0);             /* immutable */
    put(&contents, expr, n);
    put_u8(&contents, 0x0b);          /* end */
    buf b = new_module();
    *expr_at = (uint32_t)put_section(&b, 6, contents.bytes, contents.len) + 3;
    free(contents.bytes);
    return b;
}

#define EXPR(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

enum { ALL = VM_FEATURES_ALL, NONE = 0 };

/* Loading fails with kind and exactly message. */
static void expect_error(const buf *b, unsigned features, vm_error_kind kind, const char *message)
{
    vm_error err;
    vm_module *m = vm_module_load_features(b->bytes, b->len, features, &err);
    ck_assert_msg(m == NULL, "loaded, expected \"%s\"", message);
    ck_assert_msg(err.kind == kind, "kind %d, expected %d: %s", err.kind, kind, err.message);
    ck_assert_str_eq(err.message, message);
}

/* The same with "0xOFFSET: " before the text. */
static void expect_error_at(const buf *b, unsigned features, vm_error_kind kind, uint32_t offset,
                            const char *text)
{
    char message[256];
    snprintf(message, sizeof message, "0x%x: %s", offset, text);
    expect_error(b, features, kind, message);
}

static void expect_loads(const buf *b, unsigned features)
{
    vm_error err;
    vm_module *m = vm_module_load_features(b->bytes, b->len, features, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    vm_module_free(m);
}

/* ---- features off: Wasm 2.0 ---- */

START_TEST(arithmetic_is_not_constant_in_wasm_2)
{
    uint32_t at;
    buf b = global_module(VM_I32, EXPR(0x41, 0x01, 0x41, 0x02, 0x6a), &at);   /* 1 + 2 */
    expect_error_at(&b, NONE, VM_ERR_INVALID, at + 4, "constant expression required");
    expect_error_at(&b, ALL & ~VM_FEATURE_EXTENDED_CONST, VM_ERR_INVALID, at + 4,
                    "constant expression required");
    expect_loads(&b, VM_FEATURE_EXTENDED_CONST);
    expect_loads(&b, ALL);
    free(b.bytes);

    /* The fixture, which wat2wasm built with the proposal's flag. */
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/features_extended_const.wasm", &size);
    vm_error err;
    ck_assert_ptr_null(vm_module_load_features(bytes, size, NONE, &err));
    ck_assert_int_eq(err.kind, VM_ERR_INVALID);
    ck_assert_msg(strncmp(err.message, "0x", 2) == 0 &&
                      strstr(err.message, ": constant expression required") != NULL,
                  "%s", err.message);
    free(bytes);
}
END_TEST

START_TEST(several_memories_are_invalid_in_wasm_2)
{
    buf two = new_module();
    put_section(&two, 5, EXPR(0x02, 0x00, 0x01, 0x00, 0x01));   /* memories min 1, min 1 */
    expect_error(&two, NONE, VM_ERR_INVALID, "0x0: multiple memories");
    expect_error(&two, ALL & ~VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, "0x0: multiple memories");

    buf imported = new_module();   /* (import "m" "n" (memory 1)) (memory 1) */
    put_section(&imported, 2, EXPR(0x01, 0x01, 'm', 0x01, 'n', 0x02, 0x00, 0x01));
    put_section(&imported, 5, EXPR(0x01, 0x00, 0x01));
    expect_error(&imported, NONE, VM_ERR_INVALID, "0x0: multiple memories");
    free(two.bytes);
    free(imported.bytes);
}
END_TEST

/* ---- extended constant expressions evaluated ---- */

static vm_value global_value(const test_instance *t, const char *name)
{
    vm_global *g = vm_instance_global(t->inst, name);
    ck_assert_msg(g != NULL, "no global %s", name);
    return vm_global_get(g);
}

START_TEST(extended_constants_are_evaluated)
{
    test_instance t;
    test_instance_load(&t, "wasm/features_extended_const.wasm", NULL);
    vm_value base = { .type = VM_I32, .of.i32 = 1000 };
    vm_value base64 = { .type = VM_I64, .of.i64 = 50 };
    ck_assert(vm_linker_define_global(t.linker, "env", "base", vm_global_new(t.store, base, false)));
    ck_assert(vm_linker_define_global(t.linker, "env", "base64",
                                      vm_global_new(t.store, base64, false)));
    test_instance_start(&t);

    ck_assert_uint_eq(global_value(&t, "wrap_add").of.i32, 0x80000000u);
    ck_assert_uint_eq(global_value(&t, "wrap_sub").of.i32, 0xffffffffu);
    ck_assert_uint_eq(global_value(&t, "wrap_mul").of.i32, 0x10000u);   /* 2^32 + 2^16 wraps */
    ck_assert_uint_eq(global_value(&t, "nested").of.i32, 42);
    ck_assert_uint_eq(global_value(&t, "i64_mix").of.i64, UINT64_C(0x2ffffffff));
    ck_assert_uint_eq(global_value(&t, "i64_wrap").of.i64, UINT64_C(0x8000000000000001));
    ck_assert_uint_eq(global_value(&t, "from_base").of.i32, 1012);
    ck_assert_uint_eq(global_value(&t, "base_wrap").of.i32, 0xe8000000u);   /* 1000 << 24 */
    ck_assert_uint_eq(global_value(&t, "from_base64").of.i64, (uint64_t)-50);

    /* The data segment went to base + 16, the element to base - 997. */
    char hi[2];
    ck_assert(vm_memory_read(vm_instance_memory(t.inst, "memory"), 1016, hi, 2));
    ck_assert_mem_eq(hi, "hi", 2);
    vm_table *table = vm_instance_table(t.inst, "table");
    vm_value ref;
    ck_assert(vm_table_get(table, 3, &ref));
    ck_assert_ptr_nonnull(ref.of.func);
    ck_assert(vm_table_get(table, 2, &ref));
    ck_assert_ptr_null(ref.of.func);
    vm_value arg = { .type = VM_I32, .of.i32 = 3 }, result;
    ck_assert_int_eq(vm_call(t.thread, vm_instance_func(t.inst, "call"), &arg, 1, &result, 1),
                     VM_DONE);
    ck_assert_uint_eq(result.of.i32, 7);
    test_instance_close(&t);
}
END_TEST

/* 1 + 1 + ... + 1 as `depth` constants followed by depth - 1 adds: the
 * stack holds `depth` operands before the first add. */
static buf deep_sum(uint32_t depth, uint32_t *expr_at)
{
    buf expr = { 0 };
    for (uint32_t i = 0; i < depth; i++)
        put(&expr, EXPR(0x41, 0x01));
    for (uint32_t i = 1; i < depth; i++)
        put_u8(&expr, 0x6a);
    buf b = global_module(VM_I32, expr.bytes, expr.len, expr_at);
    put_section(&b, 7, EXPR(0x01, 0x01, 'g', 0x03, 0x00));   /* (export "g" (global 0)) */
    free(expr.bytes);
    return b;
}

START_TEST(the_operand_stack_is_bounded)
{
    uint32_t at;
    buf b = deep_sum(1024, &at);
    vm_error err;
    vm_module *m = vm_module_load(b.bytes, b.len, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    vm_store *s = vm_store_new(NULL);
    vm_instance *inst = vm_instantiate(s, m, NULL, &err);
    ck_assert_msg(inst != NULL, "%s", err.message);
    ck_assert_uint_eq(vm_global_get(vm_instance_global(inst, "g")).of.i32, 1024);
    vm_store_free(s);
    vm_module_free(m);
    free(b.bytes);

    b = deep_sum(1025, &at);
    expect_error_at(&b, ALL, VM_ERR_INVALID, at + 1024 * 2,
                    "constant expression too deep (more than 1024 operands)");
    free(b.bytes);
}
END_TEST

/* ---- bad extended constant expressions ---- */

typedef struct {
    const char *what;
    vm_valtype type;      /* of the global */
    uint8_t expr[24];
    size_t len;
    uint32_t error_at;    /* offset in the expression */
    const char *text;
} bad_expr;

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define F32_ONE 0x43, 0x00, 0x00, 0x80, 0x3f

static const bad_expr bad_exprs[] = {
    { "one operand", VM_I32, B(0x41, 0x01, 0x6a), 2,
      "type mismatch: i32.add needs two i32 operands" },
    { "no operand", VM_I32, B(0x6b), 0, "type mismatch: i32.sub needs two i32 operands" },
    { "i64 operands of i32.mul", VM_I32, B(0x42, 0x01, 0x42, 0x02, 0x6c), 4,
      "type mismatch: i32.mul needs two i32 operands" },
    { "an i32 operand of i64.add", VM_I64, B(0x41, 0x01, 0x42, 0x02, 0x7c), 4,
      "type mismatch: i64.add needs two i64 operands" },
    { "an f32 operand of i64.sub", VM_I64, B(F32_ONE, 0x42, 0x02, 0x7d), 7,
      "type mismatch: i64.sub needs two i64 operands" },
    { "an i64 result for an i32 global", VM_I32, B(0x42, 0x01, 0x42, 0x02, 0x7e), 0,
      "type mismatch: expected i32, got i64" },
    { "two values left", VM_I32, B(0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x6a), 0,
      "type mismatch: expected one i32, the expression leaves 2 values" },
    { "a nop", VM_I32, B(0x01), 0, "constant expression required" },
    { "i32.div_s", VM_I32, B(0x41, 0x01, 0x41, 0x02, 0x6d), 4, "constant expression required" },
    { "i32.and", VM_I32, B(0x41, 0x01, 0x41, 0x02, 0x71), 4, "constant expression required" },
    { "f32.add", VM_F32, B(F32_ONE, F32_ONE, 0x92), 10, "constant expression required" },
    { "a nop after the sum", VM_I32, B(0x41, 0x01, 0x41, 0x02, 0x6a, 0x01), 5,
      "constant expression required" },
    { "global.get of an unknown global", VM_I32, B(0x23, 0x00, 0x41, 0x02, 0x6a), 0,
      "unknown global 0" },
};

START_TEST(bad_extended_constants_are_rejected)
{
    const bad_expr *c = &bad_exprs[_i];
    uint32_t at;
    buf b = global_module(c->type, c->expr, c->len, &at);
    char message[256];
    snprintf(message, sizeof message, "0x%x: %s", at + c->error_at, c->text);
    vm_error err;
    vm_module *m = vm_module_load_features(b.bytes, b.len, VM_FEATURE_EXTENDED_CONST, &err);
    ck_assert_msg(m == NULL, "%s: loaded", c->what);
    ck_assert_int_eq(err.kind, VM_ERR_INVALID);
    ck_assert_msg(strcmp(err.message, message) == 0, "%s: got \"%s\", want \"%s\"", c->what,
                  err.message, message);
    free(b.bytes);
}
END_TEST

START_TEST(an_empty_expression_is_a_type_mismatch)
{
    uint32_t at;
    buf b = global_module(VM_I64, NULL, 0, &at);
    expect_error_at(&b, ALL, VM_ERR_INVALID, at, "type mismatch: expected i64, the expression is empty");
    free(b.bytes);
}
END_TEST

/* An element item must be a reference: arithmetic is not constant in Wasm
 * 2.0 and of the wrong type with the proposal. */
START_TEST(element_items_need_references)
{
    buf b = new_module();   /* (elem funcref (item (i32.add (i32.const 0) (i32.const 0)))) */
    size_t at = put_section(&b, 9, EXPR(0x01, 0x05, 0x70, 0x01, 0x41, 0x00, 0x41, 0x00, 0x6a, 0x0b));
    uint32_t expr_at = (uint32_t)at + 4;
    expect_error_at(&b, NONE, VM_ERR_INVALID, expr_at + 4, "constant expression required");
    expect_error_at(&b, ALL, VM_ERR_INVALID, expr_at, "type mismatch: expected funcref, got i32");
    free(b.bytes);
}
END_TEST

/* ---- multi-memory ---- */

START_TEST(several_memories_load_with_the_feature)
{
    buf two = new_module();
    put_section(&two, 5, EXPR(0x02, 0x00, 0x01, 0x00, 0x01));
    expect_loads(&two, VM_FEATURE_MULTI_MEMORY);
    expect_loads(&two, ALL);
    /* A data segment for memory 1 is valid with two memories ... */
    put_section(&two, 11, EXPR(0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00));
    expect_loads(&two, ALL);
    free(two.bytes);
    /* ... but not for memory 2, nor with a single memory. */
    buf bad = new_module();
    put_section(&bad, 5, EXPR(0x02, 0x00, 0x01, 0x00, 0x01));
    put_section(&bad, 11, EXPR(0x01, 0x02, 0x02, 0x41, 0x00, 0x0b, 0x00));
    expect_error(&bad, ALL, VM_ERR_INVALID, "0x0: unknown memory 2");
    free(bad.bytes);
    buf one = new_module();
    put_section(&one, 5, EXPR(0x01, 0x00, 0x01));
    put_section(&one, 11, EXPR(0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00));
    expect_error(&one, ALL, VM_ERR_INVALID, "0x0: unknown memory 1");
    expect_error(&one, NONE, VM_ERR_INVALID, "0x0: unknown memory 1");
    free(one.bytes);
    /* An imported and a defined memory count as two. */
    buf imported = new_module();
    put_section(&imported, 2, EXPR(0x01, 0x01, 'm', 0x01, 'n', 0x02, 0x00, 0x01));
    put_section(&imported, 5, EXPR(0x01, 0x00, 0x01));
    expect_loads(&imported, VM_FEATURE_MULTI_MEMORY);
    free(imported.bytes);
}
END_TEST

/* A module of n one-page memories and one function [] -> [] whose body
 * is `code` (then `end`); *code_at gets the offset of code in it. */
static buf memory_module(uint32_t n, const uint8_t *code, size_t len, uint32_t *code_at)
{
    ck_assert_uint_lt(len, 120);   /* the body's size fits in one LEB128 byte */
    buf b = new_module();
    put_section(&b, 1, EXPR(0x01, 0x60, 0x00, 0x00));   /* type [] -> [] */
    put_section(&b, 3, EXPR(0x01, 0x00));               /* one function */
    buf memories = { 0 };
    put_leb(&memories, n);
    for (uint32_t i = 0; i < n; i++)
        put(&memories, (const uint8_t[]){ 0x00, 0x01 }, 2);
    put_section(&b, 5, memories.bytes, memories.len);
    buf body = { 0 };
    put_u8(&body, 1);                   /* one body */
    put_u8(&body, (uint8_t)(len + 2));  /* its size */
    put_u8(&body, 0);                   /* no locals */
    put(&body, code, len);
    put_u8(&body, 0x0b);
    *code_at = (uint32_t)put_section(&b, 10, body.bytes, body.len) + 3;
    free(memories.bytes);
    free(body.bytes);
    return b;
}

#define MODULE(n, at, ...) memory_module(n, EXPR(__VA_ARGS__), &(at))

/* With multi-memory, bit 6 of a memarg's alignment says a memory index
 * follows; in Wasm 2.0 it is just a (too large) alignment. */
START_TEST(memargs_name_memories)
{
    uint32_t at;
    /* i32.const 0, i32.load (align 4, memory 1, offset 0), drop */
    buf b = MODULE(2, at, 0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1a);
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    free(b.bytes);
    b = MODULE(2, at, 0x41, 0x00, 0x28, 0x42, 0x02, 0x00, 0x1a);
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, at + 2, "unknown memory 2");
    free(b.bytes);
    b = MODULE(2, at, 0x41, 0x00, 0x28, 0x43, 0x01, 0x00, 0x1a);   /* align 8 */
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, at + 2,
                    "alignment must not be larger than natural");
    free(b.bytes);
    /* Memory 0 named explicitly. */
    b = MODULE(1, at, 0x41, 0x00, 0x28, 0x42, 0x00, 0x00, 0x1a);
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    expect_error_at(&b, NONE, VM_ERR_INVALID, at + 2, "alignment must not be larger than natural");
    free(b.bytes);
    /* Flags of 2^7 or more are no memarg with the proposal. */
    b = MODULE(1, at, 0x41, 0x00, 0x28, 0x82, 0x01, 0x00, 0x1a);
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_MALFORMED, at + 2,
                    "malformed memop flags: 0x82 (at most 0x7f)");
    expect_error_at(&b, NONE, VM_ERR_INVALID, at + 2, "alignment must not be larger than natural");
    free(b.bytes);
}
END_TEST

/* memory.size/grow/fill/copy take memory indices (u32, any LEB128
 * length) with the proposal, a zero byte in Wasm 2.0. */
START_TEST(memory_instructions_name_memories)
{
    uint32_t at;
    buf b = MODULE(1, at, 0x3f, 0x01, 0x1a);   /* memory.size 1, drop */
    expect_error_at(&b, NONE, VM_ERR_MALFORMED, at, "zero byte expected");
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, at, "unknown memory 1");
    free(b.bytes);
    b = MODULE(2, at, 0x3f, 0x01, 0x1a);
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    free(b.bytes);
    b = MODULE(1, at, 0x3f, 0x80, 0x00, 0x1a);   /* a long zero */
    expect_error_at(&b, NONE, VM_ERR_MALFORMED, at, "zero byte expected");
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    free(b.bytes);
    /* i32.const 0 three times, memory.copy 1 0 */
    b = MODULE(2, at, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x01, 0x00);
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    free(b.bytes);
    b = MODULE(1, at, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x01);
    expect_error_at(&b, NONE, VM_ERR_MALFORMED, at + 6, "zero byte expected");
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, at + 6, "unknown memory 1");
    free(b.bytes);
    /* i32.const 0, memory.grow 1, drop: memory 1 of three */
    b = MODULE(3, at, 0x41, 0x00, 0x40, 0x01, 0x1a);
    expect_loads(&b, VM_FEATURE_MULTI_MEMORY);
    free(b.bytes);
    b = MODULE(2, at, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x02);   /* memory.fill 2 */
    expect_error_at(&b, VM_FEATURE_MULTI_MEMORY, VM_ERR_INVALID, at + 6, "unknown memory 2");
    free(b.bytes);
}
END_TEST

/* ---- tail calls ---- */

/* (func (return_call 0)): an illegal opcode in Wasm 2.0; valid with the
 * proposal, whose rules hold: a known table, the callee's results the
 * caller's. */
START_TEST(tail_calls_need_the_feature)
{
    buf b = new_module();
    put_section(&b, 1, EXPR(0x01, 0x60, 0x00, 0x00));              /* type [] -> [] */
    put_section(&b, 3, EXPR(0x01, 0x00));                          /* one function */
    size_t at = put_section(&b, 10, EXPR(0x01, 0x04, 0x00, 0x12, 0x00, 0x0b));
    uint32_t opcode_at = (uint32_t)at + 3;
    expect_error_at(&b, ALL & ~VM_FEATURE_TAIL_CALL, VM_ERR_MALFORMED, opcode_at, "illegal opcode 0x12");
    vm_error err;
    vm_module *m = vm_module_load_features(b.bytes, b.len, VM_FEATURE_TAIL_CALL, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    vm_module_free(m);
    free(b.bytes);
    /* return_call_indirect 0 0 without a table: unknown table; without
     * the feature, the opcode is illegal first. */
    buf ind = new_module();
    put_section(&ind, 1, EXPR(0x01, 0x60, 0x00, 0x00));
    put_section(&ind, 3, EXPR(0x01, 0x00));
    at = put_section(&ind, 10, EXPR(0x01, 0x07, 0x00, 0x41, 0x00, 0x13, 0x00, 0x00, 0x0b));
    expect_error_at(&ind, NONE, VM_ERR_MALFORMED, (uint32_t)at + 5, "illegal opcode 0x13");
    expect_error_at(&ind, VM_FEATURE_TAIL_CALL, VM_ERR_INVALID, (uint32_t)at + 5, "unknown table 0");
    free(ind.bytes);
    /* Function 0 [] -> [i32] tail-calls function 1 [] -> []: the results differ. */
    buf mismatch = new_module();
    put_section(&mismatch, 1, EXPR(0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00));
    put_section(&mismatch, 3, EXPR(0x02, 0x00, 0x01));
    at = put_section(&mismatch, 10, EXPR(0x02, 0x04, 0x00, 0x12, 0x01, 0x0b, 0x02, 0x00, 0x0b));
    expect_error_at(&mismatch, VM_FEATURE_TAIL_CALL, VM_ERR_INVALID, (uint32_t)at + 3, "type mismatch");
    free(mismatch.bytes);
}
END_TEST

Suite *features_suite(void)
{
    Suite *s = suite_create("features");
    TCase *tc = tcase_create("proposals");
    tcase_add_test(tc, arithmetic_is_not_constant_in_wasm_2);
    tcase_add_test(tc, several_memories_are_invalid_in_wasm_2);
    tcase_add_test(tc, extended_constants_are_evaluated);
    tcase_add_test(tc, the_operand_stack_is_bounded);
    tcase_add_loop_test(tc, bad_extended_constants_are_rejected, 0,
                        (int)(sizeof bad_exprs / sizeof bad_exprs[0]));
    tcase_add_test(tc, an_empty_expression_is_a_type_mismatch);
    tcase_add_test(tc, element_items_need_references);
    tcase_add_test(tc, several_memories_load_with_the_feature);
    tcase_add_test(tc, memargs_name_memories);
    tcase_add_test(tc, memory_instructions_name_memories);
    tcase_add_test(tc, tail_calls_need_the_feature);
    suite_add_tcase(s, tc);
    return s;
}
