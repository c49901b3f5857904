/* translate.c — validating and translating one function body: the operand
 * and control stacks of the spec's validation algorithm, extended so that
 * every operand knows its frame slot; code emission; branches with the
 * copies that put a block's values where its continuation expects them.
 * The per-instruction cases are in translate_ops.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/translate_internal.h"

#define MAX_WORDS    (1u << 28)    /* code words of one function */

/* Records "0xOFFSET: message" of the given kind at the current
 * instruction, unless an error is already recorded; always false. */
static bool __attribute__((format(printf, 3, 4)))
report(translator *t, vm_error_kind kind, const char *fmt, ...)
{
    if (t->r.err->kind != VM_ERR_NONE)
        return false;   /* the first error wins */
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    t->r.err->kind = kind;
    snprintf(t->r.err->message, sizeof t->r.err->message, "0x%x: %s", t->op_offset, message);
    return false;
}

bool vm_tr_fail(translator *t, const char *fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return report(t, VM_ERR_INVALID, "%s", message);
}

bool vm_tr_malformed(translator *t, const char *fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return report(t, VM_ERR_MALFORMED, "%s", message);
}

bool vm_tr_out_of_memory(translator *t)
{
    return report(t, VM_ERR_NOMEM, "out of memory");
}

bool vm_tr_grow_array(void **items, uint32_t *cap, uint32_t n, size_t size, uint32_t limit)
{
    if (n >= limit)
        return false;
    uint32_t new_cap = *cap ? *cap : 64;
    while (new_cap <= n)
        new_cap = new_cap > limit / 2 ? limit : new_cap * 2;
    void *p = realloc(*items, (size_t)new_cap * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = new_cap;
    return true;
}

/* ---- emission ---- */

bool vm_tr_emit_grow(translator *t, uint32_t word)
{
    vm_code *c = t->code;
    if (!tr_grow((void **)&c->words, &t->words_cap, c->nwords, sizeof *c->words, MAX_WORDS))
        return c->nwords >= MAX_WORDS ? vm_tr_fail(t, "function too large") : vm_tr_out_of_memory(t);
    c->words[c->nwords++] = word;
    return true;
}

bool vm_tr_emit_op(translator *t, vm_opcode op)
{
    vm_code *c = t->code;
    vm_tr_group_up(t);
    t->op_acc = t->last_dst != NO_TARGET && t->last_end == c->nwords ? c->words[t->last_dst] : NO_TARGET;
    t->last_dst = NO_TARGET;
    t->prev2_op = t->prev_op;
    t->prev_op = t->last_op;
    t->last_op = c->nwords;
    if (c->nlines == 0 || c->lines[c->nlines - 1].offset != t->op_offset) {
        if (!tr_grow((void **)&c->lines, &t->lines_cap, c->nlines, sizeof *c->lines, MAX_WORDS))
            return vm_tr_out_of_memory(t);
        c->lines[c->nlines++] = (vm_code_line){ c->nwords, t->op_offset };
    }
    return emit(t, (uint32_t)op);
}

/* ---- control ---- */

static ctrl *top_ctrl(translator *t) { return &t->ctrls[t->nctrls - 1]; }

static const vm_valtype single_types[] = {
    VM_I32, VM_I64, VM_F32, VM_F64, VM_V128, VM_FUNCREF, VM_EXTERNREF
};

bool vm_tr_read_block_type(translator *t, uint32_t *np, const vm_valtype **p, uint32_t *nr,
                     const vm_valtype **r)
{
    int64_t bt;
    if (!vm_read_s33(&t->r, &bt))
        return false;
    *np = *nr = 0;
    *p = *r = NULL;
    if (bt == -64)
        return true;   /* 0x40: no values */
    if (bt < 0) {
        vm_valtype v = (vm_valtype)(bt + 128);
        for (size_t i = 0; i < sizeof single_types / sizeof single_types[0]; i++)
            if (single_types[i] == v) {
                *nr = 1;
                *r = &single_types[i];
                return true;
            }
        return vm_tr_malformed(t, "malformed value type");
    }
    if ((uint64_t)bt >= t->m->ntypes)
        return vm_tr_fail(t, "unknown type");
    const vm_functype *ft = &t->m->types[bt];
    *np = ft->nparams;
    *p = ft->params;
    *nr = ft->nresults;
    *r = ft->results;
    return true;
}

bool vm_tr_push_ctrl(translator *t, ctrl_kind kind, uint32_t np, const vm_valtype *p, uint32_t nr,
               const vm_valtype *r)
{
    if (kind != CTRL_FUNC) {
        /* Every path into the block sees the same slots: no aliases cross. */
        if (!vm_tr_materialize(t, 0, t->height) || !vm_tr_pop_types(t, p, np))
            return false;
    }
    if (!tr_grow((void **)&t->ctrls, &t->ctrls_cap, t->nctrls, sizeof *t->ctrls, VM_MAX_NESTING))
        return t->nctrls >= VM_MAX_NESTING ? vm_tr_fail(t, "blocks nested too deeply") : vm_tr_out_of_memory(t);
    bool dead = t->nctrls > 0 && !tr_live(t);
    ctrl *c = &t->ctrls[t->nctrls++];
    *c = (ctrl){ kind, np, nr, p, r, t->height, false, dead, 0, NO_TARGET, NO_TARGET };
    if (kind == CTRL_LOOP) {
        c->loop_pc = tr_pc(t);   /* branches back here charge fuel (BR_BACK...) */
        forget_dst(t);
    }
    return vm_tr_push_types(t, p, np);
}

bool vm_tr_label_types(translator *t, uint32_t depth, const vm_valtype **types, uint32_t *n)
{
    if (depth >= t->nctrls)
        return vm_tr_fail(t, "unknown label");
    const ctrl *c = &t->ctrls[t->nctrls - 1 - depth];
    *types = c->kind == CTRL_LOOP ? c->params : c->results;
    *n = c->kind == CTRL_LOOP ? c->nparams : c->nresults;
    return true;
}

/* True when a branch to depth needs more than a jump: values to move or
 * write, or a return. */
bool vm_tr_branch_needs_code(translator *t, uint32_t depth)
{
    const ctrl *c = &t->ctrls[t->nctrls - 1 - depth];
    if (c->kind == CTRL_FUNC)
        return true;
    uint32_t n = c->kind == CTRL_LOOP ? c->nparams : c->nresults;
    const vm_valtype *types = c->kind == CTRL_LOOP ? c->params : c->results;
    uint32_t dst = pos_slot(t, c->height);
    for (uint32_t i = 0; i < n; i++) {
        const operand *o = &t->stack[t->height - n + i];
        if (o->kind != OPD_SLOT || o->slot != dst)
            return true;
        dst += vm_valtype_slots(types[i]);
    }
    return false;
}

bool vm_tr_label_is_loop(translator *t, uint32_t depth)
{
    return t->ctrls[t->nctrls - 1 - depth].kind == CTRL_LOOP;
}

/* Emits the target word of a jump to depth: a loop's head, or a link in
 * the label's chain of words to patch at its end. */
bool vm_tr_add_fixup(translator *t, uint32_t depth)
{
    ctrl *c = &t->ctrls[t->nctrls - 1 - depth];
    if (c->kind == CTRL_LOOP)
        return emit(t, c->loop_pc);
    uint32_t at = tr_pc(t);
    if (!emit(t, c->fixups))
        return false;
    c->fixups = at;
    return true;
}

/* Does o read a slot below `limit`? (A SLOT operand reads its own
 * position slot, which is never below its index among the values moved:
 * see move_to_frame_start.) */
static bool reads_below(const operand *o, uint32_t limit)
{
    switch (o->kind) {
    case OPD_LOCAL: return o->slot < limit;
    case OPD_CMP: return o->a < limit || (!o->b_imm && o->b < limit);
    default: return false;
    }
}

bool vm_tr_move_to_frame_start(translator *t, uint32_t n)
{
    /* Value i goes to slot d_i (the widths of the values before it,
     * summed), in order: writing there can only change what a later
     * value j reads if that value reads a local starting below d_j (the
     * position slot of value j, at least nlocals + d_j, is at or above
     * d_j: it is only ever overwritten once value j has moved). Values
     * that read such a local are first copied to their own position
     * slots. The operands themselves stay as they are: a br_if's
     * fall-through path still sees them unchanged. */
    /* One scalar computed by the instruction just before: it can write
     * slot 0 itself. */
    const operand *top = n == 1 ? &t->stack[t->height - 1] : NULL;
    if (top != NULL && top->kind == OPD_SLOT && top->type != VM_V128 && t->last_dst != NO_TARGET &&
        t->last_end == tr_pc(t) && t->code->words[t->last_dst] == top->slot) {
        t->code->words[t->last_dst] = 0;
        return true;
    }
    if (!tr_grow((void **)&t->scratch, &t->scratch_cap, n, sizeof *t->scratch, MAX_OPERANDS))
        return vm_tr_out_of_memory(t);
    uint32_t dst = 0;
    for (uint32_t i = 0; i < n; i++) {
        operand o = t->stack[t->height - n + i];
        if (o.kind != OPD_SLOT && reads_below(&o, dst)) {
            if (!vm_tr_emit_value_to(t, &o, o.pos))
                return false;
            o = (operand){ .type = o.type, .kind = OPD_SLOT, .slot = o.pos, .pos = o.pos };
        }
        t->scratch[i] = o;
        dst += vm_valtype_slots(o.type);
    }
    dst = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!vm_tr_emit_value_to(t, &t->scratch[i], dst))
            return false;
        dst += vm_valtype_slots(t->scratch[i].type);
    }
    return true;
}

bool vm_tr_emit_return(translator *t)
{
    return vm_tr_move_to_frame_start(t, t->type->nresults) && vm_tr_emit_op(t, VM_OP_RETURN);
}

/* Puts the label's values (on top of the stack) in place and jumps; a jump
 * back to a loop head charges fuel. */
bool vm_tr_emit_branch(translator *t, uint32_t depth)
{
    const ctrl *c = &t->ctrls[t->nctrls - 1 - depth];
    if (c->kind == CTRL_FUNC)
        return vm_tr_emit_return(t);
    uint32_t n = c->kind == CTRL_LOOP ? c->nparams : c->nresults;
    const vm_valtype *types = c->kind == CTRL_LOOP ? c->params : c->results;
    /* Destinations are position slots at or below the values' own, and no
     * operand reads a position slot other than its own: in order is safe
     * (a v128 copy reads both its slots before writing). */
    uint32_t dst = pos_slot(t, c->height);
    for (uint32_t i = 0; i < n; i++) {
        if (!vm_tr_emit_value_to(t, &t->stack[t->height - n + i], dst))
            return false;
        dst += vm_valtype_slots(types[i]);
    }
    return vm_tr_emit_op(t, c->kind == CTRL_LOOP ? VM_OP_BR_BACK : VM_OP_BR) && vm_tr_add_fixup(t, depth);
}

void vm_tr_set_unreachable(translator *t)
{
    ctrl *c = top_ctrl(t);
    t->height = c->height;
    c->unreachable = true;
}

static void patch_chain(translator *t, uint32_t at, uint32_t target)
{
    while (at != NO_TARGET) {
        uint32_t next = t->code->words[at];
        t->code->words[at] = target;
        at = next;
    }
}

/* The block's results are on top, exactly, and in their own slots. */
static bool close_results(translator *t, ctrl *c)
{
    if (!vm_tr_check_top(t, c->results, c->nresults, false))
        return false;
    if (t->height != c->height + c->nresults)
        return vm_tr_fail(t, "type mismatch");
    return vm_tr_materialize(t, c->height, t->height);
}

bool vm_tr_do_else(translator *t)
{
    ctrl *c = top_ctrl(t);
    if (c->kind != CTRL_IF)
        return vm_tr_malformed(t, "else without if");
    if (!close_results(t, c))
        return false;
    if (tr_live(t) && (!vm_tr_emit_op(t, VM_OP_BR) || !vm_tr_add_fixup(t, 0)))
        return false;
    patch_chain(t, c->else_fixup, tr_pc(t));
    forget_dst(t);
    c->else_fixup = NO_TARGET;
    c->kind = CTRL_ELSE;
    c->unreachable = false;
    t->height = c->height;
    return vm_tr_push_types(t, c->params, c->nparams);
}

bool vm_tr_do_end(translator *t, bool *function_done)
{
    ctrl *c = top_ctrl(t);
    if (!close_results(t, c))
        return false;
    if (c->kind == CTRL_IF) {   /* no else: the params flow through unchanged */
        bool same = c->nparams == c->nresults;
        for (uint32_t i = 0; same && i < c->nparams; i++)
            same = c->params[i] == c->results[i];
        if (!same)
            return vm_tr_fail(t, "type mismatch");
    }
    if (c->kind == CTRL_FUNC) {
        if (tr_live(t) && !vm_tr_emit_return(t))
            return false;
        t->nctrls--;
        *function_done = true;
        return true;
    }
    patch_chain(t, c->else_fixup, tr_pc(t));
    patch_chain(t, c->fixups, tr_pc(t));
    forget_dst(t);
    uint32_t height = c->height, nresults = c->nresults;
    const vm_valtype *results = c->results;
    t->nctrls--;
    t->height = height;
    return vm_tr_push_types(t, results, nresults);
}

/* ---- the driver ---- */

static bool read_locals_and_run(translator *t, uint32_t index)
{
    const vm_module *m = t->m;
    const vm_func_def *f = &m->funcs[index];
    t->type = &m->types[f->type_index];
    t->nlocals = t->type->nparams + f->nlocals;
    if (t->nlocals > t->locals_cap) {
        vm_valtype *types = realloc(t->local_types, t->nlocals * sizeof *t->local_types);
        if (types != NULL)
            t->local_types = types;
        uint32_t *slots = realloc(t->local_slots, t->nlocals * sizeof *t->local_slots);
        if (slots != NULL)
            t->local_slots = slots;
        if (types == NULL || slots == NULL)
            return vm_tr_out_of_memory(t);
        t->locals_cap = t->nlocals;
    }
    t->code = calloc(1, sizeof *t->code);
    if (t->code == NULL)
        return vm_tr_out_of_memory(t);
    if (t->type->nparams)
        memcpy(t->local_types, t->type->params, t->type->nparams * sizeof *t->local_types);
    if (f->nlocals)
        memcpy(t->local_types + t->type->nparams, f->local_types, f->nlocals * sizeof *t->local_types);
    /* At most VM_MAX_LOCALS locals of at most two slots each. */
    uint32_t slot = 0;
    for (uint32_t i = 0; i < t->nlocals; i++) {
        if (i == t->type->nparams)
            t->nparam_slots = slot;
        t->local_slots[i] = slot;
        slot += vm_valtype_slots(t->local_types[i]);
    }
    if (t->nlocals == t->type->nparams)
        t->nparam_slots = slot;
    t->nlocal_slots = slot;
    t->r.pos = f->body_offset;
    t->r.end = f->body_end;
    t->op_offset = f->body_offset;
    t->last_dst = NO_TARGET;
    t->barrier = 0;
    t->group_len = 0;
    if (!vm_tr_push_ctrl(t, CTRL_FUNC, 0, NULL, t->type->nresults, t->type->results))
        return false;
    bool done = false;
    while (!done) {
        if (t->r.pos >= t->r.end) {
            t->op_offset = (uint32_t)t->r.pos;
            return vm_tr_malformed(t, "unexpected end of section or function");
        }
        t->op_offset = (uint32_t)t->r.pos;
        uint8_t opcode;
        if (!vm_read_u8(&t->r, &opcode) || !vm_tr_instruction(t, opcode, &done))
            return false;
    }
    if (t->r.pos != t->r.end) {
        t->op_offset = (uint32_t)t->r.pos;
        return vm_tr_malformed(t, "section size mismatch");
    }
    vm_code *c = t->code;
    c->nparams = t->nparam_slots;
    c->nlocals = t->nlocal_slots;
    c->nresults = vm_valtypes_slots(t->type->results, t->type->nresults);
    c->frame_slots = t->nlocal_slots + t->max_slots;
    if (c->frame_slots < c->nresults)
        c->frame_slots = c->nresults;
    if (c->frame_slots < c->nparams + VM_FRAME_ZEROED)
        c->frame_slots = c->nparams + VM_FRAME_ZEROED;
    return true;
}

/* The arrays grew by doubling: give back what the finished body does not
 * use (the heap reuses it for the next body; a large module's code and
 * line table otherwise hold up to twice their size). A failed shrink
 * keeps the larger block. */
static void shrink_to_fit(vm_code *c)
{
    uint32_t *words = realloc(c->words, (c->nwords ? c->nwords : 1) * sizeof *words);
    if (words != NULL)
        c->words = words;
    if (c->nlines > 0) {
        vm_code_line *lines = realloc(c->lines, c->nlines * sizeof *lines);
        if (lines != NULL)
            c->lines = lines;
    }
}

bool vm_translate_function(const vm_translate_env *env, uint32_t index, vm_error *err)
{
    translator t;
    memset(&t, 0, sizeof t);
    t.env = env;
    t.m = env->m;
    t.r = (vm_reader){ env->m->bytes, 0, env->m->size, err };
    vm_translate_workspace *w = env->work;
    t.stack = w->stack;
    t.stack_cap = w->stack_cap;
    t.ctrls = w->ctrls;
    t.ctrls_cap = w->ctrls_cap;
    t.scratch = w->scratch;
    t.scratch_cap = w->scratch_cap;
    t.local_types = w->local_types;
    t.local_slots = w->local_slots;
    t.locals_cap = w->locals_cap;
    bool ok = read_locals_and_run(&t, index);
    *w = (vm_translate_workspace){ t.stack, t.ctrls, t.scratch, t.local_types, t.local_slots,
                                   t.stack_cap, t.ctrls_cap, t.scratch_cap, t.locals_cap };
    if (ok) {
        shrink_to_fit(t.code);
        ((vm_module *)env->m)->funcs[index].code = t.code;
    } else {
        vm_code_free(t.code);
    }
    return ok;
}

void vm_translate_workspace_free(vm_translate_workspace *w)
{
    free(w->stack);
    free(w->ctrls);
    free(w->scratch);
    free(w->local_types);
    free(w->local_slots);
    *w = (vm_translate_workspace){ 0 };
}

void vm_code_free(vm_code *c)
{
    if (c == NULL)
        return;
    free(c->words);
    free(c->lines);
#ifdef VM_PROFILE
    free(c->counts);
#endif
    free(c);
}

uint32_t vm_code_offset(const vm_code *c, uint32_t pc)
{
    uint32_t lo = 0, hi = c->nlines;
    while (hi - lo > 1) {   /* the last line starting at or before pc */
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->lines[mid].pc <= pc)
            lo = mid;
        else
            hi = mid;
    }
    return c->nlines ? c->lines[lo].offset : 0;
}
