/* simd_float.h — the float lane instructions of Wasm 2.0 SIMD (f32x4,
 * f64x2) and the conversions between float and integer vectors. Part of
 * simd.h. Each lane follows the scalar instruction of the same name, with
 * numeric.h's helpers: the same NaN rules (min/max give a canonical NaN,
 * ceil/floor/trunc/nearest/sqrt quiet a NaN operand), the same rounding,
 * the same saturation. add/sub/mul/div are C's IEEE operators, as for the
 * scalar instructions. abs, neg, pmin and pmax only pick or flip bits:
 * pmin is `b < a ? b : a`, pmax `a < b ? b : a`, returning an operand's
 * bits unchanged (NaN payloads included). */
#ifndef WIPPY_VM_SIMD_FLOAT_H
#define WIPPY_VM_SIMD_FLOAT_H

#include "vm/simd_lanes.h"

/* ==== generators ==========================================================
 * F is 32 or 64. In EXPR the lanes are `x` (and `y`) as C float/double;
 * the result is a float/double, or a condition for the comparisons. */

#define VM_SIMD_FTYPE_32 float
#define VM_SIMD_FTYPE_64 double

#define VM_SIMD_FLOAT_UNARY(NAME, F, EXPR)                                    \
    static inline vm_v128 NAME(vm_v128 a)                                     \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (F); i++) {                            \
            VM_SIMD_FTYPE_##F x = vm_v128_f##F(&a, i);                        \
            vm_v128_set_f##F(&r, i, (EXPR));                                  \
        }                                                                     \
        return r;                                                             \
    }

#define VM_SIMD_FLOAT_BINARY(NAME, F, EXPR)                                   \
    static inline vm_v128 NAME(vm_v128 a, vm_v128 b)                          \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (F); i++) {                            \
            VM_SIMD_FTYPE_##F x = vm_v128_f##F(&a, i), y = vm_v128_f##F(&b, i); \
            vm_v128_set_f##F(&r, i, (EXPR));                                  \
        }                                                                     \
        return r;                                                             \
    }

#define VM_SIMD_FLOAT_COMPARE(NAME, F, COND)                                  \
    static inline vm_v128 NAME(vm_v128 a, vm_v128 b)                          \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (F); i++) {                            \
            VM_SIMD_FTYPE_##F x = vm_v128_f##F(&a, i), y = vm_v128_f##F(&b, i); \
            vm_v128_set_u##F(&r, i, (COND) ? ~(uint##F##_t)0 : 0);            \
        }                                                                     \
        return r;                                                             \
    }

/* ==== arithmetic ========================================================== */

VM_SIMD_FLOAT_BINARY(vm_f32x4_add, 32, x + y)
VM_SIMD_FLOAT_BINARY(vm_f32x4_sub, 32, x - y)
VM_SIMD_FLOAT_BINARY(vm_f32x4_mul, 32, x * y)
VM_SIMD_FLOAT_BINARY(vm_f32x4_div, 32, x / y)
VM_SIMD_FLOAT_BINARY(vm_f32x4_min, 32, f32_min(x, y))
VM_SIMD_FLOAT_BINARY(vm_f32x4_max, 32, f32_max(x, y))
VM_SIMD_FLOAT_UNARY(vm_f32x4_sqrt, 32, f32_sqrt(x))
VM_SIMD_FLOAT_UNARY(vm_f32x4_ceil, 32, f32_ceil(x))
VM_SIMD_FLOAT_UNARY(vm_f32x4_floor, 32, f32_floor(x))
VM_SIMD_FLOAT_UNARY(vm_f32x4_trunc, 32, f32_trunc(x))
VM_SIMD_FLOAT_UNARY(vm_f32x4_nearest, 32, f32_nearest(x))

VM_SIMD_FLOAT_BINARY(vm_f64x2_add, 64, x + y)
VM_SIMD_FLOAT_BINARY(vm_f64x2_sub, 64, x - y)
VM_SIMD_FLOAT_BINARY(vm_f64x2_mul, 64, x * y)
VM_SIMD_FLOAT_BINARY(vm_f64x2_div, 64, x / y)
VM_SIMD_FLOAT_BINARY(vm_f64x2_min, 64, f64_min(x, y))
VM_SIMD_FLOAT_BINARY(vm_f64x2_max, 64, f64_max(x, y))
VM_SIMD_FLOAT_UNARY(vm_f64x2_sqrt, 64, f64_sqrt(x))
VM_SIMD_FLOAT_UNARY(vm_f64x2_ceil, 64, f64_ceil(x))
VM_SIMD_FLOAT_UNARY(vm_f64x2_floor, 64, f64_floor(x))
VM_SIMD_FLOAT_UNARY(vm_f64x2_trunc, 64, f64_trunc(x))
VM_SIMD_FLOAT_UNARY(vm_f64x2_nearest, 64, f64_nearest(x))

/* ==== bit-level: abs, neg, pmin, pmax (lanes as bits x, y) ================ */

VM_SIMD_UNARY(vm_f32x4_abs, 32, x & ~F32_SIGN_BIT)
VM_SIMD_UNARY(vm_f32x4_neg, 32, x ^ F32_SIGN_BIT)
VM_SIMD_BINARY(vm_f32x4_pmin, 32, f32_from_bits(y) < f32_from_bits(x) ? y : x)
VM_SIMD_BINARY(vm_f32x4_pmax, 32, f32_from_bits(x) < f32_from_bits(y) ? y : x)
VM_SIMD_UNARY(vm_f64x2_abs, 64, x & ~F64_SIGN_BIT)
VM_SIMD_UNARY(vm_f64x2_neg, 64, x ^ F64_SIGN_BIT)
VM_SIMD_BINARY(vm_f64x2_pmin, 64, f64_from_bits(y) < f64_from_bits(x) ? y : x)
VM_SIMD_BINARY(vm_f64x2_pmax, 64, f64_from_bits(x) < f64_from_bits(y) ? y : x)

/* ==== comparisons (a NaN lane compares false, except for ne) ============== */

VM_SIMD_FLOAT_COMPARE(vm_f32x4_eq, 32, x == y)
VM_SIMD_FLOAT_COMPARE(vm_f32x4_ne, 32, x != y)
VM_SIMD_FLOAT_COMPARE(vm_f32x4_lt, 32, x < y)
VM_SIMD_FLOAT_COMPARE(vm_f32x4_gt, 32, x > y)
VM_SIMD_FLOAT_COMPARE(vm_f32x4_le, 32, x <= y)
VM_SIMD_FLOAT_COMPARE(vm_f32x4_ge, 32, x >= y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_eq, 64, x == y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_ne, 64, x != y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_lt, 64, x < y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_gt, 64, x > y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_le, 64, x <= y)
VM_SIMD_FLOAT_COMPARE(vm_f64x2_ge, 64, x >= y)

/* ==== conversions between the four-lane shapes ============================ */

VM_SIMD_UNARY(vm_f32x4_convert_i32x4_s, 32, f32_bits(f32_convert_i32_s(x)))
VM_SIMD_UNARY(vm_f32x4_convert_i32x4_u, 32, f32_bits(f32_convert_i32_u(x)))
VM_SIMD_UNARY(vm_i32x4_trunc_sat_f32x4_s, 32, i32_trunc_sat_f32_s(f32_from_bits(x)))
VM_SIMD_UNARY(vm_i32x4_trunc_sat_f32x4_u, 32, i32_trunc_sat_f32_u(f32_from_bits(x)))

/* ==== conversions between two and four lanes ==============================
 * The two f64 lanes come from, or go to, the low two 32-bit lanes; the
 * `_zero` forms set the high two 32-bit lanes to zero. */

static inline vm_v128 vm_i32x4_trunc_sat_f64x2_s_zero(vm_v128 a)
{
    vm_v128 r = vm_v128_zero();
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_u32(&r, i, i32_trunc_sat_f64_s(vm_v128_f64(&a, i)));
    return r;
}

static inline vm_v128 vm_i32x4_trunc_sat_f64x2_u_zero(vm_v128 a)
{
    vm_v128 r = vm_v128_zero();
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_u32(&r, i, i32_trunc_sat_f64_u(vm_v128_f64(&a, i)));
    return r;
}

static inline vm_v128 vm_f32x4_demote_f64x2_zero(vm_v128 a)
{
    vm_v128 r = vm_v128_zero();
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_f32(&r, i, f32_demote_f64(vm_v128_f64(&a, i)));
    return r;
}

static inline vm_v128 vm_f64x2_convert_low_i32x4_s(vm_v128 a)
{
    vm_v128 r;
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_f64(&r, i, f64_convert_i32_s(vm_v128_u32(&a, i)));
    return r;
}

static inline vm_v128 vm_f64x2_convert_low_i32x4_u(vm_v128 a)
{
    vm_v128 r;
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_f64(&r, i, f64_convert_i32_u(vm_v128_u32(&a, i)));
    return r;
}

static inline vm_v128 vm_f64x2_promote_low_f32x4(vm_v128 a)
{
    vm_v128 r;
    for (unsigned i = 0; i < 2; i++)
        vm_v128_set_f64(&r, i, f64_promote_f32(vm_v128_f32(&a, i)));
    return r;
}

#endif
