/* numeric.h — the exact WebAssembly 2.0 semantics of every scalar numeric
 * instruction (spec section 4.3 "Numerics"), as static inline functions for
 * the interpreter.
 *
 * Conventions:
 *   - Integers are passed as the wasm types uint32_t / uint64_t; the signed
 *     instructions reinterpret them as two's complement.
 *   - Floats are C float / double; f32_bits() etc. convert to and from the
 *     bit patterns.
 *   - Instructions that can trap return an enum num_trap (NUM_OK = 0) and
 *     write their result through an out pointer.
 *   - f32/f64 add, sub, mul, div and the comparisons are NOT here: plain C
 *     operators are IEEE 754 in the default rounding mode (round to nearest,
 *     ties to even), which is exactly wasm. The interpreter uses them
 *     directly. This file supplies only the operations where C differs.
 *
 * Everything is defined behaviour in C11: no signed overflow, no shift by
 * the width or more, no out-of-range float-to-integer cast, no
 * implementation-defined unsigned-to-signed conversion. Depends on libc only.
 *
 * Assumes IEEE 754 binary32/binary64 floats in the default rounding mode
 * (wasm requires both; the runtime never changes the mode). */
#ifndef WIPPY_VM_NUMERIC_H
#define WIPPY_VM_NUMERIC_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum num_trap {
    NUM_OK = 0,
    NUM_TRAP_DIV_ZERO,            /* "integer divide by zero" */
    NUM_TRAP_OVERFLOW,            /* "integer overflow" */
    NUM_TRAP_INVALID_CONVERSION   /* "invalid conversion to integer" */
};

/* ==== linear memory's byte order ======================================== */

/* Linear memory is little-endian on every host. A value copied out of it
 * with memcpy is put in host order, and one about to be copied into it in
 * memory order, by vm_le_fix (nothing at all on a little-endian host). */
static inline void vm_le_fix(void *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint8_t *b = p;
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t t = b[i];
        b[i] = b[n - 1 - i];
        b[n - 1 - i] = t;
    }
#else
    (void)p;
    (void)n;
#endif
}

/* ==== bit casts ========================================================= */

static inline float f32_from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline uint32_t f32_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

static inline double f64_from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static inline uint64_t f64_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits;
}

/* ==== NaNs ===============================================================
 * A canonical NaN has only the quiet bit set in its payload; an arithmetic
 * NaN has the quiet bit set (and anything else). Either sign. */

#define F32_SIGN_BIT      UINT32_C(0x80000000)
#define F32_QUIET_BIT     UINT32_C(0x00400000)
#define F32_CANONICAL_NAN UINT32_C(0x7fc00000)
#define F64_SIGN_BIT      UINT64_C(0x8000000000000000)
#define F64_QUIET_BIT     UINT64_C(0x0008000000000000)
#define F64_CANONICAL_NAN UINT64_C(0x7ff8000000000000)

static inline float f32_canonical_nan(void) { return f32_from_bits(F32_CANONICAL_NAN); }
static inline double f64_canonical_nan(void) { return f64_from_bits(F64_CANONICAL_NAN); }

static inline int f32_is_canonical_nan(uint32_t bits)
{
    return (bits & ~F32_SIGN_BIT) == F32_CANONICAL_NAN;
}

static inline int f32_is_arithmetic_nan(uint32_t bits)
{
    return (bits & F32_CANONICAL_NAN) == F32_CANONICAL_NAN;
}

static inline int f64_is_canonical_nan(uint64_t bits)
{
    return (bits & ~F64_SIGN_BIT) == F64_CANONICAL_NAN;
}

static inline int f64_is_arithmetic_nan(uint64_t bits)
{
    return (bits & F64_CANONICAL_NAN) == F64_CANONICAL_NAN;
}

/* A NaN with its quiet bit set and its sign and payload kept: what an
 * operation returns for a NaN operand (canonical in, canonical out). */
static inline float f32_quiet(float x) { return f32_from_bits(f32_bits(x) | F32_QUIET_BIT); }
static inline double f64_quiet(double x) { return f64_from_bits(f64_bits(x) | F64_QUIET_BIT); }

/* ==== signed reinterpretation ============================================
 * uint → int of the same width without implementation-defined behaviour;
 * compilers turn these into nothing. (int → uint is always defined in C.) */

static inline int32_t i32_signed(uint32_t x)
{
    return x <= INT32_MAX ? (int32_t)x : (int32_t)(x - UINT32_C(0x80000000)) + INT32_MIN;
}

static inline int64_t i64_signed(uint64_t x)
{
    return x <= INT64_MAX ? (int64_t)x : (int64_t)(x - UINT64_C(0x8000000000000000)) + INT64_MIN;
}

/* ==== integer: bit counting ============================================== */

static inline uint32_t i32_clz(uint32_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 32 : (uint32_t)__builtin_clz(x);
#else
    uint32_t n = 0;
    for (uint32_t bit = UINT32_C(1) << 31; bit != 0 && !(x & bit); bit >>= 1)
        n++;
    return n;
#endif
}

static inline uint32_t i32_ctz(uint32_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 32 : (uint32_t)__builtin_ctz(x);
#else
    uint32_t n = 0;
    for (uint32_t bit = 1; bit != 0 && !(x & bit); bit <<= 1)
        n++;
    return n;
#endif
}

static inline uint32_t i32_popcnt(uint32_t x)
{
#if defined(__GNUC__)
    return (uint32_t)__builtin_popcount(x);
#else
    uint32_t n = 0;
    for (; x != 0; x &= x - 1)   /* clears the lowest set bit */
        n++;
    return n;
#endif
}

static inline uint64_t i64_clz(uint64_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 64 : (uint64_t)__builtin_clzll(x);
#else
    uint64_t n = 0;
    for (uint64_t bit = UINT64_C(1) << 63; bit != 0 && !(x & bit); bit >>= 1)
        n++;
    return n;
#endif
}

static inline uint64_t i64_ctz(uint64_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 64 : (uint64_t)__builtin_ctzll(x);
#else
    uint64_t n = 0;
    for (uint64_t bit = 1; bit != 0 && !(x & bit); bit <<= 1)
        n++;
    return n;
#endif
}

static inline uint64_t i64_popcnt(uint64_t x)
{
#if defined(__GNUC__)
    return (uint64_t)__builtin_popcountll(x);
#else
    uint64_t n = 0;
    for (; x != 0; x &= x - 1)
        n++;
    return n;
#endif
}

/* ==== integer: shifts and rotations ======================================
 * The count is taken modulo the width. */

static inline uint32_t i32_shl(uint32_t x, uint32_t n) { return x << (n & 31); }
static inline uint32_t i32_shr_u(uint32_t x, uint32_t n) { return x >> (n & 31); }

/* Arithmetic shift done on unsigned values: shift, then fill the vacated
 * high bits with copies of the sign bit. */
static inline uint32_t i32_shr_s(uint32_t x, uint32_t n)
{
    n &= 31;
    uint32_t shifted = x >> n;
    if (x & UINT32_C(0x80000000))
        shifted |= ~(UINT32_MAX >> n);
    return shifted;
}

/* (32 - n) & 31 keeps the second shift below the width; for n == 0 both
 * halves are x and the result is x. */
static inline uint32_t i32_rotl(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x << n) | (x >> ((32 - n) & 31));
}

static inline uint32_t i32_rotr(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x >> n) | (x << ((32 - n) & 31));
}

static inline uint64_t i64_shl(uint64_t x, uint64_t n) { return x << (n & 63); }
static inline uint64_t i64_shr_u(uint64_t x, uint64_t n) { return x >> (n & 63); }

static inline uint64_t i64_shr_s(uint64_t x, uint64_t n)
{
    n &= 63;
    uint64_t shifted = x >> n;
    if (x & UINT64_C(0x8000000000000000))
        shifted |= ~(UINT64_MAX >> n);
    return shifted;
}

static inline uint64_t i64_rotl(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x << n) | (x >> ((64 - n) & 63));
}

static inline uint64_t i64_rotr(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x >> n) | (x << ((64 - n) & 63));
}

/* ==== integer: width changes =============================================
 * Sign extension copies bit (width-1) into every bit above it. */

static inline uint32_t i32_extend8_s(uint32_t x)
{
    return (x & 0x80) ? (x | ~UINT32_C(0xff)) : (x & UINT32_C(0xff));
}

static inline uint32_t i32_extend16_s(uint32_t x)
{
    return (x & 0x8000) ? (x | ~UINT32_C(0xffff)) : (x & UINT32_C(0xffff));
}

static inline uint64_t i64_extend8_s(uint64_t x)
{
    return (x & 0x80) ? (x | ~UINT64_C(0xff)) : (x & UINT64_C(0xff));
}

static inline uint64_t i64_extend16_s(uint64_t x)
{
    return (x & 0x8000) ? (x | ~UINT64_C(0xffff)) : (x & UINT64_C(0xffff));
}

static inline uint64_t i64_extend32_s(uint64_t x)
{
    return (x & 0x80000000) ? (x | ~UINT64_C(0xffffffff)) : (x & UINT64_C(0xffffffff));
}

static inline uint64_t i64_extend_i32_s(uint32_t x) { return i64_extend32_s(x); }
static inline uint64_t i64_extend_i32_u(uint32_t x) { return x; }
static inline uint32_t i32_wrap_i64(uint64_t x) { return (uint32_t)x; }

/* ==== integer: division and remainder ====================================
 * Division by zero traps; signed division of the minimum by -1 overflows
 * and traps. Signed remainder of the minimum by -1 is 0 (not a trap; in C
 * it would overflow, so it is answered before dividing). C's / and %
 * truncate toward zero, as wasm does. */

static inline enum num_trap i32_div_s(uint32_t a, uint32_t b, uint32_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    if (a == UINT32_C(0x80000000) && b == UINT32_MAX)
        return NUM_TRAP_OVERFLOW;
    *out = (uint32_t)(i32_signed(a) / i32_signed(b));
    return NUM_OK;
}

static inline enum num_trap i32_div_u(uint32_t a, uint32_t b, uint32_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    *out = a / b;
    return NUM_OK;
}

static inline enum num_trap i32_rem_s(uint32_t a, uint32_t b, uint32_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    if (b == UINT32_MAX)          /* x rem -1 == 0 for every x */
        *out = 0;
    else
        *out = (uint32_t)(i32_signed(a) % i32_signed(b));
    return NUM_OK;
}

static inline enum num_trap i32_rem_u(uint32_t a, uint32_t b, uint32_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    *out = a % b;
    return NUM_OK;
}

static inline enum num_trap i64_div_s(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    if (a == UINT64_C(0x8000000000000000) && b == UINT64_MAX)
        return NUM_TRAP_OVERFLOW;
    *out = (uint64_t)(i64_signed(a) / i64_signed(b));
    return NUM_OK;
}

static inline enum num_trap i64_div_u(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    *out = a / b;
    return NUM_OK;
}

static inline enum num_trap i64_rem_s(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    if (b == UINT64_MAX)
        *out = 0;
    else
        *out = (uint64_t)(i64_signed(a) % i64_signed(b));
    return NUM_OK;
}

static inline enum num_trap i64_rem_u(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b == 0)
        return NUM_TRAP_DIV_ZERO;
    *out = a % b;
    return NUM_OK;
}

/* ==== float: sign operations on the bits =================================
 * abs, neg and copysign touch only the sign bit, so NaN payloads (even
 * signalling ones) pass through unchanged. */

static inline float f32_abs(float x) { return f32_from_bits(f32_bits(x) & ~F32_SIGN_BIT); }
static inline float f32_neg(float x) { return f32_from_bits(f32_bits(x) ^ F32_SIGN_BIT); }

static inline float f32_copysign(float magnitude, float sign)
{
    return f32_from_bits((f32_bits(magnitude) & ~F32_SIGN_BIT) | (f32_bits(sign) & F32_SIGN_BIT));
}

static inline double f64_abs(double x) { return f64_from_bits(f64_bits(x) & ~F64_SIGN_BIT); }
static inline double f64_neg(double x) { return f64_from_bits(f64_bits(x) ^ F64_SIGN_BIT); }

static inline double f64_copysign(double magnitude, double sign)
{
    return f64_from_bits((f64_bits(magnitude) & ~F64_SIGN_BIT) | (f64_bits(sign) & F64_SIGN_BIT));
}

/* ==== float: min and max =================================================
 * A NaN operand gives a NaN (we return the canonical one, which is also an
 * arithmetic NaN, so it satisfies both result patterns of the spec).
 * -0 is below +0: for equal operands the sign bits decide, OR-ed for min
 * (either -0 gives -0) and AND-ed for max (both must be -0). Equal
 * non-zero operands have identical bits, so OR/AND leave them alone. */

static inline float f32_min(float a, float b)
{
    if (isnan(a) || isnan(b))
        return f32_canonical_nan();
    if (a == b)
        return f32_from_bits(f32_bits(a) | f32_bits(b));
    return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
    if (isnan(a) || isnan(b))
        return f32_canonical_nan();
    if (a == b)
        return f32_from_bits(f32_bits(a) & f32_bits(b));
    return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
    if (isnan(a) || isnan(b))
        return f64_canonical_nan();
    if (a == b)
        return f64_from_bits(f64_bits(a) | f64_bits(b));
    return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
    if (isnan(a) || isnan(b))
        return f64_canonical_nan();
    if (a == b)
        return f64_from_bits(f64_bits(a) & f64_bits(b));
    return a > b ? a : b;
}

/* ==== float: rounding to integral values and sqrt ========================
 * <math.h> gives IEEE results (sign of zero kept: ceil(-0.5) == -0.0).
 * nearest is round-half-to-even: rintf/rint round in the current mode,
 * which is round-to-nearest-even (see top). A NaN operand is returned
 * quieted, so a canonical NaN stays canonical. */

static inline float f32_ceil(float x) { return isnan(x) ? f32_quiet(x) : ceilf(x); }
static inline float f32_floor(float x) { return isnan(x) ? f32_quiet(x) : floorf(x); }
static inline float f32_trunc(float x) { return isnan(x) ? f32_quiet(x) : truncf(x); }
static inline float f32_nearest(float x) { return isnan(x) ? f32_quiet(x) : rintf(x); }
static inline float f32_sqrt(float x) { return isnan(x) ? f32_quiet(x) : sqrtf(x); }

static inline double f64_ceil(double x) { return isnan(x) ? f64_quiet(x) : ceil(x); }
static inline double f64_floor(double x) { return isnan(x) ? f64_quiet(x) : floor(x); }
static inline double f64_trunc(double x) { return isnan(x) ? f64_quiet(x) : trunc(x); }
static inline double f64_nearest(double x) { return isnan(x) ? f64_quiet(x) : rint(x); }
static inline double f64_sqrt(double x) { return isnan(x) ? f64_quiet(x) : sqrt(x); }

/* ==== float → integer, trapping ==========================================
 * NaN is an invalid conversion; a value whose truncation does not fit the
 * integer type overflows. Each range test is written with constants that
 * are exact in the float's own type (powers of two, or -2^31 - 1 in
 * double), so the comparisons are exact; inside the range the C cast
 * (which truncates toward zero) is defined and right.
 *
 *   signed 32:   -2^31 - 1 < x < 2^31   (in f32: -2^31 <= x, as no f32
 *                                        lies strictly between the two)
 *   unsigned 32:        -1 < x < 2^32
 *   signed 64:      -2^63 <= x < 2^63   (-2^63 - 1 is not representable
 *                                        in either type; -2^63 is)
 *   unsigned 64:        -1 < x < 2^64 */

static inline enum num_trap i32_trunc_f32_s(float x, uint32_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x >= -2147483648.0f && x < 2147483648.0f))
        return NUM_TRAP_OVERFLOW;
    *out = (uint32_t)(int32_t)x;
    return NUM_OK;
}

static inline enum num_trap i32_trunc_f32_u(float x, uint32_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0f && x < 4294967296.0f))
        return NUM_TRAP_OVERFLOW;
    *out = (uint32_t)x;
    return NUM_OK;
}

static inline enum num_trap i32_trunc_f64_s(double x, uint32_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x > -2147483649.0 && x < 2147483648.0))
        return NUM_TRAP_OVERFLOW;
    *out = (uint32_t)(int32_t)x;
    return NUM_OK;
}

static inline enum num_trap i32_trunc_f64_u(double x, uint32_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0 && x < 4294967296.0))
        return NUM_TRAP_OVERFLOW;
    *out = (uint32_t)x;
    return NUM_OK;
}

static inline enum num_trap i64_trunc_f32_s(float x, uint64_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x >= -9223372036854775808.0f && x < 9223372036854775808.0f))
        return NUM_TRAP_OVERFLOW;
    *out = (uint64_t)(int64_t)x;
    return NUM_OK;
}

static inline enum num_trap i64_trunc_f32_u(float x, uint64_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0f && x < 18446744073709551616.0f))
        return NUM_TRAP_OVERFLOW;
    *out = (uint64_t)x;
    return NUM_OK;
}

static inline enum num_trap i64_trunc_f64_s(double x, uint64_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return NUM_TRAP_OVERFLOW;
    *out = (uint64_t)(int64_t)x;
    return NUM_OK;
}

static inline enum num_trap i64_trunc_f64_u(double x, uint64_t *out)
{
    if (isnan(x))
        return NUM_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0 && x < 18446744073709551616.0))
        return NUM_TRAP_OVERFLOW;
    *out = (uint64_t)x;
    return NUM_OK;
}

/* ==== float → integer, saturating ========================================
 * The trapping conversion with its traps replaced: NaN gives 0, a value
 * out of range gives the nearest end of the range. */

static inline uint32_t i32_trunc_sat_f32_s(float x)
{
    uint32_t r = 0;
    if (i32_trunc_f32_s(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? UINT32_C(0x80000000) : UINT32_C(0x7fffffff);
    return r;
}

static inline uint32_t i32_trunc_sat_f32_u(float x)
{
    uint32_t r = 0;
    if (i32_trunc_f32_u(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? 0 : UINT32_MAX;
    return r;
}

static inline uint32_t i32_trunc_sat_f64_s(double x)
{
    uint32_t r = 0;
    if (i32_trunc_f64_s(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? UINT32_C(0x80000000) : UINT32_C(0x7fffffff);
    return r;
}

static inline uint32_t i32_trunc_sat_f64_u(double x)
{
    uint32_t r = 0;
    if (i32_trunc_f64_u(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? 0 : UINT32_MAX;
    return r;
}

static inline uint64_t i64_trunc_sat_f32_s(float x)
{
    uint64_t r = 0;
    if (i64_trunc_f32_s(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? UINT64_C(0x8000000000000000) : UINT64_C(0x7fffffffffffffff);
    return r;
}

static inline uint64_t i64_trunc_sat_f32_u(float x)
{
    uint64_t r = 0;
    if (i64_trunc_f32_u(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? 0 : UINT64_MAX;
    return r;
}

static inline uint64_t i64_trunc_sat_f64_s(double x)
{
    uint64_t r = 0;
    if (i64_trunc_f64_s(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? UINT64_C(0x8000000000000000) : UINT64_C(0x7fffffffffffffff);
    return r;
}

static inline uint64_t i64_trunc_sat_f64_u(double x)
{
    uint64_t r = 0;
    if (i64_trunc_f64_u(x, &r) == NUM_TRAP_OVERFLOW)
        r = x < 0 ? 0 : UINT64_MAX;
    return r;
}

/* ==== integer → float ====================================================
 * Correctly rounded (to nearest, ties to even). A C integer-to-float cast
 * is one IEEE conversion, so it is correctly rounded, with one exception
 * worth guarding against: 64-bit integer → f32, which some compilers and
 * runtime libraries have done as int → double → float, rounding twice
 * (0x7fffff4000000001 would become 2^63 instead of 0x1.fffffep+62). That
 * case is done explicitly, by rounding to odd in double first. */

static inline float f32_convert_i32_s(uint32_t x) { return (float)i32_signed(x); }
static inline float f32_convert_i32_u(uint32_t x) { return (float)x; }
static inline double f64_convert_i32_s(uint32_t x) { return (double)i32_signed(x); }  /* exact */
static inline double f64_convert_i32_u(uint32_t x) { return (double)x; }              /* exact */
static inline double f64_convert_i64_s(uint64_t x) { return (double)i64_signed(x); }
static inline double f64_convert_i64_u(uint64_t x) { return (double)x; }

/* Below 2^53 the double is exact, and double → float rounds once. Above,
 * the 11 bits a double cannot hold are dropped but any 1 among them is
 * OR-ed into the lowest kept bit ("round to odd"): the kept 42..53 bits
 * are far more than f32's 24 + 2, so the final rounding to f32 sees the
 * same "below, at or above the halfway point" as the exact value. */
static inline float f32_convert_i64_u(uint64_t x)
{
    if (x < (UINT64_C(1) << 53))
        return (float)(double)x;
    uint64_t odd = (x >> 11) | ((x & 0x7ff) != 0);
    return (float)((double)odd * 2048.0);
}

/* Round-to-nearest-even is symmetric, so convert the magnitude. */
static inline float f32_convert_i64_s(uint64_t x)
{
    if (x & UINT64_C(0x8000000000000000))
        return -f32_convert_i64_u(0 - x);   /* 0 - x: the magnitude, 2^63 for the minimum */
    return f32_convert_i64_u(x);
}

/* ==== float → float ======================================================
 * For numbers these are plain C conversions (promote is exact, demote rounds
 * to nearest even, overflowing to infinity). A NaN is converted by hand so
 * the result does not depend on the hardware: sign kept, quiet bit set, the
 * top of the payload kept (so a canonical NaN gives a canonical NaN). */

static inline float f32_demote_f64(double x)
{
    if (isnan(x)) {
        uint64_t bits = f64_bits(x);
        uint32_t sign = (uint32_t)(bits >> 32) & F32_SIGN_BIT;
        uint32_t payload = (uint32_t)(bits >> 29) & UINT32_C(0x007fffff);   /* top 23 of 52 */
        return f32_from_bits(sign | UINT32_C(0x7f800000) | F32_QUIET_BIT | payload);
    }
    return (float)x;
}

static inline double f64_promote_f32(float x)
{
    if (isnan(x)) {
        uint32_t bits = f32_bits(x);
        uint64_t sign = (uint64_t)(bits & F32_SIGN_BIT) << 32;
        uint64_t payload = (uint64_t)(bits & UINT32_C(0x007fffff)) << 29;
        return f64_from_bits(sign | UINT64_C(0x7ff0000000000000) | F64_QUIET_BIT | payload);
    }
    return (double)x;
}

#endif
