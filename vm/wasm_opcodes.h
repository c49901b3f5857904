/* wasm_opcodes.h — WebAssembly instructions by name, as they are encoded
 * in a module: what the decoder, the validator, instantiation and the
 * translator switch on when they read an instruction.
 *
 * One name per instruction, VM_WASM_ and the text format's name in upper
 * case with '.' as '_' (local.get is VM_WASM_LOCAL_GET). The instructions
 * of the tables in opcodes.h (numeric, loads, stores) and opcodes_simd.h
 * take their names and encodings from those tables; the others (control,
 * variables, tables, constants, references, the prefixes and the 0xFC
 * instructions beyond the saturating conversions) are listed here.
 * Three enumerations, one per encoding: a single byte, a sub-opcode after
 * the prefix 0xFC, a sub-opcode after the prefix 0xFD (SIMD).
 *
 * Names only: no code. These are the module's encodings, not the
 * interpreter's internal opcodes (vm_opcode, VM_OP_, in opcodes.h).
 * Internal to vm/. */
#ifndef WIPPY_VM_WASM_OPCODES_H
#define WIPPY_VM_WASM_OPCODES_H

#include "vm/opcodes.h"

/* X(NAME, CODE, ...) of the tables, as NAME = CODE. */
#define VM_WASM_OPCODE_ENTRY(NAME, CODE, ...) VM_WASM_##NAME = CODE,
/* X(NAME, "text", SUBOP, ...) of opcodes_simd.h, as NAME = SUBOP. */
#define VM_WASM_SIMD_ENTRY(NAME, TEXT, SUBOP, ...) VM_WASM_##NAME = SUBOP,

/* The instructions of one byte. */
typedef enum {
    /* control */
    VM_WASM_UNREACHABLE          = 0x00,
    VM_WASM_NOP                  = 0x01,
    VM_WASM_BLOCK                = 0x02,
    VM_WASM_LOOP                 = 0x03,
    VM_WASM_IF                   = 0x04,
    VM_WASM_ELSE                 = 0x05,
    VM_WASM_END                  = 0x0b,
    VM_WASM_BR                   = 0x0c,
    VM_WASM_BR_IF                = 0x0d,
    VM_WASM_BR_TABLE             = 0x0e,
    VM_WASM_RETURN               = 0x0f,
    VM_WASM_CALL                 = 0x10,
    VM_WASM_CALL_INDIRECT        = 0x11,
    VM_WASM_RETURN_CALL          = 0x12,   /* the tail-call proposal */
    VM_WASM_RETURN_CALL_INDIRECT = 0x13,
    /* parametric */
    VM_WASM_DROP                 = 0x1a,
    VM_WASM_SELECT               = 0x1b,
    VM_WASM_SELECT_T             = 0x1c,   /* select with its result type */
    /* variables */
    VM_WASM_LOCAL_GET            = 0x20,
    VM_WASM_LOCAL_SET            = 0x21,
    VM_WASM_LOCAL_TEE            = 0x22,
    VM_WASM_GLOBAL_GET           = 0x23,
    VM_WASM_GLOBAL_SET           = 0x24,
    /* tables */
    VM_WASM_TABLE_GET            = 0x25,
    VM_WASM_TABLE_SET            = 0x26,
    /* memory (the loads and stores are in the tables below) */
    VM_WASM_MEMORY_SIZE          = 0x3f,
    VM_WASM_MEMORY_GROW          = 0x40,
    /* constants */
    VM_WASM_I32_CONST            = 0x41,
    VM_WASM_I64_CONST            = 0x42,
    VM_WASM_F32_CONST            = 0x43,
    VM_WASM_F64_CONST            = 0x44,
    /* references */
    VM_WASM_REF_NULL             = 0xd0,
    VM_WASM_REF_IS_NULL          = 0xd1,
    VM_WASM_REF_FUNC             = 0xd2,
    /* prefixes: a u32 sub-opcode follows (vm_wasm_fc_opcode, vm_wasm_simd_opcode) */
    VM_WASM_PREFIX_FC            = 0xfc,
    VM_WASM_PREFIX_SIMD          = 0xfd,
    /* from the tables of opcodes.h */
    VM_COMPARES(VM_WASM_OPCODE_ENTRY)
    VM_BINOPS(VM_WASM_OPCODE_ENTRY)
    VM_BINOPS_TRAP(VM_WASM_OPCODE_ENTRY)
    VM_UNOPS(VM_WASM_OPCODE_ENTRY)
    VM_UNOPS_TRAP(VM_WASM_OPCODE_ENTRY)
    VM_REINTERPRETS(VM_WASM_OPCODE_ENTRY)
    VM_LOADS(VM_WASM_OPCODE_ENTRY)
    VM_STORES(VM_WASM_OPCODE_ENTRY)
} vm_wasm_opcode;

/* The sub-opcodes after 0xFC: the saturating conversions (opcodes.h),
 * then bulk memory and tables. */
typedef enum {
    VM_UNOPS_SAT(VM_WASM_OPCODE_ENTRY)
    VM_WASM_MEMORY_INIT          = 8,
    VM_WASM_DATA_DROP            = 9,
    VM_WASM_MEMORY_COPY          = 10,
    VM_WASM_MEMORY_FILL          = 11,
    VM_WASM_TABLE_INIT           = 12,
    VM_WASM_ELEM_DROP            = 13,
    VM_WASM_TABLE_COPY           = 14,
    VM_WASM_TABLE_GROW           = 15,
    VM_WASM_TABLE_SIZE           = 16,
    VM_WASM_TABLE_FILL           = 17,
} vm_wasm_fc_opcode;

/* The sub-opcodes after 0xFD: every SIMD instruction (opcodes_simd.h). */
typedef enum {
    VM_SIMD_OPS(VM_WASM_SIMD_ENTRY)
} vm_wasm_simd_opcode;

#undef VM_WASM_OPCODE_ENTRY
#undef VM_WASM_SIMD_ENTRY

#endif
