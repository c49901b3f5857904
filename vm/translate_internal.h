/* translate_internal.h — the state shared by translate.c (operand and
 * control stacks, code emission, branches) and translate_ops.c (one case
 * per instruction). Internal to the translator. */
#ifndef WIPPY_VM_TRANSLATE_INTERNAL_H
#define WIPPY_VM_TRANSLATE_INTERNAL_H

#include "vm/code.h"
#include "vm/opcodes.h"
#include "vm/reader.h"
#include "vm/translate.h"

#define VM_UNKNOWN ((vm_valtype)0)   /* a value of the polymorphic stack */
#define NO_TARGET UINT32_MAX        /* end of a chain of unpatched branch words */

/* An operand: its type and the slot holding it. An alias reads a local's
 * slot directly (local.get costs nothing); it becomes a copy of its own
 * only when the local is about to change or control flow merges. */
typedef struct {
    vm_valtype type;
    uint32_t slot;
    bool alias;
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
    uint32_t nlocals;

    operand *stack;
    uint32_t height, stack_cap, max_height;
    ctrl *ctrls;
    uint32_t nctrls, ctrls_cap;
    operand *scratch;          /* check_top's holding area */
    uint32_t scratch_cap;

    vm_code *code;
    uint32_t words_cap, lines_cap;
} translator;

/* Errors: "0xOFFSET: message" at the current instruction; always false. */
bool tr_fail(translator *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool tr_malformed(translator *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Valid WebAssembly this engine does not run yet ("SIMD instructions"). */
bool tr_unsupported(translator *t, const char *what);

/* The frame slot of operand-stack position k. */
static inline uint32_t pos_slot(const translator *t, uint32_t k) { return t->nlocals + k; }

/* Code is emitted only where it can run. */
static inline bool tr_live(const translator *t)
{
    const ctrl *c = &t->ctrls[t->nctrls - 1];
    return !c->unreachable && !c->dead;
}

bool emit_op(translator *t, vm_opcode op);
bool emit(translator *t, uint32_t word);
static inline uint32_t tr_pc(const translator *t) { return t->code->nwords; }

/* Operand stack (the spec's push_val / pop_val / pop_vals). */
bool push(translator *t, vm_valtype type);
bool pop(translator *t, vm_valtype expect, operand *out);
bool pop_any(translator *t, operand *out);
bool pop_types(translator *t, const vm_valtype *types, uint32_t n);
bool push_types(translator *t, const vm_valtype *types, uint32_t n);
bool check_top(translator *t, const vm_valtype *types, uint32_t n, bool keep_unknown);

/* Aliases become real copies. */
bool materialize(translator *t, uint32_t from, uint32_t to);
bool materialize_local(translator *t, uint32_t local);

/* Control (block types, labels, branches). */
bool read_block_type(translator *t, uint32_t *np, const vm_valtype **p, uint32_t *nr,
                     const vm_valtype **r);
bool push_ctrl(translator *t, ctrl_kind kind, uint32_t np, const vm_valtype *p, uint32_t nr,
               const vm_valtype *r);
bool label_types(translator *t, uint32_t depth, const vm_valtype **types, uint32_t *n);
bool emit_branch(translator *t, uint32_t depth);
bool emit_return(translator *t);
bool branch_needs_code(translator *t, uint32_t depth);
bool add_fixup(translator *t, uint32_t depth);
void set_unreachable(translator *t);
bool do_end(translator *t, bool *function_done);
bool do_else(translator *t);

/* One instruction (translate_ops.c). */
bool translate_instruction(translator *t, uint8_t opcode, bool *function_done);

#endif
