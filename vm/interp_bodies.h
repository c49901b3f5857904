/* interp_bodies.h — the bodies of the instructions that run straight
 * through: they compute, access memory 0 (or the memory they are given)
 * or branch — which only picks the next instruction — and the only way
 * they can fail is a memory access out of bounds. Each is a function
 * body_NAME(pc, fp, &acc, mem, mem_size, code) that does the instruction
 * at pc and returns where the next one starts, or NULL when the access is
 * out of bounds. The interpreter's handler for NAME is that one call
 * (with the fuel a branch back charges); a group superinstruction
 * (VM_PAIRS, VM_TRIPLES, VM_QUADS in groups.h) is two to four calls in a
 * row with no dispatch between them (in a C loop, if the group is a whole
 * loop). The functions are always inlined, so the accumulator stays in a
 * register across a group, and a body that cannot fail has its NULL check
 * folded away. Operands are read by their names in the instruction's
 * layout (layouts.h). The stores and the LOOP_ tails take their operands from
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
 * write, put back at the end. `o` is the instruction's operands, as its
 * layout names them (layouts.h), and `length` its words: the next
 * instruction is at pc + length. (A constant, not a pointer computed up
 * front: GCC allocated the interpreter's registers worse with one, fib
 * +4% instructions.) */
#define BODY_START(NAME)                                                                     \
    PURE_BODY body_##NAME(const uint32_t *pc, uint64_t *fp, uint64_t *accp, uint8_t *mem,   \
                          uint64_t mem_size, const uint32_t *code)                           \
    {                                                                                        \
        const vm_operands_##NAME *o = VM_OPERANDS(NAME, pc);                                 \
        enum { length = VM_LENGTH(NAME) };                                                   \
        uint64_t acc = *accp;                                                                \
        (void)o;                                                                             \
        (void)fp;                                                                            \
        (void)mem;                                                                           \
        (void)mem_size;                                                                      \
        (void)code;
#define BODY_END() *accp = acc; return pc + length; }
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

BODY_START(COPY) fp[o->dst] = acc = fp[o->src]; BODY_END()
BODY_START(COPY2) fp[o->dst] = fp[o->src]; fp[o->dst2] = acc = fp[o->src2]; BODY_END()
BODY_START(CONST32) fp[o->dst] = acc = IMM_I32(o->value); BODY_END()
BODY_START(CONST64) fp[o->dst] = acc = IMM_I64(o->value); BODY_END()
/* select: both operands are read first, so the choice compiles to a
 * conditional move — the condition is often data the branch predictor
 * cannot guess (a sort's compare). */
BODY_START(SELECT)
uint64_t x = fp[o->a], y = fp[o->b];
fp[o->dst] = acc = GET_I32(o->cond) ? x : y;
BODY_END()

/* Each binary operation with b from a slot or an immediate, a from a slot
 * or the accumulator (_A). */
#define BINOP_BODY(LABEL, IN, OUT, EXPR, A, B) \
    BODY_START(LABEL) CTYPE_##IN a = A, b = B; SET_##OUT(o->dst, EXPR); BODY_END()
#define BINOP_BODIES(NAME, IN, OUT, EXPR)                                                    \
    BINOP_BODY(NAME, IN, OUT, EXPR, GET_##IN(o->a), GET_##IN(o->b))                          \
    BINOP_BODY(NAME##_IMM, IN, OUT, EXPR, GET_##IN(o->a), IMM_##IN(o->b))                    \
    BINOP_BODY(NAME##_A, IN, OUT, EXPR, ACC_##IN, GET_##IN(o->b))                            \
    BINOP_BODY(NAME##_A_IMM, IN, OUT, EXPR, ACC_##IN, IMM_##IN(o->b))
#define BINOP_ENTRY(NAME, CODE, IN, OUT, EXPR) BINOP_BODIES(NAME, IN, OUT, EXPR)
#define COMPARE_ENTRY(NAME, CODE, T, EXPR, ...) BINOP_BODIES(NAME, T, I32, EXPR)
VM_BINOPS(BINOP_ENTRY)
VM_COMPARES(COMPARE_ENTRY)
#undef BINOP_ENTRY
#undef COMPARE_ENTRY
#undef BINOP_BODIES
#undef BINOP_BODY

#define UNOP_BODY(NAME, CODE, IN, OUT, EXPR) \
    BODY_START(NAME) CTYPE_##IN a = GET_##IN(o->a); SET_##OUT(o->dst, EXPR); BODY_END()
VM_UNOPS(UNOP_BODY)
VM_UNOPS_SAT(UNOP_BODY)
#undef UNOP_BODY

/* Loads and stores, each also in an _ADD form whose address is (a + add)
 * mod 2^32 (the i32.add that computed it, folded in) and an _IDX form
 * whose address is (base + (index << shift)) mod 2^32; stores also with
 * the value an immediate (_IMM). */
#define ADDR_PLAIN GET_I32(o->addr)
#define ADDR_ADD (uint32_t)(GET_I32(o->addr) + IMM_I32(o->add))
#define ADDR_IDX (uint32_t)(GET_I32(o->base) + (GET_I32(o->index) << o->shift))
#define LOAD_BODY(LABEL, T, CTYPE, ADDR)                                                     \
    BODY_START(LABEL)                                                                        \
    CTYPE v;                                                                                 \
    EFFECTIVE_ADDRESS(ea, ADDR, o->offset, sizeof v)                                         \
    memcpy(&v, mem + ea, sizeof v);                                                          \
    vm_le_fix(&v, sizeof v);                                                                 \
    fp[o->dst] = acc = (BITS_##T)v;                                                          \
    BODY_END()
#define LOAD_BODIES(NAME, CODE, T, CTYPE, ALIGN)                                             \
    LOAD_BODY(NAME, T, CTYPE, ADDR_PLAIN)                                                    \
    LOAD_BODY(NAME##_ADD, T, CTYPE, ADDR_ADD)                                                \
    LOAD_BODY(NAME##_IDX, T, CTYPE, ADDR_IDX)
VM_LOADS(LOAD_BODIES)
#undef LOAD_BODIES
#undef LOAD_BODY
/* A store's operands, the same for every form: the address is (a + (i
 * << shift)) mod 2^32 for the _IDX forms and (a + add) mod 2^32 for the
 * others (add is 0 for the plain ones), a and i slots, then + offset; the
 * value is slot v's, or the immediate (the _IMM forms).
 * store_operands_of(op, pc) reads them from each form's layout; the store
 * bodies and a counted store loop (interp.c) both take them from it. */
typedef struct {
    bool indexed, from_slot;
    uint32_t a, i, shift, add, offset, v, words;
    uint64_t imm;
} store_operands;
#define STORE_FORMS(NAME, T)                                                                 \
    FORM(NAME, false, true, o->addr, 0, 0, 0, o->value, 0)                                   \
    FORM(NAME##_ADD, false, true, o->addr, 0, 0, IMM_I32(o->add), o->value, 0)               \
    FORM(NAME##_IDX, true, true, o->base, o->index, o->shift, 0, o->value, 0)                \
    FORM(NAME##_IMM, false, false, o->addr, 0, 0, 0, 0, IMM_BITS_##T(o->value))              \
    FORM(NAME##_ADD_IMM, false, false, o->addr, 0, 0, IMM_I32(o->add), 0, IMM_BITS_##T(o->value)) \
    FORM(NAME##_IDX_IMM, true, false, o->base, o->index, o->shift, 0, 0, IMM_BITS_##T(o->value))
ALWAYS_INLINE store_operands store_operands_of(vm_opcode op, const uint32_t *pc)
{
    switch (op) {
#define FORM(LABEL, INDEXED, FROM_SLOT, A, I, SHIFT, ADD, V, IMM)                            \
    case VM_OP_##LABEL: {                                                                    \
        const vm_operands_##LABEL *o = VM_OPERANDS(LABEL, pc);                               \
        return (store_operands){ INDEXED, FROM_SLOT, A, I, SHIFT, ADD, o->offset, V, VM_LENGTH(LABEL), IMM }; \
    }
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
        vm_le_fix(&v, sizeof v);                                                             \
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
    store_operands s = store_operands_of(VM_OP_##LABEL, pc);                                 \
    uint32_t addr = GET_I32(s.a) + (s.indexed ? GET_I32(s.i) << s.shift : s.add);            \
    EFFECTIVE_ADDRESS(ea, addr, s.offset, store_size(VM_OP_##LABEL))                         \
    store_bits(VM_OP_##LABEL, mem + ea, s.from_slot ? fp[s.v] : s.imm);                      \
    BODY_END()
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
    EFFECTIVE_ADDRESS(ea, ADDR_ADD, o->offset, sizeof bits)                                  \
    memcpy(&bits, mem + ea, sizeof bits);                                                    \
    vm_le_fix(&bits, sizeof bits);                                                           \
    CTYPE_##IN a = GET_##IN(o->a), b = FROM_BITS_##IN(bits);                                 \
    SET_##OUT(o->dst, EXPR);
#define M_BINOP(NAME, CODE, IN, OUT, EXPR) BODY_START(NAME##_M) LOADED_OPERAND(IN, OUT, EXPR) BODY_END()
#define M_COMPARE(NAME, CODE, T, EXPR, ...) BODY_START(NAME##_M) LOADED_OPERAND(T, I32, EXPR) BODY_END()
VM_BINOPS(M_BINOP)
VM_COMPARES(M_COMPARE)
#undef M_BINOP
#undef M_COMPARE
#define RMW_BODY(NAME, CODE, IN, OUT, EXPR)                                                  \
    BODY_START(NAME##_RMW)                                                                   \
    LOADED_OPERAND(IN, OUT, EXPR)                                                            \
    bits = (BITS_##IN)acc;                                                                   \
    vm_le_fix(&bits, sizeof bits);                                                           \
    memcpy(mem + ea, &bits, sizeof bits);                                                    \
    BODY_END()
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
#define BRANCH_END(TAKEN, TARGET) *accp = acc; return (TAKEN) ? code + (TARGET) : pc + length; }
BODY_START(BR) BRANCH_END(true, o->target)
BODY_START(BR_BACK) BRANCH_END(true, o->target)
BODY_START(BR_IF) BRANCH_END(GET_I32(o->cond) != 0, o->target)
BODY_START(BR_IF_BACK) BRANCH_END(GET_I32(o->cond) != 0, o->target)
BODY_START(BR_UNLESS) BRANCH_END(GET_I32(o->cond) == 0, o->target)
#define BRANCH_BODY(LABEL, T, EXPR, B)                                                       \
    BODY_START(LABEL) CTYPE_##T a = GET_##T(o->a), b = B; BRANCH_END(EXPR, o->target)
#define BRANCH_BODIES(NAME, CODE, T, EXPR, ...)                                              \
    BRANCH_BODY(BR_IF_##NAME, T, EXPR, GET_##T(o->b))                                        \
    BRANCH_BODY(BR_IF_##NAME##_IMM, T, EXPR, IMM_##T(o->b))                                  \
    BRANCH_BODY(BR_IF_##NAME##_BACK, T, EXPR, GET_##T(o->b))                                 \
    BRANCH_BODY(BR_IF_##NAME##_IMM_BACK, T, EXPR, IMM_##T(o->b))
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
    FORM(LOOP_##NAME##_SS, true, true, o->y, o->b)                                           \
    FORM(LOOP_##NAME##_SI, true, false, o->y, IMM_I32(o->b))                                 \
    FORM(LOOP_##NAME##_IS, false, true, IMM_I32(o->y), o->b)                                 \
    FORM(LOOP_##NAME##_II, false, false, IMM_I32(o->y), IMM_I32(o->b))
ALWAYS_INLINE loop_operands loop_operands_of(vm_opcode op, const uint32_t *pc)
{
    switch (op) {
#define FORM(LABEL, Y_SLOT, B_SLOT, Y, B)                                                    \
    case VM_OP_##LABEL: {                                                                    \
        const vm_operands_##LABEL *o = VM_OPERANDS(LABEL, pc);                               \
        return (loop_operands){ Y_SLOT, B_SLOT, o->dst, o->x, Y, B, o->target, VM_LENGTH(LABEL) }; \
    }
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
    loop_operands l = loop_operands_of(VM_OP_##LABEL, pc);                                   \
    uint32_t a = GET_I32(l.x) + (l.y_slot ? GET_I32(l.y) : l.y);                             \
    SET_I32(l.dst, a);                                                                       \
    uint32_t b = l.b_slot ? GET_I32(l.b) : l.b;                                              \
    BRANCH_END(loop_taken(VM_OP_##LABEL, a, b), l.target)
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
