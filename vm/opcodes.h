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

/* Internal operations with their own handlers (operands in code words
 * after the opcode, "s:" a frame slot, "i:" an immediate):
 *   UNREACHABLE                      trap
 *   COPY        s:dst s:src          fp[dst] = fp[src]
 *   COPY2       s:dst s:src s:dst2 s:src2   two COPYs, in that order
 *   CONST32     s:dst i:value        fp[dst] = value (zero-extended)
 *   CONST64     s:dst i:lo i:hi
 *   BR          i:target             pc = code + target
 *   BR_IF       s:cond i:target      if fp[cond] (as i32) != 0 branch
 *   BR_UNLESS   s:cond i:target      if fp[cond] == 0 branch
 *   BR_TABLE    s:index i:n i:target*(n+1)   the last target is the default
 *   BR_BACK     i:target             a branch to a loop head: charges one
 *   BR_IF_BACK  s:cond i:target      unit of fuel when taken
 *   CALL        i:func s:base        callee frame starts at fp + base
 *   CALL_INDIRECT i:table i:type s:index s:base
 *   RETURN                           results are in fp[0..n)
 *   RETURN_CALL i:func               tail call: the callee replaces this
 *   RETURN_CALL_INDIRECT i:table i:type s:index   frame, its arguments in
 *                                    fp[0..n). A RETURN always follows: a
 *                                    host callee's results return from it
 *   SELECT      s:dst s:a s:b s:cond
 *   GLOBAL_GET  s:dst i:global       GLOBAL_SET s:src i:global
 *   MEMORY_SIZE s:dst i:mem          MEMORY_GROW s:dst s:delta i:mem
 *                                    (any memory: the handler looks it up)
 *   REF_FUNC    s:dst i:func         REF_IS_NULL s:dst s:ref
 *   TABLE_GET   s:dst s:index i:table   TABLE_SET s:index s:value i:table
 *   TABLE_SIZE  s:dst i:table        TABLE_GROW s:dst s:init s:delta i:table
 *   TABLE_FILL  s:start s:value s:n i:table
 *   TABLE_COPY  s:dst s:src s:n i:dst_table i:src_table
 *   TABLE_INIT  s:dst s:src s:n i:table i:elem     ELEM_DROP i:elem
 *   MEMORY_INIT s:dst s:src s:n i:mem i:data      DATA_DROP i:data
 *   MEMORY_COPY s:dst s:src s:n i:dst_mem i:src_mem
 *   MEMORY_FILL s:dst s:value s:n i:mem
 * Loads are   OP s:dst s:addr i:offset   and stores   OP s:addr s:value i:offset
 * on memory 0, the memory the interpreter keeps in registers; an access
 * to another memory (multi-memory) has its own form, NAME_MEM below. */
#define VM_SPECIAL_OPS(X) \
    X(UNREACHABLE) X(COPY) X(COPY2) X(CONST32) X(CONST64) \
    X(BR) X(BR_IF) X(BR_UNLESS) X(BR_TABLE) X(BR_BACK) X(BR_IF_BACK) \
    X(CALL) X(CALL_INDIRECT) X(RETURN) X(RETURN_CALL) X(RETURN_CALL_INDIRECT) X(SELECT) \
    X(GLOBAL_GET) X(GLOBAL_SET) X(MEMORY_SIZE) X(MEMORY_GROW) \
    X(REF_FUNC) X(REF_IS_NULL) \
    X(TABLE_GET) X(TABLE_SET) X(TABLE_SIZE) X(TABLE_GROW) X(TABLE_FILL) \
    X(TABLE_COPY) X(TABLE_INIT) X(ELEM_DROP) \
    X(MEMORY_INIT) X(DATA_DROP) X(MEMORY_COPY) X(MEMORY_FILL)

/* The v128 forms of the special operations that move values; a v128 is
 * two consecutive slots, named by the first (code.h). A v128 never goes
 * through the interpreter's accumulator.
 *   COPY_V128        s:dst s:src          both halves read, then written
 *   SELECT_V128      s:dst s:a s:b s:cond
 *   GLOBAL_GET_V128  s:dst i:global       GLOBAL_SET_V128 s:src i:global */
#define VM_V128_SPECIAL_OPS(X) X(COPY_V128) X(SELECT_V128) X(GLOBAL_GET_V128) X(GLOBAL_SET_V128)

/* The SIMD instructions (opcodes_simd.h) are one internal opcode each,
 * VM_OP_NAME, after everything else. Their operand words, by kind (v128
 * operands are slot pairs; "m:" a memory index, whose memory 0 the
 * interpreter keeps in registers):
 *   CONST        s:dst i:lo_lo i:lo_hi i:hi_lo i:hi_hi   the 64-bit halves
 *   SHUFFLE      s:dst s:a s:b i:4 words of lane bytes, as CONST's
 *   UNARY, TEST, SPLAT_T     s:dst s:a
 *   BINARY, SHIFT            s:dst s:a s:b
 *   TERNARY      s:dst s:a s:b s:c
 *   EXTRACT_T    s:dst s:a i:lane          REPLACE_T  s:dst s:a s:x i:lane
 *   LOAD         s:dst s:addr i:offset m:memory
 *   STORE        s:addr s:value i:offset m:memory
 *   LOAD_LANE    s:dst s:addr s:a i:offset m:memory i:lane
 *   STORE_LANE   s:addr s:a i:offset m:memory i:lane */

/* Forms made from the lists above (the second operand an immediate:
 * `_IMM`; a comparison fused with the branch that follows it: `BR_IF_`,
 * `_BACK` when the branch goes back to a loop head and charges fuel):
 *   NAME_IMM           s:dst s:a i:b (i:b_hi for 64-bit types)
 *   BR_IF_NAME         s:a s:b i:target
 *   BR_IF_NAME_IMM     s:a i:b (i:b_hi) i:target
 *   LOAD_ADD           s:dst s:a i:add i:offset   address (a + add) mod 2^32, + offset
 *   STORE_ADD          s:a i:add s:value i:offset
 *   LOAD_IDX           s:dst s:base s:index i:shift i:offset
 *                      address (base + (index << shift)) mod 2^32, + offset
 *   STORE_IDX          s:base s:index i:shift s:value i:offset
 *   STORE_IMM          s:addr i:offset i:value (i:value_hi for 64-bit types)
 *   STORE_ADD_IMM      s:a i:add i:offset i:value (i:value_hi)
 *   STORE_IDX_IMM      s:base s:index i:shift i:offset i:value (i:value_hi)
 *   NAME_A, NAME_A_IMM as NAME and NAME_IMM, but a is the accumulator: the
 *                      result of the instruction just before (see interp.c)
 *   LOOP_NAME_SS       s:dst s:x s:y s:b i:target     a loop's tail: a = x + y
 *   LOOP_NAME_SI       s:dst s:x s:y i:b i:target     (mod 2^32) goes to dst,
 *   LOOP_NAME_IS       s:dst s:x i:y s:b i:target     then BR_IF_NAME_BACK a b
 *   LOOP_NAME_II       s:dst s:x i:y i:b i:target     (i32 compares only)
 *   NAME_M             s:dst s:a s:addr i:add i:offset   b loaded from memory
 *                      at ((addr + add) mod 2^32) + offset (its type's
 *                      full-width load)
 *   NAME_RMW           as NAME_M, and the result is also stored back
 *                      where b came from (arithmetic only)
 *   NAME_MEM           loads  s:dst s:addr i:offset i:memory
 *                      stores s:addr s:value i:offset i:memory
 *                      an access to memory `memory` (never 0), which the
 *                      handler looks up in the instance; no other form
 *                      fuses with it
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

/* Pairs of instructions that run as one (X(FIRST, SECOND)): both run
 * straight through (compute, access memory 0, or — only last in a group —
 * branch: interp_bodies.h), and they follow each other often in compiled
 * C — hash rounds, dot products, loops stepping several pointers, array
 * element updates. The translator turns FIRST's opcode into
 * PAIR_FIRST_SECOND when SECOND follows with no label between; SECOND
 * stays as it was, its opcode word skipped. Pairs with the same FIRST
 * stand together (the translator looks them up by FIRST). A group of any
 * length whose last branches back to its own first is a whole loop: the
 * interpreter runs it as a C loop (a looping group, interp.c); a store
 * and a LOOP_ tail, like X(I32_STORE8_IDX_IMM, LOOP_I32_LE_S_SS), a
 * strided byte fill, may run on registers (a counted store loop). */
#define VM_PAIRS(X) \
    X(I32_ADD_IMM, I32_ADD_IMM) X(I32_ADD_IMM, I32_ADD_A_IMM) X(I32_ADD_IMM, COPY) \
    X(I32_ADD_IMM, COPY2) X(I32_ADD_IMM, F64_MUL) X(I32_ADD_IMM, F64_MUL_M) \
    X(I32_ADD_IMM, I32_LOAD) X(I32_STORE8_IDX_IMM, LOOP_I32_LE_S_SS) X(COPY, I32_SHL_IMM) \
    X(COPY, I32_LOAD_IDX) X(COPY2, COPY2) X(I32_GT_S, SELECT) X(I32_LT_S, SELECT) \
    X(I32_GT_U, SELECT) X(I32_LT_U, SELECT) X(I32_ROTL_IMM, I32_XOR_A) \
    X(I32_ROTL_IMM, I32_ROTL_IMM) X(I32_ROTL_A_IMM, I32_ROTL_IMM) X(I32_XOR_A, I32_ROTL_IMM) \
    X(I32_XOR_A, I32_SHR_U_IMM) X(I32_XOR_A, I32_ADD_A) X(I32_SHR_U_IMM, I32_XOR_A) \
    X(I32_ADD_A, I32_ADD_A) X(I32_ADD_A, I32_XOR) X(I32_ADD_A, I32_XOR_IMM) \
    X(I32_ADD_A, I32_ADD) X(I32_XOR_IMM, I32_AND_A) X(I32_XOR, I32_AND_A) X(I32_AND, I32_XOR_A) \
    X(I32_AND_A, I32_ADD_A) X(F64_MUL, F64_MUL_A) X(F64_MUL, F64_MUL) X(F64_MUL, F64_SUB_M) \
    X(F64_MUL_A, F64_SUB) X(F64_MUL_A, F64_ADD_A) X(F64_MUL_A, F64_ADD_RMW) \
    X(F64_ADD_A, F64_ADD_A) X(F64_ADD_A, F64_ADD_A_IMM) X(F64_MUL_A_IMM, F64_ADD_A) \
    X(F64_MUL_A_IMM, F64_STORE) X(F64_SUB, F64_MUL_A) X(F64_SUB, F64_STORE) \
    X(F64_MUL_M, F64_ADD_RMW) X(F64_STORE, F64_LOAD) X(F64_LOAD, F64_LOAD) X(F64_LOAD, F64_MUL) \
    X(F64_SUB_M, F64_MUL_A) X(I32_LOAD_IDX, I32_LOAD_IDX) X(I32_LOAD_IDX, I32_GT_S) \
    X(I32_LOAD_IDX, I32_ADD_IMM) X(I32_STORE_IDX, COPY) X(I32_LOAD_ADD, I32_ROTL_A_IMM) \
    X(I32_LOAD_ADD, I32_AND) X(I64_ADD_IMM, I32_LOAD8_U_ADD) X(I32_LOAD, I32_ADD_IMM) \
    X(F64_ADD_A_IMM, F64_SQRT) X(F64_ADD_RMW, I32_ADD_IMM) X(CONST64, F64_DIV_A) \
    X(I32_LOAD8_U, BR_UNLESS) X(I32_STORE_IMM, LOOP_I32_LT_U_IS)
/* Longer runs, made from a pair by one more instruction (a triple) or from
 * a triple by one more or from two pairs in a row (a quad): the first's
 * opcode becomes the group's; all the others keep their words (a pair
 * inside a quad becomes its single first again). */
#define VM_TRIPLES(X) \
    X(I32_ADD_IMM, F64_MUL_M, F64_ADD_RMW) X(I32_XOR_A, I32_ADD_A, I32_ADD_A) \
    X(I32_ADD_IMM, F64_MUL, F64_MUL_A) X(I32_ADD_IMM, I32_LOAD, I32_ADD_IMM) \
    X(I32_ADD_IMM, I32_ADD_IMM, I32_LOAD) X(F64_ADD_A_IMM, F64_SQRT, F64_MUL_A) \
    X(F64_MUL_M, F64_ADD_RMW, I32_ADD_IMM) X(F64_ADD_RMW, I32_ADD_IMM, I32_ADD_IMM) \
    X(I32_STORE_IDX, COPY, I32_SHL_IMM) X(F64_MUL, F64_SUB_M, F64_MUL_A) \
    X(F64_ADD_A, F64_ADD_A_IMM, F64_SQRT) X(F64_STORE, F64_LOAD, F64_MUL) \
    X(F64_SUB, F64_STORE, F64_LOAD) X(F64_MUL_A, F64_SUB, F64_STORE) \
    X(CONST64, F64_DIV_A, F64_MUL_A) X(I32_ADD_A, I32_XOR_IMM, I32_AND_A) \
    X(I32_ADD_A, I32_ADD_A, I32_XOR) X(I32_AND, I32_XOR_A, I32_ROTL_IMM) \
    X(I32_XOR_A, I32_ROTL_IMM, I32_XOR_A) X(I32_LOAD_IDX, I32_ADD_IMM, COPY2) \
    X(I32_SHR_U_IMM, I32_XOR_A, I32_ADD_A) X(I32_ADD_A, I32_ADD_A, I32_ADD) \
    X(I64_ADD_IMM, I32_LOAD8_U_ADD, BR_UNLESS) X(I32_ADD_IMM, COPY2, BR_IF_I32_GT_S) \
    X(COPY, I32_LOAD_IDX, BR_IF_I32_LT_S)
#define VM_QUADS(X) \
    X(I32_XOR_A, I32_ROTL_IMM, I32_XOR_A, I32_ADD_A) \
    X(I32_ROTL_IMM, I32_ROTL_IMM, I32_XOR_A, I32_ROTL_IMM) \
    X(I32_ROTL_IMM, I32_XOR_A, I32_SHR_U_IMM, I32_XOR_A) \
    X(I32_LOAD_ADD, I32_ROTL_A_IMM, I32_ROTL_IMM, I32_XOR_A) \
    X(I32_XOR_IMM, I32_AND_A, I32_ADD_A, I32_ADD_A) \
    X(I32_LOAD_ADD, I32_AND, I32_ROTL_IMM, I32_ROTL_IMM) \
    X(I32_ADD_IMM, F64_MUL, F64_MUL_A, F64_ADD_RMW) \
    X(F64_STORE, F64_LOAD, F64_MUL_A_IMM, F64_ADD_A) \
    X(F64_SUB_M, F64_MUL_A, F64_SUB_M, F64_MUL_A) \
    X(I32_LOAD_IDX, I32_LOAD_IDX, I32_GT_S, SELECT) X(I32_GT_S, SELECT, COPY, I32_LOAD_IDX) \
    X(F64_MUL_M, F64_ADD_RMW, I32_ADD_IMM, F64_MUL_M) \
    X(I32_STORE_IDX, COPY, I32_SHL_IMM, I32_OR_A_IMM) \
    X(F64_MUL, F64_SUB_M, F64_MUL_A, F64_ADD_A) X(F64_ADD_A, F64_ADD_A_IMM, F64_SQRT, F64_MUL_A) \
    X(F64_STORE, F64_LOAD, F64_MUL, F64_MUL_A) X(F64_SUB, F64_STORE, F64_LOAD, F64_MUL) \
    X(CONST64, F64_DIV_A, F64_MUL_A, F64_SUB) X(F64_MUL_A, F64_SUB, F64_STORE, I32_ADD_IMM) \
    X(I32_ADD_A, I32_XOR_IMM, I32_AND_A, I32_ADD_A) X(I32_ADD_A, I32_ADD_A, I32_XOR, I32_AND_A) \
    X(I32_AND, I32_XOR_A, I32_ROTL_IMM, I32_ROTL_IMM) X(I32_LOAD_IDX, I32_ADD_IMM, COPY2, COPY2) \
    X(I32_SHR_U_IMM, I32_XOR_A, I32_ADD_A, I32_ADD_A) \
    X(F64_ADD_RMW, I32_ADD_IMM, F64_MUL, F64_MUL_A) \
    X(I32_ADD_IMM, I32_ADD_IMM, I32_LOAD, BR_IF_I32_LT_S_BACK) \
    X(I32_ADD_IMM, I32_LOAD, I32_ADD_IMM, BR_IF_I32_GT_S_BACK)

/* The internal opcodes: one per entry of every list above. */
#define VM_OP_NAME_2(NAME, ...) VM_OP_##NAME,
#define VM_OP_NAME_1(NAME) VM_OP_##NAME,
#define VM_OP_NAME_IMM(NAME, ...) VM_OP_##NAME##_IMM,
#define VM_OP_NAME_ADD(NAME, ...) VM_OP_##NAME##_ADD,
#define VM_OP_NAME_A(NAME, ...) VM_OP_##NAME##_A, VM_OP_##NAME##_A_IMM,
#define VM_OP_NAME_IDX(NAME, ...) VM_OP_##NAME##_IDX,
#define VM_OP_NAME_STORE_IMM(NAME, ...) VM_OP_##NAME##_IMM, VM_OP_##NAME##_ADD_IMM, VM_OP_##NAME##_IDX_IMM,
#define VM_OP_NAME_M(NAME, ...) VM_OP_##NAME##_M,
#define VM_OP_NAME_LOOP(NAME, ...) VM_OP_LOOP_##NAME##_SS, VM_OP_LOOP_##NAME##_SI, \
    VM_OP_LOOP_##NAME##_IS, VM_OP_LOOP_##NAME##_II,
#define VM_OP_NAME_MEM(NAME, ...) VM_OP_##NAME##_MEM,
#define VM_OP_NAME_RMW(NAME, ...) VM_OP_##NAME##_RMW,
#define VM_OP_NAME_PAIR(FIRST, SECOND) VM_OP_PAIR_##FIRST##_##SECOND,
#define VM_OP_NAME_TRIPLE(A, B, C) VM_OP_TRIPLE_##A##_##B##_##C,
#define VM_OP_NAME_QUAD(A, B, C, D) VM_OP_QUAD_##A##_##B##_##C##_##D,
#define VM_OP_NAME_FUSED(NAME, ...) VM_OP_BR_IF_##NAME, VM_OP_BR_IF_##NAME##_IMM, \
    VM_OP_BR_IF_##NAME##_BACK, VM_OP_BR_IF_##NAME##_IMM_BACK,
typedef enum {
    VM_SPECIAL_OPS(VM_OP_NAME_1)
    VM_COMPARES(VM_OP_NAME_2)
    VM_BINOPS(VM_OP_NAME_2)
    VM_BINOPS_TRAP(VM_OP_NAME_2)
    VM_UNOPS(VM_OP_NAME_2)
    VM_UNOPS_TRAP(VM_OP_NAME_2)
    VM_UNOPS_SAT(VM_OP_NAME_2)
    VM_LOADS(VM_OP_NAME_2)
    VM_STORES(VM_OP_NAME_2)
    VM_IMM_OPS(VM_OP_NAME_IMM)
    VM_COMPARES(VM_OP_NAME_FUSED)
    VM_LOADS(VM_OP_NAME_ADD)
    VM_STORES(VM_OP_NAME_ADD)
    VM_IMM_OPS(VM_OP_NAME_A)
    VM_LOADS(VM_OP_NAME_IDX)
    VM_STORES(VM_OP_NAME_IDX)
    VM_STORES(VM_OP_NAME_STORE_IMM)
    VM_MEMORY_OPERAND_OPS(VM_OP_NAME_M)
    VM_I32_COMPARES(VM_OP_NAME_LOOP)
    VM_LOADS(VM_OP_NAME_MEM)
    VM_STORES(VM_OP_NAME_MEM)
    VM_ARITH_BINOPS(VM_OP_NAME_RMW)
    VM_PAIRS(VM_OP_NAME_PAIR)
    VM_TRIPLES(VM_OP_NAME_TRIPLE)
    VM_QUADS(VM_OP_NAME_QUAD)
    VM_V128_SPECIAL_OPS(VM_OP_NAME_1)   /* the v128 opcodes end the enumeration */
    VM_SIMD_OPS(VM_OP_NAME_2)
    VM_OP_COUNT
} vm_opcode;
/* The groups (pairs, triples, quads) come right before the v128 opcodes
 * (see vm_group_first()). */
#define VM_OP_GROUPS_END VM_OP_COPY_V128
#undef VM_OP_NAME_1
#undef VM_OP_NAME_2
#undef VM_OP_NAME_IMM
#undef VM_OP_NAME_ADD
#undef VM_OP_NAME_FUSED
#undef VM_OP_NAME_A
#undef VM_OP_NAME_IDX
#undef VM_OP_NAME_STORE_IMM
#undef VM_OP_NAME_M
#undef VM_OP_NAME_LOOP
#undef VM_OP_NAME_MEM
#undef VM_OP_NAME_RMW
#undef VM_OP_NAME_PAIR
#undef VM_OP_NAME_TRIPLE
#undef VM_OP_NAME_QUAD

#endif
