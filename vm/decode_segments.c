/* decode_segments.c — the decoder's sections after start: element, data
 * count, code (locals and the byte range of each body) and data; and
 * constant expressions, which are only delimited here (read with
 * const_expr.h; the validator checks and the instantiator evaluates them). */
#include <stdlib.h>

#include "vm/const_expr.h"
#include "vm/decode_internal.h"
#include "vm/wasm_opcodes.h"

/* ---- constant expressions ---- */

/* A constant expression is delimited here: its instructions are read
 * (const_expr.h) up to its `end`, and only where it lies is recorded.
 * The validator checks it and instantiation evaluates it from there.
 *
 * A non-constant instruction makes the expression invalid, which the
 * validator reports ("constant expression required") when it walks the
 * recorded range. Its immediates are unknown here, so to go on decoding
 * the next `end` byte is taken as the expression's end. */
bool vm_dec_const_expr(decoder *d, vm_expr *out)
{
    vm_reader *r = &d->r;
    size_t start = r->pos;
    out->form = VM_EXPR_BYTES;
    out->offset = (uint32_t)start;
    out->func_index = 0;
    vm_const_instr op;
    do {
        if (!vm_const_instr_read(r, &op))
            return false;
    } while (op.kind != VM_CONST_END && op.kind != VM_CONST_NOT_CONSTANT);
    if (op.kind == VM_CONST_NOT_CONSTANT) {
        uint8_t b;
        do {
            if (!vm_read_u8(r, &b))
                return false;
        } while (b != VM_WASM_END);
    }
    out->length = (uint32_t)(r->pos - 1 - start);
    return true;
}

/* ---- element section ---- */

/* The element kind byte of the function-index forms: 0x00 is funcref. */
static bool read_elem_kind(decoder *d, vm_valtype *out)
{
    uint8_t kind;
    if (!vm_read_u8(&d->r, &kind))
        return false;
    if (kind != 0x00) {
        d->r.pos--;
        return vm_dec_fail(d, "malformed element kind");
    }
    *out = VM_FUNCREF;
    return true;
}

/* Flags: bit 0 passive or declarative, bit 1 an explicit table index (when
 * active) or declarative (when not), bit 2 expressions instead of function
 * indices. */
static bool read_elem(decoder *d, vm_elem_segment *seg)
{
    vm_reader *r = &d->r;
    uint32_t flags;
    size_t at = r->pos;
    if (!vm_read_u32(r, &flags))
        return false;
    if (flags > 7) {
        r->pos = at;
        return vm_dec_fail(d, "malformed elements segment kind");
    }
    bool exprs = (flags & 4) != 0;
    seg->type = VM_FUNCREF;
    if ((flags & 1) == 0) {
        seg->mode = VM_SEGMENT_ACTIVE;
        seg->table = 0;
        if ((flags & 2) && !vm_read_u32(r, &seg->table))
            return false;
        if (!vm_dec_const_expr(d, &seg->offset))
            return false;
    } else {
        seg->mode = (flags & 2) ? VM_SEGMENT_DECLARATIVE : VM_SEGMENT_PASSIVE;
    }
    if ((flags & 3) != 0) {   /* every form but 0 and 4 names its type */
        bool ok = exprs ? vm_read_reftype(r, &seg->type) : read_elem_kind(d, &seg->type);
        if (!ok)
            return false;
    }
    uint32_t n;
    if (!vm_read_len(r, &n))
        return false;
    seg->items = vm_dec_calloc(d, n, sizeof *seg->items);
    if (seg->items == NULL)
        return false;
    seg->count = n;
    for (uint32_t i = 0; i < n; i++) {
        vm_expr *item = &seg->items[i];
        if (exprs) {
            if (!vm_dec_const_expr(d, item))
                return false;
        } else {
            item->form = VM_EXPR_FUNC_INDEX;
            if (!vm_read_u32(r, &item->func_index))
                return false;
        }
    }
    return true;
}

bool vm_dec_elem_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_SEGMENTS, "element segments", &n))
        return false;
    m->elems = vm_dec_calloc(d, n, sizeof *m->elems);
    if (m->elems == NULL)
        return false;
    m->nelems = n;
    for (uint32_t i = 0; i < n; i++)
        if (!read_elem(d, &m->elems[i]))
            return false;
    return true;
}

/* ---- data count and data sections ---- */

bool vm_dec_data_count_section(decoder *d)
{
    d->m->has_data_count = true;
    return vm_read_u32(&d->r, &d->m->data_count);
}

static bool read_data(decoder *d, vm_data_segment *seg)
{
    vm_reader *r = &d->r;
    uint32_t flags;
    size_t at = r->pos;
    if (!vm_read_u32(r, &flags))
        return false;
    seg->memory = 0;
    switch (flags) {
    case 0:
        seg->mode = VM_SEGMENT_ACTIVE;
        if (!vm_dec_const_expr(d, &seg->offset))
            return false;
        break;
    case 1:
        seg->mode = VM_SEGMENT_PASSIVE;
        break;
    case 2:
        seg->mode = VM_SEGMENT_ACTIVE;
        if (!vm_read_u32(r, &seg->memory) || !vm_dec_const_expr(d, &seg->offset))
            return false;
        break;
    default:
        r->pos = at;
        return vm_dec_fail(d, "malformed data segment kind");
    }
    const uint8_t *bytes;
    if (!vm_read_len(r, &seg->size))
        return false;
    seg->data_offset = (uint32_t)r->pos;
    return vm_read_bytes(r, seg->size, &bytes);
}

bool vm_dec_data_section(decoder *d)
{
    vm_module *m = d->m;
    size_t at = d->r.pos;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_SEGMENTS, "data segments", &n))
        return false;
    if (m->has_data_count && n != m->data_count) {
        d->r.pos = at;
        return vm_dec_fail(d, "data count and data section have inconsistent lengths");
    }
    m->datas = vm_dec_calloc(d, n, sizeof *m->datas);
    if (m->datas == NULL)
        return false;
    m->ndatas = n;
    d->has_data = true;
    for (uint32_t i = 0; i < n; i++)
        if (!read_data(d, &m->datas[i]))
            return false;
    return true;
}

/* ---- code section ---- */

/* The local declarations of a body: groups of (count, type). The first
 * pass checks them and counts, the second fills f->local_types. */
static bool read_locals(decoder *d, vm_reader *r, vm_func_def *f)
{
    vm_module *m = d->m;
    uint64_t nparams = 0, declared = 0;
    if (f->type_index < m->ntypes)
        nparams = m->types[f->type_index].nparams;   /* the limit counts params too */
    uint32_t ngroups;
    if (!vm_read_len(r, &ngroups))
        return false;
    size_t groups_at = r->pos;
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t count;
        vm_valtype type;
        size_t at = r->pos;
        if (!vm_read_u32(r, &count) || !vm_read_valtype(r, &type))
            return false;
        declared += count;   /* no overflow: it stays below 2^32 + VM_MAX_LOCALS */
        if (nparams + declared > VM_MAX_LOCALS
            || d->total_locals + declared > VM_MAX_TOTAL_LOCALS) {
            r->pos = at;
            return vm_read_fail(r, VM_ERR_MALFORMED, "too many locals");
        }
    }
    f->nlocals = (uint32_t)declared;
    d->total_locals += declared;
    f->local_types = vm_dec_calloc(d, f->nlocals, sizeof *f->local_types);
    if (f->local_types == NULL)
        return false;
    size_t body_at = r->pos;
    r->pos = groups_at;
    uint32_t k = 0;
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t count = 0;
        vm_valtype type = VM_I32;
        vm_read_u32(r, &count);      /* read successfully by the first pass */
        vm_read_valtype(r, &type);
        for (uint32_t i = 0; i < count; i++)
            f->local_types[k++] = type;
    }
    r->pos = body_at;
    return true;
}

/* A body whose last byte is not `end`. Reported as a decoder reading on
 * past the body would see it: the module ends there, or an `end` follows
 * (the size is one too small), or some other instruction follows. */
static bool missing_end(decoder *d, size_t body_end)
{
    d->r.pos = body_end;
    if (body_end == d->m->size)
        return vm_read_eof(&d->r);
    if (d->m->bytes[body_end] == VM_WASM_END)
        return vm_dec_fail(d, "section size mismatch");
    return vm_dec_fail(d, "END opcode expected");
}

static bool read_body(decoder *d, vm_func_def *f)
{
    f->code_offset = (uint32_t)d->r.pos;
    uint32_t size;
    if (!vm_read_len(&d->r, &size))
        return false;
    if (size > d->r.end - d->r.pos) {
        d->r.pos = f->code_offset;
        return vm_dec_fail(d, "length out of bounds");
    }
    /* The entry is read on its own: the locals may not run past it. */
    vm_reader entry = { d->r.bytes, d->r.pos, d->r.pos + size, d->r.err };
    if (!read_locals(d, &entry, f))
        return false;
    f->body_offset = (uint32_t)entry.pos;
    f->body_end = (uint32_t)entry.end;
    d->r.pos = entry.end;
    if (f->body_end == f->body_offset || d->m->bytes[f->body_end - 1] != VM_WASM_END)
        return missing_end(d, f->body_end);
    return true;
}

bool vm_dec_code_section(decoder *d)
{
    size_t at = d->r.pos;
    uint32_t n;
    if (!vm_read_len(&d->r, &n))
        return false;
    if (n != d->nfunc_decls) {
        d->r.pos = at;
        return vm_dec_fail(d, "function and code section have inconsistent lengths");
    }
    d->has_code = true;
    for (uint32_t i = 0; i < n; i++)
        if (!read_body(d, &d->m->funcs[i]))
            return false;
    return true;
}
