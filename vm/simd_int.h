/* simd_int.h — the integer lane instructions of Wasm 2.0 SIMD (i8x16,
 * i16x8, i32x4, i64x2): wrapping and saturating arithmetic, min/max,
 * avgr_u, comparisons, all_true/bitmask, shifts, popcnt, q15mulr_sat_s,
 * dot, extended multiplication, pairwise addition, narrowing and
 * extension. Part of simd.h; lanes and generators come from
 * simd_lanes.h. Lanes are unsigned integers of their width; the signed
 * instructions read them with vm_s8..vm_s64. Everything is defined
 * behaviour in C11 (no signed overflow, no shift by the width). */
#ifndef WIPPY_VM_SIMD_INT_H
#define WIPPY_VM_SIMD_INT_H

#include "vm/simd_lanes.h"

/* ==== add, sub, mul, neg, abs (wrapping) ================================== */

VM_SIMD_BINARY(vm_i8x16_add, 8, x + y)
VM_SIMD_BINARY(vm_i16x8_add, 16, x + y)
VM_SIMD_BINARY(vm_i32x4_add, 32, x + y)
VM_SIMD_BINARY(vm_i64x2_add, 64, x + y)
VM_SIMD_BINARY(vm_i8x16_sub, 8, x - y)
VM_SIMD_BINARY(vm_i16x8_sub, 16, x - y)
VM_SIMD_BINARY(vm_i32x4_sub, 32, x - y)
VM_SIMD_BINARY(vm_i64x2_sub, 64, x - y)
VM_SIMD_BINARY(vm_i16x8_mul, 16, (uint32_t)x * y)
VM_SIMD_BINARY(vm_i32x4_mul, 32, x * y)
VM_SIMD_BINARY(vm_i64x2_mul, 64, x * y)
VM_SIMD_UNARY(vm_i8x16_neg, 8, 0u - x)
VM_SIMD_UNARY(vm_i16x8_neg, 16, 0u - x)
VM_SIMD_UNARY(vm_i32x4_neg, 32, 0u - x)
VM_SIMD_UNARY(vm_i64x2_neg, 64, UINT64_C(0) - x)
/* abs of the minimum is the minimum (it wraps) */
VM_SIMD_UNARY(vm_i8x16_abs, 8, vm_s8(x) < 0 ? 0u - x : x)
VM_SIMD_UNARY(vm_i16x8_abs, 16, vm_s16(x) < 0 ? 0u - x : x)
VM_SIMD_UNARY(vm_i32x4_abs, 32, vm_s32(x) < 0 ? 0u - x : x)
VM_SIMD_UNARY(vm_i64x2_abs, 64, vm_s64(x) < 0 ? UINT64_C(0) - x : x)

/* ==== saturating add and sub ==============================================
 * The exact result (in int, which holds any sum of two 16-bit lanes)
 * clamped to the lane's range. */

static inline int vm_simd_clamp(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }

VM_SIMD_BINARY(vm_i8x16_add_sat_s, 8, vm_simd_clamp(vm_s8(x) + vm_s8(y), INT8_MIN, INT8_MAX))
VM_SIMD_BINARY(vm_i8x16_add_sat_u, 8, vm_simd_clamp(x + y, 0, UINT8_MAX))
VM_SIMD_BINARY(vm_i8x16_sub_sat_s, 8, vm_simd_clamp(vm_s8(x) - vm_s8(y), INT8_MIN, INT8_MAX))
VM_SIMD_BINARY(vm_i8x16_sub_sat_u, 8, vm_simd_clamp(x - y, 0, UINT8_MAX))
VM_SIMD_BINARY(vm_i16x8_add_sat_s, 16, vm_simd_clamp(vm_s16(x) + vm_s16(y), INT16_MIN, INT16_MAX))
VM_SIMD_BINARY(vm_i16x8_add_sat_u, 16, vm_simd_clamp(x + y, 0, UINT16_MAX))
VM_SIMD_BINARY(vm_i16x8_sub_sat_s, 16, vm_simd_clamp(vm_s16(x) - vm_s16(y), INT16_MIN, INT16_MAX))
VM_SIMD_BINARY(vm_i16x8_sub_sat_u, 16, vm_simd_clamp(x - y, 0, UINT16_MAX))

/* ==== min, max, avgr_u ==================================================== */

VM_SIMD_BINARY(vm_i8x16_min_s, 8, vm_s8(x) < vm_s8(y) ? x : y)
VM_SIMD_BINARY(vm_i8x16_min_u, 8, x < y ? x : y)
VM_SIMD_BINARY(vm_i8x16_max_s, 8, vm_s8(x) > vm_s8(y) ? x : y)
VM_SIMD_BINARY(vm_i8x16_max_u, 8, x > y ? x : y)
VM_SIMD_BINARY(vm_i16x8_min_s, 16, vm_s16(x) < vm_s16(y) ? x : y)
VM_SIMD_BINARY(vm_i16x8_min_u, 16, x < y ? x : y)
VM_SIMD_BINARY(vm_i16x8_max_s, 16, vm_s16(x) > vm_s16(y) ? x : y)
VM_SIMD_BINARY(vm_i16x8_max_u, 16, x > y ? x : y)
VM_SIMD_BINARY(vm_i32x4_min_s, 32, vm_s32(x) < vm_s32(y) ? x : y)
VM_SIMD_BINARY(vm_i32x4_min_u, 32, x < y ? x : y)
VM_SIMD_BINARY(vm_i32x4_max_s, 32, vm_s32(x) > vm_s32(y) ? x : y)
VM_SIMD_BINARY(vm_i32x4_max_u, 32, x > y ? x : y)
/* (x + y + 1) / 2 without losing the carry: computed in 32 bits */
VM_SIMD_BINARY(vm_i8x16_avgr_u, 8, ((uint32_t)x + y + 1) >> 1)
VM_SIMD_BINARY(vm_i16x8_avgr_u, 16, ((uint32_t)x + y + 1) >> 1)

/* ==== comparisons ========================================================= */

VM_SIMD_COMPARE(vm_i8x16_eq, 8, x == y)
VM_SIMD_COMPARE(vm_i8x16_ne, 8, x != y)
VM_SIMD_COMPARE(vm_i8x16_lt_s, 8, vm_s8(x) < vm_s8(y))
VM_SIMD_COMPARE(vm_i8x16_lt_u, 8, x < y)
VM_SIMD_COMPARE(vm_i8x16_gt_s, 8, vm_s8(x) > vm_s8(y))
VM_SIMD_COMPARE(vm_i8x16_gt_u, 8, x > y)
VM_SIMD_COMPARE(vm_i8x16_le_s, 8, vm_s8(x) <= vm_s8(y))
VM_SIMD_COMPARE(vm_i8x16_le_u, 8, x <= y)
VM_SIMD_COMPARE(vm_i8x16_ge_s, 8, vm_s8(x) >= vm_s8(y))
VM_SIMD_COMPARE(vm_i8x16_ge_u, 8, x >= y)
VM_SIMD_COMPARE(vm_i16x8_eq, 16, x == y)
VM_SIMD_COMPARE(vm_i16x8_ne, 16, x != y)
VM_SIMD_COMPARE(vm_i16x8_lt_s, 16, vm_s16(x) < vm_s16(y))
VM_SIMD_COMPARE(vm_i16x8_lt_u, 16, x < y)
VM_SIMD_COMPARE(vm_i16x8_gt_s, 16, vm_s16(x) > vm_s16(y))
VM_SIMD_COMPARE(vm_i16x8_gt_u, 16, x > y)
VM_SIMD_COMPARE(vm_i16x8_le_s, 16, vm_s16(x) <= vm_s16(y))
VM_SIMD_COMPARE(vm_i16x8_le_u, 16, x <= y)
VM_SIMD_COMPARE(vm_i16x8_ge_s, 16, vm_s16(x) >= vm_s16(y))
VM_SIMD_COMPARE(vm_i16x8_ge_u, 16, x >= y)
VM_SIMD_COMPARE(vm_i32x4_eq, 32, x == y)
VM_SIMD_COMPARE(vm_i32x4_ne, 32, x != y)
VM_SIMD_COMPARE(vm_i32x4_lt_s, 32, vm_s32(x) < vm_s32(y))
VM_SIMD_COMPARE(vm_i32x4_lt_u, 32, x < y)
VM_SIMD_COMPARE(vm_i32x4_gt_s, 32, vm_s32(x) > vm_s32(y))
VM_SIMD_COMPARE(vm_i32x4_gt_u, 32, x > y)
VM_SIMD_COMPARE(vm_i32x4_le_s, 32, vm_s32(x) <= vm_s32(y))
VM_SIMD_COMPARE(vm_i32x4_le_u, 32, x <= y)
VM_SIMD_COMPARE(vm_i32x4_ge_s, 32, vm_s32(x) >= vm_s32(y))
VM_SIMD_COMPARE(vm_i32x4_ge_u, 32, x >= y)
/* i64x2 has the signed comparisons only */
VM_SIMD_COMPARE(vm_i64x2_eq, 64, x == y)
VM_SIMD_COMPARE(vm_i64x2_ne, 64, x != y)
VM_SIMD_COMPARE(vm_i64x2_lt_s, 64, vm_s64(x) < vm_s64(y))
VM_SIMD_COMPARE(vm_i64x2_gt_s, 64, vm_s64(x) > vm_s64(y))
VM_SIMD_COMPARE(vm_i64x2_le_s, 64, vm_s64(x) <= vm_s64(y))
VM_SIMD_COMPARE(vm_i64x2_ge_s, 64, vm_s64(x) >= vm_s64(y))

/* ==== all_true and bitmask (v128 → i32) ===================================
 * all_true: 1 when no lane is zero. bitmask: bit i is lane i's top bit. */

#define VM_SIMD_ALL_TRUE(NAME, W)                                             \
    static inline uint32_t NAME(vm_v128 a)                                    \
    {                                                                         \
        for (unsigned i = 0; i < 128 / (W); i++)                              \
            if (vm_v128_u##W(&a, i) == 0)                                     \
                return 0;                                                     \
        return 1;                                                             \
    }

#define VM_SIMD_BITMASK(NAME, W)                                              \
    static inline uint32_t NAME(vm_v128 a)                                    \
    {                                                                         \
        uint32_t mask = 0;                                                    \
        for (unsigned i = 0; i < 128 / (W); i++)                              \
            mask |= (uint32_t)(vm_v128_u##W(&a, i) >> ((W) - 1)) << i;        \
        return mask;                                                          \
    }

VM_SIMD_ALL_TRUE(vm_i8x16_all_true, 8)
VM_SIMD_ALL_TRUE(vm_i16x8_all_true, 16)
VM_SIMD_ALL_TRUE(vm_i32x4_all_true, 32)
VM_SIMD_ALL_TRUE(vm_i64x2_all_true, 64)
VM_SIMD_BITMASK(vm_i8x16_bitmask, 8)
VM_SIMD_BITMASK(vm_i16x8_bitmask, 16)
VM_SIMD_BITMASK(vm_i32x4_bitmask, 32)
VM_SIMD_BITMASK(vm_i64x2_bitmask, 64)

/* ==== shifts (count modulo the lane width, as `n`) ========================
 * shr_s fills with the sign: ~(~x >> n) for a negative lane. */

VM_SIMD_SHIFT(vm_i8x16_shl, 8, (uint32_t)x << n)
VM_SIMD_SHIFT(vm_i8x16_shr_u, 8, x >> n)
VM_SIMD_SHIFT(vm_i8x16_shr_s, 8, vm_s8(x) < 0 ? ~((uint8_t)~x >> n) : x >> n)
VM_SIMD_SHIFT(vm_i16x8_shl, 16, (uint32_t)x << n)
VM_SIMD_SHIFT(vm_i16x8_shr_u, 16, x >> n)
VM_SIMD_SHIFT(vm_i16x8_shr_s, 16, vm_s16(x) < 0 ? ~((uint16_t)~x >> n) : x >> n)
VM_SIMD_SHIFT(vm_i32x4_shl, 32, x << n)
VM_SIMD_SHIFT(vm_i32x4_shr_u, 32, x >> n)
VM_SIMD_SHIFT(vm_i32x4_shr_s, 32, i32_shr_s(x, n))
VM_SIMD_SHIFT(vm_i64x2_shl, 64, x << n)
VM_SIMD_SHIFT(vm_i64x2_shr_u, 64, x >> n)
VM_SIMD_SHIFT(vm_i64x2_shr_s, 64, i64_shr_s(x, n))

/* ==== popcnt, q15mulr_sat_s =============================================== */

/* Each byte's count of set bits, computed on the two 64-bit halves at once
 * (the counts of 2, 4, then 8 bits; no carry crosses a byte). A byte loop
 * over __builtin_popcount is what GCC 12 -O2 miscompiles on a host without
 * a vector unit (s390x z196, x86-64 -mgeneral-regs-only -mpopcnt): its
 * vectorizer turns the eight byte counts into one 64-bit count (see
 * doc/engine.md, "Other CPUs"). */
static inline uint64_t vm_simd_popcnt_bytes(uint64_t x)
{
    x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    return (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
}

static inline vm_v128 vm_i8x16_popcnt(vm_v128 a)
{
    return vm_v128_from_halves(vm_simd_popcnt_bytes(vm_v128_lo(a)), vm_simd_popcnt_bytes(vm_v128_hi(a)));
}

/* (x * y + 2^14) >> 15, arithmetic shift, saturated: only
 * -32768 * -32768 gives 32768, which becomes 32767. */
VM_SIMD_BINARY(vm_i16x8_q15mulr_sat_s, 16,
               vm_simd_clamp(vm_s32(i32_shr_s((uint32_t)(vm_s16(x) * vm_s16(y) + 0x4000), 15)),
                        INT16_MIN, INT16_MAX))

/* ==== widening: extend, extmul, extadd_pairwise, dot ======================
 * Result lanes of W bits from source lanes of W/2 bits. EXT reads source
 * lane k of v extended to the result width: signed (S) or unsigned (U). */

#define VM_SIMD_EXT_S(v, W, k) ((uint##W##_t)(int##W##_t)vm_s##W##_HALF(vm_v128_u##W##_HALF(&v, k)))
#define VM_SIMD_EXT_U(v, W, k) ((uint##W##_t)vm_v128_u##W##_HALF(&v, k))
/* the half-width names the token pasting above needs */
#define vm_v128_u16_HALF vm_v128_u8
#define vm_v128_u32_HALF vm_v128_u16
#define vm_v128_u64_HALF vm_v128_u32
#define vm_s16_HALF vm_s8
#define vm_s32_HALF vm_s16
#define vm_s64_HALF vm_s32

/* extend_low/high: lane i of the result is source lane i (+ half of the
 * lane count for high). */
#define VM_SIMD_EXTEND(NAME, W, SIGN, HIGH)                                   \
    static inline vm_v128 NAME(vm_v128 a)                                     \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++)                              \
            vm_v128_set_u##W(&r, i, VM_SIMD_EXT_##SIGN(a, W, i + (HIGH) * 128 / (W))); \
        return r;                                                             \
    }

/* extmul_low/high: the extended lanes multiplied, with full precision
 * (the product of two W/2-bit lanes fits in W bits). */
#define VM_SIMD_EXTMUL(NAME, W, SIGN, HIGH)                                   \
    static inline vm_v128 NAME(vm_v128 a, vm_v128 b)                          \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++) {                            \
            unsigned k = i + (HIGH) * 128 / (W);                              \
            uint##W##_t p = (uint##W##_t)(VM_SIMD_EXT_##SIGN(a, W, k) *       \
                                          (uint64_t)VM_SIMD_EXT_##SIGN(b, W, k)); \
            vm_v128_set_u##W(&r, i, p);                                       \
        }                                                                     \
        return r;                                                             \
    }

/* extadd_pairwise: lane i is source lanes 2i and 2i+1 extended and added. */
#define VM_SIMD_EXTADD_PAIRWISE(NAME, W, SIGN)                                \
    static inline vm_v128 NAME(vm_v128 a)                                     \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++)                              \
            vm_v128_set_u##W(&r, i, (uint##W##_t)(VM_SIMD_EXT_##SIGN(a, W, 2 * i) + \
                                                  (uint64_t)VM_SIMD_EXT_##SIGN(a, W, 2 * i + 1))); \
        return r;                                                             \
    }

VM_SIMD_EXTEND(vm_i16x8_extend_low_i8x16_s, 16, S, 0)
VM_SIMD_EXTEND(vm_i16x8_extend_high_i8x16_s, 16, S, 1)
VM_SIMD_EXTEND(vm_i16x8_extend_low_i8x16_u, 16, U, 0)
VM_SIMD_EXTEND(vm_i16x8_extend_high_i8x16_u, 16, U, 1)
VM_SIMD_EXTEND(vm_i32x4_extend_low_i16x8_s, 32, S, 0)
VM_SIMD_EXTEND(vm_i32x4_extend_high_i16x8_s, 32, S, 1)
VM_SIMD_EXTEND(vm_i32x4_extend_low_i16x8_u, 32, U, 0)
VM_SIMD_EXTEND(vm_i32x4_extend_high_i16x8_u, 32, U, 1)
VM_SIMD_EXTEND(vm_i64x2_extend_low_i32x4_s, 64, S, 0)
VM_SIMD_EXTEND(vm_i64x2_extend_high_i32x4_s, 64, S, 1)
VM_SIMD_EXTEND(vm_i64x2_extend_low_i32x4_u, 64, U, 0)
VM_SIMD_EXTEND(vm_i64x2_extend_high_i32x4_u, 64, U, 1)

VM_SIMD_EXTMUL(vm_i16x8_extmul_low_i8x16_s, 16, S, 0)
VM_SIMD_EXTMUL(vm_i16x8_extmul_high_i8x16_s, 16, S, 1)
VM_SIMD_EXTMUL(vm_i16x8_extmul_low_i8x16_u, 16, U, 0)
VM_SIMD_EXTMUL(vm_i16x8_extmul_high_i8x16_u, 16, U, 1)
VM_SIMD_EXTMUL(vm_i32x4_extmul_low_i16x8_s, 32, S, 0)
VM_SIMD_EXTMUL(vm_i32x4_extmul_high_i16x8_s, 32, S, 1)
VM_SIMD_EXTMUL(vm_i32x4_extmul_low_i16x8_u, 32, U, 0)
VM_SIMD_EXTMUL(vm_i32x4_extmul_high_i16x8_u, 32, U, 1)
VM_SIMD_EXTMUL(vm_i64x2_extmul_low_i32x4_s, 64, S, 0)
VM_SIMD_EXTMUL(vm_i64x2_extmul_high_i32x4_s, 64, S, 1)
VM_SIMD_EXTMUL(vm_i64x2_extmul_low_i32x4_u, 64, U, 0)
VM_SIMD_EXTMUL(vm_i64x2_extmul_high_i32x4_u, 64, U, 1)

VM_SIMD_EXTADD_PAIRWISE(vm_i16x8_extadd_pairwise_i8x16_s, 16, S)
VM_SIMD_EXTADD_PAIRWISE(vm_i16x8_extadd_pairwise_i8x16_u, 16, U)
VM_SIMD_EXTADD_PAIRWISE(vm_i32x4_extadd_pairwise_i16x8_s, 32, S)
VM_SIMD_EXTADD_PAIRWISE(vm_i32x4_extadd_pairwise_i16x8_u, 32, U)

/* dot: lane i is a[2i]*b[2i] + a[2i+1]*b[2i+1] over signed 16-bit lanes,
 * wrapping at 32 bits (only -32768 in all four lanes wraps). */
static inline vm_v128 vm_i32x4_dot_i16x8_s(vm_v128 a, vm_v128 b)
{
    vm_v128 r;
    for (unsigned i = 0; i < 4; i++) {
        uint32_t lo = (uint32_t)(vm_s16(vm_v128_u16(&a, 2 * i)) * vm_s16(vm_v128_u16(&b, 2 * i)));
        uint32_t hi = (uint32_t)(vm_s16(vm_v128_u16(&a, 2 * i + 1)) * vm_s16(vm_v128_u16(&b, 2 * i + 1)));
        vm_v128_set_u32(&r, i, lo + hi);
    }
    return r;
}

/* ==== narrow ==============================================================
 * Lanes of a, then lanes of b, each read as signed W*2-bit and saturated
 * to the signed (_s) or unsigned (_u) range of W bits. */

#define VM_SIMD_NARROW(NAME, W, WIDE, LO, HI)                                 \
    static inline vm_v128 NAME(vm_v128 a, vm_v128 b)                          \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 64 / (W); i++) {                             \
            int64_t x = vm_s##WIDE(vm_v128_u##WIDE(&a, i));                   \
            int64_t y = vm_s##WIDE(vm_v128_u##WIDE(&b, i));                   \
            vm_v128_set_u##W(&r, i, (uint##W##_t)(x < (LO) ? (LO) : x > (HI) ? (HI) : x)); \
            vm_v128_set_u##W(&r, i + 64 / (W), (uint##W##_t)(y < (LO) ? (LO) : y > (HI) ? (HI) : y)); \
        }                                                                     \
        return r;                                                             \
    }

VM_SIMD_NARROW(vm_i8x16_narrow_i16x8_s, 8, 16, INT8_MIN, INT8_MAX)
VM_SIMD_NARROW(vm_i8x16_narrow_i16x8_u, 8, 16, 0, UINT8_MAX)
VM_SIMD_NARROW(vm_i16x8_narrow_i32x4_s, 16, 32, INT16_MIN, INT16_MAX)
VM_SIMD_NARROW(vm_i16x8_narrow_i32x4_u, 16, 32, 0, UINT16_MAX)

#endif
