/* interp.c — the interpreter: runs internal code (code.h) for a thread
 * until the entry call returns, traps, suspends in a host call, or uses up
 * its fuel. Frames and operands live on the thread's heap stacks; a wasm
 * call never recurses in C, so any point between instructions is a place
 * where execution can stop and later continue.
 *
 * Dispatch is computed `goto` on GCC and Clang, and a `switch` elsewhere
 * (or with -DVM_PORTABLE_DISPATCH); both are built from the same handler
 * text below. Handlers for the scalar instructions are generated from the
 * tables of opcodes.h — those that run straight through (compute, access
 * memory, branch) call their body in interp_bodies.h, and a group
 * superinstruction calls two to four — and those for the SIMD instructions
 * (interp_simd.h) from opcodes_simd.h. Every handler leaves pc at the
 * first word of the instruction running until it has finished, so a trap
 * reports the right instruction.
 *
 * The accumulator: every instruction that writes a result slot also
 * leaves the value in `acc`, a local the compiler keeps in a register.
 * The _A forms read their first operand from it when the translator knows
 * the instruction just before computed it (translate_fuse.c): the value
 * need not come back through memory right after being stored. The slot
 * is always written too, so acc is only ever a copy: nothing about it
 * needs saving when execution stops between instructions. */
#include <stdio.h>
#include <string.h>

#include "vm/numeric.h"
#include "vm/layouts.h"
#include "vm/runtime.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(VM_PORTABLE_DISPATCH)
#define VM_COMPUTED_GOTO 1
#endif

/* The operands of the instruction NAME at pc, named as in its layout
 * (layouts.h), and where the next instruction starts: for the handlers
 * here and in interp_simd.h. */
#define OPERANDS(NAME) const vm_operands_##NAME *o = VM_OPERANDS(NAME, pc)
#define NEXT(NAME) (pc + VM_LENGTH(NAME))

#include "vm/interp_simd.h"   /* vm_interpret_v128(): the v128 instructions */

/* Slots as the wasm types (see runtime.h). */
#define CTYPE_I32 uint32_t
#define CTYPE_I64 uint64_t
#define CTYPE_F32 float
#define CTYPE_F64 double
#define BITS_I32 uint32_t
#define BITS_I64 uint64_t
#define BITS_F32 uint32_t
#define BITS_F64 uint64_t
#define GET_I32(s) ((uint32_t)fp[s])
#define GET_I64(s) (fp[s])
#define GET_F32(s) f32_from_bits((uint32_t)fp[s])
#define GET_F64(s) f64_from_bits(fp[s])
#define SET_I32(s, v) (fp[s] = acc = (uint32_t)(v))
#define SET_I64(s, v) (fp[s] = acc = (uint64_t)(v))
#define SET_F32(s, v) (fp[s] = acc = f32_bits(v))
#define SET_F64(s, v) (fp[s] = acc = f64_bits(v))
#define ACC_I32 ((uint32_t)acc)
#define ACC_I64 (acc)
#define ACC_F32 f32_from_bits((uint32_t)acc)
#define ACC_F64 f64_from_bits(acc)
/* An immediate's value from its words in the code (a VALUE operand of a
 * layout: one word, or two for 64-bit types, low first). */
#define IMM_I32(p) ((p)[0])
#define IMM_I64(p) ((p)[0] | (uint64_t)(p)[1] << 32)
#define IMM_F32(p) f32_from_bits((p)[0])
#define IMM_F64(p) f64_from_bits((p)[0] | (uint64_t)(p)[1] << 32)
/* An immediate's bits, as stores take them. */
#define IMM_BITS_I32(p) ((p)[0])
#define IMM_BITS_I64(p) IMM_I64(p)
#define IMM_BITS_F32(p) ((p)[0])
#define IMM_BITS_F64(p) IMM_I64(p)
/* A value of the type from the bits read from memory. */
#define FROM_BITS_I32(x) (x)
#define FROM_BITS_I64(x) (x)
#define FROM_BITS_F32(x) f32_from_bits(x)
#define FROM_BITS_F64(x) f64_from_bits(x)

#include "vm/interp_bodies.h"

/* A counted store loop (a fill): a pair of a store and a LOOP_ tail back
 * to it that steps its own counter, `for (j = ...; j < n; j += s) p[j] =
 * v` — when the counter is the store's address (its a or its i, not both)
 * and none of the value, the step or the bound. Nothing else changes in
 * such a loop (a store writes no slot), so it runs on registers: the
 * address is base + (j << shift). It stops where the two instructions
 * would: at the store when that traps, at the tail when out of fuel (the
 * counter's slot then holds j), after the tail when done; pc NULL when
 * the pair is not such a loop. A function of its own so that its loop has
 * the registers, and returning by value so that the interpreter's pc and
 * fuel stay in registers too. */
typedef struct {
    const uint32_t *pc;
    uint64_t fuel;
} fill_stop;
#define FILL_LOOP(STORE, TAIL)                                                \
    static __attribute__((noinline, unused)) fill_stop fill_##STORE##_##TAIL( \
        const uint32_t *start, uint64_t *fp, uint8_t *mem, uint64_t mem_size, \
        const uint32_t *code, uint64_t fuel)                                  \
    {                                                                         \
        const vm_opcode store = VM_OP_##STORE, tail = VM_OP_##TAIL;           \
        store_operands s = store_operands_of(store, start);                   \
        const uint32_t *at_tail = start + s.words;                            \
        loop_operands l = loop_operands_of(tail, at_tail);                    \
        uint32_t c = l.dst;                                                   \
        bool a_counts = s.a == c, i_counts = s.indexed && s.i == c;           \
        if (code + l.target != start || l.x != c || a_counts == i_counts ||  \
            (s.from_slot && s.v == c) || (l.y_slot && l.y == c) || (l.b_slot && l.b == c)) \
            return (fill_stop){ NULL, fuel };                                 \
        /* address = base + (j << shift) */                                   \
        uint32_t base, shift = a_counts ? 0 : s.shift;                        \
        if (!s.indexed)                                                       \
            base = s.add;                                                     \
        else                                                                  \
            base = a_counts ? (uint32_t)fp[s.i] << s.shift : (uint32_t)fp[s.a]; \
        uint64_t value = s.from_slot ? fp[s.v] : s.imm;                       \
        uint32_t y = l.y_slot ? (uint32_t)fp[l.y] : l.y;                      \
        uint32_t b = l.b_slot ? (uint32_t)fp[l.b] : l.b;                      \
        uint32_t j = (uint32_t)fp[c];                                         \
        const uint32_t *stop;                                                 \
        for (;;) {                                                            \
            uint64_t ea;                                                      \
            if (!effective_address(base + (j << shift), s.offset, store_size(store), mem_size, &ea)) { \
                stop = start;                                                 \
                break;                                                        \
            }                                                                 \
            store_bits(store, mem + ea, value);                               \
            if (fuel == 0) {                                                  \
                stop = at_tail;                                               \
                break;                                                        \
            }                                                                 \
            j += y;                                                           \
            if (!loop_taken(tail, j, b)) {                                    \
                stop = at_tail + l.words;                                     \
                break;                                                        \
            }                                                                 \
            fuel--;                                                           \
        }                                                                     \
        fp[c] = j;                                                            \
        return (fill_stop){ stop, fuel };                                     \
    }
VM_PAIRS(FILL_LOOP)
#undef FILL_LOOP

static vm_trap_kind trap_of(enum num_trap e)
{
    switch (e) {
    case NUM_TRAP_DIV_ZERO: return VM_TRAP_DIVIDE_BY_ZERO;
    case NUM_TRAP_OVERFLOW: return VM_TRAP_INTEGER_OVERFLOW;
    case NUM_TRAP_INVALID_CONVERSION: return VM_TRAP_INVALID_CONVERSION;
    default: return VM_TRAP_NONE;
    }
}

vm_status vm_interpret(vm_thread *t)
{
#ifdef VM_COMPUTED_GOTO
    /* Each opcode's handler, by name: opcodes.h's VM_OPCODE lists name
     * every opcode once; the v128 ones all enter vm_interpret_v128(). */
#define VM_OPCODE(NAME, LAYOUT) [VM_OP_##NAME] = &&L_##NAME,
    static const void *const labels[VM_OP_COUNT] = {
        VM_SCALAR_OPCODES VM_GROUP_OPCODES
#undef VM_OPCODE
#define VM_OPCODE(NAME, LAYOUT) [VM_OP_##NAME] = &&L_V128,
        VM_V128_OPCODES
#undef VM_OPCODE
    };
#define CASE(NAME) L_##NAME:
#ifdef VM_PROFILE
#define DISPATCH() do { func->code->counts[pc - code]++; goto *labels[*pc]; } while (0)
#else
#define DISPATCH() goto *labels[*pc]
#endif
#else
#define CASE(NAME) case VM_OP_##NAME:
#ifdef VM_PROFILE
#define DISPATCH() do { func->code->counts[pc - code]++; goto dispatch; } while (0)
#else
#define DISPATCH() goto dispatch
#endif
#endif

    /* The machine's registers. Memory 0, which nearly every access uses,
     * is kept in three of them (LOAD_MEMORY); instructions on another
     * memory look it up in the instance. */
    vm_frame *frame = &t->frames[t->nframes - 1];
    const vm_func *func = frame->func;
    vm_instance *inst = func->instance;
    const uint32_t *code = func->code->words;
    const uint32_t *pc = frame->pc;
    uint64_t *fp = t->slots + frame->fp;
    uint64_t fuel = t->fuel;
    vm_memory *memory;
    uint8_t *mem;
    uint64_t mem_size;
    const vm_func *callee;
    const uint32_t *next_pc;
    uint32_t base;
    uint64_t acc = 0;

#define LOAD_MEMORY()                                                         \
    do {                                                                      \
        memory = inst->module->nmemories ? inst->memories[0] : NULL;          \
        mem = memory ? memory->data : NULL;                                   \
        mem_size = memory ? memory->size : 0;                                 \
    } while (0)
#define SAVE() (frame->pc = pc, t->fuel = fuel)
#define TRAP(kind)                                                            \
    do {                                                                      \
        SAVE();                                                               \
        return vm_thread_set_trap(t, (kind), NULL, pc);                       \
    } while (0)
#define TRAP_AT_ELEMENT(kind, index)                                          \
    do {                                                                      \
        char text_[64];                                                       \
        snprintf(text_, sizeof text_, "%s %u", vm_trap_text(kind), (index));  \
        SAVE();                                                               \
        return vm_thread_set_trap(t, (kind), text_, pc);                      \
    } while (0)
#define OUT_OF_FUEL()                                                         \
    do {                                                                      \
        SAVE();                                                               \
        return VM_OUT_OF_FUEL;                                                \
    } while (0)
/* [start, start+n) inside a space of `size` units. */
#define IN_BOUNDS(start, n, size) ((uint64_t)(start) + (uint64_t)(n) <= (uint64_t)(size))

    LOAD_MEMORY();
    DISPATCH();
#ifndef VM_COMPUTED_GOTO
dispatch:
    switch ((vm_opcode)*pc) {
#endif

    CASE(UNREACHABLE) TRAP(VM_TRAP_UNREACHABLE);
    /* The instructions that run straight through (interp_bodies.h),
     * alone and in groups of two to four: the instructions after a group's
     * first keep their opcode words, which the bodies step over, and pc is
     * at the instruction that runs, so a trap is reported where it
     * happened. Branches back to a loop head charge one unit of fuel when
     * taken; when none is left they stop before jumping, and run again
     * when resumed. A LOOP_ tail checks first, so a stop there leaves
     * nothing half done. (Both tests are constants for every other
     * instruction.) RUN_BODY_ON runs a body on a given memory. */
#define RUN_BODY_ON(NAME, DATA, BYTES)                                        \
    do {                                                                      \
        if (vm_fuel_first(VM_OP_##NAME) && fuel == 0)                        \
            OUT_OF_FUEL();                                                    \
        const uint32_t *next_ = body_##NAME(pc, fp, &acc, DATA, BYTES, code); \
        if (next_ == NULL)                                                    \
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);                               \
        if (vm_charges_fuel(VM_OP_##NAME) && next_ <= pc) {                  \
            if (fuel == 0)                                                    \
                OUT_OF_FUEL();                                                \
            fuel--;                                                           \
        }                                                                     \
        pc = next_;                                                           \
    } while (0)
#define RUN_BODY(NAME) RUN_BODY_ON(NAME, mem, mem_size)
#define BODY_HANDLER(NAME, ...) CASE(NAME) { RUN_BODY(NAME); DISPATCH(); }
#define BINOP_HANDLERS(NAME, ...) BODY_HANDLER(NAME) BODY_HANDLER(NAME##_IMM) \
    BODY_HANDLER(NAME##_A) BODY_HANDLER(NAME##_A_IMM) BODY_HANDLER(NAME##_M)
#define RMW_HANDLER(NAME, ...) BODY_HANDLER(NAME##_RMW)
#define LOAD_HANDLERS(NAME, ...) BODY_HANDLER(NAME) BODY_HANDLER(NAME##_ADD) BODY_HANDLER(NAME##_IDX)
#define STORE_HANDLERS(NAME, ...) LOAD_HANDLERS(NAME) BODY_HANDLER(NAME##_IMM) \
    BODY_HANDLER(NAME##_ADD_IMM) BODY_HANDLER(NAME##_IDX_IMM)
    /* NAME_MEM: the plain form's body on the memory its last word names,
     * which it then steps over. */
#define OTHER_MEMORY_HANDLER(NAME, ...)                                       \
    CASE(NAME##_MEM) {                                                        \
        _Static_assert(VM_LENGTH(NAME##_MEM) == VM_LENGTH(NAME) + 1, "memory last"); \
        OPERANDS(NAME##_MEM);                                                 \
        const vm_memory *m_ = inst->memories[o->memory];                      \
        RUN_BODY_ON(NAME, m_->data, m_->size);                                \
        pc++;                                                                 \
        DISPATCH();                                                           \
    }
    /* A group runs its members' bodies in a row. A group that ends with a
     * branch back to its own first instruction is a whole loop, and runs
     * as a C loop for as long as the branch is taken, with no dispatch.
     * A pair of a store and a LOOP_ tail stepping its own counter is a
     * counted store loop (a fill: `for (j = ...; j < n; j += s) p[j] =
     * v`): its operands are read once and the loop runs on registers —
     * a store writes no slot, so nothing but the counter changes, and the
     * counter's slot is written when the loop ends, traps or runs out of
     * fuel. (A body reads its operands through the frame: in a C loop the
     * compiler must reload them after every store to memory, which might
     * alias them.) */
#define GROUP_HANDLER(OP, LAST, SPECIAL, FIRSTS)                              \
    CASE(OP) {                                                                \
        const uint32_t *const start_ = pc;                                    \
        SPECIAL                                                               \
        if (!vm_charges_fuel(VM_OP_##LAST)) {                                 \
            FIRSTS RUN_BODY(LAST);                                            \
        } else {                                                              \
            do {                                                              \
                FIRSTS RUN_BODY(LAST);                                        \
            } while (pc == start_);                                           \
        }                                                                     \
        DISPATCH();                                                           \
    }
#define COUNTED_STORE_LOOP(STORE, TAIL)                                       \
    if (store_size(VM_OP_##STORE) != 0 && vm_fuel_first(VM_OP_##TAIL)) {     \
        fill_stop stop_ = fill_##STORE##_##TAIL(start_, fp, mem, mem_size, code, fuel); \
        if (stop_.pc != NULL) {                                               \
            const uint32_t *tail_ = start_ + store_operands_of(VM_OP_##STORE, start_).words; \
            pc = stop_.pc;                                                    \
            fuel = stop_.fuel;                                                \
            if (pc == start_)                                                 \
                TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);                           \
            if (pc == tail_)                                                  \
                OUT_OF_FUEL();                                                \
            acc = GET_I32(loop_operands_of(VM_OP_##TAIL, tail_).dst);         \
            DISPATCH();                                                       \
        }                                                                     \
    }
#define PAIR_HANDLER(A, B) GROUP_HANDLER(PAIR_##A##_##B, B, COUNTED_STORE_LOOP(A, B), RUN_BODY(A);)
#define TRIPLE_HANDLER(A, B, C) GROUP_HANDLER(TRIPLE_##A##_##B##_##C, C, , RUN_BODY(A); RUN_BODY(B);)
#define QUAD_HANDLER(A, B, C, D) \
    GROUP_HANDLER(QUAD_##A##_##B##_##C##_##D, D, , RUN_BODY(A); RUN_BODY(B); RUN_BODY(C);)
    BODY_HANDLER(COPY) BODY_HANDLER(COPY2) BODY_HANDLER(CONST32) BODY_HANDLER(CONST64)
    BODY_HANDLER(SELECT) BODY_HANDLER(BR) BODY_HANDLER(BR_BACK) BODY_HANDLER(BR_IF)
    BODY_HANDLER(BR_IF_BACK) BODY_HANDLER(BR_UNLESS)
#define BRANCH_HANDLERS(NAME, ...) BODY_HANDLER(BR_IF_##NAME) BODY_HANDLER(BR_IF_##NAME##_IMM) \
    BODY_HANDLER(BR_IF_##NAME##_BACK) BODY_HANDLER(BR_IF_##NAME##_IMM_BACK)
#define LOOP_HANDLERS(NAME, ...) BODY_HANDLER(LOOP_##NAME##_SS) BODY_HANDLER(LOOP_##NAME##_SI) \
    BODY_HANDLER(LOOP_##NAME##_IS) BODY_HANDLER(LOOP_##NAME##_II)
    VM_COMPARES(BINOP_HANDLERS) VM_BINOPS(BINOP_HANDLERS) VM_ARITH_BINOPS(RMW_HANDLER)
    VM_COMPARES(BRANCH_HANDLERS) VM_I32_COMPARES(LOOP_HANDLERS)
    VM_UNOPS(BODY_HANDLER) VM_UNOPS_SAT(BODY_HANDLER)
    VM_LOADS(LOAD_HANDLERS) VM_STORES(STORE_HANDLERS)
    VM_LOADS(OTHER_MEMORY_HANDLER) VM_STORES(OTHER_MEMORY_HANDLER)
    VM_PAIRS(PAIR_HANDLER)
    VM_TRIPLES(TRIPLE_HANDLER) VM_QUADS(QUAD_HANDLER)
#undef TRIPLE_HANDLER
#undef QUAD_HANDLER
#undef BODY_HANDLER
#undef BINOP_HANDLERS
#undef RMW_HANDLER
#undef BRANCH_HANDLERS
#undef LOOP_HANDLERS
#undef LOAD_HANDLERS
#undef STORE_HANDLERS
#undef OTHER_MEMORY_HANDLER
#undef PAIR_HANDLER
#undef GROUP_HANDLER
#undef COUNTED_STORE_LOOP
#undef RUN_BODY
#undef RUN_BODY_ON
    CASE(BR_TABLE) {
        OPERANDS(BR_TABLE);
        uint32_t i = GET_I32(o->index), n = o->n;
        pc = code + o->targets[i < n - 1 ? i : n - 1];
        DISPATCH();
    }
    CASE(GLOBAL_GET) {
        OPERANDS(GLOBAL_GET);
        fp[o->dst] = inst->globals[o->global]->value[0];
        pc = NEXT(GLOBAL_GET);
        DISPATCH();
    }
    CASE(GLOBAL_SET) {
        OPERANDS(GLOBAL_SET);
        inst->globals[o->global]->value[0] = fp[o->src];
        pc = NEXT(GLOBAL_SET);
        DISPATCH();
    }
    CASE(MEMORY_SIZE) {
        OPERANDS(MEMORY_SIZE);
        SET_I32(o->dst, inst->memories[o->memory]->pages);
        pc = NEXT(MEMORY_SIZE);
        DISPATCH();
    }
    CASE(MEMORY_GROW) {
        OPERANDS(MEMORY_GROW);
        SET_I32(o->dst, (uint32_t)vm_memory_grow(inst->memories[o->memory], GET_I32(o->delta)));
        /* Any memory: another index may name memory 0's object too (the
         * same memory imported twice). */
        LOAD_MEMORY();
        pc = NEXT(MEMORY_GROW);
        DISPATCH();
    }
    CASE(REF_FUNC) {
        OPERANDS(REF_FUNC);
        fp[o->dst] = (uint64_t)(uintptr_t)inst->funcs[o->func];
        pc = NEXT(REF_FUNC);
        DISPATCH();
    }
    CASE(REF_IS_NULL) {
        OPERANDS(REF_IS_NULL);
        SET_I32(o->dst, fp[o->ref] == 0);
        pc = NEXT(REF_IS_NULL);
        DISPATCH();
    }

    /* ---- calls ---- */
    CASE(CALL) {
        OPERANDS(CALL);
        callee = inst->funcs[o->func];
        base = o->base;
        next_pc = NEXT(CALL);
        goto call;
    }
    /* callee ← element fp[index] of a table, which must be a function of
     * the type: the checks of call_indirect and return_call_indirect. */
#define INDIRECT_CALLEE(TABLE, TYPE, INDEX)                                   \
    do {                                                                      \
        const vm_table *table_ = inst->tables[TABLE];                         \
        const vm_functype *type_ = &inst->module->types[TYPE];                \
        uint32_t i_ = GET_I32(INDEX);                                         \
        if (i_ >= table_->size)                                               \
            TRAP_AT_ELEMENT(VM_TRAP_UNDEFINED_ELEMENT, i_);                   \
        callee = (const vm_func *)(uintptr_t)table_->elems[i_];               \
        if (callee == NULL)                                                   \
            TRAP_AT_ELEMENT(VM_TRAP_UNINITIALIZED_ELEMENT, i_);               \
        if (callee->type_hash != type_->hash) {                               \
            vm_signature want_ = vm_signature_of(type_);                      \
            if (!vm_signature_equal(&callee->sig, &want_))                    \
                TRAP(VM_TRAP_INDIRECT_MISMATCH);                              \
        }                                                                     \
    } while (0)
    CASE(CALL_INDIRECT) {
        OPERANDS(CALL_INDIRECT);
        INDIRECT_CALLEE(o->table, o->type, o->index);
        base = o->base;
        next_pc = NEXT(CALL_INDIRECT);
        goto call;
    }
    /* Tail calls: the arguments are already in fp[0..n); the RETURN after
     * the instruction is where a host callee's results are returned from. */
    CASE(RETURN_CALL) {
        OPERANDS(RETURN_CALL);
        callee = inst->funcs[o->func];
        next_pc = NEXT(RETURN_CALL);
        goto tail_call;
    }
    CASE(RETURN_CALL_INDIRECT) {
        OPERANDS(RETURN_CALL_INDIRECT);
        INDIRECT_CALLEE(o->table, o->type, o->index);
        next_pc = NEXT(RETURN_CALL_INDIRECT);
        goto tail_call;
    }
#undef INDIRECT_CALLEE
    CASE(RETURN) {
        if (--t->nframes == 0) {
            t->state = THREAD_DONE;
            t->fuel = fuel;
            return VM_DONE;
        }
        frame = &t->frames[t->nframes - 1];
        func = frame->func;
        code = func->code->words;
        pc = frame->pc;
        fp = t->slots + frame->fp;
        /* A callee of this instance that grew memory 0 updated the
         * registers itself (MEMORY_GROW, host calls). */
        if (func->instance != inst) {
            inst = func->instance;
            LOAD_MEMORY();
        }
        DISPATCH();
    }

    /* ---- tables ---- */
    CASE(TABLE_GET) {
        OPERANDS(TABLE_GET);
        const vm_table *tb = inst->tables[o->table];
        uint32_t i = GET_I32(o->index);
        if (i >= tb->size)
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        fp[o->dst] = tb->elems[i];
        pc = NEXT(TABLE_GET);
        DISPATCH();
    }
    CASE(TABLE_SET) {
        OPERANDS(TABLE_SET);
        vm_table *tb = inst->tables[o->table];
        uint32_t i = GET_I32(o->index);
        if (i >= tb->size)
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        tb->elems[i] = fp[o->value];
        pc = NEXT(TABLE_SET);
        DISPATCH();
    }
    CASE(TABLE_SIZE) {
        OPERANDS(TABLE_SIZE);
        SET_I32(o->dst, inst->tables[o->table]->size);
        pc = NEXT(TABLE_SIZE);
        DISPATCH();
    }
    CASE(TABLE_GROW) {
        OPERANDS(TABLE_GROW);
        SET_I32(o->dst, (uint32_t)vm_table_grow(inst->tables[o->table], GET_I32(o->delta), fp[o->init]));
        pc = NEXT(TABLE_GROW);
        DISPATCH();
    }
    CASE(TABLE_FILL) {
        OPERANDS(TABLE_FILL);
        vm_table *tb = inst->tables[o->table];
        uint32_t d = GET_I32(o->start), n = GET_I32(o->n);
        if (!IN_BOUNDS(d, n, tb->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        for (uint32_t i = 0; i < n; i++)
            tb->elems[d + i] = fp[o->value];
        pc = NEXT(TABLE_FILL);
        DISPATCH();
    }
    CASE(TABLE_COPY) {
        OPERANDS(TABLE_COPY);
        vm_table *dt = inst->tables[o->dst_table], *st = inst->tables[o->src_table];
        uint32_t d = GET_I32(o->dst), s = GET_I32(o->src), n = GET_I32(o->n);
        if (!IN_BOUNDS(d, n, dt->size) || !IN_BOUNDS(s, n, st->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        if (n)
            memmove(dt->elems + d, st->elems + s, (size_t)n * sizeof *dt->elems);
        pc = NEXT(TABLE_COPY);
        DISPATCH();
    }
    CASE(TABLE_INIT) {
        OPERANDS(TABLE_INIT);
        vm_table *tb = inst->tables[o->table];
        uint32_t seg = o->elem;
        uint32_t d = GET_I32(o->dst), s = GET_I32(o->src), n = GET_I32(o->n);
        if (!IN_BOUNDS(s, n, inst->elem_counts[seg]) || !IN_BOUNDS(d, n, tb->size))
            TRAP(VM_TRAP_TABLE_OUT_OF_BOUNDS);
        if (n)
            memcpy(tb->elems + d, inst->elem_items[seg] + s, (size_t)n * sizeof *tb->elems);
        pc = NEXT(TABLE_INIT);
        DISPATCH();
    }
    CASE(ELEM_DROP) {
        OPERANDS(ELEM_DROP);
        inst->elem_counts[o->elem] = 0;
        pc = NEXT(ELEM_DROP);
        DISPATCH();
    }

    /* ---- bulk memory (on any memory) ---- */
    CASE(MEMORY_INIT) {
        OPERANDS(MEMORY_INIT);
        vm_memory *dm = inst->memories[o->memory];
        const vm_data_segment *seg = &inst->module->datas[o->data];
        uint32_t size = inst->data_dropped[o->data] ? 0 : seg->size;
        uint32_t d = GET_I32(o->dst), s = GET_I32(o->src), n = GET_I32(o->n);
        if (!IN_BOUNDS(s, n, size) || !IN_BOUNDS(d, n, dm->size))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        if (n)
            memcpy(dm->data + d, inst->module->bytes + seg->data_offset + s, n);
        pc = NEXT(MEMORY_INIT);
        DISPATCH();
    }
    CASE(DATA_DROP) {
        OPERANDS(DATA_DROP);
        inst->data_dropped[o->data] = true;
        pc = NEXT(DATA_DROP);
        DISPATCH();
    }
    CASE(MEMORY_COPY) {
        OPERANDS(MEMORY_COPY);
        vm_memory *dm = inst->memories[o->dst_memory], *sm = inst->memories[o->src_memory];
        uint32_t d = GET_I32(o->dst), s = GET_I32(o->src), n = GET_I32(o->n);
        if (!IN_BOUNDS(d, n, dm->size) || !IN_BOUNDS(s, n, sm->size))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        if (n)   /* the two may be one memory, the ranges overlapping */
            memmove(dm->data + d, sm->data + s, n);
        pc = NEXT(MEMORY_COPY);
        DISPATCH();
    }
    CASE(MEMORY_FILL) {
        OPERANDS(MEMORY_FILL);
        vm_memory *dm = inst->memories[o->memory];
        uint32_t d = GET_I32(o->dst), n = GET_I32(o->n);
        if (!IN_BOUNDS(d, n, dm->size))
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        if (n)
            memset(dm->data + d, (int)(uint8_t)GET_I32(o->value), n);
        pc = NEXT(MEMORY_FILL);
        DISPATCH();
    }

    /* ---- the scalar instructions, from the tables ---- */
#define BINOP_TRAP_HANDLERS(NAME, T, FN, A, B)                                \
    CASE(NAME) {                                                              \
        OPERANDS(NAME);                                                       \
        CTYPE_##T r;                                                          \
        enum num_trap e = FN(A, B, &r);                                       \
        if (e != NUM_OK)                                                      \
            TRAP(trap_of(e));                                                 \
        SET_##T(o->dst, r);                                                   \
        pc = NEXT(NAME);                                                      \
        DISPATCH();                                                           \
    }
#define BINOP_TRAP_HANDLER(NAME, CODE, T, FN)                                 \
    BINOP_TRAP_HANDLERS(NAME, T, FN, GET_##T(o->a), GET_##T(o->b))           \
    BINOP_TRAP_HANDLERS(NAME##_IMM, T, FN, GET_##T(o->a), IMM_##T(o->b))     \
    BINOP_TRAP_HANDLERS(NAME##_A, T, FN, ACC_##T, GET_##T(o->b))             \
    BINOP_TRAP_HANDLERS(NAME##_A_IMM, T, FN, ACC_##T, IMM_##T(o->b))
    VM_BINOPS_TRAP(BINOP_TRAP_HANDLER)
#undef BINOP_TRAP_HANDLER
#undef BINOP_TRAP_HANDLERS
#define UNOP_TRAP_HANDLER(NAME, CODE, IN, OUT, FN)                            \
    CASE(NAME) {                                                              \
        OPERANDS(NAME);                                                       \
        CTYPE_##OUT r;                                                        \
        enum num_trap e = FN(GET_##IN(o->a), &r);                             \
        if (e != NUM_OK)                                                      \
            TRAP(trap_of(e));                                                 \
        SET_##OUT(o->dst, r);                                                 \
        pc = NEXT(NAME);                                                      \
        DISPATCH();                                                           \
    }
    VM_UNOPS_TRAP(UNOP_TRAP_HANDLER)
#undef UNOP_TRAP_HANDLER
    /* ---- v128: every one of them runs in vm_interpret_v128(), which
     * comes back at the first other instruction ---- */
#ifdef VM_COMPUTED_GOTO
    L_V128:
#else
#define V128_CASE(NAME, ...) case VM_OP_##NAME:
    VM_V128_SPECIAL_OPS(V128_CASE) VM_SIMD_OPS(V128_CASE)
#undef V128_CASE
#endif
    {
        bool trapped = false;
        pc = vm_interpret_v128(fp, pc, inst, &trapped);
        if (trapped)
            TRAP(VM_TRAP_MEMORY_OUT_OF_BOUNDS);
        DISPATCH();
    }

    /* A call: wasm callees get a frame at fp + base (their params are
     * already there); host callees run right here. Fuel is charged at
     * wasm function entry. */
call:
    frame->pc = next_pc;
    if (callee->host != NULL) {
        uint64_t callee_fp = (uint64_t)(fp - t->slots) + base;
        t->fuel = fuel;
        vm_status st = vm_call_host(t, callee, inst, callee_fp);
        if (st != VM_DONE)
            return st;   /* suspended (frame->pc continues after the call) or trapped */
        LOAD_MEMORY();
        pc = next_pc;
        DISPATCH();
    }
    if (fuel == 0) {
        frame->pc = pc;   /* the call runs again when resumed */
        t->fuel = 0;
        return VM_OUT_OF_FUEL;
    }
    {
        uint64_t callee_fp = (uint64_t)(fp - t->slots) + base;
        /* Room for the frame: checked here, grown (or refused) out of line. */
        if (callee_fp + callee->code->frame_slots > t->nslots || t->nframes >= t->frames_cap) {
            if (!vm_thread_reserve(t, callee_fp, callee->code->frame_slots)) {
                t->fuel = fuel;
                return VM_TRAP;
            }
        }
        fuel--;
        frame = &t->frames[t->nframes++];
        frame->fp = callee_fp;
        fp = t->slots + callee_fp;
    }
    /* frame and fp are the callee's: it starts. */
enter:
    {
        const vm_code *c = callee->code;
        frame->func = callee;
        frame->pc = c->words;
        /* Declared locals start at zero; most functions have a few, so
         * four slots are always zeroed (every frame has room for them:
         * VM_FRAME_ZEROED in code.h), and a memset does the rest. */
        uint64_t *local = fp + c->nparams;
        local[0] = local[1] = local[2] = local[3] = 0;
        if (c->nlocals - c->nparams > VM_FRAME_ZEROED)
            memset(local + VM_FRAME_ZEROED, 0, (c->nlocals - c->nparams - VM_FRAME_ZEROED) * sizeof *local);
        func = callee;
        code = c->words;
        pc = code;
        if (callee->instance != inst) {
            inst = callee->instance;
            LOAD_MEMORY();
        }
        DISPATCH();
    }

    /* A tail call: the callee takes the current frame's place, its
     * arguments at the frame's start. A host callee runs as at a call
     * whose arguments start at fp + 0: its results land there, and the
     * RETURN at next_pc returns them (after vm_resume() too, when it
     * suspended). A wasm callee is charged fuel as at a call and reuses
     * the frame record; the slots grow if it needs more. When fuel runs
     * out, the tail call runs again on resuming: its arguments stay put. */
tail_call:
    if (callee->host != NULL) {
        base = 0;
        goto call;
    }
    frame->pc = pc;   /* where to continue when out of fuel; where a trap is */
    if (fuel == 0) {
        t->fuel = 0;
        return VM_OUT_OF_FUEL;
    }
    if (frame->fp + callee->code->frame_slots > t->nslots) {
        if (!vm_thread_reserve_slots(t, frame->fp, callee->code->frame_slots)) {
            t->fuel = fuel;
            return VM_TRAP;
        }
        fp = t->slots + frame->fp;
    }
    fuel--;
    goto enter;
#ifndef VM_COMPUTED_GOTO
    default:
        TRAP(VM_TRAP_UNREACHABLE);
    }
#endif
}
