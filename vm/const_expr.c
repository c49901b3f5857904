/* const_expr.c — reading the instructions of constant expressions (see
 * const_expr.h), and the meaning of the extended-const arithmetic.
 *
 * vm_const_instr_read() takes one step:
 *   1. read the opcode byte and note where it stands;
 *   2. by the opcode, read the immediate the instruction has (a constant,
 *      an index, a type byte; for the SIMD prefix the sub-opcode first,
 *      then v128.const's 16 bytes) and say what the instruction does;
 *   3. an opcode of the extended-const table (const_arith_ops) is ARITH,
 *      which has no immediate;
 *   4. any other opcode is NOT_CONSTANT, its immediates left unread: what
 *      they are depends on an instruction a constant expression cannot hold.
 * Reads the module's bytes through the caller's reader only. */
#include "vm/const_expr.h"

#include <string.h>

#include "vm/simd_lanes.h"
#include "vm/wasm_opcodes.h"

/* The extended-const instructions. */
typedef enum { ARITH_ADD, ARITH_SUB, ARITH_MUL } arith_operation;
static const struct {
    uint8_t opcode;
    vm_valtype type;              /* of both operands and the result */
    arith_operation operation;
    const char *name;
} const_arith_ops[] = {
    { VM_WASM_I32_ADD, VM_I32, ARITH_ADD, "i32.add" },
    { VM_WASM_I32_SUB, VM_I32, ARITH_SUB, "i32.sub" },
    { VM_WASM_I32_MUL, VM_I32, ARITH_MUL, "i32.mul" },
    { VM_WASM_I64_ADD, VM_I64, ARITH_ADD, "i64.add" },
    { VM_WASM_I64_SUB, VM_I64, ARITH_SUB, "i64.sub" },
    { VM_WASM_I64_MUL, VM_I64, ARITH_MUL, "i64.mul" },
};
#define CONST_ARITH_COUNT (sizeof const_arith_ops / sizeof const_arith_ops[0])

/* The entry of const_arith_ops for opcode; CONST_ARITH_COUNT if none. */
static size_t const_arith_entry(uint8_t opcode)
{
    size_t i = 0;
    while (i < CONST_ARITH_COUNT && const_arith_ops[i].opcode != opcode)
        i++;
    return i;
}

/* A constant of `type` whose slot value is `bits`. */
static bool push_value(vm_const_instr *out, vm_valtype type, uint64_t bits)
{
    out->kind = VM_CONST_PUSH_VALUE;
    out->type = type;
    out->value[0] = bits;
    return true;
}

/* After the prefix 0xFD: the sub-opcode, and v128.const's 16 bytes
 * (little-endian: the low half's bytes first). */
static bool read_simd(vm_reader *r, vm_const_instr *out)
{
    uint32_t sub;
    const uint8_t *bytes;
    if (!vm_read_u32(r, &sub))
        return false;
    if (sub != VM_WASM_V128_CONST) {
        out->kind = VM_CONST_NOT_CONSTANT;
        return true;
    }
    if (!vm_read_bytes(r, 16, &bytes))
        return false;
    vm_v128 v;
    memcpy(v.bytes, bytes, sizeof v.bytes);
    out->value[1] = vm_v128_hi(v);
    return push_value(out, VM_V128, vm_v128_lo(v));
}

bool vm_const_instr_read(vm_reader *r, vm_const_instr *out)
{
    memset(out, 0, sizeof *out);
    out->at = (uint32_t)r->pos;
    if (!vm_read_u8(r, &out->opcode))
        return false;
    switch (out->opcode) {
    case VM_WASM_END:
        out->kind = VM_CONST_END;
        return true;
    case VM_WASM_I32_CONST: {
        int32_t v;
        return vm_read_s32(r, &v) && push_value(out, VM_I32, (uint32_t)v);
    }
    case VM_WASM_I64_CONST: {
        int64_t v;
        return vm_read_s64(r, &v) && push_value(out, VM_I64, (uint64_t)v);
    }
    case VM_WASM_F32_CONST: {
        uint32_t bits;
        return vm_read_f32(r, &bits) && push_value(out, VM_F32, bits);
    }
    case VM_WASM_F64_CONST: {
        uint64_t bits;
        return vm_read_f64(r, &bits) && push_value(out, VM_F64, bits);
    }
    case VM_WASM_PREFIX_SIMD:
        return read_simd(r, out);
    case VM_WASM_REF_NULL: {
        uint8_t type;
        if (!vm_read_u8(r, &type))
            return false;
        out->kind = VM_CONST_PUSH_NULL;
        out->type = (vm_valtype)type;
        return true;
    }
    case VM_WASM_REF_FUNC:
        out->kind = VM_CONST_PUSH_FUNC;
        return vm_read_u32(r, &out->index);
    case VM_WASM_GLOBAL_GET:
        out->kind = VM_CONST_PUSH_GLOBAL;
        return vm_read_u32(r, &out->index);
    default: {
        size_t arith = const_arith_entry(out->opcode);
        if (arith == CONST_ARITH_COUNT) {
            out->kind = VM_CONST_NOT_CONSTANT;
            return true;
        }
        out->kind = VM_CONST_ARITH;
        out->type = const_arith_ops[arith].type;
        return true;
    }
    }
}

const char *vm_const_arith_name(const vm_const_instr *op)
{
    size_t i = const_arith_entry(op->opcode);
    return i < CONST_ARITH_COUNT ? const_arith_ops[i].name : "not arithmetic";
}

/* Sums, differences and products modulo 2^64; their low 32 bits are
 * those of the same operation on the operands' low 32 bits, so i32 needs
 * only the result cut. */
uint64_t vm_const_arith(const vm_const_instr *op, uint64_t a, uint64_t b)
{
    size_t i = const_arith_entry(op->opcode);
    if (i == CONST_ARITH_COUNT)
        return 0;
    uint64_t result;
    switch (const_arith_ops[i].operation) {
    case ARITH_ADD: result = a + b; break;
    case ARITH_SUB: result = a - b; break;
    default:        result = a * b; break;
    }
    return const_arith_ops[i].type == VM_I32 ? (uint32_t)result : result;
}

vm_reader vm_const_expr_reader(const vm_module *m, const vm_expr *e, vm_error *err)
{
    vm_reader r = { m->bytes, e->offset, (size_t)e->offset + e->length + 1, err };
    return r;
}
