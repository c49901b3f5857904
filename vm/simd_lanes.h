/* simd_lanes.h — the v128 value and its lanes: the vm_v128 type, lane
 * accessors, the lane-by-lane generator macros the other simd_*.h parts
 * are written with, and the instructions that only move bits: v128
 * bitwise operations, any_true, splat, extract_lane, replace_lane,
 * i8x16.shuffle and i8x16.swizzle. Part of simd.h; depends on numeric.h
 * and libc only, never on the rest of vm/.
 *
 * Representation: a v128 is its 16 bytes in wasm's order (byte 0 first),
 * exactly as it lies in linear memory and in a v128.const immediate, and
 * as vm_value.v128 holds it. A lane of W bits is bytes [i*W/8, (i+1)*W/8)
 * read little-endian. Byte lanes (shuffle, swizzle, i8x16) are plain
 * array elements. The interpreter keeps a v128 in two 64-bit slots as
 * vm_v128_lo() and vm_v128_hi(), so a slot's integer value means the
 * same on every host.
 *
 * Two choices for speed (GCC 12 -O2 on x86-64, i32x4.add in a chain of
 * dependent calls; clang 14 is fast with either form):
 *   - lane accessors take the value by pointer: given it by value, GCC
 *     copied the struct again for every lane (14 ns; 2.7 ns by pointer);
 *   - little-endian reads and writes are a memcpy of the integer on a
 *     host the compiler knows to be little-endian (the same bytes), and
 *     are assembled from bytes with shifts elsewhere — the portable form,
 *     correct on every host (11 ns with GCC). VM_SIMD_PORTABLE forces the
 *     portable form; the simd tests run every case through both.
 *
 * Lane indices are masked to the lane count, so even an unvalidated index
 * cannot read or write outside the value. */
#ifndef WIPPY_VM_SIMD_LANES_H
#define WIPPY_VM_SIMD_LANES_H

#include <stdint.h>
#include <string.h>

#include "vm/numeric.h"

typedef struct {
    uint8_t bytes[16];
} vm_v128;

/* ==== little-endian bytes <-> integers ==================================== */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(VM_SIMD_PORTABLE)
#define VM_SIMD_LE_MEMCPY 1

#define VM_SIMD_LE_COPY(T, N)                                                 \
    static inline T vm_le##N(const uint8_t *p)                                \
    {                                                                         \
        T x;                                                                  \
        memcpy(&x, p, sizeof x);                                              \
        return x;                                                             \
    }                                                                         \
    static inline void vm_put_le##N(uint8_t *p, T x) { memcpy(p, &x, sizeof x); }

VM_SIMD_LE_COPY(uint16_t, 16)
VM_SIMD_LE_COPY(uint32_t, 32)
VM_SIMD_LE_COPY(uint64_t, 64)
#else
static inline uint16_t vm_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t vm_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t vm_le64(const uint8_t *p)
{
    return (uint64_t)vm_le32(p) | (uint64_t)vm_le32(p + 4) << 32;
}

static inline void vm_put_le16(uint8_t *p, uint16_t x)
{
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
}

static inline void vm_put_le32(uint8_t *p, uint32_t x)
{
    vm_put_le16(p, (uint16_t)x);
    vm_put_le16(p + 2, (uint16_t)(x >> 16));
}

static inline void vm_put_le64(uint8_t *p, uint64_t x)
{
    vm_put_le32(p, (uint32_t)x);
    vm_put_le32(p + 4, (uint32_t)(x >> 32));
}
#endif

/* ==== lanes =============================================================== */

static inline uint8_t vm_v128_u8(const vm_v128 *v, unsigned i) { return v->bytes[i & 15]; }
static inline uint16_t vm_v128_u16(const vm_v128 *v, unsigned i) { return vm_le16(v->bytes + 2 * (i & 7)); }
static inline uint32_t vm_v128_u32(const vm_v128 *v, unsigned i) { return vm_le32(v->bytes + 4 * (i & 3)); }
static inline uint64_t vm_v128_u64(const vm_v128 *v, unsigned i) { return vm_le64(v->bytes + 8 * (i & 1)); }
static inline float vm_v128_f32(const vm_v128 *v, unsigned i) { return f32_from_bits(vm_v128_u32(v, i)); }
static inline double vm_v128_f64(const vm_v128 *v, unsigned i) { return f64_from_bits(vm_v128_u64(v, i)); }

static inline void vm_v128_set_u8(vm_v128 *v, unsigned i, uint8_t x) { v->bytes[i & 15] = x; }
static inline void vm_v128_set_u16(vm_v128 *v, unsigned i, uint16_t x) { vm_put_le16(v->bytes + 2 * (i & 7), x); }
static inline void vm_v128_set_u32(vm_v128 *v, unsigned i, uint32_t x) { vm_put_le32(v->bytes + 4 * (i & 3), x); }
static inline void vm_v128_set_u64(vm_v128 *v, unsigned i, uint64_t x) { vm_put_le64(v->bytes + 8 * (i & 1), x); }
static inline void vm_v128_set_f32(vm_v128 *v, unsigned i, float x) { vm_v128_set_u32(v, i, f32_bits(x)); }
static inline void vm_v128_set_f64(vm_v128 *v, unsigned i, double x) { vm_v128_set_u64(v, i, f64_bits(x)); }

/* The two 64-bit halves (bytes 0-7 and 8-15), as the interpreter's slots
 * hold them, and back. */
static inline uint64_t vm_v128_lo(vm_v128 v) { return vm_v128_u64(&v, 0); }
static inline uint64_t vm_v128_hi(vm_v128 v) { return vm_v128_u64(&v, 1); }

static inline vm_v128 vm_v128_from_halves(uint64_t lo, uint64_t hi)
{
    vm_v128 v;
    vm_v128_set_u64(&v, 0, lo);
    vm_v128_set_u64(&v, 1, hi);
    return v;
}

static inline vm_v128 vm_v128_zero(void) { return (vm_v128){ { 0 } }; }

/* Two's complement reading of a lane, without implementation-defined
 * conversions (vm_s32/vm_s64 are numeric.h's i32_signed/i64_signed). */
static inline int8_t vm_s8(uint8_t x) { return x < 0x80 ? (int8_t)x : (int8_t)(x - 0x100); }
static inline int16_t vm_s16(uint16_t x) { return x < 0x8000 ? (int16_t)x : (int16_t)(x - 0x10000); }
static inline int32_t vm_s32(uint32_t x) { return i32_signed(x); }
static inline int64_t vm_s64(uint64_t x) { return i64_signed(x); }

/* ==== generators ==========================================================
 * Each defines `static inline vm_v128 NAME(...)` computing every lane of
 * W bits (8, 16, 32, 64) alike. In EXPR the lanes are `x` (and `y`) of
 * type uintW_t; the value is converted (wrapped) to uintW_t. Integer
 * promotion makes uint8_t/uint16_t arithmetic int, so expressions that
 * could overflow int (a 16-bit product or shift) cast to uint32_t first. */

#define VM_SIMD_UNARY(NAME, W, EXPR)                                          \
    static inline vm_v128 NAME(vm_v128 a)                                     \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++) {                            \
            uint##W##_t x = vm_v128_u##W(&a, i);                              \
            vm_v128_set_u##W(&r, i, (uint##W##_t)(EXPR));                     \
        }                                                                     \
        return r;                                                             \
    }

#define VM_SIMD_BINARY(NAME, W, EXPR)                                         \
    static inline vm_v128 NAME(vm_v128 a, vm_v128 b)                          \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++) {                            \
            uint##W##_t x = vm_v128_u##W(&a, i), y = vm_v128_u##W(&b, i);       \
            vm_v128_set_u##W(&r, i, (uint##W##_t)(EXPR));                     \
        }                                                                     \
        return r;                                                             \
    }

/* A lane of all ones where COND holds, of zeros where it does not. */
#define VM_SIMD_COMPARE(NAME, W, COND)                                        \
    VM_SIMD_BINARY(NAME, W, (COND) ? ~(uint##W##_t)0 : 0)

/* Shifts: the count is taken modulo the lane width, as wasm defines. */
#define VM_SIMD_SHIFT(NAME, W, EXPR)                                          \
    static inline vm_v128 NAME(vm_v128 a, uint32_t count)                     \
    {                                                                         \
        unsigned n = count & ((W) - 1);                                       \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++) {                            \
            uint##W##_t x = vm_v128_u##W(&a, i);                              \
            vm_v128_set_u##W(&r, i, (uint##W##_t)(EXPR));                     \
        }                                                                     \
        return r;                                                             \
    }

/* ==== v128 bitwise ======================================================== */

VM_SIMD_UNARY(vm_v128_not, 64, ~x)
VM_SIMD_BINARY(vm_v128_and, 64, x & y)
VM_SIMD_BINARY(vm_v128_andnot, 64, x & ~y)
VM_SIMD_BINARY(vm_v128_or, 64, x | y)
VM_SIMD_BINARY(vm_v128_xor, 64, x ^ y)

/* Bits of a where c has ones, of b where c has zeros. */
static inline vm_v128 vm_v128_bitselect(vm_v128 a, vm_v128 b, vm_v128 c)
{
    return vm_v128_or(vm_v128_and(a, c), vm_v128_andnot(b, c));
}

static inline uint32_t vm_v128_any_true(vm_v128 a)
{
    return (vm_v128_lo(a) | vm_v128_hi(a)) != 0;
}

/* ==== splat ===============================================================
 * The scalar operand as the interpreter's slot holds it: i32 (wrapped to
 * the lane), i64, or a float's bits — splat, extract and replace only move
 * bits, so no float value passes through the host's float registers and
 * signalling NaNs stay as they are. */

#define VM_SIMD_SPLAT(NAME, W, SCALAR)                                        \
    static inline vm_v128 NAME(SCALAR x)                                      \
    {                                                                         \
        vm_v128 r;                                                            \
        for (unsigned i = 0; i < 128 / (W); i++)                              \
            vm_v128_set_u##W(&r, i, (uint##W##_t)x);                          \
        return r;                                                             \
    }

VM_SIMD_SPLAT(vm_i8x16_splat, 8, uint32_t)
VM_SIMD_SPLAT(vm_i16x8_splat, 16, uint32_t)
VM_SIMD_SPLAT(vm_i32x4_splat, 32, uint32_t)
VM_SIMD_SPLAT(vm_i64x2_splat, 64, uint64_t)
VM_SIMD_SPLAT(vm_f32x4_splat, 32, uint32_t)
VM_SIMD_SPLAT(vm_f64x2_splat, 64, uint64_t)

/* ==== extract_lane and replace_lane =======================================
 * extract(a, lane) returns the lane as the result's slot value: i8/i16
 * lanes sign- or zero-extended to an i32, f32/f64 lanes as their bits.
 * replace(a, x, lane) stores x wrapped to the lane. */

static inline uint32_t vm_i8x16_extract_lane_s(vm_v128 a, unsigned lane)
{
    return (uint32_t)(int32_t)vm_s8(vm_v128_u8(&a, lane));
}

static inline uint32_t vm_i8x16_extract_lane_u(vm_v128 a, unsigned lane) { return vm_v128_u8(&a, lane); }

static inline uint32_t vm_i16x8_extract_lane_s(vm_v128 a, unsigned lane)
{
    return (uint32_t)(int32_t)vm_s16(vm_v128_u16(&a, lane));
}

static inline uint32_t vm_i16x8_extract_lane_u(vm_v128 a, unsigned lane) { return vm_v128_u16(&a, lane); }
static inline uint32_t vm_i32x4_extract_lane(vm_v128 a, unsigned lane) { return vm_v128_u32(&a, lane); }
static inline uint64_t vm_i64x2_extract_lane(vm_v128 a, unsigned lane) { return vm_v128_u64(&a, lane); }
static inline uint32_t vm_f32x4_extract_lane(vm_v128 a, unsigned lane) { return vm_v128_u32(&a, lane); }
static inline uint64_t vm_f64x2_extract_lane(vm_v128 a, unsigned lane) { return vm_v128_u64(&a, lane); }

#define VM_SIMD_REPLACE(NAME, W, SCALAR)                                      \
    static inline vm_v128 NAME(vm_v128 a, SCALAR x, unsigned lane)            \
    {                                                                         \
        vm_v128_set_u##W(&a, lane, (uint##W##_t)x);                           \
        return a;                                                             \
    }

VM_SIMD_REPLACE(vm_i8x16_replace_lane, 8, uint32_t)
VM_SIMD_REPLACE(vm_i16x8_replace_lane, 16, uint32_t)
VM_SIMD_REPLACE(vm_i32x4_replace_lane, 32, uint32_t)
VM_SIMD_REPLACE(vm_i64x2_replace_lane, 64, uint64_t)
VM_SIMD_REPLACE(vm_f32x4_replace_lane, 32, uint32_t)
VM_SIMD_REPLACE(vm_f64x2_replace_lane, 64, uint64_t)

/* ==== shuffle and swizzle ================================================= */

/* Byte i of the result is byte lanes[i] of the 32 bytes a then b. The
 * validator admits only indices below 32; others are taken modulo 32. */
static inline vm_v128 vm_i8x16_shuffle(vm_v128 a, vm_v128 b, vm_v128 lanes)
{
    vm_v128 r;
    for (unsigned i = 0; i < 16; i++) {
        unsigned k = lanes.bytes[i] & 31;
        r.bytes[i] = k < 16 ? a.bytes[k] : b.bytes[k - 16];
    }
    return r;
}

/* Byte i of the result is byte s[i] of a, or 0 where s[i] >= 16. */
static inline vm_v128 vm_i8x16_swizzle(vm_v128 a, vm_v128 s)
{
    vm_v128 r;
    for (unsigned i = 0; i < 16; i++)
        r.bytes[i] = s.bytes[i] < 16 ? a.bytes[s.bytes[i]] : 0;
    return r;
}

#endif
