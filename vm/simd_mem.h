/* simd_mem.h — the value side of the v128 memory instructions: each helper
 * takes the bytes the instruction reads (or the place it writes), never
 * the memory itself. The interpreter checks bounds for the access size
 * (1 << natural alignment, given in opcodes_simd.h) and passes
 * `memory + effective address`. Bytes are little-endian, as wasm's memory
 * is, on every host. Part of simd.h. */
#ifndef WIPPY_VM_SIMD_MEM_H
#define WIPPY_VM_SIMD_MEM_H

#include <string.h>

#include "vm/simd_int.h"
#include "vm/simd_lanes.h"

/* v128.load and v128.const: 16 bytes. v128.store: 16 bytes. */
static inline vm_v128 vm_v128_load(const uint8_t *p)
{
    vm_v128 r;
    memcpy(r.bytes, p, 16);
    return r;
}

static inline void vm_v128_store(uint8_t *p, vm_v128 v) { memcpy(p, v.bytes, 16); }

/* load8x8, load16x4, load32x2: 8 bytes, each lane extended to twice its
 * width — the extend_low instruction applied to those bytes. */
static inline vm_v128 vm_v128_load_low8(const uint8_t *p)
{
    vm_v128 r = vm_v128_zero();
    memcpy(r.bytes, p, 8);
    return r;
}

static inline vm_v128 vm_v128_load8x8_s(const uint8_t *p) { return vm_i16x8_extend_low_i8x16_s(vm_v128_load_low8(p)); }
static inline vm_v128 vm_v128_load8x8_u(const uint8_t *p) { return vm_i16x8_extend_low_i8x16_u(vm_v128_load_low8(p)); }
static inline vm_v128 vm_v128_load16x4_s(const uint8_t *p) { return vm_i32x4_extend_low_i16x8_s(vm_v128_load_low8(p)); }
static inline vm_v128 vm_v128_load16x4_u(const uint8_t *p) { return vm_i32x4_extend_low_i16x8_u(vm_v128_load_low8(p)); }
static inline vm_v128 vm_v128_load32x2_s(const uint8_t *p) { return vm_i64x2_extend_low_i32x4_s(vm_v128_load_low8(p)); }
static inline vm_v128 vm_v128_load32x2_u(const uint8_t *p) { return vm_i64x2_extend_low_i32x4_u(vm_v128_load_low8(p)); }

/* load8/16/32/64_splat: one lane's bytes, in every lane. */
static inline vm_v128 vm_v128_load8_splat(const uint8_t *p) { return vm_i8x16_splat(p[0]); }
static inline vm_v128 vm_v128_load16_splat(const uint8_t *p) { return vm_i16x8_splat(vm_le16(p)); }
static inline vm_v128 vm_v128_load32_splat(const uint8_t *p) { return vm_i32x4_splat(vm_le32(p)); }
static inline vm_v128 vm_v128_load64_splat(const uint8_t *p) { return vm_i64x2_splat(vm_le64(p)); }

/* load32_zero, load64_zero: lane 0 from memory, the other bytes zero. */
static inline vm_v128 vm_v128_load32_zero(const uint8_t *p) { return vm_i32x4_replace_lane(vm_v128_zero(), vm_le32(p), 0); }
static inline vm_v128 vm_v128_load64_zero(const uint8_t *p) { return vm_i64x2_replace_lane(vm_v128_zero(), vm_le64(p), 0); }

/* load8/16/32/64_lane: a with one lane replaced from memory. */
static inline vm_v128 vm_v128_load8_lane(const uint8_t *p, vm_v128 a, unsigned lane) { return vm_i8x16_replace_lane(a, p[0], lane); }
static inline vm_v128 vm_v128_load16_lane(const uint8_t *p, vm_v128 a, unsigned lane) { return vm_i16x8_replace_lane(a, vm_le16(p), lane); }
static inline vm_v128 vm_v128_load32_lane(const uint8_t *p, vm_v128 a, unsigned lane) { return vm_i32x4_replace_lane(a, vm_le32(p), lane); }
static inline vm_v128 vm_v128_load64_lane(const uint8_t *p, vm_v128 a, unsigned lane) { return vm_i64x2_replace_lane(a, vm_le64(p), lane); }

/* store8/16/32/64_lane: one lane of a to memory. */
static inline void vm_v128_store8_lane(uint8_t *p, vm_v128 a, unsigned lane) { p[0] = vm_v128_u8(&a, lane); }
static inline void vm_v128_store16_lane(uint8_t *p, vm_v128 a, unsigned lane) { vm_put_le16(p, vm_v128_u16(&a, lane)); }
static inline void vm_v128_store32_lane(uint8_t *p, vm_v128 a, unsigned lane) { vm_put_le32(p, vm_v128_u32(&a, lane)); }
static inline void vm_v128_store64_lane(uint8_t *p, vm_v128 a, unsigned lane) { vm_put_le64(p, vm_v128_u64(&a, lane)); }

#endif
