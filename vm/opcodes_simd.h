/* opcodes_simd.h — the one table of WebAssembly 2.0 SIMD instructions
 * (prefix 0xFD), in the spirit of opcodes.h: every instruction once, with
 * its encoding, its kind (which fixes immediates, operands and results)
 * and the simd.h function that implements it. The decoder, validator,
 * translator, interpreter and code dump expand this list; the functions
 * are in simd.h (this header only names them).
 *
 *   X(NAME, "text", SUBOP, KIND, LANES, ALIGN, FN)
 *
 *   NAME   the internal name (VM_OP_##NAME, say)
 *   text   the text-format name
 *   SUBOP  the sub-opcode after 0xFD, a LEB128 u32 in the binary (values
 *          from 0x80 up take two bytes: 0x80 is encoded 0x80 0x01)
 *   KIND   see below
 *   LANES  for kinds with lane-index immediates: every index must be
 *          below LANES ("invalid lane index"); shuffle's 16 indices pick
 *          from the 32 bytes of both operands. 0 for the other kinds.
 *   ALIGN  for memory kinds: log2 of the bytes accessed, which is the
 *          natural alignment — the memarg's alignment may not exceed it
 *          ("alignment must not be larger than natural"). 0 otherwise.
 *   FN     the implementation, called as its kind says
 *
 * Kinds: immediates after SUBOP; operands in stack order → results; the
 * call. v128 values are vm_v128. Scalars are the interpreter's slot
 * values: i32 uint32_t, i64 uint64_t, and f32/f64 as their bits
 * (uint32_t/uint64_t) — splat, extract and replace only move bits. `lane`
 * is an unsigned lane index. A memory kind's `p` points at the effective
 * address (address operand + memarg offset) after the bounds check for
 * 1 << ALIGN bytes; memarg is the usual align:u32 offset:u32.
 *
 *   CONST        16 bytes;  () → v128                       v = FN(bytes)  (once, when translating)
 *   SHUFFLE      16 lane bytes; (v128 a, v128 b) → v128      FN(a, b, lanes) with the 16 bytes as a vm_v128
 *   UNARY        (v128 a) → v128                             FN(a)
 *   BINARY       (v128 a, v128 b) → v128                     FN(a, b)
 *   TERNARY      (v128 a, v128 b, v128 c) → v128             FN(a, b, c)
 *   TEST         (v128 a) → i32                              FN(a)
 *   SHIFT        (v128 a, i32 n) → v128                      FN(a, n)
 *   SPLAT_T      (T x) → v128                                FN(x)            T = I32, I64, F32, F64
 *   EXTRACT_T    lane:u8; (v128 a) → T                       FN(a, lane)
 *   REPLACE_T    lane:u8; (v128 a, T x) → v128               FN(a, x, lane)
 *   LOAD         memarg; (i32 addr) → v128                   FN(p)
 *   STORE        memarg; (i32 addr, v128 v) → ()             FN(p, v)
 *   LOAD_LANE    memarg lane:u8; (i32 addr, v128 a) → v128   FN(p, a, lane)
 *   STORE_LANE   memarg lane:u8; (i32 addr, v128 a) → ()     FN(p, a, lane)
 *
 * The general rule: FN's arguments are the operands in stack order (the
 * address replaced by p), then the immediates. No SIMD instruction traps
 * except through its memory access. Sub-opcodes not listed (0x9a, 0xa2,
 * 0xa5, 0xa6, 0xaf, 0xb0, 0xb2-0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0,
 * 0xd2-0xd4, 0xe2, 0xee, and everything from 0x100) are not Wasm 2.0
 * instructions. */
#ifndef WIPPY_VM_OPCODES_SIMD_H
#define WIPPY_VM_OPCODES_SIMD_H

#define VM_SIMD_OPS(X) \
    /* memory, constants, shuffles, splats, lanes */ \
    X(V128_LOAD,            "v128.load",            0x00, LOAD,        0, 4, vm_v128_load) \
    X(V128_LOAD8X8_S,       "v128.load8x8_s",       0x01, LOAD,        0, 3, vm_v128_load8x8_s) \
    X(V128_LOAD8X8_U,       "v128.load8x8_u",       0x02, LOAD,        0, 3, vm_v128_load8x8_u) \
    X(V128_LOAD16X4_S,      "v128.load16x4_s",      0x03, LOAD,        0, 3, vm_v128_load16x4_s) \
    X(V128_LOAD16X4_U,      "v128.load16x4_u",      0x04, LOAD,        0, 3, vm_v128_load16x4_u) \
    X(V128_LOAD32X2_S,      "v128.load32x2_s",      0x05, LOAD,        0, 3, vm_v128_load32x2_s) \
    X(V128_LOAD32X2_U,      "v128.load32x2_u",      0x06, LOAD,        0, 3, vm_v128_load32x2_u) \
    X(V128_LOAD8_SPLAT,     "v128.load8_splat",     0x07, LOAD,        0, 0, vm_v128_load8_splat) \
    X(V128_LOAD16_SPLAT,    "v128.load16_splat",    0x08, LOAD,        0, 1, vm_v128_load16_splat) \
    X(V128_LOAD32_SPLAT,    "v128.load32_splat",    0x09, LOAD,        0, 2, vm_v128_load32_splat) \
    X(V128_LOAD64_SPLAT,    "v128.load64_splat",    0x0a, LOAD,        0, 3, vm_v128_load64_splat) \
    X(V128_STORE,           "v128.store",           0x0b, STORE,       0, 4, vm_v128_store) \
    X(V128_CONST,           "v128.const",           0x0c, CONST,       0, 0, vm_v128_load) \
    X(I8X16_SHUFFLE,        "i8x16.shuffle",        0x0d, SHUFFLE,    32, 0, vm_i8x16_shuffle) \
    X(I8X16_SWIZZLE,        "i8x16.swizzle",        0x0e, BINARY,      0, 0, vm_i8x16_swizzle) \
    X(I8X16_SPLAT,          "i8x16.splat",          0x0f, SPLAT_I32,   0, 0, vm_i8x16_splat) \
    X(I16X8_SPLAT,          "i16x8.splat",          0x10, SPLAT_I32,   0, 0, vm_i16x8_splat) \
    X(I32X4_SPLAT,          "i32x4.splat",          0x11, SPLAT_I32,   0, 0, vm_i32x4_splat) \
    X(I64X2_SPLAT,          "i64x2.splat",          0x12, SPLAT_I64,   0, 0, vm_i64x2_splat) \
    X(F32X4_SPLAT,          "f32x4.splat",          0x13, SPLAT_F32,   0, 0, vm_f32x4_splat) \
    X(F64X2_SPLAT,          "f64x2.splat",          0x14, SPLAT_F64,   0, 0, vm_f64x2_splat) \
    X(I8X16_EXTRACT_LANE_S, "i8x16.extract_lane_s", 0x15, EXTRACT_I32, 16, 0, vm_i8x16_extract_lane_s) \
    X(I8X16_EXTRACT_LANE_U, "i8x16.extract_lane_u", 0x16, EXTRACT_I32, 16, 0, vm_i8x16_extract_lane_u) \
    X(I8X16_REPLACE_LANE,   "i8x16.replace_lane",   0x17, REPLACE_I32, 16, 0, vm_i8x16_replace_lane) \
    X(I16X8_EXTRACT_LANE_S, "i16x8.extract_lane_s", 0x18, EXTRACT_I32,  8, 0, vm_i16x8_extract_lane_s) \
    X(I16X8_EXTRACT_LANE_U, "i16x8.extract_lane_u", 0x19, EXTRACT_I32,  8, 0, vm_i16x8_extract_lane_u) \
    X(I16X8_REPLACE_LANE,   "i16x8.replace_lane",   0x1a, REPLACE_I32,  8, 0, vm_i16x8_replace_lane) \
    X(I32X4_EXTRACT_LANE,   "i32x4.extract_lane",   0x1b, EXTRACT_I32,  4, 0, vm_i32x4_extract_lane) \
    X(I32X4_REPLACE_LANE,   "i32x4.replace_lane",   0x1c, REPLACE_I32,  4, 0, vm_i32x4_replace_lane) \
    X(I64X2_EXTRACT_LANE,   "i64x2.extract_lane",   0x1d, EXTRACT_I64,  2, 0, vm_i64x2_extract_lane) \
    X(I64X2_REPLACE_LANE,   "i64x2.replace_lane",   0x1e, REPLACE_I64,  2, 0, vm_i64x2_replace_lane) \
    X(F32X4_EXTRACT_LANE,   "f32x4.extract_lane",   0x1f, EXTRACT_F32,  4, 0, vm_f32x4_extract_lane) \
    X(F32X4_REPLACE_LANE,   "f32x4.replace_lane",   0x20, REPLACE_F32,  4, 0, vm_f32x4_replace_lane) \
    X(F64X2_EXTRACT_LANE,   "f64x2.extract_lane",   0x21, EXTRACT_F64,  2, 0, vm_f64x2_extract_lane) \
    X(F64X2_REPLACE_LANE,   "f64x2.replace_lane",   0x22, REPLACE_F64,  2, 0, vm_f64x2_replace_lane) \
    /* comparisons: lanes of all ones (true) or zeros */ \
    X(I8X16_EQ,             "i8x16.eq",             0x23, BINARY,      0, 0, vm_i8x16_eq) \
    X(I8X16_NE,             "i8x16.ne",             0x24, BINARY,      0, 0, vm_i8x16_ne) \
    X(I8X16_LT_S,           "i8x16.lt_s",           0x25, BINARY,      0, 0, vm_i8x16_lt_s) \
    X(I8X16_LT_U,           "i8x16.lt_u",           0x26, BINARY,      0, 0, vm_i8x16_lt_u) \
    X(I8X16_GT_S,           "i8x16.gt_s",           0x27, BINARY,      0, 0, vm_i8x16_gt_s) \
    X(I8X16_GT_U,           "i8x16.gt_u",           0x28, BINARY,      0, 0, vm_i8x16_gt_u) \
    X(I8X16_LE_S,           "i8x16.le_s",           0x29, BINARY,      0, 0, vm_i8x16_le_s) \
    X(I8X16_LE_U,           "i8x16.le_u",           0x2a, BINARY,      0, 0, vm_i8x16_le_u) \
    X(I8X16_GE_S,           "i8x16.ge_s",           0x2b, BINARY,      0, 0, vm_i8x16_ge_s) \
    X(I8X16_GE_U,           "i8x16.ge_u",           0x2c, BINARY,      0, 0, vm_i8x16_ge_u) \
    X(I16X8_EQ,             "i16x8.eq",             0x2d, BINARY,      0, 0, vm_i16x8_eq) \
    X(I16X8_NE,             "i16x8.ne",             0x2e, BINARY,      0, 0, vm_i16x8_ne) \
    X(I16X8_LT_S,           "i16x8.lt_s",           0x2f, BINARY,      0, 0, vm_i16x8_lt_s) \
    X(I16X8_LT_U,           "i16x8.lt_u",           0x30, BINARY,      0, 0, vm_i16x8_lt_u) \
    X(I16X8_GT_S,           "i16x8.gt_s",           0x31, BINARY,      0, 0, vm_i16x8_gt_s) \
    X(I16X8_GT_U,           "i16x8.gt_u",           0x32, BINARY,      0, 0, vm_i16x8_gt_u) \
    X(I16X8_LE_S,           "i16x8.le_s",           0x33, BINARY,      0, 0, vm_i16x8_le_s) \
    X(I16X8_LE_U,           "i16x8.le_u",           0x34, BINARY,      0, 0, vm_i16x8_le_u) \
    X(I16X8_GE_S,           "i16x8.ge_s",           0x35, BINARY,      0, 0, vm_i16x8_ge_s) \
    X(I16X8_GE_U,           "i16x8.ge_u",           0x36, BINARY,      0, 0, vm_i16x8_ge_u) \
    X(I32X4_EQ,             "i32x4.eq",             0x37, BINARY,      0, 0, vm_i32x4_eq) \
    X(I32X4_NE,             "i32x4.ne",             0x38, BINARY,      0, 0, vm_i32x4_ne) \
    X(I32X4_LT_S,           "i32x4.lt_s",           0x39, BINARY,      0, 0, vm_i32x4_lt_s) \
    X(I32X4_LT_U,           "i32x4.lt_u",           0x3a, BINARY,      0, 0, vm_i32x4_lt_u) \
    X(I32X4_GT_S,           "i32x4.gt_s",           0x3b, BINARY,      0, 0, vm_i32x4_gt_s) \
    X(I32X4_GT_U,           "i32x4.gt_u",           0x3c, BINARY,      0, 0, vm_i32x4_gt_u) \
    X(I32X4_LE_S,           "i32x4.le_s",           0x3d, BINARY,      0, 0, vm_i32x4_le_s) \
    X(I32X4_LE_U,           "i32x4.le_u",           0x3e, BINARY,      0, 0, vm_i32x4_le_u) \
    X(I32X4_GE_S,           "i32x4.ge_s",           0x3f, BINARY,      0, 0, vm_i32x4_ge_s) \
    X(I32X4_GE_U,           "i32x4.ge_u",           0x40, BINARY,      0, 0, vm_i32x4_ge_u) \
    X(F32X4_EQ,             "f32x4.eq",             0x41, BINARY,      0, 0, vm_f32x4_eq) \
    X(F32X4_NE,             "f32x4.ne",             0x42, BINARY,      0, 0, vm_f32x4_ne) \
    X(F32X4_LT,             "f32x4.lt",             0x43, BINARY,      0, 0, vm_f32x4_lt) \
    X(F32X4_GT,             "f32x4.gt",             0x44, BINARY,      0, 0, vm_f32x4_gt) \
    X(F32X4_LE,             "f32x4.le",             0x45, BINARY,      0, 0, vm_f32x4_le) \
    X(F32X4_GE,             "f32x4.ge",             0x46, BINARY,      0, 0, vm_f32x4_ge) \
    X(F64X2_EQ,             "f64x2.eq",             0x47, BINARY,      0, 0, vm_f64x2_eq) \
    X(F64X2_NE,             "f64x2.ne",             0x48, BINARY,      0, 0, vm_f64x2_ne) \
    X(F64X2_LT,             "f64x2.lt",             0x49, BINARY,      0, 0, vm_f64x2_lt) \
    X(F64X2_GT,             "f64x2.gt",             0x4a, BINARY,      0, 0, vm_f64x2_gt) \
    X(F64X2_LE,             "f64x2.le",             0x4b, BINARY,      0, 0, vm_f64x2_le) \
    X(F64X2_GE,             "f64x2.ge",             0x4c, BINARY,      0, 0, vm_f64x2_ge) \
    /* v128 bitwise; lane loads and stores; load_zero; demote, promote */ \
    X(V128_NOT,             "v128.not",             0x4d, UNARY,       0, 0, vm_v128_not) \
    X(V128_AND,             "v128.and",             0x4e, BINARY,      0, 0, vm_v128_and) \
    X(V128_ANDNOT,          "v128.andnot",          0x4f, BINARY,      0, 0, vm_v128_andnot) \
    X(V128_OR,              "v128.or",              0x50, BINARY,      0, 0, vm_v128_or) \
    X(V128_XOR,             "v128.xor",             0x51, BINARY,      0, 0, vm_v128_xor) \
    X(V128_BITSELECT,       "v128.bitselect",       0x52, TERNARY,     0, 0, vm_v128_bitselect) \
    X(V128_ANY_TRUE,        "v128.any_true",        0x53, TEST,        0, 0, vm_v128_any_true) \
    X(V128_LOAD8_LANE,      "v128.load8_lane",      0x54, LOAD_LANE,  16, 0, vm_v128_load8_lane) \
    X(V128_LOAD16_LANE,     "v128.load16_lane",     0x55, LOAD_LANE,   8, 1, vm_v128_load16_lane) \
    X(V128_LOAD32_LANE,     "v128.load32_lane",     0x56, LOAD_LANE,   4, 2, vm_v128_load32_lane) \
    X(V128_LOAD64_LANE,     "v128.load64_lane",     0x57, LOAD_LANE,   2, 3, vm_v128_load64_lane) \
    X(V128_STORE8_LANE,     "v128.store8_lane",     0x58, STORE_LANE, 16, 0, vm_v128_store8_lane) \
    X(V128_STORE16_LANE,    "v128.store16_lane",    0x59, STORE_LANE,  8, 1, vm_v128_store16_lane) \
    X(V128_STORE32_LANE,    "v128.store32_lane",    0x5a, STORE_LANE,  4, 2, vm_v128_store32_lane) \
    X(V128_STORE64_LANE,    "v128.store64_lane",    0x5b, STORE_LANE,  2, 3, vm_v128_store64_lane) \
    X(V128_LOAD32_ZERO,     "v128.load32_zero",     0x5c, LOAD,        0, 2, vm_v128_load32_zero) \
    X(V128_LOAD64_ZERO,     "v128.load64_zero",     0x5d, LOAD,        0, 3, vm_v128_load64_zero) \
    X(F32X4_DEMOTE_F64X2_ZERO, "f32x4.demote_f64x2_zero", 0x5e, UNARY, 0, 0, vm_f32x4_demote_f64x2_zero) \
    X(F64X2_PROMOTE_LOW_F32X4, "f64x2.promote_low_f32x4", 0x5f, UNARY, 0, 0, vm_f64x2_promote_low_f32x4) \
    /* i8x16 (with f32x4 and f64x2 rounding in the gaps) */ \
    X(I8X16_ABS,            "i8x16.abs",            0x60, UNARY,       0, 0, vm_i8x16_abs) \
    X(I8X16_NEG,            "i8x16.neg",            0x61, UNARY,       0, 0, vm_i8x16_neg) \
    X(I8X16_POPCNT,         "i8x16.popcnt",         0x62, UNARY,       0, 0, vm_i8x16_popcnt) \
    X(I8X16_ALL_TRUE,       "i8x16.all_true",       0x63, TEST,        0, 0, vm_i8x16_all_true) \
    X(I8X16_BITMASK,        "i8x16.bitmask",        0x64, TEST,        0, 0, vm_i8x16_bitmask) \
    X(I8X16_NARROW_I16X8_S, "i8x16.narrow_i16x8_s", 0x65, BINARY,      0, 0, vm_i8x16_narrow_i16x8_s) \
    X(I8X16_NARROW_I16X8_U, "i8x16.narrow_i16x8_u", 0x66, BINARY,      0, 0, vm_i8x16_narrow_i16x8_u) \
    X(F32X4_CEIL,           "f32x4.ceil",           0x67, UNARY,       0, 0, vm_f32x4_ceil) \
    X(F32X4_FLOOR,          "f32x4.floor",          0x68, UNARY,       0, 0, vm_f32x4_floor) \
    X(F32X4_TRUNC,          "f32x4.trunc",          0x69, UNARY,       0, 0, vm_f32x4_trunc) \
    X(F32X4_NEAREST,        "f32x4.nearest",        0x6a, UNARY,       0, 0, vm_f32x4_nearest) \
    X(I8X16_SHL,            "i8x16.shl",            0x6b, SHIFT,       0, 0, vm_i8x16_shl) \
    X(I8X16_SHR_S,          "i8x16.shr_s",          0x6c, SHIFT,       0, 0, vm_i8x16_shr_s) \
    X(I8X16_SHR_U,          "i8x16.shr_u",          0x6d, SHIFT,       0, 0, vm_i8x16_shr_u) \
    X(I8X16_ADD,            "i8x16.add",            0x6e, BINARY,      0, 0, vm_i8x16_add) \
    X(I8X16_ADD_SAT_S,      "i8x16.add_sat_s",      0x6f, BINARY,      0, 0, vm_i8x16_add_sat_s) \
    X(I8X16_ADD_SAT_U,      "i8x16.add_sat_u",      0x70, BINARY,      0, 0, vm_i8x16_add_sat_u) \
    X(I8X16_SUB,            "i8x16.sub",            0x71, BINARY,      0, 0, vm_i8x16_sub) \
    X(I8X16_SUB_SAT_S,      "i8x16.sub_sat_s",      0x72, BINARY,      0, 0, vm_i8x16_sub_sat_s) \
    X(I8X16_SUB_SAT_U,      "i8x16.sub_sat_u",      0x73, BINARY,      0, 0, vm_i8x16_sub_sat_u) \
    X(F64X2_CEIL,           "f64x2.ceil",           0x74, UNARY,       0, 0, vm_f64x2_ceil) \
    X(F64X2_FLOOR,          "f64x2.floor",          0x75, UNARY,       0, 0, vm_f64x2_floor) \
    X(I8X16_MIN_S,          "i8x16.min_s",          0x76, BINARY,      0, 0, vm_i8x16_min_s) \
    X(I8X16_MIN_U,          "i8x16.min_u",          0x77, BINARY,      0, 0, vm_i8x16_min_u) \
    X(I8X16_MAX_S,          "i8x16.max_s",          0x78, BINARY,      0, 0, vm_i8x16_max_s) \
    X(I8X16_MAX_U,          "i8x16.max_u",          0x79, BINARY,      0, 0, vm_i8x16_max_u) \
    X(F64X2_TRUNC,          "f64x2.trunc",          0x7a, UNARY,       0, 0, vm_f64x2_trunc) \
    X(I8X16_AVGR_U,         "i8x16.avgr_u",         0x7b, BINARY,      0, 0, vm_i8x16_avgr_u) \
    X(I16X8_EXTADD_PAIRWISE_I8X16_S, "i16x8.extadd_pairwise_i8x16_s", 0x7c, UNARY, 0, 0, vm_i16x8_extadd_pairwise_i8x16_s) \
    X(I16X8_EXTADD_PAIRWISE_I8X16_U, "i16x8.extadd_pairwise_i8x16_u", 0x7d, UNARY, 0, 0, vm_i16x8_extadd_pairwise_i8x16_u) \
    X(I32X4_EXTADD_PAIRWISE_I16X8_S, "i32x4.extadd_pairwise_i16x8_s", 0x7e, UNARY, 0, 0, vm_i32x4_extadd_pairwise_i16x8_s) \
    X(I32X4_EXTADD_PAIRWISE_I16X8_U, "i32x4.extadd_pairwise_i16x8_u", 0x7f, UNARY, 0, 0, vm_i32x4_extadd_pairwise_i16x8_u) \
    /* i16x8 (with f64x2.nearest) */ \
    X(I16X8_ABS,            "i16x8.abs",            0x80, UNARY,       0, 0, vm_i16x8_abs) \
    X(I16X8_NEG,            "i16x8.neg",            0x81, UNARY,       0, 0, vm_i16x8_neg) \
    X(I16X8_Q15MULR_SAT_S,  "i16x8.q15mulr_sat_s",  0x82, BINARY,      0, 0, vm_i16x8_q15mulr_sat_s) \
    X(I16X8_ALL_TRUE,       "i16x8.all_true",       0x83, TEST,        0, 0, vm_i16x8_all_true) \
    X(I16X8_BITMASK,        "i16x8.bitmask",        0x84, TEST,        0, 0, vm_i16x8_bitmask) \
    X(I16X8_NARROW_I32X4_S, "i16x8.narrow_i32x4_s", 0x85, BINARY,      0, 0, vm_i16x8_narrow_i32x4_s) \
    X(I16X8_NARROW_I32X4_U, "i16x8.narrow_i32x4_u", 0x86, BINARY,      0, 0, vm_i16x8_narrow_i32x4_u) \
    X(I16X8_EXTEND_LOW_I8X16_S,  "i16x8.extend_low_i8x16_s",  0x87, UNARY, 0, 0, vm_i16x8_extend_low_i8x16_s) \
    X(I16X8_EXTEND_HIGH_I8X16_S, "i16x8.extend_high_i8x16_s", 0x88, UNARY, 0, 0, vm_i16x8_extend_high_i8x16_s) \
    X(I16X8_EXTEND_LOW_I8X16_U,  "i16x8.extend_low_i8x16_u",  0x89, UNARY, 0, 0, vm_i16x8_extend_low_i8x16_u) \
    X(I16X8_EXTEND_HIGH_I8X16_U, "i16x8.extend_high_i8x16_u", 0x8a, UNARY, 0, 0, vm_i16x8_extend_high_i8x16_u) \
    X(I16X8_SHL,            "i16x8.shl",            0x8b, SHIFT,       0, 0, vm_i16x8_shl) \
    X(I16X8_SHR_S,          "i16x8.shr_s",          0x8c, SHIFT,       0, 0, vm_i16x8_shr_s) \
    X(I16X8_SHR_U,          "i16x8.shr_u",          0x8d, SHIFT,       0, 0, vm_i16x8_shr_u) \
    X(I16X8_ADD,            "i16x8.add",            0x8e, BINARY,      0, 0, vm_i16x8_add) \
    X(I16X8_ADD_SAT_S,      "i16x8.add_sat_s",      0x8f, BINARY,      0, 0, vm_i16x8_add_sat_s) \
    X(I16X8_ADD_SAT_U,      "i16x8.add_sat_u",      0x90, BINARY,      0, 0, vm_i16x8_add_sat_u) \
    X(I16X8_SUB,            "i16x8.sub",            0x91, BINARY,      0, 0, vm_i16x8_sub) \
    X(I16X8_SUB_SAT_S,      "i16x8.sub_sat_s",      0x92, BINARY,      0, 0, vm_i16x8_sub_sat_s) \
    X(I16X8_SUB_SAT_U,      "i16x8.sub_sat_u",      0x93, BINARY,      0, 0, vm_i16x8_sub_sat_u) \
    X(F64X2_NEAREST,        "f64x2.nearest",        0x94, UNARY,       0, 0, vm_f64x2_nearest) \
    X(I16X8_MUL,            "i16x8.mul",            0x95, BINARY,      0, 0, vm_i16x8_mul) \
    X(I16X8_MIN_S,          "i16x8.min_s",          0x96, BINARY,      0, 0, vm_i16x8_min_s) \
    X(I16X8_MIN_U,          "i16x8.min_u",          0x97, BINARY,      0, 0, vm_i16x8_min_u) \
    X(I16X8_MAX_S,          "i16x8.max_s",          0x98, BINARY,      0, 0, vm_i16x8_max_s) \
    X(I16X8_MAX_U,          "i16x8.max_u",          0x99, BINARY,      0, 0, vm_i16x8_max_u) \
    X(I16X8_AVGR_U,         "i16x8.avgr_u",         0x9b, BINARY,      0, 0, vm_i16x8_avgr_u) \
    X(I16X8_EXTMUL_LOW_I8X16_S,  "i16x8.extmul_low_i8x16_s",  0x9c, BINARY, 0, 0, vm_i16x8_extmul_low_i8x16_s) \
    X(I16X8_EXTMUL_HIGH_I8X16_S, "i16x8.extmul_high_i8x16_s", 0x9d, BINARY, 0, 0, vm_i16x8_extmul_high_i8x16_s) \
    X(I16X8_EXTMUL_LOW_I8X16_U,  "i16x8.extmul_low_i8x16_u",  0x9e, BINARY, 0, 0, vm_i16x8_extmul_low_i8x16_u) \
    X(I16X8_EXTMUL_HIGH_I8X16_U, "i16x8.extmul_high_i8x16_u", 0x9f, BINARY, 0, 0, vm_i16x8_extmul_high_i8x16_u) \
    /* i32x4 */ \
    X(I32X4_ABS,            "i32x4.abs",            0xa0, UNARY,       0, 0, vm_i32x4_abs) \
    X(I32X4_NEG,            "i32x4.neg",            0xa1, UNARY,       0, 0, vm_i32x4_neg) \
    X(I32X4_ALL_TRUE,       "i32x4.all_true",       0xa3, TEST,        0, 0, vm_i32x4_all_true) \
    X(I32X4_BITMASK,        "i32x4.bitmask",        0xa4, TEST,        0, 0, vm_i32x4_bitmask) \
    X(I32X4_EXTEND_LOW_I16X8_S,  "i32x4.extend_low_i16x8_s",  0xa7, UNARY, 0, 0, vm_i32x4_extend_low_i16x8_s) \
    X(I32X4_EXTEND_HIGH_I16X8_S, "i32x4.extend_high_i16x8_s", 0xa8, UNARY, 0, 0, vm_i32x4_extend_high_i16x8_s) \
    X(I32X4_EXTEND_LOW_I16X8_U,  "i32x4.extend_low_i16x8_u",  0xa9, UNARY, 0, 0, vm_i32x4_extend_low_i16x8_u) \
    X(I32X4_EXTEND_HIGH_I16X8_U, "i32x4.extend_high_i16x8_u", 0xaa, UNARY, 0, 0, vm_i32x4_extend_high_i16x8_u) \
    X(I32X4_SHL,            "i32x4.shl",            0xab, SHIFT,       0, 0, vm_i32x4_shl) \
    X(I32X4_SHR_S,          "i32x4.shr_s",          0xac, SHIFT,       0, 0, vm_i32x4_shr_s) \
    X(I32X4_SHR_U,          "i32x4.shr_u",          0xad, SHIFT,       0, 0, vm_i32x4_shr_u) \
    X(I32X4_ADD,            "i32x4.add",            0xae, BINARY,      0, 0, vm_i32x4_add) \
    X(I32X4_SUB,            "i32x4.sub",            0xb1, BINARY,      0, 0, vm_i32x4_sub) \
    X(I32X4_MUL,            "i32x4.mul",            0xb5, BINARY,      0, 0, vm_i32x4_mul) \
    X(I32X4_MIN_S,          "i32x4.min_s",          0xb6, BINARY,      0, 0, vm_i32x4_min_s) \
    X(I32X4_MIN_U,          "i32x4.min_u",          0xb7, BINARY,      0, 0, vm_i32x4_min_u) \
    X(I32X4_MAX_S,          "i32x4.max_s",          0xb8, BINARY,      0, 0, vm_i32x4_max_s) \
    X(I32X4_MAX_U,          "i32x4.max_u",          0xb9, BINARY,      0, 0, vm_i32x4_max_u) \
    X(I32X4_DOT_I16X8_S,    "i32x4.dot_i16x8_s",    0xba, BINARY,      0, 0, vm_i32x4_dot_i16x8_s) \
    X(I32X4_EXTMUL_LOW_I16X8_S,  "i32x4.extmul_low_i16x8_s",  0xbc, BINARY, 0, 0, vm_i32x4_extmul_low_i16x8_s) \
    X(I32X4_EXTMUL_HIGH_I16X8_S, "i32x4.extmul_high_i16x8_s", 0xbd, BINARY, 0, 0, vm_i32x4_extmul_high_i16x8_s) \
    X(I32X4_EXTMUL_LOW_I16X8_U,  "i32x4.extmul_low_i16x8_u",  0xbe, BINARY, 0, 0, vm_i32x4_extmul_low_i16x8_u) \
    X(I32X4_EXTMUL_HIGH_I16X8_U, "i32x4.extmul_high_i16x8_u", 0xbf, BINARY, 0, 0, vm_i32x4_extmul_high_i16x8_u) \
    /* i64x2 */ \
    X(I64X2_ABS,            "i64x2.abs",            0xc0, UNARY,       0, 0, vm_i64x2_abs) \
    X(I64X2_NEG,            "i64x2.neg",            0xc1, UNARY,       0, 0, vm_i64x2_neg) \
    X(I64X2_ALL_TRUE,       "i64x2.all_true",       0xc3, TEST,        0, 0, vm_i64x2_all_true) \
    X(I64X2_BITMASK,        "i64x2.bitmask",        0xc4, TEST,        0, 0, vm_i64x2_bitmask) \
    X(I64X2_EXTEND_LOW_I32X4_S,  "i64x2.extend_low_i32x4_s",  0xc7, UNARY, 0, 0, vm_i64x2_extend_low_i32x4_s) \
    X(I64X2_EXTEND_HIGH_I32X4_S, "i64x2.extend_high_i32x4_s", 0xc8, UNARY, 0, 0, vm_i64x2_extend_high_i32x4_s) \
    X(I64X2_EXTEND_LOW_I32X4_U,  "i64x2.extend_low_i32x4_u",  0xc9, UNARY, 0, 0, vm_i64x2_extend_low_i32x4_u) \
    X(I64X2_EXTEND_HIGH_I32X4_U, "i64x2.extend_high_i32x4_u", 0xca, UNARY, 0, 0, vm_i64x2_extend_high_i32x4_u) \
    X(I64X2_SHL,            "i64x2.shl",            0xcb, SHIFT,       0, 0, vm_i64x2_shl) \
    X(I64X2_SHR_S,          "i64x2.shr_s",          0xcc, SHIFT,       0, 0, vm_i64x2_shr_s) \
    X(I64X2_SHR_U,          "i64x2.shr_u",          0xcd, SHIFT,       0, 0, vm_i64x2_shr_u) \
    X(I64X2_ADD,            "i64x2.add",            0xce, BINARY,      0, 0, vm_i64x2_add) \
    X(I64X2_SUB,            "i64x2.sub",            0xd1, BINARY,      0, 0, vm_i64x2_sub) \
    X(I64X2_MUL,            "i64x2.mul",            0xd5, BINARY,      0, 0, vm_i64x2_mul) \
    X(I64X2_EQ,             "i64x2.eq",             0xd6, BINARY,      0, 0, vm_i64x2_eq) \
    X(I64X2_NE,             "i64x2.ne",             0xd7, BINARY,      0, 0, vm_i64x2_ne) \
    X(I64X2_LT_S,           "i64x2.lt_s",           0xd8, BINARY,      0, 0, vm_i64x2_lt_s) \
    X(I64X2_GT_S,           "i64x2.gt_s",           0xd9, BINARY,      0, 0, vm_i64x2_gt_s) \
    X(I64X2_LE_S,           "i64x2.le_s",           0xda, BINARY,      0, 0, vm_i64x2_le_s) \
    X(I64X2_GE_S,           "i64x2.ge_s",           0xdb, BINARY,      0, 0, vm_i64x2_ge_s) \
    X(I64X2_EXTMUL_LOW_I32X4_S,  "i64x2.extmul_low_i32x4_s",  0xdc, BINARY, 0, 0, vm_i64x2_extmul_low_i32x4_s) \
    X(I64X2_EXTMUL_HIGH_I32X4_S, "i64x2.extmul_high_i32x4_s", 0xdd, BINARY, 0, 0, vm_i64x2_extmul_high_i32x4_s) \
    X(I64X2_EXTMUL_LOW_I32X4_U,  "i64x2.extmul_low_i32x4_u",  0xde, BINARY, 0, 0, vm_i64x2_extmul_low_i32x4_u) \
    X(I64X2_EXTMUL_HIGH_I32X4_U, "i64x2.extmul_high_i32x4_u", 0xdf, BINARY, 0, 0, vm_i64x2_extmul_high_i32x4_u) \
    /* f32x4 */ \
    X(F32X4_ABS,            "f32x4.abs",            0xe0, UNARY,       0, 0, vm_f32x4_abs) \
    X(F32X4_NEG,            "f32x4.neg",            0xe1, UNARY,       0, 0, vm_f32x4_neg) \
    X(F32X4_SQRT,           "f32x4.sqrt",           0xe3, UNARY,       0, 0, vm_f32x4_sqrt) \
    X(F32X4_ADD,            "f32x4.add",            0xe4, BINARY,      0, 0, vm_f32x4_add) \
    X(F32X4_SUB,            "f32x4.sub",            0xe5, BINARY,      0, 0, vm_f32x4_sub) \
    X(F32X4_MUL,            "f32x4.mul",            0xe6, BINARY,      0, 0, vm_f32x4_mul) \
    X(F32X4_DIV,            "f32x4.div",            0xe7, BINARY,      0, 0, vm_f32x4_div) \
    X(F32X4_MIN,            "f32x4.min",            0xe8, BINARY,      0, 0, vm_f32x4_min) \
    X(F32X4_MAX,            "f32x4.max",            0xe9, BINARY,      0, 0, vm_f32x4_max) \
    X(F32X4_PMIN,           "f32x4.pmin",           0xea, BINARY,      0, 0, vm_f32x4_pmin) \
    X(F32X4_PMAX,           "f32x4.pmax",           0xeb, BINARY,      0, 0, vm_f32x4_pmax) \
    /* f64x2 */ \
    X(F64X2_ABS,            "f64x2.abs",            0xec, UNARY,       0, 0, vm_f64x2_abs) \
    X(F64X2_NEG,            "f64x2.neg",            0xed, UNARY,       0, 0, vm_f64x2_neg) \
    X(F64X2_SQRT,           "f64x2.sqrt",           0xef, UNARY,       0, 0, vm_f64x2_sqrt) \
    X(F64X2_ADD,            "f64x2.add",            0xf0, BINARY,      0, 0, vm_f64x2_add) \
    X(F64X2_SUB,            "f64x2.sub",            0xf1, BINARY,      0, 0, vm_f64x2_sub) \
    X(F64X2_MUL,            "f64x2.mul",            0xf2, BINARY,      0, 0, vm_f64x2_mul) \
    X(F64X2_DIV,            "f64x2.div",            0xf3, BINARY,      0, 0, vm_f64x2_div) \
    X(F64X2_MIN,            "f64x2.min",            0xf4, BINARY,      0, 0, vm_f64x2_min) \
    X(F64X2_MAX,            "f64x2.max",            0xf5, BINARY,      0, 0, vm_f64x2_max) \
    X(F64X2_PMIN,           "f64x2.pmin",           0xf6, BINARY,      0, 0, vm_f64x2_pmin) \
    X(F64X2_PMAX,           "f64x2.pmax",           0xf7, BINARY,      0, 0, vm_f64x2_pmax) \
    /* conversions */ \
    X(I32X4_TRUNC_SAT_F32X4_S, "i32x4.trunc_sat_f32x4_s", 0xf8, UNARY, 0, 0, vm_i32x4_trunc_sat_f32x4_s) \
    X(I32X4_TRUNC_SAT_F32X4_U, "i32x4.trunc_sat_f32x4_u", 0xf9, UNARY, 0, 0, vm_i32x4_trunc_sat_f32x4_u) \
    X(F32X4_CONVERT_I32X4_S,   "f32x4.convert_i32x4_s",   0xfa, UNARY, 0, 0, vm_f32x4_convert_i32x4_s) \
    X(F32X4_CONVERT_I32X4_U,   "f32x4.convert_i32x4_u",   0xfb, UNARY, 0, 0, vm_f32x4_convert_i32x4_u) \
    X(I32X4_TRUNC_SAT_F64X2_S_ZERO, "i32x4.trunc_sat_f64x2_s_zero", 0xfc, UNARY, 0, 0, vm_i32x4_trunc_sat_f64x2_s_zero) \
    X(I32X4_TRUNC_SAT_F64X2_U_ZERO, "i32x4.trunc_sat_f64x2_u_zero", 0xfd, UNARY, 0, 0, vm_i32x4_trunc_sat_f64x2_u_zero) \
    X(F64X2_CONVERT_LOW_I32X4_S,    "f64x2.convert_low_i32x4_s",    0xfe, UNARY, 0, 0, vm_f64x2_convert_low_i32x4_s) \
    X(F64X2_CONVERT_LOW_I32X4_U,    "f64x2.convert_low_i32x4_u",    0xff, UNARY, 0, 0, vm_f64x2_convert_low_i32x4_u)

/* The number of entries above: every SIMD instruction of Wasm 2.0. */
#define VM_SIMD_OP_COUNT 236

#endif
