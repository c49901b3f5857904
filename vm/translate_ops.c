/* translate_ops.c — one case per WebAssembly instruction: read its
 * immediates, check its operand types (the spec's validation rules), emit
 * its internal code. Cases are named by the instruction's encoding
 * (wasm_opcodes.h); the scalar numeric instructions come from the tables
 * in opcodes.h; the memory instructions are in translate_memory.c, the
 * calls in translate_calls.c. */
#include <stdlib.h>

#include "vm/translate_internal.h"
#include "vm/wasm_opcodes.h"

/* ---- forms derived from the opcode table ---- */

#define IMM_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_##NAME##_IMM,
static const vm_opcode imm_forms[VM_OP_COUNT] = { VM_IMM_OPS(IMM_ENTRY) };
#undef IMM_ENTRY
#define FUSED_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_BR_IF_##NAME,
static const vm_opcode branch_forms[VM_OP_COUNT] = { VM_COMPARES(FUSED_ENTRY) };
#undef FUSED_ENTRY
#define NEGATED_ENTRY(NAME, CODE, T, EXPR, NEGATED, MIRRORED) [VM_OP_##NAME] = VM_OP_##NEGATED,
static const vm_opcode negations[VM_OP_COUNT] = { VM_COMPARES(NEGATED_ENTRY) };
#undef NEGATED_ENTRY

vm_opcode vm_tr_imm_form(vm_opcode op) { return imm_forms[op]; }

/* a op b == b op a: a constant on the left may move to the right. */
static bool commutes(vm_opcode op)
{
    switch (op) {
    case VM_OP_I32_ADD: case VM_OP_I32_MUL: case VM_OP_I32_AND: case VM_OP_I32_OR:
    case VM_OP_I32_XOR: case VM_OP_I64_ADD: case VM_OP_I64_MUL: case VM_OP_I64_AND:
    case VM_OP_I64_OR: case VM_OP_I64_XOR: case VM_OP_I32_EQ: case VM_OP_I32_NE:
    case VM_OP_I64_EQ: case VM_OP_I64_NE:
    /* Floats too: only which input's payload a NaN result carries could
     * change, and wasm leaves that open. */
    case VM_OP_F32_ADD: case VM_OP_F32_MUL: case VM_OP_F64_ADD: case VM_OP_F64_MUL:
    case VM_OP_F32_EQ: case VM_OP_F32_NE: case VM_OP_F64_EQ: case VM_OP_F64_NE:
        return true;
    default:
        return false;
    }
}

/* Emits OP dst a b, or OP_IMM dst a imm when b is a constant. */
static bool emit_binary(translator *t, vm_opcode op, vm_valtype in, uint32_t dst, operand *a, operand *b)
{
    if (b->kind == OPD_CONST && (op == VM_OP_I32_SUB || op == VM_OP_I64_SUB)) {
        /* x - C is x + (-C) in wrapping arithmetic: one form for counters
         * going either way, which the loop and address forms then take. */
        op = op == VM_OP_I32_SUB ? VM_OP_I32_ADD : VM_OP_I64_ADD;
        b->value = in == VM_I32 ? (uint32_t)(0u - (uint32_t)b->value) : 0 - b->value;
    }
    if (b->kind == OPD_CONST && imm_forms[op]) {
        if (!vm_tr_use(t, a))
            return false;
        bool ok = vm_tr_emit_op(t, imm_forms[op]) && emit(t, dst) && emit(t, a->slot);
        vm_tr_emit_imm(t, in, b->value, &ok);
        if (ok) {
            vm_tr_prefer_acc(t, 2);
            note_dst(t);
        }
        return ok;
    }
    if (!vm_tr_use(t, a) || !vm_tr_use(t, b))
        return false;
    if (commutes(op) && vm_tr_just_computed(t, a) && b->kind == OPD_LOCAL) {
        operand *swap = a;   /* the value just computed goes second, where _M forms take it */
        a = b;
        b = swap;
    }
    bool fused;
    if (!vm_tr_fold_memory_operand(t, op, in, dst, a, b, &fused))
        return false;
    if (fused)
        return true;
    if (!vm_tr_emit_op(t, op) || !emit(t, dst))
        return false;
    /* An operand the accumulator holds goes first when the order does not matter. */
    bool swap = commutes(op) && b->slot == t->op_acc && a->slot != t->op_acc;
    if (!emit(t, swap ? b->slot : a->slot) || !emit(t, swap ? a->slot : b->slot))
        return false;
    vm_tr_prefer_acc(t, 2);
    note_dst(t);
    return true;
}

static bool binop(translator *t, vm_opcode op, vm_valtype in, vm_valtype out)
{
    operand a = {0}, b = {0};
    if (!vm_tr_pop(t, in, &b) || !vm_tr_pop(t, in, &a))
        return false;
    if (a.kind == OPD_CONST && b.kind != OPD_CONST && commutes(op)) {
        operand swap = a;
        a = b;
        b = swap;
    }
    /* A comparison waits for its consumer (a br_if or if fuses with it) if
     * what it reads stays put meanwhile: a local, or the slot the result
     * will occupy; and a constant or a local. */
    uint32_t result_pos = pos_slot(t, t->height);
    if (branch_forms[op] && tr_live(t) &&
        (a.kind == OPD_LOCAL || (a.kind == OPD_SLOT && a.slot == result_pos)) &&
        (b.kind == OPD_CONST || b.kind == OPD_LOCAL))
        return vm_tr_push_cmp(t, op, in, &a, &b);
    if (!vm_tr_push(t, out))
        return false;
    return !tr_live(t) || emit_binary(t, op, in, pos_slot(t, t->height - 1), &a, &b);
}

static bool unop(translator *t, vm_opcode op, vm_valtype in, vm_valtype out)
{
    operand a = {0};
    if (!vm_tr_pop(t, in, &a))
        return false;
    if (op == VM_OP_I32_EQZ && a.kind == OPD_CMP) {   /* not (x < y) is x >= y */
        a.cmp = negations[a.cmp];
        if (!vm_tr_push(t, VM_I32))
            return false;
        t->stack[t->height - 1] = a;
        return true;
    }
    if ((op == VM_OP_I32_EQZ || op == VM_OP_I64_EQZ) && tr_live(t) &&
        (a.kind == OPD_LOCAL || (a.kind == OPD_SLOT && a.slot == pos_slot(t, t->height)))) {
        operand zero = { .type = in, .kind = OPD_CONST, .value = 0 };
        return vm_tr_push_cmp(t, op == VM_OP_I32_EQZ ? VM_OP_I32_EQ : VM_OP_I64_EQ, in, &a, &zero);
    }
    if (!vm_tr_push(t, out))
        return false;
    if (!tr_live(t))
        return true;
    if (!vm_tr_use(t, &a))
        return false;
    if (!vm_tr_emit_op(t, op) || !emit(t, pos_slot(t, t->height - 1)) || !emit(t, a.slot))
        return false;
    note_dst(t);
    return true;
}

/* Same bits, new type: the operand stays where it is, no code. */
static bool reinterpret(translator *t, vm_valtype in, vm_valtype out)
{
    operand a = {0};
    if (!vm_tr_pop(t, in, &a) || !vm_tr_use(t, &a) || !vm_tr_push(t, out))
        return false;
    if (a.type != VM_UNKNOWN) {
        a.type = out;
        t->stack[t->height - 1] = a;
    }
    return true;
}

bool vm_tr_read_index(translator *t, uint32_t *out, uint32_t limit, const char *unknown)
{
    if (!vm_read_u32(&t->r, out))
        return false;
    return *out < limit || vm_tr_fail(t, "%s %u", unknown, *out);
}

/* A constant costs nothing until something needs it in a slot. */
static bool constant(translator *t, vm_valtype type, uint64_t bits)
{
    return vm_tr_push_const(t, type, bits);
}

static bool is_ref(vm_valtype v) { return v == VM_FUNCREF || v == VM_EXTERNREF; }

/* ---- control ---- */

/* Emits a conditional jump taken when cond is false (when `when_true`,
 * taken when it is true); the caller emits the target word next. A
 * pending comparison fuses into one compare-and-branch (negated for
 * "unless"); `back` picks the forms that charge fuel. */
static bool emit_cond_branch(translator *t, operand *cond, bool when_true, bool back)
{
    if (cond->kind == OPD_CMP) {
        vm_opcode cmp = when_true ? cond->cmp : negations[cond->cmp];
        bool ok = true;
        if (back && vm_tr_fold_loop_tail(t, cmp, cond->a, cond->b_imm, cond->b_imm ? cond->value : cond->b, &ok))
            return ok;
        /* BR_IF_X, BR_IF_X_IMM, BR_IF_X_BACK, BR_IF_X_IMM_BACK, in that order */
        vm_opcode op = (vm_opcode)(branch_forms[cmp] + (cond->b_imm ? 1 : 0) + (back ? 2 : 0));
        ok = vm_tr_emit_op(t, op) && emit(t, cond->a);
        if (cond->b_imm)
            vm_tr_emit_imm(t, cond->cmp_type, cond->value, &ok);
        else
            ok = ok && emit(t, cond->b);
        return ok;
    }
    if (!vm_tr_use(t, cond))
        return false;
    bool ok = true;
    if (back && when_true && vm_tr_fold_loop_tail(t, VM_OP_I32_NE, cond->slot, true, 0, &ok))
        return ok;   /* a countdown: branch back while the counter is not 0 */
    vm_opcode op = when_true ? (back ? VM_OP_BR_IF_BACK : VM_OP_BR_IF) : VM_OP_BR_UNLESS;
    return vm_tr_emit_op(t, op) && emit(t, cond->slot);
}

static bool emit_branch_unless(translator *t, operand *cond)
{
    return emit_cond_branch(t, cond, false, false);
}

static bool op_if(translator *t)
{
    uint32_t np, nr;
    const vm_valtype *p, *r;
    operand cond = {0};
    if (!vm_tr_read_block_type(t, &np, &p, &nr, &r) || !vm_tr_pop(t, VM_I32, &cond) ||
        !vm_tr_push_ctrl(t, CTRL_IF, np, p, nr, r))
        return false;
    if (!tr_live(t))
        return true;
    /* To the else branch when the condition is false. */
    if (!emit_branch_unless(t, &cond))
        return false;
    ctrl *c = &t->ctrls[t->nctrls - 1];
    c->else_fixup = tr_pc(t);
    return emit(t, NO_TARGET);
}

static bool op_br(translator *t)
{
    uint32_t depth, n;
    const vm_valtype *types;
    if (!vm_read_u32(&t->r, &depth) || !vm_tr_label_types(t, depth, &types, &n) || !vm_tr_check_top(t, types, n, false))
        return false;
    if (tr_live(t) && !vm_tr_emit_branch(t, depth))
        return false;
    vm_tr_set_unreachable(t);
    return true;
}

static bool op_br_if(translator *t)
{
    uint32_t depth, n;
    const vm_valtype *types;
    operand cond = {0};
    if (!vm_read_u32(&t->r, &depth) || !vm_tr_label_types(t, depth, &types, &n) ||
        !vm_tr_pop(t, VM_I32, &cond) || !vm_tr_check_top(t, types, n, false))
        return false;
    if (!tr_live(t))
        return true;
    if (!vm_tr_branch_needs_code(t, depth))
        return emit_cond_branch(t, &cond, true, vm_tr_label_is_loop(t, depth)) && vm_tr_add_fixup(t, depth);
    /* Taken: put the values in place, then jump; not taken: skip that. */
    if (!emit_cond_branch(t, &cond, false, false))
        return false;
    uint32_t skip = tr_pc(t);
    if (!emit(t, 0) || !vm_tr_emit_branch(t, depth))
        return false;
    t->code->words[skip] = tr_pc(t);
    forget_dst(t);
    return true;
}

static bool trampoline(translator *t, uint32_t depth)
{
    return vm_tr_branch_needs_code(t, depth) || vm_tr_label_is_loop(t, depth);
}

static bool op_br_table(translator *t)
{
    uint32_t count;
    if (!vm_read_u32(&t->r, &count))
        return false;
    if (count > VM_MAX_BR_TABLE || count > t->r.end - t->r.pos)
        return vm_tr_malformed(t, "br_table too long");
    uint32_t *depths = malloc(((size_t)count + 1) * sizeof *depths);
    if (depths == NULL)
        return vm_tr_fail(t, "out of memory");
    bool ok = true;
    for (uint32_t i = 0; ok && i <= count; i++)
        ok = vm_read_u32(&t->r, &depths[i]);
    operand index = {0};
    uint32_t arity = 0;
    const vm_valtype *types;
    ok = ok && vm_tr_pop(t, VM_I32, &index) && vm_tr_label_types(t, depths[count], &types, &arity);
    for (uint32_t i = 0; ok && i <= count; i++) {
        uint32_t n;
        ok = vm_tr_label_types(t, depths[i], &types, &n) &&
             (n == arity || vm_tr_fail(t, "type mismatch")) && vm_tr_check_top(t, types, n, true);
    }
    if (ok && tr_live(t)) {
        ok = vm_tr_use(t, &index) && vm_tr_emit_op(t, VM_OP_BR_TABLE) && emit(t, index.slot) && emit(t, count + 1);
        uint32_t first = tr_pc(t);
        for (uint32_t i = 0; ok && i <= count; i++)
            ok = trampoline(t, depths[i]) ? emit(t, NO_TARGET) : vm_tr_add_fixup(t, depths[i]);
        /* Targets that need values put in place, a return, or fuel (a
         * loop head) get a trampoline. */
        for (uint32_t i = 0; ok && i <= count; i++)
            if (t->code->words[first + i] == NO_TARGET && trampoline(t, depths[i])) {
                t->code->words[first + i] = tr_pc(t);
                ok = vm_tr_emit_branch(t, depths[i]);
            }
    }
    free(depths);
    if (ok)
        vm_tr_set_unreachable(t);
    return ok;
}

static bool op_return(translator *t)
{
    if (!vm_tr_check_top(t, t->type->results, t->type->nresults, false))
        return false;
    if (tr_live(t) && !vm_tr_emit_return(t))
        return false;
    vm_tr_set_unreachable(t);
    return true;
}

static bool op_select(translator *t, bool typed)
{
    vm_valtype type = VM_UNKNOWN;
    if (typed) {
        uint32_t n;
        if (!vm_read_u32(&t->r, &n))
            return false;
        if (n != 1)
            return vm_tr_fail(t, "invalid result arity");
        if (!vm_read_valtype(&t->r, &type))
            return false;
    }
    operand cond = {0}, a = {0}, b = {0};
    if (!vm_tr_pop(t, VM_I32, &cond) || !vm_tr_pop(t, type, &b) || !vm_tr_pop(t, type, &a))
        return false;
    if (!typed) {
        if ((a.type != VM_UNKNOWN && is_ref(a.type)) || (b.type != VM_UNKNOWN && is_ref(b.type)))
            return vm_tr_fail(t, "type mismatch");
        if (a.type != VM_UNKNOWN && b.type != VM_UNKNOWN && a.type != b.type)
            return vm_tr_fail(t, "type mismatch");
        type = a.type != VM_UNKNOWN ? a.type : b.type;
    }
    if (!vm_tr_push(t, type))
        return false;
    if (!tr_live(t))
        return true;
    if (!vm_tr_use(t, &a) || !vm_tr_use(t, &b) || !vm_tr_use(t, &cond))
        return false;
    bool v128 = type == VM_V128;
    if (!vm_tr_emit_op(t, v128 ? VM_OP_SELECT_V128 : VM_OP_SELECT) || !emit(t, pos_slot(t, t->height - 1)) ||
        !emit(t, a.slot) || !emit(t, b.slot) || !emit(t, cond.slot))
        return false;
    if (!v128)
        note_dst(t);   /* a v128 never goes through the accumulator */
    return true;
}

/* ---- variables ---- */

/* Writes v into local x: the instruction that just computed v may write
 * x itself; otherwise a copy (or the constant, or the comparison). */
static bool set_local(translator *t, uint32_t x, const operand *v)
{
    if (v->kind == OPD_SLOT && v->type != VM_V128 && t->last_dst != NO_TARGET && t->last_end == tr_pc(t) &&
        t->code->words[t->last_dst] == v->slot) {
        t->code->words[t->last_dst] = x;   /* still the accumulator's value, now as local x */
        return true;
    }
    return vm_tr_emit_value_to(t, v, x);
}

static bool op_local(translator *t, uint8_t opcode)
{
    uint32_t x;
    if (!vm_tr_read_index(t, &x, t->nlocals, "unknown local"))
        return false;
    vm_valtype type = t->local_types[x];
    uint32_t slot = t->local_slots[x];
    if (opcode == VM_WASM_LOCAL_GET)   /* the consumer reads the local's slot */
        return vm_tr_push_local(t, type, slot);
    operand v = {0};
    if (!vm_tr_pop(t, type, &v) || !vm_tr_materialize_local(t, slot))
        return false;
    if (tr_live(t) && !set_local(t, slot, &v))
        return false;
    /* local.tee: the value stays, and it is now in x. */
    return opcode == VM_WASM_LOCAL_SET || vm_tr_push_local(t, type, slot);
}

static bool op_global(translator *t, uint8_t opcode)
{
    uint32_t g;
    if (!vm_tr_read_index(t, &g, t->m->nglobals, "unknown global"))
        return false;
    const vm_globaltype *gt = &t->m->global_types[g];
    bool v128 = gt->type == VM_V128;
    if (opcode == VM_WASM_GLOBAL_GET) {
        if (!vm_tr_push(t, gt->type))
            return false;
        return !tr_live(t) || (vm_tr_emit_op(t, v128 ? VM_OP_GLOBAL_GET_V128 : VM_OP_GLOBAL_GET) &&
                               emit(t, pos_slot(t, t->height - 1)) && emit(t, g));
    }
    if (!gt->mutable_)
        return vm_tr_fail(t, "global is immutable");
    operand v = {0};
    if (!vm_tr_pop(t, gt->type, &v))
        return false;
    return !tr_live(t) || (vm_tr_use(t, &v) && vm_tr_emit_op(t, v128 ? VM_OP_GLOBAL_SET_V128 : VM_OP_GLOBAL_SET) &&
                           emit(t, v.slot) && emit(t, g));
}

/* ---- references and tables ---- */

static bool op_ref(translator *t, uint8_t opcode)
{
    if (opcode == VM_WASM_REF_NULL) {
        uint8_t b = 0;
        if (!vm_read_u8(&t->r, &b))
            return false;
        if (b != VM_FUNCREF && b != VM_EXTERNREF)
            return vm_tr_malformed(t, "malformed reference type");
        return constant(t, (vm_valtype)b, 0);
    }
    if (opcode == VM_WASM_REF_IS_NULL) {
        operand r = {0};
        if (!vm_tr_pop_any(t, &r))
            return false;
        if (r.type != VM_UNKNOWN && !is_ref(r.type))
            return vm_tr_fail(t, "type mismatch");
        if (!vm_tr_push(t, VM_I32))
            return false;
        return !tr_live(t) || (vm_tr_use(t, &r) && vm_tr_emit_op(t, VM_OP_REF_IS_NULL) &&
                               emit(t, pos_slot(t, t->height - 1)) && emit(t, r.slot));
    }
    uint32_t f;
    if (!vm_tr_read_index(t, &f, t->m->nfuncs, "unknown function"))
        return false;
    if (!t->env->declared_refs[f])
        return vm_tr_fail(t, "undeclared function reference");
    if (!vm_tr_push(t, VM_FUNCREF))
        return false;
    return !tr_live(t) || (vm_tr_emit_op(t, VM_OP_REF_FUNC) && emit(t, pos_slot(t, t->height - 1)) && emit(t, f));
}

static bool op_table_get_set(translator *t, uint8_t opcode)
{
    uint32_t x;
    operand i = {0}, v = {0};
    if (!vm_tr_read_index(t, &x, t->m->ntables, "unknown table"))
        return false;
    vm_valtype elem = t->m->tables[x].elem;
    if (opcode == VM_WASM_TABLE_GET) {
        if (!vm_tr_pop(t, VM_I32, &i) || !vm_tr_push(t, elem))
            return false;
        return !tr_live(t) || (vm_tr_use(t, &i) && vm_tr_emit_op(t, VM_OP_TABLE_GET) &&
                               emit(t, pos_slot(t, t->height - 1)) && emit(t, i.slot) && emit(t, x));
    }
    if (!vm_tr_pop(t, elem, &v) || !vm_tr_pop(t, VM_I32, &i))
        return false;
    return !tr_live(t) || (vm_tr_use(t, &v) && vm_tr_use(t, &i) && vm_tr_emit_op(t, VM_OP_TABLE_SET) && emit(t, i.slot) &&
                           emit(t, v.slot) && emit(t, x));
}

bool vm_tr_three_operands(translator *t, vm_opcode op, vm_valtype second, uint32_t imm1, uint32_t imm2, int nimm)
{
    operand d = {0}, s = {0}, n = {0};
    if (!vm_tr_pop(t, VM_I32, &n) || !vm_tr_pop(t, second, &s) || !vm_tr_pop(t, VM_I32, &d))
        return false;
    if (!tr_live(t))
        return true;
    if (!vm_tr_use(t, &d) || !vm_tr_use(t, &s) || !vm_tr_use(t, &n) ||
        !vm_tr_emit_op(t, op) || !emit(t, d.slot) || !emit(t, s.slot) || !emit(t, n.slot))
        return false;
    return (nimm < 1 || emit(t, imm1)) && (nimm < 2 || emit(t, imm2));
}

static bool op_prefixed(translator *t)
{
    uint32_t sub, x, y;
    if (!vm_read_u32(&t->r, &sub))
        return false;
    switch (sub) {
#define SAT_CASE(NAME, SUB, IN, OUT, EXPR) \
    case VM_WASM_##NAME: return unop(t, VM_OP_##NAME, VM_##IN, VM_##OUT);
    VM_UNOPS_SAT(SAT_CASE)
#undef SAT_CASE
    case VM_WASM_MEMORY_INIT: case VM_WASM_DATA_DROP: case VM_WASM_MEMORY_COPY: case VM_WASM_MEMORY_FILL:
        return vm_tr_memory_bulk(t, sub);
    case VM_WASM_TABLE_INIT:   /* elem table */
        if (!vm_tr_read_index(t, &y, t->m->nelems, "unknown elem segment") ||
            !vm_tr_read_index(t, &x, t->m->ntables, "unknown table"))
            return false;
        if (t->m->tables[x].elem != t->m->elems[y].type)
            return vm_tr_fail(t, "type mismatch");
        return vm_tr_three_operands(t, VM_OP_TABLE_INIT, VM_I32, x, y, 2);
    case VM_WASM_ELEM_DROP:
        if (!vm_tr_read_index(t, &y, t->m->nelems, "unknown elem segment"))
            return false;
        return !tr_live(t) || (vm_tr_emit_op(t, VM_OP_ELEM_DROP) && emit(t, y));
    case VM_WASM_TABLE_COPY:   /* dst src */
        if (!vm_tr_read_index(t, &x, t->m->ntables, "unknown table") ||
            !vm_tr_read_index(t, &y, t->m->ntables, "unknown table"))
            return false;
        if (t->m->tables[x].elem != t->m->tables[y].elem)
            return vm_tr_fail(t, "type mismatch");
        return vm_tr_three_operands(t, VM_OP_TABLE_COPY, VM_I32, x, y, 2);
    case VM_WASM_TABLE_GROW: {
        operand init = {0}, n = {0};
        if (!vm_tr_read_index(t, &x, t->m->ntables, "unknown table") || !vm_tr_pop(t, VM_I32, &n) ||
            !vm_tr_pop(t, t->m->tables[x].elem, &init) || !vm_tr_push(t, VM_I32))
            return false;
        return !tr_live(t) || (vm_tr_use(t, &init) && vm_tr_use(t, &n) && vm_tr_emit_op(t, VM_OP_TABLE_GROW) &&
                               emit(t, pos_slot(t, t->height - 1)) && emit(t, init.slot) &&
                               emit(t, n.slot) && emit(t, x));
    }
    case VM_WASM_TABLE_SIZE:
        if (!vm_tr_read_index(t, &x, t->m->ntables, "unknown table") || !vm_tr_push(t, VM_I32))
            return false;
        return !tr_live(t) || (vm_tr_emit_op(t, VM_OP_TABLE_SIZE) && emit(t, pos_slot(t, t->height - 1)) && emit(t, x));
    case VM_WASM_TABLE_FILL:
        if (!vm_tr_read_index(t, &x, t->m->ntables, "unknown table"))
            return false;
        return vm_tr_three_operands(t, VM_OP_TABLE_FILL, t->m->tables[x].elem, x, 0, 1);
    default:
        return vm_tr_malformed(t, "illegal opcode 0xfc %u", sub);
    }
}

bool vm_tr_instruction(translator *t, uint8_t opcode, bool *function_done)
{
    switch (opcode) {
    case VM_WASM_UNREACHABLE:
        if (tr_live(t) && !vm_tr_emit_op(t, VM_OP_UNREACHABLE))
            return false;
        vm_tr_set_unreachable(t);
        return true;
    case VM_WASM_NOP:
        return true;
    case VM_WASM_BLOCK:
    case VM_WASM_LOOP: {
        uint32_t np, nr;
        const vm_valtype *p, *r;
        return vm_tr_read_block_type(t, &np, &p, &nr, &r) &&
               vm_tr_push_ctrl(t, opcode == VM_WASM_BLOCK ? CTRL_BLOCK : CTRL_LOOP, np, p, nr, r);
    }
    case VM_WASM_IF: return op_if(t);
    case VM_WASM_ELSE: return vm_tr_do_else(t);
    case VM_WASM_END: return vm_tr_do_end(t, function_done);
    case VM_WASM_BR: return op_br(t);
    case VM_WASM_BR_IF: return op_br_if(t);
    case VM_WASM_BR_TABLE: return op_br_table(t);
    case VM_WASM_RETURN: return op_return(t);
    case VM_WASM_CALL: return vm_tr_op_call(t);
    case VM_WASM_CALL_INDIRECT: return vm_tr_op_call_indirect(t);
    case VM_WASM_RETURN_CALL: return vm_tr_op_return_call(t);
    case VM_WASM_RETURN_CALL_INDIRECT: return vm_tr_op_return_call_indirect(t);
    case VM_WASM_DROP: {
        operand o = {0};
        return vm_tr_pop_any(t, &o);
    }
    case VM_WASM_SELECT: return op_select(t, false);
    case VM_WASM_SELECT_T: return op_select(t, true);
    case VM_WASM_LOCAL_GET: case VM_WASM_LOCAL_SET: case VM_WASM_LOCAL_TEE: return op_local(t, opcode);
    case VM_WASM_GLOBAL_GET: case VM_WASM_GLOBAL_SET: return op_global(t, opcode);
    case VM_WASM_TABLE_GET: case VM_WASM_TABLE_SET: return op_table_get_set(t, opcode);
#define LOAD_CASE(NAME, CODE, T, CTYPE, ALIGN) \
    case VM_WASM_##NAME: return vm_tr_load(t, VM_OP_##NAME, VM_##T, ALIGN);
    VM_LOADS(LOAD_CASE)
#undef LOAD_CASE
#define STORE_CASE(NAME, CODE, T, CTYPE, ALIGN) \
    case VM_WASM_##NAME: return vm_tr_store(t, VM_OP_##NAME, VM_##T, ALIGN);
    VM_STORES(STORE_CASE)
#undef STORE_CASE
    case VM_WASM_MEMORY_SIZE: case VM_WASM_MEMORY_GROW: return vm_tr_memory_size_grow(t, opcode);
    case VM_WASM_I32_CONST: {
        int32_t v;
        return vm_read_s32(&t->r, &v) && constant(t, VM_I32, (uint32_t)v);
    }
    case VM_WASM_I64_CONST: {
        int64_t v;
        return vm_read_s64(&t->r, &v) && constant(t, VM_I64, (uint64_t)v);
    }
    case VM_WASM_F32_CONST: {
        uint32_t bits;
        return vm_read_f32(&t->r, &bits) && constant(t, VM_F32, bits);
    }
    case VM_WASM_F64_CONST: {
        uint64_t bits;
        return vm_read_f64(&t->r, &bits) && constant(t, VM_F64, bits);
    }
#define COMPARE_CASE(NAME, CODE, T, EXPR, NEGATED, MIRRORED) \
    case VM_WASM_##NAME: return binop(t, VM_OP_##NAME, VM_##T, VM_I32);
    VM_COMPARES(COMPARE_CASE)
#undef COMPARE_CASE
#define BINOP_CASE(NAME, CODE, IN, OUT, EXPR) \
    case VM_WASM_##NAME: return binop(t, VM_OP_##NAME, VM_##IN, VM_##OUT);
    VM_BINOPS(BINOP_CASE)
#undef BINOP_CASE
#define BINOP_TRAP_CASE(NAME, CODE, T, FN) \
    case VM_WASM_##NAME: return binop(t, VM_OP_##NAME, VM_##T, VM_##T);
    VM_BINOPS_TRAP(BINOP_TRAP_CASE)
#undef BINOP_TRAP_CASE
#define UNOP_CASE(NAME, CODE, IN, OUT, EXPR) \
    case VM_WASM_##NAME: return unop(t, VM_OP_##NAME, VM_##IN, VM_##OUT);
    VM_UNOPS(UNOP_CASE)
#undef UNOP_CASE
#define UNOP_TRAP_CASE(NAME, CODE, IN, OUT, FN) \
    case VM_WASM_##NAME: return unop(t, VM_OP_##NAME, VM_##IN, VM_##OUT);
    VM_UNOPS_TRAP(UNOP_TRAP_CASE)
#undef UNOP_TRAP_CASE
#define REINTERPRET_CASE(NAME, CODE, IN, OUT) \
    case VM_WASM_##NAME: return reinterpret(t, VM_##IN, VM_##OUT);
    VM_REINTERPRETS(REINTERPRET_CASE)
#undef REINTERPRET_CASE
    case VM_WASM_REF_NULL: case VM_WASM_REF_IS_NULL: case VM_WASM_REF_FUNC: return op_ref(t, opcode);
    case VM_WASM_PREFIX_FC: return op_prefixed(t);
    case VM_WASM_PREFIX_SIMD: return vm_tr_simd(t);
    default:
        return vm_tr_malformed(t, "illegal opcode 0x%02x", opcode);
    }
}
