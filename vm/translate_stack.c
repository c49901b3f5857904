/* translate_stack.c — the translator's operand stack. Each operand knows
 * where its value is: in its own position slot (SLOT), in a local's slot
 * (LOCAL: local.get costs nothing), a constant not yet written anywhere
 * (CONST: folded into the _IMM forms of its consumer), or an integer
 * comparison not yet computed (CMP: fused into the br_if or if that
 * consumes it). An operand is "materialized" — its value written to a
 * slot — only when a consumer needs a slot, a local it reads is about to
 * change, or control flow merges. */
#include "vm/translate_internal.h"

static ctrl *top_ctrl(translator *t) { return &t->ctrls[t->nctrls - 1]; }

bool vm_tr_push(translator *t, vm_valtype type)
{
    if (!tr_grow((void **)&t->stack, &t->stack_cap, t->height, sizeof *t->stack, MAX_OPERANDS))
        return t->height >= MAX_OPERANDS ? vm_tr_fail(t, "operand stack too deep") : vm_tr_out_of_memory(t);
    uint32_t pos = pos_slot(t, t->height);
    t->stack[t->height] = (operand){ .type = type, .kind = OPD_SLOT, .slot = pos, .pos = pos };
    t->height++;
    uint32_t used = pos + vm_valtype_slots(type) - t->nlocal_slots;
    if (used > t->max_slots)
        t->max_slots = used;
    return true;
}

/* Pushes a value that lives somewhere else for now: *out is the new
 * operand to describe where, or NULL in dead code, where every operand
 * stays a plain SLOT (nothing is emitted there anyway). */
static bool push_deferred(translator *t, vm_valtype type, operand **out)
{
    if (!vm_tr_push(t, type))
        return false;
    *out = tr_live(t) ? &t->stack[t->height - 1] : NULL;
    return true;
}

bool vm_tr_push_local(translator *t, vm_valtype type, uint32_t local)
{
    operand *o;
    if (!push_deferred(t, type, &o))
        return false;
    if (o != NULL) {
        o->kind = OPD_LOCAL;
        o->slot = local;
    }
    return true;
}

bool vm_tr_push_const(translator *t, vm_valtype type, uint64_t bits)
{
    operand *o;
    if (!push_deferred(t, type, &o))
        return false;
    if (o != NULL) {
        o->kind = OPD_CONST;
        o->value = bits;
    }
    return true;
}

bool vm_tr_push_cmp(translator *t, vm_opcode cmp, vm_valtype type, const operand *a, const operand *b)
{
    operand *o;
    if (!push_deferred(t, VM_I32, &o))
        return false;
    if (o != NULL) {
        o->kind = OPD_CMP;
        o->cmp = cmp;
        o->cmp_type = type;
        o->a = a->slot;
        o->b_imm = b->kind == OPD_CONST;
        o->b = o->b_imm ? 0 : b->slot;
        o->value = o->b_imm ? b->value : 0;
    }
    return true;
}

bool vm_tr_pop_any(translator *t, operand *out)
{
    ctrl *c = top_ctrl(t);
    if (t->height == c->height) {
        if (!c->unreachable)
            return vm_tr_fail(t, "type mismatch");
        uint32_t pos = pos_slot(t, t->height);
        *out = (operand){ .type = VM_UNKNOWN, .kind = OPD_SLOT, .slot = pos, .pos = pos };
        return true;
    }
    *out = t->stack[--t->height];
    return true;
}

bool vm_tr_pop(translator *t, vm_valtype expect, operand *out)
{
    if (!vm_tr_pop_any(t, out))
        return false;
    if (out->type != expect && out->type != VM_UNKNOWN && expect != VM_UNKNOWN)
        return vm_tr_fail(t, "type mismatch");
    return true;
}

bool vm_tr_pop_types(translator *t, const vm_valtype *types, uint32_t n)
{
    operand o = {0};
    for (uint32_t i = n; i-- > 0;)
        if (!vm_tr_pop(t, types[i], &o))
            return false;
    return true;
}

bool vm_tr_push_types(translator *t, const vm_valtype *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!vm_tr_push(t, types[i]))
            return false;
    return true;
}

/* Checks that the top n operands have the given types, leaving them in
 * place (each known operand keeps where it is). Operands the polymorphic
 * stack of unreachable code supplies become values of the given types
 * (the spec's pop_vals(ts); push_vals(ts)), or, with keep_unknown, stay of
 * unknown type (push_vals(pop_vals(ts)), as br_table needs). */
bool vm_tr_check_top(translator *t, const vm_valtype *types, uint32_t n, bool keep_unknown)
{
    if (!tr_grow((void **)&t->scratch, &t->scratch_cap, n, sizeof *t->scratch, MAX_OPERANDS))
        return vm_tr_out_of_memory(t);
    for (uint32_t i = n; i-- > 0;)
        if (!vm_tr_pop(t, types[i], &t->scratch[i]))
            return false;
    for (uint32_t i = 0; i < n; i++) {
        operand o = t->scratch[i];
        bool unknown = o.type == VM_UNKNOWN;
        if (!vm_tr_push(t, unknown && keep_unknown ? VM_UNKNOWN : types[i]))
            return false;
        if (!unknown && o.pos == t->stack[t->height - 1].pos)
            t->stack[t->height - 1] = o;   /* where it is, as it is */
    }
    return true;
}

void vm_tr_emit_imm(translator *t, vm_valtype type, uint64_t bits, bool *ok)
{
    *ok = *ok && emit(t, (uint32_t)bits);
    if (type == VM_I64 || type == VM_F64)
        *ok = *ok && emit(t, (uint32_t)(bits >> 32));
}

/* Writes the value of o into slot dst (o itself is left as it is). */
bool vm_tr_emit_value_to(translator *t, const operand *o, uint32_t dst)
{
    bool ok = true;
    if (o->type == VM_V128)   /* always in a slot pair: SLOT or LOCAL */
        return vm_tr_emit_copy_v128(t, dst, o->slot);
    switch (o->kind) {
    case OPD_SLOT:
    case OPD_LOCAL:
        if (o->slot == dst)
            return true;
        if (vm_tr_merge_copy(t, dst, o->slot, &ok))
            return ok;
        ok = vm_tr_emit_op(t, VM_OP_COPY) && emit(t, dst) && emit(t, o->slot);
        break;
    case OPD_CONST: {
        bool wide = o->type == VM_I64 || o->type == VM_F64;
        ok = vm_tr_emit_op(t, wide ? VM_OP_CONST64 : VM_OP_CONST32) && emit(t, dst);
        vm_tr_emit_imm(t, wide ? VM_I64 : VM_I32, o->value, &ok);
        break;
    }
    case OPD_CMP:
        ok = vm_tr_emit_op(t, o->b_imm ? vm_tr_imm_form(o->cmp) : o->cmp) && emit(t, dst) && emit(t, o->a);
        if (o->b_imm)
            vm_tr_emit_imm(t, o->cmp_type, o->value, &ok);
        else
            ok = ok && emit(t, o->b);
        break;
    }
    if (ok)
        note_dst(t);   /* every form above has its destination first */
    return ok;
}

/* Makes o a plain SLOT operand: its value written to its position slot. */
static bool settle(translator *t, operand *o)
{
    if (o->kind == OPD_SLOT)
        return true;
    if (tr_live(t) && !vm_tr_emit_value_to(t, o, o->pos))
        return false;
    o->kind = OPD_SLOT;
    o->slot = o->pos;
    return true;
}

bool vm_tr_use(translator *t, operand *o)
{
    return o->kind == OPD_LOCAL || settle(t, o);
}

/* Does o read the local whose (first) slot is `local`? */
static bool reads(const operand *o, uint32_t local)
{
    if (o->kind == OPD_LOCAL)
        return o->slot == local;
    if (o->kind == OPD_CMP)
        return o->a == local || (!o->b_imm && o->b == local);
    return false;
}

bool vm_tr_materialize(translator *t, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++)
        if (!settle(t, &t->stack[i]))
            return false;
    return true;
}

bool vm_tr_materialize_local(translator *t, uint32_t local)
{
    for (uint32_t i = 0; i < t->height; i++)
        if (reads(&t->stack[i], local) && !settle(t, &t->stack[i]))
            return false;
    return true;
}
