/* interp_pure.h — the bodies of the instructions that only compute: no
 * memory, no branch, no trap. Each is a function body_NAME(pc, fp, &acc)
 * that does the instruction at pc and returns where the next one starts;
 * the interpreter's handler for NAME is that one call, and a pair
 * superinstruction (VM_PAIRS in opcodes.h) is two calls in a row with no
 * dispatch between them. The functions are always inlined, so the
 * accumulator stays in a register across both.
 *
 * Included by interp.c only, after its slot and immediate macros. */
#ifndef WIPPY_VM_INTERP_PURE_H
#define WIPPY_VM_INTERP_PURE_H

#if defined(__GNUC__) || defined(__clang__)
#define PURE_BODY static inline __attribute__((always_inline)) const uint32_t *
#else
#define PURE_BODY static inline const uint32_t *
#endif

/* Parameters pc, fp, accp: acc is a copy the slot macros write, put back
 * at the end. */
#define BODY_START(NAME) \
    PURE_BODY body_##NAME(const uint32_t *pc, uint64_t *fp, uint64_t *accp) { uint64_t acc = *accp;
#define BODY_END(WORDS) *accp = acc; return pc + (WORDS); }

BODY_START(COPY) fp[pc[1]] = acc = fp[pc[2]]; BODY_END(3)
BODY_START(COPY2) fp[pc[1]] = fp[pc[2]]; fp[pc[3]] = acc = fp[pc[4]]; BODY_END(5)
BODY_START(CONST32) fp[pc[1]] = acc = pc[2]; BODY_END(3)
BODY_START(CONST64) fp[pc[1]] = acc = pc[2] | (uint64_t)pc[3] << 32; BODY_END(4)
BODY_START(SELECT) fp[pc[1]] = acc = GET_I32(pc[4]) ? fp[pc[2]] : fp[pc[3]]; BODY_END(5)

/* Each binary operation with b from a slot or an immediate, a from a slot
 * or the accumulator (_A). */
#define BINOP_BODY(LABEL, IN, OUT, EXPR, A, B, WORDS) \
    BODY_START(LABEL) CTYPE_##IN a = A, b = B; SET_##OUT(pc[1], EXPR); BODY_END(WORDS)
#define BINOP_BODIES(NAME, IN, OUT, EXPR)                                                    \
    BINOP_BODY(NAME, IN, OUT, EXPR, GET_##IN(pc[2]), GET_##IN(pc[3]), 4)                      \
    BINOP_BODY(NAME##_IMM, IN, OUT, EXPR, GET_##IN(pc[2]), IMM_##IN(pc + 3), 3 + IMM_WORDS_##IN) \
    BINOP_BODY(NAME##_A, IN, OUT, EXPR, ACC_##IN, GET_##IN(pc[3]), 4)                         \
    BINOP_BODY(NAME##_A_IMM, IN, OUT, EXPR, ACC_##IN, IMM_##IN(pc + 3), 3 + IMM_WORDS_##IN)
#define BINOP_ENTRY(NAME, CODE, IN, OUT, EXPR) BINOP_BODIES(NAME, IN, OUT, EXPR)
#define COMPARE_ENTRY(NAME, CODE, T, EXPR, ...) BINOP_BODIES(NAME, T, I32, EXPR)
VM_BINOPS(BINOP_ENTRY)
VM_COMPARES(COMPARE_ENTRY)
#undef BINOP_ENTRY
#undef COMPARE_ENTRY
#undef BINOP_BODIES
#undef BINOP_BODY

#define UNOP_BODY(NAME, CODE, IN, OUT, EXPR) \
    BODY_START(NAME) CTYPE_##IN a = GET_##IN(pc[2]); SET_##OUT(pc[1], EXPR); BODY_END(3)
VM_UNOPS(UNOP_BODY)
VM_UNOPS_SAT(UNOP_BODY)
#undef UNOP_BODY

#undef BODY_START
#undef BODY_END
#undef PURE_BODY

#endif
