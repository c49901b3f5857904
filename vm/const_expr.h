/* const_expr.h — the instructions of constant expressions (global
 * initializers, segment offsets, element items), read in one place.
 *
 * Three parts of the engine walk a constant expression, each for its own
 * end: the decoder delimits it (decode_segments.c), the validator checks
 * its types (validate.c), instantiation computes its value (instance.c).
 * Each reads it with vm_const_instr_read(), one instruction at a time, the
 * immediate decoded, and says only what it does with that instruction.
 *
 * The instructions: t.const for i32, i64, f32, f64 and v128, global.get,
 * ref.null and ref.func (Wasm 2.0), and the extended-const proposal's
 * i32/i64 add, sub and mul. Whether an instruction is allowed in a given
 * module (the proposal enabled, a global imported and immutable) is the
 * validator's question, not this reader's.
 *
 * Reads module bytes through a vm_reader only; no allocation, no state.
 * Internal to vm/. */
#ifndef WIPPY_VM_CONST_EXPR_H
#define WIPPY_VM_CONST_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/module.h"
#include "vm/reader.h"

/* What an instruction does on the expression's operand stack. */
typedef enum {
    VM_CONST_PUSH_VALUE,    /* t.const: pushes `value`, of type `type` */
    VM_CONST_PUSH_NULL,     /* ref.null: pushes a null reference (see `type`) */
    VM_CONST_PUSH_FUNC,     /* ref.func `index`: pushes a reference to that function */
    VM_CONST_PUSH_GLOBAL,   /* global.get `index`: pushes that global's value */
    VM_CONST_ARITH,         /* i32/i64 add, sub, mul: pops two operands of
                             * `type`, pushes vm_const_arith() of them */
    VM_CONST_END,           /* end: the expression is complete */
    VM_CONST_NOT_CONSTANT   /* an instruction a constant expression may not
                             * hold; its immediates are not read */
} vm_const_kind;

/* One instruction, decoded. */
typedef struct {
    vm_const_kind kind;
    uint32_t at;            /* the offset of its opcode in the module */
    uint8_t opcode;         /* its first byte (a vm_wasm_opcode) */
    vm_valtype type;        /* PUSH_VALUE: the value's type; ARITH: the
                             * operands' and result's. PUSH_NULL: the
                             * immediate byte as read, not yet checked to
                             * be a reference type (the validator does) */
    uint32_t index;         /* PUSH_FUNC, PUSH_GLOBAL */
    uint64_t value[2];      /* PUSH_VALUE: the value as the interpreter's
                             * slots hold it; a v128 has both words (low
                             * half first), any other type value[1] == 0 */
} vm_const_instr;

/* Reads one instruction of a constant expression at r->pos into *out and
 * moves r past it (for NOT_CONSTANT, past its opcode only: for a SIMD
 * instruction other than v128.const, past its sub-opcode). Returns false,
 * with the error recorded in r->err, when the instruction or its
 * immediate is cut off or malformed (a LEB128 too long, say). */
bool vm_const_instr_read(vm_reader *r, vm_const_instr *out);

/* The text-format name of an ARITH instruction ("i32.add"), for messages. */
const char *vm_const_arith_name(const vm_const_instr *op);

/* An ARITH instruction applied to operands a and b (slot values), wrapping
 * as the integer instructions do: for i32, the low 32 bits of a and b,
 * and the result zero-extended. */
uint64_t vm_const_arith(const vm_const_instr *op, uint64_t a, uint64_t b);

/* A reader over expression e (form VM_EXPR_BYTES) of module m, from its
 * first instruction through its `end`, recording errors in err. */
vm_reader vm_const_expr_reader(const vm_module *m, const vm_expr *e, vm_error *err);

#endif
