/* interp_simd.h — the interpreter's handlers for the v128 operations: the
 * v128 forms of the value-moving special operations (opcodes.h) and one
 * handler per SIMD instruction, generated from opcodes_simd.h by kind.
 * The semantics are simd.h's functions; this file only moves operands
 * between slots and them. Included by interp.c inside vm_interpret(),
 * after its other handlers: it uses that function's registers (pc, fp,
 * inst, mem, mem_size) and macros (CASE, DISPATCH, TRAP, GET_I32).
 *
 * A v128 is two slots, low half first (code.h). Every handler reads all
 * its operands before it writes its result, which may share their slots.
 * None of them touches the accumulator: the translator never lets an
 * instruction read a v128 result from it, nor a scalar result of these
 * (it records no destination for them). */

#define V128_AT(s) vm_v128_from_halves(fp[s], fp[(s) + 1])
#define V128_PUT(s, v)                                                        \
    do {                                                                      \
        vm_v128 r_ = (v);                                                     \
        fp[s] = vm_v128_lo(r_);                                               \
        fp[(s) + 1] = vm_v128_hi(r_);                                         \
    } while (0)
/* 16 bytes from 4 code words: the low half's two words, the high half's. */
#define V128_IMM(p) vm_v128_from_halves((p)[0] | (uint64_t)(p)[1] << 32, (p)[2] | (uint64_t)(p)[3] << 32)

    CASE(COPY_V128) {
        uint64_t lo = fp[pc[2]], hi = fp[pc[2] + 1];
        fp[pc[1]] = lo;
        fp[pc[1] + 1] = hi;
        pc += 3;
        DISPATCH();
    }
    CASE(SELECT_V128) {
        uint32_t s = GET_I32(pc[4]) ? pc[2] : pc[3];
        uint64_t lo = fp[s], hi = fp[s + 1];
        fp[pc[1]] = lo;
        fp[pc[1] + 1] = hi;
        pc += 5;
        DISPATCH();
    }
    CASE(GLOBAL_GET_V128) {
        const vm_global *g = inst->globals[pc[2]];
        fp[pc[1]] = g->value[0];
        fp[pc[1] + 1] = g->value[1];
        pc += 3;
        DISPATCH();
    }
    CASE(GLOBAL_SET_V128) {
        vm_global *g = inst->globals[pc[2]];
        g->value[0] = fp[pc[1]];
        g->value[1] = fp[pc[1] + 1];
        pc += 3;
        DISPATCH();
    }

/* P ← where an access of SIZE bytes at ADDR + OFFSET lands in memory
 * pc[M] (memory 0 from the registers), or the out-of-bounds trap. */
#define SIMD_ACCESS(P, ADDR, OFFSET, M, SIZE)                                 \
    uint8_t *P;                                                               \
    do {                                                                      \
        const vm_memory *m_ = pc[M] ? inst->memories[pc[M]] : NULL;          \
        uint8_t *data_ = m_ ? m_->data : mem;                                 \
        uint64_t bytes_ = m_ ? m_->size : mem_size;                           \
        uint64_t ea_ = (uint64_t)(ADDR) + (OFFSET);                           \
        if (ea_ + (SIZE) > bytes_)                                            \
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);                               \
        P = data_ + ea_;                                                      \
    } while (0)

/* One handler per kind; operand words as opcodes.h lists them. */
#define SIMD_CONST(NAME, FN, ALIGN)                                           \
    CASE(NAME) { V128_PUT(pc[1], V128_IMM(pc + 2)); pc += 6; DISPATCH(); }
#define SIMD_SHUFFLE(NAME, FN, ALIGN)                                         \
    CASE(NAME) {                                                              \
        V128_PUT(pc[1], FN(V128_AT(pc[2]), V128_AT(pc[3]), V128_IMM(pc + 4))); \
        pc += 8;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_UNARY(NAME, FN, ALIGN)                                           \
    CASE(NAME) { V128_PUT(pc[1], FN(V128_AT(pc[2]))); pc += 3; DISPATCH(); }
#define SIMD_BINARY(NAME, FN, ALIGN)                                          \
    CASE(NAME) { V128_PUT(pc[1], FN(V128_AT(pc[2]), V128_AT(pc[3]))); pc += 4; DISPATCH(); }
#define SIMD_TERNARY(NAME, FN, ALIGN)                                         \
    CASE(NAME) {                                                              \
        V128_PUT(pc[1], FN(V128_AT(pc[2]), V128_AT(pc[3]), V128_AT(pc[4])));  \
        pc += 5;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_TEST(NAME, FN, ALIGN)                                            \
    CASE(NAME) { fp[pc[1]] = (uint32_t)FN(V128_AT(pc[2])); pc += 3; DISPATCH(); }
#define SIMD_SHIFT(NAME, FN, ALIGN)                                           \
    CASE(NAME) { V128_PUT(pc[1], FN(V128_AT(pc[2]), GET_I32(pc[3]))); pc += 4; DISPATCH(); }
/* Scalars as their slots hold them: 32-bit types in the low half. */
#define SIMD_SCALAR_I32(s) ((uint32_t)fp[s])
#define SIMD_SCALAR_F32(s) ((uint32_t)fp[s])
#define SIMD_SCALAR_I64(s) (fp[s])
#define SIMD_SCALAR_F64(s) (fp[s])
#define SIMD_SPLAT(NAME, FN, T)                                               \
    CASE(NAME) { V128_PUT(pc[1], FN(SIMD_SCALAR_##T(pc[2]))); pc += 3; DISPATCH(); }
#define SIMD_SPLAT_I32(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, I32)
#define SIMD_SPLAT_I64(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, I64)
#define SIMD_SPLAT_F32(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, F32)
#define SIMD_SPLAT_F64(NAME, FN, ALIGN) SIMD_SPLAT(NAME, FN, F64)
#define SIMD_EXTRACT(NAME, FN)                                                \
    CASE(NAME) { fp[pc[1]] = FN(V128_AT(pc[2]), pc[3]); pc += 4; DISPATCH(); }
#define SIMD_EXTRACT_I32(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_I64(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_F32(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_EXTRACT_F64(NAME, FN, ALIGN) SIMD_EXTRACT(NAME, FN)
#define SIMD_REPLACE(NAME, FN, T)                                             \
    CASE(NAME) {                                                              \
        V128_PUT(pc[1], FN(V128_AT(pc[2]), SIMD_SCALAR_##T(pc[3]), pc[4]));   \
        pc += 5;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_REPLACE_I32(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, I32)
#define SIMD_REPLACE_I64(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, I64)
#define SIMD_REPLACE_F32(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, F32)
#define SIMD_REPLACE_F64(NAME, FN, ALIGN) SIMD_REPLACE(NAME, FN, F64)
/* Memory: 1 << ALIGN bytes are accessed (the natural alignment's size). */
#define SIMD_LOAD(NAME, FN, ALIGN)                                            \
    CASE(NAME) {                                                              \
        SIMD_ACCESS(p_, GET_I32(pc[2]), pc[3], 4, 1u << (ALIGN));             \
        V128_PUT(pc[1], FN(p_));                                              \
        pc += 5;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_STORE(NAME, FN, ALIGN)                                           \
    CASE(NAME) {                                                              \
        SIMD_ACCESS(p_, GET_I32(pc[1]), pc[3], 4, 1u << (ALIGN));             \
        FN(p_, V128_AT(pc[2]));                                               \
        pc += 5;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_LOAD_LANE(NAME, FN, ALIGN)                                       \
    CASE(NAME) {                                                              \
        SIMD_ACCESS(p_, GET_I32(pc[2]), pc[4], 5, 1u << (ALIGN));             \
        V128_PUT(pc[1], FN(p_, V128_AT(pc[3]), pc[6]));                       \
        pc += 7;                                                              \
        DISPATCH();                                                           \
    }
#define SIMD_STORE_LANE(NAME, FN, ALIGN)                                      \
    CASE(NAME) {                                                              \
        SIMD_ACCESS(p_, GET_I32(pc[1]), pc[3], 4, 1u << (ALIGN));             \
        FN(p_, V128_AT(pc[2]), pc[5]);                                        \
        pc += 6;                                                              \
        DISPATCH();                                                           \
    }

#define SIMD_HANDLER(NAME, TEXT, SUBOP, KIND, LANES, ALIGN, FN) SIMD_##KIND(NAME, FN, ALIGN)
    VM_SIMD_OPS(SIMD_HANDLER)
#undef SIMD_HANDLER

#undef SIMD_CONST
#undef SIMD_SHUFFLE
#undef SIMD_UNARY
#undef SIMD_BINARY
#undef SIMD_TERNARY
#undef SIMD_TEST
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
