/* opcodes.h — the one table of WebAssembly instructions.
 *
 * Every scalar instruction whose meaning is "pop operands, push a result"
 * is listed here once with its encoding, operand and result types and its
 * meaning as a C expression over `a` (and `b`). The validator reads the
 * encodings and types from these lists, the interpreter expands the same
 * lists into its handlers, and the internal opcode enumeration is built
 * from them. Instructions with their own rules (control, variables,
 * memory, tables, references) are listed in VM_SPECIAL_OPS.
 *
 * In expressions, operands have the C type of their wasm type: I32 →
 * uint32_t, I64 → uint64_t, F32 → float, F64 → double; signed operations
 * cast. Helpers come from numeric.h. */
#ifndef WIPPY_VM_OPCODES_H
#define WIPPY_VM_OPCODES_H

#include "vm/opcodes_simd.h"

/* Integer comparisons: X(NAME, opcode, operand type, expression over a
 * and b, the comparison that is true exactly when this one is false, the
 * one that gives the same answer with the operands swapped).
 * Besides their plain form they fuse with a following br_if or if into
 * one compare-and-branch instruction (see VM_FUSED_OPS below). */
#define VM_COMPARES(X) VM_I32_COMPARES(X) VM_I64_COMPARES(X)
#define VM_I32_COMPARES(X) \
    X(I32_EQ,   0x46, I32, a == b, I32_NE, I32_EQ) \
    X(I32_NE,   0x47, I32, a != b, I32_EQ, I32_NE) \
    X(I32_LT_S, 0x48, I32, (int32_t)a < (int32_t)b, I32_GE_S, I32_GT_S) \
    X(I32_LT_U, 0x49, I32, a < b, I32_GE_U, I32_GT_U) \
    X(I32_GT_S, 0x4a, I32, (int32_t)a > (int32_t)b, I32_LE_S, I32_LT_S) \
    X(I32_GT_U, 0x4b, I32, a > b, I32_LE_U, I32_LT_U) \
    X(I32_LE_S, 0x4c, I32, (int32_t)a <= (int32_t)b, I32_GT_S, I32_GE_S) \
    X(I32_LE_U, 0x4d, I32, a <= b, I32_GT_U, I32_GE_U) \
    X(I32_GE_S, 0x4e, I32, (int32_t)a >= (int32_t)b, I32_LT_S, I32_LE_S) \
    X(I32_GE_U, 0x4f, I32, a >= b, I32_LT_U, I32_LE_U)
#define VM_I64_COMPARES(X) \
    X(I64_EQ,   0x51, I64, a == b, I64_NE, I64_EQ) \
    X(I64_NE,   0x52, I64, a != b, I64_EQ, I64_NE) \
    X(I64_LT_S, 0x53, I64, (int64_t)a < (int64_t)b, I64_GE_S, I64_GT_S) \
    X(I64_LT_U, 0x54, I64, a < b, I64_GE_U, I64_GT_U) \
    X(I64_GT_S, 0x55, I64, (int64_t)a > (int64_t)b, I64_LE_S, I64_LT_S) \
    X(I64_GT_U, 0x56, I64, a > b, I64_LE_U, I64_LT_U) \
    X(I64_LE_S, 0x57, I64, (int64_t)a <= (int64_t)b, I64_GT_S, I64_GE_S) \
    X(I64_LE_U, 0x58, I64, a <= b, I64_GT_U, I64_GE_U) \
    X(I64_GE_S, 0x59, I64, (int64_t)a >= (int64_t)b, I64_LT_S, I64_LE_S) \
    X(I64_GE_U, 0x5a, I64, a >= b, I64_LT_U, I64_LE_U)

/* X(NAME, opcode, operand type, result type, expression over a and b):
 * the float comparisons, then the arithmetic (result of the operands' type). */
#define VM_BINOPS(X) VM_FLOAT_COMPARES(X) VM_ARITH_BINOPS(X)
#define VM_FLOAT_COMPARES(X) \
    X(F32_EQ,   0x5b, F32, I32, a == b) \
    X(F32_NE,   0x5c, F32, I32, a != b) \
    X(F32_LT,   0x5d, F32, I32, a < b) \
    X(F32_GT,   0x5e, F32, I32, a > b) \
    X(F32_LE,   0x5f, F32, I32, a <= b) \
    X(F32_GE,   0x60, F32, I32, a >= b) \
    X(F64_EQ,   0x61, F64, I32, a == b) \
    X(F64_NE,   0x62, F64, I32, a != b) \
    X(F64_LT,   0x63, F64, I32, a < b) \
    X(F64_GT,   0x64, F64, I32, a > b) \
    X(F64_LE,   0x65, F64, I32, a <= b) \
    X(F64_GE,   0x66, F64, I32, a >= b)
#define VM_ARITH_BINOPS(X) \
    X(I32_ADD,  0x6a, I32, I32, a + b) \
    X(I32_SUB,  0x6b, I32, I32, a - b) \
    X(I32_MUL,  0x6c, I32, I32, a * b) \
    X(I32_AND,  0x71, I32, I32, a & b) \
    X(I32_OR,   0x72, I32, I32, a | b) \
    X(I32_XOR,  0x73, I32, I32, a ^ b) \
    X(I32_SHL,  0x74, I32, I32, a << (b & 31)) \
    X(I32_SHR_S,0x75, I32, I32, i32_shr_s(a, b)) \
    X(I32_SHR_U,0x76, I32, I32, a >> (b & 31)) \
    X(I32_ROTL, 0x77, I32, I32, i32_rotl(a, b)) \
    X(I32_ROTR, 0x78, I32, I32, i32_rotr(a, b)) \
    X(I64_ADD,  0x7c, I64, I64, a + b) \
    X(I64_SUB,  0x7d, I64, I64, a - b) \
    X(I64_MUL,  0x7e, I64, I64, a * b) \
    X(I64_AND,  0x83, I64, I64, a & b) \
    X(I64_OR,   0x84, I64, I64, a | b) \
    X(I64_XOR,  0x85, I64, I64, a ^ b) \
    X(I64_SHL,  0x86, I64, I64, a << (b & 63)) \
    X(I64_SHR_S,0x87, I64, I64, i64_shr_s(a, b)) \
    X(I64_SHR_U,0x88, I64, I64, a >> (b & 63)) \
    X(I64_ROTL, 0x89, I64, I64, i64_rotl(a, b)) \
    X(I64_ROTR, 0x8a, I64, I64, i64_rotr(a, b)) \
    X(F32_ADD,  0x92, F32, F32, a + b) \
    X(F32_SUB,  0x93, F32, F32, a - b) \
    X(F32_MUL,  0x94, F32, F32, a * b) \
    X(F32_DIV,  0x95, F32, F32, a / b) \
    X(F32_MIN,  0x96, F32, F32, f32_min(a, b)) \
    X(F32_MAX,  0x97, F32, F32, f32_max(a, b)) \
    X(F32_COPYSIGN, 0x98, F32, F32, f32_copysign(a, b)) \
    X(F64_ADD,  0xa0, F64, F64, a + b) \
    X(F64_SUB,  0xa1, F64, F64, a - b) \
    X(F64_MUL,  0xa2, F64, F64, a * b) \
    X(F64_DIV,  0xa3, F64, F64, a / b) \
    X(F64_MIN,  0xa4, F64, F64, f64_min(a, b)) \
    X(F64_MAX,  0xa5, F64, F64, f64_max(a, b)) \
    X(F64_COPYSIGN, 0xa6, F64, F64, f64_copysign(a, b))

/* Binary operations that may trap: X(NAME, opcode, type, numeric.h function
 * int f(a, b, &result) returning a num_trap). */
#define VM_BINOPS_TRAP(X) \
    X(I32_DIV_S, 0x6d, I32, i32_div_s) \
    X(I32_DIV_U, 0x6e, I32, i32_div_u) \
    X(I32_REM_S, 0x6f, I32, i32_rem_s) \
    X(I32_REM_U, 0x70, I32, i32_rem_u) \
    X(I64_DIV_S, 0x7f, I64, i64_div_s) \
    X(I64_DIV_U, 0x80, I64, i64_div_u) \
    X(I64_REM_S, 0x81, I64, i64_rem_s) \
    X(I64_REM_U, 0x82, I64, i64_rem_u)

/* X(NAME, opcode, operand type, result type, expression over a) */
#define VM_UNOPS(X) \
    X(I32_EQZ,     0x45, I32, I32, a == 0) \
    X(I64_EQZ,     0x50, I64, I32, a == 0) \
    X(I32_CLZ,     0x67, I32, I32, i32_clz(a)) \
    X(I32_CTZ,     0x68, I32, I32, i32_ctz(a)) \
    X(I32_POPCNT,  0x69, I32, I32, i32_popcnt(a)) \
    X(I64_CLZ,     0x79, I64, I64, i64_clz(a)) \
    X(I64_CTZ,     0x7a, I64, I64, i64_ctz(a)) \
    X(I64_POPCNT,  0x7b, I64, I64, i64_popcnt(a)) \
    X(F32_ABS,     0x8b, F32, F32, f32_abs(a)) \
    X(F32_NEG,     0x8c, F32, F32, f32_neg(a)) \
    X(F32_CEIL,    0x8d, F32, F32, f32_ceil(a)) \
    X(F32_FLOOR,   0x8e, F32, F32, f32_floor(a)) \
    X(F32_TRUNC,   0x8f, F32, F32, f32_trunc(a)) \
    X(F32_NEAREST, 0x90, F32, F32, f32_nearest(a)) \
    X(F32_SQRT,    0x91, F32, F32, f32_sqrt(a)) \
    X(F64_ABS,     0x99, F64, F64, f64_abs(a)) \
    X(F64_NEG,     0x9a, F64, F64, f64_neg(a)) \
    X(F64_CEIL,    0x9b, F64, F64, f64_ceil(a)) \
    X(F64_FLOOR,   0x9c, F64, F64, f64_floor(a)) \
    X(F64_TRUNC,   0x9d, F64, F64, f64_trunc(a)) \
    X(F64_NEAREST, 0x9e, F64, F64, f64_nearest(a)) \
    X(F64_SQRT,    0x9f, F64, F64, f64_sqrt(a)) \
    X(I32_WRAP_I64,        0xa7, I64, I32, (uint32_t)a) \
    X(I64_EXTEND_I32_S,    0xac, I32, I64, (uint64_t)(int64_t)(int32_t)a) \
    X(I64_EXTEND_I32_U,    0xad, I32, I64, (uint64_t)a) \
    X(F32_CONVERT_I32_S,   0xb2, I32, F32, f32_convert_i32_s(a)) \
    X(F32_CONVERT_I32_U,   0xb3, I32, F32, f32_convert_i32_u(a)) \
    X(F32_CONVERT_I64_S,   0xb4, I64, F32, f32_convert_i64_s(a)) \
    X(F32_CONVERT_I64_U,   0xb5, I64, F32, f32_convert_i64_u(a)) \
    X(F32_DEMOTE_F64,      0xb6, F64, F32, f32_demote_f64(a)) \
    X(F64_CONVERT_I32_S,   0xb7, I32, F64, f64_convert_i32_s(a)) \
    X(F64_CONVERT_I32_U,   0xb8, I32, F64, f64_convert_i32_u(a)) \
    X(F64_CONVERT_I64_S,   0xb9, I64, F64, f64_convert_i64_s(a)) \
    X(F64_CONVERT_I64_U,   0xba, I64, F64, f64_convert_i64_u(a)) \
    X(F64_PROMOTE_F32,     0xbb, F32, F64, f64_promote_f32(a)) \
    X(I32_EXTEND8_S,       0xc0, I32, I32, i32_extend8_s(a)) \
    X(I32_EXTEND16_S,      0xc1, I32, I32, i32_extend16_s(a)) \
    X(I64_EXTEND8_S,       0xc2, I64, I64, i64_extend8_s(a)) \
    X(I64_EXTEND16_S,      0xc3, I64, I64, i64_extend16_s(a)) \
    X(I64_EXTEND32_S,      0xc4, I64, I64, i64_extend32_s(a))

/* Conversions that may trap: X(NAME, opcode, operand type, result type,
 * numeric.h function int f(a, &result) returning a num_trap). */
#define VM_UNOPS_TRAP(X) \
    X(I32_TRUNC_F32_S, 0xa8, F32, I32, i32_trunc_f32_s) \
    X(I32_TRUNC_F32_U, 0xa9, F32, I32, i32_trunc_f32_u) \
    X(I32_TRUNC_F64_S, 0xaa, F64, I32, i32_trunc_f64_s) \
    X(I32_TRUNC_F64_U, 0xab, F64, I32, i32_trunc_f64_u) \
    X(I64_TRUNC_F32_S, 0xae, F32, I64, i64_trunc_f32_s) \
    X(I64_TRUNC_F32_U, 0xaf, F32, I64, i64_trunc_f32_u) \
    X(I64_TRUNC_F64_S, 0xb0, F64, I64, i64_trunc_f64_s) \
    X(I64_TRUNC_F64_U, 0xb1, F64, I64, i64_trunc_f64_u)

/* Saturating conversions, prefix 0xfc: X(NAME, sub-opcode, operand type,
 * result type, expression over a). */
#define VM_UNOPS_SAT(X) \
    X(I32_TRUNC_SAT_F32_S, 0, F32, I32, i32_trunc_sat_f32_s(a)) \
    X(I32_TRUNC_SAT_F32_U, 1, F32, I32, i32_trunc_sat_f32_u(a)) \
    X(I32_TRUNC_SAT_F64_S, 2, F64, I32, i32_trunc_sat_f64_s(a)) \
    X(I32_TRUNC_SAT_F64_U, 3, F64, I32, i32_trunc_sat_f64_u(a)) \
    X(I64_TRUNC_SAT_F32_S, 4, F32, I64, i64_trunc_sat_f32_s(a)) \
    X(I64_TRUNC_SAT_F32_U, 5, F32, I64, i64_trunc_sat_f32_u(a)) \
    X(I64_TRUNC_SAT_F64_S, 6, F64, I64, i64_trunc_sat_f64_s(a)) \
    X(I64_TRUNC_SAT_F64_U, 7, F64, I64, i64_trunc_sat_f64_u(a))

/* Reinterpretations: the slot keeps the same bits, so they cost nothing.
 * X(NAME, opcode, operand type, result type) */
#define VM_REINTERPRETS(X) \
    X(I32_REINTERPRET_F32, 0xbc, F32, I32) \
    X(I64_REINTERPRET_F64, 0xbd, F64, I64) \
    X(F32_REINTERPRET_I32, 0xbe, I32, F32) \
    X(F64_REINTERPRET_I64, 0xbf, I64, F64)

/* Loads: X(NAME, opcode, result type, C type in memory, natural alignment log2).
 * The loaded C value converts to the result's C type (sign or zero extension). */
#define VM_LOADS(X) \
    X(I32_LOAD,     0x28, I32, uint32_t, 2) \
    X(I64_LOAD,     0x29, I64, uint64_t, 3) \
    X(F32_LOAD,     0x2a, F32, uint32_t, 2) \
    X(F64_LOAD,     0x2b, F64, uint64_t, 3) \
    X(I32_LOAD8_S,  0x2c, I32, int8_t,   0) \
    X(I32_LOAD8_U,  0x2d, I32, uint8_t,  0) \
    X(I32_LOAD16_S, 0x2e, I32, int16_t,  1) \
    X(I32_LOAD16_U, 0x2f, I32, uint16_t, 1) \
    X(I64_LOAD8_S,  0x30, I64, int8_t,   0) \
    X(I64_LOAD8_U,  0x31, I64, uint8_t,  0) \
    X(I64_LOAD16_S, 0x32, I64, int16_t,  1) \
    X(I64_LOAD16_U, 0x33, I64, uint16_t, 1) \
    X(I64_LOAD32_S, 0x34, I64, int32_t,  2) \
    X(I64_LOAD32_U, 0x35, I64, uint32_t, 2)

/* Stores: X(NAME, opcode, operand type, C type in memory, alignment log2).
 * The slot's low bits are stored (wrapping). */
#define VM_STORES(X) \
    X(I32_STORE,    0x36, I32, uint32_t, 2) \
    X(I64_STORE,    0x37, I64, uint64_t, 3) \
    X(F32_STORE,    0x38, F32, uint32_t, 2) \
    X(F64_STORE,    0x39, F64, uint64_t, 3) \
    X(I32_STORE8,   0x3a, I32, uint8_t,  0) \
    X(I32_STORE16,  0x3b, I32, uint16_t, 1) \
    X(I64_STORE8,   0x3c, I64, uint8_t,  0) \
    X(I64_STORE16,  0x3d, I64, uint16_t, 1) \
    X(I64_STORE32,  0x3e, I64, uint32_t, 2)

/* Internal operations with their own handlers: X(NAME, operand words),
 * each word after the opcode one of SLOT (a frame slot), WORD (an index,
 * offset or count), VALUE(T, name) (an immediate of wasm type T: two
 * words for I64 and F64), TARGET (a word index into the function's code)
 * or TARGETS (as many targets as the word before says); layouts.h turns
 * these lists into struct types, word counts and the dump's names. */
#define VM_SPECIAL_OPS(X) \
    X(UNREACHABLE, ) /* trap */ \
    X(COPY,        SLOT(dst) SLOT(src)) /* fp[dst] = fp[src] */ \
    X(COPY2,       SLOT(dst) SLOT(src) SLOT(dst2) SLOT(src2)) /* two COPYs, in that order */ \
    X(CONST32,     SLOT(dst) VALUE(I32, value)) /* fp[dst] = value (zero-extended) */ \
    X(CONST64,     SLOT(dst) VALUE(I64, value)) \
    X(BR,          TARGET(target)) /* pc = code + target */ \
    X(BR_IF,       SLOT(cond) TARGET(target)) /* if fp[cond] (as i32) != 0 branch */ \
    X(BR_UNLESS,   SLOT(cond) TARGET(target)) /* if fp[cond] == 0 branch */ \
    X(BR_TABLE,    SLOT(index) WORD(n) TARGETS(targets)) /* the last of the n is the default */ \
    X(BR_BACK,     TARGET(target)) /* a branch to a loop head: charges one unit */ \
    X(BR_IF_BACK,  SLOT(cond) TARGET(target)) /* of fuel when taken */ \
    X(CALL,        WORD(func) SLOT(base)) /* the callee's frame starts at fp + base */ \
    X(CALL_INDIRECT, WORD(table) WORD(type) SLOT(index) SLOT(base)) \
    X(RETURN,      ) /* results are in fp[0..n) */ \
    X(RETURN_CALL, WORD(func)) /* tail call: the callee replaces this frame, */ \
    X(RETURN_CALL_INDIRECT, WORD(table) WORD(type) SLOT(index)) /* its arguments in fp[0..n); */ \
        /* a RETURN always follows: a host callee's results return from it */ \
    X(SELECT,      SLOT(dst) SLOT(a) SLOT(b) SLOT(cond)) \
    X(GLOBAL_GET,  SLOT(dst) WORD(global)) \
    X(GLOBAL_SET,  SLOT(src) WORD(global)) \
    X(MEMORY_SIZE, SLOT(dst) WORD(memory)) /* any memory: */ \
    X(MEMORY_GROW, SLOT(dst) SLOT(delta) WORD(memory)) /* the handler looks it up */ \
    X(REF_FUNC,    SLOT(dst) WORD(func)) \
    X(REF_IS_NULL, SLOT(dst) SLOT(ref)) \
    X(TABLE_GET,   SLOT(dst) SLOT(index) WORD(table)) \
    X(TABLE_SET,   SLOT(index) SLOT(value) WORD(table)) \
    X(TABLE_SIZE,  SLOT(dst) WORD(table)) \
    X(TABLE_GROW,  SLOT(dst) SLOT(init) SLOT(delta) WORD(table)) \
    X(TABLE_FILL,  SLOT(start) SLOT(value) SLOT(n) WORD(table)) \
    X(TABLE_COPY,  SLOT(dst) SLOT(src) SLOT(n) WORD(dst_table) WORD(src_table)) \
    X(TABLE_INIT,  SLOT(dst) SLOT(src) SLOT(n) WORD(table) WORD(elem)) \
    X(ELEM_DROP,   WORD(elem)) \
    X(MEMORY_INIT, SLOT(dst) SLOT(src) SLOT(n) WORD(memory) WORD(data)) \
    X(DATA_DROP,   WORD(data)) \
    X(MEMORY_COPY, SLOT(dst) SLOT(src) SLOT(n) WORD(dst_memory) WORD(src_memory)) \
    X(MEMORY_FILL, SLOT(dst) SLOT(value) SLOT(n) WORD(memory))

/* The v128 forms of the special operations that move values; a v128 is
 * two consecutive slots, named by the first (code.h). A v128 never goes
 * through the interpreter's accumulator. COPY_V128 reads both halves,
 * then writes. */
#define VM_V128_SPECIAL_OPS(X) \
    X(COPY_V128,       SLOT(dst) SLOT(src)) \
    X(SELECT_V128,     SLOT(dst) SLOT(a) SLOT(b) SLOT(cond)) \
    X(GLOBAL_GET_V128, SLOT(dst) WORD(global)) \
    X(GLOBAL_SET_V128, SLOT(src) WORD(global))

/* The SIMD instructions (opcodes_simd.h) are one internal opcode each,
 * VM_OP_NAME, after everything else; their operand words are those of
 * their kind (layouts.h, SIMD_KIND). v128 operands are slot pairs. */

/* Forms made from the lists above. Each is an opcode of its own per
 * instruction of its list; layouts.h has each form's operand words.
 *   NAME_IMM        the second operand b an immediate (VM_IMM_OPS)
 *   BR_IF_NAME      a comparison fused with the br_if (or if) after it:
 *   BR_IF_NAME_IMM  branch to target if a NAME b; _BACK when the branch
 *   ..._BACK        goes back to a loop head and charges fuel (VM_COMPARES)
 *   LOAD_ADD        address (addr + add) mod 2^32, + offset
 *   STORE_ADD       (VM_LOADS, VM_STORES)
 *   LOAD_IDX        address (base + (index << shift)) mod 2^32, + offset
 *   STORE_IDX
 *   STORE_IMM, STORE_ADD_IMM, STORE_IDX_IMM   the value stored an immediate
 *   NAME_A, NAME_A_IMM   as NAME and NAME_IMM, but a is the accumulator:
 *                   the result of the instruction just before (interp.c)
 *   LOOP_NAME_SS/SI/IS/II   a loop's tail: dst = x + y (mod 2^32), then
 *                   branch back to target if dst NAME b; y and b slots (S)
 *                   or immediates (I) (i32 compares only)
 *   NAME_M          b loaded from memory at ((addr + add) mod 2^32) +
 *                   offset, its type's full-width load (VM_MEMORY_OPERAND_OPS)
 *   NAME_RMW        as NAME_M, and the result is also stored back where b
 *                   came from (arithmetic only)
 *   NAME_MEM        a load or store on memory `memory` (never 0), which
 *                   the handler looks up in the instance; no other form
 *                   fuses with it
 * The translator folds `i32.const` into the _IMM forms, turns a compare
 * followed by br_if (or if, with the negated compare) into BR_IF_ forms,
 * makes i32.eqz x into EQ x 0, and an `i32.add x, C` right before a load
 * or store into its _ADD form (the sum still wraps at 32 bits, as wasm's
 * address operand does, before the offset is added), `i32.add b, (i32.shl
 * i, k)` or `i32.add b, i` into the _IDX form (`i32.sub x, C` counts as
 * `i32.add x, -C`), a constant stored into the
 * _IMM store forms, and a load whose value a binary operation takes as
 * its second operand into that operation's _M form (its _RMW form when
 * the result is stored right back there), and an i32.add just
 * before a fused branch back to a loop head into a LOOP_ form. The
 * memory forms among these (like the plain loads and stores) access
 * memory 0. */
#define VM_IMM_OPS(X) VM_COMPARES(X) VM_BINOPS(X) VM_BINOPS_TRAP(X)
/* The operations with an _M form (never trapping ones: a trap in the
 * fused instruction is the load's). */
#define VM_MEMORY_OPERAND_OPS(X) VM_COMPARES(X) VM_BINOPS(X)

/* The groups: runs of two to four instructions that run as one
 * (VM_PAIRS, VM_TRIPLES, VM_QUADS). */
#include "vm/groups.h"

/* Every internal opcode, in the order of the enumeration, each with its
 * layout (layouts.h): expanding VM_SCALAR_OPCODES, VM_GROUP_OPCODES or
 * VM_V128_OPCODES calls the macro VM_OPCODE(NAME, LAYOUT), which the
 * user defines, once per opcode. This is the one place that says which
 * opcodes a form makes and which operand words each has. The lists'
 * third argument is the operand type (T) where a layout depends on it. */
#define VM_OPCODE_SPECIAL(NAME, ...) VM_OPCODE(NAME, NAME)
#define VM_OPCODE_UNARY(NAME, ...) VM_OPCODE(NAME, UNARY)
#define VM_OPCODE_BINARY(NAME, ...) VM_OPCODE(NAME, BINARY)
#define VM_OPCODE_LOAD(NAME, ...) VM_OPCODE(NAME, LOAD)
#define VM_OPCODE_STORE(NAME, ...) VM_OPCODE(NAME, STORE)
#define VM_OPCODE_IMM(NAME, CODE, T, ...) VM_OPCODE(NAME##_IMM, BINARY_IMM_##T)
#define VM_OPCODE_BRANCHES(NAME, CODE, T, ...)                                \
    VM_OPCODE(BR_IF_##NAME, BRANCH) VM_OPCODE(BR_IF_##NAME##_IMM, BRANCH_IMM_##T) \
    VM_OPCODE(BR_IF_##NAME##_BACK, BRANCH) VM_OPCODE(BR_IF_##NAME##_IMM_BACK, BRANCH_IMM_##T)
#define VM_OPCODE_LOAD_ADD(NAME, ...) VM_OPCODE(NAME##_ADD, LOAD_ADD)
#define VM_OPCODE_STORE_ADD(NAME, ...) VM_OPCODE(NAME##_ADD, STORE_ADD)
#define VM_OPCODE_ACC(NAME, CODE, T, ...) VM_OPCODE(NAME##_A, BINARY) VM_OPCODE(NAME##_A_IMM, BINARY_IMM_##T)
#define VM_OPCODE_LOAD_IDX(NAME, ...) VM_OPCODE(NAME##_IDX, LOAD_IDX)
#define VM_OPCODE_STORE_IDX(NAME, ...) VM_OPCODE(NAME##_IDX, STORE_IDX)
#define VM_OPCODE_STORE_IMM(NAME, CODE, T, ...)                               \
    VM_OPCODE(NAME##_IMM, STORE_IMM_##T) VM_OPCODE(NAME##_ADD_IMM, STORE_ADD_IMM_##T) \
    VM_OPCODE(NAME##_IDX_IMM, STORE_IDX_IMM_##T)
#define VM_OPCODE_M(NAME, ...) VM_OPCODE(NAME##_M, BINARY_M)
#define VM_OPCODE_LOOP(NAME, ...)                                             \
    VM_OPCODE(LOOP_##NAME##_SS, LOOP_SS) VM_OPCODE(LOOP_##NAME##_SI, LOOP_SI) \
    VM_OPCODE(LOOP_##NAME##_IS, LOOP_IS) VM_OPCODE(LOOP_##NAME##_II, LOOP_II)
#define VM_OPCODE_LOAD_MEM(NAME, ...) VM_OPCODE(NAME##_MEM, LOAD_MEM)
#define VM_OPCODE_STORE_MEM(NAME, ...) VM_OPCODE(NAME##_MEM, STORE_MEM)
#define VM_OPCODE_RMW(NAME, ...) VM_OPCODE(NAME##_RMW, BINARY_M)
#define VM_OPCODE_PAIR(A, B) VM_OPCODE(PAIR_##A##_##B, GROUP)
#define VM_OPCODE_TRIPLE(A, B, C) VM_OPCODE(TRIPLE_##A##_##B##_##C, GROUP)
#define VM_OPCODE_QUAD(A, B, C, D) VM_OPCODE(QUAD_##A##_##B##_##C##_##D, GROUP)
#define VM_OPCODE_SIMD(NAME, TEXT, SUBOP, KIND, ...) VM_OPCODE(NAME, SIMD_##KIND)

#define VM_SCALAR_OPCODES                                                     \
    VM_SPECIAL_OPS(VM_OPCODE_SPECIAL)                                         \
    VM_COMPARES(VM_OPCODE_BINARY) VM_BINOPS(VM_OPCODE_BINARY) VM_BINOPS_TRAP(VM_OPCODE_BINARY) \
    VM_UNOPS(VM_OPCODE_UNARY) VM_UNOPS_TRAP(VM_OPCODE_UNARY) VM_UNOPS_SAT(VM_OPCODE_UNARY) \
    VM_LOADS(VM_OPCODE_LOAD) VM_STORES(VM_OPCODE_STORE)                       \
    VM_IMM_OPS(VM_OPCODE_IMM)                                                 \
    VM_COMPARES(VM_OPCODE_BRANCHES)                                           \
    VM_LOADS(VM_OPCODE_LOAD_ADD) VM_STORES(VM_OPCODE_STORE_ADD)               \
    VM_IMM_OPS(VM_OPCODE_ACC)                                                 \
    VM_LOADS(VM_OPCODE_LOAD_IDX) VM_STORES(VM_OPCODE_STORE_IDX)               \
    VM_STORES(VM_OPCODE_STORE_IMM)                                            \
    VM_MEMORY_OPERAND_OPS(VM_OPCODE_M)                                        \
    VM_I32_COMPARES(VM_OPCODE_LOOP)                                           \
    VM_LOADS(VM_OPCODE_LOAD_MEM) VM_STORES(VM_OPCODE_STORE_MEM)               \
    VM_ARITH_BINOPS(VM_OPCODE_RMW)
#define VM_GROUP_OPCODES VM_PAIRS(VM_OPCODE_PAIR) VM_TRIPLES(VM_OPCODE_TRIPLE) VM_QUADS(VM_OPCODE_QUAD)
/* The v128 opcodes end the enumeration (the interpreter runs them in a
 * function of its own from the first of them on). */
#define VM_V128_OPCODES VM_V128_SPECIAL_OPS(VM_OPCODE_SPECIAL) VM_SIMD_OPS(VM_OPCODE_SIMD)

#define VM_OPCODE(NAME, LAYOUT) VM_OP_##NAME,
typedef enum { VM_SCALAR_OPCODES VM_GROUP_OPCODES VM_V128_OPCODES VM_OP_COUNT } vm_opcode;
#undef VM_OPCODE
/* The groups come right before the v128 opcodes, pairs first (see
 * vm_group_first()). */
#define VM_OP_GROUPS_END VM_OP_COPY_V128
#define VM_OPCODE(NAME, LAYOUT) +1
enum { VM_OP_GROUPS_START = VM_OP_GROUPS_END - (0 VM_GROUP_OPCODES) };
#undef VM_OPCODE

#endif
