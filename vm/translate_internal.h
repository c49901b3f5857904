/* translate_internal.h — the state shared by translate.c (operand and
 * control stacks, code emission, branches) and translate_ops.c (one case
 * per instruction). Internal to the translator. */
#ifndef WIPPY_VM_TRANSLATE_INTERNAL_H
#define WIPPY_VM_TRANSLATE_INTERNAL_H

#include "vm/code.h"
#include "vm/layouts.h"
#include "vm/reader.h"
#include "vm/translate.h"

#define VM_UNKNOWN ((vm_valtype)0)   /* a value of the polymorphic stack */
#define NO_TARGET UINT32_MAX        /* end of a chain of unpatched branch words */

#define MAX_OPERANDS (1u << 20)    /* operand stack depth of one function */

/* Where an operand's value is (see translate_stack.c). */
typedef enum {
    OPD_SLOT,       /* in its own position slot */
    OPD_LOCAL,      /* in a local's slot: what local.get pushes */
    OPD_CONST,      /* a constant, not written anywhere yet */
    OPD_CMP         /* an integer comparison, not computed yet */
} operand_kind;

typedef struct {
    vm_valtype type;
    operand_kind kind;
    uint32_t slot;          /* SLOT, LOCAL: the slot holding the value */
    uint32_t pos;           /* the operand's own position slot */
    uint64_t value;         /* CONST: its bits; CMP with b_imm: the immediate */
    vm_opcode cmp;          /* CMP: the comparison (a VM_COMPARES opcode) */
    vm_valtype cmp_type;    /* CMP: the type compared */
    uint32_t a, b;          /* CMP: operand slots (a: a local or pos; b: a local) */
    bool b_imm;             /* CMP: b is the immediate in value */
} operand;

typedef enum { CTRL_FUNC, CTRL_BLOCK, CTRL_LOOP, CTRL_IF, CTRL_ELSE } ctrl_kind;

typedef struct {
    ctrl_kind kind;
    uint32_t nparams, nresults;
    const vm_valtype *params, *results;
    uint32_t height;        /* operand stack size below the block's params */
    bool unreachable;       /* the spec's flag: the stack is polymorphic after br, return, ... */
    bool dead;              /* the block starts in unreachable code: nothing is emitted in it */
    uint32_t loop_pc;       /* loops: where branches go */
    uint32_t fixups;        /* forward branches waiting for the end: a chain through the code */
    uint32_t else_fixup;    /* if: the BR_UNLESS word to point at the else branch */
} ctrl;

typedef struct {
    const vm_translate_env *env;
    const vm_module *m;
    const vm_functype *type;
    vm_reader r;
    uint32_t op_offset;     /* where the current instruction started */

    vm_valtype *local_types;   /* params then declared locals */
    uint32_t *local_slots;     /* each local's first slot: the widths before it, summed */
    uint32_t nlocals, locals_cap;
    uint32_t nparam_slots, nlocal_slots;   /* slots of the params, of all locals */

    operand *stack;
    uint32_t height, stack_cap;
    uint32_t max_slots;        /* the most slots the operand stack ever took */
    ctrl *ctrls;
    uint32_t nctrls, ctrls_cap;
    operand *scratch;          /* check_top's holding area */
    uint32_t scratch_cap;

    vm_code *code;
    uint32_t words_cap, lines_cap;
    uint32_t last_op;       /* where the last instruction emitted began */
    uint32_t prev_op;       /* where the one before it began */
    uint32_t prev2_op;      /* and the one before that (equal to prev_op: not known) */
    uint32_t barrier;       /* the latest label: instructions before it never fuse with ones after */
    uint32_t last_dst;      /* word of the last instruction's destination slot, or NO_TARGET;
                               that value is also in the interpreter's accumulator */
    uint32_t last_end;      /* where that instruction ended */
    uint32_t op_acc;        /* the slot in the accumulator when the current instruction starts */
    /* The latest group of instructions that run as one (vm_tr_group_up()): where
     * its first and last begin, its instructions; group_len 0: none. */
    uint32_t group_first, group_last;
    uint32_t group_ops[4];
    uint32_t group_len;
} translator;

/* Errors: "0xOFFSET: message" at the current instruction; always false. */
bool vm_tr_fail(translator *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool vm_tr_malformed(translator *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The frame slot of operand-stack position k (k <= height): the first
 * slot after the locals and the operands below k, each as wide as its
 * type (vm_valtype_slots: a v128 takes two). With scalars alone, position
 * k is slot nlocals + k. Operands of unknown type (only ever in
 * unreachable code, where nothing is emitted) count as one. */
static inline uint32_t pos_slot(const translator *t, uint32_t k)
{
    if (k == 0)
        return t->nlocal_slots;
    const operand *below = &t->stack[k - 1];
    return below->pos + vm_valtype_slots(below->type);
}

/* Code is emitted only where it can run. */
static inline bool tr_live(const translator *t)
{
    const ctrl *c = &t->ctrls[t->nctrls - 1];
    return !c->unreachable && !c->dead;
}

bool vm_tr_emit_op(translator *t, vm_opcode op);
/* emit() when the code is full: grows it (or fails: too large, or out of
 * memory), then emits. */
bool vm_tr_emit_grow(translator *t, uint32_t word);
/* Appends a word to the code (inline: the translator's most frequent call). */
static inline bool emit(translator *t, uint32_t word)
{
    vm_code *c = t->code;
    if (c->nwords >= t->words_cap)
        return vm_tr_emit_grow(t, word);
    c->words[c->nwords++] = word;
    return true;
}
static inline uint32_t tr_pc(const translator *t) { return t->code->nwords; }
bool vm_tr_out_of_memory(translator *t);
/* Grows an array of n items so one more fits (at most limit items):
 * vm_tr_grow_array() when it is full. */
bool vm_tr_grow_array(void **items, uint32_t *cap, uint32_t n, size_t size, uint32_t limit);
static inline bool tr_grow(void **items, uint32_t *cap, uint32_t n, size_t size, uint32_t limit)
{
    return n < *cap || vm_tr_grow_array(items, cap, n, size, limit);
}
/* A 32- or 64-bit immediate, as the type needs; *ok stays false once false. */
void vm_tr_emit_imm(translator *t, vm_valtype type, uint64_t bits, bool *ok);

/* The instruction just emitted (it began at last_op) writes its result
 * through its first operand word: local.set may point that straight at
 * the local instead of copying. */
static inline void note_dst(translator *t)
{
    t->last_dst = t->last_op + 1;
    t->last_end = tr_pc(t);
}
/* A label here: the next instruction may be reached from elsewhere. */
static inline void forget_dst(translator *t)
{
    t->last_dst = NO_TARGET;
    t->barrier = tr_pc(t);
}
/* Superinstructions (translate_fuse.c). */
/* The instruction just emitted reads its operand word `word` from the
 * accumulator if that holds it and the form exists. */
void vm_tr_prefer_acc(translator *t, uint32_t word);
/* Did the last instruction emitted compute o (a stack temporary), with
 * nothing after it yet? */
bool vm_tr_just_computed(const translator *t, const operand *o);
/* A copy dst ← src right after another COPY joins it as a COPY2: true
 * when it did (*ok false if emitting failed). */
bool vm_tr_merge_copy(translator *t, uint32_t dst, uint32_t src, bool *ok);
/* Called as the next instruction starts, when no fold can take the last
 * one back alone any more: the last two become a pair (VM_PAIRS) if they
 * make one — the first's opcode changes, the others stay — or the last
 * one makes the latest group a triple or quad, or a pair right after a
 * pair makes a quad (VM_TRIPLES, VM_QUADS). take_back() undoes a group
 * that loses an instruction. */
void vm_tr_group_up(translator *t);
/* A fused compare-and-branch back to a loop head, cmp a b (b a slot or,
 * with b_imm, an i32 immediate), right after the i32.add that computed a
 * (or b: then the comparison is mirrored):
 * emits the LOOP_ form instead of both, all but its target word (true; *ok
 * false if emitting failed); false when it does not apply. */
bool vm_tr_fold_loop_tail(translator *t, vm_opcode cmp, uint32_t a, bool b_imm, uint64_t b, bool *ok);
/* A memory address: a slot; a + k (the _ADD forms); a + (b << k) (_IDX). */
typedef enum { TR_ADDR_SLOT, TR_ADDR_ADD, TR_ADDR_IDX } tr_address_mode;
typedef struct {
    tr_address_mode mode;
    uint32_t a, b, k;
} tr_address;
/* The address operand addr (a slot): takes back the i32.add (and
 * i32.shl) that just computed it, if any, so the access does them. */
void vm_tr_fold_address(translator *t, const operand *addr, tr_address *out);
bool vm_tr_emit_load(translator *t, vm_opcode op, uint32_t dst, const tr_address *a, uint32_t offset);
bool vm_tr_emit_store(translator *t, vm_opcode op, const tr_address *a, uint32_t value, uint32_t offset);
bool vm_tr_emit_store_imm(translator *t, vm_opcode op, vm_valtype type, const tr_address *a, uint64_t bits,
                    uint32_t offset);
/* A full-width store of `value` to a + offset right after the _M form
 * that computed value from a load of the same place: the _M form becomes
 * its _RMW form, which stores too (true), and no store is needed. */
bool vm_tr_fold_store_back(translator *t, vm_opcode store, vm_valtype type, const tr_address *a, uint32_t value,
                     uint32_t offset);
/* A binary operation op dst a b whose b the load just emitted computed:
 * emits the _M form in its place (*done), else leaves everything alone. */
bool vm_tr_fold_memory_operand(translator *t, vm_opcode op, vm_valtype in, uint32_t dst, const operand *a,
                         const operand *b, bool *done);

/* Forms derived from the opcode table (translate_ops.c). */
vm_opcode vm_tr_imm_form(vm_opcode op);      /* NAME → NAME_IMM, or 0 */

/* Operand stack (the spec's push_val / pop_val / pop_vals), translate_stack.c. */
bool vm_tr_push(translator *t, vm_valtype type);
bool vm_tr_push_local(translator *t, vm_valtype type, uint32_t local);
bool vm_tr_push_const(translator *t, vm_valtype type, uint64_t bits);
bool vm_tr_push_cmp(translator *t, vm_opcode cmp, vm_valtype type, const operand *a, const operand *b);
/* Writes o's value into dst (COPY, CONST or the comparison). */
bool vm_tr_emit_value_to(translator *t, const operand *o, uint32_t dst);
/* Makes a popped operand readable from o->slot (CONST and CMP get written
 * to their position slot first). */
bool vm_tr_use(translator *t, operand *o);
bool vm_tr_pop(translator *t, vm_valtype expect, operand *out);
bool vm_tr_pop_any(translator *t, operand *out);
bool vm_tr_pop_types(translator *t, const vm_valtype *types, uint32_t n);
bool vm_tr_push_types(translator *t, const vm_valtype *types, uint32_t n);
bool vm_tr_check_top(translator *t, const vm_valtype *types, uint32_t n, bool keep_unknown);

/* Operands become plain values in their own slots. */
bool vm_tr_materialize(translator *t, uint32_t from, uint32_t to);
bool vm_tr_materialize_local(translator *t, uint32_t local);

/* Control (block types, labels, branches). */
bool vm_tr_read_block_type(translator *t, uint32_t *np, const vm_valtype **p, uint32_t *nr,
                     const vm_valtype **r);
bool vm_tr_push_ctrl(translator *t, ctrl_kind kind, uint32_t np, const vm_valtype *p, uint32_t nr,
               const vm_valtype *r);
bool vm_tr_label_types(translator *t, uint32_t depth, const vm_valtype **types, uint32_t *n);
bool vm_tr_emit_branch(translator *t, uint32_t depth);
/* Moves the top n operands to the first slots of the frame, each as wide
 * as its type: where a return leaves its results and a tail call its
 * callee's arguments. */
bool vm_tr_move_to_frame_start(translator *t, uint32_t n);
/* Results to slots 0.., then RETURN. */
bool vm_tr_emit_return(translator *t);
bool vm_tr_branch_needs_code(translator *t, uint32_t depth);
bool vm_tr_label_is_loop(translator *t, uint32_t depth);
bool vm_tr_add_fixup(translator *t, uint32_t depth);
void vm_tr_set_unreachable(translator *t);
bool vm_tr_do_end(translator *t, bool *function_done);
bool vm_tr_do_else(translator *t);

/* An index immediate below limit, else "<unknown> N" (translate_ops.c). */
bool vm_tr_read_index(translator *t, uint32_t *out, uint32_t limit, const char *unknown);

/* Calls and tail calls (translate_calls.c); return_call and
 * return_call_indirect are illegal
 * opcodes unless the module may use tail calls. */
bool vm_tr_op_call(translator *t);
bool vm_tr_op_call_indirect(translator *t);
bool vm_tr_op_return_call(translator *t);
bool vm_tr_op_return_call_indirect(translator *t);

/* The SIMD instructions, prefix 0xfd (translate_simd.c). */
bool vm_tr_simd(translator *t);
/* Copies a v128 (two slots) from src to dst; no code when they are one. */
bool vm_tr_emit_copy_v128(translator *t, uint32_t dst, uint32_t src);

/* One instruction (translate_ops.c). */
bool vm_tr_instruction(translator *t, uint8_t opcode, bool *function_done);
/* Pops three operands d (i32), s (of type `second`), n (i32) and emits
 * OP d s n followed by nimm (0 to 2) immediates imm1, imm2. */
bool vm_tr_three_operands(translator *t, vm_opcode op, vm_valtype second, uint32_t imm1, uint32_t imm2,
                    int nimm);

/* The memory instructions (translate_memory.c), their immediates read
 * with the memory indices of multi-memory when the module may use it. */
/* A memarg: its alignment (checked: at most `natural`, a log2), with
 * multi-memory perhaps a memory index (*memory, else 0; checked to
 * exist), and the offset. */
bool vm_tr_read_memarg(translator *t, uint32_t natural, uint32_t *offset, uint32_t *memory);
bool vm_tr_load(translator *t, vm_opcode op, vm_valtype type, uint32_t natural);
bool vm_tr_store(translator *t, vm_opcode op, vm_valtype type, uint32_t natural);
bool vm_tr_memory_size_grow(translator *t, uint8_t opcode);   /* memory.size, memory.grow */
/* The 0xfc sub-opcodes memory.init, data.drop, memory.copy, memory.fill. */
bool vm_tr_memory_bulk(translator *t, uint32_t sub);

#endif
