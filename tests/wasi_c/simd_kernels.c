/* simd_kernels.c — a WASI guest that exercises 128-bit SIMD on real C
 * code. The Makefile builds it twice: for wasm32-wasi with clang -O2
 * -msimd128, and natively with the host cc; test_simd_program.c runs the
 * wasm in the engine and wants exactly the native build's output.
 *
 *   auto.*  loops over arrays that clang vectorises at -O2 by itself:
 *           element-wise arithmetic on every lane width, saturating adds,
 *           min/max, reductions, dot products, byte shuffles, conversions,
 *           abs, compare-and-select, rounding.
 *   op.*    one <wasm_simd128.h> intrinsic (or two) each, run on 64 operand
 *           triples with edge values (0x80, -0.0, NaN, inf, halves, values
 *           out of int range); the native build computes the same with
 *           scalar C written from the spec's definition of the instruction.
 *   loop.*  hand-vectorised loops over the arrays (v128.load/store, dot,
 *           bitmask + popcnt, lane sums), with a scalar twin natively.
 *
 * Each kernel prints one line: its name and an FNV-1a hash of its results.
 * Floats are hashed by their bits, except that every NaN hashes as one
 * pattern: the NaN bits an operation produces are hardware's choice. All
 * integer arithmetic is defined behaviour (unsigned wrap-around, explicit
 * saturation), so the native line is the spec's answer.
 *
 * What clang 14 makes of it (wasm-objdump -d | count): 1,962 SIMD
 * instructions of 232 of the 236 kinds (the four missing, i32x4.le_s/le_u/
 * ge_s/ge_u, clang writes with other instructions). The auto.* functions
 * alone hold 1,127 of 89 kinds: v128.load 198, v128.store 109,
 * i8x16.shuffle 85, extract_lane 152, replace_lane 46, i32x4.add 58,
 * v128.const 47, i32x4.shl/shr 52, v128.and/or/xor/andnot 45,
 * v128.bitselect 12, i32x4.mul 12, i64x2.add/mul/shl/shr 35, i8x16.add/
 * sub 17, unsigned and signed min/max on i8x16/i16x8/i32x4 27, i8x16.eq/
 * lt/gt 16, i16x8.add_sat_s 2, i8x16/i32x4.abs 6, widening loads
 * (load8x8_s, load16x4_s, load32x2_s) 15, load8_lane 30, store16/64_lane
 * 24, load64_zero 13, i16x8.narrow_i32x4_u 4, i8x16.narrow_i16x8_u 1,
 * f32x4/f64x2 add, sub, mul, div, sqrt, abs, floor 45, f32x4.ceil/trunc
 * 4, f32x4.pmin 2, f32x4.lt, f64x2.gt 5, f32x4.convert_i32x4_s/u 4,
 * i32x4.trunc_sat_f32x4_s 2, f64x2.promote_low_f32x4 3. Not vectorised
 * by clang 14: rintf (a libm call per element) and the dot-product loops
 * as i32x4.dot (they widen and multiply; loop.dot uses dot by hand). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF    /* a * b + c stays two roundings on every host (gcc: -std=c11 does that) */
#endif
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

/* ---- hashing and operands ------------------------------------------------ */

#define FNV0 0xcbf29ce484222325ull

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t fnv_f32(uint64_t h, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u = 0x7fc00000u;
        if (!isnan(x[i]))
            memcpy(&u, &x[i], 4);
        h = fnv(h, &u, 4);
    }
    return h;
}

static uint64_t fnv_f64(uint64_t h, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t u = 0x7ff8000000000000ull;
        if (!isnan(x[i]))
            memcpy(&u, &x[i], 8);
        h = fnv(h, &u, 8);
    }
    return h;
}

static uint64_t rng;

static uint32_t next(void)     /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static const float f32_edge[] = {
    0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 0.1f, INFINITY, -INFINITY, NAN,
    1e-40f, -1e-40f, 3e9f, -3e9f, 2147483520.0f, -2147483648.0f, 4294967040.0f, 1e20f, 8388607.5f,
};
static const double f64_edge[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, INFINITY, -INFINITY, NAN, 5e-324,
    -1e-310, 3e9, -3e9, 2147483647.5, -2147483648.5, 4294967295.5, 4294967296.0, 1e300, 4503599627370495.5,
};
#define EDGES(t) (sizeof t / sizeof t[0])

/* A float: an edge value half the time, else a random one of any size. */
static float gen_float(void)
{
    uint32_t r = next();
    if (r & 1)
        return f32_edge[(r >> 1) % EDGES(f32_edge)];
    return (float)(int32_t)next() / (float)(1u << (r >> 27));
}

static double gen_double(void)
{
    uint32_t r = next();
    if (r & 1)
        return f64_edge[(r >> 1) % EDGES(f64_edge)];
    return (double)(int32_t)next() * (double)next() / (double)(1ull << (r >> 26));
}

static void report(const char *name, uint64_t h)
{
    printf("%-32s %016" PRIx64 "\n", name, h);
}

/* ---- auto.*: loops clang vectorises -------------------------------------- */

#define N 1003    /* a multiple of no vector width: the scalar tails run too */
static int8_t a8[N], b8[N], o8[N];
static uint8_t u8a[N], u8b[N], ou8[N];
static int16_t a16[N], b16[N], o16[N];
static uint16_t ou16[N];
static int32_t a32[N], b32[N], c32[N], o32[N];
static uint32_t u32a[N], ou32[N];
static int64_t a64[N], b64[N], o64[N];
static float af[N], bf[N], cf[N], of[N];
static double ad[N], bd[N], od[N];

static uint64_t h;    /* the running hash of the kernel being run */
#define HASH(x) (h = fnv(h, &(x), sizeof(x)))
#define HASH_ARRAY(x) (h = _Generic((x)[0], float: fnv_f32(h, (const float *)(x), N), \
                                            double: fnv_f64(h, (const double *)(x), N), \
                                            default: fnv(h, (x), sizeof(x))))
/* EACH(out, statement): the statement for every i, then out hashed. */
#define EACH(out, ...) do { for (int i = 0; i < N; i++) { __VA_ARGS__; } HASH_ARRAY(out); } while (0)
/* REDUCE(type, var, init, statement): var folded over every i, then hashed. */
#define REDUCE(T, var, init, ...) do { T var = (init); for (int i = 0; i < N; i++) { __VA_ARGS__; } HASH(var); } while (0)

static void fill_arrays(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t r = next();
        a8[i] = (int8_t)r, b8[i] = (int8_t)(r >> 8), u8a[i] = (uint8_t)(r >> 16), u8b[i] = (uint8_t)(r >> 24);
        r = next();
        a16[i] = (int16_t)r, b16[i] = (int16_t)(r >> 16);
        a32[i] = (int32_t)next(), b32[i] = (int32_t)next(), c32[i] = (int32_t)(next() % 2001) - 1000;
        u32a[i] = next();
        a64[i] = (int64_t)((uint64_t)next() << 32 | next()), b64[i] = (int64_t)((uint64_t)next() << 32 | next());
        af[i] = gen_float(), bf[i] = gen_float(), cf[i] = (float)c32[i] / 8.0f;  /* cf: finite */
        ad[i] = gen_double(), bd[i] = gen_double();
    }
    for (int i = 0; i < N; i += 97)          /* every byte class for auto.bytes */
        u8a[i] = (uint8_t)"0aZ \n~"[i % 6];
}

static void auto_int8(void)
{
    EACH(o8, o8[i] = (int8_t)(a8[i] + b8[i]));
    EACH(o8, o8[i] = (int8_t)(a8[i] * b8[i]));
    EACH(o8, o8[i] = (int8_t)((a8[i] >> 2) - (b8[i] & 0x3c)));
    EACH(ou8, ou8[i] = (uint8_t)(u8a[i] >> 3 | u8b[i] << 5));
}

static void auto_int16(void)
{
    EACH(o16, o16[i] = (int16_t)(a16[i] * b16[i] >> 3));
    EACH(ou16, ou16[i] = (uint16_t)((uint16_t)a16[i] >> 5 ^ b16[i]));
    EACH(o16, o16[i] = (int16_t)((a16[i] & ~b16[i]) | a8[i]));
}

static void auto_int32(void)
{
    EACH(ou32, ou32[i] = (uint32_t)a32[i] * (uint32_t)b32[i] + u32a[i]);
    EACH(o32, o32[i] = (int32_t)((uint32_t)a32[i] << 3) ^ (b32[i] >> 7));
    EACH(ou32, ou32[i] = u32a[i] >> 11 | u32a[i] << 21);
}

static void auto_int64(void)
{
    EACH(o64, o64[i] = (int64_t)((uint64_t)a64[i] * (uint64_t)b64[i]));
    EACH(o64, o64[i] = (int64_t)((uint64_t)a64[i] + (uint64_t)b64[i]) >> 9);
    EACH(o64, o64[i] = (int64_t)((uint64_t)a64[i] >> 40) - b64[i] / 2);
    EACH(o64, o64[i] = a32[i] * (int64_t)b32[i]);
}

static void auto_float(void)
{
    EACH(of, of[i] = af[i] * bf[i] + cf[i]);
    EACH(of, of[i] = af[i] / (fabsf(bf[i]) + 1.0f));
    EACH(of, of[i] = sqrtf(fabsf(af[i])) - bf[i]);
    EACH(of, of[i] = -af[i] * 0.25f);
}

static void auto_double(void)
{
    EACH(od, od[i] = ad[i] * bd[i] + ad[i]);
    EACH(od, od[i] = ad[i] / (fabs(bd[i]) + 1.0));
    EACH(od, od[i] = sqrt(fabs(ad[i])) - bd[i]);
}

static void auto_saturate(void)
{
    EACH(ou8, unsigned s = (unsigned)u8a[i] + u8b[i]; ou8[i] = (uint8_t)(s > 255 ? 255 : s));
    EACH(ou8, ou8[i] = (uint8_t)(u8a[i] > u8b[i] ? u8a[i] - u8b[i] : 0));
    EACH(o16, int s = a16[i] + b16[i]; o16[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : s));
    EACH(o8, int s = a8[i] - b8[i]; o8[i] = (int8_t)(s > 127 ? 127 : s < -128 ? -128 : s));
}

static void auto_minmax(void)
{
    EACH(o32, o32[i] = a32[i] < b32[i] ? a32[i] : b32[i]);
    EACH(ou8, ou8[i] = u8a[i] > u8b[i] ? u8a[i] : u8b[i]);
    EACH(o16, o16[i] = a16[i] > b16[i] ? a16[i] : b16[i]);
    EACH(ou32, ou32[i] = u32a[i] < (uint32_t)b32[i] ? u32a[i] : (uint32_t)b32[i]);
    EACH(of, of[i] = af[i] < bf[i] ? af[i] : bf[i]);
    EACH(od, od[i] = ad[i] > bd[i] ? ad[i] : bd[i]);
}

static void auto_reduce(void)
{
    REDUCE(uint32_t, sum, 0, sum += (uint32_t)a32[i]);
    REDUCE(int32_t, bytes, 0, bytes += a8[i]);
    REDUCE(int32_t, max, INT32_MIN, max = a32[i] > max ? a32[i] : max);
    REDUCE(uint64_t, x, 0, x ^= (uint64_t)a64[i]);
    REDUCE(uint32_t, sad, 0, sad += (uint32_t)abs(u8a[i] - u8b[i]));
    REDUCE(uint8_t, umin, 255, umin = u8a[i] < umin ? u8a[i] : umin);
}

static void auto_dot(void)
{
    REDUCE(uint32_t, d16, 0, d16 += (uint32_t)(a16[i] * b16[i]));
    REDUCE(int64_t, d16w, 0, d16w += a16[i] * b16[i]);
    REDUCE(int32_t, d8, 0, d8 += a8[i] * b8[i]);
    REDUCE(uint32_t, du8, 0, du8 += (uint32_t)(u8a[i] * u8b[i]));
}

static void auto_shuffle(void)
{
    EACH(ou32, ou32[i] = __builtin_bswap32(u32a[i]));
    EACH(ou16, ou16[i] = __builtin_bswap16((uint16_t)a16[i]));
    EACH(ou8, ou8[i] = u8a[N - 1 - i]);
    for (int i = 0; i < N / 2; i++)          /* pairs: a de-interleave */
        ou8[i] = (uint8_t)(u8a[2 * i] + u8a[2 * i + 1]);
    HASH_ARRAY(ou8);
    for (int i = 0; i < N / 2; i++) {        /* an interleave */
        o16[2 * i] = a16[i];
        o16[2 * i + 1] = b16[i];
    }
    HASH_ARRAY(o16);
}

static void auto_convert(void)
{
    EACH(of, of[i] = (float)a32[i]);
    EACH(o32, o32[i] = (int32_t)cf[i]);
    EACH(of, of[i] = (float)u8a[i] * 0.5f);
    EACH(of, of[i] = (float)ad[i]);
    EACH(od, od[i] = (double)af[i]);
    EACH(od, od[i] = (double)a16[i]);
    EACH(of, of[i] = (float)u32a[i]);
    EACH(o16, o16[i] = (int16_t)a32[i]);
    EACH(o64, o64[i] = a32[i]);
}

static void auto_abs_select(void)
{
    EACH(o32, o32[i] = (int32_t)(a32[i] < 0 ? 0u - (uint32_t)a32[i] : (uint32_t)a32[i]));
    EACH(o8, o8[i] = (int8_t)(a8[i] < 0 ? -a8[i] : a8[i]));
    EACH(of, of[i] = fabsf(af[i]));
    EACH(o32, o32[i] = a32[i] > b32[i] ? c32[i] : -c32[i]);
    EACH(of, of[i] = af[i] < bf[i] ? cf[i] : af[i]);
    EACH(o8, o8[i] = (int8_t)(u8a[i] == u8b[i] ? 1 : a8[i] < b8[i] ? -1 : 0));
    REDUCE(int32_t, eq, 0, eq += (a16[i] & 7) == (b16[i] & 7));
}

static void auto_round(void)
{
    EACH(of, of[i] = floorf(af[i]));
    EACH(of, of[i] = ceilf(af[i]));
    EACH(of, of[i] = truncf(af[i]));
    EACH(of, of[i] = rintf(af[i]));
    EACH(od, od[i] = floor(ad[i]));
    EACH(od, od[i] = rint(ad[i]));
}

static void auto_bytes(void)
{
    uint32_t hist[256] = { 0 };
    for (int i = 0; i < N; i++)
        hist[u8a[i]]++;
    HASH(hist);
    REDUCE(int32_t, digits, 0, digits += (uint8_t)(u8a[i] - '0') < 10);
    REDUCE(int32_t, lower, 0, lower += (uint8_t)(u8a[i] - 'a') < 26);
    REDUCE(int32_t, space, 0, space += u8a[i] == ' ' || u8a[i] == '\n');
    EACH(ou8, ou8[i] = (uint8_t)(u8a[i] - 'a') < 26 ? u8a[i] - 32 : u8a[i]);
}

/* ---- op.*: intrinsics, or the spec's definition in scalar C -------------- */

typedef union {
    uint8_t u8[16]; int8_t i8[16]; uint16_t u16[8]; int16_t i16[8];
    uint32_t u32[4]; int32_t i32[4]; uint64_t u64[2]; int64_t i64[2];
    float f32[4]; double f64[2];
#ifdef __wasm_simd128__
    v128_t v;
#endif
} vec;

/* OP(name, intrinsic expression, scalar statements): op_name(a, b, c). */
#ifdef __wasm_simd128__
#define OP(name, simd, ...) \
    static vec op_##name(vec a, vec b, vec c) { vec r; (void)a, (void)b, (void)c; r.v = (simd); return r; }
#else
#define OP(name, simd, ...) \
    static vec op_##name(vec a, vec b, vec c) { vec r; memset(&r, 0, sizeof r); (void)a, (void)b, (void)c; __VA_ARGS__; return r; }
#endif
#define LANES(n, ...) for (int i = 0; i < (n); i++) { __VA_ARGS__; }
#define MASK(cond) ((cond) ? -1 : 0)
#define SH(bits) (b.u32[0] & ((bits) - 1))    /* shift counts are taken modulo the lane width */

#ifndef __wasm_simd128__
static int64_t sat(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }
/* f32x4/f64x2.min and max: NaN if either is, and -0 < +0. */
static double wmin(double x, double y)
{
    return isnan(x) || isnan(y) ? NAN : x == y ? (signbit(x) ? x : y) : x < y ? x : y;
}
static double wmax(double x, double y)
{
    return isnan(x) || isnan(y) ? NAN : x == y ? (signbit(x) ? y : x) : x > y ? x : y;
}
static int32_t trunc_sat_s(double x)
{
    return isnan(x) ? 0 : x <= -2147483648.0 ? INT32_MIN : x >= 2147483647.0 ? INT32_MAX : (int32_t)x;
}
static uint32_t trunc_sat_u(double x)
{
    return !(x > -1.0) ? 0 : x >= 4294967295.0 ? UINT32_MAX : (uint32_t)x;
}
static int bytes_nonzero(const uint8_t *p, int width)   /* every lane of `width` bytes non-zero */
{
    for (int i = 0; i < 16; i += width) {
        int any = 0;
        for (int k = 0; k < width; k++)
            any |= p[i + k];
        if (!any)
            return 0;
    }
    return 1;
}
#endif

/* 8-bit lanes */
OP(i8x16_add, wasm_i8x16_add(a.v, b.v), LANES(16, r.u8[i] = (uint8_t)(a.u8[i] + b.u8[i])))
OP(i8x16_sub, wasm_i8x16_sub(a.v, b.v), LANES(16, r.u8[i] = (uint8_t)(a.u8[i] - b.u8[i])))
OP(i8x16_add_sat_s, wasm_i8x16_add_sat(a.v, b.v), LANES(16, r.i8[i] = (int8_t)sat(a.i8[i] + b.i8[i], -128, 127)))
OP(i8x16_add_sat_u, wasm_u8x16_add_sat(a.v, b.v), LANES(16, r.u8[i] = (uint8_t)sat(a.u8[i] + b.u8[i], 0, 255)))
OP(i8x16_sub_sat_s, wasm_i8x16_sub_sat(a.v, b.v), LANES(16, r.i8[i] = (int8_t)sat(a.i8[i] - b.i8[i], -128, 127)))
OP(i8x16_sub_sat_u, wasm_u8x16_sub_sat(a.v, b.v), LANES(16, r.u8[i] = (uint8_t)sat(a.u8[i] - b.u8[i], 0, 255)))
OP(i8x16_min_s, wasm_i8x16_min(a.v, b.v), LANES(16, r.i8[i] = a.i8[i] < b.i8[i] ? a.i8[i] : b.i8[i]))
OP(i8x16_max_u, wasm_u8x16_max(a.v, b.v), LANES(16, r.u8[i] = a.u8[i] > b.u8[i] ? a.u8[i] : b.u8[i]))
OP(i8x16_avgr_u, wasm_u8x16_avgr(a.v, b.v), LANES(16, r.u8[i] = (uint8_t)((a.u8[i] + b.u8[i] + 1) >> 1)))
OP(i8x16_abs, wasm_i8x16_abs(a.v), LANES(16, r.u8[i] = a.i8[i] < 0 ? (uint8_t)(0u - a.u8[i]) : a.u8[i]))
OP(i8x16_neg, wasm_i8x16_neg(a.v), LANES(16, r.u8[i] = (uint8_t)(0u - a.u8[i])))
OP(i8x16_popcnt, wasm_i8x16_popcnt(a.v), LANES(16, r.u8[i] = (uint8_t)__builtin_popcount(a.u8[i])))
OP(i8x16_eq, wasm_i8x16_eq(a.v, b.v), LANES(16, r.i8[i] = MASK(a.i8[i] == b.i8[i])))
OP(i8x16_gt_s, wasm_i8x16_gt(a.v, b.v), LANES(16, r.i8[i] = MASK(a.i8[i] > b.i8[i])))
OP(i8x16_gt_u, wasm_u8x16_gt(a.v, b.v), LANES(16, r.i8[i] = MASK(a.u8[i] > b.u8[i])))
OP(i8x16_le_s, wasm_i8x16_le(a.v, b.v), LANES(16, r.i8[i] = MASK(a.i8[i] <= b.i8[i])))
OP(i8x16_shl, wasm_i8x16_shl(a.v, b.u32[0]), LANES(16, r.u8[i] = (uint8_t)(a.u8[i] << SH(8))))
OP(i8x16_shr_s, wasm_i8x16_shr(a.v, b.u32[0]), LANES(16, r.i8[i] = (int8_t)(a.i8[i] >> SH(8))))
OP(i8x16_shr_u, wasm_u8x16_shr(a.v, b.u32[0]), LANES(16, r.u8[i] = (uint8_t)(a.u8[i] >> SH(8))))
OP(i8x16_narrow_i16x8_s, wasm_i8x16_narrow_i16x8(a.v, b.v),
   LANES(8, r.i8[i] = (int8_t)sat(a.i16[i], -128, 127), r.i8[i + 8] = (int8_t)sat(b.i16[i], -128, 127)))
OP(i8x16_narrow_i16x8_u, wasm_u8x16_narrow_i16x8(a.v, b.v),
   LANES(8, r.u8[i] = (uint8_t)sat(a.i16[i], 0, 255), r.u8[i + 8] = (uint8_t)sat(b.i16[i], 0, 255)))
OP(i8x16_swizzle, wasm_i8x16_swizzle(a.v, wasm_v128_and(b.v, wasm_i8x16_splat((int8_t)0x8f))),
   LANES(16, int k = b.u8[i] & 0x8f; r.u8[i] = k < 16 ? a.u8[k] : 0))
OP(i8x16_shuffle_zip, wasm_i8x16_shuffle(a.v, b.v, 0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31),
   LANES(16, r.u8[i] = i % 2 ? b.u8[i] : a.u8[i]))
OP(i8x16_shuffle_rev, wasm_i8x16_shuffle(a.v, b.v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
   LANES(16, r.u8[i] = a.u8[15 - i]))
OP(i8x16_splat, wasm_i8x16_splat(b.i8[3]), LANES(16, r.i8[i] = b.i8[3]))
OP(i8x16_lanes, wasm_i8x16_replace_lane(wasm_i16x8_replace_lane(a.v, 6, (int16_t)(b.i16[1] * 3)), 3, b.i8[9]),
   r = a; r.i16[6] = (int16_t)(b.i16[1] * 3); r.i8[3] = b.i8[9])
OP(extract_lanes, wasm_i32x4_make(wasm_i8x16_extract_lane(a.v, 5), wasm_u8x16_extract_lane(a.v, 9),
                                  wasm_i16x8_extract_lane(a.v, 3), wasm_u16x8_extract_lane(a.v, 7)),
   r.i32[0] = a.i8[5]; r.i32[1] = a.u8[9]; r.i32[2] = a.i16[3]; r.i32[3] = a.u16[7])

/* 16-bit lanes */
OP(i16x8_add, wasm_i16x8_add(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)(a.u16[i] + b.u16[i])))
OP(i16x8_mul, wasm_i16x8_mul(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)((uint32_t)a.u16[i] * b.u16[i])))
OP(i16x8_sub_sat_s, wasm_i16x8_sub_sat(a.v, b.v), LANES(8, r.i16[i] = (int16_t)sat(a.i16[i] - b.i16[i], -32768, 32767)))
OP(i16x8_add_sat_u, wasm_u16x8_add_sat(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)sat(a.u16[i] + b.u16[i], 0, 65535)))
OP(i16x8_max_s, wasm_i16x8_max(a.v, b.v), LANES(8, r.i16[i] = a.i16[i] > b.i16[i] ? a.i16[i] : b.i16[i]))
OP(i16x8_min_u, wasm_u16x8_min(a.v, b.v), LANES(8, r.u16[i] = a.u16[i] < b.u16[i] ? a.u16[i] : b.u16[i]))
OP(i16x8_avgr_u, wasm_u16x8_avgr(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)((a.u16[i] + b.u16[i] + 1) >> 1)))
OP(i16x8_q15mulr_sat_s, wasm_i16x8_q15mulr_sat(a.v, b.v),
   LANES(8, r.i16[i] = (int16_t)sat(((int64_t)a.i16[i] * b.i16[i] + 0x4000) >> 15, -32768, 32767)))
OP(i16x8_shr_s, wasm_i16x8_shr(a.v, b.u32[0]), LANES(8, r.i16[i] = (int16_t)(a.i16[i] >> SH(16))))
OP(i16x8_shr_u, wasm_u16x8_shr(a.v, b.u32[0]), LANES(8, r.u16[i] = (uint16_t)(a.u16[i] >> SH(16))))
OP(i16x8_lt_s, wasm_i16x8_lt(a.v, b.v), LANES(8, r.i16[i] = MASK(a.i16[i] < b.i16[i])))
OP(i16x8_ge_u, wasm_u16x8_ge(a.v, b.v), LANES(8, r.i16[i] = MASK(a.u16[i] >= b.u16[i])))
OP(i16x8_extend_low_i8x16_s, wasm_i16x8_extend_low_i8x16(a.v), LANES(8, r.i16[i] = a.i8[i]))
OP(i16x8_extend_high_i8x16_u, wasm_u16x8_extend_high_u8x16(a.v), LANES(8, r.u16[i] = a.u8[i + 8]))
OP(i16x8_extmul_low_i8x16_s, wasm_i16x8_extmul_low_i8x16(a.v, b.v), LANES(8, r.i16[i] = (int16_t)(a.i8[i] * b.i8[i])))
OP(i16x8_extmul_high_i8x16_u, wasm_u16x8_extmul_high_u8x16(a.v, b.v),
   LANES(8, r.u16[i] = (uint16_t)(a.u8[i + 8] * b.u8[i + 8])))
OP(i16x8_extadd_pairwise_s, wasm_i16x8_extadd_pairwise_i8x16(a.v), LANES(8, r.i16[i] = (int16_t)(a.i8[2 * i] + a.i8[2 * i + 1])))
OP(i16x8_extadd_pairwise_u, wasm_u16x8_extadd_pairwise_u8x16(a.v), LANES(8, r.u16[i] = (uint16_t)(a.u8[2 * i] + a.u8[2 * i + 1])))
OP(i16x8_narrow_i32x4_s, wasm_i16x8_narrow_i32x4(a.v, b.v),
   LANES(4, r.i16[i] = (int16_t)sat(a.i32[i], -32768, 32767), r.i16[i + 4] = (int16_t)sat(b.i32[i], -32768, 32767)))
OP(i16x8_narrow_i32x4_u, wasm_u16x8_narrow_i32x4(a.v, b.v),
   LANES(4, r.u16[i] = (uint16_t)sat(a.i32[i], 0, 65535), r.u16[i + 4] = (uint16_t)sat(b.i32[i], 0, 65535)))
OP(i16x8_splat, wasm_i16x8_splat((int16_t)(b.i16[5] ^ a.i16[0])), LANES(8, r.i16[i] = (int16_t)(b.i16[5] ^ a.i16[0])))
OP(i16x8_sub, wasm_i16x8_sub(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)(a.u16[i] - b.u16[i])))
OP(i16x8_sub_sat_u, wasm_u16x8_sub_sat(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)sat(a.u16[i] - b.u16[i], 0, 65535)))
OP(i16x8_min_s, wasm_i16x8_min(a.v, b.v), LANES(8, r.i16[i] = a.i16[i] < b.i16[i] ? a.i16[i] : b.i16[i]))
OP(i16x8_max_u, wasm_u16x8_max(a.v, b.v), LANES(8, r.u16[i] = a.u16[i] > b.u16[i] ? a.u16[i] : b.u16[i]))
OP(i16x8_abs, wasm_i16x8_abs(a.v), LANES(8, r.u16[i] = a.i16[i] < 0 ? (uint16_t)(0u - a.u16[i]) : a.u16[i]))
OP(i16x8_neg, wasm_i16x8_neg(a.v), LANES(8, r.u16[i] = (uint16_t)(0u - a.u16[i])))
OP(i16x8_shl, wasm_i16x8_shl(a.v, b.u32[0]), LANES(8, r.u16[i] = (uint16_t)(a.u16[i] << SH(16))))
OP(i16x8_extend_high_i8x16_s, wasm_i16x8_extend_high_i8x16(a.v), LANES(8, r.i16[i] = a.i8[i + 8]))
OP(i16x8_extend_low_i8x16_u, wasm_u16x8_extend_low_u8x16(a.v), LANES(8, r.u16[i] = a.u8[i]))
OP(i16x8_extmul_high_i8x16_s, wasm_i16x8_extmul_high_i8x16(a.v, b.v), LANES(8, r.i16[i] = (int16_t)(a.i8[i + 8] * b.i8[i + 8])))
OP(i16x8_extmul_low_i8x16_u, wasm_u16x8_extmul_low_u8x16(a.v, b.v), LANES(8, r.u16[i] = (uint16_t)(a.u8[i] * b.u8[i])))

/* 32-bit lanes */
OP(i32x4_add, wasm_i32x4_add(a.v, b.v), LANES(4, r.u32[i] = a.u32[i] + b.u32[i]))
OP(i32x4_sub, wasm_i32x4_sub(a.v, b.v), LANES(4, r.u32[i] = a.u32[i] - b.u32[i]))
OP(i32x4_mul, wasm_i32x4_mul(a.v, b.v), LANES(4, r.u32[i] = a.u32[i] * b.u32[i]))
OP(i32x4_min_s, wasm_i32x4_min(a.v, b.v), LANES(4, r.i32[i] = a.i32[i] < b.i32[i] ? a.i32[i] : b.i32[i]))
OP(i32x4_max_u, wasm_u32x4_max(a.v, b.v), LANES(4, r.u32[i] = a.u32[i] > b.u32[i] ? a.u32[i] : b.u32[i]))
OP(i32x4_abs, wasm_i32x4_abs(a.v), LANES(4, r.u32[i] = a.i32[i] < 0 ? 0u - a.u32[i] : a.u32[i]))
OP(i32x4_shl, wasm_i32x4_shl(a.v, b.u32[0]), LANES(4, r.u32[i] = a.u32[i] << SH(32)))
OP(i32x4_shr_u, wasm_u32x4_shr(a.v, b.u32[0]), LANES(4, r.u32[i] = a.u32[i] >> SH(32)))
OP(i32x4_gt_s, wasm_i32x4_gt(a.v, b.v), LANES(4, r.i32[i] = MASK(a.i32[i] > b.i32[i])))
OP(i32x4_lt_u, wasm_u32x4_lt(a.v, b.v), LANES(4, r.i32[i] = MASK(a.u32[i] < b.u32[i])))
OP(i32x4_dot_i16x8_s, wasm_i32x4_dot_i16x8(a.v, b.v),
   LANES(4, r.u32[i] = (uint32_t)((int64_t)a.i16[2 * i] * b.i16[2 * i] + (int64_t)a.i16[2 * i + 1] * b.i16[2 * i + 1])))
OP(i32x4_extmul_low_i16x8_s, wasm_i32x4_extmul_low_i16x8(a.v, b.v), LANES(4, r.i32[i] = a.i16[i] * b.i16[i]))
OP(i32x4_extmul_high_i16x8_u, wasm_u32x4_extmul_high_u16x8(a.v, b.v), LANES(4, r.u32[i] = (uint32_t)a.u16[i + 4] * b.u16[i + 4]))
OP(i32x4_extend_high_i16x8_s, wasm_i32x4_extend_high_i16x8(a.v), LANES(4, r.i32[i] = a.i16[i + 4]))
OP(i32x4_extend_low_i16x8_u, wasm_u32x4_extend_low_u16x8(a.v), LANES(4, r.u32[i] = a.u16[i]))
OP(i32x4_extadd_pairwise_s, wasm_i32x4_extadd_pairwise_i16x8(a.v), LANES(4, r.i32[i] = a.i16[2 * i] + a.i16[2 * i + 1]))
OP(i32x4_shuffle, wasm_i32x4_shuffle(a.v, b.v, 3, 6, 1, 4), r.u32[0] = a.u32[3]; r.u32[1] = b.u32[2]; r.u32[2] = a.u32[1]; r.u32[3] = b.u32[0])
OP(i32x4_splat, wasm_i32x4_splat(b.i32[1]), LANES(4, r.i32[i] = b.i32[1]))

/* 64-bit lanes */
OP(i64x2_add, wasm_i64x2_add(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] + b.u64[i]))
OP(i64x2_sub, wasm_i64x2_sub(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] - b.u64[i]))
OP(i64x2_mul, wasm_i64x2_mul(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] * b.u64[i]))
OP(i64x2_neg, wasm_i64x2_neg(a.v), LANES(2, r.u64[i] = 0 - a.u64[i]))
OP(i64x2_abs, wasm_i64x2_abs(a.v), LANES(2, r.u64[i] = a.i64[i] < 0 ? 0 - a.u64[i] : a.u64[i]))
OP(i64x2_shl, wasm_i64x2_shl(a.v, b.u32[0]), LANES(2, r.u64[i] = a.u64[i] << SH(64)))
OP(i64x2_shr_s, wasm_i64x2_shr(a.v, b.u32[0]), LANES(2, r.i64[i] = a.i64[i] >> SH(64)))
OP(i64x2_shr_u, wasm_u64x2_shr(a.v, b.u32[0]), LANES(2, r.u64[i] = a.u64[i] >> SH(64)))
OP(i64x2_eq, wasm_i64x2_eq(a.v, b.v), LANES(2, r.i64[i] = MASK(a.i64[i] == b.i64[i])))
OP(i64x2_gt_s, wasm_i64x2_gt(a.v, b.v), LANES(2, r.i64[i] = MASK(a.i64[i] > b.i64[i])))
OP(i64x2_le_s, wasm_i64x2_le(a.v, b.v), LANES(2, r.i64[i] = MASK(a.i64[i] <= b.i64[i])))
OP(i64x2_extmul_low_i32x4_s, wasm_i64x2_extmul_low_i32x4(a.v, b.v), LANES(2, r.i64[i] = (int64_t)a.i32[i] * b.i32[i]))
OP(i64x2_extmul_high_i32x4_u, wasm_u64x2_extmul_high_u32x4(a.v, b.v), LANES(2, r.u64[i] = (uint64_t)a.u32[i + 2] * b.u32[i + 2]))
OP(i64x2_extend_low_i32x4_s, wasm_i64x2_extend_low_i32x4(a.v), LANES(2, r.i64[i] = a.i32[i]))
OP(i64x2_extend_high_i32x4_u, wasm_u64x2_extend_high_u32x4(a.v), LANES(2, r.u64[i] = a.u32[i + 2]))
OP(i64x2_lanes, wasm_i64x2_replace_lane(wasm_i32x4_replace_lane(a.v, 0, b.i32[3]), 1, b.i64[0]),
   r = a; r.i32[0] = b.i32[3]; r.i64[1] = b.i64[0])
OP(i64x2_splat, wasm_i64x2_splat(b.i64[1]), LANES(2, r.i64[i] = b.i64[1]))

OP(i32x4_extmul_high_i16x8_s, wasm_i32x4_extmul_high_i16x8(a.v, b.v), LANES(4, r.i32[i] = a.i16[i + 4] * b.i16[i + 4]))
OP(i32x4_extmul_low_i16x8_u, wasm_u32x4_extmul_low_u16x8(a.v, b.v), LANES(4, r.u32[i] = (uint32_t)a.u16[i] * b.u16[i]))
OP(i32x4_extend_low_i16x8_s, wasm_i32x4_extend_low_i16x8(a.v), LANES(4, r.i32[i] = a.i16[i]))
OP(i32x4_extend_high_i16x8_u, wasm_u32x4_extend_high_u16x8(a.v), LANES(4, r.u32[i] = a.u16[i + 4]))
OP(i32x4_extadd_pairwise_u, wasm_u32x4_extadd_pairwise_u16x8(a.v), LANES(4, r.u32[i] = (uint32_t)a.u16[2 * i] + a.u16[2 * i + 1]))
OP(i64x2_extmul_high_i32x4_s, wasm_i64x2_extmul_high_i32x4(a.v, b.v), LANES(2, r.i64[i] = (int64_t)a.i32[i + 2] * b.i32[i + 2]))
OP(i64x2_extmul_low_i32x4_u, wasm_u64x2_extmul_low_u32x4(a.v, b.v), LANES(2, r.u64[i] = (uint64_t)a.u32[i] * b.u32[i]))
OP(i64x2_extend_high_i32x4_s, wasm_i64x2_extend_high_i32x4(a.v), LANES(2, r.i64[i] = a.i32[i + 2]))
OP(i64x2_extend_low_i32x4_u, wasm_u64x2_extend_low_u32x4(a.v), LANES(2, r.u64[i] = a.u32[i]))

/* the other comparisons, each result mask kept as one bit of each lane */
#ifdef __wasm_simd128__
static v128_t pack(const v128_t *m, int n, int width)
{
    v128_t r = wasm_i32x4_splat(0);
    for (int k = 0; k < n; k++) {
        v128_t bit = width == 8 ? wasm_i8x16_splat((int8_t)(1 << k)) : width == 16 ? wasm_i16x8_splat((int16_t)(1 << k))
                   : width == 32 ? wasm_i32x4_splat(1 << k) : wasm_i64x2_splat(1 << k);
        r = wasm_v128_or(r, wasm_v128_and(m[k], bit));
    }
    return r;
}
#endif
#define PACK(width, ...) pack((const v128_t[]){ __VA_ARGS__ }, sizeof((v128_t[]){ __VA_ARGS__ }) / 16, width)
OP(i8x16_compare, PACK(8, wasm_i8x16_ne(a.v, b.v), wasm_i8x16_lt(a.v, b.v), wasm_u8x16_lt(a.v, b.v),
                      wasm_u8x16_le(a.v, b.v), wasm_i8x16_ge(a.v, b.v), wasm_u8x16_ge(a.v, b.v), wasm_i8x16_max(a.v, b.v)),
   LANES(16, r.u8[i] = (uint8_t)((a.i8[i] != b.i8[i]) | (a.i8[i] < b.i8[i]) << 1 | (a.u8[i] < b.u8[i]) << 2 |
                                 (a.u8[i] <= b.u8[i]) << 3 | (a.i8[i] >= b.i8[i]) << 4 | (a.u8[i] >= b.u8[i]) << 5 |
                                 ((a.i8[i] > b.i8[i] ? a.u8[i] : b.u8[i]) & 0x40))))
OP(i16x8_compare, PACK(16, wasm_i16x8_eq(a.v, b.v), wasm_i16x8_ne(a.v, b.v), wasm_u16x8_lt(a.v, b.v), wasm_i16x8_le(a.v, b.v),
                       wasm_u16x8_le(a.v, b.v), wasm_i16x8_gt(a.v, b.v), wasm_u16x8_gt(a.v, b.v), wasm_i16x8_ge(a.v, b.v)),
   LANES(8, r.u16[i] = (uint16_t)((a.i16[i] == b.i16[i]) | (a.i16[i] != b.i16[i]) << 1 | (a.u16[i] < b.u16[i]) << 2 |
                                  (a.i16[i] <= b.i16[i]) << 3 | (a.u16[i] <= b.u16[i]) << 4 | (a.i16[i] > b.i16[i]) << 5 |
                                  (a.u16[i] > b.u16[i]) << 6 | (a.i16[i] >= b.i16[i]) << 7)))
OP(i32x4_compare, PACK(32, wasm_i32x4_eq(a.v, b.v), wasm_i32x4_ne(a.v, b.v), wasm_i32x4_lt(a.v, b.v), wasm_i32x4_le(a.v, b.v),
                       wasm_u32x4_le(a.v, b.v), wasm_u32x4_gt(a.v, b.v), wasm_i32x4_ge(a.v, b.v), wasm_u32x4_ge(a.v, b.v)),
   LANES(4, r.u32[i] = (uint32_t)((a.i32[i] == b.i32[i]) | (a.i32[i] != b.i32[i]) << 1 | (a.i32[i] < b.i32[i]) << 2 |
                                  (a.i32[i] <= b.i32[i]) << 3 | (a.u32[i] <= b.u32[i]) << 4 | (a.u32[i] > b.u32[i]) << 5 |
                                  (a.i32[i] >= b.i32[i]) << 6 | (a.u32[i] >= b.u32[i]) << 7)))
OP(i64x2_compare, PACK(64, wasm_i64x2_ne(a.v, b.v), wasm_i64x2_lt(a.v, b.v), wasm_i64x2_ge(a.v, b.v)),
   LANES(2, r.u64[i] = (uint64_t)((a.i64[i] != b.i64[i]) | (a.i64[i] < b.i64[i]) << 1 | (a.i64[i] >= b.i64[i]) << 2)))
OP(f32x4_compare, PACK(32, wasm_f32x4_gt(a.v, b.v), wasm_f32x4_le(a.v, b.v)),
   LANES(4, r.u32[i] = (uint32_t)((a.f32[i] > b.f32[i]) | (a.f32[i] <= b.f32[i]) << 1)))
OP(f64x2_compare, PACK(64, wasm_f64x2_eq(a.v, b.v), wasm_f64x2_ne(a.v, b.v), wasm_f64x2_lt(a.v, b.v), wasm_f64x2_ge(a.v, b.v)),
   LANES(2, r.u64[i] = (uint64_t)((a.f64[i] == b.f64[i]) | (a.f64[i] != b.f64[i]) << 1 | (a.f64[i] < b.f64[i]) << 2 |
                                  (a.f64[i] >= b.f64[i]) << 3)))

/* whole vectors */
OP(v128_and, wasm_v128_and(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] & b.u64[i]))
OP(v128_or, wasm_v128_or(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] | b.u64[i]))
OP(v128_xor, wasm_v128_xor(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] ^ b.u64[i]))
OP(v128_andnot, wasm_v128_andnot(a.v, b.v), LANES(2, r.u64[i] = a.u64[i] & ~b.u64[i]))
OP(v128_not, wasm_v128_not(a.v), LANES(2, r.u64[i] = ~a.u64[i]))
OP(v128_bitselect, wasm_v128_bitselect(a.v, b.v, c.v), LANES(2, r.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i])))
OP(any_all_true, wasm_i32x4_make(wasm_v128_any_true(a.v), wasm_i8x16_all_true(a.v),
                                 wasm_i16x8_all_true(a.v), wasm_i32x4_all_true(a.v)),
   r.i32[0] = !!(a.u64[0] | a.u64[1]); r.i32[1] = bytes_nonzero(a.u8, 1);
   r.i32[2] = bytes_nonzero(a.u8, 2); r.i32[3] = bytes_nonzero(a.u8, 4))
OP(bitmask, wasm_i32x4_make(wasm_i8x16_bitmask(a.v), wasm_i16x8_bitmask(a.v),
                            wasm_i32x4_bitmask(a.v) | wasm_i64x2_bitmask(a.v) << 4, wasm_i64x2_all_true(a.v)),
   LANES(16, r.u32[0] |= (uint32_t)(a.u8[i] >> 7) << i) LANES(8, r.u32[1] |= (uint32_t)(a.u16[i] >> 15) << i)
   LANES(4, r.u32[2] |= (a.u32[i] >> 31) << i) LANES(2, r.u32[2] |= (uint32_t)(a.u64[i] >> 63) << (i + 4))
   r.i32[3] = bytes_nonzero(a.u8, 8))

/* memory: loads and stores at unaligned addresses inside the operand a */
OP(load8_splat, wasm_v128_load8_splat(&a.u8[5]), LANES(16, r.u8[i] = a.u8[5]))
OP(load16_splat, wasm_v128_load16_splat(&a.u8[3]), uint16_t x; memcpy(&x, &a.u8[3], 2); LANES(8, r.u16[i] = x))
OP(load32_splat, wasm_v128_load32_splat(&a.u8[1]), uint32_t x; memcpy(&x, &a.u8[1], 4); LANES(4, r.u32[i] = x))
OP(load64_splat, wasm_v128_load64_splat(&a.u8[7]), uint64_t x; memcpy(&x, &a.u8[7], 8); LANES(2, r.u64[i] = x))
OP(load32_zero, wasm_v128_load32_zero(&a.u8[9]), memcpy(&r.u8[0], &a.u8[9], 4))
OP(load64_zero, wasm_v128_load64_zero(&a.u8[2]), memcpy(&r.u8[0], &a.u8[2], 8))
OP(load8x8_s, wasm_i16x8_load8x8(&a.u8[3]), LANES(8, r.i16[i] = a.i8[3 + i]))
OP(load8x8_u, wasm_u16x8_load8x8(&a.u8[8]), LANES(8, r.u16[i] = a.u8[8 + i]))
OP(load16x4_s, wasm_i32x4_load16x4(&a.u8[1]), LANES(4, int16_t x; memcpy(&x, &a.u8[1 + 2 * i], 2); r.i32[i] = x))
OP(load16x4_u, wasm_u32x4_load16x4(&a.u8[8]), LANES(4, r.u32[i] = a.u16[4 + i]))
OP(load32x2_s, wasm_i64x2_load32x2(&a.u8[5]), LANES(2, int32_t x; memcpy(&x, &a.u8[5 + 4 * i], 4); r.i64[i] = x))
OP(load32x2_u, wasm_u64x2_load32x2(&a.u8[0]), LANES(2, r.u64[i] = a.u32[i]))
OP(load8_lane, wasm_v128_load8_lane(&a.u8[7], b.v, 3), r = b; r.u8[3] = a.u8[7])
OP(load16_lane, wasm_v128_load16_lane(&a.u8[1], b.v, 5), r = b; memcpy(&r.u16[5], &a.u8[1], 2))
OP(load32_lane, wasm_v128_load32_lane(&a.u8[10], b.v, 2), r = b; memcpy(&r.u32[2], &a.u8[10], 4))
OP(load64_lane, wasm_v128_load64_lane(&a.u8[3], b.v, 1), r = b; memcpy(&r.u64[1], &a.u8[3], 8))

static vec op_store_lanes(vec a, vec b, vec c)
{
    vec r = b;
    (void)c;
#ifdef __wasm_simd128__
    wasm_v128_store8_lane(&r.u8[0], a.v, 15);
    wasm_v128_store16_lane(&r.u8[1], a.v, 2);
    wasm_v128_store32_lane(&r.u8[3], a.v, 1);
    wasm_v128_store64_lane(&r.u8[7], a.v, 0);
#else
    r.u8[0] = a.u8[15];
    memcpy(&r.u8[1], &a.u16[2], 2);
    memcpy(&r.u8[3], &a.u32[1], 4);
    memcpy(&r.u8[7], &a.u64[0], 8);
#endif
    return r;
}

/* floats: f32x4 */
OP(f32x4_add, wasm_f32x4_add(a.v, b.v), LANES(4, r.f32[i] = a.f32[i] + b.f32[i]))
OP(f32x4_sub, wasm_f32x4_sub(a.v, b.v), LANES(4, r.f32[i] = a.f32[i] - b.f32[i]))
OP(f32x4_mul, wasm_f32x4_mul(a.v, b.v), LANES(4, r.f32[i] = a.f32[i] * b.f32[i]))
OP(f32x4_div, wasm_f32x4_div(a.v, b.v), LANES(4, r.f32[i] = a.f32[i] / b.f32[i]))
OP(f32x4_min, wasm_f32x4_min(a.v, b.v), LANES(4, r.f32[i] = (float)wmin(a.f32[i], b.f32[i])))
OP(f32x4_max, wasm_f32x4_max(a.v, b.v), LANES(4, r.f32[i] = (float)wmax(a.f32[i], b.f32[i])))
OP(f32x4_pmin, wasm_f32x4_pmin(a.v, b.v), LANES(4, r.f32[i] = b.f32[i] < a.f32[i] ? b.f32[i] : a.f32[i]))
OP(f32x4_pmax, wasm_f32x4_pmax(a.v, b.v), LANES(4, r.f32[i] = a.f32[i] < b.f32[i] ? b.f32[i] : a.f32[i]))
OP(f32x4_abs, wasm_f32x4_abs(a.v), LANES(4, r.f32[i] = fabsf(a.f32[i])))
OP(f32x4_neg, wasm_f32x4_neg(a.v), LANES(4, r.f32[i] = -a.f32[i]))
OP(f32x4_sqrt, wasm_f32x4_sqrt(a.v), LANES(4, r.f32[i] = sqrtf(a.f32[i])))
OP(f32x4_ceil, wasm_f32x4_ceil(a.v), LANES(4, r.f32[i] = ceilf(a.f32[i])))
OP(f32x4_floor, wasm_f32x4_floor(a.v), LANES(4, r.f32[i] = floorf(a.f32[i])))
OP(f32x4_trunc, wasm_f32x4_trunc(a.v), LANES(4, r.f32[i] = truncf(a.f32[i])))
OP(f32x4_nearest, wasm_f32x4_nearest(a.v), LANES(4, r.f32[i] = rintf(a.f32[i])))
OP(f32x4_eq, wasm_f32x4_eq(a.v, b.v), LANES(4, r.i32[i] = MASK(a.f32[i] == b.f32[i])))
OP(f32x4_ne, wasm_f32x4_ne(a.v, b.v), LANES(4, r.i32[i] = MASK(a.f32[i] != b.f32[i])))
OP(f32x4_lt, wasm_f32x4_lt(a.v, b.v), LANES(4, r.i32[i] = MASK(a.f32[i] < b.f32[i])))
OP(f32x4_ge, wasm_f32x4_ge(a.v, b.v), LANES(4, r.i32[i] = MASK(a.f32[i] >= b.f32[i])))
OP(f32x4_splat, wasm_f32x4_splat(b.f32[2]), LANES(4, r.f32[i] = b.f32[2]))
OP(f32x4_lanes, wasm_f32x4_replace_lane(a.v, 2, wasm_f32x4_extract_lane(b.v, 1) * 2.0f),
   r = a; r.f32[2] = b.f32[1] * 2.0f)
OP(i32x4_trunc_sat_f32x4_s, wasm_i32x4_trunc_sat_f32x4(a.v), LANES(4, r.i32[i] = trunc_sat_s(a.f32[i])))
OP(i32x4_trunc_sat_f32x4_u, wasm_u32x4_trunc_sat_f32x4(a.v), LANES(4, r.u32[i] = trunc_sat_u(a.f32[i])))
OP(f32x4_convert_i32x4_s, wasm_f32x4_convert_i32x4(a.v), LANES(4, r.f32[i] = (float)a.i32[i]))
OP(f32x4_convert_i32x4_u, wasm_f32x4_convert_u32x4(a.v), LANES(4, r.f32[i] = (float)a.u32[i]))
OP(f64x2_promote_low_f32x4, wasm_f64x2_promote_low_f32x4(a.v), LANES(2, r.f64[i] = a.f32[i]))

/* floats: f64x2 */
OP(f64x2_add, wasm_f64x2_add(a.v, b.v), LANES(2, r.f64[i] = a.f64[i] + b.f64[i]))
OP(f64x2_sub, wasm_f64x2_sub(a.v, b.v), LANES(2, r.f64[i] = a.f64[i] - b.f64[i]))
OP(f64x2_mul, wasm_f64x2_mul(a.v, b.v), LANES(2, r.f64[i] = a.f64[i] * b.f64[i]))
OP(f64x2_div, wasm_f64x2_div(a.v, b.v), LANES(2, r.f64[i] = a.f64[i] / b.f64[i]))
OP(f64x2_min, wasm_f64x2_min(a.v, b.v), LANES(2, r.f64[i] = wmin(a.f64[i], b.f64[i])))
OP(f64x2_max, wasm_f64x2_max(a.v, b.v), LANES(2, r.f64[i] = wmax(a.f64[i], b.f64[i])))
OP(f64x2_pmin, wasm_f64x2_pmin(a.v, b.v), LANES(2, r.f64[i] = b.f64[i] < a.f64[i] ? b.f64[i] : a.f64[i]))
OP(f64x2_pmax, wasm_f64x2_pmax(a.v, b.v), LANES(2, r.f64[i] = a.f64[i] < b.f64[i] ? b.f64[i] : a.f64[i]))
OP(f64x2_abs, wasm_f64x2_abs(a.v), LANES(2, r.f64[i] = fabs(a.f64[i])))
OP(f64x2_neg, wasm_f64x2_neg(a.v), LANES(2, r.f64[i] = -a.f64[i]))
OP(f64x2_sqrt, wasm_f64x2_sqrt(a.v), LANES(2, r.f64[i] = sqrt(a.f64[i])))
OP(f64x2_ceil, wasm_f64x2_ceil(a.v), LANES(2, r.f64[i] = ceil(a.f64[i])))
OP(f64x2_floor, wasm_f64x2_floor(a.v), LANES(2, r.f64[i] = floor(a.f64[i])))
OP(f64x2_trunc, wasm_f64x2_trunc(a.v), LANES(2, r.f64[i] = trunc(a.f64[i])))
OP(f64x2_nearest, wasm_f64x2_nearest(a.v), LANES(2, r.f64[i] = rint(a.f64[i])))
OP(f64x2_le, wasm_f64x2_le(a.v, b.v), LANES(2, r.i64[i] = MASK(a.f64[i] <= b.f64[i])))
OP(f64x2_gt, wasm_f64x2_gt(a.v, b.v), LANES(2, r.i64[i] = MASK(a.f64[i] > b.f64[i])))
OP(f64x2_splat, wasm_f64x2_splat(b.f64[1]), LANES(2, r.f64[i] = b.f64[1]))
OP(f64x2_lanes, wasm_f64x2_replace_lane(a.v, 0, wasm_f64x2_extract_lane(b.v, 1) + 1.0), r = a; r.f64[0] = b.f64[1] + 1.0)
OP(i32x4_trunc_sat_f64x2_s_zero, wasm_i32x4_trunc_sat_f64x2_zero(a.v), LANES(2, r.i32[i] = trunc_sat_s(a.f64[i])))
OP(i32x4_trunc_sat_f64x2_u_zero, wasm_u32x4_trunc_sat_f64x2_zero(a.v), LANES(2, r.u32[i] = trunc_sat_u(a.f64[i])))
OP(f32x4_demote_f64x2_zero, wasm_f32x4_demote_f64x2_zero(a.v), LANES(2, r.f32[i] = (float)a.f64[i]))
OP(f64x2_convert_low_i32x4_s, wasm_f64x2_convert_low_i32x4(a.v), LANES(2, r.f64[i] = a.i32[i]))
OP(f64x2_convert_low_i32x4_u, wasm_f64x2_convert_low_u32x4(a.v), LANES(2, r.f64[i] = a.u32[i]))

enum kind { I, F, D };   /* integer lanes, f32x4, f64x2 */
static const struct {
    const char *name;
    vec (*fn)(vec, vec, vec);
    enum kind in, out;
} ops[] = {
#define E(name, in, out) { #name, op_##name, in, out }
    E(i8x16_add, I, I), E(i8x16_sub, I, I), E(i8x16_add_sat_s, I, I), E(i8x16_add_sat_u, I, I),
    E(i8x16_sub_sat_s, I, I), E(i8x16_sub_sat_u, I, I), E(i8x16_min_s, I, I), E(i8x16_max_u, I, I),
    E(i8x16_avgr_u, I, I), E(i8x16_abs, I, I), E(i8x16_neg, I, I), E(i8x16_popcnt, I, I),
    E(i8x16_eq, I, I), E(i8x16_gt_s, I, I), E(i8x16_gt_u, I, I), E(i8x16_le_s, I, I),
    E(i8x16_shl, I, I), E(i8x16_shr_s, I, I), E(i8x16_shr_u, I, I), E(i8x16_narrow_i16x8_s, I, I),
    E(i8x16_narrow_i16x8_u, I, I), E(i8x16_swizzle, I, I), E(i8x16_shuffle_zip, I, I),
    E(i8x16_shuffle_rev, I, I), E(i8x16_splat, I, I), E(i8x16_lanes, I, I), E(extract_lanes, I, I),
    E(i16x8_add, I, I), E(i16x8_mul, I, I), E(i16x8_sub_sat_s, I, I), E(i16x8_add_sat_u, I, I),
    E(i16x8_max_s, I, I), E(i16x8_min_u, I, I), E(i16x8_avgr_u, I, I), E(i16x8_q15mulr_sat_s, I, I),
    E(i16x8_shr_s, I, I), E(i16x8_shr_u, I, I), E(i16x8_lt_s, I, I), E(i16x8_ge_u, I, I),
    E(i16x8_extend_low_i8x16_s, I, I), E(i16x8_extend_high_i8x16_u, I, I),
    E(i16x8_extmul_low_i8x16_s, I, I), E(i16x8_extmul_high_i8x16_u, I, I),
    E(i16x8_extadd_pairwise_s, I, I), E(i16x8_extadd_pairwise_u, I, I),
    E(i16x8_narrow_i32x4_s, I, I), E(i16x8_narrow_i32x4_u, I, I), E(i16x8_splat, I, I),
    E(i32x4_add, I, I), E(i32x4_sub, I, I), E(i32x4_mul, I, I), E(i32x4_min_s, I, I),
    E(i32x4_max_u, I, I), E(i32x4_abs, I, I), E(i32x4_shl, I, I), E(i32x4_shr_u, I, I),
    E(i32x4_gt_s, I, I), E(i32x4_lt_u, I, I), E(i32x4_dot_i16x8_s, I, I),
    E(i32x4_extmul_low_i16x8_s, I, I), E(i32x4_extmul_high_i16x8_u, I, I),
    E(i32x4_extend_high_i16x8_s, I, I), E(i32x4_extend_low_i16x8_u, I, I),
    E(i32x4_extadd_pairwise_s, I, I), E(i32x4_shuffle, I, I), E(i32x4_splat, I, I),
    E(i64x2_add, I, I), E(i64x2_sub, I, I), E(i64x2_mul, I, I), E(i64x2_neg, I, I),
    E(i64x2_abs, I, I), E(i64x2_shl, I, I), E(i64x2_shr_s, I, I), E(i64x2_shr_u, I, I),
    E(i64x2_eq, I, I), E(i64x2_gt_s, I, I), E(i64x2_le_s, I, I), E(i64x2_extmul_low_i32x4_s, I, I),
    E(i64x2_extmul_high_i32x4_u, I, I), E(i64x2_extend_low_i32x4_s, I, I),
    E(i64x2_extend_high_i32x4_u, I, I), E(i64x2_lanes, I, I), E(i64x2_splat, I, I),
    E(v128_and, I, I), E(v128_or, I, I), E(v128_xor, I, I), E(v128_andnot, I, I), E(v128_not, I, I),
    E(v128_bitselect, I, I), E(any_all_true, I, I), E(bitmask, I, I),
    E(load8_splat, I, I), E(load16_splat, I, I), E(load32_splat, I, I), E(load64_splat, I, I),
    E(load32_zero, I, I), E(load64_zero, I, I), E(load8x8_s, I, I), E(load8x8_u, I, I),
    E(load16x4_s, I, I), E(load16x4_u, I, I), E(load32x2_s, I, I), E(load32x2_u, I, I),
    E(load8_lane, I, I), E(load16_lane, I, I), E(load32_lane, I, I), E(load64_lane, I, I),
    E(store_lanes, I, I), E(i16x8_sub, I, I), E(i16x8_sub_sat_u, I, I), E(i16x8_min_s, I, I),
    E(i16x8_max_u, I, I), E(i16x8_abs, I, I), E(i16x8_neg, I, I), E(i16x8_shl, I, I),
    E(i16x8_extend_high_i8x16_s, I, I), E(i16x8_extend_low_i8x16_u, I, I), E(i16x8_extmul_high_i8x16_s, I, I),
    E(i16x8_extmul_low_i8x16_u, I, I), E(i32x4_extmul_high_i16x8_s, I, I), E(i32x4_extmul_low_i16x8_u, I, I),
    E(i32x4_extend_low_i16x8_s, I, I), E(i32x4_extend_high_i16x8_u, I, I), E(i32x4_extadd_pairwise_u, I, I),
    E(i64x2_extmul_high_i32x4_s, I, I), E(i64x2_extmul_low_i32x4_u, I, I), E(i64x2_extend_high_i32x4_s, I, I),
    E(i64x2_extend_low_i32x4_u, I, I), E(i8x16_compare, I, I), E(i16x8_compare, I, I), E(i32x4_compare, I, I),
    E(i64x2_compare, I, I), E(f32x4_compare, F, I), E(f64x2_compare, D, I),
    E(f32x4_add, F, F), E(f32x4_sub, F, F), E(f32x4_mul, F, F), E(f32x4_div, F, F),
    E(f32x4_min, F, F), E(f32x4_max, F, F), E(f32x4_pmin, F, F), E(f32x4_pmax, F, F),
    E(f32x4_abs, F, F), E(f32x4_neg, F, F), E(f32x4_sqrt, F, F), E(f32x4_ceil, F, F),
    E(f32x4_floor, F, F), E(f32x4_trunc, F, F), E(f32x4_nearest, F, F), E(f32x4_eq, F, I),
    E(f32x4_ne, F, I), E(f32x4_lt, F, I), E(f32x4_ge, F, I), E(f32x4_splat, F, F), E(f32x4_lanes, F, F),
    E(i32x4_trunc_sat_f32x4_s, F, I), E(i32x4_trunc_sat_f32x4_u, F, I),
    E(f32x4_convert_i32x4_s, I, F), E(f32x4_convert_i32x4_u, I, F), E(f64x2_promote_low_f32x4, F, D),
    E(f64x2_add, D, D), E(f64x2_sub, D, D), E(f64x2_mul, D, D), E(f64x2_div, D, D),
    E(f64x2_min, D, D), E(f64x2_max, D, D), E(f64x2_pmin, D, D), E(f64x2_pmax, D, D),
    E(f64x2_abs, D, D), E(f64x2_neg, D, D), E(f64x2_sqrt, D, D), E(f64x2_ceil, D, D),
    E(f64x2_floor, D, D), E(f64x2_trunc, D, D), E(f64x2_nearest, D, D), E(f64x2_le, D, I),
    E(f64x2_gt, D, I), E(f64x2_splat, D, D), E(f64x2_lanes, D, D),
    E(i32x4_trunc_sat_f64x2_s_zero, D, I), E(i32x4_trunc_sat_f64x2_u_zero, D, I),
    E(f32x4_demote_f64x2_zero, D, F), E(f64x2_convert_low_i32x4_s, I, D), E(f64x2_convert_low_i32x4_u, I, D),
#undef E
};

/* An operand: integer lanes are random bytes, edge bytes, mostly zero, or
 * all non-zero (so any_true/all_true see both answers). */
static vec gen_vec(enum kind k)
{
    static const uint8_t edge[8] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x40 };
    vec v;
    unsigned mode = next() % 4;
    for (int i = 0; i < 16; i++) {
        uint8_t r = (uint8_t)next();
        v.u8[i] = mode == 0 ? r : mode == 1 ? edge[r & 7] : mode == 2 ? (r < 16 ? r : 0) : (r | 1);
    }
    for (int i = 0; k == F && i < 4; i++)
        v.f32[i] = gen_float();
    for (int i = 0; k == D && i < 2; i++)
        v.f64[i] = gen_double();
    return v;
}

static uint64_t hash_vec(uint64_t hv, const vec *v, enum kind k)
{
    return k == F ? fnv_f32(hv, v->f32, 4) : k == D ? fnv_f64(hv, v->f64, 2) : fnv(hv, v->u8, 16);
}

/* ---- loop.*: hand-vectorised loops, with a scalar twin -------------------- */

static void loop_dot(void)
{
    int i = 0;
    uint32_t sum = 0;
#ifdef __wasm_simd128__
    v128_t acc = wasm_i32x4_splat(0);
    for (; i + 8 <= N; i += 8)
        acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(&a16[i]), wasm_v128_load(&b16[i])));
    sum = (uint32_t)wasm_i32x4_extract_lane(acc, 0) + (uint32_t)wasm_i32x4_extract_lane(acc, 1) +
          (uint32_t)wasm_i32x4_extract_lane(acc, 2) + (uint32_t)wasm_i32x4_extract_lane(acc, 3);
#endif
    for (; i < N; i++)
        sum += (uint32_t)(a16[i] * b16[i]);
    HASH(sum);
}

static void loop_count_controls(void)    /* bytes below 0x20 */
{
    int i = 0;
    uint32_t n = 0;
#ifdef __wasm_simd128__
    for (; i + 16 <= N; i += 16)
        n += (uint32_t)__builtin_popcount(wasm_i8x16_bitmask(wasm_u8x16_lt(wasm_v128_load(&u8a[i]), wasm_u8x16_splat(32))));
#endif
    for (; i < N; i++)
        n += u8a[i] < 32;
    HASH(n);
}

static void loop_blend(void)    /* rounding average, then the larger of that and b */
{
    int i = 0;
#ifdef __wasm_simd128__
    for (; i + 16 <= N; i += 16) {
        v128_t x = wasm_v128_load(&u8a[i]), y = wasm_v128_load(&u8b[i]);
        wasm_v128_store(&ou8[i], wasm_u8x16_max(wasm_u8x16_avgr(x, y), wasm_i8x16_shuffle(y, y, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)));
    }
#endif
    for (; i < N; i++) {
        uint8_t avg = (uint8_t)((u8a[i] + u8b[i] + 1) >> 1), y = u8b[(i ^ 1) < N ? i ^ 1 : i];
        ou8[i] = avg > y ? avg : y;
    }
    HASH(ou8);
}

static void loop_sum_f32(void)    /* four partial sums in lanes, then ((0+1)+(2+3)) */
{
    float s[4] = { 0, 0, 0, 0 }, tail = 0;
    int i = 0;
#ifdef __wasm_simd128__
    v128_t acc = wasm_f32x4_splat(0);
    for (; i + 4 <= N; i += 4)
        acc = wasm_f32x4_add(acc, wasm_v128_load(&cf[i]));
    s[0] = wasm_f32x4_extract_lane(acc, 0), s[1] = wasm_f32x4_extract_lane(acc, 1);
    s[2] = wasm_f32x4_extract_lane(acc, 2), s[3] = wasm_f32x4_extract_lane(acc, 3);
#else
    for (; i + 4 <= N; i += 4)
        for (int k = 0; k < 4; k++)
            s[k] += cf[i + k];
#endif
    for (; i < N; i++)
        tail += cf[i];
    float total = ((s[0] + s[1]) + (s[2] + s[3])) + tail;
    HASH(total);
}

/* ---- main ------------------------------------------------------------------ */

int main(void)
{
    static const struct { const char *name; void (*fn)(void); } kernels[] = {
        { "auto.int8", auto_int8 }, { "auto.int16", auto_int16 }, { "auto.int32", auto_int32 },
        { "auto.int64", auto_int64 }, { "auto.float", auto_float }, { "auto.double", auto_double },
        { "auto.saturate", auto_saturate }, { "auto.minmax", auto_minmax }, { "auto.reduce", auto_reduce },
        { "auto.dot", auto_dot }, { "auto.shuffle", auto_shuffle }, { "auto.convert", auto_convert },
        { "auto.abs_select", auto_abs_select }, { "auto.round", auto_round }, { "auto.bytes", auto_bytes },
        { "loop.dot", loop_dot }, { "loop.count_controls", loop_count_controls },
        { "loop.blend", loop_blend }, { "loop.sum_f32", loop_sum_f32 },
    };
    rng = 0x9e3779b97f4a7c15ull;
    fill_arrays();
    uint64_t all = FNV0;
    for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
        h = FNV0;
        kernels[k].fn();
        report(kernels[k].name, h);
        all = fnv(all, &h, sizeof h);
    }
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        rng = 0x2545f4914f6cdd1dull + k;    /* each op its own operands */
        uint64_t hv = FNV0;
        for (int round = 0; round < 64; round++) {
            vec a = gen_vec(ops[k].in);
            vec b = gen_vec(ops[k].in);
            vec c = gen_vec(ops[k].in);
            vec r = ops[k].fn(a, b, c);
            hv = hash_vec(hv, &r, ops[k].out);
        }
        char name[64];
        snprintf(name, sizeof name, "op.%s", ops[k].name);
        report(name, hv);
        all = fnv(all, &hv, sizeof hv);
    }
    printf("%zu kernels, all %016" PRIx64 "\n", sizeof kernels / sizeof kernels[0] + sizeof ops / sizeof ops[0], all);
    return 0;
}
