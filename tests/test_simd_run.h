/* test_simd_run.h — a template, not an ordinary header: it defines the
 * function SIMD_RUN_NAME, which runs one SIMD instruction by its text name
 * through the table of opcodes_simd.h, calling the function each entry
 * names as its kind says. Included by test_simd.c (simd.h as the engine
 * builds it) and by test_simd_portable.c (with VM_SIMD_PORTABLE), so every
 * case runs through both forms of the lane accessors. */
#include <stdbool.h>
#include <string.h>

#include "vm/opcodes_simd.h"
#include "vm/simd.h"

#ifndef SIMD_RUN_NAME
#error "define SIMD_RUN_NAME before including test_simd_run.h"
#endif

#define V(i) (in[i])
#define S32(i) vm_v128_u32(&in[i], 0)
#define S64(i) vm_v128_u64(&in[i], 0)
#define SCALAR(x) vm_v128_from_halves((uint64_t)(x), 0)

/* Memory instructions get exactly 1 << ALIGN bytes (a copy of the start
 * of in[0]) so the sanitizers catch an access beyond them; a store's
 * result is in[0] with those bytes replaced. */
#define MEM_IN(ALIGN) uint8_t mem[1 << (ALIGN)]; memcpy(mem, V(0).bytes, sizeof mem)
#define MEM_OUT() *out = V(0); memcpy(out->bytes, mem, sizeof mem)

#define RUN_CONST(FN, ALIGN)       *out = FN(V(0).bytes)
#define RUN_SHUFFLE(FN, ALIGN)     *out = FN(V(0), V(1), V(2))
#define RUN_UNARY(FN, ALIGN)       *out = FN(V(0))
#define RUN_BINARY(FN, ALIGN)      *out = FN(V(0), V(1))
#define RUN_TERNARY(FN, ALIGN)     *out = FN(V(0), V(1), V(2))
#define RUN_TEST(FN, ALIGN)        *out = SCALAR(FN(V(0)))
#define RUN_SHIFT(FN, ALIGN)       *out = FN(V(0), S32(1))
#define RUN_SPLAT_I32(FN, ALIGN)   *out = FN(S32(0))
#define RUN_SPLAT_F32(FN, ALIGN)   *out = FN(S32(0))
#define RUN_SPLAT_I64(FN, ALIGN)   *out = FN(S64(0))
#define RUN_SPLAT_F64(FN, ALIGN)   *out = FN(S64(0))
#define RUN_EXTRACT_I32(FN, ALIGN) *out = SCALAR(FN(V(0), lane))
#define RUN_EXTRACT_F32(FN, ALIGN) *out = SCALAR(FN(V(0), lane))
#define RUN_EXTRACT_I64(FN, ALIGN) *out = SCALAR(FN(V(0), lane))
#define RUN_EXTRACT_F64(FN, ALIGN) *out = SCALAR(FN(V(0), lane))
#define RUN_REPLACE_I32(FN, ALIGN) *out = FN(V(0), S32(1), lane)
#define RUN_REPLACE_F32(FN, ALIGN) *out = FN(V(0), S32(1), lane)
#define RUN_REPLACE_I64(FN, ALIGN) *out = FN(V(0), S64(1), lane)
#define RUN_REPLACE_F64(FN, ALIGN) *out = FN(V(0), S64(1), lane)
#define RUN_LOAD(FN, ALIGN)        { MEM_IN(ALIGN); *out = FN(mem); }
#define RUN_STORE(FN, ALIGN)       { MEM_IN(ALIGN); FN(mem, V(1)); MEM_OUT(); }
#define RUN_LOAD_LANE(FN, ALIGN)   { MEM_IN(ALIGN); *out = FN(mem, V(1), lane); }
#define RUN_STORE_LANE(FN, ALIGN)  { MEM_IN(ALIGN); FN(mem, V(1), lane); MEM_OUT(); }

/* Runs the instruction `name` on the operands in[] (stack order; up to
 * three; scalars in lane 0); false for an unknown name, or a lane given
 * to an instruction without lane immediate, missing from one with, or
 * out of its range. */
bool SIMD_RUN_NAME(const char *name, bool has_lane, unsigned lane, const vm_v128 in[3], vm_v128 *out)
{
#define RUN(NAME, TEXT, SUBOP, KIND, LANES, ALIGN, FN)                 \
    if (strcmp(name, TEXT) == 0) {                                     \
        unsigned bound = (LANES) <= 16 ? (LANES) : 0;                  \
        if (has_lane != (bound > 0) || (has_lane && lane >= bound))    \
            return false;                                              \
        RUN_##KIND(FN, ALIGN);                                         \
        return true;                                                   \
    }
    VM_SIMD_OPS(RUN)
#undef RUN
    return false;
}
