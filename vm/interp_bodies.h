/* interp_bodies.h — the bodies of the instructions that run straight
 * through: they compute, access memory 0 (or the memory they are given)
 * or branch — which only picks the next instruction — and the only way
 * they can fail is a memory access out of bounds. Each is a function
 * body_NAME(pc, fp, &acc, mem, mem_size, code) that does the instruction
 * at pc and returns where the next one starts, or NULL when the access is
 * out of bounds. The interpreter's handler for NAME is that one call
 * (with the fuel a branch back charges); a group superinstruction
 * (VM_PAIRS, VM_TRIPLES, VM_QUADS in opcodes.h) is two to four calls in a
 * row with no dispatch between them (in a C loop, if the group is a whole
 * loop). The functions are always inlined, so the accumulator stays in a
 * register across a group, and a body that cannot fail has its NULL check
 * folded away. The stores and the LOOP_ tails take their operands from
 * store_operands_of() and loop_operands_of(), which a counted store loop
 * (interp.c) reads too.
 *
 * Included by interp.c only, after its slot and immediate macros. */
#ifndef WIPPY_VM_INTERP_BODIES_H
#define WIPPY_VM_INTERP_BODIES_H

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif
#define PURE_BODY ALWAYS_INLINE const uint32_t *

/* Parameters pc, fp, accp, mem, mem_size: acc is a copy the slot macros
 * write, put back at the end. */
#define BODY_START(NAME)                                                                     \
    PURE_BODY body_##NAME(const uint32_t *pc, uint64_t *fp, uint64_t *accp, uint8_t *mem,   \
                          uint64_t mem_size, const uint32_t *code)                           \
    {                                                                                        \
        uint64_t acc = *accp;                                                                \
        (void)fp;                                                                            \
        (void)mem;                                                                           \
        (void)mem_size;                                                                      \
        (void)code;
#define BODY_END(WORDS) *accp = acc; return pc + (WORDS); }
/* Sets *ea to the effective address addr + offset (a 33-bit sum) of an
 * access of `bytes` bytes, and says whether the access is inside memory:
 * the one bounds check of scalar memory accesses (the bodies' and a
 * counted store loop's). EFFECTIVE_ADDRESS is it in a body, which then
 * returns NULL. */
ALWAYS_INLINE bool effective_address(uint32_t addr, uint32_t offset, uint64_t bytes, uint64_t mem_size,
                                     uint64_t *ea)
{
    *ea = (uint64_t)addr + offset;
    return *ea + bytes <= mem_size;
}
#define EFFECTIVE_ADDRESS(ea, ADDR, OFFSET, BYTES)                                           \
    uint64_t ea;                                                                             \
    if (!effective_address((ADDR), (OFFSET), (BYTES), mem_size, &ea))                        \
        return NULL;

BODY_START(COPY) fp[pc[1]] = acc = fp[pc[2]]; BODY_END(3)
BODY_START(COPY2) fp[pc[1]] = fp[pc[2]]; fp[pc[3]] = acc = fp[pc[4]]; BODY_END(5)
BODY_START(CONST32) fp[pc[1]] = acc = pc[2]; BODY_END(3)
BODY_START(CONST64) fp[pc[1]] = acc = pc[2] | (uint64_t)pc[3] << 32; BODY_END(4)
/* select: both operands are read first, so the choice compiles to a
 * conditional move — the condition is often data the branch predictor
 * cannot guess (a sort's compare). */
BODY_START(SELECT)
uint64_t x = fp[pc[2]], y = fp[pc[3]];
fp[pc[1]] = acc = GET_I32(pc[4]) ? x : y;
BODY_END(5)

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

/* Loads and stores, each also in an _ADD form whose address is (a + add)
 * mod 2^32 (the i32.add that computed it, folded in) and an _IDX form
 * whose address is (base + (index << shift)) mod 2^32; stores also with
 * the value an immediate (_IMM). */
#define ADDR_PLAIN(p) GET_I32((p)[0])
#define ADDR_ADD(p) (uint32_t)(GET_I32((p)[0]) + (p)[1])
#define ADDR_IDX(p) (uint32_t)(GET_I32((p)[0]) + (GET_I32((p)[1]) << (p)[2]))
#define LOAD_BODY(LABEL, T, CTYPE, ADDR, OFFSET, WORDS)                                      \
    BODY_START(LABEL)                                                                        \
    CTYPE v;                                                                                 \
    EFFECTIVE_ADDRESS(ea, ADDR, OFFSET, sizeof v)                                            \
    memcpy(&v, mem + ea, sizeof v);                                                          \
    fp[pc[1]] = acc = (BITS_##T)v;                                                           \
    BODY_END(WORDS)
#define LOAD_BODIES(NAME, CODE, T, CTYPE, ALIGN)                                             \
    LOAD_BODY(NAME, T, CTYPE, ADDR_PLAIN(pc + 2), pc[3], 4)                                  \
    LOAD_BODY(NAME##_ADD, T, CTYPE, ADDR_ADD(pc + 2), pc[4], 5)                              \
    LOAD_BODY(NAME##_IDX, T, CTYPE, ADDR_IDX(pc + 2), pc[5], 6)
VM_LOADS(LOAD_BODIES)
#undef LOAD_BODIES
#undef LOAD_BODY
/* A store's operands: the address is (a + (i << shift)) mod 2^32 for the
 * _IDX forms and (a + add) mod 2^32 for the others (add is 0 for the plain
 * ones), a and i slots, then + offset; the value is slot v's, or the
 * immediate (the _IMM forms). store_operands_of(op, pc) is the one place
 * that knows where they sit in each form's words; the store bodies and a
 * counted store loop (interp.c) both take them from it. */
typedef struct {
    bool indexed, from_slot;
    uint32_t a, i, shift, add, offset, v, words;
    uint64_t imm;
} store_operands;
#define STORE_FORMS(NAME, T)                                                                 \
    FORM(NAME, false, true, pc[1], 0, 0, 0, pc[3], pc[2], 0, 4)                              \
    FORM(NAME##_ADD, false, true, pc[1], 0, 0, pc[2], pc[4], pc[3], 0, 5)                    \
    FORM(NAME##_IDX, true, true, pc[1], pc[2], pc[3], 0, pc[5], pc[4], 0, 6)                 \
    FORM(NAME##_IMM, false, false, pc[1], 0, 0, 0, pc[2], 0, IMM_BITS_##T(pc + 3),          \
         3 + IMM_WORDS_##T)                                                                  \
    FORM(NAME##_ADD_IMM, false, false, pc[1], 0, 0, pc[2], pc[3], 0, IMM_BITS_##T(pc + 4),  \
         4 + IMM_WORDS_##T)                                                                  \
    FORM(NAME##_IDX_IMM, true, false, pc[1], pc[2], pc[3], 0, pc[4], 0, IMM_BITS_##T(pc + 5), \
         5 + IMM_WORDS_##T)
ALWAYS_INLINE store_operands store_operands_of(vm_opcode op, const uint32_t *pc)
{
    switch (op) {
#define FORM(LABEL, INDEXED, FROM_SLOT, A, I, SHIFT, ADD, OFFSET, V, IMM, WORDS)             \
    case VM_OP_##LABEL:                                                                      \
        return (store_operands){ INDEXED, FROM_SLOT, A, I, SHIFT, ADD, OFFSET, V, WORDS, IMM };
#define STORE_CASES(NAME, CODE, T, ...) STORE_FORMS(NAME, T)
    VM_STORES(STORE_CASES)
#undef STORE_CASES
#undef FORM
    default:
        return (store_operands){ 0 };
    }
}
/* Is op a store (of any form), and how many bytes does it write? */
ALWAYS_INLINE unsigned store_size(vm_opcode op)
{
    switch (op) {
#define FORM(LABEL, ...) case VM_OP_##LABEL:
#define STORE_CASES(NAME, CODE, T, CTYPE, ...) STORE_FORMS(NAME, T) return sizeof(CTYPE);
    VM_STORES(STORE_CASES)
#undef STORE_CASES
#undef FORM
    default:
        return 0;
    }
}
/* Writes the low store_size(op) bytes of bits at `at`. */
ALWAYS_INLINE void store_bits(vm_opcode op, uint8_t *at, uint64_t bits)
{
    switch (op) {
#define FORM(LABEL, ...) case VM_OP_##LABEL:
#define STORE_CASES(NAME, CODE, T, CTYPE, ...)                                               \
    STORE_FORMS(NAME, T) {                                                                   \
        CTYPE v = (CTYPE)bits;                                                               \
        memcpy(at, &v, sizeof v);                                                            \
        return;                                                                              \
    }
    VM_STORES(STORE_CASES)
#undef STORE_CASES
#undef FORM
    default:
        return;
    }
}
#define FORM(LABEL, ...)                                                                     \
    BODY_START(LABEL)                                                                        \
    store_operands o = store_operands_of(VM_OP_##LABEL, pc);                                 \
    uint32_t addr = GET_I32(o.a) + (o.indexed ? GET_I32(o.i) << o.shift : o.add);            \
    EFFECTIVE_ADDRESS(ea, addr, o.offset, store_size(VM_OP_##LABEL))                         \
    store_bits(VM_OP_##LABEL, mem + ea, o.from_slot ? fp[o.v] : o.imm);                      \
    BODY_END(o.words)
#define STORE_BODIES(NAME, CODE, T, ...) STORE_FORMS(NAME, T)
VM_STORES(STORE_BODIES)
#undef STORE_BODIES
#undef FORM
#undef STORE_FORMS

/* A binary operation whose b is loaded from memory at ((addr + add) mod
 * 2^32) + offset (_M); the _RMW form stores the result back there (same
 * type, same place: one bounds check covers both). */
#define LOADED_OPERAND(IN, OUT, EXPR)                                                        \
    BITS_##IN bits;                                                                          \
    EFFECTIVE_ADDRESS(ea, ADDR_ADD(pc + 3), pc[5], sizeof bits)                              \
    memcpy(&bits, mem + ea, sizeof bits);                                                    \
    CTYPE_##IN a = GET_##IN(pc[2]), b = FROM_BITS_##IN(bits);                                \
    SET_##OUT(pc[1], EXPR);
#define M_BINOP(NAME, CODE, IN, OUT, EXPR) BODY_START(NAME##_M) LOADED_OPERAND(IN, OUT, EXPR) BODY_END(6)
#define M_COMPARE(NAME, CODE, T, EXPR, ...) BODY_START(NAME##_M) LOADED_OPERAND(T, I32, EXPR) BODY_END(6)
VM_BINOPS(M_BINOP)
VM_COMPARES(M_COMPARE)
#undef M_BINOP
#undef M_COMPARE
#define RMW_BODY(NAME, CODE, IN, OUT, EXPR)                                                  \
    BODY_START(NAME##_RMW)                                                                   \
    LOADED_OPERAND(IN, OUT, EXPR)                                                            \
    bits = (BITS_##IN)acc;                                                                   \
    memcpy(mem + ea, &bits, sizeof bits);                                                    \
    BODY_END(6)
VM_ARITH_BINOPS(RMW_BODY)
#undef RMW_BODY
#undef LOADED_OPERAND
#undef ADDR_PLAIN
#undef ADDR_ADD
#undef ADDR_IDX

/* Branches (a group may end with one): the next instruction is the
 * target (code + a target word) or the one after. The _BACK forms go to
 * a loop head and the interpreter charges them fuel when taken (a target
 * back is never after the branch); the LOOP_ forms, a loop counter's
 * i32.add and the compare-and-branch back, need fuel before they start
 * (see vm_fuel_first()). */
#define BRANCH_END(TAKEN, TARGET, WORDS) *accp = acc; return (TAKEN) ? code + (TARGET) : pc + (WORDS); }
BODY_START(BR) BRANCH_END(true, pc[1], 2)
BODY_START(BR_BACK) BRANCH_END(true, pc[1], 2)
BODY_START(BR_IF) BRANCH_END(GET_I32(pc[1]) != 0, pc[2], 3)
BODY_START(BR_IF_BACK) BRANCH_END(GET_I32(pc[1]) != 0, pc[2], 3)
BODY_START(BR_UNLESS) BRANCH_END(GET_I32(pc[1]) == 0, pc[2], 3)
#define BRANCH_BODY(LABEL, T, EXPR, B, WORDS)                                                \
    BODY_START(LABEL) CTYPE_##T a = GET_##T(pc[1]), b = B; BRANCH_END(EXPR, pc[(WORDS) - 1], WORDS)
#define BRANCH_BODIES(NAME, CODE, T, EXPR, ...)                                              \
    BRANCH_BODY(BR_IF_##NAME, T, EXPR, GET_##T(pc[2]), 4)                                    \
    BRANCH_BODY(BR_IF_##NAME##_IMM, T, EXPR, IMM_##T(pc + 2), 3 + IMM_WORDS_##T)             \
    BRANCH_BODY(BR_IF_##NAME##_BACK, T, EXPR, GET_##T(pc[2]), 4)                             \
    BRANCH_BODY(BR_IF_##NAME##_IMM_BACK, T, EXPR, IMM_##T(pc + 2), 3 + IMM_WORDS_##T)
VM_COMPARES(BRANCH_BODIES)
#undef BRANCH_BODIES
#undef BRANCH_BODY
/* LOOP_NAME_SS/SI/IS/II dst x y b target: dst = x + y (mod 2^32), then
 * back to target if dst NAME b; y and b slots (S) or immediates (I).
 * loop_operands_of(op, pc) gives those operands and loop_taken(op, a, b)
 * the compare: the bodies and a counted store loop (interp.c) are made of
 * them. */
typedef struct {
    bool y_slot, b_slot;
    uint32_t dst, x, y, b, target, words;
} loop_operands;
#define LOOP_FORMS(NAME)                                                                     \
    FORM(LOOP_##NAME##_SS, true, true) FORM(LOOP_##NAME##_SI, true, false)                   \
    FORM(LOOP_##NAME##_IS, false, true) FORM(LOOP_##NAME##_II, false, false)
ALWAYS_INLINE loop_operands loop_operands_of(vm_opcode op, const uint32_t *pc)
{
    switch (op) {
#define FORM(LABEL, Y_SLOT, B_SLOT)                                                          \
    case VM_OP_##LABEL: return (loop_operands){ Y_SLOT, B_SLOT, pc[1], pc[2], pc[3], pc[4], pc[5], 6 };
#define LOOP_CASES(NAME, ...) LOOP_FORMS(NAME)
    VM_I32_COMPARES(LOOP_CASES)
#undef LOOP_CASES
#undef FORM
    default:
        return (loop_operands){ 0 };
    }
}
ALWAYS_INLINE bool loop_taken(vm_opcode op, uint32_t a, uint32_t b)
{
    switch (op) {
#define FORM(LABEL, ...) case VM_OP_##LABEL:
#define LOOP_CASES(NAME, CODE, T, EXPR, ...) LOOP_FORMS(NAME) return EXPR;
    VM_I32_COMPARES(LOOP_CASES)
#undef LOOP_CASES
#undef FORM
    default:
        return false;
    }
}
#define FORM(LABEL, ...)                                                                     \
    BODY_START(LABEL)                                                                        \
    loop_operands o = loop_operands_of(VM_OP_##LABEL, pc);                                   \
    uint32_t a = GET_I32(o.x) + (o.y_slot ? GET_I32(o.y) : o.y);                             \
    SET_I32(o.dst, a);                                                                       \
    uint32_t b = o.b_slot ? GET_I32(o.b) : o.b;                                              \
    BRANCH_END(loop_taken(VM_OP_##LABEL, a, b), o.target, o.words)
#define LOOP_BODIES(NAME, ...) LOOP_FORMS(NAME)
VM_I32_COMPARES(LOOP_BODIES)
#undef LOOP_BODIES
#undef FORM
#undef BRANCH_END

/* Do the instructions charge fuel, as branches back to a loop head (when
 * taken), and must the fuel be there before they start (the LOOP_ forms,
 * which write their counter first)? Constants once inlined. */
#define FORM(LABEL, ...) case VM_OP_##LABEL:
#define LOOP_CASES(NAME, ...) LOOP_FORMS(NAME)
static inline bool vm_charges_fuel(vm_opcode op)
{
    switch (op) {
    case VM_OP_BR_BACK: case VM_OP_BR_IF_BACK:
#define BACK_CASES(NAME, ...) case VM_OP_BR_IF_##NAME##_BACK: case VM_OP_BR_IF_##NAME##_IMM_BACK:
    VM_COMPARES(BACK_CASES)
#undef BACK_CASES
    VM_I32_COMPARES(LOOP_CASES)
        return true;
    default:
        return false;
    }
}
static inline bool vm_fuel_first(vm_opcode op)
{
    switch (op) {
    VM_I32_COMPARES(LOOP_CASES)
        return true;
    default:
        return false;
    }
}
#undef LOOP_CASES
#undef FORM
#undef LOOP_FORMS

#undef EFFECTIVE_ADDRESS
#undef BODY_START
#undef BODY_END
#undef PURE_BODY
#undef ALWAYS_INLINE

#endif
