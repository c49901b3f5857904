/* translate_simd.c — the SIMD instructions (prefix 0xfd, a LEB128 u32
 * sub-opcode): their immediates read and checked (lane indices, memargs),
 * their operand types checked, their internal code emitted. One function
 * per kind of opcodes_simd.h; the cases come from that table.
 *
 * A v128 value is two consecutive slots (code.h); the operand stack gives
 * every operand its position by the widths below it (pos_slot), so the
 * code here only names first slots. v128 values never go through the
 * interpreter's accumulator: nothing here records a destination for the
 * superinstructions (note_dst). A v128 operand is always in slots: its
 * own position's, or a local's (local.get); never a pending constant
 * (v128.const writes its slots at once). SIMD memory
 * accesses get no fused forms: each names its memory, and the interpreter
 * uses its registers for memory 0. */
#include "vm/simd_mem.h"
#include "vm/translate_internal.h"

bool vm_tr_emit_copy_v128(translator *t, uint32_t dst, uint32_t src)
{
    return dst == src || (vm_tr_emit_op(t, VM_OP_COPY_V128) && emit(t, dst) && emit(t, src));
}

/* 16 bytes as 4 code words: the low half's low and high 32 bits, then
 * the high half's. */
static bool emit_bytes16(translator *t, const uint8_t *bytes)
{
    vm_v128 v = vm_v128_load(bytes);
    uint64_t lo = vm_v128_lo(v), hi = vm_v128_hi(v);
    return emit(t, (uint32_t)lo) && emit(t, (uint32_t)(lo >> 32)) && emit(t, (uint32_t)hi) &&
           emit(t, (uint32_t)(hi >> 32));
}

/* A lane index immediate (one byte), below lanes. */
static bool read_lane(translator *t, uint32_t lanes, uint32_t *lane)
{
    uint8_t b = 0;
    if (!vm_read_u8(&t->r, &b))
        return false;
    *lane = b;
    return b < lanes || vm_tr_fail(t, "invalid lane index");
}

/* The slot of the value just pushed. */
static uint32_t top_slot(const translator *t) { return pos_slot(t, t->height - 1); }

static bool simd_const(translator *t, vm_opcode op)
{
    const uint8_t *bytes;
    if (!vm_read_bytes(&t->r, 16, &bytes) || !vm_tr_push(t, VM_V128))
        return false;
    return !tr_live(t) || (vm_tr_emit_op(t, op) && emit(t, top_slot(t)) && emit_bytes16(t, bytes));
}

static bool simd_shuffle(translator *t, vm_opcode op, uint32_t lanes)
{
    const uint8_t *bytes;
    if (!vm_read_bytes(&t->r, 16, &bytes))
        return false;
    for (int i = 0; i < 16; i++)
        if (bytes[i] >= lanes)
            return vm_tr_fail(t, "invalid lane index");
    operand a = {0}, b = {0};
    if (!vm_tr_pop(t, VM_V128, &b) || !vm_tr_pop(t, VM_V128, &a) || !vm_tr_push(t, VM_V128))
        return false;
    return !tr_live(t) || (vm_tr_emit_op(t, op) && emit(t, top_slot(t)) && emit(t, a.slot) && emit(t, b.slot) &&
                           emit_bytes16(t, bytes));
}

/* n operands of the given types (in stack order) → one result of type
 * out: OP dst operand slots..., then the immediates (nimm of them). */
static bool simd_operation(translator *t, vm_opcode op, const vm_valtype *in, uint32_t n, vm_valtype out,
                           const uint32_t *imm, uint32_t nimm)
{
    operand o[3] = {{0}};
    for (uint32_t i = n; i-- > 0;)
        if (!vm_tr_pop(t, in[i], &o[i]))
            return false;
    if (out != VM_UNKNOWN && !vm_tr_push(t, out))
        return false;
    if (!tr_live(t))
        return true;
    for (uint32_t i = 0; i < n; i++)
        if (!vm_tr_use(t, &o[i]))
            return false;
    if (!vm_tr_emit_op(t, op) || (out != VM_UNKNOWN && !emit(t, top_slot(t))))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!emit(t, o[i].slot))
            return false;
    for (uint32_t i = 0; i < nimm; i++)
        if (!emit(t, imm[i]))
            return false;
    return true;
}

static const vm_valtype v128x3[] = { VM_V128, VM_V128, VM_V128 };

static bool simd_unary(translator *t, vm_opcode op, vm_valtype out)
{
    return simd_operation(t, op, v128x3, 1, out, NULL, 0);
}

static bool simd_nary(translator *t, vm_opcode op, uint32_t n)
{
    return simd_operation(t, op, v128x3, n, VM_V128, NULL, 0);
}

static bool simd_shift(translator *t, vm_opcode op)
{
    static const vm_valtype in[] = { VM_V128, VM_I32 };
    return simd_operation(t, op, in, 2, VM_V128, NULL, 0);
}

static bool simd_splat(translator *t, vm_opcode op, vm_valtype scalar)
{
    return simd_operation(t, op, &scalar, 1, VM_V128, NULL, 0);
}

static bool simd_extract(translator *t, vm_opcode op, uint32_t lanes, vm_valtype scalar)
{
    uint32_t lane;
    return read_lane(t, lanes, &lane) && simd_operation(t, op, v128x3, 1, scalar, &lane, 1);
}

static bool simd_replace(translator *t, vm_opcode op, uint32_t lanes, vm_valtype scalar)
{
    uint32_t lane;
    const vm_valtype in[] = { VM_V128, scalar };
    return read_lane(t, lanes, &lane) && simd_operation(t, op, in, 2, VM_V128, &lane, 1);
}

/* Loads and stores: memarg (alignment at most `align`), for the lane
 * forms a lane index; the operands an address and, but for plain loads,
 * a v128. Immediates: offset, memory, and the lane. */
static bool simd_memory(translator *t, vm_opcode op, uint32_t align, uint32_t lanes, bool has_v128,
                        bool result)
{
    uint32_t imm[3], lane = 0;
    if (!vm_tr_read_memarg(t, align, &imm[0], &imm[1]) || (lanes && !read_lane(t, lanes, &lane)))
        return false;
    imm[2] = lane;
    static const vm_valtype in[] = { VM_I32, VM_V128 };
    return simd_operation(t, op, in, has_v128 ? 2 : 1, result ? VM_V128 : VM_UNKNOWN, imm, lanes ? 3 : 2);
}

/* Each kind of opcodes_simd.h, as the calls above. */
#define KIND_CONST(OP, LANES, ALIGN) simd_const(t, OP)
#define KIND_SHUFFLE(OP, LANES, ALIGN) simd_shuffle(t, OP, LANES)
#define KIND_UNARY(OP, LANES, ALIGN) simd_unary(t, OP, VM_V128)
#define KIND_BINARY(OP, LANES, ALIGN) simd_nary(t, OP, 2)
#define KIND_TERNARY(OP, LANES, ALIGN) simd_nary(t, OP, 3)
#define KIND_TEST(OP, LANES, ALIGN) simd_unary(t, OP, VM_I32)
#define KIND_SHIFT(OP, LANES, ALIGN) simd_shift(t, OP)
#define KIND_SPLAT_I32(OP, LANES, ALIGN) simd_splat(t, OP, VM_I32)
#define KIND_SPLAT_I64(OP, LANES, ALIGN) simd_splat(t, OP, VM_I64)
#define KIND_SPLAT_F32(OP, LANES, ALIGN) simd_splat(t, OP, VM_F32)
#define KIND_SPLAT_F64(OP, LANES, ALIGN) simd_splat(t, OP, VM_F64)
#define KIND_EXTRACT_I32(OP, LANES, ALIGN) simd_extract(t, OP, LANES, VM_I32)
#define KIND_EXTRACT_I64(OP, LANES, ALIGN) simd_extract(t, OP, LANES, VM_I64)
#define KIND_EXTRACT_F32(OP, LANES, ALIGN) simd_extract(t, OP, LANES, VM_F32)
#define KIND_EXTRACT_F64(OP, LANES, ALIGN) simd_extract(t, OP, LANES, VM_F64)
#define KIND_REPLACE_I32(OP, LANES, ALIGN) simd_replace(t, OP, LANES, VM_I32)
#define KIND_REPLACE_I64(OP, LANES, ALIGN) simd_replace(t, OP, LANES, VM_I64)
#define KIND_REPLACE_F32(OP, LANES, ALIGN) simd_replace(t, OP, LANES, VM_F32)
#define KIND_REPLACE_F64(OP, LANES, ALIGN) simd_replace(t, OP, LANES, VM_F64)
#define KIND_LOAD(OP, LANES, ALIGN) simd_memory(t, OP, ALIGN, 0, false, true)
#define KIND_STORE(OP, LANES, ALIGN) simd_memory(t, OP, ALIGN, 0, true, false)
#define KIND_LOAD_LANE(OP, LANES, ALIGN) simd_memory(t, OP, ALIGN, LANES, true, true)
#define KIND_STORE_LANE(OP, LANES, ALIGN) simd_memory(t, OP, ALIGN, LANES, true, false)

bool vm_tr_simd(translator *t)
{
    uint32_t sub;
    if (!vm_read_u32(&t->r, &sub))
        return false;
    switch (sub) {
#define SIMD_CASE(NAME, TEXT, SUBOP, KIND, LANES, ALIGN, FN) \
    case SUBOP: return KIND_##KIND(VM_OP_##NAME, LANES, ALIGN);
    VM_SIMD_OPS(SIMD_CASE)
#undef SIMD_CASE
    default:
        return vm_tr_malformed(t, "illegal opcode 0xfd %u", sub);
    }
}
