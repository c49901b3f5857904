/* layouts.h — the operand words of every internal instruction, each
 * layout once.
 *
 * An instruction in the internal code (code.h) is its opcode word and
 * then its operand words. A layout lists those words in order, each with
 * a kind and a name:
 *   SLOT(name)      a frame slot: the operand is fp[name]
 *   WORD(name)      an unsigned number: an offset, a shift, a lane, a
 *                   count, or the index of a function, table, memory,
 *                   global, type or segment
 *   VALUE(T, name)  an immediate of wasm type T (I32, F32: one word; I64,
 *                   F64: two, low word first; V128: four)
 *   TARGET(name)    a branch target: a word index into the function's code
 *   TARGETS(name)   BR_TABLE's targets, as many as the word before says
 * opcodes.h says which layout each opcode has (VM_OPCODE(NAME, LAYOUT));
 * the special instructions' layouts are their entries in VM_SPECIAL_OPS
 * and VM_V128_SPECIAL_OPS, the others are listed here. From the lists
 * come:
 *   vm_layout_LAYOUT   a struct of the instruction's words, opcode first,
 *                      each operand a member of its name
 *   vm_operands_NAME   the struct of opcode NAME's layout, so that code
 *                      reads an operand as VM_OPERANDS(NAME, pc)->name
 *   VM_LENGTH(NAME)    the words of an instruction NAME, opcode included
 *                      (BR_TABLE's without its targets)
 *   vm_layout          an enumeration of the layouts, VM_LAYOUT_LAYOUT,
 *                      for tables (the dump's, in code_dump.c)
 * The interpreter's bodies, the translator's folds (which read back what
 * it emitted) and the dump all take the words from here. */
#ifndef WIPPY_VM_LAYOUTS_H
#define WIPPY_VM_LAYOUTS_H

#include <stddef.h>
#include <stdint.h>

#include "vm/opcodes.h"

/* The layouts whose immediate is of the instruction's type T. */
#define VM_TYPED_LAYOUTS(X, T)                                                \
    X(BINARY_IMM_##T, SLOT(dst) SLOT(a) VALUE(T, b))                          \
    X(BRANCH_IMM_##T, SLOT(a) VALUE(T, b) TARGET(target))                     \
    X(STORE_IMM_##T, SLOT(addr) WORD(offset) VALUE(T, value))                 \
    X(STORE_ADD_IMM_##T, SLOT(addr) VALUE(I32, add) WORD(offset) VALUE(T, value)) \
    X(STORE_IDX_IMM_##T, SLOT(base) SLOT(index) WORD(shift) WORD(offset) VALUE(T, value))

/* X(LAYOUT, operand words). The address of a memory access is addr
 * (plain), (addr + add) mod 2^32 (_ADD, _M) or (base + (index << shift))
 * mod 2^32 (_IDX), and then + offset. */
#define VM_LAYOUTS(X)                                                         \
    X(UNARY, SLOT(dst) SLOT(a))                                               \
    X(BINARY, SLOT(dst) SLOT(a) SLOT(b))                                      \
    X(BINARY_M, SLOT(dst) SLOT(a) SLOT(addr) VALUE(I32, add) WORD(offset))    \
    X(BRANCH, SLOT(a) SLOT(b) TARGET(target))                                 \
    X(LOAD, SLOT(dst) SLOT(addr) WORD(offset))                                \
    X(LOAD_ADD, SLOT(dst) SLOT(addr) VALUE(I32, add) WORD(offset))            \
    X(LOAD_IDX, SLOT(dst) SLOT(base) SLOT(index) WORD(shift) WORD(offset))    \
    X(LOAD_MEM, SLOT(dst) SLOT(addr) WORD(offset) WORD(memory))               \
    X(STORE, SLOT(addr) SLOT(value) WORD(offset))                             \
    X(STORE_ADD, SLOT(addr) VALUE(I32, add) SLOT(value) WORD(offset))         \
    X(STORE_IDX, SLOT(base) SLOT(index) WORD(shift) SLOT(value) WORD(offset)) \
    X(STORE_MEM, SLOT(addr) SLOT(value) WORD(offset) WORD(memory))            \
    X(LOOP_SS, SLOT(dst) SLOT(x) SLOT(y) SLOT(b) TARGET(target))              \
    X(LOOP_SI, SLOT(dst) SLOT(x) SLOT(y) VALUE(I32, b) TARGET(target))        \
    X(LOOP_IS, SLOT(dst) SLOT(x) VALUE(I32, y) SLOT(b) TARGET(target))        \
    X(LOOP_II, SLOT(dst) SLOT(x) VALUE(I32, y) VALUE(I32, b) TARGET(target))  \
    VM_TYPED_LAYOUTS(X, I32) VM_TYPED_LAYOUTS(X, I64)                         \
    VM_TYPED_LAYOUTS(X, F32) VM_TYPED_LAYOUTS(X, F64)                         \
    X(GROUP, ) /* a group's opcode word: the words are its first's */        \
    VM_SPECIAL_OPS(X) VM_V128_SPECIAL_OPS(X)                                  \
    /* the SIMD kinds (opcodes_simd.h) */                                     \
    X(SIMD_CONST, SLOT(dst) VALUE(V128, value))                               \
    X(SIMD_SHUFFLE, SLOT(dst) SLOT(a) SLOT(b) VALUE(V128, lanes))             \
    X(SIMD_UNARY, SLOT(dst) SLOT(a))                                          \
    X(SIMD_TEST, SLOT(dst) SLOT(a))                                           \
    X(SIMD_BINARY, SLOT(dst) SLOT(a) SLOT(b))                                 \
    X(SIMD_SHIFT, SLOT(dst) SLOT(a) SLOT(b))                                  \
    X(SIMD_TERNARY, SLOT(dst) SLOT(a) SLOT(b) SLOT(c))                        \
    X(SIMD_SPLAT_I32, SLOT(dst) SLOT(x)) X(SIMD_SPLAT_I64, SLOT(dst) SLOT(x)) \
    X(SIMD_SPLAT_F32, SLOT(dst) SLOT(x)) X(SIMD_SPLAT_F64, SLOT(dst) SLOT(x)) \
    X(SIMD_EXTRACT_I32, SLOT(dst) SLOT(a) WORD(lane))                         \
    X(SIMD_EXTRACT_I64, SLOT(dst) SLOT(a) WORD(lane))                         \
    X(SIMD_EXTRACT_F32, SLOT(dst) SLOT(a) WORD(lane))                         \
    X(SIMD_EXTRACT_F64, SLOT(dst) SLOT(a) WORD(lane))                         \
    X(SIMD_REPLACE_I32, SLOT(dst) SLOT(a) SLOT(x) WORD(lane))                 \
    X(SIMD_REPLACE_I64, SLOT(dst) SLOT(a) SLOT(x) WORD(lane))                 \
    X(SIMD_REPLACE_F32, SLOT(dst) SLOT(a) SLOT(x) WORD(lane))                 \
    X(SIMD_REPLACE_F64, SLOT(dst) SLOT(a) SLOT(x) WORD(lane))                 \
    X(SIMD_LOAD, SLOT(dst) SLOT(addr) WORD(offset) WORD(memory))              \
    X(SIMD_STORE, SLOT(addr) SLOT(value) WORD(offset) WORD(memory))           \
    X(SIMD_LOAD_LANE, SLOT(dst) SLOT(addr) SLOT(a) WORD(offset) WORD(memory) WORD(lane)) \
    X(SIMD_STORE_LANE, SLOT(addr) SLOT(a) WORD(offset) WORD(memory) WORD(lane))

/* The words of an immediate of each type. */
#define VM_VALUE_WORDS_I32 1
#define VM_VALUE_WORDS_F32 1
#define VM_VALUE_WORDS_I64 2
#define VM_VALUE_WORDS_F64 2
#define VM_VALUE_WORDS_V128 4

#define SLOT(name) uint32_t name;
#define WORD(name) uint32_t name;
#define VALUE(T, name) uint32_t name[VM_VALUE_WORDS_##T];
#define TARGET(name) uint32_t name;
#define TARGETS(name) uint32_t name[];
#define VM_LAYOUT_STRUCT(LAYOUT, OPERANDS) typedef struct { uint32_t opcode; OPERANDS } vm_layout_##LAYOUT;
VM_LAYOUTS(VM_LAYOUT_STRUCT)
#undef VM_LAYOUT_STRUCT
#undef SLOT
#undef WORD
#undef VALUE
#undef TARGET
#undef TARGETS

#define VM_LAYOUT_NAME(LAYOUT, OPERANDS) VM_LAYOUT_##LAYOUT,
typedef enum { VM_LAYOUTS(VM_LAYOUT_NAME) VM_LAYOUT_COUNT } vm_layout;
#undef VM_LAYOUT_NAME

#define VM_OPCODE(NAME, LAYOUT) typedef vm_layout_##LAYOUT vm_operands_##NAME;
VM_SCALAR_OPCODES
VM_V128_OPCODES
#undef VM_OPCODE

/* The operands of the instruction NAME at pc; its length in words; the
 * word at which its operand `name` is. */
#define VM_OPERANDS(NAME, pc) ((const vm_operands_##NAME *)(const void *)(pc))
#define VM_LENGTH(NAME) ((uint32_t)(sizeof(vm_operands_##NAME) / sizeof(uint32_t)))
#define VM_WORD_OF(NAME, name) ((uint32_t)(offsetof(vm_operands_##NAME, name) / sizeof(uint32_t)))

#endif
