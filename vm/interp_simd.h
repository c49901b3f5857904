/* interp_simd.h — the v128 part of the interpreter: the v128 forms of
 * the value-moving special operations (opcodes.h) and one handler per
 * SIMD instruction, generated from opcodes_simd.h by kind. The semantics
 * are simd.h's functions; the handlers only move operands between slots
 * and them. Included by interp.c, before vm_interpret().
 *
 * They run in a function of their own, vm_interpret_v128(), which
 * vm_interpret() enters at the first v128 instruction and which returns
 * at the first other one: the scalar handlers' register allocation stays
 * theirs alone (with the v128 handlers inside vm_interpret(), GCC spilled
 * the call path's frame pointer: fib +2.9% instructions), and a run of
 * SIMD instructions dispatches without going back. No v128 instruction
 * charges fuel, suspends or calls, so nothing else needs to cross.
 *
 * A v128 is two slots, low half first (code.h). Every handler reads all
 * its operands before it writes its result, which may share their slots.
 * None of them touches the accumulator: the translator never lets an
 * instruction read a v128 result from it, nor a scalar result of these
 * (it records no destination for them). */
#ifndef WIPPY_VM_INTERP_SIMD_H
#define WIPPY_VM_INTERP_SIMD_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/layouts.h"
#include "vm/runtime.h"
#include "vm/simd.h"

/* Runs v128 instructions from pc on, in the frame fp of instance inst,
 * up to the first instruction that is not one: returns where that is. On
 * an out-of-bounds access (their only trap) returns the trapping
 * instruction and sets *trapped. */
static __attribute__((noinline)) const uint32_t *
vm_interpret_v128(uint64_t *fp, const uint32_t *pc, vm_instance *inst, bool *trapped)
{
    /* Memory 0, which nearly every access uses, in registers (no v128
     * instruction can grow a memory); other memories by their index. */
    vm_memory *memory = inst->module->nmemories ? inst->memories[0] : NULL;
    uint8_t *mem = memory ? memory->data : NULL;
    uint64_t mem_size = memory ? memory->size : 0;
#define V128_FIRST VM_OP_COPY_V128   /* the v128 opcodes end the enumeration */
#ifdef VM_COMPUTED_GOTO
#define VM_OPCODE(NAME, LAYOUT) [VM_OP_##NAME - V128_FIRST] = &&V_##NAME,
    static const void *const labels[VM_OP_COUNT - V128_FIRST] = { VM_V128_OPCODES };
#undef VM_OPCODE
#define V128_CASE(NAME) V_##NAME:
#define V128_DISPATCH()                                                       \
    do {                                                                      \
        if (*pc < V128_FIRST)                                                 \
            return pc;                                                        \
        goto *labels[*pc - V128_FIRST];                                       \
    } while (0)
#else
#define V128_CASE(NAME) case VM_OP_##NAME:
#define V128_DISPATCH() goto dispatch
#endif
#define V128_I32(s) ((uint32_t)fp[s])
#define V128_TRAP()                                                           \
    do {                                                                      \
        *trapped = true;                                                      \
        return pc;                                                            \
    } while (0)

#define V128_AT(s) vm_v128_from_halves(fp[s], fp[(s) + 1])
#define V128_PUT(s, v)                                                        \
    do {                                                                      \
        vm_v128 r_ = (v);                                                     \
        fp[s] = vm_v128_lo(r_);                                               \
        fp[(s) + 1] = vm_v128_hi(r_);                                         \
    } while (0)
/* 16 bytes from 4 code words: the low half's two words, the high half's. */
#define V128_IMM(p) vm_v128_from_halves((p)[0] | (uint64_t)(p)[1] << 32, (p)[2] | (uint64_t)(p)[3] << 32)

    V128_DISPATCH();
#ifndef VM_COMPUTED_GOTO
dispatch:
    switch ((vm_opcode)*pc) {
#endif

    V128_CASE(COPY_V128) {
        OPERANDS(COPY_V128);
        uint64_t lo = fp[o->src], hi = fp[o->src + 1];
        fp[o->dst] = lo;
        fp[o->dst + 1] = hi;
        pc = NEXT(COPY_V128);
        V128_DISPATCH();
    }
    V128_CASE(SELECT_V128) {
        OPERANDS(SELECT_V128);
        uint32_t s = (uint32_t)fp[o->cond] ? o->a : o->b;
        uint64_t lo = fp[s], hi = fp[s + 1];
        fp[o->dst] = lo;
        fp[o->dst + 1] = hi;
        pc = NEXT(SELECT_V128);
        V128_DISPATCH();
    }
    V128_CASE(GLOBAL_GET_V128) {
        OPERANDS(GLOBAL_GET_V128);
        const vm_global *g = inst->globals[o->global];
        fp[o->dst] = g->value[0];
        fp[o->dst + 1] = g->value[1];
        pc = NEXT(GLOBAL_GET_V128);
        V128_DISPATCH();
    }
    V128_CASE(GLOBAL_SET_V128) {
        OPERANDS(GLOBAL_SET_V128);
        vm_global *g = inst->globals[o->global];
        g->value[0] = fp[o->src];
        g->value[1] = fp[o->src + 1];
        pc = NEXT(GLOBAL_SET_V128);
        V128_DISPATCH();
    }

/* P ← where an access of SIZE bytes at ADDR + OFFSET lands in memory
 * MEMORY (memory 0 from the registers), or the out-of-bounds trap. */
#define SIMD_ACCESS(P, ADDR, OFFSET, MEMORY, SIZE)                            \
    uint8_t *P;                                                               \
    do {                                                                      \
        const vm_memory *m_ = (MEMORY) ? inst->memories[MEMORY] : NULL;       \
        uint8_t *data_ = m_ ? m_->data : mem;                                 \
        uint64_t bytes_ = m_ ? m_->size : mem_size;                           \
        uint64_t ea_ = (uint64_t)(ADDR) + (OFFSET);                           \
        if (ea_ + (SIZE) > bytes_)                                            \
            V128_TRAP();                                                      \
        P = data_ + ea_;                                                      \
    } while (0)

/* One handler per kind, its operands named as its layout (layouts.h,
 * SIMD_KIND) names them: o->dst and so on. */
#define SIMD_HANDLER_OF(NAME, ...)                                            \
    V128_CASE(NAME) {                                                         \
        OPERANDS(NAME);                                                       \
        __VA_ARGS__;                                                          \
        pc = NEXT(NAME);                                                      \
        V128_DISPATCH();                                                      \
    }
#define SIMD_CONST(NAME, FN, ALIGN) SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, V128_IMM(o->value)))
#define SIMD_SHUFFLE(NAME, FN, ALIGN) \
    SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a), V128_AT(o->b), V128_IMM(o->lanes))))
#define SIMD_UNARY(NAME, FN, ALIGN) SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a))))
#define SIMD_BINARY(NAME, FN, ALIGN) SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a), V128_AT(o->b))))
#define SIMD_TERNARY(NAME, FN, ALIGN) \
    SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a), V128_AT(o->b), V128_AT(o->c))))
#define SIMD_TEST(NAME, FN, ALIGN) SIMD_HANDLER_OF(NAME, fp[o->dst] = (uint32_t)FN(V128_AT(o->a)))
#define SIMD_SHIFT(NAME, FN, ALIGN) SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a), V128_I32(o->b))))
/* Scalars as their slots hold them: 32-bit types in the low half. */
#define SIMD_SCALAR_I32(s) ((uint32_t)fp[s])
#define SIMD_SCALAR_F32(s) ((uint32_t)fp[s])
#define SIMD_SCALAR_I64(s) (fp[s])
#define SIMD_SCALAR_F64(s) (fp[s])
#define SIMD_SPLAT(NAME, FN, T) SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(SIMD_SCALAR_##T(o->x))))
#define SIMD_SPLAT_I32(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, I32)
#define SIMD_SPLAT_I64(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, I64)
#define SIMD_SPLAT_F32(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, F32)
#define SIMD_SPLAT_F64(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, F64)
#define SIMD_EXTRACT(NAME, FN) SIMD_HANDLER_OF(NAME, fp[o->dst] = FN(V128_AT(o->a), o->lane))
#define SIMD_EXTRACT_I32(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_I64(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_F32(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_F64(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_REPLACE(NAME, FN, T) \
    SIMD_HANDLER_OF(NAME, V128_PUT(o->dst, FN(V128_AT(o->a), SIMD_SCALAR_##T(o->x), o->lane)))
#define SIMD_REPLACE_I32(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, I32)
#define SIMD_REPLACE_I64(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, I64)
#define SIMD_REPLACE_F32(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, F32)
#define SIMD_REPLACE_F64(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, F64)
/* Memory: 1 << ALIGN bytes are accessed (the natural alignment's size). */
#define SIMD_LOAD(NAME, FN, ALIGN)                                            \
    SIMD_HANDLER_OF(NAME, SIMD_ACCESS(p_, V128_I32(o->addr), o->offset, o->memory, 1u << (ALIGN)); \
                    V128_PUT(o->dst, FN(p_)))
#define SIMD_STORE(NAME, FN, ALIGN)                                           \
    SIMD_HANDLER_OF(NAME, SIMD_ACCESS(p_, V128_I32(o->addr), o->offset, o->memory, 1u << (ALIGN)); \
                    FN(p_, V128_AT(o->value)))
#define SIMD_LOAD_LANE(NAME, FN, ALIGN)                                       \
    SIMD_HANDLER_OF(NAME, SIMD_ACCESS(p_, V128_I32(o->addr), o->offset, o->memory, 1u << (ALIGN)); \
                    V128_PUT(o->dst, FN(p_, V128_AT(o->a), o->lane)))
#define SIMD_STORE_LANE(NAME, FN, ALIGN)                                      \
    SIMD_HANDLER_OF(NAME, SIMD_ACCESS(p_, V128_I32(o->addr), o->offset, o->memory, 1u << (ALIGN)); \
                    FN(p_, V128_AT(o->a), o->lane))

/* The handlers; kinds as opcodes_simd.h lists them. */
#define SIMD_HANDLER(NAME, TEXT, SUBOP, KIND, LANES, ALIGN, FN) SIMD_##KIND(NAME, FN, ALIGN)
    VM_SIMD_OPS(SIMD_HANDLER)
#undef SIMD_HANDLER

#undef SIMD_CONST
#undef SIMD_SHUFFLE
#undef SIMD_UNARY
#undef SIMD_BINARY
#undef SIMD_TERNARY
#undef SIMD_TEST
#undef SIMD_HANDLER_OF
#undef SIMD_SHIFT
#undef SIMD_SCALAR_I32
#undef SIMD_SCALAR_F32
#undef SIMD_SCALAR_I64
#undef SIMD_SCALAR_F64
#undef SIMD_SPLAT
#undef SIMD_SPLAT_I32
#undef SIMD_SPLAT_I64
#undef SIMD_SPLAT_F32
#undef SIMD_SPLAT_F64
#undef SIMD_EXTRACT
#undef SIMD_EXTRACT_I32
#undef SIMD_EXTRACT_I64
#undef SIMD_EXTRACT_F32
#undef SIMD_EXTRACT_F64
#undef SIMD_REPLACE
#undef SIMD_REPLACE_I32
#undef SIMD_REPLACE_I64
#undef SIMD_REPLACE_F32
#undef SIMD_REPLACE_F64
#undef SIMD_LOAD
#undef SIMD_STORE
#undef SIMD_LOAD_LANE
#undef SIMD_STORE_LANE
#undef SIMD_ACCESS
#undef V128_AT
#undef V128_PUT
#undef V128_IMM
#undef V128_I32
#undef V128_TRAP
#undef V128_CASE
#undef V128_DISPATCH
#undef V128_FIRST
#ifndef VM_COMPUTED_GOTO
    default:
        return pc;   /* not a v128 instruction */
    }
#endif
}

#endif
