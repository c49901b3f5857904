/* test_numeric.c — Check unit tests for vm/numeric.h: every trap boundary
 * of the eight trapping float→integer truncations (and the saturating
 * versions at the same points), min/max with ±0 and NaN, nearest on the
 * .5 cases, sign operations keeping NaN payloads, the NaN rules of the
 * rounding functions and of demote/promote, division and remainder traps,
 * shifts and rotations by any count, bit counts, sign extension, and the
 * hard rounding cases of integer→float conversion (plus a comparison with
 * a long double reference where long double holds 64 bits). Most values
 * come from the spec testsuite (conversions.wast, float_misc.wast,
 * i32.wast, i64.wast). Floats are compared by their bits. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/numeric.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define OP(f) #f, f

/* ---- bit casts and NaN predicates ------------------------------------- */

START_TEST(test_bit_casts)
{
    ck_assert_uint_eq(f32_bits(1.0f), 0x3f800000);
    ck_assert_uint_eq(f32_bits(-0.0f), 0x80000000);
    ck_assert(f32_from_bits(0x40490fdb) == 0x1.921fb6p+1f);
    ck_assert(f64_bits(1.0) == UINT64_C(0x3ff0000000000000));
    ck_assert(f64_bits(-0.0) == UINT64_C(0x8000000000000000));
    ck_assert(f64_from_bits(UINT64_C(0x400921fb54442d18)) == 0x1.921fb54442d18p+1);
    /* signalling NaN patterns survive the round trip */
    ck_assert_uint_eq(f32_bits(f32_from_bits(0x7fa00001)), 0x7fa00001);
    ck_assert(f64_bits(f64_from_bits(UINT64_C(0x7ff4000000000001))) == UINT64_C(0x7ff4000000000001));
}
END_TEST

START_TEST(test_nan_predicates)
{
    ck_assert_uint_eq(f32_bits(f32_canonical_nan()), 0x7fc00000);
    ck_assert(f64_bits(f64_canonical_nan()) == UINT64_C(0x7ff8000000000000));

    ck_assert(f32_is_canonical_nan(0x7fc00000));
    ck_assert(f32_is_canonical_nan(0xffc00000));
    ck_assert(!f32_is_canonical_nan(0x7fc00001));
    ck_assert(!f32_is_canonical_nan(0x7fa00000));
    ck_assert(!f32_is_canonical_nan(0x7f800000));   /* infinity */
    ck_assert(f32_is_arithmetic_nan(0x7fc00000));
    ck_assert(f32_is_arithmetic_nan(0xffc00001));
    ck_assert(f32_is_arithmetic_nan(0x7fffffff));
    ck_assert(!f32_is_arithmetic_nan(0x7fa00000));  /* signalling */
    ck_assert(!f32_is_arithmetic_nan(0x7f800000));
    ck_assert(!f32_is_arithmetic_nan(0x3fc00000));  /* 1.5 */

    ck_assert(f64_is_canonical_nan(UINT64_C(0x7ff8000000000000)));
    ck_assert(f64_is_canonical_nan(UINT64_C(0xfff8000000000000)));
    ck_assert(!f64_is_canonical_nan(UINT64_C(0x7ff8000000000001)));
    ck_assert(!f64_is_canonical_nan(UINT64_C(0x7ff0000000000000)));
    ck_assert(f64_is_arithmetic_nan(UINT64_C(0x7ff8000000000001)));
    ck_assert(f64_is_arithmetic_nan(UINT64_C(0xfff8000000000000)));
    ck_assert(!f64_is_arithmetic_nan(UINT64_C(0x7ff4000000000000)));
    ck_assert(!f64_is_arithmetic_nan(UINT64_C(0x7ff0000000000000)));
    ck_assert(!f64_is_arithmetic_nan(UINT64_C(0x3ff8000000000000)));  /* 1.5 */
}
END_TEST

/* ---- integer operations: tables --------------------------------------- */

struct i32_unary_case { const char *name; uint32_t (*op)(uint32_t); uint32_t in, want; };
struct i64_unary_case { const char *name; uint64_t (*op)(uint64_t); uint64_t in, want; };
struct i32_binary_case { const char *name; uint32_t (*op)(uint32_t, uint32_t); uint32_t a, b, want; };
struct i64_binary_case { const char *name; uint64_t (*op)(uint64_t, uint64_t); uint64_t a, b, want; };

static const struct i32_unary_case i32_unary_cases[] = {
    { OP(i32_clz), 0, 32 },
    { OP(i32_clz), 1, 31 },
    { OP(i32_clz), 0x8000, 16 },
    { OP(i32_clz), 0x80000000, 0 },
    { OP(i32_clz), 0xffffffff, 0 },
    { OP(i32_ctz), 0, 32 },
    { OP(i32_ctz), 1, 0 },
    { OP(i32_ctz), 0x8000, 15 },
    { OP(i32_ctz), 0x80000000, 31 },
    { OP(i32_ctz), 0xffffffff, 0 },
    { OP(i32_popcnt), 0, 0 },
    { OP(i32_popcnt), 0xffffffff, 32 },
    { OP(i32_popcnt), 0x00008000, 1 },
    { OP(i32_popcnt), 0x80008000, 2 },
    { OP(i32_popcnt), 0xaaaaaaaa, 16 },
    { OP(i32_popcnt), 0xdeadbeef, 24 },
    { OP(i32_extend8_s), 0, 0 },
    { OP(i32_extend8_s), 0x7f, 0x7f },
    { OP(i32_extend8_s), 0x80, 0xffffff80 },
    { OP(i32_extend8_s), 0xff, 0xffffffff },
    { OP(i32_extend8_s), 0x01234500, 0 },
    { OP(i32_extend8_s), 0xfedcba80, 0xffffff80 },
    { OP(i32_extend8_s), 0xffffff7f, 0x7f },
    { OP(i32_extend16_s), 0x7fff, 0x7fff },
    { OP(i32_extend16_s), 0x8000, 0xffff8000 },
    { OP(i32_extend16_s), 0xffff, 0xffffffff },
    { OP(i32_extend16_s), 0x01230000, 0 },
    { OP(i32_extend16_s), 0xfedc8000, 0xffff8000 },
    { OP(i32_extend16_s), 0xffff7fff, 0x7fff },
};

static const struct i64_unary_case i64_unary_cases[] = {
    { OP(i64_clz), 0, 64 },
    { OP(i64_clz), 1, 63 },
    { OP(i64_clz), 0x8000, 48 },
    { OP(i64_clz), 0xffffffff, 32 },
    { OP(i64_clz), UINT64_C(0x8000000000000000), 0 },
    { OP(i64_ctz), 0, 64 },
    { OP(i64_ctz), 0x00008000, 15 },
    { OP(i64_ctz), UINT64_C(0x0000000100000000), 32 },
    { OP(i64_ctz), UINT64_C(0x8000000000000000), 63 },
    { OP(i64_ctz), UINT64_MAX, 0 },
    { OP(i64_popcnt), 0, 0 },
    { OP(i64_popcnt), UINT64_MAX, 64 },
    { OP(i64_popcnt), UINT64_C(0x8000800080008000), 4 },
    { OP(i64_popcnt), UINT64_C(0xdeadbeefdeadbeef), 48 },
    { OP(i64_extend8_s), 0x7f, 0x7f },
    { OP(i64_extend8_s), 0x80, UINT64_C(0xffffffffffffff80) },
    { OP(i64_extend8_s), UINT64_C(0x0123456789abcd00), 0 },
    { OP(i64_extend8_s), UINT64_C(0xffffffffffffff7f), 0x7f },
    { OP(i64_extend16_s), 0x8000, UINT64_C(0xffffffffffff8000) },
    { OP(i64_extend16_s), UINT64_C(0xfedcba9876547fff), 0x7fff },
    { OP(i64_extend32_s), 0x7fffffff, 0x7fffffff },
    { OP(i64_extend32_s), 0x80000000, UINT64_C(0xffffffff80000000) },
    { OP(i64_extend32_s), UINT64_C(0x0123456700000000), 0 },
    { OP(i64_extend32_s), UINT64_C(0xfedcba9880000000), UINT64_C(0xffffffff80000000) },
    { OP(i64_extend32_s), UINT64_C(0xffffffff7fffffff), 0x7fffffff },
};

static const struct i32_binary_case i32_binary_cases[] = {
    { OP(i32_shl), 1, 1, 2 },
    { OP(i32_shl), 1, 0, 1 },
    { OP(i32_shl), 1, 31, 0x80000000 },
    { OP(i32_shl), 1, 32, 1 },            /* count mod 32 */
    { OP(i32_shl), 1, 33, 2 },
    { OP(i32_shl), 1, 0xffffffff, 0x80000000 },
    { OP(i32_shr_u), 0x80000000, 31, 1 },
    { OP(i32_shr_u), 0x80000000, 32, 0x80000000 },
    { OP(i32_shr_u), 0xffffffff, 1, 0x7fffffff },
    { OP(i32_shr_u), 0xffffffff, 0xffffffff, 1 },
    { OP(i32_shr_s), 1, 1, 0 },
    { OP(i32_shr_s), 0xffffffff, 1, 0xffffffff },
    { OP(i32_shr_s), 0x7fffffff, 1, 0x3fffffff },
    { OP(i32_shr_s), 0x80000000, 1, 0xc0000000 },
    { OP(i32_shr_s), 0x80000000, 31, 0xffffffff },
    { OP(i32_shr_s), 0x80000000, 32, 0x80000000 },
    { OP(i32_shr_s), 0x80000000, 0x80000000, 0x80000000 },
    { OP(i32_shr_s), 1, 32, 1 },
    { OP(i32_shr_s), 1, 33, 0 },
    { OP(i32_shr_s), 0xffffffff, 0xffffffff, 0xffffffff },
    { OP(i32_shr_s), 0x40000000, 1, 0x20000000 },
    { OP(i32_rotl), 1, 0, 1 },
    { OP(i32_rotl), 1, 32, 1 },
    { OP(i32_rotl), 0xffffffff, 1, 0xffffffff },
    { OP(i32_rotl), 0xabcd9876, 1, 0x579b30ed },
    { OP(i32_rotl), 0xfe00dc00, 4, 0xe00dc00f },
    { OP(i32_rotl), 0xb0c1d2e3, 5, 0x183a5c76 },
    { OP(i32_rotl), 0x00008000, 37, 0x00100000 },
    { OP(i32_rotl), 0xb0c1d2e3, 0xff05, 0x183a5c76 },
    { OP(i32_rotl), 0x769abcdf, 0xffffffed, 0x579beed3 },
    { OP(i32_rotl), 0x769abcdf, 0x8000000d, 0x579beed3 },
    { OP(i32_rotl), 0x80000000, 1, 1 },
    { OP(i32_rotr), 1, 0, 1 },
    { OP(i32_rotr), 1, 1, 0x80000000 },
    { OP(i32_rotr), 1, 32, 1 },
    { OP(i32_rotr), 0xff00cc00, 1, 0x7f806600 },
    { OP(i32_rotr), 0x00080000, 4, 0x00008000 },
    { OP(i32_rotr), 0xb0c1d2e3, 5, 0x1d860e97 },
};

static const struct i64_binary_case i64_binary_cases[] = {
    { OP(i64_shl), 1, 63, UINT64_C(0x8000000000000000) },
    { OP(i64_shl), 1, 64, 1 },
    { OP(i64_shl), 1, 65, 2 },
    { OP(i64_shl), 1, UINT64_MAX, UINT64_C(0x8000000000000000) },
    { OP(i64_shl), 1, 32, UINT64_C(0x100000000) },
    { OP(i64_shr_u), UINT64_MAX, 1, UINT64_C(0x7fffffffffffffff) },
    { OP(i64_shr_u), UINT64_C(0x8000000000000000), 63, 1 },
    { OP(i64_shr_u), UINT64_C(0x8000000000000000), 64, UINT64_C(0x8000000000000000) },
    { OP(i64_shr_s), 1, 1, 0 },
    { OP(i64_shr_s), UINT64_MAX, 1, UINT64_MAX },
    { OP(i64_shr_s), UINT64_C(0x7fffffffffffffff), 1, UINT64_C(0x3fffffffffffffff) },
    { OP(i64_shr_s), UINT64_C(0x8000000000000000), 1, UINT64_C(0xc000000000000000) },
    { OP(i64_shr_s), UINT64_C(0x8000000000000000), 63, UINT64_MAX },
    { OP(i64_shr_s), 1, 64, 1 },
    { OP(i64_shr_s), 1, 65, 0 },
    { OP(i64_shr_s), 1, UINT64_MAX, 0 },
    { OP(i64_shr_s), 1, UINT64_C(0x8000000000000000), 1 },
    { OP(i64_shr_s), UINT64_MAX, 64, UINT64_MAX },
    { OP(i64_shr_s), UINT64_MAX, UINT64_C(0x7fffffffffffffff), UINT64_MAX },
    { OP(i64_rotl), 1, 0, 1 },
    { OP(i64_rotl), 1, 64, 1 },
    { OP(i64_rotl), UINT64_MAX, 1, UINT64_MAX },
    { OP(i64_rotl), UINT64_C(0xabcd987602468ace), 1, UINT64_C(0x579b30ec048d159d) },
    { OP(i64_rotl), UINT64_C(0xfe000000dc000000), 4, UINT64_C(0xe000000dc000000f) },
    { OP(i64_rotl), UINT64_C(0xabcd1234ef567809), 53, UINT64_C(0x013579a2469deacf) },
    { OP(i64_rotl), UINT64_C(0xabd1234ef567809c), 63, UINT64_C(0x55e891a77ab3c04e) },
    { OP(i64_rotl), UINT64_C(0xabcd1234ef567809), 0xf5, UINT64_C(0x013579a2469deacf) },
    { OP(i64_rotl), UINT64_C(0xabcd7294ef567809), UINT64_C(0xffffffffffffffed), UINT64_C(0xcf013579ae529dea) },
    { OP(i64_rotl), UINT64_C(0xabd1234ef567809c), UINT64_C(0x800000000000003f), UINT64_C(0x55e891a77ab3c04e) },
    { OP(i64_rotr), 1, 0, 1 },
    { OP(i64_rotr), 1, 1, UINT64_C(0x8000000000000000) },
    { OP(i64_rotr), 1, 64, 1 },
    { OP(i64_rotr), UINT64_C(0xabcd987602468ace), 1, UINT64_C(0x55e6cc3b01234567) },
    { OP(i64_rotr), UINT64_C(0xfe000000dc000000), 4, UINT64_C(0x0fe000000dc00000) },
    { OP(i64_rotr), UINT64_C(0xabcd1234ef567809), 53, UINT64_C(0x6891a77ab3c04d5e) },
    { OP(i64_rotr), UINT64_C(0xabd1234ef567809c), 63, UINT64_C(0x57a2469deacf0139) },
    { OP(i64_rotr), UINT64_C(0xabcd1234ef567809), 0xf5, UINT64_C(0x6891a77ab3c04d5e) },
    { OP(i64_rotr), UINT64_C(0xabcd7294ef567809), UINT64_C(0xffffffffffffffed), UINT64_C(0x94a77ab3c04d5e6b) },
};

START_TEST(test_i32_unary)
{
    for (size_t i = 0; i < N_ELEMS(i32_unary_cases); i++) {
        const struct i32_unary_case *c = &i32_unary_cases[i];
        uint32_t got = c->op(c->in);
        ck_assert_msg(got == c->want, "%s(0x%08x) = 0x%08x, want 0x%08x",
                      c->name, c->in, got, c->want);
    }
}
END_TEST

START_TEST(test_i64_unary)
{
    for (size_t i = 0; i < N_ELEMS(i64_unary_cases); i++) {
        const struct i64_unary_case *c = &i64_unary_cases[i];
        uint64_t got = c->op(c->in);
        ck_assert_msg(got == c->want, "%s(0x%016llx) = 0x%016llx, want 0x%016llx", c->name,
                      (unsigned long long)c->in, (unsigned long long)got,
                      (unsigned long long)c->want);
    }
}
END_TEST

START_TEST(test_i32_binary)
{
    for (size_t i = 0; i < N_ELEMS(i32_binary_cases); i++) {
        const struct i32_binary_case *c = &i32_binary_cases[i];
        uint32_t got = c->op(c->a, c->b);
        ck_assert_msg(got == c->want, "%s(0x%08x, 0x%08x) = 0x%08x, want 0x%08x",
                      c->name, c->a, c->b, got, c->want);
    }
}
END_TEST

START_TEST(test_i64_binary)
{
    for (size_t i = 0; i < N_ELEMS(i64_binary_cases); i++) {
        const struct i64_binary_case *c = &i64_binary_cases[i];
        uint64_t got = c->op(c->a, c->b);
        ck_assert_msg(got == c->want, "%s(0x%016llx, 0x%016llx) = 0x%016llx, want 0x%016llx",
                      c->name, (unsigned long long)c->a, (unsigned long long)c->b,
                      (unsigned long long)got, (unsigned long long)c->want);
    }
}
END_TEST

START_TEST(test_width_changes)
{
    ck_assert(i64_extend_i32_s(0x7fffffff) == UINT64_C(0x7fffffff));
    ck_assert(i64_extend_i32_s(0x80000000) == UINT64_C(0xffffffff80000000));
    ck_assert(i64_extend_i32_s(0xffffffff) == UINT64_MAX);
    ck_assert(i64_extend_i32_s(0) == 0);
    ck_assert(i64_extend_i32_u(0x80000000) == UINT64_C(0x80000000));
    ck_assert(i64_extend_i32_u(0xffffffff) == UINT64_C(0xffffffff));
    ck_assert_uint_eq(i32_wrap_i64(UINT64_C(0xffffffff00000000)), 0);
    ck_assert_uint_eq(i32_wrap_i64(UINT64_C(0x0123456789abcdef)), 0x89abcdef);
    ck_assert_uint_eq(i32_wrap_i64(UINT64_MAX), 0xffffffff);
    ck_assert_int_eq(i32_signed(0x80000000), INT32_MIN);
    ck_assert_int_eq(i32_signed(0xffffffff), -1);
    ck_assert_int_eq(i32_signed(0x7fffffff), INT32_MAX);
    ck_assert(i64_signed(UINT64_C(0x8000000000000000)) == INT64_MIN);
    ck_assert(i64_signed(UINT64_MAX) == -1);
}
END_TEST

/* ---- division and remainder ------------------------------------------- */

struct i32_div_case {
    const char *name;
    enum num_trap (*op)(uint32_t, uint32_t, uint32_t *);
    uint32_t a, b;
    enum num_trap trap;
    uint32_t want;
};

struct i64_div_case {
    const char *name;
    enum num_trap (*op)(uint64_t, uint64_t, uint64_t *);
    uint64_t a, b;
    enum num_trap trap;
    uint64_t want;
};

#define I32_MIN_BITS 0x80000000u
#define I64_MIN_BITS UINT64_C(0x8000000000000000)

static const struct i32_div_case i32_div_cases[] = {
    { OP(i32_div_s), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i32_div_s), 0, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i32_div_s), I32_MIN_BITS, 0xffffffff, NUM_TRAP_OVERFLOW, 0 },
    { OP(i32_div_s), I32_MIN_BITS, 2, NUM_OK, 0xc0000000 },
    { OP(i32_div_s), I32_MIN_BITS, 1, NUM_OK, I32_MIN_BITS },
    { OP(i32_div_s), 0x7fffffff, 0xffffffff, NUM_OK, 0x80000001 },
    { OP(i32_div_s), 7, 2, NUM_OK, 3 },
    { OP(i32_div_s), (uint32_t)-7, 2, NUM_OK, (uint32_t)-3 },   /* toward zero */
    { OP(i32_div_s), 7, (uint32_t)-2, NUM_OK, (uint32_t)-3 },
    { OP(i32_div_s), (uint32_t)-7, (uint32_t)-2, NUM_OK, 3 },
    { OP(i32_div_u), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i32_div_u), I32_MIN_BITS, 0xffffffff, NUM_OK, 0 },
    { OP(i32_div_u), 0xffffffff, 2, NUM_OK, 0x7fffffff },
    { OP(i32_div_u), I32_MIN_BITS, 2, NUM_OK, 0x40000000 },
    { OP(i32_div_u), (uint32_t)-5, 2, NUM_OK, 0x7ffffffd },
    { OP(i32_rem_s), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i32_rem_s), I32_MIN_BITS, 0xffffffff, NUM_OK, 0 },      /* no trap */
    { OP(i32_rem_s), 0x7fffffff, 0xffffffff, NUM_OK, 0 },
    { OP(i32_rem_s), I32_MIN_BITS, 2, NUM_OK, 0 },
    { OP(i32_rem_s), I32_MIN_BITS, 3, NUM_OK, (uint32_t)-2 },
    { OP(i32_rem_s), 7, 2, NUM_OK, 1 },
    { OP(i32_rem_s), (uint32_t)-7, 2, NUM_OK, (uint32_t)-1 },   /* sign of dividend */
    { OP(i32_rem_s), 7, (uint32_t)-2, NUM_OK, 1 },
    { OP(i32_rem_s), (uint32_t)-7, (uint32_t)-2, NUM_OK, (uint32_t)-1 },
    { OP(i32_rem_u), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i32_rem_u), I32_MIN_BITS, 0xffffffff, NUM_OK, I32_MIN_BITS },
    { OP(i32_rem_u), (uint32_t)-5, 2, NUM_OK, 1 },
    { OP(i32_rem_u), 0x8ff00ff0, 0x10001, NUM_OK, 0x8001 },
};

static const struct i64_div_case i64_div_cases[] = {
    { OP(i64_div_s), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i64_div_s), I64_MIN_BITS, UINT64_MAX, NUM_TRAP_OVERFLOW, 0 },
    { OP(i64_div_s), I64_MIN_BITS, 2, NUM_OK, UINT64_C(0xc000000000000000) },
    { OP(i64_div_s), UINT64_C(0x7fffffffffffffff), UINT64_MAX, NUM_OK, UINT64_C(0x8000000000000001) },
    { OP(i64_div_s), (uint64_t)-7, 2, NUM_OK, (uint64_t)-3 },
    { OP(i64_div_s), 7, (uint64_t)-2, NUM_OK, (uint64_t)-3 },
    { OP(i64_div_u), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i64_div_u), I64_MIN_BITS, UINT64_MAX, NUM_OK, 0 },
    { OP(i64_div_u), UINT64_MAX, 2, NUM_OK, UINT64_C(0x7fffffffffffffff) },
    { OP(i64_div_u), UINT64_C(0x8ff00ff00ff00ff0), UINT64_C(0x100000001), NUM_OK, UINT64_C(0x8ff00fef) },
    { OP(i64_rem_s), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i64_rem_s), I64_MIN_BITS, UINT64_MAX, NUM_OK, 0 },     /* no trap */
    { OP(i64_rem_s), I64_MIN_BITS, 3, NUM_OK, (uint64_t)-2 },
    { OP(i64_rem_s), (uint64_t)-7, 2, NUM_OK, (uint64_t)-1 },
    { OP(i64_rem_s), 7, (uint64_t)-2, NUM_OK, 1 },
    { OP(i64_rem_u), 1, 0, NUM_TRAP_DIV_ZERO, 0 },
    { OP(i64_rem_u), I64_MIN_BITS, UINT64_MAX, NUM_OK, I64_MIN_BITS },
    { OP(i64_rem_u), UINT64_C(0x8ff00ff00ff00ff0), UINT64_C(0x100000001), NUM_OK, UINT64_C(0x80000001) },
};

START_TEST(test_i32_div_rem)
{
    for (size_t i = 0; i < N_ELEMS(i32_div_cases); i++) {
        const struct i32_div_case *c = &i32_div_cases[i];
        uint32_t got = 0x5a5a5a5a;
        enum num_trap trap = c->op(c->a, c->b, &got);
        ck_assert_msg(trap == c->trap, "%s(0x%08x, 0x%08x) trap %d, want %d",
                      c->name, c->a, c->b, (int)trap, (int)c->trap);
        if (trap == NUM_OK)
            ck_assert_msg(got == c->want, "%s(0x%08x, 0x%08x) = 0x%08x, want 0x%08x",
                          c->name, c->a, c->b, got, c->want);
    }
}
END_TEST

START_TEST(test_i64_div_rem)
{
    for (size_t i = 0; i < N_ELEMS(i64_div_cases); i++) {
        const struct i64_div_case *c = &i64_div_cases[i];
        uint64_t got = 0x5a5a5a5a;
        enum num_trap trap = c->op(c->a, c->b, &got);
        ck_assert_msg(trap == c->trap, "%s(0x%016llx, 0x%016llx) trap %d, want %d", c->name,
                      (unsigned long long)c->a, (unsigned long long)c->b, (int)trap, (int)c->trap);
        if (trap == NUM_OK)
            ck_assert_msg(got == c->want, "%s(0x%016llx, 0x%016llx) = 0x%016llx, want 0x%016llx",
                          c->name, (unsigned long long)c->a, (unsigned long long)c->b,
                          (unsigned long long)got, (unsigned long long)c->want);
    }
}
END_TEST

/* ---- float → integer truncation --------------------------------------
 * One row per input: the trap the trapping version gives, and `want`,
 * which is the result when there is no trap and the saturated value
 * otherwise (0 for NaN). Each table checks both functions. */

struct trunc_f32_case { float in; enum num_trap trap; uint64_t want; };
struct trunc_f64_case { double in; enum num_trap trap; uint64_t want; };

#define OK  NUM_OK
#define OVF NUM_TRAP_OVERFLOW
#define INV NUM_TRAP_INVALID_CONVERSION

static const struct trunc_f32_case i32_f32_s_cases[] = {
    { 0.0f, OK, 0 },
    { -0.0f, OK, 0 },
    { 0x1p-149f, OK, 0 },
    { -0x1p-149f, OK, 0 },
    { 1.0f, OK, 1 },
    { 0x1.19999ap+0f, OK, 1 },
    { 1.5f, OK, 1 },
    { -1.5f, OK, 0xffffffff },
    { -1.9f, OK, 0xffffffff },
    { -2.0f, OK, 0xfffffffe },
    { 2147483520.0f, OK, 2147483520 },              /* largest f32 below 2^31 */
    { 2147483648.0f, OVF, 0x7fffffff },             /* 2^31 */
    { -2147483648.0f, OK, 0x80000000 },             /* -2^31 */
    { -2147483904.0f, OVF, 0x80000000 },            /* next f32 below -2^31 */
    { 0x1p+40f, OVF, 0x7fffffff },
    { -0x1p+40f, OVF, 0x80000000 },
    { INFINITY, OVF, 0x7fffffff },
    { -INFINITY, OVF, 0x80000000 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f32_case i32_f32_u_cases[] = {
    { 0.0f, OK, 0 },
    { -0.0f, OK, 0 },
    { 0x1p-149f, OK, 0 },
    { -0x1p-149f, OK, 0 },
    { 1.0f, OK, 1 },
    { 1.9f, OK, 1 },
    { 2147483648.0f, OK, 0x80000000 },
    { 4294967040.0f, OK, 0xffffff00 },              /* largest f32 below 2^32 */
    { 4294967296.0f, OVF, 0xffffffff },             /* 2^32 */
    { -0x1.ccccccp-1f, OK, 0 },                     /* -0.9 */
    { -0x1.fffffep-1f, OK, 0 },                     /* largest f32 above -1 */
    { -1.0f, OVF, 0 },
    { -2147483648.0f, OVF, 0 },
    { INFINITY, OVF, 0xffffffff },
    { -INFINITY, OVF, 0 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f64_case i32_f64_s_cases[] = {
    { 0.0, OK, 0 },
    { -0.0, OK, 0 },
    { 0x0.0000000000001p-1022, OK, 0 },
    { -0x0.0000000000001p-1022, OK, 0 },
    { 1.5, OK, 1 },
    { -1.5, OK, 0xffffffff },
    { 2147483647.0, OK, 0x7fffffff },
    { 0x1.fffffffffffffp+30, OK, 0x7fffffff },      /* largest f64 below 2^31 */
    { 2147483648.0, OVF, 0x7fffffff },
    { -2147483648.0, OK, 0x80000000 },
    { -2147483648.9, OK, 0x80000000 },
    { -0x1.00000001fffffp+31, OK, 0x80000000 },     /* largest f64 above -2^31 - 1 */
    { -2147483649.0, OVF, 0x80000000 },             /* -2^31 - 1 */
    { 4294967296.0, OVF, 0x7fffffff },
    { 1e30, OVF, 0x7fffffff },
    { -1e30, OVF, 0x80000000 },
    { INFINITY, OVF, 0x7fffffff },
    { -INFINITY, OVF, 0x80000000 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f64_case i32_f64_u_cases[] = {
    { 0.0, OK, 0 },
    { -0.0, OK, 0 },
    { 0x0.0000000000001p-1022, OK, 0 },
    { -0x0.0000000000001p-1022, OK, 0 },
    { 1.9, OK, 1 },
    { 2147483648.0, OK, 0x80000000 },
    { 4294967295.0, OK, 0xffffffff },
    { 4294967295.9, OK, 0xffffffff },
    { 0x1.fffffffffffffp+31, OK, 0xffffffff },      /* largest f64 below 2^32 */
    { 4294967296.0, OVF, 0xffffffff },
    { -0.9, OK, 0 },
    { -0x1.fffffffffffffp-1, OK, 0 },               /* largest f64 above -1 */
    { -1.0, OVF, 0 },
    { 1e16, OVF, 0xffffffff },
    { 9223372036854775808.0, OVF, 0xffffffff },
    { INFINITY, OVF, 0xffffffff },
    { -INFINITY, OVF, 0 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f32_case i64_f32_s_cases[] = {
    { 0.0f, OK, 0 },
    { -0.0f, OK, 0 },
    { -0x1p-149f, OK, 0 },
    { -1.5f, OK, UINT64_MAX },
    { 4294967296.0f, OK, UINT64_C(0x100000000) },
    { -4294967296.0f, OK, UINT64_C(0xffffffff00000000) },
    { 9223371487098961920.0f, OK, UINT64_C(0x7fffff8000000000) },   /* below 2^63 */
    { 9223372036854775808.0f, OVF, UINT64_C(0x7fffffffffffffff) },  /* 2^63 */
    { -9223372036854775808.0f, OK, UINT64_C(0x8000000000000000) },  /* -2^63 */
    { -9223373136366403584.0f, OVF, UINT64_C(0x8000000000000000) }, /* below -2^63 */
    { INFINITY, OVF, UINT64_C(0x7fffffffffffffff) },
    { -INFINITY, OVF, UINT64_C(0x8000000000000000) },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f32_case i64_f32_u_cases[] = {
    { 0.0f, OK, 0 },
    { -0.0f, OK, 0 },
    { 0x1p-149f, OK, 0 },
    { 4294967296.0f, OK, UINT64_C(0x100000000) },
    { 9223372036854775808.0f, OK, UINT64_C(0x8000000000000000) },
    { 18446742974197923840.0f, OK, UINT64_C(0xffffff0000000000) },  /* below 2^64 */
    { 18446744073709551616.0f, OVF, UINT64_MAX },                   /* 2^64 */
    { -0x1.fffffep-1f, OK, 0 },
    { -1.0f, OVF, 0 },
    { INFINITY, OVF, UINT64_MAX },
    { -INFINITY, OVF, 0 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f64_case i64_f64_s_cases[] = {
    { 0.0, OK, 0 },
    { -0.0, OK, 0 },
    { -1.5, OK, UINT64_MAX },
    { 4294967296.0, OK, UINT64_C(0x100000000) },
    { 9223372036854774784.0, OK, UINT64_C(0x7ffffffffffffc00) },    /* below 2^63 */
    { 9223372036854775808.0, OVF, UINT64_C(0x7fffffffffffffff) },   /* 2^63 */
    { -9223372036854775808.0, OK, UINT64_C(0x8000000000000000) },   /* -2^63 */
    { -9223372036854777856.0, OVF, UINT64_C(0x8000000000000000) },  /* below -2^63 */
    { INFINITY, OVF, UINT64_C(0x7fffffffffffffff) },
    { -INFINITY, OVF, UINT64_C(0x8000000000000000) },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

static const struct trunc_f64_case i64_f64_u_cases[] = {
    { 0.0, OK, 0 },
    { -0.0, OK, 0 },
    { 0x0.0000000000001p-1022, OK, 0 },
    { 4294967295.0, OK, 0xffffffff },
    { 1e16, OK, UINT64_C(10000000000000000) },
    { 9223372036854775808.0, OK, UINT64_C(0x8000000000000000) },
    { 18446744073709549568.0, OK, UINT64_C(0xfffffffffffff800) },   /* below 2^64 */
    { 18446744073709551616.0, OVF, UINT64_MAX },                    /* 2^64 */
    { -0x1.fffffffffffffp-1, OK, 0 },
    { -1.0, OVF, 0 },
    { INFINITY, OVF, UINT64_MAX },
    { -INFINITY, OVF, 0 },
    { NAN, INV, 0 },
    { -NAN, INV, 0 },
};

/* One test per conversion: TRAPPING and SATURATING over CASES. */
#define TRUNC_TEST(TRAPPING, SATURATING, INT_T, CASES)                                    \
    START_TEST(test_##TRAPPING)                                                           \
    {                                                                                     \
        for (size_t i = 0; i < N_ELEMS(CASES); i++) {                                     \
            INT_T got = 0x5a5a5a5a;                                                       \
            enum num_trap trap = TRAPPING(CASES[i].in, &got);                             \
            ck_assert_msg(trap == CASES[i].trap, #TRAPPING "(%a) trap %d, want %d",       \
                          (double)CASES[i].in, (int)trap, (int)CASES[i].trap);            \
            if (trap == NUM_OK)                                                           \
                ck_assert_msg(got == (INT_T)CASES[i].want, #TRAPPING "(%a) = 0x%llx, want 0x%llx", \
                              (double)CASES[i].in, (unsigned long long)got,              \
                              (unsigned long long)CASES[i].want);                        \
            INT_T sat = SATURATING(CASES[i].in);                                          \
            ck_assert_msg(sat == (INT_T)CASES[i].want, #SATURATING "(%a) = 0x%llx, want 0x%llx", \
                          (double)CASES[i].in, (unsigned long long)sat,                  \
                          (unsigned long long)CASES[i].want);                            \
        }                                                                                 \
    }                                                                                     \
    END_TEST

TRUNC_TEST(i32_trunc_f32_s, i32_trunc_sat_f32_s, uint32_t, i32_f32_s_cases)
TRUNC_TEST(i32_trunc_f32_u, i32_trunc_sat_f32_u, uint32_t, i32_f32_u_cases)
TRUNC_TEST(i32_trunc_f64_s, i32_trunc_sat_f64_s, uint32_t, i32_f64_s_cases)
TRUNC_TEST(i32_trunc_f64_u, i32_trunc_sat_f64_u, uint32_t, i32_f64_u_cases)
TRUNC_TEST(i64_trunc_f32_s, i64_trunc_sat_f32_s, uint64_t, i64_f32_s_cases)
TRUNC_TEST(i64_trunc_f32_u, i64_trunc_sat_f32_u, uint64_t, i64_f32_u_cases)
TRUNC_TEST(i64_trunc_f64_s, i64_trunc_sat_f64_s, uint64_t, i64_f64_s_cases)
TRUNC_TEST(i64_trunc_f64_u, i64_trunc_sat_f64_u, uint64_t, i64_f64_u_cases)

/* NaNs of every kind (quiet, signalling, either sign, odd payloads) are
 * invalid conversions for all eight, and saturate to 0. */
START_TEST(test_trunc_nan_payloads)
{
    static const uint32_t nan32[] = { 0x7fc00000, 0xffc00000, 0x7fa00000, 0xffa00000,
                                      0x7f800001, 0x7fffffff, 0xffffffff };
    static const uint64_t nan64[] = { UINT64_C(0x7ff8000000000000), UINT64_C(0xfff8000000000000),
                                      UINT64_C(0x7ff4000000000000), UINT64_C(0xfff4000000000000),
                                      UINT64_C(0x7ff0000000000001), UINT64_MAX };
    uint32_t r32;
    uint64_t r64;
    for (size_t i = 0; i < N_ELEMS(nan32); i++) {
        float x = f32_from_bits(nan32[i]);
        ck_assert_int_eq(i32_trunc_f32_s(x, &r32), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i32_trunc_f32_u(x, &r32), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i64_trunc_f32_s(x, &r64), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i64_trunc_f32_u(x, &r64), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_uint_eq(i32_trunc_sat_f32_s(x), 0);
        ck_assert_uint_eq(i32_trunc_sat_f32_u(x), 0);
        ck_assert(i64_trunc_sat_f32_s(x) == 0);
        ck_assert(i64_trunc_sat_f32_u(x) == 0);
    }
    for (size_t i = 0; i < N_ELEMS(nan64); i++) {
        double x = f64_from_bits(nan64[i]);
        ck_assert_int_eq(i32_trunc_f64_s(x, &r32), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i32_trunc_f64_u(x, &r32), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i64_trunc_f64_s(x, &r64), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_int_eq(i64_trunc_f64_u(x, &r64), NUM_TRAP_INVALID_CONVERSION);
        ck_assert_uint_eq(i32_trunc_sat_f64_s(x), 0);
        ck_assert_uint_eq(i32_trunc_sat_f64_u(x), 0);
        ck_assert(i64_trunc_sat_f64_s(x) == 0);
        ck_assert(i64_trunc_sat_f64_u(x) == 0);
    }
}
END_TEST

/* ---- float unary and binary operations -------------------------------
 * Inputs and expected results are given as bit patterns, so NaN payloads
 * and the sign of zero are part of every comparison. */

struct f32_unary_case { const char *name; float (*op)(float); uint32_t in, want; };
struct f64_unary_case { const char *name; double (*op)(double); uint64_t in, want; };
struct f32_binary_case { const char *name; float (*op)(float, float); uint32_t a, b, want; };
struct f64_binary_case { const char *name; double (*op)(double, double); uint64_t a, b, want; };

/* a few f32 patterns */
#define P0_32   0x00000000u   /* +0 */
#define N0_32   0x80000000u   /* -0 */
#define P1_32   0x3f800000u   /* 1 */
#define N1_32   0xbf800000u   /* -1 */
#define PINF32  0x7f800000u
#define NINF32  0xff800000u
#define CNAN32  0x7fc00000u   /* canonical NaN */
#define SNAN32  0x7fa00001u   /* signalling NaN with a payload */
#define QNAN32  0x7fe00001u   /* the same, quieted */

#define P0_64   UINT64_C(0x0000000000000000)
#define N0_64   UINT64_C(0x8000000000000000)
#define P1_64   UINT64_C(0x3ff0000000000000)
#define N1_64   UINT64_C(0xbff0000000000000)
#define PINF64  UINT64_C(0x7ff0000000000000)
#define NINF64  UINT64_C(0xfff0000000000000)
#define CNAN64  UINT64_C(0x7ff8000000000000)
#define SNAN64  UINT64_C(0x7ff4000000000001)
#define QNAN64  UINT64_C(0x7ffc000000000001)

static const struct f32_unary_case f32_unary_cases[] = {
    { OP(f32_abs), N1_32, P1_32 },
    { OP(f32_abs), N0_32, P0_32 },
    { OP(f32_abs), NINF32, PINF32 },
    { OP(f32_abs), SNAN32, SNAN32 },
    { OP(f32_abs), 0xffa00001, SNAN32 },
    { OP(f32_abs), 0xff80f1e2, 0x7f80f1e2 },        /* -nan:0x0f1e2 */
    { OP(f32_neg), P1_32, N1_32 },
    { OP(f32_neg), P0_32, N0_32 },
    { OP(f32_neg), N0_32, P0_32 },
    { OP(f32_neg), SNAN32, 0xffa00001 },
    { OP(f32_neg), 0xffa00001, SNAN32 },
    { OP(f32_neg), CNAN32, 0xffc00000 },
    /* nearest: ties to even, sign of zero kept */
    { OP(f32_nearest), 0x3f000000, P0_32 },         /* 0.5 → 0 */
    { OP(f32_nearest), 0xbf000000, N0_32 },         /* -0.5 → -0 */
    { OP(f32_nearest), 0x3fc00000, 0x40000000 },    /* 1.5 → 2 */
    { OP(f32_nearest), 0xbfc00000, 0xc0000000 },    /* -1.5 → -2 */
    { OP(f32_nearest), 0x40200000, 0x40000000 },    /* 2.5 → 2 */
    { OP(f32_nearest), 0x40900000, 0x40800000 },    /* 4.5 → 4 */
    { OP(f32_nearest), 0xc0900000, 0xc0800000 },    /* -4.5 → -4 */
    { OP(f32_nearest), 0xc0600000, 0xc0800000 },    /* -3.5 → -4 */
    { OP(f32_nearest), 0x3effffff, P0_32 },         /* 0x1.fffffep-2 → 0 */
    { OP(f32_nearest), 0xbeffffff, N0_32 },
    { OP(f32_nearest), 0x4afffffe, 0x4afffffe },    /* 8388607.0 stays */
    { OP(f32_nearest), 0x4affffff, 0x4b000000 },    /* 8388607.5 → 8388608 (even) */
    { OP(f32_nearest), 0xcaffffff, 0xcb000000 },    /* -8388607.5 → -8388608 */
    { OP(f32_nearest), 0x4b000001, 0x4b000001 },    /* 2^23 + 1: integral */
    { OP(f32_nearest), 0x4b000002, 0x4b000002 },
    { OP(f32_nearest), 0x577fffff, 0x577fffff },    /* 0x1.fffffep+47 */
    { OP(f32_nearest), P0_32, P0_32 },
    { OP(f32_nearest), N0_32, N0_32 },
    { OP(f32_nearest), PINF32, PINF32 },
    { OP(f32_nearest), NINF32, NINF32 },
    { OP(f32_nearest), CNAN32, CNAN32 },
    { OP(f32_nearest), 0xffc00000, 0xffc00000 },
    { OP(f32_nearest), SNAN32, QNAN32 },            /* quieted, payload kept */
    /* ceil, floor, trunc */
    { OP(f32_ceil), 0xbf000000, N0_32 },            /* ceil(-0.5) = -0 */
    { OP(f32_ceil), 0x3f000000, P1_32 },
    { OP(f32_ceil), 0x3fc00000, 0x40000000 },
    { OP(f32_ceil), N0_32, N0_32 },
    { OP(f32_ceil), NINF32, NINF32 },
    { OP(f32_ceil), SNAN32, QNAN32 },
    { OP(f32_ceil), CNAN32, CNAN32 },
    { OP(f32_floor), 0xbf000000, N1_32 },           /* floor(-0.5) = -1 */
    { OP(f32_floor), 0x3f000000, P0_32 },
    { OP(f32_floor), N0_32, N0_32 },
    { OP(f32_floor), 0x4affffff, 0x4afffffe },      /* 8388607.5 → 8388607 */
    { OP(f32_floor), SNAN32, QNAN32 },
    { OP(f32_floor), 0xffc00000, 0xffc00000 },
    { OP(f32_trunc), 0xbf000000, N0_32 },           /* trunc(-0.5) = -0 */
    { OP(f32_trunc), 0xbfc00000, N1_32 },
    { OP(f32_trunc), 0x3fc00000, P1_32 },
    { OP(f32_trunc), PINF32, PINF32 },
    { OP(f32_trunc), SNAN32, QNAN32 },
    /* sqrt */
    { OP(f32_sqrt), 0x40800000, 0x40000000 },       /* 4 → 2 */
    { OP(f32_sqrt), 0x3f800001, P1_32 },            /* 0x1.000002p+0 → 1 */
    { OP(f32_sqrt), 0x3f800002, 0x3f800001 },
    { OP(f32_sqrt), 0x3f7ffffe, 0x3f7fffff },       /* 0x1.fffffcp-1 */
    { OP(f32_sqrt), N0_32, N0_32 },
    { OP(f32_sqrt), PINF32, PINF32 },
    { OP(f32_sqrt), SNAN32, QNAN32 },
    { OP(f32_sqrt), CNAN32, CNAN32 },
};

static const struct f64_unary_case f64_unary_cases[] = {
    { OP(f64_abs), N1_64, P1_64 },
    { OP(f64_abs), N0_64, P0_64 },
    { OP(f64_abs), SNAN64, SNAN64 },
    { OP(f64_abs), UINT64_C(0xfff4000000000001), SNAN64 },
    { OP(f64_abs), UINT64_C(0xfff00000f1e27a6b), UINT64_C(0x7ff00000f1e27a6b) },
    { OP(f64_neg), P0_64, N0_64 },
    { OP(f64_neg), SNAN64, UINT64_C(0xfff4000000000001) },
    { OP(f64_neg), UINT64_C(0x7ff00000f1e27a6b), UINT64_C(0xfff00000f1e27a6b) },
    { OP(f64_neg), NINF64, PINF64 },
    /* nearest */
    { OP(f64_nearest), UINT64_C(0x3fe0000000000000), P0_64 },                   /* 0.5 */
    { OP(f64_nearest), UINT64_C(0xbfe0000000000000), N0_64 },                   /* -0.5 */
    { OP(f64_nearest), UINT64_C(0x3ff8000000000000), UINT64_C(0x4000000000000000) }, /* 1.5 → 2 */
    { OP(f64_nearest), UINT64_C(0xbff8000000000000), UINT64_C(0xc000000000000000) }, /* -1.5 */
    { OP(f64_nearest), UINT64_C(0x4004000000000000), UINT64_C(0x4000000000000000) }, /* 2.5 → 2 */
    { OP(f64_nearest), UINT64_C(0xc00c000000000000), UINT64_C(0xc010000000000000) }, /* -3.5 → -4 */
    { OP(f64_nearest), UINT64_C(0x4012000000000000), UINT64_C(0x4010000000000000) }, /* 4.5 → 4 */
    { OP(f64_nearest), UINT64_C(0x3fdfffffffffffff), P0_64 },                   /* 0x1.fffffffffffffp-2 */
    /* 4503599627370495.5 (2^52 - 0.5) → 2^52 (even) */
    { OP(f64_nearest), UINT64_C(0x432fffffffffffff), UINT64_C(0x4330000000000000) },
    { OP(f64_nearest), UINT64_C(0xc32fffffffffffff), UINT64_C(0xc330000000000000) },
    /* 2^52 + 1 and friends are integral */
    { OP(f64_nearest), UINT64_C(0x4330000000000001), UINT64_C(0x4330000000000001) },
    { OP(f64_nearest), UINT64_C(0x4330000000000002), UINT64_C(0x4330000000000002) },
    { OP(f64_nearest), UINT64_C(0x468fffffffffffff), UINT64_C(0x468fffffffffffff) }, /* 0x1.f..fp+105 */
    { OP(f64_nearest), N0_64, N0_64 },
    { OP(f64_nearest), NINF64, NINF64 },
    { OP(f64_nearest), CNAN64, CNAN64 },
    { OP(f64_nearest), SNAN64, QNAN64 },
    /* ceil, floor, trunc, sqrt */
    { OP(f64_ceil), UINT64_C(0xbfe0000000000000), N0_64 },
    { OP(f64_ceil), UINT64_C(0x3fe0000000000000), P1_64 },
    { OP(f64_ceil), SNAN64, QNAN64 },
    { OP(f64_floor), UINT64_C(0xbfe0000000000000), N1_64 },
    { OP(f64_floor), N0_64, N0_64 },
    { OP(f64_floor), SNAN64, QNAN64 },
    { OP(f64_trunc), UINT64_C(0xbfe0000000000000), N0_64 },
    { OP(f64_trunc), UINT64_C(0xbff8000000000000), N1_64 },
    { OP(f64_trunc), SNAN64, QNAN64 },
    { OP(f64_trunc), CNAN64, CNAN64 },
    { OP(f64_sqrt), UINT64_C(0x4010000000000000), UINT64_C(0x4000000000000000) },
    { OP(f64_sqrt), UINT64_C(0x3ff0000000000001), P1_64 },
    { OP(f64_sqrt), UINT64_C(0x3fefffffffffffff), UINT64_C(0x3fefffffffffffff) },
    { OP(f64_sqrt), N0_64, N0_64 },
    { OP(f64_sqrt), SNAN64, QNAN64 },
};

static const struct f32_binary_case f32_binary_cases[] = {
    { OP(f32_min), N0_32, P0_32, N0_32 },
    { OP(f32_min), P0_32, N0_32, N0_32 },
    { OP(f32_min), P0_32, P0_32, P0_32 },
    { OP(f32_min), N0_32, N0_32, N0_32 },
    { OP(f32_min), P1_32, N1_32, N1_32 },
    { OP(f32_min), N1_32, P1_32, N1_32 },
    { OP(f32_min), P1_32, P1_32, P1_32 },
    { OP(f32_min), NINF32, P1_32, NINF32 },
    { OP(f32_min), PINF32, P1_32, P1_32 },
    { OP(f32_min), CNAN32, P1_32, CNAN32 },
    { OP(f32_min), P1_32, CNAN32, CNAN32 },
    { OP(f32_min), SNAN32, P0_32, CNAN32 },
    { OP(f32_min), NINF32, 0xffc00000, CNAN32 },
    { OP(f32_min), SNAN32, 0xffa00001, CNAN32 },
    { OP(f32_max), N0_32, P0_32, P0_32 },
    { OP(f32_max), P0_32, N0_32, P0_32 },
    { OP(f32_max), N0_32, N0_32, N0_32 },
    { OP(f32_max), P1_32, N1_32, P1_32 },
    { OP(f32_max), N1_32, P1_32, P1_32 },
    { OP(f32_max), PINF32, P1_32, PINF32 },
    { OP(f32_max), CNAN32, P1_32, CNAN32 },
    { OP(f32_max), PINF32, SNAN32, CNAN32 },
    { OP(f32_max), 0xffc00000, N0_32, CNAN32 },
    { OP(f32_copysign), P1_32, N0_32, N1_32 },
    { OP(f32_copysign), N1_32, P0_32, P1_32 },
    { OP(f32_copysign), P1_32, 0xffc00000, N1_32 },      /* sign from a NaN */
    { OP(f32_copysign), P1_32, CNAN32, P1_32 },
    { OP(f32_copysign), SNAN32, N1_32, 0xffa00001 },     /* payload kept */
    { OP(f32_copysign), 0xffa00001, P1_32, SNAN32 },
    { OP(f32_copysign), SNAN32, 0xffc00000, 0xffa00001 },
    { OP(f32_copysign), PINF32, N0_32, NINF32 },
};

static const struct f64_binary_case f64_binary_cases[] = {
    { OP(f64_min), N0_64, P0_64, N0_64 },
    { OP(f64_min), P0_64, N0_64, N0_64 },
    { OP(f64_min), P0_64, P0_64, P0_64 },
    { OP(f64_min), P1_64, N1_64, N1_64 },
    { OP(f64_min), NINF64, P1_64, NINF64 },
    { OP(f64_min), CNAN64, P1_64, CNAN64 },
    { OP(f64_min), P1_64, SNAN64, CNAN64 },
    { OP(f64_min), UINT64_C(0xfff8000000000000), NINF64, CNAN64 },
    { OP(f64_max), N0_64, P0_64, P0_64 },
    { OP(f64_max), P0_64, N0_64, P0_64 },
    { OP(f64_max), N0_64, N0_64, N0_64 },
    { OP(f64_max), N1_64, P1_64, P1_64 },
    { OP(f64_max), PINF64, P1_64, PINF64 },
    { OP(f64_max), SNAN64, P1_64, CNAN64 },
    { OP(f64_max), P1_64, CNAN64, CNAN64 },
    { OP(f64_copysign), P1_64, N0_64, N1_64 },
    { OP(f64_copysign), N1_64, P0_64, P1_64 },
    { OP(f64_copysign), P1_64, UINT64_C(0xfff8000000000000), N1_64 },
    { OP(f64_copysign), SNAN64, N1_64, UINT64_C(0xfff4000000000001) },
    { OP(f64_copysign), UINT64_C(0xfff4000000000001), P0_64, SNAN64 },
};

START_TEST(test_f32_unary)
{
    for (size_t i = 0; i < N_ELEMS(f32_unary_cases); i++) {
        const struct f32_unary_case *c = &f32_unary_cases[i];
        uint32_t got = f32_bits(c->op(f32_from_bits(c->in)));
        ck_assert_msg(got == c->want, "%s(0x%08x) = 0x%08x, want 0x%08x",
                      c->name, c->in, got, c->want);
    }
}
END_TEST

START_TEST(test_f64_unary)
{
    for (size_t i = 0; i < N_ELEMS(f64_unary_cases); i++) {
        const struct f64_unary_case *c = &f64_unary_cases[i];
        uint64_t got = f64_bits(c->op(f64_from_bits(c->in)));
        ck_assert_msg(got == c->want, "%s(0x%016llx) = 0x%016llx, want 0x%016llx", c->name,
                      (unsigned long long)c->in, (unsigned long long)got,
                      (unsigned long long)c->want);
    }
}
END_TEST

START_TEST(test_f32_binary)
{
    for (size_t i = 0; i < N_ELEMS(f32_binary_cases); i++) {
        const struct f32_binary_case *c = &f32_binary_cases[i];
        uint32_t got = f32_bits(c->op(f32_from_bits(c->a), f32_from_bits(c->b)));
        ck_assert_msg(got == c->want, "%s(0x%08x, 0x%08x) = 0x%08x, want 0x%08x",
                      c->name, c->a, c->b, got, c->want);
    }
}
END_TEST

START_TEST(test_f64_binary)
{
    for (size_t i = 0; i < N_ELEMS(f64_binary_cases); i++) {
        const struct f64_binary_case *c = &f64_binary_cases[i];
        uint64_t got = f64_bits(c->op(f64_from_bits(c->a), f64_from_bits(c->b)));
        ck_assert_msg(got == c->want, "%s(0x%016llx, 0x%016llx) = 0x%016llx, want 0x%016llx",
                      c->name, (unsigned long long)c->a, (unsigned long long)c->b,
                      (unsigned long long)got, (unsigned long long)c->want);
    }
}
END_TEST

/* sqrt of a negative number is the canonical NaN (the hardware picks the
 * sign, so only the pattern is checked). */
START_TEST(test_sqrt_negative)
{
    ck_assert(f32_is_canonical_nan(f32_bits(f32_sqrt(-1.0f))));
    ck_assert(f32_is_canonical_nan(f32_bits(f32_sqrt(-INFINITY))));
    ck_assert(f64_is_canonical_nan(f64_bits(f64_sqrt(-0x1.360e8d0032adp-963))));
    ck_assert(f64_is_canonical_nan(f64_bits(f64_sqrt(-INFINITY))));
}
END_TEST

/* ---- integer → float -------------------------------------------------- */

struct convert_f32_case { const char *name; float (*op)(uint64_t); uint64_t in; float want; };
struct convert_f64_case { const char *name; double (*op)(uint64_t); uint64_t in; double want; };

/* The 32-bit conversions take uint32_t; wrap them to share the tables. */
static float cvt_f32_i32_s(uint64_t x) { return f32_convert_i32_s((uint32_t)x); }
static float cvt_f32_i32_u(uint64_t x) { return f32_convert_i32_u((uint32_t)x); }
static double cvt_f64_i32_s(uint64_t x) { return f64_convert_i32_s((uint32_t)x); }
static double cvt_f64_i32_u(uint64_t x) { return f64_convert_i32_u((uint32_t)x); }

static const struct convert_f32_case convert_f32_cases[] = {
    { OP(cvt_f32_i32_s), 0, 0.0f },
    { OP(cvt_f32_i32_s), 1, 1.0f },
    { OP(cvt_f32_i32_s), 0xffffffff, -1.0f },
    { OP(cvt_f32_i32_s), 0x7fffffff, 2147483648.0f },
    { OP(cvt_f32_i32_s), 0x80000000, -2147483648.0f },
    { OP(cvt_f32_i32_s), 1234567890, 0x1.26580cp+30f },
    { OP(cvt_f32_i32_s), 16777217, 16777216.0f },            /* tie → even */
    { OP(cvt_f32_i32_s), (uint32_t)-16777217, -16777216.0f },
    { OP(cvt_f32_i32_s), 16777219, 16777220.0f },
    { OP(cvt_f32_i32_s), (uint32_t)-16777219, -16777220.0f },
    { OP(cvt_f32_i32_u), 0x7fffffff, 2147483648.0f },
    { OP(cvt_f32_i32_u), 0x80000000, 2147483648.0f },
    { OP(cvt_f32_i32_u), 0x12345678, 0x1.234568p+28f },
    { OP(cvt_f32_i32_u), 0xffffffff, 4294967296.0f },
    { OP(cvt_f32_i32_u), 0x80000080, 0x1.000000p+31f },
    { OP(cvt_f32_i32_u), 0x80000081, 0x1.000002p+31f },
    { OP(cvt_f32_i32_u), 0x80000082, 0x1.000002p+31f },
    { OP(cvt_f32_i32_u), 0xfffffe80, 0x1.fffffcp+31f },
    { OP(cvt_f32_i32_u), 0xfffffe81, 0x1.fffffep+31f },
    { OP(cvt_f32_i32_u), 0xfffffe82, 0x1.fffffep+31f },
    { OP(cvt_f32_i32_u), 16777217, 16777216.0f },
    { OP(cvt_f32_i32_u), 16777219, 16777220.0f },
    { OP(f32_convert_i64_s), 0, 0.0f },
    { OP(f32_convert_i64_s), UINT64_MAX, -1.0f },
    { OP(f32_convert_i64_s), UINT64_C(0x7fffffffffffffff), 9223372036854775808.0f },
    { OP(f32_convert_i64_s), UINT64_C(0x8000000000000000), -9223372036854775808.0f },
    { OP(f32_convert_i64_s), 314159265358979, 0x1.1db9e8p+48f },
    { OP(f32_convert_i64_s), 16777217, 16777216.0f },
    { OP(f32_convert_i64_s), (uint64_t)-16777217, -16777216.0f },
    { OP(f32_convert_i64_s), 16777219, 16777220.0f },
    { OP(f32_convert_i64_s), UINT64_C(0x7fffff4000000001), 0x1.fffffep+62f },  /* double rounding trap */
    { OP(f32_convert_i64_s), UINT64_C(0x8000004000000001), -0x1.fffffep+62f },
    { OP(f32_convert_i64_s), UINT64_C(0x0020000020000001), 0x1.000002p+53f },
    { OP(f32_convert_i64_s), UINT64_C(0xffdfffffdfffffff), -0x1.000002p+53f },
    { OP(f32_convert_i64_s), UINT64_C(0x7fffff4000000000), 0x1.fffffcp+62f },  /* exact tie → even */
    { OP(f32_convert_i64_u), 0, 0.0f },
    { OP(f32_convert_i64_u), 1, 1.0f },
    { OP(f32_convert_i64_u), UINT64_C(0x7fffffffffffffff), 9223372036854775808.0f },
    { OP(f32_convert_i64_u), UINT64_C(0x8000000000000000), 9223372036854775808.0f },
    { OP(f32_convert_i64_u), UINT64_MAX, 18446744073709551616.0f },
    { OP(f32_convert_i64_u), 16777217, 16777216.0f },
    { OP(f32_convert_i64_u), 16777219, 16777220.0f },
    { OP(f32_convert_i64_u), UINT64_C(0x0020000020000001), 0x1.000002p+53f },
    { OP(f32_convert_i64_u), UINT64_C(0x7fffffbfffffffff), 0x1.fffffep+62f },
    { OP(f32_convert_i64_u), UINT64_C(0x8000008000000001), 0x1.000002p+63f },
    { OP(f32_convert_i64_u), UINT64_C(0x8000008000000000), 0x1.000000p+63f },  /* exact tie → even */
    { OP(f32_convert_i64_u), UINT64_C(0xfffffe8000000001), 0x1.fffffep+63f },
    { OP(f32_convert_i64_u), UINT64_C(0x001fffffffffffff), 0x1p+53f },         /* just below 2^53 */
    { OP(f32_convert_i64_u), UINT64_C(0x0020000000000000), 0x1p+53f },         /* 2^53 */
};

static const struct convert_f64_case convert_f64_cases[] = {
    { OP(cvt_f64_i32_s), 0xffffffff, -1.0 },
    { OP(cvt_f64_i32_s), 0x7fffffff, 2147483647.0 },
    { OP(cvt_f64_i32_s), 0x80000000, -2147483648.0 },
    { OP(cvt_f64_i32_s), 987654321, 987654321.0 },
    { OP(cvt_f64_i32_u), 0x80000000, 2147483648.0 },
    { OP(cvt_f64_i32_u), 0xffffffff, 4294967295.0 },
    { OP(f64_convert_i64_s), UINT64_MAX, -1.0 },
    { OP(f64_convert_i64_s), UINT64_C(0x7fffffffffffffff), 9223372036854775808.0 },
    { OP(f64_convert_i64_s), UINT64_C(0x8000000000000000), -9223372036854775808.0 },
    { OP(f64_convert_i64_s), 4669201609102990, 4669201609102990.0 },
    { OP(f64_convert_i64_s), 9007199254740993, 9007199254740992.0 },            /* tie → even */
    { OP(f64_convert_i64_s), (uint64_t)-9007199254740993, -9007199254740992.0 },
    { OP(f64_convert_i64_s), 9007199254740995, 9007199254740996.0 },
    { OP(f64_convert_i64_s), (uint64_t)-9007199254740995, -9007199254740996.0 },
    { OP(f64_convert_i64_u), UINT64_C(0x7fffffffffffffff), 9223372036854775808.0 },
    { OP(f64_convert_i64_u), UINT64_C(0x8000000000000000), 9223372036854775808.0 },
    { OP(f64_convert_i64_u), UINT64_MAX, 18446744073709551616.0 },
    { OP(f64_convert_i64_u), UINT64_C(0x8000000000000400), 0x1.0000000000000p+63 },
    { OP(f64_convert_i64_u), UINT64_C(0x8000000000000401), 0x1.0000000000001p+63 },
    { OP(f64_convert_i64_u), UINT64_C(0x8000000000000402), 0x1.0000000000001p+63 },
    { OP(f64_convert_i64_u), UINT64_C(0xfffffffffffff400), 0x1.ffffffffffffep+63 },
    { OP(f64_convert_i64_u), UINT64_C(0xfffffffffffff401), 0x1.fffffffffffffp+63 },
    { OP(f64_convert_i64_u), UINT64_C(0xfffffffffffff402), 0x1.fffffffffffffp+63 },
    { OP(f64_convert_i64_u), 9007199254740993, 9007199254740992.0 },
    { OP(f64_convert_i64_u), 9007199254740995, 9007199254740996.0 },
};

START_TEST(test_convert_to_f32)
{
    for (size_t i = 0; i < N_ELEMS(convert_f32_cases); i++) {
        const struct convert_f32_case *c = &convert_f32_cases[i];
        float got = c->op(c->in);
        ck_assert_msg(f32_bits(got) == f32_bits(c->want), "%s(0x%016llx) = %a, want %a",
                      c->name, (unsigned long long)c->in, (double)got, (double)c->want);
    }
}
END_TEST

START_TEST(test_convert_to_f64)
{
    for (size_t i = 0; i < N_ELEMS(convert_f64_cases); i++) {
        const struct convert_f64_case *c = &convert_f64_cases[i];
        double got = c->op(c->in);
        ck_assert_msg(f64_bits(got) == f64_bits(c->want), "%s(0x%016llx) = %a, want %a",
                      c->name, (unsigned long long)c->in, got, c->want);
    }
}
END_TEST

/* Where long double holds every 64-bit integer exactly, converting through
 * it rounds once, which makes an independent reference. The inputs are
 * random, of every bit length, with the bits below f32's (and f64's)
 * precision set to exact ties, just above and just below them. */
START_TEST(test_convert_i64_reference)
{
#if LDBL_MANT_DIG >= 64
    uint64_t state = UINT64_C(0x9e3779b97f4a7c15);
    for (int n = 0; n < 200000; n++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        unsigned len = 1 + (unsigned)(state % 64);              /* bit length 1..64 */
        uint64_t x = len == 64 ? state : state & ((UINT64_C(1) << len) - 1);
        x |= UINT64_C(1) << (len - 1);
        if (len > 25) {                                         /* shape the f32 rounding bits */
            unsigned low = len - 24;                            /* bits below f32 precision */
            uint64_t half = UINT64_C(1) << (low - 1);
            uint64_t mask = (UINT64_C(1) << low) - 1;
            switch (n % 4) {
            case 0: x = (x & ~mask) | half; break;              /* exact tie */
            case 1: x = (x & ~mask) | half | 1; break;          /* just above */
            case 2: x = (x & ~mask) | (half - 1); break;        /* just below */
            default: break;
            }
        }
        float want_u = (float)(long double)x;
        ck_assert_msg(f32_bits(f32_convert_i64_u(x)) == f32_bits(want_u),
                      "f32_convert_i64_u(0x%016llx)", (unsigned long long)x);
        ck_assert_msg(f64_bits(f64_convert_i64_u(x)) == f64_bits((double)(long double)x),
                      "f64_convert_i64_u(0x%016llx)", (unsigned long long)x);
        long double sx = x >= UINT64_C(0x8000000000000000)
                             ? -(long double)(0 - x) : (long double)x;
        ck_assert_msg(f32_bits(f32_convert_i64_s(x)) == f32_bits((float)sx),
                      "f32_convert_i64_s(0x%016llx)", (unsigned long long)x);
        ck_assert_msg(f64_bits(f64_convert_i64_s(x)) == f64_bits((double)sx),
                      "f64_convert_i64_s(0x%016llx)", (unsigned long long)x);
    }
#endif
}
END_TEST

/* ---- float → float ---------------------------------------------------- */

START_TEST(test_demote_promote)
{
    static const struct { double in; float want; } demote[] = {
        { 0.0, 0.0f },
        { -0.0, -0.0f },
        { 0x0.0000000000001p-1022, 0.0f },
        { -0x0.0000000000001p-1022, -0.0f },
        { 0x1.fffffe0000000p-127, 0x1p-126f },
        { 0x1.fffffdfffffffp-127, 0x1.fffffcp-127f },
        { 0x1p-149, 0x1p-149f },
        { 0x1.0p-150, 0.0f },                               /* tie → even (zero) */
        { 0x1.0000000000001p-150, 0x1p-149f },
        { 0x1.fffffd0000000p+127, 0x1.fffffcp+127f },
        { 0x1.fffffd0000001p+127, 0x1.fffffep+127f },
        { 0x1.fffffefffffffp+127, 0x1.fffffep+127f },
        { 0x1.ffffffp+127, INFINITY },                      /* overflows */
        { -0x1.ffffffp+127, -INFINITY },
        { 0x1.0000010000000p+0, 1.0f },
        { 0x1.0000010000001p+0, 0x1.000002p+0f },
        { 0x1.0000030000000p+0, 0x1.000004p+0f },
        { 0x1.4eae4f7024c7p+108, 0x1.4eae5p+108f },
        { -0x1.6972b30cfb562p+1, -0x1.6972b4p+1f },
        { INFINITY, INFINITY },
        { -INFINITY, -INFINITY },
    };
    for (size_t i = 0; i < N_ELEMS(demote); i++)
        ck_assert_msg(f32_bits(f32_demote_f64(demote[i].in)) == f32_bits(demote[i].want),
                      "f32_demote_f64(%a)", demote[i].in);

    static const float promote[] = { 0.0f, -0.0f, 0x1p-149f, -0x1p-149f, 1.0f,
                                     0x1.fffffep+127f, -0x1.fffffep+127f, INFINITY, -INFINITY };
    for (size_t i = 0; i < N_ELEMS(promote); i++)
        ck_assert(f64_bits(f64_promote_f32(promote[i])) == f64_bits((double)promote[i]));
    ck_assert(f64_promote_f32(0x1.8f867ep+125f) == 6.6382536710104395e+37);

    /* NaNs: canonical stays canonical (sign kept), others become
     * arithmetic with the top of the payload kept */
    ck_assert_uint_eq(f32_bits(f32_demote_f64(f64_from_bits(CNAN64))), CNAN32);
    ck_assert_uint_eq(f32_bits(f32_demote_f64(f64_from_bits(UINT64_C(0xfff8000000000000)))), 0xffc00000);
    ck_assert_uint_eq(f32_bits(f32_demote_f64(f64_from_bits(UINT64_C(0x7ff4000000000000)))), 0x7fe00000);
    ck_assert_uint_eq(f32_bits(f32_demote_f64(f64_from_bits(UINT64_C(0xfff4000000000000)))), 0xffe00000);
    ck_assert(f32_is_arithmetic_nan(f32_bits(f32_demote_f64(f64_from_bits(UINT64_C(0x7ff0000000000001))))));
    ck_assert(f64_bits(f64_promote_f32(f32_from_bits(CNAN32))) == CNAN64);
    ck_assert(f64_bits(f64_promote_f32(f32_from_bits(0xffc00000))) == UINT64_C(0xfff8000000000000));
    ck_assert(f64_bits(f64_promote_f32(f32_from_bits(0x7fa00000))) == UINT64_C(0x7ffc000000000000));
    ck_assert(f64_bits(f64_promote_f32(f32_from_bits(0xffa00001))) == UINT64_C(0xfffc000020000000));
    ck_assert(f64_is_arithmetic_nan(f64_bits(f64_promote_f32(f32_from_bits(0x7f800001)))));
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

Suite *numeric_suite(void)
{
    Suite *s = suite_create("numeric");

    TCase *ints = tcase_create("integer");
    tcase_add_test(ints, test_i32_unary);
    tcase_add_test(ints, test_i64_unary);
    tcase_add_test(ints, test_i32_binary);
    tcase_add_test(ints, test_i64_binary);
    tcase_add_test(ints, test_width_changes);
    tcase_add_test(ints, test_i32_div_rem);
    tcase_add_test(ints, test_i64_div_rem);
    suite_add_tcase(s, ints);

    TCase *floats = tcase_create("float");
    tcase_add_test(floats, test_bit_casts);
    tcase_add_test(floats, test_nan_predicates);
    tcase_add_test(floats, test_f32_unary);
    tcase_add_test(floats, test_f64_unary);
    tcase_add_test(floats, test_f32_binary);
    tcase_add_test(floats, test_f64_binary);
    tcase_add_test(floats, test_sqrt_negative);
    suite_add_tcase(s, floats);

    TCase *trunc = tcase_create("truncation");
    tcase_add_test(trunc, test_i32_trunc_f32_s);
    tcase_add_test(trunc, test_i32_trunc_f32_u);
    tcase_add_test(trunc, test_i32_trunc_f64_s);
    tcase_add_test(trunc, test_i32_trunc_f64_u);
    tcase_add_test(trunc, test_i64_trunc_f32_s);
    tcase_add_test(trunc, test_i64_trunc_f32_u);
    tcase_add_test(trunc, test_i64_trunc_f64_s);
    tcase_add_test(trunc, test_i64_trunc_f64_u);
    tcase_add_test(trunc, test_trunc_nan_payloads);
    suite_add_tcase(s, trunc);

    TCase *conv = tcase_create("conversion");
    tcase_add_test(conv, test_convert_to_f32);
    tcase_add_test(conv, test_convert_to_f64);
    tcase_add_test(conv, test_convert_i64_reference);
    tcase_add_test(conv, test_demote_promote);
    /* 200,000 long double references: 3 s of CPU under ASan, more on a busy machine */
    tcase_set_timeout(conv, 60);
    suite_add_tcase(s, conv);

    return s;
}
