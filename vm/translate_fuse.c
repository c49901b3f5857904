/* translate_fuse.c — superinstructions: folding the instruction (or two)
 * just emitted into the one being emitted now, so the interpreter
 * dispatches once where wasm had two or three instructions:
 *   - the accumulator: an operand that the instruction just before
 *     computed is read from the interpreter's accumulator register (the
 *     _A forms) instead of from its slot, which the CPU would have to
 *     reload right after storing it;
 *   - addresses: `i32.add x, C` (`i32.sub x, C` is translated as one),
 *     `i32.add b, i` and `i32.add b, (i32.shl i, k)` (k ≤ 3) computing a
 *     load's or store's address become its _ADD or _IDX form;
 *   - a load feeding a binary operation becomes the operation's _M form,
 *     its _RMW form when the result is stored right back in its place;
 *   - two copies in a row become one COPY2;
 *   - two to four instructions that run straight through, of the groups
 *     VM_PAIRS, VM_TRIPLES and VM_QUADS list, run as one (the first's
 *     opcode becomes the group's; not in a -DVM_NO_GROUPS build);
 *   - a loop counter's i32.add right before the compare-and-branch back to
 *     the loop head (or before a br_if back on the counter itself: a
 *     compare with 0) becomes one LOOP_ instruction.
 * Folding is only ever done with instructions that end exactly where the
 * new one starts, with no label in between (a branch could arrive there),
 * and whose results were only stack temporaries: taking them back changes
 * nothing else. */
#include <string.h>

#include "vm/translate_internal.h"

#define ACC_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_##NAME##_A, [VM_OP_##NAME##_IMM] = VM_OP_##NAME##_A_IMM,
static const vm_opcode acc_forms[VM_OP_COUNT] = { VM_IMM_OPS(ACC_ENTRY) };
#undef ACC_ENTRY

#define FORMS_ENTRY(NAME, ...) [VM_OP_##NAME] = { VM_OP_##NAME##_ADD, VM_OP_##NAME##_IDX },
static const vm_opcode address_forms[VM_OP_COUNT][2] = { VM_LOADS(FORMS_ENTRY) VM_STORES(FORMS_ENTRY) };
#undef FORMS_ENTRY
#define STORE_IMM_ENTRY(NAME, ...) \
    [VM_OP_##NAME] = { VM_OP_##NAME##_IMM, VM_OP_##NAME##_ADD_IMM, VM_OP_##NAME##_IDX_IMM },
static const vm_opcode store_imm_forms[VM_OP_COUNT][3] = { VM_STORES(STORE_IMM_ENTRY) };
#undef STORE_IMM_ENTRY
#define M_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_##NAME##_M,
static const vm_opcode memory_operand_forms[VM_OP_COUNT] = { VM_MEMORY_OPERAND_OPS(M_ENTRY) };
#undef M_ENTRY
#define RMW_ENTRY(NAME, ...) [VM_OP_##NAME##_M] = VM_OP_##NAME##_RMW,
static const vm_opcode store_back_forms[VM_OP_COUNT] = { VM_ARITH_BINOPS(RMW_ENTRY) };
#undef RMW_ENTRY
#define LOOP_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_LOOP_##NAME##_SS,
static const vm_opcode loop_forms[VM_OP_COUNT] = { VM_I32_COMPARES(LOOP_ENTRY) };
#undef LOOP_ENTRY
#define MIRRORED_ENTRY(NAME, CODE, T, EXPR, NEGATED, MIRRORED) [VM_OP_##NAME] = VM_OP_##MIRRORED,
static const vm_opcode mirrored[VM_OP_COUNT] = { VM_I32_COMPARES(MIRRORED_ENTRY) };
#undef MIRRORED_ENTRY

void vm_tr_prefer_acc(translator *t, uint32_t word)
{
    uint32_t *w = t->code->words + t->last_op;
    if (t->op_acc != NO_TARGET && w[word] == t->op_acc && acc_forms[w[0]])
        w[0] = acc_forms[w[0]];
}

/* The last instruction emitted, if it computed o (a stack temporary) and
 * ends right here: its words, else NULL. */
static const uint32_t *producer_of(const translator *t, const operand *o)
{
    if (o->kind != OPD_SLOT || t->last_dst == NO_TARGET || t->last_end != tr_pc(t) ||
        t->code->words[t->last_dst] != o->slot)
        return NULL;
    return t->code->words + t->last_op;
}

bool vm_tr_just_computed(const translator *t, const operand *o) { return producer_of(t, o) != NULL; }

/* The instruction before the last one, if it leads straight into it. */
static const uint32_t *previous(const translator *t)
{
    if (t->prev_op >= t->last_op || t->prev_op < t->barrier)
        return NULL;
    return t->code->words + t->prev_op;
}

/* Removes the code from pos on; what is emitted next starts there. */
static void take_back(translator *t, uint32_t pos)
{
    vm_code *c = t->code;
    c->nwords = pos;
    while (c->nlines > 0 && c->lines[c->nlines - 1].pc >= pos)
        c->nlines--;
    /* A group that loses an instruction is a single instruction again. */
    if (t->group_len > 0 && t->group_last >= pos) {
        if (t->group_first < pos)
            c->words[t->group_first] = vm_group_first(c->words[t->group_first], NULL);
        t->group_len = 0;
    }
    t->last_dst = NO_TARGET;
    /* The instructions before pos are the last ones again (the next one
     * may pair with them); "unknown" is a position equal to last_op. */
    if (pos == t->last_op && t->prev_op < pos) {
        t->last_op = t->prev_op;
        t->prev_op = t->prev2_op < t->last_op ? t->prev2_op : t->last_op;
    } else if (pos == t->prev_op && t->prev2_op < pos) {
        t->last_op = t->prev_op = t->prev2_op;
    } else {
        t->last_op = t->prev_op = pos;
    }
    t->prev2_op = t->prev_op;
}

static bool is_shift_by_const(uint32_t op)
{
    return op == VM_OP_I32_SHL_IMM || op == VM_OP_I32_SHL_A_IMM;
}
/* The _A forms have the words of the forms they come from. */
_Static_assert(VM_LENGTH(I32_ADD_A) == VM_LENGTH(I32_ADD) && VM_LENGTH(I32_ADD_A_IMM) == VM_LENGTH(I32_ADD_IMM) &&
                   VM_LENGTH(I32_SHL_A_IMM) == VM_LENGTH(I32_SHL_IMM),
               "an _A form has its plain form's layout");

void vm_tr_fold_address(translator *t, const operand *addr, tr_address *out)
{
    *out = (tr_address){ TR_ADDR_SLOT, addr->slot, 0, 0 };
    const uint32_t *w = producer_of(t, addr);
    if (w == NULL)
        return;
    uint32_t at = t->last_op;
    switch (w[0]) {
    case VM_OP_I32_ADD_IMM:
    case VM_OP_I32_ADD_A_IMM: {
        const vm_operands_I32_ADD_IMM *add = VM_OPERANDS(I32_ADD_IMM, w);
        *out = (tr_address){ TR_ADDR_ADD, add->a, 0, add->b[0] };
        break;
    }
    case VM_OP_I32_ADD:
    case VM_OP_I32_ADD_A: {
        const vm_operands_I32_ADD *add = VM_OPERANDS(I32_ADD, w);
        uint32_t x = add->a, y = add->b;
        const uint32_t *s = previous(t);
        const vm_operands_I32_SHL_IMM *shl = VM_OPERANDS(I32_SHL_IMM, s);
        /* the shifted temporary is one of the sum's operands */
        if (s != NULL && is_shift_by_const(s[0]) && shl->b[0] <= 3 && shl->dst >= t->nlocal_slots && x != y &&
            (shl->dst == x || shl->dst == y)) {
            *out = (tr_address){ TR_ADDR_IDX, shl->dst == x ? y : x, shl->a, shl->b[0] };
            at = t->prev_op;
        } else {
            *out = (tr_address){ TR_ADDR_IDX, x, y, 0 };
        }
        break;
    }
    default:
        return;
    }
    take_back(t, at);
}

/* Emits a's words: 1 (SLOT), 2 (ADD) or 3 (IDX). */
static bool emit_address(translator *t, const tr_address *a)
{
    switch (a->mode) {
    case TR_ADDR_SLOT: return emit(t, a->a);
    case TR_ADDR_ADD: return emit(t, a->a) && emit(t, a->k);
    default: return emit(t, a->a) && emit(t, a->b) && emit(t, a->k);
    }
}

static vm_opcode address_form(vm_opcode op, const tr_address *a)
{
    return a->mode == TR_ADDR_SLOT ? op : address_forms[op][a->mode == TR_ADDR_IDX];
}

bool vm_tr_emit_load(translator *t, vm_opcode op, uint32_t dst, const tr_address *a, uint32_t offset)
{
    if (!vm_tr_emit_op(t, address_form(op, a)) || !emit(t, dst) || !emit_address(t, a) || !emit(t, offset))
        return false;
    note_dst(t);
    return true;
}

bool vm_tr_emit_store(translator *t, vm_opcode op, const tr_address *a, uint32_t value, uint32_t offset)
{
    return vm_tr_emit_op(t, address_form(op, a)) && emit_address(t, a) && emit(t, value) && emit(t, offset);
}

bool vm_tr_emit_store_imm(translator *t, vm_opcode op, vm_valtype type, const tr_address *a, uint64_t bits,
                    uint32_t offset)
{
    bool ok = vm_tr_emit_op(t, store_imm_forms[op][a->mode]) && emit_address(t, a) && emit(t, offset);
    vm_tr_emit_imm(t, type, bits, &ok);
    return ok;
}

/* The plain load (or store) of each type's full width. */
static vm_opcode full_width(vm_valtype type, bool store)
{
    switch (type) {
    case VM_I32: return store ? VM_OP_I32_STORE : VM_OP_I32_LOAD;
    case VM_I64: return store ? VM_OP_I64_STORE : VM_OP_I64_LOAD;
    case VM_F32: return store ? VM_OP_F32_STORE : VM_OP_F32_LOAD;
    case VM_F64: return store ? VM_OP_F64_STORE : VM_OP_F64_LOAD;
    default: return VM_OP_UNREACHABLE;
    }
}

/* Where, in the wasm binary, the instruction at pc came from. */
static uint32_t offset_at(const vm_code *c, uint32_t pc)
{
    uint32_t i = c->nlines;
    while (i > 0 && c->lines[i - 1].pc > pc)
        i--;
    return i > 0 ? c->lines[i - 1].offset : 0;
}

bool vm_tr_fold_memory_operand(translator *t, vm_opcode op, vm_valtype in, uint32_t dst, const operand *a,
                         const operand *b, bool *done)
{
    *done = false;
    const uint32_t *w = producer_of(t, b);
    if (w == NULL || !memory_operand_forms[op] || a->slot == b->slot)
        return true;
    vm_opcode load = full_width(in, false);
    uint32_t addr, add, offset, at = t->last_op;
    if (w[0] == (uint32_t)load) {
        const vm_layout_LOAD *l = (const void *)w;
        addr = l->addr;
        add = 0;
        offset = l->offset;
    } else if (w[0] == (uint32_t)address_forms[load][0]) {
        const vm_layout_LOAD_ADD *l = (const void *)w;
        addr = l->addr;
        add = l->add[0];
        offset = l->offset;
    } else {
        return true;
    }
    uint32_t wasm_offset = t->op_offset;
    t->op_offset = offset_at(t->code, at);   /* a trap in it is the load's */
    take_back(t, at);
    bool ok = vm_tr_emit_op(t, memory_operand_forms[op]) && emit(t, dst) && emit(t, a->slot) && emit(t, addr) &&
              emit(t, add) && emit(t, offset);
    t->op_offset = wasm_offset;
    if (ok)
        note_dst(t);
    *done = true;
    return ok;
}

bool vm_tr_fold_store_back(translator *t, vm_opcode store, vm_valtype type, const tr_address *a, uint32_t value,
                     uint32_t offset)
{
    uint32_t at = t->last_op;
    if (a->mode != TR_ADDR_SLOT || store != full_width(type, true) || at < t->barrier ||
        t->last_end != tr_pc(t) || t->last_dst != at + 1)
        return false;
    uint32_t *w = t->code->words + at;
    const vm_layout_BINARY_M *m = (const void *)w;   /* w[0] is a NAME_M, if anything */
    if (!store_back_forms[w[0]] || m->dst != value || m->addr != a->a || m->add[0] != 0 ||
        m->offset != offset || m->dst == m->addr)
        return false;
    w[0] = store_back_forms[w[0]];
    t->last_dst = NO_TARGET;   /* its result went to memory */
    return true;
}

bool vm_tr_merge_copy(translator *t, uint32_t dst, uint32_t src, bool *ok)
{
    uint32_t at = t->last_op;
    if (at < t->barrier || at + VM_LENGTH(COPY) != tr_pc(t) || t->code->words[at] != VM_OP_COPY)
        return false;
    *ok = emit(t, dst) && emit(t, src);
    if (*ok) {
        t->code->words[at] = VM_OP_COPY2;
        /* The second copy's destination is now the one local.set may retarget. */
        t->last_dst = at + VM_WORD_OF(COPY2, dst2);
        t->last_end = tr_pc(t);
    }
    return true;
}

#ifndef VM_NO_GROUPS
#define PAIR_ENTRY(FIRST, SECOND) { VM_OP_##FIRST, VM_OP_##SECOND, VM_OP_PAIR_##FIRST##_##SECOND },
static const struct {
    vm_opcode first, second, pair;
} pairs[] = { VM_PAIRS(PAIR_ENTRY) };
#undef PAIR_ENTRY

/* For each opcode that begins pairs, 1 + the index of the last of them
 * (they stand together in VM_PAIRS; a later entry overrides an earlier
 * one, as C's initialisers do); 0 for all others. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#define FIRST_ENTRY(FIRST, SECOND) [VM_OP_##FIRST] = 1 + (VM_OP_PAIR_##FIRST##_##SECOND - PAIRS_START),
enum { PAIRS_START = VM_OP_GROUPS_START };   /* the pairs come first */
static const uint8_t last_pair_of[VM_OP_COUNT] = { VM_PAIRS(FIRST_ENTRY) };
#undef FIRST_ENTRY
_Static_assert(sizeof pairs / sizeof pairs[0] < 255, "last_pair_of holds 1 + a pair's index in a byte");
#pragma GCC diagnostic pop

/* The triples and quads, each with its instructions. */
#define TRIPLE_ENTRY(A, B, C) { { VM_OP_##A, VM_OP_##B, VM_OP_##C }, 3, VM_OP_TRIPLE_##A##_##B##_##C },
#define QUAD_ENTRY(A, B, C, D) { { VM_OP_##A, VM_OP_##B, VM_OP_##C, VM_OP_##D }, 4, VM_OP_QUAD_##A##_##B##_##C##_##D },
static const struct {
    vm_opcode ops[4];
    uint32_t n;
    vm_opcode group;
} longer[] = { VM_TRIPLES(TRIPLE_ENTRY) VM_QUADS(QUAD_ENTRY) };
#undef TRIPLE_ENTRY
#undef QUAD_ENTRY

/* The triple or quad of the n instructions ops and then `next`, or 0. */
static vm_opcode longer_group(const uint32_t *ops, uint32_t n, uint32_t next)
{
    for (size_t i = 0; i < sizeof longer / sizeof longer[0]; i++) {
        if (longer[i].n != n + 1 || longer[i].ops[n] != next)
            continue;
        uint32_t k = 0;
        while (k < n && longer[i].ops[k] == ops[k])
            k++;
        if (k == n)
            return longer[i].group;
    }
    return 0;
}

/* Makes the latest group the triple or quad of the n instructions ops
 * and the one at `next`, if the lists have it. */
static bool grow_group(translator *t, const uint32_t *ops, uint32_t n, uint32_t next)
{
    uint32_t *w = t->code->words;
    vm_opcode op = n < 4 ? longer_group(ops, n, w[next]) : 0;
    if (!op)
        return false;
    memmove(t->group_ops, ops, n * sizeof *ops);
    t->group_ops[n] = w[next];
    t->group_len = n + 1;
    t->group_last = next;
    w[t->group_first] = op;
    return true;
}

void vm_tr_group_up(translator *t)
{
#ifdef VM_PROFILE
    /* A profile counts every instruction: it needs each one dispatched. */
    (void)t;
    return;
#endif
    if (t->m->features & VM_LOAD_NO_GROUPS)   /* every instruction on its own */
        return;
    uint32_t *w = t->code->words, p = t->prev_op, l = t->last_op;
    /* Adjacent, no label between them nor on the second. */
    if (p >= l || l == tr_pc(t) || (t->barrier > p && t->barrier <= l))
        return;
    if (t->group_len > 0 && t->group_last == p) {   /* the latest group ends at p: one more? */
        grow_group(t, t->group_ops, t->group_len, l);
        return;
    }
    /* Nor may an instruction inside the latest group start a new one (a
     * fold took back what followed the group, and the group came round
     * again as the last instructions). */
    if (last_pair_of[w[p]] == 0 || (t->group_len > 0 && p >= t->group_first && p < t->group_last))
        return;
    for (int i = last_pair_of[w[p]] - 1; i >= 0 && w[p] == (uint32_t)pairs[i].first; i--) {
        if (w[l] != (uint32_t)pairs[i].second)
            continue;
        /* A pair right after a pair may make a quad with it (p stays a
         * single instruction inside it). */
        uint32_t ops[3] = { t->group_ops[0], t->group_ops[1], w[p] };
        if (t->group_len == 2 && t->group_last == t->prev2_op && t->prev2_op < p &&
            !(t->barrier > t->prev2_op && t->barrier <= p) && grow_group(t, ops, 3, l))
            return;
        t->group_first = p;
        t->group_last = l;
        t->group_ops[0] = w[p];
        t->group_ops[1] = w[l];
        t->group_len = 2;
        w[p] = pairs[i].pair;
        return;
    }
}
#else
/* A build without groups (-DVM_NO_GROUPS, groups.h): every instruction
 * stays on its own. */
void vm_tr_group_up(translator *t) { (void)t; }
#endif

bool vm_tr_fold_loop_tail(translator *t, vm_opcode cmp, uint32_t a, bool b_imm, uint64_t b, bool *ok)
{
    /* last_dst says which instruction just wrote a, also after local.set
     * or local.tee made it write a local. */
    if (!loop_forms[cmp] || t->last_dst != t->last_op + 1 || t->last_end != tr_pc(t))
        return false;
    uint32_t counter = t->code->words[t->last_dst];
    if (counter != a && !b_imm && counter == b) {   /* x < i is i > x */
        cmp = mirrored[cmp];
        b = a;
        a = counter;
    }
    if (counter != a)
        return false;
    const uint32_t *w = t->code->words + t->last_op;
    bool y_imm;
    uint32_t dst, x, y;
    switch (w[0]) {
    case VM_OP_I32_ADD:
    case VM_OP_I32_ADD_A: {
        const vm_operands_I32_ADD *add = VM_OPERANDS(I32_ADD, w);
        y_imm = false;
        dst = add->dst, x = add->a, y = add->b;
        break;
    }
    case VM_OP_I32_ADD_IMM:
    case VM_OP_I32_ADD_A_IMM: {
        const vm_operands_I32_ADD_IMM *add = VM_OPERANDS(I32_ADD_IMM, w);
        y_imm = true;
        dst = add->dst, x = add->a, y = add->b[0];
        break;
    }
    default:
        return false;
    }
    take_back(t, t->last_op);
    /* LOOP_X_SS, _SI, _IS, _II, in that order */
    vm_opcode op = (vm_opcode)(loop_forms[cmp] + (y_imm ? 2 : 0) + (b_imm ? 1 : 0));
    *ok = vm_tr_emit_op(t, op) && emit(t, dst) && emit(t, x) && emit(t, y) && emit(t, (uint32_t)b);
    return true;
}
