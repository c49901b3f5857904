/* decode_sections.c — the decoder's sections from types to start: type,
 * import, function, table, memory, global, export and start, and the
 * limits, table and global types they contain. */
#include <stdlib.h>

#include "vm/decode_internal.h"

/* ---- types shared by several sections ---- */

static bool dec_limits(decoder *d, vm_limits *out)
{
    /* The flag is a 1-bit LEB128: 0 (min only) or 1 (min and max); any
     * other value is "integer too large" or "... too long". */
    uint64_t flag;
    if (!vm_read_uleb(&d->r, 1, &flag))
        return false;
    out->has_max = flag == 1;
    out->max = 0;
    if (!vm_read_u32(&d->r, &out->min))
        return false;
    return !out->has_max || vm_read_u32(&d->r, &out->max);
}

static bool dec_table_type(decoder *d, vm_tabletype *out)
{
    return vm_read_reftype(&d->r, &out->elem) && dec_limits(d, &out->limits);
}

static bool dec_global_type(decoder *d, vm_globaltype *out)
{
    if (!vm_read_valtype(&d->r, &out->type))
        return false;
    uint8_t mut;
    if (!vm_read_u8(&d->r, &mut))
        return false;
    if (mut > 1) {
        d->r.pos--;
        return vm_dec_fail(d, "malformed mutability");
    }
    out->mutable_ = mut == 1;
    return true;
}

/* ---- type section ---- */

/* FNV-1a over a type's shape: equal types hash equally. */
static uint64_t type_hash(const vm_functype *t)
{
    uint64_t h = 0xcbf29ce484222325u;
    uint32_t words[2] = { t->nparams, t->nresults };
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < 4; k++)
            h = (h ^ ((words[w] >> (8 * k)) & 0xff)) * 0x100000001b3u;
    for (uint32_t i = 0; i < t->nparams; i++)
        h = (h ^ (uint8_t)t->params[i]) * 0x100000001b3u;
    for (uint32_t i = 0; i < t->nresults; i++)
        h = (h ^ (uint8_t)t->results[i]) * 0x100000001b3u;
    return h;
}

/* Appends a vector of value types to m->valtypes (used of cap in use). */
static bool read_valtypes(decoder *d, const char *what, uint32_t *count, size_t *used,
                          size_t *cap)
{
    vm_module *m = d->m;
    if (!vm_dec_count(d, VM_MAX_PARAMS, what, count))
        return false;
    if (*used + *count > *cap) {
        size_t new_cap = *cap == 0 ? 16 : *cap;
        while (new_cap < *used + *count)
            new_cap *= 2;
        vm_valtype *grown = realloc(m->valtypes, new_cap * sizeof *grown);
        if (grown == NULL)
            return vm_dec_nomem(d);
        m->valtypes = grown;
        *cap = new_cap;
    }
    for (uint32_t k = 0; k < *count; k++)
        if (!vm_read_valtype(&d->r, &m->valtypes[(*used)++]))
            return false;
    return true;
}

bool vm_dec_type_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_TYPES, "types", &n))
        return false;
    m->types = vm_dec_calloc(d, n, sizeof *m->types);
    size_t *first = vm_dec_calloc(d, n, sizeof *first);   /* where each type's params start */
    bool ok = m->types != NULL && first != NULL;
    size_t used = 0, cap = 0;
    for (uint32_t i = 0; ok && i < n; i++) {
        vm_functype *t = &m->types[i];
        size_t at = d->r.pos;
        int64_t form;   /* a 7-bit signed LEB128: 0x60 is -0x20 */
        ok = vm_read_sleb(&d->r, 7, &form);
        if (ok && form != -0x20) {
            d->r.pos = at;
            ok = vm_dec_fail(d, "malformed function type");
        }
        first[i] = used;
        ok = ok && read_valtypes(d, "parameters", &t->nparams, &used, &cap)
             && read_valtypes(d, "results", &t->nresults, &used, &cap);
    }
    if (ok && m->valtypes == NULL) {   /* no type has any: still point somewhere */
        m->valtypes = vm_dec_calloc(d, 1, sizeof *m->valtypes);
        ok = m->valtypes != NULL;
    }
    if (ok) {
        /* The storage no longer moves: point every type into it. */
        m->ntypes = n;
        for (uint32_t i = 0; i < n; i++) {
            vm_functype *t = &m->types[i];
            t->params = m->valtypes + first[i];
            t->results = t->params + t->nparams;
            t->hash = type_hash(t);
        }
    }
    free(first);
    return ok;
}

/* ---- import section ---- */

static bool read_import(decoder *d, vm_import *im)
{
    vm_module *m = d->m;
    if (!vm_dec_name(d, &im->module, &im->module_len) || !vm_dec_name(d, &im->name, &im->name_len))
        return false;
    uint8_t kind;
    if (!vm_read_u8(&d->r, &kind))
        return false;
    switch (kind) {
    case VM_EXTERN_FUNC:
        m->nimported_funcs++;
        im->kind = VM_EXTERN_FUNC;
        return vm_read_u32(&d->r, &im->as.type_index);
    case VM_EXTERN_TABLE:
        m->nimported_tables++;
        im->kind = VM_EXTERN_TABLE;
        return dec_table_type(d, &im->as.table);
    case VM_EXTERN_MEMORY:
        m->nimported_memories++;
        im->kind = VM_EXTERN_MEMORY;
        return dec_limits(d, &im->as.memory.limits);
    case VM_EXTERN_GLOBAL:
        m->nimported_globals++;
        im->kind = VM_EXTERN_GLOBAL;
        return dec_global_type(d, &im->as.global);
    default:
        d->r.pos--;
        return vm_dec_fail(d, "malformed import kind");
    }
}

bool vm_dec_import_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_IMPORTS, "imports", &n))
        return false;
    m->imports = vm_dec_calloc(d, n, sizeof *m->imports);
    if (m->imports == NULL)
        return false;
    m->nimports = n;   /* the entries not read yet stay zero: freeing is safe */
    for (uint32_t i = 0; i < n; i++)
        if (!read_import(d, &m->imports[i]))
            return false;
    return true;
}

/* ---- function, table, memory, global sections ---- */

bool vm_dec_function_section(decoder *d)
{
    vm_module *m = d->m;
    size_t at = d->r.pos;
    uint32_t n;
    if (!vm_read_len(&d->r, &n))
        return false;
    if ((uint64_t)m->nimported_funcs + n > VM_MAX_FUNCS) {
        d->r.pos = at;
        return vm_dec_fail(d, "too many functions");
    }
    m->funcs = vm_dec_calloc(d, n, sizeof *m->funcs);
    if (m->funcs == NULL)
        return false;
    m->nfuncs = m->nimported_funcs + n;
    d->nfunc_decls = n;
    for (uint32_t i = 0; i < n; i++)
        if (!vm_read_u32(&d->r, &m->funcs[i].type_index))
            return false;
    return true;
}

bool vm_dec_table_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_TABLES, "tables", &n) || !vm_dec_table_space(d, n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!dec_table_type(d, &m->tables[m->nimported_tables + i]))
            return false;
    return true;
}

bool vm_dec_memory_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_MEMORIES, "memories", &n) || !vm_dec_memory_space(d, n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!dec_limits(d, &m->memories[m->nimported_memories + i].limits))
            return false;
    return true;
}

bool vm_dec_global_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_GLOBALS, "globals", &n) || !vm_dec_global_space(d, n))
        return false;
    m->globals = vm_dec_calloc(d, n, sizeof *m->globals);
    if (m->globals == NULL)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        vm_global_def *g = &m->globals[i];
        if (!dec_global_type(d, &g->type) || !vm_dec_const_expr(d, &g->init))
            return false;
        m->global_types[m->nimported_globals + i] = g->type;
    }
    return true;
}

/* ---- export and start sections ---- */

bool vm_dec_export_section(decoder *d)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_dec_count(d, VM_MAX_EXPORTS, "exports", &n))
        return false;
    m->exports = vm_dec_calloc(d, n, sizeof *m->exports);
    if (m->exports == NULL)
        return false;
    m->nexports = n;
    for (uint32_t i = 0; i < n; i++) {
        vm_export *e = &m->exports[i];
        uint8_t kind;
        if (!vm_dec_name(d, &e->name, &e->name_len) || !vm_read_u8(&d->r, &kind))
            return false;
        if (kind > VM_EXTERN_GLOBAL) {
            d->r.pos--;
            return vm_dec_fail(d, "malformed export kind");
        }
        e->kind = (vm_externkind)kind;
        if (!vm_read_u32(&d->r, &e->index))
            return false;
    }
    return true;
}

bool vm_dec_start_section(decoder *d)
{
    d->m->has_start = true;
    return vm_read_u32(&d->r, &d->m->start);
}
