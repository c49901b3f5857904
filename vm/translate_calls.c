/* translate_calls.c — the call instructions: call and call_indirect, and
 * the tail-call proposal's return_call and return_call_indirect.
 *
 * A call passes its arguments in place (code.h): they are the caller's
 * top stack slots, where the callee's frame starts. A tail call instead
 * reuses the current frame: the arguments move down to slots 0.., where
 * a return would leave results, and the callee's frame starts at the
 * current frame's first slot. After a tail call, as after a return, the
 * operand stack is polymorphic. */
#include <string.h>

#include "vm/translate_internal.h"

/* Arguments in their own slots, contiguous: the callee's frame starts there. */
static bool call_args(translator *t, const vm_functype *ft, uint32_t *base)
{
    if (!vm_tr_check_top(t, ft->params, ft->nparams, false))
        return false;
    uint32_t first = t->height - ft->nparams;
    *base = pos_slot(t, first);
    return vm_tr_materialize(t, first, t->height);
}

bool vm_tr_op_call(translator *t)
{
    uint32_t f, base;
    if (!vm_tr_read_index(t, &f, t->m->nfuncs, "unknown function"))
        return false;
    const vm_functype *ft = &t->m->types[t->m->func_type[f]];
    if (!call_args(t, ft, &base))
        return false;
    bool live = tr_live(t);
    t->height -= ft->nparams;
    if (!vm_tr_push_types(t, ft->results, ft->nresults))
        return false;
    return !live || (vm_tr_emit_op(t, VM_OP_CALL) && emit(t, f) && emit(t, base));
}

/* call_indirect's immediates: a type, then a table of funcrefs. */
static bool read_type_and_table(translator *t, uint32_t *type, uint32_t *table)
{
    if (!vm_tr_read_index(t, type, t->m->ntypes, "unknown type") ||
        !vm_tr_read_index(t, table, t->m->ntables, "unknown table"))
        return false;
    return t->m->tables[*table].elem == VM_FUNCREF || vm_tr_fail(t, "type mismatch");
}

bool vm_tr_op_call_indirect(translator *t)
{
    uint32_t type, table, base;
    operand index = {0};
    if (!read_type_and_table(t, &type, &table))
        return false;
    const vm_functype *ft = &t->m->types[type];
    if (!vm_tr_pop(t, VM_I32, &index) || !call_args(t, ft, &base))
        return false;
    bool live = tr_live(t);
    t->height -= ft->nparams;
    if (!vm_tr_push_types(t, ft->results, ft->nresults))
        return false;
    return !live || (vm_tr_use(t, &index) && vm_tr_emit_op(t, VM_OP_CALL_INDIRECT) && emit(t, table) &&
                     emit(t, type) && emit(t, index.slot) && emit(t, base));
}

/* ---- tail calls ---- */

/* The proposal's opcodes are illegal in a module without the feature. */
static bool tail_calls_allowed(translator *t, uint8_t opcode)
{
    return (t->m->features & VM_FEATURE_TAIL_CALL) ||
           vm_tr_malformed(t, "illegal opcode 0x%02x", opcode);
}

/* The callee returns straight to the current function's caller: its
 * results must be the current function's. */
static bool same_results(translator *t, const vm_functype *callee)
{
    const vm_functype *own = t->type;
    if (callee->nresults != own->nresults ||
        (own->nresults && memcmp(callee->results, own->results, own->nresults * sizeof *own->results)))
        return vm_tr_fail(t, "type mismatch");
    return true;
}

/* Checks the arguments, moves them to slots 0.. and emits the
 * instruction's words (a RETURN follows every tail call: a host callee
 * runs in place, and its results are returned from there). */
static bool emit_tail_call(translator *t, const vm_functype *ft, const uint32_t *words, uint32_t n)
{
    if (!vm_tr_check_top(t, ft->params, ft->nparams, false))
        return false;
    if (tr_live(t)) {
        if (!vm_tr_move_to_frame_start(t, ft->nparams))
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!(i == 0 ? vm_tr_emit_op(t, (vm_opcode)words[0]) : emit(t, words[i])))
                return false;
        if (!vm_tr_emit_op(t, VM_OP_RETURN))
            return false;
    }
    vm_tr_set_unreachable(t);
    return true;
}

bool vm_tr_op_return_call(translator *t)
{
    uint32_t f;
    if (!tail_calls_allowed(t, 0x12) || !vm_tr_read_index(t, &f, t->m->nfuncs, "unknown function"))
        return false;
    const vm_functype *ft = &t->m->types[t->m->func_type[f]];
    if (!same_results(t, ft))
        return false;
    const uint32_t words[] = { VM_OP_RETURN_CALL, f };
    return emit_tail_call(t, ft, words, 2);
}

bool vm_tr_op_return_call_indirect(translator *t)
{
    uint32_t type, table;
    operand index = {0};
    if (!tail_calls_allowed(t, 0x13) || !read_type_and_table(t, &type, &table))
        return false;
    const vm_functype *ft = &t->m->types[type];
    if (!same_results(t, ft) || !vm_tr_pop(t, VM_I32, &index))
        return false;
    /* The index goes to its own position slot, above the arguments' (at
     * least the locals' and the arguments' slots): moving them to 0..
     * cannot overwrite it, though they may overwrite a local it was read
     * from. */
    if (tr_live(t) && index.kind != OPD_SLOT && !vm_tr_emit_value_to(t, &index, index.pos))
        return false;
    const uint32_t words[] = { VM_OP_RETURN_CALL_INDIRECT, table, type, index.pos };
    return emit_tail_call(t, ft, words, 4);
}
