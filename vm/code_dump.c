/* code_dump.c — prints translated code as text, one instruction a line,
 * each operand named as its layout names it (layouts.h):
 *     12  I32_ADD_IMM              dst=s3 a=s1 b=5
 * slots as sN, immediates as numbers, branch targets as @N (the word
 * index of the instruction they go to): for reading what the translator
 * made of a function, and for tuning it. Also: the first instruction of
 * a group (vm_group_first()). */
#include <stdio.h>

#include "vm/code.h"
#include "vm/module.h"
#include "vm/layouts.h"
#include "vm/numeric.h"

/* How the dump prints an operand word of each kind (layouts.h). */
typedef enum {
    OPD_SLOT,      /* s3 */
    OPD_WORD,      /* 8 */
    OPD_I32,       /* -1: an i32 immediate reads as wasm wrote it */
    OPD_I64,
    OPD_F32,       /* 1.5 */
    OPD_F64,
    OPD_V128,      /* 0x...: 32 hex digits, the high half first */
    OPD_TARGET,    /* @12 */
    OPD_TARGETS,   /* @12,@20,@31 */
} operand_kind;

/* Each layout's operands, from the one list of layouts (a layout with
 * more than MAX_OPERANDS does not compile). Names are stored
 * in place, not as pointers: the tables then need no relocation when the
 * program starts, so their pages stay untouched until something is
 * dumped. */
#define MAX_OPERANDS 6
typedef struct {
    uint8_t kind;
    char name[11];
} operand_info;
#define SLOT(name) { OPD_SLOT, #name },
#define WORD(name) { OPD_WORD, #name },
#define VALUE(T, name) { OPD_##T, #name },
#define TARGET(name) { OPD_TARGET, #name },
#define TARGETS(name) { OPD_TARGETS, #name },
#define OPERANDS_OF(LAYOUT, OPERANDS) [VM_LAYOUT_##LAYOUT] = { OPERANDS },
static const operand_info layout_operands[VM_LAYOUT_COUNT][MAX_OPERANDS] = { VM_LAYOUTS(OPERANDS_OF) };
#undef OPERANDS_OF
#undef SLOT
#undef WORD
#undef VALUE
#undef TARGET
#undef TARGETS

/* Each layout's words, opcode included. */
#define LENGTH_OF(LAYOUT, OPERANDS) [VM_LAYOUT_##LAYOUT] = sizeof(vm_layout_##LAYOUT) / sizeof(uint32_t),
static const uint8_t layout_length[VM_LAYOUT_COUNT] = { VM_LAYOUTS(LENGTH_OF) };
#undef LENGTH_OF

/* Each opcode's name and layout; not the groups': a group prints as its
 * first instruction. */
typedef struct {
    char name[31];
    uint8_t layout;
} op_info;
#define VM_OPCODE(NAME, LAYOUT) [VM_OP_##NAME] = { #NAME, VM_LAYOUT_##LAYOUT },
static const op_info ops[VM_OP_COUNT] = { VM_SCALAR_OPCODES VM_V128_OPCODES };
#undef VM_OPCODE

#ifndef VM_NO_GROUPS
/* The groups end at VM_OP_GROUPS_END: pairs, triples, quads, in list
 * order; each with its first instruction and its length. */
#define PAIR_FIRST(A, B) { VM_OP_##A, 2 },
#define TRIPLE_FIRST(A, B, C) { VM_OP_##A, 3 },
#define QUAD_FIRST(A, B, C, D) { VM_OP_##A, 4 },
static const struct {
    vm_opcode first;
    uint8_t length;
} groups[] = { VM_PAIRS(PAIR_FIRST) VM_TRIPLES(TRIPLE_FIRST) VM_QUADS(QUAD_FIRST) };
#undef PAIR_FIRST
#undef TRIPLE_FIRST
#undef QUAD_FIRST
_Static_assert(sizeof groups / sizeof groups[0] == VM_OP_GROUPS_END - VM_OP_GROUPS_START,
               "the groups end at VM_OP_GROUPS_END");

uint32_t vm_group_first(uint32_t op, uint32_t *length)
{
    bool group = op >= VM_OP_GROUPS_START && op < VM_OP_GROUPS_END;
    if (length != NULL)
        *length = group ? groups[op - VM_OP_GROUPS_START].length : 1;
    return group ? groups[op - VM_OP_GROUPS_START].first : op;
}
#else
/* A build without groups (groups.h): every opcode is its own. */
_Static_assert((int)VM_OP_GROUPS_END == (int)VM_OP_GROUPS_START, "VM_NO_GROUPS leaves no group opcode");
uint32_t vm_group_first(uint32_t op, uint32_t *length)
{
    if (length != NULL)
        *length = 1;
    return op;
}
#endif

/* The words of the instruction at `at`, opcode included; 0 if it is not
 * one. */
static uint32_t op_length(const uint32_t *at)
{
    uint32_t op = vm_group_first(at[0], NULL);
    if (op >= VM_OP_COUNT || ops[op].name[0] == 0)
        return 0;
    uint32_t n = layout_length[ops[op].layout];
    return op == VM_OP_BR_TABLE ? n + VM_OPERANDS(BR_TABLE, at)->n : n;
}

/* Prints the operand o whose first word is at w. */
static void dump_operand(FILE *out, const operand_info *o, const uint32_t *w)
{
    uint64_t wide = w[0];
    if (o->kind == OPD_I64 || o->kind == OPD_F64)
        wide |= (uint64_t)w[1] << 32;
    fprintf(out, " %s=", o->name);
    switch ((operand_kind)o->kind) {
    case OPD_SLOT: fprintf(out, "s%u", w[0]); break;
    case OPD_WORD: fprintf(out, "%u", w[0]); break;
    case OPD_I32: fprintf(out, "%d", (int32_t)w[0]); break;
    case OPD_I64: fprintf(out, "%lld", (long long)(int64_t)wide); break;
    case OPD_F32: fprintf(out, "%.9g", (double)f32_from_bits(w[0])); break;
    case OPD_F64: fprintf(out, "%.17g", f64_from_bits(wide)); break;
    case OPD_V128: fprintf(out, "0x%08x%08x%08x%08x", w[3], w[2], w[1], w[0]); break;
    case OPD_TARGET: fprintf(out, "@%u", w[0]); break;
    case OPD_TARGETS:
        for (uint32_t i = 0; i < w[-1]; i++)
            fprintf(out, "%s@%u", i ? "," : "", w[i]);
        break;
    }
}

/* The words an operand of kind `kind` takes. */
static uint32_t operand_words(uint8_t kind)
{
    switch ((operand_kind)kind) {
    case OPD_I64: case OPD_F64: return 2;
    case OPD_V128: return 4;
    default: return 1;
    }
}

/* Prints the code as text, an instruction a line. */
static void vm_code_dump(const vm_code *c, FILE *out)
{
    fprintf(out, "  ; %u params, %u locals, %u slots\n", c->nparams, c->nlocals, c->frame_slots);
    for (uint32_t pc = 0; pc < c->nwords;) {
        /* A group prints as its first instruction, marked with a "+" for
         * each instruction that runs with it, and then those, which keep
         * their own words. */
        const uint32_t *at = c->words + pc;
        uint32_t length;
        uint32_t op = vm_group_first(at[0], &length);
        uint32_t words = op_length(at);
        if (words == 0 || pc + words > c->nwords) {
            fprintf(out, "  %5u  ?? %u\n", pc, op);
            return;
        }
        char name[40];
        snprintf(name, sizeof name, "%s%s", ops[op].name, &"+++"[4 - length]);
        fprintf(out, words > 1 ? "  %5u  %-24s" : "  %5u  %s", pc, name);
        const operand_info *o = layout_operands[ops[op].layout];
        for (uint32_t w = 1; w < words && o->name[0]; o++) {
            dump_operand(out, o, at + w);
            w += o->kind == OPD_TARGETS ? at[w - 1] : operand_words(o->kind);
        }
#ifdef VM_PROFILE
        if (c->counts != NULL)
            fprintf(out, "  ; ran %llu", (unsigned long long)c->counts[pc]);
#endif
        fputc('\n', out);
        pc += words;
    }
}

void vm_module_dump(const vm_module *m, uint32_t only, FILE *out)
{
    for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++) {
        if (only != UINT32_MAX && only != i)
            continue;
        const char *name = m->func_names ? m->func_names[i] : NULL;
        fprintf(out, "func %u%s%s\n", i, name ? " " : "", name ? name : "");
        vm_code_dump(m->funcs[i - m->nimported_funcs].code, out);
    }
}
