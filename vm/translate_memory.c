/* translate_memory.c — the memory instructions: loads and stores with
 * their memargs, memory.size and memory.grow, and the bulk memory
 * instructions (memory.init, data.drop, memory.copy, memory.fill).
 *
 * Memory indices. In Wasm 2.0 a module has at most one memory and every
 * memory instruction names it by a zero byte (a memarg by nothing). The
 * multi-memory proposal (VM_FEATURE_MULTI_MEMORY) makes those bytes a
 * memory index (u32): memory.size/grow/fill take one, memory.copy two
 * (destination, then source), memory.init one after its data index; and
 * a memarg whose alignment field has bit 6 set carries a memory index
 * between the alignment and the offset.
 *
 * Accesses to memory 0 get every form the translator has (translate_fuse.c
 * folds address arithmetic and constants into them); the interpreter keeps
 * memory 0 in registers. An access to any other memory is one NAME_MEM
 * instruction that names the memory, and nothing fuses with it. */
#include "vm/translate_internal.h"
#include "vm/wasm_opcodes.h"

#define MEM_ENTRY(NAME, ...) [VM_OP_##NAME] = VM_OP_##NAME##_MEM,
static const vm_opcode mem_forms[VM_OP_COUNT] = { VM_LOADS(MEM_ENTRY) VM_STORES(MEM_ENTRY) };
#undef MEM_ENTRY

#define MEMARG_HAS_INDEX 0x40u   /* bit 6 of a memarg's alignment field */

static bool multi_memory(const translator *t)
{
    return (t->m->features & VM_FEATURE_MULTI_MEMORY) != 0;
}

static bool need_memory(translator *t, uint32_t index)
{
    return index < t->m->nmemories || vm_tr_fail(t, "unknown memory %u", index);
}

/* Reads the memory an instruction names: a zero byte in Wasm 2.0, a
 * memory index with multi-memory. Whether it exists is checked apart. */
static bool read_memory_index(translator *t, uint32_t *index)
{
    if (multi_memory(t))
        return vm_read_u32(&t->r, index);
    uint8_t b = 0;
    if (!vm_read_u8(&t->r, &b))
        return false;
    *index = 0;
    return b == 0 || vm_tr_malformed(t, "zero byte expected");
}

/* The memory an instruction names, read and checked. */
static bool memory_index(translator *t, uint32_t *index)
{
    return read_memory_index(t, index) && need_memory(t, *index);
}

bool vm_tr_read_memarg(translator *t, uint32_t natural, uint32_t *offset, uint32_t *memory)
{
    uint32_t align;
    *memory = 0;
    if (!vm_read_u32(&t->r, &align))
        return false;
    if (multi_memory(t)) {
        /* The proposal's two encodings: a < 2^6, or 2^6 <= a < 2^7 with
         * the memory index following; nothing else. */
        if (align >= 2 * MEMARG_HAS_INDEX)
            return vm_tr_malformed(t, "malformed memop flags: 0x%x (at most 0x7f)", align);
        if (align & MEMARG_HAS_INDEX) {
            align -= MEMARG_HAS_INDEX;
            if (!vm_read_u32(&t->r, memory))
                return false;
        }
    }
    if (!vm_read_u32(&t->r, offset) || !need_memory(t, *memory))
        return false;
    return align <= natural || vm_tr_fail(t, "alignment must not be larger than natural");
}

bool vm_tr_load(translator *t, vm_opcode op, vm_valtype type, uint32_t natural)
{
    uint32_t offset, memory;
    operand addr = {0};
    if (!vm_tr_read_memarg(t, natural, &offset, &memory) || !vm_tr_pop(t, VM_I32, &addr) || !vm_tr_push(t, type))
        return false;
    if (!tr_live(t))
        return true;
    if (!vm_tr_use(t, &addr))
        return false;
    uint32_t dst = pos_slot(t, t->height - 1);
    if (memory != 0) {
        if (!vm_tr_emit_op(t, mem_forms[op]) || !emit(t, dst) || !emit(t, addr.slot) || !emit(t, offset) ||
            !emit(t, memory))
            return false;
        note_dst(t);
        return true;
    }
    tr_address a;
    vm_tr_fold_address(t, &addr, &a);
    return vm_tr_emit_load(t, op, dst, &a, offset);
}

bool vm_tr_store(translator *t, vm_opcode op, vm_valtype type, uint32_t natural)
{
    uint32_t offset, memory;
    operand addr = {0}, value = {0};
    if (!vm_tr_read_memarg(t, natural, &offset, &memory) || !vm_tr_pop(t, type, &value) || !vm_tr_pop(t, VM_I32, &addr))
        return false;
    if (!tr_live(t))
        return true;
    if (memory != 0)
        return vm_tr_use(t, &value) && vm_tr_use(t, &addr) && vm_tr_emit_op(t, mem_forms[op]) && emit(t, addr.slot) &&
               emit(t, value.slot) && emit(t, offset) && emit(t, memory);
    /* The value first: writing it to its slot (above the address's)
     * must not come between the address's computation and the fold. */
    bool constant = value.kind == OPD_CONST;
    if (!constant && !vm_tr_use(t, &value))
        return false;
    if (!vm_tr_use(t, &addr))
        return false;
    tr_address a;
    vm_tr_fold_address(t, &addr, &a);
    if (constant)
        return vm_tr_emit_store_imm(t, op, type, &a, value.value, offset);
    return vm_tr_fold_store_back(t, op, type, &a, value.slot, offset) || vm_tr_emit_store(t, op, &a, value.slot, offset);
}

bool vm_tr_memory_size_grow(translator *t, uint8_t opcode)
{
    uint32_t x;
    if (!memory_index(t, &x))
        return false;
    if (opcode == VM_WASM_MEMORY_SIZE) {
        if (!vm_tr_push(t, VM_I32))
            return false;
        return !tr_live(t) || (vm_tr_emit_op(t, VM_OP_MEMORY_SIZE) && emit(t, pos_slot(t, t->height - 1)) && emit(t, x));
    }
    operand delta = {0};
    if (!vm_tr_pop(t, VM_I32, &delta) || !vm_tr_push(t, VM_I32))
        return false;
    return !tr_live(t) || (vm_tr_use(t, &delta) && vm_tr_emit_op(t, VM_OP_MEMORY_GROW) &&
                           emit(t, pos_slot(t, t->height - 1)) && emit(t, delta.slot) && emit(t, x));
}

static bool need_data_count(translator *t, uint32_t *data)
{
    if (!vm_read_u32(&t->r, data))
        return false;
    if (!t->m->has_data_count)
        return vm_tr_malformed(t, "data count section required");
    return *data < t->m->data_count || vm_tr_fail(t, "unknown data segment %u", *data);
}

bool vm_tr_memory_bulk(translator *t, uint32_t sub)
{
    uint32_t x, y;
    switch (sub) {
    case VM_WASM_MEMORY_INIT:   /* data memory */
        if (!need_data_count(t, &y) || !memory_index(t, &x))
            return false;
        return vm_tr_three_operands(t, VM_OP_MEMORY_INIT, VM_I32, x, y, 2);
    case VM_WASM_DATA_DROP:
        if (!need_data_count(t, &y))
            return false;
        return !tr_live(t) || (vm_tr_emit_op(t, VM_OP_DATA_DROP) && emit(t, y));
    case VM_WASM_MEMORY_COPY:   /* dst src */
        if (!read_memory_index(t, &x) || !read_memory_index(t, &y) || !need_memory(t, x) ||
            !need_memory(t, y))
            return false;
        return vm_tr_three_operands(t, VM_OP_MEMORY_COPY, VM_I32, x, y, 2);
    default:                    /* VM_WASM_MEMORY_FILL */
        if (!memory_index(t, &x))
            return false;
        return vm_tr_three_operands(t, VM_OP_MEMORY_FILL, VM_I32, x, 0, 1);
    }
}
