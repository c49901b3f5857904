/* code_dump.c — prints translated code as text, one instruction a line:
 * for reading what the translator made of a function (and for tuning it).
 * Operand counts come from the same opcode table as everything else. */
#include <stdio.h>

#include "vm/code.h"
#include "vm/module.h"
#include "vm/opcodes.h"

#define IMM_WORDS_I32 1
#define IMM_WORDS_I64 2
#define IMM_WORDS_F32 1
#define IMM_WORDS_F64 2

/* The operand words of each kind of SIMD instruction (opcodes.h). */
#define SIMD_WORDS_CONST 5
#define SIMD_WORDS_SHUFFLE 7
#define SIMD_WORDS_UNARY 2
#define SIMD_WORDS_BINARY 3
#define SIMD_WORDS_TERNARY 4
#define SIMD_WORDS_TEST 2
#define SIMD_WORDS_SHIFT 3
#define SIMD_WORDS_SPLAT_I32 2
#define SIMD_WORDS_SPLAT_I64 2
#define SIMD_WORDS_SPLAT_F32 2
#define SIMD_WORDS_SPLAT_F64 2
#define SIMD_WORDS_EXTRACT_I32 3
#define SIMD_WORDS_EXTRACT_I64 3
#define SIMD_WORDS_EXTRACT_F32 3
#define SIMD_WORDS_EXTRACT_F64 3
#define SIMD_WORDS_REPLACE_I32 4
#define SIMD_WORDS_REPLACE_I64 4
#define SIMD_WORDS_REPLACE_F32 4
#define SIMD_WORDS_REPLACE_F64 4
#define SIMD_WORDS_LOAD 4
#define SIMD_WORDS_STORE 4
#define SIMD_WORDS_LOAD_LANE 6
#define SIMD_WORDS_STORE_LANE 5

/* Names are stored in place, not as pointers: the table then needs no
 * relocation when the program starts, so its pages stay untouched until
 * something is dumped. */
typedef struct {
    char name[32];
    int words;   /* operand words after the opcode; -1: BR_TABLE */
} op_info;

static const op_info ops[VM_OP_COUNT] = {
    [VM_OP_UNREACHABLE] = { "UNREACHABLE", 0 }, [VM_OP_COPY] = { "COPY", 2 },
    [VM_OP_COPY2] = { "COPY2", 4 },
    [VM_OP_CONST32] = { "CONST32", 2 }, [VM_OP_CONST64] = { "CONST64", 3 },
    [VM_OP_BR] = { "BR", 1 }, [VM_OP_BR_IF] = { "BR_IF", 2 }, [VM_OP_BR_UNLESS] = { "BR_UNLESS", 2 },
    [VM_OP_BR_TABLE] = { "BR_TABLE", -1 }, [VM_OP_BR_BACK] = { "BR_BACK", 1 },
    [VM_OP_BR_IF_BACK] = { "BR_IF_BACK", 2 }, [VM_OP_CALL] = { "CALL", 2 },
    [VM_OP_CALL_INDIRECT] = { "CALL_INDIRECT", 4 }, [VM_OP_RETURN] = { "RETURN", 0 },
    [VM_OP_RETURN_CALL] = { "RETURN_CALL", 1 },
    [VM_OP_RETURN_CALL_INDIRECT] = { "RETURN_CALL_INDIRECT", 3 },
    [VM_OP_SELECT] = { "SELECT", 4 }, [VM_OP_GLOBAL_GET] = { "GLOBAL_GET", 2 },
    [VM_OP_GLOBAL_SET] = { "GLOBAL_SET", 2 }, [VM_OP_MEMORY_SIZE] = { "MEMORY_SIZE", 2 },
    [VM_OP_MEMORY_GROW] = { "MEMORY_GROW", 3 }, [VM_OP_REF_FUNC] = { "REF_FUNC", 2 },
    [VM_OP_REF_IS_NULL] = { "REF_IS_NULL", 2 }, [VM_OP_TABLE_GET] = { "TABLE_GET", 3 },
    [VM_OP_TABLE_SET] = { "TABLE_SET", 3 }, [VM_OP_TABLE_SIZE] = { "TABLE_SIZE", 2 },
    [VM_OP_TABLE_GROW] = { "TABLE_GROW", 4 }, [VM_OP_TABLE_FILL] = { "TABLE_FILL", 4 },
    [VM_OP_TABLE_COPY] = { "TABLE_COPY", 5 }, [VM_OP_TABLE_INIT] = { "TABLE_INIT", 5 },
    [VM_OP_ELEM_DROP] = { "ELEM_DROP", 1 }, [VM_OP_MEMORY_INIT] = { "MEMORY_INIT", 5 },
    [VM_OP_DATA_DROP] = { "DATA_DROP", 1 }, [VM_OP_MEMORY_COPY] = { "MEMORY_COPY", 5 },
    [VM_OP_MEMORY_FILL] = { "MEMORY_FILL", 4 },
#define THREE(NAME, ...) [VM_OP_##NAME] = { #NAME, 3 },
#define TWO(NAME, ...) [VM_OP_##NAME] = { #NAME, 2 },
    VM_COMPARES(THREE) VM_BINOPS(THREE) VM_BINOPS_TRAP(THREE) VM_LOADS(THREE) VM_STORES(THREE)
    VM_UNOPS(TWO) VM_UNOPS_TRAP(TWO) VM_UNOPS_SAT(TWO)
#undef THREE
#undef TWO
#define IMM_CMP(NAME, CODE, T, ...) [VM_OP_##NAME##_IMM] = { #NAME "_IMM", 2 + IMM_WORDS_##T },
#define IMM_BIN(NAME, CODE, T, ...) [VM_OP_##NAME##_IMM] = { #NAME "_IMM", 2 + IMM_WORDS_##T },
    VM_COMPARES(IMM_CMP) VM_BINOPS(IMM_BIN) VM_BINOPS_TRAP(IMM_BIN)
#undef IMM_CMP
#undef IMM_BIN
#define FUSED(NAME, CODE, T, ...) \
    [VM_OP_BR_IF_##NAME] = { "BR_IF_" #NAME, 3 }, \
    [VM_OP_BR_IF_##NAME##_IMM] = { "BR_IF_" #NAME "_IMM", 2 + IMM_WORDS_##T }, \
    [VM_OP_BR_IF_##NAME##_BACK] = { "BR_IF_" #NAME "_BACK", 3 }, \
    [VM_OP_BR_IF_##NAME##_IMM_BACK] = { "BR_IF_" #NAME "_IMM_BACK", 2 + IMM_WORDS_##T },
    VM_COMPARES(FUSED)
#undef FUSED
#define ADD(NAME, ...) [VM_OP_##NAME##_ADD] = { #NAME "_ADD", 4 },
    VM_LOADS(ADD) VM_STORES(ADD)
#undef ADD
#define ACC(NAME, CODE, T, ...) [VM_OP_##NAME##_A] = { #NAME "_A", 3 }, \
    [VM_OP_##NAME##_A_IMM] = { #NAME "_A_IMM", 2 + IMM_WORDS_##T },
    VM_IMM_OPS(ACC)
#undef ACC
#define IDX(NAME, ...) [VM_OP_##NAME##_IDX] = { #NAME "_IDX", 5 },
    VM_LOADS(IDX) VM_STORES(IDX)
#undef IDX
#define STORE_IMM(NAME, CODE, T, ...) [VM_OP_##NAME##_IMM] = { #NAME "_IMM", 2 + IMM_WORDS_##T }, \
    [VM_OP_##NAME##_ADD_IMM] = { #NAME "_ADD_IMM", 3 + IMM_WORDS_##T }, \
    [VM_OP_##NAME##_IDX_IMM] = { #NAME "_IDX_IMM", 4 + IMM_WORDS_##T },
    VM_STORES(STORE_IMM)
#undef STORE_IMM
#define MEM(NAME, ...) [VM_OP_##NAME##_M] = { #NAME "_M", 5 },
    VM_MEMORY_OPERAND_OPS(MEM)
#undef MEM
#define LOOP(NAME, ...) [VM_OP_LOOP_##NAME##_SS] = { "LOOP_" #NAME "_SS", 5 }, \
    [VM_OP_LOOP_##NAME##_SI] = { "LOOP_" #NAME "_SI", 5 }, \
    [VM_OP_LOOP_##NAME##_IS] = { "LOOP_" #NAME "_IS", 5 }, \
    [VM_OP_LOOP_##NAME##_II] = { "LOOP_" #NAME "_II", 5 },
    VM_I32_COMPARES(LOOP)
#undef LOOP
#define OTHER_MEMORY(NAME, ...) [VM_OP_##NAME##_MEM] = { #NAME "_MEM", 4 },
    VM_LOADS(OTHER_MEMORY) VM_STORES(OTHER_MEMORY)
#undef OTHER_MEMORY
#define RMW(NAME, ...) [VM_OP_##NAME##_RMW] = { #NAME "_RMW", 5 },
    VM_ARITH_BINOPS(RMW)
#undef RMW
    [VM_OP_COPY_V128] = { "COPY_V128", 2 }, [VM_OP_SELECT_V128] = { "SELECT_V128", 4 },
    [VM_OP_GLOBAL_GET_V128] = { "GLOBAL_GET_V128", 2 }, [VM_OP_GLOBAL_SET_V128] = { "GLOBAL_SET_V128", 2 },
#define SIMD(NAME, TEXT, SUBOP, KIND, ...) [VM_OP_##NAME] = { #NAME, SIMD_WORDS_##KIND },
    VM_SIMD_OPS(SIMD)
#undef SIMD
};

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
#define NGROUPS (sizeof groups / sizeof groups[0])
#define GROUPS_START (VM_OP_GROUPS_END - NGROUPS)
_Static_assert(VM_OP_PAIR_I32_ADD_IMM_I32_ADD_IMM == GROUPS_START, "the groups end at VM_OP_GROUPS_END");

uint32_t vm_group_first(uint32_t op, uint32_t *length)
{
    bool group = op >= GROUPS_START && op < VM_OP_GROUPS_END;
    if (length != NULL)
        *length = group ? groups[op - GROUPS_START].length : 1;
    return group ? groups[op - GROUPS_START].first : op;
}

void vm_code_dump(const vm_code *c, FILE *out)
{
    fprintf(out, "  ; %u params, %u locals, %u slots\n", c->nparams, c->nlocals, c->frame_slots);
    for (uint32_t pc = 0; pc < c->nwords;) {
        /* A group prints as its first instruction, marked with a "+" for
         * each instruction that runs with it, and then those, which keep
         * their own words. */
        uint32_t length;
        uint32_t op = vm_group_first(c->words[pc], &length);
        const char *mark = &"+++"[4 - length];
        if (op >= VM_OP_COUNT || ops[op].name[0] == 0) {
            fprintf(out, "  %5u  ?? %u\n", pc, op);
            return;
        }
        int n = ops[op].words;
        if (n < 0)
            n = 2 + (int)c->words[pc + 2];   /* index, count, targets */
        char name[40];
        snprintf(name, sizeof name, "%s%s", ops[op].name, mark);
        fprintf(out, n ? "  %5u  %-24s" : "  %5u  %s", pc, name);
        for (int i = 1; i <= n && pc + (uint32_t)i < c->nwords; i++)
            fprintf(out, " %u", c->words[pc + (uint32_t)i]);
        fputc('\n', out);
        pc += 1 + (uint32_t)n;
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
