/* simd.h — the exact, portable semantics of every WebAssembly 2.0 SIMD
 * instruction, as static inline functions over vm_v128 values, for the
 * interpreter (the instruction list with encodings is opcodes_simd.h).
 * Plain C11 on every host: no intrinsics, the same results whatever the
 * byte order (lanes are read with a memcpy where the host is known to be
 * little-endian, with shifts elsewhere or under VM_SIMD_PORTABLE), no
 * undefined or implementation-defined behaviour; float lanes follow the
 * scalar instructions' rules through numeric.h. Depends on libc only.
 *
 * The parts:
 *   simd_lanes.h  the vm_v128 type (16 bytes in memory order), lane
 *                 accessors, generator macros; bitwise ops, any_true,
 *                 splat, extract/replace lane, shuffle, swizzle
 *   simd_int.h    integer lanes: arithmetic, saturation, min/max,
 *                 comparisons, all_true/bitmask, shifts, widening, narrowing
 *   simd_float.h  float lanes and the float <-> integer conversions
 *   simd_mem.h    loads and stores, given the bytes rather than the memory
 *
 * Function names are the instruction's text name with '.' as '_'
 * (i8x16.add_sat_s → vm_i8x16_add_sat_s); the argument conventions are
 * described with the kinds at the top of opcodes_simd.h. */
#ifndef WIPPY_VM_SIMD_H
#define WIPPY_VM_SIMD_H

#include "vm/simd_lanes.h"
#include "vm/simd_int.h"
#include "vm/simd_float.h"
#include "vm/simd_mem.h"

#endif
